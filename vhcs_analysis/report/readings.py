"""Plain-language readings of the statistics, formatted for the report.

Numbers are formatted with ``vhcs_analysis.fmt``; pilot verdicts come from
``verdicts.assess`` (through tables/pilot_effects.csv) and never claim causation. Indicator units and
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
    "personal_plan_rate": ("điểm %", True),
    "department_plan_rate": ("điểm %", True),
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


def _end(value, decimals: int = 1) -> str:
    """An interval end; ±∞ where the data cannot bound it."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return fmt.MISSING
    if math.isnan(value):
        return fmt.MISSING
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    return fmt.signed(value, decimals)


def interval_text(low, high, decimals: int = 1) -> str:
    if _num(low) is None and _num(high) is None and not _isinf(low) and not _isinf(high):
        return fmt.MISSING
    return f"{_end(low, decimals)} đến {_end(high, decimals)}"


def _isinf(value) -> bool:
    try:
        return math.isinf(float(value))
    except (TypeError, ValueError):
        return False


def effect_rows(effects: pd.DataFrame) -> list[dict]:
    """Rows of tables/pilot_effects.csv formatted for the report (verdicts.assess)."""
    from vhcs_analysis.verdicts import VERDICT_VI

    out = []
    for row in _rows(effects):
        code = str(row["indicator"])
        unit, _ = indicator_meta(code)
        has = _num(row.get("did_estimate")) is not None
        cells = {}
        for method in ("did", "adj"):
            est = fmt.signed(_num(row.get(f"{method}_estimate")), 1) if has else fmt.MISSING
            ci = interval_text(row.get(f"{method}_ci_low"), row.get(f"{method}_ci_high")) if has else fmt.MISSING
            # the estimate with its interval in one cell; a dash alone where nothing was estimated
            cells.update({method: est, f"{method}_ci": ci, f"{method}_full": f"{est} ({ci})" if has else fmt.MISSING})
        out.append({
            "indicator": code,
            "label": str(row.get("indicator_vi", code)),
            "unit": short_unit(unit),
            "better": "cao hơn" if str(row.get("direction")) == "higher_better" else "thấp hơn",
            **cells,
            "p_holm": nbsp(fmt.p_value(_num(row.get("p_holm")))),
            "mde": fmt.number(_num(row.get("mde")), 1),
            "n": f"{_int(row.get('n_pilot'))}/{_int(row.get('n_rest'))}",
            "verdict": VERDICT_VI.get(str(row.get("verdict")), str(row.get("verdict"))),
            "code": str(row.get("verdict")),
            "reason": str(row.get("reason_vi") or ""),
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
