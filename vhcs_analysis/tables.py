"""Definitions of the processed tables: the one place for their columns, dtypes and field rules.

Each ``Column`` carries its field metadata (after PUDL): the dtype, a Vietnamese
description, whether it is required, its ``bounds`` (the range a number may take), its
``allowed`` values, how messages name it, and the total a count may not exceed. The
checks are generated from it, never written again: the pandera schemas (``schemas.py``),
the readers' range and allowed-value checks with their Vietnamese messages
(``clean/fieldchecks.py``, used by ``clean/form01.py`` and ``clean/form02.py``) and the
Excel templates' data validations (``io/templates.py``). ``tests/test_field_metadata.py``
checks that the three agree for every column with bounds or allowed values.
Column names follow docs/domain.md: ``_id``, ``_date``, ``_rate`` (0–100), ``is_`` booleans.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd


def number_text(value: float, decimal: str = ",") -> str:
    """A number as people write it: a whole number without decimals ("10"), else the
    shortest form (``:g``) with ``decimal`` as the decimal mark ("10,5"; Excel formulas: ".")."""
    v = float(value)
    return (str(int(v)) if v.is_integer() else f"{v:g}").replace(".", decimal)


class _MessageFormatter(string.Formatter):
    """``str.format`` with two number styles for the value in a field's message template:
    ``{value:num}`` (``number_text``: "12", "10,5") and ``{value:rate}`` (rounded to two
    decimals as Python prints it: "120,0"); ``{value}`` alone is the value as read."""

    def format_field(self, value, format_spec: str) -> str:
        """Format one placeholder of a message template."""
        if format_spec == "num":
            return number_text(value)
        if format_spec == "rate":
            return str(round(value, 2)).replace(".", ",")
        return super().format_field(value, format_spec)


_FORMATTER = _MessageFormatter()


@dataclass(frozen=True)
class Bounds:
    """The range a number may take: ``low``–``high`` (None: no limit on that side), both
    ends included unless ``low_open`` (then the value must exceed ``low``, e.g. > 0)."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def outside(self, values: np.ndarray) -> np.ndarray:
        """Mask of the values outside the range (NaN, a missing value, is never outside)."""
        out = np.zeros(values.shape, dtype=bool)
        if self.low is not None:
            out |= (values <= self.low) if self.low_open else (values < self.low)
        if self.high is not None:
            out |= values > self.high
        return out

    def text(self) -> str:
        """The range as a message writes it: "0–100"; "> 0" or "≥ 0" without an upper limit."""
        if self.low is not None and self.high is not None:
            return f"{number_text(self.low)}–{number_text(self.high)}"
        if self.low is not None:
            return f"{'>' if self.low_open else '≥'} {number_text(self.low)}"
        return f"≤ {number_text(self.high)}" if self.high is not None else ""


# the message of a negative count, unless a column words it itself (Column.negative_vi)
NEGATIVE_VI = "số âm ({value}) ở chỉ tiêu '{name}'"


@dataclass(frozen=True)
class Column:
    """One column of a processed table and its field rules (see the module docstring).

    ``range_vi`` and ``negative_vi`` are message templates: ``{value}`` (``:num`` and
    ``:rate`` styles, see ``_MessageFormatter``), ``{name}`` (``message_vi``), ``{column}``
    (the column's name), ``{bounds}`` (``Bounds.text``), ``{allowed}`` ('a' hoặc 'b')."""

    name: str
    dtype: str  # pandas dtype: "str", "Int64", "Float64", "boolean", "datetime64[ms]"
    description_vi: str  # what the column holds, in Vietnamese, with its unit and constraints
    required: bool = False  # may not be missing
    message_vi: str | None = None  # how a message to the user names the field (None: never named)
    at_most: str | None = None  # a count that may not exceed this field of the same record (its total)
    bounds: Bounds | None = None  # the range a number may take
    allowed: tuple[str, ...] | None = None  # the allowed values, in the order forms list them
    range_code: str = "out_of_range"  # reject reason of a value outside bounds or not allowed
    range_vi: str | None = None  # message of a value outside bounds (not negative) or not allowed
    negative_vi: str | None = None  # message of a negative count (default NEGATIVE_VI)

    @property
    def is_count(self) -> bool:
        """A whole count (Int64 that may not be negative): a negative value is ``negative_count``."""
        return self.dtype == "Int64" and self.bounds is not None and self.bounds.low == 0

    def message(self, template: str, value: object) -> str:
        """A message template of this column filled in for ``value`` (see the class docstring)."""
        allowed = " hoặc ".join(f"'{a}'" for a in self.allowed or ())
        return _FORMATTER.format(template, value=value, name=self.message_vi or self.name, column=self.name,
                                 bounds=self.bounds.text() if self.bounds else "", allowed=allowed)

    def negative_message(self, value: object) -> str:
        """The message of a negative count."""
        return self.message(self.negative_vi or NEGATIVE_VI, value)

    def range_message(self, value: object) -> str:
        """The message of a value outside the bounds (and not negative) or not allowed."""
        if self.range_vi is None:
            raise ValueError(f"{self.name}: no message for a value outside its bounds or not allowed")
        return self.message(self.range_vi, value)


