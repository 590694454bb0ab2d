import datetime as dt

import pandas as pd
import pytest
from helpers_core import GOOD_VALUES, LABELS_2018, consolidated, unit_form, write_registry

from vhcs_analysis.settings import load
from vhcs_analysis.pipeline import clean_folder


def _clean(raw):
    write_registry(raw)
    return clean_folder(raw, None, settings=load())


def _only_reject(res):
    assert len(res.rejects) == 1, res.rejects
    return res.rejects.iloc[0]


def test_unit_form__values_parsed_from_vietnamese_text(tmp_path):
    unit_form(tmp_path / "a.xlsx")
    res = _clean(tmp_path)
    rep = res.tables["unit_reports"].iloc[0]
    assert (rep.unit_id, rep.period, rep.form_version, rep.layout) == ("U01", "2018-H1", "2018", "unit_form")
    assert rep.staff_studied == 75 and rep.dossiers_received == 1234 and rep.satisfaction_rate == 85.5
    assert bool(rep.action_programme) and rep.action_programme_date == pd.Timestamp(2016, 11, 20)
    assert rep.report_date == pd.Timestamp(2018, 6, 15)
    assert rep.source_row == 10  # the first indicator row


def test_unit_form__dash_and_x_stay_missing_not_zero(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, dossiers_received="-", dossiers_on_time="x",
                                               dossiers_late=None))
    rep = _clean(tmp_path).tables["unit_reports"].iloc[0]
    assert pd.isna(rep.dossiers_received) and pd.isna(rep.dossiers_on_time) and pd.isna(rep.dossiers_late)


def test_unit_form__2017_labels_give_version_2017(tmp_path):
    labels = {"staff_total": "Tổng số cán bộ, công chức, viên chức", "staff_studied": "Số cán bộ đã học tập Nghị quyết",
              "dossiers_on_time": "Số hồ sơ giải quyết đúng hạn"}
    unit_form(tmp_path / "a.xlsx", labels=labels, values={"staff_total": 10, "staff_studied": 5, "dossiers_on_time": 3},
              period="6 tháng cuối năm 2017")
    rep = _clean(tmp_path).tables["unit_reports"].iloc[0]
    assert (rep.form_version, rep.staff_studied, rep.period) == ("2017", 5, "2017-H2")


def test_unit_form__unknown_label_with_a_value_is_rejected_at_its_cell(tmp_path):
    unit_form(tmp_path / "a.xlsx", extra_rows=[[11, "Số sáng kiến cải tiến lề lối", None, 4]])
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row, rej.column) == ("unknown_label", 20, "B")
    assert "Số sáng kiến" in rej.message


def test_unit_form__studied_gt_staff_points_at_the_value_cell(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, staff_studied=95))
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row, rej.column, rej.value) == ("studied_gt_staff", 12, "D", "95")
    assert "a.xlsx" in rej.message and "Bieu01" in rej.message and "dòng 12" in rej.message and "cột D" in rej.message


def test_unit_form__satisfaction_over_100_is_out_of_range(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, satisfaction_rate="120%"))
    assert _only_reject(_clean(tmp_path)).reason_code == "out_of_range"


def test_unit_form__missing_staff_total_is_rejected(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, staff_total=None))
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row) == ("missing_required", 10)


def test_unit_form__negative_count_rejected_naming_the_field(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, party_members=-3))
    rej = _only_reject(_clean(tmp_path))
    assert rej.reason_code == "negative_count"
    # the field's message name (tables.Column.message_vi), without the unit of its description
    assert "chỉ tiêu 'Số đảng viên'" in rej.message


def test_unit_form__on_time_above_received_is_inconsistent(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, dossiers_received=100, dossiers_on_time=130))
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row) == ("dossiers_inconsistent", 16)


def test_unit_form__carried_over_dossiers_allow_on_time_plus_late_above_received(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, dossiers_received=100, dossiers_on_time=95,
                                               dossiers_late=20))
    res = _clean(tmp_path)
    assert res.rejects.empty and len(res.tables["unit_reports"]) == 1


def test_unit_form__programme_before_the_resolution_is_rejected(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, action_programme_date="15/08/2016"))
    assert _only_reject(_clean(tmp_path)).reason_code == "date_before_resolution"


