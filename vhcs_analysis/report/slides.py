"""The conference deck (``bao-cao-<kind>-nq01.pptx``): ten slides for the hội nghị sơ kết,
from the same report context as the PDF and the Word draft (``context.build_context``).

Each slide carries one message, in its title, worded from the numbers; its body is a short
table (at most ``MAX_ROWS`` rows, the rest pointed to the report) or a figure of the figure
pack (``figures/NAME.png``, never re-drawn); its speaker notes hold the numbers and the
caveats the slide leaves out, so that the presenter does not overstate. Text is at least
20 pt, the page 16:9; sample data carry the sample mark on every slide; a subject with no
data gets one line saying so, never an empty chart or table.

The look comes from a template (``trinh-chieu-mau.pptx``, made by ``make_template``, or
the office's own copy named by ``[report] pptx_template``): its "Title Slide" and "Title
Only" layouts, theme fonts and colours. The deck is written byte for byte the same on
every rebuild (fixed core properties and zip entries, as for the Word draft).

Everything the slides read from the context goes through ``deck_view`` (one place to
adapt when the context changes); everything else here lays that view out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from vhcs_analysis import layout
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import write_bytes_atomic
from vhcs_analysis.report import word_template as wt
from vhcs_analysis.settings import Report
from vhcs_analysis.indicator_registry import higher_is_better
from vhcs_analysis.report.readings import UNDETECTABLE_VI, row_label
from vhcs_analysis.verdicts import VERDICT_VI

TEMPLATE_PATH = Path(__file__).resolve().parent / "trinh-chieu-mau.pptx"
WIDE = (12192000, 6858000)  # 13,333 × 7,5 inch: 16:9
EMU_PER_PT = 12700
TEXT_PT = 20  # the smallest text on a slide
TITLE_PT = 28
MAX_ROWS = 7  # data rows of a table (under its header row)
FONT = "Arial"  # the template's theme font (Liberation Sans where Arial is missing: same metrics)
MARK_RGB = "D55E00"  # the figures' sample-mark colour (Okabe–Ito vermillion)
NO_DATA = "Không có số liệu"
GOAL_SHORT = {1: "MT1", 2: "MT2", 3: "MT3"}
TASK_SHORT = {1: "NV1", 2: "NV2", 3: "NV3", 4: "NV4"}


def pptx_name(pdf_name: str) -> str:
    """The deck's file name: the PDF's name with the suffix swapped (``layout.pptx_name``)."""
    return layout.pptx_name(pdf_name)


def template_path(report: Report) -> Path:
    """``[report] pptx_template`` when set (relative to the working folder), else the shipped one."""
    configured = str(getattr(report, "pptx_template", "") or "").strip()
    if not configured:
        return TEMPLATE_PATH
    path = Path(configured).expanduser()
    if not path.is_file():
        raise VhcsError(f"[report] pptx_template: không thấy tệp mẫu trình chiếu {configured}")
    return path


# ----------------------------------------------------------------------------- the context


def deck_view(ctx: dict) -> dict:
    """What the slides read from the report context, under the slides' own names: the one
    function to adapt when the context's keys change."""
    get = lambda key: ctx.get(key) or {}  # noqa: E731
    pilots, comparisons, leaders = get("pilots"), get("comparisons"), get("leaders")
    # the leaders' summary's numbers (levels on the verdicts' basis, each pilot against its
    # block): the deck shows the same values as the PDF's answer page
    difference = {str(r.get("indicator")): r.get("difference", "") for r in leaders.get("outcomes") or []}
    ahead = {str(r.get("indicator")) for r in leaders.get("outcomes") or [] if r.get("ahead")}
    outcomes = [{"label": r.get("label", ""), "row_label": row_label(str(r.get("indicator")), str(r.get("label", ""))),
                 "change": difference.get(str(r.get("indicator")), r.get("did", "")),
                 "unit": r.get("unit", ""),
                 "grade": VERDICT_VI.get(str(r.get("code")), str(r.get("verdict", ""))), "code": str(r.get("code")),
                 "interval": r.get("did_ci", ""), "adjusted": r.get("adj_full", ""), "p_holm": r.get("p_holm", ""),
                 "mde": r.get("mde", ""), "n": r.get("n", ""), "reason": r.get("reason", ""),
                 "ahead": str(r.get("indicator")) in ahead}
                for r in pilots.get("outcomes") or []]
    if leaders.get("pilot_units"):
        blocks = [{"block": r.get("block", ""), "pilot_name": r.get("unit", ""), "pilot": r.get("change", ""),
                   "rest": r.get("rest_change", ""), "diff": r.get("difference", ""), "n": r.get("n_rest", "")}
                  for r in leaders["pilot_units"]]
    else:
        blocks = [{"block": r.get("block", ""), "pilot_name": "", "pilot": r.get("pilot", ""),
                   "rest": r.get("rest", ""),
                   "diff": r.get("diff", ""), "n": r.get("n", "")} for r in comparisons.get("per_block") or []]
    return {
        # a large bloc (issue 27): how many rows each shortened per-unit list has in full
        "list_totals": {k: int(v.get("total") or 0) for k, v in (ctx.get("lists") or {}).items()},
        "is_sample": bool(ctx.get("is_sample")), "sample_mark": str(ctx.get("sample_mark") or ""),
        "review": get("review"), "cover": get("cover"), "scope": get("scope"),
        "answer": str(pilots.get("answer_short") or pilots.get("answer") or ""),
        "outcomes": outcomes,
        "not_compared": [r for r in pilots.get("rows") or [] if r not in (pilots.get("outcomes") or [])],
        "blocks": blocks,
        "main_label": str(leaders.get("pilot_units_indicator") or comparisons.get("per_block_label") or ""),
        "main_higher_better": higher_is_better(str(ctx.get("main_indicator") or "")),
        "goals": list(ctx.get("goals") or []),
        "goals_note": str(ctx.get("goals_note") or ""),
        "inspections": get("inspections"), "ranking": get("ranking"), "data_quality": get("data_quality"),
        "figures": get("figures"),
    }


