"""The dashboard: where the organisation stands and what to do next."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Static

from pdpa_check.questionnaires.profile import staff_words
from pdpa_check.scoring.evaluate import BANDS
from pdpa_check.scoring.result import HORIZONS, PlanEntry
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.services.session import DomainProgress
from pdpa_check.support.text import for_output
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.bars import bar
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.trend import TrendPoint, trend_text

BAND_NAMES = {band.id: band.name for band in BANDS}


class DashboardScreen(BaseScreen):
    """Organisation, progress, score trend, open plan items and the next due date."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("c", "continue", "Continue", id="dashboard.continue"),
        Binding("n", "new", "New assessment", id="dashboard.new"),
        Binding("r", "results", "Results", id="dashboard.results"),
        Binding("p", "plan", "Plan", id="dashboard.plan"),
        Binding("h", "history", "History", id="dashboard.history"),
        Binding("e", "export", "Export", id="dashboard.export"),
        Binding("k", "kit", "Breach kit", id="dashboard.kit"),
        Binding("b", "profile", "Business", id="dashboard.profile"),
        Binding("o", "organisations", "Switch org", id="dashboard.orgs"),
        Binding("escape", "noop", show=False, id="dashboard.back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield Static(id="org", classes="title")
            with Horizontal(id="actions"):
                yield Button("Continue", id="continue", variant="primary", compact=True)
                yield Button("New assessment", id="new", compact=True)
                yield Button("Results", id="results", compact=True)
                yield Button("Plan", id="plan-button", compact=True)
                yield Button("History", id="history", compact=True)
                yield Button("Export", id="export", compact=True)
            with Horizontal(id="columns"):
                with Vertical(id="left"):
                    yield Static(id="score", classes="section")
                    yield Static(id="due", classes="section")
                with Vertical(id="right"):
                    yield Static(id="progress", classes="section")
                    yield Static(id="plan", classes="section")
                    yield Static(id="next-steps", classes="section")
        yield KeysFooter()

    def on_screen_resume(self) -> None:
        # Also the first showing: Textual resumes a screen as it is pushed, after its mount.
        self.refresh_view()

    def refresh_view(self) -> None:
        org = self.session.org
        if org is None:
            return
        profile = self.session.profile
        systems = len(profile.systems)
        self.query_one("#org", Static).update(
            Text.assemble(
                (for_output(org.name), "bold"),
                f"  ·  {staff_words(org.staff_count)}  ·  {systems} system{'s' * (systems != 1)}",
                ("   b edit · o switch", "dim"),
            )
        )
        self._show_score()
        self._show_progress()
        self._show_plan()
        self._show_due()
        is_open = self.session.open_assessment() is not None
        self.query_one("#continue", Button).disabled = not is_open
        self.query_one("#continue", Button).variant = "primary" if is_open else "default"
        self.query_one("#new", Button).variant = "default" if is_open else "primary"

    def _show_score(self) -> None:
        done = self.session.completed()
        if not done:
            self._update("#score", "Last score", Text("No completed assessment yet."))
            return
        last = done[-1]
        band = BAND_NAMES.get(last.row.band or "", last.row.band or "")
        line = Text.assemble((f"{shown_score(last.score)} / 100", "bold"), "  ", (band, "bold"))
        line.append(f"\ncompleted {last.completed}\n")
        points = [
            TrendPoint(str(t.completed), t.score, BAND_NAMES.get(t.row.band or "", ""))
            for t in done
        ]
        line.append_text(trend_text(points, width=32, recent=3))
        self._update("#score", "Last completed score", line)

    def _show_progress(self) -> None:
        row = self.session.open_assessment()
        if row is None:
            self._update("#progress", "Assessment", Text("None open. Press n to start one."))
            return
        questionnaire = self.attempt(self.session.questionnaire, "Could not load the questions")
        if questionnaire is None:
            return
        table = _progress_table(questionnaire.progress())
        change = self.attempt(lambda: self.session.bank_change(row), "")
        if change is not None:
            table.add_row(
                Text(
                    f"Questions updated ({change.after}): {len(change.new_questions)} new, "
                    f"{len(change.retired_questions)} retired",
                    style="bold",
                )
            )
        title = f"Open assessment: {questionnaire.answered}/{len(questionnaire.slots)} answered"
        if to_confirm := len(questionnaire.unconfirmed()):
            title += f", {to_confirm} carried to confirm"
        if verified := len(questionnaire.verified):
            title += f", {verified} verified from user lists"
        self._update("#progress", title, table)

    def _show_plan(self) -> None:
        self.query_one("#next-steps").display = self.session.current() is not None
        if self.session.current() is None:
            self._update("#plan", "Plan", Text("Answer the questions to get a plan."))
            return
        assessed = self.attempt(self.session.assessed, "Could not score the assessment")
        if assessed is None:
            return
        open_entries = self.session.open_entries(assessed.plan)
        table = Table.grid(padding=(0, 1))
        for horizon, label in HORIZONS.items():
            count = sum(entry.horizon == horizon for entry in open_entries)
            table.add_row(Text(f"{count:>3}"), Text(label))
        capacity = assessed.plan.capacity
        table.add_row(Text(""), Text(capacity.brief, style="dim"))
        if capacity.over_budget_note:
            table.add_row(Text("!", style="bold"), Text(capacity.over_budget_note, style="bold"))
        self._update("#plan", f"Open fixes: {len(open_entries)}", table)
        self._update("#next-steps", "Next steps (top of the plan)", _next_steps(open_entries[:5]))

    def _show_due(self) -> None:
        due = self.session.next_due()
        if due is None:
            text = Text("Complete your first assessment; then re-assess every quarter.")
        elif due < self.session.today():
            text = Text.assemble(("OVERDUE", "bold reverse"), f" since {due}: start a new one (n)")
        else:
            days = (due - self.session.today()).days
            text = Text(f"{due} ({'today' if days == 0 else f'in {days} days'})")
        self._update("#due", "Next quarterly re-assessment", text)

    def _update(self, selector: str, title: str, body: RenderableType) -> None:
        self.query_one(selector, Static).update(Group(Text(title, style="bold"), body))

    # Actions -------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "continue": self.action_continue,
            "new": self.action_new,
            "results": self.action_results,
            "plan-button": self.action_plan,
            "history": self.action_history,
            "export": self.action_export,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def action_noop(self) -> None:
        """Escape on the dashboard stays here (quit is ctrl+q)."""

    def action_continue(self) -> None:
        if self.session.open_assessment() is None:
            self.notify("No assessment is open: press n to start one.")
            return
        self.pdpa.go("assessment")

    def action_new(self) -> None:
        if self.session.open_assessment() is not None:
            self.notify("An assessment is already open: continuing it.")
        elif self.attempt(self.session.start_assessment, "Could not start") is None:
            return
        self.pdpa.go("assessment")

    def action_results(self) -> None:
        if self._has_assessment():
            self.pdpa.go("results")

    def action_plan(self) -> None:
        if self._has_assessment():
            self.pdpa.go("plan")

    def action_history(self) -> None:
        self.pdpa.go("history")

    def action_export(self) -> None:
        if self._has_assessment():
            self.pdpa.open_export()

    def action_profile(self) -> None:
        self.pdpa.go("profile")

    def action_kit(self) -> None:
        self.pdpa.go("kit")

    def action_organisations(self) -> None:
        from pdpa_check.tui.screens.orgs import OrganisationsScreen

        def chosen(org_id: int | None) -> None:
            if org_id is not None:
                self.session.choose(org_id)
                self.refresh_view()

        self.app.push_screen(OrganisationsScreen(), chosen)

    def _has_assessment(self) -> bool:
        if self.session.current() is None:
            self.notify("Nothing to show yet: press n to start an assessment.")
            return False
        return True


def _next_steps(entries: list[PlanEntry]) -> Text:
    """The first open plan entries, one line each: uplift first so the numbers line up."""
    lines = Text(no_wrap=True, overflow="ellipsis")
    for entry in entries:
        lines.append(f"{f'+{entry.uplift:.1f}':>5} ")
        lines.append("CRIT " if entry.critical else "", style="bold")
        lines.append(for_output(entry.title) + "\n")
    lines.rstrip()
    return lines or Text("Nothing open: well done.")


def _progress_table(progress: list[DomainProgress]) -> Table:
    table = Table.grid(padding=(0, 1))
    for item in progress:
        table.add_row(
            Text(for_output(item.domain.title), overflow="ellipsis", no_wrap=True),
            bar(item.answered, item.applicable, width=10),
            Text(f"{item.answered}/{item.applicable}"),
        )
    return table
