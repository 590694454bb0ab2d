"""Layouts of the raw files: grids of cells with merges and styles, written as xlsx (by
the direct writer of ``io.xlsx_write``), CSV (Windows-1258) or an HTML table saved as .xls.

A ``Grid`` is built first (1-based rows and columns, as Excel shows them) so that the
caller knows the exact row and column of every value it plants; the writers only
render it.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from vhcs_analysis.forms import FORM01_GROUPS, FORM01_LABELS_2018
from vhcs_analysis.io.xlsx_write import CellSheet, CellStyle, column_letter, write_cells_xlsx
from vhcs_analysis.sample.mess import encode_text
from vhcs_analysis.text import encode_cp1258

FORM01_TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK"
CONSOLIDATED_TITLE = "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK VỀ VĂN HÓA CÔNG SỞ"
FORM02_TITLE = "KẾT QUẢ KIỂM TRA, GIÁM SÁT VĂN HÓA CÔNG SỞ"

# Form 01 labels and units per form version (the 2018 wording is the table of docs/domain.md).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "2018": dict(FORM01_LABELS_2018),
    "2017": {
        "staff_total": ("Tổng số cán bộ, công chức, viên chức", "người"),
        "party_members": ("Số đảng viên", "người"),
        "staff_studied": ("Số cán bộ đã học tập Nghị quyết", "người"),
        "action_programme": ("Đã xây dựng chương trình hành động", "Có/Không"),
        "action_programme_date": ("Ngày ban hành chương trình hành động", "ngày"),
        "office_layout_done": ("Hoàn thành bài trí công sở", "Có/Không"),
        "dossiers_received": ("Số hồ sơ tiếp nhận trong kỳ", "hồ sơ"),
        "dossiers_on_time": ("Số hồ sơ giải quyết đúng hạn", "hồ sơ"),
        "dossiers_late": ("Số hồ sơ giải quyết quá hạn", "hồ sơ"),
        "complaints_conduct": ("Số phản ánh về thái độ cán bộ", "lượt"),
        "discipline_violations": ("Số cán bộ vi phạm kỷ luật", "người"),
        "internal_inspections": ("Số cuộc tự kiểm tra", "cuộc"),
        "good_practices": ("Số mô hình, cách làm hay", "mô hình"),
    },
}


def fields_of(version: str) -> list[str]:
    """Form 01 fields in form order for a version."""
    return [f for _, _, fs in FORM01_GROUPS for f in fs if f in LABELS[version]]


def col(c: int) -> str:
    """The Excel column letter of 1-based column ``c``."""
    return column_letter(c)


@dataclass
class Grid:
    """Cells of one sheet (1-based), merges, bold/italic/border cells, widths."""

    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    bold: set = field(default_factory=set)
    italic: set = field(default_factory=set)
    center: set = field(default_factory=set)
    boxed: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    font: str = "Times New Roman"
    caps_font: str | None = None  # font of upper-case title cells (".VnTimeH")

    def put(self, r: int, c: int, value, *, bold=False, italic=False, center=False, span: int = 1):
        """Write ``value`` at 1-based (``r``, ``c``), merged over ``span`` columns, with the given styles."""
        self.cells[(r, c)] = value
        if span > 1:
            self.merges.append((r, c, r, c + span - 1))
        if bold:
            self.bold.add((r, c))
        if italic:
            self.italic.add((r, c))
        if center:
            self.center.add((r, c))

    def encode(self, encoding: str, rows: range | None = None, *, caps: bool = True) -> None:
        """Rewrite string cells (of ``rows``, default all) in a legacy encoding."""
        for (r, c), v in list(self.cells.items()):
            if rows is None or r in rows:
                self.cells[(r, c)] = encode_text(v, encoding, caps=caps)

    @property
    def max_row(self) -> int:
        """The last row holding a cell (0 for an empty grid)."""
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        """The last column holding a cell (0 for an empty grid)."""
        return max((c for _, c in self.cells), default=0)


def grid_sheet(grid: Grid) -> CellSheet:
    """The grid as cells and styles for the direct xlsx writer (boxed cells inside merged
    ranges keep their border, as Excel writes them)."""
    boxed = {(r, c) for r1, c1, r2, c2 in grid.boxed for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    plain = CellStyle(font=grid.font)
    styles = {}
    for pos in sorted(set(grid.cells) | boxed):
        v = grid.cells.get(pos)
        caps = bool(grid.caps_font) and isinstance(v, str) and pos in grid.bold and pos[0] < 8
        style = CellStyle(bold=pos in grid.bold, italic=pos in grid.italic, center=pos in grid.center,
                          boxed=pos in boxed, font=(grid.caps_font or grid.font) if caps else grid.font)
        if style != CellStyle() and (style != plain or v is not None):
            styles[pos] = style
    cells = {pos: v for pos, v in grid.cells.items() if v is not None}
    return CellSheet(grid.name, cells, styles, list(grid.merges), dict(grid.widths), dict(grid.heights), grid.hidden)


def write_xlsx(path: Path, grids: list[Grid]) -> None:
    """One workbook, one sheet per grid, byte-identical for identical grids."""
    write_cells_xlsx(path, [grid_sheet(g) for g in grids])


def _text(v) -> str:
    if v is None:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace(".", ",") if isinstance(v, float) else str(v)


def grid_rows(grid: Grid) -> list[list[str]]:
    """The grid as text rows, as Excel's 'Save as CSV' gives them (row i = line i)."""
    return [[_text(grid.cells.get((r, c))) for c in range(1, grid.max_col + 1)]
            for r in range(1, grid.max_row + 1)]


def write_csv_cp1258(path: Path, grid: Grid) -> None:
    """A sheet saved as CSV by Vietnamese Windows Excel: Windows-1258 bytes, CRLF."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(grid_rows(grid))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_cp1258(buf.getvalue()))


def write_html_xls(path: Path, grid: Grid, title: str) -> None:
    """An e-government export: an HTML table saved with an .xls name (row i = <tr> i)."""
    merged = {(r, c): c2 - c + 1 for r, c, r2, c2 in grid.merges}
    covered = {(r, cc) for r, c, r2, c2 in grid.merges for cc in range(c + 1, c2 + 1)}
    lines = [
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">',
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
        f"<title>{html.escape(title)}</title></head><body>",
        '<table border="1" cellspacing="0">',
    ]
    for r in range(1, grid.max_row + 1):
        tds = []
        for c in range(1, grid.max_col + 1):
            if (r, c) in covered:
                continue
            span = f' colspan="{merged[(r, c)]}"' if (r, c) in merged else ""
            tag = "th" if (r, c) in grid.bold else "td"
            tds.append(f"<{tag}{span}>{html.escape(_text(grid.cells.get((r, c))))}</{tag}>")
        lines.append("<tr>" + "".join(tds) + "</tr>")
    lines += ["</table>", "</body></html>", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
