"""The History screen: past assessments, the score trend and what changed between two."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.widgets import DataTable, Static
from tui_support import DEMO_LIST_CHANGES, NOW, demo_session, make_app, new_session

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.compare import DomainDelta
from pdpa_check.scoring.evaluate import BANDS, evaluate
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.services.demo import EARLIER, LATER_CHANGES
from pdpa_check.services.session import Session
from pdpa_check.services.workspace import default_bank
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.history import HistoryScreen
from pdpa_check.tui.widgets.trend import TrendChart, TrendPoint, trend_lines

BAND_NAMES = {band.id: band.name for band in BANDS}


def text_of(widget: Static, width: int = 200) -> str:
    """What a Static shows, as plain text (wide, so nothing wraps)."""
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(widget.content)
    return out.getvalue()


def cells(app: PdpaCheckApp, row_key: str) -> list[str]:
    table = app.screen.query_one("#assessments", DataTable)
    return [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row(row_key)]


async def open_history(app: PdpaCheckApp) -> HistoryScreen:
    app.go("history")
    await app.workers.wait_for_complete()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def add_assessment(
    session: Session,
    answers: dict[tuple[str, str], str],
    *,
    days_ago: int,
    complete: bool = True,
    score: float | None = None,
    band: str | None = None,
) -> int:
    """Another assessment for the current organisation, through the store's API."""
    store, org, bank = session.store, session.require_org(), default_bank(None)
    started = NOW - dt.timedelta(days=days_ago)
    assessment_id = store.start_assessment(
        org.id, bank.id, bank.version, started_at=started.isoformat()
    )
    rows = [Answer(question_id=q, system_key=s, value=v) for (q, s), v in answers.items() if v]
    store.replace_answers(assessment_id, rows)
    if complete:
        result = evaluate(bank, session.profile, {a.key: a for a in rows})
        store.complete_assessment(
            assessment_id,
            result.score if score is None else score,
            result.band.id if band is None else band,
            completed_at=(started + dt.timedelta(days=2)).isoformat(),
        )
    return assessment_id


LATER = {
    **{key: value for key, (value, _note) in {**EARLIER, **LATER_CHANGES}.items()},
    **DEMO_LIST_CHANGES,
}
# The answers the demo's last quarter changed: by hand, and by checking a user list.
DEMO_CHANGED = set(LATER_CHANGES) | set(DEMO_LIST_CHANGES)


