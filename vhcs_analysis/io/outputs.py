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
        checkpoint("clean-writing")  # the tables written, not yet the rest
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
    with staged_folders([(Path(out), keep)]) as (tmp,):
        yield tmp


@contextlib.contextmanager
def staged_folders(targets: list[tuple[Path, Callable[[str], bool]]]) -> Iterator[tuple[Path, ...]]:
    """``staged_folder`` for several output folders written by one run (a report folder and
    a processed folder outside it): one staging folder each, and all swapped in together
    at the end: every previous folder is first moved aside (a folder that cannot be moved,
    e.g. holding a file open on Windows, is ``OutputLockedError`` and every folder is left
    as it was), then every new one is put in place. A kill between the renames is
    repaired by the next run (``_recover``)."""
    from vhcs_analysis.io.writers import locked_output_error, public_mode

    staging: list[Path] = []
    try:
        for out, _keep in targets:
            out.parent.mkdir(parents=True, exist_ok=True)
            _recover(out)
            try:
                tmp = Path(tempfile.mkdtemp(prefix=layout.staging_prefix(out), dir=out.parent))
            except PermissionError:
                raise locked_output_error(out.parent, folder=True) from None
            staging.append(tmp)
            os.chmod(tmp, public_mode(directory=True))  # mkdtemp gives 0700; outputs are shared
        yield tuple(staging)
        for (out, keep), tmp in zip(targets, staging):
            _carry_over(out, tmp, keep)
        _swap_all([(tmp, out) for (out, _keep), tmp in zip(targets, staging)])
    except BaseException:
        for tmp in staging:
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _carry_over(out: Path, tmp: Path, keep: Callable[[str], bool]) -> None:
    """Copy into ``tmp`` the entries of the previous ``out`` that ``keep`` accepts and that
    the run did not write."""
    if not out.is_dir():
        return
    for child in out.iterdir():
        if keep(child.name) and not layout.is_transient(child.name, out) and not (tmp / child.name).exists():
            if child.is_dir():
                shutil.copytree(child, tmp / child.name, symlinks=True)
            else:
                shutil.copy2(child, tmp / child.name)


KILL_AT_ENV = "VHCS_TEST_KILL_AT"


def checkpoint(name: str) -> None:
    """A named point of a run where the tests kill it (``$VHCS_TEST_KILL_AT`` = ``name``):
    the process ends at once, as a kill would (no clean-up, no ``finally``, locks released
    by the system). Does nothing otherwise."""
    if os.environ.get(KILL_AT_ENV) == name:
        os._exit(137)


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
    (and the staging folders of those, ``..<out>.new-*``) are removed; if it died between
    the renames of the swap, the previous outputs (``.<out>.old-*``) are put back."""
    olds = sorted(out.parent.glob(layout.previous_prefix(out) + "*"))
    if not out.exists() and olds:
        os.replace(olds[-1], out)
        olds = olds[:-1]
    staging = layout.staging_prefix(out)
    for entry in [*olds, *out.parent.glob(staging + "*"), *out.parent.glob("." + staging + "*")]:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def _swap_all(pairs: list[tuple[Path, Path]]) -> None:
    """Put each new folder in place of its ``out``: first every previous ``out`` is moved
    aside (``.<out>.old-<pid>``), then every new one is moved in; any failure puts every
    folder back as it was. A previous folder that cannot be moved (Windows: a file in it
    is open) is ``OutputLockedError`` naming it."""
    from vhcs_analysis.io.writers import locked_output_error

    aside: list[tuple[Path, Path]] = []
    placed: list[tuple[Path, Path]] = []
    try:
        for _new, out in pairs:
            if not out.exists():
                continue
            old = out.parent / f"{layout.previous_prefix(out)}{os.getpid()}"
            if old.exists():
                shutil.rmtree(old, ignore_errors=True)
            try:
                os.replace(out, old)
            except PermissionError:  # Windows: a file in it is open (rejects.csv in Excel, the PDF in a viewer)
                raise locked_output_error(out, folder=True) from None
            aside.append((old, out))
        checkpoint("swap")
        for new, out in pairs:
            os.replace(new, out)
            placed.append((new, out))
    except BaseException:
        for new, out in reversed(placed):
            os.replace(out, new)  # back to its staging folder, removed by the caller
        for old, out in reversed(aside):
            os.replace(old, out)
        raise
    for old, _out in aside:
        shutil.rmtree(old, ignore_errors=True)
