"""`pdpa-check assessment ...`, `answer`, and `answers export|import`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx
from pdpa_check.store import AssessmentRow, OrganisationRow, Store

if TYPE_CHECKING:
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
    """Complete the open assessment, recording its score."""
    from pdpa_check.workspace import assess

    store = ctx.store()
    org = store.find_organisation(ctx.org_ref)
    row = store.open_assessment(org.id)
    if row is None:
        raise InputError("no open assessment to complete")
    assessed = assess(store, org, row, ctx.user_banks)
    store.complete_assessment(row.id, assessed.result.score, assessed.result.band.id)
    from pdpa_check.store.backups import COMPLETED, auto_backup

    auto_backup(store, COMPLETED)
    click.echo(
        f"Completed assessment {row.id}: {assessed.result.score:.0f} / 100, "
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
    from pdpa_check.questionnaires.answers_file import render_answers_file
    from pdpa_check.questionnaires.applicability import applicable_slots
    from pdpa_check.workspace import bank_of, default_bank

    store = ctx.store(show_demo_if_none=True)
    org = store.find_organisation(ctx.org_ref)
    row = store.current_assessment(org.id)
    bank = bank_of(store, row, ctx.user_banks) if row else default_bank(ctx.user_banks)
    profile = store.profile(org.id)
    stored = store.answers(row.id) if row else {}
    slots = applicable_slots(bank, profile, stored)
    content = render_answers_file(bank, slots, stored, profile.name, row.id if row else None)
    write_atomic(file, content, force=force)
    click.echo(f"Wrote {len(slots)} answers to fill in or change to {file}")


@answers.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_ctx
@handled
def answers_import(ctx: Context, file: Path) -> None:
    """Check every answer in FILE against the bank; import all of them or none.

    Answers go into the open assessment; if the latest one is completed, a new
    assessment is started for them.
    """
    from pdpa_check.cli.files import read_input_file
    from pdpa_check.questionnaires.answers_file import parse_answers_file

    data = read_input_file(file)
    target = answer_target(ctx)
    parsed, cleared = parse_answers_file(
        data, str(file), target.bank, target.store.profile(target.org.id)
    )
    row = target.ensure_started()
    target.store.replace_answers(row.id, parsed, cleared)
    click.echo(
        f"Imported {len(parsed)} answers into assessment {row.id}"
        + (f", cleared {len(cleared)}" if cleared else "")
    )
