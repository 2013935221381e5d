"""compare(before, after): what changed between two assessments."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenarios_support import answers_for, builtin_scenarios, random_scenarios

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.compare import AnswerChange, Comparison, DomainDelta, compare
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.services.demo import DEMO_PROFILE, EARLIER, LATER_CHANGES

Answers = dict[AnswerKey, Answer]
SETTINGS = settings(max_examples=60, deadline=None)


def answers_of(table: dict[tuple[str, str], tuple[str, str]]) -> Answers:
    return {
        key: Answer(question_id=key[0], system_key=key[1], value=value, note=note)
        for key, (value, note) in table.items()
        if value
    }


def with_value(answers: Answers, key: AnswerKey, value: str | None) -> Answers:
    changed = dict(answers)
    if value is None:
        changed.pop(key, None)
    else:
        changed[key] = Answer(question_id=key[0], system_key=key[1], value=value)
    return changed


def run(
    bank: Bank, profile: Profile, before: Answers, after: Answers, after_bank: Bank | None = None
) -> Comparison:
    later_bank = after_bank or bank
    return compare(
        bank,
        before,
        evaluate(bank, profile, before),
        later_bank,
        after,
        evaluate(later_bank, profile, after),
    )


EARLY = answers_of(EARLIER)


def test_identical_assessments_have_no_changes(bank: Bank) -> None:
    comparison = run(bank, DEMO_PROFILE, EARLY, dict(EARLY))
    assert comparison.answers == ()
    assert comparison.critical_opened == comparison.critical_closed == ()
    assert comparison.score_delta == 0
    assert not comparison.band_changed
    assert [d.domain_id for d in comparison.domains] == [d.id for d in bank.domains]
    assert all(d.delta == 0 for d in comparison.domains if d.before is not None)


def test_one_changed_answer(bank: Bank) -> None:
    key = ("acc-password-manager", "")
    after = with_value(EARLY, key, "yes")
    comparison = run(bank, DEMO_PROFILE, EARLY, after)
    assert comparison.answers == (AnswerChange("acc-password-manager", "", "no", "yes"),)

    before_result = evaluate(bank, DEMO_PROFILE, EARLY)
    after_result = evaluate(bank, DEMO_PROFILE, after)
    assert comparison.score_before == before_result.score
    assert comparison.score_after == after_result.score
    assert comparison.score_delta > 0
    for delta in comparison.domains:
        old = next(d.score for d in before_result.domains if d.domain_id == delta.domain_id)
        new = next(d.score for d in after_result.domains if d.domain_id == delta.domain_id)
        assert (delta.before, delta.after) == (old, new)
        if delta.domain_id == "accounts":
            assert old is not None and new is not None
            assert delta.delta == pytest.approx(new - old)
            assert delta.delta > 0
        else:
            assert delta.delta in (0, None)


def test_notes_and_evidence_are_not_changes(bank: Bank) -> None:
    after = {
        key: answer.model_copy(update={"note": "changed", "evidence": "a screenshot"})
        for key, answer in EARLY.items()
    }
    assert run(bank, DEMO_PROFILE, EARLY, after).answers == ()


def test_added_and_removed_answers_show_none(bank: Bank) -> None:
    after = with_value(EARLY, ("gov-dpo", ""), None)
    after = with_value(after, ("inc-lead-names", ""), "Mei Ling")
    comparison = run(bank, DEMO_PROFILE, EARLY, after)
    assert comparison.answers == (
        AnswerChange("gov-dpo", "", "no", None),
        AnswerChange("inc-lead-names", "", None, "Mei Ling"),
    )


def test_demo_quarters_differ_exactly_by_the_later_changes(bank: Bank) -> None:
    later = answers_of({**EARLIER, **LATER_CHANGES})
    comparison = run(bank, DEMO_PROFILE, EARLY, later)
    expected = {
        key: ((EARLIER[key][0] or None) if key in EARLIER else None, value)
        for key, (value, _note) in LATER_CHANGES.items()
    }
    assert {c.key: (c.before, c.after) for c in comparison.answers} == expected
    order = [q.id for q in bank.questions]
    ranks = [(order.index(c.question_id), c.system_key) for c in comparison.answers]
    assert ranks == sorted(ranks)
    assert comparison.score_after > comparison.score_before


def test_critical_gaps_opened_and_closed(bank: Bank) -> None:
    mfa_keys = [k for k in EARLY if k[0] == "acc-mfa"]
    fixed = dict(EARLY)
    for key in mfa_keys:
        fixed = with_value(fixed, key, "yes")
    assert "acc-mfa" in evaluate(bank, DEMO_PROFILE, EARLY).critical_failures
    assert "acc-mfa" not in evaluate(bank, DEMO_PROFILE, fixed).critical_failures

    closed = run(bank, DEMO_PROFILE, EARLY, fixed)
    assert closed.critical_closed == ("acc-mfa",)
    assert closed.critical_opened == ()
    reopened = run(bank, DEMO_PROFILE, fixed, EARLY)
    assert reopened.critical_opened == ("acc-mfa",)
    assert reopened.critical_closed == ()


def _bank_variant(bank: Bank) -> Bank:
    """A later bank version: one question dropped, a new domain with a new question."""
    data: dict[str, Any] = bank.model_dump()
    data["version"] = "9.0.0"
    data["questions"] = [q for q in data["questions"] if q["id"] != "gov-data-inventory"]
    data["domains"].append(
        {"id": "payments", "title": "Payments", "weight": 2, "description": "Card data."}
    )
    data["questions"].append(
        {
            "id": "pay-tokenised",
            "domain": "payments",
            "text": "Are card numbers only held by the payment provider?",
            "why": "Card data is a prime target.",
            "kind": "yes_no",
            "weight": 3,
        }
    )
    return Bank.model_validate(data)


def test_questions_and_domains_from_either_bank_version_appear(bank: Bank) -> None:
    newer = _bank_variant(bank)
    after = with_value(EARLY, ("gov-data-inventory", ""), None)
    after = with_value(after, ("pay-tokenised", ""), "yes")
    comparison = run(bank, DEMO_PROFILE, EARLY, after, after_bank=newer)

    assert comparison.answers == (
        AnswerChange("gov-data-inventory", "", "no", None),
        AnswerChange("pay-tokenised", "", None, "yes"),
    )
    ids = [d.domain_id for d in comparison.domains]
    assert ids == [d.id for d in bank.domains] + ["payments"]
    payments = comparison.domains[-1]
    assert payments == DomainDelta("payments", "Payments", None, 100.0)
    assert payments.delta is None


def test_answers_to_questions_no_bank_knows_still_count(bank: Bank) -> None:
    after = with_value(EARLY, ("retired-question", ""), "yes")
    comparison = run(bank, DEMO_PROFILE, EARLY, after)
    assert comparison.answers == (AnswerChange("retired-question", "", None, "yes"),)


def test_compare_is_deterministic(bank: Bank) -> None:
    later = answers_of({**EARLIER, **LATER_CHANGES})
    assert run(bank, DEMO_PROFILE, EARLY, later) == run(bank, DEMO_PROFILE, EARLY, later)


# --- properties ---------------------------------------------------------------------------


@SETTINGS
@given(st.one_of(builtin_scenarios(), random_scenarios()))
def test_an_assessment_compared_with_itself_is_unchanged(
    scenario: tuple[Bank, Profile, Answers],
) -> None:
    bank, profile, answers = scenario
    comparison = run(bank, profile, answers, dict(answers))
    assert comparison.answers == ()
    assert comparison.critical_opened == comparison.critical_closed == ()
    assert all(d.delta in (0, None) for d in comparison.domains)
    assert all((d.before is None) == (d.after is None) for d in comparison.domains)


@st.composite
def answer_pairs(draw: st.DrawFn) -> tuple[Bank, Profile, Answers, Answers]:
    bank, profile, before = draw(st.one_of(builtin_scenarios(), random_scenarios()))
    return bank, profile, before, draw(answers_for(bank, profile))


@SETTINGS
@given(answer_pairs())
def test_changes_are_exactly_the_differing_values(
    pair: tuple[Bank, Profile, Answers, Answers],
) -> None:
    bank, profile, before, after = pair
    comparison = run(bank, profile, before, after)

    def value(answers: Answers, key: AnswerKey) -> str | None:
        return answers[key].value if key in answers else None

    differing = {
        key: (value(before, key), value(after, key))
        for key in set(before) | set(after)
        if value(before, key) != value(after, key)
    }
    assert {c.key: (c.before, c.after) for c in comparison.answers} == differing
    order = [q.id for q in bank.questions]
    ranks = [(order.index(c.question_id), c.system_key) for c in comparison.answers]
    assert ranks == sorted(ranks)


@SETTINGS
@given(answer_pairs())
def test_swapping_before_and_after_negates_everything(
    pair: tuple[Bank, Profile, Answers, Answers],
) -> None:
    bank, profile, before, after = pair
    forward = run(bank, profile, before, after)
    backward = run(bank, profile, after, before)
    assert backward.score_delta == pytest.approx(-forward.score_delta)
    assert (backward.band_before, backward.band_after) == (forward.band_after, forward.band_before)
    assert backward.answers == tuple(
        AnswerChange(c.question_id, c.system_key, c.after, c.before) for c in forward.answers
    )
    for there, back in zip(forward.domains, backward.domains, strict=True):
        assert there.domain_id == back.domain_id
        if there.delta is None:
            assert back.delta is None
        else:
            assert back.delta == pytest.approx(-there.delta)
    assert backward.critical_opened == forward.critical_closed
    assert backward.critical_closed == forward.critical_opened
