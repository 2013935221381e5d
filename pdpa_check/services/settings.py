"""The user's preferences, kept in `config.toml` in the config folder.

Theme, when an answer is stale (`stale_after_days`) and the plan's monthly
effort budget in hours (`plan_month_hours`; unset: from the staff count).

A broken or unreadable file never stops the app: the defaults apply and the
file is left as it is; saving a setting then refuses rather than overwrite it.
Saving changes only the keys whose value changed and keeps everything else.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pdpa_check.exports.writer import ExportError, write_atomic
from pdpa_check.support.fsutil import private_mkdir

DEFAULT_THEME = "textual-dark"
# An answer not confirmed for longer than this is flagged stale (about a quarter).
DEFAULT_STALE_DAYS = 92
# The plan's monthly effort budget may be set between these (hours); unset: from staff count.
MONTH_HOURS_RANGE = (1.0, 744.0)


@dataclass(frozen=True)
class Settings:
    theme: str = DEFAULT_THEME
    stale_after_days: int = DEFAULT_STALE_DAYS
    # Hours of plan work a month (`plan_month_hours`); None: the staff-count rule.
    plan_month_hours: float | None = None


def settings_file(config_dir: Path) -> Path:
    return config_dir / "config.toml"


def load_settings(config_dir: Path) -> Settings:
    try:
        data = tomllib.loads(settings_file(config_dir).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Settings()
    return _settings_from(data)


def _settings_from(data: dict[str, Any]) -> Settings:
    """The settings a parsed file gives, defaults for anything missing or invalid."""
    theme = data.get("theme")
    days = data.get("stale_after_days")
    valid_days = isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 3650
    return Settings(
        theme=theme if isinstance(theme, str) and theme else DEFAULT_THEME,
        stale_after_days=days if isinstance(days, int) and valid_days else DEFAULT_STALE_DAYS,
        plan_month_hours=month_hours(data.get("plan_month_hours")),
    )


def month_hours(value: object) -> float | None:
    """A monthly effort budget in hours if `value` is a sane one, else None (use the default)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = MONTH_HOURS_RANGE
    return float(value) if low <= value <= high else None


def save_settings(config_dir: Path, settings: Settings) -> str | None:
    """Write the changed settings privately, keeping every other key in the file.

    Returns a message when that was not possible; a file that does not parse
    is left exactly as it is (the owner's hand edits are never overwritten).
    """
    path = settings_file(config_dir)
    try:
        data = _read_existing(path)
    except ValueError as error:
        return f"could not save settings: {path}: {error}; fix or remove it, then try again"
    current = _settings_from(data)
    for item in fields(Settings):
        value = getattr(settings, item.name)
        if value != getattr(current, item.name):
            if value is None:
                data.pop(item.name, None)  # back to the default (TOML has no null)
            else:
                data[item.name] = value
    import tomli_w  # only saving writes TOML: reading commands never load it

    try:
        private_mkdir(config_dir)
        write_atomic(path, tomli_w.dumps(data), force=True)
    except (OSError, ExportError) as error:
        return f"could not save settings: {error}"
    return None


def _read_existing(path: Path) -> dict[str, Any]:
    """The file's current contents ({} when there is none); ValueError if unusable."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ValueError(f"cannot read it ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ValueError("it is not valid UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"it does not parse ({error})") from None
