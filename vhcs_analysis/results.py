"""What a cleaning run returns (``pipeline.clean_folder``): one entry per input file and
the result of the run. Plain data, apart from the pipeline, so that the modules that take
a result (``manifest``, ``corrections``, ``io.outputs``) need not import the pipeline that
makes it (an import cycle otherwise)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from vhcs_analysis.clean.batch import RecordBatch


@dataclass
class FileEntry:
    """One input file of a run: where, what it is, whether it was used and why not, and the
    records read from it (one batch per table)."""

    path: str  # relative to the raw folder, posix
    sha256: str | None = None
    kind: str | None = None
    status: str = "skipped"  # used / skipped / unreadable
    reason: str | None = None
    sheets: list[dict] = field(default_factory=list)
    batches: list[RecordBatch] = field(default_factory=list)  # the records read, one batch per table
    registry_rows: int = 0

    def counts(self) -> tuple[int, int, int]:
        """(rows read, kept, rejected)."""
        rejected = sum(b.n_rejected for b in self.batches)
        kept = sum(len(b) for b in self.batches) - rejected + self.registry_rows
        return kept + rejected, kept, rejected


@dataclass
class CleanResult:
    """What ``pipeline.clean_folder`` returns: the clean tables, rejects, findings, manifest,
    the files skipped, the fatal problems (none: ``ok``) and every file's entry."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejects: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)  # {path, sheet?, reason}
    fatal: list[str] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the run had no fatal problem."""
        return not self.fatal
