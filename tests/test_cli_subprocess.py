"""The `pdpa-check` command line as real processes: help, import cost, crash handling.

Each run is `python -m pdpa_check ...` with the private XDG folders of the
autouse `private_dirs` fixture in its environment and no terminal attached.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pdpa_check.services.demo import build_demo
from pdpa_check.support.paths import locations


def run(
    *args: str, cwd: Path, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PYTHONDEVMODE", None)
    return subprocess.run(
        [sys.executable, *python_flags, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def demo_db(private_dirs: Path) -> Path:
    """The demo database, built in-process in the private data folder."""
    where = locations()
    assert where.demo_database.is_relative_to(private_dirs)
    build_demo(where.demo_database, where.user_banks)
    return where.demo_database


def test_no_arguments_without_a_terminal_prints_help_on_stderr_and_exits_2(
    tmp_path: Path,
) -> None:
    proc = run("-m", "pdpa_check", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""  # a usage error, like any other: nothing for a pipe to read
    assert "Usage:" in proc.stderr
    assert "Commands:" in proc.stderr
    assert "not legal advice" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--demo", "score"),
        ("--demo", "plan", "--format", "md"),
        ("bank", "list"),
        ("locate",),
    ],
    ids=["score", "plan-md", "bank-list", "locate"],
)
def test_headless_commands_do_not_import_textual(
    demo_db: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    proc = run("-m", "pdpa_check", *args, cwd=tmp_path, python_flags=("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    import_lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert any(line.rstrip().endswith("pdpa_check.cli") for line in import_lines)
    assert not [line for line in import_lines if "textual" in line.lower()]
    assert proc.stdout.strip()


# Run inside the child: make scoring blow up deep inside `score`, then call the
# real console-script entry point. The local variable must never be printed.
CRASH = textwrap.dedent(
    """
    import sys
    import pdpa_check.services.workspace

    def evaluate(bank, profile, answers):
        hidden_local = "LOCAL" + "-VALUE-" + "CANARY"
        raise RuntimeError("SECRET" + "-CANARY")  # the source line a traceback shows: no marker

    pdpa_check.services.workspace.evaluate = evaluate
    sys.argv = ["pdpa-check", *sys.argv[1:]]
    from pdpa_check.cli import main
    main()
    """
)


def test_unexpected_error_is_one_line_without_traceback(demo_db: Path, tmp_path: Path) -> None:
    proc = run("-c", CRASH, "--demo", "score", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "pdpa-check: error: unexpected internal error (RuntimeError); run with --debug for details"
    ]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "SECRET-CANARY" not in proc.stderr + proc.stdout
    assert "LOCAL-VALUE-CANARY" not in proc.stderr + proc.stdout


def test_debug_shows_the_traceback_but_no_locals(demo_db: Path, tmp_path: Path) -> None:
    proc = run("-c", CRASH, "--debug", "--demo", "score", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr
    # The message can quote a note or an answer, so even --debug leaves it out.
    assert "RuntimeError: (message hidden" in proc.stderr
    assert "SECRET-CANARY" not in proc.stderr + proc.stdout
    assert "pdpa_check/services/workspace.py" in proc.stderr  # the frame where it was called
    assert "LOCAL-VALUE-CANARY" not in proc.stderr + proc.stdout
    assert "hidden_local" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("pdpa-check: error: unexpected")


def test_bank_validate_bad_files_exit_2_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "my-bank"\nversion = \ntitle = "x"\n', encoding="utf-8")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('id = 3\nversion = "1.0.0"\n', encoding="utf-8")
    proc = run("-m", "pdpa_check", "bank", "validate", str(broken), str(wrong), cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith(f"{broken}:2:")  # file:line:col for a TOML syntax error
    assert any(line.startswith(f"{wrong}: id:") for line in lines)
    assert lines[-1].endswith("problem(s) found")
    assert proc.stdout == ""
