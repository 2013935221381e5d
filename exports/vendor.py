"""The vendor round trip: a TOML file of the vendor's items and questions, and reading it back.

The vendor fills in status, notes, evidence and completion dates for the items
they can do, and answers the "Don't know" questions. Reading the file back
checks everything first (unknown ids, wrong types, fields the vendor may not
change) and returns the changes it would make; nothing is applied if anything
is wrong, and a file already applied changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol

import tomli_w
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

from pdpa_check import __version__
from pdpa_check.questionnaires.answers import Answer, AnswerKey, describe_value, normalise_value
from pdpa_check.questionnaires.answers_file import Organisation, check_organisation
from pdpa_check.questionnaires.applicability import Slot
from pdpa_check.questionnaires.errors import InvalidValue
from pdpa_check.questionnaires.loader import BankError, read_model
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.lifecycle import DONE_BUT_OPEN, DONE_FLAG, done_but_open
from pdpa_check.scoring.result import Plan, PlanEntry, PlanItem
from pdpa_check.store.repo import AssessmentRow, OrganisationRow, PlanItemState
from pdpa_check.support.dates import DateError, check_past, parse_date
from pdpa_check.support.text import NOTE_MAX_CHARS, TextError, clean, for_output


class PlanSource(Protocol):
    """The assessment a vendor file is written from (the services' `Assessed` is one)."""

    @property
    def org(self) -> OrganisationRow: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def assessment(self) -> AssessmentRow: ...
    @property
    def plan(self) -> Plan: ...


FORMAT = "pdpa-check-vendor"
# 2: each fix is listed once in [[entries]] (title, horizon, steps, its items); [[items]]
# are one per system, naming their `entry`, without the steps. Version 1 files (items
# with their own steps, no entries) are still read.
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)
VENDOR_STATUSES = ("open", "in_progress", "done")
INSTRUCTIONS = (
    "Each fix is described once under [[entries]]; its [[items]] are one per system. For each "
    "item you worked on, set status (open, in_progress or done), and fill in notes, evidence "
    "(where the proof is: ticket, screenshot, report) and completed_on (YYYY-MM-DD). For each "
    "[[questions]] entry, set answer (yes, partly, no, unknown, or an option or number where "
    "the question says so) and add notes if useful. Leave every other field as it is, and "
    "send the file back."
)


def _check_day(value: str, info: ValidationInfo) -> str:
    """A completion date: a real day from 2000 to today (the context's `today` if given)."""
    if value:
        try:
            day = parse_date(value)
        except DateError as error:
            raise ValueError(f"not a date: {error}") from None
        context = info.context if isinstance(info.context, dict) else {}
        today = context.get("today")
        check_past(day, today if isinstance(today, dt.date) else dt.date.today())
    return value


def _check_text(value: str) -> str:
    try:
        return clean(value)
    except TextError as error:
        raise ValueError(str(error)) from None


