"""Question banks: their schema, loading and validation, and skip logic."""
