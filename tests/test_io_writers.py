"""Deterministic, atomic writers; CSV safe to open in Excel."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis.io.writers import (
    atomic_path,
    neutralise_formula,
    write_csv_for_excel,
    write_json_atomic,
    write_parquet_atomic,
)


def test_write_csv_for_excel__starts_with_utf8_bom_and_keeps_vietnamese(tmp_path):
    path = write_csv_for_excel(pd.DataFrame({"đơn_vị": ["Sở Nội vụ"]}), tmp_path / "a.csv")
    assert path.read_bytes() == "\ufeffđơn_vị\nSở Nội vụ\n".encode("utf-8")


@pytest.mark.parametrize("text", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_formula__formula_like_text_gets_a_quote(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+84", "-12,5%", "-", "Sở Y tế", "1.234"])
def test_neutralise_formula__plain_text_and_numeric_text_unchanged(text):
    assert neutralise_formula(text) == text


def test_write_csv_for_excel__negative_numbers_in_numeric_columns_unchanged(tmp_path):
    df = pd.DataFrame({"value": ["=HYPERLINK(\"x\")"], "n": [-5], "x": [-1.5]})
    text = write_csv_for_excel(df, tmp_path / "r.csv").read_text("utf-8-sig")
    assert text == "value,n,x\n\"'=HYPERLINK(\"\"x\"\")\",-5,-1.5\n"


def test_write_csv_for_excel__same_frame_same_bytes(tmp_path):
    df = pd.DataFrame({"a": [0.1, 1 / 3, np.nan], "d": pd.to_datetime(["2017-06-15", None, "2018-01-02"])})
    first = write_csv_for_excel(df, tmp_path / "1.csv").read_bytes()
    assert write_csv_for_excel(df, tmp_path / "2.csv").read_bytes() == first
    assert b"\r" not in first


def test_write_parquet_atomic__same_frame_same_bytes_and_no_index(tmp_path):
    df = pd.DataFrame({"unit_id": ["U01", "U02"], "score": [9.5, 7.0]}, index=[5, 9])
    first = write_parquet_atomic(df, tmp_path / "1.parquet").read_bytes()
    assert write_parquet_atomic(df, tmp_path / "2.parquet").read_bytes() == first
    back = pd.read_parquet(tmp_path / "1.parquet")
    assert list(back.columns) == ["unit_id", "score"]
    assert list(back.index) == [0, 1]


def test_write_json_atomic__sorted_indented_unescaped_with_newline(tmp_path):
    path = write_json_atomic({"b": 1, "a": "Hà Tĩnh"}, tmp_path / "m.json")
    assert path.read_text("utf-8") == '{\n  "a": "Hà Tĩnh",\n  "b": 1\n}\n'


def test_write_json_atomic__numpy_and_dates_are_converted(tmp_path):
    path = write_json_atomic({"n": np.int64(3), "d": dt.date(2017, 6, 15)}, tmp_path / "m.json")
    assert json.loads(path.read_text("utf-8")) == {"d": "2017-06-15", "n": 3}


def test_atomic_path__failed_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_write_csv_for_excel__categorical_text_is_neutralised_too(tmp_path):
    df = pd.DataFrame({"value": pd.Categorical(["=1+2", "Sở Y tế"])})
    text = write_csv_for_excel(df, tmp_path / "c.csv").read_text("utf-8-sig")
    assert text == "value\n'=1+2\nSở Y tế\n"
