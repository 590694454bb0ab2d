"""Indicators: per-report values, inspection periods, composite index, panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers_processed import unit_reports_table, units_table

from vhcs_analysis import indicators as ind
from vhcs_analysis import indicator_registry, tables
from vhcs_analysis.settings import package_defaults


def _inspections(unit_ids, dates, scores) -> pd.DataFrame:
    return tables.conform(pd.DataFrame({
        "unit_id": unit_ids, "round_id": [f"r{i}" for i in range(len(unit_ids))],
        "inspection_date": pd.to_datetime(dates, dayfirst=True), "kind": "Kiểm tra",
        "total_score": scores, "source_file": "b.xlsx"}), "inspections")


def test_compute_indicators__rates_per_staff_and_on_time_share():
    reports = unit_reports_table(staff_total=[40], staff_studied=[30], complaints_conduct=[2],
                                 discipline_violations=[1], dossiers_on_time=[95], dossiers_late=[5],
                                 staff_rated_good=[36],
                                 action_programme=[True], office_layout_done=[False], satisfaction_rate=[88.5])
    out = ind.compute_indicators(reports).iloc[0]
    assert out["study_rate"] == 75.0 and out["complaints_per_100"] == 5.0 and out["violations_per_100"] == 2.5
    assert out["on_time_rate"] == 95.0 and out["good_rating_rate"] == 90.0
    assert out["action_programme"] == 100.0 and out["office_layout"] == 0.0 and out["satisfaction_rate"] == 88.5


def test_compute_indicators__no_one_stop_desk_or_no_dossiers_is_missing_not_zero():
    reports = unit_reports_table(unit_id=["U1", "U2"], period=["2017-H1"] * 2, staff_total=[10, 10],
                                 dossiers_on_time=[None, 0], dossiers_late=[None, 0])
    out = ind.compute_indicators(reports)
    assert out["on_time_rate"].isna().all()


def test_compute_indicators__2017_form_fields_absent_stay_missing():
    out = ind.compute_indicators(unit_reports_table(staff_total=[10], staff_studied=[10])).iloc[0]
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
    reports = unit_reports_table(unit_id=["U1", "U2"], period=["2016-H2", "2017-H1"], staff_total=[10, 20],
                                 staff_studied=[5, 20])
    insp = _inspections(["U1"], ["15/11/2016"], [90.0])
    panel = ind.build_panel(units_table(), reports, insp, package_defaults(), periods=["2016-H2", "2017-H1"])
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

    reports = unit_reports_table(unit_id=["U1", "U1", "U2", "U2"], period=["2016-H2", "2018-H2"] * 2,
                                 staff_total=[10] * 4, staff_studied=[2, 10, 5, 6])
    panel = ind.build_panel(units_table(), reports, tables.empty("inspections"), package_defaults(),
                            periods=["2016-H2", "2018-H2"])
    result = compare.pilot_effect(panel, "study_rate", baseline="2016-H2", post="2018-H2")
    assert result.estimate == pytest.approx(80.0 - 10.0)
    assert (result.n_pilot, result.n_rest, result.n_dropped) == (1, 1, 1)


def test_to_long__one_row_per_unit_period_indicator():
    panel = ind.build_panel(units_table(), unit_reports_table(staff_total=[10], staff_studied=[5]),
                            tables.empty("inspections"), package_defaults(), periods=["2017-H1"])
    long = ind.to_long(panel)
    assert len(long) == 3 * len(ind.INDICATOR_NAMES)
    row = long[(long["unit_id"] == "U1") & (long["indicator"] == "study_rate")]
    assert row["value"].tolist() == [50.0]


def test_indicators_table__every_indicator_tied_to_a_goal_with_direction():
    table = ind.INDICATORS
    assert list(table["name"]) == list(ind.INDICATOR_NAMES)
    assert table["measures"].isin(list(indicator_registry.goals())).all() and table["measures_vi"].notna().all()
    assert not table.set_index("name").loc["complaints_per_100", "higher_is_better"]
    assert table.set_index("name").loc["on_time_rate", "measures"] == "MT3"
