"""Unit tests for scoring.evaluate with small hand-built banks and hand-computed numbers.

Every expected number is worked out in a comment next to the test. The rules under test:
each question's fixed share (its domain's weight split by question weight), credit x share
over the shares of the questions that apply, scaled to 0-100 (domains with nothing applicable
drop out), "na" out of numerator and denominator, unanswered and "don't know"
scoring 0 (and counted apart), per-system questions scoring the share of systems covered,
number thresholds, choice credits, bands and the critical cap, confidence and skip logic.
"""

from __future__ import annotations

from typing import Any

import pytest

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import BANDS, band_for, evaluate
from pdpa_check.scoring.result import Result

# --- helpers ---------------------------------------------------------------------------------

SHOP = System(key="shop", kind="storefront", name="Shopify")
MAIL = System(key="gmail", kind="email_suite", name="Google Workspace")
LIST = System(key="mailchimp", kind="email_marketing", name="Mailchimp")
ADS = System(key="meta", kind="ads", name="Meta Business")

PER_SYSTEM_KINDS = ["storefront", "email_suite", "email_marketing"]


def make_bank(domains: dict[str, int], questions: list[dict[str, Any]]) -> Bank:
    """A bank from {domain id: weight} and short question dicts (kind defaults to yes_no)."""
    return Bank.model_validate(
        {
            "id": "test-bank",
            "version": "1.0.0",
            "title": "Test bank",
            "description": "A bank built for one test.",
            "domains": [
                {"id": d, "title": d.title(), "weight": w, "description": "A domain."}
                for d, w in domains.items()
            ],
            "questions": [
                {"text": f"Question {q['id']}?", "why": "Because.", "kind": "yes_no", **q}
                for q in questions
            ],
        }
    )


def make_answers(*items: tuple[str, str] | tuple[str, str, str]) -> dict[AnswerKey, Answer]:
    """(question, value) or (question, system key, value) -> the answers mapping."""
    result: dict[AnswerKey, Answer] = {}
    for item in items:
        if len(item) == 2:
            question_id, value = item
            system_key = ""
        else:
            question_id, system_key, value = item
        result[(question_id, system_key)] = Answer(
            question_id=question_id, system_key=system_key, value=value
        )
    return result


def org(
    staff: int = 5,
    sector: str = "ecommerce",
    systems: tuple[System, ...] = (SHOP, MAIL, LIST, ADS),
) -> Profile:
    return Profile(name="Test Shop", staff_count=staff, sector=sector, systems=systems)


def score_of(bank: Bank, *items: tuple[str, str] | tuple[str, str, str], **profile: Any) -> float:
    return evaluate(bank, org(**profile), make_answers(*items)).score


def assert_attributed(result: Result) -> None:
    """Every lost point belongs to a question."""
    assert sum(q.points_lost for q in result.questions) == pytest.approx(
        100.0 - result.score, abs=1e-9
    )


def domain_score(result: Result, domain_id: str) -> float | None:
    return next(d.score for d in result.domains if d.domain_id == domain_id)


# --- credit of single answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", 100.0), ("partly", 50.0), ("no", 0.0), ("unknown", 0.0)],
)
def test_yes_no_credit(value: str, expected: float) -> None:
    # One domain, one question: the score is 100 x credit (yes 1, partly 0.5, no/unknown 0).
    bank = make_bank({"d": 5}, [{"id": "q", "domain": "d", "weight": 3}])
    result = evaluate(bank, org(), make_answers(("q", value)))
    assert result.score == pytest.approx(expected)
    assert result.question("q").credit == pytest.approx(expected / 100)
    assert_attributed(result)


def test_weights_are_normalised_within_a_domain() -> None:
    # Domain d: a (w3) yes, b (w1) no. a is worth 100*3/4 = 75, b 100*1/4 = 25.
    # b loses all its 25 points: score 75.
    bank = make_bank(
        {"d": 5}, [{"id": "a", "domain": "d", "weight": 3}, {"id": "b", "domain": "d"}]
    )
    result = evaluate(bank, org(), make_answers(("a", "yes"), ("b", "no")))
    assert result.score == pytest.approx(75.0)
    assert result.question("a").max_points == pytest.approx(75.0)
    assert result.question("b").max_points == pytest.approx(25.0)
    assert result.question("a").points_lost == 0.0
    assert result.question("b").points_lost == pytest.approx(25.0)
    assert domain_score(result, "d") == pytest.approx(75.0)
    assert_attributed(result)


