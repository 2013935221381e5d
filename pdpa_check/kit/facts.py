"""What the owner knows about an incident, and what the PDPA's Part 6A makes of it.

`notifiability()` is pure: it reads the facts and returns a verdict with its
reasons and the deadlines. It is guidance for a first decision, not legal advice;
where the law or the facts are uncertain the verdict says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pdpa_check.questionnaires.schedule import CLASS_KEYS, builtin_schedule
from pdpa_check.support.dates import DateError, check_past, check_plan
from pdpa_check.support.text import clean, clean_name

Tri = Literal["yes", "no", "unknown"]
# What happened: s26B(4)'s exclusion can only ever apply to the last kind.
IncidentKind = Literal[
    "outside_access", "device_lost", "disposal", "misdirected", "internal", "unknown"
]
Outcome = Literal["likely", "unclear", "unlikely", "not_notifiable"]
# Why the people affected are not told: the s26D(5) exceptions and the s26D(6) prohibitions.
NoticeGrounds = Literal[
    "none", "remedial_action", "technological_measure", "law_enforcement", "pdpc_direction"
]
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
    "unlikely": (
        "Harm not deemed and under 500 people: notifiable only if significant harm is still"
        " likely (s26B(1)(a))"
    ),
    "not_notifiable": "Excluded: confined within the organisation (s26B(4))",
}

# The kinds of incident, as the owner chooses them (s26A's two limbs, split as owners see them).
INCIDENT_KINDS: dict[str, str] = {
    "outside_access": "Someone outside got into our systems or took the data (hacking, theft)",
    "device_lost": "A device or storage medium holding the data was lost or stolen",
    "disposal": "Data was thrown away, sold or recycled without being destroyed",
    "misdirected": "A message or file went to the wrong person",
    "internal": "Only people inside the business accessed or used it without authority",
    "unknown": "Not known yet",
}
# The grounds for not telling the people affected, as the owner chooses them (s26D(5), (6)).
NOTICE_GROUNDS: dict[str, str] = {
    "none": "None: the people affected are told (or will be)",
    "remedial_action": (
        "Action we took after assessing the breach makes significant harm to them unlikely"
        " (s26D(5)(a))"
    ),
    "technological_measure": (
        "A technological measure in place before the breach (e.g. strong encryption) makes"
        " significant harm to them unlikely (s26D(5)(b))"
    ),
    "law_enforcement": (
        "A prescribed law enforcement agency instructed us not to tell them (s26D(6)(a))"
    ),
    "pdpc_direction": "PDPC directed us not to tell them (s26D(6)(b))",
}
HARM_UNLIKELY_GROUNDS = frozenset({"remedial_action", "technological_measure"})
INSTRUCTED_GROUNDS = frozenset({"law_enforcement", "pdpc_direction"})
# What the owner writes down for each ground, so the record shows why it applies.
GROUNDS_ASK: dict[str, str] = {
    "remedial_action": "what you did, when, and why it makes significant harm unlikely",
    "technological_measure": (
        "the measure (e.g. which encryption, and that the key was not taken) and why it makes"
        " significant harm unlikely"
    ),
    "law_enforcement": "which agency instructed you, who, when, and how (keep the instruction)",
    "pdpc_direction": "when and how PDPC directed you (keep the direction)",
}
# Most log entries: one each for the last audit-trail step kept per incident.
MAX_LOG_ENTRIES = 500

# s26B(4) in plain words: what the exclusion covers, and what it does not.
EXCLUSION_RULE = (
    "A breach is not notifiable if it is unauthorised access, collection, use, disclosure,"
    " copying or modification of personal data only within the organisation (s26B(4))."
    " The exclusion does not cover loss of a device or storage medium, wrongful disposal,"
    " or data that reached anyone outside the organisation."
)
CONFINED_QUESTION = (
    "Was it only unauthorised access, collection, use, disclosure, copying or modification"
    " within the organisation, with no one outside seeing, receiving or taking the data?"
)
LEGACY_CONFINED_WARNING = (
    "This facts file says only that the data stayed inside the organisation (confined ="
    ' "yes"), so it was read as access or use only by people inside the business. Check'
    " that this is what happened and set `kind`: a lost or stolen device, wrongful disposal"
    " or a message sent to the wrong person is not covered by the exclusion (s26B(4))."
)

NOT_DEEMED = (
    "Harm not deemed by the Schedule: none of the data the regulations list is involved."
    " The list does not limit the law (s26B(2)): is significant harm still likely on these"
    " facts (s26B(1)(a))? If so, the breach is notifiable."
)

# Days after the notifiability assessment by which PDPC must be told (s26D(1)).
PDPC_DAYS = 3
# PDPC's guide (Managing and Notifying Data Breaches under the PDPA) expects the assessment
# within 30 days of credible grounds to believe a breach occurred: guidance, not the Act.
ASSESSMENT_DAYS = 30
# A breach affecting this many people or more is of significant scale (s26B(3); reg 4).
SCALE_THRESHOLD = 500

Line = Annotated[str, AfterValidator(clean_name)]
Text = Annotated[str, AfterValidator(lambda text: clean(text).strip())]


def _moment(value: Any) -> dt.datetime | dt.date:
    """A local date and time, or a date alone: from TOML, JSON or typed text."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            raise ValueError(
                "use a date and time such as 2026-12-01 09:30, or a date such as 2026-12-01"
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("give the local time without an offset, e.g. 2026-12-01T09:30")
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.date):
        return value
    raise ValueError("use a date and time such as 2026-12-01 09:30, or a date such as 2026-12-01")


