"""Reading never writes; the plan follows the answers when they change (issue 15, item 1).

The fixture leaves a plan item whose gap has closed but whose stored status
was not brought in line yet (the answer was saved straight into the store).
Every reading command and screen then shows the item as done, and the
database file stays byte for byte the same; the next write stores the change.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tui_support import make_app

from pdpa_check.cli import cli
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.services.session import Session
from pdpa_check.store.db import open_database
from pdpa_check.store.repo import Store

ITEM = "enforce-mfa/shopify"


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def digest(db: Path) -> tuple[str, bool]:
    """The database file's bytes, and whether a write-ahead log with content is beside it."""
    wal = db.with_name(db.name + "-wal")
    return hashlib.sha256(db.read_bytes()).hexdigest(), wal.exists() and wal.stat().st_size > 0


def stored_status(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        (status,) = conn.execute(
            "SELECT status FROM plan_items WHERE item_key = ?", [ITEM]
        ).fetchone()
    return str(status)


@pytest.fixture
def pending(tmp_path: Path) -> Path:
    """Assessment 1 completed (no MFA), assessment 2 open with MFA now on, item not yet closed."""
    db = tmp_path / "shop.db"
    run("--db", db, "org", "create", "Kopi Shop", "--staff", "4", "--system", "storefront:Shopify")
    run("--db", db, "answer", "acc-mfa", "no", "--system", "shopify")
    run("--db", db, "answer", "acc-password-manager", "no")
    run("--db", db, "assessment", "complete")
    run("--db", db, "assessment", "start")
    run("--db", db, "plan", "set", ITEM, "--status", "in_progress")
    store = Store(open_database(db), db)
    store.save_answer(2, Answer(question_id="acc-mfa", system_key="shopify", value="yes"))
    store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert stored_status(db) == "in_progress"
    return db


READS = [
    ("score",),
    ("score", "--json"),
    ("plan", "--format", "md"),
    ("plan", "--format", "json"),
    ("plan", "--format", "toml", "--for-vendor"),
    ("history",),
    ("diff", "1", "2"),
]


@pytest.mark.parametrize("args", READS, ids=[" ".join(args) for args in READS])
def test_reading_commands_leave_the_database_as_it_was(pending: Path, args: tuple[str]) -> None:
    before = digest(pending)
    run("--db", pending, *args)
    assert digest(pending) == before
    assert stored_status(pending) == "in_progress"


def test_reads_show_the_plan_as_the_answers_make_it(pending: Path) -> None:
    shown = run("--db", pending, "plan", "--format", "json").stdout
    assert f'"{ITEM}"' not in shown  # the gap is closed: no longer in the plan
    session = Session(Store(open_database(pending), pending), None)
    assert session.plan_states()[ITEM].status == "done"
    session.store.close()
    assert stored_status(pending) == "in_progress"


async def test_opening_the_dashboard_plan_and_results_screens_writes_nothing(
    pending: Path, tmp_path: Path
) -> None:
    before = digest(pending)
    session = Session(Store(open_database(pending), pending), None)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        for screen in ("plan", "results", "history"):
            app.go(screen)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    session.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert digest(pending) == before
    assert stored_status(pending) == "in_progress"


def test_the_next_write_stores_what_the_answers_did_to_the_plan(pending: Path) -> None:
    run("--db", pending, "answer", "gov-dpo", "yes")
    assert stored_status(pending) == "done"
    with sqlite3.connect(pending) as conn:
        by = conn.execute(
            "SELECT e.by FROM plan_item_events e JOIN plan_items p ON p.id = e.plan_item_id"
            " WHERE p.item_key = ? ORDER BY e.id DESC LIMIT 1",
            [ITEM],
        ).fetchone()
    assert by == ("pdpa-check",)


def test_changing_a_plan_item_first_stores_what_the_answers_did(pending: Path) -> None:
    plan = json.loads(run("--db", pending, "plan", "--format", "json").stdout)["plan"]
    other = next(item["id"] for item in plan if item["id"] != ITEM)
    run("--db", pending, "plan", "set", other, "--owner", "Mei Ling")
    assert stored_status(pending) == "done"


async def test_leaving_the_questions_in_the_app_stores_what_the_answers_did(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shop.db"
    run("--db", db, "org", "create", "Kopi Shop", "--staff", "4", "--system", "storefront:Shopify")
    run("--db", db, "answer", "acc-mfa", "no", "--system", "shopify")
    run("--db", db, "plan", "set", ITEM, "--status", "in_progress")
    session = Session(Store(open_database(db), db), None)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        app.go("assessment")
        await pilot.pause()
        q = session.questionnaire()
        slot = next(s for s in q.slots if s.key == ("acc-mfa", "shopify"))
        q.answer(slot, "yes")  # as the choice list does
        assert stored_status(db) == "in_progress"  # not after each answer: answering stays fast
        await pilot.press("escape")
        await pilot.pause()
        assert stored_status(db) == "done"
