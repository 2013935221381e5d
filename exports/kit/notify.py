"""The notifiability record: what the owner knew, what Part 6A makes of it, and the clock.

Markdown for the owner to keep (with a decision log to sign), TOML for tools.
Every outside string goes through `inline()` (Markdown) or `for_output()` (TOML).
"""

from __future__ import annotations

from typing import Any

import tomli_w

from pdpa_check.exports.kit.common import NOT_LEGAL_ADVICE, footer, header
from pdpa_check.exports.markdown import inline
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import (
    ASSESSMENT_DAYS,
    PDPC_DAYS,
    SCALE_THRESHOLD,
    IncidentFacts,
    Verdict,
)
from pdpa_check.text import for_output

FORMAT_NAME = "pdpa-check-incident-record"
FORMAT_VERSION = 1
TITLE = "Breach notifiability record"

TRI_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known yet (uncertain)"}
FLAG_WORDS = {True: "Yes", False: "No"}

# The facts the verdict rests on, as questions, in the order they are asked.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("identifiers", "Full names, aliases or identification numbers involved?"),
    (
        "credentials",
        "Account logins together with their passwords, security codes or other credentials?",
    ),
    ("prescribed", "Any prescribed class of data (see below)?"),
    ("confined", "Did the data stay inside the organisation?"),
)

PDPC_RULE = (
    f"as soon as practicable, and no later than {PDPC_DAYS} calendar days after the day"
    " you assessed the breach as notifiable"
)
ASSESS_RULE = (
    f"PDPC's guide expects the assessment within {ASSESSMENT_DAYS} calendar days of first"
    " becoming aware of a possible breach (guidance, not the Act)"
)
CLOCK_NOT_STARTED = (
    "The clock starts on the day you decide it is notifiable: record that date. From that day"
    f" you have no later than {PDPC_DAYS} calendar days to notify PDPC, using PDPC's online form."
)
NO_PDPC_DUE = (
    "Nothing is due to PDPC on these facts. If new facts make the breach notifiable, the clock"
    f" starts on the day you decide so: notify PDPC no later than {PDPC_DAYS} calendar days"
    " after that day."
)
PUBLIC_ATTENTION = (
    "If the breach is likely to draw public or media attention, PDPC's guidance is to notify"
    " PDPC before the people affected and before any statement to the media."
)

PRESCRIBED_NOTE = f"""\
## What makes harm "significant"

The Act deems a breach to cause significant harm (s26B(2)) when it involves either:

- a person's full name, alias or identification number **together with** data in a \
prescribed class listed in the Schedule to the Notification of Data Breaches Regulations \
2021. Classes seen in a copy of the Schedule: private keys used for electronic signatures, \
net worth, deposits and withdrawals, credit and advances, and data on vulnerable adults and \
on victims of specified sexual offences. Other classes are reported, such as card and account \
numbers, insurance and medical details, and adoption and minors' data, but could not be \
confirmed here (uncertain): check them against the Schedule itself before relying on them; or
- an account identifier **together with** the password, security code, security answer, \
biometric data or other credential needed to get into that account.

A breach is also notifiable when it is of significant scale: the regulations set \
{SCALE_THRESHOLD} or more people (s26B(3)). A breach confined within the organisation (for \
example, a staff member looking at records without authority when nothing left the \
organisation) is not notifiable (s26B(4)).
"""

DECISION_LOG = """\
## Decision log

Fill this in by hand as you decide, and keep it with this record.

| Decision | Decided by | Date | Signature |
| --- | --- | --- | --- |
| Breach assessed as notifiable / not notifiable (strike out one) |  |  |  |
| PDPC notified (write down the reference PDPC gives you) |  |  |  |
| People affected notified, or why not |  |  |  |
| Verdict looked at again after new facts |  |  |  |
"""


def render_record_markdown(ctx: KitContext, facts: IncidentFacts, verdict: Verdict) -> str:
    """The record the owner keeps: the facts, the verdict and why, the deadlines."""
    parts = [
        header(ctx, TITLE),
        _incident(ctx, facts),
        _answers(facts),
        _verdict(verdict),
        _clock(facts, verdict),
        PRESCRIBED_NOTE,
        DECISION_LOG,
        footer(),
    ]
    return "\n".join(parts)


def _incident(ctx: KitContext, facts: IncidentFacts) -> str:
    assessed = facts.assessed_on.isoformat() if facts.assessed_on else "not decided yet"
    lead = ctx.contacts.get("incident_lead")
    lines = [
        "## The incident",
        "",
        f"- **Incident:** {inline(facts.title)}",
        f"- **Discovered on:** {facts.discovered_on.isoformat()}",
        f"- **Assessed as notifiable on:** {assessed}",
        f"- **Incident lead:** {inline(lead.name) if lead else 'nobody named in pdpa-check yet'}",
    ]
    return "\n".join(lines) + "\n"


def _answers(facts: IncidentFacts) -> str:
    rows = [(question, TRI_WORDS[getattr(facts, field)]) for field, question in QUESTIONS]
    rows += [
        ("How many people are affected?", _affected(facts)),
        (
            "Does a measure or a remedial action make significant harm unlikely?",
            FLAG_WORDS[facts.harm_unlikely],
        ),
        (
            "Did the police or PDPC say not to tell the people affected?",
            FLAG_WORDS[facts.told_not_to_notify],
        ),
    ]
    lines = ["## What you said about the data", "", "| Question | Your answer |", "| --- | --- |"]
    lines += [f"| {question} | {answer} |" for question, answer in rows]
    return "\n".join(lines) + "\n"


