"""The indicator registry: what each indicator is, read once from ``maps/indicators.toml``.

The one answer to "what range can this indicator take, which way is better, what unit is
it in, how is it printed": statistics, plots, text, scorecards and the settings check all
ask here (``indicator(code)``, ``bounds``, ``higher_is_better``…). The file is data, not
code (after PUDL's field metadata); it is checked when first read, and a broken entry stops
with one Vietnamese message naming the file, the entry and the key. An unknown code is one
clear error (``UnknownIndicatorError``), never a guessed range or direction.

This module imports nothing else of the package but ``errors``: every layer may ask it.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from vhcs_analysis.errors import VhcsError

REGISTRY_FILE = "maps/indicators.toml"
# The scales an indicator's values live on, each with the widest range it allows: an
# indicator's bounds lie inside its scale's range.
SCALES: dict[str, tuple[float, float]] = {
    "percent": (0.0, 100.0),  # a share of people or dossiers, in %
    "share": (0.0, 100.0),  # a step done or not per unit (Có = 100, Không = 0): a group mean is a share
    "score": (0.0, 100.0),  # points on 0–100
    "per_100": (0.0, math.inf),  # events or people per 100 staff
    "count": (0.0, math.inf),  # counts per unit and period
}
KINDS = ("outcome", "adoption")  # compared / a one-time step, shown and never compared
AGGREGATES = ("mean", "pooled")  # a group's level: mean of its units' values / its totals' ratio


class IndicatorRegistryError(VhcsError):
    """The registry file is broken: the message names the file, the entry and the key."""


class UnknownIndicatorError(VhcsError, KeyError):
    """A code that is not in the registry (a ``KeyError`` too, for callers that test keys)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator, as the registry defines it.

    Attributes:
        name: the code (``study_rate``…), a column of the panel.
        label_vi, short_label_vi: its Vietnamese name, in full and short.
        unit: the unit of a value ("%", "0/100", "điểm (0–100)", "lượt/100 người"…).
        diff_unit_vi: the unit of a difference between two values, in words.
        scale: a key of ``SCALES`` (percent, share, score, per_100, count).
        bounds: the values it can take, (low, high); ``inf`` where there is no end.
            Intervals are kept inside it and ceilings are judged on it.
        higher_is_better: its direction.
        kind: ``outcome`` (compared) or ``adoption`` (a one-time step, never compared).
        measures: the goal or task group it measures (a key of ``GOALS``).
        aggregate: how a group's level is formed: ``mean`` of the units' values (each
            unit once) or ``pooled`` (the group's totals).
        decimals: decimals of a printed value.
        is_percent: whether a value is printed as a percentage (rates and 0/100 shares;
            scores on 0–100 are points, not percent).
        source_fields: how it is computed from the processed fields, in words.
    """

    name: str
    label_vi: str
    short_label_vi: str
    unit: str
    diff_unit_vi: str
    scale: str
    bounds: tuple[float, float]
    higher_is_better: bool
    kind: str
    measures: str
    aggregate: str
    decimals: int
    is_percent: bool
    source_fields: str

    @property
    def difference_bounds(self) -> tuple[float, float]:
        """The range a difference of two values can take: (low − high, high − low)."""
        low, high = self.bounds
        return (low - high, high - low)

    @property
    def direction(self) -> str:
        """``higher_better`` or ``lower_better`` (the verdict table's ``direction``)."""
        return "higher_better" if self.higher_is_better else "lower_better"


@dataclass(frozen=True)
class Registry:
    """The parsed registry file: the goals and the indicators, in the file's order."""

    goals: dict[str, str]
    indicators: tuple[Indicator, ...]

    def get(self, code: str) -> Indicator | None:
        """The indicator with a code.

        Args:
            code: the indicator's code.

        Returns:
            Its ``Indicator``; None when there is none.
        """
        return next((spec for spec in self.indicators if spec.name == code), None)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "label_vi": str, "short_label_vi": str, "unit": str, "diff_unit_vi": str, "scale": str,
    "bounds": list, "higher_is_better": bool, "kind": str, "measures": str, "aggregate": str, "decimals": int,
    "is_percent": bool, "source_fields": str,
}


def _problem(where: str, key: str | None, what: str) -> IndicatorRegistryError:
    at = f"{where}, khóa {key!r}" if key else where
    return IndicatorRegistryError(f"Danh mục chỉ tiêu {REGISTRY_FILE} không hợp lệ ({at}): {what}.")


def _entry(raw: Any, index: int, goals: dict[str, str]) -> Indicator:
    """One ``[[indicator]]`` table checked and turned into an ``Indicator``."""
    where = f"mục [[indicator]] thứ {index}"
    if not isinstance(raw, dict):
        raise _problem(where, None, "không phải một bảng khóa = giá trị")
    if isinstance(raw.get("name"), str):
        where += f" ({raw['name']})"
    unknown = sorted(set(raw) - set(_TYPES))
    if unknown:
        raise _problem(where, unknown[0], "khóa không có trong danh mục khóa")
    for key, kind in _TYPES.items():
        if key not in raw:
            raise _problem(where, key, "thiếu khóa này")
        value = raw[key]
        # bool is an int in Python: a decimals = true is not a number of decimals
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise _problem(where, key, f"giá trị {value!r} sai kiểu")
        if isinstance(value, str) and not value.strip():
            raise _problem(where, key, "giá trị trống")
    values = dict(raw)
    bounds = values["bounds"]
    if len(bounds) != 2 or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise _problem(where, "bounds", f"phải là [thấp, cao], có {bounds!r}")
    low, high = float(bounds[0]), float(bounds[1])
    if math.isnan(low) or math.isnan(high) or not low < high:
        raise _problem(where, "bounds", f"cận dưới phải nhỏ hơn cận trên, có {bounds!r}")
    if values["scale"] not in SCALES:
        raise _problem(where, "scale", f"{values['scale']!r} không thuộc {', '.join(SCALES)}")
    s_low, s_high = SCALES[values["scale"]]
    if low < s_low or high > s_high:
        raise _problem(where, "bounds", f"[{low}, {high}] vượt ra ngoài thang {values['scale']} [{s_low}, {s_high}]")
    if values["is_percent"] and not (values["scale"] in ("percent", "share") and (low, high) == (0.0, 100.0)):
        raise _problem(where, "is_percent", "chỉ tiêu phần trăm phải có thang percent hoặc share và bounds [0, 100]")
    for key, allowed in (("kind", KINDS), ("aggregate", AGGREGATES), ("measures", tuple(goals))):
        if values[key] not in allowed:
            raise _problem(where, key, f"{values[key]!r} không thuộc {', '.join(allowed)}")
    if not 0 <= values["decimals"] <= 6:
        raise _problem(where, "decimals", f"phải từ 0 đến 6, có {values['decimals']}")
    values["bounds"] = (low, high)
    return Indicator(**values)


def parse_registry(text: str) -> Registry:
    """The registry from the text of an indicators TOML file, checked.

    Args:
        text: the file's text.

    Returns:
        The goals and indicators, in the file's order.

    Raises:
        IndicatorRegistryError: the text is not TOML, a key is missing, unknown or of the
            wrong type, a value is outside what it may be, or a code is repeated (the
            message names the file, the entry and the key).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _problem("cú pháp TOML", None, str(exc)) from None
    unknown = sorted(set(data) - {"goals", "indicator"})
    if unknown:
        raise _problem("cấp ngoài cùng", unknown[0], "chỉ có [goals] và [[indicator]]")
    goals = data.get("goals")
    if not isinstance(goals, dict) or not goals or not all(isinstance(v, str) and v.strip() for v in goals.values()):
        raise _problem("bảng [goals]", None, "thiếu, trống hoặc có tên mục tiêu không phải chữ")
    entries = data.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise _problem("[[indicator]]", None, "không có chỉ tiêu nào")
    specs = tuple(_entry(raw, i, goals) for i, raw in enumerate(entries, start=1))
    seen: set[str] = set()
    for i, spec in enumerate(specs, start=1):
        if spec.name in seen:
            raise _problem(f"mục [[indicator]] thứ {i} ({spec.name})", "name", "mã chỉ tiêu bị lặp")
        seen.add(spec.name)
    return Registry(goals=dict(goals), indicators=specs)


def read_registry(path: Path | None = None) -> Registry:
    """The registry read from ``path`` (None: the one shipped with the package).

    Args:
        path: an indicators TOML file; None: ``vhcs_analysis/maps/indicators.toml``.

    Returns:
        The checked registry.

    Raises:
        IndicatorRegistryError: the file is missing, unreadable or broken.
    """
    try:
        if path is None:
            text = resources.files("vhcs_analysis").joinpath(REGISTRY_FILE).read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem("đọc tệp", None, f"không đọc được ({exc.__class__.__name__})") from None
    return parse_registry(text)


@cache
def registry() -> Registry:
    """The package's registry, read and checked once per process.

    Returns:
        The ``Registry`` of ``maps/indicators.toml``.

    Raises:
        IndicatorRegistryError: the shipped file is missing or broken.
    """
    return read_registry()


def indicator(code: str) -> Indicator:
    """The definition of one indicator.

    Args:
        code: the indicator's code.

    Returns:
        Its ``Indicator``.

    Raises:
        UnknownIndicatorError: no indicator has this code.
    """
    spec = registry().get(str(code))
    if spec is None:
        raise UnknownIndicatorError(f"chỉ tiêu {code!r} không có trong danh mục chỉ tiêu ({REGISTRY_FILE}); "
                                    f"các mã có: {', '.join(codes())}")
    return spec


def find(code: str) -> Indicator | None:
    """The indicator with this code, or None: for code that draws or prints any column
    and adds an indicator's unit and direction only when the column is one (the plots).

    Args:
        code: a column name.

    Returns:
        Its ``Indicator``; None when it is not a registered code.
    """
    return registry().get(str(code))


def codes() -> tuple[str, ...]:
    """Every registered code, in the registry's order.

    Returns:
        The codes (the panel's indicator columns).
    """
    return tuple(spec.name for spec in registry().indicators)


def goals() -> dict[str, str]:
    """The goals and task groups an indicator measures.

    Returns:
        Code ("MT1"…"NV4", "ALL") → its Vietnamese name.
    """
    return dict(registry().goals)


def bounds(code: str) -> tuple[float, float]:
    """The values an indicator can take, so that no interval reaches an impossible value.

    Args:
        code: the indicator's code.

    Returns:
        (low, high): (0, 100) for rates, shares and scores; (0, inf) for counts and rates
        per 100 staff.

    Raises:
        UnknownIndicatorError: an unknown code (a range is never guessed).
    """
    return indicator(code).bounds


def difference_bounds(code: str) -> tuple[float, float]:
    """The values a difference of two of an indicator's values can take.

    Args:
        code: the indicator's code.

    Returns:
        (low − high, high − low): (−100, 100) on a 0–100 scale; (−inf, inf) unbounded.

    Raises:
        UnknownIndicatorError: an unknown code.
    """
    return indicator(code).difference_bounds


def higher_is_better(code: str) -> bool:
    """Which direction is better for an indicator.

    Args:
        code: the indicator's code.

    Returns:
        True when a higher value is better.

    Raises:
        UnknownIndicatorError: an unknown code (a direction is never guessed).
    """
    return indicator(code).higher_is_better


def label_vi(code: str) -> str:
    """An indicator's Vietnamese name.

    Args:
        code: the indicator's code.

    Returns:
        Its full name ("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn").

    Raises:
        UnknownIndicatorError: an unknown code.
    """
    return indicator(code).label_vi


def table() -> pd.DataFrame:
    """The registry as a printable table, one row per indicator in the registry's order.

    Returns:
        Columns name, label_vi, unit, diff_unit_vi, measures, higher_is_better,
        source_fields, measures_vi (the goal's name), direction_vi ("cao hơn là tốt
        hơn"/"thấp hơn là tốt hơn"), then short_label_vi, scale, bounds_low, bounds_high,
        kind, aggregate, decimals, is_percent.
    """
    specs = registry().indicators
    first = ["name", "label_vi", "unit", "diff_unit_vi", "measures", "higher_is_better", "source_fields"]
    out = pd.DataFrame([{c: getattr(s, c) for c in first} for s in specs])
    out["measures_vi"] = out["measures"].map(registry().goals)
    out["direction_vi"] = ["cao hơn là tốt hơn" if s.higher_is_better else "thấp hơn là tốt hơn" for s in specs]
    out["short_label_vi"] = [s.short_label_vi for s in specs]
    out["scale"] = [s.scale for s in specs]
    out["bounds_low"] = [s.bounds[0] for s in specs]
    out["bounds_high"] = [s.bounds[1] for s in specs]
    for col in ("kind", "aggregate", "decimals", "is_percent"):
        out[col] = [getattr(s, col) for s in specs]
    return out
