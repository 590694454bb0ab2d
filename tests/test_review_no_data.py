"""The notebooks before anything is cleaned (issue 23): the first cell says in one
Vietnamese line what to run, or cleans the raw folder when it is the sample; and the
section functions work on empty tables (no pandas error on the missing-data path)."""

from __future__ import annotations

import pytest

from vhcs_analysis import review
from vhcs_analysis.config import SAMPLE_MARK, Paths
from vhcs_analysis.settings import load
from vhcs_analysis.indicators import inspection_scores
from vhcs_analysis import tables


def _paths(tmp_path) -> Paths:
    (tmp_path / "raw").mkdir()
    (tmp_path / "processed").mkdir()
    return Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")


def test_setup__new_clone_stops_with_one_vietnamese_line_of_what_to_run(tmp_path):
    paths = _paths(tmp_path)
    (paths.raw / ".gitkeep").write_text("")
    with pytest.raises(review.NoCleanDataError) as info:
        review.setup(paths, load())
    shown = info.value._render_traceback_()  # what IPython/JupyterLab print instead of a traceback
    assert len(shown) == 1 and "\n" not in shown[0]
    assert "vhcs sample --out data/raw" in shown[0] and "vhcs clean" in shown[0]
    assert "Traceback" not in shown[0]


def test_setup__raw_files_not_yet_cleaned_says_run_vhcs_clean(tmp_path):
    paths = _paths(tmp_path)
    (paths.raw / "so-tai-chinh.xlsx").write_bytes(b"PK")
    with pytest.raises(review.NoCleanDataError, match="chưa được làm sạch: chạy `vhcs clean`"):
        review.setup(paths, load())


def test_setup__sample_raw_folder_is_cleaned_and_marked_as_sample(tmp_path, sample_dirs, capsys):
    paths = Paths(raw=sample_dirs.raw, processed=tmp_path / "processed", reports=tmp_path / "reports")
    data = review.setup(paths, load())
    assert SAMPLE_MARK in capsys.readouterr().out
    assert data.is_sample and len(data.unit_reports) > 0
    assert (paths.processed / "manifest.json").is_file()


def test_setup__an_existing_cleaning_run_is_used_as_it_is(tmp_path, processed_sample, capsys):
    paths = Paths(raw=tmp_path / "no-raw", processed=processed_sample, reports=tmp_path / "reports")
    data = review.setup(paths, load())
    assert capsys.readouterr().out == "" and len(data.units) > 0


def test_inspection_scores__without_inspections_keeps_text_periods():
    # a float period column made every merge with the reports fail (issue 23)
    assert inspection_scores(tables.empty("inspections"))["period"].dtype == object


@pytest.mark.parametrize("section", ["trends", "pilot_effects", "adoption", "event_study", "per_block",
                                     "level_gap", "index_sensitivity", "good_practices", "rollout",
                                     "indicators_by_goal"])
def test_section__on_empty_tables_returns_a_table_not_an_error(tmp_path, section):
    data = review.load(load(), Paths(raw=tmp_path / "raw", processed=tmp_path / "none", reports=tmp_path / "r"))
    out = getattr(review, section)(data)
    assert hasattr(out, "columns") and len(out.columns) > 0


def test_trend_of__on_empty_tables_has_its_columns(tmp_path):
    data = review.load(load(), Paths(raw=tmp_path / "raw", processed=tmp_path / "none", reports=tmp_path / "r"))
    assert {"period", "group", "mean", "ci_low", "ci_high",
            "n_units"} <= set(review.trend_of(data, "study_rate").columns)
