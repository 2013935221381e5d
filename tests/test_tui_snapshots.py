"""What each main screen looks like on the demo, at 80x24 and 120x40.

Deterministic: the demo is dated from a fixed day, there is no clock in the
header, and the cursor does not blink. After a deliberate change, look at the
report, then refresh with `.venv/bin/pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import demo_session, make_app

from pdpa_check.tui.app import ScreenName

SIZES = [(80, 24), (120, 40)]
SnapCompare = Callable[..., bool]


def opening(name: ScreenName) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert hasattr(app, "go") and hasattr(app, "session")
        if name == "assessment":
            app.session.start_assessment()
        if name != "dashboard":
            app.go(name)
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("name", ["dashboard", "assessment", "results", "plan", "history"])
def test_screen(
    name: ScreenName, size: tuple[int, int], tmp_path: Path, snap_compare: SnapCompare
) -> None:
    app = make_app(demo_session(tmp_path / "demo.db"), tmp_path / "cfg", demo=True)
    assert snap_compare(app, terminal_size=size, run_before=opening(name))
