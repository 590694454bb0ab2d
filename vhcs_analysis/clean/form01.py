"""Form 01-VHCS (unit periodic report) -> unit_reports records.

Two layouts: the per-unit form (one report per table; the accounting unit is the report)
and the consolidated sheet (one unit per row). Labels are matched through
``maps/form01_labels.csv``; the form version is '2018' when a field only the 2018 form
has (satisfaction_rate, staff_rated_good) is among the labels, else '2017'.
"""

from __future__ import annotations

import re
from functools import partial
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

from vhcs_analysis import parse, tables
from vhcs_analysis.periods import Period
from vhcs_analysis.clean.batch import RecordBatch, flagged_indices, numbers, parse_fields, resolve_units, unknown_labels
from vhcs_analysis.clean.core import (
    Context,
    Record,
    as_date,
    find_period,
    find_report_date,
    parse_field,
    raw_text,
    resolve_unit,
)
from vhcs_analysis.clean.fieldchecks import check_bounds, check_negative
from vhcs_analysis.clean.rows import data_rows, record_rows, value_rows, walk_indicators
from vhcs_analysis.io.locate import Grid, col_letter, fold, is_blank, label_key
from vhcs_analysis.io.recognise import Table, footer_texts, form01_labels, title_texts

DTYPES = {c.name: c.dtype for c in tables.FORM01_FIELDS}


def match_label(text: str, *, accept: float, margin: float) -> tuple[str | None, float | None]:
    """(field, fuzzy score or None) for an indicator label as written. A label not in the
    map is taken when at least ``accept`` (0–100) close to one known label and ``margin``
    closer to it than to any label of another field: ``[cleaning] label_fuzzy_accept`` and
    ``label_fuzzy_margin``."""
    labels = form01_labels()
    key = label_key(text)
    if not key:
        return None, None
    if key in labels.by_key:
        return labels.by_key[key], None
    keys = list(labels.by_key)
    hits = process.extract(key, keys, scorer=fuzz.ratio, limit=8)
    if not hits or hits[0][1] < accept:
        return None, None
    best_field = labels.by_key[hits[0][0]]
    others = [s for k, s, _ in hits if labels.by_key[k] != best_field]
    if others and hits[0][1] - max(others) < margin:
        return None, None
    return best_field, round(float(hits[0][1]), 1)


# --- per-unit form ----------------------------------------------------------------------

_UNIT_LINE = ("don vi bao cao", "ten don vi", "don vi", "co quan", "to chuc co so dang")
_PARTY_PREFIX = ("dang bo ", "chi bo ", "dang uy ")


def _unit_name_candidates(grid: Grid, table: Table) -> list[tuple[int, int, str]]:
    """Where the reporting unit is named: "Đơn vị: …" lines first, then letterhead lines
    "ĐẢNG BỘ SỞ …" / "CHI BỘ …" (the bloc's own line "Đảng bộ Khối …" excluded)."""
    explicit, letterhead = [], []
    for r, c, t in title_texts(grid, table):
        key = fold(t)
        for prefix in _UNIT_LINE:
            if key.startswith(prefix) and (":" in t or key == prefix):
                value = t.split(":", 1)[1].strip() if ":" in t else ""
                if not value:
                    for cc in range(c + 1, grid.n_cols):
                        if grid.text(r, cc):
                            value, c = grid.text(r, cc), cc
                            break
                if value:
                    explicit.append((r, c, value))
                break
        else:
            if key.startswith(_PARTY_PREFIX) and "khoi" not in key.split()[:4] and "cong san" not in key:
                letterhead.append((r, c, t))
    return explicit + letterhead[::-1]