# ----------------------------------------------------------------------------- measuring


@lru_cache(maxsize=8)
def _font(size: float, bold: bool = False):
    """DejaVu Sans (shipped with matplotlib, pinned): wider than Arial, so a text that fits
    when measured with it fits on every machine; the measure is the same everywhere."""
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), int(round(size * 10)))


def text_lines(text: str, width_pt: float, size: float, bold: bool = False) -> int:
    """Lines ``text`` takes in a box ``width_pt`` wide at ``size`` points (word wrap)."""
    font = _font(size, bold)
    lines = 0
    for paragraph in str(text).split("\n"):
        line, count = "", 1
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) / 10 > width_pt and line:
                count += 1
                line = word
            else:
                line = candidate
        lines += count
    return lines


def text_height(text: str, width_pt: float, size: float, bold: bool = False) -> float:
    """Height in points of ``text`` wrapped in ``width_pt`` (line spacing 1.2)."""
    return text_lines(text, width_pt, size, bold) * size * 1.2


# ----------------------------------------------------------------------------- building blocks

PAD_PT = 7.2  # a text frame's default inner margin left and right (0,1 inch)


@dataclass
class Box:
    """A rectangle on the slide, in EMU (English Metric Units, 12.700 per point)."""
    left: int
    top: int
    width: int
    height: int

    @property
    def width_pt(self) -> float:
        """The width in points."""
        return self.width / EMU_PER_PT

    @property
    def height_pt(self) -> float:
        """The height in points."""
        return self.height / EMU_PER_PT

    def split(self, share: float, gap: int = 228600) -> tuple[Box, Box]:
        """Left and right parts, the left ``share`` of the width."""
        left = int((self.width - gap) * share)
        return (Box(self.left, self.top, left, self.height),
                Box(self.left + left + gap, self.top, self.width - left - gap, self.height))

    def below(self, height: int) -> tuple[Box, Box]:
        """The top ``height`` and what is left under it."""
        return Box(self.left, self.top, self.width, height), Box(self.left, self.top + height, self.width,
                                                                 self.height - height)


@dataclass
class SlideOut:
    """What the deck records of one slide: its title, its figures, its notes."""
    title: str
    figures: list[str] = field(default_factory=list)


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour)


