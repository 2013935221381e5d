"""The website privacy FAQ, drafted from the system inventory and the assessment answers.

Nothing in it promises a control the answers do not support: each protection, retention
period, AI safeguard or request procedure appears only when `ctx.holds()` says it is in
place. Where the answers show a gap, the FAQ carries a note to the owner instead, as a
blockquote starting "**Decide first:**", so it cannot be mistaken for a customer-facing
promise; the owner acts on it and deletes it before publishing.
"""

from __future__ import annotations

from pdpa_check.exports.escape import finish, inline
from pdpa_check.exports.kit.common import header
from pdpa_check.exports.kit.plan24 import atom, bullets, section, wrap, wrapped_footer
from pdpa_check.exports.kit.systems import guide
from pdpa_check.kit.context import KitContext
from pdpa_check.questionnaires.model import NO, PARTLY, YES

TITLE = "Privacy FAQ (draft)"
DECIDE_FIRST = "**Decide first:** "

# Controls the FAQ may describe, each only when the answers hold it (question id -> words).
PROTECTIONS: dict[str, str] = {
    "acc-mfa": "Staff sign in to every system that holds your data with multi-factor"
    " authentication: a password plus a second step, such as a code on their phone.",
    "acc-shared-logins": "Everyone who works with your data signs in with their own named"
    " account; we do not share logins.",
    "access-export-rights": "Only a few named people can download customer lists.",
    "pat-platform-updates": "Security updates for our website and online store are applied"
    " promptly.",
    # A self-hosted or custom site is asked this instead of pat-platform-updates.
    "web-store-patch-speed": "Security updates for our store software and its plugins are"
    " installed within a week of their release.",
    "enc-https-everywhere": "Every page of our website that collects or shows your personal data"
    " is served over https, so what you type is encrypted on its way to us.",
    "pat-antimalware": "Every work computer has anti-malware protection switched on and"
    " updating itself.",
    "pat-device-lock": "Work laptops and phones that can reach your data are protected by a"
    " screen lock and encryption.",
    "mon-alerts": "We are alerted to unusual sign-ins, repeated failed logins and large exports.",
    "bkp-method": "We back up your data automatically and keep at least one copy apart from our"
    " live systems.",
    "bkp-protected": "Only named people can reach our backups, and they are encrypted or"
    " password-protected.",
    "gov-training": "Everyone who handles your data has had data protection and security"
    " training in the last 12 months.",
}
# The basics to put in place before describing protection at all.
BASICS = ("acc-mfa", "pat-platform-updates", "bkp-method")
# Questions that stand for a basic on another kind of site: a self-hosted or custom site is
# asked web-store-patch-speed instead of pat-platform-updates.
BASIC_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "pat-platform-updates": ("pat-platform-updates", "web-store-patch-speed"),
}
BASIC_WORDS = {
    "acc-mfa": "multi-factor sign-in on every system",
    "pat-platform-updates": "prompt security updates for your store",
    "bkp-method": "automatic backups with a copy kept apart",
}

# Single claims outside the protection list: (claim, note when not held).
CLAIMS: dict[str, tuple[str, str]] = {
    "access-least-privilege": (
        "Each member of staff has only the access their job needs.",
        "Limit each person's access to what their job needs before you say so here.",
    ),
    "ven-contracts": (
        "Each is bound in writing to protect your data, tell us of a breach and delete the"
        " data when we stop using it.",
        "Put written data protection terms in place with each provider before you promise them.",
    ),
    "ven-overseas": (
        "Where a provider stores your data outside Singapore, we have checked that it is bound"
        " to protect it to a standard comparable to Singapore's PDPA.",
        "Check where each provider stores data, and how it is bound to protect data kept"
        " outside Singapore, before you answer this for customers.",
    ),
    "ret-deletion-done": (
        "Once data is past its period, we delete or anonymise it.",
        "Make sure data past its period is really deleted or anonymised before you"
        " promise it here.",
    ),
}

