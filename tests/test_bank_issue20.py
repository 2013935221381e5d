"""Bank 1.3.0 (issue 20): the failures PDPC fines small businesses for, and answerable questions.

Which shops are asked the website questions, the self-hosted patching question as a critical
control only where it applies, scales that say what each level means, answers for controls a
hosted platform builds in, MFA switched on by every user, the Cyber Essentials mapping (or the
reason for none), and references that point at real cases.
"""

from __future__ import annotations

import re

import pytest

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.model import NO, PARTLY, YES, Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.measures import assess_measures
from pdpa_check.scoring.plan import best_value

CUSTOM_ONLY = {
    "web-own-data-only",
    "web-api-signed-in",
    "web-keys-out-of-code",
    "web-test-before-release",
    "web-login-limits",
}
SELF_RUN = {
    "web-store-patch-speed",
    "web-security-in-contract",
    "pat-security-scan",
    "enc-https-everywhere",
    "cpy-test-site-real-data",
}
HOSTED_ONLY = {"pat-platform-updates"}
SCALES = {
    "gov-dpo",
    "acc-mfa-domain",
    "access-least-privilege",
    "access-share-links",
    "pat-device-lock",
    "bkp-protected",
    "inc-notify-rule",
    "ntf-customer-list",
    "tr-notice-content",
    "tr-faq",
    "ven-contracts",
}
# A year in brackets, or a neutral citation, as the owner would search for it.
WITH_YEAR = re.compile(r"(\(\d{4}\)|\[\d{4}\] SGPDPCS? \d+)")
SECONDS_PER_SLOT = 15


def shop(site_build: str = "hosted", *, has_website: bool = True, staff: int = 6) -> Profile:
    return Profile.model_validate(
        {
            "name": "Issue 20 Shop",
            "staff_count": staff,
            "has_website": has_website,
            "site_build": site_build,
            "systems": [
                {"key": "mail", "kind": "email_suite", "name": "Google Workspace"},
                {"key": "store", "kind": "storefront", "name": "Our store"},
                {"key": "crm", "kind": "crm", "name": "HubSpot"},
            ],
        }
    )


def best(
    bank: Bank, profile: Profile, overrides: dict[str, str] | None = None
) -> dict[AnswerKey, Answer]:
    """Every slot at full credit, follow-ups included, then `overrides` (org-wide questions)."""
    answers: dict[AnswerKey, Answer] = {}
    for _ in range(5):
        for slot in applicable_slots(bank, profile, answers):
            if slot.key not in answers and slot.question.kind != "text":
                answers[slot.key] = Answer(
                    question_id=slot.key[0],
                    system_key=slot.key[1],
                    value=best_value(slot.question),
                )
    for question_id, value in (overrides or {}).items():
        answers[(question_id, "")] = Answer(question_id=question_id, value=value)
    return answers


def asked(bank: Bank, profile: Profile) -> set[str]:
    return {slot.question.id for slot in applicable_slots(bank, profile, best(bank, profile))}


# --- who is asked what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_build", "has_website", "wanted", "not_wanted"),
    [
        ("hosted", True, HOSTED_ONLY, CUSTOM_ONLY | SELF_RUN),
        ("self_hosted", True, SELF_RUN, CUSTOM_ONLY | HOSTED_ONLY),
        ("custom", True, CUSTOM_ONLY | SELF_RUN, HOSTED_ONLY),
        ("custom", False, set(), CUSTOM_ONLY | SELF_RUN | HOSTED_ONLY),
    ],
)
def test_website_questions_follow_how_the_site_is_run(
    bank: Bank, site_build: str, has_website: bool, wanted: set[str], not_wanted: set[str]
) -> None:
    questions = asked(bank, shop(site_build, has_website=has_website))
    assert wanted <= questions
    assert not not_wanted & questions


def test_every_custom_only_question_is_marked_so_in_the_bank(bank: Bank) -> None:
    custom = {
        q.id
        for q in bank.questions
        if q.applies_if is not None and q.applies_if.site_builds == ["custom"]
    }
    assert custom == CUSTOM_ONLY


@pytest.mark.parametrize("site_build", ["hosted", "self_hosted", "custom"])
def test_a_first_pass_fits_in_about_30_minutes_whatever_the_site(
    bank: Bank, site_build: str
) -> None:
    # Seven systems, staff, an AI tool and every follow-up open: the longest walk for each shape.
    from pdpa_check.services.demo import DEMO_PROFILE

    profile = DEMO_PROFILE.model_copy(update={"site_build": site_build})
    slots = applicable_slots(bank, profile, best(bank, profile, {"ai-in-use": YES}))
    assert len(slots) * SECONDS_PER_SLOT <= 30 * 60


def test_self_hosted_patching_caps_the_band_only_where_it_is_asked(bank: Bank) -> None:
    slow = {"web-store-patch-speed": "later"}
    self_hosted = shop("self_hosted")
    result = evaluate(bank, self_hosted, best(bank, self_hosted, slow))
    assert bank.question("web-store-patch-speed").critical
    assert "web-store-patch-speed" in result.critical_failures
    assert result.band.id != result.uncapped_band.id
    hosted = shop("hosted")
    answers = best(bank, hosted)
    assert ("web-store-patch-speed", "") not in answers
    result = evaluate(bank, hosted, answers)
    assert result.critical_failures == ()
    assert result.band.id == result.uncapped_band.id


# --- answers an owner can give ------------------------------------------------------------------


