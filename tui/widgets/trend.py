"""A text chart of completed scores over time: numbers and bars, never colour alone.

The newest assessments get one labelled bar each; with many assessments a
one-line sparkline of all of them (oldest to newest) sits above the bars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from pdpa_check.scoring.rounding import shown_change, shown_score, signed
from pdpa_check.tui.widgets.bars import score_bar

BLOCKS = "▁▂▃▄▅▆▇█"
# Fewest bar cells worth drawing; below this the band name is dropped.
MIN_BAR = 10


@dataclass(frozen=True)
class TrendPoint:
    """One completed assessment: when, its recorded score and band name."""

    label: str
    score: float
    band: str


def sparkline(scores: Sequence[float]) -> str:
    """One block character per score, from the lowest (▁) to the highest (█) shown."""
    low, high = min(scores, default=0.0), max(scores, default=0.0)
    top = len(BLOCKS) - 1
    if high - low < 0.5:
        return BLOCKS[top // 2] * len(scores)
    return "".join(BLOCKS[round((s - low) / (high - low) * top)] for s in scores)


def trend_lines(points: Sequence[TrendPoint], width: int, *, recent: int = 8) -> list[Text]:
    """The chart for `points` (oldest first), one Text per line, none wider than `width`."""
    if not points:
        lines = [Text("No completed assessment yet."), Text("The trend starts with the first.")]
    else:
        lines = _chart(points, max(width, 24), recent)
    for line in lines:
        line.truncate(max(width, 1), overflow="ellipsis")
    return lines


def trend_text(points: Sequence[TrendPoint], width: int, *, recent: int = 8) -> Text:
    return Text("\n").join(trend_lines(points, width, recent=recent))


def _chart(points: Sequence[TrendPoint], width: int, recent: int) -> list[Text]:
    first, last = points[0], points[-1]
    lines = []
    if len(points) > 1:
        change = signed(shown_change(first.score, last.score))
        before, after = shown_score(first.score), shown_score(last.score)
        lines.append(Text(f"{before} → {after} ({change}) since {first.label}"))
    if len(points) > recent:
        shown = points[-(width - 2) :]
        scores = [p.score for p in shown]
        scope = f"all {len(shown)}" if len(shown) == len(points) else f"last {len(shown)}"
        low, high = shown_score(min(scores)), shown_score(max(scores))
        lines.append(Text(f"Oldest → newest, {scope}: ▁ {low} to █ {high}"))
        lines.append(Text(f"▕{sparkline(scores)}▏"))
    lines.extend(_bar_line(point, width) for point in reversed(points[-recent:]))
    if len(points) > recent:
        lines.append(Text(f"… and {len(points) - recent} earlier (see the table)", style="dim"))
    return lines


def _bar_line(point: TrendPoint, width: int) -> Text:
    label = f"{point.label:<10} "
    score = f" {shown_score(point.score):>3}"
    band = f" {point.band}"
    room = width - len(label) - len(score)
    if room - len(band) >= MIN_BAR:
        room -= len(band)
    else:
        band = ""
    return Text.assemble(label, score_bar(point.score, width=max(room, 4)), (score, "bold"), band)


class TrendChart(Widget):
    """The score trend chart; set `points` (oldest first) with `show`."""

    DEFAULT_CSS = """
    TrendChart {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points: tuple[TrendPoint, ...] = ()

    def show(self, points: Sequence[TrendPoint]) -> None:
        self.points = tuple(points)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(trend_lines(self.points, width))

    def render(self) -> RenderResult:
        return trend_text(self.points, self.content_size.width)
