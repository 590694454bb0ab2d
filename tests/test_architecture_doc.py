"""docs/architecture.md and the README's layout match the tree: a module added, moved or
renamed without its line in the docs fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vhcs_analysis"


def _modules() -> list[Path]:
    return sorted(p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py")
                  if p.name not in ("__init__.py", "__main__.py") and "notebooks" not in p.parts)


def test_architecture__names_every_module_of_the_package():
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    missing = [p.as_posix() for p in _modules() if not re.search(rf"\b{re.escape(p.stem)}\b", text)]
    assert missing == []


def test_architecture__names_no_module_that_is_gone():
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    named = {n for n in re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.py)`", text) if not n.startswith("tests/")}
    exists = {p.as_posix() for p in _modules()} | {p.name for p in _modules()}
    assert sorted(n for n in named if n not in exists and Path(n).name not in exists) == []


def test_readme_layout__names_every_subpackage_and_top_level_module():
    text = (ROOT / "README.md").read_text("utf-8")
    layout = text[text.index("## Cấu trúc"):]
    top = [p for p in PACKAGE.iterdir() if p.name not in ("__init__.py", "__main__.py", "__pycache__")
           and (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))]
    missing = [p.name for p in sorted(top)
               if (p.name + "/" if p.is_dir() else p.name) not in layout]
    assert missing == []
