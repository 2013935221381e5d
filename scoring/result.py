"""The values scoring returns. Frozen, so a result can be shared freely."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pdpa_check.questionnaires.model import Action

Horizon = Literal["this-month", "this-quarter", "next-quarter"]
HORIZONS: dict[Horizon, str] = {
    "this-month": "This month (quick wins and critical fixes)",
    "this-quarter": "This quarter",
    "next-quarter": "Next quarter",
}


@dataclass(frozen=True)
class Band:
    id: str
    name: str
    minimum: float


@dataclass(frozen=True)
class SlotResult:
    """One answered (or not) slot; `credit` is None when not applicable."""

    system_key: str
    system_name: str | None
    value: str | None
    credit: float | None


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    domain_id: str
    weight: int
    critical: bool
    credit: float | None
    points_lost: float
    max_points: float
    reason: str
    slots: tuple[SlotResult, ...]

    @property
    def not_applicable(self) -> bool:
        return self.credit is None

    @property
    def critical_failed(self) -> bool:
        return self.critical and self.credit is not None and self.credit < 1.0


@dataclass(frozen=True)
class DomainResult:
    domain_id: str
    title: str
    weight: int
    score: float | None
    answered: int
    applicable: int
    points_lost: float


@dataclass(frozen=True)
class Result:
    score: float
    band: Band
    uncapped_band: Band
    capped_by: str | None
    critical_failures: tuple[str, ...]
    domains: tuple[DomainResult, ...]
    questions: tuple[QuestionResult, ...]
    applicable: int
    answered: int
    unknown: int
    unanswered: int
    confidence: float
    # Where the profile and the answers disagree, in plain sentences for the owner to check.
    notices: tuple[str, ...] = ()

    def question(self, question_id: str) -> QuestionResult:
        return next(q for q in self.questions if q.question_id == question_id)


@dataclass(frozen=True)
class PlanItem:
    """One action to take; `id` is stable across quarters (action, plus system)."""

    id: str
    action: Action
    system_key: str
    system_name: str | None
    question_ids: tuple[str, ...]
    critical: bool
    uplift: float
    horizon: Horizon
    gaps: tuple[str, ...]
    # Every gap behind this item was answered "Don't know": it may already be done.
    check_first: bool = False


@dataclass(frozen=True)
class VendorQuestion:
    """A "don't know" answer turned into a question for the vendor or IT person."""

    question_id: str
    system_key: str
    system_name: str | None
    text: str


@dataclass(frozen=True)
class Plan:
    items: tuple[PlanItem, ...]
    vendor_questions: tuple[VendorQuestion, ...]
    projected_score: float

    def by_horizon(self, horizon: Horizon) -> list[PlanItem]:
        return [item for item in self.items if item.horizon == horizon]