def test_domain_weights_roll_up_to_100() -> None:
    # d1 (weight 1) holds a (w2) yes and b (w2) no; d2 (weight 3) holds c (w5) yes.
    # Domain shares: d1 100*1/4 = 25, d2 100*3/4 = 75.
    # a and b are worth 25*2/4 = 12.5 each; c is worth 75. b loses 12.5: score 87.5.
    # Domain scores: d1 = (25-12.5)/25 = 50%, d2 = 100%.
    bank = make_bank(
        {"d1": 1, "d2": 3},
        [
            {"id": "a", "domain": "d1", "weight": 2},
            {"id": "b", "domain": "d1", "weight": 2},
            {"id": "c", "domain": "d2", "weight": 5},
        ],
    )
    result = evaluate(bank, org(), make_answers(("a", "yes"), ("b", "no"), ("c", "yes")))
    assert result.score == pytest.approx(87.5)
    assert result.question("a").max_points == pytest.approx(12.5)
    assert result.question("c").max_points == pytest.approx(75.0)
    assert domain_score(result, "d1") == pytest.approx(50.0)
    assert domain_score(result, "d2") == pytest.approx(100.0)
    d1 = next(d for d in result.domains if d.domain_id == "d1")
    assert d1.points_lost == pytest.approx(12.5)
    assert (d1.answered, d1.applicable, d1.weight) == (2, 2, 1)
    assert sum(q.max_points for q in result.questions) == pytest.approx(100.0)
    assert_attributed(result)


def test_domain_with_nothing_applicable_drops_out_of_the_roll_up() -> None:
    # d1 (weight 1): a partly. d2 (weight 3): b marked na, so d2 has nothing applicable.
    # Only d1 counts: score = 100 * 0.5 = 50 (not 12.5 with d2 as an empty denominator,
    # nor 87.5 with d2 counted as full marks).
    bank = make_bank(
        {"d1": 1, "d2": 3},
        [{"id": "a", "domain": "d1"}, {"id": "b", "domain": "d2", "allow_na": True}],
    )
    result = evaluate(bank, org(), make_answers(("a", "partly"), ("b", "na")))
    assert result.score == pytest.approx(50.0)
    assert domain_score(result, "d2") is None
    assert result.question("b").max_points == 0.0
    assert_attributed(result)


def test_domain_with_only_hidden_questions_drops_out_of_the_roll_up() -> None:
    # As above, but d2's only question is hidden by the profile (a sole trader): score 50.
    bank = make_bank(
        {"d1": 1, "d2": 3},
        [
            {"id": "a", "domain": "d1"},
            {"id": "b", "domain": "d2", "applies_if": {"has_staff": True}},
        ],
    )
    result = evaluate(bank, org(staff=1), make_answers(("a", "partly"), ("b", "no")))
    assert result.score == pytest.approx(50.0)
    assert domain_score(result, "d2") is None
    assert [q.question_id for q in result.questions] == ["a"]


def test_not_applicable_leaves_numerator_and_denominator() -> None:
    # Domain d: a (w2) yes, b (w2) na, c (w1) no. Without b the domain weight is 3:
    # c loses 100*1/3 = 33.33: score 66.67, exactly as if b were not in the bank.
    questions: list[dict[str, Any]] = [
        {"id": "a", "domain": "d", "weight": 2},
        {"id": "b", "domain": "d", "weight": 2, "allow_na": True},
        {"id": "c", "domain": "d", "weight": 1},
    ]
    bank = make_bank({"d": 2}, questions)
    result = evaluate(bank, org(), make_answers(("a", "yes"), ("b", "na"), ("c", "no")))
    assert result.score == pytest.approx(200 / 3)
    b = result.question("b")
    assert b.credit is None
    assert b.not_applicable
    assert (b.max_points, b.points_lost) == (0.0, 0.0)
    assert b.reason == "Marked not applicable"
    without_b = make_bank({"d": 2}, [questions[0], questions[2]])
    assert result.score == pytest.approx(score_of(without_b, ("a", "yes"), ("c", "no")))
    assert result.applicable == 2  # the na slot is not applicable
    assert_attributed(result)


def test_not_applicable_takes_its_share_out_and_leaves_the_others_ranked() -> None:
    # d1 (weight 2): a (w1), b (w1, na); d2 (weight 2): c (w2). Shares: a 1, b 1, c 2.
    # With b not applicable the shares that apply are a 1 + c 2: a is worth 100/3 and c
    # 200/3, so c still outweighs a (d1 is not given b's share to hand to a).
    bank = make_bank(
        {"d1": 2, "d2": 2},
        [
            {"id": "a", "domain": "d1"},
            {"id": "b", "domain": "d1", "allow_na": True},
            {"id": "c", "domain": "d2", "weight": 2},
        ],
    )
    assert bank.shares == {"a": 1.0, "b": 1.0, "c": 2.0}
    result = evaluate(bank, org(), make_answers(("a", "no"), ("b", "na"), ("c", "yes")))
    assert result.question("a").max_points == pytest.approx(100 / 3)
    assert result.question("c").max_points == pytest.approx(200 / 3)
    assert result.score == pytest.approx(200 / 3)
    assert domain_score(result, "d1") == pytest.approx(0.0)
    assert_attributed(result)


# --- unanswered, unknown and confidence ------------------------------------------------------


