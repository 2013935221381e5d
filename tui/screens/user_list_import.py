"""Read a platform's user list: check it, preview the answers it supports, apply on request."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from pdpa_check.questionnaires.loader import BankError
from pdpa_check.services.session import Session
from pdpa_check.services.user_lists import UserListPreview
from pdpa_check.support.text import for_output
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, describe
from pdpa_check.tui.screens.vendor_import import problem_list
from pdpa_check.tui.widgets.footer import KeysFooter

ABOUT = (
    "Download the list of users from the platform's admin screen (Google Workspace:"
    " Directory > Users > Download users; Microsoft Entra: Authentication methods >"
    " Activity > User registration details), or fill in a CSV with the columns email,"
    " mfa, admin and last_sign_in. The file is read here and not kept: only the counts,"
    " and the names of the people behind each gap for your plan's checklist."
)


class UserListImportScreen(ModalScreen[bool]):
    """Dismisses with True when answers were applied."""

    DEFAULT_CSS = """
    UserListImportScreen { align: center middle; }
    UserListImportScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    UserListImportScreen #result { margin: 1 0; }
    UserListImportScreen #buttons { height: auto; }
    UserListImportScreen #buttons Button { margin-right: 1; }
    UserListImportScreen Select { width: 60; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="user-list.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="user-list.apply"),
    ]

    def __init__(self, session: Session, system_key: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.system_key = system_key
        self.preview: UserListPreview | None = None

    def compose(self) -> ComposeResult:
        systems = [(for_output(s.name), s.key) for s in self.session.profile.systems]
        with VerticalScroll():
            yield Label("Check answers against a user list", classes="title")
            yield Static(ABOUT, classes="muted")
            yield Label("System the list is for (blank: work it out from the file):")
            yield Select(
                systems,
                value=self.system_key if self.system_key else Select.BLANK,
                prompt="From the file",
                id="system",
                compact=True,
            )
            yield Label("File to read (press enter to check it):")
            yield Input(str(platformdirs.user_downloads_path()) + "/", id="path")  # downloads
            yield Static(id="result")
            with Horizontal(id="buttons"):
                yield Button("Check", id="check", variant="primary", compact=True)
                yield Button("Apply", id="apply", disabled=True, compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#check")
    def check(self) -> None:
        """Read the list; show what it finds and the answers it supports, or its problems."""
        self.preview = None
        self.query_one("#apply", Button).disabled = True
        chosen = self.query_one("#system", Select).value
        system_key = chosen if isinstance(chosen, str) else None
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        try:
            preview = self.session.read_user_list(path, system_key=system_key)
        except BankError as error:
            self._show(problem_list(error))
            return
        except EXPECTED_ERRORS as error:
            self._show(f"Could not read it: {describe(error)}")
            return
        self._show("\n".join(preview.describe()))
        if any(item.applies for item in preview.answers):
            self.preview = preview
            self.query_one("#apply", Button).disabled = False

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.preview is None:
            self.notify("Check the file first.")
            return
        preview = self.preview
        try:
            _row_id, backup = self.session.apply_user_list(preview)
        except EXPECTED_ERRORS as error:
            self._show(f"Not applied: {describe(error)}")
            return
        applied = sum(1 for item in preview.answers if item.applies)
        kept = " (a backup of the answers before was taken)" if backup else ""
        self.notify(f"Applied {applied} verified answer(s) from {preview.found.file_name}{kept}.")
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _show(self, message: str) -> None:
        self.query_one("#result", Static).update(Text(for_output(message)))
