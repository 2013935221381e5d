"""Skip logic: which questions (and which per-system copies) are asked.

The core decides this, never the UI, so every front end asks the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdpa_check.questionnaires.answers import AnswerKey, Answers, describe_value
from pdpa_check.questionnaires.model import AppliesIf, Bank, Question
from pdpa_check.questionnaires.profile import SITE_BUILD_WORDS, SYSTEM_KINDS, Profile, System


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
    if condition.has_website is not None and profile.has_website != condition.has_website:
        return False
    if condition.site_builds is not None and not (
        profile.has_website and profile.site_build in condition.site_builds
    ):
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
    if condition.has_website is not None and profile.has_website != condition.has_website:
        return (
            "it is asked only of a business with a website or online store of its own"
            if condition.has_website
            else "it is asked only of a business without a website of its own"
        )
    if condition.site_builds is not None and not (
        profile.has_website and profile.site_build in condition.site_builds
    ):
        ways = " or ".join(SITE_BUILD_WORDS[build] for build in condition.site_builds)
        return f"it is asked only when the business's own website is {ways}"
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


def profile_notices(bank: Bank, profile: Profile, answers: Answers) -> list[str]:
    """Where the profile and the answers (or the profile itself) disagree, one sentence each.

    Skip logic trusts both, so a contradiction would silently drop questions (an AI
    system declared, yet "no AI tool" answered, drops the AI area): say so instead.
    """
    notices = [_website_notice(profile), _site_build_notice(profile)]
    for question in bank.questions:
        answer = answers.get((question.id, ""))
        if question.profile_check is not None and answer is not None:
            notices.append(answer_notice(bank, profile, question, answer.value))
    return [notice for notice in notices if notice]


def answer_notice(bank: Bank, profile: Profile, question: Question, value: str) -> str:
    """Why the declared systems contradict answering `question` with `value`; "" if they don't.

    The sentence names the answer, the systems, and what is skipped because of it.
    """
    check = question.profile_check
    systems = profile.systems_of(list(check.system_kinds)) if check else []
    if check is None or value not in check.any_of or not systems:
        return ""
    label = describe_value(question, value)
    dependants = [
        q
        for q in bank.questions
        if q.applies_if is not None
        and q.applies_if.answer is not None
        and q.applies_if.answer.question == question.id
    ]
    areas = dict.fromkeys(bank.domain(q.domain).title for q in dependants)
    skipped = (
        f"; so the {len(dependants)} questions that follow from it ({', '.join(areas)}) "
        "are not asked"
        if dependants
        else ""
    )
    return (
        f'"{question.text}" is answered {label}, yet your systems include {_named(systems)}'
        f"{skipped}. Check that answer or your list of systems."
    )


def _website_notice(profile: Profile) -> str:
    """A business marked as having no website of its own that lists an online store."""
    stores = profile.systems_of(["storefront"])
    if profile.has_website or not stores:
        return ""
    return (
        "The profile says the business has no website or online store of its own, yet lists "
        f"{_named(stores)}; so the questions about your own website are not asked. "
        "Check the business profile."
    )


# Store software a business installs and updates itself (or has its vendor do): a storefront
# by one of these names on a profile that says "hosted platform" is pointed out.
SELF_HOSTED_STORES = ("woocommerce", "magento", "opencart", "prestashop")


def _site_build_notice(profile: Profile) -> str:
    """A storefront named after self-hosted store software, on a profile saying "hosted"."""
    if not profile.has_website or profile.site_build != "hosted":
        return ""
    stores = [
        system
        for system in profile.systems_of(["storefront"])
        if any(name in system.name.casefold() for name in SELF_HOSTED_STORES)
    ]
    if not stores:
        return ""
    return (
        "The profile says your website runs on a hosted platform, yet lists "
        f"{_named(stores)}, store software that you or your vendor install and update; so the "
        "questions about updating a self-hosted store are not asked. Check the business profile."
    )


def _named(systems: list[System]) -> str:
    return ", ".join(f"{system.name} ({SYSTEM_KINDS[system.kind]})" for system in systems)
