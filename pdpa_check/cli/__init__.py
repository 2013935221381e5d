"""The `pdpa-check` command line (click).

Each module adds one group of commands; `base.LAZY_COMMANDS` says which, so a
command's module is imported only when that command runs.
"""

from pdpa_check.cli.base import cli, main

__all__ = ["cli", "main"]
