"""The incident forms of the Breach kit: what is typed, the facts it makes, and the verdict.

`Draft` holds the form as typed (strings and ticks); `build_facts` turns it into
`IncidentFacts` or says, per field, what is wrong; `verdict_content` shows what
`notifiability()` makes of the facts. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from pydantic import ValidationError
from textual.content import Content

from pdpa_check.kit.facts import (
    ASSESSMENT_DAYS,
    CONFINED_QUESTION,
    INCIDENT_KINDS,
    NOTICE_GROUNDS,
    PDPC_DAYS,
    IncidentFacts,
    LogEntry,
    Verdict,
    pdpc_days_late,
)
from pdpa_check.questionnaires.schedule import QUESTION_KEYS, builtin_schedule
from pdpa_check.support.dates import DateError, check_past, check_plan, parse_date

# Answer values of the yes / no / don't know questions, as the radio buttons show them.
TRI_CHOICES: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("no", "No"), ("unknown", "Don't know"))
# The questions about the data come from the Schedule file; `confined` only for internal incidents.
TRI_FIELDS: tuple[str, ...] = (*QUESTION_KEYS, "confined")
KIND_CHOICES: tuple[tuple[str, str], ...] = tuple(INCIDENT_KINDS.items())
# The grounds, short enough to fit an 80-column screen (the record prints them in full).
GROUNDS_LABELS: dict[str, str] = {
    "none": "None: they are told (or will be)",
    "remedial_action": "s26D(5)(a): what we did after assessing makes harm unlikely",
    "technological_measure": "s26D(5)(b): a measure in place before (e.g. encryption) does",
    "law_enforcement": "s26D(6)(a): a law enforcement agency told us not to",
    "pdpc_direction": "s26D(6)(b): PDPC directed us not to",
}
GROUNDS_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (key, GROUNDS_LABELS[key]) for key in NOTICE_GROUNDS
)


def _questions() -> dict[str, str]:
    schedule = builtin_schedule()
    asked: dict[str, str] = {key: schedule.question(key).text for key in QUESTION_KEYS}
    return {**asked, "confined": f"{CONFINED_QUESTION} (s26B(4))"}


QUESTIONS: dict[str, str] = _questions()
KIND_QUESTION = "What happened?"
PRESCRIBED_HINT = (
    "The record you export lists every class in the Schedule to the breach notification"
    " regulations, in plain words, with its item number."
)
CONFINED_HINT = (
    "Only for access or use inside the business: the exclusion (s26B(4)) never covers a lost"
    " device, wrongful disposal or a message to the wrong person."
)
# Short labels for the customer steps (the notice prints the full sentence).
STEP_LABELS: dict[str, str] = {
    "reset_password": "Change their password",
    "watch_phishing": "Beware of phishing that mentions this",
    "contact_bank": "Watch card and bank statements; call the bank",
    "watch_accounts": "Watch their account for changes they did not make",
}
NOT_LEGAL_ADVICE = (
    "This is guidance for a first decision, not legal advice. Where a fact is uncertain the"
    " verdict says so; check important decisions with a lawyer or PDPC's own guides."
)
INDIVIDUALS_WORDS = {"yes": "tell them", "no": "not required", "unknown": "not yet clear"}

# Form field -> the IncidentFacts field it fills (where the names differ).
FACT_FIELDS = {
    "discovered": "discovered_on",
    "assessed": "assessed_on",
    "next_update": "next_update_on",
    "pdpc_notified": "pdpc_notified_on",
    "individuals_notified": "individuals_notified_on",
}
LABELS = {
    "title": "Title",
    "discovered": "Discovered on",
    "assessed": "Assessed as notifiable on",
    "affected": "Number of people affected",
    "what_happened": "What happened",
    "how_found": "How you found out",
    "data_involved": "Data involved (what you know so far)",
    "potential_harm": "Harm it could cause customers",
    "not_yet_known": "Not yet known",
    "actions_taken": "What you have done to reduce the harm",
    "prevention": "What you are doing so it does not happen again",
    "contact_point": "Contact point",
    "next_update": "Next update on",
    "customer_steps": "What customers should do",
    "not_telling_why": "Why they are not told",
    "pdpc_notified": "PDPC notified on",
    "individuals_notified": "People affected told on",
    "late_reasons": "Reasons for a late notice",
    "log_at": "When (log)",
    "log_who": "Who (log)",
    "log_what": "What (log)",
}
NOTICE_FIELDS = frozenset(
    {
        "what_happened",
        "how_found",
        "data_involved",
        "potential_harm",
        "not_yet_known",
        "actions_taken",
        "prevention",
        "contact_point",
        "next_update",
        "customer_steps",
    }
)


@dataclass(frozen=True)
class Draft:
    """The incident forms as typed: dates and the count are still text."""

    title: str = "Suspected data breach"
    kind: str = "unknown"
    # Kept from an old `confined = "yes"` until the owner picks the kind.
    kind_assumed: bool = False
    discovered: str = ""
    assessed: str = ""
    identifiers: str = "unknown"
    credentials: str = "unknown"
    card_numbers: str = "unknown"
    bank_accounts: str = "unknown"
    pay: str = "unknown"
    prescribed: str = "unknown"
    affected: str = ""
    affected_verified: bool = False
    confined: str = "unknown"
    # Kept from an older incident that set these flags without saying which ground applies.
    harm_unlikely: bool = False
    told_not_to_notify: bool = False
    not_telling_grounds: str = "none"
    not_telling_why: str = ""
    pdpc_notified: str = ""
    individuals_notified: str = ""
    late_reasons: str = ""
    # The audit log as saved so far, plus entries added since (Add to log).
    log: tuple[LogEntry, ...] = ()
    what_happened: str = ""
    how_found: str = ""
    data_involved: str = ""
    data_verified: bool = False
    potential_harm: str = ""
    not_yet_known: str = ""
    actions_taken: str = ""
    prevention: str = ""
    customer_steps: tuple[str, ...] = ("watch_phishing",)
    contact_point: str = ""
    next_update: str = ""


def blank_draft(today: dt.date) -> Draft:
    """A new incident, discovered today, nothing known yet."""
    return Draft(discovered=today.isoformat())


def draft_of(facts: IncidentFacts) -> Draft:
    """The form showing saved `facts`."""
    same = {
        f.name: getattr(facts, f.name)
        for f in fields(Draft)
        if f.name not in (*FACT_FIELDS, "affected", "customer_steps")
    }
    return Draft(
        **same,
        discovered=facts.discovered_on.isoformat(),
        assessed=_day(facts.assessed_on),
        pdpc_notified=_day(facts.pdpc_notified_on),
        individuals_notified=_day(facts.individuals_notified_on),
        affected="" if facts.affected is None else str(facts.affected),
        customer_steps=tuple(facts.customer_steps),
        next_update=facts.next_update_on.isoformat() if facts.next_update_on else "",
    )


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def build_facts(draft: Draft, today: dt.date) -> IncidentFacts | dict[str, str]:
    """The facts the form describes, or form field -> what to fix (dates as of `today`)."""
    problems: dict[str, str] = {}
    data: dict[str, Any] = {
        f.name: getattr(draft, f.name)
        for f in fields(draft)
        if f.name not in (*FACT_FIELDS, "affected")
    }
    for name, target in FACT_FIELDS.items():
        text = str(getattr(draft, name)).strip()
        if not text and name != "discovered":
            data[target] = None
            continue
        if not text:
            problems[name] = "Enter the day you first knew of it, e.g. 2026-11-27."
            continue
        # Discovery and assessment have happened; the next update is at most ten years ahead.
        check = check_plan if target == "next_update_on" else check_past
        try:
            data[target] = check(parse_date(text), today)
        except DateError as error:
            problems[name] = _sentence(str(error))
    count = draft.affected.strip().replace(",", "").replace(" ", "")
    if not count:
        data["affected"] = None
    elif count.isdigit() and count.isascii():
        data["affected"] = int(count)
    else:
        problems["affected"] = "Enter a whole number of people, or leave it blank if not known."
    if problems:
        return problems
    try:
        return IncidentFacts.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            where = _form_field(detail["loc"])
            problems.setdefault(where, _message(where, detail["type"], detail["msg"]))
        return problems


def log_entry(when: str, who: str, what: str, now: dt.datetime) -> LogEntry | dict[str, str]:
    """A log entry from the app's three fields (blank `when`: `now`), or field -> problem."""
    at: dt.date | dt.datetime = now.replace(second=0, microsecond=0)
    problems: dict[str, str] = {}
    if when.strip():
        try:
            at = LogEntry.model_validate({"at": when, "who": "x", "what": "x"}).at
            check_past(at.date() if isinstance(at, dt.datetime) else at, now.date())
        except (ValidationError, DateError) as error:
            text = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
            problems["log_at"] = _sentence(text.removeprefix("Value error, "))
    for name, text in (("log_who", who), ("log_what", what)):
        if not text.strip():
            problems[name] = "Write who did it and what was done or decided."
    if problems:
        return problems
    try:
        return LogEntry.model_validate({"at": at, "who": who, "what": what})
    except ValidationError as error:
        detail = error.errors()[0]
        where = f"log_{detail['loc'][0]}" if detail["loc"] else "log_what"
        return {where: _sentence(detail["msg"].removeprefix("Value error, "))}


