"""What a file or sheet is, by its content only (never by its name or folder).

Kinds: ``units`` (the registry CSV), ``form01_unit`` (Biểu số 01-VHCS, one unit's
vertical table), ``form01_consolidated`` (one row per unit, one column per indicator),
``form02`` (one inspection round), ``rankings`` (annual ranking), ``sample_marker``.
A sheet may hold several tables; each is found from its header row(s), matched against
the label maps in ``maps/*.csv`` (PUDL-style column maps: one row per label variant).
A sheet with no table gets a Vietnamese reason why it was skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from vhcs_analysis.config import MAPS_DIR, SAMPLE_MARKER_LINE
from vhcs_analysis.io.locate import (
    Grid,
    cell_text,
    cells_where,
    fold,
    is_blank,
    is_blank_row,
    is_signature_row,
    is_total_text,
    label_key,
)

REGISTRY_COLUMNS = ("unit_id", "unit_name", "aliases", "block", "is_pilot", "unit_type", "staff_count")


# --- label maps ------------------------------------------------------------------------


@dataclass(frozen=True)
class Form01Labels:
    """Form 01 indicator labels: key -> field, and the fields only the 2018 form has."""

    by_key: dict[str, str]
    versions: dict[str, frozenset[str]]  # version -> fields on that version of the form

    @property
    def only_2018(self) -> frozenset[str]:
        """The fields only the 2018 version of Form 01 has."""
        return self.versions.get("2018", frozenset()) - self.versions.get("2017", frozenset())

    def version_for(self, fields) -> str:
        """The form version a set of matched fields belongs to: '2018' when a field only
        the 2018 form has is present (satisfaction_rate, staff_rated_good), else '2017'."""
        return "2018" if set(fields) & self.only_2018 else "2017"


def _read_map(name: str) -> list[dict[str, str]]:
    with (MAPS_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def form01_labels() -> Form01Labels:
    """Form 01's indicator labels from ``maps/form01_labels.csv`` (read once); a label mapped to two fields is an
    error."""
    by_key: dict[str, str] = {}
    versions: dict[str, set[str]] = {}
    for row in _read_map("form01_labels.csv"):
        key = label_key(row["label"])
        if by_key.get(key, row["field"]) != row["field"]:
            raise ValueError(f"form01_labels.csv: '{row['label']}' maps to two fields")
        by_key[key] = row["field"]
        versions.setdefault(row["version"], set()).add(row["field"])
    return Form01Labels(by_key, {v: frozenset(f) for v, f in versions.items()})


@lru_cache(maxsize=1)
def header_labels() -> dict[str, dict[tuple[str, str], str]]:
    """table -> {(parent_key, label_key): field}; parent_key '' matches any parent."""
    out: dict[str, dict[tuple[str, str], str]] = {}
    for row in _read_map("table_headers.csv"):
        out.setdefault(row["table"], {})[("", label_key(row["label"]))] = row["field"]
    for row in _read_map("form02_labels.csv"):
        out.setdefault("form02", {})[(label_key(row["parent"]), label_key(row["label"]))] = row["field"]
    cons = out.setdefault("form01_consolidated", {})
    for key, fld in form01_labels().by_key.items():
        cons[("", key)] = fld
    for (p, k), fld in out.get("consolidated", {}).items():
        cons[(p, k)] = fld
    return out


def match_header(table: str, texts: list[str]) -> str | None:
    """The field a column header belongs to, given its header texts top to bottom
    (merged cells filled). Tries the lowest text with its parent, then alone, then the
    texts joined."""
    labels = header_labels()[table]
    keys = [label_key(t) for t in texts if label_key(t)]
    if not keys:
        return None
    dedup = [k for i, k in enumerate(keys) if i == 0 or k != keys[i - 1]]
    last = dedup[-1]
    for parent in reversed(dedup[:-1]):
        if (parent, last) in labels:
            return labels[(parent, last)]
    if ("", last) in labels:
        return labels[("", last)]
    joined = " ".join(dedup)
    if ("", joined) in labels:
        return labels[("", joined)]
    dated = re.fullmatch(r"(.+?) nam (?:19|20)\d\d", last)  # "Xếp loại năm 2017": the year is data
    if dated and ("", dated.group(1)) in labels:
        return labels[("", dated.group(1))]
    if len(dedup) > 1 and ("", dedup[0]) in labels and labels[("", dedup[0])] != "_criteria":
        return labels[("", dedup[0])]
    return None


# --- tables ------------------------------------------------------------------------------


@dataclass
class Table:
    """One table found on a sheet (rows 0-based, inclusive ranges)."""

    kind: str
    header_top: int
    header_bottom: int
    columns: dict[str, int]  # field -> column
    unknown_columns: dict[int, str] = field(default_factory=dict)  # column -> header text
    headers: dict[int, str] = field(default_factory=dict)  # column -> header text (all columns)
    title_top: int = 0  # first row of this table's title area
    data_end: int = 0  # last row of the data region (before signatures / next title)
    footer_end: int = 0  # last row of the signature block
    form_version: str | None = None


@dataclass
class SheetResult:
    """The tables found on one sheet, or the Vietnamese reason none was found."""
    tables: list[Table]
    reason: str | None = None  # why nothing was found (Vietnamese)


_FORM_CODE = re.compile(r"bieu\s*(?:so|mau)?\s*0?([12])\s*vhcs")


def form_code(text: str) -> str | None:
    """'01' / '02' when the text names a form code like "Biểu số 01-VHCS"."""
    m = _FORM_CODE.search(fold(text))
    return f"0{m.group(1)}" if m else None


def _row_cells(grid: Grid, r: int, *, stacked: bool = False) -> list[str]:
    """Header texts of row r (merged cells filled); ``stacked`` fills the row's blank
    cells from the row above (a two-row header typed without merging)."""
    texts = [grid.text(r, c, filled=True) for c in range(grid.n_cols)]
    if stacked and r > 0:
        texts = [t or grid.text(r - 1, c, filled=True) for c, t in enumerate(texts)]
    return texts


def _headers(texts: list[str], table: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for c, t in enumerate(texts):
        if not t:
            continue
        fld = match_header(table, [t])
        if fld and fld not in found:
            found[fld] = c
    return found


@lru_cache(maxsize=1)
def _single_label_keys() -> frozenset[str]:
    """Label keys that name a field on their own (parent '') in some table: a header cell
    matches in ``_headers`` only through one of them."""
    return frozenset(k for labels in header_labels().values() for (parent, k) in labels if parent == "")


_FORM02_SPECIFIC = {"total_score", "_criteria", "inspection_date", "kind", "violations_found"} | {
    f"c{i:02d}" for i in range(1, 11)
}


def _holds_data(grid: Grid, r: int) -> bool:
    """Does row r hold a date or a real number (data, never header labels)?"""
    for v in grid.values[r]:
        if isinstance(v, (dt.date, dt.time)) or (
            isinstance(v, (int, float)) and not isinstance(v, bool) and not (float(v).is_integer() and 0 <= v <= 31)
        ):
            return True
    return False


# below this many candidate rows every one is scored (``_header_label_counts`` says 2)
HEADER_COUNT_MIN_ROWS = 64


def _header_label_counts(grid: Grid, rows: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """For each row of ``rows``, how many of its header texts (``_row_cells``) name a field
    on their own (``_single_label_keys``), alone and stacked on the row above: ``_score_row``
    needs two, so rows with fewer are not scored. Each distinct cell is keyed once. With
    fewer than ``HEADER_COUNT_MIN_ROWS`` rows nothing is counted: every row gets 2."""
    if not rows:
        return {}, {}
    if len(rows) < HEADER_COUNT_MIN_ROWS:  # a few rows: scoring each costs less than counting
        return dict.fromkeys(rows, 2), dict.fromkeys((r for r in rows if r > 0), 2)
    width = grid.n_cols
    need = sorted(set(rows) | {r - 1 for r in rows if r > 0})
    at = {r: i for i, r in enumerate(need)}
    cells = []
    for r in need:  # as ``grid.text(r, c, filled=True)`` reads them: missing cells are blank
        row = grid.filled[r][:width]
        cells += row + [None] * (width - len(row))
    singles = _single_label_keys()
    present = cells_where(cells, lambda v: not is_blank(v)).reshape(len(need), width)
    known = cells_where(cells, lambda v: not is_blank(v) and label_key(cell_text(v)) in singles)
    known = known.reshape(len(need), width)
    here = np.array([at[r] for r in rows])
    alone = dict(zip(rows, known[here].sum(axis=1).tolist()))
    lower = [r for r in rows if r > 0]
    if not lower:
        return alone, {}
    here = np.array([at[r] for r in lower])
    above = np.array([at[r - 1] for r in lower])
    return alone, dict(zip(lower, np.where(present[here], known[here], known[above]).sum(axis=1).tolist()))


def _score_row(grid: Grid, r: int, *, stacked: bool = False) -> tuple[str, int] | None:
    """The table kind whose header this row looks like, with the number of fields."""
    if _holds_data(grid, r):
        return None  # dates and real numbers are data, never header labels
    texts = _row_cells(grid, r, stacked=stacked)
    if sum(len(t) >= 2 and not t.replace(",", "").replace(".", "").isdigit() for t in texts) < 2:
        return None  # a header has at least two text labels
    singles = _single_label_keys()
    if sum(1 for t in texts if t and label_key(t) in singles) < 2:
        return None  # every kind needs two known header labels: skip the four lookups below
    best: tuple[str, int] | None = None
    unit = _headers(texts, "unit_form")
    if "label" in unit and "value" in unit:
        best = ("form01_unit", len(unit))
    cons = _headers(texts, "form01_consolidated")
    known = set().union(*form01_labels().versions.values())
    ind = [f for f in cons if f in known]
    if "unit_name" in cons and len(ind) >= 2 and (best is None or len(cons) > best[1]):
        best = ("form01_consolidated", len(cons))
    f02 = _headers(texts, "form02")
    if "unit_name" in f02 and len(set(f02) & _FORM02_SPECIFIC) >= 2 and (best is None or len(f02) > best[1]):
        best = ("form02", len(f02))
    rk = _headers(texts, "rankings")
    if "unit_name" in rk and "category" in rk and not (set(f02) & _FORM02_SPECIFIC) and len(ind) < 2:
        if best is None or len(rk) > best[1]:
            best = ("rankings", len(rk))
    return best


_TABLE_KIND_TO_MAP = {
    "form01_unit": "unit_form",
    "form01_consolidated": "form01_consolidated",
    "form02": "form02",
    "rankings": "rankings",
}


def _is_group_label(grid: Grid, r: int, c: int, table_map: str | None) -> bool:
    """A header cell naming a group of columns ("Tiêu chí chấm điểm") typed without merging."""
    if table_map is None:
        return False
    fld = match_header(table_map, [grid.text(r, c)])
    return fld is not None and fld.startswith("_") and fld != "_info"


def _extend_header(grid: Grid, top: int, table_map: str | None = None) -> int:
    """Last header row of a header starting at ``top``: a following row belongs to it when
    each of its cells sits under a group cell of the top row (merged across columns, or
    blank with the group label to its left), as the criteria 1..10 under "Tiêu chí chấm
    điểm" do. A numbering row "(1) (2) …" or a data row has cells under plain labels."""
    bottom = top
    for r in range(top + 1, min(top + 4, grid.n_rows)):
        cells = grid.row_texts(r)
        if not cells or all(t.startswith("(") for _, t in cells):
            break
        ok = all(grid.merged_horizontally(top, c) or is_blank(grid.values[top][c])
                 or _is_group_label(grid, top, c, table_map) for c, _ in cells)
        numeric = [v for v in grid.values[r] if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not ok or (numeric and not all(float(v).is_integer() and 1 <= v <= 20 for v in numeric)):
            break
        bottom = r
    return bottom


def _column_texts(grid: Grid, top: int, bottom: int, c: int) -> list[str]:
    texts = [grid.text(r, c, filled=True) for r in range(top, bottom + 1)]
    texts = [t for t in texts if t]
    if not texts:
        return []
    if not grid.text(top, c, filled=True) and bottom > top:
        # a sub-header without a merged parent: take the nearest group label to the left
        for left in range(c - 1, -1, -1):
            t = grid.text(top, left, filled=True)
            if t:
                texts.insert(0, t)
                break
    return texts


def _build_table(grid: Grid, kind: str, top: int, min_bottom: int = 0) -> Table:
    table_map = _TABLE_KIND_TO_MAP[kind]
    bottom = max(_extend_header(grid, top, table_map), min_bottom)
    columns: dict[str, int] = {}
    unknown: dict[int, str] = {}
    headers: dict[int, str] = {}
    for c in range(grid.n_cols):
        texts = _column_texts(grid, top, bottom, c)
        if not texts:
            continue
        headers[c] = " / ".join(dict.fromkeys(texts))
        fld = match_header(table_map, texts)
        if fld is None and kind == "form02" and label_key(texts[-1]).isdigit() and bottom > top:
            fld = None
        if fld is None or fld.startswith("_"):
            if fld is None:
                unknown[c] = " / ".join(dict.fromkeys(texts))
            continue
        if fld in columns:
            unknown[c] = " / ".join(dict.fromkeys(texts))  # a second column with the same meaning
            continue
        columns[fld] = c
    return Table(kind, top, bottom, columns, unknown, headers)


def find_tables(grid: Grid) -> SheetResult:
    """Every table on the sheet, in row order, with title/data/footer regions set."""
    anchors: list[tuple[int, str, int]] = []  # (top, kind, min_bottom)
    blank = (grid.features().nonblank == 0).tolist()  # is_blank_row of every row
    # rows that may be a header, plain or stacked: not blank, no dates or real numbers,
    # two cells naming a field (``_score_row`` returns None for all others)
    labels, stacked = _header_label_counts(
        grid, [r for r in range(grid.n_rows) if not blank[r] and not _holds_data(grid, r)])
    r = 0
    while r < grid.n_rows:
        if r not in labels:
            r += 1
            continue
        top, scored = r, (_score_row(grid, r) if labels[r] >= 2 else None)
        if scored is None and r > 0 and not blank[r - 1]:
            scored = _score_row(grid, r, stacked=True) if stacked[r] >= 2 else None
            top = r - 1
        if scored is None:
            r += 1
            continue
        kind = scored[0]
        table = _build_table(grid, kind, top, r)
        anchors.append((top, kind, r))
        r = table.header_bottom + 1
        # skip further rows that score as the same header (merged fill repeats it)
        while (r < grid.n_rows and not is_blank_row(grid, r) and (_score_row(grid, r) or ("", 0))[0] == kind
               and _is_header_echo(grid, r, table)):
            r += 1
    if not anchors:
        return SheetResult([], _no_table_reason(grid))
    tables = [_build_table(grid, kind, top, mb) for top, kind, mb in anchors]
    for i, t in enumerate(tables):
        next_top = tables[i + 1].header_top if i + 1 < len(tables) else grid.n_rows
        t.title_top = 0 if i == 0 else tables[i - 1].footer_end + 1
        _set_regions(grid, t, next_top)
        if i + 1 < len(tables):
            tables[i + 1].title_top = t.footer_end + 1
    return SheetResult(tables)


def _is_header_echo(grid: Grid, r: int, table: Table) -> bool:
    """A row right below a header that repeats it only because merged cells were filled."""
    return any(r0 <= table.header_top and r <= r1 for r0, _, r1, _ in grid.merged)


_TITLE_WORDS = (
    "bieu so", "bieu mau", "bao cao", "bang tong hop", "tong hop", "ky bao cao", "ngay bao cao",
    "dot ", "cong hoa", "doc lap", "dang cong san", "dang bo khoi", "ket qua", "xep loai",
    "nam 20", "thang", "quy ", "don vi:", "kem theo", "danh sach",
)


def _looks_like_title(grid: Grid, r: int, key_col: int | None) -> bool:
    cells = grid.row_texts(r)
    if not cells:
        return True
    if any(isinstance(grid.values[r][c], (int, float)) and not isinstance(grid.values[r][c], bool) for c, _ in cells):
        return False
    if len(cells) > 3:
        return False
    joined = " ".join(fold(t) for _, t in cells)
    if any(w in joined for w in _TITLE_WORDS) or form_code(joined):
        return True
    return key_col is not None and all(c != key_col for c, _ in cells) and len(cells) == 1


def _set_regions(grid: Grid, t: Table, next_header_top: int) -> None:
    """Data region: after the header until a signature row or the next table's title
    rows; footer: the signature block after it."""
    key_col = t.columns.get("unit_name", t.columns.get("label"))
    limit = next_header_top - 1
    if next_header_top < grid.n_rows:
        # walk up from the next header over its title rows (and blank rows)
        while limit > t.header_bottom and _looks_like_title(grid, limit, key_col):
            limit -= 1
    data_end = limit
    rows = range(t.header_bottom + 1, limit + 1)
    if rows:
        nonblank = grid.features().nonblank[rows.start:rows.stop]
        # is_signature_row needs 1 to 4 non-blank cells: only those rows are looked at
        for r in grid.features().rows_where(rows, (nonblank > 0) & (nonblank <= 4)):
            if is_signature_row(grid, r):
                data_end = r - 1
                break
    t.data_end = data_end
    t.footer_end = max(limit, data_end)


def _no_table_reason(grid: Grid) -> str:
    if all(is_blank_row(grid, r) for r in range(grid.n_rows)):
        return "trang trống"
    texts = " ".join(fold(t) for r in range(min(grid.n_rows, 40)) for _, t in grid.row_texts(r))
    code = form_code(texts)
    if code == "01":
        return ("có mã Biểu số 01-VHCS nhưng không tìm thấy dòng tiêu đề bảng "
                "(STT | Chỉ tiêu | Đơn vị tính | Số liệu, hoặc Tên đơn vị và các chỉ tiêu)")
    if code == "02":
        return ("có mã Biểu số 02-VHCS nhưng không tìm thấy dòng tiêu đề bảng "
                "(Tên đơn vị, Tiêu chí chấm điểm, Tổng điểm, Xếp loại)")
    return ("không nhận ra nội dung: không có mã biểu (01-VHCS, 02-VHCS) và không có dòng tiêu đề "
            "bảng của biểu mẫu, bảng tổng hợp hay bảng xếp loại")


def is_registry_header(row: list) -> bool:
    """The first row of a units registry: unit_id and unit_name among the columns."""
    names = {str(v).strip().lstrip("\ufeff").lower() for v in row if isinstance(v, str)}
    return {"unit_id", "unit_name"} <= names


def is_registry_sheet(sheet) -> bool:
    """A sheet that is a units registry: its first non-blank row (of the first five) is
    the registry's header (``is_registry_header``)."""
    first: list = next((row for row in sheet.rows[:5] if any(v is not None and str(v).strip() for v in row)), [])
    return is_registry_header(first)


def is_sample_marker(path: Path) -> bool:
    """A small text file whose first line is the sample marker line."""
    try:
        if path.stat().st_size > 64 * 1024:
            return False
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    return text.splitlines()[0].strip() == SAMPLE_MARKER_LINE if text.strip() else False


def total_row(grid: Grid, r: int, table: Table) -> bool:
    """A "Tổng cộng"/"Cộng" row: the total label in the STT or name column (or first text)."""
    cols = [table.columns.get("stt"), table.columns.get("unit_name"), table.columns.get("label")]
    row = grid.values[r]
    for c in cols:
        if c is not None and 0 <= c < len(row) and _is_total_cell(type(row[c]), row[c]):
            return True
    return any(is_total_text(t) for _, t in grid.first_texts(r, 2))


def is_total_cell(value) -> bool:
    """Is this cell (blank or not) a total label, as ``total_row`` decides for its cells?"""
    return _is_total_cell(type(value), value)


# cells whose text is never a total label: blank, or digits, dates, "TRUE"/"FALSE", "inf"
_NEVER_TOTAL = frozenset({type(None), bool, int, float, dt.datetime, dt.date, dt.time})


def total_cells(values: list) -> np.ndarray:
    """``is_total_cell`` of each cell as a numpy array: the texts are tested once per
    distinct text, numbers, dates and blanks not at all (never a total label)."""
    kinds = set(map(type, values))
    if kinds <= _NEVER_TOTAL | {str}:  # the usual cells, all hashable: find the total texts first
        totals = {v for v in set(values) if type(v) is str and is_total_cell(v)}
        if not totals:
            return np.zeros(len(values), dtype=bool)
        return np.fromiter((v in totals for v in values), dtype=bool, count=len(values))
    out = np.zeros(len(values), dtype=bool)
    maybe = [i for i, kind in enumerate(map(type, values)) if kind not in _NEVER_TOTAL]
    if maybe:
        out[maybe] = cells_where([values[i] for i in maybe], is_total_cell)
    return out


def _is_total_cell(kind: type, value) -> bool:
    """Is this cell's text a total label? Cached by (type, value): a column repeats its values."""
    try:
        return _total_cell(kind, value)
    except TypeError:  # an unhashable value
        return _total_cell.__wrapped__(kind, value)


@lru_cache(maxsize=65536)
def _total_cell(kind: type, value) -> bool:
    return not is_blank(value) and is_total_text(cell_text(value))


def title_texts(grid: Grid, table: Table) -> list[tuple[int, int, str]]:
    """Text cells of the table's title area (above the header): (row, column, text)."""
    out: list[tuple[int, int, str]] = []
    for r in range(table.title_top, table.header_top):
        out.extend((r, c, t) for c, t in grid.row_texts(r))
    return out


def footer_texts(grid: Grid, table: Table) -> list[tuple[int, int, str]]:
    """The non-blank cells under a table's data, down to its footer end, as (row, column, text)."""
    out: list[tuple[int, int, str]] = []
    for r in range(table.data_end + 1, table.footer_end + 1):
        out.extend((r, c, t) for c, t in grid.row_texts(r))
    return out
