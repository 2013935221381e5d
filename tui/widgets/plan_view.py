"""How plan entries and their systems look on the Plan screen: status words, cells, detail.

Pure formatting (Rich `Text` only, no widgets): every piece of bank or user
text goes through `for_output` and into `Text`, so it is never read as markup.
Status, priority and lateness are always words, never colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from pdpa_check.questionnaires.model import Action, Bank
from pdpa_check.questionnaires.platforms import SystemSteps
from pdpa_check.scoring.lifecycle import CLOSED_STATUSES, DONE_FLAG, entry_status
from pdpa_check.scoring.lifecycle import DONE_BUT_OPEN as _DONE_BUT_OPEN
from pdpa_check.scoring.result import (
    HORIZONS,
    Capacity,
    Horizon,
    Person,
    Plan,
    PlanEntry,
    PlanItem,
)
from pdpa_check.scoring.rounding import shown_score_tenths
from pdpa_check.scoring.wording import summary_text
from pdpa_check.store.repo import PlanItemState
from pdpa_check.support.text import for_output

STATUS_WORDS: dict[str, str] = {
    "open": "OPEN",
    "in_progress": "IN PROGRESS",
    "done": DONE_FLAG,
    "accepted_risk": "ACCEPTED RISK",
}
# Every item in the plan has an open gap, so "done" there means "check the answer".
DONE_BUT_OPEN = "MARKED DONE" + _DONE_BUT_OPEN.removeprefix("marked done") + "."
STATUS_STYLES: dict[str, str] = {
    "open": "bold",
    "in_progress": "bold yellow",
    "done": "bold green",
    "accepted_risk": "bold cyan",
}
EFFORT_WORDS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}
ROLE_WORDS: dict[str, str] = {"owner": "Owner", "staff": "Staff", "it_vendor": "IT vendor"}
MARKED, UNMARKED = "[x]", "[ ]"
OVERDUE = "OVERDUE"
# The title column never gets narrower than this; optional columns go first.
MIN_TITLE = 36
# Cell padding DataTable puts either side of every column.
PADDING = 1


class RowView(Protocol):
    """What a table row needs: an entry's row and a system's row both give it."""

    @property
    def key(self) -> str: ...
    @property
    def horizon(self) -> Horizon: ...
    @property
    def action(self) -> Action: ...
    @property
    def critical(self) -> bool: ...
    @property
    def uplift(self) -> float: ...
    @property
    def status(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def overdue(self) -> bool: ...
    @property
    def title(self) -> str: ...
    @property
    def where(self) -> str: ...
    @property
    def effort(self) -> str: ...
    @property
    def marked(self) -> bool: ...


ENTRY_KEY, SYSTEM_KEY = "entry:", "system:"
SEVERAL = "(several)"


@dataclass(frozen=True)
class ItemView:
    """One system of an entry (a plan item) with its saved state."""

    item: PlanItem
    state: PlanItemState | None
    today: dt.date
    marked: bool = False
    # This system's own steps from the platform catalogue (all of them when org-wide).
    platform_steps: tuple[SystemSteps, ...] = ()
    # The people this system's user list shows behind the gap (the owner's checklist).
    people: tuple[Person, ...] = ()

    @property
    def key(self) -> str:
        return SYSTEM_KEY + self.item.id

    @property
    def horizon(self) -> Horizon:
        return self.item.horizon

    @property
    def action(self) -> Action:
        return self.item.action

    @property
    def critical(self) -> bool:
        return self.item.critical

    @property
    def uplift(self) -> float:
        return self.item.uplift

    @property
    def effort(self) -> str:
        return ""

    @property
    def where(self) -> str:
        return ""

    @property
    def status(self) -> str:
        return self.state.status if self.state else "open"

    @property
    def owner(self) -> str:
        return self.state.owner if self.state else ""

    @property
    def due(self) -> dt.date | None:
        return _date(self.state.due_date if self.state else None)

    @property
    def overdue(self) -> bool:
        due = self.due
        return due is not None and due < self.today and self.status not in CLOSED_STATUSES

    @property
    def title(self) -> str:
        return "  └ " + for_output(self.item.system_name or "The whole business")


@dataclass(frozen=True)
class EntryView:
    """One fix with its systems' saved states: status derived, owner and due shared or not."""

    entry: PlanEntry
    states: Mapping[str, PlanItemState]
    today: dt.date
    marked_items: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return ENTRY_KEY + self.entry.id

    @property
    def horizon(self) -> Horizon:
        return self.entry.horizon

    @property
    def action(self) -> Action:
        return self.entry.action

    @property
    def critical(self) -> bool:
        return self.entry.critical

    @property
    def uplift(self) -> float:
        return self.entry.uplift

    @property
    def effort(self) -> str:
        return f"{self.entry.effort_hours:g} h"

    @property
    def systems(self) -> list[ItemView]:
        marked = self.marked_items
        return [
            ItemView(
                item,
                self.states.get(item.id),
                self.today,
                item.id in marked,
                self.entry.platform_steps_for(item),
                self.entry.people_for(item),
            )
            for item in self.entry.items
        ]

    @property
    def marked(self) -> bool:
        return set(self.entry.item_ids) <= self.marked_items

    @property
    def status(self) -> str:
        return entry_status(self.entry, self.states)

    @property
    def owner(self) -> str:
        owners = {view.owner for view in self.systems}
        return owners.pop() if len(owners) == 1 else SEVERAL

    @property
    def due(self) -> dt.date | None:
        """The soonest due date among systems still open."""
        open_dates = [v.due for v in self.systems if v.due and v.status not in CLOSED_STATUSES]
        return min(open_dates, default=None)

    @property
    def overdue(self) -> bool:
        return any(view.overdue for view in self.systems)

    @property
    def done_but_open(self) -> bool:
        """A system marked done whose gap the answers still show (every item here has one)."""
        return any(view.status == "done" for view in self.systems)

    @property
    def title(self) -> str:
        return for_output(self.entry.title)

    @property
    def where(self) -> str:
        """The systems with a gap, for the row (the title keeps room for them)."""
        return for_output(", ".join(self.entry.systems))


