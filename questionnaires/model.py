"""The pydantic schema of a question bank file.

Unknown keys are refused and types are strict, so a typo in a bank file is
reported instead of silently ignored.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pdpa_check.questionnaires.profile import Profile, Sector, SiteBuild, SystemKind

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Credit = Annotated[float, Field(ge=0.0, le=1.0)]

QuestionKind = Literal["yes_no", "choice", "per_system", "number", "text"]
# CSA Cyber Essentials (2025) measures, A.1 to A.9.
Measure = Literal["A.1", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9"]
Effort = Literal["low", "medium", "high"]
OwnerRole = Literal["owner", "staff", "it_vendor"]

# The standard answer values: the yes/no scale, "don't know" (any question) and "not
# applicable" (where allowed). A choice question's values are its option ids instead.
AnswerValue = Literal["yes", "partly", "no", "unknown", "na"]
YES: Final = "yes"
PARTLY: Final = "partly"
NO: Final = "no"
UNKNOWN: Final = "unknown"
NOT_APPLICABLE: Final = "na"
# Each standard value with its display label, in the order they are offered.
ANSWER_LABELS: dict[AnswerValue, str] = {
    YES: "Yes",
    PARTLY: "Partly",
    NO: "No",
    UNKNOWN: "Don't know",
    NOT_APPLICABLE: "Not applicable",
}
# Credit for the yes/no scale; "unknown" scores 0 but is counted on its own.
YES_NO_CREDIT: dict[str, float] = {YES: 1.0, PARTLY: 0.5, NO: 0.0, UNKNOWN: 0.0}
# Where an `ask_vendor` text names the business's own systems of `vendor_systems` kinds.
SYSTEMS_PLACEHOLDER = "{systems}"
# What the placeholder reads when the business declared none of those kinds.
NO_SYSTEMS_DECLARED = "the systems that hold our customer data"


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", strict=True, frozen=True)


class Option(_Strict):
    """One choice of a single-choice question and the credit it earns."""

    id: Id
    label: Text
    credit: Credit


class Threshold(_Strict):
    """A number at or better than `value` earns `credit`."""

    value: float = Field(allow_inf_nan=False)
    credit: Credit


class NumberScale(_Strict):
    """How a number answer turns into credit."""

    unit: Text
    better: Literal["lower", "higher"]
    thresholds: list[Threshold] = Field(min_length=1)
    minimum: float = Field(default=0.0, allow_inf_nan=False)
    maximum: float = Field(default=1_000_000.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _range_is_sane(self) -> Self:
        if self.minimum > self.maximum:
            raise ValueError("'minimum' must not be greater than 'maximum'")
        return self

    def credit(self, value: float) -> float:
        """The best credit whose threshold `value` meets, else 0."""
        earned = [
            threshold.credit
            for threshold in self.thresholds
            if (value <= threshold.value if self.better == "lower" else value >= threshold.value)
        ]
        return max(earned, default=0.0)


class AnswerCondition(_Strict):
    """True when an earlier question was answered with one of `any_of`."""

    question: Id
    any_of: list[str] = Field(min_length=1)


class AppliesIf(_Strict):
    """Conditions under which a question is asked; all given ones must hold."""

    has_staff: bool | None = None
    # True: only for a business with a website or online store of its own.
    has_website: bool | None = None
    # Only for a business whose own website is run in one of these ways (implies has_website).
    site_builds: list[SiteBuild] | None = Field(default=None, min_length=1)
    system_kinds: list[SystemKind] | None = Field(default=None, min_length=1)
    sectors: list[Sector] | None = Field(default=None, min_length=1)
    answer: AnswerCondition | None = None


class ProfileCheck(_Strict):
    """An answer the profile contradicts: a system of `system_kinds` is declared, yet the
    question is answered with one of `any_of` (e.g. an AI system, and "no AI tool")."""

    system_kinds: list[SystemKind] = Field(min_length=1)
    any_of: list[str] = Field(min_length=1)


class Domain(_Strict):
    id: Id
    title: Text
    weight: int = Field(ge=1, le=10)
    description: Text
    # Why the area weighs what it does, in one line (shown by `bank coverage`).
    weight_rationale: Text | None = None


class Question(_Strict):
    id: Id
    domain: Id
    text: Text
    why: Text
    kind: QuestionKind
    weight: int = Field(default=1, ge=0, le=10)
    critical: bool = False
    allow_na: bool = False
    options: list[Option] = Field(default_factory=list)
    system_kinds: list[SystemKind] = Field(default_factory=list)
    number: NumberScale | None = None
    applies_if: AppliesIf | None = None
    references: list[Text] = Field(default_factory=list)
    actions: list[Id] = Field(default_factory=list)
    # What to ask the IT vendor on "don't know": only what a vendor can answer; a question
    # without it (a habit of the owner's staff, say) is never put to the vendor.
    ask_vendor: Text | None = None
    # The kinds of system `ask_vendor`'s "{systems}" names, by the names the business gave them.
    vendor_systems: list[SystemKind] = Field(default_factory=list)
    # When the profile contradicts an answer to this question, results point it out.
    profile_check: ProfileCheck | None = None
    # Why the question weighs what it does, in one line (for bank reviewers).
    weight_rationale: Text | None = None
    # The Cyber Essentials measures a full-credit answer helps to meet.
    cyber_essentials: list[Measure] = Field(default_factory=list)
    # Why a question maps to no measure (e.g. a consent duty, not a security measure); shown
    # by `bank coverage` in place of the measures. Only for a question with none.
    cyber_essentials_none: Text | None = None

    @property
    def scored(self) -> bool:
        return self.kind != "text" and self.weight > 0

    @model_validator(mode="after")
    def _fields_match_kind(self) -> Self:
        kind = self.kind
        if bool(self.options) != (kind == "choice"):
            raise ValueError("'options' is required for kind 'choice' and only allowed there")
        if bool(self.system_kinds) != (kind == "per_system"):
            raise ValueError(
                "'system_kinds' is required for kind 'per_system' and only allowed there"
            )
        if (self.number is not None) != (kind == "number"):
            raise ValueError("'number' is required for kind 'number' and only allowed there")
        weight_given = "weight" in self.model_fields_set and self.weight
        if kind == "text" and (weight_given or self.critical or self.actions):
            raise ValueError("a 'text' question is not scored: no weight, critical or actions")
        option_ids = [option.id for option in self.options]
        if len(set(option_ids)) != len(option_ids):
            raise ValueError("option ids must be unique")
        if set(option_ids) & {UNKNOWN, NOT_APPLICABLE}:
            raise ValueError("option ids 'unknown' and 'na' are reserved")
        if self.profile_check and not set(self.profile_check.any_of) <= set(self.accepted_values()):
            raise ValueError("'profile_check.any_of' must list values this question accepts")
        if self.cyber_essentials and self.cyber_essentials_none is not None:
            raise ValueError(
                "'cyber_essentials_none' says why no measure applies: not with 'cyber_essentials'"
            )
        placeholder = SYSTEMS_PLACEHOLDER in (self.ask_vendor or "")
        if placeholder != bool(self.vendor_systems):
            raise ValueError(
                "'vendor_systems' and a '{systems}' placeholder in 'ask_vendor' go together"
            )
        return self

    def vendor_text(self, profile: Profile) -> str | None:
        """`ask_vendor` naming the business's declared systems, or None: not for a vendor."""
        if self.ask_vendor is None:
            return None
        if not self.vendor_systems:
            return self.ask_vendor
        names = [system.name for system in profile.systems_of(list(self.vendor_systems))]
        return self.ask_vendor.replace(SYSTEMS_PLACEHOLDER, _listed(names) or NO_SYSTEMS_DECLARED)

    def accepted_values(self) -> list[str]:
        """The answer values this question accepts (numbers aside)."""
        if self.kind in ("yes_no", "per_system"):
            values: list[str] = [YES, PARTLY, NO, UNKNOWN]
        elif self.kind == "choice":
            values = [option.id for option in self.options] + [UNKNOWN]
        elif self.kind == "number":
            values = [UNKNOWN]
        else:
            return []
        return [*values, NOT_APPLICABLE] if self.allow_na else values

    def credit(self, value: str) -> float:
        """Credit for an already validated, applicable answer value."""
        if self.kind in ("yes_no", "per_system"):
            return YES_NO_CREDIT[value]
        if value == UNKNOWN:
            return 0.0
        if self.kind == "choice":
            return next(option.credit for option in self.options if option.id == value)
        assert self.number is not None
        return self.number.credit(float(value))


