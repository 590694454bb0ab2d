"""The render stage's builders: the review PDF (Typst) ``<reports>/bao-cao-<kind>-nq01.pdf``
and its technical annex, and beside them the Word draft (``report/word.py``), the
conference deck (``report/slides.py``), the units' scorecards and the tables' workbook,
all from the same context. ``stages.render`` calls them; ``stages.build_report`` runs the
whole review.

The Typst sources, the pre-formatted ``data.json`` and the figures are staged in a
temporary folder that is the Typst root; the only fonts are the package's own Liberation
Serif (no system fonts), the creation timestamp is the report date, and any compiler warning is an error,
so the same inputs give the same bytes on every machine.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from vhcs_analysis import indicator_registry, layout
from vhcs_analysis.config import Paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.settings import Settings, load, report_basename

SCORECARDS_NAME = layout.SCORECARDS_NAME
TABLES_WORKBOOK_NAME = layout.TABLES_WORKBOOK_NAME  # the report's tables/*.csv for Excel, one sheet each
TEMPLATE_DIR = Path(__file__).resolve().parent
TYPST_SOURCES = ("common.typ", "template.typ", "scorecard.typ", "annex.typ")
VN_TZ = dt.timezone(dt.timedelta(hours=7))


def report_name(settings: Settings) -> str:
    """The review PDF's file name, e.g. ``bao-cao-so-ket-nq01.pdf`` (``[review] kind``;
    ``settings.report_basename`` is the one source for the PDF and the Word draft)."""
    return report_basename(settings.review) + ".pdf"


def font_dir() -> Path:
    """The fonts shipped with the package (``report/fonts``: Liberation Serif, SIL OFL,
    licence in ``OFL.txt``): Times-metric with full Vietnamese coverage, the only fonts
    Typst sees, so every machine renders the same bytes."""
    return TEMPLATE_DIR / "fonts"


def pdf_timestamp(day: dt.date) -> dt.datetime:
    """The PDF creation date: the report date at 00:00 Hà Nội time (never now())."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def _warning_text(warning) -> str:
    message = getattr(warning, "message", None) or str(warning)
    hints = getattr(warning, "hints", None) or []
    return str(message) + (f" ({'; '.join(map(str, hints))})" if hints else "")


def compile_typst(main: Path, output: Path, *, timestamp: dt.datetime,
                  sys_inputs: dict[str, str] | None = None) -> Path:
    """Compile ``main`` (inside its folder, the Typst root) to ``output`` atomically.
    Raises VhcsError on a compile error or on any warning."""
    import typst

    from vhcs_analysis.io.writers import atomic_path

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_dir())])
    with atomic_path(output) as tmp:
        try:
            _, warnings = typst.compile_with_warnings(
                str(main), output=str(tmp), root=str(main.parent), font_paths=fonts, ignore_system_fonts=True,
                sys_inputs=dict(sys_inputs or {}), timestamp=timestamp, format="pdf",
            )
        except typst.TypstError as exc:
            detail = getattr(exc, "message", None) or str(exc)
            raise VhcsError(f"lỗi dựng PDF từ {main.name}: {detail}") from None
        if warnings:
            raise VhcsError(
                f"cảnh báo khi dựng PDF từ {main.name} (coi là lỗi): " + " | ".join(_warning_text(w) for w in warnings)
            )
    return output


