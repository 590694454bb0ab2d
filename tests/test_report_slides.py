"""The conference deck (report/slides.py) read back with python-pptx: ten slides at 16:9,
text of at least 20 pt, the answer slide's numbers those of the context, speaker notes
on every slide, the sample mark only for sample data, one line instead of an empty chart,
byte-identical rebuilds, the shipped template is what its script makes; and, rendered by
LibreOffice, no text outside its box.

Unit tests use a small hand-made context; the end-to-end ones (marker ``e2e``) reuse the
sample build shared with tests/test_report.py.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pptx = pytest.importorskip("pptx")

from pptx.util import Pt  # noqa: E402

from vhcs_analysis.config import SAMPLE_MARK  # noqa: E402
from vhcs_analysis.settings import Settings, package_defaults  # noqa: E402
from vhcs_analysis.errors import VhcsError  # noqa: E402
from vhcs_analysis.report import slides  # noqa: E402
from vhcs_analysis.report.build import report_name  # noqa: E402
from vhcs_analysis.verdicts import VERDICT_VI  # noqa: E402


NUMBER = re.compile(r"[+\-−]?\d(?:[\d.,/]*\d)?")  # 1.234,5 · +4,6 · 1/3


def _outcome(code: str, label: str, did: str, unit: str, indicator: str = "") -> dict:
    return {"indicator": indicator or label, "label": label, "unit": unit, "did": did, "did_ci": "-1,0 đến +8,0",
            "adj_full": "+3,9 (+0,4 đến +7,5)", "p_holm": "0,031", "n": "7/58", "mde": "5,1", "code": code,
            "verdict": "", "reason": "cả hai cách cùng chiều"}


def _context(is_sample: bool = True, figures: dict | None = None) -> dict:
    """The keys of build_context the deck reads, values already formatted."""
    outcomes = [_outcome("better", "Chỉ số văn hóa công sở tổng hợp", "+4,6", "điểm"),
                _outcome("no_evidence", "Tỷ lệ CBCCVC đã học tập, quán triệt Nghị quyết 01", "-1,2", "điểm %"),
                _outcome("no_evidence", "Phản ánh về thái độ, tác phong trên 100 CBCCVC", "+0,3", "lượt/100 CB",
                         "complaints_per_100")]
    goal = lambda g, t, label, reading: {"goal": g, "task_group": t, "label": label, "baseline": "66,7",  # noqa: E731
                                         "post": "76,3", "change": "+9,7", "ci": "+8,5 đến +10,8", "n": "65",
                                         "reading": reading, "unit": "điểm"}
    return {
        "is_sample": is_sample, "sample_mark": SAMPLE_MARK,
        "review": {"noun": "sơ kết", "title_upper": "SƠ KẾT 2 NĂM"},
        "cover": {"place_date": "Hà Tĩnh, ngày 31 tháng 01 năm 2019", "date": "31/01/2019"},
        "scope": {"n_units": "66", "n_pilot": "7", "n_rest": "59", "n_blocks": "7", "n_periods": "5",
                  "baseline": "6 tháng cuối năm 2016", "post": "6 tháng cuối năm 2018"},
        "main_indicator": "oc_index",
        "pilots": {"answer_short": "Đơn vị điểm chuyển biến rõ hơn ở 1/3 chỉ tiêu.", "outcomes": outcomes,
                   "rows": outcomes},
        "comparisons": {"per_block_label": "Chỉ số văn hóa công sở tổng hợp", "per_block": [
            {"block": f"Khối {k}", "pilot": "+8,0", "rest": "+5,0", "diff": d, "n": "8"}
            for k, d in zip("ABCDEFGH", ["+3,0", "-1,5", "+0,5", "+2,0", "-0,4", "+1,1", "+0,2", "-2,0"])]},
        "goals": [goal(1, 0, "Điểm kiểm tra, giám sát văn hóa công sở", "tiến bộ"),
                  goal(2, 0, "CBCCVC vi phạm kỷ luật, kỷ cương trên 100 CBCCVC", "chưa thấy thay đổi rõ"),
                  goal(0, 1, "Tỷ lệ CBCCVC đã học tập, quán triệt Nghị quyết 01", "tiến bộ")],
        "inspections": {"n_rounds": "5", "n_inspections": "201", "mean_total": "72,0", "weakest": "Giao tiếp",
                        "weakest_scores": "bình quân chung 7,15/10; đơn vị điểm 7,40/10, các đơn vị còn lại "
                                          "7,10/10", "rating_order": ["Tốt", "Khá"],
                        "ratings": [{"round": "Đợt 1/2017", "cells": ["3", "9"]}],
                        "criteria": [{"criterion": f"c0{i}", "label": name, "pilot": "7,4", "rest": f"7,{i}",
                                      "n": "201"} for i, name in enumerate(["Trang phục", "Giao tiếp", "Thẻ"])]},
        "ranking": {"year": "2018", "n_up": "2", "n_down": "1", "n_same": "60", "n_review": "3", "rules": "Quy tắc.",
                    "moves": [], "good_practices": []},
        "data_quality": {"reports": "330 báo cáo.", "late_units": [
            {"unit": f"Sở {i}", "block": "Khối A", "late": "6T đầu 2017", "undated": "", "missing": ""}
            for i in range(12)]},
        "figures": figures or {},
    }


def _figure_png(folder: Path, name: str) -> Path:
    from matplotlib.figure import Figure

    from vhcs_analysis.plots import save_figure

    fig = Figure(figsize=(6.3, 3.5))
    fig.add_subplot().plot([0, 1], [1, 0])
    return save_figure(fig, folder / f"{name}.png", dpi=100)


def _deck(tmp_path: Path, **kwargs) -> tuple[Path, list]:
    target = tmp_path / "bao-cao-so-ket-nq01.pptx"
    shown = slides.render_pptx(_context(**kwargs), tmp_path, target)
    return target, shown


def _texts(slide) -> list[str]:
    """Every text on the slide: text frames and table cells."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return out


