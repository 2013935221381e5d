"""`pdpa-check evidence import`: a user list checked against the organisation, previewed,
applied only on confirmation, marked verified, and refused whole when anything is wrong."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest
from cli_support import assert_error, invoke, ok

FIXTURES = Path(__file__).parent / "fixtures" / "user_lists"
GOOGLE = FIXTURES / "google-workspace-users.csv"
GENERIC = FIXTURES / "generic.csv"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Kopi Shop: 4 staff, Google Workspace and Shopify."""
    path = tmp_path / "data" / "x.db"
    ok(
        "--db", path, "org", "create", "Kopi Shop", "--staff", "4",
        "--system", "email_suite:Google Workspace", "--system", "storefront:Shopify",
    )  # fmt: skip
    return path


def answers(db: Path) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(question, system) -> (value, note, evidence, verified) in the latest assessment."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT question_id, system_key, value, note, evidence, verified FROM answers"
            " WHERE assessment_id = (SELECT max(id) FROM assessments)"
        ).fetchall()
    finally:
        conn.close()
    return {(q, s): (v, n, e, m) for q, s, v, n, e, m in rows}


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_the_preview_shows_counts_and_each_proposal_and_nothing_changes_unconfirmed(
    db: Path,
) -> None:
    ok("--db", db, "answer", "acc-mfa", "yes", "--system", "google-workspace")
    before = digest(db)
    result = invoke("--db", db, "evidence", "import", GOOGLE)
    assert_error(result, 2, "not applied: confirm on a terminal, or run again with --yes")
    out = result.stdout
    assert "For Google Workspace (google-workspace):" in out
    assert "MFA: 4 of 7 active accounts enrolled; not enforced for everyone" in out
    assert "acc-mfa/google-workspace: partly (now yes)" in out
    assert "Daniel Ong" not in out and "daniel.ong" not in out  # the preview names nobody
    assert digest(db) == before


def test_applied_answers_are_marked_verified_with_the_file_and_keep_the_owners_note(
    db: Path,
) -> None:
    ok(
        "--db", db, "answer", "acc-mfa", "yes", "--system", "google-workspace",
        "--note", "asked Priya", "--evidence", "screenshot in Drive",
    )  # fmt: skip
    result = ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    assert "Applied 3 answer(s)" in result.stdout
    assert "Backup of the answers before" in result.stdout
    stored = answers(db)
    value, note, evidence, verified = stored[("acc-mfa", "google-workspace")]
    assert (value, note) == ("partly", "asked Priya")
    assert evidence == (
        "MFA: 4 of 7 active accounts enrolled; not enforced for everyone · screenshot in Drive"
    )
    assert '"google-workspace-users.csv", "Google Workspace user list"' in verified
    assert stored[("acc-shared-logins", "google-workspace")][0] == "partly"
    assert stored[("lvr-no-lingering", "")][0] == "partly"
    assert ("access-least-privilege", "") not in stored  # Google's list has no admin column


def test_a_second_import_replaces_the_lists_reason_and_keeps_the_owners_text(db: Path) -> None:
    ok(
        "--db", db, "answer", "acc-mfa", "no", "--system", "google-workspace",
        "--evidence", "my own check",
    )  # fmt: skip
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    evidence = answers(db)[("acc-mfa", "google-workspace")][2]
    assert evidence == (
        "MFA: 4 of 7 active accounts enrolled; not enforced for everyone · my own check"
    )


def test_changing_a_verified_answer_by_hand_makes_it_the_owners_word_again(db: Path) -> None:
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    assert answers(db)[("acc-mfa", "google-workspace")][3]
    ok("--db", db, "answer", "acc-mfa", "yes", "--system", "google-workspace")
    assert answers(db)[("acc-mfa", "google-workspace")][3] == ""


