"""Synthetic panels for checking the pilot comparison by simulation, with pilots chosen
the ways blocks really choose them (docs/domain.md, "How pilots are chosen matters").

Each unit has a lasting level (block effect + unit effect) and, every period, a passing
part (a good or bad half-year). The pilot of each block is chosen:

- ``"level"``: the unit with the best lasting level (DiD is right, ANCOVA is biased up);
- ``"lucky"``: the unit with the best *observed* baseline, lasting level plus luck (the
  pilot drifts back next period: DiD is biased down, ANCOVA is right);
- ``"random"``: at random within the block;
- ``"trend"``: the unit expected to improve fastest (each unit has its own growth from
  the baseline to the post period, spread ``growth_sd``, and the block picks the fastest;
  a sharp choice). Both methods are then biased the same way: agreement between them
  does not protect a claim, only its sensitivity Γ says how much such bias it survives.

``simulate_panel`` is the older, simpler panel with pilots drawn at random (calibration of
the p-values and intervals in tests and benchmarks).

Pilots' effects at the post period are drawn around ``effect`` with spread ``effect_sd``
(effects that differ between pilots); the true average effect on the pilots is returned
with the panel so coverage can be checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SELECTIONS = ("level", "lucky", "random", "trend")


def block_sizes(n_units: int, n_blocks: int) -> list[int]:
    """Near-equal block sizes, larger blocks first.

    Args:
        n_units: units in all.
        n_blocks: number of blocks.

    Returns:
        The sizes (66 units, 7 blocks → 10, 10, 10, 9, 9, 9, 9).
    """
    base, extra = divmod(n_units, n_blocks)
    return [base + (i < extra) for i in range(n_blocks)]


def simulate_panel(seed: int = 0, *, n_units: int = 66, n_blocks: int = 7, pilots_per_block: int = 1,
                   effect: float = 0.0, periods: Sequence[str] = ("2016-H2", "2018-H2"), unit_sd: float = 8.0,
                   block_sd: float = 4.0, block_period_sd: float = 2.0, noise_sd: float = 4.0,
                   heteroskedastic: bool = True) -> pd.DataFrame:
    """A synthetic long panel with pilots drawn at random, for calibration (tests, benchmarks).

    Block and unit effects, block-by-period shocks, noise (unit-specific scale when
    ``heteroskedastic``), pilots drawn at random within blocks, and a constant additive
    ``effect`` on pilots in every period after the first; outcome ``y`` on a ~60-point
    scale rising 3 points per period.

    Args:
        seed: seed of every draw (same seed, same panel).
        n_units, n_blocks, pilots_per_block: the design.
        effect: the true effect on pilots, in ``y``'s points.
        periods: the periods, in order.
        unit_sd, block_sd, block_period_sd, noise_sd: standard deviations of the parts.
        heteroskedastic: give each unit its own noise scale (log-normal).

    Returns:
        One row per unit and period: ``unit_id, period, block, is_pilot, y``.
    """
    rng = np.random.default_rng(seed)
    sizes = block_sizes(n_units, n_blocks)
    block = np.repeat([f"K{b + 1}" for b in range(n_blocks)], sizes)
    pilot = np.zeros(n_units, bool)
    start = 0
    for size in sizes:
        pilot[start + rng.choice(size, pilots_per_block, replace=False)] = True
        start += size
    codes = np.repeat(np.arange(n_blocks), sizes)
    level = 60 + rng.normal(0, block_sd, n_blocks)[codes] + rng.normal(0, unit_sd, n_units)
    scale = noise_sd * (rng.lognormal(0, 0.5, n_units) if heteroskedastic else np.ones(n_units))
    frames = []
    for t, period in enumerate(periods):
        shock = rng.normal(0, block_period_sd, n_blocks)[codes]
        y = level + 3.0 * t + shock + rng.normal(0, 1, n_units) * scale + effect * pilot * (t > 0)
        frames.append(pd.DataFrame({"unit_id": [f"U{i + 1:03d}" for i in range(n_units)],
                                    "period": period, "block": block, "is_pilot": pilot, "y": y}))
    return pd.concat(frames, ignore_index=True)


def selection_panel(seed: int, *, selection: str = "lucky", effect: float = 0.0, effect_sd: float = 0.0,
                    n_units: int = 66, n_blocks: int = 7, unit_sd: float = 6.0, luck_sd: float = 6.0,
                    block_sd: float = 4.0, block_period_sd: float = 2.0, growth_sd: float = 5.0,
                    periods=("2016-H2", "2018-H2")) -> tuple[pd.DataFrame, float]:
    """(long panel ``unit_id, period, block, is_pilot, y``, true mean effect on pilots).

    ``growth_sd`` (used by ``selection="trend"`` only): the spread of the units' own
    growth after the baseline, which the choice of pilots follows."""
    if selection not in SELECTIONS:
        raise ValueError(f"unknown selection {selection!r}")
    rng = np.random.default_rng(seed)
    sizes = block_sizes(n_units, n_blocks)
    codes = np.repeat(np.arange(n_blocks), sizes)
    lasting = 60 + rng.normal(0, block_sd, n_blocks)[codes] + rng.normal(0, unit_sd, n_units)
    luck = rng.normal(0, luck_sd, (len(periods), n_units))
    shocks = rng.normal(0, block_period_sd, (len(periods), n_blocks))[:, codes]
    observed_base = lasting + luck[0] + shocks[0]
    chance = rng.random(n_units)
    # drawn last, so the other selections' panels stay as they were for a seed
    growth = rng.normal(0, growth_sd, n_units) if selection == "trend" else np.zeros(n_units)
    score = {"level": lasting, "lucky": observed_base, "random": chance, "trend": growth}[selection]
    pilot = np.zeros(n_units, bool)
    start = 0
    for size in sizes:
        pilot[start + int(np.argmax(score[start:start + size]))] = True
        start += size
    tau = effect + effect_sd * rng.standard_normal(n_units)
    frames = []
    for t, period in enumerate(periods):
        y = lasting + 3.0 * t + shocks[t] + luck[t] + (t > 0) * (pilot * tau + growth)
        frames.append(pd.DataFrame({"unit_id": [f"U{i + 1:03d}" for i in range(n_units)], "period": period,
                                    "block": [f"K{c + 1}" for c in codes], "is_pilot": pilot, "y": y}))
    return pd.concat(frames, ignore_index=True), float(tau[pilot].mean())


def claim_rates(selection: str, *, n_sims: int, effect: float = 0.0, effect_sd: float = 0.0,
                mc_draws: int = 999, seed: int = 0, alpha: float = 0.05) -> dict:
    """Over ``n_sims`` panels: how often each method and the claim rule (both intervals on
    the same side of 0, the larger p below ``alpha``) claim a difference, and how often
    each interval and their union cover the true mean effect on the pilots."""
    from vhcs_analysis import compare

    base, post = "2016-H2", "2018-H2"
    counts = dict(did_reject=0, adj_reject=0, claim=0, did_cover=0, adj_cover=0, union_cover=0)
    for i in range(n_sims):
        panel, truth = selection_panel(seed + i, selection=selection, effect=effect, effect_sd=effect_sd)
        did = compare.pilot_effect(panel, "y", baseline=base, post=post, method="did", mc_draws=mc_draws,
                                   exact_limit=0, seed=i)
        adj = compare.pilot_effect(panel, "y", baseline=base, post=post, method="ancova", mc_draws=mc_draws,
                                   exact_limit=0, seed=i)
        d_side = np.sign(did.ci_low) if did.ci_low > 0 else (-1 if did.ci_high < 0 else 0)
        a_side = np.sign(adj.ci_low) if adj.ci_low > 0 else (-1 if adj.ci_high < 0 else 0)
        counts["did_reject"] += d_side != 0
        counts["adj_reject"] += a_side != 0
        counts["claim"] += d_side != 0 and d_side == a_side and max(did.p_value, adj.p_value) < alpha
        d_cov = did.ci_low <= truth <= did.ci_high
        a_cov = adj.ci_low <= truth <= adj.ci_high
        counts["did_cover"] += d_cov
        counts["adj_cover"] += a_cov
        counts["union_cover"] += min(did.ci_low, adj.ci_low) <= truth <= max(did.ci_high, adj.ci_high)
    return {k: float(v) / n_sims for k, v in counts.items()} | {"n_sims": n_sims, "selection": selection,
                                                          "effect": effect, "effect_sd": effect_sd}
