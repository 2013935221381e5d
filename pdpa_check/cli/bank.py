"""`pdpa-check bank validate|schema|list|coverage`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich import box
from rich.table import Table

from pdpa_check.cli.base import EXIT_BAD_INPUT, Context, cli, echo_problems, handled, pass_ctx
from pdpa_check.cli.output import console, json_option, plain, print_json


@cli.group()
def bank() -> None:
    """Check, describe and list question banks.

    \b
    Example:
      pdpa-check bank validate my-bank.toml
    """


@bank.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Count warnings (weights that rank a fix above a critical one) as problems.",
)
@handled
def bank_validate(paths: tuple[Path, ...], strict: bool) -> None:
    """Report every problem in the given bank files (exit 2 if any), and any warnings.

    \b
    Example:
      pdpa-check bank validate my-bank.toml --strict
    """
    from pdpa_check.questionnaires.loader import bank_file_warnings, check_bank_files

    problems = check_bank_files(list(paths))
    warnings = bank_file_warnings(list(paths))
    if strict:
        problems, warnings = problems + warnings, []
    if problems:
        count = echo_problems(problems)
        click.echo(f"{count} problem(s) found", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    if warnings:
        echo_problems(warnings)
    suffix = f", {len(warnings)} warning(s)" if warnings else ""
    click.echo(f"{len(paths)} file(s) OK{suffix}")


@bank.command("schema")
@click.option("--schedule", is_flag=True, help="The schema of the breach Schedule file instead.")
@click.option("--platforms", is_flag=True, help="The schema of the platform catalogue instead.")
@click.option(
    "--user-lists", is_flag=True, help="The schema of the user-list formats catalogue instead."
)
def bank_schema(schedule: bool, platforms: bool, user_lists: bool) -> None:
    """Print the JSON Schema of bank files (for editors such as Taplo).

    \b
    Example:
      pdpa-check bank schema --platforms > platforms.schema.json
    """
    from pydantic import BaseModel

    from pdpa_check.questionnaires.model import Bank
    from pdpa_check.questionnaires.platforms import Catalogue
    from pdpa_check.questionnaires.schedule import Schedule
    from pdpa_check.questionnaires.user_list_formats import FormatCatalogue

    model: type[BaseModel] = Bank
    for chosen, other in (
        (schedule, Schedule),
        (platforms, Catalogue),
        (user_lists, FormatCatalogue),
    ):
        model = other if chosen else model
    click.echo(json.dumps(model.model_json_schema(), indent=2))


@bank.command("platforms")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@handled
def bank_platforms(path: Path | None) -> None:
    """List the platform catalogue: each platform's kind and the controls it has steps for.

    With PATH, check that catalogue file instead (exit 2 naming each problem).

    \b
    Example:
      pdpa-check bank platforms
    """
    from pdpa_check.questionnaires.loader import read_input_file
    from pdpa_check.questionnaires.platforms import CONTROLS, builtin_catalogue, read_catalogue

    catalogue = (
        builtin_catalogue() if path is None else read_catalogue(read_input_file(path), str(path))
    )
    table = Table(show_edge=False, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in ("Platform", "Kind", "MFA", "Users", "Roles", "Log", "Remove", "Apps"):
        table.add_column(column, no_wrap=True)
    for platform in catalogue.platforms:
        facts = [platform.fact(control) for control in CONTROLS]
        table.add_row(
            platform.name,
            platform.kind,
            *(fact.can.replace("partly", "part") if fact else "-" for fact in facts),
        )
    console().print(table)
    click.echo(
        "MFA; Users: named accounts; Roles: roles and export rights; Log: activity log; "
        "Remove: removing a user; Apps: "
        "connected apps. yes: an admin can set it for everyone; part: per user, on some "
        "plans or with limits; no: not offered; -: not on file (the plan's general steps apply)"
    )


@bank.command("list")
@json_option
@pass_ctx
def bank_list(ctx: Context, as_json: bool) -> None:
    """List the built-in banks and your own, with any problems.

    \b
    Example:
      pdpa-check bank list --json
    """
    from pdpa_check.questionnaires.loader import installed_banks
    from pdpa_check.questionnaires.weights import ranking_warnings

    if as_json:
        banks = [
            {
                "id": entry.bank.id if entry.bank else entry.path.stem,
                "version": entry.bank.version if entry.bank else None,
                "questions": len(entry.bank.questions) if entry.bank else None,
                "source": "built-in" if entry.builtin else str(entry.path),
                "status": "ok" if entry.bank else "broken",
                "warnings": len(ranking_warnings(entry.bank)) if entry.bank else 0,
                "problems": list(entry.problems),
            }
            for entry in installed_banks(ctx.user_banks)
        ]
        print_json("banks", {"banks": banks, "your_banks_folder": str(ctx.user_banks)})
        if any(bank["status"] == "broken" for bank in banks):
            raise SystemExit(EXIT_BAD_INPUT)
        return
    table = Table("Bank", "Version", "Questions", "Source", "Status")
    broken = warned = 0
    for entry in installed_banks(ctx.user_banks):
        source = "built-in" if entry.builtin else str(entry.path)
        if entry.bank is None:
            broken += 1
            table.add_row(
                entry.path.stem, "", "", plain(source), plain(f"BROKEN: {entry.problems[0]}")
            )
        else:
            warnings = len(ranking_warnings(entry.bank))
            warned += bool(warnings)
            table.add_row(
                entry.bank.id,
                entry.bank.version,
                str(len(entry.bank.questions)),
                plain(source),
                f"ok, {warnings} warning(s)" if warnings else "ok",
            )
    console().print(table)
    click.echo(f"Your own banks go in {ctx.user_banks}")
    if warned:
        click.echo(
            f"{warned} bank(s) have warnings; `pdpa-check bank validate` on the file shows them",
            err=True,
        )
    if broken:
        click.echo(
            f"{broken} bank file(s) could not be loaded; run `pdpa-check bank validate` on them",
            err=True,
        )
        raise SystemExit(EXIT_BAD_INPUT)


@bank.command("coverage")
@click.option("--bank", "bank_id", help="Question bank id (default: the built-in bank).")
@pass_ctx
@handled
def bank_coverage(ctx: Context, bank_id: str | None) -> None:
    """Print the bank's coverage table as Markdown: questions, references, measures.

    \b
    Example:
      pdpa-check bank coverage > coverage.md
    """
    from pdpa_check.exports.coverage import render_coverage
    from pdpa_check.services.workspace import default_bank, find_bank

    chosen = find_bank(bank_id, ctx.user_banks) if bank_id else default_bank(ctx.user_banks)
    click.echo(render_coverage(chosen), nl=False)
