"""Results: the score, each area's score, the critical gaps, where every point went, and the
indicative Cyber Essentials tally (with obligations coming but not scored).

Pick an area (up/down + enter, or a click) to see its questions with the
points each one lost and why. "Don't know" is always labelled as such, never
shown as "No". On a narrow terminal the area details replace the overview
until escape; on a wide one they sit beside it.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from pdpa_check.questionnaires.answers import describe_value
from pdpa_check.questionnaires.model import NOT_APPLICABLE, UNKNOWN, Question
from pdpa_check.scoring.measures import assess_measures, maps_measures, tally
from pdpa_check.scoring.result import DomainResult, QuestionResult, Result, SlotResult
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.scoring.wording import failing_systems, summary_text
from pdpa_check.services.workspace import Assessed
from pdpa_check.support.text import for_output
from pdpa_check.tui.screens.base import BaseScreen
from pdpa_check.tui.widgets.bars import score_bar
from pdpa_check.tui.widgets.footer import KeysFooter

DONT_KNOW = "Don't know"
# Widest area title in the list before it is cut with an ellipsis.
TITLE_WIDTH = 28


def safe(text: str, style: str = "") -> Text:
    """User or bank text as literal Rich text (sanitised, never markup)."""
    return Text(for_output(text), style=style)


class ResultsScreen(BaseScreen):
    """The current assessment's score, explained."""

    CSS_PATH = "results.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("a", "toggle_all", "Full marks", id="results.all"),
        Binding("p", "plan", "Plan", id="results.plan"),
        Binding("e", "export", "Export", id="results.export"),
    ]

    def __init__(self) -> None:
        super().__init__(id="results")
        self.assessed_now: Assessed | None = None
        self.show_all = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="columns"):
            with VerticalScroll(id="overview"):
                yield Static(id="heading", classes="title")
                yield Static(id="summary", classes="section")
                yield OptionList(id="domains", classes="section")
                yield Static(id="critical", classes="section")
                yield Static(id="measures", classes="section")
                yield Static(id="upcoming", classes="muted")
            with VerticalScroll(id="detail", classes="section"):
                yield Static(id="detail-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        summary_box = self.query_one("#summary")
        summary_box.border_title = "Readiness score"
        summary_box.border_subtitle = "an indicator, not legal advice"
        measures_box = self.query_one("#measures")
        measures_box.border_title = "Cyber Essentials (indicative)"
        measures_box.border_subtitle = "a self-check, not a certification"
        self.query_one("#upcoming").styles.padding = (0, 1)
        domains = self.query_one("#domains", OptionList)
        domains.border_title = "Areas: ↑↓ and enter for details"
        domains.border_subtitle = "score · answered · points lost"
        self.query_one("#detail").border_title = "Area details (a: full marks)"
        self.refresh_view()
        domains.focus(scroll_visible=False)

    def on_screen_resume(self) -> None:
        self.refresh_view()

    # Showing the result ---------------------------------------------------

    def refresh_view(self) -> None:
        """Score the current assessment again and show it."""
        if self.session.org is None or self.session.current() is None:
            self._show_nothing("No assessment yet: start one from the dashboard (n).")
            return
        assessed = self.attempt(self.session.assessed, "Could not score the assessment")
        if assessed is None:
            self._show_nothing("The assessment could not be scored; see the message.")
            return
        self.assessed_now = assessed
        self._update("#heading", heading(assessed))
        summary_text = summary(assessed)
        unconfirmed = self.attempt(lambda: self.session.unconfirmed(assessed.assessment), "")
        if unconfirmed:
            summary_text.append(
                f"\n{unconfirmed} answer(s) carried from last time, NOT CONFIRMED yet "
                "(confirm them in the assessment: ctrl+o per area)."
            )
        self._update("#summary", summary_text)
        self._show_measures(assessed)
        self._show_critical(assessed)
        self._show_domains(assessed.result)
        self._show_detail()

    def _show_nothing(self, message: str) -> None:
        self.assessed_now = None
        self._update("#heading", Text(message))
        for selector in ("#summary", "#measures", "#upcoming", "#critical", "#domains", "#detail"):
            self.query_one(selector).display = False

    def _show_measures(self, assessed: Assessed) -> None:
        """The Cyber Essentials tally, and the obligations coming but not scored (if any)."""
        box = self.query_one("#measures", Static)
        box.display = maps_measures(assessed.bank)
        if box.display:
            box.update(measures_summary(assessed))
        upcoming = self.query_one("#upcoming", Static)
        upcoming.display = bool(assessed.bank.upcoming)
        upcoming.update(upcoming_line(assessed))

    def _show_critical(self, assessed: Assessed) -> None:
        failures = assessed.result.critical_failures
        widget = self.query_one("#critical", Static)
        widget.border_title = f"Critical gaps: {len(failures)}"
        widget.set_class(bool(failures), "-gaps")
        widget.update(critical_gaps(assessed))

    def _show_domains(self, result: Result) -> None:
        domains = self.query_one("#domains", OptionList)
        keep = domains.highlighted
        width = min(TITLE_WIDTH, max((len(d.title) for d in result.domains), default=10))
        domains.set_options(Option(domain_row(d, width), id=d.domain_id) for d in result.domains)
        if result.domains:
            domains.highlighted = keep if keep is not None and keep < len(result.domains) else 0

    def _show_detail(self) -> None:
        domain = self.selected_domain()
        if self.assessed_now is None or domain is None:
            self._update("#detail-body", Text("Pick an area to see its questions."))
            return
        self._update("#detail-body", domain_detail(self.assessed_now, domain, self.show_all))
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def selected_domain(self) -> DomainResult | None:
        """The area highlighted in the list."""
        index = self.query_one("#domains", OptionList).highlighted
        if self.assessed_now is None or index is None:
            return None
        domains = self.assessed_now.result.domains
        return domains[index] if index < len(domains) else None

    def _update(self, selector: str, content: RenderableType) -> None:
        self.query_one(selector, Static).update(content)

    # Events and actions ---------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._show_detail()
        self.add_class("-open")
        self.query_one("#detail", VerticalScroll).focus()

    def action_back(self) -> None:
        """Close the area details first; from the overview, back to the dashboard."""
        if self.has_class("-open"):
            self.remove_class("-open")
            self.query_one("#domains", OptionList).focus()
            return
        super().action_back()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self._show_detail()
        shown = "shown" if self.show_all else "hidden"
        self.notify(f"Questions with full marks are {shown}.", timeout=3)

    def action_plan(self) -> None:
        if self.assessed_now is not None:
            self.pdpa.go("plan")

    def action_export(self) -> None:
        if self.assessed_now is not None:
            self.pdpa.open_export()


# What the widgets show (pure functions of the assessment) -------------------


def heading(assessed: Assessed) -> Text:
    row = assessed.assessment
    if row.completed_at:
        status = f"completed {row.completed_at[:10]}"
    else:
        status = f"IN PROGRESS (started {row.started_at[:10]})"
    return Text.assemble(
        safe(assessed.profile.name), f" · assessment #{row.id} · ", (status, "bold")
    )


def summary(assessed: Assessed) -> Text:
    result = assessed.result
    text = Text.assemble(
        (str(shown_score(result.score)), "bold"),
        " / 100  ",
        score_bar(result.score, width=20),
        "  ",
        (f" {result.band.name.upper()} ", "bold reverse"),
    )
    if result.capped_by:
        question = assessed.bank.question(result.capped_by)
        failing = failing_systems(result.question(result.capped_by))
        text.append("\n")
        text.append_text(
            Text.assemble(
                ("Band capped", "bold"),
                f" (the average alone is {result.uncapped_band.name}) by a failed critical "
                "control: ",
                safe(summary_text(question, failing)),
            )
        )
    text.append(
        f"\nAnswered {result.answered} of {result.applicable}  ·  "
        f"{result.unknown} {DONT_KNOW}  ·  {result.unanswered} not answered"
        f"\nConfidence {result.confidence:.0%} (answers other than {DONT_KNOW})"
    )
    if verified := len(assessed.verified):
        text.append(f"\n{verified} answer(s) verified from a user list; the rest are your own word")
    if maps_measures(assessed.bank):
        count = tally(assess_measures(assessed.bank, assessed.result))
        text.append("\nCyber Essentials (indicative): ", style="bold")
        text.append(f"{count.met} of {count.total} measures met")
    if not assessed.assessment.completed_at:
        text.append("\nIn progress: ", style="bold")
        text.append("unanswered questions score 0 until answered.")
    for notice in result.notices:
        text.append("\nCheck: ", style="bold")
        text.append_text(safe(notice))
    return text


def measures_summary(assessed: Assessed) -> Text:
    """`4 of 9 measures met`, then the measures not met and not assessed, by id and title."""
    count = tally(assess_measures(assessed.bank, assessed.result))
    text = Text.assemble(
        (f"{count.met} of {count.total} measures met", "bold"),
        f"  ·  {count.assessed} assessed",
    )
    if count.not_met:
        text.append("\nNot met: ", style="bold")
        text.append(", ".join(m.label for m in count.not_met))
    if count.not_assessed:
        text.append("\nNot assessed: ", style="bold")
        text.append(", ".join(m.label for m in count.not_assessed))
        text.append(" (no applicable question)", style="dim")
    return text


def upcoming_line(assessed: Assessed) -> Text:
    """`Coming, not scored: Data portability (Part 6B)`: titles only, in one line."""
    titles = [entry.title for entry in assessed.bank.upcoming]
    return Text.assemble(("Coming, not scored: ", "bold"), safe("; ".join(titles)))


def critical_gaps(assessed: Assessed) -> RenderableType:
    result = assessed.result
    if not result.critical_failures:
        return Text("✓ None: every critical control is in place.")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=1, no_wrap=True)
    table.add_column(ratio=1)
    for question_id in result.critical_failures:
        outcome = result.question(question_id)
        question = assessed.bank.question(question_id)
        table.add_row(
            Text("✗", style="bold"),
            Text.assemble(
                safe(summary_text(question)), (f"  −{outcome.points_lost:.1f} pts", "bold")
            ),
        )
        table.add_row("", safe(outcome.reason, "dim"))
    return table


