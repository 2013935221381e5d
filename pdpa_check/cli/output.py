"""Terminal output through Rich, with user text never parsed as markup.

Rich is imported on first use: commands that only print a document never load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def console() -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 here; the entry point ends a closed pipe quietly instead.
            self.quiet = True
            raise BrokenPipeError

    return _Console(highlight=False, emoji=False)


def plain(text: str, style: str = "") -> Text:
    """User or bank text as literal Rich text, sanitised for the terminal."""
    from rich.text import Text

    return Text(for_output(text), style=style)
