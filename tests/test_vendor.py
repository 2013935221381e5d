"""The vendor round trip: export the vendor's items, read their file back, apply it once."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from tui_support import demo_session

from pdpa_check.exports.vendor import preview
from pdpa_check.questionnaires.loader import BankError
from pdpa_check.services.session import Session


def vendor_data(session: Session) -> dict[str, Any]:
    return tomllib.loads(session.vendor_file())


def as_file(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode()


def test_the_vendor_file_holds_their_items_and_questions_and_no_internal_notes(
    tmp_path: Path,
) -> None:
    session = demo_session(tmp_path / "demo.db")
    text = session.vendor_file()
    data = tomllib.loads(text)
    plan = session.assessed().plan
    assert data["format"] == "pdpa-check-vendor" and data["format_version"] == 2
    assert [item["id"] for item in data["items"]] == [
        item.id for item in plan.items if item.action.vendor_doable
    ]
    # Each fix once, with its steps and its systems' items; the items name their entry.
    entries = [entry for entry in plan.entries if entry.action.vendor_doable]
    assert [entry["id"] for entry in data["entries"]] == [entry.id for entry in entries]
    for given, entry in zip(data["entries"], entries, strict=True):
        assert given["items"] == list(entry.item_ids)
        assert given["horizon"] == entry.horizon and given["steps"] == entry.action.steps
    assert all(item["entry"] == item["id"].partition("/")[0] for item in data["items"])
    assert not any("steps" in item for item in data["items"])
    asked = {(q["id"], q["system"]) for q in data["questions"]}
    assert asked == {(v.question_id, v.system_key) for v in plan.vendor_questions}
    assert all(item["status"] == "open" for item in data["items"])
    notes = [a.note for a in session.assessed().answers.values() if a.note]
    assert notes and not any(note in text for note in notes)


def test_round_trip_applies_once_and_then_changes_nothing(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    item, question = data["items"][0], data["questions"][0]
    item.update(status="done", notes="Enforced for all users", evidence="TICKET-42")
    item["completed_on"] = "2026-11-20"
    question["answer"] = "yes"
    question["notes"] = "Checked in the admin console"

    update = session.read_vendor_update(as_file(data), "vendor.toml")
    assert [c.item_id for c in update.items] == [item["id"]]
    assert update.items[0].fields == {
        "status": "done",
        "notes": "Enforced for all users",
        "evidence": "TICKET-42",
        "completed_on": "2026-11-20",
    }
    assert [(a.slot.key, a.answer.value) for a in update.answers] == [
        ((question["id"], question["system"]), "yes")
    ]
    lines = "\n".join(preview(update))
    assert item["id"] in lines and "TICKET-42" in lines and "Don't know → Yes" in lines

    session.apply_vendor_update(update, "/somewhere/vendor.toml")
    state = session.plan_states()[item["id"]]
    assert (state.notes, state.evidence, state.completed_on) == (
        "Enforced for all users",
        "TICKET-42",
        "2026-11-20",
    )
    events = session.store.plan_item_events(session.require_org().id, item["id"])
    assert {event.by for event in events} == {"vendor file vendor.toml"}
    q = session.questionnaire()  # the vendor's answer went into a new, open assessment
    saved = q.answers[(question["id"], question["system"])]
    assert (saved.value, saved.note) == ("yes", "Vendor: Checked in the admin console")

    again = session.read_vendor_update(as_file(data), "vendor.toml")
    assert again.empty


def mangle(session: Session) -> dict[str, Any]:
    data = vendor_data(session)
    data["items"][0]["id"] = "no-such-item"
    data["items"][1]["status"] = "finished"
    data["items"][2]["title"] = "Something easier"
    data["items"][3]["completed_on"] = "2026-02-30"
    data["items"][4]["colour"] = "blue"
    data["questions"][0]["answer"] = "perhaps"
    data["questions"].append({"id": "not-a-question", "answer": "yes"})
    return data


def test_a_file_with_errors_reports_each_with_its_id_and_changes_nothing(
    tmp_path: Path,
) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    ids = [item["id"] for item in data["items"]]
    bad = mangle(session)
    before_states = session.plan_states()
    before_answers = dict(session.assessed().answers)
    with pytest.raises(BankError) as caught:
        session.read_vendor_update(as_file(bad), "vendor.toml")
    problems = "\n".join(caught.value.problems)
    # Type and shape problems come first, each naming the item.
    assert f'items[1] (id "{ids[1]}").status' in problems
    assert f'items[3] (id "{ids[3]}").completed_on' in problems
    assert f'items[4] (id "{ids[4]}").colour' in problems
    fixed = mangle(session)
    fixed["items"][1]["status"] = "done"
    fixed["items"][3]["completed_on"] = "2026-02-28"
    del fixed["items"][4]["colour"]
    with pytest.raises(BankError) as caught:
        session.read_vendor_update(as_file(fixed), "vendor.toml")
    problems = "\n".join(caught.value.problems)
    assert 'items[0] (id "no-such-item"): no such item in the current plan' in problems
    assert f'items[2] (id "{ids[2]}"): title: may not be changed' in problems
    assert "questions[0]" in problems and "perhaps" in problems
    assert '(question "not-a-question"): not a question asked' in problems
    assert session.plan_states() == before_states
    assert dict(session.assessed().answers) == before_answers


def test_broken_toml_names_the_place(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    with pytest.raises(BankError) as caught:
        session.read_vendor_update(b'format = "pdpa-check-vendor"\nitems = [', "v.toml")
    assert caught.value.problems[0].startswith("v.toml:")


def test_the_vendor_cannot_overrule_an_accepted_risk(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    item_id = data["items"][0]["id"]
    session.update_plan_item(
        item_id, status="accepted_risk", risk_reason="Later", review_date="2027-06-30"
    )
    data["items"][0]["status"] = "done"
    with pytest.raises(BankError, match="accepted this risk"):
        session.read_vendor_update(as_file(data), "vendor.toml")
    data["items"][0]["status"] = "open"
    data["items"][0]["notes"] = "Noted"
    update = session.read_vendor_update(as_file(data), "vendor.toml")
    assert update.items[0].fields == {"notes": "Noted"}


def test_hostile_vendor_text_is_cleaned(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    data["items"][0]["notes"] = "[/nope] \x1b]0;owned\x07 done\u202e"
    update = session.read_vendor_update(as_file(data), "vendor.toml")
    assert update.items[0].fields["notes"] == "[/nope] ]0;owned done"


def as_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """The same file as version 1 wrote it: no entries, each item with its own steps."""
    steps = {entry["id"]: entry["steps"] for entry in data["entries"]}
    old = {key: value for key, value in data.items() if key != "entries"}
    old["format_version"] = 1
    old["items"] = [
        {**{k: v for k, v in item.items() if k != "entry"}, "steps": steps[item["entry"]]}
        for item in data["items"]
    ]
    return old


def mfa_entry(session: Session) -> tuple[str, list[str]]:
    """The demo's MFA fix (three systems) and its item ids."""
    entry = session.assessed().plan.entry("enforce-mfa")
    assert entry is not None and len(entry.items) == 3 and entry.action.vendor_doable
    return entry.id, list(entry.item_ids)


