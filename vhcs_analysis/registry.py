"""The units registry (``units.csv``) and the resolution of unit names written in files.

Resolution order (docs/domain.md: never silently guessed): exact official name or alias,
normalised name (``text.name_key``: case, diacritics, punctuation, "Đảng bộ"/"Chi bộ"
prefixes), normalised alias, then fuzzy (rapidfuzz token_sort_ratio on the keys). A fuzzy match at
or above ``[cleaning] fuzzy_accept`` is accepted and reported (finding ``fuzzy_match``
with its score); below it the name is unknown and the closest candidates are named;
two units equally close (or one key shared by two units) is ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from vhcs_analysis import layout, tables
from vhcs_analysis.errors import Location, VhcsError
from vhcs_analysis.io.base import Limits
from vhcs_analysis.io.locate import col_letter
from vhcs_analysis.parse import ParseError, parse_int
from vhcs_analysis.text import name_key, repair_text, to_nfc

REQUIRED = ("unit_id", "unit_name", "block", "is_pilot")
OPTIONAL = ("aliases", "unit_type", "staff_count")
# the two kinds of grassroots party organisation a unit has (``unit_type``; any case accepted)
UNIT_TYPES = ("đảng bộ cơ sở", "chi bộ cơ sở")
_TRUE = {"1", "true", "có", "co", "x", "yes", "c"}
_FALSE = {"0", "false", "không", "khong", "no", "k", ""}


class RegistryError(VhcsError):
    """The units registry itself is missing or invalid (the run cannot go on)."""


@dataclass(frozen=True)
class Resolution:
    """How a written unit name was resolved: the unit_id (None if not), the method, the fuzzy score and the
    candidates."""
    unit_id: str | None
    method: str  # exact / normalised / alias / fuzzy / unknown / ambiguous / blank / unchecked
    score: float | None = None
    candidates: tuple[tuple[str, str, float], ...] = ()  # (unit_id, unit_name, score)

    @property
    def ok(self) -> bool:
        """Whether the name resolved to one unit."""
        return self.unit_id is not None


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return to_nfc(repair_text(str(v))).strip()


def read_units(path: Path, display_name: str = "units.csv", *, limits: Limits) -> pd.DataFrame:
    """Read and check the registry (within the input ``limits``); raises ``RegistryError``
    naming file, row and column."""
    from vhcs_analysis.io.files import read_sheets

    sheets = read_sheets(path, limits, display_name=display_name)
    rows = sheets[0].rows if sheets else []
    while rows and all(_cell_text(v) == "" for v in rows[0]):
        rows = rows[1:]
    if not rows:
        raise RegistryError("danh mục đơn vị trống", Location(display_name))
    header = [_cell_text(v).lstrip("\ufeff").lower() for v in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RegistryError(
            f"danh mục đơn vị thiếu cột {', '.join(missing)} (cần: {', '.join(REQUIRED + OPTIONAL)})",
            Location(display_name, row=1),
        )
    index = {name: header.index(name) for name in REQUIRED + OPTIONAL if name in header}
    records = []
    seen: dict[str, int] = {}
    texts: dict[tuple[type, object], str] = {}  # blocks, types, flags and blanks repeat: repair each once

    def text_of(v) -> str:
        try:
            key = (type(v), v)
            found = texts.get(key)
        except TypeError:  # an unhashable cell value
            return _cell_text(v)
        if found is None:
            found = texts[key] = _cell_text(v)
        return found

    for i, raw in enumerate(rows[1:], start=2):
        cells = {name: text_of(raw[j]) if j < len(raw) else "" for name, j in index.items()}
        if not any(cells.values()):
            continue

        def fail(col: str, msg: str, row: int = i) -> RegistryError:
            return RegistryError(msg, Location(display_name, row=row, column=col_letter(index[col])))

        for col in ("unit_id", "unit_name", "block"):
            if not cells[col]:
                raise fail(col, f"thiếu {col}")
        if cells["unit_id"] in seen:
            raise fail("unit_id", f"mã đơn vị '{cells['unit_id']}' trùng với dòng {seen[cells['unit_id']]}")
        seen[cells["unit_id"]] = i
        pilot = cells["is_pilot"].lower()
        if pilot not in _TRUE and pilot not in _FALSE:
            raise fail("is_pilot", f"is_pilot phải là 1 hoặc 0, không phải '{cells['is_pilot']}'")
        unit_type = cells.get("unit_type", "").lower()
        if unit_type and unit_type not in UNIT_TYPES:
            raise fail("unit_type", f"unit_type phải là {' hoặc '.join(repr(t) for t in UNIT_TYPES)} (hoặc để trống), "
                                    f"không phải '{cells['unit_type']}'")
        staff = cells.get("staff_count", "")
        staff_value = None
        if staff:
            try:
                staff_value = parse_int(staff)  # "1.234" is a thousand and more, not 1
            except ParseError:
                raise fail("staff_count", f"staff_count phải là số nguyên, không phải '{staff}'") from None
            if staff_value is not None and staff_value < 0:  # "-" or "x" is a blank, not a count
                raise fail("staff_count", f"staff_count âm ({staff})")
        records.append({
            "unit_id": cells["unit_id"],
            "unit_name": cells["unit_name"],
            "block": cells["block"],
            "is_pilot": pilot in _TRUE,
            "unit_type": unit_type or None,
            "staff_count": staff_value,
            # no aliases is an empty list, written "" (as the sample's truth does), not NA
            "aliases": ";".join(a.strip() for a in cells.get("aliases", "").split(";") if a.strip()),
        })
    if not records:
        raise RegistryError("danh mục đơn vị không có đơn vị nào", Location(display_name))
    return tables.conform(pd.DataFrame.from_records(records), "units")


class Registry:
    """Name -> unit_id resolution over a units table. A fuzzy match needs ``fuzzy_accept``
    (0–100) and a failed one names ``n_candidates`` units: ``[cleaning] fuzzy_accept`` and
    ``fuzzy_candidates`` of the settings (``from_settings``)."""

    def __init__(self, units: pd.DataFrame, *, fuzzy_accept: float, n_candidates: int):
        self.units = units
        self.fuzzy_accept = float(fuzzy_accept)
        self.n_candidates = int(n_candidates)
        self.names: dict[str, str] = {}
        self._exact: dict[str, set[str]] = {}
        self._norm: dict[str, set[str]] = {}
        self._alias: dict[str, set[str]] = {}
        alias_column = units["aliases"].tolist() if "aliases" in units else [None] * len(units)
        for unit_id, unit_name, alias_text in zip(units["unit_id"].tolist(), units["unit_name"].tolist(), alias_column):
            uid, name = str(unit_id), str(unit_name)
            self.names[uid] = name
            aliases = ([a.strip() for a in str(alias_text or "").split(";") if a.strip()]
                       if not pd.isna(alias_text) else [])
            for text in [name, *aliases]:
                self._exact.setdefault(to_nfc(text).strip(), set()).add(uid)
            self._norm.setdefault(name_key(name), set()).add(uid)
            for a in aliases:
                self._alias.setdefault(name_key(a), set()).add(uid)
        self._choices: list[tuple[str, str]] = [
            (k, uid) for k, ids in {**self._alias, **self._norm}.items() for uid in ids if k]
        self._choice_keys = [k for k, _ in self._choices]
        self._resolved: dict = {}  # (type, cell value) -> Resolution: names recur every period

    @classmethod
    def from_frame(cls, units: pd.DataFrame, **kw) -> Registry:
        """The registry of the units table ``units``; ``kw`` are the name-matching parameters of ``__init__``."""
        return cls(units, **kw)

    @classmethod
    def from_settings(cls, units: pd.DataFrame, cleaning) -> Registry:
        """The registry of ``units`` with the name-matching settings of a ``settings.Cleaning``."""
        return cls(units, fuzzy_accept=cleaning.fuzzy_accept, n_candidates=cleaning.fuzzy_candidates)

    def name_of(self, unit_id: str) -> str:
        """The registered name of ``unit_id`` (the id itself if it is not registered)."""
        return self.names.get(unit_id, unit_id)

    def resolve(self, name) -> Resolution:
        """Resolve a written unit name to a unit (memoised per cell value: the same names recur every period)."""
        key = (type(name), name)
        try:
            found = self._resolved.get(key)
        except TypeError:  # an unhashable value: resolve it without the memo
            return self._resolve(name)
        if found is None:
            found = self._resolved[key] = self._resolve(name)
        return found

    def _resolve(self, name) -> Resolution:
        text = _cell_text(name) if name is not None else ""
        if not text:
            return Resolution(None, "blank")
        found = self._lookup("exact", self._exact, text)
        if found is not None:
            return found
        key_text = name_key(text)  # only when the name is not written exactly
        for method, table in (("normalised", self._norm), ("alias", self._alias)):
            found = self._lookup(method, table, key_text)
            if found is not None:
                return found
        return self._fuzzy(key_text)

    def _lookup(self, method: str, table: dict[str, set[str]], key: str) -> Resolution | None:
        """The resolution ``key`` gets from one table (one unit, or ambiguous), or None."""
        ids = table.get(key)
        if not ids:
            return None
        if len(ids) == 1:
            return Resolution(next(iter(ids)), method, 100.0)
        cands = tuple((u, self.names[u], 100.0) for u in sorted(ids))
        return Resolution(None, "ambiguous", 100.0, cands)

    def _fuzzy(self, key: str) -> Resolution:
        if not key or not self._choices:
            return Resolution(None, "unknown")
        # token_sort_ratio (word order ignored, no partial matching): WRatio would give 90
        # to any registry name contained in the text ("Sở Y tế tỉnh Nghệ An" -> "Sở Y tế");
        # plain ratio breaks ties
        hits = process.extract(key, self._choice_keys, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=30)
        best: dict[str, tuple[float, float]] = {}
        for choice, score, idx in hits:
            uid = self._choices[idx][1]
            pair = (round(float(score), 1), round(float(fuzz.ratio(key, choice)), 1))
            best[uid] = max(best.get(uid, (0.0, 0.0)), pair)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        cands = tuple((u, self.names[u], s[0]) for u, s in ranked[: self.n_candidates])
        if not ranked:
            return Resolution(None, "unknown")
        top_id, top = ranked[0]
        if top[0] >= self.fuzzy_accept:
            if len(ranked) > 1 and ranked[1][1] == top:
                return Resolution(None, "ambiguous", top[0], cands)
            return Resolution(top_id, "fuzzy", top[0], cands)
        return Resolution(None, "unknown", top[0], cands)


class UncheckedRegistry(Registry):
    """No units registry at hand (``vhcs validate`` on a unit's own file): every name
    written is taken as it is (method ``unchecked``), so that every other check still
    runs; the caller says once that unit names were not checked."""

    def __init__(self):
        super().__init__(tables.empty("units"), fuzzy_accept=100.0, n_candidates=0)

    def _resolve(self, name) -> Resolution:
        text = _cell_text(name) if name is not None else ""
        if not text:
            return Resolution(None, "blank")
        return Resolution(text, "unchecked")


def describe_candidates(res: Resolution) -> str:
    """'Sở Nội vụ (U012, 87,5 điểm); …' for messages."""
    parts = []
    for uid, name, score in res.candidates:
        parts.append(f"{name} ({uid}, {str(score).replace('.', ',')} điểm)")
    return "; ".join(parts) if parts else "không có tên nào gần giống"


def find_registry(places: Iterable[Path], *, scan: Iterable[Path] = (), limits=None) -> Path | None:
    """The units registry, found one way for every command.

    Args:
        places: in order, each either the registry file itself (named ``units.csv``) or a
            folder that may hold ``units.csv``; the first match wins.
        scan: files to look into when no place matched (``vhcs clean``: the raw folder's
            files): the first CSV/TXT whose first row is the registry's header.
        limits: the reading limits for ``scan`` (``io.base.Limits``).

    Returns:
        The registry's path, or None.
    """
    for place in places:
        place = Path(place)
        if place.is_file() and place.name == layout.REGISTRY_NAME:
            return place
        if place.is_dir() and (place / layout.REGISTRY_NAME).is_file():
            return place / layout.REGISTRY_NAME
    for path in scan:
        if Path(path).suffix.lower() in (".csv", ".txt") and _is_registry_file(Path(path), limits):
            return Path(path)
    return None


def _is_registry_file(path: Path, limits) -> bool:
    from vhcs_analysis.errors import UnreadableFileError
    from vhcs_analysis.io.files import read_sheets
    from vhcs_analysis.io.recognise import is_registry_sheet

    try:
        sheets = read_sheets(path, limits)
    except UnreadableFileError:
        return False
    return bool(sheets) and is_registry_sheet(sheets[0])
