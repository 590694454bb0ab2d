"""Parallel reading on platforms without ``fork``/``forkserver`` (Windows) or with ``spawn``
as the default (macOS): the start method is chosen from what the platform has, and the
outputs are byte-identical to reading the files one by one in the main process."""

import multiprocessing
import shutil

import pytest
from helpers_core import (
    GOOD_VALUES, assert_same_outputs, form02, inspection, spy_parallel, unit_form, write_registry,
)

from vhcs_analysis import pipeline
from vhcs_analysis.settings import load
from vhcs_analysis.pipeline import clean_folder


def _like_windows(monkeypatch) -> list:
    """Only ``spawn`` exists, as on Windows: asking for fork/forkserver raises as it does there.
    Returns the list of start methods the pipeline asked for."""
    asked = []
    real_get_context = multiprocessing.get_context

    def get_context(method=None):
        asked.append(method)
        if method in ("fork", "forkserver"):
            raise ValueError(f"cannot find context for {method!r}")
        return real_get_context(method)

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    return asked


@pytest.fixture
def small_raw(tmp_path):
    raw = tmp_path / "raw"
    write_registry(raw)
    unit_form(raw / "a" / "good.xlsx")
    unit_form(raw / "a" / "bad.xlsx", unit="Sở Y tế", values=dict(GOOD_VALUES, staff_studied=999))
    form02(raw / "kiem-tra.xlsx", [inspection("Sở Nội vụ")])
    (raw / "garbage.xlsx").write_bytes(b"PK\x03\x04 not really a zip" * 10)
    return raw


def test_start_method__forkserver_where_the_platform_has_it(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn", "forkserver"])
    assert pipeline.start_method() == "forkserver"


def test_start_method__spawn_where_there_is_no_fork_or_forkserver(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert pipeline.start_method() == "spawn"


def test_clean_folder__spawn_workers_without_forkserver_write_the_same_outputs(small_raw, tmp_path, monkeypatch):
    monkeypatch.setenv("VHCS_WORKERS", "1")
    clean_folder(small_raw, tmp_path / "serial", settings=load())
    asked = _like_windows(monkeypatch)
    counts = spy_parallel(monkeypatch)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setenv("VHCS_WORKERS", "2")
    res = clean_folder(small_raw, tmp_path / "spawn", settings=load())
    assert not res.fatal
    assert asked == ["spawn"] and counts and counts[0] > 0  # the files were read by spawned workers
    assert_same_outputs(tmp_path / "serial", tmp_path / "spawn")


def test_clean_folder__sample_over_the_parallel_threshold_under_spawn_equals_serial(sample_dirs, tmp_path, monkeypatch):
    """The real threshold, not a lowered one: the sample plus scanned signatures (as real
    folders carry) is over 2 MB; read by spawned workers it cleans exactly as serially."""
    raw = tmp_path / "raw"
    shutil.copytree(sample_dirs.raw, raw)
    scans = raw / "chu-ky-scan"
    scans.mkdir()
    for i in range(4):  # incompressible, like a JPEG scan; recognised as nothing, listed as skipped
        (scans / f"chu-ky-{i}.jpg").write_bytes(b"\xff\xd8\xff\xe0"
                                                + bytes((j * 7919 + i) % 251 for j in range(400_000)))
    assert sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) > pipeline.PARALLEL_MIN_BYTES

    monkeypatch.setenv("VHCS_WORKERS", "1")
    serial = clean_folder(raw, tmp_path / "serial", settings=load())
    asked = _like_windows(monkeypatch)
    counts = spy_parallel(monkeypatch)
    monkeypatch.setenv("VHCS_WORKERS", "2")
    spawned = clean_folder(raw, tmp_path / "spawn", settings=load())
    assert asked == ["spawn"] and counts == [len(serial.manifest["files"]) - 1]  # all but units.csv
    assert spawned.manifest["totals"] == serial.manifest["totals"]
    assert_same_outputs(tmp_path / "serial", tmp_path / "spawn")
