"""Pandera schemas of the processed tables, generated from ``tables.py``: dtypes,
nullability, each column's ``bounds`` and ``allowed`` values (``field_checks``) and the
counts within their totals (``at_most_checks``), plus the period pattern. The cleaner
rejects bad rows itself (with a located message); these schemas are the last gate on what
is written, so a failure here is a bug, not bad data."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from vhcs_analysis import tables
from vhcs_analysis.periods import CODE_PATTERN

# checks that are not field metadata of tables.py (beyond dtype, nullability, bounds and allowed)
_CHECKS: dict[str, dict[str, list[pa.Check]]] = {
    "unit_reports": {
        "period": [pa.Check.str_matches(CODE_PATTERN)],
    },
}


def field_checks(col: tables.Column) -> list[pa.Check]:
    """The pandera checks a column's field metadata gives: its ``bounds`` (an open lower
    end is ``gt``) and its ``allowed`` values."""
    checks: list[pa.Check] = []
    b = col.bounds
    if b is not None:
        if b.low is not None and b.high is not None and not b.low_open:
            checks.append(pa.Check.in_range(b.low, b.high))
        else:
            if b.low is not None:
                checks.append(pa.Check.gt(b.low) if b.low_open else pa.Check.ge(b.low))
            if b.high is not None:
                checks.append(pa.Check.le(b.high))
    if col.allowed is not None:
        checks.append(pa.Check.isin(list(col.allowed)))
    return checks


_UNIQUE = {
    "units": ["unit_id"],
    "unit_reports": ["unit_id", "period"],
    "inspections": ["unit_id", "round_id"],
    "rankings": ["unit_id", "year"],
}

_DTYPES = {"str": pd.StringDtype(na_value=float("nan")), "Int64": "Int64", "Float64": "Float64", "boolean": "boolean"}


def _dtype(name: str):
    """The pandera dtype of a ``tables.Column.dtype``."""
    if name.startswith("datetime64"):
        return name
    return _DTYPES[name]


def at_most_checks(table: str) -> list[pa.Check]:
    """One table-wide check per count that may not exceed a total of the same record
    (``tables.Column.at_most``): where both are present and the total is not negative, the
    count is at most the total (the reader's ``count_gt_staff``/``count_gt_total`` rule)."""
    names = set(tables.columns(table))
    checks = []
    for fld, total in tables.AT_MOST.items():
        if fld in names and total in names:
            def within(df: pd.DataFrame, fld: str = fld, total: str = total) -> pd.Series:
                return ~((df[total] >= 0) & (df[fld] > df[total])).fillna(False).astype(bool)
            checks.append(pa.Check(within, name=f"{fld}_at_most_{total}"))
    return checks


@lru_cache(maxsize=None)
def schema(table: str) -> pa.DataFrameSchema:
    """The schema of one processed table (columns in order, exact dtypes, checks)."""
    checks = _CHECKS.get(table, {})
    columns = {
        c.name: pa.Column(_dtype(c.dtype), checks=field_checks(c) + checks.get(c.name, []), nullable=not c.required,
                          coerce=False)
        for c in tables.TABLES[table]
    }
    return pa.DataFrameSchema(columns, checks=at_most_checks(table), strict=True, ordered=True,
                              unique=_UNIQUE.get(table))


def validate(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Check a conformed table; raises ``pandera.errors.SchemaError`` listing the failures."""
    return schema(table).validate(df, lazy=True)
