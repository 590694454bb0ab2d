"""Raw folder -> processed tables, rejects, findings and manifest (``vhcs clean``), and the
check of incoming files without writing anything (``vhcs validate``): orchestration only.

Every file under the raw folder is an input, recognised by content (``io.recognise``) and
read by the reader of its kind (``clean/``). Rows read = rows kept + rows rejected, per
file and in total (docs/cleaning.md defines a "row"). The manifest is built by
``manifest.py``; outputs are written by ``io/outputs.py`` into a temporary folder next to
the output folder and swapped in at the end, so a crash or a kill leaves the previous
outputs intact; the same inputs give the same bytes. The commands' console output is in
``cli_clean.py``.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ContextManager

import pandas as pd

from vhcs_analysis.clean.batch import name_uncalculated_formulas, resolve_duplicates, to_frames
from vhcs_analysis.clean.core import Context
from vhcs_analysis.clean.form01 import read_consolidated, read_unit_form
from vhcs_analysis.clean.form02 import read_form02
from vhcs_analysis.clean.rankings import read_rankings
from vhcs_analysis.errors import UnreadableFileError
from vhcs_analysis.io.base import Limits
from vhcs_analysis.io.locate import prepare
from vhcs_analysis.io.outputs import write_outputs
from vhcs_analysis.io.recognise import find_tables, is_registry_sheet, is_sample_marker
from vhcs_analysis.layout import DATA_TABLES, REGISTRY_NAME
from vhcs_analysis.registry import find_registry
from vhcs_analysis.manifest import build_manifest, file_sha256, foreign_to_sample
from vhcs_analysis.registry import Registry, RegistryError, read_units
from vhcs_analysis.results import CleanResult, FileEntry

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings

_READERS = {
    "form01_unit": read_unit_form,
    "form01_consolidated": read_consolidated,
    "form02": read_form02,
    "rankings": read_rankings,
}
# Progress of a run: called with the number of files, gives a context manager yielding a
# function to call once per file read (or None); cli_clean.reading_progress draws a bar.
Progress = Callable[[int], ContextManager[Callable[[], None] | None]]


# --- reading --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadSetup:
    """What reading one file needs besides the file: the run's settings (``[cleaning]``
    limits and matching, ``[inspection]``, the resolution date), the units registry and
    where it is (None: ``vhcs validate`` without one). Built once per run; worker processes
    get it once, through their initialiser (it pickles)."""

    settings: Settings
    registry: Registry
    registry_rel: str | None
    limits: Limits

    @classmethod
    def create(cls, settings: Settings, registry: Registry, registry_rel: str | None) -> ReadSetup:
        """The setup for ``settings`` and ``registry``, with the reading limits taken from ``[cleaning]``."""
        return cls(settings, registry, registry_rel, Limits.from_settings(settings.cleaning))


def read_file(path: Path, rel: str, setup: ReadSetup) -> FileEntry:
    """One input file -> a FileEntry with its records (status, kind, sheets, reason)."""
    from vhcs_analysis.io.files import read_sheets

    entry = FileEntry(rel, file_sha256(path))
    if is_sample_marker(path):
        entry.kind, entry.status = "sample_marker", "used"
        entry.reason = "tệp đánh dấu dữ liệu mẫu"
        return entry
    try:
        sheets = read_sheets(path, setup.limits, display_name=rel)
    except UnreadableFileError as exc:
        entry.status, entry.kind, entry.reason = "unreadable", "unknown", exc.message
        return entry
    ctx = Context(rel, setup.registry, setup.settings)
    # a CSV or a web page saved as .xls has no sheet names: with one table, rejects name none
    plain_text = not _is_workbook(path) and len(sheets) == 1
    kinds: list[str] = []
    for sheet in sheets:
        info = {"name": sheet.name, "hidden": bool(sheet.hidden), "kind": None, "status": "skipped",
                "tables": 0, "rows_read": 0, "reason": None}
        if is_registry_sheet(sheet):
            info["kind"] = "units"
            info["reason"] = (f"một bản danh mục đơn vị khác; danh mục dùng là {setup.registry_rel}"
                              if setup.registry_rel else "một bản danh mục đơn vị (không dùng khi kiểm tra tệp)")
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
            batch = _READERS[table.kind](grid, table, ctx)
            name_uncalculated_formulas(batch, sheet.formulas)
            batch.detach()  # raw texts are computed from the grid while reading only
            if plain_text:  # a CSV has no sheets: rejects and truth name none
                batch.sheet = None
            entry.batches.append(batch)
            n += len(batch)
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


def _process(entries: list[tuple[Path, str]], registry_path: Path | None, units: pd.DataFrame,
             setup: ReadSetup, progress=None) -> list[FileEntry]:
    def is_registry(path: Path) -> bool:
        return registry_path is not None and path.resolve() == registry_path.resolve()

    todo = [(path, rel) for path, rel in entries if not is_registry(path)]
    done = _read_in_parallel(todo, setup)
    out = []
    for path, rel in entries:
        if is_registry(path):
            entry = FileEntry(rel, file_sha256(path), "units", "used", "danh mục đơn vị")
            entry.registry_rows = len(units)
        else:
            entry = done[rel] if rel in done else _read_file_safe((path, rel), setup)
        out.append(entry)
        if progress is not None:
            progress()
    return out


# Files are read on several processes (the results are the same, in the same order) when
# there is enough to read to repay starting them: ~2 s saved on the national benchmark.
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
_WORKER_SETUP: ReadSetup | None = None  # set in each worker process by _init_worker


def _workers() -> int:
    """Processes for reading files: $VHCS_WORKERS (1 turns parallel reading off), else 2
    when the machine has about two cores free, else 1. On a busy machine the workers'
    start (each imports pandas) and the records sent back cost more than they save:
    a national clean took ~2× longer on 2 workers than on 1 with the 2 cores loaded."""
    value = os.environ.get("VHCS_WORKERS", "")
    if value.strip().isdigit():
        return max(1, int(value))
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]  # processes running or waiting, averaged over a minute
    except (AttributeError, OSError):  # Windows has no load average: count the cores only
        busy = 0.0
    return 2 if cores >= 2 and cores - busy >= 1.5 else 1


def start_method() -> str:
    """How worker processes start: ``forkserver`` where the platform has it (Linux), else
    ``spawn`` (Windows; macOS has both). Never ``fork``: forking a process that runs
    threads (pyarrow, a Jupyter kernel) may deadlock. Both start the workers fresh, so they
    import the package once, get the ``ReadSetup`` once, and read exactly as the parent would."""
    import multiprocessing

    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _read_in_parallel(todo: list[tuple[Path, str]], setup: ReadSetup) -> dict[str, FileEntry]:
    """rel -> FileEntry for every file of ``todo`` read on worker processes; {} when the
    folder is too small (or one worker is configured) and the caller reads them itself."""
    workers = min(_workers(), len(todo))
    if workers < 2 or sum(path.stat().st_size for path, _ in todo) < PARALLEL_MIN_BYTES:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(setup,)) as pool:
        return {rel: entry for (_, rel), entry in zip(todo, pool.map(_read_file_safe, todo))}


def _init_worker(setup: ReadSetup) -> None:
    """Worker process initialiser: keep the run's ``ReadSetup`` for every file it reads."""
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _read_file_safe(item: tuple[Path, str], setup: ReadSetup | None = None) -> FileEntry:
    """``read_file`` (in a worker: with the setup given to ``_init_worker``), with an
    unexpected error turned into an unreadable entry."""
    path, rel = item
    setup = setup or _WORKER_SETUP
    assert setup is not None, "a worker process gets its setup from _init_worker"
    try:
        with collections_deferred():
            return read_file(path, rel, setup)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the folder
        if os.environ.get("VHCS_DEBUG"):
            raise
        return FileEntry(rel, file_sha256(path), "unknown", "unreadable",
                         f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}); "
                         "hãy báo cho người phát triển kèm tệp này")


