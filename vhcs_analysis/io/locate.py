"""Find the table inside a sheet: the structure around the data, not its meaning.

Real forms put title rows, a letterhead, merged multi-row headers, a column-number row
"(1) (2) (3)…", group rows ("I.", "A."), a "Tổng cộng" row, signature rows and blank
rows around the data. This module turns a ``Sheet`` into a ``Grid`` (every text cell
repaired to NFC Unicode; a copy with merged header cells filled in) and classifies rows,
so that ``recognise`` can find header rows and the row walker (``clean/rows.py``) tell
the data rows apart.
Rows and columns are 0-based here; ``excel_row``/``col_letter`` give what Excel shows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import numpy as np

from vhcs_analysis.text import repair_rows, repair_text


@lru_cache(maxsize=4096)
def col_letter(index0: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA' (the column as Excel shows it)."""
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def excel_row(index0: int) -> int:
    """The 1-based Excel row number of a 0-based row index."""
    return index0 + 1


_LEADING_NUMBER = re.compile(
    r"^\s*(?:(?:\d{1,2}(?:\.\d{1,2})*|[ivxlc]{1,5}|[a-zđ])\s*[\.\)/:-]|\d{1,2}\s+(?=\D))\s*",
    re.IGNORECASE,
)
_PARENS_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no diacritics, đ->d, punctuation as single spaces ("Số hồ sơ (TTHC)" ->
    "so ho so tthc"). For matching only, never for output."""
    text = unicodedata.normalize("NFC", str(text)).casefold().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def label_key(text) -> str:
    """Key a label is matched by: repaired, leading numbering ("1.", "a)", "II.") and a
    trailing unit in brackets ("(%)", "(người)") removed, then ``fold``."""
    if text is None:
        return ""
    text = repair_text(str(text)) if isinstance(text, str) else str(text)
    text = text.strip()
    stripped = _LEADING_NUMBER.sub("", text, count=1)
    if stripped and fold(stripped):
        text = stripped
    tail = _PARENS_TAIL.sub("", text)
    if tail and fold(tail):
        text = tail
    return fold(text)


def is_blank(value) -> bool:
    """True for an empty cell: None, NaN or only spaces (``parse.is_empty_or_placeholder``
    also counts placeholders such as "-" or "không áp dụng")."""
    if value is None:
        return True
    kind = type(value)  # exact types first: this runs for every cell
    if kind is str:
        return not value.strip()
    if kind is float:
        return value != value
    if kind is int:
        return False
    return (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


@dataclass
class Grid:
    """A sheet ready for reading: ``values`` are the cells (text repaired to NFC),
    ``filled`` the same with each merged range's top-left value copied into all its
    cells (used for header rows only, where merging means "applies to all of these")."""

    name: str
    hidden: bool
    values: list[list]
    filled: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # set by ``prepare`` when the only blank cells are None (no spaces-only text, no NaN):
    # a row's non-blank cells are then counted without looking at each cell in Python
    plain_blanks: bool = field(default=False, compare=False)
    # row -> row_texts(row): each data row is asked about by several tests (signature,
    # column numbers, total) and converting every cell each time was a third of a clean
    _texts: dict[int, list[tuple[int, str]]] = field(default_factory=dict, repr=False, compare=False)
    # the row features (``features``), computed once when first asked for
    _features: RowFeatures | None = field(default=None, repr=False, compare=False)
    _nonblank: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        """Number of rows of the grid."""
        return len(self.values)

    @property
    def n_cols(self) -> int:
        """Number of columns of the grid (every row is padded to the same width)."""
        return len(self.values[0]) if self.values else 0  # rows are padded to one width

    def cell(self, r: int, c: int):
        """The raw value at 0-based (``r``, ``c``); None outside the grid."""
        row = self.values[r] if 0 <= r < len(self.values) else []
        return row[c] if 0 <= c < len(row) else None

    def text(self, r: int, c: int, *, filled: bool = False) -> str:
        """The text of the cell at 0-based (``r``, ``c``) ("" when blank); ``filled`` reads merged ranges filled in."""
        rows = self.filled if filled else self.values
        row = rows[r] if 0 <= r < len(rows) else []
        v = row[c] if 0 <= c < len(row) else None
        return "" if is_blank(v) else cell_text(v)

    def row_texts(self, r: int) -> list[tuple[int, str]]:
        """Non-blank cells of a row as (column, text); computed once per row (``values``
        are not changed after ``prepare``): do not modify the list."""
        texts = self._texts.get(r)
        if texts is None:
            texts = self._texts[r] = []
            for c, v in enumerate(self.values[r]):
                if type(v) is str:  # most cells: is_blank and cell_text in one strip
                    if stripped := v.strip():
                        texts.append((c, stripped))
                elif not is_blank(v):
                    texts.append((c, cell_text(v)))
        return texts

    def features(self) -> RowFeatures:
        """Per-row facts of the whole sheet in one vectorised pass (``RowFeatures``)."""
        if self._features is None:
            self._features = row_features(self.values, plain_blanks=self.plain_blanks)
            self._nonblank = self._features.nonblank.tolist()
        return self._features

    def nonblank_count(self, r: int) -> int:
        """How many cells of row r are not blank (``len(row_texts(r))``)."""
        if self._nonblank is not None:
            return self._nonblank[r]
        row = self.values[r]
        if self.plain_blanks:
            return len(row) - row.count(None)
        texts = self._texts.get(r)
        return len(texts) if texts is not None else sum(1 for v in row if not is_blank(v))

    def first_texts(self, r: int, n: int) -> list[tuple[int, str]]:
        """``row_texts(r)[:n]`` without converting the rest of the row."""
        texts = self._texts.get(r)
        if texts is not None:
            return texts[:n]
        out = []
        plain = self.plain_blanks
        for c, v in enumerate(self.values[r]):
            if (v is not None) if plain else not is_blank(v):
                out.append((c, cell_text(v)))
                if len(out) == n:
                    break
        return out

    def merged_horizontally(self, r: int, c: int) -> bool:
        """Is (r, c) inside a merged range spanning more than one column?"""
        return any(r0 <= r <= r1 and c0 <= c <= c1 and c1 > c0 for r0, c0, r1, c1 in self.merged)

    def merged_down_from(self, r: int, r_below: int) -> bool:
        """Does any merged range starting at or above row r reach down to r_below?"""
        return any(r0 <= r < r_below <= r1 for r0, _, r1, _ in self.merged)


@dataclass(frozen=True)
class RowFeatures:
    """What a vectorised scan of a sheet tells about each of its rows, so that the row
    tests (blank row, column-number row, total row, signature line, header candidate)
    run in Python only on the rows these facts cannot settle. Rows are 0-based."""

    nonblank: np.ndarray  # number of non-blank cells of each row (``Grid.nonblank_count``)
    first: np.ndarray  # column of each row's first non-blank cell, -1 when it has none
    second: np.ndarray  # column of its second non-blank cell, -1 when it has fewer
    # rows × width: is the cell not blank (``not is_blank``; a short row's missing cells are blank)
    cells: np.ndarray | None = None

    def rows_where(self, rows: range, mask: np.ndarray) -> list[int]:
        """The row numbers of ``rows`` (a slice of the sheet) where ``mask`` (over that slice) holds."""
        return (np.flatnonzero(mask) + rows.start).tolist()


def _blank_mask(values: list[list], plain_blanks: bool) -> np.ndarray:
    """rows × width booleans: is the cell not blank (``not is_blank``; missing cells of a
    short row are blank)."""
    width = max(map(len, values), default=0)
    n = len(values)
    if plain_blanks and all(len(row) == width for row in values):
        # the only blank cells are None: one comparison over all cells, in numpy
        return np.fromiter((v is not None for v in chain.from_iterable(values)), dtype=bool,
                           count=n * width).reshape(n, width)
    mask = np.zeros((n, width), dtype=bool)
    for r, row in enumerate(values):
        mask[r, :len(row)] = [not is_blank(v) for v in row]
    return mask


def row_features(values: list[list], *, plain_blanks: bool = False) -> RowFeatures:
    """``RowFeatures`` of a grid's rows (``plain_blanks``: None is the only blank value)."""
    mask = _blank_mask(values, plain_blanks)
    n = mask.shape[0]
    nonblank = mask.sum(axis=1, dtype=np.int64)
    if mask.shape[1] == 0:
        none = np.full(n, -1, dtype=np.int64)
        return RowFeatures(nonblank, none, none.copy(), mask)
    first = mask.argmax(axis=1)
    rest = mask.copy()
    rest[np.arange(n), first] = False
    second = rest.argmax(axis=1)
    first = np.where(nonblank >= 1, first, -1).astype(np.int64)
    second = np.where(nonblank >= 2, second, -1).astype(np.int64)
    return RowFeatures(nonblank, first, second, mask)


