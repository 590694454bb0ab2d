"""One look for every chart: Okabe–Ito colours (pilots and the rest always the same two),
DejaVu Sans, Vietnamese tick labels (1.234,5 · 85%), and the small helpers the charts share."""

from __future__ import annotations

import contextlib
import textwrap
import warnings
from collections.abc import Iterator, Sequence

import matplotlib
import matplotlib.rcsetup
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter
from pandas.errors import Pandas4Warning

from vhcs_analysis import fmt, indicator_registry


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


GROUP_MARKERS = {"pilot": "o", "rest": "s", "all": "D"}


# Printed in black and white, pilots and the rest still differ: a solid line and circles
# against a dashed line and squares; bars of the rest are hatched.
GROUP_LINESTYLES = {"pilot": "-", "rest": "--", "all": ":"}


GROUP_HATCHES = {"pilot": "", "rest": "////", "all": "...."}


RATING_ORDER = ("Tốt", "Khá", "Trung bình", "Yếu")


RATING_COLORS = {
    "Tốt": OKABE_ITO["green"],
    "Khá": OKABE_ITO["sky_blue"],
    "Trung bình": OKABE_ITO["orange"],
    "Yếu": OKABE_ITO["vermillion"],
}


RATING_HATCHES = {"Tốt": "", "Khá": "////", "Trung bình": "....", "Yếu": "xxxx"}


STATUS_COLORS = {"on_time": OKABE_ITO["green"], "late": OKABE_ITO["orange"], "undated": OKABE_ITO["yellow"],
                 "missing": OKABE_ITO["grey"]}


STATUS_HATCHES = {"on_time": "", "late": "////", "undated": "....", "missing": "xxxx"}


MIN_FONT_SIZE = 8.0  # points at print size: every chart is drawn at the size it is printed


BETTER_VI = {True: "↑ cao hơn là tốt", False: "↓ thấp hơn là tốt"}


NO_DATA = "Không có số liệu"


SAMPLE_GID = "sample-mark"


CM = 1 / 2.54


FULL_WIDTH = (16 * CM, 9 * CM)


TALL = (16 * CM, 14 * CM)


# seaborn's "ticks" style at "paper" scale, with the project's fonts, sizes, grid and colours
# on top. Complete for seaborn.objects too: a ``so.Plot`` starts from seaborn's default
# theme, and ``.theme(THEME)`` replaces every key of that style and context.
THEME = {
    **sns.axes_style("ticks"),
    **sns.plotting_context("paper"),
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
    "axes.prop_cycle": matplotlib.rcsetup.cycler(
        color=[OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "yellow")]
    ),
    "legend.frameon": False,
    "legend.fontsize": MIN_FONT_SIZE,
    "xtick.labelsize": MIN_FONT_SIZE,
    "ytick.labelsize": MIN_FONT_SIZE,
    "hatch.linewidth": 0.6,
    "hatch.color": "#333333",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "axes.unicode_minus": False,  # a plain '-' as in fmt.signed
    # Reproducible files: glyphs as paths (no font needed by Typst), fixed ids, no dates.
    "svg.fonttype": "path",
    "svg.hashsalt": "vhcs-analysis",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


@contextlib.contextmanager
def theme() -> Iterator[None]:
    """Context in which figures are built and saved with the project's theme.

    seaborn 0.13 passes ``copy=False`` to ``pd.concat``, which pandas 3 deprecates: that
    warning says nothing to the reader of a notebook and is not shown."""
    with matplotlib.rc_context(THEME), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated", category=Pandas4Warning)
        yield


def apply_theme() -> None:
    """Apply the theme globally (for notebooks and interactive use)."""
    matplotlib.rcParams.update(THEME)


class VietnameseFormatter(Formatter):
    """Tick labels in Vietnamese style with the fewest decimals (at most 4) that write every
    tick exactly (0,5 steps → 1 decimal; 2,5 steps → 1; 10 steps → none), so that no
    tick reads as another value ("2" for 2,5).

    ``kind``: "number" (1.234,5), "percent" (0–100 → 85%) or "signed" (+5, -3, 0).
    ``decimals`` fixes the decimals instead."""

    def __init__(self, kind: str = "number", decimals: int | None = None):
        self.kind = kind
        self.decimals = decimals
        self._auto = 0

    def set_locs(self, locs):
        """Choose the fewest decimals (up to 4) that print every finite tick of ``locs`` exactly."""
        super().set_locs(locs)
        values = [float(v) for v in locs if np.isfinite(v)]
        self._auto = next((d for d in range(4) if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v))
                                                      for v in values)), 4)

    def __call__(self, x, pos=None):
        """The Vietnamese tick label of ``x`` (decimal comma; percent or signed as the kind says)."""
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


def better_vi(indicator: str) -> str:
    """Which direction counts as better for an indicator ("↑ cao hơn là tốt"), from the
    registry; "" for a column that is not a registered indicator (a chart of any column)."""
    spec = indicator_registry.find(indicator)
    return BETTER_VI[spec.higher_is_better] if spec is not None else ""


