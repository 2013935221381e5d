"""Building the app for Pilot and snapshot tests: fixed dates, private folders."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import io
import shutil
import tempfile
import time
import unicodedata
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.events import Key
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import RadioButton, Static

from pdpa_check.questionnaires.answers import AnswerKey
from pdpa_check.questionnaires.loader import builtin_bank_path
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.services.demo import build_demo
from pdpa_check.services.session import Questionnaire, Session
from pdpa_check.store.db import create_database, open_database
from pdpa_check.store.repo import Store
from pdpa_check.support.fsutil import private_mkdir
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.assessment import AssessmentScreen
from pdpa_check.tui.screens.dashboard import DashboardScreen
from pdpa_check.tui.screens.kit import KitScreen

# Every TUI test sees the same "today", so dates on screen never change.
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
# What the demo's Google Workspace user list changed last quarter (services/demo.py): the
# owner said "yes", and the list showed one account without 2-Step Verification.
DEMO_LIST_CHANGES = {("acc-mfa", "google-workspace"): "partly"}


def new_session(db: Path, profile: Profile | None = None) -> Session:
    """A session on a new database, with `profile` as its organisation if given."""
    store = Store(create_database(db), db)
    if profile is not None:
        store.create_organisation(profile)
    return Session(store, None, today=lambda: TODAY)


def reopen_session(db: Path) -> Session:
    """A session on an existing database, as a restarted app would open it."""
    return Session(Store(open_database(db), db), None, today=lambda: TODAY)


def demo_session(db: Path) -> Session:
    """The demo organisation, dated relative to the fixed `NOW`."""
    private_mkdir(db.parent)  # as `create_database` makes it
    shutil.copy2(_demo_database(), db)  # a private file, like the one `build_demo` makes
    return reopen_session(db)


@functools.cache
def _demo_database() -> Path:
    """The demo database, built once per test process (a test gets its own copy)."""
    folder = tempfile.mkdtemp(prefix="pdpa-demo-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "demo.db"
    build_demo(path, None, now=NOW)
    return path


def fill(q: Questionnaire, *, good: bool) -> None:
    """Answer every question (as skip logic reveals them) with the best or worst answer."""
    while (index := q.next_unanswered(-1)) is not None:
        question = q.slots[index].question
        if question.kind == "choice":
            ranked = sorted(question.options, key=lambda option: option.credit)
            value = ranked[-1 if good else 0].id
        elif question.kind == "number":
            value = "1" if good else "30"
        elif question.kind == "text":
            value = "Mei Ling"
        else:
            value = "yes" if good else "no"
        q.answer(q.slots[index], value)


def completed_once(db: Path, profile: Profile, *, good: bool = False) -> Session:
    """A new database with one assessment answered all best (or all worst) and completed.

    Answered once per process for each profile (about 0.1 s of a hundred answers); each
    test gets its own copy, as with the demo.
    """
    bank = builtin_bank_path().stat()
    template = _completed_template(
        profile.model_dump_json(), good, (bank.st_mtime_ns, bank.st_size)
    )
    private_mkdir(db.parent)
    shutil.copy2(template, db)
    return reopen_session(db)


@functools.cache
def _completed_template(profile_json: str, good: bool, bank: tuple[int, int]) -> Path:
    """`completed_once`'s database for one profile, answer set and built-in bank file."""
    folder = tempfile.mkdtemp(prefix="pdpa-completed-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "completed.db"
    session = new_session(path, Profile.model_validate_json(profile_json))
    fill(session.start_assessment(), good=good)
    session.complete_assessment()
    session.store.close()
    return path


def shown_text(app: App[None], selector: str) -> str:
    """The plain text a Static widget on the current screen shows."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Content | str):
        return str(content)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def make_app(session: Session, config_dir: Path, *, demo: bool = False) -> PdpaCheckApp:
    app = PdpaCheckApp(session, config_dir=config_dir, demo=demo, save_theme=False)
    # No animations: tests read where things end up, and Pilot would wait for each
    # scroll or fade to finish (the TUI test files: 84 s without this, 73 s with it).
    app.animation_level = "none"
    return app


def started(db: Path, profile: Profile) -> Path:
    """A database with `profile` and an open assessment."""
    session = new_session(db, profile)
    session.start_assessment()
    session.store.close()
    return db


def flat(text: str) -> str:
    """Text with all runs of whitespace (including line wraps) as one space."""
    return " ".join(text.split())


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key, as one burst (a fast typist), then wait until the app settles.

    `pilot.press` waits for the app to go idle after every key (40 ms or more each); the
    keys here go into the app's queue in order and are handled exactly as typed ones.
    """
    app = pilot.app
    for char in text:
        key = Key(char if char.isalnum() else _character_to_key(char), char)
        key.set_sender(app)
        app.post_message(key)
    await pilot.pause()
    await pilot._wait_for_screen()  # the focused widget has handled the keys passed on to it


async def press_until(
    pilot: Pilot[None], key: str, done: Callable[[], bool], timeout: float = 30.0
) -> None:
    """Press `key` (the event `pilot.press` sends), then wait until `done()` holds and the
    screen has handled what that queued (a focus change, say).

    `pilot.press` instead sleeps until the process looks idle, twice per key (40 ms or
    more each), however soon the key's work is over.
    """
    app = pilot.app
    name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
        )
    except KeyError:
        char = name if len(name) == 1 else None
    event = Key(name, char)
    event.set_sender(app)
    app.post_message(event)
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"pressing {key!r}: still waiting after {timeout} s"
        await pilot._wait_for_screen()
    await pilot._wait_for_screen()


# The Breach kit -------------------------------------------------------------------------


async def open_kit(app: PdpaCheckApp, pilot: Pilot[None]) -> KitScreen:
    """From the dashboard, `k` opens the kit."""
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("k")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, KitScreen)
    return screen


async def go_to(screen: KitScreen, pilot: Pilot[None], section: str) -> None:
    """Press ctrl+t (next section) until `section` shows."""
    for _ in range(5):
        if screen.section == section:
            break
        await pilot.press("ctrl+t")
        await pilot.pause()
    assert screen.section == section


def verdict(app: PdpaCheckApp) -> str:
    """The notifiability verdict as one line."""
    return flat(shown_text(app, "#verdict"))


def choose(screen: KitScreen, field: str, value: str) -> None:
    """Pick `value` for the wizard's choice `field` (its id part, with dashes)."""
    screen.query_one(f"#f-{field}-{value}", RadioButton).value = True


# The assessment -------------------------------------------------------------------------


@asynccontextmanager
async def assessing(
    db: Path, tmp_path: Path, jump_to: AnswerKey | None = None
) -> AsyncIterator[tuple[PdpaCheckApp, Pilot[None], AssessmentScreen]]:
    """The app on `db`, showing the assessment (at `jump_to` if given)."""
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("assessment", jump_to=jump_to)
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        yield app, pilot, app.screen