def _write(frame, paragraphs: list[str], size: float = TEXT_PT, *, bold: bool = False, colour: str | None = None,
           bullets: bool = False) -> None:
    """Paragraphs into a text frame, each run at ``size`` points (no autofit: measured)."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for index, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = f"• {text}" if bullets else text
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour:
            run.font.color.rgb = _rgb(colour)


def _text(slide, box: Box, paragraphs: list[str], size: float = TEXT_PT, **kwargs):
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    _write(shape.text_frame, paragraphs, size, **kwargs)
    return shape


def fitting(paragraphs: list[str], box: Box, size: float = TEXT_PT, *, pointer: str = "") -> list[str]:
    """As many of ``paragraphs`` as fit in ``box`` at ``size``; when some are left out, the
    last kept line is ``pointer`` (where the rest is)."""
    width = box.width_pt - 2 * PAD_PT
    room = box.height_pt - 7.2  # the frame's top and bottom margins
    for keep in range(len(paragraphs), -1, -1):
        lines = paragraphs[:keep] + ([pointer] if keep < len(paragraphs) and pointer else [])
        if sum(text_height(t, width, size) for t in lines) <= room:
            return lines
    return [pointer] if pointer else []


def _cell_height(texts: list[str], widths: list[int], size: float, bold: bool) -> float:
    return max(text_height(t, w / EMU_PER_PT - 2 * PAD_PT, size, bold) for t, w in zip(texts, widths)) + 7.2


def table(slide, box: Box, header: list[str], rows: list[list[str]], shares: list[float], *,
          pointer: str = "") -> Box:
    """A table of at most ``MAX_ROWS`` rows that fits ``box`` (rows measured at 20 pt); when
    rows are left out, ``pointer`` says where they are, under the table. Returns the box used."""
    from pptx.util import Pt

    widths = [int(box.width * s / sum(shares)) for s in shares]
    pointer_pt = text_height(pointer, box.width_pt - 2 * PAD_PT, TEXT_PT) + 7.2 if pointer else 0.0
    heights = [_cell_height(header, widths, TEXT_PT, True)]
    kept = 0
    for row in rows[:MAX_ROWS]:
        height = _cell_height(row, widths, TEXT_PT, False)
        left_out = kept + 1 < len(rows)
        if sum(heights) + height + (pointer_pt if left_out else 0) > box.height_pt:
            break
        heights.append(height)
        kept += 1
    shape = slide.shapes.add_table(kept + 1, len(header), box.left, box.top, box.width,
                                   int(sum(heights) * EMU_PER_PT))
    grid = shape.table
    for index, width in enumerate(widths):
        grid.columns[index].width = width
    for r, (cells, height) in enumerate(zip([header, *rows[:kept]], heights)):
        grid.rows[r].height = int(height * EMU_PER_PT)
        for c, text in enumerate(cells):
            cell = grid.cell(r, c)
            cell.text_frame.word_wrap = True
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = str(text)
            run.font.size = Pt(TEXT_PT)
            run.font.bold = r == 0
    used = int(sum(heights) * EMU_PER_PT)
    if kept < len(rows) and pointer:
        _, rest = box.below(used + 76200)
        _text(slide, Box(rest.left, rest.top, rest.width, int(pointer_pt * EMU_PER_PT)), [pointer])
    return Box(box.left, box.top, box.width, used)


def picture(slide, box: Box, path: Path) -> None:
    """A figure of the pack, as large as fits ``box`` with its proportions, centred."""
    from PIL import Image

    with Image.open(path) as image:
        w, h = image.size
    scale = min(box.width / w, box.height / h)
    width, height = int(w * scale), int(h * scale)
    slide.shapes.add_picture(str(path), box.left + (box.width - width) // 2, box.top + (box.height - height) // 2,
                             width, height)


# ----------------------------------------------------------------------------- the deck


class Deck:
    """The presentation being written: layouts, the content area, the sample mark, notes."""

    def __init__(self, template: Path, view: dict, figures_dir: Path):
        from pptx import Presentation

        try:
            self.prs = Presentation(str(template))
        except Exception as exc:  # noqa: BLE001 - any unreadable template is one readable error
            raise VhcsError(f"không đọc được mẫu trình chiếu {template.name}: {exc}") from None
        self.view = view
        self.figures_dir = figures_dir
        self.slides: list[SlideOut] = []
        self.margin = 457200  # 0,5 inch

    def layout(self, name: str, index: int):
        """The template's slide layout named ``name``, else the one at ``index`` (the last if there are fewer)."""
        by_name = {layout.name: layout for layout in self.prs.slide_layouts}
        layouts = list(self.prs.slide_layouts)
        return by_name.get(name) or layouts[min(index, len(layouts) - 1)]

    @property
    def mark_height(self) -> int:
        """The height (EMU) kept free at the bottom for the sample mark; 0 for real data."""
        return int((TEXT_PT * 1.2 + 7.2) * EMU_PER_PT) if self.view["is_sample"] else 0

    def new(self, title: str, notes: list[str]):
        """A "Title Only" slide with ``title`` (the message) and ``notes``; returns the slide
        and the free area under the title."""
        slide = self.prs.slides.add_slide(self.layout("Title Only", 5))
        width = self.prs.slide_width - 2 * self.margin
        title_box = Box(self.margin, int(0.25 * 914400), width, 0)
        title_pt = TITLE_PT if text_lines(title, title_box.width_pt - 2 * PAD_PT, TITLE_PT, True) <= 2 else 24
        title_box.height = int((text_height(title, title_box.width_pt - 2 * PAD_PT, title_pt, True) + 7.2)
                               * EMU_PER_PT)
        shape = slide.shapes.title
        if shape is None:
            shape = slide.shapes.add_textbox(title_box.left, title_box.top, title_box.width, title_box.height)
        shape.left, shape.top, shape.width, shape.height = (title_box.left, title_box.top, title_box.width,
                                                            title_box.height)
        shape.text_frame.clear()
        _write(shape.text_frame, [title], title_pt, bold=True)
        self.finish(slide, title, notes)
        top = title_box.top + title_box.height + 91440
        assert self.prs.slide_height is not None, "a presentation read from a template has its size"
        area = Box(self.margin, top, width, self.prs.slide_height - top - self.mark_height - 228600)
        return slide, area


    def table_slide(self, title: str, notes: list[str], header: list[str], body: list[list[str]],
                    shares: list[float], *, pointer: str, missing: str) -> None:
        """A slide of ``title`` and ``notes`` holding one table (``table``); without rows, the
        sentence "{NO_DATA} ``missing``" instead."""
        slide, area = self.new(title, notes)
        if not body:
            _text(slide, area, [f"{NO_DATA} {missing}"])
            return
        table(slide, area, header, body, shares, pointer=pointer)
    def finish(self, slide, title: str, notes: list[str]) -> None:
        """Close a slide: write its speaker notes, add the sample mark, and record its title."""
        self.notes(slide, notes)
        self.mark(slide)
        self.slides.append(SlideOut(title))

    def notes(self, slide, lines: list[str]) -> None:
        """Write ``lines`` (blank ones left out) as the slide's speaker notes."""
        frame = slide.notes_slide.notes_text_frame
        frame.text = "\n".join(line for line in lines if line)

    def mark(self, slide) -> None:
        """The sample mark along the bottom of the slide (sample data only)."""
        if not self.view["is_sample"]:
            return
        height = self.mark_height
        assert self.prs.slide_height is not None and self.prs.slide_width is not None, "set by the template"
        box = Box(self.margin, self.prs.slide_height - height - 91440, self.prs.slide_width - 2 * self.margin, height)
        _text(slide, box, [self.view["sample_mark"]], TEXT_PT, bold=True, colour=MARK_RGB)

    def figure(self, slide, box: Box, name: str, subject: str) -> None:
        """The pack's ``NAME.png`` in ``box``, or one line that there is no data."""
        path = self.figures_dir / layout.figure_file(name, "png")
        if self.view["figures"].get(name) and path.is_file():
            picture(slide, box, path)
            self.slides[-1].figures.append(name)
        else:
            _text(slide, box, [f"{NO_DATA} về {subject}."])

    def save(self, target: Path, *, title: str, when: dt.datetime) -> None:
        """Write the deck to ``target`` atomically, with fixed core properties (``title``, ``when``) for
        byte-identical files."""
        write_bytes_atomic(pptx_bytes(self.prs, title=title, when=when), target)


