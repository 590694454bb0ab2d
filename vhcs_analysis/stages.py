"""The three stages of a review, each a ``run(paths, settings)`` that reads what the stage
before it wrote and writes only its own part of the folders (names in ``layout``):

============  ==========================================  =============================================
stage          reads                                       writes
============  ==========================================  =============================================
``clean``      ``paths.raw`` (never written)               ``paths.processed``: the tables, rejects,
                                                           findings, correction workbooks, manifest
``analyse``    ``paths.processed``                         ``paths.notebooks`` (the executed notebooks),
                                                           ``paths.tables``, ``paths.figures``
``render``     ``paths.tables``, ``paths.figures``,        the documents at the top of ``paths.reports``
               the processed manifest and tables           (PDF, annex, Word draft, deck, scorecards,
                                                           workbook) and ``figures/danh-muc-hinh.csv``
============  ==========================================  =============================================

``build_report`` runs the three into a staging folder beside the report folder, under its
lock, and swaps it in whole (``io.outputs``): a report folder is always one whole report.
``vhcs clean`` runs ``clean``; ``vhcs report`` runs ``build_report``; ``vhcs verify``
re-runs ``clean`` and ``render`` and compares; ``tasks.py`` calls the commands.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vhcs_analysis import layout
from vhcs_analysis.config import Paths
from vhcs_analysis.errors import VhcsError

if TYPE_CHECKING:
    from vhcs_analysis.pipeline import CleanResult, Progress
    from vhcs_analysis.settings import Settings


# ----------------------------------------------------------------------------- clean


def clean(paths: Paths, settings: Settings, *, progress: Progress | None = None) -> CleanResult:
    """The clean stage: ``paths.raw`` → ``paths.processed`` (swapped in whole; nothing is
    written when the raw folder cannot be used: ``CleanResult.fatal`` says why).
    ``progress``: a per-file progress display (``pipeline.Progress``)."""
    from vhcs_analysis.pipeline import clean_folder

    return clean_folder(paths.raw, paths.processed, settings=settings, progress=progress)


def window_gap(result: CleanResult, settings: Settings) -> str | None:
    """The review window's periods without Form 01 data in a clean, as a message (or None):
    every comparison of the analyse stage would be empty."""
    from vhcs_analysis.settings import window_gap as gap

    reports = result.tables.get("unit_reports")
    found = [] if reports is None else reports["period"].dropna().astype(str).unique().tolist()
    return gap(found, settings.review)


# ----------------------------------------------------------------------------- analyse


def analyse(paths: Paths, settings: Settings, *, notebooks: Path | None = None, console=None) -> list[Path]:
    """The analyse stage: the numbered notebooks of ``notebooks`` (default: the project's,
    else the packaged ones) run on ``paths.processed``; the executed copies go to
    ``paths.notebooks``, their tables and figures to ``paths.tables`` and ``paths.figures``.
    Returns the executed notebooks in order; a failing notebook is a VhcsError naming it."""
    from vhcs_analysis.report import notebooks as runner

    return runner.run_notebooks(paths, settings, folder=notebooks, console=console)


# ----------------------------------------------------------------------------- render


@dataclass(frozen=True)
class Rendered:
    """The documents the render stage wrote (``scorecards``: empty when there are no units;
    one combined file, or the ``phieu/`` files and their index last)."""

    pdf: Path
    annex: Path
    docx: Path
    pptx: Path
    scorecards: list[Path]
    workbook: Path

    @property
    def documents(self) -> list[Path]:
        """Every document of a report folder, in the order they are written; ``vhcs verify``
        compares each of them, so a new format is added here."""
        return [self.pdf, self.annex, self.docx, self.pptx, *self.scorecards, self.workbook]


def render(paths: Paths, settings: Settings) -> Rendered:
    """The render stage: every document built from what the analyse stage wrote, from one
    report context (``report.context.build_context``): the review PDF and its technical
    annex, the conference deck, the Word draft (with the figure list), the units'
    scorecards and the tables' workbook, at the top of ``paths.reports``."""
    from vhcs_analysis.report import build
    from vhcs_analysis.report.context import build_context

    context = build_context(paths, settings)  # once for every document
    pdf = build.render_report(paths, settings, context=context)
    cards = build.render_scorecards(paths, settings, context=context)
    workbook = build.render_tables_workbook(paths, context, settings)
    return Rendered(pdf=pdf, annex=pdf.with_name(context["annex_name"]), docx=pdf.with_name(layout.docx_name(pdf.name)),
                    pptx=pdf.with_name(layout.pptx_name(pdf.name)), scorecards=cards, workbook=workbook)


# ----------------------------------------------------------------------------- the whole report