# Written to JSON explicitly: pydantic's union serialiser warns on a plain-validated union.
Moment = Annotated[
    dt.datetime | dt.date,
    PlainValidator(_moment),
    PlainSerializer(lambda value: value.isoformat(), when_used="json"),
]


def _filled(text: str) -> str:
    if not text:
        raise ValueError("write something here: an entry cannot be blank")
    return text


class LogEntry(BaseModel):
    """One step in the incident's audit trail: when, who did it, and what was done."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A local date and time (2026-12-01T09:30:00), or just the date when the time is not known.
    at: Moment
    who: Annotated[Line, AfterValidator(_filled)]
    what: Annotated[Text, AfterValidator(_filled)]

    @property
    def day(self) -> dt.date:
        return self.at.date() if isinstance(self.at, dt.datetime) else self.at

    @property
    def when(self) -> str:
        """`2026-12-01 09:30`, or the date alone when no time was given."""
        if isinstance(self.at, dt.datetime):
            return self.at.isoformat(sep=" ", timespec="minutes")
        return self.at.isoformat()


class IncidentFacts(BaseModel):
    """The facts of one incident as far as the owner knows them today."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    title: Line = "Suspected data breach"
    # What kind of incident it is; only "internal" can be excluded under s26B(4).
    kind: IncidentKind = "unknown"
    # True when `kind` was read from an old file's `confined = "yes"` and not yet checked.
    kind_assumed: bool = False
    discovered_on: dt.date
    # The day the owner assessed the breach as notifiable: the PDPC clock starts here.
    assessed_on: dt.date | None = None
    # Full name, alias or identification number of the people involved.
    identifiers: Tri = "unknown"
    # An account identifier together with its password, security code or answer.
    credentials: Tri = "unknown"
    # Schedule Part 1 classes a shop is likely to hold, each asked on its own (reg 3(1)(a)).
    card_numbers: Tri = "unknown"
    bank_accounts: Tri = "unknown"
    pay: Tri = "unknown"
    # Any other class in Part 1 of the Schedule.
    prescribed: Tri = "unknown"
    affected: int | None = Field(default=None, ge=0, le=100_000_000)
    affected_verified: bool = False
    # For an internal incident: was it only within the organisation (s26B(4))?
    confined: Tri = "unknown"
    # A measure (e.g. strong encryption) or remedial action makes significant harm unlikely.
    # Set from `not_telling_grounds`; older files set it directly, without saying which.
    harm_unlikely: bool = False
    # Police or PDPC said not to tell the individuals (set as `harm_unlikely` is).
    told_not_to_notify: bool = False
    # Why the people affected are not told, chosen explicitly, and the owner's explanation.
    not_telling_grounds: NoticeGrounds = "none"
    not_telling_why: Text = ""
    # The audit trail: when PDPC and the people affected were told, and why any notice was late.
    pdpc_notified_on: dt.date | None = None
    individuals_notified_on: dt.date | None = None
    late_reasons: Text = ""
    log: tuple[LogEntry, ...] = Field(default=(), max_length=MAX_LOG_ENTRIES)
    # The customer notice.
    what_happened: Text = ""
    # How the business first learned of it (reg 6: the circumstances of becoming aware).
    how_found: Text = ""
    data_involved: Text = ""
    data_verified: bool = False
    # The harm the people could suffer (reg 6).
    potential_harm: Text = ""
    not_yet_known: Text = ""
    actions_taken: Text = ""
    # What the business does about the failure that let it happen (reg 6).
    prevention: Text = ""
    customer_steps: tuple[CustomerStep, ...] = ("watch_phishing",)
    contact_point: Line = ""
    next_update_on: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _old_confined(cls, data: Any) -> Any:
        """An old `confined = "yes"` with no kind is read as internal, flagged to check."""
        if isinstance(data, dict) and "kind" not in data and data.get("confined") == "yes":
            return {**data, "kind": "internal", "kind_assumed": True}
        return data

    @model_validator(mode="before")
    @classmethod
    def _grounds_set_the_flags(cls, data: Any) -> Any:
        """A ground chosen explicitly decides both flags; with none, an old file's flags stand."""
        if not isinstance(data, dict):
            return data
        grounds = data.get("not_telling_grounds", "none")
        if grounds in HARM_UNLIKELY_GROUNDS or grounds in INSTRUCTED_GROUNDS:
            return {
                **data,
                "harm_unlikely": grounds in HARM_UNLIKELY_GROUNDS,
                "told_not_to_notify": grounds in INSTRUCTED_GROUNDS,
            }
        return data

    @field_validator("pdpc_notified_on", "individuals_notified_on")
    @classmethod
    def _not_before_discovery(cls, day: dt.date | None, info: ValidationInfo) -> dt.date | None:
        found = info.data.get("discovered_on")
        if day is not None and isinstance(found, dt.date) and day < found:
            raise ValueError(f"this cannot be before discovered_on ({found.isoformat()})")
        return day

    @model_validator(mode="after")
    def _dates_in_order(self) -> IncidentFacts:
        if self.assessed_on is not None and self.assessed_on < self.discovered_on:
            raise ValueError("assessed_on cannot be before discovered_on")
        return self


