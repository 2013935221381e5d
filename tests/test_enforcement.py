"""The failure types behind PDPC's decisions are caught by the bank (issue 20, point 1).

tests/fixtures/enforcement.toml lists the failure types that recur in PDPC's published
enforcement decisions, each with the decisions it rests on and the question ids that catch it.
A type that maps to no question, to an id the bank does not have, or to a question with no
action (so a gap would have no fix in the plan) fails here; so does a bank reference that names
a decision of the fixture with another citation or year than the fixture records.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from pdpa_check.questionnaires.model import Bank

ENFORCEMENT = Path(__file__).parent / "fixtures" / "enforcement.toml"
STATUSES = {"ok", "insufficient-evidence"}
DECISION_FIELDS = ("name", "year", "failed", "outcome")
MIN_TYPES = 5
MIN_DECISIONS = 2
DECISION_REFERENCE = re.compile(
    r"^PDPC decision: (?P<name>.+?) (?:(?P<cite>\[\d{4}\] SGPDPCS? \d+)|\((?P<paren>[^()]*)\))"
)


def fixture() -> dict[str, Any]:
    return tomllib.loads(ENFORCEMENT.read_text(encoding="utf-8"))


def types() -> list[dict[str, Any]]:
    found = fixture()["types"]
    assert isinstance(found, list)
    return found


def type_problems(bank: Bank, entry: dict[str, Any]) -> list[str]:
    """What is wrong with one failure type, one line each (empty: nothing)."""
    where = entry.get("id", "?")
    problems: list[str] = []
    if entry.get("status") not in STATUSES:
        problems.append(f"{where}: status must be one of {sorted(STATUSES)}")
    if not str(entry.get("failure", "")).strip():
        problems.append(f"{where}: no description of the failure")
    decisions = entry.get("decisions", [])
    if entry.get("status") == "ok" and len(decisions) < MIN_DECISIONS:
        problems.append(f"{where}: {len(decisions)} decision(s) cited, at least {MIN_DECISIONS}")
    for decision in decisions:
        for name in DECISION_FIELDS:
            value = decision.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.append(f"{where}: decision {decision.get('name', '?')} has no {name}")
        if not isinstance(decision.get("year"), int):
            problems.append(f"{where}: decision {decision.get('name', '?')}: year is not a number")
    questions = entry.get("questions", [])
    if not questions:
        problems.append(f"{where}: maps to no question")
    for question_id in questions:
        question = bank.questions_by_id.get(question_id)
        if question is None:
            problems.append(f"{where}: unknown question {question_id}")
        elif not question.scored:
            problems.append(f"{where}: {question_id} is not scored")
        elif not question.actions:
            problems.append(f"{where}: {question_id} has no action")
    return problems


def known_decisions() -> dict[str, tuple[str | None, set[int]]]:
    """Each decision the fixture cites: its neutral citation (if seen) and its years."""
    known: dict[str, tuple[str | None, set[int]]] = {}
    for entry in types():
        for decision in entry.get("decisions", []):
            years = {decision["year"]}
            if "published" in decision:
                years.add(int(str(decision["published"])[:4]))
            citation, seen = known.get(decision["name"], (None, set()))
            known[decision["name"]] = (decision.get("citation", citation), seen | years)
    return known


def reference_problems(bank: Bank) -> list[str]:
    """Bank references to a fixture decision with another citation or year than it records.

    A year in brackets matches the decision's year or the year PDPC published it; which
    decisions must be cited by neutral citation is tests/test_legal_sources.py's rule.
    """
    known = known_decisions()
    references = [(f"question {q.id}", r) for q in bank.questions for r in q.references]
    references += [(f"action {a.id}", r) for a in bank.actions for r in a.references]
    problems = []
    for where, reference in references:
        match = DECISION_REFERENCE.search(reference)
        if match is None or match["name"] not in known:
            continue
        citation, years = known[match["name"]]
        if match["cite"] is not None and match["cite"] != citation:
            problems.append(f"{where}: {match['name']} is {citation}, not {match['cite']}")
        if match["paren"] is not None:
            cited_years = {int(year) for year in re.findall(r"\b(\d{4})\b", match["paren"])}
            if not cited_years & years:
                problems.append(f"{where}: {match['name']} is from {sorted(years)}")
    return problems


# --- the fixture itself ------------------------------------------------------------------------


def test_the_fixture_lists_enough_failure_types() -> None:
    listed = types()
    ids = [entry["id"] for entry in listed]
    assert len(ids) == len(set(ids)), ids
    assert sum(entry["status"] == "ok" for entry in listed) >= MIN_TYPES


@pytest.mark.parametrize("entry", types(), ids=lambda entry: str(entry["id"]))
def test_each_failure_type_is_caught_by_questions_with_actions(
    bank: Bank, entry: dict[str, Any]
) -> None:
    assert type_problems(bank, entry) == []


def test_bank_references_to_fixture_decisions_agree_with_it(bank: Bank) -> None:
    assert reference_problems(bank) == []


# --- the checks can fail -----------------------------------------------------------------------


def _decision(name: str = "Example Shop", year: int = 2023) -> dict[str, Any]:
    return {"name": name, "year": year, "failed": "It left a file open.", "outcome": "Warning"}


def test_a_type_with_no_question_an_unknown_one_or_one_without_action_fails(bank: Bank) -> None:
    base = {"id": "t", "status": "ok", "failure": "x", "decisions": [_decision(), _decision()]}
    assert type_problems(bank, {**base, "questions": []}) == ["t: maps to no question"]
    assert type_problems(bank, {**base, "questions": ["no-such-question"]}) == [
        "t: unknown question no-such-question"
    ]
    data = bank.model_dump()
    for question in data["questions"]:
        if question["id"] == "acc-mfa":
            question["actions"] = []
    without_action = Bank.model_validate(data)
    assert type_problems(without_action, {**base, "questions": ["acc-mfa"]}) == [
        "t: acc-mfa has no action"
    ]
    assert type_problems(bank, {**base, "questions": ["inc-lead-names"]}) == [
        "t: inc-lead-names is not scored"
    ]


def test_a_type_with_one_decision_or_a_decision_missing_its_outcome_fails(bank: Bank) -> None:
    one = {"id": "t", "status": "ok", "failure": "x", "questions": ["acc-mfa"]}
    assert type_problems(bank, {**one, "decisions": [_decision()]}) == [
        "t: 1 decision(s) cited, at least 2"
    ]
    bare = {k: v for k, v in _decision().items() if k != "outcome"}
    assert type_problems(bank, {**one, "decisions": [_decision(), bare]}) == [
        "t: decision Example Shop has no outcome"
    ]
    thin = {**one, "status": "insufficient-evidence", "decisions": []}
    assert type_problems(bank, thin) == []


def test_a_reference_with_the_wrong_citation_or_year_fails(bank: Bank) -> None:
    question = bank.question("acc-mfa")
    wrong = [
        "PDPC decision: RedMart [2021] SGPDPC 8",
        "PDPC decision: RedMart (2021)",
        "PDPC decision: Honestbee (2017)",
        "PDPC decision: Honestbee (2019)",
    ]
    changed = bank.model_copy(
        update={"questions": [question.model_copy(update={"references": wrong})]}
    )
    assert reference_problems(changed) == [
        "question acc-mfa: RedMart is [2022] SGPDPC 8, not [2021] SGPDPC 8",
        "question acc-mfa: RedMart is from [2022]",
        "question acc-mfa: Honestbee is from [2019]",
    ]
