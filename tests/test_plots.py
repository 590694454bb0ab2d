"""Charts: each kind builds a Figure from a tiny frame; files are byte-identical; sample mark."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from vhcs_analysis import plots
from vhcs_analysis.config import SAMPLE_MARK
from vhcs_analysis.labels import GROUP_VI

PERIODS = ["2016-H2", "2017-H1", "2018-H2"]


def _trend() -> pd.DataFrame:
    rows = []
    for i, period in enumerate(PERIODS):
        for group, base in (("pilot", 60.0), ("rest", 50.0)):
            mean = base + 5 * i
            rows.append({"indicator": "study_rate", "indicator_vi": "Tỷ lệ học tập", "period": period,
                         "group": group, "mean": mean, "ci_low": mean - 3, "ci_high": mean + 3})
    return pd.DataFrame(rows)


def _did() -> pd.DataFrame:
    return pd.DataFrame({"indicator_vi": ["Tỷ lệ học tập", "Tỷ lệ đúng hạn"], "estimate": [4.2, -1.0],
                         "ci_low": [0.5, -6.0], "ci_high": [8.0, 3.5], "p_value": [0.03, 0.6]})


CHARTS = {
    "trend_by_group": lambda: plots.trend_by_group(_trend(), title="Học tập", percent=True, periods=PERIODS,
                                                   baseline="2016-H2"),
    "trends_grid": lambda: plots.trends_grid(pd.concat([_trend(), _trend().assign(indicator="x",
                                                                                  indicator_vi="X")]),
                                             periods=PERIODS, percent_indicators=["study_rate"]),
    "did_forest": lambda: plots.did_forest(_did(), title="DiD"),
    "event_study": lambda: plots.event_study(
        pd.DataFrame({"indicator": "study_rate", "indicator_vi": "Học tập", "period": PERIODS,
                      "estimate": [0.0, 1.5, 3.0], "ci_low": [float("nan"), -1.0, 0.2],
                      "ci_high": [float("nan"), 4.0, 6.0]}), periods=PERIODS, baseline="2016-H2"),
    "per_block_bars": lambda: plots.per_block_bars(
        pd.DataFrame({"block": ["Khối A", "Khối B"], "difference": [2.5, -1.0], "n_rest": [8, 9]})),
    "criteria_dots": lambda: plots.criteria_dots(
        pd.DataFrame({"criterion": ["c01", "c01", "c02", "c02"], "criterion_vi": ["Trang phục"] * 2 + ["Thẻ"] * 2,
                      "group": ["pilot", "rest"] * 2, "mean_score": [8.5, 7.9, 9.1, 8.0],
                      "ci_low": [8.0, 7.5, 8.7, 7.6], "ci_high": [9.0, 8.3, 9.5, 8.4]})),
    "rollout_bars": lambda: plots.rollout_bars(
        pd.DataFrame({"measure_vi": ["Học tập", "Học tập", "Chương trình", "Chương trình"],
                      "group": ["pilot", "rest"] * 2, "value": [98.0, 90.5, 100.0, 85.0]})),
    "completeness_chart": lambda: plots.completeness_chart(
        pd.DataFrame({"period": PERIODS, "n_on_time": [50, 55, 60], "n_late": [10, 6, 4], "n_missing": [6, 5, 2]})),
    "rejects_bar": lambda: plots.rejects_bar(
        pd.DataFrame({"reason_vi": ["Đơn vị không có trong danh mục", "Số âm"], "n_rows": [12, 3]})),
    "ratings_bars": lambda: plots.ratings_bars(
        pd.DataFrame({"round_id": ["2017-1", "2017-1", "2018-1"], "rating": ["Tốt", "Khá", "Yếu"],
                      "n_units": [5, 3, 1]})),
    "ranking_transition": lambda: plots.ranking_transition(
        pd.DataFrame({"level_current": [1, 2, 2], "level_proposed": [1, 2, 3], "n_units": [4, 10, 2]}),
        level_names={1: "Xuất sắc", 2: "Tốt", 3: "Hoàn thành", 4: "Không hoàn thành"}),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart__returns_figure_with_axes(name):
    fig = CHARTS[name]()
    assert isinstance(fig, Figure)
    assert fig.axes


@pytest.mark.parametrize("func", [plots.did_forest, plots.completeness_chart, plots.rejects_bar,
                                  plots.criteria_dots, plots.ranking_transition, plots.trends_grid])
def test_chart__empty_frame_says_no_data(func):
    fig = func(pd.DataFrame())
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert plots.NO_DATA in texts


def test_save_figure__svg_twice_is_byte_identical(tmp_path):
    first = plots.save_figure(CHARTS["trend_by_group"](), tmp_path / "a.svg").read_bytes()
    second = plots.save_figure(CHARTS["trend_by_group"](), tmp_path / "b.svg").read_bytes()
    assert first == second
    assert b"<dc:date>" not in first


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_save_figure__png_and_pdf_twice_are_byte_identical(tmp_path, suffix):
    first = plots.save_figure(CHARTS["did_forest"](), tmp_path / f"a{suffix}").read_bytes()
    second = plots.save_figure(CHARTS["did_forest"](), tmp_path / f"b{suffix}").read_bytes()
    assert first == second


def test_save_figure__svg_text_is_paths_not_fonts(tmp_path):
    svg = plots.save_figure(CHARTS["rejects_bar"](), tmp_path / "a.svg").read_text("utf-8")
    assert "<text" not in svg
    assert "font-family" not in svg


def test_mark_sample__mark_in_figure_texts_and_svg_title(tmp_path):
    fig = plots.mark_sample(CHARTS["did_forest"](), is_sample=True)
    assert SAMPLE_MARK in [t.get_text() for t in plots.sample_marks(fig)]
    svg = plots.save_figure(fig, tmp_path / "a.svg").read_text("utf-8")
    assert f"<dc:title>{SAMPLE_MARK}</dc:title>" in svg


def test_mark_sample__real_data_is_not_marked(tmp_path):
    fig = plots.mark_sample(CHARTS["did_forest"](), is_sample=False)
    assert not plots.is_marked(fig)
    assert SAMPLE_MARK not in plots.save_figure(fig, tmp_path / "a.svg").read_text("utf-8")


def test_mark_sample__twice_stamps_once():
    fig = plots.mark_sample(plots.mark_sample(CHARTS["did_forest"]()))
    assert [t.get_text() for t in plots.sample_marks(fig)].count(SAMPLE_MARK) == 1


def test_percent_formatter__vietnamese_comma_decimal():
    assert plots.percent_formatter(1)(85.5, 0) == "85,5%"
    assert plots.number_formatter(1)(1234.5, 0) == "1.234,5"


def test_number_formatter__decimals_follow_the_tick_step():
    formatter = plots.number_formatter()
    formatter.set_locs([1.9, 1.95, 2.0, 2.05])
    assert [formatter(x) for x in (1.9, 1.95, 2.0)] == ["1,90", "1,95", "2,00"]
    formatter.set_locs([0, 1000, 2000])
    assert formatter(1000) == "1.000"


def test_number_formatter__quarter_steps_are_not_rounded_to_another_value():
    formatter = plots.number_formatter()
    formatter.set_locs([0.0, 2.5, 5.0, 7.5])
    assert [formatter(x) for x in (0.0, 2.5, 5.0, 7.5)] == ["0,0", "2,5", "5,0", "7,5"]
    formatter.set_locs([0.30000000000000004, 0.6000000000000001, 0.9])  # float noise from the locator
    assert formatter(0.6000000000000001) == "0,6"


def test_pilot_and_rest_colours__same_in_every_chart():
    from matplotlib.colors import to_hex

    for name in ("trend_by_group", "trends_grid", "rollout_bars"):
        fig = CHARTS[name]()
        (legend,) = fig.legends
        handles = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}
        for group, colour in (("pilot", plots.PILOT_COLOR), ("rest", plots.REST_COLOR)):
            handle = handles[GROUP_VI[group]]
            drawn = handle.get_color() if hasattr(handle, "get_marker") else handle.get_facecolor()
            assert to_hex(drawn) == colour.lower(), (name, group)


# ----------------------------------------------------------------------------- many periods


def _half_years(n: int) -> list[str]:
    out, year, half = [], 2016, 2
    for _ in range(n):
        out.append(f"{year}-H{half}")
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return out


def _period_charts(periods: list[str]) -> dict[str, Figure]:
    trend = pd.DataFrame([
        {"indicator": code, "indicator_vi": code, "period": p, "group": g, "mean": 50.0 + i + (g == "pilot"),
         "ci_low": 45.0 + i, "ci_high": 55.0 + i}
        for code in ("study_rate", "on_time_rate", "oc_index", "inspection_score")
        for i, p in enumerate(periods) for g in ("pilot", "rest")
    ])
    events = trend[trend["group"] == "pilot"].assign(estimate=1.0, ci_low=-1.0, ci_high=3.0)
    counts = pd.DataFrame({"period": periods, "n_on_time": 50, "n_late": 10, "n_missing": 6})
    one = trend[trend["indicator"] == "study_rate"]
    return {
        "trend_by_group": plots.trend_by_group(one, title="Học tập", periods=periods, baseline=periods[0]),
        "trends_grid": plots.trends_grid(trend, periods=periods, baseline=periods[0]),
        "event_study": plots.event_study(events, periods=periods, baseline=periods[0]),
        "completeness_chart": plots.completeness_chart(counts),
    }


def _overlapping_tick_labels(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of visible x tick labels whose boxes intersect, measured on a real render."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
        for i, (text_a, a) in enumerate(boxes):
            for text_b, b in boxes[i + 1:]:
                if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1:
                    pairs.append((text_a, text_b))
    return pairs


@pytest.mark.parametrize("n", [2, 5, 11, 12])
def test_period_charts__tick_labels_never_overlap(n):
    for name, fig in _period_charts(_half_years(n)).items():
        assert not _overlapping_tick_labels(fig), (name, n)


def test_period_charts__eleven_periods_show_first_and_last():
    periods = _half_years(11)
    assert periods[-1] == "2021-H2"
    for name, fig in _period_charts(periods).items():
        shown = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_visible() and t.get_text()]
        assert "2016" in shown[0], name
        assert len(fig.axes[0].get_xticks()) == 11, name


# ----------------------------------------------------------------------------- print


def _legend_styles(fig: Figure) -> dict[str, tuple]:
    """Each legend entry's grayscale-visible style: dash pattern, marker and hatch."""
    (legend,) = fig.legends
    return {text.get_text(): _style(handle) for text, handle in zip(legend.get_texts(), legend.legend_handles)}


