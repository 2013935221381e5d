"""The first-24-hours incident plan: who does what, how to freeze each system, what
evidence to keep, who to tell and when, and what to prepare before the bad day.

Markdown for people, TOML for tools and vendors, both from the same data.

Printable on two A4 pages: for the demo organisation (7 systems, with or without its
contacts named) the Markdown is at most 120 lines and no line is longer than 100
characters (`tests/test_kit_docs.py` checks both). Lines are wrapped at spaces. Outside text
(names, answers) goes through `inline()`; short pieces are also glued into one unbreakable
word by `atom()`, and every wrapped line is guarded by `_guard()`, so a wrap can never put
`- x`, `1. x` or `# x` at the start of a line, where it would open a block.

Facts come from the project's PDPA fact sheet: PDPC is told no later than 3 calendar
days after the day the breach is assessed as notifiable; individuals at the same time as
or after PDPC; PDPC's guide expects the assessment within 30 days of credible grounds to
believe a breach occurred.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

import tomli_w

from pdpa_check.exports.escape import finish, inline
from pdpa_check.exports.kit.common import NOT_LEGAL_ADVICE, footer, header
from pdpa_check.exports.kit.systems import COMMON_FREEZE, freeze_steps, guide
from pdpa_check.kit.contacts import CONTACT_ROLES, ESSENTIAL_ROLES, Contact, missing_roles
from pdpa_check.kit.context import KitContext
from pdpa_check.questionnaires.platforms import SystemSteps, builtin_catalogue, own_steps
from pdpa_check.support.text import for_output

TITLE = "First-24-hours incident plan"
FORMAT_NAME = "pdpa-check-incident-plan"
FORMAT_VERSION = 1
WIDTH = 100
NOT_NAMED = "NOT NAMED: decide who before you need this"

# Layout ---------------------------------------------------------------------------------

# Marks the spaces inside outside text, so textwrap never breaks it. for_output() strips
# NUL, so no escaped name can contain one.
_GLUE = "\x00"
# What would open a block if it began a continuation line of a paragraph or list item.
_BLOCK_START = re.compile(r"^(\d+)(?=[.)])|^([-+*#>=])")


def atom(text: str) -> str:
    """Outside text as escaped inline Markdown, kept on one line when wrapped."""
    return inline(text).replace(" ", _GLUE)


def code(text: str) -> str:
    """A literal command as a code span that is never broken across lines."""
    return f"`{text}`".replace(" ", _GLUE)


def _guard(line: str) -> str:
    """Escape a block marker at the start of a wrapped line (it is literal text)."""
    body = line.lstrip(" ")
    safe = _BLOCK_START.sub(lambda m: m.group(1) + "\\" if m.group(1) else "\\" + m.group(2), body)
    return line[: len(line) - len(body)] + safe


def wrap(first: str, text: str, rest: str = "  ") -> str:
    """`text` after the prefix `first`, wrapped at WIDTH with `rest` on later lines."""
    lines = textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    guarded = lines[:1] + [rest + _guard(line[len(rest) :]) for line in lines[1:]]
    return "\n".join(guarded).replace(_GLUE, " ") + "\n"


def bullets(items: list[str] | tuple[str, ...]) -> str:
    return "".join(wrap("- ", item) for item in items)


def numbered(items: list[str] | tuple[str, ...]) -> str:
    return "".join(wrap(f"{n}. ", item, "   ") for n, item in enumerate(items, 1))


def wrapped_footer() -> str:
    """`footer()`, its long lines wrapped to WIDTH like the rest of the document."""
    lines = footer().splitlines()
    return "".join(wrap("", line, "") if len(line) > WIDTH else line + "\n" for line in lines)


def section(title: str, body: str) -> str:
    return f"## {title}\n\n{body}"


# The plan's content --------------------------------------------------------------------

FIRST_HOUR: tuple[str, ...] = (
    "Start an incident log: when and how you found out, then each step, its time and who did it.",
    "Call the incident lead (or the deputy). They decide; everyone else reports to them.",
    "Freeze access on the systems involved (below), changing passwords from a device you trust.",
    "Get back misdirected data: ask the wrong recipient to delete it and confirm in writing.",
    "Take an affected computer or phone off the internet, but do not wipe, reset or reinstall it.",
    "Call your IT vendor if you have one, and agree when you will next check in.",
)

EVIDENCE: tuple[str, ...] = (
    "Note every step with its time in the incident log; keep original emails and files unchanged.",
    "Export activity and sign-in logs before they roll over; check how long your plan keeps them.",
    "Take dated screenshots of anything suspicious: emails, messages, changed settings, new users.",
    "Suspend accounts rather than delete them: deleting can remove their history.",
    "Do not wipe, reset or reinstall affected devices or sites until you know what happened.",
    "Store the evidence where only the incident lead can reach it: it holds personal data too.",
)

CARE: tuple[tuple[str, str], ...] = (
    (
        "Contain",
        "act at once to stop further access or disclosure: freeze accounts, get back"
        " misdirected data, call the police or CSA where needed; log every action.",
    ),
    (
        "Assess",
        "gather the facts (what data, whose, how many people, how it happened), judge the"
        " harm to the people affected, and decide whether the breach is notifiable.",
    ),
    (
        "Report",
        "if it is notifiable, tell PDPC no later than 3 calendar days after that decision"
        " (PDPA s26D(1)), the affected people if significant harm is likely (s26D(2)), and"
        " others as needed.",
    ),
    ("Evaluate", "review the cause and the response, fix the gaps, and update this plan."),
)

# Assessment questions behind the plan; each one not yet in place is a to-do.
TODOS: dict[str, str] = {
    "inc-plan": "Make this your written plan: check each step, name the"
    " people, keep a printed copy.",
    "inc-freeze": "Check each system's freeze steps above: where they are, and"
    " that two people can.",
    "inc-evidence": "Find out how long each system keeps its activity logs, and"
    " how to export them.",
    "inc-contacts": "Keep everyone's phone number where you can reach it without work email.",
    "inc-staff-report": "Tell staff to report a suspected incident at once, and to whom.",
    "inc-exercise": "Walk through this plan for an hour with the people named in it.",
    "inc-notify-rule": "Make sure the incident lead knows what makes a breach notifiable.",
    "inc-insurance": "If you have cyber insurance, note its breach hotline and how soon it must"
    " be told.",
    "ntf-assess": "Name who assesses a suspected breach and writes down the decision and reasons.",
    "ntf-customer-list": "Know how you would pull the contact list of the affected customers.",
    "ntf-comms-approver": "Name the one person who approves every message about a breach.",
    "ntf-statement-template": "Prepare a customer message template ("
    + code("pdpa-check kit notice")
    + " drafts one).",
    "mon-logs-on": "Switch on activity logs on every system, kept long enough to look back.",
    "mon-audit-logs": "Check the email and store admin activity logs at least monthly.",
}


@dataclass(frozen=True)
class Notice:
    """One party to tell: who, when it applies, and the inventory's systems it concerns."""

    who: str
    when: str
    systems: tuple[str, ...] = ()


