"""Bank files: loading, validation messages with their exact place, and the `bank` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdpa_check.cli import cli
from pdpa_check.questionnaires.loader import (
    BUILTIN_BANK,
    BankError,
    builtin_bank_path,
    check_bank_files,
    load_bank_file,
    parse_bank_bytes,
)
from pdpa_check.questionnaires.model import Bank
from pdpa_check.support.paths import locations

SRC = "bank.toml"

# A small valid bank; each test changes one thing in it.
MINIMAL = """\
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
actions = ["act"]

[[questions]]
id = "q-choice"
domain = "dom"
kind = "choice"
text = "Pick one"
why = "Because."
options = [
  { id = "a", label = "A", credit = 1.0 },
  { id = "b", label = "B", credit = 0.0 },
]

[[actions]]
id = "act"
title = "Do it"
why = "Because."
steps = ["Step one"]
effort = "low"
owner = "owner"
vendor_doable = false
"""

NUMBER_QUESTION = """
[[questions]]
id = "q-num"
domain = "dom"
kind = "number"
text = "How many days?"
why = "Because."
number = { unit = "days", better = "lower", thresholds = [{ value = 1.0, credit = 1.0 }] }
"""

PER_SYSTEM_QUESTION = """
[[questions]]
id = "q-ps"
domain = "dom"
kind = "per_system"
system_kinds = ["crm"]
text = "Per system?"
why = "Because."
"""


def replace(old: str, new: str, text: str = MINIMAL) -> str:
    """`text` with exactly one occurrence of `old` replaced (fails loudly otherwise)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def add_questions(extra: str, text: str = MINIMAL) -> str:
    """Append questions after the existing ones (before the actions)."""
    at = text.index("[[actions]]")
    return text[:at] + extra.strip("\n") + "\n\n" + text[at:]


def condition(question: str, any_of: str) -> str:
    return f'applies_if = {{ answer = {{ question = "{question}", any_of = {any_of} }} }}\n'


def problems_of(text: str | bytes, source: str = SRC) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(BankError) as caught:
        parse_bank_bytes(data, source)
    assert caught.value.problems, "a BankError must carry at least one problem"
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(numbers) == 1
    return numbers[0]


# --- the built-in bank -------------------------------------------------------------


def test_minimal_bank_is_valid() -> None:
    bank = parse_bank_bytes(MINIMAL.encode(), SRC)
    assert bank.id == "mini"
    assert [q.id for q in bank.questions] == ["q-yes", "q-choice"]
    assert bank.question("q-yes").weight == 3
    assert bank.question("q-choice").weight == 1  # default
    assert bank.action("act").steps == ["Step one"]


def test_builtin_bank_loads_and_is_consistent(bank: Bank) -> None:
    assert bank.id == BUILTIN_BANK
    assert builtin_bank_path().is_file()
    assert len(bank.questions) >= 10
    action_ids = {action.id for action in bank.actions}
    domain_ids = {domain.id for domain in bank.domains}
    used = set()
    for question in bank.questions:
        assert question.domain in domain_ids, question.id
        for action in question.actions:
            assert action in action_ids, (question.id, action)
            used.add(action)
    assert used == action_ids  # no unused action either
    # Reading it straight from the file gives the same bank.
    assert load_bank_file(builtin_bank_path()) == bank


def test_builtin_bank_passes_check_bank_files() -> None:
    assert check_bank_files([builtin_bank_path()]) == []


def test_bank_list_shows_builtin_bank() -> None:
    result = CliRunner().invoke(cli, ["bank", "list"])
    assert result.exit_code == 0, result.output
    assert BUILTIN_BANK in result.stdout
    assert "built-in" in result.stdout
    assert "BROKEN" not in result.output


# --- TOML syntax ---------------------------------------------------------------------


