"""Form 02 (inspection rounds) of the province sample: one workbook per round, with the
planted invalid date, out-of-range scores, unknown unit, duplicate row, total and rating
mismatches and a fuzzy name; records the true inspections and the expected rejects."""

from __future__ import annotations

import pandas as pd

from vhcs_analysis.sample import layouts
from vhcs_analysis.sample.context import SampleContext
from vhcs_analysis.sample.forms import Grid, write_xlsx
from vhcs_analysis.sample.mess import decimal_vi, person_name, render_date, render_score
from vhcs_analysis.sample.truth import ROUNDS, rate_score, rating_thresholds
from vhcs_analysis.sample.units import TYPO_INSPECTION_2018_2, UNKNOWN_IN_INSPECTION_2017_2


INSPECTION_NOTES = ("Đ/c {p} không đeo thẻ", "Đ/c {p} đi muộn 15 phút", "Chưa niêm yết đường dây nóng",
                    "Đơn vị làm tốt", "Đ/c {p} hút thuốc trong phòng làm việc", "Phòng làm việc chưa gọn gàng")


ROUND_FILES = {
    "2016-1": ("kiem-tra/2016/KQ kiem tra VHCS dot 1 nam 2016.xlsx", "Dot 1-2016"),
    "2017-1": ("kiem-tra/2017/Ket qua KT-GS dot 1-2017.xlsx", "KQ"),
    "2017-2": ("kiem-tra/2017/KQ KTGS đợt 2 năm 2017.xlsx", "Đợt 2"),
    # Mis-named: an inspection file saved under a Form 01 name in the 2018 folder.
    "2018-1": ("2018/6 tháng đầu năm/Bao cao 01-VHCS - tong hop dot 1.xlsx", "Sheet1"),
    "2018-2": ("kiem-tra/2018/Bieu 02 - dot 2 nam 2018.xlsx", "Bieu 02"),
}
# Round 2017-2: a supervision of a unit not in the registry, written after this many rows.
UNKNOWN_UNIT_ROUND = "2017-2"
UNKNOWN_UNIT_AFTER_ROWS = 9
# Round 2018-2: a unit's name typed with a typo (finding fuzzy_match).
TYPO_ROUND = "2018-2"


