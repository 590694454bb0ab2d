"""Section 4: inspection and supervision results by criterion c01–c10 and rating."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vhcs_analysis import fmt, plots, tables
from vhcs_analysis.labels import CRITERIA_VI
from vhcs_analysis.review.base import GROUPS, ReviewData, _lower_first, markdown, _group_of


def inspection_criteria(data: ReviewData) -> pd.DataFrame:
    """Mean score (0–10) per criterion c01–c10 for pilots and the rest, over all rounds.

    Inspections cluster by unit (a unit inspected four times is one unit, not four
    independent draws), so each unit first gets its own mean, and ``mean_score`` is the
    mean over units with a Student-t 95% interval on those unit means (``n_units`` − 1
    degrees of freedom, clipped to 0–10); ``n_inspections`` counts the scores used.

    Args:
        data: the loaded review data.

    Returns:
        criterion, criterion_vi, group (pilot/rest), mean_score, ci_low, ci_high (0–10; NaN
        without scores), n_units, n_inspections; one row per criterion × group.
    """
    from vhcs_analysis import intervals

    ins = data.inspections.merge(data.units[["unit_id", "is_pilot"]], on="unit_id", how="left")
    ins["group"] = _group_of(ins["is_pilot"]).to_numpy()
    rows = []
    for criterion in tables.CRITERIA:
        scores = ins.assign(score=ins[criterion].astype("Float64").astype(float))[["unit_id", "group", "score"]]
        scores = scores[scores["score"].notna()]
        for group in GROUPS:
            part = scores[scores["group"] == group]
            mean, lo, hi, n_units = intervals.unit_mean_ci(part["score"], part["unit_id"], bounds=(0.0, 10.0))
            rows.append({"criterion": criterion, "criterion_vi": CRITERIA_VI[criterion], "group": group,
                         "mean_score": mean, "ci_low": lo, "ci_high": hi, "n_units": n_units,
                         "n_inspections": len(part)})
    return pd.DataFrame(rows)


def inspection_ratings(data: ReviewData) -> pd.DataFrame:
    """Number of units per rating (as written on Form 02) in each round.

    Args:
        data: the loaded review data.

    Returns:
        round_id, rating, n_units (int64), ratings in the Form 02 order.
    """
    ins = data.inspections[data.inspections["rating"].notna()]
    out = ins.groupby(["round_id", "rating"], sort=True).size().rename("n_units").reset_index()
    order = {r: i for i, r in enumerate(plots.RATING_ORDER)}
    out["_r"] = out["rating"].map(lambda r: order.get(r, len(order)))
    out = out.sort_values(["round_id", "_r", "rating"], kind="mergesort").drop(columns="_r")
    return out.astype({"n_units": "int64"}).reset_index(drop=True)


def inspection_numbers(data: ReviewData, criteria: pd.DataFrame) -> dict:
    """The inspections section of key_numbers.json.

    Args:
        data: the loaded review data.
        criteria: ``inspection_criteria`` (kept for the notebook's call; the numbers come from ``data``).

    Returns:
        Counts of rounds, inspections and units, the mean total score (0–100, None without
        scores) and the weakest criterion with its mean (0–10; None without scores).
    """
    ins = data.inspections
    overall = {}
    for criterion in tables.CRITERIA:
        values = ins[criterion].astype("Float64").dropna()
        if len(values):
            overall[criterion] = float(values.mean())
    weakest = min(overall, key=lambda c: (overall[c], c)) if overall else None
    return {
        "n_rounds": int(ins["round_id"].nunique()),
        "n_inspections": len(ins),
        "n_units_inspected": int(ins["unit_id"].nunique()),
        "mean_total_score": float(ins["total_score"].astype("Float64").mean()) if ins["total_score"].notna().any()
        else None,
        "weakest_criterion": weakest,
        "weakest_criterion_vi": CRITERIA_VI.get(weakest) if weakest else None,
        "weakest_mean": overall.get(weakest) if weakest else None,
    }


def inspection_text(data: ReviewData) -> Any:
    """Generated prose on the inspections: how many, the weakest and strongest criteria.

    Args:
        data: the loaded review data.

    Returns:
        Markdown from the data (or a line saying there is no Form 02 result).
    """
    ins = data.inspections
    if ins.empty:
        return markdown("Không có kết quả kiểm tra, giám sát (Biểu 02) nào trong dữ liệu đã làm sạch.")
    means = {c: ins[c].astype("Float64").mean() for c in tables.CRITERIA if ins[c].notna().any()}
    ranked = sorted(means, key=lambda c: (means[c], c))
    text = (f"Có **{fmt.number(len(ins))} lượt kiểm tra, giám sát** tại {fmt.number(ins['unit_id'].nunique())} "
            f"đơn vị trong {fmt.number(ins['round_id'].nunique())} đợt; tổng điểm bình quân "
            f"{fmt.number(ins['total_score'].astype('Float64').mean(), 1)}/100.")
    if len(ranked) >= 2:
        low, high = ranked[0], ranked[-1]
        text += (f" Tiêu chí điểm thấp nhất: **{low} – {_lower_first(CRITERIA_VI[low])}** "
                 f"({fmt.number(means[low], 2)}/10); cao nhất: {high} – {_lower_first(CRITERIA_VI[high])} "
                 f"({fmt.number(means[high], 2)}/10).")
    return markdown(text)
