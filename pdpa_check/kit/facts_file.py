"""The incident facts file: a commented TOML template, and reading it back.

Every problem is reported as `file: field (line N): message`, or
`file:line:col: message` for TOML syntax, and nothing is used if anything is
wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pdpa_check.kit.facts import (
    CONFINED_QUESTION,
    CUSTOMER_STEPS,
    GROUNDS_ASK,
    INCIDENT_KINDS,
    NOTICE_GROUNDS,
    IncidentFacts,
    date_problems,
)
from pdpa_check.questionnaires.loader import (
    BankError,
    describe_location,
    input_name,
    read_input_file,
    read_model,
)
from pdpa_check.questionnaires.schedule import QUESTION_KEYS, builtin_schedule

Where = Callable[[tuple[int | str, ...], dict[str, Any]], str]


def load_facts_file(path: Path, today: dt.date) -> IncidentFacts:
    """Read and check an incident facts file; BankError lists every problem."""
    return read_facts(read_input_file(path), input_name(path), today)


def read_facts(data: bytes, source: str, today: dt.date) -> IncidentFacts:
    """Incident facts from TOML bytes, dates checked as of `today`.

    BankError names `source`, the field and its line.
    """
    text = data.decode("utf-8", errors="replace")
    where = _where_in(text)
    facts = read_model(IncidentFacts, data, source, where)
    wrong = date_problems(facts, today)
    if wrong:
        raise BankError(
            [f"{source}: {where(_loc(name), {})}: {message}" for name, message in wrong.items()]
        )
    return facts


def _loc(name: str) -> tuple[int | str, ...]:
    """`log[2].at` as the location pydantic would give it: ("log", 2, "at")."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", name)
    if match is None:
        return (name,)
    return (match[1], int(match[2]), match[3])


def _where_in(text: str) -> Where:
    """A `where` naming the field and, when it can be found, its line in `text`."""

    def where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
        # The only whole-model check is the order of the two dates.
        key = str(loc[0]) if loc else "assessed_on"
        place = describe_location(loc, raw) if loc else key
        if len(loc) >= 2 and isinstance(loc[1], int):
            line = _line_in_table(text, key, loc[1], str(loc[2]) if len(loc) > 2 else None)
        else:
            line = _line_of(text, key)
        return f"{place} (line {line})" if line else place

    return where


def _line_of(text: str, key: str, lines: list[str] | None = None, start: int = 0) -> int | None:
    """The line number of `key = ...` at the top level (or in `lines` from `start`)."""
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    lines = text.splitlines() if lines is None else lines
    for number in range(start, len(lines)):
        if _TABLE.match(lines[number]) and number > start:
            return None
        if pattern.match(lines[number]):
            return number + 1
    return None


_TABLE = re.compile(r"^\s*\[")


def _line_in_table(text: str, table: str, index: int, key: str | None) -> int | None:
    """The line of `key` in the `index`th `[[table]]` (its header line without a key)."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines) if header.match(line)]
    if index >= len(starts):
        return _line_of(text, table)
    found = _line_of(text, key, lines, starts[index]) if key else None
    return found or starts[index] + 1


def facts_template(today: dt.date) -> str:
    """A facts file to fill in: every field, each with what it means."""
    example = today.isoformat()
    steps = "\n".join(f"#   {key}: {text}" for key, text in CUSTOMER_STEPS.items())
    kinds = "\n".join(f"#   {key}: {text}" for key, text in INCIDENT_KINDS.items())
    confined = wrap_comment(f'Only for kind = "internal": {CONFINED_QUESTION}')
    grounds = "\n".join(_choice(key, text) for key, text in NOTICE_GROUNDS.items())
    why = "\n".join(_choice(key, f"{text}.") for key, text in GROUNDS_ASK.items())
    return _TEMPLATE.format(
        example=example,
        steps=steps,
        kinds=kinds,
        data=_data_questions(),
        confined=confined,
        grounds=grounds,
        why=why,
    )


def _choice(key: str, text: str) -> str:
    """`#   key: text` as comment lines, continued with a deeper indent."""
    lines = textwrap.wrap(f"{key}: {text}", 76, initial_indent="  ", subsequent_indent="    ")
    return "\n".join("# " + line for line in lines)


def wrap_comment(text: str) -> str:
    """`text` as TOML comment lines of at most 78 characters."""
    return "\n".join("# " + line for line in textwrap.wrap(text, 76))


def _data_questions() -> str:
    """The questions about the data, worded from the Schedule file, each with its rule."""
    schedule = builtin_schedule()
    blocks = []
    for key in QUESTION_KEYS:
        question = schedule.question(key)
        comment = wrap_comment(f"{question.text} ({question.rule})")
        blocks.append(f'{comment}\n{key} = "unknown"')
    return "\n".join(blocks)


_TEMPLATE = """\
# pdpa-check incident facts. Fill in what you know today, then run
#   pdpa-check kit notify --facts THIS-FILE
# Dates are written YYYY-MM-DD without quotes (e.g. {example}). For yes/no
# questions write "yes", "no" or "unknown": say "unknown" rather than guess.
# Lines starting with # are comments; remove the # to use a line.

