"""Records of one table kept column-wise, with provenance on demand.

A ``RecordBatch`` holds the records ("rows read", docs/cleaning.md) a reader got from one
located table: a consolidated Form 01 sheet, a Form 02 sheet, a rankings sheet (one record
per unit row), or a per-unit Form 01 report (a batch of one, built from a ``Record``).
Instead of one object per record with a dict of cells, it keeps

- the rows as one array, the parsed values as one list per field;
- for each field, where its cell is, once per table (``CellSpec``: the field's column, a
  cell shared by every record such as the title line of the period, …);
- problems and findings sparsely: only the records that have any, each record's in the
  order they were found (the first problem is the reject reason).

A cell's raw text (the ``value`` a reject quotes) is computed only when a problem or a
finding needs it, from the grid the batch is read from (``grid``, set while the reader
builds the batch and dropped by ``detach`` before the batch leaves its process, so the
batch pickles small).

The steps after reading work on batches: ``name_uncalculated_formulas`` (formula cells
mapped to records by row and to fields by column), ``resolve_duplicates``, ``to_frames``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vhcs_analysis import columnar, tables
from vhcs_analysis.clean.core import (
    MAX_ABS,
    Context,
    Problem,
    Record,
    as_date,
    date_key,
    parse_one,
    raw_text,
    too_large,
    unit_outcome,
)
from vhcs_analysis.errors import Location
from vhcs_analysis.io.locate import col_letter, is_blank

if TYPE_CHECKING:
    from vhcs_analysis.io.locate import Grid

# Where a field's cell is, for every record of a batch (``r`` is the record's 0-based row):
#   ("column", c)          cell (r, c); raw text: raw_text of its value
#   ("text", c)            cell (r, c); raw text: raw_text of its text (``Grid.text``: the unit name)
#   ("fixed", (row, letter, raw))  one cell shared by every record (a title line), 1-based row
#   ("row", None)          the record's row, no column, no raw text (a field without a column)
#   ("column_else", (c, spec))  cell (r, c) when it is not blank, else ``spec`` (None: no cell)
CellSpec = tuple[str, Any]  # the argument's type depends on the kind (above)


@dataclass(eq=False)  # compared by identity: ``rows`` is an array
class RecordBatch:
    """The records of one table, column-wise.

    ``rows[i]``: the 1-based row record ``i`` starts at (its data row; for a per-unit report,
    its first indicator row). ``data[field][i]``: record ``i``'s parsed value of ``field``.
    ``cells``: field -> ``CellSpec``, in the order the fields were read (the order a record's
    cells are listed in). ``explicit``: per record, its cells as (row, letter, raw) when they
    are not described by ``cells`` (a per-unit report: cells scattered over the table).
    ``problems``/``findings``: record index -> its problems / findings, only records with any.
    """

    table: str  # unit_reports / inspections / rankings
    source_file: str
    sheet: str | None
    rows: np.ndarray
    data: dict[str, list] = field(default_factory=dict)
    cells: dict[str, CellSpec] = field(default_factory=dict)
    explicit: list[dict[str, tuple[int, str | None, str | None]]] | None = None
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    findings: dict[int, list[Problem]] = field(default_factory=dict)
    grid: Grid | None = field(default=None, repr=False, compare=False)  # while reading only

    @classmethod
    def from_record(cls, rec: Record) -> RecordBatch:
        """A batch of one record (a per-unit report), its cells kept as they are."""
        batch = cls(rec.table, rec.source_file, rec.sheet, np.array([rec.row], dtype=np.int64),
                    {k: [v] for k, v in rec.data.items()}, explicit=[dict(rec.cells)])
        if rec.problems:
            batch.problems[0] = list(rec.problems)
        if rec.findings:
            batch.findings[0] = list(rec.findings)
        return batch

    @classmethod
    def of_rows(cls, table: str, source_file: str, grid: Grid, index: Sequence[int]) -> RecordBatch:
        """An empty batch for the 0-based data rows ``index`` of ``grid`` (one record per
        row), holding the grid until ``detach``."""
        return cls(table, source_file, grid.name, np.array(index, dtype=np.int64) + 1, grid=grid)

    def __len__(self) -> int:
        return len(self.rows)

    def detach(self) -> RecordBatch:
        """Drop the grid (raw texts are no longer needed once reading is over)."""
        self.grid = None
        return self

    def __getstate__(self) -> dict:
        """A batch pickles without its grid, detached or not (it crosses process boundaries)."""
        state = dict(self.__dict__)
        state["grid"] = None
        return state

    def column(self, fld: str) -> list:
        """``data[fld]``, or None for every record when no record has the field."""
        values = self.data.get(fld)
        return values if values is not None else [None] * len(self)

    # --- provenance ---------------------------------------------------------------------

    def cell(self, i: int, fld: str, *, raw: bool = True) -> tuple[int, str | None, str | None] | None:
        """Record ``i``'s cell of ``fld`` as (1-based row, column letter, raw text), or None
        when the record has no cell for it. ``raw=False`` leaves the text out (None) where
        it is not needed to find the cell."""
        if self.explicit is not None:
            return self.explicit[i].get(fld)
        spec = self.cells.get(fld)
        return None if spec is None else self._resolve(i, spec, raw)

    def _resolve(self, i: int, spec: CellSpec, raw: bool):
        kind, arg = spec
        row = int(self.rows[i])
        if kind == "column":
            assert self.grid is not None, "a detached batch has its cells in ``explicit``"
            return row, col_letter(arg), raw_text(self.grid.values[row - 1][arg]) if raw else None
        if kind == "text":
            assert self.grid is not None, "a detached batch has its cells in ``explicit``"
            return row, col_letter(arg), raw_text(self.grid.text(row - 1, arg) or None) if raw else None
        if kind == "fixed":
            return arg
        if kind == "row":
            return row, None, None
        c, fallback = arg  # column_else
        assert self.grid is not None, "a detached batch has its cells in ``explicit``"
        value = self.grid.values[row - 1][c]
        if not is_blank(value):
            return row, col_letter(c), raw_text(value) if raw else None
        return None if fallback is None else self._resolve(i, fallback, raw)

    def cells_of(self, i: int) -> dict[str, tuple[int, str | None, str | None]]:
        """Record ``i``'s cells, field -> (row, letter, raw text), in the order they were read."""
        if self.explicit is not None:
            return self.explicit[i]
        out = {}
        for fld, spec in self.cells.items():
            cell = self._resolve(i, spec, True)
            if cell is not None:
                out[fld] = cell
        return out

    def at(self, i: int, fld: str) -> tuple[int | None, str | None, str | None]:
        """Where a problem with ``fld`` points (the record's row when it has no such cell)."""
        cell = self.cell(i, fld)
        return cell if cell is not None else (int(self.rows[i]), None, None)

    def problem(self, i: int, code: str, message: str, fld: str | None = None, *, row=None, column=None,
                value=None) -> None:
        """Record a problem of record ``i`` at its cell of ``fld`` (or at ``row``/``column``): the record is
        rejected."""
        r, c, v = self.at(i, fld) if fld else (int(self.rows[i]), None, None)
        self.problems.setdefault(i, []).append(
            Problem(code, message, row or r, column or c, value if value is not None else v))

    def finding(self, i: int, code: str, message: str, fld: str | None = None, *, value=None) -> None:
        """Record a finding of record ``i`` at its cell of ``fld``: a data-quality note, the record is kept."""
        r, c, v = self.at(i, fld) if fld else (int(self.rows[i]), None, None)
        self.findings.setdefault(i, []).append(Problem(code, message, r, c, value if value is not None else v))

    def has_problem_at(self, i: int, fld: str) -> bool:
        """Whether one of record ``i``'s problems sits at its cell of ``fld`` (a parse error
        there: the value is then None, and "missing" would be a second word for it)."""
        problems = self.problems.get(i)
        if not problems:
            return False
        cell = self.cell(i, fld, raw=False)
        return cell is not None and any((p.row, p.column) == cell[:2] for p in problems)

    # --- state --------------------------------------------------------------------------

    def kept(self) -> list[int]:
        """The indices of the records without problems, in order."""
        problems = self.problems
        return [i for i in range(len(self)) if i not in problems] if problems else list(range(len(self)))

    @property
    def n_rejected(self) -> int:
        """How many records are rejected (have a problem)."""
        return len(self.problems)

    def flagged(self) -> list[int]:
        """The records with a problem or a finding, in order."""
        return sorted(self.problems.keys() | self.findings.keys())

    def describe_row(self, i: int) -> str:
        """Where record ``i`` is, as a ``superseded``/``duplicate`` reject names it."""
        return Location(self.source_file, self.sheet, int(self.rows[i])).describe()