def notices(ctx: KitContext) -> list[Notice]:
    """Who to tell and when, naming the organisation's own payment and platform systems."""
    payments = _names(ctx, "payments")
    platforms = _names(ctx, "storefront", "marketplace", "email_suite")
    return [
        Notice(
            "PDPC",
            "only if the breach is notifiable (significant harm is likely, or 500 or more people"
            " are affected): no later than 3 calendar days after the day you assess it as"
            " notifiable, on PDPC's online form (PDPA s26D(1)). PDPC's guide expects that"
            " assessment within 30 days of when you first had credible grounds to believe a"
            " breach occurred; " + code("pdpa-check kit notify") + " counts the days.",
        ),
        Notice(
            "Affected individuals",
            "only if significant harm is likely: at the same time as or after PDPC, never"
            " before (s26D(2)), unless the police or PDPC tell you not to (s26D(6)).",
        ),
        Notice("Police", "if a crime is suspected: hacking, extortion, theft of devices or data."),
        Notice("CSA (SingCERT)", "if it is a cyber attack: hacking, ransomware or malware."),
        Notice(
            "Bank or payment processor",
            "if card or payment data, or a payment account, is involved.",
            payments,
        ),
        Notice(
            "Platform vendor",
            "if their platform is involved, or to help lock accounts and get logs.",
            platforms,
        ),
        Notice(
            "Cyber insurer",
            "if insured: early, before you spend on recovery; check your policy's notice terms.",
        ),
    ]