def date_problems(facts: IncidentFacts, today: dt.date) -> dict[str, str]:
    """Field -> what is wrong, for dates outside a sane range as of `today`.

    Discovery, assessment, the notifications and the logged steps have happened
    (2000 to today); the next update to customers is at most ten years ahead.
    """
    checks = [
        ("discovered_on", facts.discovered_on, check_past),
        ("assessed_on", facts.assessed_on, check_past),
        ("pdpc_notified_on", facts.pdpc_notified_on, check_past),
        ("individuals_notified_on", facts.individuals_notified_on, check_past),
        ("next_update_on", facts.next_update_on, check_plan),
    ]
    checks += [(f"log[{n}].at", entry.day, check_past) for n, entry in enumerate(facts.log)]
    problems: dict[str, str] = {}
    for name, day, check in checks:
        if day is None:
            continue
        try:
            check(day, today)
        except DateError as error:
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
    # What made harm deemed: "account logins with passwords (reg 3(1)(b))", Schedule classes.
    deemed_by: tuple[str, ...] = ()
    # s26B(4): "yes" excluded, "no" not excluded, "unknown" not settled; None: not an internal kind.
    exclusion: Tri | None = None
    warnings: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return OUTCOME_WORDS[self.outcome]


def notifiability(facts: IncidentFacts) -> Verdict:
    """The verdict on `facts` under s26B and the deadlines under s26D."""
    harm, deemed_by, harm_reasons, harm_gaps = _significant_harm(facts)
    scale, scale_reason, scale_gap = _significant_scale(facts)
    reasons = [*harm_reasons, scale_reason]
    gaps = [*harm_gaps, *([scale_gap] if scale_gap else [])]
    exclusion = _exclusion(facts)
    if exclusion == "yes":
        outcome: Outcome = "not_notifiable"
        reasons.insert(
            0, f"You said only people inside the business were involved. {EXCLUSION_RULE}"
        )
    elif "yes" in (harm, scale):
        outcome = "likely"
    elif "unknown" in (harm, scale):
        outcome = "unclear"
    else:
        outcome = "unlikely"
    if outcome != "unlikely":
        gaps += _kind_gaps(facts, exclusion)
    if facts.kind not in ("internal", "unknown") and outcome != "not_notifiable":
        reasons.append(
            f"What happened: {INCIDENT_KINDS[facts.kind].lower()}. The exclusion for breaches"
            " only within the organisation (s26B(4)) does not apply to this kind of incident."
        )
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
        deemed_by=deemed_by,
        exclusion=exclusion,
        warnings=((LEGACY_CONFINED_WARNING,) if facts.kind_assumed else ()) + audit_warnings(facts),
    )


