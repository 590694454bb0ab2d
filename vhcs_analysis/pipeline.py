"""Raw folder -> processed tables, rejects, findings and manifest (``vhcs clean``), and the
check of incoming files without writing anything (``vhcs validate``).

Every file under the raw folder is an input, recognised by content. Rows read = rows kept
+ rows rejected, per file and in total (docs/cleaning.md defines a "row"). Outputs are
written into a temporary folder next to the output folder and swapped in at the end, so a
crash or a kill leaves the previous outputs intact; the same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from vhcs_analysis import __version__, tables
from vhcs_analysis.clean.core import (
    Context, Record, full_message, name_uncalculated_formulas, resolve_duplicates, to_frames,
)
from vhcs_analysis.clean.form01 import read_consolidated, read_unit_form
from vhcs_analysis.clean.form02 import read_form02
from vhcs_analysis.clean.rankings import read_rankings
from vhcs_analysis.config import (
    SAMPLE_MARKER_FILE, get_paths, get_settings, read_sample_file_list, setting, settings_record,
)
from vhcs_analysis.errors import UnreadableFileError
from vhcs_analysis.io.locate import prepare
from vhcs_analysis.io.outputs import DATA_TABLES, OUTPUT_FILES, _recover, write_outputs  # noqa: F401
from vhcs_analysis.io.recognise import KIND_NAMES, find_tables, is_registry_header, is_sample_marker
from vhcs_analysis.registry import Registry, RegistryError, UncheckedRegistry, read_units

REGISTRY_NAME = "units.csv"
_READERS = {
    "form01_unit": lambda g, t, ctx: [read_unit_form(g, t, ctx)],
    "form01_consolidated": read_consolidated,
    "form02": read_form02,
    "rankings": read_rankings,
}


@dataclass
class FileEntry:
    path: str  # relative to the raw folder, posix
    sha256: str | None = None
    kind: str | None = None
    status: str = "skipped"  # used / skipped / unreadable
    reason: str | None = None
    sheets: list[dict] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    registry_rows: int = 0

    def counts(self) -> tuple[int, int, int]:
        kept = sum(not r.rejected for r in self.records) + self.registry_rows
        rejected = sum(r.rejected for r in self.records)
        return kept + rejected, kept, rejected

    def as_manifest(self) -> dict:
        read, kept, rejected = self.counts()
        return {"path": self.path, "sha256": self.sha256, "kind": self.kind, "status": self.status,
                "reason": self.reason, "sheets": self.sheets, "rows_read": read, "rows_kept": kept,
                "rows_rejected": rejected}


@dataclass
class CleanResult:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejects: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)  # {path, sheet?, reason}
    fatal: list[str] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.fatal


# --- reading --------------------------------------------------------------------------


def _sha256(path: Path) -> str | None:
    from vhcs_analysis.io.files import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return None


def _first_row(sheet) -> list:
    for row in sheet.rows[:5]:
        if any(v is not None and str(v).strip() for v in row):
            return row
    return []


def read_file(path: Path, rel: str, ctx_base: dict, registry: Registry) -> FileEntry:
    """One input file -> a FileEntry with its records (status, kind, sheets, reason)."""
    from vhcs_analysis.io.files import read_sheets

    entry = FileEntry(rel, _sha256(path))
    if is_sample_marker(path):
        entry.kind, entry.status = "sample_marker", "used"
        entry.reason = "tệp đánh dấu dữ liệu mẫu"
        return entry
    try:
        sheets = read_sheets(path, display_name=rel)
    except UnreadableFileError as exc:
        entry.status, entry.kind, entry.reason = "unreadable", "unknown", exc.message
        return entry
    ctx = Context(rel, registry, ctx_base["resolution_date"])
    # a CSV or a web page saved as .xls has no sheet names: with one table, rejects name none
    plain_text = not _is_workbook(path) and len(sheets) == 1
    kinds: list[str] = []
    for sheet in sheets:
        info = {"name": sheet.name, "hidden": bool(sheet.hidden), "kind": None, "status": "skipped",
                "tables": 0, "rows_read": 0, "reason": None}
        if is_registry_header(_first_row(sheet)):
            info["kind"] = "units"
            info["reason"] = (f"một bản danh mục đơn vị khác; danh mục dùng là {ctx_base['registry_rel']}"
                              if ctx_base["registry_rel"] else "một bản danh mục đơn vị (không dùng khi kiểm tra tệp)")
            entry.sheets.append(info)
            continue
        grid = prepare(sheet)
        found = find_tables(grid)
        if not found.tables:
            info["reason"] = found.reason
            entry.sheets.append(info)
            continue
        n = 0
        for table in found.tables:
            records = _READERS[table.kind](grid, table, ctx)
            name_uncalculated_formulas(records, sheet.formulas)
            if plain_text:  # a CSV has no sheets: rejects and truth name none
                for rec in records:
                    rec.sheet = None
            entry.records.extend(records)
            n += len(records)
            kinds.append(table.kind)
        info.update(kind=",".join(dict.fromkeys(t.kind for t in found.tables)), status="used",
                    tables=len(found.tables), rows_read=n)
        entry.sheets.append(info)
    if kinds:
        entry.status = "used"
        # one kind per file in practice; a file mixing kinds lists them all
        entry.kind = ",".join(sorted(set(kinds)))
    else:
        entry.status, entry.kind = "skipped", "unknown"
        reasons = [f"trang {s['name']}: {s['reason']}" for s in entry.sheets]
        entry.reason = "; ".join(reasons) if len(reasons) > 1 else (entry.sheets[0]["reason"] if reasons else
                                                                      "tệp không có trang tính nào")
    return entry


def _is_workbook(path: Path) -> bool:
    """An Excel/ODS workbook (zip or OLE container), as opposed to CSV or HTML text."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0"))


