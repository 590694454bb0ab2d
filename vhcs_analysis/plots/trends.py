"""Charts over periods and of pilot-vs-rest comparisons (trends, DiD forest, event study, per block)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from vhcs_analysis import fmt
from vhcs_analysis.labels import GROUP_VI
from vhcs_analysis.plots.theme import (
    PILOT_COLOR, REST_COLOR, GROUP_COLORS, GROUP_MARKERS, CM, FULL_WIDTH, TALL, theme,
    signed_formatter, wrap, period_label, fit_period_labels, _new_figure, _no_data, _is_empty, _rows_figure,
    _value_axis,
    _figure_legend,
)


def trend_by_group(
    df: pd.DataFrame,
    *,
    title: str = "",
    ylabel: str = "",
    percent: bool = False,
    periods: Sequence[str] | None = None,
    baseline: str | None = None,
    ax=None,
) -> Figure:
    """Mean per period for pilots and the rest with 95% bands.

    ``df``: ``period, group, mean, ci_low, ci_high`` (``group`` in pilot/rest/all).
    """
    with theme():
        standalone = ax is None
        if standalone:
            fig, axes = _new_figure()
            ax = axes[0, 0]
        else:
            fig = ax.figure
        if _is_empty(df, "mean"):
            ax.set_title(wrap(title), loc="left")
            return _no_data(fig, ax)
        order = list(periods) if periods is not None else sorted(df["period"].astype(str).unique())
        xpos = {p: i for i, p in enumerate(order)}
        groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
        for group in groups:
            part = df[(df["group"] == group) & df["period"].isin(order)].copy()
            part["x"] = part["period"].map(xpos)
            part = part.sort_values("x")
            color = GROUP_COLORS[group]
            ax.plot(part["x"], part["mean"].astype(float), marker=GROUP_MARKERS[group], color=color,
                    label=GROUP_VI[group], linewidth=1.6, markersize=4)
            if {"ci_low", "ci_high"} <= set(part.columns):
                ax.fill_between(part["x"], part["ci_low"].astype(float), part["ci_high"].astype(float),
                                color=color, alpha=0.18, linewidth=0)
        if baseline is not None and baseline in xpos:
            ax.axvline(xpos[baseline], color="#777777", linewidth=0.8, linestyle=":")
        ax.set_xticks(range(len(order)), [period_label(p, short=not standalone) for p in order])
        ax.set_xlim(-0.3, len(order) - 0.7)
        values = pd.concat([df[c] for c in ("mean", "ci_low", "ci_high") if c in df.columns])
        _value_axis(ax, "y", percent, values.astype(float))
        ax.set_title(wrap(title), loc="left")
        ax.set_ylabel(ylabel)
        if standalone:
            _figure_legend(fig, ax, [GROUP_VI[g] for g in groups])
            fit_period_labels(fig, [ax])
        return fig


def trends_grid(
    df: pd.DataFrame,
    *,
    periods: Sequence[str] | None = None,
    baseline: str | None = None,
    percent_indicators: Sequence[str] = (),
    ncols: int = 2,
) -> Figure:
    """Small multiples of ``trend_by_group``: one panel per indicator.

    ``df``: ``indicator, indicator_vi, period, group, mean, ci_low, ci_high``.
    """
    with theme():
        if _is_empty(df, "mean"):
            fig, axes = _new_figure(TALL)
            return _no_data(fig, axes[0, 0])
        indicators = list(dict.fromkeys(df["indicator"]))
        nrows = int(np.ceil(len(indicators) / ncols))
        fig, axes = _new_figure((TALL[0], max(5.0, 4.6 * nrows) * CM), nrows, ncols)
        for i, ax in enumerate(axes.flat):
            if i >= len(indicators):
                ax.set_axis_off()
                continue
            code = indicators[i]
            part = df[df["indicator"] == code]
            title = str(part["indicator_vi"].iloc[0]) if "indicator_vi" in part else str(code)
            trend_by_group(part, title=title, percent=code in percent_indicators, periods=periods,
                           baseline=baseline, ax=ax)
            ax.set_title(wrap(title, 40), loc="left", fontsize=8)
            ax.tick_params(axis="x", labelsize=6.5)
        groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
        _figure_legend(fig, axes[0, 0], [GROUP_VI[g] for g in groups])
        fit_period_labels(fig, list(axes.flat))
        return fig


def did_forest(df: pd.DataFrame, *, title: str = "",
               xlabel: str = "Chênh lệch thay đổi: đơn vị điểm − đơn vị cùng khối") -> Figure:
    """Estimates and 95% intervals per indicator, with a zero line.

    ``df``: ``indicator_vi`` and either ``did_estimate, did_ci_low, did_ci_high`` plus
    ``adj_*`` (the verdict table: both methods drawn, DiD above, baseline-adjusted below)
    or ``estimate, ci_low, ci_high`` (optional ``p_value``). Ends that the data cannot
    bound (±inf) are drawn to the edge with an arrow."""
    with theme():
        two = "did_estimate" in df.columns
        fig, ax, empty = _rows_figure(df, "did_estimate" if two else "estimate", title, base=1.2,
                                      per_row=1.1 if two else 0.9)
        if empty is not None:
            return empty
        rows = df.reset_index(drop=True)
        y = np.arange(len(rows))[::-1].astype(float)
        series = ([("did", "Chênh lệch thay đổi", PILOT_COLOR, 0.17), ("adj", "Điều chỉnh theo kỳ gốc", REST_COLOR, -0.17)]
                  if two else [("", "", PILOT_COLOR, 0.0)])
        finite = []
        for key, _, _, _ in series:
            pre = f"{key}_" if key else ""
            for col in (f"{pre}estimate", f"{pre}ci_low", f"{pre}ci_high"):
                vals = rows[col].astype(float).to_numpy()
                finite.extend(vals[np.isfinite(vals)].tolist())
        span = (min(finite + [0.0]), max(finite + [0.0]))
        pad = 0.08 * ((span[1] - span[0]) or 1.0)
        left, right = span[0] - pad, span[1] + pad
        for key, label, color, dy in series:
            pre = f"{key}_" if key else ""
            est = rows[f"{pre}estimate"].astype(float).to_numpy()
            lo = rows[f"{pre}ci_low"].astype(float).to_numpy()
            hi = rows[f"{pre}ci_high"].astype(float).to_numpy()
            yy = y + dy
            ax.hlines(yy, np.clip(lo, left, right), np.clip(hi, left, right), color=color, linewidth=1.8,
                      label=label or None)
            ax.plot(est, yy, "o", color=color, markersize=5)
            for yi, l, h in zip(yy, lo, hi):
                if np.isinf(l):
                    ax.annotate("", (left, yi), xytext=(left + pad, yi), arrowprops={"arrowstyle": "->", "color": color})
                if np.isinf(h):
                    ax.annotate("", (right, yi), xytext=(right - pad, yi), arrowprops={"arrowstyle": "->", "color": color})
        ax.set_xlim(left, right)
        ax.axvline(0, color="#333333", linewidth=0.9)
        ax.set_yticks(y, rows["indicator_vi"].astype(str).tolist())
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(signed_formatter())
        if not two and "p_value" in rows:
            ax.margins(x=0.12)  # room for the p-value labels right of the intervals
            for yi, h, p in zip(y, rows["ci_high"].astype(float), rows["p_value"]):
                if pd.notna(h) and np.isfinite(h) and pd.notna(p):
                    ax.annotate(f"p = {fmt.p_value(p)}" if p >= 0.001 else f"p {fmt.p_value(p)}",
                                (h, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
        if two:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False, fontsize=7)
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        return fig


def event_study(df: pd.DataFrame, *, periods: Sequence[str] | None = None, baseline: str | None = None,
                ncols: int = 2) -> Figure:
    """Pilot − rest gap per period relative to baseline, one panel per indicator.

    ``df``: ``indicator, indicator_vi, period, estimate, ci_low, ci_high``.
    """
    with theme():
        if _is_empty(df, "estimate"):
            fig, axes = _new_figure()
            return _no_data(fig, axes[0, 0])
        indicators = list(dict.fromkeys(df["indicator"]))
        ncols = min(ncols, len(indicators))
        nrows = int(np.ceil(len(indicators) / ncols))
        fig, axes = _new_figure((FULL_WIDTH[0], max(6.0, 5.0 * nrows) * CM), nrows, ncols)
        order = list(periods) if periods is not None else sorted(df["period"].astype(str).unique())
        xpos = {p: i for i, p in enumerate(order)}
        for i, ax in enumerate(axes.flat):
            if i >= len(indicators):
                ax.set_axis_off()
                continue
            part = df[(df["indicator"] == indicators[i]) & df["period"].isin(order)].copy()
            part["x"] = part["period"].map(xpos)
            part = part.sort_values("x")
            x = part["x"].to_numpy()
            est = part["estimate"].astype(float).to_numpy()
            lo = part["ci_low"].astype(float).to_numpy()
            hi = part["ci_high"].astype(float).to_numpy()
            ax.axhline(0, color="#333333", linewidth=0.8)
            if baseline in xpos:
                ax.axvline(xpos[baseline], color="#777777", linewidth=0.8, linestyle=":")
            ok = ~np.isnan(lo) & ~np.isnan(hi)
            ax.vlines(x[ok], lo[ok], hi[ok], color=PILOT_COLOR, linewidth=1.6)
            ax.plot(x, est, "o-", color=PILOT_COLOR, markersize=4, linewidth=1)
            ax.set_xticks(range(len(order)), [period_label(p, short=True) for p in order], fontsize=6.5)
            ax.set_xlim(-0.4, len(order) - 0.6)
            ax.yaxis.set_major_formatter(signed_formatter())
            ax.set_title(wrap(str(part["indicator_vi"].iloc[0]) if "indicator_vi" in part else str(indicators[i]), 40),
                         loc="left", fontsize=8)
        fig.supylabel("Đơn vị điểm − còn lại (so với kỳ gốc)", fontsize=8)
        fit_period_labels(fig, list(axes.flat))
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
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        return fig