def _style(artist) -> tuple:
    """Dash pattern (None: solid; seaborn writes every style as a dash pattern), marker, hatch."""
    dashes = getattr(artist, "_dash_pattern", (0, None))[1]
    return (tuple(dashes) if dashes else None, getattr(artist, "get_marker", lambda: None)(),
            getattr(artist, "get_hatch", lambda: None)())


@pytest.mark.parametrize("name", ["trend_by_group", "trends_grid", "rollout_bars", "criteria_dots"])
def test_two_group_charts__pilots_and_rest_differ_without_colour(name):
    styles = _legend_styles(CHARTS[name]())
    assert styles[GROUP_VI["pilot"]] != styles[GROUP_VI["rest"]], styles


def test_trend_lines__pilot_solid_with_circles_rest_dashed_with_squares():
    fig = CHARTS["trend_by_group"]()
    styles = _legend_styles(fig)
    assert styles[GROUP_VI["pilot"]][:2] == (None, "o")
    assert styles[GROUP_VI["rest"]][0] is not None and styles[GROUP_VI["rest"]][1] == "s"
    drawn = [_style(line)[:2] for line in fig.axes[0].get_lines() if len(line.get_xdata()) > 2]
    assert (None, "o") in drawn and styles[GROUP_VI["rest"]][:2] in drawn


