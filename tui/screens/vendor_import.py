"""Take the vendor's filled-in file back: check it, preview the changes, apply on request."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from pdpa_check.exports.vendor import VendorUpdate, preview
from pdpa_check.questionnaires.answers_file import OTHER_ORG_BUTTON, OtherOrganisation
from pdpa_check.questionnaires.errors import MAX_PROBLEMS
from pdpa_check.questionnaires.loader import BankError, read_input_file
from pdpa_check.services.session import Session
from pdpa_check.support.paths import locations
from pdpa_check.support.text import for_output
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, describe
from pdpa_check.tui.widgets.footer import KeysFooter


class VendorImportScreen(ModalScreen[bool]):
    """Dismisses with True when changes were applied."""

    DEFAULT_CSS = """
    VendorImportScreen { align: center middle; }
    VendorImportScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    VendorImportScreen #result { margin: 1 0; }
    VendorImportScreen #buttons { height: auto; }
    VendorImportScreen #buttons Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="vendor-import.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="vendor-import.apply"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.update: VendorUpdate | None = None
        self.source = ""
        self.other_org = False  # the owner said a file naming another organisation is theirs

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Import the vendor's file", classes="title")
            yield Static(
                "The file you sent with Export for vendor, filled in by them. It is checked"
                " first; nothing changes until you apply.",
                classes="muted",
            )
            yield Label("File to read (press enter to check it):")
            yield Input(str(locations().exports) + "/", id="path")
            yield Static(id="result")
            with Horizontal(id="buttons"):
                yield Button("Check", id="check", variant="primary", compact=True)
                yield Button("Apply", id="apply", disabled=True, compact=True)
                yield Button(OTHER_ORG_BUTTON, id="other-org", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#other-org", Button).display = False  # only for another org's file
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#check")
    def check(self) -> None:
        """Read and check the file; show its changes or every problem in it."""
        self.other_org = False
        self._check()

    @on(Button.Pressed, "#other-org")
    def check_other_org(self) -> None:
        """The owner says the file naming another organisation is meant for this one."""
        self.other_org = True
        self._check()

    def _check(self) -> None:
        self.update = None
        self.query_one("#apply", Button).disabled = True
        self.query_one("#other-org", Button).display = False
        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        self.source = str(path)
        try:
            data = read_input_file(path)
        except BankError as error:  # unreadable, a folder, or too big to be a vendor file
            self._show(f"Could not read it: {error.problems[0]}")
            return
        try:
            update = self.session.read_vendor_update(data, str(path), other_org=self.other_org)
        except OtherOrganisation as error:
            self._show(f"NOT APPLIED: {error.problems[0]}")
            self.query_one("#other-org", Button).display = True
            return
        except BankError as error:
            self._show(problem_list(error))
            return
        except EXPECTED_ERRORS as error:
            self._show(f"Could not read it: {describe(error)}")
            return
        if update.empty:
            self._show("Nothing to change: this file is already applied, or nothing is filled in.")
            return
        self.update = update
        self._show("This file would change:\n" + "\n".join(f"- {line}" for line in preview(update)))
        self.query_one("#apply", Button).disabled = False

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.update is None:
            self.notify("Check the file first.")
            return
        update = self.update
        try:
            self.session.apply_vendor_update(update, self.source)
        except EXPECTED_ERRORS as error:
            self._show(f"Not applied: {describe(error)}")
            return
        count = len(update.items) + len(update.answers)
        self.notify(f"Applied {count} change(s) from {Path(self.source).name}.")
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def _show(self, message: str) -> None:
        self.query_one("#result", Static).update(Text(for_output(message)))


def problem_list(error: BankError) -> str:
    """The file's problems, the first MAX_PROBLEMS of them, then how many more."""
    lines = ["NOT APPLIED: the file has problems (nothing was changed):"]
    lines += [f"- {problem}" for problem in error.problems[:MAX_PROBLEMS]]
    more = max(error.total, len(error.problems)) - MAX_PROBLEMS
    if more > 0:
        lines.append(f"... and {more} more problem(s)")
    return "\n".join(lines)
