"""columnar.parse_column: the column-wise parser gives exactly what the per-cell parser gives."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis import columnar
from vhcs_analysis.clean.batch import RecordBatch, parse_fields
from vhcs_analysis.clean.core import Record, parse_one, parse_field, raw_text
from vhcs_analysis.io.locate import Grid

DTYPES = ("Int64", "Float64", "datetime64[ms]", "boolean")


def _per_cell(values, dtype, rate):
    return [parse_one(dtype, rate, v) for v in values]


def _same(a, b) -> bool:
    """Equal values of the same type (1 is not 1.0, NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _check(values, dtype, rate=False):
    parsed, errors = columnar.parse_column(values, dtype, rate, parse_one)
    for v, p, e, (want_p, want_e) in zip(values, parsed, errors, _per_cell(values, dtype, rate), strict=True):
        assert _same(p, want_p), (v, dtype, rate, p, want_p)
        assert e == want_e, (v, dtype, rate, e, want_e)


_digits = st.integers(0, 10**15).map(str)
_thousands = st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", "."))
_decimal_comma = st.tuples(st.integers(0, 10**12), st.integers(0, 10**6)).map(lambda t: f"{t[0]},{t[1]}")
_percent = st.tuples(st.integers(0, 200), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]}%")
_dmy = st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(1899, 2101)).map(
    lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]}")
_dmy_short = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)).map(
    lambda d: f"{d.day}/{d.month}/{d.year}")
_words = st.sampled_from(["Có", "Không", "có", "KHÔNG", "x", "X", "-", "", " ", "Chưa", "Đã ban hành", "C", "K",
                          "Cã", "Kh«ng", "Co\u0301", "kad", "n/a", "1.234,5", "1,234.5", "0.855", "(5)", "-12",
                          "+3", "1 234", "1 2", "'123", "12.5", "abc", "85,5 %", "15-6-2017", "2017-06-15",
                          "ngày 15 tháng 6 năm 2017", "42901", "31/02/2017", "00/00/0000", "1e5", "inf", "nan"])
_numbers = st.one_of(st.integers(-2**60, 2**60), st.integers(-1000, 1000),
                     st.floats(allow_nan=True, allow_infinity=True),
                     st.floats(-1e6, 1e6).map(lambda x: round(x, 2)), st.sampled_from([0.5, 1.5, 2.5, -0.5, 1e13]))
_dates = st.one_of(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
                   st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2099, 1, 1)))
_cell = st.one_of(st.none(), st.booleans(), _numbers, _digits, _thousands, _decimal_comma, _percent, _dmy,
                  _dmy_short, _words, _dates, st.text(max_size=8))


@settings(max_examples=400, deadline=None)
@given(st.lists(_cell, max_size=40), st.sampled_from(DTYPES), st.booleans())
def test_parse_column__same_as_the_per_cell_parser(values, dtype, rate):
    _check(values, dtype, rate=rate and dtype == "Float64")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_digits, _thousands, _decimal_comma, st.integers(-10**9, 10**9),
                          st.floats(-1e9, 1e9)), min_size=1, max_size=60), st.sampled_from(("Int64", "Float64")))
def test_parse_column__vietnamese_number_text_and_excel_numbers(values, dtype):
    _check(values, dtype)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_dmy, _dmy_short, _words, _dates, st.none()), min_size=1, max_size=60))
def test_parse_column__dates(values):
    _check(values, "datetime64[ms]")


_huge = st.one_of(st.integers(-2**1100, 2**1100), st.integers(-2**54, 2**54),
                  st.sampled_from([2**53 - 1, 2**53, 2**53 + 1, -2**53 + 1, -2**53, -2**53 - 1, 10**400, -10**400]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_huge, _numbers, st.none(), _words, _digits), max_size=40),
       st.sampled_from(("Int64", "Float64", "boolean")))
