"""The breach kit against the law: incident kinds and s26B(4), the Schedule as data, the
verdict's wording, and a customer notice with every item regulation 6 lists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_support import ok
from hypothesis import given
from hypothesis import strategies as st
from kit_support import kit_context
from tui_support import choose, go_to, make_app, new_session, open_kit, verdict

from pdpa_check.exports.kit import notice as notice_module
from pdpa_check.exports.kit.notice import render_notice_markdown
from pdpa_check.exports.kit.notify import render_record_markdown
from pdpa_check.kit.facts import INCIDENT_KINDS, IncidentFacts, notifiability
from pdpa_check.kit.facts_file import facts_template, read_facts
from pdpa_check.questionnaires.loader import BankError
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.questionnaires.schedule import (
    QUESTION_KEYS,
    builtin_schedule,
    read_schedule,
    schedule_path,
)
from pdpa_check.tui.screens.kit_wizard import QUESTIONS
from pdpa_check.tui.widgets.toggles import MarkedRadioButton

FOUND = dt.date(2026, 12, 1)
TRI = st.sampled_from(["yes", "no", "unknown"])

# The issue's case: an unencrypted laptop with 2,000 customers' logins and card numbers is lost,
# and the owner, thinking nobody outside has seen it, still answers confined = "yes".
LOST_LAPTOP = """\
title = "Unencrypted laptop lost on the MRT"
kind = "device_lost"
discovered_on = 2026-11-20
assessed_on = 2026-12-02
identifiers = "yes"
credentials = "yes"
card_numbers = "yes"
affected = 2000
confined = "yes"
"""
OLD_CONFINED = """\
title = "Staff member looked at orders"
discovered_on = 2026-11-20
identifiers = "yes"
credentials = "no"
prescribed = "no"
confined = "yes"
"""


def facts(**fields: object) -> IncidentFacts:
    return IncidentFacts.model_validate({"discovered_on": FOUND, **fields})


def record(bank: Bank, profile: Profile, incident: IncidentFacts) -> str:
    return render_record_markdown(kit_context(bank, profile), incident, notifiability(incident))


# Item 1: what happened, and the exclusion only for internal access or use ---------------


def test_lost_laptop_is_notifiable_in_the_cli(real_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "laptop.toml"
    path.write_text(LOST_LAPTOP, encoding="utf-8")
    result = ok("--db", real_db, "kit", "notify", "--facts", path)
    assert "## Verdict: Likely notifiable" in result.stdout
    assert "no later than **2026-12-05**" in result.stdout
    assert "card numbers (reg 3(1)(a), Schedule Part 1 item 3)" in result.stdout
    assert "does not apply to this kind of incident" in result.stdout
    assert result.stderr.startswith("Likely notifiable; notify PDPC no later than 2026-12-05.")


async def test_lost_laptop_is_notifiable_in_the_app(tmp_path: Path, profile: Profile) -> None:
    app = make_app(new_session(tmp_path / "k.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        choose(screen, "kind", "device_lost")
        for name in ("identifiers", "credentials", "card-numbers", "confined"):
            choose(screen, name, "yes")
        screen.query_one("#f-affected").value = "2,000"  # type: ignore[attr-defined]
        await pilot.pause()
        shown = verdict(app)
        assert "Verdict: Likely notifiable" in shown
        assert "Excluded" not in shown
        assert "does not apply to this kind of incident" in shown


@given(
    kind=st.sampled_from([kind for kind in INCIDENT_KINDS if kind != "internal"]),
    identifiers=TRI,
    credentials=TRI,
    card_numbers=TRI,
    prescribed=TRI,
    confined=TRI,
    affected=st.none() | st.integers(0, 5000),
    verified=st.booleans(),
)
def test_the_exclusion_never_applies_outside_internal_access_or_use(
    kind: str,
    identifiers: str,
    credentials: str,
    card_numbers: str,
    prescribed: str,
    confined: str,
    affected: int | None,
    verified: bool,
) -> None:
    verdict_ = notifiability(
        facts(
            kind=kind,
            identifiers=identifiers,
            credentials=credentials,
            card_numbers=card_numbers,
            prescribed=prescribed,
            confined=confined,
            affected=affected,
            affected_verified=verified,
        )
    )
    assert verdict_.outcome != "not_notifiable"
    assert verdict_.exclusion is None
    if credentials == "yes" or (affected is not None and affected >= 500):
        assert verdict_.outcome == "likely"


@given(credentials=TRI, affected=st.none() | st.integers(0, 5000))
def test_internal_access_confined_to_the_organisation_is_excluded(
    credentials: str, affected: int | None
) -> None:
    verdict_ = notifiability(
        facts(kind="internal", confined="yes", credentials=credentials, affected=affected)
    )
    assert verdict_.outcome == "not_notifiable"
    assert verdict_.words == "Excluded: confined within the organisation (s26B(4))"
    left = notifiability(facts(kind="internal", confined="no", credentials="yes"))
    assert left.outcome == "likely"


def test_old_confined_yes_is_read_as_internal_with_a_warning(
    real_db: Path,
    tmp_path: Path,
) -> None:
    old = read_facts(OLD_CONFINED.encode(), "old.toml", dt.date(2026, 12, 4))
    assert (old.kind, old.kind_assumed) == ("internal", True)
    path = tmp_path / "old.toml"
    path.write_text(OLD_CONFINED, encoding="utf-8")
    result = ok("--db", real_db, "kit", "notify", "--facts", path)
    assert "## Verdict: Excluded: confined within the organisation (s26B(4))" in result.stdout
    warning = next(line for line in result.stderr.splitlines() if line.startswith("Warning:"))
    assert 'confined = "yes"' in warning and "Check that this is what happened" in warning
    assert "- **Check:** This facts file says only" in result.stdout
    # Once the owner states the kind, the warning goes.
    checked = read_facts(
        ('kind = "internal"\n' + OLD_CONFINED).encode(), "new.toml", dt.date(2026, 12, 4)
    )
    assert checked.kind_assumed is False and notifiability(checked).warnings == ()


async def test_the_app_flags_an_assumed_kind_until_the_owner_picks_one(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "k.db", profile)
    session.save_incident(read_facts(OLD_CONFINED.encode(), "old.toml", dt.date(2026, 12, 4)))
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        assert screen.query_one("#f-kind-internal", MarkedRadioButton).value
        assert "Check: This facts file says only" in verdict(app)
        choose(screen, "kind", "misdirected")
        await pilot.pause()
        shown = verdict(app)
        assert "Check:" not in shown and "Excluded" not in shown


# Item 2: the Schedule as data --------------------------------------------------------


def test_the_schedule_file_validates_with_every_part1_item() -> None:
    schedule = builtin_schedule()
    numbered = [entry.item for entry in schedule.part1 if entry.item is not None]
    assert sorted(numbered) == list(range(1, 24))
    assert {entry.key for entry in schedule.part1 if entry.added} == {
        "sexual_offence_victims",
        "places_of_safety",
    }
    assert schedule.source.instrument == "S 64/2021"
    assert schedule.source.amended_by == ("S 735/2021",)
    assert schedule.source.checked_on == dt.date(2026, 12, 4)
    assert {entry.key for entry in schedule.part2} == {"public", "written_law"}
    by_key = {entry.key: entry.item for entry in schedule.part1}
    assert (by_key["pay"], by_key["card_numbers"], by_key["bank_accounts"]) == (1, 3, 4)
    assert (by_key["private_keys"], by_key["insurance"], by_key["adoption"]) == (7, 17, 23)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("item = 4\n", "item = 3\n"), "same item number"),
        (lambda t: t.replace('key = "card_numbers"\ngroup', 'key = "pay"\ngroup'), "own key"),
        (lambda t: t.replace('covers = ["pay"]', 'covers = ["wages"]'), "wages"),
        (lambda t: t.replace("checked_on = 2026-12-04", 'checked_on = "soon"'), "checked_on"),
    ],
)
def test_a_broken_schedule_is_refused_naming_the_file(change: object, message: str) -> None:
    text = schedule_path().read_text(encoding="utf-8")
    broken = change(text)  # type: ignore[operator]
    assert broken != text
    with pytest.raises(BankError) as excinfo:
        read_schedule(broken.encode(), "schedule.toml")
    assert excinfo.value.problems[0].startswith("schedule.toml: ")
    assert message in " ".join(excinfo.value.problems)


def test_the_schedule_has_a_json_schema() -> None:
    schema = json.loads(ok("bank", "schema", "--schedule").stdout)
    assert {"source", "part1", "part2", "questions"} <= set(schema["properties"])


def test_the_schedule_drives_the_questions_in_the_file_and_the_app() -> None:
    schedule = builtin_schedule()
    template = " ".join(line.removeprefix("# ") for line in facts_template(FOUND).splitlines())
    for key in QUESTION_KEYS:
        question = schedule.question(key)
        assert QUESTIONS[key] == question.text
        assert question.text in template, key
        assert f'{key} = "unknown"' in template
    assert "card numbers" in schedule.question("card_numbers").text.lower()
    assert "refunds" in schedule.question("bank_accounts").text


def test_the_verdict_names_the_class_that_made_harm_deemed() -> None:
    verdict_ = notifiability(facts(kind="outside_access", identifiers="yes", bank_accounts="yes"))
    assert verdict_.significant_harm == "yes"
    assert verdict_.deemed_by == (
        "full names, aliases or ID numbers with bank or finance-company account numbers"
        " (reg 3(1)(a), Schedule Part 1 item 4)",
    )
    # A Schedule class without a full name, alias or ID number is not deemed harm.
    alone = notifiability(facts(identifiers="no", credentials="no", card_numbers="yes"))
    assert alone.significant_harm == "no" and alone.deemed_by == ()


def test_the_record_lists_every_class_in_plain_words(bank: Bank, profile: Profile) -> None:
    text = record(bank, profile, facts(kind="outside_access"))
    explanation = text.split('## What makes harm "significant"')[1]
    schedule = builtin_schedule()
    for entry in (*schedule.part1, *schedule.part2):
        assert entry.name.split(" (")[0].split(":")[0] in explanation, entry.key
    assert "uncertain" not in explanation.lower()
    assert "initials alone do not count" in explanation
    assert "active and dormant accounts" in explanation
    assert "Schedule as checked on 2026-12-04" in explanation


# Item 3: the verdict's wording --------------------------------------------------------


def test_the_record_says_not_deemed_rather_than_no(bank: Bank, profile: Profile) -> None:
    incident = facts(
        kind="misdirected", identifiers="no", credentials="no", affected=12, affected_verified=True
    )
    text = record(bank, profile, incident)
    assert (
        "- **Significant harm:** Harm not deemed by the Schedule: is significant harm still"
        " likely? (s26B(1)(a))"
    ) in text
    assert "**Significant harm:** No" not in text
    assert "**Only within the organisation:**" not in text  # not an internal incident
    assert "## Verdict: Harm not deemed and under 500 people" in text


def test_the_record_shows_the_exclusion_only_for_internal_incidents(
    bank: Bank, profile: Profile
) -> None:
    internal = record(bank, profile, facts(kind="internal", confined="unknown", affected=700))
    assert "- **Only within the organisation:** Not settled yet" in internal
    assert "whether anyone outside the organisation saw, received or took the data" in internal
    big = record(bank, profile, facts(kind="outside_access", affected=700))
    assert (
        "- **Significant scale (500 or more people, estimates count):** Yes (s26B(3), reg 4)" in big
    )
    assert "700 people are affected (an estimate, not yet verified): significant scale" in big


def test_pdpc_first_advice_says_what_the_guide_says(bank: Bank, profile: Profile) -> None:
    text = record(bank, profile, facts(kind="outside_access", credentials="yes"))
    assert "statement to the media" not in text
    assert "notify PDPC and seek its advice first, before you tell them" in text
    assert "Guide on Managing and Notifying Data Breaches under the PDPA" in text


# Item 4: the notice follows reg 6 -----------------------------------------------------


def test_an_empty_notice_shows_a_placeholder_for_every_reg6_item(
    bank: Bank, profile: Profile
) -> None:
    bare = IncidentFacts(discovered_on=FOUND, customer_steps=())
    text = render_notice_markdown(kit_context(bank, profile, contacts={}), bare)
    for placeholder in (
        notice_module.HOW_FOUND,  # reg 6: how the breach came to light
        notice_module.DATA_INVOLVED,  # the data involved
        notice_module.POTENTIAL_HARM,  # the potential harm
        notice_module.ACTIONS_TAKEN,  # action to reduce the harm
        notice_module.PREVENTION,  # action on what caused it
        notice_module.STEPS,  # what the person can do
        notice_module.CONTACT,  # who to contact
    ):
        assert placeholder in text, placeholder
    assert "Regulation 6 of the Notification of Data Breaches Regulations 2021" in text


def test_the_notice_states_what_is_known_so_far(bank: Bank, profile: Profile) -> None:
    incident = facts(
        kind="device_lost",
        data_involved="names and card numbers",
        how_found="A staff member reported the laptop missing",
        potential_harm="Someone could try to use your card",
        prevention="All laptops are now encrypted",
    )
    text = render_notice_markdown(kit_context(bank, profile), incident)
    assert "What we know so far: names and card numbers. We are still confirming this" in text
    assert "A staff member reported the laptop missing." in text
    assert "### How this could affect you\n\nSomeone could try to use your card" in text
    assert "**So that it does not happen again:** All laptops are now encrypted" in text
    for placeholder in (notice_module.HOW_FOUND, notice_module.POTENTIAL_HARM):
        assert placeholder not in text


def test_what_to_find_out_names_each_unknown_class_in_good_grammar() -> None:
    unknown = facts(kind="outside_access", identifiers="unknown", card_numbers="unknown")
    gaps = notifiability(unknown).to_find_out
    assert "whether card numbers (reg 3(1)(a), Schedule Part 1 item 3) were involved" in gaps
    classes = [gap for gap in gaps if "Schedule Part 1" in gap]
    assert len(classes) >= 2
    for gap in classes:  # a plural class "were", the one "another class" "was"
        assert gap.endswith("was involved") == gap.startswith("whether another class")