def test_toml_syntax_error_names_line_and_column() -> None:
    text = replace("weight = 3", "weight = = 3")
    line = line_of(text, "weight = = 3")
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}:{line}:10: "), message
    assert "(at line" not in message  # the position moved to the front
    assert message.split(": ", 1)[1].strip()


def test_unterminated_string_on_a_line_names_that_line() -> None:
    text = replace('title = "Mini bank"', 'title = "Mini bank')
    line = line_of(text, 'title = "Mini bank')
    column = len('title = "Mini bank') + 1
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}:{line}:{column}: "), message


def test_duplicate_toml_key_names_the_second_one() -> None:
    text = replace("weight = 3\n", "weight = 3\nweight = 4\n")
    line = line_of(text, "weight = 4")
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}:{line}:"), message


def test_nul_byte_is_refused_with_its_place() -> None:
    text = replace('why = "Because."\nweight = 3', 'why = "Bec\x00ause."\nweight = 3')
    line = line_of(text, "Bec\x00ause")
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}:{line}:11: "), message


def test_file_truncated_mid_string_is_refused() -> None:
    text = MINIMAL[: MINIMAL.index("The only domain.") + 5]
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}:"), message
    assert "Unterminated string" in message


def test_empty_file() -> None:
    assert problems_of(b"") == [f"{SRC}: file is empty"]


def test_whitespace_only_file() -> None:
    assert problems_of(b"  \n\t\r\n\n") == [f"{SRC}: file is empty"]


def test_bom_only_file_is_empty() -> None:
    assert problems_of(b"\xef\xbb\xbf\n") == [f"{SRC}: file is empty"]


def test_utf8_bom_is_accepted() -> None:
    bank = parse_bank_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), SRC)
    assert bank == parse_bank_bytes(MINIMAL.encode(), SRC)


def test_invalid_utf8_names_the_byte_offset() -> None:
    data = MINIMAL.encode()
    offset = data.index(b"Mini bank")
    data = data[:offset] + b"\xff" + data[offset + 1 :]
    assert problems_of(data) == [f"{SRC}: not valid UTF-8 at byte {offset}"]


def test_invalid_utf8_offset_counts_the_bom() -> None:
    data = b"\xef\xbb\xbf" + MINIMAL.encode()
    offset = data.index(b"Mini bank")
    data = data[:offset] + b"\xff" + data[offset + 1 :]
    assert problems_of(data) == [f"{SRC}: not valid UTF-8 at byte {offset}"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    [message] = caught.value.problems
    assert message.startswith(f"{path}: cannot read file")
    assert "No such file" in message


def test_load_bank_file_uses_the_path_as_source(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(replace("weight = 3", "weight = 11"))
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    assert caught.value.problems == [
        f"{path}: question q-yes: weight: Input should be less than or equal to 10"
    ]
    path.write_text(MINIMAL)
    assert load_bank_file(path).id == "mini"


def test_deeply_nested_toml_is_a_bank_error() -> None:
    problems_of(b"a = " + b"[" * 5000)


# --- schema problems ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("weight = 3", "wieght = 3", "question q-yes: wieght: Extra inputs are not permitted"),
        ("weight = 3", "weight = 11", "question q-yes: weight: Input should be less than or equal"),
        ("weight = 3", "weight = -1", "question q-yes: weight: Input should be greater than"),
        ("weight = 3", 'weight = "3"', "question q-yes: weight: Input should be a valid integer"),
        ("weight = 3", "weight = 3.0", "question q-yes: weight: Input should be a valid integer"),
        ("weight = 3", "critical = 1", "question q-yes: critical: Input should be a valid boolean"),
        (
            "credit = 1.0",
            "credit = 1.5",
            "question q-choice: options[0].credit: Input should be less than or equal to 1",
        ),
        (
            'id = "b", label = "B"',
            'id = "b", label = ""',
            "question q-choice: options[1].label: String should have at least 1 character",
        ),
        ('kind = "yes_no"', 'kind = "yesno"', "question q-yes: kind: Input should be"),
        ('id = "q-yes"', 'id = "Q Yes"', "question Q Yes: id: String should match pattern"),
        ("weight = 5", "weight = 0", "domain dom: weight: Input should be greater than or equal"),
        ('effort = "low"', 'effort = "tiny"', "action act: effort: Input should be 'low'"),
        ('steps = ["Step one"]', "steps = []", "action act: steps: List should have at least 1"),
        ('version = "1.0.0"', 'version = "1.0"', "version: String should match pattern"),
        ('id = "mini"', 'id = "mini"\nauthor = "me"', "author: Extra inputs are not permitted"),
    ],
)
def test_schema_problem_names_entry_and_field(old: str, new: str, expected: str) -> None:
    [message] = problems_of(replace(old, new))
    assert message.startswith(f"{SRC}: {expected}"), message


