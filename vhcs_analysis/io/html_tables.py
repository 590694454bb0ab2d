"""Markup saved under a spreadsheet name -> Sheets: HTML tables saved as .xls
(e-government exports), .mht web archives, and XML Spreadsheet 2003 files.

HTML: one ``Sheet`` per ``<table>`` ("Bảng 1", "Bảng 2"…); rowspan/colspan are expanded
into the grid (value in the top-left cell, like Excel's merged cells) and recorded as
merged ranges. Spans are clamped to the HTML standard's limits and the grid to ``max_cells``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

from vhcs_analysis.io.base import Cell, Limits, Refused, Sheet, col_letters, decode_text, refuse_extent

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own limits


def html_from_mht(data: bytes) -> bytes:
    """The HTML part of a saved web archive (.mht), with its declared charset kept; refused if there is none."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                decoded = part.get_payload(decode=True)
                payload = decoded if isinstance(decoded, bytes) else b""
                charset = part.get_content_charset()
                if charset and not _CHARSET.search(payload[:4096]):
                    payload = b'<meta charset="' + charset.encode("ascii", "ignore") + b'">' + payload
                return payload
    except Exception:  # noqa: BLE001
        pass
    raise Refused("tệp trang web lưu trữ (.mht) không có phần HTML đọc được")


def _decode_html(data: bytes) -> str:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data)
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _cell_text(cell) -> str | None:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = "".join(cell.itertext())
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")]
    value = "\n".join(line for line in lines if line)
    return value or None


def read_html(data: bytes, limits: Limits) -> list[Sheet]:
    """Every ``<table>`` of an HTML file (Excel's "save as web page" .xls included) as one sheet each, within
    ``limits``."""
    import lxml.html
    from lxml import etree

    text = _XML_DECL.sub("", _decode_html(data).lstrip("\ufeff"), count=1)
    if "\x00" in text:
        raise Refused("tệp HTML chứa ký tự NUL (tệp hỏng)")
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, huge_tree=False)
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        raise Refused("tệp HTML bị hỏng, không đọc được bảng") from None
    sheets: list[Sheet] = []
    total = 0
    for table in doc.iter("table"):
        trs = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        if not trs:
            continue
        name = f"Bảng {len(sheets) + 1}"
        grid: dict[tuple[int, int], Cell] = {}
        pending: dict[int, int] = {}  # column -> rows below still covered by a rowspan
        merged = []
        width = 0
        for r, tr in enumerate(trs):
            covered = set(pending)
            spans: dict[int, int] = {}
            c = 0
            for cell in tr.xpath("./td | ./th"):
                while c in covered:
                    c += 1
                rs = min(max(_int_attr(cell, "rowspan"), 1), _MAX_ROWSPAN, len(trs) - r)
                cs = min(max(_int_attr(cell, "colspan"), 1), _MAX_COLSPAN)
                total += rs * cs
                if total > limits.max_cells:
                    raise Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
                value = _cell_text(cell)
                if value is not None and len(value) > limits.max_cell_chars:
                    raise Refused(
                        f"ô dài {len(value)} ký tự, vượt giới hạn {limits.max_cell_chars} ký tự",
                        sheet=name, row=r + 1, column=col_letters(c),
                    )
                grid[(r, c)] = value
                if rs > 1 or cs > 1:
                    merged.append((r, c, r + rs - 1, c + cs - 1))
                if rs > 1:
                    for dc in range(cs):
                        spans[c + dc] = rs - 1
                c += cs
            width = max(width, c, max(covered, default=-1) + 1)
            pending = {col: left - 1 for col, left in pending.items() if left > 1}
            pending.update(spans)
        if len(trs) * width > limits.max_cells:
            raise Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
        rows = [[grid.get((r, c)) for c in range(width)] for r in range(len(trs))]
        sheets.append(Sheet(name, rows, False, merged))
    if not sheets:
        raise Refused("tệp HTML không chứa bảng số liệu nào")
    return sheets


def _int_attr(element, name: str) -> int:
    raw = (element.get(name) or "1").strip()
    digits = re.match(r"\d{1,7}", raw)
    return int(digits.group(0)) if digits else 1


# --- XML Spreadsheet 2003 (SpreadsheetML), another old "export to Excel" format -------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"
_MAX_ROW, _MAX_COL = 1_048_576, 16_384


def _xml2003_value(kind: str | None, text: str):
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "DateTime":
        try:
            moment = dt.datetime.fromisoformat(text[:19])
        except ValueError:
            return text
        return moment.date() if moment.time() == dt.time() else moment
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    return text


def _ss_int(element, name: str, default: int) -> int:
    raw = element.get(_SS + name)
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def read_xml2003(data: bytes, limits: Limits) -> list[Sheet]:
    """Sheets of an XML Spreadsheet 2003 file: ss:Index gaps, MergeAcross/MergeDown,
    typed Data (Number, String, DateTime, Boolean), hidden sheets; DTDs refused."""
    from lxml import etree

    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data[:1_000_000], re.IGNORECASE):
        raise Refused("tệp XML chứa khai báo DTD/thực thể (nghi là tấn công mở rộng thực thể)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        raise Refused("tệp XML Spreadsheet 2003 bị hỏng, không đọc được") from None
    sheets: list[Sheet] = []
    total = 0
    for ws in root.iter(_SS + "Worksheet"):
        name = ws.get(_SS + "Name") or f"Sheet{len(sheets) + 1}"
        visible = ws.findtext(f"{_X}WorksheetOptions/{_X}Visible") or ""
        cells: dict[tuple[int, int], Cell] = {}
        merged = []
        n_rows = n_cols = 0
        r = -1
        for row in ws.iter(_SS + "Row"):
            r = min(_ss_int(row, "Index", r + 2) - 1, _MAX_ROW - 1)
            c = -1
            for cell in row.iter(_SS + "Cell"):
                c = min(_ss_int(cell, "Index", c + 2) - 1, _MAX_COL - 1)
                across = min(max(_ss_int(cell, "MergeAcross", 0), 0), _MAX_COL - 1 - c)
                down = min(max(_ss_int(cell, "MergeDown", 0), 0), _MAX_ROW - 1 - r)
                data_el = cell.find(_SS + "Data")
                if data_el is not None:
                    text = "".join(data_el.itertext())
                    if len(text) > limits.max_cell_chars:
                        raise Refused(
                            f"ô dài {len(text)} ký tự, vượt giới hạn {limits.max_cell_chars} ký tự",
                            sheet=name, row=r + 1, column=col_letters(c),
                        )
                    cells[(r, c)] = _xml2003_value(data_el.get(_SS + "Type"), text) if text != "" else None
                if across or down:
                    merged.append((r, c, r + down, c + across))
                n_rows, n_cols = max(n_rows, r + down + 1), max(n_cols, c + across + 1)
                c += across
                if n_rows * n_cols + total > limits.max_cells:
                    refuse_extent(limits, n_rows, n_cols, sheet=name)
        total += n_rows * n_cols
        rows = [[cells.get((i, j)) for j in range(n_cols)] for i in range(n_rows)]
        sheets.append(Sheet(name, rows, visible.startswith("SheetHidden") or visible.startswith("SheetVeryHidden"),
                            merged))
    if not sheets:
        raise Refused("tệp XML Spreadsheet 2003 không có trang tính nào")
    return sheets
