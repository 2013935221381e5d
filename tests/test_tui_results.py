"""The Results screen: score, band, cap, critical gaps, areas and where points went."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList
from tui_support import TODAY, demo_session, flat, make_app, new_session, shown_text

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.model import Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.result import DomainResult
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.scoring.wording import summary_text
from pdpa_check.services.session import Questionnaire, Session
from pdpa_check.store.db import create_database
from pdpa_check.store.repo import Store
from pdpa_check.tui.screens.export import ExportScreen
from pdpa_check.tui.screens.results import ResultsScreen, domain_row


def value_for(question: Question, best: bool) -> str:
    """The best- or worst-scoring answer a question accepts."""
    if question.kind in ("yes_no", "per_system"):
        return "yes" if best else "no"
    if question.kind == "choice":
        pick = max if best else min
        return pick(question.options, key=lambda option: option.credit).id
    if question.kind == "number":
        assert question.number is not None
        scale = question.number
        if best:
            top = max(scale.thresholds, key=lambda threshold: threshold.credit)
            return f"{top.value:g}"
        return f"{scale.maximum if scale.better == 'lower' else scale.minimum:g}"
    return "Someone named"


def answer_everything(
    session: Session, best: bool, *, except_key: tuple[str, str] | None = None
) -> Questionnaire:
    """Answer every slot (following skip logic) with the best or worst value."""
    questionnaire = session.start_assessment()
    while True:
        pending = [s for s in questionnaire.slots if s.key not in questionnaire.answers]
        if not pending:
            return questionnaire
        for slot in pending:
            worst = slot.key == except_key
            questionnaire.answer(slot, value_for(slot.question, best and not worst))


async def test_score_band_counts_and_status_match_the_result(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    result = session.assessed().result
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        summary = flat(shown_text(app, "#summary"))
        assert f"{shown_score(result.score)} / 100" in summary
        assert result.band.name.upper() in summary
        assert f"Answered {result.answered} of {result.applicable}" in summary
        assert f"{result.unknown} Don't know" in summary
        assert f"{result.unanswered} not answered" in summary
        assert f"Confidence {result.confidence:.0%}" in summary
        assert result.unknown > 0  # the demo has "Don't know" answers to count
        assert "completed" in shown_text(app, "#heading")


async def test_critical_gaps_are_named_with_their_systems(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    assessed = session.assessed()
    assert assessed.result.critical_failures
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("results")
        await pilot.pause()
        critical = flat(shown_text(app, "#critical"))
        for question_id in assessed.result.critical_failures:
            question = assessed.bank.question(question_id)
            assert flat(summary_text(question)) in critical
            assert "this system" not in critical  # the systems follow, in the reason
            assert flat(assessed.result.question(question_id).reason) in critical
        count = len(assessed.result.critical_failures)
        assert app.screen.query_one("#critical").border_title == f"Critical gaps: {count}"


async def test_the_critical_control_that_capped_the_band_is_named(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "c.db", profile)
    # Everything in place except MFA on one system: a high average, capped.
    answer_everything(session, True, except_key=("acc-mfa", "shopify"))
    result = session.assessed().result
    assert result.capped_by is not None
    assert result.band.id != result.uncapped_band.id
    # Named with the system it fails on, not "this system".
    capped_text = (
        "Does every login to Shopify use multi-factor authentication (MFA): required in its "
        "settings, or, where the system cannot require it, switched on by every user?"
    )
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        summary = flat(shown_text(app, "#summary"))
        assert result.band.name.upper() in summary
        assert result.uncapped_band.name in summary
        assert "capped" in summary.casefold()
        assert flat(capped_text) in summary
        assert "IN PROGRESS" in shown_text(app, "#heading")


async def test_selecting_an_area_lists_its_questions_with_points_lost(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    result = session.assessed().result
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        assert not screen.query_one("#detail").display or not screen.has_class("-open")
        await pilot.press("down", "enter")
        await pilot.pause()
        domain = result.domains[1]
        assert screen.has_class("-open")
        assert screen.query_one("#detail").display
        detail = flat(shown_text(app, "#detail-body"))
        assert domain.title in detail
        lost = [q for q in result.questions if q.domain_id == domain.domain_id and q.points_lost]
        assert lost
        bank = session.assessed().bank
        for outcome in lost:
            assert flat(bank.question(outcome.question_id).text) in detail
            assert f"−{outcome.points_lost:.1f} of {outcome.max_points:.1f} pts lost" in detail
        # Per-system questions list each system with its answer.
        for outcome in lost:
            for slot in outcome.slots:
                if slot.system_name:
                    assert f"{slot.system_name}:" in detail
        # Escape closes the details first, then goes back to the dashboard.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.has_class("-open")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "dashboard"


async def test_wide_screen_shows_the_highlighted_area_beside_the_list(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    result = session.assessed().result
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("results")
        await pilot.pause()
        assert app.screen.query_one("#detail").region.width > 0
        assert result.domains[0].title in shown_text(app, "#detail-body")
        await pilot.press("down", "down")
        await pilot.pause()
        assert result.domains[2].title in shown_text(app, "#detail-body")


async def test_full_marks_are_hidden_until_asked_for(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    assessed = session.assessed()
    full = [
        q for q in assessed.result.questions if q.domain_id == "governance" and not q.points_lost
    ]
    assert full, "the demo's governance area has a question with full marks"
    texts = [flat(assessed.bank.question(q.question_id).text) for q in full]
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("results")
        await pilot.pause()
        index = [d.domain_id for d in assessed.result.domains].index("governance")
        app.screen.query_one("#domains", OptionList).highlighted = index
        await pilot.pause()
        detail = flat(shown_text(app, "#detail-body"))
        assert all(text not in detail for text in texts)
        assert f"{len(full)} more question" in detail
        await pilot.press("a")
        await pilot.pause()
        detail = flat(shown_text(app, "#detail-body"))
        assert all(text in detail for text in texts)
        assert "Full marks" in detail


async def test_dont_know_is_labelled_and_never_shown_as_no(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    assessed = session.assessed()
    outcome = assessed.result.question("ai-vendor-terms")
    assert outcome.slots[0].value == "unknown"
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        app.go("results")
        await pilot.pause()
        index = [d.domain_id for d in assessed.result.domains].index(outcome.domain_id)
        app.screen.query_one("#domains", OptionList).highlighted = index
        await pilot.pause()
        lines = [line.strip() for line in shown_text(app, "#detail-body").splitlines()]
        unknown_lines = [line for line in lines if "Don't know" in line and "Answered" in line]
        assert unknown_lines
        assert all(line.startswith("?") for line in unknown_lines)
        no_lines = [line for line in lines if line.startswith("✗")]
        assert all("Don't know" not in line for line in no_lines)
        # The demo's AI area has four: vendor terms, data sent, retention and logging.
        assert "4 Don't know" in flat(shown_text(app, "#detail-body"))


async def test_all_yes_scores_higher_than_all_no(tmp_path: Path, profile: Profile) -> None:
    shown: dict[bool, str] = {}
    scores: dict[bool, float] = {}
    for best in (True, False):
        session = new_session(tmp_path / f"{best}.db", profile)
        answer_everything(session, best)
        result = session.assessed().result
        scores[best] = result.score
        app = make_app(session, tmp_path / "cfg")
        async with app.run_test(size=(80, 24)) as pilot:
            app.go("results")
            await pilot.pause()
            shown[best] = flat(shown_text(app, "#summary"))
            assert f"{shown_score(result.score)} / 100" in shown[best]
            assert result.band.name.upper() in shown[best]
            assert f"Answered {result.applicable} of {result.applicable}" in shown[best]
    assert scores[True] > scores[False]
    assert shown[True] != shown[False]
    assert "100 / 100" in shown[True]
    assert "0 / 100" in shown[False] and "100 / 100" not in shown[False]


async def test_plan_and_export_keys(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "PlanScreen"


async def test_hostile_note_and_names_show_literally(tmp_path: Path, profile: Profile) -> None:
    hostile = profile.model_copy(update={"name": "[/nope] Shop [bold]x[/]"})
    session = new_session(tmp_path / "h.db", hostile)
    questionnaire = session.start_assessment()
    slot = next(s for s in questionnaire.slots if s.question.id == "gov-data-inventory")
    questionnaire.answer(slot, "no", note="[/nope] [bold]not markup[/]")
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        assert "[/nope] Shop [bold]x[/]" in shown_text(app, "#heading")
        await pilot.press("enter")
        await pilot.pause()
        assert "[/nope] [bold]not markup[/]" in shown_text(app, "#detail-body")


async def test_results_with_no_assessment_say_so(tmp_path: Path, profile: Profile) -> None:
    app = make_app(new_session(tmp_path / "n.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        assert "No assessment yet" in shown_text(app, "#heading")
        await pilot.press("e", "p")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)


def test_an_area_with_nothing_scored_shows_na_not_zero() -> None:
    nothing = DomainResult("backup", "Backups", 5, None, 0, 0, 0.0)
    zero = DomainResult("backup", "Backups", 5, 0.0, 2, 2, 10.0)
    assert "n/a" in domain_row(nothing, 20).plain
    assert " 0 " in domain_row(zero, 20).plain and "n/a" not in domain_row(zero, 20).plain


async def test_clicking_an_area_opens_its_details(tmp_path: Path) -> None:
    session = demo_session(tmp_path / "d.db")
    result = session.assessed().result
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        # Row 0 of the list is its border; the third area is on row 3.
        await pilot.click("#domains", offset=(4, 3))
        await pilot.pause()
        assert app.screen.has_class("-open")
        assert result.domains[2].title in shown_text(app, "#detail-body")


# Cyber Essentials tally and obligations coming (a bank of our own, so the built-in
# bank's mapping can change freely) -------------------------------------------------

CE_BANK = """
id = "ce-test"
version = "1.0.0"
title = "Cyber Essentials test bank"
description = "Three questions mapped to three measures."