def test_schema_version_must_be_1() -> None:
    [message] = problems_of("schema_version = 2\n" + MINIMAL)
    assert message.startswith(f"{SRC}: schema_version: Input should be 1"), message


def test_entry_without_id_is_named_by_index() -> None:
    text = add_questions(PER_SYSTEM_QUESTION.replace('id = "q-ps"\n', ""))
    assert problems_of(text) == [f"{SRC}: questions[2]: id: Field required"]


def test_domain_and_action_without_id_are_named_by_index() -> None:
    text = replace('id = "dom"\n', "", replace('id = "act"\n', ""))
    assert sorted(problems_of(text)) == [
        f"{SRC}: actions[0]: id: Field required",
        f"{SRC}: domains[0]: id: Field required",
    ]


def test_missing_required_top_level_field() -> None:
    assert problems_of(replace('title = "Mini bank"\n', "")) == [f"{SRC}: title: Field required"]


def test_every_schema_problem_is_reported_at_once() -> None:
    text = replace("weight = 3", "wieght = 3")
    text = replace("credit = 1.0", "credit = 1.5", text)
    text = replace('effort = "low"', 'effort = "tiny"', text)
    problems = problems_of(text)
    assert len(problems) == 3, problems
    assert any("question q-yes: wieght:" in p for p in problems)
    assert any("question q-choice: options[0].credit:" in p for p in problems)
    assert any("action act: effort:" in p for p in problems)
    assert all(p.startswith(f"{SRC}: ") for p in problems)


# --- cross checks ------------------------------------------------------------------


def test_duplicate_question_id() -> None:
    text = replace('id = "q-choice"', 'id = "q-yes"')
    assert problems_of(text) == [f"{SRC}: question q-yes: duplicate id"]


def test_duplicate_domain_id() -> None:
    domain = MINIMAL[MINIMAL.index("[[domains]]") : MINIMAL.index("[[questions]]")]
    assert problems_of(MINIMAL + "\n" + domain) == [f"{SRC}: domain dom: duplicate id"]


def test_duplicate_action_id() -> None:
    action = MINIMAL[MINIMAL.index("[[actions]]") :]
    assert problems_of(MINIMAL + "\n" + action) == [f"{SRC}: action act: duplicate id"]


def test_unknown_domain() -> None:
    text = replace('id = "q-choice"\ndomain = "dom"', 'id = "q-choice"\ndomain = "nowhere"')
    assert problems_of(text) == [f"{SRC}: question q-choice: domain: unknown domain 'nowhere'"]


def test_unknown_action() -> None:
    text = replace('actions = ["act"]', 'actions = ["act", "nope"]')
    assert problems_of(text) == [f"{SRC}: question q-yes: actions: unknown action 'nope'"]


def test_unused_action() -> None:
    text = replace('actions = ["act"]\n', "")
    assert problems_of(text) == [f"{SRC}: action act: not used by any question"]


