"""Shops of different shapes (issue 16, item 6): the questions and plan fit the business.

A sole trader, a marketplace-only seller, the vendor's questions, one rounding rule for
scores, chat systems with logins, and a declared AI system contradicting the answers.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from pathlib import Path

import make_fixtures
import pytest
from click.testing import CliRunner
from tui_support import new_session

from pdpa_check.cli import cli
from pdpa_check.exports.document import AssessmentInfo, build_report
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.plan import best_value, build_plan
from pdpa_check.scoring.rounding import shown_score, shown_score_tenths
from pdpa_check.store.db import open_database
from pdpa_check.store.repo import Store


def best_answers(
    bank: Bank, profile: Profile, overrides: dict[AnswerKey, str] | None = None
) -> dict[AnswerKey, Answer]:
    """Every applicable slot answered at full credit (follow-ups too), then `overrides`."""
    answers: dict[AnswerKey, Answer] = {}
    for _ in range(5):  # a "yes" can open follow-up questions
        for slot in applicable_slots(bank, profile, answers):
            if slot.key not in answers and slot.question.kind != "text":
                value = best_value(slot.question)
                answers[slot.key] = Answer(
                    question_id=slot.key[0], system_key=slot.key[1], value=value
                )
    for (question_id, system_key), value in (overrides or {}).items():
        answers[(question_id, system_key)] = Answer(
            question_id=question_id, system_key=system_key, value=value
        )
    return answers


def many_systems_shop() -> Profile:
    kinds = ["email_suite", "storefront", "crm", "ads", "email_marketing", "payments"]
    return Profile(
        name="Eight Systems Shop",
        staff_count=6,
        systems=tuple(
            System(key=f"s{i}", kind=kind, name=f"System {i}")  # type: ignore[arg-type]
            for i, kind in enumerate([*kinds, "ads", "crm"])
        ),
    )


# --- one rounding rule ------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "whole", "tenths"),
    [(0.0, 0, 0.0), (59.96, 59, 59.9), (60.0, 60, 60.0), (79.6, 79, 79.6), (99.6, 99, 99.6),
     (99.96, 99, 99.9), (99.9999999999, 100, 100.0), (100.0, 100, 100.0), (57.3, 57, 57.3)],
)  # fmt: skip
def test_shown_scores_round_down_so_a_shown_number_is_never_more_than_earned(
    score: float, whole: int, tenths: float
) -> None:
    assert shown_score(score) == whole
    assert shown_score_tenths(score) == tenths


def test_a_capped_band_never_sits_beside_100(bank: Bank) -> None:
    profile = many_systems_shop()
    answers = best_answers(bank, profile, {("acc-mfa", "s3"): "partly"})
    result = evaluate(bank, profile, answers)
    assert 99.5 <= result.score < 100.0  # round() would show 100
    assert result.band.id == "weak" and result.capped_by == "acc-mfa"
    report = build_report(
        generated_on=dt.date(2026, 1, 15),
        profile=profile,
        assessment=AssessmentInfo(1, "2026-01-02T03:04:05+00:00", None),
        bank=bank,
        result=result,
        plan=build_plan(bank, profile, answers, result),
        answers=answers,
    )
    markdown = render_markdown(report)
    assert "**Readiness score:** 99 / 100, **Partly prepared**" in markdown
    # Only the what-ifs ("If This month's items are done", "If every item ... is done") may
    # reach 100: they are the score once the gap is closed.
    shown_now = [line for line in markdown.splitlines() if not line.startswith("- **If ")]
    assert not [line for line in shown_now if "100 / 100" in line]
    data = json.loads(render_json(report))
    assert data["score"]["overall"] < 100
    accounts = next(d for d in data["domains"] if d["id"] == "accounts")
    assert accounts["score"] < 100


def report_for(bank: Bank, profile: Profile, answers: dict[AnswerKey, Answer]) -> str:
    result = evaluate(bank, profile, answers)
    return render_markdown(
        build_report(
            generated_on=dt.date(2026, 1, 15),
            profile=profile,
            assessment=AssessmentInfo(1, "2026-01-02T03:04:05+00:00", None),
            bank=bank,
            result=result,
            plan=build_plan(bank, profile, answers, result),
            answers=answers,
        )
    )


def all_no(bank: Bank, profile: Profile) -> dict[AnswerKey, Answer]:
    """Every applicable slot that takes "no" answered so (a shop with every gap): the yes/no
    questions and the choices whose levels are yes, partly and no."""
    return {
        slot.key: Answer(question_id=slot.key[0], system_key=slot.key[1], value="no")
        for slot in applicable_slots(bank, profile, {})
        if slot.question.kind in ("yes_no", "per_system")
        or any(option.id == "no" for option in slot.question.options)
    }


def asked(bank: Bank, profile: Profile) -> set[str]:
    return {slot.question.id for slot in applicable_slots(bank, profile, {})}


# --- a sole trader --------------------------------------------------------------

STAFF_ONLY = {"acc-separate-admin", "ntf-comms-approver", "gov-training", "lvr-checklist"}


def test_a_sole_trader_is_not_asked_about_staff_and_gets_no_plan_items_for_them(
    bank: Bank, profile: Profile
) -> None:
    alone = profile.model_copy(update={"staff_count": 1})
    assert asked(bank, profile) >= STAFF_ONLY
    assert not STAFF_ONLY & asked(bank, alone)
    # Answers kept from when the business had staff do not bring the items back.
    answers = all_no(bank, profile)
    plan = build_plan(bank, alone, answers, evaluate(bank, alone, answers))
    actions = {item.action.id for item in plan.items}
    assert not {"separate-admin-accounts", "name-comms-approver"} & actions
    assert "enforce-mfa" in actions  # the owner's own duties stay


def test_the_policy_question_reads_as_the_owners_own_duty(bank: Bank) -> None:
    policy = bank.question("gov-policy")
    assert policy.applies_if is None  # PDPA s12 applies to a business of one too
    assert "your staff have been shown" not in policy.text
    assert "if anyone works with you" in policy.text


# --- a marketplace-only seller ----------------------------------------------------

WEBSITE_ONLY = {
    "pat-platform-updates",
    "pat-api-keys",
    "acc-lockout",
    "tr-privacy-notice",
    "tr-collection-notice",
    "min-optional-fields",
}


def marketplace_seller() -> Profile:
    return Profile(
        name="Shopee Only",
        staff_count=2,
        has_website=False,
        systems=(
            System(key="shopee", kind="marketplace", name="Shopee Seller Centre"),
            System(key="gmail", kind="email_suite", name="Gmail"),
        ),
    )


def test_a_marketplace_only_seller_is_not_asked_about_a_website(bank: Bank) -> None:
    seller = marketplace_seller()
    assert asked(bank, seller.model_copy(update={"has_website": True})) >= WEBSITE_ONLY
    assert not WEBSITE_ONLY & asked(bank, seller)
    answers = all_no(bank, seller)
    result = evaluate(bank, seller, answers)
    assert not {q.question_id for q in result.questions} & WEBSITE_ONLY
    plan = build_plan(bank, seller, answers, result)
    assert not {q for item in plan.items for q in item.question_ids} & WEBSITE_ONLY
    assert result.notices == ()


def test_no_website_with_an_online_store_declared_is_pointed_out(bank: Bank) -> None:
    seller = marketplace_seller()
    odd = seller.model_copy(
        update={"systems": (*seller.systems, System(key="shop", kind="storefront", name="Shopify"))}
    )
    [notice] = evaluate(bank, odd, {}).notices
    assert "no website or online store of its own" in notice and "Shopify" in notice


# --- questions for the IT vendor --------------------------------------------------


def test_vendor_questions_ask_only_what_a_vendor_can_answer(bank: Bank, profile: Profile) -> None:
    unknown = {
        key: answer.model_copy(update={"value": "unknown"})
        for key, answer in all_no(bank, profile).items()
    }
    plan = build_plan(bank, profile, unknown, evaluate(bank, profile, unknown))
    asked_vendor = {q.question_id for q in plan.vendor_questions}
    # Staff habits are the owner's to check, never the vendor's.
    assert not {"access-share-links", "acc-compromise-reset", "acc-password-manager"} & asked_vendor
    assert {"acc-mfa", "mon-audit-logs", "pat-device-lock"} <= asked_vendor
    assert all(bank.question(q).ask_vendor for q in asked_vendor)


def test_vendor_questions_name_only_the_systems_declared(bank: Bank, profile: Profile) -> None:
    # The fixture shop has Google Workspace, Shopify and Meta Business: no CRM.
    unknown = {("mon-audit-logs", ""): "unknown", ("access-least-privilege", ""): "unknown"}
    answers = best_answers(bank, profile, unknown)
    plan = build_plan(bank, profile, answers, evaluate(bank, profile, answers))
    texts = {q.question_id: q.text for q in plan.vendor_questions}
    assert "for Google Workspace and Shopify?" in texts["mon-audit-logs"]
    assert "CRM" not in texts["mon-audit-logs"] and "{systems}" not in texts["mon-audit-logs"]
    assert "every user in Google Workspace and Shopify with" in texts["access-least-privilege"]
    lone = profile.model_copy(update={"systems": ()})
    assert "the systems that hold our customer data" in (
        bank.question("mon-audit-logs").vendor_text(lone) or ""
    )


def test_every_vendor_text_names_declared_systems_only_through_the_placeholder(
    bank: Bank,
) -> None:
    for question in bank.questions:
        text = question.ask_vendor or ""
        assert "email suite, store" not in text and "store admin and CRM" not in text, question.id


# --- chat systems ------------------------------------------------------------------


def test_chat_systems_get_the_mfa_and_named_login_questions(bank: Bank, profile: Profile) -> None:
    chat = System(key="whatsapp", kind="chat", name="WhatsApp Business")
    with_chat = profile.model_copy(update={"systems": (*profile.systems, chat)})
    slots = {slot.key for slot in applicable_slots(bank, with_chat, {})}
    assert {("acc-mfa", "whatsapp"), ("acc-shared-logins", "whatsapp")} <= slots
    answers = best_answers(bank, with_chat, {("acc-mfa", "whatsapp"): "no"})
    result = evaluate(bank, with_chat, answers)
    assert result.capped_by == "acc-mfa"
    plan = build_plan(bank, with_chat, answers, result)
    assert "enforce-mfa/whatsapp" in {item.id for item in plan.items}


# --- an AI system with "no AI tool" answered ---------------------------------------


def test_a_declared_ai_system_with_no_ai_tool_is_pointed_out(bank: Bank, profile: Profile) -> None:
    ai = System(key="rebuy", kind="ai", name="Rebuy recommendations")
    with_ai = profile.model_copy(update={"systems": (*profile.systems, ai)})
    answers = best_answers(bank, with_ai, {("ai-in-use", ""): "no"})
    result = evaluate(bank, with_ai, answers)
    [notice] = result.notices
    assert "Rebuy recommendations" in notice and "AI and personalisation" in notice
    assert "is answered No" in notice
    markdown = report_for(bank, with_ai, answers)
    assert "- **Check:** " in markdown and "Rebuy recommendations" in markdown
    # No contradiction, no notice: "yes" with the system, or "no" without one.
    assert evaluate(bank, with_ai, best_answers(bank, with_ai)).notices == ()
    assert (
        evaluate(bank, profile, best_answers(bank, profile, {("ai-in-use", ""): "no"})).notices
        == ()
    )


# --- the profile on file and on the command line ----------------------------------


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, [str(a) for a in args], env={"COLUMNS": "250", "NO_COLOR": "1"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_an_old_database_migrates_to_having_a_website_and_keeps_the_choice(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "old.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(make_fixtures.V01_DB, path)
    path.chmod(0o600)
    store = Store(open_database(path), path)
    try:
        org = store.organisations()[0]
        before = store.profile(org.id)
        assert before.has_website  # every organisation so far was asked the website questions
        store.update_profile(org.id, before.model_copy(update={"has_website": False}))
        assert store.profile(org.id) == before.model_copy(update={"has_website": False})
    finally:
        store.close()


def test_org_create_says_1_means_just_you_and_takes_no_website(tmp_path: Path) -> None:
    code, out, _ = run("org", "create", "--help")
    assert code == 0
    assert "1 means just you" in " ".join(out.split())
    assert "--no-website" in out
    db = tmp_path / "d" / "x.db"
    code, _, err = run("--db", db, "org", "create", "Solo", "--staff", "0")
    assert code == 2 and "1 means just you" in err
    code, _, err = run(
        "--db", db, "org", "create", "Solo", "--staff", "1", "--no-website",
        "--system", "marketplace:Shopee",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run("--db", db, "org", "show")
    assert "Own website or online store: no" in out
    exported = tmp_path / "answers.toml"
    assert run("--db", db, "answers", "export", exported)[0] == 0
    text = exported.read_text(encoding="utf-8")
    assert 'question = "pat-platform-updates"' not in text
    assert 'question = "acc-separate-admin"' not in text
    assert 'question = "gov-policy"' in text
    assert run("--db", db, "answer", "gov-dpo", "yes")[0] == 0  # starts an assessment
    plan = run("--db", db, "plan", "--format", "md")[1]
    assert "- **Organisation:** just the owner," in plan
    assert "sells without a website of its own" in plan


def test_score_points_out_a_contradiction(tmp_path: Path) -> None:
    db = tmp_path / "d" / "x.db"
    code, _, err = run(
        "--db", db, "org", "create", "AI Shop", "--staff", "3",
        "--system", "ai:Rebuy", "--system", "storefront:Shopify",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run("--db", db, "answer", "ai-in-use", "no")
    assert code == 0
    assert "warning:" in err and "Rebuy" in err  # pointed out as the answer is given
    assert "Rebuy" not in run("--db", db, "answer", "gov-dpo", "no")[2]
    code, out, _ = run("--db", db, "score")
    assert code == 0
    assert "Check: " in out and "Rebuy" in " ".join(out.split())
    code, out, _ = run("--db", db, "score", "--json")
    [notice] = json.loads(out)["notices"]
    assert "Rebuy" in notice


# --- the bank fields behind this ------------------------------------------------------

MINI_BANK = """\
id = "mini"
version = "1.0.0"
title = "Mini bank"
description = "A tiny bank for tests."

