"""Exports: golden files, structure, injection safety (S3, S4, S7) and atomic writing (R2)."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import stat
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from golden_files import check_golden
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_support import (
    FORBIDDEN,
    PAYLOADS,
    commonmark,
    flat,
    headings,
    hostile_text,
    linkifying_parsers,
    name_from,
    needs_linkify,
    outline,
    tables,
    toml_text,
    walk,
)
from report_support import (
    ASSESSMENT,
    EVIDENCE_CANARY,
    FINDING_NOTES,
    GENERATED_ON,
    NOTE_CANARY,
    SINCE_LAST,
    TOOL_VERSION,
    make_report,
    renamed,
)

from pdpa_check.exports.document import ItemStatus, Report
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_json, render_toml, report_data
from pdpa_check.exports.writer import ExportError, default_filename, write_atomic
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.platforms import CONTROLS, builtin_catalogue
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.measures import assess_measures, maps_measures
from pdpa_check.support.text import TextError, clean, clean_name, for_output, slug

RENDERERS: dict[str, Callable[[Report], str]] = {
    "md": render_markdown,
    "toml": render_toml,
    "json": render_json,
}


# Report contents --------------------------------------------------------------------


def test_report_fields(bank: Bank, profile: Profile) -> None:
    report = make_report(bank, profile)
    assert {f.name for f in dataclasses.fields(Report)} == {
        "generated_on",
        "profile",
        "assessment",
        "bank",
        "result",
        "plan",
        "answers",
        "statuses",
        "redacted",
        "tool_version",
        "carried",
        "verified",
        "since_last",
        "demo",
    }
    assert report.demo is False  # only the demo database's reports say they are the demo
    assert report.unconfirmed == 1
    assert report.generated_on == GENERATED_ON
    assert report.assessment == ASSESSMENT
    assert report.tool_version == TOOL_VERSION
    assert report.status_of("enforce-mfa/shopify").owner == "Raj (vendor)"
    assert report.status_of("nothing").status == "open"
    # The fixture covers what the golden files are meant to show.
    values = {a.value for a in report.answers.values()}
    assert {"yes", "partly", "no", "unknown", "na", "14", "manual"} <= values
    assert report.result.critical_failures
    assert report.plan.vendor_questions
    assert report.result.unanswered >= 1
    assert "enforce-mfa/shopify" in {item.id for item in report.plan.items}


# Golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("redacted", [False, True], ids=["full", "redacted"])
@pytest.mark.parametrize("fmt", ["md", "toml", "json"])
def test_golden(fmt: str, redacted: bool, bank: Bank, profile: Profile) -> None:
    """Regenerate with `UPDATE_GOLDEN=1 pytest tests/test_exports.py -k golden`."""
    content = RENDERERS[fmt](make_report(bank, profile, redacted=redacted))
    check_golden(f"plan{'-redacted' if redacted else ''}.{fmt}", content)


def test_golden_full_markdown(bank: Bank, profile: Profile) -> None:
    """The everything-expanded document (`plan --full`)."""
    check_golden("plan-full.md", render_markdown(make_report(bank, profile), full=True))


def test_structured_formats_parse_and_match_data(bank: Bank, profile: Profile) -> None:
    for redacted in (False, True):
        report = make_report(bank, profile, redacted=redacted)
        data = report_data(report)
        assert tomllib.loads(render_toml(report)) == data
        assert json.loads(render_json(report)) == data
        assert data["format"] == "pdpa-check-plan"
        assert data["redacted"] is redacted
        assert data["generated_on"] == "2026-01-15"
        assert data["tool_version"] == TOOL_VERSION
        assert data["assessment"] == {
            "id": 7,
            "bank_id": bank.id,
            "bank_version": bank.version,
            "started_at": "2026-01-02T03:04:05+00:00",
            "status": "in progress",
            "unconfirmed": 1,
            "verified": 1,
        }
        assert data["since_last"] == list(SINCE_LAST)
        (checked,) = [f for f in data["findings"] if "verified" in f]
        assert (checked["question"], checked["system"]) == ("acc-mfa", "shopify")
        shown = {"format": "Generic user list", "date": "2026-01-10"}
        assert checked["verified"] == (shown if redacted else {"file": "staff-list.csv", **shown})
        carried = [f for f in data["findings"] if f["carried"]]
        assert [f["question"] for f in carried] == ["acc-password-manager"]
        assert [d["id"] for d in data["domains"]] == [d.id for d in bank.domains]
        assert [p["rank"] for p in data["plan"]] == list(range(1, len(data["plan"]) + 1))
        essentials = data["cyber_essentials"]
        assert [m["id"] for m in essentials["measures"]] == [f"A.{n}" for n in range(1, 10)]
        assert [m["status"] for m in essentials["measures"]] == [
            m.status for m in assess_measures(bank, report.result)
        ]
        assert essentials["total"] == 9
        assert essentials["met"] == sum(m["status"] == "met" for m in essentials["measures"])
        assert [u["id"] for u in data["upcoming"]] == [u.id for u in bank.upcoming]
        assert data["format_version"] == 2
        # One entry per fix, each system with its own stable id, status, owner and due date.
        mfa = next(p for p in data["plan"] if p["id"] == "enforce-mfa")
        assert [s["id"] for s in mfa["systems"]] == ["enforce-mfa/meta", "enforce-mfa/shopify"]
        shopify = mfa["systems"][1]
        assert (shopify["status"], shopify["owner"], shopify["due_date"]) == (
            "in_progress",
            "Raj (vendor)",
            "2026-02-01",
        )
        assert mfa["systems"][0]["status"] == "open"
        assert mfa["status"] == "in_progress"  # derived: one system started
        assert mfa["covered_systems"] == [{"system": "gmail", "system_name": "Google Workspace"}]
        assert mfa["effort_hours"] == 3.0  # low: 2 h, plus 1 h for the second system
        assert mfa["uplift"] == pytest.approx(sum(s["uplift"] for s in mfa["systems"]), abs=0.02)
        assert mfa["horizon"] == "this-month" and mfa["critical"] is True
        every_item = [s["id"] for entry in data["plan"] for s in entry["systems"]]
        assert every_item == [item.id for item in report.plan.items]
        budget = data["plan_budget"]
        assert (budget["month_hours"], budget["source"]) == (16.0, "staff count")
        assert [h["id"] for h in budget["horizons"]] == [
            "this-month",
            "this-quarter",
            "next-quarter",
            "later",
        ]
        assert "budget_hours" not in budget["horizons"][3]  # Later has no limit
        assert sum(h["entries"] for h in budget["horizons"]) == len(data["plan"])


def test_redaction_removes_notes_and_evidence(bank: Bank, profile: Profile) -> None:
    for fmt, render in RENDERERS.items():
        full = render(make_report(bank, profile))
        redacted = render(make_report(bank, profile, redacted=True))
        for name in FINDING_NOTES:
            assert f"{NOTE_CANARY}-{name}" in full, (fmt, name)
        assert f"{EVIDENCE_CANARY}-mfa" in full, fmt
        assert f"{EVIDENCE_CANARY}-files" in full, fmt
        assert NOTE_CANARY not in redacted, fmt
        assert EVIDENCE_CANARY not in redacted, fmt
    assert "Redacted" in render_markdown(make_report(bank, profile, redacted=True))


# Markdown structure ---------------------------------------------------------------------


def test_full_markdown_outline(bank: Bank, profile: Profile) -> None:
    report = make_report(bank, profile)
    tokens = commonmark().parse(render_markdown(report, full=True))
    plan_headings = [
        ("h4", f"{n}. {item.action.title}" + (f" ({item.system_name})" if item.system_name else ""))
        for n, item in enumerate(report.plan.items, 1)
    ]
    by_horizon: dict[str, list[tuple[str, str]]] = {}
    for heading, item in zip(plan_headings, report.plan.items, strict=True):
        by_horizon.setdefault(item.horizon, []).append(heading)
    expected = [
        ("h1", "PDPA readiness plan: Test Shop"),
        ("h2", "Summary"),
        ("h2", "Since last time"),
        ("h2", "Scores by area"),
        ("h2", "Critical gaps"),
        *([("h2", "Cyber Essentials measures (indicative)")] if maps_measures(bank) else []),
        ("h2", "Plan"),
        ("h3", "This month"),
        *by_horizon.get("this-month", []),
        ("h3", "This quarter"),
        *by_horizon.get("this-quarter", []),
        ("h3", "Next quarter"),
        *by_horizon.get("next-quarter", []),
        ("h3", "Later"),
        *by_horizon.get("later", []),
        ("h2", "Questions for your IT vendor"),
        ("h2", "Where points were lost"),
        *([("h2", "Coming, not scored")] if bank.upcoming else []),
        ("h2", "About this score"),
    ]
    assert headings(tokens) == expected
    assert len(plan_headings) == len(report.plan.items) > 5


def test_full_markdown_tables(bank: Bank, profile: Profile) -> None:
    report = make_report(bank, profile)
    areas, findings = tables(commonmark().parse(render_markdown(report, full=True)))
    assert areas[0] == ["Area", "Weight", "Score", "Answered", "Points lost"]
    assert len(areas) == 1 + len(bank.domains)
    assert [row[0] for row in areas[1:]] == [d.title for d in bank.domains]
    assert all(len(row) == 5 for row in areas)
    assert findings[0][:3] == ["Question", "Answer", "Points lost"]
    assert findings[0][3].startswith("Note")
    assert all(len(row) == 4 for row in findings)
    notes = [row[3] for row in findings[1:]]
    assert f"{NOTE_CANARY}-inventory half done" in notes
    assert any(note.startswith(f"{NOTE_CANARY}-mfa staff accounts have no MFA") for note in notes)
    # Points lost add up to 100 - score, as the summary promises.
    lost = sum(float(row[4]) for row in areas[1:])
    assert lost == pytest.approx(100.0 - report.result.score, abs=0.5)


def test_markdown_has_no_html_or_images_and_links_only_to_vendor_help_pages(
    bank: Bank, profile: Profile
) -> None:
    """The only links are the catalogue's vendor pages (platform steps); no other text links."""
    catalogue = builtin_catalogue()
    pages = {f.url for p in catalogue.platforms for c in CONTROLS if (f := p.fact(c))}
    for full in (False, True):
        text = render_markdown(make_report(bank, profile), full=full)
        for md in [commonmark(), *linkifying_parsers()]:
            tokens = list(walk(md.parse(text)))
            assert not {token.type for token in tokens} & {"html_block", "html_inline", "image"}
            links = [str(t.attrGet("href")) for t in tokens if t.type == "link_open"]
            assert links, "the fixture's Shopify has steps with their vendor page"
            assert set(links) <= pages


