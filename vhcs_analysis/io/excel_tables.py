"""Tables as Excel workbooks for the office: the ``.xlsx`` twins of the CSVs people open.

The CSVs stay the machine contract; an office on Vietnamese regional settings (list
separator ";") opens a comma-separated file as one column, so ``rejects.xlsx``,
``findings.xlsx`` and the report's ``bang-so-lieu.xlsx`` carry the same rows as sheets:
Vietnamese column headers (``labels.COLUMN_LABELS_VI``), the header row frozen and
filtered, widths from the contents, numbers as numbers, dates as dates, and text cells
through the CSV writer's formula guard (``writers.neutralise_formula``). Written by
``xlsx_write.write_cells_xlsx``: fixed properties and zip timestamps, so the same tables
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from vhcs_analysis.io.writers import neutralise_formula
from vhcs_analysis.io.xlsx_write import CellSheet, CellStyle, write_cells_xlsx

HEADER_STYLE = CellStyle(bold=True, wrap=True, boxed=True, font="Arial")
CELL_STYLE = CellStyle(wrap=True, font="Arial")  # long text wraps; every cell top-aligned
MIN_WIDTH, MAX_WIDTH = 6.0, 40.0
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def cell_value(value):
    """A frame's value as an Excel cell: None for missing (NaN, NA, ±inf), Python numbers,
    booleans and dates as themselves, text guarded against formulas."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, dt.date)):
        value = value.item()  # numpy scalars
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int, dt.date)):
        return value
    return neutralise_formula(str(value))


def _width(values: list, header: str) -> float:
    """Characters of the longest line of a column's cells, and room for the header in at
    most three lines."""
    longest = max((len(line) for v in values if v is not None for line in _shown(v).splitlines()), default=0)
    head = max(max((len(w) for w in header.split()), default=0), math.ceil(len(header) / 3)) + 2  # ≤ 3 lines
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, head)))


def _shown(value) -> str:
    if isinstance(value, dt.date):
        return "00/00/0000"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


LINE_HEIGHT = 12.75  # points per line of 10-point text


def _heights(cells: dict, styles: dict, widths: dict[int, float], *, first: int) -> dict[int, float]:
    """Row heights for the wrapped cells from row ``first`` on (a viewer does not grow a
    row on opening): lines per cell from its length and its column's width."""
    lines: dict[int, int] = {}
    for (r, c), value in cells.items():
        style = styles.get((r, c))
        if r < first or value is None or style is None or not style.wrap:
            continue
        width = max(1.0, widths.get(c, 10.0) - 1)
        n = sum(max(1, math.ceil(len(part) / width)) for part in _shown(value).splitlines() or [""])
        lines[r] = max(lines.get(r, 1), n)
    return {r: n * LINE_HEIGHT for r, n in sorted(lines.items()) if n > 1}


def sheet_name(name: str, taken: set[str]) -> str:
    """``name`` as a valid, unused Excel sheet name (≤ 31 characters, no []:*?/\\)."""
    base = _SHEET_NAME_BAD.sub("-", name)[:SHEET_NAME_MAX] or "Trang"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"~{n}"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def number_format(decimals: int | None) -> str:
    """The Excel number format that shows ``decimals`` decimals ("0.0" for 1, "0" for 0);
    empty (General, every digit) for None."""
    if decimals is None:
        return ""
    return "0" + ("." + "0" * decimals if decimals > 0 else "")


def frame_sheet(name: str, frame: pd.DataFrame, headers: dict[str, str], *, top: Sequence[Sequence] = (),
                formats: Mapping[str, Sequence[str]] | None = None) -> CellSheet:
    """One sheet: optional lines ``top`` (a title, notes) above a table of ``frame`` whose
    header row carries ``headers[column]`` (the column's code when it has no label).
    ``formats``: per column, an Excel number format per row ("0.0"; empty: General) for
    the cells that hold numbers, which keep their full value."""
    cells: dict[tuple[int, int], object] = {}
    styles: dict[tuple[int, int], CellStyle] = {}
    for r, line in enumerate(top, start=1):
        for c, value in enumerate(line, start=1):
            if value is not None:
                cells[(r, c)] = cell_value(value)
                styles[(r, c)] = CellStyle(bold=(c == 1 and r == 1), font="Arial")
    head = len(top) + 1
    widths: dict[int, float] = {}
    n = len(frame)
    for c, column in enumerate(frame.columns, start=1):
        label = headers.get(str(column), str(column))
        cells[(head, c)] = neutralise_formula(label)
        styles[(head, c)] = HEADER_STYLE
        values = [cell_value(v) for v in frame[column].tolist()]
        widths[c] = _width(values, label)
        shapes = list((formats or {}).get(str(column), ())) + [""] * n
        for r, (value, shape) in enumerate(zip(values, shapes), start=head + 1):
            if value is not None:
                cells[(r, c)] = value
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            styles[(r, c)] = replace(CELL_STYLE, number_format=shape) if shape and is_number else CELL_STYLE
    ncols = max(1, len(frame.columns))
    heights = _heights(cells, styles, widths, first=head)
    return CellSheet(name, cells, styles, widths=widths, heights=heights, freeze_rows=head,
                     autofilter=(head, 1, head + n, ncols), landscape_fit=True)


def read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Every ``*.csv`` of ``folder`` (as ``writers.write_csv`` wrote them), by file name
    without ``.csv``, in name order."""
    from vhcs_analysis.io.writers import read_csv

    return {path.stem: read_csv(path, encoding="utf-8-sig", keep_default_na=True)
            for path in sorted(Path(folder).glob("*.csv"))}


@dataclass(frozen=True)
class TableSheet:
    """One table of an indexed workbook (``write_indexed_xlsx``): the sheet's wanted name,
    the frame and its column headers (a column's code when it has none), what the table
    holds and where it comes from (a CSV's name; empty when none), and the number formats
    of its columns (``frame_sheet``'s ``formats``)."""

    name: str
    frame: pd.DataFrame
    headers: dict[str, str]
    about: str = ""
    source: str = ""
    formats: dict[str, list[str]] = field(default_factory=dict)  # ``frame_sheet``'s number formats


def write_indexed_xlsx(target: Path, tables: Sequence[TableSheet], *, index_name: str,
                       index_headers: tuple[str, str, str], top: Sequence[Sequence] = ()) -> Path:
    """The workbook ``target``: a first sheet ``index_name`` listing every table (its sheet's
    name, what it holds, its source; ``index_headers`` name those three columns, ``top``:
    lines above them), then one sheet per table in the order given (``frame_sheet``). Sheet
    names are made valid and unique (``sheet_name``), the index's name first."""
    taken = {index_name}
    sheets, rows = [], []
    for table in tables:
        name = sheet_name(table.name, taken)
        sheets.append(frame_sheet(name, table.frame, table.headers, formats=table.formats))
        rows.append((name, table.about or None, table.source or None))
    index = pd.DataFrame(rows, columns=list(index_headers))
    return write_cells_xlsx(target, [frame_sheet(index_name, index, {}, top=top), *sheets])
