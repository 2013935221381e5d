"""The report as plain data, rendered as TOML (for tools) or JSON.

Every string passes the output sanitiser; nothing is None (TOML has no null),
so absent values are simply left out.
"""

from __future__ import annotations

import json
from typing import Any

import tomli_w

from pdpa_check.exports.document import DISCLAIMER, Report, findings
from pdpa_check.questionnaires.answers import Verified
from pdpa_check.questionnaires.measures import CAVEAT, measure_info
from pdpa_check.questionnaires.platforms import SystemSteps
from pdpa_check.scoring.result import HORIZONS, Person, PlanItem
from pdpa_check.scoring.rounding import shown_score_tenths
from pdpa_check.support.text import for_output

FORMAT_NAME = "pdpa-check-plan"
# 2: `plan` lists entries (one per fix) with their `systems`, horizon, effort hours and
# band effect; `plan_budget` gives the monthly effort budget the horizons were filled to.
FORMAT_VERSION = 2


def report_data(report: Report) -> dict[str, Any]:
    """The whole report as JSON/TOML-ready data with stable ids."""
    result, profile = report.result, report.profile
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "generated_on": report.generated_on.isoformat(),
        "tool_version": report.tool_version,
        "redacted": report.redacted,
        "demo": report.demo,
        "disclaimer": DISCLAIMER,
        "organisation": {
            "name": profile.name,
            "staff_count": profile.staff_count,
            "sector": profile.sector,
            "has_website": profile.has_website,
            "site_build": profile.site_build,
            "systems": [{"key": s.key, "kind": s.kind, "name": s.name} for s in profile.systems],
        },
        "assessment": _drop_none(
            {
                "id": report.assessment.id,
                "bank_id": report.bank.id,
                "bank_version": report.bank.version,
                "started_at": report.assessment.started_at,
                "completed_at": report.assessment.completed_at,
                "status": "completed" if report.assessment.completed_at else "in progress",
                "unconfirmed": report.unconfirmed,
                "verified": len(report.verified),
            }
        ),
        "since_last": list(report.since_last),
        "score": _drop_none(
            {
                "overall": shown_score_tenths(result.score),
                "band": result.band.id,
                "band_name": result.band.name,
                "uncapped_band": result.uncapped_band.id,
                "capped_by": result.capped_by,
                "critical_failures": list(result.critical_failures),
                "confidence": round(result.confidence, 3),
                "applicable": result.applicable,
                "answered": result.answered,
                "unknown": result.unknown,
                "unanswered": result.unanswered,
                "projected_if_plan_done": shown_score_tenths(report.plan.projected_score),
            }
        ),
        "domains": [
            _drop_none(
                {
                    "id": d.domain_id,
                    "title": d.title,
                    "weight": d.weight,
                    "score": None if d.score is None else shown_score_tenths(d.score),
                    "answered": d.answered,
                    "applicable": d.applicable,
                    "points_lost": round(d.points_lost, 2),
                }
            )
            for d in result.domains
        ],
        "notices": [for_output(notice) for notice in result.notices],
        "plan_budget": plan_budget_data(report),
        "plan": [_plan_entry(report, index) for index in range(len(report.plan.entries))],
        "vendor_questions": [
            _drop_none(
                {
                    "question": v.question_id,
                    "system": v.system_key or None,
                    "system_name": v.system_name,
                    "text": v.text,
                }
            )
            for v in report.plan.vendor_questions
        ],
        "findings": _findings(report),
        "cyber_essentials": cyber_essentials_data(report),
        "upcoming": [
            {
                "id": entry.id,
                "title": entry.title,
                "text": entry.text,
                "references": list(entry.references),
            }
            for entry in report.bank.upcoming
        ],
    }
    sanitised: dict[str, Any] = _sanitised(data)
    return sanitised


def plan_budget_data(report: Report) -> dict[str, Any]:
    """The effort budget behind the horizons, and the note when critical fixes exceed it."""
    capacity = report.plan.capacity
    return _drop_none(
        {
            "month_hours": capacity.month_hours,
            "source": capacity.source,
            "critical_hours": capacity.critical_hours,
            "critical_over_budget": capacity.critical_over,
            "note": capacity.over_budget_note,
            "horizons": [
                _drop_none(
                    {
                        "id": horizon,
                        "label": label,
                        "budget_hours": capacity.budget(horizon),
                        "used_hours": capacity.used(horizon),
                        "entries": len(report.plan.entries_in(horizon)),
                    }
                )
                for horizon, label in HORIZONS.items()
            ],
        }
    )