def test_trend_charts__say_each_period_is_every_unit_that_reported():
    # issue 21: Hình 6 plotted every unit of each period beside tables on the units with both periods
    for fig in (CHARTS["trend_by_group"](), CHARTS["trends_grid"]()):
        assert fig.legends[0].get_title().get_text() == plots.PER_PERIOD_NOTE_VI
        assert "mọi đơn vị có báo cáo trong kỳ" in plots.PER_PERIOD_NOTE_VI
    assert plots.trend_by_group(_trend(), periods=PERIODS, basis="").legends[0].get_title().get_text() == ""


def test_did_forest__two_methods_differ_in_marker_and_line():
    fig = plots.did_forest(_did().rename(columns=lambda c: c if c == "indicator_vi" else f"did_{c}")
                           .assign(adj_estimate=1.0, adj_ci_low=-1.0, adj_ci_high=3.0))
    handles = fig.axes[0].get_legend().legend_handles
    assert len({h.get_marker() for h in handles}) == 2


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart__every_text_at_least_8_points_at_print_size(name):
    from matplotlib.text import Text

    fig = plots.mark_sample(CHARTS[name]())
    small = [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_fontsize() < plots.MIN_FONT_SIZE]
    assert not small
    assert plots.MIN_FONT_SIZE >= 8


