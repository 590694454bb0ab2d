"""The glue the notebooks call, so that a notebook holds narrative and one call per cell.

``setup()`` fixes display options and the plot theme and loads the processed tables
(``load``); the section functions compute the result tables of docs/report-inputs.md
(pure: data in, DataFrame out, calling ``indicators``, ``compare`` and ``ranking``);
``publish_table`` / ``publish_figure`` / ``update_key_numbers`` write the report inputs
into ``config.get_paths().reports`` and show a Vietnamese view inline. ``*_text``
functions return Markdown whose numbers come from the data, so the prose stays true on
any raw folder. Nothing here prints a path.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt, plots, tables
from vhcs_analysis.config import SAMPLE_MARK, Paths, get_paths, get_settings

PROCESSED_TABLES = ("units", "unit_reports", "inspections", "rankings", "rejects", "findings")
GROUPS = ("pilot", "rest")
SEED = 0

REASON_LABELS_VI = {
    "unknown_unit": "Tên đơn vị không có trong danh mục",
    "ambiguous_unit": "Tên đơn vị khớp nhiều đơn vị",
    "invalid_number": "Số không đọc được",
    "invalid_rate": "Tỷ lệ không hợp lệ",
    "invalid_date": "Ngày không hợp lệ",
    "invalid_period": "Kỳ báo cáo không đọc được",
    "invalid_bool": "Giá trị Có/Không không đọc được",
    "missing_required": "Thiếu trường bắt buộc",
    "negative_count": "Số đếm âm",
    "out_of_range": "Giá trị ngoài khoảng cho phép",
    "studied_gt_staff": "Số đã học tập lớn hơn tổng số cán bộ",
    "count_gt_staff": "Số người lớn hơn tổng số cán bộ",
    "dossiers_inconsistent": "Số hồ sơ không khớp nhau",
    "date_before_resolution": "Ngày trước khi ban hành Nghị quyết",
    "score_out_of_range": "Điểm tiêu chí ngoài thang 0–10",
    "unknown_label": "Chỉ tiêu không nhận ra",
    "unknown_category": "Xếp loại không nhận ra",
    "superseded": "Đã được báo cáo sau thay thế",
    "duplicate": "Trùng lặp",
    "unreadable_row": "Dòng không đọc được",
}
CRITERIA_VI = {
    "c01": "Trang phục",
    "c02": "Đeo thẻ công chức",
    "c03": "Chấp hành giờ làm việc",
    "c04": "Giao tiếp, ứng xử với nhân dân",
    "c05": "Giao tiếp, ứng xử với đồng nghiệp",
    "c06": "Quốc huy, Quốc kỳ, biển tên cơ quan",
    "c07": "Phòng làm việc, biển tên phòng",
    "c08": "Không hút thuốc, rượu bia trong giờ làm việc",
    "c09": "Niêm yết TTHC, hòm thư góp ý, đường dây nóng",
    "c10": "Bộ phận một cửa",
}
ROLLOUT_MEASURES_VI = {
    "study_rate": "Cán bộ đã học tập Nghị quyết",
    "action_programme_share": "Đơn vị có chương trình hành động",
    "office_layout_share": "Đơn vị hoàn thành bài trí công sở",
}
STATUS_VI = {"on_time": "đúng hạn", "late": "muộn", "missing": "không báo cáo"}
KIND_VI = {
    "units_registry": "Danh mục đơn vị",
    "form01_unit": "Biểu 01 (từng đơn vị)",
    "form01_consolidated": "Biểu 01 (tổng hợp)",
    "form02": "Biểu 02 (kiểm tra)",
    "ranking": "Xếp loại",
    "sample_marker": "Dấu dữ liệu mẫu",
}

# Column headers of the Vietnamese views shown in the notebooks (the CSVs keep the codes).
COLUMN_LABELS_VI = {
    "kind": "Loại tệp", "status": "Trạng thái", "n_files": "Số tệp", "rows_read": "Dòng đọc",
    "rows_kept": "Dòng giữ", "rows_rejected": "Dòng loại", "source_file": "Tệp", "reason": "Lý do",
    "reason_code": "Mã lý do", "reason_vi": "Lý do", "n_rows": "Số dòng",
    "period": "Kỳ", "n_expected": "Phải nộp", "n_on_time": "Đúng hạn", "n_late": "Muộn",
    "n_missing": "Không nộp", "unit_id": "Mã đơn vị", "unit_name": "Đơn vị", "block": "Khối",
    "is_pilot": "Đơn vị điểm", "group": "Nhóm", "measure_vi": "Nội dung", "value": "Giá trị",
    "n_units": "Số đơn vị", "dossiers_on_time": "Hồ sơ đúng hạn", "dossiers_late": "Hồ sơ quá hạn",
    "on_time_rate": "Tỷ lệ đúng hạn (%)", "indicator_vi": "Chỉ tiêu", "goal": "Mục tiêu",
    "task_group": "Nhóm nhiệm vụ", "baseline_mean": "Kỳ gốc", "post_mean": "Kỳ cuối",
    "change": "Thay đổi", "ci_low": "KTC 95% dưới", "ci_high": "KTC 95% trên", "mean": "Trung bình",
    "estimate": "Ước lượng", "p_value": "p", "p_holm": "p (Holm)", "p_bh": "p (BH)",
    "n_pilot": "Số đơn vị điểm", "n_rest": "Số đơn vị khác", "pilot_change": "Thay đổi (điểm)",
    "rest_change": "Thay đổi (còn lại)", "difference": "Chênh lệch", "pilot_mean": "Đơn vị điểm",
    "rest_mean": "Còn lại", "gap": "Chênh lệch", "criterion": "Tiêu chí", "criterion_vi": "Nội dung",
    "mean_score": "Điểm TB", "n_inspections": "Lượt kiểm tra", "round_id": "Đợt", "rating": "Xếp loại",
    "year": "Năm", "level_current": "Mức hiện hành", "level_proposed": "Mức đề xuất",
    "culture_score": "Điểm VHCS", "n_blocks": "Số khối",
}


# ---------------------------------------------------------------------------- loading


@dataclass
class ReviewData:
    """The processed tables, the manifest and the review settings."""

    units: pd.DataFrame
    unit_reports: pd.DataFrame
    inspections: pd.DataFrame
    rankings: pd.DataFrame
    rejects: pd.DataFrame
    findings: pd.DataFrame
    manifest: dict
    settings: dict = field(repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def is_sample(self) -> bool:
        return bool(self.manifest.get("is_sample", False))

    @property
    def baseline(self) -> str:
        return str(self.settings["review"]["baseline"])

    @property
    def post(self) -> str:
        return str(self.settings["review"]["post"])

    @property
    def periods(self) -> list[str]:
        return [str(p) for p in self.settings["review"]["periods"]]


def _read_table(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        return tables.empty(name)
    frame = pd.read_parquet(path)
    known = [c for c in tables.columns(name) if c in frame.columns]
    return tables.conform(frame[known], name)


def load(paths: Paths | None = None) -> ReviewData:
    """Read the processed tables and manifest (``config.get_paths().processed`` by default).
    A missing table reads as empty; a missing manifest as an empty one (not sample)."""
    paths = paths or get_paths()
    folder = paths.processed
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    frames = {name: _read_table(folder, name) for name in PROCESSED_TABLES}
    return ReviewData(**frames, manifest=manifest, settings=get_settings())


def setup(paths: Paths | None = None) -> ReviewData:
    """Fix display options and the plot theme, then ``load`` (first cell of every notebook)."""
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 80)
    pd.set_option("display.precision", 3)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    plots.apply_theme()
    return load(paths)


# ---------------------------------------------------------------------------- output


def _round_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            decimals = 4 if col.startswith("p_") or col == "p_value" else (
                3 if col in ("estimate", "ci_low", "ci_high", "gap", "difference", "change",
                             "pilot_change", "rest_change", "mc_se") else 2)
            out[col] = out[col].astype("float64").round(decimals)
    return out


def save_table(df: pd.DataFrame, name: str, paths: Paths | None = None) -> Path:
    """Write ``tables/NAME.csv`` (UTF-8, comma, dot decimals, rounded floats, no index),
    in the row order given (the section functions sort); returns the path."""
    paths = paths or get_paths()
    target = paths.tables / f"{name}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = _round_frame(df).to_csv(index=False, lineterminator="\n")
    _write_atomic(target, text.encode("utf-8"))
    return target


def save_figure(fig, name: str, *, is_sample: bool, paths: Paths | None = None) -> Path:
    """Mark (when sample) and write ``figures/NAME.svg``; returns the path."""
    paths = paths or get_paths()
    plots.mark_sample(fig, is_sample)
    return plots.save_figure(fig, paths.figures / f"{name}.svg")


def _write_atomic(target: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A Vietnamese view of a result table: headers translated, numbers formatted (1.234,5),
    groups and booleans in words. For showing only; the CSVs keep the codes."""
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        values = df[col].reset_index(drop=True)
        if col in ("p_value", "p_holm", "p_bh"):
            shown = values.map(fmt.p_value)
        elif col == "group":
            shown = values.map(lambda g: plots.GROUP_LABELS.get(g, g))
        elif col == "status" and values.isin(list(STATUS_VI)).all():
            shown = values.map(STATUS_VI)
        elif pd.api.types.is_bool_dtype(values):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else ("Có" if v else "Không"))
        elif pd.api.types.is_integer_dtype(values):
            shown = values.map(lambda v: fmt.number(v, 0))
        elif pd.api.types.is_float_dtype(values):
            shown = values.map(lambda v: fmt.number(v, 2 if col in ("estimate", "ci_low", "ci_high") else 1))
        else:
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(v))
        out[COLUMN_LABELS_VI.get(col, col)] = shown.astype("str")
    return out