def _date(stamp: str | None) -> dt.date | None:
    if not stamp:
        return None
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return None


# Cells ---------------------------------------------------------------------


def status_text(status: str) -> Text:
    return Text(STATUS_WORDS.get(status, status.upper()), style=STATUS_STYLES.get(status, ""))


def mark_text(marked: bool) -> Text:
    return Text(MARKED if marked else UNMARKED, style="bold" if marked else "dim")


def uplift_text(uplift: float) -> Text:
    return Text(f"+{uplift:.1f}", justify="right")


def due_text(view: RowView, *, short: bool = False) -> Text:
    due = view.due
    if due is None:
        return Text("")
    if not view.overdue:
        return Text(due.isoformat())
    if short:
        return Text(OVERDUE, style="bold reverse")
    return Text.assemble(due.isoformat(), " ", (OVERDUE, "bold reverse"))


@dataclass(frozen=True)
class Column:
    """A table column: its key, header and how to draw one item's cell."""

    key: str
    label: str
    cell: Callable[[RowView], Text]
    # 0: always shown; otherwise the highest rank is hidden first when space runs out.
    drop_rank: int = 0


TITLE = "title"

COLUMNS: tuple[Column, ...] = (
    Column("mark", "If", lambda v: mark_text(v.marked)),
    Column("status", "Status", lambda v: status_text(v.status)),
    Column(
        "critical",
        "Prio",
        lambda v: Text("CRITICAL", style="bold reverse") if v.critical else Text(""),
    ),
    Column(TITLE, "Fix", lambda v: Text(v.title)),
    Column("uplift", "Gain", lambda v: uplift_text(v.uplift)),
    Column("effort", "Effort", lambda v: Text(v.effort, justify="right"), drop_rank=3),
    Column("role", "Role", lambda v: Text(ROLE_WORDS[v.action.owner]), drop_rank=4),
    Column("owner", "Owner", lambda v: Text(for_output(v.owner)), drop_rank=2),
    Column("due", "Due", due_text),
)
# Narrow tables shorten these cells instead of dropping them.
SHORT_CELLS: dict[str, Callable[[RowView], Text]] = {
    "critical": lambda v: Text("CRIT", style="bold reverse") if v.critical else Text(""),
    "due": lambda v: due_text(v, short=True),
}
OWNER_MAX = 16


@dataclass(frozen=True)
class Layout:
    """The columns that fit, each with its width, and how to draw them."""

    columns: tuple[Column, ...]
    widths: dict[str, int]
    short: bool

    def cells(self, view: RowView) -> list[Text]:
        cells = []
        for column in self.columns:
            draw = SHORT_CELLS.get(column.key, column.cell) if self.short else column.cell
            width = self.widths[column.key]
            text = fit_title(view, width) if column.key == TITLE else draw(view)
            text.truncate(width, overflow="ellipsis")
            cells.append(text)
        return cells

    def header_cells(self, label: str, count: int) -> list[Text]:
        """A horizon heading row: the label in the title column, the rest blank."""
        cells = []
        for column in self.columns:
            if column.key == TITLE:
                text = Text(f"{label} · {_fixes(count)}", style="bold underline")
                text.truncate(self.widths[TITLE], overflow="ellipsis")
                cells.append(text)
            elif column.key == "mark":
                cells.append(Text("──", style="bold"))
            else:
                cells.append(Text(""))
        return cells


