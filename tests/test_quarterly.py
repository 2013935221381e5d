"""The quarterly cycle: carried answers, confirmation, staleness, bank versions, plan lifecycle."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from tui_support import (
    TODAY,
    completed_once,
    fill,
    make_app,
    new_session,
    reopen_session,
    shown_text,
)

from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json, render_toml
from pdpa_check.questionnaires.loader import builtin_bank_path
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.lifecycle import done_but_open, reconcile
from pdpa_check.scoring.result import Plan
from pdpa_check.services.session import Session
from pdpa_check.tui.screens.assessment import AssessmentScreen


def sql(db: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


# Carrying answers forward -----------------------------------------------------


def test_new_assessment_carries_last_answers_to_confirm(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    first = session.completed()[-1].row
    before = session.store.answers(first.id)
    q = session.start_assessment()
    assert q.row.carried_from == first.id
    assert q.answers == before
    assert {slot.key for slot in q.unconfirmed()} == set(before) & {s.key for s in q.slots}
    # The copies keep when they were given.
    old = session.store.answer_meta(first.id)
    new = session.store.answer_meta(q.row.id)
    assert all(new[key].answered_at == old[key].answered_at for key in new)
    assert all(about.carried for about in new.values())


def test_answering_again_confirms_one_answer(tmp_path: Path, profile: Profile) -> None:
    session = completed_once(tmp_path / "a.db", profile)
    q = session.start_assessment()
    slot = q.unconfirmed()[0]
    q.answer(slot, q.answers[slot.key].value)
    assert slot.key not in q.carried
    again = reopen_session(tmp_path / "a.db").questionnaire()
    assert slot.key not in again.carried
    assert len(again.carried) == len(q.carried)


def test_confirm_a_whole_area_in_one_step(tmp_path: Path, profile: Profile) -> None:
    session = completed_once(tmp_path / "a.db", profile)
    q = session.start_assessment()
    domain = q.unconfirmed()[0].question.domain
    in_domain = [s for s in q.unconfirmed() if s.question.domain == domain]
    others = len(q.unconfirmed()) - len(in_domain)
    assert q.confirm_domain(domain) == len(in_domain)
    assert q.confirm_domain(domain) == 0  # nothing left to confirm there
    again = reopen_session(tmp_path / "a.db").questionnaire()
    assert len(again.unconfirmed()) == others
    assert all(s.question.domain != domain for s in again.unconfirmed())


def test_first_assessment_carries_nothing(tmp_path: Path, profile: Profile) -> None:
    q = new_session(tmp_path / "a.db", profile).start_assessment()
    assert q.answers == {} and q.row.carried_from is None


def test_answers_not_confirmed_for_a_quarter_are_stale(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    q = session.start_assessment()
    keys = sorted(q.answers)
    old = (TODAY - dt.timedelta(days=100)).isoformat()
    recent = (TODAY - dt.timedelta(days=10)).isoformat()
    sql(db, "UPDATE answers SET confirmed_at = ? WHERE assessment_id = ?", recent, q.row.id)
    sql(
        db,
        "UPDATE answers SET confirmed_at = ? WHERE assessment_id = ? AND question_id = ?",
        old,
        q.row.id,
        keys[0][0],
    )
    stale = reopen_session(db).stale_answers()
    assert stale == {key for key in keys if key[0] == keys[0][0]}
    q.answer(q.slot(keys[0]) or q.slots[0], q.answers[keys[0]].value)  # confirmed now
    assert keys[0] not in session.stale_answers()


def test_stale_limit_is_configurable(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    q = session.start_assessment()
    ten_days_ago = (TODAY - dt.timedelta(days=10)).isoformat()
    sql(db, "UPDATE answers SET confirmed_at = ? WHERE assessment_id = ?", ten_days_ago, q.row.id)
    assert reopen_session(db).stale_answers() == set()
    strict = Session(reopen_session(db).store, None, today=lambda: TODAY, stale_after_days=7)
    assert strict.stale_answers() == set(q.answers)


# Bank versions ------------------------------------------------------------------


def test_bank_version_change_marks_new_and_retired_questions(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    first = session.completed()[-1].row
    # Pretend the first assessment used an older version: one question it had is now
    # retired, and the current bank's first question did not exist yet.
    source = builtin_bank_path().read_text()
    current = session.assessed(first).bank
    added = current.questions[0].id
    old_source = source.replace(f'version = "{current.version}"', 'version = "0.0.1"', 1)
    old_source = old_source.replace(f'id = "{added}"', 'id = "old-retired-question"', 1)
    old_source = old_source.replace(f'"{added}"', '"old-retired-question"')
    session.store.save_bank_version(current.id, "0.0.1", old_source)
    sql(db, "UPDATE assessments SET bank_version = '0.0.1' WHERE id = ?", first.id)
    sql(
        db,
        "UPDATE answers SET question_id = 'old-retired-question' WHERE assessment_id = ?"
        " AND question_id = ?",
        first.id,
        added,
    )
    session = reopen_session(db)
    old_bank = session.assessed(session.completed()[-1].row).bank
    assert old_bank.version == "0.0.1"  # the stored copy, not the installed bank

    q = session.start_assessment()
    change = session.bank_change()
    assert change is not None
    assert change.new_questions == (added,)
    assert change.retired_questions == ("old-retired-question",)
    assert all(key[0] != "old-retired-question" for key in q.answers)
    assert (added, "") not in q.answers


async def test_new_questions_are_marked_on_screen(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    test_bank_version_change_marks_new_and_retired_questions(tmp_path, profile)
    session = reopen_session(db)
    change = session.bank_change()
    assert change is not None
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "1 new, 1 retired" in shown_text(app, "#progress")
        app.go("assessment", jump_to=(change.new_questions[0], ""))
        await pilot.pause()
        assert "NEW QUESTION" in shown_text(app, "#where")
        await pilot.press("right")
        assert "NEW QUESTION" not in shown_text(app, "#where")


def test_old_scores_stay_as_recorded(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    recorded = session.completed()[-1].score
    q = session.start_assessment()
    for slot in list(q.unconfirmed()):
        q.clear(slot)
    fill(q, good=True)
    session.complete_assessment()
    scores = [t.score for t in reopen_session(db).completed()]
    assert scores[0] == recorded and scores[1] > recorded


# Plan item lifecycle --------------------------------------------------------------


@dataclass(frozen=True)
class State:
    status: str
    review_date: str | None = None
    auto_closed: bool = False


def plan_of(*ids: str) -> Plan:
    from pdpa_check.questionnaires.loader import builtin_bank
    from pdpa_check.scoring.result import PlanEntry, PlanItem

    action = builtin_bank().actions[0]
    entries = tuple(
        PlanEntry(
            i,
            action,
            (PlanItem(i, action, "", None, ("q",), False, 1.0, "this-month", ("q",)),),
            False,
            1.0,
            2.0,
            "this-month",
        )
        for i in ids
    )
    return Plan(entries, (), 0.0)


def test_reconcile_rules() -> None:
    today = dt.date(2026, 11, 27)
    states = {
        "fixed": State("in_progress"),
        "fixed-risk": State("accepted_risk", "2027-01-01"),
        "back": State("done", auto_closed=True),
        "claimed": State("done"),
        "risk-due": State("accepted_risk", "2026-11-26"),
        "risk-ok": State("accepted_risk", "2026-11-27"),
        "already-closed": State("done", auto_closed=True),
    }
    plan = plan_of("back", "claimed", "risk-due", "risk-ok", "untouched")
    changes = {c.item_id: (c.status, c.auto_closed) for c in reconcile(plan, states, today)}
    assert changes == {
        "fixed": ("done", True),
        "fixed-risk": ("done", True),
        "back": ("open", False),
        "risk-due": ("open", False),
    }
    assert done_but_open(plan, states) == ["claimed"]


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.builds(
            State,
            st.sampled_from(["open", "in_progress", "done", "accepted_risk"]),
            st.sampled_from([None, "2026-01-01", "2027-01-01"]),
            st.booleans(),
        ),
    ),
    st.sets(st.sampled_from(["a", "b", "c", "d"])),
)
def test_reconcile_twice_changes_nothing_more(states: dict[str, State], in_plan: set[str]) -> None:
    today = dt.date(2026, 11, 27)
    plan = plan_of(*sorted(in_plan))
    applied = dict(states)
    for change in reconcile(plan, states, today):
        applied[change.item_id] = State(change.status, None, change.auto_closed)
    assert reconcile(plan, applied, today) == []


def test_items_close_when_the_gap_closes_and_reopen_when_it_is_back(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    item = session.assessed().plan.items[0]
    session.update_plan_item(item.id, status="in_progress", owner="Mei Ling")

    q = session.start_assessment()
    gap_question, _, gap_system = item.gaps[0].partition("/")
    for gap in item.gaps:
        question_id, _, system_key = gap.partition("/")
        slot = q.slot((question_id, system_key))
        assert slot is not None
        q.answer(slot, _best(slot.question))
    assert [c.item_id for c in session.sync_plan()] == [item.id]
    state = session.plan_states()[item.id]
    assert (state.status, state.auto_closed) == ("done", True)
    events = session.store.plan_item_events(session.require_org().id, item.id)
    assert events[-1].by == "pdpa-check" and "closed automatically" in events[-1].note

    slot = q.slot((gap_question, gap_system))
    assert slot is not None
    q.answer(slot, "no" if slot.question.kind in ("yes_no", "per_system") else _worst(slot))
    session.sync_plan()
    state = session.plan_states()[item.id]
    assert (state.status, state.auto_closed, state.owner) == ("open", False, "Mei Ling")
    assert session.sync_plan() == []  # nothing more to do


def test_accepted_risk_past_review_comes_back(tmp_path: Path, profile: Profile) -> None:
    session = completed_once(tmp_path / "a.db", profile)
    item = session.assessed().plan.items[0]
    session.update_plan_item(
        item.id, status="accepted_risk", risk_reason="Vendor cannot yet", review_date="2026-10-01"
    )
    session.sync_plan()
    assert session.plan_states()[item.id].status == "open"
    assert item.id in {i.id for i in session.open_items(session.assessed().plan)}


def test_done_by_hand_with_the_gap_still_open_is_flagged(tmp_path: Path, profile: Profile) -> None:
    session = completed_once(tmp_path / "a.db", profile)
    item = session.assessed().plan.items[0]
    session.update_plan_item(item.id, status="done")
    assert session.sync_plan() == []
    assert session.done_but_open() == [item.id]


def test_done_but_open_is_flagged_in_every_export(tmp_path: Path, profile: Profile) -> None:
    """The app's "DONE?" reaches the Markdown (short and full), TOML, JSON and the vendor file."""
    session = completed_once(tmp_path / "a.db", profile)
    plan = session.assessed().plan
    item = next(i for i in plan.items if i.action.vendor_doable and i.horizon == "this-month")
    other = next(i for i in plan.items if i.id != item.id)
    session.update_plan_item(item.id, status="done")
    session.update_plan_item(other.id, status="in_progress")
    report = session.report(redact=True)
    assert report.done_but_open == {item.id}
    for full in (False, True):
        statuses = _markdown_statuses(render_markdown(report, full=full))
        flagged = [text for text in statuses if text.startswith("DONE?")]
        assert len(flagged) == 1, (full, statuses)
    for data in (tomllib.loads(render_toml(report)), json.loads(render_json(report))):
        marks = {s["id"]: s["done_but_open"] for e in data["plan"] for s in e["systems"]}
        assert marks[item.id] is True
        assert not any(marks[key] for key in marks if key != item.id)
        entries = {e["id"]: e["done_but_open"] for e in data["plan"]}
        assert [key for key, flagged in entries.items() if flagged] == [
            next(e["id"] for e in data["plan"] if item.id in [s["id"] for s in e["systems"]])
        ]
    vendor = tomllib.loads(session.vendor_file())
    flags = {entry["id"]: entry.get("flag", "") for entry in vendor["items"]}
    assert flags[item.id].startswith("DONE?")
    assert not any(flags[key] for key in flags if key != item.id)
    # The vendor's file comes back with the flag untouched: it is not a change.
    assert session.read_vendor_update(tomli_w.dumps(vendor).encode(), "v.toml").empty