def _count(name: str, description_vi: str, required: bool = False, **rules) -> Column:
    """A whole count, ≥ 0 unless ``bounds`` says more."""
    rules.setdefault("bounds", Bounds(0))
    return Column(name, "Int64", description_vi, required, **rules)


FORM01_FIELDS: tuple[Column, ...] = (
    _count("staff_total", "Tổng số CBCCVC, người lao động (người), > 0", True,
           message_vi="Tổng số CBCCVC, người lao động", bounds=Bounds(0, low_open=True),
           range_vi="tổng số cán bộ phải lớn hơn 0"),
    _count("party_members", "Số đảng viên (người)",
           message_vi="Số đảng viên"),
    _count("staff_studied", "Số CBCCVC đã học tập, quán triệt Nghị quyết 01 (người), ≤ staff_total",
           message_vi="Số CBCCVC đã học tập, quán triệt Nghị quyết 01", at_most="staff_total"),
    Column("action_programme", "boolean", "Đã xây dựng chương trình hành động",
           message_vi="Đã xây dựng chương trình hành động"),
    Column("action_programme_date", "datetime64[ms]", "Ngày ban hành chương trình hành động, ≥ 10/10/2016",
           message_vi="Ngày ban hành chương trình hành động"),
    Column("office_layout_done", "boolean", "Hoàn thành bài trí công sở theo quy định",
           message_vi="Hoàn thành bài trí công sở theo quy định"),
    _count("dossiers_received", "Hồ sơ TTHC tiếp nhận trong kỳ (trống = không có bộ phận một cửa)",
           message_vi="Hồ sơ TTHC tiếp nhận trong kỳ"),
    _count("dossiers_on_time", "Hồ sơ giải quyết trước hạn và đúng hạn",
           message_vi="Hồ sơ giải quyết trước hạn và đúng hạn"),
    _count("dossiers_late", "Hồ sơ giải quyết quá hạn",
           message_vi="Hồ sơ giải quyết quá hạn"),
    _count("complaints_conduct", "Phản ánh, kiến nghị về thái độ, tác phong cán bộ (lượt)",
           message_vi="Phản ánh, kiến nghị về thái độ, tác phong cán bộ"),
    _count("discipline_violations", "CBCCVC vi phạm kỷ luật, kỷ cương hành chính (người)",
           message_vi="CBCCVC vi phạm kỷ luật, kỷ cương hành chính", at_most="staff_total"),
    Column("satisfaction_rate", "Float64", "Tỷ lệ người dân, tổ chức hài lòng (%, 0–100); chỉ biểu 2018",
           message_vi="Tỷ lệ người dân, tổ chức hài lòng", bounds=Bounds(0, 100),
           range_vi="tỷ lệ hài lòng {value:rate}% nằm ngoài {bounds}%"),
    _count("internal_inspections", "Cuộc tự kiểm tra, giám sát về VHCS",
           message_vi="Cuộc tự kiểm tra, giám sát về VHCS"),
    _count("good_practices", "Mô hình, cách làm hay được nhân rộng",
           message_vi="Mô hình, cách làm hay được nhân rộng"),
    _count("staff_rated_good", "CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên; chỉ biểu 2018",
           message_vi="CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên", at_most="staff_total"),
    _count("staff_personal_plan", "CBCCVC đã xây dựng kế hoạch, cam kết cá nhân thực hiện VHCS (người), "
           "≤ staff_total; chỉ biểu 2018", message_vi="Số CBCCVC đã xây dựng kế hoạch, cam kết cá nhân",
           at_most="staff_total"),
    _count("departments_total", "Tổng số phòng, ban, đơn vị trực thuộc (đơn vị); chỉ biểu 2018",
           message_vi="Tổng số phòng, ban, đơn vị trực thuộc"),
    _count("departments_with_plan", "Phòng, ban, đơn vị trực thuộc đã xây dựng kế hoạch cụ thể, "
           "≤ departments_total; chỉ biểu 2018", message_vi="Số phòng, ban, đơn vị trực thuộc đã có kế hoạch",
           at_most="departments_total"),
    _count("commended_collectives", "Tập thể được biểu dương, khen thưởng vì cách làm hay (chỉ số lượng, "
           "không ghi tên); chỉ biểu 2018", message_vi="Số tập thể được biểu dương, khen thưởng"),
    _count("commended_individuals", "Cá nhân được biểu dương, khen thưởng vì cách làm hay (chỉ số lượng, "
           "không ghi tên); chỉ biểu 2018", message_vi="Số cá nhân được biểu dương, khen thưởng"),
)

