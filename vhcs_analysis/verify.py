"""``vhcs verify``: does a report folder follow from the raw files it names?

A reviewer points it at the folder ``vhcs report`` wrote (``--out``) and, optionally, at
the raw folder. Everything is redone in a temporary folder; the report folder is only
read. Four checks, in order (docs/verify.md says what each proves and what it does not):

1. **inputs**: each raw file's sha256 against the report's ``manifest.json``
   (files added, missing or changed);
2. **cleaning**: the raw files cleaned again, the processed tables compared byte for byte
   (or, where they differ, the first differing table, row and column);
3. **notebooks**: strict nbval on the report's executed notebooks (``<report>/notebooks``)
   against the re-cleaned data, with the project's sanitiser, naming each notebook and
   cell that differs; the tables and figures the notebooks wrote are compared too;
4. **documents**: every PDF, Word draft and deck in the report folder rebuilt by the builder
   ``vhcs report`` uses (``report.build.render_documents``) and compared byte for byte.

The settings are the ones the manifest recorded (``manifest["settings"]["values"]``,
written to a temporary TOML that ``VHCS_CONFIG`` points at); settings in force that
differ from them are a difference, not a silent pass. A manifest without the record
(older reports) is verified with the package defaults, and the verdict says so.
"""

from __future__ import annotations

import contextlib
import copy
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from vhcs_analysis import config
from vhcs_analysis.config import PACKAGE_DIR, Paths, get_paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.settings import Settings

SANITISER = PACKAGE_DIR / "report" / "nbval_sanitize.cfg"
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".pptx", ".xlsx")
REPORT_PDF_GLOB = "bao-cao-*-nq01.pdf"
# Columns that name a row of a processed table in a message (those present are shown).
ROW_KEYS = ("unit_id", "period", "year", "inspection_date", "source_file", "sheet", "row", "column")
MAX_LISTED = 20  # per check: longer lists are cut with "… và N khác"
STEP_TITLES = {
    "inputs": "Tệp đầu vào",
    "cleaning": "Làm sạch",
    "notebooks": "Notebook",
    "documents": "Tài liệu",
}


# ----------------------------------------------------------------------------- results


@dataclass
class Check:
    """One step's outcome: ``ok`` with a one-line summary, or the list of differences."""

    key: str
    summary: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The Vietnamese title of this check."""
        return STEP_TITLES[self.key]

    @property
    def ok(self) -> bool:
        """Whether the check found no difference."""
        return not self.problems


@dataclass
class Verification:
    """The result of ``vhcs verify`` on a report folder: every check, settings problems and notes."""
    report: Path
    raw: Path
    checks: list[Check] = field(default_factory=list)
    settings_problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the report was reproduced in full (no settings problem, every check passed)."""
        return not self.settings_problems and all(c.ok for c in self.checks)

    def verdict_lines(self) -> list[str]:
        """The Vietnamese verdict: "Tái lập đầy đủ" with the checks ticked, or what
        differs and where."""
        lines = []
        if self.ok:
            lines.append("Kết luận: Tái lập đầy đủ.")
            lines += [f"  ✓ {c.title}: {c.summary}" for c in self.checks]
        else:
            count = len(self.settings_problems) + sum(len(c.problems) for c in self.checks)
            lines.append(f"Kết luận: KHÔNG tái lập được ({count} khác biệt).")
            if self.settings_problems:
                lines.append("  ✗ Cấu hình: cấu hình đang dùng khác cấu hình ghi trong manifest của báo cáo")
                lines += [f"      - {p}" for p in self.settings_problems]
            for c in self.checks:
                if c.ok:
                    lines.append(f"  ✓ {c.title}: {c.summary}")
                else:
                    lines.append(f"  ✗ {c.title}:")
                    lines += [f"      - {p}" for p in _cut(c.problems)]
            failed = [c for c in self.checks if not c.ok]
            if len(failed) > 1:
                lines.append(f"  Lưu ý: khác biệt ở các bước sau có thể chỉ là hệ quả của khác biệt ở bước đầu tiên "
                             f"({failed[0].title}); hãy xem bước đó trước.")
        lines += [f"  Lưu ý: {n}" for n in self.notes]
        return lines

    def as_dict(self) -> dict:
        """The verification as a JSON-ready dict (verdict in English and Vietnamese, checks, problems) for
        ``--summary``."""
        return {
            "verdict": "reproduced" if self.ok else "differs",
            "verdict_vi": "Tái lập đầy đủ" if self.ok else "Không tái lập được",
            "report": str(self.report),
            "raw": str(self.raw),
            "settings_problems": self.settings_problems,
            "checks": [{"step": c.key, "title": c.title, "ok": c.ok, "summary": c.summary,
                        "problems": c.problems} for c in self.checks],
            "notes": self.notes,
        }


