"""`pdpa-check evidence import|list|forget`: answers checked against a platform's user list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx, writes
from pdpa_check.cli.files import confirmed
from pdpa_check.cli.output import json_option, print_json
from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from pdpa_check.services.user_lists import UserListPreview


@cli.group()
def evidence() -> None:
    """Check answers against a platform's own list of users (MFA, leavers, admins).

    \b
    Example:
      pdpa-check evidence import users.csv
    """


@writes
@evidence.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--system", "system_key", help="The profile's system the list is for (its key, see org show)."
)
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
@click.option(
    "--dormant-days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Days without a sign-in after which an account counts as dormant (default 90).",
)
@pass_ctx
@handled
def evidence_import(
    ctx: Context, file: Path, system_key: str | None, yes: bool, dormant_days: int | None
) -> None:
    """Read a user list, show the answers it supports, and apply them on confirmation.

    Understands Google Workspace's user download, Microsoft Entra's user registration
    details and a generic CSV you fill in (email or name, mfa, admin, last_sign_in, and
    optionally left and shared). Applied answers are marked as verified from the file;
    the names of the people behind each gap go to the plan's checklist, never to the
    vendor file or a redacted export. The file itself is not kept.

    \b
    Example:
      pdpa-check evidence import staff.csv --system shopify
    """
    session = ctx.session()
    preview = session.read_user_list(file, system_key=system_key, dormant_days=dormant_days)
    _show(file, preview)
    if not any(item.applies for item in preview.answers):
        from pdpa_check.questionnaires.user_list_formats import UserListError

        raise UserListError([f"{file}: the list supports no answer to change: nothing applied"])
    if not confirmed(yes, "Apply these answers?", refused="not applied"):
        return
    row_id, backup = session.apply_user_list(preview)
    applied = sum(1 for item in preview.answers if item.applies)
    click.echo(
        f"Applied {applied} answer(s) to assessment {row_id}, marked verified from"
        f" {for_output(preview.found.file_name)}"
        + (f". Backup of the answers before: {backup}" if backup else "")
    )
    if preview.found.checklist:
        click.echo("The names to chase are on the plan's checklist: `pdpa-check plan`.")


def _show(file: Path, preview: UserListPreview) -> None:
    """Where the list lands, what it shows (counts only) and each proposed answer."""
    where = f"assessment {preview.into.id}" if preview.into else "a new assessment"
    click.echo(f"{file} -> {for_output(preview.org.name)}, {where}")
    for line in preview.describe():
        click.echo(for_output(line))


@evidence.command("formats")
def evidence_formats() -> None:
    """The user lists understood: where each comes from and how to download it.

    \b
    Example:
      pdpa-check evidence formats
    """
    from pdpa_check.questionnaires.user_list_formats import builtin_formats

    for form in builtin_formats().formats:
        click.echo(f"{form.name} ({form.id})")
        source = f"{form.source}, {form.url}" if form.url else form.source
        click.echo(f"  Columns as described in: {source} (checked {form.checked})")
        click.echo(f"  How to get it: {form.download}")


@evidence.command("list")
@json_option
@pass_ctx
@handled
def evidence_list(ctx: Context, as_json: bool) -> None:
    """The user lists kept for the organisation: file, format, date and findings (no names).

    \b
    Example:
      pdpa-check evidence list --json
    """
    session = ctx.session(show_demo_if_none=True)
    lists = session.user_lists()
    if as_json:
        kept = [
            {
                "system": row.system_key,
                "file": row.verified.file_name,
                "format": row.verified.format,
                "date": row.verified.file_date,
                "read_at": row.read_at,
                "summary": row.summary.splitlines(),
                "names_kept": len(row.checklist),
            }
            for row in lists.values()
        ]
        print_json("user-lists", {"user_lists": kept})
        return
    if not lists:
        click.echo("No user list imported yet: `pdpa-check evidence import FILE`.")
        return
    for row in lists.values():
        mark = row.verified
        click.echo(
            f"{row.system_key}: {for_output(mark.file_name)} ({mark.format}, {mark.file_date});"
            f" {len(row.checklist)} name(s) on the checklist"
        )
        for line in row.summary.splitlines():
            click.echo(f"  {for_output(line)}")


@writes
@evidence.command("forget")
@click.argument("system_key")
@click.option("--yes", is_flag=True, help="Forget without asking (for scripts).")
@pass_ctx
@handled
def evidence_forget(ctx: Context, system_key: str, yes: bool) -> None:
    """Delete the names kept from a system's user list (its answers keep their mark).

    \b
    Example:
      pdpa-check evidence forget google-workspace
    """
    session = ctx.session()
    if system_key not in session.user_lists():
        raise InputError(f"no user list is kept for {system_key!r}")
    if not confirmed(yes, f"Forget the names from {system_key}'s list?", refused="not forgotten"):
        return
    session.forget_user_list(system_key)
    click.echo(f"Forgot the names from {system_key}'s user list.")
