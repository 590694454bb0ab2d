"""Every file and folder name of a processed folder and of a report folder, in one place.

Nothing else in the package spells these names: the stages (``stages.py``), the writers
(``io/outputs.py``), the notebooks' helpers (``review/``), the document builders
(``report/``) and ``vhcs verify`` ask this module. It also owns the three decisions that
follow from the layout:

- the one reader of ``manifest.json`` (``read_manifest``);
- which processed folder belongs to a report folder (``report_processed`` when a report
  is written, ``find_report_processed`` when one is checked);
- the units registry's file name (``REGISTRY_NAME``; where it is found: ``registry.find_registry``).

Standard library only (``tasks.py`` may import it before anything is installed)::

    <raw>/                      units.csv (REGISTRY_NAME) + the units' files, never written
    <processed>/                written whole by the clean stage (PROCESSED_FILES)
        units.parquet unit_reports.parquet inspections.parquet rankings.parquet
        rejects.parquet rejects.csv rejects.xlsx findings.parquet findings.csv findings.xlsx
        phieu-chinh-sua/<unit_id>.xlsx   manifest.json
    <report>/                   written whole by ``vhcs report`` (staged beside, swapped in)
        processed/              the report's own processed folder (``vhcs report --raw``)
        notebooks/NN-*.ipynb    the executed notebooks (analyse stage)
        tables/*.csv  tables/key_numbers.json     figures/*.svg *.png   (analyse stage)
        figures/danh-muc-hinh.csv                 (render stage: the figure list)
        bao-cao-<kind>-nq01.pdf .docx .pptx  phu-luc-ky-thuat.pdf
        phieu-danh-gia-don-vi.pdf  bang-so-lieu.xlsx                   (render stage)
        phieu/<block or unit>.pdf  phieu/danh-muc-phieu.csv .xlsx  (render stage, instead of the combined
                                scorecards above [report] list_threshold units)
    .<report>.lock  .<folder>.new-*  .<folder>.old-*   beside a folder being written
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any

# ----------------------------------------------------------------------------- the project's folders

# relative to the project root (``config.get_paths`` when no argument or VHCS_* variable says otherwise)
PROJECT_RAW = "data/raw"
PROJECT_PROCESSED = "data/processed"
PROJECT_REPORTS = "reports"
PROJECT_SAMPLE_TRUTH = "data/sample_truth"  # the sample's ground truth beside data/raw (``make report``)
NBVAL_SANITISER = "vhcs_analysis/report/nbval_sanitize.cfg"  # the notebooks' sanitiser, from the project root

# ----------------------------------------------------------------------------- the raw folder

REGISTRY_NAME = "units.csv"  # the units registry (docs/contracts.md)

# ----------------------------------------------------------------------------- a processed folder

DATA_TABLES = ("units", "unit_reports", "inspections", "rankings")
PROCESSED_TABLES = (*DATA_TABLES, "rejects", "findings")
MANIFEST_NAME = "manifest.json"
REJECTS_CSV = "rejects.csv"
FINDINGS_CSV = "findings.csv"
REJECTS_XLSX = "rejects.xlsx"
FINDINGS_XLSX = "findings.xlsx"
CORRECTIONS_DIR = "phieu-chinh-sua"  # one correction workbook per unit with problems


def parquet_name(table: str) -> str:
    """The file of a processed table, e.g. ``unit_reports.parquet``."""
    return f"{table}.parquet"


# every entry the clean stage writes into a processed folder (anything else there is kept)
PROCESSED_FILES = tuple(parquet_name(t) for t in PROCESSED_TABLES) + (
    REJECTS_CSV, FINDINGS_CSV, REJECTS_XLSX, FINDINGS_XLSX, CORRECTIONS_DIR, MANIFEST_NAME)

# ----------------------------------------------------------------------------- a report folder

PROCESSED_DIR = "processed"
NOTEBOOKS_DIR = "notebooks"
TABLES_DIR = "tables"
FIGURES_DIR = "figures"
KEY_NUMBERS_NAME = "key_numbers.json"  # in tables/: the numbers the notebooks hand to the documents
FIGURE_LIST_NAME = "danh-muc-hinh.csv"  # in figures/: written with the documents, not by the notebooks
TABLES_WORKBOOK_NAME = "bang-so-lieu.xlsx"  # the report's tables/*.csv for Excel, one sheet each
SCORECARDS_NAME = "phieu-danh-gia-don-vi.pdf"
SCORECARDS_DIR = "phieu"  # the split scorecards' folder in the report folder
SCORECARDS_INDEX = "danh-muc-phieu.csv"  # in phieu/: which file holds which unit
SCORECARDS_INDEX_XLSX = "danh-muc-phieu.xlsx"  # the same index for the office (Vietnamese headers)
ANNEX_NAME = "phu-luc-ky-thuat.pdf"  # the technical annex beside the PDF
REPORT_PDF_GLOB = "bao-cao-*-nq01.pdf"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".pptx", ".xlsx")  # the documents at the top of a report folder


def table_file(name: str) -> str:
    """A table the notebooks write into ``tables/``, e.g. ``pilot_effects.csv``."""
    return f"{name}.csv"


def figure_file(name: str, kind: str) -> str:
    """A figure the notebooks write into ``figures/``: ``kind`` "svg" (for the PDF) or "png"
    (300 dpi, for the Word draft and the deck), e.g. ``trends.svg``."""
    return f"{name}.{kind}"


def report_stem(kind: str | None) -> str:
    """The report files' name without suffix, ``bao-cao-<kind>-nq01`` (``[review] kind``)."""
    return f"bao-cao-{kind or 'so-ket'}-nq01"


