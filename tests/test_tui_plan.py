"""The Plan screen, driven with Pilot on the demo organisation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_support import TODAY, demo_session, make_app, new_session, reopen_session, type_text

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.result import HORIZONS
from pdpa_check.scoring.rounding import shown_score_tenths
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.plan import PlanScreen
from pdpa_check.tui.widgets.plan_forms import AcceptRiskForm, OwnerDueForm, parse_date

SMALL, LARGE = (80, 24), (120, 40)


def demo_app(tmp_path: Path) -> tuple[PdpaCheckApp, Path]:
    db = tmp_path / "demo.db"
    return make_app(demo_session(db), tmp_path / "cfg"), db


async def open_plan(app: PdpaCheckApp, pilot: Pilot[None]) -> PlanScreen:
    app.go("plan")
    await pilot.pause()
    assert isinstance(app.screen, PlanScreen)
    return app.screen


def table(screen: PlanScreen) -> DataTable[Text]:
    return screen.query_one("#items", DataTable)


def row_keys(screen: PlanScreen) -> list[str]:
    return [str(row.key.value) for row in table(screen).ordered_rows]


def cell(screen: PlanScreen, key: str, column: str) -> str:
    value = table(screen).get_cell(key, column)
    assert isinstance(value, Text), "cells are Text, never markup strings"
    return value.plain


def text_of(node: DOMNode, selector: str) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(node.query_one(selector, Static).content)
    return console.export_text()


async def highlight(pilot: Pilot[None], screen: PlanScreen, key: str) -> None:
    table(screen).move_cursor(row=table(screen).get_row_index(key))
    await pilot.pause()


async def fill(pilot: Pilot[None], field: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#{field}", Input)
    box.value = ""
    box.focus()
    await pilot.pause()
    if text:
        await type_text(pilot, text)


def first_item(app: PdpaCheckApp) -> str:
    """The first row's key: the plan's first entry."""
    return "entry:" + app.session.assessed().plan.entries[0].id


def items_of(app: PdpaCheckApp, key: str) -> tuple[str, ...]:
    """The item ids (one per system) behind an entry's row."""
    entry = app.session.assessed().plan.entry(key.removeprefix("entry:"))
    assert entry is not None
    return entry.item_ids


# Listing -------------------------------------------------------------------


