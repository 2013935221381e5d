"""The report as CommonMark with GFM tables, for people.

Two documents from the same report. The default is what a vendor reads in ten
minutes: the summary, This month in full, the later horizons one line per item,
the questions for the vendor, then appendices (the Cyber Essentials tally, where
points were lost). `full=True` expands everything (every item's steps, the
measure-by-measure questions, scores by area, what is coming).

All text that did not come from this module (names, notes, bank wording) goes
through `inline()`, so it renders as literal text: it cannot open a heading,
list, link, image, HTML block or an extra table cell; `finish()` then drops the
backslashes that change nothing, so the raw file reads well too.
"""

from __future__ import annotations

from pdpa_check.exports.document import (
    DISCLAIMER,
    EFFORT_LABELS,
    OWNER_LABELS,
    STATUS_LABELS,
    Finding,
    Report,
    findings,
)
from pdpa_check.exports.escape import finish, inline
from pdpa_check.questionnaires.measures import CAVEAT
from pdpa_check.questionnaires.platforms import GENERIC, SystemSteps
from pdpa_check.questionnaires.profile import SECTORS, SITE_BUILD_WORDS, staff_words
from pdpa_check.scoring.lifecycle import DONE_BUT_OPEN, DONE_FLAG
from pdpa_check.scoring.measures import STATUS_WORDS, MeasureResult, maps_measures
from pdpa_check.scoring.result import HORIZONS, Person, PlanEntry, PlanItem
from pdpa_check.scoring.rounding import shown_score
from pdpa_check.scoring.wording import failing_systems, summary_text

# Near the top of a plan built from the demo database, so nobody mistakes it for theirs.
DEMO_NOTICE = (
    "> **Demo:** this is the built-in demo organisation, not your business. "
    "Create your own with `pdpa-check org create NAME`."
)


# The section after This month that holds its steps platform by platform.
MONTH_PLATFORMS = "This month on each platform"


def render_markdown(report: Report, *, full: bool = False) -> str:
    """The plan document: the short one a vendor reads, or with `full` everything expanded."""
    return finish(_full(report) if full else _brief(report))


def _brief(report: Report) -> str:
    parts = [
        _header(report),
        _summary(report, brief=True),
        _this_month(report),
        _month_platforms(report),
        _later(report),
        _vendor_questions(report),
        _measure_tally(report),
        _findings(report, appendix=True),
        "## About this score\n\n" + DISCLAIMER + "\n",
    ]
    return "\n".join(part for part in parts if part)


def _full(report: Report) -> str:
    parts = [
        _header(report),
        _summary(report),
        _since_last(report),
        _domains(report),
        _critical(report),
        _measures(report),
        _plan(report),
        _vendor_questions(report),
        _findings(report),
        _upcoming(report),
        "## About this score\n\n" + DISCLAIMER + "\n",
    ]
    return "\n".join(part for part in parts if part)


def _header(report: Report) -> str:
    profile = report.profile
    status = (
        "completed " + report.assessment.completed_at[:10]
        if report.assessment.completed_at
        else "in progress"
    )
    systems = ", ".join(inline(s.name) for s in profile.systems) or "none listed"
    lines = [
        f"# PDPA readiness plan: {inline(profile.name)}",
        "",
        f"- **Generated:** {report.generated_on.isoformat()} by pdpa-check {report.tool_version}",
        f"- **Question bank:** {inline(report.bank.title)} ({report.bank.id} "
        f"{report.bank.version})",
        f"- **Assessment:** #{report.assessment.id}, started "
        f"{report.assessment.started_at[:10]}, {status}",
        f"- **Organisation:** {staff_words(profile.staff_count)}, {SECTORS[profile.sector]}"
        + (
            f", own website {SITE_BUILD_WORDS[profile.site_build]}"
            if profile.has_website
            else ", sells without a website of its own"
        ),
        f"- **Systems holding customer data:** {systems}",
    ]
    if report.redacted:
        lines.append("- **Redacted:** internal notes and evidence are left out of this copy")
    if report.demo:
        lines[1:1] = ["", DEMO_NOTICE]
    return "\n".join(lines) + "\n"


