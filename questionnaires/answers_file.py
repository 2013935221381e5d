"""The answers file: export answers to TOML, edit them, import them back.

Import checks every entry against the bank and the organisation's systems and
reports every problem with its place; nothing is imported if anything is wrong.
A file names the organisation it was written for (its name and stable id) and
is refused for another one unless the owner says it is meant for it. A blank
value leaves the stored answer alone: only `value = "clear"` clears one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field

from pdpa_check.questionnaires.answers import (
    Answer,
    AnswerKey,
    Verified,
    describe_value,
    normalise_value,
)
from pdpa_check.questionnaires.applicability import Slot, applicable_slots, condition_text
from pdpa_check.questionnaires.errors import InvalidValue, Problems
from pdpa_check.questionnaires.loader import BankError, describe_location, read_model
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.support.text import TextError, clean, for_output

FORMAT_NAME = "pdpa-check-answers"
# Version 2: the file names its organisation's id, and a blank value no longer clears.
# Version 3: follow-up questions come with `asked_if`; carried answers with `carried` and
# `confirmed` (set `confirmed = true` to confirm one unchanged).
# Version 4: answers checked against a platform's user list say so (`verified`).
FORMAT_VERSION = 4
CLEAR = "clear"  # the value that clears a stored answer
# The flag that imports a file written for another organisation.
OTHER_ORG_FLAG = "--other-org"
OTHER_ORG_BUTTON = "It is for us"  # the app's button for the same
NOT_FOR_THIS_ORG = "not asked of this organisation"


class AnswerEntry(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", strict=True)

    question: str
    system: str = ""
    text: str | None = None  # shown for reference; ignored on import
    choices: list[str] | None = None  # shown for reference; ignored on import
    hint: str | None = None  # shown for reference; ignored on import
    asked_if: str | None = None  # a follow-up's condition; shown for reference
    carried: bool | None = None  # carried from last time, not confirmed; for reference
    confirmed: bool | None = None  # true confirms a carried answer given unchanged
    verified: str | None = None  # the user list that checked the answer; for reference
    value: str | int | float
    note: str = ""
    evidence: str = ""


class AnswersFile(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", strict=True, hide_input_in_errors=True
    )

    format: Literal["pdpa-check-answers"]
    format_version: Literal[1, 2, 3, 4]
    bank_id: str
    bank_version: str
    organisation: str | None = None
    organisation_id: str | None = None
    assessment: int | None = None
    answers: list[AnswerEntry] = Field(default_factory=list)


class InvalidAnswer(Exception):
    """An answer given by question id that the bank or the organisation's systems refuse."""


class NotAsked(InvalidAnswer):
    """An answer to a question that does not apply to the organisation (with its answers)."""


class OtherOrganisation(BankError):
    """A file written for another organisation than the one it would change."""


@dataclass(frozen=True)
class Organisation:
    """The organisation a file is imported into: its name and stable id."""

    name: str
    uid: str


def check_organisation(
    source: str,
    named: str | None,
    named_uid: str | None,
    into: Organisation,
    *,
    other_org: bool,
) -> None:
    """Refuse a file written for another organisation (OtherOrganisation), unless `other_org`.

    The stable id decides when the file has one; older files are matched by name.
    A file that names no organisation at all cannot be told apart, so it passes.
    """
    if other_org or (named is None and named_uid is None):
        return
    same = named_uid == into.uid if named_uid else _same_name(named or "", into.name)
    if same:
        return
    label = f"'{for_output(named)}'" if named else "another organisation"
    raise OtherOrganisation(
        [
            f"{source}: organisation: this file was written for {label}"
            + (f" (id {for_output(named_uid)})" if named_uid else "")
            + f", not for '{for_output(into.name)}' (id {into.uid}); nothing was changed. "
            f"If it is meant for '{for_output(into.name)}', say so: {OTHER_ORG_FLAG} on the "
            f"command line, '{OTHER_ORG_BUTTON}' in the app"
        ]
    )


def _same_name(first: str, second: str) -> bool:
    return (
        " ".join(for_output(first).split()).casefold()
        == " ".join(for_output(second).split()).casefold()
    )


