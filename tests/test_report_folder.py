"""A report folder is always one whole report (DESIGN.md): ``vhcs report`` builds into a
staging folder beside ``--out`` and swaps it in at the end, under a lock. A run killed at
any moment leaves the previous report exactly as it was; the next run leaves no staging
or previous copies behind; a second run into a folder being written stops, naming it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_core import cannot_be_moved, unit_form, write_registry
from typer.testing import CliRunner

from vhcs_analysis.cli import app
from vhcs_analysis.io.outputs import folder_lock, staged_folder

PREVIOUS = {"bao-cao-so-ket-nq01.pdf": b"%PDF bao cao cu", "tables/key_numbers.json": b"{}\n",
            "processed/manifest.json": b'{"cu": 1}\n', ".gitkeep": b""}


def _previous_report(out: Path) -> dict[str, bytes]:
    for rel, data in PREVIOUS.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return _snapshot(out)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    """Staging and previous copies of ``out`` beside it, and the staging folders of those
    (the lock file is not temporary)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".") and f".{out.name}." in p.name
                  and not p.name.endswith(".lock"))


def _raw_with_a_window(raw: Path) -> Path:
    """Form 01 for the baseline and the post period, so that the build goes on to the notebooks."""
    write_registry(raw)
    for i, unit in enumerate(("Sở Nội vụ", "Sở Tài chính")):
        unit_form(raw / f"{i}-2016.xlsx", unit=unit, period="6 tháng cuối năm 2016", date="15/12/2016")
        unit_form(raw / f"{i}-2018.xlsx", unit=unit, period="6 tháng cuối năm 2018", date="15/12/2018")
    return raw