def stage(build_dir: Path, context: dict, figures: Path) -> Path:
    """Copy the Typst sources, the figures and ``data.json`` into ``build_dir`` (made when missing)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    for name in TYPST_SOURCES:
        shutil.copyfile(TEMPLATE_DIR / name, build_dir / name)
    (build_dir / "figures").mkdir(exist_ok=True)
    for name, present in sorted(context.get("figures", {}).items()):
        if present:
            svg = layout.figure_file(name, "svg")
            shutil.copyfile(figures / svg, build_dir / "figures" / svg)  # the Typst root's own folder
    # compact: no indent keeps json on its C encoder (the cards of a large bloc are megabytes)
    text = json.dumps(typst_data(context), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    (build_dir / "data.json").write_bytes((text + "\n").encode("utf-8"))  # "\n" on every platform
    return build_dir


def typst_data(context: dict) -> dict:
    """What ``data.json`` carries: the context without the full per-unit lists of a large
    bloc (``lists.*.full``: the PDF prints the summaries), which come instead as the
    technical annex's tables (``annex_lists``, only the columns printed; the workbook
    has them too)."""
    from vhcs_analysis.report.context import ANNEX_LISTS_SECTION, annex_lists

    lists = context.get("lists")
    if not lists:
        return context
    return {**context, "lists": {k: {n: v for n, v in entry.items() if n != "full"} for k, entry in lists.items()},
            "annex_lists": annex_lists(lists), "annex_lists_section": ANNEX_LISTS_SECTION}


def render_report(paths: Paths, settings: Settings | None = None, *, out_dir: Path | None = None,
                  context: dict | None = None) -> Path:
    """Render the review PDF and the Word draft from what the notebooks wrote (no cleaning,
    no notebooks); an entry point: ``settings`` None loads the settings in use
    (``settings.load``). ``context``: ``build_context(paths, settings)`` when the caller
    already has it."""
    from vhcs_analysis.report.context import build_context

    settings = settings if settings is not None else load()
    context = context if context is not None else build_context(paths, settings)
    day = dt.datetime.strptime(context["cover"]["date"], "%d/%m/%Y").date()
    target = (out_dir or paths.reports) / report_name(settings)
    # the review and its technical annex, from the same context, each compiled in a child
    # process (side by side; Typst's memory is freed with the child, ``compile_apart``)
    compile_apart([(context, "template.typ", target), (context, "annex.typ", target.with_name(context["annex_name"]))],
                  paths, day)
    slides = render_slides(paths, settings, context, pdf=target)
    render_word(paths, settings, context, pdf=target, slides=slides)
    return target


def render_slides(paths: Paths, settings: Settings, context: dict, *, pdf: Path) -> dict[str, list[int]]:
    """The conference deck beside ``pdf`` (same name, ``.pptx``), from the same context;
    returns each figure's slides (for the figure list)."""
    from vhcs_analysis.report import slides

    shown = slides.render_pptx(context, paths.figures, pdf.with_name(layout.pptx_name(pdf.name)),
                               template=slides.template_path(settings.report))
    return slides.figure_slides(shown)


def render_word(paths: Paths, settings: Settings, context: dict, *, pdf: Path,
                slides: dict[str, list[int]] | None = None) -> Path:
    """The Word draft beside ``pdf`` (same name, ``.docx``), from the same context, and the
    figure pack's list ``figures/danh-muc-hinh.csv`` (with the deck's ``slides`` of each
    figure); returns the draft's path."""
    from vhcs_analysis.report.word import render_docx, template_path
    from vhcs_analysis.report.word_draft import write_figure_list

    target = pdf.with_name(layout.docx_name(pdf.name))
    placed = render_docx(context, paths.figures, target, template=template_path(settings.report))
    write_figure_list(placed, paths.figures, paths.notebooks, slides=slides)
    return target