CRITERIA: tuple[str, ...] = tuple(f"c{i:02d}" for i in range(1, 11))
INSPECTION_KINDS: tuple[str, ...] = ("Kiểm tra", "Giám sát")  # Form 02's "Hình thức"
# the two ranking schemes: up to 2017 "Trong sạch, vững mạnh" …, from 2018 Quy định 132-QĐ/TW
# (a type for the settings' model, ``[ranking] excellent_cap_schemes``; its values for everyone else)
RankingScheme = Literal["pre2018", "qd132"]
RANKING_SCHEMES: tuple[str, ...] = get_args(RankingScheme)

TABLES: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("unit_id", "str", "Mã đơn vị (từ danh mục)", True),
        Column("unit_name", "str", "Tên chính thức", True),
        Column("block", "str", "Khối", True),
        Column("is_pilot", "boolean", "Đơn vị điểm", True),
        Column("unit_type", "str", "Loại: đảng bộ cơ sở / chi bộ cơ sở"),
        Column("staff_count", "Int64", "Số CBCCVC theo danh mục"),
        Column("aliases", "str", "Tên gọi khác, cách nhau bởi ';'"),
    ),
    "unit_reports": (
        Column("unit_id", "str", "Mã đơn vị", True),
        Column("period", "str", "Kỳ báo cáo, ví dụ 2017-H1", True),
        Column("report_date", "datetime64[ms]", "Ngày báo cáo"),
        Column("form_version", "str", "Phiên bản biểu: 2017 hoặc 2018", True, allowed=("2017", "2018")),
        Column("layout", "str", "unit_form (biểu từng đơn vị) hoặc consolidated (bảng tổng hợp)", True,
               allowed=("unit_form", "consolidated")),
        *FORM01_FIELDS,
        Column("source_file", "str", "Tệp nguồn, đường dẫn tương đối trong thư mục thô", True),
        Column("source_sheet", "str", "Trang tính nguồn"),
        Column("source_row", "Int64", "Dòng nguồn (như Excel hiển thị; dòng đầu bảng với biểu từng đơn vị)"),
    ),
    "inspections": (
        Column("unit_id", "str", "Mã đơn vị", True),
        Column("round_id", "str", "Đợt kiểm tra, ví dụ 2017-1", True),
        Column("inspection_date", "datetime64[ms]", "Ngày kiểm tra", True),
        Column("kind", "str", "Hình thức: 'Kiểm tra' hoặc 'Giám sát'", True, allowed=INSPECTION_KINDS,
               range_vi="hình thức '{value}' phải là {allowed}"),
        *(Column(c, "Float64", f"Điểm tiêu chí {c} (0–10)", bounds=Bounds(0, 10), range_code="score_out_of_range",
                 range_vi="điểm tiêu chí {column} = {value:num} nằm ngoài {bounds}") for c in CRITERIA),
        Column("total_score", "Float64", "Tổng điểm như ghi trên biểu (0–100)", bounds=Bounds(0, 100),
               range_code="score_out_of_range", range_vi="tổng điểm {value:num} nằm ngoài {bounds}"),
        Column("criteria_sum", "Float64", "Tổng các tiêu chí tính lại"),
        Column("rating", "str", "Xếp loại như ghi: Tốt / Khá / Trung bình / Yếu"),
        _count("violations_found", "Số vi phạm phát hiện", negative_vi="số vi phạm âm ({value})"),
        Column("source_file", "str", "Tệp nguồn", True),
        Column("source_sheet", "str", "Trang tính nguồn"),
        Column("source_row", "Int64", "Dòng nguồn"),
    ),
    "rankings": (
        Column("unit_id", "str", "Mã đơn vị", True),
        Column("year", "Int64", "Năm xếp loại", True),
        Column("category", "str", "Xếp loại như ghi (đã chuẩn hóa NFC)", True),
        Column("scheme", "str", "pre2018 hoặc qd132", True, allowed=RANKING_SCHEMES),
        Column("level", "Int64", "1 = tốt nhất … 4 = kém nhất (một thang cho cả hai cách xếp loại)", True,
               bounds=Bounds(1, 4)),
        Column("source_file", "str", "Tệp nguồn", True),
        Column("source_sheet", "str", "Trang tính nguồn"),
        Column("source_row", "Int64", "Dòng nguồn"),
    ),
    "rejects": (
        Column("source_file", "str", "Tệp nguồn", True),
        Column("sheet", "str", "Trang tính"),
        Column("row", "Int64", "Dòng (như Excel hiển thị, từ 1)"),
        Column("column", "str", "Cột (chữ cái như Excel, hoặc tên trường)"),
        Column("value", "str", "Giá trị gây lỗi, như ghi"),
        Column("reason_code", "str", "Mã lý do (vấn đề đầu tiên của dòng)", True),
        Column("message", "str", "Thông báo tiếng Việt: mọi vấn đề của dòng, mỗi vấn đề một dòng", True),
        Column("problem_count", "Int64", "Số vấn đề của dòng (≥ 1)", True),
        Column("reason_codes", "str", "Mã lý do của mọi vấn đề, theo thứ tự phát hiện, cách nhau bởi '; '", True),
    ),
    "findings": (
        Column("source_file", "str", "Tệp nguồn", True),
        Column("sheet", "str", "Trang tính"),
        Column("row", "Int64", "Dòng"),
        Column("column", "str", "Cột"),
        Column("value", "str", "Giá trị"),
        Column("finding_code", "str", "Mã phát hiện (dòng vẫn được giữ)", True),
        Column("message", "str", "Thông báo tiếng Việt", True),
    ),
}

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit_id",),
    "unit_reports": ("unit_id", "period"),
    "inspections": ("unit_id", "round_id", "inspection_date"),
    "rankings": ("unit_id", "year"),
    "rejects": ("source_file", "sheet", "row", "column", "reason_code"),
    "findings": ("source_file", "sheet", "row", "column", "finding_code"),
}