def todos(ctx: KitContext) -> list[tuple[str, str]]:
    """(question id, to-do) for each incident question the answers do not yet support.

    Without an assessment every to-do is listed; with one, only the questions that apply
    and lack full credit (an absent or not-applicable question is no to-do).
    """
    if ctx.result is None:
        return list(TODOS.items())
    credit = {q.question_id: q.credit for q in ctx.result.questions}
    return [
        (qid, text)
        for qid, text in TODOS.items()
        if qid in credit and (value := credit[qid]) is not None and value < 1.0
    ]


def contact_rows(ctx: KitContext) -> list[tuple[str, str, Contact | None]]:
    """(role, label, contact or None) for every role, in the kit's order."""
    return [(role, label, ctx.contacts.get(role)) for role, label in CONTACT_ROLES.items()]


def _names(ctx: KitContext, *kinds: str) -> tuple[str, ...]:
    return tuple(system.name for system in ctx.profile.systems_of(list(kinds)))


# Markdown -------------------------------------------------------------------------------


def render_plan_markdown(ctx: KitContext) -> str:
    """The plan as Markdown: header, the sections below, footer."""
    parts = [
        header(ctx, TITLE),
        _contacts_md(ctx),
        section("First hour: contain", numbered(FIRST_HOUR)),
        _systems_md(ctx),
        section("Keep the evidence", bullets(EVIDENCE)),
        _notices_md(ctx),
        _care_md(),
        _todos_md(ctx),
        wrapped_footer(),
    ]
    return finish("\n".join(parts))


def _contacts_md(ctx: KitContext) -> str:
    rows = ["| Role | Name | How to reach |", "| --- | --- | --- |"]
    for role, label, contact in contact_rows(ctx):
        rows.append(f"| {label} | {_name_cell(role, contact)} | {_reach_cell(contact)} |")
    notes = _missing_md(ctx)
    return section("Who does what", "\n".join(rows) + "\n" + (f"\n{notes}" if notes else ""))


def _name_cell(role: str, contact: Contact | None) -> str:
    if contact is not None:
        return inline(contact.name)
    return "**NOT NAMED**" if role in ESSENTIAL_ROLES else "not recorded"


def _reach_cell(contact: Contact | None) -> str:
    if contact is None:
        return ""
    return inline(contact.reach) if contact.reach else "not recorded"


def _missing_md(ctx: KitContext) -> str:
    missing = missing_roles(dict(ctx.contacts))
    if not missing:
        return ""
    text = (
        f"**{NOT_NAMED}**: "
        + ", ".join(CONTACT_ROLES[role].lower() for role in missing)
        + ". Record them with "
        + code("pdpa-check kit contacts set ROLE NAME --reach PHONE")
        + "."
    )
    named = ctx.text("inc-lead-names")
    if named and {"incident_lead", "deputy"} & set(missing):
        text += " Your assessment answer names: " + atom(named) + "."
    return wrap("", text, "")


def _systems_md(ctx: KitContext) -> str:
    title = "Freeze access, system by system"
    if not ctx.profile.systems:
        return section(title, wrap("", "No systems listed yet: add them to your profile.", ""))
    common = "On every system involved: " + "; ".join(COMMON_FREEZE) + "."
    items = []
    for system in ctx.profile.systems:
        steps = guide(system.kind)
        items.append(
            wrap("- ", f"**{inline(system.name)}** ({steps.short}{_log_page(system.name)})")
            + wrap("  - Also: ", "; ".join(steps.freeze) + ".", "    ")
            + wrap("  - Keep: ", "; ".join(steps.evidence) + ".", "    ")
        )
    return section(title, wrap("", common, "") + "\n" + "".join(items))


