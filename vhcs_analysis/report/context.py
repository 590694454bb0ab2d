"""The report's content as data: notebook outputs + manifest → pre-formatted text.

Everything the Typst template prints is formatted here, with ``vhcs_analysis.fmt``, so
the PDF shows exactly the numbers the library computed, in Vietnamese style (1.234,5 ·
85,7% · 15/06/2017). The template only lays the strings out. Inputs are the files listed
in docs/report-inputs.md (written by the notebooks) and ``<processed>/manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from vhcs_analysis import __version__, fmt
from vhcs_analysis.config import SAMPLE_MARK, Paths, get_settings
from vhcs_analysis.errors import VhcsError

FIGURES = (
    "completeness", "rejects_by_reason", "rollout_bars", "study_rate_trend", "on_time_rate_trend",
    "trends", "did_forest", "event_study", "per_block", "inspection_criteria", "inspection_ratings",
    "ranking_transition",
)
TABLES = (
    "dq_files", "dq_skipped_files", "dq_rejects_by_reason", "completeness", "completeness_units",
    "rollout", "on_time_rate", "indicators_by_goal", "trends", "did", "event_study", "per_block",
    "level_gap", "inspection_criteria", "inspection_ratings", "ranking_proposal",
    "ranking_transition", "good_practices",
)

GOALS_VI = {
    1: "Mục tiêu 1 – Ứng xử chuẩn mực với nhân dân và đồng nghiệp",
    2: "Mục tiêu 2 – Làm việc trách nhiệm, tận tụy, công tâm",
    3: "Mục tiêu 3 – Yêu nghề, tự hào; cải cách hành chính chuyển biến; niềm tin của nhân dân",
}
TASK_GROUPS_VI = {
    1: "Nhóm nhiệm vụ 1 – Lãnh đạo, nâng cao nhận thức",
    2: "Nhóm nhiệm vụ 2 – Xây dựng đội ngũ cán bộ có đạo đức, năng lực, trách nhiệm",
    3: "Nhóm nhiệm vụ 3 – Môi trường văn hóa lành mạnh; đẩy mạnh cải cách hành chính",
    4: "Nhóm nhiệm vụ 4 – Phối hợp, kiểm tra, giám sát, sơ kết, đánh giá",
}
GROUPS_VI = {"pilot": "Đơn vị điểm", "rest": "Đơn vị còn lại", "all": "Toàn khối"}
STATUS_VI = {"late": "Nộp muộn", "missing": "Không báo cáo", "undated": "Không ghi ngày", "used": "Đã dùng",
             "skipped": "Bỏ qua", "unreadable": "Không đọc được"}
# How a change of each indicator reads (unit of the DiD estimate) and which way is better.
# The indicators module may refine these; this is the fallback for codes it does not know.
INDICATOR_UNITS = {
    "study_rate": ("điểm %", True),
    "action_programme": ("điểm %", True),
    "office_layout": ("điểm %", True),
    "on_time_rate": ("điểm %", True),
    "satisfaction_rate": ("điểm %", True),
    "good_rating_rate": ("điểm %", True),
    "complaints_per_100": ("lượt/100 CBCCVC", False),
    "violations_per_100": ("người/100 CBCCVC", False),
    "inspection_score": ("điểm", True),
    "oc_index": ("điểm", True),
}


# ----------------------------------------------------------------------------- reading


def read_key_numbers(tables_dir: Path) -> dict:
    path = tables_dir / "key_numbers.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise VhcsError(
            f"thiếu tệp {path.name} (các notebook chưa chạy hoặc chạy lỗi)", None
        ) from None
    except (OSError, ValueError) as exc:
        raise VhcsError(f"không đọc được {path.name}: {exc}") from None


def read_manifest(processed: Path) -> dict:
    path = processed / "manifest.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise VhcsError(f"thiếu {path} (chưa làm sạch dữ liệu thô)") from None
    except (OSError, ValueError) as exc:
        raise VhcsError(f"không đọc được {path.name}: {exc}") from None


def read_tables(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the contract; a file that is absent reads as an empty frame."""
    out = {}
    for name in TABLES:
        path = tables_dir / f"{name}.csv"
        try:
            out[name] = pd.read_csv(path, encoding="utf-8", keep_default_na=True) if path.is_file() else pd.DataFrame()
        except pd.errors.EmptyDataError:
            out[name] = pd.DataFrame()
        except (OSError, ValueError) as exc:
            raise VhcsError(f"không đọc được bảng {path.name}: {exc}") from None
    return out


