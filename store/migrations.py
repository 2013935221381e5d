"""Schema history. Each step runs in its own transaction with its record.

Never edit a released step: add a new one. No journal_mode pragmas here
(SQLite refuses them inside a transaction).
"""

from __future__ import annotations

import uuid

from sqlite_utils import Database, Migrations

migrations = Migrations("pdpa-check")

# Released schema steps keep their own copy: the list a step was written with never changes.
PLAN_STATUSES = ("open", "in_progress", "done", "accepted_risk")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db.table("organisations").create(
        {"id": int, "name": str, "staff_count": int, "sector": str, "created_at": str},
        pk="id",
        not_null={"name", "staff_count", "sector", "created_at"},
        strict=True,
    )
    db.table("systems").create(
        {"id": int, "organisation_id": int, "key": str, "kind": str, "name": str},
        pk="id",
        not_null={"organisation_id", "key", "kind", "name"},
        foreign_keys=[("organisation_id", "organisations", "id")],
        strict=True,
    )
    db.table("systems").create_index(["organisation_id", "key"], unique=True)
    db.table("assessments").create(
        {
            "id": int,
            "organisation_id": int,
            "bank_id": str,
            "bank_version": str,
            "started_at": str,
            "completed_at": str,
            "carried_from": int,
            "score": float,
            "band": str,
        },
        pk="id",
        not_null={"organisation_id", "bank_id", "bank_version", "started_at"},
        foreign_keys=[
            ("organisation_id", "organisations", "id"),
            ("carried_from", "assessments", "id"),
        ],
        strict=True,
    )
    db.table("assessments").create_index(["organisation_id", "started_at"])
    db.table("answers").create(
        {
            "assessment_id": int,
            "question_id": str,
            "system_key": str,
            "value": str,
            "note": str,
            "evidence": str,
            "answered_at": str,
            "confirmed_at": str,
        },
        pk=("assessment_id", "question_id", "system_key"),
        not_null={
            "assessment_id",
            "question_id",
            "system_key",
            "value",
            "note",
            "evidence",
            "answered_at",
        },
        defaults={"system_key": "", "note": "", "evidence": ""},
        foreign_keys=[("assessment_id", "assessments", "id")],
        strict=True,
    )
    statuses = ", ".join(f"'{status}'" for status in PLAN_STATUSES)
    db.execute(
        f"""
        CREATE TABLE plan_items (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            item_key TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({statuses})),
            owner TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            risk_reason TEXT NOT NULL DEFAULT '',
            risk_accepted_by TEXT NOT NULL DEFAULT '',
            review_date TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (organisation_id, item_key)
        ) STRICT
        """
    )
    db.table("plan_item_events").create(
        {"id": int, "plan_item_id": int, "at": str, "field": str, "old": str, "new": str},
        pk="id",
        not_null={"plan_item_id", "at", "field", "old", "new"},
        foreign_keys=[("plan_item_id", "plan_items", "id")],
        strict=True,
    )
    db.table("plan_item_events").create_index(["plan_item_id"])


@migrations(name="0002_resume_point")
def resume_point(db: Database) -> None:
    # Where the owner was in an open assessment, so the app resumes there.
    db.table("assessments").add_column("resume_question", str)
    db.table("assessments").add_column("resume_system", str)


@migrations(name="0003_quarterly_cycle")
def quarterly_cycle(db: Database) -> None:
    # Answers copied from last quarter stay "carried" until the owner confirms them.
    db.table("answers").add_column("carried", int, not_null_default=0)
    # Who changed a plan item (owner, vendor file, automatic) and why.
    db.table("plan_item_events").add_column("by", str, not_null_default="")
    db.table("plan_item_events").add_column("note", str, not_null_default="")
    # Items the tool closed itself (their gap closed) reopen if the gap comes back.
    db.table("plan_items").add_column("auto_closed", int, not_null_default=0)
    # What the vendor (or owner) reports back: notes, where the proof is, when done.
    db.table("plan_items").add_column("notes", str, not_null_default="")
    db.table("plan_items").add_column("evidence", str, not_null_default="")
    db.table("plan_items").add_column("completed_on", str)


@migrations(name="0004_bank_versions")
def bank_versions(db: Database) -> None:
    # A copy of each bank version an assessment used, so old assessments are
    # always shown and compared with the questions they were asked.
    db.table("bank_versions").create(
        {"bank_id": str, "version": str, "source": str, "saved_at": str},
        pk=("bank_id", "version"),
        not_null={"bank_id", "version", "source", "saved_at"},
        strict=True,
    )


@migrations(name="0005_breach_kit")
def breach_kit(db: Database) -> None:
    # The people to reach in an incident, one per role per organisation.
    db.table("contacts").create(
        {"organisation_id": int, "role": str, "name": str, "reach": str, "updated_at": str},
        pk=("organisation_id", "role"),
        not_null={"organisation_id", "role", "name", "reach", "updated_at"},
        foreign_keys=[("organisation_id", "organisations", "id")],
        strict=True,
    )
    # Incidents the owner worked through in the kit; `facts` is validated JSON.
    db.table("incidents").create(
        {"id": int, "organisation_id": int, "opened_at": str, "updated_at": str, "facts": str},
        pk="id",
        not_null={"organisation_id", "opened_at", "updated_at", "facts"},
        foreign_keys=[("organisation_id", "organisations", "id")],
        strict=True,
    )
    db.table("incidents").create_index(["organisation_id", "id"])


@migrations(name="0006_organisation_uid")
def organisation_uid(db: Database) -> None:
    # A stable id per organisation, written into every answers and vendor file,
    # so a file made for one organisation is never applied to another.
    db.table("organisations").add_column("uid", str, not_null_default="")
    for (org_id,) in db.execute("SELECT id FROM organisations").fetchall():
        db.execute("UPDATE organisations SET uid = ? WHERE id = ?", [uuid.uuid4().hex, org_id])


