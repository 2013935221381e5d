"""Open the database the CLI chose and run the app on it."""

from __future__ import annotations

from pdpa_check.cli.base import Context
from pdpa_check.session import Session
from pdpa_check.settings import load_settings
from pdpa_check.tui.app import PdpaCheckApp


def launch(ctx: Context, *, mouse: bool = True) -> None:
    """Run the TUI; a new database is created (privately) on the very first run."""
    settings = load_settings(ctx.where.config_dir)
    session = Session(
        ctx.store(create=True),
        ctx.user_banks,
        org_ref=ctx.org_ref,
        stale_after_days=settings.stale_after_days,
    )
    app = PdpaCheckApp(session, config_dir=ctx.where.config_dir, demo=ctx.demo)
    app.run(mouse=mouse)