# ----------------------------------------------------------------------------- helpers


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _int(value) -> str:
    return fmt.number(_num(value), 0)


def period_vi(period: str, short: bool = False) -> str:
    """'2017-H1' → '6 tháng đầu năm 2017' ('6T đầu 2017' when short)."""
    text = str(period)
    if len(text) == 7 and text[4:6] == "-H" and text[6] in "12":
        half = "đầu" if text[6] == "1" else "cuối"
        return f"6T {half} {text[:4]}" if short else f"6 tháng {half} năm {text[:4]}"
    return text


def indicator_meta(code: str) -> tuple[str, bool]:
    """(unit of a change, higher_is_better) of an indicator code, from indicators.INDICATORS."""
    try:
        from vhcs_analysis.indicators import indicator

        spec = indicator(code)
        return str(spec.diff_unit_vi), bool(spec.higher_is_better)
    except (ImportError, KeyError):
        return INDICATOR_UNITS.get(code, ("điểm", True))


def short_unit(unit: str) -> str:
    """'điểm phần trăm' → 'điểm %' for table cells."""
    return unit.replace("điểm phần trăm", "điểm %").replace("/100 người", "/100 CB")


def is_percent(code: str) -> bool:
    try:
        from vhcs_analysis.indicators import indicator

        return indicator(code).unit in ("%", "0/100")
    except (ImportError, KeyError):
        return INDICATOR_UNITS.get(code, ("điểm", True))[0].startswith("điểm %")


def _rows(df: pd.DataFrame) -> list[dict]:
    return [] if df is None or df.empty else df.to_dict("records")


def nbsp(text: str) -> str:
    """Keep '< 0,001' on one line in narrow table cells."""
    return text.replace(" ", "\u00a0")


def ci_text(low, high, decimals: int = 1) -> str:
    low, high = _num(low), _num(high)
    if low is None or high is None:
        return fmt.MISSING
    return f"{fmt.signed(low, decimals)} đến {fmt.signed(high, decimals)}"


def includes_zero(low, high) -> bool | None:
    low, high = _num(low), _num(high)
    if low is None or high is None:
        return None
    return low <= 0 <= high


def verdict(row: dict) -> str:
    """One phrase a leader can act on, from the interval (never causal)."""
    zero = includes_zero(row.get("ci_low"), row.get("ci_high"))
    if zero is None:
        return "Không đủ số liệu"
    if zero:
        return "Chưa đủ bằng chứng"
    _, better = indicator_meta(str(row.get("indicator")))
    ahead = (_num(row["estimate"]) > 0) == better
    return "Điểm tốt hơn rõ" if ahead else "Điểm kém hơn rõ"


def describe_did(row: dict, baseline: str, post: str) -> str:
    """The library's plain-language reading of one DiD row (compare.describe_result_vi)."""
    from vhcs_analysis.compare import EffectResult, describe_result_vi

    unit, better = indicator_meta(str(row["indicator"]))
    est = _num(row.get("estimate"))
    result = EffectResult(
        outcome=str(row["indicator"]), baseline=period_vi(baseline), post=period_vi(post),
        estimate=math.nan if est is None else est,
        ci_low=_num(row.get("ci_low")) if _num(row.get("ci_low")) is not None else math.nan,
        ci_high=_num(row.get("ci_high")) if _num(row.get("ci_high")) is not None else math.nan,
        p_value=_num(row.get("p_value")) if _num(row.get("p_value")) is not None else math.nan,
        n_pilot=int(_num(row.get("n_pilot")) or 0), n_rest=int(_num(row.get("n_rest")) or 0),
        method=str(row.get("method", "")),
    )
    return describe_result_vi(result, str(row.get("indicator_vi", row["indicator"])), unit=unit,
                              higher_is_better=better)


