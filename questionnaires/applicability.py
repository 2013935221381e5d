"""Skip logic: which questions (and which per-system copies) are asked.

The core decides this, never the UI, so every front end asks the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdpa_check.questionnaires.answers import AnswerKey, Answers
from pdpa_check.questionnaires.model import AppliesIf, Bank, Question
from pdpa_check.questionnaires.profile import Profile, System


@dataclass(frozen=True)
class Slot:
    """One thing to answer: a question, or a per-system question for one system."""

    question: Question
    system: System | None = None

    @property
    def key(self) -> AnswerKey:
        return (self.question.id, self.system.key if self.system else "")


def applicable_slots(bank: Bank, profile: Profile, answers: Answers) -> list[Slot]:
    """Every slot to answer, in bank order, after skip logic."""
    slots: list[Slot] = []
    asked: set[str] = set()
    for question in bank.questions:
        if not _applies(question.applies_if, profile, answers, asked):
            continue
        if question.kind == "per_system":
            systems = profile.systems_of(list(question.system_kinds))
            if not systems:
                continue
            slots += [Slot(question, system) for system in systems]
        else:
            slots.append(Slot(question))
        asked.add(question.id)
    return slots


def _applies(
    condition: AppliesIf | None, profile: Profile, answers: Answers, asked: set[str]
) -> bool:
    if condition is None:
        return True
    if condition.has_staff is not None and (profile.staff_count > 1) != condition.has_staff:
        return False
    if condition.system_kinds is not None and not profile.systems_of(list(condition.system_kinds)):
        return False
    if condition.sectors is not None and profile.sector not in condition.sectors:
        return False
    if condition.answer is not None:
        # A question that was skipped, or not answered yet, hides its dependants.
        earlier = answers.get((condition.answer.question, ""))
        if condition.answer.question not in asked or earlier is None:
            return False
        if earlier.value not in condition.answer.any_of:
            return False
    return True
