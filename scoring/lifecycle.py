"""Plan items follow the answers: close when their gap closes, come back when it reopens.

Pure: the caller passes the current plan, the stored item states and today's
date, and applies the changes returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from pdpa_check.scoring.result import Plan, PlanEntry

# A plan item's status, with the words a person sees, in the order they are offered.
PlanStatus = Literal["open", "in_progress", "done", "accepted_risk"]
PLAN_STATUSES: dict[PlanStatus, str] = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "accepted_risk": "Accepted risk",
}
CLOSED_STATUSES: frozenset[str] = frozenset({"done", "accepted_risk"})

# An item a person marked done while its answers still show the gap: every view flags it.
DONE_FLAG = "DONE?"
DONE_BUT_OPEN = (
    "marked done, but the answers still show this gap: answer the question again once it is"
    " fixed, and the item closes by itself"
)

AUTO = "pdpa-check"  # who made an automatic change, in the item's history
CLOSED_NOTE = "closed automatically: the answers no longer show this gap"


class ItemState(Protocol):
    """What lifecycle needs of a stored plan item."""

    @property
    def status(self) -> str: ...
    @property
    def review_date(self) -> str | None: ...
    @property
    def auto_closed(self) -> bool: ...


class HasStatus(Protocol):
    """Anything with an item's status (a stored state, or an export's copy of it)."""

    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    status: str
    note: str
    auto_closed: bool


def reconcile(plan: Plan, states: Mapping[str, ItemState], today: dt.date) -> list[ItemChange]:
    """The status changes that bring stored items in line with the current gaps.

    - an item not yet done whose gap has closed is closed automatically;
    - an item the tool closed reopens when its gap is back;
    - an accepted risk past its review date comes back into the plan.
    Items marked done by a person stay done even if the gap is still open;
    `done_but_open` reports those instead.
    """
    in_plan = {item.id for item in plan.items}
    changes = []
    for item_id, state in sorted(states.items()):
        if item_id not in in_plan:
            if state.status != "done":
                changes.append(ItemChange(item_id, "done", CLOSED_NOTE, True))
        elif state.status == "done" and state.auto_closed:
            changes.append(ItemChange(item_id, "open", "reopened: the gap is back", False))
        elif state.status == "accepted_risk" and _past(state.review_date, today):
            note = f"accepted risk was due for review on {state.review_date}: back in the plan"
            changes.append(ItemChange(item_id, "open", note, False))
    return changes


def done_but_open(plan: Plan, states: Mapping[str, ItemState]) -> list[str]:
    """Items a person marked done whose gap the answers still show."""
    return [
        item.id
        for item in plan.items
        if item.id in states
        and states[item.id].status == "done"
        and not states[item.id].auto_closed
    ]


def entry_status(entry: PlanEntry, states: Mapping[str, HasStatus]) -> PlanStatus:
    """An entry's status, derived from its systems' own statuses (it has none of its own).

    - every system closed: "accepted_risk" if every one is an accepted risk, else "done";
    - else any system done or in progress: "in_progress" (the work has started);
    - else "open" (an accepted risk beside open systems leaves the entry open).
    """
    statuses = [states[i].status if i in states else "open" for i in entry.item_ids]
    if all(status in CLOSED_STATUSES for status in statuses):
        return "accepted_risk" if set(statuses) == {"accepted_risk"} else "done"
    if any(status in ("done", "in_progress") for status in statuses):
        return "in_progress"
    return "open"


def _past(day: str | None, today: dt.date) -> bool:
    if not day:
        return False
    try:
        return dt.date.fromisoformat(day) < today
    except ValueError:
        return False
