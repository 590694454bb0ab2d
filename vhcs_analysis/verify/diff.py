"""The one diff helper of ``vhcs verify``: ``compare_file`` says where two files first
differ, in words, by kind (a Parquet table: row and columns; CSV and text: line and
column; the manifest: the first key; Word, decks and workbooks: the first part; PDF: the
first page's text); ``compare_files`` and ``compare_folders`` apply it to sets of files."""

from __future__ import annotations

import filecmp
import json
import zipfile
from pathlib import Path
from typing import Any

from vhcs_analysis import layout

ROW_KEYS = ("unit_id", "period", "year", "inspection_date", "source_file", "sheet", "row", "column")


def files_under(folder: Path) -> dict[str, Path]:
    """{path relative to ``folder``: path} of every file under it (empty when absent), hidden
    entries left out: a ``.gitkeep`` the project keeps in ``data/processed`` is carried over
    by every run (``io.outputs.staged_folder``), not an output a rebuild makes."""
    if not folder.is_dir():
        return {}
    found = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    return {rel: p for rel, p in found.items() if not any(part.startswith(".") for part in rel.split("/"))}


def _cell(value: Any) -> str:
    if hasattr(value, "isoformat"):  # dates and timestamps as 2017-06-15
        value = value.isoformat().removesuffix("T00:00:00")
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalars as plain numbers
        value = value.item()
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "…"


def first_table_difference(theirs: Path, ours: Path) -> str:
    """Where two Parquet tables first differ: columns, types, row count, or the first
    row (1-based, with its key columns) and the columns that differ in it."""
    import pandas as pd

    try:
        a, b = pd.read_parquet(theirs), pd.read_parquet(ours)
    except Exception as exc:  # noqa: BLE001 - a damaged file is a difference, not a crash
        return f"không đọc được: {type(exc).__name__}: {exc}"
    if list(a.columns) != list(b.columns):
        gone = [c for c in a.columns if c not in b.columns]
        new = [c for c in b.columns if c not in a.columns]
        parts = ([f"chỉ báo cáo có cột {', '.join(map(str, gone))}"] if gone else []) + (
            [f"chỉ bản dựng lại có cột {', '.join(map(str, new))}"] if new else [])
        return "; ".join(parts) or "thứ tự cột khác"
    types = [c for c in a.columns if str(a[c].dtype) != str(b[c].dtype)]
    if types:
        c = types[0]
        return f"cột {c}: kiểu {a[c].dtype} trong báo cáo, {b[c].dtype} khi dựng lại"
    n = min(len(a), len(b))
    ha = pd.util.hash_pandas_object(a.iloc[:n], index=False).to_numpy()
    hb = pd.util.hash_pandas_object(b.iloc[:n], index=False).to_numpy()
    diff = (ha != hb).nonzero()[0]
    if len(diff):
        i = int(diff[0])
        ra, rb = a.iloc[i], b.iloc[i]
        cols = [c for c in a.columns if not (pd.isna(ra[c]) and pd.isna(rb[c])) and not _same(ra[c], rb[c])]
        keys = ", ".join(f"{k}={_cell(ra[k])}" for k in ROW_KEYS if k in a.columns and k not in cols)
        changes = "; ".join(f"{c}: {_cell(ra[c])} trong báo cáo, {_cell(rb[c])} khi dựng lại" for c in cols[:3])
        return f"dòng {i + 1}" + (f" ({keys})" if keys else "") + f": {changes}"
    if len(a) != len(b):
        return f"số dòng {len(a)} trong báo cáo, {len(b)} khi dựng lại"
    return "cùng giá trị nhưng khác byte (siêu dữ liệu của tệp Parquet)"


def _same(x: Any, y: Any) -> bool:
    try:
        return bool(x == y)
    except (TypeError, ValueError):
        return repr(x) == repr(y)


