"""The breach kit's incident plan and privacy FAQ: goldens, claims, injection, CLI."""

from __future__ import annotations

import datetime as dt
import re
import stat
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import WIDE, assert_error, ok
from click.testing import CliRunner, Result
from golden_files import check_golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_support import (
    FORBIDDEN,
    PAYLOADS,
    commonmark,
    flat,
    headings,
    hostile_text,
    inline_text,
    linkifying_parsers,
    name_from,
    outline,
    tables,
    walk,
)
from tui_support import demo_session

from pdpa_check.cli import base as cli_base
from pdpa_check.cli import cli
from pdpa_check.cli import kit_docs as kit_docs_cli
from pdpa_check.exports.kit.faq import AI_SAFEGUARDS, CLAIMS, PROTECTIONS, render_faq_markdown
from pdpa_check.exports.kit.plan24 import (
    NOT_NAMED,
    TODOS,
    atom,
    plan_data,
    render_plan_markdown,
    render_plan_toml,
    wrap,
)
from pdpa_check.exports.kit.systems import COMMON_FREEZE, GUIDES, freeze_steps
from pdpa_check.exports.markdown import inline
from pdpa_check.kit.contacts import CONTACT_ROLES, Contact
from pdpa_check.kit.context import KitContext
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import builtin_catalogue
from pdpa_check.questionnaires.profile import SYSTEM_KINDS, Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.services.session import Session
from pdpa_check.store.db import open_database
from pdpa_check.store.lock import DatabaseLock
from pdpa_check.store.repo import Store
from pdpa_check.support.paths import locations
from pdpa_check.support.text import clean, for_output

GENERATED_ON = dt.date(2026, 1, 15)
TOOL_VERSION = "0.0.0-test"

# One system of every kind, so the goldens show every guide.
SYSTEMS = (
    System(key="gmail", kind="email_suite", name="Google Workspace"),
    System(key="shopify", kind="storefront", name="Shopify"),
    System(key="shopee", kind="marketplace", name="Shopee"),
    System(key="hubspot", kind="crm", name="HubSpot CRM"),
    System(key="klaviyo", kind="email_marketing", name="Klaviyo"),
    System(key="meta", kind="ads", name="Meta Business"),
    System(key="stripe", kind="payments", name="Stripe"),
    System(key="whatsapp", kind="chat", name="WhatsApp Business"),
    System(key="rebuy", kind="ai", name="Rebuy"),
    System(key="courier", kind="other", name="Ninja Van"),
)
SHOP = Profile(name="Golden Threads Pte Ltd", staff_count=9, sector="ecommerce", systems=SYSTEMS)

# A mix of held, partly held and missing answers; text answers for the kit.
ANSWERS: dict[str, str] = {
    "acc-mfa": "yes",  # every system
    "pat-platform-updates": "yes",
    "bkp-method": "automatic",  # not the separate copy: no backup claim
    "ven-contracts": "yes",
    "ven-overseas": "unknown",
    "ret-schedule": "yes",
    "ret-periods": "Orders and invoices: 5 years (tax). Marketing list: until you unsubscribe.",
    "ret-deletion-done": "no",
    "ai-in-use": "yes",
    "ai-customer-notice": "yes",
    "ai-data-minimised": "no",
    "gov-dpo": "yes",
    "gov-dpo-contact": "dpo@golden-threads.example",
    "tr-requests": "partly",
    "inc-plan": "partly",
    "inc-lead-names": "Mei Ling; deputy Raj",
    "inc-freeze": "yes",
    "inc-evidence": "no",
    "inc-contacts": "yes",
    "inc-exercise": "no",
    "ntf-statement-template": "no",
    "mon-audit-logs": "no",
}
PER_SYSTEM = {"acc-mfa", "acc-shared-logins", "mon-logs-on"}
CONTACTS = {
    "incident_lead": Contact(role="incident_lead", name="Mei Ling", reach="+65 6000 0000"),
    "dpo": Contact(role="dpo", name="Mei Ling"),
}


def answers_for(profile: Profile, values: dict[str, str]) -> dict[tuple[str, str], Answer]:
    """Answers keyed as the store keys them; per-system questions answered on every system."""
    found: dict[tuple[str, str], Answer] = {}
    for qid, value in values.items():
        keys = [s.key for s in profile.systems] if qid in PER_SYSTEM else [""]
        for key in keys:
            found[(qid, key)] = Answer(question_id=qid, system_key=key, value=value)
    return found