def test_one_clean_list_never_raises_an_answer_that_covers_every_system(db: Path) -> None:
    ok("--db", db, "answer", "access-least-privilege", "no")
    result = ok("--db", db, "evidence", "import", GENERIC, "--system", "shopify", "--yes")
    assert "access-least-privilege: left as it is (no, it covers every system" in result.stdout
    stored = answers(db)
    assert stored[("access-least-privilege", "")][0] == "no"
    assert stored[("lvr-no-lingering", "")][0] == "no"  # a gap lowers it: Aisyah has left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((GENERIC,), "a Generic user list file: say which system it is for with --system, one of"),
        ((GOOGLE, "--system", "shopify"), "a Google Workspace user list file, not a list of"),
        ((GOOGLE, "--system", "nope"), "no system 'nope' in the profile: google-workspace"),
        (
            (FIXTURES / "entra-registration-details.csv",),
            "a Microsoft Entra user registration details file, but the profile has no such system",
        ),
        ((FIXTURES / "edge" / "bad-generic-values.csv", "--system", "shopify"), "bad-generic-"),
        ((FIXTURES / "edge" / "bad-unknown-header.csv",), "it understands: Google Workspace"),
        ((FIXTURES / "missing.csv",), "missing.csv"),
    ],
)
def test_a_list_that_cannot_be_placed_or_read_is_refused_whole(
    db: Path, args: tuple[str | Path, ...], message: str
) -> None:
    ok("--db", db, "answer", "acc-mfa", "yes", "--system", "google-workspace")
    before = digest(db)
    result = invoke("--db", db, "evidence", "import", *args, "--yes")
    assert_error(result, 2)
    assert message in result.stdout + result.stderr
    assert digest(db) == before


def test_a_bad_cell_is_named_by_file_line_and_column(db: Path) -> None:
    bad = FIXTURES / "edge" / "bad-generic-values.csv"
    result = invoke("--db", db, "evidence", "import", bad, "--system", "shopify", "--yes")
    assert_error(result, 2, "2 problem(s) found")
    assert f'{bad}:3: mfa: "maybe" is not yes, no or unknown' in result.stderr


def test_the_names_reach_the_plan_and_forget_removes_them(db: Path) -> None:
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    plan = ok("--db", db, "plan", "--format", "md").stdout
    assert "**Who to chase:** Google Workspace: " in plan
    assert "Jun Wei Lim (never signed in)" in plan
    listed = ok("--db", db, "evidence", "list").stdout
    assert "google-workspace: google-workspace-users.csv (Google Workspace user list" in listed
    assert "Jun Wei Lim" not in listed  # the listing gives counts, not names
    ok("--db", db, "evidence", "forget", "google-workspace", "--yes")
    assert "Jun Wei Lim" not in ok("--db", db, "plan", "--format", "md").stdout
    assert "No user list imported yet" in ok("--db", db, "evidence", "list").stdout
    assert answers(db)[("acc-mfa", "google-workspace")][3]  # the answers keep their mark


def test_the_file_itself_is_never_kept(db: Path, tmp_path: Path) -> None:
    own = tmp_path / "staff.csv"
    shutil.copy(GOOGLE, own)
    ok("--db", db, "evidence", "import", own, "--yes")
    data = db.read_bytes()
    assert b"daniel.ong@example.com" not in data  # emails are not needed for the checklist
    assert b"Daniel Ong" in data  # the checklist's names are


def test_the_dormant_threshold_can_be_set(db: Path) -> None:
    result = invoke("--db", db, "evidence", "import", GOOGLE, "--dormant-days", "3650")
    assert "no sign-in for 3650 days" not in result.stdout
    assert "1 active account never signed in" in result.stdout
    refused = invoke("--db", db, "evidence", "import", GOOGLE, "--dormant-days", "0")
    assert refused.exit_code == 2 and "0 is not in the range 1<=x<=3650" in refused.stderr


def test_doctor_says_where_the_names_are_kept_and_how_to_delete_them(db: Path) -> None:
    assert "no names from user lists are kept" in invoke("--db", db, "doctor").stdout
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    out = invoke("--db", db, "doctor").stdout
    assert "names from 1 system(s)' user lists are kept in this database" in out
    assert "pdpa-check evidence forget SYSTEM" in out


def test_the_formats_understood_name_their_vendor_page_and_the_day_checked() -> None:
    out = ok("evidence", "formats").stdout
    assert "Google Workspace user list (google-workspace-users)" in out
    assert "Download a list of users, https://support.google.com/a/answer/7348070 (checked" in out
    assert "Generic user list (generic)" in out
    schema = json.loads(ok("bank", "schema", "--user-lists").stdout)
    assert "formats" in schema["properties"] and "Format" in schema["$defs"]


