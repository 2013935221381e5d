"""Imports land in the right organisation and never silently erase answers (issue 13, items 1-2).

Two organisations share one database (the fixture `two_orgs`): Alpha (id 1) and
Beta (id 2), each with Shopify. A file written for one is refused for the other
unless `--other-org` says it is meant for it; a blank value leaves an answer
alone; an import that changes answers already given is previewed, confirmed and
preceded by a verified backup.
"""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner, Result

from pdpa_check.cli import cli
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.store.backups import check_backup, list_backups
from pdpa_check.store.db import open_database
from pdpa_check.store.repo import Store

Rows = list[tuple[Any, ...]]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], env={"COLUMNS": "200"})


def ok(*args: str | Path) -> Result:
    result = run(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def answers_of(db: Path, org_id: int) -> dict[tuple[str, str], tuple[str, str]]:
    """(question, system) -> (value, note) for the organisation's latest assessment."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT question_id, system_key, value, note FROM answers WHERE assessment_id ="
            " (SELECT max(id) FROM assessments WHERE organisation_id = ?)",
            [org_id],
        ).fetchall()
    return {(q, s): (v, n) for q, s, v, n in rows}


def plan_status(db: Path, org_id: int, item: str) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT status FROM plan_items WHERE organisation_id = ? AND item_key = ?",
            [org_id, item],
        ).fetchone()
    return row[0] if row else None


def everything(db: Path) -> dict[str, Rows]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("organisations", "assessments", "answers", "plan_items")
        }


@pytest.fixture
def two_orgs(tmp_path: Path) -> Path:
    """Alpha (id 1) and Beta (id 2) in one database, each with an open assessment.

    Beta does not know whether MFA is on for Shopify (a critical gap).
    """
    db = tmp_path / "data" / "two.db"
    for name in ("Alpha Pte Ltd", "Beta Pte Ltd"):
        ok("--db", db, "org", "create", name, "--staff", "6", "--system", "storefront:Shopify")
    ok("--db", db, "--org", "1", "answer", "acc-password-manager", "yes")
    ok("--db", db, "--org", "2", "answer", "acc-mfa", "unknown", "--system", "shopify")
    return db


def export_answers(db: Path, org: str, path: Path) -> Path:
    ok("--db", db, "--org", org, "answers", "export", path)
    return path


def fill(path: Path, values: dict[str, str], **header: Any) -> Path:
    """Set entries' values (by question id) and header fields in an answers file."""
    doc = tomllib.loads(path.read_text("utf-8"))
    for entry in doc["answers"]:
        if entry["question"] in values:
            entry["value"] = values[entry["question"]]
    doc.update(header)
    path.write_text(tomli_w.dumps(doc), "utf-8")
    return path


# Item 1: files bound to their organisation -----------------------------------------------


def test_the_answers_file_names_the_organisation_and_its_stable_id(
    two_orgs: Path, tmp_path: Path
) -> None:
    doc = tomllib.loads(export_answers(two_orgs, "1", tmp_path / "a.toml").read_text("utf-8"))
    assert doc["organisation"] == "Alpha Pte Ltd"
    assert len(doc["organisation_id"]) == 32
    beta = tomllib.loads(export_answers(two_orgs, "2", tmp_path / "b.toml").read_text("utf-8"))
    assert beta["organisation_id"] != doc["organisation_id"]
    assert (doc["assessment"], doc["bank_id"]) == (1, "pdpa-sme-starter")


def test_an_answers_file_for_alpha_is_refused_for_beta(two_orgs: Path, tmp_path: Path) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "alpha.toml"), {"acc-mfa": "yes"})
    before = everything(two_orgs)
    result = run("--db", two_orgs, "--org", "2", "answers", "import", path, "--yes")
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}: organisation: ")
    assert "'Alpha Pte Ltd'" in first and "'Beta Pte Ltd'" in first
    assert "--other-org" in first
    assert everything(two_orgs) == before


