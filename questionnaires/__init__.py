"""Question banks: their schema, loading and validation, and skip logic."""

from pdpa_check.questionnaires.model import (
    ANSWER_LABELS,
    Action,
    AppliesIf,
    Bank,
    Domain,
    Question,
)
from pdpa_check.questionnaires.profile import SECTORS, SYSTEM_KINDS, Profile, System

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
