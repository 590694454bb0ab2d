"""The one rule that turns pilot-vs-rest statistics into a leader's verdict.

Every place that says whether pilots did better (leaders' summary, notebook 03, readings,
scorecards, ``tables/pilot_effects.csv``) takes the verdict from ``assess``:

- ``better`` / ``worse``: the Holm-adjusted p over the declared family (``[compare]
  family``) is below ``alpha`` **and** the DiD and the baseline-adjusted (ANCOVA)
  intervals both exclude 0 on the same side. DiD is right when pilots were chosen on a
  lasting level, ANCOVA when part of their baseline was luck; a claim must hold under both.
- ``not_comparable``: adoption items (one-time steps such as having an action programme:
  shown as adoption, not compared), a ceiling or floor at baseline (at least
  ``ceiling_share`` of the pilots already at the best possible value), or no variation.
- ``no_data``: no block with a pilot and another unit with data at both periods.
- ``no_evidence``: everything else, with the effects the data rule out and the smallest
  effect the design could detect.

See docs/statistics.md for what each method assumes and when it fails.
"""

from __future__ import annotations

from typing import Any

import math

import numpy as np
import pandas as pd

from vhcs_analysis import compare, fmt, indicator_registry
from vhcs_analysis.settings import Indicators, Settings
from vhcs_analysis.indicators import composite_index
from vhcs_analysis.periods import period_vi

VERDICTS = ("better", "worse", "no_evidence", "not_comparable", "no_data")
# The leaders' grades (one owner: the PDF, the Word draft, the slides and the notebooks read
# them from here). No middle grade: a verdict is one of these five.
VERDICT_VI = {
    "better": "Đơn vị điểm chuyển biến rõ hơn",
    "worse": "Đơn vị điểm chuyển biến chậm hơn rõ rệt",
    "no_evidence": "Chưa thấy khác biệt rõ",
    "not_comparable": "Không so sánh được",
    "no_data": "Không đủ số liệu",
}
# What each grade means, in words a non-statistician reads correctly (the grades box).
VERDICT_MEANING_VI = {
    "better": ("cả hai cách so sánh đều cho thấy đơn vị điểm tiến bộ hơn các đơn vị cùng khối, với mức chênh lệch "
               "không thể coi là ngẫu nhiên, kể cả khi xét nhiều chỉ tiêu cùng lúc"),
    "worse": ("cả hai cách so sánh đều cho thấy đơn vị điểm tiến bộ chậm hơn các đơn vị cùng khối, với mức chênh "
              "lệch không thể coi là ngẫu nhiên"),
    "no_evidence": ("đơn vị điểm có thể thay đổi nhiều hay ít hơn các đơn vị cùng khối, nhưng chênh lệch chưa vượt "
                    "mức có thể do ngẫu nhiên khi xét cùng lúc tất cả các chỉ tiêu, hoặc hai cách so sánh chưa "
                    "thống nhất; điều này không có nghĩa là việc làm điểm không có tác dụng, vì với 7 đơn vị điểm chỉ "
                    "thấy rõ được khác biệt lớn"),
    "not_comparable": "không thể so sánh, luôn kèm lý do (ví dụ: việc làm một lần, mọi đơn vị như nhau)",
    "no_data": "không khối nào có đủ số liệu của đơn vị điểm và đơn vị khác ở cả hai kỳ",
}
COLUMNS = ["indicator", "indicator_vi", "kind", "direction", "did_estimate", "did_ci_low", "did_ci_high", "did_p",
           "adj_estimate", "adj_ci_low", "adj_ci_high", "adj_p", "p_holm", "n_pilot", "n_rest", "mde",
           "lobo_min", "lobo_max", "sensitivity_gamma", "verdict", "verdict_vi", "reason_vi"]
