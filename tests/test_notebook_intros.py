"""Each notebook opens with what it answers and which settings it uses (issue 23); the
settings it names exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
DEFAULTS = tomllib.loads((ROOT / "vhcs_analysis" / "defaults.toml").read_text("utf-8"))


def _intro(path: Path) -> str:
    cell = nbformat.read(path, as_version=4).cells[0]
    assert cell.cell_type == "markdown"
    return cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook__opens_with_its_question_and_its_settings(path):
    intro = _intro(path)
    assert intro.startswith("# ") and "Notebook này trả lời" in intro
    settings = intro[intro.index("**Cấu hình dùng**"):].split("\n\n")[0]
    sections = re.findall(r"`\[([a-z_]+)\]", settings)
    assert sections, "names no settings section"
    assert [s for s in sections if s not in DEFAULTS] == []
    keys = re.findall(r"`\[([a-z_]+)\] ([a-z_]+)`", settings)
    assert [(s, k) for s, k in keys if k not in DEFAULTS[s]] == []


def test_notebook_03__says_what_agreement_of_the_two_methods_means_not_that_truth_lies_between():
    intro = _intro(ROOT / "notebooks" / "03-don-vi-diem.ipynb")
    assert "Sự thật nằm giữa" not in intro
    assert "độ nhạy Γ" in intro
