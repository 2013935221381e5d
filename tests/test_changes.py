"""`pdpa-check diff` and the "since last quarter" summary."""

from __future__ import annotations

from pathlib import Path

from cli_support import assert_error, invoke, ok
from tui_support import (
    DEMO_LIST_CHANGES,
    TODAY,
    completed_once,
    demo_session,
    fill,
    new_session,
)

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.services.changes import Changes, changes_between, overdue_items, summary
from pdpa_check.services.demo import EARLIER, LATER_CHANGES


def demo_changes(tmp_path: Path) -> Changes:
    session = demo_session(tmp_path / "demo.db")
    first, second = (t.row for t in session.completed())
    return changes_between(session.assessed(first), session.assessed(second))


def test_demo_changes_match_what_the_demo_changed(tmp_path: Path) -> None:
    changes = demo_changes(tmp_path)
    expected = {
        key for key, (value, _) in LATER_CHANGES.items() if EARLIER.get(key, ("", ""))[0] != value
    }
    expected |= set(DEMO_LIST_CHANGES)  # the user list checked last quarter
    assert {a.key for a in changes.comparison.answers} == expected
    before_ids = {i.id for i in changes.before.plan.items}
    after_ids = {i.id for i in changes.after.plan.items}
    assert {i.id for i in changes.items_completed} == before_ids - after_ids
    assert {i.id for i in changes.items_added} == after_ids - before_ids


def test_summary_sentences(tmp_path: Path) -> None:
    changes = demo_changes(tmp_path)
    before = shown_score(changes.comparison.score_before)
    after = shown_score(changes.comparison.score_after)
    lines = summary(changes, overdue=3, unconfirmed=1)
    assert lines[0] == f"Score rose from {before} to {after}."
    assert f"{len(changes.comparison.answers)} answers changed." in lines
    assert "3 items remain overdue." in lines
    assert "1 answer carried from last time is not confirmed yet." in lines
    assert not any("overdue" in line for line in summary(changes, overdue=0))


def test_a_closed_critical_gap_names_only_the_systems_whose_answer_changed(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    fill(q, good=True)
    for slot in q.slots:
        if slot.key == ("acc-mfa", "shopify"):
            q.answer(slot, "no")  # MFA missing on Shopify alone
    session.complete_assessment()
    q = session.start_assessment()
    q.answer(next(s for s in q.slots if s.key == ("acc-mfa", "shopify")), "yes")
    first, second = session.completed()[-1].row, session.current()
    assert second is not None
    changes = changes_between(session.assessed(first), session.assessed(second))
    assert "acc-mfa" in changes.comparison.critical_closed
    title = session.assessed().bank.action("enforce-mfa").title
    lines = summary(changes, overdue=0)
    assert f"Critical gap closed: {title} (Shopify)." in lines
    assert not any("all" in line and "systems" in line for line in lines)


def test_a_new_critical_gap_names_its_systems_not_this_system(
    tmp_path: Path, profile: Profile
) -> None:
    session = completed_once(tmp_path / "a.db", profile, good=True)
    q = session.start_assessment()
    q.answer(next(s for s in q.slots if s.key == ("acc-mfa", "meta")), "partly")
    first, second = session.completed()[-1].row, session.current()
    assert second is not None
    changes = changes_between(session.assessed(first), session.assessed(second))
    lines = [line for line in summary(changes, overdue=0) if "critical" in line]
    assert lines == [
        "New critical gap: Does every login to Meta Business use multi-factor authentication "
        "(MFA): required in its settings, or, where the system cannot require it, switched on by "
        "every user?"
    ]


def test_overdue_items_are_open_items_past_their_due_date(tmp_path: Path, profile: Profile) -> None:
    session = completed_once(tmp_path / "a.db", profile)
    first, second, third = session.assessed().plan.items[:3]
    session.update_plan_item(first.id, due_date="2026-11-01")
    session.update_plan_item(second.id, due_date="2026-11-01", status="accepted_risk")
    session.update_plan_item(third.id, due_date=TODAY.isoformat())
    late = overdue_items(session.assessed(), session.plan_states(), TODAY)
    assert [item.id for item in late] == [first.id]


def test_diff_command_defaults_to_the_last_two_completed(tmp_path: Path) -> None:
    ok("demo")
    result = ok("--demo", "diff")
    assert "Score rose from 18 to 48." in result.output
    assert "By area" in result.output
    assert "Answers that changed" in result.output
    assert "data protection officer" in result.output
    assert "No → Yes" in result.output
    explicit = ok("--demo", "diff", "1", "2")
    assert explicit.output == result.output


def test_diff_needs_two_assessments(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "one.db"
    completed_once(db, profile).store.close()
    assert_error(invoke("--db", db, "diff"), 2, "two completed assessments")
    assert_error(invoke("--db", db, "diff", "1", "9"), 2, "no assessment 9")


def test_diff_against_an_open_assessment(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "a.db"
    session = completed_once(db, profile)
    q = session.start_assessment()
    for slot in list(q.unconfirmed()):
        q.clear(slot)
    fill(q, good=True)
    session.store.close()
    result = ok("--db", db, "diff", "1", "2")
    assert "Score rose from 0 to 100." in result.output
    assert "Plan items completed" in result.output


def test_summary_lines_of_per_system_questions_drop_the_per_system_wording() -> None:
    ok("demo")
    gaps = [
        line
        for line in ok("--demo", "score").stdout.splitlines()
        if line.startswith("CRITICAL GAP")
    ]
    assert gaps and not any("this system" in line for line in gaps)
    assert any("every login to each system use" in line for line in gaps)
    short = ok("--demo", "plan", "--format", "md").stdout
    assert "this system" not in short.split("\n## This month")[0]  # the summary
    plan = ok("--demo", "plan", "--format", "md", "--full").stdout
    sections = {part.split("\n", 1)[0]: part for part in plan.split("\n## ") if part.strip()}
    summaries = ("Summary", "Since last time", "Critical gaps", "Where points were lost")
    for title in summaries:
        assert "this system" not in sections[title], title
    assert "Cyber Essentials" in " ".join(sections)
    measures = next(part for title, part in sections.items() if "Cyber Essentials" in title)
    assert "this system" not in measures
    # The table of lost points names the system in the question.
    assert "every login to Klaviyo use" in sections["Where points were lost"]