def make_ctx(
    bank: Bank,
    profile: Profile = SHOP,
    values: dict[str, str] | None = None,
    contacts: dict[str, Contact] | None = None,
    *,
    assessed: bool = True,
) -> KitContext:
    """A fixed context; `assessed=False` is an organisation with no assessment yet."""
    answers = answers_for(profile, ANSWERS if values is None else values)
    return KitContext(
        generated_on=GENERATED_ON,
        profile=profile,
        contacts=CONTACTS if contacts is None else contacts,
        bank_id=bank.id,
        bank_version=bank.version,
        assessment_id=7 if assessed else None,
        answers=answers if assessed else {},
        result=evaluate(bank, profile, answers) if assessed else None,
        tool_version=TOOL_VERSION,
    )


RENDERERS: dict[str, Callable[[KitContext], str]] = {
    "kit-plan.md": render_plan_markdown,
    "kit-plan.toml": render_plan_toml,
    "kit-faq.md": render_faq_markdown,
}


def md() -> MarkdownIt:
    return commonmark()


def section_tokens(text: str, title: str) -> list[Token]:
    """The block tokens between the h2 `title` and the next h2 (or the end)."""
    tokens = md().parse(text)
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and inline_text(tokens[i + 1]) == title
    )
    end = next(
        (i for i in range(start + 3, len(tokens)) if tokens[i].type == "heading_open"),
        len(tokens),
    )
    return tokens[start + 3 : end]


def list_items(tokens: list[Token]) -> list[str]:
    """The text of each top-level list item's first paragraph, outside blockquotes."""
    found, depth, quote = [], 0, 0
    for i, token in enumerate(tokens):
        if token.type == "blockquote_open":
            quote += 1
        elif token.type == "blockquote_close":
            quote -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1 and not quote:
            found.append(inline_text(tokens[i + 2]).replace("\n", " "))
    return found


def quotes(tokens: list[Token]) -> list[str]:
    """The text of each blockquote's paragraphs."""
    found, quote = [], 0
    for token in tokens:
        if token.type == "blockquote_open":
            quote += 1
            found.append("")
        elif token.type == "blockquote_close":
            quote -= 1
        elif token.type == "inline" and quote:
            found[-1] += inline_text(token).replace("\n", " ")
    return found


def plain_paragraphs(tokens: list[Token]) -> list[str]:
    """Paragraph texts outside lists and blockquotes: what a customer reads as prose."""
    found, nest = [], 0
    for i, token in enumerate(tokens):
        if token.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
            nest += 1
        elif token.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            nest -= 1
        elif token.type == "paragraph_open" and not nest:
            found.append(inline_text(tokens[i + 1]).replace("\n", " "))
    return found


def unwrap(text: str) -> str:
    """Markdown source with its wrapped lines joined, for substring checks."""
    return " ".join(text.split())


# Golden files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_golden(name: str, bank: Bank) -> None:
    """Regenerate with `UPDATE_GOLDEN=1 pytest tests/test_kit_docs.py -k golden`."""
    check_golden(name, RENDERERS[name](make_ctx(bank)))


def test_every_system_kind_has_a_guide() -> None:
    assert set(GUIDES) == set(SYSTEM_KINDS)
    for kind, guide in GUIDES.items():
        assert guide.kind == kind
        assert guide.freeze and guide.evidence and guide.holds and guide.purpose and guide.staff
        assert freeze_steps(kind)[: len(COMMON_FREEZE)] == COMMON_FREEZE


# The plan -------------------------------------------------------------------------------

PLAN_SECTIONS = [
    "Who does what",
    "First hour: contain",
    "Freeze access, system by system",
    "Keep the evidence",
    "Who to tell, and when",
    "C.A.R.E.: the four steps of PDPC's breach guide",
    "Before you need this",
]


def test_plan_outline(bank: Bank) -> None:
    ctx = make_ctx(bank)
    text = render_plan_markdown(ctx)
    tokens = md().parse(text)
    assert headings(tokens) == [
        ("h1", "First-24-hours incident plan: Golden Threads Pte Ltd"),
        *[("h2", title) for title in PLAN_SECTIONS],
    ]
    systems = list_items(section_tokens(text, "Freeze access, system by system"))
    # Each system with its kind, and the vendor page that says where its log is, if on file.
    expected = []
    for system in SHOP.systems:
        platform = builtin_catalogue().find(system.name)
        log = platform.audit_log if platform else None
        page = f'; its log: {platform.name} help, "{log.source}"' if platform and log else ""
        expected.append(f"{system.name} ({GUIDES[system.kind].short}{page})")
    assert systems == expected
    assert any("its log:" in line for line in systems)
    care = list_items(section_tokens(text, PLAN_SECTIONS[5]))
    assert [item.split(":")[0] for item in care] == ["Contain", "Assess", "Report", "Evaluate"]
    assert text.startswith("# First-24-hours incident plan")
    assert text.rstrip().endswith("PDPC's own guides.")


