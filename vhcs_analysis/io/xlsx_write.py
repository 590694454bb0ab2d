"""Write openpyxl workbooks byte-identically: same content in, same bytes out.

openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry, so two
saves of the same workbook differ. The sample data and the blank templates must be
reproducible (same seed, same files; hashes in tests), hence this writer.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from vhcs_analysis.io.writers import write_bytes_atomic

# A fixed, plausible moment for document properties and zip entries (local time in zip).
FIXED_TIMESTAMP = "2019-01-01T00:00:00Z"
_ZIP_DATE_TIME = (2019, 1, 1, 0, 0, 0)
_CORE_XML = "docProps/core.xml"
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")
_STAMP = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _fix_core_properties(xml: bytes) -> bytes:
    """Replace the created/modified stamps that openpyxl sets at save time."""
    text = xml.decode("utf-8")
    text = _STAMP.sub(lambda m: f"{m.group(1)}{FIXED_TIMESTAMP}{m.group(3)}", text)
    return text.encode("utf-8")


def _entry_order(name: str) -> tuple[int, str]:
    """Content types and package relations first (as Excel writes them), then by name."""
    return (_FIRST_ENTRIES.index(name) if name in _FIRST_ENTRIES else len(_FIRST_ENTRIES), name)


def normalise_xlsx_bytes(data: bytes) -> bytes:
    """Rewrite an xlsx package with fixed timestamps and a sorted, deterministic entry list."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist(), key=_entry_order):
            payload = src.read(name)
            if name == _CORE_XML:
                payload = _fix_core_properties(payload)
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload, compresslevel=6)
    return out.getvalue()


def write_workbook_deterministic(wb, path: Path | str) -> Path:
    """Save an openpyxl Workbook (normal or write-only) to ``path`` so that the same
    workbook content always gives the same bytes; the file is replaced atomically."""
    path = Path(path)
    props = wb.properties
    props.creator = props.creator or "vhcs-analysis"
    props.lastModifiedBy = None
    buffer = io.BytesIO()
    wb.save(buffer)
    data = normalise_xlsx_bytes(buffer.getvalue())
    return write_bytes_atomic(data, path)


# --- a fast direct writer (sample data, benchmark data) -------------------------------
# openpyxl spends most of its time on style objects; the sample writes ~200 small styled
# workbooks and the benchmark six big plain ones, so both are written here as XML.

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DATE_FORMAT_ID = 164
_HIDDEN = ' state="hidden"'
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class CellStyle:
    """The few looks a form needs."""

    bold: bool = False
    italic: bool = False
    center: bool = False  # centred both ways, wrapped
    boxed: bool = False  # thin border on all sides
    font: str = "Times New Roman"
    wrap: bool = False  # wrapped, top-aligned (long text in a table cell)
    number_format: str = ""  # an Excel number format of a number cell ("0.0"); empty: General


@dataclass
class CellSheet:
    """A sheet as cells: ``cells[(row, col)]`` 1-based; dates get the dd/mm/yyyy format."""

    name: str
    cells: dict[tuple[int, int], object]
    styles: dict[tuple[int, int], CellStyle] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    freeze_rows: int = 0  # rows kept in view when scrolling (a table's header)
    autofilter: tuple[int, int, int, int] | None = None  # (r1, c1, r2, c2) of the filtered table
    landscape_fit: bool = False  # printed A4 landscape, all columns on the page's width