def _find_registry(raw: Path, files: list[Path]) -> Path | None:
    direct = raw / REGISTRY_NAME
    if direct.is_file():
        return direct
    from vhcs_analysis.io.files import read_sheets

    for path in files:
        if path.suffix.lower() not in (".csv", ".txt"):
            continue
        try:
            sheets = read_sheets(path)
        except UnreadableFileError:
            continue
        if sheets and is_registry_header(_first_row(sheets[0])):
            return path
    return None


def _process(entries: list[tuple[Path, str]], registry_path: Path | None, registry_rel: str | None,
             registry: Registry, units: pd.DataFrame, progress=None) -> list[FileEntry]:
    ctx_base = {"resolution_date": dt.date.fromisoformat(str(setting("review", "resolution_date"))),
                "registry_rel": registry_rel}
    is_registry = (lambda path: registry_path is not None and path.resolve() == registry_path.resolve())
    todo = [(path, rel) for path, rel in entries if not is_registry(path)]
    done = _read_in_parallel(todo, ctx_base, registry)
    out = []
    for path, rel in entries:
        if is_registry(path):
            entry = FileEntry(rel, _sha256(path), "units", "used", "danh mục đơn vị")
            entry.registry_rows = len(units)
        else:
            entry = done[rel] if rel in done else _read_file_safe((path, rel), ctx_base, registry)
        out.append(entry)
        if progress is not None:
            progress()
    return out


# Files are read on several processes (the results are the same, in the same order) when
# there is enough to read to repay starting them: ~2 s saved on the national benchmark.
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
_WORKER_STATE: tuple | None = None


def _workers() -> int:
    """Processes for reading files: $VHCS_WORKERS, else up to 2 (1 turns parallel reading off)."""
    value = os.environ.get("VHCS_WORKERS", "")
    return max(1, int(value)) if value.strip().isdigit() else min(2, os.cpu_count() or 1)


