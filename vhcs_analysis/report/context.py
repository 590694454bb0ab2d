"""The report's content as data: notebook outputs + manifest → pre-formatted text.

Everything the Typst template prints is formatted here, with ``vhcs_analysis.fmt``, so
the PDF shows exactly the numbers the library computed, in Vietnamese style (1.234,5 ·
85,7% · 15/06/2017). The template only lays the strings out. Inputs are the files listed
in docs/report-inputs.md (written by the notebooks) and ``<processed>/manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from vhcs_analysis import __version__, fmt
from vhcs_analysis.config import SAMPLE_MARK, Paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import read_csv
from vhcs_analysis.labels import FILE_STATUS_CELL_VI, KIND_SHORT_VI, KIND_VI
from vhcs_analysis.report.readings import (
    _int,
    _num,
    _rows,
    ci_text,
    effect_rows,
    goal_rows,
    nbsp,
    period_vi,
)
from vhcs_analysis.settings import Settings, review_naming

FIGURES = (
    "completeness", "rejects_by_reason", "rollout_bars", "study_rate_trend", "on_time_rate_trend",
    "trends", "did_forest", "event_study", "per_block", "inspection_criteria", "inspection_ratings",
    "ranking_transition",
)
TABLES = (
    "dq_files", "dq_skipped_files", "dq_rejects_by_reason", "completeness", "completeness_units",
    "rollout", "on_time_rate", "indicators_by_goal", "trends", "pilot_effects", "event_study", "per_block",
    "level_gap", "adoption", "index_sensitivity", "inspection_criteria", "inspection_ratings", "ranking_proposal",
    "ranking_transition", "good_practices", "commended",
)

# ----------------------------------------------------------------------------- reading


def read_key_numbers(tables_dir: Path) -> dict:
    path = tables_dir / "key_numbers.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise VhcsError(f"thiếu tệp {path.name} (các notebook chưa chạy hoặc chạy lỗi)") from None
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
            out[name] = read_csv(path, encoding="utf-8", keep_default_na=True) if path.is_file() else pd.DataFrame()
        except pd.errors.EmptyDataError:
            out[name] = pd.DataFrame()
        except (OSError, ValueError) as exc:
            raise VhcsError(f"không đọc được bảng {path.name}: {exc}") from None
    return out


# ----------------------------------------------------------------------------- helpers


def public_indices(settings: Settings) -> list[dict]:
    """The province's public indices (external facts with their source, ``[report] public_indices``)."""
    return [{"name": str(i.name), "values": str(i.values), "source": str(i.source)}
            for i in settings.report.public_indices]