def test_plan_names_the_inventory_in_the_notification_list(bank: Bank) -> None:
    told = list_items(section_tokens(render_plan_markdown(make_ctx(bank)), PLAN_SECTIONS[4]))
    assert [item.split(":")[0] for item in told] == [
        "PDPC",
        "Affected individuals",
        "Police",
        "CSA (SingCERT)",
        "Bank or payment processor (Stripe)",
        "Platform vendor (Google Workspace, Shopify, Shopee)",
        "Cyber insurer",
    ]
    pdpc = told[0]
    assert "no later than 3 calendar days after the day you assess it as notifiable" in pdpc
    assert "30 days" in pdpc and "PDPC's guide expects" in pdpc
    assert "at the same time as or after PDPC" in told[1]
    assert "check your policy's notice terms" in told[6]


def test_missing_contacts_are_flagged_and_named_ones_shown(bank: Bank) -> None:
    nobody = render_plan_markdown(make_ctx(bank, contacts={}))
    rows = tables(md().parse(nobody))[0]
    assert rows[0] == ["Role", "Name", "How to reach"]
    assert [row[0] for row in rows[1:]] == list(CONTACT_ROLES.values())
    assert [row[1] for row in rows[1:4]] == ["NOT NAMED"] * 3
    assert [row[1] for row in rows[4:]] == ["not recorded"] * 3
    assert NOT_NAMED in unwrap(nobody)
    # The assessment's text answer is offered as a hint.
    assert "Your assessment answer names: Mei Ling; deputy Raj." in unwrap(nobody)

    hostile = "Mei *Ling* | <b>x</b> [y](http://e.vil)"
    named = {
        role: Contact.model_validate({"role": role, "name": f"{hostile} {n}", "reach": "+65 1"})
        for n, role in enumerate(CONTACT_ROLES)
    }
    text = render_plan_markdown(make_ctx(bank, contacts=named))
    rows = tables(md().parse(text))[0]
    assert [row[1] for row in rows[1:]] == [f"{hostile} {n}" for n in range(len(CONTACT_ROLES))]
    assert all(row[2] == "+65 1" for row in rows[1:])
    assert "NOT NAMED" not in text
    assert "Your assessment answer names" not in text


def test_plan_todos_follow_the_answers(bank: Bank) -> None:
    def todo_ids(ctx: KitContext) -> list[str]:
        items = list_items(section_tokens(render_plan_markdown(ctx), PLAN_SECTIONS[6]))
        by_text = {
            unwrap(text.replace("`", "").replace("\x00", " ")): qid for qid, text in TODOS.items()
        }
        return [by_text[unwrap(item)] for item in items]

    # Held: inc-freeze, inc-contacts. Not held but answered: listed.
    listed = todo_ids(make_ctx(bank))
    assert {"inc-plan", "inc-evidence", "inc-exercise", "ntf-statement-template"} <= set(listed)
    assert "mon-audit-logs" in listed
    assert not {"inc-freeze", "inc-contacts"} & set(listed)
    # No assessment: everything is still to do.
    assert todo_ids(make_ctx(bank, assessed=False)) == list(TODOS)
    # Everything held: nothing to do.
    done = {qid: "yes" for qid in TODOS} | {"inc-lead-names": "A; B"}
    assert todo_ids(make_ctx(bank, values=done)) == []


def test_toml_plan_parses_and_carries_the_same_data(bank: Bank) -> None:
    ctx = make_ctx(bank)
    data = tomllib.loads(render_plan_toml(ctx))
    assert data == plan_data(ctx)
    assert data["format"] == "pdpa-check-incident-plan"
    assert data["organisation"] == SHOP.name
    assert (data["bank_id"], data["bank_version"]) == (bank.id, bank.version)
    assert data["generated_on"] == "2026-01-15"
    assert data["assessment_id"] == 7
    assert data["missing_contacts"] == ["deputy", "comms_approver"]
    assert [c["role"] for c in data["contacts"]] == ["incident_lead", "dpo"]
    assert data["contacts"][0]["reach"] == "+65 6000 0000"
    assert [s["key"] for s in data["systems"]] == [s.key for s in SHOP.systems]
    shopify = data["systems"][1]
    assert shopify["freeze"] == list(freeze_steps("storefront"))
    assert shopify["evidence"] == list(GUIDES["storefront"].evidence)
    notify = {n["who"]: n for n in data["notify"]}
    assert notify["Bank or payment processor"]["systems"] == ["Stripe"]
    assert "3 calendar days" in notify["PDPC"]["when"]
    assert "`" not in notify["PDPC"]["when"]
    assert [c["step"] for c in data["care"]] == ["Contain", "Assess", "Report", "Evaluate"]
    assert {t["question"] for t in data["to_do"]} >= {"inc-plan", "inc-evidence"}
    assert "assessment_id" not in plan_data(make_ctx(bank, assessed=False))


