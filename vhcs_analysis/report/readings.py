"""Plain-language readings of the statistics, formatted for the report.

Numbers are formatted with ``vhcs_analysis.fmt``; verdicts follow the 95% interval only
("Chưa đủ bằng chứng" when it contains 0) and never claim causation. Indicator units and
directions come from ``indicators.INDICATORS``.
"""

from __future__ import annotations

import math

import pandas as pd

from vhcs_analysis import fmt

GOALS_VI = {
    1: "Mục tiêu 1 – Ứng xử chuẩn mực với nhân dân và đồng nghiệp",
    2: "Mục tiêu 2 – Làm việc trách nhiệm, tận tụy, công tâm",
    3: "Mục tiêu 3 – Yêu nghề, tự hào; cải cách hành chính chuyển biến; niềm tin của nhân dân",
}
# Unit of a change and direction, for codes indicators.INDICATORS does not know.
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
            "better": "cao hơn" if better else "thấp hơn",
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
