"""The Markdown plan a vendor reads: its shape and length, and raw text that reads well.

Everything here reads the export with markdown-it-py, as a viewer would. "Reads
well raw" is tested as: rendering gives back the intended text, and every
backslash in the file is needed, where needed means that removing that one
backslash changes the rendered HTML (CommonMark with GFM tables and
strikethrough) or, when linkify-it-py is installed, what a linkifying viewer
makes of it.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from report_support import make_report, renamed
from tui_support import demo_session

from pdpa_check.cli.base import cli
from pdpa_check.exports.document import ItemStatus
from pdpa_check.exports.escape import _escapes, _forced, finish, inline
from pdpa_check.exports.markdown import render_markdown
from pdpa_check.questionnaires.loader import builtin_bank
from pdpa_check.questionnaires.model import Bank
from pdpa_check.questionnaires.profile import Profile
from pdpa_check.support.text import for_output

HAS_LINKIFY = importlib.util.find_spec("linkify_it") is not None
# A printed A4 page (portrait, 11 pt, 2 cm margins) holds about 55 lines of 90 characters.
A4_COLUMNS, A4_LINES = 90, 55


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def linkifier() -> MarkdownIt | None:
    if not HAS_LINKIFY:
        return None
    md = MarkdownIt("gfm-like")
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def text_of(token: Token) -> str:
    """What a reader sees of an inline token."""
    return "".join(
        child.content
        for child in token.children or []
        if child.type in ("text", "text_special", "code_inline")
    )


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, text_of(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def section(tokens: list[Token], title: str) -> list[Token]:
    """The tokens from the h2 `title` up to the next h2."""
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and text_of(tokens[i + 1]) == title
    )
    end = next(
        (
            i
            for i in range(start + 1, len(tokens))
            if tokens[i].type == "heading_open" and tokens[i].tag == "h2"
        ),
        len(tokens),
    )
    return tokens[start:end]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    found: list[list[list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type in ("th_open", "td_open"):
            found[-1][-1].append(text_of(tokens[i + 1]))
    return found


def printed_lines(tokens: list[Token]) -> int:
    """Lines the tokens take on paper: each block's text wrapped at A4_COLUMNS, plus spacing.

    Headings and paragraphs are followed by a blank line; list items are not (a
    list is followed by one); table rows take a line each.
    """
    lines = 0
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        opener = tokens[i - 1].type
        lines += max(1, math.ceil(len(text_of(token)) / A4_COLUMNS))
        inside_list = any(t.type == "list_item_open" for t in tokens[max(0, i - 3) : i])
        if opener in ("heading_open", "paragraph_open") and not inside_list:
            lines += 1
    lines += sum(t.type in ("bullet_list_close", "ordered_list_close") for t in tokens)
    return lines


# The demo's document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_markdown(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The demo's short and full Markdown plans, as `plan --format md [--full]` prints them."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    demo_session(db).store.close()
    runner = CliRunner()
    short = runner.invoke(cli, ["--db", str(db), "plan", "--format", "md"])
    full = runner.invoke(cli, ["--db", str(db), "plan", "--format", "md", "--full"])
    assert short.exit_code == 0 and full.exit_code == 0, short.output + full.output
    return short.output, full.output


def test_demo_document_is_short_and_this_month_fits_two_a4_pages(
    demo_markdown: tuple[str, str],
) -> None:
    short, full = demo_markdown
    assert len(short.splitlines()) <= 300
    assert len(full.splitlines()) > 2 * len(short.splitlines())
    month = section(parser().parse(short), "This month")
    assert printed_lines(month) <= 2 * A4_LINES


def test_the_short_appendix_lists_the_costly_gaps_and_counts_the_rest(
    tmp_path: Path, demo_markdown: tuple[str, str]
) -> None:
    from pdpa_check.exports.document import findings
    from pdpa_check.exports.markdown import APPENDIX_MIN_POINTS

    short, full = demo_markdown
    report = demo_session(tmp_path / "demo.db").report(redact=False)
    found = list(findings(report))
    small = [f for f in found if f.points_lost < APPENDIX_MIN_POINTS - 1e-9]
    assert small and len(small) < len(found)
    appendix = short.partition("## Appendix: Where points were lost")[2]
    table_rows = [
        line for line in appendix.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert len(table_rows) - 1 == len(found) - len(small)  # less the header row
    total = sum(f.points_lost for f in small)
    assert f"And {len(small)} smaller gaps, under 0.5 points each ({total:.1f} points in all)" in (
        appendix
    )
    full_rows = full.partition("## Where points were lost")[2].split("\n## ")[0]
    assert sum(line.startswith("| ") for line in full_rows.splitlines()) - 2 == len(found)


def test_demo_document_outline(tmp_path: Path, demo_markdown: tuple[str, str]) -> None:
    session = demo_session(tmp_path / "demo.db")
    plan = session.assessed().plan
    tokens = parser().parse(demo_markdown[0])
    found = headings(tokens)
    month = plan.entries_in("this-month")
    later = [title for horizon, title in _horizon_titles() if plan.entries_in(horizon)]
    expected = [
        ("h1", "PDPA readiness plan: Kampong Threads Pte Ltd"),
        ("h2", "Summary"),
        ("h2", "This month"),
        *[("h3", f"{n}. {entry.action.title} · {entry.id}") for n, entry in enumerate(month, 1)],
        # The demo's Shopify, Klaviyo and HubSpot have their own steps for this month's fixes.
        ("h2", "This month on each platform"),
        *[("h2", title) for title in later],
        ("h2", "Questions for your IT vendor"),
        ("h2", "Appendix: Cyber Essentials measures (indicative)"),
        ("h2", "Appendix: Where points were lost"),
        ("h2", "About this score"),
    ]
    assert found == expected
    # The later horizons: one row per fix, ranked on from This month, with the seven columns.
    rows = [row for table in tables(tokens)[:-1] for row in table]
    body = [row for row in rows if row[0] != "#"]
    assert all(len(row) == 7 for row in rows)
    assert [row[0] for row in body] == [
        str(n) for n in range(len(month) + 1, len(plan.entries) + 1)
    ]
    later_entries = [entry for entry in plan.entries if entry.horizon != "this-month"]
    assert [row[1].removesuffix(" (critical)") for row in body] == [
        entry.action.title for entry in later_entries
    ]
    # The summary: score, band, the month's projection, one line per critical gap.
    summary = [text_of(t) for t in section(tokens, "Summary") if t.type == "inline"]
    assert any(line.startswith("If This month's items are done:") for line in summary)
    critical = session.assessed().result.critical_failures
    assert f"Critical gaps: {len(critical)}" in summary
    # The appendix tally: one line per measure.
    tally = [text_of(t) for t in section(tokens, _tally_title()) if t.type == "inline"]
    assert sum(bool(re.match(r"A\.\d ", line)) for line in tally) == 9


def _horizon_titles() -> list[tuple[str, str]]:
    from pdpa_check.scoring.result import HORIZONS

    return [(h, t) for h, t in HORIZONS.items() if h != "this-month"]


def _tally_title() -> str:
    return "Appendix: Cyber Essentials measures (indicative)"


def test_full_is_only_for_markdown() -> None:
    result = CliRunner().invoke(cli, ["--demo", "plan", "--format", "toml", "--full"])
    assert result.exit_code == 2
    assert "--full goes with --format md" in result.output


def test_demo_raw_markdown_has_no_needless_escapes(demo_markdown: tuple[str, str]) -> None:
    for document in demo_markdown:
        for pattern in (r"e\.g\.", r"A\.5", r"\#", r"\@", r"\(", r"\-"):
            assert pattern not in document, pattern
        assert not needless_backslashes(document)


# Every text of the built-in bank ---------------------------------------------------------

# Where outside text is written: the line around it, and the text's place in the line.
PLACES = {
    "paragraph start": ("{}", 0),
    "list item": ("- {}", 0),
    "after a label": ("Why: {} (x)", 0),
    "heading end": ("### 1. {}", 0),
    "table cell": ("| a | b |\n| --- | --- |\n| {} | x |", 0),
    "bold": ("- **{}** x", 0),
}


def bank_texts(bank: Bank) -> Iterator[str]:
    yield bank.title
    for domain in bank.domains:
        yield domain.title
    for question in bank.questions:
        yield question.text
        yield from (option.label for option in question.options)
        yield from question.references
        if question.ask_vendor:
            yield question.ask_vendor
    for action in bank.actions:
        yield action.title
        yield action.why
        yield from action.steps
        yield from action.references
    for entry in bank.upcoming:
        yield entry.title
        yield entry.text
        yield from entry.references


def rendered_text(source: str) -> str:
    """Every piece of text a reader sees in `source`, joined by spaces."""
    pieces = [text_of(t) for t in walk(parser().parse(source)) if t.type == "inline"]
    return " ".join(" ".join(pieces).split())


def needless_backslashes(document: str) -> list[str]:
    """The escapes in `document` whose removal changes nothing a reader or linkifier sees.

    One allowance: the guards against autolinks (a dot starting a host name's
    top-level domains, a URL scheme's colon) follow linkify-it's rules by rule, not
    by parsing, so in rare odd text (a host name right before an "@", say) a guard
    the rule sets may turn out not to matter; those are allowed, and only those.
    """
    renderers = _renderers()
    starts = _escapes(document)
    guards = _forced(document, starts)
    checked = [start for start in starts if start not in guards]
    if not checked:
        return []
    blocks = independent_blocks(document)
    # Whole documents are rendered afresh, not kept: they are large, and seldom seen again.
    render = _html if blocks is not None else lambda n, source: renderers[n].render(source)
    needless = []
    for start in checked:
        offset, source = next(b for b in reversed(blocks or [(0, document)]) if b[0] <= start)
        bare = source[: start - offset] + source[start - offset + 1 :]
        if any(render(n, bare) != render(n, source) for n in range(len(renderers))):
            continue
        needless.append(document[max(0, start - 20) : start + 22])
    return needless


@functools.cache
def _renderers() -> tuple[MarkdownIt, ...]:
    """The readers `needless_backslashes` asks: CommonMark, and a linkifier if installed."""
    linker = linkifier()
    return (parser(),) if linker is None else (parser(), linker)


@functools.lru_cache(maxsize=8192)
def _html(renderer: int, source: str) -> str:
    """`source` rendered by `_renderers()[renderer]`: a pure function of the text, kept,
    since the documents of a property test share most of their blocks and escapes."""
    html: str = _renderers()[renderer].render(source)
    return html


# A blank line before a line that starts at the margin: the next top-level block (as
# exports/escape.py's `finish` splits a document).
BLOCKS = re.compile(r"\n\n(?=\S)")


def independent_blocks(document: str) -> list[tuple[int, str]] | None:
    """`document`'s top-level blocks (offset, text), when each renders on its own as it
    does in place, for every reader in `_renderers()`.

    Then removing one backslash changes the document's rendering exactly when it changes
    its own block's: a backslash can reach other blocks only through what also changes
    its block on its own (opening a fence or an HTML block, starting a list item, making
    a reference definition), apart from a reference defined elsewhere (so there must be
    none) and a list's looseness across blocks (so the document must render as its
    blocks joined). Checked, not assumed: None when it does not hold, and then the
    whole document is rendered again for every backslash.
    """
    starts = [0, *(match.end() for match in BLOCKS.finditer(document))]
    ends = [*(start - 2 for start in starts[1:]), len(document)]
    blocks = [(start, document[start:end]) for start, end in zip(starts, ends, strict=True)]
    for n, md in enumerate(_renderers()):
        env: dict[str, object] = {}
        whole = md.renderer.render(md.parse(document, env), md.options, env)
        if env.get("references"):
            return None
        if whole != "".join(_html(n, block) for _, block in blocks):
            return None
    return blocks


def flat(text: str) -> str:
    return " ".join(for_output(text).split())


def test_every_bank_text_renders_as_written_with_only_needed_escapes(bank: Bank) -> None:
    texts = sorted(set(bank_texts(bank)))
    assert len(texts) > 300
    for place, (line, _) in PLACES.items():
        document = finish("\n\n".join(line.format(inline(text)) for text in texts))
        blocks = document.split("\n\n")
        assert len(blocks) == len(texts), place
        for text, block in zip(texts, blocks, strict=True):
            assert flat(text) in rendered_text(block), (place, text)
        assert not needless_backslashes(document), place


# User text: notes, owner names, system names -----------------------------------------------

PIECES = [
    *"#*_`~|<>[]()!&\\-+=.:@",
    "1.",
    "2)",
    "**",
    "__",
    "~~",
    "```",
    "---",
    "http://",
    "www.",
    ".com",
    ".sg",
    "mailto:",
    "&amp;",
    "&#60;",
    "<b>",
    "[x](y)",
    " ",
    "a",
    "e.g.",
    "A.5",
]
user_text = st.lists(
    st.sampled_from(PIECES) | st.text(st.characters(exclude_categories=["Cs"]), max_size=3),
    min_size=1,
    max_size=10,
).map("".join)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(note=user_text, owner=user_text, system=user_text)
def test_user_text_renders_as_written_with_only_needed_escapes(
    note: str, owner: str, system: str, profile: Profile
) -> None:
    bank = builtin_bank()
    system_name = _name(system)
    owner_name = _name(owner)
    report = make_report(
        bank,
        renamed(profile, "Test Shop", lambda s: system_name if s.key == "meta" else s.name),
        note=lambda original: note if original else original,
        statuses={"enforce-mfa/shopify": ItemStatus(status="in_progress", owner=owner_name)},
    )
    for full in (False, True):
        document = render_markdown(report, full=full)
        tokens = parser().parse(document)
        seen = [text_of(t) for t in walk(tokens) if t.type == "inline"]
        if flat(note):
            notes = [row[3] for row in tables(tokens)[-1][1:] if len(row) > 3]
            assert flat(note) in notes, (full, notes)
        assert any(flat(owner_name) in line for line in seen), full
        assert any(flat(system_name) in line for line in seen), full
        assert not needless_backslashes(document), full


def _name(text: str) -> str:
    """`text` as a name the profile and plan accept (never empty after cleaning)."""
    return flat(text) or "x"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Settings > Users > Add users", "Settings > Users > Add users"),
        ("> quoted", "\\> quoted"),
        ("Users & Teams", "Users & Teams"),
        ("AT&T", "AT\\&T"),
        ("&amp; &#60;", "\\&amp; \\&\\#60;"),
        ("Tom &", "Tom \\&"),
        ("Back up now!", "Back up now!"),
        ("![x](y)", "!\\[x\\](y)"),
        ("Tokyo Century Leasing [2023] SGPDPC 9", "Tokyo Century Leasing [2023] SGPDPC 9"),
        ("[x] done", "\\[x\\] done"),
        ("see [a](b) and [c][d] and [e]: f", "see \\[a\\](b) and \\[c\\][d] and \\[e\\]: f"),
        ("one [two] three]", "one [two] three\\]"),
        ("a [b] [c", "a [b] \\[c"),
    ],
)
def test_inline_escapes_only_what_could_start_syntax(text: str, escaped: str) -> None:
    # Fewer escapes up front leave fewer blocks for `finish` to render and check.
    assert inline(text) == escaped
    for place, (line, _) in PLACES.items():
        assert flat(text) in rendered_text(finish(line.format(inline(text)))), place
