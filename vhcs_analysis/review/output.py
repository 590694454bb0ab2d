"""Writing the report inputs (CSV, SVG, key_numbers.json) and showing Vietnamese views inline."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt, layout, plots
from vhcs_analysis.config import SAMPLE_MARK, Paths, get_paths
from vhcs_analysis.io.writers import write_bytes_atomic, write_csv
from vhcs_analysis.labels import COLUMN_LABELS_VI, HIDDEN_WITH, INDICATOR_KIND_VI, code_labels, method_vi
from vhcs_analysis.review.base import ReviewData, period_vi, markdown

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _round_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].astype("float64").round(fmt.stored_decimals(str(col)))
    return out


def save_table(df: pd.DataFrame, name: str, paths: Paths | None = None) -> Path:
    """Write ``tables/NAME.csv`` (UTF-8 without BOM, comma, dot decimals, rounded floats,
    no index, formula-like text neutralised by ``io.writers.write_csv``), in the row order
    given (the section functions sort); returns the path.

    Args:
        df: the table.
        name: the file's name without ``.csv``.
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        The path written.
    """
    paths = paths or get_paths()
    target = paths.tables / layout.table_file(name)
    return write_csv(_round_frame(df), target, bom=False, date_format=None)


FIGURE_PNG_DPI = 300  # the figure pack and the Word draft: print quality at the figure's size


def save_report_figure(fig: Figure, name: str, *, is_sample: bool, paths: Paths | None = None) -> Path:
    """Mark (when sample) and write ``figures/NAME.svg`` (for the PDF) and ``figures/NAME.png``
    at 300 dpi (for the Word draft and for pasting: Word 2010/2013 shows no SVG); returns
    the SVG's path.

    Args:
        fig: the matplotlib figure.
        name: the file's name without suffix.
        is_sample: mark the figure as sample data.
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        The SVG's path.
    """
    paths = paths or get_paths()
    plots.mark_sample(fig, is_sample)
    plots.save_figure(fig, paths.figures / layout.figure_file(name, "png"), dpi=FIGURE_PNG_DPI)
    return plots.save_figure(fig, paths.figures / layout.figure_file(name, "svg"))


# p-values and q-values: "0,031", "< 0,001" (fmt.p_value), never "0,0"
P_COLUMNS = ("p", "p_value", "p_holm", "p_bh", "did_p", "adj_p", "evidence")


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A Vietnamese view of a result table: headers translated, numbers formatted (1.234,5),
    p-values as "0,031" / "< 0,001", groups, directions, kinds, statuses and booleans in
    words; a code column beside its Vietnamese one (``indicator``/``indicator_vi``,
    ``verdict``/``verdict_vi``) is left out. For showing only: the section functions
    (``pilot_effects`` …) return the raw frames and the CSVs keep the codes.

    Args:
        df: a result table.

    Returns:
        A new frame for display (the input is not changed).
    """
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        if HIDDEN_WITH.get(col) in df.columns:
            continue
        values = df[col].reset_index(drop=True)
        label = COLUMN_LABELS_VI.get(col, col)
        if (table := code_labels(col, values.dropna())) is not None:  # kind, status, group, direction
            shown = values.map(lambda v, t=table: fmt.MISSING if pd.isna(v) else t[v])
            label = "Loại chỉ tiêu" if table is INDICATOR_KIND_VI else label
        elif col == "period":
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else period_vi(v))
        elif col == "year":
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(int(v)))
        elif col == "method":
            shown = values.map(method_vi)
        elif col in P_COLUMNS:
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else fmt.p_value(v))
        elif pd.api.types.is_bool_dtype(values):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else ("Có" if v else "Không"))
        elif pd.api.types.is_integer_dtype(values):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else fmt.number(v, 0))
        elif pd.api.types.is_float_dtype(values):
            decimals = 2 if col in ("estimate", "ci_low", "ci_high") or col.startswith(("did_", "adj_", "lobo_")) \
                or col in ("mde", "sensitivity_gamma") else 1
            shown = values.map(lambda v, d=decimals: fmt.MISSING if pd.isna(v)
                               else fmt.number(0.0 if round(float(v), d) == 0 else v, d))  # no "-0,00"
        else:
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(v))
        out[label] = shown.astype("str")
    out.index = pd.RangeIndex(1, len(out) + 1, name="STT")
    return out


def _display(obj) -> None:
    from IPython.display import display  # IPython comes with ipykernel (a dependency)

    display(obj)


def publish_table(df: pd.DataFrame, name: str, paths: Paths | None = None) -> pd.DataFrame:
    """``save_table`` and return the Vietnamese view (the notebook shows it).

    Args:
        df: the table.
        name: the file's name without ``.csv``.
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        ``display_frame`` of the table.
    """
    save_table(df, name, paths)
    return display_frame(df)


