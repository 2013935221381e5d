"""User and bank text on screen: sanitised and never read as markup.

`[bold]x[/]` in a note shows as those characters; escape sequences are
stripped. Every widget that shows such text goes through `plain()`.
"""

from __future__ import annotations

from textual.content import Content

from pdpa_check.support.text import for_output


def plain(text: str) -> Content:
    """`text` as literal content, with control and bidi characters removed."""
    return Content(for_output(text))
