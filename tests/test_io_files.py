"""Reading raw files into grids: exact Excel positions, raw types, detection by content."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers_core import limits

from vhcs_analysis.io.files import list_input_files, read_sheets, sha256_file


@pytest.fixture
def offset_xlsx(tmp_path):
    """A table starting at C5 with a title merged over C2:F2, a hidden second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    ws["C2"] = "BÁO CÁO KẾT QUẢ"
    ws.merge_cells("C2:F2")
    ws["C5"], ws["D5"], ws["E5"] = "STT", "Chỉ tiêu", "Số liệu"
    ws["C6"], ws["D6"], ws["E6"] = 1, "Tổng số cán bộ", 12.0
    ws["C7"], ws["D7"], ws["E7"] = 2, "Tỷ lệ hài lòng", 85.5
    ws["C8"], ws["D8"], ws["E8"] = 3, "Ngày ban hành", dt.date(2017, 3, 15)
    ws["C9"], ws["D9"], ws["E9"] = 4, "Số hồ sơ", "1.234"
    ws["C10"], ws["D10"], ws["E10"] = 5, "Đã xây dựng", True
    hidden = wb.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "x"
    path = tmp_path / "bieu.xlsx"
    wb.save(path)
    return path


def test_read_sheets__rows_and_columns_keep_excel_positions(offset_xlsx):
    sheet = read_sheets(offset_xlsx, limits())[0]
    assert sheet.rows[4][2:5] == ["STT", "Chỉ tiêu", "Số liệu"]  # row 5, columns C..E
    assert sheet.rows[1][2] == "BÁO CÁO KẾT QUẢ"
    assert sheet.rows[0] == [None] * len(sheet.rows[0])


def test_read_sheets__merged_ranges_are_zero_based_inclusive_and_cut_to_the_grid(offset_xlsx):
    # C2:F2 is merged; the data ends at column E.
    assert read_sheets(offset_xlsx, limits())[0].merged == [(1, 2, 1, 4)]


def test_read_sheets__whole_numbers_become_int_and_fractions_stay_float(offset_xlsx):
    rows = read_sheets(offset_xlsx, limits())[0].rows
    assert rows[5][4] == 12 and isinstance(rows[5][4], int)
    assert rows[6][4] == 85.5


def test_read_sheets__excel_dates_stay_dates(offset_xlsx):
    value = read_sheets(offset_xlsx, limits())[0].rows[7][4]
    assert isinstance(value, dt.date) and value.year == 2017 and value.month == 3 and value.day == 15


def test_read_sheets__numbers_stored_as_text_stay_text(offset_xlsx):
    assert read_sheets(offset_xlsx, limits())[0].rows[8][4] == "1.234"


def test_read_sheets__booleans_stay_booleans(offset_xlsx):
    assert read_sheets(offset_xlsx, limits())[0].rows[9][4] is True


def test_read_sheets__hidden_sheet_is_flagged(offset_xlsx):
    sheets = read_sheets(offset_xlsx, limits())
    assert [(s.name, s.hidden) for s in sheets] == [("Biểu 01", False), ("Ẩn", True)]