def _display(obj) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside IPython
        print(obj)
        return
    display(obj)


def publish_table(df: pd.DataFrame, name: str, paths: Paths | None = None) -> pd.DataFrame:
    """``save_table`` and return the Vietnamese view (the notebook shows it)."""
    save_table(df, name, paths)
    return display_frame(df)


def publish_figure(fig, name: str, data: ReviewData, paths: Paths | None = None) -> None:
    """``save_figure`` (marked when the data is sample data) and show it inline as PNG."""
    save_figure(fig, name, is_sample=data.is_sample, paths=paths)
    try:
        from IPython.display import Image
    except ImportError:  # pragma: no cover
        return
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
    """The top of key_numbers.json: sample flag, periods, unit counts."""
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


def update_key_numbers(data: ReviewData, section: str, numbers: dict, paths: Paths | None = None) -> dict:
    """Set one section of ``tables/key_numbers.json`` (other sections kept, header
    refreshed); returns the section as written."""
    paths = paths or get_paths()
    target = paths.tables / "key_numbers.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text("utf-8")) if target.is_file() else {}
    current.update(_jsonable(key_numbers_header(data)))
    current[section] = _jsonable(numbers)
    text = json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _write_atomic(target, text.encode("utf-8"))
    return current[section]


def markdown(text: str):
    """Markdown for display (a plain string outside IPython)."""
    try:
        from IPython.display import Markdown
    except ImportError:  # pragma: no cover
        return text
    return Markdown(text)


