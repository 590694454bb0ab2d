"""Read any raw input file into grids of raw cell values, safely.

Files are recognised by their content (magic bytes), never by their extension: a ``.xlsx``
that is really a CSV or an HTML table is read as what it is. Every failure, including
anything the spreadsheet library raises, becomes ``UnreadableFileError`` with a one-line
Vietnamese reason naming the file. Hostile input is refused before it can cost unbounded
time or memory: file size, declared zip sizes and ratios (zip bombs), XML DTDs (entity
expansion), the extent of the cell grid (a single cell at XFD1048576 would make the
parser allocate 17 billion cells) and the length of each cell.

Policy for over-long cells: the file is refused (with sheet, row and column), not
truncated, because a silently cut value could pass validation with the wrong meaning.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import hashlib
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from vhcs_analysis.errors import ConfigError, Location, UnreadableFileError

Cell = object  # None | str | int | float | bool | datetime.datetime | datetime.date | datetime.time


@dataclass
class Sheet:
    """One sheet (or CSV file, or HTML table) as a grid: ``rows[i]`` is Excel row ``i+1``,
    ``rows[i][j]`` is column ``j+1``; merged ranges are 0-based inclusive
    ``(first_row, first_col, last_row, last_col)``."""

    name: str
    rows: list[list[Cell]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def _cleaning_setting(key: str, fallback):
    from vhcs_analysis.config import setting

    try:
        return setting("cleaning", key)
    except ConfigError:
        return fallback


@dataclass(frozen=True)
class Limits:
    """Hard limits for one input file (defaults from ``[cleaning]`` in the settings)."""

    max_file_mb: float = field(default_factory=lambda: _cleaning_setting("max_file_mb", 50))
    max_cells: int = field(default_factory=lambda: _cleaning_setting("max_cells", 5_000_000))
    max_cell_chars: int = field(default_factory=lambda: _cleaning_setting("max_cell_chars", 10_000))
    max_unzipped_mb: float = field(default_factory=lambda: _cleaning_setting("max_unzipped_mb", 500))
    max_zip_ratio: float = field(default_factory=lambda: _cleaning_setting("max_zip_ratio", 200))


_MB = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_ZIP_RATIO_MIN_BYTES = 10 * _MB  # smaller parts may compress as well as they like
_MAX_ZIP_ENTRIES = 10_000


class _Refused(Exception):
    """Internal: a reason (Vietnamese) and optional sheet/row/column, turned into the
    public error by ``read_sheets`` once the file's display name is known."""

    def __init__(self, reason: str, sheet: str | None = None, row: int | None = None, column: str | None = None):
        super().__init__(reason)
        self.reason, self.sheet, self.row, self.column = reason, sheet, row, column


# ---------------------------------------------------------------------------------------
# Public API


def read_sheets(path: Path, limits: Limits | None = None, *, display_name: str | None = None) -> list[Sheet]:
    """All sheets of one raw file (Excel, ODS, CSV or HTML tables), by content.

    Raises ``UnreadableFileError`` naming ``display_name`` (default: the file name) for
    anything that cannot be read within ``limits``.
    """
    path = Path(path)
    name = display_name or path.name
    limits = limits or Limits()
    try:
        data = _read_bytes(path, limits)
        return _read_data(data, path, limits)
    except _Refused as exc:
        raise UnreadableFileError(exc.reason, Location(file=name, sheet=exc.sheet, row=exc.row, column=exc.column)) from None
    except (MemoryError, RecursionError):
        raise UnreadableFileError("tệp quá lớn hoặc quá phức tạp để đọc an toàn", Location(file=name)) from None


