"""Grids of the four raw layouts: per-unit Form 01, consolidated Form 01, Form 02 and
the annual ranking sheet. Each builder returns the grid and where its values landed
(Excel row, column letter), so that truth and expected rejects can point at them."""

from __future__ import annotations

from dataclasses import dataclass, field

from vhcs_analysis.forms import (
    BLOC, BLOC_COMMITTEE, CRITERIA_LABELS, FORM01_CODE, FORM01_GROUPS, FORM02_CODE, PARTY,
)
from vhcs_analysis.sample.forms import CONSOLIDATED_TITLE, FORM01_TITLE, FORM02_TITLE, LABELS, Grid, col, fields_of
from vhcs_analysis.sample.mess import encode_text

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass
class UnitForm:
    """Content of one per-unit Form 01 workbook (cells already rendered)."""

    version: str
    org_line: str  # issuing organisation in the letterhead, upper case
    unit_name: str  # the unit as typed on the "Đơn vị" line
    period_words: str  # "6 tháng đầu năm 2017"
    report_date: object  # text after "Ngày báo cáo:" or a cell value (split style)
    values: dict[str, object]
    notes: dict[str, str] = field(default_factory=dict)
    preparer: str = ""
    signer: str = ""
    cell_committee: bool = True  # "T/M ĐẢNG ỦY" (đảng bộ) or "T/M CHI BỘ"
    place_date: str | None = None
    split_name: bool = False
    split_date: bool = False
    column_numbers: bool = False
    blank_before: str | None = None  # a stray empty row before this group ("III.")
    sheet_name: str = "Bieu 01"
    title_encoding: str = "unicode"
    label_encoding: str = "unicode"
    data_encoding: str = "unicode"


def build_unit_form(form: UnitForm) -> tuple[Grid, dict]:
    """Per-unit Form 01: letterhead, vertical table, signatures. Returns the grid and
    positions: first_row, cells[field] = (row, letter), name_cell, date_cell."""
    g = Grid(form.sheet_name, widths={1: 6, 2: 58, 3: 12, 4: 14, 5: 30})
    title_cells: set[tuple[int, int]] = set()
    label_cells: set[tuple[int, int]] = set()
    data_cells: set[tuple[int, int]] = set()

    def put(kind: set, r, c, v, **kw):
        g.put(r, c, v, **kw)
        kind.add((r, c))

    put(title_cells, 1, 1, BLOC, bold=True, center=True, span=2)
    put(title_cells, 1, 3, PARTY, bold=True, center=True, span=3)
    put(data_cells, 2, 1, form.org_line, bold=True, center=True, span=2)
    put(title_cells, 2, 3, FORM01_CODE, italic=True, center=True, span=3)
    put(title_cells, 4, 1, FORM01_TITLE, bold=True, center=True, span=5)
    put(title_cells, 5, 1, "về tăng cường sự lãnh đạo xây dựng văn hóa công sở", italic=True, center=True, span=5)
    if form.split_name:
        put(title_cells, 6, 1, "Đơn vị:", bold=True)
        put(data_cells, 6, 2, form.unit_name, bold=True, span=4)
        name_cell = (6, "B")
    else:
        put(data_cells, 6, 1, f"Đơn vị: {form.unit_name}", bold=True, span=5)
        name_cell = (6, "A")
    put(title_cells, 7, 1, f"Kỳ báo cáo: {form.period_words}", span=5)
    if form.split_date:
        put(title_cells, 8, 1, "Ngày báo cáo:")
        put(data_cells, 8, 2, form.report_date)
        date_cell = (8, "B")
    else:
        put(data_cells, 8, 1, f"Ngày báo cáo: {form.report_date}", span=5)
        date_cell = (8, "A")
    r = 10
    for c, text in enumerate(("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"), start=1):
        put(label_cells, r, c, text, bold=True, center=True)
    if form.column_numbers:
        r += 1
        for c in range(1, 6):
            g.put(r, c, f"({c})", italic=True, center=True)
    first_row, cells, number = None, {}, 0
    labels = LABELS[form.version]
    for roman, title, fields in FORM01_GROUPS:
        if roman == form.blank_before:
            r += 1
        r += 1
        put(label_cells, r, 1, roman, bold=True)
        put(label_cells, r, 2, title, bold=True)
        for f in fields:
            if f not in labels:
                continue
            r += 1
            number += 1
            first_row = first_row or r
            label, unit = labels[f]
            g.put(r, 1, number, center=True)
            put(label_cells, r, 2, label)
            put(label_cells, r, 3, unit, center=True)
            put(data_cells, r, 4, form.values.get(f), center=True)
            if f in form.notes:
                put(data_cells, r, 5, form.notes[f])
            cells[f] = (r, "D")
    g.boxed.append((10, 1, r, 5))
    r += 2
    if form.place_date:
        put(data_cells, r, 4, form.place_date, italic=True, center=True, span=2)
        r += 1
    put(title_cells, r, 1, "NGƯỜI LẬP BIỂU", bold=True, center=True, span=2)
    put(title_cells, r, 4, "T/M ĐẢNG ỦY" if form.cell_committee else "T/M CHI BỘ", bold=True, center=True, span=2)
    put(title_cells, r + 1, 4, "BÍ THƯ", bold=True, center=True, span=2)
    put(data_cells, r + 5, 1, form.preparer, bold=True, center=True, span=2)
    put(data_cells, r + 5, 4, form.signer, bold=True, center=True, span=2)
    for kind, encoding in ((title_cells, form.title_encoding), (label_cells, form.label_encoding),
                           (data_cells, form.data_encoding)):
        for key in kind:
            g.cells[key] = encode_text(g.cells[key], encoding, caps=True)
    if "tcvn3" in (form.title_encoding, form.label_encoding):
        g.font, g.caps_font = ".VnTime", ".VnTimeH"
    return g, {"first_row": first_row, "cells": cells, "name_cell": name_cell, "date_cell": date_cell}


