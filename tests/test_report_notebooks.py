"""Headless notebook execution (vhcs_analysis.report.notebooks): where copies go, the
environment the kernel sees, determinism, and errors that name the notebook and cell."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vhcs_analysis.config import Paths
from vhcs_analysis.settings import package_defaults
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.report.notebooks import (
    WORKERS_ENV,
    list_notebooks,
    notebook_workers,
    run_notebooks,
    strip_volatile_metadata,
)


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
    first = run_notebooks(paths, package_defaults(), folder=folder)[0]
    first_bytes = first.read_bytes()
    second = run_notebooks(paths, package_defaults(), folder=folder)[0]

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
    run_notebooks(paths, package_defaults(), folder=folder, in_place=True)
    stored = nbformat.read(source, as_version=4)
    assert stored.cells[1].outputs[0]["text"] == "xin chào\n"
    assert not (paths.reports / "notebooks").exists()


def test_run_notebooks__failing_cell_names_notebook_cell_and_error(tmp_path, paths):
    folder = tmp_path / "notebooks"
    _write(folder, "01-tot.ipynb", "x = 1")
    _write(folder, "02-hong.ipynb", "y = 2", "raise ValueError('thiếu bảng did.csv')")
    with pytest.raises(VhcsError) as info:
        run_notebooks(paths, package_defaults(), folder=folder)
    message = str(info.value)
    assert "02-hong.ipynb" in message
    assert "ô 3" in message  # third cell (markdown, code, failing code), counted from 1
    assert "ValueError: thiếu bảng did.csv" in message
    assert "Traceback" not in message


def test_run_notebooks__side_by_side_gives_the_bytes_of_a_run_in_order(tmp_path):
    folder = tmp_path / "notebooks"
    update = ("from vhcs_analysis import review\n"
              "data = review.setup()\n"
              "review.update_key_numbers(data, {section!r}, {numbers!r})")
    # the first notebook is the slow one: the second finishes (and records its update) first
    _write(folder, "01-a.ipynb", "import time; time.sleep(2)", update.format(section="s", numbers={"v": 1}),
           update.format(section="t", numbers={"v": 1}))
    _write(folder, "02-b.ipynb", update.format(section="s", numbers={"v": 2}), "print('b')")
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "manifest.json").write_text("{}", encoding="utf-8")  # review.setup needs a cleaning run
    outputs = {}
    for workers in (1, 2):
        paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / f"w{workers}")
        done = run_notebooks(paths, package_defaults(), folder=folder, workers=workers)
        assert [p.name for p in done] == ["01-a.ipynb", "02-b.ipynb"]
        outputs[workers] = {p.relative_to(paths.reports).as_posix(): p.read_bytes()
                            for p in sorted(paths.reports.rglob("*")) if p.is_file()}
    assert sorted(outputs[2]) == ["notebooks/01-a.ipynb", "notebooks/02-b.ipynb", "tables/key_numbers.json"]
    assert outputs[2] == outputs[1]
    numbers = json.loads(outputs[2]["tables/key_numbers.json"])
    assert numbers["s"] == {"v": 2} and numbers["t"] == {"v": 1}  # notebook order, not finishing order


def test_run_notebooks__side_by_side_failure_names_the_first_failing_notebook(tmp_path, paths):
    folder = tmp_path / "notebooks"
    _write(folder, "01-cham.ipynb", "import time; time.sleep(2)", "raise KeyError('a')")
    _write(folder, "02-nhanh.ipynb", "raise ValueError('b')")
    with pytest.raises(VhcsError) as info:
        run_notebooks(paths, package_defaults(), folder=folder, workers=2)
    assert "01-cham.ipynb, ô 3" in str(info.value)


@pytest.mark.parametrize(("value", "count", "expected"), [("1", 5, 1), ("3", 2, 2), ("", 1, 1)])
def test_notebook_workers__from_the_environment_never_more_than_the_notebooks(monkeypatch, value, count, expected):
    monkeypatch.setenv(WORKERS_ENV, value)
    assert notebook_workers(count) == expected


@pytest.mark.parametrize("value", ["hai", "-1"])
def test_notebook_workers__not_a_count_is_a_vietnamese_error(monkeypatch, value):
    monkeypatch.setenv(WORKERS_ENV, value)
    with pytest.raises(VhcsError, match=WORKERS_ENV):
        notebook_workers(3)


def test_run_notebooks__empty_folder_is_an_error(tmp_path, paths):
    with pytest.raises(VhcsError, match="không tìm thấy notebook"):
        run_notebooks(paths, package_defaults(), folder=tmp_path)


def test_execute_notebook__kernel_dying_at_start_is_started_again_once(tmp_path, paths, monkeypatch):
    from vhcs_analysis.report import notebooks as nbmod

    _write(tmp_path / "nb", "01-a.ipynb", "1 + 1")
    real, calls = nbmod._execute_once, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise nbmod._KernelStartError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(nbmod, "_execute_once", flaky)
    out = run_notebooks(paths, package_defaults(), folder=tmp_path / "nb", workers=1)
    assert len(calls) == 2 and out[0].is_file()


def test_execute_notebook__kernel_that_never_starts_is_a_vietnamese_error(tmp_path, paths, monkeypatch):
    from vhcs_analysis.report import notebooks as nbmod

    _write(tmp_path / "nb", "01-a.ipynb", "1 + 1")

    def dead(*args, **kwargs):
        raise nbmod._KernelStartError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(nbmod, "_execute_once", dead)
    with pytest.raises(VhcsError, match="01-a.ipynb, khi khởi động nhân Python"):
        run_notebooks(paths, package_defaults(), folder=tmp_path / "nb", workers=1)
    assert nbmod._KERNEL_START.acquire(blocking=False)  # the start lock is free again
    nbmod._KERNEL_START.release()