def render_scorecards(paths: Paths, settings: Settings, *, context: dict | None = None) -> list[Path]:
    """The units' scorecards (a page per unit, ``report.scorecards``); [] without units.
    Up to ``[report] list_threshold`` units (``scorecards_split = "auto"``) one file,
    ``phieu-danh-gia-don-vi.pdf``; above it, or as set, files a unit can receive in
    ``phieu/`` (one per block in parts of at most ``CARDS_PER_FILE`` units, or one per unit)
    and their index ``phieu/danh-muc-phieu.csv`` (and ``.xlsx`` for the office). Each file
    is its own Typst compile, so the memory a compile needs does not grow with the bloc. ``context``: the review's
    ``build_context(paths, settings)`` when the caller already has it; the cards follow it."""
    from vhcs_analysis.io.writers import write_csv
    from vhcs_analysis.report.context import build_context
    from vhcs_analysis.report.scorecards import (
        SCORECARDS_DIR, SCORECARDS_INDEX, SCORECARDS_INDEX_XLSX, scorecard_context, scorecard_files,
        scorecard_index, split_mode, write_scorecard_index_xlsx,
    )

    report = context if context is not None else build_context(paths, settings)
    cards = scorecard_context(paths, settings, report)
    units = cards.pop("units")
    if not units:
        return []
    common = {**cards, "is_sample": report["is_sample"], "sample_mark": report["sample_mark"],
              "cover": report["cover"], "scope": report["scope"], "review": report["review"], "figures": {}}
    day = dt.datetime.strptime(report["cover"]["date"], "%d/%m/%Y").date()
    mode = split_mode(settings.report.scorecards_split, len(units), settings.report.list_threshold)
    if mode == "single":
        return [_compile_cards({**common, "units": units}, paths, paths.reports / SCORECARDS_NAME, day)]
    folder = paths.reports / SCORECARDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    files = scorecard_files(units, mode)
    written = compile_apart([({**common, "units": part}, "scorecard.typ", folder / name) for name, part in files],
                            paths, day)
    index = scorecard_index(files)
    written.append(write_csv(index, folder / SCORECARDS_INDEX))
    written.append(write_scorecard_index_xlsx(index, folder / SCORECARDS_INDEX_XLSX))
    return written


CARD_WORKERS = 2  # Typst compiles at once; each child holds one file's cards (≈ 0,3 GB for 150 units)