def render_answers_file(
    bank: Bank,
    slots: list[Slot],
    answers: Mapping[AnswerKey, Answer],
    org: Organisation,
    assessment_id: int | None,
    *,
    carried: Collection[AnswerKey] = (),
    verified: Mapping[AnswerKey, Verified] | None = None,
) -> str:
    """Every slot given, answered or not ("" leaves the answer as it is).

    A follow-up question says what it waits for (`asked_if`); an answer carried
    from last time and not confirmed says so (`carried`, `confirmed = false`); one
    checked against a user list names it (`verified`).
    """
    marks = verified or {}
    entries = []
    for slot in slots:
        answer = answers.get(slot.key)
        entry: dict[str, Any] = {"question": slot.question.id}
        if slot.system is not None:
            entry["system"] = slot.system.key
        text = for_output(slot.question.text)
        entry["text"] = f"{for_output(slot.system.name)}: {text}" if slot.system else text
        if (condition := condition_text(slot.question)) is not None:
            entry["asked_if"] = condition.removeprefix("asked if ")
        if slot.question.accepted_values():
            entry["choices"] = slot.question.accepted_values()
        if (hint := _hint(slot.question)) is not None:
            entry["hint"] = hint
        if answer is not None and slot.key in carried:
            entry["carried"] = True
            entry["confirmed"] = False
        if answer is not None and (mark := marks.get(slot.key)) is not None:
            entry["verified"] = for_output(
                f"{mark.format} of {mark.file_date} ({mark.file_name}); a new value makes it"
                " your word"
            )
        entry["value"] = answer.value if answer else ""
        entry["note"] = for_output(answer.note) if answer else ""
        entry["evidence"] = for_output(answer.evidence) if answer else ""
        entries.append(entry)
    data = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "bank_id": bank.id,
        "bank_version": bank.version,
        "organisation": for_output(org.name),
        "organisation_id": org.uid,
        "answers": entries,
    }
    if assessment_id is not None:
        data["assessment"] = assessment_id
    return tomli_w.dumps(data)


def _hint(question: Question) -> str | None:
    """How to answer a question whose value is not self-explanatory."""
    if question.kind == "choice":
        return "; ".join(f"{option.id} = {option.label}" for option in question.options)
    if question.kind == "number" and question.number is not None:
        return f'a number of {question.number.unit}, or "unknown"'
    if question.kind == "text":
        return "free text"
    return None


@dataclass(frozen=True)
class ParsedAnswers:
    """What an answers file asks for, checked against the bank and the profile."""

    header: AnswersFile
    answers: list[Answer]  # to save
    cleared: list[AnswerKey]  # `value = "clear"`
    unplaced: list[str]  # entries from another bank version that have no place here
    confirmed: set[AnswerKey] = field(default_factory=set)  # `confirmed = true`


def parse_answers_file(data: bytes, source: str, bank: Bank, profile: Profile) -> ParsedAnswers:
    """Every entry checked, or BankError listing every problem.

    Blank values are left out (the stored answer stays). A file from another
    version of the bank imports by question id: an entry whose question this
    version no longer has is listed in `unplaced`, not refused.
    """
    parsed = read_model(AnswersFile, data, source, _where)
    if parsed.bank_id != bank.id:
        raise BankError(
            [
                f"{source}: bank_id: file is for bank '{parsed.bank_id}', this assessment uses "
                f"'{bank.id}'"
            ]
        )
    other_version = parsed.bank_version != bank.version
    problems = Problems()
    result = ParsedAnswers(parsed, [], [], [])
    seen: set[AnswerKey] = set()
    for index, entry in enumerate(parsed.answers):
        place = f'{source}: answers[{index}] (question "{for_output(entry.question)}"'
        place += f', system "{for_output(entry.system)}")' if entry.system else ")"
        if other_version and entry.question not in bank.questions_by_id:
            if entry.value != "":
                result.unplaced.append(
                    f"{place}: not in {bank.id} {bank.version} (the file is from "
                    f"{for_output(parsed.bank_version)})"
                )
            continue
        try:
            key, answer = check_entry(entry, bank, profile)
        except InvalidAnswer as error:
            problems.add(f"{place}: {error}")
            continue
        if key in seen:
            problems.add(f"{place}: answered twice in this file")
        seen.add(key)
        if answer is None:
            if entry.value == CLEAR:
                result.cleared.append(key)
        else:
            result.answers.append(answer)
            if entry.confirmed:
                result.confirmed.add(key)
    problems.raise_if_any()
    return result


