"""`kit plan`, `kit faq` and `kit contacts`: documents built from the profile and answers."""

from __future__ import annotations

from pdpa_check.cli.kit import kit  # noqa: F401
