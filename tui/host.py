"""What the screens, dialogs and the command palette ask of the app, without importing it.

The app (`tui/app.py`) shows every screen, so a screen that imported the app would close
an import loop. Screens see the app as this base class instead; `PdpaCheckApp` extends it
and fills in each method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual.app import App

if TYPE_CHECKING:
    from pdpa_check.questionnaires.answers import AnswerKey
    from pdpa_check.services.session import Session

ScreenName = Literal["dashboard", "assessment", "results", "plan", "history", "profile", "kit"]


class Host(App[None]):
    """The app as its screens know it: the session, and where a screen can send the owner."""

    session: Session

    def go(self, name: ScreenName, *, jump_to: AnswerKey | None = None) -> None:
        """Show a main screen on top of the dashboard (escape comes back to it)."""
        raise NotImplementedError

    def start_assessment(self) -> None:
        """Continue the open assessment, or start a new one."""
        raise NotImplementedError

    def jump_targets(self) -> list[tuple[str, AnswerKey]]:
        """Each question of the open assessment as palette text, with its key."""
        raise NotImplementedError

    def jump(self, key: AnswerKey) -> None:
        """Open the assessment at one question."""
        raise NotImplementedError

    def open_export(self) -> None:
        """Open the export dialog (once)."""
        raise NotImplementedError
