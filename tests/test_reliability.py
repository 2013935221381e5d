"""Reliability catalogue (docs: ecosystem-and-reliability.md, 2.4): R1, R2, R8, R9.

R1 kills the real app under a pseudo-terminal while keys answer questions; R2 kills a
writer in the middle of exports; R8 feeds broken bank and answers files to the CLI
(a corpus and a Hypothesis fuzz); R9 upgrades a database written by the first
release. Small counts by default; `-m long` runs the big budgets. The store-level R1
(a child process saving answers), R3, R6, R7 and R10 are in test_store.py.

Each test prints its figures (kills, acknowledged answers, files tried); run with
`-s` to see them.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import make_fixtures
import pytest
from cli_support import WIDE
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from terminal_support import Terminal, on_a_terminal
from tui_support import TODAY, demo_session, new_session

from pdpa_check.cli import cli
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_toml
from pdpa_check.questionnaires.answers import AnswerKey
from pdpa_check.questionnaires.loader import builtin_bank
from pdpa_check.questionnaires.model import Question
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.services.session import Session
from pdpa_check.store.db import backup_dir, create_database, open_database
from pdpa_check.store.repo import Store
from pdpa_check.tui.widgets.answer_keys import choices, typed

BANK = builtin_bank()


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` from a fresh connection that shares nothing with the app."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def stored_values(path: Path) -> dict[AnswerKey, str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT question_id, system_key, value FROM answers").fetchall()
    finally:
        conn.close()
    return {(q, s): v for q, s, v in rows}


# R1: SIGKILL the app while keys answer questions ----------------------------------------

R1_PROFILE = Profile(
    name="Crash Test Pte Ltd",
    staff_count=6,
    systems=(
        System(key="gmail", kind="email_suite", name="Google Workspace"),
        System(key="shopify", kind="storefront", name="Shopify"),
    ),
)
POSITION = re.compile(r"Question (\d+) of (\d+)")
HUNG_SECONDS = 120  # an app that saves no answer for this long is stuck, not slow


def planned_answer(question: Question, key: AnswerKey) -> tuple[bytes, str]:
    """The keys to press for `key` and the value they must store (always the same per key)."""
    if typed(question):
        return b"u\r", ("unknown" if question.kind == "number" else "u")
    offered = [c for c in choices(question) if c.letter or c.number <= 9]
    pick = offered[zlib.crc32(repr(key).encode()) % len(offered)]
    return (pick.letter or str(pick.number)).encode(), pick.value


@dataclass
class KillStats:
    kills: int = 0
    acknowledged: int = 0
    in_flight: int = 0  # kills that landed between a key press and its acknowledgement
    databases: int = 0
    acked: dict[AnswerKey, str] = field(default_factory=dict)


def open_assessment_db(path: Path) -> int:
    session = new_session(path, R1_PROFILE)
    assessment_id = session.start_assessment().row.id
    session.store.close()
    return assessment_id


def resume_point(conn: sqlite3.Connection, assessment_id: int) -> AnswerKey | None:
    row = conn.execute(
        "SELECT resume_question, resume_system FROM assessments WHERE id = ?", [assessment_id]
    ).fetchone()
    return None if row is None or row[0] is None else (row[0], row[1] or "")


def stored_value(conn: sqlite3.Connection, assessment_id: int, key: AnswerKey) -> str | None:
    row = conn.execute(
        "SELECT value FROM answers WHERE assessment_id = ? AND question_id = ? AND system_key = ?",
        [assessment_id, *key],
    ).fetchone()
    return None if row is None else str(row[0])


def answer_until(
    terminal: Terminal,
    db: Path,
    assessment_id: int,
    stats: KillStats,
    *,
    deadline: float,
    after_key: tuple[int, float] | None = None,
    at_least: int = 0,
) -> None:
    """Press answer keys one at a time until it is time to kill the app.

    That is `deadline`, the last question, or, with `after_key` = (n, delay), `delay`
    seconds after the n-th key press: a kill aimed at the moment the answer is saved.
    An answer counts as acknowledged once a separate connection sees it committed.
    The first `at_least` answers are waited for whatever the time, so a slow machine
    still exercises the kill (only a stuck app, after HUNG_SECONDS, fails the test).
    """
    conn = sqlite3.connect(db, timeout=10)
    presses = acked_before = 0
    hung = time.monotonic() + HUNG_SECONDS

    def time_is_up() -> bool:
        if time.monotonic() >= hung:
            raise AssertionError(f"no answer saved within {HUNG_SECONDS} s: {terminal.text()}")
        return stats.acknowledged - acked_before >= at_least and time.monotonic() >= deadline

    acked_before = stats.acknowledged
    try:
        while not time_is_up():
            match = POSITION.search(terminal.text())
            assert match, terminal.text()
            shown = int(match[1])
            if shown >= int(match[2]):
                return  # the last question: answering it would not move the screen on
            key = resume_point(conn, assessment_id)
            assert key is not None, "the assessment screen did not record where it is"
            keys, value = planned_answer(BANK.question(key[0]), key)
            terminal.press(keys)
            presses += 1
            if after_key is not None and presses == after_key[0]:
                time.sleep(after_key[1])
                if stored_value(conn, assessment_id, key) == value:
                    stats.acked[key] = value
                    stats.acknowledged += 1
                else:
                    stats.in_flight += 1
                return
            while stored_value(conn, assessment_id, key) != value:
                if time_is_up():
                    stats.in_flight += 1
                    return
                terminal.pump(0.003)
            stats.acked[key] = value
            stats.acknowledged += 1
            # Wait until the screen shows the next question before pressing again.
            while (m := POSITION.search(terminal.text())) is None or int(m[1]) == shown:
                if time_is_up():
                    return
                terminal.pump(0.003)
    finally:
        conn.close()


def kill_the_app_while_answering(tmp_path: Path, kills: int, seed: int) -> KillStats:
    rng = random.Random(seed)
    stats = KillStats()
    db, assessment_id, fresh = tmp_path / "r1-0.db", 0, True
    for run in range(kills):
        if fresh:
            stats.databases += 1
            db = tmp_path / f"r1-{stats.databases}.db"
            assessment_id = open_assessment_db(db)
            stats.acked.clear()
            fresh = False
        with on_a_terminal(["--db", str(db)]) as terminal:
            assert terminal.wait_for("Continue"), terminal.text()  # the dashboard, no prompt
            terminal.press(b"c")
            assert terminal.wait_for("Question "), terminal.text()
            match = POSITION.search(terminal.text())
            assert match
            if int(match[1]) > int(match[2]) - 30:
                fresh = True  # nearly answered: the next run starts a new database
            # Half the kills at a random moment, half just after a key press.
            after_key = (rng.randint(1, 12), rng.uniform(0.0, 0.012)) if run % 2 else None
            deadline = time.monotonic() + rng.uniform(0.1, 1.5)
            answer_until(
                terminal,
                db,
                assessment_id,
                stats,
                deadline=deadline,
                after_key=after_key,
                at_least=0 if after_key else 2,  # kills at a random moment follow 2 answers
            )
            terminal.kill()
            assert terminal.process.returncode == -signal.SIGKILL
        stats.kills += 1
        assert integrity(db) == "ok", f"run {run}"
        stored = stored_values(db)
        lost = {key: value for key, value in stats.acked.items() if stored.get(key) != value}
        assert not lost, f"run {run}: acknowledged answers lost or changed: {lost}"
    # The app's own open path takes the last database without any prompt or repair.
    open_database(db).close()
    return stats


def test_r1_sigkill_through_the_app_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    stats = kill_the_app_while_answering(tmp_path, kills=3, seed=20261127)
    assert stats.acknowledged >= 3
    print(f"\nR1 (TUI): {stats.kills} kills, {stats.acknowledged} acknowledged answers, 0 lost")


@pytest.mark.long
def test_r1_sigkill_through_the_app_long(tmp_path: Path) -> None:
    stats = kill_the_app_while_answering(tmp_path, kills=40, seed=4242)
    print(
        f"\nR1 (TUI, long): {stats.kills} kills, {stats.acknowledged} acknowledged answers, "
        f"{stats.in_flight} kills with a key in flight, {stats.databases} databases, 0 lost"
    )


STORE_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from pdpa_check.questionnaires.answers import Answer
    from pdpa_check.store.repo import Store
    from pdpa_check.store.db import open_database

    path, assessment_id, run = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    store = Store(open_database(path), path)
    print("READY", flush=True)
    n = 0
    while True:
        store.save_answer(assessment_id, Answer(question_id=f"{run}-{n}", value="yes"))
        print(f"ACK {n}", flush=True)
        n += 1
    """
)