def pptx_bytes(prs, *, title: str, when: dt.datetime) -> bytes:
    """The presentation saved without python-pptx's generic thumbnail, with fixed core
    properties and a normalised zip (``word_template.normalise_docx``: the same for any
    Office Open XML package)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = prs.part.package._rels  # python-pptx has no public way to drop a package relationship
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rid)
    buffer = io.BytesIO()
    prs.save(buffer)
    return wt.normalise_docx(buffer.getvalue(), core=wt.core_properties_xml(title=title, when=when))


def _sign(text: str) -> int:
    """+1, -1 or 0 from a formatted change ("+6,7", "-0,5", "0,0", "–")."""
    text = str(text).strip()
    if not text or not re.search(r"\d", text) or not re.search(r"[1-9]", text):
        return 0
    return -1 if text[0] in "-−" else 1


def _number(text: str) -> float | None:
    """A context number back to a float for ordering only ("7,41" → 7.41; "1.234,5" → 1234.5)."""
    try:
        return float(str(text).replace(".", "").replace(",", "."))
    except ValueError:
        return None


def _count(n: int, of: int) -> str:
    """A count out of a total in words ("4 trong 7"), not "4/7", which reads like a date."""
    return f"{n} trong {of}"


# ----------------------------------------------------------------------------- the slides


def title_slide(deck: Deck) -> None:
    """The title slide: the review's title, the resolution, the meeting and its place and date."""
    v = deck.view
    review, cover, scope = v["review"], v["cover"], v["scope"]
    slide = deck.prs.slides.add_slide(deck.layout("Title Slide", 0))
    title = f"BÁO CÁO {review.get('title_upper', '')} THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK".replace("  ", " ")
    subtitle = ["Về tăng cường sự lãnh đạo xây dựng văn hóa công sở",
                f"Hội nghị {review.get('noun', '')} · {cover.get('place_date', '')}"]
    shapes = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
    width = deck.prs.slide_width - 2 * deck.margin
    head = Box(deck.margin, int(1.6 * 914400), width, int(1.9 * 914400))
    sub = Box(deck.margin, head.top + head.height + 91440, width, int(1.4 * 914400))
    for idx, box, lines, size, bold in ((0, head, [title], 36, True), (1, sub, subtitle, 24, False)):
        shape = shapes.get(idx) or slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        shape.left, shape.top, shape.width, shape.height = box.left, box.top, box.width, box.height
        shape.text_frame.clear()
        _write(shape.text_frame, lines, size, bold=bold)
    deck.finish(slide, title, [
        f"Phạm vi số liệu: {scope.get('n_units')} tổ chức cơ sở đảng trong {scope.get('n_blocks')} khối, "
        f"{scope.get('n_pilot')} đơn vị làm điểm và {scope.get('n_rest')} đơn vị còn lại; {scope.get('n_periods')} "
        f"kỳ báo cáo từ {scope.get('baseline')} (kỳ gốc) đến {scope.get('post')}.",
        "Các con số trong bài trình chiếu lấy từ cùng một bộ số liệu với báo cáo PDF và bản thảo Word; "
        "khi trình bày, đọc kết luận theo báo cáo, không suy rộng hơn.",
        *([v["sample_mark"] + ": số liệu trong bài là số liệu mẫu để thử chương trình."] if v["is_sample"] else []),
    ])


