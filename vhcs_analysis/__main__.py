"""Allow ``python -m vhcs_analysis``."""

from vhcs_analysis.cli import main

main()
