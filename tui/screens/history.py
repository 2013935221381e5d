"""History: every assessment, the score trend, and what changed between two of them."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Static

from pdpa_check.questionnaires.answers import describe_value
from pdpa_check.questionnaires.model import Bank
from pdpa_check.scoring.compare import AnswerChange, Comparison, DomainDelta, compare
from pdpa_check.scoring.evaluate import BANDS
from pdpa_check.scoring.rounding import shown_change, shown_score
from pdpa_check.scoring.wording import failing_systems, summary_text
from pdpa_check.services.changes import changes_between
from pdpa_check.services.workspace import Assessed
from pdpa_check.store.repo import AssessmentRow
from pdpa_check.support.dates import parse_day
from pdpa_check.support.text import for_output
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.trend import TrendChart, TrendPoint

BAND_NAMES = {band.id: band.name for band in BANDS}
HINT = (
    "space: mark two assessments to compare  ·  enter: compare with the one before  ·  "
    "l: latest two  ·  tab: scroll the comparison"
)
NOT_ANSWERED = "Not answered"


class HistoryScreen(BaseScreen):
    """Past assessments (newest first), the trend of their scores, and a comparison."""

    CSS_PATH = "history.tcss"
    AUTO_FOCUS = ""  # focused in on_mount, without scrolling the body
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("space", "mark", "Mark", id="history.mark"),
        Binding("p", "previous", "Vs previous", id="history.previous"),
        Binding("l", "latest", "Latest two", id="history.latest"),
        Binding("escape", "back", "Back", id="history.back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="history")
        self.rows: list[AssessmentRow] = []  # oldest first
        self.pair: tuple[int, int] | None = None  # (before id, after id) being compared
        self.marked: list[int] = []  # rows picked with space, waiting for a second
        self.comparison: Comparison | None = None  # what is shown for `pair`

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(id="title", classes="title")
            with Horizontal(id="top"):
                with Vertical(id="left"):
                    yield DataTable[Text](id="assessments", cursor_type="row", zebra_stripes=True)
                    yield Static(HINT, id="hint", classes="muted")
                yield TrendChart(id="trend", classes="section")
            yield Static(id="comparison", classes="section")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#trend", TrendChart).border_title = "Score trend (newest first)"
        self.query_one("#comparison", Static).border_title = "What changed"
        self.rows = self.attempt(self.session.assessments, "Could not read the history") or []
        org = self.session.org
        title = Text.assemble(("History", "bold"), "  ·  ", for_output(org.name) if org else "")
        if len(self._bank_ids()) == 1:
            title.append(f"  ·  questions: {for_output(self.rows[0].bank_id)}")
        self.query_one("#title", Static).update(title)
        self._fill_table()
        self.query_one("#trend", TrendChart).show(
            [
                TrendPoint(_day(row.completed_at), row.score, _band_name(row.band))
                for row in self._completed()
                if row.completed_at is not None and row.score is not None
            ]
        )
        self.action_latest()
        self.set_focus(self._table(), scroll_visible=False)

    # The table -----------------------------------------------------------

    def _fill_table(self) -> None:
        table = self._table()
        table.clear(columns=True)
        table.add_column("Compare", key="mark")
        for label, key in (
            ("#", "id"),
            ("Started", "started"),
            ("Completed", "completed"),
            ("Questions", "bank"),
            ("Score", "score"),
            ("Band", "band"),
        ):
            table.add_column(label, key=key)
        # One bank throughout (the usual case): its id is in the title, versions here.
        one_bank = len(self._bank_ids()) == 1
        for row in reversed(self.rows):
            bank = row.bank_version if one_bank else f"{row.bank_id} {row.bank_version}"
            table.add_row(
                self._mark(row.id),
                Text(str(row.id), justify="right"),
                Text(_day(row.started_at)),
                Text(_day(row.completed_at)) if row.completed_at else Text("in progress", "italic"),
                Text(for_output(bank)),
                Text("—" if row.score is None else str(shown_score(row.score)), justify="right"),
                Text(_band_name(row.band)),
                key=str(row.id),
            )
        if not self.rows:
            self.query_one("#hint", Static).update(
                "No assessments yet: press escape, then n to start the first one."
            )

    def _bank_ids(self) -> set[str]:
        return {row.bank_id for row in self.rows}

    def _table(self) -> DataTable[Text]:
        return self.query_one("#assessments", DataTable)

    def _mark(self, row_id: int) -> Text:
        if row_id in self.marked:
            return Text("marked", "bold reverse")
        if self.pair and row_id == self.pair[0]:
            return Text("before", "bold")
        if self.pair and row_id == self.pair[1]:
            return Text("after", "bold")
        return Text("")

    def _refresh_marks(self) -> None:
        table = self._table()
        for row in self.rows:
            table.update_cell(str(row.id), "mark", self._mark(row.id))

    def _highlighted(self) -> AssessmentRow | None:
        table = self._table()
        if not self.rows or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((row for row in self.rows if str(row.id) == key), None)

    def _completed(self) -> list[AssessmentRow]:
        return [row for row in self.rows if row.completed_at is not None]

    # Choosing what to compare ------------------------------------------

    def action_mark(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        if row.id in self.marked:
            self.marked.remove(row.id)
        else:
            self.marked.append(row.id)
        if len(self.marked) == 2:
            first, second = self.marked
            self.marked = []
            self._compare(first, second)
        else:
            self._refresh_marks()
            if self.marked:
                self.notify(f"Marked #{row.id}: mark one more with space to compare.")

    def action_previous(self) -> None:
        row = self._highlighted()
        if row is None:
            return
        earlier = [r for r in self._completed() if self.rows.index(r) < self.rows.index(row)]
        if not earlier:
            self.notify(f"No completed assessment before #{row.id} to compare it with.")
            return
        self.marked = []
        self._compare(earlier[-1].id, row.id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_previous()

    def action_latest(self) -> None:
        done = self._completed()
        self.marked = []
        if len(done) >= 2:
            self._compare(done[-2].id, done[-1].id)
            return
        self.pair = None
        self.comparison = None
        self._refresh_marks()
        self._show(_empty_state(len(self.rows), len(done)))

    def _compare(self, first: int, second: int) -> None:
        """Compare two assessments, the older one as "before"."""
        order = [row.id for row in self.rows]
        before_id, after_id = sorted((first, second), key=order.index)
        self.pair = (before_id, after_id)
        self.comparison = None
        self._refresh_marks()
        before = self._assessed(before_id)
        after = self._assessed(after_id)
        if before is None or after is None:
            self._show(Text("These two assessments could not be compared (see the message)."))
            return
        self.comparison = compare(
            before.bank, before.answers, before.result, after.bank, after.answers, after.result
        )
        self._show(comparison_view(before, after, self.comparison))

    def _assessed(self, row_id: int) -> Assessed | None:
        row = next(row for row in self.rows if row.id == row_id)
        return self.attempt(lambda: self.session.assessed(row), f"Could not load #{row_id}")

    def _show(self, body: RenderableType) -> None:
        self.query_one("#comparison", Static).update(body)


# Rendering the comparison (pure: Assessed + Comparison -> Rich renderables) -----


def comparison_view(before: Assessed, after: Assessed, comparison: Comparison) -> Group:
    parts: list[RenderableType] = [
        _headline(before, after, comparison),
        Text(""),
        Text("By area", style="bold"),
        _domain_table(comparison.domains),
        Text(""),
        Text(f"Answers changed: {len(comparison.answers)}", style="bold"),
    ]
    if comparison.answers:
        parts.append(_answers_table(before, after, comparison.answers))
    else:
        parts.append(Text("No answer changed between these two assessments."))
    parts += [
        Text(""),
        Text("Critical controls", style="bold"),
        _critical(before, after, comparison),
        Text(""),
        Text("Plan items", style="bold"),
        _plan_items(before, after),
    ]
    return Group(*parts)


def _plan_items(before: Assessed, after: Assessed) -> Text:
    """Items whose gap closed between the two (completed) and items that are new."""
    changes = changes_between(before, after)
    lines = Text()
    for label, items in (("Completed", changes.items_completed), ("Added", changes.items_added)):
        lines.append(f"{label}: {len(items)}\n", style="bold")
        for item in items:
            where = f" · {item.system_name}" if item.system_name else ""
            lines.append(f"  {for_output(item.action.title + where)}\n")
    lines.rstrip()
    return lines


def _headline(before: Assessed, after: Assessed, comparison: Comparison) -> Text:
    old_score, old_band = _recorded(before)
    new_score, new_band = _recorded(after)
    text = Text.assemble(
        ("Before: ", "bold"),
        _which(before.assessment),
        "\n",
        ("After:  ", "bold"),
        _which(after.assessment),
        "\n",
        ("Score:  ", "bold"),
        (f"{shown_score(old_score)} → {shown_score(new_score)}", "bold"),
        "  ",
        _change(shown_change(old_score, new_score)),
        "\n",
        ("Band:   ", "bold"),
        f"{old_band} → {new_band}",
        "" if old_band != new_band else " (unchanged)",
    )
    rescored = (comparison.score_before, comparison.score_after)
    if max(abs(old_score - rescored[0]), abs(new_score - rescored[1])) >= 0.5:
        text.append(
            f"\nScored again with today's questions: {shown_score(rescored[0])} → "
            f"{shown_score(rescored[1])} "
            "(the areas and answers below use these).",
            style="dim",
        )
    return text


def _recorded(assessed: Assessed) -> tuple[float, str]:
    """The score and band stored at completion; for an open one, the score so far."""
    row = assessed.assessment
    if row.score is not None and row.band is not None:
        return row.score, _band_name(row.band)
    return assessed.result.score, f"{assessed.result.band.name} (so far)"


def _which(row: AssessmentRow) -> str:
    done = f"completed {_day(row.completed_at)}" if row.completed_at else "in progress"
    return f"#{row.id}, started {_day(row.started_at)}, {done}"


def _domain_table(domains: Iterable[DomainDelta]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("Area", ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column("Before", justify="right")
    table.add_column("After", justify="right")
    table.add_column("Change")
    for domain in domains:
        table.add_row(
            Text(for_output(domain.title)),
            Text(_score(domain.before)),
            Text(_score(domain.after)),
            _domain_change(domain),
        )
    return table


def _domain_change(domain: DomainDelta) -> Text:
    if domain.before is not None and domain.after is not None:
        return _change(shown_change(domain.before, domain.after))
    if domain.before is None and domain.after is None:
        return Text("not scored", style="dim")
    return Text("newly scored" if domain.before is None else "no longer scored")


def _answers_table(before: Assessed, after: Assessed, changes: Iterable[AnswerChange]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False, expand=True)
    table.add_column("Question", ratio=1)
    table.add_column("System", max_width=18)
    table.add_column("Was", max_width=18)
    table.add_column("Now", max_width=18)
    names = {s.key: s.name for s in before.profile.systems} | {
        s.key: s.name for s in after.profile.systems
    }
    previous = None
    for change in changes:
        bank = after.bank if change.question_id in after.bank.questions_by_id else before.bank
        same = change.question_id == previous
        question = Text("" if same else "• " + _question_text(bank, change.question_id))
        previous = change.question_id
        table.add_row(
            question,
            Text(for_output(names.get(change.system_key, change.system_key))),
            _value(bank, change.question_id, change.before),
            _value(bank, change.question_id, change.after),
        )
    return table


def _question_text(bank: Bank, question_id: str) -> str:
    if question_id in bank.questions_by_id:
        return for_output(bank.question(question_id).text)
    return f"{question_id} (no longer in the questions)"


def _value(bank: Bank, question_id: str, value: str | None) -> Text:
    if value is None:
        return Text(NOT_ANSWERED, style="dim")
    if question_id in bank.questions_by_id:
        value = describe_value(bank.question(question_id), value)
    return Text(for_output(value))


def _critical(before: Assessed, after: Assessed, comparison: Comparison) -> Text:
    lines = Text()
    for question_id in comparison.critical_closed:
        lines.append("✓ Fixed: ", style="bold")
        lines.append(_question_in(before, after, question_id) + "\n")
    for question_id in comparison.critical_opened:
        lines.append("✗ New gap: ", style="bold")
        lines.append(_question_in(before, after, question_id) + "\n")
        lines.append(_failing_systems(after, question_id))
    still = [q for q in after.result.critical_failures if q not in comparison.critical_opened]
    for question_id in still:
        lines.append("✗ Still open: ", style="bold")
        lines.append(_question_in(before, after, question_id) + "\n")
        lines.append(_failing_systems(after, question_id))
    if not lines:
        return Text("No critical control failing, before or after.")
    if not comparison.critical_closed and not comparison.critical_opened:
        lines = Text("No critical gap opened or closed.\n") + lines
    lines.rstrip()
    return lines


def _question_in(before: Assessed, after: Assessed, question_id: str) -> str:
    """A critical control in a summary line: the systems are listed under it, not named here."""
    bank = after.bank if question_id in after.bank.questions_by_id else before.bank
    if question_id in bank.questions_by_id:
        return for_output(summary_text(bank.question(question_id)))
    return _question_text(bank, question_id)


def _failing_systems(assessed: Assessed, question_id: str) -> str:
    """The systems a failed critical control is still missing on, as an indented line."""
    names = [for_output(name) for name in failing_systems(assessed.result.question(question_id))]
    return f"    not yet on: {', '.join(names)}\n" if names else ""


def _empty_state(assessments: int, completed: int) -> Text:
    if assessments == 0:
        return Text(
            "No assessments yet.\nPress escape, then n on the dashboard, to start the first one. "
            "Once two are completed (one each quarter), this shows what changed."
        )
    if completed == 0:
        return Text(
            "No completed assessment yet.\nFinish the open assessment to get a score; "
            "complete another next quarter to see what changed."
        )
    return Text(
        "Only one completed assessment so far.\nComplete next quarter's assessment to see "
        "what changed, or mark an open assessment and the completed one with space to "
        "compare progress so far."
        if assessments > completed
        else "Only one completed assessment so far.\nComplete next quarter's assessment "
        "(n on the dashboard) to see what changed."
    )


# Small formatting helpers -------------------------------------------------------


def _day(stamp: str | None) -> str:
    return parse_day(stamp).isoformat() if stamp else ""


def _band_name(band_id: str | None) -> str:
    if band_id is None:
        return "—"
    return BAND_NAMES.get(band_id, for_output(band_id))


def _score(score: float | None) -> str:
    return "—" if score is None else str(shown_score(score))


def _change(rounded: int) -> Text:
    """A change between two shown scores, in words and arrows as well as colour."""
    if rounded > 0:
        return Text(f"+{rounded} ▲ up", style="bold green")
    if rounded < 0:
        return Text(f"{rounded} ▼ down", style="bold red")
    return Text("0 = same")
