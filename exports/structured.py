"""The report as plain data, rendered as TOML (for tools) or JSON.

Every string passes the output sanitiser; nothing is None (TOML has no null),
so absent values are simply left out.
"""

from __future__ import annotations

import json
from typing import Any

import tomli_w

from pdpa_check.exports.document import DISCLAIMER, Report, findings
from pdpa_check.questionnaires.measures import CAVEAT, measure_info
from pdpa_check.text import for_output

FORMAT_NAME = "pdpa-check-plan"
FORMAT_VERSION = 1


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
            }
        ),
        "since_last": list(report.since_last),
        "score": _drop_none(
            {
                "overall": round(result.score, 1),
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
                "projected_if_plan_done": round(report.plan.projected_score, 1),
            }
        ),
        "domains": [
            _drop_none(
                {
                    "id": d.domain_id,
                    "title": d.title,
                    "weight": d.weight,
                    "score": None if d.score is None else round(d.score, 1),
                    "answered": d.answered,
                    "applicable": d.applicable,
                    "points_lost": round(d.points_lost, 2),
                }
            )
            for d in result.domains
        ],
        "plan": [_plan_item(report, index) for index in range(len(report.plan.items))],
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


def _plan_item(report: Report, index: int) -> dict[str, Any]:
    item = report.plan.items[index]
    state = report.status_of(item.id)
    return _drop_none(
        {
            "id": item.id,
            "rank": index + 1,
            "action": item.action.id,
            "title": item.action.title,
            "system": item.system_key or None,
            "system_name": item.system_name,
            "horizon": item.horizon,
            "critical": item.critical,
            "check_first": item.check_first,
            "uplift": round(item.uplift, 2),
            "effort": item.action.effort,
            "owner_role": item.action.owner,
            "vendor_doable": item.action.vendor_doable,
            "status": state.status,
            "done_but_open": item.id in report.done_but_open,
            "owner": state.owner or None,
            "due_date": state.due_date,
            "questions": list(item.question_ids),
            "why": item.action.why,
            "steps": list(item.action.steps),
            "references": list(item.action.references),
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
        if answer is not None and not report.redacted:
            entry["note"] = answer.note or None
            entry["evidence"] = answer.evidence or None
        entries.append(_drop_none(entry))
    return entries


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