def domain_row(domain: DomainResult, title_width: int) -> Text:
    """One line of the area list: title, bar, score ("n/a" when nothing scored), counts."""
    title = safe(domain.title)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    score = "n/a" if domain.score is None else str(shown_score(domain.score))
    answered = f"{domain.answered}/{domain.applicable}"
    lost = f"−{domain.points_lost:.1f}" if domain.points_lost >= 0.05 else "0"
    return Text.assemble(
        title,
        " ",
        score_bar(domain.score, width=10),
        (f" {score:>3}", "bold"),
        f" {answered:>5} {lost:>5}",
        no_wrap=True,
        overflow="ellipsis",
    )


def domain_detail(assessed: Assessed, domain: DomainResult, show_all: bool) -> RenderableType:
    """An area's questions: points lost, why, and each system's answer."""
    mine = [q for q in assessed.result.questions if q.domain_id == domain.domain_id]
    unknown = sum(s.value == UNKNOWN for q in mine for s in q.slots if s.credit is not None)
    score = "n/a (nothing scored)" if domain.score is None else f"{shown_score(domain.score)} / 100"
    parts: list[RenderableType] = [
        safe(domain.title, "bold"),
        Text(
            f"Score {score}  ·  {domain.answered} of {domain.applicable} answered  ·  "
            f"{unknown} {DONT_KNOW}  ·  {domain.points_lost:.1f} points lost"
        ),
    ]
    gaps = sorted((q for q in mine if q.points_lost > 0), key=lambda q: -q.points_lost)
    others = [q for q in mine if q.points_lost <= 0]
    for outcome in gaps:
        parts += [Text(""), *question_block(assessed, outcome)]
    if not gaps:
        parts += [Text(""), Text("✓ No points lost in this area.")]
    if show_all:
        for outcome in others:
            parts += [Text(""), *question_block(assessed, outcome)]
    elif others:
        count = len(others)
        parts += [
            Text(""),
            Text(
                f"{count} more question{'s' * (count != 1)} with full marks or not "
                "applicable: press a to show them.",
                style="dim",
            ),
        ]
    return Group(*parts)


