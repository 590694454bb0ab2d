"""Charts of counts and scores (criteria, roll-out, completeness, rejects, ratings, ranking)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from vhcs_analysis import fmt
from vhcs_analysis.labels import GROUP_VI, REPORT_STATUS_CELL_VI
from vhcs_analysis.periods import period_vi
from vhcs_analysis.plots.theme import (
    OKABE_ITO, ALL_COLOR, GROUP_COLORS, GROUP_MARKERS, GROUP_LINESTYLES, GROUP_HATCHES, RATING_ORDER,
    RATING_COLORS, RATING_HATCHES, STATUS_COLORS, STATUS_HATCHES, MIN_FONT_SIZE, BETTER_VI, CM, FULL_WIDTH, theme,
    number_formatter, percent_formatter, wrap, fit_period_labels, _one_axes_figure, _rows_figure,
    _figure_legend,
)


# A label inside a hatched bar sits on a small white patch, readable over any hatch or colour.
_LABEL_BOX = {"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}


def criteria_dots(df: pd.DataFrame, *, title: str = "",
                  xlabel: str = f"Điểm trung bình (0–10 điểm, {BETTER_VI[True]})") -> Figure:
    """Mean score per inspection criterion (rows) for pilots and the rest (dot plot).

    ``df``: ``criterion, criterion_vi, group, mean_score`` (optional ``ci_low, ci_high``).
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["mean_score"], title, size=(FULL_WIDTH[0], 11 * CM), title_width=40)
        if empty is not None:
            return empty
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
                          color=GROUP_COLORS[group], linewidth=1.2, alpha=0.8, linestyle=GROUP_LINESTYLES[group])
            ax.plot(part["mean_score"].astype(float), y, GROUP_MARKERS[group], color=GROUP_COLORS[group],
                    label=GROUP_VI[group], markersize=4.5)
        ax.set_yticks([ypos[c] for c in criteria], [f"{c}: {labels.get(c, c)}" for c in criteria],
                      fontsize=MIN_FONT_SIZE)
        ax.set_xlim(max(0.0, float(np.nanmin(df["mean_score"].astype(float))) - 1.5), 10.2)
        ax.xaxis.set_major_formatter(number_formatter())
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        _figure_legend(fig, ax, [GROUP_VI[g] for g in groups])
        return fig


def rollout_bars(df: pd.DataFrame, *, title: str = "", ylabel: str = f"Tỷ lệ (%, {BETTER_VI[True]})") -> Figure:
    """Roll-out measures (0–100) as grouped bars, pilots vs rest (the rest's bars hatched).

    ``df``: ``measure_vi, group, value`` (one row per measure and group).
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["value"], title)
        if empty is not None:
            return empty
        measures = list(dict.fromkeys(df["measure_vi"]))
        groups = [g for g in ("pilot", "rest", "all") if g in set(df["group"])]
        labels = [GROUP_VI[g] for g in groups]
        data = df.assign(group_vi=df["group"].map(GROUP_VI), value=df["value"].astype(float))
        sns.barplot(data=data, x="measure_vi", y="value", hue="group_vi", order=measures, hue_order=labels,
                    palette=[GROUP_COLORS[g] for g in groups], saturation=1, errorbar=None, gap=0.05, ax=ax)
        ax.get_legend().remove()  # one legend under the plot instead
        for group, bars in zip(groups, ax.containers):  # containers in hue order
            ax.bar_label(bars, labels=[fmt.percent(v, 0) for v in bars.datavalues], fontsize=MIN_FONT_SIZE,
                         padding=1.5)
            for bar in bars:
                bar.set_hatch(GROUP_HATCHES[group])
        for handle, label in zip(*ax.get_legend_handles_labels()):  # seaborn's own legend entries
            handle.set_hatch(GROUP_HATCHES[groups[labels.index(label)]] if label in labels else "")
        width = max(12, 72 // len(measures))  # 3 measures: 24 characters a line; 5: 14
        ax.set_xticks(range(len(measures)), [wrap(m, width) for m in measures])
        ax.set_xlabel("")
        ax.set_ylim(0, 110)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(percent_formatter())
        ax.set_ylabel(ylabel)
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax, labels)
        return fig


def completeness_chart(df: pd.DataFrame, *, title: str = "") -> Figure:
    """Form 01 reports per period stacked: on time, late, (undated,) missing.

    ``df``: ``period, n_on_time, n_late, n_missing`` (optional ``n_undated``).
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["n_on_time", "n_late", "n_missing"], title)
        if empty is not None:
            return empty
        rows = df.reset_index(drop=True)  # periods in the caller's (chronological) order
        x = np.arange(len(rows))
        bottom = np.zeros(len(rows))
        statuses = [s for s in STATUS_COLORS if f"n_{s}" in rows.columns]
        stacks = []
        for status in statuses:
            vals = rows[f"n_{status}"].astype(float).fillna(0).to_numpy()
            bars = ax.bar(x, vals, bottom=bottom, color=STATUS_COLORS[status], label=REPORT_STATUS_CELL_VI[status],
                          width=0.65, hatch=STATUS_HATCHES[status])
            stacks.append((status, bars, vals))
            bottom += vals
        ax.set_xticks(x, [period_vi(p, "chart") for p in rows["period"]])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(number_formatter())
        ax.set_ylabel("Số báo cáo (đơn vị × kỳ)")
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax)
        fit_period_labels(fig, [ax])  # before the bar labels, which cannot be copied for measuring
        small = 0.04 * float(rows[[f"n_{s}" for s in statuses]].astype(float).sum(axis=1).max())
        for _status, bars, vals in stacks:
            ax.bar_label(bars, labels=[fmt.number(v) if v > small else "" for v in vals], label_type="center",
                         fontsize=MIN_FONT_SIZE, color="black",
                         bbox=_LABEL_BOX)
        return fig


