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
from typing import TYPE_CHECKING, Any

from vhcs_analysis.errors import ConfigError

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
    raw: Path
    processed: Path
    reports: Path

    @property
    def figures(self) -> Path:
        return self.reports / "figures"

    @property
    def tables(self) -> Path:
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
def _settings_for(override_path: str | None, stamp: tuple[int, int] | None = None) -> dict[str, Any]:
    """Defaults merged with the file at ``override_path``, checked (ConfigError if not).
    ``stamp`` (the file's mtime and size) makes an edited file be read again."""
    from vhcs_analysis import settings as model

    settings = model.load_toml(PACKAGE_DIR / "defaults.toml")
    name = "defaults.toml"
    if override_path:
        path = Path(override_path)
        name = path.name
        user = model.load_toml(path)
        model.check_known_keys(user, settings, name)
        settings = _merge(settings, user)
    model.validate(settings, name)
    return settings


def settings_source(cli_path: Path | str | None = None):
    """The settings file in use (``settings.SettingsSource``), found in the documented order:
    ``--config``, ``$VHCS_CONFIG``, ``vhcs.toml`` in the working folder, then at the project root."""
    from vhcs_analysis.settings import find_settings_file

    return find_settings_file(cli_path)


def load_settings(source) -> dict[str, Any]:
    """The checked settings of ``source`` (a ``settings.SettingsSource``); ConfigError if bad."""
    return copy.deepcopy(_shared_settings(source))


def _shared_settings(source) -> dict[str, Any]:
    """``load_settings`` without the copy: the cached dict itself, never to be modified."""
    if source.path is None:
        return _settings_for(None)
    try:
        info = source.path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None  # reported by the read itself
    return _settings_for(str(source.path), stamp)


def load(cli_path: Path | str | None = None) -> Settings:
    """The validated, frozen settings of the settings file in use (``--config`` path, else
    the documented search order): built once at the boundary (a command, ``review.setup()``)
    and passed to the functions that need them. ConfigError when the file is bad."""
    from vhcs_analysis import settings as model

    source = settings_source(cli_path)
    return model.validate(load_settings(source), source.path.name if source.path else "defaults.toml")


def get_settings() -> dict[str, Any]:
    """All settings as a nested dict (a fresh copy: callers may modify it)."""
    return load_settings(settings_source())


def settings_record() -> dict[str, Any]:
    """``manifest["settings"]``: source file name, its sha256 (None without a file), merged values."""
    from vhcs_analysis.settings import settings_record as record

    return record(settings_source(), get_settings())


def setting(section: str, key: str) -> Any:
    """One setting, e.g. ``setting("review", "baseline")``."""
    try:
        value = _shared_settings(settings_source())[section][key]
    except KeyError:
        raise ConfigError(f"thiếu mục cấu hình [{section}] {key}") from None
    return copy.deepcopy(value)  # a copy of this one value (not of all the settings): callers may modify it
