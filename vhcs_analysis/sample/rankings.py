"""Annual rankings of the province sample: 2016 and 2017 stacked on one sheet, 2018 as an
e-government HTML export saved as .xls; category spellings vary (case, NFD, abbreviations)."""

from __future__ import annotations

from vhcs_analysis.sample import layouts
from vhcs_analysis.sample.context import SampleContext
from vhcs_analysis.sample.forms import write_html_xls, write_xlsx
from vhcs_analysis.sample.mess import nfd, person_name, pick
from vhcs_analysis.sample.units import TYPO_RANKING_2017, TYPO_RANKING_2018, UNKNOWN_IN_RANKING_2018


ABBREVIATIONS = {"Trong sạch, vững mạnh": "TSVM", "Hoàn thành tốt nhiệm vụ": "HTTNV",
                 "Hoàn thành nhiệm vụ": "HTNV", "Hoàn thành xuất sắc nhiệm vụ": "HTXSNV"}
# The unknown unit of the 2018 export is written after this many rows.
UNKNOWN_UNIT_AFTER_ROWS = 30


def category_variant(p: SampleContext, category: str) -> tuple[str, str]:
    """(as written in the file, as the truth holds it: NFC, trimmed)."""
    style = pick(p.rng, {"canonical": 80, "abbrev": 7, "upper": 7, "nfd": 6})
    if style == "abbrev" and category in ABBREVIATIONS:
        return ABBREVIATIONS[category], ABBREVIATIONS[category]
    if style == "upper":
        return category.upper(), category.upper()
    if style == "nfd":
        return nfd(category), category
    return category, category


def ranking_rows(p: SampleContext, year: int, file: str, sheet: str | None, *, skip: set[str], bad_category: str | None,
                 typo: tuple[str, str] | None, unknown: str | None) -> tuple[list, list]:
    """The rows of a ranking list of ``year`` (units in ``skip`` left out, with the planted typo, bad category and
    unknown unit) and, per row, what it should clean to."""
    table = p.world.rankings[p.world.rankings["year"] == year]
    weights = {"official": 25, "alias": 10, "upper": 5, "prefix": 60}
    rows = []
    meta: list[tuple] = []  # per row: (unit_id, truth, record, flag); all None for the unknown unit's row
    for rec in table.sort_values("unit_id").to_dict("records"):
        uid = rec["unit_id"]
        if uid in skip:
            continue
        written, truth = category_variant(p, rec["category"])
        if uid == bad_category:
            written = truth = "Chưa xếp loại"
        name = typo[1] if typo and uid == typo[0] else p.display_name(uid, weights)
        year_cell = year if p.rng.random() < 0.8 else str(year)
        note = f"Bí thư: đ/c {person_name(p.rng)}" if p.rng.random() < 0.05 else None
        rows.append((name, year_cell, written, note))
        flag = "bad" if uid == bad_category else "typo" if typo and uid == typo[0] else None
        meta.append((uid, truth, rec, flag))
        if unknown and len(rows) == UNKNOWN_UNIT_AFTER_ROWS:
            rows.append((unknown, year, "Hoàn thành tốt nhiệm vụ", None))
            meta.append((None, None, None, None))
    return rows, meta


def record_rankings(p: SampleContext, file, sheet, positions, meta):
    """Record in the ledger what the ranking rows at ``positions`` must clean to (kept or rejected with a reason)."""
    for row_no, (uid, truth, rec, flag) in zip(positions, meta):
        if uid is None:
            p.ledger.reject(file, sheet, row_no, "B", "unknown_unit")
        elif flag == "bad":
            p.ledger.reject(file, sheet, row_no, "D", "unknown_category")
        else:
            if flag == "typo":
                p.ledger.finding(file, sheet, row_no, "B", "fuzzy_match")
            p.ledger.rankings.append({
                "unit_id": uid, "year": int(rec["year"]), "category": truth, "scheme": rec["scheme"],
                "level": int(rec["level"]), "source_file": file, "source_sheet": sheet, "source_row": row_no})


def write_rankings(p: SampleContext) -> None:
    """Write the ranking files (2016–2017 workbook, 2018 list) of the province sample."""
    ids = list(p.units["unit_id"])
    non_pilot = [u for u in ids if not p.unit(u)["is_pilot"]]
    file, sheet = "xep-loai/Ket qua xep loai TCCS dang 2016-2017.xlsx", "Xep loai"
    typo17 = (p.units.at[TYPO_RANKING_2017.unit_index, "unit_id"], TYPO_RANKING_2017.typed)
    typo18 = (p.units.at[TYPO_RANKING_2018.unit_index, "unit_id"], TYPO_RANKING_2018.typed)
    used: set[str] = {typo17[0], typo18[0]}
    (bad,) = p.choose(non_pilot, 1, used)
    (unranked,) = p.choose(non_pilot, 1, used)
    p.ledger.missing.append({"unit_id": unranked, "period": "2017", "why": "not_ranked"})
    p.ledger.missing.append({"unit_id": bad, "period": "2016", "why": "rejected"})
    rows16, meta16 = ranking_rows(p, 2016, file, sheet, skip=set(), bad_category=bad, typo=None, unknown=None)
    rows17, meta17 = ranking_rows(p, 2017, file, sheet, skip={unranked}, bad_category=None, typo=typo17,
                                       unknown=None)
    grid, pos = layouts.build_rankings(sheet, [
        ("KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2016", rows16),
        ("KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2017", rows17)])
    write_xlsx(p.raw / file, [grid])
    p.ledger.files += 1
    record_rankings(p, file, sheet, pos["rows"], meta16 + meta17)
    # 2018: exported from the party-member management software as an HTML table (.xls).
    file = "xep-loai/XepLoai_TCD_2018_export.xls"
    rows18, meta18 = ranking_rows(p, 2018, file, None, skip=set(), bad_category=None, typo=typo18,
                                       unknown=UNKNOWN_IN_RANKING_2018)
    grid, pos = layouts.build_rankings("XepLoai", [("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI TỔ CHỨC ĐẢNG NĂM 2018", rows18)],
                                       letterhead=False)
    write_html_xls(p.raw / file, grid, "Xep loai to chuc dang 2018")
    p.ledger.files += 1
    record_rankings(p, file, None, pos["rows"], meta18)
