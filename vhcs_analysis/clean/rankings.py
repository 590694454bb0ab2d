"""Annual rankings of base party organisations -> rankings records (one per unit row).

The year comes from a "Năm" column or from the title/sheet name ("… năm 2017"); the
category as written (repaired to NFC) is classified by ``ranking.classify_category``
into (scheme, level) on one 1 (best) … 4 (worst) scale.
"""

from __future__ import annotations

from vhcs_analysis import columnar
from vhcs_analysis.clean.batch import RecordBatch, parse_fields, resolve_units, unknown_labels
from vhcs_analysis.clean.core import Context, find_year, raw_text
from vhcs_analysis.clean.rows import record_rows
from vhcs_analysis.io.locate import Grid, is_blank
from vhcs_analysis.io.recognise import Table, title_texts
from vhcs_analysis.ranking import UnknownCategoryError, classify_category


def read_rankings(grid: Grid, table: Table, ctx: Context) -> RecordBatch:
    """A rankings sheet: one record per unit row, read column by column (each record's
    problems come in the same order as row by row)."""
    title = title_texts(grid, table)
    year, yr, yc, yraw = find_year(title, grid.name)
    if year is None:  # "Xếp loại năm 2017" as the category header
        year = find_year([(table.header_top, cols_c, table.headers.get(cols_c, ""))
                          for cols_c in [table.columns["category"]]], "")[0]
    cols = table.columns
    name_col = cols["unit_name"]
    value_cols = [cols["category"]] + ([cols["year"]] if "year" in cols else [])
    qd132_from_year = int(ctx.settings.ranking.qd132_from_year)
    rows = record_rows(grid, table, value_cols=value_cols)
    index = rows.index
    n = len(rows)
    batch = RecordBatch.of_rows("rankings", ctx.source_file, grid, index)
    resolve_units(batch, ctx, [name or None for name in rows.names], name_col)
    unknown_labels(batch, rows.unknown, table.unknown_columns,
                   "xếp loại (maps/table_headers.csv)")
    # the year: a "Năm" column where it is filled, else the title's (no cell when there is none)
    no_year = ("row", None) if year is None else None
    years: list = [year] * n
    filled: set[int] = set()
    if "year" in cols:
        c = cols["year"]
        raws = [grid.values[r][c] for r in index]
        only = [i for i, v in enumerate(raws) if not is_blank(v)]
        parsed = parse_fields(batch, "year", "Int64", c, [raws[i] for i in only], only=only)
        for i, p in zip(only, parsed):
            years[i] = p
        filled = set(only)
        batch.cells["year"] = ("column_else", (c, no_year))
    elif no_year is not None:
        batch.cells["year"] = no_year
    for i, row_year in enumerate(years):
        if year is None and i not in filled:
            batch.problem(i, "invalid_period", "không xác định được năm xếp loại (cột Năm, tiêu đề hoặc tên trang)",
                          "year")
        if row_year is not None and not (1990 <= row_year <= 2100):
            batch.problem(i, "invalid_period", f"năm xếp loại {row_year} không hợp lệ", "year")
    batch.data["year"] = years
    c = cols["category"]
    batch.cells["category"] = ("column", c)
    categories = columnar.raw_texts([grid.values[r][c] for r in index], raw_text)
    batch.data["category"] = categories
    schemes: list = [None] * n
    levels: list = [None] * n
    for i in batch.kept():
        category = categories[i]
        if category is None:
            batch.problem(i, "missing_required", "thiếu xếp loại", "category")
            continue
        try:
            schemes[i], levels[i], _ = classify_category(category, years[i], qd132_from_year)
        except UnknownCategoryError as exc:
            batch.problem(i, "unknown_category", exc.message_vi, "category")
    batch.data.update(scheme=schemes, level=levels)
    return batch
