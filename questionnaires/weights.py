"""The ranking rule a bank's weights should keep: critical controls come first.

The rule: for any profile and answers, closing a critical question that earns no
credit raises the score at least as much as closing any one non-critical question
fully. A question's points are its share (`Bank.shares`) over the shares that
apply (`scoring/evaluate.py`), so closing a plain question q gains at most
share(q) / G, and closing a critical c with no credit gains exactly share(c) / G,
(each times the credit of the question's best answer, 1 for yes/no questions)
where G is the same total of applicable shares for both. A question that gates
others (an `applies_if` answer condition) can also show or hide them, so its own
gain is bounded with every question it gates counted in:

    gain(q) <= (share(q) + gated(q)) / G      gain(c) >= (share(c) - gated(c)) / (G + gated(c))

`ranking_warnings` checks those bounds for every pair, so a bank that passes keeps
the rule whatever the answers. It is a warning, not an error: a bank breaking it
still scores exactly, and stored copies of older bank versions must keep loading.
"""

from __future__ import annotations

from pdpa_check.questionnaires.model import Bank, Question

# The rule, in the words README and `bank coverage` use.
RANKING_RULE = (
    "For any answers, closing a critical question that earns no credit raises the score at "
    "least as much as closing any single non-critical question fully."
)
# Shares are compared with this slack, so equal shares computed two ways still pass.
_SLACK = 1e-9
# At most this many outranking questions are named in one warning.
_NAMED = 4


def gated_by(bank: Bank) -> dict[str, set[str]]:
    """For each question, the scored questions its answer shows or hides, transitively."""
    direct: dict[str, set[str]] = {q.id: set() for q in bank.questions}
    for question in bank.questions:
        condition = question.applies_if.answer if question.applies_if else None
        if condition is not None and condition.question in direct:
            direct[condition.question].add(question.id)
    closed: dict[str, set[str]] = {}
    for question_id in direct:
        seen: set[str] = set()
        pending = list(direct[question_id])
        while pending:
            current = pending.pop()
            if current not in seen:
                seen.add(current)
                pending += direct.get(current, set())
        closed[question_id] = {q for q in seen if bank.question(q).scored}
    return closed


def best_credit(question: Question) -> float:
    """The credit of the best answer a question accepts (1 for yes/no questions)."""
    if question.kind == "choice":
        return max(option.credit for option in question.options)
    if question.number is not None:
        return max(threshold.credit for threshold in question.number.thresholds)
    return 1.0


def ranking_warnings(bank: Bank) -> list[str]:
    """One line per critical question that some non-critical question could outrank."""
    # What closing a question fully can earn: its share times its best answer's credit.
    shares = {q.id: bank.shares[q.id] * best_credit(q) for q in bank.questions if q.scored}
    gated = gated_by(bank)
    opened = {q: sum(shares[d] for d in gated[q]) for q in shares}
    scored = [q for q in bank.questions if q.scored]
    plain = [q for q in scored if not q.critical]
    warnings = []
    for critical in (q for q in scored if q.critical):
        beaten = [q for q in plain if not _outranks(critical.id, q.id, shares, opened)]
        if beaten:
            warnings.append(_warning(bank, critical, beaten, shares, opened))
    return warnings


def _outranks(
    critical: str, other: str, shares: dict[str, float], opened: dict[str, float]
) -> bool:
    """Whether closing `critical` (no credit) always gains at least closing `other` fully.

    With a = share(c) - gated(c) and b = share(q) + gated(q), the rule needs
    a / (G + gated(c)) >= b / G for every total G the two can share (G >= share(c) +
    share(q)); that is linear in G, so a >= b and the smallest G settle it.
    """
    low = shares[critical] - opened[critical]
    high = shares[other] + opened[other]
    smallest_total = shares[critical] + shares[other]
    return (
        low >= high - _SLACK and (low - high) * smallest_total >= high * opened[critical] - _SLACK
    )


def _warning(
    bank: Bank,
    critical: Question,
    beaten: list[Question],
    shares: dict[str, float],
    opened: dict[str, float],
) -> str:
    """`question <id>: ...` naming the critical question and what can outrank it."""
    total = sum(shares.values())
    beaten.sort(key=lambda q: (-(shares[q.id] + opened[q.id]), q.id))
    named = ", ".join(_described(q, shares, opened, total) for q in beaten[:_NAMED])
    more = f" and {len(beaten) - _NAMED} more" if len(beaten) > _NAMED else ""
    own = 100 * (shares[critical.id] - opened[critical.id]) / total
    return (
        f"question {critical.id}: critical, but closing {named}{more} can raise the score more "
        f"than closing it ({own:.1f}; points of 100 when everything applies); give it more "
        f"weight within its area '{critical.domain}', or them less"
    )


def _described(
    question: Question, shares: dict[str, float], opened: dict[str, float], total: float
) -> str:
    worth = 100 * (shares[question.id] + opened[question.id]) / total
    with_gated = " with the questions it opens" if opened[question.id] else ""
    return f"{question.id}{with_gated} ({worth:.1f})"
