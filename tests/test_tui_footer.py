"""The key footer: rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widget import Widget
from tui_support import assessing, demo_session, go_to, make_app, open_kit, started

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.widgets.footer import KeysFooter


def keys(app: App[None]) -> dict[str, bool]:
    """Each key the footer shows, by its description, and whether it is enabled."""
    footer = app.screen.query_one(KeysFooter)
    return {
        str(getattr(key, "description", "")): not key.has_class("-disabled")
        for key in footer.children
    }


def key_widgets(app: App[None]) -> list[Widget]:
    return list(app.screen.query_one(KeysFooter).children)


async def test_the_footer_follows_the_screen_and_the_kit_section(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert {"Continue", "Plan", "Breach kit"} <= set(keys(app))
        screen = await open_kit(app, pilot)
        await pilot.pause()
        shown = keys(app)
        assert "Continue" not in shown
        # Contacts: saving and clearing a contact, no export.
        assert shown["Save"] and shown["Clear contact"] and "Export" not in shown
        await go_to(screen, pilot, "plan")
        await pilot.pause()
        shown = keys(app)
        assert shown["Export"] and "Save" not in shown and "Clear contact" not in shown


async def test_moving_the_focus_keeps_the_same_keys_without_a_rebuild(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_kit(app, pilot)
        await pilot.pause()
        before = key_widgets(app)
        assert before
        for _ in range(4):  # through the contact fields: the same keys, the same states
            await pilot.press("tab")
            await pilot.pause()
        assert key_widgets(app) == before  # the very same widgets: nothing was rebuilt


async def test_the_keys_are_asked_safely_once_the_assessment_is_completed(
    tmp_path: Path, profile: Profile
) -> None:
    # The footer may ask a closing screen which of its actions apply; the assessment's
    # answer to that must not depend on an assessment still being open.
    db = started(tmp_path / "a.db", profile)
    async with assessing(db, tmp_path) as (app, pilot, screen):
        assert screen.check_action("user_list", ()) is not None
        app.session.complete_assessment()
        assert screen.check_action("user_list", ()) is False
        screen.refresh_bindings()  # its footer will rebuild after the next refresh...
        app.go("dashboard")  # ...by which time the screen is closing
        await pilot.pause()
        assert {"Continue", "Plan"} <= set(keys(app))
