"""Outside text as literal Markdown, with a backslash only where one changes the rendering.

Two steps. `inline()` makes a piece of outside text (a name, a note, bank wording)
safe wherever it is written: it escapes every character that can start Markdown
syntax, so the text renders literally and cannot add structure. `finish()` then
reads the whole document block by block and drops each backslash whose removal
leaves that block's rendered HTML exactly as it was. The parser decides, so the
result is exact and context-aware: `#` keeps its escape only where it would open
or close a heading, `.` only after a leading number, `*` and `_` only where they
would pair up (even with text from another field on the same line), `|` only in
table cells, `<` and `&` only where they would start HTML or an entity.

Autolinks (GFM's and linkify's bare domains and URLs) are invisible to the
CommonMark parser, so their escapes (the dot before a top-level domain, the
colon of a URL scheme) are set by rule and always kept.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pdpa_check.text import for_output

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Punctuation that can start or end Markdown syntax anywhere in a line of text.
_SYNTAX = re.compile(r"([!#&*<>\[\\\]_`|~])")
# A list marker or the start of a thematic break or setext underline, at the start.
_LEADING = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
# linkify-it's top-level domains (its defaults and every two-letter country code):
# a dot before one of them, inside a word, makes a bare domain a link.
_TLDS = (
    "biz|com|edu|gov|net|org|pro|web|xxx|aero|asia|coop|info|museum|name|shop|рф|"
    "a[cdefgilmnoqrstuwxz]|b[abdefghijmnorstvwyz]|c[acdfghiklmnoruvwxyz]|d[ejkmoz]|"
    "e[cegrstu]|f[ijkmor]|g[abdefghilmnpqrstuwy]|h[kmnrtu]|i[delmnoqrst]|j[emop]|"
    "k[eghimnprwyz]|l[abcikrstuvy]|m[acdeghklmnopqrstuvwxyz]|n[acefgilopruz]|om|"
    "p[aefghklmnrstwy]|qa|r[eosuw]|s[abcdeghijklmnortuvxyz]|t[cdfghjklmnortvwz]|"
    "u[agksyz]|v[aceginu]|w[fs]|y[et]|z[amw]"
)
# What a linkifier turns into a link: a dot before a top-level domain inside a word
# ("evil.com"), and a URL scheme's colon ("http://", "ftp://", "mailto:someone").
_DOMAIN_DOT = re.compile(rf"(?i)(?<=[\w-])\.(?=(?:{_TLDS})(?![\w-]))")
_SCHEME_COLON = re.compile(r"(?i)(?<!\w)(?:(?:https?|ftp):(?=//)|mailto:(?=\S))")


def inline(text: str) -> str:
    """`text` on one line as literal Markdown inline content, safe in any place."""
    flat = " ".join(for_output(text).split())
    escaped = _SYNTAX.sub(r"\\\1", flat)
    escaped = _DOMAIN_DOT.sub(r"\\.", escaped)
    escaped = _SCHEME_COLON.sub(lambda m: m.group(0)[:-1] + "\\:", escaped)
    return _LEADING.sub(_escape_leading, escaped)


def _escape_leading(match: re.Match[str]) -> str:
    if match.group(3):
        return "\\" + match.group(3)
    return match.group(1) + "\\" + match.group(2)


def finish(document: str) -> str:
    """`document` with every backslash that changes nothing in its block removed."""
    return "\n\n".join(_minimal(block) for block in _BLOCKS.split(document))


# A blank line before a line that starts at the margin: the next top-level block.
_BLOCKS = re.compile(r"\n\n(?=\S)")


def _minimal(block: str) -> str:
    if "\\" not in block:
        return block
    lines = block.split("\n")
    if len(lines) > 3 and _TABLE_HEAD.match(lines[1]) and all(x.startswith("|") for x in lines):
        # A GFM table's rows render independently: each is checked under the header.
        head = _minimal_in(lines[0], "", "\n" + lines[1])
        rows = [_minimal_in(row, "\n".join(lines[:2]) + "\n", "") for row in lines[2:]]
        return "\n".join([head, lines[1], *rows])
    return _minimal_in(block, "", "")


# A table's delimiter row: "| --- | ---: |".
_TABLE_HEAD = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")


def _minimal_in(text: str, before: str, after: str) -> str:
    """`text` with the backslashes dropped that change nothing between `before` and `after`."""
    if "\\" not in text:
        return text
    wanted = _render(before + text + after)
    escapes = _escapes(text)
    skipped = set(escapes)
    bare = "".join(char for i, char in enumerate(text) if i not in skipped)
    if not any(_stops_autolink(text, i) for i in escapes) and (
        _render(before + bare + after) == wanted
    ):
        return bare  # the common case: no backslash was needed
    current = text
    # Right to left, so that of a pair ("*x*", "[a](b)") the opening mark keeps its escape.
    for index in reversed(escapes):
        if _stops_autolink(current, index):
            continue
        candidate = current[:index] + current[index + 1 :]
        if _render(before + candidate + after) == wanted:
            current = candidate
    return current


def _escapes(block: str) -> list[int]:
    """Indexes of the backslashes that escape the character after them."""
    found, index = [], 0
    while (index := block.find("\\", index)) != -1:
        if index + 1 < len(block) and block[index + 1] in _PUNCTUATION:
            found.append(index)
            index += 2
        else:
            index += 1
    return found


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _stops_autolink(block: str, index: int) -> bool:
    """Whether the backslash at `index` keeps a linkifier from making a link."""
    char = block[index + 1]
    if char not in ".:":
        return False
    bare = block[:index] + block[index + 1 :]
    pattern = _DOMAIN_DOT if char == "." else _SCHEME_COLON
    return any((m.start() if char == "." else m.end() - 1) == index for m in pattern.finditer(bare))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # CommonMark with GFM's tables and strikethrough; links are accepted as written,
    # so a link that a stricter renderer would refuse still counts as a change.
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _render(source: str) -> str:
    html: str = _parser().render(source)
    return html
