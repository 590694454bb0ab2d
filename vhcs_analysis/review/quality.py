"""Section 1: input files, rejected rows, findings and reporting completeness."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt
from vhcs_analysis.labels import (
    REASON_LABELS_VI, FINDING_LABELS_VI, FILE_STATUSES, COMPLETENESS_STATUS,
)
from vhcs_analysis.review.base import ReviewData, period_vi, _lower_first, markdown


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
    """Input files by kind and status with row accounting (rows read = kept + rejected).

    Args:
        data: the loaded review data.

    Returns:
        One row per file kind × status: files, rows read, kept and rejected.
    """
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
    """Files that were not used, with the reason (paths relative to the raw folder).

    Args:
        data: the loaded review data.

    Returns:
        One row per file not used: its path (relative to the raw folder) and the reason.
    """
    files = _manifest_files(data)
    skipped = files[~files["used"]] if not files.empty else files
    out = pd.DataFrame({"source_file": skipped["path"].astype("str"),
                        "reason": skipped["reason"].fillna("").astype("str")})
    return out.sort_values("source_file", kind="mergesort").reset_index(drop=True)


def _count_by_code(frame: pd.DataFrame, code_col: str, label_col: str, labels: dict) -> pd.DataFrame:
    """Rows and files per code, with the Vietnamese label, most frequent first."""
    if frame.empty:
        return pd.DataFrame({code_col: pd.Series(dtype="str"), label_col: pd.Series(dtype="str"),
                             "n_rows": pd.Series(dtype="int64"), "n_files": pd.Series(dtype="int64")})
    out = (frame.groupby(code_col, sort=True)
           .agg(n_rows=(code_col, "size"), n_files=("source_file", "nunique")).reset_index())
    out.insert(1, label_col, out[code_col].map(lambda c: labels.get(c, c)).astype("str"))
    out[["n_rows", "n_files"]] = out[["n_rows", "n_files"]].astype("int64")
    return out.sort_values(["n_rows", code_col], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def dq_rejects_by_reason(data: ReviewData) -> pd.DataFrame:
    """Rejected rows per reason code, with the Vietnamese reason, most frequent first.

    Args:
        data: the loaded review data.

    Returns:
        One row per reason code: the code, its Vietnamese label, rows and files.
    """
    return _count_by_code(data.rejects, "reason_code", "reason_vi", REASON_LABELS_VI)


def dq_findings(data: ReviewData) -> pd.DataFrame:
    """Rows kept with a data-quality finding (e.g. a stated total that disagrees with the
    criteria), per finding code, most frequent first.

    Args:
        data: the loaded review data.

    Returns:
        One row per finding code: the code, its Vietnamese label, rows and files.
    """
    return _count_by_code(data.findings, "finding_code", "finding_vi", FINDING_LABELS_VI)


def data_quality_numbers(data: ReviewData, completeness_table: pd.DataFrame | None = None) -> dict:
    """The data-quality section of key_numbers.json.

    Args:
        data: the loaded review data.
        completeness_table: ``completeness`` when the caller has it (None: computed).

    Returns:
        Files in all, used and skipped; rows read, kept, rejected and with findings; with a
        ``completeness_table``, the reports expected, on time, late, undated and missing.
    """
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
    """Generated prose: files and rows read, kept, rejected.

    Args:
        data: the loaded review data.

    Returns:
        Markdown with the counts from the manifest and the most frequent reasons.
    """
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
    from vhcs_analysis.completeness import completeness as unit_completeness

    if "completeness" not in data._cache:
        table = unit_completeness(data.units, data.unit_reports, data.settings, periods=data.periods)
        table["status"] = table["status"].map(COMPLETENESS_STATUS).fillna("undated")
        data._cache["completeness"] = table
    return data._cache["completeness"]


def completeness(data: ReviewData) -> pd.DataFrame:
    """Form 01 reports per period: expected (units × period), on time, late, undated, missing.

    Args:
        data: the loaded review data.

    Returns:
        period, n_expected, n_on_time, n_late, n_undated, n_missing (int64), one row per
        period of ``[review] periods`` (deadline: ``[indicators] deadline_day``).
    """
    table = _completeness_units(data)
    rows = []
    for period in data.periods:
        status = table.loc[table["period"] == period, "status"]
        rows.append({"period": period, "n_expected": len(status),
                     **{f"n_{s}": int((status == s).sum()) for s in ("on_time", "late", "undated", "missing")}})
    out = pd.DataFrame(rows, columns=["period", "n_expected", "n_on_time", "n_late", "n_undated", "n_missing"])
    return out.astype({c: "int64" for c in out.columns if c != "period"})


def completeness_units(data: ReviewData) -> pd.DataFrame:
    """Units that reported late, without a date, or not at all, per period.

    Args:
        data: the loaded review data.

    Returns:
        unit_id, unit_name, block, is_pilot, period, status (late / undated / missing), one
        row per unit × period not on time, by period then unit.
    """
    table = _completeness_units(data)
    bad = table[table["status"] != "on_time"].merge(data.units[["unit_id", "unit_name"]], on="unit_id", how="left")
    order = {p: i for i, p in enumerate(data.periods)}
    bad = bad.assign(_order=bad["period"].map(order)).sort_values(["_order", "unit_id"], kind="mergesort")
    cols = ["unit_id", "unit_name", "block", "is_pilot", "period", "status"]
    return bad[cols].reset_index(drop=True)


def completeness_text(data: ReviewData) -> Any:
    """Generated prose on reporting completeness.

    Args:
        data: the loaded review data.

    Returns:
        Markdown with the share on time and the units that did not report.
    """
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
        text += (f" Kỳ thiếu nhiều nhất là {period_vi(worst['period'])} ({fmt.number(worst['n_missing'])} đơn vị không "
                 "có "
                 "báo cáo hợp lệ).")
    return markdown(text)


def field_completeness(data: ReviewData) -> pd.DataFrame:
    """How many kept Form 01 reports carry each field, per period: a field the form version
    of the period lacks (the 2017 form: satisfaction, good ratings, personal and department
    plans, commendations) shows 0 reports with a value, never a 0 in the data.

    Args:
        data: the loaded review data.

    Returns:
        field, field_vi, period, n_reports (kept reports of the period), n_with_value,
        share (n_with_value / n_reports × 100; NaN without reports); fields in the form's
        order (``tables.FORM01_FIELDS``), periods of ``[review] periods`` in time order.
    """
    from vhcs_analysis import tables

    reports = data.unit_reports
    rows = []
    for col in tables.FORM01_FIELDS:
        for period in data.periods:
            part = reports.loc[reports["period"] == period, col.name] if col.name in reports else pd.Series()
            n, n_value = len(part), int(part.notna().sum())
            rows.append({"field": col.name, "field_vi": col.message_vi, "period": period, "n_reports": n,
                         "n_with_value": n_value, "share": 100 * n_value / n if n else np.nan})
    return pd.DataFrame(rows, columns=["field", "field_vi", "period", "n_reports", "n_with_value", "share"])
