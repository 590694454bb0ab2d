"""Blank forms: the layouts of docs/domain.md, data validation, deterministic bytes, the CLI command."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from helpers_core import limits
from typer.testing import CliRunner

from vhcs_analysis.cli import app
from vhcs_analysis.config import MAPS_DIR
from vhcs_analysis.settings import load
from vhcs_analysis.forms import CRITERIA_LABELS
from vhcs_analysis.io.files import read_sheets
from vhcs_analysis.io.templates import (
    FILE_CONSOLIDATED,
    FILE_INSPECTION,
    FILE_UNIT,
    form01_printed_labels,
    write_templates,
)

DOMAIN_2018_LABELS = [
    "Tổng số cán bộ, công chức, viên chức, người lao động",
    "Số đảng viên",
    "Số CBCCVC đã được học tập, quán triệt Nghị quyết 01",
    "Đã xây dựng chương trình hành động",
    "Ngày ban hành chương trình hành động",
    "Hoàn thành bài trí công sở theo quy định",
    "Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ",
    "Số hồ sơ giải quyết trước hạn và đúng hạn",
    "Số hồ sơ giải quyết quá hạn",
    "Số phản ánh, kiến nghị về thái độ, tác phong cán bộ",
    "Số CBCCVC vi phạm kỷ luật, kỷ cương hành chính",
    "Tỷ lệ người dân, tổ chức hài lòng",
    "Số cuộc tự kiểm tra, giám sát về văn hóa công sở",
    "Số mô hình, cách làm hay được nhân rộng",
    "Số CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên",
    "Số CBCCVC đã xây dựng kế hoạch, cam kết cá nhân thực hiện văn hóa công sở",
    "Tổng số phòng, ban, đơn vị trực thuộc",
    "Số phòng, ban, đơn vị trực thuộc đã xây dựng kế hoạch cụ thể",
    "Số tập thể được biểu dương, khen thưởng vì cách làm hay",
    "Số cá nhân được biểu dương, khen thưởng vì cách làm hay",
]


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    return {p.name: p for p in write_templates(out, settings=load())}


def _find(rows, text):
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value == text:
                return r, c
    raise AssertionError(f"{text!r} not on the sheet")


def test_write_templates__three_workbooks(forms):
    assert sorted(forms) == sorted([FILE_UNIT, FILE_CONSOLIDATED, FILE_INSPECTION])


def test_write_templates__same_bytes_every_run(forms, tmp_path):
    again = {p.name: p.read_bytes() for p in write_templates(tmp_path, settings=load())}
    assert again == {name: p.read_bytes() for name, p in forms.items()}


def test_unit_form__vertical_table_with_the_20_domain_labels(forms):
    sheet = read_sheets(forms[FILE_UNIT], limits())[0]
    r, c = _find(sheet.rows, "STT")
    assert sheet.rows[r][c : c + 5] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]
    labels = [row[c + 1] for row in sheet.rows[r + 1 :] if isinstance(row[c], int)]
    assert sorted(labels) == sorted(DOMAIN_2018_LABELS)


def test_unit_form__group_rows_are_roman_numbered(forms):
    sheet = read_sheets(forms[FILE_UNIT], limits())[0]
    r, c = _find(sheet.rows, "STT")
    markers = [row[c] for row in sheet.rows[r + 1 :] if isinstance(row[c], str) and row[c].endswith(".")]
    assert markers == ["I.", "II.", "III.", "IV."]


def test_unit_form__title_block_has_form_code_period_date_and_unit_lines(forms):
    texts = {v for row in read_sheets(forms[FILE_UNIT], limits())[0].rows for v in row if isinstance(v, str)}
    assert {"Biểu số 01-VHCS", "Kỳ báo cáo:", "Ngày báo cáo:", "Đơn vị báo cáo:", "T/M ĐẢNG ỦY", "BÍ THƯ"} <= texts


def test_unit_form__yes_no_fields_have_a_dropdown(forms):
    sheet = read_sheets(forms[FILE_UNIT], limits())[0]
    r, c = _find(sheet.rows, "Đã xây dựng chương trình hành động")
    ws = openpyxl.load_workbook(forms[FILE_UNIT]).worksheets[0]
    value_cell = f"D{r + 1}"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and value_cell in dv.sqref]
    assert [dv.formula1 for dv in lists] == ['"Có,Không"']


def test_consolidated__one_column_per_indicator_and_a_total_row(forms):
    sheet = read_sheets(forms[FILE_CONSOLIDATED], limits())[0]
    r, c = _find(sheet.rows, "Tên đơn vị")
    assert sorted(v for v in sheet.rows[r][c + 1 :] if v not in (None, "Ghi chú")) == sorted(DOMAIN_2018_LABELS)
    _find(sheet.rows, "Tổng cộng")


def test_form02__two_row_header_with_criteria_under_a_merged_cell(forms):
    sheet = read_sheets(forms[FILE_INSPECTION], limits())[0]
    r, c = _find(sheet.rows, "Tiêu chí chấm điểm")
    assert (r, c, r, c + 9) in sheet.merged
    assert sheet.rows[r + 1][c : c + 10] == list(CRITERIA_LABELS)
    assert (r, 0, r + 1, 0) in sheet.merged  # STT spans both header rows


def test_form02__criteria_are_validated_between_0_and_10(forms):
    ws = openpyxl.load_workbook(forms[FILE_INSPECTION]).worksheets[0]
    ranges = [(dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation if "E11" in dv.sqref]
    assert ranges == [("0", "10")]


def test_templates__each_workbook_has_a_vietnamese_guide_sheet(forms):
    for path in forms.values():
        guide = [s for s in read_sheets(path, limits()) if s.name == "Hướng dẫn"]
        assert guide and guide[0].rows[0][0] == "HƯỚNG DẪN ĐIỀN BIỂU"


@pytest.mark.skipif(not (MAPS_DIR / "form01_labels.csv").is_file(), reason="label map not there yet")
def test_form01_labels__printed_labels_are_2018_labels_of_the_map():
    with (MAPS_DIR / "form01_labels.csv").open(encoding="utf-8", newline="") as fh:
        known = {(row["field"], row["label"]) for row in csv.DictReader(fh) if row["version"] == "2018"}
    assert set(form01_printed_labels().items()) <= known


@pytest.mark.skipif(not (MAPS_DIR / "form02_labels.csv").is_file(), reason="label map not there yet")
def test_form02_criteria__are_labels_of_the_map():
    with (MAPS_DIR / "form02_labels.csv").open(encoding="utf-8", newline="") as fh:
        known = {(row["field"], row["label"]) for row in csv.DictReader(fh)}
    assert {(f"c{i:02d}", name) for i, name in enumerate(CRITERIA_LABELS, start=1)} <= known


def test_cli_template__writes_the_forms_and_exits_0(tmp_path):
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "bieu-mau")])
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "bieu-mau").iterdir()) == sorted(
        [FILE_UNIT, FILE_CONSOLIDATED, FILE_INSPECTION]
    )