def sample_notice(data: ReviewData):
    """A visible notice when the data is the synthetic sample (empty otherwise)."""
    if data.is_sample:
        return markdown(f"> **{SAMPLE_MARK}.** Mọi con số, bảng và biểu đồ dưới đây được tính trên bộ "
                        "dữ liệu tổng hợp do gói tạo ra để chạy thử, không phản ánh đơn vị nào.")
    n_units = len(data.units)
    return markdown(f"Số liệu: {fmt.number(n_units)} đơn vị trong danh mục, các kỳ "
                    f"{', '.join(data.periods)} (kỳ gốc {data.baseline}).")


# ---------------------------------------------------------------- 1. data quality


def _manifest_files(data: ReviewData) -> pd.DataFrame:
    files = pd.DataFrame(data.manifest.get("files", []))
    for col, default in (("path", ""), ("kind", ""), ("status", ""), ("reason", ""),
                         ("rows_read", 0), ("rows_kept", 0), ("rows_rejected", 0)):
        if col not in files.columns:
            files[col] = default
    files["status"] = files["status"].fillna("").astype(str)
    files["used"] = ~files["status"].isin(["skipped", "unrecognised", "unrecognized", "unreadable", "error"])
    for col in ("rows_read", "rows_kept", "rows_rejected"):
        files[col] = pd.to_numeric(files[col], errors="coerce").fillna(0).astype("int64")
    return files


