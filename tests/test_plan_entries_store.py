"""Per-system plan items stored before plan entries existed read back as entries.

The plan groups per-system items (`enforce-mfa/hubspot`, `enforce-mfa/shopify`)
into one entry per fix, but the stable per-system ids stay the keys in storage,
so no schema step was needed. This checks exactly that on an old-style
database: the first release's fixture (schema `0001_initial` only), with a
second per-system item of the same fix written in that schema's SQL, read
through every migration and then through a backup and a restore.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import make_fixtures
import pytest

from pdpa_check.scoring.lifecycle import entry_status
from pdpa_check.session import Session
from pdpa_check.store import Store, open_database
from pdpa_check.store.backups import make_backup, restore

TODAY = dt.date(2025, 5, 10)  # before the accepted risk's review date (2025-10-01)
SHOPIFY_EVENTS = (
    ("2025-04-25T03:00:00+00:00", "owner", "", "Siti"),
    ("2025-04-25T03:00:00+00:00", "due_date", "", "2025-06-30"),
)


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """The v0.1 database, with MFA also missing on Shopify and that system's item tracked."""
    db = tmp_path / "data" / "pdpa-check.db"
    db.parent.mkdir(mode=0o700)
    shutil.copyfile(make_fixtures.V01_DB, db)
    db.chmod(0o600)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE answers SET value = 'no' WHERE assessment_id = 2"
            " AND question_id = 'acc-mfa' AND system_key = 'shopify'"
        )
        conn.execute(
            "INSERT INTO plan_items (id, organisation_id, item_key, status, owner, due_date,"
            " risk_reason, risk_accepted_by, review_date, updated_at)"
            " VALUES (4, 1, 'enforce-mfa/shopify', 'open', 'Siti', '2025-06-30', '', '', NULL,"
            " '2025-04-25T03:00:00+00:00')"
        )
        conn.executemany(
            "INSERT INTO plan_item_events (plan_item_id, at, field, old, new)"
            " VALUES (4, ?, ?, ?, ?)",
            SHOPIFY_EVENTS,
        )
    conn.close()
    return db


def history(session: Session, item_id: str) -> list[tuple[str, str, str, str]]:
    return [
        (event.at, event.field, event.old, event.new)
        for event in session.store.plan_item_events(1, item_id)
    ]


def check_entries(session: Session) -> None:
    """The stored per-system states, owners, due dates and histories, as entries show them."""
    plan = session.assessed().plan
    mfa = plan.entry("enforce-mfa")
    assert mfa is not None
    assert mfa.item_ids == ("enforce-mfa/hubspot", "enforce-mfa/shopify")
    assert mfa.covered == (("gmail", "Google Workspace"),)
    states = session.plan_states()
    hubspot, shopify = states["enforce-mfa/hubspot"], states["enforce-mfa/shopify"]
    assert (hubspot.status, hubspot.owner, hubspot.due_date) == (
        "in_progress",
        "Raj (vendor)",
        "2025-05-31",
    )
    assert (shopify.status, shopify.owner, shopify.due_date) == ("open", "Siti", "2025-06-30")
    assert entry_status(mfa, states) == "in_progress"  # one system started, one open
    assert history(session, "enforce-mfa/hubspot") == [
        (at, field, old, new)
        for item_id, at, field, old, new in make_fixtures.PLAN_EVENTS
        if item_id == 1
    ]
    assert history(session, "enforce-mfa/shopify") == list(SHOPIFY_EVENTS)
    # Marked done while the answers still show the gap ("partly"): flagged, on its entry.
    assert "roll-out-password-manager" in session.done_but_open()
    manager = plan.entry("roll-out-password-manager")
    assert manager is not None and entry_status(manager, states) == "done"
    risk = states["set-up-log-review"]
    assert (risk.status, risk.risk_accepted_by, risk.review_date) == (
        "accepted_risk",
        "Siti (director)",
        "2025-10-01",
    )


def test_old_per_system_items_read_as_entries_after_migrations_and_restore(
    old_db: Path,
) -> None:
    session = Session(Store(open_database(old_db), old_db), None, today=lambda: TODAY)
    try:
        check_entries(session)  # every migration applied on open
        backup = make_backup(session.store.conn, old_db, "manual")
        # A change after the backup, which the restore takes away again.
        session.update_plan_item("enforce-mfa", status="done")
        assert session.plan_states()["enforce-mfa/shopify"].status == "done"
    finally:
        session.store.close()
    restore(old_db, backup)
    restored = Session(Store(open_database(old_db), old_db), None, today=lambda: TODAY)
    try:
        check_entries(restored)
        # The entry id still sets every system, each with its own history line.
        restored.update_plan_item("enforce-mfa", owner="Mei Ling")
        states = restored.plan_states()
        assert states["enforce-mfa/hubspot"].owner == states["enforce-mfa/shopify"].owner
        assert history(restored, "enforce-mfa/shopify")[-1][1:] == ("owner", "Siti", "Mei Ling")
    finally:
        restored.store.close()
