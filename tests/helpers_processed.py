"""Tiny processed tables built inline for the indicator and completeness tests."""

from __future__ import annotations

import pandas as pd

from vhcs_analysis import tables


def units_table() -> pd.DataFrame:
    """Three registry units: U1 (pilot) and U2 in block K1, U3 in K2."""
    return tables.conform(pd.DataFrame({
        "unit_id": ["U1", "U2", "U3"], "unit_name": ["Sở A", "Sở B", "Sở C"],
        "block": ["K1", "K1", "K2"], "is_pilot": [True, False, False]}), "units")


def unit_reports_table(**fields) -> pd.DataFrame:
    """Form 01 reports: one of U1 for 2017-H1 unless ``fields`` say otherwise."""
    base = {"unit_id": ["U1"], "period": ["2017-H1"], "form_version": "2018", "layout": "unit_form",
            "source_file": "a.xlsx"}
    return tables.conform(pd.DataFrame({**base, **fields}), "unit_reports")