# --- the run -----------------------------------------------------------------------------


def clean_folder(raw: Path, out: Path | None, *, settings: Settings, progress: Progress | None = None) -> CleanResult:
    """Clean every input under ``raw`` with ``settings`` (``settings.load()`` at the caller);
    write outputs into ``out`` (None: check only)."""
    with collections_deferred():
        return _clean_folder(raw, out, settings=settings, progress=progress)


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


def _clean_folder(raw: Path, out: Path | None, *, settings: Settings, progress: Progress | None) -> CleanResult:
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
    limits = Limits.from_settings(settings.cleaning)
    registry_path = find_registry([raw], scan=files, limits=limits)
    if registry_path is None:
        result.fatal.append(f"thiếu danh mục đơn vị: không có tệp {REGISTRY_NAME} (unit_id, unit_name, aliases, block, "
                            f"is_pilot, unit_type, staff_count) trong thư mục dữ liệu thô '{raw}'")
        return result
    registry_rel = registry_path.relative_to(raw).as_posix()
    try:
        units = read_units(registry_path, registry_rel, limits=limits)
    except (RegistryError, UnreadableFileError) as exc:
        result.fatal.append(f"danh mục đơn vị không dùng được: {exc}")
        return result
    setup = ReadSetup.create(settings, Registry.from_settings(units, settings.cleaning), registry_rel)
    entries = [(p, p.relative_to(raw).as_posix()) for p in files]
    with (progress or _no_progress)(len(entries)) as tick:
        result.files = _process(entries, registry_path, units, setup, tick)
    for p, reason in skipped_entries:
        try:
            rel = p.relative_to(raw).as_posix()
        except ValueError:
            rel = p.name
        result.files.append(FileEntry(rel, None, "unknown", "skipped", reason))
    result.files.sort(key=lambda e: e.path)
    _finish(result, units, settings)
    result.manifest["sample_foreign_files"] = foreign_to_sample(raw, result.files)
    if out is not None:
        write_outputs(result, Path(out))
    return result


def check_files(entries: list[tuple[Path, str]], registry_path: Path | None, units: pd.DataFrame,
                registry: Registry, *, settings: Settings) -> CleanResult:
    """``vhcs validate``: read and check ``entries`` (path, display name) like a clean, with
    the registry at ``registry_path`` (None: names taken as written), writing nothing."""
    result = CleanResult()
    setup = ReadSetup.create(settings, registry, registry_path.name if registry_path is not None else None)
    with collections_deferred():
        result.files = _process(entries, registry_path, units, setup)
        _finish(result, units, settings)
    return result


@contextlib.contextmanager
def _no_progress(total: int):
    yield None


def _finish(result: CleanResult, units: pd.DataFrame, settings: Settings) -> None:
    from vhcs_analysis import schemas  # pandera: here only, not in every reading worker

    batches = [b for e in result.files for b in e.batches]
    resolve_duplicates(batches)
    frames = to_frames(batches)
    frames["units"] = units
    for name in DATA_TABLES:
        schemas.validate(frames[name], name)
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
    result.manifest = build_manifest(result, settings)