def answer_slide(deck: Deck) -> None:
    """The answer slide: how many outcomes changed more, less or no differently at the pilot units."""
    v = deck.view
    rows = v["outcomes"]
    codes = [r["code"] for r in rows]
    better, worse, none = codes.count("better"), codes.count("worse"), codes.count("no_evidence")
    # out of the outcomes compared, as the summary's answer counts them (context.pilots_answer):
    # a "không so sánh được" row is in the table, not in the "3 trong 5"
    n = better + worse + none
    if not n:
        title = "Chưa có số liệu để so sánh đơn vị điểm với các đơn vị còn lại"
    elif better and worse:
        title = (f"Đơn vị điểm chuyển biến rõ hơn ở {_count(better, n)} chỉ tiêu kết quả, "
                 f"chậm hơn rõ rệt ở {_count(worse, n)}")
    elif better:
        title = f"Đơn vị điểm chuyển biến rõ hơn các đơn vị còn lại ở {_count(better, n)} chỉ tiêu kết quả"
    elif worse:
        title = f"Đơn vị điểm chuyển biến chậm hơn rõ rệt ở {_count(worse, n)} chỉ tiêu kết quả"
    else:
        # what the data show in plain words, then why no indicator is graded "rõ" (as the summary's answer)
        ahead = sum(1 for r in rows if r["code"] == "no_evidence" and r.get("ahead"))
        title = ((f"Đơn vị điểm tiến bộ nhiều hơn ở {_count(ahead, n)} chỉ tiêu kết quả, nhưng khi xét cùng lúc "
                  "các chỉ tiêu, chênh lệch vẫn có thể là ngẫu nhiên: chưa chỉ tiêu nào khác biệt rõ") if ahead
                 else (f"Chưa thấy khác biệt rõ giữa đơn vị điểm và các đơn vị còn lại ở {_count(none, n)} "
                       "chỉ tiêu kết quả"))
    notes = [v["answer"]] + [
        f"{r['label']}: {r['grade']}. Chênh lệch thay đổi {r['change']} {r['unit']} (khoảng tin cậy 95% chưa "
        f"hiệu chỉnh {r['interval']}; điều chỉnh theo kỳ gốc {r['adjusted']}; p đã tính đến việc xét nhiều chỉ "
        f"tiêu {r['p_holm']}; "
        f"số đơn vị điểm/còn lại {r['n']}; "
        + (f"phát hiện được từ khoảng {r['mde']}" if r["mde"] != UNDETECTABLE_VI else UNDETECTABLE_VI)
        + f"). {r['reason']}".strip()
        for r in rows
    ] + [f"{r.get('label')}: {VERDICT_VI.get(str(r.get('code')), '')} ({r.get('reason')})." for r in v["not_compared"]
         ] + ["Lưu ý khi trình bày: đơn vị điểm được chọn, không bốc thăm; \"chưa thấy khác biệt\" không có nghĩa là "
         "không có tác dụng."]
    deck.table_slide(title, notes, ["Chỉ tiêu kết quả", "Chênh lệch thay đổi (đơn vị điểm − cùng khối)", "Kết luận"],
                     [[r["row_label"], f"{r['change']} {r['unit']}".strip(), r["grade"]] for r in rows],
                     [4.6, 2.6, 2.8], pointer="Các chỉ tiêu còn lại: xem báo cáo, phần tóm tắt cho lãnh đạo.",
                     missing="để so sánh đơn vị điểm với các đơn vị còn lại.")


def pilots_slide(deck: Deck) -> None:
    """The pilots slide: each block's pilot unit against the rest of its block on the main indicator."""
    v = deck.view
    rows = v["blocks"]
    label = v["main_label"]
    better = 1 if v["main_higher_better"] else -1
    ahead = sum(1 for r in rows if _sign(r["diff"]) == better)
    title = "Chưa có số liệu so sánh đơn vị điểm với khối của mình"
    if rows:
        title = (f"{label}: {_count(ahead, len(rows))} đơn vị điểm có mức thay đổi tốt hơn mức chung của khối "
                 "(mỗi khối một đơn vị, chỉ để tham khảo)")
    named = any(r["pilot_name"] for r in rows)
    notes = [f"Chỉ tiêu: {label}; thay đổi từ kỳ gốc {v['scope'].get('baseline')} đến {v['scope'].get('post')}."] + [
        f"{r['block']}{' – ' + r['pilot_name'] if r['pilot_name'] else ''}: đơn vị điểm {r['pilot']}, "
        f"{r['n']} đơn vị cùng khối bình quân {r['rest']}, chênh lệch {r['diff']}." for r in rows
    ] + ["Mỗi khối chỉ có một đơn vị điểm: chênh lệch của một khối dao động nhiều, không đọc riêng từng khối "
         "thành kết luận. Đơn vị điểm được chọn, không bốc thăm."]
    header = ["Khối", *(["Đơn vị điểm"] if named else []), "Thay đổi: đơn vị điểm", "Thay đổi: cùng khối",
              "Chênh lệch"]
    body = [[r["block"], *([r["pilot_name"]] if named else []), r["pilot"], r["rest"], r["diff"]] for r in rows]
    deck.table_slide(title, notes, header, body, [4.0, *([4.0] if named else []), 2.0, 2.0, 2.0],
                     pointer="Các khối còn lại: xem báo cáo, mục đơn vị làm điểm.", missing="về đơn vị điểm theo khối.")


