"""The indicator registry (maps/indicators.toml): read once and checked; every field
consistent; one clear error for an unknown code or a broken file; and no consumer prints an
interval end outside what the registry says an indicator (or a change of it) can take."""

from __future__ import annotations

import math
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import indicator_registry as reg
from vhcs_analysis import indicators, intervals, plots, verdicts
from vhcs_analysis.settings import package_defaults
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.report import readings

CODES = reg.codes()
TEXT = resources.files("vhcs_analysis").joinpath(reg.REGISTRY_FILE).read_text("utf-8")


def test_registry__loads_every_indicator_of_the_panel_once():
    assert len(CODES) == len(set(CODES)) == 15
    assert CODES == indicators.INDICATOR_NAMES
    assert list(indicators.INDICATORS["name"]) == list(CODES)
    assert reg.registry() is reg.registry()  # read once per process


@pytest.mark.parametrize("code", CODES)
def test_registry__every_field_present_and_consistent(code):
    spec = reg.indicator(code)
    low, high = spec.bounds
    s_low, s_high = reg.SCALES[spec.scale]
    assert s_low <= low < high <= s_high
    assert spec.measures in reg.goals() and spec.kind in reg.KINDS and spec.aggregate in reg.AGGREGATES
    assert all(str(getattr(spec, f)).strip() for f in ("label_vi", "short_label_vi", "unit", "diff_unit_vi",
                                                          "source_fields"))
    if spec.is_percent:
        assert spec.bounds == (0.0, 100.0) and spec.unit in ("%", "0/100")
    assert spec.difference_bounds == (low - high, high - low)
    assert spec.direction == ("higher_better" if spec.higher_is_better else "lower_better")


def test_registry__the_facts_the_statistics_rest_on():
    assert reg.bounds("study_rate") == (0.0, 100.0)
    assert reg.bounds("complaints_per_100") == (0.0, math.inf)
    assert not reg.higher_is_better("violations_per_100") and reg.higher_is_better("oc_index")
    assert reg.indicator("on_time_rate").is_percent and not reg.indicator("oc_index").is_percent
    assert reg.indicator("action_programme").kind == "adoption" and reg.indicator("study_rate").kind == "outcome"
    # the defaults compare outcomes only and show the one-time steps
    compare = package_defaults().compare
    assert {reg.indicator(c).kind for c in compare.family} == {"outcome"}
    assert {reg.indicator(c).kind for c in compare.adoption_items} == {"adoption"}


@pytest.mark.parametrize("ask", [reg.indicator, reg.bounds, reg.difference_bounds, reg.higher_is_better,
                                 reg.label_vi, readings.change_unit_and_direction, readings.span_of,
                                 readings.is_percent,
                                 lambda c: readings.level_text(c, 50.0)])
def test_unknown_code__one_clear_error_never_a_guess(ask):
    with pytest.raises(reg.UnknownIndicatorError) as info:
        ask("no_such_code")
    assert isinstance(info.value, KeyError) and isinstance(info.value, VhcsError)
    assert "'no_such_code'" in str(info.value) and "maps/indicators.toml" in str(info.value)


def test_unknown_code__a_chart_of_any_other_column_gets_no_unit_or_direction():
    assert reg.find("no_such_code") is None
    assert plots.better_vi("x") == "" and plots.unit_vi("x") == ""
    assert plots.unit_vi("on_time_rate") == "%" and plots.unit_vi("on_time_rate", difference=True) == "điểm phần trăm"


