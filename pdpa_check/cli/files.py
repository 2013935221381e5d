"""`-o FILE|DIR` and `--force` for every command that writes a document."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from pdpa_check.session import Session

F = TypeVar("F", bound=Callable[..., Any])

MAX_INPUT_BYTES = 5 * 1024 * 1024  # no honest answers, vendor or facts file comes near this


def read_input_file(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input file, or one InputError line (folder, unreadable, too big).

    Opened without blocking (a FIFO is refused, never waited on) and read
    through that one descriptor, so the size checked is the size read.
    """
    from pdpa_check.cli.base import InputError

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give the file to read") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise InputError(f"{path}: is {kind}; give the file to read")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror}") from None
    if len(data) > limit:
        size = max(info.st_size, len(data)) / (1024 * 1024)
        raise InputError(
            f"{path} is {size:.1f} MB; import files are limited to {limit // (1024 * 1024)} MB"
        )
    return data


def output_options(func: F) -> F:
    """Add `-o/--output FILE|DIR` (as `output_arg`) and `--force` to a command."""
    func = click.option("--force", is_flag=True, help="Replace the output file if it exists.")(func)
    return click.option(
        "-o",
        "--output",
        "output_arg",
        type=str,
        help="File to write, or a folder for the default file name. Default: print.",
    )(func)


def emit(content: str, output_arg: str | None, default_name: str, *, force: bool) -> None:
    """Print `content`, or write it (0600, atomically) to a file; a folder gets `default_name`."""
    from pdpa_check.exports.writer import write_atomic

    if output_arg is None:
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
