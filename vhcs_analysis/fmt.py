"""Vietnamese formatting of numbers, percentages and dates (Babel, locale ``vi``).

1.234,5 · 85,7% · 15/06/2017. Missing values print as an en dash, never as 0 or "nan".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LOCALE = "vi"
MISSING = "–"


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):
        return False


# the decimals a result table keeps for a column in its CSV (review.output.save_table);
# a sentence that quotes a table's number formats it from the same stored value
# (``as_stored``), so text and table never round one statistic two ways
# (0,0015 → table "0,002" but text "0,001"; 0,6499 → text "+0,6" but table "+0,7")
_STORED_3 = ("estimate", "ci_low", "ci_high", "ci_adj_low", "ci_adj_high", "gap", "difference", "change",
             "pilot_change", "rest_change", "mc_se")


def stored_decimals(column: str) -> int:
    """The decimals a result table's CSV keeps for ``column``: 4 for p-values, 3 for
    estimates and their intervals under those plain names, 2 otherwise."""
    if column.startswith("p_") or column in ("p_value", "evidence"):
        return 4
    return 3 if column in _STORED_3 else 2


def as_stored(column: str, value):
    """``value`` rounded as the CSV stores ``column`` (``stored_decimals``); a value that
    is not a finite number is returned as it is."""
    try:
        number_ = float(value)
    except (TypeError, ValueError):
        return value
    return round(number_, stored_decimals(column)) if math.isfinite(number_) else value


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


# Babel parses the pattern and builds a Decimal for every call; a report of thousands of
# units prints the same rounded values over and over, so each (rounded value, decimals)
# is formatted once per process (the text is a pure function of the two)
@lru_cache(maxsize=2**16)
def _decimal_text(rounded: float, decimals: int) -> str:
    return format_decimal(rounded, format=_pattern(decimals), locale=LOCALE)


@lru_cache(maxsize=2**16)
def _percent_text(rounded: float, decimals: int) -> str:
    return format_percent(rounded / 100.0 + 0.0, format=_pattern(decimals) + "%", locale=LOCALE)


def number(value, decimals: int = 0) -> str:
    """``number(1234.5, 1) == '1.234,5'``."""
    if _is_missing(value):
        return MISSING
    # + 0.0 turns a value that rounds to zero from below (-0.04 → -0.0) into 0.0: no "-0,0"
    return _decimal_text(round(float(value), decimals) + 0.0, decimals)


def signed(value, decimals: int = 1) -> str:
    """A change with its sign: ``signed(3.25, 1) == '+3,3'`` (minus as '−' would break
    copy-paste into Excel, so a plain hyphen-minus is kept)."""
    if _is_missing(value):
        return MISSING
    text = number(value, decimals)
    return text if text.startswith("-") or round(float(value), decimals) == 0 else "+" + text


def percent(value, decimals: int = 1) -> str:
    """A rate on the 0–100 scale: ``percent(85.71) == '85,7%'``."""
    if _is_missing(value):
        return MISSING
    return _percent_text(round(float(value), decimals), decimals)


def date(value) -> str:
    """``date(datetime.date(2017, 6, 15)) == '15/06/2017'`` (also accepts pandas Timestamps)."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        value = value.date()
    elif hasattr(value, "date") and callable(value.date):
        value = value.date()
    return _babel_date(value, "dd/MM/yyyy", locale=LOCALE)


def inspection_round(value) -> str:
    """An inspection round id "2016-1" as "Đợt 1/2016" ("2016-1" alone reads like a half-year); other ids
    are prefixed with "Đợt" as they are."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    return f"Đợt {int(m.group(2))}/{m.group(1)}" if m else f"Đợt {text}"


def long_date(value, place: str | None = None) -> str:
    """Party-document style: ``'Hà Tĩnh, ngày 15 tháng 6 năm 2017'``."""
    if hasattr(value, "date") and callable(value.date) and not isinstance(value, dt.date):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    text = f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
    return f"{place}, {text}" if place else text


def p_value(value) -> str:
    """p-values the way a reader needs them: '0,031' or '< 0,001'."""
    if _is_missing(value):
        return MISSING
    if value < 0.001:
        return "< 0,001"
    return number(value, 3)