def test_unanswered_and_unknown_score_zero_but_are_counted_apart() -> None:
    # a yes, b unknown, c unanswered, e no; all weight 1: only a earns: score 25.
    # 4 applicable slots, 1 unknown, 1 unanswered, 3 answered (unknown is an answer),
    # confidence = known answers / applicable = 2/4.
    bank = make_bank({"d": 1}, [{"id": q, "domain": "d"} for q in ("a", "b", "c", "e")])
    result = evaluate(bank, org(), make_answers(("a", "yes"), ("b", "unknown"), ("e", "no")))
    assert result.score == pytest.approx(25.0)
    assert result.question("b").credit == 0.0
    assert result.question("c").credit == 0.0
    assert result.question("b").points_lost == pytest.approx(25.0)
    assert result.question("c").points_lost == pytest.approx(25.0)
    assert (result.applicable, result.answered, result.unknown, result.unanswered) == (4, 3, 1, 1)
    assert result.confidence == pytest.approx(0.5)
    assert_attributed(result)


def test_reason_strings_for_single_questions() -> None:
    bank = make_bank(
        {"d": 1},
        [{"id": q, "domain": "d", "allow_na": True} for q in ("a", "b", "c", "e", "f", "g")],
    )
    result = evaluate(
        bank,
        org(),
        make_answers(("b", "unknown"), ("c", "yes"), ("e", "partly"), ("f", "no"), ("g", "na")),
    )
    assert result.question("a").reason == "Not answered yet"
    assert result.question("b").reason == 'Answered "Don\'t know": scores 0 until someone checks'
    assert "Don't know" in result.question("b").reason
    assert result.question("c").reason == "Answered Yes"
    assert result.question("e").reason == "Answered Partly (50% credit)"
    assert result.question("f").reason == "Answered No (0% credit)"
    assert result.question("g").reason == "Marked not applicable"


def test_confidence_excludes_na_and_counts_unanswered_against() -> None:
    # a yes, b na, c unknown, e unanswered: applicable slots a, c, e; known: a. Confidence 1/3.
    bank = make_bank(
        {"d": 1}, [{"id": q, "domain": "d", "allow_na": True} for q in ("a", "b", "c", "e")]
    )
    result = evaluate(bank, org(), make_answers(("a", "yes"), ("b", "na"), ("c", "unknown")))
    assert result.applicable == 3
    assert result.confidence == pytest.approx(1 / 3)


def test_confidence_extremes() -> None:
    bank = make_bank({"d": 1}, [{"id": "a", "domain": "d"}, {"id": "b", "domain": "d"}])
    # Everything answered with something known (even "no"): full confidence.
    assert evaluate(bank, org(), make_answers(("a", "no"), ("b", "partly"))).confidence == 1.0
    # Nothing answered: no confidence, and a score of 0 with all 100 points attributed.
    empty = evaluate(bank, org(), {})
    assert empty.confidence == 0.0
    assert empty.score == 0.0
    assert (empty.applicable, empty.answered, empty.unanswered) == (2, 0, 2)
    assert_attributed(empty)


def test_confidence_counts_each_system_slot() -> None:
    # Per-system question over shop, gmail, mailchimp (meta is an ad account: not asked)
    # answered yes / unknown / unanswered, plus a yes_no answered yes.
    # Slots: 3 + 1 = 4; known: shop, y -> confidence 2/4.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "ps", "domain": "d", "kind": "per_system", "system_kinds": PER_SYSTEM_KINDS},
            {"id": "y", "domain": "d"},
        ],
    )
    result = evaluate(
        bank, org(), make_answers(("ps", "shop", "yes"), ("ps", "gmail", "unknown"), ("y", "yes"))
    )
    assert (result.applicable, result.answered, result.unknown, result.unanswered) == (4, 3, 1, 1)
    assert result.confidence == pytest.approx(0.5)


# --- per-system questions --------------------------------------------------------------------


def per_system_bank(allow_na: bool = False, critical: bool = False) -> Bank:
    return make_bank(
        {"d": 1},
        [
            {
                "id": "mfa",
                "domain": "d",
                "kind": "per_system",
                "system_kinds": PER_SYSTEM_KINDS,
                "allow_na": allow_na,
                "critical": critical,
            }
        ],
    )


def test_per_system_scores_share_of_systems_covered() -> None:
    # Listed kinds: storefront, email_suite, email_marketing -> shop, gmail, mailchimp
    # (meta, an ad account, is not asked). 2 of 3 covered: credit 2/3, score 66.67.
    result = evaluate(
        per_system_bank(),
        org(),
        make_answers(("mfa", "shop", "yes"), ("mfa", "gmail", "yes"), ("mfa", "mailchimp", "no")),
    )
    mfa = result.question("mfa")
    assert mfa.credit == pytest.approx(2 / 3)
    assert result.score == pytest.approx(200 / 3)
    assert mfa.reason == "2 of 3 systems covered (Mailchimp: No)"
    # Slots follow the inventory order, one per system of a listed kind.
    assert [(s.system_key, s.system_name) for s in mfa.slots] == [
        ("shop", "Shopify"),
        ("gmail", "Google Workspace"),
        ("mailchimp", "Mailchimp"),
    ]
    assert result.applicable == 3
    assert_attributed(result)