# --- column steps of the readers -----------------------------------------------------------


def parse_fields(batch: RecordBatch, fld: str, dtype: str, c0: int, values: Sequence, *, rate: bool = False,
                 only: Sequence[int] | None = None) -> list:
    """Parse the column ``c0`` (``values[k]``: the cell of record ``k``, or of record
    ``only[k]`` when only some records are read) in one pass (``columnar``); a parse error
    or an impossible magnitude becomes a problem at the cell, as ``core.parse_field`` words
    it cell by cell. The parsed values become ``batch.data[fld]`` (all records read) and
    are returned."""
    batch.cells[fld] = ("column", c0)
    parsed, errors = columnar.parse_column(values, dtype, rate, parse_one)
    records = range(len(values)) if only is None else only
    # at most one problem per record here (a cell with a parse error has no value), so the
    # errors and the impossible magnitudes are found in two passes over the column
    if errors.count(None) < len(errors):  # most columns have no error: one count in C
        for k in [k for k, error in enumerate(errors) if error is not None]:
            code, message = errors[k]
            batch.problem(records[k], code, message, fld)
    for k in _too_large(parsed, dtype):
        batch.problem(records[k], *too_large(values[k]), fld)  # also NaN, inf
        parsed[k] = None
    if only is None:
        batch.data[fld] = parsed
    return parsed


