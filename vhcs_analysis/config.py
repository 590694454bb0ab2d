"""Paths and settings: the one place for both.

Paths come from (in order) explicit arguments, environment variables ``VHCS_RAW``,
``VHCS_PROCESSED``, ``VHCS_REPORTS``, then the project layout (``data/raw``,
``data/processed``, ``reports`` under the project root). Settings come from
``defaults.toml`` in the package, overridden by one settings file found as ``settings.py``
says (``--config``, ``$VHCS_CONFIG``, ``vhcs.toml`` in the working folder, then at the
project root) and checked there before any work.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from vhcs_analysis.errors import ConfigError as ConfigError  # re-exported: callers catch config.ConfigError

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings

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
    """The three folders of a run: raw inputs, processed tables, and the report folder (figures and tables inside)."""
    raw: Path
    processed: Path
    reports: Path

    @property
    def figures(self) -> Path:
        """The report's figure folder (SVG and PNG written by the notebooks)."""
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
        """The report's table folder (CSV and key_numbers.json written by the notebooks)."""
        return self.reports / "tables"


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
        raw=pick(raw, "VHCS_RAW", "data/raw"),
        processed=pick(processed, "VHCS_PROCESSED", "data/processed"),
        reports=pick(reports, "VHCS_REPORTS", "reports"),
    )


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@lru_cache(maxsize=8)
def _loaded(override_path: str | None, stamp: tuple[int, int] | None = None) -> Settings:
    """Defaults merged with the file at ``override_path``, checked (ConfigError if not) and
    frozen, with the merged values as read (in the files' order) kept as its ``record()``
    for the manifest. ``stamp`` (the file's mtime and size) makes an edited file be read again."""
    from vhcs_analysis import settings as model

    merged = model.load_toml(PACKAGE_DIR / "defaults.toml")
    name = "defaults.toml"
    if override_path:
        path = Path(override_path)
        name = path.name
        user = model.load_toml(path)
        model.check_known_keys(user, merged, name)
        merged = _merge(merged, user)
    checked = model.validate(merged, name)
    source = model.SettingsSource(Path(override_path) if override_path else None, "")
    checked._record = model.settings_record(source, merged)
    return checked


def _key(source) -> tuple[str | None, tuple[int, int] | None]:
    if source.path is None:
        return None, None
    try:
        info = source.path.stat()
        return str(source.path), (info.st_mtime_ns, info.st_size)
    except OSError:
        return str(source.path), None  # reported by the read itself


def settings_source(cli_path: Path | str | None = None):
    """The settings file in use (``settings.SettingsSource``), found in the documented order:
    ``--config``, ``$VHCS_CONFIG``, ``vhcs.toml`` in the working folder, then at the project root."""
    from vhcs_analysis.settings import find_settings_file

    return find_settings_file(cli_path, project_root=find_project_root())


def load(cli_path: Path | str | None = None) -> Settings:
    """The checked, frozen settings of the settings file in use (``settings_source``), built
    once per file and version: the boundary (CLI, ``review.setup``, the report and verify
    entry points) calls this and hands the result on. ConfigError if the file is bad."""
    return _loaded(*_key(settings_source(cli_path)))


def package_defaults() -> Settings:
    """The package's ``defaults.toml`` alone, checked and frozen (no settings file): what the
    public comparison API uses when its caller passes no settings."""
    return _loaded(None, None)
