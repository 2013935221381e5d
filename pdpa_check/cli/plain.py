"""`pdpa-check assess --plain`: the questionnaire one question per prompt.

For screen-reader users and plain logs. It drives the same headless session as
the app (same questions, same skip logic, every answer saved before the next
question), prints only sanitised `Text` (never markup: bank text, names and
notes are untrusted), and never loads Textual.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click
from rich.prompt import Confirm, Prompt

from pdpa_check.cli.base import Context, InputError, cli, handled, pass_ctx, writes
from pdpa_check.cli.output import console, plain
from pdpa_check.kit.contacts import QUESTION_ROLES, missing_sentence
from pdpa_check.questionnaires.answers import AnswerKey, describe_value, format_number
from pdpa_check.questionnaires.model import (
    ANSWER_LABELS,
    NO,
    NOT_APPLICABLE,
    PARTLY,
    UNKNOWN,
    YES,
    AnswerValue,
    Question,
)
from pdpa_check.questionnaires.platforms import builtin_catalogue, steps_for_action

if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console
    from rich.text import TextType

    from pdpa_check.questionnaires.applicability import Slot
    from pdpa_check.services.session import Questionnaire, Session
    from pdpa_check.store.repo import Store

# The shortcut typed for each standard answer value (normalise_value maps them back).
SHORTCUTS: dict[AnswerValue, str] = {
    YES: "y",
    PARTLY: "p",
    NO: "n",
    UNKNOWN: "u",
    NOT_APPLICABLE: "x",
}

NO_ORGANISATION = (
    "no organisation yet: create one first with "
    "`pdpa-check org create NAME --staff N --system [KIND:]NAME`, "
    "then run `pdpa-check assess --plain` again"
)
KEYS_HELP = (
    "Type an answer and press Enter. Enter on its own skips a question for now "
    "(or keeps the current answer), ? shows help, b goes back, q quits. "
    "Every answer is saved as soon as you give it."
)
RESUME_HINT = "Run `pdpa-check assess --plain` again to carry on where you left off."


class Stop(Exception):
    """The person quit (q) or the input ended; answers so far are already saved."""


class EchoingPrompt(Prompt):
    """A prompt that prints what was typed when no terminal echoed it (piped input, logs)."""

    @classmethod
    def get_input(
        cls, console: Console, prompt: TextType, password: bool, stream: TextIO | None = None
    ) -> str:
        return _echoed(console, super().get_input(console, prompt, password, stream))


class EchoingConfirm(Confirm):
    """A yes/no question that prints the reply when no terminal echoed it."""

    @classmethod
    def get_input(
        cls, console: Console, prompt: TextType, password: bool, stream: TextIO | None = None
    ) -> str:
        return _echoed(console, super().get_input(console, prompt, password, stream))


@writes
@cli.command("assess")
@click.option(
    "--plain",
    "plain_mode",
    is_flag=True,
    help="Ask one question per prompt, without the app (screen readers, plain logs).",
)
@click.option(
    "--all",
    "ask_all",
    is_flag=True,
    help="Ask every question from the first, including answered ones.",
)
@pass_ctx
@handled
def assess(ctx: Context, plain_mode: bool, ask_all: bool) -> None:
    """Answer the open assessment's questions one by one (with --plain).

    Starts a new assessment if none is open. Enter skips a question for now,
    ? shows help, b goes back and q quits; answers are saved as you go.

    \b
    Example:
      pdpa-check assess --plain
    """
    if not plain_mode:
        raise InputError(
            "the interactive app is `pdpa-check` with no arguments; "
            "use `pdpa-check assess --plain` for one question per prompt"
        )
    session = _open_session(ctx)
    out = console()
    out.soft_wrap = not out.is_terminal  # logs: one line per paragraph, no hard breaks
    PlainRun(session, session.start_assessment(), out, ask_all=ask_all).run()


def _open_session(ctx: Context) -> Session:
    from pdpa_check.services.session import Session

    if not ctx.demo and not ctx.db_path.exists():
        raise InputError(NO_ORGANISATION)
    store: Store = ctx.store()
    if not store.organisations():
        raise InputError(NO_ORGANISATION)
    org = store.find_organisation(ctx.org_ref)
    return Session(store, ctx.user_banks, org_ref=str(org.id))


def _echo_input() -> bool:
    """Whether typed answers must be printed: only the terminal echoes them itself."""
    return not (_isatty(sys.stdin) and _isatty(sys.stdout))


def _echoed(out: Console, entry: str) -> str:
    if _echo_input():
        out.print(plain(entry))
    return entry


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


@dataclass
class PlainRun:
    """One pass through the questionnaire at the prompt."""

    session: Session
    q: Questionnaire
    out: Console
    ask_all: bool = False
    skipped: set[AnswerKey] = field(default_factory=set)

    # The walk --------------------------------------------------------------

    def run(self) -> None:
        self._intro()
        position = self._first()
        try:
            while position is not None:
                position = self._ask(position)
        except Stop as stop:
            self._say(str(stop))
            self._counts()
            self._say(RESUME_HINT)
            return
        finally:
            self.session.settle_plan()  # the plan follows the answers given
        self._finish()

    def _first(self) -> int | None:
        if not self.q.slots:
            return None
        if self.ask_all:
            return 0
        return self._next_open(self.q.resume_index())

    def _next_open(self, start: int) -> int | None:
        """The first slot from `start` on (wrapping round) not answered, confirmed or skipped."""
        slots = self.q.slots
        for step in range(len(slots)):
            index = (start + step) % len(slots)
            key = slots[index].key
            waiting = key not in self.q.answers or key in self.q.carried
            if waiting and key not in self.skipped:
                return index
        return None

    def _after(self, key: AnswerKey) -> int | None:
        """Where to go after `key`; the slots are re-read, skip logic may have changed them."""
        following = self.q.index_of(key) + 1
        if self.ask_all:
            return following if following < len(self.q.slots) else None
        return self._next_open(following)

    def _ask(self, index: int) -> int | None:
        """Ask slot `index` until it is answered, skipped or left; return where to go next."""
        slot = self.q.slots[index]
        self.q.remember(slot.key)
        self._show(index, slot)
        while True:
            entry = self._read(_prompt_label(slot)).strip()
            command = entry.casefold()
            if command == "":
                if slot.key in self.q.carried:
                    self.q.confirm([slot])
                    answer = self.q.answers[slot.key]
                    self._say(f"Confirmed: {describe_value(slot.question, answer.value)}.")
                elif slot.key not in self.q.answers:
                    self.skipped.add(slot.key)
                return self._after(slot.key)
            if command == "?":
                self._help(slot)
            elif command == "b":
                if index > 0:
                    return index - 1
                self._say("This is the first question.")
            elif command == "q":
                raise Stop("Stopped. Your answers so far are saved.")
            elif self._save(slot, entry):
                return self._after(slot.key)

    def _save(self, slot: Slot, entry: str) -> bool:
        try:
            answer = self.q.answer(slot, _choice_value(slot.question, entry))
        except ValueError as error:
            self._say(f"Not saved: {error}. Please try again (? for help).")
            return False
        self._say(f"Saved: {describe_value(slot.question, answer.value)}.")
        return True

    def _read(self, label: str) -> str:
        try:
            return EchoingPrompt.ask(plain(label), console=self.out)
        except EOFError:
            self.out.print()
            raise Stop("End of input. Your answers so far are saved.") from None

    # What is printed -------------------------------------------------------

    def _intro(self) -> None:
        org = self.session.require_org()
        bank = self.q.bank
        self._say(
            f"Assessment {self.q.row.id} for {org.name}: {bank.title} {bank.version}. "
            f"{self.q.answered} of {len(self.q.slots)} questions answered."
        )
        self._say(KEYS_HELP)

    def _show(self, index: int, slot: Slot) -> None:
        question = slot.question
        domain = self.q.bank.domains_by_id.get(question.domain)
        self.out.print()
        title = f"Question {index + 1} of {len(self.q.slots)}"
        self._say(f"{title}, {domain.title}" if domain else title, "bold")
        system = f" (for {slot.system.name})" if slot.system else ""
        self._say(question.text + system)
        hint = self._kit_hint(question)
        if hint:
            self._say(hint)
        self._say(f"Why it matters: {question.why}")
        for line in _choice_lines(question):
            self._say(line)
        current = self.q.answers.get(slot.key)
        if current is not None and slot.key in self.q.carried:
            self._say(
                f"Carried from last time: {describe_value(question, current.value)} "
                "(Enter confirms it is still true)."
            )
        elif current is not None:
            self._say(
                f"Current answer: {describe_value(question, current.value)} (Enter keeps it)."
            )
            if current.note:
                self._say(f"Note: {current.note}")
            if current.evidence:
                self._say(f"Evidence: {current.evidence}")

    def _kit_hint(self, question: Question) -> str | None:
        """Say when the breach kit has nobody recorded for a role `question` depends on."""
        roles = QUESTION_ROLES.get(question.id)
        if not roles:
            return None
        contacts = self.session.contacts()
        sentence = missing_sentence(roles, contacts)
        if sentence is None:
            return None
        cli_roles = ", ".join(role.replace("_", "-") for role in roles if role not in contacts)
        return (
            f"{sentence} with `pdpa-check kit contacts set ROLE NAME` (ROLE: {cli_roles}) "
            "or in the app's Breach kit."
        )

    def _help(self, slot: Slot) -> None:
        question = slot.question
        actions = [self.q.bank.actions_by_id.get(a) for a in question.actions]
        shown = False
        for action in (a for a in actions if a is not None):
            self._say(f"How to fix: {action.title}")
            for number, step in enumerate(action.steps, 1):
                self._say(f"  {number}. {step}")
            own = (
                steps_for_action(builtin_catalogue(), action.id, slot.system.name)
                if slot.system
                else None
            )
            if own is not None:
                self._say(f"  On {own.plain}")
            shown = True
        vendor_text = question.vendor_text(self.q.profile)
        if vendor_text is not None:
            self._say(f"Ask your IT vendor: {vendor_text}")
            shown = True
        if question.references:
            self._say("References:")
            for reference in question.references:
                self._say(f"  - {reference}")
            shown = True
        if not shown:
            self._say("No further help for this question.")
        self._say(KEYS_HELP)

    def _counts(self) -> None:
        total, answered = len(self.q.slots), self.q.answered
        self._say(f"Answered {answered} of {total} questions; {total - answered} not answered yet.")

    def _finish(self) -> None:
        self.out.print()
        self._counts()
        if self.q.answered < len(self.q.slots):
            self._say(f"{RESUME_HINT} The app (`pdpa-check`) shows the same questions.")
            return
        try:
            complete = EchoingConfirm.ask(
                plain("Every question is answered. Complete the assessment and record its score?"),
                console=self.out,
                default=False,
            )
        except EOFError:
            self.out.print()
            complete = False
        if not complete:
            self._say(
                "The assessment stays open; complete it later here or with "
                "`pdpa-check assessment complete`."
            )
            return
        from pdpa_check.scoring.rounding import shown_score

        assessed = self.session.complete_assessment()
        result = assessed.result
        self._say(
            f"Completed assessment {assessed.assessment.id}: "
            f"score {shown_score(result.score)} / 100, {result.band.name}."
        )
        self._say(
            "The score is a readiness indicator, not legal advice or a certification. "
            "See what to fix first with `pdpa-check plan`."
        )

    def _say(self, text: str, style: str = "") -> None:
        self.out.print(plain(text, style))


def _prompt_label(slot: Slot) -> str:
    return f"Answer for {slot.system.name}" if slot.system else "Answer"


def _choice_value(question: Question, entry: str) -> str:
    """An option number typed for a choice question becomes that option's id."""
    if question.kind == "choice" and entry.isdecimal():
        number = int(entry)
        if 1 <= number <= len(question.options):
            return question.options[number - 1].id
    return entry


def _choice_lines(question: Question) -> list[str]:
    """How to answer `question`: each accepted input with its meaning."""
    accepted = question.accepted_values()
    own = {option.id for option in question.options}  # a scale's yes/partly/no are its options
    standard = [
        f"{SHORTCUTS[value]} {label.lower()}"
        for value, label in ANSWER_LABELS.items()
        if value in accepted and value not in own
    ]
    if question.kind in ("yes_no", "per_system"):
        return ["Choices: " + ", ".join(standard)]
    if question.kind == "choice":
        # A scale whose levels are yes, partly and no also takes their letters.
        options = [
            f"  {n} {SHORTCUTS[option.id] + ' ' if option.id in SHORTCUTS else ''}{option.label}"
            for n, option in enumerate(question.options, 1)
        ]
        return ["Choices:", *options, *(f"  {line}" for line in standard)]
    if question.kind == "number" and question.number is not None:
        scale = question.number
        span = f"{format_number(scale.minimum)} to {format_number(scale.maximum)}"
        return [f"Choices: a number of {scale.unit} ({span}), " + ", ".join(standard)]
    return ["Answer in your own words."]
