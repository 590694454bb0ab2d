"""The row walker: what every row of a located table is, decided in one place.

Real forms put rows around and between the data that carry no data of their own: the
title area above the header, a column-number row "(1) (2) (3)…" under it, blank rows,
group headings ("I. Khối các cơ quan Đảng"), a "Tổng cộng" row, note lines and the
signature block. Every reader takes its rows from here, so a rule that decides which
rows are data (and so how many rows were read) changes for every form at once.

Two layouts:
- record rows (Form 01 consolidated, Form 02, rankings): one unit per row, ``walk_records``;
- indicator rows (the per-unit Form 01): one indicator per row of one report,
  ``walk_indicators``.

The structural tests (blank, column numbers, total, title area, signature block) are the
same for both; what makes a row data differs by layout and is described on each walker.
Rows are 0-based (``Row.index + 1`` is the row Excel shows).
"""

from __future__ import annotations

import enum
from operator import itemgetter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from vhcs_analysis.io.locate import (
    Grid,
    cell_text,
    cells_where,
    is_blank,
    is_blank_row,
    is_colnum_cell,
    is_colnum_row,
    is_group_marker,
)
from vhcs_analysis.io.recognise import Table, total_cells, total_row


class RowKind(enum.StrEnum):
    """What a row of a table is; only ``DATA`` rows are read (and counted as rows read)."""

    TITLE = "title"  # the title area above the header (form code, title, period, letterhead)
    HEADER = "header"  # the header row(s)
    HEADER_ECHO = "header_echo"  # the column-number row "(1) (2) (3)…" under the header
    BLANK = "blank"
    TOTAL = "total"  # "Tổng cộng", "Cộng", "Toàn khối"
    GROUP = "group"  # a group heading ("I.", "A.", a section name without data)
    NOTE = "note"  # text without data that names no unit or indicator ("Ghi chú: …")
    REPEAT = "repeat"  # an indicator already read above in the same report: the first is kept
    SIGNATURE = "signature"  # the signature block ("Người lập biểu", "Hà Tĩnh, ngày …")
    DATA = "data"


@dataclass(slots=True)
class Row:
    """One row of a table with its kind. ``key`` is the unit name (record rows) or the
    indicator label (indicator rows), ``stt`` the numbering cell; ``unknown`` the
    non-blank cells under headers that are not in the label maps (column -> value);
    ``indicator``/``score``: the field an indicator row was matched to (score when fuzzy)."""

    index: int
    kind: RowKind
    key: str = ""
    stt: str = ""
    unknown: dict[int, object] = field(default_factory=dict)
    indicator: str | None = None
    score: float | None = None

    @property
    def in_data_region(self) -> bool:
        """Between the header and the signature block (any kind)."""
        return self.kind not in (RowKind.TITLE, RowKind.HEADER, RowKind.SIGNATURE)


def _region_rows(table: Table) -> Iterator[tuple[int, RowKind | None]]:
    """Every row of the table's area with its region kind (None: the data region)."""
    for r in range(table.title_top, table.header_top):
        yield r, RowKind.TITLE
    for r in range(table.header_top, table.header_bottom + 1):
        yield r, RowKind.HEADER
    for r in range(table.header_bottom + 1, table.data_end + 1):
        yield r, None
    for r in range(table.data_end + 1, table.footer_end + 1):
        yield r, RowKind.SIGNATURE


def _structural_kind(grid: Grid, table: Table, r: int) -> RowKind | None:
    """The kinds every layout shares: blank, column numbers, total (None: look further)."""
    if is_blank_row(grid, r):
        return RowKind.BLANK
    if is_colnum_row(grid, r):
        return RowKind.HEADER_ECHO
    if total_row(grid, r, table):
        return RowKind.TOTAL
    return None


# below this many rows a table's structural kinds are decided row by row (same result)
VECTOR_MIN_ROWS = 48


