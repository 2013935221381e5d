"""`kit notify`, `kit notice`, `kit incidents` and `kit template`: working through one incident.

`kit notify` prints (or writes) the notifiability record and saves the
incident; `kit notice` drafts the customer notice from a facts file or the
latest recorded incident. The record goes to stdout and a one-line summary to
stderr, so `kit notify --facts f.toml > record.md` keeps just the record.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pdpa_check.cli.base import (
    Context,
    InputError,
    handled,
    pass_ctx,
    writes,
)
from pdpa_check.cli.files import emit, file_name, output_options
from pdpa_check.cli.kit import kit
from pdpa_check.cli.output import json_option
from pdpa_check.support.dates import EARLIEST
from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from pdpa_check.kit.facts import IncidentFacts, Tri, Verdict
    from pdpa_check.services.session import Session
    from pdpa_check.store.kit import IncidentRow

TRI_KEYS: dict[str, Tri] = {"y": "yes", "n": "no", "u": "unknown"}
F = TypeVar("F", bound=Callable[..., Any])


def _facts_option(func: F) -> F:
    return click.option(
        "--facts",
        "facts_file",
        type=click.Path(path_type=Path),
        help="Incident facts file (TOML; `pdpa-check kit template` writes one to fill in).",
    )(func)


@writes
@kit.command("notify")
@_facts_option
@click.option("--format", "fmt", type=click.Choice(["md", "toml"]), default="md", show_default=True)
@output_options
@click.option("--no-save", is_flag=True, help="Do not record the incident in the database.")
@pass_ctx
@handled
def notify(
    ctx: Context,
    facts_file: Path | None,
    fmt: str,
    output_arg: str | None,
    force: bool,
    no_save: bool,
) -> None:
    """Is the breach notifiable, and by when? Prints the record to keep and saves the incident.

    Give the facts in a file (--facts), or answer a few questions on a terminal.
    Guidance for a first decision, not legal advice.

    \b
    Example:
      pdpa-check kit notify --facts incident.toml
    """
    from pdpa_check.exports.kit.notify import render_record_markdown, render_record_toml
    from pdpa_check.kit.facts import notifiability

    # Never the demo by default: a record for a real incident must name your organisation.
    session = ctx.session()
    facts = _read_facts(facts_file, session.today())
    verdict = notifiability(facts)
    for warning in verdict.warnings:
        click.echo(f"Warning: {warning}", err=True)
    render = render_record_toml if fmt == "toml" else render_record_markdown
    content = render(session.kit_context(), facts, verdict)
    emit(content, output_arg, file_name(session, "incident-record", fmt), force=force)
    saved = None if no_save or ctx.demo else session.save_incident(facts)
    click.echo(_summary(verdict, saved, demo=ctx.demo), err=True)


@kit.command("notice")
@_facts_option
@click.option("--incident", "incident_id", type=int, help="Recorded incident (default: latest).")
@output_options
@pass_ctx
@handled
def notice(
    ctx: Context,
    facts_file: Path | None,
    incident_id: int | None,
    output_arg: str | None,
    force: bool,
) -> None:
    """Draft the notice to customers from the facts (default: the latest recorded incident).

    \b
    Example:
      pdpa-check kit notice --incident 1 -o .
    """
    from pdpa_check.exports.kit.notice import render_notice_markdown
    from pdpa_check.kit.facts import LEGACY_CONFINED_WARNING
    from pdpa_check.kit.facts_file import load_facts_file

    if facts_file is not None and incident_id is not None:
        raise InputError("give --facts or --incident, not both")
    session = ctx.session(show_demo_if_none=True)
    if facts_file is not None:
        facts = load_facts_file(facts_file, session.today())
        if facts.kind_assumed:
            click.echo(f"Warning: {LEGACY_CONFINED_WARNING}", err=True)
    else:
        row = _recorded(session, incident_id)
        click.echo(for_output(f"Drafting from incident #{row.id}: {row.facts.title}"), err=True)
        facts = row.facts
    content = render_notice_markdown(session.kit_context(), facts)
    emit(content, output_arg, file_name(session, "customer-notice", "md"), force=force)


@kit.command("incidents")
@json_option
@pass_ctx
@handled
def incidents(ctx: Context, as_json: bool) -> None:
    """The incidents recorded with `kit notify`, newest first.

    \b
    Example:
      pdpa-check kit incidents --json
    """
    from rich.table import Table

    from pdpa_check.cli.output import console, plain, print_json
    from pdpa_check.kit.facts import notifiability

    session = ctx.session(show_demo_if_none=True)
    rows = session.incidents()
    if as_json:
        listed = []
        for row in rows:
            verdict = notifiability(row.facts)
            pdpc_by = verdict.pdpc_by.isoformat() if verdict.pdpc_by else None
            listed.append(
                {
                    "id": row.id,
                    "opened_at": row.opened_at,
                    "updated_at": row.updated_at,
                    "title": row.facts.title,
                    "outcome": verdict.outcome,
                    "verdict": verdict.words,
                    "pdpc_by": pdpc_by,
                    "deadline": _deadline(row.facts, verdict),
                }
            )
        print_json("incidents", {"incidents": listed})
        return
    if not rows:
        click.echo("No incidents recorded. Record one with `pdpa-check kit notify`.")
        return
    table = Table("ID", "Opened", "Title", "Verdict", "PDPC deadline")
    for row in rows:
        verdict = notifiability(row.facts)
        table.add_row(
            str(row.id),
            row.opened_at[:10],
            plain(row.facts.title),
            verdict.words,
            _deadline(row.facts, verdict),
        )
    console().print(table)


@kit.command("template")
@output_options
@handled
def template(output_arg: str | None, force: bool) -> None:
    """An incident facts file to fill in, for `kit notify --facts` and `kit notice --facts`.

    \b
    Example:
      pdpa-check kit template -o incident.toml
    """
    from pdpa_check.kit.facts_file import facts_template

    today = dt.date.today()
    emit(facts_template(today), output_arg, f"incident-facts-{today.isoformat()}.toml", force=force)


# Helpers ---------------------------------------------------------------------------


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _read_facts(facts_file: Path | None, today: dt.date) -> IncidentFacts:
    from pdpa_check.kit.facts_file import load_facts_file

    if facts_file is not None:
        return load_facts_file(facts_file, today)
    if not _stdin_is_terminal():
        raise InputError(
            "no facts given: pass --facts FILE (`pdpa-check kit template` writes one to fill"
            " in), or run on a terminal to answer the questions"
        )
    return _wizard(today)


def _recorded(session: Session, incident_id: int | None) -> IncidentRow:
    rows = session.incidents()
    if not rows:
        raise InputError(
            "no incident recorded yet: record one with `pdpa-check kit notify`,"
            " or pass --facts FILE"
        )
    if incident_id is None:
        return rows[0]
    for row in rows:
        if row.id == incident_id:
            return row
    raise InputError(f"no incident #{incident_id} (see `pdpa-check kit incidents`)")


def _deadline(facts: IncidentFacts, verdict: Verdict) -> str:
    if verdict.pdpc_by is not None:
        return f"no later than {verdict.pdpc_by.isoformat()}"
    if facts.assessed_on is None and verdict.outcome in ("likely", "unclear"):
        return "starts when you decide"
    return "none on these facts"


def _summary(verdict: Verdict, saved: int | None, *, demo: bool) -> str:
    if verdict.pdpc_by is not None:
        clock = f"notify PDPC no later than {verdict.pdpc_by.isoformat()}."
    elif verdict.outcome in ("likely", "unclear"):
        clock = "the PDPC clock starts on the day you decide it is notifiable: record that date."
    else:
        clock = "no PDPC deadline on these facts."
    if saved is not None:
        where = f"Recorded as incident #{saved}."
    else:
        where = "Not recorded (demo organisation)." if demo else "Not recorded (--no-save)."
    return f"{verdict.words}; {clock} {where}"


# The wizard ------------------------------------------------------------------------


def _wizard(today: dt.date) -> IncidentFacts:
    """A few questions on the terminal (prompts on stderr, so stdout stays the record)."""
    from pdpa_check.kit.facts import CONFINED_QUESTION, IncidentFacts
    from pdpa_check.questionnaires.schedule import QUESTION_KEYS, builtin_schedule

    click.echo(
        "A few questions about the breach. Answer y (yes), n (no) or u (not known).", err=True
    )
    found = (
        _ask_date("When did you first learn of the breach? (YYYY-MM-DD)", today, today, EARLIEST)
        or today
    )
    assessed = _ask_date(
        "When did you decide it is notifiable? (YYYY-MM-DD, blank: not yet)",
        latest=today,
        earliest=found,
    )
    kind = _ask_kind()
    schedule = builtin_schedule()
    data = {key: _ask_tri(schedule.question(key).text) for key in QUESTION_KEYS}
    affected = _ask_count("How many people are affected? (a number, blank: not known)")
    verified = affected is not None and click.confirm(
        "Is that number checked (not an estimate)?", default=False, err=True
    )
    confined: Tri = _ask_tri(CONFINED_QUESTION) if kind == "internal" else "unknown"
    return IncidentFacts.model_validate(
        {
            "discovered_on": found,
            "assessed_on": assessed,
            "kind": kind,
            **data,
            "affected": affected,
            "affected_verified": verified,
            "confined": confined,
        }
    )


def _ask_kind() -> str:
    """What happened, chosen by number from the incident kinds."""
    from pdpa_check.kit.facts import INCIDENT_KINDS

    keys = list(INCIDENT_KINDS)
    for number, key in enumerate(keys, 1):
        click.echo(f"  {number}. {INCIDENT_KINDS[key]}", err=True)
    choice: str = click.prompt(
        "What happened? (a number)",
        type=click.Choice([str(n) for n in range(1, len(keys) + 1)]),
        default=str(len(keys)),
        err=True,
    )
    return keys[int(choice) - 1]


def _ask_tri(question: str) -> Tri:
    answer: str = click.prompt(question, type=click.Choice(list(TRI_KEYS)), default="u", err=True)
    return TRI_KEYS[answer]


def _ask_date(
    question: str,
    default: dt.date | None = None,
    latest: dt.date | None = None,
    earliest: dt.date | None = None,
) -> dt.date | None:
    """A date between `earliest` and `latest`; blank gives `default`."""
    from pdpa_check.support.dates import DateError, parse_date

    def convert(raw: str) -> dt.date | None:
        if not raw.strip():
            return default
        try:
            day = parse_date(raw)
        except DateError as error:
            raise click.UsageError(str(error)) from None
        if earliest is not None and day < earliest:
            raise click.UsageError(f"this cannot be before {earliest.isoformat()}")
        if latest is not None and day > latest:
            raise click.UsageError(f"this cannot be after today ({latest.isoformat()})")
        return day

    shown = default.isoformat() if default else ""
    value: dt.date | None = click.prompt(
        question, default=shown, show_default=bool(shown), value_proc=convert, err=True
    )
    return value


def _ask_count(question: str) -> int | None:
    def convert(raw: str) -> int | None:
        text = raw.strip().replace(",", "")
        if not text:
            return None
        if not text.isdigit() or int(text) > 100_000_000:
            raise click.UsageError("give a whole number of people, or leave it blank")
        return int(text)

    value: int | None = click.prompt(
        question, default="", show_default=False, value_proc=convert, err=True
    )
    return value
