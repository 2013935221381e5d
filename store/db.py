"""Creating and opening the database safely.

The file is created once, 0600 in a 0700 folder; every later open is
read-write only, so a missing file is an error and never a new empty database.
A file without our application_id is refused, and a damaged one is reported
without being touched.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import urllib.parse
from pathlib import Path

from sqlite_utils import Database

from pdpa_check.store.migrations import migrations

APPLICATION_ID = 0x50445041  # "PDPA" in ASCII
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """A database problem the user must act on; `exit_code` is 2 for bad files."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def create_database(path: Path) -> Database:
    """Create a new database at `path` (refusing to replace anything) and migrate it."""
    private_mkdir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise StoreError(f"{path}: a file already exists there; not replacing it") from None
    except OSError as error:
        raise StoreError(f"{path}: cannot create database: {error.strerror}", 1) from None
    os.close(fd)
    conn = _connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db = _configure(conn)
    migrations.apply(db)
    return db


def private_mkdir(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700 (existing ones are left alone)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=0o700)
        except FileExistsError:
            continue
        parent.chmod(0o700)  # mkdir's mode is filtered by the umask


def open_database(path: Path) -> Database:
    """Open an existing pdpa-check database read-write, migrating it if needed."""
    _check_file(path)
    conn = _connect(path)
    try:
        _check_identity(conn, path)
        db = _configure(conn)
        _migrate(db, path)
    except BaseException:
        conn.close()  # a refused database keeps no connection (or -wal/-shm) open
        raise
    return db


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    """Ours (application_id) and intact (quick_check), or StoreError."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: this is an SQLite file, but not a pdpa-check database")
        status = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreError(_describe_damage(path, error)) from None
    if status != "ok":
        raise StoreError(f"{path}: the database is damaged (integrity check: {status})")


def _check_file(path: Path) -> None:
    if not path.exists():
        raise StoreError(f"{path}: no database there")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror}") from None
    if not header:
        raise StoreError(f"{path}: the file is empty (0 bytes), not a pdpa-check database")
    if header != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not a database file (damaged, or some other kind of file)")


def _describe_damage(path: Path, error: sqlite3.DatabaseError) -> str:
    return f"{path}: the database cannot be read ({error}); it has not been changed"


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.OperationalError as error:
        raise StoreError(f"{path}: cannot open database: {error}") from None


def _configure(conn: sqlite3.Connection) -> Database:
    """Per-connection settings; WAL is set outside any transaction and verified."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"could not switch the database to WAL mode (got {mode!r})", 1)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return Database(conn, execute_plugins=False)


def _migrate(db: Database, path: Path) -> None:
    known = {migration.name for migration in migrations._migrations}
    applied = {migration.name for migration in migrations.applied(db)}
    if applied - known:
        raise StoreError(
            f"{path}: this database was written by a newer version of pdpa-check "
            f"(unknown schema steps: {', '.join(sorted(applied - known))}); please upgrade",
        )
    if migrations.pending(db):
        backup = backup_database(db.conn, backup_dir(path), path.stem)
        try:
            migrations.apply(db)
        except Exception as error:
            raise StoreError(
                f"{path}: updating the database failed ({type(error).__name__}: {error}); "
                f"it is unchanged, and a backup is at {backup}",
                1,
            ) from None


def backup_dir(path: Path) -> Path:
    """Where backups of the database at `path` go."""
    return path.parent / "backups"


def backup_database(conn: sqlite3.Connection, folder: Path, stem: str) -> Path:
    """Copy the live database with SQLite's backup API into a new 0600 file, verified."""
    private_mkdir(folder)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stem}-{stamp}.db"
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
        status = copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()
    if status != "ok":
        raise StoreError(f"{target}: backup failed its integrity check ({status})", 1)
    return target