def test_unit_form__unknown_unit_names_the_closest_candidates(tmp_path):
    unit_form(tmp_path / "a.xlsx", unit="Sở Tài nguyên Nước")
    rej = _only_reject(_clean(tmp_path))
    assert rej.reason_code == "unknown_unit" and "Sở Tài nguyên và Môi trường" in rej.message
    assert (rej.row, rej.column) == (4, "A")


def test_unit_form__unreadable_period_is_invalid_period(tmp_path):
    unit_form(tmp_path / "a.xlsx", period="đợt báo cáo thường kỳ")
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row) == ("invalid_period", 5)


def test_consolidated__group_total_and_blank_rows_are_not_data(tmp_path):
    rows = [["I.", "Khối Hành chính"], ["1", "Sở Nội vụ", 80, 50, 60, None, None, None],
            [], ["2", "SỞ TÀI CHÍNH", 60, 40, 50, 10, 5, 1], [None, "Tổng cộng", 140, 90, 110, 10, 5, 1]]
    consolidated(tmp_path / "th.xlsx", rows)
    res = _clean(tmp_path)
    ur = res.tables["unit_reports"]
    assert ur["unit_id"].tolist() == ["U01", "U03"] and ur["period"].unique().tolist() == ["2016-H2"]
    assert ur["layout"].unique().tolist() == ["consolidated"] and ur["source_row"].tolist() == [5, 7]
    assert res.manifest["totals"]["rows_read"] == 4 + 2  # registry rows + two unit rows


def test_consolidated__unknown_column_with_data_rejects_the_row(tmp_path):
    consolidated(tmp_path / "th.xlsx", [["1", "Sở Nội vụ", 80, 50, 60, None, None, None, None, 7],
                                         ["2", "Sở Tài chính", 60, 40, 50, 10, 5, 1]],
                 headers=["Tổng số CBCCVC", "Số đảng viên", "Số cán bộ đã học tập Nghị quyết", "Số hồ sơ tiếp nhận",
                          "Số hồ sơ giải quyết đúng hạn", "Số hồ sơ giải quyết quá hạn", "Ghi chú", "Số sáng kiến"])
    res = _clean(tmp_path)
    rej = _only_reject(res)
    assert (rej.reason_code, rej.row, rej.column, rej.value) == ("unknown_label", 4, "J", "Số sáng kiến")
    assert res.tables["unit_reports"]["unit_id"].tolist() == ["U03"]


def test_consolidated__period_from_sheet_name_when_title_has_none(tmp_path):
    consolidated(tmp_path / "th.xlsx", [["1", "Sở Nội vụ", 80, 50, 60]], title="BẢNG TỔNG HỢP",
                 sheet="6 tháng đầu năm 2017")
    assert _clean(tmp_path).tables["unit_reports"]["period"].tolist() == ["2017-H1"]


def test_consolidated__garbage_number_is_invalid_number(tmp_path):
    consolidated(tmp_path / "th.xlsx", [["1", "Sở Nội vụ", 80, "năm mươi", 60]])
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row, rej.column) == ("invalid_number", 4, "D")


def test_unit_form__labels_with_numbering_and_units_still_match(tmp_path):
    labels = {f: f"{i}. {label} (người)" for i, (f, label) in enumerate(LABELS_2018.items(), start=1)}
    unit_form(tmp_path / "a.xlsx", labels=labels)
    res = _clean(tmp_path)
    assert res.rejects.empty and res.tables["unit_reports"]["staff_total"].tolist() == [80]


def test_unit_form__report_date_from_place_date_line_when_no_date_line(tmp_path):
    unit_form(tmp_path / "a.xlsx", date="", extra_rows=[[], [None, None, None, "Hà Tĩnh, ngày 3 tháng 7 năm 2018"]])
    rep = _clean(tmp_path).tables["unit_reports"].iloc[0]
    assert rep.report_date == pd.Timestamp(dt.date(2018, 7, 3))


