"""Write openpyxl workbooks byte-identically: same content in, same bytes out.

openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry, so two
saves of the same workbook differ. The sample data and the blank templates must be
reproducible (same seed, same files; hashes in tests), hence this writer.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