# The claim rule (Holm over the family, both methods, both intervals on one side) is a
# studentised randomisation test with 7 blocks: less powerful at its small Holm level
# than the t reference it is read against (the effect in the data also widens the
# assignments' distribution). Simulating the whole rule (66 units, 7 blocks, family of 6;
# docs/statistics.md §2) it found the effect in 66,5% of runs at the t-based size
# (t(1 − α/2m) + t(power), B − 1 df: 4,77 SE), 74,5% at 5,3 SE, 81,5% at 5,8 SE; this
# factor brings the printed size to ≈ 5,7 SE, and tests/test_verdicts.py (slow) checks
# the rule finds an effect of the printed size 75–85% of the time.
RULE_POWER_FACTOR = 1.2
GAMMA_MAX = 20.0  # largest hidden-bias factor searched (a claim that holds beyond it prints "trên 20")


def family(settings: Settings) -> list[str]:
    """The declared family of outcomes, ``[compare] family`` (Holm adjusts over exactly these)."""
    return [str(x) for x in settings.compare.family]


def adoption_items(settings: Settings) -> list[str]:
    """The one-time adoption steps, ``[compare] adoption_items`` (shown, never compared)."""
    return [str(x) for x in settings.compare.adoption_items]


def shown_indicators(settings: Settings) -> list[str]:
    """Rows of the verdict table: the family, then the adoption items."""
    fam = family(settings)
    return fam + [a for a in adoption_items(settings) if a not in fam]


# ------------------------------------------------------------------ the composite


def fixed_mix_panel(panel: pd.DataFrame, periods, settings: Indicators) -> pd.DataFrame:
    """``panel`` with ``oc_index`` recomputed so that each unit uses the same components
    at every one of ``periods``: those it has at all of them. A change in the index is
    then a change in the unit's results, not in which components happened to be there
    (satisfaction exists only on the 2018 form, inspections are not every half-year).
    ``settings``: the ``[indicators]`` section (the index's weights and rules)."""
    names = list(settings.index_weights)
    sub = panel[panel["period"].isin(list(periods))]
    present = sub[names].notna().groupby(sub["unit_id"], sort=False).all()
    out = panel.copy()
    mask = out["period"].isin(list(periods)).to_numpy()
    part = out.loc[mask].copy()
    keep = present.reindex(part["unit_id"]).fillna(False).to_numpy(bool)
    for j, name in enumerate(names):
        part[name] = np.where(keep[:, j], part[name].to_numpy(float, na_value=np.nan), np.nan)
    out.loc[mask, "oc_index"] = composite_index(part, settings)["oc_index"].to_numpy()
    return out


# ------------------------------------------------------------------ comparability


def _comparability(units: pd.DataFrame, name: str, baseline: str, post: str,
                   settings: Settings) -> tuple[str | None, str]:
    """(verdict, reason) when the comparison cannot be made, else (None, '')."""
    if name in adoption_items(settings):
        # a yes/no step of the unit, or a share of staff who did a one-time step (scale "percent")
        what = ("tỷ lệ cán bộ đã làm một việc làm một lần" if indicator_registry.indicator(name).scale == "percent"
                else "làm một lần, có/không")
        return "not_comparable", (f"chỉ tiêu triển khai ({what}), không phải kết quả: xem tiến độ triển "
                                  "khai theo kỳ, không so sánh mức thay đổi")
    ok = units[[baseline, post]].notna().all(axis=1) & units["is_pilot"].notna()
    u = units[ok]
    pil = u["is_pilot"].astype(bool)
    blocks_ok = u.groupby("block")["is_pilot"].agg(lambda s: 0 < s.astype(bool).sum() < len(s))
    if not blocks_ok.any():
        return "no_data", "không khối nào có cả đơn vị điểm và đơn vị khác đủ số liệu ở hai kỳ"
    spec = indicator_registry.indicator(name)
    lo, hi = spec.bounds
    best = hi if spec.higher_is_better else lo
    base = u[baseline].to_numpy(float)
    change = (u[post] - u[baseline]).to_numpy(float)
    if np.ptp(change) <= 1e-9 and np.ptp(base) <= 1e-9:
        return "not_comparable", "mọi đơn vị có cùng giá trị ở cả hai kỳ, không có khác biệt để so sánh"
    if np.isfinite(best):
        at_best = np.isclose(base[pil.to_numpy()], best, atol=1e-9)
        share = float(at_best.mean()) if len(at_best) else 0.0
        if share >= float(settings.compare.ceiling_share):
            where = "mức tối đa" if best == hi else "mức tốt nhất (0)"
            return "not_comparable", (f"{int(at_best.sum())} trong {len(at_best)} đơn vị điểm đã ở {where} ngay từ "
                                      "kỳ gốc, không còn chỗ để tiến bộ thêm")
    if np.ptp(change) <= 1e-9:
        return "not_comparable", "mọi đơn vị thay đổi như nhau, không có khác biệt để so sánh"
    return None, ""


