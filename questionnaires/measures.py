"""The nine CSA Cyber Essentials measures (A.1 to A.9) that bank questions map to.

The ids and the five categories follow CSA's Cyber Essentials (2025) structure;
the titles and summaries are our own short words, not CSA's clause text. A
mapping from our questions to these measures is an indicative self-check, not
a CSA assessment: certification bodies appointed by CSA assess the mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from pdpa_check.questionnaires.model import Measure

Category = Literal["Assets", "Secure/Protect", "Update", "Backup", "Respond"]


@dataclass(frozen=True)
class MeasureInfo:
    id: Measure
    category: Category
    title: str
    summary: str

    @property
    def label(self) -> str:
        """`A.5 Access control`: the id and title, as shown in lists."""
        return f"{self.id} {self.title}"


MEASURES: tuple[MeasureInfo, ...] = (
    MeasureInfo(
        "A.1",
        "Assets",
        "People",
        "Staff know the common tricks and the house rules, and report what looks wrong.",
    ),
    MeasureInfo(
        "A.2",
        "Assets",
        "Hardware and software",
        "A current list of devices and software; unsupported ones replaced or fenced off.",
    ),
    MeasureInfo(
        "A.3",
        "Assets",
        "Data",
        "Know which important data you hold and where; protect it and dispose of it safely.",
    ),
    MeasureInfo(
        "A.4",
        "Secure/Protect",
        "Malware protection",
        "Anti-malware and firewalls on every device; software only from official sources.",
    ),
    MeasureInfo(
        "A.5",
        "Secure/Protect",
        "Access control",
        "Only the access people need, removed when they leave; MFA on admin and online accounts.",
    ),
    MeasureInfo(
        "A.6",
        "Secure/Protect",
        "Secure configuration",
        "Safer settings than the defaults, and logs of important events kept for a set time.",
    ),
    MeasureInfo(
        "A.7",
        "Update",
        "Software updates",
        "Security updates applied promptly, the most serious first.",
    ),
    MeasureInfo(
        "A.8",
        "Backup",
        "Backups",
        "Regular backups of essential data, one copy kept apart from the live systems.",
    ),
    MeasureInfo(
        "A.9",
        "Respond",
        "Incident response",
        "A written plan for incidents, known to the people who would use it.",
    ),
)

MEASURES_BY_ID: dict[str, MeasureInfo] = {measure.id: measure for measure in MEASURES}
MEASURE_IDS: tuple[Measure, ...] = get_args(Measure)

# One line to put beside every Cyber Essentials tally.
CAVEAT = (
    "Indicative only: a self-check of your answers against the CSA Cyber Essentials measures, "
    "not a certification or a CSA assessment. The Cyber Essentials mark is assessed by "
    "CSA-appointed certification bodies."
)


def measure_info(measure_id: str) -> MeasureInfo:
    """The measure with this id (`A.1` to `A.9`); KeyError for anything else."""
    return MEASURES_BY_ID[measure_id]