def _listed(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C': names as a sentence lists them."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class Action(_Strict):
    """A remediation step that closes one or more gaps."""

    id: Id
    title: Text
    why: Text
    steps: list[Text] = Field(min_length=1)
    effort: Effort
    owner: OwnerRole
    vendor_doable: bool
    references: list[Text] = Field(default_factory=list)


class Upcoming(_Strict):
    """An obligation passed but not yet in force: shown to owners, never scored."""

    id: Id
    title: Text
    text: Text
    references: list[Text] = Field(default_factory=list)


class Bank(_Strict):
    """A whole question bank: domains, questions in asking order, and actions."""

    schema_version: Literal[1] = 1
    id: Id
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    description: Text
    # Which edition of CSA's Cyber Essentials the `cyber_essentials` mappings follow.
    cyber_essentials_edition: Text | None = None
    domains: list[Domain] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    actions: list[Action] = Field(default_factory=list)
    upcoming: list[Upcoming] = Field(default_factory=list)

    def question(self, question_id: str) -> Question:
        return self.questions_by_id[question_id]

    def action(self, action_id: str) -> Action:
        return self.actions_by_id[action_id]

    def domain(self, domain_id: str) -> Domain:
        return self.domains_by_id[domain_id]

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @cached_property
    def actions_by_id(self) -> dict[str, Action]:
        return {action.id: action for action in self.actions}

    @cached_property
    def domains_by_id(self) -> dict[str, Domain]:
        return {domain.id: domain for domain in self.domains}

    @cached_property
    def shares(self) -> dict[str, float]:
        """Each scored question's share: its area's weight split by question weight.

        Fixed by the bank, whatever applies: a question's points are its share over
        the shares of the questions that apply, so not-applicable questions leave
        the total and every other question keeps its rank.
        """
        area_totals: dict[str, int] = {}
        for question in self.questions:
            if question.scored:
                area_totals[question.domain] = area_totals.get(question.domain, 0) + question.weight
        return {
            question.id: self.domain(question.domain).weight
            * question.weight
            / area_totals[question.domain]
            for question in self.questions
            if question.scored
        }
