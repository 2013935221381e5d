"""build_plan: turn every gap into the bank's actions, with exact uplift, grouped per fix.

One entry per action ("Turn on and enforce MFA"), holding one item per system
with a gap (or one org-wide item): items keep the stable ids status, owner and
due date are stored under; the entry is what the plan lists and ranks.

Priority: critical first, then uplift per effort hour, then id. Horizons
follow capacity (see `place`): critical entries always go in This month; the
rest, in priority order, take the first horizon with room in its share of the
monthly effort budget, and what fits nowhere goes to Later. The plan lists
entries by horizon, in priority order within each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Answers, format_number
from pdpa_check.questionnaires.model import UNKNOWN, YES, Action, Bank, Question
from pdpa_check.questionnaires.platforms import Catalogue, SystemSteps, steps_for
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import CRITICAL_CAP, band_for, evaluate
from pdpa_check.scoring.result import (
    HORIZON_MONTHS,
    HORIZONS,
    STAFF_COUNT,
    THIS_RUN,
    Band,
    BandEffect,
    Capacity,
    Horizon,
    Person,
    Plan,
    PlanEntry,
    PlanItem,
    Result,
    VendorQuestion,
)

# Hours of work for a fix on its first system: low effort is an afternoon, medium
# about a working day, high two working days (spread over weeks in practice).
EFFORT_HOURS: dict[str, float] = {"low": 2.0, "medium": 6.0, "high": 16.0}
# Each further system costs half the first: the steps are known by then.
FURTHER_SYSTEM_SHARE = 0.5
# The monthly effort budget: about two working days (16 h) for up to 10 staff, plus
# one working day (8 h) for each further 10 staff or part of 10, at most 80 h (two weeks).
BASE_MONTH_HOURS = 16.0
STAFF_STEP, HOURS_PER_STEP, MAX_MONTH_HOURS = 10, 8.0, 80.0


def effort_hours(effort: str, systems: int) -> float:
    """The hours a fix of `effort` takes on `systems` systems (at least one)."""
    return EFFORT_HOURS[effort] * (1.0 + FURTHER_SYSTEM_SHARE * (max(1, systems) - 1))


def month_budget_for(staff_count: int) -> float:
    """The default monthly effort budget in hours for a business of `staff_count`."""
    steps = math.ceil(max(0, staff_count - STAFF_STEP) / STAFF_STEP)
    return min(MAX_MONTH_HOURS, BASE_MONTH_HOURS + HOURS_PER_STEP * steps)


@dataclass(slots=True)
class _Draft:
    action_id: str
    system_key: str
    system_name: str | None
    gaps: list[AnswerKey] = field(default_factory=list)
    critical: bool = False
    unknown_only: bool = True


def build_plan(
    bank: Bank,
    profile: Profile,
    answers: Answers,
    result: Result,
    *,
    month_hours: float | None = None,
    budget_source: str = "",
    platforms: Catalogue | None = None,
    user_lists: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> Plan:
    """The remediation plan for `result` (which must come from the same inputs).

    `month_hours` overrides the staff-count budget (`budget_source` says who set it).
    With `platforms`, each entry whose action the catalogue maps to a control gets
    its systems' own steps, and, with `user_lists` (system key -> (gap, person) pairs
    read from its user list), the people behind that control's gaps.
    """
    drafts, covered, vendor_questions = _gaps(bank, profile, result)
    scorer = _Uplift(bank, profile, answers, result)
    grouped: dict[str, list[_Draft]] = {}
    for draft in drafts.values():
        grouped.setdefault(draft.action_id, []).append(draft)
    groups = [
        _group(bank, scorer, group, covered.get(action_id, {}))
        for action_id, group in grouped.items()
    ]
    groups.sort(key=priority)
    if month_hours is None:
        month_hours, budget_source = month_budget_for(profile.staff_count), STAFF_COUNT
    sizes = [(group.critical, group.effort_hours) for group in groups]
    horizons, capacity = place(sizes, month_hours, budget_source or THIS_RUN)
    # Listed as read: by horizon, plan order within each (a horizon's rank is stable).
    order = list(HORIZONS)
    placed = sorted(zip(groups, horizons, strict=True), key=lambda gh: order.index(gh[1]))
    entries = tuple(
        _entry(
            group,
            horizon,
            _platform_steps(platforms, group, profile),
            _people(platforms, group, profile, user_lists or {}),
        )
        for group, horizon in placed
    )
    all_gaps = [gap for draft in drafts.values() for gap in draft.gaps]
    return Plan(entries, tuple(vendor_questions), scorer.score_after(all_gaps), capacity)


def item_ids(bank: Bank, profile: Profile, result: Result) -> frozenset[str]:
    """The ids of the items `build_plan` lists for `result`, without working out their
    uplift or horizon (what "since last time" compares)."""
    return frozenset(_item_id(draft) for draft in _gaps(bank, profile, result)[0].values())


def _gaps(
    bank: Bank, profile: Profile, result: Result
) -> tuple[dict[tuple[str, str], _Draft], dict[str, dict[str, str | None]], list[VendorQuestion]]:
    """Each (action, system) with a gap, the systems each action already covers, and the
    questions only a vendor can answer."""
    drafts: dict[tuple[str, str], _Draft] = {}
    covered: dict[str, dict[str, str | None]] = {}
    vendor_questions: list[VendorQuestion] = []
    for outcome in result.questions:
        question = bank.question(outcome.question_id)
        for slot in outcome.slots:
            if slot.credit is not None and slot.credit >= 1.0 and slot.system_key:
                for action_id in question.actions:
                    covered.setdefault(action_id, {})[slot.system_key] = slot.system_name
            if slot.value is None or slot.credit is None or slot.credit >= 1.0:
                continue  # unanswered, not applicable, or no gap
            if slot.value == UNKNOWN and question.ask_vendor is not None:
                # Only what a vendor can answer, naming the systems this business declared.
                text = question.vendor_text(profile) or question.ask_vendor
                vendor_questions.append(
                    VendorQuestion(question.id, slot.system_key, slot.system_name, text)
                )
            for action_id in question.actions:
                draft = drafts.setdefault(
                    (action_id, slot.system_key),
                    _Draft(action_id, slot.system_key, slot.system_name),
                )
                draft.gaps.append((question.id, slot.system_key))
                draft.critical = draft.critical or question.critical
                draft.unknown_only = draft.unknown_only and slot.value == UNKNOWN
    return drafts, covered, vendor_questions


def place(
    sizes: Sequence[tuple[bool, float]], month_hours: float, source: str
) -> tuple[list[Horizon], Capacity]:
    """The horizon of each entry, given in plan order as (critical, effort hours).

    Critical entries all go in This month, even beyond its budget. Each other
    entry goes in the first horizon with enough hours left for it (This month,
    This quarter, Next quarter; Later has no limit), so a big fix that does not
    fit this month leaves the hours left to smaller ones after it.
    """
    budgets = {h: None if m is None else month_hours * m for h, m in HORIZON_MONTHS.items()}
    used: dict[Horizon, float] = dict.fromkeys(HORIZONS, 0.0)
    critical = sum(hours for is_critical, hours in sizes if is_critical)
    used["this-month"] = critical
    placed: list[Horizon] = []
    for is_critical, hours in sizes:
        horizon: Horizon = "this-month"
        if not is_critical:
            horizon = next(
                h for h in HORIZONS if budgets[h] is None or used[h] + hours <= (budgets[h] or 0.0)
            )
            used[horizon] += hours
        placed.append(horizon)
    spent = tuple((h, round(used[h], 9)) for h in HORIZONS)
    return placed, Capacity(month_hours, source, critical, spent)


def projected_score(
    bank: Bank, profile: Profile, answers: Answers, items: Iterable[PlanItem]
) -> float:
    """The score once every gap behind `items` is closed (the plan's what-if)."""
    gaps: set[AnswerKey] = set()
    for item in items:
        for gap in item.gaps:
            question_id, _, system_key = gap.partition("/")
            gaps.add((question_id, system_key))
    return evaluate(bank, profile, _closed(bank, answers, gaps)).score


class _Uplift:
    """Each item's exact uplift without re-scoring the whole bank per item.

    Closing a gap raises one slot's credit, and a question's credit is the mean
    over its counted slots, so the score rises by max_points x (new - old) / n.
    Nothing else moves unless the question is a gate for others (an `applies_if`
    answer condition): then questions appear or vanish, and that item is
    re-scored in full. A property test checks that both ways agree.
    """

    def __init__(self, bank: Bank, profile: Profile, answers: Answers, result: Result) -> None:
        self.bank, self.profile, self.answers, self.result = bank, profile, answers, result
        self.outcomes = {outcome.question_id: outcome for outcome in result.questions}
        self.lost = sum(outcome.points_lost for outcome in result.questions)
        self.scorable = any(outcome.max_points for outcome in result.questions)
        self.gains: dict[AnswerKey, float] = {}
        self.gates = {
            q.applies_if.answer.question
            for q in bank.questions
            if q.applies_if is not None and q.applies_if.answer is not None
        }
        # Each failed critical question's slots short of full credit: closing them all
        # (and nothing left unanswered) ends that failure, unless its best answer is not
        # full credit (then nothing closes it: a key no gap has stands for that).
        self.failing = {
            question_id: self._failing_slots(question_id)
            for question_id in result.critical_failures
        }

    def _failing_slots(self, question_id: str) -> set[AnswerKey]:
        question = self.bank.question(question_id)
        if question.credit(best_value(question)) < 1.0:
            return {(question_id, "\0never")}
        return {
            (question_id, slot.system_key)
            for slot in self.outcomes[question_id].slots
            if slot.credit is not None and slot.credit < 1.0
        }

    def of(self, gaps: list[AnswerKey]) -> float:
        """The score gained by closing `gaps`, as a full re-scoring would give it."""
        if self.gated(gaps):
            return self.effect(gaps)[0]
        return self.from_gain(self.gain(gaps))

    def score_after(self, gaps: list[AnswerKey]) -> float:
        """The score once `gaps` are closed, as a full re-scoring would give it."""
        if self.gated(gaps):
            return evaluate(
                self.bank, self.profile, _closed(self.bank, self.answers, set(gaps))
            ).score
        return self._score_with(self.gain(gaps))

    def gated(self, gaps: list[AnswerKey]) -> bool:
        """Whether closing `gaps` answers a gate (questions then appear or vanish)."""
        return bool(self.gates) and any(question_id in self.gates for question_id, _ in gaps)

    def effect(
        self, gaps: list[AnswerKey], known: float | None = None
    ) -> tuple[float, BandEffect | None]:
        """The uplift of closing `gaps` (`known` if already worked out), and the band change.

        The band effect is None when the band stays the same.
        """
        if self.gated(gaps):
            fixed = evaluate(self.bank, self.profile, _closed(self.bank, self.answers, set(gaps)))
            uplift = round(max(0.0, fixed.score - self.result.score), 9)
            return uplift, self._band_effect(fixed.band, fixed.capped_by is None)
        uplift = self.from_gain(self.gain(gaps)) if known is None else known
        uncapped = band_for(self.result.score + uplift)
        if uncapped == self.result.band:
            # The same band: if capped, the cap is that band (lifted or not, no change).
            return uplift, None
        closed = set(gaps)
        remaining = any(not slots <= closed for slots in self.failing.values())
        after = uncapped
        if remaining and after.minimum > CRITICAL_CAP.minimum:
            after = CRITICAL_CAP
        return uplift, self._band_effect(after, not remaining)

    def _band_effect(self, after: Band, uncapped: bool) -> BandEffect | None:
        before = self.result.band
        if after.id == before.id:
            return None
        return BandEffect(before, after, self.result.capped_by is not None and uncapped)

    def gain(self, gaps: list[AnswerKey]) -> float:
        """The points closing `gaps` wins back when no gate moves: each slot's share."""
        return sum(self._gain(question_id, system_key) for question_id, system_key in set(gaps))

    def from_gain(self, gained: float) -> float:
        """The uplift for `gained` points back, clamped and rounded as `evaluate` does."""
        return round(max(0.0, self._score_with(gained) - self.result.score), 9)

    def _score_with(self, gained: float) -> float:
        """The score with `gained` points back, clamped and rounded as `evaluate` does."""
        if not self.scorable:
            return 0.0
        return round(max(0.0, min(100.0, 100.0 - (self.lost - gained))), 9)

    def _gain(self, question_id: str, system_key: str) -> float:
        key = (question_id, system_key)
        if key not in self.gains:  # each slot's gain is asked for twice: its entry's, the plan's
            self.gains[key] = self._slot_gain(question_id, system_key)
        return self.gains[key]

    def _slot_gain(self, question_id: str, system_key: str) -> float:
        outcome = self.outcomes[question_id]
        counted = [slot for slot in outcome.slots if slot.credit is not None]
        credit = next(slot.credit for slot in counted if slot.system_key == system_key)
        question = self.bank.question(question_id)
        best = question.credit(best_value(question))
        return outcome.max_points * (best - (credit or 0.0)) / len(counted)


@dataclass(slots=True)
class _Group:
    """An entry before its horizon is known: one action's drafts (by item id) and figures."""

    id: str
    action: Action
    drafts: list[_Draft]
    uplifts: list[float]
    critical: bool
    uplift: float
    effort_hours: float
    band_effect: BandEffect | None
    covered: tuple[tuple[str, str | None], ...]


def _group(
    bank: Bank, scorer: _Uplift, drafts: list[_Draft], covered: dict[str, str | None]
) -> _Group:
    """One action's systems: each one's share, the joint uplift, effort and band effect."""
    action = bank.action(drafts[0].action_id)
    if len(drafts) > 1:
        drafts = sorted(drafts, key=_item_id)
    gaps = [gap for draft in drafts for gap in draft.gaps]
    if scorer.gated(gaps):
        uplifts = [scorer.of(draft.gaps) for draft in drafts]
        # One system: its share is the whole (the same gaps, the same exact figure).
        uplift, band_effect = scorer.effect(gaps, uplifts[0] if len(drafts) == 1 else None)
    else:
        # Systems' gaps are distinct slots: the whole gains the sum of their points.
        gains = [scorer.gain(draft.gaps) for draft in drafts]
        uplifts = [scorer.from_gain(gained) for gained in gains]
        joint = uplifts[0] if len(drafts) == 1 else scorer.from_gain(sum(gains))
        uplift, band_effect = scorer.effect(gaps, joint)
    with_gap = {draft.system_key for draft in drafts}
    return _Group(
        id=action.id,
        action=action,
        drafts=drafts,
        uplifts=uplifts,
        critical=any(draft.critical for draft in drafts),
        uplift=uplift,
        effort_hours=effort_hours(action.effort, len(drafts)),
        band_effect=band_effect,
        covered=tuple(sorted((k, n) for k, n in covered.items() if k not in with_gap))
        if covered
        else (),
    )


def _platform_steps(
    platforms: Catalogue | None, group: _Group, profile: Profile
) -> tuple[SystemSteps, ...]:
    """A per-system entry's systems each get a line (known or not); an org-wide entry
    gets one for each of the business's systems of the fix's kinds that has steps."""
    mapped = platforms.actions.get(group.id) if platforms else None
    if platforms is None or mapped is None:
        return ()
    with_gap = tuple(draft.system_name for draft in group.drafts if draft.system_name)
    if with_gap:
        return steps_for(platforms, mapped.control, with_gap, known_only=False)
    names = tuple(s.name for s in profile.systems if not mapped.kinds or s.kind in mapped.kinds)
    return steps_for(platforms, mapped.control, names, known_only=True)


# The user-list gaps a fix for each platform control closes.
GAPS_BY_CONTROL: dict[str, tuple[str, ...]] = {
    "mfa": ("no_mfa",),
    "named_accounts": ("shared",),
    "permissions": ("admin",),
    "remove_user": ("left", "dormant", "never"),
}


def _people(
    platforms: Catalogue | None,
    group: _Group,
    profile: Profile,
    user_lists: Mapping[str, Sequence[tuple[str, str]]],
) -> tuple[Person, ...]:
    """Who each system's user list shows behind the gaps this fix closes: the systems
    with a gap for a per-system fix, every listed system for an org-wide one."""
    mapped = platforms.actions.get(group.id) if platforms else None
    gaps = GAPS_BY_CONTROL.get(mapped.control, ()) if mapped else ()
    if not gaps or not user_lists:
        return ()
    with_gap = {draft.system_key for draft in group.drafts if draft.system_key}
    return tuple(
        Person(system.key, system.name, gap, name)
        for system in profile.systems
        if system.key in user_lists and (not with_gap or system.key in with_gap)
        for gap, name in user_lists[system.key]
        if gap in gaps
    )


def _entry(
    group: _Group, horizon: Horizon, steps: tuple[SystemSteps, ...], people: tuple[Person, ...]
) -> PlanEntry:
    items = tuple(
        _item(group.action, draft, uplift, horizon)
        for draft, uplift in zip(group.drafts, group.uplifts, strict=True)
    )
    return PlanEntry(
        id=group.id,
        action=group.action,
        items=items,
        critical=group.critical,
        uplift=group.uplift,
        effort_hours=group.effort_hours,
        horizon=horizon,
        band_effect=group.band_effect,
        covered=group.covered,
        platform_steps=steps,
        people=people,
    )


def _item_id(draft: _Draft) -> str:
    return f"{draft.action_id}/{draft.system_key}" if draft.system_key else draft.action_id


def _item(action: Action, draft: _Draft, uplift: float, horizon: Horizon) -> PlanItem:
    return PlanItem(
        id=_item_id(draft),
        action=action,
        system_key=draft.system_key,
        system_name=draft.system_name,
        question_ids=(draft.gaps[0][0],)
        if len(draft.gaps) == 1
        else tuple(dict.fromkeys(question_id for question_id, _ in draft.gaps)),
        critical=draft.critical,
        uplift=uplift,
        horizon=horizon,
        gaps=tuple(f"{q}/{s}" if s else q for q, s in draft.gaps),
        check_first=draft.unknown_only,
    )


class _Ranked(Protocol):
    @property
    def critical(self) -> bool: ...
    @property
    def uplift(self) -> float: ...
    @property
    def effort_hours(self) -> float: ...
    @property
    def id(self) -> str: ...


def priority(entry: _Ranked) -> tuple[bool, float, str]:
    """The plan's sort key: critical first, then uplift per effort hour, then id."""
    return (not entry.critical, -entry.uplift / entry.effort_hours, entry.id)


def best_value(question: Question) -> str:
    """The answer that earns full credit, used to re-score a closed gap."""
    if question.kind == "choice":
        return max(question.options, key=lambda option: option.credit).id
    if question.kind == "number":
        assert question.number is not None
        best = max(question.number.thresholds, key=lambda t: (t.credit, t.value))
        return format_number(best.value)
    return YES


def _closed(bank: Bank, answers: Answers, gaps: set[AnswerKey]) -> dict[AnswerKey, Answer]:
    updated = dict(answers)
    for question_id, system_key in gaps:
        value = best_value(bank.question(question_id))
        updated[(question_id, system_key)] = Answer(
            question_id=question_id, system_key=system_key, value=value
        )
    return updated
