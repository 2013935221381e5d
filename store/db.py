"""Creating and opening the database safely.

The file is created once, 0600 in a 0700 folder; every later open is
read-write only, so a missing file is an error and never a new empty database.
A file without our application_id is refused, and a damaged one is reported
without being touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pdpa_check.store.checked import unchanged_since_clean_close

if TYPE_CHECKING:
    from sqlite_utils import Migrations

APPLICATION_ID = 0x50445041  # "PDPA" in ASCII
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATION_SET = "pdpa-check"
# The schema steps in `migrations.py`, by name, so opening a current database
# never imports sqlite-utils (a test keeps the two lists equal).
SCHEMA_STEPS = (
    "0001_initial",
    "0002_resume_point",
    "0003_quarterly_cycle",
    "0004_bank_versions",
    "0005_breach_kit",
)


def now() -> str:
    """The current UTC time as ISO 8601, to the second (stored in every row's timestamps)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class StoreError(Exception):
    """A database problem the user must act on; `exit_code` is 2 for bad files."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def create_database(path: Path) -> sqlite3.Connection:
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
    _configure(conn)
    _apply_migrations(conn)
    return conn


def private_mkdir(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700 (existing ones are left alone)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=0o700)
        except FileExistsError:
            continue
        parent.chmod(0o700)  # mkdir's mode is filtered by the umask


def open_database(path: Path) -> sqlite3.Connection:
    """Open an existing pdpa-check database read-write, migrating it if needed.

    A missing, damaged, empty or foreign file is refused untouched; when a
    verified backup exists the message says how to put it back.
    """
    try:
        header = _check_file(path)
        # Checked on a read-only connection first: one that writes would
        # checkpoint a leftover -wal into a damaged file when it closes.
        with contextlib.closing(_connect_read_only(path, header)) as probe:
            _check_identity(probe, path, thorough=not unchanged_since_clean_close(path))
    except StoreError as error:
        raise _with_restore_hint(error, path) from None
    conn = _connect(path)
    try:
        _configure(conn)
        _migrate(conn, path)
    except BaseException:
        conn.close()  # a refused database keeps no connection (or -wal/-shm) open
        raise
    return conn


def _with_restore_hint(error: StoreError, path: Path) -> StoreError:
    from pdpa_check.store.backups import restore_hint

    hint = restore_hint(path)
    if not hint:
        return error
    message = str(error).rstrip(".")
    return StoreError(f"{message}. {hint}", error.exit_code)


def _check_identity(conn: sqlite3.Connection, path: Path, *, thorough: bool = True) -> None:
    """Ours (application_id) and, when `thorough`, intact (quick_check); else StoreError."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: this is an SQLite file, but not a pdpa-check database")
        status = conn.execute("PRAGMA quick_check").fetchone()[0] if thorough else "ok"
    except sqlite3.DatabaseError as error:
        raise StoreError(_describe_damage(path, error)) from None
    if status != "ok":
        raise StoreError(f"{path}: the database is damaged (integrity check: {summarise(status)})")


def summarise(report: str) -> str:
    """One line from an integrity report: its first problem, and how many more."""
    lines = [line.strip() for line in report.splitlines()]
    problems = [line for line in lines if line and not line.startswith("***")]
    if not problems:
        return report.strip() or "no details"
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def _check_file(path: Path) -> bytes:
    """The first 100 bytes (the SQLite header) of a plausible database file, or StoreError."""
    if not path.exists():
        raise StoreError(f"{path}: no database there")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"{path}: cannot read: {error.strerror}") from None
    if not header:
        raise StoreError(f"{path}: the file is empty (0 bytes), not a pdpa-check database")
    if header[:16] != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not a database file (damaged, or some other kind of file)")
    return header


def _describe_damage(path: Path, error: sqlite3.DatabaseError) -> str:
    return f"{path}: the database cannot be read ({error}); it has not been changed"


