"""Writing the processed outputs of ``vhcs clean`` as one unit.

Everything is written into a temporary folder next to the output folder and swapped in
with two renames, so a crash or a kill leaves the previous outputs intact; a run killed
between the two renames is repaired by the next one (``_recover``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from vhcs_analysis.corrections import CORRECTIONS_DIR, FINDINGS_XLSX, REJECTS_XLSX

DATA_TABLES = ("units", "unit_reports", "inspections", "rankings")
OUTPUT_FILES = tuple(f"{t}.parquet" for t in (*DATA_TABLES, "rejects", "findings")) + (
    "rejects.csv", "findings.csv", REJECTS_XLSX, FINDINGS_XLSX, CORRECTIONS_DIR, "manifest.json")


def write_outputs(result, out: Path) -> None:
    """Write all outputs into a temporary folder next to ``out`` and swap it in."""
    from vhcs_analysis.corrections import write_correction_workbooks, write_table_workbooks
    from vhcs_analysis.io.writers import (
        locked_output_error,
        public_mode,
        write_csv_for_excel,
        write_json_atomic,
        write_parquet_atomic,
    )

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except PermissionError:
        raise locked_output_error(out.parent, folder=True) from None
    os.chmod(tmp, public_mode(directory=True))  # mkdtemp gives 0700; outputs are shared
    try:
        for name, df in result.tables.items():
            write_parquet_atomic(df, tmp / f"{name}.parquet")
        write_parquet_atomic(result.rejects, tmp / "rejects.parquet")
        write_parquet_atomic(result.findings, tmp / "findings.parquet")
        write_csv_for_excel(result.rejects, tmp / "rejects.csv")
        write_csv_for_excel(result.findings, tmp / "findings.csv")
        write_table_workbooks(result, tmp)  # rejects.xlsx, findings.xlsx
        write_correction_workbooks(result, tmp / CORRECTIONS_DIR)
        write_json_atomic(result.manifest, tmp / "manifest.json")
        if out.is_dir():
            for child in out.iterdir():  # keep what is not ours (e.g. .gitkeep)
                if child.name not in OUTPUT_FILES and not (tmp / child.name).exists():
                    if child.is_dir():
                        shutil.copytree(child, tmp / child.name, symlinks=True)
                    else:
                        shutil.copy2(child, tmp / child.name)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _recover(out: Path) -> None:
    """Tidy what a killed run left next to ``out``: half-written ``.<out>.new-*`` folders
    are removed; if it died between the two renames of the swap, the previous outputs
    (``.<out>.old-*``) are put back."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for stale in [*olds, *out.parent.glob(f".{out.name}.new-*")]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    from vhcs_analysis.io.writers import locked_output_error

    if not out.exists():
        os.replace(new, out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(out, old)
    except PermissionError:  # Windows: a file in it is open (rejects.csv in Excel)
        raise locked_output_error(out, folder=True) from None
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


