"""Good practices to spread (nhân rộng cách làm hay): units whose improvement from the
baseline to the last period is beyond what chance gives, with the family of unit ×
indicator tests controlled by a false discovery rate (Benjamini–Hochberg q-value).

Two tests, by the kind of indicator (docs/statistics.md §6):
- a fall in a count over a denominator (complaints or violations per staff, late
  dossiers per dossier handled for the on-time rate): the unit's baseline and post
  counts, given their sum, are binomial under "the unit changed like everyone else" (the
  common ratio of the other units); extra-Poisson spread between units is measured on
  the period-to-period steps and widens the test (quasi-binomial);
- scores (inspection score): the unit's change minus the median change of the others,
  over the unit's own noise (its scores' spread around an additive unit + period fit
  over the periods before the last, moderated toward the bloc's, limma-style; a mean
  over n inspections weighs n): a moderated t test. Units whose scores wander more are
  not mistaken for improvers;
- count tests widen with the dispersion the data show, also when it grows with the
  volume of the count (shocks to a unit's share in one half-year).
Minimum denominators and counts (``[good_practices]``) keep small-count swings
(2 → 0 complaints among 16 staff) out before any test is run.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from vhcs_analysis import fmt
from vhcs_analysis.settings import GoodPractices

# Indicators whose improvement is a fall in a Form 01 count over a denominator: the count,
# the denominator's fields (summed), the minimum-denominator setting and the words of both.
COUNT_TESTS = {
    "complaints_per_100": ("complaints_conduct", ("staff_total",), "min_staff", "lượt", "CBCCVC"),
    "violations_per_100": ("discipline_violations", ("staff_total",), "min_staff", "người", "CBCCVC"),
    "on_time_rate": ("dossiers_late", ("dossiers_on_time", "dossiers_late"), "min_dossiers", "hồ sơ quá hạn",
                     "hồ sơ"),
}
ROBUST_SD = 1.4826  # MAD → SD under normal noise

COLUMNS = ["indicator", "unit_id", "block", "is_pilot", "baseline_value", "post_value", "change",
           "reference_change", "excess", "denominator", "baseline_count", "post_count", "p_value", "evidence",
           "method", "ends_better", "eligible", "is_candidate", "reason_vi"]


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col].astype("Float64"), errors="coerce").to_numpy(float, na_value=np.nan)


def _wide(frame: pd.DataFrame, col: str, periods, unit_col: str, period_col: str) -> pd.DataFrame:
    part = pd.DataFrame({"u": frame[unit_col].to_numpy(), "p": frame[period_col].to_numpy(), "v": _num(frame, col)})
    part = part[part["p"].isin(periods)].drop_duplicates(["u", "p"], keep="last")
    return part.pivot(index="u", columns="p", values="v").reindex(columns=list(periods))


def _others_median(values: np.ndarray) -> np.ndarray:
    """For each element, the median of all the others (NaN ignored)."""
    out = np.full(len(values), np.nan)
    for i in range(len(values)):
        rest = np.delete(values, i)
        rest = rest[~np.isnan(rest)]
        if len(rest):
            out[i] = np.median(rest)
    return out


def quasi_binomial_cdf(x, n, p, phi) -> np.ndarray:
    """P(X ≤ x) for X ~ Binomial(n, p) with counts deflated by the dispersion ``phi`` ≥ 1
    (x/φ out of n/φ; the regularised incomplete beta makes non-integer counts valid)."""
    x, n, p, phi = (np.asarray(v, float) for v in np.broadcast_arrays(x, n, p, phi))
    xs, ns = x / phi, n / phi
    out = np.ones_like(xs)
    inner = xs < ns
    out[inner] = special.betainc(ns[inner] - xs[inner], xs[inner] + 1.0, 1.0 - p[inner])
    return np.clip(out, 0.0, 1.0)


CHI2_1_MEDIAN = 0.454936  # median of a chi-square on 1 df: of z² for a z-score with unit variance


def count_dispersion(counts: pd.DataFrame, staff: pd.DataFrame, periods, min_events: int,
                     loo_max_units: int | None = None) -> tuple[float, pd.Series]:
    """Extra-binomial spread of a count between units, from the binomial z-scores of every
    unit's period-to-period step against the step's common ratio (steps with at least
    ``min_events`` events), in two shapes:

    - ``phi`` ≥ 1, the same for every unit: the robust variance of the z-scores (units
      whose rates differ for lasting reasons);
    - ``kappa`` ≥ 0 per unit, spread that grows with volume: var(z) = 1 + κ·m with
      m = nπ(1 − π) (a shock to a unit's share in one half-year moves a large count far
      more than its binomial noise; logit shocks of SD 0,3 on the late share do this). κ
      solves median(z² / (1 + κ·m)) = median of χ²(1), over the *other* units' steps (a
      unit's own real change does not widen its own test), and is used only when their
      spread clearly rises with volume (one-sided Spearman p < 0,05); else 0.

    Leaving each unit out costs O(units²); above ``loo_max_units`` units one κ over every
    unit's steps is used for all (a unit's ≤ 4 steps among thousands barely move a median:
    docs/statistics.md §6, checked in tests/test_good_practices.py).

    Args:
        counts, staff: units × periods, the count and its denominator.
        periods: the periods, in order.
        min_events: the fewest events (both periods) a step needs to count.
        loo_max_units: the most units for which κ leaves each unit out (None: always).

    Returns:
        (phi, kappa indexed like ``counts``); (1, zeros) with fewer than 10 steps.
    """
    zs, ms, owners = [], [], []
    for a, b in zip(periods[:-1], periods[1:]):
        c0, c1, s0, s1 = counts[a], counts[b], staff[a], staff[b]
        ok = (c0.notna() & c1.notna() & (s0 > 0) & (s1 > 0)).to_numpy()
        if ok.sum() < 3 or c0[ok].sum() <= 0:
            continue
        ratio = (c1[ok].sum() / s1[ok].sum()) / (c0[ok].sum() / s0[ok].sum())
        n = (c0 + c1)[ok].to_numpy(float)
        pi = (s1 * ratio / (s0 + s1 * ratio))[ok].to_numpy(float)
        keep = n >= min_events
        m = n[keep] * pi[keep] * (1 - pi[keep])
        zs.append((c1[ok].to_numpy(float)[keep] - n[keep] * pi[keep]) / np.sqrt(m))
        ms.append(m)
        owners.append(counts.index.to_numpy()[ok][keep])
    kappa = pd.Series(0.0, index=counts.index)
    z = np.concatenate(zs) if zs else np.array([])
    if len(z) < 10:
        return (1.0, kappa)
    m, owner = np.concatenate(ms), np.concatenate(owners)
    phi = max(1.0, float((ROBUST_SD * np.median(np.abs(z - np.median(z)))) ** 2))
    if loo_max_units is not None and len(kappa) > loo_max_units:
        kappa[:] = _volume_dispersion(z ** 2, m)
        return (phi, kappa)
    for unit in kappa.index:
        others = owner != unit
        kappa[unit] = _volume_dispersion(z[others] ** 2, m[others])
    return (phi, kappa)


def _volume_dispersion(z2: np.ndarray, m: np.ndarray) -> float:
    """κ of var(z) = 1 + κ·m (see ``count_dispersion``); 0 unless z² clearly rises with m."""
    if len(z2) < 10 or np.median(z2) <= CHI2_1_MEDIAN:
        return 0.0
    if not stats.spearmanr(m, z2, alternative="greater").pvalue < 0.05:
        return 0.0
    lo, hi = 0.0, 1.0
    while np.median(z2 / (1 + hi * m)) > CHI2_1_MEDIAN and hi < 1e6:
        hi *= 2
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.median(z2 / (1 + mid * m)) > CHI2_1_MEDIAN else (lo, mid)
    return hi


def _count_test(indicator: str, table: pd.DataFrame, reports: pd.DataFrame, periods, baseline: str, post: str,
                cfg: GoodPractices, unit_col: str, period_col: str) -> pd.DataFrame:
    """Quasi-binomial test of a fall in a count over its denominator (complaints per
    staff, late dossiers per dossier handled) beyond the other units' common ratio."""
    field, denominators, minimum, _, _ = COUNT_TESTS[indicator]
    counts = _wide(reports, field, periods, unit_col, period_col).reindex(table.index)
    exposure = sum(_wide(reports, f, periods, unit_col, period_col).reindex(table.index) for f in denominators)
    phi, kappa = count_dispersion(counts, exposure, periods, int(cfg.min_events),
                                  int(cfg.loo_max_units))
    c0, c1, s0, s1 = counts[baseline], counts[post], exposure[baseline], exposure[post]
    ok = (c0.notna() & c1.notna() & (s0 > 0) & (s1 > 0)).to_numpy()
    a0, a1, e0, e1 = (v.to_numpy(float) for v in (c0, c1, s0, s1))
    # the others' common ratio: totals over the usable units minus the unit itself
    t0, t1, u0, u1 = (np.where(ok, v, 0.0).sum() - np.where(ok, v, 0.0) for v in (a0, a1, e0, e1))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (t1 / u1) / (t0 / u0)
        pi = e1 * ratio / (e0 + e1 * ratio)
    usable = ok & (t0 > 0) & np.isfinite(pi)
    p = np.full(len(table), np.nan)
    n = a0 + a1
    # the larger of the two dispersions for this unit's volume (both estimated from the data)
    unit_phi = np.maximum(phi, 1.0 + kappa.reindex(table.index).to_numpy(float) * n * pi * (1 - pi))
    p[usable] = quasi_binomial_cdf(a1[usable], n[usable], pi[usable], unit_phi[usable])
    eligible = ok & (np.minimum(s0, s1).to_numpy(float) >= float(getattr(cfg, minimum))) \
        & ((c0 + c1).to_numpy(float) >= float(cfg.min_events))
    return pd.DataFrame({"denominator": s1.to_numpy(float), "baseline_count": c0.to_numpy(float),
                         "post_count": c1.to_numpy(float), "p_value": p, "eligible": eligible,
                         "method": [f"quasi-binomial, φ = {fmt.number(phi, 2)}, κ = {fmt.number(k, 4)}"
                                    for k in kappa.reindex(table.index).to_numpy(float)]},
                        index=table.index)