[[domains]]
id = "dom"
title = "Domain"
weight = 5
description = "The only domain."

[[questions]]
id = "q-yes"
domain = "dom"
kind = "yes_no"
text = "Yes or no?"
why = "Because."
weight = 3
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('ask_vendor = "Is it on in {systems}?"\n', "'vendor_systems' and a '{systems}'"),
        (
            'ask_vendor = "Is it on?"\nvendor_systems = ["crm"]\n',
            "'vendor_systems' and a '{systems}'",
        ),
        (
            'profile_check = { system_kinds = ["ai"], any_of = ["maybe"] }\n',
            "'profile_check.any_of' must list values this question accepts",
        ),
    ],
)
def test_bank_validate_names_a_broken_vendor_or_profile_field(
    tmp_path: Path, extra: str, expected: str
) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINI_BANK + extra, encoding="utf-8")
    code, _, err = run("bank", "validate", path)
    assert code == 2
    assert f"{path}: question q-yes:" in err and expected in err


def test_the_vendor_text_shown_in_help_names_the_declared_systems(
    bank: Bank, profile: Profile
) -> None:
    text = bank.question("acc-separate-admin").vendor_text(profile) or ""
    assert text.startswith("Which accounts in Google Workspace and Shopify have full admin rights?")


def test_the_vendor_file_asks_only_vendor_questions_naming_declared_systems(
    tmp_path: Path, profile: Profile
) -> None:
    session = new_session(tmp_path / "v.db", profile)
    try:
        q = session.start_assessment()
        for slot in q.slots:
            if slot.question.id in ("mon-audit-logs", "access-share-links"):
                q.answer(slot, "unknown")
        data = tomllib.loads(session.vendor_file())
    finally:
        session.store.close()
    [question] = data["questions"]  # how the shop shares files is not the vendor's to say
    assert question["id"] == "mon-audit-logs"
    assert question["text"].startswith(
        "Are audit logs switched on for Google Workspace and Shopify?"
    )