@pytest.mark.long
def test_r1_sigkill_through_the_store_200_kills(tmp_path: Path) -> None:
    """The catalogue's long budget for the store-level R1 (test_store.py runs 5 kills)."""
    db = tmp_path / "r1-store.db"
    assessment_id = open_assessment_db(db)
    rng = random.Random(200)
    acks = 0
    for run in range(200):
        child = subprocess.Popen(
            [sys.executable, "-c", STORE_CHILD, str(db), str(assessment_id), f"r{run}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline() == "READY\n", child.stderr.read()
        time.sleep(rng.uniform(0.05, 0.5))
        child.kill()
        out, _ = child.communicate(timeout=20)
        acked = {
            f"r{run}-{line.split()[1]}"
            for line in out.splitlines(keepends=True)
            if line.startswith("ACK ") and line.endswith("\n")
        }
        acks += len(acked)
        assert integrity(db) == "ok", f"run {run}"
        stored = {q for q, _ in stored_values(db)}
        assert not acked - stored, f"run {run}: lost {sorted(acked - stored)[:5]}"
    open_database(db).close()
    print(f"\nR1 (store, long): 200 kills, {acks} acknowledged answers, 0 lost")


# R2: SIGKILL while an export is being written ---------------------------------------------

EXPORT_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from pdpa_check.exports.writer import write_atomic

    folder = Path(sys.argv[1])
    versions = [(Path(p).suffix, Path(p).read_text("utf-8")) for p in sys.argv[2:]]
    print("READY", flush=True)
    n = 0
    while True:
        suffix, text = versions[n % len(versions)]
        write_atomic(folder / f"plan{suffix}", text, force=True)
        n += 1
    """
)


def export_versions(tmp_path: Path) -> dict[str, dict[str, str]]:
    """Three complete versions each of a large Markdown and a large TOML plan, by sha256."""
    report = demo_session(tmp_path / "demo.db").report(redact=False)
    markdown, toml = render_markdown(report), render_toml(report)
    versions: dict[str, dict[str, str]] = {".md": {}, ".toml": {}}
    for n in range(3):
        padded = {
            ".md": markdown + "".join(f"\nVersion {n}, paragraph {i}.\n" for i in range(6000)),
            ".toml": toml + "".join(f"# version {n}, padding line {i}\n" for i in range(60000)),
        }
        for suffix, text in padded.items():
            versions[suffix][hashlib.sha256(text.encode()).hexdigest()] = text
    return versions


def parses_completely(suffix: str, text: str) -> bool:
    if suffix == ".toml":
        data = tomllib.loads(text)
        return bool(data.get("plan")) and "organisation" in data
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    heads = [t.tag for t in tokens if t.type == "heading_open"]
    return heads[:1] == ["h1"] and text.rstrip().endswith(".")


def kill_while_exporting(tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    versions = export_versions(tmp_path)
    sources = tmp_path / "sources"
    sources.mkdir()
    paths: list[str] = []
    for n in range(3):
        for suffix, by_hash in versions.items():
            path = sources / f"v{n}{suffix}"
            path.write_text(list(by_hash.values())[n], "utf-8")
            paths.append(str(path))
    folder = tmp_path / "exports"
    folder.mkdir()
    checked: set[str] = set()
    rng = random.Random(seed)
    figures = {"kills": 0, "absent": 0, "complete": 0, "temp files left": 0}
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", EXPORT_CHILD, str(folder), *paths],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == b"READY\n", child.communicate()[1]
        time.sleep(rng.uniform(0.01, 0.4))
        child.kill()
        child.communicate(timeout=20)
        figures["kills"] += 1
        names = {p.name for p in folder.iterdir()}
        strays = {n for n in names - {"plan.md", "plan.toml"} if not _is_temp(n)}
        assert not strays, strays
        for suffix in (".md", ".toml"):
            target = folder / f"plan{suffix}"
            if not target.exists():
                figures["absent"] += 1
                continue
            data = target.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            assert digest in versions[suffix], f"{target.name}: partial ({len(data)} bytes)"
            if digest not in checked:
                assert parses_completely(suffix, data.decode("utf-8"))
                checked.add(digest)
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
            figures["complete"] += 1
    figures["temp files left"] = sum(_is_temp(p.name) for p in folder.iterdir())
    return figures


def _is_temp(name: str) -> bool:
    return re.fullmatch(r"\.pdpa-check-[A-Za-z0-9_]+\.tmp", name) is not None


def test_r2_sigkill_during_export_leaves_old_or_new_never_partial(tmp_path: Path) -> None:
    figures = kill_while_exporting(tmp_path, kills=5, seed=7)
    assert figures["complete"] >= 1
    print(f"\nR2: {figures}")


@pytest.mark.long
def test_r2_sigkill_during_export_long(tmp_path: Path) -> None:
    print(f"\nR2 (long): {kill_while_exporting(tmp_path, kills=200, seed=99)}")


# R8: malformed bank and answers files through the CLI ---------------------------------------

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
why = "Because it matters."
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


def swap(old: str, new: str, text: str = MINI_BANK) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_no(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def run_cli(*args: str | Path) -> Result:
    """`pdpa-check ARGS` in-process; an exception other than SystemExit is kept, not raised."""
    return CliRunner().invoke(cli, [str(a) for a in args], env=WIDE)


def assert_refused(result: Result, path: Path, *fragments: str) -> None:
    """Exit 2, a message that starts with the file's name, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.stderr.startswith(str(path)), result.stderr[:500]
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr[:500])


def syntax_place(text: str, needle: str) -> str:
    return f":{line_no(text, needle)}:"


BANK_CASES: dict[str, tuple[bytes, str]] = {
    # name: (file bytes, what the first message must contain after the file name)
    "nul byte": (
        swap("Because it matters.", "Because\x00 it matters.").encode(),
        syntax_place(MINI_BANK, "Because it matters."),
    ),
    "truncated mid-string": (
        MINI_BANK[: MINI_BANK.index("The only domain.") + 5].encode(),
        syntax_place(MINI_BANK, "The only domain."),
    ),
    "duplicate key": (
        swap("weight = 3\n", "weight = 3\nweight = 4\n").encode(),
        f":{line_no(MINI_BANK, 'weight = 3') + 1}:",
    ),
    "duplicate table": (
        (MINI_BANK + "\n[meta]\nowner = 'x'\n\n[meta]\nowner = 'y'\n").encode(),
        f":{len(MINI_BANK.splitlines()) + 5}:",
    ),
    "unknown schema_version": (
        ("schema_version = 2\n" + MINI_BANK).encode(),
        ": schema_version: ",
    ),
    "invalid UTF-8": (
        MINI_BANK.encode().replace(b"Mini bank", b"Mini \xffank"),
        ": not valid UTF-8",
    ),
    "empty": (b"", ": file is empty"),
    "BOM only": (b"\xef\xbb\xbf", ": file is empty"),
    "duplicate question id": (
        swap('id = "q-choice"', 'id = "q-yes"').encode(),
        ": question q-yes: duplicate id",
    ),
    "typo'd field": (swap("weight = 3", "wieght = 3").encode(), ": question q-yes: wieght: "),
    "weight out of range": (
        swap("weight = 3", "weight = 11").encode(),
        ": question q-yes: weight: ",
    ),
    "wrong type": (swap("weight = 3", 'weight = "3"').encode(), ": question q-yes: weight: "),
}


@pytest.mark.parametrize(
    "case",
    [c for c in sorted(BANK_CASES)],
)
def test_r8_bank_validate_refuses_each_broken_file(case: str, tmp_path: Path) -> None:
    data, place = BANK_CASES[case]
    path = tmp_path / "broken bank.toml"
    path.write_bytes(data)
    result = run_cli("bank", "validate", path)
    assert_refused(result, path, str(path) + place)
    assert "problem(s) found" in result.stderr.splitlines()[-1]


def test_r8_bank_with_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI_BANK.encode())
    result = run_cli("bank", "validate", path)
    assert result.exit_code == 0, result.output
    assert "1 file(s) OK" in result.stdout


