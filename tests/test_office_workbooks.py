"""The office's round trip with the units: every problem of a record in rejects, the
Excel twins of the tables (rejects.xlsx, findings.xlsx, bang-so-lieu.xlsx), one correction
workbook per unit, and files that are not spreadsheets named by what they are."""

from __future__ import annotations

import io
import random
import zipfile

import openpyxl
import pandas as pd
import pytest
from helpers_core import GOOD_VALUES, unit_form, write_registry
from rich.console import Console

from vhcs_analysis.cli_clean import print_clean_summary
from vhcs_analysis.settings import load
from vhcs_analysis.corrections import CORRECTIONS_DIR, cell_address
from vhcs_analysis.io.excel_tables import write_csv_folder_xlsx
from vhcs_analysis.io.filekind import PROTECTED_REASON, foreign_kind
from vhcs_analysis.io.writers import write_csv
from vhcs_analysis.labels import REASON_LABELS_VI
from vhcs_analysis.pipeline import clean_folder
from vhcs_analysis.verify import compare_file

# ten mistakes in one unit form: one per indicator, and an impossible report date
TEN_MISTAKES = dict(staff_total=80, party_members=-3, staff_studied="12abc", action_programme="chắc có",
                    action_programme_date="32/13/2016", dossiers_received=-1, dossiers_on_time="nhiều",
                    dossiers_late=-5, satisfaction_rate="150%", staff_rated_good=900)


@pytest.fixture(scope="module")
def ten_mistakes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ten")
    raw = tmp / "raw"
    write_registry(raw)
    unit_form(raw / "muoi-loi.xlsx", values=TEN_MISTAKES, date="31/02/2018")
    unit_form(raw / "dung.xlsx", unit="Sở Tài chính", values=dict(GOOD_VALUES, staff_studied="khoảng 50"))
    out = tmp / "out"
    result = clean_folder(raw, out, settings=load())
    return result, out


def _rows(path):
    ws = openpyxl.load_workbook(path).active
    return ws, [[c.value for c in row] for row in ws.iter_rows()]


def test_rejects__a_form_with_ten_mistakes_lists_all_ten_on_one_row(ten_mistakes):
    result, out = ten_mistakes
    rejects = pd.read_parquet(out / "rejects.parquet")
    row = rejects[rejects.source_file == "muoi-loi.xlsx"].iloc[0]
    assert len(rejects[rejects.source_file == "muoi-loi.xlsx"]) == 1  # one row per rejected record
    assert row.problem_count == 10
    codes = row.reason_codes.split("; ")
    assert len(codes) == 10 and codes[0] == row.reason_code
    assert {"invalid_number", "invalid_bool", "invalid_date", "negative_count", "out_of_range",
            "count_gt_staff"} <= set(codes)
    assert len(row.message.splitlines()) == 10 and "12abc" in row.message and "nhiều" in row.message
    t = result.manifest["totals"]
    assert t["rows_read"] == t["rows_kept"] + t["rows_rejected"]
    assert sum(t["rejects_by_reason"].values()) == t["rows_rejected"]  # records, not problems
    assert t["problems"] == 11 and t["problems_by_reason"]["negative_count"] == 3


def test_rejects_csv__carries_every_problem_like_the_parquet(ten_mistakes):
    _, out = ten_mistakes
    csv = pd.read_csv(out / "rejects.csv", encoding="utf-8-sig")
    assert list(csv.problem_count) == list(pd.read_parquet(out / "rejects.parquet").problem_count)


def test_correction_workbook__the_unit_gets_all_ten_with_cells_and_what_to_enter(ten_mistakes):
    _, out = ten_mistakes
    ws, rows = _rows(out / CORRECTIONS_DIR / "U01.xlsx")
    assert rows[0][0] == "PHIẾU YÊU CẦU CHỈNH SỬA SỐ LIỆU" and "Sở Nội vụ" in rows[1][0]
    assert rows[3][0].startswith("Hạn gửi lại") and rows[3][4] is None  # E4: left for the office
    assert ws["E4"].border.left.style == "thin"
    header = rows[5]
    assert header[:4] == ["STT", "Tệp", "Trang tính", "Ô"] and "Đề nghị nhập" in header
    lines = rows[6:]
    assert len(lines) == 10
    cells = [line[3] for line in lines]
    assert "D12" in cells and "D17" in cells
    fix = header.index("Đề nghị nhập")
    assert all(line[fix] for line in lines)  # every line says what to enter instead
    assert ws.freeze_panes == "A7" and ws.auto_filter.ref == f"A6:I{6 + 10}"


