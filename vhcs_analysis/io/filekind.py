"""What a raw file is when it is not a spreadsheet, from its bytes: a PDF, a Word
document, a photo, an archive, an e-mail, a password-protected workbook. Such a file
cannot be read, and the office needs to know what to ask the unit for instead
("tệp PDF: đề nghị đơn vị gửi lại biểu mẫu Excel"), not "không nhận ra nội dung".

The signatures are the formats' documented magic bytes (PDF 1.7 §7.5.2 "%PDF-"; JPEG SOI
FF D8 FF; PNG's 8-byte signature; ISO BMFF ``ftyp`` brands of HEIF/HEIC; RAR 4/5
"Rar!␚␇"; 7-Zip "7z¼¯'␜"; RTF "{\\rtf"; GIF, TIFF, BMP, WebP). Containers are told apart
by their parts: an Office Open XML zip by ``word/document.xml`` (Word),
``ppt/presentation.xml`` (PowerPoint) or ``xl/workbook.xml`` (a workbook: not foreign);
an OLE2 compound file by its stream names (``EncryptedPackage``/``EncryptionInfo``: an
encrypted Office file, which is how Excel saves a password-protected .xlsx;
``WordDocument``: Word 97–2003; ``__substg1.0_``: an Outlook .msg; ``PowerPoint
Document``). An e-mail (.eml) is text whose first lines are RFC 5322 header fields.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

SEND_EXCEL = "gửi lại biểu mẫu Excel (.xlsx) đã điền"
PROTECTED_REASON = ("bảng tính Excel được bảo vệ bằng mật khẩu (mã hóa) nên không đọc được: đề nghị đơn vị gỡ "
                    "mật khẩu (trong Excel: Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa "
                    "mật khẩu rồi lưu) và gửi lại tệp")


@dataclass(frozen=True)
class ForeignFile:
    """A file that is not a spreadsheet: ``code`` (pdf, word, image, archive, email,
    protected, …), what it is and what to ask for, in Vietnamese."""

    code: str
    what: str
    ask: str
    own_reason: str | None = None  # a line of its own instead of "X, không phải bảng tính: …"

    @property
    def reason(self) -> str:
        """The one line ``vhcs clean``/``validate`` and the correction workbooks show."""
        return self.own_reason or f"{self.what}, không phải bảng tính: đề nghị đơn vị {self.ask}"


def _kind(code: str, what: str, ask: str = SEND_EXCEL) -> ForeignFile:
    return ForeignFile(code, what, ask)


PDF = _kind("pdf", "tệp PDF", SEND_EXCEL + ", không gửi bản PDF hay bản scan")
WORD = _kind("word", "văn bản Word", SEND_EXCEL + "; số liệu nhập vào biểu mẫu Excel, không gửi văn bản Word")
POWERPOINT = _kind("powerpoint", "bài trình chiếu PowerPoint")
IMAGE = _kind("image", "ảnh chụp hoặc ảnh quét ({fmt})", SEND_EXCEL + ", không gửi ảnh chụp biểu mẫu")
ARCHIVE = _kind("archive", "tệp nén ({fmt})", "giải nén và gửi trực tiếp từng biểu mẫu Excel (.xlsx)")
EMAIL = _kind("email", "thư điện tử đã lưu thành tệp ({fmt})",
              "gửi biểu mẫu Excel (.xlsx) dưới dạng tệp riêng, không gửi cả thư")
PROTECTED = ForeignFile("protected", "bảng tính Excel được bảo vệ bằng mật khẩu", "gỡ mật khẩu rồi gửi lại tệp",
                        own_reason=PROTECTED_REASON)

_IMAGES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
_ARCHIVES = (
    (b"Rar!\x1a\x07\x00", "RAR"),
    (b"Rar!\x1a\x07\x01\x00", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc/.msg and encrypted workbooks
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):[ \t]?.*$")
_MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id", b"return-path", b"cc",
                 b"delivered-to", b"reply-to", b"x-mailer"}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _with(kind: ForeignFile, fmt: str) -> ForeignFile:
    return ForeignFile(kind.code, kind.what.format(fmt=fmt), kind.ask)


def foreign_kind(data: bytes) -> ForeignFile | None:
    """What ``data`` is when it is a known kind of file that is not a spreadsheet or a
    table in text (CSV, HTML); None otherwise (let the readers decide)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    for magic, fmt in _IMAGES:
        if data.startswith(magic):
            return _with(IMAGE, fmt)
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return _with(IMAGE, "HEIC/HEIF, ảnh điện thoại")
    if data.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00" and len(data) >= 26:  # reserved fields
        return _with(IMAGE, "BMP")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _with(IMAGE, "WebP")
    for magic, fmt in _ARCHIVES:
        if data.startswith(magic):
            return _with(ARCHIVE, fmt)
    if data.startswith(b"{\\rtf"):
        return WORD
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if _looks_like_email(data[:8192]):
        return _with(EMAIL, "EML")
    return None


def _zip_kind(data: bytes) -> ForeignFile | None:
    """An Office Open XML or ODF zip by its parts; another zip is an archive. Only the
    central directory is read (no part is decompressed)."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None  # a damaged zip: the workbook reader names it
    if names & {"xl/workbook.xml", "xl/workbook.bin"} or "content.xml" in names:
        return None  # a workbook (an ODF text document is told by the workbook reader)
    if "word/document.xml" in names:
        return WORD
    if "ppt/presentation.xml" in names:
        return POWERPOINT
    if "EncryptedPackage" in names:
        return PROTECTED
    return _with(ARCHIVE, "ZIP")


def _ole_kind(data: bytes) -> ForeignFile | None:
    """An OLE2 compound file by the stream names in its directory (stored as UTF-16LE)."""
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        return PROTECTED
    if _utf16("__substg1.0_") in data or _utf16("__properties_version1.0") in data:
        return _with(EMAIL, "Outlook MSG")
    if _utf16("WordDocument") in data:
        return WORD
    if _utf16("PowerPoint Document") in data:
        return POWERPOINT
    return None  # Excel 97–2003 (.xls) or something the .xls reader names


def _looks_like_email(head: bytes) -> bool:
    """RFC 5322 header fields from the first line up to the blank line, two or more of them
    the usual mail headers; a web archive (MHT, multipart/related) is a page, not mail."""
    if b"multipart/related" in head.lower():
        return False
    lines = head.lstrip(b"\xef\xbb\xbf").split(b"\n")
    fields: set[bytes] = set()
    for line in lines[:-1]:  # the last line may be cut in the middle
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and fields:  # a folded continuation
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        fields.add(match.group(1).lower())
    return len(fields & _MAIL_HEADERS) >= 2 and (b"from" in fields or b"received" in fields)
