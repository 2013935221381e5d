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
    INCIDENT_KINDS,
    IncidentFacts,
    date_problems,
)
from pdpa_check.questionnaires.loader import (
    BankError,
    describe_location,
    read_input_file,
    read_model,
)
from pdpa_check.questionnaires.schedule import QUESTION_KEYS, builtin_schedule

Where = Callable[[tuple[int | str, ...], dict[str, Any]], str]


def load_facts_file(path: Path, today: dt.date) -> IncidentFacts:
    """Read and check an incident facts file; BankError lists every problem."""
    return read_facts(read_input_file(path), str(path), today)


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
            [f"{source}: {where((name,), {})}: {message}" for name, message in wrong.items()]
        )
    return facts


def _where_in(text: str) -> Where:
    """A `where` naming the field and, when it can be found, its line in `text`."""

    def where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
        # The only whole-model check is the order of the two dates.
        key = str(loc[0]) if loc else "assessed_on"
        place = describe_location(loc, raw) if loc else key
        line = _line_of(text, key)
        return f"{place} (line {line})" if line else place

    return where


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def facts_template(today: dt.date) -> str:
    """A facts file to fill in: every field, each with what it means."""
    example = today.isoformat()
    steps = "\n".join(f"#   {key}: {text}" for key, text in CUSTOMER_STEPS.items())
    kinds = "\n".join(f"#   {key}: {text}" for key, text in INCIDENT_KINDS.items())
    confined = wrap_comment(f'Only for kind = "internal": {CONFINED_QUESTION}')
    return _TEMPLATE.format(
        example=example, steps=steps, kinds=kinds, data=_data_questions(), confined=confined
    )


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

# true if a measure in place before (e.g. strong encryption) or what you did
# after the breach makes significant harm to the people unlikely.
harm_unlikely = false
# true if the police or PDPC told you not to notify the people affected.
told_not_to_notify = false

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
"""
