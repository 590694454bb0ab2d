"""Definitions of the processed tables: the one place for their columns and dtypes.

The pandera schemas (``schemas.py``), the sample's ground truth and the writers are all
derived from these lists, so a column is added here and nowhere else.
Column names follow docs/domain.md: ``_id``, ``_date``, ``_rate`` (0–100), ``is_`` booleans.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    """One column of a processed table: name, dtype, description, and the rules the checks derive from it."""
    name: str
    dtype: str  # pandas dtype: "str", "Int64", "Float64", "boolean", "datetime64[ms]"
    description: str  # what the column holds, with its unit and constraints
    required: bool = False  # may not be missing
    message_vi: str | None = None  # how a message to the user names the field (None: never named)
    at_most: str | None = None  # a count that may not exceed this field of the same record (its total)


FORM01_FIELDS: tuple[Column, ...] = (
    Column("staff_total", "Int64", "Tổng số CBCCVC, người lao động (người), > 0", True,
           message_vi="Tổng số CBCCVC, người lao động"),
    Column("party_members", "Int64", "Số đảng viên (người)",
           message_vi="Số đảng viên"),
    Column("staff_studied", "Int64", "Số CBCCVC đã học tập, quán triệt Nghị quyết 01 (người), ≤ staff_total",
           message_vi="Số CBCCVC đã học tập, quán triệt Nghị quyết 01", at_most="staff_total"),
    Column("action_programme", "boolean", "Đã xây dựng chương trình hành động",
           message_vi="Đã xây dựng chương trình hành động"),
    Column("action_programme_date", "datetime64[ms]", "Ngày ban hành chương trình hành động, ≥ 10/10/2016",
           message_vi="Ngày ban hành chương trình hành động"),
    Column("office_layout_done", "boolean", "Hoàn thành bài trí công sở theo quy định",
           message_vi="Hoàn thành bài trí công sở theo quy định"),
    Column("dossiers_received", "Int64", "Hồ sơ TTHC tiếp nhận trong kỳ (trống = không có bộ phận một cửa)",
           message_vi="Hồ sơ TTHC tiếp nhận trong kỳ"),
    Column("dossiers_on_time", "Int64", "Hồ sơ giải quyết trước hạn và đúng hạn",
           message_vi="Hồ sơ giải quyết trước hạn và đúng hạn"),
    Column("dossiers_late", "Int64", "Hồ sơ giải quyết quá hạn",
           message_vi="Hồ sơ giải quyết quá hạn"),
    Column("complaints_conduct", "Int64", "Phản ánh, kiến nghị về thái độ, tác phong cán bộ (lượt)",
           message_vi="Phản ánh, kiến nghị về thái độ, tác phong cán bộ"),
    Column("discipline_violations", "Int64", "CBCCVC vi phạm kỷ luật, kỷ cương hành chính (người)",
           message_vi="CBCCVC vi phạm kỷ luật, kỷ cương hành chính", at_most="staff_total"),
    Column("satisfaction_rate", "Float64", "Tỷ lệ người dân, tổ chức hài lòng (%, 0–100); chỉ biểu 2018",
           message_vi="Tỷ lệ người dân, tổ chức hài lòng"),
    Column("internal_inspections", "Int64", "Cuộc tự kiểm tra, giám sát về VHCS",
           message_vi="Cuộc tự kiểm tra, giám sát về VHCS"),
    Column("good_practices", "Int64", "Mô hình, cách làm hay được nhân rộng",
           message_vi="Mô hình, cách làm hay được nhân rộng"),
    Column("staff_rated_good", "Int64", "CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên; chỉ biểu 2018",
           message_vi="CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên", at_most="staff_total"),
    Column("staff_personal_plan", "Int64", "CBCCVC đã xây dựng kế hoạch, cam kết cá nhân thực hiện VHCS (người), "
           "≤ staff_total; chỉ biểu 2018", message_vi="Số CBCCVC đã xây dựng kế hoạch, cam kết cá nhân",
           at_most="staff_total"),
    Column("departments_total", "Int64", "Tổng số phòng, ban, đơn vị trực thuộc (đơn vị); chỉ biểu 2018",
           message_vi="Tổng số phòng, ban, đơn vị trực thuộc"),
    Column("departments_with_plan", "Int64", "Phòng, ban, đơn vị trực thuộc đã xây dựng kế hoạch cụ thể, "
           "≤ departments_total; chỉ biểu 2018", message_vi="Số phòng, ban, đơn vị trực thuộc đã có kế hoạch",
           at_most="departments_total"),
    Column("commended_collectives", "Int64", "Tập thể được biểu dương, khen thưởng vì cách làm hay (chỉ số lượng, "
           "không ghi tên); chỉ biểu 2018", message_vi="Số tập thể được biểu dương, khen thưởng"),
    Column("commended_individuals", "Int64", "Cá nhân được biểu dương, khen thưởng vì cách làm hay (chỉ số lượng, "
           "không ghi tên); chỉ biểu 2018", message_vi="Số cá nhân được biểu dương, khen thưởng"),
)

CRITERIA: tuple[str, ...] = tuple(f"c{i:02d}" for i in range(1, 11))

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
        Column("form_version", "str", "Phiên bản biểu: 2017 hoặc 2018", True),
        Column("layout", "str", "unit_form (biểu từng đơn vị) hoặc consolidated (bảng tổng hợp)", True),
        *FORM01_FIELDS,
        Column("source_file", "str", "Tệp nguồn, đường dẫn tương đối trong thư mục thô", True),
        Column("source_sheet", "str", "Trang tính nguồn"),
        Column("source_row", "Int64", "Dòng nguồn (như Excel hiển thị; dòng đầu bảng với biểu từng đơn vị)"),
    ),
    "inspections": (
        Column("unit_id", "str", "Mã đơn vị", True),
        Column("round_id", "str", "Đợt kiểm tra, ví dụ 2017-1", True),
        Column("inspection_date", "datetime64[ms]", "Ngày kiểm tra", True),
        Column("kind", "str", "Hình thức: 'Kiểm tra' hoặc 'Giám sát'", True),
        *(Column(c, "Float64", f"Điểm tiêu chí {c} (0–10)") for c in CRITERIA),
        Column("total_score", "Float64", "Tổng điểm như ghi trên biểu (0–100)"),
        Column("criteria_sum", "Float64", "Tổng các tiêu chí tính lại"),
        Column("rating", "str", "Xếp loại như ghi: Tốt / Khá / Trung bình / Yếu"),
        Column("violations_found", "Int64", "Số vi phạm phát hiện"),
        Column("source_file", "str", "Tệp nguồn", True),
        Column("source_sheet", "str", "Trang tính nguồn"),
        Column("source_row", "Int64", "Dòng nguồn"),
    ),
    "rankings": (
        Column("unit_id", "str", "Mã đơn vị", True),
        Column("year", "Int64", "Năm xếp loại", True),
        Column("category", "str", "Xếp loại như ghi (đã chuẩn hóa NFC)", True),
        Column("scheme", "str", "pre2018 hoặc qd132", True),
        Column("level", "Int64", "1 = tốt nhất … 4 = kém nhất (một thang cho cả hai cách xếp loại)", True),
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


def columns(table: str) -> list[str]:
    """The column names of ``table``, in order."""
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
