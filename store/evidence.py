"""User lists read as evidence: the latest list per system and the answers it verified."""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pdpa_check.questionnaires.answers import Verified
from pdpa_check.store.db import now

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from pdpa_check.questionnaires.answers import Answer


@dataclass(frozen=True)
class UserListRow:
    """The latest user list read for one system."""

    system_key: str
    verified: Verified
    read_at: str  # when it was imported (UTC, ISO 8601)
    summary: str  # one line per finding, as the evidence field shows it
    checklist: tuple[tuple[str, str], ...]  # (gap, person): who to chase for which gap


class _Writer(Protocol):
    conn: sqlite3.Connection

    def write(self) -> AbstractContextManager[Database]: ...


class EvidenceStore:
    """Mixed into `Store`: user lists and the answers they verified, in one transaction."""

    def user_lists(self: _Writer, org_id: int) -> dict[str, UserListRow]:
        rows = self.conn.execute(
            "SELECT system_key, file_name, format, file_date, read_at, summary, checklist"
            " FROM user_lists WHERE organisation_id = ? ORDER BY system_key",
            [org_id],
        ).fetchall()
        return {
            key: UserListRow(key, Verified(name, form, date), read_at, summary, _checklist(items))
            for key, name, form, date, read_at, summary, items in rows
        }

    def save_user_list(
        self: _Writer,
        org_id: int,
        assessment_id: int,
        row: UserListRow,
        answers: Sequence[Answer],
        *,
        stamp: str | None = None,
    ) -> None:
        """Keep `row` as the system's latest list and save `answers` marked as verified by it
        (answered `stamp`, default now)."""
        stamp, mark = stamp or now(), row.verified.to_json()
        with self.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO user_lists (organisation_id, system_key, file_name,"
                " format, file_date, read_at, summary, checklist) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    org_id,
                    row.system_key,
                    row.verified.file_name,
                    row.verified.format,
                    row.verified.file_date,
                    row.read_at,
                    row.summary,
                    json.dumps([list(item) for item in row.checklist]),
                ],
            )
            for answer in answers:
                db.execute(
                    "INSERT OR REPLACE INTO answers (assessment_id, question_id, system_key,"
                    " value, note, evidence, answered_at, confirmed_at, carried, verified)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    [
                        assessment_id,
                        answer.question_id,
                        answer.system_key,
                        answer.value,
                        answer.note,
                        answer.evidence,
                        stamp,
                        stamp,
                        mark,
                    ],
                )

    def forget_user_list(self: _Writer, org_id: int, system_key: str) -> None:
        """Remove a system's list (and the names it held); its answers keep their marks."""
        with self.write() as db:
            db.execute(
                "DELETE FROM user_lists WHERE organisation_id = ? AND system_key = ?",
                [org_id, system_key],
            )


def _checklist(text: str) -> tuple[tuple[str, str], ...]:
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    return tuple(
        (str(item[0]), str(item[1])) for item in items if isinstance(item, list) and len(item) == 2
    )
