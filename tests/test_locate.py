from vhcs_analysis.io.files import Sheet
from vhcs_analysis.io.locate import (
    col_letter,
    is_colnum_row,
    is_signature_text,
    is_total_text,
    label_key,
    prepare,
)
from vhcs_analysis.text import encode_tcvn3


def test_col_letter__as_excel_shows_it():
    assert [col_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]


def test_label_key__ignores_numbering_case_diacritics_and_unit_in_brackets():
    assert label_key("1. TỶ LỆ người dân, tổ chức hài lòng (%)") == label_key("Tỷ lệ người dân, tổ chức hài lòng")
    assert label_key("a) Số đảng viên") == "so dang vien"
    assert label_key("II. Số đảng viên") == "so dang vien"


def test_label_key__repairs_legacy_encoded_labels():
    assert label_key(encode_tcvn3("Số đảng viên")) == "so dang vien"


def test_prepare__fills_merged_cells_only_in_the_header_copy():
    sheet = Sheet("S", [["Tiêu chí chấm điểm", None, None], [1, 2, 3]], merged=[(0, 0, 0, 2)])
    grid = prepare(sheet)
    assert grid.filled[0] == ["Tiêu chí chấm điểm"] * 3
    assert grid.values[0][1] is None


def test_is_colnum_row__numbering_row_but_not_data():
    grid = prepare(Sheet("S", [["(1)", "(2)", "(3)", "(4)"], ["1", "Sở Nội vụ", 80, 50], [1, 2, 3, 4]]))
    assert is_colnum_row(grid, 0)
    assert not is_colnum_row(grid, 1)
    assert is_colnum_row(grid, 2)


def test_is_signature_text__signature_lines_not_unit_names():
    for text in ("Người lập biểu", "T/M ĐẢNG ỦY", "BÍ THƯ", "Hà Tĩnh, ngày 15 tháng 6 năm 2017", "TRƯỞNG ĐOÀN"):
        assert is_signature_text(text), text
    assert not is_signature_text("Sở Nội vụ")


def test_is_total_text__total_rows():
    assert is_total_text("Tổng cộng") and is_total_text("CỘNG") and is_total_text("Cộng:")
    assert not is_total_text("Sở Công Thương")


def test_is_signature_row__a_date_value_in_a_data_row_is_not_a_signature():
    from vhcs_analysis.io.locate import is_signature_row

    grid = prepare(Sheet("S", [["5", "Ngày ban hành chương trình hành động", "ngày", "ngày 20 tháng 11 năm 2016"],
                               [None, None, None, "Hà Tĩnh, ngày 15 tháng 6 năm 2017"],
                               [None, None, None, "ngày 15 tháng 6 năm 2017"]]))
    assert not is_signature_row(grid, 0)
    assert is_signature_row(grid, 1) and is_signature_row(grid, 2)
