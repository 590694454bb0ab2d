"""HTML tables saved as .xls (e-government exports) and .mht web archives -> Sheets.

One ``Sheet`` per ``<table>`` ("Bảng 1", "Bảng 2"…); rowspan/colspan are expanded into the
grid (value in the top-left cell, like Excel's merged cells) and recorded as merged
ranges. Spans are clamped to the HTML standard's limits and the grid to ``max_cells``.
"""

from __future__ import annotations

import email
import email.policy
import re

from vhcs_analysis.io.base import Cell, Limits, Refused, Sheet, col_letters, decode_text

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own limits


def html_from_mht(data: bytes) -> bytes:
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        for part in msg.walk():
            if part.get_content_type() == "text/html":
                payload = part.get_payload(decode=True) or b""
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
