"""Calendar dates: reading the owner's dates, stored timestamps, and quarters."""

from __future__ import annotations

import calendar
import datetime as dt
import re


class DateError(ValueError):
    """A date the owner typed that is malformed or out of range; the message says which."""


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(raw: str) -> dt.date:
    """A YYYY-MM-DD calendar date, or DateError with a message for the owner."""
    text = raw.strip()
    if not _DAY.fullmatch(text):
        raise DateError("use the form YYYY-MM-DD, e.g. 2027-03-31")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{text} is not a real date") from None


def parse_day(stamp: str) -> dt.date:
    """The calendar date of a stored ISO timestamp."""
    return dt.date.fromisoformat(stamp[:10])


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


# The owner's dates are checked to a sane range: nothing in this tool happened
# before 2000, and a plan date more than ten years ahead is a typing slip.
EARLIEST = dt.date(2000, 1, 1)
PLAN_YEARS = 10


def latest_plan_date(today: dt.date) -> dt.date:
    """The last due or review date accepted: ten years from `today`."""
    return add_months(today, 12 * PLAN_YEARS)


def check_past(day: dt.date, today: dt.date) -> dt.date:
    """`day` if it is a day that has happened (2000 to `today`), else DateError."""
    if day > today:
        raise DateError(f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    return _not_too_early(day)


def check_plan(day: dt.date, today: dt.date) -> dt.date:
    """`day` if it is a due or review date from 2000 to ten years ahead, else DateError."""
    latest = latest_plan_date(today)
    if day > latest:
        raise DateError(
            f"{day.isoformat()} is more than {PLAN_YEARS} years ahead (latest {latest.isoformat()})"
        )
    return _not_too_early(day)


def parse_past_date(raw: str, today: dt.date) -> dt.date:
    """A typed date that has happened: discovery, assessment or completion."""
    return check_past(parse_date(raw), today)


def parse_plan_date(raw: str, today: dt.date) -> dt.date:
    """A typed due or review date, at most ten years ahead."""
    return check_plan(parse_date(raw), today)


def _not_too_early(day: dt.date) -> dt.date:
    if day < EARLIEST:
        raise DateError(f"{day.isoformat()} is before {EARLIEST.isoformat()}")
    return day
