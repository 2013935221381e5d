"""The Breach kit: contacts, the 24-hour plan, the notifiability check, the notice, the FAQ.

For an owner on a bad day, or preparing for one. Each section is a tab widget
(`kit_tabs.py`) that posts what the owner asks for up to this screen, which
holds the wiring: the session calls, the incident being edited and what each
tab shows. Contacts are saved at once, one role at a time. The notifiability
wizard and the customer notice edit the same incident (the latest one when the
screen opens) and are saved together with ctrl+s. Documents are rendered on
the main thread from `Session.kit_context()` and written by a thread worker
into the export folder, never over an existing file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Header, TabbedContent, Tabs

from pdpa_check.exports.writer import file_stem, write_new_files
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import IncidentFacts, LogEntry, notifiability
from pdpa_check.store.kit import IncidentRow
from pdpa_check.support.paths import locations
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, BaseScreen, describe
from pdpa_check.tui.screens.kit_tabs import (
    SECTIONS,
    ContactsTab,
    DocumentTab,
    IncidentTab,
    NoticeTab,
    NotifyTab,
)
from pdpa_check.tui.screens.kit_wizard import (
    LABELS,
    NOTICE_FIELDS,
    Draft,
    blank_draft,
    build_facts,
    draft_of,
    verdict_content,
    verdict_waiting,
)
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.kit_contacts import ContactRow
from pdpa_check.tui.widgets.reading import reading_text

# The kind of document in exported file names (as `pdpa-check kit ...` names them).
DOCUMENT_NAMES = {
    "plan": "incident-plan",
    "faq": "privacy-faq",
    "notify": "incident-record",
    "notice": "customer-notice",
}


class KitScreen(BaseScreen):
    """Five sections in tabs; each action on a key shown in the footer."""

    CSS_PATH = "kit.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("escape", "back", "Back", id="kit.back"),
        Binding("ctrl+s", "save", "Save", id="kit.save"),
        Binding("ctrl+o,e", "export", "Export", id="kit.export"),
        Binding("ctrl+n", "new_incident", "New incident", id="kit.new"),
        Binding("ctrl+r", "clear_contact", "Clear contact", id="kit.clear"),
        Binding("ctrl+t", "next_section", "Next section", id="kit.next"),
        *(
            Binding(label[0], f"section('{name}')", label[2:], show=False, id=f"kit.{name}")
            for name, label in SECTIONS.items()
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="kit")
        self.title = "pdpa-check · Breach kit"
        self.incident: IncidentRow | None = None
        self.saved = Draft()
        self.touched: set[str] = set()
        self.warned: tuple[str, Draft] | None = None
        self.exporting = False
        self._ctx: KitContext | None = None
        self._stale: set[str] = {"plan", "faq", "notice"}

    # Building the screen ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        contacts = self.attempt(self.session.contacts, "Could not load the contacts") or {}
        yield Header()
        with TabbedContent(id="sections", initial="contacts"):
            yield ContactsTab(contacts)
            yield DocumentTab("plan")
            yield NotifyTab(self.session.today)
            yield NoticeTab()
            yield DocumentTab("faq")
        yield KeysFooter()

    def on_mount(self) -> None:
        incidents = self.attempt(self.session.incidents, "Could not load the incidents") or []
        self._load(incidents[0] if incidents else None)
        # The section tabs first: 1-5 and arrows move between sections, and no key typed
        # on arrival can land in (and replace) a saved contact's name.
        self.query_one("#sections", TabbedContent).query_one(Tabs).focus()

    @property
    def contacts_tab(self) -> ContactsTab:
        return self.query_one("#contacts", ContactsTab)

    @property
    def notify_tab(self) -> NotifyTab:
        return self.query_one("#notify", NotifyTab)

    @property
    def notice_tab(self) -> NoticeTab:
        return self.query_one("#notice", NoticeTab)

    @property
    def incident_tabs(self) -> tuple[IncidentTab, ...]:
        """The two forms that together hold the incident."""
        return (self.notify_tab, self.notice_tab)

    # Sections --------------------------------------------------------------------

    @property
    def section(self) -> str:
        sections = self.query_one_optional("#sections", TabbedContent)  # None before compose
        return (sections.active if sections else "") or "contacts"

    def action_section(self, name: str) -> None:
        """Show a section; the focus stays on the tabs, so number keys keep switching."""
        sections = self.query_one("#sections", TabbedContent)
        sections.active = name
        sections.query_one(Tabs).focus()

    def action_next_section(self) -> None:
        names = list(SECTIONS)
        self.action_section(names[(names.index(self.section) + 1) % len(names)])

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id is not None:
            self._refresh_section(event.pane.id)
        self.refresh_bindings()

    def _enter_section(self, name: str) -> None:
        targets = {
            "contacts": ".contact-name",
            "plan": "#plan-doc",
            "notify": "#f-title",
            "notice": "#f-what-happened",
            "faq": "#faq-doc",
        }
        self.query(targets[name]).first().focus()

    def _refresh_section(self, name: str) -> None:
        if name in ("plan", "faq") and name in self._stale:
            self._show_document(name)
        elif name == "notice":
            self._show_notice()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = self.section
        allowed = {
            "save": ("contacts", "notify", "notice"),
            "export": ("plan", "notify", "notice", "faq"),
            "new_incident": ("notify", "notice"),
            "clear_contact": ("contacts",),
        }
        return section in allowed[action] if action in allowed else True

    # Contacts ----------------------------------------------------------------------

    def on_contacts_tab_save_contact(self, event: ContactsTab.SaveContact) -> None:
        contact, row = event.contact, event.row
        if self._run(lambda: self.session.set_contact(contact), "Could not save the contact"):
            self._contact_saved(row, f"Saved: {row.label}.")

    def on_contacts_tab_clear_contact(self, event: ContactsTab.ClearContact) -> None:
        row = event.row
        if self._run(lambda: self.session.clear_contact(row.role), "Could not clear it"):
            self._contact_saved(row, f"Cleared: {row.label}.")

    def _contact_saved(self, row: ContactRow, message: str) -> None:
        contacts = self.attempt(self.session.contacts, "Could not reload the contacts")
        if contacts is not None:
            row.show(contacts.get(row.role))
        self._ctx = None
        self._stale |= {"plan", "faq", "notice"}
        self.notify(message)

    def action_clear_contact(self) -> None:
        row = self.contacts_tab.focused_row()
        if row is None:
            self.notify("Move to a contact first (tab), then press ctrl+r to clear it.")
            return
        row.post_message(ContactRow.ClearRequested(row))

    # The incident: load, read, show ---------------------------------------------------

    def _load(self, incident: IncidentRow | None) -> None:
        self.incident = incident
        draft = draft_of(incident.facts) if incident else blank_draft(self.session.today())
        self.saved = draft
        self.touched = set()
        self.warned = None
        self._fill(draft)
        self._form_changed()

    def _fill(self, draft: Draft) -> None:
        for tab in self.incident_tabs:
            tab.fill(draft)

    @property
    def log_entries(self) -> tuple[LogEntry, ...]:
        """The incident's log as the wizard holds it (saved entries and those added since)."""
        return self.notify_tab.log_entries

    def add_to_log(self) -> None:
        self.notify_tab.add_to_log()

    def read_draft(self) -> Draft:
        """The incident as the two forms show it now."""
        values = self.notify_tab.values() | self.notice_tab.values()
        # An old file's assumed kind stays flagged until the owner picks another.
        saved = self.saved
        values["kind_assumed"] = saved.kind_assumed and saved.kind == values["kind"]
        # An older incident's flags, set without a ground, stand until a ground is chosen.
        legacy = values["not_telling_grounds"] == "none"
        values["harm_unlikely"] = legacy and saved.harm_unlikely
        values["told_not_to_notify"] = legacy and saved.told_not_to_notify
        return Draft(**values)

    @property
    def dirty(self) -> bool:
        return self.read_draft() != self.saved

    def on_incident_tab_edited(self, event: IncidentTab.Edited) -> None:
        self.touched = (self.touched | set(event.left)) - set(event.cleared)
        self._form_changed()

    def on_incident_tab_requested(self, event: IncidentTab.Requested) -> None:
        actions: dict[str, Callable[[], None]] = {
            "save": self.action_save,
            "export": self.action_export,
            "new": self.action_new_incident,
        }
        actions[event.action]()

    def _form_changed(self) -> None:
        draft = self.read_draft()
        built = build_facts(draft, self.session.today())
        self._show_problems(built if isinstance(built, dict) else {})
        self._show_label(draft)
        self._show_verdict(draft)
        if self.section == "notice":
            self._show_notice(built)
        else:
            self._stale.add("notice")

    def _show_label(self, draft: Draft) -> None:
        if self.incident is None:
            label = Content.assemble(("New incident", "bold"), ": not saved yet")
        else:
            label = Content.assemble(
                (f"Incident #{self.incident.id}", "bold"),
                f" · opened {self.incident.opened_at[:10]}",
                " · ✎ changed, not saved (ctrl+s)" if draft != self.saved else " · saved",
            )
        for tab in self.incident_tabs:
            tab.show_label(label)

    def _show_verdict(self, draft: Draft) -> None:
        # The verdict reads the wizard's facts only: a notice field never hides it.
        wizard = build_facts(
            replace(draft, **{n: getattr(Draft(), n) for n in NOTICE_FIELDS}), self.session.today()
        )
        if isinstance(wizard, dict):
            self.notify_tab.show_verdict(verdict_waiting(wizard))
        else:
            self.notify_tab.show_verdict(verdict_content(wizard, notifiability(wizard)))

    def _show_problems(self, problems: dict[str, str]) -> None:
        for tab in self.incident_tabs:
            tab.show_problems(problems, self.touched)

    # Saving ----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.section == "contacts":
            row = self.contacts_tab.focused_row()
            if row is None:
                self.notify("Move to a contact first (tab), then press ctrl+s or enter.")
            else:
                row.request_save()
            return
        if self.save_incident() is not None:
            self.notify(f"Saved incident #{self.incident.id if self.incident else '?'}.")

    def save_incident(self) -> IncidentFacts | None:
        """Save both forms as one incident; on a problem show it beside the field."""
        draft = self.read_draft()
        built = build_facts(draft, self.session.today())
        if isinstance(built, dict):
            self.touched |= set(built)
            self._show_problems(built)
            self._point_at(built)
            return None
        current = self.incident.id if self.incident else None
        saved_id = self.attempt(
            lambda: self.session.save_incident(built, current), "Could not save the incident"
        )
        if saved_id is None:
            return None
        rows = self.attempt(self.session.incidents, "Could not reload the incident") or []
        self.incident = next((row for row in rows if row.id == saved_id), None)
        stored = draft_of(self.incident.facts if self.incident else built)
        if stored != draft:  # the store cleaned something: show what was kept
            self._fill(stored)
        self.saved = stored
        self._form_changed()
        return self.incident.facts if self.incident else built

    def _point_at(self, problems: dict[str, str]) -> None:
        names = [LABELS.get(name, name) for name in problems]
        first = next(iter(problems))
        section = "notice" if first in NOTICE_FIELDS else "notify"
        if self.section != section:
            self.query_one("#sections", TabbedContent).active = section
        tab = self.notice_tab if section == "notice" else self.notify_tab
        self.call_after_refresh(tab.field(first).focus)
        self.notify(
            f"Not saved: fix what is marked ✗ ({', '.join(names)}).",
            severity="warning",
        )

    def action_new_incident(self) -> None:
        if self.dirty and not self._confirmed("new", "ctrl+n again starts a new one"):
            return
        self._load(None)
        self._enter_section(self.section)
        self.notify("New incident: fill in what you know, then ctrl+s to save it.")

    def action_back(self) -> None:
        changed = self.dirty or self.contacts_tab.edited
        if changed and not self._confirmed("back", "escape again leaves without saving"):
            return
        super().action_back()

    def _confirmed(self, what: str, again: str) -> bool:
        """True on the second press with the same unsaved changes; warn on the first."""
        draft = self.read_draft()
        if self.warned == (what, draft):
            return True
        self.warned = (what, draft)
        self.notify(f"Changes not saved: ctrl+s saves them; {again}.", severity="warning")
        return False

    def _run(self, work: Callable[[], object], failure: str) -> bool:
        def call() -> bool:
            work()
            return True

        return self.attempt(call, failure) is not None

    # Documents -------------------------------------------------------------------------------

    def context(self) -> KitContext | None:
        if self._ctx is None:
            self._ctx = self.attempt(self.session.kit_context, "Could not read the kit's facts")
        return self._ctx

    def _show_document(self, name: str) -> None:
        documents = self._documents(name)
        if documents:
            self.query_one(f"#{name}", DocumentTab).show(documents[0][1])
            self._stale.discard(name)

    def _show_notice(self, built: IncidentFacts | dict[str, str] | None = None) -> None:
        built = build_facts(self.read_draft(), self.session.today()) if built is None else built
        if isinstance(built, dict):
            names = ", ".join(LABELS.get(name, name).lower() for name in built)
            self.notice_tab.show_preview(f"Fix what is marked ✗ ({names}) to see the notice.")
        else:
            documents = self._documents("notice", built)
            if documents:
                self.notice_tab.show_preview(reading_text(documents[0][1]))
        self._stale.discard("notice")

    def _documents(self, name: str, facts: IncidentFacts | None = None) -> list[tuple[str, str]]:
        """(suffix, content) of the files `name` exports; [] when they cannot be made."""
        ctx = self.context()
        if ctx is None:
            return []
        return _render(ctx, name, facts)

    def action_export(self) -> None:
        if self.exporting:
            self.notify("Still writing the last export…")
            return
        section = self.section
        facts = None
        if section in ("notify", "notice"):
            facts = self.save_incident()
            if facts is None:
                return
        documents = self.attempt(
            lambda: self._documents(section, facts), "Could not build the document"
        )
        if not documents or self.session.org is None:
            return
        stem = file_stem(self.session.org.name, self.session.today(), DOCUMENT_NAMES[section])
        self.exporting = True
        self.write_files(locations().exports, stem, documents)

    @work(thread=True, exclusive=True, group="kit-export")
    def write_files(self, folder: Path, stem: str, documents: list[tuple[str, str]]) -> None:
        try:
            written = write_new_files(folder, stem, documents)
        except EXPECTED_ERRORS as error:
            self.app.call_from_thread(self._export_done, [], describe(error))
            return
        self.app.call_from_thread(self._export_done, written, "")

    def _export_done(self, written: list[Path], problem: str) -> None:
        self.exporting = False
        if problem:
            self.app.notify(f"Export failed: {problem}", severity="error", timeout=10)
            return
        names = " and ".join(path.name for path in written)
        self.app.notify(
            f"Exported {names} into {written[0].parent} (readable only by you).",
            title="Breach kit",
            timeout=10,
        )


def _render(ctx: KitContext, name: str, facts: IncidentFacts | None) -> list[tuple[str, str]]:
    """(suffix, content) of each file of document `name`; the incident ones need `facts`."""
    if name == "plan":
        from pdpa_check.exports.kit.plan24 import render_plan_markdown, render_plan_toml

        return [("md", render_plan_markdown(ctx)), ("toml", render_plan_toml(ctx))]
    if name == "faq":
        from pdpa_check.exports.kit.faq import render_faq_markdown

        return [("md", render_faq_markdown(ctx))]
    if facts is None:
        return []
    if name == "notify":
        from pdpa_check.exports.kit.notify import render_record_markdown, render_record_toml

        verdict = notifiability(facts)
        return [
            ("md", render_record_markdown(ctx, facts, verdict)),
            ("toml", render_record_toml(ctx, facts, verdict)),
        ]
    from pdpa_check.exports.kit.notice import render_notice_markdown

    return [("md", render_notice_markdown(ctx, facts))]
