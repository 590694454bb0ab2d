"""The whole synthetic sample, cleaned and compared exactly with its ground truth."""

import json

import pandas as pd
import pytest
from helpers_core import output_texts

from vhcs_analysis import tables

DATA = ("units", "unit_reports", "inspections", "rankings")


@pytest.fixture(scope="module")
def truth(sample_dirs):
    return sample_dirs.truth


@pytest.mark.parametrize("table", DATA)
def test_sample__processed_table_equals_truth(processed_sample, truth, table):
    got = pd.read_parquet(processed_sample / f"{table}.parquet")
    want = tables.conform(pd.read_parquet(truth / f"{table}.parquet"), table)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-6, atol=1e-6)


def test_sample__every_expected_reject_present_with_its_reason(processed_sample, truth):
    got = pd.read_parquet(processed_sample / "rejects.parquet")
    want = pd.read_csv(truth / "expected_rejects.csv", dtype=str, keep_default_na=False)
    key = ["source_file", "sheet", "row", "column", "reason_code"]
    have = {tuple("" if pd.isna(v) else str(v) for v in row) for row in got[key].itertuples(index=False)}
    missing = [tuple(r) for r in want[key].itertuples(index=False) if tuple(r) not in have]
    assert missing == []
    assert len(got) == len(want)


def test_sample__expected_findings_present(processed_sample, truth):
    got = pd.read_parquet(processed_sample / "findings.parquet")
    want = pd.read_csv(truth / "expected_findings.csv", dtype=str, keep_default_na=False)
    key = ["source_file", "sheet", "row", "column", "finding_code"]
    have = {tuple("" if pd.isna(v) else str(v) for v in row) for row in got[key].itertuples(index=False)}
    assert [tuple(r) for r in want[key].itertuples(index=False) if tuple(r) not in have] == []


def test_sample__expected_skipped_files_skipped(processed_sample, truth):
    manifest = json.loads((processed_sample / "manifest.json").read_text("utf-8"))
    want = pd.read_csv(truth / "expected_skipped.csv", dtype=str)
    status = {f["path"]: f["status"] for f in manifest["files"]}
    skipped = {s["path"] for s in manifest["skipped"]}
    for path in want["source_file"]:
        assert status.get(path) in ("skipped", "unreadable") and path in skipped, path


def test_sample__rows_read_equal_kept_plus_rejected_per_file_and_in_total(processed_sample):
    manifest = json.loads((processed_sample / "manifest.json").read_text("utf-8"))
    for f in manifest["files"]:
        assert f["rows_read"] == f["rows_kept"] + f["rows_rejected"], f["path"]
    t = manifest["totals"]
    assert t["rows_read"] == t["rows_kept"] + t["rows_rejected"] == sum(f["rows_read"] for f in manifest["files"])
    rejects = pd.read_parquet(processed_sample / "rejects.parquet")
    assert t["rows_rejected"] == len(rejects)


def test_sample__manifest_marks_sample_and_has_no_absolute_paths(processed_sample, sample_dirs):
    text = (processed_sample / "manifest.json").read_text("utf-8")
    manifest = json.loads(text)
    assert manifest["is_sample"] is True and manifest["package_version"]
    assert str(sample_dirs.base) not in text and "/tmp" not in text


def test_sample__signature_and_note_names_never_reach_outputs(processed_sample, sample_dirs):
    from vhcs_analysis.sample.mess import GIVEN, MIDDLE, SURNAMES

    names = {f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN}
    for path, text in output_texts(processed_sample):
        assert not [n for n in names if n in text], path.name