def dq_files(data: ReviewData) -> pd.DataFrame:
    """Input files by kind and status with row accounting (rows read = kept + rejected)."""
    files = _manifest_files(data)
    if files.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
            ("kind", "str"), ("status", "str"), ("n_files", "int64"), ("rows_read", "int64"),
            ("rows_kept", "int64"), ("rows_rejected", "int64"))})
    files["status"] = np.where(files["used"], "used", "skipped")
    files["kind"] = files["kind"].fillna("").astype(str).replace("", "unknown")
    out = (files.groupby(["kind", "status"], sort=True)
           .agg(n_files=("path", "size"), rows_read=("rows_read", "sum"), rows_kept=("rows_kept", "sum"),
                rows_rejected=("rows_rejected", "sum"))
           .reset_index())
    return out.sort_values(["kind", "status"], kind="mergesort").reset_index(drop=True)


def dq_skipped_files(data: ReviewData) -> pd.DataFrame:
    """Files that were not used, with the reason (paths relative to the raw folder)."""
    files = _manifest_files(data)
    skipped = files[~files["used"]] if not files.empty else files
    out = pd.DataFrame({"source_file": skipped["path"].astype("str"),
                        "reason": skipped["reason"].fillna("").astype("str")})
    return out.sort_values("source_file", kind="mergesort").reset_index(drop=True)


def dq_rejects_by_reason(data: ReviewData) -> pd.DataFrame:
    """Rejected rows per reason code, with the Vietnamese reason, most frequent first."""
    rejects = data.rejects
    if rejects.empty:
        return pd.DataFrame({"reason_code": pd.Series(dtype="str"), "reason_vi": pd.Series(dtype="str"),
                             "n_rows": pd.Series(dtype="int64"), "n_files": pd.Series(dtype="int64")})
    out = (rejects.groupby("reason_code", sort=True)
           .agg(n_rows=("reason_code", "size"), n_files=("source_file", "nunique")).reset_index())
    out.insert(1, "reason_vi", out["reason_code"].map(lambda c: REASON_LABELS_VI.get(c, c)).astype("str"))
    out[["n_rows", "n_files"]] = out[["n_rows", "n_files"]].astype("int64")
    return out.sort_values(["n_rows", "reason_code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def data_quality_numbers(data: ReviewData, completeness_table: pd.DataFrame | None = None) -> dict:
    """The data-quality section of key_numbers.json."""
    files = _manifest_files(data)
    totals = data.manifest.get("totals", {})
    numbers = {
        "files_total": len(files),
        "files_used": int(files["used"].sum()) if len(files) else 0,
        "files_skipped": int((~files["used"]).sum()) if len(files) else 0,
        "rows_read": int(totals.get("rows_read", files["rows_read"].sum() if len(files) else 0)),
        "rows_kept": int(totals.get("rows_kept", files["rows_kept"].sum() if len(files) else 0)),
        "rows_rejected": int(totals.get("rows_rejected", files["rows_rejected"].sum() if len(files) else 0)),
    }
    if completeness_table is not None and len(completeness_table):
        numbers.update(
            reports_expected=int(completeness_table["n_expected"].sum()),
            reports_on_time=int(completeness_table["n_on_time"].sum()),
            reports_late=int(completeness_table["n_late"].sum()),
            reports_missing=int(completeness_table["n_missing"].sum()),
        )
    return numbers


def data_quality_text(data: ReviewData) -> Any:
    """Generated prose: files and rows read, kept, rejected."""
    n = data_quality_numbers(data)
    rejects = dq_rejects_by_reason(data)
    top = ""
    if len(rejects):
        first = rejects.iloc[0]
        top = (f" Lý do loại thường gặp nhất: *{first['reason_vi'].lower()}* "
               f"({fmt.number(first['n_rows'])} dòng).")
    share = fmt.percent(100 * n["rows_rejected"] / n["rows_read"], 1) if n["rows_read"] else fmt.MISSING
    return markdown(
        f"Thư mục dữ liệu thô có **{fmt.number(n['files_total'])} tệp**: "
        f"{fmt.number(n['files_used'])} tệp được dùng, {fmt.number(n['files_skipped'])} tệp bỏ qua. "
        f"Đã đọc **{fmt.number(n['rows_read'])} dòng** số liệu: giữ {fmt.number(n['rows_kept'])} dòng, "
        f"loại {fmt.number(n['rows_rejected'])} dòng ({share}).{top}"
    )
