"""The people an owner needs to reach in the first hours of an incident."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pdpa_check.support.text import clean_name

ContactRole = Literal["incident_lead", "deputy", "comms_approver", "dpo", "it_vendor", "insurer"]

# Each role, in the order the kit lists them, with what the role does.
CONTACT_ROLES: dict[ContactRole, str] = {
    "incident_lead": "Incident lead",
    "deputy": "Deputy incident lead",
    "comms_approver": "Approver of messages to customers and media",
    "dpo": "Data protection officer (DPO)",
    "it_vendor": "IT vendor or technical helper",
    "insurer": "Cyber insurer (claims or breach hotline)",
}

# The roles a first-24-hours plan cannot work without; missing ones are flagged.
ESSENTIAL_ROLES: tuple[ContactRole, ...] = ("incident_lead", "deputy", "comms_approver")

# Assessment questions whose answer depends on a named contact: the assessment
# says when the kit has nobody recorded for these roles.
QUESTION_ROLES: dict[str, tuple[ContactRole, ...]] = {
    "inc-plan": ("incident_lead", "deputy"),
    "inc-lead-names": ("incident_lead", "deputy"),
    "ntf-comms-approver": ("comms_approver",),
    "gov-dpo": ("dpo",),
    "gov-dpo-contact": ("dpo",),
}

Name = Annotated[str, AfterValidator(clean_name), Field(min_length=1)]
Reach = Annotated[str, AfterValidator(clean_name)]


class Contact(BaseModel):
    """One named person or firm for a role, and how to reach them (phone, email)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    role: ContactRole
    name: Name
    reach: Reach = ""


def missing_sentence(roles: tuple[ContactRole, ...], contacts: Mapping[str, Contact]) -> str | None:
    """'Breach kit: no X or Y is recorded yet. Add the names' for roles nobody holds, else None.

    The caller ends the sentence with where to add them (app or command line).
    """
    names = [CONTACT_ROLES[r][0].lower() + CONTACT_ROLES[r][1:] for r in roles if r not in contacts]
    if not names:
        return None
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    add = "a name" if len(names) == 1 else "the names"
    return f"Breach kit: no {who} is recorded yet. Add {add}"


def missing_roles(
    contacts: Mapping[str, Contact], roles: tuple[ContactRole, ...] = ESSENTIAL_ROLES
) -> list[ContactRole]:
    """The roles in `roles` that have nobody named, in listing order."""
    return [role for role in roles if role not in contacts]
