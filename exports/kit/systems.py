"""What the kit says about each kind of system: how to freeze it, what evidence to keep,
and (for the privacy FAQ) what customer data it typically holds, why, and who uses it.

The steps are deliberately general: admin screens and log retention differ by vendor and
by plan, so the kit names the action ("export the audit log") and tells the owner to check
how long their plan keeps it, rather than quoting menu paths or retention periods.

The FAQ wording describes what a system of this kind *typically* holds; the FAQ tells the
owner to check it against what they really collect before publishing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemGuide:
    """The incident steps and the privacy-FAQ wording for one kind of system."""

    kind: str
    # A short name for the kind, for headings ("online store admin").
    short: str
    # How to freeze access, beyond COMMON_FREEZE (which applies to every system).
    freeze: tuple[str, ...]
    # What to export or save before it rolls over or is lost.
    evidence: tuple[str, ...]
    # FAQ: "our <system> holds ..." (typical contents, to be checked by the owner).
    holds: str
    # FAQ: why the business uses it ("to ...").
    purpose: str
    # FAQ: which staff typically work with it.
    staff: str


# The first steps on every system involved; each guide adds its own.
COMMON_FREEZE: tuple[str, ...] = (
    "reset passwords and sign everyone out",
    "suspend or remove users, apps and partners you do not recognise (suspend, do not delete)",
    "revoke or rotate API keys and app tokens",
    "pause exports, integrations and automations",
)

GUIDES: dict[str, SystemGuide] = {
    "email_suite": SystemGuide(
        kind="email_suite",
        short="email and office suite",
        freeze=(
            "remove forwarding rules and delegates you did not set up",
            "revoke app passwords",
        ),
        evidence=(
            "the admin audit, sign-in and mail logs",
            "suspicious emails with their full headers",
        ),
        holds="emails you send us and our replies, with your name and email address",
        purpose="to answer your questions and send you updates about your orders",
        staff="staff who handle orders and customer service",
    ),
    "storefront": SystemGuide(
        kind="storefront",
        short="online store admin",
        freeze=(
            "if checkout or theme code was changed, have your developer take the store offline",
        ),
        evidence=(
            "staff activity and login history",
            "the list of installed apps",
            "any changed theme files",
        ),
        holds=(
            "your orders, name, delivery address, email address and phone number,"
            " and your account with us if you create one"
        ),
        purpose="to take, deliver and support your orders, including returns",
        staff="staff who handle orders and customer service",
    ),
    "marketplace": SystemGuide(
        kind="marketplace",
        short="marketplace seller account",
        freeze=("call seller support at once if you cannot get in",),
        evidence=(
            "the sub-account list and login records",
            "support case numbers",
        ),
        holds=(
            "orders you place with us there, with the delivery details the marketplace passes on"
        ),
        purpose="to fulfil and deliver your marketplace orders",
        staff="staff who handle orders and customer service",
    ),
    "crm": SystemGuide(
        kind="crm",
        short="CRM / customer database",
        freeze=("limit export rights to the owner for now",),
        evidence=(
            "the audit trail or login history",
            "the record of exports",
        ),
        holds="your contact details and the history of your dealings with us",
        purpose="to serve you as a customer and keep track of your requests",
        staff="staff who handle orders and customer service",
    ),
    "email_marketing": SystemGuide(
        kind="email_marketing",
        short="email marketing",
        freeze=("pause scheduled campaigns so nothing goes out in your name",),
        evidence=(
            "login history and list exports",
            "copies of any campaign you did not send",
        ),
        holds=(
            "your email address (and phone number, if you signed up for SMS),"
            " your marketing consent, and which of our messages you open or click"
        ),
        purpose="to send the newsletters and offers you agreed to receive",
        staff="staff who run our marketing",
    ),
    "ads": SystemGuide(
        kind="ads",
        short="ad account",
        freeze=(
            "pause campaigns if billing or targeting changed",
            "call the platform's support if you lost admin access",
        ),
        evidence=(
            "the account change history",
            "the list of people with access",
            "billing records of unexpected charges",
        ),
        holds=(
            "how people respond to our ads, such as clicks and visits, measured by the platform"
        ),
        purpose="to show our ads and measure how well they work",
        staff="staff who run our marketing",
    ),
    "payments": SystemGuide(
        kind="payments",
        short="payments",
        freeze=(
            "roll (replace) secret keys and webhook secrets",
            "check payout bank details were not changed",
            "call the provider",
        ),
        evidence=(
            "dashboard logins and team activity",
            "API logs",
            "recent refunds and payouts",
        ),
        holds="your payment details and the payments you make to us",
        purpose="to take payment and handle refunds",
        staff="staff who handle payments and refunds",
    ),
    "chat": SystemGuide(
        kind="chat",
        short="chat",
        freeze=(
            "log out linked devices and web sessions",
            "reset the two-step PIN",
        ),
        evidence=(
            "the affected conversations",
            "the agents' login activity",
        ),
        holds="the messages you send us, with your name and phone number or email address",
        purpose="to answer your questions",
        staff="staff who handle orders and customer service",
    ),
    "ai": SystemGuide(
        kind="ai",
        short="AI / personalisation",
        freeze=(
            "disconnect it from your store and CRM",
            "ask the vendor in writing what data it received",
        ),
        evidence=(
            "the vendor's access log for your data",
            "its permissions and settings",
        ),
        holds="your browsing and purchase history on our shop",
        purpose="to suggest products you may like",
        staff="staff who run our online store",
    ),
    "other": SystemGuide(
        kind="other",
        short="other vendor",
        freeze=("ask the vendor to help",),
        evidence=(
            "whatever activity or login log it offers",
            "the vendor's written confirmation that it is keeping its own logs",
        ),
        holds="the customer data we share with it for the service it provides",
        purpose="to provide that service",
        staff="staff who work with our other service providers",
    ),
}


def freeze_steps(kind: str) -> tuple[str, ...]:
    """Every freeze step for a system of `kind`: the common ones, then its own."""
    return COMMON_FREEZE + guide(kind).freeze


def guide(kind: str) -> SystemGuide:
    """The guide for `kind` (the `other` guide for a kind this module does not know)."""
    return GUIDES.get(kind, GUIDES["other"])
