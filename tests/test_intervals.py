"""Intervals labelled 95% keep their coverage: group means at n = 7 (one pilot per block)
and inspection criteria at the sample's inspection counts, resampling units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import indicators as ind

# The sample's inspections per unit over the five rounds (notebook 04): 7 pilots inspected
# 5 times; 59 other units 166 times (2 rounds for all, 24 of them in each of 3 other rounds).
PILOT_COUNTS = [5] * 7
REST_COUNTS = [2] * 23 + [3] * 24 + [4] * 10 + [5] * 2


def _draw(kind: str, rng, size):
    """Unit values like the panel's: a normal score, a skewed rate per 100 staff, a rate
    near its 100% ceiling."""
    if kind == "normal":
        return rng.normal(70.0, 8.0, size), 70.0
    if kind == "skewed":  # complaints per 100 staff: log-normal, mean 5
        sigma = 0.6
        return rng.lognormal(np.log(5.0) - sigma ** 2 / 2, sigma, size), 5.0
    if kind == "ceiling":  # on-time rate: 100 − exponential gap, mean 88
        return 100.0 - rng.exponential(12.0, size), 88.0
    raise KeyError(kind)


def coverage_of_group_means(kind: str, n: int, sims: int, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    bounds = (0.0, 100.0) if kind != "skewed" else (0.0, np.inf)
    hits = 0
    for _ in range(sims):
        values, truth = _draw(kind, rng, n)
        lo, hi = ind.mean_ci(values, bounds=bounds)
        hits += lo <= truth <= hi
    return hits / sims


def _criterion_scores(rng, counts) -> tuple[pd.DataFrame, float]:
    """Scores 0–10 in half points: unit level (SD 0,7) + inspection noise (SD 0,8)."""
    levels = np.clip(rng.normal(7.3, 0.7, len(counts)), 0, 10)
    unit = np.repeat(np.arange(len(counts)), counts)
    raw = levels[unit] + rng.normal(0, 0.8, len(unit))
    return pd.DataFrame({"unit_id": unit, "score": np.clip(np.round(raw * 2) / 2, 0, 10)}), None


def _criterion_truth(counts, draws: int = 400_000, seed: int = 99) -> float:
    """The mean over units of each unit's expected score (rounding and clipping included)."""
    rng = np.random.default_rng(seed)
    levels = np.clip(rng.normal(7.3, 0.7, draws), 0, 10)
    raw = levels + rng.normal(0, 0.8, draws)
    return float(np.clip(np.round(raw * 2) / 2, 0, 10).mean())


def coverage_of_criteria(counts, sims: int, seed: int = 0) -> float:
    """What ``review.inspection_criteria`` does: unit means, then a t interval over units."""
    rng = np.random.default_rng(seed)
    truth = _criterion_truth(counts)
    hits = 0
    for _ in range(sims):
        scores, _ = _criterion_scores(rng, counts)
        unit_means = scores.groupby("unit_id")["score"].mean().to_numpy()
        lo, hi = ind.mean_ci(unit_means, bounds=(0.0, 10.0))
        hits += lo <= truth <= hi
    return hits / sims


def test_mean_ci__student_t_and_clipped_to_the_possible_range():
    lo, hi = ind.mean_ci([1.0, 2.0, 3.0])
    assert (lo, hi) == pytest.approx((2.0 - 4.302653 / np.sqrt(3), 2.0 + 4.302653 / np.sqrt(3)), rel=1e-6)
    assert ind.mean_ci([99.0, 100.0, 100.0], bounds=(0.0, 100.0))[1] == 100.0
    assert np.isnan(ind.mean_ci([5.0])[0]) and ind.mean_ci([4.0, 4.0]) == (4.0, 4.0)


def test_mean_ci__covers_at_n_7_in_a_quick_check():
    assert coverage_of_group_means("normal", 7, 400) >= 0.91


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "floor"), [("normal", 0.93), ("skewed", 0.88), ("ceiling", 0.88)])
def test_mean_ci__covers_95_percent_at_n_7(kind, floor):
    """Seen (seed 1, 4 000 sims): normal 95,9%, log-normal (skewness ≈ 2) 90,5%, 100 − exponential
    90,0% (the percentile bootstrap it replaced: 75–86%). Strong skew at n = 7 is the known limit of
    any t interval; docs/statistics.md §1 says so."""
    coverage = coverage_of_group_means(kind, 7, 4000, seed=1)
    print(f"\nmean_ci coverage, n = 7, {kind}: {coverage:.3f}")
    assert coverage >= floor


@pytest.mark.slow
@pytest.mark.parametrize("group", ["pilot", "rest"])
def test_inspection_criteria_interval__covers_95_percent_at_the_sample_counts(group):
    counts = PILOT_COUNTS if group == "pilot" else REST_COUNTS
    coverage = coverage_of_criteria(counts, 4000, seed=2)
    print(f"\ninspection criterion coverage, {group} ({len(counts)} units, {sum(counts)} inspections): {coverage:.3f}")
    assert coverage >= 0.93