def _runs(slide):
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else []
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        for frame in frames:
            for paragraph in frame.paragraphs:
                yield from (run for run in paragraph.runs if run.text.strip())


# ----------------------------------------------------------------------------- unit


def test_pptx_name__is_the_pdf_name_with_the_suffix_swapped():
    assert slides.pptx_name("bao-cao-tong-ket-nq01.pdf") == "bao-cao-tong-ket-nq01.pptx"


def test_template__shipped_file_is_exactly_what_the_script_makes(tmp_path):
    assert slides.make_template(tmp_path / "mau.pptx").read_bytes() == slides.TEMPLATE_PATH.read_bytes()


def test_template_path__office_copy_or_the_shipped_one():
    report = package_defaults().report
    assert slides.template_path(report) == slides.TEMPLATE_PATH
    with pytest.raises(VhcsError, match="pptx_template"):
        slides.template_path(Settings.from_values({"report": {"pptx_template": "khong-co.pptx"}}).report)


def test_deck__ten_slides_at_16_9_with_notes_on_each(tmp_path):
    path, shown = _deck(tmp_path)
    deck = pptx.Presentation(str(path))
    assert len(deck.slides) == len(shown) == 10
    assert (deck.slide_width, deck.slide_height) == slides.WIDE
    assert deck.slide_width * 9 == deck.slide_height * 16
    for slide in deck.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_deck__every_text_at_least_20_points(tmp_path):
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    sizes = [run.font.size for slide in deck.slides for run in _runs(slide)]
    assert sizes and all(size is not None and size >= Pt(slides.TEXT_PT) for size in sizes)


def test_deck__sample_mark_on_every_slide_only_for_sample_data(tmp_path):
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    assert all(SAMPLE_MARK in _texts(slide) for slide in deck.slides)
    real = pptx.Presentation(str(_deck(tmp_path, is_sample=False)[0]))
    assert not any(SAMPLE_MARK in " ".join(_texts(slide)) for slide in real.slides)


def test_answer_slide__numbers_and_grades_are_the_contexts(tmp_path):
    context = _context()
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    answer = deck.slides[1]
    text = " ".join(_texts(answer)).replace(SAMPLE_MARK, "")
    outcomes = context["pilots"]["outcomes"]
    better = sum(o["code"] == "better" for o in outcomes)
    allowed = {o["did"] for o in outcomes} | {str(better), str(len(outcomes))}  # the changes; the count
    allowed |= {n for o in outcomes for n in NUMBER.findall(o["label"] + " " + o["unit"])}  # "Nghị quyết 01"
    found = NUMBER.findall(text)
    assert found
    assert set(found) <= allowed
    assert answer.shapes.title.text_frame.text.startswith("Đơn vị điểm chuyển biến rõ hơn")
    assert "1 trong 3 chỉ tiêu" in answer.shapes.title.text_frame.text  # a count in words, not like a date
    # a lower-is-better indicator carries its mark in its row label; the others none
    assert "Phản ánh về thái độ, tác phong trên 100 CBCCVC ↓ (thấp hơn là tốt hơn)" in text
    assert text.count("↓ (thấp hơn là tốt hơn)") == 1
    for outcome in outcomes:
        assert VERDICT_VI[outcome["code"]] in text
        assert outcome["did"] in text
    notes = answer.notes_slide.notes_text_frame.text
    assert "không bốc thăm" in notes and "-1,0 đến +8,0" in notes


