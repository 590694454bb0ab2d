"""environment.yml must mirror pyproject.toml: same packages, same version ranges."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(spec: str) -> tuple[str, str]:
    spec = spec.split("#")[0].strip()
    match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    specs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        specs.extend(extra)
    return dict(_split(s) for s in specs)


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item in ("pip",):
                continue
            name, spec = _split(item)
            if name != "python":
                found[name] = spec
    return found


def test_environment_yml__mirrors_pyproject_dependencies():
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml__installs_the_package_itself_through_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    pip_items = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_items


def test_lock_file__pins_every_direct_dependency():
    lock = (ROOT / "requirements" / "lock.txt").read_text("utf-8").lower().replace("_", "-")
    pinned = {line.split("==")[0] for line in lock.splitlines() if "==" in line}
    missing = set(_pyproject_requirements()) - pinned
    assert not missing, f"not pinned in requirements/lock.txt: {sorted(missing)}"