# An entry's title keeps at least this much of the action's words before its systems.
MIN_ACTION = 12


def fit_title(view: RowView, width: int) -> Text:
    """The row's title in `width` cells, shortening the action's words before its systems.

    At 80 columns "Turn on and enforce MFA for every account (Klaviyo, Meta Business)"
    becomes "Turn on and en… (Klaviyo, Meta Business)": two fixes never look alike. When
    the systems alone do not fit, the first names and a count of the rest are shown.
    """
    if not view.where or cell_len(view.title) <= width:
        return Text(view.title)
    systems = _systems_in(view.where.split(", "), width - MIN_ACTION)
    name = Text(for_output(view.action.title))
    name.truncate(max(MIN_ACTION, width - cell_len(systems)), overflow="ellipsis")
    return Text.assemble(name, systems)


def _systems_in(names: list[str], room: int) -> str:
    """` (Klaviyo, Meta Business)`, or as many names as fit and a count of the rest:
    ` (Google Workspace +2)`, so no system's name is ever cut in the middle."""
    for shown in range(len(names), 0, -1):
        rest = len(names) - shown
        part = f" ({', '.join(names[:shown])}{f' +{rest}' if rest else ''})"
        if cell_len(part) <= room:
            return part
    return f" ({len(names)} systems)"


def layout(views: Sequence[RowView], width: int) -> Layout:
    """Columns for a table `width` cells wide, keeping the title at least MIN_TITLE wide.

    First shorten the critical and overdue cells, then drop optional columns,
    least important first; the title gets whatever room is left.
    """
    columns = list(COLUMNS)
    optional = sorted((c for c in COLUMNS if c.drop_rank), key=lambda c: -c.drop_rank)
    tries = [(list(columns), False), (list(columns), True)]
    for column in optional:
        columns.remove(column)
        tries.append((list(columns), True))
    for columns, short in tries:
        widths = {c.key: _width(c, views, short) for c in columns if c.key != TITLE}
        room = width - sum(widths.values()) - 2 * PADDING * len(columns)
        if room >= MIN_TITLE:
            break
    longest = max((cell_len(v.title) for v in views), default=0)
    heading = max((cell_len(label) + 12 for label in HORIZONS.values()), default=0)
    widths[TITLE] = max(10, min(room, max(longest, heading)))
    return Layout(tuple(columns), widths, short)


def _width(column: Column, views: Sequence[RowView], short: bool) -> int:
    draw = SHORT_CELLS.get(column.key, column.cell) if short else column.cell
    width = max([cell_len(column.label), *(draw(v).cell_len for v in views)])
    return min(width, OWNER_MAX) if column.key == "owner" else width


# Lines and detail ----------------------------------------------------------


def whatif_line(
    current: float, band: str, projected: float | None, marked: int, everything: float
) -> Text:
    """The score now, and with the marked items done (None: nothing marked)."""
    current, everything = shown_score_tenths(current), shown_score_tenths(everything)
    line = Text.assemble("Score ", (f"{current:.1f}", "bold"), f" ({band})")
    if projected is None:
        line.append(f"  ·  {everything:.1f} with every item done  ·  space: what-if")
        return line
    projected = shown_score_tenths(projected)
    items = f"the {marked} marked item{'s' * (marked != 1)} {'is' if marked == 1 else 'are'}"
    line.append(" → ")
    line.append(f"{projected:.1f}", style="bold")
    line.append(f" (+{projected - current:.1f}) if {items} done")
    return line


def summary_line(plan: Plan, views: Sequence[EntryView]) -> Text:
    """Counts by derived status, the effort budget, and the critical-overflow warning."""
    counts = {status: sum(v.status == status for v in views) for status in STATUS_WORDS}
    overdue = sum(v.overdue for v in views)
    vendor = len(plan.vendor_questions)
    line = Text(
        f"{_fixes(len(views))}: {counts['open']} open, {counts['in_progress']} in progress,"
        f" {counts['done']} done, {counts['accepted_risk']} accepted risk"
    )
    if overdue:
        line.append("  ·  ")
        line.append(f"{overdue} {OVERDUE}", style="bold reverse")
    line.append(f"\n{budget_line(plan.capacity)}")
    if plan.capacity.over_budget_note:
        line.append(f"\n{plan.capacity.over_budget_note}", style="bold")
    line.append(
        f'\n{vendor} vendor question{"s" * (vendor != 1)} ("Don\'t know" answers: v)'
        "  ·  x: systems  ·  what-if marks are not saved"
    )
    return line