def start_method() -> str:
    """How worker processes start: ``forkserver`` where the platform has it (Linux), else
    ``spawn`` (Windows; macOS has both). Never ``fork``: forking a process that runs
    threads (pyarrow, a Jupyter kernel) may deadlock. Both start the workers fresh, so they
    import the package once, get the registry once, and read exactly as the parent would."""
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _read_in_parallel(todo: list[tuple[Path, str]], ctx_base: dict, registry: Registry) -> dict[str, FileEntry]:
    """rel -> FileEntry for every file of ``todo`` read on worker processes; {} when the
    folder is too small (or one worker is configured) and the caller reads them itself."""
    workers = min(_workers(), len(todo))
    if workers < 2 or sum(path.stat().st_size for path, _ in todo) < PARALLEL_MIN_BYTES:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(ctx_base, registry)) as pool:
        return {rel: entry for (_, rel), entry in zip(todo, pool.map(_read_file_safe, todo))}


def _init_worker(ctx_base: dict, registry: Registry) -> None:
    global _WORKER_STATE
    _WORKER_STATE = (ctx_base, registry)


def _read_file_safe(item: tuple[Path, str], ctx_base: dict | None = None, registry: Registry | None = None) -> FileEntry:
    """``read_file``, with an unexpected error turned into an unreadable entry."""
    path, rel = item
    if ctx_base is None:
        ctx_base, registry = _WORKER_STATE
    try:
        with collections_deferred():
            return read_file(path, rel, ctx_base, registry)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the folder
        if os.environ.get("VHCS_DEBUG"):
            raise
        return FileEntry(rel, _sha256(path), "unknown", "unreadable",
                         f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}); "
                         "hãy báo cho người phát triển kèm tệp này")


# --- the run -----------------------------------------------------------------------------


def clean_folder(raw: Path, out: Path | None, *, progress: bool = False) -> CleanResult:
    """Clean every input under ``raw``; write outputs into ``out`` (None: validate only)."""
    with collections_deferred():
        return _clean_folder(raw, out, progress=progress)