def did_rows(did: pd.DataFrame, baseline: str, post: str) -> list[dict]:
    out = []
    for row in _rows(did):
        unit, better = indicator_meta(str(row["indicator"]))
        out.append({
            "indicator": str(row["indicator"]),
            "label": str(row.get("indicator_vi", row["indicator"])),
            "unit": short_unit(unit),
            "better": "cao hơn là tốt" if better else "thấp hơn là tốt",
            "estimate": fmt.signed(_num(row.get("estimate")), 1),
            "ci": ci_text(row.get("ci_low"), row.get("ci_high")),
            "p": nbsp(fmt.p_value(_num(row.get("p_value")))),
            "p_holm": nbsp(fmt.p_value(_num(row.get("p_holm")))),
            "n": f"{_int(row.get('n_pilot'))}/{_int(row.get('n_rest'))}",
            "verdict": verdict(row),
            "zero": bool(includes_zero(row.get("ci_low"), row.get("ci_high")) in (True, None)),
            "text": describe_did(row, baseline, post).split(" Lưu ý: ")[0],
        })
    return out


def _goal_no(value) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def goal_rows(table: pd.DataFrame) -> list[dict]:
    """indicators_by_goal.csv formatted, with the goal/task group names."""
    out = []
    for row in _rows(table):
        unit, better = indicator_meta(str(row["indicator"]))
        pct = is_percent(str(row["indicator"]))
        value = (lambda v: fmt.percent(_num(v), 1)) if pct else (lambda v: fmt.number(_num(v), 1))
        zero = includes_zero(row.get("ci_low"), row.get("ci_high"))
        change = _num(row.get("change"))
        if zero is None or change is None:
            reading = "không đủ số liệu"
        elif zero:
            reading = "chưa thấy thay đổi rõ"
        else:
            reading = "tiến bộ" if (change > 0) == better else "đi xuống"
        goal, task = _goal_no(row.get("goal")), _goal_no(row.get("task_group"))
        out.append({
            "indicator": str(row["indicator"]), "label": str(row.get("indicator_vi", "")),
            "goal": goal or 0, "task_group": task or 0,
            "goal_vi": GOALS_VI.get(goal, "Chỉ tiêu chung") if goal else "Chỉ tiêu chung",
            "baseline": value(row.get("baseline_mean")), "post": value(row.get("post_mean")),
            "change": fmt.signed(change, 1), "ci": ci_text(row.get("ci_low"), row.get("ci_high")),
            "n": _int(row.get("n_units")), "reading": reading, "unit": short_unit(unit),
        })
    return out


def public_indices() -> list[dict]:
    """The province's public indices (external facts with their source, from config)."""
    items = get_settings().get("report", {}).get("public_indices", [])
    return [{"name": str(i["name"]), "values": str(i["values"]), "source": str(i["source"])} for i in items]


def report_date(processed: Path, post: str) -> dt.date:
    """Cover date: [review] report_date, else the latest Form 01 report date in the data,
    else the last day of the ``post`` period. Never today (the PDF must be reproducible)."""
    configured = str(get_settings().get("review", {}).get("report_date", "") or "").strip()
    if configured:
        try:
            return dt.date.fromisoformat(configured)
        except ValueError:
            raise VhcsError(f"[review] report_date không hợp lệ: {configured!r} (cần dạng 2019-01-15)") from None
    path = processed / "unit_reports.parquet"
    if path.is_file():
        try:
            dates = pd.read_parquet(path, columns=["report_date"])["report_date"].dropna()
        except (OSError, ValueError, KeyError):
            dates = pd.Series([], dtype="datetime64[ms]")
        if len(dates):
            return pd.Timestamp(dates.max()).date()
    year, half = int(str(post)[:4]), str(post)[-1]
    return dt.date(year, 6, 30) if half == "1" else dt.date(year, 12, 31)


# ----------------------------------------------------------------------------- sections


def _share(part, whole) -> str:
    part, whole = _num(part), _num(whole)
    return fmt.percent(100.0 * part / whole, 1) if part is not None and whole else fmt.MISSING


