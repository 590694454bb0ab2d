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
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from vhcs_analysis import fmt
from vhcs_analysis.config import get_settings


@dataclass(frozen=True)
class EffectResult:
    """One comparison. ``estimate`` is in the outcome's unit (points for 0–100 rates)."""

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
    kind: str = "did"  # "did" (change from baseline) or "level" (one period)
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------- data


def _first_consistent(frame: pd.DataFrame, unit_col: str, col: str) -> pd.Series:
    grouped = frame[[unit_col, col]].dropna().groupby(unit_col, sort=False)[col]
    counts = grouped.nunique()
    if (counts > 1).any():
        clash = sorted(counts.index[counts > 1].astype(str))[:5]
        raise ValueError(f"{col} is not constant within unit(s) {clash}")
    return grouped.first()


def unit_table(panel, outcome, periods, *, unit_col="unit_id", period_col="period",
               pilot_col="is_pilot", block_col="block") -> pd.DataFrame:
    """One row per unit: ``block``, ``is_pilot`` and the outcome at each of ``periods``.

    Accepted panel shapes (detected):
    - long: one row per unit and period, a ``period_col`` column and a column ``outcome``
      (``indicators.build_panel``'s shape);
    - tidy: one row per unit, period and indicator, columns ``indicator`` and ``value``
      (``indicators.to_long``'s shape);
    - wide: one row per unit, no ``period_col``; the outcome at period p is in column
      ``p`` (e.g. "2016-H2"), ``(outcome, p)`` or ``f"{outcome}_{p}"``.
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


class _Randomisation:
    """Stratified difference-in-means of ``y`` with within-block permutation of ``z``."""

    def __init__(self, y, z, blocks, *, weights, exact_limit, mc_draws, seed):
        y = np.asarray(y, float)
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
        if not parts:
            self.estimate = math.nan
            self.n_assignments = 0
            return
        raw = np.array([{"equal": 1.0, "units": n, "precision": k * (n - k) / n}[weights]
                        for _, n, k in parts], float)
        w = raw / raw.sum()
        self.n_assignments = math.prod(math.comb(n, k) for _, n, k in parts)
        self.exact = self.n_assignments <= exact_limit
        rng = np.random.default_rng(seed)
        A = B = None
        pm, rm = [], []
        for (idx, n, k), wb in zip(parts, w):
            yb, zb = y[idx], z[idx]
            a_b, c_b = wb * n / (k * (n - k)), wb / (n - k)
            pm.append(yb[zb].mean())
            rm.append(yb[~zb].mean())
            if self.exact:  # every way of choosing k pilots among the block's n units
                chosen = np.array(list(combinations(range(n), k)), dtype=np.intp).reshape(-1, k)
                member = np.zeros((len(chosen), n), bool)
                np.put_along_axis(member, chosen, True, axis=1)
            else:
                keys = rng.random((mc_draws, n))
                chosen = np.argpartition(keys, k - 1, axis=1)[:, :k]
                member = np.zeros((mc_draws, n), bool)
                np.put_along_axis(member, chosen, True, axis=1)
            Ab = a_b * (member @ yb) - c_b * yb.sum()
            Bb = a_b * (member @ zb.astype(float)) - c_b * k
            if self.exact:  # outer sums: every combination of the blocks' assignments
                A = Ab if A is None else (A[:, None] + Ab[None, :]).ravel()
                B = Bb if B is None else (B[:, None] + Bb[None, :]).ravel()
            else:
                A = Ab if A is None else A + Ab
                B = Bb if B is None else B + Bb
        self.A, self.B = A, B
        self.pilot_mean = float(np.dot(w, pm))
        self.rest_mean = float(np.dot(w, rm))
        self.estimate = self.pilot_mean - self.rest_mean
        self.n_draws = len(A)
        self.tol = 1e-9 * max(1.0, float(np.abs(y).max()))
        self.null_sd = float(np.std(A)) or 1.0

    def p_value(self, tau: float = 0.0) -> float:
        """Two-sided p of the sharp null 'effect = tau on pilots' (|stat| ≥ |observed|)."""
        buf = np.multiply(self.B, tau)
        np.subtract(self.A, buf, out=buf)
        np.abs(buf, out=buf)
        count = np.count_nonzero(buf >= abs(self.estimate - tau) - self.tol)
        if self.exact:
            return count / self.n_draws
        return (1 + count) / (self.n_draws + 1)

    def bound(self, side: int, alpha: float) -> float:
        """Outer end of the 95% interval {tau: p(tau) > alpha} on one side (closed form).

        With tau = estimate + side·d (d ≥ 0) and A' = A − estimate·B, assignment j is as
        extreme as the observed one iff |A'_j − side·d·B_j| ≥ d − tol. Because every
        |B_j| ≤ 1 (B = 1 only for the observed assignment) this holds exactly when
        d ≤ R_j = max((A'_j + tol)/(1 + sB_j), (tol − A'_j)/(1 − sB_j)) (s = side), so
        p(d) falls monotonically in d and the bound is the K-th largest R_j, K the
        smallest count with p > alpha. ±inf when too few assignments exist to reject.
        """
        a = self.A - self.estimate * self.B
        # |B| = 1 only where the assignment is the observed one (up to rounding): a
        # floored denominator sends R to ±(huge), i.e. always / never as extreme.
        denom = np.multiply(self.B, side)
        denom += 1.0
        np.maximum(denom, 1e-12, out=denom)
        r = a + self.tol
        r /= denom
        np.subtract(2.0, denom, out=denom)  # 1 − s·B (from 1 + s·B)
        np.maximum(denom, 1e-12, out=denom)
        np.subtract(self.tol, a, out=a)
        a /= denom
        np.maximum(r, a, out=r)
        if self.exact:  # p = count / N > alpha  <=>  count >= floor(alpha N) + 1
            k = math.floor(alpha * self.n_draws) + 1
        else:  # p = (1 + count) / (R + 1) > alpha  <=>  count >= floor(alpha (R+1) - 1) + 1
            k = math.floor(alpha * (self.n_draws + 1) - 1) + 1
        if k <= 0:
            return side * math.inf
        if k > len(r):
            return self.estimate
        d = float(np.partition(r, len(r) - k)[len(r) - k])
        return self.estimate + side * d

    def bound_by_bisection(self, side: int, alpha: float) -> float:
        """The same bound found by bisection on p(tau) (a check of the closed form)."""
        inner, step, outer = self.estimate, self.null_sd, None
        for _ in range(60):
            trial = self.estimate + side * step
            if self.p_value(trial) <= alpha:
                outer = trial
                break
            inner, step = trial, step * 2
        if outer is None:
            return side * math.inf
        while abs(outer - inner) > 1e-7 * self.null_sd:
            mid = 0.5 * (inner + outer)
            if self.p_value(mid) <= alpha:
                outer = mid
            else:
                inner = mid
        return 0.5 * (inner + outer)


def _describe_method(kind: str, engine: _Randomisation) -> str:
    what = "stratified DiD" if kind == "did" else "stratified level gap"
    if engine.exact:
        return f"{what}, exact randomisation inference (N={engine.n_assignments})"
    return f"{what}, Monte Carlo randomisation inference (R={engine.n_draws} of N={engine.n_assignments})"


def _run(units: pd.DataFrame, y: pd.Series, *, outcome, baseline, post, kind, seed,
         weights=None, exact_limit=None, mc_draws=None, alpha=None) -> EffectResult:
    cfg = get_settings()["compare"]
    weights = weights or cfg["block_weights"]
    exact_limit = int(exact_limit if exact_limit is not None else cfg["exact_limit"])
    mc_draws = int(mc_draws if mc_draws is not None else cfg["mc_draws"])
    alpha = float(alpha if alpha is not None else cfg["alpha"])
    if weights not in ("equal", "units", "precision"):
        raise ValueError(f"unknown block weights {weights!r}")
    ok = y.notna() & units["is_pilot"].notna().to_numpy() & units["block"].notna().to_numpy()
    n_dropped = int((~ok).sum())
    kept = units[ok.to_numpy()]
    engine = _Randomisation(y[ok].to_numpy(), kept["is_pilot"].to_numpy(bool), kept["block"].to_numpy(),
                            weights=weights, exact_limit=exact_limit, mc_draws=mc_draws, seed=seed)
    common = dict(outcome=outcome, baseline=baseline, post=post, n_pilot=engine.n_pilot,
                  n_rest=engine.n_rest, n_blocks=len(engine.blocks), n_dropped=n_dropped,
                  blocks_dropped=tuple(engine.dropped), weights=weights, alpha=alpha, kind=kind)
    if math.isnan(engine.estimate):
        return EffectResult(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan,
                            method="insufficient data", exact=False,
                            notes=("no block has both a pilot and another unit with data",), **common)
    p = engine.p_value(0.0)
    return EffectResult(
        estimate=engine.estimate, ci_low=engine.bound(-1, alpha), ci_high=engine.bound(+1, alpha),
        p_value=p, method=_describe_method(kind, engine), n_assignments=engine.n_assignments,
        n_draws=engine.n_draws, exact=engine.exact,
        mc_se=0.0 if engine.exact else math.sqrt(p * (1 - p) / engine.n_draws),
        pilot_mean=engine.pilot_mean, rest_mean=engine.rest_mean, **common)


# ----------------------------------------------------------------------- public API


def pilot_effect(panel, outcome, *, baseline, post, unit_col="unit_id", period_col="period",
                 pilot_col="is_pilot", block_col="block", seed=0, weights=None,
                 exact_limit=None, mc_draws=None, alpha=None) -> EffectResult:
    """Block-stratified difference-in-differences of ``outcome`` between ``baseline`` and
    ``post``, pilots vs the rest, with a randomisation p-value and a 95% interval by test
    inversion (valid with few, e.g. 7, pilots under the sharp-null model)."""
    units = unit_table(panel, outcome, [baseline, post], unit_col=unit_col, period_col=period_col,
                       pilot_col=pilot_col, block_col=block_col)
    change = units[post] - units[baseline]
    return _run(units, change, outcome=outcome, baseline=baseline, post=post, kind="did",
                seed=seed, weights=weights, exact_limit=exact_limit, mc_draws=mc_draws, alpha=alpha)


def level_gap(panel, outcome, period, *, seed=0, **kwargs) -> EffectResult:
    """Pilots vs the rest of their blocks at one period (e.g. the baseline: were the
    pilots already better before?), same inference as ``pilot_effect``."""
    cols = {k: kwargs.pop(k) for k in ("unit_col", "period_col", "pilot_col", "block_col") if k in kwargs}
    units = unit_table(panel, outcome, [period], **cols)
    return _run(units, units[period], outcome=outcome, baseline=None, post=period, kind="level",
                seed=seed, **kwargs)


def event_study(panel, outcome, baseline, periods, *, seed=0, **kwargs) -> pd.DataFrame:
    """Per period: the stratified pilot−rest gap in change since ``baseline`` with its
    interval and p (the baseline row is 0 by construction). Gaps before the resolution
    took effect show pre-existing differences."""
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


def per_block(panel, outcome, baseline, post, *, unit_col="unit_id", period_col="period",
              pilot_col="is_pilot", block_col="block") -> pd.DataFrame:
    """Descriptive DiD per block: pilot's mean change − others' mean change, with n."""
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
    out = pd.DataFrame(rows)
    out.insert(1, "outcome", outcome)
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    m = len(p)
    order = np.argsort(p, kind="mergesort")
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    m = len(p)
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def adjust_pvalues(p, method: str) -> np.ndarray:
    """Holm ("holm", family-wise) or Benjamini–Hochberg ("bh", false discovery rate)
    adjusted p-values; missing p stay missing and do not count in the family."""
    p = np.asarray(p, float)
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = {"holm": _holm, "bh": _bh}[method](p[ok])
    return out


def family(panel, outcomes, baseline, post, seed=0, **kwargs) -> pd.DataFrame:
    """``pilot_effect`` for several outcomes, with Holm and Benjamini–Hochberg adjusted
    p-values (several indicators tested at once: some small p arise by chance)."""
    results = [pilot_effect(panel, o, baseline=baseline, post=post, seed=seed, **kwargs) for o in outcomes]
    keep = ["outcome", "estimate", "ci_low", "ci_high", "p_value", "n_pilot", "n_rest",
            "n_dropped", "n_blocks", "exact", "n_assignments", "mc_se", "method"]
    out = pd.DataFrame([{k: getattr(r, k) for k in keep} for r in results])
    out.insert(5, "p_holm", adjust_pvalues(out["p_value"], "holm"))
    out.insert(6, "p_bh", adjust_pvalues(out["p_value"], "bh"))
    return out


def describe_result_vi(result: EffectResult, indicator_label: str, unit: str = "điểm",
                       higher_is_better: bool = True, decimals: int = 1) -> str:
    """A short Vietnamese reading of one result for leaders: estimate, interval, p and n
    together, and the honest caveats. Never claims causation."""
    label = indicator_label[:1].upper() + indicator_label[1:]
    if result.estimate is None or math.isnan(result.estimate):
        return (f"{label}: không đủ số liệu để so sánh đơn vị điểm với các đơn vị khác "
                f"({result.n_pilot} đơn vị điểm, {result.n_rest} đơn vị khác có đủ số liệu).")
    est = result.estimate
    from vhcs_analysis.indicators import period_label_vi

    span = (f"từ {period_label_vi(result.baseline)} đến {period_label_vi(result.post)}" if result.baseline
            else f"kỳ {period_label_vi(result.post)}")
    what = "mức thay đổi" if result.kind == "did" else "mức"
    if abs(est) < 0.5 * 10 ** -decimals:
        comparison = f"{what} của các đơn vị điểm gần như bằng các đơn vị khác cùng khối"
    else:
        side = "cao hơn" if est > 0 else "thấp hơn"
        comparison = (f"{what} của các đơn vị điểm {side} các đơn vị khác cùng khối "
                      f"trung bình {fmt.number(abs(est), decimals)} {unit}")
    better = (est > 0) == higher_is_better
    ci = (f"khoảng tin cậy 95%: từ {fmt.number(result.ci_low, decimals)} đến "
          f"{fmt.number(result.ci_high, decimals)}") if np.isfinite([result.ci_low, result.ci_high]).all() \
        else "khoảng tin cậy 95% không xác định được vì quá ít cách gán"
    p = fmt.p_value(result.p_value)
    p_text = f"p {p}" if p.startswith("<") else f"p = {p}"
    text = (f"{label}, {span}: {comparison} ({ci}; {p_text}; "
            f"{result.n_pilot} đơn vị điểm, {result.n_rest} đơn vị khác).")
    if not higher_is_better:
        text += " Với chỉ tiêu này, thấp hơn là tốt hơn."
    includes_zero = not (result.ci_low > 0 or result.ci_high < 0)
    if includes_zero:
        text += (" Khoảng tin cậy chứa 0 nên không đủ bằng chứng để nói đơn vị điểm khác các "
                 "đơn vị còn lại; điều đó cũng không chứng minh là không có tác dụng.")
    else:
        direction = "tốt hơn" if better else "kém hơn"
        text += (f" Khác biệt (đơn vị điểm {direction}) khó giải thích chỉ bằng ngẫu nhiên, "
                 "nhưng chưa phải bằng chứng nhân quả.")
    text += (" Lưu ý: đơn vị điểm được chọn chứ không bốc thăm ngẫu nhiên, nên khác biệt có thể "
             "đến từ chính những đặc điểm khiến đơn vị được chọn; với "
             f"{result.n_pilot} đơn vị điểm, chỉ phát hiện được khác biệt lớn.")
    if result.n_dropped:
        text += f" {result.n_dropped} đơn vị thiếu số liệu không được tính."
    return text


# ------------------------------------------------------------------------ simulation


def block_sizes(n_units: int, n_blocks: int) -> list[int]:
    """Near-equal block sizes, larger blocks first (66 units, 7 blocks → 10,10,10,9,9,9,9)."""
    base, extra = divmod(n_units, n_blocks)
    return [base + (i < extra) for i in range(n_blocks)]


def simulate_panel(seed=0, *, n_units=66, n_blocks=7, pilots_per_block=1, effect=0.0,
                   periods=("2016-H2", "2018-H2"), unit_sd=8.0, block_sd=4.0,
                   block_period_sd=2.0, noise_sd=4.0, heteroskedastic=True) -> pd.DataFrame:
    """A synthetic long panel (unit_id, period, block, is_pilot, y) for calibration:
    block and unit effects, block-by-period shocks, noise (unit-specific scale when
    ``heteroskedastic``), pilots drawn at random within blocks, and a constant additive
    ``effect`` on pilots in every period after the first."""
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
