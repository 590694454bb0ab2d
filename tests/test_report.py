"""The review PDF (vhcs_analysis.report): contract name, numbers equal to the library's,
embedded fonts, byte-identical rebuilds, the sample mark on every page (and only for
sample data), page numbers, scorecards, and readable errors.

The end-to-end build on the sample (clean → notebooks → Typst) runs once per test
session and is shared between xdist workers through a locked folder (marker ``e2e``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from vhcs_analysis import fmt
from vhcs_analysis.config import Paths, SAMPLE_MARK, SAMPLE_MARKER_FILE
from vhcs_analysis.settings import load, package_defaults
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.report import context as ctx
from vhcs_analysis.report import readings
from vhcs_analysis.report.build import SCORECARDS_NAME, compile_typst, pdf_timestamp, report_name
from helpers_core import build_lock

pypdf = pytest.importorskip("pypdf", reason="pypdf (dev extra) reads the PDF's text and fonts")


# ----------------------------------------------------------------------------- helpers


def _page_texts(pdf: Path) -> list[str]:
    """Text per page, whitespace (incl. no-break spaces) folded to single spaces."""
    reader = pypdf.PdfReader(str(pdf))
    return [" ".join((page.extract_text() or "").replace("\u00a0", " ").split()) for page in reader.pages]



def _shared_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "report-e2e"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> SimpleNamespace:
    """The sample (seed 0) built end to end with ``build_report``: raw → processed → notebooks → PDFs."""
    from vhcs_analysis.stages import build_report
    from vhcs_analysis.sample import write_sample

    root = _shared_dir(tmp_path_factory)
    paths = Paths(raw=root / "raw", processed=root / "out" / "processed", reports=root / "out")
    with build_lock(root):
        if not (root / "done").is_file():
            for child in ("raw", "truth", "out"):
                shutil.rmtree(root / child, ignore_errors=True)
            write_sample(paths.raw, seed=0, truth_out=root / "truth")
            build_report(paths)
            (root / "done").write_text("ok")
    pdf = paths.reports / report_name(package_defaults())
    return SimpleNamespace(root=root, paths=paths, pdf=pdf, pages=_page_texts(pdf))


# ----------------------------------------------------------------------------- unit tests


def test_effect_rows__formats_both_methods_infinite_ends_and_the_verdict():
    rows = readings.effect_rows(pd.DataFrame([{
        "indicator": "oc_index", "indicator_vi": "Chỉ số", "direction": "higher_better", "did_estimate": 1.0,
        "did_ci_low": -2.0, "did_ci_high": float("inf"), "did_p": 0.4, "adj_estimate": 0.5, "adj_ci_low": -1.5,
        "adj_ci_high": 3.0, "adj_p": 0.5, "p_holm": 1.0, "n_pilot": 7, "n_rest": 59, "mde": 6.0,
        "verdict": "no_evidence", "reason_vi": "khoảng tin cậy chứa 0"}]))
    assert rows[0]["did_ci"] == readings.UNBOUNDED_VI and "∞" not in rows[0]["did_full"]
    assert rows[0]["adj_ci"] == "-1,5 đến +3,0"
    assert rows[0]["verdict"] == "Chưa thấy khác biệt rõ" and rows[0]["n"] == "7/59"


def test_goal_rows__no_level_beside_zero_units_and_the_reading_says_why():
    # issue 21: seed 1's Bảng 2 printed "– 83,3% – 0 không đủ số liệu", a level beside 0 units
    table = pd.DataFrame([
        {"indicator": "good_rating_rate", "indicator_vi": "Tỷ lệ CBCCVC hoàn thành tốt nhiệm vụ trở lên",
         "goal": None, "task_group": 2, "baseline_mean": None, "post_mean": 83.34, "change": None,
         "ci_low": None, "ci_high": None, "n_units": 0, "assessment_vi": "không đủ số liệu"},
        {"indicator": "violations_per_100", "indicator_vi": "CBCCVC vi phạm", "goal": 2, "task_group": None,
         "baseline_mean": 1.31, "post_mean": 0.57, "change": -0.738, "ci_low": -1.479, "ci_high": 0.003,
         "n_units": 58, "assessment_vi": "chưa thấy thay đổi rõ"}])
    empty, full = readings.goal_rows(table)
    assert (empty["baseline"], empty["post"], empty["change"]) == (fmt.MISSING,) * 3
    assert empty["n"] == "0"
    assert empty["reading"] == "không đủ số liệu"  # the plain reading other code filters on
    assert empty["reading_cell"] == readings.NO_BOTH_PERIODS_VI and "cả hai kỳ" in empty["reading_cell"]
    assert full["post"] != fmt.MISSING and full["reading_cell"] == full["reading"] == "chưa thấy thay đổi rõ"


def test_captions__tables_and_charts_say_their_own_basis():
    # issue 21: Hình 3 said "tính trên tổng số hồ sơ" while it plots the units' own rates, and
    # Hình 6 plotted every unit of each period beside tables on the units with both periods
    from pathlib import Path as _Path

    from vhcs_analysis.report import word

    caps = readings.CAPTIONS_VI
    assert "không phải tỷ lệ của báo cáo" in caps["on_time_table"]
    for name in ("study_rate_trend", "on_time_rate_trend", "trends"):
        assert "mọi đơn vị có báo cáo trong từng kỳ" in caps[name]
    assert "tổng số hồ sơ" not in caps["on_time_rate_trend"]
    template = (_Path(ctx.__file__).parent / "template.typ").read_text(encoding="utf-8")
    for name in ("study_rate_trend", "on_time_rate_trend", "trends"):
        assert f'#fig("{name}", L.captions.{name})' in template
    assert "caption: L.captions.on_time_table" in template
    assert '"reading_cell")' in template
    source = _Path(word.__file__).read_text(encoding="utf-8")
    assert "tổng số hồ sơ" not in source and source.count("CAPTIONS_VI[") >= 4


def test_answer_vi__no_claim_when_every_outcome_lacks_evidence():
    from vhcs_analysis.verdicts import answer_vi

    table = pd.DataFrame([{"indicator": "oc_index", "indicator_vi": "Chỉ số", "verdict": "no_evidence",
                           "reason_vi": "", "did_estimate": 1.0, "mde": 5.0, "n_pilot": 7}])
    answer = answer_vi(table, "2016-H2", "2018-H2")
    assert "chưa thấy khác biệt" in answer and "rõ hơn" not in answer


def test_pdf_timestamp__is_the_report_date_not_now():
    stamp = pdf_timestamp(dt.date(2019, 1, 15))
    assert (stamp.year, stamp.month, stamp.day, stamp.hour) == (2019, 1, 15, 0)
    assert stamp.utcoffset() == dt.timedelta(hours=7)


def test_compile_typst__a_warning_is_an_error(tmp_path):
    main = tmp_path / "main.typ"
    main.write_text('#set text(font: "Phông Không Có")\nXin chào', encoding="utf-8")
    with pytest.raises(VhcsError, match="cảnh báo"):
        compile_typst(main, tmp_path / "out.pdf", timestamp=pdf_timestamp(dt.date(2019, 1, 15)))
    assert not (tmp_path / "out.pdf").exists()


def test_compile_typst__a_syntax_error_names_the_source(tmp_path):
    main = tmp_path / "hong.typ"
    main.write_text("#let x = (", encoding="utf-8")
    with pytest.raises(VhcsError, match="hong.typ"):
        compile_typst(main, tmp_path / "out.pdf", timestamp=pdf_timestamp(dt.date(2019, 1, 15)))


def test_build_context__missing_notebook_outputs_is_a_readable_error(tmp_path):
    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")
    with pytest.raises(VhcsError, match="key_numbers.json"):
        ctx.build_context(paths, package_defaults())


# ----------------------------------------------------------------------------- end to end


@pytest.mark.e2e
def test_build_report__writes_the_contract_file(built):
    assert built.pdf == built.paths.reports / "bao-cao-so-ket-nq01.pdf"
    assert built.pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.e2e
def test_pdf__one_page_summary_follows_the_cover(built):
    assert "BÁO CÁO" in built.pages[0] and "SƠ KẾT 2 NĂM THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK" in built.pages[0]
    assert "TÓM TẮT CHO LÃNH ĐẠO" in built.pages[1] and "Cách đọc kết luận" in built.pages[1]
    summary = " ".join(built.pages[1:5])  # the answers, the grades, the pilots and the proposals: at most 4 pages
    assert "PAR INDEX" in summary and "SIPAS" in summary and "PCI" in summary


@pytest.mark.e2e
def test_pdf__summary_verdicts_equal_the_verdict_table(built):
    from vhcs_analysis import review
    from vhcs_analysis.verdicts import VERDICT_VI

    data = review.load(package_defaults(), built.paths)
    table = review.pilot_effects(data)
    written = pd.read_csv(built.paths.tables / "pilot_effects.csv")
    assert written["verdict"].tolist() == table["verdict"].tolist()
    summary = " ".join(built.pages[1:3])
    for verdict, count in table["verdict"].value_counts().items():
        assert summary.count(VERDICT_VI[verdict]) >= count, verdict


@pytest.mark.e2e
def test_pdf__rejected_row_count_equals_the_processed_rejects(built):
    n_rejects = len(pd.read_parquet(built.paths.processed / "rejects.parquet"))
    assert n_rejects > 0  # the sample plants bad rows
    assert f"loại {fmt.number(n_rejects)} (" in " ".join(built.pages[1:4])


@pytest.mark.e2e
def test_pdf__every_font_is_embedded(built):
    reader = pypdf.PdfReader(str(built.pdf))
    seen = 0
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
            seen += 1
    assert seen > 0


@pytest.mark.e2e
def test_pdf__sample_mark_on_every_page_number_top_centre_from_page_two(built):
    for number, text in enumerate(built.pages, start=1):
        assert SAMPLE_MARK in text, f"trang {number}"
        top = text.removeprefix("DỮ LIỆU MẪU ")  # the watermark is drawn first
        if number > 1:  # HD 36: the number at the top, none on the first page
            assert top.startswith(f"{number} "), f"trang {number}"
    assert not built.pages[0].removeprefix("DỮ LIỆU MẪU ").startswith("1 ")


@pytest.mark.e2e
def test_render__rebuild_from_same_inputs_is_byte_identical(built, tmp_path):
    from vhcs_analysis.report.build import render_report

    again = render_report(built.paths, out_dir=tmp_path)
    assert again.read_bytes() == built.pdf.read_bytes()


@pytest.mark.e2e
def test_render__no_sample_mark_when_raw_folder_has_no_marker(built, tmp_path):
    """The mark follows the manifest: the same raw files without DU_LIEU_MAU.txt, cleaned
    again, render without it (the notebooks' tables and figures are reused to stay fast)."""
    from vhcs_analysis.pipeline import clean_folder
    from vhcs_analysis.report.build import render_report

    raw = tmp_path / "raw"
    shutil.copytree(built.paths.raw, raw, ignore=shutil.ignore_patterns(SAMPLE_MARKER_FILE))
    paths = Paths(raw=raw, processed=tmp_path / "processed", reports=tmp_path / "reports")
    clean_folder(paths.raw, paths.processed, settings=load())
    shutil.copytree(built.paths.tables, paths.tables)
    shutil.copytree(built.paths.figures, paths.figures)
    pdf = render_report(paths)
    pages = _page_texts(pdf)
    assert pages and all(SAMPLE_MARK not in text and "DỮ LIỆU MẪU" not in text for text in pages)
    # the Word draft beside it, body and page headers
    import docx

    from vhcs_analysis.report.word import docx_name

    draft = docx.Document(str(pdf.with_name(docx_name(pdf.name))))
    texts = [p.text for p in draft.paragraphs] + [p.text for s in draft.sections for p in s.header.paragraphs]
    texts += [c.text for t in draft.tables for row in t.rows for c in row.cells]
    assert not any("DỮ LIỆU MẪU" in t for t in texts)


@pytest.mark.e2e
def test_scorecards__one_page_per_unit_named_and_marked(built):
    units = pd.read_parquet(built.paths.processed / "units.parquet").sort_values("unit_id")
    reader = pypdf.PdfReader(str(built.paths.reports / SCORECARDS_NAME))
    assert len(reader.pages) == len(units)
    first = " ".join(reader.pages[0].extract_text().split())
    assert units["unit_name"].iloc[0] in first
    assert SAMPLE_MARK in first


@pytest.mark.e2e
def test_build_report__failing_notebook_is_named_in_the_error(built, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from vhcs_analysis.stages import build_report

    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("raise RuntimeError('hỏng')")]), folder / "01-hong.ipynb")
    paths = Paths(raw=built.paths.raw, processed=tmp_path / "processed", reports=tmp_path / "reports")
    with pytest.raises(VhcsError, match=r"01-hong\.ipynb.*RuntimeError: hỏng"):
        build_report(paths, notebooks=folder)
    assert not (paths.reports / report_name(package_defaults())).exists()


