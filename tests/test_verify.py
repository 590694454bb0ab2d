"""``vhcs verify``: a report built from the sample reproduces; a changed or removed raw
file, an edited notebook output, settings that differ are named; a folder that is not a
report is a usage error (exit 2); the report folder is never written.

The sample report is built once per session (the same shared, locked folder as
tests/test_report.py uses, so the two files share one build) and copied per test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from rich.console import Console
from typer.testing import CliRunner

from vhcs_analysis import verify as v
from vhcs_analysis.cli import app
from vhcs_analysis.config import Paths
from vhcs_analysis.settings import load

# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def built_report(built) -> SimpleNamespace:
    """The sample (seed 0) built end to end, the same build as tests/test_report.py's."""
    return SimpleNamespace(raw=built.paths.raw, report=built.paths.reports)


@pytest.fixture()
def copy(built_report, tmp_path) -> SimpleNamespace:
    """A private copy of the sample report and its raw folder."""
    raw, report = tmp_path / "raw", tmp_path / "bao-cao"
    shutil.copytree(built_report.raw, raw)
    shutil.copytree(built_report.report, report)
    return SimpleNamespace(raw=raw, report=report, tmp=tmp_path)


def _console() -> Console:
    return Console(width=400, record=True, highlight=False, file=open(os.devnull, "w"))


def _run_verify(report: Path, raw: Path, summary: Path | None = None) -> tuple[int, str]:
    console = _console()
    code = v.cli_verify(report=report, raw=raw, summary=summary, console=console)
    return code, console.export_text()