AI_SAFEGUARDS: dict[str, str] = {
    "ai-customer-notice": "We tell you, in our privacy notice or beside the feature, that your"
    " browsing and purchase history drives it, and how to opt out.",
    "ai-data-minimised": "Each AI tool receives only the customer data its feature needs.",
    "ai-permissions": "Each AI tool connects to our systems with the narrowest permissions it"
    " needs.",
    "ai-vendor-terms": "Each AI vendor is bound in writing to use your data only for our"
    " service, keep it secure and tell us promptly of a breach.",
}
AI_TODO: dict[str, str] = {
    "ai-customer-notice": "tell customers which data drives the feature and how to opt out",
    "ai-data-minimised": "send each AI tool only the data its feature needs",
    "ai-vendor-terms": "bind each AI vendor in writing to protect the data",
}


def note(text: str) -> str:
    """A note to the owner, never a promise: a blockquote starting **Decide first:**."""
    return wrap("> " + DECIDE_FIRST, text, "> ")


def render_faq_markdown(ctx: KitContext) -> str:
    """The FAQ as Markdown: header, a note to the owner, the questions, footer."""
    parts = [
        header(ctx, TITLE),
        _intro(),
        _collected(ctx),
        _why(ctx),
        _access(ctx),
        _retention(ctx),
        _protection(ctx),
        _ai(ctx),
        _dpo(ctx),
        _requests(ctx),
        wrapped_footer(),
    ]
    return finish("\n".join(parts))


def _intro() -> str:
    return wrap(
        "> ",
        "**For you, before you publish:** this draft is built from your list of systems"
        " and your assessment answers. Check every answer against what you really do."
        " Notes marked **Decide first** are for you, not your customers: act on them,"
        " then delete them.",
        "> ",
    )


def _collected(ctx: KitContext) -> str:
    title = "What personal data do you collect?"
    if not ctx.profile.systems:
        return section(title, note("List the systems that hold customer data in your profile."))
    items = [
        f"**{inline(system.name)}** ({guide(system.kind).short}): {guide(system.kind).holds}."
        for system in ctx.profile.systems
    ]
    body = wrap("", "We keep personal data in these services:", "") + "\n" + bullets(items)
    return section(title, body)


def _why(ctx: KitContext) -> str:
    purposes: dict[str, list[str]] = {}
    for system in ctx.profile.systems:
        purposes.setdefault(guide(system.kind).purpose, []).append(atom(system.name))
    items = [f"{why[0].upper()}{why[1:]} ({', '.join(names)})." for why, names in purposes.items()]
    body = bullets(items) if items else note("Say why you collect each kind of data.")
    return section("Why do you collect it?", body)


def _access(ctx: KitContext) -> str:
    staff = list(dict.fromkeys(guide(system.kind).staff for system in ctx.profile.systems))
    vendors = ", ".join(atom(system.name) for system in ctx.profile.systems)
    parts = []
    if staff:
        parts.append(wrap("", f"Inside {atom(ctx.profile.name)}: {'; '.join(staff)}.", ""))
    parts.append(_claim_or_note(ctx, "access-least-privilege"))
    if vendors:
        parts.append(wrap("", f"These service providers hold or process it for us: {vendors}.", ""))
    parts.extend(_claim_or_note(ctx, qid) for qid in ("ven-contracts", "ven-overseas"))
    return section("Who can access it?", "\n".join(parts))


def _claim_or_note(ctx: KitContext, qid: str) -> str:
    """The claim for `qid` when the answers hold it, else its Decide-first note."""
    claim, todo = CLAIMS[qid]
    return wrap("", claim, "") if ctx.holds(qid) else note(todo)


def _retention(ctx: KitContext) -> str:
    title = "How long do you keep it?"
    periods = ctx.text("ret-periods")
    if not (ctx.holds("ret-schedule") and periods):
        return section(
            title,
            note(
                "Set how long you keep each kind of data before you publish this answer"
                " (record the periods in your assessment)."
            ),
        )
    parts = [wrap("", "We keep personal data for these periods: " + inline(periods), "")]
    parts.append(_claim_or_note(ctx, "ret-deletion-done"))
    if ctx.holds("ret-vendor-copies"):
        parts.append(
            wrap(
                "",
                "When we stop using a service provider, we make sure it deletes"
                " or returns your data.",
                "",
            )
        )
    return section(title, "\n".join(parts))