def question_block(assessed: Assessed, outcome: QuestionResult) -> list[RenderableType]:
    """Points, the question, and each answer with its mark and the owner's note."""
    question = assessed.bank.question(outcome.question_id)
    rows = Table.grid(padding=(0, 1), expand=True)
    rows.add_column(width=1, no_wrap=True)
    rows.add_column(ratio=1)
    rows.add_row("", safe(question.text))
    single = len(outcome.slots) == 1 and outcome.slots[0].system_name is None
    if single:
        slot = outcome.slots[0]
        rows.add_row(_mark(slot), safe(outcome.reason))
        _add_note(rows, assessed, question, slot)
    else:
        counted = [s for s in outcome.slots if s.credit is not None]
        covered = sum(1 for s in counted if s.credit == 1.0)
        rows.add_row("", Text(f"{covered} of {len(counted)} systems covered"))
        for slot in outcome.slots:
            name = safe(slot.system_name or "")
            rows.add_row(_mark(slot), Text.assemble(name, ": ", _label(question, slot)))
            _add_note(rows, assessed, question, slot)
    heading = Text.assemble(_points(outcome), (" · CRITICAL" if outcome.critical else "", "bold"))
    return [heading, Padding(rows, (0, 0, 0, 1))]


def _points(outcome: QuestionResult) -> Text:
    if outcome.not_applicable:
        return Text("– Not applicable: not scored", style="bold")
    if outcome.points_lost <= 0:
        return Text(f"✓ Full marks ({outcome.max_points:.1f} pts)", style="bold")
    return Text(f"−{outcome.points_lost:.1f} of {outcome.max_points:.1f} pts lost", style="bold")


def _mark(slot: SlotResult) -> Text:
    """A symbol for the slot's outcome; don't-know gets its own, never the "No" cross."""
    if slot.value is None:
        return Text("·")
    if slot.value == UNKNOWN:
        return Text("?", style="bold")
    if slot.value == NOT_APPLICABLE or slot.credit is None:
        return Text("–")
    if slot.credit >= 1.0:
        return Text("✓")
    return Text("✗" if slot.credit <= 0.0 else "◐")


def _label(question: Question, slot: SlotResult) -> Text:
    if slot.value is None:
        return Text("not answered yet (scores 0)")
    if slot.value == UNKNOWN:
        return Text(f"{DONT_KNOW} (scores 0 until someone checks)")
    return safe(describe_value(question, slot.value))


def _add_note(rows: Table, assessed: Assessed, question: Question, slot: SlotResult) -> None:
    mark = assessed.verified.get((question.id, slot.system_key))
    if mark is not None:
        rows.add_row(
            "", safe(f"Verified from {mark.file_name} ({mark.format} of {mark.file_date})")
        )
    answer = assessed.answers.get((question.id, slot.system_key))
    if answer is not None and answer.note:
        rows.add_row("", Text.assemble(("Note: ", "italic"), safe(answer.note), style="dim"))