def _cut(items: list[str], limit: int = MAX_LISTED) -> list[str]:
    if len(items) <= limit:
        return items
    return [*items[:limit], f"… và {len(items) - limit} khác biệt khác"]


def _short(sha: str | None) -> str:
    return (sha or "không có")[:12]


# ----------------------------------------------------------------------------- the report folder


@dataclass(frozen=True)
class ReportFolder:
    """A report folder as ``vhcs verify`` reads it: its processed tables, executed notebooks, documents and
    manifest."""
    root: Path
    processed: Path
    notebooks: list[Path]
    documents: list[Path]
    manifest: dict


def locate_report(report: Path) -> ReportFolder:
    """What ``vhcs report --out DIR`` left in ``report``; VhcsError (exit 2) when the folder
    is not such a report. The processed data are ``<report>/processed`` (``vhcs report
    --raw``) or, for the project's default ``reports/``, the default processed folder."""
    from vhcs_analysis.report.notebooks import list_notebooks

    report = Path(report)
    if not report.is_dir():
        raise VhcsError(f"không có thư mục báo cáo '{report}'")
    processed = report / "processed"
    if not (processed / "manifest.json").is_file():
        default = get_paths()
        if report.resolve() == default.reports.resolve() and (default.processed / "manifest.json").is_file():
            processed = default.processed
    notebooks = list_notebooks(report / "notebooks") if (report / "notebooks").is_dir() else []
    documents = sorted(p for p in report.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    missing = []
    if not any(p.match(REPORT_PDF_GLOB) for p in documents):
        missing.append("báo cáo PDF (bao-cao-…-nq01.pdf)")
    if not notebooks:
        missing.append("các notebook đã chạy (notebooks/NN-*.ipynb)")
    if not (processed / "manifest.json").is_file():
        missing.append("dữ liệu đã làm sạch kèm manifest (processed/manifest.json)")
    if missing:
        raise VhcsError(
            f"'{report}' không phải thư mục báo cáo do `vhcs report` tạo ra: thiếu " + "; ".join(missing)
            + ". Hãy chỉ định đúng thư mục đã dùng cho `vhcs report --out`."
        )
    try:
        manifest = json.loads((processed / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise VhcsError(f"không đọc được {processed / 'manifest.json'}: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise VhcsError(f"{processed / 'manifest.json'} không phải manifest của `vhcs clean` (thiếu danh sách tệp)")
    return ReportFolder(report, processed, notebooks, documents, manifest)


# ----------------------------------------------------------------------------- settings


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def _jsonable(value: Any) -> Any:
    """The settings as they read back from JSON (tuples → lists, dates → text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _key_vi(dotted: str) -> str:
    section, _, rest = dotted.partition(".")
    return f"[{section}] {rest}" if rest else dotted


def settings_differences(recorded: dict, in_force: dict) -> list[str]:
    """Each setting whose value in force differs from the recorded one, in words."""
    a, b = _flatten(_jsonable(recorded)), _flatten(_jsonable(in_force))
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(f"{_key_vi(key)}: báo cáo ghi {a[key]!r}, cấu hình đang dùng không có mục này")
        elif key not in a:
            out.append(f"{_key_vi(key)}: cấu hình đang dùng có {b[key]!r}, báo cáo không ghi mục này")
        elif a[key] != b[key]:
            out.append(f"{_key_vi(key)}: báo cáo ghi {a[key]!r}, cấu hình đang dùng {b[key]!r}")
    return out


def package_defaults() -> dict:
    """The package's default settings as the manifest records them (a fresh copy)."""
    return config.package_defaults().record()["values"]


def recorded_settings(manifest: dict, in_force: dict) -> tuple[dict, list[str], list[str]]:
    """(settings to verify with, differences from ``in_force`` (the merged settings in
    force), notes). A key the package has removed since (``settings.REMOVED_KEYS``) is
    left out of the settings to verify with, and named in the notes."""
    from vhcs_analysis.settings import REMOVED_KEYS

    record = manifest.get("settings")
    if not isinstance(record, dict) or not isinstance(record.get("values"), dict):
        return package_defaults(), [], [
            "manifest của báo cáo không ghi cấu hình đã dùng (báo cáo lập trước khi có bản ghi này); "
            "đã kiểm tra lại với cấu hình mặc định của gói, nên không chứng minh được báo cáo dùng cấu hình nào."
        ]
    notes = []
    source = record.get("source")
    notes.append(f"cấu hình theo manifest: tệp {source} (sha256 {_short(record.get('sha256'))}…)" if source
                 else "cấu hình theo manifest: cấu hình mặc định của gói")
    values = copy.deepcopy(record["values"])
    for (section, key), now in REMOVED_KEYS.items():
        if isinstance(values.get(section), dict) and key in values[section]:
            old = values[section].pop(key)
            notes.append(f"khóa [{section}] {key} = {old!r} ghi trong manifest đã bỏ (nay là {now}); "
                         "kiểm tra lại không có khóa này")
    return values, settings_differences(record["values"], in_force), notes


def write_settings(values: dict, path: Path) -> Path:
    """The recorded settings as a TOML file (for ``VHCS_CONFIG``)."""
    import tomli_w

    def drop_none(v):
        if isinstance(v, dict):
            return {k: drop_none(x) for k, x in v.items() if x is not None}
        if isinstance(v, list):
            return [drop_none(x) for x in v]
        return v

    path.write_text(tomli_w.dumps(drop_none(values)), encoding="utf-8")
    return path


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for the duration (the settings file for in-process steps)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ----------------------------------------------------------------------------- 1. inputs


def _within(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def hash_raw_folder(raw: Path, *, exclude: tuple[Path, ...] = ()) -> dict[str, str | None]:
    """{path relative to raw: sha256} for every input the cleaning would see (entries it
    skips without reading, such as hidden files, map to None), as ``vhcs clean`` lists them."""
    from vhcs_analysis.io.files import list_input_files, sha256_file

    files, skipped = list_input_files(raw)
    out: dict[str, str | None] = {}
    for p in files:
        if any(_within(p, ex) for ex in exclude):
            continue
        try:
            out[p.relative_to(raw).as_posix()] = sha256_file(p)
        except OSError:
            out[p.relative_to(raw).as_posix()] = None
    for p, _reason in skipped:
        try:
            out.setdefault(p.relative_to(raw).as_posix(), None)
        except ValueError:
            out.setdefault(p.name, None)
    return out


def check_inputs(raw: Path, manifest: dict, *, exclude: tuple[Path, ...] = ()) -> Check:
    """Compare the raw folder's files and checksums with those the manifest recorded (missing, new, changed)."""
    recorded = {str(f.get("path")): f.get("sha256") for f in manifest.get("files", [])}
    current = hash_raw_folder(raw, exclude=exclude)
    check = Check("inputs")
    for path in sorted(set(recorded) - set(current)):
        check.problems.append(f"thiếu tệp {path} (manifest ghi sha256 {_short(recorded[path])}…)")
    for path in sorted(set(current) - set(recorded)):
        check.problems.append(f"tệp mới {path}, không có trong manifest của báo cáo")
    for path in sorted(set(current) & set(recorded)):
        if recorded[path] is not None and current[path] != recorded[path]:
            check.problems.append(
                f"tệp đã thay đổi {path}: sha256 trong manifest {_short(recorded[path])}…, hiện tại "
                f"{_short(current[path])}…"
            )
    check.summary = f"{len(recorded)} tệp, sha256 khớp manifest"
    return check


# ----------------------------------------------------------------------------- 2. cleaning


def _files_under(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}


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


def _window(a: str, b: str, width: int = 70) -> tuple[str, str]:
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
            wx, wy = _window(x, y)
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
        if theirs.name == "manifest.json":
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
                wa, wb = _window(ta, tb)
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


def _document_outputs() -> dict[str, tuple[str, ...]]:
    """Files under tables/ or figures/ that the document builders write (not the
    notebooks): compared in step 4, after the documents are rebuilt."""
    from vhcs_analysis.report.word_draft import FIGURE_LIST_NAME

    return {"figures": (FIGURE_LIST_NAME,)}


def compare_folders(theirs: Path, ours: Path, *, label: str, skip: tuple[str, ...] = ()) -> tuple[list[str], int]:
    """Differences between the report's files under ``theirs`` and the rebuilt ones under
    ``ours`` (file names prefixed with ``label``; names in ``skip`` left out), and the
    number of files compared."""
    a = {k: v for k, v in _files_under(theirs).items() if k not in skip}
    b = {k: v for k, v in _files_under(ours).items() if k not in skip}
    problems = []
    for rel in sorted(set(a) | set(b)):
        name = f"{label}/{rel}"
        if rel not in b:
            problems.append(f"{name}: có trong báo cáo nhưng dựng lại không tạo ra")
        elif rel not in a:
            problems.append(f"{name}: dựng lại tạo ra nhưng báo cáo không có")
        else:
            diff = compare_file(a[rel], b[rel])
            if diff:
                problems.append(f"{name}: {diff}")
    return problems, len(a)


def check_cleaning(raw: Path, report: ReportFolder, work: Path, settings: Settings) -> Check:
    """Clean ``raw`` again into ``work`` and compare every processed table with the report's."""
    from vhcs_analysis.pipeline import clean_folder

    check = Check("cleaning")
    result = clean_folder(raw, work, settings=settings)
    if result.fatal:
        check.problems += [f"không làm sạch lại được: {m}" for m in result.fatal]
        return check
    problems, count = compare_folders(report.processed, work, label="processed")
    check.problems += problems
    _keep_recorded_settings(report.manifest, work / "manifest.json")
    check.summary = f"{count} tệp dữ liệu đã làm sạch giống hệt bản dựng lại"
    return check


def _keep_recorded_settings(recorded_manifest: dict, rebuilt: Path) -> None:
    """The rebuilt manifest names verify's temporary copy of the settings; once the values
    are checked equal, the report's own record (its file name and sha256, printed in the
    methods appendix) goes back in, so the documents are rebuilt with the same provenance."""
    record = recorded_manifest.get("settings")
    if not isinstance(record, dict) or not rebuilt.is_file():
        return
    from vhcs_analysis.io.writers import write_bytes_atomic

    manifest = json.loads(rebuilt.read_text("utf-8"))
    manifest["settings"] = {**record, "values": manifest.get("settings", {}).get("values", record.get("values"))}
    write_bytes_atomic((json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), rebuilt)


# ----------------------------------------------------------------------------- 3. notebooks


def nbval_command(folder: Path, *, junit: Path, config: Path) -> list[str]:
    """Strict nbval on the notebooks of ``folder``, as ``make test-notebooks`` runs it,
    isolated from any project's pytest configuration (``config`` is an empty ini)."""
    return [
        sys.executable, "-m", "pytest", "-c", str(config), "--rootdir", str(folder.parent),
        "-p", "no:cacheprovider", "-p", "no:randomly",
        "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITISER),
        "--junitxml", str(junit), "-q", "--tb=short", str(folder),
    ]


_ANSI = re.compile(r"(?:#x1B|\x1b)\[[0-9;]*m")


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure_detail(text: str) -> str:
    """What differs in a cell, from nbval's failure text: the output kind and the first
    differing line as stored in the report ("+" in pytest's diff of reference == test)
    and as run again ("-"); or the error a cell raised."""
    lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
    kinds = [line.strip() for line in lines if line.strip().startswith("mismatch ")]
    stored = next((line[4:] for line in lines if line.startswith("  + ")), None)
    rerun = next((line[4:] for line in lines if line.startswith("  - ")), None)
    if kinds:
        out = "kết quả lưu sẵn khác kết quả chạy lại (" + ", ".join(dict.fromkeys(kinds)) + ")"
        if stored is not None or rerun is not None:
            ws, wr = _window(stored or "", rerun or "")
            out += f": trong báo cáo «{ws}», chạy lại «{wr}»"
        return out
    errors = [line.strip() for line in lines if re.match(r"\s*[A-Za-z_.]*(Error|Exception)\b", line)]
    if errors:
        return "ô chạy lại báo lỗi: " + _clip(errors[-1])
    rest = [line.strip() for line in lines if line.strip()]
    return _clip(rest[-1]) if rest else "khác"


def _code_cells(notebook: Path) -> list[int]:
    """Positions (0-based, among all cells) of the code cells: nbval numbers code cells
    only, Jupyter users count every cell."""
    import nbformat

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable copy only loses the position
        return []
    return [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def cell_label(code_index: int, positions: list[int]) -> str:
    """"ô 7 (ô mã thứ 4)": the cell as Jupyter counts it (1-based, all cells), and as nbval."""
    if 0 <= code_index < len(positions):
        return f"ô {positions[code_index] + 1} (ô mã thứ {code_index + 1})"
    return f"ô mã thứ {code_index + 1}"


def parse_junit(junit: Path, notebooks: list[Path]) -> tuple[int, list[str]]:
    """(cells checked, one line per failing cell: notebook, cell and what differs)."""
    root = ET.parse(junit).getroot()
    positions = {nb.name: _code_cells(nb) for nb in notebooks}
    count, problems = 0, []
    for case in root.iter("testcase"):
        count += 1
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None:
            continue
        classname, name = case.get("classname", ""), case.get("name", "")
        notebook = next((n for n in positions if classname.endswith(n) or classname.endswith(n.removesuffix(".ipynb"))),
                        classname)
        cell = name
        if name.startswith("Cell "):
            try:
                cell = cell_label(int(name.split()[1]), positions.get(notebook, []))
            except ValueError:
                pass
        detail = failure_detail((bad.get("message") or "") + "\n" + (bad.text or ""))
        problems.append(f"notebook {notebook}, {cell}: {detail}")
    return count, problems


def check_notebooks(report: ReportFolder, paths: Paths, work: Path, env_extra: dict[str, str]) -> Check:
    """nbval on copies of the report's executed notebooks; the kernel reads the re-cleaned
    data and writes its tables and figures under ``paths.reports``, compared afterwards."""
    from importlib.util import find_spec

    from vhcs_analysis.report.notebooks import kernel_env

    check = Check("notebooks")
    if find_spec("nbval") is None or find_spec("pytest") is None:
        raise VhcsError("thiếu gói nbval/pytest để kiểm tra notebook: cài lại môi trường (make env)")
    folder = paths.reports / "notebooks"  # where `vhcs report` keeps them (the figure list reads them)
    folder.mkdir(parents=True, exist_ok=True)
    for nb in report.notebooks:
        shutil.copyfile(nb, folder / nb.name)
    config = work / "pytest.ini"
    config.write_text("[pytest]\n", encoding="utf-8")
    junit = work / "nbval.xml"
    env = {**kernel_env(paths), **env_extra, "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):  # the caller's pytest options are not nbval's
        env.pop(name, None)
    done = subprocess.run(nbval_command(folder, junit=junit, config=config), cwd=work, env=env,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1) or not junit.is_file():
        tail = [line for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()][-3:]
        check.problems.append(f"nbval không chạy được (mã {done.returncode}): " + " | ".join(tail))
        return check
    cells, problems = parse_junit(junit, [folder / nb.name for nb in report.notebooks])
    check.problems += problems
    if done.returncode == 1 and not problems:
        last = [line for line in done.stdout.splitlines() if line.strip()][-1:]
        check.problems.append("nbval báo lỗi nhưng không chỉ ra ô nào: " + " ".join(last))
    compared = 0
    for sub in ("tables", "figures"):
        found, n = compare_folders(report.root / sub, paths.reports / sub, label=sub,
                                   skip=_document_outputs().get(sub, ()))
        check.problems += found
        compared += n
    check.summary = (f"{len(report.notebooks)} notebook, {cells} ô khớp kết quả lưu sẵn (nbval nghiêm ngặt); "
                     f"{compared} bảng và hình giống hệt")
    return check


# ----------------------------------------------------------------------------- 4. documents


def check_documents(report: ReportFolder, paths: Paths, settings: Settings) -> Check:
    """Rebuild the documents with ``vhcs report``'s builder, under ``settings`` (those the
    report recorded), and compare every PDF and Word file the report folder holds (and any
    the builder makes that it lacks)."""
    from vhcs_analysis.report.build import render_documents

    check = Check("documents")
    try:
        rebuilt = {p.name: p for p in render_documents(paths, settings)}
    except VhcsError as exc:
        check.problems.append(f"không dựng lại được tài liệu: {exc}")
        return check
    theirs = {p.name: p for p in report.documents}
    for sub, names in _document_outputs().items():  # written with the documents (the figure list)
        for name in names:
            if (report.root / sub / name).is_file() or (paths.reports / sub / name).is_file():
                theirs[f"{sub}/{name}"] = report.root / sub / name
                rebuilt[f"{sub}/{name}"] = paths.reports / sub / name
    for name in sorted(set(theirs) | set(rebuilt)):
        if name not in rebuilt:
            check.problems.append(f"{name}: có trong báo cáo nhưng bộ dựng của `vhcs report` không tạo ra")
        elif name not in theirs:
            check.problems.append(f"{name}: bộ dựng tạo ra nhưng thư mục báo cáo không có")
        else:
            diff = compare_file(theirs[name], rebuilt[name]) if theirs[name].is_file() and rebuilt[name].is_file() \
                else "chỉ có ở một bên"
            if diff:
                check.problems.append(f"{name}: {diff}")
    check.summary = f"{len(theirs)} tài liệu giống hệt từng byte ({', '.join(sorted(theirs))})"
    return check


# ----------------------------------------------------------------------------- the whole


def verify(report_dir: Path, raw: Path | None = None, *, say=None, settings: Settings | None = None) -> Verification:
    """Run the four checks; ``say`` gets one progress line per step. VhcsError (exit 2)
    for a folder that is not a report or a raw folder that does not exist. ``settings``:
    the settings in force (``vhcs verify --config``; default: found as every command finds
    them), only compared with the recorded ones."""
    say = say or (lambda _text: None)
    report = locate_report(Path(report_dir))
    raw = Path(raw) if raw is not None else get_paths().raw
    if not raw.is_dir():
        raise VhcsError(f"không có thư mục dữ liệu thô '{raw}' (chỉ định bằng --raw)")
    result = Verification(report=report.root, raw=raw)
    # an entry point: the settings in force, only to name how they differ from the recorded ones
    in_force = (settings if settings is not None else config.load()).record()["values"]
    values, result.settings_problems, result.notes = recorded_settings(report.manifest, in_force)

    def step(number: int, text: str) -> None:
        say(f"Bước {number}/4: {text} …")

    def outcome(check: Check) -> Check:
        say(f"  ✓ {check.summary}" if check.ok else f"  ✗ {len(check.problems)} khác biệt")
        result.checks.append(check)
        return check

    with tempfile.TemporaryDirectory(prefix="vhcs-verify-") as tmp:
        work = Path(tmp)
        settings_file = write_settings(values, work / "cau-hinh-theo-bao-cao.toml")
        env_extra = {"VHCS_CONFIG": str(settings_file)}
        paths = Paths(raw=raw.resolve(), processed=work / "processed", reports=work / "reports")
        with _environ(**env_extra):
            settings = config.load()  # the recorded settings, written above (VHCS_CONFIG)
            if result.settings_problems:
                say(f"Cấu hình đang dùng khác cấu hình ghi trong báo cáo ({len(result.settings_problems)} mục); "
                    "kiểm tra lại bằng cấu hình của báo cáo.")
            step(1, f"đối chiếu sha256 các tệp trong {raw} với manifest của báo cáo")
            outcome(check_inputs(raw, report.manifest, exclude=(report.root,)))
            step(2, "làm sạch lại dữ liệu thô và so với dữ liệu đã làm sạch của báo cáo")
            outcome(check_cleaning(raw, report, paths.processed, settings))
            step(3, f"kiểm tra {len(report.notebooks)} notebook đã chạy bằng nbval nghiêm ngặt")
            outcome(check_notebooks(report, paths, work, env_extra))
            step(4, "dựng lại báo cáo PDF/Word/trình chiếu và so từng byte")
            outcome(check_documents(report, paths, settings))
    return result


def write_summary(result: Verification, path: Path) -> Path:
    """The verdict as JSON (``.json``) or as text (any other suffix)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        text = json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n"
    else:
        lines = [f"Thư mục báo cáo: {result.report}", f"Dữ liệu thô: {result.raw}", ""]
        lines += result.verdict_lines()
        if not result.ok:
            # the full lists (the console cuts them)
            lines += ["", "Toàn bộ khác biệt:"]
            lines += [f"- Cấu hình: {p}" for p in result.settings_problems]
            lines += [f"- {c.title}: {p}" for c in result.checks for p in c.problems]
        text = "\n".join(lines) + "\n"
    from vhcs_analysis.io.writers import write_bytes_atomic

    return write_bytes_atomic(text.encode("utf-8"), path)


def cli_verify(report: Path, raw: Path | None, summary: Path | None, console, *,
               settings: Settings | None = None) -> int:
    """``vhcs verify``: 0 reproduced, 1 something differs, 2 usage error (VhcsError)."""
    if summary is not None and _within(summary.parent, Path(report)) and Path(report).is_dir():
        raise VhcsError(f"không ghi tệp tóm tắt vào trong thư mục báo cáo ({summary}): "
                        "lệnh verify chỉ đọc thư mục báo cáo; chọn nơi khác cho --summary")
    result = verify(report, raw, say=lambda text: console.print(text, markup=False, soft_wrap=True),
                    settings=settings)
    for line in result.verdict_lines():
        console.print(line, markup=False, soft_wrap=True)
    if summary is not None:
        write_summary(result, summary)
        console.print(f"Đã ghi tóm tắt: {summary}", markup=False, soft_wrap=True)
    return 0 if result.ok else 1
