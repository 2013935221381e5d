"""Building the app for Pilot and snapshot tests: fixed dates, private folders."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.content import Content
from textual.widgets import Static

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.services.demo import build_demo
from pdpa_check.services.session import Session
from pdpa_check.store import Store, create_database, open_database
from pdpa_check.tui.app import PdpaCheckApp

# Every TUI test sees the same "today", so dates on screen never change.
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


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
    build_demo(db, None, now=NOW)
    return reopen_session(db)


def shown_text(app: App[None], selector: str) -> str:
    """The plain text a Static widget on the current screen shows."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, Content | str):
        return str(content)
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def make_app(session: Session, config_dir: Path, *, demo: bool = False) -> PdpaCheckApp:
    return PdpaCheckApp(session, config_dir=config_dir, demo=demo, save_theme=False)
