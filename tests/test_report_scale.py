"""A report for a bloc of any size (issue 27): per-unit lists summarised above the
threshold (the full lists in the workbook), scorecards split into files with an index."""

from __future__ import annotations

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from vhcs_analysis.config import Paths
from vhcs_analysis.labels import TABLES_INDEX_SHEET_VI, table_sheet_quoted, table_sheet_vi
from vhcs_analysis.report import soket
from vhcs_analysis.report.build import list_sheets, render_tables_workbook, typst_data
from vhcs_analysis.report.context import PILOT_UNITS_SHEET, WORKBOOK_NAME, summarise_lists
from vhcs_analysis.report.scorecards import (
    NO_DATA_VI, report_readings, scorecard_files, scorecard_index, split_mode, write_scorecard_index_xlsx,
)

BLOCKS = ("Khối A", "Khối B", "Khối C")


def _context(n: int) -> dict:
    """A context with ``n`` late units (unit k misses k % 3 periods), ``n // 7`` pilots,
    ``n // 2`` ranking moves and ``n // 5`` good practices, spread over three blocks."""
    late = [{"unit": f"Đơn vị {k:04d}", "block": BLOCKS[k % 3], "late": "", "undated": "", "missing": "",
             "n_late": 1, "n_undated": 0, "n_missing": k % 3} for k in range(n)]
    pilots = [{"unit": f"Đơn vị {k:04d}", "unit_id": f"U{k:04d}", "block": BLOCKS[k % 3], "levels": "1 → 2 (+1)",
               "rest": "1 → 1 (0)", "difference": "+1", "reading": "hơn mức chung của khối", "n_rest": "9"}
              for k in range(0, n, 7)]
    moves = [{"unit": f"Đơn vị {k:04d}", "block": BLOCKS[k % 3],
              "status": "cần xem xét" if k % 4 else "đề xuất"} for k in range(0, n, 2)]
    good = [{"unit": f"Đơn vị {k:04d}", "block": BLOCKS[k % 3], "evidence_value": 1 / (k + 1)}
            for k in range(0, n, 5)]
    return {"data_quality": {"late_units": late}, "leaders": {"pilot_units": pilots},
            "ranking": {"moves": moves, "good_practices": good}}


def test_summarise_lists__below_the_threshold_nothing_changes():
    ctx = _context(66)
    before = {k: list(v) for k, v in ctx["data_quality"].items()}
    assert summarise_lists(ctx, 66, threshold=100, top=20) == {}
    assert ctx["data_quality"] == before


def test_summarise_lists__above_the_threshold_lists_are_cut_counted_by_block_and_pointed_to_the_workbook():
    ctx = _context(700)
    lists = summarise_lists(ctx, 700, threshold=100, top=20)
    assert set(lists) == {"late_units", "pilot_units", "moves", "good_practices"}
    late = lists["late_units"]
    assert late["total"] == 700 and late["shown"] == 20 and len(ctx["data_quality"]["late_units"]) == 20
    assert sum(int(b["n"]) for b in late["by_block"]) == 700
    assert [b["block"] for b in late["by_block"]] == list(BLOCKS)
    assert f"tệp {WORKBOOK_NAME}, trang tính {table_sheet_quoted('completeness_units')}" in late["note"]
    assert "trang tính “Đơn vị nộp muộn hoặc thiếu”" in late["note"]  # the sheet's Vietnamese name
    assert "Có 700 đơn vị" in late["note"] and "Khối A 234" in late["note"]
    # the rule: most periods missing first (k % 3 == 2), ties in the list's order
    assert all(r["n_missing"] == 2 for r in ctx["data_quality"]["late_units"])
    assert ctx["data_quality"]["late_units"][0]["unit"] == "Đơn vị 0002"
    assert len(late["full"]) == 700
    # ranking moves: proposed first; good practices: strongest evidence first
    assert all(r["status"] == "đề xuất" for r in ctx["ranking"]["moves"])
    evidence = [r["evidence_value"] for r in ctx["ranking"]["good_practices"]]
    assert evidence == sorted(evidence)
    assert lists["pilot_units"]["sheet"] == PILOT_UNITS_SHEET


def test_summarise_lists__a_short_list_of_a_large_bloc_stays_whole():
    ctx = _context(700)
    ctx["ranking"]["good_practices"] = ctx["ranking"]["good_practices"][:3]
    lists = summarise_lists(ctx, 700, threshold=100, top=20)
    assert "good_practices" not in lists and len(ctx["ranking"]["good_practices"]) == 3


