"""The cross-platform task runner runs the same commands ``make`` ran, and the Makefile
only delegates to it (one definition of each step)."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from vhcs_analysis import tasks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def calls(tmp_path, monkeypatch):
    """Record the commands a step runs (in a scratch project root) instead of running them."""
    seen = []
    codes = {}

    def call(argv, cwd, env):
        seen.append((argv[1:] if argv[0] == sys.executable else argv, env))
        for word, code in codes.items():
            if word in argv:
                return code
        return 0

    monkeypatch.setattr(tasks, "ROOT", tmp_path)
    monkeypatch.setattr(subprocess, "call", call)
    return SimpleNamespace(seen=seen, fail_on=codes)


def _argvs(calls):
    return [" ".join(argv) for argv, _ in calls.seen]


def test_report__sample_data_first_when_data_raw_has_only_gitkeep(calls, tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / ".gitkeep").write_text("")
    assert tasks.report() == 0
    assert _argvs(calls) == [
        "-m vhcs_analysis sample --out data/raw --truth-out data/sample_truth",
        "-m vhcs_analysis report",
    ]


def test_report__real_files_in_a_sub_folder_are_used_as_they_are(calls, tmp_path):
    (tmp_path / "data" / "raw" / "2018").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "2018" / "so-noi-vu.xlsx").write_bytes(b"x")
    assert tasks.report() == 0
    assert _argvs(calls) == ["-m vhcs_analysis report"]


def test_test__unit_tests_then_fresh_sample_then_strict_nbval(calls, tmp_path):
    stale = tmp_path / "build" / "test-sample" / "raw" / "old.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    assert tasks.test() == 0
    assert _argvs(calls) == [
        "-m ruff check vhcs_analysis tests benchmarks",
        "-m mypy",
        "-m pytest -m not slow -n 2 -q",
        "-m vhcs_analysis sample --out build/test-sample/raw --truth-out build/test-sample/truth",
        "-m vhcs_analysis clean --raw build/test-sample/raw --out build/test-sample/processed",
        "-m pytest -p no:xdist --nbval --nbval-current-env --nbval-sanitize-with "
        "vhcs_analysis/report/nbval_sanitize.cfg "
        "notebooks/ -q -o testpaths=notebooks",
    ]
    assert not stale.exists()
    env = calls.seen[-1][1]
    assert env["VHCS_RAW"] == str(tmp_path / "build" / "test-sample" / "raw")  # absolute, for the kernels
    assert env["PYTHONHASHSEED"] == "0" and env["MPLBACKEND"] == "Agg"


def test_test__stops_at_the_first_failing_step_with_its_exit_code(calls):
    calls.fail_on["not slow"] = 1
    assert tasks.test() == 1
    assert len(calls.seen) == 3


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_test__a_lint_finding_stops_before_pytest_and_names_the_tool(calls, capsys, tool):
    calls.fail_on[tool] = 1
    assert tasks.test() == 1
    assert not any("pytest" in argv for argv in _argvs(calls))
    assert f"Lỗi: {tool} báo lỗi" in capsys.readouterr().out


def test_lint__a_tool_not_installed_is_named_with_the_install_command(calls, capsys, monkeypatch):
    real = tasks.importlib.util.find_spec
    monkeypatch.setattr(tasks.importlib.util, "find_spec", lambda name: None if name == "mypy" else real(name))
    assert tasks.test() == 2
    assert _argvs(calls) == ["-m ruff check vhcs_analysis tests benchmarks"]
    assert "chưa có mypy" in capsys.readouterr().out


def test_lint__caches_stay_in_the_git_ignored_build_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["ruff"]["cache-dir"].startswith("build/")
    assert config["mypy"]["cache_dir"].startswith("build/")
    assert "build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_main__unknown_step_is_refused():
    with pytest.raises(SystemExit) as info:
        tasks.main(["deploy"])
    assert info.value.code == 2


def test_makefile__every_step_delegates_to_the_task_module():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    for step in tasks.STEPS:
        if step == "env":
            assert re.search(r"^\t\$\(PYTHON\) -m vhcs_analysis\.tasks env\b", text, re.M)
            continue
        body = re.search(rf"^{re.escape(step)}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
        assert body, step
        assert body.group(1).strip() == f"$(TASKS) {step}", step


def test_tasks__runs_before_anything_is_installed():
    """``env`` must work under a bare Python: the module imports only the standard library."""
    code = (
        "import sys; sys.modules['pandas'] = None; sys.modules['typer'] = None; "
        "import vhcs_analysis.tasks as t; print(sorted(t.STEPS))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "report" in done.stdout