def test_parse_column__integers_of_every_size(values, dtype):
    """Ints float64 holds exactly take the numpy path, the others (beyond 2**53, beyond
    float64 altogether) the per-cell parser: the same values and errors either way."""
    _check(values, dtype)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["Có", "Không", "có", "KHÔNG", "x", "-", "", " ", "Cã", "C",
                                                       "Kh«ng", "Co\u0301", "abc", "15/06/2017", "12"])),
                max_size=60), st.sampled_from(DTYPES), st.booleans())
def test_parse_column__repeated_blanks_and_texts(values, dtype, rate):
    """Columns of a few texts and blanks, each parsed once for all its cells."""
    _check(values, dtype, rate=rate and dtype == "Float64")


def test_parse_column__fast_paths_give_python_types():
    parsed, errors = columnar.parse_column([12, 12.0, "1.234", "12,5", None], "Int64", False, parse_one)
    assert parsed[:3] == [12, 12, 1234] and all(type(p) is int for p in parsed[:3])
    assert errors[3] == ("invalid_number", "Giá trị «12,5» không phải là số nguyên")
    parsed, _ = columnar.parse_column(["15/06/2017", "31/02/2017"], "datetime64[ms]", False, parse_one)
    assert parsed[0] == dt.date(2017, 6, 15) and parsed[1] is None


def _batch_and_records(values, dtype, rate=False, only=None):
    """``parse_fields`` on a batch against ``parse_field`` record by record (the value of
    record ``i`` in column D of its row ``i + 1``)."""
    rows = list(range(len(values)))
    grid = Grid("S", False, [[None, None, None, v] for v in values], [])
    batch = RecordBatch("unit_reports", "f.xlsx", "S", np.array(rows, dtype=np.int64) + 1, grid=grid)
    read = rows if only is None else only
    parsed = parse_fields(batch, "staff_total", dtype, 3, [values[i] for i in read], rate=rate, only=only)
    records = [Record("unit_reports", "f.xlsx", "S", r + 1) for r in rows]
    for r in read:
        parse_field(records[r], "staff_total", dtype, values[r], r, 3, rate=rate)
    return batch, records, parsed


def _same_records(batch, records, read):
    for i, rec in enumerate(records):
        assert batch.problems.get(i, []) == rec.problems
        if i in read:
            assert batch.cells_of(i) == rec.cells


def test_parse_fields__same_record_as_parse_field_cell_by_cell():
    values = [12, "1.234", "abc", 1e13, None, "-", 7.5]
    batch, records, _ = _batch_and_records(values, "Int64")
    assert batch.data["staff_total"] == [rec.data["staff_total"] for rec in records]
    _same_records(batch, records, range(len(values)))


@settings(max_examples=150)
@given(st.lists(_cell, max_size=20), st.sampled_from(DTYPES), st.booleans(), st.data())
def test_parse_fields__batch_same_as_records(values, dtype, rate, data):
    """Values, problems (code, message, cell, raw text) and cells of a column parsed into a
    batch, all records or some of them, are those of the records parsed cell by cell."""
    rate = rate and dtype == "Float64"
    only = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(range(len(values))), unique=True).map(sorted)
                               if values else st.none()))
    batch, records, parsed = _batch_and_records(values, dtype, rate, only)
    read = range(len(values)) if only is None else only
    assert (only is None) == ("staff_total" in batch.data)
    for k, i in enumerate(read):
        assert _same(parsed[k], records[i].data["staff_total"])
    _same_records(batch, records, set(read))


@given(st.lists(_cell, max_size=30))
def test_raw_texts__same_as_raw_text(values):
    assert columnar.raw_texts(values, raw_text) == [raw_text(v) for v in values]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.floats(), st.integers(-10**20, 10**20), st.just(float("nan")), st.just(-0.0)),
                max_size=30))
def test_raw_texts__numbers_as_raw_text_writes_them(values):
    assert columnar.raw_texts(values, raw_text) == [raw_text(v) for v in values]
