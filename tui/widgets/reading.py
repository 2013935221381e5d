"""A kit document's Markdown as plain text to read on screen.

Markdown source is hard to read in a terminal (escapes, table pipes), and a
Markdown widget would turn links and styles into live content. This parses the
document with markdown-it (as the exports are checked) and writes plain lines:
headings underlined, bullets, numbered steps, quotes marked with a bar, each
table row as a bullet with its columns below. The result is shown in a
read-only text area, which never interprets markup, so names like
`[bold]x[/]` or `[@click=app.quit]` show exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len

from pdpa_check.support.text import for_output

_PARSER = MarkdownIt("commonmark").enable("table")
RULE = "─" * 40
UNDERLINES = {"h1": "═", "h2": "─"}
QUOTE = "│ "


@dataclass
class _List:
    ordered: bool
    number: int


@dataclass
class _Reader:
    lines: list[str] = field(default_factory=list)
    # What starts each line at the current depth: quote bars and list indents.
    prefixes: list[str] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    # The bullet or number of a list item, for its first line only.
    marker: str | None = None
    table: list[list[str]] | None = None

    def emit(self, text: str) -> None:
        for line in text.split("\n"):
            prefix = "".join(self.prefixes)
            if self.marker is not None and self.prefixes:
                prefix = "".join(self.prefixes[:-1]) + self.marker
                self.marker = None
            self.lines.append((prefix + line).rstrip())

    def blank(self) -> None:
        quote = "".join(p for p in self.prefixes if p == QUOTE).rstrip()
        if self.lines and self.lines[-1] not in ("", quote):
            self.lines.append(quote)

    def block(self, token: Token, text: str) -> None:
        """Write a block token's text (inline content already flattened)."""
        if self.table is not None:
            self.table[-1].append(text)
        elif token.type == "inline":
            self.emit(text)


def reading_text(source: str) -> str:
    """`source` (Markdown) as plain text lines a person reads top to bottom."""
    reader = _Reader()
    heading = ""
    for token in _PARSER.parse(for_output(source)):
        kind = token.type
        if kind == "inline":
            text = _inline(token)
            if heading:
                reader.emit(text)
                underline = UNDERLINES.get(heading)
                if underline:
                    reader.emit(underline * max(cell_len(text), 3))
            else:
                reader.block(token, text)
        elif kind == "heading_open":
            heading = token.tag
            reader.blank()
        elif kind == "heading_close":
            heading = ""
            reader.blank()
        else:
            _structure(reader, token)
    return "\n".join(reader.lines).strip("\n") + "\n"


def _structure(reader: _Reader, token: Token) -> None:
    kind = token.type
    if kind == "paragraph_close" and not token.hidden:
        reader.blank()
    elif kind in ("bullet_list_open", "ordered_list_open"):
        start = token.attrs.get("start", 1)
        reader.lists.append(_List(kind == "ordered_list_open", int(start or 1)))
    elif kind in ("bullet_list_close", "ordered_list_close"):
        reader.lists.pop()
        if not reader.lists:
            reader.blank()
    elif kind == "list_item_open" and reader.lists:
        current = reader.lists[-1]
        marker = f"{current.number}. " if current.ordered else "• "
        current.number += 1
        reader.prefixes.append(" " * len(marker))
        reader.marker = marker
    elif kind == "list_item_close" and reader.prefixes:
        reader.prefixes.pop()
        reader.marker = None
    elif kind == "blockquote_open":
        reader.blank()
        reader.prefixes.append(QUOTE)
    elif kind == "blockquote_close" and reader.prefixes:
        if reader.lines and reader.lines[-1] == "".join(reader.prefixes).rstrip():
            reader.lines.pop()  # no empty quote line at the end of the quote
        reader.prefixes.pop()
        reader.blank()
    elif kind == "hr":
        reader.blank()
        reader.emit(RULE)
        reader.blank()
    elif kind in ("fence", "code_block", "html_block"):
        indent = "    " if kind != "html_block" else ""
        reader.emit("\n".join(indent + line for line in token.content.rstrip("\n").split("\n")))
        reader.blank()
    else:
        _table(reader, token)


def _table(reader: _Reader, token: Token) -> None:
    kind = token.type
    if kind == "table_open":
        reader.table = []
    elif kind == "tr_open" and reader.table is not None:
        reader.table.append([])
    elif kind == "table_close" and reader.table is not None:
        rows, reader.table = reader.table, None
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        for row in body:
            reader.emit(f"• {row[0] if row else ''}")
            for name, cell in zip(header[1:], row[1:], strict=False):
                if cell.strip():
                    reader.emit(f"    {name}: {cell}" if name.strip() else f"    {cell}")
        reader.blank()


def _inline(token: Token) -> str:
    """The text of an inline token: styles dropped, a link's address after its text."""
    parts: list[str] = []
    links: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content)
        elif kind == "link_open":
            links.append(str(child.attrs.get("href", "")))
        elif kind == "link_close" and links:
            href = links.pop()
            if href and not "".join(parts).endswith(href):
                parts.append(f" ({href})")
    return "".join(parts)
