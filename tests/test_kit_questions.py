"""The questions the breach kit needs, and the assessment saying when kit contacts are missing.

Bank 1.1.0 adds inc-insurance (scored; 'not applicable' without cyber insurance) and two text
questions the kit quotes (gov-dpo-contact, ret-periods). Questions that depend on a named
contact (kit.contacts.QUESTION_ROLES) show one extra line, in the app and at the plain prompt,
while the kit has nobody recorded for one of their roles.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static
from tui_support import demo_session, make_app, new_session, reopen_session, shown_text

from pdpa_check.cli import cli
from pdpa_check.kit.contacts import ESSENTIAL_ROLES, QUESTION_ROLES, Contact, missing_roles
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.measures import assess_measures
from pdpa_check.scoring.plan import best_value, build_plan
from pdpa_check.services.demo import DEMO_CONTACTS, DEMO_PROFILE, EARLIER, LATER_CHANGES
from pdpa_check.services.session import Session
from pdpa_check.tui.screens.assessment import AssessmentScreen

LEAD_AND_DEPUTY = "no incident lead or deputy incident lead is recorded yet"
DEPUTY_ONLY = "no deputy incident lead is recorded yet"
APPROVER = "no approver of messages to customers and media is recorded yet"
NEW_TEXT_QUESTIONS = {"gov-dpo-contact": "gov-dpo", "ret-periods": "ret-schedule"}


def full(bank: Bank, profile: Profile, **overrides: str) -> dict[AnswerKey, Answer]:
    """Every applicable slot answered at full credit (text: a note), except `overrides`."""
    answers = {
        (q.replace("_", "-"), ""): Answer(question_id=q.replace("_", "-"), value=value)
        for q, value in overrides.items()
    }
    while missing := [s for s in applicable_slots(bank, profile, answers) if s.key not in answers]:
        for slot in missing:
            value = "Notes" if slot.question.kind == "text" else best_value(slot.question)
            answers[slot.key] = Answer(question_id=slot.key[0], system_key=slot.key[1], value=value)
    return answers


# --- the bank -------------------------------------------------------------------------------


def test_bank_version_and_new_questions(bank: Bank) -> None:
    assert bank.version == "1.3.0"
    insurance = bank.question("inc-insurance")
    assert (insurance.domain, insurance.kind, insurance.allow_na) == ("incident", "yes_no", True)
    assert insurance.scored and 2 <= insurance.weight <= 3 and not insurance.critical
    assert insurance.cyber_essentials == ["A.9"]
    assert insurance.weight_rationale and insurance.references
    assert "not applicable" in insurance.text
    (action_id,) = insurance.actions
    action = bank.action(action_id)
    assert action.effort == "low" and len(action.steps) >= 2
    for question_id, gate in NEW_TEXT_QUESTIONS.items():
        question = bank.question(question_id)
        assert question.kind == "text" and not question.scored, question_id
        assert question.why.startswith("Not scored"), question_id
        assert question.applies_if is not None and question.applies_if.answer is not None
        assert question.applies_if.answer.question == gate
        assert set(question.applies_if.answer.any_of) == {"yes", "partly"}


def test_insurance_is_never_presented_as_a_legal_duty(bank: Bank) -> None:
    question = bank.question("inc-insurance")
    assert "not required by the PDPA" in question.why
    action = bank.action(question.actions[0])
    words = " ".join([question.text, question.why, action.why, *action.steps]).casefold()
    for claim in ("must have cyber", "required to have", "must buy", "legally required"):
        assert claim not in words
    # Someone who answers "no" because they have no cover is told how to fix the answer.
    assert any(
        "not applicable" in step and "not a PDPA requirement" in step for step in action.steps
    )


def test_no_cyber_insurance_is_not_a_gap(bank: Bank, profile: Profile) -> None:
    without_cover = full(bank, profile, inc_insurance="na")
    result = evaluate(bank, profile, without_cover)
    assert result.score == pytest.approx(100.0)
    plan = build_plan(bank, profile, without_cover, result)
    assert plan.items == ()
    a9 = next(m for m in assess_measures(bank, result) if m.id == "A.9")
    assert a9.status == "met" and "inc-insurance" not in a9.questions

    unknown_terms = full(bank, profile, inc_insurance="no")
    result = evaluate(bank, profile, unknown_terms)
    assert result.score < 100.0
    plan = build_plan(bank, profile, unknown_terms, result)
    assert [item.action.id for item in plan.items] == ["note-insurer-breach-terms"]
    a9 = next(m for m in assess_measures(bank, result) if m.id == "A.9")
    assert a9.short_of == ("inc-insurance",)


@pytest.mark.parametrize(("question_id", "gate"), sorted(NEW_TEXT_QUESTIONS.items()))
def test_text_questions_follow_their_gate(
    bank: Bank, profile: Profile, question_id: str, gate: str
) -> None:
    def asked(value: str) -> bool:
        answers = full(bank, profile, **{gate.replace("-", "_"): value})
        return question_id in {s.question.id for s in applicable_slots(bank, profile, answers)}

    assert asked("yes") and asked("partly")
    assert not asked("no") and not asked("unknown")
    # Never scored: any text leaves the score where it was.
    answers = full(bank, profile, **{gate.replace("-", "_"): "yes"})
    before = evaluate(bank, profile, answers).score
    answers[(question_id, "")] = Answer(question_id=question_id, value="[bold]x[/] anything")
    assert evaluate(bank, profile, answers).score == before


# --- the demo -------------------------------------------------------------------------------


def test_demo_answers_the_new_questions_consistently(bank: Bank) -> None:
    later = {**EARLIER, **LATER_CHANGES}
    assert EARLIER[("inc-insurance", "")][0] == "unknown"
    assert later[("inc-insurance", "")][0] == "partly"
    # The DPO contact is given once a DPO is named; no schedule, so no periods.
    assert EARLIER[("gov-dpo-contact", "")][0] == ""
    assert later[("gov-dpo", "")][0] == "yes" and later[("gov-dpo-contact", "")][0]
    assert later[("ret-schedule", "")][0] == "no" and later[("ret-periods", "")][0] == ""
    answers = {
        key: Answer(question_id=key[0], system_key=key[1], value=value)
        for key, (value, _) in later.items()
        if value
    }
    slots = {s.key for s in applicable_slots(bank, DEMO_PROFILE, answers)}
    assert ("gov-dpo-contact", "") in slots and ("ret-periods", "") not in slots


def test_demo_kit_names_lead_and_deputy_but_not_the_approver(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    contacts = session.contacts()
    assert set(contacts) == {contact.role for contact in DEMO_CONTACTS}
    assert missing_roles(contacts) == ["comms_approver"]
    assert set(ESSENTIAL_ROLES) - set(contacts) == {"comms_approver"}
    # The DPO recorded in the kit is the one the answers name.
    assert contacts["dpo"].name.startswith("Mei Ling")
    assert "Mei Ling" in LATER_CHANGES[("gov-dpo", "")][1]


# --- the hint in the app ----------------------------------------------------------------------


def counting_contacts(session: Session, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the session's contact reads (each one query)."""
    calls = [0]
    read: Callable[[], dict[str, Contact]] = session.contacts

    def counted() -> dict[str, Contact]:
        calls[0] += 1
        return read()

    monkeypatch.setattr(session, "contacts", counted)
    return calls


