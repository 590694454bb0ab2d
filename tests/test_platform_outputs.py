"""The same inputs give the same bytes on Windows, macOS and Linux: what Python itself
does differently per platform (zip headers, text-mode line ends) is fixed by the writers."""

import sys

import nbformat
import pandas as pd

from vhcs_analysis.config import Paths
from vhcs_analysis.settings import load
from vhcs_analysis.io.templates import write_templates
from vhcs_analysis.io.xlsx_write import CellSheet, write_cells_xlsx
from vhcs_analysis.review.output import save_table
from vhcs_analysis.sample.extras import write_docx


def _write_all(folder):
    write_cells_xlsx(folder / "a.xlsx", [CellSheet("Sheet1", {(1, 1): "Biểu số 01-VHCS", (2, 1): 3.5}, {})])
    write_docx(folder / "huong-dan.docx", ["Hướng dẫn nhập liệu"])
    write_templates(folder / "forms", settings=load())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_zip_writers__same_bytes_when_python_runs_on_windows(tmp_path, monkeypatch):
    here = _write_all(tmp_path / "here")
    monkeypatch.setattr(sys, "platform", "win32")  # zipfile.ZipInfo picks its header from this
    windows = _write_all(tmp_path / "windows")
    assert windows == here


def test_text_outputs__newline_line_ends_only(tmp_path):
    paths = Paths(raw=tmp_path, processed=tmp_path, reports=tmp_path / "reports")
    data = save_table(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "t", paths).read_bytes()
    assert b"\r" not in data and data.count(b"\n") == 3


def test_executed_notebook__written_as_nbformat_writes_it_with_newline_ends(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    from vhcs_analysis.report.notebooks import execute_notebook

    source = tmp_path / "01-a.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print('Sở Nội vụ')")]), source)
    paths = Paths(raw=tmp_path, processed=tmp_path, reports=tmp_path / "reports")
    target = execute_notebook(source, tmp_path / "out" / "01-a.ipynb", paths, timeout_s=600)
    data = target.read_bytes()
    assert b"\r" not in data and data.endswith(b"}\n")
    nb = nbformat.read(target, as_version=4)
    assert nb.cells[0].outputs[0]["text"] == "Sở Nội vụ\n"
