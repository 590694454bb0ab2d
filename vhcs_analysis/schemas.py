"""Pandera schemas of the processed tables, generated from ``tables.py`` plus the value
checks of docs/domain.md. The cleaner rejects bad rows itself (with a located message); these
schemas are the last gate on what is written, so a failure here is a bug, not bad data.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from vhcs_analysis import tables
from vhcs_analysis.periods import CODE_PATTERN

_COUNTS = [c.name for c in tables.FORM01_FIELDS if c.dtype == "Int64"]

# column -> extra checks (beyond dtype and nullability)
_CHECKS: dict[str, dict[str, list[pa.Check]]] = {
    "units": {"is_pilot": []},
    "unit_reports": {
        "staff_total": [pa.Check.gt(0)],
        **{c: [pa.Check.ge(0)] for c in _COUNTS if c != "staff_total"},
        "satisfaction_rate": [pa.Check.in_range(0, 100)],
        "form_version": [pa.Check.isin(["2017", "2018"])],
        "layout": [pa.Check.isin(["unit_form", "consolidated"])],
        "period": [pa.Check.str_matches(CODE_PATTERN)],
    },
    "inspections": {
        **{c: [pa.Check.in_range(0, 10)] for c in tables.CRITERIA},
        "total_score": [pa.Check.in_range(0, 100)],
        "violations_found": [pa.Check.ge(0)],
        "kind": [pa.Check.isin(["Kiểm tra", "Giám sát"])],
    },
    "rankings": {
        "scheme": [pa.Check.isin(["pre2018", "qd132"])],
        "level": [pa.Check.in_range(1, 4)],
    },
}

_UNIQUE = {
    "units": ["unit_id"],
    "unit_reports": ["unit_id", "period"],
    "inspections": ["unit_id", "round_id"],
    "rankings": ["unit_id", "year"],
}

_DTYPES = {"str": pd.StringDtype(na_value=float("nan")), "Int64": "Int64", "Float64": "Float64", "boolean": "boolean"}


def _dtype(name: str):
    if name.startswith("datetime64"):
        return name
    return _DTYPES[name]


@lru_cache(maxsize=None)
def schema(table: str) -> pa.DataFrameSchema:
    """The schema of one processed table (columns in order, exact dtypes, checks)."""
    checks = _CHECKS.get(table, {})
    columns = {
        c.name: pa.Column(_dtype(c.dtype), checks=checks.get(c.name, []), nullable=not c.required, coerce=False)
        for c in tables.TABLES[table]
    }
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=_UNIQUE.get(table))


def validate(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Check a conformed table; raises ``pandera.errors.SchemaError`` listing the failures."""
    return schema(table).validate(df, lazy=True)
