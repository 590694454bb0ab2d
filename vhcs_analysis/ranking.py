"""Annual ranking of base party organisations and the office-culture criterion.

Two category schemes meet in the review window: up to 2017 "Trong sạch, vững mạnh" …
"Yếu kém", from 2018 Quy định 132-QĐ/TW "Hoàn thành xuất sắc nhiệm vụ" … "Không hoàn
thành nhiệm vụ". Both map to one ordered scale, level 1 (best) … 4 (worst); the map is
data (``maps/ranking_categories.csv``), the rules that bring the office-culture result
into the ranking are configuration (``[ranking]`` in defaults.toml).
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from vhcs_analysis.config import MAPS_DIR, get_settings

CATEGORY_MAP_FILE = MAPS_DIR / "ranking_categories.csv"
SCHEMES = ("pre2018", "qd132")


class UnknownCategoryError(ValueError):
    """A ranking category that is not in the map (reject reason ``unknown_category``)."""

    reason_code = "unknown_category"

    def __init__(self, text, message_vi: str):
        self.text = text
        self.message_vi = message_vi
        super().__init__(message_vi)


def _to_nfc(text: str) -> str:
    try:  # the project's repair/normalisation when available
        from vhcs_analysis.text import to_nfc
    except ImportError:  # pragma: no cover - text.py is written in parallel
        return unicodedata.normalize("NFC", text)
    return to_nfc(text)


def category_key(text: str) -> str:
    """Matching key: NFC, lower case, no diacritics, đ→d, only letters and digits
    ("HTT NV", "HTTNV" and "httnv" share one key; so do "Trong sạch, vững mạnh" and
    "TRONG SẠCH VỮNG MẠNH")."""
    text = _to_nfc(str(text)).casefold().replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped if ch.isalnum())


def category_map() -> pd.DataFrame:
    """The category map as a frame: category, variants, scheme, level, note."""
    frame = pd.read_csv(CATEGORY_MAP_FILE, dtype=str, keep_default_na=False)
    frame["level"] = frame["level"].astype("Int64")
    return frame


@lru_cache(maxsize=1)
def _lookup() -> dict[str, tuple[tuple[str, int, str], ...]]:
    table: dict[str, list[tuple[str, int, str]]] = {}
    with CATEGORY_MAP_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            entry = (row["scheme"], int(row["level"]), row["category"])
            names = [row["category"], *[v for v in row["variants"].split(";") if v.strip()]]
            for name in names:
                bucket = table.setdefault(category_key(name), [])
                if entry not in bucket:
                    bucket.append(entry)
    return {key: tuple(entries) for key, entries in table.items()}


def scheme_for_year(year: int | None) -> str | None:
    """The scheme in force in a year (QĐ 132 from ``[ranking] qd132_from_year``)."""
    if year is None or pd.isna(year):
        return None
    return "qd132" if int(year) >= int(get_settings()["ranking"]["qd132_from_year"]) else "pre2018"


def classify_category(text, year=None) -> tuple[str, int, str]:
    """``(scheme, level, canonical)`` for a category as written.

    Matching ignores case, diacritics, spacing and punctuation and knows the usual
    abbreviations (TSVM, HTXSNV, HTTNV, HTNV, KHTNV). Categories named the same in both
    schemes ("Hoàn thành tốt nhiệm vụ") take the scheme of ``year``. Raises
    ``UnknownCategoryError`` (``reason_code = "unknown_category"``) otherwise.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        raise UnknownCategoryError(text, "xếp loại để trống")
    entries = _lookup().get(category_key(text))
    if not entries:
        raise UnknownCategoryError(text, f"không nhận ra xếp loại '{text}'")
    if len(entries) == 1:
        return entries[0]
    scheme = scheme_for_year(year)
    for entry in entries:
        if entry[0] == scheme:
            return entry
    raise UnknownCategoryError(text, f"xếp loại '{text}' có ở cả hai cách xếp loại; cần biết năm")


def category_name(scheme: str, level: int) -> str:
    """Canonical category of a level in a scheme (the first, non-'tiêu biểu' one)."""
    frame = category_map()
    rows = frame[(frame["scheme"] == scheme) & (frame["level"] == int(level))]
    if rows.empty:
        raise KeyError((scheme, level))
    return str(rows["category"].iloc[-1])
