"""Reliability catalogue, issue 13: the file system's faults.

Exports never replace a special file (item 3); restore verifies a backup before
moving anything (item 4); a database is created whole or not at all (item 6);
read-only files and folders, a full disk and stray -wal/-shm files get one
clear line, and `doctor` finds and fixes files that block writes (item 7);
unwritable data folders name their path (item 8); input files are read by one
helper that refuses folders, unreadable and oversized files in one line (item 9).

Tests run as root, which ignores file modes: the permission cases either drop
privileges in a child process or inject the error, and the message mapping is
always tested without a skip.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_support import digest, invoke, make_db, ok, refused
from click.testing import Result

from pdpa_check.cli import base
from pdpa_check.exports.writer import ExportError, write_atomic, write_new_files
from pdpa_check.questionnaires.errors import UnreadableFile
from pdpa_check.questionnaires.loader import read_input_file
from pdpa_check.store import db as store_db
from pdpa_check.store.backups import check_backup, list_backups, restore
from pdpa_check.store.db import StoreError, fault_message
from pdpa_check.support.paths import locations

# Helpers ------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return make_db(folder / "shop.db")


@contextlib.contextmanager
def listening_socket(path: Path) -> Iterator[Path]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        yield path
    finally:
        sock.close()


# Item 3: writes only to regular files ---------------------------------------------------


def special_files(folder: Path) -> Iterator[tuple[Path, int]]:
    """A FIFO and a socket in `folder`, with the `stat` kind each must keep."""
    fifo = folder / "pipe.md"
    os.mkfifo(fifo)
    yield fifo, stat.S_IFIFO
    with listening_socket(folder / "sock.md") as sock:
        yield sock, stat.S_IFSOCK


@pytest.mark.parametrize("force", [False, True])
def test_write_atomic_never_replaces_a_fifo_or_a_socket(tmp_path: Path, force: bool) -> None:
    for target, kind in special_files(tmp_path):
        with pytest.raises(ExportError, match="not a regular file") as excinfo:
            write_atomic(target, "x", force=force)
        assert excinfo.value.exit_code == 2
        assert stat.S_IFMT(target.lstat().st_mode) == kind
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pdpa")] == []


def test_write_atomic_refuses_a_folder_as_bad_input(tmp_path: Path) -> None:
    (tmp_path / "plan.md").mkdir()
    with pytest.raises(ExportError) as excinfo:
        write_atomic(tmp_path / "plan.md", "x", force=True)
    assert excinfo.value.exit_code == 2


def test_write_atomic_refuses_dev_null_without_touching_it() -> None:
    # Without --force only: a regression with --force would replace the real device.
    before = os.lstat("/dev/null")
    with pytest.raises(ExportError, match="a device") as excinfo:
        write_atomic(Path("/dev/null"), "x")
    assert excinfo.value.exit_code == 2
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


@pytest.mark.parametrize("force", [(), ("--force",)])
def test_cli_exports_refuse_special_files_with_exit_2(
    db: Path, tmp_path: Path, force: tuple[str, ...]
) -> None:
    for target, kind in special_files(tmp_path):
        refused(invoke("--db", db, "answers", "export", target, *force), 2, str(target))
        refused(invoke("--db", db, "plan", "-o", target, *force), 2, "not a regular file")
        assert stat.S_IFMT(target.lstat().st_mode) == kind


def test_cli_answers_export_to_dev_null_is_refused_with_exit_2(db: Path) -> None:
    refused(invoke("--db", db, "answers", "export", "/dev/null"), 2, "/dev/null", "device")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_plan_without_output_still_prints(db: Path) -> None:
    assert "Kopi Shop" in ok("--db", db, "plan").stdout


def test_write_new_files_steps_past_a_special_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "kit.md")
    written = write_new_files(tmp_path, "kit", [("md", "hello")])
    assert written == [tmp_path / "kit-2.md"]
    assert stat.S_ISFIFO((tmp_path / "kit.md").lstat().st_mode)


# Item 4: restore checks the backup before anything is moved -------------------------------


def folder_state(folder: Path) -> dict[str, str]:
    """Every file beside the database (not the lock) and its content, to prove nothing moved."""
    return {
        p.name: digest(p)
        for p in folder.iterdir()
        if p.is_file() and not p.name.endswith((".lock", ".checked"))
    }


def newer_backup(db: Path) -> Path:
    """A verified backup, then given a schema step from a future release."""
    ok("--db", db, "backup")
    (made,) = list_backups(db)
    conn = sqlite3.connect(made.path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ("pdpa-check", "0999_from_a_newer_release", "2030-01-01 00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    return made.path


def foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


def damaged_backup(db: Path) -> Path:
    ok("--db", db, "backup")
    (made,) = list_backups(db)
    data = bytearray(made.path.read_bytes())
    data[4096 * 2 : 4096 * 3] = bytes(range(256)) * 16
    made.path.write_bytes(bytes(data))
    return made.path


def test_a_backup_from_a_newer_version_fails_its_check(db: Path) -> None:
    status = check_backup(newer_backup(db))
    assert "newer version" in status
    assert "0999_from_a_newer_release" in status


def test_restore_of_a_newer_backup_leaves_the_live_database_untouched(db: Path) -> None:
    backup = newer_backup(db)
    before = folder_state(db.parent)
    line = refused(
        invoke("--db", db, "restore", backup, "--yes"), 2, "newer version", "0999_from_a_newer"
    )
    assert str(backup) in line
    assert folder_state(db.parent) == before
    assert "Kopi Shop" in ok("--db", db, "score").stdout


def test_default_restore_skips_a_newer_backup(db: Path) -> None:
    newer_backup(db)
    before = folder_state(db.parent)
    refused(invoke("--db", db, "restore", "--yes"), 1, "no backup")
    assert folder_state(db.parent) == before


def test_store_restore_refuses_a_newer_backup_before_moving_anything(db: Path) -> None:
    backup = newer_backup(db)
    before = folder_state(db.parent)
    with pytest.raises(StoreError, match="newer version") as excinfo:
        restore(db, backup)
    assert excinfo.value.exit_code == 2
    assert folder_state(db.parent) == before


@pytest.mark.parametrize("kind", ["foreign", "damaged", "text"])
def test_restore_refuses_a_foreign_or_damaged_file_untouched(
    db: Path, tmp_path: Path, kind: str
) -> None:
    if kind == "foreign":
        source = foreign_sqlite(tmp_path / "other.db")
    elif kind == "damaged":
        source = damaged_backup(db)
    else:
        source = tmp_path / "notes.db"
        source.write_text("not a database at all\n")
    before = folder_state(db.parent)
    refused(invoke("--db", db, "restore", source, "--yes"), 2, str(source.name))
    assert folder_state(db.parent) == before
    with pytest.raises(StoreError) as excinfo:
        restore(db, source)
    assert excinfo.value.exit_code == 2
    assert folder_state(db.parent) == before


def test_restore_of_a_folder_is_one_line(db: Path, tmp_path: Path) -> None:
    before = folder_state(db.parent)
    refused(invoke("--db", db, "restore", tmp_path, "--yes"), 2, "no such backup")
    assert folder_state(db.parent) == before


# Item 6: creation that cannot half-happen -----------------------------------------------


KILLED_CREATION = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from pdpa_check.store import db

    def killed(conn):
        conn.execute("CREATE TABLE half_made (x)")
        conn.commit()
        os.kill(os.getpid(), signal.SIGKILL)

    db._apply_migrations = killed
    db.create_database(Path(sys.argv[1]))
    """
)