def big_bank(questions: int) -> str:
    head = MINI_BANK[: MINI_BANK.index("[[questions]]")]
    body = "".join(
        f'[[questions]]\nid = "q-{n:05d}"\ndomain = "dom"\nkind = "yes_no"\n'
        f'text = "Question {n}?"\nwhy = "Because."\nweight = {n % 10 + 1}\nactions = ["act"]\n\n'
        for n in range(questions)
    )
    return head + body + MINI_BANK[MINI_BANK.index("[[actions]]") :]


def test_r8_ten_thousand_questions(tmp_path: Path) -> None:
    """Validates (or would be refused with a message); the time is reported, not asserted."""
    path = tmp_path / "big.toml"
    path.write_text(big_bank(10_000))
    started = time.perf_counter()
    result = run_cli("bank", "validate", path)
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output[:500]
    assert "1 file(s) OK" in result.stdout
    broken = tmp_path / "big-broken.toml"
    broken.write_text(big_bank(10_000).replace('weight = 4\nactions = ["act"]', "weight = 11", 1))
    started = time.perf_counter()
    refused = run_cli("bank", "validate", broken)
    took_refused = time.perf_counter() - started
    assert_refused(refused, broken, ": question q-00003: weight: ")
    print(f"\nR8: 10,000-question bank validated in {took:.2f} s, refused in {took_refused:.2f} s")