def _too_large(parsed: list, dtype: str) -> list[int]:
    """The positions of the numbers beyond ``MAX_ABS`` (NaN and infinity included): a
    number column is screened in one numpy pass, the few it flags checked in Python."""
    kinds = set(map(type, parsed))
    if int not in kinds and float not in kinds:  # dates, booleans, blanks: no magnitude to check
        return []
    candidates: Iterable[int] = range(len(parsed))
    if dtype in ("Int64", "Float64"):
        try:
            values = np.array(parsed, dtype=np.float64)  # None -> NaN: flagged, then dropped below
        except (TypeError, ValueError, OverflowError):  # an int beyond float64: look at every value
            pass
        else:
            with np.errstate(invalid="ignore"):
                candidates = np.flatnonzero(~(np.abs(values) <= MAX_ABS)).tolist()
            if len(candidates) == parsed.count(None):  # each None is a candidate (NaN): only those
                return []
    return [k for k in candidates
            if (type(parsed[k]) is int or type(parsed[k]) is float) and not abs(parsed[k]) <= MAX_ABS]


def resolve_units(batch: RecordBatch, ctx: Context, names: Sequence[str | None], c0: int) -> None:
    """``core.resolve_unit`` for every record: ``names[i]`` (read from column ``c0``) into
    ``batch.data['unit_id']``, or a problem saying why it could not be."""
    batch.cells["unit_name"] = ("text", c0)
    unit_ids: list = [None] * len(batch)
    for i, name in enumerate(names):
        res = ctx.registry.resolve(name)
        if res.ok:
            unit_ids[i] = res.unit_id
        outcome = unit_outcome(res, name, ctx.registry)
        if outcome is not None:
            is_problem, code, message = outcome
            (batch.problem if is_problem else batch.finding)(i, code, message, "unit_name")
    batch.data["unit_id"] = unit_ids


def unknown_labels(batch: RecordBatch, unknown: Mapping[int, dict[int, object]], headers: dict[int, str],
                   where: str) -> None:
    """A value under a header that is in no label map rejects its record, one problem per
    such cell (left to right) naming the header; ``where`` names the map. ``unknown``:
    record index -> its non-blank cells under such headers (``RecordRows.unknown``)."""
    for i, cells in sorted(unknown.items()):
        if cells:
            row = int(batch.rows[i])
            for c in sorted(cells):
                batch.problem(i, "unknown_label", f"cột '{headers[c]}' không có trong bảng nhãn {where}",
                              row=row, column=col_letter(c), value=headers[c])


def flagged_indices(mask: np.ndarray) -> list[int]:
    """The 0-based positions where a boolean ``mask`` is True, as Python ints."""
    return np.flatnonzero(mask).tolist()