def unit_vi(indicator: str, *, difference: bool = False) -> str:
    """An indicator's unit ("%", "điểm (0–100)"), or with ``difference`` the unit of a change
    or gap ("điểm phần trăm"), from the registry; "" for a column that is not a registered
    indicator."""
    spec = indicator_registry.find(indicator)
    if spec is None:
        return ""
    return spec.diff_unit_vi if difference else spec.unit


def axis_note(label: str, *notes: str) -> str:
    """An axis label or panel title with its unit and better direction in brackets:
    "Tỷ lệ (%, ↑ cao hơn là tốt)"; the notes alone when there is no label."""
    note = ", ".join(n for n in notes if n)
    if not label:
        return note
    return f"{label} ({note})" if note else label


def percent_axis(ax, axis: str = "y") -> None:
    """A 0–100 axis starts at 0 (never a truncated share, which would magnify a change)."""
    (ax.set_ylim if axis == "y" else ax.set_xlim)(0, None)


def overlapping_axes(fig: Figure, axes: Sequence) -> list[int]:
    """Indexes (in ``fig.axes``) of the ``axes`` whose visible x tick labels overlap once
    laid out. Measured on a copy: drawing ``fig`` itself would move its constrained layout
    by rounding noise and change the saved bytes of charts that needed no change."""
    import pickle

    probe = pickle.loads(pickle.dumps(fig))
    probe.draw_without_rendering()
    out = []
    for index in (fig.axes.index(ax) for ax in axes):
        labels = [t for t in probe.axes[index].get_xticklabels() if t.get_visible() and t.get_text()]
        boxes = sorted((t.get_window_extent() for t in labels), key=lambda b: b.x0)
        if any(a.x1 > b.x0 + 0.5 for a, b in zip(boxes, boxes[1:])):  # half a pixel of slack
            out.append(index)
    return out


def fit_period_labels(fig: Figure, axes: Sequence) -> None:
    """Keep period tick labels readable for any number of periods (2 to 12 and more):
    when they overlap, write them on one line and turn them 45°, then 90°, then show every
    second, third … label until none overlap. Charts whose labels fit are left untouched."""
    crowded = [fig.axes[i] for i in overlapping_axes(fig, [ax for ax in axes if ax.get_xticklabels()])]
    for ax in crowded:
        labels = ax.get_xticklabels()
        texts = [t.get_text().replace("\n", " ") for t in labels]
        ax.set_xticks(ax.get_xticks(), texts, fontsize=labels[0].get_fontsize())
    for step in range(1, max((len(ax.get_xticks()) for ax in crowded), default=0) + 1):
        for rotation in (45, 90):
            for ax in crowded:
                for i, label in enumerate(ax.get_xticklabels()):
                    label.set_visible(i % step == 0)
                    label.set_rotation(rotation)
                    label.set_rotation_mode("anchor")
                    label.set_horizontalalignment("right")
                    label.set_verticalalignment("center" if rotation == 90 else "top")
            crowded = [fig.axes[i] for i in overlapping_axes(fig, crowded)]
            if not crowded:
                return


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


def _one_axes_figure(df: pd.DataFrame | None, value_cols: Sequence[str], title: str, *, size=FULL_WIDTH,
                     title_width: int = 70):
    """A figure with one axes. Returns ``(fig, ax, empty)``; when ``df`` has no value in
    ``value_cols``, ``empty`` is the finished "no data" figure (with its title) and the
    caller returns it."""
    fig, axes = _new_figure(size)
    ax = axes[0, 0]
    if _is_empty(df, *value_cols):
        ax.set_title(wrap(title, title_width), loc="left")
        return fig, ax, _no_data(fig, ax)
    return fig, ax, None


def _rows_figure(df: pd.DataFrame | None, value_col: str, title: str, *, base: float, per_row: float):
    """``_one_axes_figure`` at full width, its height growing with the number of rows (one
    bar or point per row)."""
    n = 0 if df is None else len(df)
    return _one_axes_figure(df, [value_col], title, size=(FULL_WIDTH[0], max(5.0, base + per_row * n) * CM),
                            title_width=40)


def _figure_legend(fig: Figure, ax, labels_in_order: Sequence[str] | None = None) -> None:
    """One legend under the plot (outside the axes, so it never covers data or titles)."""
    handles, labels = ax.get_legend_handles_labels()
    if labels_in_order is not None:
        keep = [labels.index(lb) for lb in labels_in_order if lb in labels]
        handles, labels = [handles[i] for i in keep], [labels[i] for i in keep]
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=len(handles))


PER_PERIOD_NOTE_VI = "Mỗi kỳ: bình quân của mọi đơn vị có báo cáo trong kỳ đó"
"""The basis of a chart over periods drawn from ``review.trend_of`` (every unit that reported
in each period, not only the units with data at both periods the report's tables use),
printed above its legend (issue 21)."""


def _legend_below(fig: Figure, title: str = "") -> None:
    """Move the legend seaborn.objects draws right of the figure under the plot (where
    ``_figure_legend`` puts every legend), with ``title`` above it (none when empty)."""
    legend = fig.legends.pop()
    handles = [h for h in legend.legend_handles if h is not None]  # typed Optional; seaborn draws every one
    labels = [t.get_text() for t in legend.get_texts()]
    fig.legend(handles, labels, loc="outside lower center", ncols=len(handles), title=title or None,
               title_fontsize=MIN_FONT_SIZE)
