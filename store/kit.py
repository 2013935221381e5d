"""Breach kit rows: each organisation's incident contacts and recorded incidents."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pydantic import ValidationError

from pdpa_check.store.db import StoreError, now

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

    from pdpa_check.kit.contacts import Contact
    from pdpa_check.kit.facts import IncidentFacts


@dataclass(frozen=True)
class IncidentRow:
    id: int
    opened_at: str
    updated_at: str
    facts: IncidentFacts


class _Writer(Protocol):
    conn: sqlite3.Connection

    def write(self) -> AbstractContextManager[Database]: ...


class KitStore:
    """Mixed into `Store`: contacts and incidents, each write its own transaction."""

    def contacts(self: _Writer, org_id: int) -> dict[str, Contact]:
        """The organisation's contacts by role, in the kit's role order."""
        from pdpa_check.kit.contacts import CONTACT_ROLES, Contact

        rows = self.conn.execute(
            "SELECT role, name, reach FROM contacts WHERE organisation_id = ?", [org_id]
        ).fetchall()
        found = {role: Contact(role=role, name=name, reach=reach) for role, name, reach in rows}
        return {role: found[role] for role in CONTACT_ROLES if role in found}

    def set_contact(self: _Writer, org_id: int, contact: Contact) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO contacts (organisation_id, role, name, reach, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (organisation_id, role) DO UPDATE"
                " SET name = excluded.name, reach = excluded.reach,"
                " updated_at = excluded.updated_at",
                [org_id, contact.role, contact.name, contact.reach, now()],
            )

    def clear_contact(self: _Writer, org_id: int, role: str) -> None:
        with self.write() as db:
            db.execute(
                "DELETE FROM contacts WHERE organisation_id = ? AND role = ?", [org_id, role]
            )

    def save_incident(
        self: _Writer, org_id: int, facts: IncidentFacts, incident_id: int | None = None
    ) -> int:
        """Record a new incident, or replace the facts of `incident_id`; returns its id."""
        stamp = now()
        with self.write() as db:
            if incident_id is None:
                cursor = db.execute(
                    "INSERT INTO incidents (organisation_id, opened_at, updated_at, facts)"
                    " VALUES (?, ?, ?, ?)",
                    [org_id, stamp, stamp, facts.model_dump_json()],
                )
                return int(cursor.lastrowid or 0)
            cursor = db.execute(
                "UPDATE incidents SET facts = ?, updated_at = ?"
                " WHERE id = ? AND organisation_id = ?",
                [facts.model_dump_json(), stamp, incident_id, org_id],
            )
            if cursor.rowcount != 1:
                raise StoreError(f"no incident #{incident_id} for this organisation")
            return incident_id

    def incidents(self: _Writer, org_id: int) -> list[IncidentRow]:
        """The organisation's recorded incidents, newest first."""
        rows = self.conn.execute(
            "SELECT id, opened_at, updated_at, facts FROM incidents"
            " WHERE organisation_id = ? ORDER BY id DESC",
            [org_id],
        ).fetchall()
        return list(_incident_rows(rows))


def _incident_rows(rows: list[tuple[int, str, str, str]]) -> Iterator[IncidentRow]:
    from pdpa_check.kit.facts import IncidentFacts

    for incident_id, opened, updated, facts in rows:
        try:
            parsed = IncidentFacts.model_validate_json(facts)
        except ValidationError:
            raise StoreError(f"incident #{incident_id} in the database is damaged") from None
        yield IncidentRow(incident_id, opened, updated, parsed)
