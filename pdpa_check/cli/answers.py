"""`pdpa-check assessment ...`, `answer`, and `answers export|import`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx, writes
from pdpa_check.cli.files import STDOUT, confirmed, import_options
from pdpa_check.questionnaires.answers_file import summarise_import
from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from pdpa_check.services.session import AnswersImportPreview


@cli.group()
def assessment() -> None:
    """Start and complete assessments.

    \b
    Example:
      pdpa-check assessment start
    """


@writes
@assessment.command("start")
@click.option("--bank", "bank_id", help="Question bank id (default: the built-in bank).")
@pass_ctx
@handled
def assessment_start(ctx: Context, bank_id: str | None) -> None:
    """Start a new assessment for the organisation.

    \b
    Example:
      pdpa-check assessment start
    """
    session = ctx.session()
    if (open_row := session.open_assessment()) is not None:
        raise InputError(f"assessment {open_row.id} is still open; complete it first")
    q = session.start_assessment(bank_id)
    new_id, bank, carried = q.row.id, q.bank, len(q.answers)
    click.echo(
        f"Started assessment {new_id} ({bank.id} {bank.version})"
        + (f"; {carried} answers carried from last time, to confirm" if carried else "")
    )


@writes
@assessment.command("complete")
@click.option("--yes", is_flag=True, help="Complete without asking (for scripts).")
@pass_ctx
@handled
def assessment_complete(ctx: Context, yes: bool) -> None:
    """Complete the open assessment: record its score, bring the plan in line, back up.

    When answers carried from last time are not confirmed yet, says how many and
    asks first (`--yes` for scripts; off a terminal without it, nothing is done).

    \b
    Example:
      pdpa-check assessment complete
    """
    session = ctx.session()
    if session.open_assessment() is None:
        raise InputError("no open assessment to complete")
    carried = len(session.questionnaire().unconfirmed())  # the count the app shows
    if carried:
        are = (
            "answers carried from last time are"
            if carried != 1
            else "answer carried from last time is"
        )
        unconfirmed = f"{carried} {are} not confirmed yet"
        click.echo(
            f"{unconfirmed}: confirm them in the app (ctrl+o confirms an area), by answering "
            "again, or with `pdpa-check answers import FILE --confirm`."
        )
        if not confirmed(
            yes, "Complete the assessment anyway?", refused=f"not completed ({unconfirmed})"
        ):
            return
    assessed = session.complete_assessment()  # the same path the app takes
    from pdpa_check.scoring.rounding import shown_score

    click.echo(
        f"Completed assessment {assessed.assessment.id}: "
        f"{shown_score(assessed.result.score)} / 100, "
        f"{assessed.result.band.name}"
    )


@writes
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
    """Answer one question in the open assessment (starting one if needed).

    \b
    Example:
      pdpa-check answer acc-mfa yes --system shopify --evidence "screenshot of the staff list"
    """
    from pdpa_check.questionnaires.answers_file import AnswerEntry, InvalidAnswer

    entry = AnswerEntry(
        question=question_id, system=system_key, value=value, note=note, evidence=evidence
    )
    try:
        _key, saved, row_id = ctx.session().answer_question(entry)
    except InvalidAnswer as error:
        raise InputError(f"question {question_id!r}: {error}") from None
    if saved is None:
        click.echo(f"Cleared {question_id}")
    else:
        shown = f"{question_id}/{system_key}" if system_key else question_id
        click.echo(f"Saved {shown} = {saved.value} (assessment {row_id})")


@cli.group()
def answers() -> None:
    """Export answers to a TOML file, or import them back.

    \b
    Example:
      pdpa-check answers export answers.toml
    """


@answers.command("export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_ctx
@handled
def answers_export(ctx: Context, file: Path, force: bool) -> None:
    """Write every question to FILE (- prints it) with its answer ("" = not answered).

    Follow-up questions are in the file from the start, each with the answer it
    waits for (`asked_if`); answers carried from last time say so (`carried`).

    \b
    Example:
      pdpa-check answers export answers.toml
    """
    from pdpa_check.exports.writer import write_atomic

    content, slots = ctx.session(show_demo_if_none=True).answers_file()
    if str(file) == STDOUT:
        click.echo(content, nl=False)
        return
    write_atomic(file, content, force=force)
    follow_ups = sum(
        1 for slot in slots if slot.question.applies_if and slot.question.applies_if.answer
    )
    click.echo(
        f"Wrote {len(slots)} answers to fill in or change to {file}"
        + (f" ({follow_ups} of them follow-ups: see each one's asked_if)" if follow_ups else "")
    )


@writes
@answers.command("import")
@import_options
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

    \b
    Example:
      pdpa-check answers import answers.toml --confirm
    """
    from pdpa_check.questionnaires.loader import input_name, read_input_file

    data = read_input_file(file)
    session = ctx.session()
    source = input_name(file)
    preview = session.read_answers_import(data, source, other_org=other_org, confirm=confirm)
    _preview(source, preview)
    if preview.update.empty:
        click.echo("Nothing to import: every answer in the file is already stored.")
        return
    if not confirmed(yes, "Import these answers?", refused="not imported"):
        return
    row_id, backup = session.apply_answers_import(preview)
    click.echo(
        f"Imported into assessment {row_id} of {for_output(preview.org.name)}: "
        f"{summarise_import(preview.update)}"
        + (f". Backup of the answers before: {backup}" if backup else "")
    )
    if now := preview.update.now_asked:
        shown = ", ".join(
            f"{s.question.id}/{s.system.key}" if s.system else s.question.id for s in now
        )
        click.echo(
            f"{len(now)} question{'s now apply' if len(now) != 1 else ' now applies'} because "
            f"of these answers, not answered yet: {shown}. Export the answers file again, or "
            "answer them in the app."
        )


def _preview(source: str, preview: AnswersImportPreview) -> None:
    """Say which organisation and assessment the file changes, and each change to an answer."""
    from pdpa_check.questionnaires.answers_file import describe_import

    update, into = preview.update, preview.into
    where = (
        f"assessment {into.id}"
        if into is not None
        else "a new assessment (the latest one is completed)"
    )
    org = for_output(preview.org.name)
    click.echo(f"{source} -> {org}, {where}: {summarise_import(update)}")
    if preview.named is not None and (into is None or preview.named != into.id):
        click.echo(f"  (the file was exported from assessment {preview.named})")
    for line in describe_import(update):
        click.echo(f"  {line}")
    for line in update.unplaced:
        click.echo(f"  Not imported: {for_output(line)}")
