"""Zip-based workbooks (xlsx, xlsm, xlsb, ods), checked before the parser sees them.

The parser (python-calamine) builds a dense grid in memory and trusts the zip: a small
file can inflate to gigabytes (zip bomb), declare entities that expand exponentially
("billion laughs"), or put one cell at XFD1048576 (17 billion cells: the process dies).
These checks read only the zip directory and stream each XML part once, bounded by the
declared sizes (Python's zipfile stops at the declared size and fails the checksum when
a part lies about it). ODS merged ranges, which the parser does not report, are read here too.

Every cell and row tag is counted while streaming (a byte count, hundreds of MB a second),
before any pattern runs: a sheet of millions of empty styled cells (``<c r="A1" s="1"/>``)
has a small extent but costs the parser and the extent scan a second per ~20 MB, so a
file whose sheets hold more cell (or row) tags than ``[cleaning] max_cells`` is refused
at once, naming the limit. Shared strings are counted the same way.

Limits from the domain (``[cleaning]``, docs/cleaning.md "Giới hạn kích thước"): a part
larger than ``max_part_mb`` or parts larger than ``max_unzipped_mb`` together are refused
from the zip directory, before a byte is inflated; a sheet with more than ``max_rows`` rows
holding a cell is refused while streaming, as soon as the count passes the limit, whatever
its ``<dimension>`` declares (a dimension is a claim: it is named in the message, never
believed; Excel's counts formatted empty rows, so it cannot refuse either). Rows holding a
cell are counted as closing ``</row>`` tags: an empty styled row (``<row r="9" s="1"
customFormat="1"/>``, what formatting a whole column leaves) closes itself and costs nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from typing import NamedTuple

from vhcs_analysis.io.base import MB, Limits, Refused, Sheet, over_limit, refuse_extent, size_vi

_ZIP_RATIO_MIN_BYTES = 10 * MB  # smaller parts may compress as well as they like
_MAX_ZIP_ENTRIES = 10_000

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ROW_REF = re.compile(rb"""\br\s*=\s*["']([0-9]{1,7})["']""")
# Fast path (Excel always writes r="A1" on cells, without a namespace prefix): row numbers
# and column letters of cells that hold something (not self-closing), found by patterns
# with a literal start, which the regex engine scans for quickly.
_FILLED_ROW = re.compile(rb"""<c [^>]*?\br=["'][A-Z]{1,3}([0-9]{1,7})["'][^>/]*>""")
_FILLED_COL = re.compile(rb"""<c [^>]*?\br=["']([A-Z]{1,3})[0-9]{1,7}["'][^>/]*>""")
# Faster still when ``r`` is the first attribute (Excel, LibreOffice, openpyxl, xlsxwriter):
# one pass gives (column letters, row number) of every filled cell, and an empty cell
# fails at its "/" without backtracking.
_FILLED_FIRST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_PREFIXED_ROW_END = re.compile(rb"</[A-Za-z_][\w.-]*:row>")
# A formula with no stored result: written by software that never calculates (openpyxl,
# report generators write <f>…</f><v></v> or no <v> at all). The parser gives nothing for
# such a cell; the cleaner names it (``clean.name_uncalculated_formulas``). A text formula
# whose result is the empty string (t="str", <v></v>) was calculated: not one of these.
_UNCALCULATED = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>/]*)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_TEXT_TYPE = re.compile(rb"""\bt\s*=\s*["'](?:str|inlineStr)["']""")
MAX_FORMULAS_NAMED = 10_000  # per file: enough to name them all in any real form


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _head(zf: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of one part (never the whole part: it may be a bomb)."""
    try:
        with zf.open(name) as fh:
            return fh.read(128)
    except Exception:  # noqa: BLE001 - a broken part: not an ODS signature
        return b""


def check_zip(data: bytes, limits: Limits, formulas: dict[str, dict[tuple[int, int], str]] | None = None) -> str:
    """Open the zip, check sizes/ratios/encryption/DTDs and the cell extent of every
    worksheet (streaming, bounded by the declared sizes); return 'xlsx', 'xlsb' or 'ods'.
    ``formulas`` (when given) receives, per worksheet part, the formulas without a stored
    result: {(row0, col0): "=FORMULA"}."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise Refused("tệp bị hỏng hoặc bị cắt cụt (không mở được cấu trúc nén của bảng tính)") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        kind = "xlsb"
    elif "content.xml" in names and ("mimetype" not in names or _head(zf, "mimetype").startswith(
        b"application/vnd.oasis.opendocument.spreadsheet"
    )):
        kind = "ods"
    elif "EncryptedPackage" in names:
        raise Refused("tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại")
    else:
        raise Refused("tệp nén (zip) nhưng không phải bảng tính Excel hay ODS")
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise Refused(f"bảng tính có quá nhiều thành phần ({len(infos)}), nghi là tệp độc hại")
    _check_declared_sizes(zf, infos, limits)
    tally = _Tally(limits)
    tally.formulas = formulas
    try:
        for info in infos:
            lower = info.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                _drain(zf, info)  # binary parts (xlsb sheets, images): sizes and checksum only
                continue
            if kind == "xlsx" and lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                _scan_xlsx_sheet(zf, info, limits, tally)
            elif kind == "xlsx" and lower == "xl/sharedstrings.xml":
                _scan_shared_strings(zf, info, tally)
            elif kind == "ods" and lower == "content.xml":
                _scan_ods_content(zf, info, limits)
            else:
                _scan_for_dtd(zf, info)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, bad CRC…: all mean broken
        raise Refused("tệp bị hỏng hoặc bị cắt cụt (dữ liệu nén không hợp lệ)") from None
    return kind


def _check_declared_sizes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Decide from the zip directory alone (nothing inflated): encryption, the compression
    ratio of each large part, the size of each part (``max_part_mb``) and of all parts
    together (``max_unzipped_mb``). Python's zipfile stops at the declared size and fails
    the checksum when a part lies about it, so the declared sizes bound the work."""
    from vhcs_analysis import fmt

    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused("tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại")
        total += info.file_size
        if info.file_size > _ZIP_RATIO_MIN_BYTES and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise Refused(
                f"nghi là bom nén: thành phần {info.filename} giải nén ra {info.file_size / MB:.0f} MB "
                f"(gấp {info.file_size / max(info.compress_size, 1):.0f} lần kích thước nén)"
            )
        if info.file_size > limits.max_part_mb * MB:
            raise over_limit(f"thành phần {info.filename} giải nén ra {size_vi(info.file_size)}",
                             "max_part_mb", f"{fmt.number(limits.max_part_mb)} MB",
                             sheet=_sheet_of_part(zf, info.filename))
    if total > limits.max_unzipped_mb * MB:
        raise over_limit(f"các thành phần giải nén ra {size_vi(total)}", "max_unzipped_mb",
                         f"{fmt.number(limits.max_unzipped_mb)} MB")


def _sheet_of_part(zf: zipfile.ZipFile, part: str) -> str | None:
    """The sheet name of a worksheet part, for a message (None when unknown or when the
    workbook's own parts are too large to read safely)."""
    try:
        if not part.startswith("xl/worksheets/") or max(
                zf.getinfo(name).file_size for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")) > MB:
            return None
        return sheet_names_by_part(zf).get(part)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None


def _drain(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one part to the end: Python's zipfile stops at the declared size and checks
    the CRC, so a part that lies about its size fails here, not inside the parser."""
    with zf.open(info) as fh:
        while fh.read(4 * MB):
            pass


def _iter_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Decompressed bytes of one part in pieces that end after a '>' (no tag is split)."""
    carry = b""
    with zf.open(info) as fh:
        while True:
            block = fh.read(4 * MB)
            if not block:
                break
            buf = carry + block
            cut = buf.rfind(b">") + 1
            if cut == 0:
                carry = buf[-4096:]  # a long text run: keep only what a tag start could need
                continue
            yield buf[:cut]
            carry = buf[cut:]
    if carry:
        yield carry


def _refuse_dtd(info: zipfile.ZipInfo) -> None:
    raise Refused(f"bảng tính chứa khai báo DTD/thực thể XML (nghi là tấn công mở rộng thực thể) trong {info.filename}")


def _scan_for_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    for chunk in _iter_chunks(zf, info):
        if _DTD.search(chunk):
            _refuse_dtd(info)


class _SheetTags(NamedTuple):
    """Cell and row tags of one chunk of a worksheet, each kind counted once (inside XML
    text "<" is always escaped, so these byte strings are tags)."""

    plain_cells: int  # "<c "
    other_cells: int  # "<c>", "x:c ", "x:c>"
    plain_rows: int  # "<row "
    other_rows: int  # "<row>", "x:row ", "x:row>"

    @classmethod
    def of(cls, chunk: bytes) -> _SheetTags:
        # a namespace prefix is rare: one look for ":c" / ":row" before counting both forms
        return cls(
            chunk.count(b"<c "),
            chunk.count(b"<c>") + (chunk.count(b":c ") + chunk.count(b":c>") if b":c" in chunk else 0),
            chunk.count(b"<row "),
            chunk.count(b"<row>") + (chunk.count(b":row ") + chunk.count(b":row>") if b":row" in chunk else 0),
        )

    @property
    def cells(self) -> int:
        return self.plain_cells + self.other_cells

    @property
    def rows(self) -> int:
        return self.plain_rows + self.other_rows


def _fast_path_applies(chunk: bytes, tags: _SheetTags | None = None) -> bool:
    """Every cell tag in the chunk is a plain ``<c …>`` with an ``r`` attribute (counted
    with byte counts: when unsure, the answer is no and the slow path runs)."""
    tags = tags if tags is not None else _SheetTags.of(chunk)
    if tags.other_cells:  # "<c>", "x:c ", "x:c>"
        return False
    refs = chunk.count(b' r="') - tags.plain_rows
    # single-quoted references are counted only when the double-quoted ones fall short
    return tags.plain_cells <= refs or tags.plain_cells <= refs + chunk.count(b" r='")


class _Tally:
    """Cell, row and shared-string tags counted over all parts of one workbook."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0
        self.rows = 0
        self.strings = 0
        self.formulas: dict[str, dict[tuple[int, int], str]] | None = None
        self.n_formulas = 0
        self.sheet_rows = 0  # rows holding a cell in the sheet being scanned
        self.dimension: str | None = None  # what the sheet's <dimension> declares
        self.zf: zipfile.ZipFile | None = None  # the workbook, to name the sheet in a message

    def begin_sheet(self, zf: zipfile.ZipFile) -> None:
        """Start counting the rows of one worksheet (again, when it is rescanned)."""
        self.sheet_rows, self.dimension, self.zf = 0, None, zf

    def note_formulas(self, chunk: bytes, info: zipfile.ZipInfo) -> None:
        """Record the formulas without a stored result (only where there is a formula)."""
        if self.formulas is None or self.n_formulas >= MAX_FORMULAS_NAMED or b"</c>" not in chunk or (
                b"<f" not in chunk or (b"<f>" not in chunk and b"<f " not in chunk)):
            return
        import html

        for letters, row, attrs, text in _UNCALCULATED.findall(chunk):
            if _TEXT_TYPE.search(attrs):
                continue
            cell = (int(row) - 1, _column_number(letters) - 1)
            self.formulas.setdefault(info.filename, {})[cell] = "=" + html.unescape(text.decode("utf-8", "replace"))
            self.n_formulas += 1
            if self.n_formulas >= MAX_FORMULAS_NAMED:
                return

    def count_sheet_chunk(self, chunk: bytes, info: zipfile.ZipInfo) -> _SheetTags:
        """Add the chunk's cell and row tags; refuse the sheet beyond ``max_cells``."""
        tags = _SheetTags.of(chunk)
        self.cells += tags.cells
        self.rows += tags.rows
        if self.dimension is None:
            found = _DIMENSION.search(chunk)
            self.dimension = found.group(1).decode("ascii", "replace") if found else ""
        # rows holding a cell end with </row>; an empty styled row closes itself
        self.sheet_rows += chunk.count(b"</row>") + (len(_PREFIXED_ROW_END.findall(chunk)) if b":row>" in chunk else 0)
        self.check(info)
        return tags

    def check(self, info: zipfile.ZipInfo) -> None:
        if self.sheet_rows > self.limits.max_rows:
            from vhcs_analysis import fmt

            declared = f" (vùng khai báo trong <dimension> là {self.dimension})" if self.dimension else ""
            raise over_limit(f"{info.filename} có hơn {fmt.number(self.limits.max_rows)} dòng có dữ liệu{declared}",
                             "max_rows", f"{fmt.number(self.limits.max_rows)} dòng",
                             sheet=_sheet_of_part(self.zf, info.filename) if self.zf else None)
        if self.cells > self.limits.max_cells:
            self.refuse(info, "ô")
        if self.rows > self.limits.max_cells:  # empty rows cost the parser too; Excel has ≤ 1,048,576 a sheet
            self.refuse(info, "dòng")

    def count_strings_chunk(self, chunk: bytes, info: zipfile.ZipInfo) -> None:
        self.strings += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b":si>") + chunk.count(b":si ")
        if self.strings > self.limits.max_cells:  # more distinct texts than cells could use
            self.refuse(info, "chuỗi văn bản dùng chung")

    def refuse(self, info: zipfile.ZipInfo, what: str) -> None:
        from vhcs_analysis import fmt

        limit = fmt.number(self.limits.max_cells)
        raise over_limit(f"{info.filename} có hơn {limit} {what}"
                         f"{' (kể cả ô trống có định dạng)' if what == 'ô' else ''}",
                         "max_cells", f"{limit} ô",
                         sheet=_sheet_of_part(self.zf, info.filename) if self.zf else None)


def _scan_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, tally: _Tally) -> None:
    for chunk in _iter_chunks(zf, info):
        if _DTD.search(chunk):
            _refuse_dtd(info)
        tally.count_strings_chunk(chunk, info)


@lru_cache(maxsize=8)
def _beyond_small_extent(max_cells: int) -> tuple[re.Pattern, int] | None:
    """A pattern that finds every cell reference ``<c r="…"`` outside columns A–Z and rows
    1 … 10^d − 1, with d the most digits for which that whole area (26 × (10^d − 1) cells)
    is within ``max_cells``, and the area's last row (None: no such d)."""
    digits = 0
    while digits < 7 and 26 * (10 ** (digits + 1) - 1) <= max_cells:
        digits += 1
    if not digits:
        return None
    return re.compile(rb'<c r="(?:[A-Z]{2}|[A-Z][0-9]{%d})' % (digits + 1)), 10 ** digits - 1


def _scan_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, tally: _Tally | None = None,
                     *, bounded: bool = True) -> None:
    """The parser builds a dense grid up to the last cell holding something: bound
    rows × columns of the cells that are not self-closing (empty styled cells are skipped),
    and the number of cell tags (``tally``) before any pattern runs.

    A chunk whose cell references all lie in columns A–Z and rows small enough that the
    whole area is within ``max_cells`` (one search, ``_beyond_small_extent``) cannot make
    the sheet too large: its filled cells are not listed (``bounded``). When a later chunk
    comes close to the limit, the sheet is scanned again listing every chunk's cells, so
    the decision and the message are those of the full scan."""
    tally = tally if tally is not None else _Tally(limits)
    tally.begin_sheet(zf)
    start = (tally.cells, tally.rows)
    noted = tally.n_formulas
    small = _beyond_small_extent(limits.max_cells) if bounded else None
    skipped = False  # a chunk whose filled cells were not listed (all within the small area)
    max_row = max_col = 0
    for chunk in _iter_chunks(zf, info):
        if _DTD.search(chunk):
            _refuse_dtd(info)
        tags = tally.count_sheet_chunk(chunk, info)
        if not tags.cells:
            continue  # rows without cells (a form formatted down to the last row): nothing to place
        if not _fast_path_applies(chunk, tags):
            tally.cells, tally.rows = start
            return _scan_xlsx_sheet_by_position(zf, info, limits, tally)
        if chunk.count(b'<c r="') == tags.plain_cells:
            tally.note_formulas(chunk, info)
            if small is not None and max(max_row, small[1]) * max(max_col, 26) <= limits.max_cells \
                    and small[0].search(chunk) is None:
                skipped = True
                continue
            found = _FILLED_FIRST_REF.findall(chunk)
            if found:
                max_row = max(max_row, max(int(r) for r in {r for _, r in found}))
                max_col = max(max_col, max(_column_number(c) for c in {c for c, _ in found}))
        else:
            rows = set(_FILLED_ROW.findall(chunk))
            if rows:
                max_row = max(max_row, max(map(int, rows)))
                max_col = max(max_col, max(_column_number(c) for c in set(_FILLED_COL.findall(chunk))))
        if skipped and small is not None and max(max_row, small[1]) * max(max_col, 26) > limits.max_cells:
            # near the limit after unlisted chunks: list every chunk's cells from the start
            tally.cells, tally.rows = start
            if tally.formulas is not None:
                tally.formulas.pop(info.filename, None)
                tally.n_formulas = noted
            return _scan_xlsx_sheet(zf, info, limits, tally, bounded=False)
        if max_row * max_col > limits.max_cells:
            refuse_extent(limits, max_row, max_col)
    return None


def _scan_xlsx_sheet_by_position(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits,
                                  tally: _Tally | None = None) -> None:
    """Slow path for writers that omit r="…": follow row and cell positions tag by tag."""
    tally = tally if tally is not None else _Tally(limits)
    tally.begin_sheet(zf)
    max_row = max_col = 0
    row = col = 0
    for chunk in _iter_chunks(zf, info):
        tally.count_sheet_chunk(chunk, info)
        for m in _TAG.finditer(chunk):
            attrs = m.group(2)
            if m.group(1) == b"row":
                ref = _ROW_REF.search(attrs)
                row = int(ref.group(1)) if ref else row + 1
                col = 0
                continue
            ref = _REF.search(attrs)
            if ref:
                col = _column_number(ref.group(1))
                row = max(row, int(ref.group(2)))
            else:
                col += 1
            if attrs.rstrip().endswith(b"/"):
                continue  # an empty (styled) cell: the parser skips it
            max_row, max_col = max(max_row, row), max(max_col, col)
            if max_row * max_col > limits.max_cells:
                refuse_extent(limits, max_row, max_col)


_ODS_ROW = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-row"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table"
_ODS_CELLS = (
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}covered-table-cell",
)
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_VT = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"