def no_none(value: Any) -> bool:
    if isinstance(value, dict):
        return all(no_none(v) for v in value.values())
    if isinstance(value, list):
        return all(no_none(v) for v in value)
    return value is not None


def test_toml_plan_has_no_none(bank: Bank) -> None:
    for ctx in (make_ctx(bank), make_ctx(bank, contacts={}, assessed=False)):
        assert no_none(plan_data(ctx))


def demo_ctx(tmp_path: Path, *, contacts: bool) -> KitContext:
    session = demo_session(tmp_path / "demo.db")
    if not contacts:
        for role in list(session.contacts()):
            session.clear_contact(role)
    return session.kit_context()


@pytest.mark.parametrize("contacts", [True, False], ids=["named", "nobody-named"])
def test_demo_plan_prints_on_two_pages(tmp_path: Path, contacts: bool) -> None:
    """Two A4 pages: at most 120 lines of at most 100 characters (the module's promise)."""
    ctx = demo_ctx(tmp_path, contacts=contacts)
    assert len(ctx.profile.systems) == 7
    lines = render_plan_markdown(ctx).splitlines()
    assert len(lines) <= 120, len(lines)
    too_long = [line for line in lines if len(line) > 100]
    assert not too_long


def test_wrap_never_starts_a_line_with_a_block_marker() -> None:
    # Each marker is pushed to the start of a line by the long word before it.
    words = ["x" * 97, "-", "b", "y" * 95, "12.", "d", "z" * 97, "#", "f", "w" * 97, "+", "g"]
    out = wrap("- ", " ".join(words))
    later = out.splitlines()[1:]
    assert not [line for line in later if re.match(r"\s*([-+*#>=]|\d+[.)])", line)]
    assert [line.strip()[:3] for line in later[::2]] == ["\\- ", "12\\", "\\# ", "\\+ "]
    tokens = md().parse(out)
    assert [t.type for t in tokens if t.type.endswith("_open")] == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
    ]


def test_outside_text_is_never_split_across_lines() -> None:
    name = "a - b 1. c # d > e"
    out = wrap("- ", "x" * 90 + " " + atom(name) + " y")
    assert out.splitlines()[1] == "  " + inline(name) + " y"
    assert inline_text(md().parse(out)[3]) == "x" * 90 + "\n" + name + " y"


# The FAQ --------------------------------------------------------------------------------

PROTECTION = "How do you protect it?"
ALL_CLAIMS = [
    *PROTECTIONS.values(),
    *(claim for claim, _ in CLAIMS.values()),
    *AI_SAFEGUARDS.values(),
    "We keep personal data for these periods",
    "Contact our data protection officer",
    "We check it is really you",
]


def test_faq_with_no_assessment_claims_nothing(bank: Bank) -> None:
    text = render_faq_markdown(make_ctx(bank, assessed=False))
    flat_text = unwrap(text)
    for claim in ALL_CLAIMS:
        assert unwrap(claim) not in flat_text, claim
    protection = section_tokens(text, PROTECTION)
    assert list_items(protection) == []
    assert plain_paragraphs(protection) == []
    notes = quotes(protection)
    assert len(notes) == 1 and notes[0].startswith("Decide first:")
    # Every other gap is a note to the owner too.
    for title in (
        "How long do you keep it?",
        "How do I reach your data protection officer?",
        "How does AI or personalisation use my data?",
    ):
        assert quotes(section_tokens(text, title))[0].startswith("Decide first:"), title
    assert "Set how long you keep each kind of data before you publish this answer" in flat_text
    assert "appoint a data protection officer" in flat_text.lower()


# (question, full-credit answer, extra answers it needs to apply)
SINGLE_CONTROLS = [
    ("acc-mfa", "yes", {}),
    ("acc-shared-logins", "yes", {}),
    ("access-export-rights", "yes", {}),
    ("pat-platform-updates", "yes", {}),
    ("pat-device-lock", "yes", {}),
    ("pat-antimalware", "yes", {}),
    ("mon-alerts", "yes", {}),
    ("bkp-method", "automatic-offline", {}),
    ("bkp-protected", "yes", {"bkp-method": "manual"}),
    ("gov-training", "yes", {}),
]