def budget_line(capacity: Capacity) -> str:
    """The effort budget the horizons were filled to, in one line."""
    return capacity.summary


def gap_lines(bank: Bank, item: PlanItem) -> list[str]:
    """The question behind each gap the item closes, with its system."""
    lines = []
    for gap in item.gaps:
        question_id, _, system_key = gap.partition("/")
        question = bank.questions_by_id.get(question_id)
        if question is None:
            lines.append(question_id)
            continue
        named = [item.system_name] if system_key and item.system_name else []
        lines.append(for_output(summary_text(question, named)))
    return lines


def item_detail(view: ItemView, bank: Bank) -> RenderableType:
    item, action = view.item, view.item.action
    head = Text(for_output(action.title), style="bold")
    if item.system_name:
        head.append(f" · {for_output(item.system_name)}")
    facts = Text()
    if item.critical:
        facts.append("CRITICAL", style="bold reverse")
        facts.append(" · ")
    facts.append_text(status_text(view.status))
    facts.append(
        f" · +{item.uplift:.1f} points · effort {EFFORT_WORDS[action.effort]}"
        f" · role {ROLE_WORDS[action.owner]}"
        f" · {'your IT vendor can do this' if action.vendor_doable else 'needs you, not a vendor'}"
    )
    parts: list[RenderableType] = [head, facts, _state_text(view), *people_parts(view.people)]
    if view.status == "done":
        parts.append(Text(DONE_BUT_OPEN, style="bold"))
    if item.check_first:
        parts.append(
            Text.assemble(
                ("CHECK FIRST: ", "bold"),
                'every answer behind this was "Don\'t know". Ask your vendor;'
                " it may already be in place.",
            )
        )
    parts.append(Text("Steps", style="bold underline"))
    parts.append(_hanging([f"{n}." for n in range(1, len(action.steps) + 1)], action.steps))
    parts += platform_parts(view.platform_steps)
    parts.append(Text("Why", style="bold underline"))
    parts.append(Text(for_output(action.why)))
    gaps = gap_lines(bank, item)
    parts.append(Text(f"Gap{'s' * (len(gaps) != 1)} it closes:"))
    parts.append(_hanging(["•"] * len(gaps), gaps))
    return Group(*parts)


def people_parts(people: tuple[Person, ...]) -> list[RenderableType]:
    """Who to chase, from the user lists: one line per system, the names behind each gap."""
    if not people:
        return []
    by_system: dict[str, list[str]] = {}
    for person in people:
        by_system.setdefault(person.system_name, []).append(person.text)
    lines = [f"{system}: {', '.join(names)}" for system, names in by_system.items()]
    heading = Text("Who to chase (from your user lists)", style="bold underline")
    return [heading, *(Text(for_output(line)) for line in lines)]


def entry_detail(view: EntryView, bank: Bank) -> RenderableType:
    """A fix: its facts, each system's own status, the steps, why, and the gaps it closes."""
    entry, action = view.entry, view.entry.action
    facts = Text()
    if entry.critical:
        facts.append("CRITICAL", style="bold reverse")
        facts.append(" · ")
    facts.append_text(status_text(view.status))
    facts.append(
        f" · +{entry.uplift:.1f} points · about {entry.effort_hours:g} h"
        f" ({EFFORT_WORDS[action.effort].lower()} effort) · role {ROLE_WORDS[action.owner]}"
        f" · {'your IT vendor can do this' if action.vendor_doable else 'needs you, not a vendor'}"
    )
    parts: list[RenderableType] = [Text(view.title, style="bold"), facts, _state_text(view)]
    if entry.band_effect is not None:
        parts.append(Text(f"Band: {entry.band_effect.text}", style="bold"))
    parts.append(Text("Systems (x shows them as rows, to act on one)", style="bold underline"))
    parts.append(_systems_table(view))
    parts += people_parts(entry.people)
    if view.done_but_open:
        parts.append(Text(DONE_BUT_OPEN, style="bold"))
    if entry.check_first:
        parts.append(
            Text.assemble(
                ("CHECK FIRST: ", "bold"),
                'every answer behind this was "Don\'t know". Ask your vendor;'
                " it may already be in place.",
            )
        )
    parts.append(Text("Steps", style="bold underline"))
    parts.append(_hanging([f"{n}." for n in range(1, len(action.steps) + 1)], action.steps))
    parts += platform_parts(entry.platform_steps)
    parts.append(Text("Why", style="bold underline"))
    parts.append(Text(for_output(action.why)))
    gaps = [line for item in entry.items for line in gap_lines(bank, item)]
    parts.append(Text(f"Gap{'s' * (len(gaps) != 1)} it closes:"))
    parts.append(_hanging(["•"] * len(gaps), gaps))
    return Group(*parts)


