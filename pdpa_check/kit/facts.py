"""What the owner knows about an incident, and what the PDPA's Part 6A makes of it.

`notifiability()` is pure: it reads the facts and returns a verdict with its
reasons and the deadlines. It is guidance for a first decision, not legal advice;
where the law or the facts are uncertain the verdict says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from pdpa_check.dates import check_past, check_plan
from pdpa_check.text import clean, clean_name

Tri = Literal["yes", "no", "unknown"]
Outcome = Literal["likely", "unclear", "unlikely", "not_notifiable"]
CustomerStep = Literal["reset_password", "watch_phishing", "contact_bank", "watch_accounts"]

CUSTOMER_STEPS: dict[str, str] = {
    "reset_password": "Change your password for our shop, and anywhere else you used the same one.",
    "watch_phishing": (
        "Be wary of emails, SMS or calls that mention this incident or ask for passwords,"
        " one-time codes or payment details; we will never ask for them."
    ),
    "contact_bank": (
        "If you paid by card or bank transfer, watch your statements and call your bank"
        " at once about anything you do not recognise."
    ),
    "watch_accounts": "Watch your account for orders or changes you did not make, and tell us.",
}

OUTCOME_WORDS: dict[str, str] = {
    "likely": "Likely notifiable",
    "unclear": "Not yet clear: find out the missing facts",
    "unlikely": "Not notifiable on these facts, unless significant harm is likely anyway",
    "not_notifiable": "Not notifiable: confined within the organisation",
}

# Days after the notifiability assessment by which PDPC must be told (s26D(1)).
PDPC_DAYS = 3
# PDPC guidance expects the assessment within 30 days of first becoming aware [S].
ASSESSMENT_DAYS = 30
# A breach affecting this many people or more is of significant scale (s26B(3)) [S].
SCALE_THRESHOLD = 500

Line = Annotated[str, AfterValidator(clean_name)]
Text = Annotated[str, AfterValidator(lambda text: clean(text).strip())]


class IncidentFacts(BaseModel):
    """The facts of one incident as far as the owner knows them today."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    title: Line = "Suspected data breach"
    discovered_on: dt.date
    # The day the owner assessed the breach as notifiable: the PDPC clock starts here.
    assessed_on: dt.date | None = None
    # Full name, alias or identification number of the people involved.
    identifiers: Tri = "unknown"
    # An account identifier together with its password, security code or answer.
    credentials: Tri = "unknown"
    # Any of the prescribed classes of data in the Schedule (financial details etc.).
    prescribed: Tri = "unknown"
    affected: int | None = Field(default=None, ge=0, le=100_000_000)
    affected_verified: bool = False
    # Did the data stay inside the organisation (no one outside saw or took it)?
    confined: Tri = "unknown"
    # A measure (e.g. strong encryption) or remedial action makes significant harm unlikely.
    harm_unlikely: bool = False
    # Police or PDPC said not to tell the individuals.
    told_not_to_notify: bool = False
    # The customer notice.
    what_happened: Text = ""
    data_involved: Text = ""
    data_verified: bool = False
    not_yet_known: Text = ""
    actions_taken: Text = ""
    customer_steps: tuple[CustomerStep, ...] = ("watch_phishing",)
    contact_point: Line = ""
    next_update_on: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> IncidentFacts:
        if self.assessed_on is not None and self.assessed_on < self.discovered_on:
            raise ValueError("assessed_on cannot be before discovered_on")
        return self


def date_problems(facts: IncidentFacts, today: dt.date) -> dict[str, str]:
    """Field -> what is wrong, for dates outside a sane range as of `today`.

    Discovery and assessment have happened (2000 to today); the next update to
    customers is at most ten years ahead.
    """
    checks = (
        ("discovered_on", facts.discovered_on, check_past),
        ("assessed_on", facts.assessed_on, check_past),
        ("next_update_on", facts.next_update_on, check_plan),
    )
    problems: dict[str, str] = {}
    for name, day, check in checks:
        if day is None:
            continue
        try:
            check(day, today)
        except ValueError as error:
            problems[name] = str(error)
    return problems


@dataclass(frozen=True)
class Verdict:
    """Whether the breach is likely notifiable, why, and by when."""

    outcome: Outcome
    significant_harm: Tri
    significant_scale: Tri
    reasons: tuple[str, ...]
    # Facts to establish before the verdict can be firm.
    to_find_out: tuple[str, ...]
    assess_by: dt.date
    pdpc_by: dt.date | None
    notify_individuals: Tri
    individuals_note: str

    @property
    def words(self) -> str:
        return OUTCOME_WORDS[self.outcome]


