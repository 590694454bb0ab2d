import json
import os

import pytest
from helpers_core import (
    GOOD_VALUES, assert_same_outputs, form02, inspection, output_texts, spy_parallel, unit_form, write_registry,
)

from vhcs_analysis import pipeline
from vhcs_analysis.config import SAMPLE_MARKER_FILE, SAMPLE_MARKER_LINE
from vhcs_analysis.settings import Settings, load
from vhcs_analysis.io.outputs import OUTPUT_FILES
from vhcs_analysis.pipeline import clean_folder


def _manifest(out):
    return json.loads((out / "manifest.json").read_text("utf-8"))


@pytest.fixture
def hostile(tmp_path):
    """A folder with good files next to garbage, empty, binary and unrecognised files."""
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a" / "good.xlsx")
    unit_form(raw / "a" / "bad.xlsx", unit="Sở Y tế", values=dict(GOOD_VALUES, staff_studied=999))
    (raw / "empty.xlsx").write_bytes(b"")
    (raw / "garbage.xlsx").write_bytes(b"PK\x03\x04 not really a zip" * 10)
    (raw / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (raw / "notes.txt").write_text("Họp giao ban ngày thứ hai\n", "utf-8")
    (raw / "~$good.xlsx").write_bytes(b"lock")
    return raw


def test_clean_folder__every_row_accounted_for_on_a_hostile_folder(hostile, tmp_path):
    res = clean_folder(hostile, tmp_path / "out", settings=load())
    assert not res.fatal
    files = res.manifest["files"]
    for f in files:
        assert f["rows_read"] == f["rows_kept"] + f["rows_rejected"], f
    t = res.manifest["totals"]
    assert t["rows_read"] == t["rows_kept"] + t["rows_rejected"] and t["rows_rejected"] == len(res.rejects) == 1
    status = {f["path"]: f["status"] for f in files}
    assert status["a/good.xlsx"] == "used" and status["empty.xlsx"] == "unreadable"
    assert status["notes.txt"] in ("skipped", "unreadable") and status["photo.png"] in ("skipped", "unreadable")
    assert all(s["reason"] for s in res.skipped)


def test_clean_folder__rerun_writes_byte_identical_outputs(hostile, tmp_path):
    clean_folder(hostile, tmp_path / "o1", settings=load())
    clean_folder(hostile, tmp_path / "o2", settings=load())
    names = sorted(p.name for p in (tmp_path / "o1").iterdir())
    assert names == sorted(OUTPUT_FILES)
    assert_same_outputs(tmp_path / "o1", tmp_path / "o2")


def test_clean_folder__validate_only_writes_nothing(hostile, tmp_path):
    res = clean_folder(hostile, None, settings=load())
    assert len(res.tables["unit_reports"]) == 1 and not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_clean_folder__crash_while_writing_keeps_previous_outputs(hostile, tmp_path, monkeypatch):
    out = tmp_path / "out"
    clean_folder(hostile, out, settings=load())
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    unit_form(hostile / "b" / "another.xlsx", unit="Sở Tài chính")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("vhcs_analysis.io.writers.write_json_atomic", boom)
    with pytest.raises(RuntimeError):
        clean_folder(hostile, out, settings=load())
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_clean_folder__later_report_date_supersedes_and_reject_names_the_winner(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "z_first.xlsx", date="10/06/2018", values=dict(GOOD_VALUES, party_members=40))
    unit_form(tmp_path / "a_correction.xlsx", date="20/06/2018")
    res = clean_folder(tmp_path, None, settings=load())
    assert res.tables["unit_reports"]["party_members"].tolist() == [50]
    rej = res.rejects.iloc[0]
    assert (rej.reason_code, rej.source_file, rej.row) == ("superseded", "z_first.xlsx", 10)
    assert "a_correction.xlsx" in rej.message


def test_clean_folder__same_report_date_later_file_in_sort_order_wins(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, party_members=40))
    unit_form(tmp_path / "b.xlsx")
    res = clean_folder(tmp_path, None, settings=load())
    assert res.tables["unit_reports"]["source_file"].tolist() == ["b.xlsx"]
    assert res.rejects["source_file"].tolist() == ["a.xlsx"]


