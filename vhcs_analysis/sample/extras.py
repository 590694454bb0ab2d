"""Files that are not data but sit in real collections (guidance documents)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from vhcs_analysis.sample.context import SampleContext
from vhcs_analysis.sample.forms import Grid, write_xlsx
from vhcs_analysis.sample.mess import person_name


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def write_docx(path: Path, paragraphs: list[str]) -> None:
    """A minimal, valid Word document (deterministic bytes) holding ``paragraphs``."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # zipfile's default depends on the OS (0 on Windows): same bytes everywhere
            z.writestr(info, text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def write_non_data(p: SampleContext) -> None:
    """A guidance .docx, a text note and a list of inspectors' names: files real collections
    hold that the cleaner must list as skipped (recorded in ``p.ledger.skipped``)."""
    doc = "tai-lieu/Huong dan nhap lieu Bieu 01-VHCS.docx"
    write_docx(p.raw / doc, [
        "HƯỚNG DẪN NHẬP LIỆU BIỂU SỐ 01-VHCS",
        "Các đơn vị nhập số liệu vào cột Số liệu; không thay đổi tên chỉ tiêu.",
        "Hạn gửi báo cáo: ngày 20/6 (6 tháng đầu năm) và ngày 20/12 (6 tháng cuối năm).",
    ])
    note = "2018/ghi chu - don doc bao cao.txt"
    (p.raw / note).parent.mkdir(parents=True, exist_ok=True)
    (p.raw / note).write_bytes(
        "Ghi chú: ngày 22/12/2018 đã gọi điện đôn đốc các đơn vị chưa gửi báo cáo.\r\n"
        f"Đ/c {person_name(p.rng)} (Văn phòng) theo dõi.\r\n".encode("utf-8"))
    team = "kiem-tra/2018/Danh sach thanh vien doan kiem tra 2018.xlsx"
    grid = Grid("Danh sach", widths={1: 6, 2: 30, 3: 40})
    grid.put(1, 1, "DANH SÁCH THÀNH VIÊN ĐOÀN KIỂM TRA, GIÁM SÁT NĂM 2018", bold=True, span=3)
    for c, text in enumerate(("STT", "Họ và tên", "Chức vụ"), start=1):
        grid.put(3, c, text, bold=True)
    for r in range(4, 10):
        grid.put(r, 1, r - 3)
        grid.put(r, 2, person_name(p.rng))
        grid.put(r, 3, str(p.rng.choice(("Trưởng đoàn", "Thành viên", "Thư ký"))))
    write_xlsx(p.raw / team, [grid])
    for path, why in ((doc, "not_a_spreadsheet"), (note, "not_a_spreadsheet"), (team, "not_recognised")):
        p.ledger.skipped.append({"source_file": path, "reason": why})
    p.ledger.files += 3