def test_the_app_points_out_the_contradiction_as_the_answer_is_given(
    tmp_path: Path, profile: Profile
) -> None:
    ai = System(key="rebuy", kind="ai", name="Rebuy recommendations")
    session = new_session(
        tmp_path / "a.db", profile.model_copy(update={"systems": (*profile.systems, ai)})
    )
    shown: list[str] = []
    session.warn = shown.append  # the app's notifications
    try:
        q = session.start_assessment()
        [slot] = [slot for slot in q.slots if slot.question.id == "ai-in-use"]
        q.answer(slot, "yes")
        assert shown == []
        q.answer(slot, "no")
    finally:
        session.store.close()
    [notice] = shown
    assert "Rebuy recommendations" in notice


# --- how the shop's own website is run (issue 20) ------------------------------------------

SITE_BANK = """\
id = "site"
version = "1.0.0"
title = "Site bank"
description = "Questions that follow how the website is run."

[[domains]]
id = "web"
title = "Website"
weight = 5
description = "Your own website."

[[questions]]
id = "web-custom"
domain = "web"
text = "Custom only?"
why = "Only a site built for you has this."
kind = "yes_no"
applies_if = { has_website = true, site_builds = ["custom"] }

[[questions]]
id = "web-self-run"
domain = "web"
text = "Self-hosted or custom?"
why = "Someone must update it."
kind = "yes_no"
applies_if = { site_builds = ["self_hosted", "custom"] }

[[questions]]
id = "web-any"
domain = "web"
text = "Any website?"
why = "Every site."
kind = "yes_no"
applies_if = { has_website = true }
"""