def test_tables__at_most_seven_rows_and_longer_ones_point_to_the_report(tmp_path):
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert tables and all(len(t.rows) - 1 <= slides.MAX_ROWS == 7 for t in tables)
    late = deck.slides[7]  # 12 units reported late
    assert any("xem báo cáo" in t for t in _texts(late))
    assert "12 đơn vị" in late.shapes.title.text_frame.text


def test_missing_figure__one_line_instead_of_an_empty_chart(tmp_path):
    path, shown = _deck(tmp_path)
    deck = pptx.Presentation(str(path))
    inspections = deck.slides[5]
    assert not [s for s in inspections.shapes if s.shape_type == 13]  # no picture
    assert any(t.startswith(slides.NO_DATA) for t in _texts(inspections))
    assert slides.figure_slides(shown) == {}


def test_figures__the_packs_png_placed_and_listed_by_slide(tmp_path):
    for name in ("inspection_ratings", "ranking_transition"):
        _figure_png(tmp_path, name)
    path, shown = _deck(tmp_path, figures={"inspection_ratings": True, "ranking_transition": True})
    deck = pptx.Presentation(str(path))
    assert slides.figure_slides(shown) == {"inspection_ratings": [6], "ranking_transition": [9]}
    pictures = [s for s in deck.slides[5].shapes if s.shape_type == 13]
    assert len(pictures) == 1
    assert pictures[0].image.blob == (tmp_path / "inspection_ratings.png").read_bytes()


def test_deck__rebuilds_byte_for_byte(tmp_path):
    first = _deck(tmp_path)[0].read_bytes()
    second = _deck(tmp_path)[0].read_bytes()
    assert first == second
    import zipfile
    import io

    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "2019-01-31" in archive.read("docProps/core.xml").decode()
        assert not [n for n in archive.namelist() if "thumbnail" in n]


def test_text_lines__wraps_by_measured_width():
    assert slides.text_lines("một hai", 1000, 20) == 1
    assert slides.text_lines("một hai ba bốn năm sáu bảy tám chín mười", 100, 20) > 2
    assert slides.text_lines("a\nb", 1000, 20) == 2


# ----------------------------------------------------------------------------- rendered


