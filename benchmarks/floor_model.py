"""The pydantic model both floors validate: a row with one field validator."""

from __future__ import annotations

from pydantic import BaseModel, field_validator


class Row(BaseModel):
    question_id: str
    value: str

    @field_validator("value")
    @classmethod
    def _known(cls, value: str) -> str:
        if not value:
            raise ValueError("empty")
        return value