PRIOR_DF_MAX = 1000.0  # a bloc where every unit's noise is alike: the pooled noise, as good as known


def prior_df(s2: np.ndarray, d: np.ndarray) -> tuple[float, float]:
    """How alike the units' noise is: (d₀, s₀²) of the scaled-χ² prior of the units'
    variances ``s2`` on ``d`` degrees of freedom, by the moments of log s² (Smyth 2004,
    limma's ``fitFDist``): d₀ large when units differ no more than their own few degrees
    of freedom explain, small when some units wander far more than others.

    Args:
        s2: each unit's variance.
        d: its degrees of freedom (units with fewer than 1 are left out).

    Returns:
        (d₀, s₀²); (``PRIOR_DF_MAX``, mean s²) with fewer than 5 usable units.
    """
    ok = (d >= 1) & (s2 > 0) & np.isfinite(s2)
    s2, d = s2[ok], d[ok]
    if len(s2) < 5:
        return (PRIOR_DF_MAX, float(np.mean(s2)) if len(s2) else np.nan)
    e = np.log(s2) - special.digamma(d / 2) + np.log(d / 2)
    mean = float(e.mean())
    excess = float(((e - mean) ** 2).sum() / (len(e) - 1) - special.polygamma(1, d / 2).mean())
    if excess <= special.polygamma(1, PRIOR_DF_MAX / 2):
        d0 = PRIOR_DF_MAX
    else:  # trigamma(d0/2) = excess, trigamma decreasing
        lo, hi = 1e-3, PRIOR_DF_MAX / 2
        for _ in range(80):
            mid = math.sqrt(lo * hi)
            lo, hi = (mid, hi) if special.polygamma(1, mid) > excess else (lo, mid)
        d0 = 2 * hi
    return (d0, float(math.exp(mean + special.digamma(d0 / 2) - math.log(d0 / 2))))