def structural_kinds(grid: Grid, table: Table, rows: range) -> dict[int, RowKind]:
    """``_structural_kind`` of every row of ``rows`` that has one (the others are left out),
    from the sheet's row features: blank rows are those with no non-blank cell; only rows
    of at least three cells whose first two are column numbers can be a column-number
    row, only rows with a total label in a cell ``total_row`` looks at (STT, name, label,
    the first two non-blank cells) can be a total row. The per-row tests run on those
    candidates alone, so every kind is the one ``_structural_kind`` gives."""
    if len(rows) < VECTOR_MIN_ROWS:  # a few rows: the per-row tests cost less than the set-up
        return {r: kind for r in rows if (kind := _structural_kind(grid, table, r)) is not None}
    feats = grid.features()
    nonblank = feats.nonblank[rows.start:rows.stop]
    first = feats.first[rows.start:rows.stop]
    second = feats.second[rows.start:rows.stop]
    values = grid.values[rows.start:rows.stop]
    kinds = dict.fromkeys(feats.rows_where(rows, nonblank == 0), RowKind.BLANK)

    filled = feats.rows_where(rows, nonblank >= 1)
    candidates = np.zeros(len(rows), dtype=bool)
    wide = np.flatnonzero(nonblank >= 3)  # the first cell, then the second where it passed
    wide = wide[cells_where([values[i][c] for i, c in zip(wide.tolist(), first[wide].tolist())], is_colnum_cell)]
    wide = wide[cells_where([values[i][c] for i, c in zip(wide.tolist(), second[wide].tolist())], is_colnum_cell)]
    candidates[wide] = True
    near = np.asarray(filled, dtype=np.int64) - rows.start
    if near.size:
        # the cells total_row reads: the STT, name and label columns, and the first two
        # non-blank cells where those are in other columns; each distinct text tested once
        fixed = sorted({c for c in (table.columns.get(f) for f in ("stt", "unit_name", "label"))
                        if c is not None and c >= 0})
        where: list[np.ndarray] = []
        cells = []
        for col in fixed:
            where.append(near)
            cells += [row[col] if col < len(row) else None for row in map(values.__getitem__, near.tolist())]
        for pos in (first, second):
            cols = pos[near]
            extra = cols >= 0
            for col in fixed:
                extra &= cols != col
            where.append(near[extra])
            cells += [values[i][c] for i, c in zip(near[extra].tolist(), cols[extra].tolist())]
        hits = total_cells(cells)
        if hits.any():
            candidates[np.concatenate(where)[hits]] = True
    for r in feats.rows_where(rows, candidates):
        kind = _structural_kind(grid, table, r)
        if kind is not None:
            kinds[r] = kind
    return kinds


def _settled_rows(grid: Grid, table: Table) -> Iterator[tuple[int, Row | None]]:
    """Every row index of ``table`` with its Row when its region (title, header, footer…)
    or its structure (blank, column numbers, total, signature…) already settles its kind,
    else None: a row the walker must look at the contents of."""
    structural = structural_kinds(grid, table, range(table.header_bottom + 1, table.data_end + 1))
    for r, region in _region_rows(table):
        kind = region if region is not None else structural.get(r)
        yield r, (Row(r, kind) if kind is not None else None)


def walk_records(grid: Grid, table: Table, *, value_cols: Sequence[int],
                 known_unit: Callable[[str], bool] | None = None) -> Iterator[Row]:
    """Every row of a record table (one unit per row) with its kind.

    A row with no value in ``value_cols`` and none under an unknown header is a group
    heading when its STT is "I."/"A." or blank, and a note when it names nothing; with
    ``known_unit`` given, also a note when its name is not a unit (a numbered line of
    text on a consolidated sheet). A row without a name whose STT is a group marker is a
    group row even with numbers (a group's subtotal). Any other row is data: a unit
    row, rejected later if its name or values are wrong.
    """
    name_col = table.columns["unit_name"]
    stt_col = table.columns.get("stt")
    for r, settled in _settled_rows(grid, table):
        if settled is not None:
            yield settled
            continue
        kind = None
        values = grid.values[r]
        name = grid.text(r, name_col)
        stt = grid.text(r, stt_col) if stt_col is not None else ""
        unknown = {c: values[c] for c in table.unknown_columns if not is_blank(values[c])}
        if not unknown and all(is_blank(values[c]) for c in value_cols):
            if is_group_marker(stt) or (name and not stt):
                kind = RowKind.GROUP
            elif not name or (known_unit is not None and not known_unit(name)):
                kind = RowKind.NOTE
        if kind is None and not name and is_group_marker(stt):
            kind = RowKind.GROUP
        yield Row(r, kind or RowKind.DATA, name, stt, unknown)


