"""Section 3: pilot units vs the rest of their blocks.

The verdicts come from ``verdicts.assess`` (one rule: Holm over the declared family and
both the DiD and the baseline-adjusted estimate agreeing); this module arranges them,
the adoption view, the period-by-period gaps, the per-block view and the robustness checks
for notebook 03 and the report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt, indicator_registry, verdicts
from vhcs_analysis.review.base import (
    SEED, ReviewData, _lower_first, markdown, panel, period_vi, _with_meta, _label_of,
)
from vhcs_analysis.review.rollout import trend_of
from vhcs_analysis.settings import Settings


def compared_indicators(settings: Settings) -> list[str]:
    """The indicators of the comparison.

    Args:
        settings: the settings in use.

    Returns:
        The declared family (``[compare] family``), then the adoption items.
    """
    return verdicts.shown_indicators(settings)


def trends(data: ReviewData) -> pd.DataFrame:
    """``trend_of`` for every indicator of the comparison, stacked.

    Args:
        data: the loaded review data.

    Returns:
        The rows of ``trend_of`` for each of ``compared_indicators``, in that order.
    """
    parts = [trend_of(data, name) for name in compared_indicators(data.settings)]
    return pd.concat(parts, ignore_index=True)


def pilot_effects(data: ReviewData) -> pd.DataFrame:
    """The leaders' verdict table (contract ``tables/pilot_effects.csv``).

    Args:
        data: the loaded review data.

    Returns:
        ``verdicts.assess`` of baseline → post: one row per compared indicator with both
        estimates (in the indicator's unit), their 95% intervals, p, Holm's p, the verdict
        and its reason; numbers NaN where nothing can be estimated.
    """
    return verdicts.assess(panel(data), data.baseline, data.post, data.settings, seed=SEED)


def forest_rows(effects: pd.DataFrame) -> pd.DataFrame:
    """Rows of the verdict table that carry an estimate, for the forest chart.

    Args:
        effects: ``pilot_effects``.

    Returns:
        The rows with a DiD estimate, renumbered.
    """
    return effects[effects["did_estimate"].notna()].reset_index(drop=True)


def pilot_effects_text(data: ReviewData, effects: pd.DataFrame) -> Any:
    """The answer in words, from the verdicts only.

    Args:
        data: the loaded review data (the window).
        effects: ``pilot_effects``.

    Returns:
        Markdown (``verdicts.answer_vi``).
    """
    return markdown(verdicts.answer_vi(effects, data.baseline, data.post))


def pilot_effect_numbers(effects: pd.DataFrame) -> list[dict]:
    """The pilot_effect list of key_numbers.json.

    Args:
        effects: ``pilot_effects``.

    Returns:
        One dict per row of pilot_effects.csv with the estimates, intervals, p-values,
        counts and verdict (NaN where nothing was estimated).
    """
    keep = ["indicator", "indicator_vi", "kind", "did_estimate", "did_ci_low", "did_ci_high", "did_p",
            "adj_estimate", "adj_ci_low", "adj_ci_high", "adj_p", "p_holm", "n_pilot", "n_rest", "mde", "verdict"]
    return [{k: row[k] for k in keep} for row in effects.to_dict("records")]


def adoption(data: ReviewData) -> pd.DataFrame:
    """The roll-out of the one-time adoption steps (``[compare] adoption_items``).

    The levels are the roll-out table's (``review.rollout``, ``levels_by_period``): at
    baseline and post the pilots and the rest block-weighted on the units with data at both
    periods (the leaders' documents' one basis), at other periods the plain mean of the
    units reporting, so a group and period has one value in every table and sheet.

    Args:
        data: the loaded review data.

    Returns:
        One row per adoption item: indicator, indicator_vi, its level per group at baseline
        and post (``pilot_baseline`` … ``rest_post``: the share of units done for a yes/no
        step, the mean share of staff for a rate such as personal plans; %, 0–100; NaN
        without data), ``rest_reached_90`` (the first period the rest reached 90%, or
        "chưa đạt"), n_missing_post and missing_units (names, "; "-separated): the units
        not done at post, i.e. without the step, or for a rate of staff below 100%.
    """
    from vhcs_analysis.report import levels
    from vhcs_analysis.review.rollout import levels_by_period

    p = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post], data.settings.indicators)
    weights = str(data.settings.compare.block_weights)
    rows = []
    for name in verdicts.adoption_items(data.settings):
        if name not in p.columns:
            continue
        row: dict[str, object] = {"indicator": name, "indicator_vi": _label_of(name)}
        by_period = levels_by_period(p, name, data.periods, data.baseline, data.post, weights, levels.group_levels)
        for period, tag in ((data.baseline, "baseline"), (data.post, "post")):
            for group in ("pilot", "rest"):
                row[f"{group}_{tag}"] = by_period[period][group][0]
        reached = next((period_vi(period) for period in data.periods
                        if by_period[period]["rest"][0] >= 90.0), "")
        row["rest_reached_90"] = reached or "chưa đạt"
        last = p[p["period"] == data.post]
        # not done: a yes/no step at 0; a rate of staff (scale "percent") below 100%
        done = 100.0 if indicator_registry.indicator(name).scale == "percent" else 1e-9
        missing = last.loc[last[name] < done, "unit_id"]
        names = data.units.set_index("unit_id")["unit_name"]
        row["n_missing_post"] = int(len(missing))
        row["missing_units"] = "; ".join(sorted(str(names.get(u, u)) for u in missing))
        rows.append(row)
    return pd.DataFrame(rows)


def event_study(data: ReviewData) -> pd.DataFrame:
    """Pilot − rest gap in change since baseline, per period (``[plots] event_study_indicators``).

    DiD with studentised randomisation inference; the composite on each pair of periods'
    fixed mix of components.

    Args:
        data: the loaded review data.

    Returns:
        indicator, indicator_vi, period, estimate (in the indicator's unit; 0 at the
        baseline), ci_low, ci_high (95%; NaN at the baseline, ±inf when unbounded), p_value.
    """
    from vhcs_analysis import compare

    settings = data.settings
    base = panel(data)
    parts = []
    for name in settings.plots.event_study_indicators:
        rows = []
        for period in data.periods:
            if period == data.baseline:
                rows.append({"period": period, "estimate": 0.0, "ci_low": np.nan, "ci_high": np.nan,
                             "p_value": np.nan})
                continue
            work = verdicts.fixed_mix_panel(base, [data.baseline, period], settings.indicators) \
                if name == "oc_index" else base
            r = compare.pilot_effect(work, name, baseline=data.baseline, post=period, seed=SEED,
                                     bounds=indicator_registry.bounds(name), settings=settings.compare)
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
    """Each block's pilot against the other units of its block (descriptive), per outcome.

    Args:
        data: the loaded review data.

    Returns:
        indicator, indicator_vi, block, pilot_change, rest_change, difference (baseline →
        post, in the indicator's unit; NaN when a side has no data), n_rest; one row per
        outcome of ``[compare] family`` × block.
    """
    from vhcs_analysis import compare

    work = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post], data.settings.indicators)
    parts = []
    for name in verdicts.family(data.settings):
        pb = compare.per_block(work, name, data.baseline, data.post)
        parts.append(pd.DataFrame({"indicator": name, "indicator_vi": _label_of(name), "block": pb["block"].astype(str),
                                   "pilot_change": pb["pilot_change"].astype(float),
                                   "rest_change": pb["rest_change"].astype(float),
                                   "difference": pb["did"].astype(float), "n_rest": pb["n_rest"].astype("int64")}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["indicator", "block"], kind="mergesort").reset_index(drop=True)


def per_block_of(data: ReviewData, table: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``per_block`` for the headline indicator (``[report] main_indicator``).

    Args:
        data: the loaded review data (its settings name the indicator).
        table: ``per_block``.

    Returns:
        That indicator's rows, renumbered.
    """
    return table[table["indicator"] == data.settings.report.main_indicator].reset_index(drop=True)


def level_gap(data: ReviewData) -> pd.DataFrame:
    """Pilots vs the rest of their blocks at the baseline.

    The baseline already comes after the pilots were named: how different were they
    when the reports began? On the units the verdicts compare (data at both the baseline
    and the post period; the composite on each unit's fixed mix of components,
    ``verdicts.fixed_mix_panel``), so the groups' levels and the gap are the leaders'
    documents' baseline levels (``report.levels.group_levels``) and the interval and p
    belong to that same gap; an indicator no unit has at baseline: no gap.

    Args:
        data: the loaded review data.

    Returns:
        One row per compared indicator (sorted): indicator, indicator_vi, pilot_mean,
        rest_mean, gap (in the indicator's unit), ci_low, ci_high (95%, inside the gaps the
        indicator's range allows; ±inf where the data cannot bound an end; NaN when not
        comparable), p_value, comparable and reason_vi (why not comparable, '' otherwise).
    """
    from vhcs_analysis import compare

    work = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post], data.settings.indicators)
    rows = []
    for name in compared_indicators(data.settings):
        # the units with the indicator at both periods (the basis of every baseline level printed)
        keep = pd.Series(True, index=work.index)
        if name in work.columns:
            both = (work[work["period"].isin([data.baseline, data.post])].dropna(subset=[name])
                    .groupby("unit_id")["period"].nunique())
            keep = work["unit_id"].isin(both[both == 2].index)
        r = compare.level_gap(work[keep.to_numpy()], name, data.baseline, seed=SEED,
                              settings=data.settings.compare, bounds=indicator_registry.bounds(name))
        rows.append({"indicator": name, "pilot_mean": r.pilot_mean, "rest_mean": r.rest_mean, "gap": r.estimate,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value,
                     "comparable": not r.not_comparable_vi and not math.isnan(r.estimate),
                     "reason_vi": r.not_comparable_vi})
    out = _with_meta(pd.DataFrame(rows), cols=("indicator_vi",))
    return out.sort_values("indicator", kind="mergesort").reset_index(drop=True)


