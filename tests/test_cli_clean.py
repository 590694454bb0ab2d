import io

from helpers_core import GOOD_VALUES, unit_form, write_registry
from rich.console import Console
from typer.testing import CliRunner

from vhcs_analysis.cli import app
from vhcs_analysis.cli_clean import cli_clean, cli_validate
from vhcs_analysis.settings import load


def _console():
    buf = io.StringIO()
    return Console(file=buf, width=200, force_terminal=False), buf


def test_cli_clean__exit_0_with_summary_and_rejects_path(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a.xlsx")
    unit_form(raw / "b.xlsx", unit="Sở Tài chính", values=dict(GOOD_VALUES, staff_studied=900))
    console, buf = _console()
    assert cli_clean(raw, tmp_path / "out", console, settings=load()) == 0
    text = buf.getvalue()
    assert "Dòng bị loại" in text and "Số đã học tập lớn hơn tổng số cán bộ" in text and "rejects.csv" in text
    assert "studied_gt_staff" not in text  # the reason in Vietnamese only (the code stays in rejects.csv)
    assert (tmp_path / "out" / "rejects.csv").exists()


def test_cli_clean__missing_raw_folder_exit_2_without_traceback(tmp_path):
    result = CliRunner().invoke(app, ["clean", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "không tìm thấy thư mục" in result.output


def test_cli_clean__empty_raw_folder_exit_2(tmp_path):
    (tmp_path / "raw").mkdir()
    console, buf = _console()
    assert cli_clean(tmp_path / "raw", tmp_path / "out", console, settings=load()) == 2
    assert "không có tệp nào" in buf.getvalue()


def test_cli_clean__no_registry_exit_2_names_units_csv(tmp_path):
    unit_form(tmp_path / "raw" / "a.xlsx")
    console, buf = _console()
    assert cli_clean(tmp_path / "raw", tmp_path / "out", console, settings=load()) == 2
    assert "units.csv" in buf.getvalue()


def test_cli_clean__invalid_registry_exit_2_names_row_and_column(tmp_path):
    write_registry(tmp_path / "raw", "unit_id,unit_name,aliases,block,is_pilot\nU01,Sở Nội vụ,,,1\n")
    unit_form(tmp_path / "raw" / "a.xlsx")
    console, buf = _console()
    assert cli_clean(tmp_path / "raw", tmp_path / "out", console, settings=load()) == 2
    assert "dòng 2" in buf.getvalue() and "cột D" in buf.getvalue()


def test_cli_clean__unreadable_file_listed_and_rest_processed(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a.xlsx")
    (raw / "broken.xlsx").write_bytes(b"PK\x03\x04garbage")
    console, buf = _console()
    assert cli_clean(raw, tmp_path / "out", console, settings=load()) == 0
    lines = [line for line in buf.getvalue().splitlines() if "broken.xlsx" in line]
    assert len(lines) == 1 and "Không đọc được" in lines[0]


def test_cli_validate__clean_file_exit_0(tmp_path):
    write_registry(tmp_path)
    path = unit_form(tmp_path / "in" / "a.xlsx")
    console, buf = _console()
    assert cli_validate([path], console, settings=load()) == 0
    assert "a.xlsx" in buf.getvalue()


def test_cli_validate__every_problem_listed_exit_1(tmp_path):
    write_registry(tmp_path)
    path = unit_form(tmp_path / "a.xlsx", values=dict(GOOD_VALUES, staff_studied=95, dossiers_late="nhiều"))
    console, buf = _console()
    assert cli_validate([path], console, settings=load()) == 1
    text = buf.getvalue()
    assert "dòng 17, cột D" in text and "[Số không đọc được]" in text and "nhiều" in text
    assert "invalid_number" not in text and "studied_gt_staff" not in text  # the reasons in Vietnamese only


def _no_registry_anywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("VHCS_RAW", str(tmp_path / "noraw"))
    return tmp_path / "in"


def test_cli_validate__no_registry_anywhere_checks_the_file_exit_0(tmp_path, monkeypatch):
    folder = _no_registry_anywhere(tmp_path, monkeypatch)
    path = unit_form(folder / "a.xlsx", unit="Đảng bộ Sở Không Có Trong Danh Mục")
    console, buf = _console()
    assert cli_validate([path], console, settings=load()) == 0
    text = buf.getvalue()
    assert text.count("tên đơn vị chưa được đối chiếu") == 1
    assert "✓ a.xlsx" in text and "1 hợp lệ, 0 bị loại" in text
    assert "Tên đơn vị không có trong danh mục" not in text


def test_cli_validate__no_registry_every_row_still_checked_exit_1(tmp_path, monkeypatch):
    folder = _no_registry_anywhere(tmp_path, monkeypatch)
    unit_form(folder / "a.xlsx", values=dict(GOOD_VALUES, staff_studied=95, dossiers_late="nhiều"))
    unit_form(folder / "b.xlsx", unit="Sở Tài chính")
    console, buf = _console()
    assert cli_validate([folder], console, settings=load()) == 1
    text = buf.getvalue()
    assert text.count("tên đơn vị chưa được đối chiếu") == 1
    assert "dòng 17, cột D" in text and "[Số không đọc được]" in text
    assert "[Số đã học tập lớn hơn tổng số cán bộ]" in text
    assert "✓ b.xlsx" in text


def test_cli_validate__no_registry_random_bytes_named_unreadable(tmp_path, monkeypatch):
    import random

    folder = _no_registry_anywhere(tmp_path, monkeypatch)
    folder.mkdir(parents=True)
    bad = folder / "rac.xlsx"
    bad.write_bytes(random.Random(3).randbytes(4096))
    console, buf = _console()
    assert cli_validate([bad], console, settings=load()) == 2
    text = buf.getvalue()
    assert "rac.xlsx: không đọc được" in text and "cần danh mục" not in text


def test_cli_validate__registry_from_the_default_raw_folder(tmp_path, monkeypatch):
    write_registry(tmp_path / "raw")
    monkeypatch.setenv("VHCS_RAW", str(tmp_path / "raw"))
    path = unit_form(tmp_path / "in" / "a.xlsx")
    console, _ = _console()
    assert cli_validate([path], console, settings=load()) == 0


def test_cli_validate__writes_nothing(tmp_path):
    write_registry(tmp_path)
    path = unit_form(tmp_path / "a.xlsx")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    console, _ = _console()
    cli_validate([tmp_path], console, settings=load())
    assert sorted(p.name for p in tmp_path.rglob("*")) == before and path.exists()


def test_cli_validate__only_unreadable_input_exit_2(tmp_path):
    write_registry(tmp_path)
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    console, buf = _console()
    assert cli_validate([bad], console, settings=load()) == 2
    assert "x.xlsx" in buf.getvalue() and "không đọc được" in buf.getvalue()
