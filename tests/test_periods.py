"""Periods: parsing codes, ordering, stepping, last days and every Vietnamese wording."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vhcs_analysis.errors import VhcsError
from vhcs_analysis.periods import CODE_PATTERN, Period, PeriodError, period_vi, sort_codes


@pytest.mark.parametrize(("code", "fields"), [
    ("2017-H1", (2017, "H", 1)), ("2016-H2", (2016, "H", 2)), ("2018-Q3", (2018, "Q", 3)),
    ("2017-Y", (2017, "Y", 0)), ("2018-M9", (2018, "M", 9)), ("2018-M12", (2018, "M", 12)),
])
def test_parse__every_kind_of_code(code, fields):
    period = Period.parse(code)
    assert (period.year, period.kind, period.number) == fields
    assert period.code == str(period) == code


@pytest.mark.parametrize("bad", ["2017-H3", "2017-Q5", "2017-M0", "2017-M13", "2017", "17-H1", "2017H1",
                                 "2017-h1", " 2017-H1", "2017-H1 ", "0000-H1", "6 tháng đầu năm 2017", "", None])
def test_parse__bad_code_named_in_a_vietnamese_message(bad):
    with pytest.raises(PeriodError) as caught:
        Period.parse(bad)
    assert f"kỳ {str(bad)!r} không đúng dạng mã kỳ báo cáo" in str(caught.value)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, VhcsError)
    assert Period.find(bad) is None


def test_half_year__only_half_years_pass():
    assert Period.half_year("2018-H2") == Period(2018, "H", 2)
    for bad in ("2018-Q2", "2018-Y", "2018-H3"):
        with pytest.raises(PeriodError, match=f"kỳ '{bad}' không đúng dạng NNNN-H1 hoặc NNNN-H2"):
            Period.half_year(bad)


def test_period__impossible_fields_refused():
    for fields in ((2017, "H", 3), (2017, "Y", 1), (2017, "X", 1), (0, "H", 1)):
        with pytest.raises(PeriodError):
            Period(*fields)


def test_order__by_last_day_then_code():
    codes = ["2018-H1", "2017-Y", "2017-H2", "2017-Q4", "2017-M9", "2017-Q3", "2016-H2", "2017-H1"]
    assert [p.code for p in sorted(Period.parse(c) for c in codes)] == [
        "2016-H2", "2017-H1", "2017-M9", "2017-Q3", "2017-H2", "2017-Q4", "2017-Y", "2018-H1"]
    assert Period.parse("2016-H2") < Period.parse("2017-H1") <= Period.parse("2017-H1")
    assert Period.parse("2018-H2") > Period.parse("2018-Q3")


def test_sort_codes__time_order_once_each_other_text_last():
    assert sort_codes(["2018-H1", "Năm 2017", "2016-H2", "2018-H1", "abc", "2017-Y"]) == [
        "2016-H2", "2017-Y", "2018-H1", "Năm 2017", "abc"]


@pytest.mark.parametrize(("code", "last_day"), [
    ("2017-H1", dt.date(2017, 6, 30)), ("2016-H2", dt.date(2016, 12, 31)), ("2018-Q1", dt.date(2018, 3, 31)),
    ("2020-M2", dt.date(2020, 2, 29)), ("2018-Q3", dt.date(2018, 9, 30)), ("2017-Y", dt.date(2017, 12, 31)),
])
def test_end__last_day_of_the_period(code, last_day):
    assert Period.parse(code).end == last_day


@pytest.mark.parametrize(("date", "code"), [("30/06/2017", "2017-H1"), ("01/07/2017", "2017-H2"),
                                            ("10/10/2016", "2016-H2"), ("01/01/2018", "2018-H1")])
def test_of_date__half_year_a_date_falls_in(date, code):
    assert Period.of_date(pd.to_datetime(date, dayfirst=True)).code == code


def test_of_date__no_date_no_period():
    assert Period.of_date(None) is None and Period.of_date(pd.NaT) is None


def test_stepping__next_previous_and_shift_within_the_kind():
    assert Period.parse("2017-H2").next() == Period.parse("2018-H1")
    assert Period.parse("2018-H1").previous() == Period.parse("2017-H2")
    assert Period.parse("2016-H2").shift(9).code == "2021-H1"
    assert Period.parse("2018-Q4").next().code == "2019-Q1"
    assert Period.parse("2017-Y").previous().code == "2016-Y"
    with pytest.raises(PeriodError, match="lũy kế 9 tháng"):
        Period.parse("2018-M9").next()


def test_half_years_to__count_between_two_half_years():
    base, post = Period.parse("2016-H2"), Period.parse("2018-H2")
    assert base.half_years_to(post) == 4 and post.half_years_to(base) == -4
    assert base.half_years_to(Period.parse("2021-H2")) == 10
    with pytest.raises(PeriodError, match="không phải là nửa năm"):
        base.half_years_to(Period.parse("2018-Y"))


@pytest.mark.parametrize(("code", "long", "short", "chart", "chart_short"), [
    ("2017-H1", "6 tháng đầu năm 2017", "6T đầu 2017", "6 tháng đầu\n2017", "6T đầu\n2017"),
    ("2016-H2", "6 tháng cuối năm 2016", "6T cuối 2016", "6 tháng cuối\n2016", "6T cuối\n2016"),
    ("2018-Q3", "quý III/2018", "quý III/2018", "quý III\n2018", "quý III\n2018"),
    ("2017-Y", "năm 2017", "năm 2017", "năm\n2017", "năm\n2017"),
    ("2018-M9", "9 tháng năm 2018", "9T 2018", "9 tháng\n2018", "9T\n2018"),
])
def test_labels__every_wording(code, long, short, chart, chart_short):
    period = Period.parse(code)
    assert (period.long, period.short, period.chart(), period.chart(short=True)) == (long, short, chart, chart_short)
    assert [period.label(s) for s in ("long", "short", "chart", "chart_short", "form")] == [
        long, short, chart, chart_short, long]
    assert period.form_words == long


def test_period_vi__codes_in_words_other_text_unchanged():
    assert period_vi("2017-H1") == "6 tháng đầu năm 2017"
    assert period_vi("2018-H2", "short") == "6T cuối 2018"
    assert period_vi("2017-H1", "chart") == "6 tháng đầu\n2017"
    assert period_vi("Năm 2017") == "Năm 2017" and period_vi("2018") == "2018" and period_vi(None) == "None"


def test_form_words__read_back_by_the_form_reader():
    from vhcs_analysis.parse import parse_period

    for code in ("2016-H2", "2017-H1", "2018-Q3", "2017-Y", "2018-M9"):
        assert parse_period(f"Kỳ báo cáo: {Period.parse(code).form_words}") == code


codes = st.one_of(
    st.builds(lambda y, n: f"{y:04d}-H{n}", st.integers(1, 9999), st.integers(1, 2)),
    st.builds(lambda y, n: f"{y:04d}-Q{n}", st.integers(1, 9999), st.integers(1, 4)),
    st.builds(lambda y, n: f"{y:04d}-M{n}", st.integers(1, 9999), st.integers(1, 12)),
    st.builds(lambda y: f"{y:04d}-Y", st.integers(1, 9999)),
)


@given(codes)
def test_round_trip__code_to_period_to_code(code):
    assert Period.parse(code).code == code
    assert pd.Series([code]).str.fullmatch(CODE_PATTERN.strip("^$")).all()


@given(st.integers(1900, 2100), st.integers(1, 2), st.integers(-40, 40))
def test_shift__steps_add_up_and_order_follows(year, half, steps):
    start = Period(year, "H", half)
    moved = start.shift(steps)
    assert start.half_years_to(moved) == steps and moved.shift(-steps) == start
    assert (moved > start) == (steps > 0)