@contextlib.contextmanager
def collections_deferred():
    """Cleaning builds millions of small objects that all live to the end (cells, records):
    the cyclic garbage collector's repeated passes over them took ~20 % of a national
    clean. It is paused meanwhile (nothing cleaning builds is cyclic garbage to speak of)
    and resumed as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clean_folder(raw: Path, out: Path | None, *, progress: bool = False) -> CleanResult:
    from vhcs_analysis.io.files import list_input_files

    raw = Path(raw)
    result = CleanResult()
    if not raw.is_dir():
        result.fatal.append(f"không tìm thấy thư mục dữ liệu thô '{raw}'")
        return result
    files, skipped_entries = list_input_files(raw)
    if out is not None and Path(out).resolve().is_relative_to(raw.resolve()):
        # an output folder inside the raw folder is not an input
        own = Path(out).resolve()
        files = [f for f in files if not f.resolve().is_relative_to(own)]
    if not files:
        result.fatal.append(f"thư mục dữ liệu thô '{raw}' không có tệp nào")
        return result
    registry_path = _find_registry(raw, files)
    if registry_path is None:
        result.fatal.append(f"thiếu danh mục đơn vị: không có tệp {REGISTRY_NAME} (unit_id, unit_name, aliases, block, "
                            f"is_pilot, unit_type, staff_count) trong thư mục dữ liệu thô '{raw}'")
        return result
    registry_rel = registry_path.relative_to(raw).as_posix()
    try:
        units = read_units(registry_path, registry_rel)
    except (RegistryError, UnreadableFileError) as exc:
        result.fatal.append(f"danh mục đơn vị không dùng được: {exc}")
        return result
    registry = Registry.from_frame(units)
    entries = [(p, p.relative_to(raw).as_posix()) for p in files]
    with _progress_bar(progress, len(entries)) as tick:
        result.files = _process(entries, registry_path, registry_rel, registry, units, tick)
    for p, reason in skipped_entries:
        try:
            rel = p.relative_to(raw).as_posix()
        except ValueError:
            rel = p.name
        result.files.append(FileEntry(rel, None, "unknown", "skipped", reason))
    result.files.sort(key=lambda e: e.path)
    _finish(result, units)
    result.manifest["sample_foreign_files"] = foreign_to_sample(raw, result.files)
    if out is not None:
        write_outputs(result, Path(out))
    return result


def foreign_to_sample(raw: Path, files: list[FileEntry]) -> list[str]:
    """Files in a sample folder that the sample did not write (or that were changed since).

    Sample and real data must never mix silently: when real files are dropped into a
    folder holding the synthetic sample, everything built stays marked as sample data and
    the command says which files do not belong."""
    markers = [e for e in files if e.kind == "sample_marker"]
    if not markers:
        return []
    listed = read_sample_file_list(raw / markers[0].path)
    if not listed:  # a marker from before file lists: nothing to compare with
        return []
    return sorted(e.path for e in files
                  if e.kind != "sample_marker" and e.sha256 is not None and listed.get(e.path) != e.sha256)


def _finish(result: CleanResult, units: pd.DataFrame) -> None:
    from vhcs_analysis import schemas  # pandera: here only, not in every reading worker

    records = [r for e in result.files for r in e.records]
    resolve_duplicates(records)
    frames = to_frames(records)
    frames["units"] = units
    for name in DATA_TABLES:
        schemas.validate(frames[name], name)
    result.records = records
    result.tables = {name: frames[name] for name in DATA_TABLES}
    result.rejects, result.findings = frames["rejects"], frames["findings"]
    result.skipped = []
    for e in result.files:
        if e.status != "used":
            result.skipped.append({"path": e.path, "sheet": None, "status": e.status, "reason": e.reason})
        else:
            for s in e.sheets:
                if s["status"] != "used":
                    result.skipped.append({"path": e.path, "sheet": s["name"], "status": "skipped",
                                           "reason": s["reason"]})
    result.manifest = build_manifest(result)


def build_manifest(result: CleanResult) -> dict:
    files = [e.as_manifest() for e in result.files]
    reasons = Counter(result.rejects["reason_code"]) if result.rejects is not None else Counter()
    status = Counter(e.status for e in result.files)
    return {
        "package_version": __version__,
        "is_sample": any(e.kind == "sample_marker" for e in result.files),
        # the settings file used (name, sha256) and the merged values (config.settings_record)
        "settings": settings_record(),
        "files": files,
        "skipped": result.skipped,
        "totals": {
            "files": len(files),
            "files_used": status.get("used", 0),
            "files_skipped": status.get("skipped", 0),
            "files_unreadable": status.get("unreadable", 0),
            "rows_read": sum(f["rows_read"] for f in files),
            "rows_kept": sum(f["rows_kept"] for f in files),
            "rows_rejected": sum(f["rows_rejected"] for f in files),
            "findings": 0 if result.findings is None else len(result.findings),
            "rejects_by_reason": dict(sorted(reasons.items())),
            "table_rows": {name: len(df) for name, df in result.tables.items()},
        },
    }


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int):
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("Đang đọc tệp"), BarColumn(), MofNCompleteColumn(), transient=True,
                  console=console) as bar:
        task = bar.add_task("read", total=total)
        yield lambda: bar.advance(task)


# --- writing: io/outputs.py ------------------------------------------------------------

# --- commands ----------------------------------------------------------------------------


def _summary(console, result: CleanResult) -> None:
    from rich.table import Table as RichTable

    t = result.manifest["totals"]
    table = RichTable(title="Kết quả làm sạch", show_header=True)
    table.add_column("Mục")
    table.add_column("Số lượng", justify="right")
    for label, key in (("Tệp được dùng", "files_used"), ("Tệp bỏ qua", "files_skipped"),
                       ("Tệp không đọc được", "files_unreadable"), ("Dòng đọc", "rows_read"),
                       ("Dòng giữ lại", "rows_kept"), ("Dòng bị loại", "rows_rejected"),
                       ("Phát hiện (dòng vẫn giữ)", "findings")):
        table.add_row(label, f"{t[key]:,}".replace(",", "."))
    from vhcs_analysis.labels import REASON_LABELS_VI
    for code, n in sorted(t["rejects_by_reason"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]:
        label = REASON_LABELS_VI.get(code)
        table.add_row(f"  lý do loại: {label} ({code})" if label else f"  lý do loại: {code}",
                      f"{n:,}".replace(",", "."))
    console.print(table)


def _print_skipped(console, result: CleanResult, *, max_sheets: int = 5) -> None:
    """Whole files skipped or unreadable: one line each. Sheets skipped inside used files
    (lists, instructions, hidden helper sheets) are many and harmless: a few are named,
    the rest counted; all of them are in manifest.json under ``skipped``."""
    sheets = [s for s in result.skipped if s.get("sheet")]
    for s in result.skipped:
        if s.get("sheet"):
            continue
        label = "Không đọc được" if s["status"] == "unreadable" else "Bỏ qua"
        console.print(f"{label}: {s['path']}: {s['reason']}", markup=False, highlight=False, soft_wrap=True)
    for s in sheets[:max_sheets]:
        console.print(f"Bỏ qua trang: {s['path']}, trang {s['sheet']}: {s['reason']}",
                      markup=False, highlight=False, soft_wrap=True)
    if len(sheets) > max_sheets:
        console.print(f"… và {len(sheets) - max_sheets} trang tính khác không phải bảng số liệu "
                      "(xem mục \"skipped\" trong manifest.json)", markup=False, highlight=False, soft_wrap=True)
    foreign = result.manifest.get("sample_foreign_files") or []
    if foreign:
        names = ", ".join(foreign[:5]) + (f" … (+{len(foreign) - 5})" if len(foreign) > 5 else "")
        console.print(f"[bold yellow]Cảnh báo:[/] thư mục này là DỮ LIỆU MẪU ({SAMPLE_MARKER_FILE}) nhưng có "
                      f"{len(foreign)} tệp không thuộc bộ mẫu hoặc đã bị sửa: {names}. Mọi kết quả vẫn bị đánh "
                      "dấu DỮ LIỆU MẪU. Hãy để số liệu thật trong một thư mục riêng, không có "
                      f"{SAMPLE_MARKER_FILE}.", highlight=False, soft_wrap=True)


def print_clean_summary(console, result: CleanResult) -> None:
    """What `vhcs clean` prints after a run: skipped files, warnings, the totals table."""
    _print_skipped(console, result)
    _summary(console, result)


def window_gap(result: CleanResult) -> str | None:
    """The review window's periods without Form 01 data in this run, as a message (or None)."""
    from vhcs_analysis import settings

    reports = result.tables.get("unit_reports")
    found = [] if reports is None else reports["period"].dropna().astype(str).unique().tolist()
    return settings.window_gap(found, get_settings()["review"])


