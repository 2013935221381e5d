"""Everything a kit document is built from, gathered once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from pdpa_check import __version__
from pdpa_check.kit.contacts import Contact
from pdpa_check.questionnaires.answers import Answer, AnswerKey
from pdpa_check.questionnaires.model import YES
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.result import Result


@dataclass(frozen=True)
class KitContext:
    """The organisation, its contacts, and the answers of its current assessment.

    `result` is None when nothing has been assessed yet; then no control is
    taken as in place, so no document can claim one.
    """

    generated_on: dt.date
    profile: Profile
    contacts: Mapping[str, Contact]
    bank_id: str
    bank_version: str
    assessment_id: int | None = None
    answers: Mapping[AnswerKey, Answer] = field(default_factory=dict)
    result: Result | None = None
    tool_version: str = __version__

    def holds(self, question_id: str) -> bool:
        """True when the answers give `question_id` full credit (every system, if per system)."""
        if self.result is None:
            return False
        question = next((q for q in self.result.questions if q.question_id == question_id), None)
        return question is not None and question.credit is not None and question.credit >= 1.0

    def holds_for(self, question_id: str, system_key: str) -> bool:
        """True when `question_id` is answered "yes" for one system (or once, if not per system)."""
        answer = self.answers.get((question_id, system_key)) or self.answers.get((question_id, ""))
        return answer is not None and answer.value == YES

    def text(self, question_id: str) -> str:
        """The owner's text answer to a text question, or ""."""
        answer = self.answers.get((question_id, ""))
        return answer.value if answer is not None else ""