def test_other_org_imports_a_file_the_owner_says_is_meant_for_this_one(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "alpha.toml"), {"acc-mfa": "yes"})
    result = ok("--db", two_orgs, "--org", "2", "answers", "import", path, "--yes", "--other-org")
    assert "Beta Pte Ltd, assessment 2" in result.stdout
    assert answers_of(two_orgs, 2)[("acc-mfa", "shopify")] == ("yes", "")
    assert answers_of(two_orgs, 1).get(("acc-mfa", "shopify")) is None


def test_a_file_without_an_id_is_matched_by_the_organisation_name(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = export_answers(two_orgs, "1", tmp_path / "old.toml")
    doc = tomllib.loads(path.read_text("utf-8"))
    del doc["organisation_id"]
    doc["format_version"] = 1  # as written before files carried the id
    path.write_text(tomli_w.dumps(doc), "utf-8")
    fill(path, {"gov-dpo": "yes"})
    refused = run("--db", two_orgs, "--org", "2", "answers", "import", path, "--yes")
    assert refused.exit_code == 2 and "'Alpha Pte Ltd'" in refused.stderr
    ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert answers_of(two_orgs, 1)[("gov-dpo", "")] == ("yes", "")


def test_the_id_decides_when_the_organisation_was_renamed(two_orgs: Path, tmp_path: Path) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "a.toml"), {"gov-dpo": "no"})
    with sqlite3.connect(two_orgs) as conn:
        conn.execute("UPDATE organisations SET name = 'Alpha Holdings' WHERE id = 1")
    ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert answers_of(two_orgs, 1)[("gov-dpo", "")] == ("no", "")


def vendor_file_of(db: Path, org: str, path: Path) -> Path:
    ok("--db", db, "--org", org, "plan", "--format", "toml", "--for-vendor", "-o", path)
    return path


def test_a_vendor_file_for_beta_is_refused_for_alpha_and_changes_nothing(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = vendor_file_of(two_orgs, "2", tmp_path / "beta-vendor.toml")
    doc = tomllib.loads(path.read_text("utf-8"))
    assert doc["organisation"] == "Beta Pte Ltd" and len(doc["organisation_id"]) == 32
    for question in doc["questions"]:
        question["answer"] = "yes"  # Beta's vendor says MFA is on
    for item in doc["items"]:
        item["status"] = "done"
    path.write_text(tomli_w.dumps(doc), "utf-8")
    ok("--db", two_orgs, "--org", "1", "plan", "--format", "md")  # Alpha's plan items exist
    before = everything(two_orgs)
    result = run("--db", two_orgs, "--org", "1", "plan", "import", path, "--yes")
    assert result.exit_code == 2, result.output
    assert "'Beta Pte Ltd'" in result.stderr and "'Alpha Pte Ltd'" in result.stderr
    assert everything(two_orgs) == before
    # Beta's own import applies it, and the preview says where the changes go.
    applied = ok("--db", two_orgs, "--org", "2", "plan", "import", path, "--yes")
    assert "For Beta Pte Ltd: plan items; answers go to assessment 2" in applied.stdout
    assert answers_of(two_orgs, 2)[("acc-mfa", "shopify")] == ("yes", "")


def test_other_org_applies_a_vendor_file_to_this_organisation(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = vendor_file_of(two_orgs, "2", tmp_path / "v.toml")
    doc = tomllib.loads(path.read_text("utf-8"))
    doc["organisation"] = "Someone Else"
    doc["organisation_id"] = "0" * 32
    doc["questions"][0]["answer"] = "no"
    path.write_text(tomli_w.dumps(doc), "utf-8")
    assert run("--db", two_orgs, "--org", "2", "plan", "import", path, "--yes").exit_code == 2
    ok("--db", two_orgs, "--org", "2", "plan", "import", path, "--yes", "--other-org")
    assert answers_of(two_orgs, 2)[("acc-mfa", "shopify")][0] == "no"


# Item 2: no silent clearing ----------------------------------------------------------------


def test_reimporting_an_older_export_keeps_newer_answers_and_notes(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = export_answers(two_orgs, "1", tmp_path / "earlier.toml")
    ok("--db", two_orgs, "--org", "1", "answer", "gov-dpo", "partly", "--note", "on paper only")
    ok("--db", two_orgs, "--org", "1", "answer", "acc-mfa", "yes", "--system", "shopify")
    before = answers_of(two_orgs, 1)
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path)
    assert "Nothing to import" in result.stdout
    assert "1 unchanged" in result.stdout  # the one answer the earlier file held
    assert answers_of(two_orgs, 1) == before
    assert before[("gov-dpo", "")] == ("partly", "on paper only")


def test_changing_answers_is_previewed_and_needs_confirmation(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = fill(
        export_answers(two_orgs, "1", tmp_path / "a.toml"),
        {"acc-password-manager": "no", "gov-dpo": "yes"},
    )
    before = everything(two_orgs)
    result = run("--db", two_orgs, "--org", "1", "answers", "import", path)
    assert result.exit_code == 2
    assert "confirm on a terminal, or run again with --yes" in result.stderr
    assert f"{path} -> Alpha Pte Ltd, assessment 1: 1 added, 1 changed" in result.stdout
    assert "Change acc-password-manager: Yes → No" in result.stdout
    assert everything(two_orgs) == before
    assert list_backups(two_orgs) == []


def test_an_import_that_changes_answers_takes_a_verified_backup_first(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "a.toml"), {"acc-password-manager": "no"})
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert "Imported into assessment 1 of Alpha Pte Ltd: 1 changed" in result.stdout
    [backup] = list_backups(two_orgs)
    assert backup.reason == "before-import" and str(backup.path) in result.stdout
    assert check_backup(backup.path) == "ok"
    with sqlite3.connect(backup.path) as conn:
        kept = conn.execute(
            "SELECT value FROM answers WHERE question_id = 'acc-password-manager'"
        ).fetchall()
    assert kept == [("yes",)]  # the answer as it was before the import
    assert answers_of(two_orgs, 1)[("acc-password-manager", "")] == ("no", "")


def test_an_import_that_only_adds_answers_takes_no_backup(two_orgs: Path, tmp_path: Path) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "a.toml"), {"gov-dpo": "yes"})
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert "1 added, 1 unchanged" in result.stdout and "Backup" not in result.stdout
    assert list_backups(two_orgs) == []


