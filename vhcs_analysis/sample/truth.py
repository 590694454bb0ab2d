"""The true values behind the sample: units, Form 01 panel, inspections and rankings.

Everything here is clean, typed data drawn from a documented model (docs/sample-data.md):
indicator = period mean + block effect + unit effect + pilot gap + pilot effect(period)
+ noise, with counts drawn around those rates. The raw files are renderings of these
values; the ground truth the cleaner must reproduce is these values minus what the raw
files lose (rejected rows, reports never sent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vhcs_analysis.settings import package_defaults
from vhcs_analysis.periods import Period
from vhcs_analysis.tables import rating_for, ratings_best_first
from vhcs_analysis.sample.units import BLOCKS, N_PARTY_COMMITTEES, PARTY_CELL, PARTY_COMMITTEE, UnitSpec

PERIODS: tuple[str, ...] = ("2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2")
BASELINE, POST = PERIODS[0], PERIODS[-1]
RESOLUTION_DATE = dt.date(2016, 10, 10)
# Reports are due on the 20th of the period's last month (20/06 and 20/12): a modelling
# choice of the sample, written into planted_effects.json for the lateness analysis.
DEADLINE_DAY = 20  # day of a half-year's last month its Form 01 is due

# Inspection rounds: id, words on the form, first and last inspection day, all units or a subset.
ROUNDS: tuple[tuple[str, str, dt.date, dt.date, bool], ...] = (
    ("2016-1", "Đợt 1 năm 2016", dt.date(2016, 11, 21), dt.date(2016, 12, 23), True),
    ("2017-1", "Đợt 1 năm 2017", dt.date(2017, 5, 8), dt.date(2017, 6, 16), False),
    ("2017-2", "Đợt 2 năm 2017", dt.date(2017, 10, 16), dt.date(2017, 11, 24), False),
    ("2018-1", "Đợt 1 năm 2018", dt.date(2018, 5, 7), dt.date(2018, 6, 15), False),
    ("2018-2", "Đợt 2 năm 2018", dt.date(2018, 10, 22), dt.date(2018, 12, 14), True),
)
SUBSET_ROUND_SIZE = 24

# The planted model, in indicator units (rates 0–100, counts per 100 staff, score 0–100).
# level[t]: mean of the non-pilot units in period t; gap: pilots minus rest in every
# period; effect[t]: extra change of pilots since baseline (the true DiD at t).
MODEL: dict[str, dict] = {
    "study_rate": dict(level=(50, 62, 67, 70, 72), gap=0.0, effect=(0, 4, 6, 8, 10),
                       block_sd=3.0, unit_sd=5.0, noise_sd=4.0),
    "on_time_rate": dict(level=(86, 87, 87.5, 88, 88.5), gap=0.0, effect=(0, 1, 2, 3, 4),
                         block_sd=1.0, unit_sd=1.5, noise_sd=1.2),
    "complaints_per_100_staff": dict(level=(6.0, 5.5, 5.0, 4.5, 4.0), gap=-2.0, effect=(0, 0, 0, 0, 0),
                                     block_sd=0.3, unit_sd=0.5, noise_sd=0.0),
    "violations_per_100_staff": dict(level=(1.2, 1.1, 1.0, 0.9, 0.8), gap=0.0, effect=(0, 0, 0, 0, 0),
                                     block_sd=0.15, unit_sd=0.25, noise_sd=0.0),
    "inspection_score": dict(level=(68, 71, 73, 75, 76), gap=0.0, effect=(0, 2, 3, 5, 6),
                             block_sd=2.0, unit_sd=3.0, noise_sd=2.5),
}
ROUND_PERIOD = dict(zip((r[0] for r in ROUNDS), PERIODS))


@dataclass
class World:
    """The true state: registry (with internal columns) and the full panels."""

    units: pd.DataFrame  # registry + one_stop, slug, spec index
    reports: pd.DataFrame  # every unit x period, true Form 01 values (2018 fields for all)
    inspections: pd.DataFrame  # every inspected unit x round
    rankings: pd.DataFrame  # every unit x year


def build_registry(specs: tuple[UnitSpec, ...]) -> pd.DataFrame:
    """Registry rows with ids U01…, unit types (the 39 largest are đảng bộ cơ sở)."""
    order = sorted(range(len(specs)), key=lambda i: (-specs[i].staff, i))
    committees = set(order[:N_PARTY_COMMITTEES])
    return pd.DataFrame(
        {
            "unit_id": [f"U{i + 1:02d}" for i in range(len(specs))],
            "unit_name": [s.name for s in specs],
            "aliases": [";".join(s.aliases) for s in specs],
            "block": [BLOCKS[s.block] for s in specs],
            "is_pilot": [s.pilot for s in specs],
            "unit_type": [PARTY_COMMITTEE if i in committees else PARTY_CELL for i in range(len(specs))],
            "staff_count": [s.staff for s in specs],
            "one_stop": [s.one_stop for s in specs],
            "slug": [s.slug for s in specs],
        }
    )


def _latent(rng: np.random.Generator, units: pd.DataFrame, name: str) -> np.ndarray:
    """Unit x period matrix of an indicator's expected value under MODEL."""
    m = MODEL[name]
    block_fx = dict(zip(BLOCKS, rng.normal(0, m["block_sd"], len(BLOCKS))))
    base = np.array([block_fx[b] for b in units["block"]]) + rng.normal(0, m["unit_sd"], len(units))
    pilot = units["is_pilot"].to_numpy(bool)
    level = np.asarray(m["level"], float)
    effect = np.asarray(m["effect"], float)
    values = base[:, None] + level[None, :] + pilot[:, None] * (m["gap"] + effect[None, :])
    return values + rng.normal(0, m["noise_sd"], values.shape) if m["noise_sd"] else values