def test_per_system_partial_credit_unanswered_and_unknown() -> None:
    # shop yes (1), gmail partly (0.5), mailchimp unanswered (0): mean 1.5/3 = 0.5 -> score 50.
    result = evaluate(
        per_system_bank(), org(), make_answers(("mfa", "shop", "yes"), ("mfa", "gmail", "partly"))
    )
    assert result.score == pytest.approx(50.0)
    assert result.question("mfa").reason == (
        "1 of 3 systems covered (Google Workspace: Partly; Mailchimp: not answered)"
    )
    assert result.unanswered == 1
    # Unknown on mailchimp instead: still 0 credit, but named as "Don't know".
    result = evaluate(
        per_system_bank(),
        org(),
        make_answers(
            ("mfa", "shop", "yes"), ("mfa", "gmail", "partly"), ("mfa", "mailchimp", "unknown")
        ),
    )
    assert result.score == pytest.approx(50.0)
    assert result.question("mfa").reason == (
        "1 of 3 systems covered (Google Workspace: Partly; Mailchimp: Don't know)"
    )
    assert (result.unknown, result.unanswered) == (1, 0)


def test_per_system_na_system_is_excluded() -> None:
    # gmail marked na: shop yes, mailchimp no -> 1 of 2 covered: credit 0.5, score 50.
    result = evaluate(
        per_system_bank(allow_na=True),
        org(),
        make_answers(("mfa", "shop", "yes"), ("mfa", "gmail", "na"), ("mfa", "mailchimp", "no")),
    )
    assert result.question("mfa").credit == pytest.approx(0.5)
    assert result.score == pytest.approx(50.0)
    assert result.question("mfa").reason == "1 of 2 systems covered (Mailchimp: No)"
    assert result.applicable == 2


def test_per_system_all_covered_reason() -> None:
    answers = make_answers(*(("mfa", s.key, "yes") for s in (SHOP, MAIL, LIST)))
    result = evaluate(per_system_bank(), org(), answers)
    assert result.score == pytest.approx(100.0)
    assert result.question("mfa").reason == "3 of 3 systems covered"


def test_per_system_ignores_answers_for_other_systems() -> None:
    # An answer for meta (an ad account, not a listed kind) or for a system no longer in the
    # inventory does not count; only shop, gmail and mailchimp do: 1 of 3 -> 33.33.
    answers = make_answers(
        ("mfa", "shop", "yes"),
        ("mfa", "meta", "yes"),
        ("mfa", "old-shop", "yes"),
        ("mfa", "", "yes"),
    )
    result = evaluate(per_system_bank(), org(), answers)
    assert result.score == pytest.approx(100 / 3)
    assert result.unanswered == 2


def test_per_system_question_without_matching_systems_is_not_asked() -> None:
    # Only an ad account: the per-system question has no slot, and the other domain carries
    # the whole score: d2's y is yes -> 100.
    bank = make_bank(
        {"d": 1, "d2": 1},
        [
            {"id": "mfa", "domain": "d", "kind": "per_system", "system_kinds": PER_SYSTEM_KINDS},
            {"id": "y", "domain": "d2"},
        ],
    )
    result = evaluate(bank, org(systems=(ADS,)), make_answers(("y", "yes")))
    assert [q.question_id for q in result.questions] == ["y"]
    assert result.score == pytest.approx(100.0)
    assert domain_score(result, "d") is None


def test_per_system_weighted_with_other_questions() -> None:
    # Domain d: ps (w2) covering 2 of 3 systems, y (w1) yes. ps is worth 100*2/3 = 66.67 and
    # loses 1/3 of that = 22.22; score = 100 - 22.22 = 77.78.
    bank = make_bank(
        {"d": 1},
        [
            {
                "id": "ps",
                "domain": "d",
                "kind": "per_system",
                "system_kinds": PER_SYSTEM_KINDS,
                "weight": 2,
            },
            {"id": "y", "domain": "d"},
        ],
    )
    answers = make_answers(
        ("ps", "shop", "yes"), ("ps", "gmail", "no"), ("ps", "mailchimp", "yes"), ("y", "yes")
    )
    result = evaluate(bank, org(), answers)
    assert result.question("ps").max_points == pytest.approx(200 / 3)
    assert result.question("ps").points_lost == pytest.approx(200 / 9)
    assert result.score == pytest.approx(100 - 200 / 9)
    assert_attributed(result)


# --- number and choice questions -------------------------------------------------------------

DAYS = {
    "unit": "days",
    "better": "lower",
    "minimum": 0.0,
    "maximum": 365.0,
    # Deliberately out of order: the best threshold met wins, whatever the listing order.
    "thresholds": [
        {"value": 7.0, "credit": 0.3},
        {"value": 1.0, "credit": 1.0},
        {"value": 3.0, "credit": 0.6},
    ],
}
PERCENT = {
    "unit": "%",
    "better": "higher",
    "maximum": 100.0,
    "thresholds": [{"value": 95.0, "credit": 1.0}, {"value": 80.0, "credit": 0.5}],
}


