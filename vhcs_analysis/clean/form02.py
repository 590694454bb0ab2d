"""Form 02-VHCS (inspection round) -> inspections records, one per inspected unit row.

The round ("Đợt 1 năm 2017" -> '2017-1') comes from the title or the sheet name. Scores:
criteria 0–10, total 0–100 (else ``score_out_of_range``). A stated total that differs from
the sum of the criteria by more than ``[inspection] total_tolerance`` is a finding
(``total_mismatch``): the row is kept with the total as stated and ``criteria_sum``
computed. A stated rating that disagrees with the thresholds is a finding
(``rating_mismatch``). The notes column (Ghi chú) is never read: it may hold names.
"""

from __future__ import annotations

from operator import itemgetter

from vhcs_analysis import columnar, tables
from vhcs_analysis.clean.batch import RecordBatch, parse_fields, resolve_units, unknown_labels
from vhcs_analysis.clean.core import Context, find_round, raw_text
from vhcs_analysis.clean.fieldchecks import allowed_choices, check_bounds, check_negative, missing_message
from vhcs_analysis.clean.rows import record_rows
from vhcs_analysis.io.locate import Grid, col_letter, fold, is_blank
from vhcs_analysis.io.recognise import Table, title_texts

CRITERIA = tables.CRITERIA
_KIND = tables.column("inspections", "kind")
_KINDS = allowed_choices(_KIND)  # "kiem tra", "kt" -> "Kiểm tra"; "giam sat", "gs" -> "Giám sát"
# the scores and the count whose ranges the fields give (tables.Column.bounds), in the order checked
_SCORES = tuple(tables.column("inspections", c) for c in (*CRITERIA, "total_score"))
_COUNTS = (tables.column("inspections", "violations_found"),)
_NOT_READ = {"stt", "unit_name", "note"}
_num = tables.number_text  # a score in a message: "12", "10,5"


def read_form02(grid: Grid, table: Table, ctx: Context) -> RecordBatch:
    """A Form 02 sheet: one record per inspected unit row, read column by column (each
    record's problems and findings come in the same order as row by row)."""
    title = title_texts(grid, table)
    round_id, rr, rc, rraw = find_round(title, grid.name)
    name_col = table.columns["unit_name"]
    value_fields = [f for f in table.columns if f not in _NOT_READ]
    tolerance = float(ctx.settings.inspection.total_tolerance)
    thresholds = tables.ratings_best_first(ctx.settings.inspection.rating_thresholds)
    ratings = {fold(name): name for name, _ in thresholds}
    rows = record_rows(grid, table, value_cols=[table.columns[f] for f in value_fields])
    index = rows.index
    n = len(rows)
    batch = RecordBatch.of_rows("inspections", ctx.source_file, grid, index)
    batch.data["round_id"] = [round_id] * n
    if round_id is None:
        r0, c0 = (rr, rc) if rr is not None else (table.header_top, name_col)
        batch.cells["round_id"] = ("fixed", (r0 + 1, col_letter(c0), rraw))
        for i in range(n):
            batch.problem(i, "invalid_period", "không xác định được đợt kiểm tra (cần 'Đợt 1 năm 2017' ở tiêu đề "
                          "hoặc tên trang)", "round_id")
    resolve_units(batch, ctx, [name or None for name in rows.names], name_col)
    unknown_labels(batch, rows.unknown, table.unknown_columns,
                   "Biểu 02-VHCS (maps/form02_labels.csv)")
    _read_values(batch, index, grid, table)
    _check(batch, tolerance, ratings, thresholds)
    return batch


def _read_values(batch: RecordBatch, rows: list[int], grid: Grid, table: Table) -> None:
    """The scores, count, date, kind and rating of every record, column by column."""
    cols = table.columns
    cells = [grid.values[r] for r in rows]

    def column(fld: str, dtype: str) -> None:
        c = cols[fld]
        parse_fields(batch, fld, dtype, c, list(map(itemgetter(c), cells)))

    for c in CRITERIA + ("total_score",):
        if c in cols:
            column(c, "Float64")
    if "violations_found" in cols:
        column("violations_found", "Int64")
    if "inspection_date" in cols:
        column("inspection_date", "datetime64[ms]")
    else:
        batch.data["inspection_date"] = [None] * len(rows)
    if "kind" in cols:
        kind_col = cols["kind"]
        batch.cells["kind"] = ("column", kind_col)
        kinds = []
        for i, r in enumerate(rows):
            kind_raw = grid.values[r][kind_col]
            kind = _KINDS.get(fold(kind_raw)) if not is_blank(kind_raw) else None
            if kind is None and not is_blank(kind_raw):
                batch.problem(i, _KIND.range_code, _KIND.range_message(raw_text(kind_raw)), "kind")
            kinds.append(kind)
        batch.data["kind"] = kinds
    else:
        batch.data["kind"] = [None] * len(rows)
    if "rating" in cols:
        rating_col = cols["rating"]
        batch.cells["rating"] = ("column", rating_col)
        batch.data["rating"] = columnar.raw_texts([grid.values[r][rating_col] for r in rows], raw_text)
    else:
        batch.data["rating"] = [None] * len(rows)


def _check(batch: RecordBatch, tolerance: float, ratings: dict[str, str], thresholds: list[tuple[str, float]]) -> None:
    """The impossible values (each check over all records at once, so each record's
    problems come in the order of the checks), then, for the records without problems,
    the sum of the criteria and the total and rating findings."""
    d = batch.data
    for fld, message in (("inspection_date", "thiếu ngày kiểm tra"), ("kind", missing_message(_KIND, "hình thức"))):
        for i, v in enumerate(d[fld]):
            if v is None and not batch.has_problem_at(i, fld):
                batch.problem(i, "missing_required", message, fld)
    check_bounds(batch, _SCORES)  # criteria 0–10, total 0–100
    check_negative(batch, _COUNTS)
    totals = batch.column("total_score")
    criteria = [batch.column(c) for c in CRITERIA]
    sums: list = [None] * len(batch)
    for i in batch.kept():
        present = [column[i] for column in criteria if column[i] is not None]
        criteria_sum = sums[i] = float(sum(present)) if present else None
        total = totals[i]
        if total is not None and criteria_sum is not None and len(present) == len(CRITERIA) \
                and abs(total - criteria_sum) > tolerance:
            batch.finding(i, "total_mismatch", f"tổng điểm ghi {_num(total)} khác tổng các tiêu chí "
                          f"{_num(criteria_sum)}; giữ tổng điểm như ghi", "total_score")
        rating = d["rating"][i]
        if rating:
            canonical = ratings.get(fold(rating))
            if canonical is not None:
                d["rating"][i] = rating = canonical
            basis = total if total is not None else criteria_sum
            expected = None if basis is None else tables.rating_for(basis, thresholds)
            if basis is not None and expected is not None and canonical != expected:
                batch.finding(i, "rating_mismatch", f"xếp loại ghi '{rating}' khác xếp loại theo tổng điểm "
                              f"{_num(basis)}: '{expected}'", "rating")
    d["criteria_sum"] = sums

