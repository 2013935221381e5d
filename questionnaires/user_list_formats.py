"""The user lists `evidence import` recognises, and a list file read into recognised rows.

`user_list_formats.toml` beside the platform catalogue lists each format: the vendor page
that describes its download (title, address, the day its columns were checked), how the
owner gets the file, the header columns that identify it, and which column gives each fact
(email, name, status, MFA enrolled and enforced, admin, last sign-in). A fact a format has
no column for is "not in this file", never "no".

`read_table` turns a file's bytes into a `Table`: the text decoded (UTF-8 with or without a
byte-order mark, or UTF-16 as Excel's "Unicode text" writes it), the delimiter found on the
header line (comma, semicolon or tab), every record with the line it starts on, and the
header matched to one format. Every problem is a `UserListError` naming the file and line;
`user_lists.py` reads the accounts from the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pdpa_check.questionnaires.cache import cached
from pdpa_check.questionnaires.errors import BankError
from pdpa_check.questionnaires.loader import MAX_ENTRIES, describe_location, read_model
from pdpa_check.questionnaires.model import Id
from pdpa_check.support.dates import EARLIEST
from pdpa_check.support.text import for_output

# The facts a user list can give about each account.
Fact = Literal[
    "email",
    "name",
    "status",
    "mfa_enrolled",
    "mfa_enforced",
    "admin",
    "last_sign_in",
    "left",
    "shared",
]
FACT_NAMES: dict[Fact, str] = {
    "email": "email",
    "name": "name",
    "status": "account status",
    "mfa_enrolled": "MFA enrolment",
    "mfa_enforced": "MFA enforcement",
    "admin": "admin",
    "last_sign_in": "last sign-in",
    "left": "left the business",
    "shared": "shared",
}
Header = str  # a column name as the vendor writes it; compared by `header_key`
_URL = r"^https://[A-Za-z0-9._~/?#=&%+:@-]+$"  # plain characters only, as in platforms.toml


class UserListError(BankError):
    """A user list that cannot be used: each message names the file and, where one is to
    blame, the line and column. Nothing is changed when it is raised."""


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Columns(_Strict):
    """Which header gives each fact. Alternatives are tried in order and the first the file
    has is read; for `name`, every part the file has is read and joined with a space."""

    email: tuple[Header, ...] = ()
    name: tuple[Header, ...] = ()
    status: tuple[Header, ...] = ()
    mfa_enrolled: tuple[Header, ...] = ()
    mfa_enforced: tuple[Header, ...] = ()
    admin: tuple[Header, ...] = ()
    last_sign_in: tuple[Header, ...] = ()
    left: tuple[Header, ...] = ()
    shared: tuple[Header, ...] = ()

    def of(self, fact: Fact) -> tuple[Header, ...]:
        headers: tuple[Header, ...] = getattr(self, fact)
        return headers


class Values(_Strict):
    """The words of a format's cells, as documented by the vendor (compared in any case)."""

    active: tuple[str, ...] = ()  # status of an account that can sign in
    inactive: tuple[str, ...] = ()  # status of one that cannot (suspended, archived)
    never: tuple[str, ...] = ()  # a last sign-in meaning "never signed in"
    date_format: str | None = Field(default=None, min_length=2, max_length=40)