# A short name for the incident (for your own records).
title = "Suspected data breach"

# What happened? One of:
{kinds}
kind = "unknown"
# Set only by pdpa-check, when an older file said confined = "yes" and the
# kind was read as "internal": remove it once you have checked `kind`.
# kind_assumed = false

# REQUIRED: the day you first had reason to believe there was a breach.
discovered_on = "YYYY-MM-DD"

# The day you decided the breach is notifiable. The PDPC deadline is counted
# from this day (no later than 3 calendar days after it). Leave it out until
# you have decided.
# assessed_on = {example}

# What data is involved? The record that `kit notify` writes lists every
# class in the Schedule, in plain words.
{data}

# How many people are affected? Leave it out if you do not know yet.
# affected = 120
# true only when the number is checked, not an estimate.
affected_verified = false

{confined}
confined = "unknown"

# If the people affected are NOT to be told, why (the Act allows only these):
{grounds}
not_telling_grounds = "none"
# Explain the ground you chose:
{why}
not_telling_why = ""
# Older files said only harm_unlikely = true or told_not_to_notify = true.
# not_telling_grounds now sets both: leave these two out.
# harm_unlikely = false
# told_not_to_notify = false

# The audit trail. The day you notified PDPC (with PDPC's online form):
# pdpc_notified_on = {example}
# The day you told the people affected (the same day as PDPC, or later):
# individuals_notified_on = {example}
# Why, if you notified PDPC later than 3 calendar days after assessed_on
# (the record asks for this when the date you give is past the deadline).
late_reasons = ""

# For the customer notice (`kit notice`). Plain words, as you would tell a
# customer. Anything left empty shows as a [bracketed] gap to fill in.
# What happened and when, in one or two sentences.
what_happened = ""
# How you first found out (e.g. a customer reported a strange email).
how_found = ""
# Which customer information was involved, as far as you know today (e.g.
# names, emails, order history). The notice states it as what you know so far.
data_involved = ""
# true once you have confirmed that list.
data_verified = false
# The harm customers could suffer (e.g. phishing emails, fraudulent card use).
potential_harm = ""
# What you do not know yet, and how you are finding out.
not_yet_known = ""
# What you have done to reduce the harm (e.g. locked the account, changed passwords).
actions_taken = ""
# What you are doing so it does not happen again (e.g. turned on MFA).
prevention = ""
# What customers should do now; any of:
{steps}
customer_steps = ["watch_phishing"]
# How customers reach you about this (an email address or phone number).
contact_point = ""
# When you will next update customers.
# next_update_on = {example}

# The log: one [[log]] table for each step, in the order they happened:
# when (a local date and time, or just the date), who did it, and what was
# done or decided. Log at least when you found out, assessed the breach,
# notified PDPC and told the people affected. Keep the log at the end of this
# file: a line after a [[log]] table belongs to that table.
# [[log]]
# at = {example}T09:30:00
# who = "Mei Ling Tan"
# what = "A customer reported a phishing email that quoted her order number."
"""
