"""The Breach kit: contacts, the 24-hour plan, the notifiability check, the notice, the FAQ.

For an owner on a bad day, or preparing for one. Contacts are saved at once,
one role at a time. The notifiability wizard and the customer notice edit the
same incident (the latest one when the screen opens) and are saved together
with ctrl+s. Documents are rendered on the main thread from
`Session.kit_context()` and written by a thread worker into the export folder,
never over an existing file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    RadioSet,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
    TextArea,
)

from pdpa_check.exports.writer import file_stem, write_new_files
from pdpa_check.kit.contacts import CONTACT_ROLES, ESSENTIAL_ROLES, Contact
from pdpa_check.kit.context import KitContext
from pdpa_check.kit.facts import CUSTOMER_STEPS, IncidentFacts, LogEntry, notifiability
from pdpa_check.store.kit import IncidentRow
from pdpa_check.support.paths import locations
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, BaseScreen, describe
from pdpa_check.tui.screens.kit_forms import (
    NOTICE_AREAS,
    document,
    notice_form,
    widget_id,
    wizard_form,
)
from pdpa_check.tui.screens.kit_wizard import (
    GROUNDS_CHOICES,
    KIND_CHOICES,
    LABELS,
    NOTICE_FIELDS,
    TRI_CHOICES,
    TRI_FIELDS,
    Draft,
    blank_draft,
    build_facts,
    draft_of,
    log_entry,
    verdict_content,
    verdict_waiting,
)
from pdpa_check.tui.widgets.kit_contacts import ContactRow
from pdpa_check.tui.widgets.plain import plain
from pdpa_check.tui.widgets.reading import reading_text
from pdpa_check.tui.widgets.toggles import MarkedRadioButton

# Section (tab pane) id -> tab label; the number is the key that opens it.
SECTIONS: dict[str, str] = {
    "contacts": "1 Contacts",
    "plan": "2 24-hour plan",
    "notify": "3 Notifiable?",
    "notice": "4 Customer notice",
    "faq": "5 Privacy FAQ",
}
CONTACTS_HINT = (
    "Who to call in the first hour. tab to a field, type a name and how to reach them,"
    " then press enter (or Save). The first three are needed for the 24-hour plan."
)
# Text areas of the wizard form (besides the notice's).
WIZARD_AREAS = ("not_telling_why", "late_reasons")
# Date inputs of the wizard and notice forms, beyond the discovery date.
DATE_INPUTS = ("assessed", "pdpc_notified", "individuals_notified", "next_update")
TICKS = ("affected_verified", "data_verified")
# The three fields of a new log entry (Add to log).
LOG_INPUTS = ("log_at", "log_who", "log_what")
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
        # The incident's log: saved entries plus those added since (saved with ctrl+s).
        self.log_entries: tuple[LogEntry, ...] = ()
        # What is wrong with the step being typed, shown until it is fixed or added.
        self.log_problems: dict[str, str] = {}
        self._ctx: KitContext | None = None
        self._stale: set[str] = {"plan", "faq", "notice"}

    # Building the screen ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        contacts = self.attempt(self.session.contacts, "Could not load the contacts") or {}
        yield Header()
        with TabbedContent(id="sections", initial="contacts"):
            with (
                TabPane(SECTIONS["contacts"], id="contacts"),
                VerticalScroll(id="contacts-scroll", can_focus=False),
            ):
                yield Static(CONTACTS_HINT, classes="muted hint")
                for role, label in CONTACT_ROLES.items():
                    yield ContactRow(
                        role, label, essential=role in ESSENTIAL_ROLES, contact=contacts.get(role)
                    )
            with TabPane(SECTIONS["plan"], id="plan"):
                yield Static(id="plan-hint", classes="muted hint")
                yield document("plan-doc")
            with (
                TabPane(SECTIONS["notify"], id="notify"),
                Horizontal(id="notify-columns", classes="columns"),
            ):
                with VerticalScroll(id="notify-form", classes="form", can_focus=False):
                    yield from wizard_form()
                with VerticalScroll(id="verdict-pane"):
                    yield Static(id="verdict")
            with (
                TabPane(SECTIONS["notice"], id="notice"),
                Horizontal(id="notice-columns", classes="columns"),
            ):
                with VerticalScroll(id="notice-form", classes="form", can_focus=False):
                    yield from notice_form()
                yield document("notice-preview")
            with TabPane(SECTIONS["faq"], id="faq"):
                yield Static(id="faq-hint", classes="muted hint")
                yield document("faq-doc")
        yield Footer()

    def on_mount(self) -> None:
        folder = plain(f"Export (ctrl+o or e) writes into {locations().exports}")
        self.query_one("#plan-hint", Static).update(
            Content.assemble(
                "Your first 24 hours, from your profile, contacts and answers. ", folder
            )
        )
        self.query_one("#faq-hint", Static).update(
            Content.assemble(
                "A privacy FAQ for your website, from your inventory and answers. ", folder
            )
        )
        incidents = self.attempt(self.session.incidents, "Could not load the incidents") or []
        self._load(incidents[0] if incidents else None)
        # The section tabs first: 1-5 and arrows move between sections, and no key typed
        # on arrival can land in (and replace) a saved contact's name.
        self.query_one("#sections", TabbedContent).query_one(Tabs).focus()

    # Sections --------------------------------------------------------------------

    @property
    def section(self) -> str:
        tabs = self.query("#sections").results(TabbedContent)
        return next((t.active for t in tabs), "") or "contacts"

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
            self._showdocument(name)
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

    def on_contact_row_save_requested(self, event: ContactRow.SaveRequested) -> None:
        row = event.row
        try:
            contact = Contact.model_validate(
                {"role": row.role, "name": event.name, "reach": event.reach}
            )
        except ValidationError as error:
            row.show_error(_contact_problem(error))
            return
        if self._run(lambda: self.session.set_contact(contact), "Could not save the contact"):
            self._contact_saved(row, f"Saved: {row.label}.")

    def on_contact_row_clear_requested(self, event: ContactRow.ClearRequested) -> None:
        row = event.row
        if row.contact is None:
            row.show(None)
            return
        if self._run(lambda: self.session.clear_contact(row.role), "Could not clear it"):
            self._contact_saved(row, f"Cleared: {row.label}.")

    def _contact_saved(self, row: ContactRow, message: str) -> None:
        contacts = self.attempt(self.session.contacts, "Could not reload the contacts")
        if contacts is not None:
            row.show(contacts.get(row.role))
        self._ctx = None
        self._stale |= {"plan", "faq", "notice"}
        self.notify(message)

    def _focused_row(self) -> ContactRow | None:
        node = self.focused
        while node is not None and not isinstance(node, ContactRow):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def action_clear_contact(self) -> None:
        row = self._focused_row()
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
        for name in ("title", "discovered", "affected", "contact_point", *DATE_INPUTS):
            self.query_one(f"#{widget_id(name)}", Input).value = str(getattr(draft, name))
        for name in (*NOTICE_AREAS, *WIZARD_AREAS):
            self.query_one(f"#{widget_id(name)}", TextArea).load_text(getattr(draft, name))
        for name in TICKS:
            self.query_one(f"#{widget_id(name)}", Checkbox).value = bool(getattr(draft, name))
        self.log_entries = draft.log
        self._show_log()
        for name in TRI_FIELDS:
            for value, _ in TRI_CHOICES:
                button = self.query_one(f"#{widget_id(name)}-{value}", MarkedRadioButton)
                button.value = getattr(draft, name) == value
        for field, choices in (("kind", KIND_CHOICES), ("not_telling_grounds", GROUNDS_CHOICES)):
            for value, _ in choices:
                button = self.query_one(f"#{widget_id(field)}-{value}", MarkedRadioButton)
                button.value = getattr(draft, field) == value
        for key in CUSTOMER_STEPS:
            self.query_one(f"#step-{key}", Checkbox).value = key in draft.customer_steps

    def read_draft(self) -> Draft:
        """The incident as the two forms show it now."""

        def text(name: str) -> str:
            return self.query_one(f"#{widget_id(name)}", Input).value

        def tick(name: str) -> bool:
            return self.query_one(f"#{widget_id(name)}", Checkbox).value

        def tri(name: str) -> str:
            pressed = self.query_one(f"#{widget_id(name)}", RadioSet).pressed_button
            chosen = pressed.id.rsplit("-", 1)[-1] if pressed and pressed.id else "unknown"
            return chosen

        values: dict[str, Any] = {
            "title": text("title"),
            "kind": tri("kind"),
            "discovered": text("discovered"),
            "affected": text("affected"),
            "contact_point": text("contact_point"),
            "not_telling_grounds": tri("not_telling_grounds").replace("unknown", "none"),
            "log": getattr(self, "log_entries", ()),
        }
        values |= {name: text(name) for name in DATE_INPUTS}
        values |= {name: tri(name) for name in TRI_FIELDS}
        # An old file's assumed kind stays flagged until the owner picks another.
        saved = getattr(self, "saved", None)
        values["kind_assumed"] = bool(saved and saved.kind_assumed and saved.kind == values["kind"])
        # An older incident's flags, set without a ground, stand until a ground is chosen.
        legacy = bool(saved) and values["not_telling_grounds"] == "none"
        values["harm_unlikely"] = legacy and bool(saved and saved.harm_unlikely)
        values["told_not_to_notify"] = legacy and bool(saved and saved.told_not_to_notify)
        values |= {
            name: self.query_one(f"#{widget_id(name)}", TextArea).text
            for name in (*NOTICE_AREAS, *WIZARD_AREAS)
        }
        for name in TICKS:
            values[name] = tick(name)
        values["customer_steps"] = tuple(
            key for key in CUSTOMER_STEPS if self.query_one(f"#step-{key}", Checkbox).value
        )
        return Draft(**values)

    @property
    def dirty(self) -> bool:
        return self.read_draft() != self.saved

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
        for selector in ("#incident-label", "#notice-label"):
            self.query_one(selector, Static).update(label)

    def _show_verdict(self, draft: Draft) -> None:
        # The verdict reads the wizard's facts only: a notice field never hides it.
        wizard = build_facts(
            replace(draft, **{n: getattr(Draft(), n) for n in NOTICE_FIELDS}), self.session.today()
        )
        verdict = self.query_one("#verdict", Static)
        if isinstance(wizard, dict):
            verdict.update(verdict_waiting(wizard))
        else:
            verdict.update(verdict_content(wizard, notifiability(wizard)))

    def _show_problems(self, problems: dict[str, str]) -> None:
        problems = {**problems, **getattr(self, "log_problems", {})}
        for error in self.query(".field-error").results(Static):
            name = (error.id or "").removeprefix("f-").removesuffix("-error").replace("-", "_")
            message = problems.get(name) if name in self.touched else None
            error.update(plain(f"✗ {message}") if message else "")
            error.display = bool(message)
            self.query_one(f"#{widget_id(name)}").set_class(bool(message), "-error")

    # Live updates ------------------------------------------------------------------------

    def _is_incident_field(self, widget: Widget) -> bool:
        return (widget.id or "").startswith(("f-", "step-")) or isinstance(widget, RadioSet)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._is_incident_field(event.input):
            self._form_changed()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if self._is_incident_field(event.input) and event.input.id:
            self.touched.add(event.input.id.removeprefix("f-").replace("-", "_"))
            self._form_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._is_incident_field(event.input):
            event.stop()
            self.focus_next()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._is_incident_field(event.text_area):
            self._form_changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if self._is_incident_field(event.checkbox):
            self._form_changed()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._form_changed()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions: dict[str, Callable[[], None]] = {
            "notify-save": self.action_save,
            "notice-save": self.action_save,
            "notify-export": self.action_export,
            "notice-export": self.action_export,
            "notify-new": self.action_new_incident,
            "log-add": self.add_to_log,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    # The log ---------------------------------------------------------------------------------

    def add_to_log(self) -> None:
        """Add the typed step to the log, or show what to fix beside the field."""
        fields = {name: self.query_one(f"#{widget_id(name)}", Input) for name in LOG_INPUTS}
        now = dt.datetime.combine(self.session.today(), dt.datetime.now().time())
        when, who, what = (field.value for field in fields.values())
        made = log_entry(when, who, what, now)
        self.log_problems = made if isinstance(made, dict) else {}
        if isinstance(made, dict):
            self.touched |= set(made)
            self._show_problems({})
            self.query_one(f"#{widget_id(next(iter(made)))}").focus()
            return
        # Kept in time order, so a step logged late still reads in its place.
        self.log_entries = tuple(sorted((*self.log_entries, made), key=_log_order))
        for field in fields.values():
            field.value = ""
        self.touched -= set(LOG_INPUTS)
        self._show_log()
        self._form_changed()
        self.notify("Added to the log: ctrl+s saves it with the incident.")

    def _show_log(self) -> None:
        table = self.query_one("#log-table", Static)
        if not self.log_entries:
            table.update(Content.styled("No steps logged yet.", "italic"))
            return
        lines = [
            Content(f"• {entry.when} · {entry.who}: {entry.what}") for entry in self.log_entries
        ]
        table.update(Content("\n").join(lines))

    # Saving ----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.section == "contacts":
            row = self._focused_row()
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
        target = self.query_one(f"#{widget_id(first)}")
        self.call_after_refresh(target.focus)
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
        changed = self.dirty or any(row.edited for row in self.query(ContactRow))
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

    def _showdocument(self, name: str) -> None:
        documents = self._documents(name)
        area = self.query_one(f"#{name}-doc", TextArea)
        if documents:
            _show_text(area, reading_text(documents[0][1]))
            self._stale.discard(name)

    def _show_notice(self, built: IncidentFacts | dict[str, str] | None = None) -> None:
        built = build_facts(self.read_draft(), self.session.today()) if built is None else built
        area = self.query_one("#notice-preview", TextArea)
        if isinstance(built, dict):
            names = ", ".join(LABELS.get(name, name).lower() for name in built)
            _show_text(area, f"Fix what is marked ✗ ({names}) to see the notice.")
        else:
            documents = self._documents("notice", built)
            if documents:
                _show_text(area, reading_text(documents[0][1]))
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


def _log_order(entry: LogEntry) -> tuple[dt.date, dt.time]:
    """When a step happened; a date alone sorts before the times of that day."""
    if isinstance(entry.at, dt.datetime):
        return entry.at.date(), entry.at.time()
    return entry.at, dt.time.min


def _show_text(area: TextArea, text: str) -> None:
    """Replace a read-only text area's text, keeping the reader's place when it can."""
    scroll = area.scroll_offset
    area.load_text(text)
    area.scroll_to(scroll.x, scroll.y, animate=False, immediate=True)


def _contact_problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = str(detail["loc"][0]) if detail["loc"] else ""
    if where == "name" and detail["type"] in ("too_short", "string_too_short"):
        return "Enter a name (a person or firm), or Clear to remove this contact."
    message = detail["msg"].removeprefix("Value error, ")
    field = {"name": "Name", "reach": "How to reach"}.get(where, "This contact")
    return f"{field}: {message}"
