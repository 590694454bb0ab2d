"""The Word draft (report/word.py) read back with python-docx: Party-document page set-up and
styles, tables and figures, the same numbers as the PDF's context, the sample mark only
for sample data, byte-identical rebuilds; the shipped template is what its script makes.

Unit tests use a small hand-made context; the end-to-end ones (marker ``e2e``) reuse the
sample build shared with tests/test_report.py.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.shared import Mm, Pt  # noqa: E402

from vhcs_analysis.config import SAMPLE_MARK  # noqa: E402
from vhcs_analysis.settings import Settings, package_defaults  # noqa: E402
from vhcs_analysis.errors import VhcsError  # noqa: E402
from vhcs_analysis.report import word, word_draft, word_template  # noqa: E402
from vhcs_analysis.report.build import report_name  # noqa: E402


FRAME_TABLES = 2  # the header block and the signature block (borderless)


def _report(**override):
    """The package's ``[report]`` section with ``override`` (checked as a settings file is)."""
    return Settings.from_values({"report": override}).report


# ----------------------------------------------------------------------------- helpers


def _all_text(document) -> str:
    """Body paragraphs and every table cell (nested too), whitespace folded."""
    parts = [p.text for p in document.paragraphs]

    def walk(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    walk(cell.tables)

    walk(document.tables)
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


def _header_text(document) -> str:
    return " ".join(p.text for s in document.sections for p in s.header.paragraphs)


def _context(is_sample: bool, figures: dict | None = None) -> dict:
    """A small context with the keys build_context makes (values already formatted)."""
    rows = [
        {"indicator": "oc_index", "label": "Chỉ số văn hóa công sở tổng hợp", "unit": "điểm", "better": "cao hơn",
         "did": "+4,6", "did_ci": "+1,0 đến +8,2", "adj": "+3,9", "adj_ci": "+0,4 đến +7,5", "p_holm": "0,031",
         "did_full": "+4,6 (+1,0 đến +8,2)", "adj_full": "+3,9 (+0,4 đến +7,5)",
         "n": "7/58", "mde": "5,1", "code": "better", "verdict": "Đơn vị điểm chuyển biến rõ hơn",
         "reason": "cả hai cách cùng chiều", "sensitivity_gamma": "1,8"},
        {"indicator": "study_rate", "label": "Tỷ lệ CBCCVC đã học tập", "unit": "điểm %", "better": "cao hơn",
         "did": "−1,2", "did_ci": "−3,5 đến +1,1", "adj": "−0,8", "adj_ci": "−3,0 đến +1,4", "p_holm": "1,000",
         "did_full": "−1,2 (−3,5 đến +1,1)", "adj_full": "−0,8 (−3,0 đến +1,4)",
         "n": "7/58", "mde": "4,0", "code": "no_evidence", "verdict": "Chưa thấy khác biệt",
         "reason": "khoảng tin cậy chứa 0"},
    ]
    goal = {"goal_vi": "Mục tiêu 1 – Ứng xử chuẩn mực với nhân dân và đồng nghiệp", "task_group": 0, "n": "58"}
    goals = [
        {**goal, "indicator": "complaints_per_100", "label": "Phản ánh trên 100 CBCCVC", "goal": 1, "baseline": "5,4",
         "post": "4,3", "change": "-1,1", "ci": "-1,9 đến -0,1", "reading": "tiến bộ", "unit": "lượt/100 CB"},
        {**goal, "indicator": "violations_per_100", "label": "Vi phạm trên 100 CBCCVC", "goal": 2, "baseline": "1,1",
         "post": "1,0", "change": "-0,1", "ci": "-0,5 đến +0,5", "reading": "chưa thấy thay đổi rõ",
         "goal_vi": "Mục tiêu 2 – Làm việc trách nhiệm, tận tụy, công tâm", "unit": "người/100 CB"},
        {**goal, "indicator": "study_rate", "label": "Tỷ lệ CBCCVC đã học tập", "goal": 0, "task_group": 1,
         "baseline": "47,1%", "post": "70,7%", "change": "+23,6", "ci": "+22,3 đến +25,3", "reading": "tiến bộ",
         "goal_vi": "Chỉ tiêu chung", "unit": "điểm %"},
    ]
    return {
        "is_sample": is_sample, "sample_mark": SAMPLE_MARK,
        "review": {"kind": "so-ket", "noun": "sơ kết", "title": "sơ kết 2 năm", "title_upper": "SƠ KẾT 2 NĂM",
                   "next_review": "trước kỳ sơ kết tiếp theo"},
        "cover": {"number": "Số       -BC/ĐUK", "place_date": "Hà Tĩnh, ngày 31 tháng 01 năm 2019",
                  "date": "31/01/2019"},
        "scope": {"n_units": "66", "n_pilot": "7", "n_rest": "59", "n_blocks": "7", "baseline": "6 tháng cuối năm 2016",
                  "post": "6 tháng cuối năm 2018", "periods": ["6T cuối 2016", "6T cuối 2018"], "n_periods": "2"},
        "main_indicator": "oc_index",
        "pilots": {"answer": "Đơn vị điểm chuyển biến rõ hơn ở 1/2 chỉ tiêu.", "answer_short": "Rõ hơn ở 1/2.",
                   "rows": rows, "outcomes": rows, "placebo": "", "adoption": [], "sensitivity": []},
        "leaders": {"pilot_units": [
            {"unit": "Sở Nội vụ", "block": "Hành chính – Tổng hợp", "levels": "60,0 → 77,8 (+17,8)",
             "rest": "61,0 → 72,1 (+11,1)", "difference": "+6,7",
             "reading": "tăng nhiều hơn các đơn vị khác cùng khối 6,7 điểm",
             "behind": False},
            {"unit": "U52 (chưa có tên trong danh mục)", "block": "Tài chính – Ngân hàng",
             "levels": "70,0 → 71,7 (+1,7)",
             "rest": "69,0 → 72,2 (+3,2)", "difference": "-1,5",
             "reading": "tăng ít hơn các đơn vị khác cùng khối 1,5 điểm",
             "behind": True},
        ]},
        "goals": goals,
        "rollout": {"study_rate": "70,7%", "action_programme_share": "98,5%", "office_layout_share": "85,2%",
                    "at_post": [{"measure": "Đơn vị hoàn thành bài trí công sở", "pilot": "100,0%", "rest": "83,3%",
                                 "all": "85,2%"}], "on_time": []},
        "inspections": {"n_rounds": "5", "n_inspections": "201", "mean_total": "72,0",
                        "weakest": "Giao tiếp, ứng xử với đồng nghiệp", "weakest_mean": "7,15", "criteria": [],
                        "rating_order": [], "ratings": []},
        "ranking": {"year": "2018", "n_units": "66", "n_up": "2", "n_down": "3", "n_same": "54", "n_review": "7",
                    "review_note": ", trong đó 2 đơn vị đang ở mức 1 theo quy tắc sẽ xuống mức 2; các đơn vị này "
                                   "chưa đổi mức, chờ Ban Thường vụ quyết định",
                    "rules": "Quy tắc.", "levels": [], "matrix": [], "n_good": "1", "band_z": "1,96", "q_max": "0,05",
                    "moves": [{"unit": "Tỉnh đoàn", "current": "1", "proposed": "1", "score": "74,2", "margin": "4,2",
                               "status": "cần xem xét", "reason": "sát ngưỡng"}],
                    "good_practices": [{"unit": "Sở Tư pháp", "block": "Hành chính – Tổng hợp", "pilot": "",
                                        "indicator": "Hồ sơ đúng hạn", "reason": "80,0% → 95,0%", "q": "0,010"}]},
        "comparisons": {"per_block_label": "Chỉ số văn hóa công sở tổng hợp"},
        "data_quality": {"headline": "Đã đọc 194 tệp.", "reports": "330 báo cáo.",
                         "late_units": [{"unit": "Sở Ngoại vụ", "block": "Hành chính – Tổng hợp", "late": "6T đầu 2018",
                                         "undated": "", "missing": "6T cuối 2017"}]},
        "provenance": {"files": [], "totals": {"rows_read": "795", "rows_kept": "770", "rows_rejected": "25"}},
        "public_indices": [], "weights": [],
        "figures": figures or {},
    }


PARTS = ["I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, QUÁN TRIỆT, TRIỂN KHAI THỰC HIỆN", "II. KẾT QUẢ THỰC HIỆN",
         "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ"]
ASSESSMENT = ["1. Ưu điểm", "2. Hạn chế, khuyết điểm", "3. Nguyên nhân", "4. Bài học kinh nghiệm"]


def _blocks(document) -> list[str]:
    """The body's paragraphs and tables in order, each as its text (a table's cells joined)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            out.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            table = Table(child, document)
            out.append(" ".join(p.text for row in table.rows for cell in row.cells for p in cell.paragraphs))
    return out


def _draft_of(tmp_path, ctx=None, name="draft.docx"):
    target = tmp_path / name
    word.render_docx(ctx or _context(False), tmp_path, target)
    return docx.Document(str(target))


def _instructions(document) -> list[str]:
    return [" ".join(e.text.split()) for e in document.element.body.iter(docx.oxml.ns.qn("w:instrText"))]


def _data_tables(document) -> list:
    """Tables with a repeating header row (the header block and the signature are not)."""
    qn = docx.oxml.ns.qn
    return [t for t in document.tables
            if t.rows and t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None]


def _figure_png(folder: Path, name: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from vhcs_analysis.plots import save_figure

    fig = Figure(figsize=(6.5, 3))
    fig.add_subplot().plot([0, 1], [1, 0])
    return save_figure(fig, folder / f"{name}.png", dpi=300)


# ----------------------------------------------------------------------------- unit


def test_docx_name__is_the_pdf_name_with_the_suffix_swapped():
    assert word.docx_name(report_name(package_defaults())) == Path(report_name(package_defaults())).stem + ".docx"
    assert word.docx_name("bao-cao-tong-ket-nq01.pdf") == "bao-cao-tong-ket-nq01.docx"


def test_template__shipped_file_is_exactly_what_the_script_makes(tmp_path):
    made = word_template.make_template(tmp_path / "mau.docx")
    assert made.read_bytes() == word_template.TEMPLATE_PATH.read_bytes()


def test_template_path__office_copy_from_settings_and_missing_copy_is_an_error(tmp_path):
    own = tmp_path / "mau-cua-van-phong.docx"
    shutil.copyfile(word_template.TEMPLATE_PATH, own)
    assert word.template_path(_report(docx_template=str(own))) == own
    assert word.template_path(_report(docx_template="")) == word_template.TEMPLATE_PATH
    with pytest.raises(VhcsError, match="docx_template"):
        word.template_path(_report(docx_template=str(tmp_path / "khong-co.docx")))


def test_render_docx__names_the_settings_file_only_when_one_was_used(tmp_path):
    used = {**_context(False), "settings": {"source": "vhcs.toml", "sha256": "ab" * 32}}
    word.render_docx(used, tmp_path, tmp_path / "file.docx")
    word.render_docx({**_context(False), "settings": {"source": "", "sha256": ""}}, tmp_path, tmp_path / "none.docx")
    with_file = _all_text(docx.Document(str(tmp_path / "file.docx")))
    assert "Cấu hình. Tệp vhcs.toml (SHA-256 " + "ab" * 32 + ") ghi đè" in with_file
    assert "Cấu hình. Tệp" not in _all_text(docx.Document(str(tmp_path / "none.docx")))


def test_render_docx__party_page_setup_fonts_and_heading_styles(tmp_path):
    document = _draft_of(tmp_path, _context(True))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (20, 20)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        assert document.styles[name].font.color.rgb == docx.shared.RGBColor(0, 0, 0), name
    text = _all_text(document)
    for fixed in ("ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO",
                  "Sơ kết 2 năm thực hiện Nghị quyết 01-NQ/ĐUK", "Nơi nhận:", "T/M BAN THƯỜNG VỤ",
                  "Hà Tĩnh, ngày 31 tháng 01 năm 2019", "-BC/ĐUK"):
        assert fixed in text
    assert "{{" not in text and "{%" not in text


def test_render_docx__soket_parts_in_order_then_noi_nhan_signature_and_appendices(tmp_path):
    document = _draft_of(tmp_path)
    blocks = _blocks(document)
    first = lambda text: next(i for i, b in enumerate(blocks) if b.startswith(text))  # noqa: E731
    parts = [first(part) for part in PARTS]
    assert parts == sorted(parts)
    assessment = [first(title) for title in ASSESSMENT]
    assert parts[2] < assessment[0] and assessment == sorted(assessment) and assessment[-1] < parts[3]
    signature = first("Nơi nhận:")
    assert "T/M BAN THƯỜNG VỤ" in blocks[signature] and parts[-1] < signature
    appendices = [first(f"PHỤ LỤC {n}.") for n in (1, 2, 3)]
    assert signature < appendices[0] < appendices[1] < appendices[2]
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert all(headings[part] == "Heading 1" for part in PARTS)
    assert all(headings[title] == "Heading 2" for title in ASSESSMENT)


def test_render_docx__parts_only_people_write_are_highlighted_placeholders_with_data_points(tmp_path):
    from docx.enum.text import WD_COLOR_INDEX

    document = _draft_of(tmp_path)
    marked = [p for p in document.paragraphs if "[Văn phòng bổ sung:" in p.text]
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for p in marked for run in p.runs if run.text)
    assert all(p.text.rstrip().endswith("]") for p in marked)
    paragraphs = [p.text for p in document.paragraphs]
    for title in ("3. Nguyên nhân", "4. Bài học kinh nghiệm", PARTS[3]):
        after = paragraphs[paragraphs.index(title) + 1]
        assert after.startswith("[Văn phòng bổ sung:"), title
    tasks = paragraphs[paragraphs.index(PARTS[3]) + 1]
    # the data points beside the placeholder: what did not move, the weakest criterion, late units
    assert "Vi phạm trên 100 CBCCVC" in tasks and "Giao tiếp, ứng xử với đồng nghiệp" in tasks
    assert "1 đơn vị nộp muộn hoặc không nộp" in tasks
    assert len(marked) >= 7


def test_render_docx__data_fill_strengths_limitations_pilots_and_proposals(tmp_path):
    paragraphs = [p.text for p in _draft_of(tmp_path).paragraphs]
    text = " ".join(paragraphs)
    section = lambda a, b: " ".join(paragraphs[paragraphs.index(a):paragraphs.index(b)])  # noqa: E731
    strengths = section("1. Ưu điểm", "2. Hạn chế, khuyết điểm")
    limits = section("2. Hạn chế, khuyết điểm", "3. Nguyên nhân")
    assert "Phản ánh trên 100 CBCCVC: 5,4 → 4,3 (-1,1 lượt/100 CB)" in strengths
    assert "Sở Nội vụ (+6,7)" in strengths and "chỉ số văn hóa công sở tổng hợp" in strengths
    # a full comparison: "có mức thay đổi … tốt hơn mức chung", never "… hơn mức chung" without its adjective
    assert "có mức thay đổi chỉ số văn hóa công sở tổng hợp tốt hơn mức chung" in strengths
    assert "có mức thay đổi chỉ số văn hóa công sở tổng hợp kém hơn mức chung" in limits
    # the units to review that the rule would move are counted beside the moves (Bảng 15 shows them)
    assert "7 đơn vị có điểm sát ngưỡng cần xem xét riêng, trong đó 2 đơn vị đang ở mức 1" in text
    assert "Vi phạm trên 100 CBCCVC: 1,1 → 1,0, chưa thấy thay đổi rõ" in limits
    assert "Giao tiếp, ứng xử với đồng nghiệp (bình quân 7,15/10)" in limits
    assert "Sở Ngoại vụ (Hành chính – Tổng hợp)" in limits
    assert "U52 (chưa có tên trong danh mục) (khối Tài chính – Ngân hàng, -1,5)" in limits
    assert "Sở Nội vụ (khối Hành chính – Tổng hợp)" in text  # each pilot named with its block
    assert ("2 đơn vị được đề xuất nâng mức, 3 đơn vị bị đề xuất hạ mức, 54 đơn vị giữ nguyên mức (trên 66 đơn vị); "
            "7 đơn vị có điểm sát ngưỡng" in text)
    all_text = _all_text(_draft_of(tmp_path, name="again.docx"))
    assert "Tỉnh đoàn" in all_text and "Sở Tư pháp" in all_text  # the units to review, the practice to spread


def test_render_docx__prints_the_hidden_bias_sentence_under_the_leaders_table(tmp_path):
    from vhcs_analysis.report.readings import bias_sentence

    sentence = bias_sentence(["tỷ lệ hồ sơ đúng hạn: đến 1,8 lần"])
    ctx = _context(False)
    ctx["leaders"]["outcomes"] = [{"label": "Tỷ lệ hồ sơ đúng hạn", "verdict": "Đơn vị điểm chuyển biến rõ hơn",
                                   "verdict_full": "Đơn vị điểm chuyển biến rõ hơn", "pilot": "80,0 → 90,0 (+10,0)",
                                   "rest": "80,0 → 85,0 (+5,0)", "difference": "+5,0"}]
    ctx["leaders"]["bias_notes"] = [sentence]
    text = _all_text(_draft_of(tmp_path, ctx))
    assert "1,8 lần" in sentence and sentence in text
    assert "+5,0 Đơn vị điểm chuyển biến rõ hơn" in text and "rõ hơn: Kết luận" not in text  # the cell: the grade alone


def test_render_docx__captions_are_seq_fields_and_no_table_of_contents(tmp_path):
    _figure_png(tmp_path, "did_forest")
    document = _draft_of(tmp_path, _context(False, {"did_forest": True}))
    instructions = _instructions(document)
    captions = [p for p in document.paragraphs if p.style.name == "Caption"]
    tables = [p for p in captions if p.text.startswith("Bảng ")]
    figures = [p for p in captions if p.text.startswith("Hình ")]
    assert instructions.count("SEQ Bảng \\* ARABIC") == len(tables) >= 3
    assert instructions.count("SEQ Hình \\* ARABIC") == len(figures) == 1
    assert [p.text.split(".")[0] for p in tables] == [f"Bảng {i}" for i in range(1, len(tables) + 1)]
    # a Party report has no table of contents (Hướng dẫn 36-HD/VPTW); nothing asks Word to update fields
    assert not any(i.startswith("TOC") for i in instructions)
    assert "MỤC LỤC" not in _all_text(document)
    assert not any(p.style.name.startswith("TOC") for p in document.paragraphs)
    assert document.settings.element.find(docx.oxml.ns.qn("w:updateFields")) is None


def _runs_of(cell) -> dict:
    """Each non-empty line of a cell → its first run (the frame writes one run a line)."""
    return {p.text: p.runs[0] for p in cell.paragraphs if p.text}


def test_render_docx__header_block_and_title_in_the_party_form(tmp_path):
    document = _draft_of(tmp_path, _context(True))
    left, right = document.tables[0].rows[0].cells
    issuer, party = _runs_of(left), _runs_of(right)
    assert list(issuer)[:3] == ["ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "*"]
    assert issuer["ĐẢNG BỘ TỈNH HÀ TĨNH"].font.size == Pt(14) and not issuer["ĐẢNG BỘ TỈNH HÀ TĨNH"].bold
    assert issuer["ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"].font.size == Pt(14) and issuer["ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"].bold
    assert any(text.startswith("Số") and text.endswith("-BC/ĐUK") for text in issuer)
    title = party["ĐẢNG CỘNG SẢN VIỆT NAM"]
    assert title.bold and title.underline and title.font.size == Pt(15)
    date = party["Hà Tĩnh, ngày 31 tháng 01 năm 2019"]
    assert date.italic and date.font.size == Pt(14)
    styles = [p.style.name for p in document.paragraphs[:3]]
    assert styles == [word_template.KIND_STYLE, word_template.SUBJECT_STYLE, word_template.SUBJECT_STYLE]
    assert document.paragraphs[1].text == "Sơ kết 2 năm thực hiện Nghị quyết 01-NQ/ĐUK"  # trích yếu: ordinary case
    assert document.styles[word_template.SUBJECT_STYLE].font.bold
    # every line of the header block fits its column (no cell margins); the block may start 5 mm into the margin
    section = document.sections[0]
    assert sum(c.width for c in document.tables[0].rows[0].cells) <= section.page_width - section.left_margin \
        - section.right_margin + Mm(5)
    for cell in (left, right):
        for text, run in _runs_of(cell).items():
            if "{{" not in text:
                assert word_draft.text_width_pt(text, run.font.size.pt, bool(run.bold)) < cell.width.pt, text


def test_render_docx__signature_block_leaves_title_and_name_to_people(tmp_path):
    from docx.enum.text import WD_COLOR_INDEX

    document = _draft_of(tmp_path, _context(True))
    frame = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))
    receivers, signature = frame.rows[0].cells
    lines = [p.text for p in signature.paragraphs]
    assert lines[:2] == ["T/M BAN THƯỜNG VỤ", "[BÍ THƯ hoặc PHÓ BÍ THƯ]"] and lines[-1] == "[Họ và tên người ký]"
    runs = _runs_of(signature)
    assert all(run.bold and run.font.size == Pt(14) for text, run in runs.items() if text.isupper() or "Họ" in text)
    marked = [text for text in runs if text.startswith("[")]
    assert len(marked) == 3 and all(runs[t].font.highlight_color == WD_COLOR_INDEX.YELLOW for t in marked)
    assert not [text for text in runs if not text.startswith("[") and text != "T/M BAN THƯỜNG VỤ"]  # no name typed
    notice = _runs_of(receivers)
    assert list(notice)[0] == "Nơi nhận:" and notice["Nơi nhận:"].underline and notice["Nơi nhận:"].font.size == Pt(14)
    assert all(run.font.size == Pt(12) and text.startswith("- ") for text, run in list(notice.items())[1:])


def test_fit_columns__no_word_broken_and_widths_fill_the_text_width():
    header = ["Chỉ tiêu", "Chênh lệch thay đổi (KTC 95%)", "p (Holm)", "Số đơn vị điểm/còn lại", "Kết luận"]
    row = ["Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "+3,7 (+2,5 đến +4,7)", "0,006", "5/16",
           "Đơn vị điểm chuyển biến rõ hơn các đơn vị còn lại"]
    size, widths = word_draft.fit_columns([header, row], 468.0)
    assert size == word_template.TABLE_PT and abs(sum(widths) - 468.0) < 1e-6
    for column, width in enumerate(widths):
        for index, line in enumerate([header, row]):
            for part in line[column].split():
                assert word_draft.text_width_pt(part, size, index == 0) + word_draft.CELL_PADDING_PT <= width + 1e-6
    assert widths[2] >= word_draft.text_width_pt("0,006", size) + word_draft.CELL_PADDING_PT  # short text on one line
    # short texts: one line each, the room left spread by the shares
    size, widths = word_draft.fit_columns([["Kỳ", "Số"], ["6T cuối 2016", "12"]], 400.0, [3, 1])
    assert size == word_template.TABLE_PT and widths[0] > widths[1] and abs(sum(widths) - 400.0) < 1e-6
    # a table whose longest words do not fit at 11 pt takes a smaller size, never a broken word
    wide = [[f"Chỉ-tiêu-số-{i}-dài" for i in range(8)], ["1"] * 8]
    need = sum(word_draft.text_width_pt(t, 11, True) + word_draft.CELL_PADDING_PT for t in wide[0])
    size, widths = word_draft.fit_columns(wide, need * 0.95)
    assert size < word_template.TABLE_PT
    assert all(word_draft.text_width_pt(t, size, True) + word_draft.CELL_PADDING_PT <= w + 1e-6
               for t, w in zip(wide[0], widths))


def test_render_docx__table_columns_hold_their_longest_words(tmp_path):
    document = _draft_of(tmp_path)
    for table in _data_tables(document):
        for index, row in enumerate(table.rows):
            for cell in row.cells:
                for run in (r for p in cell.paragraphs for r in p.runs):
                    size = run.font.size.pt if run.font.size else word_template.TABLE_PT
                    longest = max((word_draft.text_width_pt(w, size, index == 0) for w in run.text.split()),
                                  default=0.0)
                    assert longest + word_draft.CELL_PADDING_PT <= cell.width.pt + 0.1, run.text


def test_render_docx__no_page_number_on_the_first_page(tmp_path):
    document = _draft_of(tmp_path, _context(True))
    section = document.sections[0]
    assert section.different_first_page_header_footer

    def fields(header):
        return [e.get(docx.oxml.ns.qn("w:instr")) for e in header._element.iter(docx.oxml.ns.qn("w:fldSimple"))]

    assert "PAGE" in fields(section.header) and fields(section.first_page_header) == []
    assert SAMPLE_MARK in " ".join(p.text for p in section.first_page_header.paragraphs)


def test_render_docx__no_data_row_splits_and_header_rows_repeat(tmp_path):
    document = _draft_of(tmp_path)
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    qn = docx.oxml.ns.qn
    tables = _data_tables(document)
    assert len(tables) >= 4
    for table in tables:
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
        assert abs(sum(cell.width for cell in table.rows[1].cells) - text_width) < Mm(1)


def test_render_docx__no_report_codes_or_wrong_method_words(tmp_path):
    import re

    text = _all_text(_draft_of(tmp_path, _context(True)))
    assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", text)
    for word_ in ("bootstrap", "Sự thật nằm giữa", "sự thật nằm giữa", ".json", "docs/"):
        assert word_ not in text


def test_render_docx__sample_mark_in_the_header_only_for_sample_data(tmp_path):
    word.render_docx(_context(True), tmp_path, tmp_path / "mau.docx")
    word.render_docx(_context(False), tmp_path, tmp_path / "that.docx")
    marked, plain = docx.Document(str(tmp_path / "mau.docx")), docx.Document(str(tmp_path / "that.docx"))
    assert SAMPLE_MARK in _header_text(marked)
    assert "DỮ LIỆU MẪU" not in _header_text(plain) + _all_text(plain)


def test_render_docx__figure_at_text_width_and_at_least_200_dpi(tmp_path):
    png = _figure_png(tmp_path, "did_forest")  # the figure pack's PNG
    placed = word.render_docx(_context(False, {"did_forest": True}), tmp_path, tmp_path / "d.docx")
    document = docx.Document(str(tmp_path / "d.docx"))
    assert [e.name for e in placed] == ["did_forest"] and len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    from docx.image.image import Image

    image = Image.from_file(str(png))
    assert image.px_width / shape.width.inches >= 200
    section = document.sections[0]
    assert shape.width <= section.page_width - section.left_margin - section.right_margin
    assert "Hình 1. Hai cách so sánh" in _all_text(document)


def test_render_docx__byte_identical_on_rebuild(tmp_path):
    _figure_png(tmp_path, "did_forest")
    one = tmp_path / "a" / "d.docx"
    two = tmp_path / "b" / "d.docx"
    word.render_docx(_context(True, {"did_forest": True}), tmp_path, one)
    word.render_docx(_context(True, {"did_forest": True}), tmp_path, two)
    assert one.read_bytes() == two.read_bytes()
    props = docx.Document(str(one)).core_properties
    assert props.created.date().isoformat() == "2019-01-31" and props.author == word_template.AUTHOR
    tags = [child.tag for child in props._element]
    assert len(tags) == len(set(tags)), "a core property written twice"


def test_template__same_bytes_after_docxtpl_is_imported(tmp_path):
    """docxcompose (under docxtpl) changes python-docx's namespace map when imported; the
    template must not depend on whether it was."""
    import docxtpl.subdoc  # noqa: F401

    made = word_template.make_template(tmp_path / "mau.docx")
    assert made.read_bytes() == word_template.TEMPLATE_PATH.read_bytes()


def test_render_docx__office_template_restyled_without_code(tmp_path):
    """The office changes Normal to 13 pt in its own copy: the draft follows the copy."""
    own = tmp_path / "mau-van-phong.docx"
    office = docx.Document(str(word_template.TEMPLATE_PATH))
    office.styles["Normal"].font.size = Pt(13)
    office.save(str(own))
    word.render_docx(_context(False), tmp_path, tmp_path / "d.docx", template=own)
    assert docx.Document(str(tmp_path / "d.docx")).styles["Normal"].font.size == Pt(13)


def test_render_docx__office_template_without_the_styles_still_renders(tmp_path):
    """A template made in Word defines Heading 2, List Bullet … only once used: they are added."""
    own = tmp_path / "mau-toi-gian.docx"
    office = docx.Document(str(word_template.TEMPLATE_PATH))
    for name in ("Heading 2", "List Bullet", "Caption", word_template.TABLE_STYLE, word_template.NOTE_STYLE):
        element = office.styles[name].element
        element.getparent().remove(element)
    office.save(str(own))
    word.render_docx(_context(False), tmp_path, tmp_path / "d.docx", template=own)
    document = docx.Document(str(tmp_path / "d.docx"))
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)


def test_render_docx__broken_template_is_a_readable_error(tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(VhcsError, match="mẫu Word"):
        word.render_docx(_context(False), tmp_path, tmp_path / "d.docx", template=bad)


# ----------------------------------------------------------------------------- end to end


def _draft(built) -> Path:
    return built.pdf.with_name(word.docx_name(built.pdf.name))


@pytest.mark.e2e
def test_build__writes_the_draft_beside_the_pdf(built):
    assert _draft(built).is_file() and _draft(built).parent == built.pdf.parent


@pytest.mark.e2e
def test_draft__numbers_equal_the_pdf_context(built):
    from vhcs_analysis.report import soket
    from vhcs_analysis.report.context import build_context

    ctx = build_context(built.paths, package_defaults())
    f = soket.facts(ctx)
    text = _all_text(docx.Document(str(_draft(built))))
    s, ro, ins, rk, dq = f["scope"], f["rollout"], f["inspections"], f["ranking"], f["data_quality"]
    expected = [f["pilots"]["answer"], dq["headline"], ins["mean_total"], f"{ins['weakest']} ({f['weakest_scores']})",
                f"{f['totals']['rows_read']} dòng đọc", ctx["cover"]["place_date"],
                soket.ranking_sentence(rk),
                f"Đến {s['post']}, {ro['study_rate']} cán bộ", f"{ro['action_programme_share']} tổ chức cơ sở đảng",
                f"{ro['office_layout_share']} đơn vị đã hoàn thành bài trí"]
    for g in f["goals"]:
        if g["reading"] != soket.NO_DATA:
            # a count averaged over units is labelled with its unit ("… (mô hình/đơn vị)")
            expected.append(f"{g['table_label']}: {g['baseline']} ({s['baseline']}) → {g['post']} ({s['post']}), "
                            "thay đổi "
                            f"{g['change']} {g['unit']}")
    for row in f["pilots"]["rows"]:
        expected += [row["did_full"], row["adj_full"], row["p_holm"], row["mde"], row["verdict"], row["reason"]]
    for row in f["verdicts"]:
        expected += [row["label"], row["verdict"], *[row[k] for k in ("pilot", "rest", "difference") if k in row]]
    for unit in f["pilot_units"]:
        expected += [f"{unit['unit']} (khối {unit['block']})", f"{unit['pilot']} {unit['rest']} {unit['diff']}"]
    for row in f["pilots"]["adoption"]:
        expected += [row["pilot"], row["rest"]]
    for unit in dq["late_units"]:
        expected.append(unit["unit"])
    for move in rk["moves"]:
        expected.append(f"{move['unit']} {move['current']} {move['proposed']} {move['score']} {move['margin']}")
    for item in dq["by_reason"]:
        expected += [item["reason"], item["rows"]]
    missing = [e for e in expected if " ".join(str(e).replace("\u00a0", " ").split()) not in text]
    assert not missing
    assert len(f["pilot_units"]) == int(s["n_pilot"])
    import re

    assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", text)  # no report codes
    assert not [w for w in ("bootstrap", "sự thật nằm giữa", ".json", "docs/") if w in text.lower()]


@pytest.mark.e2e
def test_draft__one_word_table_per_non_empty_table_and_every_figure(built):
    from vhcs_analysis.report.context import build_context

    ctx = build_context(built.paths, package_defaults())
    document = docx.Document(str(_draft(built)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    numbered_tables = [c for c in captions if c.startswith("Bảng ")]
    empty_notes = sum(1 for p in document.paragraphs if p.text == word_draft.NO_DATA)  # a table without rows
    assert len(document.tables) == FRAME_TABLES + len(numbered_tables) - empty_notes
    assert len(_data_tables(document)) == len(numbered_tables) - empty_notes
    present = sorted(name for name, ok in ctx["figures"].items() if ok)
    assert len(document.inline_shapes) == len(present) == len([c for c in captions if c.startswith("Hình ")])
    with open(built.paths.figures / word_draft.FIGURE_LIST_NAME, encoding="utf-8-sig", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert sorted(r["file"] for r in listed) == sorted(f"{n}.png" for n in present)
    assert [r["number"] for r in listed] == [f"Hình {i}" for i in range(1, len(listed) + 1)]
    assert all(r["notebook"].endswith(".ipynb") and r["caption"] for r in listed)
    from docx.image.image import Image

    for shape, row in zip(document.inline_shapes, listed, strict=True):
        image = Image.from_file(str(built.paths.figures / row["file"]))
        assert image.px_width / shape.width.inches >= 200, row["file"]


@pytest.mark.e2e
def test_draft__sample_mark_on_every_page_header(built):
    document = docx.Document(str(_draft(built)))
    assert all(SAMPLE_MARK in " ".join(p.text for p in s.header.paragraphs) for s in document.sections)


@pytest.mark.e2e
def test_draft__rebuild_is_byte_identical(built, tmp_path):
    from vhcs_analysis.report.build import render_report

    first = render_report(built.paths, out_dir=tmp_path / "one")
    second = render_report(built.paths, out_dir=tmp_path / "two")
    one, two = (p.with_name(word.docx_name(p.name)) for p in (first, second))
    assert one.read_bytes() == two.read_bytes() == _draft(built).read_bytes()


@pytest.mark.slow
def test_draft__libreoffice_renders_it(built, tmp_path):
    """Headless LibreOffice (Debian's libreoffice-writer-nogui) converts the draft to PDF."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (libreoffice-writer-nogui) is not installed")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(_draft(built))], check=True, capture_output=True, timeout=300)
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(tmp_path / _draft(built).with_suffix(".pdf").name))
    assert len(reader.pages) >= 5
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first and SAMPLE_MARK in first


def test_render_docx__reads_the_leaders_part_of_the_context_when_present(tmp_path):
    """The PDF's answer page (``leaders``) carries the pilots' levels on the verdicts'
    basis, each pilot against its block, the grades and issue 28's lines: the draft uses them."""
    ctx = _context(False)
    ctx["inspections"]["weakest_scores"] = "đơn vị điểm 7,49/10, các đơn vị còn lại 7,05/10"
    ctx["public_indices"] = {"rows": [], "note": "PCI 2018 công bố sau ngày báo cáo, chưa dẫn."}
    ctx["leaders"] = {
        "outcomes": [{"label": "Chỉ số văn hóa công sở tổng hợp", "verdict": "Chưa thấy khác biệt",
                      "verdict_full": "Chưa thấy khác biệt", "pilot": "64,0 → 70,0 (+6,0)",
                      "rest": "63,0 → 68,0 (+5,0)", "difference": "+1,0"}],
        "pilot_units": [{"unit": "Sở Y tế", "block": "Văn hóa – Xã hội", "levels": "60,0 → 62,0 (+2,0)",
                         "rest": "60,0 → 65,0 (+5,0)", "difference": "-3,0",
                         "reading": "tăng ít hơn các đơn vị khác cùng khối 3,0 điểm",
                         "behind": True}],
        "pilot_units_indicator": "Chỉ số văn hóa công sở tổng hợp",
        "grades": [{"label": "Chưa thấy khác biệt", "meaning": "số liệu chưa cho thấy khác biệt"}],
        "two_methods": "Hai cách so sánh thông dụng nhất.",
        "leadership_extra": ["62,0% CBCCVC đã xây dựng kế hoạch, cam kết cá nhân."],
    }
    text = _all_text(_draft_of(tmp_path, ctx))
    assert "64,0 → 70,0 (+6,0) 63,0 → 68,0 (+5,0) +1,0 Chưa thấy khác biệt" in text
    assert "Sở Y tế Văn hóa – Xã hội 60,0 → 62,0 (+2,0) 60,0 → 65,0 (+5,0) -3,0" in text
    assert "Sở Y tế (khối Văn hóa – Xã hội, -3,0)" in text  # behind its block, under hạn chế
    assert "“Chưa thấy khác biệt”: số liệu chưa cho thấy khác biệt" in text
    assert "Hai cách so sánh thông dụng nhất." in text
    assert "62,0% CBCCVC đã xây dựng kế hoạch, cam kết cá nhân." in text and "Biểu 01-VHCS chưa thu" not in text
    assert "(đơn vị điểm 7,49/10, các đơn vị còn lại 7,05/10)" in text and "PCI 2018 công bố sau" in text
