"""`pdpa-check plan` as a group: the vendor file out and back in, and `plan set`."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from cli_support import assert_error, invoke, ok

from pdpa_check.scoring.rounding import shown_score
from pdpa_check.services.session import Session
from pdpa_check.store.db import open_database
from pdpa_check.store.repo import Store
from pdpa_check.support.paths import locations


def demo() -> Session:
    db = locations().demo_database
    return Session(Store(open_database(db), db), None)


def test_plain_plan_export_still_works(tmp_path: Path) -> None:
    ok("demo")
    assert "# " in ok("--demo", "plan").output
    tomllib.loads(ok("--demo", "plan", "--format", "toml").output)


def test_vendor_round_trip_through_the_cli(tmp_path: Path) -> None:
    ok("demo")
    target = tmp_path / "for-vendor.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", target)
    data = tomllib.loads(target.read_text())
    assert data["format"] == "pdpa-check-vendor"
    item = data["items"][0]
    item["status"] = "done"
    item["evidence"] = "Screenshot in the shared folder"
    data["questions"][0]["answer"] = "no"
    back = tmp_path / "from-vendor.toml"
    back.write_text(tomli_w.dumps(data))

    refused = invoke("--demo", "plan", "import", back)  # not a terminal, no --yes
    assert_error(refused, 2, "not applied", "--yes")
    assert refused.output.count(item["id"]) >= 1  # the preview was shown
    assert demo().plan_states().get(item["id"]) is None

    applied = ok("--demo", "plan", "import", back, "--yes")
    assert "Applied 2 change(s)" in applied.output
    state = demo().plan_states()[item["id"]]
    assert (state.status, state.evidence) == ("done", "Screenshot in the shared folder")

    again = ok("--demo", "plan", "import", back, "--yes")
    assert "nothing to change" in again.output


def test_a_vendor_file_with_problems_changes_nothing(tmp_path: Path) -> None:
    ok("demo")
    target = tmp_path / "v.toml"
    ok("--demo", "plan", "--format", "toml", "--for-vendor", "-o", target)
    data = tomllib.loads(target.read_text())
    data["items"][0]["status"] = "done"
    data["items"][1]["id"] = "made-up"
    target.write_text(tomli_w.dumps(data))
    result = invoke("--demo", "plan", "import", target, "--yes")
    assert_error(result, 2, 'items[1] (id "made-up"): no such item')
    assert demo().plan_states() == {}


def test_for_vendor_needs_toml(tmp_path: Path) -> None:
    ok("demo")
    assert_error(invoke("--demo", "plan", "--for-vendor"), 2, "--for-vendor goes with")


def test_plan_set_status_owner_and_dates(tmp_path: Path) -> None:
    ok("demo")
    item_id = demo().assessed().plan.items[0].id
    ok("--demo", "plan", "set", item_id, "--status", "in_progress", "--owner", "Mei Ling")
    ok("--demo", "plan", "set", item_id, "--due", "2027-01-31")
    state = demo().plan_states()[item_id]
    assert (state.status, state.owner, state.due_date) == ("in_progress", "Mei Ling", "2027-01-31")
    ok("--demo", "plan", "set", item_id, "--due", "")
    assert demo().plan_states()[item_id].due_date is None

    assert_error(invoke("--demo", "plan", "set", item_id, "--due", "2027-02-30"), 2, "not a date")
    assert_error(
        invoke("--demo", "plan", "set", item_id, "--status", "accepted_risk"), 2, "--reason"
    )
    assert_error(invoke("--demo", "plan", "set", "nope", "--status", "done"), 2, "no plan item")
    assert_error(invoke("--demo", "plan", "set", item_id), 2, "nothing to set")
    ok(
        "--demo",
        "plan",
        "set",
        item_id,
        "--status",
        "accepted_risk",
        "--reason",
        "Vendor upgrade in Q2",
        "--review",
        "2027-04-01",
    )
    assert demo().plan_states()[item_id].status == "accepted_risk"


def test_history_says_when_the_next_assessment_is_due(tmp_path: Path) -> None:
    ok("demo")
    result = ok("--demo", "history")
    assert "Next quarterly re-assessment due" in result.output


def test_history_shows_each_change_and_has_a_stable_json_shape(tmp_path: Path) -> None:
    ok("demo")
    data = json.loads(ok("--demo", "history", "--json").stdout)
    assert (data["format"], data["format_version"], data["demo"]) == (
        "pdpa-check-history",
        1,
        True,
    )
    assert set(data) == {
        "format", "format_version", "demo", "organisation", "assessments", "next_due", "overdue",
    }  # fmt: skip
    first, second = data["assessments"][:2]
    keys = {
        "id", "status", "started_on", "completed_on", "bank_id", "bank_version", "score",
        "band", "band_name", "change", "compared_with",
    }  # fmt: skip
    assert all(set(entry) == keys for entry in data["assessments"])
    assert first["status"] == second["status"] == "completed"
    assert (first["change"], first["compared_with"]) == (None, None)
    # The change is between the scores as shown (rounded down, one rule): each, then subtract.
    assert second["change"] == shown_score(second["score"]) - shown_score(first["score"])
    assert second["compared_with"] == first["id"]
    assert dt.date.fromisoformat(data["next_due"]) > dt.date.fromisoformat(second["completed_on"])
    assert isinstance(data["overdue"], bool)

    rows = [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in ok("--demo", "history").stdout.splitlines()
        if line.lstrip().startswith("│")
    ]
    assert [row[5] for row in rows[:2]] == ["", f"{second['change']:+d}"]


# Entries, budgets ------------------------------------------------------------------------


def plan_json(*options: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("--demo", "plan", "--format", "json", *options).output)
    return data


def horizon_counts(data: dict[str, Any]) -> dict[str, int]:
    return {h["id"]: h["entries"] for h in data["plan_budget"]["horizons"]}


def test_month_budget_for_this_run_and_from_config_toml(tmp_path: Path) -> None:
    ok("demo")
    default = plan_json()
    # The demo has 14 staff: 16 h + 8 h for the staff beyond 10.
    assert (default["plan_budget"]["month_hours"], default["plan_budget"]["source"]) == (
        24.0,
        "staff count",
    )
    small = plan_json("--month-budget", "4")
    assert (small["plan_budget"]["month_hours"], small["plan_budget"]["source"]) == (
        4.0,
        "this run",
    )
    assert horizon_counts(small)["this-month"] < horizon_counts(default)["this-month"]
    assert horizon_counts(small)["later"] > horizon_counts(default)["later"]
    # Critical fixes (16 h on the demo) stay this month, over the 4 h: the plan says so.
    assert small["plan_budget"]["critical_over_budget"] is True
    assert small["plan_budget"]["note"].startswith("Your critical fixes alone need about 16 hours")
    assert (
        "Your critical fixes alone need about 16 hours"
        in ok("--demo", "plan", "--month-budget", "4").output
    )
    assert all(e["horizon"] == "this-month" for e in small["plan"] if e["critical"])

    config = locations().config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("plan_month_hours = 60\n")
    configured = plan_json()
    assert (configured["plan_budget"]["month_hours"], configured["plan_budget"]["source"]) == (
        60.0,
        "config.toml",
    )
    assert plan_json("--month-budget", "8")["plan_budget"]["month_hours"] == 8.0  # run wins
    # The vendor file follows the same horizons.
    vendor = tomllib.loads(
        ok("--demo", "plan", "--month-budget", "4", "--format", "toml", "--for-vendor").output
    )
    by_id = {e["id"]: e["horizon"] for e in small["plan"]}
    assert all(entry["horizon"] == by_id[entry["id"]] for entry in vendor["entries"])


def test_a_bad_month_budget_is_one_line_and_exit_2(tmp_path: Path) -> None:
    ok("demo")
    for bad in ("0", "-3", "lots", "1000"):
        result = invoke("--demo", "plan", "--month-budget", bad)
        assert result.exit_code == 2, result.output
        assert "--month-budget" in result.output and "Traceback" not in result.output


def test_plan_set_on_an_entry_sets_every_system_or_one(tmp_path: Path) -> None:
    ok("demo")
    google = "enforce-mfa/google-workspace"
    klaviyo, meta = "enforce-mfa/klaviyo", "enforce-mfa/meta-business"
    entry = demo().assessed().plan.entry("enforce-mfa")
    assert entry is not None and entry.item_ids == (google, klaviyo, meta)
    out = ok("--demo", "plan", "set", "enforce-mfa", "--owner", "Raj").output
    assert f"Updated {google}, {klaviyo}, {meta}: owner = Raj" in out
    ok("--demo", "plan", "set", "enforce-mfa", "--system", "meta-business", "--status", "done")
    states = demo().plan_states()
    assert (states[google].owner, states[klaviyo].owner, states[meta].owner) == ("Raj",) * 3
    assert (states[klaviyo].status, states[meta].status) == ("open", "done")
    data = plan_json()
    mfa = next(e for e in data["plan"] if e["id"] == "enforce-mfa")
    assert [(s["id"], s["status"]) for s in mfa["systems"]] == [
        (google, "open"),
        (klaviyo, "open"),
        (meta, "done"),
    ]
    assert mfa["status"] == "in_progress"
    assert_error(
        invoke("--demo", "plan", "set", "enforce-mfa", "--system", "shopify", "--owner", "x"),
        2,
        "has no system 'shopify'",
    )


def test_plan_import_accepts_a_version_1_vendor_file(tmp_path: Path) -> None:
    ok("demo")
    data = tomllib.loads(ok("--demo", "plan", "--format", "toml", "--for-vendor").output)
    assert data["format_version"] == 2
    steps = {entry["id"]: entry["steps"] for entry in data.pop("entries")}
    data["format_version"] = 1
    for item in data["items"]:
        item["steps"] = steps[item.pop("entry")]
    meta = next(item for item in data["items"] if item["id"] == "enforce-mfa/meta-business")
    meta["status"] = "done"
    old = tmp_path / "old-vendor.toml"
    old.write_text(tomli_w.dumps(data))
    assert "Applied 1 change(s)" in ok("--demo", "plan", "import", old, "--yes").output
    states = demo().plan_states()
    assert states["enforce-mfa/meta-business"].status == "done"
    assert "enforce-mfa/klaviyo" not in states