def data_quality(kn: dict, manifest: dict, tables: dict[str, pd.DataFrame]) -> dict:
    dq = kn.get("data_quality") or {}
    totals = manifest.get("totals") or {}
    rows_read = totals.get("rows_read", dq.get("rows_read"))
    rows_rejected = totals.get("rows_rejected", dq.get("rows_rejected"))
    rows_kept = totals.get("rows_kept", dq.get("rows_kept"))
    files = manifest.get("files") or []
    n_skipped = sum(1 for f in files if f.get("status") != "used")
    headline = (
        f"Đã đọc {_int(len(files))} tệp ({_int(n_skipped)} tệp không dùng được), "
        f"{_int(rows_read)} dòng số liệu: giữ {_int(rows_kept)}, loại {_int(rows_rejected)} "
        f"({_share(rows_rejected, rows_read)}) vì sai hoặc trùng."
    )
    reports = (
        f"Báo cáo định kỳ (Biểu 01): {_int(dq.get('reports_expected'))} báo cáo phải nộp, "
        f"{_int(dq.get('reports_on_time'))} đúng hạn, {_int(dq.get('reports_late'))} nộp muộn, "
        + (f"{_int(dq.get('reports_undated'))} không ghi ngày, " if _num(dq.get("reports_undated")) else "")
        + f"{_int(dq.get('reports_missing'))} không nộp ({_share(dq.get('reports_missing'), dq.get('reports_expected'))})."
    )
    by_reason = [
        {"reason": str(r.get("reason_vi") or r.get("reason_code")), "code": str(r.get("reason_code")),
         "rows": _int(r.get("n_rows")), "files": _int(r.get("n_files"))}
        for r in _rows(tables["dq_rejects_by_reason"])
    ]
    by_kind = [
        {"kind": kind_vi(str(r.get("kind"))), "status": STATUS_VI.get(str(r.get("status")), str(r.get("status"))),
         "files": _int(r.get("n_files")), "read": _int(r.get("rows_read")), "kept": _int(r.get("rows_kept")),
         "rejected": _int(r.get("rows_rejected"))}
        for r in _rows(tables["dq_files"])
    ]
    skipped = [{"file": str(r.get("source_file")), "reason": str(r.get("reason"))}
               for r in _rows(tables["dq_skipped_files"])]
    completeness = [
        {"period": period_vi(str(r["period"]), short=True), "expected": _int(r.get("n_expected")),
         "on_time": _int(r.get("n_on_time")), "late": _int(r.get("n_late")),
         "undated": _int(r.get("n_undated", 0)), "missing": _int(r.get("n_missing"))}
        for r in _rows(tables["completeness"])
    ]
    late_units = late_units_by_unit(tables["completeness_units"])
    return {
        "headline": headline, "reports": reports, "rows_read": _int(rows_read), "rows_kept": _int(rows_kept),
        "rows_rejected": _int(rows_rejected), "by_reason": by_reason, "by_kind": by_kind, "skipped": skipped,
        "completeness": completeness, "late_units": late_units,
    }


def kind_vi(kind: str) -> str:
    try:
        from vhcs_analysis.review import KIND_VI
    except ImportError:  # pragma: no cover
        KIND_VI = {}
    return str(KIND_VI.get(kind, kind))


def late_units_by_unit(table: pd.DataFrame) -> list[dict]:
    """One row per unit that reported late, undated or not at all, with the periods."""
    by_unit: dict[str, dict] = {}
    for r in _rows(table):
        key = str(r.get("unit_id"))
        entry = by_unit.setdefault(key, {"unit": str(r.get("unit_name")), "block": str(r.get("block")),
                                         "late": [], "undated": [], "missing": []})
        status = str(r.get("status"))
        if status in ("late", "undated", "missing"):
            entry[status].append(period_vi(str(r.get("period")), short=True))
    return [{**e, **{k: ", ".join(e[k]) for k in ("late", "undated", "missing")}}
            for _, e in sorted(by_unit.items())]


