"""Glue between the store and the pure core, shared by the CLI and the TUI."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Verified
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.loader import (
    BUILTIN_BANK,
    BankError,
    InstalledBank,
    installed_banks,
    parse_bank_bytes,
)
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.result import Plan, Result
from pdpa_check.store.db import StoreError
from pdpa_check.store.repo import AnswerMeta, AssessmentRow, OrganisationRow, Store
from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from pdpa_check.exports.document import Report
    from pdpa_check.store.repo import PlanItemState


Warn = Callable[[str], None]


def warn_on_stderr(message: str) -> None:
    """The command line's warning: one line on stderr, so stdout stays clean for scripts."""
    sys.stderr.write(f"pdpa-check: warning: {for_output(message)}\n")


class Warnings:
    """Passes each distinct warning on once: a command may load the same bank several times."""

    def __init__(self, show: Warn = warn_on_stderr) -> None:
        self.show = show
        self._seen: set[str] = set()

    def __call__(self, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.show(message)


@dataclass(frozen=True)
class PlanInputs:
    """What a plan needs beyond the assessment: the month's hours and the user lists."""

    month_hours: float | None = None
    budget_source: str = ""
    # System key -> (gap, person) pairs read from that system's user list.
    user_lists: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessed:
    """One assessment with everything computed from it."""

    org: OrganisationRow
    profile: Profile
    assessment: AssessmentRow
    bank: Bank
    answers: dict[AnswerKey, Answer]
    result: Result
    # Answers checked against a platform's user list, with the list each came from.
    verified: Mapping[AnswerKey, Verified] = field(default_factory=dict)
    plan_inputs: PlanInputs = field(default_factory=PlanInputs, repr=False)

    @cached_property
    def plan(self) -> Plan:
        """The remediation plan, built when first asked for: `score` never needs it."""
        from pdpa_check.questionnaires.platforms import builtin_catalogue
        from pdpa_check.scoring.plan import build_plan

        return build_plan(
            self.bank,
            self.profile,
            self.answers,
            self.result,
            month_hours=self.plan_inputs.month_hours,
            budget_source=self.plan_inputs.budget_source,
            platforms=builtin_catalogue(),
            user_lists=self.plan_inputs.user_lists,
        )


def installed_bank(bank_id: str, user_banks: Path | None) -> InstalledBank:
    """An installed bank by id; a broken bank file with problems is an error."""
    for entry in installed_banks(user_banks):
        if entry.bank is not None and entry.bank.id == bank_id:
            return entry
        if entry.bank is None and entry.path.stem == bank_id:
            raise BankError(list(entry.problems))
    raise StoreError(f"question bank '{bank_id}' is not installed (see `pdpa-check bank list`)")


def find_bank(bank_id: str, user_banks: Path | None) -> Bank:
    bank = installed_bank(bank_id, user_banks).bank
    assert bank is not None
    return bank


def default_bank(user_banks: Path | None) -> Bank:
    return find_bank(BUILTIN_BANK, user_banks)


def bank_of(
    store: Store, row: AssessmentRow, user_banks: Path | None, *, warn: Warn = warn_on_stderr
) -> Bank:
    """The bank version `row` was answered with: installed if it matches, else the stored copy.

    An assessment from before copies were kept falls back to the installed version.
    A bank file since removed or broken is no lock-out: the stored copy is used,
    and `warn` names the file (the error stays only when there is no copy).
    """
    try:
        installed = find_bank(row.bank_id, user_banks)
    except (StoreError, BankError) as error:
        return _stored_instead(store, row, user_banks, error, warn)
    if installed.version == row.bank_version:
        return installed
    return _stored_copy(store, row) or installed


def _stored_copy(store: Store, row: AssessmentRow) -> Bank | None:
    """The copy of `row`'s bank version saved in the database, if there is one."""
    source = store.bank_source(row.bank_id, row.bank_version)
    if source is None:
        return None
    return parse_bank_bytes(source.encode(), f"{row.bank_id} {row.bank_version} (stored copy)")


def _stored_instead(
    store: Store,
    row: AssessmentRow,
    user_banks: Path | None,
    error: StoreError | BankError,
    warn: Warn,
) -> Bank:
    """The database's copy of `row`'s bank when its file is missing or broken; else `error`."""
    bank = _stored_copy(store, row)
    if bank is None:
        raise error
    warn(_stored_copy_message(row, user_banks, broken=isinstance(error, BankError)))
    return bank


def _stored_copy_message(row: AssessmentRow, user_banks: Path | None, *, broken: bool) -> str:
    """One line: which bank file is missing or broken, and what is used instead."""
    path = bank_file_path(row.bank_id, user_banks)
    what = (
        f"cannot be loaded ({path} is broken: check it with `pdpa-check bank validate`)"
        if broken
        else f"is no longer installed ({path})"
    )
    return (
        f"question bank '{row.bank_id}' {what}; using the copy of version "
        f"{row.bank_version} saved in the database with your assessments"
    )


def bank_file_path(bank_id: str, user_banks: Path | None) -> Path | str:
    """The file a bank id comes from: a broken one on disk, else where it would be installed."""
    for entry in installed_banks(user_banks):
        if entry.bank is None and entry.path.stem == bank_id:
            return entry.path
    return user_banks / f"{bank_id}.toml" if user_banks is not None else f"{bank_id}.toml"


def start_assessment(
    store: Store,
    org_id: int,
    user_banks: Path | None,
    *,
    bank_id: str = BUILTIN_BANK,
    started_at: str | None = None,
) -> int:
    """Start an assessment, carrying the last completed one's answers forward to confirm.

    Answers carry over for question ids the new bank still has; a copy of the
    bank version is kept so this assessment can always be shown as asked.
    """
    entry = installed_bank(bank_id, user_banks)
    assert entry.bank is not None
    bank = entry.bank
    store.save_bank_version(bank.id, bank.version, entry.path.read_text("utf-8"), bank)
    done = [row for row in store.assessments(org_id) if row.completed_at is not None]
    previous = done[-1] if done else None
    return store.start_assessment(
        org_id,
        bank.id,
        bank.version,
        started_at=started_at,
        carry_from=previous.id if previous else None,
        carry_questions=[question.id for question in bank.questions] if previous else (),
    )


def assess(
    store: Store,
    org: OrganisationRow,
    assessment: AssessmentRow,
    user_banks: Path | None,
    *,
    warn: Warn = warn_on_stderr,
    month_hours: float | None = None,
    budget_source: str = "",
) -> Assessed:
    """Score one assessment (its plan is built when first asked for); `month_hours` overrides
    the staff-count budget."""
    bank = bank_of(store, assessment, user_banks, warn=warn)
    profile = store.profile(org.id)
    answers = store.answers(assessment.id)
    result = evaluate(bank, profile, answers)
    plan_inputs = PlanInputs(
        month_hours,
        budget_source,
        {key: row.checklist for key, row in store.user_lists(org.id).items()},
    )
    marks = {key: m.verified for key, m in store.answer_meta(assessment.id).items() if m.verified}
    return Assessed(org, profile, assessment, bank, answers, result, marks, plan_inputs)


def asked_meta(store: Store, assessed: Assessed) -> dict[AnswerKey, AnswerMeta]:
    """What is stored about each answer to a question asked in `assessed`."""
    asked = {
        slot.key for slot in applicable_slots(assessed.bank, assessed.profile, assessed.answers)
    }
    meta = store.answer_meta(assessed.assessment.id)
    return {key: about for key, about in meta.items() if key in asked}


def carried_keys(store: Store, assessed: Assessed) -> set[AnswerKey]:
    """Questions asked in `assessed` whose answer is still carried from last time."""
    return {key for key, about in asked_meta(store, assessed).items() if about.carried}


def make_report(
    store: Store,
    assessed: Assessed,
    states: Mapping[str, PlanItemState],
    today: dt.date,
    *,
    redact: bool,
    since_last: Iterable[str] = (),
    demo: bool = False,
) -> Report:
    from pdpa_check.exports.document import AssessmentInfo, ItemStatus, build_report

    statuses = {
        key: ItemStatus(
            status=s.status,
            owner=s.owner,
            due_date=s.due_date,
            review_date=s.review_date,
            auto_closed=s.auto_closed,
        )
        for key, s in states.items()
    }
    row, meta = assessed.assessment, asked_meta(store, assessed)
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
        carried={key for key, about in meta.items() if about.carried},
        verified={key: about.verified for key, about in meta.items() if about.verified},
        since_last=since_last,
        demo=demo,
    )
