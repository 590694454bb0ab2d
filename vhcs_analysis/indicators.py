"""Derived indicators per unit and period, the composite office-culture index, group
descriptions with Student-t intervals, and reporting completeness.

Every indicator is tied to one of the resolution's specific goals (MT1–MT3) or task
groups (NV1–NV4) in ``INDICATORS``, so the report can say how far each goal moved.
Indicator values are float64 on their own scale (rates 0–100); NaN means missing or not
applicable and is never replaced by 0. Counts (n) are always reported next to means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vhcs_analysis.labels import REPORT_STATUS_VI
from vhcs_analysis.periods import Period, sort_codes

if TYPE_CHECKING:
    from vhcs_analysis.settings import Indicators, Settings

GOALS: dict[str, str] = {
    "MT1": "Mục tiêu 1: cán bộ ứng xử chuẩn mực với nhân dân và đồng nghiệp",
    "MT2": "Mục tiêu 2: ý thức làm việc trách nhiệm, tận tụy, công tâm",
    "MT3": "Mục tiêu 3: yêu nghề, tự hào nghề nghiệp; cải cách hành chính chuyển biến mạnh mẽ",
    "NV1": "Nhóm nhiệm vụ 1: lãnh đạo, nâng cao nhận thức, học tập nghị quyết",
    "NV2": "Nhóm nhiệm vụ 2: xây dựng đội ngũ cán bộ có phẩm chất, năng lực, trách nhiệm",
    "NV3": "Nhóm nhiệm vụ 3: môi trường văn hóa lành mạnh; đẩy mạnh cải cách hành chính",
    "NV4": "Nhóm nhiệm vụ 4: phối hợp, kiểm tra, giám sát, sơ kết, đánh giá",
    "ALL": "Tổng hợp các mục tiêu",
}


@dataclass(frozen=True)
class Indicator:
    """One indicator's definition.

    Attributes:
        name: the code (``study_rate``…), a column of the panel.
        label_vi: the Vietnamese label.
        unit: the unit of a value ("%", "0/100", "điểm (0–100)", "lượt/100 người"…).
        diff_unit_vi: the unit of a difference between two values, in words.
        measures: the goal or task group it measures (a key of ``GOALS``).
        higher_is_better: its direction.
        source_fields: how it is computed from the processed fields, in words.
        bounds: the values it can take, (low, high); ``inf`` where there is no end
            (counts, rates per 100 staff). The one answer to "what range can this
            indicator take" (intervals are kept inside it, ceilings are judged on it).
    """

    name: str
    label_vi: str
    unit: str  # unit of a value
    diff_unit_vi: str  # unit of a difference between two values (for readings)
    measures: str  # key of GOALS
    higher_is_better: bool
    source_fields: str
    bounds: tuple[float, float] = (0.0, 100.0)

    @property
    def is_percent(self) -> bool:
        """Whether a value reads as a percentage (rates and 0/100 adoption shares; scores
        on 0–100 are points, not percent)."""
        return self.unit in ("%", "0/100")


_SPECS: tuple[Indicator, ...] = (
    Indicator("study_rate", "Tỷ lệ CBCCVC đã học tập, quán triệt Nghị quyết 01", "%", "điểm phần trăm",
              "NV1", True, "staff_studied / staff_total × 100"),
    Indicator("action_programme", "Đã xây dựng chương trình hành động", "0/100", "điểm phần trăm",
              "NV1", True, "action_programme (Có = 100, Không = 0)"),
    Indicator("personal_plan_rate", "Tỷ lệ CBCCVC đã xây dựng kế hoạch, cam kết cá nhân", "%", "điểm phần trăm",
              "NV1", True, "staff_personal_plan / staff_total × 100 (chỉ biểu 2018)"),
    Indicator("department_plan_rate", "Tỷ lệ phòng, ban, đơn vị trực thuộc có kế hoạch cụ thể", "%",
              "điểm phần trăm", "NV1", True, "departments_with_plan / departments_total × 100 (chỉ biểu 2018)"),
    Indicator("good_rating_rate", "Tỷ lệ CBCCVC hoàn thành tốt nhiệm vụ trở lên", "%", "điểm phần trăm",
              "NV2", True, "staff_rated_good / staff_total × 100 (chỉ biểu 2018)"),
    Indicator("complaints_per_100", "Phản ánh về thái độ, tác phong trên 100 CBCCVC", "lượt/100 người",
              "lượt/100 người", "MT1", False, "complaints_conduct / staff_total × 100", (0.0, np.inf)),
    Indicator("violations_per_100", "CBCCVC vi phạm kỷ luật, kỷ cương trên 100 CBCCVC", "người/100 người",
              "người/100 người", "MT2", False, "discipline_violations / staff_total × 100", (0.0, np.inf)),
    Indicator("inspection_score", "Điểm kiểm tra, giám sát văn hóa công sở", "điểm (0–100)", "điểm",
              "MT1", True, "trung bình total_score các đợt kiểm tra có ngày trong kỳ (biểu 02)"),
    Indicator("on_time_rate", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "%", "điểm phần trăm",
              "MT3", True, "dossiers_on_time / (dossiers_on_time + dossiers_late) × 100; trống nếu không có bộ phận một cửa"),
    Indicator("satisfaction_rate", "Tỷ lệ người dân, tổ chức hài lòng", "%", "điểm phần trăm",
              "MT3", True, "satisfaction_rate (chỉ biểu 2018)"),
    Indicator("office_layout", "Hoàn thành bài trí công sở", "0/100", "điểm phần trăm",
              "NV3", True, "office_layout_done (Có = 100, Không = 0)"),
    Indicator("good_practices", "Mô hình, cách làm hay được nhân rộng", "mô hình", "mô hình",
              "NV4", True, "good_practices", (0.0, np.inf)),
    Indicator("internal_inspections", "Cuộc tự kiểm tra, giám sát về văn hóa công sở", "cuộc", "cuộc",
              "NV4", True, "internal_inspections", (0.0, np.inf)),
    Indicator("commended_per_100", "Tập thể, cá nhân được biểu dương, khen thưởng trên 100 CBCCVC",
              "lượt/100 người", "lượt/100 người", "NV4", True,
              "(commended_collectives + commended_individuals) / staff_total × 100 (chỉ biểu 2018; mô tả, "
              "không so sánh)", (0.0, np.inf)),
    Indicator("oc_index", "Chỉ số văn hóa công sở tổng hợp", "điểm (0–100)", "điểm",
              "ALL", True, "trung bình có trọng số các thành phần ([indicators] index_weights)"),
)

UNBOUNDED: tuple[float, float] = (-np.inf, np.inf)
INDICATOR_NAMES: tuple[str, ...] = tuple(s.name for s in _SPECS)
INDICATORS: pd.DataFrame = pd.DataFrame([{f.name: getattr(s, f.name) for f in fields(Indicator) if f.name != "bounds"}
                                         for s in _SPECS])
INDICATORS["measures_vi"] = INDICATORS["measures"].map(GOALS)
INDICATORS["direction_vi"] = np.where(INDICATORS["higher_is_better"], "cao hơn là tốt hơn", "thấp hơn là tốt hơn")


def indicator(name: str) -> Indicator:
    """The definition of one indicator.

    Args:
        name: the indicator's code.

    Returns:
        Its ``Indicator`` (label, unit, goal, direction).

    Raises:
        KeyError: no such indicator.
    """
    for spec in _SPECS:
        if spec.name == name:
            return spec
    raise KeyError(name)


# ---------------------------------------------------------------------- indicators


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col].astype("Float64"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _per(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den * 100.0
    return np.where(np.isfinite(out), out, np.nan)


def compute_indicators(unit_reports: pd.DataFrame) -> pd.DataFrame:
    """Report-based indicators for each row of ``unit_reports``.

    Args:
        unit_reports: the processed Form 01 table.

    Returns:
        unit_id, period and one float column per report-based indicator: rates in % (0–100),
        adoption steps 0/100, counts per 100 staff; NaN when missing or not applicable
        (no one-stop desk: no on-time rate), never 0 in its place.
    """
    r = unit_reports
    staff = _num(r, "staff_total")
    on_time, late = _num(r, "dossiers_on_time"), _num(r, "dossiers_late")
    out = pd.DataFrame({"unit_id": r["unit_id"].to_numpy(), "period": r["period"].to_numpy()})
    out["study_rate"] = _per(_num(r, "staff_studied"), staff)
    out["action_programme"] = _num(r, "action_programme") * 100.0
    out["personal_plan_rate"] = _per(_num(r, "staff_personal_plan"), staff)
    out["department_plan_rate"] = _per(_num(r, "departments_with_plan"), _num(r, "departments_total"))
    out["good_rating_rate"] = _per(_num(r, "staff_rated_good"), staff)
    out["complaints_per_100"] = _per(_num(r, "complaints_conduct"), staff)
    out["violations_per_100"] = _per(_num(r, "discipline_violations"), staff)
    out["on_time_rate"] = _per(on_time, on_time + late)  # NaN without a one-stop desk or with 0 dossiers
    out["satisfaction_rate"] = _num(r, "satisfaction_rate")
    out["office_layout"] = _num(r, "office_layout_done") * 100.0
    out["good_practices"] = _num(r, "good_practices")
    out["internal_inspections"] = _num(r, "internal_inspections")
    # a unit that reported one of the two counts and left the other blank has no total
    out["commended_per_100"] = _per(_num(r, "commended_collectives") + _num(r, "commended_individuals"), staff)
    return out


def inspection_scores(inspections: pd.DataFrame) -> pd.DataFrame:
    """Mean inspection score per unit and half-year.

    Args:
        inspections: the processed Form 02 table.

    Returns:
        unit_id, period (of ``inspection_date``), inspection_score (mean ``total_score``,
        0–100) and n_inspections (Int64); inspections without a date are left out.
    """
    frame = pd.DataFrame({
        "unit_id": inspections["unit_id"].to_numpy(),
        # object even when there is no inspection (an empty list would make it float64,
        # and a float period does not merge with the reports' text periods)
        "period": pd.Series([p.code if (p := Period.of_date(d)) else None for d in inspections["inspection_date"]],
                            dtype=object),
        "score": _num(inspections, "total_score"),
    })
    frame = frame[frame["period"].notna()]
    grouped = frame.groupby(["unit_id", "period"], sort=True)["score"]
    out = pd.DataFrame({"inspection_score": grouped.mean(), "n_inspections": grouped.count()}).reset_index()
    out["n_inspections"] = out["n_inspections"].astype("Int64")
    return out


def composite_index(panel: pd.DataFrame, settings: Indicators) -> pd.DataFrame:
    """Composite office-culture index (0–100, 100 = best) and the number of components it used.

    Components on 0–100 with 100 = best ("lower is better" ones become 100 − penalty ×
    value, floored at 0); weights re-normalised over the components present.

    Args:
        panel: one row per unit × period with a column per component of ``index_weights``.
        settings: the ``[indicators]`` section: ``index_weights``, ``index_penalty``,
            ``index_min_components``, ``index_min_weight``.

    Returns:
        A frame on ``panel``'s index: ``oc_index`` (float, 0–100; NaN when fewer than
        ``index_min_components`` or less than ``index_min_weight`` of the total weight
        are present) and ``oc_index_n`` (components present, Int64).
    """
    weights, penalty = settings.index_weights, settings.index_penalty
    total = np.zeros(len(panel))
    wsum = np.zeros(len(panel))
    count = np.zeros(len(panel), int)
    for name, weight in weights.items():
        values = panel[name].to_numpy(dtype=float, na_value=np.nan)
        if name in penalty:
            values = np.maximum(0.0, 100.0 - float(penalty[name]) * values)
        values = np.clip(values, 0.0, 100.0)
        ok = ~np.isnan(values)
        total[ok] += weight * values[ok]
        wsum[ok] += weight
        count += ok
    full = sum(weights.values())
    enough = (count >= int(settings.index_min_components)) & (wsum >= float(settings.index_min_weight) * full)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(enough & (wsum > 0), total / np.where(wsum > 0, wsum, 1.0), np.nan)
    return pd.DataFrame({"oc_index": index, "oc_index_n": pd.array(count, dtype="Int64")}, index=panel.index)


def build_panel(units: pd.DataFrame, unit_reports: pd.DataFrame, inspections: pd.DataFrame,
                settings: Settings, periods: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per registry unit × period (every unit, reported or not), wide in indicators.

    Args:
        units, unit_reports, inspections: the processed tables.
        settings: the settings in use (``[review] periods``, ``[indicators]`` for the
            composite).
        periods: the periods of the panel, in order; None: ``[review] periods`` plus any
            other period found in the reports or inspections.

    Returns:
        Columns unit_id, period, block, is_pilot, has_report, n_inspections, one float
        column per name in ``INDICATOR_NAMES`` (on its own scale; NaN: missing or not
        applicable) and oc_index_n; sorted by unit and period.
    """
    scores = inspection_scores(inspections)
    if periods is None:
        periods = sort_codes([*settings.review.periods, *unit_reports["period"].dropna(),
                                *scores["period"]])
    base = units[["unit_id", "block", "is_pilot"]].drop_duplicates("unit_id")
    grid = pd.MultiIndex.from_product([base["unit_id"], list(periods)], names=["unit_id", "period"]).to_frame(index=False)
    panel = grid.merge(base, on="unit_id", how="left")
    reports = compute_indicators(unit_reports)
    reports["has_report"] = True
    panel = panel.merge(reports, on=["unit_id", "period"], how="left", validate="one_to_one")
    panel = panel.merge(scores, on=["unit_id", "period"], how="left", validate="one_to_one")
    panel["has_report"] = panel["has_report"].astype("boolean").fillna(False).astype(bool)
    panel["n_inspections"] = panel["n_inspections"].fillna(0).astype("Int64")
    panel = pd.concat([panel, composite_index(panel, settings.indicators)], axis=1)
    panel["is_pilot"] = panel["is_pilot"].astype("boolean")
    order = {p: i for i, p in enumerate(periods)}
    panel = panel.sort_values(["unit_id", "period"], key=lambda s: s.map(order) if s.name == "period" else s,
                              kind="mergesort")
    cols = ["unit_id", "period", "block", "is_pilot", "has_report", "n_inspections",
            *INDICATOR_NAMES, "oc_index_n"]
    return panel[cols].reset_index(drop=True)


