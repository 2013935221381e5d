"""Verified backups of the database, their rotation, and restoring one.

A backup is a copy made with SQLite's backup API (consistent even while the
database is in use), checked with `quick_check`, 0600, in `backups/` beside
the database, named `<db stem>-<UTC time>-<reason>.db`. Only files with
exactly that shape are ever listed, rotated or offered for restore: nothing
else in the folder is touched. Restoring never deletes the current file: it
is renamed `<name>.corrupt-<UTC time>` (or `.replaced-…` when it was
healthy), together with its `-wal` and `-shm` files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import stat
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pdpa_check.store.db import (
    APPLICATION_ID,
    StoreError,
    applied_steps,
    backup_dir,
    inspect_database,
    known_steps,
    open_database,
    summarise,
)
from pdpa_check.support.fsutil import create_private, fsync_folder, private_mkdir


class OpenDatabase(Protocol):
    """An open database and where it lives (the store is one; the type keeps repo out)."""

    @property
    def conn(self) -> sqlite3.Connection: ...
    @property
    def path(self) -> Path: ...


MANUAL = "manual"
BEFORE_UPGRADE = "before-upgrade"
COMPLETED = "completed"
BEFORE_IMPORT = "before-import"
REASONS = {
    MANUAL: "made with `pdpa-check backup`",
    BEFORE_UPGRADE: "before the database was upgraded",
    COMPLETED: "after an assessment was completed",
    BEFORE_IMPORT: "before an import changed answers already given",
}
KEEP = 10  # newest backups kept for each reason

_NAME = re.compile(
    r"(?P<stamp>\d{8}T\d{6}(?:\d{6})?Z)"  # older builds wrote microseconds and no reason
    r"(?:-(?P<reason>[a-z]+(?:-[a-z]+)*))?"
    r"(?:-(?P<n>\d+))?\.db"
)
_SIDECARS = ("-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: dt.datetime  # UTC
    reason: str
    size: int
    sequence: int = 1  # several backups in the same second

    @property
    def when(self) -> str:
        """Local date and time, e.g. `27 Nov 2026 09:45`."""
        local = self.taken.astimezone()
        return f"{local.day} {local.strftime('%b %Y %H:%M')}"


@dataclass(frozen=True)
class Restored:
    database: Path
    source: Path
    kept: tuple[Path, ...]  # the previous file and its -wal/-shm, renamed
    was_healthy: bool


def utc_stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


# Making backups -----------------------------------------------------------------


def make_backup(
    conn: sqlite3.Connection,
    database: Path,
    reason: str,
    *,
    keep: int = KEEP,
    now: dt.datetime | None = None,
) -> Path:
    """Back up the open database `conn` (stored at `database`); verified, 0600, rotated."""
    folder = backup_dir(database)
    private_mkdir(folder)
    base = f"{database.stem}-{utc_stamp(now)}-{reason}"
    temp = folder / f".{base}.{os.getpid()}.tmp"
    try:
        create_private(temp)
        _copy(conn, temp)
        target = _place(temp, folder, base)
    except sqlite3.Error as error:
        raise StoreError(f"{folder}: backup failed: {error}", 1) from None
    except OSError as error:
        raise StoreError(f"{folder}: backup failed: {error.strerror}", 1) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_folder(folder)
    rotate(database, reason, keep)
    return target


def auto_backup(store: OpenDatabase, reason: str) -> Path | None:
    """The automatic backup (e.g. after completing an assessment).

    It never undoes or blocks what was just saved: a failure gives None (and
    `pdpa-check doctor` shows how recent the newest backup is).
    """
    try:
        return make_backup(store.conn, store.path, reason)
    except (StoreError, OSError, sqlite3.Error):
        return None


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Backup API into `target` (an empty 0600 file), self-contained and verified."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        status = copy.execute("PRAGMA quick_check").fetchone()[0]
        app_id = copy.execute("PRAGMA application_id").fetchone()[0]
    finally:
        copy.close()
    if status != "ok" or app_id != APPLICATION_ID:
        raise StoreError(f"the copy failed its check ({status}); nothing was kept", 1)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _place(temp: Path, folder: Path, base: str) -> Path:
    """Give the finished copy its name, never over an existing file."""
    for sequence in range(1, 1000):
        target = folder / (f"{base}.db" if sequence == 1 else f"{base}-{sequence}.db")
        try:
            os.link(temp, target)
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links
            if target.exists():
                continue
            temp.replace(target)
        return target
    raise StoreError(f"{folder}: too many backups in the same second", 1)


def rotate(database: Path, reason: str, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups made for `reason`; only ours, only files."""
    mine = [backup for backup in list_backups(database) if backup.reason == reason]
    removed: list[Path] = []
    for backup in mine[max(keep, 1) :]:
        with contextlib.suppress(OSError):
            backup.path.unlink()
            removed.append(backup.path)
    return removed


# Finding and checking backups ------------------------------------------------------


