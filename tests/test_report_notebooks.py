"""Headless notebook execution (vhcs_analysis.report.notebooks): where copies go, the
environment the kernel sees, determinism, and errors that name the notebook and cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vhcs_analysis.config import Paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.report.notebooks import list_notebooks, run_notebooks, strip_volatile_metadata


def _write(folder: Path, name: str, *sources: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = new_notebook(cells=[new_markdown_cell("# Thử"), *(new_code_cell(s) for s in sources)])
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # stable ids: nbformat draws random ones
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def paths(tmp_path) -> Paths:
    return Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")


def test_list_notebooks__numbered_only_in_order(tmp_path):
    for name in ("02-b.ipynb", "01-a.ipynb", "nhap.ipynb", "10-c.ipynb"):
        _write(tmp_path, name, "1")
    assert [p.name for p in list_notebooks(tmp_path)] == ["01-a.ipynb", "02-b.ipynb", "10-c.ipynb"]


def test_strip_volatile_metadata__removes_execution_timestamps():
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    nb.cells[0].metadata["tags"] = ["keep"]
    strip_volatile_metadata(nb)
    assert nb.cells[0].metadata == {"tags": ["keep"]}


def test_run_notebooks__copies_go_to_reports_and_kernel_sees_the_paths(tmp_path, paths):
    folder = tmp_path / "notebooks"
    source = _write(
        folder, "01-moi-truong.ipynb",
        "import os, pathlib\n"
        "out = pathlib.Path(os.environ['VHCS_REPORTS']) / 'env.txt'\n"
        "out.parent.mkdir(parents=True, exist_ok=True)\n"
        "out.write_text(os.environ['VHCS_PROCESSED'] + '|' + os.getcwd())",
        "print(1 + 1)",
    )
    before = source.read_bytes()
    first = run_notebooks(paths, folder=folder)[0]
    first_bytes = first.read_bytes()
    second = run_notebooks(paths, folder=folder)[0]

    assert first == paths.reports / "notebooks" / "01-moi-truong.ipynb"
    assert source.read_bytes() == before  # the stored notebook is never touched
    processed, cwd = (paths.reports / "env.txt").read_text().split("|")
    assert Path(processed) == paths.processed.resolve()
    assert Path(cwd) == folder.resolve()
    executed = nbformat.read(first, as_version=4)
    assert executed.cells[2].outputs[0]["text"] == "2\n"
    assert all("execution" not in c.metadata for c in executed.cells)
    assert second.read_bytes() == first_bytes  # byte-identical re-run


def test_run_notebooks__in_place_refreshes_stored_outputs(tmp_path, paths):
    folder = tmp_path / "notebooks"
    source = _write(folder, "01-a.ipynb", "print('xin chào')")
    run_notebooks(paths, folder=folder, in_place=True)
    stored = nbformat.read(source, as_version=4)
    assert stored.cells[1].outputs[0]["text"] == "xin chào\n"
    assert not (paths.reports / "notebooks").exists()


def test_run_notebooks__failing_cell_names_notebook_cell_and_error(tmp_path, paths):
    folder = tmp_path / "notebooks"
    _write(folder, "01-tot.ipynb", "x = 1")
    _write(folder, "02-hong.ipynb", "y = 2", "raise ValueError('thiếu bảng did.csv')")
    with pytest.raises(VhcsError) as info:
        run_notebooks(paths, folder=folder)
    message = str(info.value)
    assert "02-hong.ipynb" in message
    assert "ô 3" in message  # third cell (markdown, code, failing code), counted from 1
    assert "ValueError: thiếu bảng did.csv" in message
    assert "Traceback" not in message


def test_run_notebooks__empty_folder_is_an_error(tmp_path, paths):
    with pytest.raises(VhcsError, match="không tìm thấy notebook"):
        run_notebooks(paths, folder=tmp_path)
