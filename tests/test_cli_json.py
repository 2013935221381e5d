"""Every command that lists or reports speaks JSON: a stable shape, named by `format` and
`format_version`, parsed here with a real parser; and tables piped elsewhere never wrap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_support import ok

ESC = "\x1b"
EVIL = f"Evil {ESC}]0;pwned\x07 \u202eShop"


def as_json(*args: str | Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(*args, "--json").stdout)
    assert data["format_version"] == 1
    return data


@pytest.fixture
def demo() -> None:
    ok("demo")


@pytest.mark.usefixtures("demo")
def test_organisations_and_one_organisation() -> None:
    listed = as_json("--demo", "org", "list")
    assert listed["format"] == "pdpa-check-organisations"
    (org,) = listed["organisations"]
    assert set(org) == {"id", "uid", "name", "staff_count", "sector", "created_at"}
    assert org["name"] == "Kampong Threads Pte Ltd" and org["staff_count"] == 14
    shown = as_json("--demo", "org", "show")
    assert shown["format"] == "pdpa-check-organisation" and shown["uid"] == org["uid"]
    assert shown["systems"][0] == {
        "key": "google-workspace",
        "kind": "email_suite",
        "name": "Google Workspace",
    }


@pytest.mark.usefixtures("demo")
def test_diff_gives_scores_answers_and_items() -> None:
    data = as_json("--demo", "diff")
    assert data["format"] == "pdpa-check-diff"
    assert data["before"]["id"] == 1 and data["after"]["id"] == 2
    assert data["after"]["score"] > data["before"]["score"]
    assert any(line.startswith("Score rose from") for line in data["summary"])
    assert {"question": "gov-dpo", "system": None, "before": "no", "after": "yes"} in data[
        "answers"
    ]
    assert all(set(d) == {"id", "title", "before", "after"} for d in data["domains"])
    assert all(set(i) == {"id", "title", "system"} for i in data["items_completed"])


@pytest.mark.usefixtures("demo")
def test_incidents_user_lists_and_backups() -> None:
    assert as_json("--demo", "kit", "incidents") == {
        "format": "pdpa-check-incidents",
        "format_version": 1,
        "incidents": [],
    }
    (kept,) = as_json("--demo", "evidence", "list")["user_lists"]
    assert kept["system"] == "google-workspace" and kept["names_kept"] == 1
    assert "Nurul" not in json.dumps(kept)  # counts only, never the names
    ok("--demo", "backup")
    backups = as_json("--demo", "backup", "--list")
    assert backups["format"] == "pdpa-check-backups"
    assert backups["backups"][0]["kind"] == "manual" and backups["backups"][0]["check"] == "ok"


def test_banks() -> None:
    data = as_json("bank", "list")
    assert data["format"] == "pdpa-check-banks"
    assert data["banks"][0]["source"] == "built-in" and data["banks"][0]["status"] == "ok"


def test_user_text_is_cleaned_in_json_as_on_screen(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    ok("--db", db, "org", "create", EVIL, "--staff", "2")
    text = ok("--db", db, "org", "list", "--json").stdout
    assert ESC not in text and "\u202e" not in text and "\x07" not in text
    assert json.loads(text)["organisations"][0]["name"].startswith("Evil ")


def test_a_table_piped_to_another_program_does_not_wrap(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    ok(
        "--db", db, "org", "create", "Kopi Shop", "--staff", "2",
        "--system", "ai:A recommendation engine with a very long descriptive name indeed",
    )  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no COLUMNS: a real pipe
    done = subprocess.run(
        [sys.executable, "-m", "pdpa_check", "--db", str(db), "org", "show"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    row = next(line for line in done.stdout.splitlines() if "recommendation engine" in line)
    assert "A recommendation engine with a very long descriptive name indeed" in row