# Answers files ----------------------------------------------------------------------------


@pytest.fixture
def org_db(tmp_path: Path) -> Path:
    """A database with a 6-person shop and two systems, and no assessment yet."""
    db = tmp_path / "data" / "answers.db"
    session = new_session(db, R1_PROFILE)
    session.store.close()
    return db


def exported_answers(db: Path, folder: Path) -> str:
    path = folder / "exported.toml"
    result = run_cli("--db", db, "answers", "export", path)
    assert result.exit_code == 0, result.output
    return path.read_text("utf-8")


def answer_rows(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM answers ORDER BY 1, 2, 3").fetchall()
    finally:
        conn.close()


def filled(template: str) -> str:
    """The exported file with the first three questions answered."""
    text = template
    for value in ('"yes"', '"no"', '"unknown"'):
        text = text.replace('value = ""', f"value = {value}", 1)
    return text


def set_value(text: str, question: str, raw: str) -> str:
    """`text` with the value of `question`'s entry set to the TOML `raw`."""
    at = text.index(f'question = "{question}"')
    end = text.index('value = ""', at) + len('value = ""')
    return text[:at] + text[at:end].replace('value = ""', f"value = {raw}") + text[end:]


def answers_cases(template: str) -> dict[str, tuple[bytes, str]]:
    good = filled(template)
    first_value = 'value = "yes"'
    entry_end = good.index("\n\n", good.index("[[answers]]"))
    first_entry = good[good.index("[[answers]]") : entry_end]
    return {
        "nul byte": (
            good.replace('note = ""', 'note = "a\x00b"', 1).encode(),
            syntax_place(good.replace('note = ""', 'note = "a\x00b"', 1), "a\x00b"),
        ),
        "truncated mid-string": (
            good[: good.index(first_value) + 10].encode(),
            syntax_place(good, first_value),
        ),
        "duplicate key": (
            good.replace(first_value, f"{first_value}\n{first_value}", 1).encode(),
            f":{line_no(good, first_value) + 1}:",
        ),
        "duplicate table": (
            good.replace(
                "[[answers]]", "[meta]\na = 1\n\n[meta]\nb = 2\n\n[[answers]]", 1
            ).encode(),
            f":{line_no(good, '[[answers]]') + 3}:",
        ),
        "unknown format_version": (
            good.replace("format_version = 4", "format_version = 5").encode(),
            ": format_version: ",
        ),
        "wrong format": (
            good.replace('"pdpa-check-answers"', '"pdpa-check-plan"').encode(),
            ": format: ",
        ),
        "invalid UTF-8": (good.encode().replace(b"format", b"f\xffrmat", 1), ": not valid UTF-8"),
        "empty": (b"", ": file is empty"),
        "answered twice": (
            good.replace(first_entry, first_entry + "\n\n" + first_entry, 1).encode(),
            ": answers[1] ",
        ),
        "typo'd field": (
            good.replace(first_value, 'vaule = "yes"', 1).encode(),
            ": answers[0] ",
        ),
        "out of range": (
            set_value(good, "lvr-days-to-remove", "99999").encode(),
            '(question "lvr-days-to-remove"): value: must be between',
        ),
        "wrong type": (good.replace(first_value, "value = [1]", 1).encode(), ": answers[0] "),
        "unknown question": (
            good.replace('question = "', 'question = "no-such-', 1).encode(),
            "no such question",
        ),
    }


def test_r8_answers_import_refuses_each_broken_file(org_db: Path, tmp_path: Path) -> None:
    template = exported_answers(org_db, tmp_path)
    assert 'value = "unknown"' not in template
    good = tmp_path / "good.toml"
    good.write_text(filled(template), "utf-8")
    before = answer_rows(org_db)
    tried = 0
    for case, (data, place) in answers_cases(template).items():
        if case == "truncated mid-string":
            continue  # test_r8_answers_file_cut_off_inside_a_string_names_its_place
        path = tmp_path / f"answers {tried}.toml"
        path.write_bytes(data)
        result = run_cli("--db", org_db, "answers", "import", path)
        assert_refused(result, path, place)
        assert result.stderr.splitlines()[-1].startswith("pdpa-check: error: "), case
        assert answer_rows(org_db) == before, case
        tried += 1
    # The unbroken file imports, also with a BOM in front.
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    imported = run_cli("--db", org_db, "answers", "import", bom, "--yes")
    assert imported.exit_code == 0, imported.output
    assert len(answer_rows(org_db)) == 3
    print(f"\nR8: {tried} broken answers files refused, {len(BANK_CASES)} broken banks refused")


def test_r8_answers_file_cut_off_inside_a_string_names_its_place(
    org_db: Path, tmp_path: Path
) -> None:
    data, place = answers_cases(exported_answers(org_db, tmp_path))["truncated mid-string"]
    path = tmp_path / "cut.toml"
    path.write_bytes(data)
    result = run_cli("--db", org_db, "answers", "import", path)
    assert_refused(result, path, str(path) + place)


def test_r8_answers_file_with_ten_thousand_entries(org_db: Path, tmp_path: Path) -> None:
    template = exported_answers(org_db, tmp_path)
    header = template[: template.index("[[answers]]")]
    entries = "".join(
        f'[[answers]]\nquestion = "q-{n:05d}"\nvalue = "yes"\n\n' for n in range(10_000)
    )
    path = tmp_path / "big.toml"
    path.write_text(header + entries, "utf-8")
    started = time.perf_counter()
    result = run_cli("--db", org_db, "answers", "import", path)
    took = time.perf_counter() - started
    # The first 50 problems are listed, then a count of the rest (issue 13).
    assert_refused(result, path, 'answers[49] (question "q-00049"): question: no such question')
    assert "answers[50]" not in result.stderr
    assert "... and 9950 more problem(s)" in result.stderr
    assert "10000 problem(s) found" in result.stderr
    assert answer_rows(org_db) == []
    print(f"\nR8: 10,000-entry answers file refused in {took:.2f} s")


USER_LISTS = Path(__file__).parent / "fixtures" / "user_lists"


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("edge/bad-generic-ragged-row.csv", ":3: 6 cells but the header has 4"),
        ("edge/bad-generic-values.csv", ':3: mfa: "maybe" is not yes, no or unknown'),
        ("edge/bad-google-blank-template.csv", ":1: "),
        ("edge/bad-unknown-header.csv", ":1: not a user list this tool knows"),
        ("edge/bad-xlsx-renamed.csv", ": this is a spreadsheet workbook"),
        ("entra-users-download.csv", ":1: not a user list this tool knows"),
    ],
)
def test_r8_evidence_import_refuses_each_broken_list(
    org_db: Path, tmp_path: Path, name: str, place: str
) -> None:
    before = answer_rows(org_db)
    path = tmp_path / Path(name).name
    path.write_bytes((USER_LISTS / name).read_bytes())
    result = run_cli("--db", org_db, "evidence", "import", "--system", "shopify", "--yes", path)
    assert_refused(result, path, str(path) + place)
    assert result.stderr.splitlines()[-1].startswith("pdpa-check: error: ")
    assert answer_rows(org_db) == before


