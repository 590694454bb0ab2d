"""Blank forms from io/templates.py, filled in as a unit or an inspector would, are read
back by the cleaner: the values typed, exactly. A formula (Form 02's total) has a result
only once a spreadsheet program has calculated it: filled in by openpyxl (which never
calculates) the cleaner names the formula; saved again by LibreOffice, as Excel would on
saving, the total is the sum typed."""

import datetime as dt
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from helpers_core import REGISTRY, write_registry

from vhcs_analysis.settings import load
from vhcs_analysis.io import templates
from vhcs_analysis.pipeline import clean_folder


NAMES = [line.split(",")[1] for line in REGISTRY.splitlines()[1:]]


@pytest.fixture
def blank(tmp_path):
    out = tmp_path / "blank"
    templates.write_templates(out, settings=load(), unit_names=NAMES)
    return out


def _recalculate(path, tmp_path):
    """``path`` opened and saved again by LibreOffice (formulas calculated, as Excel does)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "recalculated"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True,
                   timeout=120)
    return out / path.name


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
              "Đã xây dựng chương trình": "Có", "Tỷ lệ người dân": 90.5, **PLAN_CELLS}
    for start, value in values.items():
        ws[f"D{_find(ws, start).row}"] = value
    wb.save(dest)
    return wb


PLAN_CELLS = {"Số CBCCVC đã xây dựng kế hoạch": 64, "Tổng số phòng, ban": 7, "Số phòng, ban, đơn vị trực thuộc đã": 5,
              "Số tập thể được biểu dương": 2, "Số cá nhân được biểu dương": 9}


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
    assert (rep.staff_personal_plan, rep.departments_total, rep.departments_with_plan, rep.commended_collectives,
            rep.commended_individuals) == (64, 7, 5, 2, 9)
    assert res.findings.empty


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


def _fill_inspection(blank, dest):
    wb = openpyxl.load_workbook(blank / templates.FILE_INSPECTION)
    ws = wb["Biểu 02-VHCS"]
    ws[f"C{_find(ws, 'Đợt kiểm tra').row}"] = "Đợt 2 năm 2018"
    first = _find(ws, "(1)").row + 1
    ws.cell(row=first, column=1, value=1)
    ws.cell(row=first, column=2, value="Sở Tài chính")
    ws.cell(row=first, column=3, value=dt.datetime(2018, 11, 5))
    ws.cell(row=first, column=4, value="Giám sát")
    for c in range(5, 15):
        ws.cell(row=first, column=c, value=8 if c % 2 else 8.5)
    ws.cell(row=first, column=16, value="Khá")
    ws.cell(row=first, column=17, value=2)
    ws.cell(row=first, column=18, value="Đ/c Nguyễn Văn Riêngtư đi muộn")
    wb.save(dest)
    return first


def test_roundtrip__inspection_total_is_the_formula_of_the_criteria_once_calculated(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    _fill_inspection(blank, tmp_path / "dot2.xlsx")
    shutil.copy(_recalculate(tmp_path / "dot2.xlsx", tmp_path), raw / "dot2.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert res.rejects.empty and res.findings.empty
    row = res.tables["inspections"].iloc[0]
    assert (row.unit_id, row.round_id, row.kind, row.total_score, row.criteria_sum, row.violations_found) == (
        "U03", "2018-2", "Giám sát", 82.5, 82.5, 2)


def test_roundtrip__inspection_filled_without_calculating_names_the_total_formula(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    first = _fill_inspection(blank, raw / "dot2.xlsx")
    res = clean_folder(raw, None, settings=load())
    rej = res.rejects.iloc[0]
    assert len(res.rejects) == 1 and (rej.reason_code, rej.row, rej.column) == ("formula_not_calculated", first, "O")
    assert f"=IF(COUNT(E{first}:N{first})=0" in rej.message


def test_roundtrip__unprotected_form_with_changed_labels_recognised_where_the_content_allows(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    wb = _fill_unit(blank / templates.FILE_UNIT, raw / "snv.xlsx")
    ws = wb["Biểu 01-VHCS"]
    ws.protection.sheet = False
    label_row = _find(ws, "Số đảng viên").row
    ws[f"B{label_row}"] = "Số Đảng viên"  # a wording the label map knows
    ws[f"B{_find(ws, 'Tổng số phòng, ban').row}"] = "Tổng số các phòng, ban, đơn vị trực thuộc"  # close enough
    wb.save(raw / "snv.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert res.rejects.empty
    rep = res.tables["unit_reports"].iloc[0]
    assert (rep.party_members, rep.departments_total) == (50, 7)
    assert res.findings["finding_code"].tolist() == ["fuzzy_match"]

    ws[f"B{label_row}"] = "Chỉ tiêu tự thêm của đơn vị"  # nothing to recognise: named, not guessed
    wb.save(raw / "snv.xlsx")
    rej = clean_folder(raw, None, settings=load()).rejects
    assert rej["reason_code"].tolist() == ["unknown_label"] and rej.iloc[0]["row"] == label_row
    assert "Chỉ tiêu tự thêm của đơn vị" in rej.iloc[0]["message"]


def test_roundtrip__the_hidden_list_of_unit_names_is_not_read_as_data(blank, tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    _fill_unit(blank / templates.FILE_UNIT, raw / "snv.xlsx")
    res = clean_folder(raw, None, settings=load())
    assert len(res.tables["unit_reports"]) == 1 and res.rejects.empty
    assert pd.Series([f["status"] for f in res.manifest["files"]]).eq("used").all()
