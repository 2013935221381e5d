"""The customer notice draft, with every item regulation 6 asks a notice to contain.

Regulation 6 of the Notification of Data Breaches Regulations 2021 (under
s26D(3)) lists what the notice to each affected person must say, to the best of
the organisation's knowledge at the time: so the data involved is stated as
"what we know so far" rather than held back until verified. Each item left
empty shows as a visible [bracketed] placeholder, never as an invented fact.
"""

from __future__ import annotations

import datetime as dt

from pdpa_check.exports.escape import finish, inline
from pdpa_check.exports.kit.common import footer, header
from pdpa_check.kit.contacts import Contact
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import CUSTOMER_STEPS, IncidentFacts

TITLE = "Customer notice (draft)"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WHAT_HAPPENED = "[Describe in one or two sentences what happened and when]"
DATA_INVOLVED = "[List the customer information involved, e.g. names, email addresses, orders]"
HOW_FOUND = "[Say how you first found out, e.g. a customer reported a strange email]"
POTENTIAL_HARM = (
    "[Say what harm this could cause you, e.g. phishing emails that look like ours,"
    " or someone using your card]"
)
PREVENTION = "[Say what you are changing so it does not happen again, e.g. turned on MFA]"
# The items regulation 6 lists, in the order the notice answers them (shown to the owner).
REG6_ITEMS = (
    "how and when you found out about the breach",
    "the personal data involved",
    "the harm it could cause the person",
    "what you have done or will do to reduce that harm, and to fix what caused the breach",
    "what the person can do to protect themselves",
    "how to contact someone authorised to answer questions about it",
)
NOT_YET_KNOWN = "[Say what you are still finding out, and how: e.g. an IT firm is checking logs]"
ACTIONS_TAKEN = "[Say what you have done so far: e.g. locked the account, changed passwords]"
STEPS = "[Say what customers should do now, or that there is nothing they need to do]"
CONTACT = "[an email address or phone number customers can use]"
SIGNATURE = "[Your name and role]"


def render_notice_markdown(ctx: KitContext, facts: IncidentFacts) -> str:
    """The draft: a note to the owner, then the text for customers."""
    parts = [
        header(ctx, TITLE),
        _note_to_owner(ctx, facts),
        "---\n",
        _opening(ctx, facts),
        _what_happened(facts),
        _data(facts),
        _harm(facts),
        _not_known(facts),
        _done(facts),
        _steps(facts),
        _contact(ctx, facts),
        _next_update(facts),
        _closing(ctx),
        footer(),
    ]
    return finish("\n".join(parts))


