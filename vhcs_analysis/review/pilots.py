"""Section 3: pilot units vs the rest of their blocks.

The verdicts come from ``verdicts.assess`` (one rule: Holm over the declared family and
both the DiD and the baseline-adjusted estimate agreeing); this module arranges them,
the adoption view, the period-by-period gaps, the per-block view and the robustness checks
for notebook 03 and the report.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt, verdicts
from vhcs_analysis.review.base import (
    SEED, ReviewData, _lower_first, markdown, panel, period_vi, plot_setting, _with_meta, _label_of,
    _group_of,
)
from vhcs_analysis.review.rollout import trend_of


def compared_indicators() -> list[str]:
    """The declared family (``[compare] family``), then the adoption items."""
    return verdicts.shown_indicators()


def trends(data: ReviewData) -> pd.DataFrame:
    """``trend_of`` for every indicator of the comparison, stacked."""
    parts = [trend_of(data, name) for name in compared_indicators()]
    return pd.concat(parts, ignore_index=True)


def pilot_effects(data: ReviewData) -> pd.DataFrame:
    """The leaders' verdict table (contract ``tables/pilot_effects.csv``)."""
    return verdicts.assess(panel(data), data.baseline, data.post, seed=SEED)


def forest_rows(effects: pd.DataFrame) -> pd.DataFrame:
    """Rows of the verdict table that carry an estimate, for the forest chart."""
    return effects[effects["did_estimate"].notna()].reset_index(drop=True)


def pilot_effects_text(data: ReviewData, effects: pd.DataFrame) -> Any:
    """The answer in words, from the verdicts only."""
    return markdown(verdicts.answer_vi(effects, data.baseline, data.post))


def pilot_effect_numbers(effects: pd.DataFrame) -> list[dict]:
    """The pilot_effect list of key_numbers.json (one entry per row of pilot_effects.csv)."""
    keep = ["indicator", "indicator_vi", "kind", "did_estimate", "did_ci_low", "did_ci_high", "did_p",
            "adj_estimate", "adj_ci_low", "adj_ci_high", "adj_p", "p_holm", "n_pilot", "n_rest", "mde", "verdict"]
    return [{k: row[k] for k in keep} for row in effects.to_dict("records")]


def adoption(data: ReviewData) -> pd.DataFrame:
    """Adoption items (``[compare] adoption_items``): share of units done per group at
    baseline and post, the first period the rest reached 90%, and units still missing."""
    p = panel(data)
    rows = []
    for name in verdicts.adoption_items():
        if name not in p.columns:
            continue
        row = {"indicator": name, "indicator_vi": _label_of(name)}
        for period, tag in ((data.baseline, "baseline"), (data.post, "post")):
            part = p[p["period"] == period]
            groups = _group_of(part["is_pilot"]).to_numpy()
            for group in ("pilot", "rest"):
                vals = part[name].to_numpy(float, na_value=np.nan)[groups == group]
                vals = vals[~np.isnan(vals)]
                row[f"{group}_{tag}"] = float(vals.mean()) if len(vals) else np.nan
        reached = ""
        for period in data.periods:
            part = p[(p["period"] == period) & ~p["is_pilot"].fillna(False).astype(bool)]
            vals = part[name].dropna()
            if len(vals) and float(vals.mean()) >= 90.0:
                reached = period_vi(period)
                break
        row["rest_reached_90"] = reached or "chưa đạt"
        last = p[p["period"] == data.post]
        missing = last.loc[last[name] == 0, "unit_id"]
        names = data.units.set_index("unit_id")["unit_name"]
        row["n_missing_post"] = int(len(missing))
        row["missing_units"] = "; ".join(sorted(str(names.get(u, u)) for u in missing))
        rows.append(row)
    return pd.DataFrame(rows)


def event_study(data: ReviewData) -> pd.DataFrame:
    """Pilot − rest gap in change since baseline, per period, for the chosen indicators
    (DiD, studentised randomisation inference; the composite on each pair's fixed mix)."""
    from vhcs_analysis import compare

    base = panel(data)
    parts = []
    for name in plot_setting("event_study_indicators"):
        rows = []
        for period in data.periods:
            if period == data.baseline:
                rows.append({"period": period, "estimate": 0.0, "ci_low": np.nan, "ci_high": np.nan,
                             "p_value": np.nan})
                continue
            work = verdicts.fixed_mix_panel(base, [data.baseline, period]) if name == "oc_index" else base
            r = compare.pilot_effect(work, name, baseline=data.baseline, post=period, seed=SEED,
                                     bounds=verdicts.bounds_of(name))
            rows.append({"period": period, "estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high,
                         "p_value": r.p_value})
        frame = pd.DataFrame(rows)
        frame.insert(0, "indicator", name)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    for col in ("estimate", "ci_low", "ci_high", "p_value"):
        out[col] = out[col].astype(float)
    return _with_meta(out, cols=("indicator_vi",))


def per_block(data: ReviewData) -> pd.DataFrame:
    """Each block's pilot against the other units of its block (descriptive), per outcome."""
    from vhcs_analysis import compare

    work = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post])
    parts = []
    for name in verdicts.family():
        pb = compare.per_block(work, name, data.baseline, data.post)
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
    """Pilots vs the rest of their blocks at the baseline (which already comes after the
    pilots were named): how different were they when the reports began?"""
    from vhcs_analysis import compare

    rows = []
    for name in compared_indicators():
        r = compare.level_gap(panel(data), name, data.baseline, seed=SEED)
        rows.append({"indicator": name, "pilot_mean": r.pilot_mean, "rest_mean": r.rest_mean, "gap": r.estimate,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value})
    out = _with_meta(pd.DataFrame(rows), cols=("indicator_vi",))
    return out.sort_values("indicator", kind="mergesort").reset_index(drop=True)


def level_gap_text(gap_table: pd.DataFrame) -> Any:
    """Generated prose on differences at the baseline."""
    sig = gap_table[gap_table["p_value"] < 0.05]
    if sig.empty:
        return markdown("Ở kỳ gốc, không chỉ tiêu nào cho thấy đơn vị điểm khác rõ các đơn vị cùng khối "
                        "(mọi p ≥ 0,05); điều này không loại trừ khác biệt nhỏ mà số liệu chưa đủ để phát hiện.")
    names = "; ".join(f"{_lower_first(r.indicator_vi)} (chênh {fmt.signed(r.gap, 1)})" for r in sig.itertuples())
    return markdown(f"Ngay ở kỳ gốc, đơn vị điểm đã khác các đơn vị cùng khối về: {names} (p < 0,05). "
                    "Kỳ gốc đến sau khi đơn vị điểm được chọn, nên khác biệt này có thể do được chọn, do đã làm "
                    "trước, hoặc do một kỳ thuận lợi; vì vậy báo cáo xem cả ước lượng điều chỉnh theo mức kỳ gốc.")


def index_sensitivity(data: ReviewData) -> pd.DataFrame:
    """The composite with each component left out in turn (DiD and adjusted)."""
    return verdicts.index_sensitivity(panel(data), data.baseline, data.post, seed=SEED)


def placebo(data: ReviewData) -> dict:
    """Pre-resolution rankings as a placebo check, or why it cannot be done."""
    from vhcs_analysis.config import get_settings

    year = int(str(get_settings()["review"]["resolution_date"])[:4])
    return verdicts.placebo(data.rankings, data.units, year, seed=SEED)


def placebo_text(result: dict) -> Any:
    return markdown(result["text"])