# The fuzz ---------------------------------------------------------------------------------


@dataclass
class FuzzTally:
    cases: int = 0
    refused: int = 0
    accepted: int = 0

    def __str__(self) -> str:
        return f"{self.cases} cases: {self.refused} refused (exit 2), {self.accepted} still valid"


def check_cli_on(data: bytes, path: Path, args: tuple[str | Path, ...], tally: FuzzTally) -> None:
    """Exit 0 (still valid) or 2 with the file named first; never an unhandled exception."""
    path.write_bytes(data)
    result = run_cli(*args, path)
    tally.cases += 1
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        tally.accepted += 1
        return
    tally.refused += 1
    assert result.exit_code == 2, (result.exit_code, result.output[:500])
    assert result.stderr.startswith(str(path)), result.stderr[:500]


def mutate(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    """Byte-level edits: delete a span, insert bytes, overwrite, truncate, duplicate a line."""
    out = bytearray(data)
    for action, at, piece in edits:
        at %= len(out) or 1
        if action == "delete":
            del out[at : at + len(piece) + 1]
        elif action == "insert":
            out[at:at] = piece
        elif action == "overwrite":
            out[at : at + len(piece)] = piece
        elif action == "truncate":
            del out[at:]
        else:  # duplicate the line at `at`
            start = out.rfind(b"\n", 0, at) + 1
            end = out.find(b"\n", at)
            end = len(out) if end < 0 else end + 1
            out[start:start] = out[start:end]
    return bytes(out)


PIECES = st.sampled_from(
    [
        *(b"\x00", b"\xff", b"\xef\xbb\xbf", b'"', b"'", b"[", b"]]", b"=", b"\n", b"#", b"\\"),
        *(b"[[questions]]", b"[[answers]]", b'value = "yes"', b"weight = 11", b"\xe2\x80\xae"),
    ]
) | st.binary(max_size=8)
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "overwrite", "truncate", "duplicate"]),
        st.integers(min_value=0, max_value=1 << 20),
        PIECES,
    ),
    min_size=1,
    max_size=5,
)


