"""Issue 21's rule, "the interval printed beside a verdict is the one the verdict used":
one rounding per statistic (text and table), the baseline gap's estimate beside its own
interval, and the unadjusted pilot intervals said to be unadjusted where they are shown."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from vhcs_analysis import fmt, verdicts
from vhcs_analysis.report import context, readings

REPORT = Path(verdicts.__file__).parent / "report"


def _row(**values) -> dict:
    row = {"did_estimate": 1.2, "adj_estimate": 1.1, "did_ci_low": -0.4, "did_ci_high": 2.0,
           "adj_ci_low": -0.3, "adj_ci_high": 2.0, "p_holm": 0.3, "mde": 5.0, "direction": "higher_better"}
    row.update(values)
    return row


def test_reason__quotes_a_p_as_the_table_rounds_it():
    # seed 1: p (Holm) 0,0015 printed "0,002" in the table and "0,001" in the reason
    verdict, reason = verdicts._decide(_row(did_ci_low=0.5, adj_ci_low=0.4, p_holm=0.00149999), 0.05)
    table = fmt.p_value(fmt.as_stored("p_holm", 0.00149999))  # what the CSV-read table prints
    assert verdict == "better" and table == "0,002"
    assert f"Holm {table}" in reason and "0,001" not in reason


def test_reason__quotes_an_interval_end_as_the_table_rounds_it():
    # seed 2: an end of 0,65 printed "+0,7" in the table and "lớn hơn +0,6" in the reason
    _, reason = verdicts._decide(_row(did_ci_high=0.6499999, adj_ci_high=0.2), 0.05)
    table = readings.ci_text(-0.4, fmt.as_stored("did_ci_high", 0.6499999))
    assert table.endswith("+0,7") and "lớn hơn +0,7" in reason


def test_stored_decimals__the_csv_and_the_text_share_one_rule():
    assert fmt.stored_decimals("p_holm") == 4 and fmt.stored_decimals("did_ci_high") == 2
    assert fmt.stored_decimals("ci_low") == 3 == fmt.stored_decimals("ci_adj_high")
    assert math.isinf(fmt.as_stored("did_ci_high", math.inf)) and fmt.as_stored("verdict", "x") == "x"


def test_level_gap__appendix_estimate_is_the_one_its_interval_belongs_to():
    # seed 1: "+7,3 | -1,9 đến +15,1" while the interval's own estimate was +6,8
    table = pd.DataFrame([{"indicator": "oc_index", "indicator_vi": "Chỉ số", "pilot_mean": 60.0, "rest_mean": 52.7,
                           "gap": 6.812, "ci_low": -1.9, "ci_high": 15.1, "p_value": 0.1, "comparable": True,
                           "reason_vi": ""}])
    out = context.comparisons({"level_gap": table, "per_block": pd.DataFrame(columns=["indicator"])},
                              "oc_index", ["oc_index"])
    row = out["level_gap"][0]
    assert row["gap"] == "+7,3" and row["gap_est"] == "+6,8" and row["ci"] == "-1,9 đến +15,1"
    typ = (REPORT / "template.typ").read_text(encoding="utf-8")
    assert '("label", "gap_est", "ci", "p")' in typ and '("label", "gap", "ci", "p")' not in typ


def test_pilot_intervals__said_unadjusted_beside_the_grades():
    assert "chưa hiệu chỉnh" in readings.PILOT_CI_NOTE and "cả hai cách" in readings.PILOT_CI_NOTE
    assert "Holm" not in readings.PILOT_CI_NOTE  # it stands in the body, where no technical term may
    typ = (REPORT / "template.typ").read_text(encoding="utf-8")
    assert typ.count("#data.pilot_ci_note") == 2  # Hình "Hai cách so sánh" and Phụ lục A's table
    assert "PILOT_CI_NOTE" in (REPORT / "word.py").read_text(encoding="utf-8")
    # the whole-bloc grades' table prints the adjusted interval with its reading and sentence
    assert '("table_label", "change", "ci", "reading_cell")' in typ and "#data.goals_note" in typ
