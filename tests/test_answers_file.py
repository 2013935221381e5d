"""The answers file: render, edit, parse back; every problem reported with its place."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
import tomli_w

from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.answers_file import (
    FORMAT_NAME,
    Organisation,
    parse_answers_file,
    render_answers_file,
)
from pdpa_check.questionnaires.applicability import applicable_slots
from pdpa_check.questionnaires.loader import BankError
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System

SRC = "answers.toml"
SHOP = Organisation("Test Shop", "0123456789abcdef0123456789abcdef")


def header(bank: Bank, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": 1,
        "bank_id": bank.id,
        "bank_version": bank.version,
        "organisation": "Test Shop",
        "assessment": 1,
    }
    data.update(changes)
    return data


def file_with(bank: Bank, *entries: dict[str, Any], **changes: Any) -> bytes:
    return tomli_w.dumps({**header(bank, **changes), "answers": list(entries)}).encode()


def parse(data: bytes, bank: Bank, profile: Profile) -> tuple[list[Answer], list[AnswerKey]]:
    parsed = parse_answers_file(data, SRC, bank, profile)
    return parsed.answers, parsed.cleared


def problems(data: bytes, bank: Bank, profile: Profile) -> list[str]:
    with pytest.raises(BankError) as caught:
        parse(data, bank, profile)
    assert caught.value.problems
    return caught.value.problems


def one_answer(bank: Bank, profile: Profile, entry: dict[str, Any]) -> Answer:
    answers, cleared = parse(file_with(bank, entry), bank, profile)
    assert cleared == []
    [answer] = answers
    return answer


# --- round trip -----------------------------------------------------------------------


def test_render_lists_every_applicable_slot(bank: Bank, profile: Profile) -> None:
    slots = applicable_slots(bank, profile, {})
    text = render_answers_file(bank, slots, {}, SHOP, 7)
    data = tomllib.loads(text)
    assert data["format"] == FORMAT_NAME
    assert data["format_version"] == 4
    assert data["bank_id"] == bank.id
    assert data["bank_version"] == bank.version
    assert data["organisation"] == "Test Shop"
    assert data["organisation_id"] == SHOP.uid
    assert data["assessment"] == 7
    keys = [(entry["question"], entry.get("system", "")) for entry in data["answers"]]
    assert keys == [slot.key for slot in slots]
    assert ("acc-mfa", "shopify") in keys
    assert all(entry["value"] == "" for entry in data["answers"])
    mfa = next(e for e in data["answers"] if e["question"] == "acc-mfa")
    assert mfa["text"].startswith("Google Workspace: ")
    assert mfa["choices"] == bank.question("acc-mfa").accepted_values()
    text_entry = next(e for e in data["answers"] if e["question"] == "inc-lead-names")
    assert "choices" not in text_entry


def test_unanswered_file_changes_nothing(bank: Bank, profile: Profile) -> None:
    slots = applicable_slots(bank, profile, {})
    text = render_answers_file(bank, slots, {}, SHOP, 1)
    answers, cleared = parse(text.encode(), bank, profile)
    assert answers == []
    assert cleared == []  # a blank value leaves a stored answer alone


def test_round_trip_keeps_answers(bank: Bank, profile: Profile) -> None:
    given = [
        Answer(question_id="gov-dpo", value="yes", note="Ann is DPO", evidence="website"),
        Answer(question_id="acc-mfa", system_key="shopify", value="partly", note="admins only"),
        Answer(question_id="acc-mfa", system_key="meta", value="unknown"),
        Answer(question_id="lvr-days-to-remove", value="3", note="multi\nline\tnote"),
        Answer(question_id="bkp-method", value="automatic-offline"),
        Answer(question_id="lvr-outside-access", value="na"),
        Answer(question_id="inc-lead-names", value="Ann (owner); Bob (ops)"),
    ]
    by_key = {answer.key: answer for answer in given}
    slots = applicable_slots(bank, profile, by_key)
    assert set(by_key) <= {slot.key for slot in slots}
    text = render_answers_file(bank, slots, by_key, SHOP, 1)
    answers, cleared = parse(text.encode(), bank, profile)
    assert sorted(answers, key=lambda a: a.key) == sorted(given, key=lambda a: a.key)
    assert cleared == []


def test_render_then_edit_then_parse(bank: Bank, profile: Profile) -> None:
    slots = applicable_slots(bank, profile, {})
    data = tomllib.loads(render_answers_file(bank, slots, {}, SHOP, 1))
    for entry in data["answers"]:
        if entry["question"] == "acc-password-manager":
            entry["value"] = "no"
            entry["note"] = "planned"
    answers, cleared = parse(tomli_w.dumps(data).encode(), bank, profile)
    assert answers == [Answer(question_id="acc-password-manager", value="no", note="planned")]
    assert cleared == []


def test_only_the_clear_value_clears_an_answer(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "gov-dpo", "value": ""},
        {"question": "acc-mfa", "system": "gmail", "value": "clear"},
        {"question": "acc-mfa", "system": "shopify", "value": ""},
        {"question": "inc-plan", "value": "no"},
    )
    answers, cleared = parse(data, bank, profile)
    assert cleared == [("acc-mfa", "gmail")]
    assert answers == [Answer(question_id="inc-plan", value="no")]


def test_a_note_with_a_blank_value_is_refused_not_dropped(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "gov-dpo", "value": "", "note": "Ann, from May"})
    [problem] = problems(data, bank, profile)
    assert problem.startswith(f'{SRC}: answers[0] (question "gov-dpo"): value: blank, but a note')


def test_reference_fields_are_ignored(bank: Bank, profile: Profile) -> None:
    entry = {"question": "gov-dpo", "text": "edited text", "choices": ["x"], "value": "partly"}
    answer = one_answer(bank, profile, entry)
    assert answer == Answer(question_id="gov-dpo", value="partly")


def test_minimal_header_is_enough(bank: Bank, profile: Profile) -> None:
    data = tomli_w.dumps(
        {
            "format": FORMAT_NAME,
            "format_version": 1,
            "bank_id": bank.id,
            "bank_version": bank.version,
            "answers": [{"question": "gov-dpo", "value": "no"}],
        }
    ).encode()
    assert parse(data, bank, profile) == ([Answer(question_id="gov-dpo", value="no")], [])


def test_bom_is_accepted(bank: Bank, profile: Profile) -> None:
    data = b"\xef\xbb\xbf" + file_with(bank, {"question": "gov-dpo", "value": "no"})
    assert parse(data, bank, profile) == ([Answer(question_id="gov-dpo", value="no")], [])


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (3, "3"),
        (3.0, "3"),
        (0, "0"),
        (2.5, "2.5"),
        ("3", "3"),
        ("3.0", "3"),
        ("3.50", "3.5"),
        (" 7 ", "7"),
        (365, "365"),
        ("unknown", "unknown"),
    ],
)
def test_numbers_are_canonicalised(bank: Bank, profile: Profile, raw: object, stored: str) -> None:
    answer = one_answer(bank, profile, {"question": "lvr-days-to-remove", "value": raw})
    assert answer.value == stored


def test_number_is_not_silently_rounded(bank: Bank, profile: Profile) -> None:
    answer = one_answer(bank, profile, {"question": "lvr-days-to-remove", "value": 2.1234567})
    assert float(answer.value) == 2.1234567


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (400, "value: must be between 0 and 365 days"),
        (-1, "value: must be between 0 and 365 days"),
        ("366", "value: must be between 0 and 365 days"),
        ("nan", "value: 'nan' is not a number of days or 'unknown'"),
        ("inf", "value: 'inf' is not a number of days or 'unknown'"),
        ("abc", "value: 'abc' is not a number of days or 'unknown'"),
        ("three", "value: 'three' is not a number of days or 'unknown'"),
        ("na", "value: 'na' is not a number of days or 'unknown'"),
    ],
)
def test_bad_numbers(bank: Bank, profile: Profile, raw: object, expected: str) -> None:
    data = file_with(bank, {"question": "lvr-days-to-remove", "value": raw})
    assert problems(data, bank, profile) == [
        f'{SRC}: answers[0] (question "lvr-days-to-remove"): {expected}'
    ]


# --- entry problems, all at once -----------------------------------------------------


def test_every_entry_problem_is_reported_with_its_place(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "gov-dpo", "value": "yes"},  # fine
        {"question": "no-such-question", "value": "yes"},
        {"question": "acc-mfa", "value": "yes"},
        {"question": "acc-mfa", "system": "zzz", "value": "yes"},
        {"question": "gov-dpo", "system": "gmail", "value": "no"},
        {"question": "gov-data-inventory", "value": "maybe"},
        {"question": "bkp-method", "value": "yes"},
        {"question": "lvr-days-to-remove", "value": 1000},
        {"question": "gov-dpo", "value": "no"},
        {"question": "inc-lead-names", "value": 3},
    )
    place = f"{SRC}: answers"
    assert problems(data, bank, profile) == [
        f'{place}[1] (question "no-such-question"): question: no such question in this bank',
        f'{place}[2] (question "acc-mfa"): system: this question is asked per system; say which',
        f'{place}[3] (question "acc-mfa", system "zzz"): system: not one of this '
        "organisation's systems this question is asked for (gmail, shopify, meta)",
        f'{place}[4] (question "gov-dpo", system "gmail"): system: '
        "this question is not asked per system",
        f'{place}[5] (question "gov-data-inventory"): value: '
        "'maybe' is not one of: yes, partly, no, unknown",
        f'{place}[6] (question "bkp-method"): value: '
        "'yes' is not one of: none, manual, automatic, automatic-offline, unknown",
        f'{place}[7] (question "lvr-days-to-remove"): value: must be between 0 and 365 days',
        f'{place}[8] (question "gov-dpo"): answered twice in this file',
        f'{place}[9] (question "inc-lead-names"): value: must be text',
    ]


def test_per_system_question_for_a_system_of_the_wrong_kind(bank: Bank, profile: Profile) -> None:
    ai = System(key="rebuy", kind="ai", name="Rebuy recommendations")
    with_ai = Profile(
        name=profile.name,
        staff_count=profile.staff_count,
        sector=profile.sector,
        systems=(*profile.systems, ai),
    )
    assert "ai" not in bank.question("acc-mfa").system_kinds
    data = file_with(
        bank,
        {"question": "acc-mfa", "system": "rebuy", "value": "yes"},
        {"question": "acc-mfa", "system": "gmail", "value": "yes"},
    )
    assert problems(data, bank, with_ai) == [
        f'{SRC}: answers[0] (question "acc-mfa", system "rebuy"): system: not one of this '
        "organisation's systems this question is asked for (gmail, shopify, meta)"
    ]


def test_per_system_question_when_org_has_no_matching_system(bank: Bank) -> None:
    lonely = Profile(name="Solo", staff_count=1, systems=())
    data = file_with(bank, {"question": "acc-mfa", "system": "gmail", "value": "yes"})
    [message] = problems(data, bank, lonely)
    assert message.endswith("this question is asked for (none)")


def test_na_only_where_the_question_allows_it(bank: Bank, profile: Profile) -> None:
    assert bank.question("lvr-outside-access").allow_na
    assert one_answer(bank, profile, {"question": "lvr-outside-access", "value": "na"}).value == (
        "na"
    )
    data = file_with(bank, {"question": "gov-dpo", "value": "na"})
    assert problems(data, bank, profile) == [
        f"{SRC}: answers[0] (question \"gov-dpo\"): value: 'na' is not one of: "
        "yes, partly, no, unknown"
    ]


def test_duplicate_clear_and_answer_is_refused(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "acc-mfa", "system": "meta", "value": ""},
        {"question": "acc-mfa", "system": "meta", "value": "yes"},
    )
    assert problems(data, bank, profile) == [
        f'{SRC}: answers[1] (question "acc-mfa", system "meta"): answered twice in this file'
    ]


def test_same_question_for_two_systems_is_not_a_duplicate(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "acc-mfa", "system": "meta", "value": "yes"},
        {"question": "acc-mfa", "system": "gmail", "value": "no"},
    )
    answers, _ = parse(data, bank, profile)
    assert [a.key for a in answers] == [("acc-mfa", "meta"), ("acc-mfa", "gmail")]


# --- file-level problems -------------------------------------------------------------


def test_wrong_bank_id(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "gov-dpo", "value": "yes"}, bank_id="other-bank")
    assert problems(data, bank, profile) == [
        f"{SRC}: bank_id: file is for bank 'other-bank', this assessment uses '{bank.id}'"
    ]


def test_wrong_format(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, format="something-else")
    assert problems(data, bank, profile) == [f"{SRC}: format: Input should be '{FORMAT_NAME}'"]


def test_wrong_format_version(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, format_version=5)
    assert problems(data, bank, profile) == [f"{SRC}: format_version: Input should be 1, 2, 3 or 4"]


def test_missing_format(bank: Bank, profile: Profile) -> None:
    data = tomli_w.dumps({k: v for k, v in header(bank).items() if k != "format"}).encode()
    assert problems(data, bank, profile) == [f"{SRC}: format: Field required"]


def test_unknown_top_level_key(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "gov-dpo", "value": "yes"}, colour="blue")
    assert problems(data, bank, profile) == [f"{SRC}: colour: Extra inputs are not permitted"]


def test_unknown_entry_key(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "gov-dpo", "value": "yes"},
        {"question": "inc-plan", "value": "yes", "vaule": "no"},
    )
    assert problems(data, bank, profile) == [
        f'{SRC}: answers[1] (question "inc-plan"): vaule: Extra inputs are not permitted'
    ]


def test_entry_without_question(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"value": "yes"})
    assert problems(data, bank, profile) == [f"{SRC}: answers[0]: question: Field required"]


def test_schema_problems_are_all_reported(bank: Bank, profile: Profile) -> None:
    data = file_with(
        bank,
        {"question": "gov-dpo", "value": "yes", "extra": 1},
        {"question": "inc-plan"},
        format_version=5,
        assessment="one",
    )
    found = problems(data, bank, profile)
    assert f"{SRC}: format_version: Input should be 1, 2, 3 or 4" in found
    assert any(p.startswith(f"{SRC}: assessment: ") for p in found)
    assert f'{SRC}: answers[0] (question "gov-dpo"): extra: Extra inputs are not permitted' in (
        found
    )
    assert f'{SRC}: answers[1] (question "inc-plan"): value: Field required' in found
    assert len(found) == 4


def test_non_scalar_value_is_refused_with_its_place(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "gov-dpo", "value": ["yes"]})
    found = problems(data, bank, profile)
    assert all(p.startswith(f'{SRC}: answers[0] (question "gov-dpo"): value') for p in found)


def test_union_branch_names_do_not_leak_into_messages(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "lvr-days-to-remove", "value": True})
    found = problems(data, bank, profile)
    assert not any("value.float" in p for p in found), found


def test_invalid_toml_names_line_and_column(bank: Bank, profile: Profile) -> None:
    text = 'format = "pdpa-check-answers"\nformat_version = 1\nbank_id = = "x"\n'
    [message] = problems(text.encode(), bank, profile)
    assert message.startswith(f"{SRC}:3:11: "), message
    assert "(at line" not in message


def test_duplicate_toml_key(bank: Bank, profile: Profile) -> None:
    text = 'format = "pdpa-check-answers"\nformat = "pdpa-check-answers"\n'
    [message] = problems(text.encode(), bank, profile)
    assert message.startswith(f"{SRC}:2:"), message


@pytest.mark.parametrize("data", [b"", b"   \n\n\t", b"\xef\xbb\xbf"])
def test_empty_file(bank: Bank, profile: Profile, data: bytes) -> None:
    assert problems(data, bank, profile) == [f"{SRC}: file is empty"]


def test_invalid_utf8(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "gov-dpo", "value": "yes", "note": "caf\u00e9"})
    offset = data.index("\u00e9".encode())
    data = data[:offset] + b"\xff" + data[offset + 2 :]
    assert problems(data, bank, profile) == [f"{SRC}: not valid UTF-8 at byte {offset}"]


def test_deeply_nested_toml_is_a_bank_error(bank: Bank, profile: Profile) -> None:
    problems(b"a = " + b"[" * 5000, bank, profile)


# --- notes and evidence --------------------------------------------------------------


def test_notes_and_evidence_are_sanitised(bank: Bank, profile: Profile) -> None:
    entry = {
        "question": "gov-dpo",
        "value": "yes",
        "note": "  ok\x07 \u202eevil\u202c e\u0301t\u00e9\u200b\r\nnext\x1b[31m  ",
        "evidence": "\x00link\u2066 here\u2069\x7f",
    }
    answer = one_answer(bank, profile, entry)
    assert answer.note == "ok evil \u00e9t\u00e9\nnext[31m"
    assert answer.evidence == "link here"


def test_text_answer_is_sanitised(bank: Bank, profile: Profile) -> None:
    answer = one_answer(
        bank, profile, {"question": "inc-lead-names", "value": " Ann\u202e (owner)\x07 "}
    )
    assert answer.value == "Ann (owner)"


def test_note_at_the_limit_is_accepted(bank: Bank, profile: Profile) -> None:
    note = "x" * 4000
    assert one_answer(bank, profile, {"question": "gov-dpo", "value": "no", "note": note}).note == (
        note
    )


@pytest.mark.parametrize("field", ["note", "evidence"])
def test_over_long_note_or_evidence_is_refused(bank: Bank, profile: Profile, field: str) -> None:
    data = file_with(
        bank,
        {"question": "gov-dpo", "value": "no", field: "x" * 4001},
        {"question": "inc-plan", "value": "maybe"},
    )
    assert problems(data, bank, profile) == [
        f'{SRC}: answers[0] (question "gov-dpo"): note/evidence: '
        "text is 4001 characters long; the limit is 4000",
        f"{SRC}: answers[1] (question \"inc-plan\"): value: 'maybe' is not one of: "
        "yes, partly, no, unknown",
    ]


def test_over_long_text_answer_is_refused(bank: Bank, profile: Profile) -> None:
    data = file_with(bank, {"question": "inc-lead-names", "value": "y" * 4001})
    assert problems(data, bank, profile) == [
        f'{SRC}: answers[0] (question "inc-lead-names"): value: '
        "text is 4001 characters long; the limit is 4000"
    ]


def test_one_unit_is_singular(bank: Bank) -> None:
    from pdpa_check.questionnaires.answers import describe_value

    question = bank.question("lvr-days-to-remove")
    assert describe_value(question, "1") == "1 day"
    assert describe_value(question, "3") == "3 days"
    assert describe_value(question, "unknown") == "Don't know"
