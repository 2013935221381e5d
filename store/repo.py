"""Reading and writing organisations, assessments, answers and plan items.

Every write runs in its own `BEGIN IMMEDIATE` transaction and is committed
before the call returns, so an answer the user saw saved survives a crash.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Verified
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.store.checked import record_clean_close
from pdpa_check.store.db import StoreError, now, translated_faults
from pdpa_check.store.evidence import EvidenceStore
from pdpa_check.store.kit import KitStore
from pdpa_check.store.readable import save_bank_questions, save_completion
from pdpa_check.support.text import slug

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from pdpa_check.questionnaires.model import Bank
    from pdpa_check.scoring.result import DomainResult, Plan


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    staff_count: int
    sector: str
    created_at: str
    uid: str  # stable across renames; names the organisation in exported files


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    organisation_id: int
    bank_id: str
    bank_version: str
    started_at: str
    completed_at: str | None
    carried_from: int | None
    score: float | None
    band: str | None


@dataclass(frozen=True)
class AnswerMeta:
    answered_at: str
    confirmed_at: str | None
    carried: bool
    verified: Verified | None = None  # checked against a user list (None: the owner's word)


@dataclass(frozen=True)
class PlanItemState:
    item_key: str
    status: str
    owner: str
    due_date: str | None
    risk_reason: str
    risk_accepted_by: str
    review_date: str | None
    auto_closed: bool = False
    notes: str = ""
    evidence: str = ""
    completed_on: str | None = None


@dataclass(frozen=True)
class PlanItemEvent:
    at: str
    field: str
    old: str
    new: str
    by: str
    note: str


class Store(KitStore, EvidenceStore):
    """The one writer for a pdpa-check database."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, for writes (imported only then)."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    def close(self) -> None:
        """Close, and note the file as cleanly closed (see `checked.py`)."""
        self.conn.close()
        record_clean_close(self.path)

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A `BEGIN IMMEDIATE` transaction, committed (or rolled back) on exit."""
        conn = self.conn
        with translated_faults(self.path, "save the change"):  # read-only, disk full: one line
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # a failed COMMIT leaves it open
                    conn.execute("ROLLBACK")
                raise

    # Organisations -------------------------------------------------------

    def create_organisation(self, profile: Profile) -> int:
        with self.write() as db:
            table = db.table("organisations")
            table.insert(
                {
                    "name": profile.name,
                    "staff_count": profile.staff_count,
                    "sector": profile.sector,
                    "has_website": int(profile.has_website),
                    "site_build": profile.site_build,
                    "created_at": now(),
                    "uid": uuid.uuid4().hex,
                }
            )
            org_id = int(table.last_pk or 0)
            db.table("systems").insert_all(
                {"organisation_id": org_id, "key": s.key, "kind": s.kind, "name": s.name}
                for s in profile.systems
            )
        return org_id

    def organisations(self) -> list[OrganisationRow]:
        rows = self.conn.execute(
            "SELECT id, name, staff_count, sector, created_at, uid FROM organisations ORDER BY id"
        ).fetchall()
        return [OrganisationRow(*row) for row in rows]

    def find_organisation(self, ref: str | None) -> OrganisationRow:
        """The organisation named or numbered `ref`, or the only one when `ref` is None."""
        orgs = self.organisations()
        if ref is None:
            if len(orgs) == 1:
                return orgs[0]
            if not orgs:
                raise StoreError(
                    f"{self.path}: no organisation yet; create one with `pdpa-check org create`"
                )
            raise StoreError("several organisations in this database; choose one with --org")
        by_id = [o for o in orgs if str(o.id) == ref]
        matches = by_id or [o for o in orgs if o.name.casefold() == ref.casefold()]
        if not matches:
            raise StoreError(f"no organisation called {ref!r} (see `pdpa-check org list`)")
        if len(matches) > 1:
            ids = ", ".join(str(o.id) for o in matches)
            raise StoreError(f"several organisations are called {ref!r}; use the id ({ids})")
        return matches[0]

    def update_profile(self, org_id: int, profile: Profile) -> None:
        """Replace the organisation's details and inventory; system keys stay stable."""
        with self.write() as db:
            db.execute(
                "UPDATE organisations SET name = ?, staff_count = ?, sector = ?, has_website = ?, "
                "site_build = ? WHERE id = ?",
                [
                    profile.name,
                    profile.staff_count,
                    profile.sector,
                    int(profile.has_website),
                    profile.site_build,
                    org_id,
                ],
            )
            keys = [system.key for system in profile.systems]
            marks = ", ".join("?" for _ in keys)
            db.execute(
                f"DELETE FROM systems WHERE organisation_id = ? AND key NOT IN ({marks})",
                [org_id, *keys],
            )
            db.table("systems").upsert_all(
                (
                    {"organisation_id": org_id, "key": s.key, "kind": s.kind, "name": s.name}
                    for s in profile.systems
                ),
                pk=("organisation_id", "key"),
            )

    def profile(self, org_id: int) -> Profile:
        org = self.conn.execute(
            "SELECT name, staff_count, sector, has_website, site_build FROM organisations "
            "WHERE id = ?",
            [org_id],
        ).fetchone()
        systems = self.conn.execute(
            "SELECT key, kind, name FROM systems WHERE organisation_id = ? ORDER BY id", [org_id]
        ).fetchall()
        # Validated again on the way out: names are sanitised even if the file was edited.
        return Profile(
            name=org[0],
            staff_count=org[1],
            sector=org[2],
            has_website=bool(org[3]),
            site_build=org[4],
            systems=tuple(System(key=k, kind=kind, name=name) for k, kind, name in systems),
        )

    # Bank versions -------------------------------------------------------

    def save_bank_version(
        self, bank_id: str, version: str, source: str, bank: Bank | None = None
    ) -> None:
        """Keep a copy of a bank version (the first copy of a version wins), and, given the
        bank, its question texts for reading the database from outside."""
        with self.write() as db:
            db.execute(
                "INSERT INTO bank_versions (bank_id, version, source, saved_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [bank_id, version, source, now()],
            )
            if bank is not None:
                save_bank_questions(self.conn, bank)

    def bank_source(self, bank_id: str, version: str) -> str | None:
        row = self.conn.execute(
            "SELECT source FROM bank_versions WHERE bank_id = ? AND version = ?",
            [bank_id, version],
        ).fetchone()
        return None if row is None else str(row[0])

    # Assessments ---------------------------------------------------------

    def start_assessment(
        self,
        org_id: int,
        bank_id: str,
        bank_version: str,
        *,
        started_at: str | None = None,
        carry_from: int | None = None,
        carry_questions: Collection[str] = (),
    ) -> int:
        """Start an assessment; answers of `carry_questions` in `carry_from` come along.

        Carried answers keep when they were given and last confirmed, and are
        marked carried until the owner confirms them. All in one transaction.
        """
        with self.write() as db:
            table = db.table("assessments")
            table.insert(
                {
                    "organisation_id": org_id,
                    "bank_id": bank_id,
                    "bank_version": bank_version,
                    "started_at": started_at or now(),
                    "carried_from": carry_from,
                }
            )
            new_id = int(table.last_pk or 0)
            if carry_from is not None and carry_questions:
                marks = ", ".join("?" for _ in carry_questions)
                db.execute(
                    "INSERT INTO answers (assessment_id, question_id, system_key, value, note,"
                    " evidence, answered_at, confirmed_at, carried, verified)"
                    " SELECT ?, question_id, system_key, value, note, evidence, answered_at,"
                    " coalesce(confirmed_at, answered_at), 1, verified FROM answers"
                    f" WHERE assessment_id = ? AND question_id IN ({marks})",
                    [new_id, carry_from, *carry_questions],
                )
            return new_id

    def complete_assessment(
        self,
        assessment_id: int,
        score: float,
        band: str,
        *,
        completed_at: str | None = None,
        areas: Sequence[DomainResult] = (),
        plan: Plan | None = None,
    ) -> None:
        """Record the score and band, with the area scores and plan as computed now."""
        with self.write() as db:
            db.execute(
                "UPDATE assessments SET completed_at = ?, score = ?, band = ? WHERE id = ?",
                [completed_at or now(), score, band, assessment_id],
            )
            save_completion(self.conn, assessment_id, areas, plan)

    def assessments(self, org_id: int) -> list[AssessmentRow]:
        """All assessments of an organisation, oldest first."""
        rows = self.conn.execute(
            "SELECT id, organisation_id, bank_id, bank_version, started_at, completed_at,"
            " carried_from, score, band FROM assessments WHERE organisation_id = ?"
            " ORDER BY started_at, id",
            [org_id],
        ).fetchall()
        return [AssessmentRow(*row) for row in rows]

    def open_assessment(self, org_id: int) -> AssessmentRow | None:
        """The newest assessment not yet completed, if any."""
        pending = [a for a in self.assessments(org_id) if a.completed_at is None]
        return pending[-1] if pending else None

    def current_assessment(self, org_id: int) -> AssessmentRow | None:
        """The open assessment, else the latest completed one."""
        rows = self.assessments(org_id)
        return self.open_assessment(org_id) or (rows[-1] if rows else None)

    def assessment(self, org_id: int, assessment_id: int) -> AssessmentRow:
        for row in self.assessments(org_id):
            if row.id == assessment_id:
                return row
        raise StoreError(f"no assessment {assessment_id} for this organisation")

    def set_resume_point(self, assessment_id: int, key: AnswerKey) -> None:
        """Remember the question the owner is on, so a restart resumes there."""
        with self.write() as db:
            db.execute(
                "UPDATE assessments SET resume_question = ?, resume_system = ? WHERE id = ?",
                [key[0], key[1], assessment_id],
            )

    def resume_point(self, assessment_id: int) -> AnswerKey | None:
        row = self.conn.execute(
            "SELECT resume_question, resume_system FROM assessments WHERE id = ?",
            [assessment_id],
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return (row[0], row[1] or "")

    # Answers -------------------------------------------------------------

    def save_answer(self, assessment_id: int, answer: Answer) -> None:
        """Store one answer durably before returning."""
        with self.write() as db:
            db.execute(_SAVE_ANSWER, _answer_row(assessment_id, answer))

    def answer_meta(self, assessment_id: int) -> dict[AnswerKey, AnswerMeta]:
        """When each answer was given and confirmed, and whether it is still carried."""
        rows = self.conn.execute(
            "SELECT question_id, system_key, answered_at, confirmed_at, carried, verified"
            " FROM answers WHERE assessment_id = ?",
            [assessment_id],
        ).fetchall()
        return {
            (q, s): AnswerMeta(at, confirmed, bool(carried), Verified.from_json(mark))
            for q, s, at, confirmed, carried, mark in rows
        }

    def confirm_answers(self, assessment_id: int, keys: Iterable[AnswerKey]) -> int:
        """Confirm carried answers as still true; returns how many were carried."""
        stamp, confirmed = now(), 0
        with self.write() as db:
            for question_id, system_key in keys:
                cursor = db.execute(
                    "UPDATE answers SET carried = 0, confirmed_at = ? WHERE assessment_id = ?"
                    " AND question_id = ? AND system_key = ? AND carried = 1",
                    [stamp, assessment_id, question_id, system_key],
                )
                confirmed += cursor.rowcount
        return confirmed

    def clear_answer(self, assessment_id: int, key: AnswerKey) -> None:
        with self.write() as db:
            db.execute(
                "DELETE FROM answers WHERE assessment_id = ? AND question_id = ?"
                " AND system_key = ?",
                [assessment_id, *key],
            )

    def replace_answers(
        self,
        assessment_id: int,
        answers: Iterable[Answer],
        cleared: Iterable[AnswerKey] = (),
        *,
        stamp: str | None = None,
    ) -> None:
        """Save many answers and clear others, all in one transaction (answered `stamp`,
        default now: the demo dates its history)."""
        with self.write() as db:
            for key in cleared:
                db.execute(
                    "DELETE FROM answers WHERE assessment_id = ? AND question_id = ?"
                    " AND system_key = ?",
                    [assessment_id, *key],
                )
            for answer in answers:
                db.execute(_SAVE_ANSWER, _answer_row(assessment_id, answer, stamp))

    def answers(self, assessment_id: int) -> dict[AnswerKey, Answer]:
        rows = self.conn.execute(
            "SELECT question_id, system_key, value, note, evidence FROM answers"
            " WHERE assessment_id = ? ORDER BY question_id, system_key",
            [assessment_id],
        ).fetchall()
        # Validated when saved (see `save_answer`); notes are sanitised again on output.
        answers = (
            Answer.model_construct(question_id=q, system_key=s, value=v, note=n, evidence=e)
            for q, s, v, n, e in rows
        )
        return {answer.key: answer for answer in answers}

    # Plan items ----------------------------------------------------------

    def plan_states(self, org_id: int) -> dict[str, PlanItemState]:
        rows = self.conn.execute(
            "SELECT item_key, status, owner, due_date, risk_reason, risk_accepted_by,"
            " review_date, auto_closed, notes, evidence, completed_on FROM plan_items"
            " WHERE organisation_id = ?",
            [org_id],
        ).fetchall()
        return {
            row[0]: PlanItemState(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                auto_closed=bool(row[7]),
                notes=row[8],
                evidence=row[9],
                completed_on=row[10],
            )
            for row in rows
        }

    def plan_item_events(self, org_id: int, item_key: str) -> list[PlanItemEvent]:
        """The change history of one plan item, oldest first."""
        rows = self.conn.execute(
            "SELECT e.at, e.field, e.old, e.new, e.by, e.note FROM plan_item_events e"
            " JOIN plan_items i ON i.id = e.plan_item_id"
            " WHERE i.organisation_id = ? AND i.item_key = ? ORDER BY e.id",
            [org_id, item_key],
        ).fetchall()
        return [PlanItemEvent(*row) for row in rows]

    def update_plan_item(self, org_id: int, item_key: str, **changes: str | None) -> None:
        """Set fields of a plan item as the owner, recording each change in its history."""
        self.change_plan_items(org_id, [item_key], changes)

    def update_plan_items(
        self, org_id: int, item_keys: Sequence[str], **changes: str | None
    ) -> None:
        """Set the same fields on several items (an entry's systems) in one transaction."""
        self.change_plan_items(org_id, item_keys, changes)

    def change_plan_item(
        self,
        org_id: int,
        item_key: str,
        changes: Mapping[str, str | None],
        *,
        by: str = "owner",
        note: str = "",
        auto_closed: bool = False,
    ) -> None:
        """Set fields of a plan item, recording each change, who made it and why.

        `auto_closed` marks a status the tool set itself (a gap that closed),
        so the item can reopen by itself if the gap comes back.
        """
        self.change_plan_items(
            org_id, [item_key], changes, by=by, note=note, auto_closed=auto_closed
        )

    def change_plan_items(
        self,
        org_id: int,
        item_keys: Sequence[str],
        changes: Mapping[str, str | None],
        *,
        by: str = "owner",
        note: str = "",
        auto_closed: bool = False,
    ) -> None:
        """`change_plan_item` for each of `item_keys`, all or none (one transaction)."""
        unknown = set(changes) - _PLAN_ITEM_FIELDS
        if unknown:
            raise ValueError(f"not plan item fields: {', '.join(sorted(unknown))}")
        with self.write() as db:
            for item_key in item_keys:
                _change_item(db, org_id, item_key, changes, by, note, auto_closed)


def _change_item(
    db: Database,
    org_id: int,
    item_key: str,
    changes: Mapping[str, str | None],
    by: str,
    note: str,
    auto_closed: bool,
) -> None:
    """One item's changes and their history rows, inside the caller's transaction."""
    db.execute(
        "INSERT INTO plan_items (organisation_id, item_key, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (organisation_id, item_key) DO NOTHING",
        [org_id, item_key, now()],
    )
    row = db.execute(
        "SELECT * FROM plan_items WHERE organisation_id = ? AND item_key = ?",
        [org_id, item_key],
    ).fetchone()
    columns = [c[0] for c in db.execute("SELECT * FROM plan_items LIMIT 0").description]
    current: dict[str, Any] = dict(zip(columns, row, strict=True))
    for column, value in changes.items():
        if current[column] == value:
            continue
        db.execute(
            f"UPDATE plan_items SET {column} = ?, updated_at = ? WHERE id = ?",
            [value, now(), current["id"]],
        )
        db.table("plan_item_events").insert(
            {
                "plan_item_id": current["id"],
                "at": now(),
                "field": column,
                "old": str(current[column] or ""),
                "new": str(value or ""),
                "by": by,
                "note": note,
            }
        )
    if "status" in changes:
        db.execute(
            "UPDATE plan_items SET auto_closed = ? WHERE id = ?",
            [int(auto_closed), current["id"]],
        )


_PLAN_ITEM_FIELDS = {
    "status",
    "owner",
    "due_date",
    "risk_reason",
    "risk_accepted_by",
    "review_date",
    "notes",
    "evidence",
    "completed_on",
}


def _answer_row(assessment_id: int, answer: Answer, stamp: str | None = None) -> dict[str, Any]:
    stamp = stamp or now()
    return {
        "assessment_id": assessment_id,
        "question_id": answer.question_id,
        "system_key": answer.system_key,
        "value": answer.value,
        "note": answer.note,
        "evidence": answer.evidence,
        "stamp": stamp,
    }


# Saving an answer is the owner's word: a user list's mark stays only while the value does.
_SAVE_ANSWER = (
    "INSERT INTO answers (assessment_id, question_id, system_key, value, note, evidence,"
    " answered_at, confirmed_at, carried, verified) VALUES (:assessment_id, :question_id,"
    " :system_key, :value, :note, :evidence, :stamp, :stamp, 0, '')"
    " ON CONFLICT (assessment_id, question_id, system_key) DO UPDATE SET"
    " value = excluded.value, note = excluded.note, evidence = excluded.evidence,"
    " answered_at = excluded.answered_at, confirmed_at = excluded.confirmed_at, carried = 0,"
    " verified = CASE WHEN answers.value = excluded.value THEN answers.verified ELSE '' END"
)


def unique_system_key(name: str, taken: set[str]) -> str:
    """A stable key for a new system, derived from its name and unique in the org."""
    base = slug(name, fallback="system")[:50]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
