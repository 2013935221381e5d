"""The Breach kit screen: contacts, the notifiability wizard, the notice, documents, exports."""

from __future__ import annotations

import datetime as dt
import io
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.app import App
from textual.widgets import Checkbox, Input, RadioButton, Static, TabbedContent, Tabs, TextArea
from tui_support import (
    TODAY,
    choose,
    demo_session,
    flat,
    go_to,
    make_app,
    new_session,
    open_kit,
    reopen_session,
    shown_text,
    type_text,
    verdict,
)

from pdpa_check.exports.kit.faq import render_faq_markdown
from pdpa_check.exports.kit.plan24 import render_plan_markdown, render_plan_toml
from pdpa_check.exports.markdown import inline
from pdpa_check.exports.writer import ExportError, write_new_files
from pdpa_check.kit.contacts import Contact
from pdpa_check.kit.facts import IncidentFacts
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.services.session import Session
from pdpa_check.support.paths import locations
from pdpa_check.support.text import for_output
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.dashboard import DashboardScreen
from pdpa_check.tui.screens.kit import KitScreen
from pdpa_check.tui.screens.kit_wizard import Draft, build_facts, draft_of
from pdpa_check.tui.widgets.kit_contacts import ContactRow
from pdpa_check.tui.widgets.reading import reading_text

HOSTILE_ORG = "[bold]x[/] [@click=app.quit]"
HOSTILE_NAME = "[@click=app.quit]Raj[/]"
HOSTILE_REACH = "[/nope] <http://evil.example>"


def values(data: object) -> list[object]:
    """Every leaf value in parsed TOML."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in values(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in values(value)]
    return [data]


def screen_text(app: App[None]) -> str:
    """The text on the app's screen, as a terminal would show it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def heading(app: PdpaCheckApp, role: str) -> str:
    return flat(shown_text(app, f"#{role}-status"))


# Contacts -----------------------------------------------------------------------------


