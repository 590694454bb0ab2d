"""Templates that stop mistakes at entry (issue 23): sheet protection without a password,
the unit name as a drop-down of the registry, cross-cell checks, totals as formulas."""

from __future__ import annotations

import openpyxl
import pytest
from helpers_core import REGISTRY, write_registry
from typer.testing import CliRunner

from vhcs_analysis.cli import app
from vhcs_analysis.settings import load
from vhcs_analysis.io.templates import (
    FILE_CONSOLIDATED,
    FILE_INSPECTION,
    FILE_UNIT,
    UNITS_SHEET,
    form01_printed_labels,
    write_templates,
)

NAMES = [line.split(",")[1] for line in REGISTRY.splitlines()[1:]]
SHEETS = {FILE_UNIT: "Biểu 01-VHCS", FILE_CONSOLIDATED: "Tổng hợp 01-VHCS", FILE_INSPECTION: "Biểu 02-VHCS"}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    out = tmp_path_factory.mktemp("guarded")
    return {p.name: openpyxl.load_workbook(p) for p in write_templates(out, settings=load(), unit_names=NAMES)}


def _row_of(ws, label: str) -> int:
    return next(c.row for c in ws["B"] if c.value == label)


def _validation_at(ws, ref: str):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, (ref, found)  # one validation per cell: Excel repairs overlapping ones
    return found[0]


@pytest.mark.parametrize("name", list(SHEETS))
def test_every_form_is_protected_without_a_password_labels_locked_inputs_open(books, name):
    ws = books[name][SHEETS[name]]
    assert ws.protection.sheet and not ws.protection.password
    assert ws["A4"].protection.locked  # the title
    inputs = [c for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == "FFFFF2CC"]
    assert inputs and all(not c.protection.locked for c in inputs)


def test_unit_form_labels_and_units_are_locked_values_and_notes_open(books):
    ws = books[FILE_UNIT][SHEETS[FILE_UNIT]]
    row = _row_of(ws, form01_printed_labels()["staff_total"])
    assert ws[f"B{row}"].protection.locked and ws[f"C{row}"].protection.locked
    assert not ws[f"D{row}"].protection.locked and not ws[f"E{row}"].protection.locked


@pytest.mark.parametrize(("name", "ref"), [(FILE_UNIT, "C7"), (FILE_CONSOLIDATED, "B10"), (FILE_INSPECTION, "B11")])
def test_unit_name_is_a_drop_down_of_the_registry_names_on_a_hidden_sheet(books, name, ref):
    wb = books[name]
    dv = _validation_at(wb[SHEETS[name]], ref)
    assert dv.type == "list" and dv.formula1 == f"'{UNITS_SHEET}'!$A$1:$A${len(NAMES)}"
    assert wb[UNITS_SHEET].sheet_state == "hidden"
    assert [c.value for c in wb[UNITS_SHEET]["A"]] == NAMES


def test_without_a_registry_the_unit_name_is_typed_freehand(tmp_path):
    path = write_templates(tmp_path, settings=load())[0]
    wb = openpyxl.load_workbook(path)
    assert UNITS_SHEET not in wb.sheetnames
    assert not [dv for dv in wb[SHEETS[FILE_UNIT]].data_validations.dataValidation if "C7" in dv.sqref]


@pytest.mark.parametrize(("field", "total"),
                         [("staff_studied", "staff_total"), ("discipline_violations", "staff_total"),
                                              ("staff_personal_plan", "staff_total"),
                                              ("departments_with_plan", "departments_total")])
def test_unit_form_counts_are_checked_against_their_total(books, field, total):
    ws = books[FILE_UNIT][SHEETS[FILE_UNIT]]
    labels = form01_printed_labels()
    row, total_row = _row_of(ws, labels[field]), _row_of(ws, labels[total])
    dv = _validation_at(ws, f"D{row}")
    assert dv.type == "custom" and dv.errorStyle in (None, "stop")
    assert f"D{row}<=$D${total_row}" in dv.formula1 and f"INT(D{row})=D{row}" in dv.formula1


def test_unit_form_dossiers_on_time_within_received_and_the_sum_asked_as_a_warning(books):
    ws = books[FILE_UNIT][SHEETS[FILE_UNIT]]
    labels = form01_printed_labels()
    received, on_time, late = (_row_of(ws, labels[f]) for f in ("dossiers_received", "dossiers_on_time",
                                                                 "dossiers_late"))
    assert f"D{on_time}<=$D${received}" in _validation_at(ws, f"D{on_time}").formula1
    warn = _validation_at(ws, f"D{late}")
    assert warn.errorStyle == "warning" and f"D{on_time}+D{late}=$D${received}" in warn.formula1


def test_consolidated_checks_each_row_against_its_own_staff_total(books):
    ws = books[FILE_CONSOLIDATED][SHEETS[FILE_CONSOLIDATED]]
    header = next(c.row for c in ws["B"] if c.value == "Tên đơn vị")
    col = {c.value: c.column_letter for c in ws[header] if c.value}
    labels = form01_printed_labels()
    staff, plans = col[labels["staff_total"]], col[labels["staff_personal_plan"]]
    dv = _validation_at(ws, f"{plans}{header + 2}")
    assert f"{plans}{header + 2}:{plans}{header + 71}" in str(dv.sqref)
    assert f"{plans}{header + 2}<=${staff}{header + 2}" in dv.formula1  # relative row: each row its own total
    total_row = next(c.row for c in ws["B"] if c.value == "Tổng cộng")
    assert ws[f"{plans}{total_row}"].value.startswith("=SUM(") and ws[f"{plans}{total_row}"].protection.locked


def test_form02_total_score_is_the_sum_of_the_criteria_and_locked(books):
    ws = books[FILE_INSPECTION][SHEETS[FILE_INSPECTION]]
    assert ws["O11"].value == '=IF(COUNT(E11:N11)=0,"",SUM(E11:N11))'
    assert ws["O11"].protection.locked and not ws["N11"].protection.locked
    assert not [dv for dv in ws.data_validations.dataValidation if "O11" in dv.sqref]


def test_cli_template_units_option_gives_the_drop_down(tmp_path):
    registry = write_registry(tmp_path / "dm")
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "bm"), "--units", str(registry)])
    assert result.exit_code == 0, result.output
    assert "4 đơn vị" in result.output
    assert UNITS_SHEET in openpyxl.load_workbook(tmp_path / "bm" / FILE_UNIT).sheetnames


def test_cli_template_finds_the_default_registry_of_the_raw_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VHCS_RAW", str(tmp_path / "raw"))
    runner = CliRunner()
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "a")])
    assert result.exit_code == 0 and "gõ tay" in result.output
    write_registry(tmp_path / "raw")
    result = runner.invoke(app, ["template", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0 and "4 đơn vị" in result.output
    assert UNITS_SHEET in openpyxl.load_workbook(tmp_path / "b" / FILE_UNIT).sheetnames


def test_cli_template_names_an_unusable_registry(tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("ten,khoi\nA,B\n", "utf-8")
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "bm"), "--units", str(bad)])
    assert result.exit_code != 0 and "danh mục đơn vị" in result.output
