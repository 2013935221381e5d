"""SQLite persistence through sqlite-utils. All SQL in the project lives here."""

from typing import TYPE_CHECKING

from pdpa_check.support.lazy import lazy_exports

if TYPE_CHECKING:
    from pdpa_check.store.db import StoreError, create_database, open_database
    from pdpa_check.store.lock import DatabaseLock, LockedError
    from pdpa_check.store.repo import AssessmentRow, OrganisationRow, Store

__getattr__ = lazy_exports(
    __name__,
    {
        "AssessmentRow": "repo",
        "DatabaseLock": "lock",
        "LockedError": "lock",
        "OrganisationRow": "repo",
        "Store": "repo",
        "StoreError": "db",
        "create_database": "db",
        "open_database": "db",
    },
)

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
