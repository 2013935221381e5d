"""Pure scoring: answers in, score, explanations and plan out. No clock, no I/O.

Import from the modules themselves (`scoring.evaluate`, `scoring.result`, `scoring.plan`):
this package re-exports nothing, so a command that only scores (`score`) never loads the
plan builder or the platform catalogue it reads.
"""