def cells_where(values: list, test) -> np.ndarray:
    """``[bool(test(v)) for v in values]`` as a numpy array, ``test`` run once per distinct
    (type, value): a column repeats its values, and 1, 1.0 and True stay apart."""
    keys = list(zip(map(type, values), values))
    try:
        seen = {key: bool(test(key[1])) for key in set(keys)}
    except TypeError:  # an unhashable cell: test every cell
        return np.array([bool(test(v)) for v in values], dtype=bool)
    return np.fromiter(map(seen.__getitem__, keys), dtype=bool, count=len(keys))


def cell_text(v) -> str:
    """A non-blank cell as the text the table finders compare: stripped text, TRUE/FALSE,
    whole floats without ".0", dates as dd/mm/yyyy."""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def prepare(sheet) -> Grid:
    """Repair every text cell of a ``io.files.Sheet`` (``text.repair_rows``) and build the
    merged-filled copy."""
    width = max((len(r) for r in sheet.rows), default=0)
    # ambiguous cells ("Ghi chó": TCVN3 "Ghi chú" or a real word) are read in the sheet's
    # dominant legacy encoding
    values = repair_rows(sheet.rows)
    plain = True
    for row in values:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    kinds = set(map(type, chain.from_iterable(values)))
    if kinds - {type(None), str, int, float, bool, dt.datetime, dt.date, dt.time}:
        plain = False  # a cell type is_blank would look at more closely
    elif kinds & {float, str}:  # every cell hashable: look at each distinct value once
        distinct = set(chain.from_iterable(values))  # a NaN is kept (it equals nothing)
        if any(v != v for v in distinct if type(v) is float):
            plain = False  # NaN
        elif any(type(v) is str and not v.strip() for v in distinct):
            plain = False  # text of spaces only
    filled = [list(r) for r in values]
    if not values:
        width = 0
    merged = []
    for rng in sheet.merged or []:
        r0, c0, r1, c1 = (int(x) for x in rng)
        if r0 >= len(values) or r1 < r0 or c1 < c0:
            continue
        r1 = min(r1, len(values) - 1)
        c1 = min(c1, width - 1)
        merged.append((r0, c0, r1, c1))
        top = values[r0][c0] if c0 < width else None
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if is_blank(filled[r][c]):
                    filled[r][c] = top
    return Grid(sheet.name, bool(sheet.hidden), values, filled, merged, plain_blanks=plain)