def _goal_slide(deck: Deck, rows: list[dict], what: str, short: dict[int, str], key: str) -> None:
    moved = sum(1 for r in rows if r.get("reading") == "tiến bộ")
    fresh = sum(1 for r in rows if r.get("no_baseline"))
    missing = sum(1 for r in rows if r.get("reading") == "không đủ số liệu") - fresh
    title = (f"{_count(moved, len(rows))} chỉ tiêu của {what} tiến bộ so với kỳ gốc"
             + (f"; {fresh} chỉ tiêu chưa có ở kỳ gốc" if fresh else "")
             + (f"; {missing} chỉ tiêu chưa đủ số liệu" if missing else "")) if rows else \
        f"Chưa có số liệu về {what}"
    notes = [f"{short.get(r[key], '')} – {r.get('label')}: kỳ cuối {r.get('post')} ({r.get('n')} đơn vị có số "
             "liệu); chưa có ở kỳ gốc nên chưa đánh giá thay đổi." if r.get("no_baseline") else
             f"{short.get(r[key], '')} – {r.get('label')}: {r.get('baseline')} → {r.get('post')} "
             f"(thay đổi {r.get('change')} {r.get('unit')}, khoảng tin cậy đã hiệu chỉnh {r.get('ci')}, "
             f"{r.get('n')} đơn vị): {r.get('reading')}." for r in rows]
    notes.append(str(deck.view.get("goals_note") or ""))
    notes.append("\"Tiến bộ\" chỉ khi khoảng tin cậy đã hiệu chỉnh của thay đổi không chứa 0 và thay đổi theo "
                 "chiều tốt; đây là mức chung của mọi đơn vị, không phải tác dụng riêng của việc làm điểm.")
    deck.table_slide(title, notes, ["", "Chỉ tiêu", "Kỳ gốc → kỳ cuối", "Đánh giá"],
                     [[short.get(r[key], ""), r.get("table_label") or r.get("label", ""),
                       f"{r.get('baseline')} → {r.get('post')}",
                       "chưa có ở kỳ gốc" if r.get("no_baseline") else r.get("reading", "")] for r in rows],
                     [1.0, 5.4, 2.6, 2.4],
                     pointer="Các chỉ tiêu còn lại: xem báo cáo, mục kết quả theo mục tiêu.", missing=f"về {what}.")


def targets_slide(deck: Deck) -> None:
    """The goals slide: the three goals' indicators, pilot units against the rest."""
    rows = [g for g in deck.view["goals"] if g.get("goal") in GOAL_SHORT]
    _goal_slide(deck, rows, "ba mục tiêu", GOAL_SHORT, "goal")


def tasks_slide(deck: Deck) -> None:
    """The tasks slide: the four task groups' indicators, pilot units against the rest."""
    rows = [g for g in deck.view["goals"] if g.get("task_group") in TASK_SHORT]
    _goal_slide(deck, rows, "bốn nhóm nhiệm vụ", TASK_SHORT, "task_group")


def inspections_slide(deck: Deck) -> None:
    """The inspections slide: rounds, mean score and ratings per round (in the notes)."""
    ins = deck.view["inspections"]
    has = _number(ins.get("n_inspections")) not in (None, 0.0)
    title = (f"{ins.get('n_inspections')} lượt kiểm tra, giám sát qua {ins.get('n_rounds')} đợt; "
             f"điểm bình quân {ins.get('mean_total')}/100" if has else "Chưa có số liệu kiểm tra, giám sát")
    order = ins.get("rating_order") or []
    notes = [f"{r.get('round')}: " + ", ".join(f"{k} {c}" for k, c in zip(order, r.get("cells") or []))
             + " đơn vị." for r in ins.get("ratings") or []]
    notes.append("Hình tính tỷ lệ trong từng đợt vì các đợt kiểm tra số đơn vị rất khác nhau; số đơn vị của đợt "
                 "ghi dưới tên đợt. Đơn vị được kiểm tra do kế hoạch chọn, không phải mẫu ngẫu nhiên.")
    slide, area = deck.new(title, notes)
    deck.figure(slide, area, "inspection_ratings", "kiểm tra, giám sát")


