"""The Export dialog: the plan as Markdown and/or TOML, redacted or not, into a folder.

The report is built on the main thread (it reads the database); rendering and
writing happen in a thread worker. Nothing is overwritten unless asked, and
when two files are due and one already exists, neither is written.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioSet, Static

from pdpa_check.exports.document import Report
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.exports.structured import render_toml
from pdpa_check.exports.writer import ExportError, default_filename, ensure_folder, write_atomic
from pdpa_check.services.session import Session
from pdpa_check.store.repo import AssessmentRow
from pdpa_check.support.paths import locations
from pdpa_check.tui.host import Host
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, describe
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.plain import plain
from pdpa_check.tui.widgets.toggles import MarkedCheckbox, MarkedRadioButton

# Radio button id -> the file suffixes it writes.
FORMATS: dict[str, tuple[str, ...]] = {
    "fmt-md": ("md",),
    "fmt-toml": ("toml",),
    "fmt-both": ("md", "toml"),
    "fmt-vendor": ("vendor.toml",),
}
# What redaction removes (see exports.document.Report.redacted): notes and evidence only.
REDACT_ON = "Names, systems, answers, scores and the plan stay in."
REDACT_OFF = "Your notes and evidence will be in the files: share them with care."


class ExportScreen(ModalScreen[None]):
    """Choose format, redaction and folder; write the files; report what happened."""

    CSS_PATH = "export.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", id="export.run"),
    ]

    def __init__(self) -> None:
        super().__init__(id="export")
        self.default_folder = locations().exports
        self.org_name = ""
        self.writing = False
        self.written: list[Path] = []

    @property
    def session(self) -> Session:
        assert isinstance(self.app, Host)
        return self.app.session

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(id="about", classes="muted")
            with Horizontal(classes="row"):
                yield Label("Format", classes="label")
                with RadioSet(id="format", compact=True):
                    yield MarkedRadioButton("Both", id="fmt-both", value=True)
                    yield MarkedRadioButton("Markdown", id="fmt-md")
                    yield MarkedRadioButton("TOML", id="fmt-toml")
                    yield MarkedRadioButton("For your vendor", id="fmt-vendor")
            yield MarkedCheckbox(
                "Redact: leave out internal notes and evidence",
                value=True,
                id="redact",
                compact=True,
            )
            yield Static(REDACT_ON, id="redact-note", classes="muted note")
            with Horizontal(classes="row"):
                yield Label("Folder", classes="label")
                yield Input(str(self.default_folder), id="folder", compact=True)
            with Horizontal(classes="row"):
                yield MarkedCheckbox(
                    "Overwrite existing files", value=False, id="overwrite", compact=True
                )
                # Default Markdown: This month in full, later items one line each.
                yield MarkedCheckbox(
                    "Markdown: every item in full", value=False, id="full", compact=True
                )
            yield Static(id="paths-heading")
            yield Static(id="paths")
            yield Static(id="message", classes="-empty")
            with Horizontal(id="buttons"):
                yield Button("Export", id="export-button", variant="primary", compact=True)
                yield Button("Cancel", id="cancel-button", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Export the plan"
        session = self.session
        row = self._current()
        if row is None or session.org is None:
            self._say("Nothing to export yet: answer some questions first.", error=True)
            self.query_one("#export-button", Button).disabled = True
        else:
            self.org_name = session.org.name
            status = f"completed {row.completed_at[:10]}" if row.completed_at else "in progress"
            self.query_one("#about", Static).update(
                Content.assemble(plain(self.org_name), f" · assessment #{row.id} ({status})")
            )
        self._show_paths()
        self.query_one("#export-button", Button).focus()

    def _current(self) -> AssessmentRow | None:
        try:
            return self.session.current() if self.session.org is not None else None
        except EXPECTED_ERRORS:
            return None

    # What will be written ------------------------------------------------

    def folder(self) -> Path | None:
        """The chosen folder as an absolute path, or None when the field is empty."""
        text = self.query_one("#folder", Input).value.strip()
        if not text:
            return None
        folder = Path(text).expanduser()
        return folder if folder.is_absolute() else Path.cwd() / folder

    def suffixes(self) -> tuple[str, ...]:
        pressed = self.query_one("#format", RadioSet).pressed_button
        choice = pressed.id if pressed is not None and pressed.id else "fmt-both"
        return FORMATS.get(choice, FORMATS["fmt-both"])

    def targets(self) -> list[Path]:
        folder = self.folder()
        if folder is None or not self.org_name:
            return []
        today = self.session.today()
        return [folder / default_filename(self.org_name, today, s) for s in self.suffixes()]

    def _show_paths(self) -> None:
        folder, targets = self.folder(), self.targets()
        overwrite = self.query_one("#overwrite", Checkbox).value
        if folder is None:
            heading = "✗ Type the folder to write to."
        elif not folder.exists():
            heading = (
                "Will write (Export creates this folder, private to you):"
                if folder == self.default_folder
                else "✗ This folder does not exist: create it or choose another."
            )
        elif not folder.is_dir():
            heading = "✗ That is a file, not a folder: choose a folder."
        else:
            heading = "Will write:"
        lines = []
        for target in targets:
            state = ""
            if target in self.written:
                state = " (written)"
            elif target.exists() or target.is_symlink():
                state = " (exists: will be replaced)" if overwrite else " (already exists)"
            lines.append(Content.assemble(plain(str(target)), (state, "bold")))
        self.query_one("#paths-heading", Static).update(heading)
        self.query_one("#paths", Static).update(Content("\n").join(lines))

    def _say(self, text: str, *, error: bool = False, done: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(plain(text))
        message.set_class(error, "-error")
        message.set_class(done, "-done")
        message.set_class(not text, "-empty")
        message.scroll_visible(animate=False)

    # Events --------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self.written = []
        self._show_paths()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._show_paths()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "redact":
            note = REDACT_ON if event.value else REDACT_OFF
            self.query_one("#redact-note", Static).update(note)
        self._show_paths()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-button":
            self.action_export()
        elif event.button.id == "cancel-button":
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    # Exporting -------------------------------------------------------------

    def action_export(self) -> None:
        if self.writing or self.query_one("#export-button", Button).disabled:
            return
        targets = self.targets()
        if not targets:
            self._say("Type the folder to write to.", error=True)
            return
        redact = self.query_one("#redact", Checkbox).value
        try:
            report = self.session.report(redact=redact)
            vendor = self.session.vendor_file() if "vendor.toml" in self.suffixes() else None
        except EXPECTED_ERRORS as error:
            self._say(f"Could not build the report: {describe(error)}", error=True)
            return
        overwrite = self.query_one("#overwrite", Checkbox).value
        full = self.query_one("#full", Checkbox).value
        create = targets[0].parent == self.default_folder
        self._busy(True)
        self._say("Writing…")
        self.write_files(report, targets, overwrite, create, vendor, full)

    @work(thread=True, exclusive=True, group="export")
    def write_files(
        self,
        report: Report,
        targets: list[Path],
        overwrite: bool,
        create_folder: bool,
        vendor: str | None,
        full: bool = False,
    ) -> None:
        try:
            written = export_files(
                report,
                targets,
                overwrite=overwrite,
                create_folder=create_folder,
                vendor=vendor,
                full=full,
            )
        except EXPECTED_ERRORS as error:
            self.app.call_from_thread(self._failed, describe(error))
            return
        self.app.call_from_thread(self._succeeded, written)

    def _succeeded(self, written: list[Path]) -> None:
        names = ", ".join(path.name for path in written)
        self.app.notify(f"Exported {names} (readable only by you)", title="Export")
        if not self.is_attached:
            return
        self._busy(False)
        self.written = written
        paths = "\n".join(f"  {path}" for path in written)
        self._say(f"✓ Written (readable only by you):\n{paths}", done=True)
        self.query_one("#cancel-button", Button).label = "Close"
        self._show_paths()

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            self.app.notify(f"Export failed: {message}", severity="error")
            return
        self._busy(False)
        self._say(f"✗ {message}", error=True)
        self._show_paths()

    def _busy(self, busy: bool) -> None:
        self.writing = busy
        self.query_one("#export-button", Button).disabled = busy


def _content(report: Report, target: Path, vendor: str | None, full: bool) -> str:
    if target.name.endswith(".vendor.toml") and vendor is not None:
        return vendor
    return render_markdown(report, full=full) if target.suffix == ".md" else render_toml(report)


def export_files(
    report: Report,
    targets: list[Path],
    *,
    overwrite: bool,
    create_folder: bool,
    vendor: str | None = None,
    full: bool = False,
) -> list[Path]:
    """Render and write every target, or none when one is in the way. Runs in a thread."""
    folder = targets[0].parent
    ensure_folder(folder, create=create_folder)
    if not overwrite:
        existing = [t.name for t in targets if t.exists() or t.is_symlink()]
        if existing:
            raise ExportError(
                f"{' and '.join(existing)} already exist{'s' * (len(existing) == 1)}: nothing "
                'was written. Tick "Overwrite existing files" or choose another folder.'
            )
    contents = [_content(report, target, vendor, full) for target in targets]
    written: list[Path] = []
    for target, content in zip(targets, contents, strict=True):
        try:
            written.append(write_atomic(target, content, force=overwrite))
        except ExportError as error:
            done = f" ({', '.join(p.name for p in written)} was written)" if written else ""
            raise ExportError(f"{error}{done}. Choose another folder.") from None
    return written
