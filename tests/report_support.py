"""A report with every kind of answer, notes and statuses: what the export tests render."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from pdpa_check.exports.document import AssessmentInfo, ItemStatus, Report, build_report
from pdpa_check.questionnaires.answers import Answer, Verified
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import builtin_catalogue
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.plan import build_plan

GENERATED_ON = dt.date(2026, 1, 15)
ASSESSMENT = AssessmentInfo(7, "2026-01-02T03:04:05+00:00", None)
TOOL_VERSION = "0.0.0-test"

NOTE_CANARY = "CANARY-NOTE"
EVIDENCE_CANARY = "CANARY-EVIDENCE"

# (question, system, value, note, evidence): every kind of answer, with notes.
ANSWERS: list[tuple[str, str, str, str, str]] = [
    ("gov-dpo", "", "yes", f"{NOTE_CANARY}-dpo Mei Ling, named on the website", ""),
    ("gov-data-inventory", "", "partly", f"{NOTE_CANARY}-inventory half done", ""),
    ("ai-in-use", "", "no", "", ""),
    ("acc-mfa", "gmail", "yes", "", ""),
    (
        "acc-mfa",
        "shopify",
        "no",
        f"{NOTE_CANARY}-mfa staff accounts have no MFA",
        f"{EVIDENCE_CANARY}-mfa screenshot of the staff list",
    ),
    ("acc-mfa", "meta", "unknown", f"{NOTE_CANARY}-meta agency runs it", ""),
    ("acc-shared-logins", "gmail", "yes", "", ""),
    ("acc-shared-logins", "shopify", "partly", "", ""),
    ("acc-shared-logins", "meta", "yes", "", ""),
    ("acc-password-manager", "", "no", "", ""),
    ("lvr-days-to-remove", "", "14", f"{NOTE_CANARY}-days when someone remembers", ""),
    ("lvr-outside-access", "", "na", f"{NOTE_CANARY}-na no outsiders", ""),
    ("access-least-privilege", "", "partly", "", ""),
    ("access-export-rights", "", "unknown", "", ""),
    ("access-export-files", "", "no", "", f"{EVIDENCE_CANARY}-files old CSVs in drive"),
    ("access-connected-apps", "", "na", "", ""),
    ("mon-audit-logs", "", "no", "", ""),
    ("mon-alerts", "", "yes", "", ""),
    ("bkp-method", "", "manual", f"{NOTE_CANARY}-backup weekly export to a USB stick", ""),
    ("bkp-restore-tested", "", "unknown", "", ""),
    ("inc-plan", "", "partly", "", ""),
    ("inc-lead-names", "", "Mei Ling; deputy Raj", "", ""),
    # inc-notify-rule is left unanswered on purpose.
]
STATUSES = {
    "enforce-mfa/shopify": ItemStatus(
        status="in_progress", owner="Raj (vendor)", due_date="2026-02-01"
    )
}
FINDING_NOTES = ("inventory", "mfa", "meta", "days", "backup")  # notes on slots that lost points


# One answer still carried from last quarter, and what changed since then.
CARRIED = {("acc-password-manager", "")}
# Shopify's MFA answer was checked against a user list the owner filled in.
VERIFIED = {("acc-mfa", "shopify"): Verified("staff-list.csv", "Generic user list", "2026-01-10")}
SINCE_LAST = ("Score rose from 31 to 45.", "2 items remain overdue.")


def make_report(
    bank: Bank,
    profile: Profile,
    *,
    redacted: bool = False,
    note: Callable[[str], str] | None = None,
    evidence: Callable[[str], str] | None = None,
    statuses: dict[str, ItemStatus] | None = None,
    user_lists: dict[str, list[tuple[str, str]]] | None = None,
) -> Report:
    """The fixed report; `note` and `evidence` rewrite the texts (for injection tests)."""
    answers = {}
    for question, system, value, text, proof in ANSWERS:
        answer = Answer.model_construct(
            question_id=question,
            system_key=system,
            value=value,
            note=note(text) if note else text,
            evidence=evidence(proof) if evidence and proof else proof,
        )
        answers[answer.key] = answer
    result = evaluate(bank, profile, answers)
    plan = build_plan(
        bank, profile, answers, result, platforms=builtin_catalogue(), user_lists=user_lists
    )
    report = build_report(
        generated_on=GENERATED_ON,
        profile=profile,
        assessment=ASSESSMENT,
        bank=bank,
        result=result,
        plan=plan,
        answers=answers,
        statuses=STATUSES if statuses is None else statuses,
        carried=CARRIED,
        verified=VERIFIED,
        since_last=SINCE_LAST,
        redacted=redacted,
    )
    return dataclasses.replace(report, tool_version=TOOL_VERSION)


def renamed(profile: Profile, org: str, system: Callable[[System], str]) -> Profile:
    systems = tuple(System(key=s.key, kind=s.kind, name=system(s)) for s in profile.systems)
    return Profile(
        name=org, staff_count=profile.staff_count, sector=profile.sector, systems=systems
    )