def cli_clean(raw: Path, out: Path, console) -> int:
    """``vhcs clean``: 0 when every row is accounted for, 2 on unusable input."""
    result = clean_folder(Path(raw), Path(out), progress=console.is_terminal)
    if result.fatal:
        for msg in result.fatal:
            console.print(f"Lỗi: {msg}", markup=False, highlight=False, soft_wrap=True)
        return 2
    print_clean_summary(console, result)
    gap = window_gap(result)
    if gap:
        console.print(f"Cảnh báo: {gap}", markup=False, highlight=False, soft_wrap=True)
    t = result.manifest["totals"]
    if t["rows_read"] != t["rows_kept"] + t["rows_rejected"]:  # pragma: no cover - invariant
        console.print("Lỗi: số dòng đọc khác tổng số dòng giữ và bị loại", markup=False)
        return 3
    console.print(f"Dòng bị loại và lý do: {Path(out) / 'rejects.csv'}", markup=False, highlight=False,
                  soft_wrap=True)
    return 0


def _registry_for(paths: list[Path]) -> Path | None:
    for p in paths:
        if p.is_file() and p.name == REGISTRY_NAME:
            return p
        if p.is_dir() and (p / REGISTRY_NAME).is_file():
            return p / REGISTRY_NAME
    for p in paths:
        for parent in p.resolve().parents:
            if (parent / REGISTRY_NAME).is_file():
                return parent / REGISTRY_NAME
    default = get_paths().raw / REGISTRY_NAME
    return default if default.is_file() else None