def criteria_slide(deck: Deck) -> None:
    """The criteria slide: mean score per inspection criterion, the weakest first, pilot units against the rest."""
    ins = deck.view["inspections"]
    crit = list(ins.get("criteria") or [])
    weakest = str(ins.get("weakest") or "")
    title = (f"Tiêu chí điểm thấp nhất: {weakest[:1].lower() + weakest[1:]}" if crit
             else "Chưa có số liệu điểm theo tiêu chí kiểm tra")
    ordered = sorted(crit, key=lambda r: (r.get("label") != weakest, _number(r.get("rest")) or 99.0,
                                          str(r.get("criterion"))))
    notes = [f"{r.get('label')}: đơn vị điểm {r.get('pilot')}, các đơn vị còn lại "
             f"{r.get('rest')} ({r.get('n')} lượt kiểm tra)." for r in ordered]
    # the scores the report quotes for it (context.inspections' ``weakest_scores``), never a key it lacks
    scores = ins.get("weakest_scores")
    notes.append(f"Tiêu chí thấp nhất: {weakest}" + (f" ({scores})" if scores not in (None, "", "–") else "")
                 + " (báo cáo, mục kiểm tra, giám sát).")
    notes.append("Tiêu chí thấp nhất đứng đầu, sau đó theo điểm của các đơn vị còn lại từ thấp lên; thang 0–10. "
                 "Điểm do đoàn kiểm tra chấm, giữa các đợt có thể khác nhau về cách chấm.")
    deck.table_slide(title, notes, ["Tiêu chí (thấp nhất trước)", "Đơn vị điểm", "Các đơn vị còn lại"],
                     [[r.get("label", ""), r.get("pilot", ""), r.get("rest", "")] for r in ordered[:5]],
                     [6.0, 2.5, 2.5], pointer="Đủ các tiêu chí: xem báo cáo, mục kiểm tra, giám sát.",
                     missing="về điểm theo tiêu chí kiểm tra.")


def _total(view: dict, key: str, rows: list) -> int:
    """How many rows a per-unit list has in full (a large bloc's context shortens it)."""
    return view.get("list_totals", {}).get(key, len(rows))


def late_slide(deck: Deck) -> None:
    """The late-reports slide: the units that reported late, undated or not at all."""
    dq = deck.view["data_quality"]
    units = list(dq.get("late_units") or [])
    n_units = _total(deck.view, "late_units", units)

    def periods(text: str) -> int:
        return len([p for p in str(text or "").split(",") if p.strip()])

    ranked = sorted(units, key=lambda u: (-(periods(u.get("late")) + periods(u.get("undated"))
                                            + periods(u.get("missing"))), str(u.get("unit"))))
    title = (f"{n_units} đơn vị nộp Biểu 01 muộn, không ghi ngày hoặc không nộp ít nhất một kỳ" if units
             else "Mọi đơn vị nộp Biểu 01 đúng hạn")
    notes = [str(dq.get("reports") or "")] + [
        f"{u.get('unit')} ({u.get('block')}): " + "; ".join(
            f"{what} {u.get(key)}" for key, what in (("late", "muộn"), ("undated", "không ghi ngày"),
                                                     ("missing", "không nộp")) if u.get(key)) + "."
        for u in ranked]
    deck.table_slide(title, notes, ["Đơn vị (nhiều kỳ nhất trước)", "Số kỳ muộn", "Số kỳ không nộp"],
                     [[str(u.get("unit")), str(periods(u.get("late")) + periods(u.get("undated"))),
                       str(periods(u.get("missing")))] for u in ranked], [7.0, 2.0, 2.4],
                     pointer=f"Danh sách đủ {n_units} đơn vị: xem báo cáo, phụ lục báo cáo định kỳ.",
                     missing="về báo cáo nộp muộn: mọi báo cáo đúng hạn.")


def ranking_slide(deck: Deck) -> None:
    """The ranking slide: proposed level changes of the year and the good practices proposed for wider use."""
    rk = deck.view["ranking"]
    good = list(rk.get("good_practices") or [])
    # the sure moves apart from the units near a threshold the rule would move (shown moved in the chart)
    sure = ("không đơn vị nào chắc chắn đổi mức" if str(rk.get("n_up")) == "0" and str(rk.get("n_down")) == "0"
            else f"{rk.get('n_up')} đơn vị chắc chắn lên mức, {rk.get('n_down')} chắc chắn xuống mức")
    steps = str(rk.get("review_steps") or "")
    title = (f"Đề xuất xếp loại năm {rk.get('year')}: {sure}; {rk.get('n_review')} đơn vị sát ngưỡng cần xem xét"
             + (f" (theo quy tắc: {steps})" if steps else "")
             + f"; {_total(deck.view, 'good_practices', good)} cách làm hay đề nghị nhân rộng")
    notes = [str(rk.get("rules") or "")] + [
        f"{m.get('unit')}: mức {m.get('current')} → {m.get('proposed')} ({m.get('status')}). {m.get('reason')}"
        for m in rk.get("moves") or []] + [
        f"Cách làm hay: {g.get('unit')} ({g.get('block')}), {g.get('indicator')}. {g.get('reason')}" for g in good]
    notes.append("Đề xuất xếp loại là căn cứ tham khảo; đơn vị \"cần xem xét\" do Ban Thường vụ quyết định, "
                 "không tự động đổi mức.")
    slide, area = deck.new(title, notes)
    left, right = area.split(0.5)
    lines = [f"Giữ nguyên mức: {rk.get('n_same')} đơn vị",
             f"Chắc chắn lên mức: {rk.get('n_up')}; chắc chắn xuống mức: {rk.get('n_down')}",
             f"Cần xem xét (sát ngưỡng): {rk.get('n_review')}{rk.get('review_note') or ''}"]
    lines += ([f"Cách làm hay: {g.get('unit')}" for g in good] if good
              else ["Chưa có cách làm hay nào đủ căn cứ để đề nghị nhân rộng."])
    _text(slide, left, fitting(lines, left, pointer="Các cách làm hay còn lại: xem báo cáo."), bullets=True)
    deck.figure(slide, right, "ranking_transition", "xếp loại")


