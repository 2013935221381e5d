"""User lists as evidence: what a platform's own list of users shows about MFA, leavers,
admins and shared logins, and the answers it supports.

`read_user_list` reads a file (see `user_list_formats.py` for the formats and how files are
decoded) into a `UserList`: one `Account` per row with only what the checks need, and the
facts derived from them. `propose_answers` turns those facts into proposed answers for one
system's questions, each with its reason in plain words; where the file cannot tell, the
proposal has no value and says why. The owner confirms before anything is saved.

`UserList.checklist` names the people behind each gap (no MFA, no recent sign-in, never
signed in, admin, looks shared, has left): staff's personal data, kept only for the plan's
checklist. Headless: no Textual, no SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from pdpa_check.questionnaires.answers import Answer, normalise_value
from pdpa_check.questionnaires.errors import InvalidValue, Problems, UnreadableFile
from pdpa_check.questionnaires.loader import input_name, read_input_file
from pdpa_check.questionnaires.model import NO, PARTLY, UNKNOWN, YES, Bank
from pdpa_check.questionnaires.user_list_formats import (
    NEVER,
    CellError,
    Fact,
    Format,
    FormatCatalogue,
    Row,
    SignIn,
    Table,
    Tri,
    UserListError,
    day_first,
    ragged,
    read_flag,
    read_sign_in,
    read_status,
    read_table,
    shown,
)
from pdpa_check.support.text import TextError, clean

__all__ = [
    "Account",
    "Proposal",
    "UserList",
    "UserListError",
    "parse_user_list",
    "propose_answers",
    "read_user_list",
]

DORMANT_DAYS = 90  # no sign-in for this many days or more: the default
# The local parts (before the @) of role mailboxes, which several people usually share.
# Kept short on purpose: a heuristic the owner confirms, never a verdict. Compared in any
# case, ignoring dots, dashes, underscores and trailing digits ("Sales-2" is "sales").
ROLE_MAILBOXES = frozenset(
    {
        "admin", "accounts", "billing", "contact", "cs", "enquiries", "enquiry", "finance",
        "hello", "help", "hr", "info", "marketing", "office", "orders", "sales", "shop",
        "staff", "support", "team",
    }
)  # fmt: skip
# The gaps a checklist names people for (scoring/result.py GAP_LABELS words them).
GAPS = ("no_mfa", "dormant", "never", "admin", "shared", "left")
T = TypeVar("T")
LABEL_MAX_CHARS = 320  # an email address may be 254 characters, a display name less


@dataclass(frozen=True)
class Account:
    """One login in a user list: only what the checks and the checklist need."""

    email: str  # "" when the list has none for it
    name: str  # "" when the list has none for it
    active: bool  # can sign in: not suspended, not marked as left
    mfa_enrolled: Tri
    mfa_enforced: Tri
    admin: Tri
    last_sign_in: SignIn
    left: bool  # marked as having left the business
    looks_shared: bool  # a role mailbox, or marked as shared

    @property
    def label(self) -> str:
        """How the checklist names the account: its name, else its email."""
        return self.name or self.email


@dataclass(frozen=True)
class UserList:
    """A user list read for one system, and the facts it shows."""

    format: Format
    file_name: str
    read_on: dt.date  # the day the accounts were judged on
    file_date: dt.date | None  # the file's modification day, when read from a path
    dormant_days: int
    facts: frozenset[Fact]  # the facts the file has a column for
    accounts: tuple[Account, ...]

    def has(self, fact: Fact) -> bool:
        return fact in self.facts

    @property
    def active(self) -> tuple[Account, ...]:
        return tuple(a for a in self.accounts if a.active)

    def count(self, test: Callable[[Account], bool]) -> int:
        """How many active accounts pass `test`."""
        return sum(1 for account in self.active if test(account))

    def dormant(self, account: Account) -> bool:
        """No sign-in for `dormant_days` or more before the day the list was read."""
        day = account.last_sign_in
        return isinstance(day, dt.date) and (self.read_on - day).days >= self.dormant_days

    @property
    def enforced_for_all(self) -> Tri:
        """Whether MFA is enforced for every active account, as far as the file says."""
        if not self.has("mfa_enforced") or not self.active:
            return UNKNOWN
        flags = {account.mfa_enforced for account in self.active}
        return NO if NO in flags else UNKNOWN if UNKNOWN in flags else YES

    def gaps(self, account: Account) -> tuple[str, ...]:
        """The checklist's gaps this account is behind (see GAPS)."""
        if not account.active:
            return ("left",) if account.left else ()
        found = {
            "no_mfa": account.mfa_enrolled == NO,
            "dormant": self.dormant(account),
            "never": account.last_sign_in == NEVER,
            "admin": account.admin == YES,
            "shared": account.looks_shared,
        }
        return tuple(gap for gap in GAPS if found.get(gap))

    @property
    def checklist(self) -> tuple[tuple[str, str], ...]:
        """(gap, person) for each gap, gap by gap in the file's order: who to chase."""
        pairs = [(gap, a.label) for a in self.accounts for gap in self.gaps(a)]
        return tuple(sorted(pairs, key=lambda pair: GAPS.index(pair[0])))

    @property
    def summary(self) -> tuple[str, ...]:
        """One line per finding, counts only (no names), for the evidence field."""
        lines = [
            f"{self.format.name} ({self.file_name}), read {self.read_on.isoformat()}:"
            f" {_count(len(self.accounts), 'account')}, {len(self.active)} active"
        ]
        lines += [reason for _, reason in (_mfa(self), _leavers(self), _admins(self))]
        lines.append(_shared(self)[1])
        return tuple(lines)