def _summary(report: Report, *, brief: bool = False) -> str:
    result = report.result
    band = f"**{result.band.name}**"
    if result.capped_by:
        capped = report.bank.question(result.capped_by)
        failing = failing_systems(result.question(result.capped_by))
        band += (
            f" (the average alone would be {result.uncapped_band.name}; capped because a "
            f"critical control failed: {inline(summary_text(capped, failing))})"
        )
    month = (
        f"- **If This month's items are done:** {shown_score(report.projected_after_month)} / 100\n"
        if brief and report.plan.entries_in("this-month")
        else ""
    )
    text = (
        "## Summary\n\n"
        f"- **Readiness score:** {shown_score(result.score)} / 100, {band}\n"
        + "".join(f"- **Check:** {inline(notice)}\n" for notice in result.notices)
        + month
        + "- **If every item in this plan is done:** "
        f"{shown_score(report.plan.projected_score)} / 100"
        + (" (unanswered questions hold the rest)" if result.unanswered else "")
        + "\n"
        f"- **Answered:** {result.answered} of {result.applicable} "
        f'({result.unknown} "Don\'t know", {result.unanswered} not answered)\n'
        f"- **Confidence:** {result.confidence:.0%} of applicable questions have a "
        "definite answer\n"
        + _verified_line(report)
        + (
            f"- **Carried from last time, not yet confirmed:** {report.unconfirmed} "
            f"answer{'s' * (report.unconfirmed != 1)}\n"
            if report.unconfirmed
            else ""
        )
        + (
            f"- **Cyber Essentials (indicative):** {report.measure_tally.met} of "
            f"{report.measure_tally.total} measures met "
            f"(see {'the appendix' if brief else 'below'})\n"
            if maps_measures(report.bank)
            else ""
        )
    )
    return text + (_summary_lists(report) if brief else "")


def _verified_line(report: Report) -> str:
    """How many answers a platform's user list backs; the rest are the owner's word."""
    count = len(report.verified)
    if not count:
        return ""
    lists = sorted({f"{mark.format} of {mark.file_date}" for mark in report.verified.values()})
    answers = f"{count} answer{'s' * (count != 1)}"
    return (
        f"- **Verified from user lists:** {answers} ({inline('; '.join(lists))});"
        " every other answer is your own word\n"
    )


def _summary_lists(report: Report) -> str:
    """The critical gaps and the changes since last time, one line each."""
    failures = [report.result.question(qid) for qid in report.result.critical_failures]
    lines = ["- **Critical gaps:** " + ("none" if not failures else str(len(failures)))]
    for outcome in failures:
        question = report.bank.question(outcome.question_id)
        lines.append(f"  - {inline(summary_text(question))} {inline(outcome.reason)}")
    if report.since_last:
        lines.append("- **Since last time:**")
        lines += [f"  - {inline(line)}" for line in report.since_last]
    return "\n".join(lines) + "\n"


def _since_last(report: Report) -> str:
    if not report.since_last:
        return ""
    lines = ["## Since last time", ""] + [f"- {inline(line)}" for line in report.since_last]
    return "\n".join(lines) + "\n"


