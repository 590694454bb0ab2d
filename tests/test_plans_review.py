"""Issue 28 in the review: personal and department plans as task-group-1 indicators, the
commended counts per block for the proposals, and what the documents' context gets."""

import math

import numpy as np
import pandas as pd

from vhcs_analysis import indicators, review, tables, verdicts
from vhcs_analysis.settings import package_defaults
from vhcs_analysis.report.context import commended as commended_context
from vhcs_analysis.report.context import leadership_plans

UNITS = pd.DataFrame({"unit_id": ["U1", "U2", "U3"], "unit_name": ["Sở A", "Sở B", "Sở C"],
                      "block": ["Khối 1", "Khối 1", "Khối 2"], "is_pilot": [True, False, False]})


def _reports(**cols):
    base = {"unit_id": ["U1", "U2", "U3"], "period": ["2018-H2"] * 3, "form_version": ["2018"] * 3,
            "layout": ["unit_form"] * 3, "staff_total": [40, 50, 20], "source_file": ["a.xlsx"] * 3}
    return pd.DataFrame(base | cols)


def _data(reports):
    frames = {"units": UNITS, "unit_reports": reports}
    parts = {name: tables.conform(frames[name], name) if name in frames else tables.empty(name)
             for name in review.PROCESSED_TABLES}
    return review.ReviewData(**parts, manifest={}, settings=package_defaults())


def test_plan_rates_are_task_group_1_and_personal_plans_an_adoption_item():
    meta = review.indicator_meta().set_index("indicator")
    assert meta.loc["personal_plan_rate", "task_group"] == 1 and meta.loc["department_plan_rate", "task_group"] == 1
    assert "personal_plan_rate" in verdicts.adoption_items(package_defaults())
    assert "commended_per_100" not in verdicts.family(package_defaults())


def test_plan_indicators_are_missing_without_the_rows_never_zero():
    reports = _reports(staff_personal_plan=pd.array([30, None, 20], dtype="Int64"),
                       departments_total=pd.array([8, 5, None], dtype="Int64"),
                       departments_with_plan=pd.array([6, 0, None], dtype="Int64"),
                       commended_collectives=pd.array([1, None, 0], dtype="Int64"),
                       commended_individuals=pd.array([3, 2, 0], dtype="Int64"))
    out = indicators.compute_indicators(tables.conform(reports, "unit_reports"))
    np.testing.assert_allclose(out["personal_plan_rate"], [75.0, np.nan, 100.0])
    np.testing.assert_allclose(out["department_plan_rate"], [75.0, 0.0, np.nan])
    np.testing.assert_allclose(out["commended_per_100"], [10.0, np.nan, 0.0])


def test_commended_adds_up_by_block_with_the_bloc_last():
    data = _data(_reports(commended_collectives=pd.array([1, 2, None], dtype="Int64"),
                          commended_individuals=pd.array([3, 4, 5], dtype="Int64")))
    out = review.commended(data)
    assert out["block"].tolist() == ["Khối 1", "Khối 2", "Toàn khối"]
    bloc = out.iloc[-1]
    assert (bloc.commended_collectives, bloc.commended_individuals, bloc.n_units, bloc.n_reports) == (3, 12, 3, 3)
    assert math.isclose(bloc.commended_per_100, 100 * 10 / 90)  # U3 has one count blank: left out of the rate
    assert "3 tập thể" in str(review.commended_text(data, out).data)


def test_commended_without_2018_reports_says_so():
    data = _data(_reports())
    out = review.commended(data)
    assert out["n_reports"].tolist() == [0, 0, 0]
    assert "chưa có số liệu" in str(review.commended_text(data, out).data)


def test_rollout_carries_the_plan_rates_and_the_context_formats_them():
    data = _data(_reports(staff_personal_plan=pd.array([20, 25, 10], dtype="Int64"),
                          departments_total=pd.array([4, 4, 4], dtype="Int64"),
                          departments_with_plan=pd.array([4, 2, 3], dtype="Int64")))
    rollout = review.rollout(data)
    plans = leadership_plans(rollout, "2018-H2")
    assert plans["personal_plan_rate"] == "50,0%" and plans["department_plan_rate"] == "75,0%"
    assert plans["personal_plan_rate_units"] == "3"
    ctx = commended_context(review.commended(data))
    assert ctx["total"]["block"] == "Toàn khối" and ctx["rows"][-1] == ctx["total"]


def test_field_completeness_shows_the_new_fields_missing_in_2017_reports():
    reports = pd.concat([_reports(staff_personal_plan=pd.array([30, 40, 10], dtype="Int64")),
                         _reports(period=["2017-H2"] * 3, form_version=["2017"] * 3)], ignore_index=True)
    out = review.field_completeness(_data(reports)).set_index(["field", "period"])
    assert out.loc[("staff_personal_plan", "2018-H2"), "n_with_value"] == 3
    assert out.loc[("staff_personal_plan", "2017-H2"), ["n_reports", "n_with_value"]].tolist() == [3, 0]
    assert out.loc[("staff_total", "2017-H2"), "share"] == 100.0
    assert set(tables.columns("unit_reports")) >= set(out.index.get_level_values("field"))
