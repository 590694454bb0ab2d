"""The synthetic sample: reproducible bytes, the registry, the truth and its placement."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from rich.console import Console

from vhcs_analysis import config
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.settings import package_defaults
from vhcs_analysis.sample import cli_sample, write_sample
from vhcs_analysis.sample.national import build_national_units
from vhcs_analysis.sample.truth import PERIODS, deadline

FORM01_PERIODS = set(PERIODS)


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The default sample written a second time, through the CLI function."""
    base = tmp_path_factory.mktemp("again")
    console = Console(record=True, width=200)
    code = cli_sample(out=base / "raw", seed=0, scale="province", truth_out=base / "truth", console=console)
    return base, code, console.export_text()


def test_write_sample__same_seed_gives_byte_identical_files(sample_dirs, regenerated):
    base, _, _ = regenerated
    assert hashes(sample_dirs.raw) == hashes(base / "raw")
    assert hashes(sample_dirs.truth) == hashes(base / "truth")


def test_write_sample__different_seed_gives_different_data(sample_dirs, tmp_path):
    write_sample(tmp_path / "raw", seed=1, truth_out=tmp_path / "truth")
    first, other = hashes(sample_dirs.raw), hashes(tmp_path / "raw")
    unchanged = set(first.items()) & set(other.items())
    assert len(unchanged) < len(first) // 10
    assert hashes(sample_dirs.truth)["unit_reports.parquet"] != hashes(tmp_path / "truth")["unit_reports.parquet"]


def test_cli_sample__prints_vietnamese_summary_and_returns_zero(regenerated):
    _, code, text = regenerated
    assert code == 0
    assert "DỮ LIỆU MẪU" in text and "66 đơn vị" in text


def test_registry__66_units_in_7_blocks_with_one_pilot_each(sample_dirs):
    units = pd.read_csv(sample_dirs.raw / "units.csv", encoding="utf-8")
    assert len(units) == 66 and units["unit_id"].is_unique
    assert units["block"].nunique() == 7
    assert (units.groupby("block")["is_pilot"].sum() == 1).all()


def test_registry__39_party_committees_and_27_party_cells(sample_dirs):
    units = pd.read_csv(sample_dirs.raw / "units.csv", encoding="utf-8")
    assert units["unit_type"].value_counts().to_dict() == {"đảng bộ cơ sở": 39, "chi bộ cơ sở": 27}


def test_truth__every_unit_and_period_unless_planted_missing(sample_dirs):
    reports = pd.read_parquet(sample_dirs.truth / "unit_reports.parquet")
    missing = pd.read_csv(sample_dirs.truth / "expected_missing.csv")
    missing = missing[missing["period"].isin(FORM01_PERIODS)]
    present = set(zip(reports["unit_id"], reports["period"]))
    absent = set(zip(missing["unit_id"], missing["period"]))
    assert not present & absent
    assert len(present) + len(absent) == 66 * len(PERIODS)


def test_truth__is_written_outside_raw(sample_dirs):
    assert not (sample_dirs.raw / "unit_reports.parquet").exists()
    assert not any(p.suffix == ".parquet" for p in sample_dirs.raw.rglob("*"))


def test_write_sample__refuses_truth_inside_raw(tmp_path):
    with pytest.raises(VhcsError):
        write_sample(tmp_path / "raw", truth_out=tmp_path / "raw" / "truth")


def test_write_sample__refuses_a_folder_holding_other_files(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "real.xlsx").write_bytes(b"not ours")
    with pytest.raises(VhcsError):
        write_sample(tmp_path / "raw")


def test_write_sample__a_lone_gitkeep_counts_as_empty_and_stays(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / ".gitkeep").write_bytes(b"")
    write_sample(raw, scale="national", truth_out=tmp_path / "truth")
    assert (raw / ".gitkeep").read_bytes() == b""
    assert (raw / config.SAMPLE_MARKER_FILE).is_file()


def test_write_sample__unknown_scale_is_a_vietnamese_error(tmp_path):
    with pytest.raises(VhcsError, match="quy mô"):
        write_sample(tmp_path / "raw", scale="world")


def test_marker_file__first_line_is_the_sample_marker(sample_dirs):
    lines = (sample_dirs.raw / config.SAMPLE_MARKER_FILE).read_text("utf-8").splitlines()
    assert lines[0] == config.SAMPLE_MARKER_LINE
    assert config.SAMPLE_MARK in lines and any("seed" in line for line in lines)


def test_raw_xlsx__every_workbook_opens_with_calamine(sample_dirs):
    books = sorted(sample_dirs.raw.rglob("*.xlsx"))
    assert len(books) > 150
    for book in books:
        sheets = pd.read_excel(book, engine="calamine", sheet_name=None, header=None)
        assert sheets, book


def test_raw_xlsx__has_merged_titles_and_hidden_sheets(sample_dirs):
    wb = openpyxl.load_workbook(next(sample_dirs.raw.glob("tong-hop/*.xlsx")))
    assert [ws.sheet_state for ws in wb.worksheets].count("hidden") == 1
    assert wb.worksheets[0].merged_cells.ranges


def test_raw_csv__is_windows_1258_not_utf8(sample_dirs):
    data = next(sample_dirs.raw.glob("tong-hop/*/*.csv")).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Tổng cộng" in unicodedata.normalize("NFC", data.decode("cp1258"))


def test_raw_xls__rankings_export_is_an_html_table(sample_dirs):
    text = next(sample_dirs.raw.rglob("*.xls")).read_text("utf-8")
    assert "<table" in text and "Hoàn thành" in text


