"""Run the app on a database the command line chose, holding the database's lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pdpa_check.services.session import Session
from pdpa_check.store.lock import APP, DatabaseLock
from pdpa_check.support.fsutil import private_mkdir


def launch(
    db_path: Path,
    config_dir: Path,
    open_session: Callable[[], Session],
    *,
    demo: bool = False,
    mouse: bool = True,
) -> None:
    """Run the TUI on the session `open_session` opens once the lock is held.

    The app holds the database's lock for the whole session: a second copy
    is refused (LockedError, exit 3) naming this process, and the OS frees
    the lock when this process ends, however it ends. Textual is imported
    only once the lock is held, so that refusal is immediate.
    """
    private_mkdir(db_path.parent)  # the lock file lives beside the database
    with DatabaseLock(db_path, command=APP):
        session = open_session()
        from pdpa_check.tui.app import PdpaCheckApp

        app = PdpaCheckApp(session, config_dir=config_dir, demo=demo)
        app.run(mouse=mouse)
