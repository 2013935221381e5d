"""The answers file: export answers to TOML, edit them, import them back.

Import checks every entry against the bank and the organisation's systems and
reports every problem with its place; nothing is imported if anything is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field

from pdpa_check.questionnaires.answers import Answer, AnswerKey, normalise_value
from pdpa_check.questionnaires.applicability import Slot
from pdpa_check.questionnaires.loader import BankError, describe_location, read_model
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.text import TextError, clean, for_output

FORMAT_NAME = "pdpa-check-answers"


class AnswerEntry(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", strict=True)

    question: str
    system: str = ""
    text: str | None = None  # shown for reference; ignored on import
    choices: list[str] | None = None  # shown for reference; ignored on import
    hint: str | None = None  # shown for reference; ignored on import
    value: str | int | float
    note: str = ""
    evidence: str = ""


class AnswersFile(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", strict=True, hide_input_in_errors=True
    )

    format: Literal["pdpa-check-answers"]
    format_version: Literal[1]
    bank_id: str
    bank_version: str
    organisation: str | None = None
    assessment: int | None = None
    answers: list[AnswerEntry] = Field(default_factory=list)


def render_answers_file(
    bank: Bank,
    slots: list[Slot],
    answers: Mapping[AnswerKey, Answer],
    org_name: str,
    assessment_id: int | None,
) -> str:
    """Every applicable slot, answered or not ("" means not answered)."""
    entries = []
    for slot in slots:
        answer = answers.get(slot.key)
        entry: dict[str, Any] = {"question": slot.question.id}
        if slot.system is not None:
            entry["system"] = slot.system.key
        text = for_output(slot.question.text)
        entry["text"] = f"{for_output(slot.system.name)}: {text}" if slot.system else text
        if slot.question.accepted_values():
            entry["choices"] = slot.question.accepted_values()
        if (hint := _hint(slot.question)) is not None:
            entry["hint"] = hint
        entry["value"] = answer.value if answer else ""
        entry["note"] = for_output(answer.note) if answer else ""
        entry["evidence"] = for_output(answer.evidence) if answer else ""
        entries.append(entry)
    data = {
        "format": FORMAT_NAME,
        "format_version": 1,
        "bank_id": bank.id,
        "bank_version": bank.version,
        "organisation": org_name,
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


def parse_answers_file(
    data: bytes, source: str, bank: Bank, profile: Profile
) -> tuple[list[Answer], list[AnswerKey]]:
    """(answers to save, keys to clear), or BankError listing every problem."""
    parsed = read_model(AnswersFile, data, source, _where)
    if parsed.bank_id != bank.id:
        raise BankError(
            [
                f"{source}: bank_id: file is for bank '{parsed.bank_id}', this assessment uses "
                f"'{bank.id}'"
            ]
        )
    problems: list[str] = []
    answers: list[Answer] = []
    cleared: list[AnswerKey] = []
    seen: set[AnswerKey] = set()
    for index, entry in enumerate(parsed.answers):
        place = f'{source}: answers[{index}] (question "{entry.question}"'
        place += f', system "{entry.system}")' if entry.system else ")"
        try:
            key, answer = check_entry(entry, bank, profile)
        except ValueError as error:
            problems.append(f"{place}: {error}")
            continue
        if key in seen:
            problems.append(f"{place}: answered twice in this file")
        seen.add(key)
        if answer is None:
            cleared.append(key)
        else:
            answers.append(answer)
    if problems:
        raise BankError(problems)
    return answers, cleared


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
    question = bank.questions_by_id.get(entry.question)
    if question is None:
        raise ValueError("question: no such question in this bank")
    if question.kind == "per_system":
        systems = {s.key: s for s in profile.systems_of(list(question.system_kinds))}
        if not entry.system:
            raise ValueError("system: this question is asked per system; say which")
        if entry.system not in systems:
            raise ValueError(
                "system: not one of this organisation's systems this question is asked for "
                f"({', '.join(systems) or 'none'})"
            )
    elif entry.system:
        raise ValueError("system: this question is not asked per system")
    key = (question.id, entry.system)
    if entry.value == "":
        return key, None
    try:
        value = normalise_value(question, entry.value)
        note = clean(entry.note).strip()
        evidence = clean(entry.evidence).strip()
    except TextError as error:
        raise ValueError(f"note/evidence: {error}") from None
    except ValueError as error:
        raise ValueError(f"value: {error}") from None
    return key, Answer(
        question_id=question.id, system_key=entry.system, value=value, note=note, evidence=evidence
    )