def fuzz(
    path: Path, args: tuple[str | Path, ...], valid: bytes, examples: int
) -> tuple[FuzzTally, FuzzTally]:
    """Random bytes, then mutations of `valid`, each given to `pdpa-check ARGS FILE`."""
    budget = settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    random_bytes, mutated = FuzzTally(), FuzzTally()

    @budget
    @given(data=st.binary(max_size=600))
    def random_files(data: bytes) -> None:
        check_cli_on(data, path, args, random_bytes)

    @budget
    @given(edits=EDITS)
    def mutated_files(edits: list[tuple[str, int, bytes]]) -> None:
        check_cli_on(mutate(valid, edits), path, args, mutated)

    random_files()
    mutated_files()
    return random_bytes, mutated


def fuzz_bank_validate(tmp_path: Path, examples: int) -> None:
    path = tmp_path / "fuzz bank.toml"
    random_bytes, mutated = fuzz(path, ("bank", "validate"), MINI_BANK.encode(), examples)
    assert mutated.refused > 0
    print(f"\nR8 fuzz, bank validate: random bytes {random_bytes}; mutated bank {mutated}")


def fuzz_answers_import(org_db: Path, tmp_path: Path, examples: int) -> None:
    valid = filled(exported_answers(org_db, tmp_path)).encode()
    path = tmp_path / "fuzz answers.toml"
    args: tuple[str | Path, ...] = ("--db", org_db, "answers", "import", "--yes")
    random_bytes, mutated = fuzz(path, args, valid, examples)
    assert mutated.refused > 0
    print(f"\nR8 fuzz, answers import: random bytes {random_bytes}; mutated file {mutated}")


def fuzz_evidence_import(org_db: Path, tmp_path: Path, examples: int) -> None:
    valid = (USER_LISTS / "generic-extended.csv").read_bytes()
    path = tmp_path / "fuzz users.csv"
    args: tuple[str | Path, ...] = ("--db", org_db, "evidence", "import", "--system", "shopify")
    random_bytes, mutated = fuzz(path, (*args, "--yes"), valid, examples)
    assert mutated.refused > 0
    print(f"\nR8 fuzz, evidence import: random bytes {random_bytes}; mutated file {mutated}")


