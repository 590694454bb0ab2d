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
import hashlib
import io
import os
import re
import stat
from pathlib import Path

from vhcs_analysis.errors import Location, UnreadableFileError
from vhcs_analysis.io.base import MB, Cell, Limits, Refused, Sheet, col_letters, decode_text, refuse_extent
from vhcs_analysis.io.base import check_text_size
from vhcs_analysis.io.filekind import OLE_MAGIC, PROTECTED_REASON, ZIP_MAGIC, foreign_kind
from vhcs_analysis.io.html_tables import html_from_mht, read_html, read_xml2003
from vhcs_analysis.io.xls_guard import check_xls
from vhcs_analysis.io.zip_guard import add_ods_merges, check_zip, sheet_names_by_part

__all__ = ["Limits", "Sheet", "list_input_files", "read_sheets", "sha256_file"]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


# ---------------------------------------------------------------------------------------
# Public API


def read_sheets(path: Path, limits: Limits, *, display_name: str | None = None) -> list[Sheet]:
    """All sheets of one raw file (Excel, ODS, CSV or HTML tables), by content.

    Raises ``UnreadableFileError`` naming ``display_name`` (default: the file name) for
    anything that cannot be read within ``limits``.
    """
    path = Path(path)
    name = display_name or path.name
    try:
        data = _read_bytes(path, limits)
        return _read_data(data, path, limits)
    except Refused as exc:
        raise UnreadableFileError(exc.reason,
                                  Location(file=name, sheet=exc.sheet, row=exc.row, column=exc.column)) from None
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
        for block in iter(lambda: fh.read(MB), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Detection


def _read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        st = path.stat()
    except OSError:
        raise Refused("không mở được tệp (không tồn tại hoặc không có quyền đọc)") from None
    if not stat.S_ISREG(st.st_mode):
        raise Refused("không phải tệp thông thường")
    if st.st_size == 0:
        raise Refused("tệp rỗng (0 byte)")
    if st.st_size > limits.max_file_mb * MB:
        raise Refused(f"tệp quá lớn ({st.st_size / MB:.0f} MB, giới hạn {limits.max_file_mb:g} MB)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(int(limits.max_file_mb * MB) + 1)
    except OSError:
        raise Refused("không đọc được tệp (lỗi đọc đĩa hoặc không có quyền)") from None
    if len(data) > limits.max_file_mb * MB:
        raise Refused(f"tệp quá lớn (giới hạn {limits.max_file_mb:g} MB)")
    if not data:
        raise Refused("tệp rỗng (0 byte)")
    return data


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom):]
    return head


def _sniff_markup(data: bytes) -> str | None:
    """'html', 'mht' or 'xml2003' when the file is markup saved under a spreadsheet name."""
    head = data[:16384]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8", "replace")
    head = _strip_bom(head).lstrip().lower()
    if head.startswith(b"mime-version:") or (b"mime-version:" in head[:1024] and b"multipart/related" in head):
        return "mht"
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml2003"
    if head.startswith((b"<html", b"<table", b"<!doctype html", b"<meta", b"<head", b"<body", b"<?xml", b"<!--")):
        if b"<table" in head or re.search(rb"<table", data, re.IGNORECASE) or re.search(
            "<table".encode("utf-16-le"), data, re.IGNORECASE
        ):
            return "html"
        return "html-without-table"
    return None


def _read_data(data: bytes, path: Path, limits: Limits) -> list[Sheet]:
    foreign = foreign_kind(data)  # a PDF, a photo, a Word file, a protected workbook…: say what to ask for
    if foreign is not None:
        raise Refused(foreign.reason)
    if data.startswith(ZIP_MAGIC):
        formulas: dict[str, dict[tuple[int, int], str]] = {}
        kind = check_zip(data, limits, formulas)
        sheets = _read_calamine(data, kind, limits)
        if formulas:
            _add_formulas(sheets, formulas, sheet_names_by_part(data))
        return sheets
    if data.startswith(OLE_MAGIC):  # an encrypted one was named by foreign_kind
        check_xls(data, limits)
        return _read_calamine(data, "xls", limits)
    markup = _sniff_markup(data)
    if markup == "html":
        return read_html(data, limits)
    if markup == "mht":
        return read_html(html_from_mht(data), limits)
    if markup == "xml2003":
        return read_xml2003(data, limits)
    if markup == "html-without-table":
        raise Refused("tệp HTML không chứa bảng số liệu nào")
    return [_read_csv(data, path, limits)]


# ---------------------------------------------------------------------------------------
# Excel/ODS through python-calamine