@pytest.mark.parametrize(
    ("value", "credit"),
    [
        ("0", 1.0),
        ("1", 1.0),  # on the threshold: met
        ("1.5", 0.6),  # just past it: next threshold
        ("3", 0.6),
        ("3.5", 0.3),
        ("7", 0.3),
        ("7.5", 0.0),  # past every threshold
        ("365", 0.0),
        ("unknown", 0.0),
    ],
)
def test_number_lower_is_better_thresholds(value: str, credit: float) -> None:
    bank = make_bank({"d": 1}, [{"id": "n", "domain": "d", "kind": "number", "number": DAYS}])
    result = evaluate(bank, org(), make_answers(("n", value)))
    assert result.question("n").credit == pytest.approx(credit)
    assert result.score == pytest.approx(100 * credit)


@pytest.mark.parametrize(
    ("value", "credit"),
    [("100", 1.0), ("95", 1.0), ("94.9", 0.5), ("80", 0.5), ("79.9", 0.0), ("0", 0.0)],
)
def test_number_higher_is_better_thresholds(value: str, credit: float) -> None:
    bank = make_bank({"d": 1}, [{"id": "n", "domain": "d", "kind": "number", "number": PERCENT}])
    assert score_of(bank, ("n", value)) == pytest.approx(100 * credit)


def test_number_reason_names_value_and_unit() -> None:
    bank = make_bank({"d": 1}, [{"id": "n", "domain": "d", "kind": "number", "number": DAYS}])
    result = evaluate(bank, org(), make_answers(("n", "3")))
    assert result.question("n").reason == "Answered 3 days (60% credit)"


BACKUP_OPTIONS = [
    {"id": "none", "label": "No backups", "credit": 0.0},
    {"id": "manual", "label": "By hand now and then", "credit": 0.3},
    {"id": "automatic", "label": "Automatic", "credit": 0.7},
    {"id": "offline", "label": "Automatic with an offline copy", "credit": 1.0},
]


@pytest.mark.parametrize(
    ("option", "credit"), [("none", 0.0), ("manual", 0.3), ("automatic", 0.7), ("offline", 1.0)]
)
def test_choice_scores_option_credit(option: str, credit: float) -> None:
    # A choice question worth 40 of 100 (d1 weight 2 of 5) next to a full-marks domain:
    # score = 60 + 40 x credit.
    bank = make_bank(
        {"d1": 2, "d2": 3},
        [
            {"id": "c", "domain": "d1", "kind": "choice", "options": BACKUP_OPTIONS},
            {"id": "y", "domain": "d2"},
        ],
    )
    result = evaluate(bank, org(), make_answers(("c", option), ("y", "yes")))
    assert result.question("c").credit == pytest.approx(credit)
    assert result.score == pytest.approx(60 + 40 * credit)
    assert_attributed(result)


def test_choice_reason_uses_option_label() -> None:
    bank = make_bank(
        {"d": 1}, [{"id": "c", "domain": "d", "kind": "choice", "options": BACKUP_OPTIONS}]
    )
    assert (
        evaluate(bank, org(), make_answers(("c", "manual"))).question("c").reason
        == "Answered By hand now and then (30% credit)"
    )
    assert (
        evaluate(bank, org(), make_answers(("c", "offline"))).question("c").reason
        == "Answered Automatic with an offline copy"
    )
    unknown = evaluate(bank, org(), make_answers(("c", "unknown")))
    assert unknown.question("c").credit == 0.0
    assert unknown.unknown == 1


# --- unscored questions ----------------------------------------------------------------------


def test_text_and_zero_weight_questions_are_not_scored() -> None:
    # t (text) and g (weight 0) are asked but never scored or counted; a yes -> 100.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "t", "domain": "d", "kind": "text"},
            {"id": "g", "domain": "d", "weight": 0},
            {"id": "a", "domain": "d"},
        ],
    )
    result = evaluate(bank, org(), make_answers(("t", "Alice"), ("g", "no"), ("a", "yes")))
    assert [q.question_id for q in result.questions] == ["a"]
    assert result.score == pytest.approx(100.0)
    assert result.applicable == 1
    assert result.confidence == 1.0


def test_bank_of_only_text_questions_scores_zero() -> None:
    bank = make_bank({"d": 1}, [{"id": "t", "domain": "d", "kind": "text"}])
    result = evaluate(bank, org(), make_answers(("t", "Alice")))
    assert result.score == 0.0
    assert result.questions == ()
    assert result.band.id == "poor"


# --- attribution -----------------------------------------------------------------------------


