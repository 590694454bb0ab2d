"""Derived indicators per unit and period and the composite office-culture index.

Every indicator is defined in the registry (``indicator_registry``, data in
``maps/indicators.toml``): its unit, range, direction and the goal (MT1–MT3) or task group
(NV1–NV4) it measures. Indicator values are float64 on their own scale (rates 0–100); NaN
means missing or not applicable and is never replaced by 0. Group descriptions with their
intervals are in ``intervals``; reporting completeness in ``completeness``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vhcs_analysis import indicator_registry
from vhcs_analysis.periods import Period, sort_codes

if TYPE_CHECKING:
    from vhcs_analysis.settings import Indicators, Settings

# The panel's indicator columns, in the registry's order.
INDICATOR_NAMES: tuple[str, ...] = indicator_registry.codes()
# The registry as a printable table (``indicator_registry.table``): one row per indicator.
INDICATORS: pd.DataFrame = indicator_registry.table()

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
    grid = pd.MultiIndex.from_product([base["unit_id"], list(periods)],
                                      names=["unit_id", "period"]).to_frame(index=False)
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