def to_long(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel in tidy form.

    Args:
        panel: ``build_panel``.

    Returns:
        unit_id, period, block, is_pilot, indicator, value (NaN kept).
    """
    ids = ["unit_id", "period", "block", "is_pilot"]
    names = [n for n in INDICATOR_NAMES if n in panel.columns]
    out = panel.melt(id_vars=ids, value_vars=names, var_name="indicator", value_name="value")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------- describe


def mean_ci(values: Sequence[float] | np.ndarray, *, level: float = 0.95,
            bounds: tuple[float, float] | None = None, sd: float | None = None,
            df: int | None = None) -> tuple[float, float]:
    """Student-t interval of a mean: mean ± t(df) × SD/√n.

    A percentile bootstrap covered only 75–86% at n = 7 (one pilot per block); coverage
    of these intervals: tests/test_intervals.py.

    Args:
        values: the values (NaN left out).
        level: the confidence level.
        bounds: the possible range (e.g. 0–100 for a rate) the interval is clipped to.
        sd, df: a standard deviation and its degrees of freedom from elsewhere
            (``describe_by_group`` passes one pooled over groups); None: the values' own.

    Returns:
        (low, high) in the values' unit; (NaN, NaN) with fewer than 2 values and no
        ``sd``, or without a usable SD.
    """
    from scipy import stats

    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    if len(values) < 2 and sd is None:
        return (np.nan, np.nan)
    if len(values) < 1:
        return (np.nan, np.nan)
    sd = float(values.std(ddof=1)) if sd is None else float(sd)
    df = len(values) - 1 if df is None else int(df)
    if np.isnan(sd) or df < 1:
        return (np.nan, np.nan)
    mean = float(values.mean())
    half = float(stats.t.ppf(0.5 + level / 2, df) * sd / np.sqrt(len(values)))
    lo, hi = mean - half, mean + half
    if bounds is not None:
        lo, hi = max(lo, float(bounds[0])), min(hi, float(bounds[1]))
    return (lo, hi)


def unit_mean_ci(values: Sequence[float] | np.ndarray, units: Sequence[str] | np.ndarray, *,
                 level: float = 0.95, bounds: tuple[float, float] | None = None) -> tuple[float, float, float, int]:
    """Mean and interval of repeated measurements that cluster by unit (inspections).

    Each unit's own mean first, then the mean over units with ``mean_ci`` on those unit
    means, so a unit inspected five times counts once, not as five independent draws.

    Args:
        values: the measurements (NaN left out).
        units: the unit of each measurement.
        level, bounds: as for ``mean_ci``.

    Returns:
        (mean, ci_low, ci_high, n_units), in the values' unit; NaN mean without values.
    """
    frame = pd.DataFrame({"unit": np.asarray(units), "value": np.asarray(values, float)}).dropna()
    means = frame.groupby("unit", sort=True)["value"].mean().to_numpy(float)
    lo, hi = mean_ci(means, level=level, bounds=bounds)
    return (float(means.mean()) if len(means) else np.nan, lo, hi, len(means))


def clustered_mean_ci(values: Sequence[float] | np.ndarray, clusters: Sequence | np.ndarray, *,
                      level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean over units and its interval when units share shocks within clusters (blocks):
    the cluster-robust standard error of the mean (cluster totals' spread, the CR1 factor
    G/(G − 1)) with Student t on G − 1 degrees of freedom, G the clusters with a value.
    A half-year that went well for a whole block moves all its units together; treating
    66 units as independent would make the interval far too narrow.

    Args:
        values: one value per unit (NaN left out).
        clusters: each unit's cluster (block).
        level: the confidence level.

    Returns:
        (mean, low, high, G); NaN ends with fewer than 2 clusters.
    """
    from scipy import stats

    frame = pd.DataFrame({"c": np.asarray(clusters), "v": np.asarray(values, float)}).dropna()
    if frame.empty:
        return (np.nan, np.nan, np.nan, 0)
    mean = float(frame["v"].mean())
    totals = (frame["v"] - mean).groupby(frame["c"], sort=True).sum().to_numpy(float)
    g = len(totals)
    if g < 2:
        return (mean, np.nan, np.nan, g)
    se = float(np.sqrt(g / (g - 1) * np.sum(totals ** 2)) / len(frame))
    half = float(stats.t.ppf(0.5 + level / 2, g - 1) * se)
    return (mean, mean - half, mean + half, g)


def indicator_bounds(name: str) -> tuple[float, float]:
    """The possible range of an indicator, so that no interval reaches an impossible value.

    Args:
        name: the indicator's code.

    Returns:
        ``indicator(name).bounds``: (0, 100) for rates, shares and scores; (0, inf) for
        counts and rates per 100 staff. An unknown code has no known range: (-inf, inf)
        (intervals are then left as the data give them, and no ceiling is judged).
    """
    try:
        return indicator(name).bounds
    except KeyError:
        return UNBOUNDED


def higher_is_better(name: str) -> bool:
    """Which direction is better for an indicator.

    Args:
        name: the indicator's code.

    Returns:
        ``indicator(name).higher_is_better``.

    Raises:
        KeyError: an unknown code (a direction is never guessed).
    """
    return indicator(name).higher_is_better


def describe_by_group(panel: pd.DataFrame, indicator: str, by: Sequence[str] = ("period", "is_pilot"),
                      level: float = 0.95, pool: str | None = "is_pilot") -> pd.DataFrame:
    """Mean of ``indicator`` per group with a Student-t interval.

    Each group's SD is the larger of its own and the SD pooled over the groups that differ
    only in ``pool`` (pilots and the rest of the same period, Σ(n−1)s² / Σ(n−1)), on the
    group's own n − 1 degrees of freedom (``guarded_sd``): seven pilots alone estimate
    their spread badly (all 7 at 0 violations gives SD 0, a point "interval"), and the
    pooled SD alone under-covers when the pilots vary more than the rest. Coverage at
    n = 7: tests/test_intervals.py (≥ 93% on every indicator of the sample and over SD
    ratios ½–2). Descriptive: the units are a population, not a sample; the interval
    shows how much the mean rests on a few units.

    Args:
        panel: ``build_panel``.
        indicator: the indicator's code.
        by: the grouping columns.
        level: the confidence level.
        pool: the column whose groups share one SD (None: each group its own).

    Returns:
        One row per group: the ``by`` columns, indicator, n, n_missing, mean, ci_low, ci_high (in
        the indicator's unit, clipped to its possible range; NaN without enough values).
    """
    bounds = indicator_bounds(indicator)
    by = list(by)
    groups = []
    for key, group in panel.groupby(by, sort=True, dropna=False):
        values = group[indicator].to_numpy(dtype=float, na_value=np.nan)
        key = key if isinstance(key, tuple) else (key,)
        groups.append((dict(zip(by, key)), values[~np.isnan(values)], len(values)))
    shared = [c for c in by if c != pool] if pool in by else None

    def pooled(keys: dict) -> tuple[float | None, int | None]:
        if shared is None:
            return (None, None)
        mates = [ok for k, ok, _ in groups if all(_same(k[c], keys[c]) for c in shared) and len(ok) >= 2]
        dof = sum(len(ok) - 1 for ok in mates)
        if dof < 1:
            return (np.nan, 0)
        return (float(np.sqrt(sum((len(ok) - 1) * ok.var(ddof=1) for ok in mates) / dof)), dof)

    rows = []
    for keys, ok, total in groups:
        sd, dof = guarded_sd(ok, *pooled(keys))
        lo, hi = mean_ci(ok, level=level, bounds=bounds, sd=sd, df=dof) if len(ok) else (np.nan, np.nan)
        rows.append({**keys, "indicator": indicator, "n": len(ok), "n_missing": total - len(ok),
                     "mean": ok.mean() if len(ok) else np.nan, "ci_low": lo, "ci_high": hi})
    out = pd.DataFrame(rows, columns=[*by, "indicator", "n", "n_missing", "mean", "ci_low", "ci_high"])
    out["n"] = out["n"].astype("Int64")
    out["n_missing"] = out["n_missing"].astype("Int64")
    if "period" in by:
        order = {p: i for i, p in enumerate(sort_codes(out["period"].dropna()))}
        out = out.sort_values(by, key=lambda s: s.map(order) if s.name == "period" else s, kind="mergesort")
    return out.reset_index(drop=True)


def guarded_sd(values: np.ndarray, pooled_sd: float | None, pooled_df: int | None) -> tuple[float | None, int | None]:
    """The SD and degrees of freedom of one group's mean interval: the larger of the
    group's own SD and the SD pooled with the other groups, on the group's own degrees of
    freedom (n − 1). The pooled SD alone under-covers when this group varies more than the
    others (0,74 at twice their SD, n = 7); the own SD alone is 0 when seven pilots all
    sit at 0 violations. Taking the larger on the smaller df keeps ≥ 95% under normal
    noise whatever the ratio of SDs (tests/test_intervals.py, slow).

    Args:
        values: the group's values (no NaN).
        pooled_sd, pooled_df: the SD pooled over the groups and its degrees of freedom
            (None: no pooling).

    Returns:
        (sd, df) for ``mean_ci``: the larger SD on the group's n − 1 df; the pooled pair
        with fewer than 2 values; (None, None) without pooling (``mean_ci`` then uses
        the group's own).
    """
    if pooled_sd is None:
        return (None, None)
    if len(values) < 2 or not np.isfinite(pooled_sd):
        return (pooled_sd, pooled_df)
    own = float(np.std(values, ddof=1))
    return (max(own, float(pooled_sd)), len(values) - 1)


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)


