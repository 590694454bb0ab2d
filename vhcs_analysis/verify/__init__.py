"""``vhcs verify``: does a report folder follow from the raw files it names?

A reviewer points it at the folder ``vhcs report`` wrote (``--out``) and, optionally, at
the raw folder. Everything is redone in a temporary folder; the report folder is only
read. Four checks, in order (docs/verify.md says what each proves and what it does not):

1. **inputs**: each raw file's sha256 against the report's ``manifest.json``
   (files added, missing or changed);
2. **cleaning**: the raw files cleaned again (``stages.clean``), the processed tables
   compared byte for byte (or, where they differ, the first differing table, row and column);
3. **notebooks**: strict nbval on the report's executed notebooks (``<report>/notebooks``)
   against the re-cleaned data, with the project's sanitiser, naming each notebook and
   cell that differs; the tables and figures the notebooks wrote are compared too;
4. **documents**: every PDF, Word draft, deck and workbook in the report folder rebuilt by
   the render stage ``vhcs report`` uses (``stages.render``) and compared byte for byte.

The settings are the ones the manifest recorded (``manifest["settings"]["values"]``,
``recorded.recorded_settings_in_force``); settings in force that differ from them are a
difference, not a silent pass. A manifest without the record (older reports) is verified
with the package defaults, and the verdict says so.

The package, one module per concern: ``folder`` (what a report folder holds, by
``layout``'s names), ``recorded`` (the settings to verify with), ``steps`` (the four
checks), ``nbval`` (step 3's command and its result), ``diff`` (the one diff helper every
comparison goes through), ``summary`` (``Check``, ``Verification``, the verdict and the
summary file) and ``run`` (``verify`` and ``cli_verify``).
"""

from vhcs_analysis.verify.diff import compare_file, compare_files, compare_folders, first_table_difference
from vhcs_analysis.verify.folder import ReportFolder, locate_report
from vhcs_analysis.verify.nbval import SANITISER, nbval_command, parse_junit
from vhcs_analysis.verify.recorded import default_values, recorded_settings, settings_differences, write_settings
from vhcs_analysis.verify.run import cli_verify, verify
from vhcs_analysis.verify.steps import check_cleaning, check_documents, check_inputs, check_notebooks
from vhcs_analysis.verify.summary import Check, Verification, write_summary

__all__ = [
    "SANITISER", "Check", "ReportFolder", "Verification", "check_cleaning", "check_documents", "check_inputs",
    "check_notebooks", "cli_verify", "compare_file", "compare_files", "compare_folders", "first_table_difference",
    "default_values", "locate_report", "nbval_command", "parse_junit", "recorded_settings", "settings_differences",
    "verify", "write_settings", "write_summary",
]
