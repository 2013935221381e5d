"""Switch between the organisations in one database, or set up another."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pdpa_check.services.session import Session
from pdpa_check.tui.host import Host
from pdpa_check.tui.widgets.plain import plain

NEW_ORG = "new"


class OrganisationsScreen(ModalScreen[int | None]):
    """Pick an organisation; dismisses with its id, or None."""

    DEFAULT_CSS = """
    OrganisationsScreen { align: center middle; }
    OrganisationsScreen > Vertical {
        width: 60; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    OrganisationsScreen OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="orgs.cancel")]

    def compose(self) -> ComposeResult:
        assert isinstance(self.app, Host)
        session: Session = self.app.session
        current = session.org.id if session.org else None
        options = [
            Option(plain(f"{'* ' if org.id == current else '  '}{org.name}"), id=str(org.id))
            for org in session.organisations()
        ]
        options.append(Option(plain("+ Set up another organisation…"), id=NEW_ORG))
        with Vertical():
            yield Label("Organisations in this database (* = shown now)", classes="title")
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW_ORG:
            from pdpa_check.tui.screens.profile import ProfileScreen

            self.dismiss(None)
            self.app.push_screen(ProfileScreen(first_run=False, new=True))
            return
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