def read_user_list(
    path: Path, formats: FormatCatalogue, *, today: dt.date, dormant_days: int = DORMANT_DAYS
) -> UserList:
    """The user list in `path`, judged on `today`; UserListError names the file and line."""
    try:
        data = read_input_file(path)
    except UnreadableFile as error:
        raise UserListError(error.problems) from None
    source = input_name(path)
    found = parse_user_list(data, source, formats, today=today, dormant_days=dormant_days)
    try:
        stamp = None if source != str(path) else dt.date.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        stamp = None
    return replace(found, file_name=_file_name(Path(source)), file_date=stamp)


def parse_user_list(
    data: bytes,
    source: str,
    formats: FormatCatalogue,
    *,
    today: dt.date,
    dormant_days: int = DORMANT_DAYS,
) -> UserList:
    """A user list from a file's bytes; `source` names it in errors."""
    if dormant_days < 1:
        raise ValueError("dormant_days must be at least 1")
    table = read_table(data, source, formats)
    accounts = _accounts(table, today)
    return UserList(
        format=table.format,
        file_name=_file_name(Path(source)),
        read_on=today,
        file_date=None,
        dormant_days=dormant_days,
        facts=frozenset(table.where),
        accounts=accounts,
    )


def _file_name(path: Path) -> str:
    """The file's name as shown and stored: cleaned, one line, at most 120 characters."""
    return shown(path.name, quote=False, limit=120)


# --- rows to accounts --------------------------------------------------------------------


def _accounts(table: Table, today: dt.date) -> tuple[Account, ...]:
    """Every row's account; every bad cell reported with its line and column at once."""
    problems = Problems()
    dates = (table.cell(row, "last_sign_in") for row in table.rows if table.has("last_sign_in"))
    first = day_first(dates)
    accounts: list[Account] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        account = _account(table, row, problems, first=first, today=today)
        if account is None:
            continue
        key = (account.email or account.name).casefold()
        if key in seen:
            problems.add(
                f"{table.source}:{row.line}: {shown(key)} is listed twice (line {seen[key]})"
            )
        seen.setdefault(key, row.line)
        accounts.append(account)
    if problems:
        raise UserListError(problems.messages, total=problems.total)
    return tuple(accounts)


