"""Plain-language readings of the statistics, formatted for the report.

Numbers are formatted with ``vhcs_analysis.fmt``; pilot verdicts come from
``verdicts.assess`` (through tables/pilot_effects.csv) and never claim causation. Indicator units,
directions, ranges and display formats come from the registry (``indicator_registry``).
"""

from __future__ import annotations

import math
import re

import pandas as pd

from vhcs_analysis import fmt, indicator_registry

GOALS_VI = {
    1: "Mục tiêu 1 – Ứng xử chuẩn mực với nhân dân và đồng nghiệp",
    2: "Mục tiêu 2 – Làm việc trách nhiệm, tận tụy, công tâm",
    3: "Mục tiêu 3 – Yêu nghề, tự hào; cải cách hành chính chuyển biến; niềm tin của nhân dân",
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


def per_unit(code: str) -> str:
    """The unit of a count averaged over units ("mô hình/đơn vị", "cuộc/đơn vị": the registry's
    ``scale = "count"`` indicators, whose levels are a mean per unit and period); '' for any
    other indicator (a share, a score or a rate per 100 staff says its unit already) and for
    an unknown code."""
    try:
        spec = indicator_registry.indicator(code)
    except indicator_registry.UnknownIndicatorError:
        return ""
    return f"{spec.diff_unit_vi}/đơn vị" if spec.scale == "count" else ""


def change_unit_and_direction(code: str) -> tuple[str, bool]:
    """(unit of a change, higher_is_better) of an indicator code, from the registry (an
    unknown code is an ``UnknownIndicatorError``); a count averaged over units changes in
    "mô hình/đơn vị" (``per_unit``), never in bare "mô hình"."""
    spec = indicator_registry.indicator(code)
    return per_unit(code) or spec.diff_unit_vi, spec.higher_is_better


def label_with_unit(code: str, label: str) -> str:
    """An indicator's label with the unit of its values when the label does not say it: a
    count averaged over units reads "Mô hình, cách làm hay được nhân rộng (mô hình/đơn vị)",
    so a table cell "0,3 → 1,5" is never a bare number; any other label is unchanged."""
    unit = per_unit(code)
    return f"{label} ({unit})" if unit else label


LOWER_BETTER_MARK = "↓ (thấp hơn là tốt hơn)"


def row_label(code: str, label: str) -> str:
    """An indicator's label for a table row, marked "↓ (thấp hơn là tốt hơn)" when a lower
    value is better (complaints, violations per 100), as the figures mark it; an unknown code
    keeps its label unmarked."""
    try:
        higher = indicator_registry.higher_is_better(code)
    except indicator_registry.UnknownIndicatorError:
        return label
    label = label_with_unit(code, label)
    return label if higher else f"{label} {LOWER_BETTER_MARK}"


def short_unit(unit: str) -> str:
    """'điểm phần trăm' → 'điểm %' for table cells."""
    return unit.replace("điểm phần trăm", "điểm %").replace("/100 người", "/100 CB")


def is_percent(code: str) -> bool:
    """Whether an indicator's values print as a percentage (the registry's ``is_percent``)."""
    return indicator_registry.indicator(code).is_percent


def _rows(df: pd.DataFrame) -> list[dict]:
    return [] if df is None or df.empty else df.to_dict("records")


def nbsp(text: str) -> str:
    """Keep '< 0,001' on one line in narrow table cells."""
    return text.replace(" ", "\u00a0")


def shown(value, decimals: int = 1) -> float | None:
    """The value as printed (``fmt.number`` rounds the same way): changes beside printed
    levels are computed from these, so a change always equals the difference shown."""
    value = _num(value)
    return None if value is None or math.isinf(value) else round(value, decimals) + 0.0


def span_of(code: str) -> float:
    """How far apart two values of an indicator can be (100 on a 0–100 scale; ∞ when
    unbounded above): an interval end beyond it is not an answer the data gave."""
    return indicator_registry.difference_bounds(code)[1]


# printed instead of an interval the data cannot bound (an indicator nobody varies, pilots
# and the rest perfectly separated): never ±∞, never an end outside the indicator's range
UNBOUNDED_VI = "không so sánh được (số liệu không đủ để giới hạn khoảng)"


def interval_text(low, high, decimals: int = 1, span: float = math.inf) -> str:
    """'+1,5 đến +5,5'; ``UNBOUNDED_VI`` when an end is infinite or further from 0 than the
    indicator allows (``span``); a dash when there is no interval."""
    low, high = _maybe_inf(low), _maybe_inf(high)
    if low is None or high is None:
        return fmt.MISSING
    if not (math.isfinite(low) and math.isfinite(high)) or max(abs(low), abs(high)) > span:
        return UNBOUNDED_VI
    return f"{fmt.signed(low, decimals)} đến {fmt.signed(high, decimals)}"


def ci_text(low, high, decimals: int = 1, span: float = math.inf) -> str:
    """A confidence interval as "+1,5 đến +5,5" (``interval_text``, the name the report context uses for intervals)."""
    return interval_text(low, high, decimals, span)


def includes_zero(low, high) -> bool | None:
    """Whether the interval [``low``, ``high``] contains 0; None if an end is missing."""
    low, high = _num(low), _num(high)
    if low is None or high is None:
        return None
    return low <= 0 <= high


def _maybe_inf(value) -> float | None:
    """A float, infinities kept; None for missing."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def level_text(code: str, value) -> str:
    """A level as printed: '85,6%' for a share, '69,6' otherwise (the registry's decimals)."""
    spec = indicator_registry.indicator(code)
    return fmt.percent(_num(value), spec.decimals) if spec.is_percent else fmt.number(_num(value), spec.decimals)


def before_after(code: str, base, post) -> dict:
    """Two printed levels and the change between them, computed from the printed values."""
    b, a = shown(base), shown(post)
    change = None if b is None or a is None else shown(a - b)
    return {"base": level_text(code, b), "post": level_text(code, a),
            "levels": f"{level_text(code, b)} → {level_text(code, a)}", "change": fmt.signed(change, 1),
            "change_value": change}


def effect_rows(effects: pd.DataFrame) -> list[dict]:
    """Rows of tables/pilot_effects.csv formatted for the methods appendix (verdicts.assess):
    both estimates with their unadjusted 95% intervals, the family-adjusted p and the
    detectable size. The leaders' rows are ``outcome_rows``."""
    from vhcs_analysis.verdicts import VERDICT_VI

    out = []
    for row in _rows(effects):
        code = str(row["indicator"])
        unit, _ = change_unit_and_direction(code)
        has = _num(row.get("did_estimate")) is not None
        cells = {}
        for method in ("did", "adj"):
            est = fmt.signed(_num(row.get(f"{method}_estimate")), 1) if has else fmt.MISSING
            ci = interval_text(row.get(f"{method}_ci_low"), row.get(f"{method}_ci_high"), span=span_of(code)) \
                if has else fmt.MISSING
            full = f"{est} ({ci})" if has and ci != UNBOUNDED_VI else (ci if has else fmt.MISSING)
            cells.update({method: est, f"{method}_ci": ci, f"{method}_full": full})
        out.append({
            "indicator": code,
            "label": str(row.get("indicator_vi", code)),
            "unit": short_unit(unit),
            "better": "cao hơn" if str(row.get("direction")) == "higher_better" else "thấp hơn",
            **cells,
            "p_holm": nbsp(fmt.p_value(_num(row.get("p_holm")))),
            "mde": fmt.number(_num(row.get("mde")), 1),
            # no unit compared (an indicator no unit has at baseline): "–", not "0/0" beside its levels
            "n": (f"{_int(row.get('n_pilot'))}/{_int(row.get('n_rest'))}"
                  if (_num(row.get("n_pilot")) or 0) + (_num(row.get("n_rest")) or 0) > 0 else fmt.MISSING),
            "verdict": VERDICT_VI.get(str(row.get("verdict")), str(row.get("verdict"))),
            "code": str(row.get("verdict")),
            # a sentence of its own after the verdict, in plain words
            "reason": _upper_first(plain_reason(str(row.get("reason_vi") or ""))),
        })
    return out


_HOLM = re.compile(r"p sau hiệu chỉnh Holm ([^ ;]+) chưa đủ nhỏ khi xét nhiều chỉ tiêu cùng lúc")
_HOLM_CLAIM = re.compile(r"p sau hiệu chỉnh Holm ([^ ;]+)")


def plain_reason(reason: str) -> str:
    """A grade's reason (``verdicts``) in the report's words: the family-adjusted p said as
    what it means, and the differences the data rule out marked as read one indicator at a
    time (the unadjusted intervals), so that "loại trừ" never reads against "Chưa thấy khác
    biệt rõ"."""
    reason = _HOLM.sub(r"xét riêng chỉ tiêu này thì chênh lệch khó là ngẫu nhiên, nhưng khi xét cùng lúc nhiều chỉ "
                       r"tiêu thì vẫn có thể là ngẫu nhiên (p đã tính đến việc xét nhiều chỉ tiêu: \1)", reason)
    reason = _HOLM_CLAIM.sub(r"p đã tính đến việc xét nhiều chỉ tiêu \1", reason)
    return reason.replace("số liệu loại trừ chênh lệch", "khoảng tin cậy chưa hiệu chỉnh loại trừ chênh lệch")


def units_in_words(n_pilot, n_rest) -> str:
    """'n' said in words: the units a comparison rests on."""
    return f"{_int(n_pilot)} đơn vị điểm và {_int(n_rest)} đơn vị khác"


def outcome_rows(effects: pd.DataFrame, levels: dict) -> list[dict]:
    """The leaders' rows, one per indicator of ``effects``: the grade (``verdict``), the
    pilots' and the others' levels before → after on the verdicts' basis (``levels``:
    indicator → ``report.levels.GroupLevels``), each group's change and the difference of
    the two changes, all computed from the printed levels; no interval. A grade that is
    not a comparison carries its reason; a ``better``/``worse`` grade how much hidden bias
    it survives in ``bias_note`` (joined under the table by ``bias_sentence``; '' otherwise)."""
    from vhcs_analysis.verdicts import VERDICT_VI

    out = []
    for row in _rows(effects):
        code, verdict = str(row["indicator"]), str(row.get("verdict"))
        lv = levels.get(code)
        compared = verdict not in ("not_comparable", "no_data") and lv is not None
        pil = before_after(code, lv.pilot_base, lv.pilot_post) if lv is not None and compared else {}
        rest = before_after(code, lv.rest_base, lv.rest_post) if lv is not None and compared else {}
        diff = shown(pil["change_value"] - rest["change_value"]) if compared and None not in (
            pil["change_value"], rest["change_value"]) else None
        grade = VERDICT_VI.get(verdict, verdict)
        # how much hidden bias a grade survives: said under the table (``bias_sentence``), the
        # cell keeps the grade alone and rows stay short
        bias = bias_phrase(row) if compared else ""
        if compared:
            note = ""
        elif str(row.get("kind")) == "adoption":
            # a yes/no step of the unit, or a rate of staff who did a one-time step (personal plans)
            note = (ADOPTION_RATE_REASON_VI if indicator_registry.indicator(code).scale == "percent"
                    else "việc làm một lần, theo dõi theo tiến độ, không so sánh mức thay đổi")
        else:
            note = str(row.get("reason_vi") or "")
        unit, higher = change_unit_and_direction(code)
        mde = _num(row.get("mde"))
        room = room_to_improve(code, lv.pilot_base) if lv is not None and compared else None
        out.append({
            "indicator": code, "label": str(row.get("indicator_vi", code)), "code": verdict, "verdict": grade,
            "row_label": row_label(code, str(row.get("indicator_vi", code))),
            "verdict_full": f"{grade}: {note}" if note else grade,
            "bias_note": f"{_lower(str(row.get('indicator_vi', code)))}: {bias}" if bias else "",
            "pilot": f"{pil['levels']} ({pil['change']})" if compared else fmt.MISSING,
            "rest": f"{rest['levels']} ({rest['change']})" if compared else fmt.MISSING,
            "pilot_levels": pil["levels"] if compared else fmt.MISSING,
            "pilot_change": pil["change"] if compared else fmt.MISSING,
            "rest_levels": rest["levels"] if compared else fmt.MISSING,
            "rest_change": rest["change"] if compared else fmt.MISSING,
            "difference": fmt.signed(diff, 1) if compared else fmt.MISSING,
            "unit": short_unit(unit),
            "units": units_in_words(lv.n_pilot, lv.n_rest) if lv is not None and compared else fmt.MISSING,
            # the smallest difference the design detects, or why none can be (larger than the
            # pilots' room to improve: a fall below 0, a rise above 100)
            "mde": (UNDETECTABLE_VI if mde is not None and room is not None and mde > room
                    else fmt.number(mde, 1)),
            "mde_room": fmt.number(room, 1) if room is not None else fmt.MISSING,
            # pilots changed more in the better direction (the difference of the printed changes)
            "ahead": diff is not None and diff != 0 and (diff > 0) == higher,
            # both methods' unadjusted 95% intervals on one side of 0 (the figure's clear intervals)
            "clear_alone": compared and _one_side(row),
            "in_family": str(row.get("kind")) == "outcome",
        })
    return out


UNDETECTABLE_VI = "không thể phát hiện với số đơn vị điểm này"
"""Printed instead of the detectable difference when it exceeds what the pilots' level can
still move in the better direction (a rate per 100 cannot fall below 0)."""


def room_to_improve(code: str, pilot_base) -> float | None:
    """How far the pilots' baseline level can still move in the indicator's better direction
    within its range (``indicator_registry.bounds``): down to the floor when lower is better,
    up to the ceiling otherwise; None without a level or with an unbounded end."""
    base = _num(pilot_base)
    if base is None:
        return None
    low, high = indicator_registry.bounds(code)
    room = high - base if indicator_registry.higher_is_better(code) else base - low
    return room if math.isfinite(room) else None


def _one_side(row) -> bool:
    """Whether both methods' unadjusted 95% intervals lie on the same side of 0."""
    ends = [e for k in ("did_ci_low", "did_ci_high", "adj_ci_low", "adj_ci_high")
            if (e := _maybe_inf(row.get(k))) is not None]
    if len(ends) < 4:
        return False
    dl, dh, al, ah = ends
    return bool((dl > 0 and al > 0) or (dh < 0 and ah < 0))


_DETECTS = re.compile(r"thiết kế chỉ phát hiện được \(8 trên 10 lần, theo đúng quy tắc kết luận này\) chênh lệch "
                      r"từ khoảng [^;.]* trở lên")


def undetectable_reason(reason: str, room: str, higher: bool) -> str:
    """A grade's reason (``verdicts``) whose detectable difference the pilots cannot reach:
    the sentence says so instead of quoting a number larger than the pilots' room."""
    where = "tăng thêm" if higher else "giảm"
    return _DETECTS.sub(f"với số đơn vị điểm này không thể phát hiện khác biệt ở chỉ tiêu này (mức của đơn vị điểm "
                        f"chỉ có thể {where} tối đa {room}, nhỏ hơn chênh lệch nhỏ nhất mà thiết kế phát hiện được)",
                        reason)


def bias_phrase(row) -> str:
    """How much hidden bias a ``better``/``worse`` grade survives, as a short phrase
    ("đến 2,9 lần"); '' for any other grade or without ``sensitivity_gamma``."""
    from vhcs_analysis.verdicts import GAMMA_MAX

    gamma = _num(row.get("sensitivity_gamma"))
    if str(row.get("verdict")) not in ("better", "worse") or gamma is None:
        return ""
    if gamma >= GAMMA_MAX:
        return f"hơn {fmt.number(GAMMA_MAX, 0)} lần"
    if gamma < 1.05:
        return "rất nhạy, một thiên lệch nhỏ đã đủ giải thích khác biệt"
    return f"đến {fmt.number(gamma, 1)} lần"


def bias_sentence(notes: list[str]) -> str:
    """One sentence under the leaders' table for every graded indicator (``outcome_rows``'s
    ``bias_note``): how strong a hidden reason for choosing the pilots would have to be to
    explain the difference away; '' without any."""
    if not notes:
        return ""
    return ("Kết luận \u201crõ\u201d vẫn đứng nếu một lý do không thấy trong số liệu (ví dụ chọn nơi được kỳ vọng tiến "
            "bộ nhanh) khiến một đơn vị có khả năng được chọn làm điểm cao gấp các đơn vị khác cùng khối: "
            + "; ".join(notes) + "; thiên lệch mạnh hơn mức đó có thể giải thích hết khác biệt.")


def _lower(label: str) -> str:
    """An indicator's name inside a sentence (first letter lower case)."""
    return label[:1].lower() + label[1:]


def _goal_no(value) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


PER_PERIOD_BASIS_VI = ("mỗi điểm là bình quân của mọi đơn vị có báo cáo trong từng kỳ, không phải chỉ các đơn vị "
                       "có số liệu ở cả kỳ gốc và kỳ cuối như các bảng, nên mức ở hai kỳ đó có thể khác bảng một chút")
"""The basis of the charts over periods (``review.trend_of``: a plain mean of the units that
reported in each period), said in their captions so that a level a chart shows beside a
table on the units with both periods is not read as a competing figure (issue 21)."""

# the commendations table's unit count: the units whose reports carry the counts, not every
# unit of the bloc (the PDF's and the Word draft's header)
COMMENDED_UNITS_VI = "Số đơn vị có báo cáo số liệu này"

CAPTIONS_VI = {
    "study_rate_trend": f"Tỷ lệ CBCCVC đã học tập Nghị quyết theo kỳ ({PER_PERIOD_BASIS_VI}; dải mờ: khoảng dao "
                        "động do ngẫu nhiên)",
    "on_time_table": "Hồ sơ thủ tục hành chính theo kỳ, toàn khối: số hồ sơ (không phải tỷ lệ của báo cáo), mọi đơn "
                     "vị có bộ phận một cửa báo cáo trong kỳ",
    "on_time_rate_trend": ("Tỷ lệ hồ sơ giải quyết đúng hạn theo kỳ: bình quân tỷ lệ của từng đơn vị, không phải tỷ lệ "
                           f"tính gộp số hồ sơ; {PER_PERIOD_BASIS_VI} (dải mờ: khoảng dao động do ngẫu nhiên)"),
    "trends": ("Diễn biến các chỉ tiêu theo kỳ: đơn vị điểm và các đơn vị còn lại; "
               f"{PER_PERIOD_BASIS_VI} (dải mờ: khoảng dao động do ngẫu nhiên)"),
}
"""Captions of the tables and charts whose basis differs from the report's levels (issue 21),
one text for the PDF (``template.typ``, via the leaders' context) and the Word draft."""

ADOPTION_NOTE_VI = ("Bước có/không (chương trình hành động, bài trí công sở): tỷ lệ đơn vị đã làm; kế hoạch, cam kết "
                    "cá nhân: tỷ lệ cán bộ đã làm, bình quân của các đơn vị, không phải bước có/không của đơn vị. "
                    "Số đơn vị chưa làm: đơn vị chưa có bước đó; với tỷ lệ cán bộ, đơn vị chưa đạt 100%.")
"""The note under the table of the one-time steps (``review.pilots.adoption``): what its
levels and its count of units not done are for a yes/no step and for a rate of staff."""

ADOPTION_RATE_REASON_VI = ("bước triển khai đo bằng tỷ lệ cán bộ đã làm, theo dõi theo tiến độ, không so sánh mức "
                           "thay đổi")
"""The summary table's note on a one-time step measured as a share of staff (scale "percent")."""

NO_BOTH_PERIODS_VI = "không đủ số liệu: không đơn vị nào có số liệu ở cả hai kỳ"
"""The reading cell of a goal row with no unit with data at both periods (its levels print "–")."""

NO_BASELINE_VI = "chưa có ở kỳ gốc: chỉ có mức kỳ cuối, không đánh giá thay đổi"
"""The reading cell of a goal row whose indicator no unit has at baseline (a field of the
2018 form): its final-period level over the units that have it, baseline and change "–"."""


def goal_rows(table: pd.DataFrame) -> list[dict]:
    """indicators_by_goal.csv formatted, with the goal/task group names: the whole bloc's
    levels in each period (every unit with data in it, as the roll-out tables print them)
    and the change between them, computed from the printed levels. ``ci`` is the interval
    the reading was decided with (``ci_adj_low``/``ci_adj_high``, adjusted for the m
    indicators read together, ``goals_adjusted_note``); ``ci_95`` the unadjusted 95% one,
    for places with no reading beside it. ``reading_cell`` is what the tables print: the
    reading, or why there is none when no unit has data at both periods (its levels "–").
    An indicator no unit has at baseline (``no_baseline``) prints its final-period level
    over the units that have it (``n``), baseline and change "–", the cell ``NO_BASELINE_VI``."""
    out = []
    for row in _rows(table):
        code = str(row["indicator"])
        unit, better = change_unit_and_direction(code)
        base, post = row.get("baseline_mean"), row.get("post_mean")
        ba = before_after(code, base, post)
        # the whole-bloc reading decided with the table (clustered by block, adjusted for the
        # table's many indicators: indicators.goal_table's ``assessment_vi``)
        reading = str(row.get("assessment_vi") or "") or "không đủ số liệu"
        goal, task = _goal_no(row.get("goal")), _goal_no(row.get("task_group"))
        n_units = _int(row.get("n_units"))
        n_both = _num(row.get("n_units"))
        # no unit with data at both periods: a level beside "0 units" would be another basis
        # than the column says (issue 21), so the cells print "–" and the reading says why
        cell = reading
        # no baseline at all (indicators_by_goal: the post level over the units that have it)
        no_baseline = _num(base) is None and _num(post) is not None and bool(n_both)
        if no_baseline:
            ba = {**ba, "base": fmt.MISSING, "change": fmt.MISSING}
            cell = NO_BASELINE_VI
        elif n_both is not None and n_both == 0:
            ba = {**ba, "base": fmt.MISSING, "post": fmt.MISSING, "change": fmt.MISSING}
            cell = NO_BOTH_PERIODS_VI
        out.append({
            "indicator": code, "label": str(row.get("indicator_vi", "")),
            # a table row's label: with the unit of a count averaged over units
            "table_label": label_with_unit(code, str(row.get("indicator_vi", ""))),
            "goal": goal or 0, "task_group": task or 0,
            "goal_vi": GOALS_VI.get(goal, "Chỉ tiêu chung") if goal else "Chỉ tiêu chung",
            "baseline": ba["base"], "post": ba["post"], "change": ba["change"],
            # the interval the reading was decided with (adjusted for the m indicators read
            # together), so a reader never sees a reading its own interval contradicts
            "ci": ci_text(row.get("ci_adj_low"), row.get("ci_adj_high"), span=span_of(code)),
            "ci_95": ci_text(row.get("ci_low"), row.get("ci_high"), span=span_of(code)),
            "n": n_units, "reading": reading, "reading_cell": cell, "unit": short_unit(unit),
            "no_baseline": no_baseline,
        })
    return out


PILOT_CI_NOTE = ("Các khoảng tin cậy 95% ở đây là khoảng chưa hiệu chỉnh, tức là xét riêng từng chỉ tiêu; kết luận "
                 "“rõ” còn đòi hỏi chênh lệch vẫn đứng khi xét cùng lúc mọi chỉ tiêu và cả hai cách cùng chiều, nên "
                 "một khoảng không chứa 0 vẫn có thể đi với “Chưa thấy khác biệt rõ”.")
"""The sentence beside every picture or table of the pilots' unadjusted intervals of both
methods (``verdicts``: a grade needs both methods and the Holm-adjusted p of the family;
no multiplicity-adjusted interval exists to print instead)."""


def goals_adjusted_note(table: pd.DataFrame) -> str:
    """The sentence printed beside the goal rows' intervals: they are adjusted for the m
    indicators read together (m = rows of indicators_by_goal.csv with an interval)."""
    m = int(pd.to_numeric(table["ci_low"], errors="coerce").notna().sum()) if "ci_low" in table else 0
    return (f"Khoảng tin cậy bên cạnh mỗi đánh giá đã hiệu chỉnh cho việc xét cùng lúc {m} chỉ tiêu "
            f"(mức tin cậy 1 − 0,05/{m}), nên rộng hơn khoảng 95% thông thường; đó là khoảng mà đánh giá dùng: "
            "“tiến bộ” hay “đi xuống” chỉ khi khoảng này không chứa 0.")


def _upper_first(text: str) -> str:
    """A sentence's first letter in upper case (the reasons are written to follow a colon)."""
    return text[:1].upper() + text[1:]