def compile_apart(jobs: list[tuple[dict, str, Path]], paths: Paths, day: dt.date) -> list[Path]:
    """Compile each ``(context, Typst source, target)`` in a child process of its own (at
    most ``CARD_WORKERS`` at once, never more than the machine's cores; started as the
cleaning's workers are, ``pipeline.start_method``): Typst keeps what
    it memoised for the life of a process, so compiling many files in one process grows
    with all of them; a child per file is freed when the file is written. Same bytes as
    ``compile_typst`` in the parent."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from vhcs_analysis.pipeline import start_method

    if not jobs:
        return []
    workers = max(1, min(CARD_WORKERS, os.cpu_count() or 1, len(jobs)))
    with tempfile.TemporaryDirectory(prefix="vhcs-typst-") as tmp, ProcessPoolExecutor(
            workers, mp_context=get_context(start_method()), max_tasks_per_child=1) as pool:
        futures = []
        for k, (context, source, target) in enumerate(jobs):
            build_dir = stage(Path(tmp) / str(k), context, paths.figures)
            futures.append(pool.submit(compile_typst, build_dir / source, target, timestamp=pdf_timestamp(day),
                                       sys_inputs={"data": "data.json"}))
        return [f.result() for f in futures]


def _compile_cards(context: dict, paths: Paths, target: Path, day: dt.date) -> Path:
    """One scorecard PDF from ``context`` (its own staging folder and Typst compile)."""
    with tempfile.TemporaryDirectory(prefix="vhcs-typst-") as tmp:
        build_dir = stage(Path(tmp), context, paths.figures)
        compile_typst(build_dir / "scorecard.typ", target, timestamp=pdf_timestamp(day),
                      sys_inputs={"data": "data.json"})
    return target


# The workbook's first sheet (labels.TABLES_INDEX_SHEET_VI): its title, a line on what the
# sheets are, and the headers of its list of sheets.
# Why a workbook figure can differ from the report's in its last digit (the index's line and
# the description of every sheet with figures shown to the report's decimals).
ROUNDING_NOTE_VI = ("Sổ giữ giá trị chưa làm tròn (ô chỉ hiển thị số chữ số thập phân như báo cáo); báo cáo tính "
                    "thay đổi bằng hiệu của hai mức đã làm tròn, nên chữ số cuối có thể lệch 0,1 so với sổ.")
TABLES_INDEX_TOP = (("Sổ bảng số liệu của báo cáo",),
                    ("Mỗi trang tính là một bảng số liệu của báo cáo. Cột “Tệp CSV” ghi tên tệp cùng số liệu trong "
                     "thư mục bảng của báo cáo, để văn phòng và người phân tích cùng gọi đúng một bảng.",),
                    (ROUNDING_NOTE_VI,), ())
TABLES_INDEX_HEADERS = ("Trang tính", "Nội dung", "Tệp CSV")
# The columns of a report table on its indicator's scale (levels, changes, their intervals
# and differences), shown to the indicator's decimals (``indicator_registry``); the
# indicator is the row's ``indicator`` or ``measure``, or the table's own (``TABLE_INDICATOR``).
LEVEL_COLUMNS = frozenset({
    "baseline_mean", "post_mean", "change", "ci_low", "ci_high", "ci_adj_low", "ci_adj_high", "mean", "estimate",
    "pilot_change", "rest_change", "difference", "pilot_mean", "rest_mean", "gap", "did_estimate", "did_ci_low",
    "did_ci_high", "adj_estimate", "adj_ci_low", "adj_ci_high", "mde", "lobo_min", "lobo_max", "baseline_value",
    "post_value", "excess", "reference_change", "value", "pilot_baseline", "rest_baseline", "pilot_post",
    "rest_post", "on_time_rate"})
TABLE_INDICATOR = {"index_sensitivity": "oc_index", "on_time_rate": "on_time_rate"}
P_DECIMALS = 3  # p-values and q-values as the report prints them (fmt.p_value)


def table_formats(key: str, frame) -> dict[str, list[str]]:
    """The Excel number formats of report table ``key`` (``frame`` as its CSV has it, codes
    included): each column on an indicator's scale (``LEVEL_COLUMNS``) to that indicator's
    decimals, row by row (a row whose indicator the registry does not know keeps every
    digit), p- and q-values to ``P_DECIMALS``; the cells keep their full values."""
    from vhcs_analysis.io.excel_tables import number_format

    def decimals(code) -> int | None:
        try:
            return indicator_registry.indicator(str(code)).decimals
        except indicator_registry.UnknownIndicatorError:
            return None

    codes_col = next((c for c in ("indicator", "measure") if c in frame.columns), None)
    codes = (frame[codes_col].tolist() if codes_col else [TABLE_INDICATOR.get(key)] * len(frame))
    shapes = [number_format(decimals(c)) if c is not None else "" for c in codes]
    out = {}
    for col in map(str, frame.columns):
        if col in LEVEL_COLUMNS and any(shapes):
            out[col] = shapes
        elif col.startswith("p_") or col in ("p_value", "did_p", "adj_p", "evidence"):
            out[col] = [number_format(P_DECIMALS)] * len(frame)
    return out


def categories_frame(frame, qd132_from_year: int):
    """A report table's ``category_current`` (the ranking's category as its file wrote it:
    "HTTNV", "HOÀN THÀNH TỐT NHIỆM VỤ" …) as the cleaning's category map names it
    (``ranking.classify_category``, ``maps/ranking_categories.csv``; the year picks the
    scheme), with the text as written kept beside it in ``category_current_written``; a text
    the map does not know stays as written. A new frame; a table without the column is
    returned as it is."""
    import pandas as pd

    from vhcs_analysis import ranking

    if "category_current" not in frame.columns:
        return frame

    def canonical(text, year) -> object:
        if text is None or pd.isna(text):
            return text
        try:
            return ranking.classify_category(text, None if pd.isna(year) else int(year), qd132_from_year)[2]
        except ranking.UnknownCategoryError:
            return text

    years = frame["year"] if "year" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    out = frame.copy()
    out["category_current"] = [canonical(t, y) for t, y in zip(frame["category_current"], years)]
    at = list(out.columns).index("category_current") + 1
    out.insert(at, "category_current_written", frame["category_current"])
    return out


def render_tables_workbook(paths: Paths, context: dict | None = None, settings: Settings | None = None) -> Path:
    """``bang-so-lieu.xlsx`` beside the PDF, for the office: a first sheet "Mục lục" listing
    every sheet with what it holds and its CSV's name, then every table the notebooks wrote
    (``tables/*.csv``, the machine contract, which keeps its codes) as a sheet named in
    Vietnamese (``labels.TABLE_SHEETS_VI``, in that order; a table without a name keeps its
    code, after them), with Vietnamese headers and codes in words (``labels.words_frame``),
    and, for a large bloc, the full per-unit lists the PDF summarised that no table holds
    (``context``'s ``lists``: the pilots' list, ``list_sheets``). Figures on an indicator's
    scale show its decimals and keep their full values (``table_formats``; the index and
    those sheets' descriptions say so, ``ROUNDING_NOTE_VI``); ranking categories show the
    category map's names beside the text as written (``categories_frame``, the year's
    scheme from ``settings``' ``[ranking]``; None: the package defaults)."""
    from vhcs_analysis.io.excel_tables import TableSheet, read_csv_folder, write_indexed_xlsx
    from vhcs_analysis.labels import (
        COLUMN_LABELS_VI, TABLE_COLUMN_LABELS_VI, TABLE_SHEETS_VI, TABLES_INDEX_SHEET_VI, table_sheet_vi,
        words_frame,
    )

    from vhcs_analysis.settings import package_defaults

    qd132_from_year = int((settings or package_defaults()).ranking.qd132_from_year)
    folder = paths.tables.name
    tables = {}
    for key, frame in read_csv_folder(paths.tables).items():
        formats = table_formats(key, frame)
        about = TABLE_SHEETS_VI.get(key, ("", ""))[1]
        if any(col in LEVEL_COLUMNS for col in formats):  # figures shown to the report's decimals
            about = f"{about}. {ROUNDING_NOTE_VI}" if about else ROUNDING_NOTE_VI
        tables[key] = TableSheet(table_sheet_vi(key), words_frame(categories_frame(frame, qd132_from_year)),
                                 {**COLUMN_LABELS_VI, **TABLE_COLUMN_LABELS_VI.get(key, {})},
                                 about, f"{folder}/{layout.table_file(key)}", formats)
    for key, frame in list_sheets(context).items():
        tables[key] = TableSheet(table_sheet_vi(key), frame, {}, TABLE_SHEETS_VI.get(key, ("", ""))[1])
    order = list(TABLE_SHEETS_VI)
    keys = sorted(tables, key=lambda k: (order.index(k) if k in order else len(order), k))
    return write_indexed_xlsx(paths.reports / TABLES_WORKBOOK_NAME, [tables[k] for k in keys],
                              index_name=TABLES_INDEX_SHEET_VI, index_headers=TABLES_INDEX_HEADERS,
                              top=TABLES_INDEX_TOP)


def list_sheets(context: dict | None) -> dict:
    """The workbook's extra sheets: each summarised list whose sheet is not a notebook table
    (``report.context.UNIT_LISTS``), its full rows with the PDF's column names, by its key
    in ``labels.TABLE_SHEETS_VI``."""
    import pandas as pd

    from vhcs_analysis.report.context import PILOT_UNITS_SHEET

    lists = (context or {}).get("lists") or {}
    entry = lists.get("pilot_units")
    if not entry:
        return {}
    columns = {"unit_id": "Mã đơn vị", "unit": "Đơn vị làm điểm", "block": "Khối",
               "levels": "Đơn vị: kỳ gốc → kỳ cuối (thay đổi)", "rest": "Các đơn vị khác cùng khối",
               "difference": "Chênh lệch", "reading": "So với cùng khối", "n_rest": "Số đơn vị còn lại"}
    frame = pd.DataFrame(entry["full"]).reindex(columns=list(columns)).rename(columns=columns)
    return {PILOT_UNITS_SHEET: frame}
