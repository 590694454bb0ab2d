"""What the writers of the province sample share: the ``Ledger`` of expected results and
the ``SampleContext`` they write through.

This module imports nothing from ``vhcs_analysis.sample``: ``province.py`` implements the
context and calls the writers of the other files (``inspections.py``, ``rankings.py``,
``extras.py``), which only see the context, so no sample module imports back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd


@dataclass
class Ledger:
    """What the raw files contain, as the cleaner must see it."""

    reports: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    rankings: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    files: int = 0

    def reject(self, file, sheet, row, column, code, **extra):
        """Record a planted error: the raw cell the cleaning must reject, with its reason code."""
        self.rejects.append({"source_file": file, "sheet": sheet, "row": row, "column": column,
                             "reason_code": code, **extra})

    def finding(self, file, sheet, row, column, code):
        """Record a planted finding: the raw cell the cleaning must flag while keeping the row."""
        self.findings.append({"source_file": file, "sheet": sheet, "row": row, "column": column,
                              "finding_code": code})


class SampleContext(Protocol):
    """The province sample being written: where, from which truth, with which generator.

    ``world`` is the ``sample.truth.World`` (units, reports, inspections, rankings); every
    random draw goes through ``rng`` in a fixed order, so the writers must be called in the
    same order for the same bytes.
    """

    raw: Path
    world: Any
    rng: np.random.Generator
    units: pd.DataFrame
    ledger: Ledger

    def unit(self, unit_id: str) -> pd.Series:
        """The registry row of ``unit_id``."""
        ...

    def display_name(self, unit_id: str, weights: dict | None = None) -> str:
        """The unit's name as a clerk types it (official, alias, upper case, with prefix)."""
        ...

    def choose(self, pool: list[str], k: int, exclude: set[str]) -> list[str]:
        """``k`` units drawn from ``pool`` minus ``exclude``; adds them to ``exclude``."""
        ...
