"""The error for input files that cannot be used (banks, answers, vendor and incident files).

Kept apart from the loader so the command line can name it without building
the bank's models.
"""

from __future__ import annotations


class BankError(Exception):
    """A file that cannot be used; `problems` holds every message."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
