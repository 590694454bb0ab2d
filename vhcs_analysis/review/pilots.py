"""Section 3: pilot units vs the rest of their blocks (DiD family, event study, per block, baseline gaps)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vhcs_analysis import fmt
from vhcs_analysis.review.base import (
    SEED, ReviewData, _lower_first, markdown, panel, plot_setting, indicator_meta,
    _with_meta, _label_of,
)
from vhcs_analysis.review.rollout import trend_of


def trends(data: ReviewData) -> pd.DataFrame:
    """``trend_of`` for every indicator of the DiD family, stacked."""
    parts = [trend_of(data, name) for name in plot_setting("did_family")]
    return pd.concat(parts, ignore_index=True)


def did(data: ReviewData) -> pd.DataFrame:
    """Block-stratified DiD (baseline → post) for the indicator family, randomisation
    p-values and intervals, with Holm and Benjamini–Hochberg adjusted p-values."""
    from vhcs_analysis import compare

    res = compare.family(panel(data), list(plot_setting("did_family")), data.baseline, data.post, seed=SEED)
    out = res.rename(columns={"outcome": "indicator"})
    out = out[["indicator", "estimate", "ci_low", "ci_high", "p_value", "p_holm", "p_bh", "n_pilot", "n_rest",
               "method"]]
    out = out.astype({"n_pilot": "int64", "n_rest": "int64"})
    return _with_meta(out).reset_index(drop=True)


def event_study(data: ReviewData) -> pd.DataFrame:
    """Pilot − rest gap in change since baseline, per period, for the chosen indicators."""
    from vhcs_analysis import compare

    parts = []
    for name in plot_setting("event_study_indicators"):
        es = compare.event_study(panel(data), name, data.baseline, data.periods, seed=SEED)
        parts.append(pd.DataFrame({"indicator": name, "period": es["period"].astype(str),
                                   "estimate": es["estimate"].astype(float),
                                   "ci_low": es["ci_low"].astype(float), "ci_high": es["ci_high"].astype(float),
                                   "p_value": es["p_value"].astype(float)}))
    return _with_meta(pd.concat(parts, ignore_index=True), cols=("indicator_vi",))


def per_block(data: ReviewData) -> pd.DataFrame:
    """Each block's pilot against the other units of its block (descriptive), per indicator."""
    from vhcs_analysis import compare

    parts = []
    for name in plot_setting("did_family"):
        pb = compare.per_block(panel(data), name, data.baseline, data.post)
        parts.append(pd.DataFrame({"indicator": name, "indicator_vi": _label_of(name), "block": pb["block"].astype(str),
                                   "pilot_change": pb["pilot_change"].astype(float),
                                   "rest_change": pb["rest_change"].astype(float),
                                   "difference": pb["did"].astype(float), "n_rest": pb["n_rest"].astype("int64")}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["indicator", "block"], kind="mergesort").reset_index(drop=True)


def per_block_of(table: pd.DataFrame, indicator: str | None = None) -> pd.DataFrame:
    """Rows of ``per_block`` for one indicator (default: ``[plots] per_block_indicator``)."""
    return table[table["indicator"] == (indicator or plot_setting("per_block_indicator"))].reset_index(drop=True)


def level_gap(data: ReviewData) -> pd.DataFrame:
    """Pilots vs the rest of their blocks at the baseline: were pilots already different?"""
    from vhcs_analysis import compare

    rows = []
    for name in plot_setting("did_family"):
        r = compare.level_gap(panel(data), name, data.baseline, seed=SEED)
        rows.append({"indicator": name, "pilot_mean": r.pilot_mean, "rest_mean": r.rest_mean, "gap": r.estimate,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value})
    out = _with_meta(pd.DataFrame(rows), cols=("indicator_vi",))
    return out.sort_values("indicator", kind="mergesort").reset_index(drop=True)


def pilot_effect_numbers(did_table: pd.DataFrame) -> list[dict]:
    """The pilot_effect list of key_numbers.json (one entry per indicator of did.csv)."""
    keep = ["indicator", "indicator_vi", "estimate", "ci_low", "ci_high", "p_value", "p_holm", "p_bh",
            "n_pilot", "n_rest", "method"]
    return [{k: row[k] for k in keep} for row in did_table.to_dict("records")]


def did_text(data: ReviewData, did_table: pd.DataFrame) -> Any:
    """Generated reading of the DiD family: the composite index in words, and how many
    indicators stand out after the multiple-testing adjustment."""
    from vhcs_analysis import compare

    meta = indicator_meta().set_index("indicator")
    main = plot_setting("per_block_indicator")
    lines = []
    if main in set(did_table["indicator"]):
        r = compare.pilot_effect(panel(data), main, baseline=data.baseline, post=data.post, seed=SEED)
        lines.append(compare.describe_result_vi(r, _lower_first(meta.loc[main, "indicator_vi"]),
                                                unit=meta.loc[main, "diff_unit_vi"],
                                                higher_is_better=bool(meta.loc[main, "higher_is_better"])))
    tested = did_table["p_value"].notna()
    raw = int((did_table["p_value"] < 0.05).sum())
    holm = int((did_table["p_holm"] < 0.05).sum())
    lines.append(
        f"Trong {fmt.number(int(tested.sum()))} chỉ tiêu được so sánh, {fmt.number(raw)} chỉ tiêu có p < 0,05 "
        f"khi xét riêng từng chỉ tiêu; sau khi hiệu chỉnh cho việc kiểm định nhiều chỉ tiêu cùng lúc "
        f"(phương pháp Holm) còn {fmt.number(holm)} chỉ tiêu."
    )
    return markdown("\n\n".join(lines))


def level_gap_text(gap_table: pd.DataFrame) -> Any:
    """Generated prose on pre-existing differences at the baseline."""
    sig = gap_table[gap_table["p_value"] < 0.05]
    if sig.empty:
        return markdown("Ở kỳ gốc, không chỉ tiêu nào cho thấy đơn vị điểm khác rõ các đơn vị cùng khối "
                        "(mọi p ≥ 0,05); điều này không loại trừ khác biệt nhỏ mà số liệu chưa đủ để phát hiện.")
    names = "; ".join(f"{_lower_first(r.indicator_vi)} (chênh {fmt.signed(r.gap, 1)})" for r in sig.itertuples())
    return markdown(f"Ngay ở kỳ gốc, đơn vị điểm đã khác các đơn vị cùng khối về: {names} (p < 0,05). "
                    "Khi đọc kết quả so sánh thay đổi cần nhớ các đơn vị điểm xuất phát từ mức khác.")