def write_inspections(p: SampleContext) -> None:
    """Form 02 workbooks for the five rounds, with the planted cases; records the truth."""
    rng = p.rng
    crit = [f"c{j:02d}" for j in range(1, 11)]
    for round_id, words, _first, last, _all in ROUNDS:
        file, sheet = ROUND_FILES[round_id]
        table = p.world.inspections[p.world.inspections["round_id"] == round_id].reset_index(drop=True)
        non_pilot = [u for u in table["unit_id"] if not p.unit(u)["is_pilot"]]
        used: set[str] = set()
        typo_uid = p.units.at[TYPO_INSPECTION_2018_2.unit_index, "unit_id"] if round_id == TYPO_ROUND else None
        if typo_uid:
            used.add(typo_uid)
        plan: dict[str, tuple] = {}
        if round_id == "2016-1":
            (u,) = p.choose(non_pilot, 1, used)
            plan[u] = ("date", "31/11/2016", "invalid_date")
        elif round_id == "2017-1":
            (u,) = p.choose(non_pilot, 1, used)
            plan[u] = ("c05", 12, "score_out_of_range")
        elif round_id == "2017-2":
            best = max(rating_thresholds().values())
            below = [x for x in non_pilot if float(table.loc[table.unit_id == x, "criteria_sum"].iloc[0]) < best]
            (u,) = p.choose(below, 1, used)
            plan[u] = ("rating", None, "rating_mismatch")
        elif round_id == "2018-1":
            (u,) = p.choose(non_pilot, 1, used)
            plan[u] = ("c03", -1, "score_out_of_range")
            (u,) = p.choose(non_pilot, 1, used)
            plan[u] = ("duplicate", None, "duplicate")
        else:
            sums = dict(zip(table["unit_id"], table["criteria_sum"].astype(float)))
            same = [x for x in non_pilot if rate_score(sums[x]) == rate_score(sums[x] + 5)]
            (u,) = p.choose(same, 1, used)
            plan[u] = ("total", 5.0, "total_mismatch")
        rows, meta = [], []
        for rec in table.to_dict("records"):
            uid = rec["unit_id"]
            total = float(rec["criteria_sum"])
            rating = rec["rating"]
            action = plan.get(uid)
            if action and action[0] == "total":
                total += action[1]
            if action and action[0] == "rating":
                grades = list(rating_thresholds())  # best first
                rating = grades[grades.index(rating) - 1]  # one grade better than the total earns
            scores = [render_score(rng, rec[c]) for c in crit]
            date = render_date(rng, rec["inspection_date"])
            if action and action[0] in crit:
                scores[crit.index(action[0])] = action[1]
            if action and action[0] == "date":
                date = action[1]
            stated = total if rng.random() < 0.8 or total.is_integer() else decimal_vi(total)
            if isinstance(stated, float) and stated.is_integer():
                stated = int(stated)
            row = layouts.InspectionRow(
                name=TYPO_INSPECTION_2018_2.typed if uid == typo_uid else p.display_name(uid),
                date=date, kind=rec["kind"], scores=scores, total=stated, rating=rating,
                violations=int(rec["violations_found"]),
                note=str(rng.choice(INSPECTION_NOTES)).format(p=person_name(rng)) if rng.random() < 0.25 else None)
            rows.append(row)
            meta.append((uid, action, total, rating))
            if action and action[0] == "duplicate":
                rows.append(row)
                meta.append((uid, ("duplicate_copy", None, "duplicate"), total, rating))
            if round_id == UNKNOWN_UNIT_ROUND and len(rows) == UNKNOWN_UNIT_AFTER_ROWS:
                rows.append(layouts.InspectionRow(
                    name=UNKNOWN_IN_INSPECTION_2017_2, date=render_date(rng, last), kind="Giám sát",
                    scores=[8] * 10, total=80, rating="Khá", violations=0))
                meta.append((None, None, 80.0, "Khá"))
        place = f"Hà Tĩnh, ngày {last.day + 3 if last.day < 28 else 28} tháng {last.month} năm {last.year}"
        grid, pos = layouts.build_form02(sheet, words, place, rows, person_name(rng), person_name(rng))
        grids = [grid]
        if round_id == "2017-2":
            team = Grid("DS doan", hidden=True)
            team.put(1, 1, "Thành viên đoàn kiểm tra")
            for r in range(2, 6):
                team.put(r, 1, person_name(rng))
            grids.append(team)
        write_xlsx(p.raw / file, grids)
        p.ledger.files += 1
        cols = pos["columns"]
        for row_no, (uid, action, total, rating), (_, rec) in zip(pos["rows"], meta, _align(table, meta)):
            if uid is None:
                p.ledger.reject(file, sheet, row_no, "B", "unknown_unit")
                continue
            code = action[2] if action else None
            if code == "duplicate" and action and action[0] == "duplicate_copy":
                p.ledger.reject(file, sheet, row_no, None, "duplicate")
                continue
            if code in ("invalid_date", "score_out_of_range"):
                letter = cols["date"] if code == "invalid_date" or not action else cols[action[0]]
                p.ledger.reject(file, sheet, row_no, letter, code)
                continue
            if code == "total_mismatch":
                p.ledger.finding(file, sheet, row_no, cols["total"], code)
            if code == "rating_mismatch":
                p.ledger.finding(file, sheet, row_no, cols["rating"], code)
            if uid == typo_uid:
                p.ledger.finding(file, sheet, row_no, cols["name"], "fuzzy_match")
            p.ledger.inspections.append({
                "unit_id": uid, "round_id": round_id, "inspection_date": rec["inspection_date"],
                "kind": rec["kind"], **{c: float(rec[c]) for c in crit}, "total_score": total,
                "criteria_sum": float(rec["criteria_sum"]), "rating": rating,
                "violations_found": int(rec["violations_found"]),
                "source_file": file, "source_sheet": sheet, "source_row": row_no})


def _align(table: pd.DataFrame, meta: list) -> list:
    """The true record behind each written row (None for an unknown unit)."""
    by_unit = {rec["unit_id"]: (i, rec) for i, rec in enumerate(table.to_dict("records"))}
    return [by_unit.get(uid, (None, None)) for uid, *_ in meta]