def ahead_slide(deck: Deck) -> None:
    """The closing slide: what is still behind (indicators, criteria, blocks) and the next steps."""
    v = deck.view
    still = [g.get("label") for g in v["goals"] if g.get("reading") in ("chưa thấy thay đổi rõ", "đi xuống")]
    behind = [r["block"] for r in v["blocks"] if _sign(r["diff"]) == (-1 if v["main_higher_better"] else 1)]
    points = [
        f"Chỉ tiêu chưa chuyển biến: {', '.join(still) if still else 'không có'}.",
        f"Tiêu chí kiểm tra điểm thấp nhất: {v['inspections'].get('weakest')}.",
        "Đơn vị nộp báo cáo muộn hoặc không nộp: "
        f"{_total(v, 'late_units', v['data_quality'].get('late_units') or [])}.",
        f"Khối có đơn vị điểm thay đổi dưới mức chung của khối ({v['main_label']}, tham khảo): "
        f"{', '.join(behind) if behind else 'không có'}.",
    ]
    slide, area = deck.new("Phương hướng, nhiệm vụ thời gian tới (Văn phòng bổ sung)", [
        "Trang này để Văn phòng viết; chương trình không tự đưa ra nhận định thay Ban Thường vụ.",
        "Số liệu gợi ý: " + " ".join(points)])
    placeholder = "[Văn phòng bổ sung: phương hướng, nhiệm vụ, giải pháp thời gian tới]"
    top, rest = area.below(int((text_height(placeholder, area.width_pt - 2 * PAD_PT, TEXT_PT, True) + 7.2)
                               * EMU_PER_PT))
    _text(slide, top, [placeholder], bold=True, colour=MARK_RGB)
    _text(slide, rest, fitting(["Số liệu cần cân nhắc:", *points], rest, pointer="Xem thêm: báo cáo, phần hạn chế."))


SLIDES = (title_slide, answer_slide, pilots_slide, targets_slide, tasks_slide, inspections_slide, criteria_slide,
          late_slide, ranking_slide, ahead_slide)


def render_pptx(ctx: dict, figures_dir: Path, target: Path, *, template: Path | None = None) -> list[SlideOut]:
    """Write the deck of ``ctx`` to ``target`` (atomically, byte-identical on rebuild);
    returns the slides in order, with the figures each one shows."""
    view = deck_view(ctx)
    deck = Deck(template or TEMPLATE_PATH, view, figures_dir)
    for build in SLIDES:
        build(deck)
    day = dt.datetime.strptime(str(view["cover"].get("date")), "%d/%m/%Y")
    deck.save(target, title=deck.slides[0].title, when=day)
    return deck.slides


def figure_slides(slides: list[SlideOut]) -> dict[str, list[int]]:
    """For the figure list: each figure's slides (numbered from 1)."""
    out: dict[str, list[int]] = {}
    for number, slide in enumerate(slides, start=1):
        for name in slide.figures:
            out.setdefault(name, []).append(number)
    return out


# ----------------------------------------------------------------------------- the template


def make_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the shipped template: python-pptx's default made 16:9 (masters and layouts
    widened), Arial as the theme font; byte-identical on every run."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from pptx.util import Emu

    prs = Presentation()
    scale = WIDE[0] / prs.slide_width
    prs.slide_width, prs.slide_height = Emu(WIDE[0]), Emu(WIDE[1])
    for holder in [prs.slide_master, *prs.slide_layouts]:
        for shape in holder.shapes:
            xfrm = shape._element.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}xfrm")
            if xfrm is not None and xfrm.find("{http://schemas.openxmlformats.org/drawingml/2006/main}off") is not None:
                shape.left, shape.width = int(shape.left * scale), int(shape.width * scale)
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    theme._blob = re.sub(rb'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*', rb"\g<1>" + FONT.encode(),
                         theme.blob)
    return write_bytes_atomic(pptx_bytes(prs, title="Trình chiếu (mẫu)", when=wt.TEMPLATE_DATE), path)


if __name__ == "__main__":  # pragma: no cover - maintenance command
    import sys

    print(make_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH))
