"""pdpa-check: a PDPA readiness self-assessment for Singapore SMEs."""

__version__ = "0.1.0"