def test_every_lost_point_is_attributed_in_a_mixed_bank() -> None:
    bank = make_bank(
        {"d1": 3, "d2": 7, "d3": 2},
        [
            {"id": "a", "domain": "d1", "weight": 7},
            {"id": "ps", "domain": "d1", "kind": "per_system", "system_kinds": PER_SYSTEM_KINDS},
            {"id": "n", "domain": "d2", "kind": "number", "number": DAYS, "weight": 3},
            {"id": "c", "domain": "d2", "kind": "choice", "options": BACKUP_OPTIONS},
            {"id": "b", "domain": "d2", "allow_na": True, "weight": 9},
            {"id": "e", "domain": "d3", "critical": True},
        ],
    )
    answers = make_answers(
        ("a", "partly"),
        ("ps", "shop", "yes"),
        ("ps", "gmail", "unknown"),
        ("n", "5"),
        ("c", "automatic"),
        ("b", "na"),
        ("e", "no"),
    )
    result = evaluate(bank, org(), answers)
    assert_attributed(result)
    for q in result.questions:
        credit = q.credit if q.credit is not None else 1.0
        assert q.points_lost == pytest.approx(q.max_points * (1 - credit))
    # Shares (area weight split by question weight, fixed by the bank): d1 (weights 7+1):
    # a 3*7/8 = 2.625, ps 3/8 = 0.375; d2 (3+1+9): n 21/13, c 7/13, b 63/13 (na, left out);
    # d3: e 2. The shares that apply total 3 + 28/13 + 2 = 93/13.
    # Lost shares: a 2.625*0.5; ps 0.375*2/3 (1 of 3 systems covered: gmail unknown);
    # n 5 days = 0.3 credit: 21/13*0.7; c automatic 0.7: 7/13*0.3; e no: 2.
    lost = 2.625 * 0.5 + 0.375 * 2 / 3 + 21 / 13 * 0.7 + 7 / 13 * 0.3 + 2
    assert result.score == pytest.approx(100 - 100 * lost / (93 / 13))


# --- bands and the critical cap --------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band_id"),
    [
        (100.0, "strong"),
        (80.0, "strong"),
        (79.99, "fair"),
        (60.0, "fair"),
        (59.99, "weak"),
        (40.0, "weak"),
        (39.99, "poor"),
        (0.0, "poor"),
    ],
)
def test_band_boundaries(score: float, band_id: str) -> None:
    assert band_for(score).id == band_id


def test_band_names() -> None:
    names = {band.id: band.name for band in BANDS}
    assert names["strong"] == "Well prepared"
    assert names["weak"] == "Partly prepared"
    assert [band.minimum for band in BANDS] == [80.0, 60.0, 40.0, 0.0]


@pytest.mark.parametrize(
    ("option_credit", "band_id"),
    [(0.9, "strong"), (0.7, "fair"), (0.5, "weak"), (0.2, "poor")],
)
def test_band_from_evaluated_score(option_credit: float, band_id: str) -> None:
    options = [{"id": "o", "label": "The option", "credit": option_credit}]
    bank = make_bank({"d": 1}, [{"id": "c", "domain": "d", "kind": "choice", "options": options}])
    result = evaluate(bank, org(), make_answers(("c", "o")))
    assert result.band.id == band_id
    assert result.uncapped_band == result.band
    assert result.capped_by is None


def critical_bank() -> Bank:
    # c critical (w1) and q (w9) in one domain: c is worth 10 points.
    return make_bank(
        {"d": 1},
        [
            {"id": "c", "domain": "d", "critical": True, "allow_na": True},
            {"id": "q", "domain": "d", "weight": 9},
        ],
    )


@pytest.mark.parametrize(
    ("critical_answer", "score"),
    [("no", 90.0), ("partly", 95.0), ("unknown", 90.0), (None, 90.0)],
)
def test_failed_critical_caps_the_band(critical_answer: str | None, score: float) -> None:
    # q yes; c loses 10 (no, unknown, unanswered) or 5 (partly): the average is "strong",
    # but a critical control with credit < 1 caps the band at "weak" ("Partly prepared").
    items: list[tuple[str, str]] = [("q", "yes")]
    if critical_answer is not None:
        items.append(("c", critical_answer))
    result = evaluate(critical_bank(), org(), make_answers(*items))
    assert result.score == pytest.approx(score)
    assert result.uncapped_band.id == "strong"
    assert result.band.id == "weak"
    assert result.band.name == "Partly prepared"
    assert result.capped_by == "c"
    assert result.critical_failures == ("c",)


def test_passed_or_not_applicable_critical_does_not_cap() -> None:
    for value in ("yes", "na"):
        result = evaluate(critical_bank(), org(), make_answers(("c", value), ("q", "yes")))
        assert result.score == pytest.approx(100.0)
        assert result.band.id == "strong"
        assert result.capped_by is None
        assert result.critical_failures == ()


def test_capped_by_names_the_critical_failure_losing_most_points() -> None:
    # c1 critical (w1) no: loses 10. c2 critical (w4) partly: loses 40*0.5 = 20. q (w5) yes.
    # Score 70 -> fair, capped to weak by c2 (more points lost); both are listed.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "c1", "domain": "d", "critical": True},
            {"id": "c2", "domain": "d", "critical": True, "weight": 4},
            {"id": "q", "domain": "d", "weight": 5},
        ],
    )
    result = evaluate(bank, org(), make_answers(("c1", "no"), ("c2", "partly"), ("q", "yes")))
    assert result.score == pytest.approx(70.0)
    assert result.uncapped_band.id == "fair"
    assert result.band.id == "weak"
    assert result.capped_by == "c2"
    assert result.critical_failures == ("c1", "c2")


