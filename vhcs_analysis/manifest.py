"""``manifest.json`` of a clean: per input file its sha256, kind, status and row counts
(rows read = kept + rejected), the package version, the settings used and the totals;
and the check that a sample folder holds only the sample's own files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from vhcs_analysis import __version__
from vhcs_analysis.config import read_sample_file_list

if TYPE_CHECKING:
    from vhcs_analysis.results import CleanResult, FileEntry
    from vhcs_analysis.settings import Settings


def file_sha256(path: Path) -> str | None:
    """The file's sha256 (hex), None when it cannot be read."""
    from vhcs_analysis.io.files import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def file_record(entry: FileEntry) -> dict:
    """One input file as the manifest lists it."""
    read, kept, rejected = entry.counts()
    return {"path": entry.path, "sha256": entry.sha256, "kind": entry.kind, "status": entry.status,
            "reason": entry.reason, "sheets": entry.sheets, "rows_read": read, "rows_kept": kept,
            "rows_rejected": rejected}


def build_manifest(result: CleanResult, settings: Settings) -> dict:
    """``manifest.json``: the package version, whether the folder is sample data, the
    settings used (``Settings.record``), every file with its counts, what was skipped, totals."""
    files = [file_record(e) for e in result.files]
    reasons = Counter(result.rejects["reason_code"]) if result.rejects is not None else Counter()
    # every problem of every rejected record (a record counts once in rejects_by_reason)
    problems = Counter(p.code for e in result.files for b in e.batches for ps in b.problems.values() for p in ps)
    status = Counter(e.status for e in result.files)
    return {
        "package_version": __version__,
        "is_sample": any(e.kind == "sample_marker" for e in result.files),
        # the settings file used (name, sha256) and the merged values
        "settings": settings.record(),
        "files": files,
        "skipped": result.skipped,
        "totals": {
            "files": len(files),
            "files_used": status.get("used", 0),
            "files_skipped": status.get("skipped", 0),
            "files_unreadable": status.get("unreadable", 0),
            "rows_read": sum(f["rows_read"] for f in files),
            "rows_kept": sum(f["rows_kept"] for f in files),
            "rows_rejected": sum(f["rows_rejected"] for f in files),
            "findings": 0 if result.findings is None else len(result.findings),
            "rejects_by_reason": dict(sorted(reasons.items())),
            "problems": sum(problems.values()),
            "problems_by_reason": dict(sorted(problems.items())),
            "table_rows": {name: len(df) for name, df in result.tables.items()},
        },
    }


def foreign_to_sample(raw: Path, files: list[FileEntry]) -> list[str]:
    """Files in a sample folder that the sample did not write (or that were changed since).

    Sample and real data must never mix silently: when real files are dropped into a
    folder holding the synthetic sample, everything built stays marked as sample data and
    the command says which files do not belong."""
    markers = [e for e in files if e.kind == "sample_marker"]
    if not markers:
        return []
    listed = read_sample_file_list(raw / markers[0].path)
    if not listed:  # a marker from before file lists: nothing to compare with
        return []
    return sorted(e.path for e in files
                  if e.kind != "sample_marker" and e.sha256 is not None and listed.get(e.path) != e.sha256)
