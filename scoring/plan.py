"""build_plan: turn every gap into the bank's actions, with exact uplift.

Order: critical first, then uplift per unit of effort, then id. Horizons:
critical items and low-effort items are "this month"; medium effort "this
quarter"; high effort "next quarter".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Answers, format_number
from pdpa_check.questionnaires.model import UNKNOWN, YES, Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.result import Horizon, Plan, PlanItem, Result, VendorQuestion

EFFORT_UNITS: dict[str, float] = {"low": 1.0, "medium": 3.0, "high": 8.0}
_HORIZON_BY_EFFORT: dict[str, Horizon] = {
    "low": "this-month",
    "medium": "this-quarter",
    "high": "next-quarter",
}


@dataclass
class _Draft:
    action_id: str
    system_key: str
    system_name: str | None
    gaps: list[AnswerKey] = field(default_factory=list)
    critical: bool = False
    unknown_only: bool = True


def build_plan(bank: Bank, profile: Profile, answers: Answers, result: Result) -> Plan:
    """The remediation plan for `result` (which must come from the same inputs)."""
    drafts: dict[tuple[str, str], _Draft] = {}
    vendor_questions: list[VendorQuestion] = []
    for outcome in result.questions:
        question = bank.question(outcome.question_id)
        for slot in outcome.slots:
            if slot.value is None or slot.credit is None or slot.credit >= 1.0:
                continue  # unanswered, not applicable, or no gap
            if slot.value == UNKNOWN and question.ask_vendor is not None:
                # Only what a vendor can answer, naming the systems this business declared.
                text = question.vendor_text(profile) or question.ask_vendor
                vendor_questions.append(
                    VendorQuestion(question.id, slot.system_key, slot.system_name, text)
                )
            for action_id in question.actions:
                draft = drafts.setdefault(
                    (action_id, slot.system_key),
                    _Draft(action_id, slot.system_key, slot.system_name),
                )
                draft.gaps.append((question.id, slot.system_key))
                draft.critical = draft.critical or question.critical
                draft.unknown_only = draft.unknown_only and slot.value == UNKNOWN
    scorer = _Uplift(bank, profile, answers, result)
    items = [_item(bank, scorer, draft) for draft in drafts.values()]
    items.sort(key=_priority)
    all_gaps = {gap for draft in drafts.values() for gap in draft.gaps}
    projected = evaluate(bank, profile, _closed(bank, answers, all_gaps)).score
    return Plan(tuple(items), tuple(vendor_questions), projected)


def projected_score(
    bank: Bank, profile: Profile, answers: Answers, items: Iterable[PlanItem]
) -> float:
    """The score once every gap behind `items` is closed (the plan's what-if)."""
    gaps: set[AnswerKey] = set()
    for item in items:
        for gap in item.gaps:
            question_id, _, system_key = gap.partition("/")
            gaps.add((question_id, system_key))
    return evaluate(bank, profile, _closed(bank, answers, gaps)).score


class _Uplift:
    """Each item's exact uplift without re-scoring the whole bank per item.

    Closing a gap raises one slot's credit, and a question's credit is the mean
    over its counted slots, so the score rises by max_points x (new - old) / n.
    Nothing else moves unless the question is a gate for others (an `applies_if`
    answer condition): then questions appear or vanish, and that item is
    re-scored in full. A property test checks that both ways agree.
    """

    def __init__(self, bank: Bank, profile: Profile, answers: Answers, result: Result) -> None:
        self.bank, self.profile, self.answers, self.result = bank, profile, answers, result
        self.outcomes = {outcome.question_id: outcome for outcome in result.questions}
        self.lost = sum(outcome.points_lost for outcome in result.questions)
        self.scorable = any(outcome.max_points for outcome in result.questions)
        self.gates = {
            q.applies_if.answer.question
            for q in bank.questions
            if q.applies_if is not None and q.applies_if.answer is not None
        }

    def of(self, gaps: list[AnswerKey]) -> float:
        """The score gained by closing `gaps`, as a full re-scoring would give it."""
        if any(question_id in self.gates for question_id, _ in gaps):
            fixed = evaluate(self.bank, self.profile, _closed(self.bank, self.answers, set(gaps)))
            return round(max(0.0, fixed.score - self.result.score), 9)
        if not self.scorable:
            return 0.0
        gained = sum(self._gain(question_id, system_key) for question_id, system_key in set(gaps))
        after = round(max(0.0, min(100.0, 100.0 - (self.lost - gained))), 9)
        return round(max(0.0, after - self.result.score), 9)

    def _gain(self, question_id: str, system_key: str) -> float:
        outcome = self.outcomes[question_id]
        counted = [slot for slot in outcome.slots if slot.credit is not None]
        credit = next(slot.credit for slot in counted if slot.system_key == system_key)
        question = self.bank.question(question_id)
        best = question.credit(best_value(question))
        return outcome.max_points * (best - (credit or 0.0)) / len(counted)


def _item(bank: Bank, scorer: _Uplift, draft: _Draft) -> PlanItem:
    action = bank.action(draft.action_id)
    horizon = "this-month" if draft.critical else _HORIZON_BY_EFFORT[action.effort]
    suffix = f"/{draft.system_key}" if draft.system_key else ""
    return PlanItem(
        id=f"{draft.action_id}{suffix}",
        action=action,
        system_key=draft.system_key,
        system_name=draft.system_name,
        question_ids=tuple(dict.fromkeys(question_id for question_id, _ in draft.gaps)),
        critical=draft.critical,
        uplift=scorer.of(draft.gaps),
        horizon=horizon,
        gaps=tuple(f"{q}/{s}" if s else q for q, s in draft.gaps),
        check_first=draft.unknown_only,
    )


def _priority(item: PlanItem) -> tuple[bool, float, str]:
    return (not item.critical, -item.uplift / EFFORT_UNITS[item.action.effort], item.id)


def best_value(question: Question) -> str:
    """The answer that earns full credit, used to re-score a closed gap."""
    if question.kind == "choice":
        return max(question.options, key=lambda option: option.credit).id
    if question.kind == "number":
        assert question.number is not None
        best = max(question.number.thresholds, key=lambda t: (t.credit, t.value))
        return format_number(best.value)
    return YES


def _closed(bank: Bank, answers: Answers, gaps: set[AnswerKey]) -> dict[AnswerKey, Answer]:
    updated = dict(answers)
    for question_id, system_key in gaps:
        value = best_value(bank.question(question_id))
        updated[(question_id, system_key)] = Answer(
            question_id=question_id, system_key=system_key, value=value
        )
    return updated
