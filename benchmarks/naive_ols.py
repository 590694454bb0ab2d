"""Why not ordinary cluster-robust OLS: with 7 pilots its 5% test rejects a true null too often.

Simulates null panels (no effect; block and unit effects, block-by-period shocks,
unit-specific noise; one pilot drawn at random in each of 7 blocks, 66 units) and counts
how often each method calls the difference significant at 5%:
- OLS DiD (first differences on a pilot dummy), unit-clustered CR1 SE (= HC1), z test;
- the same with block fixed effects;
- OLS DiD with block fixed effects, block-clustered CR1 SE (7 clusters), z test (the
  usual large-sample reading) and t(6) test (the small-cluster correction);
- the package's randomisation inference (``compare.pilot_effect``).
A valid test rejects about 5%. Run: ``python -m benchmarks.naive_ols [n_sims] [seed]``.
Standard errors are computed with numpy (no statsmodels).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import stats

from vhcs_analysis import compare, simulation

BASE, POST = "2016-H2", "2018-H2"


def cluster_se(x: np.ndarray, y: np.ndarray, clusters: np.ndarray, coef: int) -> tuple[float, float]:
    """OLS coefficient ``coef`` and its CR1 cluster-robust standard error (Stata's default:
    G/(G−1) · (N−1)/(N−K))."""
    n, k = x.shape
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    groups = np.unique(clusters)
    meat = np.zeros((k, k))
    for g in groups:
        score = x[clusters == g].T @ resid[clusters == g]
        meat += np.outer(score, score)
    g = len(groups)
    scale = g / (g - 1) * (n - 1) / (n - k)
    vcov = scale * xtx_inv @ meat @ xtx_inv
    return float(beta[coef]), float(np.sqrt(vcov[coef, coef]))


def _designs(pilot: np.ndarray, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ones = np.ones((len(pilot), 1))
    plain = np.hstack([pilot[:, None].astype(float), ones])
    dummies = (block[:, None] == np.unique(block)[None, :]).astype(float)
    with_blocks = np.hstack([pilot[:, None].astype(float), dummies])
    return plain, with_blocks


METHODS = (
    ("ols_unit_cluster", "OLS DiD, SE cụm theo đơn vị (HC1), kiểm định z"),
    ("ols_blockfe_unit_cluster", "OLS DiD + hiệu ứng khối, SE cụm theo đơn vị, kiểm định z"),
    ("ols_blockfe_block_cluster_z", "OLS DiD + hiệu ứng khối, SE cụm theo khối (7 cụm), kiểm định z"),
    ("ols_blockfe_block_cluster", "OLS DiD + hiệu ứng khối, SE cụm theo khối (7 cụm), kiểm định t(6)"),
    ("randomisation", "Suy luận hoán vị trong khối (compare.pilot_effect)"),
)


def run(n_sims: int = 1000, seed: int = 0, mc_draws: int = 499, alpha: float = 0.05,
        verbose: bool = True) -> dict:
    """Rejection rates at ``alpha`` on null panels for each method; prints a small table."""
    start = time.perf_counter()
    rejected = dict.fromkeys((m for m, _ in METHODS), 0)
    z_crit = stats.norm.ppf(1 - alpha / 2)
    for i in range(n_sims):
        panel = simulation.simulate_panel(seed + i, effect=0.0)
        units = compare.unit_table(panel, "y", [BASE, POST])
        change = (units[POST] - units[BASE]).to_numpy()
        pilot = units["is_pilot"].to_numpy(bool)
        block = units["block"].to_numpy(str)
        unit_ids = np.arange(len(change))
        plain, with_blocks = _designs(pilot, block)
        b, se = cluster_se(plain, change, unit_ids, 0)
        rejected["ols_unit_cluster"] += abs(b / se) > z_crit
        b, se = cluster_se(with_blocks, change, unit_ids, 0)
        rejected["ols_blockfe_unit_cluster"] += abs(b / se) > z_crit
        b, se = cluster_se(with_blocks, change, block, 0)
        rejected["ols_blockfe_block_cluster_z"] += abs(b / se) > z_crit
        g = len(np.unique(block))
        rejected["ols_blockfe_block_cluster"] += abs(b / se) > stats.t.ppf(1 - alpha / 2, g - 1)
        result = compare.pilot_effect(panel, "y", baseline=BASE, post=POST, mc_draws=mc_draws, seed=i)
        rejected["randomisation"] += result.p_value <= alpha
    rates = {m: rejected[m] / n_sims for m, _ in METHODS}
    se = {m: float(np.sqrt(max(r, 1e-12) * (1 - r) / n_sims)) for m, r in rates.items()}
    out = {"n_sims": n_sims, "seed": seed, "alpha": alpha, "rates": rates, "mc_se": se,
           "seconds": round(time.perf_counter() - start, 1)}
    if verbose:
        print(f"Tỷ lệ bác bỏ giả thuyết 'không có khác biệt' (đúng) ở mức {alpha:.0%}: "
              f"{n_sims} mô phỏng, 66 đơn vị, 7 khối, 1 đơn vị điểm/khối")
        for key, label in METHODS:
            print(f"  {rates[key]:6.1%} ± {se[key]:.1%}  {label}")
        print(f"  (một kiểm định đúng bác bỏ khoảng {alpha:.0%}; {out['seconds']} giây)")
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    run(*args)
