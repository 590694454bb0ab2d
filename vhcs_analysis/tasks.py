"""The project's steps (``report``, ``test``, …) in Python, for every platform.

``python -m vhcs_analysis.tasks report`` and ``python -m vhcs_analysis.tasks test`` do what
``make report`` and ``make test`` do; the Makefile calls this module, so each step is
defined once and Windows (no ``make``) runs exactly the same commands. Standard library
only: ``env`` runs under any Python ≥ 3.11 from the project folder, before anything is
installed. Every step runs from the project root with the current interpreter
(``sys.executable``): activate the environment (``.venv`` or conda) first, or call its
python directly.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from vhcs_analysis import layout  # the folder names (standard library only, like this module)

ROOT = Path(__file__).resolve().parent.parent
TEST_SAMPLE = Path("build") / "test-sample"


def _say(text: str) -> None:
    print(text, flush=True)


def _run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    """Run one command from the project root, echoed first as ``make`` does."""
    argv = [str(a) for a in args]
    shown = [Path(argv[0]).name if argv[0] == sys.executable else argv[0], *argv[1:]]
    _say(shlex.join(shown))
    return subprocess.call(argv, cwd=ROOT, env={**os.environ, **(env or {})})


def _python(*args: str | Path, env: dict[str, str] | None = None) -> int:
    return _run(sys.executable, *args, env=env)


def _vhcs(*args: str | Path) -> int:
    return _python("-m", "vhcs_analysis", *args)


def _nbval_env() -> dict[str, str]:
    """Absolute paths: nbval starts each kernel in notebooks/, so relative ones would point there."""
    sample = ROOT / TEST_SAMPLE
    return {
        "VHCS_RAW": str(sample / "raw"),
        "VHCS_PROCESSED": str(sample / layout.PROCESSED_DIR),
        "VHCS_REPORTS": str(sample / "reports"),
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
    }


def _has_raw_files(folder: Path) -> bool:
    return any(p.is_file() and p.name != ".gitkeep" for p in folder.rglob("*")) if folder.is_dir() else False


# --- the steps: each returns an exit code (0 = success) ------------------------------------


def env(venv: str = ".venv") -> int:
    """Create ``venv`` and install the package with the exact versions of requirements/lock.txt."""
    folder = ROOT / venv
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        code = _python("-m", "venv", folder)
        if code:
            return code
    for args in (
        ("-m", "pip", "install", "--quiet", "--upgrade", "pip"),
        ("-m", "pip", "install", "--quiet", "-c", "requirements/lock.txt", "-e", ".[dev]"),
        # warm matplotlib's font cache so its first-run message never reaches a notebook
        ("-c", "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; plt.figure()"),
    ):
        code = _run(python, *args)
        if code:
            return code
    return 0


def report() -> int:
    """Build reports/bao-cao-so-ket-nq01.pdf (sample data first if data/raw has no file)."""
    if not _has_raw_files(ROOT / layout.PROJECT_RAW):
        _say("data/raw trống: tạo DỮ LIỆU MẪU")
        code = _vhcs("sample", "--out", layout.PROJECT_RAW, "--truth-out", layout.PROJECT_SAMPLE_TRUTH)
        if code:
            return code
    return _vhcs("report")


LINT_PATHS = ("vhcs_analysis", "tests", "benchmarks")


def lint() -> int:
    """ruff on the code and tests, then mypy on the package (rules and caches in pyproject.toml).

    Returns the first non-zero exit code (2 if a tool is not installed), after a Vietnamese line naming the
    tool and what to do."""
    checks = (
        ("ruff", ("-m", "ruff", "check", *LINT_PATHS)),
        ("mypy", ("-m", "mypy")),
    )
    for tool, argv in checks:
        if importlib.util.find_spec(tool) is None:
            _say(f"Lỗi: môi trường chưa có {tool}; cài các gói phát triển: "
                 'python -m pip install -c requirements/lock.txt -e ".[dev]"')
            return 2
        code = _python(*argv)
        if code:
            _say(f"Lỗi: {tool} báo lỗi ở mã nguồn (xem danh sách bên trên); sửa rồi chạy lại "
                 f"`python {' '.join(argv)}` trước khi chạy kiểm thử (README, mục «Thói quen viết mã»).")
            return code
    return 0


def test_fast() -> int:
    """ruff and mypy, then the unit tests (not the slow simulations) on two processes."""
    return lint() or _python("-m", "pytest", "-m", "not slow", "-n", "2", "-q")


def test_sample() -> int:
    """The sample, always regenerated and cleaned, so the notebooks are checked against
    what the current code makes of it, never a stale copy."""
    shutil.rmtree(ROOT / TEST_SAMPLE, ignore_errors=True)
    raw, truth, processed = (TEST_SAMPLE / name for name in ("raw", "truth", layout.PROCESSED_DIR))
    return _vhcs("sample", "--out", raw.as_posix(), "--truth-out", truth.as_posix()) or _vhcs(
        "clean", "--raw", raw.as_posix(), "--out", processed.as_posix())


def test_notebooks() -> int:
    """Strict nbval on every notebook, against the freshly cleaned sample."""
    return test_sample() or _python(
        "-m", "pytest", "-p", "no:xdist", "--nbval", "--nbval-current-env",
        "--nbval-sanitize-with", layout.NBVAL_SANITISER, "notebooks/", "-q", "-o", "testpaths=notebooks",
        env=_nbval_env(),
    )


def test() -> int:
    """ruff and mypy, unit tests, then strict nbval on every notebook."""
    return test_fast() or test_notebooks()


def test_slow() -> int:
    """Calibration by simulation (minutes)."""
    return _python("-m", "pytest", "-m", "slow", "-n", "2", "-q")


def notebooks() -> int:
    """Re-execute the notebooks in place on the sample (stores their outputs)."""
    return test_sample() or _python("-m", "vhcs_analysis.report.notebooks", "--in-place", env=_nbval_env())


LAB_SETTINGS = Path("jupyter") / "lab" / "settings"


def lab() -> int:
    """Open the notebooks in JupyterLab with this environment, interface in Vietnamese:
    ``jupyter/lab/settings/overrides.json`` sets the locale of the language pack
    (jupyterlab-language-pack-vi-vn). ``LAB_ARGS`` (environment, or ``make lab LAB_ARGS=…``)
    adds options, e.g. ``--no-browser``."""
    extra = shlex.split(os.environ.get("LAB_ARGS", ""))
    return _python("-m", "jupyterlab", f"--LabApp.app_settings_dir={ROOT / LAB_SETTINGS}", *extra, "notebooks/")


def bench() -> int:
    """Speed and memory benchmarks (table + benchmarks/results/latest.json). Linux and
    macOS only: peak memory is measured with ``os.wait4``, which Windows does not have."""
    if not hasattr(os, "wait4"):
        _say("Lỗi: bước bench đo bộ nhớ bằng os.wait4, chỉ có trên Linux và macOS; các bước khác chạy được ở đây.")
        return 2
    return _python("-m", "benchmarks")


STEPS = {
    "report": report,
    "test": test,
    "test-fast": test_fast,
    "lint": lint,
    "test-sample": test_sample,
    "test-notebooks": test_notebooks,
    "test-slow": test_slow,
    "notebooks": notebooks,
    "lab": lab,
    "bench": bench,
    "env": env,
}


def main(argv: list[str] | None = None) -> int:
    """Run the step named on the command line (``python -m vhcs_analysis.tasks STEP``); returns its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m vhcs_analysis.tasks",
        description="Các bước của dự án, giống hệt `make <bước>` (dùng được trên Windows, macOS, Linux).",
    )
    parser.add_argument("step", choices=list(STEPS), help="bước cần chạy: " + ", ".join(STEPS))
    parser.add_argument("--venv", default=".venv", help="thư mục môi trường ảo cho bước env (mặc định .venv)")
    args = parser.parse_args(argv)
    if not (ROOT / "pyproject.toml").is_file():
        _say(f"Lỗi: không thấy pyproject.toml ở {ROOT}; hãy chạy từ thư mục mã nguồn của dự án.")
        return 2
    step = STEPS[args.step]
    return step(args.venv) if step is env else step()


if __name__ == "__main__":
    sys.exit(main())