def _account(
    table: Table, row: Row, problems: Problems, *, first: bool, today: dt.date
) -> Account | None:
    """One row's account, or None after adding its problems."""
    at = f"{table.source}:{row.line}"
    extra = ragged(table, row)
    if extra:
        problems.add(f"{at}: {extra}")
        return None
    before = problems.total

    def read(fact: Fact, reader: Callable[[str], T], empty: T) -> T:
        """The fact's cell read, or `empty` when the file has no column for it or it is bad."""
        if not table.has(fact):
            return empty
        try:
            return reader(table.cell(row, fact))
        except (CellError, TextError) as error:
            problems.add(f"{at}: {table.column(fact)}: {error}")
            return empty

    values = table.format.values
    email, name = read("email", _text, ""), read("name", _text, "")
    left = read("left", read_flag, UNKNOWN) == YES
    account = Account(
        email=email,
        name=name,
        active=read("status", lambda cell: read_status(cell, values), True) and not left,
        mfa_enrolled=read("mfa_enrolled", read_flag, UNKNOWN),
        mfa_enforced=read("mfa_enforced", read_flag, UNKNOWN),
        admin=read("admin", read_flag, UNKNOWN),
        last_sign_in=read(
            "last_sign_in", lambda c: read_sign_in(c, values, day_first=first, today=today), None
        ),
        left=left,
        looks_shared=read("shared", read_flag, UNKNOWN) == YES or role_mailbox(email),
    )
    if not account.label and problems.total == before:
        problems.add(f"{at}: the row has no email or name")
    return account if problems.total == before else None


def _text(cell: str) -> str:
    """A name or email as stored: cleaned of control and invisible characters, one line."""
    return clean(cell, max_chars=LABEL_MAX_CHARS, single_line=True).strip()


def role_mailbox(email: str) -> bool:
    """True for an address like info@ or orders2@: a mailbox a role, not a person, holds."""
    local = email.rpartition("@")[0] if "@" in email else ""
    return re.sub(r"[._-]|\d+$", "", local.casefold()) in ROLE_MAILBOXES


# --- proposed answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """An answer a user list supports, for the owner to confirm; `value` None: it cannot tell."""

    question_id: str
    system_key: str  # "" for a question asked once for the business
    value: str | None
    reason: str  # one line, counts only, never names

    def answer(self, evidence: str = "") -> Answer | None:
        """The answer to save once the owner confirms (the reason as evidence by default)."""
        if self.value is None:
            return None
        return Answer(
            question_id=self.question_id,
            system_key=self.system_key,
            value=self.value,
            evidence=evidence or self.reason,
        )


Rule = Callable[[UserList], tuple[str | None, str]]


def propose_answers(
    findings: UserList, bank: Bank, system_key: str, *, mfa_can_be_required: bool = True
) -> list[Proposal]:
    """Proposed answers to the MFA, shared-login, leaver and least-privilege questions.

    The per-system questions are proposed for `system_key`; the leaver and least-privilege
    questions are asked once for the business, so their proposal speaks for this list only
    and says so. A question the bank lacks is skipped; a value it refuses is not proposed.
    Where the platform cannot require MFA (`mfa_can_be_required` False), every active
    account enrolled is a "yes", as the MFA question says.
    """
    rules: tuple[tuple[str, Rule], ...] = (
        ("acc-mfa", partial(_mfa, can_be_required=mfa_can_be_required)),
        ("acc-shared-logins", _shared),
        ("lvr-no-lingering", _leavers),
        ("access-least-privilege", _admins),
    )
    proposals = []
    for question_id, rule in rules:
        question = bank.questions_by_id.get(question_id)
        if question is None:
            continue
        value, reason = rule(findings)
        key = system_key if question.kind == "per_system" else ""
        if question.kind != "per_system" and value == YES:
            reason += "; other systems are not in this list"
        try:
            value = normalise_value(question, value) if value is not None else None
        except InvalidValue:
            value, reason = None, f"{reason} (the question does not take {value})"
        proposals.append(Proposal(question_id, key, value, reason))
    return proposals


