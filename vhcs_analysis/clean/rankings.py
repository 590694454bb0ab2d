"""Annual rankings of base party organisations -> rankings records (one per unit row).

The year comes from a "Năm" column or from the title/sheet name ("… năm 2017"); the
category as written (repaired to NFC) is classified by ``ranking.classify_category``
into (scheme, level) on one 1 (best) … 4 (worst) scale.
"""

from __future__ import annotations

from vhcs_analysis.clean.core import Context, Record, find_year, parse_field, raw_text, resolve_unit
from vhcs_analysis.clean.rows import data_rows, walk_records
from vhcs_analysis.io.locate import Grid, col_letter, is_blank
from vhcs_analysis.io.recognise import Table, title_texts
from vhcs_analysis.ranking import UnknownCategoryError, classify_category


def read_rankings(grid: Grid, table: Table, ctx: Context) -> list[Record]:
    title = title_texts(grid, table)
    year, yr, yc, yraw = find_year(title, grid.name)
    if year is None:  # "Xếp loại năm 2017" as the category header
        year = find_year([(table.header_top, cols_c, table.headers.get(cols_c, ""))
                          for cols_c in [table.columns["category"]]], "")[0]
    cols = table.columns
    name_col = cols["unit_name"]
    value_cols = [cols["category"]] + ([cols["year"]] if "year" in cols else [])
    records = []
    for row in data_rows(walk_records(grid, table, value_cols=value_cols)):
        r, name, unknown = row.index, row.key, row.unknown
        cat_raw = grid.values[r][cols["category"]]
        year_raw = grid.values[r][cols["year"]] if "year" in cols else None
        rec = Record("rankings", ctx.source_file, grid.name, r + 1)
        resolve_unit(rec, ctx, name or None, r, name_col)
        for c in sorted(unknown):
            rec.problem("unknown_label", f"cột '{table.unknown_columns[c]}' không có trong bảng nhãn xếp loại "
                        "(maps/table_headers.csv)", row=r + 1, column=col_letter(c), value=table.unknown_columns[c])
        row_year = None
        if "year" in cols and not is_blank(year_raw):
            row_year = parse_field(rec, "year", "Int64", year_raw, r, cols["year"])
        if row_year is None and not ("year" in cols and not is_blank(year_raw)):
            row_year = year
            if year is None:
                rec.cells["year"] = (r + 1, None, None)
                rec.problem("invalid_period", "không xác định được năm xếp loại (cột Năm, tiêu đề hoặc tên trang)",
                            "year")
        if row_year is not None and not (1990 <= row_year <= 2100):
            rec.problem("invalid_period", f"năm xếp loại {row_year} không hợp lệ", "year")
        rec.data["year"] = row_year
        rec.cells["category"] = (r + 1, col_letter(cols["category"]), raw_text(cat_raw))
        category = raw_text(cat_raw)
        rec.data["category"] = category
        if not rec.problems:
            if category is None:
                rec.problem("missing_required", "thiếu xếp loại", "category")
            else:
                try:
                    scheme, level, _ = classify_category(category, row_year)
                    rec.data.update(scheme=scheme, level=level)
                except UnknownCategoryError as exc:
                    rec.problem("unknown_category", exc.message_vi, "category")
        records.append(rec)
    return records
