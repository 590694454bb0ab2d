"""How a true value is written in a raw cell: the realistic mess of docs/domain.md.

Every function here is value-preserving: a correct reader gets the true value back
(numbers as text with Vietnamese separators, dates in every form, Có/Không/C/K, names
through aliases, case, party prefixes, NFD, legacy fonts). Values a reader must reject
are planted elsewhere (``province.py``), never by accident here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np

from vhcs_analysis.text import encode_tcvn3, encode_tcvn3_caps, encode_vni

EXCEL_EPOCH = dt.date(1899, 12, 30)

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phan", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Dương", "Thái")
MIDDLE = ("Văn", "Thị", "Hữu", "Đình", "Xuân", "Minh", "Thanh", "Quốc", "Thị Thu", "Đức")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Mai", "Nam", "Phương",
         "Quang", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Yến", "Hoa", "Long", "Nga", "Vinh")


def pick(rng: np.random.Generator, options: dict):
    """One key of ``options`` drawn with the values as weights (insertion order fixed)."""
    x = rng.random() * sum(options.values())
    for key, weight in options.items():
        x -= weight
        if x < 0:
            return key
    return key


def person_name(rng: np.random.Generator) -> str:
    """A fictional Vietnamese full name (signers, notes): personal data in the raw files."""
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def thousands(n: int) -> str:
    """1234 -> '1.234' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def decimal_vi(x: float, digits: int = 1) -> str:
    """12.5 -> '12,5'."""
    return f"{x:.{digits}f}".replace(".", ",")


def render_count(rng: np.random.Generator, value, *, clean: bool = False):
    """A count as a unit types it; ``None`` (not applicable) as blank, '-' or 'x'."""
    if value is None or value != value:
        return None if clean else pick(rng, {None: 6, "-": 2, "x": 1})
    value = int(value)
    if clean:
        return value
    style = pick(rng, {"int": 70, "text": 12, "padded": 6, "float": 4, "thousands": 8})
    if style == "thousands" and value >= 1000:
        return thousands(value)
    if style == "text":
        return str(value)
    if style == "padded":
        return f" {value} "
    if style == "float":
        return float(value)
    return value


def render_rate(rng: np.random.Generator, value, *, clean: bool = False):
    """A 0–100 rate as 85.5, '85,5%', 0.855, '0,855' or '85,5'."""
    if value is None or value != value:
        return None
    if clean:
        return float(value)
    style = pick(rng, {"float": 45, "percent_text": 25, "fraction": 10, "fraction_text": 5, "comma": 15})
    if style == "percent_text":
        return decimal_vi(value) + "%"
    if style == "fraction":
        return round(value / 100, 4)
    if style == "fraction_text":
        return decimal_vi(value / 100, 4).rstrip("0")
    if style == "comma":
        return decimal_vi(value)
    return float(value)


def render_score(rng: np.random.Generator, value: float, *, clean: bool = False):
    """A 0–10 criterion score: 8.5, '8,5' or 9."""
    if clean or rng.random() < 0.8:
        return int(value) if float(value).is_integer() and rng.random() < 0.7 else float(value)
    return decimal_vi(value) if not float(value).is_integer() else str(int(value))


def excel_serial(d: dt.date) -> int:
    """The Excel serial number (days since 1899-12-30) of a date."""
    return (d - EXCEL_EPOCH).days


def render_date(rng: np.random.Generator, d: dt.date | None, *, ascii_only: bool = False, clean: bool = False):
    """A date as a real Excel date, '15/06/2017', '15-6-2017', 'ngày 15 tháng 6 năm 2017'
    or an Excel serial number. ``ascii_only`` for files typed in a legacy font."""
    if d is None:
        return None
    if clean:
        return dt.datetime(d.year, d.month, d.day)
    options = {"datetime": 40, "slash": 25, "dash": 10, "words": 10, "serial": 8, "short": 7}
    if ascii_only:
        options.pop("words")
    style = pick(rng, options)
    if style == "datetime":
        return dt.datetime(d.year, d.month, d.day)
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dash":
        return f"{d.day}-{d.month}-{d.year}"
    if style == "words":
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    if style == "serial":
        return excel_serial(d)
    return f"{d.day}/{d.month}/{d.year}"


