"""Settings are loaded once at the boundary and passed in: no module reads them on its own,
and the settings object a caller passes is the one that is used."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic
import pytest

from vhcs_analysis import compare, indicators, ranking, review, tables, verdicts
from vhcs_analysis import settings as settings_module
from vhcs_analysis.errors import ConfigError
from vhcs_analysis.settings import Settings, load, package_defaults

PACKAGE = Path(settings_module.__file__).resolve().parent

# Reading the settings in use (``settings.load``, the only reader)
# is the boundary's job: the settings module itself, the CLI, ``review.setup`` (the
# notebooks' first cell), and the report and verify entry points.
BOUNDARY = {
    "settings.py",
    "cli.py",
    "review/base.py",  # review.setup
    "report/build.py",  # render_report: an entry point
    "stages.py",  # build_report: the whole review, an entry point
    "report/notebooks.py",  # python -m vhcs_analysis.report.notebooks
    "verify/run.py",  # vhcs verify: the settings in force
    "verify/recorded.py",  # vhcs verify: the recorded settings (recorded_settings_in_force)
}
READERS = {"load"}  # the settings file in use (package_defaults reads only the package's own defaults)


def _reads_settings(path: Path) -> list[str]:
    """Imports of a settings reader of ``settings`` (under any alias) and calls of it, as a
    name or through the module (``settings.load()``), in one module."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    modules = set()  # names the settings module is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "vhcs_analysis.settings":
            found += [f"import {a.name} (line {node.lineno})" for a in node.names if a.name in READERS]
        elif isinstance(node, ast.ImportFrom) and node.module == "vhcs_analysis":
            modules |= {a.asname or a.name for a in node.names if a.name == "settings"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "vhcs_analysis.settings" and a.asname}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READERS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in modules:
            found.append(f"{node.func.value.id}.{node.func.attr}() (line {node.lineno})")
    return found


def test_no_module_outside_the_boundary_reads_the_settings_on_its_own():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in BOUNDARY:
            continue
        found = _reads_settings(path)
        if found:
            offenders[rel] = found
    assert offenders == {}


def test_the_boundary_lists_name_modules_that_exist():
    for rel in BOUNDARY:
        assert (PACKAGE / rel).is_file(), rel
    assert _reads_settings(PACKAGE / "review" / "base.py")  # the check sees a real reader


def test_reads_settings__sees_an_aliased_import_and_a_call_through_the_module(tmp_path):
    aliased = tmp_path / "a.py"
    aliased.write_text("from vhcs_analysis.settings import load as get\n", "utf-8")
    through = tmp_path / "b.py"
    through.write_text("from vhcs_analysis import settings as s\n\ndef f():\n    return s.load()\n", "utf-8")
    clean = tmp_path / "c.py"
    clean.write_text("from vhcs_analysis.settings import Settings\n\ndef f(data):\n    return data.load()\n", "utf-8")
    assert _reads_settings(aliased) and _reads_settings(through) and not _reads_settings(clean)


# ----------------------------------------------------------------------------- what is used


@pytest.fixture
def broken_settings_file(monkeypatch, tmp_path):
    """A settings file in force that cannot be loaded: any function that read the settings
    in use on its own instead of the ones passed in would stop with ConfigError."""
    bad = tmp_path / "hong.toml"
    bad.write_text("[review]\npost = '1999-H1'\n", encoding="utf-8")
    monkeypatch.setenv("VHCS_CONFIG", str(bad))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError):
        load()
    return bad


def _other(**sections) -> Settings:
    """The package defaults with some sections' keys changed (no file, no environment),
    merged and checked as a settings file would be."""
    return Settings.from_values(sections)


def _units() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    blocks = np.repeat([f"K{b}" for b in range(1, 5)], 6)
    pilot = np.tile([True, False, False, False, False, False], 4)
    return pd.DataFrame({"unit_id": [f"U{i:02d}" for i in range(24)], "unit_name": [f"Đơn vị {i}" for i in range(24)],
                         "block": blocks, "is_pilot": pilot, "staff_count": rng.integers(20, 60, 24)})


