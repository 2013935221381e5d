"""The demo organisation: consistent history, valid answers, a plan worth showing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pdpa_check.questionnaires.answers import normalise_value
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.model import Bank
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.services.demo import DEMO_PROFILE, EARLIER, LATER_CHANGES, build_demo
from pdpa_check.services.workspace import assess
from pdpa_check.store.db import StoreError, open_database
from pdpa_check.store.repo import Store


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    path = tmp_path / "demo" / "demo.db"
    build_demo(path, None)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Store]:
    store = Store(open_database(demo_path), demo_path)
    yield store
    store.close()


def test_demo_has_two_completed_assessments(demo: Store) -> None:
    org = demo.find_organisation(None)
    assert demo.profile(org.id) == DEMO_PROFILE
    rows = demo.assessments(org.id)
    assert len(rows) == 2
    assert all(row.completed_at is not None for row in rows)
    assert rows[0].started_at < rows[1].started_at
    assert all(row.started_at < (row.completed_at or "") for row in rows)
    assert demo.open_assessment(org.id) is None
    assert demo.current_assessment(org.id) == rows[1]


def test_stored_scores_match_re_evaluation(demo: Store, bank: Bank) -> None:
    org = demo.find_organisation(None)
    scores = []
    for row in demo.assessments(org.id):
        assert (row.bank_id, row.bank_version) == (bank.id, bank.version)
        result = evaluate(bank, demo.profile(org.id), demo.answers(row.id))
        assert row.score == result.score
        assert row.band == result.band.id
        scores.append(result.score)
    # The story of the demo: things got better by the later quarter.
    assert scores[1] > scores[0]


def test_every_demo_answer_is_valid(demo: Store, bank: Bank) -> None:
    org = demo.find_organisation(None)
    profile = demo.profile(org.id)
    systems = {system.key: system for system in profile.systems}
    for row in demo.assessments(org.id):
        answers = demo.answers(row.id)
        assert answers
        slots = {slot.key for slot in applicable_slots(bank, profile, answers)}
        for (question_id, system_key), answer in answers.items():
            assert question_id in bank.questions_by_id, question_id
            question = bank.question(question_id)
            if question.kind == "per_system":
                assert system_key in systems, (question_id, system_key)
                assert systems[system_key].kind in question.system_kinds
            else:
                assert system_key == "", (question_id, system_key)
            assert normalise_value(question, answer.value) == answer.value, question_id
            assert (question_id, system_key) in slots, f"{question_id}/{system_key} not asked"


def test_demo_source_tables_refer_to_real_questions(bank: Bank) -> None:
    keys = {system.key for system in DEMO_PROFILE.systems}
    for question_id, system_key in {**EARLIER, **LATER_CHANGES}:
        question = bank.question(question_id)
        assert (system_key in keys) if question.kind == "per_system" else system_key == ""
    assert set(LATER_CHANGES) <= set(EARLIER)


def test_demo_latest_assessment_answers_everything(demo: Store, bank: Bank) -> None:
    org = demo.find_organisation(None)
    latest = demo.assessments(org.id)[-1]
    result = evaluate(bank, demo.profile(org.id), demo.answers(latest.id))
    assert result.unanswered == 0
    assert result.unknown > 0


def test_demo_plan_has_critical_item_and_vendor_question(demo: Store) -> None:
    org = demo.find_organisation(None)
    row = demo.current_assessment(org.id)
    assert row is not None
    assessed = assess(demo, org, row, None)
    assert any(item.critical for item in assessed.plan.items)
    assert assessed.plan.vendor_questions
    assert assessed.result.critical_failures


def test_demo_rebuild_with_replace(demo_path: Path) -> None:
    with pytest.raises(StoreError, match="already exists"):
        build_demo(demo_path, None)
    build_demo(demo_path, None, replace=True)
    build_demo(demo_path, None, replace=True)
    store = Store(open_database(demo_path), demo_path)
    try:
        assert len(store.organisations()) == 1
        assert len(store.assessments(store.find_organisation(None).id)) == 2
    finally:
        store.close()
    assert oct(demo_path.stat().st_mode & 0o777) == "0o600"


def test_demo_replace_when_nothing_exists_yet(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "demo.db"
    build_demo(path, None, replace=True)
    store = Store(open_database(path), path)
    try:
        assert store.find_organisation(None).name == DEMO_PROFILE.name
    finally:
        store.close()