def collect_validate_inputs(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """Files to check with display names (relative to a given folder, or the file name)."""
    from vhcs_analysis.io.files import list_input_files

    entries: list[tuple[Path, str]] = []
    skipped: list[tuple[str, str]] = []
    for p in paths:
        if p.is_dir():
            files, skip = list_input_files(p)
            entries.extend((f, f.relative_to(p).as_posix()) for f in files)
            skipped.extend((s.name, reason) for s, reason in skip)
        elif p.is_file():
            entries.append((p, p.name))
        else:
            skipped.append((str(p), "không tồn tại"))
    return entries, skipped


def cli_validate(paths: list[Path], console) -> int:
    """``vhcs validate``: every problem of every row; 1 if any row would be rejected,
    0 if all clean, 2 on unusable input (nothing readable, a registry that cannot be used).
    Without any registry the names are taken as written and the command says so once."""
    paths = [Path(p) for p in paths]
    entries, missing = collect_validate_inputs(paths)
    for name, reason in missing:
        console.print(f"Bỏ qua: {name}: {reason}", markup=False, highlight=False, soft_wrap=True)
    if not entries:
        console.print("Lỗi: không có tệp nào để kiểm tra", markup=False)
        return 2
    registry_path = _registry_for(paths)
    if registry_path is None:
        # a unit checking its own file before sending it has no registry: check the rest
        console.print(f"Lưu ý: không tìm thấy danh mục đơn vị {REGISTRY_NAME} (cạnh các tệp, trong thư mục cha "
                      "hoặc trong thư mục dữ liệu thô mặc định data/raw), nên tên đơn vị chưa được đối chiếu; "
                      "mọi kiểm tra khác vẫn được thực hiện.", markup=False, highlight=False, soft_wrap=True)
        units, registry, registry_rel = tables.empty("units"), UncheckedRegistry(), None
    else:
        try:
            units = read_units(registry_path, registry_path.name)
        except (RegistryError, UnreadableFileError) as exc:
            console.print(f"Lỗi: danh mục đơn vị không dùng được: {exc}", markup=False, soft_wrap=True)
            return 2
        registry, registry_rel = Registry.from_frame(units), registry_path.name
    result = CleanResult()
    result.files = _process(entries, registry_path, registry_rel, registry, units)
    _finish(result, units)
    any_bad = False
    readable = 0
    for e in result.files:
        read, kept, rejected = e.counts()
        if e.status == "unreadable":
            any_bad = True
            console.print(f"✗ {e.path}: không đọc được: {e.reason}", markup=False, soft_wrap=True)
            continue
        readable += 1
        if e.status == "skipped":
            any_bad = True
            console.print(f"✗ {e.path}: bỏ qua: {e.reason}", markup=False, soft_wrap=True)
            continue
        if e.kind in ("units", "sample_marker"):
            continue
        mark = "✓" if rejected == 0 else "✗"
        console.print(f"{mark} {e.path} ({KIND_NAMES.get(e.kind.split(',')[0], e.kind)}): {read} dòng, "
                      f"{kept} hợp lệ, {rejected} bị loại", markup=False, soft_wrap=True)
        for s in e.sheets:
            if s["status"] != "used":
                console.print(f"    trang {s['name']}: bỏ qua: {s['reason']}", markup=False, soft_wrap=True)
        for rec in e.records:
            for p in rec.problems:
                any_bad = True
                console.print(f"    {full_message(rec, p)} [{p.code}]", markup=False, soft_wrap=True)
            for f in rec.findings:
                console.print(f"    (lưu ý) {full_message(rec, f)} [{f.code}]", markup=False, soft_wrap=True)
    if readable == 0:
        return 2
    return 1 if any_bad else 0
