"""The remediation plan: one row per fix by horizon, its systems, status, owner, due date.

The table lists every plan entry under its horizon heading, in plan order, with
the systems it applies to on the row. `x` shows an entry's systems as rows of
their own. Status keys, owner and due date act on the highlighted row: the
whole entry (every system) or one system. The pane below explains the row.
Changes are saved at once; what-if marks only live on this screen.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from pdpa_check.scoring.lifecycle import PLAN_STATUSES
from pdpa_check.scoring.result import HORIZONS, Horizon, PlanEntry
from pdpa_check.services.workspace import Assessed
from pdpa_check.store.repo import PlanItemState
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.plan_forms import (
    AcceptRiskForm,
    OwnerDue,
    OwnerDueForm,
    RiskAcceptance,
)
from pdpa_check.tui.widgets.plan_view import (
    ENTRY_KEY,
    STATUS_WORDS,
    EntryView,
    ItemView,
    Layout,
    RowView,
    entry_detail,
    horizon_detail,
    item_detail,
    layout,
    summary_line,
    vendor_detail,
    whatif_line,
)

HEADING = "horizon:"
STATUS = Binding.Group("Status")
# Columns the table cannot use: the vertical scrollbar, and a cell of slack.
TABLE_CHROME = 2


class PlanScreen(BaseScreen):
    """Plan entries grouped by horizon, with status tracking and a live what-if score."""

    CSS_PATH = "plan.tcss"
    BINDINGS = [
        Binding("space", "toggle_mark", "What-if", id="plan.mark"),
        Binding("h", "mark_horizon", "Mark horizon", id="plan.mark_horizon"),
        Binding("c", "clear_marks", "Clear", id="plan.clear"),
        Binding("x", "toggle_systems", "Systems", id="plan.systems"),
        Binding("o", "set_status('open')", "Open", group=STATUS, id="plan.open"),
        Binding("i", "set_status('in_progress')", "In progress", group=STATUS, id="plan.progress"),
        Binding("d", "set_status('done')", "Done", group=STATUS, id="plan.done"),
        Binding("a", "accept_risk", "Accept risk", group=STATUS, id="plan.accept"),
        Binding("w", "owner_due", "Owner/due", id="plan.owner"),
        Binding("v", "vendor", "Vendor Qs", id="plan.vendor"),
        Binding("e", "export", "Export", id="plan.export"),
        Binding("I", "import_vendor", "Import vendor file", id="plan.import"),
    ]

    def __init__(self) -> None:
        super().__init__(id="plan")
        self.assessed: Assessed | None = None
        self.states: dict[str, PlanItemState] = {}
        self.marked: set[str] = set()  # item ids (an entry is marked when all its items are)
        self.expanded: set[str] = set()  # entries whose systems show as rows
        self._built_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="whatif")
        yield Static(id="summary", classes="muted")
        table: DataTable[Text] = DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="detail-pane"):
            yield Static(id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#items", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        if self._table_width() != self._built_width:
            self.rebuild()

    # Data ----------------------------------------------------------------

    def load(self) -> None:
        """Read the plan and its saved states, then redraw everything."""
        self.assessed = None
        if self.session.org is not None:
            row = self.attempt(self.session.current, "Could not read the assessments")
            if row is not None:
                self.assessed = self.attempt(self.session.assessed, "Could not build the plan")
        states = (
            self.attempt(self.session.plan_states, "Could not read the plan")
            if self.assessed
            else None
        )
        self.states = states or {}
        if self.assessed is not None:
            self.marked &= {item.id for item in self.assessed.plan.items}
            self.expanded &= {entry.id for entry in self.assessed.plan.entries}
        self.rebuild()

    def entries(self) -> list[PlanEntry]:
        """Plan entries in display order: by horizon, plan order within each."""
        return list(self.assessed.plan.entries) if self.assessed is not None else []

    def entry_view(self, entry: PlanEntry) -> EntryView:
        return EntryView(entry, self.states, self.session.today(), frozenset(self.marked))

    def views(self) -> list[EntryView]:
        return [self.entry_view(entry) for entry in self.entries()]

    def rows(self) -> list[RowView]:
        """Every table row: each entry, then its systems when it is expanded."""
        rows: list[RowView] = []
        for view in self.views():
            rows.append(view)
            if view.entry.id in self.expanded:
                rows += view.systems
        return rows

    def row(self, key: str | None) -> RowView | None:
        return next((row for row in self.rows() if row.key == key), None)

    # Drawing -------------------------------------------------------------

    def _table_width(self) -> int:
        return max(40, self.app.size.width - TABLE_CHROME)

    def rebuild(self) -> None:
        """Redraw the table (keeping the cursor on the same row) and the lines around it."""
        table = self.query_one("#items", DataTable)
        keep = self.highlighted_key()
        self._built_width = self._table_width()
        rows = self.rows()
        shape = layout(rows, self._built_width)
        table.clear(columns=True)
        for column in shape.columns:
            width = shape.widths[column.key]
            table.add_column(Text(column.label), key=column.key, width=width)
        self._add_rows(table, shape, rows)
        keys = [row.key.value for row in table.ordered_rows]
        if keys:
            target = (
                keep
                if keep in keys
                else next((k for k in keys if k and not k.startswith(HEADING)), keys[0])
            )
            table.move_cursor(row=keys.index(target), animate=False, scroll=True)
        self.show_lines()
        self.show_detail()

    def _add_rows(self, table: DataTable[Text], shape: Layout, rows: list[RowView]) -> None:
        if self.assessed is None:
            return
        for horizon, label in HORIZONS.items():
            group = [row for row in rows if row.horizon == horizon]
            count = sum(isinstance(row, EntryView) for row in group)
            if group:
                table.add_row(*shape.header_cells(label, count), key=HEADING + horizon)
            for row in group:
                table.add_row(*shape.cells(row), key=row.key)

    def show_lines(self) -> None:
        whatif = self.query_one("#whatif", Static)
        summary = self.query_one("#summary", Static)
        if self.assessed is None:
            whatif.update(Text("No plan yet: answer the questionnaire first (escape, then n)."))
            summary.update(Text(""))
            return
        result = self.assessed.result
        projected = self.projected(self.marked) if self.marked else None
        line = whatif_line(
            result.score,
            result.band.name,
            projected,
            len(self.marked),
            self.assessed.plan.projected_score,
        )
        whatif.update(line)
        summary.update(summary_line(self.assessed.plan, self.views()))

    def projected(self, ids: set[str]) -> float | None:
        return self.attempt(partial(self.session.what_if, ids), "Could not work out the what-if")

    def show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        if self.assessed is None:
            detail.update(Text(""))
            return
        if not self.assessed.plan.items:
            detail.update(Text("No gaps found: there is nothing to do. Re-assess next quarter."))
            return
        key = self.highlighted_key()
        if key is None:
            detail.update(Text(""))
        elif key.startswith(HEADING):
            horizon = self._horizon(key)
            ids = {item.id for item in self.assessed.plan.by_horizon(horizon)}
            projected = self.projected(ids)
            current = self.assessed.result.score
            capacity = self.assessed.plan.capacity
            detail.update(
                horizon_detail(horizon, self.views(), current, projected or current, capacity)
            )
        else:
            row = self.row(key)
            if isinstance(row, EntryView):
                detail.update(entry_detail(row, self.assessed.bank))
            elif isinstance(row, ItemView):
                detail.update(item_detail(row, self.assessed.bank))
        self.query_one("#detail-pane", VerticalScroll).scroll_home(animate=False)

    @staticmethod
    def _horizon(key: str) -> Horizon:
        name = key.removeprefix(HEADING)
        return next(h for h in HORIZONS if h == name)

    def highlighted_key(self) -> str | None:
        table = self.query_one("#items", DataTable)
        if not table.row_count:
            return None
        row = table.ordered_rows[min(table.cursor_row, table.row_count - 1)]
        return row.key.value

    def highlighted_row(self) -> RowView | None:
        key = self.highlighted_key()
        row = self.row(key) if key and not key.startswith(HEADING) else None
        if row is None:
            self.notify("Move to a fix first (up and down arrows).")
        return row

    @staticmethod
    def item_ids(row: RowView) -> list[str]:
        """The items a row stands for: every system of an entry, or its one system."""
        if isinstance(row, EntryView):
            return list(row.entry.item_ids)
        assert isinstance(row, ItemView)
        return [row.item.id]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key and key.startswith(HEADING):
            self.action_mark_horizon()
        else:
            self.action_owner_due()

    # What-if -------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        key = self.highlighted_key()
        if key is not None and key.startswith(HEADING):
            self.action_mark_horizon()
            return
        row = self.highlighted_row()
        if row is None:
            return
        ids = set(self.item_ids(row))
        if row.marked:
            self.marked -= ids
        else:
            self.marked |= ids
        self._redraw_marks()

    def action_mark_horizon(self) -> None:
        """Mark every item of the highlighted horizon, or unmark them if all are marked."""
        key = self.highlighted_key()
        if key is None or self.assessed is None:
            return
        if key.startswith(HEADING):
            horizon = self._horizon(key)
        else:
            row = self.row(key)
            if row is None:
                return
            horizon = row.horizon
        ids = {item.id for item in self.assessed.plan.by_horizon(horizon)}
        if ids <= self.marked:
            self.marked -= ids
        else:
            self.marked |= ids
        self._redraw_marks()

    def action_clear_marks(self) -> None:
        self.marked.clear()
        self._redraw_marks()

    def _redraw_marks(self) -> None:
        table = self.query_one("#items", DataTable)
        rows = self.rows()
        shape = layout(rows, self._built_width)
        keys = [column.key for column in shape.columns]
        if "mark" in keys:
            at = keys.index("mark")
            for row in rows:
                table.update_cell(row.key, "mark", shape.cells(row)[at])
        self.show_lines()
        self.show_detail()

    def action_toggle_systems(self) -> None:
        """Show or hide the highlighted entry's systems as rows, to act on one of them."""
        key = self.highlighted_key()
        row = self.row(key)
        if row is None:
            self.notify("Move to a fix first (up and down arrows).")
            return
        entry_id = row.entry.id if isinstance(row, EntryView) else row.action.id
        entry = self.assessed.plan.entry(entry_id) if self.assessed else None
        if entry is None or len(entry.items) < 2:
            self.notify("This fix has one system: its row is that system.")
            return
        self.expanded.symmetric_difference_update({entry_id})
        self.rebuild()
        if entry_id not in self.expanded:
            self._move_to(ENTRY_KEY + entry_id)

    def _move_to(self, key: str) -> None:
        table = self.query_one("#items", DataTable)
        keys = [row.key.value for row in table.ordered_rows]
        if key in keys:
            table.move_cursor(row=keys.index(key), animate=False, scroll=True)

    # Saving --------------------------------------------------------------

    def action_set_status(self, status: str) -> None:
        row = self.highlighted_row()
        if row is None or status not in PLAN_STATUSES:
            return
        if self.save(row, status=status):
            self.notify(f"Saved: {STATUS_WORDS[status]}{self._on_what(row)}")

    @staticmethod
    def _on_what(row: RowView) -> str:
        if isinstance(row, EntryView) and len(row.entry.items) > 1:
            return f" on all {len(row.entry.items)} systems"
        return ""

    def _state_of(self, row: RowView) -> PlanItemState | None:
        """The saved state a form starts from: the first system's."""
        return self.states.get(self.item_ids(row)[0])

    def _form_title(self, row: RowView) -> str:
        if isinstance(row, ItemView):
            return f"{row.action.title} · {row.item.system_name or 'the whole business'}"
        return row.title

    def action_accept_risk(self) -> None:
        row = self.highlighted_row()
        if row is None:
            return
        state = self._state_of(row)
        form = AcceptRiskForm(
            self._form_title(row),
            state.risk_reason if state else "",
            (state.risk_accepted_by if state else "") or (state.owner if state else ""),
            state.review_date if state else None,
            self.session.today(),
        )
        self.app.push_screen(form, partial(self._risk_accepted, row))

    def _risk_accepted(self, row: RowView, answer: RiskAcceptance | None) -> None:
        if answer is not None:
            saved = self.save(
                row,
                status="accepted_risk",
                risk_reason=answer.reason,
                risk_accepted_by=answer.accepted_by,
                review_date=answer.review_date,
            )
            if saved:
                self.notify(f"Saved: ACCEPTED RISK, review by {answer.review_date}")

    def action_owner_due(self) -> None:
        row = self.highlighted_row()
        if row is None:
            return
        state = self._state_of(row)
        form = OwnerDueForm(
            self._form_title(row),
            state.owner if state else "",
            state.due_date if state else None,
            self.session.today(),
        )
        self.app.push_screen(form, partial(self._owner_due_chosen, row))

    def _owner_due_chosen(self, row: RowView, answer: OwnerDue | None) -> None:
        saved = answer is not None and self.save(row, owner=answer.owner, due_date=answer.due_date)
        if saved:
            self.notify("Saved owner and due date.")

    def save(self, row: RowView, **fields: str | None) -> bool:
        """Write `fields` for the row's items (all systems of an entry), then redraw."""
        ids = self.item_ids(row)

        def write() -> bool:
            self.session.update_plan_items(ids, **fields)
            return True

        saved = self.attempt(write, "Could not save the plan item") is True
        if saved:
            self.load()
        return saved

    # Elsewhere -----------------------------------------------------------

    def action_vendor(self) -> None:
        if self.assessed is not None:
            self.query_one("#detail", Static).update(vendor_detail(self.assessed.plan))

    def action_export(self) -> None:
        if self.assessed is not None:
            self.pdpa.open_export()

    def action_import_vendor(self) -> None:
        """Check the vendor's filled-in file, preview it, and apply it on request."""
        from pdpa_check.tui.screens.vendor_import import VendorImportScreen

        if self.assessed is None:
            self.notify("No plan yet: answer the questions first.")
            return

        def applied(changed: bool | None) -> None:
            if changed:
                self.load()

        self.app.push_screen(VendorImportScreen(self.session), applied)