def read_unit_form(grid: Grid, table: Table, ctx: Context) -> RecordBatch:
    """One per-unit Form 01 table -> a batch of one record; its row (source_row, and the
    row of a ``superseded`` reject) is the first indicator row, the header row when there
    is none. The record is built cell by cell (its cells are scattered over the table)."""
    rec = Record("unit_reports", ctx.source_file, grid.name, table.header_top + 1)
    rec.data["layout"] = "unit_form"
    title = title_texts(grid, table)
    footer = footer_texts(grid, table)
    header_cell = (table.header_top, table.columns.get("label", 0))

    period, pr, pc, praw = find_period(title, grid.name, grid)
    if period is None:
        r0, c0 = (pr, pc) if pr is not None else header_cell
        rec.cells["period"] = (r0 + 1, col_letter(c0), praw)
        rec.problem("invalid_period", "không xác định được kỳ báo cáo (cần dòng "
                    f"'Kỳ báo cáo: {Period(2017, 'H', 1).form_words}')", "period")
    rec.data["period"] = period

    candidates = _unit_name_candidates(grid, table)
    if not candidates:
        # no "Đơn vị:" line and no party letterhead: a title line that is a unit's name
        # exactly (official, normalised or alias; never fuzzy)
        for r, c, t in title_texts(grid, table):
            if ctx.registry.resolve(t).method in ("exact", "normalised", "alias"):
                candidates = [(r, c, t)]
                break
    if not candidates:
        rec.cells["unit_name"] = (table.header_top + 1, None, None)
        rec.problem("missing_required", "không tìm thấy tên đơn vị báo cáo (dòng 'Đơn vị: …' hoặc tên đảng bộ, chi bộ)",
                    "unit_name")
    else:
        chosen = candidates[0]
        for cand in candidates:
            if ctx.registry.resolve(cand[2]).ok:
                chosen = cand
                break
        resolve_unit(rec, ctx, chosen[2], chosen[0], chosen[1])

    date, dr, dc, draw, derr = find_report_date(title, footer, grid)
    if derr is not None:
        rec.cells["report_date"] = (dr + 1, col_letter(dc), draw)
        rec.problem(derr.reason_code, derr.message, "report_date")
    rec.data["report_date"] = date

    label_col = table.columns["label"]
    value_col = table.columns["value"]
    matched: set[str] = set()
    cleaning = ctx.settings.cleaning
    match = partial(match_label, accept=float(cleaning.label_fuzzy_accept), margin=float(cleaning.label_fuzzy_margin))
    rows = list(walk_indicators(grid, table, match=match))
    for row in data_rows(rows):
        r, label, fld = row.index, row.key, row.indicator
        value = grid.values[r][value_col] if value_col < len(grid.values[r]) else None
        if fld is None:  # a value without a known label
            rec.cells.setdefault("_unknown", (r + 1, col_letter(label_col), label or None))
            rec.problem("unknown_label", f"chỉ tiêu '{label}' không có trong bảng nhãn Biểu 01-VHCS "
                        "(maps/form01_labels.csv); số liệu của dòng này không đọc được" if label else
                        "dòng có số liệu nhưng không có tên chỉ tiêu", row=r + 1, column=col_letter(label_col),
                        value=label or raw_text(value))
            continue
        if not matched:
            rec.row = r + 1  # source_row of a per-unit report: its first indicator row
        matched.add(fld)
        parse_field(rec, fld, DTYPES[fld], value, r, value_col, rate=fld == "satisfaction_rate")
        if row.score is not None:
            rec.finding("fuzzy_match", f"chỉ tiêu '{label}' được nhận là {fld} (độ giống {row.score}/100)", fld,
                        value=label)
    for c, header in sorted(table.unknown_columns.items()):
        for row in value_rows(rows):
            if not is_blank(grid.values[row.index][c]):
                rec.problem("unknown_label", f"cột '{header}' không có trong bảng nhãn biểu từng đơn vị "
                            "(maps/table_headers.csv); số liệu của cột này không đọc được",
                            row=row.index + 1, column=col_letter(c), value=header)
                break
    rec.data["form_version"] = form01_labels().version_for(matched)
    if "staff_total" not in matched:
        rec.cells.setdefault("staff_total", (table.header_top + 1, col_letter(value_col), None))
    batch = RecordBatch.from_record(rec)
    check_unit_reports(batch, ctx)
    return batch


# --- consolidated sheet -----------------------------------------------------------------


