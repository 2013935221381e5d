"""Issue 13, item 9: the limits on what the owner types and what the tool prints.

Dates are checked to a sane range everywhere, saving the theme keeps every
other setting, error lists stop after 50 with a count, every error is one
line, and a closed pipe ends a command quietly.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner, Result
from pydantic import ValidationError
from tui_support import TODAY, new_session, reopen_session

from pdpa_check.cli import cli, kit_incident
from pdpa_check.cli.base import EXIT_CLOSED_PIPE, InputError, handled
from pdpa_check.dates import check_past, check_plan, parse_past_date, parse_plan_date
from pdpa_check.demo import build_demo
from pdpa_check.kit.facts import IncidentFacts, notifiability
from pdpa_check.kit.facts_file import read_facts
from pdpa_check.paths import locations
from pdpa_check.questionnaires.errors import MAX_PROBLEMS, BankError, Problems
from pdpa_check.questionnaires.loader import MAX_INPUT_BYTES, read_input_file, read_toml
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.settings import Settings, load_settings, save_settings
from pdpa_check.tui.screens.kit_wizard import Draft, build_facts
from pdpa_check.tui.screens.vendor_import import problem_list
from pdpa_check.vendor import VendorItem

WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}
FAR = "9999-12-31"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=WIDE, catch_exceptions=False)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """Exit 2, no traceback, and the last line is the one `pdpa-check: error:` line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


@pytest.fixture
def real_db(tmp_path: Path, profile: Profile) -> Path:
    db = tmp_path / "shop.db"
    new_session(db, profile).store.close()
    return db


# Dates: the readers in pdpa_check.dates ---------------------------------------------------


def test_past_dates_run_from_2000_to_today() -> None:
    assert check_past(TODAY, TODAY) == TODAY
    assert parse_past_date("2000-01-01", TODAY) == dt.date(2000, 1, 1)
    with pytest.raises(ValueError, match=r"2026-11-28 is in the future \(today is 2026-11-27\)"):
        parse_past_date("2026-11-28", TODAY)
    with pytest.raises(ValueError, match="9999-12-31 is in the future"):
        parse_past_date(FAR, TODAY)
    with pytest.raises(ValueError, match="1999-12-31 is before 2000-01-01"):
        parse_past_date("1999-12-31", TODAY)


def test_plan_dates_run_from_2000_to_ten_years_ahead() -> None:
    assert check_plan(dt.date(2036, 11, 27), TODAY) == dt.date(2036, 11, 27)
    assert parse_plan_date("2020-01-01", TODAY) == dt.date(2020, 1, 1)  # overdue is fine
    with pytest.raises(ValueError, match=r"2036-11-28 is more than 10 years ahead"):
        parse_plan_date("2036-11-28", TODAY)
    with pytest.raises(ValueError, match="before 2000-01-01"):
        parse_plan_date("0001-01-01", TODAY)


# Dates: the breach kit ----------------------------------------------------------------------

FACTS_TOML = """\
title = "Laptop stolen"
discovered_on = {found}
assessed_on = {assessed}
credentials = "yes"
"""


def test_kit_notify_with_a_far_future_date_is_one_line_and_exit_2(
    real_db: Path, tmp_path: Path
) -> None:
    facts = tmp_path / "incident.toml"
    facts.write_text(FACTS_TOML.format(found=FAR, assessed=FAR), encoding="utf-8")
    result = invoke("--db", real_db, "kit", "notify", "--facts", facts)
    assert_one_line_error(
        result,
        f"{facts}: discovered_on (line 2): 9999-12-31 is in the future",
        f"{facts}: assessed_on (line 3): 9999-12-31 is in the future",
    )
    assert result.stderr.strip().splitlines()[-1] == "pdpa-check: error: 2 problem(s) found"
    assert reopen_session(real_db).incidents() == []


def test_kit_notify_refuses_a_discovery_before_2000(real_db: Path, tmp_path: Path) -> None:
    facts = tmp_path / "incident.toml"
    facts.write_text(FACTS_TOML.format(found="1999-06-01", assessed="2026-01-02"), "utf-8")
    result = invoke("--db", real_db, "kit", "notify", "--facts", facts)
    assert_one_line_error(result, "discovered_on (line 2): 1999-06-01 is before 2000-01-01")


