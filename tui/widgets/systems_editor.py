"""The inventory of systems that hold customer data: one row per system, add and remove.

Each row keeps the stable key of the system it was loaded from (None for a new
one), so a rename never changes which answers belong to it. The editor only
holds drafts; the screen builds and validates the `Profile`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from pdpa_check.questionnaires.platforms import builtin_catalogue
from pdpa_check.questionnaires.profile import SYSTEM_KINDS, System
from pdpa_check.support.text import for_output
from pdpa_check.tui.widgets.plain import plain

EMPTY_HINT = "No systems yet: press ctrl+n or + Add system below."


@dataclass(frozen=True)
class Draft:
    """One system as typed so far: its stored key (None when new), name and kind."""

    key: str | None
    name: str
    kind: str | None


def kind_options() -> list[tuple[Text, str]]:
    return [(Text(label), kind) for kind, label in SYSTEM_KINDS.items()]


class SystemRow(Vertical):
    """Name, kind and a remove button for one system, with its error message below."""

    def __init__(self, key: str | None, name: str, kind: str | None, *, id: str) -> None:
        super().__init__(id=id, classes="system-row")
        self.key = key
        self._initial_name = name
        self._initial_kind = kind
        # The kind this row last picked from a known platform's name: typing may change
        # it again; a kind the owner chose is never overwritten.
        self._picked_kind: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="system-fields"):
            yield Input(
                for_output(self._initial_name),
                placeholder="Name, e.g. Shopify admin",
                classes="system-name",
            )
            yield Select(
                kind_options(),
                prompt="Kind of system…",
                value=self._initial_kind if self._initial_kind in SYSTEM_KINDS else Select.NULL,
                classes="system-kind",
            )
            yield Button("Remove", classes="system-remove")
        yield Static(classes="error")

    def on_input_changed(self, event: Input.Changed) -> None:
        """A known platform's name picks its kind, unless the owner chose one."""
        if event.input is not self.name_input:
            return
        platform = builtin_catalogue().find(event.value)
        current = self.kind_select.value
        if platform is None or current == platform.kind:
            return
        if current is Select.NULL or current == self._picked_kind:
            self._picked_kind = platform.kind
            self.kind_select.value = platform.kind

    @property
    def name_input(self) -> Input:
        return self.query_one(".system-name", Input)

    @property
    def kind_select(self) -> Select[str]:
        return self.query_one(".system-kind", Select)

    @property
    def draft(self) -> Draft:
        kind = self.kind_select.value
        return Draft(self.key, self.name_input.value, kind if isinstance(kind, str) else None)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show `errors` (field "name" or "kind" -> message) under the row and mark the fields."""
        error = self.query_one(".error", Static)
        messages = [errors[name] for name in ("name", "kind") if name in errors]
        error.update(plain("  ".join(f"✗ {message}" for message in messages)))
        error.display = bool(errors)
        self.name_input.set_class("name" in errors, "-error")
        self.kind_select.set_class("kind" in errors, "-error")

    def focus_field(self, *, on_kind: bool = False) -> None:
        widget: Widget = self.kind_select if on_kind else self.name_input
        widget.focus()
        self.scroll_visible()


class SystemsEditor(Vertical):
    """Rows of systems and an Add button; posts `Changed` when a row is added or removed."""

    DEFAULT_CSS = """
    SystemsEditor { height: auto; }
    SystemsEditor .system-rows { height: auto; }
    SystemsEditor .empty-hint { padding: 0 1; }
    SystemRow { height: auto; }
    SystemRow .system-fields { height: auto; }
    SystemRow .system-name { width: 2fr; }
    SystemRow .system-kind { width: 3fr; }
    SystemRow .system-remove { width: 10; min-width: 10; }
    SystemRow .system-kind SelectCurrent #label { text-wrap: nowrap; text-overflow: ellipsis; }
    SystemRow .error { display: none; height: auto; color: $text-error; padding: 0 1; }
    """

    class Changed(Message):
        """The list of systems gained or lost a row."""

    def __init__(self, systems: tuple[System, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = systems
        self._serial = 0

    def compose(self) -> ComposeResult:
        yield Static(EMPTY_HINT, classes="muted empty-hint")
        with Vertical(classes="system-rows"):
            for system in self._initial:
                yield self._new_row(system.key, system.name, system.kind)
        yield Button("+ Add system", classes="system-add")

    def on_mount(self) -> None:
        self._update_hint()

    def _new_row(self, key: str | None, name: str, kind: str | None) -> SystemRow:
        self._serial += 1
        return SystemRow(key, name, kind, id=f"system-{self._serial}")

    @property
    def rows(self) -> list[SystemRow]:
        return list(self.query(SystemRow))

    def drafts(self) -> list[Draft]:
        return [row.draft for row in self.rows]

    def show_errors(self, errors: dict[int, dict[str, str]]) -> None:
        """Show `errors[i]` (field -> message) under row i; clear the other rows."""
        for index, row in enumerate(self.rows):
            row.show_errors(errors.get(index, {}))

    async def add_system(self, name: str = "", kind: str | None = None) -> SystemRow:
        """Append a new, keyless row and focus its name field."""
        row = self._new_row(None, name, kind)
        await self.query_one(".system-rows", Vertical).mount(row)
        self._update_hint()
        row.focus_field()
        self.post_message(self.Changed())
        return row

    async def remove_row(self, row: SystemRow) -> None:
        """Drop `row` and move focus to its neighbour (or the Add button)."""
        rows = self.rows
        index = rows.index(row)
        await row.remove()
        rest = self.rows
        self._update_hint()
        if rest:
            rest[min(index, len(rest) - 1)].focus_field()
        else:
            self.query_one(".system-add", Button).focus()
        self.post_message(self.Changed())

    def row_with_focus(self) -> SystemRow | None:
        focused = self.screen.focused
        for row in self.rows:
            if focused is not None and (focused is row or row in focused.ancestors):
                return row
        return None

    def _update_hint(self) -> None:
        self.query_one(".empty-hint", Static).display = not self.query(SystemRow)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button
        if button.has_class("system-add"):
            event.stop()
            await self.add_system()
        elif button.has_class("system-remove"):
            event.stop()
            row = next(a for a in button.ancestors if isinstance(a, SystemRow))
            await self.remove_row(row)