def test_consolidated__period_column_per_row(tmp_path):
    consolidated(tmp_path / "th.xlsx", [["1", "Sở Nội vụ", 80, 50, 60, None, None, None, "6 tháng đầu năm 2017"],
                                         ["2", "Sở Nội vụ", 82, 50, 70, None, None, None, "Năm 2017 xyz đợt"]],
                 title="BẢNG TỔNG HỢP", headers=["Tổng số CBCCVC", "Số đảng viên", "Số cán bộ đã học tập Nghị quyết",
                                                 "Số hồ sơ tiếp nhận", "Số hồ sơ giải quyết đúng hạn",
                                                 "Số hồ sơ giải quyết quá hạn", "Kỳ báo cáo"])
    res = _clean(tmp_path)
    assert res.tables["unit_reports"]["period"].tolist() == ["2017-H1", "2017-Y"]


def test_consolidated__block_column_is_known_and_ignored(tmp_path):
    consolidated(tmp_path / "th.xlsx", [["1", "Sở Nội vụ", "Hành chính", 80]], headers=["Khối", "Tổng số CBCCVC",
                                                                                         "Số đảng viên"])
    res = _clean(tmp_path)
    assert res.rejects.empty and res.tables["unit_reports"]["staff_total"].tolist() == [80]


def test_unit_form__extra_column_with_data_is_not_silently_dropped(tmp_path):
    import openpyxl

    path = unit_form(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["F8"] = "Kỳ trước"
    ws["F10"] = 78
    wb.save(path)
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row, rej.column, rej.value) == ("unknown_label", 10, "F", "Kỳ trước")


def test_unit_form__label_typo_accepted_and_reported(tmp_path):
    labels = dict(LABELS_2018, staff_studied="Số CBCCVC đã được họp tập, quán triệt Nghị quyết 01")
    unit_form(tmp_path / "a.xlsx", labels=labels)
    res = _clean(tmp_path)
    assert res.tables["unit_reports"]["staff_studied"].tolist() == [75]
    assert res.findings["finding_code"].tolist() == ["fuzzy_match"]


def test_unit_form__on_time_and_late_labels_never_confused_by_fuzzy_matching(tmp_path):
    from vhcs_analysis.clean.form01 import match_label

    cleaning = load().cleaning

    def match(text):
        return match_label(text, accept=cleaning.label_fuzzy_accept, margin=cleaning.label_fuzzy_margin)

    assert match("Số hồ sơ giải quyết đúng hạn")[0] == "dossiers_on_time"
    assert match("Số hồ sơ giải quyết quá hạn")[0] == "dossiers_late"
    assert match("Số hồ sơ giải quyết chậm hạn")[0] is None
    assert match("Số đoàn viên")[0] is None  # youth-union members are not party members


def test_unit_form__absurdly_large_count_is_out_of_range_not_a_crash(tmp_path):
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, party_members="1" + "0" * 25))
    rej = _only_reject(_clean(tmp_path))
    assert (rej.reason_code, rej.row) == ("out_of_range", 11)


def test_pipeline__one_file_that_breaks_a_reader_does_not_stop_the_folder(tmp_path, monkeypatch):
    from vhcs_analysis import pipeline

    unit_form(tmp_path / "a.xlsx")
    unit_form(tmp_path / "b.xlsx", unit="Sở Tài chính")
    real = pipeline.read_file

    def flaky(path, rel, *a):
        if rel == "a.xlsx":
            raise KeyError("boom")
        return real(path, rel, *a)

    monkeypatch.setattr(pipeline, "read_file", flaky)
    monkeypatch.delenv("VHCS_DEBUG", raising=False)
    res = _clean(tmp_path)
    status = {f["path"]: f["status"] for f in res.manifest["files"]}
    assert status["a.xlsx"] == "unreadable" and res.tables["unit_reports"]["unit_id"].tolist() == ["U03"]


@pytest.mark.parametrize("words,code", [("Quý III/2018", "2018-Q3"), ("9 tháng năm 2018", "2018-M9"),
                                        ("Năm 2017", "2017-Y"), ("06 tháng đầu năm 2017", "2017-H1")])
def test_unit_form__other_period_wordings(tmp_path, words, code):
    unit_form(tmp_path / "a.xlsx", period=words)
    assert _clean(tmp_path).tables["unit_reports"]["period"].tolist() == [code]
