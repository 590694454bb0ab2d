from pathlib import Path

from helpers_core import LABELS_2018, consolidated, form02, inspection, limits, rankings, unit_form

from vhcs_analysis.config import SAMPLE_MARKER_LINE
from vhcs_analysis.io.files import Sheet, read_sheets
from vhcs_analysis.io.locate import prepare
from vhcs_analysis.io.recognise import find_tables, form01_labels, form_code, is_sample_marker


def _tables(path: Path):
    return find_tables(prepare(read_sheets(path, limits())[0]))


def test_find_tables__per_unit_form_with_its_columns(tmp_path):
    res = _tables(unit_form(tmp_path / "a.xlsx"))
    (table,) = res.tables
    assert table.kind == "form01_unit"
    assert table.header_top == 7
    assert {"label", "value"} <= set(table.columns)
    assert table.columns["value"] == 3


def test_find_tables__form02_two_row_merged_header_gives_ten_criteria(tmp_path):
    res = _tables(form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ")]))
    (table,) = res.tables
    assert table.kind == "form02"
    assert [table.columns[f"c{i:02d}"] for i in range(1, 11)] == list(range(4, 14))
    assert table.header_bottom == 3
    assert table.data_end >= 4


def test_find_tables__two_ranking_tables_on_one_sheet(tmp_path):
    path = rankings(tmp_path / "r.xlsx", [("XẾP LOẠI NĂM 2016", [["Sở Nội vụ", "TSVM"]]),
                                          ("XẾP LOẠI NĂM 2017", [["Sở Nội vụ", "HTTNV"], ["Sở Tài chính", "HTNV"]])])
    res = _tables(path)
    assert [t.kind for t in res.tables] == ["rankings", "rankings"]
    assert res.tables[1].title_top <= 4 < res.tables[1].header_top


def test_find_tables__stacked_header_typed_without_merges(tmp_path):
    rows = [["STT", "Tên đơn vị", "Học tập", None], [None, None, "Tổng số CBCCVC", "Số đảng viên"],
            ["1", "Sở Nội vụ", "80", "50"]]
    res = find_tables(prepare(Sheet("TH", rows)))
    (table,) = res.tables
    assert table.kind == "form01_consolidated"
    assert table.columns["staff_total"] == 2 and table.columns["unit_name"] == 1


def test_find_tables__reordered_columns_and_extra_blank_columns(tmp_path):
    path = consolidated(tmp_path / "c.xlsx", [["1", "Sở Nội vụ", 50, None, 80]],
                        headers=["Số đảng viên", "", "Tổng số CBCCVC"])
    (table,) = _tables(path).tables
    assert table.columns["party_members"] == 2 and table.columns["staff_total"] == 4


def test_find_tables__unrecognised_sheet_says_why_in_vietnamese():
    res = find_tables(prepare(Sheet("Ghi chu", [["Danh sách cán bộ dự họp"], ["Nguyễn Văn A", "Trưởng phòng"]])))
    assert res.tables == [] and "không nhận ra" in res.reason


def test_find_tables__form_code_without_table_is_reported():
    res = find_tables(prepare(Sheet("S", [["Biểu số 01-VHCS"], ["chưa điền"]])))
    assert res.tables == [] and "01-VHCS" in res.reason


def test_form_code__reads_the_code_in_any_spelling():
    assert form_code("Biểu số 01-VHCS") == "01"
    assert form_code("BIỂU SỐ 02 - VHCS") == "02"
    assert form_code("Sở Nội vụ") is None


def test_version_for__2018_only_when_a_2018_only_field_is_present():
    labels = form01_labels()
    assert labels.version_for(["staff_total", "satisfaction_rate"]) == "2018"
    assert labels.version_for(["staff_total", "dossiers_on_time"]) == "2017"
    assert {"satisfaction_rate", "staff_rated_good"} <= labels.only_2018
    assert set(LABELS_2018) - labels.versions["2018"] == set()


def test_is_sample_marker__first_line_decides(tmp_path):
    (tmp_path / "m.txt").write_text(SAMPLE_MARKER_LINE + "\nmore\n", "utf-8")
    (tmp_path / "n.txt").write_text("something else\n" + SAMPLE_MARKER_LINE, "utf-8")
    assert is_sample_marker(tmp_path / "m.txt")
    assert not is_sample_marker(tmp_path / "n.txt")


def test_find_tables__form02_two_row_header_without_merges():
    top = ["STT", "Tên đơn vị", "Ngày kiểm tra", "Hình thức", "Tiêu chí chấm điểm"] + [None] * 9 + [
        "Tổng điểm", "Xếp loại", "Số vi phạm phát hiện", "Ghi chú"]
    sub = [None] * 4 + [str(i) for i in range(1, 11)] + [None] * 4
    data = ["1", "Sở Nội vụ", "10/05/2017", "Kiểm tra"] + ["9"] * 10 + ["90", "Tốt", "0", None]
    (table,) = find_tables(prepare(Sheet("S", [["Đợt 1 năm 2017"], top, sub, data]))).tables
    assert table.kind == "form02" and table.header_bottom == 2
    assert [table.columns[f"c{i:02d}"] for i in range(1, 11)] == list(range(4, 14))
