"""Issue 28: personal plans, department plans and commended collectives/individuals on
Form 01 (2018 version only): labels, range checks, the percentage and fraction shapes."""

import io

import pytest
from helpers_core import GOOD_VALUES, LABELS_2018, consolidated, unit_form, write_registry
from rich.console import Console

from vhcs_analysis import forms, tables
from vhcs_analysis.cli_clean import cli_validate
from vhcs_analysis.clean.form01 import count_from_percent, match_label
from vhcs_analysis.settings import load
from vhcs_analysis.io.recognise import form01_labels
from vhcs_analysis.pipeline import clean_folder

NEW = ("staff_personal_plan", "departments_total", "departments_with_plan", "commended_collectives",
       "commended_individuals")
LABELS = dict(LABELS_2018, **{f: forms.FORM01_LABELS_2018[f][0] for f in NEW})
VALUES = dict(GOOD_VALUES, staff_personal_plan=60, departments_total=7, departments_with_plan=5,
              commended_collectives=2, commended_individuals=6)


def _clean(raw, **kw):
    unit_form(raw / "a.xlsx", labels=kw.pop("labels", LABELS), values=kw.pop("values", VALUES), **kw)
    write_registry(raw)
    return clean_folder(raw, None, settings=load())


def test_new_fields_are_2018_only_nullable_columns_of_unit_reports():
    cols = {c.name: c for c in tables.TABLES["unit_reports"]}
    assert all(f in cols and cols[f].dtype == "Int64" and not cols[f].required for f in NEW)
    assert set(NEW) <= form01_labels().only_2018
    assert cols["staff_personal_plan"].at_most == "staff_total"
    assert cols["departments_with_plan"].at_most == "departments_total"


@pytest.mark.parametrize(("label", "field"), [
    ("Số CBCCVC ký cam kết thực hiện văn hóa công sở", "staff_personal_plan"),
    ("Số CBCCVC đã xây dựng kế hoạch, cam kết cá nhân", "staff_personal_plan"),
    ("Tổng số phòng, ban", "departments_total"),
    ("Số phòng, ban đã xây dựng kế hoạch", "departments_with_plan"),
    ("Số tập thể được khen thưởng", "commended_collectives"),
    ("Số cá nhân có cách làm hay, sáng tạo được biểu dương", "commended_individuals"),
])
def test_label_variants_units_write_are_recognised(label, field):
    assert match_label(label, accept=90, margin=5)[0] == field


def test_unit_form_with_the_new_rows_reads_them(tmp_path):
    res = _clean(tmp_path)
    rep = res.tables["unit_reports"].iloc[0]
    assert rep.form_version == "2018" and res.rejects.empty and res.findings.empty
    assert [rep[f] for f in NEW] == [60, 7, 5, 2, 6]


def test_2017_file_and_2018_file_without_the_rows_give_missing_never_zero(tmp_path):
    unit_form(tmp_path / "a.xlsx", period="6 tháng cuối năm 2017")  # 2018 labels without the new rows
    consolidated(tmp_path / "b.xlsx", [[1, "Sở Tài chính", 60, 40, 50, 10, 8, 2]])
    write_registry(tmp_path)
    reps = clean_folder(tmp_path, None, settings=load()).tables["unit_reports"]
    assert len(reps) == 2 and "2017" in set(reps["form_version"])
    assert reps[list(NEW)].isna().all().all()


@pytest.mark.parametrize(("values", "code", "column"), [
    (dict(VALUES, staff_personal_plan=81), "count_gt_staff", "staff_personal_plan"),
    (dict(VALUES, departments_with_plan=8), "count_gt_total", "departments_with_plan"),
    (dict(VALUES, commended_individuals=-1), "negative_count", "commended_individuals"),
])
def test_impossible_counts_are_rejected_with_their_reason(tmp_path, values, code, column):
    res = _clean(tmp_path, values=values)
    assert res.rejects["reason_code"].tolist() == [code]
    row = 10 + list(LABELS).index(column)
    assert (res.rejects.iloc[0]["row"], res.rejects.iloc[0]["column"]) == (row, "D")


def test_fraction_of_departments_reads_as_count_when_total_is_blank_or_equal(tmp_path):
    for total in (None, 7):
        res = _clean(tmp_path, values=dict(VALUES, departments_total=total, departments_with_plan="5/7"))
        rep = res.tables["unit_reports"].iloc[0]
        assert (rep.departments_with_plan, rep.departments_total) == (5, 7)
        assert res.findings["finding_code"].tolist() == ["count_from_other_shape"]


def test_fraction_against_another_total_is_rejected_naming_both(tmp_path):
    res = _clean(tmp_path, values=dict(VALUES, departments_total=8, departments_with_plan="5/7"))
    rej = res.rejects.iloc[0]
    assert rej.reason_code == "fraction_total_mismatch" and "5/7" in rej.message and " 8" in rej.message


def test_fraction_above_its_own_total_is_rejected(tmp_path):
    res = _clean(tmp_path, values=dict(VALUES, departments_total=None, departments_with_plan="8/7"))
    assert res.rejects["reason_code"].tolist() == ["count_gt_total"]


def test_percent_of_staff_is_converted_with_a_finding_when_it_pins_one_count(tmp_path):
    res = _clean(tmp_path, values=dict(VALUES, staff_personal_plan="85%"))  # 85% of 80 = 68
    assert res.tables["unit_reports"].iloc[0].staff_personal_plan == 68
    assert "68 người" in res.findings.iloc[0]["message"]


def test_percent_of_staff_that_is_ambiguous_is_rejected_naming_both_values(tmp_path):
    res = _clean(tmp_path, values=dict(VALUES, staff_total=200, staff_personal_plan="85%"))
    rej = res.rejects.iloc[0]
    assert rej.reason_code == "percent_not_count" and "85%" in rej.message and "200" in rej.message


def test_percent_without_staff_total_is_listed_as_a_problem_too(tmp_path):
    unit_form(tmp_path / "a.xlsx", labels=LABELS, values=dict(VALUES, staff_total=None, staff_personal_plan="85%"))
    write_registry(tmp_path)
    buf = io.StringIO()
    assert cli_validate([tmp_path / "a.xlsx"], Console(file=buf, width=200), settings=load()) == 1
    text = buf.getvalue()
    # each problem with its reason in words (the codes stay in the rejects CSV, not on screen)
    assert "[Thiếu trường bắt buộc]" in text and "[Ghi tỷ lệ thay vì số người]" in text
    assert "không có tổng số cán bộ" in text
    assert "missing_required" not in text and "percent_not_count" not in text


def test_count_from_percent_only_when_one_count_matches():
    assert count_from_percent("85%", 40) == 34 and count_from_percent("85%", 47) == 40
    assert count_from_percent("85%", 200) is None  # 169, 170 and 171 all read 85%
    assert count_from_percent("85,5%", 200) == 171
    assert count_from_percent("120%", 40) is None and count_from_percent("85%", float("nan")) is None