def read_consolidated(grid: Grid, table: Table, ctx: Context) -> RecordBatch:
    """A consolidated sheet: one record per unit row, read column by column (each record's
    problems and findings come in the same order as row by row)."""
    title = title_texts(grid, table)
    footer = footer_texts(grid, table)
    period, pr, pc, praw = find_period(title, grid.name, grid)
    date, _, _, _, _ = find_report_date(title, footer, grid)
    fields = [f for f in table.columns if f in DTYPES]
    version = form01_labels().version_for(fields)
    name_col = table.columns["unit_name"]
    # a numbered line without data is a unit row only when it names a unit (else a note)
    rows = record_rows(grid, table, value_cols=[table.columns[f] for f in fields],
                       known_unit=lambda name: ctx.registry.resolve(name).ok)
    index = rows.index
    n = len(rows)
    batch = RecordBatch.of_rows("unit_reports", ctx.source_file, grid, index)
    batch.data.update(layout=["consolidated"] * n, form_version=[version] * n, period=[period] * n,
                      report_date=[date] * n)
    # the period: a "Kỳ báo cáo" column, else the title's (its line, else the name column's header)
    r0, c0 = (pr, pc) if pr is not None else (table.header_top, name_col)
    title_cell = ("fixed", (r0 + 1, col_letter(c0), praw)) if period is None else None
    missing = "không xác định được kỳ báo cáo của bảng tổng hợp (tiêu đề hoặc tên trang)"
    if "period" in table.columns:
        pc_ = table.columns["period"]
        batch.cells["period"] = ("column_else", (pc_, title_cell))
        periods = batch.data["period"]
        for i, r in enumerate(index):
            cell = grid.values[r][pc_]
            if not is_blank(cell):
                try:
                    periods[i] = parse.parse_period(raw_text(cell))
                except parse.ParseError as exc:
                    periods[i] = None
                    batch.problem(i, "invalid_period", exc.message, "period")
            elif period is None:
                batch.problem(i, "invalid_period", missing, "period")
    elif period is None:
        assert title_cell is not None, "made above whenever the period is not in a column"
        batch.cells["period"] = title_cell
        for i in range(n):
            batch.problem(i, "invalid_period", missing, "period")
    resolve_units(batch, ctx, [name or None for name in rows.names], name_col)
    if "report_date" in table.columns:
        c = table.columns["report_date"]
        parse_fields(batch, "report_date", "datetime64[ms]", c, [grid.values[r][c] for r in index])
        batch.data["report_date"] = [date if d is None else d for d in batch.data["report_date"]]
    unknown_labels(batch, rows.unknown, table.unknown_columns,
                   "Biểu 01-VHCS (maps/form01_labels.csv)")
    cells = [grid.values[r] for r in index]
    for f in fields:
        c = table.columns[f]
        parse_fields(batch, f, DTYPES[f], c, list(map(itemgetter(c), cells)), rate=f == "satisfaction_rate")
    if "staff_total" not in table.columns:
        batch.cells["staff_total"] = ("row", None)
    check_unit_reports(batch, ctx)
    return batch


# --- checks of the impossible values (docs/domain.md) -------------------------------------------

# field -> its Vietnamese name for messages ("Số đảng viên"), from tables.py
FIELD_VI = {c.name: c.message_vi for c in tables.FORM01_FIELDS}

# A count typed in another shape, read only where the report itself pins the count down:
# personal plans as a share of the staff ("85%"), departments with a plan as "5/7".
_PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
_FRACTION = re.compile(r"^(\d+)\s*/\s*(\d+)$")


def count_from_percent(text: str, staff: float) -> int | None:
    """The whole count a percentage of ``staff`` stands for, or None when it does not pin
    one down: the whole number nearest to percent × staff (so within 0,5 of it), taken only
    when no other whole count gives the same percentage at the precision typed ("85%" of 40
    → 34; "85%" of 200 → None: 169 and 171 are 84,5% and 85,5%, which also read "85%")."""
    match = _PERCENT.match(text.strip())
    if match is None or not staff > 0:
        return None
    digits = match.group(1).replace(",", ".")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    percent = float(digits)
    product = percent * staff / 100
    count = round(product)
    if count > staff:
        return None
    half = 0.5 * 10 ** -decimals  # the typed percentage stands for anything within half its last digit
    same = [k for k in range(max(0, count - 2), min(int(staff), count + 2) + 1)
            if abs(k / staff * 100 - percent) <= half + 1e-9]
    return count if same == [count] else None


