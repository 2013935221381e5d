"""The quarterly cycle on screen: vendor file out and back in, unconfirmed answers, history."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w
from textual.widgets import Button, Input, RadioButton
from tui_support import completed_once, demo_session, make_app, reopen_session, shown_text

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.screens.export import ExportScreen
from pdpa_check.tui.screens.plan import PlanScreen
from pdpa_check.tui.screens.vendor_import import VendorImportScreen


async def test_vendor_file_out_and_back_in_from_the_plan_screen(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(demo_session(db), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        app.go("plan")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#fmt-vendor", RadioButton).value = True
        dialog.query_one("#folder", Input).value = str(out)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (sent,) = out.glob("*.vendor.toml")
        data = tomllib.loads(sent.read_text())
        assert data["format"] == "pdpa-check-vendor"
        await pilot.press("escape")
        await pilot.pause()

        data["items"][0]["status"] = "in_progress"
        data["items"][0]["notes"] = "Scheduled for Tuesday [bold]x[/]"
        back = tmp_path / "back.toml"
        back.write_text(tomli_w.dumps(data))
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("I")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, VendorImportScreen)
        modal.query_one("#path", Input).value = str(back)
        await pilot.click("#check")
        await pilot.pause()
        assert "would change" in shown_text(app, "#result")
        assert "[bold]x[/]" in shown_text(app, "#result")
        assert not modal.query_one("#apply", Button).disabled
        await pilot.click("#apply")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
    state = reopen_session(db).plan_states()[data["items"][0]["id"]]
    assert (state.status, state.notes) == ("in_progress", "Scheduled for Tuesday [bold]x[/]")


async def test_a_bad_vendor_file_is_explained_and_not_applied(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    session = demo_session(db)
    data = tomllib.loads(session.vendor_file())
    data["items"][0]["id"] = "invented"
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(data))
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        app.go("plan")
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, VendorImportScreen)
        modal.query_one("#path", Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        result = shown_text(app, "#result")
        assert "NOT APPLIED" in result and 'id "invented"' in result
        assert modal.query_one("#apply", Button).disabled
        modal.query_one("#path", Input).value = str(tmp_path / "missing.toml")
        await pilot.press("enter")
        await pilot.pause()
        assert "Could not read it" in shown_text(app, "#result")
    assert reopen_session(db).plan_states() == {}


async def test_results_count_unconfirmed_carried_answers(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    q = session.start_assessment()
    waiting = len(q.unconfirmed())
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        app.go("results")
        await pilot.pause()
        assert f"{waiting} answer(s) carried from last time, NOT CONFIRMED" in shown_text(
            app, "#summary"
        )


async def test_history_lists_plan_items_completed_between_quarters(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    first, second = (t.row for t in session.completed())
    gone = {i.id for i in session.assessed(first).plan.items} - {
        i.id for i in session.assessed(second).plan.items
    }
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("history")
        await pilot.pause()
        text = shown_text(app, "#comparison")
        assert f"Completed: {len(gone)}" in text
