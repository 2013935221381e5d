"""compare(before, after) -> Comparison: what changed between two assessments.

Pure and deterministic, like the rest of scoring: the TUI history screen, a
`diff` command and the report's "since last quarter" section all read the
same Comparison. Only answer values count as changes; notes and evidence do
not. The two assessments may use different bank versions: questions and
domains that exist in only one of them still appear.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.model import Bank
from pdpa_check.scoring.result import Band, Result


@dataclass(frozen=True)
class DomainDelta:
    """One domain's score before and after (None where it had nothing to score)."""

    domain_id: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class AnswerChange:
    """One answer whose value differs; None means "not answered" on that side."""

    question_id: str
    system_key: str
    before: str | None
    after: str | None

    @property
    def key(self) -> AnswerKey:
        return (self.question_id, self.system_key)


@dataclass(frozen=True)
class Comparison:
    """Everything that changed from `before` to `after`."""

    score_before: float
    score_after: float
    band_before: Band
    band_after: Band
    domains: tuple[DomainDelta, ...]
    answers: tuple[AnswerChange, ...]
    critical_opened: tuple[str, ...]
    critical_closed: tuple[str, ...]

    @property
    def score_delta(self) -> float:
        return self.score_after - self.score_before

    @property
    def band_changed(self) -> bool:
        return self.band_before.id != self.band_after.id


def compare(
    before_bank: Bank,
    before_answers: Mapping[AnswerKey, Answer],
    before_result: Result,
    after_bank: Bank,
    after_answers: Mapping[AnswerKey, Answer],
    after_result: Result,
) -> Comparison:
    """Compare two scored assessments. Same inputs, same output."""
    return Comparison(
        score_before=before_result.score,
        score_after=after_result.score,
        band_before=before_result.band,
        band_after=after_result.band,
        domains=_domain_deltas(before_bank, before_result, after_bank, after_result),
        answers=_answer_changes(before_bank, before_answers, after_bank, after_answers),
        critical_opened=_missing_from(after_result.critical_failures, before_result),
        critical_closed=_missing_from(before_result.critical_failures, after_result),
    )


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """The ids of `first` in order, with those only in `second` slotted in after their
    nearest predecessor in `second` (or at the start when there is none)."""
    merged = list(dict.fromkeys(first))
    placed = set(merged)
    anchor = -1
    for item in dict.fromkeys(second):
        if item in placed:
            anchor = merged.index(item)
        else:
            anchor += 1
            merged.insert(anchor, item)
            placed.add(item)
    return merged


def _domain_deltas(
    before_bank: Bank, before: Result, after_bank: Bank, after: Result
) -> tuple[DomainDelta, ...]:
    scores_before = {d.domain_id: d.score for d in before.domains}
    scores_after = {d.domain_id: d.score for d in after.domains}
    titles = {d.id: d.title for d in before_bank.domains} | {
        d.id: d.title for d in after_bank.domains
    }
    ids = _union((d.id for d in after_bank.domains), (d.id for d in before_bank.domains))
    return tuple(
        DomainDelta(
            domain_id, titles[domain_id], scores_before.get(domain_id), scores_after.get(domain_id)
        )
        for domain_id in ids
    )


def _answer_changes(
    before_bank: Bank,
    before: Mapping[AnswerKey, Answer],
    after_bank: Bank,
    after: Mapping[AnswerKey, Answer],
) -> tuple[AnswerChange, ...]:
    order = _union((q.id for q in after_bank.questions), (q.id for q in before_bank.questions))
    rank = {question_id: index for index, question_id in enumerate(order)}
    keys = sorted(
        set(before) | set(after),
        # Answers to questions neither bank knows (a retired question) go last.
        key=lambda key: (rank.get(key[0], len(rank)), key[0], key[1]),
    )
    changes = []
    for question_id, system_key in keys:
        old = before.get((question_id, system_key))
        new = after.get((question_id, system_key))
        old_value = old.value if old is not None else None
        new_value = new.value if new is not None else None
        if old_value != new_value:
            changes.append(AnswerChange(question_id, system_key, old_value, new_value))
    return tuple(changes)


def _missing_from(failures: tuple[str, ...], other: Result) -> tuple[str, ...]:
    """The failed critical controls in `failures` that `other` does not have."""
    known = set(other.critical_failures)
    return tuple(question_id for question_id in failures if question_id not in known)
