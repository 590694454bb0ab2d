"""Installed, not cloned: the wheel carries the notebooks, and `vhcs report` runs from an
empty folder with nothing but the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject__lists_every_subpackage():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "vhcs_analysis").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_packaged_notebooks__are_the_repository_notebooks():
    from vhcs_analysis.report.notebooks import list_notebooks, packaged_notebooks_dir

    shipped = list_notebooks(packaged_notebooks_dir())
    assert [p.name for p in shipped] == [p.name for p in list_notebooks(ROOT / "notebooks")]
    assert shipped


def test_notebooks_dir__working_folder_without_notebooks_uses_the_shipped_ones(monkeypatch, tmp_path):
    from vhcs_analysis.report import notebooks

    monkeypatch.setattr(notebooks, "find_project_root", lambda: tmp_path)
    assert notebooks.notebooks_dir() == notebooks.packaged_notebooks_dir()
    notebooks.copy_notebooks(tmp_path / "notebooks")
    assert notebooks.notebooks_dir() == tmp_path / "notebooks"


def test_copy_notebooks__never_overwrites(tmp_path):
    from vhcs_analysis.errors import VhcsError
    from vhcs_analysis.report.notebooks import copy_notebooks

    copied = copy_notebooks(tmp_path)
    copied[0].write_text("{}", encoding="utf-8")
    with pytest.raises(VhcsError, match="không ghi đè"):
        copy_notebooks(tmp_path)
    assert copied[0].read_text("utf-8") == "{}"


@pytest.mark.slow
def test_wheel__installed_in_a_fresh_venv_builds_the_report_in_an_empty_folder(tmp_path):
    """pip wheel . → new venv → pip install (locked versions) → vhcs sample + vhcs report
    in an empty folder: the PDF is built from the notebooks inside the package."""
    def run(args, **kw):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("VHCS_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=1800, **kw)
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
        return done

    run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path / "dist")])
    wheel = next((tmp_path / "dist").glob("vhcs_analysis-*.whl"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    run([str(py), "-m", "pip", "install", "-q", "-c", str(ROOT / "requirements" / "lock.txt"), str(wheel)])
    work = tmp_path / "empty"
    work.mkdir()
    vhcs = str(venv / "bin" / "vhcs")
    run([vhcs, "sample", "--out", "raw"], cwd=work)
    done = run([vhcs, "report", "--raw", "raw", "--out", "out"], cwd=work)
    assert (work / "out" / "bao-cao-so-ket-nq01.pdf").stat().st_size > 10_000, done.stdout[-2000:]
    assert not (work / "notebooks").exists()  # ran the shipped notebooks, wrote none here