def _markdown_statuses(source: str) -> list[str]:
    """The text after each "Status:" label in the document, as markdown-it renders it."""
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    texts = []
    for token in tokens:
        if token.type == "inline":
            rendered = "".join(child.content for child in token.children or [])
            if "Status:" in rendered:
                texts.append(rendered.split("Status:", 1)[1].strip())
    # The later horizons' table: the last cell of each body row.
    return texts + [row[-1] for row in _table_rows(tokens) if row and row[0].isdigit()]


def _table_rows(tokens: list[Token]) -> list[list[str]]:
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            inline = tokens[index + 1]
            rows[-1].append("".join(child.content for child in inline.children or []))
    return rows


def _best(question: object) -> str:
    from pdpa_check.scoring.plan import best_value

    return best_value(question)  # type: ignore[arg-type]


def _worst(slot: object) -> str:
    from pdpa_check.questionnaires.applicability import Slot

    assert isinstance(slot, Slot)
    question = slot.question
    if question.kind == "choice":
        return min(question.options, key=lambda option: option.credit).id
    return "30" if question.kind == "number" else "no"


# On screen ------------------------------------------------------------------------


async def test_carried_answers_say_so_and_an_area_confirms_at_once(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "a.db"
    completed_once(db, profile).start_assessment()
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment", jump_to=("gov-dpo", ""))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert "CARRIED from last time" in shown_text(app, "#status")
        domain = screen.slot.question.domain
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "Saved" in shown_text(app, "#status")
        left = screen.questionnaire.unconfirmed()
        assert left and all(s.question.domain != domain for s in left)
    assert all(
        s.question.domain != domain for s in reopen_session(db).questionnaire().unconfirmed()
    )


@pytest.mark.parametrize("good", [True, False])
def test_completing_reconciles_the_plan(tmp_path: Path, profile: Profile, good: bool) -> None:
    session = completed_once(tmp_path / "a.db", profile, good=good)
    assert session.sync_plan() == []  # completion already did it


# The bank bump of issue 20: a database answered on 1.2.1 re-assesses onto 1.3.0 --------------

BANK_1_2_1 = Path(__file__).parent / "fixtures" / "bank-pdpa-sme-starter-1.2.1.toml"
NEW_IN_1_3_0 = {
    "inv-devices-and-software", "acc-remote-access-mfa", "sto-public-check",
    "cpy-test-site-real-data", "msg-bulk-email-tool", "msg-merge-test", "enc-files-to-vendors",
    "sch-payroll-access", "enc-https-everywhere", "pat-network-devices", "dev-no-local-admin",
    "mail-domain-auth", "web-store-patch-speed", "web-own-data-only", "web-api-signed-in",
    "web-keys-out-of-code", "web-test-before-release", "web-login-limits",
    "sch-no-card-numbers", "cpy-old-system-cleared", "sch-refund-bank-details",
    "web-security-in-contract", "ven-it-duties", "phish-first-steps", "mkt-email-consent",
    "mkt-withdrawal-honoured",
}  # fmt: skip
# Questions that asked two things at once in 1.2.1 and are choices in 1.3.0 with the same values.
NOW_SCALES = {
    "gov-dpo", "acc-mfa-domain", "access-least-privilege", "access-share-links",
    "pat-device-lock", "bkp-protected", "inc-notify-rule", "ntf-customer-list",
    "tr-notice-content", "tr-faq", "ven-contracts", "acc-lockout",
}  # fmt: skip


def test_a_database_answered_on_bank_1_2_1_reassesses_onto_1_3_0(
    tmp_path: Path, profile: Profile
) -> None:
    from pdpa_check.questionnaires.model import Bank

    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    first = session.completed()[-1].row
    # Make the completed assessment one answered on 1.2.1, as a database from before issue 20
    # holds it: the stored copy of that bank, and answers only to its questions.
    old_source = BANK_1_2_1.read_text(encoding="utf-8")
    old_bank = Bank.model_validate(tomllib.loads(old_source))
    assert old_bank.version == "1.2.1"
    old_ids = {question.id for question in old_bank.questions}
    session.store.save_bank_version(old_bank.id, "1.2.1", old_source)
    sql(db, "UPDATE assessments SET bank_version = '1.2.1' WHERE id = ?", first.id)
    marks = ", ".join("?" for _ in old_ids)
    sql(
        db,
        f"DELETE FROM answers WHERE assessment_id = ? AND question_id NOT IN ({marks})",
        first.id,
        *sorted(old_ids),
    )
    sql(db, "UPDATE answers SET value = 'partly' WHERE question_id IN ('gov-dpo', 'tr-faq')")
    session = reopen_session(db)
    before = session.store.answers(first.id)
    assert {key[0] for key in before} <= old_ids
    assert session.assessed(session.completed()[-1].row).bank.version == "1.2.1"

    q = session.start_assessment()
    assert q.row.bank_version == "1.3.0"
    change = session.bank_change()
    assert change is not None
    assert (change.before, change.after) == ("pdpa-sme-starter 1.2.1", "pdpa-sme-starter 1.3.0")
    assert set(change.new_questions) == NEW_IN_1_3_0
    assert change.retired_questions == ()
    # Every answer is carried, to confirm; the new questions wait, unanswered.
    assert q.answers == before
    asked = {slot.key for slot in q.slots}
    assert {slot.key for slot in q.unconfirmed()} == set(before) & asked
    new_asked = {key[0] for key in asked if key[0] in NEW_IN_1_3_0}
    assert new_asked and not new_asked & {key[0] for key in q.answers}
    # A hosted shop (the default for a profile from before the field) is not asked the
    # questions for a self-hosted or custom site, nor pat-security-scan any more.
    assert not new_asked & {"web-store-patch-speed", "web-own-data-only", "enc-https-everywhere"}
    assert ("pat-security-scan", "") not in asked
    # The questions that became scales keep their values and what they score.
    carried_scales = [qid for qid in sorted(NOW_SCALES) if (qid, "") in q.answers]
    assert len(carried_scales) >= 9  # the rest are follow-ups the worst answers kept closed
    for question_id in carried_scales:
        assert q.bank.question(question_id).kind == "choice", question_id
        value = q.answers[(question_id, "")].value
        assert value in {"yes", "partly", "no"}, question_id
        assert q.bank.question(question_id).credit(value) == old_bank.question(question_id).credit(
            value
        ), question_id
    assert q.answers[("gov-dpo", "")].value == "partly"
    # The carried answers score on 1.3.0 and the new questions count as not answered yet.
    assessed = session.assessed(q.row)
    assert assessed.result.unanswered >= len(new_asked)
