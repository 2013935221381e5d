"""The ranking rule's check (questionnaires/weights.py): shares, gates and best credits."""

from __future__ import annotations

from typing import Any

from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.weights import gated_by, ranking_warnings


def bank_of(questions: list[dict[str, Any]], domains: dict[str, int] | None = None) -> Bank:
    base = {"text": "Q?", "why": "W.", "kind": "yes_no"}
    return Bank.model_validate(
        {
            "id": "t",
            "version": "1.0.0",
            "title": "T",
            "description": "D.",
            "domains": [
                {"id": d, "title": d, "weight": w, "description": "D."}
                for d, w in (domains or {"d": 5}).items()
            ],
            "questions": [{**base, **q} for q in questions],
        }
    )


def test_shares_split_each_area_by_question_weight() -> None:
    bank = bank_of(
        [
            {"id": "a", "domain": "d1", "weight": 3},
            {"id": "b", "domain": "d1", "weight": 1},
            {"id": "c", "domain": "d2", "weight": 7},
            {"id": "t", "domain": "d2", "kind": "text"},
        ],
        {"d1": 8, "d2": 2},
    )
    assert bank.shares == {"a": 6.0, "b": 2.0, "c": 2.0}


def test_a_critical_question_heavier_than_every_other_share_passes() -> None:
    bank = bank_of(
        [
            {"id": "c", "domain": "d1", "weight": 10, "critical": True},
            {"id": "x", "domain": "d1", "weight": 5},
            {"id": "y", "domain": "d2", "weight": 1},
        ],
        {"d1": 6, "d2": 4},
    )
    # Shares: c 4, x 2, y 4 (alone in its area): y ties c, and a tie keeps the rule.
    assert ranking_warnings(bank) == []


def test_a_gate_is_counted_with_the_questions_it_opens() -> None:
    # c 4, g 2, h 2 (asked if g is yes): closing g may show h already answered yes, so g counts
    # as 4 ... with one more point in h's place it outranks c.
    questions = [
        {"id": "c", "domain": "d1", "weight": 1, "critical": True},
        {"id": "g", "domain": "d2", "weight": 1},
        {"id": "h", "domain": "d2", "applies_if": {"answer": {"question": "g", "any_of": ["yes"]}}},
    ]
    assert gated_by(bank_of(questions, {"d1": 4, "d2": 4})) == {"c": set(), "g": {"h"}, "h": set()}
    assert ranking_warnings(bank_of(questions, {"d1": 4, "d2": 4})) == []
    warnings = ranking_warnings(bank_of(questions, {"d1": 4, "d2": 5}))
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "question c: critical, but closing g with the questions it opens (55.6) can raise"
    )


def test_a_gate_counts_everything_it_opens_down_the_chain() -> None:
    questions = [
        {"id": "g", "domain": "d", "weight": 1},
        {"id": "h", "domain": "d", "applies_if": {"answer": {"question": "g", "any_of": ["yes"]}}},
        {"id": "i", "domain": "d", "applies_if": {"answer": {"question": "h", "any_of": ["no"]}}},
        {"id": "n", "domain": "d", "kind": "text"},
    ]
    assert gated_by(bank_of(questions))["g"] == {"h", "i"}


def test_a_critical_question_whose_best_answer_earns_little_is_flagged() -> None:
    # A critical choice question whose best option earns 0.2 can gain only a fifth of its share.
    bank = bank_of(
        [
            {
                "id": "c",
                "domain": "d",
                "kind": "choice",
                "weight": 5,
                "critical": True,
                "options": [{"id": "o", "label": "O", "credit": 0.2}],
            },
            {"id": "x", "domain": "d", "weight": 2},
        ]
    )
    warnings = ranking_warnings(bank)
    assert len(warnings) == 1 and "closing x (" in warnings[0]


def test_a_critical_gate_must_outweigh_what_it_may_hide() -> None:
    # Closing c can show h unanswered (diluting the rest) or hide it, so c counts only as
    # share(c) - share(h), compared over the smallest total the two can share.
    questions = [
        {"id": "c", "domain": "d", "weight": 6, "critical": True},
        {
            "id": "h",
            "domain": "d",
            "weight": 3,
            "applies_if": {"answer": {"question": "c", "any_of": ["yes"]}},
        },
        {"id": "x", "domain": "d", "weight": 2},
    ]
    # Shares: c 30/11, h 15/11, x 10/11. c counts as 15/11, which x stays under but h does not.
    warnings = ranking_warnings(bank_of(questions))
    assert len(warnings) == 1
    assert "closing h (27.3) can raise" in warnings[0] and "closing x" not in warnings[0]
    questions[1]["weight"] = 1
    assert ranking_warnings(bank_of(questions)) == []
