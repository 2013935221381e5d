"""Glue between the store and the pure core, shared by the CLI and the TUI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pdpa_check.exports.document import AssessmentInfo, ItemStatus, Report, build_report
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.loader import BUILTIN_BANK, BankError, installed_banks
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring import Plan, Result, build_plan, evaluate
from pdpa_check.store import AssessmentRow, OrganisationRow, Store, StoreError


@dataclass(frozen=True)
class Assessed:
    """One assessment with everything computed from it."""

    org: OrganisationRow
    profile: Profile
    assessment: AssessmentRow
    bank: Bank
    answers: dict[AnswerKey, Answer]
    result: Result
    plan: Plan


def find_bank(bank_id: str, user_banks: Path | None) -> Bank:
    """An installed bank by id; a broken bank file with problems is an error."""
    for entry in installed_banks(user_banks):
        if entry.bank is not None and entry.bank.id == bank_id:
            return entry.bank
        if entry.bank is None and entry.path.stem == bank_id:
            raise BankError(list(entry.problems))
    raise StoreError(f"question bank '{bank_id}' is not installed (see `pdpa-check bank list`)")


def default_bank(user_banks: Path | None) -> Bank:
    return find_bank(BUILTIN_BANK, user_banks)


def assess(
    store: Store, org: OrganisationRow, assessment: AssessmentRow, user_banks: Path | None
) -> Assessed:
    bank = find_bank(assessment.bank_id, user_banks)
    profile = store.profile(org.id)
    answers = store.answers(assessment.id)
    result = evaluate(bank, profile, answers)
    plan = build_plan(bank, profile, answers, result)
    return Assessed(org, profile, assessment, bank, answers, result, plan)


def make_report(store: Store, assessed: Assessed, today: dt.date, *, redact: bool) -> Report:
    states = store.plan_states(assessed.org.id)
    statuses = {
        key: ItemStatus(status=s.status, owner=s.owner, due_date=s.due_date)
        for key, s in states.items()
    }
    row = assessed.assessment
    return build_report(
        generated_on=today,
        profile=assessed.profile,
        assessment=AssessmentInfo(row.id, row.started_at, row.completed_at),
        bank=assessed.bank,
        result=assessed.result,
        plan=assessed.plan,
        answers=assessed.answers,
        statuses=statuses,
        redacted=redact,
    )
