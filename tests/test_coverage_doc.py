"""The coverage table generated from a bank, `pdpa-check bank coverage`, and docs/coverage.md.

docs/coverage.md must be exactly what the command prints for the built-in bank, so the
documentation can never drift from the bank. After changing the bank, regenerate it with:

    pdpa-check bank coverage > docs/coverage.md
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_support import tables

from pdpa_check.cli import cli
from pdpa_check.exports.coverage import render_coverage, short
from pdpa_check.questionnaires.loader import builtin_bank
from pdpa_check.questionnaires.model import Bank
from pdpa_check.support.paths import locations

DOC = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"
REGENERATE = "pdpa-check bank coverage > docs/coverage.md"

HOSTILE = "Pipe | here [link](https://evil.example) <img src=x> evil.com\n# Not a heading"


def make_bank(**extra: Any) -> Bank:
    return Bank.model_validate(
        {
            "id": "cover-bank",
            "version": "2.1.0",
            "title": "Coverage " + HOSTILE,
            "description": "A bank built for one test.",
            "domains": [
                {
                    "id": "acc",
                    "title": "Accounts | logins",
                    "weight": 5,
                    "description": "A.",
                    "weight_rationale": "Logins first " + HOSTILE,
                },
                {"id": "bkp", "title": "Backups", "weight": 3, "description": "B."},
            ],
            "questions": [
                {
                    "id": "acc-mfa",
                    "domain": "acc",
                    "text": "Is MFA on? " + HOSTILE,
                    "why": "Because.",
                    "kind": "yes_no",
                    "weight": 10,
                    "critical": True,
                    "cyber_essentials": ["A.5", "A.6"],
                    "references": ["PDPA s24", "Ref | with pipe"],
                    "weight_rationale": "Most breaches start with a " + HOSTILE,
                },
                {
                    "id": "bkp-copy",
                    "domain": "bkp",
                    "text": "Is there an offline copy of your data, kept apart from the shop, "
                    "tested at least once a year, by someone other than the person who set it up?",
                    "why": "Because.",
                    "kind": "yes_no",
                    "weight": 4,
                    "cyber_essentials": ["A.8"],
                },
                {
                    "id": "bkp-who",
                    "domain": "bkp",
                    "text": "Who looks after backups?",
                    "why": "Because.",
                    "kind": "text",
                    "cyber_essentials": ["A.9"],
                },
            ],
            **extra,
        }
    )


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def cell_text(token: Token) -> str:
    return "".join(
        c.content for c in token.children or [] if c.type in ("text", "text_special", "code_inline")
    )


def test_docs_coverage_is_generated_from_the_built_in_bank() -> None:
    expected = render_coverage(builtin_bank())
    assert DOC.exists(), f"{DOC} is missing: run `{REGENERATE}`"
    assert DOC.read_text(encoding="utf-8") == expected, (
        f"docs/coverage.md is out of date with the bank: run `{REGENERATE}`"
    )


def test_question_table_has_one_row_per_question_with_literal_text() -> None:
    bank = make_bank()
    tokens = parse(render_coverage(bank))
    questions = tables(tokens)[0]
    assert questions[0] == [
        "Id",
        "Area",
        "Question",
        "Weight",
        "Critical",
        "Cyber Essentials",
        "References",
    ]
    assert [row[0] for row in questions[1:]] == ["acc-mfa", "bkp-copy", "bkp-who"]
    assert all(len(row) == 7 for row in questions)
    mfa, copy, who = questions[1:]
    assert mfa[1] == "Accounts | logins"
    assert mfa[2].startswith("Is MFA on? Pipe | here [link](https")
    assert mfa[3:6] == ["10", "yes", "A.5, A.6"]
    assert mfa[6] == "PDPA s24; Ref | with pipe"
    assert copy[2].endswith("…") and len(copy[2]) <= 90
    assert copy[3:6] == ["4", "no", "A.8"]
    assert who[3] == "not scored"
    # Hostile bank text opens no heading, link, image or HTML anywhere.
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "link_open", "image"}
    heads = [cell_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert heads[1:] == [
        "Questions and references",
        "Cyber Essentials measures",
        "Weights and critical controls",
        "Areas",
        "Questions",
        "Coming, not scored",
    ]


def test_measure_table_lists_scored_questions_per_measure() -> None:
    text = render_coverage(make_bank())
    _, measures = tables(parse(text))
    assert measures[0] == ["Measure", "Category", "In short", "Questions"]
    by_id = {row[0].split()[0]: row for row in measures[1:]}
    assert list(by_id) == [f"A.{n}" for n in range(1, 10)]
    assert by_id["A.5"][3] == "acc-mfa"
    assert by_id["A.6"][3] == "acc-mfa"
    assert by_id["A.8"][3] == "bkp-copy"
    # The text question is not scored, so it does not count towards A.9.
    assert by_id["A.9"][3] == "none: not assessed by this bank"
    assert by_id["A.5"][1] == "Secure/Protect"
    assert "indicative" in text and "not a certification" in text
    assert "scored questions map to 3 of the 9" in text


def test_weights_and_upcoming_sections() -> None:
    upcoming = {
        "id": "data-portability",
        "title": "Data portability (Part 6B)",
        "text": "Not in force yet. " + HOSTILE,
        "references": ["PDPA Part 6B"],
    }
    text = render_coverage(make_bank(upcoming=[upcoming]))
    # Shares: acc 5 (acc-mfa alone), bkp 3 (bkp-copy alone): 62.5 and 37.5 of 100 points.
    assert "- **Accounts | logins** (`acc`, weight 5, 62.5 points): Logins first Pipe" in text
    assert "- **Backups** (`bkp`, weight 3, 37.5 points): no reason given" in text
    assert (
        "- `acc-mfa` (weight 10, **critical**, 62.5 points): Most breaches start with a Pipe"
        in text
    )
    assert "- `bkp-copy` (weight 4, 37.5 points): no reason given" in text
    assert "closing any single non-critical question fully. This bank's weights keep it" in text
    assert "`bkp-who` (weight" not in text  # not scored: no weight to explain
    assert "- **Data portability (Part 6B)** (`data-portability`): Not in force yet." in text
    assert "References: PDPA Part 6B" in text
    assert "None listed in this bank." in render_coverage(make_bank())


def test_a_bank_breaking_the_ranking_rule_says_where() -> None:
    # Accounts weighing 2 against backups' 3: closing bkp-copy outranks the critical acc-mfa.
    domains = [
        {"id": "acc", "title": "Accounts", "weight": 2, "description": "A."},
        {"id": "bkp", "title": "Backups", "weight": 3, "description": "B."},
    ]
    text = render_coverage(make_bank(domains=domains))
    assert (
        "This bank's weights do not keep it: question acc-mfa: critical, but closing bkp-copy"
        in text
    )


def test_short_cuts_at_a_word_with_an_ellipsis() -> None:
    assert short("One two three", 50) == "One two three"
    assert short("One  two\nthree", 50) == "One two three"
    assert short("alpha beta gamma delta", 12) == "alpha beta…"
    assert short("x" * 30, 10) == "x" * 9 + "…"


# --- the command ---------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1"}, catch_exceptions=False)


def test_bank_coverage_prints_the_built_in_bank() -> None:
    result = run("bank", "coverage")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == render_coverage(builtin_bank())


def test_bank_coverage_of_a_user_bank_by_id(private_dirs: Path) -> None:
    bank = make_bank()
    folder = locations(None).user_banks
    folder.mkdir(parents=True)
    data = bank.model_dump(exclude_defaults=True)
    (folder / "cover-bank.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    result = run("bank", "coverage", "--bank", "cover-bank")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == render_coverage(bank)


def test_bank_coverage_of_an_unknown_bank_is_an_error() -> None:
    result = run("bank", "coverage", "--bank", "no-such-bank")
    assert result.exit_code != 0
    assert "pdpa-check: error:" in result.stderr
    assert "no-such-bank" in result.stderr
    assert "Traceback" not in result.stderr
