"""The loaded review data, the indicator panel and its metadata, and small text helpers.

``setup()`` (the first cell of every notebook) is where the notebooks' settings are
loaded (``settings.load``, the file ``vhcs report`` named through ``VHCS_CONFIG``); they
travel in ``ReviewData.settings`` to every section function from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import layout, plots, tables
from vhcs_analysis.config import SAMPLE_MARK, SAMPLE_MARKER_FILE, Paths, get_paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.periods import period_vi  # noqa: F401  (the notebooks' name, review.period_vi)
from vhcs_analysis.settings import Settings
from vhcs_analysis.settings import load as load_settings  # ``load`` here reads the processed tables


PROCESSED_TABLES = layout.PROCESSED_TABLES

GROUPS = ("pilot", "rest")

SEED = 0


@dataclass
class ReviewData:
    """The processed tables, the manifest and the settings the review runs with.

    Attributes:
        units, unit_reports, inspections, rankings, rejects, findings: the processed
            tables (empty with their columns when a file is absent).
        manifest: ``manifest.json`` of the processed folder (empty dict if absent).
        settings: the frozen settings every section function uses.
    """

    units: pd.DataFrame
    unit_reports: pd.DataFrame
    inspections: pd.DataFrame
    rankings: pd.DataFrame
    rejects: pd.DataFrame
    findings: pd.DataFrame
    manifest: dict
    settings: Settings = field(repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def is_sample(self) -> bool:
        """Whether the data were built from the synthetic sample (the manifest says so)."""
        return bool(self.manifest.get("is_sample", False))

    @property
    def baseline(self) -> str:
        """``[review] baseline``, e.g. "2016-H2"."""
        return str(self.settings.review.baseline)

    @property
    def post(self) -> str:
        """``[review] post``, the end of the window, e.g. "2018-H2"."""
        return str(self.settings.review.post)

    @property
    def periods(self) -> list[str]:
        """``[review] periods``, in order."""
        return [str(p) for p in self.settings.review.periods]


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / layout.parquet_name(name)
    if not path.is_file():
        return tables.empty(name)
    frame = pd.read_parquet(path)
    known = [c for c in tables.columns(name) if c in frame.columns]
    return tables.conform(frame[known], name)


def load(settings: Settings, paths: Paths | None = None) -> ReviewData:
    """Read the processed tables and manifest.

    Args:
        settings: the settings the review runs with (kept in the result).
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        The ``ReviewData``; a missing table reads as empty, a missing manifest as an empty
        one (not sample).
    """
    paths = paths or get_paths()
    folder = paths.processed
    manifest = layout.read_manifest(folder, missing_ok=True)
    frames = {name: _read_table(folder, name) for name in PROCESSED_TABLES}
    return ReviewData(**frames, manifest=manifest, settings=settings)


class NoCleanDataError(VhcsError):
    """Nothing cleaned yet: the notebook stops at its first cell with one Vietnamese line of
    what to run. IPython and JupyterLab show ``_render_traceback_`` instead of a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


NOTHING_TO_CLEAN = ("Chưa có số liệu: chạy `vhcs sample --out data/raw` để thử với dữ liệu mẫu, hoặc chép "
                    "tệp của các đơn vị và danh mục units.csv vào data/raw; rồi chạy `vhcs clean` và chạy "
                    "lại notebook.")
NOT_CLEANED = "Số liệu thô chưa được làm sạch: chạy `vhcs clean` rồi chạy lại notebook."


def ensure_cleaned(paths: Paths, settings: Settings) -> str | None:
    """Make sure the processed folder holds a cleaning run before the notebooks read it.

    A processed folder with ``manifest.json`` is used as it is. Without one: when the raw
    folder is the synthetic sample (``DU_LIEU_MAU.txt``), it is cleaned into the processed
    folder and the returned line says so; otherwise ``NoCleanDataError`` says what to run.

    Args:
        paths: the data folders the notebook reads.
        settings: the settings to clean the sample with.

    Returns:
        None, or the line to show when the sample was cleaned here.

    Raises:
        NoCleanDataError: nothing cleaned and the raw folder is not the sample.
    """
    if layout.has_manifest(paths.processed):
        return None
    if (paths.raw / SAMPLE_MARKER_FILE).is_file():
        from vhcs_analysis.pipeline import clean_folder

        result = clean_folder(paths.raw, paths.processed, settings=settings)
        if result.fatal:
            raise NoCleanDataError("; ".join(result.fatal))
        return (f"{SAMPLE_MARK}: thư mục dữ liệu thô là bộ dữ liệu mẫu và chưa được làm sạch, "
                "nên đã làm sạch nó (như `vhcs clean`) để notebook chạy được.")
    has_files = paths.raw.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in paths.raw.rglob("*"))
    raise NoCleanDataError(NOT_CLEANED if has_files else NOTHING_TO_CLEAN)


