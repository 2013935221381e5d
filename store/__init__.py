"""SQLite persistence through sqlite-utils. All SQL in the project lives here."""

from pdpa_check.store.db import StoreError, create_database, open_database
from pdpa_check.store.lock import DatabaseLock, LockedError
from pdpa_check.store.repo import AssessmentRow, OrganisationRow, Store

__all__ = [
    "AssessmentRow",
    "DatabaseLock",
    "LockedError",
    "OrganisationRow",
    "Store",
    "StoreError",
    "create_database",
    "open_database",
]
