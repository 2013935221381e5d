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
import hashlib
import os
import socket
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pdpa_check.cli import cli
from pdpa_check.exports.writer import ExportError, write_atomic, write_new_files
from pdpa_check.store.backups import check_backup, list_backups, restore
from pdpa_check.store.db import StoreError

WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}

# Helpers ------------------------------------------------------------------------------


def invoke(*args: str | Path, input: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args], env=WIDE, input=input, catch_exceptions=False
    )


def ok(*args: str | Path) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def refused(result: Result, code: int, *fragments: str) -> str:
    """A one-line error with `code`, no traceback; returns that line."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert "unexpected internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, *, name: str = "Kopi Shop") -> Path:
    """A database with one organisation and one answered question, made by the CLI."""
    ok("--db", path, "org", "create", name, "--staff", "3", "--system", "storefront:Shopify")
    ok("--db", path, "assessment", "start")
    ok("--db", path, "answer", "acc-password-manager", "yes", "--note", "in the safe")
    return path


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
