"""The Word template of the review draft (``report/bao-cao-mau.docx``), made with python-docx.

The template holds the frame of a Party report (Hướng dẫn 36-HD/VPTW): A4 page and
margins, the styles (``Normal`` Times New Roman 14 pt, ``Heading 1``/``Heading 2``,
``Caption``, ``Bảng số liệu`` for table text), the header block in a borderless table,
the title, the closing "Nơi nhận:" and signature block (T/M BAN THƯỜNG VỤ, the signer's
title and name left highlighted for people to fill), the page number and the sample mark
in the page header (no page number on page 1). Sizes as Hướng dẫn 36-HD/VPTW sets them:
the issuing bodies 14 pt (the bloc's committee bold), "ĐẢNG CỘNG SẢN VIỆT NAM" 15 pt bold
underlined, number 14 pt, place and date 14 pt italic, "BÁO CÁO" 16 pt bold, the trích
yếu 14 pt bold in ordinary case, "Nơi nhận:" 14 pt underlined over 12 pt recipients. The content arrives through three
docxtpl tags, ``{{p opening }}``, ``{{p body }}`` and ``{{p appendices }}`` (see
``report/word.py``); the office may restyle the template in Word
and point ``[report] docx_template`` at its copy (docs/report.md lists the tags).

``python -m vhcs_analysis.report.word_template [PATH]`` rewrites the shipped template;
a test checks that the shipped file is exactly what this module makes.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from pathlib import Path

from vhcs_analysis.labels import RECIPIENTS_VI

TEMPLATE_PATH = Path(__file__).resolve().parent / "bao-cao-mau.docx"
FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11
PAGE_NUMBER_PT = 14
TABLE_STYLE = "Bảng số liệu"  # paragraph style of the text in table cells
NOTE_STYLE = "Ghi chú"  # paragraph style of notes under tables and the plain-language boxes
KIND_STYLE = "Tên loại văn bản"  # "BÁO CÁO"
SUBJECT_STYLE = "Trích yếu"  # the subject lines under it
LEAD_STYLE = "Heading 3"  # a target's or task group's name before its results
AUTHOR = "Đảng ủy Khối Các cơ quan tỉnh Hà Tĩnh"
# Hướng dẫn 36-HD/VPTW: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEMPLATE_DATE = dt.datetime(2018, 4, 3)  # the date of Hướng dẫn 36-HD/VPTW, never now()


def _set_fonts(style_or_run_element, name: str = FONT) -> None:
    """Set every script slot of ``w:rFonts`` (ascii, hAnsi, eastAsia, cs): Word picks the slot
    by character class, and Vietnamese letters with diacritics may fall in any of them."""
    from docx.oxml.ns import qn

    if hasattr(style_or_run_element, "get_or_add_rPr"):
        rpr = style_or_run_element.get_or_add_rPr()
    else:  # w:rPrDefault (plain lxml element)
        rpr = style_or_run_element.find(qn("w:rPr"))
        if rpr is None:
            rpr = style_or_run_element.makeelement(qn("w:rPr"), {})
            style_or_run_element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(doc, name: str, *, size: float, bold=None, italic=None, base: str | None = None,
           align=None, before: float = 0, after: float = 0, indent_mm: float | None = None, keep=False):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True
        # an ASCII id, as Word makes them (the name keeps its diacritics)
        style.style_id = "".join(ch for ch in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
                                 if ch.isascii() and ch.isalnum())
    if base:
        style.base_style = doc.styles[base]
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if align is not None:
        fmt.alignment = align
    if indent_mm is not None:
        fmt.first_line_indent = Mm(indent_mm)
    if keep:
        fmt.keep_with_next = True
    return style


def _styles(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    normal = _style(doc, "Normal", size=BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent_mm=10)
    normal.paragraph_format.line_spacing = 1.1
    _style(doc, "Heading 1", size=BODY_PT, bold=True, italic=False, base="Normal", before=12, after=6,
           indent_mm=0, keep=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "Heading 2", size=BODY_PT, bold=True, italic=True, base="Normal", before=6, after=4,
           indent_mm=0, keep=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, LEAD_STYLE, size=BODY_PT, bold=True, italic=False, base="Normal", before=4, after=3,
           indent_mm=10, keep=True)
    _style(doc, KIND_STYLE, size=16, bold=True, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, indent_mm=0,
           before=12, after=0)
    _style(doc, SUBJECT_STYLE, size=BODY_PT, bold=True, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER,
           indent_mm=0, after=0)
    _style(doc, "Caption", size=12, bold=False, italic=True, base="Normal", before=3, after=6,
           indent_mm=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, TABLE_STYLE, size=TABLE_PT, base="Normal", indent_mm=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    doc.styles[TABLE_STYLE].paragraph_format.line_spacing = 1.0
    _style(doc, NOTE_STYLE, size=12, italic=True, base="Normal", after=6, indent_mm=0)
    _style(doc, "List Bullet", size=BODY_PT, base="Normal", indent_mm=0)
    for name in ("Header", "Footer"):  # the page number: 14 pt, upright, centred (Hướng dẫn 36-HD/VPTW)
        _style(doc, name, size=PAGE_NUMBER_PT, base="Normal", indent_mm=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    # the document's default run font too, so text outside any style is Times New Roman
    from docx.oxml.ns import qn

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            _set_fonts(rpr_default)


def _page(doc) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(10)


def _field(paragraph, instruction: str) -> None:
    """A simple field (PAGE): Word and LibreOffice compute it when they lay the page out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _sample_mark(header) -> None:
    """The sample mark, printed only when the draft is built from sample data."""
    from docx.shared import Pt, RGBColor

    first = header.paragraphs[0]
    first.text = "{%p if is_sample %}"
    mark = header.add_paragraph(style="Header")
    run = mark.add_run("{{ sample_mark }}")
    run.bold = True
    run.font.size = Pt(10)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    header.add_paragraph("{%p endif %}", style="Header")