def list_backups(database: Path) -> list[Backup]:
    """This database's backups, newest first (regular files with our name shape only)."""
    folder = backup_dir(database)
    prefix = f"{database.stem}-"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    found: list[Backup] = []
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        match = _NAME.fullmatch(entry.name[len(prefix) :])
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        found.append(
            Backup(
                path=Path(entry.path),
                taken=_parse_stamp(match["stamp"]),
                reason=match["reason"] or BEFORE_UPGRADE,
                size=info.st_size,
                sequence=int(match["n"] or 1),
            )
        )
    return sorted(found, key=lambda b: (b.taken, b.sequence, b.path.name), reverse=True)


def _parse_stamp(stamp: str) -> dt.datetime:
    pattern = "%Y%m%dT%H%M%S%fZ" if len(stamp) > 16 else "%Y%m%dT%H%M%SZ"
    return dt.datetime.strptime(stamp, pattern).replace(tzinfo=dt.UTC)


def check_backup(path: Path) -> str:
    """ "ok", or what is wrong with the backup at `path`. Read-only (immutable).

    It must be ours (application_id), intact (quick_check) and have no schema
    step this build does not know (so it will open once it is in place).
    """
    if not path.is_file():
        return "not a file"
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        return f"cannot be opened ({error})"
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return "not a pdpa-check database"
        status = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        newer = [step for step in applied_steps(conn) if step not in known_steps()]
    except sqlite3.DatabaseError as error:
        return f"damaged ({error})"
    finally:
        conn.close()
    if status != "ok":
        return f"damaged ({summarise(status)})"
    if newer:
        # It would be put in place and then refused: the owner would be left with neither.
        return (
            f"written by a newer version of pdpa-check (unknown schema steps: "
            f"{', '.join(newer)}); upgrade pdpa-check to restore it"
        )
    return "ok"


def newest_verified(database: Path) -> Backup | None:
    """The newest backup of `database` that passes `quick_check`."""
    return next((b for b in list_backups(database) if check_backup(b.path) == "ok"), None)


def restore_hint(database: Path) -> str:
    """The sentence offering a restore, or "" when there is no verified backup."""
    newest = newest_verified(database)
    if newest is None:
        return ""
    return (
        f"A backup from {newest.when} exists: `pdpa-check restore` puts it back "
        "(your current file is kept, renamed)."
    )


def kept_files(database: Path) -> list[Path]:
    """Files set aside by earlier restores (`<name>.corrupt-…`, `<name>.replaced-…`)."""
    prefixes = (f"{database.name}.corrupt-", f"{database.name}.replaced-")
    try:
        entries = list(os.scandir(database.parent))
    except OSError:
        return []
    return sorted(
        Path(entry.path)
        for entry in entries
        if entry.name.startswith(prefixes) and entry.is_file(follow_symlinks=False)
    )


# Restoring ---------------------------------------------------------------------------


def restore(database: Path, source: Path, *, now: dt.datetime | None = None) -> Restored:
    """Put the backup at `source` in place of `database`, keeping the current file renamed.

    The caller holds the database lock. Order: verify the backup, copy it to a
    temporary file beside the database and verify that, rename the current
    file and its -wal/-shm aside, move the copy into place, and open it.
    """
    status = check_backup(source)
    if status != "ok":  # checked before anything is moved: a refusal changes nothing
        raise StoreError(f"{source}: cannot restore from this file: {status}; nothing changed")
    private_mkdir(database.parent)
    temp = database.with_name(f".{database.name}.restore-{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()  # left by an earlier restore of ours that was killed
    try:
        create_private(temp)
        with contextlib.closing(_open_backup(source)) as backup:
            _copy(backup, temp)
    except (sqlite3.Error, OSError) as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(
            f"{source}: could not copy the backup: {error}; nothing changed", 1
        ) from None
    stamp = utc_stamp(now)
    healthy = database.is_file() and inspect_database(database, thorough=False).healthy
    try:
        kept = _set_aside(database, "replaced" if healthy else "corrupt", stamp)
        temp.replace(database)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(f"{database}: could not put the backup in place: {error}", 1) from None
    fsync_folder(database.parent)
    try:
        open_database(database).close()  # it opens (and is brought up to date)
    except StoreError as error:
        kept_note = f"; the previous file is kept as {kept[0]}" if kept else ""
        raise StoreError(f"the restored copy does not open: {error}{kept_note}", 1) from None
    return Restored(database, source, tuple(kept), healthy)


def _open_backup(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _set_aside(database: Path, kind: str, stamp: str) -> list[Path]:
    """Rename the database and its -wal/-shm to `<name>.<kind>-<stamp>[-wal|-shm]`.

    The -wal keeps the matching name, so the kept file still opens with
    everything that was committed. Undone if a rename fails.
    """
    base = database.with_name(f"{database.name}.{kind}-{stamp}")
    sequence = 1
    while any(os.path.lexists(str(base) + s) for s in ("", *_SIDECARS)):
        sequence += 1
        base = database.with_name(f"{database.name}.{kind}-{stamp}-{sequence}")
    moves = [
        (database.with_name(database.name + suffix), Path(str(base) + suffix))
        for suffix in ("", *_SIDECARS)
    ]
    done: list[tuple[Path, Path]] = []
    try:
        for old, new in moves:
            if os.path.lexists(old):
                old.rename(new)
                done.append((old, new))
    except OSError:
        for old, new in reversed(done):
            with contextlib.suppress(OSError):
                new.rename(old)
        raise
    return [new for _, new in done]
