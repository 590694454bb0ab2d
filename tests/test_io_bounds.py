"""Limits from the domain (issue 26): a file over ``[cleaning]`` max_rows, max_part_mb or
max_unzipped_mb is refused before it is parsed, with a message naming the file, the
measured size, the limit and the setting; a ``<dimension>`` that lies cannot let a sheet
through unread; a form formatted down to Excel's last row is read exactly."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from helpers_core import limits, unit_form

from vhcs_analysis.io.files import read_sheets

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402
from test_io_hostile import refused  # noqa: E402

from benchmarks.hostile_sheet import (  # noqa: E402
    EXCEL_LAST_ROW,
    formatted_to_last_row,
    lying_dimension_xlsx,
    two_cell_rows_xlsx,
)


def test_settings_limits__derived_from_the_national_roll_up_with_a_tenfold_margin():
    # 6.300 units × 5 periods ≈ 31.500 rows (32.000 with headers) × 20 columns; docs/cleaning.md
    lim = limits()
    assert lim.max_rows == 10 * 32_000
    assert lim.max_cells == 10 * 32_000 * 20


def test_lying_dimension__rows_are_counted_and_the_sheet_refused(tmp_path, parser_must_not_run):
    path = lying_dimension_xlsx(tmp_path / "vung-noi-doi.xlsx", rows=5_000)
    message = refused(path, limits(max_rows=1_000))
    assert "max_rows = 1.000 dòng" in message
    assert "hơn 1.000 dòng có dữ liệu" in message
    assert "A1:B2" in message  # the dimension's claim is named, not believed
    assert "trang Sheet1" in message and "[cleaning]" in message


def test_lying_dimension_within_the_limits__every_row_is_read(tmp_path):
    path = lying_dimension_xlsx(tmp_path / "vung-noi-doi.xlsx", rows=3_000)
    rows = read_sheets(path, limits(max_rows=3_000))[0].rows
    assert len(rows) == 3_000 and rows[-1] == [3_000, 3_000 % 97]


def test_form_formatted_to_the_last_row__reads_exactly_as_the_plain_form(tmp_path):
    plain = unit_form(tmp_path / "bieu.xlsx")
    formatted = formatted_to_last_row(plain, tmp_path / "bieu-dinh-dang.xlsx")
    import zipfile

    sheet = zipfile.ZipFile(formatted).read("xl/worksheets/sheet1.xml")
    assert sheet.count(b"customFormat") > EXCEL_LAST_ROW - 100  # the empty styled rows are there
    assert b':E%d"' % EXCEL_LAST_ROW in sheet  # and the dimension claims them
    lim = limits()
    start = time.perf_counter()
    expected = read_sheets(plain, lim)
    got = read_sheets(formatted, lim)
    assert [(s.name, s.rows, s.merged) for s in got] == [(s.name, s.rows, s.merged) for s in expected]
    assert time.perf_counter() - start < 10  # about a second on a loaded 2-core machine


def test_part_over_max_part_mb__refused_from_the_directory_naming_size_and_setting(tmp_path, parser_must_not_run):
    path = two_cell_rows_xlsx(tmp_path / "xuat-khau.xlsx", rows=20_000)
    message = refused(path, limits(max_part_mb=2))
    assert re.search(r"xl/worksheets/sheet1\.xml giải nén ra [0-9]+,[0-9] MB", message)
    assert "max_part_mb = 2 MB" in message and "trang Sheet1" in message


def test_csv_over_max_rows__refused_before_decoding(tmp_path):
    message = refused(hostile.many_cells_csv(tmp_path, rows=2_001, cols=2), limits(max_rows=2_000))
    assert "có 2.001 dòng" in message and "max_rows = 2.000 dòng" in message


def test_csv_over_max_part_mb__refused_naming_its_size(tmp_path):
    message = refused(hostile.many_cells_csv(tmp_path, rows=60_000, cols=10), limits(max_part_mb=1))
    assert "tệp văn bản dài 1,1 MB" in message and "max_part_mb = 1 MB" in message


def test_ods_over_max_rows__refused(tmp_path):
    message = refused(hostile.ods_repeat_bomb(tmp_path, repeat=30), limits(max_rows=20))
    assert "30 dòng có dữ liệu" in message and "max_rows = 20 dòng" in message


def test_xls_over_max_rows__refused_from_the_records(tmp_path):
    message = refused(hostile.far_cell_xls(tmp_path), limits(max_rows=60_000))
    assert "đến dòng 65.536" in message and "max_rows = 60.000 dòng" in message


def test_xls_stream_over_max_part_mb__refused(tmp_path):
    message = refused(hostile.far_cell_xls(tmp_path, big_stream=True), limits(max_part_mb=0.001))
    assert "luồng dữ liệu Workbook" in message and "max_part_mb" in message


@pytest.mark.slow
def test_two_cell_export_of_1_2_million_rows__refused_within_seconds(tmp_path):
    path = two_cell_rows_xlsx(tmp_path / "xuat-khau.xlsx")
    start = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - start < 5
    assert "max_part_mb = 225 MB" in message
