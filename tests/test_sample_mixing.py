"""Sample and real data never mix silently: files added to a sample folder are named."""

import shutil

from rich.console import Console

from vhcs_analysis.cli_clean import cli_clean
from vhcs_analysis.config import SAMPLE_FILES_HEADER, SAMPLE_MARKER_FILE, read_sample_file_list
from vhcs_analysis.settings import load
from vhcs_analysis.pipeline import clean_folder


def test_sample_marker__lists_every_sample_file_with_its_hash(sample_dirs):
    listed = read_sample_file_list(sample_dirs.raw / SAMPLE_MARKER_FILE)
    on_disk = {p.relative_to(sample_dirs.raw).as_posix() for p in sample_dirs.raw.rglob("*")
               if p.is_file() and p.name != SAMPLE_MARKER_FILE}
    assert set(listed) == on_disk
    assert all(len(sha) == 64 for sha in listed.values())


def test_clean__untouched_sample_has_no_foreign_files(processed_sample):
    import json

    manifest = json.loads((processed_sample / "manifest.json").read_text("utf-8"))
    assert manifest["is_sample"] is True
    assert manifest["sample_foreign_files"] == []


def test_clean__real_file_added_to_sample_folder_is_named_and_output_stays_marked(sample_dirs, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(sample_dirs.raw, raw)
    (raw / "so-lieu-that").mkdir()
    (raw / "so-lieu-that" / "bao-cao-that.csv").write_text("STT,Tên đơn vị\n1,Sở Nội vụ\n", "utf-8")
    result = clean_folder(raw, None, settings=load())
    assert result.manifest["is_sample"] is True
    assert result.manifest["sample_foreign_files"] == ["so-lieu-that/bao-cao-that.csv"]

    console = Console(record=True, width=200)
    assert cli_clean(raw, tmp_path / "out", console, settings=load()) == 0
    text = console.export_text()
    assert "Cảnh báo" in text and "so-lieu-that/bao-cao-that.csv" in text


def test_read_sample_file_list__marker_without_list_gives_nothing(tmp_path):
    marker = tmp_path / SAMPLE_MARKER_FILE
    marker.write_text("vhcs-analysis sample data\nDỮ LIỆU MẪU\n", "utf-8")
    assert read_sample_file_list(marker) == {}
    marker.write_text(f"x\n{SAMPLE_FILES_HEADER}\n{'a' * 64}  sub/f.xlsx\nrác\n", "utf-8")
    assert read_sample_file_list(marker) == {"sub/f.xlsx": "a" * 64}
