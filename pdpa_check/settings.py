"""The user's preferences (theme), kept in `config.toml` in the config folder.

A broken or unreadable file never stops the app: the defaults apply and the
file is left as it is until the user changes a setting.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from pdpa_check.exports.writer import ExportError, write_atomic
from pdpa_check.store.db import private_mkdir

DEFAULT_THEME = "textual-dark"
# An answer not confirmed for longer than this is flagged stale (about a quarter).
DEFAULT_STALE_DAYS = 92


@dataclass(frozen=True)
class Settings:
    theme: str = DEFAULT_THEME
    stale_after_days: int = DEFAULT_STALE_DAYS


def settings_file(config_dir: Path) -> Path:
    return config_dir / "config.toml"


def load_settings(config_dir: Path) -> Settings:
    try:
        data = tomllib.loads(settings_file(config_dir).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Settings()
    theme = data.get("theme")
    days = data.get("stale_after_days")
    valid_days = isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 3650
    return Settings(
        theme=theme if isinstance(theme, str) and theme else DEFAULT_THEME,
        stale_after_days=days if isinstance(days, int) and valid_days else DEFAULT_STALE_DAYS,
    )


def save_settings(config_dir: Path, settings: Settings) -> str | None:
    """Write the settings privately; returns a message when that was not possible."""
    try:
        private_mkdir(config_dir)
        write_atomic(
            settings_file(config_dir), tomli_w.dumps({"theme": settings.theme}), force=True
        )
    except (OSError, ExportError) as error:
        return f"could not save settings: {error}"
    return None