def test_truth__rejected_rows_are_not_in_the_truth(sample_dirs):
    rejects = pd.read_csv(sample_dirs.truth / "expected_rejects.csv")
    columns = ["source_file", "source_sheet", "source_row"]
    kept = pd.concat([pd.read_parquet(sample_dirs.truth / f"{t}.parquet")[columns]
                      for t in ("unit_reports", "inspections", "rankings")])
    kept_at = set(kept.astype(object).where(kept.notna(), None).itertuples(index=False, name=None))
    planted = rejects[rejects["reason_code"] != "superseded"].astype(object)
    planted = planted.where(planted.notna(), None)
    assert len(planted) > 15
    assert not set(zip(planted["source_file"], planted["sheet"], planted["row"])) & kept_at


def test_truth__superseded_submission_is_replaced_by_the_later_one(sample_dirs):
    rejects = pd.read_csv(sample_dirs.truth / "expected_rejects.csv")
    superseded = rejects[rejects["reason_code"] == "superseded"]
    reports = pd.read_parquet(sample_dirs.truth / "unit_reports.parquet")
    assert len(superseded) == 3
    assert not set(superseded["source_file"]) & set(reports["source_file"])


def test_truth__some_reports_arrive_after_the_deadline(sample_dirs):
    reports = pd.read_parquet(sample_dirs.truth / "unit_reports.parquet")
    late = [d.date() > deadline(p) for d, p in zip(reports["report_date"], reports["period"])]
    assert 0.05 < sum(late) / len(late) < 0.25


def test_truth__units_without_one_stop_desk_have_blank_dossiers(sample_dirs):
    effects = json.loads((sample_dirs.truth / "planted_effects.json").read_text("utf-8"))
    reports = pd.read_parquet(sample_dirs.truth / "unit_reports.parquet")
    no_desk = reports[reports["unit_id"].isin(effects["units_without_one_stop_desk"])]
    assert len(no_desk) and no_desk["dossiers_received"].isna().all()


def test_planted_effects__pilot_gains_are_recovered_roughly(sample_dirs):
    effects = json.loads((sample_dirs.truth / "planted_effects.json").read_text("utf-8"))["indicators"]
    assert effects["study_rate"]["true_did"] == 10.0
    assert abs(effects["study_rate"]["realised_did_block_stratified"] - 10.0) < 6
    assert effects["complaints_per_100_staff"]["true_did"] == 0.0
    assert effects["complaints_per_100_staff"]["pilot_gap_every_period"] < 0


def test_national_units__6300_unique_names_and_seven_pilots_per_province():
    import numpy as np

    units = build_national_units(np.random.default_rng(0))
    assert len(units) == 6300 and units["unit_name"].is_unique
    assert (units.groupby(units["unit_id"].str[:3])["is_pilot"].sum() == 7).all()


def test_unit_names__planted_typos_pass_fuzzy_matching_and_unknowns_do_not():
    from rapidfuzz import fuzz, process

    from vhcs_analysis.sample.units import TYPOS, UNIT_SPECS, UNKNOWN_UNIT_NAMES
    from vhcs_analysis.text import name_key

    accept = package_defaults().cleaning.fuzzy_accept
    keys = [name_key(n) for s in UNIT_SPECS for n in (s.name, *s.aliases)]
    for typo in TYPOS:
        best = process.extractOne(name_key(typo.typed), keys, scorer=fuzz.WRatio)
        assert best[1] >= accept
        spec = UNIT_SPECS[typo.unit_index]
        assert best[0] in [name_key(n) for n in (spec.name, *spec.aliases)]  # the intended unit
    for unknown in UNKNOWN_UNIT_NAMES:
        assert process.extractOne(name_key(unknown), keys, scorer=fuzz.WRatio)[1] < accept


def test_write_workbook_deterministic__same_workbook_gives_same_bytes(tmp_path):
    from vhcs_analysis.io.xlsx_write import write_workbook_deterministic

    def build():
        wb = openpyxl.Workbook()
        wb.active["A1"] = "Biểu số 01-VHCS"
        return wb

    write_workbook_deterministic(build(), tmp_path / "a.xlsx")
    write_workbook_deterministic(build(), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_write_cells_xlsx__keeps_merges_dates_and_hidden_sheets(tmp_path):
    import datetime as dt

    from vhcs_analysis.io.xlsx_write import CellSheet, CellStyle, write_cells_xlsx

    sheet = CellSheet("Biểu 01", {(1, 1): "ĐẢNG BỘ KHỐI", (2, 2): dt.datetime(2017, 6, 15)},
                      {(1, 1): CellStyle(bold=True, center=True)}, merges=[(1, 1, 1, 3)])
    write_cells_xlsx(tmp_path / "c.xlsx", [sheet, CellSheet("DM", {(1, 1): "Có"}, hidden=True)])
    wb = openpyxl.load_workbook(tmp_path / "c.xlsx")
    ws = wb["Biểu 01"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"] and ws["A1"].font.b
    assert ws["B2"].value == dt.datetime(2017, 6, 15) and wb["DM"].sheet_state == "hidden"


def test_expected_rejects__point_at_the_planted_cell(sample_dirs):
    from python_calamine import CalamineWorkbook

    from vhcs_analysis.io.xlsx_write import column_letter

    rejects = pd.read_csv(sample_dirs.truth / "expected_rejects.csv")
    rejects = rejects[rejects["source_file"].str.endswith(".xlsx") & rejects["column"].notna()]
    assert len(rejects) > 10
    for rec in rejects.itertuples():
        rows = CalamineWorkbook.from_path(sample_dirs.raw / rec.source_file).get_sheet_by_name(rec.sheet).to_python()
        letters = [column_letter(c + 1) for c in range(len(rows[rec.row - 1]))]
        value = rows[rec.row - 1][letters.index(rec.column)]
        assert (value in ("", None)) == (rec.reason_code == "missing_required"), rec
