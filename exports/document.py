"""Everything an export shows, gathered once so every format says the same thing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pdpa_check import __version__
from pdpa_check.questionnaires.answers import (
    Answer,
    AnswerKey,
    Answers,
    Verified,
    describe_value,
)
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.lifecycle import done_but_open, entry_status
from pdpa_check.scoring.measures import MeasureResult, MeasureTally, assess_measures, tally
from pdpa_check.scoring.plan import projected_score
from pdpa_check.scoring.result import Plan, PlanEntry, Result, SlotResult

DISCLAIMER = (
    "This score is a readiness indicator from a self-assessment. It is not legal advice, "
    "an audit or a certification, and it does not show compliance with the PDPA. It reflects "
    "only the answers given; confirm anything you are unsure of with your IT vendor or adviser."
)


@dataclass(frozen=True)
class AssessmentInfo:
    id: int
    started_at: str
    completed_at: str | None


@dataclass(frozen=True)
class ItemStatus:
    """What the owner has recorded about a plan item."""

    status: str = "open"
    owner: str = ""
    due_date: str | None = None
    review_date: str | None = None
    # The tool set this status itself (the gap closed), so "done" is not a person's claim.
    auto_closed: bool = False


@dataclass(frozen=True)
class Report:
    generated_on: dt.date
    profile: Profile
    assessment: AssessmentInfo
    bank: Bank
    result: Result
    plan: Plan
    answers: Answers
    statuses: Mapping[str, ItemStatus] = field(default_factory=dict)
    redacted: bool = False
    tool_version: str = __version__
    # Questions asked whose answer is carried from the last assessment, not yet confirmed.
    carried: frozenset[AnswerKey] = frozenset()
    # Answers checked against a platform's user list, with the list they came from.
    verified: Mapping[AnswerKey, Verified] = field(default_factory=dict)
    # Plain sentences on what changed since the previous assessment.
    since_last: tuple[str, ...] = ()
    # The built-in demo organisation, not the owner's business: every format says so.
    demo: bool = False

    @property
    def unconfirmed(self) -> int:
        """Carried answers still to confirm, among the questions asked."""
        return len(self.carried)

    def status_of(self, item_id: str) -> ItemStatus:
        return self.statuses.get(item_id, ItemStatus())

    def entry_status(self, entry: PlanEntry) -> str:
        """The entry's status, derived from its systems' (`scoring.lifecycle.entry_status`)."""
        return entry_status(entry, self.statuses)

    @cached_property
    def projected_after_month(self) -> float:
        """The score once every This month item is done (the short document's what-if)."""
        items = self.plan.by_horizon("this-month")
        return projected_score(self.bank, self.profile, self.answers, items)

    @cached_property
    def done_but_open(self) -> frozenset[str]:
        """Items a person marked done whose gap the answers still show ("DONE?")."""
        return frozenset(done_but_open(self.plan, self.statuses))

    @cached_property
    def measures(self) -> tuple[MeasureResult, ...]:
        """The nine Cyber Essentials measures, judged on these answers (indicative)."""
        return assess_measures(self.bank, self.result)

    @property
    def measure_tally(self) -> MeasureTally:
        return tally(self.measures)


def build_report(
    *,
    generated_on: dt.date,
    profile: Profile,
    assessment: AssessmentInfo,
    bank: Bank,
    result: Result,
    plan: Plan,
    answers: Answers,
    statuses: Mapping[str, ItemStatus] | None = None,
    redacted: bool = False,
    carried: Iterable[AnswerKey] = (),
    verified: Mapping[AnswerKey, Verified] | None = None,
    since_last: Iterable[str] = (),
    demo: bool = False,
) -> Report:
    return Report(
        generated_on=generated_on,
        profile=profile,
        assessment=assessment,
        bank=bank,
        result=result,
        plan=plan,
        answers=answers,
        statuses=statuses or {},
        redacted=redacted,
        carried=frozenset(carried),
        verified=verified or {},
        since_last=tuple(since_last),
        demo=demo,
    )


@dataclass(frozen=True)
class Finding:
    """One question (or one system of a per-system question) that lost points."""

    question: Question
    slot: SlotResult
    answer: Answer | None
    points_lost: float
    carried: bool = False
    verified: Verified | None = None  # checked against this user list; None: the owner's word

    @property
    def answer_label(self) -> str:
        value = self.slot.value
        label = "Not answered" if value is None else describe_value(self.question, value)
        if self.verified:
            label += f" ({verified_words(self.verified)})"
        return f"{label} (carried from last time, to confirm)" if self.carried else label


def verified_words(mark: Verified) -> str:
    """`verified: Google Workspace user list of 2026-12-01`, without the file's name."""
    return f"verified: {mark.format} of {mark.file_date}"


def findings(report: Report) -> Iterator[Finding]:
    """Every slot that lost points, in bank order, with its share of the points."""
    for outcome in report.result.questions:
        if outcome.points_lost <= 0.0:
            continue
        question = report.bank.question(outcome.question_id)
        counted = sum(1 for s in outcome.slots if s.credit is not None)
        for slot in outcome.slots:
            if slot.credit is None or slot.credit >= 1.0:
                continue
            yield Finding(
                question=question,
                slot=slot,
                answer=report.answers.get((question.id, slot.system_key)),
                points_lost=outcome.max_points * (1.0 - slot.credit) / counted,
                carried=(question.id, slot.system_key) in report.carried,
                verified=report.verified.get((question.id, slot.system_key)),
            )


EFFORT_LABELS = {"low": "low (hours)", "medium": "medium (days)", "high": "high (weeks)"}
OWNER_LABELS = {"owner": "Business owner", "staff": "Staff", "it_vendor": "IT vendor"}
STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "accepted_risk": "Accepted risk",
}
