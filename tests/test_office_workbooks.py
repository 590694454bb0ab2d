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
from vhcs_analysis.io.excel_tables import TableSheet, read_csv_folder, write_indexed_xlsx
from vhcs_analysis.io.filekind import PROTECTED_REASON, foreign_kind
from vhcs_analysis.io.writers import write_csv
from vhcs_analysis.labels import (
    REASON_LABELS_VI, TABLE_SHEETS_VI, TABLES_INDEX_SHEET_VI, table_sheet_vi,
)
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

    def book(name: str, headers: dict[str, str]):
        frame = read_csv_folder(tables)["a"]
        return write_indexed_xlsx(tmp_path / name, [TableSheet("a", frame, headers, "bảng a", "tables/a.csv")],
                                  index_name="Mục lục", index_headers=("Trang tính", "Nội dung", "Tệp CSV"))

    target = book("bang.xlsx", {"unit_id": "Mã đơn vị", "change": "Thay đổi"})
    ws = openpyxl.load_workbook(target)["a"]
    assert [c.value for c in ws[1]] == ["Mã đơn vị", "Thay đổi"]
    assert ws["A2"].value == "'=HYPERLINK(\"x\")" and ws["B2"].value == -3.5
    again = book("bang2.xlsx", {})
    assert compare_file(target, again) is not None  # other headers: verify names the difference
    assert compare_file(target, book("bang3.xlsx", {"unit_id": "Mã đơn vị", "change": "Thay đổi"})) is None


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


# --- the report tables' workbook (bang-so-lieu.xlsx) ---------------------------------------

def _published_tables() -> set[str]:
    """Every table a notebook publishes (``publish_table(frame, "name")`` in a code cell)."""
    import json
    import re
    from pathlib import Path

    names: set[str] = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                names |= set(re.findall(r'publish_table\(.*?"(\w+)"\)', "".join(cell["source"])))
    return names


def test_table_sheets__a_valid_unique_vietnamese_sheet_for_every_table_the_report_writes():
    from vhcs_analysis.report.context import PILOT_UNITS_SHEET, TABLES

    published = _published_tables()
    assert {"pilot_effects", "completeness_units", "dq_findings", "field_completeness"} <= published
    assert published | set(TABLES) | {PILOT_UNITS_SHEET} <= set(TABLE_SHEETS_VI)
    names = [name for name, _ in TABLE_SHEETS_VI.values()] + [TABLES_INDEX_SHEET_VI]
    assert len({n.lower() for n in names}) == len(names)  # Excel compares sheet names case-blind
    for key, (name, about) in TABLE_SHEETS_VI.items():
        assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\") and name.strip("'") == name, key
        assert name != key and about and table_sheet_vi(key) == name
    assert table_sheet_vi("bang_moi") == "bang_moi"  # a table without a name keeps its code


def test_tables_workbook__index_first_vietnamese_sheets_codes_in_words_numbers_stay_numbers(tmp_path):
    from vhcs_analysis.config import Paths
    from vhcs_analysis.report.build import TABLES_INDEX_HEADERS, render_tables_workbook

    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "out")
    write_csv(pd.DataFrame({"period": ["2016-H2", "2016-H2", "2016-H2"], "group": ["pilot", "rest", "all"],
                            "on_time_rate": [85.18, 85.23, 85.2], "n_units": [5, 18, 23]}),
              paths.tables / "on_time_rate.csv")
    write_csv(pd.DataFrame({"indicator": ["oc_index"], "indicator_vi": ["Chỉ số văn hóa công sở tổng hợp"],
                            "kind": ["outcome"], "direction": ["higher_better"], "did_estimate": [-1.32],
                            "verdict": ["no_evidence"], "verdict_vi": ["Chưa thấy khác biệt rõ"]}),
              paths.tables / "pilot_effects.csv")
    write_csv(pd.DataFrame({"unit_id": ["U01", "U02"], "is_pilot": [False, True], "status": ["review", "unchanged"],
                            "method": ["insufficient data", "insufficient data"]}),
              paths.tables / "ranking_proposal.csv")
    write_csv(pd.DataFrame({"reason_code": ["invalid_number"], "reason_vi": ["Số không đọc được"], "n_rows": [2]}),
              paths.tables / "dq_rejects_by_reason.csv")
    write_csv(pd.DataFrame({"round_id": ["2017-2"], "group": ["x"], "n_units": [3]}), paths.tables / "bang_moi.csv")
    csv_before = {p.name: p.read_bytes() for p in paths.tables.glob("*.csv")}
    target = render_tables_workbook(paths)
    assert {p.name: p.read_bytes() for p in paths.tables.glob("*.csv")} == csv_before  # the contract untouched
    book = openpyxl.load_workbook(target)
    effects, on_time, proposal, rejects = (table_sheet_vi(k) for k in (
        "pilot_effects", "on_time_rate", "ranking_proposal", "dq_rejects_by_reason"))
    # the index first, then the tables in the mapping's order, a table without a name last
    assert book.sheetnames == [TABLES_INDEX_SHEET_VI, effects, on_time, proposal, rejects, "bang_moi"]
    index = [row for row in book[TABLES_INDEX_SHEET_VI].iter_rows(values_only=True) if any(row)]
    head = index.index(TABLES_INDEX_HEADERS)
    assert [(r[0], r[2]) for r in index[head + 1:]] == [
        (effects, "tables/pilot_effects.csv"), (on_time, "tables/on_time_rate.csv"),
        (proposal, "tables/ranking_proposal.csv"), (rejects, "tables/dq_rejects_by_reason.csv"),
        ("bang_moi", "tables/bang_moi.csv")]
    assert index[head + 1][1].startswith(TABLE_SHEETS_VI["pilot_effects"][1])  # then the rounding note
    rows = [list(r) for r in book[on_time].iter_rows(values_only=True)]
    assert rows[0] == ["Kỳ", "Nhóm", "Tỷ lệ đúng hạn tính gộp mọi hồ sơ (%)", "Số đơn vị"]
    assert [r[1] for r in rows[1:]] == ["Đơn vị điểm", "Các đơn vị còn lại", "Toàn khối"]
    assert rows[1][0] == "6 tháng cuối năm 2016" and rows[1][2] == 85.18 and rows[1][3] == 5  # numbers as numbers
    rows = [list(r) for r in book[effects].iter_rows(values_only=True)]
    assert rows == [["Chỉ tiêu", "Loại chỉ tiêu", "Chiều tốt", "Chênh lệch thay đổi", "Kết luận"],
                    ["Chỉ số văn hóa công sở tổng hợp", "Chỉ tiêu kết quả", "Cao hơn là tốt", -1.32,
                     "Chưa thấy khác biệt rõ"]]  # a code beside its Vietnamese twin is left out
    rows = [list(r) for r in book[proposal].iter_rows(values_only=True)]
    assert rows[1:] == [["U01", "Không", "Cần xem xét: điểm sát ngưỡng, không tự động đổi mức", "không đủ số liệu"],
                        ["U02", "Có", "Giữ nguyên", "không đủ số liệu"]]
    assert [list(r) for r in book[rejects].iter_rows(values_only=True)] == [["Lý do", "Số dòng"],
                                                                           ["Số không đọc được", 2]]
    # an unknown code is shown as it is; an inspection round in words
    assert [list(r) for r in book["bang_moi"].iter_rows(values_only=True)][1] == ["Đợt 2/2017", "x", 3]
    first = target.read_bytes()
    assert render_tables_workbook(paths).read_bytes() == first  # byte-identical rebuild