# --- row classes ---------------------------------------------------------------------

_COLNUM = re.compile(r"^\(\s*[0-9a-z]{1,3}\s*\)$|^\d{1,2}$|^[a-z]$", re.IGNORECASE)
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZĐ])\s*[\.\):]?$")
_SIGNATURE_KEYS = (
    "nguoi lap bieu", "nguoi lap", "t m", "tm dang uy", "tm ban thuong vu", "tm chi bo", "tm chi uy",
    "bi thu", "pho bi thu", "thu truong don vi", "thu truong", "xac nhan cua", "truong doan",
    "ky ten", "ky ghi ro ho ten", "noi nhan", "nguoi tong hop", "ke toan", "lanh dao don vi",
    "dai dien", "chu tich", "trinh ky", "kt bi thu", "tl ban thuong vu",
)
_PLACE_DATE = re.compile(r"(?:^|,\s*|\s)ngay\s+\S{1,4}\s+thang\s+\S{1,4}\s+nam\s+\S{2,6}")
_TOTAL_KEYS = ("tong cong", "cong", "tong", "tong so", "toan khoi", "cong toan khoi", "tong cong toan khoi")


def is_blank_row(grid: Grid, r: int) -> bool:
    """Whether row ``r`` of the grid has no non-blank cell."""
    return grid.nonblank_count(r) == 0


