"""Allow `python -m pdpa_check`."""

from pdpa_check.cli import main

main()
