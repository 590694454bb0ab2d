"""The public API of ``compare``, ``indicators`` (with its registry, intervals and
completeness), ``ranking`` and ``review`` is typed and documented in one style (Google:
Args / Returns / Raises)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vhcs_analysis

PACKAGE = Path(vhcs_analysis.__file__).resolve().parent
MODULES = sorted([PACKAGE / "compare.py", PACKAGE / "indicators.py", PACKAGE / "indicator_registry.py",
                  PACKAGE / "intervals.py", PACKAGE / "completeness.py", PACKAGE / "ranking.py",
                  *(PACKAGE / "review").glob("*.py")])


def _public_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text("utf-8"))
    out = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")):
        out += [n for n in cls.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    return out


def _problems(func: ast.FunctionDef) -> list[str]:
    args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs,
            *([func.args.vararg] if func.args.vararg else []), *([func.args.kwarg] if func.args.kwarg else [])]
    args = [a for a in args if a.arg not in ("self", "cls")]
    out = [f"parameter {a.arg} has no type" for a in args if a.annotation is None]
    if func.returns is None:
        out.append("no return type")
    doc = ast.get_docstring(func) or ""
    is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in func.decorator_list)
    if not doc:
        out.append("no docstring")
    elif not is_property:
        if args and "\nArgs:\n" not in doc:
            out.append("no Args: section")
        if "\nReturns:\n" not in doc:
            out.append("no Returns: section")
    for style in ("Parameters\n----------", ":param ", ":returns:"):
        if style in doc:
            out.append(f"another docstring style ({style.split()[0]})")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_public_functions__typed_with_google_style_docstrings(path):
    found = {f"{f.name} (line {f.lineno})": p for f in _public_functions(path) if (p := _problems(f))}
    assert found == {}


def test_the_check_sees_the_public_functions():
    names = {f.name for f in _public_functions(PACKAGE / "compare.py")}
    assert {"pilot_effect", "level_gap", "event_study", "per_block", "adjust_pvalues"} <= names
