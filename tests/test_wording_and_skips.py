"""Summary wording of per-system questions, and why a question is not asked."""

from __future__ import annotations

from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.applicability import (
    applicable_slots,
    condition_text,
    slots_with_follow_ups,
    why_not_asked,
)
from pdpa_check.questionnaires.model import AppliesIf, Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.rounding import shown_change, signed
from pdpa_check.scoring.wording import join_names, summary_text


def test_summary_text_names_the_systems_or_says_each(bank: Bank) -> None:
    mfa = bank.question("acc-mfa")
    assert "this system" in mfa.text
    assert summary_text(mfa).startswith("Does every login to each system use multi-factor")
    assert summary_text(mfa, ["Shopify"]).startswith("Does every login to Shopify use")
    assert summary_text(mfa, ["A", "B", "C"]).startswith("Does every login to A, B and C use")
    other = bank.question("acc-password-manager")
    assert summary_text(other, ["Shopify"]) == other.text  # not per system: unchanged
    plain = mfa.model_copy(update={"text": "Is MFA on?"})
    assert summary_text(plain, ["Shopify", "Klaviyo"]) == "Is MFA on? (Shopify, Klaviyo)"
    assert summary_text(plain) == "Is MFA on?"
    assert join_names([]) == "" and join_names(["A", "B"]) == "A and B"


def test_shown_change_rounds_each_score_first() -> None:
    # Scores show rounded down: 16.9 -> 41.1 reads "16 -> 41", so the change is +25, not +24.
    assert shown_change(16.9, 41.1) == 25
    assert shown_change(40.9, 41.1) == 1
    assert (signed(0), signed(3), signed(-2)) == ("no change", "+3", "-2")


def test_why_not_asked_names_the_condition_and_the_answer(bank: Bank, profile: Profile) -> None:
    follow_up = bank.question("ai-vendor-terms")
    assert condition_text(follow_up) == "asked if ai-in-use is yes or partly"
    assert condition_text(bank.question("ai-in-use")) is None
    no_ai = {("ai-in-use", ""): Answer(question_id="ai-in-use", value="no")}
    why = why_not_asked(bank, follow_up, profile, no_ai)
    assert why == "it is asked if ai-in-use is yes or partly, and ai-in-use is answered no"
    assert why_not_asked(bank, follow_up, profile, {}).endswith("ai-in-use is not answered yet")
    solo = profile.model_copy(update={"staff_count": 1})
    staff = bank.question("shr-shared-mailbox")
    assert "staff besides the owner" in why_not_asked(bank, staff, solo, {})
    no_store = profile.model_copy(
        update={"systems": (System(key="gmail", kind="email_suite", name="Google Workspace"),)}
    )
    storefront_only = bank.question("pat-api-keys").model_copy(
        update={"applies_if": AppliesIf(system_kinds=["storefront"])}
    )
    assert "storefront" in why_not_asked(bank, storefront_only, no_store, {})
    # The profile's default is a hosted platform: questions for a site built for it are not asked.
    custom_only = bank.question("web-own-data-only")
    assert why_not_asked(bank, custom_only, profile, {}) == (
        "it is asked only when the business's own website is built for it by a developer or agency"
    )


def test_follow_ups_are_offered_whatever_the_answers(bank: Bank, profile: Profile) -> None:
    offered = {slot.key for slot in slots_with_follow_ups(bank, profile)}
    asked = {slot.key for slot in applicable_slots(bank, profile, {})}
    assert asked < offered
    assert ("ai-vendor-terms", "") in offered - asked
    # Conditions on the profile still hold: a business of one is not offered staff questions.
    solo = profile.model_copy(update={"staff_count": 1})
    assert ("shr-shared-mailbox", "") not in {s.key for s in slots_with_follow_ups(bank, solo)}


def test_system_names_are_put_in_literally(bank: Bank) -> None:
    mfa = bank.question("acc-mfa")
    for name in ("C:\\shop\\", "\\1 \\g<0>", "a & b"):
        assert summary_text(mfa, [name]).startswith(f"Does every login to {name} use")