def is_colnum_cell(value) -> bool:
    """Could a non-blank cell be one of a column-number row's cells ("(1)", "2", "a")?"""
    if type(value) is int:  # its text is its digits: one or two of them, no sign
        return 0 <= value <= 99
    return bool(_COLNUM.match(cell_text(value)))


def is_colnum_row(grid: Grid, r: int) -> bool:
    """A column-number row "(1) (2) (3)…" or "1 2 3 …" (at least 3 cells, all numbering)."""
    if grid.nonblank_count(r) < 3:
        return False
    if not all(_COLNUM.match(t) for _, t in grid.first_texts(r, 2)):
        return False  # a data row: its second cell (a name) is no column number
    cells = grid.row_texts(r)
    if not all(_COLNUM.match(t) for _, t in cells):
        return False
    bracketed = sum(t.startswith("(") for _, t in cells)
    if bracketed >= len(cells) - 1:
        return True
    numbers = [int(t) for _, t in cells if t.isdigit()]
    return len(numbers) >= 3 and all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


_PLACE_THEN_DATE = re.compile(r"^[^\d,]{2,40},\s*ng[aà]y\b", re.IGNORECASE)


def is_signature_text(text: str) -> bool:
    """Signature lines, and the place-date line "Hà Tĩnh, ngày … tháng … năm …" (with its
    place: a bare "ngày 20 tháng 11 năm 2016" is a date value, not a signature line)."""
    key = fold(text)
    if any(key == k or key.startswith(k + " ") for k in _SIGNATURE_KEYS):
        return True
    return bool(_PLACE_DATE.search(key)) and len(key) < 80 and bool(_PLACE_THEN_DATE.match(text.strip()))


def is_signature_row(grid: Grid, r: int) -> bool:
    """Signature block lines: "Người lập biểu", "T/M ĐẢNG ỦY", "BÍ THƯ", "Hà Tĩnh, ngày …"."""
    if not 0 < grid.nonblank_count(r) <= 4:
        return False
    cells = grid.row_texts(r)
    if any(isinstance(grid.values[r][c], (int, float)) and not isinstance(grid.values[r][c], bool) for c, _ in cells):
        return False
    if len(cells) == 1 and is_place_date_text(cells[0][1]) and fold(cells[0][1]).startswith("ngay"):
        return True  # "ngày 15 tháng 6 năm 2017" alone on its row, without the place
    return any(is_signature_text(t) for _, t in cells)


@lru_cache(maxsize=65536)
def is_total_text(text: str) -> bool:
    """Whether a cell's text is a total row's label ("Tổng cộng", "Cộng toàn khối", …)."""
    key = label_key(text)
    return key in _TOTAL_KEYS or key.startswith(("tong cong ", "cong toan "))


def is_group_marker(text: str) -> bool:
    """STT cells of group rows: "I.", "II", "A.", "B)"."""
    return bool(_ROMAN_OR_LETTER.match(text.strip()))


def is_place_date_text(text: str) -> bool:
    """Whether a cell's text looks like the place-and-date line under a table ("Hà Tĩnh, ngày … tháng …")."""
    return bool(_PLACE_DATE.search(fold(text)))
