"""The platform catalogue: its data is sourced and dated, names find platforms, and the
plan shows each system's own steps (or the generic ones) for the mapped actions."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
import tomli_w
from cli_support import assert_error, invoke, ok
from markdown_support import commonmark, inline_text, walk
from tui_support import reopen_session

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.errors import BankError
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import (
    CONTROLS,
    GENERIC,
    Catalogue,
    Fact,
    builtin_catalogue,
    read_catalogue,
)
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.plan import build_plan

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
enforce-mfa = { control = "mfa" }
remove-leaver-access = { control = "remove_user", kinds = ["storefront", "ads"] }

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
    assert set(catalogue.actions) <= set(bank.actions_by_id)
    controls = {steps.control for steps in catalogue.actions.values()}
    assert controls == set(CONTROLS), "every control has an action"


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
        (('control = "mfa"', 'control = "magic"'), ["enforce-mfa", "control"]),
        (('kinds = ["storefront", "ads"]', 'kinds = ["rocket"]'), ["remove-leaver-access"]),
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
    # A business-wide fix lists only the kinds of system it is about (here store and ads):
    # the same Shopify declared as a CRM is left out.
    as_crm = profile.model_copy(
        update={"systems": (System(key="shopify", kind="crm", name="Shopify admin"),)}
    )
    plan = build_plan(bank, as_crm, answers, evaluate(bank, as_crm, answers), platforms=small)
    leaver = plan.entry("remove-leaver-access")
    assert leaver is not None and leaver.platform_steps == ()


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


# --- every output, end to end on the demo (whose systems include Shopify) -----------------------


def plain_text(markdown: str) -> str:
    """What a reader sees of Markdown: every inline's text, escapes resolved, spaces folded."""
    tokens = commonmark().parse(markdown)
    seen = " ".join(inline_text(t) for t in walk(tokens) if t.type == "inline")
    return " ".join(seen.split())


# The demo shares one Shopify login (and has MFA on Shopify): its named-accounts steps show.
ENTRY, CONTROL = "replace-shared-logins", "named_accounts"


def shopify_fact() -> tuple[str, str]:
    platform = builtin_catalogue().find("Shopify")
    fact = platform.fact(CONTROL) if platform else None
    assert fact is not None, "the catalogue says where Shopify's users are added"
    return fact.text, fact.url


def own_steps_fact(system: str) -> Fact | None:
    platform = builtin_catalogue().find(system)
    return platform.fact(CONTROL) if platform else None


def test_the_short_plan_gives_this_months_steps_platform_by_platform() -> None:
    text, url = shopify_fact()
    plan = ok("--demo", "plan", "--format", "md").stdout
    entry = plan[plan.index(f"· `{ENTRY}`") :]
    entry = entry[: entry.index("\n### ")]
    # The fix names the systems with their own steps...
    pointer = next(li for li in entry.splitlines() if li.startswith("- **Own steps:**"))
    named = plain_text(pointer).removeprefix("Own steps: ").split(" (under")[0].split(", ")
    systems = re.findall(r"(\w[\w ]*?): (?:Open|In progress|Done)", entry)
    assert named == [s for s in systems if own_steps_fact(s)]
    assert "Shopify" in named
    # ...and the section after This month holds them, one platform at a time, with the page.
    section = plan[plan.index("## This month on each platform") :]
    section = section[: section.index("\n## ")]
    shopify = section[section.index("**Shopify**") :]
    line = next(li for li in shopify.splitlines() if "Replace shared logins" in li)
    assert " ".join(text.split()) in plain_text(line)
    assert f"]({url})" in line and 'Shopify help: "' in line


def test_the_full_plan_shows_each_systems_own_steps_under_its_item() -> None:
    text, url = shopify_fact()
    plan = ok("--demo", "plan", "--format", "md", "--full").stdout
    item = plan[plan.index(f"`{ENTRY}/shopify`") :]
    item = item[: item.index("\n#### ")]
    line = next(li for li in item.splitlines() if li.startswith("- **On Shopify:**"))
    assert plain_text(line).startswith(f"On Shopify: {' '.join(text.split())}")
    assert f"]({url})" in line
    # An item on a system with no steps on file (the demo's Meta Business) says so.
    assert own_steps_fact("Meta Business") is None
    meta = plan[plan.index(f"`{ENTRY}/meta-business`") :]
    meta = meta[: meta.index("\n#### ")]
    assert f"- **On Meta Business:** {GENERIC}" in meta
    assert "help:" not in meta