[[domains]]
id = "d"
title = "Security"
weight = 5
description = "Everything."

[[questions]]
id = "mfa"
domain = "d"
text = "Is MFA enforced on this system?"
why = "Stolen passwords."
kind = "per_system"
system_kinds = ["storefront", "email_suite"]
critical = true
cyber_essentials = ["A.5"]

[[questions]]
id = "bkp"
domain = "d"
text = "Is there an offline backup?"
why = "Ransomware."
kind = "yes_no"
cyber_essentials = ["A.8"]

[[questions]]
id = "upd"
domain = "d"
text = "Are updates applied within two weeks?"
why = "Known holes."
kind = "yes_no"
allow_na = true
cyber_essentials = ["A.7"]

[[upcoming]]
id = "data-portability"
title = "Data portability (Part 6B) [bold]x[/]"
text = "When in force, customers may ask you to send their data elsewhere."
"""


def ce_session(tmp_path: Path, profile: Profile) -> Session:
    """Shopify and Google Workspace under MFA question `mfa`; Gmail without MFA."""
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "ce-test.toml").write_text(CE_BANK, encoding="utf-8")
    db = tmp_path / "ce.db"
    store = Store(create_database(db), db)
    org_id = store.create_organisation(profile)
    assessment = store.start_assessment(org_id, "ce-test", "1.0.0")
    for question, system, value in [
        ("mfa", "shopify", "yes"),
        ("mfa", "gmail", "no"),
        ("bkp", "", "yes"),
        ("upd", "", "na"),
    ]:
        store.save_answer(assessment, Answer(question_id=question, system_key=system, value=value))
    return Session(store, banks, today=lambda: TODAY)


async def test_cyber_essentials_tally_and_coming_obligations(
    tmp_path: Path, profile: Profile
) -> None:
    session = ce_session(tmp_path, profile)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        summary = flat(shown_text(app, "#summary"))
        assert "Cyber Essentials (indicative): 1 of 9 measures met" in summary
        box = app.screen.query_one("#measures")
        assert box.display
        assert box.border_title == "Cyber Essentials (indicative)"
        assert "not a certification" in str(box.border_subtitle)
        measures = flat(shown_text(app, "#measures"))
        assert "1 of 9 measures met · 2 assessed" in measures
        assert "Not met: A.5 Access control Not assessed:" in measures
        # A.7's only question was answered "not applicable"; A.8 is met, so not listed.
        not_assessed = measures.split("Not assessed:")[1]
        assert "A.7 Software updates" in not_assessed
        assert "A.8" not in measures
        upcoming = shown_text(app, "#upcoming")
        assert app.screen.query_one("#upcoming").display
        assert flat(upcoming) == "Coming, not scored: Data portability (Part 6B) [bold]x[/]"

        # MFA on the second system too: the measure is met once the screen is back.
        questionnaire = session.questionnaire()
        slot = questionnaire.slot(("mfa", "gmail"))
        assert slot is not None
        questionnaire.answer(slot, "yes")
        app.go("dashboard")
        await pilot.pause()
        app.go("results")
        await pilot.pause()
        assert "2 of 9 measures met" in flat(shown_text(app, "#summary"))
        measures = flat(shown_text(app, "#measures"))
        assert "Not met" not in measures


async def test_banks_without_a_mapping_show_no_tally(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "c.db", profile)
    answer_everything(session, True)
    bank = session.assessed().bank
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        app.go("results")
        await pilot.pause()
        mapped = any(question.cyber_essentials for question in bank.questions)
        assert app.screen.query_one("#measures").display == mapped
        assert ("Cyber Essentials" in shown_text(app, "#summary")) == mapped
        assert app.screen.query_one("#upcoming").display == bool(bank.upcoming)
        if mapped:
            # Everything answered at best: every measure with a question is met.
            assert "Not met" not in shown_text(app, "#measures")
