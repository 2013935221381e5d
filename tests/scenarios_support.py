"""Hypothesis strategies for scoring scenarios: the built-in bank or random banks, with answers.

Shared by the scoring property tests and the comparison tests: a scenario is a
bank, a profile and answers for every slot a question could have.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.loader import builtin_bank
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.profile import SECTORS, Profile, System

Answers = dict[AnswerKey, Answer]
Scenario = tuple[Bank, Profile, Answers]

BUILTIN = builtin_bank()
SYSTEM_POOL = (
    System(key="gmail", kind="email_suite", name="Google Workspace"),
    System(key="shopify", kind="storefront", name="Shopify"),
    System(key="meta", kind="ads", name="Meta Business"),
    System(key="hubspot", kind="crm", name="HubSpot"),
    System(key="mailchimp", kind="email_marketing", name="Mailchimp"),
    System(key="shopee", kind="marketplace", name="Shopee"),
    System(key="wa", kind="chat", name="WhatsApp Business"),
)
KINDS = sorted({system.kind for system in SYSTEM_POOL})
CREDITS = [0.0, 0.25, 0.3, 0.5, 0.6, 0.7, 1.0]

profiles = st.builds(
    lambda staff, sector, systems: Profile(
        name="Test Shop", staff_count=staff, sector=sector, systems=tuple(systems)
    ),
    st.sampled_from([1, 2, 5, 30]),
    st.sampled_from(sorted(SECTORS)),
    st.lists(st.sampled_from(SYSTEM_POOL), unique_by=lambda s: s.key, max_size=5),
)


def number_values(question: Question) -> st.SearchStrategy[str]:
    assert question.number is not None
    scale = question.number
    edges = [
        x
        for t in scale.thresholds
        for x in (t.value - 0.5, t.value, t.value + 0.5)
        if scale.minimum <= x <= scale.maximum
    ]
    numbers = st.one_of(
        st.sampled_from(edges or [scale.minimum]),
        st.integers(int(scale.minimum), int(min(scale.maximum, 400))).map(float),
    )
    return numbers.map(lambda x: f"{x:g}")


def values_for(question: Question) -> st.SearchStrategy[str | None]:
    """An answer value for one slot, or None for unanswered."""
    choices: list[str | None] = [None, *question.accepted_values()]
    if question.kind == "number":
        return st.one_of(st.sampled_from(choices), number_values(question))
    return st.sampled_from(choices)


@st.composite
def answers_for(draw: st.DrawFn, bank: Bank, profile: Profile) -> Answers:
    """Answers for every slot a question could have; skip logic decides which count."""
    answers: Answers = {}
    values = _BUILTIN_VALUES if bank is BUILTIN else {}
    for question in bank.questions:
        if question.kind == "text":
            if draw(st.booleans()):
                answers[(question.id, "")] = Answer(question_id=question.id, value="Alice")
            continue
        if question.kind == "per_system":
            keys = [s.key for s in profile.systems_of(list(question.system_kinds))]
        else:
            keys = [""]
        for system_key in keys:
            strategy = values.get(question.id)
            value = draw(strategy if strategy is not None else values_for(question))
            if value is not None:
                answers[(question.id, system_key)] = Answer(
                    question_id=question.id, system_key=system_key, value=value
                )
    return answers


# The built-in bank's strategies, built once rather than for every slot of every example.
_BUILTIN_VALUES = {question.id: values_for(question) for question in BUILTIN.questions}


@st.composite
def builtin_scenarios(draw: st.DrawFn) -> Scenario:
    profile = draw(profiles)
    return BUILTIN, profile, draw(answers_for(BUILTIN, profile))


# random_banks' strategies of constant lists, built once (Hypothesis rebuilds such a strategy
# every time it is made, as a list cannot be a cache key); the same strategies, same examples.
_EFFORTS = st.sampled_from(["low", "medium", "high"])
_KINDS_OF_QUESTION = st.sampled_from(["yes_no", "yes_no", "choice", "per_system", "number", "text"])
_OPTION_CREDITS = st.lists(st.sampled_from(CREDITS), min_size=1, max_size=4)
_SYSTEM_KINDS = st.lists(st.sampled_from(KINDS), min_size=1, unique=True)
_THRESHOLD_VALUES = st.lists(st.integers(0, 30), min_size=1, max_size=3, unique=True)
_BETTER = st.sampled_from(["lower", "higher"])
_CREDIT = st.sampled_from(CREDITS)
_CONDITIONS = st.sampled_from(["none", "none", "staff", "answer"])


@st.composite
def random_banks(draw: st.DrawFn, gates: bool = True) -> Bank:
    n_domains = draw(st.integers(1, 3))
    domains = [
        {
            "id": f"d{i}",
            "title": f"Domain {i}",
            "weight": draw(st.integers(1, 10)),
            "description": "D.",
        }
        for i in range(n_domains)
    ]
    actions = [
        {
            "id": f"act-{i}",
            "title": f"Action {i}",
            "why": "W.",
            "steps": ["Do it."],
            "effort": draw(_EFFORTS),
            "owner": "owner",
            "vendor_doable": True,
        }
        for i in range(3)
    ]
    questions: list[dict[str, Any]] = []
    for j in range(draw(st.integers(1, 6))):
        kind = draw(_KINDS_OF_QUESTION)
        q: dict[str, Any] = {
            "id": f"q{j}",
            "domain": f"d{draw(st.integers(0, n_domains - 1))}",
            "text": "Q?",
            "why": "W.",
            "kind": kind,
        }
        if kind != "text":
            q["weight"] = draw(st.integers(1, 10))
            q["critical"] = draw(st.booleans())
            q["allow_na"] = draw(st.booleans())
            q["actions"] = draw(
                st.lists(st.sampled_from([a["id"] for a in actions]), unique=True, max_size=2)
            )
            if draw(st.booleans()):
                q["ask_vendor"] = f"Vendor, about q{j}?"
        if kind == "choice":
            credits = draw(_OPTION_CREDITS)
            q["options"] = [
                {"id": f"o{k}", "label": f"Option {k}", "credit": c} for k, c in enumerate(credits)
            ]
        elif kind == "per_system":
            q["system_kinds"] = draw(_SYSTEM_KINDS)
        elif kind == "number":
            values = draw(_THRESHOLD_VALUES)
            q["number"] = {
                "unit": "days",
                "better": draw(_BETTER),
                "maximum": 40.0,
                "thresholds": [{"value": float(v), "credit": draw(_CREDIT)} for v in values],
            }
        condition = draw(_CONDITIONS)
        if condition == "staff":
            q["applies_if"] = {"has_staff": draw(st.booleans())}
        elif condition == "answer" and gates:
            earlier = [e for e in questions if e["kind"] in ("yes_no", "choice")]
            if earlier:
                gate = draw(st.sampled_from(earlier))
                accepted = gate_values(gate)
                any_of = draw(st.lists(st.sampled_from(accepted), min_size=1, unique=True))
                q["applies_if"] = {"answer": {"question": gate["id"], "any_of": any_of}}
        questions.append(q)
    return Bank.model_validate(bank_dict(domains, questions, actions))


def gate_values(gate: dict[str, Any]) -> list[str]:
    """The answers a yes/no or choice question (as a dict) accepts."""
    if gate["kind"] == "choice":
        values = [o["id"] for o in gate["options"]] + ["unknown"]
    else:
        values = ["yes", "partly", "no", "unknown"]
    return [*values, "na"] if gate.get("allow_na") else values


def bank_dict(
    domains: list[dict[str, Any]], questions: list[dict[str, Any]], actions: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": "random-bank",
        "version": "1.0.0",
        "title": "Random bank",
        "description": "Generated.",
        "domains": domains,
        "questions": questions,
        "actions": actions,
    }


@st.composite
def random_scenarios(draw: st.DrawFn, gates: bool = True) -> Scenario:
    bank = draw(random_banks(gates=gates))
    profile = draw(profiles)
    return bank, profile, draw(answers_for(bank, profile))