def test_clear_is_the_only_value_that_clears_and_the_count_is_true(
    two_orgs: Path, tmp_path: Path
) -> None:
    ok("--db", two_orgs, "--org", "1", "answer", "gov-dpo", "no", "--note", "keep me")
    path = export_answers(two_orgs, "1", tmp_path / "a.toml")
    doc = tomllib.loads(path.read_text("utf-8"))
    for entry in doc["answers"]:
        if entry["question"] == "gov-dpo":
            entry["value"] = entry["note"] = ""  # blanked: left as it is
        if entry["question"] == "acc-password-manager":
            entry["value"] = "clear"
    path.write_text(tomli_w.dumps(doc), "utf-8")
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert "Clear acc-password-manager (was Yes)" in result.stdout
    assert ": 1 cleared" in result.stdout
    stored = answers_of(two_orgs, 1)
    assert ("acc-password-manager", "") not in stored
    assert stored[("gov-dpo", "")] == ("no", "keep me")


def test_a_file_from_an_older_bank_version_imports_by_id_and_lists_what_it_cannot_place(
    two_orgs: Path, tmp_path: Path
) -> None:
    path = fill(export_answers(two_orgs, "1", tmp_path / "a.toml"), {"gov-dpo": "yes"})
    doc = tomllib.loads(path.read_text("utf-8"))
    doc["bank_version"] = "1.0.0"
    doc["answers"].append({"question": "retired-question", "value": "yes"})
    path.write_text(tomli_w.dumps(doc), "utf-8")
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert "Not imported: " in result.stdout
    assert '(question "retired-question"): not in pdpa-sme-starter 1.3.0' in result.stdout
    assert answers_of(two_orgs, 1)[("gov-dpo", "")] == ("yes", "")
    # The same unknown id in a file of the current version is a mistake: refused.
    doc["bank_version"] = "1.3.0"
    path.write_text(tomli_w.dumps(doc), "utf-8")
    refused = run("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert refused.exit_code == 2 and "no such question" in refused.stderr


def carried_flags(db: Path, assessment_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT question_id, carried FROM answers WHERE assessment_id = ? ORDER BY 1",
            [assessment_id],
        ).fetchall()


def test_a_completed_assessment_gets_a_new_one_and_carried_answers_stay_to_confirm(
    two_orgs: Path, tmp_path: Path
) -> None:
    ok("--db", two_orgs, "--org", "1", "assessment", "complete")
    path = fill(export_answers(two_orgs, "1", tmp_path / "a.toml"), {"gov-dpo": "no"})
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes")
    assert "a new assessment (the latest one is completed): 1 added, 1 unchanged" in result.stdout
    assert "Imported into assessment 3 of Alpha Pte Ltd" in result.stdout
    # Importing a file back is not looking at each answer again: carried stays carried.
    assert carried_flags(two_orgs, 3) == [("acc-password-manager", 1), ("gov-dpo", 0)]


def test_confirm_confirms_carried_answers_the_file_gives_unchanged(
    two_orgs: Path, tmp_path: Path
) -> None:
    ok("--db", two_orgs, "--org", "1", "assessment", "complete")
    ok("--db", two_orgs, "--org", "1", "assessment", "start")
    path = export_answers(two_orgs, "1", tmp_path / "a.toml")
    result = ok("--db", two_orgs, "--org", "1", "answers", "import", path, "--yes", "--confirm")
    assert ": 1 confirmed" in result.stdout
    assert carried_flags(two_orgs, 3) == [("acc-password-manager", 0)]


async def test_the_app_refuses_another_organisations_vendor_file_until_the_owner_says_so(
    tmp_path: Path,
) -> None:
    from textual.widgets import Button, Input
    from tui_support import demo_session, make_app, reopen_session, shown_text

    from pdpa_check.tui.screens.vendor_import import VendorImportScreen

    db = tmp_path / "demo.db"
    session = demo_session(db)
    data = tomllib.loads(session.vendor_file())
    data["organisation"], data["organisation_id"] = "Another Shop", "0" * 32
    data["items"][0]["status"] = "in_progress"
    path = tmp_path / "other.toml"
    path.write_text(tomli_w.dumps(data))
    item_id = data["items"][0]["id"]
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        app.go("plan")
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, VendorImportScreen)
        modal.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        result = shown_text(app, "#result")
        assert "NOT APPLIED" in result and "'Another Shop'" in result
        assert modal.query_one("#apply", Button).disabled
        assert reopen_session(db).plan_states().get(item_id) is None
        await pilot.click("#other-org")
        await pilot.pause()
        assert "would change" in shown_text(app, "#result")
        assert f"For {session.profile.name}: plan items" in shown_text(app, "#result")
        await pilot.click("#apply")
        await pilot.pause()
    assert reopen_session(db).plan_states()[item_id].status == "in_progress"


def test_assessment_complete_from_the_cli_brings_the_plan_in_line_as_the_app_does(
    two_orgs: Path,
) -> None:
    beta = ("--db", two_orgs, "--org", "2")
    ok(*beta, "plan", "set", "enforce-mfa/shopify", "--status", "in_progress")
    # Saved straight into the store: only completing can bring the plan in line.
    store = Store(open_database(two_orgs), two_orgs)
    store.save_answer(2, Answer(question_id="acc-mfa", system_key="shopify", value="yes"))
    store.close()
    assert plan_status(two_orgs, 2, "enforce-mfa/shopify") == "in_progress"
    before = everything(two_orgs)["plan_items"]
    ok(*beta, "assessment", "complete")
    assert plan_status(two_orgs, 2, "enforce-mfa/shopify") == "done"
    with sqlite3.connect(two_orgs) as conn:
        events = conn.execute(
            "SELECT e.new, e.by FROM plan_item_events e JOIN plan_items p ON p.id = e.plan_item_id"
            " WHERE p.item_key = 'enforce-mfa/shopify' AND e.field = 'status' ORDER BY e.id"
        ).fetchall()
    assert events[-1] == ("done", "pdpa-check")
    assert before != everything(two_orgs)["plan_items"]
