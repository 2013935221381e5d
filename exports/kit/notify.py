"""The notifiability record: what the owner knew, what Part 6A makes of it, and the clock.

Markdown for the owner to keep (with a decision log to sign), TOML for tools.
Every outside string goes through `inline()` (Markdown) or `for_output()` (TOML).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli_w

from pdpa_check.exports.escape import finish, inline
from pdpa_check.exports.kit.common import NOT_LEGAL_ADVICE, footer, header
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import (
    ASSESSMENT_DAYS,
    CONFINED_QUESTION,
    EXCLUSION_RULE,
    GROUNDS_ASK,
    INCIDENT_KINDS,
    NOTICE_GROUNDS,
    PDPC_DAYS,
    SCALE_THRESHOLD,
    IncidentFacts,
    Verdict,
    pdpc_days_late,
)
from pdpa_check.questionnaires.schedule import QUESTION_KEYS, builtin_schedule, item_label
from pdpa_check.support.text import for_output

FORMAT_NAME = "pdpa-check-incident-record"
FORMAT_VERSION = 1
TITLE = "Breach notifiability record"

TRI_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known yet (uncertain)"}

PDPC_RULE = (
    f"as soon as practicable, and no later than {PDPC_DAYS} calendar days after the day"
    " you assessed the breach as notifiable"
)
ASSESS_RULE = (
    f"PDPC's guide expects the assessment within {ASSESSMENT_DAYS} calendar days of when you"
    " first had credible grounds to believe a breach occurred (PDPC, Guide on Managing and"
    " Notifying Data Breaches under the PDPA; guidance, not the Act)"
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
    "If the breach is likely to draw wide public attention, or you need guidance on telling"
    " the people affected, PDPC's guide strongly encourages you to notify PDPC and seek its"
    " advice first, before you tell them (PDPC, Guide on Managing and Notifying Data Breaches"
    ' under the PDPA, "Report").'
)
HARM_WORDS = {
    "yes": "Harm deemed (s26B(2))",
    "no": "Harm not deemed by the Schedule: is significant harm still likely? (s26B(1)(a))",
    "unknown": "Not known yet (uncertain): whether harm is deemed depends on the data involved",
}
SCALE_WORDS = {
    "yes": "Yes (s26B(3), reg 4)",
    "no": "No: fewer than 500 people, counted",
    "unknown": "Not known yet (uncertain)",
}
EXCLUSION_WORDS = {
    "yes": "Excluded: confined within the organisation (s26B(4))",
    "no": "Does not apply: the data went beyond the organisation",
    "unknown": "Not settled yet: find out whether anyone outside saw, received or took the data",
}


def _with_rule(text: str, rule: str) -> str:
    """`text (rule).`: the rule inside the sentence it supports."""
    return f"{text.rstrip('.')} ({rule})."


def schedule_note() -> str:
    """What makes harm deemed, every Schedule class in plain words, and the exclusions."""
    schedule = builtin_schedule()
    source = schedule.source
    lines = [
        '## What makes harm "significant"',
        "",
        "A breach is notifiable if it results, or is likely to result, in significant harm to"
        " anyone affected, or if it is, or is likely to be, of significant scale (s26B(1))."
        " The law deems significant harm (s26B(2)) when the breach involves either:",
        "",
        "- "
        + inline(_with_rule(schedule.names.text, schedule.names.rule))
        + " "
        + inline(
            f"{schedule.names.full_name} {schedule.names.alias}"
            f" {schedule.names.identification_number}"
        ),
        "- " + inline(_with_rule(schedule.accounts.text, schedule.accounts.rule)),
        "",
        "This list does not limit the law: a breach involving none of it is still notifiable"
        " if significant harm is likely on the facts (s26B(1)(a)).",
        "",
        f"### The classes in Part 1 of the Schedule ({source.title}, {source.instrument}"
        f", as amended by {', '.join(source.amended_by)})",
        "",
    ]
    lines += [f"- {item_label(entry)}: {inline(entry.name)}." for entry in schedule.part1]
    lines += ["", "Part 2 of the Schedule leaves out:", ""]
    lines += [f"- {inline(entry.name)}." for entry in schedule.part2]
    lines += [
        "",
        f"Schedule as checked on {source.checked_on.isoformat()}. {inline(source.check_current)}",
        "",
        "### Scale and the one exclusion",
        "",
        f"A breach is of significant scale when it affects {SCALE_THRESHOLD} or more people"
        f" (s26B(3), reg 4). If you cannot count them yet, an estimate counts: notify PDPC"
        f" once you have reason to believe {SCALE_THRESHOLD} or more are affected (PDPC,"
        ' Guide on Managing and Notifying Data Breaches under the PDPA, "Significant Scale").',
        "",
        EXCLUSION_RULE,
    ]
    return "\n".join(lines) + "\n"


# s48J(6)(d), as laws.sg gives it; the enforcement guidance is named where to look, unquoted.
MITIGATION_NOTE = (
    "In deciding a financial penalty, PDPC must have regard to whether the organisation took"
    " any action to mitigate the effects and consequences of the non-compliance, and the"
    " timeliness and effectiveness of that action (PDPA s48J(6)(d)). This record and its log"
    " are your evidence of a prompt, documented assessment and of what you did when. How PDPC"
    " weighs voluntary notification and other mitigating factors is set out in PDPC's Advisory"
    " Guidelines on Enforcement of Data Protection Provisions and its Guide on Active"
    " Enforcement (their parts on financial penalties): read them there."
)
LATE_RULE = (
    f"The Act asks for notice no later than {PDPC_DAYS} calendar days after the assessment"
    " (s26D(1)). Write down why the notice was late, with the evidence, and give the reasons"
    " when you notify PDPC."
)
NO_LOG = (
    "No steps logged yet. Log each step as you take it: in the facts file as `[[log]]`"
    " entries (`at`, `who`, `what`), or with Add to log in the app."
)


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
        _audit(facts, verdict),
        schedule_note(),
        DECISION_LOG,
        footer(),
    ]
    return finish("\n".join(parts))


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


def _questions(facts: IncidentFacts) -> list[tuple[str, str]]:
    """The facts the verdict rests on, as questions, in the order they are asked."""
    schedule = builtin_schedule()
    rows = [("What happened?", INCIDENT_KINDS[facts.kind])]
    rows += [(schedule.question(key).text, TRI_WORDS[getattr(facts, key)]) for key in QUESTION_KEYS]
    if facts.kind == "internal":
        rows.append((CONFINED_QUESTION, TRI_WORDS[facts.confined]))
    return rows


def _answers(facts: IncidentFacts) -> str:
    rows = _questions(facts)
    rows += [
        ("How many people are affected?", _affected(facts)),
        ("Grounds for not telling the people affected, if any", _grounds(facts)),
    ]
    lines = ["## What you said about the data", "", "| Question | Your answer |", "| --- | --- |"]
    lines += [f"| {inline(question)} | {answer} |" for question, answer in rows]
    return "\n".join(lines) + "\n"


def _grounds(facts: IncidentFacts) -> str:
    """The ground chosen, or an older file's flag that does not say which limb applies."""
    if facts.not_telling_grounds != "none" or not (facts.harm_unlikely or facts.told_not_to_notify):
        return inline(NOTICE_GROUNDS[facts.not_telling_grounds])
    if facts.told_not_to_notify:
        return "Police or PDPC said not to tell them (s26D(6)); which one not recorded yet"
    return (
        "A measure or remedial action makes significant harm unlikely (s26D(5)); which one"
        " not recorded yet"
    )


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
        f"- **Significant harm:** {_harm_line(verdict)}",
        f"- **Significant scale ({SCALE_THRESHOLD} or more people, estimates count):** "
        f"{SCALE_WORDS[verdict.significant_scale]}",
    ]
    if verdict.exclusion is not None:
        lines.append(f"- **Only within the organisation:** {EXCLUSION_WORDS[verdict.exclusion]}")
    lines += [f"- **Check:** {inline(warning)}" for warning in verdict.warnings]
    lines += ["", "Why:", ""]
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


