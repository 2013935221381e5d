"""The `pdpa-check` command line, run in-process with click's CliRunner.

Every test gets private XDG folders from the autouse `private_dirs` fixture, and
databases live under `tmp_path`, so nothing here touches real data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest
import tomli_w
from cli_support import WIDE, assert_error, invoke, ok
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from pdpa_check import __version__
from pdpa_check.cli import cli
from pdpa_check.questionnaires.model import Bank
from pdpa_check.support.paths import locations

ESC = "\x1b"
RLO = "\u202e"
HOSTILE_NAME = f"Evil [/bold] [link=file:///etc/passwd]x[/] {ESC}]0;pwned\x07 {RLO}Shop"


def table_rows(text: str) -> list[list[str]]:
    """Body rows of a Rich box table (lines starting with the light vertical bar)."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in text.splitlines()
        if line.lstrip().startswith("│")
    ]


def read_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Organisations, assessments and answers straight from the file (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("organisations", "assessments", "answers")
        }
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database path whose folder does not exist yet."""
    return tmp_path / "tmp" / "x.db"


@pytest.fixture
def org_db(db: Path) -> Path:
    """A database with Kopi Shop: 4 staff, Shopify and HubSpot."""
    ok(
        "--db", db, "org", "create", "Kopi Shop", "--staff", "4",
        "--system", "storefront:Shopify", "--system", "crm:HubSpot",
    )  # fmt: skip
    return db


def score_json(db: Path, *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("--db", db, *extra, "score", "--json").stdout)
    return data


# --- org ----------------------------------------------------------------------


def test_org_create_makes_a_private_database_and_prints_the_id(db: Path) -> None:
    result = ok(
        "--db", db, "org", "create", "Kopi Shop", "--staff", "4",
        "--system", "storefront:Shopify", "--system", "crm:HubSpot",
    )  # fmt: skip
    assert re.search(r"Created organisation 1: Kopi Shop \(2 systems\)", result.stdout)
    assert str(db) in result.stdout
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_org_list_and_show(org_db: Path) -> None:
    rows = table_rows(ok("--db", org_db, "org", "list").stdout)
    assert len(rows) == 1
    assert rows[0][:3] == ["1", "Kopi Shop", "4"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[0][4])

    shown = ok("--db", org_db, "org", "show").stdout
    assert "Kopi Shop (organisation 1)" in shown
    assert "Staff: 4" in shown
    systems = {row[0]: row[2] for row in table_rows(shown)}
    assert systems == {"shopify": "Shopify", "hubspot": "HubSpot"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("nonsense", "'nonsense'"),
        ("spaceship:Enterprise", "'spaceship:Enterprise'"),
        ("crm:", "name"),
    ],
)
def test_org_create_rejects_a_bad_system(db: Path, spec: str, expected: str) -> None:
    result = invoke("--db", db, "org", "create", "Kopi Shop", "--staff", "4", "--system", spec)
    assert_error(result, 2, expected)
    if ":" not in spec:
        assert "KIND:NAME" in result.stderr
        assert "storefront" in result.stderr  # the valid kinds are listed
    assert not db.exists(), "no database is created for a refused organisation"


@pytest.mark.parametrize("name", ["", "   ", f"{ESC}{RLO}"])
def test_org_create_rejects_an_empty_name(db: Path, name: str) -> None:
    result = invoke("--db", db, "org", "create", name, "--staff", "4")
    assert_error(result, 2, "name")
    assert not db.exists()


def test_org_create_rejects_a_bad_staff_count(db: Path) -> None:
    refused = invoke("--db", db, "org", "create", "Kopi", "--staff", "0")
    assert_error(refused, 2, "--staff 0", "1 means just you")
    assert invoke("--db", db, "org", "create", "Kopi", "--staff", "many").exit_code == 2


@pytest.mark.parametrize("duplicate", ["Kopi Shop", "kopi shop", "  KOPI   SHOP "])
def test_org_create_rejects_a_duplicate_name(org_db: Path, duplicate: str) -> None:
    before = read_tables(org_db)
    result = invoke("--db", org_db, "org", "create", duplicate, "--staff", "2")
    assert_error(result, 2, "already exists")
    assert read_tables(org_db) == before


# --- demo ---------------------------------------------------------------------


def test_demo_and_its_exports() -> None:
    shown = ok("demo").stdout
    history = [row for row in table_rows(shown) if row[0].isdigit()]
    assert [row[0] for row in history] == ["1", "2"]
    assert all(row[4].isdigit() for row in history), history
    match = re.search(r"Readiness score (\d+) / 100: ", shown)
    assert match is not None
    assert match[1] == history[-1][4], "score shown is the latest assessment's"

    md = ok("--demo", "plan", "--format", "md").stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    headings = [
        (tokens[i].tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert headings[0][0] == "h1"
    assert headings[0][1].startswith("PDPA readiness plan")
    # The short document: This month's fixes in full (h3), the later ones in tables.
    assert ("h2", "This month") in headings
    assert any(tag == "h3" and text.startswith("1. ") for tag, text in headings)
    full = ok("--demo", "plan", "--format", "md", "--full").stdout
    assert ("h2", "Plan") in [
        (t.tag, tokens[i + 1].content)
        for tokens in [MarkdownIt("commonmark").enable("table").parse(full)]
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]

    plan_toml = tomllib.loads(ok("--demo", "plan", "--format", "toml").stdout)
    assert plan_toml["format"] == "pdpa-check-plan"
    items = plan_toml["plan"]
    assert items
    ids = [item["id"] for item in items]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)

    plan_json = json.loads(ok("--demo", "plan", "--format", "json").stdout)
    assert [item["id"] for item in plan_json["plan"]] == ids

    scored = json.loads(ok("--demo", "score", "--json").stdout)
    overall = scored["score"]["overall"]
    assert isinstance(overall, int | float)
    assert str(int(overall)) == match[1]


# --- answers export / import: the acceptance flow ------------------------------


def best_value(bank: Bank, entry: dict[str, Any]) -> str | int:
    """The fully credited answer for an answers-file entry."""
    question = bank.question(entry["question"])
    if question.kind in ("yes_no", "per_system"):
        return "yes"
    if question.kind == "choice":
        return next(option.id for option in question.options if option.credit == 1.0)
    if question.kind == "number":
        return 0
    return "Mei Ling (operations); deputy Ahmad (finance)"


def edit_answers(path: Path, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    for entry in doc["answers"]:
        change(entry)
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return doc


def test_acceptance_flow_export_answer_everything_import_score(
    org_db: Path, tmp_path: Path, bank: Bank
) -> None:
    answers_file = tmp_path / "answers.toml"
    ok("--db", org_db, "answers", "export", answers_file)

    doc = tomllib.loads(answers_file.read_text(encoding="utf-8"))
    assert doc["format"] == "pdpa-check-answers"
    assert doc["bank_id"] == bank.id
    exported = [(e["question"], e.get("system", "")) for e in doc["answers"]]
    # Every question the organisation can be asked, follow-ups included (each says what
    # it waits for); per-system ones once for each system.
    expected = []
    for question in bank.questions:
        builds = question.applies_if.site_builds if question.applies_if else None
        if builds is not None and "hosted" not in builds:
            continue  # for a self-hosted store or a site built for it; this shop's is hosted
        if question.kind == "per_system":
            expected += [(question.id, key) for key in ("shopify", "hubspot")]
        else:
            expected.append((question.id, ""))
    assert exported == expected
    assert all(entry["value"] == "" for entry in doc["answers"])
    follow_up = next(e for e in doc["answers"] if e["question"] == "ai-vendor-terms")
    assert follow_up["asked_if"] == "ai-in-use is yes or partly"
    assert "asked_if" not in next(e for e in doc["answers"] if e["question"] == "ai-in-use")

    # Answer everything at best: one round of filling in is enough.
    def fill(entry: dict[str, Any]) -> None:
        entry["value"] = best_value(bank, entry)

    edit_answers(answers_file, fill)
    imported = ok("--db", org_db, "answers", "import", answers_file, "--yes")
    assert "Imported" in imported.stdout
    assert "now appl" not in imported.stdout

    data = score_json(org_db)
    assert data["score"]["overall"] == 100
    assert data["score"]["band"] == "strong"
    assert data["score"]["unanswered"] == 0
    assert "capped_by" not in data["score"]
    # Every answer at full credit: every Cyber Essentials measure with a question is met.
    essentials = data["cyber_essentials"]
    assert essentials["met"] == essentials["assessed"]
    assert essentials["total"] == len(essentials["measures"]) == 9

    # MFA not enforced on one of the two systems: half of acc-mfa's points go.
    def no_mfa_on_hubspot(entry: dict[str, Any]) -> None:
        if entry["question"] == "acc-mfa" and entry.get("system") == "hubspot":
            entry["value"] = "no"

    edit_answers(answers_file, no_mfa_on_hubspot)
    ok("--db", org_db, "answers", "import", answers_file, "--yes")

    mfa = bank.question("acc-mfa")
    # A question's points: its share over the shares of the questions this shop is asked (the
    # exported ones: every follow-up is open at best answers; none for a self-hosted site).
    asked_shares = sum(bank.shares[q] for q in {qid for qid, _ in exported} if q in bank.shares)
    mfa_points = 100 * bank.shares[mfa.id] / asked_shares
    data = score_json(org_db)
    score = data["score"]
    assert score["overall"] == math.floor((100 - mfa_points / 2) * 10) / 10
    accounts = next(d for d in data["domains"] if d["id"] == mfa.domain)
    assert accounts["points_lost"] == pytest.approx(mfa_points / 2, abs=0.006)
    assert score["uncapped_band"] == "strong"
    assert score["band"] == "weak"
    assert score["capped_by"] == "acc-mfa"
    assert score["critical_failures"] == ["acc-mfa"]
    assert [(f["question"], f.get("system")) for f in data["findings"]] == [("acc-mfa", "hubspot")]

    for measure in data["cyber_essentials"]["measures"]:
        if measure["id"] in mfa.cyber_essentials:
            assert (measure["status"], measure["short_of"]) == ("not_met", ["acc-mfa"])
    text = ok("--db", org_db, "score").stdout
    assert "Partly prepared" in text
    assert "Capped from Well prepared" in text
    for measure_id in mfa.cyber_essentials:
        assert re.search(rf"not met: [^;]*{re.escape(measure_id)} ", text), measure_id


@pytest.fixture
def answered_db(org_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An open assessment with one answer, and its exported answers file."""
    ok("--db", org_db, "answer", "gov-dpo", "partly", "--note", "only on paper")
    answers_file = tmp_path / "answers.toml"
    ok("--db", org_db, "answers", "export", answers_file)
    return org_db, answers_file