@pytest.mark.parametrize("version", [1, 2])
def test_a_vendor_marks_one_system_of_a_fix_done(tmp_path: Path, version: int) -> None:
    session = demo_session(tmp_path / "demo.db")
    entry_id, (first, second, _third) = mfa_entry(session)
    data = vendor_data(session)
    if version == 1:
        data = as_version_1(data)
    item = next(i for i in data["items"] if i["id"] == first)
    item.update(status="done", notes="MFA enforced", completed_on="2026-11-20")
    update = session.read_vendor_update(as_file(data), "vendor.toml")
    assert [c.item_id for c in update.items] == [first]
    session.apply_vendor_update(update, "vendor.toml")
    states = session.plan_states()
    assert states[first].status == "done"
    assert second not in states or states[second].status == "open"
    # The entry shows each system's own status; its own is derived: work has started.
    from pdpa_check.scoring.lifecycle import entry_status

    entry = session.assessed().plan.entry(entry_id)
    assert entry is not None and entry_status(entry, states) == "in_progress"
    # The system marked done still shows the gap in the answers: a "DONE?" flag.
    assert first in session.done_but_open()
    assert session.read_vendor_update(as_file(data), "vendor.toml").empty


def test_a_version_1_file_with_a_changed_step_is_refused(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = as_version_1(vendor_data(session))
    data["items"][0]["steps"] = ["Do nothing."]
    with pytest.raises(BankError, match=r"items\[0\].*steps: may not be changed"):
        session.read_vendor_update(as_file(data), "vendor.toml")


def test_entries_describe_the_fixes_and_may_not_be_changed(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    entry_id = data["entries"][0]["id"]
    data["entries"][0]["title"] = "Something easier"
    data["items"][0]["entry"] = "another-fix"
    with pytest.raises(BankError) as caught:
        session.read_vendor_update(as_file(data), "vendor.toml")
    problems = "\n".join(caught.value.problems)
    assert f'entries[0] (id "{entry_id}"): title: may not be changed' in problems
    assert f'items[0] (id "{data["items"][0]["id"]}"): entry: this item belongs to' in problems


def test_a_version_3_file_is_refused_by_name(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    data = vendor_data(session)
    data["format_version"] = 3
    with pytest.raises(BankError, match="format_version"):
        session.read_vendor_update(as_file(data), "vendor.toml")