def _log_page(system_name: str) -> str:
    """`; its log: <vendor page>`: where the platform's log is (its steps are in the TOML)."""
    step = own_steps(builtin_catalogue(), "audit_log", system_name)
    if step is None or step.fact is None or step.platform is None:
        return ""
    return f'; its log: {inline(step.platform.name)} help, "{inline(step.fact.source)}"'


def _notices_md(ctx: KitContext) -> str:
    items = []
    for notice in notices(ctx):
        names = f" ({', '.join(atom(name) for name in notice.systems)})" if notice.systems else ""
        items.append(f"**{notice.who}**{names}: {notice.when}")
    return section("Who to tell, and when", bullets(items))


def _care_md() -> str:
    steps = bullets([f"**{name}:** {what}" for name, what in CARE])
    return section("C.A.R.E.: the four steps of PDPC's breach guide", steps)


def _todos_md(ctx: KitContext) -> str:
    items = [text for _, text in todos(ctx)]
    if not items:
        return section(
            "Before you need this", wrap("", "Your answers show these preparations in place.", "")
        )
    lead = (
        "No assessment yet, so all of these are open:"
        if ctx.result is None
        else ("Your answers show these are not yet in place:")
    )
    return section("Before you need this", lead + "\n\n" + bullets(items))


# TOML -----------------------------------------------------------------------------------


def plan_data(ctx: KitContext) -> dict[str, Any]:
    """The plan as TOML-ready data: strings sanitised, no None values."""
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "organisation": for_output(ctx.profile.name),
        "generated_on": ctx.generated_on.isoformat(),
        "tool_version": ctx.tool_version,
        "bank_id": ctx.bank_id,
        "bank_version": ctx.bank_version,
        "disclaimer": NOT_LEGAL_ADVICE,
        "missing_contacts": missing_roles(dict(ctx.contacts)),
        "contacts": [_contact_data(contact) for _, _, contact in contact_rows(ctx) if contact],
        "first_hour": list(FIRST_HOUR),
        "systems": [
            _system_data(system.key, system.kind, system.name) for system in ctx.profile.systems
        ],
        "evidence": list(EVIDENCE),
        "notify": [_notice_data(notice) for notice in notices(ctx)],
        "care": [{"step": name, "what": what} for name, what in CARE],
        "to_do": [{"question": qid, "text": _plain(text)} for qid, text in todos(ctx)],
    }
    if ctx.assessment_id is not None:
        data["assessment_id"] = ctx.assessment_id
    return data


def render_plan_toml(ctx: KitContext) -> str:
    """The plan as TOML, for tools and vendors."""
    return tomli_w.dumps(plan_data(ctx))


def _contact_data(contact: Contact) -> dict[str, str]:
    return {
        "role": contact.role,
        "label": CONTACT_ROLES[contact.role],
        "name": for_output(contact.name),
        "reach": for_output(contact.reach),
    }


def _system_data(key: str, kind: str, name: str) -> dict[str, Any]:
    steps = guide(kind)
    return {
        "key": key,
        "kind": kind,
        "name": for_output(name),
        "freeze": list(freeze_steps(kind)),
        "evidence": list(steps.evidence),
        # The platform's own steps, where checked: removing a user (suspend, do not delete,
        # while you investigate), its connected apps, and where its log is.
        "platform_steps": [
            _platform_data(step)
            for control in ("remove_user", "connected_apps", "audit_log")
            if (step := own_steps(builtin_catalogue(), control, name)) is not None
        ],
    }


def _platform_data(step: SystemSteps) -> dict[str, str]:
    """One control's steps on the platform, with the vendor page they come from."""
    assert step.fact is not None and step.source is not None
    return {"control": step.control, "text": step.text, "source": step.source, "url": step.fact.url}


def _notice_data(notice: Notice) -> dict[str, Any]:
    return {
        "who": notice.who,
        "when": _plain(notice.when),
        "systems": [for_output(name) for name in notice.systems],
    }


def _plain(text: str) -> str:
    """This module's Markdown wording as plain text (glued code spans unglued)."""
    return text.replace(_GLUE, " ").replace("`", "")
