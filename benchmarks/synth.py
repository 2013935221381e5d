"""Seeded synthetic banks and databases, so every run measures the same thing."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import tomli_w

from benchmarks.paths import banks_dir
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.loader import parse_bank_bytes
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.services.workspace import start_assessment
from pdpa_check.store.db import create_database
from pdpa_check.store.repo import Store

SYNTH_BANK = "bench-synthetic"
PROFILE = Profile(
    name="Bench Shop Pte Ltd",
    staff_count=12,
    systems=(
        System(key="mail", kind="email_suite", name="Mail"),
        System(key="store", kind="storefront", name="Store"),
        System(key="crm", kind="crm", name="CRM"),
        System(key="ads", kind="ads", name="Ads"),
    ),
)


def bank_source(questions: int, *, per_system_every: int = 10, seed: int = 7) -> str:
    """A valid bank of `questions` questions in 10 domains, one action per question."""
    rng = random.Random(seed)
    domains = [
        {"id": f"d{n}", "title": f"Area {n}", "weight": rng.randint(1, 10), "description": "x"}
        for n in range(10)
    ]
    items: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for n in range(questions):
        question: dict[str, Any] = {
            "id": f"q{n}",
            "domain": f"d{n % 10}",
            "text": f"Question {n}?",
            "why": "Because.",
            "kind": "yes_no",
            "weight": rng.randint(1, 10),
            "critical": n % 97 == 0,
            "references": ["PDPA s24"],
            "actions": [f"a{n}"],
        }
        if per_system_every and n % per_system_every == 0:
            question["kind"] = "per_system"
            question["system_kinds"] = ["email_suite", "storefront", "crm", "ads"]
        items.append(question)
        actions.append(
            {
                "id": f"a{n}",
                "title": f"Fix {n}",
                "why": "Because.",
                "steps": ["Do it."],
                "effort": rng.choice(["low", "medium", "high"]),
                "owner": "owner",
                "vendor_doable": bool(n % 2),
            }
        )
    data = {
        "schema_version": 1,
        "id": SYNTH_BANK,
        "version": "1.0.0",
        "title": "Synthetic bank",
        "description": "For benchmarks.",
        "domains": domains,
        "questions": items,
        "actions": actions,
    }
    return tomli_w.dumps(data)


def bank(questions: int, **options: Any) -> Bank:
    return parse_bank_bytes(bank_source(questions, **options).encode(), "synthetic")


def answers_with_gaps(
    subject: Bank, profile: Profile, gaps: int, *, seed: int = 11
) -> dict[AnswerKey, Answer]:
    """Every slot answered; `gaps` of them with "no" or "partly", the rest "yes"."""
    from pdpa_check.questionnaires.applicability import applicable_slots

    rng = random.Random(seed)
    slots = applicable_slots(subject, profile, {})
    chosen = set(rng.sample(range(len(slots)), min(gaps, len(slots))))
    answers = {}
    for index, slot in enumerate(slots):
        value = rng.choice(["no", "partly"]) if index in chosen else "yes"
        answer = Answer(question_id=slot.question.id, system_key=slot.key[1], value=value)
        answers[answer.key] = answer
    return answers


def history_database(path: Path, *, organisations: int, assessments: int, questions: int) -> None:
    """`organisations` shops, each with `assessments` completed quarterly assessments."""
    path.parent.mkdir(parents=True, exist_ok=True)
    user_banks = banks_dir(path)
    user_banks.mkdir(parents=True, exist_ok=True)
    (user_banks / f"{SYNTH_BANK}.toml").write_text(bank_source(questions, per_system_every=0))
    subject = bank(questions, per_system_every=0)
    store = Store(create_database(path), path)
    rng = random.Random(3)
    start = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    try:
        for org in range(organisations):
            profile = PROFILE.model_copy(update={"name": f"Bench Shop {org}"})
            org_id = store.create_organisation(profile)
            for quarter in range(assessments):
                started = (start + dt.timedelta(days=91 * quarter)).isoformat()
                row_id = start_assessment(
                    store, org_id, user_banks, bank_id=SYNTH_BANK, started_at=started
                )
                rows = [
                    Answer(question_id=q.id, value=rng.choice(["yes", "yes", "partly", "no"]))
                    for q in subject.questions
                ]
                store.replace_answers(row_id, rows)
                result = evaluate(subject, profile, {a.key: a for a in rows})
                store.complete_assessment(
                    row_id, result.score, result.band.id, completed_at=started
                )
    finally:
        store.close()