def test_the_notify_wizard_asks_again_for_a_discovery_before_2000(
    real_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kit_incident, "_stdin_is_terminal", lambda: True)
    answers = ["1999-12-31", "2020-05-01"] + [""] * 20  # the rest: each question's default
    result = CliRunner().invoke(
        cli,
        ["--db", str(real_db), "kit", "notify"],
        input="\n".join(answers) + "\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "this cannot be before 2000-01-01" in result.stderr
    [row] = reopen_session(real_db).incidents()
    assert row.facts.discovered_on == dt.date(2020, 5, 1)


def test_read_facts_checks_dates_against_the_given_today() -> None:
    text = FACTS_TOML.format(found="2026-11-27", assessed="2026-11-28")
    assert read_facts(text.encode(), "f.toml", dt.date(2026, 11, 28)).assessed_on is not None
    with pytest.raises(BankError) as caught:
        read_facts(text.encode(), "f.toml", TODAY)
    assert caught.value.problems == [
        "f.toml: assessed_on (line 3): 2026-11-28 is in the future (today is 2026-11-27)"
    ]
    later = (
        f"{FACTS_TOML.format(found='2026-11-27', assessed='2026-11-27')}next_update_on = {FAR}\n"
    )
    with pytest.raises(BankError, match=r"next_update_on \(line 5\): 9999-12-31 is more than 10"):
        read_facts(later.encode(), "f.toml", TODAY)


def test_a_stored_far_future_incident_still_gets_a_verdict() -> None:
    # A record saved before dates were checked must not crash `kit incidents` (OverflowError).
    facts = IncidentFacts(discovered_on=dt.date.max, assessed_on=dt.date.max, credentials="yes")
    verdict = notifiability(facts)
    assert verdict.assess_by == dt.date.max
    assert verdict.pdpc_by == dt.date.max


def test_the_apps_incident_form_refuses_dates_out_of_range() -> None:
    problems = build_facts(
        Draft(discovered="2026-11-28", assessed="", next_update="2040-01-01"), TODAY
    )
    assert isinstance(problems, dict)
    assert set(problems) == {"discovered", "next_update"}
    assert "in the future" in problems["discovered"]
    assert "more than 10 years ahead" in problems["next_update"]
    fine = build_facts(Draft(discovered="2026-11-27", next_update="2026-12-10"), TODAY)
    assert isinstance(fine, IncidentFacts)


# Dates: the plan and the vendor file --------------------------------------------------------


def test_plan_set_refuses_far_dates_and_changes_nothing(private_dirs: Path) -> None:
    where = locations()
    build_demo(where.demo_database, None)
    session = reopen_session(where.demo_database)
    item_id = session.assessed().plan.items[0].id
    before = session.plan_states()
    session.store.close()
    due = invoke("--demo", "plan", "set", item_id, "--due", FAR)
    assert_one_line_error(due, "--due: 9999-12-31 is more than 10 years ahead")
    review = invoke(
        "--demo",
        "plan",
        "set",
        item_id,
        "--status",
        "accepted_risk",
        "--reason",
        "no data held",
        "--review",
        "1999-01-01",
    )
    assert_one_line_error(review, "--review: 1999-01-01 is before 2000-01-01")
    assert reopen_session(where.demo_database).plan_states() == before


def test_a_vendor_completion_date_in_the_future_is_refused() -> None:
    today = {"today": TODAY}
    item = VendorItem.model_validate({"id": "a", "completed_on": "2026-11-27"}, context=today)
    assert item.completed_on == "2026-11-27"
    for day, message in ((FAR, "in the future"), ("1999-12-31", "before 2000-01-01")):
        with pytest.raises(ValidationError, match=message):
            VendorItem.model_validate({"id": "a", "completed_on": day}, context=today)
    # Without a context the real clock is today: a far-future date is still refused.
    with pytest.raises(ValidationError, match="in the future"):
        VendorItem.model_validate({"id": "a", "completed_on": FAR})


# Settings ------------------------------------------------------------------------------------


def test_saving_the_theme_keeps_every_other_setting(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "config.toml").write_text(
        'theme = "textual-dark"\nstale_after_days = 30\n[future]\nkey = "kept"\n', "utf-8"
    )
    assert save_settings(config, Settings(theme="nord", stale_after_days=30)) is None
    assert load_settings(config) == Settings(theme="nord", stale_after_days=30)
    data = tomllib.loads((config / "config.toml").read_text("utf-8"))
    assert data == {"theme": "nord", "stale_after_days": 30, "future": {"key": "kept"}}


def test_the_plan_month_budget_setting_is_read_kept_and_sane(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    path = config / "config.toml"
    for text, expected in (
        ("plan_month_hours = 40\n", 40.0),
        ("plan_month_hours = 12.5\n", 12.5),
        ("plan_month_hours = 0\n", None),  # out of range: the staff-count rule applies
        ("plan_month_hours = 745\n", None),
        ("plan_month_hours = true\n", None),
        ('plan_month_hours = "40"\n', None),
        ("", None),
    ):
        path.write_text(text, "utf-8")
        assert load_settings(config).plan_month_hours == expected, text
    path.write_text('plan_month_hours = 40\ntheme = "textual-dark"\n', "utf-8")
    assert save_settings(config, Settings(theme="nord", plan_month_hours=40.0)) is None
    assert tomllib.loads(path.read_text("utf-8"))["plan_month_hours"] == 40
    # Back to the default: the key goes (TOML has no null), the rest stays.
    assert save_settings(config, Settings(theme="nord")) is None
    assert tomllib.loads(path.read_text("utf-8")) == {"theme": "nord"}


def test_saving_the_theme_leaves_a_broken_settings_file_alone(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    broken = b"stale_after_days = 30\ntheme = [unclosed\n"
    (config / "config.toml").write_bytes(broken)
    problem = save_settings(config, Settings(theme="nord"))
    assert problem is not None
    assert str(config / "config.toml") in problem and "does not parse" in problem
    assert (config / "config.toml").read_bytes() == broken


def test_saving_settings_for_the_first_time_writes_every_changed_setting(tmp_path: Path) -> None:
    config = tmp_path / "new"
    assert save_settings(config, Settings(theme="nord", stale_after_days=30)) is None
    written = (config / "config.toml").read_text("utf-8")
    assert written == tomli_w.dumps({"theme": "nord", "stale_after_days": 30})


# Error lists ---------------------------------------------------------------------------------


def test_problems_keep_the_first_fifty_and_count_the_rest() -> None:
    problems = Problems()
    problems.extend(f"entry {n}: bad\n  detail" for n in range(400))
    assert len(problems) == 400 and problems.more == 350
    assert problems.messages[0] == "entry 0: bad detail"  # folded to one line
    assert len(problems.messages) == MAX_PROBLEMS
    with pytest.raises(BankError) as caught:
        problems.raise_if_any()
    assert caught.value.total == 400 and len(caught.value.problems) == MAX_PROBLEMS


def test_a_file_with_thousands_of_bad_entries_prints_fifty_and_a_count(
    real_db: Path, tmp_path: Path
) -> None:
    facts = tmp_path / "incident.toml"
    steps = ", ".join('"nope"' for _ in range(20_000))
    facts.write_text(f"discovered_on = 2026-01-02\ncustomer_steps = [{steps}]\n", "utf-8")
    result = invoke("--db", real_db, "kit", "notify", "--facts", facts)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2
    assert len(lines) == MAX_PROBLEMS + 2, lines[-3:]
    assert lines[0].startswith(f"{facts}: customer_steps[0] (line 2): ")
    assert lines[-2] == "... and 19950 more problem(s)"
    assert lines[-1] == "pdpa-check: error: 20000 problem(s) found"


def test_every_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def bad_file() -> None:
        raise BankError(["f.toml: value: first line\n  second line"])

    def bad_input() -> None:
        raise InputError("bad value:\nsee above")

    for func in (bad_file, bad_input):
        with pytest.raises(SystemExit) as stopped:
            handled(func)()
        assert stopped.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "f.toml: value: first line second line",
        "pdpa-check: error: 1 problem(s) found",
        "pdpa-check: error: bad value: see above",
    ]


# A closed pipe -------------------------------------------------------------------------------


@pytest.fixture
def demo_env(private_dirs: Path) -> dict[str, str]:
    """The demo database in the private folders, and an environment for child processes."""
    build_demo(locations().demo_database, locations().user_banks)
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PYTHONDEVMODE", None)
    return env


@pytest.mark.parametrize("args", [["score"], ["plan"], ["--help"], ["score", "--json"]])
def test_output_into_a_closed_pipe_ends_quietly(
    args: list[str], demo_env: dict[str, str], tmp_path: Path
) -> None:
    # The reader is gone before the command writes a byte: every write meets EPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pdpa_check", "--demo", *args],
            cwd=tmp_path,
            env=demo_env,
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == EXIT_CLOSED_PIPE == 141


def test_score_into_head_ends_quietly(demo_env: dict[str, str], tmp_path: Path) -> None:
    script = (
        f"{sys.executable} -m pdpa_check --demo score 2>err.txt | head -3 >/dev/null;"
        ' echo "${PIPESTATUS[0]}"'
    )
    proc = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # 0 if head read everything before closing, 141 if it closed first; never an error.
    assert proc.stdout.strip() in {"0", str(EXIT_CLOSED_PIPE)}
    assert (tmp_path / "err.txt").read_text() == ""


@pytest.mark.parametrize(
    ("args", "ending"),
    [
        (
            ["--demo", "answers", "import", "{folder}"],
            "{folder}: is a folder; give the file to read",
        ),
        (["--demo", "kit", "notify", "--facts", "{folder}"], "is a folder; give the file to read"),
        (
            ["--db", "{folder}", "score"],
            "Invalid value for '--db': File '{folder}' is a directory.",
        ),
    ],
)
def test_a_folder_given_as_a_file_is_one_line(args: list[str], ending: str, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = invoke(*(arg.format(folder=folder) for arg in args))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()  # not click's four-line usage block
    assert line.startswith("pdpa-check: error: ")
    assert line.endswith(ending.format(folder=folder))


# Size limit ----------------------------------------------------------------------------------


def test_an_input_file_over_five_megabytes_is_refused_unread(real_db: Path, tmp_path: Path) -> None:
    facts = tmp_path / "incident.toml"
    padding = "# padding\n" * (MAX_INPUT_BYTES // 10)  # a valid file, just far too big
    facts.write_text(f"{padding}discovered_on = 2026-01-02\n", "utf-8")
    result = invoke("--db", real_db, "kit", "notify", "--facts", facts)
    assert_one_line_error(result, f"{facts}: file is 5.0 MB; input files are limited to 5 MB")
    assert reopen_session(real_db).incidents() == []
    bank = tmp_path / "bank.toml"
    bank.write_bytes(b"#" * (MAX_INPUT_BYTES + 1))
    too_big = f"{bank}: file is 5.0 MB; input files are limited to 5 MB"
    assert_one_line_error(invoke("bank", "validate", bank), too_big)
    with pytest.raises(BankError, match="limited to 5 MB"):
        read_input_file(bank)
    assert len(read_input_file(bank, limit=MAX_INPUT_BYTES + 1)) == MAX_INPUT_BYTES + 1


def test_the_apps_vendor_import_lists_fifty_problems_and_a_count() -> None:
    error = Problems()
    error.extend(f"v.toml: items[{n}]: no such item" for n in range(400_000))
    shown = problem_list(error.error()).splitlines()
    assert len(shown) == 1 + MAX_PROBLEMS + 1
    assert shown[-2] == "- v.toml: items[49]: no such item"
    assert shown[-1] == "... and 399950 more problem(s)"


def test_a_list_of_400000_bad_entries_is_refused_before_validation(
    real_db: Path, tmp_path: Path
) -> None:
    # Validating it would describe every entry: hundreds of MB (issue 13 measured 507 MB).
    facts = tmp_path / "incident.toml"
    steps = ", ".join('"x"' for _ in range(400_000))
    facts.write_text(f"discovered_on = 2026-01-02\ncustomer_steps = [{steps}]\n", "utf-8")
    result = invoke("--db", real_db, "kit", "notify", "--facts", facts)
    assert_one_line_error(result, f"{facts}: customer_steps: 400,000 entries; at most 20,000")
    assert len(result.stderr.splitlines()) == 2
    with pytest.raises(BankError, match=r"answers\[0\]\.steps: 20,001 entries"):
        read_toml(tomli_w.dumps({"answers": [{"steps": ["x"] * 20_001}]}).encode(), "a.toml")
