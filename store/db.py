"""Creating and opening the database safely.

The file is created once, 0600 in a 0700 folder; every later open is
read-write only, so a missing file is an error and never a new empty database.
A file without our application_id is refused, and a damaged one is reported
without being touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pdpa_check.store.checked import unchanged_since_clean_close
from pdpa_check.support.fsutil import create_private, fsync_folder, private_mkdir

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
    "0006_organisation_uid",
    "0007_has_website",
    "0008_user_lists",
    "0009_site_build",
    "0010_readable",
)


def now() -> str:
    """The current UTC time as ISO 8601, to the second (stored in every row's timestamps)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class StoreError(Exception):
    """A database problem the user must act on; `exit_code` is 2 for bad files."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# File-system faults ----------------------------------------------------------------
# SQLite and the OS report a read-only file, a full disk or an I/O failure in
# their own words; the owner gets one line: what is wrong, that nothing was
# lost, and what to do.

_READ_ONLY = (
    "{path}: cannot {action}: the database, its folder or its -wal/-shm file is read-only "
    "for you. Nothing was lost (this change was not saved); `pdpa-check doctor` shows which "
    "file, and `pdpa-check doctor --fix` repairs it"
)
_FULL = (
    "{path}: cannot {action}: the disk is full. Nothing was lost (this change was not "
    "saved); free some space and run the command again"
)
_IO = (
    "{path}: cannot {action}: the disk or file system reported an error ({detail}); this is "
    "not damage to the database and nothing was lost. Check free space and `pdpa-check "
    "doctor`, then try again"
)
_CANT_OPEN = (
    "{path}: cannot {action}: it or a file beside it (-wal, -shm) cannot be opened for "
    "writing. Nothing was lost; `pdpa-check doctor --fix` repairs permissions"
)
_DENIED = (
    "{path}: cannot {action}: permission denied. Nothing was lost; check that the file and "
    "its folder belong to you and are writable (`pdpa-check doctor --fix`)"
)
_SQLITE_FAULTS = (
    ("SQLITE_READONLY", _READ_ONLY),
    ("SQLITE_FULL", _FULL),
    ("SQLITE_CANTOPEN", _CANT_OPEN),
    ("SQLITE_IOERR", _IO),
    ("SQLITE_PERM", _DENIED),
)
_OS_FAULTS = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: _READ_ONLY,
    errno.ENOSPC: _FULL,
    errno.EDQUOT: _FULL,
}


def fault_message(error: BaseException, path: Path, action: str) -> str | None:
    """The owner's one line for a file-system fault, or None when `error` is not one."""
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", None) or ""
        for prefix, template in _SQLITE_FAULTS:
            if name.startswith(prefix):
                return template.format(path=path, action=action, detail=error)
        return None
    if isinstance(error, OSError):
        template = _OS_FAULTS.get(error.errno or 0, _IO)
        where = error.filename if error.filename is not None else path
        return template.format(path=where, action=action, detail=error.strerror)
    return None


def fault(error: OSError | sqlite3.Error, path: Path, action: str) -> StoreError:
    """A StoreError (exit 1) for a fault; any other sqlite3 error keeps its text."""
    return StoreError(fault_message(error, path, action) or f"{path}: cannot {action}: {error}", 1)


@contextlib.contextmanager
def translated_faults(path: Path, action: str) -> Iterator[None]:
    """Turn a read-only file, full disk or I/O error inside the block into a StoreError."""
    try:
        yield
    except (sqlite3.OperationalError, OSError) as error:
        message = fault_message(error, path, action)
        if message is None:
            raise
        raise StoreError(message, 1) from None


def create_database(path: Path) -> sqlite3.Connection:
    """Create a new database at `path` and migrate it; it appears there whole or not at all.

    It is built under a temporary name in the same folder (0600), closed, and
    then linked into place, which fails rather than replace anything there,
    except a 0-byte file left by an interrupted creation (checked again just
    before it is replaced). A killed creation leaves only the temporary file.
    """
    private_mkdir(path.parent)
    if os.path.lexists(path) and not interrupted_creation(path):
        raise StoreError(f"{path}: a file already exists there; not replacing it")
    _remove_killed_creations(path)
    temp = path.with_name(f"{_CREATING_PREFIX.format(name=path.name)}{os.getpid()}.tmp")
    try:
        _build(temp)
        _put_in_place(temp, path)
    except OSError as error:
        raise fault(error, path, "create the database") from None
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    fsync_folder(path.parent)
    conn = _connect(path)
    try:
        _configure(conn)  # switches the finished file to WAL
    except BaseException:
        conn.close()
        raise
    return conn


# `.<name>.creating-<pid>.tmp`: a database being built, not yet in place.
_CREATING_PREFIX = ".{name}.creating-"


def interrupted_creation(path: Path) -> bool:
    """True when `path` is a 0-byte regular file: an older build was killed creating it."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == 0


def _build(temp: Path) -> None:
    """A fully migrated database in `temp` (created new, 0600), closed and on disk."""
    create_private(temp)
    conn = _connect(temp)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA synchronous = FULL")  # every commit is on disk before the rename
        _apply_migrations(conn)
    except sqlite3.Error as error:
        raise fault(error, temp.parent, "create the database") from None
    finally:
        conn.close()


def _put_in_place(temp: Path, path: Path) -> None:
    """Link `temp` to `path` without replacing anything but an interrupted creation."""
    if interrupted_creation(path):
        temp.replace(path)  # only ever over 0 bytes
        return
    try:
        os.link(temp, path)
    except FileExistsError:
        raise StoreError(f"{path}: a file already exists there; not replacing it") from None
    except OSError:  # a filesystem without hard links
        if os.path.lexists(path):
            raise StoreError(f"{path}: a file already exists there; not replacing it") from None
        temp.replace(path)


def _remove_killed_creations(path: Path) -> None:
    """Delete temporary files of creations whose process is gone (ours, in this folder)."""
    prefix = _CREATING_PREFIX.format(name=path.name)
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            pid = entry.name.removeprefix(prefix).split(".", 1)[0]
            if entry.name.startswith(prefix) and pid.isdigit() and not _running(int(pid)):
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError):
        return True  # another user's process, or no way to tell: leave its file alone
    return True


def open_database(path: Path) -> sqlite3.Connection:
    """Open an existing pdpa-check database read-write, migrating it if needed.

    A missing, damaged, empty or foreign file is refused untouched; when a
    verified backup exists the message says how to put it back.
    """
    _check_wal(path)  # before any connection: a restore would not help with a stray -wal
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
        with translated_faults(path, "open the database"):
            _configure(conn)
            _migrate(conn, path)
    except BaseException:
        conn.close()  # a refused database keeps no connection (or -wal/-shm) open
        raise
    return conn


def _with_restore_hint(error: StoreError, path: Path) -> StoreError:
    from pdpa_check.store.backups import restore_hint

    if error.exit_code != 2:
        return error  # a fault of the disk or permissions, not damage: a restore would not help
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
        message = fault_message(error, path, "read the database")
        if message is not None:  # the disk or a file beside it, not damage
            raise StoreError(message, 1) from None
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
        raise StoreError(
            f"{path}: the file is empty (0 bytes): creating the database was interrupted "
            "and nothing was saved in it; `pdpa-check org create NAME` replaces it"
        )
    if header[:16] != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not a database file (damaged, or some other kind of file)")
    return header


_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_WAL_HEADER_SIZE = 32


def _check_wal(path: Path) -> None:
    """Refuse a `-wal` that is not a write-ahead log: SQLite would delete it on close.

    One shorter than a header holds nothing (a write cut short, e.g. by a full
    disk) and SQLite starts it again, so only a full header is checked.
    """
    wal = path.with_name(path.name + "-wal")
    try:
        with wal.open("rb") as handle:
            start = handle.read(_WAL_HEADER_SIZE)
    except FileNotFoundError:
        return
    except OSError as error:
        raise fault(error, path, "read the database") from None
    if len(start) == _WAL_HEADER_SIZE and start[:4] not in _WAL_MAGIC:
        raise StoreError(
            f"{wal}: is not an SQLite write-ahead log (a stray or damaged file); nothing was "
            "changed. Move it away (e.g. add .stray to its name) and run the command again"
        )


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
        raise fault(error, path, "open the database") from None


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=rw"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.OperationalError as error:
        raise fault(error, path, "open the database") from None


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
    # Systems whose user-list names (staff's personal data) are kept; None: not known.
    user_lists: int | None = None

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
        with contextlib.suppress(sqlite3.DatabaseError):  # no such table before 0008
            count = conn.execute("SELECT count(*) FROM user_lists").fetchone()[0]
            found = replace(found, user_lists=int(count))
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
