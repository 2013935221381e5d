"""One row per incident contact role: who it is, how to reach them, saved or missing.

Rows never call the session: they post `SaveRequested` / `ClearRequested` and
the screen saves, then tells the row what is stored now (`show`) or what is wrong
with the typed text (`show_error`). A missing essential role is marked with the
word MISSING, not by colour alone.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from pdpa_check.kit.contacts import Contact
from pdpa_check.support.text import for_output
from pdpa_check.tui.widgets.plain import plain


class ContactRow(Vertical):
    """The name and reach of one role, with Save and Clear."""

    class SaveRequested(Message):
        def __init__(self, row: ContactRow, name: str, reach: str) -> None:
            super().__init__()
            self.row = row
            self.name = name
            self.reach = reach

    class ClearRequested(Message):
        def __init__(self, row: ContactRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, role: str, label: str, *, essential: bool, contact: Contact | None) -> None:
        super().__init__(id=f"contact-{role}", classes="contact-row")
        self.role = role
        self.label = label
        self.essential = essential
        self.contact = contact

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), id=f"{self.role}-status", classes="contact-heading")
        with Horizontal(classes="contact-fields"):
            yield Input(
                for_output(self.contact.name) if self.contact else "",
                placeholder="Name (person or firm)",
                id=f"{self.role}-name",
                classes="contact-name",
                compact=True,
                select_on_focus=False,
            )
            yield Input(
                for_output(self.contact.reach) if self.contact else "",
                placeholder="How to reach (phone, email)",
                id=f"{self.role}-reach",
                classes="contact-reach",
                compact=True,
                select_on_focus=False,
            )
            yield Button("Save", id=f"{self.role}-save", classes="contact-save", compact=True)
            yield Button("Clear", id=f"{self.role}-clear", classes="contact-clear", compact=True)
        yield Static(id=f"{self.role}-error", classes="contact-error")

    def on_mount(self) -> None:
        self.query_one(".contact-error", Static).display = False

    # Attributes down ---------------------------------------------------------

    @property
    def typed(self) -> tuple[str, str]:
        """The name and reach as typed now."""
        return (
            self.query_one(".contact-name", Input).value,
            self.query_one(".contact-reach", Input).value,
        )

    @property
    def edited(self) -> bool:
        """True when the fields differ from what is saved."""
        saved = (
            (for_output(self.contact.name), for_output(self.contact.reach))
            if self.contact
            else ("", "")
        )
        name, reach = self.typed
        return (name.strip(), reach.strip()) != saved

    def show(self, contact: Contact | None) -> None:
        """What is stored for this role now: fill the fields and the heading."""
        self.contact = contact
        self.query_one(".contact-name", Input).value = for_output(contact.name) if contact else ""
        self.query_one(".contact-reach", Input).value = for_output(contact.reach) if contact else ""
        self.show_error(None)
        self._refresh_heading()

    def show_error(self, message: str | None) -> None:
        error = self.query_one(".contact-error", Static)
        error.update(plain(f"✗ {message}") if message else "")
        error.display = bool(message)
        self.set_class(bool(message), "-error")

    def _refresh_heading(self) -> None:
        self.query_one(".contact-heading", Static).update(self._heading(edited=self.edited))

    def _heading(self, *, edited: bool = False) -> Content:
        if self.contact is None:
            state = (
                Content.styled("MISSING", "bold reverse")
                if self.essential
                else Content.styled("not set (optional)", "italic")
            )
        else:
            state = Content("✓ saved")
        if edited:
            state = Content.assemble(state, Content.styled("  ✎ changed, not saved", "bold"))
        return Content.assemble(Content.styled(self.label, "bold"), "  ", state)

    # Messages up -------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refresh_heading()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.request_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("contact-save"):
            self.request_save()
        elif event.button.has_class("contact-clear"):
            self.post_message(self.ClearRequested(self))

    def request_save(self) -> None:
        name, reach = self.typed
        self.post_message(self.SaveRequested(self, name, reach))
