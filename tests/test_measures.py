"""The indicative CSA Cyber Essentials tally: the nine measures, the "met" rule, and the exports.

The rule under test: a measure is met when at least one applicable, scored question maps to
it and every such question has full credit; not met when any of them is short (partly, no,
don't know, unanswered, a system not covered); not assessed when none applies ("not
applicable" answers and skipped questions say nothing). Banks here are built by hand, so the
tests do not depend on the wording or mapping of the built-in bank.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pdpa_check.exports.document import AssessmentInfo, Report, build_report
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json, render_toml
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.measures import CAVEAT, MEASURE_IDS, MEASURES, measure_info
from pdpa_check.questionnaires.model import Bank, Measure
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.scoring.evaluate import evaluate
from pdpa_check.scoring.measures import (
    MeasureResult,
    assess_measures,
    maps_measures,
    tally,
)
from pdpa_check.scoring.plan import build_plan

SHOP = System(key="shop", kind="storefront", name="Shopify")
MAIL = System(key="gmail", kind="email_suite", name="Google Workspace")


def make_bank(questions: list[dict[str, Any]], **extra: Any) -> Bank:
    """One domain; questions default to yes/no with weight 1 and the given measures."""
    return Bank.model_validate(
        {
            "id": "ce-bank",
            "version": "1.0.0",
            "title": "Cyber Essentials test bank",
            "description": "A bank built for one test.",
            "domains": [{"id": "d", "title": "Area", "weight": 5, "description": "A domain."}],
            "questions": [
                {"text": f"Question {q['id']}?", "why": "Because.", "kind": "yes_no", **q}
                for q in questions
            ]
            + [{"id": "filler", "domain": "d", "text": "Filler?", "why": "So.", "kind": "yes_no"}],
            **extra,
        }
    )


def q(qid: str, *measures: str, **fields: Any) -> dict[str, Any]:
    return {"id": qid, "domain": "d", "cyber_essentials": list(measures), **fields}


def answers(*items: tuple[str, str] | tuple[str, str, str]) -> dict[AnswerKey, Answer]:
    """(question, value) or (question, system key, value) -> the answers mapping."""
    found: dict[AnswerKey, Answer] = {}
    for item in items:
        question_id, system_key, value = item if len(item) == 3 else (item[0], "", item[1])
        answer = Answer(question_id=question_id, system_key=system_key, value=value)
        found[answer.key] = answer
    return found


def shop(staff: int = 3, systems: tuple[System, ...] = (SHOP, MAIL)) -> Profile:
    return Profile(name="Test Shop", staff_count=staff, sector="ecommerce", systems=systems)


def measures_of(
    bank: Bank, given_answers: dict[AnswerKey, Answer], profile: Profile | None = None
) -> dict[str, MeasureResult]:
    result = evaluate(bank, profile or shop(), given_answers)
    return {m.id: m for m in assess_measures(bank, result)}


# --- the nine measures ------------------------------------------------------------------------


def test_the_nine_measures_match_the_schema_and_csa_categories() -> None:
    assert [m.id for m in MEASURES] == [f"A.{n}" for n in range(1, 10)]
    assert MEASURE_IDS == get_args(Measure) == tuple(m.id for m in MEASURES)
    categories = [m.category for m in MEASURES]
    assert categories == ["Assets"] * 3 + ["Secure/Protect"] * 3 + ["Update", "Backup", "Respond"]
    assert len({m.title for m in MEASURES}) == 9
    assert measure_info("A.5").label == "A.5 Access control"
    with pytest.raises(KeyError):
        measure_info("A.10")


def test_caveat_says_indicative_and_not_a_certification() -> None:
    assert "Indicative" in CAVEAT
    assert "not a certification" in CAVEAT
    assert "certification bodies" in CAVEAT


# --- the rule -----------------------------------------------------------------------------------


def test_one_result_per_measure_in_order_even_with_nothing_mapped() -> None:
    bank = make_bank([q("a")])
    found = assess_measures(bank, evaluate(bank, shop(), answers(("a", "yes"))))
    assert [m.id for m in found] == list(MEASURE_IDS)
    assert [m.title for m in found] == [m.title for m in MEASURES]
    assert all(m.status == "not_assessed" and m.questions == () for m in found)
    assert not maps_measures(bank)


def test_full_credit_on_every_mapped_question_meets_the_measure() -> None:
    bank = make_bank([q("a", "A.5"), q("b", "A.5", "A.8")])
    found = measures_of(bank, answers(("a", "yes"), ("b", "yes")))
    assert found["A.5"].status == "met"
    assert found["A.5"].questions == ("a", "b")
    assert found["A.5"].short_of == ()
    assert found["A.8"].status == "met"
    assert found["A.8"].questions == ("b",)
    assert found["A.1"].status == "not_assessed"
    assert maps_measures(bank)


@pytest.mark.parametrize("value", ["partly", "no", "unknown"])
def test_anything_short_of_full_credit_is_not_met(value: str) -> None:
    bank = make_bank([q("a", "A.5"), q("b", "A.5")])
    found = measures_of(bank, answers(("a", "yes"), ("b", value)))
    assert found["A.5"].status == "not_met"
    assert found["A.5"].questions == ("a", "b")
    assert found["A.5"].short_of == ("b",)


def test_an_unanswered_mapped_question_is_not_met() -> None:
    bank = make_bank([q("a", "A.9"), q("b", "A.9")])
    found = measures_of(bank, answers(("a", "yes")))
    assert found["A.9"].status == "not_met"
    assert found["A.9"].short_of == ("b",)


def test_a_choice_option_below_full_credit_is_not_met() -> None:
    options = [
        {"id": "offline", "label": "Offline copy", "credit": 1.0},
        {"id": "cloud", "label": "Cloud only", "credit": 0.7},
    ]
    bank = make_bank([q("bkp", "A.8", kind="choice", options=options)])
    assert measures_of(bank, answers(("bkp", "offline")))["A.8"].status == "met"
    assert measures_of(bank, answers(("bkp", "cloud")))["A.8"].status == "not_met"


def test_not_applicable_answers_leave_the_measure_not_assessed() -> None:
    bank = make_bank([q("a", "A.4", allow_na=True), q("b", "A.4", "A.7", allow_na=True)])
    found = measures_of(bank, answers(("a", "na"), ("b", "na")))
    assert found["A.4"].status == "not_assessed"
    assert found["A.4"].questions == ()
    # One applicable question is enough to judge the measure; the n/a one is left out.
    found = measures_of(bank, answers(("a", "na"), ("b", "yes")))
    assert found["A.4"].status == "met"
    assert found["A.4"].questions == ("b",)


def test_questions_that_do_not_apply_or_are_not_scored_are_not_counted() -> None:
    bank = make_bank(
        [
            q("leavers", "A.5", applies_if={"has_staff": True}),
            q("zero", "A.2", weight=0),
            q("names", "A.9", kind="text"),
        ]
    )
    found = measures_of(bank, answers(("zero", "no")), shop(staff=1))
    assert found["A.5"].status == "not_assessed"  # owner only: the leaver question is skipped
    assert found["A.2"].status == "not_assessed"  # weight 0: not scored
    assert found["A.9"].status == "not_assessed"  # text: not scored
    assert measures_of(bank, answers(("leavers", "no")))["A.5"].status == "not_met"


def test_per_system_questions_need_every_system_covered() -> None:
    bank = make_bank(
        [q("mfa", "A.5", kind="per_system", system_kinds=["storefront", "email_suite"])]
    )
    both = answers(("mfa", "shop", "yes"), ("mfa", "gmail", "yes"))
    assert measures_of(bank, both)["A.5"].status == "met"
    one = answers(("mfa", "shop", "yes"), ("mfa", "gmail", "no"))
    assert measures_of(bank, one)["A.5"].short_of == ("mfa",)
    # A system marked not applicable is left out of the share, not held against the measure.
    na_bank = make_bank(
        [
            q(
                "mfa",
                "A.5",
                kind="per_system",
                system_kinds=["storefront", "email_suite"],
                allow_na=True,
            )
        ]
    )
    assert (
        measures_of(na_bank, answers(("mfa", "shop", "yes"), ("mfa", "gmail", "na")))["A.5"].status
        == "met"
    )


def test_tally_counts_and_names_what_is_missing() -> None:
    bank = make_bank([q("a", "A.1"), q("b", "A.5"), q("c", "A.7"), q("d", "A.8")])
    found = assess_measures(
        bank, evaluate(bank, shop(), answers(("a", "yes"), ("b", "no"), ("c", "unknown")))
    )
    count = tally(found)
    assert (count.met, count.assessed, count.total) == (1, 4, 9)
    assert [m.id for m in count.not_met] == ["A.5", "A.7", "A.8"]
    assert [m.id for m in count.not_assessed] == ["A.2", "A.3", "A.4", "A.6", "A.9"]
    assert count.line() == (
        "1 of 9 measures met; not met: A.5 Access control, A.7 Software updates, A.8 Backups; "
        "not assessed: A.2 Hardware and software, A.3 Data, A.4 Malware protection, "
        "A.6 Secure configuration, A.9 Incident response"
    )


# --- property: full credit meets everything assessed; one "no" breaks exactly its measures ------

mappings = st.lists(
    st.tuples(
        st.sets(st.sampled_from(MEASURE_IDS), max_size=3),
        st.booleans(),  # per-system?
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(mapping=mappings, data=st.data())
def test_property_full_credit_meets_and_one_no_breaks_its_measures(
    mapping: list[tuple[set[str], bool]], data: st.DataObject
) -> None:
    specs = []
    for index, (measures, per_system) in enumerate(mapping):
        extra: dict[str, Any] = (
            {"kind": "per_system", "system_kinds": ["storefront", "email_suite"]}
            if per_system
            else {}
        )
        specs.append(q(f"q{index}", *sorted(measures), **extra))
    bank = make_bank(specs)
    best: dict[AnswerKey, Answer] = {}
    for spec in specs:
        keys = ["shop", "gmail"] if spec.get("kind") == "per_system" else [""]
        for key in keys:
            best.update(answers((spec["id"], key, "yes")))
    found = measures_of(bank, best)
    mapped = {m for measures, _ in mapping for m in measures}
    for measure_id, outcome in found.items():
        assert outcome.status == ("met" if measure_id in mapped else "not_assessed")
        assert outcome.short_of == ()

    target = data.draw(st.sampled_from(specs))
    key = data.draw(st.sampled_from(["shop", "gmail"])) if target.get("kind") else ""
    worse = {**best, **answers((target["id"], key, "no"))}
    changed = measures_of(bank, worse)
    hit = set(target["cyber_essentials"])
    for measure_id, outcome in changed.items():
        if measure_id in hit:
            assert outcome.status == "not_met"
            assert outcome.short_of == (target["id"],)
        else:
            assert outcome == found[measure_id]


# --- exports ----------------------------------------------------------------------------------

HOSTILE = "Evil | cell [x](https://evil.example) <b>hi</b>\n# Heading"
UPCOMING = {
    "id": "data-portability",
    "title": "Data portability (Part 6B)",
    "text": "When it comes into force, customers may ask you to move their data. " + HOSTILE,
    "references": ["PDPA Part 6B", "See evil.com"],
}


def export_bank() -> Bank:
    return make_bank(
        [
            q("mfa", "A.5", text="Is MFA on? " + HOSTILE, critical=True),
            q("bkp", "A.8"),
            q("upd", "A.7", allow_na=True),
        ],
        upcoming=[UPCOMING],
    )


def export_report(bank: Bank, given: dict[AnswerKey, Answer]) -> Report:
    profile = shop()
    result = evaluate(bank, profile, given)
    return build_report(
        generated_on=dt.date(2026, 1, 15),
        profile=profile,
        assessment=AssessmentInfo(1, "2026-01-02T03:04:05+00:00", None),
        bank=bank,
        result=result,
        plan=build_plan(bank, profile, given, result),
        answers=given,
    )


def test_markdown_shows_the_tally_each_measure_and_the_upcoming_obligation() -> None:
    report = export_report(export_bank(), answers(("mfa", "no"), ("bkp", "yes"), ("upd", "na")))
    text = render_markdown(report, full=True)
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Cyber Essentials measures (indicative)" in headings
    assert "Coming, not scored" in headings
    assert headings.index("Critical gaps") < headings.index(
        "Cyber Essentials measures (indicative)"
    )
    assert headings.index("Coming, not scored") == headings.index("About this score") - 1
    assert "**Cyber Essentials (indicative):** 1 of 9 measures met" in text
    assert "**1 of 9 measures met** (2 assessed)" in text
    assert "- **MET** A.8 Backups\n" in text
    assert "- **NOT MET** A.5 Access control. Short of full marks:\n  - Is MFA on?" in text
    assert "- **NOT ASSESSED** A.7 Software updates" in text
    assert CAVEAT in text
    # Bank text stays literal: no headings, links, HTML or extra table cells from it.
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}
    assert headings.count("Heading") == 0
    rendered = md.render(text)
    assert "Evil | cell [x](https://evil.example) &lt;b&gt;hi&lt;/b&gt; # Heading" in rendered
    assert "Data portability (Part 6B)" in rendered
    assert "PDPA Part 6B; See evil.com" in rendered


def test_short_markdown_tallies_each_measure_in_one_line() -> None:
    report = export_report(export_bank(), answers(("mfa", "no"), ("bkp", "yes"), ("upd", "na")))
    tokens = MarkdownIt("commonmark").enable("table").parse(render_markdown(report))
    lines = ["".join(c.content for c in t.children or []) for t in tokens if t.type == "inline"]
    assert "A.8 Backups: MET" in lines
    assert "A.5 Access control: NOT MET, 1 question short of full marks" in lines
    assert "A.7 Software updates: NOT ASSESSED" in lines
    assert not any("Short of full marks" in line for line in lines)  # no per-question list


def test_markdown_leaves_the_section_out_when_the_bank_maps_no_measures() -> None:
    bank = make_bank([q("a")])
    text = render_markdown(export_report(bank, answers(("a", "yes"))))
    assert "measures met" not in text
    assert "Cyber Essentials measures" not in text
    assert "Coming, not scored" not in text


def test_toml_and_json_carry_the_tally_and_upcoming() -> None:
    bank = export_bank()
    report = export_report(bank, answers(("mfa", "partly"), ("bkp", "yes")))
    data = tomllib.loads(render_toml(report))
    assert json.loads(render_json(report)) == data
    essentials = data["cyber_essentials"]
    assert (essentials["met"], essentials["assessed"], essentials["total"]) == (1, 3, 9)
    assert essentials["caveat"] == CAVEAT
    by_id = {m["id"]: m for m in essentials["measures"]}
    assert list(by_id) == list(MEASURE_IDS)
    assert by_id["A.5"] == {
        "id": "A.5",
        "category": "Secure/Protect",
        "title": "Access control",
        "status": "not_met",
        "questions": ["mfa"],
        "short_of": ["mfa"],
    }
    assert by_id["A.8"]["status"] == "met"
    assert by_id["A.7"]["status"] == "not_met"  # unanswered
    assert by_id["A.7"]["short_of"] == ["upd"]
    assert (by_id["A.1"]["status"], by_id["A.1"]["questions"]) == ("not_assessed", [])
    assert data["upcoming"] == [UPCOMING]


def test_report_measures_are_computed_from_its_own_result() -> None:
    bank = export_bank()
    good = export_report(bank, answers(("mfa", "yes"), ("bkp", "yes"), ("upd", "yes")))
    assert good.measure_tally.met == 3
    # A replaced result is judged afresh, not read from a stale cache.
    bad = export_report(bank, answers(("mfa", "no")))
    swapped = dataclasses.replace(good, result=bad.result)
    assert swapped.measure_tally.met == 0
    assert good.measure_tally.met == 3
