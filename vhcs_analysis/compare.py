"""Pilot units vs the rest: block-stratified difference-in-differences with
randomisation inference that stays valid with seven (non-random) pilots.

Estimate: for each block b, d_b = mean change of its pilot(s) − mean change of its
other units (change = outcome at ``post`` − outcome at ``baseline``); the estimate is
Σ w_b d_b with block weights from ``[compare] block_weights`` (default equal: each pilot
against its own block). Units missing the outcome at either period are dropped; blocks
left without a pilot or without another unit are dropped; both are reported.

Inference permutes the pilot label within blocks (same number of pilots per block):
exact enumeration up to ``[compare] exact_limit`` assignments, seeded Monte Carlo
beyond. The statistic is additive over blocks and linear in the outcome, so for every
assignment z it is A(z) − τ·B(z) under the sharp null "effect = τ on pilots"; A and B
are built once (outer sums of per-block arrays) and the 95% interval is found by
bisection on τ with one vector pass per step. See docs/statistics.md.

The ``[compare]`` settings (block weights, exact limit, Monte Carlo draws, alpha) come in
as ``settings`` (a ``settings.Compare``, the section of the frozen settings the caller
loaded); without it, the package's ``defaults.toml``, never a settings file found on disk.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, replace
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis.settings import Compare


@dataclass(frozen=True)
class EffectResult:
    """One comparison of pilots with the rest of their blocks.

    ``estimate``, ``ci_low``, ``ci_high``, ``pilot_mean`` and ``rest_mean`` are in the
    outcome's unit (points for 0–100 rates); an interval end the data cannot bound is
    ±inf, and every number is NaN when no block has a pilot and another unit with data.
    ``p_value`` is two-sided, from within-block randomisation inference.
    """

    outcome: str
    baseline: str | None
    post: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    n_pilot: int
    n_rest: int
    method: str
    n_blocks: int = 0
    n_assignments: int = 0  # all assignments of the pilot label within blocks
    n_draws: int = 0  # assignments used: all of them (exact) or the Monte Carlo draws
    exact: bool = True
    mc_se: float = 0.0  # Monte Carlo standard error of p (0 when exact)
    n_dropped: int = 0  # units dropped: outcome missing at baseline or post
    blocks_dropped: tuple[str, ...] = ()  # blocks without a pilot or without another unit
    pilot_mean: float = math.nan  # weighted mean change (or level) of pilots
    rest_mean: float = math.nan  # weighted mean change (or level) of the other units
    weights: str = "equal"
    alpha: float = 0.05
    kind: str = "did"  # "did", "ancova" (change adjusted for baseline) or "level" (one period)
    se: float = math.nan  # studentising standard error of the estimate (spread of block estimates)
    block_estimates: tuple[float, ...] = ()  # per kept block (order of the sorted block names)
    notes: tuple[str, ...] = field(default=())
    not_comparable_vi: str = ""  # why no inference is made (then ci and p are NaN), in Vietnamese

    def to_dict(self) -> dict[str, Any]:
        """Every field as a plain dict.

        Returns:
            ``{field: value}`` (tuples stay tuples).
        """
        return asdict(self)


# ----------------------------------------------------------------------------- data


def _first_consistent(frame: pd.DataFrame, unit_col: str, col: str) -> pd.Series:
    grouped = frame[[unit_col, col]].dropna().groupby(unit_col, sort=False)[col]
    counts = grouped.nunique()
    if (counts > 1).any():
        clash = sorted(counts.index[counts > 1].astype(str))[:5]
        raise ValueError(f"{col} is not constant within unit(s) {clash}")
    return grouped.first()


def unit_table(panel: pd.DataFrame, outcome: str, periods: Sequence[str], *, unit_col: str = "unit_id",
               period_col: str = "period", pilot_col: str = "is_pilot", block_col: str = "block") -> pd.DataFrame:
    """One row per unit: ``block``, ``is_pilot`` and the outcome at each of ``periods``.

    Accepted panel shapes (detected):
    - long: one row per unit and period, a ``period_col`` column and a column ``outcome``
      (``indicators.build_panel``'s shape);
    - tidy: one row per unit, period and indicator, columns ``indicator`` and ``value``
      (``indicators.to_long``'s shape);
    - wide: one row per unit, no ``period_col``; the outcome at period p is in column
      ``p`` (e.g. "2016-H2"), ``(outcome, p)`` or ``f"{outcome}_{p}"``.

    Args:
        panel: the panel, in one of the shapes above.
        outcome: the indicator's column (or ``indicator`` value).
        periods: the periods wanted, one column each.
        unit_col, period_col, pilot_col, block_col: the panel's column names.

    Returns:
        A frame indexed by unit (sorted) with ``block``, ``is_pilot`` (nullable boolean)
        and one float column per period (NaN: no value that period).

    Raises:
        ValueError: a column is missing, a unit has two rows for one period, or its block
            or pilot flag changes between rows.
    """
    df = pd.DataFrame(panel)
    missing = [c for c in (unit_col, pilot_col, block_col) if c not in df.columns]
    if missing:
        raise ValueError(f"panel lacks column(s) {missing}")
    if period_col in df.columns:
        if outcome not in df.columns:
            if {"indicator", "value"} <= set(df.columns):
                df = df[df["indicator"] == outcome].rename(columns={"value": outcome})
            else:
                raise ValueError(f"panel has no column {outcome!r}")
        dup = df.duplicated([unit_col, period_col])
        if dup.any():
            first = df.loc[dup, [unit_col, period_col]].iloc[0].tolist()
            raise ValueError(f"panel has more than one row for unit and period {first}")
        wide = (df[df[period_col].isin(periods)]
                .pivot(index=unit_col, columns=period_col, values=outcome))
        units = df[unit_col].drop_duplicates()
    else:
        if df[unit_col].duplicated().any():
            raise ValueError("wide panel must have one row per unit")
        cols = {}
        for p in periods:
            for cand in (p, (outcome, p), f"{outcome}_{p}"):
                if cand in df.columns:
                    cols[p] = df[cand].to_numpy()
                    break
            else:
                raise ValueError(f"wide panel has no column for period {p!r} of {outcome!r}")
        wide = pd.DataFrame(cols, index=df[unit_col])
        units = df[unit_col]
    out = pd.DataFrame(index=pd.Index(units.to_numpy(), name=unit_col))
    out["block"] = _first_consistent(df, unit_col, block_col).reindex(out.index)
    out["is_pilot"] = _first_consistent(df, unit_col, pilot_col).reindex(out.index).astype("boolean")
    for p in periods:
        col = wide[p] if p in wide.columns else pd.Series(np.nan, index=wide.index)
        out[p] = pd.to_numeric(col.reindex(out.index), errors="coerce").astype("float64")
    return out.sort_index(kind="mergesort")


# ----------------------------------------------------------------------- the engine


def _within_block_residual(x: np.ndarray, blocks: np.ndarray, covariate: np.ndarray | None) -> np.ndarray:
    """``x`` minus its pooled within-block regression on ``covariate`` (no covariate: ``x``).

    The stratified difference in means ignores block means, so only the slope matters:
    beta = sum(c~ x) / sum(c~ c~) with c~ the covariate centred within blocks."""
    if covariate is None or len(x) == 0:
        return x.astype(float)
    centred = covariate.astype(float).copy()
    for b in pd.unique(blocks):
        m = blocks == b
        centred[m] -= centred[m].mean()
    ss = float(np.dot(centred, centred))
    if ss <= 1e-12 * max(1.0, float(np.abs(covariate).max()) ** 2) * len(x):
        return x.astype(float)
    beta = float(np.dot(centred, x)) / ss
    return x - beta * centred


# The Monte Carlo assignments depend only on the seed, the number of draws and each kept
# block's (units, pilots), never on the outcome: the tests of one report (every indicator,
# both methods, the event study, the level gaps, the index variants) mostly share them,
# so they are drawn once per process and kept while they fit in _DRAWS_CACHE_BYTES.
_DRAWS_CACHE: OrderedDict[tuple[int, int, tuple[tuple[int, int], ...]], list[np.ndarray]] = OrderedDict()
_DRAWS_CACHE_BYTES = 256 * 2**20
_DRAWS_CACHE_LOCK = threading.Lock()
_KEY_CHUNK = 2**22  # uniform keys drawn at a time (32 MB), whatever the block's size


def _drawn_pilots(seed: int, n_rows: int, sizes: tuple[tuple[int, int], ...]) -> list[np.ndarray]:
    """Per block of ``sizes`` ((units n, pilots k), in the engine's block order), an
    ``(n_rows, k)`` array of the positions of the pilots in each of ``n_rows`` random
    assignments: in each row, the k units with the smallest of n uniform keys, the keys
    drawn from one ``default_rng(seed)`` stream, block after block, row after row.

    The keys come in chunks of rows (the stream is the same as one draw of the whole
    block), so memory stays bounded for a block of thousands of units. Ties among keys
    (probability ~0) are broken by position (``argpartition``). The result is kept for
    the next engine with the same seed, draws and sizes; callers must not change it.
    """
    key = (int(seed), int(n_rows), sizes)
    with _DRAWS_CACHE_LOCK:
        if key in _DRAWS_CACHE:
            _DRAWS_CACHE.move_to_end(key)
            return _DRAWS_CACHE[key]
    rng = np.random.default_rng(seed)
    out = []
    for n, k in sizes:
        chosen = np.empty((n_rows, k), dtype=np.int32 if n < 2**31 else np.intp)
        step = max(1, _KEY_CHUNK // max(n, 1))
        for start in range(0, n_rows, step):
            keys = rng.random((min(step, n_rows - start), n))
            chosen[start:start + len(keys)] = np.argpartition(keys, k - 1, axis=1)[:, :k]
        chosen.setflags(write=False)
        out.append(chosen)
    size = sum(a.nbytes for a in out)
    if size <= _DRAWS_CACHE_BYTES:
        with _DRAWS_CACHE_LOCK:
            _DRAWS_CACHE[key] = out
            while sum(a.nbytes for v in _DRAWS_CACHE.values() for a in v) > _DRAWS_CACHE_BYTES:
                _DRAWS_CACHE.popitem(last=False)
    return out


class _Randomisation:
    """Studentised stratified difference in means with within-block permutation of ``z``.

    For an assignment z' the statistic under the sharp null "effect = tau on pilots" is
    D(z'; tau) = sum_b w_b (Du_b(z') - tau Dv_b(z')), where Du_b / Dv_b are the block's
    pilot-minus-rest mean differences of ``u`` / ``v`` (DiD: u = change, v = z; ANCOVA: u
    and v residualised on the baseline within blocks, Rosenbaum's covariance adjustment).
    It is studentised by the spread of the block differences,
    se^2 = B/(B-1) sum_b w_b^2 (d_b - D)^2, so the test stays valid for the *average*
    effect when pilots' effects differ (Wu & Ding 2021) and exact for the sharp null.
    """

    def __init__(self, u, v, z, blocks, *, weights, exact_limit, mc_draws, seed, studentise=True):
        u, v = np.asarray(u, float), np.asarray(v, float)
        z = np.asarray(z, bool)
        blocks = np.asarray(blocks)
        self.blocks, self.dropped = [], []
        parts = []
        for b in sorted(pd.unique(blocks), key=str):
            idx = np.flatnonzero(blocks == b)
            n, k = len(idx), int(z[idx].sum())
            if k == 0 or k == n:
                self.dropped.append(str(b))
                continue
            self.blocks.append(str(b))
            parts.append((idx, n, k))
        self.n_pilot = sum(k for _, _, k in parts)
        self.n_rest = sum(n - k for _, n, k in parts)
        self.n_assignments = math.prod(math.comb(n, k) for _, n, k in parts) if parts else 0
        self.estimate = math.nan
        if not parts:
            return
        raw = np.array([{"equal": 1.0, "units": n, "precision": k * (n - k) / n}[weights]
                        for _, n, k in parts], float)
        self.w = raw / raw.sum()
        self.studentise = bool(studentise and len(parts) >= 2)
        self.exact = self.n_assignments <= exact_limit
        n_rows = self.n_assignments if self.exact else int(mc_draws)
        draws = [] if self.exact else _drawn_pilots(seed, n_rows, tuple((n, k) for _, n, k in parts))
        du = np.empty((n_rows, len(parts)))
        dv = np.empty((n_rows, len(parts)))
        obs_u, obs_v, pm, rm = [], [], [], []
        repeat = 1
        for j, (idx, n, k) in enumerate(parts):
            ub, vb, zb = u[idx], v[idx], z[idx]
            a, c = n / (k * (n - k)), 1.0 / (n - k)
            obs_u.append(ub[zb].mean() - ub[~zb].mean())
            obs_v.append(vb[zb].mean() - vb[~zb].mean())
            pm.append(ub[zb].mean())
            rm.append(ub[~zb].mean())
            if self.exact:  # every way of choosing k pilots among n, crossed with the other blocks
                chosen = np.array(list(combinations(range(n), k)), dtype=np.intp).reshape(-1, k)
                member = np.zeros((len(chosen), n), bool)
                np.put_along_axis(member, chosen, True, axis=1)
                cu = a * (member @ ub) - c * ub.sum()
                cv = a * (member @ vb) - c * vb.sum()
                tile = n_rows // (repeat * len(chosen))
                du[:, j] = np.tile(np.repeat(cu, repeat), tile)
                dv[:, j] = np.tile(np.repeat(cv, repeat), tile)
                repeat *= len(chosen)
            else:  # the Monte Carlo assignments: the pilots' positions in each drawn row
                chosen = draws[j]
                du[:, j] = a * ub[chosen].sum(axis=1) - c * ub.sum()
                dv[:, j] = a * vb[chosen].sum(axis=1) - c * vb.sum()
        self.du, self.dv = du, dv
        self.obs_u, self.obs_v = np.array(obs_u), np.array(obs_v)
        denom = float(self.w @ self.obs_v)
        self.estimate = float(self.w @ self.obs_u) / denom if abs(denom) > 1e-9 else math.nan
        self.block_diffs = self.obs_u - (0.0 if math.isnan(self.estimate) else self.estimate) * self.obs_v
        self.pilot_mean = float(np.dot(self.w, pm))
        self.rest_mean = float(np.dot(self.w, rm))
        self.n_draws = n_rows
        self.scale = max(1e-9, float(np.abs(u).max()) if len(u) else 1.0)
        self.se = self._se(self.block_diffs[None, :])[0] if self.studentise else math.nan

    def _se(self, d: np.ndarray) -> np.ndarray:
        """Conservative standard error of the weighted mean of block differences (per row)."""
        nb = d.shape[1]
        mean = d @ self.w
        dev = d - mean[:, None]
        return np.sqrt(nb / (nb - 1) * ((dev * dev) @ (self.w * self.w)))

    def _stat(self, d: np.ndarray) -> np.ndarray:
        mean = d @ self.w
        if not self.studentise:
            return mean
        se = self._se(d)
        tiny = 1e-12 * self.scale
        out = np.where(np.abs(mean) <= tiny, 0.0, np.copysign(np.inf, mean))
        ok = se > tiny
        out[ok] = mean[ok] / se[ok]
        return out

    def p_value(self, tau: float = 0.0) -> float:
        """Two-sided randomisation p of the sharp null 'effect = tau on pilots'."""
        observed = abs(float(self._stat((self.obs_u - tau * self.obs_v)[None, :])[0]))
        stats = np.abs(self._stat(self.du - tau * self.dv))
        tol = 1e-9 * max(1.0, observed) if np.isfinite(observed) else 0.0
        count = int(np.count_nonzero(stats >= observed - tol))
        if self.exact:
            return count / self.n_draws
        return (1 + count) / (self.n_draws + 1)

    def bound(self, side: int, alpha: float) -> float:
        """Outer end of the (1 - alpha) interval {tau: p(tau) > alpha} on one side, by
        doubling then bisection from the estimate; ±inf when no tau on that side is
        rejected (too few assignments, or a statistic that cannot reach the tail)."""
        if math.isnan(self.estimate):
            return math.nan
        step = self.se if self.studentise and np.isfinite(self.se) and self.se > 0 else 0.0
        step = step or float(np.std(self.du @ self.w)) or 1e-3 * self.scale
        inner, outer = self.estimate, None
        limit = 1e6 * (self.scale + abs(self.estimate) + step)
        while step <= limit:
            trial = self.estimate + side * step
            if self.p_value(trial) <= alpha:
                outer = trial
                break
            inner, step = trial, step * 2
        if outer is None:
            return side * math.inf
        for _ in range(60):
            if abs(outer - inner) <= 1e-7 * (abs(self.estimate) + self.scale):
                break
            mid = 0.5 * (inner + outer)
            if self.p_value(mid) <= alpha:
                outer = mid
            else:
                inner = mid
        return 0.5 * (inner + outer)


def _describe_method(kind: str, engine: _Randomisation) -> str:
    what = {"did": "stratified DiD", "ancova": "stratified ANCOVA (baseline-adjusted change)",
            "level": "stratified level gap"}[kind]
    stat = "studentised " if engine.studentise else ""
    if engine.exact:
        return f"{what}, {stat}exact randomisation inference (N={engine.n_assignments})"
    return f"{what}, {stat}Monte Carlo randomisation inference (R={engine.n_draws} of N={engine.n_assignments})"


def _section(settings: Compare | None) -> Compare:
    if settings is not None:
        return settings
    from vhcs_analysis.settings import package_defaults

    return package_defaults().compare


def _run(units: pd.DataFrame, y: pd.Series, *, outcome, baseline, post, kind, seed, covariate=None,
         bounds=None, weights=None, exact_limit=None, mc_draws=None, alpha=None,
         studentise=True, settings: Compare | None = None) -> EffectResult:
    cfg = _section(settings)
    weights = weights or cfg.block_weights
    exact_limit = int(exact_limit if exact_limit is not None else cfg.exact_limit)
    mc_draws = int(mc_draws if mc_draws is not None else cfg.mc_draws)
    alpha = float(alpha if alpha is not None else cfg.alpha)
    if weights not in ("equal", "units", "precision"):
        raise ValueError(f"unknown block weights {weights!r}")
    ok = y.notna() & units["is_pilot"].notna().to_numpy() & units["block"].notna().to_numpy()
    if covariate is not None:
        ok &= covariate.notna().to_numpy()
    n_dropped = int((~ok).sum())
    kept = units[ok.to_numpy()]
    z = kept["is_pilot"].to_numpy(bool)
    blocks = kept["block"].to_numpy()
    yy = y[ok].to_numpy(float)
    cov = None if covariate is None else covariate[ok].to_numpy(float)
    u = _within_block_residual(yy, blocks, cov)
    v = _within_block_residual(z.astype(float), blocks, cov)
    engine = _Randomisation(u, v, z, blocks, weights=weights, exact_limit=exact_limit, mc_draws=mc_draws,
                            seed=seed, studentise=studentise)
    common = dict(outcome=outcome, baseline=baseline, post=post, n_pilot=engine.n_pilot,
                  n_rest=engine.n_rest, n_blocks=len(engine.blocks), n_dropped=n_dropped,
                  blocks_dropped=tuple(engine.dropped), weights=weights, alpha=alpha, kind=kind)
    if math.isnan(engine.estimate):
        return EffectResult(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                            method="insufficient data", exact=False,
                            notes=("no block has both a pilot and another unit with data",), **common)
    p = engine.p_value(0.0)
    low, high = engine.bound(-1, alpha), engine.bound(+1, alpha)
    notes = []
    if bounds is not None:
        if kind == "level":
            low, high, clipped = _clip_gap(low, high, bounds)
        else:
            low, high, clipped = _clip_to_feasible(low, high, kept, post, engine, bounds)
        if clipped:
            notes.append("interval limited to the indicator's possible range")
    return EffectResult(
        estimate=engine.estimate, ci_low=low, ci_high=high,
        p_value=p, method=_describe_method(kind, engine), n_assignments=engine.n_assignments,
        n_draws=engine.n_draws, exact=engine.exact,
        mc_se=0.0 if engine.exact else math.sqrt(p * (1 - p) / engine.n_draws),
        pilot_mean=engine.pilot_mean, rest_mean=engine.rest_mean, se=engine.se,
        block_estimates=tuple(float(a / b) if abs(b) > 1e-9 else math.nan
                              for a, b in zip(engine.obs_u, engine.obs_v)),
        notes=tuple(notes), **common)


def _clip_gap(low, high, bounds):
    """Intersect a finite interval of a gap between two means with what the range allows,
    ``[lo − hi, hi − lo]``; ends the data cannot bound stay ±inf (contract)."""
    lo_b, hi_b = (float(b) for b in bounds)
    width = hi_b - lo_b
    clipped = False
    if np.isfinite(width):
        if np.isfinite(low) and low < -width:
            low, clipped = -width, True
        if np.isfinite(high) and high > width:
            high, clipped = width, True
    return low, high, clipped


def _clip_to_feasible(low, high, kept, post, engine, bounds):
    """Intersect a finite interval with the effects a bounded indicator allows: a pilot's
    effect is its observed post value minus a counterfactual inside ``bounds``, so the
    average effect lies in [mean_w(pilot post) - hi, mean_w(pilot post) - lo]. Ends the
    data cannot bound stay ±inf (contract)."""
    lo_b, hi_b = bounds
    if post not in kept.columns:
        return low, high, False
    post_vals = kept[post].to_numpy(float)
    z = kept["is_pilot"].to_numpy(bool)
    blocks = kept["block"].to_numpy().astype(str)
    means = [post_vals[(blocks == b) & z].mean() for b in engine.blocks]
    pilot_post = float(np.dot(engine.w, means))
    f_low = pilot_post - hi_b if hi_b is not None and np.isfinite(hi_b) else -math.inf
    f_high = pilot_post - lo_b if lo_b is not None and np.isfinite(lo_b) else math.inf
    clipped = False
    if np.isfinite(low) and low < f_low:
        low, clipped = f_low, True
    if np.isfinite(high) and high > f_high:
        high, clipped = f_high, True
    return low, high, clipped


# ----------------------------------------------------------------------- public API


def pilot_effect(panel: pd.DataFrame, outcome: str, *, baseline: str, post: str, method: str = "did",
                 unit_col: str = "unit_id", period_col: str = "period", pilot_col: str = "is_pilot",
                 block_col: str = "block", seed: int = 0, weights: str | None = None,
                 exact_limit: int | None = None, mc_draws: int | None = None, alpha: float | None = None,
                 bounds: tuple[float, float] | None = None, studentise: bool = True,
                 settings: Compare | None = None) -> EffectResult:
    """Pilots vs the rest of their blocks, change from ``baseline`` to ``post``.

    ``method="did"``: block-stratified difference-in-differences (right when pilots were
    chosen on a lasting level). ``method="ancova"``: each unit's change adjusted for its
    own baseline level within blocks (right when part of the pilots' baseline was luck,
    which then regresses to the mean). Both use the same studentised within-block
    randomisation test and a 95% interval by inverting it. The estimate is an
    association, not a causal effect: pilots were chosen.

    Args:
        panel: one row per unit and period (or a wide/tidy panel, see ``unit_table``).
        outcome: the indicator compared.
        baseline, post: the two periods (e.g. "2016-H2", "2018-H2").
        method: "did" or "ancova".
        unit_col, period_col, pilot_col, block_col: the panel's column names.
        seed: seed of the Monte Carlo draws (used only above ``exact_limit``).
        weights: block weights, "equal", "units" or "precision"; None: the settings'.
        exact_limit, mc_draws, alpha: None: the settings'.
        bounds: ``(lo, hi)`` the indicator can take; a finite interval is kept inside
            the effects they allow. None: no bounds.
        studentise: divide the statistic by its standard error (robust to unequal spread).
        settings: the ``[compare]`` section; None: the package defaults.

    Returns:
        The ``EffectResult``: estimate in the outcome's unit, two-sided p, the
        ``1 − alpha`` interval (±inf where the data cannot bound it; NaN throughout with
        ``method == "insufficient data"`` when no block can be compared).

    Raises:
        ValueError: an unknown method or block weights, or a malformed panel.
    """
    if method not in ("did", "ancova"):
        raise ValueError(f"unknown method {method!r} (did or ancova)")
    units = unit_table(panel, outcome, [baseline, post], unit_col=unit_col, period_col=period_col,
                       pilot_col=pilot_col, block_col=block_col)
    change = units[post] - units[baseline]
    covariate = units[baseline] if method == "ancova" else None
    return _run(units, change, outcome=outcome, baseline=baseline, post=post, kind=method,
                covariate=covariate, bounds=bounds, seed=seed, weights=weights, exact_limit=exact_limit,
                mc_draws=mc_draws, alpha=alpha, studentise=studentise, settings=settings)


def level_gap(panel: pd.DataFrame, outcome: str, period: str, *, seed: int = 0,
              bounds: tuple[float, float] | None = None, **kwargs: Any) -> EffectResult:
    """Pilots vs the rest of their blocks at one period, same inference as ``pilot_effect``.

    Two cases get no interval and no p (``not_comparable_vi`` says why; ``estimate``,
    ``pilot_mean`` and ``rest_mean`` still describe the groups): no unit differs from
    the others of its block (nothing varies), or in every block the pilots lie strictly
    above (or below) every other unit (perfect separation: the randomisation test then
    cannot bound the gap, whatever its size). A finite interval end is kept inside what
    ``bounds`` allows for a gap, ``[lo − hi, hi − lo]``.

    Args:
        panel, outcome: as for ``pilot_effect``.
        period: the one period compared (e.g. the baseline: were the pilots already better?).
        seed: seed of the Monte Carlo draws.
        bounds: the indicator's possible range (``indicator_registry.bounds``); None: none.
        **kwargs: the column names and the inference options of ``pilot_effect``
            (``weights``, ``exact_limit``, ``mc_draws``, ``alpha``, ``settings`` …).

    Returns:
        The ``EffectResult`` of the level gap (``kind == "level"``, ``baseline`` None), in
        the outcome's unit; ``pilot_mean`` and ``rest_mean`` are the groups' levels.
    """
    cols = {k: kwargs.pop(k) for k in ("unit_col", "period_col", "pilot_col", "block_col") if k in kwargs}
    units = unit_table(panel, outcome, [period], **cols)
    result = _run(units, units[period], outcome=outcome, baseline=None, post=period, kind="level",
                  seed=seed, bounds=bounds, **kwargs)
    if math.isnan(result.estimate):
        return result
    reason = level_comparability(units, period)
    if reason:
        return replace(result, ci_low=math.nan, ci_high=math.nan, p_value=math.nan, mc_se=math.nan,
                       not_comparable_vi=reason)
    return result


def level_comparability(units: pd.DataFrame, period: str) -> str:
    """Why a level gap at ``period`` cannot be tested, in Vietnamese ('' when it can).

    Args:
        units: ``unit_table`` (block, is_pilot and the period's column).
        period: the period's column.

    Returns:
        A reason (nothing varies within blocks; every block's pilots strictly above, or
        strictly below, all its other units) or ''.
    """
    ok = units[period].notna() & units["is_pilot"].notna() & units["block"].notna()
    u = units[ok]
    above, below, varies, kept = True, True, False, 0
    for _, g in u.groupby("block", sort=True):
        z = g["is_pilot"].astype(bool).to_numpy()
        if z.all() or not z.any():
            continue
        kept += 1
        y = g[period].to_numpy(float)
        varies |= bool(np.ptp(y) > 1e-9)
        above &= bool(y[z].min() > y[~z].max())
        below &= bool(y[z].max() < y[~z].min())
    if not kept:
        return ""
    if not varies:
        return "mọi đơn vị trong từng khối có cùng giá trị, không có khác biệt để so sánh"
    if above or below:
        side = "cao hơn" if above else "thấp hơn"
        return (f"ở mọi khối, đơn vị điểm đều {side} mọi đơn vị khác (tách biệt hoàn toàn): phép kiểm định "
                "hoán vị trong khối không chặn được khoảng chênh lệch, nên không đưa ra khoảng tin cậy")
    return ""


def event_study(panel: pd.DataFrame, outcome: str, baseline: str, periods: Iterable[str], *, seed: int = 0,
                **kwargs: Any) -> pd.DataFrame:
    """Per period: the stratified pilot−rest gap in change since ``baseline``.

    The baseline comes after the pilots were named, so this shows how the gap evolved
    after designation; it is not a check of trends before the resolution (that needs
    earlier data, see ``verdicts.placebo``).

    Args:
        panel, outcome: as for ``pilot_effect``.
        baseline: the reference period (its row is 0 by construction, no interval).
        periods: the periods, in order.
        seed: seed of the Monte Carlo draws.
        **kwargs: passed to ``pilot_effect`` (``settings``, ``bounds``, column names …).

    Returns:
        One row per period: ``outcome, period, estimate, ci_low, ci_high, p_value,
        n_pilot, n_rest, exact, is_baseline`` (estimates in the outcome's unit).
    """
    rows = []
    for period in periods:
        if period == baseline:
            rows.append(dict(period=period, estimate=0.0, ci_low=math.nan, ci_high=math.nan,
                             p_value=math.nan, n_pilot=math.nan, n_rest=math.nan, exact=None,
                             is_baseline=True))
            continue
        r = pilot_effect(panel, outcome, baseline=baseline, post=period, seed=seed, **kwargs)
        rows.append(dict(period=period, estimate=r.estimate, ci_low=r.ci_low, ci_high=r.ci_high,
                         p_value=r.p_value, n_pilot=r.n_pilot, n_rest=r.n_rest, exact=r.exact,
                         is_baseline=False))
    out = pd.DataFrame(rows)
    out.insert(0, "outcome", outcome)
    for col in ("n_pilot", "n_rest"):
        out[col] = out[col].astype("Int64")
    out["exact"] = out["exact"].astype("boolean")
    return out


def per_block(panel: pd.DataFrame, outcome: str, baseline: str, post: str, *, unit_col: str = "unit_id",
              period_col: str = "period", pilot_col: str = "is_pilot", block_col: str = "block") -> pd.DataFrame:
    """Descriptive DiD per block: pilot's mean change − others' mean change (no inference).

    Args:
        panel, outcome, baseline, post: as for ``pilot_effect``.
        unit_col, period_col, pilot_col, block_col: the panel's column names.

    Returns:
        One row per block: ``block, outcome, pilot_units, n_pilot, n_rest, n_dropped``
        (units without the outcome at both periods), ``pilot_change, rest_change, did``
        (in the outcome's unit; NaN when a side has no unit) and ``included``.
    """
    units = unit_table(panel, outcome, [baseline, post], unit_col=unit_col, period_col=period_col,
                       pilot_col=pilot_col, block_col=block_col)
    units["change"] = units[post] - units[baseline]
    rows = []
    for block, g in units.groupby("block", sort=True):
        ok = g[g["change"].notna() & g["is_pilot"].notna()]
        pil, rest = ok[ok["is_pilot"].astype(bool)], ok[~ok["is_pilot"].astype(bool)]
        pc = pil["change"].mean() if len(pil) else math.nan
        rc = rest["change"].mean() if len(rest) else math.nan
        rows.append(dict(block=block, pilot_units=", ".join(map(str, pil.index)),
                         n_pilot=len(pil), n_rest=len(rest), n_dropped=len(g) - len(ok),
                         pilot_change=pc, rest_change=rc, did=pc - rc,
                         included=bool(len(pil) and len(rest))))
    out = pd.DataFrame(rows, columns=["block", "pilot_units", "n_pilot", "n_rest", "n_dropped", "pilot_change",
                                      "rest_change", "did", "included"])
    out.insert(1, "outcome", outcome)
    return out


# ------------------------------------------------------------------ hidden bias


def _rosenbaum_upper(scores: list[np.ndarray], counts: list[int], observed: float, gamma: float) -> float:
    """Upper bound on the one-sided p of "T ≥ observed" when, within each block, a unit's
    odds of being the pilot may differ by up to ``gamma`` for a hidden reason (Rosenbaum
    2002, §4.3, matched sets with one treated unit, normal approximation). ``scores[b]``:
    each unit's contribution to T if it were the block's pilot; ``counts[b]``: pilots in
    the block (k > 1: k draws of the one-pilot bound, an approximation)."""
    from scipy import stats

    mean = var = 0.0
    for c, k in zip(scores, counts):
        c = np.sort(np.asarray(c, float))[::-1]
        n = len(c)
        best = None
        for a in range(1, n):
            p = np.where(np.arange(n) < a, gamma, 1.0)
            p = p / p.sum()
            mu = float(p @ c)
            v = float(p @ (c - mu) ** 2)
            if best is None or mu > best[0] + 1e-12 or (abs(mu - best[0]) <= 1e-12 and v > best[1]):
                best = (mu, v)
        assert best is not None, "every block has a pilot and at least one other unit"
        mean += k * best[0]
        var += k * best[1]
    if var <= 0:
        return 0.0 if observed > mean else 1.0
    return float(stats.norm.sf((observed - mean) / math.sqrt(var)))


def sensitivity_gamma(panel: pd.DataFrame, outcome: str, *, baseline: str, post: str, side: int,
                      alpha: float = 0.05, methods: Sequence[str] = ("did", "ancova"), gamma_max: float = 20.0,
                      weights: str = "equal") -> float:
    """Rosenbaum's sensitivity Γ of a claim that pilots' change differs on ``side``.

    Γ is how much more likely a unit could be to be chosen as its block's pilot, for a
    reason the data do not show, before the claim no longer holds: the largest Γ at which
    the worst-case two-sided p (the upper bound over every hidden bias up to Γ, of both
    ``methods``: the claim needs both) is still below ``alpha``. Γ = 1 is no hidden bias;
    a claim that fails the normal approximation even at Γ = 1 gets 1. The statistics are
    the block-stratified DiD (unit changes) and the covariance-adjusted change (changes
    residualised on the baseline within blocks, Rosenbaum's covariance adjustment), each
    block weighted by ``weights``.

    Args:
        panel, outcome, baseline, post: as for ``pilot_effect``.
        side: +1 (pilots changed more) or −1 (less).
        alpha: the level the claim was made at (e.g. 0.05 over the Holm factor of its rank).
        methods: the statistics the claim needs.
        gamma_max: the largest Γ searched (returned when the claim holds up to it).
        weights: block weights, as in ``pilot_effect``.

    Returns:
        Γ ≥ 1 (two decimals' precision); NaN when no block can be compared.
    """
    units = unit_table(panel, outcome, [baseline, post])
    change = (units[post] - units[baseline])
    ok = change.notna() & units[baseline].notna() & units["is_pilot"].notna() & units["block"].notna()
    u = units[ok.to_numpy()]
    z = u["is_pilot"].to_numpy(bool)
    blocks = u["block"].astype(str).to_numpy()
    parts = []
    for method in methods:
        cov = u[baseline].to_numpy(float) if method == "ancova" else None
        q = side * _within_block_residual(change[ok].to_numpy(float), blocks, cov)
        scores, counts, raw = [], [], []
        for b in sorted(set(blocks)):
            m = blocks == b
            n, k = int(m.sum()), int(z[m].sum())
            if k == 0 or k == n:
                continue
            raw.append({"equal": 1.0, "units": n, "precision": k * (n - k) / n}[weights])
            qb = q[m]
            # a pilot's share of the block difference: (q_j − mean of the others) / k
            scores.append((qb - (qb.sum() - qb) / (n - 1)) * (n - 1) / (n - k) / k)
            counts.append(k)
        if not scores:
            return math.nan
        w = np.array(raw) / sum(raw)
        scores = [w_b * c for w_b, c in zip(w, scores)]
        observed = float(sum(w_b * d for w_b, d in zip(w, _block_diffs(q, z, blocks))))
        parts.append((scores, counts, observed))

    def holds(gamma: float) -> bool:
        return all(2 * _rosenbaum_upper(sc, ct, ob, gamma) < alpha for sc, ct, ob in parts)

    if not holds(1.0):
        return 1.0
    if holds(gamma_max):
        return float(gamma_max)
    lo, hi = 1.0, float(gamma_max)
    while hi - lo > 0.005:
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return float(math.floor(lo * 100) / 100)


def _block_diffs(q: np.ndarray, z: np.ndarray, blocks: np.ndarray) -> list[float]:
    """Per compared block (sorted): mean of ``q`` over pilots − over the others."""
    out = []
    for b in sorted(set(blocks)):
        m = blocks == b
        if 0 < z[m].sum() < m.sum():
            out.append(float(q[m][z[m]].mean() - q[m][~z[m]].mean()))
    return out


def _holm(p: np.ndarray, m: int) -> np.ndarray:
    order = np.argsort(p, kind="mergesort")
    adj = np.maximum.accumulate((m - np.arange(len(p))) * p[order])
    out = np.empty(len(p))
    out[order] = np.minimum(adj, 1.0)
    return out


def _bh(p: np.ndarray, m: int) -> np.ndarray:
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * m / np.arange(1, len(p) + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(len(p))
    out[order] = np.minimum(adj, 1.0)
    return out


def adjust_pvalues(p: Sequence[float] | np.ndarray, method: str, m: int | None = None) -> np.ndarray:
    """Holm ("holm", family-wise) or Benjamini–Hochberg ("bh", false discovery rate) adjustment.

    Args:
        p: the p-values (NaN: not tested).
        method: "holm" or "bh".
        m: the size of the declared family; None: the number of p present, so pass it
            when a member could not be tested but still counts.

    Returns:
        The adjusted p-values, same order, capped at 1; NaN stays NaN.

    Raises:
        ValueError: ``m`` is smaller than the number of p-values present.
    """
    p = np.asarray(p, float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        size = int(m) if m is not None else int(ok.sum())
        if size < ok.sum():
            raise ValueError(f"family size {size} is smaller than the {int(ok.sum())} p-values given")
        out[ok] = {"holm": _holm, "bh": _bh}[method](p[ok], size)
    return out