def site_shop(site_build: str = "hosted", has_website: bool = True) -> Profile:
    return Profile.model_validate(
        {
            "name": "Site Shop",
            "staff_count": 3,
            "has_website": has_website,
            "site_build": site_build,
            "systems": [{"key": "store", "kind": "storefront", "name": "Our store"}],
        }
    )


def test_a_profile_without_the_site_build_reads_as_a_hosted_platform() -> None:
    profile = Profile(name="Old", staff_count=2)
    assert profile.site_build == "hosted"
    assert Profile.model_validate({"name": "Old", "staff_count": 2}).site_build == "hosted"


@pytest.mark.parametrize(
    ("site_build", "has_website", "expected"),
    [
        ("hosted", True, {"web-any"}),
        ("self_hosted", True, {"web-any", "web-self-run"}),
        ("custom", True, {"web-any", "web-self-run", "web-custom"}),
        ("custom", False, set()),  # no website of its own: how it is run means nothing
    ],
)
def test_site_questions_follow_how_the_website_is_run(
    site_build: str, has_website: bool, expected: set[str]
) -> None:
    bank = Bank.model_validate(tomllib.loads(SITE_BANK))
    assert asked(bank, site_shop(site_build, has_website)) == expected


def test_why_a_site_question_is_not_asked_names_how_the_website_is_run() -> None:
    from pdpa_check.questionnaires.applicability import why_not_asked

    bank = Bank.model_validate(tomllib.loads(SITE_BANK))
    custom = bank.question("web-custom")
    assert why_not_asked(bank, custom, site_shop("hosted"), {}) == (
        "it is asked only when the business's own website is built for it by a developer or agency"
    )
    assert "website or online store of its own" in why_not_asked(
        bank, custom, site_shop("custom", has_website=False), {}
    )


