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


# Follow-up questions: asked only after an earlier answer -------------------------


def condition_text(question: Question) -> str | None:
    """The answer a follow-up question waits for, e.g. "asked if ai-in-use is yes or partly"."""
    condition = question.applies_if.answer if question.applies_if else None
    if condition is None:
        return None
    return f"asked if {condition.question} is {' or '.join(condition.any_of)}"


def slots_with_follow_ups(bank: Bank, profile: Profile) -> list[Slot]:
    """Every slot the profile allows, follow-ups included whatever the answers, in bank order.

    What a file to fill in offers at once, so one round of filling in is enough.
    """
    slots: list[Slot] = []
    for question in bank.questions:
        condition = question.applies_if
        if condition is not None and not _applies(
            condition.model_copy(update={"answer": None}), profile, {}, set()
        ):
            continue
        if question.kind == "per_system":
            slots += [Slot(question, s) for s in profile.systems_of(list(question.system_kinds))]
        else:
            slots.append(Slot(question))
    return slots


def why_not_asked(bank: Bank, question: Question, profile: Profile, answers: Answers) -> str:
    """Why `question` is not asked of this organisation with these answers, in plain words."""
    condition = question.applies_if
    if condition is None:
        return "it is not asked"
    if condition.has_staff is not None and (profile.staff_count > 1) != condition.has_staff:
        return (
            "it is asked only when there are staff besides the owner"
            if condition.has_staff
            else "it is asked only of a business run by the owner alone"
        )
    if condition.system_kinds is not None and not profile.systems_of(list(condition.system_kinds)):
        return f"it is asked only with a system of kind {', '.join(condition.system_kinds)}"
    if condition.sectors is not None and profile.sector not in condition.sectors:
        return f"it is asked only in the sectors {', '.join(condition.sectors)}"
    wanted = condition.answer
    if wanted is None:
        return "it is not asked"
    gate = bank.questions_by_id.get(wanted.question)
    asked = {slot.question.id for slot in applicable_slots(bank, profile, answers)}
    earlier = answers.get((wanted.question, ""))
    if gate is None or wanted.question not in asked:
        now = f"{wanted.question} is not asked either"
    elif earlier is None:
        now = f"{wanted.question} is not answered yet"
    else:
        now = f"{wanted.question} is answered {earlier.value}"
    return f"it is {condition_text(question)}, and {now}"
