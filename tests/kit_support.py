"""One incident and the kit's facts around it, shared by the record, notice and audit tests.

FACTS is a credential theft at a small shop, assessed on a Friday so the PDPC
deadline runs over a weekend; `facts(...)` varies it as a facts file would.
"""

from __future__ import annotations

import datetime as dt

from pdpa_check.exports.kit.notify import render_record_markdown
from pdpa_check.kit.contacts import Contact
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import IncidentFacts, notifiability
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile

GENERATED_ON = dt.date(2026, 12, 8)


TOOL_VERSION = "0.0.0-test"


FOUND = dt.date(2026, 12, 1)


FRIDAY = dt.date(2026, 12, 4)  # assessed on a Friday: PDPC by Monday 7 December


CONTACTS = {
    "incident_lead": Contact(role="incident_lead", name="Mei Ling Tan", reach="+65 9123 4567"),
    "comms_approver": Contact(role="comms_approver", name="Raj Kumar", reach="raj@shop.example"),
    "dpo": Contact(role="dpo", name="Siti Rahman", reach="dpo@shop.example"),
}


FACTS = IncidentFacts(
    title="Shopify admin login stolen",
    kind="outside_access",
    discovered_on=FOUND,
    assessed_on=FRIDAY,
    identifiers="yes",
    credentials="yes",
    prescribed="unknown",
    affected=1234,
    affected_verified=True,
    confined="no",
    what_happened=(
        "On 30 November someone signed in to our Shopify admin with a staff password"
        " stolen by a fake login page."
    ),
    data_involved="names, email addresses, delivery addresses and order history",
    data_verified=True,
    not_yet_known="Whether any orders were changed. Our IT firm is checking the admin logs.",
    actions_taken="We locked the staff account, reset every admin password and turned on MFA.",
    customer_steps=("reset_password", "watch_phishing"),
    next_update_on=dt.date(2026, 12, 11),
)


def kit_context(
    bank: Bank,
    profile: Profile,
    contacts: dict[str, Contact] | None = None,
    answers: dict[tuple[str, str], Answer] | None = None,
) -> KitContext:
    return KitContext(
        generated_on=GENERATED_ON,
        profile=profile,
        contacts=CONTACTS if contacts is None else contacts,
        bank_id=bank.id,
        bank_version=bank.version,
        assessment_id=7,
        answers=answers or {},
        tool_version=TOOL_VERSION,
    )


def facts(**fields: object) -> IncidentFacts:
    """FACTS with some fields changed, validated (and cleaned) as a facts file would be."""
    return IncidentFacts.model_validate({**FACTS.model_dump(), **fields})


def record(ctx: KitContext, incident: IncidentFacts) -> str:
    return render_record_markdown(ctx, incident, notifiability(incident))
