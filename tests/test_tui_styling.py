"""Styled once: a screen has its width class before its widgets are styled and its first
showing does not restyle it all again; footer keys mount in their final compact state; a
widget is not styled before it mounts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Input
from textual.widgets._footer import FooterKey
from tui_support import demo_session, make_app, open_kit

from pdpa_check.tui.screens.kit import KitScreen
from pdpa_check.tui.widgets.footer import KeysFooter


@pytest.fixture
def restyled(monkeypatch: pytest.MonkeyPatch) -> list[DOMNode]:
    """Every node Textual restyles with its descendants (a class or state change), in order."""
    nodes: list[DOMNode] = []
    original = App.update_styles

    def recording(self: App[None], node: DOMNode, animate: bool = True) -> None:
        nodes.append(node)
        original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", recording)
    return nodes


@pytest.mark.parametrize(("width", "width_class"), [(100, "-narrow"), (120, "-wide")])
async def test_the_kit_opens_without_restyling_the_whole_screen(
    tmp_path: Path, restyled: list[DOMNode], width: int, width_class: str
) -> None:
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


async def test_footer_keys_mount_in_their_final_style_without_a_restyle(
    tmp_path: Path, restyled: list[DOMNode]
) -> None:
    """Each key is styled once, as it mounts, not again for its compact state."""
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        shown = list(footer.query(FooterKey))
        assert len(shown) > 5
        assert [key for key in restyled if key in shown] == []
        for key in shown:  # the class matches the key's state: compact only for the palette
            assert key.has_class("-compact") == key.compact == key.has_class("-command-palette")


async def test_a_widget_is_styled_as_it_mounts_not_when_its_constructor_sets_a_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    styled: list[DOMNode] = []
    original = Stylesheet.update_nodes

    def recording(self: Stylesheet, nodes: Iterable[DOMNode], animate: bool = False) -> None:
        nodes = list(nodes)
        styled.extend(nodes)
        original(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        field = Input(compact=True)  # the constructor sets the `-textual-compact` class
        assert field not in styled
        await app.screen.mount(field)
        await pilot.pause()
        assert field.styles.height is not None and field.styles.height.value == 1  # compact
        # Once mounted, a class change restyles it as before.
        field.compact = False
        await pilot.pause()
        assert field in styled
        assert field.styles.height is not None and field.styles.height.value == 3
