"""An output that cannot be replaced, as on Windows when Excel, Word or a PDF viewer holds
it open: one Vietnamese message naming the file and what to do, a non-zero exit without a
traceback, and the previous file left exactly as it was (and no temporary file behind)."""

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers_core import IN_USE, cannot_be_moved, unit_form, write_registry
from nbformat.v4 import new_code_cell, new_notebook
from typer.testing import CliRunner

from vhcs_analysis.cli import app
from vhcs_analysis.config import Paths
from vhcs_analysis.settings import load
from vhcs_analysis.errors import OutputLockedError
from vhcs_analysis.io.writers import atomic_path, write_bytes_atomic, write_csv_for_excel

PACKAGE = Path(__file__).resolve().parents[1] / "vhcs_analysis"
OLD = b"ban cu - dang mo trong chuong trinh khac"
# what Windows says (WinError 32, mapped to errno 13) when a viewer holds the target open


def _hold_open(monkeypatch, *names: str) -> None:
    """Replacing a file called one of ``names`` fails as on Windows while a program has it open."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name in names:
            raise PermissionError(13, IN_USE, str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def _assert_named_and_kept(message: str, target: Path) -> None:
    assert target.name in message and "đóng" in message and "chạy lại" in message
    assert "Traceback" not in message and "PermissionError" not in message
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []  # no temp left


@pytest.mark.parametrize("name", ["bao-cao-so-ket-nq01.pdf", "bao-cao-so-ket-nq01.docx", "pilot_effects.csv"])
def test_atomic_path__target_held_open_is_a_named_error_and_the_old_file_stays(tmp_path, monkeypatch, name):
    target = tmp_path / name
    target.write_bytes(OLD)
    _hold_open(monkeypatch, name)
    with pytest.raises(OutputLockedError) as info:
        write_bytes_atomic(b"ban moi", target)
    _assert_named_and_kept(str(info.value), target)


def test_atomic_path__other_files_are_written_normally(tmp_path, monkeypatch):
    _hold_open(monkeypatch, "bao-cao-so-ket-nq01.pdf")
    write_bytes_atomic(b"x", tmp_path / "key_numbers.json")
    assert (tmp_path / "key_numbers.json").read_bytes() == b"x"


def test_atomic_path__folder_without_write_permission_is_a_named_error(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(OutputLockedError, match=re.escape(str(tmp_path))):
        with atomic_path(tmp_path / "a.csv"):
            pass


def test_writers__each_output_kind_goes_through_the_shared_helper(tmp_path, monkeypatch):
    """CSV for Excel, report tables, figures, workbooks: all refuse the same way."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vhcs_analysis.io.templates import write_templates
    from vhcs_analysis.plots import save_figure
    from vhcs_analysis.review.output import save_table

    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")
    frame = pd.DataFrame({"a": [1]})
    fig = plt.figure()
    cases = [
        (tmp_path / "rejects.csv", lambda t: write_csv_for_excel(frame, t)),
        (paths.tables / "pilot_effects.csv", lambda t: save_table(frame, "pilot_effects", paths)),
        (paths.figures / "trend.svg", lambda t: save_figure(fig, t)),
    ]
    templates = write_templates(tmp_path / "forms", settings=load())
    cases.append((Path(templates[0]), lambda t: write_templates(t.parent, settings=load())))
    for target, write in cases:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(OLD)
        with monkeypatch.context() as m:
            _hold_open(m, target.name)
            with pytest.raises(OutputLockedError) as info:
                write(target)
        assert target.name in str(info.value) and target.read_bytes() == OLD, target
    plt.close(fig)


def test_compile_typst__pdf_held_open_keeps_the_old_pdf(tmp_path, monkeypatch):
    from vhcs_analysis.report.build import compile_typst

    main = tmp_path / "src" / "main.typ"
    main.parent.mkdir()
    main.write_text("#set text(font: \"Liberation Serif\")\nBáo cáo\n", encoding="utf-8")
    target = tmp_path / "bao-cao-so-ket-nq01.pdf"
    target.write_bytes(OLD)
    _hold_open(monkeypatch, target.name)
    with pytest.raises(OutputLockedError) as info:
        compile_typst(main, target, timestamp=dt.datetime(2018, 12, 31, tzinfo=dt.timezone.utc))
    _assert_named_and_kept(str(info.value), target)


