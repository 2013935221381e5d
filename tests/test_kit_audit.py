"""The notifiability record as an audit trail (issue 14, item 5): the log of steps, when PDPC
and the people affected were told, reasons for a late notice, the grounds for not telling
individuals, and what PDPC weighs in mitigation."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tomllib
from pathlib import Path

import pytest
from cli_support import ok
from golden_files import check_golden
from kit_support import FACTS, facts, kit_context, record
from textual.widgets import Input, TextArea
from tui_support import (
    choose,
    flat,
    go_to,
    make_app,
    new_session,
    open_kit,
    reopen_session,
    shown_text,
    verdict,
)

from pdpa_check.exports.kit.notify import render_record_toml
from pdpa_check.exports.markdown import inline
from pdpa_check.kit.facts import NOTICE_GROUNDS, IncidentFacts, notifiability
from pdpa_check.kit.facts_file import facts_template, read_facts
from pdpa_check.questionnaires.loader import BankError
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile

TODAY = dt.date(2026, 12, 8)
LOG_FIELDS = ("at", "who", "what")
LOG = [
    {"at": dt.datetime(2026, 12, 1, 9, 30), "who": "Mei Ling Tan", "what": "Customer reported"},
    {"at": dt.date(2026, 12, 4), "who": "Raj Kumar", "what": "Assessed as notifiable"},
]

AUDITED_TOML = """\
title = "Shopify admin login stolen"
kind = "outside_access"
discovered_on = 2026-11-24
assessed_on = 2026-11-25
identifiers = "yes"
credentials = "yes"
affected = 1234
affected_verified = true
pdpc_notified_on = 2026-11-30
individuals_notified_on = 2026-11-30
late_reasons = "The owner was in hospital from 26 to 29 November."

[[log]]
at = 2026-11-24T09:30:00
who = "Mei Ling Tan"
what = "A customer reported a phishing email quoting her order number."

[[log]]
at = 2026-11-25
who = "Raj Kumar"
what = "Assessed the breach as notifiable: logins with passwords, 1,234 customers."