def docx_name(pdf_name: str) -> str:
    """The Word draft's file name: the PDF's name with ``.docx``."""
    return PurePath(pdf_name).with_suffix(".docx").name


def pptx_name(pdf_name: str) -> str:
    """The conference deck's file name: the PDF's name with ``.pptx``."""
    return PurePath(pdf_name).with_suffix(".pptx").name


# ----------------------------------------------------------------------------- beside a folder being written


def lock_name(folder: Path) -> str:
    """The lock file beside ``folder`` held while a run writes it (``.<name>.lock``)."""
    return f".{Path(folder).name}.lock"


def staging_prefix(folder: Path) -> str:
    """The prefix of ``folder``'s staging folders (``.<name>.new-``), beside it."""
    return f".{Path(folder).name}.new-"


def previous_prefix(folder: Path) -> str:
    """The prefix of ``folder``'s previous copy during a swap (``.<name>.old-``), beside it."""
    return f".{Path(folder).name}.old-"


def is_transient(name: str, folder: Path) -> bool:
    """Whether an entry named ``name`` beside ``folder`` is one of its staging, previous or
    lock entries (never part of the folder itself)."""
    return name.startswith((staging_prefix(folder), previous_prefix(folder))) or name == lock_name(folder)


# ----------------------------------------------------------------------------- the manifest


def manifest_path(processed: Path) -> Path:
    """``<processed>/manifest.json``."""
    return Path(processed) / MANIFEST_NAME


def has_manifest(processed: Path) -> bool:
    """Whether ``processed`` holds a cleaning run (its manifest)."""
    return manifest_path(processed).is_file()


def read_manifest(processed: Path, *, missing_ok: bool = False) -> dict[str, Any]:
    """The ``manifest.json`` of a processed folder, the one reader of it.

    Args:
        processed: the processed folder.
        missing_ok: an absent manifest reads as ``{}`` (the notebooks before any clean).

    Raises:
        VhcsError: the manifest is absent (unless ``missing_ok``) or cannot be read, in
            Vietnamese, naming the file.
    """
    from vhcs_analysis.errors import VhcsError

    path = manifest_path(processed)
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise VhcsError(f"thiếu {path} (chưa làm sạch dữ liệu thô)") from None
    except (OSError, ValueError) as exc:
        raise VhcsError(f"không đọc được {path}: {exc}") from None


# ----------------------------------------------------------------------------- which processed folder


def report_processed(report: Path, *, processed: Path | None, own: bool) -> Path | None:
    """Where ``vhcs report`` writes the processed data of ``report``: ``processed`` when
    given; ``<report>/processed`` when the report has data of its own (``own``: a raw
    folder was named with ``--raw``); else None (the project's default processed folder)."""
    if processed is not None:
        return Path(processed)
    return Path(report) / PROCESSED_DIR if own else None


def find_report_processed(report: Path, default_report: Path, default_processed: Path) -> Path:
    """The processed folder that belongs to an existing report folder: its own
    ``<report>/processed`` when it holds a manifest; for the project's default report
    folder (``default_report``), the default processed folder when that holds one;
    else ``<report>/processed`` (absent: the caller says so)."""
    own = Path(report) / PROCESSED_DIR
    if has_manifest(own):
        return own
    if Path(report).resolve() == Path(default_report).resolve() and has_manifest(default_processed):
        return Path(default_processed)
    return own


# ----------------------------------------------------------------------------- the units registry
