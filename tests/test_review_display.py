"""The tables the notebooks show are Vietnamese (issue 23): headers, codes in words, numbers
the Vietnamese way, p-values with enough digits; the section functions keep the raw frames."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import review, verdicts
from vhcs_analysis.config import Paths
from vhcs_analysis.settings import load

CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")  # a snake_case code such as did_estimate
ENGLISH_VALUES = {"better", "worse", "higher_better", "lower_better", "outcome", "adoption", "unchanged",
                  "proposed", "review", "pilot", "rest", "True", "False", "nan"}


def _effects_row(**values) -> pd.DataFrame:
    row = {c: np.nan for c in verdicts.COLUMNS}
    row.update(indicator="study_rate", indicator_vi="Tỷ lệ học tập", kind="outcome", direction="higher_better",
               verdict="better", verdict_vi=verdicts.VERDICT_VI["better"], reason_vi="cả hai cách cùng chiều",
               n_pilot=7, n_rest=51)
    row.update(values)
    return pd.DataFrame([row], columns=verdicts.COLUMNS)


def test_display_frame__verdict_table_headers_are_vietnamese_and_codes_are_words():
    out = review.display_frame(_effects_row(did_estimate=6.456, did_p=0.0004, adj_p=0.0442, p_holm=0.06,
                                            lobo_min=5.26, mde=5.93))
    assert [c for c in out.columns if CODE.fullmatch(c) or c in ("kind", "direction", "mde", "verdict")] == []
    assert "Loại tệp" not in out.columns and out.loc[1, "Loại chỉ tiêu"] == "Chỉ tiêu kết quả"
    assert out.loc[1, "Chiều tốt"] == "Cao hơn là tốt"
    assert out.loc[1, "Kết luận"] == verdicts.VERDICT_VI["better"]
    assert out.loc[1, "Chênh lệch thay đổi"] == "6,46" and out.loc[1, "Bỏ từng khối: nhỏ nhất"] == "5,26"


def test_display_frame__p_values_keep_their_digits():
    out = review.display_frame(_effects_row(did_p=0.0004, adj_p=0.0442, p_holm=0.06))
    assert out.loc[1, "Chênh lệch thay đổi: p"] == "< 0,001"
    assert out.loc[1, "Điều chỉnh theo kỳ gốc: p"] == "0,044"
    assert out.loc[1, "p (Holm)"] == "0,060"


def test_display_frame__file_kinds_keep_their_header():
    out = review.display_frame(pd.DataFrame({"kind": ["form02"], "n_files": [3]}))
    assert out.columns.tolist() == ["Loại tệp", "Số tệp"] and out.loc[1, "Loại tệp"].startswith("Biểu 02")


def test_display_frame__leaves_the_raw_frame_unchanged():
    raw = _effects_row(did_p=0.2)
    before = raw.copy()
    review.display_frame(raw)
    pd.testing.assert_frame_equal(raw, before)


@pytest.fixture(scope="module")
def sample_data(processed_sample):
    paths = Paths(raw=processed_sample.parent / "raw", processed=processed_sample,
                  reports=processed_sample.parent / "reports-display")
    return review.load(load(), paths)


@pytest.mark.parametrize("section", ["pilot_effects", "adoption", "index_sensitivity", "ranking_proposal",
                                     "event_study", "level_gap", "per_block", "trends", "completeness"])
def test_notebook_table__on_the_sample_has_no_english_header_or_code(sample_data, section):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = getattr(review, section)(sample_data)
    shown = review.display_frame(raw)
    assert [c for c in shown.columns if CODE.fullmatch(c)] == []
    values = {v for c in shown.columns for v in shown[c]}
    assert sorted(v for v in values if v in ENGLISH_VALUES or CODE.fullmatch(v)) == []
