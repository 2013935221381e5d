"""The business profile: name, staff, sector and the systems that hold customer data.

Shown on first run (no organisation yet), from the dashboard to edit the
current organisation, and from the organisation switcher to set up another.
The form becomes a `Profile` only when pydantic accepts it; each error is
shown next to the field its `loc` points at, and nothing is saved until the
whole form is valid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Header, Input, Label, Select, Static

from pdpa_check.questionnaires.profile import SECTORS, SITE_BUILDS, Profile
from pdpa_check.store.repo import unique_system_key
from pdpa_check.support.text import TextError, clean_name, for_output
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.plain import plain
from pdpa_check.tui.widgets.systems_editor import Draft, SystemsEditor

WELCOME = (
    "pdpa-check compares your business with the security arrangements PDPA section 24 "
    "expects, scores your readiness and builds a prioritised plan to close the gaps. "
    "It works offline: nothing leaves this computer, and the database file is private to "
    "your user account. The score is a readiness indicator, not legal advice or a "
    "certification."
)
FIRST_RUN_KEYS = (
    "Nothing is saved until you press Save (ctrl+s). There is nothing to go back to yet, "
    "so esc does nothing here; ctrl+q quits."
)
SYSTEMS_HINT = (
    "Every service where customer data lives: shop admin, email, CRM, email marketing, "
    "ad accounts, payments, chat, AI tools. Some questions are asked once per system."
)
WEBSITE_HINT = "Untick if you sell only on marketplaces (Shopee, Lazada): no website questions."
SITE_BUILD_HINT = (
    "Hosted: the platform updates the store software. Self-hosted: you or your vendor do. "
    "Built for you: custom code, with questions for your developer."
)
EDIT_HINT = (
    " Renaming keeps a system's answers; removing one drops its questions. ctrl+l checks a"
    " saved system's answers against its own list of users."
)
STAFF_LIMIT = 100_000
TOO_SHORT = ("too_short", "string_too_short")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass
class Problems:
    """What stops the form being saved: field -> message, and per system row."""

    fields: dict[str, str] = field(default_factory=dict)
    systems: dict[int, dict[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.systems)


def build_profile(
    name: str,
    staff: str,
    sector: str | None,
    drafts: Sequence[Draft],
    reserved: set[str],
    *,
    has_website: bool = True,
    site_build: str | None = "hosted",
) -> Profile | Problems:
    """The `Profile` the form describes, or the problems to show next to each field.

    Systems that already exist keep their key; new ones get a fresh key that is
    not in `reserved` (the keys the organisation had when the form opened, so a
    new system never inherits the answers of one removed in the same edit).
    Two systems with the same name (ignoring case) are refused: the questions
    asked per system would be impossible to tell apart.
    """
    staff = staff.strip()
    taken = reserved | {draft.key for draft in drafts if draft.key}
    systems = []
    for draft in drafts:
        key = draft.key or unique_system_key(draft.name, taken)
        taken.add(key)
        systems.append({"key": key, "kind": draft.kind, "name": draft.name})
    data = {
        "name": name,
        "staff_count": int(staff) if _WHOLE_NUMBER.fullmatch(staff) else staff,
        "sector": sector,
        "systems": systems,
        "has_website": has_website,
        "site_build": site_build,
    }
    problems = Problems()
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            _place(problems, detail)
        profile = None
    _refuse_duplicates(drafts, problems)
    return problems if problems or profile is None else profile


def _place(problems: Problems, detail: ErrorDetails) -> None:
    """Put one pydantic error next to the field its `loc` names."""
    loc = detail["loc"]
    if len(loc) >= 3 and loc[0] == "systems" and isinstance(loc[1], int):
        where = "kind" if loc[2] == "kind" else "name"
        row = problems.systems.setdefault(loc[1], {})
        row.setdefault(where, _system_message(where, detail))
    elif loc and loc[0] in ("name", "staff_count", "sector", "site_build"):
        problems.fields.setdefault(str(loc[0]), _field_message(str(loc[0]), detail))
    else:
        problems.fields.setdefault("form", _reason(detail))


def _field_message(name: str, detail: ErrorDetails) -> str:
    if name == "staff_count":
        if detail["type"] in ("greater_than_equal", "less_than_equal"):
            return f"Staff count must be from 1 (just you) to {STAFF_LIMIT:,}."
        return f"Enter a whole number from 1 (just you) to {STAFF_LIMIT:,}."
    if name == "sector":
        return "Pick the sector closest to the business."
    if name == "site_build":
        return "Pick how your website or online store is run."
    if detail["type"] in TOO_SHORT:
        return "Enter the organisation's name."
    return _reason(detail)


def _system_message(where: str, detail: ErrorDetails) -> str:
    if where == "kind":
        return "Pick what kind of system this is."
    if detail["type"] in TOO_SHORT:
        return "Enter a name for this system."
    return _reason(detail)


def _reason(detail: ErrorDetails) -> str:
    """Pydantic's message without its "Value error," prefix, as a sentence."""
    message = detail["msg"].removeprefix("Value error, ")
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _refuse_duplicates(drafts: Sequence[Draft], problems: Problems) -> None:
    seen: set[str] = set()
    for index, draft in enumerate(drafts):
        try:
            name = clean_name(draft.name).casefold()
        except TextError:
            continue
        if name and name in seen and "name" not in problems.systems.get(index, {}):
            problems.systems.setdefault(index, {})["name"] = (
                "Another system already has this name; give each one its own."
            )
        seen.add(name)


