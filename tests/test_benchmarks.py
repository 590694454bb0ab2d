"""The benchmark harness runs and writes the JSON the README table is made from.

Only the structure is checked: timings on a shared machine are never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_quick(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "selftest", "--repeat", "2",
         "--out", str(out), "--work", str(tmp_path / "work"), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text("utf-8"))


def test_benchmarks_quick__writes_machine_info_and_case_summary(tmp_path):
    result = _run_quick(tmp_path)

    machine = result["machine"]
    for key in ("cpu_model", "cores", "ram_gb", "python", "libraries", "timestamp_utc"):
        assert key in machine
    assert machine["libraries"]["pandas"]

    (case,) = result["cases"]
    assert case["name"] == "selftest"
    assert case["error"] is None
    assert case["runs"] == 2 and len(case["seconds"]) == 2
    assert case["median_s"] > 0 and case["min_s"] <= case["median_s"] <= case["max_s"]
    # the self-test allocates 48 MB: the per-run peak RSS must see it
    assert case["peak_rss_mb"] >= 48
    # CPU time of each run (user + system): the child did work, and no more than its wall
    # time on every core allows
    assert len(case["cpu_seconds"]) == 2 and case["median_cpu_s"] > 0
    assert all(cpu <= wall * machine["cores"] + 0.05 for cpu, wall in zip(case["cpu_seconds"], case["wall_seconds"]))
    assert case["met"] in (True, False)
    assert case["target"]["text"]


def test_benchmarks_markdown__one_row_per_case(tmp_path):
    from benchmarks.__main__ import markdown

    text = markdown(_run_quick(tmp_path))
    assert "| `selftest` |" in text and "Machine:" in text


def test_benchmarks_list__names_every_case():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--list"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for name in ("clean-province", "baseline-national", "pilot-effect", "report", "verify"):
        assert name in done.stdout


def test_evaluate__ratio_against_the_faster_case():
    from benchmarks.__main__ import evaluate
    from benchmarks.cases import by_name

    case = by_name()["baseline-national"]
    stats = {"median_s": 10.0, "peak_rss_mb": 100.0}
    assert evaluate(case, stats, {"clean-national": 1.0}) == {"ratio": 10.0, "cpu_ratio": None, "met": True}
    assert evaluate(case, stats, {"clean-national": 4.0})["met"] is False
    assert evaluate(case, stats, {})["met"] is None


def test_evaluate__cpu_ratio_is_shown_beside_the_wall_ratio_and_never_judged():
    from benchmarks.__main__ import evaluate
    from benchmarks.cases import by_name

    case = by_name()["baseline-national"]
    stats = {"median_s": 10.0, "median_cpu_s": 8.0, "peak_rss_mb": 100.0}
    # wall 10 s / 4 s = 2.5× (not met); CPU 8 s / 1 s = 8× is shown but decides nothing
    result = evaluate(case, stats, {"clean-national": 4.0}, None, {"clean-national": 1.0})
    assert result == {"ratio": 2.5, "cpu_ratio": 8.0, "met": False}


def test_evaluate__a_reference_ratio_without_target_is_shown_not_judged():
    from benchmarks.__main__ import evaluate
    from benchmarks.cases import by_name

    case = by_name()["baseline-province"]
    stats = {"median_s": 10.0, "peak_rss_mb": 100.0}
    assert evaluate(case, stats, {"clean-province": 4.0}) == {"ratio": 2.5, "cpu_ratio": None, "met": None}
    assert "reference" in case.target.describe()


def test_update_readme__replaces_only_the_results_block(tmp_path):
    from benchmarks.__main__ import update_readme

    readme = tmp_path / "README.md"
    readme.write_text("# t\n<!-- results: x -->\nold\n<!-- /results -->\nkept\n", "utf-8")
    update_readme(readme, "| new |")
    assert readme.read_text("utf-8") == "# t\n<!-- results: x -->\n| new |\n<!-- /results -->\nkept\n"


def test_evaluate__ratio_against_a_detail_of_the_other_case():
    from benchmarks.__main__ import evaluate
    from benchmarks.cases import by_name

    case = by_name()["read-national"]
    stats = {"median_s": 2.0, "peak_rss_mb": 50.0}
    details = {"baseline-national": {"read_seconds": 20.0}}
    assert evaluate(case, stats, {}, details) == {"ratio": 10.0, "cpu_ratio": None, "met": True}
    assert evaluate(case, stats, {}, {})["met"] is None