def test_import_with_bad_entries_reports_all_and_changes_nothing(
    answered_db: tuple[Path, Path],
) -> None:
    db, answers_file = answered_db

    def damage(entry: dict[str, Any]) -> None:
        if entry["question"] == "gov-data-inventory":
            entry["question"] = "no-such-question"
            entry["value"] = "yes"
        elif entry["question"] == "acc-password-manager":
            entry["value"] = "maybe"
        elif entry["value"] == "":
            entry["value"] = "unknown" if "choices" in entry else entry["value"]

    edit_answers(answers_file, damage)
    before = read_tables(db)
    result = invoke("--db", db, "answers", "import", answers_file)
    assert_error(result, 2, "2 problem(s) found")
    problems = result.stderr.strip().splitlines()[:-1]
    assert len(problems) == 2, result.stderr
    assert "no-such-question" in problems[0]
    assert "acc-password-manager" in problems[1]
    assert "maybe" in problems[1]
    assert all(str(answers_file) in line for line in problems)
    assert read_tables(db) == before
    assert result.stdout == ""


def test_import_of_malformed_toml_gives_file_line_col(
    answered_db: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = answered_db
    junk = tmp_path / "junk.toml"
    junk.write_text('format = "pdpa-check-answers"\nformat_version = 1\nbank_id = = 3\n')
    before = read_tables(db)
    result = invoke("--db", db, "answers", "import", junk)
    assert_error(result, 2)
    assert re.search(rf"{re.escape(str(junk))}:3:\d+: ", result.stderr), result.stderr
    assert read_tables(db) == before


def test_import_of_a_missing_file(answered_db: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = answered_db
    missing = tmp_path / "no-such-answers.toml"
    result = invoke("--db", db, "answers", "import", missing)
    assert_error(result, 2, str(missing))
    assert not missing.exists()


def test_export_refuses_to_overwrite_without_force(answered_db: tuple[Path, Path]) -> None:
    db, answers_file = answered_db
    answers_file.write_text("mine", encoding="utf-8")
    assert_error(invoke("--db", db, "answers", "export", answers_file), 1, "--force")
    assert answers_file.read_text(encoding="utf-8") == "mine"


def test_rejected_import_after_completion_changes_nothing(org_db: Path, tmp_path: Path) -> None:
    ok("--db", org_db, "answer", "acc-password-manager", "yes")
    ok("--db", org_db, "assessment", "complete")
    junk = tmp_path / "junk.toml"
    junk.write_text("not toml [[[\n", encoding="utf-8")
    before = read_tables(org_db)
    assert invoke("--db", org_db, "answers", "import", junk).exit_code == 2
    assert read_tables(org_db) == before
    # ...and `score` still shows the completed assessment, not an empty new one.
    assert score_json(org_db)["assessment"]["status"] == "completed"


def test_rejected_answer_after_completion_changes_nothing(org_db: Path) -> None:
    ok("--db", org_db, "answer", "acc-password-manager", "yes")
    ok("--db", org_db, "assessment", "complete")
    before = read_tables(org_db)
    assert invoke("--db", org_db, "answer", "no-such-question", "yes").exit_code == 2
    assert read_tables(org_db) == before


# --- answer, assessment, history ----------------------------------------------


def test_answer_is_saved_and_scored(org_db: Path, tmp_path: Path) -> None:
    result = ok(
        "--db", org_db, "answer", "acc-password-manager", "yes",
        "--note", "Bitwarden for everyone", "--evidence", "admin console screenshot",
    )  # fmt: skip
    assert "Saved acc-password-manager = yes" in result.stdout
    score = score_json(org_db)["score"]
    assert score["answered"] == 1
    assert score["overall"] > 0

    exported = tmp_path / "a.toml"
    ok("--db", org_db, "answers", "export", exported)
    entries = tomllib.loads(exported.read_text(encoding="utf-8"))["answers"]
    entry = next(e for e in entries if e["question"] == "acc-password-manager")
    assert (entry["value"], entry["note"], entry["evidence"]) == (
        "yes",
        "Bitwarden for everyone",
        "admin console screenshot",
    )

    ok("--db", org_db, "answer", "acc-password-manager", "")
    assert score_json(org_db)["score"]["answered"] == 0


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("acc-mfa", "yes", "--system", "mailchimp"), ("acc-mfa", "shopify, hubspot")),
        (("acc-mfa", "yes"), ("acc-mfa", "per system")),
        (("acc-password-manager", "yes", "--system", "shopify"), ("not asked per system",)),
        (("acc-password-manager", "maybe"), ("'maybe'", "yes, partly, no, unknown")),
        (("lvr-days-to-remove", "400"), ("between 0 and 365",)),
        (("no-such-question", "yes"), ("no-such-question",)),
    ],
)
def test_answer_rejects_bad_input(
    answered_db: tuple[Path, Path], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    db, _ = answered_db
    before = read_tables(db)
    assert_error(invoke("--db", db, "answer", *args), 2, *fragments)
    assert read_tables(db) == before


def test_assessment_complete_history_and_start(org_db: Path) -> None:
    ok("--db", org_db, "answer", "acc-password-manager", "yes")
    started = invoke("--db", org_db, "assessment", "start")
    assert_error(started, 2, "assessment 1 is still open")

    expected = score_json(org_db)["score"]["overall"]
    completed = ok("--db", org_db, "assessment", "complete").stdout
    # Shown rounded down, as everywhere (the JSON keeps one decimal, also rounded down).
    assert f"Completed assessment 1: {int(expected)} / 100" in completed

    rows = table_rows(ok("--db", org_db, "history").stdout)
    assert len(rows) == 1
    assert rows[0][0] == "1"
    assert rows[0][2] != "open"
    assert rows[0][4] == str(int(expected))
    assert rows[0][5] == ""  # no earlier assessment: no change
    assert rows[0][6] == "Exposed"

    assert_error(invoke("--db", org_db, "assessment", "complete"), 2, "no open assessment")
    assert "Started assessment 2" in ok("--db", org_db, "assessment", "start").stdout
    rows = table_rows(ok("--db", org_db, "history").stdout)
    assert [(row[0], row[2]) for row in rows][1] == ("2", "open")


def test_score_without_an_assessment_says_how_to_start(org_db: Path) -> None:
    assert_error(invoke("--db", org_db, "score"), 1, "assessment start")


# --- plan files -----------------------------------------------------------------


@pytest.fixture
def noted_db(org_db: Path) -> Path:
    ok(
        "--db", org_db, "answer", "acc-mfa", "no", "--system", "shopify",
        "--note", "CANARY-NOTE-7f3a", "--evidence", "CANARY-EVIDENCE-9b1c",
    )  # fmt: skip
    return org_db


def test_plan_to_a_folder_is_private_and_never_overwritten(noted_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = ok("--db", noted_db, "plan", "-o", out)
    target = out / f"kopi-shop-pdpa-plan-{dt.date.today().isoformat()}.md"
    assert [p.name for p in out.iterdir()] == [target.name]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert str(target) in result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# PDPA readiness plan: Kopi Shop")

    target.write_text("SENTINEL", encoding="utf-8")
    again = invoke("--db", noted_db, "plan", "-o", out)
    assert_error(again, 1, str(target), "--force")
    assert target.read_text(encoding="utf-8") == "SENTINEL"

    ok("--db", noted_db, "plan", "-o", out, "--force")
    assert target.read_text(encoding="utf-8").startswith("# PDPA readiness plan: Kopi Shop")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == [target.name], "no temp files left behind"


def test_plan_into_a_missing_folder(noted_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nosuch"
    result = invoke("--db", noted_db, "plan", "-o", missing / "plan.md")
    assert_error(result, 1, str(missing), "does not exist")
    assert not missing.exists()


def test_plan_into_a_missing_folder_with_trailing_slash(noted_db: Path, tmp_path: Path) -> None:
    result = invoke("--db", noted_db, "plan", "-o", f"{tmp_path / 'reports'}/")
    assert not (tmp_path / "reports").is_file()
    assert_error(result, 1, "reports")


@pytest.mark.parametrize("fmt", ["md", "toml", "json"])
def test_plan_redact_leaves_out_notes_and_evidence(noted_db: Path, fmt: str) -> None:
    full = ok("--db", noted_db, "plan", "--format", fmt).stdout
    assert "CANARY-NOTE-7f3a" in full, "the canary must be in the unredacted plan"
    if fmt != "md":  # the Markdown findings table has a note column but no evidence
        assert "CANARY-EVIDENCE-9b1c" in full
    redacted = ok("--db", noted_db, "plan", "--format", fmt, "--redact").stdout
    assert "CANARY" not in redacted


def test_plan_redact_file(noted_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared.md"
    ok("--db", noted_db, "plan", "--redact", "-o", target)
    assert "CANARY" not in target.read_text(encoding="utf-8")


# --- choosing the database --------------------------------------------------------


def test_missing_db_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "missing.db"
    result = invoke("--db", missing, "score")
    assert_error(result, 2, str(missing))
    assert not missing.exists()
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, not a database\n", bytes(range(256)) * 8],
    ids=["empty", "text", "binary"],
)
def test_garbage_db_is_refused_and_left_alone(tmp_path: Path, content: bytes) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(content)
    # A 0-byte file is an interrupted creation, which `org create` replaces
    # (issue 13; tests/test_fs_faults.py): only the reading command is refused.
    create = ("org", "create", "Kopi", "--staff", "2")
    for args in (("score",), create) if content else (("score",),):
        result = invoke("--db", garbage, *args)
        assert_error(result, 2, str(garbage))
    assert garbage.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["garbage.db"]


def test_db_and_demo_together_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("--db", tmp_path / "x.db", "--demo", "score")
    assert result.exit_code == 2
    assert "--demo" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()


def locate_paths(result: Result) -> dict[str, str]:
    return {
        label.strip(): path.strip()
        for label, _, path in (line.partition(":") for line in result.stdout.splitlines())
    }


def test_locate_defaults_to_the_private_home(private_dirs: Path) -> None:
    paths = locate_paths(ok("locate"))
    for label in ("database", "backups", "config folder", "your own banks", "demo database"):
        assert Path(paths[label]).is_relative_to(private_dirs), (label, paths)
    assert paths["database"].endswith(".db")
    assert Path(paths["backups"]).parent == Path(paths["database"]).parent
    assert Path(paths["your own banks"]).is_relative_to(paths["config folder"])
    assert paths["settings"] == str(Path(paths["config folder"]) / "config.toml")
    assert Path(paths["bank cache"]).is_relative_to(private_dirs / "cache")
    assert paths["clean-close record"] == paths["database"] + ".checked"


def test_locate_honours_env_and_db_option(tmp_path: Path) -> None:
    from_env = tmp_path / "env.db"
    paths = locate_paths(ok("locate", env={"PDPA_CHECK_DB": str(from_env)}))
    assert paths["database"] == str(from_env)
    assert paths["backups"] == str(tmp_path / "backups")

    from_option = tmp_path / "option.db"
    paths = locate_paths(ok("--db", from_option, "locate", env={"PDPA_CHECK_DB": str(from_env)}))
    assert paths["database"] == str(from_option)


def test_env_db_is_used_by_commands(org_db: Path) -> None:
    rows = table_rows(ok("org", "list", env={"PDPA_CHECK_DB": str(org_db)}).stdout)
    assert rows[0][1] == "Kopi Shop"


# --- version and help ------------------------------------------------------------


def test_version() -> None:
    result = ok("--version")
    assert result.stdout.strip() == f"pdpa-check, version {__version__}"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_commands(flag: str) -> None:
    out = ok(flag).stdout
    listed = set(re.findall(r"^  ([a-z-]+)\s", out.split("Commands:")[1], re.MULTILINE))
    expected = {"org", "answers", "score", "plan", "history", "bank", "locate", "demo"}
    assert expected | {"assessment", "answer"} <= listed


# --- hostile text --------------------------------------------------------------------


def test_hostile_names_are_shown_literally_and_safely(db: Path) -> None:
    created = ok(
        "--db", db, "org", "create", HOSTILE_NAME, "--staff", "3",
        "--system", f"storefront:{HOSTILE_NAME}",
    )  # fmt: skip
    ok("--db", db, "answer", "acc-password-manager", "yes", "--note", f"{ESC}[31mred{RLO}")
    outputs = {
        "create": created,
        "show": ok("--db", db, "org", "show"),
        "list": ok("--db", db, "org", "list"),
        "history": ok("--db", db, "history"),
        "score": ok("--db", db, "score"),
        "json": ok("--db", db, "score", "--json"),
        "plan": ok("--db", db, "plan"),
    }
    for name, result in outputs.items():
        text = result.stdout + result.stderr
        assert ESC not in text, name
        assert RLO not in text, name
        assert "\x07" not in text, name
    for name in ("create", "show", "list", "history", "score"):
        assert "[/bold]" in outputs[name].stdout, name
        assert "[link=file:///etc/passwd]x[/]" in outputs[name].stdout, name
    assert json.loads(outputs["json"].stdout)["organisation"]["name"].startswith("Evil [/bold]")


# --- several organisations ------------------------------------------------------------


def test_several_organisations_need_org(org_db: Path) -> None:
    ok("--db", org_db, "org", "create", "Teh Tarik Co", "--staff", "2", "--system", "crm:Zoho")
    for args in (("score",), ("answer", "gov-dpo", "yes"), ("org", "show"), ("history",)):
        assert_error(invoke("--db", org_db, *args), 2, "--org")

    ok("--db", org_db, "--org", "Teh Tarik Co", "answer", "acc-mfa", "yes", "--system", "zoho")
    by_name = score_json(org_db, "--org", "teh tarik co")
    assert by_name["organisation"]["name"] == "Teh Tarik Co"
    assert by_name["score"]["answered"] == 1
    assert score_json(org_db, "--org", "2") == by_name

    assert_error(invoke("--db", org_db, "--org", "Nobody", "score"), 2, "'Nobody'")
    assert_error(invoke("--db", org_db, "--org", "Kopi Shop", "score"), 1, "assessment")


# --- Cyber Essentials tally and obligations coming --------------------------------------

CE_BANK = """
id = "ce-test"
version = "1.0.0"
title = "Cyber Essentials test bank"
description = "Two questions mapped to measures, one obligation coming."

[[domains]]
id = "d"
title = "Security"
weight = 5
description = "Everything."

[[questions]]
id = "mfa"
domain = "d"
text = "Is MFA enforced on this system?"
why = "Stolen passwords."
kind = "per_system"
system_kinds = ["storefront", "crm"]
cyber_essentials = ["A.5", "A.6"]

[[questions]]
id = "bkp"
domain = "d"
text = "Is there an offline backup?"
why = "Ransomware."
kind = "yes_no"
cyber_essentials = ["A.8"]

[[upcoming]]
id = "data-portability"
title = "Data portability (Part 6B) [bold]x[/]"
text = "When in force,\\ncustomers may ask you to send their data elsewhere."
references = ["PDPA Part 6B"]
"""


def test_score_shows_the_cyber_essentials_tally_and_upcoming(org_db: Path) -> None:
    banks = locations(org_db).user_banks
    banks.mkdir(parents=True)
    (banks / "ce-test.toml").write_text(CE_BANK, encoding="utf-8")
    ok("--db", org_db, "assessment", "start", "--bank", "ce-test")
    ok("--db", org_db, "answer", "mfa", "yes", "--system", "shopify")
    ok("--db", org_db, "answer", "mfa", "partly", "--system", "hubspot")
    ok("--db", org_db, "answer", "bkp", "yes")

    text = " ".join(ok("--db", org_db, "score").stdout.split())
    assert (
        "Cyber Essentials (indicative): 1 of 9 measures met; not met: A.5 Access control, "
        "A.6 Secure configuration; not assessed: A.1 People, A.2 Hardware and software, "
        "A.3 Data, A.4 Malware protection, A.7 Software updates, A.9 Incident response."
    ) in text
    assert "not a certification" in text
    assert (
        "Coming, not scored: Data portability (Part 6B) [bold]x[/]: When in force, customers "
        "may ask you to send their data elsewhere."
    ) in text

    data = score_json(org_db)
    essentials = data["cyber_essentials"]
    assert (essentials["met"], essentials["assessed"], essentials["total"]) == (1, 3, 9)
    statuses = {
        m["id"]: (m["status"], m["questions"], m["short_of"]) for m in essentials["measures"]
    }
    assert statuses["A.5"] == ("not_met", ["mfa"], ["mfa"])
    assert statuses["A.8"] == ("met", ["bkp"], [])
    assert statuses["A.9"] == ("not_assessed", [], [])
    assert [u["id"] for u in data["upcoming"]] == ["data-portability"]

    ok("--db", org_db, "answer", "mfa", "yes", "--system", "hubspot")
    text = " ".join(ok("--db", org_db, "score").stdout.split())
    assert "Cyber Essentials (indicative): 3 of 9 measures met; not assessed:" in text
    assert "not met:" not in text


def test_answer_to_a_question_that_does_not_apply_says_so_and_saves_nothing(
    org_db: Path,
) -> None:
    # A follow-up before the question it follows: not asked, so not saved (exit 2).
    assert_error(
        invoke("--db", org_db, "answer", "ai-vendor-terms", "yes"),
        2,
        "'ai-vendor-terms'",
        "does not apply to Kopi Shop",
        "asked if ai-in-use is yes or partly",
        "ai-in-use is not answered yet",
        "nothing was saved",
    )
    ok("--db", org_db, "answer", "ai-in-use", "no")
    before = read_tables(org_db)
    assert_error(
        invoke("--db", org_db, "answer", "ai-vendor-terms", "yes"),
        2,
        "ai-in-use is answered no",
    )
    assert read_tables(org_db) == before
    ok("--db", org_db, "answer", "ai-in-use", "yes")
    saved = ok("--db", org_db, "answer", "ai-vendor-terms", "yes")
    assert "Saved ai-vendor-terms = yes" in saved.stdout
    # Clearing is always allowed: it tidies up an answer that no longer counts.
    ok("--db", org_db, "answer", "ai-in-use", "no")
    assert "Cleared" in ok("--db", org_db, "answer", "ai-vendor-terms", "clear").stdout


def test_answer_to_a_staff_question_for_a_sole_trader_says_so(db: Path) -> None:
    ok("--db", db, "org", "create", "Solo", "--staff", "1", "--system", "storefront:Shopify")
    assert_error(
        invoke("--db", db, "answer", "shr-shared-mailbox", "yes"),
        2,
        "does not apply to Solo",
        "staff besides the owner",
    )


def test_assessment_complete_counts_unconfirmed_carried_answers_and_asks(org_db: Path) -> None:
    ok("--db", org_db, "answer", "acc-password-manager", "yes")
    ok("--db", org_db, "answer", "gov-dpo", "no")
    ok("--db", org_db, "assessment", "complete")  # nothing carried: no question asked
    ok("--db", org_db, "assessment", "start")
    ok("--db", org_db, "answer", "gov-dpo", "no")  # answering again confirms one of the two
    before = read_tables(org_db)
    # Off a terminal without --yes: the count, exit 2, still open.
    refused = invoke("--db", org_db, "assessment", "complete")
    assert_error(refused, 2, "not completed (1 answer carried from last time is not confirmed yet)")
    assert "1 answer carried from last time is not confirmed yet" in refused.stdout
    assert read_tables(org_db) == before
    # On a terminal, "no" leaves it open and "yes" completes it.
    with pytest.MonkeyPatch.context() as patch:
        terminal = SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
        patch.setattr("pdpa_check.cli.files.sys", terminal)
        declined = CliRunner().invoke(
            cli, ["--db", str(org_db), "assessment", "complete"], input="n\n", env=WIDE
        )
        assert declined.exit_code == 0 and "Nothing was changed" in declined.stdout
        assert read_tables(org_db) == before
    done = ok("--db", org_db, "assessment", "complete", "--yes")
    assert "1 answer carried from last time is not confirmed yet" in done.stdout
    assert "Completed assessment 2" in done.stdout


def test_follow_ups_are_in_the_first_export_and_ignored_when_their_condition_is_false(
    org_db: Path, tmp_path: Path
) -> None:
    answers_file = tmp_path / "answers.toml"
    ok("--db", org_db, "answers", "export", answers_file)

    def no_ai_but_a_follow_up(entry: dict[str, Any]) -> None:
        if entry["question"] == "ai-in-use":
            entry["value"] = "no"
        if entry["question"] == "ai-vendor-terms":
            entry["value"] = "yes"
        if entry["question"] == "acc-password-manager":
            entry["value"] = "yes"

    edit_answers(answers_file, no_ai_but_a_follow_up)
    imported = ok("--db", org_db, "answers", "import", answers_file, "--yes").stdout
    assert "2 added" in imported and "1 ignored (not asked)" in imported
    assert "Ignore ai-vendor-terms: not asked (asked if ai-in-use is yes or partly)" in imported
    stored = {(row[1], row[2]) for row in read_tables(org_db)["answers"]}
    assert ("ai-in-use", "") in stored and ("ai-vendor-terms", "") not in stored

    # Changing the answer a follow-up waits for says which questions now apply.
    def ai_now(entry: dict[str, Any]) -> None:
        if entry["question"] == "ai-in-use":
            entry["value"] = "yes"
        if entry["question"] == "ai-vendor-terms":
            entry["value"] = ""

    edit_answers(answers_file, ai_now)
    imported = ok("--db", org_db, "answers", "import", answers_file, "--yes").stdout
    assert "ignored" not in imported
    now = next(line for line in imported.splitlines() if "now apply" in line)
    assert "not answered yet: ai-vendor-terms, " in now


def test_carried_answers_are_marked_and_an_unchanged_import_does_not_confirm_them(
    org_db: Path, tmp_path: Path
) -> None:
    ok("--db", org_db, "answer", "acc-password-manager", "yes")
    ok("--db", org_db, "answer", "gov-dpo", "no")
    ok("--db", org_db, "assessment", "complete")
    ok("--db", org_db, "assessment", "start")
    answers_file = tmp_path / "answers.toml"
    ok("--db", org_db, "answers", "export", answers_file)
    entries = tomllib.loads(answers_file.read_text(encoding="utf-8"))["answers"]
    marked = {e["question"]: (e.get("carried"), e.get("confirmed")) for e in entries}
    assert marked["acc-password-manager"] == marked["gov-dpo"] == (True, False)
    assert marked["inc-plan"] == (None, None)  # not answered: nothing carried
    assert score_json(org_db)["assessment"]["unconfirmed"] == 2

    unchanged = ok("--db", org_db, "answers", "import", answers_file, "--yes")
    assert "Nothing to import" in unchanged.stdout
    assert score_json(org_db)["assessment"]["unconfirmed"] == 2

    def confirm_one(entry: dict[str, Any]) -> None:
        if entry["question"] == "gov-dpo":
            entry["confirmed"] = True

    edit_answers(answers_file, confirm_one)
    confirmed = ok("--db", org_db, "answers", "import", answers_file, "--yes")
    assert "1 confirmed" in confirmed.stdout
    assert score_json(org_db)["assessment"]["unconfirmed"] == 1
    ok("--db", org_db, "answers", "export", answers_file, "--force")
    entries = tomllib.loads(answers_file.read_text(encoding="utf-8"))["answers"]
    marked = {e["question"]: (e.get("carried"), e.get("confirmed")) for e in entries}
    assert marked["gov-dpo"] == (None, None)
    assert marked["acc-password-manager"] == (True, False)

    def confirm_blank(entry: dict[str, Any]) -> None:
        if entry["question"] == "acc-password-manager":
            entry["value"], entry["confirmed"] = "", True

    edit_answers(answers_file, confirm_blank)
    assert_error(
        invoke("--db", org_db, "answers", "import", answers_file, "--yes"),
        2,
        'question "acc-password-manager"',
        "confirmed: true, but the value is blank",
    )


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (("score", "--demo"), "`pdpa-check --demo score ...`"),
        (("answers", "import", "x.toml", "--db", "x.db"), "`pdpa-check --db PATH answers import"),
        (("plan", "--org", "Kopi"), "`pdpa-check --org NAME plan ...`"),
    ],
)
def test_a_global_option_after_the_command_names_the_fix(args: tuple[str, ...], fix: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert "is a global option: put it before the command, as in" in result.stderr
    assert fix in result.stderr
    assert "No such option" not in result.stderr
    # Any other unknown option is still click's own message.
    other = invoke("score", "--nope")
    assert other.exit_code == 2 and "No such option '--nope'" in other.stderr


def test_a_dash_as_the_output_prints_instead_of_writing_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    ok("demo")
    plan = ok("--demo", "plan", "-o", "-").stdout
    assert plan.startswith("# PDPA readiness plan: Kampong Threads Pte Ltd")
    exported = ok("--demo", "answers", "export", "-").stdout
    assert tomllib.loads(exported)["format"] == "pdpa-check-answers"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("pdpa-check evidence im", "plain,import"),
        ("pdpa-check plan -o ", "file,"),
        ("pdpa-check kit plan -o ", "file,"),
        ("pdpa-check answers import ", "file,"),
    ],
)
def test_the_shell_completes_commands_and_file_names(words: str, expected: str) -> None:
    """Bash asks the program itself (`_PDPA_CHECK_COMPLETE`); zsh and fish use the same."""
    env = {
        "_PDPA_CHECK_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    result = CliRunner().invoke(cli, [], prog_name="pdpa-check", env=env)
    assert result.exit_code == 0
    assert result.stdout.strip() == expected


def _every_command() -> list[tuple[str, click.Command]]:
    def walk(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
        found: list[tuple[str, click.Command]] = []
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            found.append((prefix + name, command))
            if isinstance(command, click.Group):
                found += walk(command, prefix + name + " ")
        return found

    return walk(cli, "")


def test_every_help_page_shows_an_example_of_its_own_command() -> None:
    commands = _every_command()
    assert len(commands) >= 40
    for name, _command in [("", cli), *commands]:
        page = ok(*name.split(), "--help").stdout
        example = page.partition("Example")[2]
        assert example, f"`pdpa-check {name} --help` has no example"
        words = iter(example.split())  # the command's words, in order, in its example
        assert all(word in words for word in ["pdpa-check", *name.split()]), (name, example)


def test_a_dash_as_the_file_to_import_reads_standard_input(org_db: Path, tmp_path: Path) -> None:
    exported = ok("--db", org_db, "answers", "export", "-").stdout
    filled = exported.replace('value = ""', 'value = "no"', 1)
    imported = ok("--db", org_db, "answers", "import", "-", "--yes", input=filled)
    assert imported.stdout.startswith("stdin -> Kopi Shop")
    assert "Imported into assessment" in imported.stdout
    broken = invoke("--db", org_db, "answers", "import", "-", "--yes", input="garbage = [\n")
    assert_error(broken, 2, "1 problem(s) found")
    assert broken.stderr.startswith("stdin:2:")
    vendor = invoke("--db", org_db, "plan", "import", "-", "--yes", input="nope = 1\n")
    assert vendor.exit_code == 2 and vendor.stderr.startswith("stdin: ")
