"""Text bars: progress and scores shown with characters and numbers, never colour alone."""

from __future__ import annotations

from rich.text import Text

FULL, EMPTY = "█", "░"


def bar(value: float, total: float, *, width: int = 20) -> Text:
    """A bar `width` cells wide, filled in proportion to value/total."""
    share = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    # Rounded to 6 places first: float sums differ in their last bits between Pythons (3.12
    # made `sum` exact), and a share of exactly half a cell must fill the same on every one.
    filled = round(round(share * width, 6))
    return Text.assemble((FULL * filled, "bold"), (EMPTY * (width - filled), "dim"))


def score_bar(score: float | None, *, width: int = 20) -> Text:
    """A 0-100 score as a bar, or a dashed line when there is nothing to score."""
    if score is None:
        return Text("-" * width, style="dim")
    return bar(score, 100.0, width=width)