def test_cli_template__workbook_held_open_exit_2_one_line_no_traceback(tmp_path, monkeypatch):
    out = tmp_path / "forms"
    assert CliRunner().invoke(app, ["template", "--out", str(out)]).exit_code == 0
    target = sorted(out.glob("*.xlsx"))[0]
    target.write_bytes(OLD)
    _hold_open(monkeypatch, target.name)
    result = CliRunner().invoke(app, ["template", "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi:") and "Lỗi nội bộ" not in result.output
    _assert_named_and_kept(result.output, target)


def test_cli_clean__output_folder_with_a_file_open_exit_2_and_old_outputs_kept(tmp_path, monkeypatch):
    """Windows cannot rename a folder while Excel holds rejects.csv inside it."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    write_registry(raw)
    unit_form(raw / "a.xlsx")
    runner = CliRunner()
    assert runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(out)]).exit_code == 0
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    unit_form(raw / "b.xlsx", unit="Sở Tài chính")
    cannot_be_moved(out, monkeypatch)
    result = runner.invoke(app, ["clean", "--raw", str(raw), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output and "Lỗi nội bộ" not in result.output
    assert str(out) in " ".join(result.output.split()) and "đóng" in result.output
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_package__no_output_is_written_around_the_shared_helper():
    """Every file the package writes for the user is replaced through ``atomic_path`` (so a
    new writer, e.g. the Word draft, gets the message too): no other ``os.replace``/``mkstemp``."""
    allowed = {"io/writers.py", "io/outputs.py"}  # the helper; the processed folder's swap
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel not in allowed and re.search(r"os\.replace\(|os\.rename\(|mkstemp\(", text):
            offenders.append(rel)
    assert offenders == []


# --- end to end: the report's PDF and a table written inside a notebook ------------------


@pytest.mark.e2e
def test_cli_report__pdf_open_in_a_viewer_exit_2_named_and_old_report_kept(built, tmp_path, monkeypatch):
    """`vhcs report` while the leaders' PDF is open: the report is built beside the folder
    (the notebooks' outputs are reused: running them is tested elsewhere) and the folder's
    swap fails as on Windows, where a folder holding an open file cannot be renamed."""
    from vhcs_analysis.settings import package_defaults
    from vhcs_analysis.report import notebooks
    from vhcs_analysis.report.build import report_name

    REPORT_NAME = report_name(package_defaults())

    out = tmp_path / "reports"
    out.mkdir()
    (out / REPORT_NAME).write_bytes(OLD)

    def reuse(paths, *args, **kwargs):
        for name in ("figures", "tables"):
            shutil.copytree(built.paths.reports / name, paths.reports / name)
        return []

    monkeypatch.setattr(notebooks, "run_notebooks", reuse)
    cannot_be_moved(out, monkeypatch)
    result = CliRunner().invoke(app, ["report", "--raw", str(built.paths.raw), "--out", str(out)])
    assert result.exit_code == 2 and result.output.count("Lỗi") == 1
    assert str(out) in " ".join(result.output.split()) and "đóng" in result.output
    assert [p.name for p in out.iterdir()] == [REPORT_NAME] and (out / REPORT_NAME).read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) in ([], [".reports.lock"])


@pytest.mark.e2e
def test_build_report__table_open_in_excel_inside_a_notebook_is_the_named_error(built, tmp_path):
    """The tables are written by the notebooks' kernel: the same message reaches the user,
    not a notebook cell error."""
    from vhcs_analysis.stages import build_report

    folder = tmp_path / "notebooks"
    folder.mkdir()
    hold = (
        "import os\n"
        "from pathlib import Path\n"
        "real = os.replace\n"
        "def replace(src, dst, *a, **k):\n"
        "    if Path(dst).name == 'pilot_effects.csv':\n"
        f"        raise PermissionError(13, {IN_USE!r}, str(dst))\n"
        "    return real(src, dst, *a, **k)\n"
        "os.replace = replace"
    )
    write = ("import pandas as pd\nfrom vhcs_analysis.review.output import save_table\n"
             "save_table(pd.DataFrame({'a': [1]}), 'pilot_effects')")
    nbformat.write(new_notebook(cells=[new_code_cell(hold), new_code_cell(write)]), folder / "01-bang.ipynb")
    paths = Paths(raw=built.paths.raw, processed=tmp_path / "processed", reports=tmp_path / "reports")
    target = paths.tables / "pilot_effects.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(OLD)
    with pytest.raises(OutputLockedError) as info:
        build_report(paths, notebooks=folder)
    assert "01-bang" not in str(info.value)
    _assert_named_and_kept(str(info.value), target)


def test_cli__permission_error_from_a_writer_outside_the_helper_is_the_same_message(tmp_path, monkeypatch):
    """A safety net for a writer that saves straight to its target (e.g. a library's
    ``save(path)``): still one named line and exit 2, never 'Lỗi nội bộ'."""
    from vhcs_analysis import stages

    target = tmp_path / "bao-cao-so-ket-nq01.docx"

    def save(*_args, **_kwargs):
        raise PermissionError(13, IN_USE, str(target))

    monkeypatch.setattr(stages, "build_report", save)
    result = CliRunner().invoke(app, ["report", "--raw", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Lỗi nội bộ" not in result.output and "Traceback" not in result.output
    assert "bao-cao-so-ket-nq01.docx" in result.output and "đóng" in result.output