def _affected(facts: IncidentFacts) -> str:
    if facts.affected is None:
        return TRI_WORDS["unknown"]
    if facts.affected_verified:
        return f"{facts.affected:,} (checked)"
    return f"About {facts.affected:,} (an estimate, not yet checked: uncertain)"


def _verdict(verdict: Verdict) -> str:
    lines = [
        f"## Verdict: {inline(verdict.words)}",
        "",
        f"- **Significant harm:** {TRI_WORDS[verdict.significant_harm]}",
        f"- **Significant scale ({SCALE_THRESHOLD} or more people):** "
        f"{TRI_WORDS[verdict.significant_scale]}",
        "",
        "Why:",
        "",
    ]
    lines += [f"- {inline(reason)}" for reason in verdict.reasons]
    lines += ["", "### Still to find out", ""]
    if verdict.to_find_out:
        lines += [
            "**Uncertain:** this verdict may change once you know these. Until then, treat the"
            " breach as possibly notifiable and keep assessing it.",
            "",
        ]
        lines += [f"- {inline(gap)}" for gap in verdict.to_find_out]
    else:
        lines.append("Nothing for this verdict. If new facts come to light, run the check again.")
    return "\n".join(lines) + "\n"


def _clock(facts: IncidentFacts, verdict: Verdict) -> str:
    lines = [
        "## The clock",
        "",
        f"- **Finish the assessment by {verdict.assess_by.isoformat()}:** PDPC's guide expects"
        f" the assessment within {ASSESSMENT_DAYS} calendar days of first becoming aware of a"
        " possible breach. This is PDPC's expectation, not a deadline in the Act; the Act asks"
        " you to assess reasonably and quickly. If it takes longer, write down why.",
        f"- **Notify PDPC:** {_pdpc_line(facts, verdict)}",
        f"- **Tell the people affected:** {_individuals_line(verdict)}",
    ]
    if verdict.outcome in ("likely", "unclear"):
        lines.append(f"- {PUBLIC_ATTENTION}")
    return "\n".join(lines) + "\n"


def _pdpc_line(facts: IncidentFacts, verdict: Verdict) -> str:
    if verdict.pdpc_by is None or facts.assessed_on is None:
        return CLOCK_NOT_STARTED if verdict.outcome in ("likely", "unclear") else NO_PDPC_DUE
    if verdict.outcome in ("likely", "unclear"):
        return (
            f"as soon as practicable, and no later than **{verdict.pdpc_by.isoformat()}**"
            f" ({PDPC_DAYS} calendar days after {facts.assessed_on.isoformat()}, the day you"
            " assessed the breach as notifiable). Weekends and public holidays count."
            " Use PDPC's online form."
        )
    return (
        f"the facts above do not make the breach notifiable, but you recorded"
        f" {facts.assessed_on.isoformat()} as the day you assessed it as notifiable. If that"
        f" decision stands, notify PDPC no later than **{verdict.pdpc_by.isoformat()}**"
        f" ({PDPC_DAYS} calendar days after it), using PDPC's online form."
    )


def _individuals_line(verdict: Verdict) -> str:
    lead = {
        "yes": "Yes.",
        "unknown": "Not clear yet (uncertain).",
        "no": "Not required on these facts.",
    }[verdict.notify_individuals]
    return f"{lead} {inline(verdict.individuals_note)}"


# TOML ------------------------------------------------------------------------------


def render_record_toml(ctx: KitContext, facts: IncidentFacts, verdict: Verdict) -> str:
    """The same record as data: the facts (readable back), the verdict and the deadlines."""
    return tomli_w.dumps(record_data(ctx, facts, verdict))


def record_data(ctx: KitContext, facts: IncidentFacts, verdict: Verdict) -> dict[str, Any]:
    basis: dict[str, Any] = {"bank_id": ctx.bank_id, "bank_version": ctx.bank_version}
    if ctx.assessment_id is not None:
        basis["assessment"] = ctx.assessment_id
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "generated_on": ctx.generated_on,
        "tool_version": ctx.tool_version,
        "disclaimer": NOT_LEGAL_ADVICE,
        "organisation": {"name": for_output(ctx.profile.name)},
        "basis": basis,
        "facts": facts_data(facts),
        "verdict": _verdict_data(verdict),
    }


def facts_data(facts: IncidentFacts) -> dict[str, Any]:
    """The facts as TOML-ready data: no None, lists not tuples, text sanitised."""
    return {key: _plain(value) for key, value in facts.model_dump().items() if value is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return for_output(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _verdict_data(verdict: Verdict) -> dict[str, Any]:
    deadlines: dict[str, Any] = {"assess_by": verdict.assess_by, "assess_rule": ASSESS_RULE}
    if verdict.pdpc_by is not None:
        deadlines["pdpc_by"] = verdict.pdpc_by
    deadlines["pdpc_rule"] = PDPC_RULE
    return {
        "outcome": verdict.outcome,
        "words": for_output(verdict.words),
        "significant_harm": verdict.significant_harm,
        "significant_scale": verdict.significant_scale,
        "reasons": [for_output(reason) for reason in verdict.reasons],
        "to_find_out": [for_output(gap) for gap in verdict.to_find_out],
        "notify_individuals": verdict.notify_individuals,
        "individuals_note": for_output(verdict.individuals_note),
        "deadlines": deadlines,
    }
