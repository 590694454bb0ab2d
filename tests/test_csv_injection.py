"""Every CSV the package writes is safe to open in Excel: a unit name written as a formula
in the registry (``=HYPERLINK(…)``, ``+…``, ``-…``, ``@…``) never reaches a CSV as a live
formula, in the processed folder or in the report's tables, while numbers (also negative
ones and ±inf) stay numbers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from vhcs_analysis.io.writers import csv_bytes, neutralise_formula, read_csv, restore_formula_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_TEXT = re.compile(r"[+-]?(\d[\d.,\s]*)?%?")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return bool(_NUMBER_TEXT.fullmatch(text))
    return True


def formula_like_cells(folder: Path) -> list[tuple[str, str]]:
    """(file, cell) for every text cell of every CSV under ``folder`` that Excel would run."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                found.extend((path.name, cell) for cell in row
                             if cell.startswith(_FORMULA_START) and not _is_number(cell))
    return found


def _hostile_name(i: int, name: str) -> str:
    return ['=HYPERLINK("http://vi-du.invalid";"{}")', "+{}", "-{}", "@{}"][i % 4].format(name)


def test_csv_bytes__text_cells_guarded_numbers_left_alone():
    frame = pd.DataFrame({"name": ["=1+1", "@SUM(A1)", "-5", "Sở Nội vụ"], "x": [-1.5, 2.0, float("-inf"), -3.0]})
    text = csv_bytes(frame, bom=False).decode("utf-8")
    assert text.splitlines()[0] == "name,x,unbounded_note"
    assert text.splitlines()[1:] == ["'=1+1,-1.5,", "'@SUM(A1),2.0,", "-5,,x: không chặn được (−∞)", "Sở Nội vụ,-3.0,"]


def test_read_csv__takes_the_guard_off_again(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(csv_bytes(pd.DataFrame({"name": ["=A1", "'plain", "+84 912"]})))
    assert read_csv(path)["name"].tolist() == ["=A1", "'plain", "+84 912"]
    assert restore_formula_text(neutralise_formula("-x")) == "-x"


@pytest.mark.e2e
def test_report__registry_names_written_as_formulas_reach_no_csv_as_formulas(tmp_path):
    from vhcs_analysis.config import Paths
    from vhcs_analysis.stages import build_report
    from vhcs_analysis.sample import write_sample

    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "out" / "processed", reports=tmp_path / "out")
    write_sample(paths.raw, seed=0, truth_out=tmp_path / "truth")
    units = pd.read_csv(paths.raw / "units.csv", dtype=str, keep_default_na=False)
    # the names as written in the forms stay resolvable through the aliases
    units["aliases"] = [";".join(filter(None, [a, n])) for a, n in zip(units["aliases"], units["unit_name"])]
    units["unit_name"] = [_hostile_name(i, n) for i, n in enumerate(units["unit_name"])]
    units.to_csv(paths.raw / "units.csv", index=False, lineterminator="\n")
    build_report(paths)

    tables = paths.reports / "tables"
    assert sorted(p.name for p in tables.glob("*.csv")), "the report wrote no table"
    guarded = [cell for path in tables.glob("*.csv") for row in csv.reader(open(path, encoding="utf-8-sig"))
               for cell in row if cell.startswith(("'=", "'+", "'-", "'@"))]
    assert guarded, "no hostile name reached the tables: the test would prove nothing"
    assert formula_like_cells(paths.reports) == []