def test_no_cap_when_the_average_is_already_weak_or_worse() -> None:
    bank = make_bank(
        {"d": 1}, [{"id": "c", "domain": "d", "critical": True}, {"id": "q", "domain": "d"}]
    )
    # c no, q yes: 50 -> weak already; nothing to cap, but the failure is still listed.
    weak = evaluate(bank, org(), make_answers(("c", "no"), ("q", "yes")))
    assert weak.score == pytest.approx(50.0)
    assert (weak.band.id, weak.uncapped_band.id, weak.capped_by) == ("weak", "weak", None)
    assert weak.critical_failures == ("c",)
    # c no, q no: 0 -> poor stays poor (the cap never raises a band).
    poor = evaluate(bank, org(), make_answers(("c", "no"), ("q", "no")))
    assert (poor.band.id, poor.capped_by, poor.critical_failures) == ("poor", None, ("c",))


def test_critical_per_system_question_fails_unless_every_system_is_covered() -> None:
    # 2 of 3 systems covered on a critical per-system question: 66.67 (fair) capped to weak.
    result = evaluate(
        per_system_bank(critical=True),
        org(),
        make_answers(("mfa", "shop", "yes"), ("mfa", "gmail", "yes"), ("mfa", "mailchimp", "no")),
    )
    assert result.uncapped_band.id == "fair"
    assert result.band.id == "weak"
    assert result.capped_by == "mfa"


def test_band_at_exact_boundary_is_not_lost_to_rounding() -> None:
    # One domain (weight 4), weights 3+3+8+1 = 15. Lost: a partly 3*0.5, c partly 8*0.5,
    # e partly 1*0.5 = 6 of 15 -> 40 points lost -> score exactly 60 -> band "fair".
    bank = make_bank(
        {"d": 4},
        [
            {"id": "a", "domain": "d", "weight": 3},
            {"id": "b", "domain": "d", "weight": 3},
            {"id": "c", "domain": "d", "weight": 8},
            {"id": "e", "domain": "d", "weight": 1},
        ],
    )
    result = evaluate(
        bank, org(), make_answers(("a", "partly"), ("b", "yes"), ("c", "partly"), ("e", "partly"))
    )
    assert result.score == pytest.approx(60.0)  # passes: 59.99999999999999
    assert result.band.id == "fair"  # fails: "weak"


# --- nothing to score ------------------------------------------------------------------------


def test_all_not_applicable_scores_zero() -> None:
    bank = make_bank(
        {"d1": 1, "d2": 2},
        [
            {"id": "a", "domain": "d1", "allow_na": True},
            {"id": "b", "domain": "d2", "allow_na": True},
        ],
    )
    result = evaluate(bank, org(), make_answers(("a", "na"), ("b", "na")))
    assert result.score == 0.0
    assert result.band.id == "poor"
    assert (result.applicable, result.answered, result.unknown, result.unanswered) == (0, 0, 0, 0)
    assert result.confidence == 0.0
    assert all(d.score is None for d in result.domains)
    assert all(q.max_points == 0.0 and q.points_lost == 0.0 for q in result.questions)


def test_nothing_applicable_scores_zero() -> None:
    # Only per-system questions and no system of those kinds: nothing is asked at all.
    result = evaluate(per_system_bank(), org(systems=(ADS,)), {})
    assert result.score == 0.0
    assert result.questions == ()
    assert result.applicable == 0
    assert result.confidence == 0.0
    assert result.band.id == "poor"


# --- skip logic: profile ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_staff", "staff", "asked"),
    [(True, 1, False), (True, 2, True), (False, 1, True), (False, 2, False)],
)
def test_has_staff_means_more_than_one_person(has_staff: bool, staff: int, asked: bool) -> None:
    # h (applies_if has_staff) answered no next to a yes: 50 when asked, 100 when skipped.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "h", "domain": "d", "applies_if": {"has_staff": has_staff}},
            {"id": "a", "domain": "d"},
        ],
    )
    result = evaluate(bank, org(staff=staff), make_answers(("h", "no"), ("a", "yes")))
    assert ("h" in [q.question_id for q in result.questions]) is asked
    assert result.score == pytest.approx(50.0 if asked else 100.0)
    assert result.applicable == (2 if asked else 1)


def test_system_kinds_condition() -> None:
    # k is asked only when the business has a chat system: with one, k no -> 50.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "k", "domain": "d", "applies_if": {"system_kinds": ["chat"]}},
            {"id": "a", "domain": "d"},
        ],
    )
    answers = make_answers(("k", "no"), ("a", "yes"))
    assert evaluate(bank, org(), answers).score == pytest.approx(100.0)
    chat = System(key="wa", kind="chat", name="WhatsApp Business")
    assert evaluate(bank, org(systems=(SHOP, chat)), answers).score == pytest.approx(50.0)


def test_sectors_condition() -> None:
    bank = make_bank(
        {"d": 1},
        [
            {"id": "s", "domain": "d", "applies_if": {"sectors": ["health", "education"]}},
            {"id": "a", "domain": "d"},
        ],
    )
    answers = make_answers(("s", "no"), ("a", "yes"))
    assert evaluate(bank, org(sector="ecommerce"), answers).score == pytest.approx(100.0)
    assert evaluate(bank, org(sector="health"), answers).score == pytest.approx(50.0)