def _protection(ctx: KitContext) -> str:
    title = "How do you protect it?"
    claims = [words for qid, words in PROTECTIONS.items() if ctx.holds(qid)]
    missing = [
        BASIC_WORDS[qid]
        for qid in BASICS
        if not any(ctx.holds(alt) for alt in BASIC_ALTERNATIVES.get(qid, (qid,)))
    ]
    if not claims:
        return section(
            title,
            note(
                "Your answers do not confirm any protection yet, so this answer makes no claim."
                " Put the basics in place first (" + ", ".join(missing) + "), then describe them."
            ),
        )
    body = wrap("", "We protect your data in these ways:", "") + "\n" + bullets(claims)
    if missing:
        body += "\n" + note("Not yet in place, so not claimed: " + ", ".join(missing) + ".")
    return section(title, body)


def _ai(ctx: KitContext) -> str:
    title = "How does AI or personalisation use my data?"
    answer = ctx.answers.get(("ai-in-use", ""))
    tools = ctx.profile.systems_of(["ai"])
    if answer is None or answer.value not in (YES, PARTLY, NO):
        return section(title, note("Answer whether you use AI with customer data first."))
    if answer.value == NO:
        if tools:
            return section(
                title,
                note(
                    "Your list of systems includes an AI tool but your answers say you use none;"
                    " correct one of them first."
                ),
            )
        return section(title, wrap("", "We do not use AI tools with your personal data.", ""))
    return section(title, _ai_in_use(ctx, [atom(tool.name) for tool in tools]))


def _ai_in_use(ctx: KitContext, names: list[str]) -> str:
    use = guide("ai")
    lead = (
        f"We use {', '.join(names)} {use.purpose}, based on {use.holds}."
        if names
        else "We use an AI tool with customer data."
    )
    parts = [wrap("", lead, "")]
    claims = [words for qid, words in AI_SAFEGUARDS.items() if ctx.holds(qid)]
    if claims:
        parts.append(bullets(claims))
    if not names:
        parts.append(note("Add the AI tool to your list of systems and say here what it does."))
    todo = [words for qid, words in AI_TODO.items() if not ctx.holds(qid)]
    if todo:
        parts.append(note("Before you publish this, " + "; ".join(todo) + "."))
    return "\n".join(parts)


def _dpo(ctx: KitContext) -> str:
    title = "How do I reach your data protection officer?"
    if not ctx.holds("gov-dpo"):
        return section(
            title,
            note(
                "Appoint a data protection officer (DPO) and publish a business contact for"
                " them (PDPA s11)."
            ),
        )
    public = ctx.text("gov-dpo-contact")
    if public:
        return section(
            title, wrap("", "Contact our data protection officer at: " + atom(public) + ".", "")
        )
    contact = ctx.contacts.get("dpo")
    if contact is None or not contact.reach:
        return section(
            title,
            note(
                "Publish a business contact (an email address or phone line) for your DPO"
                " (PDPA s11), and record it in your assessment."
            ),
        )
    text = f"Our data protection officer is {atom(contact.name)}: {atom(contact.reach)}."
    return section(
        title,
        wrap("", text, "")
        + "\n"
        + note(
            "This comes from your incident contacts: check it is the business contact you want"
            " published, not a private number."
        ),
    )


def _requests(ctx: KitContext) -> str:
    rights = wrap(
        "",
        "You can ask us for a copy of your personal data and how it has been used or disclosed"
        " in the past year, ask us to correct it, and withdraw your consent for us to use it.",
        "",
    )
    if ctx.holds("tr-requests"):
        how = wrap(
            "",
            "Send your request to our data protection officer (above). We check it is"
            " really you before we share or change anything.",
            "",
        )
    else:
        how = note(
            "Decide who answers these requests, how you check the person is who they say,"
            " and how quickly, before you publish this answer."
        )
    return section("How do I see or correct my data, or withdraw consent?", rights + "\n" + how)
