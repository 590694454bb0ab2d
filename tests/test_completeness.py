"""Reporting completeness: each unit's Form 01 report per period, on time or not."""

from __future__ import annotations

import pandas as pd

from helpers_processed import unit_reports_table, units_table

from vhcs_analysis import completeness as cp
from vhcs_analysis.settings import package_defaults


def test_completeness__on_time_late_missing_and_undated():
    reports = unit_reports_table(unit_id=["U1", "U1", "U2"], period=["2016-H2", "2017-H1", "2016-H2"],
                                 report_date=pd.to_datetime(["2016-12-20", "2017-06-21", None]), staff_total=[1, 1, 1])
    out = cp.completeness(units_table(), reports, package_defaults(), periods=["2016-H2", "2017-H1"])
    assert out["status"].tolist() == ["đúng hạn", "muộn", "không rõ ngày", "không báo cáo",
                                      "không báo cáo", "không báo cáo"]
    assert out.loc[1, "days_late"] == 1
    summary = cp.summarise_completeness(out)
    expected = pd.DataFrame({"period": ["2016-H2", "2017-H1"], "đúng hạn": [1, 0], "muộn": [0, 1],
                             "không rõ ngày": [1, 0], "không báo cáo": [1, 2], "tổng": [3, 3]})
    pd.testing.assert_frame_equal(summary, expected, check_dtype=False)


def test_report_deadline__day_of_last_month_plus_grace():
    assert cp.report_deadline("2017-H1", 20, 0) == pd.Timestamp(2017, 6, 20)
    assert cp.report_deadline("2016-H2", 20, 3) == pd.Timestamp(2016, 12, 23)
    assert cp.report_deadline("2017-H1", 0, 15) == pd.Timestamp(2017, 7, 15)
