"""Which key picks which answer for a question: one table shared by the card and the screen."""

from __future__ import annotations

from dataclasses import dataclass

from pdpa_check.questionnaires.answers import describe_value
from pdpa_check.questionnaires.model import NOT_APPLICABLE, UNKNOWN, Question

# Letter keys for the standard scale, in display order.
LETTERS: dict[str, str] = {"yes": "y", "partly": "p", "no": "n", UNKNOWN: "u", NOT_APPLICABLE: "x"}


@dataclass(frozen=True)
class Choice:
    """One answer the owner can pick: its stored value, label and keys."""

    value: str
    label: str
    number: int
    letter: str | None

    @property
    def keys(self) -> str:
        return f"{self.letter} {self.number}" if self.letter else f"  {self.number}"


def choices(question: Question) -> list[Choice]:
    """The answers offered for `question`, numbered 1..n (typed answers: only the scale words)."""
    pairs = [(value, describe_value(question, value)) for value in question.accepted_values()]
    return [
        Choice(value, label, number, LETTERS.get(value))
        for number, (value, label) in enumerate(pairs, start=1)
    ]


def choice_for_key(question: Question, key: str) -> Choice | None:
    """The choice a pressed key (letter or digit) stands for, if any."""
    for choice in choices(question):
        if key in (choice.letter, str(choice.number)):
            return choice
    return None


def typed(question: Question) -> bool:
    """Numbers and text are typed into a field rather than picked."""
    return question.kind in ("number", "text")
