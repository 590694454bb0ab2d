"""Charts for the review: one theme, one function per chart kind, each returning a Figure.

Every function takes a tidy frame with the columns named in docs/report-inputs.md and
returns a ``matplotlib.figure.Figure`` (no pyplot state, nothing shown, nothing saved).
Pilots and the rest are always drawn in the same two colours (``PILOT_COLOR``,
``REST_COLOR``; Okabe–Ito, colour-blind safe); labels are Vietnamese and tick labels use
Vietnamese number formatting (1.234,5 · 85%). ``save_figure`` writes byte-identical files.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from vhcs_analysis import fmt
from vhcs_analysis.config import SAMPLE_MARK

# Okabe & Ito (2008) palette: distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
PILOT_COLOR = OKABE_ITO["vermillion"]
REST_COLOR = OKABE_ITO["blue"]
ALL_COLOR = OKABE_ITO["grey"]
GROUP_COLORS = {"pilot": PILOT_COLOR, "rest": REST_COLOR, "all": ALL_COLOR}
GROUP_LABELS = {"pilot": "Đơn vị điểm", "rest": "Các đơn vị còn lại", "all": "Toàn khối"}
GROUP_MARKERS = {"pilot": "o", "rest": "s", "all": "D"}
RATING_ORDER = ("Tốt", "Khá", "Trung bình", "Yếu")
RATING_COLORS = {
    "Tốt": OKABE_ITO["green"],
    "Khá": OKABE_ITO["sky_blue"],
    "Trung bình": OKABE_ITO["orange"],
    "Yếu": OKABE_ITO["vermillion"],
}
STATUS_COLORS = {"on_time": OKABE_ITO["green"], "late": OKABE_ITO["orange"], "undated": OKABE_ITO["yellow"],
                 "missing": OKABE_ITO["grey"]}
STATUS_LABELS = {"on_time": "Đúng hạn", "late": "Muộn", "undated": "Không rõ ngày", "missing": "Không báo cáo"}
NO_DATA = "Không có số liệu"
SAMPLE_GID = "sample-mark"

CM = 1 / 2.54
FULL_WIDTH = (16 * CM, 9 * CM)
TALL = (16 * CM, 14 * CM)

THEME = {
    "font.family": "DejaVu Sans",  # ships with matplotlib; has every Vietnamese diacritic
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(
        color=[OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "yellow")]
    ),
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "axes.unicode_minus": False,  # a plain '-' as in fmt.signed
    # Reproducible files: glyphs as paths (no font needed by Typst), fixed ids, no dates.
    "svg.fonttype": "path",
    "svg.hashsalt": "vhcs-analysis",
    "pdf.fonttype": 42,
    "path.simplify": True,
}

_SAVE_METADATA = {
    ".svg": {"Date": None},
    ".pdf": {"CreationDate": None, "ModDate": None},
    ".png": {"Software": None},
}


@contextlib.contextmanager
def theme() -> Iterator[None]:
    """Context in which figures are built and saved with the project's theme."""
    with matplotlib.rc_context(THEME):
        yield


def apply_theme() -> None:
    """Apply the theme globally (for notebooks and interactive use)."""
    matplotlib.rcParams.update(THEME)


# ---------------------------------------------------------------- formatting helpers


class VietnameseFormatter(Formatter):
    """Tick labels in Vietnamese style with as many decimals as the tick step needs
    (0,5 steps → 1 decimal; 10 steps → none), so that no two ticks read the same.

    ``kind``: "number" (1.234,5), "percent" (0–100 → 85%) or "signed" (+5, -3, 0).
    ``decimals`` fixes the decimals instead."""

    def __init__(self, kind: str = "number", decimals: int | None = None):
        self.kind = kind
        self.decimals = decimals
        self._auto = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        values = np.sort(np.asarray([v for v in locs if np.isfinite(v)], dtype=float))
        steps = np.diff(values)
        steps = steps[steps > 1e-12]
        self._auto = max(0, min(4, -math.floor(math.log10(float(steps.min())) + 1e-9))) if len(steps) else 0

    def __call__(self, x, pos=None):
        d = self.decimals if self.decimals is not None else self._auto
        if abs(x) < 0.5 * 10 ** -d:
            x = 0.0
        if self.kind == "percent":
            return fmt.percent(x, d)
        if self.kind == "signed":
            return "0" if x == 0 else fmt.signed(x, d)
        return fmt.number(x, d)