[[log]]
at = 2026-11-30T16:05:00
who = "Raj Kumar"
what = "Notified PDPC with its online form and emailed the customers."
"""


def audited() -> IncidentFacts:
    return read_facts(AUDITED_TOML.encode(), "f.toml", TODAY)


def rows_after(text: str, heading: str) -> list[str]:
    """The table rows (after the header) of the first table under `heading`."""
    part = text.split(heading, 1)[1]
    lines = [line for line in part.splitlines() if line.startswith("|")]
    table: list[str] = []
    for line in lines[2:]:
        table.append(line)
    return table[: next((n for n, row in enumerate(table) if "---" in row), len(table))]


# The log ----------------------------------------------------------------------------------


def test_golden_audit_trail(bank: Bank, profile: Profile) -> None:
    check_golden("kit-notify-audit.md", record(kit_context(bank, profile), audited()))


def test_the_log_is_read_from_the_facts_file_and_printed_as_a_table(
    bank: Bank, profile: Profile
) -> None:
    incident = audited()
    assert [entry.who for entry in incident.log] == ["Mei Ling Tan", "Raj Kumar", "Raj Kumar"]
    text = record(kit_context(bank, profile), incident)
    log = text.split("### Log", 1)[1].split("###", 1)[0]
    assert "| When | Who | What |" in log
    assert "| 2026-11-24 09:30 | Mei Ling Tan | A customer reported a phishing email" in log
    assert "| 2026-11-25 | Raj Kumar | Assessed the breach as notifiable" in log
    assert log.index("2026-11-24 09:30") < log.index("2026-11-25 |") < log.index("16:05")


def test_the_record_lists_each_step_with_its_date(bank: Bank, profile: Profile) -> None:
    text = record(kit_context(bank, profile), audited())
    trail = text.split("## Audit trail", 1)[1].split("###", 1)[0]
    assert "| First had reason to believe there was a breach | 2026-11-24 |" in trail
    assert "| Assessed as notifiable | 2026-11-25 |" in trail
    assert "| PDPC notified (no later than 2026-11-28, s26D(1)) | 2026-11-30 |" in trail
    assert "| People affected told | 2026-11-30 |" in trail


def test_an_empty_log_says_how_to_add_to_it(bank: Bank, profile: Profile) -> None:
    text = record(kit_context(bank, profile), FACTS)
    assert "No steps logged yet" in text and "[[log]]" in text
    assert "| PDPC notified (no later than 2026-12-07, s26D(1)) | not recorded yet |" in text


def test_log_entries_round_trip_through_the_toml_record_and_the_database(
    bank: Bank, profile: Profile
) -> None:
    incident = facts(log=LOG)
    data = tomllib.loads(
        render_record_toml(kit_context(bank, profile), incident, notifiability(incident))
    )
    assert data["facts"]["log"][0]["at"] == dt.datetime(2026, 12, 1, 9, 30)
    assert data["facts"]["log"][1]["at"] == dt.date(2026, 12, 4)
    assert IncidentFacts.model_validate(data["facts"]) == incident
    assert IncidentFacts.model_validate_json(incident.model_dump_json()) == incident


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("at = 2026-11-25\n", 'at = "yesterday"\n'), "log[1].at (line 19): "),
        (
            ('who = "Raj Kumar"\nwhat = "Assessed', 'who = " "\nwhat = "Assessed'),
            "log[1].who (line 20)",
        ),
        (("at = 2026-11-30T16:05:00", "at = 2026-11-30T16:05:00+08:00"), "log[2].at (line 24)"),
        (("at = 2026-11-30T16:05:00", "at = 2027-01-07T16:05:00"), "log[2].at (line 24): "),
        (('what = "Notified', 'colour = "red"\nwhat = "Notified'), "log[2].colour (line 26)"),
        (
            ("pdpc_notified_on = 2026-11-30", "pdpc_notified_on = 2026-11-07"),
            "pdpc_notified_on (line 9): Value error, this cannot be before discovered_on",
        ),
    ],
)
def test_log_problems_name_the_file_entry_and_line(change: tuple[str, str], fragment: str) -> None:
    old, new = change
    assert old in AUDITED_TOML
    with pytest.raises(BankError) as excinfo:
        read_facts(AUDITED_TOML.replace(old, new, 1).encode(), "f.toml", TODAY)
    problems = excinfo.value.problems
    assert any(p.startswith(f"f.toml: {fragment}") for p in problems), problems


def test_the_template_offers_every_audit_field_and_its_log_example_parses() -> None:
    template = facts_template(TODAY)
    for field in ("pdpc_notified_on", "individuals_notified_on", "late_reasons"):
        assert f"{field} =" in template
    assert 'not_telling_grounds = "none"' in template and 'not_telling_why = ""' in template
    for key in NOTICE_GROUNDS:
        assert f"#   {key}: " in template
    filled = template.replace('discovered_on = "YYYY-MM-DD"', "discovered_on = 2026-12-01")
    example = filled.split("# [[log]]", 1)[1]
    uncommented = filled.split("# [[log]]", 1)[0] + "[[log]]" + example.replace("\n# ", "\n")
    incident = read_facts(uncommented.encode(), "f.toml", TODAY)
    assert incident.log[0].who == "Mei Ling Tan"
    assert incident.log[0].at == dt.datetime(2026, 12, 8, 9, 30)


# A late notice ----------------------------------------------------------------------------


def test_a_late_pdpc_notice_asks_for_its_reasons_visibly(bank: Bank, profile: Profile) -> None:
    ctx = kit_context(bank, profile)
    late = facts(assessed_on=dt.date(2026, 12, 2), pdpc_notified_on=dt.date(2026, 12, 7))
    text = record(ctx, late)
    assert "### Late notice to PDPC" in text
    assert "2 calendar days after the deadline (2026-12-05)" in text
    assert "**Reasons for the late notice: [not recorded yet" in text
    data = tomllib.loads(render_record_toml(ctx, late, notifiability(late)))
    assert data["audit"]["pdpc_days_late"] == 2 and data["audit"]["late_reasons_missing"]
    explained = record(ctx, late.model_copy(update={"late_reasons": "Owner in hospital."}))
    assert "**Reasons:** Owner in hospital." in explained
    assert "[not recorded yet" not in explained


@pytest.mark.parametrize("notified", [dt.date(2026, 12, 5), dt.date(2026, 12, 7), None])
def test_no_late_section_on_or_before_the_deadline(
    notified: dt.date | None, bank: Bank, profile: Profile
) -> None:
    # FACTS is assessed on 4 December: the deadline is 7 December.
    text = record(kit_context(bank, profile), facts(pdpc_notified_on=notified))
    assert "Late notice to PDPC" not in text and "late_reasons" not in text


def test_telling_individuals_before_pdpc_is_flagged(bank: Bank, profile: Profile) -> None:
    early = facts(
        pdpc_notified_on=dt.date(2026, 12, 6), individuals_notified_on=dt.date(2026, 12, 5)
    )
    verdict = notifiability(early)
    assert any("before notifying PDPC" in w and "s26D(2)" in w for w in verdict.warnings)
    assert "before notifying PDPC" in record(kit_context(bank, profile), early)
    assert not notifiability(facts(pdpc_notified_on=dt.date(2026, 12, 6))).warnings


# Not telling the people affected -----------------------------------------------------------


@pytest.mark.parametrize(
    ("grounds", "flag", "limb"),
    [
        ("remedial_action", "harm_unlikely", "s26D(5)(a)"),
        ("technological_measure", "harm_unlikely", "s26D(5)(b)"),
        ("law_enforcement", "told_not_to_notify", "s26D(6)(a)"),
        ("pdpc_direction", "told_not_to_notify", "s26D(6)(b)"),
    ],
)
def test_the_grounds_for_not_telling_are_chosen_and_stated(
    grounds: str, flag: str, limb: str, bank: Bank, profile: Profile
) -> None:
    ctx = kit_context(bank, profile)
    chosen = facts(not_telling_grounds=grounds)
    assert getattr(chosen, flag) is True
    assert notifiability(chosen).notify_individuals == "no"
    text = record(ctx, chosen)
    section = text.split("### Not telling the people affected", 1)[1].split("###", 1)[0]
    assert limb in section and inline(NOTICE_GROUNDS[grounds]) in section
    assert "**Why: [not explained yet: write down" in section
    explained = record(ctx, facts(not_telling_grounds=grounds, not_telling_why="Laptop AES-256."))
    assert "**Why:** Laptop AES-256." in explained
    assert limb in notifiability(chosen).individuals_note


def test_no_grounds_no_section(bank: Bank, profile: Profile) -> None:
    text = record(kit_context(bank, profile), FACTS)
    assert "## Audit trail" in text and "| People affected told | not recorded yet |" in text
    assert "Not telling the people affected" not in text


def test_an_old_row_without_the_audit_fields_loads_and_asks_for_the_ground(
    real_db: Path,
    bank: Bank,
    profile: Profile,
) -> None:
    session = reopen_session(real_db)
    incident_id = session.save_incident(FACTS)
    session.store.close()
    # A row as the previous version stored it: no audit fields, only the old flag.
    old = FACTS.model_dump(mode="json")
    for key in ("not_telling_grounds", "not_telling_why", "pdpc_notified_on"):
        old.pop(key)
    for key in ("individuals_notified_on", "late_reasons", "log"):
        old.pop(key)
    old["harm_unlikely"] = True
    import json

    with sqlite3.connect(real_db) as conn:
        conn.execute("UPDATE incidents SET facts = ? WHERE id = ?", [json.dumps(old), incident_id])
    [row] = reopen_session(real_db).incidents()
    assert row.facts.harm_unlikely and row.facts.not_telling_grounds == "none"
    assert row.facts.log == () and row.facts.pdpc_notified_on is None
    text = record(kit_context(bank, profile), row.facts)
    assert "**Which ground: [not chosen yet" in text
    assert "Say which (not_telling_grounds)" in notifiability(row.facts).individuals_note


# Mitigation -------------------------------------------------------------------------------


def test_the_record_says_what_pdpc_weighs_and_cites_it(bank: Bank, profile: Profile) -> None:
    text = " ".join(record(kit_context(bank, profile), FACTS).split())
    assert (
        "whether the organisation took any action to mitigate the effects and consequences of"
        " the non-compliance, and the timeliness and effectiveness of that action (PDPA"
        " s48J(6)(d))" in text
    )
    assert "Advisory Guidelines on Enforcement of Data Protection Provisions" in text


# The command line -------------------------------------------------------------------------


def test_cli_notify_saves_the_log_and_prints_the_trail(real_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(AUDITED_TOML, encoding="utf-8")
    result = ok("--db", real_db, "kit", "notify", "--facts", path)
    assert "### Late notice to PDPC" in result.stdout
    assert "**Reasons:** The owner was in hospital" in result.stdout
    assert "| 2026-11-30 16:05 | Raj Kumar |" in result.stdout
    [row] = reopen_session(real_db).incidents()
    assert row.facts == audited()


# The app ----------------------------------------------------------------------------------


async def test_the_app_records_the_trail_and_saves_it_with_the_incident(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        values = {
            "discovered": "2026-11-20",
            "assessed": "2026-11-21",
            "pdpc_notified": "2026-11-26",
            "individuals_notified": "2026-11-26",
        }
        for name, value in values.items():
            screen.query_one(f"#f-{name.replace('_', '-')}", Input).value = value
        choose(screen, "not-telling-grounds", "technological_measure")
        await pilot.pause()
        shown = verdict(app)
        assert "2 calendar days after the deadline" in shown and "Reasons for a late" in shown
        assert "write down why" in shown
        screen.query_one("#f-not-telling-why", TextArea).load_text("AES-256; key not taken.")
        screen.query_one("#f-late-reasons", TextArea).load_text("Owner in hospital.")

        # A step with a bad time is refused beside the field, and nothing is added.
        log_fields = {name: screen.query_one(f"#f-log-{name}", Input) for name in LOG_FIELDS}
        log_fields["at"].value = "26/11 9am"
        log_fields["who"].value = "Mei Ling Tan"
        log_fields["what"].value = "Notified PDPC with its online form."
        screen.add_to_log()
        await pilot.pause()
        assert "Use a date and time such as" in flat(shown_text(app, "#f-log-at-error"))
        assert screen.log_entries == ()
        log_fields["at"].value = "2026-11-26 10:15"
        screen.add_to_log()
        log_fields["at"].value = "2026-11-20"
        log_fields["who"].value = "Raj Kumar"
        log_fields["what"].value = "Found the laptop missing."
        screen.add_to_log()
        await pilot.pause()
        assert [entry.who for entry in screen.log_entries] == ["Raj Kumar", "Mei Ling Tan"]
        assert "2026-11-26 10:15 · Mei Ling Tan" in flat(shown_text(app, "#log-table"))
        assert all(field.value == "" for field in log_fields.values())
        assert "late" not in verdict(app).split("Individuals", 1)[1]

        await pilot.press("ctrl+s")
        await pilot.pause()
    [row] = reopen_session(db).incidents()
    assert row.facts.pdpc_notified_on == dt.date(2026, 11, 26)
    assert row.facts.individuals_notified_on == dt.date(2026, 11, 26)
    assert row.facts.not_telling_grounds == "technological_measure" and row.facts.harm_unlikely
    assert row.facts.not_telling_why == "AES-256; key not taken."
    assert row.facts.late_reasons == "Owner in hospital."
    assert [(e.at, e.who) for e in row.facts.log] == [
        (dt.date(2026, 11, 20), "Raj Kumar"),
        (dt.datetime(2026, 11, 26, 10, 15), "Mei Ling Tan"),
    ]


async def test_the_app_keeps_an_old_incidents_flag_until_a_ground_is_chosen(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    session = new_session(db, profile)
    session.save_incident(IncidentFacts(discovered_on=dt.date(2026, 11, 20), harm_unlikely=True))
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        assert not screen.dirty
        assert "Choose the ground" in verdict(app)
        choose(screen, "not-telling-grounds", "law_enforcement")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    [row] = reopen_session(db).incidents()
    assert row.facts.told_not_to_notify and not row.facts.harm_unlikely
