"""Indicators: per-report values, inspection periods, composite index, panel, completeness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import indicators as ind
from vhcs_analysis import tables
from vhcs_analysis.config import package_defaults


def _units() -> pd.DataFrame:
    return tables.conform(pd.DataFrame({
        "unit_id": ["U1", "U2", "U3"], "unit_name": ["Sở A", "Sở B", "Sở C"],
        "block": ["K1", "K1", "K2"], "is_pilot": [True, False, False]}), "units")


def _reports(**fields) -> pd.DataFrame:
    base = {"unit_id": ["U1"], "period": ["2017-H1"], "form_version": "2018", "layout": "unit_form",
            "source_file": "a.xlsx"}
    return tables.conform(pd.DataFrame({**base, **fields}), "unit_reports")


def _inspections(unit_ids, dates, scores) -> pd.DataFrame:
    return tables.conform(pd.DataFrame({
        "unit_id": unit_ids, "round_id": [f"r{i}" for i in range(len(unit_ids))],
        "inspection_date": pd.to_datetime(dates, dayfirst=True), "kind": "Kiểm tra",
        "total_score": scores, "source_file": "b.xlsx"}), "inspections")


def test_compute_indicators__rates_per_staff_and_on_time_share():
    reports = _reports(staff_total=[40], staff_studied=[30], complaints_conduct=[2], discipline_violations=[1],
                       dossiers_on_time=[95], dossiers_late=[5], staff_rated_good=[36],
                       action_programme=[True], office_layout_done=[False], satisfaction_rate=[88.5])
    out = ind.compute_indicators(reports).iloc[0]
    assert out["study_rate"] == 75.0 and out["complaints_per_100"] == 5.0 and out["violations_per_100"] == 2.5
    assert out["on_time_rate"] == 95.0 and out["good_rating_rate"] == 90.0
    assert out["action_programme"] == 100.0 and out["office_layout"] == 0.0 and out["satisfaction_rate"] == 88.5


def test_compute_indicators__no_one_stop_desk_or_no_dossiers_is_missing_not_zero():
    reports = _reports(unit_id=["U1", "U2"], period=["2017-H1"] * 2, staff_total=[10, 10],
                       dossiers_on_time=[None, 0], dossiers_late=[None, 0])
    out = ind.compute_indicators(reports)
    assert out["on_time_rate"].isna().all()


def test_compute_indicators__2017_form_fields_absent_stay_missing():
    out = ind.compute_indicators(_reports(staff_total=[10], staff_studied=[10])).iloc[0]
    assert np.isnan(out["satisfaction_rate"]) and np.isnan(out["good_rating_rate"])
    assert np.isnan(out["complaints_per_100"])


def test_inspection_scores__mean_of_the_periods_inspections_with_count():
    insp = _inspections(["U1", "U1", "U1", "U2"], ["01/03/2017", "20/06/2017", "05/07/2017", "01/03/2017"],
                        [80.0, 90.0, 70.0, None])
    out = ind.inspection_scores(insp)
    expected = pd.DataFrame({"unit_id": ["U1", "U1", "U2"], "period": ["2017-H1", "2017-H2", "2017-H1"],
                             "inspection_score": [85.0, 70.0, np.nan],
                             "n_inspections": pd.array([2, 1, 0], dtype="Int64")})
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_composite_index__renormalises_over_present_components_and_counts_them():
    panel = pd.DataFrame({
        "inspection_score": [80.0, np.nan, np.nan], "on_time_rate": [100.0, 100.0, np.nan],
        "satisfaction_rate": [np.nan, np.nan, np.nan], "complaints_per_100": [5.0, np.nan, np.nan],
        "violations_per_100": [0.0, np.nan, np.nan], "study_rate": [60.0, 50.0, 100.0],
        "office_layout": [100.0, 0.0, np.nan], "action_programme": [100.0, 100.0, 100.0]})
    out = ind.composite_index(panel, package_defaults().indicators)
    # outcomes only (adoption items are not in the index): inspection .35, on-time .15,
    # complaints .15 (5 per 100 → 100 − 10·5 = 50), violations .15, study .10
    first = (.35 * 80 + .15 * 100 + .15 * 50 + .15 * 100 + .10 * 60) / (.35 + .15 + .15 + .15 + .10)
    np.testing.assert_allclose(out["oc_index"], [first, np.nan, np.nan])  # 2 and 1 components: too few
    assert out["oc_index_n"].tolist() == [5, 2, 1]


def test_build_panel__every_unit_and_period_with_missing_kept_missing():
    reports = _reports(unit_id=["U1", "U2"], period=["2016-H2", "2017-H1"], staff_total=[10, 20],
                       staff_studied=[5, 20])
    insp = _inspections(["U1"], ["15/11/2016"], [90.0])
    panel = ind.build_panel(_units(), reports, insp, package_defaults(), periods=["2016-H2", "2017-H1"])
    assert list(panel.columns[:6]) == ["unit_id", "period", "block", "is_pilot", "has_report", "n_inspections"]
    assert set(ind.INDICATOR_NAMES) <= set(panel.columns)
    got = panel[["unit_id", "period", "has_report", "study_rate", "inspection_score"]]
    expected = pd.DataFrame({
        "unit_id": ["U1", "U1", "U2", "U2", "U3", "U3"], "period": ["2016-H2", "2017-H1"] * 3,
        "has_report": [True, False, False, True, False, False],
        "study_rate": [50.0, np.nan, np.nan, 100.0, np.nan, np.nan],
        "inspection_score": [90.0, np.nan, np.nan, np.nan, np.nan, np.nan]})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert panel["is_pilot"].tolist() == [True, True, False, False, False, False]


def test_build_panel__feeds_pilot_effect_directly():
    from vhcs_analysis import compare

    reports = _reports(unit_id=["U1", "U1", "U2", "U2"], period=["2016-H2", "2018-H2"] * 2,
                       staff_total=[10] * 4, staff_studied=[2, 10, 5, 6])
    panel = ind.build_panel(_units(), reports, tables.empty("inspections"), package_defaults(), periods=["2016-H2", "2018-H2"])
    result = compare.pilot_effect(panel, "study_rate", baseline="2016-H2", post="2018-H2")
    assert result.estimate == pytest.approx(80.0 - 10.0)
    assert (result.n_pilot, result.n_rest, result.n_dropped) == (1, 1, 1)


def test_to_long__one_row_per_unit_period_indicator():
    panel = ind.build_panel(_units(), _reports(staff_total=[10], staff_studied=[5]),
                            tables.empty("inspections"), package_defaults(), periods=["2017-H1"])
    long = ind.to_long(panel)
    assert len(long) == 3 * len(ind.INDICATOR_NAMES)
    row = long[(long["unit_id"] == "U1") & (long["indicator"] == "study_rate")]
    assert row["value"].tolist() == [50.0]


def test_describe_by_group__mean_n_and_student_t_interval():
    panel = pd.DataFrame({"period": ["P"] * 6, "is_pilot": [True, True, True, False, False, False],
                          "x": [1.0, 2.0, 3.0, 10.0, np.nan, 20.0]})
    out = ind.describe_by_group(panel, "x")
    again = ind.describe_by_group(panel, "x")
    pd.testing.assert_frame_equal(out, again)
    assert out["mean"].tolist() == [15.0, 2.0] and out["n"].tolist() == [2, 3]
    assert out["n_missing"].tolist() == [1, 0]
    assert (out["ci_low"] <= out["mean"]).all() and (out["mean"] <= out["ci_high"]).all()
    # SD pooled over pilots (1, 2, 3: s² = 1, 2 df) and the rest (10, 20: s² = 50, 1 df): √(52/3),
    # larger than the pilots' own 1, so it is used, on the pilots' own 2 df
    half = 4.302653 * np.sqrt(52 / 3) / np.sqrt(3)
    assert out.loc[1, "ci_low"] == pytest.approx(2.0 - half, rel=1e-6)
    # the rest's own SD √50 is larger than the pooled one: own SD, own 1 df
    assert out.loc[0, "ci_low"] == pytest.approx(15.0 - 12.7062 * np.sqrt(50) / np.sqrt(2), rel=1e-5)
    own = ind.describe_by_group(panel, "x", pool=None)  # each group's own SD: 2 ± t(2) × 1/√3
    assert own.loc[1, "ci_low"] == pytest.approx(2.0 - 4.302653 / np.sqrt(3), rel=1e-6)


def test_completeness__on_time_late_missing_and_undated():
    reports = _reports(unit_id=["U1", "U1", "U2"], period=["2016-H2", "2017-H1", "2016-H2"],
                       report_date=pd.to_datetime(["2016-12-20", "2017-06-21", None]), staff_total=[1, 1, 1])
    out = ind.completeness(_units(), reports, package_defaults(), periods=["2016-H2", "2017-H1"])
    assert out["status"].tolist() == ["đúng hạn", "muộn", "không rõ ngày", "không báo cáo",
                                      "không báo cáo", "không báo cáo"]
    assert out.loc[1, "days_late"] == 1
    summary = ind.summarise_completeness(out)
    expected = pd.DataFrame({"period": ["2016-H2", "2017-H1"], "đúng hạn": [1, 0], "muộn": [0, 1],
                             "không rõ ngày": [1, 0], "không báo cáo": [1, 2], "tổng": [3, 3]})
    pd.testing.assert_frame_equal(summary, expected, check_dtype=False)


def test_report_deadline__day_of_last_month_plus_grace():
    assert ind.report_deadline("2017-H1", 20, 0) == pd.Timestamp(2017, 6, 20)
    assert ind.report_deadline("2016-H2", 20, 3) == pd.Timestamp(2016, 12, 23)
    assert ind.report_deadline("2017-H1", 0, 15) == pd.Timestamp(2017, 7, 15)


def test_indicators_table__every_indicator_tied_to_a_goal_with_direction():
    table = ind.INDICATORS
    assert list(table["name"]) == list(ind.INDICATOR_NAMES)
    assert table["measures"].isin(list(ind.GOALS)).all() and table["measures_vi"].notna().all()
    assert not table.set_index("name").loc["complaints_per_100", "higher_is_better"]
    assert table.set_index("name").loc["on_time_rate", "measures"] == "MT3"


def test_clustered_mean_ci__block_shocks_widen_the_interval_and_need_two_blocks():
    rng = np.random.default_rng(0)
    blocks = np.repeat(np.arange(7), 10)
    values = rng.normal(0, 1, 7)[blocks] * 3 + rng.normal(0, 1, 70)
    mean, lo, hi, g = ind.clustered_mean_ci(values, blocks)
    naive = ind.mean_ci(values)
    assert g == 7 and mean == pytest.approx(values.mean())
    assert hi - lo > 1.5 * (naive[1] - naive[0])  # shared block shocks: far wider than 70 independent units
    assert np.isnan(ind.clustered_mean_ci([1.0, 2.0], ["K1", "K1"])[1])
    # one value per cluster: the usual Student t interval of the mean
    assert ind.clustered_mean_ci([1.0, 2.0, 3.0], ["a", "b", "c"])[1:3] == pytest.approx(ind.mean_ci([1.0, 2.0, 3.0]))


def test_indicator_bounds__one_answer_from_the_indicator_record():
    assert ind.indicator_bounds("study_rate") == (0.0, 100.0) == ind.indicator("study_rate").bounds
    assert ind.indicator_bounds("inspection_score") == (0.0, 100.0)
    assert ind.indicator_bounds("complaints_per_100") == (0.0, np.inf)
    assert ind.indicator_bounds("no_such_code") == ind.UNBOUNDED  # stated default: no known range
    with pytest.raises(KeyError):
        ind.higher_is_better("no_such_code")  # a direction is never guessed
    assert not ind.higher_is_better("violations_per_100")
    assert ind.indicator("on_time_rate").is_percent and not ind.indicator("oc_index").is_percent
