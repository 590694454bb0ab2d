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

from vhcs_analysis.config import SAMPLE_MARK, package_defaults  # noqa: E402
from vhcs_analysis.errors import VhcsError  # noqa: E402
from vhcs_analysis.report import word, word_draft, word_template  # noqa: E402
from vhcs_analysis.report.build import report_name  # noqa: E402

from test_report import built  # noqa: E402,F401 - the shared end-to-end build (fixture)

FRAME_TABLES = 2  # the header block and the signature block (borderless)


def _report(**override):
    """The package's ``[report]`` section with ``override``."""
    return package_defaults().report.model_copy(update=override)


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
         "n": "7/58", "mde": "5,1", "code": "better", "verdict": "Điểm tốt hơn rõ", "reason": "cả hai cách cùng chiều"},
        {"indicator": "study_rate", "label": "Tỷ lệ CBCCVC đã học tập", "unit": "điểm %", "better": "cao hơn",
         "did": "−1,2", "did_ci": "−3,5 đến +1,1", "adj": "−0,8", "adj_ci": "−3,0 đến +1,4", "p_holm": "1,000",
         "did_full": "−1,2 (−3,5 đến +1,1)", "adj_full": "−0,8 (−3,0 đến +1,4)",
         "n": "7/58", "mde": "4,0", "code": "no_evidence", "verdict": "Chưa đủ bằng chứng",
         "reason": "khoảng tin cậy chứa 0"},
    ]
    return {
        "is_sample": is_sample, "sample_mark": SAMPLE_MARK,
        "cover": {"number": "Số       -BC/ĐUK", "place_date": "Hà Tĩnh, ngày 31 tháng 01 năm 2019", "date": "31/01/2019"},
        "scope": {"n_units": "66", "n_pilot": "7", "n_rest": "59", "n_blocks": "7", "baseline": "6 tháng cuối năm 2016",
                  "post": "6 tháng cuối năm 2018", "periods": ["6T cuối 2016", "6T cuối 2018"], "n_periods": "2"},
        "main_indicator": "oc_index",
        "pilots": {"answer": "Đơn vị điểm chuyển biến tốt hơn rõ ở 1/2 chỉ tiêu.", "answer_short": "Tốt hơn rõ ở 1/2.",
                   "rows": rows, "outcomes": rows, "placebo": "", "adoption": [], "sensitivity": []},
        "goals": [], "rollout": {"at_post": [], "on_time": []}, "inspections": {}, "ranking": {},
        "comparisons": {}, "data_quality": {"headline": "Đã đọc 194 tệp.", "reports": "330 báo cáo."},
        "provenance": {"files": [], "totals": {}}, "public_indices": [], "weights": [],
        "figures": figures or {},
    }


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


def test_render_docx__names_the_settings_file_and_its_sha256_like_the_pdf_only_when_one_was_used(tmp_path):
    used = {**_context(False), "settings": {"source": "vhcs.toml", "sha256": "ab" * 32}}
    word.render_docx(used, tmp_path, tmp_path / "file.docx")
    word.render_docx({**_context(False), "settings": {"source": "", "sha256": ""}}, tmp_path, tmp_path / "none.docx")
    with_file = _all_text(docx.Document(str(tmp_path / "file.docx")))
    assert "Tệp vhcs.toml (SHA-256 " + "ab" * 32 + ")" in with_file and "manifest.json" in with_file
    assert "Cấu hình. Tệp" not in _all_text(docx.Document(str(tmp_path / "none.docx")))