def long_date(day: dt.date) -> str:
    """`4 December 2026`, the same whatever the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _note_to_owner(ctx: KitContext, facts: IncidentFacts) -> str:
    lines = [
        "> **This is a draft for you, not yet for customers.**",
        ">",
        "> - Replace every part in [square brackets], and check that each sentence is true today.",
        "> - Regulation 6 of the Notification of Data Breaches Regulations 2021 asks the notice"
        " to say, as far as you know at the time: " + "; ".join(REG6_ITEMS) + ". Each has its"
        " own part below: leave none out. Check the list against regulation 6 on Singapore"
        " Statutes Online.",
        f"> - {_approver(ctx.contacts.get('comms_approver'))}",
        "> - If the breach is notifiable, send this only at the same time as, or after, you"
        " notify PDPC, never before (PDPA s26D(2)).",
        "> - Send only the text between the two lines.",
    ]
    if not facts.contact_point and _contact_from(ctx) is not None:
        lines.append(
            "> - The contact point comes from your kit contacts: check it is one you want"
            " customers to use."
        )
    return "\n".join(lines) + "\n"


def _approver(approver: Contact | None) -> str:
    if approver is None:
        return (
            "Nobody is named yet to approve messages to customers: decide who does before"
            " anything goes out."
        )
    return f"Have it checked by {inline(approver.name)}, who approves messages to customers."


def _opening(ctx: KitContext, facts: IncidentFacts) -> str:
    scope = "involves" if facts.data_verified else "may involve"
    return (
        "## A data incident: what you need to know\n\n"
        "Dear customer,\n\n"
        f"We are writing to tell you about an incident at {inline(ctx.profile.name)} that"
        f" {scope} your personal information. We are sorry that this has happened.\n"
    )


def _what_happened(facts: IncidentFacts) -> str:
    text = inline(facts.what_happened) or WHAT_HAPPENED
    found = inline(facts.how_found) or HOW_FOUND
    return (
        "### What happened\n\n"
        f"{text}\n\nWe first learned of it on {long_date(facts.discovered_on)}."
        f" {_sentence(found)}\n"
    )


def _data(facts: IncidentFacts) -> str:
    listed = _sentence(inline(facts.data_involved) or DATA_INVOLVED)
    if facts.data_verified:
        body = f"We have confirmed that this information was involved: {listed}"
    else:
        body = (
            f"What we know so far: {listed} We are still confirming this, and will tell you"
            " if it changes."
        )
    if facts.affected_verified and facts.affected is not None:
        noun = "customer" if facts.affected == 1 else "customers"
        body += f"\n\nThe incident affects {facts.affected:,} {noun}."
    return f"### What information was involved\n\n{body}\n"


def _harm(facts: IncidentFacts) -> str:
    text = inline(facts.potential_harm) or POTENTIAL_HARM
    return f"### How this could affect you\n\n{text}\n"


def _not_known(facts: IncidentFacts) -> str:
    gaps = []
    if not facts.data_verified:
        gaps.append("exactly which information was involved")
    if not (facts.affected_verified and facts.affected is not None):
        gaps.append("how many customers are affected")
    text = inline(facts.not_yet_known) or NOT_YET_KNOWN
    body = f"We are still working out {' and '.join(gaps)}. {text}" if gaps else text
    return f"### What we do not know yet\n\n{body}\n"


def _done(facts: IncidentFacts) -> str:
    actions = inline(facts.actions_taken) or ACTIONS_TAKEN
    prevention = inline(facts.prevention) or PREVENTION
    return (
        "### What we have done\n\n"
        f"**To reduce the harm to you:** {actions}\n\n"
        f"**So that it does not happen again:** {prevention}\n"
    )


def _steps(facts: IncidentFacts) -> str:
    chosen = [text for key, text in CUSTOMER_STEPS.items() if key in facts.customer_steps]
    body = "\n".join(f"- {inline(text)}" for text in chosen) if chosen else STEPS
    return f"### What you should do now\n\n{body}\n"


def _contact(ctx: KitContext, facts: IncidentFacts) -> str:
    if facts.contact_point:
        who = f"us at {inline(facts.contact_point)}"
    else:
        who = _contact_from(ctx) or f"us at {CONTACT}"
    return (
        "### Questions\n\n"
        f"If you have questions, or notice anything unusual, please contact {who}.\n"
    )


def _contact_from(ctx: KitContext) -> str | None:
    """Who customers can reach, from the answers and the kit contacts (public DPO first)."""
    public = ctx.text("gov-dpo-contact").strip()
    if public:
        return f"our data protection officer at {inline(public)}"
    for role, label in (("dpo", "our data protection officer, "), ("comms_approver", "")):
        contact = ctx.contacts.get(role)
        if contact is not None and contact.reach:
            return f"{label}{inline(contact.name)}{',' if label else ''} at {inline(contact.reach)}"
    return None


def _next_update(facts: IncidentFacts) -> str:
    when = long_date(facts.next_update_on) if facts.next_update_on else "[date]"
    return f"### Next update\n\nWe will update you by {when}, or sooner if we learn more.\n"


def _closing(ctx: KitContext) -> str:
    return (
        "We are sorry for the worry and trouble this causes you.\n\n"
        f"{SIGNATURE}, {inline(ctx.profile.name)}\n"
    )


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "]")) else text + "."