@pytest.mark.parametrize(("qid", "value", "needs"), SINGLE_CONTROLS, ids=lambda v: str(v))
def test_one_control_held_makes_exactly_its_claim(
    qid: str, value: str, needs: dict[str, str], bank: Bank
) -> None:
    text = render_faq_markdown(make_ctx(bank, values={**needs, qid: value}))
    assert list_items(section_tokens(text, PROTECTION)) == [unwrap(PROTECTIONS[qid])]
    others = [words for other, words in PROTECTIONS.items() if other != qid]
    assert not [words for words in others if unwrap(words) in unwrap(text)]


def test_a_self_hosted_store_claims_its_updates_and_https_from_its_own_questions(
    bank: Bank,
) -> None:
    # A self-hosted store is not asked pat-platform-updates (issue 20): prompt updates are a
    # basic it meets through web-store-patch-speed, and https through enc-https-everywhere.
    woo = SHOP.model_copy(update={"site_build": "self_hosted"})
    values = {"web-store-patch-speed": "within-week", "enc-https-everywhere": "yes"}
    text = render_faq_markdown(make_ctx(bank, woo, values=values))
    assert list_items(section_tokens(text, PROTECTION)) == [
        unwrap(PROTECTIONS["web-store-patch-speed"]),
        unwrap(PROTECTIONS["enc-https-everywhere"]),
    ]
    assert "prompt security updates" not in unwrap(text)  # not listed as a missing basic
    slow = render_faq_markdown(make_ctx(bank, woo, values={"web-store-patch-speed": "later"}))
    assert list_items(section_tokens(slow, PROTECTION)) == []
    assert "prompt security updates for your store" in " ".join(slow.replace(">", " ").split())


def test_protection_claims_need_full_credit(bank: Bank) -> None:
    # MFA on all but one system, backups without the separate copy: no claim.
    values = {"bkp-method": "automatic"}
    ctx = make_ctx(bank, values=values)
    answers = dict(ctx.answers)
    for key in [s.key for s in SHOP.systems]:
        answers[("acc-mfa", key)] = Answer(question_id="acc-mfa", system_key=key, value="yes")
    answers[("acc-mfa", "stripe")] = Answer(question_id="acc-mfa", system_key="stripe", value="no")
    partial = KitContext(
        GENERATED_ON,
        SHOP,
        {},
        bank.id,
        bank.version,
        7,
        answers,
        evaluate(bank, SHOP, answers),
        TOOL_VERSION,
    )
    text = render_faq_markdown(partial)
    assert list_items(section_tokens(text, PROTECTION)) == []
    assert quotes(section_tokens(text, PROTECTION))[0].startswith("Decide first:")


def test_faq_states_only_what_the_answers_hold(bank: Bank) -> None:
    text = render_faq_markdown(make_ctx(bank))
    flat_text = unwrap(text)
    claims = list_items(section_tokens(text, PROTECTION))
    assert claims == [unwrap(PROTECTIONS["acc-mfa"]), unwrap(PROTECTIONS["pat-platform-updates"])]
    # Retention: the owner's periods, but no deletion promise (ret-deletion-done is "no").
    retention = section_tokens(text, "How long do you keep it?")
    assert plain_paragraphs(retention)[0] == (
        "We keep personal data for these periods: Orders and invoices: 5 years (tax)."
        " Marketing list: until you unsubscribe."
    )
    assert unwrap(CLAIMS["ret-deletion-done"][0]) not in flat_text
    # Vendors: contracts held, overseas not.
    assert unwrap(CLAIMS["ven-contracts"][0]) in flat_text
    assert unwrap(CLAIMS["ven-overseas"][0]) not in flat_text
    # AI: the notice is held, minimisation is not.
    ai = section_tokens(text, "How does AI or personalisation use my data?")
    assert list_items(ai) == [unwrap(AI_SAFEGUARDS["ai-customer-notice"])]
    assert "send each AI tool only the data its feature needs" in quotes(ai)[0]
    # DPO from the published contact; requests not yet settled (partly).
    dpo = section_tokens(text, "How do I reach your data protection officer?")
    assert plain_paragraphs(dpo) == [
        "Contact our data protection officer at: dpo@golden-threads.example."
    ]
    requests = section_tokens(text, "How do I see or correct my data, or withdraw consent?")
    assert quotes(requests)[0].startswith("Decide first: Decide who answers")