def test_read_sheets__csv_with_semicolons_and_quotes(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text('STT;Tên đơn vị;Tỷ lệ\n1;"Sở Nội vụ; Văn phòng";85,5\n', encoding="utf-8")
    sheet = read_sheets(path, limits())[0]
    assert sheet.name == "ds"
    assert sheet.rows == [["STT", "Tên đơn vị", "Tỷ lệ"], ["1", "Sở Nội vụ; Văn phòng", "85,5"]]


def test_read_sheets__csv_with_tabs(tmp_path):
    path = tmp_path / "tab.csv"
    path.write_text("a\tb\tc\n1\t2\t3\n", encoding="utf-8")
    assert read_sheets(path, limits())[0].rows[1] == ["1", "2", "3"]


def test_read_sheets__csv_short_rows_are_padded_with_none(tmp_path):
    path = tmp_path / "ngan.csv"
    path.write_text("a,b,c\n1,,\n2\n", encoding="utf-8")
    assert read_sheets(path, limits())[0].rows[1:] == [["1", None, None], ["2", None, None]]


def test_read_sheets__csv_with_bom_loses_the_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("Đơn vị,Số\nSở Y tế,1\n".encode("utf-8-sig"))
    assert read_sheets(path, limits())[0].rows[0][0] == "Đơn vị"


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter, then a tone mark byte."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in _TONES))
            out.append(base + "".join(m for m in parts if m in _TONES))
    return "".join(out).encode("cp1258")


def test_read_sheets__windows_1258_csv_is_decoded(tmp_path):
    path = tmp_path / "cp1258.csv"
    path.write_bytes(cp1258("Tên đơn vị,Số\nSở Tài chính,3\n"))
    assert unicodedata.normalize("NFC", read_sheets(path, limits())[0].rows[1][0]) == "Sở Tài chính"


def test_read_sheets__xlsx_named_csv_is_read_as_a_workbook(tmp_path, offset_xlsx):
    path = tmp_path / "that-ra-la-xlsx.csv"
    path.write_bytes(offset_xlsx.read_bytes())
    assert read_sheets(path, limits())[0].rows[4][2] == "STT"


def test_read_sheets__csv_named_xlsx_is_read_as_csv(tmp_path):
    path = tmp_path / "that-ra-la-csv.xlsx"
    path.write_text("STT,Tên\n1,Sở Y tế\n", encoding="utf-8")
    assert read_sheets(path, limits())[0].rows == [["STT", "Tên"], ["1", "Sở Y tế"]]


HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>
<table border=1>
<tr><th rowspan="2">STT</th><th rowspan="2">Tên đơn vị</th><th colspan="2">Tiêu chí chấm điểm</th></tr>
<tr><th>TC1</th><th>TC2</th></tr>
<tr><td>1</td><td>Sở&nbsp;Nội vụ</td><td>9</td><td>8</td></tr>
</table>
<table><tr><td>Người lập biểu</td></tr></table>
</body></html>"""


def test_read_sheets__html_saved_as_xls_expands_spans(tmp_path):
    path = tmp_path / "ket-qua.xls"
    path.write_text(HTML, encoding="utf-8")
    sheet = read_sheets(path, limits())[0]
    assert sheet.rows == [
        ["STT", "Tên đơn vị", "Tiêu chí chấm điểm", None],
        [None, None, "TC1", "TC2"],
        ["1", "Sở Nội vụ", "9", "8"],
    ]
    assert sheet.merged == [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3)]


def test_read_sheets__one_sheet_per_html_table(tmp_path):
    path = tmp_path / "ket-qua.xlsx"  # mis-named too
    path.write_bytes(b"\xef\xbb\xbf" + HTML.encode("utf-8"))
    assert [s.name for s in read_sheets(path, limits())] == ["Bảng 1", "Bảng 2"]


def test_read_sheets__html_charset_from_meta_is_honoured(tmp_path):
    path = tmp_path / "cp1258.xls"
    path.write_bytes(
        cp1258('<html><head><meta charset="windows-1258"></head><table><tr><td>Sở Tài chính</td></tr></table></html>')
    )
    assert unicodedata.normalize("NFC", read_sheets(path, limits())[0].rows[0][0]) == "Sở Tài chính"


def test_read_sheets__mht_web_archive_is_read(tmp_path):
    path = tmp_path / "luu-tru.xls"
    path.write_bytes(
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"BB\"\r\n\r\n--BB\r\n"
        b"Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"<html><table><tr><td>S=E1=BB=9F Y t=E1=BA=BF</td></tr></table></html>\r\n--BB--\r\n"
    )
    assert read_sheets(path, limits())[0].rows == [["Sở Y tế"]]


def _ods(path, body: str):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Trang 1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return path


def test_read_sheets__ods_values_and_spans(tmp_path):
    path = _ods(
        tmp_path / "bieu.ods",
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string" table:number-columns-spanned="2"><text:p>Tiêu đề</text:p>'
        "</table:table-cell><table:covered-table-cell/></table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="8"><text:p>8</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
    )
    sheet = read_sheets(path, limits())[0]
    assert sheet.rows[0][2] == "Tiêu đề" and sheet.rows[1][2] == 7
    assert sheet.merged == [(0, 2, 0, 3)]


def test_list_input_files__recursive_sorted_and_skips_hidden_and_lock_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    for rel in ("units.csv", "b/02.xlsx", "a/z.xlsx", "a/.gitkeep", "b/~$02.xlsx"):
        (tmp_path / rel).write_bytes(b"x")
    files, skipped = list_input_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/z.xlsx", "b/02.xlsx", "units.csv"]
    assert sorted(p.name for p, _ in skipped) == [".gitkeep", "~$02.xlsx"]


def test_sha256_file__matches_hashlib(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc" * 1000)
    assert sha256_file(path) == hashlib.sha256(b"abc" * 1000).hexdigest()


def test_read_sheets__utf16_text_without_bom_is_read(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("Tên đơn vị\tSố\nSở Y tế\t5\n".encode("utf-16-le"))
    assert read_sheets(path, limits())[0].rows == [["Tên đơn vị", "Số"], ["Sở Y tế", "5"]]


XLS = Path(__file__).parent / "fixtures" / "io" / "bieu-cu.xls"


def test_read_sheets__legacy_xls_keeps_positions_types_and_merges():
    sheet = read_sheets(XLS, limits())[0]
    assert sheet.rows[4][2:5] == ["STT", "Chỉ tiêu", "Số liệu"]
    assert [sheet.rows[5][4], sheet.rows[6][4], sheet.rows[7][4]] == [12, dt.date(2017, 3, 15), "1.234"]
    assert sheet.merged == [(1, 2, 1, 4)]  # C2:F2 cut to the grid, which ends at E


def test_read_sheets__legacy_xls_hidden_sheet_is_flagged():
    assert [(s.name, s.hidden) for s in read_sheets(XLS, limits())] == [("Biểu 01", False), ("Ẩn", True)]


XML2003 = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">
 <Worksheet ss:Name="Kết quả">
  <Table>
   <Row ss:Index="2"><Cell ss:Index="3" ss:MergeAcross="1"><Data ss:Type="String">Tiêu chí chấm điểm</Data></Cell></Row>
   <Row><Cell><Data ss:Type="Number">1</Data></Cell><Cell><Data ss:Type="String">Sở Y tế</Data></Cell>
    <Cell><Data ss:Type="Number">9.5</Data></Cell>
    <Cell><Data ss:Type="DateTime">2018-05-03T00:00:00.000</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="Ẩn"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>
 </Worksheet>
</Workbook>
"""


def test_read_sheets__xml_spreadsheet_2003_keeps_positions_types_and_merges(tmp_path):
    path = tmp_path / "xuat-khau.xls"
    path.write_text(XML2003, encoding="utf-8")
    sheets = read_sheets(path, limits())
    assert [(s.name, s.hidden) for s in sheets] == [("Kết quả", False), ("Ẩn", True)]
    assert sheets[0].rows == [
        [None, None, None, None],
        [None, None, "Tiêu chí chấm điểm", None],
        [1, "Sở Y tế", 9.5, dt.date(2018, 5, 3)],
    ]
    assert sheets[0].merged == [(1, 2, 1, 3)]
