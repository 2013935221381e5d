"""Calendar dates: reading the owner's dates, stored timestamps, and quarters."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(raw: str) -> dt.date:
    """A YYYY-MM-DD calendar date, or ValueError with a message for the owner."""
    text = raw.strip()
    if not _DAY.fullmatch(text):
        raise ValueError("use the form YYYY-MM-DD, e.g. 2027-03-31")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None


def parse_day(stamp: str) -> dt.date:
    """The calendar date of a stored ISO timestamp."""
    return dt.date.fromisoformat(stamp[:10])


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))
