"""evaluate(bank, profile, answers) -> Result.

Each scored question has a fixed share of the bank (`Bank.shares`: its domain's
weight split among the domain's questions by weight). The score is credit (0-1)
times share over the shares of the questions that apply, scaled to 0-100, so
not-applicable answers leave both numerator and denominator and never change
how the remaining questions rank; unanswered and "don't know" score 0. Every
point lost is attributed to exactly one question, so the losses add up to
100 - score.
"""

from __future__ import annotations

from collections import defaultdict

from pdpa_check.questionnaires.answers import Answers, describe_value
from pdpa_check.questionnaires.applicability import Slot, applicable_slots, profile_notices
from pdpa_check.questionnaires.model import NOT_APPLICABLE, UNKNOWN, Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.result import Band, DomainResult, QuestionResult, Result, SlotResult

BANDS: tuple[Band, ...] = (
    Band("strong", "Well prepared", 80.0),
    Band("fair", "Mostly prepared", 60.0),
    Band("weak", "Partly prepared", 40.0),
    Band("poor", "Exposed", 0.0),
)
# A failed critical control caps the band here, whatever the average.
CRITICAL_CAP = BANDS[2]


def evaluate(bank: Bank, profile: Profile, answers: Answers) -> Result:
    """Score `answers` for `profile` against `bank`. Pure and deterministic."""
    slots_by_question: dict[str, list[Slot]] = defaultdict(list)
    for slot in applicable_slots(bank, profile, answers):
        slots_by_question[slot.question.id].append(slot)

    scored: list[tuple[Question, list[SlotResult], float | None]] = []
    for question in bank.questions:
        slots = slots_by_question.get(question.id)
        if slots and question.scored:
            slot_results = [_slot_result(slot, answers) for slot in slots]
            scored.append((question, slot_results, _question_credit(slot_results)))

    shares = bank.shares
    live_total = sum(shares[q.id] for q, _, credit in scored if credit is not None) or 1.0

    questions = []
    for question, slot_results, credit in scored:
        max_points = 100.0 * shares[question.id] / live_total if credit is not None else 0.0
        lost = max_points * (1.0 - credit) if credit is not None else 0.0
        questions.append(
            QuestionResult(
                question_id=question.id,
                domain_id=question.domain,
                weight=question.weight,
                critical=question.critical,
                credit=credit,
                points_lost=lost,
                max_points=max_points,
                reason=_reason(question, slot_results),
                slots=tuple(slot_results),
            )
        )
    return _assemble(bank, questions, profile_notices(bank, profile, answers))


def _slot_result(slot: Slot, answers: Answers) -> SlotResult:
    answer = answers.get(slot.key)
    system_key, system_name = (slot.system.key, slot.system.name) if slot.system else ("", None)
    if answer is None:
        return SlotResult(system_key, system_name, None, 0.0)
    if answer.value == NOT_APPLICABLE:
        return SlotResult(system_key, system_name, answer.value, None)
    return SlotResult(system_key, system_name, answer.value, slot.question.credit(answer.value))


def _question_credit(slots: list[SlotResult]) -> float | None:
    """Mean credit over the slots that apply: the share of systems covered."""
    credits = [slot.credit for slot in slots if slot.credit is not None]
    return sum(credits) / len(credits) if credits else None


def _reason(question: Question, slots: list[SlotResult]) -> str:
    """Why the question lost points (or didn't), in plain words."""
    if len(slots) == 1 and slots[0].system_name is None:
        value = slots[0].value
        if value is None:
            return "Not answered yet"
        if value == NOT_APPLICABLE:
            return "Marked not applicable"
        label = describe_value(question, value)
        credit = slots[0].credit or 0.0
        if value == UNKNOWN:
            return 'Answered "Don\'t know": scores 0 until someone checks'
        return f"Answered {label}" + ("" if credit >= 1.0 else f" ({credit:.0%} credit)")
    gaps = [
        f"{slot.system_name}: "
        + ("not answered" if slot.value is None else describe_value(question, slot.value))
        for slot in slots
        if slot.credit is not None and slot.credit < 1.0
    ]
    covered = sum(1 for slot in slots if slot.credit == 1.0)
    counted = sum(1 for slot in slots if slot.credit is not None)
    summary = f"{covered} of {counted} system{'' if counted == 1 else 's'} covered"
    return summary + (" (" + "; ".join(gaps) + ")" if gaps else "")


def _assemble(bank: Bank, questions: list[QuestionResult], notices: list[str]) -> Result:
    # Each domain's applicable questions, in bank order (the sums below keep that order).
    by_domain: dict[str, list[QuestionResult]] = defaultdict(list)
    for question in questions:
        if not question.not_applicable:
            by_domain[question.domain_id].append(question)
    domains = [_domain_result(bank, domain_id, by_domain[domain_id]) for domain_id in _ids(bank)]
    # Rounded far below display precision so a score of exactly 60 is not 59.999...
    score = round(max(0.0, min(100.0, 100.0 - sum(q.points_lost for q in questions))), 9)
    if not any(q.max_points for q in questions):
        score = 0.0  # nothing scorable: no claim of readiness can be made
    uncapped = band_for(score)
    failures = [q for q in questions if q.critical_failed]
    band, capped_by = uncapped, None
    if failures and uncapped.minimum > CRITICAL_CAP.minimum:
        band = CRITICAL_CAP
        capped_by = max(failures, key=lambda q: q.points_lost).question_id
    slots = [s for q in questions if not q.not_applicable for s in q.slots if s.credit is not None]
    unanswered = sum(1 for s in slots if s.value is None)
    unknown = sum(1 for s in slots if s.value == UNKNOWN)
    known = len(slots) - unanswered - unknown
    return Result(
        score=score,
        band=band,
        uncapped_band=uncapped,
        capped_by=capped_by,
        critical_failures=tuple(q.question_id for q in failures),
        domains=tuple(domains),
        questions=tuple(questions),
        applicable=len(slots),
        answered=len(slots) - unanswered,
        unknown=unknown,
        unanswered=unanswered,
        confidence=known / len(slots) if slots else 0.0,
        notices=tuple(notices),
    )


def _ids(bank: Bank) -> list[str]:
    return [domain.id for domain in bank.domains]


def _domain_result(bank: Bank, domain_id: str, mine: list[QuestionResult]) -> DomainResult:
    """The domain's result from its applicable questions (`mine`, in bank order)."""
    possible = sum(q.max_points for q in mine)
    lost = sum(q.points_lost for q in mine)
    slots = [s for q in mine for s in q.slots if s.credit is not None]
    domain = bank.domain(domain_id)
    return DomainResult(
        domain_id=domain_id,
        title=domain.title,
        weight=domain.weight,
        score=100.0 * (possible - lost) / possible if possible else None,
        answered=sum(1 for s in slots if s.value is not None),
        applicable=len(slots),
        points_lost=lost,
    )


def band_for(score: float) -> Band:
    """The band a score falls in before any critical cap."""
    return next(band for band in BANDS if score >= band.minimum)
