"""Where a benchmark database's synthetic banks live (kept light: the measured app imports it)."""

from __future__ import annotations

from pathlib import Path


def banks_dir(db: Path) -> Path:
    """Where the synthetic bank for `db` lives: `config/pdpa-check/banks` beside it."""
    return db.parent / "config" / "pdpa-check" / "banks"