async def test_k_opens_the_kit_and_the_demo_misses_a_comms_approver(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kit(app, pilot)
        missing = app.session.contacts()
        assert "comms_approver" not in missing and "incident_lead" in missing
        assert "MISSING" in heading(app, "comms_approver")
        assert "MISSING" not in heading(app, "incident_lead")
        assert "✓ saved" in heading(app, "incident_lead")
        # Optional roles are not flagged as missing.
        assert "MISSING" not in heading(app, "insurer")
        assert "not set" in heading(app, "insurer")
        # The footer offers the contact actions here.
        assert "Save" in screen_text(app) and "Clear contact" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_naming_the_incident_lead_saves_it_and_clears_missing(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        for role in ("incident_lead", "deputy", "comms_approver"):
            assert "MISSING" in heading(app, role)
        # The section tabs have the focus on arrival, so no key typed then can replace
        # a saved name; tab leads to the lead's name.
        assert isinstance(screen.focused, Tabs)
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is screen.query_one("#incident_lead-name", Input)
        await type_text(pilot, "Jane Tan")
        await pilot.press("tab")
        await type_text(pilot, "9123 4567")
        assert "not saved" in heading(app, "incident_lead")
        await pilot.press("enter")
        await pilot.pause()
        assert "MISSING" not in heading(app, "incident_lead")
        assert "✓ saved" in heading(app, "incident_lead")
        assert "MISSING" in heading(app, "deputy")
    stored = reopen_session(db).contacts()
    assert stored == {
        "incident_lead": Contact(role="incident_lead", name="Jane Tan", reach="9123 4567")
    }


async def test_a_contact_without_a_name_is_refused_beside_the_field_then_cleared(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    session = new_session(db, profile)
    session.set_contact(Contact(role="deputy", name="Farah", reach="farah@example.sg"))
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        row = screen.query_one("#contact-comms_approver", ContactRow)
        screen.query_one("#comms_approver-reach", Input).value = "9000 0000"
        screen.query_one("#comms_approver-save").press()
        await pilot.pause()
        error = flat(shown_text(app, "#comms_approver-error"))
        assert "Enter a name" in error
        assert screen.query_one("#comms_approver-error").display
        assert row.has_class("-error")
        assert "comms_approver" not in app.session.contacts()
        # Clear the deputy from the keyboard: focus its name, ctrl+r.
        screen.query_one("#deputy-name", Input).focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "MISSING" in heading(app, "deputy")
        assert screen.query_one("#deputy-name", Input).value == ""
        assert app.is_running
    assert reopen_session(db).contacts() == {}


# The notifiability wizard ----------------------------------------------------------------


async def test_wizard_shows_likely_notifiable_with_the_pdpc_deadline_and_saves(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        # Nothing known yet: not clear, and the clock has not started.
        assert "Not yet clear" in verdict(app)
        assert "the clock starts on the day you decide it is notifiable" in verdict(app)
        assert "not legal advice" in verdict(app)
        choose(screen, "credentials", "yes")
        choose(screen, "confined", "no")
        screen.query_one("#f-assessed", Input).value = "2026-11-27"
        screen.query_one("#f-affected", Input).value = "1,200"
        await pilot.pause()
        shown = verdict(app)
        assert "Likely notifiable" in shown
        assert "no later than 2026-11-30: 3 calendar days after 2026-11-27" in shown
        assert "Individuals: tell them" in shown
        assert "New incident: not saved yet" in flat(shown_text(app, "#incident-label"))
        assert app.session.incidents() == []  # nothing saved before ctrl+s
        await pilot.press("ctrl+s")
        await pilot.pause()
        label = flat(shown_text(app, "#incident-label"))
        assert label.startswith("Incident #") and label.endswith("· saved")
    (row,) = reopen_session(db).incidents()
    assert row.facts.credentials == "yes"
    assert row.facts.confined == "no"
    assert row.facts.assessed_on == dt.date(2026, 11, 27)
    assert row.facts.discovered_on == TODAY
    assert row.facts.affected == 1200
    assert row.facts.affected_verified is False


async def test_confined_inside_the_organisation_is_not_notifiable(
    tmp_path: Path, profile: Profile
) -> None:
    app = make_app(new_session(tmp_path / "k.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        choose(screen, "kind", "internal")
        choose(screen, "credentials", "yes")
        choose(screen, "confined", "yes")
        screen.query_one("#f-assessed", Input).value = "2026-11-27"
        await pilot.pause()
        shown = verdict(app)
        assert "Excluded: confined within the organisation (s26B(4))" in shown
        # The owner's own assessment date still starts the clock, as in the record.
        assert "if your decision stands, no later than 2026-11-30" in shown
        choose(screen, "credentials", "no")
        screen.query_one("#f-assessed", Input).value = ""
        await pilot.pause()
        assert "no notification on these facts" in verdict(app)


async def test_a_bad_date_shows_beside_the_field_and_saves_nothing(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        choose(screen, "credentials", "yes")
        screen.query_one("#f-assessed", Input).value = "2026-13-40"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#f-assessed-error", Static)
        assert error.display
        assert "not a real date" in flat(shown_text(app, "#f-assessed-error"))
        assert screen.focused is screen.query_one("#f-assessed", Input)
        assert "waiting for the facts" in verdict(app)
        # Before the day it was discovered: refused too.
        screen.query_one("#f-assessed", Input).value = "2026-11-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "before the day it was discovered" in flat(shown_text(app, "#f-assessed-error"))
        assert app.session.incidents() == []
        assert app.is_running
    assert reopen_session(db).incidents() == []


async def test_the_latest_incident_is_loaded_and_new_incident_starts_blank(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    session = new_session(db, profile)
    session.save_incident(IncidentFacts(title="Old one", discovered_on=dt.date(2026, 1, 5)))
    latest = session.save_incident(
        IncidentFacts(title="Laptop stolen", discovered_on=dt.date(2026, 11, 20), prescribed="no")
    )
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        assert screen.query_one("#f-title", Input).value == "Laptop stolen"
        assert screen.query_one("#f-prescribed-no", RadioButton).value
        assert f"Incident #{latest}" in flat(shown_text(app, "#incident-label"))
        # Editing and saving updates the same incident.
        screen.query_one("#f-title", Input).value = "Laptop stolen from car"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # A new incident: the first ctrl+n with nothing unsaved starts it at once.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.query_one("#f-title", Input).value == "Suspected data breach"
        assert screen.query_one("#f-discovered", Input).value == TODAY.isoformat()
        assert "New incident" in flat(shown_text(app, "#incident-label"))
        choose(screen, "identifiers", "yes")
        await pilot.press("ctrl+s")
        await pilot.pause()
    rows = reopen_session(db).incidents()
    assert [row.facts.title for row in rows] == [
        "Suspected data breach",
        "Laptop stolen from car",
        "Old one",
    ]
    assert rows[1].id == latest
    assert rows[0].facts.identifiers == "yes"


async def test_unsaved_changes_need_a_second_escape(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        screen.query_one("#f-title", Input).value = "Phishing"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert any("Changes not saved" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
    assert reopen_session(db).incidents() == []


# The customer notice -------------------------------------------------------------------------


async def test_notice_states_the_data_as_known_so_far(tmp_path: Path, profile: Profile) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    data = "email addresses and order history"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notice")
        assert isinstance(screen.focused, Tabs)  # the section keys keep working
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is screen.query_one("#f-what-happened", TextArea)
        await type_text(pilot, "A staff login was used from abroad")
        screen.query_one("#f-data-involved", TextArea).load_text(data)
        screen.query_one("#step-reset_password", Checkbox).value = True
        await pilot.pause()
        preview = flat(screen.query_one("#notice-preview", TextArea).text)
        assert "A staff login was used from abroad" in preview
        # reg 6: the data as known at the time, marked as such, not held back.
        assert f"What we know so far: {data}. We are still confirming this" in preview
        assert "Change your password for our shop" in preview
        screen.query_one("#f-data-verified", Checkbox).value = True
        await pilot.pause()
        preview = flat(screen.query_one("#notice-preview", TextArea).text)
        assert f"We have confirmed that this information was involved: {data}" in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
    (row,) = reopen_session(db).incidents()
    assert row.facts.data_involved == data
    assert row.facts.data_verified is True
    assert row.facts.what_happened == "A staff login was used from abroad"
    assert set(row.facts.customer_steps) == {"watch_phishing", "reset_password"}


async def test_a_bad_next_update_date_points_at_the_notice_field(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notice")
        screen.query_one("#f-next-update", Input).value = "next week"
        await go_to(screen, pilot, "notify")
        # The verdict still works: a notice field never hides it.
        assert "Verdict: Not yet clear" in verdict(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.section == "notice"
        assert "YYYY-MM-DD" in flat(shown_text(app, "#f-next-update-error"))
    assert reopen_session(db).incidents() == []


# Documents and exports ------------------------------------------------------------------------


async def test_plan_and_faq_show_the_documents_readably(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kit(app, pilot)
        ctx = app.session.kit_context()
        await go_to(screen, pilot, "plan")
        shown = screen.query_one("#plan-doc", TextArea).text
        assert shown == reading_text(render_plan_markdown(ctx))
        assert "Kampong Threads Pte Ltd" in shown.splitlines()[0]
        assert "\\@" not in shown  # Markdown escapes are not shown to the reader
        assert "meiling@kampong-threads.example" in shown
        await go_to(screen, pilot, "faq")
        assert screen.query_one("#faq-doc", TextArea).text == reading_text(render_faq_markdown(ctx))


async def test_export_plan_writes_private_files_and_never_overwrites(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    folder = locations().exports  # the test's private documents folder
    assert str(folder).startswith(str(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "plan")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = {
            suffix: folder / f"kampong-threads-pte-ltd-incident-plan-{TODAY}.{suffix}"
            for suffix in ("md", "toml")
        }
        ctx = app.session.kit_context()
        assert first["md"].read_text(encoding="utf-8") == render_plan_markdown(ctx)
        assert first["toml"].read_text(encoding="utf-8") == render_plan_toml(ctx)
        tomllib.loads(first["toml"].read_text(encoding="utf-8"))
        for path in first.values():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert any(first["md"].name in n.message for n in app._notifications)
        # Again: a numbered name, the first files untouched.
        before = first["md"].stat().st_mtime_ns
        await pilot.press("e")  # e works where nothing is typed
        await app.workers.wait_for_complete()
        await pilot.pause()
        second = folder / f"kampong-threads-pte-ltd-incident-plan-{TODAY}-2.md"
        assert second.exists()
        assert first["md"].stat().st_mtime_ns == before
        # The FAQ: one Markdown file.
        await go_to(screen, pilot, "faq")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        faq = folder / f"kampong-threads-pte-ltd-privacy-faq-{TODAY}.md"
        assert faq.read_text(encoding="utf-8") == render_faq_markdown(ctx)


async def test_export_record_saves_the_incident_and_writes_markdown_and_toml(
    tmp_path: Path, profile: Profile
) -> None:
    db = tmp_path / "k.db"
    app = make_app(new_session(db, profile), tmp_path / "cfg")
    folder = locations().exports
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_kit(app, pilot)
        await go_to(screen, pilot, "notify")
        choose(screen, "credentials", "yes")
        screen.query_one("#f-assessed", Input).value = "2026-11-27"
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = app.session.incidents()
        assert row.facts.assessed_on == dt.date(2026, 11, 27)  # saved before exporting
        stem = f"test-shop-incident-record-{TODAY}"
        markdown = (folder / f"{stem}.md").read_text(encoding="utf-8")
        data = tomllib.loads((folder / f"{stem}.toml").read_text(encoding="utf-8"))
        assert "2026-11-30" in markdown
        assert dt.date(2026, 11, 30) in values(data)
        await go_to(screen, pilot, "notice")
        await pilot.press("ctrl+o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        notice = folder / f"test-shop-customer-notice-{TODAY}.md"
        assert stat.S_IMODE(notice.stat().st_mode) == 0o600
        assert len(app.session.incidents()) == 1  # exporting again saved the same incident


def test_write_new_files_refuses_a_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        write_new_files(blocker, "a", [("md", "# x\n")])
    assert blocker.read_text() == "x"


# Hostile text ------------------------------------------------------------------------------


def hostile_session(db: Path, profile: Profile) -> Session:
    session = new_session(db, profile.model_copy(update={"name": HOSTILE_ORG}))
    session.set_contact(Contact(role="incident_lead", name=HOSTILE_NAME, reach=HOSTILE_REACH))
    session.save_incident(
        IncidentFacts(
            title="[bold]t[/]",
            discovered_on=TODAY,
            what_happened="[@click=app.quit]click me[/] *not bold* <b>x</b>",
            data_involved="[red]names[/red]",
            data_verified=True,
        )
    )
    return session


async def test_hostile_names_and_notes_show_literally_and_never_act(
    tmp_path: Path, profile: Profile
) -> None:
    app = make_app(hostile_session(tmp_path / "h.db", profile), tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kit(app, pilot)
        assert screen.query_one("#incident_lead-name", Input).value == HOSTILE_NAME
        assert screen.query_one("#incident_lead-reach", Input).value == HOSTILE_REACH
        assert HOSTILE_NAME in screen_text(app)
        await pilot.click("#incident_lead-name")
        await go_to(screen, pilot, "plan")
        plan = screen.query_one("#plan-doc", TextArea).text
        assert HOSTILE_ORG in plan
        assert HOSTILE_NAME in plan
        assert HOSTILE_ORG in screen_text(app)
        await go_to(screen, pilot, "notify")
        assert screen.query_one("#f-title", Input).value == "[bold]t[/]"
        await go_to(screen, pilot, "notice")
        preview = screen.query_one("#notice-preview", TextArea).text
        assert "[@click=app.quit]click me[/] *not bold* <b>x</b>" in flat(preview)
        assert "[red]names[/red]" in preview
        where = screen_text(app).splitlines()
        line = next(i for i, text in enumerate(where) if "click me" in text)
        await pilot.click(offset=(where[line].index("click me") + 1, line))
        await pilot.pause()
        assert app.is_running
        await go_to(screen, pilot, "faq")
        assert HOSTILE_ORG in screen.query_one("#faq-doc", TextArea).text
        assert app.is_running


async def test_palette_opens_the_breach_kit(tmp_path: Path) -> None:
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "breach kit")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KitScreen)


# The pure pieces ---------------------------------------------------------------------------


def test_build_facts_round_trips_a_draft_and_names_each_problem() -> None:
    facts = IncidentFacts(
        title="Stolen laptop",
        discovered_on=dt.date(2026, 11, 20),
        assessed_on=dt.date(2026, 11, 22),
        credentials="no",
        affected=40,
        affected_verified=True,
        customer_steps=("contact_bank",),
        next_update_on=dt.date(2026, 11, 30),
    )
    assert build_facts(draft_of(facts), TODAY) == facts
    problems = build_facts(
        Draft(discovered="", assessed="22/11/2026", affected="about 40", next_update="2026-02-30"),
        TODAY,
    )
    assert isinstance(problems, dict)
    assert set(problems) == {"discovered", "assessed", "affected", "next_update"}
    assert "YYYY-MM-DD" in problems["assessed"]
    assert "not a real date" in problems["next_update"]
    too_many = build_facts(Draft(discovered="2026-11-20", affected="100000001"), TODAY)
    assert isinstance(too_many, dict) and set(too_many) == {"affected"}


def test_reading_text_shows_markdown_structure_as_plain_lines() -> None:
    source = (
        "# Plan: Shop\n\n- **Generated:** today\n\n## Who\n\n| Role | Name |\n| --- | --- |\n"
        "| Lead | a\\@b\\.sg |\n\n1. First\n2. Second\n\n> **Note** [site](https://pdpc.gov.sg)\n"
        "\n---\n\nEnd \\[bold\\]x\\[/\\]\n"
    )
    lines = reading_text(source).splitlines()
    assert lines[:2] == ["Plan: Shop", "═" * len("Plan: Shop")]
    assert "• Generated: today" in lines
    assert "• Lead" in lines and "    Name: a@b.sg" in lines
    assert "1. First" in lines and "2. Second" in lines
    assert "│ Note site (https://pdpc.gov.sg)" in lines
    assert lines[-1] == "End [bold]x[/]"
    # A quote of two paragraphs keeps its bar between them, not after them.
    quoted = reading_text("> one\n>\n> two\n\nafter\n").splitlines()
    assert quoted == ["│ one", "│", "│ two", "", "after"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_reading_text_shows_any_escaped_text_exactly(text: str) -> None:
    """Whatever a name or note holds, the reading view shows it as typed (one line)."""
    words = " ".join(for_output(text).split())
    shown = reading_text(f"# Title\n\n- Name: {inline(text)} (end)\n").splitlines()
    assert shown[-1] == f"• Name: {words} (end)"
    assert shown[:2] == ["Title", "═════"]


async def test_number_keys_on_arrival_switch_sections_and_change_no_contact(
    tmp_path: Path,
) -> None:
    db = tmp_path / "d.db"
    app = make_app(demo_session(db), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_kit(app, pilot)
        before = app.session.contacts()
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.query_one("#sections", TabbedContent).active == "notify"
        assert reopen_session(db).contacts() == before