def _repeat(element, attr: str) -> int:
    try:
        return max(1, int(element.get(_T + attr, "1")))
    except ValueError:
        return 1


def _scan_ods_content(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """ODS repeats rows/columns by attribute: a tiny file can declare a million-by-
    thousands grid of one value. Expand the counts (not the cells) of non-empty cells."""
    from lxml import etree

    with zf.open(info) as fh:
        head = fh.read(64 * 1024)
    if _DTD.search(head):
        _refuse_dtd(info)
    with zf.open(info) as fh:
        parser = etree.iterparse(
            fh, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        row = max_row = max_col = 0
        col = 0
        total = 0
        for event, el in parser:
            tag = el.tag
            if event == "start":
                if tag == _ODS_TABLE:
                    row = max_row = max_col = 0
                elif tag == _ODS_ROW:
                    col = 0
                continue
            if tag in _ODS_CELLS:
                reps = _repeat(el, "number-columns-repeated")
                filled = el.get(_OFFICE_VT) is not None or len(el) > 0
                col += reps
                if filled:
                    max_col = max(max_col, col)
                    max_row = max(max_row, row + 1)
                el.clear()
            elif tag == _ODS_ROW:
                reps = _repeat(el, "number-rows-repeated")
                if max_row == row + 1:  # this row holds data: all its repeats do too
                    max_row = row + reps
                row += reps
                el.clear()
                if max_row > limits.max_rows:
                    from vhcs_analysis import fmt

                    raise over_limit(f"content.xml có một trang tính {fmt.number(max_row)} dòng có dữ liệu",
                                     "max_rows", f"{fmt.number(limits.max_rows)} dòng")
                if max_row * max_col + total > limits.max_cells:
                    refuse_extent(limits, max_row, max_col)
            elif tag == _ODS_TABLE:
                total += max_row * max_col
                el.clear()

def add_ods_merges(data: bytes, sheets: list[Sheet]) -> None:
    """calamine gives no merged ranges for ODS: read the spans (already size-checked)."""
    from lxml import etree

    by_name = {s.name: s for s in sheets}
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
        current: Sheet | None = None
        row = col = 0
        for event, el in etree.iterparse(
            fh, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
        ):
            if event == "start":
                if el.tag == _ODS_TABLE:
                    current, row = by_name.get(el.get(_T + "name", "")), 0
                elif el.tag == _ODS_ROW:
                    col = 0
                continue
            if el.tag in _ODS_CELLS:
                rs, cs = _repeat(el, "number-rows-spanned"), _repeat(el, "number-columns-spanned")
                if current is not None and el.tag == _ODS_CELLS[0] and (rs > 1 or cs > 1):
                    current.merged.append((row, col, row + rs - 1, col + cs - 1))
                col += _repeat(el, "number-columns-repeated")
                el.clear()
            elif el.tag == _ODS_ROW:
                row += _repeat(el, "number-rows-repeated")
                el.clear()


_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b([^>]*)/?>")
_REL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b([^>]*)/?>")


def _attr(attrs: bytes, name: bytes) -> str | None:
    m = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*["']([^"']*)["']""", attrs)
    return None if m is None else __import__("html").unescape(m.group(1).decode("utf-8", "replace"))


def sheet_names_by_part(data: bytes | zipfile.ZipFile) -> dict[str, str]:
    """xlsx: worksheet part (``xl/worksheets/sheet1.xml``) -> sheet name, from the
    workbook and its relationships (both small, already checked by ``check_zip``);
    ``data``: the file's bytes or the open zip."""
    out: dict[str, str] = {}
    try:
        if isinstance(data, zipfile.ZipFile):
            workbook, rels = data.read("xl/workbook.xml"), data.read("xl/_rels/workbook.xml.rels")
        else:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                workbook = zf.read("xl/workbook.xml")
                rels = zf.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return out
    targets = {}
    for m in _REL_TAG.finditer(rels):
        rid, target = _attr(m.group(1), rb"Id"), _attr(m.group(1), rb"Target")
        if rid and target:
            target = target.lstrip("/")
            targets[rid] = target if target.startswith("xl/") else "xl/" + target
    for m in _SHEET_TAG.finditer(workbook):
        name, rid = _attr(m.group(1), rb"name"), _attr(m.group(1), rb"r:id")
        if name is not None and rid in targets:
            out[targets[rid]] = name
    return out