def number_formatter(decimals: int | None = None) -> VietnameseFormatter:
    """Tick labels as Vietnamese numbers: 1.234,5."""
    return VietnameseFormatter("number", decimals)


def percent_formatter(decimals: int | None = None) -> VietnameseFormatter:
    """Tick labels for 0–100 rates: 85%."""
    return VietnameseFormatter("percent", decimals)


def signed_formatter(decimals: int | None = None) -> VietnameseFormatter:
    """Tick labels for changes: +5, -3, 0."""
    return VietnameseFormatter("signed", decimals)


def wrap(text: str, width: int = 70) -> str:
    """Break a long title or label over lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(text), width)) if text else ""


def period_label(period: str, short: bool = False) -> str:
    """'2017-H1' -> '6 tháng đầu\\n2017' (``short``: '6T đầu\\n2017'); other strings unchanged."""
    text = str(period)
    if len(text) == 7 and text[4:6] == "-H" and text[6] in "12":
        half = "đầu" if text[6] == "1" else "cuối"
        return f"{'6T' if short else '6 tháng'} {half}\n{text[:4]}"
    return text




def _new_figure(size=FULL_WIDTH, nrows: int = 1, ncols: int = 1, **kwargs):
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _no_data(fig: Figure, ax) -> Figure:
    ax.set_axis_off()
    ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", transform=ax.transAxes, fontsize=10, color="#555555")
    return fig


def _is_empty(df: pd.DataFrame | None, *cols: str) -> bool:
    if df is None or df.empty:
        return True
    return all(df[c].isna().all() for c in cols if c in df.columns)


def _value_axis(ax, axis: str, percent: bool, values) -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(percent_formatter() if percent else number_formatter())


def _group_legend(ax, groups: Sequence[str], **kwargs) -> None:
    handles, labels = ax.get_legend_handles_labels()
    order = [labels.index(GROUP_LABELS[g]) for g in groups if GROUP_LABELS[g] in labels]
    if order:
        ax.legend([handles[i] for i in order], [labels[i] for i in order], **kwargs)


def _figure_legend(fig: Figure, ax, labels_in_order: Sequence[str] | None = None) -> None:
    """One legend under the plot (outside the axes, so it never covers data or titles)."""
    handles, labels = ax.get_legend_handles_labels()
    if labels_in_order is not None:
        keep = [labels.index(lb) for lb in labels_in_order if lb in labels]
        handles, labels = [handles[i] for i in keep], [labels[i] for i in keep]
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=len(handles))


# ---------------------------------------------------------------- chart kinds


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
                    label=GROUP_LABELS[group], linewidth=1.6, markersize=4)
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
            _figure_legend(fig, ax, [GROUP_LABELS[g] for g in groups])
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
        _figure_legend(fig, axes[0, 0], [GROUP_LABELS[g] for g in groups])
        return fig


def did_forest(df: pd.DataFrame, *, title: str = "", xlabel: str = "Chênh lệch thay đổi: đơn vị điểm − đơn vị cùng khối") -> Figure:
    """Estimate and 95% interval per indicator, with a zero line.

    ``df``: ``indicator_vi, estimate, ci_low, ci_high`` (optional ``p_value``), one row each.
    """
    with theme():
        n = 0 if df is None else len(df)
        fig, axes = _new_figure((FULL_WIDTH[0], max(5.0, 1.2 + 0.9 * n) * CM))
        ax = axes[0, 0]
        if _is_empty(df, "estimate"):
            ax.set_title(wrap(title, 40), loc="left")
            return _no_data(fig, ax)
        rows = df.reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        est = rows["estimate"].astype(float).to_numpy()
        lo = rows["ci_low"].astype(float).to_numpy()
        hi = rows["ci_high"].astype(float).to_numpy()
        ax.hlines(y, lo, hi, color=PILOT_COLOR, linewidth=1.8)
        ax.plot(est, y, "o", color=PILOT_COLOR, markersize=5)
        ax.axvline(0, color="#333333", linewidth=0.9)
        ax.set_yticks(y, rows["indicator_vi"].astype(str).tolist())
        ax.margins(x=0.12)  # room for the p-value labels right of the intervals
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(signed_formatter())
        if "p_value" in rows:
            for yi, h, p in zip(y, hi, rows["p_value"]):
                if pd.notna(h) and pd.notna(p):
                    ax.annotate(f"p = {fmt.p_value(p)}" if p >= 0.001 else f"p {fmt.p_value(p)}",
                                (h, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
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
        return fig


def per_block_bars(df: pd.DataFrame, *, title: str = "", xlabel: str = "Chênh lệch thay đổi") -> Figure:
    """Each pilot against its own block: difference in change, one bar per block.

    ``df``: ``block, difference`` (optional ``n_rest``; ``indicator_vi`` names the default title).
    """
    if not title and df is not None and "indicator_vi" in df and len(df):
        title = f"{df['indicator_vi'].iloc[0]}: chênh lệch theo khối"
    with theme():
        n = 0 if df is None else len(df)
        fig, axes = _new_figure((FULL_WIDTH[0], max(5.0, 1.5 + 0.8 * n) * CM))
        ax = axes[0, 0]
        if _is_empty(df, "difference"):
            ax.set_title(wrap(title, 40), loc="left")
            return _no_data(fig, ax)
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


def criteria_dots(df: pd.DataFrame, *, title: str = "", xlabel: str = "Điểm trung bình (0–10)") -> Figure:
    """Mean score per inspection criterion (rows) for pilots and the rest (dot plot).

    ``df``: ``criterion, criterion_vi, group, mean_score`` (optional ``ci_low, ci_high``).
    """
    with theme():
        fig, axes = _new_figure((FULL_WIDTH[0], 11 * CM))
        ax = axes[0, 0]
        if _is_empty(df, "mean_score"):
            ax.set_title(wrap(title, 40), loc="left")
            return _no_data(fig, ax)
        criteria = sorted(df["criterion"].unique())
        labels = (df.drop_duplicates("criterion").set_index("criterion")["criterion_vi"]
                  if "criterion_vi" in df else pd.Series(criteria, index=criteria))
        ypos = {c: len(criteria) - 1 - i for i, c in enumerate(criteria)}
        groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
        offsets = {g: (i - (len(groups) - 1) / 2) * 0.22 for i, g in enumerate(groups)}
        for group in groups:
            part = df[df["group"] == group]
            y = part["criterion"].map(ypos).to_numpy() + offsets[group]
            if {"ci_low", "ci_high"} <= set(part.columns):
                ax.hlines(y, part["ci_low"].astype(float), part["ci_high"].astype(float),
                          color=GROUP_COLORS[group], linewidth=1.2, alpha=0.8)
            ax.plot(part["mean_score"].astype(float), y, GROUP_MARKERS[group], color=GROUP_COLORS[group],
                    label=GROUP_LABELS[group], markersize=4.5)
        ax.set_yticks([ypos[c] for c in criteria], [f"{c}: {labels.get(c, c)}" for c in criteria], fontsize=7)
        ax.set_xlim(max(0.0, float(np.nanmin(df["mean_score"].astype(float))) - 1.5), 10.2)
        ax.xaxis.set_major_formatter(number_formatter())
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        _figure_legend(fig, ax, [GROUP_LABELS[g] for g in groups])
        return fig


def rollout_bars(df: pd.DataFrame, *, title: str = "", ylabel: str = "Tỷ lệ") -> Figure:
    """Roll-out measures (0–100) as grouped bars, pilots vs rest.

    ``df``: ``measure_vi, group, value`` (one row per measure and group).
    """
    with theme():
        fig, axes = _new_figure()
        ax = axes[0, 0]
        if _is_empty(df, "value"):
            ax.set_title(wrap(title), loc="left")
            return _no_data(fig, ax)
        measures = list(dict.fromkeys(df["measure_vi"]))
        groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
        width = 0.8 / len(groups)
        for i, group in enumerate(groups):
            part = df[df["group"] == group].set_index("measure_vi")["value"].astype(float)
            x = np.arange(len(measures)) + (i - (len(groups) - 1) / 2) * width
            vals = [part.get(m, np.nan) for m in measures]
            bars = ax.bar(x, vals, width=width * 0.95, color=GROUP_COLORS[group], label=GROUP_LABELS[group])
            ax.bar_label(bars, labels=[fmt.percent(v, 0) for v in vals], fontsize=6.5, padding=1.5)
        ax.set_xticks(range(len(measures)), [wrap(m, 24) for m in measures])
        ax.set_ylim(0, 110)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(percent_formatter())
        ax.set_ylabel(ylabel)
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax, [GROUP_LABELS[g] for g in groups])
        return fig


def completeness_chart(df: pd.DataFrame, *, title: str = "") -> Figure:
    """Form 01 reports per period stacked: on time, late, (undated,) missing.

    ``df``: ``period, n_on_time, n_late, n_missing`` (optional ``n_undated``).
    """
    with theme():
        fig, axes = _new_figure()
        ax = axes[0, 0]
        if _is_empty(df, "n_on_time", "n_late", "n_missing"):
            ax.set_title(wrap(title), loc="left")
            return _no_data(fig, ax)
        rows = df.reset_index(drop=True)  # periods in the caller's (chronological) order
        x = np.arange(len(rows))
        bottom = np.zeros(len(rows))
        statuses = [s for s in STATUS_COLORS if f"n_{s}" in rows.columns]
        for status in statuses:
            vals = rows[f"n_{status}"].astype(float).fillna(0).to_numpy()
            bars = ax.bar(x, vals, bottom=bottom, color=STATUS_COLORS[status], label=STATUS_LABELS[status],
                          width=0.65)
            small = 0.04 * float(rows[[f"n_{s}" for s in statuses]].astype(float).sum(axis=1).max())
            ax.bar_label(bars, labels=[fmt.number(v) if v > small else "" for v in vals], label_type="center",
                         fontsize=6.5, color="white" if status in ("on_time", "late") else "black")
            bottom += vals
        ax.set_xticks(x, [period_label(p) for p in rows["period"]])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(number_formatter())
        ax.set_ylabel("Số báo cáo (đơn vị × kỳ)")
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax)
        return fig


def rejects_bar(df: pd.DataFrame, *, title: str = "", xlabel: str = "Số dòng bị loại") -> Figure:
    """Rejected rows per reason, horizontal bars, largest on top.

    ``df``: ``reason_vi, n_rows``.
    """
    with theme():
        n = 0 if df is None else len(df)
        fig, axes = _new_figure((FULL_WIDTH[0], max(5.0, 1.5 + 0.6 * n) * CM))
        ax = axes[0, 0]
        if _is_empty(df, "n_rows"):
            ax.set_title(wrap(title, 40), loc="left")
            return _no_data(fig, ax)
        rows = df.sort_values(["n_rows", "reason_vi"], ascending=[False, True]).reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        bars = ax.barh(y, rows["n_rows"].astype(float), color=OKABE_ITO["orange"], height=0.6)
        ax.bar_label(bars, labels=[fmt.number(v) for v in rows["n_rows"]], padding=2, fontsize=7)
        ax.set_yticks(y, rows["reason_vi"].astype(str).tolist(), fontsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(number_formatter())
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        return fig


def ratings_bars(df: pd.DataFrame, *, title: str = "") -> Figure:
    """Inspection ratings per round, stacked in the order Tốt, Khá, Trung bình, Yếu.

    ``df``: ``round_id, rating, n_units``.
    """
    with theme():
        fig, axes = _new_figure()
        ax = axes[0, 0]
        if _is_empty(df, "n_units"):
            ax.set_title(wrap(title), loc="left")
            return _no_data(fig, ax)
        table = df.pivot_table(index="round_id", columns="rating", values="n_units", aggfunc="sum", fill_value=0)
        table = table.sort_index()
        x = np.arange(len(table))
        bottom = np.zeros(len(table))
        ratings = [r for r in RATING_ORDER if r in table.columns] + sorted(
            c for c in table.columns if c not in RATING_ORDER)
        for rating in ratings:
            vals = table[rating].astype(float).to_numpy()
            bars = ax.bar(x, vals, bottom=bottom, color=RATING_COLORS.get(rating, ALL_COLOR), label=rating,
                          width=0.65)
            small = 0.04 * float(table.sum(axis=1).max())  # no label inside a sliver
            ax.bar_label(bars, labels=[fmt.number(v) if v > small else "" for v in vals], label_type="center",
                         fontsize=6.5)
            bottom += vals
        ax.set_xticks(x, [f"Đợt {r}" for r in table.index])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(number_formatter())
        ax.set_ylabel("Số đơn vị được kiểm tra")
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax)
        return fig


def ranking_transition(df: pd.DataFrame, *, level_names: dict[int, str] | None = None, title: str = "") -> Figure:
    """Matrix of current level (rows) × proposed level (columns), with counts.

    ``df``: ``level_current, level_proposed, n_units``; levels 1 (best) … 4 (worst).
    """
    with theme():
        fig, axes = _new_figure((FULL_WIDTH[0], 10 * CM))
        ax = axes[0, 0]
        if _is_empty(df, "n_units"):
            ax.set_title(wrap(title), loc="left")
            return _no_data(fig, ax)
        names = level_names or {}
        levels = sorted(set(df["level_current"].dropna().astype(int)) | set(df["level_proposed"].dropna().astype(int))
                        | set(names))
        index = {lv: i for i, lv in enumerate(levels)}
        grid = np.zeros((len(levels), len(levels)))
        for row in df.dropna(subset=["level_current", "level_proposed"]).itertuples(index=False):
            grid[index[int(row.level_current)], index[int(row.level_proposed)]] += float(row.n_units)
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=max(1.0, grid.max()), aspect="auto")
        for i in range(len(levels)):
            for j in range(len(levels)):
                value = grid[i, j]
                ax.text(j, i, fmt.number(value), ha="center", va="center", fontsize=8,
                        color="white" if value > grid.max() * 0.6 else "black",
                        fontweight="bold" if i == j else "normal")
        labels = [names.get(lv, str(lv)) for lv in levels]
        ax.set_xticks(range(len(levels)), labels, rotation=20, ha="right", fontsize=7)
        ax.set_yticks(range(len(levels)), labels, fontsize=7)
        ax.grid(False)
        ax.set_xlabel("Xếp loại đề xuất (có tiêu chí văn hóa công sở)")
        ax.set_ylabel("Xếp loại hiện hành")
        ax.set_title(wrap(title), loc="left")
        return fig


# ---------------------------------------------------------------- marking and saving


def mark_sample(fig: Figure, is_sample: bool = True) -> Figure:
    """Stamp ``SAMPLE_MARK`` visibly on a figure built from sample data (no-op otherwise).

    A red banner at the top (the suptitle) and a large faint diagonal watermark; both carry the gid
    ``sample-mark`` so that ``save_figure`` also writes the mark as the SVG title.
    """
    if not is_sample or is_marked(fig):
        return fig
    with theme():
        # as the suptitle, so constrained layout keeps room for it above every title
        fig.suptitle(SAMPLE_MARK, x=0.99, ha="right", fontsize=7.5, color=OKABE_ITO["vermillion"],
                     fontweight="bold", gid=SAMPLE_GID)
        fig.text(0.5, 0.5, "DỮ LIỆU MẪU", ha="center", va="center", rotation=25, fontsize=36,
                 color=OKABE_ITO["vermillion"], alpha=0.12, fontweight="bold", gid=SAMPLE_GID, zorder=10)
    return fig


def is_marked(fig: Figure) -> bool:
    """Whether ``mark_sample`` stamped this figure."""
    return any(t.get_gid() == SAMPLE_GID for t in sample_marks(fig))


def sample_marks(fig: Figure) -> list:
    """The Text artists that carry the sample mark (banner and watermark)."""
    texts = list(fig.texts)
    if fig._suptitle is not None and fig._suptitle not in texts:
        texts.append(fig._suptitle)
    return [t for t in texts if t.get_gid() == SAMPLE_GID]


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix: .svg, .pdf or .png), byte-identical
    between runs: fixed SVG hash salt, no dates, no software stamp; written atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SAVE_METADATA:
        raise ValueError(f"unsupported figure format: {suffix}")
    metadata = dict(_SAVE_METADATA[suffix])
    if is_marked(fig) and suffix in (".svg", ".pdf"):
        metadata["Title"] = SAMPLE_MARK
    path.parent.mkdir(parents=True, exist_ok=True)
    with theme():
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                fig.savefig(out, format=suffix[1:], metadata=metadata)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; a report file is for everyone
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for inline display in notebooks; nbval does not compare PNG)."""
    buffer = io.BytesIO()
    with theme():
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
