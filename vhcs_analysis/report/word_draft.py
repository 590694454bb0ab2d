"""Writing the Word draft's pieces: headings, paragraphs, Word tables (header row repeated,
rows kept whole, column widths fitted to their content), PNG figures with numbered captions; and the figure
pack's list ``figures/danh-muc-hinh.csv``. What goes where is decided in ``word.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vhcs_analysis.io.writers import write_csv
from vhcs_analysis.layout import FIGURE_LIST_NAME as FIGURE_LIST_NAME  # re-exported: the name is layout's
from vhcs_analysis.layout import figure_file
from vhcs_analysis.report import word_template as wt

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

NO_DATA = "Không có số liệu."
PLACEHOLDER_LEAD = "Văn phòng bổ sung"  # the mark of a part only people can write
MAX_FIGURE_HEIGHT_MM = 200.0


@dataclass
class FigureEntry:
    """A figure placed in the Word draft: its file name, number and caption."""
    name: str
    number: int
    caption: str


@dataclass
class Draft:
    """Writes into one docxtpl sub-document; table and figure numbers run across both."""

    doc: Any
    figures_dir: Path
    text_width: int  # EMU
    counters: dict = field(default_factory=lambda: {"table": 0, "figure": 0})
    figure_list: list = field(default_factory=list)
    style_ids: dict = field(default_factory=dict)

    def styled(self, style: str, text: str = "", cell=None):
        """A new paragraph (or a table cell's first one) in ``style``, looked up by name once
        (python-docx's lookup reads all styles each time)."""
        if style not in self.style_ids:
            self.style_ids[style] = _ensure_style(self.doc.styles, style).style_id
        paragraph = cell.paragraphs[0] if cell is not None else self.doc.add_paragraph()
        if text:
            paragraph.add_run(text)
        paragraph._p.style = self.style_ids[style]
        return paragraph

    def para(self, text: str = "", *, lead: str | None = None, style: str = "Normal"):
        """Add a paragraph of ``text`` in ``style``, after a bold ``lead`` if given; returns the paragraph."""
        paragraph = self.styled(style)
        if lead:
            paragraph.add_run(lead).bold = True
        paragraph.add_run(text)
        return paragraph

    def bullets(self, items: list[str]) -> None:
        """Add one bulleted paragraph per item."""
        for item in items:
            self.styled("List Bullet", item)

    def note(self, text: str, title: str | None = None) -> None:
        """Add a note paragraph (the note style), after a bold ``title`` if given."""
        paragraph = self.styled(wt.NOTE_STYLE)
        if title:
            paragraph.add_run(title + ". ").bold = True
        paragraph.add_run(text)

    def _caption(self, kind: str, text: str) -> int:
        """"Bảng N." / "Hình N." with N a Word ``SEQ`` field (the number shown is its result,
        so Word renumbers when the clerk deletes a table or figure: select all, F9)."""
        self.counters[kind] += 1
        label = "Bảng" if kind == "table" else "Hình"
        paragraph = self.styled("Caption")
        paragraph.add_run(f"{label} ").bold = True
        complex_field(paragraph, f" SEQ {label} \\* ARABIC ", str(self.counters[kind]), bold=True)
        paragraph.add_run(". ").bold = True
        paragraph.add_run(text)
        if kind == "table":
            paragraph.paragraph_format.keep_with_next = True
        return self.counters[kind]

    def heading(self, text: str, level: int = 1, *, new_page: bool = False) -> None:
        """Add a heading of ``level``; ``new_page`` starts an appendix on its own page with the heading centred."""
        paragraph = self.styled(f"Heading {level}", text)
        if new_page:  # an appendix: its own page, its heading centred
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            paragraph.paragraph_format.page_break_before = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def placeholder(self, what: str, points: list[str] | None = None) -> Paragraph:
        """A part only people can write: one highlighted paragraph "[Văn phòng bổ sung: …]"
        with the data points that should inform it, one a line (the clerk replaces it whole)."""
        from docx.enum.text import WD_COLOR_INDEX

        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = self.styled("Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT  # justified lines with breaks would stretch
        lines = [f"[{PLACEHOLDER_LEAD}: {what}", *[f"– {point}" for point in points or []]]
        lines[-1] += "]"
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            if index == 0:
                run.bold = True
            if index < len(lines) - 1:
                run.add_break()
        return paragraph

    def table(self, caption: str | None, header: list[str], rows: list[dict], keys: list[str],
              widths: list[float] | None = None, align: str | None = None) -> None:
        """A Word table: caption above, header row repeated on every page, no row split
        across pages, fixed column widths fitted to the content over the text width
        (``fit_columns``: no word broken in the middle; ``widths``, relative shares, spread the
        room left when every cell fits on one line), the text at 11 pt or smaller only when the
        longest words need it; ``align`` one letter per column (l/c/r; default: first left,
        the rest right)."""
        if caption is not None:
            self._caption("table", caption)
        if not rows:
            self.note(NO_DATA)
            return
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        align = align or ("l" + "r" * (len(keys) - 1))
        texts = [[_text(row.get(key)) for key in keys] for row in [dict(zip(keys, header, strict=True)), *rows]]
        size, points = fit_columns(texts, self.text_width / EMU_PER_PT, widths)
        emu = [int(p * EMU_PER_PT) for p in points]
        table = self.doc.add_table(rows=len(texts), cols=len(keys))
        _fixed_layout(table, emu)
        where = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
        for index, line in enumerate(texts):
            row_cells = table.rows[index].cells
            for col, text in enumerate(line):
                cell = row_cells[col]
                cell.width = emu[col]
                paragraph = self.styled(wt.TABLE_STYLE, cell=cell)
                run = paragraph.add_run()
                _cell_text(run, text)
                if size != wt.TABLE_PT:
                    run.font.size = Pt(size)
                if index == 0:
                    run.bold = True
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    paragraph.paragraph_format.keep_with_next = True  # never a header alone at a page's foot
                    _shade(cell, "E1E1E1")
                else:
                    paragraph.alignment = where[align[col]]
        for index, row in enumerate(table.rows):
            _keep_row(row, header=index == 0)
        self.styled(wt.TABLE_STYLE)  # a gap after the table

    def figure(self, name: str, caption: str, figures: dict) -> None:
        """The PNG ``figures/NAME.png`` at the text width (capped in height), numbered caption
        below; a note when the notebooks wrote no such figure."""
        path = self.figures_dir / figure_file(name, "png")
        if not figures.get(name) or not path.is_file():
            self.note(f"Không có hình “{caption}” (không có số liệu).")
            return
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.image.image import Image
        from docx.shared import Mm

        image = Image.from_file(str(path))
        width = self.text_width
        height = width * image.px_height / image.px_width
        if height > Mm(MAX_FIGURE_HEIGHT_MM):
            width = int(width * Mm(MAX_FIGURE_HEIGHT_MM) / height)
        paragraph = self.styled("Normal")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = 0
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(str(path), width=int(width))
        number = self._caption("figure", caption)
        self.figure_list.append(FigureEntry(name, number, caption))


EMU_PER_PT = 12700
CELL_PADDING_PT = 2 * 5.4  # Word's default cell margins, 0,075 inch left and right
TABLE_SIZES_PT = (wt.TABLE_PT, 10.0, 9.0)  # a smaller size only for a table whose words need it
FONT_DIR = Path(__file__).resolve().parent / "fonts"  # Liberation Serif: the metrics of Times New Roman
MEASURE_MARGIN = 1.04  # room for Word's own rounding and a printer's font


@lru_cache(maxsize=8)
def _table_font(size: float, bold: bool):
    """Liberation Serif (shipped with the package, metric-compatible with Times New Roman)
    at ``size`` points, scaled ×10 for sub-point precision."""
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), int(round(size * 10)))


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Printed width of ``text`` on one line, in points, in Times New Roman metrics."""
    return _table_font(size, bold).getlength(text) / 10 * MEASURE_MARGIN


def fit_columns(texts: list[list[str]], available_pt: float,
                shares: list[float] | None = None) -> tuple[float, list[float]]:
    """Column widths (points, summing to ``available_pt``) for a table whose first row is the
    bold header, and the text size to print it at: the largest of ``TABLE_SIZES_PT`` at
    which every column is at least as wide as its longest word (so Word never breaks a
    word); above that, a column whose text needs less than an even share of the room left
    gets its one-line width, the others share the rest in proportion to what they lack to
    fit on one line; when every cell fits on one line, the columns get their one-line width and
    the room left is spread by ``shares`` (equal without). Below the smallest size a table
    still too wide gets columns in proportion to its longest words."""
    columns = range(len(texts[0]))
    size, least, most = TABLE_SIZES_PT[-1], [0.0] * len(columns), [0.0] * len(columns)
    for size in TABLE_SIZES_PT:
        least = [max(max((text_width_pt(word, size, index == 0) for word in line[c].split()), default=0.0)
                     for index, line in enumerate(texts)) + CELL_PADDING_PT for c in columns]
        most = [max(text_width_pt(line[c], size, index == 0) for index, line in enumerate(texts)) + CELL_PADDING_PT
                for c in columns]
        if sum(least) <= available_pt:
            break
    if sum(least) > available_pt:
        return size, [available_pt * w / sum(least) for w in least]
    if sum(most) <= available_pt:
        weights = shares or [1.0] * len(most)
        room = available_pt - sum(most)
        return size, [w + room * s / sum(weights) for w, s in zip(most, weights, strict=True)]
    room, lack = available_pt - sum(least), [m - w for m, w in zip(most, least, strict=True)]
    widths, open_columns = list(least), sorted(columns, key=lambda c: lack[c])
    while open_columns and lack[open_columns[0]] <= room / len(open_columns):  # short texts: whole, on one line
        c = open_columns.pop(0)
        widths[c], room = most[c], room - lack[c]
    need = sum(lack[c] for c in open_columns)
    for c in open_columns:
        widths[c] += room * lack[c] / need
    return size, widths


MINUS_BEFORE_DIGIT = re.compile(r"-(?=\d)")


def _cell_text(run, text: str) -> None:
    """Put ``text`` in ``run`` with every "-" before a digit (a minus sign, as in "(-2,0)", or
    a range) as a non-breaking hyphen: Word and LibreOffice may otherwise break the line
    after it, parting the sign from its number. python-docx reads it back as "-"."""
    from docx.oxml import OxmlElement

    for index, part in enumerate(MINUS_BEFORE_DIGIT.split(text)):
        if index:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if part:
            run._r.add_t(part)


def _ensure_style(styles, name: str):
    """The paragraph style ``name``; an office template made in Word defines a built-in style
    (Heading 1, Caption, List Bullet …) only once it has been used, so a missing one is
    added on ``Normal`` (headings bold), and Word still recognises it by its name."""
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        if name.startswith("Heading"):
            style.font.bold = True
            style.paragraph_format.keep_with_next = True
        if name in ("Caption", wt.NOTE_STYLE):
            style.font.italic = True
        return style


def _text(value) -> str:
    return "" if value is None else str(value)


def _fixed_layout(table, emu: list[int]) -> None:
    """Fixed column widths summing to the text width, and single borders (no table style
    needed, so an office template without "Table Grid" still draws them)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.autofit = False
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(emu) // 635))  # EMU → twentieths of a point
    width.set(qn("w:type"), "dxa")
    wt.set_table_property(table, width)
    wt.table_borders(table, "single", 4, "808080")
    for col, value in zip(table.columns, emu, strict=True):
        col.width = value


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _keep_row(row, *, header: bool) -> None:
    """No row split across pages (``cantSplit``); the header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def complex_field(paragraph, instruction: str, result: str, *, bold: bool = False) -> None:
    """A Word field (``SEQ`` …) as runs: begin, instruction, separate, the result shown
    until Word updates it, end."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run._r.append(text)
    char("separate")
    paragraph.add_run(result).bold = bold or None
    char("end")


def cells(rows: list[dict], key: str, prefix: str) -> list[dict]:
    """Rows whose values come as a list (``cells``) → dicts with keys c0, c1, … (as in Typst)."""
    return [{prefix: r.get(prefix), **{f"c{i}": c for i, c in enumerate(r.get(key) or [])}} for r in rows]


# ----------------------------------------------------------------------------- figure pack


def notebook_of(figure: str, notebooks_dir: Path | None) -> str:
    """The executed notebook whose code publishes ``figure`` (``"NAME"`` in a publish_figure cell)."""
    import nbformat

    if notebooks_dir is None or not notebooks_dir.is_dir():
        return ""
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # noqa: BLE001 - an unreadable notebook names nothing
            continue
        for cell in nb.cells:
            if cell.cell_type == "code" and "publish_figure" in cell.source and f'"{figure}"' in cell.source:
                return path.name
    return ""


def write_figure_list(entries: list[FigureEntry], figures_dir: Path, notebooks_dir: Path | None,
                      slides: dict[str, list[int]] | None = None) -> Path:
    """``figures/danh-muc-hinh.csv`` (UTF-8 with BOM so Excel reads the diacritics): file,
    number, caption, source notebook, and the slides of the conference deck that show it
    (``slides``: figure → slide numbers), for every figure of the draft, in its order."""
    import pandas as pd

    shown = slides or {}
    rows = [[figure_file(entry.name, "png"), f"Hình {entry.number}", entry.caption,
             notebook_of(entry.name, notebooks_dir), ", ".join(f"Trang {n}" for n in shown.get(entry.name, []))]
            for entry in entries]
    frame = pd.DataFrame(rows, columns=["file", "number", "caption", "notebook", "slides"], dtype=object)
    return write_csv(frame, figures_dir / FIGURE_LIST_NAME)
