"""The values scoring returns. Frozen, so a result can be shared freely."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from pdpa_check.questionnaires.model import Action

if TYPE_CHECKING:
    from pdpa_check.questionnaires.platforms import SystemSteps

# The plan's horizons, in order, with the words a person sees: the one place they are defined.
Horizon = Literal["this-month", "this-quarter", "next-quarter", "later"]
HORIZONS: dict[Horizon, str] = {
    "this-month": "This month",
    "this-quarter": "This quarter",
    "next-quarter": "Next quarter",
    "later": "Later",
}
# How many months of the monthly effort budget each horizon holds (None: no limit).
# This quarter is the two months after this one; next quarter is three more.
HORIZON_MONTHS: dict[Horizon, int | None] = {
    "this-month": 1,
    "this-quarter": 2,
    "next-quarter": 3,
    "later": None,
}


@dataclass(frozen=True)
class Band:
    id: str
    name: str
    minimum: float


@dataclass(frozen=True)
class SlotResult:
    """One answered (or not) slot; `credit` is None when not applicable."""

    system_key: str
    system_name: str | None
    value: str | None
    credit: float | None


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    domain_id: str
    weight: int
    critical: bool
    credit: float | None
    points_lost: float
    max_points: float
    reason: str
    slots: tuple[SlotResult, ...]

    @property
    def not_applicable(self) -> bool:
        return self.credit is None

    @property
    def critical_failed(self) -> bool:
        return self.critical and self.credit is not None and self.credit < 1.0


@dataclass(frozen=True)
class DomainResult:
    domain_id: str
    title: str
    weight: int
    score: float | None
    answered: int
    applicable: int
    points_lost: float


@dataclass(frozen=True)
class Result:
    score: float
    band: Band
    uncapped_band: Band
    capped_by: str | None
    critical_failures: tuple[str, ...]
    domains: tuple[DomainResult, ...]
    questions: tuple[QuestionResult, ...]
    applicable: int
    answered: int
    unknown: int
    unanswered: int
    confidence: float
    # Where the profile and the answers disagree, in plain sentences for the owner to check.
    notices: tuple[str, ...] = ()

    def question(self, question_id: str) -> QuestionResult:
        return next(q for q in self.questions if q.question_id == question_id)


@dataclass(frozen=True)
class BandEffect:
    """What closing an entry does to the band, when it changes it."""

    before: Band
    after: Band
    # The band was capped by a failed critical control, and the entry removes the cap.
    lifts_cap: bool

    @property
    def text(self) -> str:
        """`lifts the cap: Partly prepared → Mostly prepared`, or just the two bands."""
        move = f"{self.before.name} → {self.after.name}"
        return f"lifts the cap: {move}" if self.lifts_cap else move


@dataclass(frozen=True)
class PlanItem:
    """One action on one system (or org-wide); `id` is stable across quarters.

    The id is the action's id, plus `/system` for a per-system gap: the key owner,
    due date and status are stored under. `uplift` is this system's share: the
    score gained by closing its gaps alone. `horizon` is its entry's.
    """

    id: str
    action: Action
    system_key: str
    system_name: str | None
    question_ids: tuple[str, ...]
    critical: bool
    uplift: float
    horizon: Horizon
    gaps: tuple[str, ...]
    # Every gap behind this item was answered "Don't know": it may already be done.
    check_first: bool = False


@dataclass(frozen=True)
class Person:
    """Someone a system's user list shows behind a gap: who the owner chases for this fix."""

    system_key: str
    system_name: str
    gap: str  # no_mfa, dormant, never, admin or shared (see questionnaires/evidence.py)
    name: str

    @property
    def text(self) -> str:
        """`Ah Kow (no MFA)`: the person and why the fix concerns them."""
        return f"{self.name} ({GAP_LABELS.get(self.gap, self.gap)})"


# What each user-list gap means, in the owner's words.
GAP_LABELS = {
    "no_mfa": "no MFA",
    "dormant": "no recent sign-in",
    "never": "never signed in",
    "admin": "admin",
    "shared": "looks shared",
    "left": "has left",
}


@dataclass(frozen=True)
class VendorQuestion:
    """A "don't know" answer turned into a question for the vendor or IT person."""

    question_id: str
    system_key: str
    system_name: str | None
    text: str


