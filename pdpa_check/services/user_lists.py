"""Evidence from a platform's user list: which system it is for, what it would change, and
the answers saved once the owner confirms. `Session.read_user_list` and `apply_user_list`
use this, so the app and `evidence import` take the same path."""

from __future__ import annotations

from dataclasses import dataclass

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Verified
from pdpa_check.questionnaires.model import NO, PARTLY, YES, Bank
from pdpa_check.questionnaires.platforms import Catalogue
from pdpa_check.questionnaires.profile import Profile, System
from pdpa_check.questionnaires.user_list_formats import UserListError
from pdpa_check.questionnaires.user_lists import Proposal, UserList
from pdpa_check.store.evidence import UserListRow
from pdpa_check.store.repo import AssessmentRow, OrganisationRow
from pdpa_check.support.text import for_output

# Between a list's reason and the owner's own words in an answer's evidence field.
EVIDENCE_SEPARATOR = " · "
# The questions a user list can answer, in the order the preview shows them.
EVIDENCE_QUESTIONS = ("acc-mfa", "acc-shared-logins", "lvr-no-lingering", "access-least-privilege")


@dataclass(frozen=True)
class ProposedAnswer:
    """One answer a user list supports, beside the answer stored now."""

    proposal: Proposal
    question_text: str
    current: Answer | None
    kept: str  # why the stored answer is kept as it is ('' when the proposal applies)

    @property
    def key(self) -> AnswerKey:
        return (self.proposal.question_id, self.proposal.system_key)

    @property
    def applies(self) -> bool:
        """Saved on confirmation: the list supports a value and the question is asked."""
        return self.proposal.value is not None and not self.kept

    @property
    def changes_value(self) -> bool:
        return self.applies and (self.current is None or self.current.value != self.proposal.value)

    def line(self) -> str:
        """`acc-mfa/google: partly (now yes): MFA: 14 of 16 ...` for the preview."""
        proposal = self.proposal
        where = (
            f"{proposal.question_id}/{proposal.system_key}"
            if proposal.system_key
            else (proposal.question_id)
        )
        now = self.current.value if self.current else "not answered"
        if self.kept:
            return f"{where}: left as it is ({now}, {self.kept}): {proposal.reason}"
        if proposal.value is None:
            return f"{where}: left as it is ({now}): {proposal.reason}"
        was = "unchanged" if not self.changes_value else f"now {now}"
        return f"{where}: {proposal.value} ({was}): {proposal.reason}"


@dataclass(frozen=True)
class UserListPreview:
    """A user list checked against the organisation, before anything changes."""

    org: OrganisationRow
    system: System
    found: UserList
    answers: tuple[ProposedAnswer, ...]
    into: AssessmentRow | None  # the open assessment; None: a new one is started

    @property
    def verified(self) -> Verified:
        """The mark each saved answer carries: the file, its format and its date."""
        day = self.found.file_date or self.found.read_on
        return Verified(self.found.file_name, self.found.format.name, day.isoformat())

    @property
    def touches_existing(self) -> bool:
        """True when an answer already given would get another value (a backup is taken)."""
        return any(item.current is not None and item.changes_value for item in self.answers)

    def describe(self) -> list[str]:
        """What the list shows (counts only) and each answer it supports beside the stored one."""
        lines = [f"For {self.system.name} ({self.system.key}):"]
        lines += [f"  {line}" for line in self.found.summary]
        if any(item.applies for item in self.answers):
            lines.append("Applying saves these answers, marked verified from this file:")
        else:
            lines.append("The list supports no answer for this organisation: nothing to apply.")
        lines += [f"- {item.line()}" for item in self.answers]
        people = len(self.found.checklist)
        if people:
            lines.append(f"{people} name(s) behind the gaps go to your plan's checklist.")
        return lines

    def row(self, read_at: str) -> UserListRow:
        """What is kept of the list: its mark, counts and the checklist's names, no file."""
        found = self.found
        return UserListRow(
            self.system.key, self.verified, read_at, "\n".join(found.summary), found.checklist
        )

    def to_save(self, verified_now: dict[AnswerKey, bool]) -> list[Answer]:
        """The answers to save, each keeping the owner's note and own evidence text.

        The evidence field is one line (the app edits it in a one-line field): the reason,
        then ` · ` and any text the owner wrote. `verified_now` says which stored answers
        still carry a list's reason, which a fresh list replaces instead of stacking.
        """
        saved = []
        for item in self.answers:
            if not item.applies or item.proposal.value is None:
                continue
            current = item.current
            own = current.evidence if current else ""
            if current and verified_now.get(item.key):
                own = own.partition(EVIDENCE_SEPARATOR)[2]  # the previous list's reason goes
            saved.append(
                Answer(
                    question_id=item.proposal.question_id,
                    system_key=item.proposal.system_key,
                    value=item.proposal.value,
                    note=current.note if current else "",
                    evidence=EVIDENCE_SEPARATOR.join(
                        part for part in (item.proposal.reason, own) if part
                    ),
                )
            )
        return saved