def test_r8_fuzz_bank_validate(tmp_path: Path) -> None:
    fuzz_bank_validate(tmp_path, examples=40)


def test_r8_fuzz_answers_import(org_db: Path, tmp_path: Path) -> None:
    fuzz_answers_import(org_db, tmp_path, examples=40)


def test_r8_fuzz_evidence_import(org_db: Path, tmp_path: Path) -> None:
    fuzz_evidence_import(org_db, tmp_path, examples=40)


@pytest.mark.long
def test_r8_fuzz_evidence_import_long(org_db: Path, tmp_path: Path) -> None:
    fuzz_evidence_import(org_db, tmp_path, examples=2500)


@pytest.mark.long
def test_r8_fuzz_bank_validate_long(tmp_path: Path) -> None:
    fuzz_bank_validate(tmp_path, examples=2500)


@pytest.mark.long
def test_r8_fuzz_answers_import_long(org_db: Path, tmp_path: Path) -> None:
    fuzz_answers_import(org_db, tmp_path, examples=2500)


# R9: upgrade from the first released schema --------------------------------------------

V01_TABLES = {
    # table: (columns as in 0001_initial, order)
    "organisations": ("id, name, staff_count, sector, created_at", "id"),
    "systems": ("id, organisation_id, key, kind, name", "id"),
    "assessments": (
        "id, organisation_id, bank_id, bank_version, started_at, completed_at, carried_from,"
        " score, band",
        "id",
    ),
    "answers": (
        "assessment_id, question_id, system_key, value, note, evidence, answered_at, confirmed_at",
        "assessment_id, question_id, system_key",
    ),
    "plan_items": (
        "id, organisation_id, item_key, status, owner, due_date, risk_reason, risk_accepted_by,"
        " review_date, updated_at",
        "id",
    ),
    "plan_item_events": ("id, plan_item_id, at, field, old, new", "id"),
}