def _start_report(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vhcs_analysis", "report", "--raw", str(raw), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, "VHCS_NOTEBOOK_WORKERS": "1"})


def _wait_for_staged_clean(out: Path, proc: subprocess.Popen, timeout: float = 120) -> Path:
    """The staging folder once the run has written its processed tables into it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        staged = [p for p in out.parent.glob(f".{out.name}.new-*") if (p / "processed" / "manifest.json").is_file()]
        if staged:
            return staged[0]
        assert proc.poll() is None, "the report ended before it was killed"
        time.sleep(0.05)
    raise AssertionError("no staged processed folder within the timeout")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the notebook kernels too
    proc.wait(timeout=30)


@pytest.mark.slow
def test_report_killed_mid_way__previous_report_intact_and_next_run_leaves_no_leftovers(tmp_path):
    raw, out = _raw_with_a_window(tmp_path / "raw"), tmp_path / "bao-cao"
    before = _previous_report(out)
    proc = _start_report(raw, out)
    try:
        _wait_for_staged_clean(out, proc)
        # meanwhile a second run into the same folder stops at once, naming it, and mixes nothing
        second = CliRunner().invoke(app, ["report", "--raw", str(raw), "--out", str(out)])
        assert second.exit_code == 2 and str(out) in " ".join(second.output.split())
        assert "đang được một lần chạy khác ghi" in second.output
    finally:
        _kill(proc)
    assert _snapshot(out) == before
    assert _leftovers(out)  # the killed run's staging folder is still there…
    empty = tmp_path / "rong"
    write_registry(empty)  # …until the next run (here one that stops early: no Form 01 at all)
    third = CliRunner().invoke(app, ["report", "--raw", str(empty), "--out", str(out)])
    assert third.exit_code == 2
    assert _snapshot(out) == before and _leftovers(out) == []


def test_staged_folder__an_error_mid_way_keeps_the_previous_folder_and_leaves_nothing(tmp_path):
    out = tmp_path / "bao-cao"
    before = _previous_report(out)
    with pytest.raises(RuntimeError), staged_folder(out, keep=lambda name: name.startswith(".")) as staging:
        (staging / "bao-cao-so-ket-nq01.pdf").write_bytes(b"%PDF moi")
        raise RuntimeError("dừng giữa chừng")
    assert _snapshot(out) == before and _leftovers(out) == []


def test_staged_folder__success_replaces_the_whole_folder_keeping_hidden_entries(tmp_path):
    out = tmp_path / "bao-cao"
    _previous_report(out)
    with staged_folder(out, keep=lambda name: name.startswith(".")) as staging:
        (staging / "bao-cao-so-ket-nq01.pdf").write_bytes(b"%PDF moi")
    assert _snapshot(out) == {"bao-cao-so-ket-nq01.pdf": b"%PDF moi", ".gitkeep": b""}  # no stale tables
    assert _leftovers(out) == []


def test_staged_folder__recovers_a_run_killed_between_the_two_renames(tmp_path):
    out = tmp_path / "bao-cao"
    before = _previous_report(out)
    os.rename(out, tmp_path / ".bao-cao.old-12345")  # the kill came after the first rename
    (tmp_path / ".bao-cao.new-abc").mkdir()
    with staged_folder(out, keep=lambda name: name.startswith(".")):
        assert _snapshot(out) == before  # put back before the new build starts
    assert _leftovers(out) == []


def test_staged_folder__folder_that_cannot_be_renamed_is_the_named_error_and_kept(tmp_path, monkeypatch):
    """On Windows a folder holding an open file (the PDF in a viewer) cannot be renamed."""
    from vhcs_analysis.errors import OutputLockedError

    out = tmp_path / "bao-cao"
    before = _previous_report(out)
    cannot_be_moved(out, monkeypatch)
    with pytest.raises(OutputLockedError) as info, staged_folder(out, keep=lambda n: n.startswith(".")) as staging:
        (staging / "bao-cao-so-ket-nq01.pdf").write_bytes(b"%PDF moi")
    assert str(out) in str(info.value) and "đóng" in str(info.value)
    assert _snapshot(out) == before and _leftovers(out) == []


@contextlib.contextmanager
def _lock_held_elsewhere(folder: Path):
    """``folder_lock(folder)`` held by another process for the duration of the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time\nfrom pathlib import Path\n"
         "from vhcs_analysis.io.outputs import folder_lock\n"
         f"with folder_lock(Path({str(folder)!r})):\n    print('held', flush=True)\n    time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_folder_lock__a_second_run_into_the_folder_stops_naming_it(tmp_path):
    out = tmp_path / "bao-cao"
    before = _previous_report(out)
    with _lock_held_elsewhere(out):
        raw = tmp_path / "raw"
        write_registry(raw)
        result = CliRunner().invoke(app, ["report", "--raw", str(raw), "--out", str(out)])
        assert result.exit_code == 2 and result.output.count("Lỗi") == 1
        assert str(out) in " ".join(result.output.split()) and "đợi" in result.output
        assert _snapshot(out) == before and _leftovers(out) == []
    with folder_lock(out):  # released with its process, however it ended
        pass


def test_carried_over__hidden_entries_and_a_raw_folder_inside_the_report_are_kept(tmp_path):
    from vhcs_analysis.stages import carried_over

    out = tmp_path / "bao-cao"
    keep = carried_over(out, out / "du-lieu" / "raw")
    assert keep(".gitkeep") and keep("du-lieu")
    assert not keep("tables") and not keep("bao-cao-so-ket-nq01.pdf")
    elsewhere = carried_over(out, tmp_path / "raw")
    assert elsewhere(".gitkeep") and not elsewhere("raw") and not elsewhere("")


def test_report_into_its_own_raw_folder__refused_and_nothing_touched(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    before = _snapshot(raw)
    result = CliRunner().invoke(app, ["report", "--raw", str(raw), "--out", str(raw)])
    assert result.exit_code == 2 and "cũng là thư mục dữ liệu thô" in result.output
    assert _snapshot(raw) == before and _leftovers(raw) == []


# --- killed at each point of a run (fast: the analyse and render stages are stand-ins) --------

_KILLED_RUN = """
import sys
from pathlib import Path

from vhcs_analysis import stages
from vhcs_analysis.config import Paths
from vhcs_analysis.settings import package_defaults


def analyse(paths, settings, **_kwargs):
    paths.tables.mkdir(parents=True, exist_ok=True)
    (paths.tables / "key_numbers.json").write_bytes(b'{"moi": 1}\\n')
    return []


def render(paths, settings):
    pdf = paths.reports / "bao-cao-so-ket-nq01.pdf"
    pdf.write_bytes(b"%PDF moi")
    return stages.Rendered(pdf=pdf, annex=pdf, docx=pdf, pptx=pdf, scorecards=[], workbook=pdf)


stages.analyse, stages.render = analyse, render
raw, out, processed = (Path(arg) for arg in sys.argv[1:4])
stages.build_report(Paths(raw=raw, processed=processed, reports=out), package_defaults())
"""

_PREVIOUS_PROCESSED = {"manifest.json": b'{"cu": 1}\n', "units.parquet": b"PAR1 cu", ".gitkeep": b""}


def _previous_processed(folder: Path) -> dict[str, bytes]:
    for rel, data in _PREVIOUS_PROCESSED.items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return _snapshot(folder)


def _run_killed_at(point: str, raw: Path, out: Path, processed: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _KILLED_RUN, str(raw), str(out), str(processed)],
                          env={**os.environ, "VHCS_TEST_KILL_AT": point}, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("point", "outside"), [
    ("clean-writing", True), ("cleaned", True), ("analysed", True), ("rendered", True), ("swap", True),
    ("cleaned", False), ("swap", False),
])
def test_report_killed_at_each_point__previous_report_and_data_kept_and_no_leftovers(tmp_path, point, outside):
    """Killed while cleaning, after each stage, or between the renames of the swap: the
    report folder (and a processed folder outside it) stay as they were, or are put back by
    the next run, which leaves no staging or previous copy behind."""
    raw, out = _raw_with_a_window(tmp_path / "raw"), tmp_path / "bao-cao"
    processed = tmp_path / "data" / "processed" if outside else out / "processed"
    before = _previous_report(out)
    before_data = _previous_processed(processed) if outside else None
    killed = _run_killed_at(point, raw, out, processed)
    assert killed.returncode == 137, killed.stderr[-2000:]
    if point != "swap":  # between the renames the previous folders are beside, put back by the next run
        assert _snapshot(out) == before
        assert before_data is None or _snapshot(processed) == before_data
    assert _leftovers(out) or _leftovers(processed)  # what the killed run left, until the next run
    empty = tmp_path / "rong"
    write_registry(empty)  # the next run stops early (no Form 01 at all)
    args = ["report", "--raw", str(empty), "--out", str(out)] + (["--processed", str(processed)] if outside else [])
    assert CliRunner().invoke(app, args).exit_code == 2
    assert _snapshot(out) == before and _leftovers(out) == []
    assert before_data is None or (_snapshot(processed) == before_data and _leftovers(processed) == [])


def test_report_with_processed_elsewhere__both_folders_replaced_together(tmp_path):
    raw, out, processed = _raw_with_a_window(tmp_path / "raw"), tmp_path / "bao-cao", tmp_path / "data" / "processed"
    _previous_report(out)
    _previous_processed(processed)
    done = _run_killed_at("", raw, out, processed)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _snapshot(out) == {".gitkeep": b"", "bao-cao-so-ket-nq01.pdf": b"%PDF moi",
                              "tables/key_numbers.json": b'{"moi": 1}\n'}
    assert (processed / "manifest.json").read_bytes() != _PREVIOUS_PROCESSED["manifest.json"]
    assert (processed / ".gitkeep").is_file() and (processed / "unit_reports.parquet").is_file()
    assert _leftovers(out) == [] and _leftovers(processed) == []


def test_staged_folders__one_folder_that_cannot_be_moved_keeps_both_as_they_were(tmp_path, monkeypatch):
    """On Windows the processed folder holding rejects.csv open in Excel cannot be moved:
    the named error, and neither the report nor the processed folder changes."""
    from vhcs_analysis.errors import OutputLockedError
    from vhcs_analysis.io.outputs import staged_folders

    out, processed = tmp_path / "bao-cao", tmp_path / "data" / "processed"
    before, before_data = _previous_report(out), _previous_processed(processed)
    cannot_be_moved(processed, monkeypatch)
    keep = lambda name: name.startswith(".")  # noqa: E731
    with pytest.raises(OutputLockedError) as info, staged_folders([(out, keep), (processed, keep)]) as (new, data):
        (new / "bao-cao-so-ket-nq01.pdf").write_bytes(b"%PDF moi")
        (data / "manifest.json").write_bytes(b"{}")
    assert str(processed) in str(info.value)
    assert _snapshot(out) == before and _snapshot(processed) == before_data
    assert _leftovers(out) == [] and _leftovers(processed) == []


def test_report_into_a_processed_folder_being_written__stops_naming_it(tmp_path):
    out, processed = tmp_path / "bao-cao", tmp_path / "data" / "processed"
    before = _previous_report(out)
    with _lock_held_elsewhere(processed):
        raw = _raw_with_a_window(tmp_path / "raw")
        args = ["report", "--raw", str(raw), "--out", str(out), "--processed", str(processed)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2 and str(processed) in " ".join(result.output.split())
        assert "đang được một lần chạy khác ghi" in result.output
        assert _snapshot(out) == before and _leftovers(out) == [] and not processed.exists()
