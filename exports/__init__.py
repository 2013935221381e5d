"""Turn a scored assessment and its plan into Markdown, TOML and JSON, and write files safely."""
