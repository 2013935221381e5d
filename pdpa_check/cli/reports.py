"""`pdpa-check score` and `history`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from pdpa_check.cli.base import Context, cli, handled, pass_ctx
from pdpa_check.cli.output import console, plain
from pdpa_check.store.db import StoreError

if TYPE_CHECKING:
    from pdpa_check.services.session import Session
    from pdpa_check.services.workspace import Assessed


def assessed_for(ctx: Context, assessment_id: int | None) -> tuple[Session, Assessed]:
    """The session and the chosen (default: current) assessment, scored and planned."""
    session = ctx.session(show_demo_if_none=True)
    row = (
        session.store.assessment(session.require_org().id, assessment_id) if assessment_id else None
    )
    if row is None and session.current() is None:
        raise StoreError("no assessment yet: start one with `pdpa-check assessment start`", 1)
    return session, session.assessed(row)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--assessment", "assessment_id", type=int, help="Assessment id (default: current).")
@pass_ctx
@handled
def score(ctx: Context, as_json: bool, assessment_id: int | None) -> None:
    """Show the readiness score, per area, with critical gaps.

    \b
    Example:
      pdpa-check score --json
    """
    session, assessed = assessed_for(ctx, assessment_id)
    if as_json:
        from pdpa_check.exports.structured import report_data

        data = report_data(session.report(redact=True, row=assessed.assessment))
        keys = (
            "demo",
            "organisation",
            "assessment",
            "score",
            "notices",
            "domains",
            "findings",
            "cyber_essentials",
            "upcoming",
        )
        click.echo(json.dumps({key: data[key] for key in keys}, indent=2, ensure_ascii=False))
        return
    from pdpa_check.scoring.rounding import shown_score
    from pdpa_check.scoring.wording import failing_systems, summary_text

    result, bank = assessed.result, assessed.bank
    out = console()
    status = "completed" if assessed.assessment.completed_at else "in progress"
    out.print(
        plain(f"{assessed.profile.name}: assessment {assessed.assessment.id} ({status})", "bold")
    )
    headline = Text(f"Readiness score {shown_score(result.score)} / 100: ", style="bold")
    headline.append(result.band.name, style="bold")
    out.print(headline)
    if result.capped_by:
        failing = failing_systems(result.question(result.capped_by))
        capped = plain(
            f"Capped from {result.uncapped_band.name} by a failed critical control: "
            f"{summary_text(bank.question(result.capped_by), failing)}"
        )
        out.print(capped)
    for notice in result.notices:
        out.print(plain(f"Check: {notice}"))
    table = Table("Area", "Weight", "Score", "Answered", "Points lost")
    for domain in result.domains:
        shown = "n/a" if domain.score is None else str(shown_score(domain.score))
        table.add_row(
            plain(domain.title),
            str(domain.weight),
            shown,
            f"{domain.answered}/{domain.applicable}",
            f"{domain.points_lost:.1f}",
        )
    out.print(table)
    for qid in result.critical_failures:
        outcome = result.question(qid)
        out.print(plain(f"CRITICAL GAP: {summary_text(bank.question(qid))} {outcome.reason}"))
    out.print(
        f'Answered {result.answered} of {result.applicable}; {result.unknown} "Don\'t know"; '
        f"{result.unanswered} not answered; confidence {result.confidence:.0%}."
    )
    _print_measures_and_upcoming(assessed)
    out.print("A readiness indicator, not legal advice or a certification.", style="dim")


def _print_measures_and_upcoming(assessed: Assessed) -> None:
    """The indicative Cyber Essentials tally and the obligations coming but not scored."""
    from pdpa_check.scoring.measures import assess_measures, maps_measures, tally

    out = console()
    if maps_measures(assessed.bank):
        count = tally(assess_measures(assessed.bank, assessed.result))
        out.print(f"Cyber Essentials (indicative): {count.line()}.")
        out.print(
            "  A self-check against CSA's measures, not a certification; CSA-appointed "
            "certification bodies assess the mark.",
            style="dim",
        )
    for entry in assessed.bank.upcoming:
        out.print(plain(f"Coming, not scored: {entry.title}: {' '.join(entry.text.split())}"))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@pass_ctx
@handled
def history(ctx: Context, as_json: bool) -> None:
    """Past assessments with their scores and each score's change from the one before.

    \b
    Example:
      pdpa-check history --json
    """
    from pdpa_check.exports.history import BAND_NAMES, history_data, history_entries
    from pdpa_check.scoring.rounding import shown_score

    session = ctx.session(show_demo_if_none=True)
    org, rows, due = session.require_org(), session.assessments(), session.next_due()
    if as_json:
        data = history_data(org, rows, due, session.today(), demo=session.demo)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table(
        "ID",
        "Started",
        "Completed",
        "Bank",
        "Score",
        "Change",
        "Band",
        title=plain(f"Assessments of {org.name}"),
    )
    for entry in history_entries(rows):
        row = entry.row
        table.add_row(
            str(row.id),
            row.started_at[:10],
            row.completed_at[:10] if row.completed_at else "open",
            plain(f"{row.bank_id} {row.bank_version}"),
            "" if row.score is None else str(shown_score(row.score)),
            "" if entry.change is None else f"{entry.change:+d}",
            BAND_NAMES.get(row.band or "", row.band or ""),
        )
    out = console()
    out.print(table)
    if due is not None:
        late = "  OVERDUE: start a new assessment" if due < session.today() else ""
        out.print(Text(f"Next quarterly re-assessment due {due}{late}"))