@dataclass(frozen=True)
class AnswerChange:
    """One stored answer the import would change: `after` is None when it is cleared."""

    question: Question
    before: Answer
    after: Answer | None


@dataclass(frozen=True)
class NotAskedAnswer:
    """An answer in the file to a question not asked once the file's answers are in."""

    answer: Answer
    why: str  # "asked if ai-in-use is yes or partly", or "not asked of this organisation"


@dataclass(frozen=True)
class AnswersImport:
    """What importing a file would do to the assessment's answers."""

    added: list[Answer] = field(default_factory=list)  # no answer stored before
    changed: list[AnswerChange] = field(default_factory=list)  # value, note or evidence
    cleared: list[AnswerChange] = field(default_factory=list)
    confirmed: list[Answer] = field(default_factory=list)  # carried, given again, confirmed
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)
    # Answers to questions not asked once the file's answers are in (a follow-up whose
    # condition is false, a question the organisation is not asked): left out.
    not_asked: list[NotAskedAnswer] = field(default_factory=list)
    # Questions asked only now, because of the file's answers, and not answered yet.
    now_asked: list[Slot] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.cleared or self.confirmed)

    @property
    def touches_existing(self) -> bool:
        """True when answers already stored would change or go (a backup is taken first)."""
        return bool(self.changed or self.cleared)

    def to_save(self) -> list[Answer]:
        changed = [change.after for change in self.changed if change.after is not None]
        return [*self.added, *changed, *self.confirmed]

    def to_clear(self) -> list[AnswerKey]:
        return [change.before.key for change in self.cleared]


def compare_import(
    parsed: ParsedAnswers,
    bank: Bank,
    profile: Profile,
    stored: Mapping[AnswerKey, Answer],
    carried: Collection[AnswerKey] = (),
    *,
    confirm: bool = False,
) -> AnswersImport:
    """Sort the file's answers into added, changed, cleared, confirmed and unchanged.

    A carried answer the file gives unchanged stays carried (to confirm) unless
    its entry says `confirmed = true` or `confirm` is given: importing a file back
    is not the owner looking at each answer again. Answers to questions that are
    not asked once the file's answers are in are left out (`not_asked`).
    """
    merged = dict(stored) | {answer.key: answer for answer in parsed.answers}
    for key in parsed.cleared:
        merged.pop(key, None)
    asked = {slot.key for slot in applicable_slots(bank, profile, merged)}
    added: list[Answer] = []
    changed: list[AnswerChange] = []
    confirmed: list[Answer] = []
    not_asked = [
        NotAskedAnswer(a, condition_text(bank.question(a.question_id)) or NOT_FOR_THIS_ORG)
        for a in parsed.answers
        if a.key not in asked
    ]
    for answer in parsed.answers:
        before = stored.get(answer.key)
        if answer.key not in asked:
            continue
        if before is None:
            added.append(answer)
        elif _fields(before) != _fields(answer):
            changed.append(AnswerChange(bank.question(answer.question_id), before, answer))
        elif answer.key in carried and (confirm or answer.key in parsed.confirmed):
            confirmed.append(answer)
    cleared = [
        AnswerChange(bank.question(key[0]), stored[key], None)
        for key in parsed.cleared
        if key in stored
    ]
    given = len(parsed.answers) - len(not_asked)
    unchanged = given - len(added) - len(changed) - len(confirmed)
    return AnswersImport(
        added,
        changed,
        cleared,
        confirmed,
        unchanged,
        list(parsed.unplaced),
        not_asked,
        _now_asked(bank, profile, stored, merged),
    )


def _now_asked(
    bank: Bank,
    profile: Profile,
    stored: Mapping[AnswerKey, Answer],
    merged: Mapping[AnswerKey, Answer],
) -> list[Slot]:
    """Slots asked with the merged answers, not asked before, and still unanswered."""
    before = {slot.key for slot in applicable_slots(bank, profile, stored)}
    return [
        slot
        for slot in applicable_slots(bank, profile, merged)
        if slot.key not in before and slot.key not in merged
    ]


