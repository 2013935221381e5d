"""Pure scoring: answers in, score, explanations and plan out. No clock, no I/O.

The plan builder is imported from `pdpa_check.scoring.plan` itself, so a command that only
scores (`score`) never loads it or the platform catalogue it reads.
"""

from pdpa_check.scoring.evaluate import BANDS, evaluate
from pdpa_check.scoring.result import (
    Band,
    DomainResult,
    Plan,
    PlanItem,
    QuestionResult,
    Result,
    SlotResult,
    VendorQuestion,
)
from pdpa_check.scoring.rounding import shown_score, shown_score_tenths

__all__ = [
    "BANDS",
    "Band",
    "DomainResult",
    "Plan",
    "PlanItem",
    "QuestionResult",
    "Result",
    "SlotResult",
    "VendorQuestion",
    "evaluate",
    "shown_score",
    "shown_score_tenths",
]
