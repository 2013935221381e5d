"""The notifiability record, the customer notice draft, the facts file and `kit notify|notice`."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from cli_support import assert_error, invoke, ok
from click.testing import CliRunner, Result
from golden_files import check_golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit_support import CONTACTS, FACTS, FOUND, GENERATED_ON, facts, kit_context, record
from markdown_it.token import Token
from markdown_support import (
    FORBIDDEN,
    HOSTILE_PIECES,
    PAYLOADS,
    commonmark,
    flat,
    headings,
    linkifying_parsers,
    name_from,
    outline,
    toml_text,
    walk,
)
from tui_support import reopen_session

from pdpa_check.cli import cli, kit_incident
from pdpa_check.exports.kit.notice import render_notice_markdown
from pdpa_check.exports.kit.notify import render_record_markdown, render_record_toml
from pdpa_check.kit.contacts import Contact, ContactRole
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import CUSTOMER_STEPS, IncidentFacts, notifiability
from pdpa_check.kit.facts_file import facts_template, read_facts
from pdpa_check.questionnaires.answers import Answer
from pdpa_check.questionnaires.loader import BankError, builtin_bank
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.store.lock import APP, DatabaseLock
from pdpa_check.support.text import for_output

# Phrases that sound defensive or are wrong about the PDPA clock.
BANNED = ("rest assured", "take your privacy seriously", "72 hours", "business day")


@cache
def the_bank() -> Bank:
    """The built-in bank, for property tests (a fixture would be printed with each example)."""
    return builtin_bank()


# Goldens -------------------------------------------------------------------------------


def test_golden_record_markdown(bank: Bank, profile: Profile) -> None:
    check_golden("kit-notify.md", record(kit_context(bank, profile), FACTS))


def test_golden_record_toml(bank: Bank, profile: Profile) -> None:
    text = render_record_toml(kit_context(bank, profile), FACTS, notifiability(FACTS))
    check_golden("kit-notify.toml", text)


def test_golden_notice(bank: Bank, profile: Profile) -> None:
    check_golden("kit-notice.md", render_notice_markdown(kit_context(bank, profile), FACTS))


# The record ----------------------------------------------------------------------------


def test_record_counts_three_calendar_days_from_the_assessment(
    bank: Bank, profile: Profile
) -> None:
    text = record(kit_context(bank, profile), FACTS)
    assert "no later than **2026-12-07** (3 calendar days after 2026-12-04" in text
    assert "Finish the assessment by 2026-12-31" in text  # 30 days after discovery
    assert "PDPC's expectation, not a deadline in the Act" in text
    assert "online form" in text
    assert "Clock starts" not in text


def test_record_says_the_clock_starts_when_the_owner_decides(bank: Bank, profile: Profile) -> None:
    text = record(kit_context(bank, profile), facts(assessed_on=None))
    assert "The clock starts on the day you decide it is notifiable: record that date." in text
    assert "no later than **" not in text
    assert "Assessed as notifiable on:** not decided yet" in text


def test_record_marks_what_is_uncertain(bank: Bank, profile: Profile) -> None:
    incident = facts(
        kind="unknown",
        assessed_on=None,
        credentials="unknown",
        identifiers="unknown",
        affected=300,
        affected_verified=False,
        confined="unknown",
    )
    text = record(kit_context(bank, profile), incident)
    assert "## Verdict: Not yet clear" in text
    assert "**Uncertain:**" in text
    assert "About 300 (an estimate, not yet checked: uncertain)" in text
    assert "- what kind of incident it is" in text
    assert "Not clear yet (uncertain)." in text


def test_record_when_nothing_is_due(bank: Bank, profile: Profile) -> None:
    internal = {"kind": "internal", "confined": "yes"}
    confined = record(kit_context(bank, profile), facts(**internal, assessed_on=None))
    assert "## Verdict: Excluded: confined within the organisation (s26B(4))" in confined
    assert "Nothing is due to PDPC on these facts" in confined
    # The owner's own decision that it is notifiable still gets its deadline.
    decided = record(kit_context(bank, profile), facts(**internal))
    assert "you recorded 2026-12-04 as the day you assessed it as notifiable" in decided
    assert "no later than **2026-12-07**" in decided


def test_record_explains_the_prescribed_classes_and_thresholds(
    bank: Bank, profile: Profile
) -> None:
    text = record(kit_context(bank, profile), FACTS)
    assert "Schedule Part 1 item 8: The person's net worth." in text
    assert "Schedule Part 1 item 3: The number of a credit, charge or debit card" in text
    assert "uncertain" not in text.split('## What makes harm "significant"')[1]
    assert "affects 500 or more people (s26B(3), reg 4)" in text
    assert "an estimate counts" in text
    assert "s26B(4)" in text
    assert "## Decision log" in text
    assert "not legal advice" in text


def test_record_decision_log_is_a_table_with_blank_cells(bank: Bank, profile: Profile) -> None:
    tokens = commonmark().parse(record(kit_context(bank, profile), FACTS))
    log = next(table for table in tables_of(tokens) if table[0][0] == "Decision")
    assert log[0] == ["Decision", "Decided by", "Date", "Signature"]
    assert len(log) == 5 and all(row[1:] == ["", "", ""] for row in log[1:])


@pytest.mark.parametrize(
    "incident",
    [
        FACTS,
        facts(assessed_on=None),
        facts(confined="yes"),
        facts(credentials="no", identifiers="no", affected=3, affected_verified=True),
        facts(credentials="unknown", affected=None),
    ],
)
def test_no_wrong_clock_and_always_not_legal_advice(
    incident: IncidentFacts, bank: Bank, profile: Profile
) -> None:
    ctx = kit_context(bank, profile)
    verdict = notifiability(incident)
    outputs = [
        render_record_markdown(ctx, incident, verdict),
        render_record_toml(ctx, incident, verdict),
        render_notice_markdown(ctx, incident),
    ]
    for text in outputs:
        for phrase in BANNED:
            assert phrase not in text.lower(), phrase
        assert "not legal advice" in text
    assert re.search(r"https?://|www\.", "".join(outputs)) is None


def test_record_toml_reads_back_as_the_same_facts(bank: Bank, profile: Profile) -> None:
    data = tomllib.loads(
        render_record_toml(kit_context(bank, profile), FACTS, notifiability(FACTS))
    )
    assert IncidentFacts.model_validate(data["facts"]) == FACTS
    assert data["generated_on"] == GENERATED_ON
    assert data["organisation"] == {"name": "Test Shop"}
    assert data["basis"] == {"bank_id": bank.id, "bank_version": bank.version, "assessment": 7}
    assert data["verdict"]["outcome"] == "likely"
    assert data["verdict"]["deadlines"]["pdpc_by"] == dt.date(2026, 12, 7)
    assert data["verdict"]["deadlines"]["assess_by"] == dt.date(2026, 12, 31)
    open_clock = facts(assessed_on=None, next_update_on=None, affected=None)
    data = tomllib.loads(
        render_record_toml(kit_context(bank, profile), open_clock, notifiability(open_clock))
    )
    assert "pdpc_by" not in data["verdict"]["deadlines"]
    assert {"assessed_on", "next_update_on", "affected"}.isdisjoint(data["facts"])
    assert IncidentFacts.model_validate(data["facts"]) == open_clock


# The notice ----------------------------------------------------------------------------


def test_notice_states_the_data_as_known_so_far(bank: Bank, profile: Profile) -> None:
    ctx = kit_context(bank, profile)
    unverified = facts(data_involved="names and card numbers", data_verified=False)
    text = render_notice_markdown(ctx, unverified)
    # reg 6: the data involved as known at the time, marked as such, not left out.
    assert "What we know so far: names and card numbers. We are still confirming this" in text
    assert "We have confirmed" not in text
    assert "may involve your personal information" in text
    verified = render_notice_markdown(ctx, facts(data_involved="names and card numbers"))
    assert "We have confirmed that this information was involved: names and card" in verified
    assert "What we know so far" not in verified


def test_notice_never_states_an_unverified_count(bank: Bank, profile: Profile) -> None:
    ctx = kit_context(bank, profile)
    estimate = render_notice_markdown(ctx, facts(affected=1234, affected_verified=False))
    assert "1,234" not in estimate and "1234" not in estimate
    assert "how many customers are affected" in estimate
    checked = render_notice_markdown(ctx, facts(affected=1234, affected_verified=True))
    assert "The incident affects 1,234 customers." in checked
    unknown = render_notice_markdown(ctx, facts(affected=None, affected_verified=True))
    assert "The incident affects" not in unknown


def test_notice_gaps_are_visible_placeholders(bank: Bank, profile: Profile) -> None:
    bare = IncidentFacts(discovered_on=FOUND, customer_steps=())
    text = render_notice_markdown(kit_context(bank, profile, contacts={}), bare)
    for placeholder in (
        "[Describe in one or two sentences what happened and when]",
        "[Say what you are still finding out",
        "[Say what you have done so far",
        "[Say what customers should do now",
        "contact us at [an email address or phone number customers can use]",
        "We will update you by [date]",
        "[Your name and role]",
    ):
        assert placeholder in text
    assert "Nobody is named yet to approve messages to customers" in text
    # Placeholders stay text: no link is made of a bracket.
    kinds = {token.type for token in walk(commonmark().parse(text))}
    assert "link_open" not in kinds


def test_notice_note_to_owner(bank: Bank, profile: Profile) -> None:
    text = render_notice_markdown(kit_context(bank, profile), FACTS)
    note = text.split("\n---\n")[0]
    assert "draft" in note
    assert "Have it checked by Raj Kumar, who approves messages to customers." in note
    assert "at the same time as, or after, you notify PDPC" in note
    tokens = commonmark().parse(text)
    assert "blockquote_open" in [token.type for token in tokens]


def test_notice_is_plain_and_apologises(bank: Bank, profile: Profile) -> None:
    text = render_notice_markdown(kit_context(bank, profile), FACTS)
    assert "We are sorry that this has happened." in text
    for phrase in ("rest assured", "seriously", "your fault", "you should have"):
        assert phrase not in text.lower()
    assert "We first learned of it on 1 December 2026." in text
    assert "We will update you by 11 December 2026" in text


def test_notice_steps_in_a_fixed_order(bank: Bank, profile: Profile) -> None:
    chosen = ("contact_bank", "watch_accounts", "reset_password")
    text = render_notice_markdown(kit_context(bank, profile), facts(customer_steps=chosen))
    positions = [text.find(CUSTOMER_STEPS[key][:30]) for key in CUSTOMER_STEPS]
    shown = [pos for key, pos in zip(CUSTOMER_STEPS, positions, strict=True) if key in chosen]
    assert all(pos > 0 for pos in shown) and shown == sorted(shown)
    assert CUSTOMER_STEPS["watch_phishing"][:30] not in text


def test_notice_contact_point_order(bank: Bank, profile: Profile) -> None:
    def contact_line(ctx: KitContext, incident: IncidentFacts) -> str:
        text = render_notice_markdown(ctx, incident)
        return next(line for line in text.splitlines() if line.startswith("If you have questions"))

    ctx = kit_context(bank, profile)
    assert "us at help@shop.example" in contact_line(ctx, facts(contact_point="help@shop.example"))
    public = Answer.model_construct(
        question_id="gov-dpo-contact", system_key="", value="privacy@shop.example"
    )
    with_answer = kit_context(bank, profile, answers={("gov-dpo-contact", ""): public})
    assert "officer at privacy@shop" in contact_line(with_answer, FACTS)
    assert "Siti Rahman, at dpo@shop" in contact_line(ctx, FACTS)
    approver_only = kit_context(
        bank, profile, contacts={"comms_approver": CONTACTS["comms_approver"]}
    )
    assert "Raj Kumar at raj@shop" in contact_line(approver_only, FACTS)


# Injection -----------------------------------------------------------------------------


def tables_of(tokens: list[Token]) -> list[list[list[str]]]:
    found: list[list[list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type in ("th_open", "td_open"):
            found[-1][-1].append(tokens[i + 1].content.strip())
    return found


def hostile(bank: Bank, profile: Profile, text: str) -> tuple[KitContext, IncidentFacts]:
    """Every outside string in the documents set to `text` (kept valid where it must be)."""
    name = name_from(text)
    systems = tuple(System(key=s.key, kind=s.kind, name=name) for s in profile.systems)
    renamed = Profile(
        name=name, staff_count=profile.staff_count, sector=profile.sector, systems=systems
    )
    roles: tuple[ContactRole, ...] = ("incident_lead", "comms_approver", "dpo")
    contacts = {role: Contact(role=role, name=name, reach=name) for role in roles}
    incident = facts(
        title=name,
        what_happened=name,
        data_involved=name,
        not_yet_known=name,
        actions_taken=name,
        contact_point=name,
    )
    return kit_context(bank, renamed, contacts=contacts), incident


def documents(ctx: KitContext, incident: IncidentFacts) -> dict[str, str]:
    return {"record": record(ctx, incident), "notice": render_notice_markdown(ctx, incident)}


def check_inert(bank: Bank, profile: Profile, text: str) -> None:
    baseline = documents(*hostile(bank, profile, "x"))
    ctx, incident = hostile(bank, profile, text)
    for kind, rendered in documents(ctx, incident).items():
        tokens = commonmark().parse(rendered)
        expected = commonmark().parse(baseline[kind])
        assert outline(tokens) == outline(expected), kind
        assert [h[0] for h in headings(tokens)] == [h[0] for h in headings(expected)]
        assert [len(t) for t in tables_of(tokens)] == [len(t) for t in tables_of(expected)]
        assert [len(r) for t in tables_of(tokens) for r in t] == [
            len(r) for t in tables_of(expected) for r in t
        ]
        for md in [commonmark(), *linkifying_parsers()]:
            kinds = {token.type for token in walk(md.parse(rendered))}
            assert not kinds & {"html_block", "html_inline", "image", "link_open"}, (kind, kinds)
        assert headings(tokens)[0][1].endswith(": " + flat(ctx.profile.name))
        assert not FORBIDDEN.search(rendered)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_documents_are_inert_curated(payload: str, bank: Bank, profile: Profile) -> None:
    check_inert(bank, profile, payload)


hostile_text = st.lists(
    st.sampled_from(HOSTILE_PIECES) | st.text(max_size=3), min_size=1, max_size=12
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=hostile_text)
def test_documents_are_inert_property(text: str, profile: Profile) -> None:
    check_inert(the_bank(), profile, text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=toml_text)
def test_record_toml_round_trips_hostile_text(text: str, profile: Profile) -> None:
    text = text.replace("\ud800", "").replace("\udfff", "")
    ctx, incident = hostile(the_bank(), profile, text)
    parsed = tomllib.loads(render_record_toml(ctx, incident, notifiability(incident)))
    assert IncidentFacts.model_validate(parsed["facts"]) == incident
    assert parsed["facts"]["what_happened"] == incident.what_happened
    assert parsed["organisation"]["name"] == for_output(ctx.profile.name)
    assert not FORBIDDEN.search(parsed["facts"]["title"] + parsed["organisation"]["name"])
    assert set(parsed) == {
        "format",
        "format_version",
        "generated_on",
        "tool_version",
        "disclaimer",
        "organisation",
        "basis",
        "facts",
        "verdict",
        "audit",
    }


# The facts file ------------------------------------------------------------------------


def filled(template: str, day: str = "2026-12-01") -> str:
    return template.replace('discovered_on = "YYYY-MM-DD"', f"discovered_on = {day}")


def test_template_parses_and_validates_once_the_date_is_filled_in() -> None:
    template = facts_template(GENERATED_ON)
    assert tomllib.loads(template)["discovered_on"] == "YYYY-MM-DD"
    with pytest.raises(BankError) as excinfo:
        read_facts(template.encode(), "f.toml", GENERATED_ON)
    assert excinfo.value.problems[0].startswith("f.toml: discovered_on (line ")
    parsed = read_facts(filled(template).encode(), "f.toml", GENERATED_ON)
    assert parsed.discovered_on == FOUND
    assert parsed == IncidentFacts(discovered_on=FOUND)


def test_template_explains_every_field() -> None:
    template = facts_template(GENERATED_ON)
    lines = template.splitlines()
    for field in IncidentFacts.model_fields:
        # A list of tables (the log) is shown as its `[[log]]` header.
        form = rf"#? ?({field} =|\[\[{field}\]\]$)"
        line = next((n for n, text in enumerate(lines) if re.match(form, text)), None)
        assert line is not None, field
        assert lines[line - 1].startswith("#"), field  # a comment says what it is
    for key in CUSTOMER_STEPS:
        assert f"#   {key}:" in template


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda t: t + "\nwhat_happened = 'unclosed\n", "f.toml:"),
        (lambda t: t + "\ncolour = 'red'\n", "colour (line "),
        (lambda t: t.replace('confined = "unknown"', 'confined = "maybe"'), "confined (line "),
        (lambda t: t.replace("discovered_on = 2026-12-01", 'discovered_on = "soon"'), "line "),
        (
            lambda t: t.replace("# assessed_on = 2026-12-08", "assessed_on = 2026-11-20"),
            "assessed_on (line ",
        ),
        (
            lambda t: t.replace('customer_steps = ["watch_phishing"]', 'customer_steps = ["x"]'),
            "customer_steps[0] (line ",
        ),
    ],
)
def test_facts_file_problems_name_the_file_and_place(
    change: Callable[[str], str], fragment: str
) -> None:
    text = change(filled(facts_template(GENERATED_ON)))
    with pytest.raises(BankError) as excinfo:
        read_facts(text.encode(), "f.toml", GENERATED_ON)
    problems = excinfo.value.problems
    assert problems and all(p.startswith("f.toml") for p in problems)
    assert any(fragment in p for p in problems), problems


def test_facts_file_line_numbers_are_right() -> None:
    text = filled(facts_template(GENERATED_ON)).replace('confined = "unknown"', 'confined = "x"')
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("confined ="))
    with pytest.raises(BankError) as excinfo:
        read_facts(text.encode(), "f.toml", GENERATED_ON)
    assert excinfo.value.problems[0].startswith(f"f.toml: confined (line {line}): ")


# The command line ----------------------------------------------------------------------

FACTS_TOML = """\
title = "Shopify admin login stolen"
discovered_on = 2026-12-01
assessed_on = 2026-12-04
identifiers = "yes"
credentials = "yes"
affected = 1234
affected_verified = true
confined = "no"
what_happened = "Someone signed in to our Shopify admin with a stolen password."
data_involved = "names and card numbers"
data_verified = false
"""


def write_facts(tmp_path: Path, text: str = FACTS_TOML) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_notify_records_and_notice_reads_it_back(real_db: Path, tmp_path: Path) -> None:
    result = ok("--db", real_db, "kit", "notify", "--facts", write_facts(tmp_path))
    assert result.stdout.startswith("# Breach notifiability record: Test Shop")
    assert "no later than **2026-12-07**" in result.stdout
    assert "Recorded as incident #1" in result.stderr
    assert "Recorded" not in result.stdout  # the record alone on stdout
    [row] = reopen_session(real_db).incidents()
    assert row.facts.title == "Shopify admin login stolen"
    assert row.facts.affected == 1234

    listed = ok("--db", real_db, "kit", "incidents").stdout
    assert "Shopify admin login stolen" in listed
    assert "2026-12-07" in listed and "Likely notifiable" in listed

    notice = ok("--db", real_db, "kit", "notice").stdout
    assert notice.startswith("# Customer notice (draft): Test Shop")
    assert "stolen password" in notice
    assert "What we know so far: names and card numbers." in notice  # unverified in the file
    assert "The incident affects 1,234 customers." in notice


def test_cli_notify_toml_to_a_folder_and_no_save(real_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    facts_file = write_facts(tmp_path)
    result = ok(
        "--db", real_db, "kit", "notify", "--facts", facts_file, "--format", "toml",
        "-o", out, "--no-save",
    )  # fmt: skip
    [written] = list(out.iterdir())
    assert written.name.startswith("test-shop-incident-record-") and written.suffix == ".toml"
    assert tomllib.loads(written.read_text())["verdict"]["outcome"] == "likely"
    assert "Not recorded (--no-save)" in result.stderr
    assert reopen_session(real_db).incidents() == []
    refused = invoke("--db", real_db, "kit", "notify", "--facts", facts_file, "-o", written)
    assert_error(refused, 1, "already exists")
    assert reopen_session(real_db).incidents() == []


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (FACTS_TOML + "what_happened = 'twice'\n", ["facts.toml:12:"]),
        (FACTS_TOML.replace("2026-12-04", "2026-11-20"), ["assessed_on (line 3)"]),
        (FACTS_TOML + "colour = 'red'\n", ["colour (line 12)"]),
        (FACTS_TOML.replace("affected = 1234", "affected = 'lots'"), ["affected (line 6)"]),
        (FACTS_TOML.replace("2026-12-01", '"next week"'), ["discovered_on (line 2)"]),
    ],
)
def test_cli_bad_facts_file_saves_nothing(
    text: str, fragments: list[str], real_db: Path, tmp_path: Path
) -> None:
    path = write_facts(tmp_path, text)
    result = invoke("--db", real_db, "kit", "notify", "--facts", path)
    assert_error(result, 2, str(path), *fragments)
    assert result.stdout == ""
    assert reopen_session(real_db).incidents() == []


def test_cli_missing_facts_file(real_db: Path, tmp_path: Path) -> None:
    result = invoke("--db", real_db, "kit", "notify", "--facts", tmp_path / "nope.toml")
    assert_error(result, 2, "nope.toml", "cannot read")


def test_cli_notify_without_facts_off_a_terminal(real_db: Path) -> None:
    result = invoke("--db", real_db, "kit", "notify")
    assert_error(result, 2, "--facts", "kit template")


def test_cli_notify_wizard(real_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit_incident, "_stdin_is_terminal", lambda: True)
    today = dt.date.today()  # the CLI's own clock: dates must not be in the future
    found, assessed = today - dt.timedelta(days=6), today - dt.timedelta(days=3)
    answers = [
        (today + dt.timedelta(days=1)).isoformat(),  # discovered tomorrow: asked again
        found.isoformat(),
        (found - dt.timedelta(days=1)).isoformat(),  # assessed before discovery: asked again
        "2026-02-30",  # not a date: asked again
        assessed.isoformat(),
        "1",  # kind: outside access or theft
        "y",  # identifiers
        "x",  # not a choice: asked again
        "y",  # credentials
        "n",  # card numbers
        "n",  # bank accounts
        "n",  # pay
        "n",  # prescribed
        "lots",  # not a number: asked again
        "1,234",
        "y",  # verified
    ]
    result = invoke_with_input(real_db, "\n".join(answers) + "\n")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "cannot be after today" in result.stderr
    assert f"cannot be before {found.isoformat()}" in result.stderr
    assert "is not a real date" in result.stderr
    deadline = (assessed + dt.timedelta(days=3)).isoformat()
    assert f"no later than **{deadline}**" in result.stdout
    assert f"notify PDPC no later than {deadline}" in result.stderr
    [row] = reopen_session(real_db).incidents()
    got = row.facts
    assert (got.discovered_on, got.assessed_on) == (found, assessed)
    assert (got.kind, got.credentials, got.identifiers, got.prescribed, got.confined) == (
        "outside_access",
        "yes",
        "yes",
        "no",
        "unknown",  # asked only for an internal incident
    )
    assert (got.affected, got.affected_verified) == (1234, True)


def test_cli_wizard_blanks_mean_not_known(real_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit_incident, "_stdin_is_terminal", lambda: True)
    result = invoke_with_input(real_db, "\n" * 12)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "The clock starts on the day you decide it is notifiable" in result.stdout
    [row] = reopen_session(real_db).incidents()
    assert row.facts.discovered_on == dt.date.today()  # the default
    assert row.facts.assessed_on is None and row.facts.affected is None
    assert row.facts.credentials == "unknown" and row.facts.confined == "unknown"


def invoke_with_input(db: Path, text: str) -> Result:
    return CliRunner().invoke(
        cli, ["--db", str(db), "kit", "notify"], input=text, catch_exceptions=False
    )


def test_cli_notice_needs_an_incident(real_db: Path, tmp_path: Path) -> None:
    assert_error(invoke("--db", real_db, "kit", "notice"), 2, "kit notify", "--facts")
    assert_error(invoke("--db", real_db, "kit", "notice", "--incident", "9"), 2, "kit notify")
    from_file = ok("--db", real_db, "kit", "notice", "--facts", write_facts(tmp_path)).stdout
    assert "stolen password" in from_file


def test_cli_notice_picks_an_incident(real_db: Path, tmp_path: Path) -> None:
    ok("--db", real_db, "kit", "notify", "--facts", write_facts(tmp_path))
    second = FACTS_TOML.replace("stolen password", "phished password")
    ok("--db", real_db, "kit", "notify", "--facts", write_facts(tmp_path, second))
    assert "phished password" in ok("--db", real_db, "kit", "notice").stdout
    first = ok("--db", real_db, "kit", "notice", "--incident", "1")
    assert "stolen password" in first.stdout
    assert "Drafting from incident #1: Shopify admin login stolen" in first.stderr
    assert_error(invoke("--db", real_db, "kit", "notice", "--incident", "7"), 2, "no incident #7")


def test_cli_incidents_empty(real_db: Path) -> None:
    assert "No incidents recorded" in ok("--db", real_db, "kit", "incidents").stdout


def test_cli_template_validates_once_filled(real_db: Path, tmp_path: Path) -> None:
    printed = ok("kit", "template").stdout
    assert read_facts(filled(printed).encode(), "t.toml", GENERATED_ON).discovered_on == FOUND
    target = tmp_path / "incident.toml"
    ok("kit", "template", "-o", target)
    assert_error(invoke("kit", "template", "-o", target), 1, "already exists")
    broken = invoke("--db", real_db, "kit", "notify", "--facts", target)
    assert_error(broken, 2, "discovered_on (line ")
    target.write_text(filled(target.read_text()))
    ok("--db", real_db, "kit", "notify", "--facts", target)
    assert len(reopen_session(real_db).incidents()) == 1


def test_cli_notify_on_the_demo_saves_nothing(tmp_path: Path) -> None:
    ok("demo")
    result = ok("--demo", "kit", "notify", "--facts", write_facts(tmp_path))
    assert "Not recorded (demo organisation)" in result.stderr
    assert "# Breach notifiability record" in result.stdout


def test_cli_notify_never_falls_back_to_the_demo(tmp_path: Path) -> None:
    """A record for a real incident must not name the demo shop."""
    ok("demo")
    refused = invoke("kit", "notify", "--facts", write_facts(tmp_path))
    assert_error(refused, 2, "org create")
    assert "Kampong Threads" not in refused.stdout


def test_cli_notify_waits_for_the_writer_lock(real_db: Path, tmp_path: Path) -> None:
    with DatabaseLock(real_db, command=APP):
        refused = invoke("--db", real_db, "kit", "notify", "--facts", write_facts(tmp_path))
        assert_error(refused, 3, "already open")
        # Not saving needs no lock.
        ok("--db", real_db, "kit", "notify", "--facts", write_facts(tmp_path), "--no-save")
    assert reopen_session(real_db).incidents() == []