def _calamine_reason(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PasswordError":
        return PROTECTED_REASON
    if name == "XmlError":
        return "nội dung XML của bảng tính bị hỏng hoặc không hợp lệ"
    if name == "ZipError":
        return "tệp bị hỏng hoặc bị cắt cụt (cấu trúc nén không hợp lệ)"
    return "tệp bị hỏng hoặc không phải bảng tính đọc được"


def _convert(value, limits: Limits, sheet: str, r: int, c: int):
    kind = type(value)
    if kind is float:  # the usual cells first: this runs for every cell of every sheet
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if kind is str and value and len(value) <= limits.max_cell_chars:
        return value
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        if len(value) > limits.max_cell_chars:
            raise Refused(
                f"ô dài {len(value):,} ký tự, vượt giới hạn {limits.max_cell_chars:,} ký tự".replace(",", "."),
                sheet=sheet,
                row=r + 1,
                column=col_letters(c),
            )
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # Excel stores every number as a float: 12.0 was typed as 12
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400  # a duration: keep Excel's number of days
    return value


_EXACT = 2**53


def _convert_grid(grid: list[list], limits: Limits, sheet: str) -> list[list]:
    """``_convert`` of every cell, with the usual cells (numbers, short text) done inline."""
    most = limits.max_cell_chars
    return [[(int(v) if v.is_integer() and -_EXACT < v < _EXACT else v) if type(v) is float
             else v if type(v) is str and v and len(v) <= most
             else _convert(v, limits, sheet, i, j) for j, v in enumerate(r)] for i, r in enumerate(grid)]


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
                grid: list[list] = []
            else:
                area = (end[0] + 1) * (end[1] + 1)
                total += area
                if area > limits.max_cells or total > limits.max_cells:
                    refuse_extent(limits, end[0] + 1, end[1] + 1, sheet=meta.name)
                grid = sheet.to_python(skip_empty_area=False)
                start = sheet.start or (0, 0)
                if len(grid) != end[0] + 1:  # the empty area was trimmed after all: put it back
                    grid = [[""] * (end[1] + 1) for _ in range(start[0])] + [[""] * start[1] + list(r) for r in grid]
            rows = _convert_grid(grid, limits, meta.name)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(meta.name, rows, meta.visible != SheetVisibleEnum.Visible, merged))
        wb.close()
    except Refused:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; none may escape
        raise Refused(_calamine_reason(exc)) from None
    if kind == "ods":
        add_ods_merges(data, sheets)
    for read in sheets:
        read.merged = _clip_merges(read)
    return sheets


def _add_formulas(sheets: list[Sheet], formulas: dict[str, dict[tuple[int, int], str]],
                  names: dict[str, str]) -> None:
    """Attach the formulas without a stored result to their sheets (``Sheet.formulas``).
    The parser leaves such cells out (a trailing row of them is not even in the grid), so
    the grid is padded to reach them: they are within the extent already checked."""
    by_name = {s.name: s for s in sheets}
    for part, cells in formulas.items():
        sheet = by_name.get(names.get(part, ""))
        if sheet is None:
            continue
        last_row = max(r for r, _ in cells)
        width = max([len(r) for r in sheet.rows] + [c + 1 for _, c in cells])
        while len(sheet.rows) <= last_row:
            sheet.rows.append([])
        for row in sheet.rows:
            row.extend([None] * (width - len(row)))
        for (r, c), formula in cells.items():
            if sheet.rows[r][c] is None:
                sheet.formulas[(r, c)] = formula


def _clip_merges(sheet: Sheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the grid (a title merged over C2:F2 when the data ends at
    column E becomes C2:E2), so that every merged cell can be indexed in ``rows``;
    ranges wholly outside the grid and single cells are dropped."""
    n_rows = len(sheet.rows)
    n_cols = len(sheet.rows[0]) if sheet.rows else 0
    clipped = []
    for r0, c0, r1, c1 in sheet.merged:
        r1, c1 = min(r1, n_rows - 1), min(c1, n_cols - 1)
        if r0 <= r1 and c0 <= c1 and (r1 > r0 or c1 > c0):
            clipped.append((r0, c0, r1, c1))
    return sorted(set(clipped))



# ---------------------------------------------------------------------------------------
# CSV and other text


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 text (Excel's "Unicode Text"), with or without BOM: NULs by design, as the
    high byte of most Latin/Vietnamese characters, never in both halves."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4 or len(sample) % 2:
        return False
    return (odd.count(0) >= 0.5 * len(odd) and not even.count(0)) or (
        even.count(0) >= 0.5 * len(even) and not odd.count(0)
    )


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if _looks_utf16(sample):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 26))
    return controls > len(sample) * 0.01


def _read_csv(data: bytes, path: Path, limits: Limits) -> Sheet:
    if _looks_binary(data):
        raise Refused("không phải bảng tính hay tệp văn bản (CSV) đọc được: nội dung nhị phân không rõ định dạng")
    check_text_size(data, limits)
    try:
        text = decode_text(data)
    except Exception:  # noqa: BLE001 - a decoder failure is a property of the file
        raise Refused("không giải mã được văn bản (bảng mã không nhận ra)") from None
    if "\x00" in text:
        raise Refused("tệp văn bản chứa ký tự NUL (tệp hỏng hoặc nhị phân)")
    text = text.lstrip("\ufeff")
    sample = "\n".join(text[:65536].splitlines()[:50])
    delimiter = _sniff_delimiter(sample)
    rows: list[list[Cell]] = []
    cells = 0
    name = path.stem
    try:
        for r, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)):
            cells += len(record)
            if cells > limits.max_cells:
                raise Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
            row = []
            for c, value in enumerate(record):
                row.append(_convert(value, limits, name, r, c))
            rows.append(row)
    except csv.Error:
        raise Refused(f"ô quá dài hoặc dòng CSV không hợp lệ (giới hạn {limits.max_cell_chars} ký tự mỗi ô)") from None
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > limits.max_cells:
        raise Refused(f"tệp quá lớn: hơn {limits.max_cells:,} ô".replace(",", "."))
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
