"""The breach kit screen's forms: the notifiability wizard and the customer notice fields."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, RadioSet, Static, TextArea

from pdpa_check.kit.facts import CUSTOMER_STEPS
from pdpa_check.tui.screens.kit_wizard import (
    CONFINED_HINT,
    GROUNDS_CHOICES,
    KIND_CHOICES,
    KIND_QUESTION,
    LABELS,
    PRESCRIBED_HINT,
    QUESTIONS,
    STEP_LABELS,
    TRI_CHOICES,
    TRI_FIELDS,
)
from pdpa_check.tui.widgets.toggles import MarkedCheckbox, MarkedRadioButton

WIZARD_HINT = "The facts you know today; the verdict updates as you answer. ctrl+s saves."
AUDIT_HINT = (
    "The record keeps these as your audit trail. Add each step to the log as you take it"
    " (it is saved with ctrl+s)."
)
NOTICE_HINT = (
    "A draft to send to customers, with every item regulation 6 asks for. It states the data"
    " as what you know so far until you mark it verified; the number of people comes from"
    " the Notifiable? section."
)
# Text areas of the notice form (Draft field -> placeholder).
NOTICE_AREAS: dict[str, str] = {
    "what_happened": "What happened and when, in plain words",
    "how_found": "How you first found out (e.g. a customer reported it)",
    "data_involved": "What data was involved, as far as you know (e.g. names, emails, orders)",
    "potential_harm": "The harm it could cause (e.g. phishing, card fraud)",
    "not_yet_known": "What you do not know yet, and how you are finding out",
    "actions_taken": "What you have done to reduce the harm (e.g. reset staff passwords)",
    "prevention": "What you are changing so it does not happen again (e.g. MFA)",
}


def widget_id(name: str) -> str:
    """The id of the form widget for a Draft field."""
    return "f-" + name.replace("_", "-")


def wizard_form() -> ComposeResult:
    """The notifiability wizard's fields, in the order they are asked."""
    yield Static(id="incident-label", classes="incident-label")
    yield Static(WIZARD_HINT, classes="muted")
    yield from _input("title", "Title (for your records)", "e.g. Shop admin login stolen")
    yield from _input("discovered", "Discovered on (YYYY-MM-DD)", "e.g. 2026-11-27")
    yield from _input(
        "assessed",
        "Assessed as notifiable on (blank if not decided yet)",
        "YYYY-MM-DD, the day you decide",
    )
    yield Label(KIND_QUESTION, classes="field-label")
    with RadioSet(id=widget_id("kind"), classes="choices", compact=True):
        for value, label in KIND_CHOICES:
            yield MarkedRadioButton(label, id=f"{widget_id('kind')}-{value}", compact=True)
    for name in TRI_FIELDS[:-1]:
        yield from _tri(name)
        if name == "prescribed":
            yield Static(PRESCRIBED_HINT, classes="muted hint")
    yield from _input(
        "affected", "How many people are affected? (blank = not known yet)", "e.g. 1200"
    )
    yield MarkedCheckbox(
        "The number is counted and verified, not an estimate",
        id=widget_id("affected_verified"),
        compact=True,
    )
    yield from _tri("confined")
    yield Static(CONFINED_HINT, classes="muted hint")
    yield Label("If the people affected are not told: the grounds", classes="field-label")
    with RadioSet(id=widget_id("not_telling_grounds"), classes="choices", compact=True):
        for value, label in GROUNDS_CHOICES:
            yield MarkedRadioButton(
                label, id=f"{widget_id('not_telling_grounds')}-{value}", compact=True
            )
    yield from _area("not_telling_why", "What was done, or who instructed you and when")
    yield Label("Audit trail", classes="field-label section-label")
    yield Static(AUDIT_HINT, classes="muted hint")
    yield from _input("pdpc_notified", "PDPC notified on (blank if not yet)", "YYYY-MM-DD")
    yield from _input(
        "individuals_notified", "People affected told on (blank if not yet)", "YYYY-MM-DD"
    )
    yield from _area("late_reasons", "Why, if PDPC was told more than 3 days after deciding")
    yield Label("Log: each step, when and who", classes="field-label")
    yield Static(id="log-table", classes="log-table")
    yield from _input("log_at", "When (blank = now)", "YYYY-MM-DD HH:MM, e.g. 2026-11-27 09:30")
    yield from _input("log_who", "Who", "e.g. Mei Ling Tan")
    yield from _input("log_what", "What was done or decided", "e.g. Notified PDPC (online form)")
    with Horizontal(classes="buttons"):
        yield Button("Add to log", id="log-add", compact=True)
    with Horizontal(classes="buttons"):
        yield Button("Save", id="notify-save", variant="primary", compact=True)
        yield Button("Export record", id="notify-export", compact=True)
        yield Button("New incident", id="notify-new", compact=True)


def notice_form() -> ComposeResult:
    """The fields the customer notice needs beyond the wizard's facts."""
    yield Static(id="notice-label", classes="incident-label")
    yield Static(NOTICE_HINT, classes="muted")
    for name, placeholder in NOTICE_AREAS.items():
        yield from _area(name, placeholder)
        if name == "data_involved":
            yield MarkedCheckbox(
                "Verified (otherwise the notice says it is what you know so far)",
                id=widget_id("data_verified"),
                compact=True,
            )
    yield Label(LABELS["customer_steps"], classes="field-label")
    for key, text in CUSTOMER_STEPS.items():
        yield MarkedCheckbox(
            STEP_LABELS.get(key, text), id=f"step-{key}", classes="step", compact=True
        )
    yield from _input(
        "contact_point",
        "Contact point for customers (blank = from your contacts)",
        "e.g. privacy@yourshop.sg or a phone number",
    )
    yield from _input("next_update", "Next update on (YYYY-MM-DD, optional)", "YYYY-MM-DD")
    with Horizontal(classes="buttons"):
        yield Button("Save", id="notice-save", variant="primary", compact=True)
        yield Button("Export notice", id="notice-export", compact=True)


def document(widget: str) -> TextArea:
    return TextArea(id=widget, read_only=True, soft_wrap=True, compact=True, classes="document")


def _area(name: str, placeholder: str) -> ComposeResult:
    yield Label(LABELS[name], classes="field-label")
    yield TextArea(
        id=widget_id(name),
        classes="notice-text",
        soft_wrap=True,
        placeholder=placeholder,
        compact=True,
    )
    yield _error(name)


def _input(name: str, label: str, placeholder: str) -> ComposeResult:
    yield Label(label, classes="field-label")
    yield Input(id=widget_id(name), placeholder=placeholder, compact=True)
    yield _error(name)


def _error(name: str) -> Static:
    return Static(id=f"{widget_id(name)}-error", classes="field-error")


def _tri(name: str) -> ComposeResult:
    yield Label(QUESTIONS[name], classes="field-label")
    with RadioSet(id=widget_id(name), classes="tri", compact=True):
        for value, label in TRI_CHOICES:
            yield MarkedRadioButton(label, id=f"{widget_id(name)}-{value}", compact=True)