Day = Annotated[str, AfterValidator(_check_day)]
Note = Annotated[str, Field(max_length=NOTE_MAX_CHARS), AfterValidator(_check_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", strict=True, hide_input_in_errors=True
    )


class VendorEntry(_Strict):
    """One fix, for the vendor to read (version 2); changing it is refused."""

    id: str
    title: str = ""
    horizon: str = ""
    critical: bool = False
    steps: list[str] = Field(default_factory=list)
    platform_steps: list[str] = Field(default_factory=list)  # each system's own steps
    items: list[str] = Field(default_factory=list)


class VendorItem(_Strict):
    id: str
    # Shown to the vendor; changing them is refused.
    entry: str = ""  # the fix this system's item belongs to (version 2)
    title: str = ""
    system: str = ""
    steps: list[str] = Field(default_factory=list)  # version 1 only
    flag: str = ""  # "DONE? ..." when marked done while the answers still show the gap
    # The vendor's to fill in.
    status: Literal["open", "in_progress", "done"] = "open"
    notes: Note = ""
    evidence: Note = ""
    completed_on: Day = ""


class VendorQuestion(_Strict):
    id: str
    system: str = ""
    # Shown to the vendor; changing them is refused.
    system_name: str = ""
    text: str = ""
    choices: list[str] = Field(default_factory=list)
    # The vendor's to fill in.
    answer: str = ""
    notes: Note = ""
    evidence: Note = ""


class VendorFile(_Strict):
    format: Literal["pdpa-check-vendor"]
    format_version: Literal[1, 2]
    organisation: str
    organisation_id: str = ""  # the stable id; files from before it are matched by name
    assessment: int
    generated_on: str
    tool_version: str = ""
    demo: bool = False
    instructions: str = ""
    entries: list[VendorEntry] = Field(default_factory=list)
    items: list[VendorItem] = Field(default_factory=list)
    questions: list[VendorQuestion] = Field(default_factory=list)


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    fields: dict[str, str | None]  # field -> new value, only those that differ


@dataclass(frozen=True)
class AnswerChange:
    slot: Slot
    answer: Answer
    before: Answer | None


@dataclass(frozen=True)
class VendorUpdate:
    items: tuple[ItemChange, ...]
    answers: tuple[AnswerChange, ...]
    organisation: str = ""  # the organisation the changes apply to
    answers_into: int | None = None  # the open assessment; None: a new one is started
    file_assessment: int | None = None  # the assessment the file was written from

    @property
    def empty(self) -> bool:
        return not self.items and not self.answers


# Writing -------------------------------------------------------------------------


def vendor_items(assessed: PlanSource) -> list[PlanItem]:
    """The plan items a vendor can do."""
    return [item for item in assessed.plan.items if item.action.vendor_doable]


def vendor_entries(assessed: PlanSource) -> list[PlanEntry]:
    """The plan entries a vendor can do, in plan order."""
    return [entry for entry in assessed.plan.entries if entry.action.vendor_doable]


def vendor_slots(assessed: PlanSource, slots: list[Slot]) -> list[Slot]:
    """The questions answered "Don't know": the vendor is asked to answer them."""
    unknown = {(q.question_id, q.system_key) for q in assessed.plan.vendor_questions}
    return [slot for slot in slots if slot.key in unknown]


def render_vendor_file(
    assessed: PlanSource,
    states: Mapping[str, PlanItemState],
    slots: list[Slot],
    today: dt.date,
    *,
    demo: bool = False,
) -> str:
    """The file for the vendor: their items and questions, no internal notes (redacted).

    A file from the demo says so (`demo = true`); the key is absent otherwise.
    """
    texts = {(q.question_id, q.system_key): q.text for q in assessed.plan.vendor_questions}
    flagged = set(done_but_open(assessed.plan, states))
    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "organisation": for_output(assessed.profile.name),
        "organisation_id": assessed.org.uid,
        "assessment": assessed.assessment.id,
        "generated_on": today.isoformat(),
        "tool_version": __version__,
        "instructions": INSTRUCTIONS,
        "entries": [_entry_data(entry) for entry in vendor_entries(assessed)],
        "items": [
            _item_data(item, entry.id, states.get(item.id), item.id in flagged)
            for entry in vendor_entries(assessed)
            for item in entry.items
        ],
        "questions": [
            _question_data(slot, texts[slot.key]) for slot in vendor_slots(assessed, slots)
        ],
    }
    if demo:
        data = {"format": FORMAT, "format_version": FORMAT_VERSION, "demo": True, **data}
    return (
        "# pdpa-check: plan items for your IT vendor. "
        + INSTRUCTIONS[:60]
        + "...\n"
        + (tomli_w.dumps(data))
    )


def _entry_data(entry: PlanEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": for_output(entry.action.title),
        "horizon": entry.horizon,
        "critical": entry.critical,
        "steps": [for_output(step) for step in entry.action.steps],
        "platform_steps": _platform_steps(entry),
        "items": list(entry.item_ids),
    }


def _platform_steps(entry: PlanEntry) -> list[str]:
    return [for_output(steps.plain) for steps in entry.platform_steps]


def _item_data(
    item: PlanItem, entry_id: str, state: PlanItemState | None, flagged: bool
) -> dict[str, Any]:
    status = state.status if state and state.status in VENDOR_STATUSES else "open"
    return {
        "id": item.id,
        "entry": entry_id,
        "title": for_output(item.action.title),
        "system": for_output(item.system_name or ""),
        **({"flag": f"{DONE_FLAG} {DONE_BUT_OPEN}"} if flagged else {}),
        "status": status,
        "notes": for_output(state.notes) if state else "",
        "evidence": for_output(state.evidence) if state else "",
        "completed_on": (state.completed_on or "") if state else "",
    }


