"""Terminal output through Rich, with user text never parsed as markup."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from pdpa_check.text import for_output


def console() -> Console:
    return Console(highlight=False, emoji=False)


def plain(text: str, style: str = "") -> Text:
    """User or bank text as literal Rich text, sanitised for the terminal."""
    return Text(for_output(text), style=style)
