"""Reading Vietnamese cell values: numbers, rates, dates, periods, Có/Không."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis.parse import (
    ParseError,
    is_empty_or_placeholder,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    parse_period,
    parse_rate,
)
from vhcs_analysis.text import encode_tcvn3, encode_vni


def _reason(func, value) -> str:
    with pytest.raises(ParseError) as info:
        func(value)
    return info.value.reason_code


# --- is_empty_or_placeholder ----------------------------------------------------------


@pytest.mark.parametrize("value", [None, float("nan"), "", "   ", "\u00a0", "-", "–", "—", "x", "X",
                                   "Không áp dụng", "KAD", "n/a"])
def test_is_blank__placeholders(value):
    assert is_empty_or_placeholder(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "Không", "abc", False])
def test_is_blank__zero_and_words_are_not_blank(value):
    assert not is_empty_or_placeholder(value)


# --- parse_number ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", 1234.0),
        ("1.234.567", 1234567.0),
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        (" 12 ", 12.0),
        ("12.5", 12.5),
        ("0.855", 0.855),
        ("1\u00a0234", 1234.0),
        ("+7", 7.0),
        ("-5", -5.0),
        ("(5)", -5.0),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("1,234", 1.234),
        ("1 234 567", 1234567.0),
    ],
)
def test_parse_number__vietnamese_text(text, expected):
    assert parse_number(text) == expected


def test_parse_number__vietnamese_thousands():
    assert parse_number("1.234") == 1234.0


def test_parse_number__excel_numbers_unchanged():
    assert parse_number(42) == 42.0
    assert parse_number(12.5) == 12.5


@pytest.mark.parametrize("value", [None, "", "-", "x", float("nan")])
def test_parse_number__blank_is_none_not_zero(value):
    assert parse_number(value) is None


@pytest.mark.parametrize("value", ["abc", "1.23.4", "12 người", "1 2", "1.234,", "--5", True, float("inf"),
                                   dt.date(2017, 1, 1)])
def test_parse_number__garbage_is_invalid_number(value):
    assert _reason(parse_number, value) == "invalid_number"


def test_parse_error__survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(ParseError("invalid_rate", "Giá trị «a» không hợp lệ")))
    assert (error.reason_code, error.message) == ("invalid_rate", "Giá trị «a» không hợp lệ")


def test_parse_number__excel_text_apostrophe():
    assert parse_number("'1.234") == 1234.0


def test_parse_error__message_is_vietnamese_and_quotes_value():
    with pytest.raises(ParseError) as info:
        parse_number("abc")
    assert "«abc»" in info.value.message and "số" in info.value.message
    assert isinstance(info.value, ValueError)


# --- parse_int ------------------------------------------------------------------------


def test_parse_int__whole_float_accepted():
    assert parse_int(12.0) == 12
    assert parse_int("1.234") == 1234


def test_parse_int__fraction_is_invalid_number():
    assert _reason(parse_int, 12.5) == "invalid_number"


def test_parse_int__blank_is_none():
    assert parse_int("") is None


# --- parse_rate -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("85,5%", 85.5), ("85.5", 85.5), (0.855, 85.5), ("0,855", 85.5), ("1%", 1.0), (1, 100.0),
     ("120%", 120.0), (120, 120.0), ("85,5 %", 85.5), (0.3, 30.0)],
)
def test_parse_rate__to_0_100(value, expected):
    assert parse_rate(value) == expected


def test_parse_rate__fraction_has_no_float_noise():
    assert parse_rate(0.07) == 7.0


def test_parse_rate__garbage_is_invalid_rate():
    assert _reason(parse_rate, "cao%") == "invalid_rate"
    assert _reason(parse_rate, "tốt") == "invalid_rate"


def test_parse_rate__blank_is_none():
    assert parse_rate("-") is None


# --- parse_date -----------------------------------------------------------------------

JUNE_15 = dt.date(2017, 6, 15)


@pytest.mark.parametrize(
    "value",
    ["15/06/2017", "15-6-2017", "15.6.2017", "2017-06-15", "ngày 15 tháng 6 năm 2017",
     "Hà Tĩnh, ngày 15 tháng 06 năm 2017", "Ngày báo cáo: 15/06/2017", "15/6/17",
     42901, 42901.25, "42901", dt.datetime(2017, 6, 15, 8, 30), JUNE_15,
     "2017-06-15 00:00:00", "2017/06/15", "15/06/2017 08:30", encode_tcvn3("Hà Tĩnh, ngày 15 tháng 6 năm 2017")],
)
def test_parse_date__forms(value):
    assert parse_date(value) == JUNE_15


def test_parse_date__day_first_always():
    assert parse_date("05/06/2017") == dt.date(2017, 6, 5)


@pytest.mark.parametrize("value", ["31/02/2017", "15/13/2017", "ngày 30 tháng 2 năm 2018"])
def test_parse_date__impossible_date_is_invalid_date(value):
    assert _reason(parse_date, value) == "invalid_date"


@pytest.mark.parametrize("value", ["abc", 12, 1e9, "tháng 6/2017", True])
def test_parse_date__garbage_is_invalid_date(value):
    assert _reason(parse_date, value) == "invalid_date"


def test_parse_date__blank_is_none():
    assert parse_date(None) is None


# --- parse_period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("6 tháng đầu năm 2017", "2017-H1"),
        ("6 tháng cuối năm 2016", "2016-H2"),
        ("Năm 2017", "2017-Y"),
        ("9 tháng năm 2018", "2018-M9"),
        ("Quý III/2018", "2018-Q3"),
        ("Quý 3 năm 2018", "2018-Q3"),
        ("Kỳ báo cáo: 6 tháng đầu năm 2017", "2017-H1"),
        ("2017-H1", "2017-H1"),
        ("H2/2018", "2018-H2"),
        ("I/2017", "2017-Q1"),
        ("6 thang dau nam 2017", "2017-H1"),
        ("6  THÁNG   ĐẦU NĂM 2017", "2017-H1"),
        ("6 tháng năm 2017", "2017-H1"),
        ("12 tháng năm 2017", "2017-Y"),
        ("Nửa cuối năm 2017", "2017-H2"),
        ("6 tháng cuối 2016", "2016-H2"),
        ("Báo cáo năm 2017 (bổ sung)", "2017-Y"),
        ("6T dau 2017", "2017-H1"),
        ("9T-2018", "2018-M9"),
        ("Q3-2018", "2018-Q3"),
        ("Quý IV năm 2018", "2018-Q4"),
    ],
)
def test_parse_period__words_to_codes(text, code):
    assert parse_period(text) == code


def test_parse_period__nfd_and_legacy_text():
    text = "Kỳ báo cáo: 6 tháng cuối năm 2016"
    assert parse_period(unicodedata.normalize("NFD", text)) == "2016-H2"
    assert parse_period(encode_tcvn3(text)) == "2016-H2"
    assert parse_period(encode_vni(text)) == "2016-H2"


@pytest.mark.parametrize(
    "text", ["abc", "", "Quý V/2018", "15 tháng năm 2017", "tháng 9 năm 2018",
             "ngày 15 tháng 6 năm 2017", 2017, None]
)
def test_parse_period__unknown_is_invalid_period(text):
    assert _reason(parse_period, text) == "invalid_period"


# --- parse_bool -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Có", "có", "C", "x", "X", "Đã", "Rồi", "Yes", 1, True, "Có.",
                                   "Đã ban hành", encode_tcvn3("Có")])
def test_parse_bool__yes(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["Không", "K", "Chưa", 0, False, "không", "Chưa xây dựng"])
def test_parse_bool__no(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", [None, "", "-", float("nan")])
def test_parse_bool__blank_is_none(value):
    assert parse_bool(value) is None


@pytest.mark.parametrize("value", ["có lẽ là", 2, "abc"])
def test_parse_bool__garbage_is_invalid_bool(value):
    assert _reason(parse_bool, value) == "invalid_bool"


# --- properties -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**9, 10**9), st.integers(0, 999))
def test_parse_number__babel_vietnamese_format_round_trips(whole, thousandths):
    value = whole + math.copysign(thousandths / 1000, whole or 1)
    text = format_decimal(value, locale="vi")  # "#,##0.###": 1.234,5
    assert parse_number(text) == pytest.approx(value, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12))
def test_parse_int__babel_grouped_integer_round_trips(value):
    assert parse_int(format_decimal(value, locale="vi")) == value


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date__ddmmyyyy_round_trips(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date__excel_serial_round_trips(day):
    assert parse_date((day - dt.date(1899, 12, 30)).days) == day


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40),
    st.dates(), st.datetimes(),
    st.text(alphabet="0123456789.,-+()% x", max_size=15),
)


@settings(max_examples=300, deadline=None)
@given(cell_values)
def test_parse_functions__raise_only_parse_error(value):
    for func in (parse_number, parse_int, parse_rate, parse_date, parse_period, parse_bool, is_empty_or_placeholder):
        try:
            func(value)
        except ParseError as error:
            assert error.reason_code.startswith("invalid_") and error.message


def test_parse_functions__numpy_and_pandas_scalars():
    import numpy as np
    import pandas as pd

    assert parse_number(np.int64(5)) == 5.0
    assert parse_number(np.float64("nan")) is None
    assert parse_int(np.float32(12.0)) == 12
    assert parse_number(pd.NA) is None
    assert parse_date(pd.NaT) is None
    assert parse_date(pd.Timestamp("2017-06-15 10:00")) == JUNE_15
    assert parse_bool(np.bool_(True)) is True
    assert parse_bool(pd.NA) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 20000))
def test_parse_rate__reads_back_fmt_percent(tenths):
    from vhcs_analysis import fmt

    rate = tenths / 10  # 0.0 … 2000.0 on the 0–100 scale
    assert parse_rate(fmt.percent(rate, 1)) == rate


def test_fmt__a_value_that_rounds_to_zero_prints_without_sign():
    from vhcs_analysis import fmt

    assert fmt.number(-0.04, 1) == "0,0" and fmt.signed(-0.04, 1) == "0,0" and fmt.signed(0.04, 1) == "0,0"
    assert fmt.percent(-0.001, 1) == "0,0%" and fmt.number(-0.0, 0) == "0"
    assert fmt.signed(-0.06, 1) == "-0,1" and fmt.signed(3.26, 1) == "+3,3"