async def test_table_lists_every_assessment_with_its_stored_score(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    rows = session.assessments()
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(app)
        await pilot.pause()
        table = app.screen.query_one("#assessments", DataTable)
        assert table.row_count == 2
        # Newest first.
        assert [table.coordinate_to_cell_key((i, 0)).row_key.value for i in (0, 1)] == [
            str(rows[1].id),
            str(rows[0].id),
        ]
        for row in rows:
            assert row.score is not None and row.band is not None
            shown = cells(app, str(row.id))
            assert f"{shown_score(row.score)}" in shown
            assert BAND_NAMES[row.band] in shown
            assert row.bank_version in shown
            assert row.started_at[:10] in shown
            assert row.completed_at is not None and row.completed_at[:10] in shown
        # It fits 80 columns without scrolling sideways.
        assert table.max_scroll_x == 0


async def test_the_score_shown_is_the_one_recorded_not_rescored(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "n.db", profile)
    # Recorded as 55 / "fair" although these answers would score far lower today.
    first = add_assessment(session, {("gov-dpo", ""): "no"}, days_ago=100, score=55.0, band="fair")
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(app)
        await pilot.pause()
        shown = cells(app, str(first))
        assert "55" in shown
        assert "Mostly prepared" in shown
        assert "completed" not in shown and "in progress" not in shown


async def test_default_comparison_is_the_last_two_completed(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    before_row, after_row = session.assessments()
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        assert screen.pair == (before_row.id, after_row.id)
        comparison = screen.comparison
        assert comparison is not None
        changed = {(c.question_id, c.system_key) for c in comparison.answers}
        assert changed == DEMO_CHANGED
        assert cells(app, str(before_row.id))[0] == "before"
        assert cells(app, str(after_row.id))[0] == "after"

        shown = text_of(screen.query_one("#comparison", Static))
        assert before_row.score is not None and after_row.score is not None
        delta = round(after_row.score - before_row.score)
        assert f"{shown_score(before_row.score)} → {shown_score(after_row.score)}" in shown
        assert f"+{delta}" in shown
        assert f"Answers changed: {len(DEMO_CHANGED)}" in shown
        bank = session.assessed(after_row).bank
        lines = shown.splitlines()
        # gov-dpo: No -> Yes, on the line with the question's text.
        dpo = next(line for line in lines if bank.question("gov-dpo").text[:40] in line)
        assert dpo.index("No") < dpo.index("Yes")
        # A per-system change names the system: HubSpot MFA went No -> Yes.
        hubspot = next(line for line in lines if "HubSpot CRM" in line)
        assert hubspot.index("No") < hubspot.index("Yes")
        # "Don't know" is shown as such, never as "No": export files went Don't know -> No.
        export_files = bank.question("access-export-files").text[:40]
        exports = next(line for line in lines if export_files in line)
        assert "Don't know" in exports
        assert exports.rstrip().endswith("No")
        # A text answer added since: "Not answered" before.
        lead = next(line for line in lines if "Mei Ling; deputy" in line)
        assert "Not answered" in lead
        assert "3 days" in shown and "14 days" in shown
        # Domain deltas as signed numbers, with words, not colour alone.
        assert "▲ up" in shown

        # At 80x24 the comparison runs past the screen: tab, then page down, reads on.
        body = screen.query_one("#body")
        await pilot.press("tab")
        assert app.focused is body
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


async def test_picking_another_pair_with_keys_changes_the_comparison(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    first, second = (row.id for row in session.assessments())
    newest = dict(LATER)
    newest[("acc-mfa", "klaviyo")] = "yes"
    third = add_assessment(session, newest, days_ago=5)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        # Default: the last two completed, which differ by one answer.
        assert screen.pair == (second, third)
        assert screen.comparison is not None
        assert [(c.question_id, c.system_key) for c in screen.comparison.answers] == [
            ("acc-mfa", "klaviyo")
        ]

        # Space on the newest, down twice, space on the oldest: compare those two.
        await pilot.press("space", "down", "down", "space")
        await pilot.pause()
        assert screen.pair == (first, third)
        assert screen.comparison is not None
        assert {(c.question_id, c.system_key) for c in screen.comparison.answers} == (
            DEMO_CHANGED | {("acc-mfa", "klaviyo")}
        )
        assert [cells(app, str(i))[0] for i in (third, second, first)] == ["after", "", "before"]
        shown = text_of(screen.query_one("#comparison", Static))
        assert f"Answers changed: {len(DEMO_CHANGED) + 1}" in shown
        assert f"Before: #{first}" in shown

        # Enter on the middle one compares it with the one before it.
        await pilot.press("up", "enter")
        await pilot.pause()
        assert screen.pair == (first, second)

        # l goes back to the latest two.
        await pilot.press("l")
        await pilot.pause()
        assert screen.pair == (second, third)


async def test_one_mark_waits_for_a_second_and_can_be_undone(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    first, second = (row.id for row in session.assessments())
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        await pilot.press("space")
        assert screen.marked == [second]
        assert cells(app, str(second))[0] == "marked"
        await pilot.press("space")
        assert screen.marked == []
        assert screen.pair == (first, second)
        # Enter on the oldest: nothing earlier to compare with; the comparison stays.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.pair == (first, second)


async def test_an_open_assessment_can_be_compared_with_a_completed_one(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "n.db", profile)
    done = add_assessment(session, {("gov-dpo", ""): "no"}, days_ago=100)
    open_id = add_assessment(session, {("gov-dpo", ""): "yes"}, days_ago=3, complete=False)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        # Only one completed: a hint instead of a comparison.
        assert screen.pair is None
        assert "Only one completed assessment" in text_of(screen.query_one("#comparison", Static))
        assert "in progress" in cells(app, str(open_id))
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert screen.pair == (done, open_id)
        shown = text_of(screen.query_one("#comparison", Static))
        assert "in progress" in shown and "(so far)" in shown
        assert screen.comparison is not None
        assert [(c.before, c.after) for c in screen.comparison.answers] == [("no", "yes")]


async def test_no_assessment_yet_shows_a_helpful_empty_state(
    tmp_path: Path, profile: Profile
) -> None:
    app = make_app(new_session(tmp_path / "n.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        assert screen.query_one("#assessments", DataTable).row_count == 0
        shown = text_of(screen.query_one("#comparison", Static))
        assert "No assessments yet" in shown and "start the first one" in shown
        assert "No completed assessment yet" in text_of_trend(screen)
        await pilot.press("space", "enter", "p", "l", "down")
        await pilot.pause()
        assert screen.pair is None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "dashboard"


async def test_open_but_never_completed_is_explained(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "n.db", profile)
    add_assessment(session, {("gov-dpo", ""): "yes"}, days_ago=3, complete=False)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        assert "No completed assessment yet" in text_of(screen.query_one("#comparison", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pair is None


async def test_user_text_is_shown_literally(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    answers = dict(LATER)
    answers[("inc-lead-names", "")] = "[/nope] [b]Ling[/]"
    add_assessment(session, answers, days_ago=5)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        assert "[/nope] [b]Ling[/]" in text_of(screen.query_one("#comparison", Static))


async def test_wide_layout_puts_the_trend_beside_the_table(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(app)
        await pilot.pause()
        table = screen.query_one("#assessments", DataTable).region
        trend = screen.query_one("#trend", TrendChart).region
        assert trend.x >= table.right
        assert abs(trend.y - table.y) <= 1
        assert screen.query_one("#comparison", Static).region.width > 100


def text_of_trend(screen: HistoryScreen) -> str:
    chart = screen.query_one("#trend", TrendChart)
    return "\n".join(line.plain for line in trend_lines(chart.points, 60))


# The trend chart on its own ---------------------------------------------------------


def points(count: int) -> list[TrendPoint]:
    start = dt.date(2020, 1, 1)
    return [
        TrendPoint(str(start + dt.timedelta(days=91 * i)), float((i * 37) % 101), "Exposed")
        for i in range(count)
    ]


def test_trend_with_two_points_labels_each_bar() -> None:
    two = points(2)
    for width in (44, 76):
        lines = [line.plain for line in trend_lines(two, width)]
        assert all(len(line) <= width for line in lines)
        assert lines[0].startswith(f"{shown_score(two[0].score)} → {shown_score(two[1].score)}")
        # Newest first, each with its date and score as numbers.
        assert lines[1].startswith(two[1].label) and lines[1].split()[-2] == "37"
        assert lines[2].startswith(two[0].label) and lines[2].split()[-2] == "0"


def test_trend_with_forty_points_stays_readable() -> None:
    forty = points(40)
    for width in (44, 76):
        lines = [line.plain for line in trend_lines(forty, width)]
        assert len(lines) <= 13
        assert all(len(line) <= width for line in lines)
        spark = next(line for line in lines if line.startswith("▕"))
        assert len(spark) == 42  # one block per assessment between the edges
        assert any("32 earlier" in line for line in lines)
        assert lines[-2].startswith(forty[-8].label)


def test_trend_without_points_says_so() -> None:
    assert "No completed assessment yet" in trend_lines([], 40)[0].plain


def test_trend_change_is_computed_from_the_numbers_it_shows() -> None:
    # Scores show rounded down: 16.9 and 41.1 show as 16 and 41, so the change is +25,
    # not round(24.2) = +24.
    shown = [TrendPoint("2026-01-01", 16.9, "Exposed"), TrendPoint("2026-04-01", 41.1, "Partly")]
    assert trend_lines(shown, 60)[0].plain.startswith("16 → 41 (+25) since")
    same = [TrendPoint("2026-01-01", 40.9, "Partly"), TrendPoint("2026-04-01", 41.1, "Partly")]
    assert "(+1)" in trend_lines(same, 60)[0].plain  # 40 → 41 is shown as a change of one
    flat = [TrendPoint("2026-01-01", 41.1, "Partly"), TrendPoint("2026-04-01", 41.9, "Partly")]
    assert "(no change)" in trend_lines(flat, 60)[0].plain


def test_history_comparison_changes_are_computed_from_the_numbers_shown() -> None:
    from pdpa_check.tui.screens.history import _domain_change

    assert _domain_change(DomainDelta("acc", "Accounts", 16.9, 41.1)).plain.startswith("+25 ")
    assert _domain_change(DomainDelta("acc", "Accounts", 40.9, 41.1)).plain.startswith("+1 ")