def _connect_read_only(path: Path, header: bytes) -> sqlite3.Connection:
    """A connection that cannot change the file or checkpoint into it.

    A WAL database with no `-wal` beside it is not open anywhere (the file
    lives as long as a connection does), so it is read as immutable and no
    `-wal`/`-shm` files are created; otherwise the existing ones are used.
    """
    wal = header[18:20] == b"\x02\x02"
    log = path.with_name(path.name + "-wal")
    mode = "ro&immutable=1" if wal and not log.exists() else "ro"
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode={mode}"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open database: {error}") from None


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.OperationalError as error:
        raise StoreError(f"{path}: cannot open database: {error}") from None


def _configure(conn: sqlite3.Connection) -> None:
    """Per-connection settings; WAL is set outside any transaction and verified."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(f"could not switch the database to WAL mode (got {mode!r})", 1)
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def known_steps() -> tuple[str, ...]:
    """The schema steps this version of pdpa-check knows, in order."""
    return SCHEMA_STEPS


def migration_set() -> Migrations:
    """The schema steps themselves (imports sqlite-utils, so only when needed)."""
    from pdpa_check.store.migrations import migrations

    return migrations


def _apply_migrations(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database  # only when the schema changes

    migration_set().apply(Database(conn, execute_plugins=False))


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    known = set(SCHEMA_STEPS)
    applied = set(applied_steps(conn))
    if applied - known:
        raise StoreError(
            f"{path}: this database was written by a newer version of pdpa-check "
            f"(unknown schema steps: {', '.join(sorted(applied - known))}); please upgrade",
        )
    if known - applied:
        from pdpa_check.store.backups import BEFORE_UPGRADE, make_backup

        backup = make_backup(conn, path, BEFORE_UPGRADE)
        try:
            _apply_migrations(conn)
        except Exception as error:
            raise StoreError(
                f"{path}: updating the database failed ({type(error).__name__}: {error}); "
                f"it is unchanged, and a backup is at {backup}",
                1,
            ) from None


def backup_dir(path: Path) -> Path:
    """Where backups of the database at `path` go."""
    return path.parent / "backups"


# Read-only inspection (doctor, restore) -------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """What a read-only look at a database file found. It never changes the file."""

    path: Path
    size: int | None
    problem: str | None  # it could not be examined at all, or is not ours
    application_id: int | None
    integrity: str | None  # "ok", or the first problems found
    applied: tuple[str, ...]  # schema steps recorded in the file
    wal: bool | None  # journal mode recorded in the header

    @property
    def newer_steps(self) -> tuple[str, ...]:
        known = set(known_steps())
        return tuple(name for name in self.applied if name not in known)

    @property
    def healthy(self) -> bool:
        return (
            self.problem is None
            and self.application_id == APPLICATION_ID
            and self.integrity == "ok"
            and not self.newer_steps
        )


def inspect_database(path: Path, *, thorough: bool = True) -> Inspection:
    """Examine the database at `path` read-only (`integrity_check`, or `quick_check`)."""
    size = path.stat().st_size if path.is_file() else None
    blank = Inspection(path, size, None, None, None, (), None)
    try:
        header = _check_file(path)
    except StoreError as error:
        return replace(blank, problem=str(error))
    app_id = int.from_bytes(header[68:72], "big") if len(header) >= 72 else None
    wal = header[18:20] == b"\x02\x02" if len(header) >= 20 else None
    found = replace(blank, application_id=app_id, wal=wal)
    if app_id != APPLICATION_ID:
        return replace(found, problem=f"{path}: not a pdpa-check database")
    try:
        conn = _connect_read_only(path, header)
    except StoreError as error:
        return replace(found, problem=str(error))
    try:
        pragma = "integrity_check(100)" if thorough else "quick_check(100)"
        try:
            report = "\n".join(str(row[0]) for row in conn.execute(f"PRAGMA {pragma}"))
            found = replace(found, integrity="ok" if report == "ok" else summarise(report))
        except sqlite3.DatabaseError as error:
            found = replace(found, integrity=str(error))
        with contextlib.suppress(sqlite3.DatabaseError):
            found = replace(found, applied=applied_steps(conn))
    finally:
        conn.close()
    return found


def applied_steps(conn: sqlite3.Connection) -> tuple[str, ...]:
    """The schema steps recorded in the database, in the order they were applied."""
    exists = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()[0]
    if not exists:
        return ()
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET],
    )
    return tuple(str(row[0]) for row in rows)
