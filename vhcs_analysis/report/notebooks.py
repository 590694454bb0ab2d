"""Execute the numbered notebooks (``notebooks/NN-*.ipynb``) headless with nbclient.

Each notebook runs in a fresh ``python3`` kernel of the current environment, with the
notebooks folder as working directory and ``VHCS_RAW/VHCS_PROCESSED/VHCS_REPORTS`` set
from the given paths, so the notebooks read and write exactly where the caller says.
Executed copies go to ``<reports>/notebooks/``; the stored notebooks are only rewritten
with ``in_place=True`` (``make notebooks``). Outputs are made deterministic by dropping
the per-cell ``metadata.execution`` timestamps that nbclient records.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from vhcs_analysis.config import PACKAGE_DIR, Paths, find_project_root, get_paths
from vhcs_analysis.errors import OutputLockedError, VhcsError
from vhcs_analysis.io.writers import write_bytes_atomic
from vhcs_analysis.settings import Settings, load

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"


def packaged_notebooks_dir() -> Path:
    """The notebooks shipped inside the package (the repository's ``notebooks/``, mapped
    to ``vhcs_analysis.notebooks`` by pyproject.toml)."""
    from importlib.util import find_spec

    # A folder of data without __init__.py is a namespace package: its spec lists the
    # folder (importlib.resources would give a MultiplexedPath, not a folder).
    try:
        spec = find_spec("vhcs_analysis.notebooks")
    except ModuleNotFoundError:
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    # an install older than the mapping: the checkout's folder
    return Path(locations[0]) if locations else PACKAGE_DIR.parent / "notebooks"


def notebooks_dir() -> Path:
    """The notebooks ``vhcs report`` runs: the project's (or working folder's) ``notebooks/``
    when it holds numbered notebooks, else the ones shipped with the package."""
    local = find_project_root() / "notebooks"
    return local if list_notebooks(local) else packaged_notebooks_dir()


def copy_notebooks(out: Path) -> list[Path]:
    """Copy the shipped notebooks into ``out`` for an analyst to adapt; never overwrites."""
    import shutil

    sources = list_notebooks(packaged_notebooks_dir())
    out = Path(out)
    existing = [out / s.name for s in sources if (out / s.name).exists()]
    if existing:
        raise VhcsError(f"thư mục {out} đã có {', '.join(p.name for p in existing)}; chọn thư mục khác "
                        "hoặc xóa các tệp đó (không ghi đè notebook đã sửa)")
    out.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(s, out / s.name)) for s in sources]


def cli_notebooks(out: Path, console) -> int:
    """``vhcs notebooks --out DIR``: copy the notebooks out; ``vhcs report`` run in the
    folder above ``DIR/notebooks`` then uses the copies."""
    copied = copy_notebooks(out)
    console.print(f"Đã chép {len(copied)} notebook vào {out}:", markup=False, highlight=False)
    for path in copied:
        console.print(f"  • {path.name}", markup=False, highlight=False)
    return 0


def list_notebooks(folder: Path) -> list[Path]:
    """The numbered notebooks of ``folder`` in run order (01-…, 02-…)."""
    return sorted(folder.glob(NOTEBOOK_GLOB))


WORKERS_ENV = "VHCS_NOTEBOOK_WORKERS"


def notebook_workers(count: int) -> int:
    """How many of ``count`` notebooks run at once: ``VHCS_NOTEBOOK_WORKERS`` when set (1 =
    one after another), else one per CPU core. Not a setting in vhcs.toml on purpose: the
    settings are recorded in manifest.json, and how many kernels ran must not change any
    output byte."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    try:
        wanted = int(raw) if raw else 0
    except ValueError:
        raise VhcsError(f"biến môi trường {WORKERS_ENV}={raw!r} phải là số nguyên ≥ 0 (0 = mỗi lõi CPU một "
                        "notebook)") from None
    if wanted < 0:
        raise VhcsError(f"biến môi trường {WORKERS_ENV}={raw!r} phải là số nguyên ≥ 0 (0 = mỗi lõi CPU một notebook)")
    return max(1, min(wanted or os.cpu_count() or 1, count))