def numbers(values: Iterable) -> np.ndarray:
    """A field's values as float64, None as NaN (every comparison with it is False)."""
    return np.array(values, dtype=np.float64)


# --- after reading ------------------------------------------------------------------------


def name_uncalculated_formulas(batch: RecordBatch, formulas: dict[tuple[int, int], str]) -> None:
    """A cell read for a record that holds a formula with no stored result (the file was
    written by software that never calculates) is not "missing": its record is rejected
    ``formula_not_calculated`` naming the cell, the formula and what to do, ahead of (and
    instead of) what the blank made the readers say about that cell. The formula cells are
    mapped to records by row (and to every record when one is a cell they share)."""
    if not formulas or not len(batch):
        return
    by_cell: dict[tuple[int, str | None], str] = {
        (r0 + 1, col_letter(c0)): formula for (r0, c0), formula in formulas.items()}
    if batch.explicit is None:
        shared = any(kind == "fixed" and (arg[0], arg[1]) in by_cell for kind, arg in _specs(batch.cells.values()))
        if shared:
            candidates: Iterable[int] = range(len(batch))
        else:
            formula_rows = {row for row, _ in by_cell}
            candidates = [i for i, row in enumerate(batch.rows.tolist()) if row in formula_rows]
    else:
        candidates = range(len(batch))
    for i in candidates:
        named = []
        for row, column, raw in batch.cells_of(i).values():
            formula = by_cell.get((row, column))
            if formula is None or raw is not None:
                continue
            named.append(Problem(
                "formula_not_calculated",
                f"ô {column}{row} chứa công thức {formula} nhưng tệp không lưu kết quả đã tính (tệp do phần mềm "
                "không tự tính công thức tạo ra); hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại",
                row, column, None))
        if named:
            cells = {(p.row, p.column) for p in named}
            batch.problems[i] = named + [p for p in batch.problems.get(i, []) if (p.row, p.column) not in cells]


def _specs(specs: Iterable[CellSpec]) -> Iterator[CellSpec]:
    """Every spec, the fallbacks of ``column_else`` included."""
    for first in specs:
        spec: CellSpec | None = first
        while spec is not None:
            yield spec
            spec = spec[1][1] if spec[0] == "column_else" else None


def _order(batch: RecordBatch, i: int) -> tuple:
    return (batch.source_file, batch.sheet or "", int(batch.rows[i]))


def resolve_duplicates(batches: list[RecordBatch]) -> None:
    """Resubmitted Form 01 reports: for each (unit_id, period) among the records without
    problems, the latest report_date wins (a missing date counts as the oldest; ties: the
    later source_file, sheet, row in sort order); the others are rejected ``superseded``
    naming the winner. Form 02: a unit twice in one round -> the later ones ``duplicate``
    (first in file/sheet/row order kept). Rankings: a unit twice in one year, likewise."""
    groups: dict[tuple, list[tuple[RecordBatch, int]]] = {}
    keys = {"unit_reports": ("u", "period"), "inspections": ("i", "round_id"), "rankings": ("r", "year")}
    for batch in batches:
        tag, by = keys.get(batch.table, ("r", "year"))
        unit_ids, whens = batch.column("unit_id"), batch.column(by)
        for i in batch.kept():
            groups.setdefault((tag, unit_ids[i], whens[i]), []).append((batch, i))
    for key, group in groups.items():
        if len(group) < 2:
            continue
        if key[0] == "u":
            ordered = sorted(group, key=lambda bi: (date_key(bi[0].column("report_date")[bi[1]]), _order(*bi)))
            winner, w = ordered[-1]
            when = winner.column("report_date")[w]
            when_text = f", ngày báo cáo {as_date(when):%d/%m/%Y}" if when is not None else ""
            for batch, i in ordered[:-1]:
                batch.problem(i, "superseded", f"báo cáo của {key[1]} kỳ {key[2]} đã được thay bằng "
                              f"bản nộp sau: {winner.describe_row(w)}{when_text}")
        else:
            ordered = sorted(group, key=lambda bi: _order(*bi))
            first, f = ordered[0]
            what = f"đợt {key[2]}" if key[0] == "i" else f"năm {key[2]}"
            for batch, i in ordered[1:]:
                batch.problem(i, "duplicate", f"{key[1]} đã có trong {what} ({first.describe_row(f)}); "
                              "dòng này trùng lặp")


