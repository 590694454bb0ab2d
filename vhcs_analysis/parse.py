"""Vietnamese cell values -> Python values: numbers, rates, dates, periods, Có/Không.

Every function takes a raw cell value (str, int, float, bool, date/datetime, None),
repairs legacy text first (``text.repair_text``), returns ``None`` for a blank cell
(blank means missing or not applicable, never zero) and raises ``ParseError`` with a
reason code and a Vietnamese message for anything it cannot read.

Rules worth knowing (the files are Vietnamese: "." groups thousands, "," is decimal):
- Numbers: "1.234" and "1.234.567" are thousands; "12,5" is 12.5; "1.234,5" is 1234.5.
  When both separators occur the last one is the decimal mark ("1,234.5" is 1234.5 too).
  A single "." is thousands when exactly three digits follow and the integer part has
  one to three digits, not starting with 0 ("1.234" -> 1234, "0.855" -> 0.855,
  "1234.567" -> 1234.567); otherwise it is decimal ("12.5" -> 12.5).
  Several "," ("1,234,567") group thousands; a single "," is always decimal
  ("1,234" -> 1.234). Spaces (also non-breaking) are ignored, "+5", "-5", "−5" and
  "(5)" (= -5) accepted.
- Rates (0–100): with a "%" the number is taken as written ("85,5%" -> 85.5, "1%" ->
  1.0); without it a value in [0, 1] is a fraction (0.855 -> 85.5, and 1 -> 100.0, the
  way Excel stores a cell formatted "100%"), anything else is already a percentage
  ("85.5" -> 85.5, 120 -> 120.0: range checks belong to validation). Rounded to 6 places.
- Dates: day first always; Excel serial numbers (1900 system) between 1950 and 2099.
- Periods: see ``parse_period``.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from functools import lru_cache

from vhcs_analysis.periods import Period
from vhcs_analysis.text import repair_text, strip_diacritics, to_nfc

__all__ = [
    "ParseError",
    "is_empty_or_placeholder",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_period",
    "parse_rate",
]


class ParseError(ValueError):
    """A cell value that cannot be read; ``reason_code`` is one of invalid_number,
    invalid_rate, invalid_date, invalid_period, invalid_bool; ``message`` is Vietnamese."""

    def __init__(self, reason_code: str, message: str):
        self.reason_code = reason_code
        self.message = message
        super().__init__(message)

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.reason_code, self.message))


# --- shared helpers -------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# Written in cells for "nothing to report" or "not applicable" (after diacritics removed).
_BLANK_WORDS = frozenset(
    {"", "-", "--", "---", "–", "—", "x", ".", "...", "…", "/", "n/a", "na", "#n/a",
     "kad", "k/a", "khong ap dung", "kap", "khong co so lieu"}
)


def _show(value) -> str:
    """The value as quoted in a message: «1,2,3»."""
    text = str(value)
    return f"«{text[:60]}…»" if len(text) > 60 else f"«{text}»"


@lru_cache(maxsize=65_536)
def _clean_text(value: str) -> str:
    """Repaired, NFC, spaces folded and trimmed (cached: columns repeat their values)."""
    return _SPACES.sub(" ", to_nfc(repair_text(value))).strip()


@lru_cache(maxsize=65_536)
def _folded(value: str) -> str:
    """Lower case, no diacritics, spaces folded: for matching words."""
    return strip_diacritics(_clean_text(value)).lower()


def _is_missing_scalar(value) -> bool:
    """None, NaN, NaT, pd.NA (without importing pandas)."""
    if value is None:
        return True
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # exact types first: every cell comes here
        return False
    if kind is float:
        return value != value
    if kind.__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, numbers.Real) and not isinstance(value, (int, bool)):
        try:
            return math.isnan(value)
        except (TypeError, ValueError, OverflowError):
            return False
    return False


def is_empty_or_placeholder(value) -> bool:
    """True for an empty cell or a placeholder meaning none/not applicable: None, NaN,
    "", spaces, "-", "–", "—", "x"/"X", "không áp dụng", "KAD", "n/a"."""
    if _is_missing_scalar(value):
        return True
    if isinstance(value, str):
        return _folded(value) in _BLANK_WORDS
    return False


def _is_number(value) -> bool:
    kind = type(value)
    if kind is float or kind is int:  # the usual cells, without the slow numbers.Real check
        return True
    if kind is str or kind is bool:
        return False
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# --- numbers --------------------------------------------------------------------------

_NUMBER_SHAPE = re.compile(r"[0-9][0-9.,]*|[.,][0-9]+")
_GROUPED = {sep: re.compile(r"[1-9]\d{0,2}(?:" + re.escape(sep) + r"\d{3})+") for sep in ".,"}


def _is_grouped(digits: str, sep: str) -> bool:
    """'1.234.567' with sep '.': a valid thousands grouping."""
    return digits == "0" or _GROUPED[sep].fullmatch(digits) is not None


def _read_decimal_text(body: str) -> float | None:
    """Unsigned number text with Vietnamese separators -> float, None when malformed."""
    if not _NUMBER_SHAPE.fullmatch(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        group = "," if decimal == "." else "."
        whole, _, frac = body.rpartition(decimal)
        if body.count(decimal) != 1 or not frac.isdigit() or not _is_grouped(whole, group):
            return None
        return float(whole.replace(group, "") + "." + frac)
    if dots > 1 or commas > 1:
        sep = "." if dots else ","
        return float(body.replace(sep, "")) if _is_grouped(body, sep) else None
    if commas == 1:
        whole, _, frac = body.partition(",")
        return float((whole or "0") + "." + frac) if frac.isdigit() else None
    if dots == 1:
        whole, _, frac = body.partition(".")
        if len(frac) == 3 and whole and whole.isdigit() and whole[0] != "0" and len(whole) <= 3:
            return float(whole + frac)  # "1.234" = one thousand two hundred thirty-four
        return float((whole or "0") + "." + frac) if frac.isdigit() else None
    return float(body)


_SPACE_IN_DIGITS = re.compile(r"(?<=[0-9]) (?=[0-9])")
_GROUP_AFTER_SPACE = re.compile(r"[0-9]{3}(?![0-9])")


def _number_from_text(text: str) -> float | None:
    """Signed number text ("-1.234,5", "(5)", "+12", "1 234") -> float; None when malformed."""
    for gap in _SPACE_IN_DIGITS.finditer(text):
        if not _GROUP_AFTER_SPACE.match(text, gap.end()):
            return None  # "1 2" is two numbers, not twelve; "1 234" groups thousands
    body = text.replace(" ", "").removeprefix("'")  # "'123": Excel's number-as-text mark
    negative = False
    if body.startswith("(") and body.endswith(")"):
        body, negative = body[1:-1], True
    if body[:1] in ("+", "-", "−", "–"):
        negative = negative != (body[0] != "+")
        body = body[1:]
    value = _read_decimal_text(body) if body else None
    if value is None:
        return None
    return -value if negative else value


def parse_number(value) -> float | None:
    """A count or amount: Excel numbers as they are, Vietnamese number text
    ("1.234" -> 1234.0, "12,5" -> 12.5); blank -> None; garbage -> ParseError."""
    if is_empty_or_placeholder(value):
        return None
    if _is_number(value):
        number = float(value)
        if math.isinf(number):
            raise ParseError("invalid_number", f"Giá trị {_show(value)} không phải là số hữu hạn")
        return number
    if isinstance(value, str):
        found = _number_from_text(_clean_text(value))
        if found is not None and not math.isinf(found):
            return found
    raise ParseError("invalid_number", f"Giá trị {_show(value)} không phải là số")


def parse_int(value) -> int | None:
    """A whole count ("1.234" -> 1234, 12.0 -> 12); 12.5 -> ParseError invalid_number."""
    number = parse_number(value)
    if number is None:
        return None
    rounded = round(number)
    if abs(number - rounded) > 1e-6:
        raise ParseError("invalid_number", f"Giá trị {_show(value)} không phải là số nguyên")
    return int(rounded)


def parse_rate(value) -> float | None:
    """A percentage on the 0–100 scale: "85,5%" -> 85.5, 0.855 -> 85.5, "85.5" -> 85.5
    (values in [0, 1] without "%" are fractions; see the module notes)."""
    if is_empty_or_placeholder(value):
        return None
    has_percent = False
    if isinstance(value, str):
        text = _clean_text(value)
        if text.endswith("%"):
            has_percent, text = True, text[:-1].strip()
        value_for_number = text
    else:
        value_for_number = value
    try:
        number = parse_number(value_for_number)
    except ParseError:
        number = None
    if number is None or math.isnan(number):
        raise ParseError("invalid_rate", f"Giá trị {_show(value)} không phải là tỷ lệ phần trăm")
    if not has_percent and 0 <= number <= 1:
        number *= 100
    return round(number, 6) + 0.0


# --- dates ----------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 after Excel's 1900 leap bug
_SERIAL_MIN = (dt.date(1950, 1, 1) - _EXCEL_EPOCH).days
_SERIAL_MAX = (dt.date(2099, 12, 31) - _EXCEL_EPOCH).days
_ISO_DATE = re.compile(
    r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_DMY_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?!\d)")
_WORDS_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4})")
_SERIAL_TEXT = re.compile(r"\d{5}(?:[.,]\d+)?")


def _make_date(year: int, month: int, day: int, original) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError("invalid_date", f"Ngày {_show(original)} không tồn tại") from None


def _date_from_serial(serial: float, original) -> dt.date:
    if not (math.isfinite(serial) and _SERIAL_MIN <= serial <= _SERIAL_MAX + 1):
        raise ParseError("invalid_date", f"Giá trị {_show(original)} không phải là ngày hợp lệ")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value) -> dt.date | None:
    """A calendar date, day first: date/datetime objects, Excel serials (42901 ->
    2017-06-15), "15/06/2017", "15-6-2017", "15.6.2017", "2017-06-15",
    "Hà Tĩnh, ngày 15 tháng 6 năm 2017" (the first date in the text is taken)."""
    if is_empty_or_placeholder(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # numpy/pandas timestamps
        return value.to_pydatetime().date()
    if _is_number(value):
        return _date_from_serial(float(value), value)
    if isinstance(value, str):
        text = _folded(value)
        if _SERIAL_TEXT.fullmatch(text):
            return _date_from_serial(float(text.replace(",", ".")), value)
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
            return _make_date(year, month, day, value)
        if match := _WORDS_DATE.search(text):
            day, month, year = (int(g) for g in match.groups())
            return _make_date(year, month, day, value)
        if match := _DMY_DATE.search(text):
            day, month, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
            full_year = (int(year_text) if len(year_text) == 4
                         else (2000 if int(year_text) < 50 else 1900) + int(year_text))
            return _make_date(full_year, month, day, value)
    raise ParseError("invalid_date", f"Giá trị {_show(value)} không phải là ngày (ngày/tháng/năm)")


# --- periods --------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20)\d{2})"
_PERIOD_CODE = re.compile(r"((?:19|20)\d{2})\s*-?\s*(h[12]|y|q[1-4]|m(?:1[0-2]|[1-9]))")
_MONTH_WORD = r" ?t(?:hang)?[ /-]+"  # "6 tháng ", and "6T-" as in sheet names
_HALF = re.compile(r"(?:6|sau)" + _MONTH_WORD + r"(dau|cuoi) (?:nam )?" + _YEAR)
_HALF_WORDS = re.compile(r"nua (dau|cuoi) nam " + _YEAR)
_MONTHS = re.compile(r"(\d{1,2})" + _MONTH_WORD + r"(?:dau )?(?:nam )?" + _YEAR)
_QUARTER = re.compile(r"(?:quy (iv|iii|ii|i|[1-4])|q([1-4])) ?(?:/|-|nam)? ?" + _YEAR)
_BARE_QUARTER = re.compile(r"(iv|iii|ii|i) ?/ ?" + _YEAR)
_HALF_CODE = re.compile(r"h([12]) ?[/-]? ?" + _YEAR)
_YEAR_WORDS = re.compile(r"(?:ca )?nam " + _YEAR)


def parse_period(text) -> str:
    """Period words -> code: "6 tháng đầu năm 2017" -> "2017-H1", "6 tháng cuối năm 2016"
    -> "2016-H2", "Năm 2017" -> "2017-Y", "9 tháng năm 2018" -> "2018-M9", "Quý III/2018"
    and "Quý 3 năm 2018" -> "2018-Q3"; also codes ("2017-H1", "H1/2017"), "I/2017"
    (a quarter), "nửa đầu năm 2017", sheet-name shorthand ("6T dau 2017", "9T-2018",
    "Q3-2018"), labels around them ("Kỳ báo cáo: …"), any case, NFD,
    legacy encodings, missing diacritics. "6 tháng năm 2017" is the first half and
    "12 tháng năm 2017" the year, as in Vietnamese reports."""
    if not isinstance(text, str) or is_empty_or_placeholder(text):
        raise ParseError("invalid_period", f"Giá trị {_show(text)} không phải là kỳ báo cáo")
    folded = re.sub(r"[^0-9a-z/-]+", " ", _folded(text)).strip()
    if match := _PERIOD_CODE.fullmatch(folded):
        return Period.parse(f"{match.group(1)}-{match.group(2).upper()}").code
    if match := _HALF.search(folded) or _HALF_WORDS.search(folded):
        return Period(int(match.group(2)), "H", 1 if match.group(1) == "dau" else 2).code
    if match := _QUARTER.search(folded):
        number = match.group(1) or match.group(2)
        return Period(int(match.group(3)), "Q", _ROMAN.get(number) or int(number)).code
    if match := _MONTHS.search(folded):
        months, year = int(match.group(1)), int(match.group(2))
        if 1 <= months <= 12:  # "6 tháng năm 2017" is the first half, "12 tháng" the year
            return (Period(year, "H", 1) if months == 6 else Period(year, "Y") if months == 12
                    else Period(year, "M", months)).code
    if match := _HALF_CODE.search(folded):
        return Period(int(match.group(2)), "H", int(match.group(1))).code
    if match := _BARE_QUARTER.fullmatch(folded):
        return Period(int(match.group(2)), "Q", _ROMAN[match.group(1)]).code
    if (match := _YEAR_WORDS.search(folded)) and not re.search(r"thang|quy", folded):
        return Period(int(match.group(1)), "Y").code
    raise ParseError("invalid_period", f"Không nhận ra kỳ báo cáo trong {_show(text)}")


# --- Có/Không -------------------------------------------------------------------------

# After diacritics are removed: "có" -> "co", "đã" -> "da", "chưa" -> "chua".
# "ca" is TCVN3 "Có" ("Cã"), which repair_text cannot tell from a real word on its own.
_TRUE_WORDS = frozenset({"co", "c", "x", "da", "roi", "yes", "y", "true", "dat", "✓", "✔", "v", "1", "ca"})
_FALSE_WORDS = frozenset({"khong", "k", "ko", "kh", "chua", "no", "n", "false", "0"})


def parse_bool(value) -> bool | None:
    """Có/Không: "Có", "C", "x" (ticked), "Đã", "Rồi", "Yes", 1, True -> True; "Không",
    "K", "Chưa", 0, False -> False; blank -> None. Also phrases led by such a word
    ("Đã ban hành", "Chưa xây dựng"). The yes/no words are checked before blanks because
    in a Có/Không column "x" means ticked."""
    if isinstance(value, bool):
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):
        return bool(value)
    if _is_missing_scalar(value):
        return None
    if _is_number(value):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ParseError("invalid_bool", f"Giá trị {_show(value)} không phải là Có/Không")
    if isinstance(value, str):
        word = _folded(value).rstrip(".!")
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        if is_empty_or_placeholder(value):
            return None
        first, _, rest = word.partition(" ")
        if first in ("da", "roi") or (first == "co" and rest[:1] in "(,;:-–"):
            return True  # "Đã ban hành", "Có (ngày 15/3/2017)"
        if first in ("khong", "chua"):
            return False  # "Chưa xây dựng", "Không có"
    raise ParseError("invalid_bool", f"Giá trị {_show(value)} không phải là Có/Không")