class Format(_Strict):
    """One recognised user list: where it comes from and how to read it."""

    id: Id
    name: str = Field(min_length=3, max_length=80)
    platform: Id | None = None  # the platforms.toml id; None for the generic list
    source: str = Field(min_length=3, max_length=200)
    url: str | None = Field(default=None, pattern=_URL, max_length=300)
    checked: dt.date
    download: str = Field(min_length=20, max_length=600)
    detect: tuple[Header, ...] = Field(min_length=1)
    detect_any: tuple[Header, ...] = ()
    required: tuple[Header, ...] = ()
    near_miss: str | None = Field(default=None, min_length=10, max_length=300)
    columns: Columns
    values: Values = Values()
    # Why a fact may be missing from a file of this format, and where to find it instead.
    not_in_file: dict[Fact, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _is_readable(self) -> Format:
        if self.platform is not None and self.url is None:
            raise ValueError("a vendor's format needs the url of the vendor's page")
        if not (self.columns.email or self.columns.name):
            raise ValueError("columns: give the email or the name column")
        if self.columns.status and not (self.values.active and self.values.inactive):
            raise ValueError("values: a status column needs its active and inactive words")
        if self.columns.last_sign_in:
            _check_date_format(self.values.date_format)
        keys = [header_key(h) for fact in FACT_NAMES for h in self.columns.of(fact)]
        keys += [header_key(h) for h in (*self.detect, *self.detect_any, *self.required)]
        if not all(keys):
            raise ValueError("every header needs a letter or digit")
        return self

    def matches(self, keys: set[str]) -> bool:
        """True when a header row with these keys is this format."""
        return all(header_key(h) in keys for h in self.detect) and (
            not self.detect_any or any(header_key(h) in keys for h in self.detect_any)
        )

    def likeness(self, keys: set[str]) -> int:
        """How many of this format's identifying columns a header row has."""
        return sum(header_key(h) in keys for h in (*self.detect, *self.detect_any))


class FormatCatalogue(_Strict):
    """Every user list the import recognises, tried in order (vendor lists first)."""

    schema_version: Literal[1] = 1
    formats: tuple[Format, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> FormatCatalogue:
        ids = [form.id for form in self.formats]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"format ids used twice: {', '.join(twice)}")
        return self

    def known(self) -> str:
        """The formats understood, for an error: `Google Workspace user list, ...`."""
        return ", ".join(form.name for form in self.formats)


def _check_date_format(pattern: str | None) -> None:
    """A last sign-in column needs a strftime pattern that reads back what it writes."""
    sample = dt.datetime(2026, 3, 31, 14, 5, 9)
    try:
        ok = pattern is not None and dt.datetime.strptime(sample.strftime(pattern), pattern)
    except ValueError:
        ok = False
    if not ok or ok.date() != sample.date():
        raise ValueError(f"values.date_format: {pattern!r} does not read back a date")


def header_key(text: str) -> str:
    """A header as compared: its letters and digits in lower case ("Last Sign-In" and
    "last_sign_in" are both "last sign in"), so quoting, spacing and case never matter."""
    return " ".join(re.findall(r"[^\W_]+", for_output(text).casefold()))


def formats_path() -> Path:
    """The catalogue shipped inside the package."""
    return Path(str(resources.files("pdpa_check.questionnaires") / "user_list_formats.toml"))


def read_formats(data: bytes, source: str) -> FormatCatalogue:
    """A catalogue from TOML bytes; BankError names `source` and the place."""
    return read_model(FormatCatalogue, data, source, _where)


def _where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    """`format generic: columns` for a pydantic location, like the bank's messages."""
    if len(loc) >= 2 and loc[0] == "formats" and isinstance(loc[1], int):
        entries = raw.get("formats")
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        name = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(name, str):
            field = describe_location(loc[2:], {}) if loc[2:] else ""
            return f"format {name}: {field}" if field else f"format {name}"
    return describe_location(loc, raw)


@cache
def builtin_formats() -> FormatCatalogue:
    """The shipped catalogue (from the bank cache when validated before); a broken one is a
    packaging bug, so it raises."""
    path = formats_path()
    data = path.read_bytes()
    return cached(data, lambda: read_formats(data, str(path)))


# --- a file's bytes to rows -----------------------------------------------------------------

# Files that are not text at all, by their first bytes, with what they are.
_MAGIC = (
    (b"PK\x03\x04", "a spreadsheet workbook (Excel .xlsx, Numbers or OpenDocument)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)"),
    (b"%PDF", "a PDF"),
)
_SAVE_AS = "open it in your spreadsheet and save it as CSV UTF-8"
_DELIMITERS = ",;\t"  # Excel writes the locale's list separator: ";" in much of Europe


@dataclass(frozen=True)
class Row:
    """One record of the file: the physical line it starts on, and its cells as read."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A user list recognised as one format: its header and the rows under it."""

    source: str
    format: Format
    header: Row
    rows: tuple[Row, ...]
    where: dict[Fact, tuple[int, ...]]  # each fact's column positions; missing: not in file

    def has(self, fact: Fact) -> bool:
        return fact in self.where

    def cell(self, row: Row, fact: Fact) -> str:
        """The fact's cell in `row` ('' when missing; a name's parts joined)."""
        parts = (row.cells[i].strip() if i < len(row.cells) else "" for i in self.where[fact])
        return " ".join(part for part in parts if part)

    def column(self, fact: Fact) -> str:
        """The fact's header as the file spells it, cleaned, for messages."""
        return shown(self.header.cells[self.where[fact][0]], quote=False)


def read_table(data: bytes, source: str, catalogue: FormatCatalogue) -> Table:
    """The file's rows under a header recognised as one of `catalogue`'s formats."""
    rows = _records(decode(data, source), source)
    header = next(rows, None)
    if header is None:
        raise UserListError([f"{source}: the file is empty"])
    form = recognise(header, catalogue, source)
    where = _positions(header, form, source)
    body = tuple(_within(rows, source))
    if not body:
        raise UserListError([f"{source}:{header.line}: {_no_users(form)}"])
    return Table(source, form, header, body, where)


def decode(data: bytes, source: str) -> str:
    """The file's text: UTF-16 by its byte-order mark, else UTF-8 (a BOM is dropped).

    No guess at older code pages: a name read in the wrong one is silently wrong, so the
    owner is asked to save the file as CSV UTF-8 instead.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UserListError([f"{source}: this is {what}, not a CSV file: {_SAVE_AS}"])
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UserListError(
            [f"{source}:{line}: this is not UTF-8 text (byte {error.start}): {_SAVE_AS}"]
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UserListError([f"{source}:{line}: the file holds NUL bytes: {_SAVE_AS}"])
    return text


def _records(text: str, source: str) -> Iterator[Row]:
    """Each record with a non-blank cell, with the line it starts on (blank lines and rows
    of empty cells, which Excel leaves behind, are skipped)."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text),
        skipinitialspace=True,  # `"Email", "Name"` typed by hand
        strict=True,  # an unclosed quote is an error, not the rest of the file in one cell
    )
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield Row(line, tuple(cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise UserListError(
            [f"{source}:{line}: not readable as CSV: {shown(str(error))}"]
        ) from None


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most cells (comma on a tie)."""
    first = next((line for line in text.splitlines() if line.strip()), "")

    def cells(delimiter: str) -> int:
        try:
            return len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            return 0

    return max(_DELIMITERS, key=cells)


def recognise(header: Row, catalogue: FormatCatalogue, source: str) -> Format:
    """The format whose identifying columns the header has, or an error listing them all."""
    keys = {header_key(cell) for cell in header.cells}
    for form in catalogue.formats:
        if form.matches(keys):
            return form
    message = (
        f"{source}:{header.line}: not a user list this tool knows (its header row matches none)"
    )
    message += f"; it understands: {catalogue.known()}"
    closest = max(catalogue.formats, key=lambda form: form.likeness(keys))
    if closest.likeness(keys):
        message += f". The closest is the {closest.name}: {closest.near_miss or _SAVE_AS}"
    raise UserListError([message])


def _positions(header: Row, form: Format, source: str) -> dict[Fact, tuple[int, ...]]:
    """Where each fact's column is; a required column missing or a used one twice is an error."""
    places: dict[str, list[int]] = {}
    for index, cell in enumerate(header.cells):
        places.setdefault(header_key(cell), []).append(index)
    at = f"{source}:{header.line}"
    missing = [h for h in form.required if header_key(h) not in places]
    if missing:
        raise UserListError(
            [f"{at}: a {form.name} needs the column {', '.join(missing)}; {form.near_miss or ''}"]
        )
    where: dict[Fact, tuple[int, ...]] = {}
    for fact in FACT_NAMES:
        found = [header_key(h) for h in form.columns.of(fact) if header_key(h) in places]
        twice = [key for key in found if len(places[key]) > 1]
        if twice:
            raise UserListError([f"{at}: the column {shown(twice[0])} appears twice"])
        if found:
            where[fact] = (
                tuple(places[key][0] for key in found) if fact == "name" else (places[found[0]][0],)
            )
    return where


def _within(rows: Iterator[Row], source: str) -> Iterator[Row]:
    """The rows, refused past MAX_ENTRIES: no small business's list nears it."""
    for count, row in enumerate(rows, start=1):
        if count > MAX_ENTRIES:
            too_many = f"more than {MAX_ENTRIES:,} users; at most that many are read"
            raise UserListError([f"{source}:{row.line}: {too_many}"])
        yield row


def _no_users(form: Format) -> str:
    """Why a header with no rows is refused: every download lists at least its admin, so an
    empty one is a wrong download, and answers "verified" by no users would be empty words."""
    if form.platform is None:
        return "the list has a header row but no users: add one row per login"
    where = f"the {form.name} has a header row but no users"
    return f"{where}; a download always lists at least you: {form.download}"


def shown(text: str, *, quote: bool = True, limit: int = 40) -> str:
    """Text from the file made safe for a message: cleaned, one line, cut to `limit`."""
    text = " ".join(for_output(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"' if quote else text


def ragged(table: Table, row: Row) -> str | None:
    """Why `row` has more cells than the header, or None. Fewer are read as empty: some
    Excel saves drop a row's trailing empty cells."""
    extra = row.cells[len(table.header.cells) :]
    if any(cell.strip() for cell in extra):
        return f"{len(row.cells)} cells but the header has {len(table.header.cells)}"
    return None


# --- cells ----------------------------------------------------------------------------------

Tri = Literal["yes", "no", "unknown"]
NEVER: Final = "never"
# A last sign-in: its day, NEVER, or None when the file does not say.
SignIn = dt.date | Literal["never"] | None
_FLAGS: dict[str, Tri] = {
    **dict.fromkeys(("yes", "y", "true", "1"), "yes"),  # Excel re-saves True as TRUE
    **dict.fromkeys(("no", "n", "false", "0"), "no"),
    **dict.fromkeys(("", "unknown"), "unknown"),
}
# A day, month and four-digit year with `/`, `.` or `-`, and maybe a time: how Excel
# re-saves a date in the owner's locale ("3/12/2026 9:14" for 2026/12/03 09:14:27).
_LOCAL_DATE = re.compile(
    r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the owner."""


def words(cell: str) -> str:
    """A cell as compared: cleaned, spaces folded, lower case."""
    return " ".join(for_output(cell).split()).casefold()


def read_flag(cell: str) -> Tri:
    """yes, no or unknown (empty) from the words people and vendors write for them."""
    flag = _FLAGS.get(words(cell))
    if flag is None:
        raise CellError(f"{shown(cell)} is not yes, no or unknown")
    return flag


def read_status(cell: str, values: Values) -> bool:
    """True for an account that can sign in, by the format's status words."""
    word = words(cell)
    for active, listed in ((True, values.active), (False, values.inactive)):
        if word in {value.casefold() for value in listed}:
            return active
    raise CellError(f"{shown(cell)} is not one of: {', '.join(values.active + values.inactive)}")


def day_first(cells: Iterable[str]) -> bool:
    """Whether the file's d/m/y-looking dates put the day first.

    Singapore's Excel (like the UK's) re-saves dates day first, so that is the rule; a file
    whose only unambiguous date has a second number over 12 was saved month first (a US
    locale) and is read so. Deciding per file, not per cell, keeps one file consistent.
    """
    first_over = second_over = False
    for cell in cells:
        match = _LOCAL_DATE.fullmatch(cell.strip())
        if match:
            first_over |= int(match[1]) > 12
            second_over |= int(match[3]) > 12
    return first_over or not second_over


def read_sign_in(cell: str, values: Values, *, day_first: bool, today: dt.date) -> SignIn:
    """The last sign-in in the vendor's documented form, ISO, or as Excel re-saved it."""
    text = " ".join(for_output(cell).split())
    if not text:
        return None
    if text.casefold() in {value.casefold() for value in values.never}:
        return NEVER
    day = _documented(text, values.date_format) or _iso(text) or _local(text, day_first)
    if day is None:
        example = dt.datetime(2026, 3, 31, 14, 5, 9).strftime(values.date_format or "%Y-%m-%d")
        never = f" or {values.never[0]}" if values.never else ""
        raise CellError(f"{shown(text)} is not a date like {example}{never}")
    if day < EARLIEST or day > today + dt.timedelta(days=1):  # a day's slack: time zones
        raise CellError(f"{day.isoformat()} is not between 2000 and the day it was read")
    return day


def _documented(text: str, pattern: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, pattern).date() if pattern else None
    except ValueError:
        return None


def _iso(text: str) -> dt.date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(f"{shown(text)} is not a real date") from None


def _local(text: str, day_first: bool) -> dt.date | None:
    match = _LOCAL_DATE.fullmatch(text)
    if match is None:
        return None
    day, month = (match[1], match[3]) if day_first else (match[3], match[1])
    try:
        return dt.date(int(match[4]), int(month), int(day))
    except ValueError:
        order = "day/month/year" if day_first else "month/day/year"
        raise CellError(f"{shown(text)} is not a real date read as {order}") from None
