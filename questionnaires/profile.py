"""The organisation profile: who the business is and which systems hold customer data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pdpa_check.support.text import clean_name

SystemKind = Literal[
    "email_suite",
    "storefront",
    "marketplace",
    "crm",
    "email_marketing",
    "ads",
    "payments",
    "chat",
    "ai",
    "other",
]

# Plain names for each kind of system, in the order the UI lists them.
SYSTEM_KINDS: dict[str, str] = {
    "email_suite": "Email / office suite (Google Workspace, Microsoft 365)",
    "storefront": "Online store admin (Shopify, WooCommerce)",
    "marketplace": "Marketplace seller account (Shopee, Lazada)",
    "crm": "CRM / customer database",
    "email_marketing": "Email marketing (Mailchimp, Klaviyo)",
    "ads": "Ad account (Meta Business, Google Ads)",
    "payments": "Payments (Stripe, PayPal)",
    "chat": "Chat or chatbot (WhatsApp Business, live chat)",
    "ai": "AI / personalisation (recommendations, AI assistant)",
    "other": "Other vendor holding customer data",
}

SECTORS: dict[str, str] = {
    "ecommerce": "E-commerce / online retail",
    "retail": "Physical retail with online sales",
    "food": "Food and beverage",
    "services": "Professional or personal services",
    "education": "Education and enrichment",
    "health": "Health, beauty and wellness",
    "other": "Other",
}

Sector = Literal["ecommerce", "retail", "food", "services", "education", "health", "other"]

# How the business's own website or online store is run (asked only with has_website):
# a hosted platform runs and updates the software for you; self-hosted store software is
# installed and kept up to date by you or your vendor; a custom site or app was built for you.
SiteBuild = Literal["hosted", "self_hosted", "custom"]
SITE_BUILDS: dict[str, str] = {
    "hosted": "Hosted platform (Shopify, Wix)",
    "self_hosted": "Self-hosted (WooCommerce, Magento)",
    "custom": "Built for you (developer, agency)",
}
# Short forms for one-line summaries ("own website on a hosted platform"): the Markdown
# plan's header, `org show`, and why a question is not asked.
SITE_BUILD_WORDS: dict[str, str] = {
    "hosted": "on a hosted platform",
    "self_hosted": "on self-hosted store software",
    "custom": "built for it by a developer or agency",
}
# Profiles saved before the field existed (databases before schema step 0009) read as
# "hosted": the most common case, and the one asked no new website questions, so an
# existing shop is never scored on questions it was not asked; the profile screen and
# `org show` show the value so the owner can correct it.
DEFAULT_SITE_BUILD: SiteBuild = "hosted"
Name = Annotated[str, AfterValidator(clean_name), Field(min_length=1)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]


def staff_words(count: int) -> str:
    """The staff count as people read it: a business of one is the owner alone."""
    return "just the owner" if count == 1 else f"{count} staff"


class System(BaseModel):
    """One system that holds customer data. `key` is stable across renames."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    key: Key
    kind: SystemKind
    name: Name


class Profile(BaseModel):
    """What the core needs to know about the organisation."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    name: Name
    staff_count: int = Field(ge=1, le=100_000)
    sector: Sector = "ecommerce"
    systems: tuple[System, ...] = ()
    # False for a business with no website or online store of its own (e.g. one that sells
    # only on marketplaces): questions about a website of its own do not apply.
    has_website: bool = True
    # How that website is run; ignored when has_website is False.
    site_build: SiteBuild = DEFAULT_SITE_BUILD

    def systems_of(self, kinds: list[str]) -> list[System]:
        """The systems whose kind is in `kinds`, in inventory order."""
        return [system for system in self.systems if system.kind in kinds]
