"""Hostile and broken input: each is refused with one Vietnamese line naming the file,
without unbounded time or memory (the builders are in tests/hostile.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers_core import limits

from vhcs_analysis.errors import UnreadableFileError
from vhcs_analysis.io.files import Limits, list_input_files, read_sheets

sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402


def refused(path: Path, within: Limits | None = None) -> str:
    """The one-line message of the refusal (``within`` the settings' limits unless given),
    checked to name the file."""
    with pytest.raises(UnreadableFileError) as info:
        read_sheets(path, within or limits())
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    return message


@pytest.fixture
def parser_must_not_run(monkeypatch):
    """Make reaching python-calamine an error (its message would lack the limit)."""
    import python_calamine

    class Unreachable:
        @classmethod
        def from_filelike(cls, *args, **kwargs):
            raise RuntimeError("the parser was reached")

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Unreachable)


def test_read_sheets__empty_file_is_refused(tmp_path):
    assert "rỗng" in refused(hostile.empty_file(tmp_path))


def test_read_sheets__truncated_xlsx_is_refused(tmp_path):
    assert "cắt cụt" in refused(hostile.truncated_xlsx(tmp_path))


def test_read_sheets__binary_garbage_named_xlsx_is_refused(tmp_path):
    assert "nhị phân" in refused(hostile.garbage(tmp_path, "rac.xlsx"))


def test_read_sheets__binary_garbage_named_csv_is_refused(tmp_path):
    refused(hostile.garbage(tmp_path, "rac.csv"))


def test_read_sheets__nul_bytes_in_csv_are_refused(tmp_path):
    refused(hostile.nul_csv(tmp_path))


def test_read_sheets__entity_expansion_in_sheet_xml_is_refused(tmp_path):
    assert "thực thể" in refused(hostile.billion_laughs_sheet(tmp_path))


def test_read_sheets__entity_expansion_in_shared_strings_is_refused(tmp_path):
    assert "sharedStrings" in refused(hostile.billion_laughs_shared_strings(tmp_path))


def test_read_sheets__zip_bomb_is_refused_by_declared_ratio(tmp_path):
    # 40 MB of blanks deflate ~1000×: refused from the zip directory, before inflating.
    assert "bom nén" in refused(hostile.zip_bomb(tmp_path, inflated_mb=40))


def test_read_sheets__zip_bomb_is_refused_by_declared_total(tmp_path):
    small = limits(max_unzipped_mb=5, max_zip_ratio=10_000)
    message = refused(hostile.zip_bomb(tmp_path, inflated_mb=8), small)
    assert "giải nén ra 8,0 MB" in message and "max_unzipped_mb = 5 MB" in message


def test_read_sheets__zip_that_understates_its_size_is_refused(tmp_path):
    # Inflating stops at the declared 4 KB; the checksum then fails.
    assert "hỏng" in refused(hostile.lying_zip_bomb(tmp_path))


def test_read_sheets__cell_over_the_length_limit_is_refused_with_its_place(tmp_path):
    message = refused(hostile.huge_cell(tmp_path, 501), limits(max_cell_chars=500))
    assert "trang Dữ liệu, dòng 4, cột C" in message


def test_read_sheets__cell_at_the_far_corner_is_refused_before_parsing(tmp_path, parser_must_not_run):
    assert "vượt giới hạn" in refused(hostile.far_cell(tmp_path))


def test_read_sheets__csv_with_too_many_cells_is_refused(tmp_path):
    refused(hostile.many_cells_csv(tmp_path, rows=200, cols=10), limits(max_cells=1000))


def test_read_sheets__ods_repeat_bomb_is_refused(tmp_path, parser_must_not_run):
    assert "vượt giới hạn" in refused(hostile.ods_repeat_bomb(tmp_path))


def test_read_sheets__html_span_bomb_is_refused(tmp_path):
    refused(hostile.html_span_bomb(tmp_path))


def test_read_sheets__file_over_the_size_limit_is_refused(tmp_path):
    path = hostile.small_xlsx(tmp_path / "lon.xlsx")
    assert "quá lớn" in refused(path, limits(max_file_mb=0.001))


def test_read_sheets__password_protected_workbook_is_refused(tmp_path):
    assert "mật khẩu" in refused(hostile.encrypted_ole(tmp_path))


def test_read_sheets__garbage_behind_ole_magic_is_refused(tmp_path):
    refused(hostile.broken_ole(tmp_path))


def test_read_sheets__display_name_is_used_in_the_message(tmp_path):
    path = hostile.empty_file(tmp_path)
    with pytest.raises(UnreadableFileError, match="tệp 2017/rong.xlsx"):
        read_sheets(path, limits(), display_name="2017/rong.xlsx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_read_sheets__named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "ong.csv"
    os.mkfifo(fifo)
    assert "không phải tệp" in refused(fifo)


def test_list_input_files__symlink_loop_is_skipped_and_terminates(tmp_path):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "a" / "bao-cao.xlsx").write_bytes(b"x")
    (raw / "a" / "vong").symlink_to(raw, target_is_directory=True)
    (raw / "tu-than").symlink_to(raw / "tu-than")
    files, skipped = list_input_files(raw)
    assert files == [raw / "a" / "bao-cao.xlsx"]
    assert {p.name for p, _ in skipped} == {"vong", "tu-than"}


def test_list_input_files__link_out_of_the_raw_folder_is_skipped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (tmp_path / "bi-mat.csv").write_text("a,b\n")
    (raw / "lien-ket.csv").symlink_to(tmp_path / "bi-mat.csv")
    files, skipped = list_input_files(raw)
    assert files == []
    assert "ngoài thư mục" in skipped[0][1]


def test_read_sheets__xml_spreadsheet_2003_far_cell_is_refused(tmp_path):
    path = tmp_path / "xa.xls"
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
        '<Row ss:Index="1048576"><Cell ss:Index="16384"><Data ss:Type="String">x</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    assert "vượt giới hạn" in refused(path)


def test_read_sheets__entities_declared_in_html_are_not_expanded(tmp_path):
    path = tmp_path / "thuc-the.xls"
    path.write_bytes(hostile._LAUGHS.replace(b"lolz", b"html")
                     + b"<html><table><tr><td>&lol9;</td></tr></table></html>")
    sheets = read_sheets(path, limits())
    assert len(sheets[0].rows[0][0] or "") < 1000


def test_read_sheets__far_cell_without_coordinates_is_refused(tmp_path):
    assert "vượt giới hạn" in refused(hostile.far_row_without_refs(tmp_path), limits(max_cells=1000))


def test_read_sheets__far_cell_with_a_namespace_prefix_is_refused(tmp_path):
    assert "vượt giới hạn" in refused(hostile.far_cell_with_prefix(tmp_path))


def test_read_sheets__csv_cell_over_the_length_limit_is_refused_with_its_place(tmp_path):
    path = tmp_path / "dai.csv"
    path.write_text("STT,Ghi chú\n1," + "x" * 600 + "\n", encoding="utf-8")
    assert "dòng 2, cột B" in refused(path, limits(max_cell_chars=500))


def test_read_sheets__csv_field_beyond_the_csv_module_limit_is_refused(tmp_path):
    path = tmp_path / "rat-dai.csv"
    path.write_text('STT,Ghi chú\n1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    refused(path)


def test_list_input_files__unreadable_folder_is_skipped_with_a_reason(tmp_path, monkeypatch):
    locked = tmp_path / "khoa"
    locked.mkdir()
    (tmp_path / "a.csv").write_text("x\n")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, skipped = list_input_files(tmp_path)
    assert files == [tmp_path / "a.csv"]
    assert skipped[0][0] == locked and "không đọc được thư mục" in skipped[0][1]


@pytest.mark.parametrize("big_stream", [False, True], ids=["mini-stream", "regular-sectors"])
def test_read_sheets__xls_cell_at_the_far_corner_is_refused_before_parsing(tmp_path, big_stream, parser_must_not_run):
    assert "vượt giới hạn" in refused(hostile.far_cell_xls(tmp_path, big_stream))


def _empty_styled_sheet(path: Path, sheet_mb: float) -> Path:
    from benchmarks.hostile_sheet import empty_styled_sheet_xlsx

    return empty_styled_sheet_xlsx(path, sheet_mb)


def test_xlsx_many_empty_styled_cells__refused_on_the_count_naming_the_limit(tmp_path, parser_must_not_run):
    # 2 MB of empty styled cells (~92,000 tags) in a tiny extent-free sheet, limit 50,000 cells
    path = _empty_styled_sheet(tmp_path / "trang-dinh-dang.xlsx", 2)
    message = refused(path, limits(max_cells=50_000))
    assert "max_cells = 50.000" in message and "[cleaning]" in message


def test_xlsx_empty_styled_cells_under_the_limit__read(tmp_path):
    path = _empty_styled_sheet(tmp_path / "trang-dinh-dang.xlsx", 2)
    sheets = read_sheets(path, limits(max_cells=1_000_000))
    assert [row for row in sheets[0].rows if any(v is not None for v in row)] == [["Bang tinh"]]


def test_xlsx_millions_of_empty_rows__refused_on_the_count(tmp_path, parser_must_not_run):
    rows = b"".join(b'<row r="%d" ht="20" customHeight="1"/>' % r for r in range(2, 3_000))

    def edit(name, data):
        return data.replace(b"</sheetData>", rows + b"</sheetData>") if name == "xl/worksheets/sheet1.xml" else data

    path = hostile.rewrite_zip(hostile.small_xlsx(tmp_path / "nho.xlsx"), tmp_path / "dong.xlsx", edit)
    assert "dòng" in refused(path, limits(max_cells=1_000))


def test_xlsx_more_shared_strings_than_cells_allowed__refused(tmp_path, parser_must_not_run):
    import zipfile

    base = hostile.small_xlsx(tmp_path / "nho.xlsx")
    path = tmp_path / "chuoi.xlsx"
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(2_000))
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                      b'spreadsheetml/2006/main">' + strings + b"</sst>")
    assert "chuỗi văn bản dùng chung" in refused(path, limits(max_cells=1_000))


@pytest.mark.slow
def test_xlsx_sheet_inflating_to_485_mb__refused_within_seconds(tmp_path):
    import time

    path = _empty_styled_sheet(tmp_path / "trang-485mb.xlsx", 485)
    assert path.stat().st_size < limits().max_file_mb * 1024 * 1024
    start = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - start < 5  # decided from the zip directory (issue 26)
    assert "max_part_mb" in message