# Injection (S3) -------------------------------------------------------------------------


def hostile_report(bank: Bank, profile: Profile, text: str) -> Report:
    name = name_from(text)
    return make_report(
        bank,
        renamed(profile, name, lambda s: name),
        note=lambda original: text,
        evidence=lambda original: text,
        statuses={"enforce-mfa/shopify": ItemStatus(status="in_progress", owner=name)},
    )


def check_markdown_is_inert(bank: Bank, profile: Profile, text: str) -> None:
    baseline = commonmark().parse(render_markdown(hostile_report(bank, profile, "x")))
    report = hostile_report(bank, profile, text)
    rendered = render_markdown(report)
    tokens = commonmark().parse(rendered)
    assert outline(tokens) == outline(baseline)
    assert [h[0] for h in headings(tokens)] == [h[0] for h in headings(baseline)]
    kinds = {token.type for token in walk(tokens)}
    assert not kinds & {"html_block", "html_inline", "image", "link_open"}, kinds
    # The text shows literally where it was put.
    assert headings(tokens)[0][1] == "PDPA readiness plan: " + flat(report.profile.name)
    findings = tables(tokens)[-1]
    assert findings[0][:3] == ["Question", "Answer", "Points lost"]
    answered_notes = [row[3] for row in findings[1:] if row[1] != "Not answered"]
    assert flat(text) in answered_notes
    assert all(flat(text) in cell for cell in answered_notes)
    assert not FORBIDDEN.search(rendered)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_injection_curated(payload: str, bank: Bank, profile: Profile) -> None:
    check_markdown_is_inert(bank, profile, payload)


