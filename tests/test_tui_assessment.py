"""The assessment screen: keys answer and save at once, skip logic is live, restarts resume."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_support import assessing, make_app, reopen_session, shown_text, started

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.screens.assessment import AssessmentScreen


async def test_letter_keys_save_each_answer_before_moving_on(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (_app, pilot, screen):
        first = screen.slot.key
        await pilot.press("y")
        # Committed: a second connection sees it while the app is still running.
        assert reopen_session(db).questionnaire().answers[first].value == "yes"
        assert screen.index == 1
        second = screen.slot.key
        await pilot.press("u")
        assert reopen_session(db).questionnaire().answers[second].value == "unknown"


async def test_number_keys_and_enter_pick_the_highlighted_choice(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (_app, pilot, screen):
        first = screen.slot.key
        await pilot.press("3")  # the third choice on a yes/no question: No
        await pilot.press("left", "down", "enter")  # back, highlight moves No -> Don't know
        answers = reopen_session(db).questionnaire().answers
        assert answers[first].value == "unknown"


async def test_quit_and_restart_resumes_at_the_same_question_with_every_answer(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment")
        await pilot.pause()
        await pilot.press("y", "n", "p", "y", "right", "right")
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        where = screen.slot.key
        seen = dict(screen.questionnaire.answers)
    assert len(seen) == 4

    restarted = make_app(reopen_session(db), tmp_path / "cfg")
    async with restarted.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")  # Continue, from the dashboard
        await pilot.pause()
        screen = restarted.screen
        assert isinstance(screen, AssessmentScreen)
        assert screen.slot.key == where
        assert screen.questionnaire.answers == seen


async def test_skip_logic_shows_and_hides_the_follow_up_question_live(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path, ("ai-in-use", "")) as (_app, pilot, screen):
        asked = {slot.question.id for slot in screen.questionnaire.slots}
        assert "ai-vendor-terms" not in asked  # hidden until the gate is answered
        await pilot.press("y")
        assert screen.slot.question.id == "ai-vendor-terms"  # appears next
        await pilot.press("left", "n")
        asked = {slot.question.id for slot in screen.questionnaire.slots}
        assert "ai-vendor-terms" not in asked
        assert screen.slot.question.id != "ai-vendor-terms"


async def test_hostile_note_is_saved_and_shown_literally(tmp_path: Path, profile: Profile) -> None:
    hostile = "[/nope] [bold]x[/] [@click=app.quit]q[/] \x1b]0;owned\x07"
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (app, pilot, screen):
        first = screen.slot.key
        screen.query_one("#note", Input).value = hostile
        await pilot.press("y", "left")
        assert app.is_running
        note = screen.query_one("#note", Input).value
        assert "[/nope] [bold]x[/]" in note
        assert "\x1b" not in note
    stored = reopen_session(db).questionnaire().answers[first].note
    assert stored.startswith("[/nope] [bold]x[/] [@click=app.quit]q[/]")
    assert "\x1b" not in stored and "\x07" not in stored


async def test_a_failed_save_keeps_the_question_and_says_so(
    tmp_path: Path, profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = started(tmp_path / "a.db", profile)
    session = reopen_session(db)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        first = screen.slot.key

        def disk_full(*_args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(session.store, "save_answer", disk_full)
        await pilot.press("y")
        assert screen.slot.key == first  # did not move on
        assert screen.pending == "yes"
        assert "on your website): NOT SAVED" in " ".join(shown_text(app, "#status").split())
        assert first not in reopen_session(db).questionnaire().answers
        monkeypatch.undo()
        await pilot.press("y")  # retry
        assert reopen_session(db).questionnaire().answers[first].value == "yes"


async def test_number_question_is_typed_and_validated(tmp_path: Path, profile: Profile) -> None:
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path, ("lvr-days-to-remove", "")) as (app, pilot, screen):
        field = screen.query_one("#typed", Input)
        assert field.display and app.focused is field
        await pilot.press("a", "b", "c", "enter")
        assert screen.slot.key == ("lvr-days-to-remove", "")
        assert "not a number" in shown_text(app, "#status")
        field.value = ""
        await pilot.press("2", "enter")
        assert screen.slot.key != ("lvr-days-to-remove", "")
    answers = reopen_session(db).questionnaire().answers
    assert answers[("lvr-days-to-remove", "")].value == "2"


async def test_finish_refuses_while_questions_are_unanswered_then_completes(
    tmp_path: Path, profile: Profile
) -> None:
    db = started(tmp_path / "a.db", profile)
    session = reopen_session(db)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment")
        await pilot.pause()
        await pilot.press("ctrl+f")
        assert session.open_assessment() is not None
        q = session.questionnaire()
        for slot in list(q.slots)[:-1]:
            if slot.key not in q.answers:
                q.answer(slot, "unknown" if slot.question.kind != "text" else "Mei Ling")
        app.go("assessment")
        await pilot.pause()
        await pilot.press("ctrl+n")  # next unanswered: the last one
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert screen.slot.key == q.slots[-1].key
        await pilot.press("y", "ctrl+f")
        await pilot.pause()
    completed = reopen_session(db).completed()
    assert len(completed) == 1
    assert completed[0].row.score is not None


async def test_help_panel_toggles_with_question_mark(tmp_path: Path, profile: Profile) -> None:
    db = started(tmp_path / "a.db", profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment")
        await pilot.pause()
        column = app.screen.query_one("#help-column")
        assert not column.display or column.region.width == 0
        await pilot.press("question_mark")
        await pilot.pause()
        assert column.region.width > 0
        assert "Why it matters" in shown_text(app, "#help")
