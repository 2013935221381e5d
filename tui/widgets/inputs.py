"""Text fields that say why a paste was refused instead of only ringing the bell."""

from __future__ import annotations

from textual.widgets import Input


class NoteInput(Input):
    """A note or evidence field with a length limit the owner is told about."""

    def restricted(self) -> None:
        super().restricted()
        if self.max_length:
            self.notify(
                f"Notes are limited to {self.max_length:,} characters: that text was not added. "
                "Shorten it, or keep the long version in a file and write where it is.",
                severity="warning",
            )