@needs_linkify
@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_injection_with_linkify(payload: str, bank: Bank, profile: Profile) -> None:
    rendered = render_markdown(hostile_report(bank, profile, payload))
    for md in linkifying_parsers():
        kinds = {token.type for token in walk(md.parse(rendered))}
        assert not kinds & {"html_block", "html_inline", "image", "link_open"}, kinds


@needs_linkify
@pytest.mark.parametrize("payload", ["pay at evil.com", "vendor.sg/login", "x.co"])
def test_markdown_bare_domain_is_not_linkified(payload: str, bank: Bank, profile: Profile) -> None:
    rendered = render_markdown(hostile_report(bank, profile, payload))
    for md in linkifying_parsers():
        kinds = {token.type for token in walk(md.parse(rendered))}
        assert "link_open" not in kinds


def test_markdown_due_date_is_inert(bank: Bank, profile: Profile) -> None:
    status = {"enforce-mfa/shopify": ItemStatus("open", "Raj", "2026-02-01")}
    hostile = {"enforce-mfa/shopify": ItemStatus("open", "Raj", "x\n\n# Fake\x1b]0;t\x07")}
    baseline = commonmark().parse(render_markdown(make_report(bank, profile, statuses=status)))
    rendered = render_markdown(make_report(bank, profile, statuses=hostile))
    assert not FORBIDDEN.search(rendered)
    assert outline(commonmark().parse(rendered)) == outline(baseline)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=hostile_text)
