"""User lists in the store: the latest list per system, and answers marked as verified by it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pdpa_check.questionnaires.answers import Answer, Verified
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.store.db import create_database
from pdpa_check.store.evidence import UserListRow
from pdpa_check.store.repo import Store

FILE = Verified("users.csv", "Google Workspace users list", "2026-12-01")
MFA = Answer(question_id="acc-mfa", system_key="gmail", value="partly", evidence="14 of 16")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "e.db"
    store = Store(create_database(path), path)
    yield store
    store.close()


@pytest.fixture
def ids(store: Store, profile: Profile) -> tuple[int, int]:
    org = store.create_organisation(profile)
    return org, store.start_assessment(org, "pdpa-sme-starter", "1.2.1")


def listed(checklist: tuple[tuple[str, str], ...] = (("no_mfa", "Ah Kow"),)) -> UserListRow:
    return UserListRow("gmail", FILE, "2026-12-04T01:00:00+00:00", "14 of 16 enrolled", checklist)


def test_a_user_list_and_its_answers_are_saved_together(store: Store, ids: tuple[int, int]) -> None:
    org, assessment = ids
    store.save_user_list(org, assessment, listed(), [MFA])
    assert store.answers(assessment)[MFA.key] == MFA
    assert store.answer_meta(assessment)[MFA.key].verified == FILE
    (row,) = store.user_lists(org).values()
    assert row == listed()


def test_a_newer_list_replaces_the_older_one_and_its_names(
    store: Store, ids: tuple[int, int]
) -> None:
    org, assessment = ids
    store.save_user_list(org, assessment, listed(), [MFA])
    store.save_user_list(org, assessment, listed((("dormant", "Siti"),)), [MFA])
    assert store.user_lists(org)["gmail"].checklist == (("dormant", "Siti"),)
    store.forget_user_list(org, "gmail")
    assert store.user_lists(org) == {}
    assert store.answer_meta(assessment)[MFA.key].verified == FILE  # the answer keeps its mark


def test_the_owner_changing_the_value_drops_the_mark_but_a_note_keeps_it(
    store: Store, ids: tuple[int, int]
) -> None:
    org, assessment = ids
    store.save_user_list(org, assessment, listed(), [MFA])
    store.save_answer(assessment, MFA.model_copy(update={"note": "chasing Ah Kow"}))
    assert store.answer_meta(assessment)[MFA.key].verified == FILE
    store.replace_answers(assessment, [MFA.model_copy(update={"value": "yes"})])
    assert store.answer_meta(assessment)[MFA.key].verified is None
    assert store.answers(assessment)[MFA.key].value == "yes"


def test_a_carried_answer_keeps_its_mark_until_the_owner_changes_it(
    store: Store, ids: tuple[int, int]
) -> None:
    org, first = ids
    store.save_user_list(org, first, listed(), [MFA])
    store.complete_assessment(first, 50.0, "weak")
    second = store.start_assessment(
        org, "pdpa-sme-starter", "1.2.1", carry_from=first, carry_questions=["acc-mfa"]
    )
    meta = store.answer_meta(second)[MFA.key]
    assert meta.carried and meta.verified == FILE


def test_a_damaged_mark_reads_as_the_owners_word(store: Store, ids: tuple[int, int]) -> None:
    org, assessment = ids
    store.save_user_list(org, assessment, listed(), [MFA])
    with store.write() as db:
        db.execute("UPDATE answers SET verified = '[1, 2'")
    assert store.answer_meta(assessment)[MFA.key].verified is None