@dataclass(frozen=True)
class PlanEntry:
    """One fix (a bank action) with every system it applies to: what the plan lists.

    `id` is the action's id. `uplift` is the exact gain of closing all its gaps
    on all its systems together; each item's `uplift` is that system's share.
    `covered` names the systems the action applies to whose answers show no gap.
    """

    id: str
    action: Action
    items: tuple[PlanItem, ...]
    critical: bool
    uplift: float
    effort_hours: float
    horizon: Horizon
    band_effect: BandEffect | None = None
    covered: tuple[tuple[str, str | None], ...] = ()
    # Each system's own steps from the platform catalogue, for the action's control.
    platform_steps: tuple[SystemSteps, ...] = ()
    # The people the systems' user lists show behind this fix's gaps (staff's personal data:
    # shown to the owner, left out of the vendor file and redacted exports).
    people: tuple[Person, ...] = ()

    def people_for(self, item: PlanItem) -> tuple[Person, ...]:
        """The people who concern one item: its system's, or everyone's for org-wide."""
        if not item.system_key:
            return self.people
        return tuple(p for p in self.people if p.system_key == item.system_key)

    def platform_steps_for(self, item: PlanItem) -> tuple[SystemSteps, ...]:
        """The platform steps that concern one item: its system's, or all for org-wide."""
        if not item.system_name:
            return self.platform_steps
        return tuple(s for s in self.platform_steps if s.system == item.system_name)

    @property
    def check_first(self) -> bool:
        """Every gap behind every system was answered "Don't know"."""
        return all(item.check_first for item in self.items)

    @property
    def systems(self) -> tuple[str, ...]:
        """The names of the systems with a gap, in plan order (empty: org-wide only)."""
        return tuple(item.system_name for item in self.items if item.system_name)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q for item in self.items for q in item.question_ids))

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(gap for item in self.items for gap in item.gaps)

    @property
    def title(self) -> str:
        """The action's title with its systems: `Turn on MFA (Shopify, Mailchimp)`."""
        names = self.systems
        return self.action.title + (f" ({', '.join(names)})" if names else "")


# Where a month's effort budget came from (`Capacity.source`).
STAFF_COUNT, CONFIG_FILE, THIS_RUN = "staff count", "config.toml", "this run"


@dataclass(frozen=True)
class Capacity:
    """The effort budget the horizons were filled against, and what went where.

    `month_hours` is the monthly budget; `source` says where it came from
    ("staff count", "config.toml" or "this run"). `critical_hours` is what the
    critical entries alone need: they stay in This month even beyond the budget.
    """

    month_hours: float
    source: str
    critical_hours: float
    hours: tuple[tuple[Horizon, float], ...] = ()

    def budget(self, horizon: Horizon) -> float | None:
        """The hours `horizon` holds (None: no limit)."""
        months = HORIZON_MONTHS[horizon]
        return None if months is None else self.month_hours * months

    def used(self, horizon: Horizon) -> float:
        """The effort hours of the entries placed in `horizon`."""
        return dict(self.hours).get(horizon, 0.0)

    @property
    def summary(self) -> str:
        """`About 24 hours of plan work a month (from the staff count); This month: 23 h.`"""
        where = {"staff count": "from the staff count", "this run": "set for this run"}
        said = where.get(self.source, f"set in {self.source}")
        return (
            f"About {self.month_hours:g} hours of plan work a month ({said});"
            f" This month: {self.used('this-month'):g} h."
        )

    @property
    def brief(self) -> str:
        """`Budget: 24 h of work a month (staff count)`, for narrow places."""
        return f"Budget: {self.month_hours:g} h of work a month ({self.source})"

    @property
    def critical_over(self) -> bool:
        return self.critical_hours > self.month_hours

    @property
    def over_budget_note(self) -> str | None:
        """The plain warning when the critical fixes alone exceed the monthly budget."""
        if not self.critical_over:
            return None
        return (
            f"Your critical fixes alone need about {self.critical_hours:.0f} hours, more than "
            f"the {self.month_hours:.0f} hours a month budgeted: they all stay in This month, "
            "so find extra time or ask your IT vendor to help."
        )


@dataclass(frozen=True)
class Plan:
    """The entries by horizon, priority order within each; `items` flattens them in order."""

    entries: tuple[PlanEntry, ...]
    vendor_questions: tuple[VendorQuestion, ...]
    projected_score: float
    capacity: Capacity = Capacity(0.0, "", 0.0)

    @cached_property
    def items(self) -> tuple[PlanItem, ...]:
        return tuple(item for entry in self.entries for item in entry.items)

    def by_horizon(self, horizon: Horizon) -> list[PlanItem]:
        return [item for item in self.items if item.horizon == horizon]

    def entries_in(self, horizon: Horizon) -> list[PlanEntry]:
        return [entry for entry in self.entries if entry.horizon == horizon]

    def entry(self, entry_id: str) -> PlanEntry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def entry_of(self, item_id: str) -> PlanEntry | None:
        """The entry holding the item `item_id`."""
        return next((e for e in self.entries if item_id in e.item_ids), None)

    def targets(self, ref: str) -> tuple[PlanItem, ...]:
        """The items an id means: every system of the entry `ref`, else the one item `ref`.

        An entry id wins over an item id: when an action has both an org-wide and a
        per-system gap, its org-wide item shares the entry's id, and the id means the
        whole entry (the org-wide part alone is reached by its system row or `--system ""`).
        """
        entry = self.entry(ref)
        if entry is not None:
            return entry.items
        return tuple(item for item in self.items if item.id == ref)