def _tree_state(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def _read_only(folder: Path):
    """Remove write permission from the whole tree (restored afterwards for clean-up)."""
    entries = [folder, *folder.rglob("*")]
    modes = {p: p.stat().st_mode for p in entries}
    for p in reversed(entries):
        p.chmod(modes[p] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for p in entries:
            p.chmod(modes[p])


def _bump_first_unit_row(raw: Path) -> str:
    """Change one value (staff count + 1) in the first data row of a consolidated CSV;
    returns the file's path relative to ``raw``."""
    for path in sorted(raw.rglob("*.csv")):
        if path.name == "units.csv":
            continue
        lines = path.read_bytes().split(b"\n")
        for i, line in enumerate(lines):
            fields = line.split(b",")
            if fields[0] == b"1" and len(fields) > 4 and fields[3].strip().isdigit():
                fields[3] = str(int(fields[3]) + 1).encode()
                lines[i] = b",".join(fields)
                path.write_bytes(b"\n".join(lines))
                return path.relative_to(raw).as_posix()
    raise AssertionError("no consolidated CSV with a numbered unit row in the sample")


# ----------------------------------------------------------------------------- usage errors (fast)


def test_cli_verify__folder_that_is_not_a_report_exits_2_naming_what_is_missing(tmp_path):
    (tmp_path / "ghi-chu.txt").write_text("không phải báo cáo", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", "--report", str(tmp_path), "--raw", str(tmp_path)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "không phải thư mục báo cáo" in text
    assert "notebooks/NN-*.ipynb" in text and "processed/manifest.json" in text
    assert "Traceback" not in result.output


def test_cli_verify__missing_report_folder_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["verify", "--report", str(tmp_path / "khong-co")])
    assert result.exit_code == 2
    assert "không có thư mục báo cáo" in " ".join(result.output.split())


def test_cli_verify__missing_raw_folder_exits_2(built_report, tmp_path):
    result = CliRunner().invoke(
        app, ["verify", "--report", str(built_report.report), "--raw", str(tmp_path / "khong-co")])
    assert result.exit_code == 2
    assert "không có thư mục dữ liệu thô" in " ".join(result.output.split())


def test_cli_verify__summary_inside_the_report_folder_is_refused(built_report):
    result = CliRunner().invoke(app, ["verify", "--report", str(built_report.report), "--raw",
                                      str(built_report.raw), "--summary", str(built_report.report / "tom-tat.txt")])
    assert result.exit_code == 2
    assert not (built_report.report / "tom-tat.txt").exists()


# ----------------------------------------------------------------------------- pieces (fast)


def test_settings_differences__names_each_key_and_both_values():
    recorded = {"review": {"post": "2018-H2", "periods": ["2016-H2", "2018-H2"]}, "report": {"x": 1}}
    in_force = {"review": {"post": "2018-H1", "periods": ["2016-H2", "2018-H2"]}, "extra": {"y": True}}
    found = v.settings_differences(recorded, in_force)
    assert found == [
        "[extra] y: cấu hình đang dùng có True, báo cáo không ghi mục này",
        "[report] x: báo cáo ghi 1, cấu hình đang dùng không có mục này",
        "[review] post: báo cáo ghi '2018-H2', cấu hình đang dùng '2018-H1'",
    ]
    assert v.settings_differences(in_force, in_force) == []


def test_recorded_settings__without_a_record_uses_package_defaults_and_says_so():
    values, problems, notes = v.recorded_settings({"files": []}, v.default_values())
    assert values == v.default_values()
    assert problems == []
    assert "không ghi cấu hình" in notes[0]


def test_recorded_settings__a_record_differing_from_the_settings_in_force_is_a_difference():
    values = load().record()["values"]
    values["review"]["report_place"] = "Nghệ An"
    record = {"source": "vhcs.toml", "sha256": "ab" * 32, "values": values}
    used, problems, _ = v.recorded_settings({"files": [], "settings": record}, v.default_values())
    assert used == values
    assert problems == ["[review] report_place: báo cáo ghi 'Nghệ An', cấu hình đang dùng 'Hà Tĩnh'"]


def test_recorded_settings__a_removed_key_of_an_older_report_is_left_out_and_named():
    values = v.default_values()
    values["plots"]["per_block_indicator"] = "oc_index"  # recorded before the key was removed
    record = {"source": None, "sha256": None, "values": values}
    used, problems, notes = v.recorded_settings({"files": [], "settings": record}, v.default_values())
    assert "per_block_indicator" not in used["plots"]
    assert problems == ["[plots] per_block_indicator: báo cáo ghi 'oc_index', cấu hình đang dùng không có mục này"]
    assert any("[plots] per_block_indicator" in n and "[report] main_indicator" in n for n in notes)


def test_write_settings__round_trips_through_toml(tmp_path):
    import tomllib

    values = load().record()["values"]  # what the manifest records
    path = v.write_settings(values, tmp_path / "s.toml")
    assert tomllib.loads(path.read_text("utf-8")) == values


def test_first_table_difference__names_row_keys_and_column(tmp_path):
    import pandas as pd

    a = pd.DataFrame({"unit_id": ["U01", "U02"], "period": ["2017-H1", "2017-H1"], "staff_total": [10, 20]})
    b = a.copy()
    b.loc[1, "staff_total"] = 21
    a.to_parquet(tmp_path / "a.parquet")
    b.to_parquet(tmp_path / "b.parquet")
    found = v.first_table_difference(tmp_path / "a.parquet", tmp_path / "b.parquet")
    assert found == "dòng 2 (unit_id='U02', period='2017-H1'): staff_total: 20 trong báo cáo, 21 khi dựng lại"
    b.iloc[:1].to_parquet(tmp_path / "c.parquet")
    assert v.first_table_difference(tmp_path / "a.parquet", tmp_path / "c.parquet") == \
        "số dòng 2 trong báo cáo, 1 khi dựng lại"


def test_manifest_difference__ignores_the_settings_record_only(tmp_path):
    a = {"files": [{"path": "x.xlsx", "sha256": "1"}], "settings": {"source": "vhcs.toml"}}
    b = {"files": [{"path": "x.xlsx", "sha256": "1"}], "settings": {"source": "tmp.toml"}}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "manifest.json").write_text(json.dumps(a))
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(b))
    assert v.compare_file(tmp_path / "a" / "manifest.json", tmp_path / "b" / "manifest.json") is None
    b["files"][0]["sha256"] = "2"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(b))
    assert v.compare_file(tmp_path / "a" / "manifest.json", tmp_path / "b" / "manifest.json") == \
        "files['x.xlsx'].sha256: '1' trong báo cáo, '2' khi dựng lại"
    b["files"] = []
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(b))
    assert v.compare_file(tmp_path / "a" / "manifest.json", tmp_path / "b" / "manifest.json") == \
        "mục files['x.xlsx'] chỉ có ở báo cáo"