def _exclusion(facts: IncidentFacts) -> Tri | None:
    """s26B(4) applies only to access or use inside the organisation, never to other kinds."""
    if facts.kind != "internal":
        return None
    return facts.confined


def _kind_gaps(facts: IncidentFacts, exclusion: Tri | None) -> list[str]:
    if facts.kind == "unknown":
        return [
            "what kind of incident it is (outside access or theft, a lost device, disposal,"
            " a message to the wrong person, or access only inside the business)"
        ]
    if exclusion == "unknown":
        return ["whether anyone outside the organisation saw, received or took the data"]
    return []


def _deemed_classes(facts: IncidentFacts) -> tuple[list[str], list[str]]:
    """The Part 1 questions answered yes, and those not known yet, as labels with their rule."""
    schedule = builtin_schedule()
    found: list[str] = []
    unknown: list[str] = []
    for key in CLASS_KEYS:
        question = schedule.question(key)
        label = f"{question.label} ({question.rule})"
        answer = getattr(facts, key)
        if answer == "yes":
            found.append(label)
        elif answer == "unknown":
            unknown.append(label)
    return found, unknown


def _significant_harm(facts: IncidentFacts) -> tuple[Tri, tuple[str, ...], list[str], list[str]]:
    deemed: list[str] = []
    if facts.credentials == "yes":
        deemed.append("account logins with their passwords or other access data (reg 3(1)(b))")
    found, unknown = _deemed_classes(facts)
    if facts.identifiers == "yes":
        deemed += [f"full names, aliases or ID numbers with {label}" for label in found]
    if deemed:
        reasons = [f"Harm deemed (s26B(2)): {item}." for item in deemed]
        return "yes", tuple(deemed), reasons, []
    gaps: list[str] = []
    if facts.credentials == "unknown":
        gaps.append("whether passwords, security codes or answers were taken with the logins")
    if facts.identifiers == "unknown" and (found or unknown):
        gaps.append("whether full names, aliases or ID numbers (NRIC, passport) were involved")
    if facts.identifiers != "no":
        gaps += [f"whether {label} {_were(label)} involved" for label in unknown]
    if gaps:
        return (
            "unknown",
            (),
            ["Whether harm is deemed cannot be settled until the data is known."],
            gaps,
        )
    return "no", (), [NOT_DEEMED], gaps


