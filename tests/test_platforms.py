"""The platform catalogue: its data is sourced and dated, names find platforms, and the
plan shows each system's own steps (or the generic ones) for the mapped actions."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from cli_support import assert_error, invoke, ok
from tui_support import reopen_session

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.errors import BankError
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import (
    CONTROLS,
    GENERIC,
    Catalogue,
    builtin_catalogue,
    read_catalogue,
)
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring import build_plan, evaluate

# The platforms the catalogue must know (issue 17), by a name an owner would type.
REQUIRED = {
    "Shopify": "storefront",
    "WooCommerce": "storefront",
    "Shopee Seller Centre": "marketplace",
    "Lazada Seller Center": "marketplace",
    "TikTok Shop": "marketplace",
    "Google Workspace": "email_suite",
    "Gmail": "email_suite",
    "Microsoft 365": "email_suite",
    "HubSpot": "crm",
    "Salesforce": "crm",
    "Zoho CRM": "crm",
    "Mailchimp": "email_marketing",
    "Klaviyo": "email_marketing",
    "Meta Business": "ads",
    "Facebook": "ads",
    "Instagram": "ads",
    "Google Ads": "ads",
    "TikTok Ads": "ads",
    "Stripe": "payments",
    "PayPal": "payments",
    "HitPay": "payments",
    "WhatsApp Business": "chat",
    "Zendesk": "chat",
    "Freshdesk": "chat",
    "Xero": "other",
    "QuickBooks": "other",
}

SMALL = """
schema_version = 1
[actions]
mfa = ["enforce-mfa"]
remove_user = ["remove-leaver-access"]

[[platforms]]
id = "shopify"
name = "Shopify"
aliases = ["Shopify admin"]
kind = "storefront"

[platforms.mfa]
can = "partly"
text = "Each staff member turns on 2-step authentication in their own account; ask them."
source = "Two-step authentication"
url = "https://help.shopify.com/en/manual/two-step"
checked = 2026-12-04

[platforms.remove_user]
can = "yes"
text = "In Shopify admin, open Settings, Users, pick the person and remove them."
source = "Removing staff"
url = "https://help.shopify.com/en/manual/remove"
checked = 2026-12-04

[[platforms]]
id = "google-workspace"
name = "Google Workspace"
aliases = ["G Suite"]
kind = "email_suite"

[[platforms]]
id = "google-ads"
name = "Google Ads"
kind = "ads"
"""


@pytest.fixture(scope="module")
def small() -> Catalogue:
    return read_catalogue(SMALL.encode(), "small.toml")


# --- the built-in data ------------------------------------------------------------------------


def test_every_fact_names_its_vendor_page_and_the_day_it_was_checked() -> None:
    catalogue = builtin_catalogue()
    facts = [
        (platform, control, platform.fact(control))
        for platform in catalogue.platforms
        for control in CONTROLS
    ]
    known = [(p, c, f) for p, c, f in facts if f is not None]
    assert known, "the catalogue holds checked facts"
    for platform, control, fact in known:
        where = f"{platform.id}.{control}"
        assert fact.source.strip(), where
        assert fact.url.startswith("https://"), where
        assert dt.date(2026, 1, 1) <= fact.checked <= dt.date.today(), where
        # Steps for what the platform cannot enforce say what to do instead.
        assert len(fact.text) >= 40, where


def test_the_required_platforms_are_found_by_name_with_their_kind() -> None:
    catalogue = builtin_catalogue()
    for name, kind in REQUIRED.items():
        platform = catalogue.find(name)
        assert platform is not None, name
        assert platform.kind == kind, name


def test_every_mapped_action_is_in_the_builtin_bank(bank: Bank) -> None:
    catalogue = builtin_catalogue()
    mapped = {action for ids in catalogue.actions.values() for action in ids}
    assert mapped <= set(bank.actions_by_id)
    assert set(catalogue.actions) == set(CONTROLS), "every control has an action"


def test_generic_steps_of_per_system_fixes_cite_no_platform(bank: Bank) -> None:
    """A system with no checked steps reads the generic ones: they must not name another
    platform's console as if it were this one."""
    catalogue = builtin_catalogue()
    per_system = {
        action
        for question in bank.questions
        if question.kind == "per_system"
        for action in question.actions
        if catalogue.control_for(action)
    }
    assert {"enforce-mfa", "replace-shared-logins", "turn-on-audit-logging"} <= per_system
    names = [name for platform in catalogue.platforms for name in platform.names]
    for action_id in per_system:
        for step in bank.action(action_id).steps:
            cited = [n for n in names if re.search(rf"\b{re.escape(n)}\b", step, re.I)]
            assert not cited, f"{action_id}: {step!r} names {cited}"


def test_bank_schema_platforms_prints_the_catalogue_schema() -> None:
    schema = json.loads(ok("bank", "schema", "--platforms").stdout)
    assert {"actions", "platforms"} <= set(schema["properties"])
    fact = schema["$defs"]["Fact"]
    assert set(fact["required"]) >= {"can", "text", "source", "url", "checked"}
    assert fact.get("additionalProperties") is False


