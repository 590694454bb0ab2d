"""Field metadata (``tables.Column`` bounds and allowed values) is the one owner of each field rule:
a value just outside a column's bounds is rejected by the reader with the column's own message,
fails the pandera schema and is refused by the Excel template's validation; a value at the edge
passes all three. Likewise for the allowed values and for a count within its total (``at_most``)."""

from __future__ import annotations

import datetime as dt
import re
import typing
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pandera.errors
import pytest
from helpers_core import form02 as write_form02
from helpers_core import inspection, write_registry

from vhcs_analysis import ranking, schemas, settings, tables
from vhcs_analysis.clean import form02
from vhcs_analysis.clean.batch import RecordBatch
from vhcs_analysis.clean.fieldchecks import allowed_choices
from vhcs_analysis.clean.form01 import check_unit_reports
from vhcs_analysis.settings import package_defaults
from vhcs_analysis.io.locate import Grid
from vhcs_analysis.io.templates import (
    FILE_CONSOLIDATED,
    FILE_INSPECTION,
    FILE_UNIT,
    form01_printed_labels,
    write_templates,
)
from vhcs_analysis.pipeline import clean_folder

FORM01_BOUNDED = [c for c in tables.FORM01_FIELDS if c.bounds is not None]
FORM02_BOUNDED = [c for c in tables.TABLES["inspections"] if c.bounds is not None]


def _probes(col: tables.Column) -> list[tuple[float, bool]]:
    """(value, allowed?) just outside and at the edges of a column's bounds (a whole step for
    a count, half a point for a score or a rate)."""
    b = col.bounds
    assert b is not None
    step = 1 if col.dtype == "Int64" else 0.5
    out: list[tuple[float, bool]] = []
    if b.low is not None:
        edge = b.low + step if b.low_open else b.low
        out += [(edge - step, False), (edge, True)]
        if b.low_open:
            out.append((b.low - step, False))  # below the open end too (a negative staff total)
    if b.high is not None:
        out += [(b.high, True), (b.high + step, False)]
    return out


def _cases(cols: list[tables.Column]):
    return [pytest.param(col, v, ok, id=f"{col.name}={v}") for col in cols for v, ok in _probes(col)]


# --- the reader --------------------------------------------------------------------------------


def _batch(table: str, data: dict[str, list]) -> RecordBatch:
    """A batch of one record read from one row, field ``k`` from column ``k + 1``."""
    fields = list(data)
    grid = Grid("S", False, [[None] + [data[f][0] for f in fields]], [])
    batch = RecordBatch(table, "f.xlsx", "S", np.array([1], dtype=np.int64), grid=grid)
    for k, f in enumerate(fields):
        batch.cells[f] = ("column", k + 1)
        batch.data[f] = list(data[f])
    return batch


def _reader_problems(col: tables.Column, value) -> list[tuple[str, str]]:
    """(reason code, message) of the problems the column's reader finds in a record whose
    other fields are fine."""
    v = int(value) if col.dtype == "Int64" else float(value)
    if col in FORM01_BOUNDED:
        data: dict[str, list] = {"staff_total": [40], col.name: [v]}
        batch = _batch("unit_reports", data)
        check_unit_reports(batch, SimpleNamespace(resolution_date=dt.date(2016, 10, 10)))
    else:
        data = {"inspection_date": [dt.date(2017, 5, 1)], "kind": ["Kiểm tra"], "rating": [None], col.name: [v]}
        batch = _batch("inspections", data)
        thresholds = tables.ratings_best_first({"Tốt": 85, "Khá": 70, "Trung bình": 50, "Yếu": 0})
        form02._check(batch, 0.5, {}, thresholds)
    return [(p.code, p.message) for p in batch.problems.get(0, [])]


@pytest.mark.parametrize(("col", "value", "ok"), _cases(FORM01_BOUNDED + FORM02_BOUNDED))
def test_reader__rejects_outside_the_bounds_with_the_columns_message(col, value, ok):
    problems = _reader_problems(col, value)
    if ok:
        assert problems == []
    elif col.is_count and value < 0:
        assert problems == [("negative_count", col.negative_message(int(value)))]
    else:
        v = int(value) if col.dtype == "Int64" else float(value)
        assert problems == [(col.range_code, col.range_message(v))]


