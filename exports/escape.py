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
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Punctuation that can start or end Markdown syntax anywhere in a line of text. ("!" only
# makes an image before "[", which is escaped; ">" only matters at the start, below.)
_SYNTAX = re.compile(r"([#*<\[\\\]_`|~])")
# "&" that could begin an entity ("&amp;", "&#60;"), or end the text (what follows is unknown).
_AMPERSAND = re.compile(r"&(?=[#A-Za-z0-9]|$)")
# A list marker, a blockquote or the start of a thematic break or setext underline, at the start.
_LEADING = re.compile(r"^(\d{1,9})([.)])|^([-+=>])")
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
# A URL scheme's colon that a linkifier turns into a link ("http://", "mailto:a@b").
_SCHEME_COLON = re.compile(r"(?i)(?:(?:https?|ftp):(?=//)|mailto:(?=[\w.+-]+@[\w-]))")


def inline(text: str) -> str:
    """`text` on one line as literal Markdown inline content, safe in any place."""
    flat = " ".join(for_output(text).split())
    syntax = {match.start() for match in _SYNTAX.finditer(flat)}
    if "[" in flat:
        syntax -= _plain_brackets(flat)
    entities = {match.start() for match in _AMPERSAND.finditer(flat)}
    escaped = _backslashed(flat, syntax | entities | _autolink_points(flat))
    return _LEADING.sub(_escape_leading, escaped)


def _backslashed(text: str, points: set[int]) -> str:
    """`text` with a backslash before the character at each of `points`."""
    pieces: list[str] = []
    start = 0
    for point in sorted(points):
        pieces += (text[start:point], "\\")
        start = point
    pieces.append(text[start:])
    return "".join(pieces)


def _plain_brackets(text: str) -> set[int]:
    """Where the brackets of a balanced "[...]" cannot make a link, a reference or a task box.

    That is, "[" is not the first character nor after "!", and "]" is followed by
    none of "(", "[", ":" (nor by the end of the text, since what follows is not known).
    A balanced pair inside a link's own text leaves that link as it is.
    """
    plain: set[int] = set()
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "[":
            opened.append(index)
        elif char == "]" and opened:
            start = opened.pop()
            after = text[index + 1 : index + 2]
            if start > 0 and text[start - 1] != "!" and after not in ("", "(", "[", ":"):
                plain.update((start, index))
    return plain


def _expanded(patterns: str) -> frozenset[str]:
    """Each name "a|b[cd]" stands for: {"a", "bc", "bd"} (a set, as a regex is slow to build)."""
    names: set[str] = set()
    for pattern in patterns.split("|"):
        head, _, tails = pattern.partition("[")
        if tails:
            names.update(head + tail for tail in tails.rstrip("]"))
        else:
            names.add(head)
    return frozenset(names)


_TLD_NAMES = _expanded(_TLDS)


def _pseudo_letter(char: str) -> bool:
    """linkify-it's "letter": anything but a separator, punctuation or control, or <>｜."""
    return char not in "<>｜" and unicodedata.category(char)[0] not in "ZP" and char >= " "


def _boundary(char: str) -> bool:
    """What may come right before a URL scheme: anything but a scheme's own characters."""
    return not (char.isascii() and (char.isalnum() or char in "+.-"))


# What may be in a host name: the ASCII "letters" (as `_pseudo_letter` judges them), dots
# and hyphens, and any non-ASCII character (judged one by one, below). Written as what it
# excludes, which compiles about twenty times faster than the range it means.
_HOST_CHAR = r"[^\x00-\x20!\"#%&'()*,/:;<>?@\[\\\]_{}]"
# A whole run of them with a dot inside: only such a run can hold a host name's labels.
_DOTTED_RUN = re.compile(rf"(?<!{_HOST_CHAR}){_HOST_CHAR}*\.{_HOST_CHAR}+")


def _hosts(text: str) -> Iterator[tuple[int, str]]:
    """Each run a linkifier could read as a host name (its "letters", dots and hyphens)
    that has a dot inside it."""
    for match in _DOTTED_RUN.finditer(text):
        if match.group().isascii():
            yield match.start(), match.group()
        else:
            yield from _hosts_within(match.group(), match.start())


def _hosts_within(run: str, offset: int) -> Iterator[tuple[int, str]]:
    start = None
    for index, char in enumerate([*run, " "]):
        inside = char in ".-" or _pseudo_letter(char)
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            yield offset + start, run[start:index]
            start = None


def _autolink_points(text: str) -> set[int]:
    """Where a backslash stops a linkifier (linkify-it's rules for bare links).

    A URL scheme's colon (also after a dot: a linkifier reads ".http://x" as a link);
    and a host name ("shop.example.com.sg": labels of
    letters, digits and inner hyphens, the last a top-level domain) that starts a
    link or follows an e-mail's "@" or a "//": its first dot, because what follows
    an escape is read from that dot, and a host name cannot start with one.
    """
    points = {
        m.end() - 1
        for m in _SCHEME_COLON.finditer(text)
        if m.start() == 0 or _boundary(text[m.start() - 1]) or text[m.start() - 1] == "."
    }
    for start, run in _hosts(text):
        if _hostname(text, start, run.rstrip(".")):
            points.add(start + run.index("."))
    return points


def _hostname(text: str, start: int, run: str) -> bool:
    labels = run.split(".")
    if len(labels) < 2 or labels[-1].lower() not in _TLD_NAMES:
        return False
    if any(not label or label[0] == "-" or label[-1] == "-" for label in labels):
        return False
    end = start + len(run)
    if end < len(text) and text[end] == "_":
        return False
    before = text[start - 1] if start else " "
    if before == "@":  # an e-mail address: something before the "@"
        return start >= 2 and (text[start - 2].isalnum() or text[start - 2] in "._+-")
    if before == "/":  # "//host": a link without a scheme
        return text[max(0, start - 2) : start] == "//"
    return before not in "_:"


def _escape_leading(match: re.Match[str]) -> str:
    if match.group(3):
        return "\\" + match.group(3)
    return match.group(1) + "\\" + match.group(2)


def finish(document: str) -> str:
    """`document` with every backslash that changes nothing in its block removed."""
    return "\n\n".join(_minimal(block) for block in _BLOCKS.split(document))


# A blank line before a line that starts at the margin: the next top-level block.
_BLOCKS = re.compile(r"\n\n(?=\S)")


# A block's result depends on the block alone, and documents are re-rendered with most of
# their blocks unchanged (the app on every keystroke in the kit, every export of a plan).
@lru_cache(maxsize=2048)
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
    escapes = _escapes(text)
    forced = _forced(text, escapes)
    if forced == set(escapes):
        return text  # every backslash stops a linkifier: nothing to render or drop
    wanted = _render(before + text + after)
    skipped = set(escapes)
    bare = "".join(char for i, char in enumerate(text) if i not in skipped)
    if not forced and (_render(before + bare + after) == wanted):
        return bare  # the common case: no backslash was needed
    current = text
    # Right to left, so that of a pair ("*x*", "[a](b)") the opening mark keeps its escape;
    # again until nothing changes, since dropping one escape can free an earlier one.
    while True:
        previous = current
        escapes = _escapes(current)
        forced = _forced(current, escapes)
        for index in reversed(escapes):
            if index in forced:
                continue
            candidate = current[:index] + current[index + 1 :]
            if _render(before + candidate + after) == wanted:
                current = candidate
        if current == previous:
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


def _forced(text: str, escapes: list[int]) -> set[int]:
    """The escapes in `text` that stop a linkifier, found on the text as it reads."""
    plain: list[str] = []
    where: dict[int, int] = {}
    skipped = set(escapes)
    for index, char in enumerate(text):
        if index in skipped:
            where[len(plain)] = index  # the escaped character's place, to its backslash
        else:
            plain.append(char)
    return {where[point] for point in _autolink_points("".join(plain)) if point in where}


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
