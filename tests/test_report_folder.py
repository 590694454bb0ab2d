"""A report folder is always one whole report (DESIGN.md): ``vhcs report`` builds into a
staging folder beside ``--out`` and swaps it in at the end, under a lock. A run killed at
any moment leaves the previous report exactly as it was; the next run leaves no staging
or previous copies behind; a second run into a folder being written stops, naming it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_core import unit_form, write_registry
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
    """Staging and previous copies of ``out`` beside it (the lock file is not temporary)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and
                  not p.name.endswith(".lock"))


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
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src) == out:
            raise PermissionError(13, "The process cannot access the file", str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputLockedError) as info, staged_folder(out, keep=lambda n: n.startswith(".")) as staging:
        (staging / "bao-cao-so-ket-nq01.pdf").write_bytes(b"%PDF moi")
    assert str(out) in str(info.value) and "đóng" in str(info.value)
    assert _snapshot(out) == before and _leftovers(out) == []


def test_folder_lock__a_second_run_into_the_folder_stops_naming_it(tmp_path):
    out = tmp_path / "bao-cao"
    before = _previous_report(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from vhcs_analysis.io.outputs import folder_lock\n"
         f"with folder_lock(Path({str(out)!r})):\n    print('held', flush=True)\n    time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        raw = tmp_path / "raw"
        write_registry(raw)
        result = CliRunner().invoke(app, ["report", "--raw", str(raw), "--out", str(out)])
        assert result.exit_code == 2 and result.output.count("Lỗi") == 1
        assert str(out) in " ".join(result.output.split()) and "đợi" in result.output
        assert _snapshot(out) == before and _leftovers(out) == []
    finally:
        holder.kill()
        holder.wait()
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
