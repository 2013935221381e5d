"""The app shell: entry on a terminal, navigation, palette, theme, crash guard, screenshots."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_support import demo_session, make_app, new_session, reopen_session, shown_text, type_text

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.services.session import Questionnaire, Session
from pdpa_check.services.settings import load_settings
from pdpa_check.store.db import StoreError
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.assessment import AssessmentScreen
from pdpa_check.tui.screens.dashboard import DashboardScreen


async def test_dashboard_shows_the_demo_organisation_and_its_last_score(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    last = session.completed()[-1]
    app = make_app(session, tmp_path / "cfg", demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "Kampong Threads Pte Ltd" in shown_text(app, "#org")
        score = shown_text(app, "#score")
        assert f"{shown_score(last.score)} / 100" in score
        assert "Exposed" in score or "Partly prepared" in score
        plan = shown_text(app, "#plan")
        plan_now = session.assessed().plan
        open_entries = session.open_entries(plan_now)
        assert f"Open fixes: {len(open_entries)}" in plan
        # Each horizon's count of open fixes, and the budget they were filled to.
        month = sum(entry.horizon == "this-month" for entry in open_entries)
        assert f"{month:>3} This month" in plan
        assert "Budget: 24 h of work a month (staff count)" in " ".join(plan.split())
        # The demo's last assessment was completed a quarter ago: due today.
        assert "today" in shown_text(app, "#due")


async def test_dashboard_counts_progress_of_the_open_assessment(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    q.answer(q.slots[0], "yes")
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        progress = shown_text(app, "#progress")
        assert f"1/{len(q.slots)} answered" in progress


async def test_start_new_assessment_from_the_dashboard(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        # Last quarter's answers came along, to confirm.
        q = session.questionnaire()
        progress = shown_text(app, "#progress")
        assert f"Open assessment: {q.answered}/{len(q.slots)} answered" in progress
        assert f"{len(q.unconfirmed())} carried to confirm" in progress
        assert q.unconfirmed()
    assert reopen_session(tmp_path / "demo.db").open_assessment() is not None


async def test_palette_jumps_to_a_question_by_its_text(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    session.start_assessment()
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "password manager")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        assert app.screen.slot.question.id == "acc-password-manager"


async def test_palette_offers_our_commands_and_no_screenshot(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "demo.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert "Theme" in titles
        app.action_screenshot()
        app.deliver_screenshot()
    downloads = Path(os.environ["HOME"]) / "Downloads"
    assert not downloads.exists() or not any(downloads.iterdir())


async def test_theme_choice_is_saved_and_used_next_time(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    session = demo_session(tmp_path / "demo.db")
    app = PdpaCheckApp(session, config_dir=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    assert load_settings(config).theme == "nord"
    assert (config / "config.toml").stat().st_mode & 0o777 == 0o600
    again = PdpaCheckApp(reopen_session(tmp_path / "demo.db"), config_dir=config)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_a_broken_settings_file_is_ignored(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text("theme = [unclosed")
    app = PdpaCheckApp(demo_session(tmp_path / "demo.db"), config_dir=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
    assert (config / "config.toml").read_text() == "theme = [unclosed"


async def test_switching_organisation_from_the_dashboard(tmp_path: Path, profile: Profile) -> None:
    session = demo_session(tmp_path / "demo.db")
    session.store.create_organisation(profile)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Kampong" in shown_text(app, "#org")
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "Test Shop" in shown_text(app, "#org")
        assert app.session.org is not None and app.session.org.name == "Test Shop"


class Boom(Static):
    """A widget whose handler fails with an answer in a local variable."""

    def on_mount(self) -> None:
        secret_note = "-".join(["SECRET", "NOTE", "TEXT"])  # not spelled out in the source
        raise RuntimeError(f"failed while showing {len(secret_note)} characters")


async def test_crash_output_never_shows_local_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(demo_session(tmp_path / "demo.db"), tmp_path / "cfg")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await app.screen.mount(Boom())
            await pilot.pause()
    shown = capsys.readouterr().err
    assert "RuntimeError" in shown  # the crash is reported...
    assert "SECRET-NOTE-TEXT" not in shown  # ...without the locals
    assert "characters" not in shown  # nor the message, which may quote user text


def run_on_a_terminal(args: list[str], expect: bytes) -> int:
    """Start `pdpa-check ARGS` under a pseudo-terminal, wait for `expect`, press ctrl+q."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pdpa_check", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while expect not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                seen += os.read(main, 65536)
        assert expect in seen
        os.write(main, b"\x11")  # ctrl+q
        # Keep reading while it exits: a full pseudo-terminal buffer would block its last
        # repaint, and it would never exit.
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([main], [], [], 0.1)[0]:
                try:
                    os.read(main, 65536)
                except OSError:  # the app has gone
                    break
        return process.wait(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)


def test_the_app_opens_the_demo_on_a_real_terminal_and_quits_with_ctrl_q() -> None:
    assert run_on_a_terminal(["--demo"], b"Kampong") == 0


def test_first_run_creates_a_private_database_and_welcomes(tmp_path: Path) -> None:
    db = tmp_path / "new" / "mine.db"
    assert run_on_a_terminal(["--db", str(db)], b"Welcome") == 0
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    assert reopen_session(db).organisations() == []


async def test_ticks_and_choices_show_as_characters_not_only_colour() -> None:
    from textual.app import App, ComposeResult

    from pdpa_check.tui.widgets.toggles import MarkedCheckbox, MarkedRadioButton

    class Toggles(App[None]):
        def compose(self) -> ComposeResult:
            yield MarkedCheckbox("ticked", value=True, id="on")
            yield MarkedCheckbox("not ticked", id="off")
            yield MarkedRadioButton("chosen", value=True, id="chosen")

    app = Toggles()
    async with app.run_test() as pilot:
        on, off = app.query_one("#on", MarkedCheckbox), app.query_one("#off", MarkedCheckbox)
        assert on._button.plain == "▐X▌"
        assert off._button.plain == "▐ ▌"
        assert app.query_one("#chosen", MarkedRadioButton)._button.plain == "▐●▌"
        off.toggle()
        await pilot.pause()
        assert off._button.plain == "▐X▌"


async def test_notifications_show_markup_literally(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "demo.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.notify("Could not write /tmp/[/nope]/[bold]x[/].md \x1b[31m", markup=True)
        await pilot.pause()
        assert app.is_running
        (shown,) = list(app._notifications)
        assert shown.message == "Could not write /tmp/[/nope]/[bold]x[/].md [31m"
        assert shown.markup is False


def _fail_to_start(session: Session, error: Exception) -> None:
    """Make starting an assessment raise `error`, as a fault or a bug in the core would."""

    def start(bank_id: str | None = None) -> Questionnaire:
        raise error

    session.start_assessment = start  # type: ignore[method-assign]


async def test_an_expected_error_in_an_action_is_shown_as_a_toast(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "demo.db")
    _fail_to_start(session, StoreError("the database is locked by another window", 1))
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        shown = [note.message for note in app._notifications]
        assert any("Could not start: the database is locked" in text for text in shown), shown


async def test_a_bug_raising_value_error_in_an_action_is_not_swallowed_as_a_toast(
    tmp_path: Path,
) -> None:
    session = demo_session(tmp_path / "demo.db")
    _fail_to_start(session, ValueError("a mistake in the code"))
    app = make_app(session, tmp_path / "cfg")
    with pytest.raises(ValueError, match="a mistake in the code"):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
    assert not any("mistake" in note.message for note in app._notifications)
