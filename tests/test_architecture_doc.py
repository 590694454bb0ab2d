"""docs/architecture.md and the README's layout match the tree: a module added, moved or
renamed without its line in the docs fails here.

A module is named in docs/architecture.md by its path in backticks, as a file
(`io/templates.py`) or dotted (`io.templates`, `vhcs_analysis.io.templates`); a common word
of the prose ("text", "settings") names nothing. Every module path in backticks there exists.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vhcs_analysis"


def _modules() -> list[Path]:
    return sorted(p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py")
                  if p.name not in ("__init__.py", "__main__.py") and "notebooks" not in p.parts)


def names_of(module: Path) -> set[str]:
    """How the docs may name a module: its file path and its dotted path, with or without the package."""
    dotted = ".".join(module.with_suffix("").parts)
    return {module.as_posix(), dotted, f"vhcs_analysis.{dotted}"}


def backticked(text: str) -> set[str]:
    """Every text between backticks (inline code) of a Markdown page."""
    return set(re.findall(r"`([^`\n]+)`", text))


def module_references(text: str) -> set[str]:
    """The backticked texts that name a module of the package: a ``.py`` path outside tests/
    and benchmarks/, or a ``vhcs_analysis.`` dotted path without a call or attribute beyond it."""
    found = set()
    for code in backticked(text):
        if re.fullmatch(r"(?:[a-z_0-9]+/)*[a-z_0-9]+\.py", code) and not code.startswith(("tests/", "benchmarks/")):
            found.add(code)
        elif re.fullmatch(r"vhcs_analysis(?:\.[a-z_0-9]+)+", code):
            found.add(code)
    return found


def _architecture() -> str:
    return (ROOT / "docs" / "architecture.md").read_text("utf-8")


def test_architecture__names_every_module_of_the_package():
    named = backticked(_architecture())
    missing = [p.as_posix() for p in _modules() if not names_of(p) & named]
    assert missing == []


def test_architecture__names_no_module_that_is_gone():
    known = set().union(*(names_of(p) for p in _modules()))
    packages = {"vhcs_analysis." + ".".join(p.relative_to(PACKAGE).parts) for p in PACKAGE.rglob("*")
                if p.is_dir() and (p / "__init__.py").is_file()} | {"vhcs_analysis"}
    gone = sorted(r for r in module_references(_architecture())
                  if r not in known and r not in packages and not _is_attribute(r, known | packages))
    assert gone == []


def _is_attribute(reference: str, known: set[str]) -> bool:
    """``vhcs_analysis.config.get_paths``: a name inside a module that exists."""
    return reference.rpartition(".")[0] in known


def test_module_names__a_word_of_the_prose_names_no_module():
    page = "The text is repaired; settings are loaded; `io/templates.py` and `vhcs_analysis.parse` are named."
    assert names_of(Path("text.py")).isdisjoint(backticked(page))
    assert names_of(Path("settings.py")).isdisjoint(backticked(page))
    assert names_of(Path("io/templates.py")) & backticked(page)
    assert names_of(Path("parse.py")) & backticked(page)


def test_module_references__a_gone_module_in_backticks_is_found():
    page = ("`io/old.py` wrote it, `vhcs_analysis.gone` read it; "
            "`tests/test_x.py` and `compare.pilot_effect` are not modules.")
    assert module_references(page) == {"io/old.py", "vhcs_analysis.gone"}


def test_readme_layout__names_every_subpackage_and_top_level_module():
    text = (ROOT / "README.md").read_text("utf-8")
    layout = text[text.index("## Cấu trúc"):]
    top = [p for p in PACKAGE.iterdir() if p.name not in ("__init__.py", "__main__.py", "__pycache__")
           and (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))]
    missing = [p.name for p in sorted(top)
               if (p.name + "/" if p.is_dir() else p.name) not in layout]
    assert missing == []