# --------------------------------------------------------------------- completeness

ON_TIME, LATE, MISSING, UNDATED = (REPORT_STATUS_VI[k] for k in ("on_time", "late", "missing", "undated"))


def report_deadline(period: str, deadline_day: int, deadline_days: int) -> pd.Timestamp:
    """Due date of a period's Form 01 report.

    Args:
        period: the period code ("2017-H1").
        deadline_day: day of the period's last month the report is due (0: its last
            day); ``[indicators] deadline_day``.
        deadline_days: days of grace after it; ``[indicators] deadline_days``.

    Returns:
        The last on-time date (20/06/2017 for "2017-H1" with the defaults).
    """
    day, days = int(deadline_day), int(deadline_days)
    last = Period.parse(period).end
    end = pd.Timestamp(last.year, last.month, last.day)
    due = end if day <= 0 else end.replace(day=min(day, end.day))
    return due + pd.Timedelta(days=days)


def completeness(units: pd.DataFrame, unit_reports: pd.DataFrame, settings: Settings,
                 periods: Iterable[str] | None = None) -> pd.DataFrame:
    """Whether each unit reported each period, and on time.

    Args:
        units, unit_reports: the processed tables.
        settings: the settings in use (``[review] periods``, ``[indicators]`` deadline).
        periods: the periods checked; None: ``[review] periods``.

    Returns:
        Per unit × period: unit_id, period, block, is_pilot, report_date, deadline,
        days_late (Int64, 0 when on time, missing without a dated report) and status:
        'đúng hạn' / 'muộn' / 'không báo cáo' / 'không rõ ngày' (a report without a date).
    """
    periods = list(periods or settings.review.periods)
    base = units[["unit_id", "block", "is_pilot"]].drop_duplicates("unit_id")
    grid = pd.MultiIndex.from_product([base["unit_id"], periods], names=["unit_id", "period"]).to_frame(index=False)
    grid = grid.merge(base, on="unit_id", how="left")
    dates = unit_reports[["unit_id", "period", "report_date"]].copy()
    dates["has_report"] = True
    grid = grid.merge(dates, on=["unit_id", "period"], how="left", validate="one_to_one")
    cfg = settings.indicators
    due = {p: report_deadline(p, cfg.deadline_day, cfg.deadline_days) for p in periods}
    grid["deadline"] = grid["period"].map(due).astype("datetime64[ms]")
    grid["report_date"] = pd.to_datetime(grid["report_date"]).astype("datetime64[ms]")
    grid["days_late"] = (grid["report_date"] - grid["deadline"]).dt.days.clip(lower=0).astype("Int64")
    has = grid["has_report"].fillna(False).astype(bool)
    grid["status"] = np.select(
        [~has, grid["report_date"].isna(), grid["report_date"] <= grid["deadline"]],
        [MISSING, UNDATED, ON_TIME], default=LATE)
    order = {p: i for i, p in enumerate(periods)}
    grid = grid.sort_values(["unit_id", "period"], key=lambda s: s.map(order) if s.name == "period" else s,
                            kind="mergesort")
    grid["is_pilot"] = grid["is_pilot"].astype("boolean")
    return grid[["unit_id", "period", "block", "is_pilot", "report_date", "deadline", "days_late",
                 "status"]].reset_index(drop=True)


def summarise_completeness(table: pd.DataFrame, by: Sequence[str] = ("period",)) -> pd.DataFrame:
    """Counts of each reporting status per group.

    Args:
        table: ``completeness``.
        by: the grouping columns.

    Returns:
        The ``by`` columns, then one Int64 count per status ('đúng hạn', 'muộn', 'không rõ
        ngày', 'không báo cáo', in that order) and 'tổng'.
    """
    by = list(by)
    counts = table.groupby(by, sort=False)["status"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=[ON_TIME, LATE, UNDATED, MISSING], fill_value=0)
    counts["tổng"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts.astype("Int64").reset_index()
