"""Answers and their validation against a question."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from pdpa_check.questionnaires.errors import InvalidValue
from pdpa_check.questionnaires.model import (
    ANSWER_LABELS,
    NO,
    NOT_APPLICABLE,
    PARTLY,
    UNKNOWN,
    YES,
    AnswerValue,
    Question,
)
from pdpa_check.support.text import TextError, clean

# (question id, system key); the system key is "" for questions asked once.
AnswerKey = tuple[str, str]


class Answer(BaseModel):
    """One answer: a validated value plus the owner's note and evidence."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    question_id: str
    system_key: str = ""
    value: str
    note: str = ""
    evidence: str = ""

    @property
    def key(self) -> AnswerKey:
        return (self.question_id, self.system_key)


Answers = Mapping[AnswerKey, Answer]


@dataclass(frozen=True)
class Verified:
    """Where a verified answer came from: the file's name, its format and its date."""

    file_name: str
    format: str  # the format's title, e.g. "Google Workspace users list"
    file_date: str  # YYYY-MM-DD: when the file was downloaded (its modification date)

    def to_json(self) -> str:
        return json.dumps([self.file_name, self.format, self.file_date])

    @classmethod
    def from_json(cls, text: str) -> Verified | None:
        """The mark stored with an answer; '' (the owner's word) or a damaged one is None."""
        try:
            name, form, date = json.loads(text)
        except (ValueError, TypeError):
            return None
        if not all(isinstance(part, str) for part in (name, form, date)):
            return None
        return cls(name, form, date)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

# Words people type for the standard values ("Don't know", "N/A").
_ALIASES: dict[str, AnswerValue] = {
    "y": YES,
    "n": NO,
    "p": PARTLY,
    "partial": PARTLY,
    "don't know": UNKNOWN,
    "dont know": UNKNOWN,
    "don\u2019t know": UNKNOWN,
    "u": UNKNOWN,
    "not applicable": NOT_APPLICABLE,
    "n/a": NOT_APPLICABLE,
    "x": NOT_APPLICABLE,
}


def normalise_value(question: Question, raw: object) -> str:
    """The canonical stored form of `raw` for `question`, or InvalidValue saying why."""
    if question.kind == "text":
        if not isinstance(raw, str):
            raise InvalidValue("must be text")
        try:
            return clean(raw).strip()
        except TextError as error:
            raise InvalidValue(str(error)) from None
    if isinstance(raw, str):
        value = _ALIASES.get(raw.strip().casefold(), raw.strip().casefold())
        if value in question.accepted_values():
            return value
    if question.kind == "number":
        return _normalise_number(question, raw)
    allowed = ", ".join(question.accepted_values())
    raise InvalidValue(f"{raw!r} is not one of: {allowed}")


def _normalise_number(question: Question, raw: object) -> str:
    assert question.number is not None
    scale = question.number
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InvalidValue(f"must be a number of {scale.unit} or '{UNKNOWN}'")
    if isinstance(raw, str) and not _NUMBER.match(raw.strip()):
        raise InvalidValue(f"{raw!r} is not a number of {scale.unit} or '{UNKNOWN}'")
    number = float(raw)
    if not math.isfinite(number) or not scale.minimum <= number <= scale.maximum:
        raise InvalidValue(f"must be between {scale.minimum:g} and {scale.maximum:g} {scale.unit}")
    return format_number(number)


def format_number(number: float) -> str:
    """The stored form of a number: whole numbers without ".0", others at full precision."""
    return str(int(number)) if number.is_integer() else repr(number)


def describe_value(question: Question, value: str) -> str:
    """A plain label for a stored value ("Yes", "Don't know", "3 days").

    A choice's own label comes first, so a scale whose levels are yes, partly and no says
    what each level means rather than the bare word.
    """
    if question.kind == "choice":
        label = next((o.label for o in question.options if o.id == value), None)
        if label is not None:
            return label
    if value in ANSWER_LABELS:
        return ANSWER_LABELS[value]
    if question.kind == "number" and question.number is not None:
        unit = question.number.unit
        if value == "1" and unit.endswith("s"):
            unit = unit[:-1]  # "1 day", not "1 days"
        return f"{value} {unit}"
    return value