def test_tables_workbook__report_decimals_shown_full_values_kept_and_said(tmp_path):
    """bang-so-lieu.xlsx: a level, a change and its interval show the indicator's decimals
    (the value itself unrounded), p-values three decimals, counts every digit; the index and
    the sheet's description say that the report's change is the difference of rounded levels;
    the pooled on-time rate is labelled as such; a ranking category shows the map's name
    beside the text as written."""
    from vhcs_analysis.config import Paths
    from vhcs_analysis.report.build import ROUNDING_NOTE_VI, render_tables_workbook

    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "out")
    write_csv(pd.DataFrame({"indicator": ["complaints_per_100", "not_in_registry"], "indicator_vi": ["Phản ánh", "X"],
                            "baseline_mean": [5.56, 1.234], "post_mean": [3.52, 2.0], "change": [-2.044, 0.766],
                            "n_units": [58, 3], "p_value": [0.1067, 0.5]}), paths.tables / "indicators_by_goal.csv")
    write_csv(pd.DataFrame({"period": ["2016-H2"], "group": ["all"], "dossiers_on_time": [38882],
                            "dossiers_late": [6113], "on_time_rate": [86.41], "n_units": [25]}),
              paths.tables / "on_time_rate.csv")
    write_csv(pd.DataFrame({"unit_id": ["U01", "U02", "U03"], "year": [2018, 2018, 2018],
                            "category_current": ["HTTNV", "HOÀN THÀNH TỐT NHIỆM VỤ", "Hoàn thành nhiệm vụ"]}),
              paths.tables / "ranking_proposal.csv")
    csv_before = {p.name: p.read_bytes() for p in paths.tables.glob("*.csv")}
    book = openpyxl.load_workbook(render_tables_workbook(paths))
    assert {p.name: p.read_bytes() for p in paths.tables.glob("*.csv")} == csv_before  # the contract untouched
    goal = book[table_sheet_vi("indicators_by_goal")]
    cells = {c.value: c.number_format for row in goal.iter_rows(min_row=2) for c in row if c.value is not None}
    assert cells[-2.044] == "0.0" and cells[5.56] == "0.0" and cells[0.1067] == "0.000"  # values kept in full
    assert cells[58] == "General" and cells[1.234] == "General"  # a count; an indicator the registry lacks
    index = [row for row in book[TABLES_INDEX_SHEET_VI].iter_rows(values_only=True) if any(row)]
    assert (ROUNDING_NOTE_VI,) == tuple(v for v in index[2] if v) and "lệch 0,1" in ROUNDING_NOTE_VI
    about = {r[0]: r[1] for r in index[3:]}
    assert about[table_sheet_vi("indicators_by_goal")].endswith(ROUNDING_NOTE_VI)
    assert ROUNDING_NOTE_VI not in about[table_sheet_vi("ranking_proposal")]  # no figure on a scale there
    on_time = book[table_sheet_vi("on_time_rate")]
    assert "tính gộp mọi hồ sơ" in on_time.cell(1, 5).value and on_time.cell(2, 5).number_format == "0.0"
    assert "tính gộp mọi hồ sơ" in about[table_sheet_vi("on_time_rate")]
    rows = [list(r) for r in book[table_sheet_vi("ranking_proposal")].iter_rows(values_only=True)]
    assert rows[0] == ["Mã đơn vị", "Năm", "Xếp loại hiện hành", "Xếp loại hiện hành (nguyên văn trong tệp xếp loại)"]
    assert [r[2:] for r in rows[1:]] == [["Hoàn thành tốt nhiệm vụ", "HTTNV"],
                                         ["Hoàn thành tốt nhiệm vụ", "HOÀN THÀNH TỐT NHIỆM VỤ"],
                                         ["Hoàn thành nhiệm vụ", "Hoàn thành nhiệm vụ"]]