def test_typst_data_drops_the_full_lists_and_the_workbook_gets_the_pilots_sheet(tmp_path):
    ctx = _context(700)
    ctx["lists"] = summarise_lists(ctx, 700, threshold=100, top=20)
    data = typst_data(ctx)
    assert all("full" not in entry for entry in data["lists"].values())
    assert "full" in ctx["lists"]["late_units"]  # the context itself keeps them
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"unit_id": ["U1"], "status": ["late"]}).to_csv(tables / "completeness_units.csv", index=False)
    target = render_tables_workbook(Paths(raw=tmp_path, processed=tmp_path, reports=tmp_path), ctx)
    assert target.name == WORKBOOK_NAME
    book = CalamineWorkbook.from_path(str(target))
    pilots = table_sheet_vi(PILOT_UNITS_SHEET)
    assert book.sheet_names == [TABLES_INDEX_SHEET_VI, pilots, table_sheet_vi("completeness_units")]
    assert pilots == "Danh sách đơn vị điểm"
    rows = book.get_sheet_by_name(pilots).to_python()
    assert len(rows) == 1 + len(range(0, 700, 7))  # header + every pilot, not the 20 shown
    assert list_sheets({"lists": {}}) == {}


def test_soket_counts_come_from_the_full_lists():
    ctx = _context(700)
    ctx["lists"] = summarise_lists(ctx, 700, threshold=100, top=20)
    f = soket.facts(ctx)
    assert len(f["data_quality"]["late_units"]) == 20
    assert any("700 đơn vị nộp muộn" in p for p in soket.tasks_points(f))
    late = next(s for s in soket.limitations(f) if "không nộp ít nhất một kỳ" in s)
    assert late.startswith("700 đơn vị") and f"trang tính {table_sheet_quoted('completeness_units')}" in late
    assert soket.pilots_named(f) == ctx["lists"]["pilot_units"]["note"]
    ahead = next(s for s in soket.strengths(f) if "hơn mức chung" in s)
    assert f"và {len(range(0, 700, 7)) - 12} đơn vị khác" in ahead


def _cards(n: int) -> list[dict]:
    return [{"unit_id": f"U{k:04d}", "name": f"Đơn vị {k}", "block": BLOCKS[k % 3]} for k in range(n)]


@pytest.mark.parametrize(("setting", "n", "mode"), [("auto", 66, "single"), ("auto", 101, "block"),
                                                    ("unit", 5, "unit"), ("single", 700, "single")])
def test_split_mode(setting, n, mode):
    assert split_mode(setting, n, 100) == mode


def test_scorecard_files__one_per_block_cut_into_parts_and_the_index_lists_every_unit_once():
    cards = _cards(700)
    files = scorecard_files(cards, "block", per_file=150)
    names = [name for name, _ in files]
    assert names == ["khoi-khoi-a-phan-1.pdf", "khoi-khoi-a-phan-2.pdf", "khoi-khoi-b-phan-1.pdf",
                     "khoi-khoi-b-phan-2.pdf", "khoi-khoi-c-phan-1.pdf", "khoi-khoi-c-phan-2.pdf"]
    assert all(len(part) <= 150 for _, part in files)
    assert all(len({c["block"] for c in part}) == 1 for _, part in files)
    index = scorecard_index(files)
    assert len(index) == 700 and index["unit_id"].is_unique
    first = index[index["unit_id"] == "U0003"].iloc[0]
    assert (first["file"], first["page"]) == ("phieu/khoi-khoi-a-phan-1.pdf", 2)
    small = scorecard_files(_cards(9), "block")
    assert [n for n, _ in small] == ["khoi-khoi-a.pdf", "khoi-khoi-b.pdf", "khoi-khoi-c.pdf"]
    per_unit = scorecard_files(_cards(4), "unit")
    assert [n for n, _ in per_unit] == ["u0000.pdf", "u0001.pdf", "u0002.pdf", "u0003.pdf"]


def test_write_scorecard_index_xlsx__vietnamese_headers_every_unit_same_bytes(tmp_path):
    index = scorecard_index(scorecard_files(_cards(320), "block", per_file=150))
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_scorecard_index_xlsx(index, first)
    write_scorecard_index_xlsx(index, second)
    assert first.read_bytes() == second.read_bytes()
    book = CalamineWorkbook.from_path(str(first))
    assert book.sheet_names == ["Danh mục phiếu"]
    rows = book.get_sheet_by_name("Danh mục phiếu").to_python()
    assert rows[0] == ["Mã đơn vị", "Tên đơn vị", "Khối", "Tệp phiếu", "Trang"]
    assert len(rows) == 321 and rows[1][3] == index["file"].iloc[0] and rows[1][4] == 1