def rejects_bar(df: pd.DataFrame, *, title: str = "", xlabel: str = "Số dòng bị loại") -> Figure:
    """Rejected rows per reason, horizontal bars, largest on top.

    ``df``: ``reason_vi, n_rows``.
    """
    with theme():
        fig, ax, empty = _rows_figure(df, "n_rows", title, base=1.5, per_row=0.6)
        if empty is not None:
            return empty
        rows = df.sort_values(["n_rows", "reason_vi"], ascending=[False, True]).reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        bars = ax.barh(y, rows["n_rows"].astype(float), color=OKABE_ITO["orange"], height=0.6)
        ax.bar_label(bars, labels=[fmt.number(v) for v in rows["n_rows"]], padding=2, fontsize=MIN_FONT_SIZE)
        ax.set_yticks(y, rows["reason_vi"].astype(str).tolist(), fontsize=MIN_FONT_SIZE)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(number_formatter())
        ax.grid(axis="x", color="#dddddd")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(wrap(title, 40), loc="left")
        return fig


def ratings_bars(df: pd.DataFrame, *, title: str = "") -> Figure:
    """Inspection ratings per round as shares of the units inspected in that round (rounds
    differ much in size), stacked in the order Tốt, Khá, Trung bình, Yếu, each rating
    with its own hatch; the round's number of units under its name.

    ``df``: ``round_id, rating, n_units``.
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["n_units"], title)
        if empty is not None:
            return empty
        table = df.pivot_table(index="round_id", columns="rating", values="n_units", aggfunc="sum", fill_value=0)
        table = table.sort_index()
        totals = table.sum(axis=1).astype(float)
        shares = table.div(totals.where(totals > 0), axis=0).fillna(0.0) * 100
        x = np.arange(len(table))
        bottom = np.zeros(len(table))
        ratings = [r for r in RATING_ORDER if r in table.columns] + sorted(
            c for c in table.columns if c not in RATING_ORDER)
        for rating in ratings:
            vals = shares[rating].astype(float).to_numpy()
            bars = ax.bar(x, vals, bottom=bottom, color=RATING_COLORS.get(rating, ALL_COLOR), label=rating,
                          width=0.65, hatch=RATING_HATCHES.get(rating, ""))
            ax.bar_label(bars, labels=[fmt.percent(v, 0) if v >= 6 else "" for v in vals], label_type="center",
                         fontsize=MIN_FONT_SIZE,  # no label inside a sliver
                         bbox=_LABEL_BOX)
            bottom += vals
        ax.set_xticks(x, [f"{fmt.inspection_round(r)}\n(n = {fmt.number(n)})" for r, n in zip(table.index, totals)])
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(percent_formatter())
        ax.set_ylabel("% đơn vị được kiểm tra trong đợt")
        ax.set_title(wrap(title), loc="left")
        _figure_legend(fig, ax)
        return fig


def ranking_transition(df: pd.DataFrame, *, level_names: dict[int, str] | None = None, title: str = "") -> Figure:
    """Matrix of current level (rows) × proposed level (columns), with counts.

    ``df``: ``level_current, level_proposed, n_units``; levels 1 (best) … 4 (worst).
    """
    with theme():
        fig, ax, empty = _one_axes_figure(df, ["n_units"], title, size=(FULL_WIDTH[0], 10 * CM))
        if empty is not None:
            return empty
        names = level_names or {}
        levels = sorted(set(df["level_current"].dropna().astype(int)) | set(df["level_proposed"].dropna().astype(int))
                        | set(names))
        index = {lv: i for i, lv in enumerate(levels)}
        grid = np.zeros((len(levels), len(levels)))
        for row in df.dropna(subset=["level_current", "level_proposed"]).itertuples(index=False):
            grid[index[int(row.level_current)], index[int(row.level_proposed)]] += float(row.n_units)
        labels = [names.get(lv, str(lv)) for lv in levels]
        counts = [[fmt.number(v) for v in row] for row in grid]
        sns.heatmap(pd.DataFrame(grid, index=labels, columns=labels), annot=np.array(counts), fmt="",
                    annot_kws={"fontsize": 8}, cmap="Blues", vmin=0, vmax=max(1.0, grid.max()), cbar=False, ax=ax)
        size = len(levels)
        for k, text in enumerate(ax.texts[-size * size:]):  # the counts, row by row
            text.set_fontweight("bold" if k // size == k % size else "normal")  # unchanged: the diagonal
        ax.set_xticks(np.arange(size) + 0.5, labels, rotation=20, ha="right", fontsize=MIN_FONT_SIZE)
        ax.set_yticks(np.arange(size) + 0.5, labels, rotation=0, fontsize=MIN_FONT_SIZE)
        ax.tick_params(length=0)
        ax.set_xlabel("Xếp loại đề xuất (có tiêu chí văn hóa công sở; ô: số tổ chức)")
        ax.set_ylabel("Xếp loại hiện hành")
        ax.set_title(wrap(title), loc="left")
        return fig
