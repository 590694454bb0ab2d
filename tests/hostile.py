"""Builders of hostile and broken input files (for tests/test_io_hostile.py).

Each builder writes one file into a folder and returns its path. Sizes are kept small so
the tests are fast; bombs are checked against small ``Limits`` where that suffices.
"""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import openpyxl

MB = 1024 * 1024


def small_xlsx(path: Path, cells: dict[str, object] | None = None) -> Path:
    """A small valid workbook (one sheet 'Dữ liệu')."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    for ref, value in (cells or {"A1": "STT", "B1": "Tên đơn vị", "A2": 1, "B2": "Sở Nội vụ"}).items():
        ws[ref] = value
    wb.save(path)
    return path


def rewrite_zip(src: Path, dst: Path, edit) -> Path:
    """Copy a zip, passing each entry's bytes through ``edit(name, data) -> data``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)), zipfile.ZIP_DEFLATED)
    return dst


def empty_file(folder: Path) -> Path:
    path = folder / "rong.xlsx"
    path.write_bytes(b"")
    return path


def truncated_xlsx(folder: Path) -> Path:
    whole = small_xlsx(folder / "day-du.xlsx").read_bytes()
    (folder / "day-du.xlsx").unlink()
    path = folder / "bi-cat.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def garbage(folder: Path, name: str = "rac.xlsx", size: int = 64 * 1024) -> Path:
    path = folder / name
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def nul_csv(folder: Path) -> Path:
    path = folder / "co-nul.csv"
    path.write_bytes(b"STT,T\xc3\xaan\n1,S\x00\x00\x00\x00\n")
    return path


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b"<!ENTITY lol%d \"%s\">" % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
)


def billion_laughs_sheet(folder: Path) -> Path:
    """Entity expansion in the worksheet XML."""
    src = small_xlsx(folder / "goc-1.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
            return _LAUGHS + body.replace(b"<v>1</v>", b"<v>&lol9;</v>", 1)
        return data

    path = rewrite_zip(src, folder / "thuc-the-trang.xlsx", edit)
    src.unlink()
    return path


def billion_laughs_shared_strings(folder: Path) -> Path:
    """Entity expansion in xl/sharedStrings.xml, referenced by cell A1."""
    src = small_xlsx(folder / "goc-2.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<c r="A1" t="inlineStr"><is><t>STT</t></is></c>', b'<c r="A1" t="s"><v>0</v></c>')
        return data

    path = rewrite_zip(src, folder / "thuc-the-chuoi.xlsx", edit)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(
            "xl/sharedStrings.xml",
            _LAUGHS
            + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            b"<si><t>&lol9;</t></si></sst>",
        )
    src.unlink()
    return path


def zip_bomb(folder: Path, inflated_mb: int = 40) -> Path:
    """An xlsx whose sheet XML really inflates to ``inflated_mb`` MB of blanks (ratio ≈ 1000)."""
    src = small_xlsx(folder / "goc-3.xlsx")
    padding = b" " * (inflated_mb * MB)

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + padding, 1)
        return data

    path = rewrite_zip(src, folder / "bom-nen.xlsx", edit)
    src.unlink()
    return path


def lying_zip_bomb(folder: Path) -> Path:
    """Like ``zip_bomb`` but the zip declares the sheet to be tiny (sizes rewritten in
    both the local header and the central directory)."""
    path = zip_bomb(folder, inflated_mb=20)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # Local file header: size fields at +18 (compressed) and +22 (uncompressed).
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) != -1:
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if data[pos + 30 : pos + 30 + n] == name:
            struct.pack_into("<I", data, pos + 22, 4096)
        pos += 4
    # Central directory record: uncompressed size at +24, name at +46.
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + n] == name:
            struct.pack_into("<I", data, pos + 24, 4096)
        pos += 4
    out = folder / "bom-nen-gia.xlsx"
    out.write_bytes(bytes(data))
    path.unlink()
    return out


def huge_cell(folder: Path, chars: int) -> Path:
    return small_xlsx(folder / "o-qua-dai.xlsx", {"A1": "Ghi chú", "C4": "x" * chars})


def far_cell(folder: Path) -> Path:
    """Two cells, A1 and XFD1048576: a dense grid of 17 billion cells for a naive reader."""
    return small_xlsx(folder / "o-xa.xlsx", {"A1": "a", "XFD1048576": "b"})


def many_cells_csv(folder: Path, rows: int, cols: int) -> Path:
    path = folder / "nhieu-o.csv"
    line = ",".join(["1"] * cols) + "\n"
    path.write_text(line * rows, encoding="utf-8")
    return path