@dataclass(slots=True)
class RecordRows:
    """The data rows of a record table, column-wise: what ``walk_records`` says of its
    ``DATA`` rows, in the same order. ``index[k]``: the 0-based row of data row ``k``;
    ``names[k]``/``stt[k]``: its unit name and STT texts (``Row.key``/``Row.stt``);
    ``unknown``: data row position -> its non-blank cells under unknown headers (column ->
    value), only the rows that have any."""

    index: list[int]
    names: list[str]
    stt: list[str]
    unknown: dict[int, dict[int, object]]

    def __len__(self) -> int:
        return len(self.index)


def _texts(values: list) -> list[str]:
    """``Grid.text`` of each cell (``values``: one column's cells), each distinct (type,
    value) converted once (a column repeats its STT numbers and group markers)."""
    kinds = set(map(type, values))
    if kinds == {str}:  # a name column: the text stripped (blank text: "")
        return list(map(str.strip, values))
    if kinds == {int}:  # an STT column of numbers: their digits (``cell_text``)
        return list(map(str, values))
    seen: dict = {}
    out = []
    for v in values:
        if type(v) is str:  # most names: ``cell_text`` of text is its strip
            out.append(v.strip())
            continue
        try:
            key = (type(v), v)
            text = seen.get(key)
            if text is None:
                text = seen[key] = "" if is_blank(v) else cell_text(v)
        except TypeError:  # an unhashable cell
            text = "" if is_blank(v) else cell_text(v)
        out.append(text)
    return out


def walked_record_rows(grid: Grid, table: Table, *, value_cols: Sequence[int],
                       known_unit: Callable[[str], bool] | None = None) -> RecordRows:
    """``record_rows`` the walker's way: the ``DATA`` rows of ``walk_records``, row by row."""
    index: list[int] = []
    names: list[str] = []
    stt: list[str] = []
    unknown: dict[int, dict[int, object]] = {}
    for row in data_rows(walk_records(grid, table, value_cols=value_cols, known_unit=known_unit)):
        if row.unknown:
            unknown[len(index)] = row.unknown
        index.append(row.index)
        names.append(row.key)
        stt.append(row.stt)
    return RecordRows(index, names, stt, unknown)