# count -> the total of the same record it may not exceed (Column.at_most), in the form's order:
# the reader's check (clean/form01.py) and the templates' cross-cell validations (io/templates.py)
AT_MOST: dict[str, str] = {c.name: c.at_most for c in FORM01_FIELDS if c.at_most}


def column(table: str, name: str) -> Column:
    """The definition of one column of a table (KeyError when the table has no such column)."""
    for col in TABLES[table]:
        if col.name == name:
            return col
    raise KeyError(f"{table}.{name}")


def ratings_best_first(thresholds: Mapping[str, float]) -> list[tuple[str, float]]:
    """``[inspection] rating_thresholds`` (rating -> lowest total, 0–100) as (rating, lowest
    total) pairs, highest threshold first: the order ``rating_for`` tries them in."""
    return sorted(((name, float(v)) for name, v in thresholds.items()), key=lambda kv: -kv[1])


def rating_for(total: float, ratings: list[tuple[str, float]]) -> str:
    """The rating (``inspections.rating``) a total score (0–100) earns under ``ratings``
    (``ratings_best_first``): the first whose threshold it reaches, else the lowest."""
    for name, low in ratings:
        if total >= low:
            return name
    return ratings[-1][0]


def columns(table: str) -> list[str]:
    """The table's column names, in order."""
    return [c.name for c in TABLES[table]]


def dtypes(table: str) -> dict[str, str]:
    """Column -> its dtype, in the table's column order."""
    return {c.name: c.dtype for c in TABLES[table]}


def empty(table: str) -> pd.DataFrame:
    """A zero-row frame with the table's columns and dtypes."""
    return conform(pd.DataFrame({c.name: [] for c in TABLES[table]}), table)


def conform(df: pd.DataFrame, table: str, *, sort: bool = True) -> pd.DataFrame:
    """Columns in the defined order with the defined dtypes, rows in the stable sort order,
    index reset. Extra columns are an error (nothing is silently dropped)."""
    spec = TABLES[table]
    extra = set(df.columns) - {c.name for c in spec}
    if extra:
        raise ValueError(f"{table}: unexpected columns {sorted(extra)}")
    out = pd.DataFrame(index=df.index)
    for col in spec:
        values = df[col.name] if col.name in df.columns else pd.Series(pd.NA, index=df.index)
        if col.dtype.startswith("datetime64"):
            out[col.name] = pd.to_datetime(values).astype(col.dtype)
        elif col.dtype == "str":
            out[col.name] = values.astype("str").where(values.notna(), None).astype("str")
        else:
            out[col.name] = values.astype(col.dtype)
    if sort:
        keys = [k for k in SORT_KEYS[table] if k in out.columns]
        out = out.sort_values(keys, kind="mergesort", na_position="last")
    return out.reset_index(drop=True)