def _missing(found: UserList, fact: Fact, what: str) -> str:
    """Why a fact cannot be judged: the format's own words, or that the column is missing."""
    return found.format.not_in_file.get(fact) or f"this file has no {what} column"


def _mfa(found: UserList, *, can_be_required: bool = True) -> tuple[str | None, str]:
    active = len(found.active)
    if not found.has("mfa_enrolled"):
        return None, f"MFA: {_missing(found, 'mfa_enrolled', 'MFA')}"
    if not active:
        return None, "MFA: no active accounts in this file"
    enrolled = found.count(lambda a: a.mfa_enrolled == YES)
    without = found.count(lambda a: a.mfa_enrolled == NO)
    unknown = active - enrolled - without
    line = f"MFA: {enrolled} of {active} active accounts enrolled"
    line += f", {unknown} not known" if unknown else ""
    if not can_be_required and enrolled == active:
        return YES, f"{line}; the platform cannot require MFA, so every account enrolled is a yes"
    enforced = found.enforced_for_all
    if enforced == YES:
        rest = "" if enrolled == active else " (the others must enrol at their next sign-in)"
        return YES, f"{line}; enforced for everyone{rest}"
    line += "; not enforced for everyone" if enforced == NO else "; enforcement not in this file"
    if without:
        return (PARTLY if enrolled else NO), line
    if unknown:
        return None, f"{line}: fill in the unknown ones to have it checked"
    return PARTLY, line


def _shared(found: UserList) -> tuple[str | None, str]:
    if not (found.has("email") or found.has("shared")):
        return None, "Shared logins: this file has no email or shared column"
    active = len(found.active)
    if not active:
        return None, "Shared logins: no active accounts in this file"
    shared = found.count(lambda a: a.looks_shared)
    if not shared:
        return YES, f"Shared logins: none of {active} active accounts looks shared"
    line = f"Shared logins: {shared} of {active} active accounts look shared"
    line += " (role mailboxes such as info@ or orders@, or marked shared)"
    return (NO if shared == active else PARTLY), line


def _leavers(found: UserList) -> tuple[str | None, str]:
    left = sum(1 for account in found.accounts if account.left)
    if left:
        return NO, f"Leavers: {_count(left, 'login')} of people who have left still listed"
    if not found.has("last_sign_in"):
        return None, f"Leavers: {_missing(found, 'last_sign_in', 'last sign-in')}"
    dormant = found.count(found.dormant)
    never = found.count(lambda a: a.last_sign_in == NEVER)
    unknown = found.count(lambda a: a.last_sign_in is None)
    days = found.dormant_days
    if dormant or never:
        parts = [f"{_count(dormant, 'active account')} with no sign-in for {days} days or more"]
        parts += [f"{_count(never, 'active account')} never signed in"] if never else []
        line = " and ".join(parts if dormant else parts[1:])
        return PARTLY, f"Leavers: {line}: check whether their owners have left"
    if unknown:
        line = f"no sign-in date for {_count(unknown, 'active account')}"
        return None, f"Leavers: {line}: fill them in to check"
    return YES, f"Leavers: every active account signed in within {days} days"


def _admins(found: UserList) -> tuple[str | None, str]:
    if not found.has("admin"):
        return None, f"Admins: {_missing(found, 'admin', 'admin')}"
    active = len(found.active)
    admins = found.count(lambda a: a.admin == YES)
    unknown = found.count(lambda a: a.admin == UNKNOWN)
    line = f"Admins: {admins} of {active} active accounts"
    if admins > 2:
        return (NO if 2 * admins > active else PARTLY), f"{line}; one or two is the aim"
    if unknown:
        return None, f"{line}, {unknown} not known: fill them in to check"
    if not admins:
        return None, f"{line}: is the owner's own account missing from the list?"
    return YES, f"{line}; other roles are not in this file"


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