def notifiability(facts: IncidentFacts) -> Verdict:
    """The verdict on `facts` under s26B and the deadlines under s26D."""
    harm, harm_reasons, harm_gaps = _significant_harm(facts)
    scale, scale_reason, scale_gap = _significant_scale(facts)
    reasons = [*harm_reasons, scale_reason]
    gaps = [*harm_gaps, *([scale_gap] if scale_gap else [])]
    if facts.confined == "yes":
        outcome: Outcome = "not_notifiable"
        reasons.insert(0, "You said the data stayed inside the organisation (s26B(4)).")
    elif "yes" in (harm, scale):
        outcome = "likely"
    elif "unknown" in (harm, scale):
        outcome = "unclear"
    else:
        outcome = "unlikely"
    if facts.confined == "unknown" and outcome != "unlikely":
        gaps.append("whether the data left the organisation (anyone outside saw or took it)")
    individuals, note = _individuals(facts, harm, outcome)
    return Verdict(
        outcome=outcome,
        significant_harm=harm,
        significant_scale=scale,
        reasons=tuple(reasons),
        to_find_out=tuple(gaps),
        assess_by=_days_after(facts.discovered_on, ASSESSMENT_DAYS),
        pdpc_by=_pdpc_deadline(facts),
        notify_individuals=individuals,
        individuals_note=note,
    )


def _significant_harm(facts: IncidentFacts) -> tuple[Tri, list[str], list[str]]:
    reasons: list[str] = []
    gaps: list[str] = []
    if facts.credentials == "yes":
        reasons.append(
            "Account identifiers with their passwords or security codes are involved:"
            " significant harm is deemed (s26B(2))."
        )
    if facts.identifiers == "yes" and facts.prescribed == "yes":
        reasons.append(
            "Names or ID numbers are involved together with a prescribed class of data:"
            " significant harm is deemed (s26B(2))."
        )
    if reasons:
        return "yes", reasons, gaps
    if facts.credentials == "unknown":
        gaps.append("whether passwords, security codes or answers were taken with the logins")
    if facts.identifiers == "unknown" and facts.prescribed != "no":
        gaps.append("whether names or ID numbers were involved")
    if facts.prescribed == "unknown" and facts.identifiers != "no":
        gaps.append("whether any prescribed class of data (e.g. financial details) was involved")
    if gaps:
        return "unknown", ["Significant harm cannot be ruled out until the data is known."], gaps
    return "no", ["None of the data classes that make harm deemed significant is involved."], gaps


def _significant_scale(facts: IncidentFacts) -> tuple[Tri, str, str | None]:
    if facts.affected is None:
        return (
            "unknown",
            "The number of people affected is not known yet.",
            "how many people are affected",
        )
    count = f"{facts.affected:,}"
    firm = "" if facts.affected_verified else " (an estimate, not yet verified)"
    if facts.affected >= SCALE_THRESHOLD:
        return "yes", f"{count} people are affected{firm}: 500 or more is significant scale.", None
    if not facts.affected_verified:
        return (
            "unknown",
            f"About {count} people are affected, an estimate below 500.",
            "the verified number of people affected",
        )
    return "no", f"{count} people are affected, fewer than 500.", None


def _pdpc_deadline(facts: IncidentFacts) -> dt.date | None:
    """The owner's own assessment starts the clock, even where these facts alone would not."""
    if facts.assessed_on is None:
        return None
    return _days_after(facts.assessed_on, PDPC_DAYS)


def _days_after(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, held at the calendar's last day rather than overflowing.

    Input is range-checked, but a record saved by an older version may hold any date.
    """
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _individuals(facts: IncidentFacts, harm: Tri, outcome: Outcome) -> tuple[Tri, str]:
    if outcome == "not_notifiable" or harm == "no":
        return "no", "Individuals must be told only when significant harm is likely."
    if facts.told_not_to_notify:
        return "no", (
            "Police or PDPC told you not to notify individuals: do not tell them until"
            " that instruction is lifted (s26D(6))."
        )
    if facts.harm_unlikely:
        return "no", (
            "You said a measure or remedial action makes significant harm unlikely;"
            " then individuals need not be told (s26D(5)). Record why you believe this."
        )
    if harm == "unknown":
        return "unknown", "If significant harm is likely, tell the individuals too."
    return "yes", (
        "Tell each affected person at the same time as, or after, you notify PDPC,"
        " never before (s26D(2))."
    )
