"""Building the app for Pilot and snapshot tests: fixed dates, private folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pdpa_check.demo import build_demo
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.session import Session
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


def make_app(session: Session, config_dir: Path, *, demo: bool = False) -> PdpaCheckApp:
    return PdpaCheckApp(session, config_dir=config_dir, demo=demo, save_theme=False)