@migrations(name="0007_has_website")
def has_website(db: Database) -> None:
    # Whether the business has a website or online store of its own (1) or sells only on
    # marketplaces (0); every organisation so far was asked the website questions, so 1.
    db.table("organisations").add_column("has_website", int, not_null_default=1)


@migrations(name="0008_user_lists")
def user_lists(db: Database) -> None:
    # An answer checked against a platform's own user list, as JSON naming the file, its
    # format and date ('' when it is the owner's word); carried with the answer.
    db.table("answers").add_column("verified", str, not_null_default="")
    # The latest user list read for each system: what it showed, and the people behind
    # each gap (staff's personal data: only what the plan's checklist needs, never the file).
    db.table("user_lists").create(
        {
            "organisation_id": int,
            "system_key": str,
            "file_name": str,
            "format": str,
            "file_date": str,
            "read_at": str,
            "summary": str,
            "checklist": str,
        },
        pk=("organisation_id", "system_key"),
        not_null={"organisation_id", "system_key", "file_name", "format", "read_at"},
        defaults={"summary": "", "checklist": "[]", "file_date": ""},
        foreign_keys=[("organisation_id", "organisations", "id")],
    )


@migrations(name="0009_site_build")
def site_build(db: Database) -> None:
    # How the business's own website is run: "hosted" (a platform such as Shopify runs the
    # software), "self_hosted" (WooCommerce, Magento) or "custom" (built for it). Every
    # organisation so far was asked no question that depends on it, so "hosted", which asks
    # none of the new ones (questionnaires/profile.py DEFAULT_SITE_BUILD).
    db.table("organisations").add_column("site_build", str, not_null_default="hosted")


@migrations(name="0010_readable")
def readable(db: Database) -> None:
    # So the database reads as the app shows it from `sqlite3` or Datasette: each bank
    # version's questions, and each completed assessment's area scores and plan as computed
    # then (recorded from this version on), with read-only views over them.
    from pdpa_check.questionnaires.errors import BankError
    from pdpa_check.questionnaires.loader import parse_bank_bytes
    from pdpa_check.scoring.evaluate import BANDS
    from pdpa_check.store.readable import save_bank_questions

    db.execute(
        "CREATE TABLE bank_questions (bank_id TEXT NOT NULL, version TEXT NOT NULL,"
        " question_id TEXT NOT NULL, position INTEGER NOT NULL, domain_id TEXT NOT NULL,"
        " domain_title TEXT NOT NULL, text TEXT NOT NULL, critical INTEGER NOT NULL,"
        " PRIMARY KEY (bank_id, version, question_id)) STRICT"
    )
    db.execute(
        "CREATE TABLE assessment_areas (assessment_id INTEGER NOT NULL REFERENCES assessments(id),"
        " domain_id TEXT NOT NULL, title TEXT NOT NULL, score REAL, points_lost REAL NOT NULL,"
        " answered INTEGER NOT NULL, applicable INTEGER NOT NULL,"
        " PRIMARY KEY (assessment_id, domain_id)) STRICT"
    )
    db.execute(
        "CREATE TABLE assessment_plan (assessment_id INTEGER NOT NULL REFERENCES assessments(id),"
        " item_id TEXT NOT NULL, rank INTEGER NOT NULL, entry_id TEXT NOT NULL,"
        " title TEXT NOT NULL, system_key TEXT NOT NULL, system_name TEXT NOT NULL,"
        " horizon TEXT NOT NULL, critical INTEGER NOT NULL, uplift REAL NOT NULL,"
        " PRIMARY KEY (assessment_id, item_id)) STRICT"
    )
    for bank_id, version, source in db.execute(
        "SELECT bank_id, version, source FROM bank_versions"
    ).fetchall():
        try:
            bank = parse_bank_bytes(source.encode(), f"{bank_id} {version} (stored copy)")
        except BankError:
            continue  # a copy that no longer reads: its answers show without question text
        save_bank_questions(db.conn, bank)
    band_names = " ".join(f"WHEN '{band.id}' THEN '{band.name}'" for band in BANDS)
    db.execute(
        "CREATE VIEW assessment_summary AS SELECT a.id AS assessment, o.name AS organisation,"
        " a.bank_id, a.bank_version, a.started_at, a.completed_at, a.score, a.band,"
        f" CASE a.band {band_names} END AS band_name"
        " FROM assessments a JOIN organisations o ON o.id = a.organisation_id"
    )
    db.execute(
        "CREATE VIEW answers_with_questions AS SELECT an.assessment_id AS assessment,"
        " q.domain_title AS area, an.question_id, an.system_key, q.text AS question, an.value,"
        " an.note, an.evidence, an.answered_at, an.confirmed_at, an.carried, an.verified"
        " FROM answers an JOIN assessments a ON a.id = an.assessment_id"
        " LEFT JOIN bank_questions q ON q.bank_id = a.bank_id AND q.version = a.bank_version"
        " AND q.question_id = an.question_id ORDER BY an.assessment_id, q.position"
    )
    db.execute(
        "CREATE VIEW plan_at_completion AS SELECT p.assessment_id AS assessment, p.rank,"
        " p.entry_id, p.item_id, p.title, p.system_name, p.horizon, p.critical, p.uplift,"
        " COALESCE(i.status, 'open') AS status_now FROM assessment_plan p"
        " JOIN assessments a ON a.id = p.assessment_id"
        " LEFT JOIN plan_items i ON i.organisation_id = a.organisation_id"
        " AND i.item_key = p.item_id ORDER BY p.assessment_id, p.rank, p.item_id"
    )
