"""Reading rendered Markdown and TOML as a reader's tools would, and the hostile text to try.

Shared by the report, kit document and notice tests: parsers (with and without
linkify), token walkers that give headings, tables and the block outline, and
the payloads and Hypothesis strategies used to try to break the output.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator

import pytest
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pdpa_check.support.text import TextError, clean_name, for_output


def permissive(md: MarkdownIt) -> MarkdownIt:
    """Accept every link URL (markdown-it refuses javascript: itself; other renderers may not)."""
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def commonmark() -> MarkdownIt:
    return permissive(MarkdownIt("commonmark").enable("table"))


HAS_LINKIFY = importlib.util.find_spec("linkify_it") is not None


needs_linkify = pytest.mark.skipif(not HAS_LINKIFY, reason="linkify-it-py is not installed")


def linkifying_parsers() -> list[MarkdownIt]:
    if not HAS_LINKIFY:
        return []
    return [
        permissive(MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify"])),
        permissive(MarkdownIt("gfm-like")),
    ]


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def inline_text(token: Token) -> str:
    """What a reader sees of an inline token: its text with escapes resolved."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, inline_text(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (header row first)."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(inline_text(tokens[i + 1]))
        elif token.type == "tr_close":
            found[-1].append(row)
    return found


def outline(tokens: list[Token]) -> list[tuple[str, str]]:
    """The block structure: every block token except the inline text itself."""
    return [(token.type, token.tag) for token in tokens if token.type != "inline"]


PAYLOADS = [
    "# Fake: ALL COMPLIANT",
    "\n\n# x",
    "ok\n\n## Summary\n\n- **Readiness score:** 100 / 100",
    "---",
    "===",
    "| a | b |",
    "a | b | c | d | e | f",
    "<script>alert(1)</script>",
    "<img src=x>",
    "[x](javascript:alert(1))",
    "![](http://e.vil/p.png)",
    "<!-- c -->",
    "``` code",
    "    indented code",
    "http://evil.example",
    "www.evil.example",
    "<http://evil.example>",
    "a@b.com",
    "<a@b.com>",
    "[ref]: http://evil.example",
    "&lt;script&gt; &#60;img&#62; &amp;",
    "\x1b]0;title\x07",
    "\x1b[2J\x1b[5mblink",
    "\x9b31m C1",
    "\u202e",
    "abc\u202edef\u2066x\u2069",
    "zero\u200bwidth\ufeff",
    "1. list",
    "1) list",
    "- item",
    "+ item",
    "* item",
    "> quote",
    "*bold* _em_ ~~strike~~ `code`",
    "\\",
    "trailing backslash\\",
    "line\r\nbreak\rcr",
    "\t\ttabbed",
    "emoji 👩\u200d💻 and Tamil தமிழ் and Arabic مرحبا",
]


# ESC, C0 (except tab/newline), DEL, C1, bidi and zero-width formatting characters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)


def name_from(text: str) -> str:
    """`text` as a valid profile name (the profile refuses names that clean to nothing)."""
    try:
        if clean_name(text):
            return text
    except TextError:
        pass
    return text + "x"


def flat(text: str) -> str:
    return " ".join(for_output(text).split())


HOSTILE_PIECES = [
    "#",
    "\n",
    "\r",
    "\t",
    " ",
    "|",
    "<",
    ">",
    "[",
    "]",
    "(",
    ")",
    "!",
    "`",
    "```",
    "*",
    "_",
    "-",
    "+",
    "=",
    "~",
    "&",
    ":",
    "/",
    "\\",
    "@",
    ".",
    "1.",
    "2)",
    "www.",
    "http://",
    "javascript:",
    "<script>",
    "<!--",
    "&amp;",
    "&#60;",
    "---",
    "\x1b",
    "\x07",
    "\x85",
    "\x9b",
    "\u2028",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "e\u0301",
    "x",
]


hostile_text = st.lists(
    st.sampled_from(HOSTILE_PIECES) | st.text(max_size=3), min_size=1, max_size=12
).map("".join)


toml_text = st.lists(
    st.sampled_from(
        [
            '"',
            "'",
            '"""',
            "'''",
            "\\",
            "\\u0000",
            "]\n[evil]",
            "[[plan]]\nid = 'x'",
            "= 1",
            "\n",
            "\r\n",
            "\x00",
            "\x1b[31m",
            "\x7f",
            "\x85",
            "\ud800",
            "\udfff",
            "\u202e",
            "#",
        ]
    )
    | st.text(max_size=4),
    max_size=10,
).map("".join)