def deadline(period: str) -> dt.date:
    """Due date of a half-year's Form 01: the 20th of its last month (20/06, 20/12)."""
    return Period.half_year(period).end.replace(day=DEADLINE_DAY)


def simulate_reports(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    """True Form 01 values for every unit and period (before any loss)."""
    n = len(units)
    study = np.clip(_latent(rng, units, "study_rate"), 0, 100)
    on_time = np.clip(_latent(rng, units, "on_time_rate"), 0, 100)
    complaints = np.clip(_latent(rng, units, "complaints_per_100_staff"), 0.05, None)
    violations = np.clip(_latent(rng, units, "violations_per_100_staff"), 0.02, None)
    pilot = units["is_pilot"].to_numpy(bool)
    staff0 = units["staff_count"].to_numpy(int)
    member_share = rng.uniform(0.45, 0.85, n)
    dossier_scale = rng.uniform(4, 30, n)
    # The action programme is issued once: pilots within weeks, others over the first year.
    programme_days = np.where(pilot, rng.integers(25, 60, n), rng.integers(20, 330, n))
    layout_period = np.where(pilot, 1, rng.choice([1, 2, 2, 3, 3, 4, 5], n))
    unit_ids, one_stop = units["unit_id"].tolist(), units["one_stop"].tolist()
    rows = []
    for i in range(n):
        staff = staff0[i]
        programme_date = RESOLUTION_DATE + dt.timedelta(days=int(programme_days[i]))
        for k, period in enumerate(PERIODS):
            staff = max(10, int(round(staff * rng.uniform(0.97, 1.04)))) if k else staff
            end = Period.half_year(period).end
            rec = {
                "unit_id": unit_ids[i],
                "period": period,
                "staff_total": staff,
                "party_members": int(round(staff * member_share[i])),
                "staff_studied": int(round(study[i, k] / 100 * staff)),
                "action_programme": programme_date <= end - dt.timedelta(days=15),
                "office_layout_done": bool(k >= layout_period[i]),
                "complaints_conduct": int(rng.poisson(complaints[i, k] * staff / 100)),
                "discipline_violations": int(min(staff, rng.poisson(violations[i, k] * staff / 100))),
                "internal_inspections": int(rng.poisson(0.8 + 0.5 * k + pilot[i])),
                "good_practices": int(rng.poisson(0.2 + 0.3 * k + 0.8 * pilot[i] * (k > 0))),
                "staff_rated_good": int(round(staff * rng.uniform(0.72, 0.95))),
            }
            rec["action_programme_date"] = programme_date if rec["action_programme"] else None
            if one_stop[i]:
                received = int(rng.poisson(dossier_scale[i] * staff))
                resolved = int(round(received * rng.uniform(0.92, 1.0)))
                late = int(round(resolved * (100 - on_time[i, k]) / 100))
                rec |= {"dossiers_received": received, "dossiers_on_time": resolved - late,
                        "dossiers_late": late,
                        "satisfaction_rate": round(float(np.clip(rng.normal(88 + 2 * pilot[i], 4), 60, 99.5)), 1)}
            else:
                rec |= {"dossiers_received": None, "dossiers_on_time": None, "dossiers_late": None,
                        "satisfaction_rate": None}
            rows.append(rec)
    out = pd.DataFrame(rows)
    return add_plans(side_rng(rng), out, units)


# Form 01 fields added with issue 28 (2018 form only): drawn from their own generator so the
# draws of every other value, and every file they made, stay as they were.
PLAN_FIELDS = ("staff_personal_plan", "departments_total", "departments_with_plan", "commended_collectives",
               "commended_individuals")


def side_rng(rng: np.random.Generator) -> np.random.Generator:
    """A generator seeded from ``rng``'s seed, independent of its stream (drawing from it
    leaves ``rng`` untouched)."""
    seed = rng.bit_generator.seed_seq.entropy  # type: ignore[attr-defined] # default_rng's is a SeedSequence
    return np.random.default_rng([*np.atleast_1d(seed).tolist(), 28])


def add_plans(rng: np.random.Generator, reports: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``reports`` with the personal plans, department plans and commended counts: each
    unit has a fixed number of departments; personal plans and department plans spread
    over the half-years (pilots ahead), commendations are rare events (pilots more)."""
    pilot = dict(zip(units["unit_id"], units["is_pilot"].astype(bool)))
    order = {p: k for k, p in enumerate(sorted(reports["period"].unique()))}
    departments, start = {}, {}
    for uid in units["unit_id"]:
        departments[uid] = int(rng.integers(3, 13))
        start[uid] = rng.uniform(0.55, 0.8) if pilot[uid] else rng.uniform(0.2, 0.6)
    cols: dict[str, list] = {f: [] for f in PLAN_FIELDS}
    for uid, period, staff in zip(reports["unit_id"], reports["period"], reports["staff_total"]):
        k = order[period]
        share = min(1.0, start[uid] + k * rng.uniform(0.05, 0.12))
        total = departments[uid]
        cols["staff_personal_plan"].append(int(round(share * staff)))
        cols["departments_total"].append(total)
        cols["departments_with_plan"].append(int(min(total, round(total * min(1.0, share + rng.uniform(-0.1, 0.15))))))
        cols["commended_collectives"].append(int(rng.poisson(0.3 + 0.6 * pilot[uid])))
        cols["commended_individuals"].append(int(rng.poisson(0.8 + staff / 60 + 1.5 * pilot[uid])))
    return reports.assign(**cols)


def draw_report_dates(rng: np.random.Generator, reports: pd.DataFrame, late_share: float = 0.12) -> pd.Series:
    """Date each report was signed: most before the deadline, ``late_share`` after it."""
    dates = []
    for period in reports["period"]:
        due = deadline(period)
        if rng.random() < late_share:
            dates.append(due + dt.timedelta(days=int(rng.integers(3, 45))))
        else:
            dates.append(due - dt.timedelta(days=int(rng.integers(0, 16))))
    return pd.Series(dates, index=reports.index)


def simulate_inspections(rng: np.random.Generator, units: pd.DataFrame,
                         subset_size: int = SUBSET_ROUND_SIZE) -> pd.DataFrame:
    """Criteria scores c01..c10 (0–10, halves) for each inspected unit and round."""
    latent = _latent(rng, units, "inspection_score")
    pilot_idx = list(np.flatnonzero(units["is_pilot"].to_numpy(bool)))
    pilot_set = set(pilot_idx)
    rest_idx = [i for i in range(len(units)) if i not in pilot_set]
    unit_ids = units["unit_id"].tolist()
    rows = []
    for k, (round_id, _words, first, last, everyone) in enumerate(ROUNDS):
        if everyone:
            chosen = list(range(len(units)))
        else:
            extra = rng.choice(rest_idx, subset_size - len(pilot_idx), replace=False)
            chosen = sorted([*(int(i) for i in pilot_idx), *(int(x) for x in extra)])
        span = (last - first).days
        for i in chosen:
            weights = rng.normal(0, 0.6, 10)
            scores = np.clip(np.round((latent[i, k] / 10 + weights) * 2) / 2, 0, 10)
            rows.append({
                "unit_id": unit_ids[i],
                "round_id": round_id,
                "inspection_date": first + dt.timedelta(days=int(rng.integers(0, span + 1))),
                "kind": "Kiểm tra" if rng.random() < 0.6 else "Giám sát",
                **{f"c{j + 1:02d}": float(scores[j]) for j in range(10)},
                "violations_found": int(rng.poisson(max(0.2, (85 - latent[i, k]) / 8))),
            })
    out = pd.DataFrame(rows)
    crit = [f"c{j:02d}" for j in range(1, 11)]
    out["criteria_sum"] = out[crit].sum(axis=1)
    out["total_score"] = out["criteria_sum"]
    out["rating"] = out["total_score"].map(rate_score)
    return out


def rating_thresholds() -> dict[str, float]:
    """Form 02 rating thresholds of the package's defaults.toml [inspection] (not of a user's
    vhcs.toml: the sample must not change with local settings), best grade first."""
    table = package_defaults().record()["values"]["inspection"]["rating_thresholds"]
    return dict(sorted(table.items(), key=lambda kv: -kv[1]))


def rate_score(total: float) -> str:
    """Xếp loại of a 0–100 total by the thresholds (sample: Tốt ≥ 85, Khá ≥ 70, Trung bình ≥ 50),
    by the rule the cleaner checks stated ratings with (``tables.rating_for``)."""
    return rating_for(total, _RATINGS)


_RATINGS = ratings_best_first(rating_thresholds())


PRE2018 = ("Trong sạch, vững mạnh", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Yếu kém")
QD132 = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
         "Không hoàn thành nhiệm vụ")
RANK_YEARS = (2016, 2017, 2018)
EXCELLENT_CAP = 0.20  # QĐ 132: at most 20% of organisations rated excellent (sample rule)


def simulate_rankings(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    """Annual category per unit: shares by quality rank; excellence capped in 2018."""
    quality = rng.normal(0, 1, len(units)) + 0.8 * units["is_pilot"].to_numpy(float)
    rows = []
    for year in RANK_YEARS:
        score = quality + rng.normal(0, 0.6, len(units))
        order = np.argsort(-score, kind="stable")
        n = len(units)
        if year < 2018:
            cuts, names, scheme = (0.33, 0.88, 0.97), PRE2018, "pre2018"
        else:
            cuts, names, scheme = (0.14, 0.84, 0.97), QD132, "qd132"
        for rank, i in enumerate(order):
            level = 1 + sum(rank >= c * n for c in cuts)
            rows.append({"unit_id": units.at[int(i), "unit_id"], "year": year,
                         "category": names[level - 1], "scheme": scheme, "level": level})
    out = pd.DataFrame(rows)
    top = (out["year"] == 2018) & (out["level"] == 1)
    assert top.sum() <= EXCELLENT_CAP * len(units)
    return out


def build_world(rng: np.random.Generator, specs: tuple[UnitSpec, ...]) -> World:
    """Draw the whole true state from one generator (order of draws is part of the seed)."""
    units = build_registry(specs)
    reports = simulate_reports(rng, units)
    reports["report_date"] = draw_report_dates(rng, reports)
    inspections = simulate_inspections(rng, units)
    rankings = simulate_rankings(rng, units)
    return World(units=units, reports=reports, inspections=inspections, rankings=rankings)


def indicator_panel(unit_reports: pd.DataFrame, inspections: pd.DataFrame, name: str) -> pd.DataFrame:
    """Long panel (unit_id, period, value) of one planted indicator from truth tables."""
    r = unit_reports
    if name == "inspection_score":
        out = inspections.assign(period=inspections["round_id"].map(ROUND_PERIOD), value=inspections["total_score"])
        return out[["unit_id", "period", "value"]].groupby(["unit_id", "period"], as_index=False).mean()
    staff = r["staff_total"].astype("Float64")
    value = {
        "study_rate": r["staff_studied"] / staff * 100,
        "on_time_rate": r["dossiers_on_time"] / (r["dossiers_on_time"] + r["dossiers_late"]) * 100,
        "complaints_per_100_staff": r["complaints_conduct"] / staff * 100,
        "violations_per_100_staff": r["discipline_violations"] / staff * 100,
    }[name]
    return pd.DataFrame({"unit_id": r["unit_id"], "period": r["period"], "value": value.astype("Float64")})


def realised_did(panel: pd.DataFrame, units: pd.DataFrame, baseline: str = BASELINE, post: str = POST) -> dict:
    """DiD of post minus baseline, pilots minus rest, on the units present in both periods:
    plain (all pilots vs all rest) and block-stratified (each block's pilot vs its own rest,
    averaged over blocks that have both)."""
    wide = panel.pivot_table(index="unit_id", columns="period", values="value", aggfunc="mean")
    if baseline not in wide or post not in wide:
        return {}
    change = (wide[post] - wide[baseline]).dropna().astype(float)
    info = units.set_index("unit_id").loc[change.index, ["block", "is_pilot"]]
    pilot = info["is_pilot"].astype(bool)
    plain = change[pilot].mean() - change[~pilot].mean()
    gaps = []
    for _block, members in info.groupby("block"):
        p = members["is_pilot"].astype(bool)
        if p.any() and (~p).any():
            gaps.append(change[members.index[p]].mean() - change[members.index[~p]].mean())
    return {"realised_did": round(float(plain), 4),
            "realised_did_block_stratified": round(float(np.mean(gaps)), 4) if gaps else None,
            "n_pilot": int(pilot.sum()), "n_rest": int((~pilot).sum()), "n_blocks_stratified": len(gaps)}
