"""The coverage table of a question bank, as Markdown, generated from the bank itself.

Question by question: area, weight, critical flag, the Cyber Essentials measures
a full-credit answer helps to meet, and the references; then each measure with
its questions, the reason for each area's and question's weight with the
ranking rule they keep, and the obligations that are coming
but not scored. `docs/coverage.md` is this output for the built-in bank.

Bank text is untrusted: every piece of it goes through `inline()`.
"""

from __future__ import annotations

from pdpa_check.exports.escape import finish, inline
from pdpa_check.questionnaires.measures import MEASURES
from pdpa_check.questionnaires.model import Bank, Domain, Question
from pdpa_check.questionnaires.weights import RANKING_RULE, ranking_warnings

# Longest question text shown in the table before it is cut at a word.
SHORT_QUESTION = 90


def render_coverage(bank: Bank) -> str:
    """The whole coverage document for `bank`."""
    parts = [
        _header(bank),
        _questions(bank),
        _measures(bank),
        _weights(bank),
        _upcoming(bank),
    ]
    return finish("\n".join(parts))


def _header(bank: Bank) -> str:
    scored = [q for q in bank.questions if q.scored]
    critical = sum(1 for q in bank.questions if q.critical)
    covered = {m for q in scored for m in q.cyber_essentials}
    return (
        f"# Coverage of the question bank: {inline(bank.title)}\n\n"
        f"Generated from the bank `{bank.id}` version {bank.version} by "
        f"`pdpa-check bank coverage --bank {bank.id}`. Regenerate it rather than edit it.\n\n"
        f"{len(bank.questions)} questions ({len(scored)} scored, {critical} critical) in "
        f"{len(bank.domains)} areas; scored questions map to {len(covered)} of the "
        f"{len(MEASURES)} CSA Cyber Essentials measures.\n\n"
        f"{_edition(bank)}\n"
    )


def _edition(bank: Bank) -> str:
    """The Cyber Essentials edition the bank maps to, as the bank states it."""
    if bank.cyber_essentials_edition is None:
        return "Cyber Essentials edition mapped: not stated by this bank."
    return f"Cyber Essentials edition mapped: {inline(bank.cyber_essentials_edition)}"


def _questions(bank: Bank) -> str:
    rows = [
        "## Questions and references",
        "",
        "| Id | Area | Question | Weight | Critical | Cyber Essentials | References |",
        "| --- | --- | --- | ---: | --- | --- | --- |",
    ]
    for question in bank.questions:
        weight = str(question.weight) if question.scored else "not scored"
        measures = ", ".join(question.cyber_essentials) or (
            f"none: {inline(question.cyber_essentials_none)}"
            if question.cyber_essentials_none
            else "none"
        )
        references = "; ".join(inline(r) for r in question.references) or "none"
        rows.append(
            f"| `{question.id}` | {inline(bank.domain(question.domain).title)} | "
            f"{inline(short(question.text))} | {weight} | "
            f"{'**yes**' if question.critical else 'no'} | {measures} | {references} |"
        )
    return "\n".join(rows) + "\n"


def _measures(bank: Bank) -> str:
    rows = [
        "## Cyber Essentials measures",
        "",
        "Which scored questions count towards each measure. The mapping is our own reading of "
        "the published measures (the summaries are in our words), so the tally it gives is "
        "indicative: not a certification or a CSA assessment. CSA-appointed certification "
        "bodies assess the Cyber Essentials mark.",
        "",
        _edition(bank),
        "",
        "| Measure | Category | In short | Questions |",
        "| --- | --- | --- | --- |",
    ]
    for measure in MEASURES:
        ids = [f"`{q.id}`" for q in bank.questions if q.scored and measure.id in q.cyber_essentials]
        questions = ", ".join(ids) or "none: not assessed by this bank"
        rows.append(f"| {measure.label} | {measure.category} | {measure.summary} | {questions} |")
    return "\n".join(rows) + "\n"


def _weights(bank: Bank) -> str:
    total = sum(bank.shares.values()) or 1.0
    lines = [
        "## Weights and critical controls",
        "",
        "Why each area and each scored question weighs what it does. An area's weight is split "
        "among its scored questions by their weights; the points shown are a question's (or an "
        "area's) part of 100 when every question applies, and questions that do not apply leave "
        "the total. A critical question short of full marks caps the band, whatever the average.",
        "",
        f"**Ranking rule.** {RANKING_RULE} {_rule_status(bank)}",
        "",
        "### Areas",
        "",
    ]
    for domain in bank.domains:
        lines.append(_area_line(bank, domain, total))
    lines += ["", "### Questions", ""]
    for question in bank.questions:
        if question.scored:
            lines.append(_weight_line(question, bank.shares[question.id], total))
    return "\n".join(lines) + "\n"


def _rule_status(bank: Bank) -> str:
    """Whether the bank's weights keep the ranking rule, and if not, where not."""
    warnings = ranking_warnings(bank)
    if not warnings:
        return "This bank's weights keep it (`pdpa-check bank validate` checks)."
    return "This bank's weights do not keep it: " + "; ".join(inline(w) for w in warnings) + "."


def _area_line(bank: Bank, domain: Domain, total: float) -> str:
    points = 100 * sum(v for q, v in bank.shares.items() if bank.question(q).domain == domain.id)
    why = inline(domain.weight_rationale) if domain.weight_rationale else "no reason given"
    return (
        f"- **{inline(domain.title)}** (`{domain.id}`, weight {domain.weight}, "
        f"{points / total:.1f} points): {why}"
    )


def _weight_line(question: Question, share: float, total: float) -> str:
    flag = ", **critical**" if question.critical else ""
    why = inline(question.weight_rationale) if question.weight_rationale else "no reason given"
    points = 100 * share / total
    return f"- `{question.id}` (weight {question.weight}{flag}, {points:.1f} points): {why}"


def _upcoming(bank: Bank) -> str:
    lines = [
        "## Coming, not scored",
        "",
        "Obligations passed into law but not in force yet, as far as published sources show. "
        "They are shown to owners and never scored.",
        "",
    ]
    if not bank.upcoming:
        lines.append("None listed in this bank.")
    for entry in bank.upcoming:
        line = f"- **{inline(entry.title)}** (`{entry.id}`): {inline(entry.text)}"
        if entry.references:
            line += " References: " + "; ".join(inline(r) for r in entry.references)
        lines.append(line)
    return "\n".join(lines) + "\n"


def short(text: str, limit: int = SHORT_QUESTION) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when over `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] if " " in flat[: limit - 1] else flat[: limit - 1]
    return cut.rstrip(" ,;:") + "…"
