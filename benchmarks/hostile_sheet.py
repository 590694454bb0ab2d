"""A hostile workbook within every size limit: a small .xlsx whose one sheet inflates to
hundreds of MB of empty styled cells (``<c r="A1" s="1"/>``).

Each cell tag is cheap to compress (about 12:1 here, 42:1 in the file a user sent) and
holds nothing, so the grid's extent stays small: only the count of cell tags shows that
the sheet is hostile. The tests build a small one against small limits; the bench
(``hostile-sheet`` case) builds a 485 MB one and times ``read_sheets`` refusing it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _letters(index0: int) -> bytes:
    n, out = index0 + 1, b""
    while n:
        n, rem = divmod(n - 1, 26)
        out = bytes([65 + rem]) + out
    return out


def empty_styled_sheet_xlsx(path: Path, sheet_mb: float, cols: int = 50) -> Path:
    """Write ``path``: one sheet of ``sheet_mb`` MB (uncompressed) of rows of ``cols``
    empty styled cells, with a title in A1 so that the sheet is not blank. Streams the
    part, so memory stays small whatever the size."""
    row_format = b'<row r="%(r)d">' + b"".join(
        b'<c r="' + _letters(c) + b'%(r)d" s="1"/>' for c in range(cols)) + b"</row>"
    target = int(sheet_mb * 1024 * 1024)

    def write_sheet(out) -> None:
        head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>Bang tinh</t></is></c></row>')
        out.write(head)
        written, r = len(head), 1
        while written < target:
            r += 1
            row = row_format % {b"r": r}
            out.write(row)
            written += len(row)
        out.write(b"</sheetData></worksheet>")

    return _workbook_with_sheet(path, write_sheet)


def _workbook_with_sheet(path: Path, write_sheet) -> Path:
    """Write ``path``: a one-sheet workbook whose sheet part ``write_sheet(out)`` streams."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            out = io.BufferedWriter(fh, 4 * 1024 * 1024)
            write_sheet(out)
            out.flush()
    return path


_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def two_cell_rows_xlsx(path: Path, rows: int = 1_200_000, text_chars: int = 110) -> Path:
    """The careless export of issue 26: one sheet of ``rows`` rows of two text cells
    (about 420 bytes of XML a row: 1,2 million rows inflate to about 480 MB from about
    19 MB, a ratio near 26, under ``max_zip_ratio``; the user's file was 11 MB, ratio 44),
    with an honest ``<dimension>``."""
    filler = ("Văn hóa công sở " * (text_chars // 16 + 1))[:text_chars].encode()

    def write(out) -> None:
        out.write(_SHEET_HEAD + b'<dimension ref="A1:B%d"/><sheetData>' % rows)
        for r in range(1, rows + 1):
            out.write(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%d %s</t></is></c>'
                      b'<c r="B%d" t="inlineStr"><is><t>%s %d</t></is></c></row>'
                      % (r, r, r, filler, r, filler, r % 1000))
        out.write(b"</sheetData></worksheet>")

    return _workbook_with_sheet(path, write)


def lying_dimension_xlsx(path: Path, rows: int = 1_000_000) -> Path:
    """One sheet whose ``<dimension>`` says A1:B2 but that holds ``rows`` rows of two
    numbers (about 70 MB of XML: under the part-size limit, so only counting rows finds it)."""
    def write(out) -> None:
        out.write(_SHEET_HEAD + b'<dimension ref="A1:B2"/><sheetData>')
        for r in range(1, rows + 1):
            out.write(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>%d</v></c></row>' % (r, r, r, r, r % 97))
        out.write(b"</sheetData></worksheet>")

    return _workbook_with_sheet(path, write)


EXCEL_LAST_ROW = 1_048_576


def formatted_to_last_row(form: Path, path: Path, last_row: int = EXCEL_LAST_ROW) -> Path:
    """A copy of a real unit form (``form``) whose worksheets are formatted down to row
    ``last_row``, as an office does by accident when it formats whole columns: after the
    form's last row, empty styled rows (``<row r=".." s="1" customFormat="1"/>``, no cells),
    and a ``<dimension>`` that reaches ``last_row`` (Excel's used range counts them)."""
    import re

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
        for info in src.infolist():
            data = src.read(info)
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                dst.writestr(info, data)
                continue
            rows = [int(r) for r in re.findall(rb'<row r="([0-9]+)"', data)]
            start = max(rows, default=0) + 1
            cols = re.findall(rb'<dimension ref="[A-Z]+[0-9]+(?::([A-Z]+)[0-9]+)?"', data)
            last_col = (cols[0] if cols and cols[0] else b"Z")
            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:%s%d"/>' % (last_col, last_row), data)
            head, tail = data.split(b"</sheetData>", 1)
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                out = io.BufferedWriter(fh, 4 * 1024 * 1024)
                out.write(head)
                for r in range(start, last_row + 1):
                    out.write(b'<row r="%d" s="1" customFormat="1"/>' % r)
                out.write(b"</sheetData>" + tail)
                out.flush()
    return path
