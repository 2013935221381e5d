"""What every main screen shares: the session, `escape` back, and safe calls into the core."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TypeVar

from textual import events
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

    async def _on_compose(self, event: events.Compose) -> None:
        # The width classes (`-narrow`, `-wide`) before any widget is styled: set on the
        # first resize instead, as Textual does, they restyle the whole screen once more.
        # Textual calls each class's own handler, subclass first: Widget's then composes.
        own = self.HORIZONTAL_BREAKPOINTS
        breakpoints = (self.app.HORIZONTAL_BREAKPOINTS if own is None else own) or []
        wanted = self._get_breakpoint_classes(self.app.size.width, breakpoints)
        self.update_classes({name: name in wanted for _, name in breakpoints}, update=False)

    _shown_before = False  # whether the screen has been resumed (shown) before

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles the whole screen on every resume, even the first, which comes
        # straight after mounting styled every widget (the Breach kit: about 40 ms more).
        # Handlers run subclass first, so Screen's own handler then skips that restyle.
        if not self._shown_before:
            event.refresh_styles = False
        self._shown_before = True

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