def _harm_line(verdict: Verdict) -> str:
    words = HARM_WORDS[verdict.significant_harm]
    if not verdict.deemed_by:
        return words
    return f"{words}: {inline('; '.join(verdict.deemed_by))}"


def _clock(facts: IncidentFacts, verdict: Verdict) -> str:
    lines = [
        "## The clock",
        "",
        f"- **Finish the assessment by {verdict.assess_by.isoformat()}:** PDPC's guide expects"
        f" the assessment within {ASSESSMENT_DAYS} calendar days of when you first had credible"
        " grounds to believe a breach occurred (PDPC, Guide on Managing and Notifying Data"
        " Breaches under the PDPA). This is PDPC's expectation, not a deadline in the Act; the"
        " Act asks you to assess reasonably and expeditiously (s26C(2)). If it takes longer,"
        " write down why.",
        f"- **Notify PDPC:** {_pdpc_line(facts, verdict)}",
        f"- **Tell the people affected:** {_individuals_line(verdict)}",
    ]
    if verdict.outcome in ("likely", "unclear"):
        lines.append(f"- {PUBLIC_ATTENTION}")
    return "\n".join(lines) + "\n"


def _audit(facts: IncidentFacts, verdict: Verdict) -> str:
    """The steps and their dates, any late notice and why, the grounds, the log, and why keep it."""
    lines = [
        "## Audit trail",
        "",
        "| Step | Date |",
        "| --- | --- |",
        f"| First had reason to believe there was a breach | {facts.discovered_on.isoformat()} |",
        f"| Assessed as notifiable | {_day(facts.assessed_on)} |",
        f"| PDPC notified{_due(verdict)} | {_day(facts.pdpc_notified_on)} |",
        f"| People affected told | {_told(facts)} |",
        "",
    ]
    lines += _late(facts, verdict)
    lines += _not_telling(facts)
    lines += ["### Log", ""]
    if facts.log:
        lines += ["| When | Who | What |", "| --- | --- | --- |"]
        lines += [
            f"| {entry.when} | {inline(entry.who)} | {inline(' '.join(entry.what.split()))} |"
            for entry in facts.log
        ]
    else:
        lines.append(NO_LOG)
    lines += ["", "### Why keep this trail", "", MITIGATION_NOTE]
    return "\n".join(lines) + "\n"


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "not recorded yet"


