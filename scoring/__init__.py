"""Pure scoring: answers in, score, explanations and plan out. No clock, no I/O."""

from pdpa_check.scoring.evaluate import BANDS, evaluate
from pdpa_check.scoring.plan import build_plan
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
    "build_plan",
    "evaluate",
    "shown_score",
    "shown_score_tenths",
]