def _printed(text: str) -> float:
    """A printed level or change back to a number ("84,4", "85,7%", "+23,3")."""
    return float(text.rstrip("%").replace(".", "").replace(",", "."))


def test_criteria_not_applicable__the_desk_criterion_of_a_unit_whose_reports_leave_dossiers_blank():
    from vhcs_analysis.report.scorecards import criteria_not_applicable

    reports = pd.DataFrame({"unit_id": ["U1", "U1", "U2", "U2", "U3"],
                            "dossiers_received": [None, None, None, 40, None],
                            "dossiers_on_time": [None, None, None, 38, None],
                            "dossiers_late": [None, None, None, 2, 1]})
    # U1: blank everywhere; U2: one period with dossiers; U3: one field filled; U4 sent nothing
    assert criteria_not_applicable(reports) == {"U1": {"c10"}}
    assert criteria_not_applicable(reports.drop(columns=["dossiers_received", "dossiers_on_time",
                                                         "dossiers_late"])) == {}
    assert criteria_not_applicable(pd.DataFrame()) == {}


@pytest.mark.e2e
def test_scorecards__cards_agree_with_the_report(built):
    """Every pilot's card prints the report's index levels and reading; every change is the
    difference of the two printed levels; "Cần khắc phục" lists only criteria below the bloc."""
    from vhcs_analysis import indicator_registry
    from vhcs_analysis.report.scorecards import scorecard_context

    settings = package_defaults()
    report = ctx.build_context(built.paths, settings)
    cards = scorecard_context(built.paths, settings, report)["units"]
    main = str(settings.report.main_indicator)
    main_label = indicator_registry.indicator(main).label_vi
    pilot_rows = {r["unit_id"]: r for r in report["leaders"]["pilot_units"]}
    assert pilot_rows and {c["unit_id"] for c in cards if c["pilot"]} == set(pilot_rows)
    for card in cards:
        for row in card["rows"]:
            if fmt.MISSING not in (row["baseline"], row["post"]):
                assert _printed(row["change"]) == pytest.approx(_printed(row["post"]) - _printed(row["baseline"]),
                                                                abs=1e-9), (card["unit_id"], row)
        for w in card["weakest"]:
            assert _printed(w["score"]) < _printed(w["all"]), (card["unit_id"], w)
        # criteria by their number; the one-stop desk never judged in a unit without one
        assert all(w["criterion"].isdigit() for w in card["weakest"] + card["strongest"]), card["unit_id"]
        if card["not_applicable"]:
            assert "10" not in {w["criterion"] for w in card["weakest"] + card["strongest"]}, card["unit_id"]
            row = next(r for r in card["rows"] if r["label"] == indicator_registry.indicator("on_time_rate").label_vi)
            assert row["post"] == fmt.MISSING, card["unit_id"]  # the card's dossier row says "–" too
        if card["pilot"]:
            said = pilot_rows[card["unit_id"]]
            row = next(r for r in card["rows"] if r["label"] == main_label)
            assert f"{row['baseline']} → {row['post']} ({row['change']})" == said["levels"], card["unit_id"]
            assert said["reading"] in card["pilot_reading"] and said["levels"] in card["pilot_reading"]


def test_pdf__dossier_table_and_trend_charts_say_their_basis(built):
    # issue 21: Bảng 3's counts are not the report's rate; the charts over periods are every
    # unit of each period, not the tables' units with both periods
    text = " ".join(built.pages)
    assert "số hồ sơ (không phải tỷ lệ của báo cáo)" in text
    assert "tính trên tổng số hồ sơ" not in text
    assert text.count("mọi đơn vị có báo cáo trong từng kỳ") >= 3