@dataclass
class ConsolidatedRow:
    """One line of a consolidated sheet: a block heading or a unit's values."""

    name: str
    report_date: object = None
    values: dict[str, object] = field(default_factory=dict)
    note: str | None = None
    heading: str | None = None  # roman numeral of a block heading row
    blank: bool = False  # an empty row left inside the table


def build_consolidated(name: str, version: str, period_words: str, rows: list[ConsolidatedRow],
                       totals: dict[str, object], *, column_numbers: bool = True,
                       merged_header: bool = True, total_label: str = "Tổng cộng") -> tuple[Grid, dict]:
    """Consolidated Form 01: one row per unit, one column per indicator, total row.
    Returns positions: columns[field] = letter, rows[i] = Excel row of rows[i]."""
    fields = fields_of(version)
    labels = LABELS[version]
    ncol = 3 + len(fields) + 1
    g = Grid(name, widths={1: 5, 2: 40, 3: 12, **{c: 11 for c in range(4, ncol)}, ncol: 20})
    g.put(1, 1, BLOC_COMMITTEE, bold=True, center=True, span=3)
    g.put(1, ncol - 5, PARTY, bold=True, center=True, span=6)
    g.put(2, 1, "VĂN PHÒNG", bold=True, center=True, span=3)
    g.put(2, ncol - 5, FORM01_CODE, italic=True, center=True, span=6)
    g.put(4, 1, CONSOLIDATED_TITLE, bold=True, center=True, span=ncol)
    g.put(5, 1, f"Kỳ báo cáo: {period_words}", italic=True, center=True, span=ncol)
    columns = {f: col(4 + i) for i, f in enumerate(fields)}
    top = 7
    g.heights = {top: 32, top + 1: 96}
    head_rows = 2 if merged_header else 1
    label_row = top + head_rows - 1
    for c, text in ((1, "STT"), (2, "Tên đơn vị"), (3, "Ngày báo cáo"), (ncol, "Ghi chú")):
        g.put(top, c, text, bold=True, center=True)
        if merged_header:
            g.merges.append((top, c, label_row, c))
    c = 4
    for _, title, group_fields in FORM01_GROUPS:
        present = [f for f in group_fields if f in labels]
        if merged_header:
            g.put(top, c, title, bold=True, center=True, span=len(present))
        for f in present:
            g.put(label_row, c, labels[f][0], bold=True, center=True)
            c += 1
    r = label_row
    if column_numbers:
        r += 1
        for c in range(1, ncol + 1):
            g.put(r, c, f"({c})", italic=True, center=True)
    positions, number = [], 0
    for row in rows:
        r += 1
        positions.append(r)
        if row.blank:
            continue
        if row.heading:
            g.put(r, 1, row.heading, bold=True)
            g.put(r, 2, row.name, bold=True)
            continue
        number += 1
        g.put(r, 1, number, center=True)
        g.put(r, 2, row.name)
        g.put(r, 3, row.report_date, center=True)
        for f in fields:
            g.put(r, 4 + fields.index(f), row.values.get(f), center=True)
        if row.note:
            g.put(r, ncol, row.note)
    r += 1
    g.put(r, 2, total_label, bold=True, center=True)
    for f, v in totals.items():
        if f in columns:
            g.put(r, 4 + fields.index(f), v, bold=True, center=True)
    g.boxed.append((top, 1, r, ncol))
    g.put(r + 2, 2, "NGƯỜI TỔNG HỢP", bold=True, center=True)
    g.put(r + 2, ncol - 5, "T/L BAN THƯỜNG VỤ", bold=True, center=True, span=6)
    g.put(r + 3, ncol - 5, "CHÁNH VĂN PHÒNG", bold=True, center=True, span=6)
    return g, {"columns": columns, "rows": positions, "total_row": r}