def v01_content(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and a sha256 of every v0.1 column of every v0.1 table."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        content = {}
        for table, (columns, order) in V01_TABLES.items():
            rows = conn.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()
            content[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return content
    finally:
        conn.close()


def applied_steps(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'pdpa-check' ORDER BY id"
        ).fetchall()
        return [row[0] for row in rows]
    finally:
        conn.close()


def schema_of(path: Path) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    """Per table: PRAGMA table_info, index_list (with each index's columns), foreign keys."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        schema = {}
        for table in tables:
            indexes = conn.execute(f"PRAGMA index_list({table})").fetchall()
            schema[table] = {
                "table_info": conn.execute(f"PRAGMA table_info({table})").fetchall(),
                "index_list": sorted((i[1], i[2], i[3], i[4]) for i in indexes),
                "index_info": sorted(
                    (i[1], *c) for i in indexes for c in conn.execute(f"PRAGMA index_info({i[1]})")
                ),
                "foreign_keys": conn.execute(f"PRAGMA foreign_key_list({table})").fetchall(),
            }
        return schema
    finally:
        conn.close()


@pytest.fixture
def v01_db(tmp_path: Path) -> Path:
    fixture = make_fixtures.V01_DB
    assert fixture.exists(), f"{fixture} is missing: run tests/make_fixtures.py"
    db = tmp_path / "data" / "pdpa-check.db"
    db.parent.mkdir(mode=0o700)
    shutil.copyfile(fixture, db)
    db.chmod(0o600)
    return db


def test_r9_fixture_is_the_first_release_with_the_data_make_fixtures_defines(v01_db: Path) -> None:
    assert applied_steps(v01_db) == [make_fixtures.FIRST_STEP]
    conn = sqlite3.connect(f"file:{v01_db}?mode=ro", uri=True)
    try:
        answers = conn.execute(
            "SELECT assessment_id, question_id, system_key, value, note, evidence FROM answers"
        ).fetchall()
        scores = conn.execute("SELECT id, score, band FROM assessments ORDER BY id").fetchall()
        columns = [row[1] for row in conn.execute("PRAGMA table_info(answers)")]
    finally:
        conn.close()
    expected = {(a[0], *answer) for a in make_fixtures.ASSESSMENTS for answer in a[5]}
    assert set(answers) == expected
    assert scores == [(a[0], a[3], a[4]) for a in make_fixtures.ASSESSMENTS]
    assert "carried" not in columns  # a column only later releases have


def test_r9_upgrade_keeps_answers_scores_and_plan(v01_db: Path, tmp_path: Path) -> None:
    before = v01_content(v01_db)
    assert before["answers"][0] == sum(len(a[5]) for a in make_fixtures.ASSESSMENTS)

    open_database(v01_db).close()  # the app's own open: backs up, then migrates

    # Every step applied, nothing of v0.1 changed, the new columns at their defaults.
    fresh = tmp_path / "fresh" / "fresh.db"
    create_database(fresh).close()
    assert applied_steps(v01_db) == applied_steps(fresh)
    assert v01_content(v01_db) == before
    assert schema_of(v01_db) == schema_of(fresh)
    conn = sqlite3.connect(v01_db)
    try:
        assert conn.execute("SELECT count(*) FROM answers WHERE carried != 0").fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM assessments WHERE resume_question IS NOT NULL"
        ).fetchone() == (0,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()

    # The backup taken first is the v0.1 database as it was, private and intact.
    backups = sorted(backup_dir(v01_db).glob("*.db"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert integrity(backups[0]) == "ok"
    assert applied_steps(backups[0]) == [make_fixtures.FIRST_STEP]
    assert v01_content(backups[0]) == before


def test_r9_upgraded_database_is_scored_planned_and_written(v01_db: Path) -> None:
    session = Session(Store(open_database(v01_db), v01_db), None, today=lambda: TODAY)
    try:
        # The recorded scores are what history shows, unchanged.
        assert [(t.row.id, t.score, t.row.band) for t in session.completed()] == [
            (a[0], a[3], a[4]) for a in make_fixtures.ASSESSMENTS
        ]
        assessed = session.assessed()
        assert assessed.assessment.id == 2
        assert 0.0 <= assessed.result.score <= 100.0
        assert assessed.plan.items
        # The answers come back as the app's models, notes and evidence included.
        second = {(q, s): (v, n, e) for q, s, v, n, e in make_fixtures.SECOND_ANSWERS}
        assert {k: (a.value, a.note, a.evidence) for k, a in assessed.answers.items()} == second
        states = session.plan_states()
        assert states["enforce-mfa/hubspot"].status == "in_progress"
        assert states["enforce-mfa/hubspot"].owner == "Raj (vendor)"
        assert states["set-up-log-review"].risk_accepted_by == "Siti (director)"
        assert len(session.store.plan_item_events(1, "set-up-log-review")) == 4
        # Writing works: a new quarter carries the answers forward to confirm.
        q = session.start_assessment()
        assert q.row.carried_from == 2
        assert {slot.key for slot in q.unconfirmed()} == set(second)
        q.answer(q.slots[0], "yes", note="after the upgrade")
    finally:
        session.store.close()
    assert integrity(v01_db) == "ok"
    history = run_cli("--db", v01_db, "history")
    assert history.exit_code == 0, history.output
    # Recorded scores 13.74 and 66.x, shown rounded down like every score.
    assert re.search(r"2025-01-20 .*\b13\b", history.stdout), history.stdout
    assert re.search(r"2025-04-21 .*\b66\b", history.stdout), history.stdout
    plan = run_cli("--db", v01_db, "plan", "--format", "toml", "--assessment", "2")
    assert plan.exit_code == 0, plan.output
    assert tomllib.loads(plan.stdout)["plan"]
    diff = run_cli("--db", v01_db, "diff", "1", "2")
    assert diff.exit_code == 0, diff.output


def test_r9_newer_database_is_refused_by_this_build_through_the_cli(v01_db: Path) -> None:
    """open_database's refusal is in test_store.py; here the command a user runs."""
    open_database(v01_db).close()
    conn = sqlite3.connect(v01_db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ("pdpa-check", "0999_from_a_newer_release", "2030-01-01 00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    before = v01_db.read_bytes()
    for args in (["score"], ["answer", "gov-dpo", "yes"]):
        result = run_cli("--db", v01_db, *args)
        assert result.exit_code == 2, result.output
        assert "newer version of pdpa-check" in result.stderr
        assert "0999_from_a_newer_release" in result.stderr
        assert "Traceback" not in result.output
    assert v01_db.read_bytes() == before


def test_make_fixtures_is_deterministic_and_matches_the_committed_fixture(
    v01_db: Path, tmp_path: Path
) -> None:
    """Two builds are byte-identical, and hold what the committed file holds."""
    first = make_fixtures.built_bytes()
    assert make_fixtures.built_bytes() == first
    path = tmp_path / "rebuilt.db"
    path.write_bytes(first)
    assert v01_content(path) == v01_content(v01_db)  # a copy: the fixture is never opened


def test_r2_leftovers_of_a_killed_write_are_removed_by_the_next_export(tmp_path: Path) -> None:
    import time as clock

    from pdpa_check.exports.writer import write_atomic

    stale = tmp_path / ".pdpa-check-abc123.tmp"
    stale.write_text("half a file")
    old = clock.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".pdpa-check-def456.tmp"  # maybe another write in progress
    fresh.write_text("being written")
    other = tmp_path / "notes.tmp"
    other.write_text("not ours")
    os.utime(other, (old, old))
    write_atomic(tmp_path / "plan.md", "# Plan\n")
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    assert (tmp_path / "plan.md").read_text() == "# Plan\n"