def _header(doc) -> None:
    """Page header: the sample mark (only when built from sample data) on every page, the
    page number from page 2 on (a different first page, as Hướng dẫn 36-HD/VPTW numbers
    pages from the second)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    for header in (section.header, section.first_page_header):
        header.is_linked_to_previous = False
        header.paragraphs[0].style = doc.styles["Header"]
        _sample_mark(header)
    _field(section.header.add_paragraph(style="Header"), "PAGE")


# Children of w:tblPr in the order the schema requires (Word rejects a file that mixes them).
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
               "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")


def set_table_property(table, element) -> None:
    """Put ``element`` (a child of w:tblPr) in its schema position, replacing one of its kind."""
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    name = element.tag.rsplit("}", 1)[1]
    for old in tbl_pr.findall(qn(f"w:{name}")):
        tbl_pr.remove(old)
    rank = TBLPR_ORDER.index(name)
    later = [child for child in tbl_pr if child.tag.rsplit("}", 1)[1] in TBLPR_ORDER[rank + 1:]]
    if later:
        later[0].addprevious(element)
    else:
        tbl_pr.append(element)


def table_borders(table, val: str, size: int = 4, color: str = "auto") -> None:
    """The same line on every edge of ``table`` (``val`` "nil" for none, "single" for a line)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), val)
        if val != "nil":
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), color)
        borders.append(element)
    set_table_property(table, borders)


def _borderless(table) -> None:
    table_borders(table, "nil")