def _impress() -> str | None:
    """soffice when it can open a deck (Impress installed), else None."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    probe = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120)
    return soffice if probe.returncode == 0 else None


def overflowing_words(deck_path: Path, work: Path) -> list[tuple[int, str]]:
    """Words that LibreOffice draws outside every text box and table of their slide
    (points; 2 pt of slack), as (slide number, word)."""
    soffice = _impress()
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = f"-env:UserInstallation=file://{work / 'lo-profile'}"
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(deck_path)],
                   check=True, capture_output=True, timeout=300)
    pdf = work / deck_path.with_suffix(".pdf").name
    if not pdf.is_file():
        pytest.skip("LibreOffice cannot open decks here (no Impress)")
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    deck = pptx.Presentation(str(deck_path))
    emu = 12700
    boxes = []
    for slide in deck.slides:
        boxes.append([(s.left / emu, s.top / emu, (s.left + s.width) / emu, (s.top + s.height) / emu)
                      for s in slide.shapes if s.has_text_frame or s.has_table])
    out = []
    pages = html.split("<page ")[1:]
    assert len(pages) == len(boxes)
    for number, (page, rects) in enumerate(zip(pages, boxes), start=1):
        for x0, y0, x1, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
            if not any(x0 >= a - 2 and y0 >= b - 2 and x1 <= c + 2 and y1 <= d + 2 for a, b, c, d in rects):
                out.append((number, word))
    return out


def test_rendered__no_text_outside_its_box(tmp_path):
    path, _ = _deck(tmp_path)
    assert overflowing_words(path, tmp_path) == []


# ----------------------------------------------------------------------------- end to end


@pytest.mark.e2e
def test_e2e__deck_beside_the_pdf_rendered_without_overflow(built, tmp_path):
    deck_path = built.pdf.with_name(slides.pptx_name(report_name(package_defaults())))
    assert deck_path.is_file()
    deck = pptx.Presentation(str(deck_path))
    assert len(deck.slides) == 10
    assert overflowing_words(deck_path, tmp_path) == []


@pytest.mark.e2e
def test_e2e__figure_list_names_the_slide_of_each_figure(built):
    with open(built.paths.figures / "danh-muc-hinh.csv", encoding="utf-8-sig", newline="") as handle:
        listed = {row["file"]: row["slides"] for row in csv.DictReader(handle)}
    assert listed["inspection_ratings.png"] == "Trang 6"
    assert listed["ranking_transition.png"] == "Trang 9"
    assert listed["trends.png"] == ""


def test_pilots_slide__counts_blocks_where_the_pilot_did_better_in_the_indicators_direction(tmp_path):
    context = _context()
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    title = deck.slides[2].shapes.title.text_frame.text
    # oc_index: higher is better; five positive of eight, a count in words and a full comparison
    assert "5 trong 8 đơn vị điểm có mức thay đổi tốt hơn mức chung" in title
    context["main_indicator"] = "complaints_per_100"  # lower is better: the three negative ones
    slides.render_pptx(context, tmp_path, tmp_path / "thap.pptx")
    title = pptx.Presentation(str(tmp_path / "thap.pptx")).slides[2].shapes.title.text_frame.text
    assert "3 trong 8 đơn vị điểm" in title


def test_ranking_slide__the_units_to_review_and_where_the_rule_would_move_them(tmp_path):
    context = _context()
    context["ranking"]["review_note"] = (", trong đó 2 đơn vị đang ở mức 1 (Hoàn thành xuất sắc nhiệm vụ) theo quy "
                                         "tắc sẽ xuống mức 2 (Hoàn thành tốt nhiệm vụ)")
    context["ranking"]["review_steps"] = "2 đơn vị từ mức 1 xuống mức 2"
    slides.render_pptx(context, tmp_path, tmp_path / "xl.pptx")
    slide = pptx.Presentation(str(tmp_path / "xl.pptx")).slides[8]
    title = slide.shapes.title.text_frame.text
    assert "2 đơn vị chắc chắn lên mức, 1 chắc chắn xuống mức; 3 đơn vị sát ngưỡng cần xem xét" in title
    assert "(theo quy tắc: 2 đơn vị từ mức 1 xuống mức 2)" in title
    assert "mức 1 (Hoàn thành xuất sắc nhiệm vụ) theo quy tắc sẽ xuống mức 2" in " ".join(_texts(slide))
    context["ranking"].update(n_up="0", n_down="0")  # no sure move: never "0 xuống mức" beside the chart's moves
    slides.render_pptx(context, tmp_path, tmp_path / "xl0.pptx")
    title = pptx.Presentation(str(tmp_path / "xl0.pptx")).slides[8].shapes.title.text_frame.text
    assert "không đơn vị nào chắc chắn đổi mức" in title and "0 xuống mức" not in title


def test_answer_slide__counts_the_outcomes_compared_as_the_summary_does(tmp_path):
    """A "không so sánh được" outcome stays in the table but not in the count: the summary
    says "Ở 3 trong 5 chỉ tiêu kết quả", the slide said "3 trong 6" (seeds 0 and 3)."""
    context = _context()
    skipped = _outcome("not_comparable", "CBCCVC vi phạm kỷ luật, kỷ cương trên 100 CBCCVC", "–", "",
                       "violations_per_100")
    context["pilots"]["outcomes"] = [*context["pilots"]["outcomes"], skipped]
    target = tmp_path / "bao-cao-so-ket-nq01.pptx"
    slides.render_pptx(context, tmp_path, target)
    title = pptx.Presentation(str(target)).slides[1].shapes.title.text_frame.text
    assert "1 trong 3 chỉ tiêu" in title and "trong 4" not in title


def test_criteria_slide__notes_quote_the_reports_scores_never_none(tmp_path):
    """The notes quoted ``weakest_mean``, a key the report context no longer has: "None/10"."""
    deck = pptx.Presentation(str(_deck(tmp_path)[0]))
    notes = " ".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    assert "None" not in notes and "c01" not in notes
    assert "Tiêu chí thấp nhất: Giao tiếp (bình quân chung 7,15/10; đơn vị điểm 7,40/10" in notes


def test_answer_slide__what_the_data_show_then_why_no_grade_is_clear(tmp_path):
    """Every outcome "Chưa thấy khác biệt rõ" while the pilots moved further on some: the
    title says so in plain words (as the summary's answer), never only the grade; the notes
    say the adjusted p in words, never "Holm"."""
    context = _context()
    outcomes = [{**r, "code": "no_evidence"} for r in context["pilots"]["outcomes"]]
    context["pilots"].update(outcomes=outcomes, rows=outcomes)
    context["leaders"] = {"outcomes": [{"indicator": r["indicator"], "difference": r["did"], "ahead": i < 2}
                                       for i, r in enumerate(outcomes)]}
    target = tmp_path / "bao-cao-so-ket-nq01.pptx"
    slides.render_pptx(context, tmp_path, target)
    deck = pptx.Presentation(str(target))
    title = deck.slides[1].shapes.title.text_frame.text
    assert title.startswith("Đơn vị điểm tiến bộ nhiều hơn ở 2 trong 3 chỉ tiêu kết quả, nhưng khi xét cùng lúc")
    assert "chưa chỉ tiêu nào khác biệt rõ" in title
    notes = " ".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    assert "Holm" not in notes and "p đã tính đến việc xét nhiều chỉ tiêu 0,031" in notes