def kernel_env(paths: Paths) -> dict[str, str]:
    """The kernel's environment: ours, plus the three data folders (absolute), a
    non-interactive matplotlib backend and a fixed hash seed."""
    env = dict(os.environ)
    env.update(
        VHCS_RAW=str(paths.raw.resolve()),
        VHCS_PROCESSED=str(paths.processed.resolve()),
        VHCS_REPORTS=str(paths.reports.resolve()),
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
        # debugpy warns on stderr about frozen modules at kernel start-up
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def strip_volatile_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what changes from run to run although the results do not (timestamps)."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("papermill", None)
    return nb


def _last_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _error_line(exc: Exception) -> str:
    """The error's last line, e.g. 'KeyError: 'x'' (never a traceback)."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {_last_line(evalue)}" if evalue else str(ename)
    return _last_line(str(exc)) or type(exc).__name__


# Kernels start one at a time (each holds this until it has answered kernel_info), then run
# side by side: kernels launched at the same instant can pick the same ports.
_KERNEL_START = threading.Lock()


class _KernelStartError(Exception):
    """The kernel died or did not answer before the notebook's first cell."""


def _execute_once(nb: nbformat.NotebookNode, source: Path, paths: Paths, *, timeout_s: int,
                  env_extra: dict[str, str] | None) -> None:
    """Execute ``nb`` in place in a new kernel (see ``execute_notebook``)."""
    from nbclient import NotebookClient

    current: dict[str, int] = {}
    started = threading.Event()

    def remember(cell, cell_index, **_):
        current["index"] = cell_index

    def release_start(**_):
        if not started.is_set():
            started.set()
            _KERNEL_START.release()

    client = NotebookClient(
        nb,
        timeout=timeout_s,
        kernel_name="python3",
        record_timing=False,
        allow_errors=False,
        resources={"metadata": {"path": str(source.parent.resolve())}},
        on_cell_execute=remember,
        on_notebook_start=release_start,
        # every output is in the notebook once the last cell has run: stop the kernel
        # without the graceful shutdown request and its wait (~0,2 s a notebook)
        shutdown_kernel="immediate",
    )
    # The kernel's own stderr (start-up chatter such as ZMQ transport warnings) is kept
    # off the user's terminal; cell output reaches the notebook through the kernel protocol.
    with tempfile.TemporaryFile() as kernel_stderr:
        _KERNEL_START.acquire()
        try:
            client.execute(env={**kernel_env(paths), **(env_extra or {})}, cwd=str(source.parent.resolve()),
                           stderr=kernel_stderr)
        except Exception as exc:  # noqa: BLE001 - CellExecutionError, CellTimeoutError, DeadKernelError
            if getattr(exc, "ename", None) == OutputLockedError.__name__:
                # a table or figure the notebook writes is open in Excel or a viewer: the
                # library's message already names the file and what to do
                raise OutputLockedError(_last_line(getattr(exc, "evalue", str(exc)))) from None
            index = current.get("index")
            if index is None:
                kernel_stderr.seek(0)
                said = _last_line(kernel_stderr.read().decode("utf-8", "replace"))
                raise _KernelStartError(_error_line(exc) + (f" ({said})" if said else "")) from None
            kind = "quá thời gian" if type(exc).__name__ == "CellTimeoutError" else "lỗi"
            raise VhcsError(f"notebook {source.name}, ô {index + 1}: {kind}: {_error_line(exc)}") from None
        finally:
            release_start()
            # nbclient's exit-time clean-up of this client has nothing left to do (and
            # would print a traceback after a failed start)
            atexit.unregister(client._cleanup_kernel)


def execute_notebook(source: Path, target: Path, paths: Paths, *, timeout_s: int,
                     env_extra: dict[str, str] | None = None) -> Path:
    """Run ``source`` top to bottom and write the executed copy to ``target``
    (``timeout_s``: seconds one cell may run; ``env_extra``: more variables for the kernel).

    Raises VhcsError naming the notebook and the cell (1-based, as Jupyter counts) with
    the error's last line when a cell fails, times out or the kernel dies.
    """
    try:
        nb = nbformat.read(source, as_version=4)
    except Exception as exc:  # noqa: BLE001 - unreadable JSON, wrong schema
        raise VhcsError(f"không đọc được notebook {source.name}: {_error_line(exc)}") from None

    for attempt in (1, 2):
        try:
            _execute_once(nb, source, paths, timeout_s=timeout_s, env_extra=env_extra)
            break
        except _KernelStartError as exc:
            # a kernel that dies before its first cell (seen once in a new environment with
            # kernels starting side by side) is started again once; a second death is reported
            if attempt == 2:
                raise VhcsError(f"notebook {source.name}, khi khởi động nhân Python: lỗi: {exc}") from None
            nb = nbformat.read(source, as_version=4)

    strip_volatile_metadata(nb)
    text = nbformat.writes(nb)
    # bytes, not a text-mode file: "\n" line ends on Windows too (nbformat.write adds the final one)
    write_bytes_atomic((text if text.endswith("\n") else text + "\n").encode("utf-8"), target)
    return target


def run_notebooks(
    paths: Paths,
    settings: Settings,
    *,
    folder: Path | None = None,
    in_place: bool = False,
    console=None,
    timeout_s: int | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Execute every numbered notebook of ``folder``; return the executed files in order.

    Copies go to ``<reports>/notebooks/`` unless ``in_place`` (then the stored notebooks
    are refreshed). Independent kernels run ``workers`` at a time (default
    ``notebook_workers``): each notebook writes its own tables and figures, and the
    sections of ``tables/key_numbers.json`` they set are spooled per notebook and merged
    in notebook order afterwards, so the file is the one a run in order writes. A failing
    notebook raises a VhcsError (the first in order among those that failed); notebooks
    not yet started are not started.

    ``settings``: the settings in use; a cell may run ``[report] notebook_cell_timeout_s``
    seconds unless ``timeout_s`` says otherwise. The kernels load the same settings file
    themselves (``review.setup``: ``VHCS_CONFIG``, which the CLI sets to the file it checked).
    """
    from vhcs_analysis.review.output import KEY_NUMBERS_SPOOL_ENV, merge_key_numbers_spool

    timeout_s = int(timeout_s if timeout_s is not None else settings.report.notebook_cell_timeout_s)
    folder = folder or notebooks_dir()
    notebooks = list_notebooks(folder)
    if not notebooks:
        raise VhcsError(f"không tìm thấy notebook đánh số (NN-*.ipynb) trong thư mục {folder}")
    out_dir = folder if in_place else paths.notebooks
    workers = max(1, min(workers or notebook_workers(len(notebooks)), len(notebooks)))
    with tempfile.TemporaryDirectory(prefix="vhcs-key-numbers-") as tmp:
        spools = [Path(tmp) / f"{number:03d}" for number in range(1, len(notebooks) + 1)]

        def run(number: int) -> Path:
            source, spool = notebooks[number - 1], spools[number - 1]
            spool.mkdir()
            if console is not None:
                console.print(f"  Chạy notebook {number}/{len(notebooks)}: {source.name}")
            return execute_notebook(source, out_dir / source.name, paths, timeout_s=timeout_s,
                                    env_extra={KEY_NUMBERS_SPOOL_ENV: str(spool)})

        try:
            if workers == 1:
                return [run(number) for number in range(1, len(notebooks) + 1)]
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vhcs-notebook") as pool:
                futures = [pool.submit(run, number) for number in range(1, len(notebooks) + 1)]
                try:
                    return [future.result() for future in futures]
                except BaseException:
                    for future in futures:
                        future.cancel()  # the running ones finish; the rest never start
                    raise
        finally:
            # what the notebooks that ran set, in notebook order (as a run in order writes it)
            merge_key_numbers_spool([s for s in spools if s.is_dir()])


def main(argv: list[str] | None = None) -> int:
    """``python -m vhcs_analysis.report.notebooks [--in-place]`` (paths from VHCS_* env)."""
    parser = argparse.ArgumentParser(
        prog="python -m vhcs_analysis.report.notebooks",
        description="Chạy các notebook đánh số (không giao diện); bản đã chạy ghi vào <reports>/notebooks/.",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="ghi đè notebook trong kho để cập nhật kết quả lưu sẵn"
    )
    args = parser.parse_args(argv)
    try:
        written = run_notebooks(get_paths(), load(), in_place=args.in_place, console=_PrintConsole())
    except VhcsError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    print(f"Đã chạy {len(written)} notebook.")
    return 0


class _PrintConsole:
    """The bit of rich.Console that run_notebooks uses, for the plain entry point."""

    def print(self, text: str) -> None:
        print(text, flush=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
