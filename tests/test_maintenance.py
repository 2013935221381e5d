"""Single instance, backups, restore, doctor (issue 6: R4, R5, R7 restore offer, S8).

Apps run as real processes under a pseudo-terminal; commands run in-process
with click's CliRunner. Every test has private XDG folders (conftest).
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_support import digest, invoke, listing, make_db, mode, ok, refused
from click.testing import Result
from tui_support import new_session

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.services.demo import build_demo
from pdpa_check.store.backups import (
    COMPLETED,
    MANUAL,
    check_backup,
    list_backups,
    make_backup,
    rotate,
)
from pdpa_check.store.db import backup_dir, open_database
from pdpa_check.store.lock import (
    APP,
    LOCKED_EXIT_CODE,
    DatabaseLock,
    Holder,
    LockedError,
    held_by,
    lock_path,
)
from pdpa_check.store.repo import Store
from pdpa_check.support.paths import locations

PAGE = 4096

# Helpers ------------------------------------------------------------------------------


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def org_name(path: Path) -> str:
    conn = read_only(path)
    try:
        return str(conn.execute("SELECT name FROM organisations").fetchone()[0])
    finally:
        conn.close()


def answer_count(path: Path) -> int:
    conn = read_only(path)
    try:
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    finally:
        conn.close()


def damage_a_page(path: Path) -> None:
    """Overwrite one page in the middle (never the header page) with random bytes."""
    data = bytearray(path.read_bytes())
    target = len(data) // PAGE // 2
    assert target >= 2
    data[target * PAGE : (target + 1) * PAGE] = random.Random(7).randbytes(PAGE)
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(20_000))


def zero_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(bytes(16) + data[16:])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def other_app_id(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "one-page-overwritten": damage_a_page,
    "truncated-50%": truncate,
    "garbage": garbage,
    "zeroed-header": zero_header,
    "empty": empty,
    "other-app-id": other_app_id,
}


def crash_after_commit(path: Path, new_name: str) -> None:
    """Another process commits a change in WAL mode and dies without checkpointing."""
    code = textwrap.dedent(
        """
        import os, sqlite3, sys
        conn = sqlite3.connect(sys.argv[1])
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("UPDATE organisations SET name = ?", [sys.argv[2]])
        conn.commit()
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", code, str(path), new_name], check=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0