# ------------------------------------------------------------------ the table


def mde_multiplier(n_blocks: int, family_size: int, alpha: float, power: float) -> float:
    """Standard errors the true difference must span for the claim rule to call it with
    probability ``power``: (t(1 − α/2m) + t(power)) on ``n_blocks`` − 1 degrees of freedom
    (Holm's first step is Bonferroni's α/m, the level a lone real difference must pass),
    times ``RULE_POWER_FACTOR`` (calibrated by simulating the whole rule).

    Args:
        n_blocks: blocks compared (degrees of freedom + 1).
        family_size: the declared family's size m (``[compare] family``).
        alpha, power: the rule's level and the wanted power.

    Returns:
        The multiplier (≈ 5,7 for 7 blocks, m = 6, α = 0,05, power 0,8); NaN under 2 blocks.
    """
    if n_blocks < 2:
        return math.nan
    # imported here: scipy.stats costs about a second at import, and most notebooks that
    # import the review package (hence this module) never call this
    from scipy import stats

    df = n_blocks - 1
    m = max(1, int(family_size))
    return float((stats.t.ppf(1 - alpha / (2 * m), df) + stats.t.ppf(power, df)) * RULE_POWER_FACTOR)


def _mde(did: compare.EffectResult, adj: compare.EffectResult, alpha: float, power: float, family_size: int) -> float:
    """Smallest true difference the whole rule calls with probability ``power``: the
    multiplier times the larger studentising SE of the two methods (the claim needs both)."""
    se = max((r.se for r in (did, adj) if np.isfinite(r.se)), default=math.nan)
    if not np.isfinite(se):
        return math.nan
    return float(mde_multiplier(did.n_blocks, family_size, alpha, power) * se)


def _lobo(result: compare.EffectResult) -> tuple[float, float]:
    """Range of the estimate when one block at a time is left out (equal block weights)."""
    b = np.array(result.block_estimates, float)
    b = b[np.isfinite(b)]
    if len(b) < 3:
        return (math.nan, math.nan)
    loo = (b.sum() - b) / (len(b) - 1)
    return (float(loo.min()), float(loo.max()))


