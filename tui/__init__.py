"""The Textual app. Only the CLI's bare `pdpa-check` (on a terminal) imports this."""
