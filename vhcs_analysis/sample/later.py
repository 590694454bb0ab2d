"""Later periods for the province sample (``vhcs sample --until 2021-H2``): the final review.

The interim sample (2016-H2 … 2018-H2) stays exactly as it is (same bytes); the later
half-years are added as one consolidated Form 01 workbook per period (2018 form, as the
bloc's office compiles them), and the later annual rankings as one workbook per year. The
true values continue each unit's 2018-H2 record: staff drift a little, the study rate
and on-time rate keep rising slowly (pilots a little faster), the counts are redrawn
around the unit's own rates. Every added row is clean (the mess lives in the first
two years) and recorded in the truth ledger like the others.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis.periods import Period
from vhcs_analysis.sample import layouts
from vhcs_analysis.sample.forms import write_xlsx
from vhcs_analysis.sample.truth import PERIODS, deadline, side_rng


def periods_after(last: str, until: str) -> list[str]:
    """Half-years after ``last`` up to ``until`` ('2018-H2', '2019-H2' → 2019-H1, 2019-H2)."""
    first = Period.half_year(last)
    return [first.shift(k).code for k in range(1, first.half_years_to(Period.half_year(until)) + 1)]


def continue_reports(rng: np.random.Generator, reports: pd.DataFrame, units: pd.DataFrame,
                     periods: list[str]) -> pd.DataFrame:
    """True Form 01 records for ``periods``, continuing each unit's last record."""
    pilot = dict(zip(units["unit_id"], units["is_pilot"].astype(bool)))
    last = reports[reports["period"] == PERIODS[-1]].set_index("unit_id")
    rows = []
    side = side_rng(rng)  # the plan fields' draws leave the later periods' other values as they were
    for uid, prev in last.iterrows():
        rec: dict[str, Any] = {k: (None if (not isinstance(v, (list, tuple)) and pd.isna(v)) else v)
                               for k, v in prev.items()}
        study = 100.0 * rec["staff_studied"] / rec["staff_total"]
        late_share = (rec["dossiers_late"] / max(1, rec["dossiers_on_time"] + rec["dossiers_late"])
                      if rec["dossiers_received"] is not None else None)
        for period in periods:
            gain = 1.5 if pilot[uid] else 1.0
            staff = max(10, int(round(rec["staff_total"] * rng.uniform(0.98, 1.03))))
            study = float(np.clip(study + gain * rng.uniform(0.5, 3.0), 0, 100))
            new = dict(rec, unit_id=uid, period=period, staff_total=staff,
                       party_members=int(round(rec["party_members"] * staff / rec["staff_total"])),
                       staff_studied=int(round(study / 100 * staff)),
                       action_programme=True, office_layout_done=True,
                       complaints_conduct=int(rng.poisson(max(0.1, rec["complaints_conduct"] * 0.95))),
                       discipline_violations=int(min(staff,
                                                     rng.poisson(max(0.05, rec["discipline_violations"] * 0.9)))),
                       internal_inspections=int(rng.poisson(2 + pilot[uid])),
                       good_practices=int(rng.poisson(1 + pilot[uid])),
                       staff_rated_good=int(round(staff * rng.uniform(0.75, 0.96))))
            share = min(1.0, rec["staff_personal_plan"] / rec["staff_total"] + 0.05)
            new |= {"staff_personal_plan": int(round(share * staff)),
                    "departments_with_plan": min(rec["departments_total"], rec["departments_with_plan"] + 1),
                    "commended_collectives": int(side.poisson(0.3 + 0.6 * pilot[uid])),
                    "commended_individuals": int(side.poisson(0.8 + staff / 60 + 1.5 * pilot[uid]))}
            if rec["action_programme_date"] is None:
                new["action_programme_date"] = dt.date(Period.parse(PERIODS[-1]).year, 12, 1)
            if rec["dossiers_received"] is not None:
                assert late_share is not None, "set above for a unit with a one-stop shop"
                late_share = float(np.clip(late_share * rng.uniform(0.8, 1.0), 0, 1))
                received = int(rng.poisson(rec["dossiers_received"] * staff / rec["staff_total"]))
                resolved = int(round(received * rng.uniform(0.93, 1.0)))
                late = int(round(resolved * late_share))
                new |= {"dossiers_received": received, "dossiers_on_time": resolved - late, "dossiers_late": late,
                        "satisfaction_rate": round(float(np.clip(rng.normal(90 + 2 * pilot[uid], 3), 60, 99.5)), 1)}
            due = deadline(period)
            new["report_date"] = due - dt.timedelta(days=int(rng.integers(0, 16)))
            rows.append(new)
            rec = new
    return pd.DataFrame(rows)


def write_later_periods(province, until: str, rng: np.random.Generator) -> list[str]:
    """Add Form 01 (consolidated, one workbook per half-year) and rankings (one workbook
    per year) after the interim window up to ``until``; returns the periods added."""
    periods = periods_after(PERIODS[-1], until)
    if not periods:
        return []
    world = province.world
    later = continue_reports(rng, world.reports, world.units, periods)
    world.reports = pd.concat([world.reports, later], ignore_index=True)
    for r in later.to_dict("records"):
        province.truth[(r["unit_id"], r["period"])] = {k: (None if v is None or (isinstance(v, float) and np.isnan(v))
                                                          else v) for k, v in r.items()}
    ids = list(world.units["unit_id"])
    for period in periods:
        when = Period.parse(period)
        file = f"tong-hop/{when.year}/Tổng hợp 01-VHCS {when.form_words}.xlsx"
        grid = _consolidated(province, period, ids, file, when.short)
        write_xlsx(province.raw / file, [grid])
        province.ledger.files += 1
    _write_later_rankings(province, sorted({Period.parse(p).year for p in periods}), rng)
    return periods


def _consolidated(province, period: str, ids: list[str], file: str, sheet: str):
    """One clean consolidated sheet of ``period`` (every unit reports)."""
    return province.consolidated(period, ids, {}, sheet=sheet, headings=True, legacy_names=set(), nfd_names=set(),
                                 typos={}, unknown=[], file=file, version="2018")


def _write_later_rankings(province, years: list[int], rng: np.random.Generator) -> None:
    """Rankings for each later year under QĐ 132, drawn around the unit's 2018 level."""
    from vhcs_analysis.ranking import category_name

    last = {r["unit_id"]: r for r in province.world.rankings.to_dict("records") if int(r["year"]) == 2018}
    for year in years:
        file = f"xep-loai/Ket qua xep loai TCCS dang {year}.xlsx"
        sheet = "Xep loai"
        rows: list[tuple[str, object, str, str | None]] = []
        meta = []
        for uid in province.world.units["unit_id"]:
            level = int(np.clip(int(last[uid]["level"]) + rng.choice([-1, 0, 0, 0, 1]), 1, 4))
            if level == 1 and rng.random() < 0.5:  # the excellent share stays capped
                level = 2
            category = category_name("qd132", level)
            rows.append((province.unit(uid)["unit_name"], year, category, None))
            meta.append((uid, level, category))
        grid, pos = layouts.build_rankings(sheet, [(f"KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM {year}", rows)])
        write_xlsx(province.raw / file, [grid])
        province.ledger.files += 1
        for row_no, (uid, level, category) in zip(pos["rows"], meta):
            province.ledger.rankings.append({"unit_id": uid, "year": year, "category": category, "scheme": "qd132",
                                             "level": level, "source_file": file, "source_sheet": sheet,
                                             "source_row": row_no})