def setup(paths: Paths | None = None, settings: Settings | None = None) -> ReviewData:
    """Fix display options and the plot theme, then ``load`` (first cell of every notebook).

    Before anything is cleaned the notebook stops here with one line of what to run, or,
    when the raw folder is the sample, cleans it first (``ensure_cleaned``).

    Args:
        paths: the data folders; None: ``config.get_paths()``.
        settings: the settings to use; None: ``settings.load()``, the settings file in use
            (``VHCS_CONFIG``, ``vhcs.toml``…, else the package defaults). The one place
            the notebooks read settings.

    Returns:
        The loaded ``ReviewData``.

    Raises:
        ConfigError: the settings file is not valid.
        NoCleanDataError: nothing cleaned yet (its one line says what to run).
    """
    paths = paths or get_paths()
    settings = settings if settings is not None else load_settings()
    cleaned_sample = ensure_cleaned(paths, settings)
    if cleaned_sample:
        print(cleaned_sample)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 80)
    pd.set_option("display.precision", 3)
    plots.apply_theme()
    return load(settings, paths)


def _lower_first(text: str) -> str:
    """'Tỷ lệ CBCCVC …' → 'tỷ lệ CBCCVC …' (acronyms further on keep their case)."""
    text = str(text)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def markdown(text: str) -> Any:
    """Markdown for display.

    Args:
        text: Markdown source.

    Returns:
        An ``IPython.display.Markdown``.
    """
    from IPython.display import Markdown  # IPython comes with ipykernel (a dependency)
    return Markdown(text)


def panel(data: ReviewData) -> pd.DataFrame:
    """``indicators.build_panel`` on the loaded tables, computed once per ``data``.

    Args:
        data: the loaded review data (its settings give the periods and the composite).

    Returns:
        One row per unit × period of ``[review] periods``, wide in indicators.
    """
    from vhcs_analysis import indicators

    if "panel" not in data._cache:
        data._cache["panel"] = indicators.build_panel(data.units, data.unit_reports, data.inspections,
                                                      data.settings, periods=data.periods)
    return data._cache["panel"]


def indicator_meta() -> pd.DataFrame:
    """What each indicator measures, for labels and grouping (from the indicator registry).

    Returns:
        One row per indicator: indicator, indicator_vi, measures (MT1…NV4/ALL), goal
        (1–3, Int64, missing for task groups), task_group (1–4, Int64), higher_is_better,
        diff_unit_vi (the unit of a difference, in words).
    """
    from vhcs_analysis import indicator_registry

    specs = indicator_registry.registry().indicators
    measures = [spec.measures for spec in specs]
    return pd.DataFrame({
        "indicator": pd.Series([spec.name for spec in specs], dtype=str),
        "indicator_vi": pd.Series([spec.label_vi for spec in specs], dtype=str),
        "measures": pd.Series(measures, dtype=str),
        "goal": pd.array([int(m[2:]) if m.startswith("MT") else None for m in measures], dtype="Int64"),
        "task_group": pd.array([int(m[2:]) if m.startswith("NV") else None for m in measures], dtype="Int64"),
        "higher_is_better": pd.Series([spec.higher_is_better for spec in specs], dtype=bool),
        "diff_unit_vi": pd.Series([spec.diff_unit_vi for spec in specs], dtype=str),
    })


def _with_meta(df: pd.DataFrame, cols=("indicator_vi", "goal", "task_group")) -> pd.DataFrame:
    meta = indicator_meta().set_index("indicator")
    out = df.copy()
    for pos, col in enumerate(cols, start=1):
        out.insert(pos, col, out["indicator"].map(meta[col]))
    return out


def _label_of(indicator: str) -> str:
    meta = indicator_meta().set_index("indicator")
    return str(meta.loc[indicator, "indicator_vi"]) if indicator in meta.index else indicator


def _group_of(is_pilot) -> pd.Series:
    return pd.Series(np.where(pd.Series(is_pilot).astype("boolean").fillna(False).astype(bool), "pilot", "rest"))


def _period_order(data: ReviewData, series: pd.Series) -> pd.Series:
    order = {p: i for i, p in enumerate(data.periods)}
    return series.map(lambda p: order.get(p, len(order)))


def percent_indicators() -> list[str]:
    """Indicators on the 0–100 percent scale (their axes get % ticks).

    Returns:
        Their codes, in the registry's order.
    """
    from vhcs_analysis import indicator_registry

    return [spec.name for spec in indicator_registry.registry().indicators if spec.is_percent]
