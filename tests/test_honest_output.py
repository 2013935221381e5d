"""Issue 13, items 5 and 8: history without its bank file, honest output about the demo,
and a cleaner that removes every invisible format character.

Each test here failed before the fix it covers.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from pdpa_check.cli import cli
from pdpa_check.text import CF_RANGES, INVISIBLE_OTHER, KEPT_FORMAT, clean, clean_name, for_output

WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}


def invoke(*args: str | Path) -> Result:
    """`pdpa-check ARGS` in-process (stdout is not a terminal, as in a script)."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=WIDE, catch_exceptions=False)


def ok(*args: str | Path) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def assert_one_line_error(result: Result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pdpa-check: error: "), result.stderr
    for fragment in fragments:
        assert fragment in last, (fragment, result.stderr)


# --- the cleaner: every format (Cf) character but the zero-width joiner ---------------------


def _all_format_characters() -> list[int]:
    """Every code point Python's Unicode database puts in category Cf (a full scan)."""
    return [cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]


FORMAT_CHARACTERS = _all_format_characters()
STRIPPED_FORMAT = [cp for cp in FORMAT_CHARACTERS if chr(cp) != KEPT_FORMAT]


def _in_ranges(cp: int) -> bool:
    return any(first <= cp <= last for first, last in CF_RANGES)


def test_the_precomputed_ranges_match_this_pythons_unicode_database() -> None:
    # A Python whose Unicode adds a Cf character fails here, loudly, until CF_RANGES has it.
    missing = [f"U+{cp:04X}" for cp in FORMAT_CHARACTERS if not _in_ranges(cp)]
    assert not missing, f"Cf characters missing from text.CF_RANGES: {missing}"
    # The ranges hold nothing else: a code point is Cf here, or not yet assigned
    # (a newer Unicode's Cf listed ahead of this Python).
    extra = [
        f"U+{cp:04X}"
        for first, last in CF_RANGES
        for cp in range(first, last + 1)
        if unicodedata.category(chr(cp)) not in ("Cf", "Cn")
    ]
    assert not extra, f"text.CF_RANGES lists characters that are not format characters: {extra}"


@settings(max_examples=400, deadline=None)
@given(cp=st.sampled_from(STRIPPED_FORMAT))
def test_every_format_character_but_zwj_is_removed(cp: int) -> None:
    assert clean(f"a{chr(cp)}b") == "ab"
    assert for_output(f"a{chr(cp)}b") == "ab"
    assert clean_name(f"Kopi{chr(cp)} Shop") == "Kopi Shop"


def test_the_whole_format_category_is_removed_at_once() -> None:
    # The property test samples; this checks every one of them in one string.
    text = "".join(f"a{chr(cp)}" for cp in STRIPPED_FORMAT)
    assert clean(text, max_chars=10**6) == "a" * len(STRIPPED_FORMAT)
    assert for_output(text) == "a" * len(STRIPPED_FORMAT)


@pytest.mark.parametrize(
    "char",
    ["\U000e0041", "\U000e0001", "\U000e007f", "\u061c", "\u00ad", "\u180e", "\u2061",
     "\u2064", "\ufff9", "\ufffb", "\U000110bd", "\u206a", "\u0600"],
)  # fmt: skip
def test_named_hiding_characters_are_removed(char: str) -> None:
    assert clean(f"a{char}b") == "ab"
    assert for_output(f"a{char}b") == "ab"


@pytest.mark.parametrize("char", list(INVISIBLE_OTHER))
def test_hangul_fillers_and_the_grapheme_joiner_are_removed(char: str) -> None:
    assert clean(f"a{char}b") == "ab"
    assert for_output(f"a{char}b") == "ab"
    assert clean_name(f"{char}{char}") == ""


@pytest.mark.parametrize(
    "emoji",
    [
        "\U0001f469\u200d\U0001f4bb",  # woman technologist
        "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # family
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag (variation selector kept too)
    ],
)
def test_emoji_zwj_sequences_survive(emoji: str) -> None:
    assert clean(f"team {emoji}!") == f"team {emoji}!"
    assert for_output(f"team {emoji}!") == f"team {emoji}!"


def test_a_hidden_tag_message_does_not_reach_the_database_or_any_output(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
    name = f"Kopi{hidden}\u061c Sh\u00adop"
    ok("--db", db, "org", "create", name, "--staff", "4")

    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT name FROM organisations").fetchall()
    finally:
        conn.close()
    assert stored == [("Kopi Shop",)]

    listed = ok("--db", db, "org", "list").stdout
    table = [line for line in listed.splitlines() if line.strip()]
    assert len({len(line) for line in table}) == 1, listed  # every row lines up
    assert "Kopi Shop" in listed

    ok("--db", db, "assessment", "start")
    markdown = ok("--db", db, "plan", "--format", "md").stdout
    assert "Kopi Shop" in markdown
    assert not re.search("[\U000e0000-\U000e007f\u061c\u00ad]", markdown)


# --- honest output about the demo -----------------------------------------------------------

DEMO_NAME = "Kampong Threads Pte Ltd"


@pytest.fixture
def demo_only() -> None:
    """The demo database built, and no database of the owner's own."""
    ok("demo")


@pytest.fixture
def own_db(tmp_path: Path) -> Path:
    """A database of the owner's own with an open assessment."""
    db = tmp_path / "own" / "x.db"
    ok("--db", db, "org", "create", "Kopi Shop", "--staff", "4", "--system", "storefront:Shopify")
    ok("--db", db, "assessment", "start")
    return db


@pytest.mark.parametrize(
    "command",
    [
        ("score", "--json"),
        ("score",),
        ("plan", "--format", "json"),
        ("plan", "--format", "md"),
        ("plan", "--format", "toml", "--for-vendor"),
        ("history",),
        ("org", "list"),
        ("diff",),
    ],
)
def test_a_script_with_no_database_of_its_own_is_refused(
    demo_only: None, command: tuple[str, ...]
) -> None:
    # CliRunner's stdout is not a terminal: a script must not get the demo without asking.
    result = invoke(*command)
    assert_one_line_error(
        result, 2, "no database of your own yet", "pdpa-check org create NAME", "--demo"
    )
    assert result.stdout == ""


def test_on_a_terminal_the_demo_is_still_shown_and_the_data_says_so(
    demo_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdpa_check.cli import base

    monkeypatch.setattr(base, "stdout_is_terminal", lambda: True)
    result = ok("score", "--json")
    assert "Showing the demo organisation" in result.stderr
    data = json.loads(result.stdout)
    assert data["demo"] is True
    assert data["organisation"]["name"] == DEMO_NAME


def test_score_json_on_the_demo_says_it_is_the_demo() -> None:
    data = json.loads(ok("--demo", "score", "--json").stdout)
    assert data["demo"] is True
    assert data["organisation"]["name"] == DEMO_NAME
    assert next(iter(data)) == "demo"  # first, where a reader looks


def test_plan_json_and_toml_on_the_demo_say_it_is_the_demo() -> None:
    data = json.loads(ok("--demo", "plan", "--format", "json").stdout)
    assert data["demo"] is True
    assert data["organisation"]["name"] == DEMO_NAME
    toml_data = tomllib.loads(ok("--demo", "plan", "--format", "toml").stdout)
    assert toml_data["demo"] is True
    assert toml_data["organisation"]["name"] == DEMO_NAME


def test_the_markdown_plan_of_the_demo_says_so_near_the_top() -> None:
    markdown = ok("--demo", "plan", "--format", "md").stdout
    head = markdown.split("\n## ", 1)[0]  # before the first section
    assert "built-in demo organisation, not your business" in head
    assert "pdpa-check org create NAME" in head


def test_the_vendor_file_of_the_demo_says_so_and_still_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "vendor.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", out)
    data = tomllib.loads(out.read_text())
    assert data["demo"] is True
    assert data["organisation"] == DEMO_NAME
    result = ok("--demo", "plan", "import", out, "--yes")  # the key is part of the format
    assert "nothing to change" in result.stdout


def test_outside_the_demo_the_data_says_it_is_not_the_demo(own_db: Path, tmp_path: Path) -> None:
    assert json.loads(ok("--db", own_db, "score", "--json").stdout)["demo"] is False
    assert json.loads(ok("--db", own_db, "plan", "--format", "json").stdout)["demo"] is False
    assert tomllib.loads(ok("--db", own_db, "plan", "--format", "toml").stdout)["demo"] is False
    markdown = ok("--db", own_db, "plan", "--format", "md").stdout
    assert "demo" not in markdown.lower()
    out = tmp_path / "vendor.toml"
    ok("--db", own_db, "plan", "--format", "toml", "--for-vendor", "-o", out)
    assert "demo" not in tomllib.loads(out.read_text())  # absent, not false, in the vendor file


def test_the_apps_session_on_the_demo_exports_say_so(tmp_path: Path) -> None:
    from pdpa_check.demo import build_demo
    from pdpa_check.exports import render_json, render_markdown
    from pdpa_check.session import Session
    from pdpa_check.store import Store, open_database

    db = tmp_path / "demo.db"
    build_demo(db, None)
    session = Session(Store(open_database(db), db), None, demo=True)
    try:
        report = session.report(redact=False)
        assert report.demo is True
        assert json.loads(render_json(report))["demo"] is True
        assert "built-in demo organisation" in render_markdown(report)
        assert tomllib.loads(session.vendor_file())["demo"] is True
    finally:
        session.store.close()
