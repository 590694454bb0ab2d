"""Intervals of means: Student-t intervals of a group mean (with the guarded SD for
seven pilots), means of repeated measurements by unit, block-clustered means, and the
per-group description of an indicator the review's trend tables print.

Every interval of an indicator's level is kept inside the indicator's range from the
registry (``indicator_registry.bounds``); coverage: tests/test_intervals.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vhcs_analysis import indicator_registry
from vhcs_analysis.periods import sort_codes



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

    arr = np.asarray(values, float)
    arr = arr[~np.isnan(arr)]
    if len(arr) < 2 and sd is None:
        return (np.nan, np.nan)
    if len(arr) < 1:
        return (np.nan, np.nan)
    sd = float(arr.std(ddof=1)) if sd is None else float(sd)
    df = len(arr) - 1 if df is None else int(df)
    if np.isnan(sd) or df < 1:
        return (np.nan, np.nan)
    mean = float(arr.mean())
    half = float(stats.t.ppf(0.5 + level / 2, df) * sd / np.sqrt(len(arr)))
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
                      level: float = 0.95,
                      bounds: tuple[float, float] | None = None) -> tuple[float, float, float, int]:
    """Mean over units and its interval when units share shocks within clusters (blocks):
    the cluster-robust standard error of the mean (cluster totals' spread, the CR1 factor
    G/(G − 1)) with Student t on G − 1 degrees of freedom, G the clusters with a value.
    A half-year that went well for a whole block moves all its units together; treating
    66 units as independent would make the interval far too narrow.

    Args:
        values: one value per unit (NaN left out).
        clusters: each unit's cluster (block).
        level: the confidence level.
        bounds: the range the ends are clipped to (for changes of an indicator:
            ``indicator_registry.difference_bounds``); None: not clipped.

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
    lo, hi = mean - half, mean + half
    if bounds is not None:
        lo, hi = max(lo, float(bounds[0])), min(hi, float(bounds[1]))
    return (mean, lo, hi, g)


def describe_by_group(panel: pd.DataFrame, indicator: str, by: Sequence[str] = ("period", "is_pilot"),
                      level: float = 0.95, pool: str | None = "is_pilot",
                      bounds: tuple[float, float] | None = None) -> pd.DataFrame:
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
        bounds: the range the intervals are clipped to; None: the registry's range of
            ``indicator`` (an unknown code is an error: pass the range of any other column).

    Returns:
        One row per group: the ``by`` columns, indicator, n, n_missing, mean, ci_low, ci_high (in
        the indicator's unit, clipped to its possible range; NaN without enough values).

    Raises:
        UnknownIndicatorError: ``indicator`` is not registered and no ``bounds`` are given.
    """
    if bounds is None:
        bounds = indicator_registry.bounds(indicator)
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