def _systems_table(view: EntryView) -> Table:
    """One line per system: its status (DONE? when marked done), share, owner and due date."""
    table = Table.grid(padding=(0, 2))
    for column in ("system", "status", "share", "owner", "due"):
        table.add_column(justify="right" if column == "share" else "left", no_wrap=True)
    for system in view.systems:
        table.add_row(
            Text(for_output(system.item.system_name or "The whole business")),
            status_text(system.status),
            Text(f"+{system.item.uplift:.1f}"),
            Text(for_output(system.owner) or "(no owner)"),
            due_text(system),
        )
    for _, name in view.entry.covered:
        blank = [Text("") for _ in range(3)]
        table.add_row(Text(for_output(name or "")), Text("no gap in the answers"), *blank)
    return table


def platform_parts(steps: Sequence[SystemSteps]) -> list[RenderableType]:
    """Each system's own steps under a heading, each with the vendor page it comes from."""
    if not steps:
        return []
    parts: list[RenderableType] = [Text("On your systems", style="bold underline")]
    for step in steps:
        text = Text.assemble((for_output(step.system) + ": ", "bold"), for_output(step.text))
        if step.source and step.fact:
            text.append(f"\nSource: {for_output(step.source)}: {step.fact.url}", style="dim")
        parts.append(text)
    return parts


def _hanging(marks: Sequence[str], lines: Sequence[str]) -> Table:
    """A list whose wrapped lines stay indented under their text."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for mark, line in zip(marks, lines, strict=True):
        table.add_row(Text(mark), Text(for_output(line)))
    return table


def _state_text(view: ItemView | EntryView) -> Text:
    """Owner and due date (an entry's: shared, or "(several)"; the soonest open due date)."""
    text = Text("Owner: ")
    text.append(for_output(view.owner) if view.owner else "(not set)")
    text.append("  ·  Due: ")
    text.append_text(due_text(view) if view.due else Text("(not set)"))
    for system in view.systems if isinstance(view, EntryView) else [view]:
        state = system.state
        if state is not None and system.status == "accepted_risk":
            where = f" ({for_output(system.item.system_name)})" if system.item.system_name else ""
            text.append(f"\nRisk accepted{where} by ")
            text.append(for_output(state.risk_accepted_by) or "(unknown)")
            text.append(f", review by {state.review_date or '(no date)'}: ")
            text.append(for_output(state.risk_reason))
    return text


def horizon_detail(
    horizon: Horizon,
    views: Sequence[EntryView],
    current: float,
    projected: float,
    capacity: Capacity,
) -> RenderableType:
    entries = [v for v in views if v.horizon == horizon]
    still_open = sum(v.status not in CLOSED_STATUSES for v in entries)
    marked = sum(v.marked for v in entries)
    budget = capacity.budget(horizon)
    hours = f"{capacity.used(horizon):g} h of work" + (
        f" of the {budget:g} h it holds" if budget is not None else " (no limit)"
    )
    return Group(
        Text(HORIZONS[horizon], style="bold"),
        Text(f"{_fixes(len(entries))}, {still_open} not yet done or accepted, {marked} marked."),
        Text(f"About {hours}."),
        Text(
            f"Doing all of them: score {shown_score_tenths(current):.1f} → "
            f"{shown_score_tenths(projected):.1f}."
        ),
        Text("space or h marks them all for the what-if; c clears the marks."),
    )


def vendor_detail(plan: Plan) -> RenderableType:
    if not plan.vendor_questions:
        return Text('No questions for your vendor: no "Don\'t know" answers.')
    parts: list[RenderableType] = [
        Text('Questions for your vendor (answered "Don\'t know")', style="bold")
    ]
    lines = [
        q.text + (f" ({q.system_name})" if q.system_name else "") for q in plan.vendor_questions
    ]
    parts.append(_hanging(["•"] * len(lines), lines))
    parts.append(Text("The export (e) lists them for your vendor."))
    return Group(*parts)


def _fixes(count: int) -> str:
    return f"{count} fix{'es' * (count != 1)}"
