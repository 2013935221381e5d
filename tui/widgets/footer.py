"""The key footer, rebuilt only when the keys it would show change.

Textual's Footer rebuilds every key widget whenever the screen's bindings may have
changed: on arrival, on every focus move (each Tab through a form) and on every
binding refresh. Most of those leave the same keys in the same states, and each
rebuild re-styles a dozen widgets for nothing (about 40 ms of the app's start).
And each key it builds starts in its final compact state: Textual would restyle every
key twice as it mounts (about a fifth of the app's start in tests). `FooterKey` is not
exported by `textual.widgets`; Textual is pinned below 9.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A Footer that skips a rebuild when its keys, labels and states are unchanged."""

    _shown: Hashable | None = None  # the keys the last rebuild showed, once it showed any

    def compose(self) -> ComposeResult:
        # Each key starts in its final compact state. Otherwise Textual restyles every key
        # twice as it mounts (its own default, then the footer's value bound onto it).
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # The palette key is not bound to the footer: it keeps the key's default.
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        # Only the showing screen's keys are compared: a screen being closed may no longer
        # be able to say which of its actions apply, and Footer builds nothing for it anyway.
        showing = self.is_attached and self.screen is self.app.screen
        shown = self._keys_shown() if showing else None
        if shown is not None and shown == self._shown:
            return
        await super().recompose()
        # A footer not yet told its bindings are ready builds nothing: rebuild next time.
        self._shown = shown if self.children else None

    def _keys_shown(self) -> Hashable:
        """Everything `Footer.compose` reads to build its keys."""
        app = self.app
        bindings = self.screen.active_bindings
        palette = bindings.get(app.COMMAND_PALETTE_BINDING)
        return (
            tuple(
                (binding, enabled, tooltip, app.get_key_display(binding))
                for (_, binding, enabled, tooltip) in bindings.values()
                if binding.show
            ),
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
            None if palette is None else (*palette[1:], app.get_key_display(palette.binding)),
        )
