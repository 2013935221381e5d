"""Issue 13, items 5 and 8: history without its bank file, honest output about the demo,
and a cleaner that removes every invisible format character.

Each test here failed before the fix it covers.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
import tomllib
import unicodedata
from pathlib import Path

import pytest
from cli_support import invoke, ok
from click.testing import Result

from pdpa_check.support.text import (
    CF_RANGES,
    INVISIBLE_OTHER,
    KEPT_FORMAT,
    clean,
    clean_name,
    for_output,
)


def assert_one_line_error(result: Result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pdpa-check: error: "), result.stderr
    for fragment in fragments:
        assert fragment in last, (fragment, result.stderr)


# --- the cleaner: every format (Cf) character but the zero-width joiner ---------------------


@functools.cache
def format_characters() -> list[int]:
    """Every code point Python's Unicode database puts in category Cf (a full scan, made
    by the first test that needs it rather than by every test process as it collects)."""
    return [cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]


def stripped_format() -> list[int]:
    """The format characters the cleaner removes: all but the zero-width joiner."""
    return [cp for cp in format_characters() if chr(cp) != KEPT_FORMAT]


def _in_ranges(cp: int) -> bool:
    return any(first <= cp <= last for first, last in CF_RANGES)


def test_the_precomputed_ranges_match_this_pythons_unicode_database() -> None:
    # A Python whose Unicode adds a Cf character fails here, loudly, until CF_RANGES has it.
    missing = [f"U+{cp:04X}" for cp in format_characters() if not _in_ranges(cp)]
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


def test_every_format_character_but_zwj_is_removed() -> None:
    # Every one of them, one at a time (this was a 400-example sample of the same set).
    for cp in stripped_format():
        assert clean(f"a{chr(cp)}b") == "ab", f"U+{cp:04X}"
        assert for_output(f"a{chr(cp)}b") == "ab", f"U+{cp:04X}"
        assert clean_name(f"Kopi{chr(cp)} Shop") == "Kopi Shop", f"U+{cp:04X}"


def test_the_whole_format_category_is_removed_at_once() -> None:
    # The test above takes them one at a time; this checks all of them in one string.
    stripped = stripped_format()
    text = "".join(f"a{chr(cp)}" for cp in stripped)
    assert clean(text, max_chars=10**6) == "a" * len(stripped)
    assert for_output(text) == "a" * len(stripped)


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
    from pdpa_check.exports.markdown import render_markdown
    from pdpa_check.exports.structured import render_json
    from pdpa_check.services.demo import build_demo
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import open_database
    from pdpa_check.store.repo import Store

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


# --- assessments readable without their bank file -------------------------------------------

MISSING_BANK = "question bank 'my-bank' is not installed"


def _install_my_bank() -> Path:
    """A user bank (the built-in one under another id) in the user banks folder."""
    from pdpa_check.questionnaires.loader import builtin_bank_path
    from pdpa_check.support.paths import locations

    banks = locations().user_banks
    banks.mkdir(parents=True, exist_ok=True)
    path = banks / "my-bank.toml"
    text = builtin_bank_path().read_text("utf-8")
    path.write_text(text.replace('id = "pdpa-sme-starter"', 'id = "my-bank"', 1), "utf-8")
    return path


@pytest.fixture
def my_bank_db(tmp_path: Path) -> tuple[Path, Path]:
    """Two completed assessments answered with a user bank: (database, bank file)."""
    bank_file = _install_my_bank()
    db = tmp_path / "mine" / "x.db"
    ok("--db", db, "org", "create", "Kopi Shop", "--staff", "4", "--system", "storefront:Shopify")
    ok("--db", db, "assessment", "start", "--bank", "my-bank")
    ok("--db", db, "answer", "acc-mfa", "no", "--system", "shopify")
    ok("--db", db, "assessment", "complete")
    ok("--db", db, "assessment", "start", "--bank", "my-bank")
    ok("--db", db, "answer", "acc-mfa", "yes", "--system", "shopify")
    ok("--db", db, "answer", "gov-dpo", "yes")
    ok("--db", db, "assessment", "complete")
    return db, bank_file


def _break(bank_file: Path, how: str) -> None:
    if how == "removed":
        bank_file.unlink()
    else:
        bank_file.write_text('id = "my-bank"\nversion = [\n', "utf-8")


def _warning_line(result: Result, bank_file: Path, how: str) -> None:
    """Exactly one warning line on stderr naming the file (said once, however often loaded)."""
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, result.stderr
    (line,) = warnings
    assert line.startswith("pdpa-check: warning: question bank 'my-bank' ")
    assert str(bank_file) in line
    assert ("no longer installed" if how == "removed" else "broken") in line
    assert "using the copy of version" in line


@pytest.mark.parametrize("how", ["removed", "broken"])
def test_score_plan_diff_and_history_work_without_the_bank_file(
    my_bank_db: tuple[Path, Path], how: str
) -> None:
    db, bank_file = my_bank_db
    before_score = json.loads(ok("--db", db, "score", "--json").stdout)
    before_plan = ok("--db", db, "plan", "--format", "md").stdout
    before_diff = ok("--db", db, "diff").stdout
    _break(bank_file, how)

    score = ok("--db", db, "score", "--json")
    _warning_line(score, bank_file, how)
    assert json.loads(score.stdout)["score"] == before_score["score"]
    assert json.loads(score.stdout)["assessment"]["bank_id"] == "my-bank"

    plan = ok("--db", db, "plan", "--format", "md")
    _warning_line(plan, bank_file, how)
    assert plan.stdout == before_plan

    diff = ok("--db", db, "diff")
    _warning_line(diff, bank_file, how)
    assert diff.stdout == before_diff

    history = ok("--db", db, "history")
    assert "my-bank" in history.stdout
    assert MISSING_BANK not in history.stderr

    text_score = ok("--db", db, "score")
    _warning_line(text_score, bank_file, how)
    assert "Readiness score" in text_score.stdout


def test_a_new_assessment_still_needs_the_bank_file(my_bank_db: tuple[Path, Path]) -> None:
    db, bank_file = my_bank_db
    bank_file.unlink()
    result = invoke("--db", db, "assessment", "start", "--bank", "my-bank")
    assert_one_line_error(result, 2, MISSING_BANK)


def test_with_no_stored_copy_either_the_old_error_stays(my_bank_db: tuple[Path, Path]) -> None:
    db, bank_file = my_bank_db
    bank_file.unlink()
    conn = sqlite3.connect(db)
    try:
        conn.execute("DELETE FROM bank_versions WHERE bank_id = 'my-bank'")
        conn.commit()
    finally:
        conn.close()
    assert_one_line_error(invoke("--db", db, "score"), 2, MISSING_BANK)


@pytest.mark.parametrize("how", ["removed", "broken"])
def test_the_apps_session_uses_the_stored_copy_and_warns(
    my_bank_db: tuple[Path, Path], how: str
) -> None:
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import open_database
    from pdpa_check.store.repo import Store
    from pdpa_check.support.paths import locations

    db, bank_file = my_bank_db
    _break(bank_file, how)
    said: list[str] = []
    session = Session(Store(open_database(db), db), locations().user_banks, warn=said.append)
    try:
        assessed = session.assessed()
        assert assessed.bank.id == "my-bank"
        assert assessed.result.answered >= 2
        assert session.report(redact=False).bank.id == "my-bank"
        first, _ = session.assessments()
        assert session.assessed(first).bank.id == "my-bank"  # history: every assessment opens
        assert session.since_last(assessed, session.plan_states())  # compared with the one before
        assert session.vendor_file().startswith("# pdpa-check")
    finally:
        session.store.close()
    assert said and all(str(bank_file) in message for message in said)


@pytest.mark.parametrize("how", ["removed", "broken"])
async def test_the_app_opens_on_the_stored_copy_and_shows_a_warning(
    my_bank_db: tuple[Path, Path], how: str, tmp_path: Path
) -> None:
    from tui_support import make_app

    from pdpa_check.services.session import Session
    from pdpa_check.store.db import open_database
    from pdpa_check.store.repo import Store
    from pdpa_check.support.paths import locations
    from pdpa_check.tui.screens.dashboard import DashboardScreen

    db, bank_file = my_bank_db
    _break(bank_file, how)
    session = Session(Store(open_database(db), db), locations().user_banks)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        app.go("history")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = list(app._notifications)
        messages = [n.message for n in shown]
        warned = [n for n in shown if "using the copy" in n.message]
        assert len(warned) == 1, messages  # said once, however many screens load the bank
        assert warned[0].severity == "warning"
        assert str(bank_file) in warned[0].message
        assert not [n for n in shown if n.severity == "error"], messages
