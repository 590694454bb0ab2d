"""The report folder ``vhcs verify`` checks: what ``vhcs report`` left in it, found by the
names of ``layout`` (the processed folder that belongs to it is ``layout``'s decision)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.config import get_paths
from vhcs_analysis.errors import VhcsError

@dataclass(frozen=True)
class ReportFolder:
    """A report folder: its processed data, executed notebooks, documents and manifest."""

    root: Path
    processed: Path
    notebooks: list[Path]
    documents: list[Path]
    manifest: dict


def locate_report(report: Path) -> ReportFolder:
    """What ``vhcs report --out DIR`` left in ``report``; VhcsError (exit 2) when the folder
    is not such a report. The processed data are ``<report>/processed`` (``vhcs report
    --raw``) or, for the project's default ``reports/``, the default processed folder."""
    from vhcs_analysis.report.notebooks import list_notebooks

    report = Path(report)
    if not report.is_dir():
        raise VhcsError(f"không có thư mục báo cáo '{report}'")
    default = get_paths()
    processed = layout.find_report_processed(report, default.reports, default.processed)
    folder = report / layout.NOTEBOOKS_DIR
    notebooks = list_notebooks(folder) if folder.is_dir() else []
    documents = sorted(p for p in report.iterdir() if p.is_file() and p.suffix.lower() in layout.DOCUMENT_SUFFIXES)
    documents += sorted(p for p in (report / layout.SCORECARDS_DIR).glob("*") if p.is_file())  # split cards + index
    missing = []
    if not any(p.match(layout.REPORT_PDF_GLOB) for p in documents):
        missing.append("báo cáo PDF (bao-cao-…-nq01.pdf)")
    if not notebooks:
        missing.append("các notebook đã chạy (notebooks/NN-*.ipynb)")
    if not layout.has_manifest(processed):
        missing.append("dữ liệu đã làm sạch kèm manifest (processed/manifest.json)")
    if missing:
        raise VhcsError(
            f"'{report}' không phải thư mục báo cáo do `vhcs report` tạo ra: thiếu " + "; ".join(missing)
            + ". Hãy chỉ định đúng thư mục đã dùng cho `vhcs report --out`."
        )
    manifest = layout.read_manifest(processed)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise VhcsError(f"{layout.manifest_path(processed)} không phải manifest của `vhcs clean` (thiếu danh sách tệp)")
    return ReportFolder(report, processed, notebooks, documents, manifest)


def within(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (False when either cannot be resolved)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
