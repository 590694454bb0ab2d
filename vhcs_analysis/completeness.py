"""Reporting completeness: whether each unit sent its Form 01 report for each period,
and on time against the deadline of ``[indicators] deadline_day`` / ``deadline_days``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from vhcs_analysis.periods import Period
from vhcs_analysis.labels import REPORT_STATUS_VI

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings

ON_TIME, LATE, MISSING, UNDATED = (REPORT_STATUS_VI[k] for k in ("on_time", "late", "missing", "undated"))


def report_deadline(period: str, deadline_day: int, deadline_days: int) -> pd.Timestamp:
    """Due date of a period's Form 01 report.

    Args:
        period: the period code ("2017-H1").
        deadline_day: day of the period's last month the report is due (0: its last
            day); ``[indicators] deadline_day``.
        deadline_days: days of grace after it; ``[indicators] deadline_days``.

    Returns:
        The last on-time date (20/06/2017 for "2017-H1" with the defaults).
    """
    day, days = int(deadline_day), int(deadline_days)
    last = Period.parse(period).end
    end = pd.Timestamp(last.year, last.month, last.day)
    due = end if day <= 0 else end.replace(day=min(day, end.day))
    return due + pd.Timedelta(days=days)


def completeness(units: pd.DataFrame, unit_reports: pd.DataFrame, settings: Settings,
                 periods: Iterable[str] | None = None) -> pd.DataFrame:
    """Whether each unit reported each period, and on time.

    Args:
        units, unit_reports: the processed tables.
        settings: the settings in use (``[review] periods``, ``[indicators]`` deadline).
        periods: the periods checked; None: ``[review] periods``.

    Returns:
        Per unit × period: unit_id, period, block, is_pilot, report_date, deadline,
        days_late (Int64, 0 when on time, missing without a dated report) and status:
        'đúng hạn' / 'muộn' / 'không báo cáo' / 'không rõ ngày' (a report without a date).
    """
    periods = list(periods or settings.review.periods)
    base = units[["unit_id", "block", "is_pilot"]].drop_duplicates("unit_id")
    grid = pd.MultiIndex.from_product([base["unit_id"], periods], names=["unit_id", "period"]).to_frame(index=False)
    grid = grid.merge(base, on="unit_id", how="left")
    dates = unit_reports[["unit_id", "period", "report_date"]].copy()
    dates["has_report"] = True
    grid = grid.merge(dates, on=["unit_id", "period"], how="left", validate="one_to_one")
    cfg = settings.indicators
    due = {p: report_deadline(p, cfg.deadline_day, cfg.deadline_days) for p in periods}
    grid["deadline"] = grid["period"].map(due).astype("datetime64[ms]")
    grid["report_date"] = pd.to_datetime(grid["report_date"]).astype("datetime64[ms]")
    grid["days_late"] = (grid["report_date"] - grid["deadline"]).dt.days.clip(lower=0).astype("Int64")
    has = grid["has_report"].fillna(False).astype(bool)
    grid["status"] = np.select(
        [~has, grid["report_date"].isna(), grid["report_date"] <= grid["deadline"]],
        [MISSING, UNDATED, ON_TIME], default=LATE)
    order = {p: i for i, p in enumerate(periods)}
    grid = grid.sort_values(["unit_id", "period"], key=lambda s: s.map(order) if s.name == "period" else s,
                            kind="mergesort")
    grid["is_pilot"] = grid["is_pilot"].astype("boolean")
    return grid[["unit_id", "period", "block", "is_pilot", "report_date", "deadline", "days_late",
                 "status"]].reset_index(drop=True)


def summarise_completeness(table: pd.DataFrame, by: Sequence[str] = ("period",)) -> pd.DataFrame:
    """Counts of each reporting status per group.

    Args:
        table: ``completeness``.
        by: the grouping columns.

    Returns:
        The ``by`` columns, then one Int64 count per status ('đúng hạn', 'muộn', 'không rõ
        ngày', 'không báo cáo', in that order) and 'tổng'.
    """
    by = list(by)
    counts = table.groupby(by, sort=False)["status"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=[ON_TIME, LATE, UNDATED, MISSING], fill_value=0)
    counts["tổng"] = counts.sum(axis=1)
    counts.columns.name = None
    return counts.astype("Int64").reset_index()