def test_toml_json_and_vendor_file_carry_the_same_steps(tmp_path: Path) -> None:
    text, url = shopify_fact()
    for form in ("toml", "json"):
        raw = ok("--demo", "plan", "--format", form).stdout
        data = tomllib.loads(raw) if form == "toml" else json.loads(raw)
        entry = next(e for e in data["plan"] if e["id"] == ENTRY)
        steps = {s["system_name"]: s for s in entry["platform_steps"]}
        assert steps["Shopify"]["text"] == text
        assert steps["Shopify"]["url"] == url
        assert steps["Shopify"]["control"] == CONTROL
        assert steps["Shopify"]["can"] in ("yes", "partly", "no")
        assert dt.date.fromisoformat(steps["Shopify"]["checked"]) <= dt.date.today()
    out = tmp_path / "vendor.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", out)
    vendor = tomllib.loads(out.read_text("utf-8"))
    entry = next(e for e in vendor["entries"] if e["id"] == ENTRY)
    shopify = next(s for s in entry["platform_steps"] if s.startswith("Shopify: "))
    assert text in shopify and url in shopify


def test_the_kit_freeze_section_uses_the_platform_steps(tmp_path: Path) -> None:
    platform = builtin_catalogue().find("Shopify")
    assert platform is not None and platform.audit_log is not None
    # The printed plan (two pages) names the vendor page that says where the log is...
    kit = plain_text(ok("--demo", "kit", "plan").stdout)
    assert (
        f'Shopify (online store admin; its log: Shopify help, "{platform.audit_log.source}")' in kit
    )
    # ...and the kit's TOML holds each checked step in full, with its page.
    out = tmp_path / "kit.toml"
    ok("--demo", "kit", "plan", "--format", "toml", "-o", out)
    systems = tomllib.loads(out.read_text("utf-8"))["systems"]
    shopify = next(s for s in systems if s["name"] == "Shopify")
    steps = {step["control"]: step for step in shopify["platform_steps"]}
    assert set(steps) == {"remove_user", "connected_apps", "audit_log"}
    for control, step in steps.items():
        fact = platform.fact(control)
        assert fact is not None
        assert (step["text"], step["url"]) == (fact.text, fact.url)
    # A system with no platform in the catalogue has none.
    rebuy = next(s for s in systems if s["name"].startswith("Rebuy"))
    assert rebuy["platform_steps"] == []


def test_a_vendor_file_with_changed_platform_steps_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "vendor.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", out)
    data = tomllib.loads(out.read_text("utf-8"))
    index = next(i for i, e in enumerate(data["entries"]) if e["id"] == ENTRY)
    data["entries"][index]["platform_steps"][0] = "Shopify: just share the owner login."
    out.write_text(tomli_w.dumps(data), "utf-8")
    before = ok("--demo", "plan", "--format", "toml").stdout
    result = invoke("--demo", "plan", "import", str(out), "--yes")
    assert_error(result, 2, "vendor.toml", f'entries[{index}] (id "{ENTRY}")', "platform_steps")
    assert ok("--demo", "plan", "--format", "toml").stdout == before


def test_a_vendor_file_from_another_version_is_not_held_to_todays_platform_steps(
    tmp_path: Path,
) -> None:
    """The catalogue ships with the tool: a file written before an update may hold older
    wording, and the vendor's statuses in it must still come in."""
    out = tmp_path / "vendor.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", out)
    data = tomllib.loads(out.read_text("utf-8"))
    data["tool_version"] = "0.0.1"
    index = next(i for i, e in enumerate(data["entries"]) if e["id"] == ENTRY)
    data["entries"][index]["platform_steps"][0] = "Shopify: older wording of the steps."
    item = next(i for i in data["items"] if i["id"] == f"{ENTRY}/shopify")
    item["status"] = "done"
    out.write_text(tomli_w.dumps(data), "utf-8")
    ok("--demo", "plan", "import", str(out), "--yes")
    plan = tomllib.loads(ok("--demo", "plan", "--format", "toml").stdout)["plan"]
    entry = next(e for e in plan if e["id"] == ENTRY)
    shopify = next(s for s in entry["systems"] if s["id"] == f"{ENTRY}/shopify")
    assert shopify["status"] == "done"
