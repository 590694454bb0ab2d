"""Output folders written as one unit: the processed outputs of ``vhcs clean`` and the
whole report folder of ``vhcs report``.

Everything is written into a staging folder next to the output folder and swapped in
with two renames (``staged_folder``), so a crash or a kill leaves the previous outputs
intact; a run killed between the two renames is repaired by the next one (``_recover``).
A report folder is also locked while it is built (``folder_lock``): a second run into it
stops at once with a message naming the folder, and never mixes with the first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from vhcs_analysis import layout

OUTPUT_FILES = layout.PROCESSED_FILES  # every entry a clean writes (the names are layout's)


def write_outputs(result, out: Path) -> None:
    """Write all outputs into a temporary folder next to ``out`` and swap it in."""
    from vhcs_analysis.corrections import write_correction_workbooks, write_table_workbooks
    from vhcs_analysis.io.writers import write_csv_for_excel, write_json_atomic, write_parquet_atomic

    with staged_folder(Path(out), keep=lambda name: name not in OUTPUT_FILES) as tmp:  # keep e.g. .gitkeep
        for name, df in result.tables.items():
            write_parquet_atomic(df, tmp / layout.parquet_name(name))
        write_parquet_atomic(result.rejects, tmp / layout.parquet_name("rejects"))
        write_parquet_atomic(result.findings, tmp / layout.parquet_name("findings"))
        write_csv_for_excel(result.rejects, tmp / layout.REJECTS_CSV)
        write_csv_for_excel(result.findings, tmp / layout.FINDINGS_CSV)
        write_table_workbooks(result, tmp)  # rejects.xlsx, findings.xlsx
        write_correction_workbooks(result, tmp / layout.CORRECTIONS_DIR)
        write_json_atomic(result.manifest, layout.manifest_path(tmp))


@contextlib.contextmanager
def staged_folder(out: Path, *, keep: Callable[[str], bool]) -> Iterator[Path]:
    """An empty staging folder beside ``out`` (``.<out>.new-*``), swapped in for ``out`` when
    the block ends normally and removed when it raises (or the process is killed: the next
    run removes it). Entries of the previous ``out`` whose name ``keep`` accepts and that
    the block did not write are carried over (e.g. ``.gitkeep``). A folder that cannot be
    swapped (on Windows: a file in it is open) is ``OutputLockedError`` naming ``out``,
    with the previous folder as it was."""
    from vhcs_analysis.io.writers import locked_output_error, public_mode

    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=layout.staging_prefix(out), dir=out.parent))
    except PermissionError:
        raise locked_output_error(out.parent, folder=True) from None
    os.chmod(tmp, public_mode(directory=True))  # mkdtemp gives 0700; outputs are shared
    try:
        yield tmp
        if out.is_dir():
            for child in out.iterdir():
                if keep(child.name) and not layout.is_transient(child.name, out) and not (tmp / child.name).exists():
                    if child.is_dir():
                        shutil.copytree(child, tmp / child.name, symlinks=True)
                    else:
                        shutil.copy2(child, tmp / child.name)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold ``.<out>.lock`` beside ``out`` while a run writes it (an OS lock through
    ``filelock``: released when the process ends, however it ends). A second run stops at
    once with a Vietnamese message naming the folder."""
    from filelock import FileLock, Timeout

    from vhcs_analysis.errors import Location, OutputLockedError
    from vhcs_analysis.io.writers import locked_output_error

    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(out.parent / layout.lock_name(out), timeout=0)
        lock.acquire()
    except Timeout:
        raise OutputLockedError(
            f"thư mục {out} đang được một lần chạy khác ghi (một lệnh `vhcs report` khác chưa xong); "
            "hãy đợi lần đó xong rồi chạy lại, hoặc chọn thư mục khác bằng --out. Thư mục không bị "
            "thay đổi bởi lần chạy này.",
            Location(file=str(out)),
        ) from None
    except PermissionError:
        raise locked_output_error(out.parent, folder=True) from None
    try:
        yield
    finally:
        lock.release()


def _recover(out: Path) -> None:
    """Tidy what a killed run left next to ``out``: half-written ``.<out>.new-*`` folders
    are removed; if it died between the two renames of the swap, the previous outputs
    (``.<out>.old-*``) are put back."""
    olds = sorted(out.parent.glob(layout.previous_prefix(out) + "*"))
    if not out.exists() and olds:
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for stale in [*olds, *out.parent.glob(layout.staging_prefix(out) + "*")]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    from vhcs_analysis.io.writers import locked_output_error

    if not out.exists():
        os.replace(new, out)
        return
    old = out.parent / f"{layout.previous_prefix(out)}{os.getpid()}"
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(out, old)
    except PermissionError:  # Windows: a file in it is open (rejects.csv in Excel)
        raise locked_output_error(out, folder=True) from None
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


