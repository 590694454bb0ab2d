"""The province-scale sample: 66 units, five periods, every kind of mess, and the ground
truth a correct cleaner must produce (docs/sample-data.md describes each planted case).

``build_province`` writes the raw files and returns a ``Ledger``: the truth rows, the
expected rejects/findings/skips and the planted missing reports, all pointing at the
exact file, sheet, row and column of the raw value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vhcs_analysis.sample import layouts
from vhcs_analysis.sample.forms import (
    LABELS, Grid, fields_of, write_csv_cp1258, write_html_xls, write_xlsx,
)
from vhcs_analysis.sample.mess import (
    date_text, decimal_vi, nfd, person_name, pick, render_bool, render_count, render_date,
    render_rate, render_score, name_variant,
)
from vhcs_analysis.sample.truth import PERIODS, ROUNDS, World, period_end
from vhcs_analysis.sample.units import BLOCKS, TYPO_NAMES, UNIT_SPECS, UNKNOWN_UNIT_NAMES
from vhcs_analysis.text import encode_tcvn3, strip_diacritics

PERIOD_WORDS = {
    "2016-H2": "6 tháng cuối năm 2016", "2017-H1": "6 tháng đầu năm 2017",
    "2017-H2": "6 tháng cuối năm 2017", "2018-H1": "6 tháng đầu năm 2018",
    "2018-H2": "6 tháng cuối năm 2018",
}
COUNT_FIELDS = ("staff_total", "party_members", "staff_studied", "dossiers_received", "dossiers_on_time",
                "dossiers_late", "complaints_conduct", "discipline_violations", "internal_inspections",
                "good_practices", "staff_rated_good")
NOTES = ("Đ/c {p} phụ trách bộ phận một cửa", "Số liệu tính đến ngày 15", "Đ/c {p} nghỉ thai sản",
         "Có 02 đ/c mới tuyển dụng", "Theo báo cáo của Văn phòng", "Đ/c {p} bị nhắc nhở")
INSPECTION_NOTES = ("Đ/c {p} không đeo thẻ", "Đ/c {p} đi muộn 15 phút", "Chưa niêm yết đường dây nóng",
                    "Đơn vị làm tốt", "Đ/c {p} hút thuốc trong phòng làm việc", "Phòng làm việc chưa gọn gàng")


@dataclass
class Ledger:
    """What the raw files contain, as the cleaner must see it."""

    reports: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    rankings: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    files: int = 0

    def reject(self, file, sheet, row, column, code, **extra):
        self.rejects.append({"source_file": file, "sheet": sheet, "row": row, "column": column,
                             "reason_code": code, **extra})

    def finding(self, file, sheet, row, column, code):
        self.findings.append({"source_file": file, "sheet": sheet, "row": row, "column": column,
                              "finding_code": code})


class Province:
    """Writes the province sample into ``raw`` from a World and a generator."""

    def __init__(self, raw: Path, world: World, rng: np.random.Generator):
        self.raw, self.world, self.rng = raw, world, rng
        self.units = world.units
        self.idx = {u: i for i, u in enumerate(self.units["unit_id"])}
        self.truth = {(r["unit_id"], r["period"]): {k: (None if pd.isna(v) else v) for k, v in r.items()}
                      for r in world.reports.to_dict("records")}
        self.ledger = Ledger()
        self.used_names: set[str] = set()
        self._last_pattern: str | None = None

    # --- helpers ------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        return path.relative_to(self.raw).as_posix()

    def unit(self, unit_id: str) -> pd.Series:
        return self.units.iloc[self.idx[unit_id]]

    def display_name(self, unit_id: str, weights: dict | None = None) -> str:
        u = self.unit(unit_id)
        spec = UNIT_SPECS[self.idx[unit_id]]
        return name_variant(self.rng, u["unit_name"], spec.aliases, u["unit_type"], weights)

    def values_of(self, unit_id: str, period: str, version: str) -> dict:
        rec = self.truth[(unit_id, period)]
        return {f: (None if pd.isna(rec[f]) else rec[f]) for f in LABELS[version]} | {
            "report_date": rec["report_date"]}

    def render(self, values: dict, version: str, *, ascii_only=False, clean=False) -> dict:
        """Cells for a record's fields (value-preserving mess)."""
        out = {}
        for f in fields_of(version):
            v = values.get(f)
            if f in ("action_programme", "office_layout_done"):
                out[f] = render_bool(self.rng, v, ascii_only=ascii_only, clean=clean)
            elif f == "action_programme_date":
                out[f] = render_date(self.rng, v, ascii_only=ascii_only, clean=clean)
            elif f == "satisfaction_rate":
                out[f] = render_rate(self.rng, v, clean=clean) if v is not None else (None if clean else pick(self.rng, {None: 3, "-": 1}))
            else:
                out[f] = render_count(self.rng, v, clean=clean)
        return out

    def add_report(self, unit_id, period, version, layout, file, sheet, row, report_date):
        values = self.values_of(unit_id, period, version)
        values.pop("report_date")
        self.ledger.reports.append({"unit_id": unit_id, "period": period, "report_date": report_date,
                                    "form_version": version, "layout": layout, **values,
                                    "source_file": file, "source_sheet": sheet, "source_row": row})

    def unique_path(self, folder: str, name: str) -> Path:
        path = self.raw / folder / name
        stem, suffix, n = path.stem, path.suffix, 2
        while path.as_posix() in self.used_names:
            path = path.with_name(f"{stem} ({n}){suffix}")
            n += 1
        self.used_names.add(path.as_posix())
        return path

    def choose(self, pool: list[str], k: int, exclude: set[str]) -> list[str]:
        candidates = [u for u in pool if u not in exclude]
        picked = [str(x) for x in self.rng.choice(candidates, k, replace=False)]
        exclude.update(picked)
        return picked

    # --- Form 01: consolidated sheets (2016-H2, 2017-H1) and the block CSV (2017-H2) ----
    def consolidated(self, period: str, reporting: list[str], planted: dict, *, sheet: str,
                     headings: bool, legacy_names: set[str], nfd_names: set[str],
                     typos: dict[str, str], unknown: list[str], file: str, csv: bool = False) -> Grid:
        """Grid of one consolidated period; records truth, rejects and findings."""
        version = "2017"
        rows, meta = [], []
        for b, block in enumerate(BLOCKS):
            members = [u for u in reporting if self.unit(u)["block"] == block]
            if not members:
                continue
            if headings:
                rows.append(layouts.ConsolidatedRow(name=f"Khối {block}", heading=layouts.ROMAN[b]))
                meta.append(None)
            for uid in members:
                values = self.values_of(uid, period, version)
                name = typos.get(uid) or self.display_name(uid)
                if uid in legacy_names:
                    name = encode_tcvn3(self.unit(uid)["unit_name"])
                elif uid in nfd_names:
                    name = nfd(self.unit(uid)["unit_name"])
                cells = self.render(values, version, clean=csv)
                if uid in planted:
                    f, bad, _code = planted[uid]
                    cells[f] = bad
                    if f == "action_programme_date":
                        cells["action_programme"] = "Có"
                rows.append(layouts.ConsolidatedRow(
                    name=name, report_date=render_date(self.rng, values["report_date"], clean=csv), values=cells,
                    note=self.rng.choice(NOTES).format(p=person_name(self.rng)) if self.rng.random() < 0.08 else None))
                meta.append(uid)
            if b == 2 and unknown:
                for name in unknown:
                    d = period_end(period) - dt.timedelta(days=int(self.rng.integers(12, 20)))
                    rows.append(layouts.ConsolidatedRow(name=name, report_date=render_date(self.rng, d, clean=csv),
                                                        values=self.render(self.values_of(self.units.at[0, "unit_id"], period, version), version, clean=True)))
                    meta.append(("unknown", name))
        totals = {f: int(sum(self.truth[(u, period)][f] for u in reporting
                             if self.truth[(u, period)][f] is not None))
                  for f in COUNT_FIELDS if f in LABELS[version]}
        grid, pos = layouts.build_consolidated(sheet, version, PERIOD_WORDS[period], rows, totals,
                                               merged_header=True)
        sheet_name = None if csv else sheet
        for row_no, m in zip(pos["rows"], meta):
            if m is None:
                continue
            if isinstance(m, tuple):
                self.ledger.reject(file, sheet_name, row_no, "B", "unknown_unit")
                continue
            if m in planted:
                f, _bad, code = planted[m]
                self.ledger.reject(file, sheet_name, row_no, pos["columns"][f], code)
                self.ledger.missing.append({"unit_id": m, "period": period, "why": "rejected"})
                continue
            if m in typos:
                self.ledger.finding(file, sheet_name, row_no, "B", "fuzzy_match")
            rd = self.truth[(m, period)]["report_date"]
            self.add_report(m, period, version, "consolidated", file, sheet_name, row_no, rd)
        return grid

    def write_consolidated(self, missing: dict[str, set]) -> None:
        rng = self.rng
        ids = list(self.units["unit_id"])
        non_pilot = [u for u in ids if not self.unit(u)["is_pilot"]]
        one_stop = [u for u in non_pilot if self.unit(u)["one_stop"]]
        file = "tong-hop/Tổng hợp báo cáo NQ01 năm 2016-2017.xlsx"
        grids = []
        # 2016-H2: block headings, a few names pasted from .VnTime files, two impossible rows.
        period = "2016-H2"
        used = set(missing[period])
        studied, negative = self.choose(non_pilot, 2, used)
        planted = {
            studied: ("staff_studied", int(self.truth[(studied, period)]["staff_total"]) + 7, "studied_gt_staff"),
            negative: ("complaints_conduct", -2, "negative_count"),
        }
        legacy = set(self.choose(non_pilot, 3, used))
        nfd_names = set(self.choose(ids, 2, used))
        reporting = [u for u in ids if u not in missing[period]]
        grids.append(self.consolidated(period, reporting, planted, sheet="6T cuối 2016", headings=True,
                                       legacy_names=legacy, nfd_names=nfd_names, typos={},
                                       unknown=[UNKNOWN_UNIT_NAMES[0]], file=file))
        # 2017-H1: no headings; dossiers, garbage number, a programme dated before the resolution.
        period = "2017-H1"
        typo_uid = self.units.at[17, "unit_id"]
        used = set(missing[period]) | {typo_uid}
        (dossier,) = self.choose(one_stop, 1, used)
        (garbage,) = self.choose(non_pilot, 1, used)
        with_programme = [u for u in non_pilot if bool(self.truth[(u, period)]["action_programme"])]
        (early,) = self.choose(with_programme, 1, used)
        received = int(self.truth[(dossier, period)]["dossiers_received"])
        planted = {
            dossier: ("dossiers_on_time", received + int(rng.integers(15, 60)), "dossiers_inconsistent"),
            garbage: ("party_members", "năm mươi", "invalid_number"),
            early: ("action_programme_date", "15/08/2016", "date_before_resolution"),
        }
        reporting = [u for u in ids if u not in missing[period]]
        grids.append(self.consolidated(period, reporting, planted, sheet="6T đầu 2017", headings=False,
                                       legacy_names=set(), nfd_names=set(),
                                       typos={typo_uid: TYPO_NAMES[17]}, unknown=[], file=file))
        lists = Grid("DM", hidden=True)
        for r, (a, b) in enumerate(zip(("Có", "Không", "", "", "", "", ""), BLOCKS), start=1):
            lists.put(r, 1, a or None)
            lists.put(r, 2, b)
        grids.append(lists)
        write_xlsx(self.raw / file, grids)
        self.ledger.files += 1
        # 2017-H2, Khối Tài chính – Ngân hàng: its cluster office sent one CSV (Windows-1258).
        period = "2017-H2"
        block_units = [u for u in ids if self.unit(u)["block"] == BLOCKS[5]]
        used = set(missing[period])
        (over,) = self.choose([u for u in block_units if not self.unit(u)["is_pilot"]], 1, used)
        staff = int(self.truth[(over, period)]["staff_total"])
        planted = {over: ("discipline_violations", staff + 3, "count_gt_staff")}
        file = "tong-hop/Khoi Tai chinh - Ngan hang/TH 6 thang cuoi 2017 - khoi TCNH.csv"
        grid = self.consolidated(period, [u for u in block_units if u not in missing[period]], planted,
                                 sheet="TH", headings=False, legacy_names=set(), nfd_names=set(), typos={},
                                 unknown=[], file=file, csv=True)
        grid.cells[(2, 1)] = "KHỐI TÀI CHÍNH – NGÂN HÀNG"
        write_csv_cp1258(self.raw / file, grid)
        self.ledger.files += 1

    # --- Form 01: per-unit workbooks (2017-H2, 2018-H1, 2018-H2) ----------------------
    FOLDERS = {"2017-H2": ("2017/6 thang cuoi nam 2017",),
               "2018-H1": ("2018/6 tháng đầu năm", "2018/6 tháng đầu năm/gui qua email"),
               "2018-H2": ("2018/6 thang cuoi nam 2018", "2018/BC cuoi nam")}
    FILE_PATTERNS = ("{slug} - BC 01-VHCS {short}.xlsx", "BC NQ01 {slug} {words}.xlsx",
                     "Bieu 01_{slug}_{year}.xlsx", "{slug}.xlsx", "Báo cáo VHCS - {name} ({words}).xlsx",
                     "bao cao van hoa cong so {slug}.xlsx")
    SHEETS = ("Bieu 01", "Sheet1", "BC", "Biểu 01-VHCS", "Bao cao")

    def file_for(self, period: str, unit_id: str | None, name: str, slug: str, suffix: str = "") -> tuple[Path, str]:
        folders = self.FOLDERS[period]
        folder = folders[0] if self.rng.random() < 0.85 else folders[-1]
        short = ("6T dau " if period.endswith("H1") else "6T cuoi ") + period[:4]
        pattern = str(self.rng.choice(self.FILE_PATTERNS))
        if suffix and self._last_pattern:
            pattern = self._last_pattern  # a correction keeps the first file's name
        self._last_pattern = pattern
        safe = "".join(ch for ch in name if ch not in '/\\:*?"<>|').strip()
        fname = pattern.format(slug=slug, short=short, words=PERIOD_WORDS[period], year=period[:4], name=safe)
        if suffix:
            fname = fname[:-5] + suffix + ".xlsx"
        path = self.unique_path(folder, fname)
        return path, self.rel(path)

    def unit_form(self, period: str, unit_id: str | None, version: str, *, encoding: str = "unicode",
                  planted: tuple | None = None, report_date: dt.date | None = None, values: dict | None = None,
                  name: str | None = None, suffix: str = "", finding: str | None = None, keep: bool = True) -> dict:
        """Write one per-unit Form 01 workbook; returns its positions (and file, sheet)."""
        rng = self.rng
        if unit_id is not None:
            u = self.unit(unit_id)
            official, slug, committee = u["unit_name"], u["slug"], u["unit_type"].startswith("đảng bộ")
            values = values or self.values_of(unit_id, period, version)
            report_date = report_date or values["report_date"]
        else:
            official, slug, committee = name, strip_diacritics(name), False
        ascii_only = encoding in ("tcvn3", "vni", "mixed_data")
        cells = self.render(values, version, ascii_only=ascii_only)
        if planted:
            cells[planted[0]] = planted[1]
        title_enc, label_enc, data_enc = {
            "unicode": ("unicode",) * 3, "nfd": ("nfd",) * 3, "tcvn3": ("tcvn3",) * 3, "vni": ("vni",) * 3,
            "mixed_labels": ("tcvn3", "tcvn3", "unicode"), "mixed_data": ("unicode", "unicode", "tcvn3"),
        }[encoding]
        split_date = rng.random() < 0.3
        date_cell = (render_date(rng, report_date, ascii_only=ascii_only) if split_date
                     else date_text(rng, report_date, ascii_only=ascii_only or encoding == "mixed_labels"))
        notes = {}
        for f in fields_of(version):
            if rng.random() < 0.06:
                notes[f] = str(rng.choice(NOTES)).format(p=person_name(rng))
        form = layouts.UnitForm(
            version=version,
            org_line=("ĐẢNG ỦY " if committee else "CHI BỘ ") + official.upper(),
            unit_name=name or self.display_name(unit_id),
            period_words=PERIOD_WORDS[period] if rng.random() < 0.85 else PERIOD_WORDS[period].replace("6 tháng", "06 tháng"),
            report_date=date_cell, values=cells, notes=notes,
            preparer=person_name(rng), signer=person_name(rng), cell_committee=committee,
            place_date=(f"Hà Tĩnh, ngày {report_date.day} tháng {report_date.month} năm {report_date.year}"
                        if rng.random() < 0.5 else None),
            split_name=rng.random() < 0.3, split_date=split_date, column_numbers=rng.random() < 0.4,
            sheet_name=str(rng.choice(self.SHEETS)),
            title_encoding=title_enc, label_encoding=label_enc, data_encoding=data_enc,
        )
        grid, pos = layouts.build_unit_form(form)
        grids = [grid]
        if rng.random() < 0.1:
            lists = Grid("DM", hidden=True)
            lists.put(1, 1, "Có")
            lists.put(2, 1, "Không")
            grids.append(lists)
        path, file = self.file_for(period, unit_id, official, slug, suffix)
        write_xlsx(path, grids)
        self.ledger.files += 1
        pos |= {"file": file, "sheet": grid.name}
        if planted:
            row, letter = pos["cells"][planted[0]]
            self.ledger.reject(file, grid.name, row, letter, planted[2])
            self.ledger.missing.append({"unit_id": unit_id, "period": period, "why": "rejected"})
        elif unit_id is None:
            row, letter = pos["name_cell"]
            self.ledger.reject(file, grid.name, row, letter, "unknown_unit")
        elif keep:
            if finding:
                row, letter = pos["name_cell"]
                self.ledger.finding(file, grid.name, row, letter, finding)
            self.add_report(unit_id, period, version, "unit_form", file, grid.name, pos["first_row"], report_date)
        return pos

    def write_unit_forms(self, missing: dict[str, set], csv_units: set[str]) -> None:
        rng = self.rng
        ids = list(self.units["unit_id"])
        non_pilot = [u for u in ids if not self.unit(u)["is_pilot"]]
        one_stop = [u for u in non_pilot if self.unit(u)["one_stop"]]
        typo_uid = self.units.at[52, "unit_id"]
        for period in ("2017-H2", "2018-H1", "2018-H2"):
            used = set(missing[period]) | (csv_units if period == "2017-H2" else set()) | {typo_uid}
            planted: dict[str, tuple] = {}
            t = lambda u, f: self.truth[(u, period)][f]  # noqa: E731
            if period == "2017-H2":
                (a,) = self.choose(non_pilot, 1, used)
                (b,) = self.choose(non_pilot, 1, used)
                planted = {a: ("staff_total", None, "missing_required"),
                           b: ("action_programme", "Đang xây dựng", "invalid_bool")}
                encodings = ["tcvn3"] * 3 + ["vni"] * 2 + ["mixed_labels", "mixed_data"]
                old_form = set()
            elif period == "2018-H1":
                (a,) = self.choose(one_stop, 1, used)
                (b,) = self.choose(non_pilot, 1, used)
                planted = {a: ("satisfaction_rate", "120%", "out_of_range"),
                           b: ("staff_studied", int(t(b, "staff_total")) + 4, "studied_gt_staff")}
                encodings = ["tcvn3", "nfd", "nfd"]
                old_form = set(self.choose(non_pilot, 5, used))
            else:
                (a,) = self.choose(one_stop, 1, used)
                (b,) = self.choose(non_pilot, 1, used)
                with_programme = [u for u in non_pilot if bool(t(u, "action_programme"))]
                (c,) = self.choose(with_programme, 1, used)
                planted = {a: ("dossiers_on_time", int(t(a, "dossiers_received")) + 25, "dossiers_inconsistent"),
                           b: ("good_practices", -1, "negative_count"),
                           c: ("action_programme_date", "30/02/2018", "invalid_date")}
                encodings = ["vni", "nfd", "nfd"]
                old_form = set()
            (resubmitted,) = self.choose(non_pilot, 1, used)
            encoded = dict(zip(self.choose(ids, len(encodings), used), encodings))
            for uid in ids:
                if uid in missing[period] or (period == "2017-H2" and uid in csv_units):
                    continue
                version = "2017" if period == "2017-H2" or uid in old_form else "2018"
                if uid in planted:
                    self.unit_form(period, uid, version, planted=planted[uid])
                    continue
                if uid == resubmitted:
                    values = self.values_of(uid, period, version)
                    first = dict(values, staff_studied=max(0, values["staff_studied"] - int(rng.integers(3, 12))),
                                 complaints_conduct=values["complaints_conduct"] + 1)
                    first["report_date"] = values["report_date"] - dt.timedelta(days=int(rng.integers(4, 12)))
                    pos = self.unit_form(period, uid, version, values=first, keep=False)
                    self.ledger.reject(pos["file"], pos["sheet"], pos["first_row"], None, "superseded")
                    self.unit_form(period, uid, version, suffix=" (bổ sung, sửa đổi)")
                    continue
                typo = TYPO_NAMES[52] if uid == typo_uid and period == "2018-H2" else None
                self.unit_form(period, uid, version, encoding=encoded.get(uid, "unicode"), name=typo,
                               finding="fuzzy_match" if typo else None)
            if period == "2017-H2":
                stand_in = self.values_of(ids[0], period, "2017")
                stand_in["report_date"] = period_end(period) - dt.timedelta(days=14)
                self.unit_form(period, None, "2017", name=UNKNOWN_UNIT_NAMES[2], values=stand_in,
                               report_date=stand_in["report_date"])

    # --- Form 02: one workbook per inspection round -----------------------------------
    ROUND_FILES = {
        "2016-1": ("kiem-tra/2016/KQ kiem tra VHCS dot 1 nam 2016.xlsx", "Dot 1-2016"),
        "2017-1": ("kiem-tra/2017/Ket qua KT-GS dot 1-2017.xlsx", "KQ"),
        "2017-2": ("kiem-tra/2017/KQ KTGS đợt 2 năm 2017.xlsx", "Đợt 2"),
        # Mis-named: an inspection file saved under a Form 01 name in the 2018 folder.
        "2018-1": ("2018/6 tháng đầu năm/Bao cao 01-VHCS - tong hop dot 1.xlsx", "Sheet1"),
        "2018-2": ("kiem-tra/2018/Bieu 02 - dot 2 nam 2018.xlsx", "Bieu 02"),
    }

    def write_inspections(self) -> None:
        rng = self.rng
        crit = [f"c{j:02d}" for j in range(1, 11)]
        for round_id, words, _first, last, _all in ROUNDS:
            file, sheet = self.ROUND_FILES[round_id]
            table = self.world.inspections[self.world.inspections["round_id"] == round_id].reset_index(drop=True)
            non_pilot = [u for u in table["unit_id"] if not self.unit(u)["is_pilot"]]
            used: set[str] = set()
            typo_uid = self.units.at[41, "unit_id"] if round_id == "2018-2" else None
            if typo_uid:
                used.add(typo_uid)
            plan: dict[str, tuple] = {}
            if round_id == "2016-1":
                (u,) = self.choose(non_pilot, 1, used)
                plan[u] = ("date", "31/11/2016", "invalid_date")
            elif round_id == "2017-1":
                (u,) = self.choose(non_pilot, 1, used)
                plan[u] = ("c05", 12, "score_out_of_range")
            elif round_id == "2017-2":
                below = [x for x in non_pilot if float(table.loc[table.unit_id == x, "criteria_sum"].iloc[0]) < 85]
                (u,) = self.choose(below, 1, used)
                plan[u] = ("rating", None, "rating_mismatch")
            elif round_id == "2018-1":
                (u,) = self.choose(non_pilot, 1, used)
                plan[u] = ("c03", -1, "score_out_of_range")
                (u,) = self.choose(non_pilot, 1, used)
                plan[u] = ("duplicate", None, "duplicate")
            else:
                from vhcs_analysis.sample.truth import rate_score
                same = [x for x in non_pilot
                        if rate_score(s := float(table.loc[table.unit_id == x, "criteria_sum"].iloc[0])) == rate_score(s + 5)]
                (u,) = self.choose(same, 1, used)
                plan[u] = ("total", 5.0, "total_mismatch")
            rows, meta = [], []
            for _, rec in table.iterrows():
                uid = rec["unit_id"]
                total = float(rec["criteria_sum"])
                rating = rec["rating"]
                action = plan.get(uid)
                if action and action[0] == "total":
                    total += action[1]
                if action and action[0] == "rating":
                    rating = {"Yếu": "Trung bình", "Trung bình": "Khá", "Khá": "Tốt"}[rating]
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
                    name=TYPO_NAMES[41] if uid == typo_uid else self.display_name(uid),
                    date=date, kind=rec["kind"], scores=scores, total=stated, rating=rating,
                    violations=int(rec["violations_found"]),
                    note=str(rng.choice(INSPECTION_NOTES)).format(p=person_name(rng)) if rng.random() < 0.25 else None)
                rows.append(row)
                meta.append((uid, action, total, rating))
                if action and action[0] == "duplicate":
                    rows.append(row)
                    meta.append((uid, ("duplicate_copy", None, "duplicate"), total, rating))
                if round_id == "2017-2" and len(rows) == 9:
                    rows.append(layouts.InspectionRow(
                        name=UNKNOWN_UNIT_NAMES[1], date=render_date(rng, last), kind="Giám sát",
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
            write_xlsx(self.raw / file, grids)
            self.ledger.files += 1
            cols = pos["columns"]
            for row_no, (uid, action, total, rating), (_, rec) in zip(pos["rows"], meta, self._align(table, meta)):
                if uid is None:
                    self.ledger.reject(file, sheet, row_no, "B", "unknown_unit")
                    continue
                code = action[2] if action else None
                if code == "duplicate" and action[0] == "duplicate_copy":
                    self.ledger.reject(file, sheet, row_no, None, "duplicate")
                    continue
                if code in ("invalid_date", "score_out_of_range"):
                    letter = cols["date"] if code == "invalid_date" else cols[action[0]]
                    self.ledger.reject(file, sheet, row_no, letter, code)
                    continue
                if code == "total_mismatch":
                    self.ledger.finding(file, sheet, row_no, cols["total"], code)
                if code == "rating_mismatch":
                    self.ledger.finding(file, sheet, row_no, cols["rating"], code)
                if uid == typo_uid:
                    self.ledger.finding(file, sheet, row_no, cols["name"], "fuzzy_match")
                self.ledger.inspections.append({
                    "unit_id": uid, "round_id": round_id, "inspection_date": rec["inspection_date"],
                    "kind": rec["kind"], **{c: float(rec[c]) for c in crit}, "total_score": total,
                    "criteria_sum": float(rec["criteria_sum"]), "rating": rating,
                    "violations_found": int(rec["violations_found"]),
                    "source_file": file, "source_sheet": sheet, "source_row": row_no})

    @staticmethod
    def _align(table: pd.DataFrame, meta: list) -> list:
        """The true record behind each written row (None for an unknown unit)."""
        by_unit = {rec["unit_id"]: (i, rec) for i, rec in table.iterrows()}
        return [by_unit.get(uid, (None, None)) for uid, *_ in meta]

    # --- Annual rankings: 2016–2017 stacked on one sheet; 2018 as an HTML export ------
    ABBREVIATIONS = {"Trong sạch, vững mạnh": "TSVM", "Hoàn thành tốt nhiệm vụ": "HTTNV",
                     "Hoàn thành nhiệm vụ": "HTNV", "Hoàn thành xuất sắc nhiệm vụ": "HTXSNV"}

    def category_variant(self, category: str) -> tuple[str, str]:
        """(as written in the file, as the truth holds it: NFC, trimmed)."""
        style = pick(self.rng, {"canonical": 80, "abbrev": 7, "upper": 7, "nfd": 6})
        if style == "abbrev" and category in self.ABBREVIATIONS:
            return self.ABBREVIATIONS[category], self.ABBREVIATIONS[category]
        if style == "upper":
            return category.upper(), category.upper()
        if style == "nfd":
            return nfd(category), category
        return category, category

    def ranking_rows(self, year: int, file: str, sheet: str | None, *, skip: set[str], bad_category: str | None,
                     typo: tuple[str, str] | None, unknown: str | None) -> tuple[list, list]:
        table = self.world.rankings[self.world.rankings["year"] == year]
        weights = {"official": 25, "alias": 10, "upper": 5, "prefix": 60}
        rows, meta = [], []
        for _, rec in table.sort_values("unit_id").iterrows():
            uid = rec["unit_id"]
            if uid in skip:
                continue
            written, truth = self.category_variant(rec["category"])
            if uid == bad_category:
                written = truth = "Chưa xếp loại"
            name = typo[1] if typo and uid == typo[0] else self.display_name(uid, weights)
            year_cell = year if self.rng.random() < 0.8 else str(year)
            note = f"Bí thư: đ/c {person_name(self.rng)}" if self.rng.random() < 0.05 else None
            rows.append((name, year_cell, written, note))
            flag = "bad" if uid == bad_category else "typo" if typo and uid == typo[0] else None
            meta.append((uid, truth, rec, flag))
            if unknown and len(rows) == 30:
                rows.append((unknown, year, "Hoàn thành tốt nhiệm vụ", None))
                meta.append((None, None, None, None))
        return rows, meta

    def record_rankings(self, file, sheet, positions, meta):
        for row_no, (uid, truth, rec, flag) in zip(positions, meta):
            if uid is None:
                self.ledger.reject(file, sheet, row_no, "B", "unknown_unit")
            elif flag == "bad":
                self.ledger.reject(file, sheet, row_no, "D", "unknown_category")
            else:
                if flag == "typo":
                    self.ledger.finding(file, sheet, row_no, "B", "fuzzy_match")
                self.ledger.rankings.append({
                    "unit_id": uid, "year": int(rec["year"]), "category": truth, "scheme": rec["scheme"],
                    "level": int(rec["level"]), "source_file": file, "source_sheet": sheet, "source_row": row_no})

    def write_rankings(self) -> None:
        ids = list(self.units["unit_id"])
        non_pilot = [u for u in ids if not self.unit(u)["is_pilot"]]
        file, sheet = "xep-loai/Ket qua xep loai TCCS dang 2016-2017.xlsx", "Xep loai"
        used: set[str] = {self.units.at[47, "unit_id"], self.units.at[25, "unit_id"]}
        (bad,) = self.choose(non_pilot, 1, used)
        (unranked,) = self.choose(non_pilot, 1, used)
        self.ledger.missing.append({"unit_id": unranked, "period": "2017", "why": "not_ranked"})
        self.ledger.missing.append({"unit_id": bad, "period": "2016", "why": "rejected"})
        typo = (self.units.at[47, "unit_id"], TYPO_NAMES[47])
        rows16, meta16 = self.ranking_rows(2016, file, sheet, skip=set(), bad_category=bad, typo=None, unknown=None)
        rows17, meta17 = self.ranking_rows(2017, file, sheet, skip={unranked}, bad_category=None, typo=typo,
                                           unknown=None)
        grid, pos = layouts.build_rankings(sheet, [
            ("KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2016", rows16),
            ("KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2017", rows17)])
        write_xlsx(self.raw / file, [grid])
        self.ledger.files += 1
        self.record_rankings(file, sheet, pos["rows"], meta16 + meta17)
        # 2018: exported from the party-member management software as an HTML table (.xls).
        file = "xep-loai/XepLoai_TCD_2018_export.xls"
        typo = (self.units.at[25, "unit_id"], TYPO_NAMES[25])
        rows18, meta18 = self.ranking_rows(2018, file, None, skip=set(), bad_category=None, typo=typo,
                                           unknown=UNKNOWN_UNIT_NAMES[0])
        grid, pos = layouts.build_rankings("XepLoai", [("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI TỔ CHỨC ĐẢNG NĂM 2018", rows18)],
                                           letterhead=False)
        write_html_xls(self.raw / file, grid, "Xep loai to chuc dang 2018")
        self.ledger.files += 1
        self.record_rankings(file, None, pos["rows"], meta18)

    # --- files that are not data --------------------------------------------------------
    def write_non_data(self) -> None:
        from vhcs_analysis.sample.extras import write_docx

        doc = "tai-lieu/Huong dan nhap lieu Bieu 01-VHCS.docx"
        write_docx(self.raw / doc, [
            "HƯỚNG DẪN NHẬP LIỆU BIỂU SỐ 01-VHCS",
            "Các đơn vị nhập số liệu vào cột Số liệu; không thay đổi tên chỉ tiêu.",
            "Hạn gửi báo cáo: ngày 20/6 (6 tháng đầu năm) và ngày 20/12 (6 tháng cuối năm).",
        ])
        note = "2018/ghi chu - don doc bao cao.txt"
        (self.raw / note).parent.mkdir(parents=True, exist_ok=True)
        (self.raw / note).write_bytes(
            "Ghi chú: ngày 22/12/2018 đã gọi điện đôn đốc các đơn vị chưa gửi báo cáo.\r\n"
            f"Đ/c {person_name(self.rng)} (Văn phòng) theo dõi.\r\n".encode("utf-8"))
        team = "kiem-tra/2018/Danh sach thanh vien doan kiem tra 2018.xlsx"
        grid = Grid("Danh sach", widths={1: 6, 2: 30, 3: 40})
        grid.put(1, 1, "DANH SÁCH THÀNH VIÊN ĐOÀN KIỂM TRA, GIÁM SÁT NĂM 2018", bold=True, span=3)
        for c, text in enumerate(("STT", "Họ và tên", "Chức vụ"), start=1):
            grid.put(3, c, text, bold=True)
        for r in range(4, 10):
            grid.put(r, 1, r - 3)
            grid.put(r, 2, person_name(self.rng))
            grid.put(r, 3, str(self.rng.choice(("Trưởng đoàn", "Thành viên", "Thư ký"))))
        write_xlsx(self.raw / team, [grid])
        for path, why in ((doc, "not_a_spreadsheet"), (note, "not_a_spreadsheet"), (team, "not_recognised")):
            self.ledger.skipped.append({"source_file": path, "reason": why})
        self.ledger.files += 3

    # --- everything ---------------------------------------------------------------------
    def write_all(self) -> Ledger:
        rng = self.rng
        ids = list(self.units["unit_id"])
        reserved = {self.units.at[i, "unit_id"] for i in TYPO_NAMES}
        candidates = [u for u in ids if not self.unit(u)["is_pilot"] and u not in reserved]
        counts = {"2016-H2": 1, "2017-H1": 2, "2017-H2": 3, "2018-H1": 2, "2018-H2": 2}
        missing = {p: {str(x) for x in rng.choice(candidates, k, replace=False)} for p, k in counts.items()}
        for period, units in missing.items():
            for uid in sorted(units):
                self.ledger.missing.append({"unit_id": uid, "period": period, "why": "not_reported"})
        csv_units = {u for u in ids if self.unit(u)["block"] == BLOCKS[5]}
        self.write_consolidated(missing)
        self.write_unit_forms(missing, csv_units)
        self.write_inspections()
        self.write_rankings()
        self.write_non_data()
        return self.ledger