def test_all_cross_check_problems_at_once() -> None:
    text = replace('actions = ["act"]', 'actions = ["gone"]')
    text = replace('id = "q-choice"\ndomain = "dom"', 'id = "q-choice"\ndomain = "x"', text)
    assert sorted(problems_of(text)) == sorted(
        [
            f"{SRC}: question q-yes: actions: unknown action 'gone'",
            f"{SRC}: question q-choice: domain: unknown domain 'x'",
            f"{SRC}: action act: not used by any question",
        ]
    )


def test_condition_on_an_earlier_answer_is_valid() -> None:
    text = replace("options = [", condition("q-yes", '["yes", "partly"]') + "options = [")
    bank = parse_bank_bytes(text.encode(), SRC)
    applies = bank.question("q-choice").applies_if
    assert applies is not None and applies.answer is not None
    assert applies.answer.question == "q-yes"


def test_condition_on_an_unknown_question() -> None:
    text = replace("options = [", condition("q-nope", '["yes"]') + "options = [")
    assert problems_of(text) == [
        f"{SRC}: question q-choice: applies_if.answer: unknown question 'q-nope'"
    ]


def test_condition_on_a_later_question_is_a_forward_reference() -> None:
    text = replace('actions = ["act"]\n', 'actions = ["act"]\n' + condition("q-choice", '["a"]'))
    assert problems_of(text) == [
        f"{SRC}: question q-yes: applies_if.answer: must refer to an earlier question 'q-choice'"
    ]


def test_condition_on_itself_is_a_forward_reference() -> None:
    text = replace("options = [", condition("q-choice", '["a"]') + "options = [")
    assert problems_of(text) == [
        f"{SRC}: question q-choice: applies_if.answer: must refer to an earlier question 'q-choice'"
    ]


@pytest.mark.parametrize(
    ("target", "extra", "any_of"),
    [("q-num", NUMBER_QUESTION, '["unknown"]'), ("q-ps", PER_SYSTEM_QUESTION, '["yes"]')],
)
def test_condition_on_a_number_or_per_system_question(target: str, extra: str, any_of: str) -> None:
    dependant = f"""
[[questions]]
id = "q-after"
domain = "dom"
kind = "yes_no"
text = "After?"
why = "Because."
{condition(target, any_of)}"""
    text = add_questions(extra + dependant)
    assert problems_of(text) == [
        f"{SRC}: question q-after: applies_if.answer: "
        f"question '{target}' is not a yes/no or choice question"
    ]


def test_condition_value_the_target_does_not_accept() -> None:
    text = replace("options = [", condition("q-yes", '["maybe", "yes", "na"]') + "options = [")
    # "na" is not accepted because q-yes has no allow_na
    assert problems_of(text) == [
        f"{SRC}: question q-choice: applies_if.answer: 'maybe' is not an answer to 'q-yes'",
        f"{SRC}: question q-choice: applies_if.answer: 'na' is not an answer to 'q-yes'",
    ]


def test_condition_value_on_a_choice_question_uses_its_option_ids() -> None:
    dependant = f"""
[[questions]]
id = "q-after"
domain = "dom"
kind = "yes_no"
text = "After?"
why = "Because."
{condition("q-choice", '["a", "yes"]')}"""
    assert problems_of(add_questions(dependant)) == [
        f"{SRC}: question q-after: applies_if.answer: 'yes' is not an answer to 'q-choice'"
    ]
    ok = add_questions(dependant.replace('["a", "yes"]', '["a", "unknown"]'))
    assert parse_bank_bytes(ok.encode(), SRC).question("q-after").applies_if is not None


def test_condition_na_allowed_when_target_allows_na() -> None:
    text = replace("weight = 3\n", "weight = 3\nallow_na = true\n")
    text = replace("options = [", condition("q-yes", '["na"]') + "options = [", text)
    assert parse_bank_bytes(text.encode(), SRC).question("q-yes").allow_na