def test_correction_workbook__one_per_unit_with_problems_only(ten_mistakes):
    _, out = ten_mistakes
    names = sorted(p.name for p in (out / CORRECTIONS_DIR).iterdir())
    assert names == ["U01.xlsx", "U03.xlsx"]
    _, rows = _rows(out / CORRECTIONS_DIR / "U03.xlsx")
    assert len(rows[6:]) == 1 and rows[6][4] == "khoảng 50"


def test_rejects_xlsx__vietnamese_headers_frozen_filtered_numbers_as_numbers(ten_mistakes):
    _, out = ten_mistakes
    ws, rows = _rows(out / "rejects.xlsx")
    assert rows[0][:4] == ["Tệp", "Trang tính", "Dòng", "Cột"] and "Số vấn đề" in rows[0]
    assert "Lý do" in rows[0]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert isinstance(rows[1][rows[0].index("Dòng")], int)
    assert isinstance(rows[1][rows[0].index("Số vấn đề")], int)
    ws, rows = _rows(out / "findings.xlsx")
    assert rows[0][0] == "Tệp"


def test_processed_workbooks__rebuild_byte_identical(ten_mistakes, tmp_path):
    _, out = ten_mistakes
    again = tmp_path / "again"
    clean_folder(out.parent / "raw", again, settings=load())
    for rel in ("rejects.xlsx", "findings.xlsx", f"{CORRECTIONS_DIR}/U01.xlsx"):
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_clean_summary__shows_every_reason_not_only_five(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    bad = {"a": dict(GOOD_VALUES, staff_studied=900), "b": dict(GOOD_VALUES, dossiers_late="nhiều"),
           "c": dict(GOOD_VALUES, party_members=-1), "d": dict(GOOD_VALUES, satisfaction_rate="150%"),
           "e": dict(GOOD_VALUES, action_programme="chắc có"), "f": dict(GOOD_VALUES, staff_rated_good=500)}
    for n, (name, values) in enumerate(bad.items()):
        unit_form(raw / f"{name}.xlsx", values=values,
                  period=f"6 tháng {'đầu' if n % 2 else 'cuối'} năm {2017 + n // 2}")
    result = clean_folder(raw, tmp_path / "out", settings=load())
    buf = io.StringIO()
    print_clean_summary(Console(file=buf, width=200), result)
    text = buf.getvalue()
    assert len(result.manifest["totals"]["rejects_by_reason"]) == 6
    for code in result.manifest["totals"]["rejects_by_reason"]:
        assert f"lý do loại: {REASON_LABELS_VI[code]}" in text and code not in text  # Vietnamese only


def test_excel_tables__formula_text_guarded_like_the_csv(tmp_path):
    tables = tmp_path / "tables"
    write_csv(pd.DataFrame({"unit_id": ["=HYPERLINK(\"x\")", "U02"], "change": [-3.5, 2.0]}), tables / "a.csv")
    target = write_csv_folder_xlsx(tables, tmp_path / "bang.xlsx", {"unit_id": "Mã đơn vị", "change": "Thay đổi"})
    ws = openpyxl.load_workbook(target)["a"]
    assert [c.value for c in ws[1]] == ["Mã đơn vị", "Thay đổi"]
    assert ws["A2"].value == "'=HYPERLINK(\"x\")" and ws["B2"].value == -3.5
    again = write_csv_folder_xlsx(tables, tmp_path / "bang2.xlsx", {})
    assert compare_file(target, again) is not None  # other headers: verify names the difference
    assert compare_file(target, write_csv_folder_xlsx(tables, tmp_path / "bang3.xlsx", {
        "unit_id": "Mã đơn vị", "change": "Thay đổi"})) is None


def test_cell_address__excel_names_letters_and_rows():
    assert cell_address(14, "D") == "D14"
    assert cell_address(14, "staff_total") == "dòng 14"
    assert cell_address(None, None) == ""


# --- files named by what they are ---------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _ole(*names: str) -> bytes:
    directory = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory + random.Random(3).randbytes(2048)


@pytest.mark.parametrize(("data", "code", "words"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "tệp PDF"),
    (_zip({"[Content_Types].xml": b"", "word/document.xml": b"<w/>"}), "word", "Word"),
    (_ole("Root Entry", "WordDocument"), "word", "Word"),
    (b"{\\rtf1\\ansi hello}", "word", "Word"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image", "JPEG"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image", "PNG"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image", "HEIC"),
    (_zip({"bieu01.xlsx": b"PK"}), "archive", "ZIP"),
    (b"Rar!\x1a\x07\x01\x00" + bytes(20), "archive", "RAR"),
    (b"7z\xbc\xaf\x27\x1c" + bytes(20), "archive", "7z"),
    (b"Received: from mail\r\nFrom: a@b.vn\r\nTo: c@d.vn\r\nSubject: Bao cao\r\n\r\nNoi dung\r\n", "email", "EML"),
    (_ole("Root Entry", "__substg1.0_0037001F", "__properties_version1.0"), "email", "Outlook"),
    (_ole("Root Entry", "EncryptionInfo", "EncryptedPackage"), "protected", "mật khẩu"),
])
def test_foreign_kind__named_by_its_bytes_with_what_to_ask(data, code, words):
    kind = foreign_kind(data)
    assert kind is not None and kind.code == code
    assert words in kind.reason and "đề nghị đơn vị" in kind.reason


@pytest.mark.parametrize("data", [
    _zip({"[Content_Types].xml": b"", "xl/workbook.xml": b"<w/>"}),  # a workbook
    _ole("Root Entry", "Workbook"),  # Excel 97-2003
    "Tên đơn vị,Tổng số\nSở Nội vụ,80\n".encode(),  # a CSV
    "BM,Tổng số\nSở Nội vụ,80\n".encode(),  # a CSV starting like a bitmap
    b"<html><table><tr><td>1</td></tr></table></html>",
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\nFrom: a\r\n\r\n",  # an MHT page
])
def test_foreign_kind__spreadsheets_and_tables_are_left_to_the_readers(data):
    assert foreign_kind(data) is None


def test_clean__encrypted_xlsx_and_pdf_named_with_what_to_ask_and_a_workbook_for_the_sender(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a.xlsx")
    (raw / "co-mat-khau.xlsx").write_bytes(_ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    (raw / "bao-cao.xlsx").write_bytes(b"%PDF-1.4\n" + bytes(100))
    result = clean_folder(raw, tmp_path / "out", settings=load())
    reasons = {e.path: e.reason for e in result.files}
    assert reasons["co-mat-khau.xlsx"] == PROTECTED_REASON and "gỡ mật khẩu" in PROTECTED_REASON
    assert "tệp PDF" in reasons["bao-cao.xlsx"] and "biểu mẫu Excel" in reasons["bao-cao.xlsx"]
    _, rows = _rows(tmp_path / "out" / CORRECTIONS_DIR / "tep-co-mat-khau_xlsx.xlsx")
    assert "gỡ mật khẩu" in rows[6][6]


def test_findings__every_finding_of_a_kept_record_is_listed(tmp_path):
    from helpers_core import form02, inspection

    raw = tmp_path / "raw"
    write_registry(raw)
    form02(raw / "kt.xlsx", [inspection("Sở Nội vụ", total=50, rating="Yếu"), inspection("Sở Tài chính")])
    result = clean_folder(raw, tmp_path / "out", settings=load())
    assert len(result.tables["inspections"]) == 2  # both kept
    codes = sorted(result.findings.loc[result.findings.row == 5, "finding_code"])
    assert codes == ["rating_mismatch", "total_mismatch"]
    _, rows = _rows(tmp_path / "out" / "findings.xlsx")
    assert len(rows) == 1 + len(result.findings)


def test_workbook_name__unit_id_or_the_file_path_in_one_spelling():
    import unicodedata

    from vhcs_analysis.corrections import workbook_name

    assert workbook_name("unit", "U01") == "U01.xlsx"
    nfd = unicodedata.normalize("NFD", "tổng-hợp/Báo cáo đợt 1.xlsx")
    assert workbook_name("file", nfd) == unicodedata.normalize("NFC", "tep-tổng-hợp__Báo_cáo_đợt_1_xlsx.xlsx")
    assert workbook_name("file", "a.docx") != workbook_name("file", "a.xlsx")