def column_letter(n: int) -> str:
    """1 -> 'A', 28 -> 'AB'."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _escape(text: str) -> str:
    return _ILLEGAL_XML.sub("", text).translate(_XML_ESCAPES)


def _styles_xml(keys: list[tuple[CellStyle, bool]]) -> str:
    fonts = [("Times New Roman", False, False)]
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    # custom number formats after the date format, in the order the styles first use them
    formats = list(dict.fromkeys(s.number_format for s, is_date in keys[1:] if s.number_format and not is_date))
    for style, is_date in keys[1:]:
        font = (style.font, style.bold, style.italic)
        if font not in fonts:
            fonts.append(font)
        align = ('<alignment horizontal="center" vertical="center" wrapText="1"/>' if style.center
                 else '<alignment vertical="top" wrapText="1"/>' if style.wrap else "")
        number = (_DATE_FORMAT_ID if is_date else _DATE_FORMAT_ID + 1 + formats.index(style.number_format)
                  if style.number_format else 0)
        extra = (' applyNumberFormat="1"' if number else "") + (' applyBorder="1"' if style.boxed else "")
        tail = f' applyAlignment="1">{align}</xf>' if align else "/>"
        xfs.append(
            f'<xf numFmtId="{number}" fontId="{fonts.index(font)}" fillId="0" '
            f'borderId="{1 if style.boxed else 0}" xfId="0" applyFont="1"{extra}{tail}')
    font_xml = "".join(
        f'<font>{"<b/>" if b else ""}{"<i/>" if i else ""}<sz val="{12 if name.startswith(".Vn") else 11}"/>'
        f'<name val="{_escape(name)}"/></font>' for name, b, i in fonts)
    thin = '<left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>' \
           '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom>'
    return (
        f'{_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
        f'<numFmts count="{1 + len(formats)}"><numFmt numFmtId="{_DATE_FORMAT_ID}" formatCode="dd/mm/yyyy"/>'
        + "".join(f'<numFmt numFmtId="{_DATE_FORMAT_ID + 1 + i}" formatCode="{_escape(code)}"/>'
                  for i, code in enumerate(formats))
        + "</numFmts>"
        f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        f"<border>{thin}<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>")


def _cell_xml(ref: str, value, style_id: int) -> str:
    s = f' s="{style_id}"' if style_id else ""
    if hasattr(value, "item") and not isinstance(value, (str, dt.date)):
        value = value.item()  # numpy scalars: repr() would print "np.float64(8.5)"
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        serial = (moment - _EXCEL_EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}"{s}><v>{int(serial) if serial.is_integer() else serial!r}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(str(value))}</t></is></c>'


def _range_ref(box: tuple[int, int, int, int], absolute: bool = False) -> str:
    """(r1, c1, r2, c2) -> 'A1:G10' (or '$A$1:$G$10')."""
    r1, c1, r2, c2 = box
    d = "$" if absolute else ""
    return f"{d}{column_letter(c1)}{d}{r1}:{d}{column_letter(c2)}{d}{r2}"


def _defined_names(sheets: list[CellSheet]) -> str:
    """The hidden filter ranges Excel keeps beside each autofilter."""
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_escape(s.name).replace(chr(39), chr(39) * 2)}'!{_range_ref(s.autofilter, True)}</definedName>"
        for i, s in enumerate(sheets) if s.autofilter)
    return f"<definedNames>{names}</definedNames>" if names else ""


def _style_map(sheet: CellSheet, style_ids: dict) -> dict[tuple[int, int], int]:
    """Style index of every styled or date cell (others use the default style 0)."""
    ids = {}
    for pos, style in sheet.styles.items():
        key = (style, isinstance(sheet.cells.get(pos), (dt.date, dt.datetime)))
        if key not in style_ids:
            style_ids[key] = len(style_ids)
        ids[pos] = style_ids[key]
    for pos, value in sheet.cells.items():
        if pos not in ids and isinstance(value, (dt.date, dt.datetime)):
            key = (CellStyle(), True)
            if key not in style_ids:
                style_ids[key] = len(style_ids)
            ids[pos] = style_ids[key]
    return ids


def _sheet_xml(sheet: CellSheet, ids: dict[tuple[int, int], int]) -> str:
    ncols = max([1, *(c for _, c in sheet.cells), *(c for _, c in sheet.styles), *sheet.widths,
                 *(m[3] for m in sheet.merges)])
    letters = [""] + [column_letter(c) for c in range(1, ncols + 1)]
    parts = [f'{_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">']
    if sheet.landscape_fit:
        parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    parts.append('<dimension ref="A1"/>')
    if sheet.freeze_rows:
        top = f"A{sheet.freeze_rows + 1}"
        parts.append(f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{sheet.freeze_rows}" '
                     f'topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
                     f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/></sheetView></sheetViews>')
    if sheet.widths:
        parts.append("<cols>" + "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
                                        for c, w in sorted(sheet.widths.items())) + "</cols>")
    parts.append("<sheetData>")
    rows: dict[int, list[int]] = {}
    for r, c in set(sheet.cells) | set(ids):
        rows.setdefault(r, []).append(c)
    cells_get, ids_get = sheet.cells.get, ids.get
    for r in sorted(set(rows) | set(sheet.heights)):
        height = f' ht="{sheet.heights[r]}" customHeight="1"' if r in sheet.heights else ""
        cells = [_cell_xml(f"{letters[c]}{r}", cells_get((r, c)), ids_get((r, c), 0)) for c in sorted(rows.get(r, ()))]
        parts.append(f'<row r="{r}"{height}>{"".join(cells)}</row>')
    parts.append("</sheetData>")
    if sheet.autofilter:
        parts.append(f'<autoFilter ref="{_range_ref(sheet.autofilter)}"/>')
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">' + "".join(
            f'<mergeCell ref="{letters[c1]}{r1}:{letters[c2]}{r2}"/>' for r1, c1, r2, c2 in sheet.merges)
            + "</mergeCells>")
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    if sheet.landscape_fit:
        parts.append('<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def write_cells_xlsx(path: Path | str, sheets: list[CellSheet]) -> Path:
    """Write sheets of cells as an xlsx (merges, widths, heights, hidden sheets, bold/italic/
    centred/boxed cells, number formats, dd/mm/yyyy dates, inline strings), byte-identical for the same input
    and atomically replaced. Readable by Excel, LibreOffice, openpyxl and calamine."""
    path = Path(path)
    style_ids: dict[tuple[CellStyle, bool], int] = {(CellStyle(), False): 0}
    sheet_xml = [_sheet_xml(sheet, _style_map(sheet, style_ids)) for sheet in sheets]
    keys = sorted(style_ids, key=style_ids.__getitem__)
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1))
    entries = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'{_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView '
            f'activeTab="{next((i for i, s in enumerate(sheets) if not s.hidden), 0)}"/></bookViews><sheets>'
            + "".join(f'<sheet name="{_escape(s.name)}" sheetId="{i}"{_HIDDEN if s.hidden else ""} '
                      f'r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1))
            + f"</sheets>{_defined_names(sheets)}</workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _styles_xml(keys),
    }
    for i, xml in enumerate(sheet_xml, start=1):
        entries[f"xl/worksheets/sheet{i}.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in sorted(entries, key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # zipfile's default depends on the OS (0 on Windows): same bytes everywhere
            info.external_attr = 0o644 << 16
            z.writestr(info, entries[name].encode("utf-8"), compresslevel=6)
    return write_bytes_atomic(out.getvalue(), path)


def write_simple_xlsx(path: Path | str, sheets: list[tuple[str, list[list], set[int], dict[int, float]]]) -> Path:
    """Plain tables: (name, rows, 1-based bold row numbers, {column: width}) per sheet."""
    specs = []
    for name, rows, bold_rows, widths in sheets:
        cells = {(r, c): v for r, row in enumerate(rows, start=1) for c, v in enumerate(row, start=1) if v is not None}
        bold = CellStyle(bold=True)
        styles = {pos: bold for pos in cells if pos[0] in bold_rows}
        specs.append(CellSheet(name, cells, styles, widths=dict(widths)))
    return write_cells_xlsx(path, specs)