def test_faq_ai_answer_no(bank: Bank) -> None:
    shop = Profile(name="No AI", staff_count=2, systems=SHOP.systems[:2])
    text = render_faq_markdown(make_ctx(bank, profile=shop, values={"ai-in-use": "no"}))
    ai = section_tokens(text, "How does AI or personalisation use my data?")
    assert plain_paragraphs(ai) == ["We do not use AI tools with your personal data."]
    # The inventory contradicts the answer: no claim, a note.
    text = render_faq_markdown(make_ctx(bank, values={"ai-in-use": "no"}))
    ai = section_tokens(text, "How does AI or personalisation use my data?")
    assert plain_paragraphs(ai) == [] and quotes(ai)[0].startswith("Decide first:")


def test_faq_dpo_from_contacts_is_flagged_for_checking(bank: Bank) -> None:
    values = {k: v for k, v in ANSWERS.items() if k != "gov-dpo-contact"}
    dpo = Contact(role="dpo", name="Mei Ling", reach="+65 9000 0000")
    text = render_faq_markdown(make_ctx(bank, values=values, contacts={"dpo": dpo}))
    tokens = section_tokens(text, "How do I reach your data protection officer?")
    assert plain_paragraphs(tokens) == ["Our data protection officer is Mei Ling: +65 9000 0000."]
    assert "not a private number" in quotes(tokens)[0]


def test_decide_first_notes_are_never_customer_prose(bank: Bank) -> None:
    for ctx in (make_ctx(bank), make_ctx(bank, assessed=False)):
        tokens = md().parse(render_faq_markdown(ctx))
        notes = quotes(tokens)
        assert notes[0].startswith("For you, before you publish:")
        assert all(note.startswith("Decide first:") for note in notes[1:])
        assert len(notes) > 1
        assert not [p for p in plain_paragraphs(tokens) if "Decide first" in p]
        assert not [p for p in list_items(tokens) if "Decide first" in p]


# Facts ----------------------------------------------------------------------------------

WRONG_CLOCKS = re.compile(r"72\s*-?\s*h(ou)?rs?|business\s+days?|working\s+days?", re.IGNORECASE)


def test_no_wrong_deadlines_anywhere(bank: Bank, tmp_path: Path) -> None:
    contexts = [
        make_ctx(bank),
        make_ctx(bank, assessed=False, contacts={}),
        demo_ctx(tmp_path, contacts=True),
    ]
    for ctx in contexts:
        for name, render in RENDERERS.items():
            out = render(ctx)
            assert not WRONG_CLOCKS.search(out), name
            assert not FORBIDDEN.search(out), name
    for kind in GUIDES.values():
        assert not WRONG_CLOCKS.search(" ".join([*kind.freeze, *kind.evidence, kind.holds]))


# Injection ------------------------------------------------------------------------------


def hostile_ctx(bank: Bank, text: str) -> KitContext:
    """Every outside string in the documents set to `text` (as far as each field allows)."""
    name = name_from(text)
    systems = tuple(System(key=s.key, kind=s.kind, name=name) for s in SHOP.systems)
    profile = Profile(name=name, staff_count=9, systems=systems)
    typed = clean(text).strip() or "x" + text
    values = {
        **ANSWERS,
        "inc-lead-names": typed,
        "ret-periods": typed,
        "gov-dpo-contact": typed,
    }
    contacts = {
        "incident_lead": Contact(role="incident_lead", name=name, reach=name),
        "dpo": Contact(role="dpo", name=name, reach=name),
    }
    return make_ctx(bank, profile=profile, values=values, contacts=contacts)


BAD_TOKENS = {"html_block", "html_inline", "image", "link_open"}


def inline_kinds(tokens: list[Token]) -> list[str]:
    """Inline markup made by the document (emphasis, code, links...), in order."""
    return [
        t.type
        for t in walk(tokens)
        if t.nesting != 0 or t.type in ("code_inline", "image", "html_inline", "hardbreak")
        if t.type not in ("paragraph_open", "paragraph_close")
    ]


DOCUMENTS = {"plan": render_plan_markdown, "faq": render_faq_markdown}


_BASELINES: dict[tuple[int, str], list[tuple[list[Any], list[str]]]] = {}


def baseline_shapes(bank: Bank, name: str) -> list[tuple[list[Any], list[str]]]:
    """The outline and inline markup of a document whose outside text is plain "x", as each
    parser reads it: the same for every example, so worked out once per bank."""
    key = (id(bank), name)
    if key not in _BASELINES:
        baseline = DOCUMENTS[name](hostile_ctx(bank, "x"))
        parsed = [parser.parse(baseline) for parser in [md(), *linkifying_parsers()]]
        _BASELINES[key] = [(outline(tokens), inline_kinds(tokens)) for tokens in parsed]
    return _BASELINES[key]


