"""Rules grimp cannot see: all SQL in store/, markup never escaped, changes only through
the session (method calls, not imports). Import rules are in test_import_contracts.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_command_line_loads_no_textual_until_the_app_opens() -> None:
    """A start-up check (what runs), beside the static one in test_import_contracts.py.

    The core, the services and the kit never import Textual at all, even inside a function
    (`test_a_library_is_reached_only_from_its_layer`); the command line imports it only in
    `tui.launch`, when the app opens.
    """
    code = "import sys, pdpa_check.cli; print(sorted(m for m in sys.modules if 'textual' in m))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_sql_only_in_store() -> None:
    sql = re.compile(r"\.execute\(|\bSELECT\b|\bINSERT INTO\b|\bDELETE FROM\b|\bCREATE TABLE\b")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ["pdpa_check", "questionnaires", "scoring", "exports", "tui"]
        for path in (ROOT / folder).rglob("*.py")
        if sql.search(path.read_text())
    ]
    assert offenders == []


def test_the_app_never_escapes_markup_it_avoids_it() -> None:
    """User text goes in as Content or Text, never through markup escaping (unreliable)."""
    escaping = re.compile(r"markup\.escape|import escape|markup=True")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tui").rglob("*.py")
        if escaping.search(path.read_text())
    ]
    assert offenders == []


def test_the_front_ends_change_data_only_through_the_session() -> None:
    """The app and the command line take one service path for every change (issue 15)."""
    changes = re.compile(
        r"\bstore\.(save_\w+|clear_\w+|replace_\w+|create_organisation|update_\w+|change_\w+"
        r"|start_assessment|complete_assessment|confirm_answers|set_\w+)\("
    )
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in ["pdpa_check/cli", "tui"]
        for path in (ROOT / folder).rglob("*.py")
        for match in changes.finditer(path.read_text())
    ]
    assert offenders == []