def _cell_lines(cell, lines) -> None:
    """Fill a cell with centred lines: (text, bold, italic, underline, size); a text in
    square brackets is a part only people can fill, highlighted in yellow like the body's
    "[Văn phòng bổ sung: …]" placeholders."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
    from docx.shared import Pt

    for index, (text, bold, italic, underline, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = "Normal"
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = 0
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
        if text.startswith("["):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _two_columns(doc, left, right, widths_mm=(80, 85), indent_mm: float = 0) -> None:
    """A borderless two-column table of centred lines (the header block, Nơi nhận and the
    signature), without cell margins; ``indent_mm`` below 0 starts it in the left margin
    (the header block, whose two longest lines at 14 and 15 pt need more than the text width)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _borderless(table)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    set_table_property(table, margins)
    if indent_mm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(int(Mm(indent_mm)) // 635))  # EMU → twentieths of a point
        indent.set(qn("w:type"), "dxa")
        set_table_property(table, indent)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(Mm(w) for w in widths_mm) // 635))  # EMU → twentieths of a point
    width.set(qn("w:type"), "dxa")
    set_table_property(table, width)
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
        table.rows[0].cells[index].width = Mm(width)
    _cell_lines(table.rows[0].cells[0], left)
    _cell_lines(table.rows[0].cells[1], right)


# The header block: 170 mm from 5 mm inside the left margin, so "ĐẢNG ỦY KHỐI CÁC CƠ QUAN
# TỈNH" (14 pt bold) and the place and date (14 pt italic) each stay on one line.
HEADER_WIDTHS_MM = (92, 78)
HEADER_INDENT_MM = -5

# The signature block (thể thức đề ký): the authority, the signer's title, room for the
# signature and the seal, the signer's name. Only people fill the title and the name
# (square brackets, highlighted); no name ever comes from data.
SIGNATURE = (
    ("T/M BAN THƯỜNG VỤ", True, False, False, 14),
    ("[BÍ THƯ hoặc PHÓ BÍ THƯ]", True, False, False, 14),
    ("", False, False, False, 14),
    ("[ký, đóng dấu]", False, True, False, 12),
    ("", False, False, False, 14),
    ("", False, False, False, 14),
    ("[Họ và tên người ký]", True, False, False, 14),
)


def _frame(doc) -> None:
    """The document: header block, title and trích yếu, the opening and the body (parts
    I–V), Nơi nhận and signature, then the appendices (each tag alone in its paragraph)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    _two_columns(
        doc,
        [("ĐẢNG BỘ TỈNH HÀ TĨNH", False, False, False, 14), ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", True, False, False, 14),
         ("*", False, False, False, 14), ("{{ cover.number }}", False, False, False, 14)],
        [("ĐẢNG CỘNG SẢN VIỆT NAM", True, False, True, 15), ("", False, False, False, 14),
         ("{{ cover.place_date }}", False, True, False, 14)],
        widths_mm=HEADER_WIDTHS_MM, indent_mm=HEADER_INDENT_MM,
    )
    doc.add_paragraph("BÁO CÁO", style=KIND_STYLE)
    doc.add_paragraph("{{ word.title }}", style=SUBJECT_STYLE)
    doc.add_paragraph("{{ word.subject }}", style=SUBJECT_STYLE)
    doc.add_paragraph("-----", style=SUBJECT_STYLE).paragraph_format.space_after = Pt(12)
    doc.add_paragraph("{{p opening }}", style="Normal")
    doc.add_paragraph("{{p body }}", style="Normal")
    closing = doc.add_paragraph("", style="Normal")
    closing.paragraph_format.space_after = Pt(12)
    closing.paragraph_format.keep_with_next = True  # the signature block never alone on a page
    _two_columns(
        doc,
        [("Nơi nhận:", False, False, True, 14), *((f"- {line}", False, False, False, 12) for line in RECIPIENTS_VI)],
        SIGNATURE,
    )
    doc.add_paragraph("{{p appendices }}", style="Normal")
    first = doc.tables[-1].rows[0].cells[0]
    for paragraph in first.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    # python-docx's default document starts with an empty paragraph; drop it
    body = doc.element.body
    leading = body[0]
    if leading.tag.endswith("}p") and not "".join(leading.itertext()).strip():
        body.remove(leading)


def core_properties_xml(*, title: str, when: dt.datetime) -> bytes:
    """``docProps/core.xml`` written whole: fixed author (the bloc, no person's name), the
    given date as created and modified, revision 1. Written as text rather than through
    python-docx because docxcompose re-points the ``cp`` prefix at another namespace once
    imported, which makes python-docx add misplaced duplicate properties."""
    from xml.sax.saxutils import escape

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(AUTHOR)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(AUTHOR)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "<dc:language>vi-VN</dc:language></cp:coreProperties>"
    )
    return text.encode("utf-8")


def normalise_docx(data: bytes, *, core: bytes | None = None) -> bytes:
    """A .docx (a zip) rewritten with a stable entry order ([Content_Types].xml, then by
    name), one fixed timestamp and a fixed creator system: python-docx stamps entries with
    the current time, which would make every rebuild differ. ``core``: the bytes of
    ``docProps/core.xml`` to put in (``core_properties_xml``)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    if core is not None:
        entries["docProps/core.xml"] = core
    order = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name != "_rels/.rels", name))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # zipfile's default depends on the OS (0 on Windows)
            target.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()


def docx_bytes(doc, *, title: str, when: dt.datetime) -> bytes:
    """The document saved, with fixed core properties and a normalised zip."""
    import io

    drop_thumbnail(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_docx(buffer.getvalue(), core=core_properties_xml(title=title, when=when))


def drop_thumbnail(doc) -> None:
    """python-docx's default package carries a generic page thumbnail; a draft must not."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rid)


def make_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the template ``.docx`` (byte-identical on every run)."""
    from docx import Document

    doc = Document()
    _page(doc)
    _styles(doc)
    _header(doc)
    _frame(doc)
    from vhcs_analysis.io.writers import write_bytes_atomic

    return write_bytes_atomic(docx_bytes(doc, title="Báo cáo (mẫu Word)", when=TEMPLATE_DATE), path)


if __name__ == "__main__":  # pragma: no cover - maintenance command
    print(make_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
