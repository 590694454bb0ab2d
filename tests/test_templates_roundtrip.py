"""Blank forms from io/templates.py, filled in as a unit or an inspector would, are read
back by the cleaner."""

import datetime as dt

import openpyxl
import pytest
from helpers_core import write_registry

from vhcs_analysis.config import load
from vhcs_analysis.io import templates
from vhcs_analysis.pipeline import clean_folder


@pytest.fixture
def blank(tmp_path):
    out = tmp_path / "blank"
    templates.write_templates(out, settings=load())
    return out


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip().startswith(text):
                return cell
    raise AssertionError(text)


def _fill_unit(path, dest):
    wb = openpyxl.load_workbook(path)
    ws = wb["Biểu 01-VHCS"]
    ws[f"C{_find(ws, 'Đơn vị báo cáo').row}"] = "Sở Nội vụ"
    ws[f"C{_find(ws, 'Kỳ báo cáo').row}"] = "6 tháng đầu năm 2018"
    ws[f"C{_find(ws, 'Ngày báo cáo').row}"] = dt.datetime(2018, 6, 18)
    values = {"Tổng số cán bộ": 80, "Số đảng viên": 50, "Số CBCCVC đã được học tập": 70,
              "Đã xây dựng chương trình": "Có", "Tỷ lệ người dân": 90.5}
    for start, value in values.items():
        ws[f"D{_find(ws, start).row}"] = value
    wb.save(dest)


def test_roundtrip__filled_unit_form_is_read(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    _fill_unit(blank / templates.FILE_UNIT, raw / "snv.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert res.rejects.empty, res.rejects.message.tolist()
    rep = res.tables["unit_reports"].iloc[0]
    assert (rep.unit_id, rep.period, rep.form_version, rep.staff_total, rep.satisfaction_rate) == (
        "U01", "2018-H1", "2018", 80, 90.5)
    assert rep.report_date.date() == dt.date(2018, 6, 18)


def test_roundtrip__filled_consolidated_sheet_is_read(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    wb = openpyxl.load_workbook(blank / templates.FILE_CONSOLIDATED)
    ws = wb["Tổng hợp 01-VHCS"]
    ws[f"C{_find(ws, 'Kỳ báo cáo').row}"] = "6 tháng cuối năm 2017"
    header = _find(ws, "Tên đơn vị").row
    staff_col = _find(ws, "Tổng số cán bộ").column
    for i, (name, staff) in enumerate((("Sở Nội vụ", 80), ("Sở GD&ĐT", 120))):
        ws.cell(row=header + 2 + i, column=1, value=i + 1)
        ws.cell(row=header + 2 + i, column=2, value=name)
        ws.cell(row=header + 2 + i, column=staff_col, value=staff)
    wb.save(raw / "th.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert res.rejects.empty, res.rejects.message.tolist()
    ur = res.tables["unit_reports"]
    assert list(zip(ur.unit_id, ur.period, ur.staff_total)) == [("U01", "2017-H2", 80), ("U02", "2017-H2", 120)]


def test_roundtrip__filled_inspection_form_is_read(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    wb = openpyxl.load_workbook(blank / templates.FILE_INSPECTION)
    ws = wb["Biểu 02-VHCS"]
    ws[f"C{_find(ws, 'Đợt kiểm tra').row}"] = "Đợt 2 năm 2018"
    first = _find(ws, "(1)").row + 1
    ws.cell(row=first, column=1, value=1)
    ws.cell(row=first, column=2, value="Sở Tài chính")
    ws.cell(row=first, column=3, value=dt.datetime(2018, 11, 5))
    ws.cell(row=first, column=4, value="Giám sát")
    for c in range(5, 15):
        ws.cell(row=first, column=c, value=8)
    ws.cell(row=first, column=15, value=80)
    ws.cell(row=first, column=16, value="Khá")
    ws.cell(row=first, column=17, value=2)
    ws.cell(row=first, column=18, value="Đ/c Nguyễn Văn Riêngtư đi muộn")
    wb.save(raw / "dot2.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert res.rejects.empty and res.findings.empty
    row = res.tables["inspections"].iloc[0]
    assert (row.unit_id, row.round_id, row.kind, row.total_score, row.criteria_sum, row.violations_found) == (
        "U03", "2018-2", "Giám sát", 80, 80, 2)