def test_a_self_hosted_store_on_a_profile_saying_hosted_is_pointed_out(bank: Bank) -> None:
    from pdpa_check.questionnaires.applicability import profile_notices

    woo = site_shop("hosted").model_copy(
        update={"systems": (System(key="woo", kind="storefront", name="WooCommerce"),)}
    )
    [notice] = profile_notices(bank, woo, {})
    assert "WooCommerce" in notice and "hosted platform" in notice
    assert profile_notices(bank, woo.model_copy(update={"site_build": "self_hosted"}), {}) == []
    shopify = woo.model_copy(
        update={"systems": (System(key="shopify", kind="storefront", name="Shopify"),)}
    )
    assert profile_notices(bank, shopify, {}) == []


def test_an_old_database_reads_as_hosted_and_keeps_a_new_choice(tmp_path: Path) -> None:
    path = tmp_path / "data" / "old.db"
    path.parent.mkdir(mode=0o700)
    shutil.copyfile(make_fixtures.V01_DB, path)
    path.chmod(0o600)
    store = Store(open_database(path), path)
    try:
        org = store.organisations()[0]
        before = store.profile(org.id)
        assert before.site_build == "hosted"
        store.update_profile(org.id, before.model_copy(update={"site_build": "custom"}))
        assert store.profile(org.id) == before.model_copy(update={"site_build": "custom"})
    finally:
        store.close()


def test_org_create_takes_how_the_website_is_run(tmp_path: Path) -> None:
    db = tmp_path / "d" / "x.db"
    code, out, _ = run("org", "create", "--help")
    assert "--site-build" in out and "self_hosted" in out
    code, _, err = run(
        "--db", db, "org", "create", "Woo Shop", "--staff", "3", "--site-build", "self_hosted",
        "--system", "storefront:WooCommerce",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run("--db", db, "org", "show")
    assert "Own website or online store: yes, on self-hosted store software" in out
    code, _, err = run("--db", db, "org", "create", "X", "--staff", "3", "--site-build", "wix")
    assert code == 2 and "wix" in err
    assert run("--db", db, "--org", "Woo Shop", "answer", "gov-policy", "yes")[0] == 0
    plan = run("--db", db, "--org", "Woo Shop", "plan", "--format", "md")[1]
    assert "own website on self-hosted store software" in plan
    data = json.loads(run("--db", db, "--org", "Woo Shop", "plan", "--format", "json")[1])
    assert data["organisation"]["site_build"] == "self_hosted"
