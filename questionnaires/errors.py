"""The errors for input that cannot be used: files (banks, answers, vendor, incident) and values.

Kept apart from the loader so the command line can name it without building
the bank's models. `Problems` collects a file's messages with a cap, so a file
with hundreds of thousands of bad entries costs a count, not a message each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The messages kept (and shown) for one file; the rest are only counted.
MAX_PROBLEMS = 50

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(message: str) -> str:
    """`message` with its line breaks folded into spaces: every error is one line."""
    return _LINE_BREAKS.sub(" ", message.strip())


class BankError(Exception):
    """A file that cannot be used; `problems` holds the messages kept.

    `total` counts every problem found, including those not kept (at least
    `len(problems)`).
    """

    def __init__(self, problems: list[str], *, total: int | None = None) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.total = max(total or 0, len(problems))


class InvalidValue(ValueError):
    """A value the question does not accept; the message says why, for the owner.

    A ValueError, so pydantic validators may raise it; front ends catch it by name.
    """


class UnreadableFile(BankError):
    """A file that cannot be read at all (missing, a folder, not a regular file, too big).

    One message about the file as a whole, so it is shown as one error line.
    """

    def __init__(self, message: str) -> None:
        super().__init__([message])


class Problems:
    """The problems found in one input: the first `limit` messages, and how many in all.

    Use: `problems.add(...)` in the per-entry loop, then `problems.raise_if_any()`.
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.messages: list[str] = []
        self.total = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.messages) < self.limit:
            self.messages.append(one_line(message))

    def extend(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.add(message)

    @property
    def full(self) -> bool:
        """True once `limit` messages are kept: callers may `count` instead of formatting."""
        return len(self.messages) >= self.limit

    def count(self, more: int = 1) -> None:
        """Count problems found but not described (past the cap)."""
        self.total += more

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self.messages)

    def error(self) -> BankError:
        return BankError(self.messages, total=self.total)

    def raise_if_any(self) -> None:
        if self.total:
            raise self.error()