@pytest.mark.parametrize("question_id", sorted(SCALES))
def test_two_part_questions_say_what_each_level_means(bank: Bank, question_id: str) -> None:
    question = bank.question(question_id)
    assert question.kind == "choice"
    options = {option.id: option for option in question.options}
    # The values of the yes/no scale, so answers given before 1.3.0 carry over and score the same.
    assert set(options) == {YES, PARTLY, NO}
    assert [options[v].credit for v in (YES, PARTLY, NO)] == [1.0, 0.5, 0.0]
    for option in options.values():
        assert len(option.label.split()) >= 3, (question_id, option.label)


def test_controls_a_hosted_platform_builds_in_score_fairly(bank: Bank) -> None:
    lockout = bank.question("acc-lockout")
    assert lockout.allow_na and "built in" in next(o.label for o in lockout.options if o.id == YES)
    assert "not applicable" in lockout.why and "offers no lockout" in lockout.why
    logs = bank.question("mon-logs-on")
    assert logs.allow_na and "built in by the platform" in logs.text
    assert "keeps no activity log" in logs.why
    profile = shop("hosted")
    answers = best(bank, profile)
    full = evaluate(bank, profile, answers).score
    # "Not applicable" (not offered) leaves the total: no points lost, none gained.
    answers[("acc-lockout", "")] = Answer(question_id="acc-lockout", value="na")
    assert evaluate(bank, profile, answers).score == pytest.approx(full)
    answers[("acc-lockout", "")] = Answer(question_id="acc-lockout", value=NO)
    assert evaluate(bank, profile, answers).score < full


def test_mfa_switched_on_by_every_user_counts_and_does_not_cap(bank: Bank) -> None:
    mfa = bank.question("acc-mfa")
    assert "cannot require it" in mfa.text and "every user" in mfa.text
    assert "two-step status" in mfa.why
    steps = " ".join(bank.action("enforce-mfa").steps)
    assert "cannot require it" in steps and "dated screenshot" in steps
    profile = shop("hosted")
    result = evaluate(bank, profile, best(bank, profile))
    assert result.critical_failures == ()


def test_nric_covers_paynow_refunds(bank: Bank) -> None:
    assert "PayNow" in bank.question("min-nric").text
    assert any("PayNow" in step for step in bank.action("stop-collecting-nric").steps)


def test_google_ads_uses_its_own_terms(bank: Bank) -> None:
    steps = bank.action("move-accounts-to-business").steps
    google = [step for step in steps if step.startswith("Google Ads")]
    assert google and all("manager account" in step for step in google)
    assert not any("partner" in step for step in google)  # Meta's word, not Google's


def test_cyber_essentials_a2_needs_the_hardware_and_software_list(bank: Bank) -> None:
    assert "A.2" in bank.question("inv-devices-and-software").cyber_essentials
    profile = shop("hosted")
    full = {
        m.id: m.status for m in assess_measures(bank, evaluate(bank, profile, best(bank, profile)))
    }
    assert full["A.2"] == "met"
    answers = best(bank, profile, {"inv-devices-and-software": NO})
    short = {m.id: m for m in assess_measures(bank, evaluate(bank, profile, answers))}
    assert short["A.2"].status == "not_met"
    assert short["A.2"].short_of == ("inv-devices-and-software",)
    # A.4 (malware) and A.6 (secure configuration) gained questions of their own.
    a4 = {q.id for q in bank.questions if "A.4" in q.cyber_essentials}
    assert {"pat-antimalware", "dev-no-local-admin"} <= a4
    assert "sto-public-check" in {q.id for q in bank.questions if "A.6" in q.cyber_essentials}


# --- the bank's own rules for new content ---------------------------------------------------------


def test_every_scored_question_maps_to_a_measure_or_says_why_not(bank: Bank) -> None:
    for question in bank.questions:
        if question.scored:
            assert bool(question.cyber_essentials) != bool(question.cyber_essentials_none), (
                question.id
            )


def test_a_question_cannot_both_map_and_say_why_not(bank: Bank) -> None:
    data = bank.model_dump()
    target = next(q for q in data["questions"] if q["id"] == "acc-mfa")
    target["cyber_essentials_none"] = "No reason."
    with pytest.raises(ValueError, match="cyber_essentials_none"):
        Bank.model_validate(data)


def test_every_question_has_an_action_and_a_weight_rationale(bank: Bank) -> None:
    for question in bank.questions:
        if question.scored:
            assert question.actions, question.id
            assert question.weight_rationale, question.id


def test_critical_and_heavy_questions_cite_a_real_case_with_its_year(bank: Bank) -> None:
    shares = bank.shares
    total = sum(shares.values())
    heavy = [
        question
        for question in bank.questions
        if question.critical or (question.scored and 100 * shares[question.id] / total >= 2.0)
    ]
    assert len(heavy) >= 6
    for question in heavy:
        cases = [
            r
            for r in question.references
            if r.startswith(("PDPC decision: ", "PDPC Guide", "PDPC Handbook"))
            and WITH_YEAR.search(r)
        ]
        assert cases, question.id


def test_website_area_is_left_out_for_a_hosted_shop(bank: Bank) -> None:
    profile = shop("hosted")
    result = evaluate(bank, profile, best(bank, profile))
    website = [d for d in result.domains if d.domain_id == "website"]
    assert not website or website[0].applicable == 0


def test_self_hosted_store_on_a_hosted_profile_is_pointed_out(bank: Bank) -> None:
    woo = shop("hosted").model_copy(
        update={"systems": (System(key="woo", kind="storefront", name="WooCommerce"),)}
    )
    result = evaluate(bank, woo, best(bank, woo))
    assert any("WooCommerce" in notice for notice in result.notices)
