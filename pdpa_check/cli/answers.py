"""`pdpa-check assessment ...`, `answer`, and `answers export|import`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx
from pdpa_check.store import AssessmentRow, OrganisationRow, Store
from pdpa_check.text import for_output

if TYPE_CHECKING:
    from pdpa_check.questionnaires.answers_file import AnswersImport, ParsedAnswers
    from pdpa_check.questionnaires.model import Bank


@dataclass
class Target:
    """Where new answers go: the open assessment, or a new one started only on save."""

    store: Store
    org: OrganisationRow
    row: AssessmentRow | None
    bank: Bank
    user_banks: Path | None

    def ensure_started(self) -> AssessmentRow:
        if self.row is None:
            from pdpa_check.workspace import start_assessment

            new_id = start_assessment(
                self.store, self.org.id, self.user_banks, bank_id=self.bank.id
            )
            self.row = self.store.assessment(self.org.id, new_id)
        return self.row


def answer_target(ctx: Context) -> Target:
    """The open assessment, or (when none is open) the bank a new one would use."""
    from pdpa_check.workspace import bank_of, default_bank

    store = ctx.store()
    org = store.find_organisation(ctx.org_ref)
    row = store.open_assessment(org.id)
    bank = bank_of(store, row, ctx.user_banks) if row else default_bank(ctx.user_banks)
    return Target(store, org, row, bank, ctx.user_banks)


@cli.group()
def assessment() -> None:
    """Start and complete assessments."""


@assessment.command("start")
@click.option("--bank", "bank_id", help="Question bank id (default: the built-in bank).")
@pass_ctx
@handled
def assessment_start(ctx: Context, bank_id: str | None) -> None:
    """Start a new assessment for the organisation."""
    from pdpa_check.workspace import default_bank, find_bank, start_assessment

    store = ctx.store()
    org = store.find_organisation(ctx.org_ref)
    if (open_row := store.open_assessment(org.id)) is not None:
        raise InputError(f"assessment {open_row.id} is still open; complete it first")
    bank = find_bank(bank_id, ctx.user_banks) if bank_id else default_bank(ctx.user_banks)
    new_id = start_assessment(store, org.id, ctx.user_banks, bank_id=bank.id)
    carried = len(store.answers(new_id))
    click.echo(
        f"Started assessment {new_id} ({bank.id} {bank.version})"
        + (f"; {carried} answers carried from last time, to confirm" if carried else "")
    )


@assessment.command("complete")
@pass_ctx
@handled
def assessment_complete(ctx: Context) -> None:
    """Complete the open assessment: record its score, bring the plan in line, back up."""
    session = ctx.session()
    if session.open_assessment() is None:
        raise InputError("no open assessment to complete")
    assessed = session.complete_assessment()  # the same path the app takes
    click.echo(
        f"Completed assessment {assessed.assessment.id}: {assessed.result.score:.0f} / 100, "
        f"{assessed.result.band.name}"
    )


@cli.command("answer")
@click.argument("question_id")
@click.argument("value")
@click.option("--system", "system_key", default="", help="System key, for per-system questions.")
@click.option("--note", default="", help="A note for yourself (left out of redacted exports).")
@click.option("--evidence", default="", help="Where the proof is (screenshot, ticket, file).")
@pass_ctx
@handled
def answer(
    ctx: Context, question_id: str, value: str, system_key: str, note: str, evidence: str
) -> None:
    """Answer one question in the open assessment (starting one if needed)."""
    from pdpa_check.questionnaires.answers_file import AnswerEntry, check_entry

    target = answer_target(ctx)
    entry = AnswerEntry(
        question=question_id, system=system_key, value=value, note=note, evidence=evidence
    )
    try:
        key, parsed = check_entry(entry, target.bank, target.store.profile(target.org.id))
    except ValueError as error:
        raise InputError(f"question {question_id!r}: {error}") from None
    row = target.ensure_started()
    if parsed is None:
        target.store.clear_answer(row.id, key)
        click.echo(f"Cleared {question_id}")
    else:
        target.store.save_answer(row.id, parsed)
        shown = f"{question_id}/{system_key}" if system_key else question_id
        click.echo(f"Saved {shown} = {parsed.value} (assessment {row.id})")
    ctx.session().sync_plan()  # the plan follows the answers


@cli.group()
def answers() -> None:
    """Export answers to a TOML file, or import them back."""


@answers.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_ctx
@handled
def answers_export(ctx: Context, file: Path, force: bool) -> None:
    """Write every applicable question and its answer to FILE ("" = not answered)."""
    from pdpa_check.exports.writer import write_atomic
    from pdpa_check.questionnaires.answers_file import Organisation, render_answers_file
    from pdpa_check.questionnaires.applicability import applicable_slots
    from pdpa_check.workspace import bank_of, default_bank

    store = ctx.store(show_demo_if_none=True)
    org = store.find_organisation(ctx.org_ref)
    row = store.current_assessment(org.id)
    bank = bank_of(store, row, ctx.user_banks) if row else default_bank(ctx.user_banks)
    profile = store.profile(org.id)
    stored = store.answers(row.id) if row else {}
    slots = applicable_slots(bank, profile, stored)
    into = Organisation(profile.name, org.uid)
    content = render_answers_file(bank, slots, stored, into, row.id if row else None)
    write_atomic(file, content, force=force)
    click.echo(f"Wrote {len(slots)} answers to fill in or change to {file}")


@answers.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")
@click.option(
    "--other-org",
    is_flag=True,
    help="Import a file written for another organisation into this one.",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="Also confirm answers carried from last time that the file gives unchanged.",
)
@pass_ctx
@handled
def answers_import(ctx: Context, file: Path, yes: bool, other_org: bool, confirm: bool) -> None:
    """Check every answer in FILE, show what would change, and import all of them or none.

    Answers go into the open assessment; if the latest one is completed, a new
    assessment is started for them. A blank value leaves the stored answer as
    it is; `value = "clear"` clears it. Before answers already given are changed
    or cleared, a verified backup is taken.
    """
    from pdpa_check.questionnaires.answers_file import (
        Organisation,
        check_organisation,
        parse_answers_file,
    )
    from pdpa_check.questionnaires.loader import read_input_file

    data = read_input_file(file)
    target = answer_target(ctx)
    profile = target.store.profile(target.org.id)
    parsed = parse_answers_file(data, str(file), target.bank, profile)
    header = parsed.header
    into = Organisation(profile.name, target.org.uid)
    check_organisation(
        str(file), header.organisation, header.organisation_id, into, other_org=other_org
    )
    update = _compare(target, parsed, confirm=confirm)
    _preview(file, target, header.assessment, update)
    if update.empty:
        click.echo("Nothing to import: every answer in the file is already stored.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("not imported: confirm on a terminal, or run again with --yes")
        if not click.confirm("Import these answers?", default=False):
            click.echo("Nothing was changed.")
            return
    _apply(target, update)
    ctx.session().sync_plan()  # the plan follows the answers


def _compare(target: Target, parsed: ParsedAnswers, *, confirm: bool) -> AnswersImport:
    """The import against what the target assessment holds (or will hold, once started)."""
    from pdpa_check.questionnaires.answers_file import compare_import

    store = target.store
    if target.row is not None:
        stored = store.answers(target.row.id)
        meta = store.answer_meta(target.row.id)
        carried = {key for key, about in meta.items() if about.carried}
        return compare_import(parsed, target.bank, stored, carried, confirm=confirm)
    # A new assessment will carry the last completed one's answers to confirm.
    done = [row for row in store.assessments(target.org.id) if row.completed_at is not None]
    last = store.answers(done[-1].id) if done else {}
    known = target.bank.questions_by_id
    carried_over = {key: answer for key, answer in last.items() if key[0] in known}
    return compare_import(parsed, target.bank, carried_over, set(carried_over), confirm=confirm)


def _preview(file: Path, target: Target, named: int | None, update: AnswersImport) -> None:
    """Say which organisation and assessment the file changes, and each change to an answer."""
    from pdpa_check.questionnaires.answers_file import describe_import, summarise_import

    org = for_output(target.org.name)
    where = (
        f"assessment {target.row.id}"
        if target.row is not None
        else "a new assessment (the latest one is completed)"
    )
    click.echo(f"{file} -> {org}, {where}: {summarise_import(update)}")
    if named is not None and (target.row is None or named != target.row.id):
        click.echo(f"  (the file was exported from assessment {named})")
    for line in describe_import(update):
        click.echo(f"  {line}")
    for line in update.unplaced:
        click.echo(f"  Not imported: {for_output(line)}")


def _apply(target: Target, update: AnswersImport) -> None:
    """Back up first when stored answers change, then import everything in one transaction."""
    from pdpa_check.store.backups import BEFORE_IMPORT, make_backup

    store = target.store
    backup = make_backup(store.conn, store.path, BEFORE_IMPORT) if update.touches_existing else None
    row = target.ensure_started()
    store.replace_answers(row.id, update.to_save(), update.to_clear())
    from pdpa_check.questionnaires.answers_file import summarise_import

    click.echo(
        f"Imported into assessment {row.id} of {for_output(target.org.name)}: "
        f"{summarise_import(update)}"
        + (f". Backup of the answers before: {backup}" if backup else "")
    )