def _reread_other_shapes(batch: RecordBatch, staff: np.ndarray) -> None:
    """The personal-plan and department cells the number parser refused (``invalid_number``)
    because they hold a percentage or a fraction: read with a finding where the report's
    own totals pin the count down, else rejected naming both values (the parse problem is
    replaced where it stood, so the record's problems keep their order)."""
    d = batch.data
    if "staff_personal_plan" not in d and "departments_with_plan" not in d:
        return
    for i in list(batch.problems):
        for fld, shape in (("staff_personal_plan", _PERCENT), ("departments_with_plan", _FRACTION)):
            cell = batch.cell(i, fld) if fld in d else None
            match = shape.match(cell[2].strip()) if cell is not None and cell[2] else None
            problems = batch.problems.get(i, [])
            at = [k for k, p in enumerate(problems) if p.code == "invalid_number" and (p.row, p.column) == cell[:2]] \
                if match and cell is not None else []
            if not at:
                continue
            assert match is not None and cell is not None and cell[2] is not None, "a match needs the cell's text"
            k, text = at[0], cell[2].strip()
            if fld == "staff_personal_plan":
                count = count_from_percent(text, staff[i])
                if count is None:
                    why = ("không có tổng số cán bộ để quy ra số người" if not staff[i] > 0 else
                           f"{text} của {int(staff[i])} cán bộ không ứng với đúng một số người")
                    problems[k].code, problems[k].message = "percent_not_count", (
                        f"'{FIELD_VI[fld]}' ghi tỷ lệ {text} thay vì số người; {why}: hãy ghi số người")
                    continue
                finding = (f"'{FIELD_VI[fld]}' ghi {text}: đã quy ra {count} người theo tổng số cán bộ "
                           f"({int(staff[i])})")
            else:
                count, den = int(match.group(1)), int(match.group(2))
                totals = d.setdefault("departments_total", [None] * len(batch))
                if totals[i] is None and not batch.has_problem_at(i, "departments_total"):
                    totals[i] = den
                elif totals[i] != den:
                    shown = totals[i] if totals[i] is not None else batch.at(i, "departments_total")[2]
                    problems[k].code, problems[k].message = "fraction_total_mismatch", (
                        f"'{FIELD_VI[fld]}' ghi {text} nhưng '{FIELD_VI['departments_total']}' là {shown}: "
                        "hãy ghi số phòng, ban đã có kế hoạch và tổng số phòng, ban cho khớp nhau")
                    continue
                finding = f"'{FIELD_VI[fld]}' ghi {text}: đã đọc là {count} trên tổng số {den} phòng, ban"
            del problems[k]
            if not problems:
                del batch.problems[i]
            d[fld][i] = count
            batch.finding(i, "count_from_other_shape", finding, fld)


def check_unit_reports(batch: RecordBatch, ctx: Context) -> None:
    """Reject impossible Form 01 values, each check over all records at once (numpy masks;
    a missing value is NaN and fails no comparison); the ranges and their messages are the
    fields' own (``tables.Column.bounds``, ``clean.fieldchecks``). Every failing check is recorded
    (``vhcs validate`` lists them all), check by check, so each record's problems come in
    the order of the checks; the first problem of a record is its reject reason."""
    d = batch.data
    staff_values = batch.column("staff_total")
    staff = numbers(staff_values)
    for i in flagged_indices(np.isnan(staff)):
        if not batch.has_problem_at(i, "staff_total"):
            batch.problem(i, "missing_required", "thiếu Tổng số cán bộ, công chức, viên chức, người lao động",
                          "staff_total")
    check_negative(batch, tables.FORM01_FIELDS)  # counts ≥ 0
    check_bounds(batch, tables.FORM01_FIELDS)  # staff > 0, satisfaction 0–100
    _reread_other_shapes(batch, staff)
    positive = staff > 0
    for fld, total in tables.AT_MOST.items():
        if fld not in d:
            continue
        values, totals = d[fld], batch.column(total)
        within = positive if total == "staff_total" else numbers(totals) >= 0
        for i in flagged_indices(within & (numbers(values) > numbers(totals))):
            if fld == "staff_studied":
                batch.problem(i, "studied_gt_staff", f"số đã học tập ({values[i]}) lớn hơn tổng số cán bộ "
                              f"({staff_values[i]})", fld)
            elif total == "staff_total":
                batch.problem(i, "count_gt_staff", f"'{FIELD_VI.get(fld, fld)}' ({values[i]}) lớn hơn tổng số "
                              f"cán bộ ({staff_values[i]})", fld)
            else:
                batch.problem(i, "count_gt_total", f"'{FIELD_VI.get(fld, fld)}' ({values[i]}) lớn hơn "
                              f"'{FIELD_VI.get(total, total)}' ({totals[i]})", fld)
    if "dossiers_received" in d and "dossiers_on_time" in d:
        received, on_time = d["dossiers_received"], d["dossiers_on_time"]
        for i in flagged_indices(numbers(on_time) > numbers(received)):
            batch.problem(i, "dossiers_inconsistent", f"số hồ sơ giải quyết đúng hạn ({on_time[i]}) lớn hơn số hồ sơ "
                          f"tiếp nhận ({received[i]})", "dossiers_on_time")
    resolution = ctx.resolution_date
    for i, date in enumerate(batch.column("action_programme_date")):
        if date is not None and as_date(date) < resolution:
            batch.problem(i, "date_before_resolution",
                          f"ngày ban hành chương trình hành động ({as_date(date):%d/%m/%Y}) "
                          f"trước ngày ban hành Nghị quyết ({resolution:%d/%m/%Y})", "action_programme_date")
