"""The Breach kit's sections, one widget per tab; each posts what the owner asked for up.

The tabs never touch the session: `KitScreen` handles their messages (save a
contact, an incident field changed, save or export) and tells them what to show.
The notifiability wizard and the customer notice are two views of one incident;
each reads and fills the fields it holds, and the screen joins them into a Draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Literal

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    RadioSet,
    Static,
    TabPane,
    TextArea,
)

from pdpa_check.kit.contacts import CONTACT_ROLES, ESSENTIAL_ROLES, Contact
from pdpa_check.kit.facts import CUSTOMER_STEPS, LogEntry
from pdpa_check.support.paths import locations
from pdpa_check.tui.screens.kit_forms import (
    NOTICE_AREAS,
    document,
    notice_form,
    widget_id,
    wizard_form,
)
from pdpa_check.tui.screens.kit_wizard import (
    TRI_FIELDS,
    Draft,
    log_entry,
)
from pdpa_check.tui.widgets.kit_contacts import ContactRow
from pdpa_check.tui.widgets.plain import plain
from pdpa_check.tui.widgets.reading import reading_text
from pdpa_check.tui.widgets.toggles import MarkedRadioButton

# Section (tab pane) id -> tab label; the number is the key that opens it.
SECTIONS: dict[str, str] = {
    "contacts": "1 Contacts",
    "plan": "2 24-hour plan",
    "notify": "3 Notifiable?",
    "notice": "4 Customer notice",
    "faq": "5 Privacy FAQ",
}
CONTACTS_HINT = (
    "Who to call in the first hour. tab to a field, type a name and how to reach them,"
    " then press enter (or Save). The first three are needed for the 24-hour plan."
)
# The line above each document, before the export folder.
DOCUMENT_HINTS = {
    "plan": "Your first 24 hours, from your profile, contacts and answers. ",
    "faq": "A privacy FAQ for your website, from your inventory and answers. ",
}
# Text areas of the wizard form (besides the notice's).
WIZARD_AREAS = ("not_telling_why", "late_reasons")
# Date inputs of the wizard and notice forms, beyond the discovery date.
DATE_INPUTS = ("assessed", "pdpc_notified", "individuals_notified", "next_update")
# The incident's one-line inputs, on either form.
TEXT_INPUTS = ("title", "discovered", "affected", "contact_point", *DATE_INPUTS)
TICKS = ("affected_verified", "data_verified")
# The three fields of a new log entry (Add to log).
LOG_INPUTS = ("log_at", "log_who", "log_what")
# The Draft fields read from one widget each (the customer steps and the log aside).
DRAFT_FIELDS = frozenset(
    {*TEXT_INPUTS, *NOTICE_AREAS, *WIZARD_AREAS, *TICKS, *TRI_FIELDS, "kind", "not_telling_grounds"}
)

IncidentAction = Literal["save", "export", "new"]


# Contacts ------------------------------------------------------------------------------


class ContactsTab(TabPane):
    """Section 1: a row per role; a contact that passes its checks goes up to be saved."""

    class SaveContact(Message):
        def __init__(self, row: ContactRow, contact: Contact) -> None:
            super().__init__()
            self.row = row
            self.contact = contact

    class ClearContact(Message):
        def __init__(self, row: ContactRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, contacts: Mapping[str, Contact]) -> None:
        super().__init__(SECTIONS["contacts"], id="contacts")
        self._contacts = contacts

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="contacts-scroll", can_focus=False):
            yield Static(CONTACTS_HINT, classes="muted hint")
            for role, label in CONTACT_ROLES.items():
                yield ContactRow(
                    role,
                    label,
                    essential=role in ESSENTIAL_ROLES,
                    contact=self._contacts.get(role),
                )

    @property
    def edited(self) -> bool:
        """True when a row holds typing not yet saved."""
        return any(row.edited for row in self.query(ContactRow))

    def focused_row(self) -> ContactRow | None:
        """The row holding the focus, if any."""
        node = self.screen.focused
        while node is not None and not isinstance(node, ContactRow):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def on_contact_row_save_requested(self, event: ContactRow.SaveRequested) -> None:
        event.stop()
        row = event.row
        try:
            contact = Contact.model_validate(
                {"role": row.role, "name": event.name, "reach": event.reach}
            )
        except ValidationError as error:
            row.show_error(_contact_problem(error))
            return
        self.post_message(self.SaveContact(row, contact))

    def on_contact_row_clear_requested(self, event: ContactRow.ClearRequested) -> None:
        event.stop()
        if event.row.contact is None:
            event.row.show(None)
        else:
            self.post_message(self.ClearContact(event.row))


def _contact_problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = str(detail["loc"][0]) if detail["loc"] else ""
    if where == "name" and detail["type"] in ("too_short", "string_too_short"):
        return "Enter a name (a person or firm), or Clear to remove this contact."
    message = detail["msg"].removeprefix("Value error, ")
    field = {"name": "Name", "reach": "How to reach"}.get(where, "This contact")
    return f"{field}: {message}"


# Documents -----------------------------------------------------------------------------


class DocumentTab(TabPane):
    """Sections 2 and 5: the 24-hour plan or the privacy FAQ, read-only, and where it exports."""

    def __init__(self, section: Literal["plan", "faq"]) -> None:
        super().__init__(SECTIONS[section], id=section)
        self.section = section

    def compose(self) -> ComposeResult:
        yield Static(id=f"{self.section}-hint", classes="muted hint")
        yield document(f"{self.section}-doc")

    def on_mount(self) -> None:
        folder = plain(f"Export (ctrl+o or e) writes into {locations().exports}")
        hint = Content.assemble(DOCUMENT_HINTS[self.section], folder)
        self.query_one(f"#{self.section}-hint", Static).update(hint)

    def show(self, markdown: str) -> None:
        show_text(self.query_one(f"#{self.section}-doc", TextArea), reading_text(markdown))


# The incident --------------------------------------------------------------------------


@dataclass(frozen=True)
class FormWidgets:
    """An incident form's widgets by the Draft field they show."""

    fields: dict[str, Widget]  # one widget per Draft field (the customer steps aside)
    steps: dict[str, Checkbox]  # customer step key -> its tick, in CUSTOMER_STEPS order
    errors: dict[str, Static]  # field name -> the line that shows its problem
    labels: list[Static]  # the incident's name and saved state

    @classmethod
    def of(cls, form: Widget) -> FormWidgets:
        inputs = form.query("Input, TextArea, Checkbox, RadioSet").results()
        fields = {_field_name(w.id or ""): w for w in inputs}
        ticks = {
            (w.id or "").removeprefix("step-"): w for w in form.query(".step").results(Checkbox)
        }
        errors = {
            _field_name((w.id or "").removesuffix("-error")): w
            for w in form.query(".field-error").results(Static)
        }
        return cls(
            fields={name: w for name, w in fields.items() if name in DRAFT_FIELDS},
            steps={key: ticks[key] for key in CUSTOMER_STEPS if key in ticks},
            errors=errors,
            labels=list(form.query(".incident-label").results(Static)),
        )


