"""`pdpa-check diff [A] [B]`: what changed between two assessments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from rich.table import Table
from rich.text import Text

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx
from pdpa_check.cli.output import console, json_option, plain, print_json

if TYPE_CHECKING:
    from pdpa_check.scoring.result import PlanItem
    from pdpa_check.services.changes import Changes


@cli.command()
@click.argument("before_id", metavar="[A]", type=int, required=False)
@click.argument("after_id", metavar="[B]", type=int, required=False)
@json_option
@pass_ctx
@handled
def diff(ctx: Context, before_id: int | None, after_id: int | None, as_json: bool) -> None:
    """Show what changed from assessment A to B (default: the last two completed).

    With one id, compares it with the latest completed assessment. Score, band,
    per-area deltas, every changed answer, critical gaps opened or closed, and
    plan items completed or added.

    \b
    Example:
      pdpa-check diff 3 5 --json
    """
    import datetime as dt

    from pdpa_check.services.changes import answer_line, changes_between, overdue_items, summary
    from pdpa_check.services.workspace import assess

    store = ctx.store(show_demo_if_none=True)
    org = store.find_organisation(ctx.org_ref)
    rows = store.assessments(org.id)
    done = [row for row in rows if row.completed_at is not None]
    if before_id is None:
        if len(done) < 2:
            raise InputError("diff needs two completed assessments (or give two ids)")
        before_row, after_row = done[-2], done[-1]
    else:
        before_row = store.assessment(org.id, before_id)
        if after_id is None and not done:
            raise InputError("no completed assessment to compare with; give two ids")
        after_row = store.assessment(org.id, after_id) if after_id is not None else done[-1]
    before = assess(store, org, before_row, ctx.user_banks, warn=ctx.warn)
    after = assess(store, org, after_row, ctx.user_banks, warn=ctx.warn)
    changes = changes_between(before, after)
    late = overdue_items(after, store.plan_states(org.id), dt.date.today())
    if as_json:
        print_json("diff", _diff_data(changes, summary(changes, overdue=len(late))))
        return

    out = console()
    out.print(
        plain(
            f"{org.name}: assessment {before_row.id} ({before_row.started_at[:10]}) → "
            f"{after_row.id} ({after_row.started_at[:10]})",
            "bold",
        )
    )
    for line in summary(changes, overdue=len(late)):
        out.print(plain(f"- {line}"))
    out.print(_domain_table(changes))
    if changes.comparison.answers:
        out.print(Text("Answers that changed", style="bold"))
        for change in changes.comparison.answers:
            out.print(plain(f"  {answer_line(changes, change.question_id, change.system_key)}"))
    for label, items in (
        ("Plan items completed", changes.items_completed),
        ("Plan items added", changes.items_added),
    ):
        if items:
            out.print(Text(label, style="bold"))
            for item in items:
                where = f" ({item.system_name})" if item.system_name else ""
                out.print(plain(f"  {item.id}: {item.action.title}{where}"))


def _diff_data(changes: Changes, lines: list[str]) -> dict[str, Any]:
    """The comparison as data: the same as the printed form, with stable ids."""
    from pdpa_check.scoring.rounding import shown_score_tenths

    before, after = changes.before, changes.after

    def score(value: float | None) -> float | None:
        return None if value is None else shown_score_tenths(value)

    def items(chosen: tuple[PlanItem, ...]) -> list[dict[str, Any]]:
        return [
            {"id": i.id, "title": i.action.title, "system": i.system_key or None} for i in chosen
        ]

    return {
        "organisation": after.org.name,
        "before": {"id": before.assessment.id, "score": score(before.result.score)},
        "after": {"id": after.assessment.id, "score": score(after.result.score)},
        "summary": lines,
        "domains": [
            {
                "id": d.domain_id,
                "title": d.title,
                "before": score(d.before),
                "after": score(d.after),
            }
            for d in changes.comparison.domains
        ],
        "answers": [
            {
                "question": c.question_id,
                "system": c.system_key or None,
                "before": c.before,
                "after": c.after,
            }
            for c in changes.comparison.answers
        ],
        "items_completed": items(changes.items_completed),
        "items_added": items(changes.items_added),
    }


def _domain_table(changes: Changes) -> Table:
    from pdpa_check.scoring.rounding import shown_change, shown_score

    table = Table("Area", "Before", "After", "Change", title="By area")
    for domain in changes.comparison.domains:
        before, after = domain.before, domain.after
        table.add_row(
            plain(domain.title),
            "n/a" if before is None else str(shown_score(before)),
            "n/a" if after is None else str(shown_score(after)),
            "" if before is None or after is None else f"{shown_change(before, after):+d}",
        )
    return table
