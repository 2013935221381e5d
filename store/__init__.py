"""SQLite persistence through sqlite-utils. All SQL in the project lives here."""
