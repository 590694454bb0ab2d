"""Measure commands in fresh subprocesses: wall time, CPU time and peak memory per run.

Every run is its own process, so the peak resident set size (RSS) belongs to that run
alone: ``os.wait4`` returns the child's ``ru_maxrss``, which on Linux is the largest peak
of any single process in the child's tree (the child or a descendant it waited for, e.g.
a notebook kernel), not their sum. A case may time only part of its run (for instance a
function call after its inputs are built) by writing ``{"seconds": …}`` to the file named
by ``$VHCS_BENCH_TIMING``; otherwise the run's time is the process's wall time, start-up
and imports included, as a user of the command sees it. The CPU time (user + system,
the same ``os.wait4`` usage, so the child and the descendants it waited for) is kept
beside it: on a machine shared with other work it moves far less than wall time, so
two commands measured in one run are also compared by CPU time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

TIMING_ENV = "VHCS_BENCH_TIMING"
ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = (
    "vhcs-analysis", "pandas", "numpy", "pyarrow", "python-calamine", "openpyxl", "scipy",
    "pandera", "rapidfuzz", "matplotlib", "typst", "nbclient", "ipykernel", "rich",
)


@dataclass
class Run:
    """One measured run: seconds (timed section, or wall time), wall time, CPU time
    (user + system of the whole run, workers included), peak RSS (MB)."""

    seconds: float
    wall_seconds: float
    peak_rss_mb: float
    returncode: int
    cpu_seconds: float = 0.0
    log: str = ""
    details: dict | None = None  # the last stdout line, when it is a JSON object


@dataclass
class Summary:
    """Several runs of one case, reduced to the numbers the table shows."""

    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.returncode == 0]

    def stats(self) -> dict:
        seconds = [r.seconds for r in self.ok_runs]
        if not seconds:
            return {"runs": 0, "median_s": None, "min_s": None, "max_s": None, "peak_rss_mb": None,
                    "median_cpu_s": None, "seconds": []}
        return {
            "runs": len(seconds),
            "median_s": round(statistics.median(seconds), 4),
            "min_s": round(min(seconds), 4),
            "max_s": round(max(seconds), 4),
            # the worst run: a limit on memory has to hold every time
            "peak_rss_mb": round(max(r.peak_rss_mb for r in self.ok_runs), 1),
            # CPU time of the whole run (start-up included, even when a section is timed)
            "median_cpu_s": round(statistics.median(r.cpu_seconds for r in self.ok_runs), 4),
            "seconds": [round(s, 4) for s in seconds],
            "cpu_seconds": [round(r.cpu_seconds, 4) for r in self.ok_runs],
            "wall_seconds": [round(r.wall_seconds, 4) for r in self.ok_runs],
        }


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def measure(
    argv: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    log_dir: Path,
    label: str,
    timeout: float | None = None,
) -> Run:
    """Run ``argv`` once in a new process (and session); return its time and peak RSS.

    stdout/stderr go to ``log_dir/label.{out,err}`` so a failure can be read afterwards;
    on timeout the whole process group is killed and the run counts as failed (-9).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    timing_file = log_dir / f"{label}.timing.json"
    timing_file.unlink(missing_ok=True)
    run_env = dict(os.environ if env is None else env)
    run_env[TIMING_ENV] = str(timing_file)
    out_path, err_path = log_dir / f"{label}.out", log_dir / f"{label}.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=run_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, _kill_group, (proc,)) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, tell Popen
    # Linux reports ru_maxrss in KiB (macOS in bytes)
    rss_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    seconds = wall
    if proc.returncode == 0 and timing_file.is_file():
        seconds = float(json.loads(timing_file.read_text("utf-8"))["seconds"])
    details = None
    lines = out_path.read_text("utf-8", errors="replace").strip().splitlines()
    if lines and lines[-1].startswith("{"):
        try:
            details = json.loads(lines[-1])
        except ValueError:
            pass
    log = ""
    if proc.returncode != 0:
        tail = err_path.read_text("utf-8", errors="replace").strip().splitlines()[-5:]
        log = " | ".join(tail) or f"exit code {proc.returncode}"
    return Run(seconds=seconds, wall_seconds=wall, peak_rss_mb=rss_mb, returncode=proc.returncode,
               cpu_seconds=usage.ru_utime + usage.ru_stime, log=log, details=details)


def report_timing(seconds: float) -> None:
    """Called inside a measured process: its timed section took ``seconds``."""
    path = os.environ.get(TIMING_ENV)
    if path:
        Path(path).write_text(json.dumps({"seconds": seconds}), "utf-8")


def repeat_runs(
    run_once,
    *,
    repeat: int,
    budget_s: float | None = None,
    before_each=None,
) -> Summary:
    """Call ``run_once(i) -> Run`` up to ``repeat`` times; stop at the first failure, or
    when another run would likely push the case past ``budget_s`` (but not before two
    runs, so that a median is never a single measurement unless ``repeat`` is 1)."""
    summary = Summary()
    spent = 0.0
    for i in range(repeat):
        if before_each:
            before_each(i)
        run = run_once(i)
        summary.runs.append(run)
        if run.returncode != 0:
            summary.error = run.log
            break
        spent += run.wall_seconds
        if budget_s is not None and i >= 1 and spent + run.wall_seconds > budget_s:
            break
    return summary


def fresh_dir(path: Path) -> Path:
    """An empty folder at ``path`` (removed first when it exists)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info() -> dict:
    """What the numbers were measured on (CPU, cores, RAM, OS, Python, libraries)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "libraries": versions,
        "load_average_at_start": load,
        "git_commit": _git_commit(),
        "timestamp_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_json(path: Path, payload: dict) -> None:
    """Write ``payload`` atomically (a ``.tmp`` twin, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8", newline="\n")
    tmp.replace(path)


def run_as_dict(run: Run) -> dict:
    return asdict(run)
