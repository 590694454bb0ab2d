"""Form 02-VHCS (inspection round) -> inspections records, one per inspected unit row.

The round ("Đợt 1 năm 2017" -> '2017-1') comes from the title or the sheet name. Scores:
criteria 0–10, total 0–100 (else ``score_out_of_range``). A stated total that differs from
the sum of the criteria by more than ``[inspection] total_tolerance`` is a finding
(``total_mismatch``): the row is kept with the total as stated and ``criteria_sum``
computed. A stated rating that disagrees with the thresholds is a finding
(``rating_mismatch``). The notes column (Ghi chú) is never read: it may hold names.
"""

from __future__ import annotations

from vhcs_analysis import tables
from vhcs_analysis.clean.core import Context, Record, find_round, parse_fields, raw_text, resolve_unit
from vhcs_analysis.clean.rows import data_rows, walk_records
from vhcs_analysis.io.locate import Grid, col_letter, fold, is_blank
from vhcs_analysis.io.recognise import Table, title_texts

CRITERIA = tables.CRITERIA
_KINDS = {"kiem tra": "Kiểm tra", "kt": "Kiểm tra", "giam sat": "Giám sát", "gs": "Giám sát"}
_NOT_READ = {"stt", "unit_name", "note"}


def ratings_by_threshold(thresholds: dict[str, float]) -> list[tuple[str, float]]:
    """``[inspection] rating_thresholds`` as (rating, lowest total), highest threshold first."""
    return sorted(((name, float(v)) for name, v in thresholds.items()), key=lambda kv: -kv[1])


def expected_rating(total: float, ratings: list[tuple[str, float]]) -> str:
    """The rating a total (0–100) earns under ``ratings`` (``ratings_by_threshold``)."""
    for name, low in ratings:
        if total >= low:
            return name
    return ratings[-1][0]


def read_form02(grid: Grid, table: Table, ctx: Context) -> list[Record]:
    title = title_texts(grid, table)
    round_id, rr, rc, rraw = find_round(title, grid.name)
    name_col = table.columns["unit_name"]
    value_fields = [f for f in table.columns if f not in _NOT_READ]
    tolerance = float(ctx.settings.inspection.total_tolerance)
    thresholds = ratings_by_threshold(ctx.settings.inspection.rating_thresholds)
    ratings = {fold(name): name for name, _ in thresholds}
    rows = list(data_rows(walk_records(grid, table, value_cols=[table.columns[f] for f in value_fields])))
    # one record per unit row; the steps run column by column over all records (each
    # record's cells, problems and findings come in the same order as row by row)
    records = []
    for row in rows:
        r, name, unknown = row.index, row.key, row.unknown
        rec = Record("inspections", ctx.source_file, grid.name, r + 1)
        rec.data["round_id"] = round_id
        if round_id is None:
            r0, c0 = (rr, rc) if rr is not None else (table.header_top, name_col)
            rec.cells["round_id"] = (r0 + 1, col_letter(c0), rraw)
            rec.problem("invalid_period", "không xác định được đợt kiểm tra (cần 'Đợt 1 năm 2017' ở tiêu đề "
                        "hoặc tên trang)", "round_id")
        resolve_unit(rec, ctx, name or None, r, name_col)
        for c in sorted(unknown):
            rec.problem("unknown_label", f"cột '{table.unknown_columns[c]}' không có trong bảng nhãn Biểu 02-VHCS "
                        "(maps/form02_labels.csv)", row=r + 1, column=col_letter(c), value=table.unknown_columns[c])
        records.append(rec)
    _read_values(records, [row.index for row in rows], grid, table)
    for rec in records:
        _check(rec, tolerance, ratings, thresholds)
    return records


def _read_values(records: list[Record], rows: list[int], grid: Grid, table: Table) -> None:
    """The scores, count, date, kind and rating of every record, column by column."""
    cols = table.columns

    def column(fld: str, dtype: str) -> None:
        c = cols[fld]
        parse_fields(records, rows, fld, dtype, [grid.values[r][c] for r in rows], c)

    for c in CRITERIA + ("total_score",):
        if c in cols:
            column(c, "Float64")
    if "violations_found" in cols:
        column("violations_found", "Int64")
    if "inspection_date" in cols:
        column("inspection_date", "datetime64[ms]")
    else:
        for rec in records:
            rec.data["inspection_date"] = None
    for rec, r in zip(records, rows):
        kind_raw = grid.values[r][cols["kind"]] if "kind" in cols else None
        if "kind" in cols:
            rec.cells["kind"] = (r + 1, col_letter(cols["kind"]), raw_text(kind_raw))
        kind = _KINDS.get(fold(kind_raw)) if not is_blank(kind_raw) else None
        if kind is None and not is_blank(kind_raw):
            rec.problem("out_of_range", f"hình thức '{raw_text(kind_raw)}' phải là 'Kiểm tra' hoặc 'Giám sát'", "kind")
        rec.data["kind"] = kind
        rating_raw = grid.values[r][cols["rating"]] if "rating" in cols else None
        if "rating" in cols:
            rec.cells["rating"] = (r + 1, col_letter(cols["rating"]), raw_text(rating_raw))
        rec.data["rating"] = raw_text(rating_raw)


def _check(rec: Record, tolerance: float, ratings: dict[str, str], thresholds: list[tuple[str, float]]) -> None:
    d = rec.data
    if d.get("inspection_date") is None and "inspection_date" not in _bad_fields(rec):
        rec.problem("missing_required", "thiếu ngày kiểm tra", "inspection_date")
    if d.get("kind") is None and "kind" not in _bad_fields(rec):
        rec.problem("missing_required", "thiếu hình thức (Kiểm tra / Giám sát)", "kind")
    for c in CRITERIA:
        v = d.get(c)
        if v is not None and not (0 <= v <= 10):
            rec.problem("score_out_of_range", f"điểm tiêu chí {c} = {_num(v)} nằm ngoài 0–10", c)
    total = d.get("total_score")
    if total is not None and not (0 <= total <= 100):
        rec.problem("score_out_of_range", f"tổng điểm {_num(total)} nằm ngoài 0–100", "total_score")
    v = d.get("violations_found")
    if v is not None and v < 0:
        rec.problem("negative_count", f"số vi phạm âm ({v})", "violations_found")
    if rec.problems:
        return
    present = [d[c] for c in CRITERIA if d.get(c) is not None]
    d["criteria_sum"] = float(sum(present)) if present else None
    if total is not None and len(present) == len(CRITERIA) and abs(total - d["criteria_sum"]) > tolerance:
        rec.finding("total_mismatch", f"tổng điểm ghi {_num(total)} khác tổng các tiêu chí {_num(d['criteria_sum'])}; "
                    "giữ tổng điểm như ghi", "total_score")
    if d.get("rating"):
        canonical = ratings.get(fold(d["rating"]))
        if canonical is not None:
            d["rating"] = canonical
        basis = total if total is not None else d["criteria_sum"]
        expected = expected_rating(basis, thresholds) if basis is not None else None
        if expected is not None and canonical != expected:
            rec.finding("rating_mismatch", f"xếp loại ghi '{d['rating']}' khác xếp loại theo tổng điểm "
                        f"{_num(basis)}: '{expected}'", "rating")


def _bad_fields(rec: Record) -> set[str]:
    where = {(p.row, p.column) for p in rec.problems}
    return {f for f, (r, c, _) in rec.cells.items() if (r, c) in where}


def _num(v: float) -> str:
    return (str(int(v)) if float(v).is_integer() else f"{v:g}").replace(".", ",")
