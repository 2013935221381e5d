"""`pdpa-check plan`: export the plan, send items to the vendor and take their file back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx, writes
from pdpa_check.cli.files import confirmed, emit, import_options
from pdpa_check.cli.output import console, plain
from pdpa_check.store.db import StoreError

if TYPE_CHECKING:
    from pdpa_check.exports.document import Report
    from pdpa_check.scoring.result import Plan


@cli.group(invoke_without_command=True)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "toml", "json"]), default="md", show_default=True
)
@click.option(
    "-o",
    "--output",
    "output_arg",
    type=click.Path(),  # a path, so the shell completes file names
    help="File to write, a folder for the default file name, or - to print. Default: print.",
)
@click.option("--redact", is_flag=True, help="Leave out internal notes and evidence.")
@click.option(
    "--full",
    is_flag=True,
    help="Markdown: every item in full detail (default: This month in full, the rest in a table).",
)
@click.option(
    "--for-vendor",
    is_flag=True,
    help="TOML of the items your IT vendor can do and the questions to answer (redacted).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--assessment", "assessment_id", type=int, help="Assessment id (default: current).")
@click.option(
    "--month-budget",
    "month_hours",
    type=click.FloatRange(1, 744),
    default=None,
    metavar="HOURS",
    help="Hours of plan work a month for this run (default: config.toml's "
    "plan_month_hours, else 16 h up to 10 staff, 8 h more per further 10, at most 80).",
)
@click.pass_context
@handled
def plan(
    click_ctx: click.Context,
    fmt: str,
    output_arg: str | None,
    redact: bool,
    full: bool,
    for_vendor: bool,
    force: bool,
    assessment_id: int | None,
    month_hours: float | None,
) -> None:
    """The prioritised remediation plan as Markdown, TOML or JSON.

    One entry per fix, across your systems. Critical fixes go in This month;
    the rest fill This month, This quarter and Next quarter up to a monthly
    effort budget (--month-budget), and what does not fit goes to Later.
    `plan --format toml --for-vendor -o FILE` writes the file to send to your
    IT vendor; `plan import FILE` reads their filled-in copy back.

    \b
    Example:
      pdpa-check plan --format md -o .
    """
    ctx: Context = click_ctx.obj
    ctx.month_hours = month_hours
    if click_ctx.invoked_subcommand is not None:
        return
    if full and fmt != "md":
        raise InputError("--full goes with --format md (TOML and JSON always hold everything)")
    if for_vendor:
        if fmt != "toml" or assessment_id is not None:
            raise InputError("--for-vendor goes with --format toml, for the current plan")
        session = ctx.session(show_demo_if_none=True)
        emit(
            session.vendor_file(),
            output_arg,
            _default_name(session.profile.name, "vendor.toml"),
            force=force,
        )
        return
    session = ctx.session(show_demo_if_none=True)
    row = (
        session.store.assessment(session.require_org().id, assessment_id) if assessment_id else None
    )
    if row is None and session.current() is None:
        raise StoreError("no assessment yet: start one with `pdpa-check assessment start`", 1)
    report = session.report(redact=redact, row=row)
    emit(
        _rendered(report, fmt, full=full),
        output_arg,
        _default_name(report.profile.name, fmt),
        force=force,
    )


def _rendered(report: Report, fmt: str, *, full: bool) -> str:
    """The report in `fmt`; only that format's renderer is loaded."""
    if fmt == "md":
        from pdpa_check.exports.markdown import render_markdown

        return render_markdown(report, full=full)
    from pdpa_check.exports.structured import render_json, render_toml

    return render_toml(report) if fmt == "toml" else render_json(report)


def _default_name(org_name: str, suffix: str) -> str:
    from pdpa_check.exports.writer import default_filename

    return default_filename(org_name, dt.date.today(), suffix)