KIND_SHORT = {"units": "Danh mục", "form01_unit": "Biểu 01", "form01_consolidated": "Biểu 01 tổng hợp",
              "form02": "Biểu 02", "rankings": "Xếp loại", "sample_marker": "Đánh dấu mẫu",
              "unknown": "Không nhận ra"}


def provenance(manifest: dict) -> dict:
    files = []
    for f in sorted(manifest.get("files") or [], key=lambda f: str(f.get("path"))):
        sha = str(f.get("sha256") or "")
        files.append({
            "path": str(f.get("path")),
            "kind": KIND_SHORT.get(str(f.get("kind")), str(f.get("kind") or ""))
            + ("" if f.get("status") == "used" else " (không dùng)"),
            "status": STATUS_VI.get(str(f.get("status")), str(f.get("status") or "")),
            "sha": sha[:12], "read": _int(f.get("rows_read")), "kept": _int(f.get("rows_kept")),
            "rejected": _int(f.get("rows_rejected")),
        })
    totals = manifest.get("totals") or {}
    return {
        "files": files,
        "package_version": str(manifest.get("package_version") or __version__),
        "report_version": __version__,
        "totals": {k: _int(totals.get(k)) for k in ("rows_read", "rows_kept", "rows_rejected")},
    }


def rollout(kn: dict, tables: dict[str, pd.DataFrame], post: str) -> dict:
    ro = kn.get("rollout") or {}
    table = tables["rollout"]
    at_post = []
    if not table.empty:
        current = table[table["period"].astype(str) == str(post)]
        for measure, part in current.groupby("measure", sort=False):
            values = {str(r["group"]): fmt.percent(_num(r["value"]), 1) for r in _rows(part)}
            at_post.append({"measure": str(part["measure_vi"].iloc[0]),
                            **{g: values.get(g, fmt.MISSING) for g in ("pilot", "rest", "all")}})
    on_time = []
    for r in _rows(tables["on_time_rate"]):
        if str(r.get("group")) != "all":
            continue
        on_time.append({"period": period_vi(str(r["period"]), short=True),
                        "on_time": _int(r.get("dossiers_on_time")), "late": _int(r.get("dossiers_late")),
                        "rate": fmt.percent(_num(r.get("on_time_rate")), 1), "units": _int(r.get("n_units"))})
    return {
        "study_rate": fmt.percent(_num(ro.get("study_rate")), 1),
        "action_programme_share": fmt.percent(_num(ro.get("action_programme_share")), 1),
        "office_layout_share": fmt.percent(_num(ro.get("office_layout_share")), 1),
        "on_time_baseline": fmt.percent(_num(ro.get("on_time_rate_baseline")), 1),
        "on_time_post": fmt.percent(_num(ro.get("on_time_rate_post")), 1),
        "at_post": at_post, "on_time": on_time,
    }


def inspections(kn: dict, tables: dict[str, pd.DataFrame]) -> dict:
    ins = kn.get("inspections") or {}
    crit = tables["inspection_criteria"]
    rows = []
    if not crit.empty:
        for criterion, part in crit.groupby("criterion", sort=True):
            by = {str(r["group"]): r for r in _rows(part)}
            rows.append({
                "criterion": str(criterion), "label": str(part["criterion_vi"].iloc[0]),
                **{g: fmt.number(_num(by[g]["mean_score"]), 2) if g in by else fmt.MISSING for g in ("pilot", "rest")},
                "n": _int(sum(_num(r.get("n_inspections")) or 0 for r in by.values())),
            })
    ratings = {}
    order = ["Tốt", "Khá", "Trung bình", "Yếu"]
    for r in _rows(tables["inspection_ratings"]):
        ratings.setdefault(str(r["round_id"]), {})[str(r["rating"])] = _int(r.get("n_units"))
    rating_rows = [{"round": rid, "cells": [vals.get(k, "0") for k in order]} for rid, vals in sorted(ratings.items())]
    return {
        "n_rounds": _int(ins.get("n_rounds")), "n_inspections": _int(ins.get("n_inspections")),
        "mean_total": fmt.number(_num(ins.get("mean_total_score")), 1),
        "weakest": str(ins.get("weakest_criterion_vi") or ins.get("weakest_criterion") or fmt.MISSING),
        "weakest_mean": fmt.number(_num(ins.get("weakest_mean")), 2),
        "criteria": rows, "rating_order": order, "ratings": rating_rows,
    }