def unit_noise(values: pd.DataFrame, counts: pd.DataFrame | None = None, *, own: Sequence[str] | None = None):
    """Each unit's own noise of one measurement, from how its values stray around an
    additive fit (unit level + period level) over the periods given, moderated toward the
    bloc's (empirical Bayes, limma's moderated t: s̃² = (d₀s₀² + d s²)/(d₀ + d) on d₀ + d
    degrees of freedom, with d₀ and s₀² from ``prior_df``). A value that is a mean over n
    inspections counts with weight n (its noise is s²/n).

    Args:
        values: units × periods.
        counts: measurements behind each value (inspections; None or missing: 1).
        own: the periods a unit's own noise is measured on (None: all); the prior (how
            alike units are, and the bloc's noise) always uses every period, where one
            unit's real change weighs little.

    Returns:
        (sd per unit, degrees of freedom per unit).
    """
    d_all, ss_all = _residual_ss(values, counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        d0, s0 = prior_df(np.where(d_all > 0, ss_all / np.maximum(d_all, 1), np.nan), d_all)
    d, ss = (d_all, ss_all) if own is None else _residual_ss(values[list(own)], None if counts is None
                                                            else counts[list(own)])
    sd = np.sqrt((d0 * s0 + ss) / (d0 + d))
    return sd, d0 + d


def _residual_ss(values: pd.DataFrame, counts: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(degrees of freedom, weighted residual sum of squares) per unit around the additive
    fit unit level + period level (alternating means over the values present)."""
    y = values.to_numpy(float)
    n = np.ones_like(y) if counts is None else counts.reindex_like(values).to_numpy(float)
    n = np.where(np.isnan(n) | (n < 1), 1.0, n)
    seen = ~np.isnan(y)
    a = np.zeros(y.shape[0])
    b = np.zeros(y.shape[1])
    with warnings.catch_warnings():  # a unit or period without any value: its mean is NaN, then 0
        warnings.simplefilter("ignore", RuntimeWarning)
        for _ in range(20):
            a = np.nanmean(np.where(seen, y - b[None, :], np.nan), axis=1)
            a = np.where(np.isnan(a), 0.0, a)
            b = np.nanmean(np.where(seen, y - a[:, None], np.nan), axis=0)
            b = np.where(np.isnan(b), 0.0, b)
    ss = np.where(seen, (y - a[:, None] - b[None, :]) ** 2 * n, 0.0).sum(axis=1)
    return np.maximum(seen.sum(axis=1) - 1, 0).astype(float), ss


def _noise_test(sign: float, excess: np.ndarray, table: pd.DataFrame, periods, baseline: str, post: str,
                counts: pd.DataFrame | None) -> pd.DataFrame:
    """t test of ``excess`` (the unit's change minus the others' median) against the
    unit's own noise (``unit_noise`` over the periods before ``post``, so the change tested
    does not widen its own test: units differ in how much their scores wander, and a mean
    over more inspections wanders less), with the unit's moderated degrees of freedom."""
    before = [p for p in periods if p != post]  # the change tested never widens its own test
    sd, df = unit_noise(table[list(periods)], counts, own=before)
    n = np.ones((len(table), 2)) if counts is None else counts[[baseline, post]].to_numpy(float)
    n = np.where(np.isnan(n) | (n < 1), 1.0, n)
    var = sd ** 2 * (1 / n[:, 0] + 1 / n[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(var > 0, sign * excess / np.sqrt(var), np.nan)
    p = np.where(np.isnan(t), np.nan, stats.t.sf(t, df))
    typical = float(np.nanmedian(sd)) if np.isfinite(sd).any() else np.nan
    return pd.DataFrame({"p_value": p, "eligible": ~np.isnan(p),
                         "method": f"t, độ dao động riêng từng đơn vị (trung vị {fmt.number(typical, 2)})"},
                        index=table.index)


def good_practice_candidates(panel: pd.DataFrame, outcomes, baseline: str, post: str, *,
                             settings: GoodPractices, reports: pd.DataFrame | None = None,
                             include_all: bool = False, unit_col: str = "unit_id",
                             period_col: str = "period", pilot_col: str = "is_pilot",
                             block_col: str = "block") -> pd.DataFrame:
    """Units whose improvement from ``baseline`` to ``post`` is beyond chance, per outcome.

    ``panel``: ``indicators.build_panel``'s shape; ``reports``: the Form 01 rows (counts
    and staff, for the count test; without it counts fall back to the noise test).
    ``evidence`` is the Benjamini–Hochberg q-value over every eligible unit × outcome
    test: the expected share of false finds among candidates at that cut. A candidate has
    q ≤ ``[good_practices] q_max``, a gain larger than ``min_gain`` (in the indicator's
    units) and ends better than the others' median (``ends_better``: a gain from an
    unusually bad baseline is mostly regression to the mean). ``settings``: the
    ``[good_practices]`` section (q_max, min_gain, minimum denominators and events)."""
    from vhcs_analysis.compare import unit_table
    from vhcs_analysis.indicator_registry import higher_is_better
    from vhcs_analysis.periods import sort_codes

    cfg = settings
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    periods = sort_codes({*panel[period_col].dropna(), baseline, post}) if period_col in panel.columns \
        else [baseline, post]
    frames = []
    for outcome in outcomes:
        table = unit_table(panel, outcome, periods, unit_col=unit_col, period_col=period_col,
                           pilot_col=pilot_col, block_col=block_col)
        sign = 1.0 if higher_is_better(outcome) else -1.0
        change = (table[post] - table[baseline]).to_numpy(float)
        reference = _others_median(change)
        excess = change - reference
        post_values = table[post].to_numpy(float)
        reference_post = _others_median(post_values)
        if outcome in COUNT_TESTS and reports is not None and COUNT_TESTS[outcome][0] in reports.columns:
            test = _count_test(outcome, table, reports, periods, baseline, post, cfg, unit_col, period_col)
        else:
            counts = (unit_table(panel, "n_inspections", periods, unit_col=unit_col, period_col=period_col,
                                 pilot_col=pilot_col, block_col=block_col)[periods]
                      if outcome == "inspection_score" and "n_inspections" in panel.columns else None)
            test = _noise_test(sign, excess, table, periods, baseline, post, counts)
            test["denominator"] = np.nan
            test["baseline_count"] = np.nan
            test["post_count"] = np.nan
        gain = float(cfg.min_gain_by_indicator.get(outcome, cfg.min_gain))
        frames.append(pd.DataFrame({
            "indicator": outcome, "unit_id": table.index.to_numpy(), "block": table["block"].to_numpy(),
            "is_pilot": table["is_pilot"].to_numpy(), "baseline_value": table[baseline].to_numpy(float),
            "post_value": post_values, "change": change, "reference_change": reference, "excess": excess,
            "denominator": test["denominator"].to_numpy(float),
            "baseline_count": test["baseline_count"].to_numpy(float),
            "post_count": test["post_count"].to_numpy(float), "p_value": test["p_value"].to_numpy(float),
            "method": test["method"].to_numpy(), "ends_better": sign * post_values > sign * reference_post,
            "eligible": test["eligible"].to_numpy(bool) & ~np.isnan(change),
            "_gain_ok": sign * excess > gain,
        }))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*COLUMNS, "_gain_ok"])
    out["evidence"] = np.nan
    tested = out["eligible"].to_numpy(bool) & out["p_value"].notna().to_numpy()
    if tested.any():
        out.loc[tested, "evidence"] = stats.false_discovery_control(out.loc[tested, "p_value"].to_numpy(float))
    out["is_candidate"] = (tested & (out["evidence"] <= float(cfg.q_max)).to_numpy()
                           & out["_gain_ok"].to_numpy(bool) & out["ends_better"].to_numpy(bool))
    out["reason_vi"] = [evidence_line(r) if r["is_candidate"] else "" for r in out.to_dict("records")]
    out = out.drop(columns="_gain_ok")
    out["is_pilot"] = out["is_pilot"].astype("boolean")
    if not include_all:
        out = out[out["is_candidate"]]
    order = {o: i for i, o in enumerate(outcomes)}
    out = out.assign(_o=out["indicator"].map(order), _q=out["evidence"].fillna(np.inf))
    out = out.sort_values(["_o", "_q", "unit_id"], kind="mergesort").drop(columns=["_o", "_q"])
    return out[COLUMNS].reset_index(drop=True)


def evidence_line(row: dict) -> str:
    """One line a leader reads: from what to what, among how many staff, what the other units'
    median change was (the unit left out, as ``excess`` is measured) and how unusual."""
    from vhcs_analysis.indicator_registry import indicator

    spec = indicator(row["indicator"])
    show = (lambda v: fmt.percent(v, spec.decimals)) if spec.is_percent else (lambda v: fmt.number(v, spec.decimals))
    text = f"{show(row['baseline_value'])} → {show(row['post_value'])}"
    if row["indicator"] in COUNT_TESTS and not np.isnan(row.get("baseline_count", np.nan)):
        _, _, _, what, among = COUNT_TESTS[row["indicator"]]
        text += (f" ({fmt.number(row['baseline_count'], 0)} → {fmt.number(row['post_count'], 0)} "
                 f"{what}; {fmt.number(row['denominator'], 0)} {among} ở kỳ cuối)")
    # the others' median change (the unit itself left out: ``_others_median``), what ``excess`` is measured from
    text += (f", trung vị thay đổi của các đơn vị khác (không tính đơn vị này) "
             f"{fmt.signed(row['reference_change'], 1)} {spec.diff_unit_vi}; "
             f"tỷ lệ gợi ý nhầm dự kiến {fmt.number(row['evidence'], 3)}")
    return text