def list_input_files(raw: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Candidate input files under ``raw`` (recursive), sorted by their posix path relative
    to ``raw``, and the entries skipped with a Vietnamese reason (hidden files, Office lock
    files ``~$…``, links that loop or point outside ``raw``, unreadable folders, non-files).
    """
    raw = Path(raw)
    root = raw.resolve()
    files: list[tuple[str, Path]] = []
    skipped: list[tuple[Path, str]] = []
    visited: set[tuple[int, int]] = set()

    def inside(target: Path) -> bool:
        return target == root or root in target.parents

    def walk(folder: Path, rel: str) -> None:
        try:
            st = folder.stat()
            visited.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            skipped.append((folder, "không đọc được thư mục (không có quyền truy cập hoặc lỗi đĩa)"))
            return
        for entry in entries:
            p = Path(entry.path)
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            if entry.name.startswith("~$"):
                skipped.append((p, "tệp khóa tạm của Office (~$…), không phải dữ liệu"))
                continue
            if entry.name.startswith("."):
                skipped.append((p, "tệp hoặc thư mục ẩn (tên bắt đầu bằng dấu chấm)"))
                continue
            try:
                if entry.is_symlink():
                    try:
                        target = p.resolve(strict=True)
                    except (OSError, RuntimeError):
                        skipped.append((p, "liên kết hỏng hoặc vòng lặp liên kết"))
                        continue
                    if not inside(target):
                        skipped.append((p, "liên kết trỏ ra ngoài thư mục dữ liệu thô"))
                        continue
                st = p.stat()
            except OSError:
                skipped.append((p, "không đọc được thông tin tệp"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) in visited:
                    skipped.append((p, "vòng lặp liên kết thư mục (đã duyệt)"))
                    continue
                walk(p, child_rel)
            elif stat.S_ISREG(st.st_mode):
                files.append((child_rel, p))
            else:
                skipped.append((p, "không phải tệp thông thường"))

    if not raw.is_dir():
        return [], [(raw, "không phải thư mục hoặc không tồn tại")]
    walk(raw, "")
    files.sort(key=lambda item: item[0])
    skipped.sort(key=lambda item: item[0].as_posix())
    return [p for _, p in files], skipped


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_MB), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Detection


def _read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        st = path.stat()
    except OSError:
        raise _Refused("không mở được tệp (không tồn tại hoặc không có quyền đọc)") from None
    if not stat.S_ISREG(st.st_mode):
        raise _Refused("không phải tệp thông thường")
    if st.st_size == 0:
        raise _Refused("tệp rỗng (0 byte)")
    if st.st_size > limits.max_file_mb * _MB:
        raise _Refused(f"tệp quá lớn ({st.st_size / _MB:.0f} MB, giới hạn {limits.max_file_mb:g} MB)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(int(limits.max_file_mb * _MB) + 1)
    except OSError:
        raise _Refused("không đọc được tệp (lỗi đọc đĩa hoặc không có quyền)") from None
    if len(data) > limits.max_file_mb * _MB:
        raise _Refused(f"tệp quá lớn (giới hạn {limits.max_file_mb:g} MB)")
    if not data:
        raise _Refused("tệp rỗng (0 byte)")
    return data


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom):]
    return head


def _sniff_markup(data: bytes) -> str | None:
    """'html', 'mht' or 'xml2003' when the file is markup saved under a spreadsheet name."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return None
    head = _strip_bom(head).lstrip().lower()
    if head.startswith(b"mime-version:") or (b"mime-version:" in head[:1024] and b"multipart/related" in head):
        return "mht"
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
        return "xml2003"
    if head.startswith((b"<html", b"<table", b"<!doctype html", b"<meta", b"<head", b"<body", b"<?xml", b"<!--")):
        if b"<table" in data.lower() if len(data) < _MB else b"<table" in data[:_MB].lower():
            return "html"
        return "html-without-table"
    return None


def _read_data(data: bytes, path: Path, limits: Limits) -> list[Sheet]:
    if data.startswith(_ZIP_MAGIC):
        kind = _check_zip(data, limits)
        return _read_calamine(data, kind, limits)
    if data.startswith(_OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data or (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data
        ):
            raise _Refused("tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại")
        return _read_calamine(data, "xls", limits)
    markup = _sniff_markup(data)
    if markup == "html":
        return _read_html(data, limits)
    if markup == "mht":
        return _read_html(_html_from_mht(data), limits)
    if markup == "xml2003":
        raise _Refused("định dạng XML Spreadsheet 2003 chưa được hỗ trợ; hãy mở bằng Excel và lưu lại thành .xlsx")
    if markup == "html-without-table":
        raise _Refused("tệp HTML không chứa bảng số liệu nào")
    return [_read_csv(data, path, limits)]


# ---------------------------------------------------------------------------------------
# Zip containers (xlsx, xlsm, xlsb, ods): checked before the parser sees them

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ROW_REF = re.compile(rb"""\br\s*=\s*["']([0-9]{1,7})["']""")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _check_zip(data: bytes, limits: Limits) -> str:
    """Open the zip, check sizes/ratios/encryption/DTDs and the cell extent of every
    worksheet (streaming, bounded by the declared sizes); return 'xlsx', 'xlsb' or 'ods'."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _Refused("tệp bị hỏng hoặc bị cắt cụt (không mở được cấu trúc nén của bảng tính)") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        kind = "xlsb"
    elif "content.xml" in names and (
        "mimetype" not in names or zf.read("mimetype")[:64].startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    ):
        kind = "ods"
    elif "EncryptedPackage" in names:
        raise _Refused("tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại")
    else:
        raise _Refused("tệp nén (zip) nhưng không phải bảng tính Excel hay ODS")
    if len(infos) > _MAX_ZIP_ENTRIES:
        raise _Refused(f"bảng tính có quá nhiều thành phần ({len(infos)}), nghi là tệp độc hại")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Refused("tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại")
        total += info.file_size
        if info.file_size > _ZIP_RATIO_MIN_BYTES and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise _Refused(
                f"nghi là bom nén: thành phần {info.filename} giải nén ra {info.file_size / _MB:.0f} MB "
                f"(gấp {info.file_size / max(info.compress_size, 1):.0f} lần kích thước nén)"
            )
    if total > limits.max_unzipped_mb * _MB:
        raise _Refused(
            f"nghi là bom nén: giải nén ra {total / _MB:.0f} MB (giới hạn {limits.max_unzipped_mb:g} MB)"
        )
    try:
        for info in infos:
            lower = info.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                continue
            if kind == "xlsx" and lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                _scan_xlsx_sheet(zf, info, limits)
            elif kind == "ods" and lower == "content.xml":
                _scan_ods_content(zf, info, limits)
            else:
                _scan_for_dtd(zf, info)
    except _Refused:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, zlib.error, EOFError, bad CRC…: all mean broken
        raise _Refused("tệp bị hỏng hoặc bị cắt cụt (dữ liệu nén không hợp lệ)") from None
    return kind


def _iter_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Decompressed bytes of one part in pieces that end after a '>' (no tag is split)."""
    carry = b""
    with zf.open(info) as fh:
        while True:
            block = fh.read(4 * _MB)
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
    raise _Refused(f"bảng tính chứa khai báo DTD/thực thể XML (nghi là tấn công mở rộng thực thể) trong {info.filename}")


def _scan_for_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    for chunk in _iter_chunks(zf, info):
        if _DTD.search(chunk):
            _refuse_dtd(info)


def _refuse_extent(limits: Limits, rows: int, cols: int, sheet: str | None = None) -> None:
    raise _Refused(
        f"bảng tính quá lớn: vùng dữ liệu {rows:,} dòng × {cols:,} cột vượt giới hạn {limits.max_cells:,} ô".replace(",", "."),
        sheet=sheet,
    )


def _scan_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """The parser builds a dense grid from A1 (well, from the first used cell) to the last
    cell holding something: bound rows × columns of cells that are not self-closing."""
    max_row = max_col = 0
    row = col = 0
    for chunk in _iter_chunks(zf, info):
        if _DTD.search(chunk):
            _refuse_dtd(info)
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
                _refuse_extent(limits, max_row, max_col)


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
                if max_row * max_col + total > limits.max_cells:
                    _refuse_extent(limits, max_row, max_col)
            elif tag == _ODS_TABLE:
                total += max_row * max_col
                el.clear()


# ---------------------------------------------------------------------------------------
# Excel/ODS through python-calamine


def _col_letters(index0: int) -> str:
    n, letters = index0 + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _calamine_reason(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PasswordError":
        return "tệp được bảo vệ bằng mật khẩu (mã hóa); hãy gỡ mật khẩu rồi gửi lại"
    if name == "XmlError":
        return "nội dung XML của bảng tính bị hỏng hoặc không hợp lệ"
    if name == "ZipError":
        return "tệp bị hỏng hoặc bị cắt cụt (cấu trúc nén không hợp lệ)"
    return "tệp bị hỏng hoặc không phải bảng tính đọc được"


def _convert(value, limits: Limits, sheet: str, r: int, c: int):
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        if len(value) > limits.max_cell_chars:
            raise _Refused(
                f"ô dài {len(value):,} ký tự, vượt giới hạn {limits.max_cell_chars:,} ký tự".replace(",", "."),
                sheet=sheet,
                row=r + 1,
                column=_col_letters(c),
            )
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # Excel stores every number as a float: 12.0 was typed as 12
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400  # a duration: keep Excel's number of days
    return value


def _read_calamine(data: bytes, kind: str, limits: Limits) -> list[Sheet]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    sheets: list[Sheet] = []
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        total = 0
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            end = sheet.end
            if end is None:
                grid = []
            else:
                area = (end[0] + 1) * (end[1] + 1)
                total += area
                if area > limits.max_cells or total > limits.max_cells:
                    _refuse_extent(limits, end[0] + 1, end[1] + 1, sheet=meta.name)
                grid = sheet.to_python(skip_empty_area=False)
                start = sheet.start or (0, 0)
                if len(grid) != end[0] + 1:  # the empty area was trimmed after all: put it back
                    grid = [[""] * (end[1] + 1) for _ in range(start[0])] + [[""] * start[1] + list(r) for r in grid]
            rows = [[_convert(v, limits, meta.name, i, j) for j, v in enumerate(r)] for i, r in enumerate(grid)]
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(meta.name, rows, meta.visible != SheetVisibleEnum.Visible, merged))
        wb.close()
    except _Refused:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; none may escape
        raise _Refused(_calamine_reason(exc)) from None
    if kind == "ods":
        _add_ods_merges(data, sheets)
    return sheets


def _add_ods_merges(data: bytes, sheets: list[Sheet]) -> None:
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


# ---------------------------------------------------------------------------------------
# CSV and other text


def _decode(data: bytes) -> str:
    try:
        from vhcs_analysis.text import decode_bytes
    except ImportError:  # text.py not there yet: the minimal fallback
        for enc in ("utf-8-sig", "cp1258"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")
    return decode_bytes(data)


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by design
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 26))
    return controls > len(sample) * 0.01


def _read_csv(data: bytes, path: Path, limits: Limits) -> Sheet:
    if _looks_binary(data):
        raise _Refused("không phải bảng tính hay tệp văn bản (CSV) đọc được: nội dung nhị phân không rõ định dạng")
    try:
        text = _decode(data)
    except Exception:  # noqa: BLE001 - a decoder failure is a property of the file
        raise _Refused("không giải mã được văn bản (bảng mã không nhận ra)") from None
    if "\x00" in text:
        raise _Refused("tệp văn bản chứa ký tự NUL (tệp hỏng hoặc nhị phân)")
    text = text.lstrip("\ufeff")
    sample = "\n".join(text[:65536].splitlines()[:50])
    delimiter = _sniff_delimiter(sample)
    rows: list[list[Cell]] = []
    cells = 0
    try:
        for r, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)):
            cells += len(record)
            if cells > limits.max_cells:
                raise _Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
            row = []
            for c, value in enumerate(record):
                row.append(_convert(value, limits, path.stem, r, c))
            rows.append(row)
    except csv.Error:
        raise _Refused(f"ô quá dài hoặc dòng CSV không hợp lệ (giới hạn {limits.max_cell_chars} ký tự mỗi ô)") from None
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > limits.max_cells:
        raise _Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
    for row in rows:
        row.extend([None] * (width - len(row)))
    return Sheet(path.stem, rows)


