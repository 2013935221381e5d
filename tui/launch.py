"""Open the database the CLI chose and run the app on it."""

from __future__ import annotations

from pdpa_check.cli.base import Context
from pdpa_check.session import Session
from pdpa_check.settings import load_settings
from pdpa_check.store.db import private_mkdir
from pdpa_check.store.lock import APP, DatabaseLock


def launch(ctx: Context, *, mouse: bool = True) -> None:
    """Run the TUI; a new database is created (privately) on the very first run.

    The app holds the database's lock for the whole session: a second copy
    is refused (LockedError, exit 3) naming this process, and the OS frees
    the lock when this process ends, however it ends. Textual is imported
    only once the lock is held, so that refusal is immediate.
    """
    settings = load_settings(ctx.where.config_dir)
    private_mkdir(ctx.db_path.parent)  # the lock file lives beside the database
    with DatabaseLock(ctx.db_path, command=APP):
        session = Session(
            ctx.store(create=True),
            ctx.user_banks,
            org_ref=ctx.org_ref,
            stale_after_days=settings.stale_after_days,
            demo=ctx.demo,
        )
        from pdpa_check.tui.app import PdpaCheckApp

        app = PdpaCheckApp(session, config_dir=ctx.where.config_dir, demo=ctx.demo)
        app.run(mouse=mouse)