def test_reader__messages_keep_their_wording():
    sat = tables.column("unit_reports", "satisfaction_rate")
    assert sat.range_message(120.0) == "tỷ lệ hài lòng 120,0% nằm ngoài 0–100%"
    assert tables.column("inspections", "c03").range_message(-1.0) == "điểm tiêu chí c03 = -1 nằm ngoài 0–10"
    assert tables.column("inspections", "total_score").range_message(100.5) == "tổng điểm 100,5 nằm ngoài 0–100"
    assert tables.column("unit_reports", "staff_total").range_message(0) == "tổng số cán bộ phải lớn hơn 0"
    assert tables.column("unit_reports", "good_practices").negative_message(-1) == (
        "số âm (-1) ở chỉ tiêu 'Mô hình, cách làm hay được nhân rộng'")
    assert tables.column("inspections", "violations_found").negative_message(-2) == "số vi phạm âm (-2)"


# --- the schema --------------------------------------------------------------------------------


def _schema_accepts(table: str, col: tables.Column, value) -> bool:
    frame = tables.conform(pd.DataFrame({col.name: [value]}), table, sort=False)
    try:
        schemas.schema(table).columns[col.name].validate(frame[[col.name]])
    except pandera.errors.SchemaError:
        return False
    return True


@pytest.mark.parametrize(("col", "value", "ok"), _cases(FORM01_BOUNDED + FORM02_BOUNDED))
def test_schema__fails_outside_the_bounds(col, value, ok):
    table = "unit_reports" if col in FORM01_BOUNDED else "inspections"
    assert _schema_accepts(table, col, value) is ok


@pytest.mark.parametrize(("table", "col"), [(t, c) for t, cols in tables.TABLES.items() for c in cols
                                            if c.allowed], ids=lambda x: getattr(x, "name", x))
def test_schema__takes_exactly_the_allowed_values(table, col):
    assert all(_schema_accepts(table, col, value) for value in col.allowed)
    assert not _schema_accepts(table, col, "khác")


def test_schema__every_column_with_bounds_or_allowed_has_a_check():
    for table, cols in tables.TABLES.items():
        for col in cols:
            if col.bounds is not None or col.allowed is not None:
                assert schemas.schema(table).columns[col.name].checks, (table, col.name)


# --- the Excel templates -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    return {p.name: openpyxl.load_workbook(p).worksheets[0] for p in write_templates(out, settings=package_defaults())}