def _form_field(loc: tuple[int | str, ...]) -> str:
    if not loc:  # the model check: assessed before discovered
        return "assessed"
    name = str(loc[0])
    return next((form for form, fact in FACT_FIELDS.items() if fact == name), name)


def _message(where: str, kind: str, raw: str) -> str:
    if where == "assessed" and kind == "value_error":
        return "This cannot be before the day it was discovered."
    if where == "affected":
        return "Enter a whole number of people up to 100,000,000, or leave it blank."
    if where == "title" and kind in ("too_short", "string_too_short"):
        return "Give the incident a short title."
    return _sentence(raw.removeprefix("Value error, "))


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


# The verdict ---------------------------------------------------------------------


def verdict_content(facts: IncidentFacts, verdict: Verdict) -> Content:
    """Outcome, reasons, what to find out, the deadlines, and that it is guidance."""
    parts: list[Content] = [
        Content.assemble(("Verdict: ", "bold"), (verdict.words, "bold reverse")),
        *(_bullet(f"Check: {warning}") for warning in verdict.warnings),
        _heading("Why"),
        *(_bullet(reason) for reason in verdict.reasons),
    ]
    if verdict.to_find_out:
        parts.append(_heading("Still to find out"))
        parts.extend(_bullet(gap) for gap in verdict.to_find_out)
    parts.append(_heading("Deadlines"))
    parts.append(_bullet(_assess_line(facts, verdict)))
    parts.append(_bullet(_pdpc_line(facts, verdict)))
    parts.append(
        _bullet(
            f"Individuals: {INDIVIDUALS_WORDS[verdict.notify_individuals]}."
            f" {verdict.individuals_note}"
        )
    )
    parts.extend(_bullet(line) for line in _audit_lines(facts, verdict))
    parts.append(Content(""))
    parts.append(Content.styled(NOT_LEGAL_ADVICE, "italic"))
    return Content("\n").join(parts)


