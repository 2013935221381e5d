"""Issue 13, item 9, in the app: notes are saved without enter, and plan dates are range-checked.

A note is saved a moment after typing stops (so a killed app keeps it), when
the field loses focus, and before the screen moves to another question.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from tui_support import (
    assessing,
    demo_session,
    make_app,
    reopen_session,
    shown_text,
    started,
    type_text,
)

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.screens.assessment import NOTE_SAVE_DELAY
from pdpa_check.tui.screens.plan import PlanScreen
from pdpa_check.tui.widgets.plan_forms import AcceptRiskForm, OwnerDueForm

PAST_THE_DELAY = NOTE_SAVE_DELAY + 0.5


def stored(db: Path, key: AnswerKey) -> Answer | None:
    """The answer as another process would read it now (the app still running)."""
    session = reopen_session(db)
    try:
        return session.questionnaire().answers.get(key)
    finally:
        session.store.close()


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#{field}", Input)
    box.focus()
    await pilot.pause()
    await type_text(pilot, text)


async def test_a_note_is_saved_a_moment_after_typing_stops(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (_app, pilot, screen):
        key = screen.slot.key
        await pilot.press("y", "left")  # answered: the note has a row to live in
        await type_into(pilot, "note", "MFA on")
        await type_into(pilot, "evidence", "ticket 42")
        assert screen.focused is screen.query_one("#evidence", Input)  # no enter, no blur
        await pilot.pause(PAST_THE_DELAY)
        answer = stored(db, key)
        assert answer is not None
        assert (answer.value, answer.note, answer.evidence) == ("yes", "MFA on", "ticket 42")


async def test_leaving_the_field_saves_the_note_at_once(tmp_path: Path, profile: Profile) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (_app, pilot, screen):
        key = screen.slot.key
        await pilot.press("y", "left")
        await type_into(pilot, "note", "checked")
        screen.query_one("#choices", OptionList).focus()
        await pilot.pause()
        answer = stored(db, key)
        assert answer is not None and answer.note == "checked"


async def test_moving_on_before_the_delay_saves_the_note_with_its_own_question(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (_app, pilot, screen):
        first = screen.slot.key
        await pilot.press("y")
        second = screen.slot.key
        await pilot.press("n", "left", "left")
        assert screen.slot.key == first
        await type_into(pilot, "note", "asked the vendor")
        screen.action_move(1)  # as a key binding would, while the note still has focus
        await pilot.pause(PAST_THE_DELAY)
        assert screen.slot.key == second
        assert screen.query_one("#note", Input).value == ""
    before, after = stored(db, first), stored(db, second)
    assert before is not None and before.note == "asked the vendor"
    assert after is not None and after.note == ""


async def test_a_note_for_an_unanswered_question_waits_for_the_answer(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (app, pilot, screen):
        key = screen.slot.key
        await type_into(pilot, "note", "ask Raj")
        await pilot.pause(PAST_THE_DELAY)
        assert "Choose an answer to save this note with it." in shown_text(app, "#status")
        assert stored(db, key) is None  # no answer was made up to hold the note
        screen.query_one("#choices", OptionList).focus()
        await pilot.press("u")
        answer = stored(db, key)
        assert answer is not None and (answer.value, answer.note) == ("unknown", "ask Raj")


# Plan forms: due and review dates within ten years ---------------------------------------


async def fill(pilot: Pilot[None], field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#{field}", Input)
    box.value = ""
    await type_into(pilot, field, text)


def error_text(form: object, field: str) -> str:
    assert isinstance(form, OwnerDueForm | AcceptRiskForm)
    return str(form.query_one(f"#{field}-error").render())


async def test_plan_forms_refuse_dates_out_of_range(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "demo.db"), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("plan")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        before = app.session.plan_states()
        await pilot.press("w")
        form = app.screen
        assert isinstance(form, OwnerDueForm)
        await fill(pilot, "due", "9999-12-31")
        await pilot.press("enter")
        assert app.screen is form
        assert "more than 10 years ahead" in error_text(form, "due")
        await pilot.press("escape")
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, AcceptRiskForm)
        await fill(pilot, "reason", "no data held")
        await fill(pilot, "by", "Mei Ling")
        await fill(pilot, "review", "1999-12-31")
        await pilot.press("enter")
        assert app.screen is form
        assert "before 2000-01-01" in error_text(form, "review")
        assert app.session.plan_states() == before
