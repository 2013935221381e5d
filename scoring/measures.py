"""How far the answers go towards the nine CSA Cyber Essentials measures (indicative).

A measure is **met** when at least one applicable, scored question maps to it
and every such question earns full credit. It is **not met** when any of them
falls short: partly, no, "don't know", unanswered, or a system not covered. It
is **not assessed** when no mapped question applies (or all were answered "not
applicable"): the answers say nothing about it, so it is not counted as met.

Pure: the result of `scoring.evaluate` in, one `MeasureResult` per measure out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pdpa_check.questionnaires.measures import MEASURES
from pdpa_check.questionnaires.model import Bank
from pdpa_check.scoring.result import Result

MeasureStatus = Literal["met", "not_met", "not_assessed"]
STATUS_WORDS: dict[MeasureStatus, str] = {
    "met": "MET",
    "not_met": "NOT MET",
    "not_assessed": "NOT ASSESSED",
}


@dataclass(frozen=True)
class MeasureResult:
    """One measure: its status, the questions that count for it and those short of full marks."""

    id: str
    title: str
    status: MeasureStatus
    questions: tuple[str, ...]
    short_of: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


def assess_measures(bank: Bank, result: Result) -> tuple[MeasureResult, ...]:
    """Every measure, A.1 to A.9 in order, judged on the answers behind `result`."""
    mapped: dict[str, list[str]] = {measure.id: [] for measure in MEASURES}
    credits: dict[str, float] = {}
    for outcome in result.questions:
        if outcome.credit is None:
            continue  # not applicable: says nothing either way
        credits[outcome.question_id] = outcome.credit
        for measure_id in bank.question(outcome.question_id).cyber_essentials:
            mapped[measure_id].append(outcome.question_id)
    measures = []
    for measure in MEASURES:
        questions = tuple(mapped[measure.id])
        short_of = tuple(qid for qid in questions if credits[qid] < 1.0)
        status: MeasureStatus
        if not questions:
            status = "not_assessed"
        elif short_of:
            status = "not_met"
        else:
            status = "met"
        measures.append(MeasureResult(measure.id, measure.title, status, questions, short_of))
    return tuple(measures)


def maps_measures(bank: Bank) -> bool:
    """Whether any question of `bank` maps to a measure (if none does, there is no tally)."""
    return any(question.cyber_essentials for question in bank.questions)


@dataclass(frozen=True)
class MeasureTally:
    met: int
    assessed: int
    total: int
    not_met: tuple[MeasureResult, ...]
    not_assessed: tuple[MeasureResult, ...]

    def line(self) -> str:
        """`4 of 9 measures met; not met: A.5 Access control; not assessed: A.4 ...`."""
        text = f"{self.met} of {self.total} measures met"
        if self.not_met:
            text += "; not met: " + ", ".join(m.label for m in self.not_met)
        if self.not_assessed:
            text += "; not assessed: " + ", ".join(m.label for m in self.not_assessed)
        return text


def tally(measures: tuple[MeasureResult, ...]) -> MeasureTally:
    """How many measures are met, of how many assessed, and which are missing."""
    return MeasureTally(
        met=sum(1 for m in measures if m.status == "met"),
        assessed=sum(1 for m in measures if m.status != "not_assessed"),
        total=len(measures),
        not_met=tuple(m for m in measures if m.status == "not_met"),
        not_assessed=tuple(m for m in measures if m.status == "not_assessed"),
    )