def publish_figure(fig: Figure, name: str, data: ReviewData, paths: Paths | None = None) -> None:
    """``save_report_figure`` (marked when the data is sample data) and show it inline as PNG.

    Args:
        fig: the matplotlib figure.
        name: the file's name without suffix.
        data: the loaded review data (whether it is the sample).
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        None; the figure is shown inline.
    """
    save_report_figure(fig, name, is_sample=data.is_sample, paths=paths)
    from IPython.display import Image

    _display(Image(data=plots.png_bytes(fig), format="png"))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 4)
    return str(value)


def key_numbers_header(data: ReviewData) -> dict:
    """The top of key_numbers.json: sample flag, periods, unit counts.

    Args:
        data: the loaded review data.

    Returns:
        is_sample, baseline, post, periods and the numbers of units, pilots, the rest and blocks.
    """
    units = data.units
    pilot = units["is_pilot"].fillna(False).astype(bool)
    return {
        "is_sample": data.is_sample,
        "sample_mark": SAMPLE_MARK if data.is_sample else None,
        "baseline": data.baseline,
        "post": data.post,
        "periods": data.periods,
        "n_units": len(units),
        "n_pilot": int(pilot.sum()),
        "n_rest": int((~pilot).sum()),
        "n_blocks": int(units["block"].nunique()),
    }


def write_key_numbers(numbers: dict, paths: Paths | None = None) -> Path:
    """Write ``tables/key_numbers.json`` as given (JSON-safe: NaN → null, numbers rounded
    to 4 decimals, keys sorted); returns the path.

    Args:
        numbers: the whole content.
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        The path written.
    """
    paths = paths or get_paths()
    return _write_key_numbers_file(numbers, paths.tables / layout.KEY_NUMBERS_NAME)


def _write_key_numbers_file(numbers: dict, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_jsonable(numbers), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_bytes_atomic(text.encode("utf-8"), target)
    return target


KEY_NUMBERS_SPOOL_ENV = "VHCS_KEY_NUMBERS_SPOOL"


def update_key_numbers(data: ReviewData, section: str, numbers: dict, paths: Paths | None = None) -> dict:
    """Set one section of ``tables/key_numbers.json`` (other sections kept, header
    refreshed); returns the section as written.

    When ``vhcs report`` runs notebooks side by side it sets ``VHCS_KEY_NUMBERS_SPOOL`` to a
    folder of this notebook's own: the update is recorded there (one numbered file per
    call) and ``merge_key_numbers_spool`` applies the updates in notebook order after the
    kernels finish, so two kernels never read and rewrite the file at the same time.

    Args:
        data: the loaded review data (the header).
        section: the section's key.
        numbers: the section's content.
        paths: the data folders; None: ``config.get_paths()``.

    Returns:
        The section as written (JSON-safe).
    """
    paths = paths or get_paths()
    target = paths.tables / layout.KEY_NUMBERS_NAME
    header, value = _jsonable(key_numbers_header(data)), _jsonable(numbers)
    spool = os.environ.get(KEY_NUMBERS_SPOOL_ENV)
    if spool:
        record = {"target": str(target.resolve()), "header": header, "section": section, "numbers": value}
        folder = Path(spool)
        name = f"{len(list(folder.glob('*.json'))):04d}.json"
        write_bytes_atomic(json.dumps(record, ensure_ascii=False).encode("utf-8"), folder / name)
        return value
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text("utf-8")) if target.is_file() else {}
    current.update(header)
    current[section] = value
    write_key_numbers(current, paths)
    return current[section]


def merge_key_numbers_spool(spools: list[Path]) -> list[Path]:
    """Apply the updates recorded in ``spools`` (one folder per notebook, in notebook order;
    in each, the calls in order) to their ``key_numbers.json``, exactly as the calls would
    have updated the file one after another; returns the files written.

    Args:
        spools: one folder per notebook, in notebook order.

    Returns:
        The files written.
    """
    merged: dict[str, dict] = {}
    for folder in spools:
        for part in sorted(Path(folder).glob("*.json")):
            record = json.loads(part.read_text("utf-8"))
            target = Path(record["target"])
            if str(target) not in merged:
                merged[str(target)] = json.loads(target.read_text("utf-8")) if target.is_file() else {}
            current = merged[str(target)]
            current.update(record["header"])
            current[record["section"]] = record["numbers"]
    return [_write_key_numbers_file(numbers, Path(name)) for name, numbers in merged.items()]


def sample_notice(data: ReviewData) -> Any:
    """A visible notice when the data is the synthetic sample, else the data's scope in one line.

    Args:
        data: the loaded review data.

    Returns:
        Markdown: the sample mark and what it means for sample data; for real data, the
        scope (units, periods, baseline).
    """
    if data.is_sample:
        return markdown(f"> **{SAMPLE_MARK}.** Mọi con số, bảng và biểu đồ dưới đây được tính trên bộ "
                        "dữ liệu tổng hợp do gói tạo ra để chạy thử, không phản ánh đơn vị nào.")
    return markdown(f"Số liệu: {fmt.number(len(data.units))} đơn vị trong danh mục; "
                    f"{fmt.number(len(data.periods))} kỳ báo cáo, từ {period_vi(data.periods[0])} đến "
                    f"{period_vi(data.periods[-1])}; kỳ gốc: {period_vi(data.baseline)}.")