def report_date(processed: Path, post: str, configured: str = "") -> dt.date:
    """Cover date: ``configured`` ([review] report_date), else the latest Form 01 report date
    in the data, else the last day of the ``post`` period. Never today (the PDF must be
    reproducible)."""
    configured = str(configured or "").strip()
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
        {"kind": KIND_VI.get(str(r.get("kind")), str(r.get("kind"))), "status": FILE_STATUS_CELL_VI.get(str(r.get("status")), str(r.get("status"))),
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


def provenance(manifest: dict) -> dict:
    files = []
    for f in sorted(manifest.get("files") or [], key=lambda f: str(f.get("path"))):
        sha = str(f.get("sha256") or "")
        files.append({
            "path": str(f.get("path")),
            "kind": KIND_SHORT_VI.get(str(f.get("kind")), str(f.get("kind") or ""))
            + ("" if f.get("status") == "used" else " (không dùng)"),
            "status": FILE_STATUS_CELL_VI.get(str(f.get("status")), str(f.get("status") or "")),
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
    plans = leadership_plans(table, post)
    return {
        **plans,
        "study_rate": fmt.percent(_num(ro.get("study_rate")), 1),
        "action_programme_share": fmt.percent(_num(ro.get("action_programme_share")), 1),
        "office_layout_share": fmt.percent(_num(ro.get("office_layout_share")), 1),
        "on_time_baseline": fmt.percent(_num(ro.get("on_time_rate_baseline")), 1),
        "on_time_post": fmt.percent(_num(ro.get("on_time_rate_post")), 1),
        "at_post": at_post, "on_time": on_time,
    }


def leadership_plans(table: pd.DataFrame, post: str) -> dict:
    """The leadership and dissemination figures of task group 1 at ``post`` for the whole
    bloc, from tables/rollout.csv: ``personal_plan_rate`` (mean share of staff with a
    personal plan or commitment), ``department_plan_rate`` (mean share of departments with
    a plan), formatted ("85,7%"; "–" when no 2018-form report carries them), each with
    ``*_units`` (the number of units it rests on)."""
    out = {}
    for measure in ("personal_plan_rate", "department_plan_rate"):
        rows = table[(table["period"].astype(str) == str(post)) & (table["measure"] == measure)
                     & (table["group"] == "all")] if not table.empty else table
        row = rows.iloc[0] if len(rows) else {}
        out[measure] = fmt.percent(_num(row.get("value")), 1)
        out[f"{measure}_units"] = _int(row.get("n_units"))
    return out


def commended(table: pd.DataFrame) -> dict:
    """tables/commended.csv formatted for the proposals: ``rows`` (one per block, the bloc
    last: block, collectives, individuals, units, per_100) and ``total`` (the bloc's row;
    empty when the table is)."""
    rows = [{"block": str(r.get("block")), "collectives": fmt.number(_num(r.get("commended_collectives"))),
             "individuals": fmt.number(_num(r.get("commended_individuals"))), "units": _int(r.get("n_units")),
             "per_100": fmt.number(_num(r.get("commended_per_100")), 1)} for r in _rows(table)]
    return {"rows": rows, "total": rows[-1] if rows else {}}


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


def ranking(kn: dict, tables: dict[str, pd.DataFrame], settings: Settings) -> dict:
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
        good.append({
            "unit": str(r.get("unit_name")), "block": str(r.get("block")),
            "pilot": "điểm" if str(r.get("is_pilot")).lower() in ("true", "1") else "",
            "indicator": str(r.get("indicator_vi")),
            "reason": str(r.get("reason_vi") or "") if pd.notna(r.get("reason_vi")) else "",
            "q": fmt.number(_num(r.get("evidence")), 3),
        })
    status_vi = {"proposed": "đề xuất", "review": "cần xem xét", "unchanged": "giữ nguyên"}
    moves = []
    for r in _rows(tables["ranking_proposal"]):
        if str(r.get("status")) not in ("proposed", "review"):
            continue
        moves.append({
            "unit": str(r.get("unit_name")), "current": _int(r.get("level_current")),
            "proposed": _int(r.get("level_proposed")), "score": fmt.number(_num(r.get("culture_score")), 1),
            "margin": fmt.number(_num(r.get("margin")), 1), "status": status_vi[str(r.get("status"))],
            "reason": str(r.get("reason_vi") or ""),
        })
    rules = rk.get("rules") or {}
    noise = _num(rules.get("inspection_noise_sd"))
    rules_text = (
        "Điểm văn hóa công sở là điểm kiểm tra, giám sát bình quân trong năm (chỉ số từ báo cáo của đơn vị chỉ để "
        "tham khảo). "
        + (f"Một lượt kiểm tra lệch khỏi mức của đơn vị trong năm khoảng ±{fmt.number(noise, 1)} điểm; đơn vị có "
           f"điểm cách ngưỡng chưa quá {fmt.number(_num(rules.get('noise_band_z')), 2)} lần sai số của điểm năm "
           "được ghi \u201ccần xem xét\u201d, không tự động đổi mức. " if noise is not None else
           "Không ước được độ dao động của điểm kiểm tra, nên mọi thay đổi sát ngưỡng đều cần xem xét. ")
        + (f"Giới hạn {fmt.percent(100 * (_num(rules.get('excellent_share_cap')) or 0), 0)} tổ chức xếp mức cao nhất "
           f"tính trên {rules.get('excellent_cap_base_vi')} ({_int(rules.get('excellent_cap_base_count'))} tổ chức: "
           f"tối đa {_int(rules.get('excellent_cap_limit'))})." if rules.get("excellent_cap_applies") else "")
    )
    return {
        "year": str(rk.get("year") or fmt.MISSING), "n_units": _int(rk.get("n_units")),
        "n_up": _int(rk.get("n_up")), "n_down": _int(rk.get("n_down")), "n_same": _int(rk.get("n_same")),
        "n_review": _int(rk.get("n_review", 0)), "rules": rules_text, "moves": moves,
        "band_z": fmt.number(float(settings.ranking.noise_band_z), 2),
        "q_max": fmt.number(float(settings.good_practices.q_max), 2),
        "n_good": _int(rk.get("n_good_practice_candidates")),
        "levels": [str(lvl) for lvl in levels], "matrix": matrix, "good_practices": good,
    }


def adoption_rows(table: pd.DataFrame) -> list[dict]:
    """tables/adoption.csv formatted: share done per group at baseline and post."""
    pct = lambda v: fmt.percent(_num(v), 1)  # noqa: E731
    return [{"label": str(r.get("indicator_vi")),
             "pilot": f"{pct(r.get('pilot_baseline'))} → {pct(r.get('pilot_post'))}",
             "rest": f"{pct(r.get('rest_baseline'))} → {pct(r.get('rest_post'))}",
             "reached": str(r.get("rest_reached_90") or ""),
             "missing": _int(r.get("n_missing_post"))}
            for r in _rows(table)]


def sensitivity_rows(table: pd.DataFrame) -> list[dict]:
    """tables/index_sensitivity.csv formatted: the composite with one component left out."""
    from vhcs_analysis.report.readings import interval_text

    return [{"left_out": str(r.get("left_out_vi")),
             "did": f"{fmt.signed(_num(r.get('did_estimate')), 1)} ({interval_text(r.get('did_ci_low'), r.get('did_ci_high'))})",
             "adj": f"{fmt.signed(_num(r.get('adj_estimate')), 1)} ({interval_text(r.get('adj_ci_low'), r.get('adj_ci_high'))})"}
            for r in _rows(table)]


def comparisons(tables: dict[str, pd.DataFrame], main_indicator: str) -> dict:
    """tables/level_gap.csv and the rows of tables/per_block.csv of ``main_indicator`` (the
    headline indicator, ``[report] main_indicator``), formatted."""
    gaps = [{"label": str(r.get("indicator_vi")), "pilot": fmt.number(_num(r.get("pilot_mean")), 1),
             "rest": fmt.number(_num(r.get("rest_mean")), 1), "gap": fmt.signed(_num(r.get("gap")), 1),
             "ci": ci_text(r.get("ci_low"), r.get("ci_high")), "p": nbsp(fmt.p_value(_num(r.get("p_value"))))}
            for r in _rows(tables["level_gap"])]
    blocks = [{"indicator": str(r.get("indicator")), "block": str(r.get("block")),
               "pilot": fmt.signed(_num(r.get("pilot_change")), 1), "rest": fmt.signed(_num(r.get("rest_change")), 1),
               "diff": fmt.signed(_num(r.get("difference")), 1), "n": _int(r.get("n_rest"))}
              for r in _rows(tables["per_block"]) if str(r.get("indicator")) == main_indicator]
    label = main_indicator
    try:
        from vhcs_analysis.indicators import indicator

        label = indicator(main_indicator).label_vi
    except (ImportError, KeyError):
        pass
    return {"level_gap": gaps, "per_block": blocks, "per_block_label": label}


def index_weights(settings: Settings) -> list[dict]:
    """Weights of the composite office-culture index, as configured (``[indicators] index_weights``)."""
    weights = settings.indicators.index_weights
    total = sum(float(v) for v in weights.values()) or 1.0

    def label(code: str) -> str:
        try:
            from vhcs_analysis.indicators import indicator

            return indicator(code).label_vi
        except (ImportError, KeyError):
            return code

    return [{"indicator": label(str(k)), "weight": fmt.percent(100.0 * float(v) / total, 0)}
            for k, v in weights.items()]


def build_context(paths: Paths, settings: Settings, *, for_date: dt.date | None = None) -> dict[str, Any]:
    """Everything the template prints, formatted; plus the figures that exist.

    ``settings``: the settings the report is built with (the review window and naming,
    the cover, the headline indicator, the rules named in the text)."""
    kn = read_key_numbers(paths.tables)
    manifest = read_manifest(paths.processed)
    tables = read_tables(paths.tables)
    review = settings.review.model_dump()
    baseline = str(kn.get("baseline") or review.get("baseline"))
    post = str(kn.get("post") or review.get("post"))
    periods = [str(p) for p in (kn.get("periods") or review.get("periods") or [])]
    when = for_date or report_date(paths.processed, post, settings.review.report_date)
    place = str(review.get("report_place") or "Hà Tĩnh")
    number = str(settings.report.document_number or "").strip()

    from vhcs_analysis.verdicts import answer_vi, family

    effects = tables["pilot_effects"]
    dids = effect_rows(effects)
    main_code = str(settings.report.main_indicator)
    pilots_answer = answer_vi(effects, baseline, post) if not effects.empty else \
        "Chưa có số liệu để so sánh đơn vị điểm với các đơn vị còn lại."
    pilots_short = answer_vi(effects, baseline, post, short=True) if not effects.empty else pilots_answer
    goals = goal_rows(tables["indicators_by_goal"])
    figures = {name: (paths.figures / f"{name}.svg").is_file() for name in FIGURES}
    is_sample = bool(manifest.get("is_sample", kn.get("is_sample", False)))
    # the settings the data were cleaned with, as the manifest recorded them (their file
    # and sha256 are the report's provenance; every manifest since the record exists has one)
    recorded = manifest.get("settings") if isinstance(manifest.get("settings"), dict) else {}
    return {
        "is_sample": is_sample,
        "sample_mark": SAMPLE_MARK,
        "review": review_naming({**review, "baseline": baseline, "post": post}),
        # printed in the methods appendix only when a settings file was used (the default
        # report stays as it was)
        "settings": {"source": str(recorded.get("source") or ""), "sha256": str(recorded.get("sha256") or "")},
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
        "pilots": {"answer": pilots_answer, "answer_short": pilots_short, "rows": dids,
                   # the summary's table: the declared family (adoption items are named in the answer)
                   "outcomes": [d for d in dids if d["indicator"] in family(settings)],
                   "placebo": str((kn.get("pilot_checks") or {}).get("placebo") or ""),
                   "adoption": adoption_rows(tables["adoption"]),
                   "sensitivity": sensitivity_rows(tables["index_sensitivity"])},
        "goals": goals,
        "rollout": rollout(kn, tables, post),
        "inspections": inspections(kn, tables),
        "ranking": ranking(kn, tables, settings),
        "commended": commended(tables["commended"]),
        "comparisons": comparisons(tables, main_code),
        "data_quality": data_quality(kn, manifest, tables),
        "provenance": provenance(manifest),
        "public_indices": public_indices(settings),
        "weights": index_weights(settings),
        "figures": figures,
    }
