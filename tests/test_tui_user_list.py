"""Checking answers against a user list from the app: from a question and from the profile,
with the same preview and apply as `evidence import`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Select, Static
from tui_support import make_app, new_session, reopen_session

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.screens.assessment import AssessmentScreen
from pdpa_check.tui.screens.profile import ProfileScreen
from pdpa_check.tui.screens.user_list_import import UserListImportScreen
from pdpa_check.tui.widgets.systems_editor import SystemsEditor

# The generic list for the Shopify system: one login without MFA, one of someone who left.
STAFF = (
    "email,name,mfa,admin,last_sign_in,left\n"
    "owner@shop.example,Mei Ling,yes,yes,2026-11-20,no\n"
    "packing@shop.example,Ah Kow,no,no,2026-11-21,no\n"
    "raj@shop.example,Raj,yes,no,2026-09-01,yes\n"
)


def text_of(screen: UserListImportScreen) -> str:
    return str(screen.query_one("#result", Static).render())


async def check_file(pilot: object, screen: UserListImportScreen, path: Path) -> None:
    screen.query_one("#path", Input).value = str(path)
    screen.query_one("#check", Button).press()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_a_question_checked_against_a_list_is_saved_marked_verified(
    tmp_path: Path, profile: Profile
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF)
    session = new_session(tmp_path / "a.db", profile)
    session.start_assessment()
    session.questionnaire().answer(session.questionnaire().slots[0], "yes")  # not an MFA one
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(110, 36)) as pilot:
        app.start_assessment()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        screen.jump(("gov-dpo", ""))
        await pilot.pause()
        assert screen.check_action("user_list", ()) is False  # not a question a list answers
        screen.jump(("acc-mfa", "shopify"))
        await pilot.pause()
        assert screen.check_action("user_list", ()) is True
        await pilot.press("ctrl+l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UserListImportScreen)
        assert dialog.query_one("#system", Select).value == "shopify"
        await check_file(pilot, dialog, staff)
        shown = text_of(dialog)
        assert "For Shopify (shopify):" in shown
        assert "acc-mfa/shopify: partly (now not answered)" in shown
        assert "Ah Kow" not in shown  # counts only; names go to the checklist
        assert dialog.query_one("#apply", Button).disabled is False
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        status = str(screen.query_one("#status", Static).render())
        assert "Saved: Partly" in status and "VERIFIED from staff.csv" in status
    stored = reopen_session(tmp_path / "a.db")
    row = stored.open_assessment()
    assert row is not None
    meta = stored.store.answer_meta(row.id)
    assert meta[("acc-mfa", "shopify")].verified is not None
    assert stored.user_lists()["shopify"].checklist[0] == ("no_mfa", "Ah Kow")


async def test_a_bad_list_shows_its_problems_and_cannot_be_applied(
    tmp_path: Path, profile: Profile
) -> None:
    bad = tmp_path / "staff.csv"
    bad.write_text("email,name,mfa,admin,last_sign_in\nowner@shop.example,Mei,maybe,yes,\n")
    session = new_session(tmp_path / "a.db", profile)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        app.push_screen(UserListImportScreen(session, "shopify"))
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UserListImportScreen)
        await check_file(pilot, dialog, bad)
        assert f'{bad}:2: mfa: "maybe" is not yes, no or unknown' in text_of(dialog)
        assert dialog.query_one("#apply", Button).disabled is True
        await pilot.press("ctrl+s")  # nothing checked: a toast, nothing saved
        await pilot.pause()
        assert app.screen is dialog
    assert reopen_session(tmp_path / "a.db").open_assessment() is None


async def test_the_profile_opens_it_for_the_system_being_edited(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        app.push_screen(ProfileScreen(first_run=False))
        await pilot.pause()
        editor = app.screen.query_one("#systems", SystemsEditor)
        meta_row = next(row for row in editor.rows if row.draft.key == "meta")
        meta_row.name_input.focus()
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, UserListImportScreen)
        assert dialog.query_one("#system", Select).value == "meta"
