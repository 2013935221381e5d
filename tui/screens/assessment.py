"""The assessment: one question at a time, each answer saved the moment it is chosen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import ScreenSuspend
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from pdpa_check.kit.contacts import QUESTION_ROLES
from pdpa_check.questionnaires.answers import Answer, AnswerKey, describe_value, normalise_value
from pdpa_check.questionnaires.applicability import Slot
from pdpa_check.questionnaires.errors import InvalidValue
from pdpa_check.services.session import Questionnaire
from pdpa_check.services.user_lists import EVIDENCE_QUESTIONS
from pdpa_check.support.text import NOTE_MAX_CHARS, TextError, for_output
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, BaseScreen, describe
from pdpa_check.tui.widgets.answer_keys import Choice, choice_for_key, choices, typed
from pdpa_check.tui.widgets.footer import KeysFooter
from pdpa_check.tui.widgets.inputs import NoteInput
from pdpa_check.tui.widgets.lists import PickList
from pdpa_check.tui.widgets.plain import plain
from pdpa_check.tui.widgets.question_text import (
    answer_status,
    domain_label,
    help_text,
    kit_contacts_hint,
    position_line,
    systems_checklist,
)

ANSWER_KEYS = ["y", "p", "n", "u", "x", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
# A note or evidence is saved this many seconds after typing stops, so a killed app keeps it.
NOTE_SAVE_DELAY = 1.0


class CardScroll(VerticalScroll, inherit_bindings=False):
    """A scrolling column that leaves left and right to the screen (previous, next)."""

    BINDINGS = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]


class AssessmentScreen(BaseScreen):
    """Domain list on the left, the question card on the right."""

    CSS_PATH = "assessment.tcss"
    # Wide terminals show the help column beside the question all the time.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (116, "-wide")]
    BINDINGS = [
        *(
            Binding(key, f"pick('{key}')", show=False, id=f"assessment.pick-{key}")
            for key in ANSWER_KEYS
        ),
        Binding("right", "move(1)", "Next", key_display="→", id="assessment.next"),
        Binding("left", "move(-1)", "Previous", key_display="←", id="assessment.previous"),
        Binding("ctrl+n", "next_unanswered", "Next unanswered", id="assessment.unanswered"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="assessment.help"),
        Binding("ctrl+o", "confirm_area", "Confirm area", id="assessment.confirm-area"),
        Binding("ctrl+l", "user_list", "User list", id="assessment.user-list"),
        Binding("ctrl+f", "finish", "Finish", id="assessment.finish"),
        Binding("escape", "back", "Back", id="assessment.back"),
    ]

    def __init__(self, *, jump_to: AnswerKey | None = None) -> None:
        super().__init__()
        self.jump_to = jump_to
        self.index = 0
        self.pending: str | None = None  # a value chosen but not saved (shown for retry)
        self.stale: set[AnswerKey] = set()
        self.finish_anyway = False  # set by a first ctrl+f with unconfirmed answers
        self.new_questions: set[str] = set()  # added to the bank since the last assessment
        self._note_timer: Timer | None = None  # the pending save of a note being typed
        self._note_key: AnswerKey | None = None  # the question that note belongs to

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="domain-column"):
                yield PickList(id="domains", compact=True)
                yield Static("✓ done  ~ to confirm", id="legend", classes="muted")
            with CardScroll(id="card"):
                yield Static(id="where")
                yield ProgressBar(id="progress", show_eta=False)
                yield Static(id="question")
                yield Static(id="kit-hint")
                yield Static(id="systems")
                yield PickList(id="choices", compact=True)
                yield Input(id="typed", compact=True)
                yield Static(id="status")
                yield NoteInput(
                    id="note",
                    placeholder="Note for yourself (left out of redacted exports)",
                    max_length=NOTE_MAX_CHARS,
                    compact=True,
                )
                yield NoteInput(
                    id="evidence",
                    placeholder="Evidence: where the proof is (screenshot, ticket, file)",
                    max_length=NOTE_MAX_CHARS,
                    compact=True,
                )
            with CardScroll(id="help-column"):
                yield Static(id="help")
        yield KeysFooter()

    @property
    def questionnaire(self) -> Questionnaire:
        return self.session.questionnaire()

    @property
    def slot(self) -> Slot:
        return self.questionnaire.slots[self.index]

    def on_mount(self) -> None:
        q = self.attempt(lambda: self.session.questionnaire(), "Could not open the assessment")
        if q is None or not q.slots:
            self.notify("Nothing to answer in this assessment.")
            self.pdpa.go("dashboard")
            return
        self.stale = self.session.stale_answers(q.row)
        change = self.attempt(lambda: self.session.bank_change(q.row), "")
        self.new_questions = set(change.new_questions) if change else set()
        if change:
            self.notify(
                f"The questions changed since last time ({change.before} → {change.after}): "
                f"{len(change.new_questions)} new, {len(change.retired_questions)} retired."
            )
        start = q.index_of(self.jump_to) if self.jump_to else q.resume_index()
        self.show(start)

    def jump(self, key: AnswerKey) -> None:
        """Show the question `key` (from the command palette)."""
        self.show(self.questionnaire.index_of(key))

    # Showing a question --------------------------------------------------

    def show(self, index: int) -> None:
        """Show slot `index` (clamped) and remember it as the resume point."""
        self._flush_notes()  # a note typed for the question being left is saved first
        q = self.questionnaire
        self.index = max(0, min(index, len(q.slots) - 1))
        self.pending = None
        slot = self.slot
        self.attempt(lambda: q.remember(slot.key), "Could not remember your place")
        answer = q.answers.get(slot.key)
        self._show_position(q)
        self.query_one("#question", Static).update(plain(slot.question.text))
        self._show_kit_hint(slot)
        systems = self.query_one("#systems", Static)
        systems.update(systems_checklist(q, slot))
        systems.display = slot.system is not None
        self._show_choices(slot, answer)
        self._show_notes(answer)
        self._show_status()
        system_name = slot.system.name if slot.system else None
        self.query_one("#help", Static).update(
            help_text(q.bank, slot.question, q.profile, system_name)
        )
        self._show_domains(q)
        self.refresh_bindings()  # "User list" is offered on some questions only

    def _show_position(self, q: Questionnaire) -> None:
        new = self.slot.question.id in self.new_questions
        self.query_one("#where", Static).update(position_line(q, self.index, new=new))
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(q.slots), progress=q.answered)

    def _show_kit_hint(self, slot: Slot) -> None:
        """Say when the breach kit lacks a contact this question depends on."""
        roles = QUESTION_ROLES.get(slot.question.id)
        hint = None
        if roles:  # one indexed query, only for the few questions that depend on a contact
            contacts = self.attempt(self.session.contacts, "Could not read the kit contacts")
            hint = kit_contacts_hint(roles, contacts) if contacts is not None else None
        field = self.query_one("#kit-hint", Static)
        field.update(plain(hint or ""))
        field.display = hint is not None

    def _show_choices(self, slot: Slot, answer: Answer | None) -> None:
        options = self.query_one("#choices", OptionList)
        offered = choices(slot.question)
        options.set_options(_choice_option(choice, answer) for choice in offered)
        options.display = bool(offered)
        current = next((i for i, c in enumerate(offered) if answer and c.value == answer.value), 0)
        options.highlighted = current if offered else None
        field = self.query_one("#typed", Input)
        field.display = typed(slot.question)
        if field.display:
            field.value = answer.value if answer and answer.value not in _scale(offered) else ""
            field.placeholder = _typed_hint(slot)
            field.focus()
        elif offered:
            options.focus()

    def _show_notes(self, answer: Answer | None) -> None:
        self.query_one("#note", Input).value = for_output(answer.note) if answer else ""
        self.query_one("#evidence", Input).value = for_output(answer.evidence) if answer else ""

    def _show_status(self, problem: str | None = None) -> None:
        q, key = self.questionnaire, self.slot.key
        text = answer_status(
            self.slot.question,
            q.answers.get(key),
            problem,
            carried=key in q.carried,
            stale=key in self.stale,
            verified=q.verified.get(key),
        )
        self.query_one("#status", Static).update(text)

    def _show_domains(self, q: Questionnaire) -> None:
        domains = self.query_one("#domains", OptionList)
        current = self.slot.question.domain
        progress = q.progress()
        domains.set_options(
            Option(domain_label(item, item.domain.id == current), id=item.domain.id)
            for item in progress
        )
        domains.highlighted = next(
            (i for i, item in enumerate(progress) if item.domain.id == current), None
        )

    # Answering -----------------------------------------------------------

    def action_pick(self, key: str) -> None:
        choice = choice_for_key(self.slot.question, key)
        if choice is None:
            self.notify(f"'{key}' is not an answer here: use the keys shown beside the answers.")
            return
        self.save(choice.value)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.save(event.option.id)

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.save(event.value)
        elif self.slot.question.kind == "text" and self.slot.key in self.questionnaire.answers:
            self.attempt(lambda: self.questionnaire.clear(self.slot), "Could not clear")
            self.show(self.index)
        else:
            self.action_move(1)

    def save(self, raw: str) -> None:
        """Save `raw` for the current question, then go on to the next one."""
        q, key = self.questionnaire, self.slot.key
        self._cancel_note_save()  # the answer saves the note with it
        self.pending = raw
        note = self.query_one("#note", Input).value
        evidence = self.query_one("#evidence", Input).value
        try:
            q.answer(self.slot, raw, note=note, evidence=evidence)
        except (InvalidValue, TextError) as error:  # the core said why it is not accepted
            self.pending = None
            self._show_status(str(error))
            return
        except EXPECTED_ERRORS as error:
            label = _label(self.slot, raw)
            self._show_status(f"{label}: NOT SAVED: {describe(error)}. Choose it again to retry.")
            self.notify("The answer was not saved", severity="error")
            return
        self.stale.discard(key)
        self.show(q.index_of(key) + 1)  # skip logic may have added or removed questions
        if q.answered == len(q.slots):
            self.notify("Every question is answered: press ctrl+f to finish and see your score.")

    @on(Input.Changed, "#note, #evidence")
    def _notes_typed(self) -> None:
        """Save the note a moment after typing stops (each keystroke restarts the wait)."""
        self._cancel_note_save()
        self._note_key = self.slot.key
        self._note_timer = self.set_timer(NOTE_SAVE_DELAY, self._flush_notes)

    def _cancel_note_save(self) -> None:
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self._note_key = None

    def _flush_notes(self) -> None:
        """Save a pending note now, if the question it was typed for is still shown.

        Skip logic can move the questions under the same index, so the note is
        saved only for the question it was typed for.
        """
        key = self._note_key
        self._cancel_note_save()
        if key is None:
            return
        slots = self.attempt(lambda: self.questionnaire.slots, "The note was not saved")
        if slots is not None and self.index < len(slots) and slots[self.index].key == key:
            self._notes_done()

    def on_screen_suspend(self, _event: ScreenSuspend) -> None:
        self._flush_notes()  # another screen covers this one: do not wait for the timer
        self.attempt(self.session.settle_plan, "Could not update the plan items")

    @on(Input.Submitted, "#note, #evidence")
    @on(Input.Blurred, "#note, #evidence")
    def _notes_done(self) -> None:
        """Save the note and evidence shown with the current answer, if they changed.

        A question not answered yet has no answer row to hold a note: the owner is
        told to choose an answer, and the note is saved with it.
        """
        self._cancel_note_save()
        answer = self.questionnaire.answers.get(self.slot.key)
        note = self.query_one("#note", Input).value
        evidence = self.query_one("#evidence", Input).value
        if answer is None:
            if note or evidence:
                self._show_status("Choose an answer to save this note with it.")
            return
        # Unchanged, or exactly as shown: nothing typed, nothing to save.
        shown = (for_output(answer.note), for_output(answer.evidence))
        if (note, evidence) not in ((answer.note, answer.evidence), shown):
            saved = self.attempt(
                lambda: self.questionnaire.answer(
                    self.slot, answer.value, note=note, evidence=evidence
                ),
                "The note was not saved",
            )
            if saved is not None:
                self._show_status("Note saved.")

    # Moving --------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.show(self.index + step)

    def action_next_unanswered(self) -> None:
        found = self.questionnaire.next_unanswered(self.index)
        if found is None:
            self.notify("Every question is answered: press ctrl+f to finish.")
        else:
            self.show(found)

    @on(OptionList.OptionSelected, "#domains")
    def _domain_chosen(self, event: OptionList.OptionSelected) -> None:
        q = self.questionnaire
        in_domain = [i for i, s in enumerate(q.slots) if s.question.domain == event.option.id]
        unanswered = [i for i in in_domain if q.slots[i].key not in q.answers]
        self.show((unanswered or in_domain or [self.index])[0])

    def action_toggle_help(self) -> None:
        self.toggle_class("-help-toggled")

    def action_back(self) -> None:
        if isinstance(self.focused, Input) and self.focused.id != "typed":
            self.query_one("#choices", OptionList).focus()
            return
        self._flush_notes()
        self.attempt(self.session.settle_plan, "Could not update the plan items")
        super().action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "user_list":  # only where a platform's user list can answer
            # Asked at any time, also while the screen closes after the assessment completed.
            is_open = self.is_mounted and self.session.open_assessment() is not None
            q = self.session.questionnaire() if is_open else None
            return bool(q and q.slots) and self.slot.question.id in EVIDENCE_QUESTIONS
        return True

    def action_user_list(self) -> None:
        """Check this question against a platform's user list (its system's, if per system)."""
        from pdpa_check.tui.screens.user_list_import import UserListImportScreen

        system_key = self.slot.system.key if self.slot.system else None

        def applied(changed: bool | None) -> None:
            if changed:
                self.show(self.index)

        self.app.push_screen(UserListImportScreen(self.session, system_key), applied)

    def action_confirm_area(self) -> None:
        domain = self.slot.question.domain
        count = self.attempt(
            lambda: self.questionnaire.confirm_domain(domain), "Could not confirm the answers"
        )
        if count is None:
            return
        title = self.questionnaire.bank.domain(domain).title
        self.notify(
            f"Confirmed {count} carried answer(s) in {title}."
            if count
            else f"Nothing carried is left to confirm in {title}."
        )
        self.stale -= {s.key for s in self.questionnaire.slots if s.question.domain == domain}
        self.show(self.index)

    def action_finish(self) -> None:
        self._flush_notes()  # the note belongs to the assessment being finished
        q = self.questionnaire
        missing = len(q.slots) - q.answered
        if missing:
            self.notify(
                f"{missing} question(s) still unanswered (ctrl+n finds them). "
                'Unanswered questions score 0; answer "Don\'t know" if you are unsure.'
            )
            return
        carried = len(q.unconfirmed())
        if carried and not self.finish_anyway:
            self.finish_anyway = True
            self.notify(
                f"{carried} answer(s) carried from last time are not confirmed yet "
                "(ctrl+o confirms an area). Press ctrl+f again to finish anyway."
            )
            return
        if self.attempt(self.session.complete_assessment, "Could not complete") is not None:
            self.notify("Assessment completed and its score recorded.")
            self.pdpa.go("results")


def _choice_option(choice: Choice, answer: Answer | None) -> Option:
    chosen = answer is not None and answer.value == choice.value
    mark = "(•)" if chosen else "( )"
    return Option(plain(f"{mark} {choice.keys}  {choice.label}"), id=choice.value)


def _label(slot: Slot, raw: str) -> str:
    try:
        return describe_value(slot.question, normalise_value(slot.question, raw))
    except InvalidValue:
        return raw


def _scale(offered: list[Choice]) -> set[str]:
    return {choice.value for choice in offered}


def _typed_hint(slot: Slot) -> str:
    number = slot.question.number
    if number is not None:
        return f"Type a number of {number.unit}, then enter (or pick Don't know)"
    return "Type your answer, then enter"
