"""The package's modules import each other without cycles (a cycle hidden by an import
inside a function still ties the modules together: neither can be read or changed alone).

The graph is read from the source with ``ast``: every ``import``/``from … import`` of a
``vhcs_analysis`` module, at the top of a file, inside a function or under
``if TYPE_CHECKING:`` (an import for annotations still ties the two modules' meanings).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vhcs_analysis"


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> source file, for every module below ``package``."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in the file)."""
    files = module_files(package)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here[: len(here) - (node.level - 1)]
                    base = ".".join(parent + ([base] if base else []))
                # `from package import module` imports the module; `from module import name` the module
                names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            else:
                continue
            for name in names:
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that reach each other (strongly connected, more than one)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in sorted(graph):
        if v not in order:
            visit(v)
    return found


def _package(folder: Path, **modules: str) -> Path:
    """A package ``pkg`` under ``folder`` with the given modules' sources."""
    pkg = folder / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, source in modules.items():
        (pkg / f"{name}.py").write_text(source)
    return pkg


def test_cycles__finds_a_cycle_through_an_import_inside_a_function(tmp_path):
    pkg = _package(tmp_path, a="from pkg.b import f\n", b="def f():\n    from pkg import a\n",
                   c="from . import a\n")
    assert cycles(import_graph(pkg)) == [{"pkg.a", "pkg.b"}]


def test_cycles__an_import_for_type_annotations_only_counts(tmp_path):
    pkg = _package(tmp_path, a="from pkg.b import f\n",
                   b="from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n")
    assert cycles(import_graph(pkg)) == [{"pkg.a", "pkg.b"}]


def test_package__has_no_import_cycle():
    found = cycles(import_graph(PACKAGE))
    assert [sorted(group) for group in found] == [], "modules importing each other"


def test_sample_context__imports_nothing_from_the_sample():
    imported = import_graph(PACKAGE)["vhcs_analysis.sample.context"]
    assert not {m for m in imported if m.startswith("vhcs_analysis.sample")}
