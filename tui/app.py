"""The pdpa-check Textual app: a thin shell that routes between screens.

Screens do the work through the `Session`; the app owns navigation, the
command palette, the theme setting and the crash guard.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pdpa_check.questionnaires.answers import AnswerKey
from pdpa_check.services.session import Session
from pdpa_check.services.settings import load_settings, save_settings
from pdpa_check.services.workspace import Warnings
from pdpa_check.support.text import for_output
from pdpa_check.tui.commands import PdpaCommands
from pdpa_check.tui.host import Host, ScreenName
from pdpa_check.tui.screens.base import EXPECTED_ERRORS, describe


class PdpaCheckApp(Host):
    """Self-assessment of PDPA security arrangements."""

    TITLE = "pdpa-check"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {PdpaCommands}
    BINDINGS = [
        Binding("f1", "toggle_keys", "Keys", id="app.keys"),
        Binding("question_mark", "toggle_keys", show=False, id="app.keys-question-mark"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        config_dir: Path,
        demo: bool = False,
        save_theme: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        # A warning from the core (a bank file gone, its saved copy used) becomes a toast.
        session.warn = Warnings(self._warn)
        self.config_dir = config_dir
        self.demo = demo
        self.save_theme = save_theme
        if demo:
            self.sub_title = "DEMO organisation (a throwaway database)"

    # Start-up and settings ----------------------------------------------

    def on_mount(self) -> None:
        theme = load_settings(self.config_dir).theme
        if theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.session.org is None:
            from pdpa_check.tui.screens.profile import ProfileScreen

            self.push_screen(ProfileScreen(first_run=True))
        else:
            self.go("dashboard")
        # What start-up loaded (modules, the bank, the screens) lives as long as the app:
        # keep it out of the garbage collector's full passes, which otherwise pause
        # answering for tens of milliseconds every few dozen answers (benchmark P2).
        self.call_after_refresh(gc.freeze)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        # A widget not yet mounted is styled as it mounts. Textual would style it at once
        # too whenever its constructor sets a class (`compact=True`, a ticked box, a
        # button's variant): about a tenth of the Breach kit's opening.
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def _warn(self, message: str) -> None:
        self.notify(message, title="Warning", severity="warning", timeout=15)

    def _remember_theme(self, _theme: object) -> None:
        if not self.save_theme:
            return
        settings = replace(load_settings(self.config_dir), theme=self.theme)
        problem = save_settings(self.config_dir, settings)
        if problem:
            self.notify(problem, severity="warning")

    # Navigation ----------------------------------------------------------

    def go(self, name: ScreenName, *, jump_to: AnswerKey | None = None) -> None:
        """Show a main screen on top of the dashboard (escape comes back to it)."""
        from pdpa_check.tui.screens.dashboard import DashboardScreen

        if len(self.screen_stack) < 2 or not isinstance(self.screen_stack[1], DashboardScreen):
            self._reset_to(self._make("dashboard", None))
        target = None if name == "dashboard" else self._make(name, jump_to)
        if len(self.screen_stack) == 3 and type(self.screen) is type(target):
            # Already showing it: stay (a second copy would clash with its id).
            if jump_to is not None:
                from pdpa_check.tui.screens.assessment import AssessmentScreen

                if isinstance(self.screen, AssessmentScreen):
                    self.screen.jump(jump_to)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if target is not None:
            self.push_screen(target)

    def _reset_to(self, screen: Screen[None]) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def _make(self, name: ScreenName, jump_to: AnswerKey | None) -> Screen[None]:
        # Screens are imported when first shown, so start-up loads only the dashboard.
        if name == "dashboard":
            from pdpa_check.tui.screens.dashboard import DashboardScreen

            return DashboardScreen()
        if name == "assessment":
            from pdpa_check.tui.screens.assessment import AssessmentScreen

            return AssessmentScreen(jump_to=jump_to)
        if name == "results":
            from pdpa_check.tui.screens.results import ResultsScreen

            return ResultsScreen()
        if name == "plan":
            from pdpa_check.tui.screens.plan import PlanScreen

            return PlanScreen()
        if name == "history":
            from pdpa_check.tui.screens.history import HistoryScreen

            return HistoryScreen()
        if name == "kit":
            from pdpa_check.tui.screens.kit import KitScreen

            return KitScreen()
        from pdpa_check.tui.screens.profile import ProfileScreen

        return ProfileScreen(first_run=False)

    def start_assessment(self) -> None:
        """Continue the open assessment, or start a new one."""
        try:
            self.session.start_assessment()
        except EXPECTED_ERRORS as error:
            self.notify(f"Could not start: {describe(error)}", severity="error")
            return
        self.go("assessment")

    def jump_targets(self) -> list[tuple[str, AnswerKey]]:
        """Each question of the open assessment as palette text, with its key."""
        if self.session.org is None or self.session.open_assessment() is None:
            return []
        targets = []
        for slot in self.session.questionnaire().slots:
            where = f" ({slot.system.name})" if slot.system else ""
            targets.append((slot.question.text + where, slot.key))
        return targets

    def jump(self, key: AnswerKey) -> None:
        self.go("assessment", jump_to=key)

    def open_export(self) -> None:
        from pdpa_check.tui.screens.export import ExportScreen

        if isinstance(self.screen, ExportScreen):
            return
        self.push_screen(ExportScreen())

    # Keys, palette, screenshots -----------------------------------------

    def action_toggle_keys(self) -> None:
        from textual.widgets import HelpPanel  # loaded on first use: it is slow to import

        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Screenshots would put answers in the Downloads folder: not offered.
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify("Screenshots are turned off: they would contain your answers.")

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        self.action_screenshot()
        return None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Toasts never read markup: messages quote paths, names and notes."""
        super().notify(
            for_output(message),
            title=for_output(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # Crash guard ---------------------------------------------------------

    def _fatal_error(self) -> None:
        """Like Textual's, but without local variables: they can hold answers and notes."""
        from rich.traceback import Traceback

        self.bell()
        exc_type, exc_value, exc_traceback = sys.exc_info()
        if exc_type is not None and exc_value is not None:
            trace = Traceback.extract(exc_type, exc_value, exc_traceback, show_locals=False)
            for stack in trace.stacks:
                stack.exc_value = "(message hidden: it may quote your answers)"
            self._exit_renderables.append(Traceback(trace, width=None))
        self._close_messages_no_wait()
