"""Row features (io/locate.py) and the row walker's vectorised structural kinds
(clean/rows.structural_kinds): exactly what the per-row predicates decide."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_core import sample_grids
from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis.clean import rows as walker
from vhcs_analysis.clean.rows import _structural_kind, structural_kinds
from vhcs_analysis.io.files import Sheet
from vhcs_analysis.io.locate import (
    _COLNUM,
    Grid,
    cell_text,
    is_blank,
    is_blank_row,
    is_colnum_cell,
    is_signature_row,
    prepare,
)
from vhcs_analysis.io import recognise
from vhcs_analysis.io.recognise import (
    Table,
    _header_label_counts,
    _row_cells,
    _single_label_keys,
    find_tables,
    is_total_cell,
    label_key,
    total_cells,
)
from vhcs_analysis.text import guess_legacy, repair_rows, repair_text

_texts = st.sampled_from([
    "Tổng cộng", "TỔNG CỘNG", "Cộng", " Cộng ", "Tổng số", "Toàn khối", "Cộng toàn khối", "Tổng cộng toàn khối",
    "Tổng cộng (A+B)", "1. Tổng cộng", "Tæng céng", "Tổng", "Tông", "Tổng hợp", "Cộng sản", "(1)", "( 2 )", "(a)",
    "(10)", "3", "12", "123", "a", "B", "I.", "II", "A.", "Sở Nội vụ", "Sở Tài chính", "Người lập biểu",
    "Hà Tĩnh, ngày 15 tháng 6 năm 2017", "BÍ THƯ", "Ghi chú", "", " ", "  \t", "x", "-", "TRUE", "inf",
    "STT", "Tên đơn vị", "Chỉ tiêu", "Số liệu", "Xếp loại", "Tổng điểm", "Đơn vị tính", "Ngày kiểm tra",
])
_cell = st.one_of(
    st.none(), _texts, st.text(max_size=6), st.booleans(),
    st.integers(-3, 130), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.0, 2.0, 99.0, 100.0, 2.5, 1e16]),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2050, 1, 1)),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2050, 1, 1)),
    st.times(),
)
# column-number rows ("(1) (2) (3)", "1 2 3", with a gap or a blank) and total rows are rare by chance
_colnums = st.lists(st.one_of(st.sampled_from(["(1)", "(2)", "( 3 )", "(a)", "1", "2", "3", "b", None, "x y"]),
                              st.integers(0, 120)), min_size=2, max_size=5)
_totals = st.lists(st.one_of(st.sampled_from(["Tổng cộng", "Cộng", "I.", None, "Tổng số"]), _cell), max_size=5)
_rows = st.lists(st.one_of(st.lists(_cell, max_size=7), _colnums, _totals), min_size=1, max_size=25)


def _reference_features(grid: Grid):
    """Non-blank count, first and second non-blank column of each row, cell by cell."""
    out = []
    for row in grid.values:
        cols = [c for c, v in enumerate(row) if not is_blank(v)]
        out.append((len(cols), cols[0] if cols else -1, cols[1] if len(cols) > 1 else -1))
    return out


def _features(grid: Grid):
    f = grid.features()
    width = max(map(len, grid.values), default=0)
    assert f.cells.shape == (grid.n_rows, width)  # the blank mask: not is_blank, cell by cell
    assert f.cells.tolist() == [[c < len(row) and not is_blank(row[c]) for c in range(width)] for row in grid.values]
    return list(zip(f.nonblank.tolist(), f.first.tolist(), f.second.tolist()))


def _check_header_counts(grid: Grid) -> None:
    """``_header_label_counts`` (which rows ``find_tables`` scores) as ``_row_cells`` counts."""
    singles = _single_label_keys()
    rows = [r for r in range(grid.n_rows) if grid.nonblank_count(r)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(recognise, "HEADER_COUNT_MIN_ROWS", 0)  # counted however few the rows
        alone, stacked = _header_label_counts(grid, rows)
    for r in rows:
        assert alone[r] == sum(1 for t in _row_cells(grid, r) if t and label_key(t) in singles)
        if r > 0:
            assert stacked[r] == sum(1 for t in _row_cells(grid, r, stacked=True) if t and label_key(t) in singles)


def _check_structural(grid: Grid, table: Table) -> None:
    """The vectorised kinds (forced even for a few rows) and the default are the per-row ones."""
    rows = range(table.header_bottom + 1, table.data_end + 1)
    slow = {r: k for r in rows if (k := _structural_kind(grid, table, r)) is not None}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(walker, "VECTOR_MIN_ROWS", 0)
        assert structural_kinds(grid, table, rows) == slow
    assert structural_kinds(grid, table, rows) == slow


@settings(max_examples=300, deadline=None)
@given(_rows, st.booleans())
def test_row_features__same_as_cell_by_cell(rows, via_prepare):
    grid = prepare(Sheet("S", rows)) if via_prepare else Grid("S", False, rows, rows)  # ragged rows too
    assert _features(grid) == _reference_features(grid)
    for r in range(grid.n_rows):
        assert grid.nonblank_count(r) == _reference_features(grid)[r][0]


_merges = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 6), st.integers(0, 3), st.integers(0, 3)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(_rows, _merges)
def test_header_label_counts__same_as_the_row_texts(rows, merges):
    merged = [(r0, c0, r0 + dr, c0 + dc) for r0, c0, dr, dc in merges]
    _check_header_counts(prepare(Sheet("S", rows, merged=merged)))
    _check_header_counts(Grid("S", False, rows, rows))  # ragged rows


@settings(max_examples=300, deadline=None)
@given(_rows, st.lists(st.sampled_from(["stt", "unit_name", "label"]), unique=True), st.data())
def test_structural_kinds__same_as_the_per_row_tests(rows, fields, data):
    grid = prepare(Sheet("S", rows))
    columns = {f: data.draw(st.integers(0, max(grid.n_cols + 1, 1)), label=f) for f in fields}
    table = Table("form01_consolidated", 0, 0, columns, data_end=grid.n_rows - 1, footer_end=grid.n_rows - 1)
    _check_structural(grid, table)


@settings(max_examples=300, deadline=None)
@given(st.lists(_cell, max_size=30))
def test_cell_tests__same_as_the_text_tests(cells):
    assert total_cells(cells).tolist() == [is_total_cell(v) for v in cells]
    assert total_cells(cells).tolist() == [not is_blank(v) and is_total_cell(v) for v in cells]
    for v in cells:
        if not is_blank(v):
            assert is_colnum_cell(v) == bool(_COLNUM.match(cell_text(v)))


def test_structural_kinds__a_hand_made_table():
    rows = [
        ["STT", "Tên đơn vị", "Số đảng viên", "Ghi chú"],
        ["(1)", "(2)", "(3)", None],
        [1, "Sở Nội vụ", 40, None],
        [None, None, None, None],
        ["I.", "Tổng cộng", 80, None],
        [None, "Cộng", 80, None],
        [2, "Sở Tài chính", 3, "Tổng cộng"],
        ["Tổng số", None, None, None],
    ]
    grid = prepare(Sheet("S", rows))
    table = Table("form01_consolidated", 0, 0, {"stt": 0, "unit_name": 1}, data_end=7, footer_end=7)
    kinds = structural_kinds(grid, table, range(1, 8))
    assert {r: k.value for r, k in kinds.items()} == {1: "header_echo", 3: "blank", 4: "total", 5: "total",
                                                     7: "total"}
    _check_structural(grid, table)


def test_structural_kinds__every_table_of_the_sample(sample_dirs):
    """Every table the recogniser finds in the sample: the vectorised kinds, the blank rows
    and the signature rows are the per-row predicates' (the sample has every kind of mess)."""
    n_tables = 0
    for grid in sample_grids(sample_dirs.raw):
        assert _features(grid) == _reference_features(grid)
        _check_header_counts(grid)
        assert [grid.nonblank_count(r) == 0 for r in range(grid.n_rows)] == \
            [is_blank_row(grid, r) for r in range(grid.n_rows)]
        for table in find_tables(grid).tables:
            n_tables += 1
            _check_structural(grid, table)
            for r in range(table.header_bottom + 1, table.data_end + 1):
                assert not is_signature_row(grid, r)
    assert n_tables > 50


_repair_cells = st.one_of(
    st.none(), st.integers(-3, 3), st.floats(allow_nan=True), st.booleans(), st.text(max_size=5),
    st.sampled_from(["Tæng céng", "Ghi chó", "Cã", "Kh«ng", "Co\u0301", "Tổng cộng", "Ghi chú", "Toång coäng",
                     "CÉNG HOµ", "abc", " ", ""]),
    st.just(["a list"]),  # unhashable
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_repair_cells, max_size=5), max_size=8))
def test_repair_rows__same_as_repairing_each_cell(rows):
    legacy = guess_legacy(v for row in rows for v in row)
    want = [[repair_text(v, legacy=legacy) if isinstance(v, str) else v for v in row] for row in rows]
    got = repair_rows(rows)
    assert got == want
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in want]
    assert all(g is not r for g, r in zip(got, rows))  # new row lists: the sheet's rows stay as read
