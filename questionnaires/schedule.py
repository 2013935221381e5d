"""The Schedule to the Notification of Data Breaches Regulations 2021, as checked data.

`schedule.toml` beside the banks lists Part 1's classes (which make harm deemed
significant with a name or ID number, reg 3(1)(a)) and Part 2's exclusions, with
the source and the day it was checked. `builtin_schedule()` reads and validates
it once; the breach kit's questions and the record's explanation come from it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pdpa_check.questionnaires.loader import describe_location, read_model

# The facts fields that ask about the data, in the order they are asked.
QuestionKey = Literal[
    "identifiers", "credentials", "card_numbers", "bank_accounts", "pay", "prescribed"
]
QUESTION_KEYS: tuple[QuestionKey, ...] = (
    "identifiers",
    "credentials",
    "card_numbers",
    "bank_accounts",
    "pay",
    "prescribed",
)
# The questions that stand for Part 1 classes (the rest say who or which account).
CLASS_KEYS: tuple[QuestionKey, ...] = ("card_numbers", "bank_accounts", "pay", "prescribed")

Key = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
Words = Field(min_length=3, max_length=600)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the text comes from and when it was last checked."""

    title: str = Words
    instrument: str = Field(pattern=r"^S \d+/\d{4}$")
    amended_by: tuple[str, ...] = ()
    url: str = Field(pattern=r"^https://")
    checked_on: dt.date
    checked_against: tuple[str, ...] = Field(min_length=1)
    check_current: str = Words


class Rule(_Strict):
    """A limb of reg 3(1) in plain words."""

    rule: str = Words
    text: str = Words


class Names(Rule):
    """reg 3(1)(a): who the data must name, in plain words."""

    full_name: str = Words
    alias: str = Words
    identification_number: str = Words


class DataClass(_Strict):
    """One class in Part 1 (or an exclusion in Part 2)."""

    key: str = Key
    name: str = Words
    # Part 1 only: its item number; classes added later may have none given here.
    item: int | None = Field(default=None, ge=1, le=99)
    group: str = ""
    amended_by: str | None = None
    added: bool = False


class Question(_Strict):
    """A question the facts file and the app ask about the data."""

    key: QuestionKey
    # A few words for a sentence: "card numbers".
    label: str = Field(min_length=3, max_length=80)
    rule: str = Words
    text: str = Words
    covers: tuple[str, ...] = ()
    rest: bool = False


class Schedule(_Strict):
    """The whole file, checked: unique keys and items, every class asked about once."""

    schema_version: Literal[1] = 1
    source: Source
    names: Names
    accounts: Rule
    part1: tuple[DataClass, ...] = Field(min_length=1)
    part2: tuple[DataClass, ...] = Field(min_length=1)
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Schedule:
        keys = [entry.key for entry in (*self.part1, *self.part2)]
        if len(keys) != len(set(keys)):
            raise ValueError("every class and exclusion needs its own key")
        items = [entry.item for entry in self.part1 if entry.item is not None]
        if len(items) != len(set(items)):
            raise ValueError("two Part 1 classes have the same item number")
        for entry in self.part1:
            if entry.item is None and not entry.added:
                raise ValueError(f"Part 1 class {entry.key!r} needs its item number")
        self._check_questions()
        return self

    def _check_questions(self) -> None:
        asked = [question.key for question in self.questions]
        if tuple(asked) != QUESTION_KEYS:
            raise ValueError(f"the questions must be, in order: {', '.join(QUESTION_KEYS)}")
        part1 = {entry.key for entry in self.part1}
        covered = [key for question in self.questions for key in question.covers]
        unknown = sorted(set(covered) - part1)
        if unknown:
            raise ValueError(f"questions cover classes not in Part 1: {', '.join(unknown)}")
        if len(covered) != len(set(covered)):
            raise ValueError("a Part 1 class is asked about twice")
        if [q.key for q in self.questions if q.rest] != ["prescribed"]:
            raise ValueError("only the 'prescribed' question stands for the rest of Part 1")

    def question(self, key: QuestionKey) -> Question:
        return next(question for question in self.questions if question.key == key)

    def classes_for(self, key: QuestionKey) -> tuple[DataClass, ...]:
        """The Part 1 classes a question stands for."""
        question = self.question(key)
        if question.rest:
            asked = {k for q in self.questions for k in q.covers}
            return tuple(entry for entry in self.part1 if entry.key not in asked)
        return tuple(entry for entry in self.part1 if entry.key in question.covers)


def item_label(entry: DataClass) -> str:
    """`Schedule Part 1 item 3`, or where a later amendment added the class."""
    if entry.item is not None:
        return f"Schedule Part 1 item {entry.item}"
    return f"Schedule Part 1, added by {entry.amended_by}"


def schedule_path() -> Path:
    """The Schedule file shipped inside the package."""
    return Path(str(resources.files("pdpa_check.questionnaires") / "schedule.toml"))


def read_schedule(data: bytes, source: str) -> Schedule:
    """A Schedule from TOML bytes; BankError names `source` and the place."""

    def where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
        return describe_location(loc, raw) if loc else "schedule"

    return read_model(Schedule, data, source, where)


@cache
def builtin_schedule() -> Schedule:
    """The shipped Schedule; a broken one is a packaging bug, so it raises."""
    path = schedule_path()
    return read_schedule(path.read_bytes(), str(path))