def test_percentage_axes__start_at_zero():
    assert CHARTS["trend_by_group"]().axes[0].get_ylim()[0] == 0
    grid = CHARTS["trends_grid"]()
    percent_panel = next(ax for ax in grid.axes if "Tỷ lệ học tập" in ax.get_title(loc="left"))
    assert percent_panel.get_ylim()[0] == 0
    assert CHARTS["rollout_bars"]().axes[0].get_ylim()[0] == 0
    assert CHARTS["ratings_bars"]().axes[0].get_ylim() == (0, 100)


def test_indicator_charts__show_unit_and_better_direction():
    one = plots.trend_by_group(_trend().assign(indicator="on_time_rate"), percent=True, periods=PERIODS)
    assert one.axes[0].get_ylabel() == "%, ↑ cao hơn là tốt"
    lower = _trend().assign(indicator="complaints_per_100", indicator_vi="Phản ánh")
    grid = plots.trends_grid(pd.concat([_trend(), lower]), periods=PERIODS)
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in grid.axes]
    assert any("↓ thấp hơn là tốt" in t and "lượt/100 người" in t for t in titles), titles
    assert any("↑ cao hơn là tốt" in t and "%" in t for t in titles), titles
    assert "↑ cao hơn là tốt" in CHARTS["criteria_dots"]().axes[0].get_xlabel()
    gaps = plots.event_study(pd.DataFrame({"indicator": "on_time_rate", "indicator_vi": "Đúng hạn", "period": PERIODS,
                                           "estimate": [0.0, 1.0, 2.0], "ci_low": -1.0, "ci_high": 3.0}),
                             periods=PERIODS)
    assert "điểm phần trăm, ↑ cao hơn là tốt" in gaps.axes[0].get_title(loc="left").replace("\n", " ")


def test_ratings_bars__rounds_of_different_size_become_shares():
    fig = plots.ratings_bars(pd.DataFrame({"round_id": ["1", "1", "2", "2"], "rating": ["Tốt", "Khá"] * 2,
                                           "n_units": [60, 20, 3, 1]}))
    ax = fig.axes[0]
    tops = {}
    for bar in ax.patches:
        x = round(bar.get_x(), 3)
        tops[x] = max(tops.get(x, 0.0), bar.get_y() + bar.get_height())
    assert sorted(round(v, 6) for v in tops.values()) == [100.0, 100.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Đợt 1\n(n = 80)", "Đợt 2\n(n = 4)"]
    assert len({bar.get_hatch() for bar in ax.patches}) == 2