@writes
@plan.command("import")
@import_options
@pass_ctx
@handled
def plan_import(ctx: Context, file: Path, yes: bool, other_org: bool) -> None:
    """Read the vendor's filled-in file back: check it, show the changes, apply on confirmation.

    Nothing is applied if anything in the file is wrong; each problem is listed
    with the item it concerns. Applying the same file twice changes nothing.

    \b
    Example:
      pdpa-check plan import vendor-reply.toml
    """
    from pdpa_check.exports.vendor import preview
    from pdpa_check.questionnaires.loader import input_name, read_input_file

    data = read_input_file(file)
    session = ctx.session()
    source = input_name(file)
    update = session.read_vendor_update(data, source, other_org=other_org)
    if update.empty:
        click.echo(f"{source}: nothing to change (already applied, or nothing filled in).")
        return
    out = console()
    out.print(plain(f"{source} would change:", "bold"))
    for line in preview(update):
        out.print(plain(f"  {line}"))
    if not confirmed(yes, "Apply these changes?", refused="not applied"):
        return
    session.apply_vendor_update(update, source)
    changes = len(update.items) + len(update.answers)
    click.echo(f"Applied {changes} change(s) from {Path(source).name}.")


@writes
@plan.command("set")
@click.argument("item_id")
@click.option(
    "--system",
    "system_key",
    default=None,
    help="Only this system of the entry (its key, e.g. shopify; '' for the org-wide part).",
)
@click.option(
    "--status", type=click.Choice(["open", "in_progress", "done", "accepted_risk"]), default=None
)
@click.option("--owner", default=None, help="Who does it.")
@click.option("--due", "due_date", default=None, help="Due date, YYYY-MM-DD ('' clears it).")
@click.option("--reason", default=None, help="Why the risk is accepted (accepted_risk).")
@click.option("--accepted-by", default=None, help="Who accepted the risk (accepted_risk).")
@click.option("--review", "review_date", default=None, help="When to review an accepted risk.")
@pass_ctx
@handled
def plan_set(
    ctx: Context,
    item_id: str,
    system_key: str | None,
    status: str | None,
    owner: str | None,
    due_date: str | None,
    reason: str | None,
    accepted_by: str | None,
    review_date: str | None,
) -> None:
    """Set a plan entry's status, owner or due date, on every system of it or on one.

    ITEM_ID is an entry (e.g. enforce-mfa: all its systems) or one system's item
    (enforce-mfa/shopify, or the entry with --system shopify). Accepted risk needs
    a reason and a review date.

    \b
    Example:
      pdpa-check plan set enforce-mfa --system shopify --status done
    """
    from pdpa_check.support.dates import DateError, check_plan, parse_date
    from pdpa_check.support.text import TextError, clean_name

    session = ctx.session()
    targets = _targets(session.assessed().plan, item_id, system_key)
    for label, day in (("--due", due_date), ("--review", review_date)):
        if day:
            try:
                parsed = parse_date(day)
            except DateError as error:
                raise InputError(f"{label}: not a date: {error}") from None
            try:
                check_plan(parsed, session.today())  # within ten years: a sane due or review
            except DateError as error:
                raise InputError(f"{label}: {error}") from None
    states = session.plan_states()
    if status == "accepted_risk" and not all(
        (reason or (s and s.risk_reason)) and (review_date or (s and s.review_date))
        for s in (states.get(target) for target in targets)
    ):
        raise InputError("accepted_risk needs --reason and --review (a date to look again)")
    try:
        fields = {
            "status": status,
            "owner": clean_name(owner) if owner is not None else None,
            "due_date": due_date,
            "risk_reason": clean_name(reason) if reason is not None else None,
            "risk_accepted_by": clean_name(accepted_by) if accepted_by is not None else None,
            "review_date": review_date,
        }
    except TextError as error:
        raise InputError(str(error)) from None
    changes = {
        key: (value or None) if key.endswith("date") else value
        for key, value in fields.items()
        if value is not None
    }
    if not changes:
        raise InputError("nothing to set: give --status, --owner, --due or the risk options")
    session.update_plan_items(targets, **changes)
    click.echo(
        f"Updated {', '.join(targets)}: "
        + ", ".join(f"{k} = {v or '(none)'}" for k, v in changes.items())
    )


def _targets(plan: Plan, ref: str, system_key: str | None) -> list[str]:
    """The item ids `ref` (and `--system`) mean, or InputError naming what exists."""
    items = plan.targets(ref)
    if not items:
        raise InputError(f"no plan item {ref!r} in the current plan (see `pdpa-check plan`)")
    if system_key is None:
        return [item.id for item in items]
    chosen = [item.id for item in items if item.system_key == system_key]
    if not chosen:
        systems = ", ".join(repr(item.system_key) for item in items)
        raise InputError(f"--system: {ref!r} has no system {system_key!r} (it has {systems})")
    return chosen