def test_every_profile_condition_must_hold() -> None:
    bank = make_bank(
        {"d": 1},
        [
            {
                "id": "x",
                "domain": "d",
                "applies_if": {
                    "has_staff": True,
                    "system_kinds": ["storefront"],
                    "sectors": ["retail"],
                },
            },
            {"id": "a", "domain": "d"},
        ],
    )
    answers = make_answers(("x", "no"), ("a", "yes"))

    def asked(profile: Profile) -> bool:
        return "x" in [q.question_id for q in evaluate(bank, profile, answers).questions]

    assert asked(org(staff=3, sector="retail", systems=(SHOP,)))
    assert not asked(org(staff=1, sector="retail", systems=(SHOP,)))
    assert not asked(org(staff=3, sector="food", systems=(SHOP,)))
    assert not asked(org(staff=3, sector="retail", systems=(MAIL,)))


# --- skip logic: gate answers ----------------------------------------------------------------


def gated_bank() -> Bank:
    # uses-ai (unscored gate, weight 0) opens ai-terms (d2) when answered yes or partly.
    return make_bank(
        {"d1": 1, "d2": 1},
        [
            {"id": "x", "domain": "d1"},
            {"id": "uses-ai", "domain": "d1", "weight": 0},
            {
                "id": "ai-terms",
                "domain": "d2",
                "applies_if": {"answer": {"question": "uses-ai", "any_of": ["yes", "partly"]}},
            },
        ],
    )


@pytest.mark.parametrize("gate", [None, "no", "unknown"])
def test_dependant_hidden_until_gate_answered_with_listed_value(gate: str | None) -> None:
    # Hidden: ai-terms' stored "no" is ignored and d2 drops out: x yes -> 100.
    items: list[tuple[str, str]] = [("x", "yes"), ("ai-terms", "no")]
    if gate is not None:
        items.append(("uses-ai", gate))
    result = evaluate(gated_bank(), org(), make_answers(*items))
    assert [q.question_id for q in result.questions] == ["x"]
    assert result.score == pytest.approx(100.0)
    assert result.unanswered == 0
    assert result.applicable == 1


@pytest.mark.parametrize("gate", ["yes", "partly"])
def test_dependant_shown_when_gate_opens_it(gate: str) -> None:
    # Open and unanswered: d1 (x yes) 100%, d2 (ai-terms) 0% -> (1*100 + 1*0)/2 = 50.
    result = evaluate(gated_bank(), org(), make_answers(("x", "yes"), ("uses-ai", gate)))
    assert result.question("ai-terms").reason == "Not answered yet"
    assert result.score == pytest.approx(50.0)
    assert (result.applicable, result.unanswered) == (2, 1)
    # Once answered, it scores like any other question: partly -> (100 + 50)/2 = 75.
    result = evaluate(
        gated_bank(),
        org(),
        make_answers(("x", "yes"), ("uses-ai", gate), ("ai-terms", "partly")),
    )
    assert result.score == pytest.approx(75.0)


def test_dependant_of_a_skipped_gate_is_hidden() -> None:
    # The gate is itself hidden for a sole trader, so its stored "yes" does not open anything.
    bank = make_bank(
        {"d1": 1, "d2": 1},
        [
            {"id": "x", "domain": "d1"},
            {"id": "gate", "domain": "d1", "applies_if": {"has_staff": True}},
            {
                "id": "dep",
                "domain": "d2",
                "applies_if": {"answer": {"question": "gate", "any_of": ["yes"]}},
            },
        ],
    )
    answers = make_answers(("x", "yes"), ("gate", "yes"), ("dep", "no"))
    assert [q.question_id for q in evaluate(bank, org(staff=1), answers).questions] == ["x"]
    # With staff, gate yes opens dep: x yes, gate yes (d1 100%), dep no (d2 0%) -> 50.
    assert evaluate(bank, org(staff=4), answers).score == pytest.approx(50.0)


def test_choice_gate() -> None:
    # restore-tested is asked only when some backup is made.
    bank = make_bank(
        {"d": 1},
        [
            {"id": "method", "domain": "d", "kind": "choice", "options": BACKUP_OPTIONS},
            {
                "id": "restore-tested",
                "domain": "d",
                "applies_if": {
                    "answer": {"question": "method", "any_of": ["manual", "automatic", "offline"]}
                },
            },
        ],
    )
    none = evaluate(bank, org(), make_answers(("method", "none"), ("restore-tested", "yes")))
    assert [q.question_id for q in none.questions] == ["method"]
    assert none.score == 0.0
    # automatic (0.7) and restore-tested yes (1), equal weights: (0.7 + 1)/2 = 85.
    automatic = evaluate(
        bank, org(), make_answers(("method", "automatic"), ("restore-tested", "yes"))
    )
    assert automatic.score == pytest.approx(85.0)


# --- purity ----------------------------------------------------------------------------------


def test_same_inputs_same_result() -> None:
    bank = per_system_bank(critical=True)
    answers = make_answers(("mfa", "shop", "yes"), ("mfa", "gmail", "unknown"))
    first = evaluate(bank, org(), answers)
    assert evaluate(bank, org(), dict(reversed(list(answers.items())))) == first
    assert evaluate(bank, org(), answers) == first
