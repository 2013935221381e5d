"""Apps started in a subprocess for the cold-start and memory figures (P1, P6).

`python -m benchmarks.apps widgets` runs the floor: a Textual app with the
dashboard's own widgets (Header, six compact Buttons, five bordered Statics
holding Rich grids, Footer) and static content; `bare` runs a bare Textual app
(Header, Static, Footer) and `widgets+pydantic` the floor after validating one
pydantic model (what the required stack alone adds), both reported only;
`pdpa DB` runs pdpa-check on DB. Each exits as soon as its first screen is
painted, then prints its peak memory in KiB.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from rich.table import Table
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


class Widgets(App[None]):
    """The same-widgets floor: what the dashboard draws, with fixed content."""

    CSS = """
    Static.card { border: round $primary; height: auto; padding: 0 1; }
    Horizontal { height: auto; }
    Button { min-width: 10; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            for label in ("Continue", "New assessment", "Results", "Plan", "History", "Export"):
                yield Button(label, compact=True)
        with Horizontal():
            with Vertical():
                yield Static(_grid("Last completed score", 4), classes="card")
                yield Static(_grid("Next quarterly re-assessment", 2), classes="card")
            with Vertical():
                yield Static(_grid("Assessment", 1), classes="card")
                yield Static(_grid("Open fixes", 5), classes="card")
                yield Static(_grid("Next steps", 5), classes="card")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


def _grid(title: str, rows: int) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right")
    grid.add_column()
    grid.add_row("", title)
    for n in range(rows):
        grid.add_row(f"+{n}.0", f"Row {n} of {title.lower()}")
    return grid


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

    from benchmarks.paths import banks_dir  # not synth: its imports would be measured too

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


def validate_a_model() -> None:
    """What the required stack adds to any app that validates data: pydantic, loaded and used."""
    from benchmarks.floor_model import Row

    Row(question_id="mfa", value="yes")


def main() -> None:
    if sys.argv[1] in ("bare", "widgets", "widgets+pydantic"):
        if sys.argv[1] == "widgets+pydantic":
            validate_a_model()
        floor: App[None] = Bare() if sys.argv[1] == "bare" else Widgets()
        floor.run(headless=True)
        code = floor.return_code
    else:
        code = run_pdpa(Path(sys.argv[2]))
    print(peak_kib(), file=sys.stderr)
    sys.exit(code or 0)  # a failed start must not pass for a fast one


if __name__ == "__main__":
    main()
