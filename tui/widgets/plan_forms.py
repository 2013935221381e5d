"""The Plan screen's small forms: owner and due date, and accepting a risk.

Each is a modal that validates its fields, shows a problem next to the field
it belongs to, and dismisses with clean values (or None when cancelled). The
Plan screen saves what comes back; the forms never touch the session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from pdpa_check.support.dates import DateError, parse_plan_date
from pdpa_check.support.dates import parse_date as parse_date  # re-exported for the tests
from pdpa_check.support.text import TextError, clean, clean_name, for_output
from pdpa_check.tui.widgets.plain import plain

REASON_MAX_CHARS = 1000

# What a form dismisses with when saved (None when cancelled).
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class OwnerDue:
    owner: str
    due_date: str | None


@dataclass(frozen=True)
class RiskAcceptance:
    reason: str
    accepted_by: str
    review_date: str


FORM_CSS = """
PlanForm {
    align: center middle;
}
PlanForm > VerticalScroll {
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}
PlanForm .form-title {
    text-style: bold;
}
PlanForm .field-label {
    margin-top: 1;
}
PlanForm Input {
    width: 1fr;
    background: $panel;
}
PlanForm Input:focus {
    background: $primary 30%;
}
PlanForm .field-error {
    color: $text-error;
    text-style: bold;
    height: auto;
}
PlanForm .field-error.-empty {
    display: none;
}
PlanForm Horizontal {
    height: auto;
    margin-top: 1;
}
PlanForm Button {
    margin-right: 2;
}
"""


class PlanForm(ModalScreen[ResultT | None], Generic[ResultT]):
    """What both forms share: a title, labelled inputs with error lines, Save and Cancel.

    A subclass names its result type and dismisses with it from `submit`.
    """

    DEFAULT_CSS = FORM_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="plan_form.cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str, str, str]]) -> None:
        """`fields`: (id, label, current value, placeholder) for each input."""
        super().__init__()
        self._title = title
        self._fields = fields

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(plain(self._title), classes="form-title")
            for field_id, label, value, placeholder in self._fields:
                yield Label(label, classes="field-label")
                yield Input(for_output(value), placeholder=placeholder, id=field_id, compact=True)
                yield Static("", id=f"{field_id}-error", classes="field-error -empty")
            with Horizontal():
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def show_errors(self, errors: dict[str, str]) -> None:
        for field_id, *_ in self._fields:
            message = errors.get(field_id, "")
            error = self.query_one(f"#{field_id}-error", Static)
            error.update(plain(f"↑ {message}" if message else ""))
            error.set_class(not message, "-empty")
        first = next((f for f, *_ in self._fields if f in errors), None)
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
            self.notify("Not saved: see the marked field.", severity="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.submit()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class OwnerDueForm(PlanForm[OwnerDue]):
    """Who does the item and by when; a blank due date clears it."""

    def __init__(self, item_title: str, owner: str, due_date: str | None, today: dt.date) -> None:
        self.today = today
        super().__init__(
            f"Owner and due date: {item_title}",
            [
                ("owner", "Owner (a name; blank for nobody yet)", owner, "e.g. Mei Ling"),
                ("due", "Due date (YYYY-MM-DD; blank for none)", due_date or "", "2027-01-31"),
            ],
        )

    def submit(self) -> None:
        errors: dict[str, str] = {}
        owner = due = ""
        try:
            owner = clean_name(self.value("owner"))
        except TextError as error:
            errors["owner"] = str(error)
        if self.value("due").strip():
            try:
                due = parse_plan_date(self.value("due"), self.today).isoformat()
            except DateError as error:
                errors["due"] = str(error)
        if errors:
            self.show_errors(errors)
            return
        self.dismiss(OwnerDue(owner, due or None))


class AcceptRiskForm(PlanForm[RiskAcceptance]):
    """Accepting a risk needs a reason, who accepted it and when to look again."""

    def __init__(
        self, item_title: str, reason: str, accepted_by: str, review: str | None, today: dt.date
    ) -> None:
        self.today = today
        super().__init__(
            f"Accept the risk: {item_title}",
            [
                ("reason", "Why is the risk acceptable? (required)", reason, "e.g. no data held"),
                ("by", "Accepted by (required)", accepted_by, "your name"),
                ("review", "Review by (YYYY-MM-DD, required)", review or "", "2027-02-28"),
            ],
        )

    def submit(self) -> None:
        errors: dict[str, str] = {}
        reason = by = review = ""
        try:
            reason = clean(self.value("reason"), max_chars=REASON_MAX_CHARS, single_line=True)
            if not reason.strip():
                errors["reason"] = "give a reason for accepting the risk"
        except TextError as error:
            errors["reason"] = str(error)
        try:
            by = clean_name(self.value("by"))
            if not by:
                errors["by"] = "say who accepted the risk"
        except TextError as error:
            errors["by"] = str(error)
        if not self.value("review").strip():
            errors["review"] = "give a date to look at this again"
        else:
            try:
                review = parse_plan_date(self.value("review"), self.today).isoformat()
            except DateError as error:
                errors["review"] = str(error)
        if errors:
            self.show_errors(errors)
            return
        self.dismiss(RiskAcceptance(reason.strip(), by, review))