def test_first_text_difference__csv_names_row_and_column(tmp_path):
    (tmp_path / "a.csv").write_text("period,n_units,n_late\n2017-H1,66,3\n2017-H2,66,6\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("period,n_units,n_late\n2017-H1,66,3\n2017-H2,66,5\n", encoding="utf-8")
    assert v.compare_file(tmp_path / "a.csv", tmp_path / "b.csv") == \
        "dòng 3, cột n_late: '6' trong báo cáo, '5' khi dựng lại"


def test_check_inputs__changed_and_removed_files_are_named(built_report, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(built_report.raw, raw)
    manifest = json.loads((built_report.report / "processed" / "manifest.json").read_text("utf-8"))
    assert v.check_inputs(raw, manifest).ok
    changed = _bump_first_unit_row(raw)
    removed = sorted(p for p in raw.rglob("*.xlsx"))[0]
    removed.unlink()
    (raw / "moi.csv").write_text("a,b\n", encoding="utf-8")
    problems = v.check_inputs(raw, manifest).problems
    assert len(problems) == 3
    assert any(p.startswith(f"tệp đã thay đổi {changed}:") for p in problems)
    assert any(p.startswith(f"thiếu tệp {removed.relative_to(raw).as_posix()} ") for p in problems)
    assert any(p.startswith("tệp mới moi.csv") for p in problems)


def _tiny_report(folder: Path, stored: str) -> v.ReportFolder:
    """A report folder holding one executed notebook whose stored output is ``stored``."""
    nb = new_notebook(cells=[new_markdown_cell("Tiêu đề"), new_code_cell("x = 20"),
                             new_code_cell("x + 1", execution_count=2,
                                           outputs=[new_output("execute_result", {"text/plain": stored},
                                                               execution_count=2)])])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (folder / "notebooks").mkdir(parents=True)
    nbformat.write(nb, folder / "notebooks" / "01-thu.ipynb")
    return v.ReportFolder(folder, folder / "processed", [folder / "notebooks" / "01-thu.ipynb"], [], {})


def test_check_notebooks__an_edited_stored_number_names_notebook_and_cell(tmp_path):
    paths = Paths(raw=tmp_path, processed=tmp_path / "p", reports=tmp_path / "w" / "reports")
    good = v.check_notebooks(_tiny_report(tmp_path / "good", "21"), paths, tmp_path / "w", {})
    assert good.ok, good.problems
    assert "2 ô khớp" in good.summary
    paths = Paths(raw=tmp_path, processed=tmp_path / "p", reports=tmp_path / "w2" / "reports")
    bad = v.check_notebooks(_tiny_report(tmp_path / "bad", "22"), paths, tmp_path / "w2", {})
    assert bad.problems == [
        "notebook 01-thu.ipynb, ô 3 (ô mã thứ 2): kết quả lưu sẵn khác kết quả chạy lại "
        "(mismatch 'text/plain'): trong báo cáo «22», chạy lại «21»"
    ]


# ----------------------------------------------------------------------------- end to end


@pytest.mark.e2e
def test_verify__sample_report_reproduces_and_the_report_folder_is_not_written(copy):
    before = _tree_state(copy.report)
    summary = copy.tmp / "tom-tat.json"
    with _read_only(copy.report):
        code, text = _run_verify(copy.report, copy.raw, summary)
    assert code == 0, text
    assert "Kết luận: Tái lập đầy đủ." in text
    for title in ("Tệp đầu vào", "Làm sạch", "Notebook", "Tài liệu"):
        assert f"✓ {title}:" in text
    for step in range(1, 5):
        assert f"Bước {step}/4:" in text
    assert _tree_state(copy.report) == before
    result = json.loads(summary.read_text("utf-8"))
    assert result["verdict"] == "reproduced" and all(c["ok"] for c in result["checks"])
    for document in copy.report.glob("*.pdf"):
        assert document.name in result["checks"][3]["summary"]


@pytest.mark.e2e
def test_verify__one_changed_raw_value_names_the_file_and_exits_1(copy):
    changed = _bump_first_unit_row(copy.raw)
    code, text = _run_verify(copy.report, copy.raw)
    assert code == 1
    assert "KHÔNG tái lập được" in text
    assert f"tệp đã thay đổi {changed}:" in text
    # the cleaning step names the first differing table and row
    assert re.search(r"processed/unit_reports\.parquet: dòng \d+ \(unit_id=", text), text


@pytest.mark.slow
def test_verify__an_edited_number_in_a_notebook_output_names_notebook_and_cell(copy):
    path = sorted((copy.report / "notebooks").glob("*.ipynb"))[-1]
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        outputs = [o for o in cell.get("outputs", []) if "text/plain" in o.get("data", {})]
        lines = outputs[0]["data"]["text/plain"].split("\n") if outputs else []
        row = next((i for i, line in enumerate(lines[1:], 1) if re.search(r"\d", line)), None)
        if row is not None:
            digit = re.search(r"\d", lines[row])
            lines[row] = lines[row][: digit.start()] + str((int(digit.group()) + 1) % 10) + lines[row][digit.end():]
            outputs[0]["data"]["text/plain"] = "\n".join(lines)
            edited = index
            break
    else:
        pytest.fail("no stored text output with a number")
    nbformat.write(nb, path)
    code, text = _run_verify(copy.report, copy.raw)
    assert code == 1
    assert f"notebook {path.name}, ô {edited + 1} (" in text
    assert "✓ Tệp đầu vào" in text and "✓ Làm sạch" in text


@pytest.mark.slow
def test_verify__a_removed_raw_file_is_named(copy):
    removed = sorted(copy.raw.rglob("*.xlsx"))[0]
    removed.unlink()
    code, text = _run_verify(copy.report, copy.raw)
    assert code == 1
    assert f"thiếu tệp {removed.relative_to(copy.raw).as_posix()} " in text


@pytest.mark.slow
def test_verify__recorded_settings_other_than_those_in_force_are_a_difference(copy):
    manifest_path = copy.report / "processed" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    values = load().record()["values"]
    values["review"]["report_place"] = "Nghệ An"
    manifest["settings"] = {"source": "vhcs.toml", "sha256": "0" * 64, "values": values}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    code, text = _run_verify(copy.report, copy.raw)
    assert code == 1
    assert "✗ Cấu hình" in text and "[review] report_place" in text
    # the recorded settings are the ones used: the cover's place is rebuilt as recorded
    assert "✗ Tài liệu" in text and "Nghệ An" in text.split("✗ Tài liệu")[1]


def test_files_under__hidden_placeholders_are_not_outputs(tmp_path):
    """A ``.gitkeep`` kept in the project's data/processed is carried over by every run, so
    verify must not call it a file the rebuild fails to make (found on a fresh clone's
    ``vhcs verify --report reports``)."""
    from vhcs_analysis.verify.diff import compare_folders, files_under

    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    for folder in (theirs, ours):
        (folder / "sub").mkdir(parents=True)
        (folder / "units.parquet").write_bytes(b"x")
    (theirs / ".gitkeep").write_bytes(b"")
    (theirs / "sub" / ".hidden").write_bytes(b"")
    assert sorted(files_under(theirs)) == ["units.parquet"]
    problems, n = compare_folders(theirs, ours, label="processed")
    assert problems == [] and n == 1
    (ours / "extra.csv").write_bytes(b"y")
    problems, _ = compare_folders(theirs, ours, label="processed")
    assert len(problems) == 1 and "processed/extra.csv" in problems[0]
