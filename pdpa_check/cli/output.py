"""Terminal output through Rich, with user text never parsed as markup.

Rich is imported on first use: commands that only print a document never load it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pdpa_check.support.text import for_output

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


F = TypeVar("F", bound=Callable[..., Any])
# Where a table goes to a pipe or a file, it is this wide, so no cell wraps.
PIPED_WIDTH = 512


def json_option(func: F) -> F:
    """Add `--json` (as `as_json`) to a command that lists or reports."""
    return click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")(func)


def print_json(kind: str, body: dict[str, Any], version: int = 1) -> None:
    """A JSON document `pdpa-check-<kind>` with its format version, user text made safe."""
    data = {"format": f"pdpa-check-{kind}", "format_version": version, **body}
    click.echo(json.dumps(_safe(data), indent=2, ensure_ascii=False))


def _safe(value: Any) -> Any:
    """Every string cleaned of terminal controls and invisible characters, as on screen."""
    if isinstance(value, str):
        return for_output(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(item) for item in value]
    return value


def console() -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 here; the entry point ends a closed pipe quietly instead.
            self.quiet = True
            raise BrokenPipeError

    # Off a terminal (a pipe, a file) a table is as wide as its cells: nothing wraps.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return _Console(highlight=False, emoji=False, width=PIPED_WIDTH if wide else None)


def plain(text: str, style: str = "") -> Text:
    """User or bank text as literal Rich text, sanitised for the terminal."""
    from rich.text import Text

    return Text(for_output(text), style=style)