def test_clean_folder__a_rejected_resubmission_does_not_replace_a_valid_one(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx", date="10/06/2018")
    unit_form(tmp_path / "b.xlsx", date="20/06/2018", values=dict(GOOD_VALUES, staff_studied=500))
    res = clean_folder(tmp_path, None, settings=load())
    assert res.tables["unit_reports"]["source_file"].tolist() == ["a.xlsx"]
    assert res.rejects["reason_code"].tolist() == ["studied_gt_staff"]


def test_clean_folder__names_in_notes_and_signatures_reach_no_output(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a.xlsx", notes={"staff_total": "Đ/c Nguyễn Văn Bímật phụ trách"})
    unit_form(raw / "b.xlsx", unit="Sở Lạ", notes={"staff_total": "Đ/c Nguyễn Văn Bímật"})
    form02(raw / "f.xlsx", [inspection("Sở Nội vụ", note="Đ/c Nguyễn Văn Bímật đi muộn")])
    out = tmp_path / "out"
    clean_folder(raw, out, settings=load())
    for path, text in output_texts(out):
        assert "Bímật" not in text and "Lập Biểu" not in text and "Ký Tên" not in text, path.name


def test_clean_folder__hidden_sheets_are_read_and_reported_hidden(tmp_path):
    import openpyxl

    write_registry(tmp_path)
    path = unit_form(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active.sheet_state = "hidden"
    wb.create_sheet("Visible").append(["trống"])
    wb.save(path)
    res = clean_folder(tmp_path, None, settings=load())
    sheets = {s["name"]: s for s in res.manifest["files"][0]["sheets"]}
    assert sheets["Bieu01"]["hidden"] is True and sheets["Bieu01"]["status"] == "used"
    assert len(res.tables["unit_reports"]) == 1


def test_clean_folder__sample_marker_sets_is_sample(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx")
    assert clean_folder(tmp_path, None, settings=load()).manifest["is_sample"] is False
    (tmp_path / SAMPLE_MARKER_FILE).write_text(SAMPLE_MARKER_LINE + "\n", "utf-8")
    assert clean_folder(tmp_path, None, settings=load()).manifest["is_sample"] is True


def test_clean_folder__missing_registry_is_fatal_and_named(tmp_path):
    unit_form(tmp_path / "a.xlsx")
    res = clean_folder(tmp_path, tmp_path / "out", settings=load())
    assert res.fatal and "units.csv" in res.fatal[0] and not (tmp_path / "out").exists()


def test_clean_folder__several_tables_on_one_sheet_all_found(tmp_path):
    import openpyxl

    write_registry(tmp_path)
    first = unit_form(tmp_path / "x1.xlsx")
    second = unit_form(tmp_path / "x2.xlsx", unit="Sở Tài chính", period="6 tháng cuối năm 2018")
    wb = openpyxl.Workbook()
    ws = wb.active
    for src in (first, second):
        for row in openpyxl.load_workbook(src).active.iter_rows(values_only=True):
            ws.append(list(row))
        ws.append([])
    os.remove(first)
    os.remove(second)
    wb.save(tmp_path / "both.xlsx")
    res = clean_folder(tmp_path, None, settings=load())
    ur = res.tables["unit_reports"]
    assert list(zip(ur.unit_id, ur.period)) == [("U01", "2018-H1"), ("U03", "2018-H2")]


def test_clean_folder__preserves_unrelated_files_in_the_output_folder(hostile, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    clean_folder(hostile, out, settings=load())
    assert (out / ".gitkeep").exists() and (out / "manifest.json").exists()
    assert _manifest(out)["totals"]["files_used"] >= 2


def test_clean_folder__recovers_from_a_run_killed_between_the_renames(hostile, tmp_path):
    out = tmp_path / "out"
    clean_folder(hostile, out, settings=load())
    (out / "ghi-chu.txt").write_text("của người dùng")  # not ours: every run keeps it
    os.replace(out, tmp_path / ".out.old-999")  # killed after moving the old outputs away
    (tmp_path / ".out.new-abc").mkdir()  # and a half-written new folder
    clean_folder(hostile, out, settings=load())  # the next run puts the old outputs back first, then replaces them
    assert (out / "ghi-chu.txt").read_text() == "của người dùng"
    assert (out / "manifest.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]


def test_unit_form__unit_named_only_in_a_title_line(tmp_path):
    import openpyxl

    write_registry(tmp_path)
    path = unit_form(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["A2"] = "SỞ TÀI CHÍNH"
    ws["A4"] = None
    wb.save(path)
    res = clean_folder(tmp_path, None, settings=load())
    assert res.tables["unit_reports"]["unit_id"].tolist() == ["U03"]


def test_clean_folder__hostile_corpus_every_file_listed_and_rows_accounted(tmp_path):
    import hostile

    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "good.xlsx")
    for make in (hostile.empty_file, hostile.truncated_xlsx, hostile.garbage, hostile.nul_csv,
                 hostile.billion_laughs_sheet, hostile.lying_zip_bomb, hostile.far_cell, hostile.encrypted_ole,
                 hostile.broken_ole, hostile.html_span_bomb):
        make(raw)
    res = clean_folder(raw, tmp_path / "out", settings=load())
    assert not res.fatal and len(res.tables["unit_reports"]) == 1
    listed = {f["path"] for f in res.manifest["files"]}
    assert listed == {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    for f in res.manifest["files"]:
        assert f["rows_read"] == f["rows_kept"] + f["rows_rejected"]
        assert f["status"] == "used" or f["reason"], f


def test_clean_folder__output_folder_inside_raw_is_not_read_back(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx")
    clean_folder(tmp_path, tmp_path / "processed", settings=load())
    res = clean_folder(tmp_path, tmp_path / "processed", settings=load())
    assert {f["path"] for f in res.manifest["files"]} == {"a.xlsx", "units.csv"}


def test_clean_folder__parallel_reading_writes_the_same_outputs(hostile, tmp_path, monkeypatch):
    clean_folder(hostile, tmp_path / "serial", settings=load())
    sizes = spy_parallel(monkeypatch)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("VHCS_WORKERS", "2")
    clean_folder(hostile, tmp_path / "parallel", settings=load())
    assert sizes and sizes[0] > 0  # the files were read by the workers
    assert_same_outputs(tmp_path / "serial", tmp_path / "parallel")


def test_clean_folder__uses_the_settings_it_is_given_not_a_settings_file(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx", unit="Sở Nội vụu")  # a typo: matched by fuzzy name matching
    form02(tmp_path / "f.xlsx", [inspection("Sở Tài chính", total=91)])  # stated total 1 off the criteria
    default = clean_folder(tmp_path, None, settings=load())
    assert default.tables["unit_reports"]["unit_id"].tolist() == ["U01"]
    assert sorted(default.findings["finding_code"]) == ["fuzzy_match", "total_mismatch"]
    strict = Settings.from_values({"cleaning": {"fuzzy_accept": 100.0}, "inspection": {"total_tolerance": 2.0}})
    res = clean_folder(tmp_path, None, settings=strict)
    assert res.rejects["reason_code"].tolist() == ["unknown_unit"] and res.findings.empty


def test_clean_folder__file_limits_come_from_the_settings_given(tmp_path):
    write_registry(tmp_path)
    unit_form(tmp_path / "a.xlsx")
    res = clean_folder(tmp_path, None, settings=Settings.from_values({"cleaning": {"max_file_mb": 0.001}}))
    status = {f["path"]: (f["status"], f["reason"]) for f in res.manifest["files"]}
    assert status["a.xlsx"][0] == "unreadable" and "quá lớn" in status["a.xlsx"][1]