def _plan_entry(report: Report, index: int) -> dict[str, Any]:
    entry = report.plan.entries[index]
    effect = entry.band_effect
    return _drop_none(
        {
            "id": entry.id,
            "rank": index + 1,
            "action": entry.action.id,
            "title": entry.action.title,
            "horizon": entry.horizon,
            "critical": entry.critical,
            "check_first": entry.check_first,
            "uplift": round(entry.uplift, 2),
            "band_effect": None
            if effect is None
            else {
                "before": effect.before.id,
                "after": effect.after.id,
                "lifts_cap": effect.lifts_cap,
                "text": effect.text,
            },
            "effort": entry.action.effort,
            "effort_hours": entry.effort_hours,
            "status": report.entry_status(entry),
            # A system marked done while its answers still show the gap ("DONE?" in the app).
            "done_but_open": any(item.id in report.done_but_open for item in entry.items),
            "systems": [_plan_system(report, item) for item in entry.items],
            "covered_systems": [
                _drop_none({"system": key, "system_name": name}) for key, name in entry.covered
            ],
            "owner_role": entry.action.owner,
            "vendor_doable": entry.action.vendor_doable,
            "questions": list(entry.question_ids),
            "why": entry.action.why,
            "steps": list(entry.action.steps),
            "platform_steps": [_platform_step(steps) for steps in entry.platform_steps],
            # Who the user lists show behind the gaps: staff's names, never in a redacted copy.
            "people": [] if report.redacted else [_person(p) for p in entry.people],
            "references": list(entry.action.references),
        }
    )


def _person(person: Person) -> dict[str, str]:
    return {"system": person.system_key, "gap": person.gap, "name": person.name}


def _platform_step(steps: SystemSteps) -> dict[str, Any]:
    """One system's own steps for the entry, with the vendor page they come from."""
    fact = steps.fact
    return _drop_none(
        {
            "system_name": steps.system,
            "platform": steps.platform.id if steps.platform else None,
            "control": steps.control,
            "can": fact.can if fact else None,
            "text": steps.text,
            "source": fact.source if fact else None,
            "url": fact.url if fact else None,
            "checked": fact.checked.isoformat() if fact else None,
        }
    )


def _plan_system(report: Report, item: PlanItem) -> dict[str, Any]:
    """One system of an entry: its stable item id, own status, owner, due date and share."""
    state = report.status_of(item.id)
    return _drop_none(
        {
            "id": item.id,
            "system": item.system_key or None,
            "system_name": item.system_name,
            "critical": item.critical,
            "check_first": item.check_first,
            "uplift": round(item.uplift, 2),
            "status": state.status,
            "done_but_open": item.id in report.done_but_open,
            "owner": state.owner or None,
            "due_date": state.due_date,
            "questions": list(item.question_ids),
            "gaps": list(item.gaps),
        }
    )


def cyber_essentials_data(report: Report) -> dict[str, Any]:
    """The indicative Cyber Essentials tally: counts, then each measure with its questions."""
    count = report.measure_tally
    return {
        "met": count.met,
        "assessed": count.assessed,
        "total": count.total,
        "caveat": CAVEAT,
        "measures": [
            {
                "id": m.id,
                "category": measure_info(m.id).category,
                "title": m.title,
                "status": m.status,
                "questions": list(m.questions),
                "short_of": list(m.short_of),
            }
            for m in report.measures
        ],
    }


def _findings(report: Report) -> list[dict[str, Any]]:
    """Every question that lost points, with the owner's notes unless redacted."""
    entries = []
    for finding in findings(report):
        question, slot, answer = finding.question, finding.slot, finding.answer
        entry: dict[str, Any] = {
            "question": question.id,
            "domain": question.domain,
            "system": slot.system_key or None,
            "answer": "unanswered" if slot.value is None else slot.value,
            "answer_label": finding.answer_label,
            "critical": question.critical,
            "carried": finding.carried,
        }
        if finding.verified is not None:
            entry["verified"] = _verified(finding.verified, redacted=report.redacted)
        if answer is not None and not report.redacted:
            entry["note"] = answer.note or None
            entry["evidence"] = answer.evidence or None
        entries.append(_drop_none(entry))
    return entries


def _verified(mark: Verified, *, redacted: bool) -> dict[str, str]:
    """The user list an answer was checked against (its file name only in the owner's copy)."""
    found = {"format": mark.format, "date": mark.file_date}
    return found if redacted else {"file": mark.file_name, **found}


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def _sanitised(value: Any) -> Any:
    if isinstance(value, str):
        return for_output(value)
    if isinstance(value, dict):
        return {key: _sanitised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_sanitised(item) for item in value]
    return value


def render_toml(report: Report) -> str:
    return tomli_w.dumps(report_data(report))


def render_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"