async def test_entries_in_plan_order_grouped_by_horizon(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        plan = app.session.assessed().plan
        keys = row_keys(screen)
        rows = [key for key in keys if not key.startswith("horizon:")]
        # One row per entry, in the plan's order (by horizon, priority within each).
        assert rows == ["entry:" + entry.id for entry in plan.entries]
        by_key = {"entry:" + entry.id: entry for entry in plan.entries}
        heading = None
        for key in keys:
            if key.startswith("horizon:"):
                heading = key.removeprefix("horizon:")
            else:
                assert by_key[key].horizon == heading, key
        assert [k for k in keys if k.startswith("horizon:")] == [
            f"horizon:{h}" for h in HORIZONS if plan.entries_in(h)
        ]
        for key, entry in by_key.items():
            assert cell(screen, key, "status") == "OPEN"
            assert cell(screen, key, "critical").startswith("CRIT") == entry.critical
            assert cell(screen, key, "title")[:11] == entry.action.title[:11]
            assert cell(screen, key, "uplift") == f"+{entry.uplift:.1f}"


async def test_one_row_per_fix_names_its_systems_at_80_columns(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        plan = app.session.assessed().plan
        mfa = plan.entry("enforce-mfa")
        assert mfa is not None and len(mfa.items) == 3
        titles = [cell(screen, key, "title") for key in row_keys(screen)]
        assert sum(t.startswith("Turn on and") for t in titles) == 1
        # The systems are on the row: the action's words are shortened first.
        assert mfa.title == (
            "Turn on and enforce MFA for every account (Google Workspace, Klaviyo, Meta Business)"
        )
        row = cell(screen, "entry:enforce-mfa", "title")
        assert row.startswith("Turn on and") and row.endswith(" (Google Workspace +2)"), row
        shared = cell(screen, "entry:replace-shared-logins", "title")
        assert shared.startswith("Replace sha") and shared.endswith(" (Klaviyo +2)"), shared
        await highlight(pilot, screen, "entry:enforce-mfa")
        detail = text_of(screen, "#detail")
        assert "Klaviyo" in detail and "Meta Business" in detail and "Google Workspace" in detail
        assert "HubSpot CRM" in detail and "no gap in the answers" in detail


async def test_x_shows_the_systems_and_status_keys_act_on_one(tmp_path: Path) -> None:
    app, db = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        google, klaviyo, meta = items_of(app, "entry:enforce-mfa")
        await highlight(pilot, screen, "entry:enforce-mfa")
        await pilot.press("x")
        keys = row_keys(screen)
        at = keys.index("entry:enforce-mfa")
        assert keys[at + 1 : at + 4] == [f"system:{google}", f"system:{klaviyo}", f"system:{meta}"]
        await highlight(pilot, screen, f"system:{meta}")
        await pilot.press("d")
        assert cell(screen, f"system:{meta}", "status") == "DONE?"
        assert cell(screen, f"system:{klaviyo}", "status") == "OPEN"
        # The entry's own status is derived: one system done, one open -> in progress.
        assert cell(screen, "entry:enforce-mfa", "status") == "IN PROGRESS"
        states = app.session.plan_states()
        assert states[meta].status == "done" and klaviyo not in states
        await highlight(pilot, screen, "entry:enforce-mfa")
        await pilot.press("x")
        assert f"system:{meta}" not in row_keys(screen)
        assert row_keys(screen)[table(screen).cursor_row] == "entry:enforce-mfa"
        # A status key on the entry acts on every system.
        await pilot.press("i")
        assert cell(screen, "entry:enforce-mfa", "status") == "IN PROGRESS"
    states = reopen_session(db).plan_states()
    assert [states[i].status for i in (google, klaviyo, meta)] == ["in_progress"] * 3


async def test_fits_80x24_and_shows_more_at_120x40(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        grid = table(screen)
        shown = {str(column.key.value) for column in grid.columns.values()}
        assert {"mark", "status", "critical", "title", "uplift", "due"} <= shown
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        shown = {str(column.key.value) for column in grid.columns.values()}
        assert {"effort", "role", "owner"} <= shown
        assert grid.virtual_size.width <= grid.scrollable_content_region.width
        assert screen.query_one("#detail-pane").size.height >= 10


async def test_detail_pane_explains_the_item(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_plan(app, pilot)
        assessed = app.session.assessed()
        entry = assessed.plan.entries[0]
        detail = " ".join(text_of(screen, "#detail").split())
        assert " ".join(entry.action.steps[0].split())[:40] in detail
        question = assessed.bank.question(entry.gaps[0].partition("/")[0])
        # The question as the plan words it (a per-system question names the systems).
        assert " ".join(question.text.split())[-40:] in detail
        assert "CRITICAL" in detail and "OPEN" in detail
        assert f"+{entry.uplift:.1f} points · about {entry.effort_hours:g} h" in detail
        assert "CHECK FIRST" not in detail
        unsure = next(e for e in assessed.plan.entries if e.check_first)
        await highlight(pilot, screen, "entry:" + unsure.id)
        assert "CHECK FIRST" in text_of(screen, "#detail")


async def test_vendor_questions_are_counted_and_listed(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        questions = app.session.assessed().plan.vendor_questions
        assert questions
        assert f"{len(questions)} vendor questions" in text_of(screen, "#summary")
        assert "what-if marks are not saved" in text_of(screen, "#summary")
        await pilot.press("v")
        detail = " ".join(text_of(screen, "#detail").split())
        assert " ".join(questions[0].text.split())[:40] in detail


async def test_export_key_opens_the_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = demo_app(tmp_path)
    opened: list[bool] = []
    monkeypatch.setattr(app, "open_export", lambda: opened.append(True))
    async with app.run_test(size=SMALL) as pilot:
        await open_plan(app, pilot)
        await pilot.press("e")
        assert opened == [True]


# What-if -------------------------------------------------------------------


async def test_what_if_toggle_shows_the_projected_score(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        item_id = first_item(app)
        before = text_of(screen, "#whatif")
        current = f"{shown_score_tenths(app.session.assessed().result.score):.1f}"
        projected = f"{shown_score_tenths(app.session.what_if(items_of(app, item_id))):.1f}"
        assert projected != current
        assert projected not in before
        await pilot.press("space")
        line = text_of(screen, "#whatif")
        assert f"Score {current} (" in line
        assert f"→ {projected}" in line
        marked = len(items_of(app, item_id))
        assert f"the {marked} marked item{'s' * (marked != 1)}" in line
        assert cell(screen, item_id, "mark") == "[x]"
        await pilot.press("space")
        assert text_of(screen, "#whatif") == before
        assert cell(screen, item_id, "mark") == "[ ]"
        assert app.session.plan_states() == {}, "what-if marks are never saved"


async def test_mark_a_whole_horizon_and_clear(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        plan = app.session.assessed().plan
        month = {item.id for item in plan.by_horizon("this-month")}
        await pilot.press("h")
        assert f"→ {shown_score_tenths(app.session.what_if(month)):.1f}" in text_of(
            screen, "#whatif"
        )
        assert f"the {len(month)} marked items are done" in text_of(screen, "#whatif")
        for entry in plan.entries:
            marked = "[x]" if entry.horizon == "this-month" else "[ ]"
            assert cell(screen, "entry:" + entry.id, "mark") == marked
        quarter = {item.id for item in plan.by_horizon("this-quarter")}
        await highlight(pilot, screen, "horizon:this-quarter")
        await pilot.press("space")
        assert f"→ {shown_score_tenths(app.session.what_if(month | quarter)):.1f}" in text_of(
            screen, "#whatif"
        )
        await pilot.press("c")
        assert "→" not in text_of(screen, "#whatif")
        assert all(cell(screen, "entry:" + e.id, "mark") == "[ ]" for e in plan.entries)


# Status --------------------------------------------------------------------


async def test_done_persists_and_shows(tmp_path: Path) -> None:
    app, db = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        item_id = first_item(app)
        await pilot.press("d")
        # Still in the plan: the answers still show the gap, so "done" is a question.
        assert cell(screen, item_id, "status") == "DONE?"
        assert "MARKED DONE, but the answers still show this gap" in text_of(screen, "#detail")
        assert row_keys(screen)[table(screen).cursor_row] == item_id, "cursor stays put"
        await pilot.press("i")
        assert cell(screen, item_id, "status") == "IN PROGRESS"
        await pilot.press("d")
    states = reopen_session(db).plan_states()
    assert [states[i].status for i in items_of(app, item_id)] == ["done"] * 3


async def test_accepted_risk_needs_reason_who_and_a_real_date(tmp_path: Path) -> None:
    app, db = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        item_id = first_item(app)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, AcceptRiskForm)
        await fill(pilot, "by", "Sam Tan")
        await fill(pilot, "review", "2027-01-31")
        await pilot.press("enter")
        assert app.screen is form, "refused without a reason"
        assert "reason" in text_of(form, "#reason-error")
        assert app.session.plan_states() == {}

        await fill(pilot, "reason", "Klaviyo holds no customer data any more")
        await fill(pilot, "review", "2026-02-30")
        await pilot.press("enter")
        assert app.screen is form, "refused with an impossible date"
        assert "not a real date" in text_of(form, "#review-error")
        assert text_of(form, "#reason-error").strip() == ""
        assert app.session.plan_states() == {}

        await fill(pilot, "review", "2027-02-28")
        await pilot.press("enter")
        assert app.screen is screen
        assert cell(screen, item_id, "status") == "ACCEPTED RISK"
        assert "Sam Tan" in text_of(screen, "#detail")
    for each in items_of(app, item_id):  # every system of the entry
        state = reopen_session(db).plan_states()[each]
        assert state.status == "accepted_risk"
        assert state.risk_reason == "Klaviyo holds no customer data any more"
        assert state.risk_accepted_by == "Sam Tan"
        assert state.review_date == "2027-02-28"


async def test_cancelled_risk_form_saves_nothing(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        await pilot.press("a")
        await fill(pilot, "reason", "later")
        await pilot.press("escape")
        assert app.screen is screen
        assert app.session.plan_states() == {}


# Owner and due date --------------------------------------------------------


async def test_owner_and_due_date_persist(tmp_path: Path) -> None:
    app, db = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_plan(app, pilot)
        item_id = "entry:" + app.session.assessed().plan.entries[3].id
        await highlight(pilot, screen, item_id)
        await pilot.press("w")
        assert isinstance(app.screen, OwnerDueForm)
        await fill(pilot, "owner", "  Mei   Ling ")
        await fill(pilot, "due", "2026-12-15")
        await pilot.press("enter")
        assert app.screen is screen
        assert cell(screen, item_id, "owner") == "Mei Ling"
        assert cell(screen, item_id, "due") == "2026-12-15"
        assert "OVERDUE" not in text_of(screen, "#detail")
    (only,) = items_of(app, item_id)
    state = reopen_session(db).plan_states()[only]
    assert (state.owner, state.due_date) == ("Mei Ling", "2026-12-15")


async def test_invalid_due_date_is_refused(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_plan(app, pilot)
        await pilot.press("w")
        form = app.screen
        await fill(pilot, "due", "2026-13-01")
        await pilot.press("enter")
        assert app.screen is form
        assert "not a real date" in text_of(form, "#due-error")
        assert app.session.plan_states() == {}


async def test_past_due_date_on_open_item_is_overdue(tmp_path: Path) -> None:
    app, _ = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        item_id = first_item(app)
        app.session.update_plan_item(item_id.removeprefix("entry:"), due_date="2026-11-01")
        other = "entry:" + app.session.assessed().plan.entries[1].id
        app.session.update_plan_item(other.removeprefix("entry:"), due_date=TODAY.isoformat())
        screen.load()
        await pilot.pause()
        assert "OVERDUE" in cell(screen, item_id, "due")
        assert "OVERDUE" not in cell(screen, other, "due"), "due today is not late"
        assert "1 OVERDUE" in text_of(screen, "#summary")
        assert "OVERDUE" in text_of(screen, "#detail")
        await pilot.press("d")
        assert "OVERDUE" not in cell(screen, item_id, "due"), "done items are never late"


async def test_hostile_owner_text_saves_and_shows_literally(tmp_path: Path) -> None:
    app, db = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_plan(app, pilot)
        item_id = first_item(app)
        await pilot.press("w")
        await fill(pilot, "owner", "[/nope]")
        await pilot.press("enter")
        assert app.screen is screen
        assert cell(screen, item_id, "owner") == "[/nope]"
        assert "Owner: [/nope]" in text_of(screen, "#detail")
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert "Owner: [/nope]" in text_of(screen, "#detail")
    states = reopen_session(db).plan_states()
    assert [states[i].owner for i in items_of(app, item_id)] == ["[/nope]"] * 3


def test_parse_date_wants_a_real_iso_day() -> None:
    assert parse_date(" 2028-02-29 ").isoformat() == "2028-02-29"
    for bad in ("2026-02-30", "2027-02-29", "27-02-2027", "20270228", "2027-2-28", ""):
        try:
            parse_date(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


async def test_without_an_assessment_the_screen_explains(tmp_path: Path, profile: Profile) -> None:
    app = make_app(new_session(tmp_path / "new.db", profile), tmp_path / "cfg")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_plan(app, pilot)
        assert "No plan yet" in text_of(screen, "#whatif")
        await pilot.press("space", "d", "a", "w", "h", "c", "v", "e")
        assert app.screen is screen
        assert app.session.plan_states() == {}
