"""The database reads as the app shows it from outside (`sqlite3`, Datasette): band names,
question texts, the area scores and the plan as computed at completion (migration 0010)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui_support import completed_once, demo_session, reopen_session

from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import BANDS


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # as an outside reader would
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_completed_assessment_reads_with_band_names_questions_areas_and_plan(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "shop.db"
    session = completed_once(db, profile)
    assessed = session.assessed()
    ((band, band_name, score),) = query(db, "SELECT band, band_name, score FROM assessment_summary")
    assert band == assessed.result.band.id and band_name == assessed.result.band.name
    assert band_name in {b.name for b in BANDS} and score == assessed.result.score
    rows = query(
        db, "SELECT question_id, system_key, question, area, value FROM answers_with_questions"
    )
    assert len(rows) == len(assessed.answers)
    by_key = {(q, s): (text, area, value) for q, s, text, area, value in rows}
    text, area, value = by_key[("acc-mfa", "shopify")]
    question = assessed.bank.question("acc-mfa")
    assert text == question.text and value == assessed.answers[("acc-mfa", "shopify")].value
    assert area == next(d.title for d in assessed.bank.domains if d.id == question.domain)
    areas = query(db, "SELECT domain_id, score, points_lost FROM assessment_areas")
    assert {a[0] for a in areas} == {d.domain_id for d in assessed.result.domains}
    plan = query(db, "SELECT item_id, rank, status_now FROM plan_at_completion ORDER BY rank")
    assert [row[0] for row in plan] == [item.id for item in assessed.plan.items]
    assert {row[2] for row in plan} <= {"open", "in_progress", "done", "accepted_risk"}


def test_the_demo_dates_each_answer_within_its_assessment(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    demo_session(db)
    outside = query(
        db,
        "SELECT count(*) FROM answers an JOIN assessments a ON a.id = an.assessment_id"
        " WHERE an.answered_at < a.started_at OR an.answered_at > a.completed_at",
    )
    assert outside == [(0,)]
    names = query(db, "SELECT band_name FROM assessment_summary ORDER BY assessment")
    assert names == [("Exposed",), ("Partly prepared",)]
    assert query(db, "SELECT count(*) FROM plan_at_completion WHERE assessment = 2")[0][0] > 0


def test_upgrading_fills_question_texts_from_the_stored_bank_copies(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "old.db"
    completed_once(db, profile).store.close()
    # Back to the schema before 0010, as a database written by the previous version.
    conn = sqlite3.connect(db)
    with conn:
        for view in ("assessment_summary", "answers_with_questions", "plan_at_completion"):
            conn.execute(f"DROP VIEW {view}")
        for table in ("bank_questions", "assessment_areas", "assessment_plan"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0010_readable'")
    conn.close()
    session = reopen_session(db)  # opening upgrades it, after a verified backup
    session.store.close()
    rows = query(db, "SELECT count(*), count(question) FROM answers_with_questions")
    assert rows[0][0] > 0 and rows[0][0] == rows[0][1]  # every answer has its question's text
    assert list((tmp_path / "backups").glob("*-upgrade.db"))
