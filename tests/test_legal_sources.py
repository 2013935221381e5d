"""Every statement of law in the built-in bank carries its source (issue 14, item 6).

The convention, checked entry by entry (a question, an action or an upcoming obligation, each with
its own `references`):

1. Every reference is of a known kind: the Act ("PDPA s24", "PDPA Part 9"), a regulation
   ("Personal Data Protection (Notification of Data Breaches) Regulations 2021, reg 4"), PDPC
   guidance (a guide, advisory guidelines or a named PDPC web page), a PDPC decision, a CSA Cyber
   Essentials measure, or another authority's published rule (IRAS).
2. Every section or Part of the Act the entry's text names (s26C, s14(2), Part 9) is cited by
   one of its references, and every regulation it names (reg 6) by a regulation reference.
3. Each sentence that states law (the PDPA, a duty: "must", "requires", "notifiable", a number of
   days, the 500 threshold) needs a reference to the Act, a regulation or PDPC guidance; a sentence
   that speaks for PDPC's guidance ("PDPC expects", "PDPC's guide") needs a guidance reference; a
   sentence naming a PDPC decision needs that decision; one naming CSA Cyber Essentials or IRAS
   needs that source.
4. A decision reference names the decision with its neutral citation where one was checked
   (`CHECKED_CITATIONS`), otherwise with its year; a Cyber Essentials reference names the measure
   as `questionnaires/measures.py` does, and a question's Cyber Essentials references and its
   `cyber_essentials` list agree, so the measure names have one source.
5. The header comment of the bank file gives a source, in brackets, for each breach rule it states.

The checker is a plain function, so the tests at the end can show that it fails a new unsourced
statement, not only that today's bank passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from pdpa_check.exports.coverage import render_coverage
from pdpa_check.questionnaires.loader import builtin_bank_path
from pdpa_check.questionnaires.measures import MEASURES_BY_ID
from pdpa_check.questionnaires.model import Bank

# Neutral citations checked against the decisions themselves (PDPC's register, via mirrors).
CHECKED_CITATIONS = {
    "Eatigo": "[2022] SGPDPC 9",
    "RedMart": "[2022] SGPDPC 8",
    "Fortytwo": "[2023] SGPDPCS 3",
    "EU Holidays": "[2019] SGPDPC 38",
    "Toll Logistics (Asia) and others": "[2022] SGPDPC 4",
    # Issue 20: read in full in a mirror of PDPC's register (tests/fixtures/enforcement.toml,
    # seen = "decision text"), or cited so by a later decision that was.
    "Lovebonito": "[2022] SGPDPC 3",
    "Keppel Telecommunications & Transportation": "[2024] SGPDPC 3",
    "Fullerton Healthcare and Agape CP Holdings": "[2023] SGPDPC 5",
    "Credit Counselling Singapore": "[2017] SGPDPC 18",
    "Payroll2U": "[2024] SGPDPCS 2",
    "Academy of Medicine Singapore": "[2024] SGPDPCS 4",
    "CH Offshore": "[2024] SGPDPC 2",
    "Century Evergreen": "[2023] SGPDPCS 5",
    "Whiz Communications": "[2023] SGPDPCS 7",
    "Carousell": "[2023] SGPDPC 13",
    "Ecommerce Enablers": "[2023] SGPDPC 6",
    "PPLingo": "[2023] SGPDPC 12",
    "Cortina Watch": "[2024] SGPDPCS 3",
    "Tokyo Century Leasing": "[2023] SGPDPC 9",
    "Horizon Fast Ferry": "[2024] SGPDPC 1",
    "Kingsforce Management Services": "[2023] SGPDPCS 1",
    "Lee Chee Meng": "[2023] SGPDPC 14",
    "Consumers' Association of Singapore": "[2024] SGPDPC 4",
    "Autobahn Rent A Car": "[2023] SGPDPCS 4",
    "Ascentis": "[2023] SGPDPC 10",
    "Tok Leng Leng t/a Top Mobile Gallery": "[2024] SGPDPCS 1",
}
# Decisions the bank may name in its text; each mention needs a reference to that decision.
DECISIONS = [
    "Eatigo",
    "RedMart",
    "Fortytwo",
    "EU Holidays",
    "Lovebonito",
    "The Future of Cooking",
    "Saturday Club",
    "Toll",
    "Kingsforce",
    "Carousell",
    "Century Evergreen",
    "GeniusU",
    "Keppel",
]

STATUTE = re.compile(
    r"^(PDPA (s\d+[A-Z]?|Part \d+[A-Z]?)\b|Personal Data Protection \(Amendment\) Act 2020$)"
)
REGULATION = re.compile(
    r"^Personal Data Protection (\(Notification of Data Breaches\) )?Regulations 2021, "
    r"(regs? \d+|Part \d+|Schedule)"
)
GUIDANCE = re.compile(r"^PDPC (Guide |Handbook |Checklists |Advisory Guidelines |web page: )")
DECISION = re.compile(
    r"^PDPC decision: (?P<name>.+?) (?P<cite>\[\d{4}\] SGPDPCS? \d+|\([^()]*\d{4}[^()]*\))"
)
MEASURE = re.compile(r"^CSA Cyber Essentials (?P<id>A\.\d) \((?P<title>[^:)]+)(: [^)]+)?\)$")
AUTHORITY = re.compile(r"^IRAS ")

SECTION = re.compile(r"\bs(\d+[A-Z]?)(?:\(\w+\))*")
PART = re.compile(r"\bPart (\d+[A-Z]?)\b")
REG = re.compile(r"\bregs? (\d+)")
# Words that make a sentence a statement of law.
LAW_CUE = re.compile(
    r"\bPDPA\b|\bthe law\b|\blaws?\b|\blegal\b|\bmust\b|\brequire[sd]?\b|\bnotifiable\b"
    r"|\b\d+ (calendar )?days\b|\b500 or more\b|\bobligation\b|\bs\d+[A-Z]?\b",
)
GUIDANCE_CUE = re.compile(
    r"PDPC expects|PDPC's (breach )?guid|PDPC's .{0,40}(guide|guidelines)|Advisory Guidelines"
    r"|PDPC favours|PDPC's guidance|PDPC asks|PDPC recommends"
)


@dataclass(frozen=True)
class Entry:
    """One bank entry: where it is, its text (split into sentences) and its references."""

    where: str
    texts: tuple[str, ...]
    references: tuple[str, ...]

    def sentences(self) -> Iterator[str]:
        for text in self.texts:
            yield from (s for s in re.split(r"(?<=[.;?!])\s+", text) if s.strip())


def entries(bank: Bank) -> Iterator[Entry]:
    """Every question, action and upcoming obligation, with the text it shows the owner."""
    for q in bank.questions:
        texts = (q.text, q.why, q.ask_vendor or "", *(o.label for o in q.options))
        yield Entry(f"question {q.id}", texts, tuple(q.references))
    for a in bank.actions:
        yield Entry(f"action {a.id}", (a.title, a.why, *a.steps), tuple(a.references))
    for u in bank.upcoming:
        yield Entry(f"upcoming {u.id}", (u.title, u.text), tuple(u.references))


def kind(reference: str) -> str | None:
    """The kind of source a reference names, or None when it is not a recognised form."""
    forms = {
        "statute": STATUTE,
        "regulation": REGULATION,
        "guidance": GUIDANCE,
        "decision": DECISION,
        "measure": MEASURE,
        "authority": AUTHORITY,
    }
    return next((name for name, form in forms.items() if form.search(reference)), None)


def cited_sections(references: tuple[str, ...]) -> set[str]:
    """The sections and Parts of the Act the references cite (`26C`, `Part 9`)."""
    found: set[str] = set()
    for reference in references:
        if kind(reference) == "statute":
            found |= set(SECTION.findall(reference))
            found |= {f"Part {p}" for p in PART.findall(reference)}
    return found


def entry_problems(entry: Entry) -> list[str]:
    """What is unsourced or malformed in one entry, one line each."""
    problems = [
        f"{entry.where}: reference of no known kind: {r!r}"
        for r in entry.references
        if kind(r) is None
    ]
    kinds = {kind(r) for r in entry.references}
    problems += _uncited_provisions(entry, kinds)
    for sentence in entry.sentences():
        needed = _sources_needed(sentence)
        if needed and not needed & kinds:
            wanted = " or ".join(sorted(needed))
            problems.append(f"{entry.where}: no {wanted} reference for: {sentence!r}")
        for name in DECISIONS:
            if re.search(rf"\b{re.escape(name)}\b", sentence) and not any(
                (m := DECISION.search(r)) and m["name"].startswith(name) for r in entry.references
            ):
                problems.append(f"{entry.where}: decision {name} named without its reference")
    problems += _decision_problems(entry)
    problems += _measure_problems(entry)
    return problems


def _uncited_provisions(entry: Entry, kinds: set[str | None]) -> list[str]:
    text = " ".join(entry.texts)
    cited = cited_sections(entry.references)
    named = set(SECTION.findall(text)) | {f"Part {p}" for p in PART.findall(text)}
    problems = [
        f"{entry.where}: the text names {'' if n.startswith('Part') else 's'}{n} but no "
        "reference cites it"
        for n in sorted(named - cited)
    ]
    if REG.search(text) and "regulation" not in kinds:
        problems.append(f"{entry.where}: the text names a regulation but cites none")
    return problems


def _sources_needed(sentence: str) -> set[str]:
    """The kinds of reference, any one of which sources this sentence."""
    if "CSA Cyber Essentials" in sentence:
        return {"measure"}
    if "IRAS" in sentence:
        return {"authority"}
    if GUIDANCE_CUE.search(sentence):
        return {"guidance"}
    if LAW_CUE.search(sentence):
        return {"statute", "regulation", "guidance"}
    return set()


def _decision_problems(entry: Entry) -> list[str]:
    problems = []
    for reference in entry.references:
        match = DECISION.search(reference)
        if match is None:
            continue
        checked = CHECKED_CITATIONS.get(match["name"])
        if checked is not None and match["cite"] != checked:
            problems.append(f"{entry.where}: {match['name']} is {checked}, not {match['cite']}")
    return problems


def _measure_problems(entry: Entry) -> list[str]:
    problems = []
    for reference in entry.references:
        match = MEASURE.search(reference)
        if match is None:
            continue
        measure = MEASURES_BY_ID.get(match["id"])
        if measure is None or match["title"] != measure.title.casefold():
            title = measure.title.casefold() if measure else "no such measure"
            problems.append(f"{entry.where}: {reference!r} should name {match['id']} ({title})")
    return problems


def bank_problems(bank: Bank) -> list[str]:
    """Every problem in every entry, plus questions whose measure list and references differ."""
    problems = [p for entry in entries(bank) for p in entry_problems(entry)]
    if not bank.cyber_essentials_edition:
        problems.append("the bank does not say which Cyber Essentials edition it maps")
    for q in bank.questions:
        cited = {m["id"] for r in q.references if (m := MEASURE.search(r))}
        if cited != set(q.cyber_essentials):
            problems.append(
                f"question {q.id}: cites measures {sorted(cited)} but maps "
                f"{sorted(q.cyber_essentials)}"
            )
    return problems


def header_comment() -> str:
    """The comment block at the top of the built-in bank file, without the '#' marks."""
    lines = []
    for line in builtin_bank_path().read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def header_problems(text: str) -> list[str]:
    """Clauses of the header that state a breach rule without a source in brackets."""
    rule = re.compile(r"notifiable|\d+ (calendar )?days|500 or more|at the same time")
    source = re.compile(r"\((PDPA )?s\d+|\(reg \d+|\(PDPC|Guide on Managing")
    clauses = re.split(r"(?<=[.;:])\s+", text)
    return [f"header: {c!r}" for c in clauses if rule.search(c) and not source.search(c)]


# --- the built-in bank ------------------------------------------------------------------------


def test_every_legal_statement_in_the_bank_has_its_source(bank: Bank) -> None:
    assert bank_problems(bank) == []


def test_every_reference_in_the_bank_is_of_a_known_kind(bank: Bank) -> None:
    for entry in entries(bank):
        for reference in entry.references:
            assert kind(reference), f"{entry.where}: {reference}"


def test_the_header_sources_each_breach_rule_it_states() -> None:
    text = header_comment()
    assert "3 calendar days" in text and "30 calendar days" in text
    assert header_problems(text) == []


def test_the_30_day_assessment_window_is_credited_to_pdpc_guidance_not_s26c(bank: Bank) -> None:
    header = header_comment()
    assert not re.search(r"30 calendar days[^;.]*s26C", header)
    assert re.search(r"30 calendar days[^;.]*Guide on Managing and Notifying", header)
    for entry in entries(bank):
        for sentence in entry.sentences():
            if re.search(r"\b30 (calendar )?days\b", sentence) and re.search(
                r"assess|breach", sentence
            ):
                assert any(kind(r) == "guidance" for r in entry.references), entry.where
                assert "PDPC" in sentence and "s26C" not in sentence, sentence


def test_decisions_carry_their_checked_neutral_citations(bank: Bank) -> None:
    references = [r for entry in entries(bank) for r in entry.references]
    eatigo = [r for r in references if "Eatigo" in r]
    assert eatigo and all("[2022] SGPDPC 9" in r for r in eatigo)
    text = " ".join(t for entry in entries(bank) for t in entry.texts)
    assert "Eatigo decision (2023)" not in text


def test_the_media_rule_says_what_pdpc_guidance_says_and_cites_it(bank: Bank) -> None:
    for entry in entries(bank):
        if entry.where == "action brief-notification-rules":
            continue  # reworded by the incident-kinds change (issue 14, items 1-4)
        for sentence in entry.sentences():
            if re.search(r"media statement|public or media", sentence):
                # PDPC's page: widespread public attention, PDPC first, then people and media.
                assert "widespread public attention" in sentence, sentence
                assert any(
                    kind(r) == "guidance"
                    and "Guidance on Notification to Affected Individuals" in r
                    for r in entry.references
                ), entry.where


def test_cyber_essentials_edition_is_stated_and_names_follow_the_measures_table(
    bank: Bank,
) -> None:
    assert bank.cyber_essentials_edition
    assert "2025" in bank.cyber_essentials_edition
    titles = {m["title"] for e in entries(bank) for r in e.references if (m := MEASURE.search(r))}
    assert titles <= {m.title.casefold() for m in MEASURES_BY_ID.values()}


# --- the checker itself fails a new unsourced statement ----------------------------------------


def one_question_bank(**question: Any) -> Bank:
    base: dict[str, Any] = {
        "id": "q-one",
        "domain": "d",
        "kind": "yes_no",
        "text": "Is it done?",
        "why": "Because it helps.",
    }
    return Bank.model_validate(
        {
            "id": "legal-test",
            "version": "1.0.0",
            "title": "T",
            "description": "D",
            "cyber_essentials_edition": "CSA Cyber Essentials mark (2025)",
            "domains": [{"id": "d", "title": "D", "weight": 1, "description": "D"}],
            "questions": [base | question],
        }
    )


@pytest.mark.parametrize(
    ("why", "references", "complaint"),
    [
        ("The PDPA requires a DPO.", [], "no guidance or regulation or statute reference"),
        ("You must notify PDPC.", ["CSA Cyber Essentials A.9 (incident response)"], "no guidance"),
        ("Notify within 3 calendar days.", [], "no guidance or regulation or statute reference"),
        ("PDPC expects it within 30 calendar days.", ["PDPA s26C"], "no guidance reference"),
        ("Under s26D(2) you tell people.", ["PDPA s26B"], "names s26D but no reference"),
        ("Reg 6 lists the content; see reg 6.", ["PDPA s26D"], "names a regulation"),
        ("See the Eatigo decision.", ["PDPA s24"], "decision Eatigo named without"),
        ("Stated plainly.", ["PDPC decision: Eatigo (2023)"], "Eatigo is [2022] SGPDPC 9"),
        ("Stated plainly.", ["Some blog post"], "reference of no known kind"),
        ("CSA Cyber Essentials asks for it.", ["PDPA s24"], "no measure reference"),
        ("Stated plainly.", ["CSA Cyber Essentials A.4 (virus protection)"], "should name A.4"),
    ],
)
def test_the_checker_fails_an_unsourced_or_miscited_statement(
    why: str, references: list[str], complaint: str
) -> None:
    problems = bank_problems(one_question_bank(why=why, references=references))
    assert any(complaint in p for p in problems), problems


def test_the_checker_passes_a_sourced_statement_and_a_plain_one() -> None:
    sourced = one_question_bank(
        why="The PDPA requires you to notify PDPC within 3 calendar days (s26D(1)).",
        references=["PDPA s26D(1) (notifying PDPC)"],
    )
    plain = one_question_bank(why="A password manager makes long passwords practical.")
    assert bank_problems(sourced) == []
    assert bank_problems(plain) == []


def test_a_question_whose_measures_and_references_differ_is_reported() -> None:
    bank = one_question_bank(
        references=["CSA Cyber Essentials A.5 (access control)"], cyber_essentials=["A.6"]
    )
    assert any("cites measures ['A.5'] but maps ['A.6']" in p for p in bank_problems(bank))


def test_the_header_checker_fails_an_unsourced_breach_rule() -> None:
    assert header_problems("Notify PDPC within 3 calendar days.")
    assert not header_problems("Notify PDPC within 3 calendar days (s26D(1)).")


def test_the_coverage_doc_states_the_edition_the_bank_maps(bank: Bank) -> None:
    doc = render_coverage(bank)
    assert doc.count("Cyber Essentials edition mapped: CSA Cyber Essentials mark, 2025") == 2
    unstated = render_coverage(
        one_question_bank().model_copy(update={"cyber_essentials_edition": None})
    )
    assert "Cyber Essentials edition mapped: not stated by this bank." in unstated