def test_render_docx__party_page_setup_fonts_and_heading_styles(tmp_path):
    target = tmp_path / "draft.docx"
    word.render_docx(_context(True), tmp_path, target)
    document = docx.Document(str(target))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    names = {p.style.name for p in headings}
    assert {"Heading 1", "Heading 2"} <= names
    assert any(p.text == "TÓM TẮT CHO LÃNH ĐẠO" and p.style.name == "Heading 1" for p in headings)
    assert any(p.text.startswith("PHỤ LỤC B") for p in headings)
    text = _all_text(document)
    for fixed in ("ĐẢNG BỘ TỈNH HÀ TĨNH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO",
                  "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "Hà Tĩnh, ngày 31 tháng 01 năm 2019", "-BC/ĐUK"):
        assert fixed in text
    assert "{{" not in text and "{%" not in text


def test_render_docx__tables_repeat_header_and_fit_the_text_width(tmp_path):
    target = tmp_path / "draft.docx"
    word.render_docx(_context(False), tmp_path, target)
    document = docx.Document(str(target))
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    data_tables = document.tables[1:-1]
    assert len(data_tables) == 2  # the summary's DiD table and the one in section IV
    for table in data_tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
        widths = [cell.width for cell in table.rows[1].cells]
        assert abs(sum(widths) - text_width) < Mm(1)
        texts = [c.text for c in table.rows[1].cells]
        assert texts[0] == "Chỉ số văn hóa công sở tổng hợp" and "+4,6 (+1,0 đến +8,2)" in texts


def test_render_docx__sample_mark_in_the_header_only_for_sample_data(tmp_path):
    word.render_docx(_context(True), tmp_path, tmp_path / "mau.docx")
    word.render_docx(_context(False), tmp_path, tmp_path / "that.docx")
    marked, plain = docx.Document(str(tmp_path / "mau.docx")), docx.Document(str(tmp_path / "that.docx"))
    assert SAMPLE_MARK in _header_text(marked)
    assert "DỮ LIỆU MẪU" not in _header_text(plain) + _all_text(plain)


def test_render_docx__figure_at_text_width_and_at_least_200_dpi(tmp_path):
    png = _figure_png(tmp_path, "did_forest")
    placed = word.render_docx(_context(False, {"did_forest": True}), tmp_path, tmp_path / "d.docx")
    document = docx.Document(str(tmp_path / "d.docx"))
    assert [e.name for e in placed] == ["did_forest"] and len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    from docx.image.image import Image

    image = Image.from_file(str(png))
    assert image.px_width / shape.width.inches >= 200
    section = document.sections[0]
    assert shape.width <= section.page_width - section.left_margin - section.right_margin
    assert "Hình 1. Hai cách ước lượng" in _all_text(document)


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
def test_draft__key_numbers_equal_the_pdf_context(built):
    from vhcs_analysis.report.context import build_context

    ctx = build_context(built.paths, package_defaults())
    text = _all_text(docx.Document(str(_draft(built))))
    dq, prov, rk, ins = ctx["data_quality"], ctx["provenance"], ctx["ranking"], ctx["inspections"]
    pilots = ctx["pilots"]
    expected = [pilots["answer"], pilots["answer_short"], dq["headline"], dq["reports"], ins["mean_total"],
                ins["weakest"], f"{prov['totals']['rows_read']} dòng đọc", f"{rk['n_up']} đơn vị được nâng mức",
                ctx["rollout"]["study_rate"], ctx["cover"]["place_date"]]
    for row in pilots["rows"]:
        expected += [row["did_full"], row["adj_full"], row["p_holm"], row["mde"], row["verdict"], row["reason"]]
    expected += [row["n"] for row in pilots["outcomes"]]  # n is printed in the summary's table of outcomes
    for row in pilots["adoption"]:
        expected += [row["pilot"], row["rest"]]
    for item in ctx["data_quality"]["by_reason"]:
        expected += [item["reason"], item["rows"]]
    missing = [e for e in expected if " ".join(str(e).replace("\u00a0", " ").split()) not in text]
    assert not missing


@pytest.mark.e2e
def test_draft__one_word_table_per_non_empty_table_and_every_figure(built):
    from vhcs_analysis.report.context import build_context

    ctx = build_context(built.paths, package_defaults())
    document = docx.Document(str(_draft(built)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    numbered_tables = [c for c in captions if c.startswith("Bảng ")]
    empty_notes = sum(1 for p in document.paragraphs if p.text == word_draft.NO_DATA)  # a table without rows
    summary_tables = 3  # without caption: the verdicts, the goals, the public indices
    assert len(document.tables) == FRAME_TABLES + summary_tables + len(numbered_tables) - empty_notes
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
