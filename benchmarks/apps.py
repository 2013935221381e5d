"""Apps started in a subprocess for the cold-start and memory figures (P1, P6).

`python -m benchmarks.apps bare` runs a bare Textual app (Header, Static,
Footer); `python -m benchmarks.apps pdpa DB` runs pdpa-check on DB. Each exits
as soon as its first screen is painted, then prints its peak memory in KiB.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


def run_pdpa(db: Path) -> int | None:
    import pdpa_check.tui.app as app_module
    from pdpa_check.services.session import Session
    from pdpa_check.store.db import open_database
    from pdpa_check.store.repo import Store
    from pdpa_check.tui.app import PdpaCheckApp
    from pdpa_check.tui.screens.dashboard import DashboardScreen

    class Timed(PdpaCheckApp):
        # Textual looks for CSS beside the class's own module: point it at the app's.
        CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")

        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self.exit_when_painted)

        def exit_when_painted(self) -> None:
            if isinstance(self.screen, DashboardScreen) and self.screen.is_mounted:
                self.call_after_refresh(self.exit)
            else:
                self.set_timer(0.001, self.exit_when_painted)

    from benchmarks.synth import banks_dir

    session = Session(Store(open_database(db), db), banks_dir(db))
    app = Timed(session, config_dir=db.parent / "config", save_theme=False)
    app.run(headless=True)
    return app.return_code


def peak_kib() -> int:
    """This process's peak resident memory in KiB.

    Linux's `ru_maxrss` keeps the high-water mark from before `exec`, so a child
    started by a large benchmark process would report the parent's size; the
    kernel's VmHWM belongs to this program's own memory map only.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    if sys.argv[1] == "bare":
        app = Bare()
        app.run(headless=True)
        code = app.return_code
    else:
        code = run_pdpa(Path(sys.argv[2]))
    print(peak_kib(), file=sys.stderr)
    sys.exit(code or 0)  # a failed start must not pass for a fast one


if __name__ == "__main__":
    main()