# --- kind and field consistency ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        (
            replace('kind = "choice"', 'kind = "yes_no"'),
            "q-choice",
            "'options' is required for kind 'choice' and only allowed there",
        ),
        (
            add_questions(NUMBER_QUESTION.replace('kind = "number"', 'kind = "choice"')),
            "q-num",
            "'options' is required for kind 'choice' and only allowed there",
        ),
        (
            add_questions(PER_SYSTEM_QUESTION.replace('system_kinds = ["crm"]\n', "")),
            "q-ps",
            "'system_kinds' is required for kind 'per_system' and only allowed there",
        ),
        (
            replace('kind = "yes_no"', 'kind = "yes_no"\nsystem_kinds = ["crm"]'),
            "q-yes",
            "'system_kinds' is required for kind 'per_system' and only allowed there",
        ),
        (
            add_questions(NUMBER_QUESTION.replace("number = {", "# number = {")),
            "q-num",
            "'number' is required for kind 'number' and only allowed there",
        ),
        (
            replace("weight = 3\n", "weight = 3\n" + NUMBER_QUESTION.splitlines()[-1] + "\n"),
            "q-yes",
            "'number' is required for kind 'number' and only allowed there",
        ),
        (
            replace('{ id = "b"', '{ id = "unknown"'),
            "q-choice",
            "option ids 'unknown' and 'na' are reserved",
        ),
        (
            replace('{ id = "b"', '{ id = "na"'),
            "q-choice",
            "option ids 'unknown' and 'na' are reserved",
        ),
        (replace('{ id = "b"', '{ id = "a"'), "q-choice", "option ids must be unique"),
    ],
    ids=[
        "yes_no-with-options",
        "choice-without-options",
        "per_system-without-kinds",
        "yes_no-with-kinds",
        "number-without-scale",
        "yes_no-with-scale",
        "reserved-unknown",
        "reserved-na",
        "duplicate-option",
    ],
)
def test_fields_must_match_kind(text: str, question: str, expected: str) -> None:
    [message] = problems_of(text)
    assert message.startswith(f"{SRC}: question {question}: "), message
    assert message.endswith(expected), message


TEXT_QUESTION = """
[[questions]]
id = "q-text"
domain = "dom"
kind = "text"
text = "Who?"
why = "Because."
"""


def test_text_question_without_scoring_fields_is_valid() -> None:
    bank = parse_bank_bytes(add_questions(TEXT_QUESTION + "weight = 0\n").encode(), SRC)
    assert not bank.question("q-text").scored


@pytest.mark.parametrize("field", ["weight = 2", "critical = true", 'actions = ["act"]'])
def test_text_question_refuses_weight_critical_and_actions(field: str) -> None:
    [message] = problems_of(add_questions(TEXT_QUESTION + field + "\n"))
    assert message == (
        f"{SRC}: question q-text: Value error, "
        "a 'text' question is not scored: no weight, critical or actions"
    )


def test_number_scale_minimum_above_maximum_is_refused() -> None:
    scale = 'number = { unit = "days", better = "lower", minimum = 10.0, maximum = 5.0, '
    text = add_questions(
        NUMBER_QUESTION.replace('number = { unit = "days", better = "lower", ', scale)
    )
    problems_of(text)


# --- several files -----------------------------------------------------------------


