import pandas as pd
from helpers_core import form02, inspection, write_registry

from vhcs_analysis.settings import load
from vhcs_analysis.pipeline import clean_folder


def _clean(raw):
    write_registry(raw)
    return clean_folder(raw, None, settings=load())


def test_form02__criteria_total_rating_and_round(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ", scores=(9, 9, 9, 9, 9, 9, 9, 9, 9, "8,5"), total="89,5")])
    res = _clean(tmp_path)
    row = res.tables["inspections"].iloc[0]
    assert (row.unit_id, row.round_id, row.kind, row.rating) == ("U01", "2017-1", "Kiểm tra", "Tốt")
    assert row.c10 == 8.5 and row.total_score == 89.5 and row.criteria_sum == 89.5
    assert row.inspection_date == pd.Timestamp(2017, 5, 10) and row.source_row == 5


def test_form02__stated_total_disagreeing_with_criteria_is_a_finding_row_kept(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ", total=95)])
    res = _clean(tmp_path)
    row = res.tables["inspections"].iloc[0]
    assert row.total_score == 95 and row.criteria_sum == 90
    assert res.findings["finding_code"].tolist() == ["total_mismatch"] and res.findings["column"].tolist() == ["O"]


def test_form02__criterion_above_10_is_score_out_of_range(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ", scores=(9,) * 9 + (11,), total=92)])
    rej = _clean(tmp_path).rejects.iloc[0]
    assert (rej.reason_code, rej.row, rej.column) == ("score_out_of_range", 5, "N")


def test_form02__unit_twice_in_a_round_is_duplicate(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ"), inspection("SNV", total=80, scores=(8,) * 10, rating="Khá")])
    res = _clean(tmp_path)
    assert res.rejects["reason_code"].tolist() == ["duplicate"] and res.rejects["row"].tolist() == [6]
    assert res.tables["inspections"]["total_score"].tolist() == [90]


def test_form02__same_unit_in_two_rounds_is_fine(tmp_path):
    form02(tmp_path / "a.xlsx", [inspection("Sở Nội vụ")])
    form02(tmp_path / "b.xlsx", [inspection("Sở Nội vụ")], title="ĐỢT 2 NĂM 2018")
    res = _clean(tmp_path)
    assert res.rejects.empty and res.tables["inspections"]["round_id"].tolist() == ["2017-1", "2018-2"]


def test_form02__notes_never_reach_outputs(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ", note="Đồng chí Hoàng Văn Bímật đi muộn"),
                                 inspection("Sở Lạ Hoắc", note="Đồng chí Hoàng Văn Bímật")])
    res = _clean(tmp_path)
    text = res.rejects.to_csv() + res.findings.to_csv() + res.tables["inspections"].to_csv()
    assert "Bímật" not in text and len(res.rejects) == 1


def test_form02__round_missing_everywhere_is_invalid_period(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ")], title="KẾT QUẢ KIỂM TRA", sheet="Sheet1")
    assert _clean(tmp_path).rejects["reason_code"].tolist() == ["invalid_period"]


def test_form02__stated_rating_disagreeing_with_thresholds_is_a_finding(tmp_path):
    form02(tmp_path / "f.xlsx", [inspection("Sở Nội vụ", rating="Khá")])
    res = _clean(tmp_path)
    assert res.rejects.empty and res.findings["finding_code"].tolist() == ["rating_mismatch"]


def test_form02__two_rounds_stacked_on_one_sheet(tmp_path):
    import openpyxl

    first = form02(tmp_path / "a.xlsx", [inspection("Sở Nội vụ")])
    second = form02(tmp_path / "b.xlsx", [inspection("Sở Tài chính", scores=(8,) * 10, total=80, rating="Khá")],
                    title="KẾT QUẢ KIỂM TRA ĐỢT 2 NĂM 2017")
    wb = openpyxl.load_workbook(first)
    ws = wb.active
    offset = ws.max_row + 2
    src = openpyxl.load_workbook(second).active
    for row in src.iter_rows():
        for cell in row:
            if cell.value is not None:
                ws.cell(row=cell.row + offset, column=cell.column, value=cell.value)
    for rng in src.merged_cells.ranges:
        ws.merge_cells(start_row=rng.min_row + offset, start_column=rng.min_col, end_row=rng.max_row + offset,
                       end_column=rng.max_col)
    wb.save(first)
    second.unlink()
    res = _clean(tmp_path)
    ins = res.tables["inspections"]
    assert list(zip(ins.unit_id, ins.round_id)) == [("U01", "2017-1"), ("U03", "2017-2")] and res.rejects.empty