def window(a: str, b: str, width: int = 70) -> tuple[str, str]:
    """The two texts around their first differing character (long lines are cut)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, i - width // 3)

    def cut(t: str) -> str:
        piece = t[start:start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(t) else "")

    return cut(a), cut(b)


def first_text_difference(theirs: Path, ours: Path) -> str:
    """The first differing line (for a CSV: the row and the column by its header name)."""
    a = theirs.read_text("utf-8", errors="replace").splitlines()
    b = ours.read_text("utf-8", errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(a, b), start=1):
        if x != y:
            if theirs.suffix.lower() == ".csv" and a and b and a[0] == b[0]:
                import csv

                header, rx, ry = next(csv.reader([a[0]])), next(csv.reader([x])), next(csv.reader([y]))
                for j, (cx, cy) in enumerate(zip(rx, ry)):
                    if cx != cy:
                        name = header[j] if j < len(header) else str(j + 1)
                        return f"dòng {i}, cột {name}: {_cell(cx)} trong báo cáo, {_cell(cy)} khi dựng lại"
            wx, wy = window(x, y)
            return f"dòng {i}: «{wx}» trong báo cáo, «{wy}» khi dựng lại"
    return f"số dòng {len(a)} trong báo cáo, {len(b)} khi dựng lại"


def _first_json_difference(a: Any, b: Any, where: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{where}['{key}']" if where == "files" else f"{where}.{key}" if where else str(key)
            if key not in a or key not in b:
                return f"mục {sub} chỉ có ở {'báo cáo' if key in a else 'bản dựng lại'}"
            found = _first_json_difference(a[key], b[key], sub)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            found = _first_json_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{where}: {len(a)} phần tử trong báo cáo, {len(b)} khi dựng lại"
        return None
    if a != b:
        return f"{where}: {_cell(a)} trong báo cáo, {_cell(b)} khi dựng lại"
    return None


def manifest_difference(theirs: Path, ours: Path) -> str | None:
    """The first difference between two manifests, leaving out the settings record (its
    file name is the temporary copy's here; the settings are compared on their own)."""
    a = json.loads(theirs.read_text("utf-8"))
    b = json.loads(ours.read_text("utf-8"))
    for m in (a, b):
        m.pop("settings", None)
        if isinstance(m.get("files"), list):  # by path, so that one missing file is named as such
            m["files"] = {str(f.get("path")) if isinstance(f, dict) else str(k): f for k, f in enumerate(m["files"])}
    return _first_json_difference(a, b)


def compare_file(theirs: Path, ours: Path) -> str | None:
    """None when identical; else where they differ, in words."""
    if filecmp.cmp(theirs, ours, shallow=False):
        return None
    suffix = theirs.suffix.lower()
    try:
        if theirs.name == layout.MANIFEST_NAME:
            return manifest_difference(theirs, ours)
        if suffix == ".parquet":
            return first_table_difference(theirs, ours)
        if suffix in (".csv", ".json", ".svg", ".txt", ".md", ".ipynb"):
            return first_text_difference(theirs, ours)
        if suffix in (".docx", ".pptx", ".xlsx"):
            return first_zip_difference(theirs, ours)
        if suffix == ".pdf":
            return first_pdf_difference(theirs, ours)
    except (OSError, ValueError) as exc:
        return f"khác nội dung ({type(exc).__name__}: {exc})"
    return f"khác nội dung ({theirs.stat().st_size} byte trong báo cáo, {ours.stat().st_size} byte khi dựng lại)"


def first_pdf_difference(theirs: Path, ours: Path) -> str:
    """Sizes, and with pypdf (the dev extra) the first page whose text differs."""
    sizes = f"{theirs.stat().st_size} byte trong báo cáo, {ours.stat().st_size} byte khi dựng lại"
    try:
        import pypdf
    except ImportError:
        return f"khác nội dung ({sizes})"
    try:
        pa, pb = pypdf.PdfReader(str(theirs)).pages, pypdf.PdfReader(str(ours)).pages
        for number, (a, b) in enumerate(zip(pa, pb), start=1):
            ta, tb = a.extract_text() or "", b.extract_text() or ""
            if ta != tb:
                wa, wb = window(ta, tb)
                return f"trang {number}: «{wa}» trong báo cáo, «{wb}» khi dựng lại"
        if len(pa) != len(pb):
            return f"{len(pa)} trang trong báo cáo, {len(pb)} trang khi dựng lại"
    except Exception:  # noqa: BLE001 - a damaged PDF is still just "different"
        pass
    return f"khác nội dung ({sizes}; chữ trên các trang giống nhau)"


def first_zip_difference(theirs: Path, ours: Path) -> str:
    """A Word file, a deck or a workbook is a zip: the first part (e.g. word/document.xml) that differs."""
    with zipfile.ZipFile(theirs) as za, zipfile.ZipFile(ours) as zb:
        na, nb = za.namelist(), zb.namelist()
        if na != nb:
            only = sorted(set(na) ^ set(nb))
            return f"khác danh sách phần trong tệp: {', '.join(only[:3]) or 'thứ tự phần'}"
        for name in na:
            if za.read(name) != zb.read(name):
                return f"phần {name} khác"
    return "cùng nội dung các phần nhưng khác byte (thông tin nén)"


def compare_files(theirs: dict[str, Path], ours: dict[str, Path], *, only_theirs: str, only_ours: str) -> list[str]:
    """One line per name that differs between the report's files ``theirs`` and the rebuilt
    ``ours`` (both {name: path}): ``only_theirs``/``only_ours`` for a file on one side only,
    else where the two differ (``compare_file``)."""
    problems = []
    for name in sorted(set(theirs) | set(ours)):
        if name not in ours:
            problems.append(f"{name}: {only_theirs}")
        elif name not in theirs:
            problems.append(f"{name}: {only_ours}")
        else:
            diff = compare_file(theirs[name], ours[name]) if theirs[name].is_file() and ours[name].is_file() \
                else "chỉ có ở một bên"
            if diff:
                problems.append(f"{name}: {diff}")
    return problems


def compare_folders(theirs: Path, ours: Path, *, label: str, skip: tuple[str, ...] = ()) -> tuple[list[str], int]:
    """Differences between the report's files under ``theirs`` and the rebuilt ones under
    ``ours`` (file names prefixed with ``label``; names in ``skip`` left out), and the
    number of files compared."""
    a = {f"{label}/{k}": v for k, v in files_under(theirs).items() if k not in skip}
    b = {f"{label}/{k}": v for k, v in files_under(ours).items() if k not in skip}
    problems = compare_files(a, b, only_theirs="có trong báo cáo nhưng dựng lại không tạo ra",
                             only_ours="dựng lại tạo ra nhưng báo cáo không có")
    return problems, len(a)
