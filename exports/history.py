"""The history of an organisation's assessments, with each score's change, as plain data.

`pdpa-check history` prints it as a table or, with `--json`, as the stable shape
documented in the README ("The history as JSON"). A change is always between the
scores as shown (each rounded down, then subtracted), from the previous completed assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdpa_check.scoring.evaluate import BANDS
from pdpa_check.scoring.rounding import shown_change, shown_score_tenths
from pdpa_check.store.repo import AssessmentRow, OrganisationRow
from pdpa_check.support.text import for_output

FORMAT_NAME = "pdpa-check-history"
FORMAT_VERSION = 1
BAND_NAMES = {band.id: band.name for band in BANDS}


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment and its change from the completed one before it (None: no change to show)."""

    row: AssessmentRow
    previous: int | None  # the id of the completed assessment compared with
    change: int | None


def history_entries(rows: Sequence[AssessmentRow]) -> list[HistoryEntry]:
    """Each assessment (oldest first) with its score's change from the previous completed one."""
    entries = []
    last: AssessmentRow | None = None
    for row in rows:
        done = row.completed_at is not None and row.score is not None
        if done and last is not None and last.score is not None and row.score is not None:
            entries.append(HistoryEntry(row, last.id, shown_change(last.score, row.score)))
        else:
            entries.append(HistoryEntry(row, None, None))
        if done:
            last = row
    return entries


def history_data(
    org: OrganisationRow,
    rows: Sequence[AssessmentRow],
    next_due: dt.date | None,
    today: dt.date,
    *,
    demo: bool,
) -> dict[str, Any]:
    """The history as JSON-ready data: every key always present (null where there is no value)."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "demo": demo,
        "organisation": {"name": for_output(org.name), "id": org.uid},
        "assessments": [_entry(entry) for entry in history_entries(rows)],
        "next_due": next_due.isoformat() if next_due else None,
        "overdue": next_due is not None and next_due < today,
    }


def _entry(entry: HistoryEntry) -> dict[str, Any]:
    row = entry.row
    return {
        "id": row.id,
        "status": "completed" if row.completed_at else "open",
        "started_on": row.started_at[:10],
        "completed_on": row.completed_at[:10] if row.completed_at else None,
        "bank_id": for_output(row.bank_id),
        "bank_version": for_output(row.bank_version),
        "score": None if row.score is None else shown_score_tenths(row.score),
        "band": row.band,
        "band_name": BAND_NAMES.get(row.band, row.band) if row.band else None,
        "change": entry.change,
        "compared_with": entry.previous,
    }