def ranking(kn: dict, tables: dict[str, pd.DataFrame]) -> dict:
    rk = kn.get("ranking") or {}
    names = {}
    try:
        from vhcs_analysis.ranking import category_name

        names = {lvl: category_name("qd132", lvl) for lvl in (1, 2, 3, 4)}
    except Exception:  # noqa: BLE001 - names are a nicety; levels still print
        names = {}
    transition = {}
    for r in _rows(tables["ranking_transition"]):
        a, b = _num(r.get("level_current")), _num(r.get("level_proposed"))
        if a is not None and b is not None:
            transition[(int(a), int(b))] = _int(r.get("n_units"))
    levels = sorted({k for pair in transition for k in pair}) or [1, 2, 3, 4]
    matrix = [{"level": f"{lvl}. {names.get(lvl, '')}".strip().rstrip("."),
               "cells": [transition.get((lvl, b), "0") for b in levels]} for lvl in levels]
    good = []
    for r in _rows(tables["good_practices"]):
        pct = is_percent(str(r.get("indicator")))
        show = (lambda v: fmt.percent(_num(v), 1)) if pct else (lambda v: fmt.number(_num(v), 1))
        good.append({
            "unit": str(r.get("unit_name")), "block": str(r.get("block")),
            "pilot": "điểm" if str(r.get("is_pilot")).lower() in ("true", "1") else "",
            "indicator": str(r.get("indicator_vi")),
            "value": f"{show(r.get('baseline_value'))} → {show(r.get('post_value'))}",
            "reason": str(r.get("reason_vi") or "") if pd.notna(r.get("reason_vi")) else "",
        })
    return {
        "year": str(rk.get("year") or fmt.MISSING), "n_units": _int(rk.get("n_units")),
        "n_up": _int(rk.get("n_up")), "n_down": _int(rk.get("n_down")), "n_same": _int(rk.get("n_same")),
        "n_good": _int(rk.get("n_good_practice_candidates")),
        "levels": [str(lvl) for lvl in levels], "matrix": matrix, "good_practices": good,
    }


def comparisons(tables: dict[str, pd.DataFrame], per_block_indicator: str) -> dict:
    gaps = [{"label": str(r.get("indicator_vi")), "pilot": fmt.number(_num(r.get("pilot_mean")), 1),
             "rest": fmt.number(_num(r.get("rest_mean")), 1), "gap": fmt.signed(_num(r.get("gap")), 1),
             "ci": ci_text(r.get("ci_low"), r.get("ci_high")), "p": nbsp(fmt.p_value(_num(r.get("p_value"))))}
            for r in _rows(tables["level_gap"])]
    blocks = [{"indicator": str(r.get("indicator")), "block": str(r.get("block")),
               "pilot": fmt.signed(_num(r.get("pilot_change")), 1), "rest": fmt.signed(_num(r.get("rest_change")), 1),
               "diff": fmt.signed(_num(r.get("difference")), 1), "n": _int(r.get("n_rest"))}
              for r in _rows(tables["per_block"]) if str(r.get("indicator")) == per_block_indicator]
    label = per_block_indicator
    try:
        from vhcs_analysis.indicators import indicator

        label = indicator(per_block_indicator).label_vi
    except (ImportError, KeyError):
        pass
    return {"level_gap": gaps, "per_block": blocks, "per_block_label": label}


def index_weights() -> list[dict]:
    """Weights of the composite office-culture index, as configured."""
    weights = (get_settings().get("indicators") or {}).get("index_weights") or {}
    total = sum(float(v) for v in weights.values()) or 1.0

    def label(code: str) -> str:
        try:
            from vhcs_analysis.indicators import indicator

            return indicator(code).label_vi
        except (ImportError, KeyError):
            return code

    return [{"indicator": label(str(k)), "weight": fmt.percent(100.0 * float(v) / total, 0)}
            for k, v in weights.items()]


