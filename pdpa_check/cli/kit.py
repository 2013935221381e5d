"""`pdpa-check kit`: the breach readiness kit (commands in kit_docs and kit_incident)."""

from __future__ import annotations

from pdpa_check.cli.base import cli


@cli.group()
def kit() -> None:
    """Breach readiness kit: 24-hour plan, notifiability check, customer notice, privacy FAQ.

    \b
    Example:
      pdpa-check kit plan -o .
    """