def _sniff_delimiter(sample: str) -> str:
    """',' ';' or tab: the candidate that splits the most lines into the same number of
    fields (>1), quotes respected; ',' when nothing splits."""
    best, best_score = ",", (0, 0)
    lines = [line for line in sample.splitlines() if line.strip()]
    for delim in (",", ";", "\t"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        multi = [n for n in counts if n > 1]
        if not multi:
            continue
        mode = max(set(multi), key=multi.count)
        score = (multi.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


# ---------------------------------------------------------------------------------------
# HTML tables saved as .xls (and .mht single-file web pages)

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own limits


def _html_from_mht(data: bytes) -> bytes:
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
    raise _Refused("tệp trang web lưu trữ (.mht) không có phần HTML đọc được")


def _decode_html(data: bytes) -> str:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return _decode(data)
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode(data)


def _cell_text(cell) -> str | None:
    for br in cell.iter("br"):
        br.tail = "\n" + (br.tail or "")
    text = "".join(cell.itertext())
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")]
    value = "\n".join(line for line in lines if line)
    return value or None


def _read_html(data: bytes, limits: Limits) -> list[Sheet]:
    import lxml.html
    from lxml import etree

    text = _XML_DECL.sub("", _decode_html(data).lstrip("\ufeff"), count=1)
    if "\x00" in text:
        raise _Refused("tệp HTML chứa ký tự NUL (tệp hỏng)")
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, huge_tree=False)
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        raise _Refused("tệp HTML bị hỏng, không đọc được bảng") from None
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
                    raise _Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
                value = _cell_text(cell)
                if value is not None and len(value) > limits.max_cell_chars:
                    raise _Refused(
                        f"ô dài {len(value)} ký tự, vượt giới hạn {limits.max_cell_chars} ký tự",
                        sheet=name, row=r + 1, column=_col_letters(c),
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
            raise _Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
        rows = [[grid.get((r, c)) for c in range(width)] for r in range(len(trs))]
        sheets.append(Sheet(name, rows, False, merged))
    if not sheets:
        raise _Refused("tệp HTML không chứa bảng số liệu nào")
    return sheets


def _int_attr(element, name: str) -> int:
    raw = (element.get(name) or "1").strip()
    digits = re.match(r"\d{1,7}", raw)
    return int(digits.group(0)) if digits else 1