def pilots_answer_text(dids: list[dict]) -> str:
    """The one-paragraph answer to "did the pilots move further?" (never causal)."""
    if not dids:
        return "Chưa có số liệu để so sánh đơn vị điểm với các đơn vị còn lại."
    ahead = [d for d in dids if d["verdict"] == "Điểm tốt hơn rõ"]
    behind = [d for d in dids if d["verdict"] == "Điểm kém hơn rõ"]
    unclear = len(dids) - len(ahead) - len(behind)
    item = lambda d: f"{d['label']} ({d['estimate']} {d['unit']})"  # noqa: E731
    if not ahead and not behind:
        return (f"Ở cả {len(dids)} chỉ tiêu, khoảng tin cậy 95% đều chứa 0: chưa đủ bằng chứng để nói đơn vị "
                "điểm chuyển biến khác các đơn vị còn lại.")
    parts = []
    if ahead:
        parts.append(f"Đơn vị điểm chuyển biến tốt hơn rõ ở {len(ahead)}/{len(dids)} chỉ tiêu: "
                     + "; ".join(map(item, ahead)) + ".")
    if behind:
        parts.append(f"Kém hơn rõ ở {len(behind)} chỉ tiêu: " + "; ".join(map(item, behind))
                     + " (xem khác biệt có sẵn từ kỳ gốc ở Mục IV: đơn vị đã ở mức cao thì còn ít chỗ để tăng).")
    if unclear:
        parts.append(f"{unclear} chỉ tiêu còn lại: chưa đủ bằng chứng về khác biệt.")
    return " ".join(parts)


def build_context(paths: Paths, *, for_date: dt.date | None = None) -> dict[str, Any]:
    """Everything the template prints, formatted; plus the figures that exist."""
    kn = read_key_numbers(paths.tables)
    manifest = read_manifest(paths.processed)
    tables = read_tables(paths.tables)
    settings = get_settings()
    review = settings.get("review", {})
    baseline = str(kn.get("baseline") or review.get("baseline"))
    post = str(kn.get("post") or review.get("post"))
    periods = [str(p) for p in (kn.get("periods") or review.get("periods") or [])]
    when = for_date or report_date(paths.processed, post)
    place = str(review.get("report_place") or "Hà Tĩnh")
    number = str(settings.get("report", {}).get("document_number") or "").strip()

    dids = did_rows(tables["did"], baseline, post)
    main_code = str(settings.get("report", {}).get("main_indicator", "oc_index"))
    main = next((d for d in dids if d["indicator"] == main_code), dids[0] if dids else None)
    pilots_answer = pilots_answer_text(dids)
    goals = goal_rows(tables["indicators_by_goal"])
    figures = {name: (paths.figures / f"{name}.svg").is_file() for name in FIGURES}
    is_sample = bool(manifest.get("is_sample", kn.get("is_sample", False)))
    return {
        "is_sample": is_sample,
        "sample_mark": SAMPLE_MARK,
        "cover": {
            "number": f"Số {number}-BC/ĐUK" if number else "Số       -BC/ĐUK",
            "place_date": fmt.long_date(when, place),
            "date": fmt.date(when),
        },
        "scope": {
            "n_units": _int(kn.get("n_units")), "n_pilot": _int(kn.get("n_pilot")), "n_rest": _int(kn.get("n_rest")),
            "n_blocks": _int(kn.get("n_blocks")), "baseline": period_vi(baseline), "post": period_vi(post),
            "periods": [period_vi(p, short=True) for p in periods], "n_periods": _int(len(periods)),
        },
        "main_indicator": main_code,
        "pilots": {"answer": pilots_answer, "main": main, "rows": dids},
        "goals": goals,
        "rollout": rollout(kn, tables, post),
        "inspections": inspections(kn, tables),
        "ranking": ranking(kn, tables),
        "comparisons": comparisons(
            tables, str((settings.get("plots") or {}).get("per_block_indicator", main_code))
        ),
        "data_quality": data_quality(kn, manifest, tables),
        "provenance": provenance(manifest),
        "public_indices": public_indices(),
        "weights": index_weights(),
        "figures": figures,
    }