def record_rows(grid: Grid, table: Table, *, value_cols: Sequence[int],
                known_unit: Callable[[str], bool] | None = None) -> RecordRows:
    """The ``DATA`` rows of ``walk_records(grid, table, value_cols=…, known_unit=…)`` with
    their names, STT and unknown cells, decided for the whole table at once: the structural
    kinds from ``structural_kinds``, the blank cells of the value and unknown columns from
    the sheet's row features (``RowFeatures.cells``), the name and STT texts column by
    column, ``is_group_marker`` once per distinct STT text; only rows without any value
    (group headings, note lines) are looked at one by one, with ``walk_records``'s rules.
    ``walk_records`` is the reference (``tests/test_record_rows.py`` checks they agree)."""
    rows = range(table.header_bottom + 1, table.data_end + 1)
    if len(rows) < VECTOR_MIN_ROWS:  # a few rows: the walker itself costs less than the set-up
        return walked_record_rows(grid, table, value_cols=value_cols, known_unit=known_unit)
    structural = structural_kinds(grid, table, rows)
    look = np.ones(len(rows), dtype=bool)
    if structural:
        look[np.fromiter(structural, dtype=np.int64, count=len(structural)) - rows.start] = False
    near = np.flatnonzero(look) + rows.start  # the rows the walker looks into
    cells = grid.features().cells
    assert cells is not None, "Grid.features() fills the cell matrix"
    width = cells.shape[1]

    def filled(cols: Iterable[int]) -> np.ndarray:
        """near × cols: is the cell not blank (a column beyond the sheet: blank)."""
        cols = [c for c in cols if 0 <= c < width]
        return cells[np.ix_(near, np.asarray(cols, dtype=np.intp))] if cols else np.zeros((len(near), 0), dtype=bool)

    def texts(col: int | None) -> list[str]:
        if col is None or not 0 <= col < width:  # ``Grid.text`` out of the row: ""
            return [""] * len(near)
        return _texts(list(map(itemgetter(col), map(grid.values.__getitem__, near.tolist()))))

    unknown_cols = list(table.unknown_columns)
    unknown_filled = filled(unknown_cols)
    has_unknown = np.asarray(unknown_filled.any(axis=1))
    has_value = np.asarray(filled(value_cols).any(axis=1) | has_unknown)
    name_texts = texts(table.columns["unit_name"])
    stt_col = table.columns.get("stt")
    stt_texts = texts(stt_col)
    # with a value, a row is data unless it has no name and its STT is a group marker
    markers = {t: is_group_marker(t) for t in set(stt_texts)} if stt_col is not None else {"": False}
    keep = []
    for k, (value, name, stt) in enumerate(zip(has_value.tolist(), name_texts, stt_texts)):
        if value:
            if name or not markers[stt]:
                keep.append(k)
        elif not (markers[stt] or (name and not stt)) and name and (known_unit is None or known_unit(name)):
            keep.append(k)
    unknown = {}
    if has_unknown.any():
        kept_cols = [c for c in unknown_cols if 0 <= c < width]
        for pos, k in enumerate(keep):
            if has_unknown[k]:
                row = grid.values[int(near[k])]
                unknown[pos] = {c: row[c] for c, f in zip(kept_cols, unknown_filled[k].tolist()) if f}
    return RecordRows(near[keep].tolist(), [name_texts[k] for k in keep], [stt_texts[k] for k in keep], unknown)


def walk_indicators(grid: Grid, table: Table, *,
                    match: Callable[[str], tuple[str | None, float | None]]) -> Iterator[Row]:
    """Every row of a per-unit Form 01 table (one indicator per row) with its kind.

    The label is the "Chỉ tiêu" cell, or the STT cell when that holds text (a label typed
    one column to the left). A row with neither label nor value is a group row (STT
    "I."/"A.") or a note; a row whose label matches no indicator (``match``) and has no
    value is a group heading ("I. Công tác lãnh đạo": no data to lose); a second row for
    an indicator already read is a repeat (the first is kept). Any other row is data,
    including a value without a known label (rejected ``unknown_label`` by the reader).
    """
    label_col = table.columns["label"]
    value_col = table.columns["value"]
    stt_col = table.columns.get("stt")
    seen: set[str] = set()
    for r, settled in _settled_rows(grid, table):
        if settled is not None:
            yield settled
            continue
        label = grid.text(r, label_col)
        stt = grid.text(r, stt_col) if stt_col is not None else ""
        if not label and stt_col is not None and not is_group_marker(stt):
            label = stt if not stt.isdigit() else ""
        value = grid.values[r][value_col] if value_col < len(grid.values[r]) else None
        no_value = is_blank(value)
        if not label and no_value:
            yield Row(r, RowKind.GROUP if is_group_marker(stt) else RowKind.NOTE, label, stt)
            continue
        fld, score = match(label) if label else (None, None)
        if fld is None and no_value:
            yield Row(r, RowKind.GROUP, label, stt)
        elif fld is not None and fld in seen:
            yield Row(r, RowKind.REPEAT, label, stt, indicator=fld, score=score)
        else:
            if fld is not None:
                seen.add(fld)
            yield Row(r, RowKind.DATA, label, stt, indicator=fld, score=score)


def data_rows(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows to read."""
    return (row for row in rows if row.kind is RowKind.DATA)


def value_rows(rows: Iterable[Row]) -> Iterator[Row]:
    """Rows of the data region that may hold a value under a column the label maps do not
    know (every kind but the column-number row): a per-unit report with such a value is
    rejected ``unknown_label``, whatever row the value sits on."""
    return (row for row in rows if row.in_data_region and row.kind is not RowKind.HEADER_ECHO)
