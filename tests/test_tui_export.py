"""The Export dialog: formats, redaction, folders, no silent overwrite, no crash."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input
from tui_support import TODAY, demo_session, flat, make_app, new_session, shown_text

from pdpa_check.exports.writer import default_filename
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.rounding import shown_score_tenths
from pdpa_check.services.session import Session
from pdpa_check.support.paths import locations
from pdpa_check.tui.app import PdpaCheckApp
from pdpa_check.tui.screens.export import ExportScreen

ORG = "Kampong Threads Pte Ltd"
# A note the demo gives a gap that loses points: it appears in unredacted exports only.
DEMO_NOTE = "Packing team shares one staff login"


def targets(folder: Path, name: str = ORG) -> dict[str, Path]:
    return {suffix: folder / default_filename(name, TODAY, suffix) for suffix in ("md", "toml")}


def markdown_text(source: str) -> str:
    """Every piece of text markdown-it-py parses out of `source`, one per line."""
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    pieces = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "text":
                pieces.append(child.content)
    return "\n".join(pieces)


def h1_text(source: str) -> str:
    tokens = MarkdownIt("commonmark").parse(source)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            inline = tokens[index + 1]
            return "".join(child.content for child in inline.children or [])
    raise AssertionError("no level-1 heading")


async def open_dialog(app: PdpaCheckApp, pilot: Pilot[None], folder: Path | None) -> ExportScreen:
    app.open_export()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    if folder is not None:
        screen.query_one("#folder", Input).value = str(folder)
        await pilot.pause()
    return screen


async def press_export(app: PdpaCheckApp, pilot: Pilot[None]) -> str:
    await pilot.click("#export-button")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return flat(shown_text(app, "#message"))


async def test_export_both_redacted_then_refuse_then_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = targets(out)
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dialog(app, pilot, out)
        assert screen.query_one("#redact", Checkbox).value is True
        assert not screen.query_one("#overwrite", Checkbox).value
        # The resulting full paths are shown before writing.
        preview = flat(shown_text(app, "#paths"))
        assert str(files["md"]) in preview and str(files["toml"]) in preview

        message = await press_export(app, pilot)
        assert "Written" in message
        assert str(files["md"]) in message and str(files["toml"]) in message
        assert isinstance(app.screen, ExportScreen)
        for path in files.values():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        data = tomllib.loads(files["toml"].read_text(encoding="utf-8"))
        assert data["redacted"] is True
        assert data["organisation"]["name"] == ORG
        assert data["score"]["overall"] == shown_score_tenths(app.session.assessed().result.score)
        markdown = files["md"].read_text(encoding="utf-8")
        # Redaction leaves out notes and evidence, not the organisation's name.
        assert ORG in h1_text(markdown)
        assert DEMO_NOTE not in markdown_text(markdown)
        assert DEMO_NOTE not in files["toml"].read_text(encoding="utf-8")

        # Again without Overwrite: refused, files untouched.
        before = {s: (p.read_bytes(), p.stat().st_mtime_ns) for s, p in files.items()}
        message = await press_export(app, pilot)
        assert "already exist" in message
        assert "Overwrite" in message
        assert {s: (p.read_bytes(), p.stat().st_mtime_ns) for s, p in files.items()} == before
        assert isinstance(app.screen, ExportScreen)

        # Tick Overwrite and turn redaction off: both files are replaced.
        await pilot.click("#overwrite")
        await pilot.click("#redact")
        await pilot.pause()
        assert screen.query_one("#overwrite", Checkbox).value is True
        assert screen.query_one("#redact", Checkbox).value is False
        message = await press_export(app, pilot)
        assert "Written" in message
        assert DEMO_NOTE in markdown_text(files["md"].read_text(encoding="utf-8"))
        data = tomllib.loads(files["toml"].read_text(encoding="utf-8"))
        assert data["redacted"] is False
        assert any(f.get("note") == DEMO_NOTE for f in data["findings"])
        for path in files.values():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_when_one_of_two_files_exists_neither_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = targets(out)
    files["toml"].write_text("mine\n", encoding="utf-8")
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, out)
        assert "(already exists)" in shown_text(app, "#paths")
        message = await press_export(app, pilot)
        assert files["toml"].name in message
        assert "nothing was written" in message
        assert not files["md"].exists()
        assert files["toml"].read_text(encoding="utf-8") == "mine\n"


async def test_markdown_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    files = targets(out)
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, out)
        await pilot.click("#fmt-md")
        await pilot.pause()
        assert str(files["toml"]) not in shown_text(app, "#paths")
        message = await press_export(app, pilot)
        assert "Written" in message
        assert files["md"].exists() and not files["toml"].exists()


def headings(source: str) -> list[tuple[str, str]]:
    """Every heading's level and text, as markdown-it-py parses them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    return [
        (token.tag, tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


async def test_markdown_in_full_is_a_choice(tmp_path: Path) -> None:
    """Default: This month in full and the rest as a table; "every item in full" expands all."""
    out = tmp_path / "out"
    out.mkdir()
    files = targets(out)
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dialog(app, pilot, out)
        await pilot.click("#fmt-md")
        assert screen.query_one("#full", Checkbox).value is False
        assert "Written" in await press_export(app, pilot)
        short = headings(files["md"].read_text(encoding="utf-8"))
        await pilot.click("#overwrite")
        await pilot.click("#full")
        await pilot.pause()
        assert screen.query_one("#full", Checkbox).value is True
        assert "Written" in await press_export(app, pilot)
        full = headings(files["md"].read_text(encoding="utf-8"))
    items = len(app.session.assessed().plan.items)
    assert ("h2", "This month") in short and ("h2", "Plan") not in short
    assert ("h2", "Plan") in full
    # Every plan item has its own heading in the full document, only This month's in the short.
    assert sum(tag == "h4" for tag, _ in full) == items
    assert sum(tag == "h3" for tag, _ in short) < items


async def test_missing_folder_is_reported_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, missing)
        assert "does not exist" in flat(shown_text(app, "#paths-heading"))
        message = await press_export(app, pilot)
        assert "does not exist" in message
        assert isinstance(app.screen, ExportScreen)
        assert not missing.exists() and not missing.parent.exists()


