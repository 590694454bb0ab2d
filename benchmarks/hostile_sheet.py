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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            out = io.BufferedWriter(fh, 4 * 1024 * 1024)
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
            out.flush()
    return path
