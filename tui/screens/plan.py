"""The remediation plan: items by horizon, their status, owner and due date, and a what-if.

The table lists every plan item under its horizon heading, in plan order. The
pane below explains the highlighted item. Status, owner, due date and accepted
risks are saved at once; what-if marks only live on this screen.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from pdpa_check.scoring.lifecycle import PLAN_STATUSES
from pdpa_check.scoring.result import HORIZONS, Horizon, PlanItem
from pdpa_check.services.workspace import Assessed
from pdpa_check.store.repo import PlanItemState
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.plan_forms import (
    AcceptRiskForm,
    OwnerDue,
    OwnerDueForm,
    RiskAcceptance,
)
from pdpa_check.tui.widgets.plan_view import (
    STATUS_WORDS,
    ItemView,
    Layout,
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
    """Plan items grouped by horizon, with status tracking and a live what-if score."""

    CSS_PATH = "plan.tcss"
    BINDINGS = [
        Binding("space", "toggle_mark", "What-if", id="plan.mark"),
        Binding("h", "mark_horizon", "Mark horizon", id="plan.mark_horizon"),
        Binding("c", "clear_marks", "Clear", id="plan.clear"),
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
        self.marked: set[str] = set()
        self._built_width = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="whatif")
        yield Static(id="summary", classes="muted")
        table: DataTable[Text] = DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="detail-pane"):
            yield Static(id="detail")
        yield Footer()

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
            known = {item.id for item in self.assessed.plan.items}
            self.marked &= known
        self.rebuild()

    def items(self) -> list[PlanItem]:
        """Plan items in display order: by horizon, plan order within each."""
        if self.assessed is None:
            return []
        plan = self.assessed.plan
        return [item for horizon in HORIZONS for item in plan.by_horizon(horizon)]

    def view(self, item: PlanItem) -> ItemView:
        return ItemView(
            item, self.states.get(item.id), self.session.today(), item.id in self.marked
        )

    def views(self) -> list[ItemView]:
        return [self.view(item) for item in self.items()]

    def item(self, item_id: str) -> PlanItem | None:
        return next((item for item in self.items() if item.id == item_id), None)

    # Drawing -------------------------------------------------------------

    def _table_width(self) -> int:
        return max(40, self.app.size.width - TABLE_CHROME)

    def rebuild(self) -> None:
        """Redraw the table (keeping the cursor on the same row) and the lines around it."""
        table = self.query_one("#items", DataTable)
        keep = self.highlighted_key()
        self._built_width = self._table_width()
        views = self.views()
        shape = layout(views, self._built_width)
        table.clear(columns=True)
        for column in shape.columns:
            width = shape.widths[column.key]
            table.add_column(Text(column.label), key=column.key, width=width)
        self._add_rows(table, shape, views)
        rows = [row.key.value for row in table.ordered_rows]
        if rows:
            target = (
                keep
                if keep in rows
                else next((r for r in rows if r and not r.startswith(HEADING)), rows[0])
            )
            table.move_cursor(row=rows.index(target), animate=False, scroll=True)
        self.show_lines()
        self.show_detail()

    def _add_rows(self, table: DataTable[Text], shape: Layout, views: list[ItemView]) -> None:
        if self.assessed is None:
            return
        for horizon, label in HORIZONS.items():
            group = [v for v in views if v.item.horizon == horizon]
            if group:
                table.add_row(*shape.header_cells(label, len(group)), key=HEADING + horizon)
            for view in group:
                table.add_row(*shape.cells(view), key=view.item.id)

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
            views = self.views()
            detail.update(horizon_detail(horizon, views, current, projected or current))
        else:
            item = self.item(key)
            if item is not None:
                detail.update(item_detail(self.view(item), self.assessed.bank))
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

    def highlighted_item(self) -> PlanItem | None:
        key = self.highlighted_key()
        item = self.item(key) if key and not key.startswith(HEADING) else None
        if item is None:
            self.notify("Move to a plan item first (up and down arrows).")
        return item

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
        item = self.highlighted_item()
        if item is None:
            return
        self.marked.symmetric_difference_update({item.id})
        self._redraw_marks()

    def action_mark_horizon(self) -> None:
        """Mark every item of the highlighted horizon, or unmark them if all are marked."""
        key = self.highlighted_key()
        if key is None or self.assessed is None:
            return
        if key.startswith(HEADING):
            horizon = self._horizon(key)
        else:
            item = self.item(key)
            if item is None:
                return
            horizon = item.horizon
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
        shape = layout(self.views(), self._built_width)
        keys = [column.key for column in shape.columns]
        if "mark" in keys:
            at = keys.index("mark")
            for item in self.items():
                table.update_cell(item.id, "mark", shape.cells(self.view(item))[at])
        self.show_lines()
        self.show_detail()

    # Saving --------------------------------------------------------------

    def action_set_status(self, status: str) -> None:
        item = self.highlighted_item()
        if item is None or status not in PLAN_STATUSES:
            return
        if self.save(item, status=status):
            self.notify(f"Saved: {STATUS_WORDS[status]}")

    def action_accept_risk(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        state = self.states.get(item.id)
        form = AcceptRiskForm(
            self.view(item).title,
            state.risk_reason if state else "",
            (state.risk_accepted_by if state else "") or (state.owner if state else ""),
            state.review_date if state else None,
            self.session.today(),
        )
        self.app.push_screen(form, partial(self._risk_accepted, item))

    def _risk_accepted(self, item: PlanItem, answer: RiskAcceptance | None) -> None:
        if answer is not None:
            saved = self.save(
                item,
                status="accepted_risk",
                risk_reason=answer.reason,
                risk_accepted_by=answer.accepted_by,
                review_date=answer.review_date,
            )
            if saved:
                self.notify(f"Saved: ACCEPTED RISK, review by {answer.review_date}")

    def action_owner_due(self) -> None:
        item = self.highlighted_item()
        if item is None:
            return
        state = self.states.get(item.id)
        form = OwnerDueForm(
            self.view(item).title,
            state.owner if state else "",
            state.due_date if state else None,
            self.session.today(),
        )
        self.app.push_screen(form, partial(self._owner_due_chosen, item))

    def _owner_due_chosen(self, item: PlanItem, answer: OwnerDue | None) -> None:
        saved = answer is not None and self.save(item, owner=answer.owner, due_date=answer.due_date)
        if saved:
            self.notify("Saved owner and due date.")

    def save(self, item: PlanItem, **fields: str | None) -> bool:
        """Write `fields` for `item`, then redraw; False (and a message) when it failed."""

        def write() -> bool:
            self.session.update_plan_item(item.id, **fields)
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
