"""Step 3's nbval: the command that checks a report's executed notebooks, and its JUnit
result read back as one Vietnamese line per cell that differs."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.config import PACKAGE_DIR
from vhcs_analysis.verify.diff import window

SANITISER = PACKAGE_DIR.parent / layout.NBVAL_SANITISER


def nbval_command(folder: Path, *, junit: Path, config: Path) -> list[str]:
    """Strict nbval on the notebooks of ``folder``, as ``make test-notebooks`` runs it,
    isolated from any project's pytest configuration (``config`` is an empty ini)."""
    return [
        sys.executable, "-m", "pytest", "-c", str(config), "--rootdir", str(folder.parent),
        "-p", "no:cacheprovider", "-p", "no:randomly",
        "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITISER),
        "--junitxml", str(junit), "-q", "--tb=short", str(folder),
    ]


_ANSI = re.compile(r"(?:#x1B|\x1b)\[[0-9;]*m")


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_detail(text: str) -> str:
    """What differs in a cell, from nbval's failure text: the output kind and the first
    differing line as stored in the report ("+" in pytest's diff of reference == test)
    and as run again ("-"); or the error a cell raised."""
    lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
    kinds = [line.strip() for line in lines if line.strip().startswith("mismatch ")]
    stored = next((line[4:] for line in lines if line.startswith("  + ")), None)
    rerun = next((line[4:] for line in lines if line.startswith("  - ")), None)
    if kinds:
        out = "kết quả lưu sẵn khác kết quả chạy lại (" + ", ".join(dict.fromkeys(kinds)) + ")"
        if stored is not None or rerun is not None:
            ws, wr = window(stored or "", rerun or "")
            out += f": trong báo cáo «{ws}», chạy lại «{wr}»"
        return out
    errors = [line.strip() for line in lines if re.match(r"\s*[A-Za-z_.]*(Error|Exception)\b", line)]
    if errors:
        return "ô chạy lại báo lỗi: " + _clip(errors[-1])
    rest = [line.strip() for line in lines if line.strip()]
    return _clip(rest[-1]) if rest else "khác"


def _code_cells(notebook: Path) -> list[int]:
    """Positions (0-based, among all cells) of the code cells: nbval numbers code cells
    only, Jupyter users count every cell."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable copy only loses the position
        return []
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def cell_label(code_index: int, positions: list[int]) -> str:
    """"ô 7 (ô mã thứ 4)": the cell as Jupyter counts it (1-based, all cells), and as nbval."""
    if 0 <= code_index < len(positions):
        return f"ô {positions[code_index] + 1} (ô mã thứ {code_index + 1})"
    return f"ô mã thứ {code_index + 1}"


def parse_junit(junit: Path, notebooks: list[Path]) -> tuple[int, list[str]]:
    """(cells checked, one line per failing cell: notebook, cell and what differs)."""
    root = ET.parse(junit).getroot()
    positions = {nb.name: _code_cells(nb) for nb in notebooks}
    count, problems = 0, []
    for case in root.iter("testcase"):
        count += 1
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None:
            continue
        classname, name = case.get("classname", ""), case.get("name", "")
        notebook = next((n for n in positions if classname.endswith(n) or classname.endswith(n.removesuffix(".ipynb"))),
                        classname)
        cell = name
        if name.startswith("Cell "):
            try:
                cell = cell_label(int(name.split()[1]), positions.get(notebook, []))
            except ValueError:
                pass
        detail = failure_detail((bad.get("message") or "") + "\n" + (bad.text or ""))
        problems.append(f"notebook {notebook}, {cell}: {detail}")
    return count, problems