def check_inert(bank: Bank, text: str) -> None:
    ctx = hostile_ctx(bank, text)
    for name, render in DOCUMENTS.items():
        rendered = render(ctx)
        assert not FORBIDDEN.search(rendered), name
        parsers = [md(), *linkifying_parsers()]
        for parser, (shape, kinds) in zip(parsers, baseline_shapes(bank, name), strict=True):
            tokens = parser.parse(rendered)
            assert outline(tokens) == shape, name
            assert inline_kinds(tokens) == kinds, name
            assert not {t.type for t in walk(tokens)} & BAD_TOKENS, name
        title = "First-24-hours incident plan" if name == "plan" else "Privacy FAQ (draft)"
        assert headings(md().parse(rendered))[0] == ("h1", f"{title}: {flat(ctx.profile.name)}")
    data = tomllib.loads(render_plan_toml(ctx))
    assert data["organisation"] == for_output(ctx.profile.name)
    assert {s["name"] for s in data["systems"]} == {for_output(ctx.profile.name)}
    assert data["contacts"][0]["name"] == for_output(ctx.contacts["incident_lead"].name)


@pytest.mark.parametrize(
    "payload",
    [
        *PAYLOADS,
        "pay at evil.com",
        "| a | b |\n| - | - |\n| c | d |",
        "[x](http://e.vil)",
        "x\u202e\u2066y",
        "`code` and ``more``",
    ],
)
def test_hostile_text_cannot_add_structure(payload: str, bank: Bank) -> None:
    check_inert(bank, payload)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=hostile_text)
def test_hostile_text_property(text: str, bank: Bank) -> None:
    check_inert(bank, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=60))
def test_toml_round_trips_any_name(text: str, bank: Bank) -> None:
    ctx = hostile_ctx(bank, text)
    data = tomllib.loads(render_plan_toml(ctx))
    assert data["organisation"] == for_output(ctx.profile.name)
    assert data["contacts"][0]["reach"] == for_output(ctx.contacts["incident_lead"].reach)


# CLI ------------------------------------------------------------------------------------


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args], input=stdin, env=WIDE, catch_exceptions=False
    )


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    db = tmp_path / "shop.db"
    ok(
        "--db", db, "org", "create", "Kopi Shop", "--staff", "4",
        "--system", "storefront:Shopify", "--system", "payments:Stripe",
    )  # fmt: skip
    return db


def reopen(db: Path) -> Session:
    return Session(Store(open_database(db), db), None)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(kit_docs_cli, "_interactive", lambda: True)
    yield


def test_cli_plan_on_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok("demo")
    # No database of one's own: on a terminal the demo is shown (a script must ask for --demo).
    monkeypatch.setattr(cli_base, "stdout_is_terminal", lambda: True)
    result = ok("kit", "plan")
    tokens = md().parse(result.stdout)
    assert headings(tokens)[0] == ("h1", "First-24-hours incident plan: Kampong Threads Pte Ltd")
    assert "Showing the demo organisation" in result.stderr

    out = tmp_path / "out"
    out.mkdir()
    ok("--demo", "kit", "plan", "--format", "toml", "-o", out)
    written = out / f"kampong-threads-pte-ltd-incident-plan-{dt.date.today()}.toml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    data = tomllib.loads(written.read_text())
    assert data["organisation"] == "Kampong Threads Pte Ltd"
    assert len(data["systems"]) == 7
    refused = run("--demo", "kit", "plan", "--format", "toml", "-o", out)
    assert_error(refused, 1, "already exists", "--force")
    ok("--demo", "kit", "plan", "--format", "toml", "-o", out, "--force")
    ok("--demo", "kit", "plan", "-o", out)
    assert (out / f"kampong-threads-pte-ltd-incident-plan-{dt.date.today()}.md").exists()


def test_cli_faq_on_the_demo(tmp_path: Path) -> None:
    ok("demo")
    result = ok("--demo", "kit", "faq")
    assert (
        headings(md().parse(result.stdout))[0][1] == "Privacy FAQ (draft): Kampong Threads Pte Ltd"
    )
    assert "Decide first:" in result.stdout
    ok("--demo", "kit", "faq", "-o", f"{tmp_path}/")
    written = tmp_path / f"kampong-threads-pte-ltd-privacy-faq-{dt.date.today()}.md"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert_error(run("--demo", "kit", "faq", "-o", written), 1, "already exists")


