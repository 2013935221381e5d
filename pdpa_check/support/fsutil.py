"""File-system helpers shared by the store and the exporters."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (best effort where unsupported)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def no_follow() -> int:
    """`os.O_NOFOLLOW` (never open through a symbolic link) where the platform has it.

    Windows has no such flag; read at each call, so the fallback can be tested anywhere.
    """
    return getattr(os, "O_NOFOLLOW", 0)


def create_private(path: Path) -> None:
    """Create `path` as a new, empty file only its owner can read (refused if it exists)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | no_follow(), 0o600))


class FolderError(OSError):
    """A folder pdpa-check needs could not be created; the message names it (exit 1)."""

    exit_code = 1


def private_mkdir(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700 (existing ones are left alone).

    A folder that cannot be made (read-only home, no permission, full disk) is
    a FolderError naming it.
    """
    try:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for parent in reversed(missing):
            try:
                parent.mkdir(mode=0o700)
            except FileExistsError:
                continue
            parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    except OSError as error:
        where = Path(error.filename) if error.filename else folder
        raise FolderError(
            f"{where}: cannot create the folder {folder} ({error.strerror}). Nothing was "
            "lost; make sure you can write in its parent folder, or choose another place"
        ) from None
