"""Charts over periods and of pilot-vs-rest comparisons (trends, DiD forest, event study, per block)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn.objects as so
from matplotlib.figure import Figure

from vhcs_analysis import fmt
from vhcs_analysis.labels import GROUP_VI
from vhcs_analysis.periods import period_vi
from vhcs_analysis.plots.theme import (
    OKABE_ITO, PILOT_COLOR, GROUP_COLORS, GROUP_MARKERS, GROUP_LINESTYLES, MIN_FONT_SIZE, CM, FULL_WIDTH, TALL,
    THEME, theme, number_formatter, percent_formatter, signed_formatter, wrap, better_vi, unit_vi, axis_note,
    percent_axis, fit_period_labels, _new_figure, _no_data, _is_empty, _one_axes_figure, _rows_figure,
    _legend_below, PER_PERIOD_NOTE_VI,
)


def _trend_plot(df: pd.DataFrame, order: list[str]) -> tuple[so.Plot, list[str]]:
    """Mean per period for each group, its 95% band (``ci_low``–``ci_high``, computed by
    ``indicators``: seaborn draws the band as given) and the group's colour and marker.
    Returns the plot (no target yet) and the groups drawn, in legend order."""
    groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
    xpos = {p: i for i, p in enumerate(order)}
    data = df[df["period"].isin(order)].assign(x=lambda d: d["period"].map(xpos).astype(float),
                                                group_vi=lambda d: d["group"].map(GROUP_VI))
    data = data.sort_values(["group", "x"]).reset_index(drop=True)
    plot = so.Plot(data, x="x", y="mean", color="group_vi", marker="group_vi", linestyle="group_vi")
    if {"ci_low", "ci_high"} <= set(data.columns):
        plot = plot.add(so.Band(alpha=0.18, edgewidth=0), ymin="ci_low", ymax="ci_high", legend=False)
    labels = [GROUP_VI[g] for g in groups]
    plot = (plot.add(so.Line(linewidth=1.6, pointsize=4))
            .scale(color=so.Nominal([GROUP_COLORS[g] for g in groups], order=labels),
                   marker=so.Nominal([GROUP_MARKERS[g] for g in groups], order=labels),
                   linestyle=so.Nominal([GROUP_LINESTYLES[g] for g in groups], order=labels))
            .label(x="", y="", color="", marker="", linestyle="")
            .theme(THEME))
    return plot, groups


def _plain_scales(ax, formatter) -> None:
    """Linear matplotlib scales again after seaborn.objects drew (its own scale objects
    cannot be copied, and ``fit_period_labels`` measures on a copy), with Vietnamese
    tick labels on the value axis."""
    ax.set_xscale("linear")
    ax.set_yscale("linear")
    ax.yaxis.set_major_formatter(formatter)


def _period_axis(ax, order: list[str], baseline: str | None, *, short: bool, pad: float = 0.3) -> None:
    """Periods as tick labels in Vietnamese (``pad``: room left of the first and right of
    the last, in periods), and the baseline as a dotted line."""
    if baseline is not None and baseline in order:
        ax.axvline(order.index(baseline), color="#777777", linewidth=0.8, linestyle=":")
    ax.set_xticks(range(len(order)), [period_vi(p, "chart_short" if short else "chart") for p in order])
    ax.set_xlim(-pad, len(order) - 1 + pad)


def _indicator_of(df: pd.DataFrame) -> str:
    """The one indicator code a frame is about ("" when it names none or several)."""
    codes = set(df["indicator"].dropna().astype(str)) if "indicator" in df.columns else set()
    return codes.pop() if len(codes) == 1 else ""


def trend_by_group(
    df: pd.DataFrame,
    *,
    title: str = "",
    ylabel: str = "",
    percent: bool = False,
    periods: Sequence[str] | None = None,
    baseline: str | None = None,
    basis: str = PER_PERIOD_NOTE_VI,
) -> Figure:
    """Mean per period for pilots and the rest with 95% bands. The value axis starts at 0
    for a percentage; its label names the unit and, for an indicator (``df``'s
    ``indicator`` column), which direction is better. ``basis``: which units each period's
    mean is over, above the legend (default: ``review.trend_of``'s; "" for none).

    ``df``: ``period, group, mean, ci_low, ci_high`` (``group`` in pilot/rest/all;
    optional ``indicator``).
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["mean"], title)
        if empty is not None:
            return empty
        order = list(periods) if periods is not None else sorted(df["period"].astype(str).unique())
        plot, _ = _trend_plot(df, order)
        plot.on(ax).plot()
        _plain_scales(ax, percent_formatter() if percent else number_formatter())
        _period_axis(ax, order, baseline, short=False)
        if percent:
            percent_axis(ax)
        ax.set_title(wrap(title), loc="left")
        code = _indicator_of(df)
        ax.set_ylabel(axis_note(ylabel, "" if ylabel else unit_vi(code) or ("%" if percent else ""),
                                 better_vi(code)))
        _legend_below(fig, basis)
        fit_period_labels(fig, [ax])
        return fig