def _fmt(value: float, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if math.isinf(value):
        return "+∞" if value > 0 else "−∞"
    return fmt.signed(value, decimals)


def _ruled_out(row: dict) -> str:
    """Effects outside both intervals are ruled out: the union of the two intervals."""
    low = min(row["did_ci_low"], row["adj_ci_low"])
    high = max(row["did_ci_high"], row["adj_ci_high"])
    if not (np.isfinite(low) or np.isfinite(high)):
        return "số liệu chưa loại trừ được mức chênh lệch nào"
    parts = []
    if np.isfinite(high):
        parts.append(f"lớn hơn {_fmt(high)}")
    if np.isfinite(low):
        parts.append(f"nhỏ hơn {_fmt(low)}")
    return "số liệu loại trừ chênh lệch " + " hoặc ".join(parts)


def _decide(row: dict, alpha: float) -> tuple[str, str]:
    did = (row["did_ci_low"], row["did_ci_high"])
    adj = (row["adj_ci_low"], row["adj_ci_high"])
    above = did[0] > 0 and adj[0] > 0
    below = did[1] < 0 and adj[1] < 0
    holm = row["p_holm"]
    # the words quote the numbers as pilot_effects.csv stores them, so that the reason and
    # the tables printed from the CSV round each number once, the same way; the decision
    # above uses the unrounded values
    shown = {k: fmt.as_stored(str(k), v) for k, v in row.items()}
    if (above or below) and np.isfinite(holm) and holm < alpha:
        good = above == (row["direction"] == "higher_better")
        return ("better" if good else "worse"), (
            f"hai cách ước lượng (chênh lệch thay đổi {_fmt(shown['did_estimate'])}, điều chỉnh theo kỳ gốc "
            f"{_fmt(shown['adj_estimate'])}) cùng chiều, khoảng tin cậy đều không chứa 0, p sau hiệu chỉnh Holm "
            f"{fmt.p_value(shown['p_holm'])}; là mức độ gắn liền, không phải bằng chứng nhân quả")
    row = shown
    why = []
    if above or below:
        why.append(f"p sau hiệu chỉnh Holm {fmt.p_value(row['p_holm'])} chưa đủ nhỏ khi xét nhiều chỉ tiêu cùng lúc")
    elif (did[0] > 0 or did[1] < 0) != (adj[0] > 0 or adj[1] < 0):
        why.append("hai cách ước lượng không thống nhất (một cách thấy khác biệt, cách kia không)")
    else:
        why.append("khoảng tin cậy chứa 0")
    why.append(_ruled_out(row))
    if np.isfinite(row["mde"]):
        why.append(f"thiết kế chỉ phát hiện được (8 trên 10 lần, theo đúng quy tắc kết luận này) chênh lệch từ khoảng "
                   f"{fmt.number(row['mde'], 1)} trở lên")
    return "no_evidence", "; ".join(why)


def assess(panel: pd.DataFrame, baseline: str, post: str, settings: Settings, indicators=None, *, seed: int = 0,
           mc_draws: int | None = None, exact_limit: int | None = None) -> pd.DataFrame:
    """The verdict table (contract ``tables/pilot_effects.csv``): one row per indicator of
    ``indicators`` (default: the family, then the adoption items), under ``settings``
    (``[compare]`` family, alpha, power, ceiling share; ``[indicators]`` for the composite)."""
    names = list(indicators) if indicators is not None else shown_indicators(settings)
    alpha = float(settings.compare.alpha)
    power = float(settings.compare.power)
    fam = family(settings)
    adoption = adoption_items(settings)
    work = fixed_mix_panel(panel, [baseline, post], settings.indicators) if "oc_index" in names else panel
    rows = []
    for name in names:
        row: dict[str, object] = {c: math.nan for c in COLUMNS}
        row.update(indicator=name, indicator_vi=_label(name),
                   kind="adoption" if name in adoption else "outcome",
                   direction=indicator_registry.indicator(name).direction,
                   n_pilot=0, n_rest=0, verdict="", reason_vi="")
        if name not in work.columns:
            row.update(verdict="no_data", reason_vi="không có chỉ tiêu này trong số liệu")
            rows.append(row)
            continue
        units = compare.unit_table(work, name, [baseline, post])
        verdict, reason = _comparability(units, name, baseline, post, settings)
        ok = units[[baseline, post]].notna().all(axis=1)
        row["n_pilot"] = int((ok & units["is_pilot"].fillna(False).astype(bool)).sum())
        row["n_rest"] = int((ok & ~units["is_pilot"].fillna(True).astype(bool)).sum())
        if verdict is None:
            kw: dict[str, Any] = dict(baseline=baseline, post=post, seed=seed, bounds=indicator_registry.bounds(name),
                      mc_draws=mc_draws, exact_limit=exact_limit, settings=settings.compare)
            did = compare.pilot_effect(work, name, method="did", **kw)
            adj = compare.pilot_effect(work, name, method="ancova", **kw)
            row.update(did_estimate=did.estimate, did_ci_low=did.ci_low, did_ci_high=did.ci_high,
                       did_p=did.p_value, adj_estimate=adj.estimate, adj_ci_low=adj.ci_low,
                       adj_ci_high=adj.ci_high, adj_p=adj.p_value, n_pilot=did.n_pilot, n_rest=did.n_rest,
                       mde=_mde(did, adj, alpha, power, len(fam)))
            row["lobo_min"], row["lobo_max"] = _lobo(did)
            if math.isnan(did.estimate):
                verdict, reason = "no_data", "không đủ số liệu để so sánh"
        row["verdict"], row["reason_vi"] = verdict or "", reason
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    # Holm over the declared family; the claim needs both methods, so each indicator's p
    # is the larger of the two (an intersection–union test). Indicators of the family that
    # cannot be compared keep their place in the family (m never shrinks after looking).
    in_family = out["indicator"].isin(fam).to_numpy()
    p_both = np.fmax(out["did_p"].to_numpy(float), out["adj_p"].to_numpy(float))
    p_both[~in_family] = np.nan
    out["p_holm"] = compare.adjust_pvalues(p_both, "holm", m=len(fam))
    for i, result in out.iterrows():
        if result["verdict"]:
            continue
        verdict, reason = _decide(result.to_dict(), alpha)
        out.at[i, "verdict"], out.at[i, "reason_vi"] = verdict, reason
        if verdict in ("better", "worse"):
            out.at[i, "sensitivity_gamma"] = _gamma(work, result, baseline, post, alpha, p_both[i])
    out["verdict_vi"] = out["verdict"].map(VERDICT_VI)
    for col in ("n_pilot", "n_rest"):
        out[col] = out[col].astype("int64")
    return out


def _gamma(work: pd.DataFrame, row: pd.Series, baseline: str, post: str, alpha: float, p_both: float) -> float:
    """Rosenbaum's Γ of a claim, at the level its Holm step gave it (α over the factor
    Holm multiplied its p by)."""
    side = 1 if row["did_estimate"] > 0 else -1
    factor = float(np.clip(row["p_holm"] / p_both, 1.0, None)) if p_both > 0 else 1.0
    return compare.sensitivity_gamma(work, str(row["indicator"]), baseline=baseline, post=post, side=side,
                                     alpha=alpha / factor, gamma_max=GAMMA_MAX)


def gamma_sentence_vi(row) -> str:
    """One plain sentence on how much hidden bias a claim survives (``sensitivity_gamma``).

    Args:
        row: a row of ``assess`` (mapping with ``verdict`` and ``sensitivity_gamma``).

    Returns:
        The sentence for a ``better``/``worse`` row; '' otherwise.
    """
    gamma = row.get("sensitivity_gamma", math.nan) if hasattr(row, "get") else math.nan
    if row["verdict"] not in ("better", "worse") or gamma is None or pd.isna(gamma):
        return ""
    if gamma >= GAMMA_MAX:
        return (f"Kết luận này vẫn đứng ngay cả khi một lý do không thấy trong số liệu khiến một đơn vị có khả năng "
                f"được chọn làm điểm cao gấp hơn {fmt.number(GAMMA_MAX, 0)} lần các đơn vị khác cùng khối.")
    if gamma < 1.05:
        return ("Kết luận này rất nhạy: chỉ cần việc chọn đơn vị điểm thiên lệch một chút vì một lý do không thấy "
                "trong "
                "số liệu (ví dụ chọn nơi được kỳ vọng tiến bộ nhanh) là đủ giải thích khác biệt.")
    return (f"Kết luận này vẫn đứng nếu một lý do không thấy trong số liệu (ví dụ chọn nơi được kỳ vọng tiến bộ nhanh) "
            f"khiến một đơn vị có khả năng được chọn làm điểm cao gấp tới {fmt.number(gamma, 1)} lần các đơn vị khác "
            f"cùng khối; thiên lệch mạnh hơn mức đó có thể giải thích hết khác biệt.")


def _label(name: str) -> str:
    return indicator_registry.label_vi(name)


def answer_vi(effects: pd.DataFrame, baseline: str, post: str, *, short: bool = False) -> str:
    """One paragraph: which outcomes differ clearly (both methods, Holm), which do not,
    which cannot be compared; never causal. ``short`` (the one-page summary) leaves the
    reasons to the table and section IV."""
    if effects.empty:
        return "Chưa có số liệu để so sánh đơn vị điểm với các đơn vị còn lại."
    label = lambda r: _lower_first(str(r["indicator_vi"]))  # noqa: E731
    rows = effects.to_dict("records")
    better = [r for r in rows if r["verdict"] == "better"]
    worse = [r for r in rows if r["verdict"] == "worse"]
    none = [r for r in rows if r["verdict"] == "no_evidence"]
    skip = [r for r in rows if r["verdict"] in ("not_comparable", "no_data")]
    n_out = len(better) + len(worse) + len(none)
    span = f"từ {period_vi(baseline)} đến {period_vi(post)}"
    parts = []
    if better:
        parts.append(f"{VERDICT_VI['better']} các đơn vị cùng khối ({span}) ở {len(better)} trong {n_out} chỉ tiêu "
                     "kết quả: " + "; ".join(f"{label(r)} ({fmt.signed(r['did_estimate'], 1)})" for r in better) + ".")
    if worse:
        parts.append(f"{VERDICT_VI['worse']} ở {len(worse)} chỉ tiêu: "
                     + "; ".join(f"{label(r)} ({fmt.signed(r['did_estimate'], 1)})" for r in worse) + ".")
    if none:
        intro = f"{VERDICT_VI['no_evidence']} ở" if (better or worse) else \
            f"Ở cả {len(none)} chỉ tiêu kết quả so sánh được, số liệu chưa cho thấy đơn vị điểm chuyển biến khác các " \
            "đơn vị còn lại:"
        parts.append(f"{intro} " + "; ".join(label(r) for r in none) + ".")
    if skip and short:
        parts.append("Không so sánh được (lý do ở Mục IV): " + "; ".join(label(r) for r in skip) + ".")
    elif skip:
        parts.append("Không so sánh được: " + "; ".join(f"{label(r)} ({r['reason_vi']})" for r in skip) + ".")
    if short:
        parts.append("\"Rõ\" chỉ khi hai cách ước lượng cùng chiều và vẫn rõ sau khi tính đến việc xét nhiều chỉ tiêu "
                     "cùng "
                     "lúc; đơn vị điểm được chọn, không bốc thăm: đây là mức độ gắn liền, không phải bằng chứng nhân "
                     "quả.")
    else:
        parts.append("\"Rõ\" chỉ dùng khi hai cách ước lượng (chênh lệch thay đổi và điều chỉnh theo mức kỳ gốc) cùng "
                     "chiều "
                     "và vẫn rõ sau khi tính đến việc xét nhiều chỉ tiêu cùng lúc. Đơn vị điểm được chọn, "
                     "không bốc thăm, và kỳ gốc đã sau khi chọn: đây là mức độ gắn liền, không phải bằng chứng nhân "
                     "quả.")
    mde = effects.loc[effects["verdict"] == "no_evidence", ["indicator_vi", "mde"]].dropna()
    if len(mde):
        r = mde.iloc[0]
        parts.append(f"Với {int(effects['n_pilot'].max())} đơn vị điểm, chỉ phát hiện được khác biệt lớn "
                     f"(ví dụ {_lower_first(r['indicator_vi'])}: từ khoảng {fmt.number(r['mde'], 1)} trở lên); "
                     f"\"{VERDICT_VI['no_evidence'].lower()}\" không có nghĩa là \"không có tác dụng\".")
    return " ".join(parts)


def _lower_first(text: str) -> str:
    text = str(text)
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


# ------------------------------------------------------------------ robustness


def index_sensitivity(panel: pd.DataFrame, baseline: str, post: str, settings: Settings, *, seed: int = 0,
                      mc_draws: int | None = None) -> pd.DataFrame:
    """DiD and ANCOVA of the composite with each component left out in turn (first row:
    all components): does one component drive the composite's answer?"""
    weights = dict(settings.indicators.index_weights)
    rows = []
    for left_out in [None, *weights]:
        part = panel.copy()
        if left_out is not None:
            part[left_out] = np.nan
        part = fixed_mix_panel(part, [baseline, post], settings.indicators)
        row: dict[str, object] = {"left_out": left_out or "",
                                  "left_out_vi": _label(left_out) if left_out else "(đủ thành phần)"}
        for method, prefix in (("did", "did"), ("ancova", "adj")):
            r = compare.pilot_effect(part, "oc_index", baseline=baseline, post=post, method=method, seed=seed,
                                     bounds=indicator_registry.bounds("oc_index"), mc_draws=mc_draws,
                                     settings=settings.compare)
            row.update({f"{prefix}_estimate": r.estimate, f"{prefix}_ci_low": r.ci_low,
                        f"{prefix}_ci_high": r.ci_high, f"{prefix}_p": r.p_value})
        rows.append(row)
    return pd.DataFrame(rows)


def placebo(rankings: pd.DataFrame, units: pd.DataFrame, settings: Settings, *, seed: int = 0) -> dict:
    """The same comparison on annual rankings of years before the resolution (``[review]
    resolution_date``; a check of pre-existing trends), when at least two such years are
    supplied; else why not."""
    resolution_year = int(str(settings.review.resolution_date)[:4])
    years = sorted({int(y) for y in pd.to_numeric(rankings.get("year", pd.Series(dtype=float)), errors="coerce")
                    .dropna() if int(y) < int(resolution_year)})
    if len(years) < 2:
        found = f" (chỉ có năm {years[0]})" if years else ""
        return {"available": False, "years": years,
                "text": (f"Không có kết quả xếp loại của ít nhất hai năm trước khi ban hành Nghị quyết{found}, "
                         "nên không kiểm tra được xu hướng trước đó của đơn vị điểm và các đơn vị khác.")}
    frame = rankings[pd.to_numeric(rankings["year"], errors="coerce").isin(years)].copy()
    frame["period"] = frame["year"].astype(int).astype(str)
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce").astype(float)
    frame = frame.merge(units[["unit_id", "block", "is_pilot"]], on="unit_id", how="inner")
    frame = frame.drop_duplicates(["unit_id", "period"])
    r = compare.pilot_effect(frame[["unit_id", "period", "block", "is_pilot", "level"]], "level",
                             baseline=str(years[0]), post=str(years[-1]), seed=seed, bounds=(1.0, 4.0),
                             settings=settings.compare)
    clear = np.isfinite(r.ci_low) and (r.ci_low > 0 or r.ci_high < 0)
    text = (f"Kiểm tra giả định trên kết quả xếp loại {years[0]}–{years[-1]} (trước Nghị quyết): chênh lệch thay đổi "
            f"mức xếp loại {_fmt(r.estimate, 2)} bậc (khoảng tin cậy 95%: {_fmt(r.ci_low, 2)} đến "
            f"{_fmt(r.ci_high, 2)}; "
            f"p = {fmt.p_value(r.p_value)}). "
            + ("Đơn vị điểm đã đi khác các đơn vị cùng khối ngay trước Nghị quyết: cần thận trọng hơn khi đọc các "
               "chênh lệch sau đó." if clear else
               "Không thấy đơn vị điểm đi khác các đơn vị cùng khối trước Nghị quyết (điều này không chứng minh "
               "xu hướng song song, chỉ là không thấy dấu hiệu ngược lại)."))
    return {"available": True, "years": years, "estimate": r.estimate, "ci_low": r.ci_low,
            "ci_high": r.ci_high, "p_value": r.p_value, "text": text}
