"""Reporting periods: the one place a period code is read or written, and worded in Vietnamese.

A period code is ``YYYY-H1`` / ``YYYY-H2`` (a half-year, the review's own periods),
``YYYY-Q1`` … ``YYYY-Q4`` (a quarter), ``YYYY-Y`` (a whole year) or ``YYYY-M1`` …
``YYYY-M12`` (the first N months of a year, as in "9 tháng năm 2018"). ``parse.parse_period``
turns the messy words of a form into these codes; ``Period`` orders them, steps between
half-years, gives their last day and words them for every place a reader sees them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering
from typing import Literal, cast

import pandas as pd

from vhcs_analysis.errors import VhcsError

Kind = Literal["H", "Q", "Y", "M"]
Style = Literal["long", "short", "chart", "chart_short", "form"]

#: The code of any period, as ``unit_reports.period`` holds it (the schema's check).
CODE_PATTERN = r"^([0-9]{4})-(H[12]|Q[1-4]|Y|M1[0-2]|M[1-9])$"
_CODE = re.compile(CODE_PATTERN)
_ROMAN = ("I", "II", "III", "IV")
_COUNT = {"H": 2, "Q": 4, "Y": 1}  # periods per year, for stepping
_HALF_WORD = {1: "đầu", 2: "cuối"}


class PeriodError(VhcsError, ValueError):
    """A text that is not a period code (or not a half-year where one is needed), with a
    Vietnamese message naming it; a ``ValueError`` too, so settings checks report it."""


@total_ordering
@dataclass(frozen=True, eq=True)
class Period:
    """One reporting period: a year and which part of it (``kind`` H, Q, Y or M, and
    ``number``: the half, quarter or month count; 0 for a whole year).

    Periods order by their last day, then by code (so ``2017-H2`` < ``2017-Q4`` <
    ``2017-Y``, which all end on 31/12/2017). Build one with ``Period.parse(code)``.
    """

    year: int
    kind: Kind
    number: int = 0

    def __post_init__(self) -> None:
        valid = {"H": range(1, 3), "Q": range(1, 5), "Y": range(0, 1), "M": range(1, 13)}
        if self.kind not in valid or self.number not in valid[self.kind] or not 1 <= self.year <= 9999:
            raise PeriodError(f"kỳ ({self.year}, {self.kind!r}, {self.number}) không phải là kỳ báo cáo")

    # ------------------------------------------------------------------ reading

    @classmethod
    def parse(cls, code: object) -> Period:
        """The period of a code ('2017-H1', '2018-Q3', '2017-Y', '2018-M9').

        Raises:
            PeriodError: not a period code (message in Vietnamese).
        """
        match = _CODE.fullmatch(str(code))
        if not match or int(match.group(1)) == 0:
            raise PeriodError(f"kỳ {str(code)!r} không đúng dạng mã kỳ báo cáo (NNNN-H1, NNNN-H2, NNNN-Q1 … "
                              f"NNNN-Q4, NNNN-Y hoặc NNNN-M1 … NNNN-M12; ví dụ 2017-H1)")
        part = match.group(2)
        return cls(int(match.group(1)), cast(Kind, part[0]), int(part[1:] or 0))

    @classmethod
    def half_year(cls, code: object) -> Period:
        """The half-year of a code ('2017-H1'), as the review's periods must be.

        Raises:
            PeriodError: not a half-year code (message in Vietnamese).
        """
        try:
            period = cls.parse(code)
        except PeriodError:
            period = None
        if period is None or period.kind != "H":
            raise PeriodError(f"kỳ {str(code)!r} không đúng dạng NNNN-H1 hoặc NNNN-H2 (ví dụ 2021-H2)")
        return period

    @classmethod
    def find(cls, code: object) -> Period | None:
        """The period of a code, or None when the text is not one."""
        try:
            return cls.parse(code)
        except PeriodError:
            return None

    @classmethod
    def of_date(cls, date: object) -> Period | None:
        """The half-year a date falls in (15/06/2017 → 2017-H1, 02/10/2017 → 2017-H2).

        Args:
            date: anything ``pd.Timestamp`` reads; None or NA: no date, None returned.
        """
        if date is None or pd.isna(date):
            return None
        ts = pd.Timestamp(date)
        return cls(ts.year, "H", 1 if ts.month <= 6 else 2)

    # ------------------------------------------------------------------ the code and the calendar

    @property
    def code(self) -> str:
        """The period code: '2017-H1', '2018-Q3', '2017-Y', '2018-M9'."""
        return f"{self.year:04d}-Y" if self.kind == "Y" else f"{self.year:04d}-{self.kind}{self.number}"

    def __str__(self) -> str:
        return self.code

    @property
    def end(self) -> dt.date:
        """The period's last day (2017-H1 → 30/06/2017, 2018-Q3 → 30/09/2018, 2018-M9 → 30/09/2018)."""
        month = {"H": 6 * self.number, "Q": 3 * self.number, "Y": 12, "M": self.number}[self.kind]
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def _sort_key(self) -> tuple[dt.date, str]:
        return (self.end, self.code)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    # ------------------------------------------------------------------ stepping

    def _index(self) -> int:
        if self.kind not in _COUNT:
            raise PeriodError(f"kỳ {self.code} (lũy kế {self.number} tháng) không có kỳ liền trước hay liền sau")
        return self.year * _COUNT[self.kind] + max(self.number, 1) - 1

    def shift(self, steps: int) -> Period:
        """The period ``steps`` of its own kind later (earlier when negative): 2017-H1
        shifted by 3 is 2018-H2, 2018-Q4 by 1 is 2019-Q1, 2017-Y by -1 is 2016-Y.

        Raises:
            PeriodError: a year-to-date period (M), which has no neighbours.
        """
        count = _COUNT.get(self.kind, 1)
        year, part = divmod(self._index() + int(steps), count)
        return Period(year, self.kind, 0 if self.kind == "Y" else part + 1)

    def next(self) -> Period:
        """The period right after this one (2017-H2 → 2018-H1)."""
        return self.shift(1)

    def previous(self) -> Period:
        """The period right before this one (2018-H1 → 2017-H2)."""
        return self.shift(-1)

    def half_years_to(self, other: Period) -> int:
        """Number of half-years from this half-year to ``other`` (2016-H2 → 2018-H2: 4;
        negative when ``other`` comes first).

        Raises:
            PeriodError: either period is not a half-year.
        """
        for period in (self, other):
            if period.kind != "H":
                raise PeriodError(f"kỳ {period.code} không phải là nửa năm (NNNN-H1 hoặc NNNN-H2)")
        return other._index() - self._index()

    # ------------------------------------------------------------------ Vietnamese words

    @property
    def long(self) -> str:
        """In words, as in running text: '6 tháng đầu năm 2017', '6 tháng cuối năm 2016',
        'quý III/2018', 'năm 2017', '9 tháng năm 2018'."""
        if self.kind == "H":
            return f"6 tháng {_HALF_WORD[self.number]} năm {self.year}"
        if self.kind == "Q":
            return f"quý {_ROMAN[self.number - 1]}/{self.year}"
        if self.kind == "M":
            return f"{self.number} tháng năm {self.year}"
        return f"năm {self.year}"

    @property
    def short(self) -> str:
        """Short words for tables and sheet names: '6T đầu 2017', '6T cuối 2016', '9T 2018';
        a quarter and a year as in ``long``."""
        if self.kind == "H":
            return f"6T {_HALF_WORD[self.number]} {self.year}"
        if self.kind == "M":
            return f"{self.number}T {self.year}"
        return self.long

    def chart(self, short: bool = False) -> str:
        """A chart's tick label, the year on its own line: '6 tháng đầu\\n2017' (``short``:
        '6T đầu\\n2017'), 'quý III\\n2018', 'năm\\n2017'."""
        words = self.short if short else self.long
        head = words[: -len(str(self.year))].rstrip(" /")
        if self.kind in ("H", "M") and not short:
            head = head.removesuffix(" năm")
        return f"{head}\n{self.year}"

    @property
    def form_words(self) -> str:
        """The words a unit writes after "Kỳ báo cáo:" on Form 01, which the templates'
        drop-down offers and ``parse.parse_period`` reads back: '6 tháng đầu năm 2017'."""
        return self.long

    def label(self, style: Style = "long") -> str:
        """The period worded in one of the styles: "long", "short", "chart",
        "chart_short" or "form" (see the properties of the same names)."""
        if style == "chart":
            return self.chart()
        if style == "chart_short":
            return self.chart(short=True)
        return {"long": self.long, "short": self.short, "form": self.form_words}[style]


def period_vi(text: object, style: Style = "long") -> str:
    """A period code in Vietnamese words (``Period.label``); any other text unchanged, so
    a column that already holds words ("Năm 2017") passes through."""
    period = Period.find(text)
    return period.label(style) if period is not None else str(text)


def sort_codes(codes: Iterable[str]) -> list[str]:
    """Period codes in time order, each once; texts that are not codes come last,
    alphabetically."""
    def key(code: str) -> tuple[int, Period | str]:
        period = Period.find(code)
        return (0, period) if period is not None else (1, str(code))

    return sorted(set(codes), key=key)
