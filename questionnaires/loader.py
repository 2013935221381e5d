"""Load and validate bank files, reporting every problem at once.

Messages follow the git/compiler convention: `file:line:col: message` for TOML
syntax, `file: question <id>: <field>: message` for schema problems.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pdpa_check.questionnaires.cache import cached
from pdpa_check.questionnaires.errors import BankError as BankError  # re-exported
from pdpa_check.questionnaires.errors import Problems, UnreadableFile
from pdpa_check.questionnaires.model import Bank, Question
from pdpa_check.questionnaires.weights import ranking_warnings

M = TypeVar("M", bound=BaseModel)

BUILTIN_BANK = "pdpa-sme-starter"
# Input files (banks, answers, vendor and incident files) larger than this are refused
# unread: the biggest real one is a few hundred kB.
MAX_INPUT_BYTES = 5 * 1024 * 1024  # no honest bank, answers, vendor or facts file nears this
# A list in an input file longer than this is refused before it is validated (the
# largest real one, an answers file, has a few hundred entries).
MAX_ENTRIES = 20_000
_LENGTH_CHECK_DEPTH = 4  # lists inside entries (`answers[3].steps`) are checked too
_TOML_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_AT_END = " (at end of document)"
_SECTION_NAMES = {
    "questions": "question",
    "domains": "domain",
    "actions": "action",
    "platforms": "platform",
}


@dataclass(frozen=True)
class InstalledBank:
    """A bank found on disk: loaded, or the problems that stop it loading."""

    path: Path
    builtin: bool
    bank: Bank | None
    problems: tuple[str, ...]


def parse_bank_bytes(data: bytes, source: str) -> Bank:
    """Parse and validate bank file bytes; raise BankError listing all problems.

    A bank validated before is taken from the cache (see `cache.py`).
    """
    return cached(data, lambda: _validate_bank(data, source))


def _validate_bank(data: bytes, source: str) -> Bank:
    raw = read_toml(data, source)
    try:
        bank = Bank.model_validate(raw)
    except ValidationError as error:
        raise _schema_problems(error, raw, source).error() from None
    problems = Problems()
    problems.extend(f"{source}: {problem}" for problem in cross_check(bank))
    problems.raise_if_any()
    return bank


def load_bank_file(path: Path) -> Bank:
    """Read and validate one bank file."""
    return parse_bank_bytes(read_input_file(path), str(path))


STDIN = "-"  # as a file to read: standard input


def input_name(path: Path) -> str:
    """How a file read is named in messages and records: `stdin` for `-`."""
    return "stdin" if str(path) == STDIN else str(path)


def read_input_file(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file the owner gives us, or UnreadableFile (one line).

    Opened without blocking (a FIFO is refused, never waited on) and read
    through that one descriptor, so the size checked is the size read; at most
    `limit + 1` bytes are read, so a huge file costs no more memory than that.
    `-` reads standard input, with the same limit.
    """
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            megabytes = limit // (1024 * 1024)
            raise UnreadableFile(f"stdin: over {megabytes} MB; input files are limited to that")
        return data
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except IsADirectoryError:
        raise UnreadableFile(f"{path}: is a folder; give the file to read") from None
    except OSError as error:
        raise UnreadableFile(f"{path}: cannot read file: {error.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UnreadableFile(f"{path}: is {kind}; give the file to read")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise UnreadableFile(f"{path}: cannot read file: {error.strerror}") from None
    if len(data) > limit:
        size = max(info.st_size, len(data)) / (1024 * 1024)
        raise UnreadableFile(
            f"{path}: file is {size:.1f} MB; input files are limited to {limit // (1024 * 1024)} MB"
        )
    return data


def check_bank_files(paths: list[Path]) -> list[str]:
    """Every problem in every file, plus bank ids claimed by more than one file."""
    problems: list[str] = []
    owners: dict[str, Path] = {}
    for path in paths:
        try:
            bank = load_bank_file(path)
        except BankError as error:
            problems.extend(error.problems)
            continue
        if bank.id in owners:
            problems.append(f"{path}: bank id '{bank.id}' is also used by {owners[bank.id]}")
        owners.setdefault(bank.id, path)
    return problems


def bank_file_warnings(paths: list[Path]) -> list[str]:
    """`file: warning: ...` for each bank that loads but whose weights break the ranking rule.

    A warning, not a problem: the bank still scores exactly, and a stored copy of an
    older bank version (answered before the rule) must keep loading.
    """
    warnings: list[str] = []
    for path in paths:
        try:
            bank = load_bank_file(path)
        except BankError:
            continue  # reported by check_bank_files
        warnings += [f"{path}: warning: {warning}" for warning in ranking_warnings(bank)]
    return warnings


def read_toml(data: bytes, source: str) -> dict[str, Any]:
    """Parse TOML bytes; every failure becomes a BankError naming the file and place."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]  # a BOM from Notepad is harmless; strip it
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if bom else 0)
        raise BankError([f"{source}: not valid UTF-8 at byte {offset}"]) from None
    if not text.strip():
        raise BankError([f"{source}: file is empty"])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BankError([toml_error_message(error, source, text)]) from None
    except RecursionError:
        raise BankError([f"{source}: values are nested too deeply to read"]) from None
    _check_lengths(raw, source)
    return raw


def _check_lengths(raw: dict[str, Any], source: str) -> None:
    """Refuse a list longer than MAX_ENTRIES before validating it.

    Validation describes every bad entry, and a list of 400,000 bad entries
    would cost hundreds of MB; no real file comes near this many.
    """
    pending: list[tuple[str, object, int]] = [(key, value, 1) for key, value in raw.items()]
    while pending:
        where, value, depth = pending.pop()
        children: list[tuple[str, object]] = []
        if isinstance(value, list):
            if len(value) > MAX_ENTRIES:
                count = f"{len(value):,} entries"
                raise BankError([f"{source}: {where}: {count}; at most {MAX_ENTRIES:,} are read"])
            children = [(f"{where}[{n}]", item) for n, item in enumerate(value)]
        elif isinstance(value, dict):
            children = [(f"{where}.{key}", item) for key, item in value.items()]
        if depth < _LENGTH_CHECK_DEPTH:
            pending += [(name, item, depth + 1) for name, item in children]


def read_model(
    model: type[M],
    data: bytes,
    source: str,
    where: Callable[[tuple[int | str, ...], dict[str, Any]], str],
    context: dict[str, Any] | None = None,
) -> M:
    """Parse TOML bytes into `model`; every problem named as `source: place: message`.

    `context` reaches the model's validators (e.g. `{"today": date}` for date ranges).
    """
    raw = read_toml(data, source)
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as error:
        raise _described(error, source, lambda loc: where(loc, raw)).error() from None


def toml_error_message(error: tomllib.TOMLDecodeError, source: str, text: str = "") -> str:
    """`file:line:col: message` from a TOMLDecodeError on any Python 3.11+.

    tomllib says only "at end of document" for a file cut off (say, inside a
    string); the place is then the end of `text`.
    """
    message = str(error)
    match = _TOML_POSITION.match(message)
    if match is not None:
        return f"{source}:{match['line']}:{match['col']}: {match['msg']}"
    if message.endswith(_AT_END) and text:
        line, column = text.count("\n") + 1, len(text) - text.rfind("\n")
        return f"{source}:{line}:{column}: {message.removesuffix(_AT_END)} (at the end of the file)"
    return f"{source}: {message}"


def _schema_problems(error: ValidationError, raw: dict[str, Any], source: str) -> Problems:
    return _described(error, source, lambda loc: describe_location(loc, raw))


def _described(
    error: ValidationError, source: str, where: Callable[[tuple[int | str, ...]], str]
) -> Problems:
    """Pydantic's errors as `source: place: message`, building only the messages kept."""
    problems = Problems()
    kept = error.errors(include_url=False, include_input=False)[: problems.limit]
    problems.extend(f"{source}: {where(item['loc'])}: {item['msg']}" for item in kept)
    problems.count(error.error_count() - len(kept))  # the rest: counted, never formatted
    return problems


def describe_location(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    """Turn a pydantic location into `question <id>: field` using the raw data."""
    if len(loc) >= 2 and loc[0] in _SECTION_NAMES and isinstance(loc[1], int):
        section, index = str(loc[0]), loc[1]
        entries = raw.get(section)
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        label = (
            f"{_SECTION_NAMES[section]} {entry_id}"
            if isinstance(entry_id, str)
            else f"{section}[{index}]"
        )
        field = _dotted(loc[2:])
        return f"{label}: {field}" if field else label
    return _dotted(loc) or "(top level)"


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def cross_check(bank: Bank) -> list[str]:
    """Problems pydantic cannot see: duplicate ids and dangling references."""
    problems: list[str] = []
    for label, ids in (
        ("domain", [domain.id for domain in bank.domains]),
        ("question", [question.id for question in bank.questions]),
        ("action", [action.id for action in bank.actions]),
    ):
        problems += [f"{label} {i}: duplicate id" for i, n in Counter(ids).items() if n > 1]
    domain_ids = {domain.id for domain in bank.domains}
    action_ids = {action.id for action in bank.actions}
    seen: dict[str, int] = {}
    for position, question in enumerate(bank.questions):
        where = f"question {question.id}"
        if question.domain not in domain_ids:
            problems.append(f"{where}: domain: unknown domain '{question.domain}'")
        problems += [
            f"{where}: actions: unknown action '{action}'"
            for action in question.actions
            if action not in action_ids
        ]
        problems += _check_condition(bank, question, seen)
        seen.setdefault(question.id, position)
    used = {action for question in bank.questions for action in question.actions}
    problems += [
        f"action {action.id}: not used by any question"
        for action in bank.actions
        if action.id not in used
    ]
    return problems


def _check_condition(bank: Bank, question: Question, earlier: dict[str, int]) -> list[str]:
    condition = question.applies_if.answer if question.applies_if else None
    if condition is None:
        return []
    where = f"question {question.id}: applies_if.answer"
    if condition.question not in earlier:
        exists = condition.question in bank.questions_by_id
        reason = "must refer to an earlier question" if exists else "unknown question"
        return [f"{where}: {reason} '{condition.question}'"]
    target = bank.questions[earlier[condition.question]]
    if target.kind not in ("yes_no", "choice"):
        return [f"{where}: question '{target.id}' is not a yes/no or choice question"]
    wrong = [value for value in condition.any_of if value not in target.accepted_values()]
    return [f"{where}: '{value}' is not an answer to '{target.id}'" for value in wrong]


def builtin_bank_path(bank_id: str = BUILTIN_BANK) -> Path:
    """Path of a bank file shipped inside the package."""
    root = resources.files("pdpa_check.questionnaires") / "banks"
    return Path(str(root / f"{bank_id}.toml"))


def builtin_bank() -> Bank:
    """The built-in bank; a broken one is a packaging bug, so it raises."""
    return load_bank_file(builtin_bank_path())


def installed_banks(user_dir: Path | None) -> list[InstalledBank]:
    """Built-in banks, then the user's own `*.toml` banks; broken ones are reported."""
    root = builtin_bank_path().parent
    found = [(path, True) for path in sorted(root.glob("*.toml"))]
    if user_dir is not None and user_dir.is_dir():
        found += [(path, False) for path in sorted(user_dir.glob("*.toml"))]
    banks = []
    for path, builtin in found:
        try:
            banks.append(InstalledBank(path, builtin, load_bank_file(path), ()))
        except BankError as error:
            banks.append(InstalledBank(path, builtin, None, tuple(error.problems)))
    return banks