class IncidentTab(TabPane):
    """What both incident forms share: reading and filling their fields, problems, label."""

    class Edited(Message):
        """A field changed; `left` names fields the owner has finished with (now checked)."""

        def __init__(self, left: tuple[str, ...] = (), cleared: tuple[str, ...] = ()) -> None:
            super().__init__()
            self.left = left
            self.cleared = cleared  # fields emptied: their problems no longer apply

    class Requested(Message):
        """A button asked for an action on the incident."""

        def __init__(self, action: IncidentAction) -> None:
            super().__init__()
            self.action = action

    # Button id -> what it asks for.
    BUTTONS: ClassVar[dict[str, IncidentAction]] = {}

    def field(self, name: str) -> Widget:
        return self.query_one(f"#{widget_id(name)}")

    @cached_property
    def form(self) -> FormWidgets:
        """This form's widgets, found once: every keystroke reads and marks them."""
        return FormWidgets.of(self)

    def values(self) -> dict[str, Any]:
        """The Draft fields this form holds, as typed."""
        values: dict[str, Any] = {n: _value_of(w) for n, w in self.form.fields.items()}
        if "not_telling_grounds" in values:  # no ground chosen is "none", not "unknown"
            values["not_telling_grounds"] = values["not_telling_grounds"].replace("unknown", "none")
        if self.form.steps:
            values["customer_steps"] = tuple(
                key for key, step in self.form.steps.items() if step.value
            )
        return values

    def fill(self, draft: Draft) -> None:
        """Show `draft` in the fields this form holds."""
        for name, widget in self.form.fields.items():
            value = getattr(draft, name)
            if isinstance(widget, Input):
                widget.value = str(value)
            elif isinstance(widget, TextArea):
                widget.load_text(value)
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            else:
                for button in widget.query(MarkedRadioButton):
                    button.value = button.id == f"{widget_id(name)}-{value}"
        for key, step in self.form.steps.items():
            step.value = key in draft.customer_steps

    def show_label(self, label: Content) -> None:
        for static in self.form.labels:
            static.update(label)

    def show_problems(self, problems: dict[str, str], touched: set[str]) -> None:
        """Mark each field the owner has left that has a problem; clear the others."""
        for name, error in self.form.errors.items():
            message = problems.get(name) if name in touched else None
            error.update(plain(f"✗ {message}") if message else "")
            error.display = bool(message)
            self.field(name).set_class(bool(message), "-error")

    # Messages up -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if _is_field(event.input):
            self.post_message(self.Edited())

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if _is_field(event.input) and event.input.id:
            self.post_message(self.Edited(left=(_field_name(event.input.id),)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if _is_field(event.input):
            event.stop()
            self.screen.focus_next()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if _is_field(event.text_area):  # not the notice preview, which the screen fills
            self.post_message(self.Edited())

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if _is_field(event.checkbox):
            self.post_message(self.Edited())

    def on_radio_set_changed(self, _event: RadioSet.Changed) -> None:
        self.post_message(self.Edited())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = self.BUTTONS.get(event.button.id or "")
        if action is not None:
            event.stop()
            self.post_message(self.Requested(action))


class NotifyTab(IncidentTab):
    """Section 3: the notifiability wizard, its verdict, and the incident's log."""

    BUTTONS: ClassVar[dict[str, IncidentAction]] = {
        "notify-save": "save",
        "notify-export": "export",
        "notify-new": "new",
    }

    def __init__(self, today: Callable[[], dt.date]) -> None:
        super().__init__(SECTIONS["notify"], id="notify")
        self._today = today
        # The incident's log: saved entries plus those added since (saved with ctrl+s).
        self.log_entries: tuple[LogEntry, ...] = ()
        # What is wrong with the step being typed, shown until it is fixed or added.
        self.log_problems: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="notify-columns", classes="columns"):
            with VerticalScroll(id="notify-form", classes="form", can_focus=False):
                yield from wizard_form()
            with VerticalScroll(id="verdict-pane"):
                yield Static(id="verdict")

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["log"] = self.log_entries
        return values

    def fill(self, draft: Draft) -> None:
        super().fill(draft)
        self.log_entries = draft.log
        self._show_log()

    def show_problems(self, problems: dict[str, str], touched: set[str]) -> None:
        super().show_problems({**problems, **self.log_problems}, touched)

    def show_verdict(self, verdict: Content) -> None:
        self.query_one("#verdict", Static).update(verdict)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "log-add":
            event.stop()
            self.add_to_log()
        else:
            super().on_button_pressed(event)

    def add_to_log(self) -> None:
        """Add the typed step to the log, or show what to fix beside the field."""
        fields = {name: self.query_one(f"#{widget_id(name)}", Input) for name in LOG_INPUTS}
        now = dt.datetime.combine(self._today(), dt.datetime.now().time())
        when, who, what = (field.value for field in fields.values())
        made = log_entry(when, who, what, now)
        self.log_problems = made if isinstance(made, dict) else {}
        if isinstance(made, dict):
            self.post_message(self.Edited(left=tuple(made)))
            self.field(next(iter(made))).focus()
            return
        # Kept in time order, so a step logged late still reads in its place.
        self.log_entries = tuple(sorted((*self.log_entries, made), key=_log_order))
        for field in fields.values():
            field.value = ""
        self._show_log()
        self.post_message(self.Edited(cleared=LOG_INPUTS))
        self.notify("Added to the log: ctrl+s saves it with the incident.")

    def _show_log(self) -> None:
        table = self.query_one("#log-table", Static)
        if not self.log_entries:
            table.update(Content.styled("No steps logged yet.", "italic"))
            return
        lines = [
            Content(f"• {entry.when} · {entry.who}: {entry.what}") for entry in self.log_entries
        ]
        table.update(Content("\n").join(lines))


class NoticeTab(IncidentTab):
    """Section 4: the customer notice's own fields and a preview of the notice."""

    BUTTONS: ClassVar[dict[str, IncidentAction]] = {
        "notice-save": "save",
        "notice-export": "export",
    }

    def __init__(self) -> None:
        super().__init__(SECTIONS["notice"], id="notice")

    def compose(self) -> ComposeResult:
        with Horizontal(id="notice-columns", classes="columns"):
            with VerticalScroll(id="notice-form", classes="form", can_focus=False):
                yield from notice_form()
            yield document("notice-preview")

    def show_preview(self, text: str) -> None:
        show_text(self.query_one("#notice-preview", TextArea), text)


def _value_of(widget: Widget) -> str | bool:
    """What a form widget holds: typed text, a tick, or the chosen button's value."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Checkbox):
        return widget.value
    assert isinstance(widget, RadioSet)
    return _pressed(widget)


def _pressed(radios: RadioSet) -> str:
    """The value of the chosen button (its id's last part), or "unknown" when none is."""
    pressed = radios.pressed_button
    return pressed.id.rsplit("-", 1)[-1] if pressed and pressed.id else "unknown"


def _is_field(widget: Widget) -> bool:
    """True for an incident form's field (not a preview or a button)."""
    return (widget.id or "").startswith(("f-", "step-"))


def _field_name(widget_id: str) -> str:
    return widget_id.removeprefix("f-").replace("-", "_")


def _log_order(entry: LogEntry) -> tuple[dt.date, dt.time]:
    """When a step happened; a date alone sorts before the times of that day."""
    if isinstance(entry.at, dt.datetime):
        return entry.at.date(), entry.at.time()
    return entry.at, dt.time.min


def show_text(area: TextArea, text: str) -> None:
    """Replace a read-only text area's text, keeping the reader's place when it can."""
    scroll = area.scroll_offset
    area.load_text(text)
    area.scroll_to(scroll.x, scroll.y, animate=False, immediate=True)