async def test_hint_shows_until_the_kit_names_lead_and_deputy(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "a.db"
    session = new_session(db, profile)
    session.start_assessment()
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment", jump_to=("inc-plan", ""))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert screen.slot.question.id == "inc-plan"
        hint = screen.query_one("#kit-hint", Static)
        assert hint.display
        text = shown_text(app, "#kit-hint")
        assert text.startswith(f"Breach kit: {LEAD_AND_DEPUTY}.")
        assert "Breach kit, from the dashboard" in text
        # Visible at 80x24 without scrolling: inside the card, below the question.
        card = screen.query_one("#card")
        question = screen.query_one("#question")
        assert question.region.bottom <= hint.region.y < card.region.bottom

        # The next question (who are they?) depends on the same roles and reads them afresh.
        session.set_contact(Contact(role="incident_lead", name="Aisha"))
        await pilot.press("right")
        assert screen.slot.question.id == "inc-lead-names"
        assert shown_text(app, "#kit-hint").startswith(f"Breach kit: {DEPUTY_ONLY}.")

        session.set_contact(Contact(role="deputy", name="Ben", reach="ben@shop.example"))
        screen.jump(("inc-plan", ""))
        await pilot.pause()
        assert screen.slot.question.id == "inc-plan"
        assert not hint.display
        await pilot.press("right")
        assert not hint.display
        # Saved for good: a restarted app sees both, so the hint stays away.
        assert set(reopen_session(db).contacts()) == {"incident_lead", "deputy"}


async def test_hint_is_read_only_for_questions_that_depend_on_a_contact(
    tmp_path: Path, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    session.start_assessment()
    calls = counting_contacts(session, monkeypatch)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment", jump_to=("inc-freeze", ""))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert "inc-freeze" not in QUESTION_ROLES
        assert not screen.query_one("#kit-hint", Static).display
        assert calls[0] == 0
        screen.jump(("ntf-comms-approver", ""))
        await pilot.pause()
        assert calls[0] == 1
        assert shown_text(app, "#kit-hint").startswith(f"Breach kit: {APPROVER}.")


async def test_demo_next_quarter_flags_only_the_missing_approver(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    session.start_assessment()
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment", jump_to=("inc-plan", ""))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert not screen.query_one("#kit-hint", Static).display
        screen.jump(("ntf-comms-approver", ""))
        await pilot.pause()
        assert screen.query_one("#kit-hint", Static).display
        assert APPROVER in shown_text(app, "#kit-hint")
        screen.jump(("gov-dpo", ""))
        await pilot.pause()
        assert not screen.query_one("#kit-hint", Static).display


# --- the hint at the plain prompt -----------------------------------------------------------


def run_plain(db: Path) -> str:
    result = CliRunner().invoke(
        cli,
        ["--db", str(db), "assess", "--plain"],
        input="q\n",
        env={"COLUMNS": "250", "NO_COLOR": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plain_prompt_says_which_contacts_are_missing(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "p.db"
    session = new_session(db, profile)
    q = session.start_assessment()
    q.remember(("inc-plan", ""))
    question = q.bank.question("inc-plan")
    out = run_plain(db)
    hint_line = f"Breach kit: {LEAD_AND_DEPUTY}."
    assert f"{question.text}\n{hint_line}" in out
    assert "`pdpa-check kit contacts set ROLE NAME` (ROLE: incident-lead, deputy)" in out

    session.set_contact(Contact(role="incident_lead", name="Aisha"))
    out = run_plain(db)
    assert f"Breach kit: {DEPUTY_ONLY}." in out and "(ROLE: deputy)" in out

    session.set_contact(Contact(role="deputy", name="Ben"))
    out = run_plain(db)
    assert question.text in out
    assert "Breach kit:" not in out
