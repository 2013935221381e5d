"""The store: safe create and open, migrations, durable writes (R1, R3, R6, R7, R10, S8)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_support import digest, listing, mode
from sqlite_utils import Database, Migrations

import pdpa_check.store.db as db_module
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.store import repo as repo_module
from pdpa_check.store.checked import stamp_path, unchanged_since_clean_close
from pdpa_check.store.db import (
    APPLICATION_ID,
    StoreError,
    backup_dir,
    create_database,
    open_database,
)
from pdpa_check.store.repo import Store

# Helpers -------------------------------------------------------------------


def independent(path: Path) -> sqlite3.Connection:
    """A plain connection that shares nothing with the app's connection."""
    return sqlite3.connect(path)


def answer_rows(path: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
    conn = independent(path)
    try:
        rows = conn.execute(
            "SELECT question_id, system_key, value, note, evidence FROM answers"
        ).fetchall()
    finally:
        conn.close()
    return {(q, s): (v, n, e) for q, s, v, n, e in rows}


def new_store(path: Path) -> Store:
    return Store(create_database(path), path)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "pdpa-check.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    st = new_store(db_path)
    yield st
    st.close()


@pytest.fixture
def org_and_assessment(store: Store, profile: Profile) -> tuple[int, int]:
    org_id = store.create_organisation(profile)
    return org_id, store.start_assessment(org_id, "pdpa-sme-starter", "0.1.0")


def populated_database(path: Path, answers: int = 10) -> Path:
    """A closed pdpa-check database with one organisation and `answers` answers."""
    st = new_store(path)
    org_id = st.create_organisation(Profile(name="Populated Pte Ltd", staff_count=3))
    aid = st.start_assessment(org_id, "pdpa-sme-starter", "0.1.0")
    st.replace_answers(
        aid,
        [
            Answer(question_id=f"q{i:04d}", value="yes", note=f"note {i} " + "n" * 150)
            for i in range(answers)
        ],
    )
    st.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


# Creating ------------------------------------------------------------------


@pytest.mark.parametrize("umask_value", [0o022, 0o000], indirect=True)
def test_create_database_file_0600_in_new_folder_0700(tmp_path: Path, umask_value: int) -> None:
    path = tmp_path / "missing" / "pdpa-check.db"
    db = create_database(path)
    try:
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        db.execute("CREATE TABLE scratch (x)")
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO scratch VALUES (1)")
        db.execute("COMMIT")
        sidecars = [path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        for sidecar in sidecars:
            assert sidecar.exists(), sidecar
            assert mode(sidecar) == 0o600, sidecar
    finally:
        db.close()


@pytest.mark.parametrize("umask_value", [0o022, 0o000], indirect=True)
def test_create_database_every_created_folder_is_0700(tmp_path: Path, umask_value: int) -> None:
    (tmp_path / "existing").mkdir(mode=0o755)
    (tmp_path / "existing").chmod(0o755)
    path = tmp_path / "existing" / "a" / "b" / "pdpa-check.db"
    create_database(path).close()
    for folder in (tmp_path / "existing" / "a", tmp_path / "existing" / "a" / "b"):
        assert mode(folder) == 0o700, f"{folder} is {oct(mode(folder))}"
    assert mode(tmp_path / "existing") == 0o755  # folders that existed are left alone
    assert mode(path) == 0o600


def test_create_database_refuses_an_existing_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="already exists") as excinfo:
        create_database(db_path)
    assert str(db_path) in str(excinfo.value)
    assert db_path.read_bytes() == b"precious"


def test_create_database_refuses_an_existing_database(db_path: Path) -> None:
    populated_database(db_path)
    before = digest(db_path)
    with pytest.raises(StoreError):
        create_database(db_path)
    assert digest(db_path) == before


def test_create_database_does_not_follow_a_dangling_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim.db"
    link = tmp_path / "pdpa-check.db"
    link.symlink_to(victim)
    with pytest.raises(StoreError):
        create_database(link)
    assert not victim.exists()
    assert link.is_symlink()


# Opening: settings -----------------------------------------------------------


def test_open_database_settings(db_path: Path) -> None:
    populated_database(db_path)
    db = open_database(db_path)
    try:
        other = independent(db_path)
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        other.close()
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x50445041
    finally:
        db.close()


def test_create_database_settings_match_open(db_path: Path) -> None:
    db = create_database(db_path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    finally:
        db.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.start_assessment(999, "pdpa-sme-starter", "0.1.0")
    assert not store.conn.in_transaction


# Opening: refusals ---------------------------------------------------------------


def test_open_database_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "pdpa-check.db"
    with pytest.raises(StoreError, match="no database") as excinfo:
        open_database(path)
    assert str(path) in str(excinfo.value)
    assert not path.parent.exists()

    folder = tmp_path / "empty"
    folder.mkdir()
    with pytest.raises(StoreError):
        open_database(folder / "pdpa-check.db")
    assert listing(folder) == []


def _make_folder(path: Path, source: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("keep")


def _make_empty(path: Path, source: Path) -> None:
    path.write_bytes(b"")


def _make_garbage(path: Path, source: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(20_000))


def _make_zeroed_header(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(bytes(16) + data[16:])


def _make_truncated(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _make_other_app(path: Path, source: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany("INSERT INTO notes (body) VALUES (?)", [(f"n{i}",) for i in range(50)])
    conn.commit()
    conn.close()


def _make_other_app_id(path: Path, source: Path) -> None:
    _make_other_app(path, source)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()


BAD_FILES: dict[str, Callable[[Path, Path], None]] = {
    "folder": _make_folder,
    "empty": _make_empty,
    "garbage": _make_garbage,
    "zeroed-header": _make_zeroed_header,
    "truncated-50%": _make_truncated,
    "other-app": _make_other_app,
    "other-app-id": _make_other_app_id,
}


def _fingerprint(path: Path) -> str:
    if path.is_dir():
        return repr(listing(path)) + (path / "inside.txt").read_text()
    return digest(path)


@pytest.fixture(scope="module")
def good_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return populated_database(tmp_path_factory.mktemp("good") / "good.db", answers=300)


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_open_database_refuses_bad_files_untouched(
    kind: str, tmp_path: Path, good_database: Path
) -> None:
    path = tmp_path / "pdpa-check.db"
    BAD_FILES[kind](path, good_database)
    before = _fingerprint(path)
    with pytest.raises(StoreError) as excinfo:
        open_database(path)
    assert str(path) in str(excinfo.value)
    assert excinfo.value.exit_code == 2
    assert "Traceback" not in str(excinfo.value)
    assert _fingerprint(path) == before


@pytest.mark.parametrize(
    "kind",
    [name for name in BAD_FILES if name != "folder"],
)
def test_open_database_refusal_leaves_folder_as_it_was(
    kind: str, tmp_path: Path, good_database: Path
) -> None:
    path = tmp_path / "pdpa-check.db"
    BAD_FILES[kind](path, good_database)
    before = listing(tmp_path)
    with pytest.raises(StoreError) as excinfo:
        open_database(path)
    # While the error (and so its traceback) is alive, nothing may be left open.
    assert excinfo.value.exit_code == 2
    assert listing(tmp_path) == before


def test_open_database_one_damaged_page_is_reported_untouched(
    tmp_path: Path, good_database: Path
) -> None:
    path = tmp_path / "pdpa-check.db"
    data = bytearray(good_database.read_bytes())
    page_size = 4096
    pages = len(data) // page_size
    assert pages >= 20, "the database should span many pages"
    # A page in the middle, never page 1 (the header page).
    target = pages // 2
    data[target * page_size : (target + 1) * page_size] = random.Random(7).randbytes(page_size)
    path.write_bytes(bytes(data))
    # Precondition: the damage is real and only an integrity check sees it.
    probe = independent(path)
    try:
        status = probe.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        status = str(error)
    probe.close()
    assert status != "ok"
    before = digest(path)
    with pytest.raises(StoreError) as excinfo:
        open_database(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert "damaged" in message or "malformed" in message or "cannot be read" in message
    assert excinfo.value.exit_code == 2
    assert digest(path) == before


# Migrations --------------------------------------------------------------------


def migrations_plus(*steps: tuple[str, Callable[[Database], None]]) -> Migrations:
    """A copy of the app's migration set with extra steps at the end."""
    extended = Migrations("pdpa-check")
    for migration in db_module.migration_set()._migrations:
        extended(name=migration.name)(migration.fn)
    for name, fn in steps:
        extended(name=name)(fn)
    return extended


def use_migrations(monkeypatch: pytest.MonkeyPatch, steps: Migrations) -> None:
    """Make the store use `steps` as its schema, as a newer release would."""
    monkeypatch.setattr(db_module, "migration_set", lambda: steps)
    names = tuple(migration.name for migration in steps._migrations)
    monkeypatch.setattr(db_module, "SCHEMA_STEPS", names)


def test_schema_steps_name_every_migration() -> None:
    names = tuple(m.name for m in db_module.migration_set()._migrations)
    assert names == db_module.SCHEMA_STEPS


def applied_names(path: Path) -> list[str]:
    conn = independent(path)
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'pdpa-check' ORDER BY rowid"
    ).fetchall()
    conn.close()
    return [row[0] for row in rows]


def test_fresh_database_has_every_migration(db_path: Path) -> None:
    create_database(db_path).close()
    assert applied_names(db_path) == [m.name for m in db_module.migration_set()._migrations]


def test_database_from_newer_version_is_refused(db_path: Path) -> None:
    populated_database(db_path)
    conn = independent(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ("pdpa-check", "9999_from_the_future", "2030-01-01 00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(StoreError, match="newer version") as excinfo:
        open_database(db_path)
    assert "9999_from_the_future" in str(excinfo.value)
    assert str(db_path) in str(excinfo.value)
    assert digest(db_path) == before


def test_other_migration_sets_are_ignored(db_path: Path) -> None:
    populated_database(db_path)
    conn = independent(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ("some-plugin", "0001_plugin", "2030-01-01 00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    open_database(db_path).close()


def _add_website(db: Database) -> None:
    db.table("organisations").add_column("website", str)
    db.execute("UPDATE organisations SET website = 'https://example.sg'")


def test_pending_migration_is_backed_up_then_applied(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populated_database(db_path, answers=25)
    use_migrations(monkeypatch, migrations_plus(("0099_website", _add_website)))
    db = open_database(db_path)
    try:
        assert "website" in Database(db).table("organisations").columns_dict
        assert db.execute("SELECT website FROM organisations").fetchone()[0] == (
            "https://example.sg"
        )
    finally:
        db.close()
    assert applied_names(db_path)[-1] == "0099_website"

    folder = backup_dir(db_path)
    assert folder == db_path.parent / "backups"
    backups = list(folder.glob("*.db"))
    assert len(backups) == 1
    backup = backups[0]
    assert backup.name.startswith("pdpa-check-")
    assert mode(backup) == 0o600
    assert mode(folder) == 0o700
    conn = independent(backup)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        columns = [row[1] for row in conn.execute("PRAGMA table_info(organisations)")]
        assert "website" not in columns
        assert conn.execute("SELECT name FROM organisations").fetchall() == [("Populated Pte Ltd",)]
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 25
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert "0099_website" not in names
    finally:
        conn.close()

    # Nothing pending any more: a second open takes no new backup.
    open_database(db_path).close()
    assert len(list(folder.glob("*.db"))) == 1


def test_no_backup_when_nothing_is_pending(db_path: Path) -> None:
    populated_database(db_path)
    open_database(db_path).close()
    assert not backup_dir(db_path).exists()


def test_failing_migration_leaves_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populated_database(db_path, answers=5)
    before = applied_names(db_path)

    def explode(db: Database) -> None:
        db.table("half_done").create({"id": int}, pk="id")
        db.execute("UPDATE organisations SET name = 'CHANGED'")
        raise RuntimeError("boom in step 0099")

    use_migrations(monkeypatch, migrations_plus(("0099_explode", explode)))
    with pytest.raises((RuntimeError, StoreError), match="boom"):
        open_database(db_path)

    assert applied_names(db_path) == before
    conn = independent(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
        assert conn.execute("SELECT name FROM organisations").fetchone()[0] == "Populated Pte Ltd"
    finally:
        conn.close()
    backups = list(backup_dir(db_path).glob("*.db"))
    assert len(backups) == 1

    # The current code still opens it, and the step stays pending for a rerun.
    monkeypatch.undo()
    db = open_database(db_path)
    db.close()
    rerun = migrations_plus(("0099_explode", _add_website))
    use_migrations(monkeypatch, rerun)
    open_database(db_path).close()
    assert applied_names(db_path) == [*before, "0099_explode"]


# Store ---------------------------------------------------------------------------


def test_organisation_profile_round_trips(store: Store, profile: Profile) -> None:
    org_id = store.create_organisation(profile)
    assert store.profile(org_id) == profile
    (org,) = store.organisations()
    assert (org.id, org.name, org.staff_count, org.sector) == (org_id, "Test Shop", 5, "ecommerce")
    assert org.created_at.endswith("+00:00")


def test_organisation_without_systems(store: Store) -> None:
    profile = Profile(name="Solo", staff_count=1, sector="services")
    org_id = store.create_organisation(profile)
    assert store.profile(org_id) == profile


def test_find_organisation(store: Store, profile: Profile) -> None:
    with pytest.raises(StoreError, match="no organisation yet"):
        store.find_organisation(None)
    first = store.create_organisation(profile)
    assert store.find_organisation(None).id == first
    second = store.create_organisation(
        Profile(name="Kopi & Kaya Pte. Ltd.", staff_count=12, systems=(profile.systems[0],))
    )
    with pytest.raises(StoreError, match="several organisations"):
        store.find_organisation(None)
    assert store.find_organisation(str(first)).id == first
    assert store.find_organisation(str(second)).id == second
    assert store.find_organisation("kopi & kaya pte. ltd.").id == second
    assert store.find_organisation("TEST SHOP").id == first
    with pytest.raises(StoreError, match="no organisation called"):
        store.find_organisation("Nobody")
    with pytest.raises(StoreError, match="no organisation called"):
        store.find_organisation("999")


def test_find_organisation_ambiguous_name_is_an_error(store: Store) -> None:
    store.create_organisation(Profile(name="Acme", staff_count=2))
    store.create_organisation(Profile(name="ACME", staff_count=3))
    with pytest.raises(StoreError):
        store.find_organisation("acme")


def test_assessment_lifecycle(store: Store, profile: Profile) -> None:
    org_id = store.create_organisation(profile)
    assert store.current_assessment(org_id) is None
    assert store.open_assessment(org_id) is None
    first = store.start_assessment(
        org_id, "pdpa-sme-starter", "0.1.0", started_at="2026-01-01T00:00:00+00:00"
    )
    assert store.open_assessment(org_id).id == first  # type: ignore[union-attr]
    assert store.current_assessment(org_id).id == first  # type: ignore[union-attr]
    store.complete_assessment(first, 61.5, "fair", completed_at="2026-01-05T00:00:00+00:00")
    assert store.open_assessment(org_id) is None
    row = store.current_assessment(org_id)
    assert row is not None
    assert (row.id, row.score, row.band, row.completed_at) == (
        first,
        61.5,
        "fair",
        "2026-01-05T00:00:00+00:00",
    )
    second = store.start_assessment(
        org_id, "pdpa-sme-starter", "0.1.0", started_at="2026-04-01T00:00:00+00:00"
    )
    assert store.current_assessment(org_id).id == second  # type: ignore[union-attr]
    store.complete_assessment(second, 70.0, "fair", completed_at="2026-04-02T00:00:00+00:00")
    assert store.current_assessment(org_id).id == second  # type: ignore[union-attr]
    assert [a.id for a in store.assessments(org_id)] == [first, second]
    assert store.assessment(org_id, first).score == 61.5
    with pytest.raises(StoreError):
        store.assessment(org_id, 999)


def test_save_answer_is_committed_before_returning(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    _, aid = org_and_assessment
    answer = Answer(question_id="acc-mfa", system_key="gmail", value="no", note="n", evidence="e")
    store.save_answer(aid, answer)
    assert not store.conn.in_transaction
    # Another connection sees it at once, and can write straight after (no lock held).
    assert answer_rows(db_path) == {("acc-mfa", "gmail"): ("no", "n", "e")}
    other = independent(db_path)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    assert store.answers(aid) == {answer.key: answer}


def test_save_answer_upserts_on_question_and_system(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    _, aid = org_and_assessment
    store.save_answer(aid, Answer(question_id="acc-mfa", system_key="gmail", value="no"))
    store.save_answer(aid, Answer(question_id="acc-mfa", system_key="shopify", value="yes"))
    store.save_answer(
        aid, Answer(question_id="acc-mfa", system_key="gmail", value="partly", note="half")
    )
    assert answer_rows(db_path) == {
        ("acc-mfa", "gmail"): ("partly", "half", ""),
        ("acc-mfa", "shopify"): ("yes", "", ""),
    }


def test_clear_answer(store: Store, db_path: Path, org_and_assessment: tuple[int, int]) -> None:
    _, aid = org_and_assessment
    store.save_answer(aid, Answer(question_id="gov-dpo", value="yes"))
    store.save_answer(aid, Answer(question_id="acc-mfa", system_key="gmail", value="no"))
    store.clear_answer(aid, ("gov-dpo", ""))
    store.clear_answer(aid, ("never-there", ""))
    assert set(answer_rows(db_path)) == {("acc-mfa", "gmail")}


def test_replace_answers_saves_and_clears_together(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    _, aid = org_and_assessment
    store.save_answer(aid, Answer(question_id="q1", value="yes"))
    store.save_answer(aid, Answer(question_id="q2", value="no"))
    store.replace_answers(
        aid,
        [Answer(question_id="q1", value="no"), Answer(question_id="q3", value="partly")],
        cleared=[("q2", "")],
    )
    assert answer_rows(db_path) == {("q1", ""): ("no", "", ""), ("q3", ""): ("partly", "", "")}


def test_replace_answers_is_all_or_nothing(
    store: Store,
    db_path: Path,
    org_and_assessment: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, aid = org_and_assessment
    store.save_answer(aid, Answer(question_id="q1", value="yes", note="original"))
    store.save_answer(aid, Answer(question_id="q2", value="no"))
    before = answer_rows(db_path)
    real_row = repo_module._answer_row

    def sabotaged(
        assessment_id: int, answer: Answer, stamp: str | None = None
    ) -> dict[str, object]:
        row = real_row(assessment_id, answer, stamp)
        if answer.question_id == "q-bad":
            row["value"] = None  # violates NOT NULL, after other rows were prepared
        return row

    monkeypatch.setattr(repo_module, "_answer_row", sabotaged)
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_answers(
            aid,
            [
                Answer(question_id="q1", value="no", note="changed"),
                Answer(question_id="q-bad", value="x"),
                Answer(question_id="q3", value="yes"),
            ],
            cleared=[("q2", "")],
        )
    assert not store.conn.in_transaction
    assert answer_rows(db_path) == before
    monkeypatch.undo()
    store.save_answer(aid, Answer(question_id="q4", value="yes"))
    assert ("q4", "") in answer_rows(db_path)


def plan_events(path: Path) -> list[tuple[str, str, str]]:
    conn = independent(path)
    rows = conn.execute("SELECT field, old, new FROM plan_item_events ORDER BY id").fetchall()
    conn.close()
    return rows


def test_update_plan_item_records_each_changed_field(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    org_id, _ = org_and_assessment
    key = "enforce-mfa/shopify"
    store.update_plan_item(org_id, key, status="in_progress", owner="Raj")
    assert plan_events(db_path) == [("status", "open", "in_progress"), ("owner", "", "Raj")]
    store.update_plan_item(org_id, key, status="in_progress", owner="Mei", due_date=None)
    assert plan_events(db_path)[2:] == [("owner", "Raj", "Mei")]
    store.update_plan_item(org_id, key, status="in_progress", owner="Mei")
    assert len(plan_events(db_path)) == 3
    store.update_plan_item(org_id, key, due_date="2026-03-31")
    assert plan_events(db_path)[3:] == [("due_date", "", "2026-03-31")]
    state = store.plan_states(org_id)[key]
    assert (state.status, state.owner, state.due_date) == ("in_progress", "Mei", "2026-03-31")


def test_update_plan_item_refuses_an_invalid_status(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    org_id, _ = org_and_assessment
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.update_plan_item(org_id, "new-item", status="finished")
    assert store.plan_states(org_id) == {}
    store.update_plan_item(org_id, "item", status="done")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        store.update_plan_item(org_id, "item", status="DONE", owner="Someone")
    assert store.plan_states(org_id)["item"].status == "done"
    assert store.plan_states(org_id)["item"].owner == ""
    assert plan_events(db_path) == [("status", "open", "done")]
    assert not store.conn.in_transaction


def test_update_plan_item_refuses_unknown_fields(
    store: Store, db_path: Path, org_and_assessment: tuple[int, int]
) -> None:
    org_id, _ = org_and_assessment
    for field in ("id", "organisation_id", "updated_at", "status = 'done' --"):
        with pytest.raises(ValueError, match="not plan item fields"):
            store.update_plan_item(org_id, "item", **{field: "1"})
    assert store.plan_states(org_id) == {}
    assert plan_events(db_path) == []


# Concurrency (R6, small) -----------------------------------------------------------


def test_two_stores_interleaving_writes(
    db_path: Path, org_and_assessment: tuple[int, int], store: Store
) -> None:
    _, aid = org_and_assessment
    per_thread = 200
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(tag: str) -> None:
        try:
            st = Store(open_database(db_path), db_path)  # connections are thread-bound
            try:
                barrier.wait(timeout=10)
                for i in range(per_thread):
                    st.save_answer(aid, Answer(question_id=f"{tag}-{i:03d}", value="yes"))
            finally:
                st.close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = answer_rows(db_path)
    assert len(rows) == 2 * per_thread
    assert {f"a-{i:03d}" for i in range(per_thread)} <= {q for q, _ in rows}
    assert {f"b-{i:03d}" for i in range(per_thread)} <= {q for q, _ in rows}


# Crash safety (R1, small) -------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from pdpa_check.questionnaires.answers import Answer
    from pdpa_check.store.repo import Store
    from pdpa_check.store.db import open_database

    path, assessment_id, run = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    store = Store(open_database(path), path)
    print("READY", flush=True)
    n = 0
    while True:
        answer = Answer(question_id=f"{run}-{n}", value="yes", note="x" * 200)
        store.save_answer(assessment_id, answer)
        print(f"ACK {n}", flush=True)
        n += 1
    """
)


def test_sigkill_loses_no_acknowledged_answer(db_path: Path) -> None:
    st = new_store(db_path)
    org_id = st.create_organisation(Profile(name="Crash Ltd", staff_count=2))
    aid = st.start_assessment(org_id, "pdpa-sme-starter", "0.1.0")
    st.close()
    rng = random.Random(20260115)
    total_acks = 0
    for run in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db_path), str(aid), f"r{run}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        if first != "READY\n":
            proc.kill()
            proc.wait()
            pytest.fail(f"child did not start: {first!r} {proc.stderr.read()}")
        time.sleep(rng.uniform(0.3, 0.8))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        out = proc.stdout.read()
        proc.stdout.close()
        proc.stderr.close()
        acked = [
            int(line.split()[1]) for line in out.splitlines(keepends=True) if line.endswith("\n")
        ]
        assert acked, "the child acknowledged nothing before it was killed"
        total_acks += len(acked)

        conn = independent(db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT question_id FROM answers WHERE question_id LIKE ?", [f"r{run}-%"]
                )
            }
        finally:
            conn.close()
        missing = {f"r{run}-{n}" for n in acked} - stored
        assert not missing, f"run {run}: acknowledged but lost: {sorted(missing)[:5]}"
    # The app reopens the database without any prompt or repair.
    db = open_database(db_path)
    try:
        assert db.execute("SELECT count(*) FROM answers").fetchone()[0] >= total_acks
    finally:
        db.close()


# Start-up check after a clean close (store/checked.py) ---------------------------


def damage_one_page(path: Path) -> None:
    """Overwrite a middle page in place: only an integrity check would notice."""
    page_size = 4096
    with path.open("r+b") as handle:
        handle.seek((path.stat().st_size // page_size // 2) * page_size)
        handle.write(random.Random(7).randbytes(page_size))


def test_a_cleanly_closed_file_is_not_rescanned_but_any_change_is(db_path: Path) -> None:
    populated_database(db_path, answers=300)
    Store(open_database(db_path), db_path).close()
    assert unchanged_since_clean_close(db_path)
    damage_one_page(db_path)
    assert not unchanged_since_clean_close(db_path)
    before = digest(db_path)
    with pytest.raises(StoreError, match=r"damaged|malformed|cannot be read"):
        open_database(db_path)
    assert digest(db_path) == before


def test_putting_the_modification_time_back_does_not_hide_a_change(db_path: Path) -> None:
    populated_database(db_path, answers=300)
    Store(open_database(db_path), db_path).close()
    info = db_path.stat()
    damage_one_page(db_path)
    os.utime(db_path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert db_path.stat().st_size == info.st_size
    with pytest.raises(StoreError, match=r"damaged|malformed|cannot be read"):
        open_database(db_path)


def test_the_check_runs_while_another_connection_has_the_file_open(db_path: Path) -> None:
    populated_database(db_path)
    Store(open_database(db_path), db_path).close()
    other = Store(open_database(db_path), db_path)  # keeps the -wal file in place
    try:
        assert not unchanged_since_clean_close(db_path)
        Store(open_database(db_path), db_path).close()  # closes while `other` is open
        assert not stamp_path(db_path).exists()
    finally:
        other.close()
    assert unchanged_since_clean_close(db_path)


def test_a_damaged_stamp_only_means_a_full_check(db_path: Path) -> None:
    populated_database(db_path)
    Store(open_database(db_path), db_path).close()
    stamp_path(db_path).write_text("{not json")
    assert not unchanged_since_clean_close(db_path)
    Store(open_database(db_path), db_path).close()
    assert unchanged_since_clean_close(db_path)
    assert stamp_path(db_path).stat().st_mode & 0o777 == 0o600
