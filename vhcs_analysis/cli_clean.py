"""The console side of ``vhcs clean`` and ``vhcs validate``: progress bar, the summary
table, skipped files and warnings, the per-file report of ``validate``, exit codes. The
work itself is ``pipeline.clean_folder`` / ``pipeline.check_files``."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from vhcs_analysis import fmt, tables
from vhcs_analysis.clean.batch import full_message
from vhcs_analysis.config import SAMPLE_MARKER_FILE, get_paths
from vhcs_analysis.errors import UnreadableFileError
from vhcs_analysis.io.base import Limits
from vhcs_analysis.labels import KIND_LONG_VI, finding_vi, reason_vi
from vhcs_analysis.layout import CORRECTIONS_DIR, REGISTRY_NAME, REJECTS_CSV, REJECTS_XLSX
from vhcs_analysis.registry import find_registry
from vhcs_analysis.pipeline import CleanResult, check_files
from vhcs_analysis.registry import Registry, RegistryError, UncheckedRegistry, read_units

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings


@contextlib.contextmanager
def reading_progress(total: int):
    """A progress bar on stderr while ``total`` files are read (nothing when stderr is not
    a terminal); ``pipeline.clean_folder(progress=reading_progress)``."""
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
    # every reason: the rows it is the (first) reject reason of, and how often it was met when
    # that differs (a row lists all its problems in rejects)
    rows = t["rejects_by_reason"]
    met = t.get("problems_by_reason", rows)
    if t.get("problems", t["rows_rejected"]) != t["rows_rejected"]:
        table.add_row("Lỗi tìm thấy ở các dòng bị loại (mọi lỗi)", fmt.number(t["problems"]))
    for code in sorted(rows.keys() | met.keys(), key=lambda c: (-rows.get(c, 0), -met.get(c, 0), c)):
        n, found = rows.get(code, 0), met.get(code, 0)
        table.add_row(f"  lý do loại: {reason_vi(code)}"
                      + (f"; gặp {fmt.number(found)} lần" if found != n else ""), fmt.number(n))
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


def cli_clean(raw: Path, out: Path, console, *, settings: Settings) -> int:
    """``vhcs clean`` (the clean stage, ``stages.clean``, from ``raw`` into ``out``): 0 when
    every row is accounted for, 2 on unusable input."""
    from vhcs_analysis.stages import clean, window_gap

    result = clean(get_paths(raw=raw, processed=out), settings,
                   progress=reading_progress if console.is_terminal else None)
    if result.fatal:
        for msg in result.fatal:
            console.print(f"Lỗi: {msg}", markup=False, highlight=False, soft_wrap=True)
        return 2
    print_clean_summary(console, result)
    gap = window_gap(result, settings)
    if gap:
        console.print(f"Cảnh báo: {gap}", markup=False, highlight=False, soft_wrap=True)
    t = result.manifest["totals"]
    if t["rows_read"] != t["rows_kept"] + t["rows_rejected"]:  # pragma: no cover - invariant
        console.print("Lỗi: số dòng đọc khác tổng số dòng giữ và bị loại", markup=False)
        return 3
    console.print(f"Dòng bị loại và mọi lỗi của từng dòng: {Path(out) / REJECTS_XLSX} (mở bằng Excel; "
                  f"{Path(out) / REJECTS_CSV} cho máy đọc)", markup=False, highlight=False, soft_wrap=True)
    sheets = sorted((Path(out) / CORRECTIONS_DIR).glob("*.xlsx"))
    if sheets:
        console.print(f"Phiếu yêu cầu chỉnh sửa gửi đơn vị: {len(sheets)} tệp trong {Path(out) / CORRECTIONS_DIR}",
                      markup=False, highlight=False, soft_wrap=True)
    return 0


def _registry_for(paths: list[Path]) -> Path | None:
    """The registry ``vhcs validate`` uses: beside the files (or one of them), in a folder
    above them, else in the project's raw folder (``layout.find_registry``)."""
    above = [parent for p in paths for parent in p.resolve().parents]
    return find_registry([*paths, *above, get_paths().raw])


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


def cli_validate(paths: list[Path], console, *, settings: Settings) -> int:
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
    registry: Registry
    if registry_path is None:
        # a unit checking its own file before sending it has no registry: check the rest
        console.print(f"Lưu ý: không tìm thấy danh mục đơn vị {REGISTRY_NAME} (cạnh các tệp, trong thư mục cha "
                      "hoặc trong thư mục dữ liệu thô mặc định data/raw), nên tên đơn vị chưa được đối chiếu; "
                      "mọi kiểm tra khác vẫn được thực hiện.", markup=False, highlight=False, soft_wrap=True)
        units, registry = tables.empty("units"), UncheckedRegistry()
    else:
        try:
            units = read_units(registry_path, registry_path.name, limits=Limits.from_settings(settings.cleaning))
        except (RegistryError, UnreadableFileError) as exc:
            console.print(f"Lỗi: danh mục đơn vị không dùng được: {exc}", markup=False, soft_wrap=True)
            return 2
        registry = Registry.from_settings(units, settings.cleaning)
    result = check_files(entries, registry_path, units, registry, settings=settings)
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
        console.print(f"{mark} {e.path} ({KIND_LONG_VI.get((e.kind or '').split(',')[0], e.kind)}): {read} dòng, "
                      f"{kept} hợp lệ, {rejected} bị loại", markup=False, soft_wrap=True)
        for s in e.sheets:
            if s["status"] != "used":
                console.print(f"    trang {s['name']}: bỏ qua: {s['reason']}", markup=False, soft_wrap=True)
        for batch in e.batches:
            for i in batch.flagged():
                for p in batch.problems.get(i, ()):
                    any_bad = True
                    console.print(f"    {full_message(batch, p)} [{reason_vi(p.code)}]", markup=False, soft_wrap=True)
                for f in batch.findings.get(i, ()):
                    console.print(f"    (lưu ý) {full_message(batch, f)} [{finding_vi(f.code)}]", markup=False,
                                  soft_wrap=True)
    if readable == 0:
        return 2
    return 1 if any_bad else 0
