"""A screen is styled once as it opens: its width class is there before its widgets are
styled, and its first showing does not restyle it all again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.dom import DOMNode
from tui_support import demo_session, make_app, open_kit

from pdpa_check.tui.screens.kit import KitScreen


@pytest.mark.parametrize(("width", "width_class"), [(100, "-narrow"), (120, "-wide")])
async def test_the_kit_opens_without_restyling_the_whole_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, width_class: str
) -> None:
    restyled: list[DOMNode] = []
    original = App.update_styles

    def recording(self: App[None], node: DOMNode, animate: bool = True) -> None:
        restyled.append(node)
        original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", recording)
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_kit(app, pilot)
        await pilot.pause()
        assert screen.has_class(width_class)
        assert not [node for node in restyled if isinstance(node, KitScreen)]
        # A later resize still moves the screen to the other width class.
        await pilot.resize_terminal(220 - width, 30)
        await pilot.pause()
        assert not screen.has_class(width_class)
        assert [node for node in restyled if isinstance(node, KitScreen)]
