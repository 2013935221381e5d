"""The words on the question card, built as literal text (bank text is untrusted)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.text import Text
from textual.content import Content

from pdpa_check.kit.contacts import Contact, ContactRole, missing_sentence
from pdpa_check.questionnaires.answers import Answer, Verified, describe_value
from pdpa_check.questionnaires.applicability import Slot
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.platforms import builtin_catalogue, steps_for_action
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.services.session import DomainProgress, Questionnaire
from pdpa_check.support.text import for_output
from pdpa_check.tui.widgets.plan_view import platform_parts

# Room for an area's title in the 30-cell domain list, after the marker and count.
DOMAIN_TITLE_CELLS = 21


def position_line(q: Questionnaire, index: int, *, new: bool = False) -> Text:
    """Where the owner is; `new` marks a question added since the last assessment."""
    slot = q.slots[index]
    domain = q.bank.domain(slot.question.domain).title
    critical = "  CRITICAL CONTROL" if slot.question.critical else ""
    return Text.assemble(
        (f"Question {index + 1} of {len(q.slots)}", "bold"),
        f"  ·  {for_output(domain)}",
        (critical, "bold"),
        ("  NEW QUESTION" if new else "", "bold"),
        f"  ·  {q.answered} answered",
    )


def systems_checklist(q: Questionnaire, slot: Slot) -> Text:
    """For a per-system question: every system it asks about, with its answer so far."""
    if slot.system is None:
        return Text("")
    line = Text.assemble("For ", (for_output(slot.system.name), "bold reverse"), "\n")
    for other in (s for s in q.slots if s.question.id == slot.question.id):
        assert other.system is not None
        answer = q.answers.get(other.key)
        value = describe_value(other.question, answer.value) if answer else "not answered"
        marker = ">" if other.key == slot.key else " "
        line.append(f"{marker} {for_output(other.system.name)}: {value}\n")
    return line


def answer_status(
    question: Question,
    answer: Answer | None,
    problem: str | None,
    *,
    carried: bool = False,
    stale: bool = False,
    verified: Verified | None = None,
) -> Text:
    """Whether the shown answer is saved or carried, whether a user list backs it, and any
    problem with the last one chosen."""
    if problem:
        return Text(for_output(problem), style="bold")
    if answer is None:
        return Text("Not answered yet.", style="dim")
    value = describe_value(question, answer.value)
    if carried:
        status = Text.assemble(("CARRIED from last time, to confirm: ", "bold"), value)
        status.append("\nStill true? Pick it again (enter) to confirm; ctrl+o confirms the area.")
    else:
        status = Text.assemble(("Saved: ", "bold"), value)
    if verified:
        status.append(f"\nVERIFIED from {for_output(verified.file_name)}", style="bold")
        status.append(for_output(f" ({verified.format} of {verified.file_date})"))
        if carried:
            status.append("; import a fresh list (ctrl+l) to check it again this quarter.")
    if stale:
        status.append("\nSTALE: not confirmed for over a quarter.", style="bold")
    return status


def help_text(
    bank: Bank, question: Question, profile: Profile, system_name: str | None = None
) -> RenderableType:
    """Why it matters, how to fix it (with the system's own steps), references: toggled with `?`."""
    parts: list[RenderableType] = [
        Text("Why it matters", style="bold underline"),
        Text(for_output(question.why)),
    ]
    actions = [bank.action(action_id) for action_id in question.actions]
    if actions:
        parts.append(Text("\nHow to fix it", style="bold underline"))
        for action in actions:
            parts.append(Text(for_output(action.title), style="bold"))
            parts += [Text(f"  - {for_output(step)}") for step in action.steps]
            own = steps_for_action(builtin_catalogue(), action.id, system_name or "")
            if own is not None:
                parts += platform_parts([own])
    vendor_text = question.vendor_text(profile)
    if vendor_text is not None:
        parts += [
            Text("\nAsk your vendor", style="bold underline"),
            Text(for_output(vendor_text)),
        ]
    if question.references:
        parts.append(Text("\nReferences", style="bold underline"))
        parts += [Text(f"  - {for_output(ref)}") for ref in question.references]
    return Group(*parts)


def domain_label(item: DomainProgress, current: bool) -> Content:
    marker = ">" if current else " "
    count = f"{item.answered}/{item.applicable}"
    done = "~" if item.to_confirm else "✓" if item.answered == item.applicable else " "
    title = for_output(item.domain.title)
    if len(title) > DOMAIN_TITLE_CELLS:
        title = title[: DOMAIN_TITLE_CELLS - 1] + "…"
    return Content(f"{marker}{count:>5}{done} {title}")


def kit_contacts_hint(
    roles: tuple[ContactRole, ...], contacts: Mapping[str, Contact]
) -> str | None:
    """The line under a question that depends on kit contacts nobody has recorded yet."""
    sentence = missing_sentence(roles, contacts)
    return f"{sentence} in the Breach kit, from the dashboard." if sentence else None
