"""The `pdpa-check` command line (click). Each module adds one group of commands."""

from pdpa_check.cli import answers, bank, misc, org, plain, reports  # noqa: F401  (registers commands)
from pdpa_check.cli.base import cli, main

__all__ = ["cli", "main"]