def trends_grid(
    df: pd.DataFrame,
    *,
    periods: Sequence[str] | None = None,
    baseline: str | None = None,
    percent_indicators: Sequence[str] = (),
    ncols: int = 2,
    basis: str = PER_PERIOD_NOTE_VI,
) -> Figure:
    """Small multiples of ``trend_by_group``: one panel per indicator, each with its own
    value axis (percent from 0 for ``percent_indicators``) and its unit and better
    direction in the panel title; ``basis`` above the legend as in ``trend_by_group``.

    ``df``: ``indicator, indicator_vi, period, group, mean, ci_low, ci_high``.
    """
    with theme():
        if _is_empty(df, "mean"):
            fig, axes = _new_figure(TALL)
            return _no_data(fig, axes[0, 0])
        indicators = list(dict.fromkeys(df["indicator"]))
        nrows = int(np.ceil(len(indicators) / ncols))
        fig = Figure(figsize=(TALL[0], max(5.0, 4.6 * nrows) * CM), layout="constrained")
        order = list(periods) if periods is not None else sorted(df["period"].astype(str).unique())
        plot, _ = _trend_plot(df, order)
        (plot.facet(col="indicator", order=indicators, wrap=ncols)
         .share(x=False, y=False)
         .on(fig).plot())
        for ax, code in zip(fig.axes, indicators):
            part = df[df["indicator"] == code]
            title = str(part["indicator_vi"].iloc[0]) if "indicator_vi" in part else str(code)
            _plain_scales(ax, percent_formatter() if code in percent_indicators else number_formatter())
            _period_axis(ax, order, baseline, short=True)
            if code in percent_indicators:
                percent_axis(ax)
            ax.set_title("")  # seaborn's facet title (the code), centred
            ax.set_title(wrap(axis_note(title, unit_vi(code), better_vi(code)), 40), loc="left",
                         fontsize=MIN_FONT_SIZE)
        _legend_below(fig, basis)
        fit_period_labels(fig, list(fig.axes))
        return fig


def did_forest(df: pd.DataFrame, *, title: str = "",
               xlabel: str = "Chênh lệch thay đổi: đơn vị điểm − đơn vị cùng khối (đơn vị của từng chỉ tiêu)",
               ) -> Figure:
    """Estimates and 95% intervals per indicator, with a zero line.

    ``df``: ``indicator_vi`` and either ``did_estimate, did_ci_low, did_ci_high`` plus
    ``adj_*`` (the verdict table: both methods drawn, DiD above, baseline-adjusted below)
    or ``estimate, ci_low, ci_high`` (optional ``p_value``). Ends that the data cannot
    bound (±inf) are drawn to the edge with an arrow."""
    with theme():
        two = "did_estimate" in df.columns
        fig, ax, empty = _rows_figure(df, "did_estimate" if two else "estimate", title, base=1.2,
                                      per_row=1.5 if two else 1.1)
        if empty is not None:
            return empty
        rows = df.reset_index(drop=True)
        y = np.arange(len(rows))[::-1].astype(float)
        # two methods, not two groups: black and grey, so as not to read as pilots and the rest
        series = ([("did", "Chênh lệch thay đổi", OKABE_ITO["black"], 0.17, "-", "o"),
                   ("adj", "Điều chỉnh theo kỳ gốc", OKABE_ITO["grey"], -0.17, "--", "D")]
                  if two else [("", "", PILOT_COLOR, 0.0, "-", "o")])
        finite = []
        for key, *_ in series:
            pre = f"{key}_" if key else ""
            for col in (f"{pre}estimate", f"{pre}ci_low", f"{pre}ci_high"):
                vals = rows[col].astype(float).to_numpy()
                finite.extend(vals[np.isfinite(vals)].tolist())
        span = (min(finite + [0.0]), max(finite + [0.0]))
        pad = 0.08 * ((span[1] - span[0]) or 1.0)
        left, right = span[0] - pad, span[1] + pad
        for key, label, color, dy, linestyle, marker in series:
            pre = f"{key}_" if key else ""
            est = rows[f"{pre}estimate"].astype(float).to_numpy()
            lo = rows[f"{pre}ci_low"].astype(float).to_numpy()
            hi = rows[f"{pre}ci_high"].astype(float).to_numpy()
            yy = y + dy
            ax.hlines(yy, np.clip(lo, left, right), np.clip(hi, left, right), color=color, linewidth=1.8,
                      linestyle=linestyle)
            ax.plot(est, yy, marker, color=color, markersize=5, linestyle=linestyle, linewidth=0,
                    label=label or None)
            for yi, low, high in zip(yy, lo, hi):
                if np.isinf(low):
                    ax.annotate("", (left, yi), xytext=(left + pad, yi),
                                arrowprops={"arrowstyle": "->", "color": color})
                if np.isinf(high):
                    ax.annotate("", (right, yi), xytext=(right - pad, yi),
                                arrowprops={"arrowstyle": "->", "color": color})
        ax.set_xlim(left, right)
        ax.axvline(0, color="#333333", linewidth=0.9)
        names = rows["indicator_vi"].astype(str)
        if "indicator" in rows:  # which side is better differs between indicators
            names = [wrap(axis_note(n, better_vi(c)), 40)
                     for n, c in zip(names, rows["indicator"].astype(str))]
        ax.set_yticks(y, list(names))
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(signed_formatter())
        if not two and "p_value" in rows:
            ax.margins(x=0.12)  # room for the p-value labels right of the intervals
            for yi, h, p in zip(y, rows["ci_high"].astype(float), rows["p_value"]):
                if pd.notna(h) and np.isfinite(h) and pd.notna(p):
                    ax.annotate(f"p = {fmt.p_value(p)}" if p >= 0.001 else f"p {fmt.p_value(p)}",
                                (h, yi), xytext=(4, 0), textcoords="offset points", va="center",
                                fontsize=MIN_FONT_SIZE)
        if two:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False,
                      fontsize=MIN_FONT_SIZE)
        ax.set_xlabel(wrap(xlabel, 60))
        ax.set_title(wrap(title, 40), loc="left")
        return fig


