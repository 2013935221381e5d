"""Our commands in the ctrl+p palette: go to a screen, export, start, or jump to a question."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from pdpa_check.questionnaires.answers import AnswerKey
from pdpa_check.support.text import for_output
from pdpa_check.tui.host import Host

Command = tuple[str, str, Callable[[], None]]


class PdpaCommands(Provider):
    """Screens, actions, and every question of the open assessment by its text."""

    def _commands(self) -> list[Command]:
        app = self.app
        assert isinstance(app, Host)
        commands: list[Command] = [
            (
                "Go to dashboard",
                "Organisation, progress and what is due",
                partial(app.go, "dashboard"),
            ),
            ("Continue assessment", "Answer the open assessment", partial(app.go, "assessment")),
            ("Start new assessment", "A new quarterly assessment", app.start_assessment),
            ("Go to results", "Score, band, critical gaps, per area", partial(app.go, "results")),
            ("Go to plan", "Remediation plan, status, what-if", partial(app.go, "plan")),
            ("Go to history", "Past assessments and what changed", partial(app.go, "history")),
            ("Edit business profile", "Name, staff, sector, systems", partial(app.go, "profile")),
            ("Export plan…", "Markdown and/or TOML for your IT vendor", app.open_export),
            (
                "Breach kit",
                "Contacts, 24-hour plan, notifiable?, customer notice, privacy FAQ",
                partial(app.go, "kit"),
            ),
        ]
        return commands + self._questions(app.jump_targets(), app)

    @staticmethod
    def _questions(targets: list[tuple[str, AnswerKey]], app: object) -> list[Command]:
        assert isinstance(app, Host)
        return [
            (f"Question: {for_output(text)}", "Jump to this question", partial(app.jump, key))
            for text, key in targets
        ]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if not title.startswith("Question:"):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, _highlight(matcher, title), callback, text=title, help=help_text)


def _highlight(matcher: Matcher, title: str) -> Content:
    """The title with the matched letters marked; never read as markup (names are user text)."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
