"""The notifiability check, the PDPA clock, and storing contacts and incidents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from tui_support import demo_session, new_session, reopen_session

from pdpa_check.kit.contacts import Contact, missing_roles
from pdpa_check.kit.facts import IncidentFacts, notifiability
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.store.db import StoreError

FOUND = dt.date(2026, 11, 20)
ASSESSED = dt.date(2026, 11, 27)


# The Schedule classes asked on their own, all answered "no".
NO_CLASSES = {"card_numbers": "no", "bank_accounts": "no", "pay": "no"}


def facts(**fields: object) -> IncidentFacts:
    return IncidentFacts.model_validate({"discovered_on": FOUND, **fields})


def test_credentials_make_harm_significant_and_start_the_three_day_clock() -> None:
    verdict = notifiability(
        facts(
            credentials="yes",
            affected=40,
            affected_verified=True,
            confined="no",
            assessed_on=ASSESSED,
        )
    )
    assert verdict.outcome == "likely"
    assert verdict.significant_harm == "yes"
    assert verdict.significant_scale == "no"
    # Three calendar days after the assessment day, whatever the weekday (30 Nov is a Monday).
    assert verdict.pdpc_by == dt.date(2026, 11, 30)
    assert verdict.notify_individuals == "yes"
    assert "s26B(2)" in verdict.reasons[0]


def test_clock_counts_calendar_days_over_a_weekend() -> None:
    friday = dt.date(2026, 12, 4)
    verdict = notifiability(facts(credentials="yes", confined="no", assessed_on=friday))
    assert verdict.pdpc_by == dt.date(2026, 12, 7)


def test_five_hundred_people_is_significant_scale_but_individuals_need_harm() -> None:
    verdict = notifiability(
        facts(
            credentials="no",
            identifiers="yes",
            prescribed="no",
            **NO_CLASSES,
            affected=500,
            affected_verified=True,
            confined="no",
            assessed_on=ASSESSED,
        )
    )
    assert verdict.outcome == "likely"
    assert (verdict.significant_harm, verdict.significant_scale) == ("no", "yes")
    assert verdict.notify_individuals == "no"
    below = notifiability(
        facts(
            credentials="no",
            identifiers="yes",
            prescribed="no",
            **NO_CLASSES,
            affected=499,
            affected_verified=True,
            confined="no",
        )
    )
    assert below.outcome == "unlikely"
    assert below.pdpc_by is None


def test_unverified_estimate_below_threshold_is_not_a_firm_no() -> None:
    verdict = notifiability(
        facts(credentials="no", identifiers="no", prescribed="no", affected=300, confined="no")
    )
    assert verdict.outcome == "unclear"
    assert "the verified number of people affected" in verdict.to_find_out


def test_confined_breach_is_not_notifiable() -> None:
    verdict = notifiability(
        facts(credentials="yes", affected=9000, confined="yes", assessed_on=ASSESSED)
    )
    assert verdict.outcome == "not_notifiable"
    assert verdict.notify_individuals == "no"
    # A date the owner recorded as their assessment still starts the clock.
    assert verdict.pdpc_by == dt.date(2026, 11, 30)
    assert notifiability(facts(credentials="yes", confined="yes")).pdpc_by is None


def test_unknowns_are_listed_not_guessed() -> None:
    verdict = notifiability(facts())
    assert verdict.outcome == "unclear"
    assert verdict.pdpc_by is None
    assert "how many people are affected" in verdict.to_find_out
    assert any("passwords" in gap for gap in verdict.to_find_out)
    assert verdict.assess_by == FOUND + dt.timedelta(days=30)


def test_instruction_not_to_notify_and_harm_made_unlikely() -> None:
    base = {"credentials": "yes", "confined": "no", "assessed_on": ASSESSED}
    held = notifiability(facts(**base, told_not_to_notify=True))
    assert held.notify_individuals == "no" and "s26D(6)" in held.individuals_note
    assert held.pdpc_by == dt.date(2026, 11, 30)
    encrypted = notifiability(facts(**base, harm_unlikely=True))
    assert encrypted.notify_individuals == "no" and "s26D(5)" in encrypted.individuals_note


def test_assessment_before_discovery_is_refused() -> None:
    with pytest.raises(ValidationError, match="assessed_on"):
        facts(assessed_on=FOUND - dt.timedelta(days=1))


@given(
    credentials=st.sampled_from(["yes", "no", "unknown"]),
    identifiers=st.sampled_from(["yes", "no", "unknown"]),
    prescribed=st.sampled_from(["yes", "no", "unknown"]),
    confined=st.sampled_from(["yes", "no", "unknown"]),
    affected=st.none() | st.integers(0, 5000),
    verified=st.booleans(),
    lag=st.integers(0, 60),
)
def test_deadline_is_always_three_days_after_the_assessment_date(
    credentials: str,
    identifiers: str,
    prescribed: str,
    confined: str,
    affected: int | None,
    verified: bool,
    lag: int,
) -> None:
    assessed = FOUND + dt.timedelta(days=lag)
    verdict = notifiability(
        facts(
            credentials=credentials,
            identifiers=identifiers,
            prescribed=prescribed,
            confined=confined,
            affected=affected,
            affected_verified=verified,
            assessed_on=assessed,
        )
    )
    # The clock runs from the owner's assessment date, whatever the facts say.
    assert verdict.pdpc_by == assessed + dt.timedelta(days=3)
    if credentials == "yes" and confined != "yes":
        assert verdict.outcome == "likely"
    # Individuals are never told first, and only when harm may be significant.
    if verdict.significant_harm == "no":
        assert verdict.notify_individuals == "no"


def test_contacts_and_incidents_survive_a_restart(tmp_path: Path, profile: Profile) -> None:
    session = new_session(tmp_path / "d.db", profile)
    assert missing_roles(session.contacts()) == ["incident_lead", "deputy", "comms_approver"]
    session.set_contact(Contact(role="incident_lead", name="Mei Ling Tan", reach="+65 9123 4567"))
    session.set_contact(Contact(role="incident_lead", name="Mei Ling", reach="ml@example.sg"))
    first = session.save_incident(facts(credentials="yes"))
    session.save_incident(facts(credentials="no", affected=12), first)
    second = session.save_incident(facts(title="Lost laptop"))
    again = reopen_session(tmp_path / "d.db")
    assert again.contacts() == {
        "incident_lead": Contact(role="incident_lead", name="Mei Ling", reach="ml@example.sg")
    }
    rows = again.incidents()
    assert [row.id for row in rows] == [second, first]
    assert rows[1].facts.credentials == "no" and rows[1].facts.affected == 12
    again.clear_contact("incident_lead")
    assert again.contacts() == {}
    with pytest.raises(StoreError, match="no incident #99"):
        again.save_incident(facts(), 99)


def test_kit_context_without_an_assessment_claims_no_control(
    tmp_path: Path, profile: Profile
) -> None:
    context = new_session(tmp_path / "n.db", profile).kit_context()
    assert context.assessment_id is None and context.result is None
    assert not context.holds("acc-mfa")


def test_kit_context_reads_the_current_assessment(tmp_path: Path) -> None:
    context = demo_session(tmp_path / "d.db").kit_context()
    assert context.assessment_id is not None
    assert context.holds("acc-mfa") is False  # the demo still lacks MFA on some systems
    assert context.holds_for("acc-mfa", "hubspot") is True
    assert context.holds_for("acc-mfa", "google-workspace") is False  # its user list says so