def event_study(df: pd.DataFrame, *, periods: Sequence[str] | None = None, baseline: str | None = None,
                ncols: int = 2) -> Figure:
    """Pilot − rest gap per period relative to baseline, one panel per indicator, with its
    95% interval (``ci_low``–``ci_high`` as given).

    ``df``: ``indicator, indicator_vi, period, estimate, ci_low, ci_high``.
    """
    with theme():
        if _is_empty(df, "estimate"):
            fig, axes = _new_figure()
            return _no_data(fig, axes[0, 0])
        indicators = list(dict.fromkeys(df["indicator"]))
        ncols = min(ncols, len(indicators))
        nrows = int(np.ceil(len(indicators) / ncols))
        fig = Figure(figsize=(FULL_WIDTH[0], max(6.0, 5.0 * nrows) * CM), layout="constrained")
        order = list(periods) if periods is not None else sorted(df["period"].astype(str).unique())
        xpos = {p: i for i, p in enumerate(order)}
        data = (df[df["period"].isin(order)]
                .assign(x=lambda d: d["period"].map(xpos).astype(float),
                        **{c: lambda d, c=c: d[c].astype(float) for c in ("estimate", "ci_low", "ci_high")})
                .sort_values(["indicator", "x"]).reset_index(drop=True))
        (so.Plot(data, x="x", y="estimate")
         .facet(col="indicator", order=indicators, wrap=ncols)
         .share(x=False, y=False)
         .add(so.Range(color=PILOT_COLOR, linewidth=1.6), ymin="ci_low", ymax="ci_high")
         .add(so.Line(color=PILOT_COLOR, marker="o", linewidth=1, pointsize=4))
         .label(x="", y="")
         .theme(THEME)
         .on(fig).plot())
        for ax, code in zip(fig.axes, indicators):
            part = df[df["indicator"] == code]
            _plain_scales(ax, signed_formatter())
            ax.axhline(0, color="#333333", linewidth=0.8)
            _period_axis(ax, order, baseline, short=True, pad=0.4)
            ax.set_title("")  # seaborn's facet title (the code), centred
            name = str(part["indicator_vi"].iloc[0]) if "indicator_vi" in part else str(code)
            ax.set_title(wrap(axis_note(name, unit_vi(code, difference=True), better_vi(code)), 40),
                         loc="left", fontsize=MIN_FONT_SIZE)
        fig.supylabel("Đơn vị điểm − còn lại (so với kỳ gốc, đơn vị của chỉ tiêu)", fontsize=MIN_FONT_SIZE)
        fit_period_labels(fig, list(fig.axes))
        return fig


def per_block_bars(df: pd.DataFrame, *, title: str = "", xlabel: str = "Chênh lệch thay đổi") -> Figure:
    """Each pilot against its own block: difference in change, one bar per block.

    ``df``: ``block, difference`` (optional ``n_rest``; ``indicator_vi`` names the default title).
    """
    if not title and df is not None and "indicator_vi" in df and len(df):
        title = f"{df['indicator_vi'].iloc[0]}: chênh lệch theo khối"
    with theme():
        fig, ax, empty = _rows_figure(df, "difference", title, base=1.5, per_row=0.8)
        if empty is not None:
            return empty
        rows = df.sort_values("block").reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        values = rows["difference"].astype(float).fillna(0).to_numpy()
        ax.barh(y, values, color=PILOT_COLOR, height=0.6)  # the pilot's gap: the pilot colour
        ax.axvline(0, color="#333333", linewidth=0.9)
        labels = rows["block"].astype(str).tolist()
        if "n_rest" in rows:
            labels = [f"{b} (n = {fmt.number(k)})" if pd.notna(k) else b for b, k in zip(labels, rows["n_rest"])]
        ax.set_yticks(y, labels)
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(signed_formatter())
        code = _indicator_of(rows)
        ax.set_xlabel(axis_note(xlabel, unit_vi(code, difference=True), better_vi(code)))
        ax.set_title(wrap(title, 40), loc="left")
        return fig