def choose_system(
    found: UserList, source: str, profile: Profile, platforms: Catalogue, system_key: str | None
) -> System:
    """The profile's system the list is for: the one named, else the only one it can be.

    A vendor's list fits only systems of its platform, so a Google list is never applied to
    the Shopify system by a slip; a generic list fits any system but must be named.
    """
    form = found.format

    def fits(system: System) -> bool:
        platform = platforms.find(system.name)
        return form.platform is None or (platform is not None and platform.id == form.platform)

    names = ", ".join(f"{s.key} ({for_output(s.name)})" for s in profile.systems) or "none yet"
    if system_key:
        system = next((s for s in profile.systems if s.key == system_key), None)
        if system is None:
            raise UserListError([f"{source}: no system {system_key!r} in the profile: {names}"])
        if not fits(system):
            raise UserListError(
                [f"{source}: a {form.name} file, not a list of {for_output(system.name)}'s users"]
            )
        return system
    candidates = [system for system in profile.systems if fits(system)]
    if form.platform is not None and len(candidates) == 1:
        return candidates[0]
    if form.platform is not None and not candidates:
        raise UserListError(
            [
                f"{source}: a {form.name} file, but the profile has no such system: add it"
                f" to the profile first (systems now: {names})"
            ]
        )
    raise UserListError(
        [f"{source}: a {form.name} file: say which system it is for with --system, one of {names}"]
    )


def proposed_answers(
    proposals: list[Proposal],
    bank: Bank,
    stored: dict[AnswerKey, Answer],
    not_asked: dict[str, str],
) -> tuple[ProposedAnswer, ...]:
    """Each proposal beside the stored answer, in EVIDENCE_QUESTIONS order."""
    order = {question_id: index for index, question_id in enumerate(EVIDENCE_QUESTIONS)}
    ranked = sorted(proposals, key=lambda p: order.get(p.question_id, len(order)))
    items = []
    for proposal in ranked:
        current = stored.get((proposal.question_id, proposal.system_key))
        kept = not_asked.get(proposal.question_id, "")
        kept = f"not asked: {kept}" if kept else _covers_more(proposal, current)
        items.append(
            ProposedAnswer(proposal, bank.question(proposal.question_id).text, current, kept)
        )
    return tuple(items)


# Better answers rank higher; a value outside the scale (e.g. "unknown") ranks lowest.
_RANK = {NO: 1, PARTLY: 2, YES: 3}


def _covers_more(proposal: Proposal, current: Answer | None) -> str:
    """Why a business-wide answer is not raised by one system's list, or ''.

    The leaver and least-privilege questions speak for every system: one clean list may
    lower them (it shows a gap) but never raise the owner's answer, which may rest on a
    gap in another system.
    """
    if proposal.system_key or current is None or proposal.value is None:
        return ""
    if _RANK.get(proposal.value, 0) > _RANK.get(current.value, 0):
        return "it covers every system; raise it yourself once each one is checked"
    return ""
