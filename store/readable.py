"""What makes the database read well from outside (`sqlite3`, Datasette): each bank
version's question texts, and each completed assessment's area scores and plan as computed
when it was completed. Read-only views (migration 0010) join them with the answers."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdpa_check.questionnaires.model import Bank
    from pdpa_check.scoring.result import DomainResult, Plan


def save_bank_questions(conn: sqlite3.Connection, bank: Bank) -> None:
    """Each question of a bank version with its area and text (a version is saved once)."""
    titles = {domain.id: domain.title for domain in bank.domains}
    conn.executemany(
        "INSERT OR IGNORE INTO bank_questions (bank_id, version, question_id, position,"
        " domain_id, domain_title, text, critical) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                bank.id,
                bank.version,
                question.id,
                position,
                question.domain,
                titles.get(question.domain, question.domain),
                question.text,
                int(question.critical),
            )
            for position, question in enumerate(bank.questions, start=1)
        ],
    )


def save_completion(
    conn: sqlite3.Connection, assessment_id: int, areas: Sequence[DomainResult], plan: Plan | None
) -> None:
    """The area scores and the plan as they were when the assessment was completed."""
    conn.executemany(
        "INSERT OR REPLACE INTO assessment_areas (assessment_id, domain_id, title, score,"
        " points_lost, answered, applicable) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (assessment_id, a.domain_id, a.title, a.score, a.points_lost, a.answered, a.applicable)
            for a in areas
        ],
    )
    if plan is None:
        return
    conn.executemany(
        "INSERT OR REPLACE INTO assessment_plan (assessment_id, item_id, rank, entry_id, title,"
        " system_key, system_name, horizon, critical, uplift)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                assessment_id,
                item.id,
                rank,
                entry.id,
                entry.action.title,
                item.system_key,
                item.system_name or "",
                item.horizon,
                int(item.critical),
                round(item.uplift, 3),
            )
            for rank, entry in enumerate(plan.entries, start=1)
            for item in entry.items
        ],
    )