def test_an_entra_list_checks_the_microsoft_365_system(tmp_path: Path) -> None:
    db = tmp_path / "data" / "m.db"
    ok(
        "--db", db, "org", "create", "Teh Tarik Co", "--staff", "8",
        "--system", "email_suite:Microsoft 365", "--system", "storefront:Shopify",
    )  # fmt: skip
    entra = FIXTURES / "entra-registration-details-more-columns.csv"
    result = ok("--db", db, "evidence", "import", entra, "--yes")
    assert "For Microsoft 365 (microsoft-365):" in result.stdout
    stored = answers(db)
    assert stored[("acc-mfa", "microsoft-365")][3]  # verified
    assert "Microsoft Entra user registration details" in stored[("acc-mfa", "microsoft-365")][3]
    # The report has no sign-in dates: the leaver question is left as it is and says why.
    assert "lvr-no-lingering: left as it is" in result.stdout
    assert "no sign-in dates" in result.stdout


def test_a_verified_answer_carried_into_the_next_quarter_asks_for_a_fresh_list(
    db: Path,
) -> None:
    from tui_support import reopen_session

    from pdpa_check.questionnaires.model import Question
    from pdpa_check.tui.widgets.question_text import answer_status

    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    ok("--db", db, "assessment", "complete", "--yes")
    ok("--db", db, "assessment", "start")
    session = reopen_session(db)
    q = session.questionnaire()
    key = ("acc-mfa", "google-workspace")
    assert key in q.carried and key in q.verified  # the mark comes along, to confirm
    question: Question = q.bank.question("acc-mfa")
    status = answer_status(
        question, q.answers[key], None, carried=True, verified=q.verified[key]
    ).plain
    assert "VERIFIED from google-workspace-users.csv (Google Workspace user list of" in status
    assert "import a fresh list (ctrl+l) to check it again this quarter" in status
    # Like any answer, it goes stale once not confirmed for longer than the threshold.
    later = reopen_session(db)
    later.today = lambda: session.today() + dt.timedelta(days=200)
    assert key in later.stale_answers()


def test_the_answers_file_names_the_list_and_round_trips_the_mark(db: Path, tmp_path: Path) -> None:
    ok("--db", db, "evidence", "import", GOOGLE, "--yes")
    exported = tmp_path / "answers.toml"
    ok("--db", db, "answers", "export", exported)
    data = tomllib.loads(exported.read_text())
    assert data["format_version"] == 4
    by_key = {(e["question"], e.get("system", "")): e for e in data["answers"]}
    mfa = by_key[("acc-mfa", "google-workspace")]
    assert mfa["verified"].startswith("Google Workspace user list of ")
    assert "(google-workspace-users.csv)" in mfa["verified"]
    assert "verified" not in by_key[("acc-mfa", "shopify")]
    # Re-importing the file unchanged keeps the mark; the field itself is for reference.
    ok("--db", db, "answers", "import", exported, "--yes")
    assert answers(db)[("acc-mfa", "google-workspace")][3]


def test_every_account_enrolled_is_a_yes_only_where_the_platform_cannot_require_mfa(
    tmp_path: Path,
) -> None:
    db = tmp_path / "data" / "p.db"
    ok(
        "--db", db, "org", "create", "Roti Co", "--staff", "3",
        "--system", "payments:HitPay", "--system", "storefront:Shopify",
    )  # fmt: skip
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "email,name,mfa,admin,last_sign_in\n"
        "a@roti.example,Ana,yes,yes,2026-11-30\n"
        "b@roti.example,Bala,yes,no,2026-11-29\n"
    )
    hitpay = ok("--db", db, "evidence", "import", staff, "--system", "hitpay", "--yes").stdout
    assert "the platform cannot require MFA, so every account enrolled is a yes" in hitpay
    shopify = ok("--db", db, "evidence", "import", staff, "--system", "shopify", "--yes").stdout
    assert "acc-mfa/shopify: partly" in shopify  # Shopify can require it: enrolled is not enough
    stored = answers(db)
    assert (stored[("acc-mfa", "hitpay")][0], stored[("acc-mfa", "shopify")][0]) == (
        "yes",
        "partly",
    )


def test_a_list_read_from_standard_input_is_named_stdin(db: Path) -> None:
    result = ok(
        "--db", db, "evidence", "import", "-", "--system", "shopify", "--yes",
        input=GENERIC.read_text(),
    )  # fmt: skip
    assert "Generic user list (stdin), read " in result.stdout
    assert '"stdin", "Generic user list"' in answers(db)[("acc-mfa", "shopify")][3]
    refused = invoke("--db", db, "evidence", "import", "-", "--yes", input=GENERIC.read_text())
    assert_error(refused, 2)
    assert refused.stderr.startswith("stdin: a Generic user list file: say which system")