def test_check_bank_files_reports_every_file(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(MINIMAL)
    bad1 = tmp_path / "bad1.toml"
    bad1.write_text(replace('id = "mini"', 'id = "one"', replace("weight = 3", "weight = 11")))
    bad2 = tmp_path / "bad2.toml"
    bad2.write_text("")
    missing = tmp_path / "missing.toml"
    problems = check_bank_files([good, bad1, bad2, missing])
    assert problems[:2] == [
        f"{bad1}: question q-yes: weight: Input should be less than or equal to 10",
        f"{bad2}: file is empty",
    ]
    assert len(problems) == 3
    assert problems[2].startswith(f"{missing}: cannot read file")


def test_check_bank_files_flags_a_bank_id_used_twice(tmp_path: Path) -> None:
    first = tmp_path / "first.toml"
    first.write_text(MINIMAL)
    second = tmp_path / "second.toml"
    second.write_text(replace('title = "Mini bank"', 'title = "Another"'))
    other = tmp_path / "other.toml"
    other.write_text(replace('id = "mini"', 'id = "other"'))
    assert check_bank_files([first, other, second]) == [
        f"{second}: bank id 'mini' is also used by {first}"
    ]


def test_check_bank_files_all_good(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(MINIMAL)
    assert check_bank_files([path, builtin_bank_path()]) == []


# --- CLI -----------------------------------------------------------------------------


def test_cli_validate_good_file(tmp_path: Path) -> None:
    path = tmp_path / "good.toml"
    path.write_text(MINIMAL)
    result = CliRunner().invoke(cli, ["bank", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 file(s) OK" in result.stdout
    assert result.stderr == ""


def test_cli_validate_bad_files_lists_every_problem(tmp_path: Path) -> None:
    bad1 = tmp_path / "bad1.toml"
    bad1.write_text(replace("weight = 3", "wieght = 11", replace("credit = 1.0", "credit = 1.5")))
    bad2 = tmp_path / "bad2.toml"
    bad2.write_text(replace("weight = 3", "weight = = 3"))
    expected = check_bank_files([bad1, bad2])
    assert len(expected) == 3
    result = CliRunner().invoke(cli, ["bank", "validate", str(bad1), str(bad2)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for problem in expected:
        assert problem in result.stderr
    assert "3 problem(s) found" in result.stderr
    assert "OK" not in result.stdout
    assert "Traceback" not in result.output


def test_cli_validate_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    result = CliRunner().invoke(cli, ["bank", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}: cannot read file" in result.stderr
    assert "Traceback" not in result.output


def test_cli_validate_needs_a_path() -> None:
    result = CliRunner().invoke(cli, ["bank", "validate"])
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_cli_schema_is_json_schema() -> None:
    result = CliRunner().invoke(cli, ["bank", "schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    for key in ("id", "version", "domains", "questions", "actions"):
        assert key in schema["properties"]
    # Areas and questions both explain their weight (shown by `bank coverage`).
    assert "weight_rationale" in schema["$defs"]["Domain"]["properties"]
    assert "weight_rationale" in schema["$defs"]["Question"]["properties"]
    assert set(schema["required"]) >= {"id", "questions", "domains"}
    assert schema.get("additionalProperties") is False


def test_cli_list_reports_a_broken_user_bank(tmp_path: Path) -> None:
    user_banks = locations().user_banks
    assert tmp_path in user_banks.parents  # the autouse fixture's private folder
    user_banks.mkdir(parents=True)
    (user_banks / "mine.toml").write_text(replace('id = "mini"', 'id = "mine"'))
    (user_banks / "broken.toml").write_text(replace("weight = 3", "weight = 11"))
    result = CliRunner().invoke(cli, ["bank", "list"])
    assert result.exit_code == 2, result.output
    assert "BROKEN" in result.stdout
    assert "broken" in result.stdout
    assert "mine" in result.stdout
    assert BUILTIN_BANK in result.stdout
    assert "could not be loaded" in result.stderr
    assert "1 bank file(s)" in result.stderr
    assert "Traceback" not in result.output


def test_cli_list_with_only_good_user_banks_exits_0() -> None:
    user_banks = locations().user_banks
    user_banks.mkdir(parents=True)
    (user_banks / "mine.toml").write_text(replace('id = "mini"', 'id = "mine"'))
    result = CliRunner().invoke(cli, ["bank", "list"])
    assert result.exit_code == 0, result.output
    assert "mine" in result.stdout
    assert "BROKEN" not in result.stdout


# --- fuzz ----------------------------------------------------------------------------

STARTER_LINES = builtin_bank_path().read_text(encoding="utf-8").splitlines()
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _only_bank_errors(data: bytes) -> None:
    try:
        parse_bank_bytes(data, SRC)
    except BankError as error:
        assert error.problems
        assert all(problem.startswith(SRC) for problem in error.problems)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_only_raise_bank_error(data: bytes) -> None:
    _only_bank_errors(data)


edit = st.tuples(
    st.sampled_from(["delete", "duplicate", "replace"]),
    st.integers(min_value=0, max_value=len(STARTER_LINES) - 1),
    st.one_of(st.sampled_from(STARTER_LINES), st.text(max_size=40)),
)


@FUZZ
@given(st.lists(edit, min_size=1, max_size=4))
def test_mutated_starter_bank_only_raises_bank_error(edits: list[tuple[str, int, str]]) -> None:
    lines = list(STARTER_LINES)
    for action, index, new in edits:
        index %= len(lines) or 1
        if not lines:
            break
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index] = new
    _only_bank_errors("\n".join(lines).encode("utf-8", "surrogatepass"))


# --- the ranking rule: a warning from `bank validate` ----------------------------------------

# A critical question weighing less than q-yes (3) in the same area breaks the ranking rule.
CRITICAL_TOO_LIGHT = """
[[questions]]
id = "q-crit"
domain = "dom"
kind = "yes_no"
text = "Critical?"
why = "Because."
weight = 1
critical = true
"""


def test_a_bank_whose_weights_rank_a_fix_above_a_critical_one_loads_with_a_warning(
    tmp_path: Path,
) -> None:
    path = tmp_path / "light.toml"
    path.write_text(MINIMAL + CRITICAL_TOO_LIGHT)
    # It still loads: stored copies of older bank versions must keep opening.
    assert load_bank_file(path).question("q-crit").critical
    assert check_bank_files([path]) == []
    result = CliRunner().invoke(cli, ["bank", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 file(s) OK, 1 warning(s)" in result.stdout
    warning = (
        f"{path}: warning: question q-crit: critical, but closing q-yes (60.0) can raise the "
        "score more than closing it (20.0; points of 100 when everything applies); give it "
        "more weight within its area 'dom', or them less"
    )
    assert result.stderr.strip() == warning


def test_validate_strict_counts_the_ranking_warning_as_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "light.toml"
    path.write_text(MINIMAL + CRITICAL_TOO_LIGHT)
    result = CliRunner().invoke(cli, ["bank", "validate", "--strict", str(path)])
    assert result.exit_code == 2, result.output
    assert "question q-crit: critical, but closing q-yes" in result.stderr
    assert "1 problem(s) found" in result.stderr
    assert "OK" not in result.stdout


def test_a_critical_question_that_outweighs_the_rest_passes_strict(tmp_path: Path) -> None:
    path = tmp_path / "heavy.toml"
    path.write_text(MINIMAL + CRITICAL_TOO_LIGHT.replace("weight = 1", "weight = 3"))
    result = CliRunner().invoke(cli, ["bank", "validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 file(s) OK"
    assert result.stderr == ""


def test_the_builtin_bank_passes_validate_strict() -> None:
    result = CliRunner().invoke(cli, ["bank", "validate", "--strict", str(builtin_bank_path())])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_bank_list_marks_a_bank_with_a_ranking_warning() -> None:
    user_banks = locations().user_banks
    user_banks.mkdir(parents=True)
    light = replace('id = "mini"', 'id = "light"') + CRITICAL_TOO_LIGHT
    (user_banks / "light.toml").write_text(light)
    result = CliRunner().invoke(cli, ["bank", "list"])
    assert result.exit_code == 0, result.output
    assert "ok, 1 warning(s)" in result.stdout
    assert "1 bank(s) have warnings; `pdpa-check bank validate`" in result.stderr
    assert "BROKEN" not in result.stdout
