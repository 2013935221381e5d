"""The business profile screen: first run, validation, editing, another organisation."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from tui_support import demo_session, make_app, new_session, reopen_session, type_text

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.profile import Problems, ProfileScreen, build_profile
from pdpa_check.tui.widgets.systems_editor import Draft, SystemRow, SystemsEditor

HOSTILE = "[/nope] [bold]x[/]"


def profile_screen(app: PdpaCheckApp) -> ProfileScreen:
    screen = app.screen
    assert isinstance(screen, ProfileScreen)
    return screen


def rows(app: PdpaCheckApp) -> list[SystemRow]:
    return profile_screen(app).query_one(SystemsEditor).rows


def shown(widget: Static) -> str:
    """The text a Static shows, or "" when it is hidden."""
    return str(widget.content) if widget.display else ""


# First run -------------------------------------------------------------------


async def test_first_run_sets_up_the_business_and_opens_the_dashboard(tmp_path: Path) -> None:
    db = tmp_path / "first.db"
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = profile_screen(app)
        assert screen.first_run
        welcome = shown(screen.query_one("#welcome", Static))
        assert "offline" in welcome
        assert "not legal advice or a certification" in welcome
        assert "ctrl+q" in shown(screen.query_one("#keys-hint", Static))
        assert app.focused is screen.query_one("#name", Input)

        await type_text(pilot, "Lion Bakery")
        await pilot.press("tab")
        await type_text(pilot, "12")
        await pilot.press("tab", "enter", "down", "enter")  # sector: the one after e-commerce
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "Shopify")
        await pilot.press("tab", "enter", *"onl", "enter")  # kind: type to search
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "Google Workspace")
        await pilot.press("tab", "enter", *"email /", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"

    session = reopen_session(db)
    assert [org.name for org in session.organisations()] == ["Lion Bakery"]
    profile = session.profile
    assert (profile.name, profile.staff_count, profile.sector) == ("Lion Bakery", 12, "retail")
    assert [(s.key, s.kind, s.name) for s in profile.systems] == [
        ("shopify", "storefront", "Shopify"),
        ("google-workspace", "email_suite", "Google Workspace"),
    ]


async def test_escape_on_first_run_stays_and_saves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "first.db"
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Half typed")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert app.screen.query_one("#name", Input).value == "Half typed"
        assert "Cancel" not in [b.binding.description for b in app.active_bindings.values()]
    assert reopen_session(db).organisations() == []


async def test_tab_order_runs_through_the_form_to_save(tmp_path: Path, profile: Profile) -> None:
    app = make_app(new_session(tmp_path / "t.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        screen = profile_screen(app)
        order = []
        for _ in range(5 + 3 * len(profile.systems) + 3):
            focused = app.focused
            assert focused is not None
            order.append(focused.id or next(c for c in focused.classes if c.startswith("system")))
            await pilot.press("tab")
        assert order == [
            "name",
            "staff",
            "sector",
            "website",
            "site-build",
            *["system-name", "system-kind", "system-remove"] * len(profile.systems),
            "system-add",
            "save",
            "cancel",
        ]
        assert screen.query_one("#cancel", Button)


# Validation --------------------------------------------------------------------


async def test_errors_show_beside_their_fields_and_nothing_is_saved(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = profile_screen(app)
        name_error = screen.query_one("#name-error", Static)
        staff_error = screen.query_one("#staff-error", Static)
        await pilot.press("tab")
        await type_text(pilot, "abc")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert "organisation's name" in shown(name_error)
        assert "whole number" in shown(staff_error)
        assert screen.query_one("#name", Input).has_class("-error")
        row_error = shown(rows(app)[0].query_one(".error", Static))
        assert "name for this system" in row_error
        assert "kind of system" in row_error
        assert app.focused is screen.query_one("#name", Input)  # the first problem
        assert isinstance(app.screen, ProfileScreen)
        assert reopen_session(db).organisations() == []

        # Errors follow the edits once a save was refused.
        await type_text(pilot, "Lion Bakery")
        assert shown(name_error) == ""
        assert "whole number" in shown(staff_error)
        screen.query_one("#staff", Input).value = "0"
        await pilot.pause()
        assert "from 1 (just you) to 100,000" in shown(staff_error)
        screen.query_one("#staff", Input).value = "100001"
        await pilot.pause()
        assert "from 1 (just you) to 100,000" in shown(staff_error)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert reopen_session(db).organisations() == []


async def test_too_long_and_duplicate_system_names_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = profile_screen(app)
        screen.query_one("#name", Input).value = "Lion Bakery"
        screen.query_one("#staff", Input).value = "3"
        editor = screen.query_one(SystemsEditor)
        for name in ("Shopify", "x" * 121, "SHOPIFY"):
            row = await editor.add_system(name, "storefront")
            await pilot.pause()
            assert row.draft.name == name
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = [shown(row.query_one(".error", Static)) for row in rows(app)]
        assert errors[0] == ""
        assert "limit is 120" in errors[1]
        assert "Another system already has this name" in errors[2]
        assert app.focused is rows(app)[1].name_input
        assert reopen_session(db).organisations() == []

        rows(app)[1].name_input.value = "Mailchimp"
        rows(app)[2].name_input.value = "Lazada"
        await pilot.pause()
        assert [shown(row.query_one(".error", Static)) for row in rows(app)] == ["", "", ""]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"
    names = [s.name for s in reopen_session(db).profile.systems]
    assert names == ["Shopify", "Mailchimp", "Lazada"]


def test_new_systems_never_reuse_a_key_the_organisation_had() -> None:
    drafts = [Draft("shopify-2", "Shopify", "storefront"), Draft(None, "Shopify!", "storefront")]
    built = build_profile("Shop", " 7 ", "ecommerce", drafts, reserved={"shopify"})
    assert isinstance(built, Profile)
    assert [s.key for s in built.systems] == ["shopify-2", "shopify-3"]
    assert built.staff_count == 7


def test_problems_name_the_field_from_the_pydantic_loc() -> None:
    built = build_profile("  ", "12.5", "ecommerce", [Draft(None, "ok", None)], reserved=set())
    assert isinstance(built, Problems)
    assert set(built.fields) == {"name", "staff_count"}
    assert built.systems == {0: {"kind": "Pick what kind of system this is."}}


# Editing -----------------------------------------------------------------------


async def test_edit_renames_one_system_and_removes_another(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    before = demo_session(db).profile
    assert len(before.systems) >= 3
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("b")  # Business, on the dashboard
        await pilot.pause()
        screen = profile_screen(app)
        assert not screen.first_run
        assert screen.query_one("#name", Input).value == before.name
        assert screen.query_one("#staff", Input).value == str(before.staff_count)
        assert screen.query_one("#sector", Select).value == before.sector
        assert [row.draft.name for row in rows(app)] == [s.name for s in before.systems]

        renamed, removed = before.systems[1], before.systems[2]
        rows(app)[1].name_input.focus()
        await pilot.press("ctrl+u")  # clear the field
        await type_text(pilot, "Shopify Plus")
        rows(app)[2].query_one(".system-remove", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert len(rows(app)) == len(before.systems) - 1
        assert app.focused is rows(app)[2].name_input  # focus moved to the next system
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"

    after = reopen_session(db).profile
    by_key = {s.key: s for s in after.systems}
    assert removed.key not in by_key
    assert by_key[renamed.key].name == "Shopify Plus"
    assert by_key[renamed.key].kind == renamed.kind
    untouched = [s for s in before.systems if s.key not in (renamed.key, removed.key)]
    assert [s for s in after.systems if s.key != renamed.key] == untouched
    assert (after.name, after.staff_count, after.sector) == (
        before.name,
        before.staff_count,
        before.sector,
    )


async def test_a_business_without_a_website_of_its_own_is_saved_as_such(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "w.db"
    new_session(db, profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        screen = profile_screen(app)
        label = str(screen.query_one("#staff-label", Label).content)
        assert "1 = just you" in label
        website = screen.query_one("#website", Checkbox)
        assert website.value  # every business so far has one
        assert "marketplaces" in shown(screen.query_one("#website-hint", Static))
        website.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"
    assert reopen_session(db).profile.has_website is False


async def test_how_the_website_is_run_is_shown_and_saved(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "s.db"
    new_session(db, profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        screen = profile_screen(app)
        label = str(screen.query_one("#site-build-label", Label).content)
        assert label == "How the website is run"
        build = screen.query_one("#site-build", Select)
        assert build.value == "hosted"  # a profile saved before the field existed
        assert not build.disabled
        assert "Self-hosted" in shown(screen.query_one("#site-build-hint", Static))
        build.focus()
        await pilot.press("enter", "down", "down", "enter")  # the third: built for you
        assert build.value == "custom"
        website = screen.query_one("#website", Checkbox)
        website.focus()
        await pilot.press("space")  # no website of its own: how it is run means nothing
        await pilot.pause()
        assert build.disabled
        await pilot.press("space")
        await pilot.pause()
        assert not build.disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"
    assert reopen_session(db).profile.site_build == "custom"
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        assert profile_screen(app).query_one("#site-build", Select).value == "custom"


def test_build_profile_takes_how_the_website_is_run() -> None:
    built = build_profile("Woo", "3", "ecommerce", [], reserved=set(), site_build="self_hosted")
    assert isinstance(built, Profile) and built.site_build == "self_hosted"
    problems = build_profile("Woo", "3", "ecommerce", [], reserved=set(), site_build=None)
    assert isinstance(problems, Problems)
    assert problems.fields["site_build"] == "Pick how your website or online store is run."


def test_staff_count_errors_say_1_means_just_you() -> None:
    problems = build_profile("Solo", "0", "ecommerce", [], reserved=set())
    assert isinstance(problems, Problems)
    assert problems.fields["staff_count"] == "Staff count must be from 1 (just you) to 100,000."


async def test_ctrl_r_removes_the_focused_system(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "p.db"
    new_session(db, profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        await pilot.press("ctrl+r")  # focus is on the organisation name: nothing removed
        await pilot.pause()
        assert len(rows(app)) == 3
        rows(app)[2].kind_select.focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [row.draft.name for row in rows(app)] == ["Google Workspace", "Shopify"]
        assert app.focused is rows(app)[1].name_input
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [s.key for s in reopen_session(db).profile.systems] == ["gmail", "shopify"]


async def test_escape_when_editing_goes_back_without_saving(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "p.db"
    new_session(db, profile)
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("profile")
        await pilot.pause()
        await type_text(pilot, "Other name")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "dashboard"
    assert reopen_session(db).profile == profile


async def test_new_organisation_leaves_the_first_untouched(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    first = demo_session(db)
    before, first_id = first.profile, first.require_org().id
    app = make_app(reopen_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o", "end", "enter")  # switcher: "Set up another organisation"
        await pilot.pause()
        screen = profile_screen(app)
        assert screen.new
        assert screen.query_one("#name", Input).value == ""
        assert rows(app) == []
        await type_text(pilot, "Second Shop")
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "Shopify")
        await pilot.press("tab", "enter", *"onl", "enter", "ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"
        assert app.session.require_org().name == "Second Shop"

    session = reopen_session(db)
    orgs = session.organisations()
    assert [org.name for org in orgs] == [before.name, "Second Shop"]
    session.choose(first_id)
    assert session.profile == before
    session.choose(orgs[1].id)
    assert [(s.key, s.kind) for s in session.profile.systems] == [("shopify", "storefront")]


# Hostile text and layout -------------------------------------------------------------


async def test_markup_like_names_round_trip_literally(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = profile_screen(app)
        screen.query_one("#name", Input).value = HOSTILE + "\x1b[31m"
        screen.query_one("#staff", Input).value = "5"
        editor = screen.query_one(SystemsEditor)
        await editor.add_system("[bold]x[/]", "crm")
        await editor.add_system("[/nope]", "other")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "dashboard"
        app.go("profile")
        await pilot.pause()
        screen = profile_screen(app)
        assert shown(screen.query_one("#heading", Static)) == f"Business profile: {HOSTILE}[31m"
        assert screen.query_one("#name", Input).value == f"{HOSTILE}[31m"
        assert [row.draft.name for row in rows(app)] == ["[bold]x[/]", "[/nope]"]
        # An error beside hostile text still renders.
        rows(app)[1].name_input.value = "[BOLD]X[/]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Another system" in shown(rows(app)[1].query_one(".error", Static))

    profile = reopen_session(db).profile
    assert profile.name == f"{HOSTILE}[31m"  # the escape character is stripped
    assert [s.name for s in profile.systems] == ["[bold]x[/]", "[/nope]"]
    assert [s.key for s in profile.systems] == ["bold-x", "nope"]


async def test_layout_stacks_at_80_and_uses_columns_at_120(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    demo_session(db)
    for size, side_by_side in (((80, 24), False), ((120, 40), True)):
        app = make_app(reopen_session(db), tmp_path / "cfg")
        async with app.run_test(size=size) as pilot:
            app.go("profile")
            await pilot.pause()
            screen = profile_screen(app)
            details = screen.query_one("#details").region
            systems = screen.query_one("#systems-panel").region
            assert (systems.x > details.right - 1) is side_by_side
            assert systems.right <= size[0]
            for row in rows(app):
                assert row.query_one(".system-remove", Button).region.right <= size[0]


async def test_a_known_platforms_name_picks_its_kind_until_the_owner_picks_one(
    tmp_path: Path,
) -> None:
    app = make_app(new_session(tmp_path / "k.db"), tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        editor = profile_screen(app).query_one(SystemsEditor)
        row = await editor.add_system()
        await pilot.pause()
        await type_text(pilot, "Klaviyo")
        await pilot.pause()
        assert row.draft.kind == "email_marketing"
        # Typing on to another platform follows it while the kind is still the picked one.
        row.name_input.value = "Shopify admin"
        await pilot.pause()
        assert row.draft.kind == "storefront"
        # A kind the owner chose stays, whatever the name becomes.
        row.kind_select.value = "crm"
        row.name_input.value = "HubSpot"
        row.name_input.value = "Mailchimp"
        await pilot.pause()
        assert row.draft.kind == "crm"
        # An unknown name picks nothing: the owner is asked for the kind on save.
        other = await editor.add_system()
        await pilot.pause()
        await type_text(pilot, "Customer spreadsheet")
        await pilot.pause()
        assert other.draft.kind is None
