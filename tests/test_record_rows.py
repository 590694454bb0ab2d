"""clean/rows.record_rows (the data rows of a record table, decided column-wise) against
the reference row walker ``walk_records``: the same rows, names, STT and unknown cells."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_core import sample_grids
from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis.clean import rows as walker
from vhcs_analysis.clean.rows import RecordRows, record_rows
from vhcs_analysis.io.files import Sheet
from vhcs_analysis.io.locate import Grid, prepare
from vhcs_analysis.io.recognise import Table, find_tables

_texts = st.sampled_from([
    "Sở Nội vụ", "Sở Tài chính", " Sở Y tế ", "Ghi chú: số liệu tạm tính", "Tổng cộng", "Cộng", "Tổng số",
    "I.", "II", "A.", "B)", "Đ", "IV:", "a", "1.", "(1)", "(2)", "( 3 )", "1", "2", "3", "", " ", "\t", "x", "-",
    "Người lập biểu", "Hà Tĩnh, ngày 15 tháng 6 năm 2017", "Tæng céng", "Hoàn thành tốt nhiệm vụ", "nan",
])
_cell = st.one_of(
    st.none(), _texts, st.text(max_size=4), st.booleans(), st.integers(-3, 40), st.integers(-2**70, 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, 2.0, 2.5, 1e16]),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 1, 1)),
)
WIDTH = 6
_row = st.one_of(
    st.lists(_cell, min_size=WIDTH, max_size=WIDTH),
    st.lists(st.one_of(st.none(), _texts), min_size=WIDTH, max_size=WIDTH),  # text rows: notes, groups, totals
    st.lists(st.one_of(st.none(), st.just(None), st.just(None)), min_size=WIDTH, max_size=WIDTH),
    st.lists(_texts, min_size=WIDTH, max_size=WIDTH),  # columns of text only
    st.lists(st.integers(-3, 40), min_size=WIDTH, max_size=WIDTH),  # columns of numbers only
)


def _reference(grid: Grid, table: Table, value_cols, known_unit) -> RecordRows:
    return walker.walked_record_rows(grid, table, value_cols=value_cols, known_unit=known_unit)


def _same(got: RecordRows, want: RecordRows) -> None:
    assert got.index == want.index
    assert got.names == want.names
    assert got.stt == want.stt
    assert got.unknown.keys() == want.unknown.keys()
    for k, cells in want.unknown.items():  # cell by cell, NaN included (the same object)
        assert list(got.unknown[k]) == list(cells)
        assert all(got.unknown[k][c] is v or got.unknown[k][c] == v for c, v in cells.items())
    assert all(type(r) is int for r in got.index)


def _check(grid: Grid, table: Table, value_cols, known_unit=None) -> None:
    """Column-wise (forced however few the rows) and by default, as the walker says."""
    want = _reference(grid, table, value_cols, known_unit)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(walker, "VECTOR_MIN_ROWS", 0)
        _same(record_rows(grid, table, value_cols=value_cols, known_unit=known_unit), want)
    _same(record_rows(grid, table, value_cols=value_cols, known_unit=known_unit), want)


@settings(max_examples=400, deadline=None)
@given(st.lists(_row, min_size=1, max_size=30), st.data())
def test_record_rows__same_as_the_walker_on_generated_tables(rows, data):
    plain = data.draw(st.booleans(), label="via prepare")
    grid = prepare(Sheet("S", rows)) if plain else Grid("S", False, rows, rows)
    n = grid.n_rows
    cols = list(range(WIDTH))
    name_col = data.draw(st.sampled_from(cols + [WIDTH + 2]), label="name")
    stt_col = data.draw(st.sampled_from([None, WIDTH + 1] + cols), label="stt")
    rest = [c for c in cols if c not in (name_col, stt_col)]
    value_cols = data.draw(st.lists(st.sampled_from(rest), unique=True), label="values") if rest else []
    unknown = data.draw(st.lists(st.sampled_from(rest), unique=True), label="unknown") if rest else []
    header_bottom = data.draw(st.integers(-1, min(3, n - 1)), label="header_bottom")
    data_end = data.draw(st.integers(header_bottom, n - 1), label="data_end")
    columns = {"unit_name": name_col, **({"stt": stt_col} if stt_col is not None else {})}
    table = Table("form01_consolidated", max(header_bottom, 0), header_bottom, columns,
                  unknown_columns={c: f"Cột {c}" for c in unknown}, data_end=data_end, footer_end=n - 1)
    known = data.draw(st.sampled_from([None, "none", "some"]), label="known_unit")
    known_unit = None if known is None else (lambda name: False) if known == "none" else (lambda name: "Sở" in name)
    _check(grid, table, value_cols, known_unit)


def test_record_rows__every_record_table_of_the_sample(sample_dirs):
    """Every consolidated Form 01, Form 02 and rankings table of the sample (every kind of
    mess), with the value columns each reader gives, with and without ``known_unit``."""
    n_tables = 0
    for grid in sample_grids(sample_dirs.raw):
        for table in find_tables(grid).tables:
            if table.kind not in ("form01_consolidated", "form02", "rankings"):
                continue
            n_tables += 1
            value_cols = [c for f, c in table.columns.items() if f not in ("stt", "unit_name", "note")]
            _check(grid, table, value_cols)
            _check(grid, table, value_cols, lambda name: len(name) % 3 != 0)
    assert n_tables >= 10
