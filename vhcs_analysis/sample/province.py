"""The province-scale sample: 66 units, five periods, every kind of mess, and the ground
truth a correct cleaner must produce (docs/sample-data.md describes each planted case).

``build_province`` writes the raw files and returns a ``Ledger``: the truth rows, the
expected rejects/findings/skips and the planted missing reports, all pointing at the
exact file, sheet, row and column of the raw value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from pathlib import Path

import numpy as np
import pandas as pd

from vhcs_analysis.sample import layouts
from vhcs_analysis.sample.context import Ledger
from vhcs_analysis.sample.extras import write_non_data
from vhcs_analysis.periods import Period
from vhcs_analysis.sample.forms import LABELS, Grid, fields_of, write_csv_cp1258, write_xlsx
from vhcs_analysis.sample.inspections import write_inspections
from vhcs_analysis.sample.mess import (
    date_text, name_variant, nfd, person_name, pick, render_bool, render_count, render_date, render_rate,
    shape_plans,
)
from vhcs_analysis.sample.rankings import write_rankings
from vhcs_analysis.sample.truth import PLAN_FIELDS, World, side_rng
from vhcs_analysis.sample.units import (
    BLOCKS, TYPO_CONSOLIDATED_2017_H1, TYPO_UNIT_FORM_2018_H2, TYPOS, UNIT_SPECS, UNKNOWN_IN_CONSOLIDATED_2016_H2,
    UNKNOWN_IN_UNIT_FORM_2017_H2,
)
from vhcs_analysis.text import encode_tcvn3, strip_diacritics

# Units that did not report, drawn per period among the non-pilots (not_reported).
MISSING_REPORTS = {"2016-H2": 1, "2017-H1": 2, "2017-H2": 3, "2018-H1": 2, "2018-H2": 2}
# Blocks whose cluster office sent one consolidated sheet instead of per-unit forms
# (index into BLOCKS): Tài chính – Ngân hàng as a CSV in 2017-H2, Nông nghiệp on the
# 2018 form in 2018-H2.
BLOCK_CSV_2017_H2 = 5
BLOCK_SHEET_2018_H2 = 6
# The unknown units of a consolidated sheet are written after this block (index into BLOCKS).
UNKNOWN_AFTER_BLOCK = 2
# An unknown unit's row carries the values of this unit (index into UNIT_SPECS): clean
# numbers, so that its only defect is the name.
STAND_IN_UNIT = 0
COUNT_FIELDS = ("staff_total", "party_members", "staff_studied", "dossiers_received", "dossiers_on_time",
                "dossiers_late", "complaints_conduct", "discipline_violations", "internal_inspections",
                "good_practices", "staff_rated_good")
NOTES = ("Đ/c {p} phụ trách bộ phận một cửa", "Số liệu tính đến ngày 15", "Đ/c {p} nghỉ thai sản",
         "Có 02 đ/c mới tuyển dụng", "Theo báo cáo của Văn phòng", "Đ/c {p} bị nhắc nhở")


class Province:
    """Writes the province sample into ``raw`` from a World and a generator (the
    ``SampleContext`` the writers of inspections, rankings and other files use)."""

    def __init__(self, raw: Path, world: World, rng: np.random.Generator):
        self.raw, self.world, self.rng = raw, world, rng
        self.plans_rng = side_rng(rng)
        self.shaped: list[str] = []
        self.units = world.units
        self.idx = {u: i for i, u in enumerate(self.units["unit_id"])}
        self.truth: dict[tuple[str, str], dict[str, Any]] = {
            (r["unit_id"], r["period"]): {k: (None if pd.isna(v) else v) for k, v in r.items()}
            for r in world.reports.to_dict("records")}
        self.ledger = Ledger()
        self.used_names: set[str] = set()
        self._last_pattern: str | None = None

    # --- helpers ------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """``path`` relative to the raw folder, with forward slashes."""
        return path.relative_to(self.raw).as_posix()

    def unit(self, unit_id: str) -> pd.Series:
        """The row of the units table for ``unit_id``."""
        return self.units.iloc[self.idx[unit_id]]

    def display_name(self, unit_id: str, weights: dict | None = None) -> str:
        """A name variant of the unit as a clerk might write it (official name, alias, case), drawn with
        ``weights``."""
        u = self.unit(unit_id)
        spec = UNIT_SPECS[self.idx[unit_id]]
        return name_variant(self.rng, u["unit_name"], spec.aliases, u["unit_type"], weights)

    def values_of(self, unit_id: str, period: str, version: str) -> dict:
        """The true Form 01 values of the unit for ``period`` on form ``version`` (missing as None), with the report
        date."""
        rec = self.truth[(unit_id, period)]
        return {f: (None if pd.isna(rec[f]) else rec[f]) for f in LABELS[version]} | {
            "report_date": rec["report_date"]}

    def render(self, values: dict, version: str, *, ascii_only=False, clean=False) -> dict:
        """Cells for a record's fields (value-preserving mess). The plan fields are drawn
        from their own generator (``plans_rng``); ``self.shaped`` lists those typed as a
        percentage or a fraction (the cleaner reads them back with a finding)."""
        out = {}
        for f in fields_of(version):
            v = values.get(f)
            if f in PLAN_FIELDS:
                out[f] = render_count(self.plans_rng, v, clean=clean)
            elif f in ("action_programme", "office_layout_done"):
                out[f] = render_bool(self.rng, v, ascii_only=ascii_only, clean=clean)
            elif f == "action_programme_date":
                out[f] = render_date(self.rng, v, ascii_only=ascii_only, clean=clean)
            elif f == "satisfaction_rate" and v is None:
                out[f] = None if clean else pick(self.rng, {None: 3, "-": 1})
            elif f == "satisfaction_rate":
                out[f] = render_rate(self.rng, v, clean=clean)
            else:
                out[f] = render_count(self.rng, v, clean=clean)
        self.shaped = [] if clean else shape_plans(self.plans_rng, values, out)
        return out

    def add_report(self, unit_id, period, version, layout, file, sheet, row, report_date):
        """Add the unit's report of ``period`` to the ledger of truth, with where it was written."""
        values = self.values_of(unit_id, period, version)
        values.pop("report_date")
        self.ledger.reports.append({"unit_id": unit_id, "period": period, "report_date": report_date,
                                    "form_version": version, "layout": layout, **values,
                                    "source_file": file, "source_sheet": sheet, "source_row": row})

    def unique_path(self, folder: str, name: str) -> Path:
        """A path ``folder/name`` not used yet in this sample (" (2)", " (3)", … appended as a download would)."""
        path = self.raw / folder / name
        stem, suffix, n = path.stem, path.suffix, 2
        while path.as_posix() in self.used_names:
            path = path.with_name(f"{stem} ({n}){suffix}")
            n += 1
        self.used_names.add(path.as_posix())
        return path

    def choose(self, pool: list[str], k: int, exclude: set[str]) -> list[str]:
        """Draw ``k`` distinct units from ``pool`` not in ``exclude``, and add them to ``exclude``."""
        candidates = [u for u in pool if u not in exclude]
        picked = [str(x) for x in self.rng.choice(candidates, k, replace=False)]
        exclude.update(picked)
        return picked

    # --- Form 01: consolidated sheets (2016-H2, 2017-H1) and the block CSV (2017-H2) ----
    def consolidated(self, period: str, reporting: list[str], planted: dict, *, sheet: str,
                     headings: bool, legacy_names: set[str], nfd_names: set[str],
                     typos: dict[str, str], unknown: list[str], file: str, csv: bool = False,
                     version: str = "2017", blank_rows: int = 0, total_label: str = "Tổng cộng") -> Grid:
        """Grid of one consolidated period; records truth, rejects and findings."""
        rows, shaped = [], {}
        meta: list[Any] = []  # per row: None (a blank or total row), a unit_id, or ("unknown", name)
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
                shaped[uid] = self.shaped
                if uid in planted:
                    f, bad, _code = planted[uid]
                    cells[f] = bad
                    if f == "action_programme_date":
                        cells["action_programme"] = "Có"
                rows.append(layouts.ConsolidatedRow(
                    name=name, report_date=render_date(self.rng, values["report_date"], clean=csv), values=cells,
                    note=self.rng.choice(NOTES).format(p=person_name(self.rng)) if self.rng.random() < 0.08 else None))
                meta.append(uid)
            if b == UNKNOWN_AFTER_BLOCK and unknown:
                for name in unknown:
                    d = Period.parse(period).end - dt.timedelta(days=int(self.rng.integers(12, 20)))
                    stand_in = self.values_of(self.units.at[STAND_IN_UNIT, "unit_id"], period, version)
                    rows.append(layouts.ConsolidatedRow(name=name, report_date=render_date(self.rng, d, clean=csv),
                                                        values=self.render(stand_in, version, clean=True)))
                    meta.append(("unknown", name))
        totals: dict[str, object] = {f: int(sum(self.truth[(u, period)][f] for u in reporting
                             if self.truth[(u, period)][f] is not None))
                  for f in COUNT_FIELDS if f in LABELS[version]}
        for _ in range(blank_rows):  # rows emptied by hand inside the table
            at = int(self.rng.integers(3, len(rows)))
            rows.insert(at, layouts.ConsolidatedRow(name="", blank=True))
            meta.insert(at, None)
        words = Period.parse(period).form_words
        grid, pos = layouts.build_consolidated(sheet, version, words, rows, totals,
                                               merged_header=True, total_label=total_label)
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
            for f in shaped.get(m, ()):
                self.ledger.finding(file, sheet_name, row_no, pos["columns"][f], "count_from_other_shape")
            rd = self.truth[(m, period)]["report_date"]
            self.add_report(m, period, version, "consolidated", file, sheet_name, row_no, rd)
        return grid

    def write_consolidated(self, missing: dict[str, set]) -> None:
        """Write the consolidated Form 01 workbook of 2016-H2 and 2017-H1, with its planted errors."""
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
        planted: dict[str, tuple] = {
            studied: ("staff_studied", int(self.truth[(studied, period)]["staff_total"]) + 7, "studied_gt_staff"),
            negative: ("complaints_conduct", -2, "negative_count"),
        }
        legacy = set(self.choose(non_pilot, 3, used))
        nfd_names = set(self.choose(ids, 2, used))
        reporting = [u for u in ids if u not in missing[period]]
        grids.append(self.consolidated(period, reporting, planted, sheet=Period.parse(period).short, headings=True,
                                       legacy_names=legacy, nfd_names=nfd_names, typos={},
                                       unknown=[UNKNOWN_IN_CONSOLIDATED_2016_H2], file=file))
        # 2017-H1: no headings; dossiers, garbage number, a programme dated before the resolution.
        period = "2017-H1"
        typo = TYPO_CONSOLIDATED_2017_H1
        typo_uid = self.units.at[typo.unit_index, "unit_id"]
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
        grids.append(self.consolidated(period, reporting, planted, sheet=Period.parse(period).short, headings=False,
                                       legacy_names=set(), nfd_names=set(),
                                       typos={typo_uid: typo.typed}, unknown=[], file=file, blank_rows=2))
        lists = Grid("DM", hidden=True)
        for r, (a, b) in enumerate(zip(("Có", "Không", "", "", "", "", ""), BLOCKS), start=1):
            lists.put(r, 1, a or None)
            lists.put(r, 2, b)
        grids.append(lists)
        write_xlsx(self.raw / file, grids)
        self.ledger.files += 1
        # 2017-H2, Khối Tài chính – Ngân hàng: its cluster office sent one CSV (Windows-1258).
        period = "2017-H2"
        block_units = [u for u in ids if self.unit(u)["block"] == BLOCKS[BLOCK_CSV_2017_H2]]
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
        """A new file path of a unit's (or the block's) report for ``period`` and its relative form, named as clerks
        do."""
        folders = self.FOLDERS[period]
        folder = folders[0] if self.rng.random() < 0.85 else folders[-1]
        when = Period.parse(period)
        short = strip_diacritics(when.short)  # "6T dau 2017", as file names are typed
        pattern = str(self.rng.choice(self.FILE_PATTERNS))
        if suffix and self._last_pattern:
            pattern = self._last_pattern  # a correction keeps the first file's name
        self._last_pattern = pattern
        safe = "".join(ch for ch in name if ch not in '/\\:*?"<>|').strip()
        fname = pattern.format(slug=slug, short=short, words=when.form_words, year=when.year, name=safe)
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
            assert name is not None, "a unit outside the registry is written by its name"
            official, slug, committee = name, strip_diacritics(name), False
        assert values is not None and report_date is not None, "given for a unit outside the registry"
        ascii_only = encoding in ("tcvn3", "vni", "mixed_data")
        cells = self.render(values, version, ascii_only=ascii_only)
        shaped = self.shaped
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
        words = Period.parse(period).form_words
        form = layouts.UnitForm(
            version=version,
            org_line=("ĐẢNG ỦY " if committee else "CHI BỘ ") + official.upper(),
            unit_name=name or self.display_name(unit_id or ""),
            period_words=words if rng.random() < 0.85 else words.replace("6 tháng", "06 tháng"),
            report_date=date_cell, values=cells, notes=notes,
            preparer=person_name(rng), signer=person_name(rng), cell_committee=committee,
            place_date=(f"Hà Tĩnh, ngày {report_date.day} tháng {report_date.month} năm {report_date.year}"
                        if rng.random() < 0.5 else None),
            split_name=rng.random() < 0.3, split_date=split_date, column_numbers=rng.random() < 0.4,
            blank_before="III." if rng.random() < 0.12 else None,
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
            for f in shaped:
                row, letter = pos["cells"][f]
                self.ledger.finding(file, grid.name, row, letter, "count_from_other_shape")
            self.add_report(unit_id, period, version, "unit_form", file, grid.name, pos["first_row"], report_date)
        return pos

    def write_unit_forms(self, missing: dict[str, set], block_sheets: dict[str, set]) -> None:
        """Per-unit workbooks of 2017-H2, 2018-H1, 2018-H2 for the units that are not in a
        block's consolidated sheet (``block_sheets[period]``)."""
        rng = self.rng
        ids = list(self.units["unit_id"])
        non_pilot = [u for u in ids if not self.unit(u)["is_pilot"]]
        one_stop = [u for u in non_pilot if self.unit(u)["one_stop"]]
        typo_uid = self.units.at[TYPO_UNIT_FORM_2018_H2.unit_index, "unit_id"]
        for period in ("2017-H2", "2018-H1", "2018-H2"):
            elsewhere = block_sheets.get(period, set())
            used = set(missing[period]) | elsewhere | {typo_uid}
            planted: dict[str, tuple] = {}

            def t(u: str, f: str, period: str = period):
                return self.truth[(u, period)][f]

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
                if uid in missing[period] or uid in elsewhere:
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
                typo = TYPO_UNIT_FORM_2018_H2.typed if uid == typo_uid and period == "2018-H2" else None
                self.unit_form(period, uid, version, encoding=encoded.get(uid, "unicode"), name=typo,
                               finding="fuzzy_match" if typo else None)
            if period == "2017-H2":
                stand_in = self.values_of(ids[STAND_IN_UNIT], period, "2017")
                stand_in["report_date"] = Period.parse(period).end - dt.timedelta(days=14)
                self.unit_form(period, None, "2017", name=UNKNOWN_IN_UNIT_FORM_2017_H2, values=stand_in,
                               report_date=stand_in["report_date"])

    def write_block_2018(self, missing: dict[str, set], block_units: set[str]) -> None:
        """2018-H2 of Khối Nông nghiệp: its cluster office consolidated the block on the 2018
        form (the only consolidated sheet with satisfaction and staff rated good)."""
        period = "2018-H2"
        file = "tong-hop/Khoi Nong nghiep/Tong hop khoi Nong nghiep 6 thang cuoi 2018.xlsx"
        reporting = [u for u in self.units["unit_id"] if u in block_units and u not in missing[period]]
        grid = self.consolidated(period, reporting, {}, sheet=Period.parse(period).short, headings=False,
                                 legacy_names=set(), nfd_names=set(), typos={}, unknown=[], file=file,
                                 version="2018", total_label="Cộng")
        grid.cells[(2, 1)] = "KHỐI NÔNG NGHIỆP"
        write_xlsx(self.raw / file, [grid])
        self.ledger.files += 1

    # --- everything ---------------------------------------------------------------------
    def write_all(self) -> Ledger:
        """Write every raw file of the province sample and return the ledger of truth."""
        rng = self.rng
        ids = list(self.units["unit_id"])
        reserved = {self.units.at[typo.unit_index, "unit_id"] for typo in TYPOS}
        candidates = [u for u in ids if not self.unit(u)["is_pilot"] and u not in reserved]
        missing = {p: {str(x) for x in rng.choice(candidates, k, replace=False)} for p, k in MISSING_REPORTS.items()}
        for period, units in missing.items():
            for uid in sorted(units):
                self.ledger.missing.append({"unit_id": uid, "period": period, "why": "not_reported"})
        block_sheets = {"2017-H2": {u for u in ids if self.unit(u)["block"] == BLOCKS[BLOCK_CSV_2017_H2]},
                        "2018-H2": {u for u in ids if self.unit(u)["block"] == BLOCKS[BLOCK_SHEET_2018_H2]}}
        self.write_consolidated(missing)
        self.write_unit_forms(missing, block_sheets)
        self.write_block_2018(missing, block_sheets["2018-H2"])
        write_inspections(self)
        write_rankings(self)
        write_non_data(self)
        return self.ledger