def date_text(rng: np.random.Generator, d: dt.date, *, ascii_only: bool = False) -> str:
    """A date written inside a text line ('Ngày báo cáo: …')."""
    options = {"slash": 60, "dash": 15, "words": 25}
    if ascii_only:
        options.pop("words")
    style = pick(rng, options)
    if style == "slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dash":
        return f"{d.day}-{d.month}-{d.year}"
    return f"ngày {d.day} tháng {d.month} năm {d.year}"


def render_bool(rng: np.random.Generator, value, *, ascii_only: bool = False, clean: bool = False):
    """Có/Không, sometimes C/K (always C/K in legacy-font files: 'Có' in TCVN3 is the
    ambiguous 'Cã'). Never 'x': in a yes/no cell it would read as not applicable."""
    if value is None:
        return None
    if clean:
        return "Có" if value else "Không"
    if ascii_only or rng.random() < 0.12:
        return "C" if value else "K"
    if rng.random() < 0.08:
        return ("có" if value else "không") if rng.random() < 0.5 else ("CÓ" if value else "KHÔNG")
    return "Có" if value else "Không"


def nfd(s: str) -> str:
    """Unikey's 'Unicode tổ hợp': decomposed letters."""
    return unicodedata.normalize("NFD", s)


ENCODERS = {
    "unicode": lambda s: s,
    "nfd": nfd,
    "tcvn3": encode_tcvn3,
    "vni": encode_vni,
}


def encode_text(s, encoding: str, *, caps: bool = False):
    """Apply a legacy encoding to a string cell (other values pass). ``caps`` writes
    .VnTimeH capitals for TCVN3 titles."""
    if not isinstance(s, str) or encoding == "unicode":
        return s
    if encoding == "tcvn3" and caps and s == s.upper():
        return encode_tcvn3_caps(s)
    return ENCODERS[encoding](s)


def name_variant(rng: np.random.Generator, name: str, aliases: tuple[str, ...], unit_type: str,
                 weights: dict | None = None) -> str:
    """How a unit's name is typed: official, an alias, upper case, with its party prefix."""
    weights = weights or {"official": 60, "alias": 20, "upper": 7, "prefix": 10, "spaces": 3}
    style = pick(rng, weights)
    if style == "alias" and aliases:
        return str(rng.choice(list(aliases)))
    if style == "upper":
        return name.upper()
    if style == "prefix":
        return ("Đảng bộ " if unit_type.startswith("đảng bộ") else "Chi bộ ") + name
    if style == "spaces":
        return f" {name}  "
    return name


def shape_plans(rng: np.random.Generator, values: dict, cells: dict) -> list[str]:
    """Type some personal-plan and department cells the way units do, where the cleaner can
    still read them back exactly: personal plans as a share of the staff ("85%", only when
    that share pins down the count) and departments with a plan as "5/7" (the departments
    total then sometimes left blank). Returns the fields so typed (each is a finding)."""
    from vhcs_analysis.clean.form01 import count_from_percent

    shaped = []
    staff, plans = values.get("staff_total"), values.get("staff_personal_plan")
    if "staff_personal_plan" in cells and staff and plans is not None and rng.random() < 0.12:
        share = 100 * plans / staff
        for text in (f"{round(share)}%", f"{decimal_vi(share)}%"):
            if count_from_percent(text, staff) == plans:
                cells["staff_personal_plan"] = text
                shaped.append("staff_personal_plan")
                break
    total, with_plan = values.get("departments_total"), values.get("departments_with_plan")
    if "departments_with_plan" in cells and total and with_plan is not None and rng.random() < 0.12:
        cells["departments_with_plan"] = f"{with_plan}/{total}"
        if rng.random() < 0.5:
            cells["departments_total"] = None
        shaped.append("departments_with_plan")
    return shaped
