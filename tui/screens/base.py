"""What every main screen shares: the session, `escape` back, and safe calls into the core."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from textual.binding import Binding
from textual.screen import Screen

from pdpa_check.exports.writer import ExportError
from pdpa_check.questionnaires.loader import BankError
from pdpa_check.services.session import Session
from pdpa_check.store.db import StoreError
from pdpa_check.support.text import TextError
from pdpa_check.tui.host import Host

T = TypeVar("T")

# Errors the core raises with a message meant for the owner; anything else is a bug and
# is left to crash loudly (a ValueError from a mistake in the code is not shown as a toast).
EXPECTED_ERRORS = (
    StoreError,
    BankError,
    ExportError,
    TextError,
    sqlite3.Error,
    OSError,
)


def describe(error: BaseException) -> str:
    """One line for the owner about what went wrong."""
    if isinstance(error, BankError):
        return "; ".join(error.problems[:3])
    if isinstance(error, sqlite3.Error):
        return f"the database could not be written ({error}); nothing was lost, try again"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename or 'file'}: {error.strerror}"
    return str(error)


class BaseScreen(Screen[None]):
    """A main screen: escape goes back to the dashboard."""

    BINDINGS = [Binding("escape", "back", "Back", id="screen.back")]

    @property
    def pdpa(self) -> Host:
        assert isinstance(self.app, Host)
        return self.app

    @property
    def session(self) -> Session:
        return self.pdpa.session

    def action_back(self) -> None:
        self.pdpa.go("dashboard")

    def attempt(self, work: Callable[[], T], failure: str) -> T | None:
        """Run `work`; on an expected error show `failure: reason` and return None."""
        try:
            return work()
        except EXPECTED_ERRORS as error:
            self.notify(f"{failure}: {describe(error)}", severity="error", timeout=8)
            return None
