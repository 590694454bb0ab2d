"""Formulas without a stored result (files from software that never calculates): the cell
is named with its formula and what to do, not reported as an empty field; formulas with a
stored result read as their value."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from helpers_core import GOOD_VALUES, limits, unit_form, write_registry
from rich.console import Console

from vhcs_analysis.cli_clean import cli_validate
from vhcs_analysis.settings import load
from vhcs_analysis.io.files import read_sheets
from vhcs_analysis.pipeline import clean_folder

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402


def _with_cached_value(src: Path, dst: Path, value: bytes) -> Path:
    """``src`` as Excel would save it after calculating: the result stored in <v>."""
    return hostile.rewrite_zip(src, dst, lambda name, data: data.replace(b"<v></v>", b"<v>" + value + b"</v>")
                               if name.startswith("xl/worksheets/") else data)


def test_read_sheets__formula_without_result_is_blank_and_listed(tmp_path):
    path = hostile.small_xlsx(tmp_path / "f.xlsx", {"A1": 5, "A2": "=A1*2", "B3": '="a"&"b"'})
    sheet = read_sheets(path, limits())[0]
    assert sheet.rows[1][0] is None and sheet.rows[2][1] is None  # the last row is kept to name it
    assert sheet.formulas == {(1, 0): "=A1*2", (2, 1): '="a"&"b"'}


def test_read_sheets__formula_with_stored_result_reads_its_value(tmp_path):
    path = _with_cached_value(hostile.small_xlsx(tmp_path / "f.xlsx", {"A1": 5, "A2": "=A1*2"}),
                              tmp_path / "tinh.xlsx", b"10")
    sheet = read_sheets(path, limits())[0]
    assert sheet.rows == [[5], [10]] and sheet.formulas == {}


def test_validate__uncalculated_staff_total_named_with_formula_and_advice(tmp_path):
    write_registry(tmp_path)
    path = unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, staff_total="=40+40"))
    buf = io.StringIO()
    assert cli_validate([path], Console(file=buf, width=250, force_terminal=False), settings=load()) == 1
    text = buf.getvalue()
    assert "ô D10 chứa công thức =40+40" in text and "Excel hoặc LibreOffice" in text
    assert "[Công thức chưa được tính]" in text and "thiếu Tổng số cán bộ" not in text
    assert "formula_not_calculated" not in text


def test_clean__uncalculated_formula_is_the_reject_reason(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a.xlsx", values=dict(GOOD_VALUES, dossiers_late="=1234-1200"))
    result = clean_folder(raw, None, settings=load())
    rejects = result.rejects
    assert rejects["reason_code"].tolist() == ["formula_not_calculated"]
    assert "=1234-1200" in rejects["message"].iloc[0]


def test_clean__formula_with_stored_result_is_kept(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    src = unit_form(tmp_path / "src.xlsx", values=dict(GOOD_VALUES, staff_total="=40+40"))
    _with_cached_value(src, raw / "a.xlsx", b"80")
    result = clean_folder(raw, None, settings=load())
    assert len(result.rejects) == 0
    assert result.tables["unit_reports"]["staff_total"].tolist() == [80]


def test_zip_part_names__map_to_sheet_names(tmp_path):
    from vhcs_analysis.io.zip_guard import sheet_names_by_part

    path = hostile.small_xlsx(tmp_path / "f.xlsx")
    assert sheet_names_by_part(path.read_bytes()) == {"xl/worksheets/sheet1.xml": "Dữ liệu"}
    assert zipfile.is_zipfile(path)