def _panel(settings: Settings) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    units = _units()
    reports = []
    for period in ("2016-H2", "2018-H2"):
        staff = np.full(len(units), 40)
        reports.append(pd.DataFrame({
            "unit_id": units["unit_id"], "period": period, "staff_total": staff,
            "staff_studied": rng.integers(20, 41, len(units)), "dossiers_received": 100, "dossiers_on_time": 80,
            "dossiers_early": rng.integers(0, 15, len(units)), "dossiers_late": rng.integers(0, 6, len(units)),
            "complaints_conduct": rng.integers(0, 4, len(units)),
            "discipline_violations": rng.integers(0, 3, len(units)),
        }))
    unit_reports = tables.conform(pd.concat(reports, ignore_index=True).reindex(
        columns=tables.columns("unit_reports")), "unit_reports")
    return indicators.build_panel(units, unit_reports, tables.empty("inspections"), settings,
                                  periods=["2016-H2", "2018-H2"])


def test_two_settings_objects_give_two_composites_in_one_process(broken_settings_file):
    study_heavy = _other(indicators={"index_weights": {"study_rate": 0.9, "on_time_rate": 0.1},
                                     "index_min_components": 1})
    a = _panel(package_defaults())
    b = _panel(study_heavy)
    assert a["oc_index"].notna().any() and b["oc_index"].notna().any()
    assert not np.allclose(a["oc_index"].to_numpy(float), b["oc_index"].to_numpy(float), equal_nan=True)
    # and the defaults again: nothing was remembered from the other call
    pd.testing.assert_frame_equal(_panel(package_defaults()), a)


def test_two_settings_objects_give_two_verdict_tables(broken_settings_file):
    panel = _panel(package_defaults())
    short = _other(compare={"family": ["study_rate", "on_time_rate"], "adoption_items": []})
    full = verdicts.assess(panel, "2016-H2", "2018-H2", package_defaults(), mc_draws=199)
    small = verdicts.assess(panel, "2016-H2", "2018-H2", short, mc_draws=199)
    assert small["indicator"].tolist() == ["study_rate", "on_time_rate"]
    assert full["indicator"].tolist() == verdicts.shown_indicators(package_defaults())


def test_compare_section_passed_in_sets_the_interval_level(broken_settings_file):
    panel = _panel(package_defaults())
    wide = compare.pilot_effect(panel, "study_rate", baseline="2016-H2", post="2018-H2",
                                settings=_other(compare={"alpha": 0.5}).compare)
    narrow = compare.pilot_effect(panel, "study_rate", baseline="2016-H2", post="2018-H2",
                                  settings=package_defaults().compare)
    assert wide.alpha == 0.5 and narrow.alpha == 0.05
    assert wide.ci_high - wide.ci_low < narrow.ci_high - narrow.ci_low


def test_ranking_rules_passed_in_decide_the_proposal(broken_settings_file):
    rankings = pd.DataFrame({"unit_id": ["A", "B"], "year": [2018, 2018], "scheme": ["qd132", "qd132"],
                             "level": [1, 1], "category": ["Hoàn thành xuất sắc nhiệm vụ"] * 2})
    oc = pd.DataFrame({"unit_id": ["A", "B"], "year": [2018, 2018], "oc_score": [40.0, 95.0],
                       "oc_se": [0.5, 0.5], "oc_level": ["Yếu", "Tốt"]})
    strict = ranking.propose_ranking(rankings, oc, 2018, package_defaults().ranking)
    lenient = ranking.propose_ranking(rankings, oc, 2018, _other(ranking={
        "best_level_by_oc": {"Tốt": 1, "Khá": 1, "Trung bình": 1, "Yếu": 1}, "excellent_cap_schemes": []}).ranking)
    assert strict.set_index("unit_id").at["A", "proposed_level"] == 3
    assert lenient.set_index("unit_id").at["A", "proposed_level"] == 1


def test_review_data_carries_its_settings_to_the_headline_indicator(broken_settings_file):
    blocks = pd.DataFrame({"indicator": ["oc_index", "study_rate"], "block": ["K1", "K1"]})
    parts = {name: tables.empty(name) for name in review.PROCESSED_TABLES}
    default = review.ReviewData(**parts, manifest={}, settings=package_defaults())
    other = review.ReviewData(**parts, manifest={}, settings=_other(report={"main_indicator": "study_rate"}))
    assert review.per_block_of(default, blocks)["indicator"].tolist() == ["oc_index"]
    assert review.per_block_of(other, blocks)["indicator"].tolist() == ["study_rate"]


def test_settings_are_frozen():
    settings = package_defaults()
    with pytest.raises(pydantic.ValidationError):  # a frozen instance
        settings.review.post = "2017-H1"