def _were(label: str) -> str:
    """`were` for a plural label ("card numbers (reg ...)"), `was` for a single one
    ("another class ... (reg ...)"), read before the rule in brackets."""
    return "were" if label.split(" (", 1)[0].endswith("s") else "was"


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
        return (
            "yes",
            f"{count} people are affected{firm}: significant scale (500 or more, estimates"
            " count; s26B(3), reg 4).",
            None,
        )
    if not facts.affected_verified:
        return (
            "unknown",
            f"About {count} people are affected, an estimate below 500: if you have reason to"
            " believe 500 or more are affected, that is significant scale (s26B(3), reg 4).",
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
    if outcome == "not_notifiable":
        return "no", "An excluded breach is not notifiable, so nobody must be told (s26B(4))."
    if harm == "no":
        return "no", (
            "Individuals must be told only when significant harm is likely (s26D(2)): if you"
            " decide it still is, tell them at the same time as, or after, PDPC."
        )
    if facts.told_not_to_notify:
        return "no", _instructed_note(facts)
    if facts.harm_unlikely:
        return "no", _harm_unlikely_note(facts)
    if harm == "unknown":
        return "unknown", "If significant harm is likely, tell the individuals too."
    return "yes", (
        "Tell each affected person at the same time as, or after, you notify PDPC,"
        " never before (s26D(2))."
    )


def _instructed_note(facts: IncidentFacts) -> str:
    who, rule = {
        "law_enforcement": ("A prescribed law enforcement agency instructed you", "s26D(6)(a)"),
        "pdpc_direction": ("PDPC directed you", "s26D(6)(b)"),
    }.get(facts.not_telling_grounds, ("Police or PDPC told you", "s26D(6)"))
    return (
        f"{who} not to notify individuals: you must not tell them while that instruction"
        f" stands ({rule}). Keep a copy of the instruction."
    )


def _harm_unlikely_note(facts: IncidentFacts) -> str:
    which = {
        "remedial_action": "action you took after assessing the breach (s26D(5)(a))",
        "technological_measure": (
            "a technological measure in place before the breach (s26D(5)(b))"
        ),
    }.get(facts.not_telling_grounds)
    if which is None:
        return (
            "You said a measure or remedial action makes significant harm unlikely;"
            " then individuals need not be told (s26D(5)). Say which (not_telling_grounds)"
            " and record why you believe this."
        )
    return (
        f"You said {which} makes significant harm to them unlikely; then individuals need"
        " not be told (s26D(5)). Record why you believe this."
    )


def pdpc_days_late(facts: IncidentFacts, verdict: Verdict) -> int:
    """Calendar days the recorded PDPC notice came after the s26D(1) deadline; 0 if on time."""
    if facts.pdpc_notified_on is None or verdict.pdpc_by is None:
        return 0
    return max(0, (facts.pdpc_notified_on - verdict.pdpc_by).days)


def audit_warnings(facts: IncidentFacts) -> tuple[str, ...]:
    """Steps recorded out of the order the Act sets, each as a warning to act on."""
    told, pdpc = facts.individuals_notified_on, facts.pdpc_notified_on
    warnings: list[str] = []
    if told is not None and (pdpc is None or told < pdpc):
        warnings.append(
            "You recorded telling the people affected"
            + (" before notifying PDPC" if pdpc else " but no date for notifying PDPC")
            + ": individuals are told at the same time as, or after, PDPC (s26D(2))."
        )
    if pdpc is not None and facts.assessed_on is None:
        warnings.append(
            "You recorded notifying PDPC but not the day you assessed the breach as"
            " notifiable: record it (assessed_on), since the deadline counts from it (s26D(1))."
        )
    return tuple(warnings)
