"""What changed between two assessments, and the plain-language "since last quarter" summary.

Shared by `pdpa-check diff`, the history screen and the Markdown export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from pdpa_check.questionnaires.answers import describe_value
from pdpa_check.scoring.compare import Comparison, compare
from pdpa_check.scoring.lifecycle import CLOSED_STATUSES
from pdpa_check.scoring.plan import item_ids
from pdpa_check.scoring.result import PlanItem
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.scoring.wording import failing_systems, summary_text
from pdpa_check.services.workspace import Assessed
from pdpa_check.store.repo import PlanItemState
from pdpa_check.support.dates import parse_day
from pdpa_check.support.text import for_output


@dataclass(frozen=True)
class Changes:
    before: Assessed
    after: Assessed
    comparison: Comparison
    completed_ids: frozenset[str]  # plan items of the earlier plan gone from the later one
    added_ids: frozenset[str]  # plan items new in the later plan

    @cached_property
    def items_completed(self) -> tuple[PlanItem, ...]:
        """The earlier plan's items gone from the later one (plans the earlier assessment)."""
        return tuple(i for i in self.before.plan.items if i.id in self.completed_ids)

    @cached_property
    def items_added(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.after.plan.items if i.id in self.added_ids)


def changes_between(before: Assessed, after: Assessed) -> Changes:
    comparison = compare(
        before.bank, before.answers, before.result, after.bank, after.answers, after.result
    )
    # The ids alone: the summary counts them, and only the screens listing the items
    # plan the earlier assessment in full.
    before_ids = item_ids(before.bank, before.profile, before.result)
    after_ids = item_ids(after.bank, after.profile, after.result)
    return Changes(before, after, comparison, before_ids - after_ids, after_ids - before_ids)


def overdue_items(
    assessed: Assessed, states: Mapping[str, PlanItemState], today: dt.date
) -> list[PlanItem]:
    """Open items of the plan whose due date has passed."""
    late = []
    for item in assessed.plan.items:
        state = states.get(item.id)
        if (
            state is not None
            and state.due_date
            and state.status not in CLOSED_STATUSES
            and parse_day(state.due_date) < today
        ):
            late.append(item)
    return late


def summary(changes: Changes, *, overdue: int, unconfirmed: int = 0) -> list[str]:
    """A few short sentences an owner reads first, e.g. "Score rose from 48 to 71."."""
    c = changes.comparison
    before, after = shown_score(c.score_before), shown_score(c.score_after)
    if after > before:
        lines = [f"Score rose from {before} to {after}."]
    elif after < before:
        lines = [f"Score fell from {before} to {after}."]
    else:
        lines = [f"Score stayed at {after}."]
    if c.band_changed:
        lines.append(f"Band: {c.band_before.name} → {c.band_after.name}.")
    lines += [_fixed(changes, question_id) for question_id in c.critical_closed]
    lines += [
        _opened(changes, q) for q in c.critical_opened if q in changes.after.bank.questions_by_id
    ]
    if c.answers:
        lines.append(f"{_count(len(c.answers), 'answer')} changed.")
    done, added = len(changes.completed_ids), len(changes.added_ids)
    if done or added:
        lines.append(f"Plan: {_count(done, 'item')} completed, {added} added.")
    if overdue:
        lines.append(
            f"{_count(overdue, 'item')} {'remain' if overdue != 1 else 'remains'} overdue."
        )
    if unconfirmed:
        lines.append(
            f"{_count(unconfirmed, 'answer')} carried from last time "
            f"{'are' if unconfirmed != 1 else 'is'} not confirmed yet."
        )
    return lines


def _fixed(changes: Changes, question_id: str) -> str:
    """ "Critical gap closed: Replace shared logins (Shopify)." naming only the systems whose
    answer changed."""
    after = changes.after
    question = after.bank.questions_by_id.get(question_id)
    if question is None:
        return f"Critical gap closed: {question_id}."
    names = _changed_systems(changes, question_id)
    if not question.actions:
        return f"Critical gap closed: {for_output(summary_text(question, names))}"
    title = after.bank.action(question.actions[0]).title
    where = f" ({', '.join(names)})" if names else ""
    return f"Critical gap closed: {for_output(title + where)}."


def _opened(changes: Changes, question_id: str) -> str:
    """ "New critical gap: <the question, naming the systems now short of it>"."""
    question = changes.after.bank.question(question_id)
    failing = failing_systems(changes.after.result.question(question_id))
    changed = set(_changed_systems(changes, question_id))
    names = [name for name in failing if name in changed] or failing
    return f"New critical gap: {for_output(summary_text(question, names))}"


def _changed_systems(changes: Changes, question_id: str) -> list[str]:
    """The names of the systems whose answer to `question_id` changed, in profile order."""
    keys = {a.system_key for a in changes.comparison.answers if a.question_id == question_id}
    names = {s.key: s.name for s in changes.before.profile.systems}
    names |= {s.key: s.name for s in changes.after.profile.systems}  # today's name wins
    return [name for key, name in names.items() if key in keys]


def answer_line(changes: Changes, question_id: str, system_key: str) -> str:
    """One changed answer as "Question (System): Before → After"."""
    bank = changes.after.bank
    question = bank.questions_by_id.get(question_id) or changes.before.bank.questions_by_id.get(
        question_id
    )
    change = next(
        a
        for a in changes.comparison.answers
        if (a.question_id, a.system_key) == (question_id, system_key)
    )
    text = question.text if question else question_id
    system = next(
        (s.name for s in changes.after.profile.systems if s.key == system_key), system_key
    )

    def label(value: str | None) -> str:
        if value is None:
            return "not answered"
        return describe_value(question, value) if question else value

    where = f" ({system})" if system_key else ""
    return for_output(f"{text}{where}: {label(change.before)} → {label(change.after)}")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