class ProfileScreen(BaseScreen):
    """Describe the business: first run, edit the current organisation, or add another."""

    CSS_PATH = "profile.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="profile.save"),
        Binding("ctrl+n", "add_system", "Add system", id="profile.add_system"),
        Binding("ctrl+r", "remove_system", "Remove system", id="profile.remove_system"),
        Binding("ctrl+l", "user_list", "User list", id="profile.user_list"),
        Binding("escape", "back", "Cancel", id="profile.cancel"),
        Binding("escape", "stay", show=False, id="profile.stay"),
    ]

    def __init__(self, first_run: bool, new: bool = False) -> None:
        super().__init__(id="profile")
        self.first_run = first_run
        self.new = new
        self._tried = False
        self._reserved: set[str] = set()

    # Building the form -----------------------------------------------------

    def _starting_profile(self) -> Profile | None:
        if self.first_run or self.new or self.session.org is None:
            return None
        return self.attempt(lambda: self.session.profile, "Could not load the profile")

    def compose(self) -> ComposeResult:
        start = self._starting_profile()
        self._reserved = {system.key for system in start.systems} if start else set()
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(self._heading(start), id="heading", classes="title")
            if self.first_run:
                yield Static(WELCOME, id="welcome", classes="section")
                yield Static(FIRST_RUN_KEYS, id="keys-hint", classes="muted")
            with Horizontal(id="columns"):
                with Vertical(id="details"):
                    yield from _field("Organisation name", "name")
                    yield Input(
                        for_output(start.name) if start else "",
                        id="name",
                        placeholder="e.g. Kampong Threads Pte Ltd",
                    )
                    yield Static(id="name-error", classes="error")
                    yield from _field("Staff count (1 = just you)", "staff")
                    yield Input(
                        str(start.staff_count) if start else "",
                        id="staff",
                        placeholder="People, you included, e.g. 12",
                    )
                    yield Static(id="staff-error", classes="error")
                    yield from _field("Sector", "sector")
                    yield Select(
                        [(Text(label), key) for key, label in SECTORS.items()],
                        value=start.sector if start else "ecommerce",
                        allow_blank=False,
                        id="sector",
                    )
                    yield Static(id="sector-error", classes="error")
                    yield Checkbox(
                        "Has a website or online store of its own",
                        value=start.has_website if start else True,
                        id="website",
                    )
                    yield Static(WEBSITE_HINT, classes="muted", id="website-hint")
                    yield from _field("How the website is run", "site-build")
                    yield Select(
                        [(Text(label), key) for key, label in SITE_BUILDS.items()],
                        value=start.site_build if start else "hosted",
                        allow_blank=False,
                        disabled=not (start.has_website if start else True),
                        id="site-build",
                    )
                    yield Static(id="site-build-error", classes="error")
                    yield Static(SITE_BUILD_HINT, classes="muted", id="site-build-hint")
                with Vertical(id="systems-panel"):
                    yield Label("Systems that hold customer data", classes="field-label")
                    yield Static(
                        SYSTEMS_HINT + (EDIT_HINT if start else ""),
                        classes="muted",
                        id="systems-hint",
                    )
                    yield SystemsEditor(start.systems if start else (), id="systems")
            yield Static(id="form-error", classes="error")
            with Horizontal(id="actions"):
                yield Button(self._save_label(), id="save", variant="primary")
                if not self.first_run:
                    yield Button("Cancel", id="cancel")
        yield KeysFooter()

    def _heading(self, start: Profile | None) -> Content:
        if self.first_run:
            return plain("Welcome to pdpa-check: describe your business")
        if self.new:
            return plain("Set up another organisation")
        return plain(f"Business profile: {start.name if start else ''}")

    def _save_label(self) -> str:
        return "Save and continue" if self.first_run or self.new else "Save changes"

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    # Validation and saving -------------------------------------------------

    def _read_form(self) -> Profile | Problems:
        sector = self.query_one("#sector", Select).value
        site_build = self.query_one("#site-build", Select).value
        return build_profile(
            self.query_one("#name", Input).value,
            self.query_one("#staff", Input).value,
            sector if isinstance(sector, str) else None,
            self.query_one(SystemsEditor).drafts(),
            self._reserved,
            has_website=self.query_one("#website", Checkbox).value,
            site_build=site_build if isinstance(site_build, str) else None,
        )

    def _show(self, problems: Problems) -> None:
        for name, widget_id in (
            ("name", "name"),
            ("staff_count", "staff"),
            ("sector", "sector"),
            ("site_build", "site-build"),
        ):
            _set_error(self.query_one(f"#{widget_id}-error", Static), problems.fields.get(name))
            self.query_one(f"#{widget_id}").set_class(name in problems.fields, "-error")
        _set_error(self.query_one("#form-error", Static), problems.fields.get("form"))
        self.query_one(SystemsEditor).show_errors(problems.systems)

    def _first_problem(self, problems: Problems) -> Widget | None:
        for name, widget_id in (
            ("name", "#name"),
            ("staff_count", "#staff"),
            ("sector", "#sector"),
            ("site_build", "#site-build"),
        ):
            if name in problems.fields:
                return self.query_one(widget_id)
        if problems.systems:
            index = min(problems.systems)
            row = self.query_one(SystemsEditor).rows[index]
            return row.name_input if "name" in problems.systems[index] else row.kind_select
        return None

    def action_save(self) -> None:
        form = self._read_form()
        if isinstance(form, Problems):
            self._tried = True
            self._show(form)
            target = self._first_problem(form)
            if target is not None:
                target.focus()
                target.scroll_visible()
            count = len(form.fields) + sum(len(row) for row in form.systems.values())
            self.notify(
                f"Not saved: {count} thing{'s' * (count != 1)} to fix (marked ✗).",
                severity="warning",
            )
            return
        self._show(Problems())
        saved = self.attempt(
            lambda: self.session.save_profile(form, new=self.new), "Could not save"
        )
        if saved is not None:
            self.notify(f"Saved the profile of {for_output(saved.name)}.", markup=False)
            self.pdpa.go("dashboard")

    def _recheck(self) -> None:
        """After a refused save, errors follow the edits (nothing is saved)."""
        if self._tried:
            form = self._read_form()
            self._show(form if isinstance(form, Problems) else Problems())

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._recheck()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._recheck()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # How the website is run means nothing without a website of its own.
        if event.checkbox.id == "website":
            self.query_one("#site-build", Select).disabled = not event.value

    def on_systems_editor_changed(self, _event: SystemsEditor.Changed) -> None:
        self._recheck()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # Actions -----------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_back()

    async def action_add_system(self) -> None:
        await self.query_one(SystemsEditor).add_system()

    async def action_remove_system(self) -> None:
        editor = self.query_one(SystemsEditor)
        row = editor.row_with_focus()
        if row is None:
            self.notify("Move to a system first (tab), then press ctrl+r to remove it.")
            return
        await editor.remove_row(row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not self.first_run
        if action == "stay":
            return self.first_run
        if action == "user_list":
            return not (self.first_run or self.new)
        return True

    def action_user_list(self) -> None:
        """Check the answers for the system being edited against that system's user list."""
        from pdpa_check.tui.screens.user_list_import import UserListImportScreen

        row = self.query_one("#systems", SystemsEditor).row_with_focus()
        saved = {system.key for system in self.session.profile.systems}
        key = row.draft.key if row else None
        self.app.push_screen(UserListImportScreen(self.session, key if key in saved else None))

    def action_stay(self) -> None:
        self.notify("No organisation yet: fill in the form and save (ctrl+s), or quit (ctrl+q).")


def _field(label: str, widget_id: str) -> ComposeResult:
    yield Label(label, classes="field-label", id=f"{widget_id}-label")


def _set_error(widget: Static, message: str | None) -> None:
    widget.update(plain(f"✗ {message}") if message else "")
    widget.display = bool(message)