def test_cli_contacts_set_list_clear(shop_db: Path) -> None:
    listing = ok("--db", shop_db, "kit", "contacts").stdout
    assert "Missing (decide who before you need them): incident-lead, deputy, comms-approver" in (
        listing
    )
    ok("--db", shop_db, "kit", "contacts", "set", "incident-lead", "Mei Ling", "--reach", "+65 1")
    ok("--db", shop_db, "kit", "contacts", "set", "comms_approver", "Hafiz")
    listing = ok("--db", shop_db, "kit", "contacts").stdout
    assert "Mei Ling" in listing and "+65 1" in listing and "Hafiz" in listing
    assert "Missing (decide who before you need them): deputy." in listing
    # Renaming keeps the reach unless a new one is given.
    ok("--db", shop_db, "kit", "contacts", "set", "incident-lead", "Mei Ling Tan")
    lead = reopen(shop_db).contacts()["incident_lead"]
    assert (lead.name, lead.reach) == ("Mei Ling Tan", "+65 1")
    ok("--db", shop_db, "kit", "contacts", "clear", "INCIDENT-LEAD")
    assert "incident_lead" not in reopen(shop_db).contacts()
    assert "Nobody was recorded" in ok("--db", shop_db, "kit", "contacts", "clear", "dpo").stdout


def test_cli_contacts_refuses_bad_input(shop_db: Path) -> None:
    bad = run("--db", shop_db, "kit", "contacts", "set", "boss", "X")
    assert_error(bad, 2, "unknown role 'boss'", "incident-lead, deputy, comms-approver")
    assert_error(run("--db", shop_db, "kit", "contacts", "clear", "ceo"), 2, "unknown role")
    assert_error(run("--db", shop_db, "kit", "contacts", "set", "dpo", " \x1b "), 2, "name")
    ok("--db", shop_db, "kit", "contacts", "set", "dpo", "Evil\x1b]0;x\x07 \u202eName")
    assert reopen(shop_db).contacts()["dpo"].name == "Evil]0;x Name"


def test_cli_contacts_set_waits_for_the_app(shop_db: Path) -> None:
    with DatabaseLock(shop_db):  # the app has the database open
        result = run("--db", shop_db, "kit", "contacts", "set", "deputy", "Raj")
        assert_error(result, 3, "already open")
        plan = run("--db", shop_db, "kit", "plan", "--no-input")
        assert plan.exit_code == 0  # reading works alongside the app
    assert "deputy" not in reopen(shop_db).contacts()


def test_cli_plan_asks_for_missing_contacts(shop_db: Path, terminal: None) -> None:
    result = run("--db", shop_db, "kit", "plan", stdin="Mei Ling\n\n\n")
    assert result.exit_code == 0, result.stderr
    contacts = reopen(shop_db).contacts()
    assert list(contacts) == ["incident_lead"]
    assert contacts["incident_lead"].name == "Mei Ling"
    rows = tables(md().parse(result.stdout))[0]
    assert rows[1][:2] == ["Incident lead", "Mei Ling"]
    assert rows[2][1] == rows[3][1] == "NOT NAMED"
    assert "Deputy incident lead (name)" in result.stderr
    # Nothing missing any more: no questions.
    ok("--db", shop_db, "kit", "contacts", "set", "deputy", "Raj")
    ok("--db", shop_db, "kit", "contacts", "set", "comms-approver", "Hafiz")
    again = run("--db", shop_db, "kit", "plan", stdin="")
    assert again.exit_code == 0 and "(name)" not in again.stderr


def test_cli_plan_does_not_ask_with_no_input_or_on_the_demo(shop_db: Path, terminal: None) -> None:
    result = run("--db", shop_db, "kit", "plan", "--no-input", stdin="Mei Ling\n\n\n")
    assert result.exit_code == 0 and "(name)" not in result.stderr
    assert reopen(shop_db).contacts() == {}
    assert "NOT NAMED" in result.stdout
    ok("demo")
    before = reopen(locations().demo_database).contacts()
    demo = run("--demo", "kit", "plan", stdin="Someone\n\n\n")
    assert demo.exit_code == 0 and "(name)" not in demo.stderr
    assert reopen(locations().demo_database).contacts() == before


def test_cli_plan_does_not_ask_while_the_app_is_open(shop_db: Path, terminal: None) -> None:
    with DatabaseLock(shop_db):
        result = run("--db", shop_db, "kit", "plan", stdin="Mei Ling\n\n\n")
    assert result.exit_code == 0
    assert "Not asking for contacts: another pdpa-check" in result.stderr
    assert "NOT NAMED" in result.stdout
    assert reopen(shop_db).contacts() == {}