class Terminal:
    """`python -m pdpa_check ARGS` running under a pseudo-terminal."""

    def __init__(self, *args: str | Path) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        env.pop("NO_COLOR", None)
        self.main, child = pty.openpty()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pdpa_check", *map(str, args)],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            close_fds=True,
        )
        os.close(child)
        self.seen = b""

    def _read(self, wait: float) -> str:
        """ "data", "idle" (nothing within `wait`), or "closed" (the process side is gone)."""
        ready, _, _ = select.select([self.main], [], [], wait)
        if not ready:
            return "idle"
        try:
            chunk = os.read(self.main, 65536)
        except OSError:
            return "closed"
        self.seen += chunk
        return "data" if chunk else "closed"

    def wait_for(self, expect: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while expect not in self.seen and time.monotonic() < deadline:
            if self._read(0.5) == "closed":
                break
        assert expect in self.seen, self.seen[-2000:]

    def finish(self, timeout: float = 30) -> int:
        """Wait for the process to exit (reading everything it prints); its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self._read(0.2)
            if state == "closed" or (state == "idle" and self.process.poll() is not None):
                break
        return self.process.wait(timeout=5)

    def quit(self) -> int:
        os.write(self.main, b"\x11")  # ctrl+q
        return self.finish()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.main)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


def on_a_terminal(opened: list[Terminal], *args: str | Path) -> Terminal:
    terminal = Terminal(*args)
    opened.append(terminal)
    return terminal


# R4 / R5: one app per database --------------------------------------------------------------


def test_r4_a_second_app_is_refused_naming_the_first_which_carries_on(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    db = tmp_path / "shop" / "d.db"
    build_demo(db, None)
    first = on_a_terminal(terminals, "--db", db)
    first.wait_for(b"Kampong")
    holder = held_by(db)
    assert holder is not None and holder.pid == first.process.pid and holder.command == APP

    second = on_a_terminal(terminals, "--db", db)
    code = second.finish(timeout=30)
    elapsed = time.monotonic() - second.started
    assert code == LOCKED_EXIT_CODE == 3
    text = second.seen.decode(errors="replace")
    assert "pdpa-check is already open on" in text
    assert str(db) in text
    assert f"(process {first.process.pid}, since " in text
    assert "score, plan, history" in text
    assert "Traceback" not in text
    assert "\x1b[?1049h" not in text  # the second never took over the screen
    # Refused at once, not after waiting for the lock: the first still holds it (below).
    print(f"\nR4: the second app was refused after {elapsed:.1f} s")

    # The first is unaffected: still running, and quits normally.
    assert first.process.poll() is None
    assert first.quit() == 0
    assert held_by(db) is None


def test_r5_a_killed_app_never_blocks_the_next_start(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    db = tmp_path / "d.db"
    build_demo(db, None)
    first = on_a_terminal(terminals, "--db", db)
    first.wait_for(b"Kampong")
    assert held_by(db) is not None
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert lock_path(db).exists()  # the file stays; the OS lock went with the process

    assert held_by(db) is None
    started = time.monotonic()
    with DatabaseLock(db):
        assert time.monotonic() - started < 0.5
    again = on_a_terminal(terminals, "--db", db)
    again.wait_for(b"Kampong")
    assert again.quit() == 0


def test_r5_a_killed_holder_of_the_lock_frees_it_at_once(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    code = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from pdpa_check.store.lock import DatabaseLock
        DatabaseLock(Path(sys.argv[1])).acquire()
        print("LOCKED", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "LOCKED"
        with pytest.raises(LockedError) as excinfo:
            DatabaseLock(db).acquire()
        assert excinfo.value.exit_code == 3
        assert excinfo.value.holder is not None
        assert excinfo.value.holder.pid == holder.pid
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    started = time.monotonic()
    lock = DatabaseLock(db)
    lock.acquire()
    assert time.monotonic() - started < 0.5
    mine = held_by(db)
    assert mine is not None and (mine.pid, mine.command) == (os.getpid(), APP)
    lock.release()
    assert held_by(db) is None
    assert mode(lock_path(db)) == 0o600


def test_r4_writers_are_refused_while_the_app_is_open_and_readers_work(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    build_demo(db, None)  # two completed assessments, so `diff` has something to compare
    before = answer_count(db)
    pid = str(os.getpid())
    with DatabaseLock(db, command=APP):
        for args in (
            ("answer", "acc-password-manager", "partly"),
            ("assessment", "complete"),
            ("assessment", "start"),
            ("plan", "set", "x", "--status", "done"),
            ("org", "create", "Other", "--staff", "2"),
            ("restore", "--yes"),
        ):
            refused(invoke("--db", db, *args), 3, "already open on", f"(process {pid}, since ")
        for args in (("score",), ("history",), ("plan",), ("diff",), ("locate",), ("backup",)):
            ok("--db", db, *args)
        assert f"held by the app (process {pid}" in ok("--db", db, "doctor").stdout
    assert answer_count(db) == before
    # Once the app has closed, the same writers work.
    ok("--db", db, "assessment", "start")
    ok("--db", db, "answer", "acc-password-manager", "partly")
    assert answer_count(db) > before


def test_locked_error_names_holder_and_time() -> None:
    when = dt.datetime(2026, 1, 5, 2, 42, tzinfo=dt.UTC)
    error = LockedError(Path("/x/d.db"), Holder(1234, when, APP))
    local = when.astimezone()
    assert str(error).startswith(
        f"pdpa-check is already open on /x/d.db (process 1234, since {local.day} "
        f"{local.strftime('%b %H:%M')}). Close it first"
    )
    assert error.exit_code == 3
    other = LockedError(Path("/x/d.db"), Holder(99, None, "answers import"))
    assert "`pdpa-check answers import` is using /x/d.db (process 99)" in str(other)


def test_readme_documents_exit_code_3() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert re.search(r"\| 3 \| Another pdpa-check has the database open", readme)


# Backups ------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask_value", [0o022, 0o000], indirect=True)
def test_backup_writes_a_verified_private_copy(tmp_path: Path, umask_value: int) -> None:
    db = make_db(tmp_path / "data" / "pdpa-check.db")
    result = ok("--db", db, "backup")
    (path,) = backup_dir(db).iterdir()
    assert str(path) in result.stdout
    assert re.fullmatch(r"pdpa-check-\d{8}T\d{6}Z-manual\.db", path.name)
    assert mode(path) == 0o600
    assert mode(backup_dir(db)) == 0o700
    assert check_backup(path) == "ok"
    assert answer_count(path) == answer_count(db) == 1
    assert org_name(path) == "Kopi Shop"
    # Self-contained: no -wal needed, none left behind.
    assert listing(backup_dir(db)) == [path.name]


def test_backup_works_while_the_app_is_open(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    with DatabaseLock(db):
        ok("--db", db, "backup")
    assert [b.reason for b in list_backups(db)] == [MANUAL]


def test_rotation_keeps_the_newest_per_reason_and_touches_nothing_else(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    folder = backup_dir(db)
    folder.mkdir(mode=0o700)
    canary = tmp_path / "canary.txt"
    canary.write_text("keep me")
    foreign = {
        "notes.txt": b"mine",
        "d-notes.db": b"not ours",
        "other-20200101T000000Z-manual.db": b"another database's",
        "d-20200101T000000Z-manual.db.bak": b"odd suffix",
    }
    for name, data in foreign.items():
        (folder / name).write_bytes(data)
    link = folder / "d-20000101T000000Z-manual.db"  # our shape, but a link: never followed
    link.symlink_to(canary)
    store = Store(open_database(db), db)
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    try:
        for day in range(2):
            make_backup(store.conn, db, COMPLETED, now=base + dt.timedelta(days=day))
        made = [
            make_backup(store.conn, db, MANUAL, keep=5, now=base + dt.timedelta(hours=h))
            for h in range(8)
        ]
    finally:
        store.close()
    manual = [b.path for b in list_backups(db) if b.reason == MANUAL]
    assert manual == list(reversed(made[-5:]))
    assert len([b for b in list_backups(db) if b.reason == COMPLETED]) == 2
    for name, data in foreign.items():
        assert (folder / name).read_bytes() == data
    assert link.is_symlink() and canary.read_text() == "keep me"
    assert rotate(db, MANUAL, keep=5) == []


def test_two_backups_in_the_same_second_both_kept(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    store = Store(open_database(db), db)
    now = dt.datetime(2026, 11, 27, 9, 45, tzinfo=dt.UTC)
    try:
        first = make_backup(store.conn, db, MANUAL, now=now)
        second = make_backup(store.conn, db, MANUAL, now=now)
    finally:
        store.close()
    assert first.name == "d-20261127T094500Z-manual.db"
    assert second.name == "d-20261127T094500Z-manual-2.db"
    assert [b.path for b in list_backups(db)] == [second, first]


def test_completing_an_assessment_makes_a_backup(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "d.db"
    session = new_session(db, profile)
    session.start_assessment()
    assert list_backups(db) == []
    session.complete_assessment()
    (backup,) = list_backups(db)
    assert backup.reason == COMPLETED
    assert mode(backup.path) == 0o600
    assert check_backup(backup.path) == "ok"
    conn = read_only(backup.path)
    try:
        completed = conn.execute("SELECT completed_at, score FROM assessments").fetchall()
    finally:
        conn.close()
    assert len(completed) == 1 and completed[0][0] is not None and completed[0][1] is not None
    session.store.close()


def test_cli_assessment_complete_makes_a_backup(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "assessment", "complete")
    assert [b.reason for b in list_backups(db)] == [COMPLETED]


def test_backup_list_shows_date_size_and_check(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    ok("--db", db, "backup")
    newest, oldest = list_backups(db)
    damage_a_page(newest.path)
    out = ok("--db", db, "backup", "--list").stdout
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(rows) == 2
    assert newest.path.name in rows[0] and "FAILS quick_check" in rows[0]
    assert oldest.path.name in rows[1] and " ok " in rows[1]
    assert oldest.when in rows[1] and "KB" in rows[1] and "manual" in rows[1]
    assert ok("--db", db, "restore", "--list").stdout == out


# Restore ------------------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_damaged_file_and_its_wal(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    crash_after_commit(db, "Changed After Backup")
    damage_a_page(db)
    kept_before = {"": digest(db), "-wal": digest(db.with_name("d.db-wal"))}
    refused(invoke("--db", db, "score"), 2, str(db), "`pdpa-check restore` puts it back")

    result = ok("--db", db, "restore", "--yes")
    assert "Restored" in result.stdout
    (kept,) = [
        p for p in tmp_path.iterdir() if re.fullmatch(r"d\.db\.corrupt-\d{8}T\d{6}Z", p.name)
    ]
    assert str(kept) in result.stdout
    assert digest(kept) == kept_before[""]
    assert digest(kept.with_name(kept.name + "-wal")) == kept_before["-wal"]
    assert kept.with_name(kept.name + "-shm").exists()
    # No stray -wal of the old file; the restored one has the backup's data and opens.
    assert not db.with_name("d.db-wal").exists()
    assert org_name(db) == "Kopi Shop"
    assert answer_count(db) == 1
    assert mode(db) == 0o600
    assert "Kopi Shop" in ok("--db", db, "score").stdout


def test_restore_over_a_healthy_database_keeps_it_whole_as_replaced(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    crash_after_commit(db, "Latest Name")  # committed, only in the -wal so far
    ok("--db", db, "restore", "--yes")
    (kept,) = [
        p for p in tmp_path.iterdir() if re.fullmatch(r"d\.db\.replaced-\d{8}T\d{6}Z", p.name)
    ]
    assert org_name(kept) == "Latest Name"  # its -wal came along under the matching name
    assert org_name(db) == "Kopi Shop"


def test_restore_a_chosen_backup_by_name_and_default_skips_a_bad_newest(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    ok("--db", db, "org", "create", "Second Org", "--staff", "2")
    ok("--db", db, "backup")
    newest, _ = list_backups(db)
    assert invoke("--db", db, "restore", "--yes", newest.path.name).exit_code == 0
    assert answer_count(db) == 1
    conn = read_only(db)
    assert conn.execute("SELECT count(*) FROM organisations").fetchone()[0] == 2
    conn.close()
    damage_a_page(newest.path)
    refused(invoke("--db", db, "restore", "--yes", newest.path.name), 2, "cannot restore")
    ok("--db", db, "restore", "--yes")  # the newest that passes: the older one
    conn = read_only(db)
    assert conn.execute("SELECT count(*) FROM organisations").fetchone()[0] == 1
    conn.close()


def test_restore_off_a_terminal_without_yes_changes_nothing(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    damage_a_page(db)
    before = (digest(db), listing(tmp_path), listing(backup_dir(db)))
    refused(invoke("--db", db, "restore"), 2, "--yes")
    assert (digest(db), listing(tmp_path), listing(backup_dir(db))) == before


def test_restore_without_any_good_backup_says_so(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    before = digest(db)
    refused(invoke("--db", db, "restore", "--yes"), 1, "no backup")
    assert digest(db) == before


# R7: the damaged-database message -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_database_message_offers_restore_only_when_a_backup_exists(
    kind: str, tmp_path: Path
) -> None:
    db = make_db(tmp_path / "d.db")
    DAMAGE[kind](db)
    before = digest(db)
    line = refused(invoke("--db", db, "score"), 2, str(db))
    assert "restore" not in line
    assert digest(db) == before

    db2 = make_db(tmp_path / "two" / "d.db")
    ok("--db", db2, "backup")
    (backup,) = list_backups(db2)
    DAMAGE[kind](db2)
    before = (digest(db2), listing(db2.parent))
    line = refused(invoke("--db", db2, "history"), 2, str(db2))
    assert f"A backup from {backup.when} exists: `pdpa-check restore` puts it back" in line
    assert "(your current file is kept, renamed)" in line
    assert (digest(db2), listing(db2.parent)) == before


def test_the_app_on_a_damaged_database_offers_the_restore(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    damage_a_page(db)
    before = digest(db)
    app = on_a_terminal(terminals, "--db", db)
    assert app.finish() == 2
    text = app.seen.decode(errors="replace")
    assert str(db) in text and "`pdpa-check restore` puts it back" in text
    assert "Traceback" not in text
    assert digest(db) == before


# doctor --------------------------------------------------------------------------------------

TOPICS = [
    "database",
    "integrity",
    "identity",
    "schema",
    "user-lists",
    "journal",
    "permissions",
    "lock",
    "backups",
    "sqlite",
    "python",
    "exports",
]


def doctor_lines(result: Result) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        match = re.match(r"(OK|WARN|FAIL) +(\S+) +(.*)", line)
        if match:
            lines.setdefault(match[2], []).append(f"{match[1]} {match[3]}")
    return lines


def test_doctor_on_a_healthy_database_is_all_ok(tmp_path: Path) -> None:
    db = make_db()
    ok("backup")
    result = ok("doctor")
    lines = doctor_lines(result)
    assert list(lines) == TOPICS
    assert all(entry.startswith("OK ") for entries in lines.values() for entry in entries)
    assert str(db) in lines["database"][0] and "KB" in lines["database"][0]
    assert lines["integrity"] == ["OK integrity_check: ok"]
    assert "0x50445041" in lines["identity"][0]
    assert lines["journal"] == ["OK WAL"]
    assert "free" in lines["lock"][0]
    assert "1 found" in lines["backups"][0] and "passes quick_check" in lines["backups"][0]
    assert sqlite3.sqlite_version in lines["sqlite"][0]
    assert sys.version.split()[0] in lines["python"][0]
    assert "All checks passed." in result.stdout


@pytest.mark.parametrize("umask_value", [0o022, 0o000], indirect=True)
def test_doctor_flags_and_fix_repairs_permissions(tmp_path: Path, umask_value: int) -> None:
    db = make_db()
    ok("backup")
    with DatabaseLock(db):
        pass
    data_dir, backups = db.parent, backup_dir(db)
    (backup,) = list_backups(db)
    # A fresh install is private whatever the umask (S8).
    assert mode(db) == mode(lock_path(db)) == mode(backup.path) == 0o600
    assert mode(data_dir) == mode(backups) == 0o700
    assert doctor_lines(ok("doctor"))["permissions"][0].startswith("OK ")

    db.chmod(0o644)
    data_dir.chmod(0o755)
    backup.path.chmod(0o666)
    result = invoke("doctor")
    assert result.exit_code == 1  # others could change the backup: FAIL
    permissions = doctor_lines(result)["permissions"]
    assert f"WARN {db} is 0644 (other users can read it); should be 0600" in permissions
    assert f"WARN {data_dir} is 0755 (other users can read it); should be 0700" in permissions
    assert f"FAIL {backup.path} is 0666 (other users can change it); should be 0600" in permissions
    assert "doctor --fix" in result.stdout

    before = digest(db)
    fixed = ok("doctor", "--fix")
    lines = doctor_lines(fixed)["permissions"]
    assert f"OK fixed: {db} was 0644, now 0600" in lines
    assert f"OK fixed: {data_dir} was 0755, now 0700" in lines
    assert len(lines) == 3
    assert mode(db) == mode(backup.path) == 0o600 and mode(data_dir) == 0o700
    assert digest(db) == before
    assert all(e.startswith("OK ") for e in doctor_lines(ok("doctor"))["permissions"])


def test_doctor_leaves_a_chosen_folder_alone(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    db = make_db(folder / "d.db")
    folder.chmod(0o755)
    result = ok("--db", db, "doctor", "--fix")
    (line,) = doctor_lines(result)["folder"]
    assert line.startswith("WARN ") and "not changed by --fix" in line
    assert mode(folder) == 0o755


@pytest.mark.parametrize("kind", ["one-page-overwritten", "truncated-50%", "garbage", "empty"])
def test_doctor_on_a_damaged_database_fails_without_touching_it(kind: str, tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    DAMAGE[kind](db)
    before = (digest(db), listing(tmp_path))
    result = invoke("--db", db, "doctor")
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = doctor_lines(result)
    assert lines["integrity"][0].startswith("FAIL ")
    assert "\n" not in lines["integrity"][0]
    assert {"lock", "backups", "sqlite", "python"} <= set(lines)
    assert (digest(db), listing(tmp_path)) == before


def test_doctor_on_a_damaged_database_with_a_backup_mentions_restore(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    ok("--db", db, "backup")
    damage_a_page(db)
    lines = doctor_lines(invoke("--db", db, "doctor"))
    assert "`pdpa-check restore` puts it back" in lines["integrity"][0]


def test_doctor_fails_a_database_from_a_newer_version(tmp_path: Path) -> None:
    db = make_db(tmp_path / "d.db")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('pdpa-check', '9999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    result = invoke("--db", db, "doctor")
    assert result.exit_code == 1
    (line,) = doctor_lines(result)["schema"]
    assert line.startswith("FAIL written by a newer pdpa-check") and "9999_future" in line


def test_doctor_warns_about_leftover_export_files_and_missing_backups(tmp_path: Path) -> None:
    make_db()
    exports = locations().exports
    exports.mkdir(parents=True)
    (exports / ".pdpa-check-abc123.tmp").write_text("half")
    result = ok("doctor")  # warnings alone: exit 0
    lines = doctor_lines(result)
    assert lines["exports"][0].startswith("WARN 1 temporary file")
    assert lines["backups"][0].startswith("WARN none yet")
    assert "0 failed, 2 warning(s)." in result.stdout


def test_doctor_without_a_database_warns(tmp_path: Path) -> None:
    result = ok("doctor")
    assert doctor_lines(result)["database"][0].startswith("WARN ")
    assert not locations().database.exists()


def test_demo_rebuild_is_refused_while_the_app_has_the_demo_open(tmp_path: Path) -> None:
    demo = locations().demo_database
    build_demo(demo, None)
    before = digest(demo)
    with DatabaseLock(demo):
        result = invoke("demo")
    assert result.exit_code == 3
    assert digest(demo) == before
