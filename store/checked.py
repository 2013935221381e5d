"""Skip the start-up integrity check when the file is exactly as a clean close left it.

`quick_check` reads the whole database, so on a large file it costs more than
the command itself. After a clean close, pdpa-check records the file's
identity (inode, size, modification and change times) in `<db>.checked`. The
next open skips `quick_check` only when there is no `-wal` file and all four
still match: anything that touched the file since (another program, a copy, a
crash mid-write, a restore) changes at least the change time, which no program
can set back, so the check runs again. `doctor` always checks in full.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from pdpa_check.support.fsutil import no_follow


def stamp_path(database: Path) -> Path:
    return database.with_name(database.name + ".checked")


def _identity(database: Path) -> list[int] | None:
    try:
        info = database.stat()
    except OSError:
        return None
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def unchanged_since_clean_close(database: Path) -> bool:
    """True when the file is byte-for-byte what the last clean close left."""
    if database.with_name(database.name + "-wal").exists():
        return False
    try:
        recorded = json.loads(stamp_path(database).read_text())
    except (OSError, ValueError):
        return False
    current = _identity(database)
    return current is not None and recorded == current


def record_clean_close(database: Path) -> None:
    """Remember the file as it is now; only call once every connection is closed."""
    identity = _identity(database)
    if identity is None or database.with_name(database.name + "-wal").exists():
        forget(database)  # another connection is still open: the file may change
        return
    stamp = stamp_path(database)
    temporary = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | no_follow(), 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(identity))
        temporary.replace(stamp)


def forget(database: Path) -> None:
    with contextlib.suppress(OSError):
        stamp_path(database).unlink()
