"""Section 2: roll-out of the resolution (task groups 1 and 3) and indicators by goal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt, indicator_registry
from vhcs_analysis.review.base import (
    ReviewData, period_vi, markdown, panel, _with_meta, _group_of, _period_order,
)


def rollout(data: ReviewData) -> pd.DataFrame:
    """Task groups 1 and 3 per period and group (pilot, rest, all): share of staff who
    studied the resolution, share of units with an action programme, mean share of staff
    with a personal plan and of departments with a plan (2018 form only: NaN before), and
    share of units with the office layout done (0–100), each with the number of units.

    At the baseline and post periods the levels are on the leaders' documents' one basis:
    pilots and rest block-weighted (``[compare] block_weights``) on the units with data at
    both periods (``report.levels.group_levels``, the verdicts' basis), the whole bloc the
    plain mean of those units (``indicators_by_goal``'s basis); for a measure no unit has
    at baseline, the units with it at post. Other periods: the mean of the units reporting.

    Args:
        data: the loaded review data.

    Returns:
        period, group (pilot, rest, all), measure, measure_vi, value (0–100, NaN without a
        report), n_units (the units the value is over), one row per period × group × measure.
    """
    from vhcs_analysis import verdicts
    from vhcs_analysis.report import levels

    p = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post], data.settings.indicators)
    weights = str(data.settings.compare.block_weights)
    sources = {"study_rate": "study_rate", "action_programme_share": "action_programme",
               "personal_plan_rate": "personal_plan_rate", "department_plan_rate": "department_plan_rate",
               "office_layout_share": "office_layout"}
    rows = []
    for measure, col in sources.items():
        by_period = levels_by_period(p, col, data.periods, data.baseline, data.post, weights, levels.group_levels)
        for period in data.periods:
            for group in ("pilot", "rest", "all"):
                value, n = by_period[period][group]
                rows.append({"period": period, "group": group, "measure": measure,
                             "measure_vi": indicator_registry.indicator(col).short_label_vi,
                             "value": value, "n_units": n})
    out = pd.DataFrame(rows)
    out["_m"] = out["measure"].map({m: i for i, m in enumerate(sources)})
    out["_p"] = _period_order(data, out["period"])
    out["_g"] = out["group"].map({"pilot": 0, "rest": 1, "all": 2})
    out = out.sort_values(["_m", "_p", "_g"], kind="mergesort").drop(columns=["_m", "_p", "_g"])
    return out[["period", "group", "measure", "measure_vi", "value", "n_units"]].reset_index(drop=True)


def levels_by_period(p: pd.DataFrame, col: str, periods: Sequence[str], baseline: str, post: str, weights: str,
                     group_levels: Callable[..., Any]) -> dict:
    """The levels of one column per period and group on the roll-out tables' basis (``rollout``).

    At ``baseline`` and ``post`` the leaders' documents' one basis (``_ends``), at other
    periods the plain mean of the units reporting; shared by ``rollout`` and
    ``review.pilots.adoption`` so both print one value per group and period.

    Args:
        p: the fixed-mix panel (``verdicts.fixed_mix_panel``).
        col: the indicator's column.
        periods: the periods, in order.
        baseline: the baseline period.
        post: the post period.
        weights: ``[compare] block_weights``.
        group_levels: ``report.levels.group_levels``.

    Returns:
        {period: {group: (value, n_units)}} for the groups pilot, rest and all (value NaN
        and n_units 0 without data).
    """
    ends = _ends(p, col, baseline, post, weights, group_levels)
    out: dict = {}
    for period in periods:
        if period in ends:
            out[period] = ends[period]
            continue
        part = p[p["period"] == period]
        values = part[col].to_numpy(dtype=float, na_value=np.nan) if col in part.columns else np.full(len(part), np.nan)
        groups = _group_of(part["is_pilot"]).to_numpy()
        out[period] = {}
        for group in ("pilot", "rest", "all"):
            ok = values if group == "all" else values[groups == group]
            ok = ok[~np.isnan(ok)]
            out[period][group] = ((float(ok.mean()) if len(ok) else np.nan), len(ok))
    return out


def _ends(p: pd.DataFrame, col: str, baseline: str, post: str, weights: str, group_levels) -> dict:
    """{period: {group: (value, n_units)}} at ``baseline`` and ``post`` on the one basis
    (see ``rollout``); ``group_levels`` is ``report.levels.group_levels``."""
    if col not in p.columns:
        return {}
    g = group_levels(p, col, baseline, post, weights)
    by_unit = p.pivot_table(index="unit_id", columns="period", values=col, aggfunc="first", dropna=False)
    base = by_unit[baseline] if baseline in by_unit.columns else pd.Series(dtype=float)
    after = by_unit[post] if post in by_unit.columns else pd.Series(dtype=float)
    has_base = bool(base.notna().any())
    both = after.notna() & base.reindex(after.index).notna() if has_base else after.notna()
    nan = float("nan")
    n_pilot, n_rest = (g.n_pilot, g.n_rest) if g is not None else (0, 0)
    return {
        baseline: {"pilot": (g.pilot_base if g is not None else nan, n_pilot if has_base else 0),
                   "rest": (g.rest_base if g is not None else nan, n_rest if has_base else 0),
                   "all": (float(base.reindex(both[both].index).mean()) if has_base and both.any() else nan,
                           int(both.sum()) if has_base else 0)},
        post: {"pilot": (g.pilot_post if g is not None else nan, n_pilot),
               "rest": (g.rest_post if g is not None else nan, n_rest),
               "all": (float(after[both].mean()) if both.any() else nan, int(both.sum()))},
    }


def rollout_at(table: pd.DataFrame, period: str, groups: Sequence[str] = ("pilot", "rest")) -> pd.DataFrame:
    """Rows of ``rollout`` for one period and the given groups (for the bar chart).

    Args:
        table: ``rollout``.
        period: the period shown.
        groups: the groups kept, in order.

    Returns:
        The rows of that period and those groups.
    """
    return table[(table["period"] == period) & table["group"].isin(groups)].reset_index(drop=True)


def on_time_rate(data: ReviewData) -> pd.DataFrame:
    """One-stop on-time rate per period and group, pooled over dossiers:
    on time / (on time + late) × 100 (units without a one-stop desk left out).

    Args:
        data: the loaded review data.

    Returns:
        period, group (pilot, rest, all), dossiers_on_time, dossiers_late, on_time_rate (%,
        0–100; NaN without dossiers), n_units.
    """
    reports = data.unit_reports.merge(data.units[["unit_id", "is_pilot"]], on="unit_id", how="left")
    reports["group"] = _group_of(reports["is_pilot"]).to_numpy()
    on_time = pd.to_numeric(reports["dossiers_on_time"], errors="coerce").astype("float64")
    late = pd.to_numeric(reports["dossiers_late"], errors="coerce").astype("float64")
    reports = reports.assign(_on=on_time, _late=late)
    reports = reports[reports["_on"].notna() & reports["_late"].notna() & ((reports["_on"] + reports["_late"]) > 0)]
    rows = []
    for period in data.periods:
        part = reports[reports["period"] == period]
        for group in ("pilot", "rest", "all"):
            g = part if group == "all" else part[part["group"] == group]
            on, lt = float(g["_on"].sum()), float(g["_late"].sum())
            rows.append({"period": period, "group": group, "dossiers_on_time": int(on), "dossiers_late": int(lt),
                         "on_time_rate": 100 * on / (on + lt) if on + lt > 0 else np.nan,
                         "n_units": int(g["unit_id"].nunique())})
    return pd.DataFrame(rows, columns=["period", "group", "dossiers_on_time", "dossiers_late", "on_time_rate",
                                       "n_units"])


def trend_of(data: ReviewData, indicator: str) -> pd.DataFrame:
    """Mean of one indicator per period, pilots vs rest, with Student-t 95% intervals.

    Args:
        data: the loaded review data.
        indicator: the indicator's code.

    Returns:
        indicator, indicator_vi, period, group (pilot/rest), mean, ci_low, ci_high (in the
        indicator's unit; NaN without enough values), n_units.
    """
    from vhcs_analysis import intervals

    desc = intervals.describe_by_group(panel(data), indicator, by=("period", "is_pilot"))
    desc = desc[desc["period"].isin(data.periods) & desc["is_pilot"].notna()]
    out = pd.DataFrame({
        "indicator": indicator,
        "period": desc["period"].astype(str).to_numpy(),
        "group": _group_of(desc["is_pilot"]).to_numpy(),
        "mean": desc["mean"].astype(float).to_numpy(),
        "ci_low": desc["ci_low"].astype(float).to_numpy(),
        "ci_high": desc["ci_high"].astype(float).to_numpy(),
        "n_units": desc["n"].astype("int64").to_numpy(),
    })
    out = _with_meta(out, cols=("indicator_vi",))
    out["_p"] = _period_order(data, out["period"])
    out = out.sort_values(["_p", "group"], kind="mergesort").drop(columns="_p")
    return out.reset_index(drop=True)


CHANGE_VI = {"improved": "tiến bộ", "declined": "đi xuống", "no_clear_change": "chưa thấy thay đổi rõ",
             "no_data": "không đủ số liệu"}


def indicators_by_goal(data: ReviewData) -> pd.DataFrame:
    """Every indicator at baseline and post and the mean within-unit change
    with its 95% interval, block-clustered (``intervals.clustered_mean_ci``: units of a
    block share each half-year's shocks), and an ``assessment`` of the change that holds
    over the whole table: "improved"/"declined" only when the clustered interval at level
    1 − 0,05/m (Bonferroni over the m indicators with an interval) excludes 0. Ordered by
    goal, then task group. The composite uses each unit's same components at both periods
    (``verdicts.fixed_mix_panel``), so its change is not a change in which components were
    reported.

    Args:
        data: the loaded review data.

    Returns:
        indicator, indicator_vi, goal, task_group, baseline_mean, post_mean (in the
        indicator's unit, over the units with both values, so that post_mean − baseline_mean
        is ``change``; for an indicator no unit has at baseline, no baseline and the post mean
        over every unit with a value; with a baseline but no unit at both periods, neither),
        change (mean within-unit change), ci_low, ci_high (95%, block-clustered, unadjusted),
        n_units (units with both values; without a baseline, the units the post mean is
        over), n_blocks,
        assessment (improved / declined / no_clear_change / no_data, in the indicator's
        better direction), assessment_vi ("tiến bộ", "đi xuống", "chưa thấy thay đổi
        rõ", "không đủ số liệu") and ci_adj_low, ci_adj_high (the block-clustered interval
        at level 1 − 0,05/m the assessment is decided with; the m is the number of rows with
        an interval; empty where there is none).
    """
    from vhcs_analysis import indicators, intervals, verdicts

    p = verdicts.fixed_mix_panel(panel(data), [data.baseline, data.post], data.settings.indicators)
    base = p[p["period"] == data.baseline].set_index("unit_id")
    post = p[p["period"] == data.post].set_index("unit_id")
    blocks = post["block"]
    rows = []
    for name in indicators.INDICATOR_NAMES:
        b = base[name].astype(float)
        a = post[name].astype(float)
        change = (a - b.reindex(a.index)).dropna()
        mean, lo, hi, g = intervals.clustered_mean_ci(change.to_numpy(), blocks.reindex(change.index).to_numpy(),
                                                      bounds=indicator_registry.difference_bounds(name))
        # levels on the units the change is averaged over (their difference is the change);
        # an indicator no unit has at baseline (a field of the 2018 form) keeps its post level
        # over the units that have it, and n_units counts those units (issue 21)
        both = change.index
        no_baseline = not len(both) and not b.notna().any()
        base_mean = b.reindex(both).mean() if len(both) else np.nan
        post_mean = a.reindex(both).mean() if len(both) else (a.mean() if no_baseline else np.nan)
        n_units = int(a.notna().sum()) if no_baseline else len(change)
        rows.append({"indicator": name, "baseline_mean": base_mean, "post_mean": post_mean,
                     "change": mean, "ci_low": lo, "ci_high": hi, "n_units": n_units, "n_blocks": g,
                     "_values": change.to_numpy(), "_blocks": blocks.reindex(change.index).to_numpy()})
    m = sum(1 for r in rows if np.isfinite(r["ci_low"]))
    for r in rows:
        values, groups = r.pop("_values"), r.pop("_blocks")
        r["ci_adj_low"], r["ci_adj_high"] = np.nan, np.nan
        if not np.isfinite(r["ci_low"]):
            r["assessment"] = "no_data"
            continue
        _, lo, hi, _ = intervals.clustered_mean_ci(values, groups, level=1 - 0.05 / m,
                                                   bounds=indicator_registry.difference_bounds(r["indicator"]))
        r["ci_adj_low"], r["ci_adj_high"] = lo, hi
        better = 1.0 if indicator_registry.higher_is_better(r["indicator"]) else -1.0
        r["assessment"] = ("no_clear_change" if lo <= 0 <= hi else
                           "improved" if better * r["change"] > 0 else "declined")
    out = _with_meta(pd.DataFrame(rows))
    out["n_blocks"] = out["n_blocks"].astype("int64")
    out["assessment_vi"] = out["assessment"].map(CHANGE_VI)
    out = out[[c for c in out.columns if c not in ("ci_adj_low", "ci_adj_high")] + ["ci_adj_low", "ci_adj_high"]]
    out["_g"] = out["goal"].fillna(9)
    out["_t"] = out["task_group"].fillna(9)
    out = out.sort_values(["_g", "_t", "indicator"], kind="mergesort").drop(columns=["_g", "_t"])
    return out.reset_index(drop=True)


def rollout_numbers(data: ReviewData) -> dict:
    """The roll-out section of key_numbers.json (all units, 0–100).

    Args:
        data: the loaded review data.

    Returns:
        study_rate, action_programme_share, office_layout_share at post (all units, 0–100)
        and the on-time rate at baseline and post (%), for key_numbers.json; None where
        there is no value.
    """
    table = rollout(data)
    at_post = table[(table["period"] == data.post) & (table["group"] == "all")].set_index("measure")["value"]
    rate = on_time_rate(data)
    everyone = rate[rate["group"] == "all"].set_index("period")["on_time_rate"]
    return {
        "study_rate": at_post.get("study_rate"),
        "action_programme_share": at_post.get("action_programme_share"),
        "office_layout_share": at_post.get("office_layout_share"),
        "on_time_rate_baseline": everyone.get(data.baseline),
        "on_time_rate_post": everyone.get(data.post),
    }


def rollout_text(data: ReviewData) -> Any:
    """Generated prose: where the roll-out stood at the end of the window.

    Args:
        data: the loaded review data.

    Returns:
        Markdown from the data.
    """
    n = rollout_numbers(data)
    table = rollout(data)
    at_post = table[table["period"] == data.post]

    def val(measure, group):
        v = at_post[(at_post["measure"] == measure) & (at_post["group"] == group)]["value"]
        return fmt.percent(v.iloc[0], 1) if len(v) else fmt.MISSING

    return markdown(
        f"Đến {period_vi(data.post)}, bình quân các đơn vị có báo cáo, **{fmt.percent(n['study_rate'])}** cán bộ đã "
        f"được học tập, quán triệt Nghị quyết (đơn vị điểm {val('study_rate', 'pilot')}, các đơn vị còn lại "
        f"{val('study_rate', 'rest')}); **{fmt.percent(n['action_programme_share'])}** đơn vị đã có chương trình "
        f"hành động và **{fmt.percent(n['office_layout_share'])}** đơn vị đã hoàn thành bài trí công sở. "
        f"Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (gộp mọi hồ sơ) từ "
        f"{fmt.percent(n['on_time_rate_baseline'])} ở kỳ gốc ({period_vi(data.baseline)}) thành "
        f"{fmt.percent(n['on_time_rate_post'])} ở {period_vi(data.post)}."
    )