def test_a_killed_creation_leaves_nothing_at_the_real_path(tmp_path: Path) -> None:
    path = tmp_path / "data" / "shop.db"
    done = subprocess.run([sys.executable, "-c", KILLED_CREATION, str(path)], check=False)
    assert done.returncode == -9
    assert not os.path.lexists(path)
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".shop.db.creating-")]
    # The next creation works, and removes the killed one's temporary file.
    ok("--db", path, "org", "create", "Kopi Shop", "--staff", "3")
    assert sorted(p.name for p in path.parent.iterdir()) == ["shop.db", "shop.db.checked"]
    assert "Kopi Shop" in ok("--db", path, "org", "list").stdout


def test_an_empty_database_file_says_creation_was_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"")
    refused(invoke("--db", path, "score"), 2, str(path), "interrupted", "org create")
    assert path.read_bytes() == b""


def test_org_create_replaces_an_empty_file_only(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    path.write_bytes(b"")
    ok("--db", path, "org", "create", "Kopi Shop", "--staff", "3")
    assert "Kopi Shop" in ok("--db", path, "org", "list").stdout
    other = tmp_path / "other.db"
    other.write_bytes(b"x")
    refused(
        invoke("--db", other, "org", "create", "Kopi Shop", "--staff", "3"), 2, "not a database"
    )
    assert other.read_bytes() == b"x"


def test_an_empty_demo_database_is_built_again(tmp_path: Path) -> None:
    demo = locations().demo_database
    demo.parent.mkdir(parents=True)
    demo.write_bytes(b"")
    assert "Kampong Threads" in ok("--demo", "org", "list").stdout
    assert demo.stat().st_size > 0


def test_create_database_writes_the_file_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While it is being built nothing is at the real path (checked mid-migration)."""
    path = tmp_path / "shop.db"
    seen: list[bool] = []
    original = store_db._apply_migrations

    def watching(conn: sqlite3.Connection) -> None:
        seen.append(os.path.lexists(path))
        original(conn)

    monkeypatch.setattr(store_db, "_apply_migrations", watching)
    store_db.create_database(path).close()
    assert seen == [False]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# Item 7: clear words for the file system's faults ---------------------------------------


def sqlite_error(name: str, text: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (sqlite_error("SQLITE_READONLY", "attempt to write a readonly database"), "read-only"),
        (
            sqlite_error("SQLITE_READONLY_CANTINIT", "attempt to write a readonly database"),
            "read-only",
        ),
        (sqlite_error("SQLITE_FULL", "database or disk is full"), "disk is full"),
        (sqlite_error("SQLITE_IOERR_SHMSIZE", "disk I/O error"), "not damage"),
        (sqlite_error("SQLITE_CANTOPEN", "unable to open database file"), "cannot be opened"),
        (OSError(errno.EACCES, "Permission denied", "/x/shop.db"), "permission denied"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    ],
)
def test_each_fault_gets_one_line_saying_nothing_was_lost(error: Exception, words: str) -> None:
    message = fault_message(error, Path("/x/shop.db"), "save the change")
    assert message is not None
    assert "\n" not in message
    assert message.startswith("/x/shop.db: cannot save the change")
    assert words in message
    assert "othing was lost" in message


def test_other_sqlite_errors_are_not_called_faults() -> None:
    error = sqlite_error("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed")
    assert fault_message(error, Path("/x"), "save") is None


def after_configure(
    monkeypatch: pytest.MonkeyPatch, *pragmas: Callable[[sqlite3.Connection], str]
) -> None:
    """Every read-write connection also runs `pragmas` (to make SQLite itself fail)."""
    original = store_db._configure

    def configure(conn: sqlite3.Connection) -> None:
        original(conn)
        for pragma in pragmas:
            conn.execute(pragma(conn))

    monkeypatch.setattr(store_db, "_configure", configure)


def answer_rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT question_id, value, note FROM answers ORDER BY 1").fetchall()
    finally:
        conn.close()


def test_a_read_only_database_gets_one_line_not_an_internal_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = answer_rows(db)
    after_configure(monkeypatch, lambda _: "PRAGMA query_only = ON")  # SQLITE_READONLY
    result = invoke("--db", db, "answer", "acc-password-manager", "no")
    refused(result, 1, str(db), "read-only", "Nothing was lost", "doctor --fix")
    monkeypatch.undo()
    assert answer_rows(db) == before


def test_a_full_disk_gets_one_line_and_the_answers_before_it_stay(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's own SQLITE_FULL: the file may not grow by a single page, so the
    # answers with long notes fill the last free space and then one is refused.
    after_configure(
        monkeypatch,
        lambda conn: f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}",
    )
    note = "x" * 3_999
    for question in ("gov-dpo", "gov-data-inventory", "acc-password-manager", "ai-in-use"):
        before = answer_rows(db)
        result = invoke("--db", db, "answer", question, "no", "--note", note)
        if result.exit_code != 0:
            break
    refused(result, 1, str(db), "disk is full", "Nothing was lost", "free some space")
    monkeypatch.undo()
    assert answer_rows(db) == before
    assert ok("--db", db, "score")


class IOErrorConnection(sqlite3.Connection):
    """A connection whose every statement fails as SQLite does when the -shm cannot grow."""

    def execute(self, *args: object, **kwargs: object) -> sqlite3.Cursor:
        raise sqlite_error("SQLITE_IOERR_SHMSIZE", "disk I/O error")


def test_an_io_error_on_opening_is_not_called_damage(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect

    def failing(*args: object, **kwargs: object) -> sqlite3.Connection:
        return real_connect(*args, factory=IOErrorConnection, **kwargs)  # type: ignore[call-overload, no-any-return]

    before = digest(db)
    monkeypatch.setattr(sqlite3, "connect", failing)
    line = refused(invoke("--db", db, "score"), 1, str(db), "not damage", "othing was lost")
    assert "cannot be read" not in line
    assert "restore" not in line
    monkeypatch.undo()
    assert digest(db) == before


def doctor_permissions(result: Result) -> list[str]:
    return [
        " ".join(line.split())
        for line in result.stdout.splitlines()
        if line.split()[1:2] == ["permissions"]
    ]


def test_doctor_fails_a_read_only_shm_and_fix_repairs_it(db: Path) -> None:
    shm = db.with_name(db.name + "-shm")
    shm.write_bytes(b"")
    shm.chmod(0o400)  # left by a failed write on a 0400 database
    result = invoke("--db", db, "doctor")
    assert result.exit_code == 1, result.stdout
    (line,) = [line for line in doctor_permissions(result) if str(shm) in line]
    assert line.startswith("FAIL ") and "you cannot write to it" in line
    fixed = ok("--db", db, "doctor", "--fix")
    assert f"OK permissions fixed: {shm} was 0400, now 0600" in doctor_permissions(fixed)
    assert stat.S_IMODE(shm.stat().st_mode) == 0o600
    ok("--db", db, "doctor")


def test_doctor_fails_a_read_only_data_folder_and_fix_repairs_it() -> None:
    path = make_db(locations().database)
    folder = path.parent
    folder.chmod(0o500)
    try:
        result = invoke("doctor")
        assert result.exit_code == 1, result.stdout
        (line,) = [line for line in doctor_permissions(result) if f"{folder} is" in line]
        assert line.startswith("FAIL ") and "0500" in line
        ok("doctor", "--fix")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        folder.chmod(0o700)


def test_doctor_fails_a_wal_or_shm_owned_by_another_user(db: Path) -> None:
    shm = db.with_name(db.name + "-shm")
    shm.write_bytes(b"")
    shm.chmod(0o600)
    try:
        os.chown(shm, 65534, 65534)
    except PermissionError:
        pytest.skip("cannot give a file to another user here")
    result = invoke("--db", db, "doctor", "--fix")
    assert result.exit_code == 1, result.stdout
    (line,) = [line for line in doctor_permissions(result) if str(shm) in line]
    assert line.startswith("FAIL ") and "belongs to another user" in line


def test_a_read_only_command_never_deletes_a_stray_wal(db: Path) -> None:
    wal = db.with_name(db.name + "-wal")
    wal.write_bytes(bytes(range(256)) * 20)  # not a write-ahead log
    before = digest(wal)
    for args in (("score",), ("plan",), ("answer", "acc-password-manager", "no")):
        refused(invoke("--db", db, *args), 2, str(wal), "not an SQLite write-ahead log")
        assert digest(wal) == before
    wal.rename(wal.with_name(wal.name + ".stray"))
    assert "Kopi Shop" in ok("--db", db, "score").stdout


def test_a_short_wal_from_a_full_disk_is_not_refused(db: Path) -> None:
    db.with_name(db.name + "-wal").write_bytes(b"\x37\x7f")
    assert "Kopi Shop" in ok("--db", db, "score").stdout


# Item 8: an unwritable home or data folder names its path ----------------------------------


def test_a_data_folder_that_cannot_be_made_is_named(
    private_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = private_dirs / "data"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the data folder should be")
    for args in (("org", "create", "Kopi Shop", "--staff", "3"), ("--demo", "score")):
        refused(invoke(*args), 1, str(blocker / "pdpa-check"), "cannot create the folder")
    assert blocker.read_text() == "a file where the data folder should be"


def test_a_read_only_home_gets_one_line_naming_the_folder(
    private_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_mkdir = Path.mkdir

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        if self.is_relative_to(private_dirs):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", denied)
    for args in (("org", "create", "Kopi Shop", "--staff", "3"), ("demo",)):
        refused(
            invoke(*args), 1, "Permission denied", "cannot create the folder", str(private_dirs)
        )


def test_debug_names_the_file_of_an_unexpected_os_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    where = str(tmp_path / "unwritable")  # not in this source line, which --debug prints

    def boom(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", where)

    monkeypatch.setattr(base.cli, "main", boom)
    monkeypatch.setattr(sys, "argv", ["pdpa-check", "--debug", "score"])
    with pytest.raises(SystemExit) as exited:
        base.main()
    assert exited.value.code == 1
    assert where in capsys.readouterr().err


# Item 9: input files read in one place, one line for each refusal -----------------------


def import_commands(path: Path) -> list[tuple[str | Path, ...]]:
    return [
        ("answers", "import", path),
        ("plan", "import", path, "--yes"),
        ("kit", "notify", "--facts", path, "--no-save"),
    ]


def test_a_folder_as_input_file_is_one_line_not_a_usage_block(db: Path, tmp_path: Path) -> None:
    for args in import_commands(tmp_path):
        refused(invoke("--db", db, *args), 2, str(tmp_path), "is a folder")


def test_a_missing_input_file_is_one_line(db: Path, tmp_path: Path) -> None:
    for args in import_commands(tmp_path / "nope.toml"):
        refused(invoke("--db", db, *args), 2, "nope.toml", "cannot read")


def test_an_input_file_over_5_mb_is_refused_before_parsing(db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"# padding\n" * 650_000)  # 6.2 MB
    before = answer_rows(db)
    for args in import_commands(big):
        too_big = f"{big}: file is 6.2 MB; input files are limited to 5 MB"
        refused(invoke("--db", db, *args), 2, too_big)
    assert answer_rows(db) == before


def test_read_input_file_never_waits_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_input_file(fifo)
    small = tmp_path / "ok.toml"
    small.write_bytes(b"a = 1\n")
    assert read_input_file(small) == b"a = 1\n"
    assert read_input_file(small, limit=6) == b"a = 1\n"
    with pytest.raises(UnreadableFile, match="limited"):
        read_input_file(small, limit=5)
