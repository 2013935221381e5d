"""Question banks: their schema, loading and validation, and skip logic."""

from typing import TYPE_CHECKING

from pdpa_check.support.lazy import lazy_exports

if TYPE_CHECKING:
    from pdpa_check.questionnaires.model import (
        ANSWER_LABELS,
        Action,
        AppliesIf,
        Bank,
        Domain,
        Question,
    )
    from pdpa_check.questionnaires.profile import SECTORS, SYSTEM_KINDS, Profile, System

__getattr__ = lazy_exports(
    __name__,
    {
        "ANSWER_LABELS": "model",
        "Action": "model",
        "AppliesIf": "model",
        "Bank": "model",
        "Domain": "model",
        "Profile": "profile",
        "Question": "model",
        "SECTORS": "profile",
        "SYSTEM_KINDS": "profile",
        "System": "profile",
    },
)

__all__ = [
    "ANSWER_LABELS",
    "SECTORS",
    "SYSTEM_KINDS",
    "Action",
    "AppliesIf",
    "Bank",
    "Domain",
    "Profile",
    "Question",
    "System",
]