def test_markdown_injection_property(text: str, bank: Bank, profile: Profile) -> None:
    check_markdown_is_inert(bank, profile, text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_control_characters_in_any_format(payload: str, bank: Bank, profile: Profile) -> None:
    report = hostile_report(bank, profile, payload)
    for fmt, render in RENDERERS.items():
        out = render(report)
        assert not FORBIDDEN.search(out), fmt
        assert "\\u001b" not in out.lower() and "\\u009b" not in out.lower(), fmt


# TOML round trip (S4) -------------------------------------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(note=toml_text, name=toml_text)
def test_toml_round_trip_property(note: str, name: str, bank: Bank, profile: Profile) -> None:
    org = name_from(name.replace("\ud800", "").replace("\udfff", ""))
    report = make_report(
        bank,
        renamed(profile, org, lambda s: org),
        note=lambda original: note,
        evidence=lambda original: note,
    )
    data = report_data(report)
    parsed = tomllib.loads(render_toml(report))
    assert parsed == data
    assert json.loads(render_json(report)) == data
    assert parsed["organisation"]["name"] == for_output(report.profile.name)
    assert [s["name"] for s in parsed["organisation"]["systems"]] == [
        for_output(s.name) for s in report.profile.systems
    ]
    answered = [f for f in parsed["findings"] if f["answer"] != "unanswered"]
    assert answered
    for finding in answered:
        assert finding.get("note", "") == for_output(note)
        assert not FORBIDDEN.search(finding.get("note", ""))
    with_evidence = [f for f in answered if "evidence" in f]
    assert with_evidence or not note
    for finding in with_evidence:
        assert finding["evidence"] == for_output(note)
    assert "evil" not in parsed


# Atomic writing (R2, S7) ----------------------------------------------------------------


def temp_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".pdpa-check-"))


def test_write_atomic_writes_0600(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        target = write_atomic(tmp_path / "plan.md", "# héllo\n")
    finally:
        os.umask(old)
    assert target == tmp_path / "plan.md"
    assert target.read_bytes() == "# héllo\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert temp_leftovers(tmp_path) == []


def test_write_atomic_overwrite_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old")
    with pytest.raises(ExportError, match="already exists") as excinfo:
        write_atomic(target, "new")
    assert "--force" in str(excinfo.value)
    assert target.read_text() == "old"
    write_atomic(target, "new", force=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert temp_leftovers(tmp_path) == []


def test_write_atomic_refuses_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist") as excinfo:
        write_atomic(tmp_path / "nope" / "plan.md", "x")
    assert str(tmp_path / "nope") in str(excinfo.value)
    assert not (tmp_path / "nope").exists()


def test_write_atomic_refuses_a_folder_target(tmp_path: Path) -> None:
    (tmp_path / "plan.md").mkdir()
    for force in (False, True):
        with pytest.raises(ExportError, match="folder"):
            write_atomic(tmp_path / "plan.md", "x", force=force)
    assert (tmp_path / "plan.md").is_dir()


def test_write_atomic_never_follows_a_symlink(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_bytes(b"do not touch\n")
    canary.chmod(0o644)
    link = tmp_path / "plan.md"
    link.symlink_to(canary)
    with pytest.raises(ExportError, match="symbolic link"):
        write_atomic(link, "evil")
    assert link.is_symlink()
    assert canary.read_bytes() == b"do not touch\n"
    write_atomic(link, "new plan", force=True)
    assert not link.is_symlink()
    assert link.read_text() == "new plan"
    assert canary.read_bytes() == b"do not touch\n"
    assert stat.S_IMODE(canary.stat().st_mode) == 0o644
    assert temp_leftovers(tmp_path) == []


def test_write_atomic_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "plan.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(ExportError):
        write_atomic(link, "x")
    assert not (tmp_path / "elsewhere.md").exists()
    write_atomic(link, "x", force=True)
    assert not (tmp_path / "elsewhere.md").exists()
    assert not link.is_symlink()


def test_write_atomic_failure_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    target = tmp_path / "plan.md"
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ExportError, match="cannot write") as excinfo:
        write_atomic(target, "new")
    assert str(target) in str(excinfo.value)
    assert not target.exists()
    assert temp_leftovers(tmp_path) == []

    target.write_text("old")
    with pytest.raises(ExportError):
        write_atomic(target, "new", force=True)
    assert target.read_text() == "old"
    assert temp_leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../.bashrc",
        "a/b",
        "CON",
        "",
        "Kopi & Kaya Pte. Ltd.",
        "..",
        ".",
        "/etc/passwd",
        "\x00x",
        "中文店",
        "-rf",
        "x" * 300,
    ],
)
def test_default_filename_is_a_plain_name(name: str, tmp_path: Path) -> None:
    filename = default_filename(name, GENERATED_ON, "md")
    assert "/" not in filename and "\\" not in filename and "\x00" not in filename
    assert not filename.startswith((".", "-"))
    assert filename.endswith("-pdpa-plan-2026-01-15.md")
    assert re.fullmatch(r"[a-z0-9-]+-pdpa-plan-2026-01-15\.md", filename)
    assert (tmp_path / filename).resolve().parent == tmp_path.resolve()
    assert len(filename) < 100