def test_unknown_code__describe_by_group_needs_the_range_of_a_column_it_does_not_know():
    frame = pd.DataFrame({"period": ["P"] * 4, "is_pilot": [True, True, False, False], "x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(reg.UnknownIndicatorError):
        intervals.describe_by_group(frame, "x")
    assert len(intervals.describe_by_group(frame, "x", bounds=(-np.inf, np.inf))) == 2


def _first_entry(text: str) -> tuple[int, int]:
    start = text.index("\n[[indicator]]\n") + 1
    return start, text.index("\n[[indicator]]\n", start) + 1


def _broken(old: str, new: str) -> str:
    """The registry with one change inside its first entry (study_rate)."""
    start, end = _first_entry(TEXT)
    entry = TEXT[start:end]
    assert old in entry
    return TEXT[:start] + entry.replace(old, new, 1) + TEXT[end:]


@pytest.mark.parametrize("text, key", [
    (_broken('unit = "%"\n', ""), "unit"),  # a key missing
    (_broken("decimals = 1", 'decimals = "1"'), "decimals"),  # a wrong type
    (_broken("decimals = 1", "decimals = true"), "decimals"),  # a bool is not a number of decimals
    (_broken("bounds = [0.0, 100.0]", "bounds = [0.0, 120.0]"), "bounds"),  # outside its scale
    (_broken("bounds = [0.0, 100.0]", "bounds = [100.0, 0.0]"), "bounds"),
    (_broken("bounds = [0.0, 100.0]", "bounds = [0.0]"), "bounds"),
    (_broken('scale = "percent"', 'scale = "per_100"'), "is_percent"),  # a percent not on 0–100
    (_broken('scale = "percent"', 'scale = "percentage"'), "scale"),
    (_broken('measures = "NV1"', 'measures = "NV9"'), "measures"),  # an unknown goal
    (_broken('kind = "outcome"', 'kind = "result"'), "kind"),
    (_broken('aggregate = "mean"', 'aggregate = "median"'), "aggregate"),
    (_broken('label_vi = "Tỷ lệ CBCCVC đã học tập, quán triệt Nghị quyết 01"', 'label_vi = "  "'), "label_vi"),
    (_broken('kind = "outcome"', 'kind = "outcome"\nhigher_is_beter = true'), "higher_is_beter"),  # a typo
    (_broken('name = "study_rate"', 'name = "oc_index"'), "name"),  # a repeated code
])
def test_broken_registry__stops_with_the_file_the_entry_and_the_key(text, key):
    with pytest.raises(reg.IndicatorRegistryError) as info:
        reg.parse_registry(text)
    message = str(info.value)
    assert "maps/indicators.toml" in message and f"khóa '{key}'" in message
    assert re.search(r"mục \[\[indicator\]\] thứ \d+", message)


@pytest.mark.parametrize("text", ["[goals\n", "[goals]\n", TEXT.replace("[goals]", "[goal]"),
                                  TEXT[:TEXT.index("\n[[indicator]]\n")]])
def test_broken_registry__not_toml_or_no_goals_or_no_indicator(text):
    with pytest.raises(reg.IndicatorRegistryError, match="maps/indicators.toml"):
        reg.parse_registry(text)


def test_broken_registry__a_missing_file_is_named(tmp_path):
    with pytest.raises(reg.IndicatorRegistryError, match="maps/indicators.toml.*không đọc được"):
        reg.read_registry(tmp_path / "indicators.toml")
    (tmp_path / "indicators.toml").write_text(TEXT, "utf-8")
    assert reg.read_registry(tmp_path / "indicators.toml") == reg.registry()


def test_settings__reject_what_the_registry_does_not_allow():
    from vhcs_analysis.errors import ConfigError
    from vhcs_analysis.settings import validate

    base = package_defaults().model_dump(mode="json")

    def with_(section: str, **values) -> dict:
        out = {k: dict(v) for k, v in base.items()}
        out[section].update(values)
        return out

    validate(base, "vhcs.toml")
    for section, values, key in [
        ("compare", {"family": ["oc_index", "action_programme"]}, "family"),  # an adoption step compared
        ("compare", {"adoption_items": ["study_rate"]}, "adoption_items"),
        ("compare", {"family": ["oc_index", "x"]}, "family"),
        ("indicators", {"index_weights": {"oc_index": 1.0, "study_rate": 1.0}}, "index_weights"),
        ("indicators", {"index_penalty": {"study_rate": 5.0}}, "index_penalty"),  # higher is better: no penalty
        ("good_practices", {"min_gain_by_indicator": {"x": 1.0}}, "min_gain_by_indicator"),
    ]:
        with pytest.raises(ConfigError, match=rf"vhcs.toml: khóa \[{section}\] {key}"):
            validate(with_(section, **values), "vhcs.toml")


# ---------------------------------------------------------------- the bug class
# "−10.378.691,2 đến +8.467.770,0" in the baseline-level table: an interval end far outside
# what the indicator can take, because its range was answered differently in four places.

def _extreme_panel(seed: int, rising: bool = False) -> pd.DataFrame:
    """7 blocks of 4 units (one pilot each) at two periods, every indicator's values piled
    at the ends of its range (or spread wide when it has no upper end); ``rising``: from
    the bottom for all to the top for most (a step nearly everyone took: a mean change
    near the largest possible); the composite computed from them."""
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(7):
        for u in range(4):
            for period in ("2016-H2", "2018-H2"):
                row = {"unit_id": f"U{b}{u}", "block": f"K{b}", "is_pilot": u == 0, "period": period}
                for code in CODES:
                    low, high = reg.bounds(code)
                    top = high if math.isfinite(high) else 40.0
                    if rising:
                        row[code] = top if period == "2018-H2" and rng.random() < 0.85 + 0.02 * b else low
                    else:
                        row[code] = float(rng.choice([low, top, low + (top - low) * rng.random()],
                                                     p=[0.4, 0.4, 0.2]))
                rows.append(row)
    panel = pd.DataFrame(rows)
    panel["oc_index"] = indicators.composite_index(panel, package_defaults().indicators)["oc_index"]
    return panel


@pytest.mark.parametrize("code", CODES)
def test_no_consumer__puts_an_interval_end_outside_the_registry_range(code):
    low, high = reg.bounds(code)
    d_low, d_high = reg.difference_bounds(code)
    settings = package_defaults()
    for seed in range(3):
        panel = _extreme_panel(seed)
        levels = intervals.describe_by_group(panel, code)  # trends.csv, the notebooks' level bands
        ends = levels[["ci_low", "ci_high"]].to_numpy(float)
        ends = ends[~np.isnan(ends)]
        assert ((ends >= low) & (ends <= high)).all()
        table = verdicts.assess(panel, "2016-H2", "2018-H2", settings, indicators=[code], mc_draws=200,
                                exact_limit=10)  # pilot_effects.csv
        for col in ("did_ci_low", "did_ci_high", "adj_ci_low", "adj_ci_high"):
            value = float(table.loc[0, col])
            assert math.isnan(value) or math.isinf(value) or d_low <= value <= d_high
        change = (panel[panel["period"] == "2018-H2"][code].to_numpy()
                  - panel[panel["period"] == "2016-H2"][code].to_numpy())
        blocks = panel[panel["period"] == "2018-H2"]["block"].to_numpy()
        _, lo, hi, _ = intervals.clustered_mean_ci(change, blocks, level=0.999,
                                                   bounds=reg.difference_bounds(code))  # indicators_by_goal
        assert math.isnan(lo) or d_low <= lo <= hi <= d_high


@pytest.mark.parametrize("seed", range(3))
def test_indicators_by_goal__change_intervals_inside_what_a_change_can_take(seed):
    from vhcs_analysis.review import ReviewData
    from vhcs_analysis.review.rollout import indicators_by_goal

    empty = pd.DataFrame()
    data = ReviewData(empty, empty, empty, empty, empty, empty, manifest={}, settings=package_defaults(),
                      _cache={"panel": _extreme_panel(seed, rising=True)})
    table = indicators_by_goal(data)
    assert set(table["indicator"]) == set(CODES)
    for row in table.to_dict("records"):
        d_low, d_high = reg.difference_bounds(row["indicator"])
        for end in (row["ci_low"], row["ci_high"]):
            assert math.isnan(end) or d_low <= end <= d_high


@pytest.mark.parametrize("code", [c for c in CODES if math.isfinite(reg.bounds(c)[1])])
def test_no_consumer__prints_the_old_impossible_interval(code):
    text = readings.ci_text(-10378691.2, 8467770.0, span=readings.span_of(code))
    assert text == readings.UNBOUNDED_VI and "10.378.691" not in text
    assert readings.ci_text(-1.5, 2.5, span=readings.span_of(code)) == "-1,5 đến +2,5"


@pytest.mark.parametrize("seed", range(3))
def test_indicators_by_goal__prints_the_interval_its_assessment_used(seed):
    """Issue 21: the interval beside a whole-bloc grade is the Bonferroni-adjusted one the
    grade was decided with (new last columns ci_adj_low/ci_adj_high), never the unadjusted 95%."""
    from vhcs_analysis.review import ReviewData
    from vhcs_analysis.review.rollout import indicators_by_goal

    empty = pd.DataFrame()
    data = ReviewData(empty, empty, empty, empty, empty, empty, manifest={}, settings=package_defaults(),
                      _cache={"panel": _extreme_panel(seed, rising=bool(seed % 2))})
    table = indicators_by_goal(data)
    assert list(table.columns[-2:]) == ["ci_adj_low", "ci_adj_high"]
    for row in table.to_dict("records"):
        lo, hi = row["ci_adj_low"], row["ci_adj_high"]
        if row["assessment"] == "no_data":
            assert math.isnan(lo) and math.isnan(hi)
            continue
        assert lo <= row["ci_low"] and row["ci_high"] <= hi  # wider than the 95% one
        assert (row["assessment"] == "no_clear_change") == (lo <= 0 <= hi)
    rows = readings.goal_rows(table)
    for row, shown in zip(table.to_dict("records"), rows, strict=True):
        span = readings.span_of(row["indicator"])
        assert shown["ci"] == readings.ci_text(row["ci_adj_low"], row["ci_adj_high"], span=span)
        assert shown["ci_95"] == readings.ci_text(row["ci_low"], row["ci_high"], span=span)
    m = int(table["ci_low"].notna().sum())
    assert f"cùng lúc {m} chỉ tiêu" in readings.goals_adjusted_note(table)
