"""The whole first-time journey from the keyboard: set up, answer, results, plan, export."""

from __future__ import annotations

import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import make_app, new_session, press_until, reopen_session, type_text

from pdpa_check.scoring.rounding import shown_score_tenths
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.assessment import AssessmentScreen
from pdpa_check.tui.screens.dashboard import DashboardScreen
from pdpa_check.tui.screens.export import ExportScreen
from pdpa_check.tui.screens.plan import PlanScreen
from pdpa_check.tui.screens.profile import ProfileScreen
from pdpa_check.tui.screens.results import ResultsScreen


async def set_up_business(pilot: Pilot[None]) -> None:
    await type_text(pilot, "Lion Bakery")
    await pilot.press("tab")
    await type_text(pilot, "6")
    await pilot.press("tab", "tab")  # keep the e-commerce sector
    await pilot.press("ctrl+n")
    await pilot.pause()
    await type_text(pilot, "Shopify")
    await pilot.press("tab", "enter", *"onl", "enter")
    await pilot.press("ctrl+n")
    await pilot.pause()
    await type_text(pilot, "Google Workspace")
    await pilot.press("tab", "enter", *"email /", "enter")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def answer_everything(app: PdpaCheckApp, pilot: Pilot[None]) -> int:
    """Answer each question as it comes: mostly yes, some no, a number, a name."""
    screen = app.screen
    assert isinstance(screen, AssessmentScreen)
    presses = 0
    while screen.questionnaire.answered < len(screen.questionnaire.slots):
        question = screen.slot.question
        # Each key is followed by waiting for its answer to be saved (not for the app to idle).
        key, before = screen.slot.key, screen.questionnaire.answers.get(screen.slot.key)

        def saved() -> bool:
            return screen.questionnaire.answers.get(key) is not before  # noqa: B023

        if question.kind == "number":
            screen.query_one("#typed", Input).value = "1"
            await press_until(pilot, "enter", saved)
        elif question.kind == "text":
            screen.query_one("#typed", Input).value = "Mei Ling (lead), Ahmad (deputy)"
            await press_until(pilot, "enter", saved)
        elif question.kind == "choice":
            await press_until(pilot, "1", saved)
        else:
            await press_until(pilot, "n" if question.critical and presses % 3 == 0 else "y", saved)
        presses += 1
        assert presses < 200, "the questionnaire never ended"
    return presses


async def test_first_run_to_exported_plan(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(new_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        await set_up_business(pilot)
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("n")  # new assessment
        await pilot.pause()
        await answer_everything(app, pilot)
        await pilot.press("ctrl+f")  # finish: records the score, shows results
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)

        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert app.session.assessed().plan.items  # some "no" answers left gaps

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()

    session = reopen_session(db)
    done = session.completed()
    assert len(done) == 1
    assert done[0].score == session.assessed().result.score
    written = sorted(path.suffix for path in out.iterdir())
    assert written == [".md", ".toml"]
    data = tomllib.loads(next(out.glob("*.toml")).read_text())
    assert data["organisation"]["name"] == "Lion Bakery"
    assert data["score"]["overall"] == shown_score_tenths(done[0].score)  # rounded down in the file
    assert len(data["plan"]) == len(session.assessed().plan.items)
    tokens = MarkdownIt().parse(next(out.glob("*.md")).read_text())
    headings = [t.content for t in tokens if t.type == "inline"]
    assert any("Lion Bakery" in heading for heading in headings)
