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
FINDING_LABELS_VI = {
    "total_mismatch": "Tổng điểm ghi trên biểu khác tổng các tiêu chí",
    "rating_mismatch": "Xếp loại ghi trên biểu khác xếp loại theo điểm",
    "fuzzy_match": "Tên đơn vị khớp gần đúng (đã chấp nhận, cần soát lại)",
    "total_row_mismatch": "Dòng tổng cộng khác tổng các dòng",
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
STATUS_VI = {"on_time": "đúng hạn", "late": "muộn", "missing": "không báo cáo", "undated": "không rõ ngày",
             "used": "đã dùng", "skipped": "bỏ qua", "unreadable": "không đọc được"}
KIND_VI = {
    "units": "Danh mục đơn vị",
    "form01_unit": "Biểu 01 (từng đơn vị)",
    "form01_consolidated": "Biểu 01 (bảng tổng hợp)",
    "form02": "Biểu 02 (kiểm tra, giám sát)",
    "rankings": "Kết quả xếp loại",
    "sample_marker": "Tệp đánh dấu dữ liệu mẫu",
    "unknown": "Không nhận ra",
}
FILE_STATUSES = ("used", "skipped", "unreadable")

# Column headers of the Vietnamese views shown in the notebooks (the CSVs keep the codes).
COLUMN_LABELS_VI = {
    "kind": "Loại tệp", "status": "Trạng thái", "n_files": "Số tệp", "rows_read": "Dòng đọc",
    "rows_kept": "Dòng giữ", "rows_rejected": "Dòng loại", "source_file": "Tệp", "reason": "Lý do",
    "reason_code": "Mã lý do", "reason_vi": "Lý do", "n_rows": "Số dòng",
    "finding_code": "Mã phát hiện", "finding_vi": "Phát hiện",
    "period": "Kỳ", "n_expected": "Phải nộp", "n_on_time": "Đúng hạn", "n_late": "Muộn",
    "n_missing": "Không nộp", "unit_id": "Mã đơn vị", "unit_name": "Đơn vị", "block": "Khối",
    "is_pilot": "Đơn vị điểm", "group": "Nhóm", "measure_vi": "Nội dung", "value": "Giá trị",
    "n_units": "Số đơn vị", "dossiers_on_time": "Hồ sơ đúng hạn", "dossiers_late": "Hồ sơ quá hạn",
    "on_time_rate": "Tỷ lệ đúng hạn (%)", "indicator_vi": "Chỉ tiêu", "goal": "Mục tiêu",
    "task_group": "Nhóm nhiệm vụ", "baseline_mean": "Kỳ gốc", "post_mean": "Kỳ cuối",
    "change": "Thay đổi", "ci_low": "KTC 95% dưới", "ci_high": "KTC 95% trên", "mean": "Trung bình",
    "estimate": "Ước lượng", "p_value": "p", "p_holm": "p (Holm)", "p_bh": "p (BH)",
    "n_pilot": "Số đơn vị điểm", "n_rest": "Số đơn vị khác", "pilot_change": "Thay đổi của đơn vị điểm",
    "rest_change": "Thay đổi của đơn vị khác", "difference": "Chênh lệch", "pilot_mean": "Đơn vị điểm",
    "rest_mean": "Còn lại", "gap": "Chênh lệch", "criterion": "Tiêu chí", "criterion_vi": "Nội dung",
    "mean_score": "Điểm TB", "n_inspections": "Lượt kiểm tra", "round_id": "Đợt", "rating": "Xếp loại",
    "year": "Năm", "level_current": "Mức hiện hành", "level_proposed": "Mức đề xuất",
    "culture_score": "Điểm VHCS", "n_blocks": "Số khối", "n_undated": "Không rõ ngày",
    "indicator": "Mã chỉ tiêu", "category_current": "Xếp loại hiện hành", "category_proposed": "Xếp loại đề xuất",
    "culture_level": "Mức VHCS", "baseline_value": "Kỳ gốc", "post_value": "Kỳ cuối",
    "excess": "Vượt mức chung", "reason_vi": "Lý do", "method": "Phương pháp",
}
# Code columns left out of the Vietnamese views when their label column is there.
HIDDEN_WITH = {"indicator": "indicator_vi", "measure": "measure_vi", "criterion": "criterion_vi"}


def method_vi(method: str) -> str:
    """compare's method string in Vietnamese, e.g. 'stratified DiD, exact randomisation
    inference (N=800)' → 'chênh lệch của chênh lệch theo khối; kiểm định hoán vị đủ 800 cách gán'."""
    import re

    text = str(method)
    if text == "insufficient data":
        return "không đủ số liệu"
    what = ("chênh lệch của chênh lệch theo khối" if text.startswith("stratified DiD")
            else "chênh lệch mức theo khối" if text.startswith("stratified level gap") else text.split(",")[0])
    exact = re.search(r"exact randomisation inference \(N=(\d+)\)", text)
    mc = re.search(r"Monte Carlo randomisation inference \(R=(\d+) of N=(\d+)\)", text)
    if exact:
        return f"{what}; kiểm định hoán vị đủ {fmt.number(int(exact.group(1)))} cách gán"
    if mc:
        return (f"{what}; kiểm định hoán vị {fmt.number(int(mc.group(1)))} lần rút ngẫu nhiên trong "
                f"{fmt.number(int(mc.group(2)))} cách gán")
    return text


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
        os.chmod(tmp, 0o666 & ~plots._umask())  # mkstemp creates 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A Vietnamese view of a result table: headers translated, numbers formatted (1.234,5),
    groups and booleans in words. For showing only; the CSVs keep the codes."""
    out = pd.DataFrame(index=range(len(df)))
    for col in df.columns:
        if HIDDEN_WITH.get(col) in df.columns:
            continue
        values = df[col].reset_index(drop=True)
        if col == "period":
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else period_vi(v))
        elif col == "year":
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(int(v)))
        elif col == "method":
            shown = values.map(method_vi)
        elif col in ("p_value", "p_holm", "p_bh"):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else fmt.p_value(v))
        elif col == "group":
            shown = values.map(lambda g: plots.GROUP_LABELS.get(g, g))
        elif col == "status" and values.isin(list(STATUS_VI)).all():
            shown = values.map(STATUS_VI)
        elif col == "kind":
            shown = values.map(lambda k: KIND_VI.get(k, k))
        elif pd.api.types.is_bool_dtype(values):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else ("Có" if v else "Không"))
        elif pd.api.types.is_integer_dtype(values):
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else fmt.number(v, 0))
        elif pd.api.types.is_float_dtype(values):
            decimals = 2 if col in ("estimate", "ci_low", "ci_high") else 1
            shown = values.map(lambda v, d=decimals: fmt.MISSING if pd.isna(v)
                               else fmt.number(0.0 if round(float(v), d) == 0 else v, d))  # no "-0,00"
        else:
            shown = values.map(lambda v: fmt.MISSING if pd.isna(v) else str(v))
        out[COLUMN_LABELS_VI.get(col, col)] = shown.astype("str")
    out.index = pd.RangeIndex(1, len(out) + 1, name="STT")
    return out


def period_vi(code: str) -> str:
    """'2017-H1' → '6 tháng đầu năm 2017' (indicators.period_label_vi)."""
    from vhcs_analysis.indicators import period_label_vi

    return period_label_vi(code)


def _lower_first(text: str) -> str:
    """'Tỷ lệ CBCCVC …' → 'tỷ lệ CBCCVC …' (acronyms further on keep their case)."""
    text = str(text)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


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


def write_key_numbers(numbers: dict, paths: Paths | None = None) -> Path:
    """Write ``tables/key_numbers.json`` as given (JSON-safe: NaN → null, numbers rounded
    to 4 decimals, keys sorted); returns the path."""
    paths = paths or get_paths()
    target = paths.tables / "key_numbers.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_jsonable(numbers), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _write_atomic(target, text.encode("utf-8"))
    return target


def update_key_numbers(data: ReviewData, section: str, numbers: dict, paths: Paths | None = None) -> dict:
    """Set one section of ``tables/key_numbers.json`` (other sections kept, header
    refreshed); returns the section as written."""
    paths = paths or get_paths()
    target = paths.tables / "key_numbers.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(target.read_text("utf-8")) if target.is_file() else {}
    current.update(_jsonable(key_numbers_header(data)))
    current[section] = _jsonable(numbers)
    write_key_numbers(current, paths)
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
    return markdown(f"Số liệu: {fmt.number(len(data.units))} đơn vị trong danh mục; "
                    f"{fmt.number(len(data.periods))} kỳ báo cáo, từ {period_vi(data.periods[0])} đến "
                    f"{period_vi(data.periods[-1])}; kỳ gốc: {period_vi(data.baseline)}.")


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
    files["status"] = np.where(files["status"].isin(FILE_STATUSES), files["status"],
                               np.where(files["used"], "used", "skipped"))
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


def dq_findings(data: ReviewData) -> pd.DataFrame:
    """Rows kept with a data-quality finding (e.g. a stated total that disagrees with the
    criteria), per finding code, most frequent first."""
    findings = data.findings
    if findings.empty:
        return pd.DataFrame({"finding_code": pd.Series(dtype="str"), "finding_vi": pd.Series(dtype="str"),
                             "n_rows": pd.Series(dtype="int64"), "n_files": pd.Series(dtype="int64")})
    out = (findings.groupby("finding_code", sort=True)
           .agg(n_rows=("finding_code", "size"), n_files=("source_file", "nunique")).reset_index())
    out.insert(1, "finding_vi", out["finding_code"].map(lambda c: FINDING_LABELS_VI.get(c, c)).astype("str"))
    out[["n_rows", "n_files"]] = out[["n_rows", "n_files"]].astype("int64")
    return out.sort_values(["n_rows", "finding_code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


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
        "rows_with_findings": len(data.findings),
    }
    if completeness_table is not None and len(completeness_table):
        numbers.update(
            reports_expected=int(completeness_table["n_expected"].sum()),
            reports_on_time=int(completeness_table["n_on_time"].sum()),
            reports_late=int(completeness_table["n_late"].sum()),
            reports_undated=int(completeness_table["n_undated"].sum()) if "n_undated" in completeness_table else 0,
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
        top = (f" Lý do loại thường gặp nhất: *{_lower_first(first['reason_vi'])}* "
               f"({fmt.number(first['n_rows'])} dòng).")
    share = fmt.percent(100 * n["rows_rejected"] / n["rows_read"], 1) if n["rows_read"] else fmt.MISSING
    return markdown(
        f"Thư mục dữ liệu thô có **{fmt.number(n['files_total'])} tệp**: "
        f"{fmt.number(n['files_used'])} tệp được dùng, {fmt.number(n['files_skipped'])} tệp bỏ qua. "
        f"Đã đọc **{fmt.number(n['rows_read'])} dòng** số liệu: giữ {fmt.number(n['rows_kept'])} dòng, "
        f"loại {fmt.number(n['rows_rejected'])} dòng ({share}).{top}"
    )


def _completeness_units(data: ReviewData) -> pd.DataFrame:
    from vhcs_analysis import indicators

    if "completeness" not in data._cache:
        table = indicators.completeness(data.units, data.unit_reports, periods=data.periods)
        table["status"] = table["status"].map(COMPLETENESS_STATUS).fillna("undated")
        data._cache["completeness"] = table
    return data._cache["completeness"]


COMPLETENESS_STATUS = {"đúng hạn": "on_time", "muộn": "late", "không báo cáo": "missing",
                       "không rõ ngày": "undated"}


def completeness(data: ReviewData) -> pd.DataFrame:
    """Form 01 reports per period: expected (units × period), on time, late, undated, missing."""
    table = _completeness_units(data)
    rows = []
    for period in data.periods:
        status = table.loc[table["period"] == period, "status"]
        rows.append({"period": period, "n_expected": len(status),
                     **{f"n_{s}": int((status == s).sum()) for s in ("on_time", "late", "undated", "missing")}})
    out = pd.DataFrame(rows, columns=["period", "n_expected", "n_on_time", "n_late", "n_undated", "n_missing"])
    return out.astype({c: "int64" for c in out.columns if c != "period"})


def completeness_units(data: ReviewData) -> pd.DataFrame:
    """Units that reported late, without a date, or not at all, per period."""
    table = _completeness_units(data)
    bad = table[table["status"] != "on_time"].merge(data.units[["unit_id", "unit_name"]], on="unit_id", how="left")
    order = {p: i for i, p in enumerate(data.periods)}
    bad = bad.assign(_order=bad["period"].map(order)).sort_values(["_order", "unit_id"], kind="mergesort")
    cols = ["unit_id", "unit_name", "block", "is_pilot", "period", "status"]
    return bad[cols].reset_index(drop=True)


def completeness_text(data: ReviewData) -> Any:
    """Generated prose on reporting completeness."""
    table = completeness(data)
    total = int(table["n_expected"].sum())
    if total == 0:
        return markdown("Danh mục không có đơn vị nào nên không tính được mức đầy đủ của báo cáo.")
    parts = {s: int(table[f"n_{s}"].sum()) for s in ("on_time", "late", "undated", "missing")}
    worst = table.sort_values(["n_missing", "period"], ascending=[False, True]).iloc[0]
    text = (f"Với {fmt.number(len(data.units))} đơn vị và {fmt.number(len(data.periods))} kỳ, phải có "
            f"**{fmt.number(total)} báo cáo** Biểu 01: {fmt.number(parts['on_time'])} nộp đúng hạn "
            f"({fmt.percent(100 * parts['on_time'] / total)}), {fmt.number(parts['late'])} nộp muộn, "
            f"{fmt.number(parts['missing'])} không có báo cáo hợp lệ")
    if parts["undated"]:
        text += f", {fmt.number(parts['undated'])} không ghi ngày báo cáo"
    text += "."
    if int(worst["n_missing"]) > 0:
        text += (f" Kỳ thiếu nhiều nhất là {period_vi(worst['period'])} ({fmt.number(worst['n_missing'])} đơn vị không có "
                 "báo cáo hợp lệ).")
    return markdown(text)


# ---------------------------------------------------------------- indicators and meta


def panel(data: ReviewData) -> pd.DataFrame:
    """``indicators.build_panel`` on the loaded tables (one row per unit × period), cached."""
    from vhcs_analysis import indicators

    if "panel" not in data._cache:
        data._cache["panel"] = indicators.build_panel(data.units, data.unit_reports, data.inspections,
                                                      periods=data.periods)
    return data._cache["panel"]


PLOT_DEFAULTS = {
    "did_family": ["oc_index", "inspection_score", "on_time_rate", "study_rate"],
    "event_study_indicators": ["oc_index"],
    "per_block_indicator": "oc_index",
}


def plot_setting(key: str):
    """One ``[plots]`` setting (indicator family and chart choices)."""
    return get_settings().get("plots", {}).get(key, PLOT_DEFAULTS[key])


def indicator_meta() -> pd.DataFrame:
    """Per indicator: indicator, indicator_vi, measures (MT1…NV4/ALL), goal (1–3), task_group
    (1–4), higher_is_better, diff_unit_vi."""
    from vhcs_analysis import indicators

    meta = indicators.INDICATORS
    measures = meta["measures"].astype(str)
    return pd.DataFrame({
        "indicator": meta["name"].astype(str),
        "indicator_vi": meta["label_vi"].astype(str),
        "measures": measures,
        "goal": pd.array([int(m[2:]) if m.startswith("MT") else None for m in measures], dtype="Int64"),
        "task_group": pd.array([int(m[2:]) if m.startswith("NV") else None for m in measures], dtype="Int64"),
        "higher_is_better": meta["higher_is_better"].astype(bool),
        "diff_unit_vi": meta["diff_unit_vi"].astype(str),
    })


def _with_meta(df: pd.DataFrame, cols=("indicator_vi", "goal", "task_group")) -> pd.DataFrame:
    meta = indicator_meta().set_index("indicator")
    out = df.copy()
    for pos, col in enumerate(cols, start=1):
        out.insert(pos, col, out["indicator"].map(meta[col]))
    return out


def _label_of(indicator: str) -> str:
    meta = indicator_meta().set_index("indicator")
    return str(meta.loc[indicator, "indicator_vi"]) if indicator in meta.index else indicator


def _group_of(is_pilot) -> pd.Series:
    return pd.Series(np.where(pd.Series(is_pilot).astype("boolean").fillna(False).astype(bool), "pilot", "rest"))


def _period_order(data: ReviewData, series: pd.Series) -> pd.Series:
    order = {p: i for i, p in enumerate(data.periods)}
    return series.map(lambda p: order.get(p, len(order)))


def percent_indicators() -> list[str]:
    """Indicators on the 0–100 percent scale (their axes get % ticks)."""
    from vhcs_analysis import indicators

    units = indicators.INDICATORS.set_index("name")["unit"]
    return [str(i) for i in units.index if units[i] in ("%", "0/100")]


# ---------------------------------------------------------------- 2. roll-out


def rollout(data: ReviewData) -> pd.DataFrame:
    """Task groups 1 and 3 per period and group (pilot, rest, all): share of staff who
    studied the resolution, share of units with an action programme and with the office
    layout done (0–100), each with the number of reporting units."""
    p = panel(data)
    sources = {"study_rate": "study_rate", "action_programme_share": "action_programme",
               "office_layout_share": "office_layout"}
    rows = []
    for measure, col in sources.items():
        for period in data.periods:
            part = p[p["period"] == period]
            groups = _group_of(part["is_pilot"]).to_numpy()
            for group in ("pilot", "rest", "all"):
                values = part[col].to_numpy(dtype=float, na_value=np.nan)
                if group != "all":
                    values = values[groups == group]
                ok = values[~np.isnan(values)]
                rows.append({"period": period, "group": group, "measure": measure,
                             "measure_vi": ROLLOUT_MEASURES_VI[measure],
                             "value": float(ok.mean()) if len(ok) else np.nan, "n_units": len(ok)})
    out = pd.DataFrame(rows)
    out["_m"] = out["measure"].map({m: i for i, m in enumerate(sources)})
    out["_p"] = _period_order(data, out["period"])
    out["_g"] = out["group"].map({"pilot": 0, "rest": 1, "all": 2})
    out = out.sort_values(["_m", "_p", "_g"], kind="mergesort").drop(columns=["_m", "_p", "_g"])
    return out[["period", "group", "measure", "measure_vi", "value", "n_units"]].reset_index(drop=True)


def rollout_at(table: pd.DataFrame, period: str, groups=("pilot", "rest")) -> pd.DataFrame:
    """Rows of ``rollout`` for one period and the given groups (for the bar chart)."""
    return table[(table["period"] == period) & table["group"].isin(groups)].reset_index(drop=True)


def on_time_rate(data: ReviewData) -> pd.DataFrame:
    """One-stop on-time rate per period and group, pooled over dossiers:
    on time / (on time + late) × 100 (units without a one-stop desk left out)."""
    reports = data.unit_reports.merge(data.units[["unit_id", "is_pilot"]], on="unit_id", how="left")
    reports["group"] = _group_of(reports["is_pilot"]).to_numpy()
    on_time = pd.to_numeric(reports["dossiers_on_time"], errors="coerce").astype("float64")
    late = pd.to_numeric(reports["dossiers_late"], errors="coerce").astype("float64")
    reports = reports.assign(_on=on_time, _late=late)
    reports = reports[reports["_on"].notna() & reports["_late"].notna() & ((reports["_on"] + reports["_late"]) > 0)]
    rows = []
    for period in data.periods:
        part = reports[reports["period"] == period]
        for group in ("pilot", "rest", "all"):
            g = part if group == "all" else part[part["group"] == group]
            on, lt = float(g["_on"].sum()), float(g["_late"].sum())
            rows.append({"period": period, "group": group, "dossiers_on_time": int(on), "dossiers_late": int(lt),
                         "on_time_rate": 100 * on / (on + lt) if on + lt > 0 else np.nan,
                         "n_units": int(g["unit_id"].nunique())})
    return pd.DataFrame(rows, columns=["period", "group", "dossiers_on_time", "dossiers_late", "on_time_rate",
                                       "n_units"])


def trend_of(data: ReviewData, indicator: str) -> pd.DataFrame:
    """Mean of one indicator per period, pilots vs rest, with seeded bootstrap 95% intervals."""
    from vhcs_analysis import indicators

    desc = indicators.describe_by_group(panel(data), indicator, by=("period", "is_pilot"), seed=SEED)
    desc = desc[desc["period"].isin(data.periods) & desc["is_pilot"].notna()]
    out = pd.DataFrame({
        "indicator": indicator,
        "period": desc["period"].astype(str).to_numpy(),
        "group": _group_of(desc["is_pilot"]).to_numpy(),
        "mean": desc["mean"].astype(float).to_numpy(),
        "ci_low": desc["ci_low"].astype(float).to_numpy(),
        "ci_high": desc["ci_high"].astype(float).to_numpy(),
        "n_units": desc["n"].astype("int64").to_numpy(),
    })
    out = _with_meta(out, cols=("indicator_vi",))
    out["_p"] = _period_order(data, out["period"])
    out = out.sort_values(["_p", "group"], kind="mergesort").drop(columns="_p")
    return out.reset_index(drop=True)


def indicators_by_goal(data: ReviewData) -> pd.DataFrame:
    """Every indicator at baseline and post (all units) and the mean within-unit change
    with a seeded bootstrap 95% interval; ordered by goal, then task group."""
    from vhcs_analysis import indicators

    p = panel(data)
    rng = np.random.default_rng(SEED)
    n_boot = int(get_settings()["compare"]["bootstrap_draws"])
    base = p[p["period"] == data.baseline].set_index("unit_id")
    post = p[p["period"] == data.post].set_index("unit_id")
    rows = []
    for name in indicators.INDICATOR_NAMES:
        b = base[name].astype(float)
        a = post[name].astype(float)
        change = (a - b.reindex(a.index)).dropna()
        lo, hi = indicators.bootstrap_mean_ci(change.to_numpy(), rng=rng, n_boot=n_boot)
        rows.append({"indicator": name, "baseline_mean": b.mean(), "post_mean": a.mean(),
                     "change": change.mean() if len(change) else np.nan, "ci_low": lo, "ci_high": hi,
                     "n_units": len(change)})
    out = _with_meta(pd.DataFrame(rows))
    out["_g"] = out["goal"].fillna(9)
    out["_t"] = out["task_group"].fillna(9)
    out = out.sort_values(["_g", "_t", "indicator"], kind="mergesort").drop(columns=["_g", "_t"])
    return out.reset_index(drop=True)


def rollout_numbers(data: ReviewData) -> dict:
    """The roll-out section of key_numbers.json (all units, 0–100)."""
    table = rollout(data)
    at_post = table[(table["period"] == data.post) & (table["group"] == "all")].set_index("measure")["value"]
    rate = on_time_rate(data)
    everyone = rate[rate["group"] == "all"].set_index("period")["on_time_rate"]
    return {
        "study_rate": at_post.get("study_rate"),
        "action_programme_share": at_post.get("action_programme_share"),
        "office_layout_share": at_post.get("office_layout_share"),
        "on_time_rate_baseline": everyone.get(data.baseline),
        "on_time_rate_post": everyone.get(data.post),
    }


def rollout_text(data: ReviewData) -> Any:
    """Generated prose: where the roll-out stood at the end of the window."""
    n = rollout_numbers(data)
    table = rollout(data)
    at_post = table[table["period"] == data.post]

    def val(measure, group):
        v = at_post[(at_post["measure"] == measure) & (at_post["group"] == group)]["value"]
        return fmt.percent(v.iloc[0], 1) if len(v) else fmt.MISSING

    return markdown(
        f"Đến {period_vi(data.post)}, bình quân các đơn vị có báo cáo, **{fmt.percent(n['study_rate'])}** cán bộ đã "
        f"được học tập, quán triệt Nghị quyết (đơn vị điểm {val('study_rate', 'pilot')}, các đơn vị còn lại "
        f"{val('study_rate', 'rest')}); **{fmt.percent(n['action_programme_share'])}** đơn vị đã có chương trình "
        f"hành động và **{fmt.percent(n['office_layout_share'])}** đơn vị đã hoàn thành bài trí công sở. "
        f"Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (gộp mọi hồ sơ) từ "
        f"{fmt.percent(n['on_time_rate_baseline'])} ở kỳ gốc ({period_vi(data.baseline)}) thành "
        f"{fmt.percent(n['on_time_rate_post'])} ở {period_vi(data.post)}."
    )


# ---------------------------------------------------------------- 3. pilots vs rest


def trends(data: ReviewData) -> pd.DataFrame:
    """``trend_of`` for every indicator of the DiD family, stacked."""
    parts = [trend_of(data, name) for name in plot_setting("did_family")]
    return pd.concat(parts, ignore_index=True)


def did(data: ReviewData) -> pd.DataFrame:
    """Block-stratified DiD (baseline → post) for the indicator family, randomisation
    p-values and intervals, with Holm and Benjamini–Hochberg adjusted p-values."""
    from vhcs_analysis import compare

    res = compare.family(panel(data), list(plot_setting("did_family")), data.baseline, data.post, seed=SEED)
    out = res.rename(columns={"outcome": "indicator"})
    out = out[["indicator", "estimate", "ci_low", "ci_high", "p_value", "p_holm", "p_bh", "n_pilot", "n_rest",
               "method"]]
    out = out.astype({"n_pilot": "int64", "n_rest": "int64"})
    return _with_meta(out).reset_index(drop=True)


def event_study(data: ReviewData) -> pd.DataFrame:
    """Pilot − rest gap in change since baseline, per period, for the chosen indicators."""
    from vhcs_analysis import compare

    parts = []
    for name in plot_setting("event_study_indicators"):
        es = compare.event_study(panel(data), name, data.baseline, data.periods, seed=SEED)
        parts.append(pd.DataFrame({"indicator": name, "period": es["period"].astype(str),
                                   "estimate": es["estimate"].astype(float),
                                   "ci_low": es["ci_low"].astype(float), "ci_high": es["ci_high"].astype(float),
                                   "p_value": es["p_value"].astype(float)}))
    return _with_meta(pd.concat(parts, ignore_index=True), cols=("indicator_vi",))


def per_block(data: ReviewData) -> pd.DataFrame:
    """Each block's pilot against the other units of its block (descriptive), per indicator."""
    from vhcs_analysis import compare

    parts = []
    for name in plot_setting("did_family"):
        pb = compare.per_block(panel(data), name, data.baseline, data.post)
        parts.append(pd.DataFrame({"indicator": name, "indicator_vi": _label_of(name), "block": pb["block"].astype(str),
                                   "pilot_change": pb["pilot_change"].astype(float),
                                   "rest_change": pb["rest_change"].astype(float),
                                   "difference": pb["did"].astype(float), "n_rest": pb["n_rest"].astype("int64")}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["indicator", "block"], kind="mergesort").reset_index(drop=True)


def per_block_of(table: pd.DataFrame, indicator: str | None = None) -> pd.DataFrame:
    """Rows of ``per_block`` for one indicator (default: ``[plots] per_block_indicator``)."""
    return table[table["indicator"] == (indicator or plot_setting("per_block_indicator"))].reset_index(drop=True)


def level_gap(data: ReviewData) -> pd.DataFrame:
    """Pilots vs the rest of their blocks at the baseline: were pilots already different?"""
    from vhcs_analysis import compare

    rows = []
    for name in plot_setting("did_family"):
        r = compare.level_gap(panel(data), name, data.baseline, seed=SEED)
        rows.append({"indicator": name, "pilot_mean": r.pilot_mean, "rest_mean": r.rest_mean, "gap": r.estimate,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value})
    out = _with_meta(pd.DataFrame(rows), cols=("indicator_vi",))
    return out.sort_values("indicator", kind="mergesort").reset_index(drop=True)


def pilot_effect_numbers(did_table: pd.DataFrame) -> list[dict]:
    """The pilot_effect list of key_numbers.json (one entry per indicator of did.csv)."""
    keep = ["indicator", "indicator_vi", "estimate", "ci_low", "ci_high", "p_value", "p_holm", "p_bh",
            "n_pilot", "n_rest", "method"]
    return [{k: row[k] for k in keep} for row in did_table.to_dict("records")]


def did_text(data: ReviewData, did_table: pd.DataFrame) -> Any:
    """Generated reading of the DiD family: the composite index in words, and how many
    indicators stand out after the multiple-testing adjustment."""
    from vhcs_analysis import compare

    meta = indicator_meta().set_index("indicator")
    main = plot_setting("per_block_indicator")
    lines = []
    if main in set(did_table["indicator"]):
        r = compare.pilot_effect(panel(data), main, baseline=data.baseline, post=data.post, seed=SEED)
        lines.append(compare.describe_result_vi(r, _lower_first(meta.loc[main, "indicator_vi"]),
                                                unit=meta.loc[main, "diff_unit_vi"],
                                                higher_is_better=bool(meta.loc[main, "higher_is_better"])))
    tested = did_table["p_value"].notna()
    raw = int((did_table["p_value"] < 0.05).sum())
    holm = int((did_table["p_holm"] < 0.05).sum())
    lines.append(
        f"Trong {fmt.number(int(tested.sum()))} chỉ tiêu được so sánh, {fmt.number(raw)} chỉ tiêu có p < 0,05 "
        f"khi xét riêng từng chỉ tiêu; sau khi hiệu chỉnh cho việc kiểm định nhiều chỉ tiêu cùng lúc "
        f"(phương pháp Holm) còn {fmt.number(holm)} chỉ tiêu."
    )
    return markdown("\n\n".join(lines))


def level_gap_text(gap_table: pd.DataFrame) -> Any:
    """Generated prose on pre-existing differences at the baseline."""
    sig = gap_table[gap_table["p_value"] < 0.05]
    if sig.empty:
        return markdown("Ở kỳ gốc, không chỉ tiêu nào cho thấy đơn vị điểm khác rõ các đơn vị cùng khối "
                        "(mọi p ≥ 0,05); điều này không loại trừ khác biệt nhỏ mà số liệu chưa đủ để phát hiện.")
    names = "; ".join(f"{_lower_first(r.indicator_vi)} (chênh {fmt.signed(r.gap, 1)})" for r in sig.itertuples())
    return markdown(f"Ngay ở kỳ gốc, đơn vị điểm đã khác các đơn vị cùng khối về: {names} (p < 0,05). "
                    "Khi đọc kết quả so sánh thay đổi cần nhớ các đơn vị điểm xuất phát từ mức khác.")


# ---------------------------------------------------------------- 4. inspections


def inspection_criteria(data: ReviewData) -> pd.DataFrame:
    """Mean score (0–10) per criterion c01–c10 for pilots and the rest over all rounds,
    with seeded bootstrap 95% intervals and the number of inspections scored."""
    from vhcs_analysis import indicators

    ins = data.inspections.merge(data.units[["unit_id", "is_pilot"]], on="unit_id", how="left")
    ins["group"] = _group_of(ins["is_pilot"]).to_numpy()
    rng = np.random.default_rng(SEED)
    n_boot = int(get_settings()["compare"]["bootstrap_draws"])
    rows = []
    for criterion in tables.CRITERIA:
        for group in GROUPS:
            values = ins.loc[ins["group"] == group, criterion].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            ok = values[~np.isnan(values)]
            lo, hi = indicators.bootstrap_mean_ci(ok, rng=rng, n_boot=n_boot)
            rows.append({"criterion": criterion, "criterion_vi": CRITERIA_VI[criterion], "group": group,
                         "mean_score": ok.mean() if len(ok) else np.nan, "ci_low": lo, "ci_high": hi,
                         "n_inspections": len(ok)})
    return pd.DataFrame(rows)


def inspection_ratings(data: ReviewData) -> pd.DataFrame:
    """Number of units per rating (as written on Form 02) in each round."""
    ins = data.inspections[data.inspections["rating"].notna()]
    out = ins.groupby(["round_id", "rating"], sort=True).size().rename("n_units").reset_index()
    order = {r: i for i, r in enumerate(plots.RATING_ORDER)}
    out["_r"] = out["rating"].map(lambda r: order.get(r, len(order)))
    out = out.sort_values(["round_id", "_r", "rating"], kind="mergesort").drop(columns="_r")
    return out.astype({"n_units": "int64"}).reset_index(drop=True)


def inspection_numbers(data: ReviewData, criteria: pd.DataFrame) -> dict:
    """The inspections section of key_numbers.json."""
    ins = data.inspections
    overall = {}
    for criterion in tables.CRITERIA:
        values = ins[criterion].astype("Float64").dropna()
        if len(values):
            overall[criterion] = float(values.mean())
    weakest = min(overall, key=lambda c: (overall[c], c)) if overall else None
    return {
        "n_rounds": int(ins["round_id"].nunique()),
        "n_inspections": len(ins),
        "n_units_inspected": int(ins["unit_id"].nunique()),
        "mean_total_score": float(ins["total_score"].astype("Float64").mean()) if ins["total_score"].notna().any()
        else None,
        "weakest_criterion": weakest,
        "weakest_criterion_vi": CRITERIA_VI.get(weakest) if weakest else None,
        "weakest_mean": overall.get(weakest) if weakest else None,
    }


def inspection_text(data: ReviewData) -> Any:
    """Generated prose on the inspections: how many, the weakest and strongest criteria."""
    ins = data.inspections
    if ins.empty:
        return markdown("Không có kết quả kiểm tra, giám sát (Biểu 02) nào trong dữ liệu đã làm sạch.")
    means = {c: ins[c].astype("Float64").mean() for c in tables.CRITERIA if ins[c].notna().any()}
    ranked = sorted(means, key=lambda c: (means[c], c))
    text = (f"Có **{fmt.number(len(ins))} lượt kiểm tra, giám sát** tại {fmt.number(ins['unit_id'].nunique())} "
            f"đơn vị trong {fmt.number(ins['round_id'].nunique())} đợt; tổng điểm bình quân "
            f"{fmt.number(ins['total_score'].astype('Float64').mean(), 1)}/100.")
    if len(ranked) >= 2:
        low, high = ranked[0], ranked[-1]
        text += (f" Tiêu chí điểm thấp nhất: **{low} – {_lower_first(CRITERIA_VI[low])}** "
                 f"({fmt.number(means[low], 2)}/10); cao nhất: {high} – {_lower_first(CRITERIA_VI[high])} "
                 f"({fmt.number(means[high], 2)}/10).")
    return markdown(text)


# ---------------------------------------------------------------- 5. ranking and good practices


def ranking_year(data: ReviewData) -> int | None:
    """The year whose ranking the proposal rewrites: the latest year in the rankings."""
    years = data.rankings["year"].dropna()
    return int(years.max()) if len(years) else None


def ranking_proposal(data: ReviewData) -> pd.DataFrame:
    """The latest year's ranking with the office-culture criterion applied (``ranking``):
    current and proposed level and category, office-culture score and level, the reason."""
    from vhcs_analysis import ranking

    cols = ["unit_id", "unit_name", "block", "is_pilot", "year", "level_current", "category_current",
            "culture_score", "culture_level", "level_proposed", "category_proposed", "change", "reason_vi"]
    year = ranking_year(data)
    if year is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    oc = ranking.office_culture_result(data.inspections, data.unit_reports, year, units=data.units)
    prop = ranking.propose_ranking(data.rankings, oc, year)
    out = prop.merge(data.units[["unit_id", "unit_name", "block", "is_pilot"]], on="unit_id", how="left")
    out = out.rename(columns={"current_level": "level_current", "current_category": "category_current",
                              "oc_score": "culture_score", "oc_level": "culture_level",
                              "proposed_level": "level_proposed", "proposed_category": "category_proposed"})
    out["change"] = (out["level_proposed"] - out["level_current"]).astype("Int64")
    return out[cols].sort_values("unit_id", kind="mergesort").reset_index(drop=True)


def ranking_transition(proposal: pd.DataFrame) -> pd.DataFrame:
    """Counts of units per (current level, proposed level)."""
    if proposal.empty:
        return pd.DataFrame({"level_current": pd.Series(dtype="int64"), "level_proposed": pd.Series(dtype="int64"),
                             "n_units": pd.Series(dtype="int64")})
    out = proposal.groupby(["level_current", "level_proposed"], sort=True).size().rename("n_units").reset_index()
    return out.astype("int64")


def level_names(data: ReviewData) -> dict[int, str]:
    """Vietnamese names of levels 1–4 in the scheme of the ranking year."""
    from vhcs_analysis import ranking

    year = ranking_year(data)
    scheme = ranking.scheme_for_year(year) if year is not None else "qd132"
    names = {}
    for level in (1, 2, 3, 4):
        try:
            names[level] = ranking.category_name(scheme, level)
        except KeyError:
            names[level] = str(level)
    return names


def good_practices(data: ReviewData) -> pd.DataFrame:
    """Units whose improvement (baseline → post) stands out beyond noise, per indicator of
    the family: candidates whose practices may be worth spreading (nhân rộng)."""
    from vhcs_analysis import ranking

    cand = ranking.good_practice_candidates(panel(data), list(plot_setting("did_family")), data.baseline,
                                            data.post)
    out = cand.rename(columns={"outcome": "indicator"}).merge(data.units[["unit_id", "unit_name"]], on="unit_id",
                                                              how="left")
    out = _with_meta(out[["indicator", "unit_id", "unit_name", "block", "is_pilot", "baseline_value", "post_value",
                          "change", "excess", "reason_vi"]], cols=("indicator_vi",))
    cols = ["unit_id", "unit_name", "block", "is_pilot", "indicator", "indicator_vi", "baseline_value", "post_value",
            "change", "excess", "reason_vi"]
    return out[cols].sort_values(["unit_id", "indicator"], kind="mergesort").reset_index(drop=True)


def ranking_numbers(data: ReviewData, proposal: pd.DataFrame, candidates: pd.DataFrame) -> dict:
    """The ranking section of key_numbers.json."""
    change = proposal["change"].astype("Int64") if len(proposal) else pd.Series(dtype="Int64")
    return {
        "year": ranking_year(data),
        "n_units": len(proposal),
        "n_down": int((change > 0).sum()),  # a higher level number is a worse category
        "n_up": int((change < 0).sum()),
        "n_same": int((change == 0).sum()),
        "n_good_practice_candidates": int(candidates["unit_id"].nunique()) if len(candidates) else 0,
    }


def ranking_text(data: ReviewData, proposal: pd.DataFrame) -> Any:
    """Generated prose on what the office-culture criterion would change."""
    year = ranking_year(data)
    if year is None or proposal.empty:
        return markdown("Không có số liệu xếp loại tổ chức cơ sở đảng nên chưa thể minh họa đề xuất.")
    n = ranking_numbers(data, proposal, pd.DataFrame())
    assessed = int((proposal["culture_level"] != "Chưa đánh giá").sum())
    return markdown(
        f"Áp dụng thử tiêu chí văn hóa công sở vào kết quả xếp loại năm {year} của "
        f"{fmt.number(n['n_units'])} tổ chức ({fmt.number(assessed)} tổ chức có đủ số liệu để đánh giá văn hóa "
        f"công sở): **{fmt.number(n['n_down'])} tổ chức bị hạ mức**, {fmt.number(n['n_same'])} tổ chức giữ nguyên. "
        "Theo quy tắc trong cấu hình, tiêu chí chỉ có thể hạ mức, không nâng mức; đây là minh họa để Ban "
        "Thường vụ cân nhắc, không phải kết quả xếp loại chính thức."
    )


def good_practices_text(candidates: pd.DataFrame) -> Any:
    """Generated prose on the good-practice candidates."""
    if candidates.empty:
        return markdown("Không đơn vị nào có mức cải thiện vượt rõ mức dao động thông thường; chưa có đề xuất "
                        "nhân rộng dựa trên số liệu.")
    n_units = candidates["unit_id"].nunique()
    n_pilot = candidates.drop_duplicates("unit_id")["is_pilot"].fillna(False).astype(bool).sum()
    return markdown(
        f"**{fmt.number(n_units)} đơn vị** có ít nhất một chỉ tiêu cải thiện vượt rõ mức chung "
        f"(trong đó {fmt.number(int(n_pilot))} đơn vị điểm). Đây là gợi ý để tìm hiểu cách làm, cần kiểm chứng "
        "thực tế trước khi nhân rộng: số liệu tự báo cáo có thể sai lệch."
    )
