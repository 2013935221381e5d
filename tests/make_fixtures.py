"""Regenerate the committed binary test fixtures, byte for byte the same each time.

    /tmp/venv/bin/python tests/make_fixtures.py           # rewrite them
    /tmp/venv/bin/python tests/make_fixtures.py --check   # exit 1 if any would change

`fixtures/db-v0.1.sqlite` (test R9) is a database as the first release (v0.1.0) left
it: only the first schema step, `0001_initial`, applied; one organisation with
three systems, two completed assessments of the 0.1.0 question bank with notes
and evidence and their recorded scores, and plan items with their history. It is
written with SQL of that schema (not today's store code, which writes columns
added later), with fixed timestamps, so the file only changes when this script
does. Released schema steps are never edited (see store/migrations.py), so the
`0001_initial` step imported here is the one v0.1.0 ran.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

from sqlite_utils import Database

from pdpa_check.store.db import APPLICATION_ID
from pdpa_check.store.migrations import migrations

FIXTURES: Final = Path(__file__).resolve().parent / "fixtures"
V01_DB: Final = FIXTURES / "db-v0.1.sqlite"

FIRST_STEP: Final = "0001_initial"
SECOND_STEP: Final = "0002_resume_point"
APPLIED_AT: Final = "2025-01-06 01:00:00.000000+00:00"

# (id, name, staff_count, sector, created_at)
ORGANISATION: Final = (1, "Kedai Runcit Pte Ltd", 6, "retail", "2025-01-06T01:00:00+00:00")
# (id, key, kind, name): names with markup and non-Latin text, to check they survive.
SYSTEMS: Final = (
    (1, "gmail", "email_suite", "Google Workspace"),
    (2, "shopify", "storefront", "Shopify [bold]shop[/]"),
    (3, "hubspot", "crm", "HubSpot 客户"),
)
BANK_ID: Final = "pdpa-sme-starter"
BANK_VERSION: Final = "0.1.0"

# Each assessment: (id, started_at, completed_at, score, band, answers), where an answer is
# (question_id, system_key, value, note, evidence). Scores are what v0.1.0 recorded on
# completion (the 0.1.0 bank, this profile and these answers).
Answer = tuple[str, str, str, str, str]
FIRST_ANSWERS: Final[tuple[Answer, ...]] = (
    ("gov-dpo", "", "no", "Nobody named yet", ""),
    ("gov-data-inventory", "", "partly", "Spreadsheet started, ยังไม่เสร็จ", ""),
    ("ai-in-use", "", "no", "", ""),
    ("acc-mfa", "gmail", "yes", "", "Admin console screenshot, Jan"),
    ("acc-mfa", "shopify", "no", "Staff share the owner login", ""),
    ("acc-mfa", "hubspot", "unknown", "", ""),
    ("acc-shared-logins", "gmail", "yes", "", ""),
    ("acc-shared-logins", "shopify", "no", "", ""),
    ("acc-shared-logins", "hubspot", "partly", "", ""),
    ("acc-password-manager", "", "no", "", ""),
    ("lvr-days-to-remove", "", "14", "When someone remembers", ""),
    ("lvr-outside-access", "", "unknown", "", ""),
    ("access-least-privilege", "", "partly", "", ""),
    ("access-export-rights", "", "no", "", ""),
    ("access-export-files", "", "no", "Old CSVs in the shared drive", ""),
    ("mon-audit-logs", "", "no", "", ""),
    ("bkp-method", "", "manual", "Weekly export to a USB stick", ""),
    ("bkp-restore-tested", "", "no", "", ""),
    ("inc-plan", "", "no", "", ""),
    ("inc-lead-names", "", "Siti; deputy Wei Ming", "", ""),
)
SECOND_ANSWERS: Final[tuple[Answer, ...]] = (
    ("gov-dpo", "", "yes", "Siti, named on the website", "https://example.sg/privacy"),
    ("gov-data-inventory", "", "yes", "", "Data map v2 in the shared drive"),
    ("ai-in-use", "", "no", "", ""),
    ("acc-mfa", "gmail", "yes", "", ""),
    ("acc-mfa", "shopify", "yes", "Staff accounts created, MFA on", "Shopify staff page"),
    ("acc-mfa", "hubspot", "partly", "Owner only [bold]for now[/]", ""),
    ("acc-shared-logins", "gmail", "yes", "", ""),
    ("acc-shared-logins", "shopify", "yes", "", ""),
    ("acc-shared-logins", "hubspot", "yes", "", ""),
    ("acc-password-manager", "", "partly", "Trial of a password manager", ""),
    ("lvr-days-to-remove", "", "2", "", ""),
    ("lvr-outside-access", "", "yes", "", ""),
    ("access-least-privilege", "", "yes", "", ""),
    ("access-export-rights", "", "partly", "", ""),
    ("access-export-files", "", "yes", "Deleted the old CSVs", ""),
    ("access-connected-apps", "", "unknown", "", ""),
    ("mon-audit-logs", "", "partly", "", ""),
    ("mon-alerts", "", "yes", "", ""),
    ("bkp-method", "", "automatic", "", ""),
    ("bkp-restore-tested", "", "unknown", "", ""),
    ("inc-plan", "", "partly", "Draft கையேடு", ""),
    ("inc-lead-names", "", "Siti; deputy Wei Ming", "", ""),
    ("inc-notify-rule", "", "no", "", ""),
)
ASSESSMENTS: Final = (
    (
        1,
        "2025-01-06T02:00:00+00:00",
        "2025-01-20T09:30:00+00:00",
        13.743961353,
        "poor",
        FIRST_ANSWERS,
    ),
    (
        2,
        "2025-04-07T02:00:00+00:00",
        "2025-04-21T09:30:00+00:00",
        66.919843442,
        "weak",
        SECOND_ANSWERS,
    ),
)
# (id, item_key, status, owner, due_date, risk_reason, risk_accepted_by, review_date, updated_at)
PLAN_ITEMS: Final = (
    (1, "enforce-mfa/hubspot", "in_progress", "Raj (vendor)", "2025-05-31", "", "", None,
     "2025-04-22T03:00:00+00:00"),
    (2, "roll-out-password-manager", "done", "Siti", None, "", "", None,
     "2025-04-23T03:00:00+00:00"),
    (3, "set-up-log-review", "accepted_risk", "", None, "Too small to review logs weekly",
     "Siti (director)", "2025-10-01", "2025-04-24T03:00:00+00:00"),
)  # fmt: skip
# (plan_item_id, at, field, old, new)
PLAN_EVENTS: Final = (
    (1, "2025-04-22T03:00:00+00:00", "status", "open", "in_progress"),
    (1, "2025-04-22T03:00:00+00:00", "owner", "", "Raj (vendor)"),
    (1, "2025-04-22T03:00:00+00:00", "due_date", "", "2025-05-31"),
    (2, "2025-04-23T03:00:00+00:00", "status", "open", "done"),
    (2, "2025-04-23T03:00:00+00:00", "owner", "", "Siti"),
    (3, "2025-04-24T03:00:00+00:00", "status", "open", "accepted_risk"),
    (3, "2025-04-24T03:00:00+00:00", "risk_reason", "", "Too small to review logs weekly"),
    (3, "2025-04-24T03:00:00+00:00", "risk_accepted_by", "", "Siti (director)"),
    (3, "2025-04-24T03:00:00+00:00", "review_date", "", "2025-10-01"),
)


def build_v01(path: Path) -> None:
    """Write the v0.1.0 database to `path` (which must not exist)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn, execute_plugins=False)
        migrations.apply(db, stop_before=SECOND_STEP)
        applied = [m.name for m in migrations.applied(db)]
        assert applied == [FIRST_STEP], applied
        with conn:
            _insert_data(conn)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _insert_data(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE _sqlite_migrations SET applied_at = ?", [APPLIED_AT])
    conn.execute(
        "INSERT INTO organisations (id, name, staff_count, sector, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        ORGANISATION,
    )
    conn.executemany(
        "INSERT INTO systems (id, organisation_id, key, kind, name) VALUES (?, 1, ?, ?, ?)",
        SYSTEMS,
    )
    for assessment_id, started, completed, score, band, answers in ASSESSMENTS:
        conn.execute(
            "INSERT INTO assessments (id, organisation_id, bank_id, bank_version, started_at,"
            " completed_at, carried_from, score, band) VALUES (?, 1, ?, ?, ?, ?, NULL, ?, ?)",
            [assessment_id, BANK_ID, BANK_VERSION, started, completed, score, band],
        )
        conn.executemany(
            "INSERT INTO answers (assessment_id, question_id, system_key, value, note, evidence,"
            " answered_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(assessment_id, *answer, started, started) for answer in answers],
        )
    conn.executemany(
        "INSERT INTO plan_items (id, organisation_id, item_key, status, owner, due_date,"
        " risk_reason, risk_accepted_by, review_date, updated_at)"
        " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        PLAN_ITEMS,
    )
    conn.executemany(
        "INSERT INTO plan_item_events (plan_item_id, at, field, old, new) VALUES (?, ?, ?, ?, ?)",
        PLAN_EVENTS,
    )


def built_bytes(builder: Callable[[Path], None] = build_v01) -> bytes:
    """What `builder` writes, built in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "fixture.db"
        builder(target)
        return target.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report what would change")
    args = parser.parse_args(argv)
    stale = 0
    for target, builder in ((V01_DB, build_v01),):
        data = built_bytes(builder)
        current = target.read_bytes() if target.exists() else b""
        digest = hashlib.sha256(data).hexdigest()[:16]
        if data == current:
            print(f"{target.name}: up to date ({digest})")
            continue
        stale += 1
        if args.check:
            print(f"{target.name}: would change ({digest})")
            continue
        FIXTURES.mkdir(exist_ok=True)
        target.write_bytes(data)
        print(f"{target.name}: written ({len(data)} bytes, {digest})")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
