"""review: the notebooks' glue — tables, deterministic outputs, generated prose."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from vhcs_analysis import review, tables
from vhcs_analysis.config import SAMPLE_MARK, get_paths, get_settings


def _data(manifest=None, **frames) -> review.ReviewData:
    parts = {name: tables.conform(frames[name], name) if name in frames else tables.empty(name)
             for name in review.PROCESSED_TABLES}
    return review.ReviewData(**parts, manifest=manifest or {}, settings=get_settings())


@pytest.fixture
def paths(tmp_path):
    return get_paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")


def _rejects(codes):
    return pd.DataFrame({"source_file": [f"f{i % 2}.xlsx" for i in range(len(codes))], "reason_code": codes,
                         "message": "x"})


def test_dq_rejects_by_reason__counts_most_frequent_first_with_vietnamese_label():
    data = _data(rejects=_rejects(["negative_count", "unknown_unit", "unknown_unit"]))
    out = review.dq_rejects_by_reason(data)
    assert out["reason_code"].tolist() == ["unknown_unit", "negative_count"]
    assert out["n_rows"].tolist() == [2, 1]
    assert out["n_files"].tolist() == [2, 1]
    assert out["reason_vi"].iloc[0] == review.REASON_LABELS_VI["unknown_unit"]


def test_dq_files__skipped_files_counted_apart_from_used():
    manifest = {"files": [
        {"path": "a.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 5, "rows_kept": 4, "rows_rejected": 1},
        {"path": "b.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 3, "rows_kept": 3, "rows_rejected": 0},
        {"path": "notes.docx", "kind": "", "status": "skipped", "reason": "không nhận ra"},
    ]}
    out = review.dq_files(_data(manifest))
    used = out[out["status"] == "used"].iloc[0]
    assert (used["n_files"], used["rows_read"], used["rows_kept"], used["rows_rejected"]) == (2, 8, 7, 1)
    skipped = review.dq_skipped_files(_data(manifest))
    assert skipped.to_dict("records") == [{"source_file": "notes.docx", "reason": "không nhận ra"}]


def test_save_table__rounded_sorted_as_given_no_index_and_identical_twice(paths):
    df = pd.DataFrame({"indicator": ["b", "a"], "estimate": [1.23456789, -0.5], "p_value": [0.012345678, 1.0]})
    first = review.save_table(df, "did", paths).read_bytes()
    second = review.save_table(df, "did", paths).read_bytes()
    assert first == second
    assert first.decode("utf-8") == "indicator,estimate,p_value\nb,1.235,0.0123\na,-0.5,1.0\n"


def test_update_key_numbers__keeps_other_sections_and_marks_sample(paths):
    data = _data({"is_sample": True})
    review.update_key_numbers(data, "data_quality", {"rows_read": 10}, paths)
    review.update_key_numbers(data, "ranking", {"n_up": 2, "share": float("nan")}, paths)
    numbers = json.loads((paths.tables / "key_numbers.json").read_text("utf-8"))
    assert numbers["data_quality"] == {"rows_read": 10}
    assert numbers["ranking"] == {"n_up": 2, "share": None}
    assert numbers["is_sample"] is True
    assert numbers["sample_mark"] == SAMPLE_MARK


def test_save_figure__sample_data_gets_the_mark_real_data_does_not(paths):
    from vhcs_analysis import plots

    frame = pd.DataFrame({"reason_vi": ["Số âm"], "n_rows": [3]})
    marked = review.save_figure(plots.rejects_bar(frame), "a", is_sample=True, paths=paths)
    plain = review.save_figure(plots.rejects_bar(frame), "b", is_sample=False, paths=paths)
    assert SAMPLE_MARK in marked.read_text("utf-8")
    assert SAMPLE_MARK not in plain.read_text("utf-8")


def test_display_frame__vietnamese_headers_and_numbers():
    df = pd.DataFrame({"group": ["pilot"], "estimate": [1234.5678], "p_value": [0.0004]})
    out = review.display_frame(df)
    assert out.columns.tolist() == ["Nhóm", "Ước lượng", "p"]
    assert out.iloc[0].tolist() == ["Đơn vị điểm", "1.234,57", "< 0,001"]


def test_data_quality_text__numbers_come_from_the_manifest():
    manifest = {"files": [{"path": "a.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 1200,
                           "rows_kept": 1150, "rows_rejected": 50}]}
    text = review.data_quality_text(_data(manifest, rejects=_rejects(["negative_count"] * 50)))
    body = getattr(text, "data", text)
    assert "1.200 dòng" in body and "loại 50 dòng" in body
