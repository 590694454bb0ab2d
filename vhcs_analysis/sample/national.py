"""The national benchmark scale: ~6,300 units (63 provinces x 100), five consolidated
periods and five inspection rounds, written by the plain XML writer so that the whole
set takes seconds. Minimal mess: clean numbers, text dates, official names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from vhcs_analysis.io.xlsx_write import write_simple_xlsx
from vhcs_analysis.forms import BLOC_COMMITTEE, CRITERIA_LABELS, FORM01_CODE, FORM02_CODE
from vhcs_analysis.periods import Period
from vhcs_analysis.sample.forms import CONSOLIDATED_TITLE, FORM02_TITLE, LABELS, fields_of
from vhcs_analysis.sample.context import Ledger
from vhcs_analysis.sample.truth import (
    PERIODS, ROUNDS, World, draw_report_dates, simulate_inspections, simulate_reports,
)
from vhcs_analysis.sample.units import BLOCKS, EXTRA_AGENCIES, PARTY_CELL, PARTY_COMMITTEE, PROVINCES, UNIT_SPECS

UNITS_PER_PROVINCE = 100


def _local_name(name: str, province: str) -> str:
    """'Sở Y tế' -> 'Sở Y tế tỉnh Nghệ An'; 'Báo Hà Tĩnh' -> 'Báo Nghệ An'."""
    if "Hà Tĩnh" in name:
        return name.replace("Hà Tĩnh", province)
    if name.endswith(" tỉnh"):
        return f"{name} {province}"
    return f"{name} tỉnh {province}"


def build_national_units(rng: np.random.Generator) -> pd.DataFrame:
    """63 x 100 units; one pilot per block and province; the larger half are đảng bộ."""
    agencies = [(s.block, s.name, s.one_stop, s.staff) for s in UNIT_SPECS]
    agencies += [(b, n, o, 60) for b, n, o in EXTRA_AGENCIES]
    agencies = agencies[:UNITS_PER_PROVINCE]
    rows = []
    for p, province in enumerate(PROVINCES):
        pilots = {b: int(rng.choice([j for j, a in enumerate(agencies) if a[0] == b])) for b in range(len(BLOCKS))}
        staff = rng.uniform(0.6, 1.6, len(agencies))
        for j, (block, name, one_stop, base_staff) in enumerate(agencies):
            rows.append({
                "unit_id": f"P{p + 1:02d}U{j + 1:03d}", "unit_name": _local_name(name, province), "aliases": "",
                "block": BLOCKS[block], "is_pilot": pilots[block] == j,
                "staff_count": max(12, int(round(base_staff * staff[j]))), "one_stop": one_stop, "slug": "",
            })
    units = pd.DataFrame(rows)
    median = units["staff_count"].median()
    units.insert(5, "unit_type", np.where(units["staff_count"] >= median, PARTY_COMMITTEE, PARTY_CELL))
    return units


def _text(v) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return "Có" if v else "Không"
    if isinstance(v, dt.date):
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def _write_period(raw: Path, period: str, units: pd.DataFrame, reports: pd.DataFrame, ledger: Ledger) -> None:
    version = "2017" if Period.parse(period).year < 2018 else "2018"
    fields = fields_of(version)
    truth_fields = list(LABELS[version])
    file = f"tong-hop/TH 01-VHCS {period}.xlsx"
    words = Period.parse(period).form_words
    rows: list[list] = [[BLOC_COMMITTEE], [None, FORM01_CODE], [CONSOLIDATED_TITLE], [f"Kỳ báo cáo: {words}"], [],
            ["STT", "Tên đơn vị", "Ngày báo cáo", *(LABELS[version][f][0] for f in fields), "Ghi chú"],
            [f"({c})" for c in range(1, len(fields) + 5)]]
    names = dict(zip(units["unit_id"], units["unit_name"]))
    records = reports[reports["period"] == period].to_dict("records")
    for i, rec in enumerate(records, start=1):
        rows.append([i, names[rec["unit_id"]], _text(rec["report_date"]), *(_text(rec[f]) for f in fields)])
        truth = {f: (None if pd.isna(rec[f]) else rec[f]) for f in truth_fields}
        ledger.reports.append({"unit_id": rec["unit_id"], "period": period, "report_date": rec["report_date"],
                               "form_version": version, "layout": "consolidated", **truth,
                               "source_file": file, "source_sheet": period, "source_row": len(rows)})
    rows.append([None, "Tổng cộng"])
    write_simple_xlsx(raw / file, [(period, rows, {1, 3, 6, len(rows)}, {2: 48})])
    ledger.files += 1


def _write_round(raw: Path, round_id: str, words: str, units: pd.DataFrame, table: pd.DataFrame,
                 ledger: Ledger) -> None:
    file = f"kiem-tra/KQ kiem tra VHCS {round_id}.xlsx"
    sheet = f"Dot {round_id}"
    crit = [f"c{j:02d}" for j in range(1, 11)]
    rows: list[list] = [[BLOC_COMMITTEE], [None, FORM02_CODE], [FORM02_TITLE], [words], [],
            ["STT", "Tên đơn vị", "Ngày kiểm tra", "Hình thức", *CRITERIA_LABELS,
             "Tổng điểm", "Xếp loại", "Số vi phạm phát hiện", "Ghi chú"]]
    names = dict(zip(units["unit_id"], units["unit_name"]))
    keys = ("unit_id", "round_id", "inspection_date", "kind", *crit, "total_score", "criteria_sum", "rating",
            "violations_found")
    for i, rec in enumerate(table.to_dict("records"), start=1):
        total = float(rec["total_score"])
        rows.append([i, names[rec["unit_id"]], _text(rec["inspection_date"]), rec["kind"],
                     *(float(rec[c]) for c in crit), int(total) if total.is_integer() else total,
                     rec["rating"], int(rec["violations_found"])])
        ledger.inspections.append({**{k: rec[k] for k in keys},
                                   "source_file": file, "source_sheet": sheet, "source_row": len(rows)})
    rows.append([None, "Tổng cộng"])
    write_simple_xlsx(raw / file, [(sheet, rows, {1, 3, 6, len(rows)}, {2: 48})])
    ledger.files += 1


def write_national(raw: Path, rng: np.random.Generator) -> tuple[World, Ledger]:
    """Write the national benchmark files into ``raw``; returns the world and the ledger."""
    units = build_national_units(rng)
    reports = simulate_reports(rng, units)
    reports["report_date"] = draw_report_dates(rng, reports)
    inspections = simulate_inspections(rng, units, subset_size=len(units) // 4)
    ledger = Ledger()
    for period in PERIODS:
        _write_period(raw, period, units, reports, ledger)
    for round_id, words, *_ in ROUNDS:
        _write_round(raw, round_id, words, units, inspections[inspections["round_id"] == round_id], ledger)
    rankings = pd.DataFrame(columns=["unit_id", "year", "category", "scheme", "level"])
    return World(units=units, reports=reports, inspections=inspections, rankings=rankings), ledger