def full_message(src: RecordBatch | Record, p: Problem) -> str:
    """A problem or finding as the rejects, findings and ``vhcs validate`` word it."""
    where = Location(src.source_file, src.sheet, p.row, p.column).describe()
    value = f" (giá trị: '{p.value}')" if p.value is not None else ""
    return f"{where}: {p.message}{value}"


_SOURCE = ("source_file", "source_sheet", "source_row")
# A reject's ``message`` holds every problem of the record, one per line; its
# ``reason_codes`` every code, in the order found.
REJECT_MESSAGE_SEPARATOR = "\n"
REASON_CODES_SEPARATOR = "; "


def _kept_columns(batches: list[RecordBatch], table: str) -> dict[str, list] | None:
    """The kept records of ``table`` as one list per column of the table, batch after
    batch (None when no record is kept). A field a batch does not have is NaN in its rows."""
    columns: dict[str, list] = {name: [] for name in tables.columns(table)}
    n_kept = 0
    for batch in batches:
        if batch.table != table:
            continue
        index = batch.kept()
        if not index:
            continue
        n = len(index)
        n_kept += n
        everyone = n == len(batch)
        for name, column in columns.items():
            if name == "source_file":
                column.extend([batch.source_file] * n)
            elif name == "source_sheet":
                column.extend([batch.sheet] * n)
            elif name == "source_row":
                rows = batch.rows.tolist()
                column.extend(rows if everyone else [rows[i] for i in index])
            elif name in batch.data:
                values = batch.data[name]
                column.extend(values if everyone else [values[i] for i in index])
            else:
                column.extend([np.nan] * n)
    return columns if n_kept else None


# the nullable dtypes a kept column is built in directly (None and NaN: missing)
_TYPED = ("Int64", "Float64", "boolean")


def _kept_frame(batches: list[RecordBatch], table: str) -> pd.DataFrame:
    """The kept records of ``table`` as a frame of the table's columns, built column by
    column: number and yes/no columns as pandas' nullable arrays, the others (text,
    dates) as the objects they are, which ``tables.conform`` then casts as it casts the
    columns ``DataFrame.from_records`` infers (``tests/test_clean_batch.py`` checks the
    frames are equal)."""
    columns = _kept_columns(batches, table)
    if columns is None:
        return pd.DataFrame.from_records([], columns=tables.columns(table))
    dtypes = tables.dtypes(table)
    return pd.DataFrame({name: pd.array(values, dtype=dtypes[name]) if dtypes[name] in _TYPED
                         else np.fromiter(values, dtype=object, count=len(values))
                         for name, values in columns.items()})


def to_frames(batches: list[RecordBatch]) -> dict[str, pd.DataFrame]:
    """Kept records -> the three data tables (column by column, ``_kept_frame``); rejected
    ones -> rejects (one row per record: its first problem's cell and code, and every
    problem in ``message``, ``problem_count`` and ``reason_codes``); findings of kept
    records -> findings (one row per finding). A field a batch does not have is missing in its rows."""
    rejects, findings = [], []
    for batch in batches:
        for i in batch.flagged():
            if i in batch.problems:
                problems = batch.problems[i]
                p = problems[0]
                rejects.append({"source_file": batch.source_file, "sheet": batch.sheet, "row": p.row,
                                "column": p.column, "value": p.value, "reason_code": p.code,
                                "message": REJECT_MESSAGE_SEPARATOR.join(full_message(batch, q) for q in problems),
                                "problem_count": len(problems),
                                "reason_codes": REASON_CODES_SEPARATOR.join(q.code for q in problems)})
            else:
                for f in batch.findings[i]:
                    findings.append({"source_file": batch.source_file, "sheet": batch.sheet, "row": f.row,
                                     "column": f.column, "value": f.value, "finding_code": f.code,
                                     "message": full_message(batch, f)})
    out = {name: tables.conform(_kept_frame(batches, name), name)
           for name in ("unit_reports", "inspections", "rankings")}
    out["rejects"] = tables.conform(pd.DataFrame.from_records(rejects, columns=tables.columns("rejects")), "rejects")
    out["findings"] = tables.conform(pd.DataFrame.from_records(findings, columns=tables.columns("findings")),
                                     "findings")
    return out
