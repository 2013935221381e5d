"""How a score is shown, and the change between two shown scores: one rule everywhere.

A change is always computed from the numbers on screen (round both, then
subtract), so "17 → 41" reads "+24", never "+25" from the unrounded scores.
"""

from __future__ import annotations


def shown_score(score: float) -> int:
    """The whole number a score is shown as (Python's round: half to even, as `:.0f`)."""
    return round(score)


def shown_change(before: float, after: float) -> int:
    """The change between two scores as shown: each rounded first, then subtracted."""
    return shown_score(after) - shown_score(before)


def signed(change: int) -> str:
    """`+3`, `-2` or `no change`."""
    return "no change" if change == 0 else f"{change:+d}"