async def test_default_folder_is_suggested_and_created_privately(tmp_path: Path) -> None:
    default = locations().exports
    assert tmp_path in default.parents  # the private XDG folders of the test
    assert not default.exists()
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dialog(app, pilot, None)
        assert screen.query_one("#folder", Input).value == str(default)
        assert "creates this folder" in flat(shown_text(app, "#paths-heading"))
        message = await press_export(app, pilot)
        assert "Written" in message
    assert stat.S_IMODE(default.stat().st_mode) == 0o700
    assert all(path.exists() for path in targets(default).values())


async def test_escape_cancels_without_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(demo_session(tmp_path / "d.db"), tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, out)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert app.screen.id == "dashboard"
    assert list(out.iterdir()) == []


async def test_hostile_org_name_and_note_export_and_display(
    tmp_path: Path, profile: Profile
) -> None:
    name = "[/nope] Shop [bold]x[/]"
    note = "[/nope] <script>alert(1)</script> [link](http://evil.example)"
    session: Session = new_session(tmp_path / "h.db", profile.model_copy(update={"name": name}))
    questionnaire = session.start_assessment()
    slot = next(s for s in questionnaire.slots if s.question.id == "gov-data-inventory")
    questionnaire.answer(slot, "no", note=note)
    out = tmp_path / "out"
    out.mkdir()
    files = targets(out, name)
    app = make_app(session, tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, out)
        assert name in shown_text(app, "#about")
        await pilot.click("#redact")
        message = await press_export(app, pilot)
        assert "Written" in message
    markdown = files["md"].read_text(encoding="utf-8")
    assert h1_text(markdown).endswith(name)
    assert note in markdown_text(markdown)
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert not any(t.type in ("html_block", "link_open") for t in tokens)
    assert not any(
        child.type in ("html_inline", "link_open") for t in tokens for child in t.children or []
    )
    data = tomllib.loads(files["toml"].read_text(encoding="utf-8"))
    assert data["organisation"]["name"] == name