def build_report(paths: Paths, settings: Settings | None = None, *, notebooks: Path | None = None, console=None,
                 progress: Progress | None = None, on_clean: Callable[[CleanResult], None] | None = None) -> Path:
    """The three stages from the raw files to the review's documents; returns the PDF's
    path. An entry point: ``settings`` None loads the settings in use (``settings.load``);
    the notebook kernels load the same file (``VHCS_CONFIG``). ``notebooks``: the folder
    of numbered notebooks (default: the project's). ``console`` (rich) gets one line per
    stage and document; ``progress`` and ``on_clean`` (what a command shows of the clean)
    are the command line's.

    A report folder is one whole report: everything is built into a staging folder beside
    ``paths.reports`` and swapped in at the end, under a lock that stops a second run into
    the same folder (``io.outputs.staged_folders``, ``folder_lock``). A processed folder
    inside the report folder is staged with it; one elsewhere gets its own staging folder
    and lock and is swapped in together with the report (both previous folders moved
    aside first, then both new ones moved in), so a run killed at any moment, or stopped
    by a folder that cannot be moved, leaves both as they were (a kill between the
    renames is repaired by the next run). Only hidden entries (``.gitkeep``) of the
    previous report folder are carried over."""
    from vhcs_analysis.io.outputs import folder_lock, staged_folders
    from vhcs_analysis.settings import load

    settings = settings if settings is not None else load()
    final = paths.reports
    if Path(paths.raw).resolve() == Path(final).resolve():  # the swap would drop the raw files with the old report
        raise VhcsError(f"thư mục báo cáo {final} cũng là thư mục dữ liệu thô: hãy chọn một thư mục khác bằng --out")
    inside = _moved(paths.processed, final, Path()) != paths.processed
    targets = [(final, carried_over(final, paths.raw))]
    if not inside:  # staged too, and swapped in together with the report
        targets.append((paths.processed, lambda name: name not in layout.PROCESSED_FILES))
    with contextlib.ExitStack() as stack:
        for folder, _keep in targets:
            stack.enter_context(folder_lock(folder))
        staging = stack.enter_context(staged_folders(targets))
        processed = _moved(paths.processed, final, staging[0]) if inside else staging[1]
        staged = Paths(raw=paths.raw, reports=staging[0], processed=processed)
        pdf = _run_stages(staged, settings, notebooks=notebooks, console=console, progress=progress,
                          on_clean=on_clean, shown=final)
    return final / pdf.relative_to(staging[0])


def carried_over(folder: Path, raw: Path):
    """Which entries of a previous report ``folder`` the new one keeps: hidden ones
    (``.gitkeep``) and, when the raw folder lies inside it, the entry that holds the raw
    data (never dropped with the old report)."""
    inside = _moved(raw, folder, Path())
    top = inside.parts[0] if inside != raw and inside.parts else None
    return lambda name: name.startswith(".") or name == top


def _moved(path: Path, old: Path, new: Path) -> Path:
    """``path`` moved from under ``old`` to under ``new`` (unchanged when not under ``old``)."""
    try:
        return new / Path(path).resolve().relative_to(Path(old).resolve())
    except ValueError:
        return path


def _run_stages(paths: Paths, settings: Settings, *, notebooks: Path | None, console, progress: Progress | None,
                on_clean: Callable[[CleanResult], None] | None, shown: Path) -> Path:
    """``build_report``'s stages into ``paths`` (the staging folders); messages name the
    files where they will be (under ``shown``)."""
    from vhcs_analysis.io.outputs import checkpoint

    say = console.print if console is not None else (lambda *_a, **_k: None)
    if not paths.raw.is_dir():
        raise VhcsError(f"không có thư mục dữ liệu thô {paths.raw}")
    say(f"Bước 1/3: làm sạch dữ liệu thô ({paths.raw}) …")
    cleaned = clean(paths, settings, progress=progress)
    if cleaned.fatal:
        raise VhcsError("không làm sạch được dữ liệu thô: " + "; ".join(cleaned.fatal))
    checkpoint("cleaned")
    if on_clean is not None:
        on_clean(cleaned)
    gap = window_gap(cleaned, settings)
    if gap:  # stop before the notebooks: every comparison would be empty
        raise VhcsError(gap)
    say("Bước 2/3: chạy các notebook phân tích …")
    analyse(paths, settings, notebooks=notebooks, console=console)
    checkpoint("analysed")
    say("Bước 3/3: dựng báo cáo PDF, bản thảo Word, bài trình chiếu, phiếu đánh giá từng đơn vị và sổ bảng số liệu …")
    rendered = render(paths, settings)
    checkpoint("rendered")
    cards = rendered.scorecards
    for document in rendered.documents:
        if len(cards) > 1 and document in cards:  # the split scorecards: their count and the index
            if document == cards[-1]:
                n_files = sum(1 for c in cards if c.suffix == ".pdf")
                say(f"  Đã ghi {n_files} tệp phiếu và danh mục {shown / document.relative_to(paths.reports)}")
            continue
        say(f"  Đã ghi {shown / document.relative_to(paths.reports)}")
    return rendered.pdf
