"""Atomic file writing: temp file in the target folder, fsync, os.replace.

The target is never opened directly, so a symlink there is replaced rather
than followed, and a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import tempfile
import time
from pathlib import Path

from pdpa_check.support.fsutil import fsync_folder, private_mkdir
from pdpa_check.support.text import slug

_TEMP_PREFIX = ".pdpa-check-"


class ExportError(Exception):
    """Writing failed; the message says what to do. Nothing was changed.

    `exit_code` is 1 for a fault while writing and 2 for a target the user
    should not have chosen (a device, a FIFO, a folder...).
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_stem(org_name: str, on: dt.date, kind: str = "pdpa-plan") -> str:
    """`<org-slug>-<kind>-<date>`, always a plain name with no folders."""
    return f"{slug(org_name)}-{kind}-{on.isoformat()}"


def default_filename(org_name: str, on: dt.date, suffix: str, kind: str = "pdpa-plan") -> str:
    """`<org-slug>-<kind>-<date>.<suffix>`: the plan's by default, or a kit document's."""
    return f"{file_stem(org_name, on, kind)}.{suffix}"


def ensure_folder(folder: Path, *, create: bool) -> None:
    """`folder` ready to write into, created private (0700) when missing if `create`."""
    if create and not folder.exists():
        try:
            private_mkdir(folder)
        except OSError as error:  # a FolderError: its message names the folder
            raise ExportError(str(error)) from None
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder: move it away or choose another.")
    if not folder.is_dir():
        raise ExportError(f"{folder}: folder does not exist. Create it or choose another folder.")


def write_new_files(folder: Path, stem: str, documents: list[tuple[str, str]]) -> list[Path]:
    """Write each (suffix, content) as `stem[-n].suffix` into `folder`, never over a file.

    The folder is created private when missing; a number is added to the name
    when a file of that name (for any of the suffixes) is already there.
    """
    ensure_folder(folder, create=True)
    number = 1
    while True:
        name = stem if number == 1 else f"{stem}-{number}"
        targets = [folder / f"{name}.{suffix}" for suffix, _ in documents]
        if not any(t.exists() or t.is_symlink() for t in targets):
            break
        number += 1
    return [
        write_atomic(target, content)
        for target, (_, content) in zip(targets, documents, strict=True)
    ]


def write_atomic(target: Path, content: str, *, force: bool = False) -> Path:
    """Write `content` to `target` as a whole (0600), refusing to overwrite without force."""
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"{folder}: folder does not exist; create it or choose another")
    check_target(target, force=force)
    data = content.encode("utf-8")
    clean_leftovers(folder)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(f"{folder}: cannot write here: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        check_target(target, force=force)  # again: it may have changed while writing
        temp.replace(target)  # atomic rename (os.replace)
    except (OSError, ExportError) as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, ExportError):
            raise
        raise ExportError(f"{target}: cannot write: {error.strerror}") from None
    fsync_folder(folder)
    return target


def check_target(target: Path, *, force: bool) -> None:
    """Refuse a target that is not a regular file (with or without force), or exists unforced.

    A symbolic link is never followed: it is replaced, and only with force.
    """
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ExportError(f"{target}: cannot check it: {error.strerror}") from None
    if stat.S_ISLNK(mode):
        if not force:
            raise ExportError(f"{target}: is a symbolic link; use --force to replace the link")
        return
    for is_kind, kind in _KINDS:
        if is_kind(mode):
            raise ExportError(
                f"{target}: is {kind}, not a regular file; it is never replaced (give a file name)",
                2,
            )
    if not stat.S_ISREG(mode):
        raise ExportError(f"{target}: is not a regular file; it is never replaced", 2)
    if not force:
        raise ExportError(f"{target}: already exists; use --force to replace it")


# A temp file this old is a leftover from a write that was killed, not one in progress.
LEFTOVER_AGE_SECONDS = 600


def leftovers(folder: Path, *, older_than: float = LEFTOVER_AGE_SECONDS) -> list[Path]:
    """Our temp files in `folder` left behind by a killed write (plain files only)."""
    now = time.time()
    found = []
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{_TEMP_PREFIX}*.tmp"):
            with contextlib.suppress(OSError):
                info = path.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                    found.append(path)
    return sorted(found)


def clean_leftovers(folder: Path) -> None:
    """Remove leftovers of killed writes before writing in `folder` again."""
    for path in leftovers(folder):
        with contextlib.suppress(OSError):
            path.unlink()