def test_report_readings__the_card_follows_the_report():
    report = {"goals": [{"indicator": "satisfaction_rate", "reading": NO_DATA_VI},
                        {"indicator": "study_rate", "reading": "tiến bộ"}],
              "leaders": {"outcomes": [{"indicator": "oc_index", "pilot_levels": "70,1 → 74,3"},
                                       {"indicator": "study_rate", "pilot_levels": "–"}]}}
    said = report_readings(report)
    assert said["satisfaction_rate"]["reading"] == NO_DATA_VI
    assert said["oc_index"]["pilots_post"] == "74,3"
    assert "pilots_post" not in said["study_rate"]
    assert report_readings(None) == {}
    assert not said["satisfaction_rate"]["no_baseline"]
    # an indicator first collected after the baseline: the report prints its final level, so may the card
    report["goals"][0]["no_baseline"] = True
    assert report_readings(report)["satisfaction_rate"]["no_baseline"]


def test_position__says_what_is_compared_on_printed_levels():
    from vhcs_analysis.report.scorecards import POSITION_EQUAL_VI, _position

    assert _position(79.96, 79.0, True) == ("mức kỳ cuối cao hơn BQ khối", False)
    assert _position(3.0, 2.0, False) == ("mức kỳ cuối cao hơn BQ khối", True)
    assert _position(70.04, 69.96, True) == (POSITION_EQUAL_VI, False)  # both print 70,0
    assert _position(float("nan"), 1.0, True) == ("", False)


def test_below_all__only_strictly_below_the_printed_bloc_mean():
    from vhcs_analysis.report.scorecards import _below_all

    assert not _below_all(7.4, 7.3)  # the criterion above the bloc must not be listed
    assert not _below_all(7.26, 7.34)  # both print 7,3: a tie
    assert _below_all(7.2, 7.3)
    assert not _below_all(7.2, float("nan"))


def test_pilot_reading__repeats_the_reports_words():
    from vhcs_analysis.report.scorecards import pilot_reading, report_pilot_rows

    report = {"leaders": {"pilot_units_indicator": "Chỉ số văn hóa công sở", "pilot_units": [
        {"unit_id": "U01", "levels": "61,1 → 84,4 (+23,3)", "rest": "70,0 → 73,0 (+3,0)",
         "reading": "cao hơn khối 20,3 điểm"}]}}
    text = pilot_reading(report_pilot_rows(report)["U01"])
    assert "61,1 → 84,4 (+23,3)" in text and "cao hơn khối 20,3 điểm" in text and "chỉ số văn hóa" in text
    assert pilot_reading(None) == "" and report_pilot_rows(None) == {}


def test_annex_lists__every_row_of_each_summarised_list_with_the_printed_columns():
    ctx = _context(700)
    ctx["lists"] = summarise_lists(ctx, 700, threshold=100, top=20)
    data = typst_data(ctx)
    tables = {t["title"]: t for t in data["annex_lists"]}
    # the four lists, in UNIT_LISTS order, each whole (not the 20 rows the PDF shows)
    assert [t["title"] for t in data["annex_lists"]] == [
        "Đơn vị nộp muộn hoặc không nộp báo cáo", "Từng đơn vị làm điểm so với các đơn vị cùng khối",
        "Đơn vị đề xuất đổi mức hoặc cần xem xét", "Cách làm hay đề nghị nhân rộng"]
    late = tables["Đơn vị nộp muộn hoặc không nộp báo cáo"]
    assert len(late["rows"]) == 700 and [r["unit"] for r in late["rows"][:2]] == ["Đơn vị 0000", "Đơn vị 0001"]
    assert late["keys"] == ["unit", "block", "late", "undated", "missing"]
    assert all(set(r) == set(late["keys"]) and all(isinstance(v, str) for v in r.values()) for r in late["rows"])
    assert len(late["header"]) == len(late["keys"]) == len(late["widths"])
    assert late["note"].startswith("700 đơn vị")
    assert f"trang tính {table_sheet_quoted('completeness_units')}" in late["note"]
    assert len(tables["Cách làm hay đề nghị nhân rộng"]["rows"]) == len(range(0, 700, 5))
    # the PDF's note points to the annex's section too
    assert "phụ lục kỹ thuật (phu-luc-ky-thuat.pdf)" in ctx["lists"]["late_units"]["note"]
    assert data["annex_lists_section"] in ctx["lists"]["late_units"]["note"]
    # a small bloc: no annex lists at all
    small = _context(66)
    small["lists"] = summarise_lists(small, 66, threshold=100, top=20)
    assert "annex_lists" not in typst_data(small)
