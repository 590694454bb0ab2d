"""Levels before and after on the basis each change is measured on.

A change printed beside two levels must equal their difference. The verdicts' change
(``tables/pilot_effects.csv``) compares, block by block, the pilots' change with the mean
change of the other units of their block, on the units with data at both periods, blocks
weighted by ``[compare] block_weights``. The levels here are on exactly that basis: per
block the pilots' and the others' mean at the baseline and at the post period, averaged
over the blocks with the same weights. Their difference of differences is the verdicts'
change (``did_estimate``). The whole-bloc levels of the goal tables are likewise taken on
the units with both values, the units the change is averaged over.

Computed once from the processed tables (``review.load``/``review.panel``, the panel the
notebooks use, with the composite on a fixed mix of components as in the verdicts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vhcs_analysis import compare


@dataclass(frozen=True)
class GroupLevels:
    """Pilots' and others' levels (block-weighted) on the units with data at both periods."""

    pilot_base: float
    pilot_post: float
    rest_base: float
    rest_post: float
    n_pilot: int
    n_rest: int
    n_blocks: int


def _block_weight(kind: str, n_pilot: int, n_all: int) -> float:
    if kind == "units":
        return float(n_all)
    if kind == "precision":
        return n_pilot * (n_all - n_pilot) / n_all
    return 1.0  # "equal": each block (each pilot, one per block) counts the same


def group_levels(work: pd.DataFrame, name: str, baseline: str, post: str, weights: str = "equal") -> GroupLevels | None:
    """Block-weighted levels of pilots and the rest, on the units and blocks the verdicts
    compare (both periods present, a pilot and another unit in the block); None without any
    such block or without the indicator. Where no unit has the indicator at ``baseline``,
    the levels at ``post`` on the units that have it (baselines NaN)."""
    if name not in work.columns:
        return None
    units = compare.unit_table(work, name, [baseline, post])
    # an indicator no unit has at baseline (a form field added later): the post level on the
    # units that have it, same blocks and weights, no baseline
    periods = [baseline, post] if units[baseline].notna().any() else [post]
    ok = units[periods].notna().all(axis=1) & units["is_pilot"].notna() & units["block"].notna()
    units = units[ok.to_numpy()]
    rows = []
    for _, g in units.groupby("block", sort=True):
        pil = g["is_pilot"].astype(bool).to_numpy()
        if not 0 < pil.sum() < len(g):
            continue
        p, r = g[pil], g[~pil]
        rows.append((_block_weight(weights, int(pil.sum()), len(g)), p[baseline].mean(), p[post].mean(),
                     r[baseline].mean(), r[post].mean(), len(p), len(r)))
    if not rows:
        return None
    arr = np.array(rows, float)
    w = arr[:, 0] / arr[:, 0].sum()
    pilot_base, pilot_post, rest_base, rest_post = (float(np.dot(w, arr[:, j])) for j in range(1, 5))
    return GroupLevels(pilot_base, pilot_post, rest_base, rest_post, n_pilot=int(arr[:, 5].sum()),
                       n_rest=int(arr[:, 6].sum()), n_blocks=len(rows))


def pilot_units(work: pd.DataFrame, units: pd.DataFrame, name: str, baseline: str, post: str) -> list[dict]:
    """One entry per pilot unit (registry order by id): its block, its own levels and the
    mean levels of the other units of its block with data at both periods (NaN where
    missing), for indicator ``name``."""
    pilots = (units[units["is_pilot"].astype("boolean").fillna(False).astype(bool)]
              .sort_values("unit_id", kind="mergesort"))
    table = compare.unit_table(work, name, [baseline, post]) if name in work.columns else None
    out = []
    for unit in pilots.to_dict("records"):
        uid = str(unit["unit_id"])
        entry = {"unit_id": uid, "unit_name": unit.get("unit_name"), "block": unit.get("block"),
                 "base": math.nan, "post": math.nan, "rest_base": math.nan, "rest_post": math.nan, "n_rest": 0}
        if table is not None:
            if uid in table.index:
                entry["base"], entry["post"] = float(table.at[uid, baseline]), float(table.at[uid, post])
            rest = table[(table["block"] == unit.get("block")) & ~table["is_pilot"].fillna(True).astype(bool)]
            rest = rest[rest[[baseline, post]].notna().all(axis=1)]
            if len(rest):
                entry.update(rest_base=float(rest[baseline].mean()), rest_post=float(rest[post].mean()),
                             n_rest=len(rest))
        out.append(entry)
    return out
