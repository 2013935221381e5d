"""Small helpers every layer may use: text cleaning, dates, paths, files and settings."""
