"""Raw tables -> records, rejects and findings: the parts shared by every form.

A ``Record`` is one accounting unit ("row read") built cell by cell: a per-unit Form 01
report. It carries its parsed fields, where each came from, and its problems (any problem
rejects it) and findings (it is kept). The readers of one-unit-per-row tables keep their
records column-wise (``batch.RecordBatch``; a per-unit report becomes a batch of one), and
``batch.resolve_duplicates`` and ``batch.to_frames`` finish the job. Here: ``Record``,
``Problem``, ``Context``, cell parsing (``parse_field``, ``raw_text``), ``resolve_unit``
and the title-area finders. Pure: no disk access.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from vhcs_analysis import parse
from vhcs_analysis.errors import Location
from vhcs_analysis.io.locate import Grid, col_letter, fold, is_blank, is_place_date_text
from vhcs_analysis.registry import Registry, Resolution, describe_candidates

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings


@dataclass
class Problem:
    """A reject reason or a finding, located as Excel shows it."""

    code: str
    message: str  # Vietnamese, without the location
    row: int | None = None  # 1-based
    column: str | None = None  # Excel letter
    value: str | None = None


@dataclass
class Record:
    """One raw row (or one unit's form) read into canonical fields, with the cells they came from and the problems
    (reject) and findings (kept) found in it."""
    table: str  # unit_reports / inspections / rankings
    source_file: str
    sheet: str
    row: int  # 1-based row the record starts at (its data row, or its table's header row)
    data: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    findings: list[Problem] = field(default_factory=list)
    cells: dict[str, tuple[int, str | None, str | None]] = field(default_factory=dict)  # field -> (row, col, raw)

    @property
    def rejected(self) -> bool:
        """Whether the record has at least one problem, and so goes to the rejects."""
        return bool(self.problems)

    def at(self, fld: str) -> tuple[int | None, str | None, str | None]:
        """The (row, column letter, raw text) of field ``fld``'s cell; the record's row when the field had no cell."""
        return self.cells.get(fld, (self.row, None, None))

    def problem(self, code: str, message: str, fld: str | None = None, *, row=None, column=None, value=None) -> None:
        """Record a problem at field ``fld``'s cell (or at ``row``/``column``): the record is rejected."""
        r, c, v = self.at(fld) if fld else (self.row, None, None)
        self.problems.append(Problem(code, message, row or r, column or c, value if value is not None else v))

    def finding(self, code: str, message: str, fld: str | None = None, *, value=None) -> None:
        """Record a finding at field ``fld``'s cell: a data-quality note, the record is kept."""
        r, c, v = self.at(fld) if fld else (self.row, None, None)
        self.findings.append(Problem(code, message, r, c, value if value is not None else v))

    def location(self, p: Problem) -> Location:
        """Where problem ``p`` sits: this record's file and sheet, the problem's row and column."""
        return Location(self.source_file, self.sheet, p.row, p.column)


@dataclass
class Context:
    """What every reader needs: where the sheet came from, how to resolve names and the
    settings of the run (``settings.Settings``: ``[cleaning]``, ``[inspection]``, the
    resolution date of ``[review]``)."""

    source_file: str
    registry: Registry
    settings: Settings
    resolution_date: dt.date = field(init=False)

    def __post_init__(self) -> None:
        self.resolution_date = dt.date.fromisoformat(self.settings.review.resolution_date)


def raw_text(v) -> str | None:
    """A raw cell value as text for the rejects' ``value`` column."""
    kind = type(v)
    if kind is str:  # the usual cells first (this runs for every parsed cell)
        return v.strip() or None
    if kind is int:
        return str(v)
    if is_blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y") if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v).strip()


_PARSERS = {"Int64": parse.parse_int, "Float64": parse.parse_number, "boolean": parse.parse_bool}


def parse_field(rec: Record, fld: str, dtype: str, value, r0: int, c0: int, *, rate: bool = False):
    """Parse one cell into ``rec.data[fld]``; a parse error becomes a problem at the cell."""
    rec.cells[fld] = (r0 + 1, col_letter(c0), raw_text(value))
    parsed, error = parse_one(dtype, rate, value)
    if error:
        rec.problem(*error, fld)
    if isinstance(parsed, (int, float)) and not isinstance(parsed, bool) and not abs(parsed) <= MAX_ABS:
        rec.problem(*too_large(value), fld)  # also NaN and infinity
        parsed = None
    rec.data[fld] = parsed
    return parsed


def parse_one(dtype: str, rate: bool, value) -> tuple[object, tuple[str, str] | None]:
    """One cell as ``parse_field`` parses it: (value, None) or (None, (reason_code,
    message)); the per-cell parser ``columnar.parse_column`` falls back to."""
    try:
        return _parse_cell(dtype, rate, type(value), value)  # type: ignore[arg-type] # types hash; typeshed's Hashable misses type[Any]
    except TypeError:  # an unhashable cell value: parse it without the cache
        return _parse_cell.__wrapped__(dtype, rate, type(value), value)


@lru_cache(maxsize=131_072)
def _parse_cell(dtype: str, rate: bool, kind: type, value) -> tuple[object, tuple[str, str] | None]:
    """(parsed value, None) or (None, (reason_code, message)). Cached: a column repeats
    its values (counts, "Có", dates) and parsing is a pure function of the cell; ``kind``
    keeps 1, 1.0 and True apart."""
    try:
        if rate:
            return parse.parse_rate(value), None
        if dtype.startswith("datetime"):
            return parse.parse_date(value), None
        return _PARSERS[dtype](value), None
    except parse.ParseError as exc:
        return None, (exc.reason_code, exc.message)
    except (TypeError, ValueError, OverflowError, ArithmeticError):  # a cell type no parser expects
        return None, (_INVALID.get(dtype, "invalid_number"), f"không đọc được giá trị '{raw_text(value)}'")


_INVALID = {"Int64": "invalid_number", "Float64": "invalid_number", "boolean": "invalid_bool",
            "datetime64[ms]": "invalid_date"}
MAX_ABS = 1e12  # no count, rate or score of these forms comes near; int64 and float stay exact


def too_large(value) -> tuple[str, str]:
    """(reason_code, message) for a number cell beyond ``MAX_ABS`` (NaN and infinity too)."""
    return "out_of_range", f"giá trị {raw_text(value)} quá lớn"


def unit_outcome(res: Resolution, name, registry: Registry) -> tuple[bool, str, str] | None:
    """What the resolution ``res`` of the unit name ``name`` adds to its record:
    (is_problem, reason_code, message) — a problem rejects the record, else it is a
    finding — or None for a name written as in the registry."""
    if res.method == "blank":
        return True, "missing_required", "thiếu tên đơn vị"
    if res.method == "ambiguous":
        return True, "ambiguous_unit", (f"tên đơn vị '{raw_text(name)}' khớp ngang nhau với nhiều đơn vị: "
                                        f"{describe_candidates(res)}; hãy ghi đúng tên trong danh mục")
    if res.unit_id is None:
        return True, "unknown_unit", (f"không tìm thấy đơn vị '{raw_text(name)}' trong danh mục; gần nhất: "
                                      f"{describe_candidates(res)}")
    if res.method == "fuzzy":
        return False, "fuzzy_match", (f"tên '{raw_text(name)}' được nhận là '{registry.name_of(res.unit_id)}' "
                                      f"({res.unit_id}) theo độ giống {str(res.score).replace('.', ',')}/100")
    return None


def resolve_unit(rec: Record, ctx: Context, name, r0: int | None, c0: int | None) -> None:
    """Resolve a unit name into ``rec.data['unit_id']``, or record why it could not be."""
    if r0 is not None and c0 is not None:
        rec.cells["unit_name"] = (r0 + 1, col_letter(c0), raw_text(name))
    res = ctx.registry.resolve(name)
    if res.ok:
        rec.data["unit_id"] = res.unit_id
    outcome = unit_outcome(res, name, ctx.registry)
    if outcome is not None:
        is_problem, code, message = outcome
        (rec.problem if is_problem else rec.finding)(code, message, "unit_name")


# --- title area: period, round, year, report date --------------------------------------


def _after_colon(text: str) -> str:
    return text.split(":", 1)[1].strip() if ":" in text else text


def _try(fn, text):
    try:
        return fn(text)
    except parse.ParseError:
        return None
    except (ValueError, TypeError):
        return None


def find_period(texts: list[tuple[int, int, str]], sheet_name: str, grid: Grid | None = None):
    """(period, row, col, raw) from the title texts: a "Kỳ báo cáo:" line first, then any
    title line that names a period, then the sheet name. period is None when nothing parses;
    row/col then point at the "Kỳ báo cáo" line if there is one."""
    labelled = None
    for r, c, t in texts:
        if fold(t).startswith("ky bao cao"):
            value = _after_colon(t)
            if not fold(value) or fold(value) == "ky bao cao":
                value = _next_text(grid, r, c) if grid is not None else ""
            labelled = (r, c, value or t)
            p = _try(parse.parse_period, value)
            if p:
                return p, r, c, value
    if labelled:
        return None, labelled[0], labelled[1], labelled[2]
    for r, c, t in texts:
        key = fold(t)
        if "ngay" in key or is_place_date_text(t) or not re.search(r"20\d\d|19\d\d", t):
            continue
        p = _try(parse.parse_period, t)
        if p:
            return p, r, c, t
    p = _try(parse.parse_period, sheet_name)
    if p:
        return p, None, None, sheet_name
    return None, None, None, None


def _next_text(grid: Grid, r: int, c: int) -> str:
    for cc in range(c + 1, grid.n_cols):
        t = grid.text(r, cc)
        if t:
            return t
    return ""


def find_report_date(texts: list[tuple[int, int, str]], footer: list[tuple[int, int, str]], grid: Grid | None = None):
    """(date, row, col, raw, error) from "Ngày báo cáo: …" in the title, else the
    "Hà Tĩnh, ngày … tháng … năm …" line of the title or signature block."""
    for r, c, t in texts:
        if fold(t).startswith("ngay bao cao"):
            value = _after_colon(t)
            raw_cell: str | None = value
            if not fold(value) or fold(value) == "ngay bao cao":
                nxt = None
                if grid is not None:
                    for cc in range(c + 1, grid.n_cols):
                        if not is_blank(grid.values[r][cc]):
                            nxt = grid.values[r][cc]
                            break
                raw_cell = nxt
            try:
                d = parse.parse_date(raw_cell)
            except parse.ParseError as exc:
                return None, r, c, raw_text(raw_cell), exc
            if d is not None:
                return d, r, c, raw_text(raw_cell), None
    for r, c, t in list(texts) + list(footer):
        if is_place_date_text(t):
            m = re.search(r"ng[aà]y.*", t, flags=re.IGNORECASE)
            d = _try(parse.parse_date, m.group(0) if m else t)
            if d:
                return d, r, c, t, None
    return None, None, None, None, None


_ROUND = re.compile(r"dot\s*(?:kiem tra\s*|giam sat\s*|thu\s*)*(\d{1,2}|[ivx]{1,4})\b.*?((?:19|20)\d\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


def find_round(texts: list[tuple[int, int, str]], sheet_name: str):
    """'2017-1' from "Đợt 1 năm 2017" (also "Đợt I/2017", "đợt kiểm tra thứ 2 năm 2018")."""
    for r, c, t in [*texts, (None, None, sheet_name)]:
        m = _ROUND.search(fold(t))
        if m:
            n = m.group(1)
            number = int(n) if n.isdigit() else _ROMAN.get(n)
            if number:
                return f"{m.group(2)}-{number}", r, c, t
    return None, None, None, None


def find_year(texts: list[tuple[int, int, str]], sheet_name: str):
    """A year named in the title ("… năm 2017") or the sheet name."""
    for r, c, t in [*texts, (None, None, sheet_name)]:
        key = fold(t)
        if "ngay" in key and "thang" in key:
            continue
        m = re.search(r"(?:nam|year)\s*((?:19|20)\d\d)\b", key) or re.fullmatch(r"\D*((?:19|20)\d\d)\D*", key)
        if m:
            return int(m.group(1)), r, c, t
    return None, None, None, None


def as_date(v) -> dt.date:
    """A parsed date value as a ``datetime.date`` (datetimes and Timestamps lose their time; dates pass through)."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def date_key(v) -> tuple:
    """Sort key of a report date: a missing date counts as the oldest."""
    return (0, dt.date.min) if v is None else (1, as_date(v))
