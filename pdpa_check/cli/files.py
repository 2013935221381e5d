"""`-o FILE|DIR` and `--force` for every command that writes a document."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from pdpa_check.services.session import Session

F = TypeVar("F", bound=Callable[..., Any])


def import_options(func: F) -> F:
    """Add FILE (`-` for standard input), `--yes` and `--other-org` to a command that reads a
    file back in."""
    func = click.option(
        "--other-org",
        is_flag=True,
        help="Take a file written for another organisation as meant for this one.",
    )(func)
    func = click.option("--yes", is_flag=True, help="Apply without asking (for scripts).")(func)
    return click.argument("file", type=click.Path(path_type=Path))(func)


def confirmed(yes: bool, question: str, *, refused: str) -> bool:
    """True to go ahead: `--yes`, or the owner says so on a terminal.

    Off a terminal without `--yes`, InputError starting with `refused` ("not applied").
    """
    from pdpa_check.cli.base import InputError

    if yes:
        return True
    if not sys.stdin.isatty():
        raise InputError(f"{refused}: confirm on a terminal, or run again with --yes")
    if click.confirm(question, default=False):
        return True
    click.echo("Nothing was changed.")
    return False


STDOUT = "-"  # as a file to write: standard output (`loader.STDIN` for a file read)


def output_options(func: F) -> F:
    """Add `-o/--output FILE|DIR` (as `output_arg`) and `--force` to a command."""
    func = click.option("--force", is_flag=True, help="Replace the output file if it exists.")(func)
    return click.option(
        "-o",
        "--output",
        "output_arg",
        type=click.Path(),  # a path, so the shell completes file names
        help="File to write, a folder for the default file name, or - to print. Default: print.",
    )(func)


def emit(content: str, output_arg: str | None, default_name: str, *, force: bool) -> None:
    """Print `content` (no `-o`, or `-o -`), or write it (0600, atomically) to a file; a folder
    gets `default_name`."""
    from pdpa_check.exports.writer import write_atomic

    if output_arg is None or output_arg == STDOUT:
        click.echo(content, nl=False)
        return
    output = Path(output_arg)
    if output.is_dir() or output_arg.endswith(("/", os.sep)):
        output = output / default_name
    written = write_atomic(output, content, force=force)
    click.echo(f"Wrote {written} (readable only by you)", err=True)


def file_name(session: Session, kind: str, suffix: str) -> str:
    """The default name of a kit document for the session's organisation, dated today."""
    from pdpa_check.exports.writer import default_filename

    return default_filename(session.profile.name, session.today(), suffix, kind)
