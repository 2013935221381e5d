"""`kit notify` and `kit notice`: working through one incident."""

from __future__ import annotations

from pdpa_check.cli.kit import kit  # noqa: F401
