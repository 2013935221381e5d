"""The breach readiness kit documents: Markdown for people, TOML for data."""
