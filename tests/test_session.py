"""The session layer the app and `assess --plain` share, and the store calls it added."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database, Migrations
from tui_support import fill, new_session, reopen_session

from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.plan import projected_score
from pdpa_check.store import db as db_module
from pdpa_check.support.dates import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 27), 3, dt.date(2026, 11, 27)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),  # clamped to February's end
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 31)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_a_quarter_later_is_always_81_to_92_days_later(day: dt.date) -> None:
    assert 89 <= (add_months(day, 3) - day).days <= 92


def test_next_due_is_a_quarter_after_the_last_completed(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    assert session.next_due() is None
    fill(session.start_assessment(), good=True)
    session.complete_assessment()
    completed = session.completed()[-1].completed
    assert session.next_due() == add_months(completed, 3)


def test_answers_are_saved_before_answer_returns(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    q.answer(q.slots[0], "p", note="Only the owner")
    other = reopen_session(tmp_path / "a.db").questionnaire()
    saved = other.answers[q.slots[0].key]
    assert (saved.value, saved.note) == ("partly", "Only the owner")


def test_answer_keeps_note_and_evidence_unless_given(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    slot = q.slots[0]
    q.answer(slot, "no", note="first", evidence="ticket 4")
    q.answer(slot, "yes")
    assert (q.answers[slot.key].note, q.answers[slot.key].evidence) == ("first", "ticket 4")
    q.answer(slot, "yes", note="")
    assert q.answers[slot.key].note == ""


def test_invalid_answer_raises_and_saves_nothing(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    with pytest.raises(ValueError, match="not one of"):
        q.answer(q.slots[0], "maybe")
    assert reopen_session(tmp_path / "a.db").questionnaire().answers == {}


def test_score_follows_answers_without_reloading(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    before = session.assessed().result.score
    q.answer(q.slot(("gov-dpo", "")) or q.slots[0], "yes")
    assert session.assessed().result.score > before


def test_resume_point_survives_a_restart(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    q.remember(q.slots[5].key)
    assert reopen_session(tmp_path / "a.db").questionnaire().resume_index() == 5


def test_resume_at_a_question_that_disappeared_goes_to_the_one_before(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    gate = q.index_of(("ai-in-use", ""))
    q.answer(q.slots[gate], "yes")
    q.remember(("ai-vendor-terms", ""))
    q.answer(q.slots[gate], "no")  # the follow-up question is no longer asked
    restarted = reopen_session(tmp_path / "a.db").questionnaire()
    assert restarted.slots[restarted.resume_index()].key == ("ai-in-use", "")


def test_without_a_resume_point_start_at_the_first_unanswered(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    q = session.start_assessment()
    q.answer(q.slots[0], "yes")
    q.answer(q.slots[1], "yes")
    assert reopen_session(tmp_path / "a.db").questionnaire().resume_index() == 2


def test_what_if_of_every_item_is_the_plans_projection(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    fill(session.start_assessment(), good=False)
    assessed = session.assessed()
    every = {item.id for item in assessed.plan.items}
    assert session.what_if(every) == pytest.approx(assessed.plan.projected_score)
    assert session.what_if(set()) == pytest.approx(assessed.result.score)
    first = assessed.plan.items[0]
    assert session.what_if({first.id}) == pytest.approx(assessed.result.score + first.uplift)
    assert projected_score(assessed.bank, assessed.profile, assessed.answers, []) == (
        pytest.approx(assessed.result.score)
    )


def test_open_items_leave_out_done_and_accepted(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    fill(session.start_assessment(), good=False)
    plan = session.assessed().plan
    first, second = plan.items[0].id, plan.items[1].id
    session.update_plan_item(first, status="done")
    session.update_plan_item(second, status="in_progress")
    still_open = {item.id for item in session.open_items(plan)}
    assert first not in still_open and second in still_open
    assert len(still_open) == len(plan.items) - 1


def test_update_profile_keeps_keys_and_removes_dropped_systems(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "a.db", profile)
    renamed = Profile(
        name="Test Shop Pte Ltd",
        staff_count=7,
        sector="retail",
        systems=(
            System(key="gmail", kind="email_suite", name="Google Workspace (main)"),
            System(key="klaviyo", kind="email_marketing", name="Klaviyo"),
        ),
    )
    session.save_profile(renamed)
    again = reopen_session(tmp_path / "a.db")
    assert again.profile == renamed
    assert len(again.organisations()) == 1


def test_save_profile_new_adds_another_organisation(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "a.db", profile)
    first = session.org
    other = session.save_profile(Profile(name="Second Shop", staff_count=2), new=True)
    assert [o.name for o in session.organisations()] == ["Test Shop", "Second Shop"]
    assert session.org == other and first is not None
    session.choose(first.id)
    assert session.profile == profile


def test_a_database_from_before_the_resume_point_is_migrated(tmp_path: Path) -> None:
    """A 0.1 database (first migration only) gains the resume columns, with a backup."""
    path = tmp_path / "old.db"
    only_first = Migrations("pdpa-check")
    first = db_module.migration_set()._migrations[0]
    only_first(name=first.name)(first.fn)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {db_module.APPLICATION_ID}")
    only_first.apply(Database(conn))
    conn.execute(
        "INSERT INTO organisations (name, staff_count, sector, created_at)"
        " VALUES ('Old Shop', 3, 'ecommerce', '2026-01-01')"
    )
    conn.commit()
    conn.close()

    session = reopen_session(path)
    assert session.org is not None and session.org.name == "Old Shop"
    q = session.start_assessment()
    q.remember(q.slots[1].key)
    assert reopen_session(path).questionnaire().resume_index() == 1
    assert list((tmp_path / "backups").glob("*.db"))