def _question_data(slot: Slot, text: str) -> dict[str, Any]:
    """One question for the vendor, in the plan's words (the business's systems named)."""
    question = slot.question
    return {
        "id": question.id,
        "system": slot.key[1],
        "system_name": for_output(slot.system.name if slot.system else ""),
        "text": for_output(text),
        "choices": question.accepted_values(),
        "answer": "",
        "notes": "",
        "evidence": "",
    }


# Reading back ----------------------------------------------------------------------


def read_vendor_file(
    data: bytes,
    source: str,
    assessed: PlanSource,
    states: Mapping[str, PlanItemState],
    slots: list[Slot],
    answers: Mapping[AnswerKey, Answer],
    *,
    answers_into: int | None = None,
    other_org: bool = False,
) -> VendorUpdate:
    """The changes the file asks for, or BankError listing every problem (nothing applied).

    A file written for another organisation is refused unless `other_org`.
    """
    parsed = read_model(VendorFile, data, source, _where)
    into = Organisation(assessed.profile.name, assessed.org.uid)
    check_organisation(
        source, parsed.organisation, parsed.organisation_id or None, into, other_org=other_org
    )
    problems: list[str] = []
    problems += _changed_entries(parsed, source, assessed)
    items = _item_changes(parsed, source, assessed, states, problems)
    changed_answers = _answer_changes(parsed, source, slots, answers, problems)
    if problems:
        raise BankError(problems)
    return VendorUpdate(
        tuple(items),
        tuple(changed_answers),
        organisation=assessed.profile.name,
        answers_into=answers_into,
        file_assessment=parsed.assessment,
    )


def _item_changes(
    parsed: VendorFile,
    source: str,
    assessed: PlanSource,
    states: Mapping[str, PlanItemState],
    problems: list[str],
) -> list[ItemChange]:
    known = {item.id: item for item in assessed.plan.items}
    changes, seen = [], set()
    for index, entry in enumerate(parsed.items):
        place = f'{source}: items[{index}] (id "{for_output(entry.id)}")'
        item = known.get(entry.id)
        if item is None:
            problems.append(f"{place}: no such item in the current plan")
            continue
        if entry.id in seen:
            problems.append(f"{place}: listed twice")
        seen.add(entry.id)
        problems += [f"{place}: {message}" for message in _read_only_item(entry, item)]
        state = states.get(entry.id)
        if state is not None and state.status == "accepted_risk" and entry.status != "open":
            problems.append(f"{place}: status: the owner accepted this risk; leave it open")
        current = {
            "status": state.status if state else "open",
            "notes": for_output(state.notes) if state else "",
            "evidence": for_output(state.evidence) if state else "",
            "completed_on": (state.completed_on or "") if state else "",
        }
        wanted = {
            "status": entry.status,
            "notes": entry.notes,
            "evidence": entry.evidence,
            "completed_on": entry.completed_on,
        }
        if state is not None and state.status == "accepted_risk":
            wanted["status"] = "accepted_risk"  # unchanged: only the owner decides
        differing: dict[str, str | None] = {
            field: (value or None) if field == "completed_on" else value
            for field, value in wanted.items()
            if value != current[field]
        }
        if differing:
            changes.append(ItemChange(entry.id, differing))
    return changes


def _changed_entries(parsed: VendorFile, source: str, assessed: PlanSource) -> list[str]:
    """Problems with the [[entries]] (version 2): they describe the fixes, and stay as written.

    An entry no longer in the plan is no problem (its items are checked on their own).
    """
    problems = []
    for index, given in enumerate(parsed.entries):
        entry = assessed.plan.entry(given.id)
        if entry is None:
            continue
        place = f'{source}: entries[{index}] (id "{for_output(given.id)}")'
        if given.title and given.title != for_output(entry.action.title):
            problems.append(f"{place}: title: may not be changed (write in an item's notes)")
        if given.steps and given.steps != [for_output(step) for step in entry.action.steps]:
            problems.append(f"{place}: steps: may not be changed (write in an item's notes)")
        # Platform steps come with the tool's catalogue: only a file this version wrote
        # can be checked against them (an update in between may have reworded them).
        same_tool = parsed.tool_version == __version__
        if same_tool and given.platform_steps and given.platform_steps != _platform_steps(entry):
            problems.append(
                f"{place}: platform_steps: may not be changed (write in an item's notes)"
            )
    return problems


