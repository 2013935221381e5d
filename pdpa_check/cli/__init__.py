"""The `pdpa-check` command line (click). Each module adds one group of commands."""

# Importing each module registers its commands.
from pdpa_check.cli import (  # noqa: F401
    answers,
    bank,
    diff,
    kit_docs,
    kit_incident,
    maintenance,
    misc,
    org,
    plain,
    plan,
    reports,
)
from pdpa_check.cli.base import cli, main

__all__ = ["cli", "main"]
