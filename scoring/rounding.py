"""How a score is shown, and the change between two shown scores: one rule everywhere.

Scores are shown rounded down, so a capped 99.6 never reads "100 / 100" and a shown
number always sits in the band it names. A change is computed from the numbers shown
(round both, then subtract), so "16 → 41" always reads "+25" beside them.
"""

from __future__ import annotations

import math

# Below display precision: absorbs float noise so a score of exactly 60 is not shown as 59.
_SHOWN_SLACK = 1e-6


def shown_score(score: float) -> int:
    """The whole number every front end and export shows for a score: rounded down.

    Rounding down means 99.6 (say, MFA missing on one system) shows 99, never "100 / 100",
    and a shown score always sits in the band its number names (79.6 shows 79, not 80).
    """
    return max(0, min(100, math.floor(score + _SHOWN_SLACK)))


def shown_score_tenths(score: float) -> float:
    """The score to one decimal for data exports, rounded down by the same rule."""
    return max(0.0, min(100.0, math.floor(score * 10 + _SHOWN_SLACK) / 10))


def shown_change(before: float, after: float) -> int:
    """The change between two scores as shown: each rounded first, then subtracted."""
    return shown_score(after) - shown_score(before)


def signed(change: int) -> str:
    """`+3`, `-2` or `no change`."""
    return "no change" if change == 0 else f"{change:+d}"
