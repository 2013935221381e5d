"""A question's words where it stands for all its systems at once (summaries, diffs, gaps).

A per-system question is asked of one system at a time ("every login to this
system?"); in a summary line that wording is wrong. There it either names the
systems meant ("every login to Shopify and Mailchimp?") or, when the line goes on
to list them, speaks of each system ("every login to each system?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pdpa_check.questionnaires.model import Question
from pdpa_check.scoring.result import QuestionResult

THIS_SYSTEM = re.compile(r"\b([Tt])his system\b")


def summary_text(question: Question, systems: Sequence[str] = ()) -> str:
    """The question's text for a line about all its systems: named when given, else "each"."""
    text = question.text
    if question.kind != "per_system":
        return text
    if not systems:
        return THIS_SYSTEM.sub(lambda m: "Each system" if m[1] == "T" else "each system", text)
    names = join_names(systems)
    replaced, count = THIS_SYSTEM.subn(lambda _: names, text)  # names are literal text
    return replaced if count else f"{text} ({', '.join(systems)})"


def join_names(names: Sequence[str]) -> str:
    """ "Shopify", "Shopify and Mailchimp", "Shopify, Mailchimp and Klaviyo"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def failing_systems(outcome: QuestionResult) -> list[str]:
    """The systems a per-system question is still short of full credit on, in profile order."""
    return [
        slot.system_name
        for slot in outcome.slots
        if slot.system_name and slot.credit is not None and slot.credit < 1.0
    ]