def test_bank_platforms_lists_the_catalogue_and_checks_a_file(tmp_path: Path) -> None:
    listing = ok("bank", "platforms").stdout
    assert "Shopify" in listing and "Klaviyo" in listing
    good = tmp_path / "platforms.toml"
    good.write_text(SMALL, encoding="utf-8")
    assert "Google Ads" in ok("bank", "platforms", str(good)).stdout
    bad = tmp_path / "broken.toml"
    bad.write_text(SMALL.replace('kind = "ads"', 'kind = "spaceship"'), encoding="utf-8")
    assert_error(invoke("bank", "platforms", str(bad)), 2, "broken.toml", "google-ads", "kind")


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (('aliases = ["G Suite"]', 'aliases = ["Shopify"]'), ["'Shopify'", "twice"]),
        (('url = "https://help.shopify.com/en/manual/remove"', 'url = "http://x"'), ["url"]),
        (("checked = 2026-12-04", 'checked = "soon"'), ["checked"]),
        (('kind = "ads"', 'kind = "spaceship"'), ["platform google-ads", "kind"]),
        (('remove_user = ["remove-leaver-access"]', 'remove_user = ["enforce-mfa"]'), ["two"]),
        (("[actions]", "[actions"), ["bad.toml:"]),
    ],
)
def test_a_broken_catalogue_names_the_file_and_place(
    change: tuple[str, str], fragments: list[str]
) -> None:
    broken = SMALL.replace(*change, 1)
    assert broken != SMALL
    with pytest.raises(BankError) as excinfo:
        read_catalogue(broken.encode(), "bad.toml")
    message = " ".join(excinfo.value.problems)
    assert message.startswith("bad.toml")
    for fragment in fragments:
        assert fragment in message


# --- finding a platform by name ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Shopify", "shopify"),
        ("shopify ADMIN", "shopify"),
        ("Our Shopify store", "shopify"),
        ("G-Suite", "google-workspace"),
        ("Google Ads", "google-ads"),
        ("Shopifyish", None),
        ("Customer spreadsheet", None),
        ("", None),
    ],
)
def test_a_system_name_finds_its_platform(small: Catalogue, typed: str, expected: str) -> None:
    found = small.find(typed)
    assert (found.id if found else None) == expected


# --- the plan ---------------------------------------------------------------------------------


def shop() -> Profile:
    return Profile(
        name="Kopi",
        staff_count=6,
        systems=(
            System(key="shopify", kind="storefront", name="Shopify admin"),
            System(key="mail", kind="email_suite", name="Company mail"),
            System(key="ads", kind="ads", name="Google Ads"),
        ),
    )


def test_a_per_system_fix_shows_each_systems_own_steps(bank: Bank, small: Catalogue) -> None:
    profile = shop()
    answers = {
        a.key: a
        for a in (
            Answer(question_id="acc-mfa", system_key="shopify", value="no"),
            Answer(question_id="acc-mfa", system_key="mail", value="partly"),
            Answer(question_id="acc-mfa", system_key="ads", value="yes"),
        )
    }
    plan = build_plan(bank, profile, answers, evaluate(bank, profile, answers), platforms=small)
    mfa = plan.entry("enforce-mfa")
    assert mfa is not None
    steps = {s.system: s for s in mfa.platform_steps}
    # Only the systems with the gap; the known one has its page, the unknown the generic text.
    assert set(steps) == {"Shopify admin", "Company mail"}
    assert steps["Shopify admin"].text.startswith("Each staff member")
    assert steps["Shopify admin"].source == (
        'Shopify help, "Two-step authentication", checked 2026-12-04'
    )
    assert steps["Company mail"].text == GENERIC
    assert steps["Company mail"].source is None
    # The item of one system carries only its own steps.
    item = next(i for i in mfa.items if i.system_key == "shopify")
    assert [s.system for s in mfa.platform_steps_for(item)] == ["Shopify admin"]


def test_an_org_wide_fix_shows_only_systems_with_checked_steps(
    bank: Bank, small: Catalogue
) -> None:
    profile = shop()
    answers = {("lvr-days-to-remove", ""): Answer(question_id="lvr-days-to-remove", value="14")}
    plan = build_plan(bank, profile, answers, evaluate(bank, profile, answers), platforms=small)
    leaver = plan.entry("remove-leaver-access")
    assert leaver is not None
    assert [s.system for s in leaver.platform_steps] == ["Shopify admin"]
    # An action the catalogue does not map shows no platform steps; neither does a plan
    # built without a catalogue.
    others = [e for e in plan.entries if e.id not in ("remove-leaver-access", "enforce-mfa")]
    assert all(not e.platform_steps for e in others)
    bare = build_plan(bank, profile, answers, evaluate(bank, profile, answers))
    assert all(not e.platform_steps for e in bare.entries)


# --- the command line -------------------------------------------------------------------------


def test_org_create_takes_a_known_platform_by_name_alone(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    ok(
        "--db", db, "org", "create", "Kopi", "--staff", "6",
        "--system", "Shopify", "--system", "Klaviyo", "--system", "crm:Customer sheet",
    )  # fmt: skip
    systems = [(s.name, s.kind) for s in reopen_session(db).profile.systems]
    assert systems == [
        ("Shopify", "storefront"),
        ("Klaviyo", "email_marketing"),
        ("Customer sheet", "crm"),
    ]


def test_org_create_asks_for_the_kind_of_an_unknown_platform(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    result = invoke("--db", db, "org", "create", "Kopi", "--staff", "6", "--system", "Our sheet")
    assert_error(result, 2, "'Our sheet'", "KIND:NAME", "crm")
    assert not db.exists()