def _validation(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, cell
    return found[0]


def _template_accepts(dv, cell: str, value) -> bool:
    """Whether Excel would take ``value`` typed alone into ``cell`` (other cells blank)."""
    if dv.type == "custom":  # a count within a total: its own bound is the condition on the cell
        match = re.search(rf"(?<![$A-Z]){cell}(>=|>)(-?[\d.]+)", dv.formula1)
        assert match, dv.formula1
        whole = float(value).is_integer()
        return whole and (value >= float(match[2]) if match[1] == ">=" else value > float(match[2]))
    if dv.type == "whole" and not float(value).is_integer():
        return False
    low = float(dv.formula1)
    if dv.operator == "between":
        return low <= value <= float(dv.formula2)
    return {"greaterThanOrEqual": value >= low, "greaterThan": value > low}[dv.operator]


def _form01_cell(ws, fld: str, layout: str) -> str:
    label = form01_printed_labels()[fld]
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return f"D{c.row}" if layout == FILE_UNIT else f"{c.column_letter}{c.row + 2}"
    raise AssertionError(label)


def _form02_cell(ws, header: str) -> str:
    for row in ws.iter_rows(max_row=10):
        for c in row:
            if c.value == header:
                return f"{c.column_letter}11"
    raise AssertionError(header)


@pytest.mark.parametrize("layout", [FILE_UNIT, FILE_CONSOLIDATED])
@pytest.mark.parametrize(("col", "value", "ok"), _cases(FORM01_BOUNDED))
def test_template__form01_validation_carries_the_bounds(forms, layout, col, value, ok):
    ws = forms[layout]
    cell = _form01_cell(ws, col.name, layout)
    assert _template_accepts(_validation(ws, cell), cell, value) is ok


@pytest.mark.parametrize(("col", "value", "ok"), _cases([c for c in FORM02_BOUNDED if c.name != "total_score"]))
def test_template__form02_validation_carries_the_bounds(forms, col, value, ok):
    ws = forms[FILE_INSPECTION]
    header = {"violations_found": "Số vi phạm phát hiện"}.get(col.name)
    cell = _form02_cell(ws, header) if header else f"{openpyxl.utils.get_column_letter(4 + int(col.name[1:]))}11"
    assert _template_accepts(_validation(ws, cell), cell, value) is ok


def test_template__form02_total_score_is_the_criteria_sum_not_typed(forms):
    ws = forms[FILE_INSPECTION]
    cell = _form02_cell(ws, "Tổng điểm")
    assert ws[cell].value == '=IF(COUNT(E11:N11)=0,"",SUM(E11:N11))'
    assert not [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]


def test_template__kind_list_is_the_allowed_values(forms):
    ws = forms[FILE_INSPECTION]
    kind = tables.column("inspections", "kind")
    dv = _validation(ws, _form02_cell(ws, "Hình thức"))
    assert (dv.type, dv.formula1) == ("list", '"' + ",".join(kind.allowed) + '"')


# --- allowed values in the reader, and the owners of the ranking schemes -------------------------


def test_reader__kind_outside_the_allowed_values_is_rejected_with_the_columns_message(tmp_path):
    rows = [inspection("Sở Nội vụ", kind="Thanh tra"), inspection("Sở Tài chính", kind="GS")]
    write_form02(tmp_path / "f.xlsx", rows)
    write_registry(tmp_path)
    res = clean_folder(tmp_path, None, settings=package_defaults())
    kind = tables.column("inspections", "kind")
    assert res.rejects[["reason_code", "row"]].values.tolist() == [[kind.range_code, 5]]
    assert kind.range_message("Thanh tra") in res.rejects["message"].iloc[0]
    assert res.tables["inspections"]["kind"].tolist() == ["Giám sát"]


def test_allowed_choices__folded_and_initials():
    assert allowed_choices(tables.column("inspections", "kind")) == {
        "kiem tra": "Kiểm tra", "kt": "Kiểm tra", "giam sat": "Giám sát", "gs": "Giám sát"}


def test_ranking_schemes__one_owner_for_tables_ranking_and_settings():
    annotation = settings.Ranking.model_fields["excellent_cap_schemes"].annotation
    assert typing.get_args(typing.get_args(annotation)[0]) == tables.RANKING_SCHEMES
    assert ranking.SCHEMES == tables.column("rankings", "scheme").allowed == tables.RANKING_SCHEMES
    assert set(ranking.category_map()["scheme"]) == set(tables.RANKING_SCHEMES)


def test_rating_for__lowest_rating_below_every_threshold():
    ratings = tables.ratings_best_first({"Khá": 70, "Tốt": 85, "Yếu": 10})
    assert [tables.rating_for(t, ratings) for t in (90, 85, 84.9, 70, 10, 5)] == ["Tốt", "Tốt", "Khá", "Khá", "Yếu",
                                                                                  "Yếu"]


# --- a count within its total (Column.at_most) ----------------------------------------------------


@pytest.mark.parametrize(("fld", "total"), list(tables.AT_MOST.items()))
def test_at_most__reader_schema_and_template_keep_a_count_within_its_total(forms, fld, total):
    data: dict[str, list] = {"staff_total": [40], total: [5], fld: [6]}
    batch = _batch("unit_reports", data)
    check_unit_reports(batch, SimpleNamespace(resolution_date=dt.date(2016, 10, 10)))
    assert [p.code for p in batch.problems[0]] == [
        "studied_gt_staff" if fld == "staff_studied" else "count_gt_staff" if total == "staff_total"
        else "count_gt_total"]

    base = {"unit_id": ["U01"], "period": ["2018-H1"], "form_version": ["2018"], "layout": ["unit_form"],
            "staff_total": [40], "source_file": ["f.xlsx"]}
    for value, ok in ((5, True), (6, False)):
        frame = tables.conform(pd.DataFrame({**base, total: [5], fld: [value]}), "unit_reports")
        try:
            schemas.validate(frame, "unit_reports")
        except pandera.errors.SchemaErrors:
            assert not ok
        else:
            assert ok

    ws = forms[FILE_UNIT]
    cell, total_cell = _form01_cell(ws, fld, FILE_UNIT), _form01_cell(ws, total, FILE_UNIT)
    formula = _validation(ws, cell).formula1
    assert f"{cell}<=${total_cell[0]}${total_cell[1:]}" in formula
