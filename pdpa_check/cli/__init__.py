"""The `pdpa-check` command line (click). Each module adds one group of commands."""

# Importing each module registers its commands.
from pdpa_check.cli import answers, bank, diff, misc, org, plain, plan, reports  # noqa: F401
from pdpa_check.cli.base import cli, main

__all__ = ["cli", "main"]