def _fields(answer: Answer) -> tuple[str, str, str]:
    return (answer.value, for_output(answer.note), for_output(answer.evidence))


def describe_import(update: AnswersImport) -> list[str]:
    """One line per answer the import changes, for the owner to read before applying."""
    lines = []
    for change in update.changed:
        lines.append(f"Change {_label(change.question, change.before)}: {_delta(change)}")
    for change in update.cleared:
        old = describe_value(change.question, change.before.value)
        lines.append(f"Clear {_label(change.question, change.before)} (was {old})")
    for skipped in update.not_asked:
        lines.append(f"Ignore {_key_label(skipped.answer.key)}: not asked ({skipped.why})")
    return [for_output(line) for line in lines]


def _key_label(key: AnswerKey) -> str:
    return f"{key[0]}/{key[1]}" if key[1] else key[0]


def _label(question: Question, answer: Answer) -> str:
    return f"{question.id}/{answer.system_key}" if answer.system_key else question.id


def _delta(change: AnswerChange) -> str:
    assert change.after is not None
    before, after = change.before, change.after
    parts = []
    if before.value != after.value:
        old = describe_value(change.question, before.value)
        parts.append(f"{old} → {describe_value(change.question, after.value)}")
    if for_output(before.note) != for_output(after.note):
        parts.append("note replaced" if after.note else "note removed")
    if for_output(before.evidence) != for_output(after.evidence):
        parts.append("evidence replaced" if after.evidence else "evidence removed")
    return ", ".join(parts)


def summarise_import(update: AnswersImport) -> str:
    """`3 added, 2 changed, 1 cleared, 5 confirmed, 60 unchanged` (only the non-zero ones)."""
    counts = (
        (len(update.added), "added"),
        (len(update.changed), "changed"),
        (len(update.cleared), "cleared"),
        (len(update.confirmed), "confirmed"),
        (update.unchanged, "unchanged"),
        (len(update.not_asked), "ignored (not asked)"),
    )
    return ", ".join(f"{count} {label}" for count, label in counts if count) or "no answers"


def _where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    if len(loc) >= 2 and loc[0] == "answers" and isinstance(loc[1], int):
        entries = raw.get("answers")
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        qid = entry.get("question") if isinstance(entry, dict) else None
        label = f"answers[{loc[1]}]" + (f' (question "{qid}")' if isinstance(qid, str) else "")
        rest = ".".join(str(part) for part in loc[2:] if part not in ("str", "int", "float"))
        return f"{label}: {rest}" if rest else label
    return describe_location(loc, raw)


def check_entry(
    entry: AnswerEntry, bank: Bank, profile: Profile
) -> tuple[AnswerKey, Answer | None]:
    """The key and answer `entry` stands for (None: clear it), or InvalidAnswer saying why."""
    question = bank.questions_by_id.get(entry.question)
    if question is None:
        raise InvalidAnswer("question: no such question in this bank")
    if question.kind == "per_system":
        systems = {s.key: s for s in profile.systems_of(list(question.system_kinds))}
        if not entry.system:
            raise InvalidAnswer("system: this question is asked per system; say which")
        if entry.system not in systems:
            raise InvalidAnswer(
                "system: not one of this organisation's systems this question is asked for "
                f"({', '.join(systems) or 'none'})"
            )
    elif entry.system:
        raise InvalidAnswer("system: this question is not asked per system")
    key = (question.id, entry.system)
    if entry.value in ("", CLEAR):
        if entry.value == "" and (entry.note.strip() or entry.evidence.strip()):
            raise InvalidAnswer(
                "value: blank, but a note or evidence is given; give the answer too (a blank "
                "value leaves the stored answer as it is)"
            )
        if entry.confirmed:
            raise InvalidAnswer(
                "confirmed: true, but the value is blank; give the answer to confirm"
            )
        return key, None
    try:
        value = normalise_value(question, entry.value)
        note = clean(entry.note).strip()
        evidence = clean(entry.evidence).strip()
    except TextError as error:
        raise InvalidAnswer(f"note/evidence: {error}") from None
    except InvalidValue as error:
        raise InvalidAnswer(f"value: {error}") from None
    return key, Answer(
        question_id=question.id, system_key=entry.system, value=value, note=note, evidence=evidence
    )