def level_gap_text(gap_table: pd.DataFrame) -> Any:
    """Generated prose on differences at the baseline.

    Args:
        gap_table: ``level_gap``.

    Returns:
        Markdown naming the indicators with p < 0.05, or saying there are none.
    """
    sig = gap_table[gap_table["p_value"] < 0.05]
    skipped = gap_table[~gap_table["comparable"].astype(bool)] if "comparable" in gap_table else gap_table.iloc[:0]
    skip_text = ("" if skipped.empty else " Không so sánh được ở kỳ gốc: " + "; ".join(
        f"{_lower_first(r.indicator_vi)} ({r.reason_vi or 'không đủ số liệu'})" for r in skipped.itertuples()) + ".")
    if sig.empty:
        return markdown("Ở kỳ gốc, không chỉ tiêu nào cho thấy đơn vị điểm khác rõ các đơn vị cùng khối "
                        "(mọi p ≥ 0,05); điều này không loại trừ khác biệt nhỏ mà số liệu chưa đủ để phát hiện."
                        + skip_text)
    names = "; ".join(f"{_lower_first(r.indicator_vi)} (chênh {fmt.signed(r.gap, 1)})" for r in sig.itertuples())
    return markdown(f"Ngay ở kỳ gốc, đơn vị điểm đã khác các đơn vị cùng khối về: {names} (p < 0,05). "
                    "Kỳ gốc đến sau khi đơn vị điểm được chọn, nên khác biệt này có thể do được chọn, do đã làm "
                    "trước, hoặc do một kỳ thuận lợi; vì vậy báo cáo xem cả ước lượng điều chỉnh theo mức kỳ gốc."
                    + skip_text)


def index_sensitivity(data: ReviewData) -> pd.DataFrame:
    """The composite with each component left out in turn (DiD and adjusted).

    Args:
        data: the loaded review data.

    Returns:
        ``verdicts.index_sensitivity``: one row per left-out component (first: none) with
        both estimates (index points), their 95% intervals and p.
    """
    return verdicts.index_sensitivity(panel(data), data.baseline, data.post, data.settings, seed=SEED)


def placebo(data: ReviewData) -> dict:
    """Pre-resolution rankings as a placebo check, or why it cannot be done.

    Args:
        data: the loaded review data (``[review] resolution_date`` gives the year).

    Returns:
        ``verdicts.placebo``: ``available``, ``years``, ``text`` and, when available, the
        estimate (ranking levels), its interval and p.
    """
    return verdicts.placebo(data.rankings, data.units, data.settings, seed=SEED)


def placebo_text(result: dict) -> Any:
    """The placebo check in words.

    Args:
        result: ``placebo``.

    Returns:
        Markdown of its ``text``.
    """
    return markdown(result["text"])