def _read_only_item(entry: VendorItem, item: PlanItem) -> list[str]:
    expected = {
        "title": for_output(item.action.title),
        "system": for_output(item.system_name or ""),
    }
    messages = [
        f"{field}: may not be changed (it says what to do; write in notes instead)"
        for field, value in (("title", entry.title), ("system", entry.system))
        if value and value != expected[field]
    ]
    if entry.steps and entry.steps != [for_output(step) for step in item.action.steps]:
        messages.append("steps: may not be changed (write in notes instead)")
    if entry.entry and entry.entry != item.action.id:
        messages.append(f'entry: this item belongs to "{for_output(item.action.id)}"')
    return messages


def _answer_changes(
    parsed: VendorFile,
    source: str,
    slots: list[Slot],
    answers: Mapping[AnswerKey, Answer],
    problems: list[str],
) -> list[AnswerChange]:
    by_key = {slot.key: slot for slot in slots}
    changes, seen = [], set()
    for index, entry in enumerate(parsed.questions):
        where = f', system "{for_output(entry.system)}"' if entry.system else ""
        place = f'{source}: questions[{index}] (question "{for_output(entry.id)}"{where})'
        slot = by_key.get((entry.id, entry.system))
        if slot is None:
            problems.append(f"{place}: not a question asked in the current assessment")
            continue
        if slot.key in seen:
            problems.append(f"{place}: answered twice in this file")
        seen.add(slot.key)
        if not entry.answer.strip():
            continue  # left for later
        try:
            value = normalise_value(slot.question, entry.answer)
        except InvalidValue as error:
            problems.append(f"{place}: answer: {error}")
            continue
        before = answers.get(slot.key)
        note = f"Vendor: {entry.notes}" if entry.notes else (before.note if before else "")
        evidence = entry.evidence or (before.evidence if before else "")
        answer = Answer(
            question_id=entry.id, system_key=entry.system, value=value, note=note, evidence=evidence
        )
        if before is None or (before.value, before.note, before.evidence) != (
            answer.value,
            answer.note,
            answer.evidence,
        ):
            changes.append(AnswerChange(slot, answer, before))
    return changes


def _where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc]
    text = "".join(parts).lstrip(".")
    if len(loc) >= 2 and loc[0] in ("entries", "items", "questions") and isinstance(loc[1], int):
        entries = raw.get(str(loc[0]))
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            text = f'{loc[0]}[{loc[1]}] (id "{for_output(entry["id"])}")' + "".join(parts[2:])
    return text or "(top level)"


# Describing --------------------------------------------------------------------------


def destination(update: VendorUpdate) -> str:
    """`For Kopi & Kaya: plan items; answers go to assessment 3 (the file is from 2)`."""
    parts = [f"For {for_output(update.organisation)}: plan items"]
    if update.answers:
        parts.append(
            f"answers go to assessment {update.answers_into}"
            if update.answers_into is not None
            else "answers go to a new assessment (the latest one is completed)"
        )
    line = "; ".join(parts)
    if update.file_assessment is not None and update.file_assessment != update.answers_into:
        line += f" (the file was written from assessment {update.file_assessment})"
    return line


def preview(update: VendorUpdate) -> list[str]:
    """Where the changes go, then one line per change, for the owner to read before applying."""
    lines = [destination(update)]
    for change in update.items:
        fields = ", ".join(
            f"{field}: {for_output(str(value or '(empty)'))}"
            for field, value in change.fields.items()
        )
        lines.append(f"Plan item {change.item_id}: {fields}")
    for answer in update.answers:
        question = answer.slot.question
        system = f" ({answer.slot.system.name})" if answer.slot.system else ""
        old = describe_value(question, answer.before.value) if answer.before else "not answered"
        new = describe_value(question, answer.answer.value)
        lines.append(for_output(f"Answer {question.id}{system}: {old} → {new}"))
    return lines