def verdict_waiting(problems: dict[str, str]) -> Content:
    """What the verdict pane says while the form cannot be read."""
    names = ", ".join(LABELS.get(name, name).lower() for name in problems)
    return Content.assemble(
        ("Verdict: waiting for the facts", "bold"),
        "\n",
        Content(f"Fix what is marked ✗ ({names}) to see the verdict and the deadlines."),
        "\n\n",
        (NOT_LEGAL_ADVICE, "italic"),
    )


def _assess_line(facts: IncidentFacts, verdict: Verdict) -> str:
    return (
        f"Decide by {verdict.assess_by.isoformat()}: PDPC expects the assessment within"
        f" {ASSESSMENT_DAYS} days of first knowing of it ({facts.discovered_on.isoformat()})."
    )


def _pdpc_line(facts: IncidentFacts, verdict: Verdict) -> str:
    if verdict.pdpc_by is not None and facts.assessed_on is not None:
        stands = "" if verdict.outcome in ("likely", "unclear") else "if your decision stands, "
        return (
            f"PDPC: {stands}no later than {verdict.pdpc_by.isoformat()}: {PDPC_DAYS} calendar"
            f" days after {facts.assessed_on.isoformat()}, the day you assessed it as notifiable."
        )
    if verdict.outcome in ("not_notifiable", "unlikely"):
        return (
            "PDPC: no notification on these facts. If they change and you decide it is"
            f" notifiable, you have {PDPC_DAYS} calendar days from that day."
        )
    return (
        "PDPC: the clock starts on the day you decide it is notifiable; then notify no"
        f" later than {PDPC_DAYS} calendar days after that day. Enter that date above."
    )


def _audit_lines(facts: IncidentFacts, verdict: Verdict) -> list[str]:
    """What the audit trail still needs: reasons for a late notice, the grounds explained."""
    lines: list[str] = []
    late = pdpc_days_late(facts, verdict)
    if late and not facts.late_reasons:
        lines.append(
            f"PDPC was notified {late} calendar day{'s' if late != 1 else ''} after the"
            " deadline: write the reasons under Reasons for a late notice."
        )
    if facts.not_telling_grounds != "none" and not facts.not_telling_why:
        lines.append("Not telling the people affected: write down why, under the grounds.")
    if facts.not_telling_grounds == "none" and (facts.harm_unlikely or facts.told_not_to_notify):
        lines.append("Choose the ground for not telling the people affected (s26D(5) or (6)).")
    return lines


def _heading(text: str) -> Content:
    return Content.assemble("\n", (text, "bold underline"))


def _bullet(text: str) -> Content:
    return Content(f"• {text}")