def _domains(report: Report) -> str:
    rows = [
        "## Scores by area",
        "",
        "| Area | Weight | Score | Answered | Points lost |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for domain in report.result.domains:
        score = "n/a" if domain.score is None else str(shown_score(domain.score))
        rows.append(
            f"| {inline(domain.title)} | {domain.weight} | {score} | "
            f"{domain.answered} / {domain.applicable} | {domain.points_lost:.1f} |"
        )
    return "\n".join(rows) + "\n"


def _critical(report: Report) -> str:
    failures = [report.result.question(qid) for qid in report.result.critical_failures]
    if not failures:
        return "## Critical gaps\n\nNone: every critical control is in place.\n"
    lines = ["## Critical gaps", ""]
    for outcome in failures:
        question = report.bank.question(outcome.question_id)
        lines.append(f"- **{inline(summary_text(question))}** {inline(outcome.reason)}")
    return "\n".join(lines) + "\n"


def _measures(report: Report) -> str:
    if not maps_measures(report.bank):
        return ""
    count = report.measure_tally
    lines = [
        "## Cyber Essentials measures (indicative)",
        "",
        f"**{count.met} of {count.total} measures met** ({count.assessed} assessed). A measure "
        "is met when every applicable question mapped to it has full marks; it is not assessed "
        "when none of them applies.",
        "",
    ]
    for measure in report.measures:
        lines += _measure_lines(report, measure)
    lines += ["", CAVEAT]
    return "\n".join(lines) + "\n"


def _measure_lines(report: Report, measure: MeasureResult) -> list[str]:
    head = f"- **{STATUS_WORDS[measure.status]}** {measure.label}"
    if measure.status == "not_assessed":
        return [head + ": no applicable question maps to it"]
    if measure.status == "met":
        return [head]
    lines = [head + ". Short of full marks:"]
    for question_id in measure.short_of:
        question = report.bank.question(question_id)
        reason = report.result.question(question_id).reason
        lines.append(f"  - {inline(summary_text(question))} — {inline(reason)}")
    return lines


def _upcoming(report: Report) -> str:
    upcoming = report.bank.upcoming
    if not upcoming:
        return ""
    lines = [
        "## Coming, not scored",
        "",
        "Obligations passed into law but not in force yet, as far as published sources show. "
        "They are not part of the score.",
        "",
    ]
    for entry in upcoming:
        line = f"- **{inline(entry.title)}:** {inline(entry.text)}"
        if entry.references:
            line += " References: " + "; ".join(inline(r) for r in entry.references)
        lines.append(line)
    return "\n".join(lines) + "\n"


def _plan(report: Report) -> str:
    if not report.plan.items:
        return "## Plan\n\nNo gaps found in the answers given.\n"
    lines = ["## Plan", ""]
    note = report.plan.capacity.over_budget_note
    if note:
        lines += [f"**{inline(note)}**", ""]
    rank = 0
    for horizon, title in HORIZONS.items():
        items = report.plan.by_horizon(horizon)
        lines += [f"### {title}", ""]
        if not items:
            lines += ["Nothing here.", ""]
        for item in items:
            rank += 1
            lines += _plan_item(report, item, rank)
    return "\n".join(lines)


def _plan_item(report: Report, item: PlanItem, rank: int, level: str = "####") -> list[str]:
    action, state = item.action, report.status_of(item.id)
    title = inline(action.title) + (f" ({inline(item.system_name)})" if item.system_name else "")
    facts = [
        f"**Uplift:** +{item.uplift:.1f} points",
        f"**Effort:** {EFFORT_LABELS[action.effort]}",
        f"**Who:** {OWNER_LABELS[action.owner]}",
        f"**Vendor can do it:** {'yes' if action.vendor_doable else 'no'}",
        f"**Status:** {_status(report, item.id)}",
    ]
    if item.check_first:
        facts.insert(0, '**Check first** (answered "Don\'t know": it may already be done)')
    if item.critical:
        facts.insert(0, "**CRITICAL**")
    if state.owner:
        facts.append(f"**Owner:** {inline(state.owner)}")
    if state.due_date:
        facts.append(f"**Due:** {inline(state.due_date)}")
    lines = [
        f"{level} {rank}. {title}",
        "",
        f"`{item.id}`: " + " · ".join(facts),
        "",
        f"Why: {inline(action.why)}",
        "",
    ]
    lines += [f"{n}. {inline(step)}" for n, step in enumerate(action.steps, 1)]
    entry = report.plan.entry_of(item.id)
    lines += _platform_lines(entry.platform_steps_for(item) if entry else ())
    chase = _people_line(entry.people_for(item)) if entry and not report.redacted else ""
    lines += ["", chase.removeprefix("- ")] if chase else []
    lines.append("")
    if action.references:
        lines += ["References: " + "; ".join(inline(r) for r in action.references), ""]
    return lines


def _status(report: Report, item_id: str, *, short: bool = False) -> str:
    """An item's status in words; "DONE?" when marked done while its gap is still open."""
    if item_id in report.done_but_open:
        return f"**{DONE_FLAG}** " + (
            "(the answers still show the gap)" if short else DONE_BUT_OPEN
        )
    state = report.status_of(item_id)
    return STATUS_LABELS.get(state.status, state.status)


def _this_month(report: Report) -> str:
    """This month's fixes, each in full: what a vendor works from."""
    plan = report.plan
    entries = plan.entries_in("this-month")
    lines = ["## This month", ""]
    if not plan.entries:
        return "\n".join([*lines, "No gaps found in the answers given.", ""])
    capacity = plan.capacity
    hours = sum(entry.effort_hours for entry in entries)
    critical = sum(entry.critical for entry in entries)
    intro = (
        f"{len(entries)} fix{'es' * (len(entries) != 1)}"
        + (f" ({critical} critical)" if critical else "")
        + f", about {hours:.0f} hours"
        + (f" of the {capacity.month_hours:g} budgeted a month" if capacity.month_hours else "")
        + ", critical first."
    )
    lines += [intro if entries else "Nothing is due this month.", ""]
    if capacity.over_budget_note:
        lines += [f"**{inline(capacity.over_budget_note)}**", ""]
    for rank, entry in enumerate(entries, 1):
        lines += _entry_detail(report, entry, rank)
    return "\n".join(lines)


def _entry_detail(report: Report, entry: PlanEntry, rank: int) -> list[str]:
    """One fix in full, compact enough that This month prints on about two A4 pages."""
    action = entry.action
    facts = [
        f"**Uplift:** +{entry.uplift:.1f}",
        f"**Effort:** {entry.effort_hours:g} h",
        f"**Who:** {OWNER_LABELS[action.owner].removeprefix('Business ').capitalize()}"
        + (" or IT vendor" if action.vendor_doable and action.owner != "it_vendor" else ""),
        f"**Status:** {_entry_status(report, entry)}",
    ]
    if entry.band_effect is not None:
        facts.insert(1, f"**Band:** {inline(entry.band_effect.text)}")
    if entry.check_first:
        facts.insert(0, '**Check first** (answered "Don\'t know": it may already be done)')
    if entry.critical:
        facts.insert(0, "**CRITICAL**")
    whole = len(entry.items) == 1 and not entry.items[0].system_name
    if whole:  # one org-wide item: its owner and due date fit on the facts line
        facts += _item_facts(report, entry.items[0])
    lines = [f"### {rank}. {inline(action.title)} · `{entry.id}`", ""]
    lines.append("- " + " · ".join(facts))
    if not whole:
        parts = [_system_part(report, entry, item) for item in entry.items]
        lines.append("- **Systems:** " + "; ".join(parts))
    why = f"- **Why:** {inline(action.why)}"
    if action.references:
        why += " **See:** " + "; ".join(inline(r) for r in action.references)
    pointer = _platform_pointer(entry.platform_steps)
    chase = "" if report.redacted else _people_line(entry.people)
    lines += [why, *([pointer] if pointer else []), *([chase] if chase else []), ""]
    lines += [f"{n}. {inline(step)}" for n, step in enumerate(action.steps, 1)]
    return [*lines, ""]


def _people_line(people: tuple[Person, ...]) -> str:
    """`Who to chase: Google Workspace: Ah Kow (no MFA), Siti (admin)`, from the user lists."""
    by_system: dict[str, list[str]] = {}
    for person in people:
        by_system.setdefault(inline(person.system_name), []).append(inline(person.text))
    parts = [f"{system}: {', '.join(names)}" for system, names in by_system.items()]
    return f"- **Who to chase:** {'; '.join(parts)}" if parts else ""


def _platform_pointer(steps: tuple[SystemSteps, ...]) -> str:
    """`Own steps: Shopify, Klaviyo (under This month on each platform)`, or "" when none."""
    known = list(dict.fromkeys(inline(step.system) for step in steps if step.fact))
    return f"- **Own steps:** {', '.join(known)} (under {MONTH_PLATFORMS})" if known else ""


def _month_platforms(report: Report) -> str:
    """This month's steps on each platform, one platform at a time: how a vendor works
    through them (one sign-in per platform), each with its vendor page."""
    entries = report.plan.entries_in("this-month")
    ranked = [(rank, e, s) for rank, e in enumerate(entries, 1) for s in e.platform_steps]
    systems = list(dict.fromkeys(step.system for _, _, step in ranked if step.fact))
    if not systems:
        return ""
    lines = [f"## {MONTH_PLATFORMS}", ""]
    for system in systems:
        lines += [f"**{inline(system)}**", ""]
        for rank, entry, step in ranked:
            if step.system == system and step.fact is not None:
                lines.append(
                    f"- **{inline(entry.action.title)}** (fix {rank}): {inline(step.text)}"
                    + _page_link(step)
                )
        lines.append("")
    return "\n".join(lines)


def _page_link(step: SystemSteps) -> str:
    """` *([Shopify help: "Page"](url), checked 2026-12-04)*`: where the steps come from."""
    if step.fact is None or step.platform is None:
        return ""
    page = inline(f'{step.platform.name} help: "{step.fact.source}"')
    return f" *([{page}]({step.fact.url}), checked {step.fact.checked.isoformat()})*"


def _platform_lines(steps: tuple[SystemSteps, ...]) -> list[str]:
    """Each system's own steps with the vendor page they come from; the systems with none
    on file share one line."""
    if not steps:
        return []
    lines = [""]
    for step in steps:
        if step.fact is not None:
            lines.append(f"- **On {inline(step.system)}:** {inline(step.text)}{_page_link(step)}")
    generic = [inline(step.system) for step in steps if step.fact is None]
    if generic:
        lines.append(f"- **On {', '.join(generic)}:** {GENERIC}")
    return lines


def _system_part(report: Report, entry: PlanEntry, item: PlanItem) -> str:
    """One system of a fix: its name, status, share of the uplift, owner and due date."""
    state = report.status_of(item.id)
    name = inline(item.system_name) if item.system_name else "the whole business"
    part = f"{name}: {_status(report, item.id, short=True)}"
    if len(entry.items) > 1:
        part += f", +{item.uplift:.1f}"
    if state.owner:
        part += f", owner {inline(state.owner)}"
    if state.due_date:
        part += f", due {inline(state.due_date)}"
    return part


def _item_facts(report: Report, item: PlanItem) -> list[str]:
    """An org-wide item's owner, due date and id, for its fix's facts line."""
    state = report.status_of(item.id)
    facts = [f"**Owner:** {inline(state.owner)}"] if state.owner else []
    if state.due_date:
        facts.append(f"**Due:** {inline(state.due_date)}")
    return facts


def _entry_status(report: Report, entry: PlanEntry) -> str:
    """The fix's status from its systems'; DONE? when any system is marked done too early."""
    flagged = [item for item in entry.items if item.id in report.done_but_open]
    words = STATUS_LABELS.get(report.entry_status(entry), "Open")
    return f"**{DONE_FLAG}** {words}" if flagged else words


def _later(report: Report) -> str:
    """The later horizons, one table row per fix."""
    rank = len(report.plan.entries_in("this-month"))
    lines: list[str] = []
    for horizon, title in HORIZONS.items():
        entries = report.plan.entries_in(horizon)
        if horizon == "this-month" or not entries:
            continue
        lines += [f"## {title}", "", "| # | Fix | Systems | Uplift | Effort | Owner | Status |"]
        lines.append("| ---: | --- | --- | ---: | ---: | --- | --- |")
        for entry in entries:
            rank += 1
            lines.append(_later_row(report, entry, rank))
        lines.append("")
    return "\n".join(lines)


def _later_row(report: Report, entry: PlanEntry, rank: int) -> str:
    action = entry.action
    owners = dict.fromkeys(
        report.status_of(item.id).owner for item in entry.items if report.status_of(item.id).owner
    )
    cells = [
        str(rank),
        inline(action.title) + (" (critical)" if entry.critical else ""),
        ", ".join(inline(name) for name in entry.systems) or "whole business",
        f"+{entry.uplift:.1f}",
        f"{entry.effort_hours:g} h",
        ", ".join(inline(owner) for owner in owners) or OWNER_LABELS[action.owner],
        _entry_status(report, entry),
    ]
    return "| " + " | ".join(cells) + " |"


def _measure_tally(report: Report) -> str:
    """The Cyber Essentials measures, one line each: met, or how many questions fall short."""
    if not maps_measures(report.bank):
        return ""
    count = report.measure_tally
    lines = [
        "## Appendix: Cyber Essentials measures (indicative)",
        "",
        f"**{count.met} of {count.total} measures met** ({count.assessed} assessed).",
        "",
    ]
    for measure in report.measures:
        line = f"- {measure.label}: **{STATUS_WORDS[measure.status]}**"
        if measure.status == "not_met":
            short = len(measure.short_of)
            line += f", {short} question{'s' * (short != 1)} short of full marks"
        lines.append(line)
    return "\n".join([*lines, "", CAVEAT]) + "\n"


def _vendor_questions(report: Report) -> str:
    questions = report.plan.vendor_questions
    if not questions:
        return ""
    lines = [
        "## Questions for your IT vendor",
        "",
        'These were answered "Don\'t know". They score 0 until someone checks.',
        "",
    ]
    for vq in questions:
        where = f"{inline(vq.system_name)}: " if vq.system_name else ""
        lines.append(f"- {where}{inline(vq.text)} (`{vq.question_id}`)")
    return "\n".join(lines) + "\n"


# The short document's appendix lists the gaps that cost at least this many points each;
# the rest are counted, and listed in full with `--full`.
APPENDIX_MIN_POINTS = 0.5


def _findings(report: Report, *, appendix: bool = False) -> str:
    found = list(findings(report))
    if not found:
        return ""
    threshold = APPENDIX_MIN_POINTS - 1e-9 if appendix else 0.0  # 1e-9: float noise
    shown = [f for f in found if f.points_lost >= threshold]
    smaller = [f for f in found if f.points_lost < threshold]
    header = [
        f"## {'Appendix: ' if appendix else ''}Where points were lost",
        "",
        "| Question | Answer | Points lost |" + ("" if report.redacted else " Note and evidence |"),
        "| --- | --- | ---: |" + ("" if report.redacted else " --- |"),
    ]
    rows = [_finding_row(report, finding) for finding in shown]
    if smaller:
        lost = sum(f.points_lost for f in smaller)
        rows += [
            "",
            f"And {len(smaller)} smaller gaps, under {APPENDIX_MIN_POINTS} points each"
            f" ({lost:.1f} points in all): every one is in the full plan (`--full`).",
        ]
    return "\n".join(header + rows) + "\n"


def _finding_row(report: Report, finding: Finding) -> str:
    answer, slot = finding.answer, finding.slot
    named = [slot.system_name] if slot.system_name else []
    row = (
        f"| {inline(summary_text(finding.question, named))} | {inline(finding.answer_label)} | "
        f"{finding.points_lost:.1f} |"
    )
    if report.redacted:
        return row
    note = "" if answer is None else _note_text(answer.note, answer.evidence)
    return f"{row} {inline(note)} |"


def _note_text(note: str, evidence: str) -> str:
    return " ".join(part for part in (note, f"Evidence: {evidence}" if evidence else "") if part)