def _due(verdict: Verdict) -> str:
    return f" (no later than {verdict.pdpc_by.isoformat()}, s26D(1))" if verdict.pdpc_by else ""


def _told(facts: IncidentFacts) -> str:
    if facts.individuals_notified_on is not None:
        return facts.individuals_notified_on.isoformat()
    if facts.not_telling_grounds != "none" or facts.harm_unlikely or facts.told_not_to_notify:
        return "not told: see the grounds below"
    return "not recorded yet"


def _late(facts: IncidentFacts, verdict: Verdict) -> list[str]:
    """Reasons for a PDPC notice after the s26D(1) deadline, asked for visibly when missing."""
    late = pdpc_days_late(facts, verdict)
    if not late or facts.pdpc_notified_on is None or verdict.pdpc_by is None:
        return []
    days = f"{late} calendar day{'s' if late != 1 else ''}"
    lines = [
        "### Late notice to PDPC",
        "",
        f"PDPC was notified on {facts.pdpc_notified_on.isoformat()}, {days} after the deadline"
        f" ({verdict.pdpc_by.isoformat()}). {LATE_RULE}",
        "",
    ]
    if facts.late_reasons:
        lines += [f"**Reasons:** {inline(' '.join(facts.late_reasons.split()))}", ""]
    else:
        lines += [
            "**Reasons for the late notice: [not recorded yet: write them in `late_reasons`, or"
            " under Reasons for a late notice in the app]**",
            "",
        ]
    return lines


def _not_telling(facts: IncidentFacts) -> list[str]:
    """The grounds for not telling the people affected, and the owner's explanation."""
    grounds = facts.not_telling_grounds
    if grounds == "none" and not (facts.harm_unlikely or facts.told_not_to_notify):
        return []
    lines = ["### Not telling the people affected", "", f"- **Grounds:** {_grounds(facts)}"]
    if grounds == "none":
        lines.append(
            "- **Which ground: [not chosen yet: choose one in `not_telling_grounds`, or under"
            " Grounds for not telling them in the app]**"
        )
    elif facts.not_telling_why:
        lines.append(f"- **Why:** {inline(' '.join(facts.not_telling_why.split()))}")
    else:
        lines.append(
            f"- **Why: [not explained yet: write down {GROUNDS_ASK[grounds]}, in"
            " `not_telling_why`]**"
        )
    return [*lines, ""]


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
        "audit": _audit_data(facts, verdict),
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


def _audit_data(facts: IncidentFacts, verdict: Verdict) -> dict[str, Any]:
    """What the audit trail still needs: reasons for a late notice, and the grounds explained."""
    late = pdpc_days_late(facts, verdict)
    grounds = facts.not_telling_grounds
    return {
        "pdpc_days_late": late,
        "late_reasons_missing": bool(late) and not facts.late_reasons,
        "grounds_not_chosen": grounds == "none"
        and (facts.harm_unlikely or facts.told_not_to_notify),
        "grounds_not_explained": grounds != "none" and not facts.not_telling_why,
        "log_entries": len(facts.log),
        "mitigation_note": MITIGATION_NOTE,
    }


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
        "deemed_by": [for_output(item) for item in verdict.deemed_by],
        **({"exclusion": verdict.exclusion} if verdict.exclusion is not None else {}),
        "warnings": [for_output(warning) for warning in verdict.warnings],
        "reasons": [for_output(reason) for reason in verdict.reasons],
        "to_find_out": [for_output(gap) for gap in verdict.to_find_out],
        "notify_individuals": verdict.notify_individuals,
        "individuals_note": for_output(verdict.individuals_note),
        "deadlines": deadlines,
    }
