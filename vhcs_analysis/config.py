"""Paths: the one place for them (settings are ``settings.py``'s: ``settings.load``).

Paths come from (in order) explicit arguments, environment variables ``VHCS_RAW``,
``VHCS_PROCESSED``, ``VHCS_REPORTS``, then the project layout (``data/raw``,
``data/processed``, ``reports`` under the project root).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.errors import ConfigError as ConfigError  # callers catch config.ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
MAPS_DIR = PACKAGE_DIR / "maps"

SAMPLE_MARK = "DỮ LIỆU MẪU – không phải số liệu thực"
# A file with this first line in a raw folder says the folder is synthetic sample data.
SAMPLE_MARKER_LINE = "vhcs-analysis sample data"
SAMPLE_MARKER_FILE = "DU_LIEU_MAU.txt"
# In the marker file, this line is followed by "sha256  relative/path" for every sample file.
SAMPLE_FILES_HEADER = "Các tệp của bộ dữ liệu mẫu (sha256, đường dẫn):"


def read_sample_file_list(marker: Path) -> dict[str, str]:
    """{relative path: sha256} listed in a sample marker file (empty for older markers)."""
    try:
        lines = marker.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    if SAMPLE_FILES_HEADER not in lines:
        return {}
    listed = {}
    for line in lines[lines.index(SAMPLE_FILES_HEADER) + 1 :]:
        sha, sep, rel = line.partition("  ")
        if sep and len(sha) == 64:
            listed[rel] = sha
    return listed


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding this project's
    pyproject.toml, else the checkout the package lives in, else the cwd."""
    here = (start or Path.cwd()).resolve()
    # The working folder first; then the checkout this package was installed from
    # (editable install), so `vhcs report` run from elsewhere still finds notebooks/.
    for folder in (here, *here.parents, PACKAGE_DIR.parent):
        candidate = folder / "pyproject.toml"
        try:
            if candidate.is_file() and 'name = "vhcs-analysis"' in candidate.read_text("utf-8"):
                return folder
        except OSError:
            continue
    return here


@dataclass(frozen=True)
class Paths:
    """The three data folders: raw (read only), processed (the clean stage's) and the
    report folder (the analyse and render stages'); the names inside are ``layout``'s."""

    raw: Path
    processed: Path
    reports: Path

    @property
    def figures(self) -> Path:
        """``<reports>/figures``: the notebooks' figures."""
        return self.reports / layout.FIGURES_DIR

    @property
    def tables(self) -> Path:
        """``<reports>/tables``: the notebooks' tables and ``key_numbers.json``."""
        return self.reports / layout.TABLES_DIR

    @property
    def notebooks(self) -> Path:
        """``<reports>/notebooks``: the executed notebooks."""
        return self.reports / layout.NOTEBOOKS_DIR


def get_paths(
    raw: Path | str | None = None,
    processed: Path | str | None = None,
    reports: Path | str | None = None,
) -> Paths:
    """Resolve the three data folders (arguments > environment > project layout)."""
    root = find_project_root()

    def pick(arg, env, default) -> Path:
        if arg is not None:
            return Path(arg)
        if os.environ.get(env):
            return Path(os.environ[env])
        return root / default

    return Paths(
        raw=pick(raw, "VHCS_RAW", layout.PROJECT_RAW),
        processed=pick(processed, "VHCS_PROCESSED", layout.PROJECT_PROCESSED),
        reports=pick(reports, "VHCS_REPORTS", layout.PROJECT_REPORTS),
    )