def ods_repeat_bomb(folder: Path, repeat: int = 100_000) -> Path:
    """An ODS of a few hundred bytes declaring ``repeat`` × ``repeat`` copies of one value."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S1">'
        f'<table:table-row table:number-rows-repeated="{repeat}">'
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = folder / "lap-lai.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def encrypted_ole(folder: Path) -> Path:
    """The shape of a password-protected .xlsx: an OLE2 container with an
    'EncryptedPackage' stream (directory names are UTF-16LE)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0") + "EncryptedPackage".encode(
        "utf-16-le"
    ).ljust(128, b"\0")
    path = folder / "co-mat-khau.xlsx"
    path.write_bytes(header + directory + random.Random(3).randbytes(4096))
    return path


def broken_ole(folder: Path) -> Path:
    """OLE2 magic followed by garbage: looks like .xls, is not."""
    path = folder / "hong.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(5).randbytes(8192))
    return path


def html_span_bomb(folder: Path) -> Path:
    path = folder / "bang-html.xls"
    cells = '<td colspan="1000" rowspan="65534">x</td>' * 50
    path.write_text(f"<html><body><table><tr>{cells}</tr>" + "<tr><td>1</td></tr>" * 200 + "</table></body></html>")
    return path


def far_row_without_refs(folder: Path) -> Path:
    """Cells written without r="…" (allowed by the standard): position comes from the row."""
    src = small_xlsx(folder / "goc-4.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<row r="2"><c r="A2" t="n"><v>1</v></c>', b'<row r="5000"><c t="n"><v>1</v></c>')
        return data

    path = rewrite_zip(src, folder / "khong-toa-do.xlsx", edit)
    src.unlink()
    return path


def far_cell_with_prefix(folder: Path) -> Path:
    """The far cell written with a namespace prefix (<x:c r="XFD1048576">)."""
    src = small_xlsx(folder / "goc-5.xlsx")

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(
                b"</sheetData>",
                b'<x:row r="1048576" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<x:c r="XFD1048576" t="n"><x:v>1</x:v></x:c></x:row></sheetData>',
            )
        return data

    path = rewrite_zip(src, folder / "tien-to.xlsx", edit)
    src.unlink()
    return path


def _ole2(stream: bytes) -> bytes:
    """A minimal OLE2 container (512-byte sectors) holding one stream named 'Workbook';
    streams under 4096 bytes go to the mini stream, as the format requires."""
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    sector = 512
    small = len(stream) < 4096
    padded = stream + bytes(-len(stream) % (64 if small else sector))
    # sectors: 0 FAT, 1 directory, 2 mini FAT, 3.. data (mini stream or the stream itself)
    n_data = -(-len(padded) // sector)
    fat = [fat_sect, end, end] + [3 + i + 1 for i in range(n_data - 1)] + [end]
    fat += [free] * (128 - len(fat))
    n_mini = len(padded) // 64 if small else 0
    minifat = [i + 1 for i in range(n_mini - 1)] + ([end] if n_mini else [])
    minifat += [free] * (128 - len(minifat))

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        out = bytearray(128)
        out[: len(raw)] = raw
        struct.pack_into("<HBB", out, 0x40, len(raw), kind, 1)
        struct.pack_into("<III", out, 0x44, free, free, child)
        struct.pack_into("<II", out, 0x74, start, size)
        return bytes(out)

    root = entry("Root Entry", 5, 3 if small else end, len(padded) if small else 0, child=1)
    book = entry("Workbook", 2, 0 if small else 3, len(stream))
    directory = root + book + bytes(256)
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<8I", header, 0x2C, 1, 1, 0, 4096, 2, 1, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    body = struct.pack("<128I", *fat) + directory + struct.pack("<128I", *minifat)
    return bytes(header) + body + padded + bytes(-len(padded) % sector)


def far_cell_xls(folder: Path, big_stream: bool = False) -> Path:
    """A BIFF8 workbook with one number at IV65536 (the last cell of an .xls sheet)."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)
    number = struct.pack("<HH", 0x0203, 14) + struct.pack("<HHHd", 65535, 255, 0, 1.0)
    padding = struct.pack("<HH", 0x1234, 4200) + bytes(4200) if big_stream else b""
    eof = struct.pack("<HH", 0x000A, 0)
    path = folder / ("o-xa-lon.xls" if big_stream else "o-xa.xls")
    path.write_bytes(_ole2(bof + padding + number + eof))
    return path