def test_default_filename_examples() -> None:
    assert default_filename("Kopi & Kaya Pte. Ltd.", GENERATED_ON, "md") == (
        "kopi-kaya-pte-ltd-pdpa-plan-2026-01-15.md"
    )
    assert default_filename("", GENERATED_ON, "toml") == "organisation-pdpa-plan-2026-01-15.toml"
    assert default_filename("../../.bashrc", GENERATED_ON, "md") == "bashrc-pdpa-plan-2026-01-15.md"


# The sanitiser -----------------------------------------------------------------------------


def test_clean_normalises_to_nfc() -> None:
    assert clean("Cafe\u0301") == "Café"
    assert unicodedata.is_normalized("NFC", clean("Cafe\u0301"))


def test_clean_strips_controls_and_keeps_newline_tab() -> None:
    assert clean("a\x1b]0;title\x07b") == "a]0;titleb"
    assert clean("a\x1b[31mred\x1b[0m") == "a[31mred[0m"
    assert clean("a\x00b\x7fc\x9bd\x85e") == "abcde"
    assert clean("line1\nline2\tcol") == "line1\nline2\tcol"
    assert clean("crlf\r\nand\rcr") == "crlf\nand\ncr"


def test_clean_strips_bidi_and_zero_width_but_keeps_zwj() -> None:
    assert clean("abc\u202edef") == "abcdef"
    assert clean("\u2066x\u2069\u202a\u202b\u202c\u202d") == "x"
    assert clean("zero\u200bwidth\u200c\u200e\u200f\u2060\ufeff") == "zerowidth"
    family = "👩\u200d👩\u200d👧"
    assert clean(family) == family
    assert clean("Arabic مرحبا Tamil தமிழ்") == "Arabic مرحبا Tamil தமிழ்"


def test_clean_refuses_lone_surrogates() -> None:
    with pytest.raises(TextError, match="surrogate"):
        clean("bad \ud800 text")
    assert for_output("bad \ud800text\udfff") == "bad text"


def test_clean_length_cap() -> None:
    assert clean("a" * 4000) == "a" * 4000
    with pytest.raises(TextError, match=r"4001 characters.*limit is 4000"):
        clean("a" * 4001)
    with pytest.raises(TextError, match="limit is 120"):
        clean_name("n" * 121)
    # Stripped characters do not count against the limit.
    assert clean("a" * 4000 + "\u200b" * 10) == "a" * 4000


def test_clean_single_line_and_names() -> None:
    assert clean("a\n\n b\t c", single_line=True) == "a b c"
    assert clean_name("  Kopi \n& Kaya  ") == "Kopi & Kaya"


def test_slug() -> None:
    assert slug("Kopi & Kaya Pte. Ltd.") == "kopi-kaya-pte-ltd"
    assert slug("Café Ünïcode") == "cafe-unicode"
    assert slug("") == "organisation"
    assert slug("中文", fallback="system") == "system"
    assert slug("../../.bashrc") == "bashrc"
    long = slug("ab " * 100)
    assert len(long) <= 60 and not long.endswith("-")


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_for_output_never_leaves_forbidden_characters(text: str) -> None:
    out = for_output(text)
    assert not FORBIDDEN.search(out)
    assert "\r" not in out
    assert out.count("\t") == text.count("\t")
    assert clean(text, max_chars=10**6) == out


def test_clean_output_is_nfc_even_after_stripping() -> None:
    out = clean("e\u200b\u0301")
    assert unicodedata.is_normalized("NFC", out)
    assert clean(out) == out
