"""What a front end works with: one organisation, its assessments and the open questionnaire.

The TUI and `assess --plain` both drive this; it never imports Textual. Every
change is written to the store before the method returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from pdpa_check.questionnaires.answers import Answer, AnswerKey, Verified, normalise_value
from pdpa_check.questionnaires.applicability import (
    Slot,
    answer_notice,
    applicable_slots,
    slots_with_follow_ups,
    why_not_asked,
)
from pdpa_check.questionnaires.loader import BUILTIN_BANK
from pdpa_check.questionnaires.model import Bank, Domain
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.scoring.lifecycle import (
    AUTO,
    CLOSED_STATUSES,
    ItemChange,
    done_but_open,
    entry_status,
    reconcile,
)
from pdpa_check.scoring.result import Plan, PlanEntry, PlanItem
from pdpa_check.services.settings import DEFAULT_STALE_DAYS
from pdpa_check.store.db import StoreError
from pdpa_check.store.repo import AssessmentRow, OrganisationRow, PlanItemState, Store
from pdpa_check.support.dates import add_months, parse_day
from pdpa_check.support.text import clean, for_output

if TYPE_CHECKING:
    from pdpa_check.exports.document import Report
    from pdpa_check.exports.vendor import VendorUpdate
    from pdpa_check.kit.contacts import Contact
    from pdpa_check.kit.context import KitContext
    from pdpa_check.kit.facts import IncidentFacts
    from pdpa_check.questionnaires.answers_file import AnswerEntry, AnswersImport
    from pdpa_check.services.user_lists import UserListPreview
    from pdpa_check.store.evidence import UserListRow
    from pdpa_check.store.kit import IncidentRow
from pdpa_check.services.workspace import (
    Assessed,
    Warn,
    Warnings,
    assess,
    bank_of,
    carried_keys,
    default_bank,
    make_report,
    start_assessment,
)


@dataclass(frozen=True)
class AnswersImportPreview:
    """An answers file checked against the organisation, before anything changes."""

    org: OrganisationRow
    into: AssessmentRow | None  # the open assessment; None: a new one is started
    named: int | None  # the assessment the file was exported from
    update: AnswersImport


@dataclass(frozen=True)
class DomainProgress:
    domain: Domain
    answered: int
    applicable: int
    to_confirm: int = 0


@dataclass
class Questionnaire:
    """The open assessment: its bank, the profile, the answers so far and skip logic."""

    store: Store
    row: AssessmentRow
    bank: Bank
    profile: Profile
    answers: dict[AnswerKey, Answer]
    on_change: Callable[[], None] = field(default=lambda: None, repr=False)
    # Answers copied from the last assessment and not yet confirmed.
    carried: set[AnswerKey] = field(default_factory=set)
    # Where an answer the profile contradicts is pointed out as it is given.
    warn: Callable[[str], None] = field(default=lambda _: None, repr=False)
    # Answers checked against a platform's user list (the store drops a mark when the value
    # changes, and so does this copy).
    verified: dict[AnswerKey, Verified] = field(default_factory=dict)

    @cached_property
    def slots(self) -> list[Slot]:
        """What is asked now, in order, after skip logic on the current answers."""
        return applicable_slots(self.bank, self.profile, self.answers)

    def slot(self, key: AnswerKey) -> Slot | None:
        return next((slot for slot in self.slots if slot.key == key), None)

    def index_of(self, key: AnswerKey | None) -> int:
        """The position of `key` in the questionnaire, or of the nearest earlier slot."""
        keys = [slot.key for slot in self.slots]
        if key in keys:
            return keys.index(key)
        order = [q.id for q in self.bank.questions]
        if key is not None and key[0] in order:
            rank = order.index(key[0])
            earlier = [i for i, s in enumerate(self.slots) if order.index(s.question.id) <= rank]
            if earlier:
                return earlier[-1]
        return 0

    def answer(
        self, slot: Slot, raw: str, *, note: str | None = None, evidence: str | None = None
    ) -> Answer:
        """Validate and save `raw` for `slot`, keeping its note and evidence unless given."""
        value = normalise_value(slot.question, raw)
        previous = self.answers.get(slot.key)
        answer = Answer(
            question_id=slot.question.id,
            system_key=slot.key[1],
            value=value,
            note=clean(note).strip() if note is not None else (previous.note if previous else ""),
            evidence=(
                clean(evidence).strip()
                if evidence is not None
                else (previous.evidence if previous else "")
            ),
        )
        self.store.save_answer(self.row.id, answer)
        self._changed(slot.key, answer)
        if notice := answer_notice(self.bank, self.profile, slot.question, value):
            self.warn(notice)
        return answer

    def clear(self, slot: Slot) -> None:
        self.store.clear_answer(self.row.id, slot.key)
        self._changed(slot.key, None)

    def _changed(self, key: AnswerKey, answer: Answer | None) -> None:
        previous = self.answers.get(key)
        if answer is None or previous is None or previous.value != answer.value:
            self.verified.pop(key, None)
        if answer is None:
            self.answers.pop(key, None)
        else:
            self.answers[key] = answer
        self.carried.discard(key)  # answering again confirms
        self.__dict__.pop("slots", None)
        self.on_change()

    def unconfirmed(self) -> list[Slot]:
        """Asked slots whose answer was carried from last time and not yet confirmed."""
        return [slot for slot in self.slots if slot.key in self.carried]

    def confirm(self, slots: list[Slot]) -> int:
        """Confirm these carried answers as still true; returns how many there were."""
        keys = [slot.key for slot in slots if slot.key in self.carried]
        if keys:
            self.store.confirm_answers(self.row.id, keys)
            self.carried.difference_update(keys)
            self.on_change()
        return len(keys)

    def confirm_domain(self, domain_id: str) -> int:
        """Confirm every carried answer in one area at once."""
        return self.confirm([s for s in self.unconfirmed() if s.question.domain == domain_id])

    def remember(self, key: AnswerKey) -> None:
        """Record where the owner is, so a restart resumes at this question."""
        self.store.set_resume_point(self.row.id, key)

    def resume_index(self) -> int:
        """Where to start: the remembered question, else the first unanswered one."""
        point = self.store.resume_point(self.row.id)
        if point is not None:
            return self.index_of(point)
        return self.next_unanswered(-1) or 0

    def next_unanswered(self, after: int) -> int | None:
        """The first unanswered slot after position `after`, wrapping round."""
        count = len(self.slots)
        for step in range(1, count + 1):
            index = (after + step) % count
            if self.slots[index].key not in self.answers:
                return index
        return None

    def progress(self) -> list[DomainProgress]:
        """Answered, applicable and still-to-confirm slots per domain, in bank order."""
        counts: dict[str, list[int]] = {domain.id: [0, 0, 0] for domain in self.bank.domains}
        for slot in self.slots:
            tally = counts[slot.question.domain]
            tally[0] += slot.key in self.answers
            tally[1] += 1
            tally[2] += slot.key in self.carried
        return [DomainProgress(d, *counts[d.id]) for d in self.bank.domains if counts[d.id][1]]

    @property
    def answered(self) -> int:
        return sum(slot.key in self.answers for slot in self.slots)


@dataclass(frozen=True)
class BankChange:
    """How the questions changed since the assessment answers were carried from."""

    before: str
    after: str
    new_questions: tuple[str, ...]
    retired_questions: tuple[str, ...]


@dataclass(frozen=True)
class Trend:
    """One completed assessment, for charts and the history list."""

    row: AssessmentRow
    score: float
    completed: dt.date


class Session:
    """One open database, the organisation being looked at, and what is computed from it."""

    def __init__(
        self,
        store: Store,
        user_banks: Path | None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        org_ref: str | None = None,
        stale_after_days: int = DEFAULT_STALE_DAYS,
        demo: bool = False,
        warn: Warn | None = None,
        month_hours: float | None = None,
        budget_source: str = "",
    ) -> None:
        self.store = store
        # The plan's monthly effort budget when set (config.toml or this run); None: staff count.
        self.month_hours, self.budget_source = month_hours, budget_source
        # Where warnings go (stderr by default; the app shows them as notifications).
        self.warn: Warn = warn or Warnings()
        self.demo = demo  # the built-in demo database: exports say so
        self.user_banks = user_banks
        self.today = today
        self.stale_after_days = stale_after_days
        self._cache: dict[int, Assessed] = {}
        self._questionnaire: Questionnaire | None = None
        self._plan_behind = False  # answers changed since the plan was last stored
        orgs = store.organisations()
        self.org: OrganisationRow | None = None
        if orgs:
            self.org = store.find_organisation(org_ref) if org_ref else orgs[0]

    # Organisations -------------------------------------------------------

    def organisations(self) -> list[OrganisationRow]:
        return self.store.organisations()

    def choose(self, org_id: int) -> None:
        self.org = next(o for o in self.store.organisations() if o.id == org_id)
        self._forget()

    def require_org(self) -> OrganisationRow:
        if self.org is None:
            raise StoreError("no organisation yet: set one up first", 1)
        return self.org

    @property
    def profile(self) -> Profile:
        return self.store.profile(self.require_org().id)

    def save_profile(self, profile: Profile, *, new: bool = False) -> OrganisationRow:
        """Create an organisation (when `new` or none yet) or update the current one."""
        if new or self.org is None:
            org_id = self.store.create_organisation(profile)
        else:
            org_id = self.org.id
            self.store.update_profile(org_id, profile)
        self.choose(org_id)
        return self.require_org()

    # Assessments ---------------------------------------------------------

    def assessments(self) -> list[AssessmentRow]:
        return self.store.assessments(self.require_org().id)

    def open_assessment(self) -> AssessmentRow | None:
        return self.store.open_assessment(self.require_org().id)

    def completed(self) -> list[Trend]:
        """Completed assessments with their recorded scores, oldest first."""
        return [
            Trend(row, row.score, parse_day(row.completed_at))
            for row in self.assessments()
            if row.completed_at is not None and row.score is not None
        ]

    def next_due(self) -> dt.date | None:
        """A quarter after the last completed assessment (None before the first)."""
        done = self.completed()
        return add_months(done[-1].completed, 3) if done else None

    def start_assessment(self, bank_id: str | None = None) -> Questionnaire:
        """Start a new assessment (default bank unless named); the open one if there is one.

        Last quarter's answers come along, to confirm.
        """
        org = self.require_org()
        if self.open_assessment() is None:
            start_assessment(self.store, org.id, self.user_banks, bank_id=bank_id or BUILTIN_BANK)
            self._forget()
        return self.questionnaire()

    # Answers given by question id (the command line and answers files) -----

    def answering_bank(self) -> Bank:
        """The bank new answers are checked against: the open assessment's, else the default."""
        if self.open_assessment() is not None:
            return self.questionnaire().bank
        return default_bank(self.user_banks)

    def answer_question(self, entry: AnswerEntry) -> tuple[AnswerKey, Answer | None, int]:
        """Save (or, for "" or "clear", clear) one answer; (key, answer, assessment id).

        InvalidAnswer says what is wrong with the entry. An assessment is started
        when none is open; the plan then follows the answers.
        """
        from pdpa_check.questionnaires.answers_file import check_entry

        bank = self.answering_bank()
        key, answer = check_entry(entry, bank, self.profile)
        if answer is not None:
            self._check_asked(bank, key)
        row_id = self.start_assessment().row.id
        if answer is None:
            self.store.clear_answer(row_id, key)
        else:
            self.store.save_answer(row_id, answer)
            bank = self.answering_bank()
            notice = answer_notice(bank, self.profile, bank.question(key[0]), answer.value)
            if notice:
                self.warn(notice)
        self._forget()
        self.sync_plan()
        return key, answer, row_id

    def _check_asked(self, bank: Bank, key: AnswerKey) -> None:
        """NotAsked when the question does not apply to the organisation with its answers."""
        answers, _ = self._answers_to_compare(self.open_assessment(), bank)
        if any(slot.key == key for slot in applicable_slots(bank, self.profile, answers)):
            return
        from pdpa_check.questionnaires.answers_file import NotAsked

        why = why_not_asked(bank, bank.question(key[0]), self.profile, answers)
        name = for_output(self.require_org().name)
        raise NotAsked(f"does not apply to {name}: {why}; nothing was saved")

    def read_answers_import(
        self, data: bytes, source: str, *, other_org: bool = False, confirm: bool = False
    ) -> AnswersImportPreview:
        """What importing an answers file would change; BankError listing every problem.

        A file written for another organisation is refused unless `other_org`;
        carried answers the file gives unchanged are confirmed only with `confirm`.
        """
        from pdpa_check.questionnaires.answers_file import (
            Organisation,
            check_organisation,
            compare_import,
            parse_answers_file,
        )

        bank, org = self.answering_bank(), self.require_org()
        parsed = parse_answers_file(data, source, bank, self.profile)
        header = parsed.header
        into = Organisation(self.profile.name, org.uid)
        check_organisation(
            source, header.organisation, header.organisation_id, into, other_org=other_org
        )
        row = self.open_assessment()
        stored, carried = self._answers_to_compare(row, bank)
        update = compare_import(parsed, bank, self.profile, stored, carried, confirm=confirm)
        return AnswersImportPreview(org, row, header.assessment, update)

    def _answers_to_compare(
        self, row: AssessmentRow | None, bank: Bank
    ) -> tuple[dict[AnswerKey, Answer], set[AnswerKey]]:
        """The answers an import lands on: the open assessment's, or those a new one carries."""
        if row is not None:
            q = self.questionnaire()
            return dict(q.answers), set(q.carried)
        done = [r for r in self.assessments() if r.completed_at is not None]
        last = self.store.answers(done[-1].id) if done else {}
        carried_over = {key: a for key, a in last.items() if key[0] in bank.questions_by_id}
        return carried_over, set(carried_over)

    def answers_file(self) -> tuple[str, list[Slot]]:
        """The answers file to fill in and the slots it holds (follow-ups included).

        It holds what an import would land on: the open assessment's answers, or
        the latest completed one's, which a new assessment would carry (to confirm).
        """
        from pdpa_check.questionnaires.answers_file import Organisation, render_answers_file

        org, profile = self.require_org(), self.profile
        row = self.current()
        bank = bank_of(self.store, row, self.user_banks, warn=self.warn) if row else None
        bank = bank or default_bank(self.user_banks)
        open_row = self.open_assessment()
        stored, carried = self._answers_to_compare(open_row, bank) if row else ({}, set())
        meta = self.store.answer_meta(row.id) if row else {}
        marks = {key: about.verified for key, about in meta.items() if about.verified}
        slots = slots_with_follow_ups(bank, profile)
        into = Organisation(profile.name, org.uid)
        content = render_answers_file(
            bank, slots, stored, into, row.id if row else None, carried=carried, verified=marks
        )
        return content, slots

    def apply_answers_import(self, preview: AnswersImportPreview) -> tuple[int, Path | None]:
        """Import checked answers in one transaction: (assessment id, backup taken first or None).

        A verified backup is made before answers already given are changed or cleared.
        """
        from pdpa_check.store.backups import BEFORE_IMPORT, make_backup

        update = preview.update
        backup = None
        if update.touches_existing:
            backup = make_backup(self.store.conn, self.store.path, BEFORE_IMPORT)
        row_id = self.start_assessment().row.id
        self.store.replace_answers(row_id, update.to_save(), update.to_clear())
        self._forget()
        self.sync_plan()
        return row_id, backup

    def read_user_list(
        self, path: Path, *, system_key: str | None = None, dormant_days: int | None = None
    ) -> UserListPreview:
        """What a platform's user list would change; UserListError names the file and line.

        The list is for `system_key`, or the one profile system its platform can be.
        """
        from pdpa_check.questionnaires.loader import input_name
        from pdpa_check.questionnaires.platforms import builtin_catalogue
        from pdpa_check.questionnaires.user_list_formats import builtin_formats
        from pdpa_check.questionnaires.user_lists import (
            DORMANT_DAYS,
            propose_answers,
            read_user_list,
        )
        from pdpa_check.services.user_lists import (
            UserListPreview,
            choose_system,
            proposed_answers,
        )

        days = dormant_days or DORMANT_DAYS
        found = read_user_list(path, builtin_formats(), today=self.today(), dormant_days=days)
        profile, bank = self.profile, self.answering_bank()
        system = choose_system(found, input_name(path), profile, builtin_catalogue(), system_key)
        row = self.open_assessment()
        stored, _ = self._answers_to_compare(row, bank)
        asked = {slot.key for slot in applicable_slots(bank, profile, stored)}
        platform = builtin_catalogue().find(system.name)
        mfa = platform.fact("mfa") if platform else None
        can_require = mfa is None or mfa.can != "partly"  # "partly": each login turns it on
        proposals = propose_answers(found, bank, system.key, mfa_can_be_required=can_require)
        not_asked = {
            p.question_id: why_not_asked(bank, bank.question(p.question_id), profile, stored)
            for p in proposals
            if (p.question_id, p.system_key) not in asked
        }
        answers = proposed_answers(proposals, bank, stored, not_asked)
        return UserListPreview(self.require_org(), system, found, answers, row)

    def apply_user_list(self, preview: UserListPreview) -> tuple[int, Path | None]:
        """Keep the list's checklist and save its answers, marked verified, in one transaction.

        (assessment id, the backup taken first or None): a verified backup is made
        before answers already given get another value.
        """
        from pdpa_check.store.backups import BEFORE_IMPORT, make_backup
        from pdpa_check.store.db import now

        backup = None
        if preview.touches_existing:
            backup = make_backup(self.store.conn, self.store.path, BEFORE_IMPORT)
        row_id = self.start_assessment().row.id
        meta = self.store.answer_meta(row_id)
        verified_now = {key: about.verified is not None for key, about in meta.items()}
        answers = preview.to_save(verified_now)
        self.store.save_user_list(preview.org.id, row_id, preview.row(now()), answers)
        self._forget()
        self.sync_plan()
        return row_id, backup

    def user_lists(self) -> dict[str, UserListRow]:
        """The latest user list kept for each system, by system key."""
        return self.store.user_lists(self.require_org().id)

    def forget_user_list(self, system_key: str) -> None:
        """Delete the names kept from a system's list; the plan stops naming them."""
        self.store.forget_user_list(self.require_org().id, system_key)
        self._forget()

    def questionnaire(self) -> Questionnaire:
        """The open assessment's questionnaire; an error when none is open."""
        row = self.open_assessment()
        if row is None:
            raise StoreError("no assessment is open: start one first", 1)
        if self._questionnaire is None or self._questionnaire.row.id != row.id:
            bank = bank_of(self.store, row, self.user_banks, warn=self.warn)
            meta = self.store.answer_meta(row.id)
            self._questionnaire = Questionnaire(
                self.store,
                row,
                bank,
                self.profile,
                self.store.answers(row.id),
                on_change=partial(self._answers_changed, row.id),
                carried={key for key, about in meta.items() if about.carried},
                warn=lambda message: self.warn(message),  # the app swaps in its own
                verified={key: about.verified for key, about in meta.items() if about.verified},
            )
        return self._questionnaire

    def bank_change(self, row: AssessmentRow | None = None) -> BankChange | None:
        """New and retired questions when `row` uses another bank version than its predecessor."""
        row = row or self.current()
        if row is None or row.carried_from is None:
            return None
        previous = self.store.assessment(row.organisation_id, row.carried_from)
        if (previous.bank_id, previous.bank_version) == (row.bank_id, row.bank_version):
            return None
        old = bank_of(self.store, previous, self.user_banks, warn=self.warn)
        new = bank_of(self.store, row, self.user_banks, warn=self.warn)
        old_ids = {q.id for q in old.questions}
        new_ids = {q.id for q in new.questions}
        return BankChange(
            before=f"{previous.bank_id} {previous.bank_version}",
            after=f"{row.bank_id} {row.bank_version}",
            new_questions=tuple(q.id for q in new.questions if q.id not in old_ids),
            retired_questions=tuple(q.id for q in old.questions if q.id not in new_ids),
        )

    def unconfirmed(self, row: AssessmentRow | None = None) -> int:
        """How many asked questions still have an answer carried from last time, unconfirmed."""
        return len(carried_keys(self.store, self.assessed(row)))

    def stale_answers(self, row: AssessmentRow | None = None) -> set[AnswerKey]:
        """Answers last confirmed more than `stale_after_days` ago."""
        row = row or self.current()
        if row is None:
            return set()
        limit = self.today() - dt.timedelta(days=self.stale_after_days)
        return {
            key
            for key, about in self.store.answer_meta(row.id).items()
            if parse_day(about.confirmed_at or about.answered_at) < limit
        }

    def complete_assessment(self) -> Assessed:
        from pdpa_check.store.backups import COMPLETED, auto_backup

        row = self.open_assessment()
        if row is None:
            raise StoreError("no assessment is open", 1)
        assessed = self.assessed(row)
        result = assessed.result
        self.store.complete_assessment(
            row.id, result.score, result.band.id, areas=result.domains, plan=assessed.plan
        )
        self._forget()
        self.sync_plan()
        completed = self.assessed(self.store.assessment(row.organisation_id, row.id))
        auto_backup(self.store, COMPLETED)  # a verified copy of every finished quarter
        return completed

    def current(self) -> AssessmentRow | None:
        """The open assessment, else the latest completed one."""
        return self.store.current_assessment(self.require_org().id)

    def assessed(self, row: AssessmentRow | None = None) -> Assessed:
        """Score and plan for `row` (default: the current assessment), cached until it changes."""
        row = row or self.current()
        if row is None:
            raise StoreError("no assessment yet: start one first", 1)
        if row.id not in self._cache:
            self._cache[row.id] = assess(
                self.store,
                self.require_org(),
                row,
                self.user_banks,
                warn=self.warn,
                month_hours=self.month_hours,
                budget_source=self.budget_source,
            )
        return self._cache[row.id]

    def _answers_changed(self, assessment_id: int) -> None:
        self._invalidate(assessment_id)
        self._plan_behind = True

    def settle_plan(self) -> None:
        """Store what answers given since the last call did to the plan (see `sync_plan`).

        Called when the owner leaves the questions, not after each answer, so
        answering stays fast; until then every read shows the plan as it will be.
        """
        if self._plan_behind:
            self.sync_plan()

    def _invalidate(self, assessment_id: int) -> None:
        self._cache.pop(assessment_id, None)

    def _forget(self) -> None:
        self._cache.clear()
        self._questionnaire = None

    # Plan ----------------------------------------------------------------

    def plan_states(self) -> dict[str, PlanItemState]:
        """Each plan item's state as the current answers make it.

        Reading never writes: changes `sync_plan` would store (an item closed
        because its gap closed, reopened, an accepted risk due for review) are
        applied here in memory only.
        """
        stored = self.store.plan_states(self.require_org().id)
        if self.current() is None:
            return stored
        pending = reconcile(self.assessed().plan, stored, self.today())
        for change in pending:
            stored[change.item_id] = replace(
                stored[change.item_id], status=change.status, auto_closed=change.auto_closed
            )
        return stored

    def _states_for(self, row: AssessmentRow) -> dict[str, PlanItemState]:
        """The current assessment's states as its answers make them; an older one's as stored."""
        if row == self.current():
            return self.plan_states()
        return self.store.plan_states(self.require_org().id)

    def update_plan_item(self, ref: str, **changes: str | None) -> list[str]:
        """Change an entry (every system of it) or one item by id; the item ids changed.

        An id the current plan does not know is stored as given (an item whose
        gap has closed can still get an owner or a note).
        """
        targets = self.assessed().plan.targets(ref) if self.current() is not None else ()
        ids = [item.id for item in targets] or [ref]
        self.update_plan_items(ids, **changes)
        return ids

    def update_plan_items(self, item_ids: Iterable[str], **changes: str | None) -> None:
        """Change exactly these items (by their stable per-system ids)."""
        self.sync_plan()  # the owner's change lands on the state they were shown
        self.store.update_plan_items(self.require_org().id, list(item_ids), **changes)

    def open_items(self, plan: Plan) -> list[PlanItem]:
        """Plan items not yet marked done or accepted."""
        states = self.plan_states()
        return [
            item
            for item in plan.items
            if item.id not in states or states[item.id].status not in CLOSED_STATUSES
        ]

    def open_entries(self, plan: Plan) -> list[PlanEntry]:
        """Plan entries not yet done or accepted on every system (their derived status)."""
        states = self.plan_states()
        return [e for e in plan.entries if entry_status(e, states) not in CLOSED_STATUSES]

    def sync_plan(self) -> list[ItemChange]:
        """Store the closing, reopening or return of plan items the current answers call for.

        A write: called after answers change, when an assessment completes and
        before a plan item is changed, never from a read.
        """
        if self.current() is None:
            return []
        org_id = self.require_org().id
        stored = self.store.plan_states(org_id)
        changes = reconcile(self.assessed().plan, stored, self.today())
        self._plan_behind = False
        for change in changes:
            self.store.change_plan_item(
                org_id,
                change.item_id,
                {"status": change.status},
                by=AUTO,
                note=change.note,
                auto_closed=change.auto_closed,
            )
        return changes

    def done_but_open(self) -> list[str]:
        """Items marked done whose gap the current answers still show."""
        return done_but_open(self.assessed().plan, self.plan_states())

    def what_if(self, assumed_done: Iterable[str]) -> float:
        """The score if the plan items (or whole entries) with these ids were done."""
        assessed = self.assessed()
        chosen = {item.id for ref in assumed_done for item in assessed.plan.targets(ref)}
        items = [item for item in assessed.plan.items if item.id in chosen]
        from pdpa_check.scoring.plan import projected_score

        return projected_score(assessed.bank, assessed.profile, assessed.answers, items)

    # The vendor round trip -------------------------------------------------

    def _answer_context(self) -> tuple[list[Slot], dict[AnswerKey, Answer]]:
        """The questions and answers vendor answers apply to: the open assessment's if any."""
        if self.open_assessment() is not None:
            q = self.questionnaire()
            return q.slots, q.answers
        assessed = self.assessed()
        return (
            applicable_slots(assessed.bank, assessed.profile, assessed.answers),
            dict(assessed.answers),
        )

    def vendor_file(self) -> str:
        """The TOML file to send to the IT vendor (redacted: no internal notes)."""
        from pdpa_check.exports.vendor import render_vendor_file

        slots, _ = self._answer_context()
        return render_vendor_file(
            self.assessed(), self.plan_states(), slots, self.today(), demo=self.demo
        )

    def read_vendor_update(
        self, data: bytes, source: str, *, other_org: bool = False
    ) -> VendorUpdate:
        """What the vendor's file would change; BankError listing every problem if invalid.

        A file written for another organisation is refused unless `other_org`.
        """
        from pdpa_check.exports.vendor import read_vendor_file

        slots, answers = self._answer_context()
        open_row = self.open_assessment()
        return read_vendor_file(
            data,
            source,
            self.assessed(),
            self.plan_states(),
            slots,
            answers,
            answers_into=open_row.id if open_row else None,
            other_org=other_org,
        )

    def apply_vendor_update(self, update: VendorUpdate, source: str) -> None:
        """Apply a checked update, recording the vendor's file as who made each change."""
        self.sync_plan()  # the stored states are those the update was checked against
        org_id = self.require_org().id
        by = f"vendor file {Path(source).name}"
        for change in update.items:
            self.store.change_plan_item(
                org_id, change.item_id, change.fields, by=by, note="from the vendor's file"
            )
        if update.answers:
            q = self.start_assessment()  # the open one, or a new one carrying answers forward
            for given in update.answers:
                slot = q.slot(given.slot.key)
                if slot is not None:
                    q.answer(
                        slot,
                        given.answer.value,
                        note=given.answer.note,
                        evidence=given.answer.evidence,
                    )
        self.sync_plan()

    # Breach kit ----------------------------------------------------------

    def contacts(self) -> dict[str, Contact]:
        return self.store.contacts(self.require_org().id)

    def set_contact(self, contact: Contact) -> None:
        self.store.set_contact(self.require_org().id, contact)

    def clear_contact(self, role: str) -> None:
        self.store.clear_contact(self.require_org().id, role)

    def incidents(self) -> list[IncidentRow]:
        return self.store.incidents(self.require_org().id)

    def save_incident(self, facts: IncidentFacts, incident_id: int | None = None) -> int:
        return self.store.save_incident(self.require_org().id, facts, incident_id)

    def kit_context(self) -> KitContext:
        """What the kit documents are built from: profile, contacts, current answers."""
        from pdpa_check.kit.context import KitContext

        row = self.current()
        if row is None:
            bank = default_bank(self.user_banks)
            return KitContext(self.today(), self.profile, self.contacts(), bank.id, bank.version)
        assessed = self.assessed(row)
        return KitContext(
            self.today(),
            assessed.profile,
            self.contacts(),
            assessed.bank.id,
            assessed.bank.version,
            assessment_id=row.id,
            answers=assessed.answers,
            result=assessed.result,
        )

    # Exports -------------------------------------------------------------

    def report(self, *, redact: bool, row: AssessmentRow | None = None) -> Report:
        """The export of `row` (default: current), with what changed since the one before."""
        assessed = self.assessed(row)
        states = self._states_for(assessed.assessment)
        return make_report(
            self.store,
            assessed,
            states,
            self.today(),
            redact=redact,
            since_last=self.since_last(assessed, states),
            demo=self.demo,
        )

    def previous(self, row: AssessmentRow) -> AssessmentRow | None:
        """The completed assessment before `row`, if any."""
        earlier = [
            other
            for other in self.assessments()
            if other.completed_at is not None
            and other.id != row.id
            and (other.started_at, other.id) < (row.started_at, row.id)
        ]
        return earlier[-1] if earlier else None

    def since_last(self, assessed: Assessed, states: Mapping[str, PlanItemState]) -> list[str]:
        """Plain sentences on what changed since the previous completed assessment; overdue
        items are counted from `states`, the plan states the report shows."""
        from pdpa_check.services.changes import changes_between, overdue_items, summary

        before = self.previous(assessed.assessment)
        if before is None:
            return []
        changes = changes_between(self.assessed(before), assessed)
        late = overdue_items(assessed, states, self.today())
        unconfirmed = self.unconfirmed(assessed.assessment)
        return summary(changes, overdue=len(late), unconfirmed=unconfirmed)
