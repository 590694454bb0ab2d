"""The README's guide for real data holds (issue 23): its units.csv example is a registry
the cleaning accepts, the allowed values it lists are the ones the code checks, and it
says what happens on an empty data/raw."""

from __future__ import annotations

import re
from pathlib import Path

from helpers_core import limits

from vhcs_analysis.registry import UNIT_TYPES, read_units
from vhcs_analysis.sample.units import BLOCKS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
SECTION = README[README.index("### Danh mục đơn vị `units.csv`"):README.index("## Mỗi lệnh tạo ra gì")]


def test_readme_units_example__is_a_registry_the_cleaning_accepts(tmp_path):
    example = re.search(r"```csv\n(.*?)```", SECTION, re.S).group(1)
    path = tmp_path / "units.csv"
    path.write_text(example, encoding="utf-8")
    units = read_units(path, limits=limits())
    assert len(units) == example.count("\n") - 1
    assert set(units["unit_type"].dropna()) <= set(UNIT_TYPES)
    assert units["is_pilot"].any() and units["staff_count"].max() == 1120


def test_readme_units_table__lists_the_unit_types_the_registry_accepts_and_the_sample_blocks():
    row = next(line for line in SECTION.splitlines() if line.startswith("| `unit_type`"))
    assert all(f"`{t}`" in row for t in UNIT_TYPES)
    row = next(line for line in SECTION.splitlines() if line.startswith("| `block`"))
    assert all(block in row for block in BLOCKS)


def test_readme__says_what_happens_on_an_empty_raw_folder_and_that_every_command_takes_config():
    assert "### Khi `data/raw/` trống" in SECTION and "DỮ LIỆU MẪU" in SECTION
    assert "Mọi lệnh nhận `--config TỆP`" in README and "`vhcs verify`" in README