@dataclass
class InspectionRow:
    """One inspection of Form 02 as written in the sample: unit name, date, kind, criterion scores, total and
    rating."""
    name: str
    date: object
    kind: str
    scores: list
    total: object
    rating: str
    violations: object
    note: str | None = None


def build_form02(name: str, round_words: str, place_date: str, rows: list[InspectionRow],
                 leader: str, clerk: str) -> tuple[Grid, dict]:
    """Form 02: one row per inspected unit; ten criteria under a merged header."""
    g = Grid(name, widths={1: 5, 2: 36, 3: 12, 4: 11, **{c: 9 for c in range(5, 15)}, 15: 9, 16: 11, 17: 10, 18: 34})
    g.put(1, 1, BLOC_COMMITTEE, bold=True, center=True, span=4)
    g.put(1, 12, PARTY, bold=True, center=True, span=7)
    g.put(2, 1, "ĐOÀN KIỂM TRA, GIÁM SÁT", bold=True, center=True, span=4)
    g.put(2, 12, FORM02_CODE, italic=True, center=True, span=7)
    g.put(3, 12, place_date, italic=True, center=True, span=7)
    g.put(4, 1, FORM02_TITLE, bold=True, center=True, span=18)
    g.put(5, 1, round_words, bold=True, center=True, span=18)
    for c, text in ((1, "STT"), (2, "Tên đơn vị"), (3, "Ngày kiểm tra"), (4, "Hình thức"),
                    (15, "Tổng điểm"), (16, "Xếp loại"), (17, "Số vi phạm phát hiện"), (18, "Ghi chú")):
        g.put(7, c, text, bold=True, center=True)
        g.merges.append((7, c, 8, c))
    g.put(7, 5, "Tiêu chí chấm điểm", bold=True, center=True, span=10)
    g.heights = {7: 30, 8: 110}
    for i, label in enumerate(CRITERIA_LABELS):
        g.put(8, 5 + i, label, bold=True, center=True)
    for c in range(1, 19):
        g.put(9, c, f"({c})", italic=True, center=True)
    positions, r = [], 9
    for i, row in enumerate(rows, start=1):
        r += 1
        positions.append(r)
        g.put(r, 1, i, center=True)
        g.put(r, 2, row.name)
        g.put(r, 3, row.date, center=True)
        g.put(r, 4, row.kind, center=True)
        for j, s in enumerate(row.scores):
            g.put(r, 5 + j, s, center=True)
        g.put(r, 15, row.total, center=True)
        g.put(r, 16, row.rating, center=True)
        g.put(r, 17, row.violations, center=True)
        if row.note:
            g.put(r, 18, row.note)
    r += 1
    g.put(r, 2, "Tổng cộng", bold=True, center=True)
    g.put(r, 17, sum(v for v in (x.violations for x in rows) if isinstance(v, int)), bold=True, center=True)
    g.boxed.append((7, 1, r, 18))
    g.put(r + 2, 2, "NGƯỜI TỔNG HỢP", bold=True, center=True)
    g.put(r + 2, 13, "TRƯỞNG ĐOÀN", bold=True, center=True, span=5)
    g.put(r + 6, 2, clerk, bold=True, center=True)
    g.put(r + 6, 13, leader, bold=True, center=True, span=5)
    columns = {"name": "B", "date": "C", "kind": "D", **{f"c{j + 1:02d}": col(5 + j) for j in range(10)},
               "total": "O", "rating": "P", "violations": "Q"}
    return g, {"rows": positions, "columns": columns}


def build_rankings(name: str, tables: list[tuple[str, list[tuple[str, object, str, str | None]]]],
                   *, letterhead: bool = True) -> tuple[Grid, dict]:
    """Ranking tables stacked on one sheet: (title, [(unit name, year, category, note)])."""
    g = Grid(name, widths={1: 6, 2: 52, 3: 8, 4: 34, 5: 30})
    r = 0
    if letterhead:
        g.put(1, 1, BLOC_COMMITTEE, bold=True, center=True, span=2)
        g.put(1, 4, PARTY, bold=True, center=True, span=2)
        r = 2
    positions = []
    for title, rows in tables:
        r += 1
        g.put(r, 1, title, bold=True, center=True, span=5)
        r += 2 if letterhead else 1
        head = r
        for c, text in enumerate(("STT", "Tên tổ chức cơ sở đảng", "Năm", "Xếp loại", "Ghi chú"), start=1):
            g.put(r, c, text, bold=True, center=True)
        for i, (unit, year, category, note) in enumerate(rows, start=1):
            r += 1
            positions.append(r)
            g.put(r, 1, i, center=True)
            g.put(r, 2, unit)
            g.put(r, 3, year, center=True)
            g.put(r, 4, category)
            if note:
                g.put(r, 5, note)
        g.boxed.append((head, 1, r, 5))
        r += 2
    return g, {"rows": positions, "columns": {"name": "B", "year": "C", "category": "D"}}
