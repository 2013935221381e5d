"""Checkboxes and radio buttons whose state shows as a character, not only as a colour.

Textual draws the same glyph for on and off and tells them apart by colour,
which is lost with NO_COLOR, monochrome terminals and some colour blindness.
"""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class MarkedCheckbox(Checkbox):
    """A checkbox showing X when ticked and a blank when not."""

    @property  # Textual reads this class attribute when drawing
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


class MarkedRadioButton(RadioButton):
    """A radio button showing a dot when chosen and a blank when not."""

    @property  # Textual reads this class attribute when drawing
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "●" if self.value else " "
