"""Where pdpa-check keeps things, from platformdirs, with overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "pdpa-check"
DB_ENV = "PDPA_CHECK_DB"


@dataclass(frozen=True)
class Locations:
    data_dir: Path
    database: Path
    database_chosen: bool  # by --db or $PDPA_CHECK_DB, not the default
    demo_database: Path
    config_dir: Path
    user_banks: Path
    exports: Path


def locations(db_override: Path | None = None) -> Locations:
    """The paths in effect: `--db`, else $PDPA_CHECK_DB, else the platform data folder."""
    data_dir = platformdirs.user_data_path(APP_NAME, appauthor=False)
    config_dir = platformdirs.user_config_path(APP_NAME, appauthor=False)
    env_db = os.environ.get(DB_ENV)
    database = db_override or (Path(env_db) if env_db else data_dir / "pdpa-check.db")
    return Locations(
        data_dir=data_dir,
        database=database.expanduser(),
        database_chosen=db_override is not None or bool(env_db),
        demo_database=data_dir / "demo" / "demo.db",
        config_dir=config_dir,
        user_banks=config_dir / "banks",
        exports=platformdirs.user_documents_path() / APP_NAME,
    )
