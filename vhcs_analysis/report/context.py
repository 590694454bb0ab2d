"""The report's content as data: notebook outputs + manifest → pre-formatted text.

Everything the Typst template prints is formatted here, with ``vhcs_analysis.fmt``, so
the PDF shows exactly the numbers the library computed, in Vietnamese style (1.234,5 ·
85,7% · 15/06/2017). The template only lays the strings out. Inputs are the files listed
in docs/report-inputs.md (written by the notebooks) and ``<processed>/manifest.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vhcs_analysis import __version__, fmt, indicator_registry, layout
from vhcs_analysis.config import SAMPLE_MARK, Paths
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.io.writers import read_csv
from vhcs_analysis.labels import FILE_STATUS_CELL_VI, KIND_SHORT_VI, KIND_VI, RECIPIENTS_VI, table_sheet_quoted
from vhcs_analysis.periods import Period, period_vi
from vhcs_analysis.report.readings import (
    ADOPTION_NOTE_VI,
    CAPTIONS_VI,
    COMMENDED_UNITS_VI,
    PILOT_CI_NOTE,
    UNBOUNDED_VI,
    UNDETECTABLE_VI,
    _int,
    _num,
    _rows,
    before_after,
    bias_sentence,
    ci_text,
    effect_rows,
    goal_rows,
    goals_adjusted_note,
    change_unit_and_direction,
    interval_text,
    level_text,
    nbsp,
    outcome_rows,
    short_unit,
    shown,
    span_of,
    undetectable_reason,
)
from vhcs_analysis.report.soket import goal_sentence, ranking_sentence
from vhcs_analysis.settings import Settings, review_naming

FIGURES = (
    "completeness", "rejects_by_reason", "rollout_bars", "study_rate_trend", "on_time_rate_trend",
    "trends", "did_forest", "event_study", "per_block", "inspection_criteria", "inspection_ratings",
    "ranking_transition",
)
TABLES = (
    "dq_files", "dq_skipped_files", "dq_rejects_by_reason", "completeness", "completeness_units",
    "rollout", "on_time_rate", "indicators_by_goal", "trends", "pilot_effects", "event_study", "per_block",
    "level_gap", "adoption", "index_sensitivity", "inspection_criteria", "inspection_ratings", "ranking_proposal",
    "ranking_transition", "good_practices", "commended",
)

# ----------------------------------------------------------------------------- reading


def read_key_numbers(tables_dir: Path) -> dict:
    """``tables/key_numbers.json``, the numbers the notebooks hand to the documents."""
    path = tables_dir / layout.KEY_NUMBERS_NAME
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise VhcsError(f"thiếu tệp {path.name} (các notebook chưa chạy hoặc chạy lỗi)") from None
    except (OSError, ValueError) as exc:
        raise VhcsError(f"không đọc được {path.name}: {exc}") from None


def read_tables(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table of the contract; a file that is absent reads as an empty frame."""
    out = {}
    for name in TABLES:
        path = tables_dir / layout.table_file(name)
        try:
            out[name] = read_csv(path, encoding="utf-8", keep_default_na=True) if path.is_file() else pd.DataFrame()
        except pd.errors.EmptyDataError:
            out[name] = pd.DataFrame()
        except (OSError, ValueError) as exc:
            raise VhcsError(f"không đọc được bảng {path.name}: {exc}") from None
    return out


# ----------------------------------------------------------------------------- helpers


def public_indices(settings: Settings, when: dt.date) -> dict:
    """The province's public indices (external facts with their source, ``[report]
    public_indices``), only the editions published on or before the report date ``when``;
    ``rows``: one per index (values by year, sources), ``note``: what was left out and where
    later figures come from."""
    rows: dict[str, dict] = {}
    later = []
    for edition in settings.report.public_indices:
        published = dt.date.fromisoformat(edition.published)
        if published > when:
            # a publication after the report date is not known at that date: no date is printed for it
            later.append(f"{edition.name.split(' (')[0]} {edition.year}")
            continue
        row = rows.setdefault(edition.name, {"name": edition.name, "editions": [], "sources": []})
        row["editions"].append(f"{edition.value} ({edition.year})")
        row["sources"].append(f"{edition.source} ({fmt.date(published)})")
    note = ("Bảng chỉ dẫn các kỳ đã được công bố tính đến ngày lập báo cáo. " + (
        "Số liệu " + ", ".join(later) + " chưa được công bố tại ngày lập báo cáo nên chưa dẫn; sẽ bổ sung khi "
        "được công bố chính thức (Bộ Nội vụ với PAR INDEX, SIPAS; VCCI với PCI)." if later else ""))
    return {"rows": [{"name": r["name"], "values": " → ".join(r["editions"]), "source": "; ".join(r["sources"])}
                     for r in rows.values()], "note": note.strip()}


def report_date(processed: Path, post: str, configured: str = "") -> dt.date:
    """Cover date: ``configured`` ([review] report_date), else the latest Form 01 report date
    in the data, else the last day of the ``post`` period. Never today (the PDF must be
    reproducible)."""
    configured = str(configured or "").strip()
    if configured:
        try:
            return dt.date.fromisoformat(configured)
        except ValueError:
            raise VhcsError(f"[review] report_date không hợp lệ: {configured!r} (cần dạng 2019-01-15)") from None
    path = processed / layout.parquet_name("unit_reports")
    if path.is_file():
        try:
            dates = pd.read_parquet(path, columns=["report_date"])["report_date"].dropna()
        except (OSError, ValueError, KeyError):
            dates = pd.Series([], dtype="datetime64[ms]")
        if len(dates):
            return pd.Timestamp(dates.max()).date()
    return Period.parse(post).end


# ----------------------------------------------------------------------------- sections


def _share(part, whole) -> str:
    part, whole = _num(part), _num(whole)
    return fmt.percent(100.0 * part / whole, 1) if part is not None and whole else fmt.MISSING


def data_quality(kn: dict, manifest: dict, tables: dict[str, pd.DataFrame]) -> dict:
    """The data-quality section: rows read, kept and rejected, files used and skipped, on-time reporting, in
    Vietnamese text."""
    dq = kn.get("data_quality") or {}
    totals = manifest.get("totals") or {}
    rows_read = totals.get("rows_read", dq.get("rows_read"))
    rows_rejected = totals.get("rows_rejected", dq.get("rows_rejected"))
    rows_kept = totals.get("rows_kept", dq.get("rows_kept"))
    files = manifest.get("files") or []
    n_skipped = sum(1 for f in files if f.get("status") != "used")
    headline = (
        f"Đã đọc {_int(len(files))} tệp ({_int(n_skipped)} tệp không dùng được), "
        f"{_int(rows_read)} dòng số liệu: giữ {_int(rows_kept)}, loại {_int(rows_rejected)} "
        f"({_share(rows_rejected, rows_read)}) vì sai hoặc trùng."
    )
    reports = (
        f"Báo cáo định kỳ (Biểu 01): {_int(dq.get('reports_expected'))} báo cáo phải nộp, "
        f"{_int(dq.get('reports_on_time'))} đúng hạn, {_int(dq.get('reports_late'))} nộp muộn, "
        + (f"{_int(dq.get('reports_undated'))} không ghi ngày, " if _num(dq.get("reports_undated")) else "")
        + f"{_int(dq.get('reports_missing'))} không nộp "
        f"({_share(dq.get('reports_missing'), dq.get('reports_expected'))})."
    )
    by_reason = [
        {"reason": _reason_vi(r), "rows": _int(r.get("n_rows")), "files": _int(r.get("n_files"))}
        for r in _rows(tables["dq_rejects_by_reason"])
    ]
    by_kind = [
        {"kind": KIND_VI.get(str(r.get("kind")), str(r.get("kind"))),
         "status": FILE_STATUS_CELL_VI.get(str(r.get("status")), str(r.get("status"))),
         "files": _int(r.get("n_files")), "read": _int(r.get("rows_read")), "kept": _int(r.get("rows_kept")),
         "rejected": _int(r.get("rows_rejected"))}
        for r in _rows(tables["dq_files"])
    ]
    skipped = [{"file": str(r.get("source_file")), "reason": str(r.get("reason"))}
               for r in _rows(tables["dq_skipped_files"])]
    completeness = [
        {"period": period_vi(r["period"], "short"), "expected": _int(r.get("n_expected")),
         "on_time": _int(r.get("n_on_time")), "late": _int(r.get("n_late")),
         "undated": _int(r.get("n_undated", 0)), "missing": _int(r.get("n_missing"))}
        for r in _rows(tables["completeness"])
    ]
    late_units = late_units_by_unit(tables["completeness_units"])
    return {
        "headline": headline, "reports": reports, "rows_read": _int(rows_read), "rows_kept": _int(rows_kept),
        "rows_rejected": _int(rows_rejected), "by_reason": by_reason, "by_kind": by_kind, "skipped": skipped,
        "completeness": completeness, "late_units": late_units,
    }


def _reason_vi(row: dict) -> str:
    """A reject reason in words: the table's label, else the label of its code (never the code)."""
    from vhcs_analysis.labels import REASON_LABELS_VI

    label = row.get("reason_vi")
    if isinstance(label, str) and label.strip():
        return label
    return REASON_LABELS_VI.get(str(row.get("reason_code")), "lý do khác")


def late_units_by_unit(table: pd.DataFrame) -> list[dict]:
    """One row per unit that reported late, undated or not at all, with the periods (and
    their numbers, ``n_late``, ``n_undated``, ``n_missing``: the summary's order)."""
    by_unit: dict[str, dict] = {}
    for r in _rows(table):
        key = str(r.get("unit_id"))
        entry = by_unit.setdefault(key, {"unit": str(r.get("unit_name")), "block": str(r.get("block")),
                                         "late": [], "undated": [], "missing": []})
        status = str(r.get("status"))
        if status in ("late", "undated", "missing"):
            entry[status].append(period_vi(str(r.get("period")), "short"))
    return [{**e, **{k: ", ".join(e[k]) for k in ("late", "undated", "missing")},
             **{f"n_{k}": len(e[k]) for k in ("late", "undated", "missing")}}
            for _, e in sorted(by_unit.items())]


# --------------------------------------------------------------- lists of a large bloc (issue 27)

WORKBOOK_NAME = layout.TABLES_WORKBOOK_NAME  # the full lists' workbook
ANNEX_NAME = layout.ANNEX_NAME  # the technical annex beside the PDF (also holds the full lists)
PILOT_UNITS_SHEET = "don_vi_diem"  # the pilots' list has no notebook table: the workbook gets this sheet


@dataclass(frozen=True)
class UnitList:
    """A per-unit list of the leaders' documents: where it sits in the context, what it
    counts, the rule its summary keeps the first rows by, the workbook sheet of the full
    list, and the technical annex's table of it (``title``; ``columns``: (row key, header,
    relative width), as the PDF's own table of the list prints them)."""

    path: tuple[str, str]
    noun: str
    order_vi: str
    sheet: str
    order: Callable[[dict], Any] | None = None
    title: str = ""
    columns: tuple[tuple[str, str, float], ...] = ()


UNIT_LISTS: dict[str, UnitList] = {
    "late_units": UnitList(("data_quality", "late_units"), "đơn vị nộp báo cáo muộn, không ghi ngày hoặc không nộp",
                           "số kỳ không nộp nhiều nhất, rồi số kỳ nộp muộn", "completeness_units",
                           lambda r: (-r.get("n_missing", 0), -r.get("n_late", 0) - r.get("n_undated", 0)),
                           "Đơn vị nộp muộn hoặc không nộp báo cáo",
                           (("unit", "Đơn vị", 2.4), ("block", "Khối", 1.5), ("late", "Nộp muộn", 1.5),
                            ("undated", "Không ghi ngày", 1.0), ("missing", "Không báo cáo", 1.5))),
    "pilot_units": UnitList(("leaders", "pilot_units"), "đơn vị làm điểm", "khối, rồi mã đơn vị", PILOT_UNITS_SHEET,
                            None, "Từng đơn vị làm điểm so với các đơn vị cùng khối",
                            (("unit", "Đơn vị làm điểm", 2.0), ("block", "Khối", 1.4),
                             ("levels", "Đơn vị: kỳ gốc → kỳ cuối (thay đổi)", 1.6),
                             ("rest", "Các đơn vị khác cùng khối", 1.6), ("reading", "So với cùng khối", 2.0))),
    "moves": UnitList(("ranking", "moves"), "đơn vị đề xuất đổi mức hoặc cần xem xét",
                      "đề xuất đổi mức trước, cần xem xét sau, rồi mã đơn vị", "ranking_proposal",
                      lambda r: r.get("status") != "đề xuất", "Đơn vị đề xuất đổi mức hoặc cần xem xét",
                      (("unit", "Đơn vị", 1.6), ("current", "Mức hiện tại", 0.6), ("proposed", "Mức theo quy tắc", 0.7),
                       ("score", "Điểm kiểm tra", 0.8), ("margin", "Cách ngưỡng (điểm)", 1.0),
                       ("status", "Tình trạng", 0.8), ("reason", "Lý do", 2.7))),
    "good_practices": UnitList(("ranking", "good_practices"), "cách làm hay (đơn vị × chỉ tiêu)",
                               "bằng chứng mạnh nhất (khả năng chỉ là dao động ngẫu nhiên thấp nhất)", "good_practices",
                               lambda r: r.get("evidence_value", 1.0), "Cách làm hay đề nghị nhân rộng",
                               (("unit", "Đơn vị", 1.7), ("block", "Khối", 1.2), ("pilot", "Điểm", 0.5),
                                ("indicator", "Chỉ tiêu", 1.6), ("reason", "Bằng chứng (kỳ gốc → kỳ cuối)", 4.0))),
}
ANNEX_LISTS_SECTION = "Danh sách đầy đủ theo đơn vị"  # the annex's section of the full lists


def summarise_lists(context: dict, n_units: int, threshold: int, top: int) -> dict[str, dict]:
    """Above ``threshold`` units, cut every per-unit list of ``context`` (``UNIT_LISTS``)
    longer than ``top`` to its first ``top`` rows by the list's rule, in place; returns, per
    list cut, its summary: ``total``, ``shown``, ``by_block`` (block, count) and ``note``,
    the sentence the PDF, the Word draft and the deck print above the shortened table (the
    counts by block and where the full list is: workbook, sheet). Nothing below the threshold."""
    if n_units <= threshold:
        return {}
    out = {}
    for key, spec in UNIT_LISTS.items():
        part = context.get(spec.path[0]) or {}
        rows = list(part.get(spec.path[1]) or [])
        if len(rows) <= top:
            continue
        ordered = sorted(rows, key=spec.order) if spec.order else rows  # stable: ties keep the list's order
        counts: dict[str, int] = {}
        for r in rows:
            counts[str(r.get("block") or fmt.MISSING)] = counts.get(str(r.get("block") or fmt.MISSING), 0) + 1
        by_block = [{"block": b, "n": _int(n)} for b, n in sorted(counts.items())]
        where = (f"tệp {WORKBOOK_NAME}, trang tính {table_sheet_quoted(spec.sheet)}; phụ lục kỹ thuật "
                 f"({ANNEX_NAME}), mục “{ANNEX_LISTS_SECTION}”")
        note = (f"Có {_int(len(rows))} {spec.noun} (theo khối: "
                + "; ".join(f"{b['block']} {b['n']}" for b in by_block)
                + f"). Bảng dưới đây chỉ nêu {_int(top)} dòng đầu theo {spec.order_vi}; danh sách đầy đủ: {where}.")
        part[spec.path[1]] = ordered[:top]
        out[key] = {"total": len(rows), "shown": top, "by_block": by_block, "note": note, "sheet": spec.sheet,
                    "where": where, "full": rows}
    return out


def annex_lists(lists: dict[str, dict]) -> list[dict]:
    """The technical annex's tables of the full lists (``summarise_lists``' result, in
    ``UNIT_LISTS`` order): per list its ``title``, a ``note`` (how many rows, in the
    list's own order, and the PDF table it completes), the ``header``, ``keys`` and
    relative ``widths`` of its columns and every row with only those keys (text)."""
    out = []
    for key, spec in UNIT_LISTS.items():
        entry = lists.get(key)
        if not entry or not spec.columns:
            continue
        keys = [k for k, _, _ in spec.columns]
        out.append({
            "title": spec.title, "header": [h for _, h, _ in spec.columns], "keys": keys,
            "widths": [w for _, _, w in spec.columns],
            "note": (f"{_int(entry['total'])} {spec.noun}; báo cáo chỉ nêu {_int(entry['shown'])} dòng đầu theo "
                     f"{spec.order_vi}. Cũng có trong tệp {WORKBOOK_NAME}, "
                     f"trang tính {table_sheet_quoted(spec.sheet)}."),
            "rows": [{k: str(r.get(k) if r.get(k) is not None else "") for k in keys} for r in entry["full"]],
        })
    return out


def _breakable(text: str) -> str:
    """A path or hash that may wrap in a narrow column: a zero-width space after each
    separator (the text copied from the PDF is the same path)."""
    for sep in ("/", "\\", "_", "-", "."):
        text = text.replace(sep, sep + "\u200b")
    return text


def provenance(manifest: dict, recorded: dict | None = None) -> dict:
    """The technical annex's content: every input file with its full SHA-256 and row
    counts, the versions and the settings file the data were cleaned with."""
    files = []
    for f in sorted(manifest.get("files") or [], key=lambda f: str(f.get("path"))):
        sha = str(f.get("sha256") or "")
        files.append({
            "path": _breakable(str(f.get("path"))),
            "kind": KIND_SHORT_VI.get(str(f.get("kind")), str(f.get("kind") or "")),
            "status": FILE_STATUS_CELL_VI.get(str(f.get("status")), str(f.get("status") or "")),
            "sha": " ".join(sha[i:i + 16] for i in range(0, len(sha), 16)) or fmt.MISSING,
            "read": _int(f.get("rows_read")), "kept": _int(f.get("rows_kept")),
            "rejected": _int(f.get("rows_rejected")),
        })
    totals = manifest.get("totals") or {}
    recorded = recorded or {}
    return {
        "files": files, "n_files": _int(len(files)),
        "package_version": str(manifest.get("package_version") or __version__),
        "report_version": __version__,
        "settings_source": str(recorded.get("source") or ""),
        "settings_sha": str(recorded.get("sha256") or ""),
        "totals": {k: _int(totals.get(k)) for k in ("rows_read", "rows_kept", "rows_rejected")},
    }


# the roll-out measures (tables/rollout.csv) and the indicator each one is
ROLLOUT_INDICATORS = {"study_rate": "study_rate", "action_programme_share": "action_programme",
                      "personal_plan_rate": "personal_plan_rate", "department_plan_rate": "department_plan_rate",
                      "office_layout_share": "office_layout"}


def rollout(kn: dict, tables: dict[str, pd.DataFrame], post: str, levels: dict | None = None,
            goals: list[dict] | None = None) -> dict:
    """The roll-out section: the pilots' and the others' level of each roll-out measure at
    ``post`` on the summary's basis (``levels``: ``report.levels.group_levels`` per
    indicator; "–" without one), the whole bloc's shares from the goal rows (``goals``,
    the one whole-bloc basis), the dossier counts per period and the leadership plans."""
    levels = levels or {}
    whole = {g["indicator"]: g["post"] for g in goals or []}
    at_post = []
    table = tables["rollout"]
    if not table.empty:
        for measure in dict.fromkeys(table["measure"].astype(str)):
            code = ROLLOUT_INDICATORS.get(measure, measure)
            lv = levels.get(code)
            label = str(table.loc[table["measure"].astype(str) == measure, "measure_vi"].iloc[0])
            at_post.append({"measure": label, "indicator": code,
                            "pilot": level_text(code, None if lv is None else shown(lv.pilot_post)),
                            "rest": level_text(code, None if lv is None else shown(lv.rest_post)),
                            "all": whole.get(code, fmt.MISSING)})
    # dossier counts per period; the on-time rate itself is printed once, on the goal rows'
    # basis (a pooled share over dossiers would be a second figure for the same indicator)
    on_time = [{"period": period_vi(str(r["period"]), "short"), "on_time": _int(r.get("dossiers_on_time")),
                "late": _int(r.get("dossiers_late")), "units": _int(r.get("n_units"))}
               for r in _rows(tables["on_time_rate"]) if str(r.get("group")) == "all"]
    plans = leadership_plans(table, post)
    for measure in ("personal_plan_rate", "department_plan_rate"):
        if measure in whole:
            plans[measure] = whole[measure]
    return {
        **plans,
        "study_rate": whole.get("study_rate", fmt.MISSING),
        "action_programme_share": whole.get("action_programme", fmt.MISSING),
        "office_layout_share": whole.get("office_layout", fmt.MISSING),
        "on_time_baseline": next((g["baseline"] for g in goals or [] if g["indicator"] == "on_time_rate"), fmt.MISSING),
        "on_time_post": whole.get("on_time_rate", fmt.MISSING),
        "at_post": at_post, "on_time": on_time,
    }


def leadership_plans(table: pd.DataFrame, post: str) -> dict:
    """The leadership and dissemination figures of task group 1 at ``post`` for the whole
    bloc, from tables/rollout.csv: ``personal_plan_rate`` (mean share of staff with a
    personal plan or commitment), ``department_plan_rate`` (mean share of departments with
    a plan), formatted ("85,7%"; "–" when no 2018-form report carries them), each with
    ``*_units`` (the number of units it rests on)."""
    out = {}
    for measure in ("personal_plan_rate", "department_plan_rate"):
        rows = table[(table["period"].astype(str) == str(post)) & (table["measure"] == measure)
                     & (table["group"] == "all")] if not table.empty else table
        row = rows.iloc[0] if len(rows) else {}
        out[measure] = fmt.percent(_num(row.get("value")), 1)
        out[f"{measure}_units"] = _int(row.get("n_units"))
    return out


def leadership_sentences(ro: dict, post_vi: str) -> list[str]:
    """The dissemination below the unit level in words (personal and department plans at
    ``post``), one sentence each; none when no report carried the field."""
    out = []
    if ro.get("personal_plan_rate") not in (None, fmt.MISSING):
        out.append(f"{ro['personal_plan_rate']} cán bộ, công chức, viên chức, người lao động đã xây dựng kế hoạch, cam "
                   f"kết cá nhân thực hiện văn hóa công sở ({post_vi}, bình quân {ro['personal_plan_rate_units']} đơn "
                   "vị "
                   "có báo cáo theo mẫu 2018).")
    if ro.get("department_plan_rate") not in (None, fmt.MISSING):
        out.append(f"{ro['department_plan_rate']} phòng, ban, đơn vị trực thuộc đã xây dựng kế hoạch cụ thể "
                   f"({post_vi}, "
                   f"bình quân {ro['department_plan_rate_units']} đơn vị có báo cáo theo mẫu 2018).")
    return out


def commended_sentence(com: dict, where: str = "ở Mục V") -> str:
    """The bloc's commendations for good practices in one sentence ("" without data), with
    how many of the bloc's units reported the counts ("64 trong 66 đơn vị có báo cáo ghi số liệu này")
    when the bloc's size is known and not every unit did; ``where``: where the table by block
    is, from where the sentence stands ("ở Mục V" in the summary, "ở bảng dưới" above it)."""
    total = com.get("total") or {}
    if not total or total.get("collectives") in (None, fmt.MISSING):
        return ""
    reported, all_units = str(total.get("units") or ""), str(com.get("n_units_all") or "")
    whose = (f"{reported} trong {all_units} đơn vị có báo cáo ghi số liệu này; "
             if all_units not in ("", fmt.MISSING) and reported not in ("", fmt.MISSING, all_units) else "")
    return (f"Các đơn vị đã biểu dương, khen thưởng {total['collectives']} lượt tập thể và {total['individuals']} lượt "
            f"cá nhân có cách làm hay, sáng tạo, hiệu quả (cộng các kỳ báo cáo theo mẫu 2018; {whose}chi tiết theo "
            f"khối {where}); đây là căn cứ để Ban Thường vụ xem xét đề xuất khen thưởng.")


def commended(table: pd.DataFrame, n_units_all: object = None) -> dict:
    """tables/commended.csv formatted for the proposals: ``rows`` (one per block, the bloc
    last: block, collectives, individuals, units (the units that reported either count, not
    every unit of the block), per_100), ``total`` (the bloc's row; empty when the table is),
    ``n_units_all`` (every unit of the bloc, ``n_units_all``), ``sentence`` (the bloc's
    counts in words, with how many units reported them, pointing to Mục V) and
    ``sentence_here`` (the same, printed above the table, pointing to it)."""
    rows = [{"block": str(r.get("block")), "collectives": fmt.number(_num(r.get("commended_collectives"))),
             "individuals": fmt.number(_num(r.get("commended_individuals"))), "units": _int(r.get("n_units")),
             "per_100": fmt.number(_num(r.get("commended_per_100")), 1)} for r in _rows(table)]
    out = {"rows": rows, "total": rows[-1] if rows else {}, "n_units_all": _int(n_units_all),
           "units_header": COMMENDED_UNITS_VI}
    return {**out, "sentence": commended_sentence(out), "sentence_here": commended_sentence(out, "ở bảng dưới")}


def criterion_number(code: object) -> str:
    """A Form 02 criterion as a reader numbers it: "c01" → "1" (the tenth is "10"); any
    other code as it is. The tables print the number, never the program's code."""
    text = str(code)
    return str(int(text[1:])) if text[:1] == "c" and text[1:].isdigit() else text


def inspections(kn: dict, tables: dict[str, pd.DataFrame]) -> dict:
    """The inspections section: rounds and scores, and the per-criterion means by group."""
    ins = kn.get("inspections") or {}
    crit = tables["inspection_criteria"]
    rows = []
    if not crit.empty:
        for criterion, part in crit.groupby("criterion", sort=True):
            by = {str(r["group"]): r for r in _rows(part)}
            rows.append({
                "criterion": str(criterion), "number": criterion_number(criterion),
                "label": str(part["criterion_vi"].iloc[0]),
                **{g: fmt.number(_num(by[g]["mean_score"]), 2) if g in by else fmt.MISSING for g in ("pilot", "rest")},
                # the whole bloc: the mean over every inspection (how the weakest is chosen)
                "all": fmt.number(_weighted_mean(by.values()), 2),
                "n": _int(sum(_num(r.get("n_inspections")) or 0 for r in by.values())),
            })
    ratings: dict[str, dict[str, str]] = {}
    order = ["Tốt", "Khá", "Trung bình", "Yếu"]
    for r in _rows(tables["inspection_ratings"]):
        ratings.setdefault(str(r["round_id"]), {})[str(r["rating"])] = _int(r.get("n_units"))
    rating_rows = [{"round": fmt.inspection_round(rid), "cells": [vals.get(k, "0") for k in order]}
                   for rid, vals in sorted(ratings.items())]
    weakest = str(ins.get("weakest_criterion") or "")
    row = next((r for r in rows if r["criterion"] == weakest), None)
    # the weakest criterion is quoted with the values of its row in the criteria table
    # (pilots, the rest), never with a third figure that no table shows
    weakest_scores = (f"bình quân chung {row['all']}/10; đơn vị điểm {row['pilot']}/10, các đơn vị còn lại "
                      f"{row['rest']}/10" if row else fmt.MISSING)
    return {
        "n_rounds": _int(ins.get("n_rounds")), "n_inspections": _int(ins.get("n_inspections")),
        "mean_total": fmt.number(_num(ins.get("mean_total_score")), 1),
        "weakest": str(ins.get("weakest_criterion_vi") or ins.get("weakest_criterion") or fmt.MISSING),
        "weakest_scores": weakest_scores,
        "criteria": rows, "rating_order": order, "ratings": rating_rows,
    }


def _weighted_mean(rows) -> float | None:
    """The mean score over every inspection, from the groups' means and counts."""
    pairs = [(_num(r.get("mean_score")), _num(r.get("n_inspections")) or 0) for r in rows]
    total = sum(n for m, n in pairs if m is not None)
    return sum(m * n for m, n in pairs if m is not None) / total if total else None


def ranking(kn: dict, tables: dict[str, pd.DataFrame], settings: Settings) -> dict:
    """The ranking section: the current → proposed level matrix, good practices and the proposal's rules in words."""
    rk = kn.get("ranking") or {}
    names = {}
    try:
        from vhcs_analysis.ranking import category_name

        names = {lvl: category_name("qd132", lvl) for lvl in (1, 2, 3, 4)}
    except Exception:  # noqa: BLE001 - names are a nicety; levels still print
        names = {}
    transition = {}
    for r in _rows(tables["ranking_transition"]):
        a, b = _num(r.get("level_current")), _num(r.get("level_proposed"))
        if a is not None and b is not None:
            transition[(int(a), int(b))] = _int(r.get("n_units"))
    levels = sorted({k for pair in transition for k in pair}) or [1, 2, 3, 4]
    matrix = [{"level": f"{lvl}. {names.get(lvl, '')}".strip().rstrip("."),
               "cells": [transition.get((lvl, b), "0") for b in levels]} for lvl in levels]
    good = []
    for r in _rows(tables["good_practices"]):
        good.append({
            "unit": str(r.get("unit_name")), "block": str(r.get("block")),
            "pilot": "điểm" if str(r.get("is_pilot")).lower() in ("true", "1") else "",
            "indicator": str(r.get("indicator_vi")),
            "reason": (chance_words(str(r.get("reason_vi") or ""), _num(r.get("evidence")))
                       if pd.notna(r.get("reason_vi")) else ""),
            "q": fmt.number(_num(r.get("evidence")), 3),
            "evidence_value": _num(r.get("evidence")) if _num(r.get("evidence")) is not None else 1.0,
        })
    status_vi = {"proposed": "đề xuất", "review": "cần xem xét", "unchanged": "giữ nguyên"}
    moves = []
    for r in _rows(tables["ranking_proposal"]):
        if str(r.get("status")) not in ("proposed", "review"):
            continue
        moves.append({
            "unit": str(r.get("unit_name")), "block": str(r.get("block") or fmt.MISSING),
            "current": _int(r.get("level_current")),
            "proposed": _int(r.get("level_proposed")), "score": fmt.number(_num(r.get("culture_score")), 1),
            "margin": fmt.number(_num(r.get("margin")), 1), "status": status_vi[str(r.get("status"))],
            "reason": str(r.get("reason_vi") or ""),
        })
    review_note = review_moves_note(tables["ranking_proposal"], names)
    review_steps = review_moves_note(tables["ranking_proposal"], short=True)
    rules = rk.get("rules") or {}
    rules_text = (
        "Điểm văn hóa công sở là điểm kiểm tra, giám sát bình quân trong năm (chỉ số từ báo cáo của đơn vị chỉ để "
        "tham khảo). "
        + grading_rule_sentence(settings, names)
        + near_threshold_sentence(rules, tables["ranking_proposal"])
        + (f"Giới hạn {fmt.percent(100 * (_num(rules.get('excellent_share_cap')) or 0), 0)} tổ chức xếp mức cao nhất "
           f"tính trên {rules.get('excellent_cap_base_vi')} ({_int(rules.get('excellent_cap_base_count'))} tổ chức: "
           f"tối đa {_int(rules.get('excellent_cap_limit'))})." if rules.get("excellent_cap_applies") else "")
    )
    out = {
        "year": str(rk.get("year") or fmt.MISSING), "n_units": _int(rk.get("n_units")),
        "n_up": _int(rk.get("n_up")), "n_down": _int(rk.get("n_down")), "n_same": _int(rk.get("n_same")),
        "n_review": _int(rk.get("n_review", 0)), "review_note": review_note, "rules": rules_text, "moves": moves,
        # the units near a threshold the rule would move, apart from the sure moves (the slide's title)
        "review_steps": review_steps,
        # the multiplier the band really used (t on the noise SD's degrees of freedom), as Mục V says
        "band_z": fmt.number(_num(rules.get("noise_band_multiplier")) or float(settings.ranking.noise_band_z), 2),
        "q_max": fmt.number(float(settings.good_practices.q_max), 2),
        "n_good": _int(rk.get("n_good_practice_candidates")),
        "levels": [str(lvl) for lvl in levels], "matrix": matrix, "good_practices": good,
    }
    # the proposal in one clause, as the summary, Mục V, the Word draft and the slides say it
    out["sentence"] = ranking_sentence(out)
    return out


_FALSE_LEAD = re.compile(r"tỷ lệ gợi ý nhầm dự kiến [0-9.,]+")


def chance_words(reason: str, q: float | None) -> str:
    """A good practice's evidence line (``good_practices.evidence_line``) with its expected
    share of false leads said in words: "khả năng đây chỉ là dao động ngẫu nhiên (đã tính
    việc xét cùng lúc nhiều đơn vị, nhiều chỉ tiêu): dưới 0,1%" instead of "tỷ lệ gợi ý nhầm
    dự kiến 0,000"."""
    if q is None:
        return reason
    share = "dưới 0,1%" if q < 0.001 else f"khoảng {fmt.percent(100 * q, 1)}"
    return _FALSE_LEAD.sub(f"khả năng đây chỉ là dao động ngẫu nhiên (đã tính việc xét cùng lúc nhiều đơn vị, "
                           f"nhiều chỉ tiêu): {share}", reason)


def grading_rule_sentence(settings: Settings, names: dict[int, str]) -> str:
    """The grading rule in words (``[ranking] oc_thresholds`` and ``best_level_by_oc``): the
    score bands of Form 02 ("từ 85 điểm trở lên: Tốt; …") and the best level each result
    allows ("kết quả Trung bình: không xếp cao hơn mức 2 (Hoàn thành tốt nhiệm vụ)"); a result
    that allows level 1 limits nothing and is not named."""
    bands = sorted(((str(k), float(v)) for k, v in settings.ranking.oc_thresholds.items()), key=lambda kv: -kv[1])
    parts = []
    for i, (label, floor) in enumerate(bands):
        above = bands[i - 1][1] if i else None
        if floor <= 0:
            parts.append(f"dưới {fmt.number(above, 0)} điểm: {label}" if above is not None else f"mọi điểm: {label}")
        elif above is None:
            parts.append(f"từ {fmt.number(floor, 0)} điểm trở lên: {label}")
        else:
            parts.append(f"từ {fmt.number(floor, 0)} đến dưới {fmt.number(above, 0)} điểm: {label}")
    best_by_oc = settings.ranking.best_level_by_oc
    limits = [f"{label} không được xếp cao hơn mức {best}" + (f" ({names[best]})" if names.get(best) else "")
              for label, best in ((lbl, int(best_by_oc[lbl])) for lbl, _ in bands if lbl in best_by_oc)
              if best > 1]
    text = f"Thang điểm của Biểu 02: {'; '.join(parts)}. "
    if limits:
        text += (f"Khi xếp loại, đơn vị có kết quả {'; kết quả '.join(limits)}; đơn vị đang ở mức thấp hơn thì giữ "
                 "nguyên mức (quy tắc không nâng mức đơn vị nào). ")
    return text


def near_threshold_sentence(rules: dict, proposal: pd.DataFrame) -> str:
    """What "sát ngưỡng" means, in score points: how far one inspection strays from its unit's
    level of the year, and how far the year's score may stray for each number of inspections
    a unit had that year (the band the proposal used: ``noise_band_multiplier`` × the SD ÷
    √inspections, the "±5,6 điểm" of the reasons in the moves table); a unit closer than
    that to a threshold that would change its level is "cần xem xét"."""
    noise = _num(rules.get("inspection_noise_sd"))
    multiplier = _num(rules.get("noise_band_multiplier", rules.get("noise_band_z")))
    if noise is None:
        return "Không ước được độ dao động của điểm kiểm tra, nên mọi thay đổi sát ngưỡng đều cần xem xét. "
    if rules.get("noise_too_uncertain") or multiplier is None:
        return ("Độ dao động của điểm kiểm tra được ước từ quá ít lượt kiểm tra lặp lại, nên mọi đơn vị có điểm sát "
                "một ngưỡng làm đổi mức đều được ghi \u201ccần xem xét\u201d, không tự động đổi mức. ")
    scored = proposal[pd.to_numeric(proposal.get("culture_score"), errors="coerce").notna()] \
        if "culture_score" in proposal else proposal.iloc[0:0]
    counts = sorted({int(n) for n in pd.to_numeric(scored.get("n_inspections"), errors="coerce").dropna() if n > 0}) \
        if "n_inspections" in scored else []
    counts = counts or [1]
    bands = [f"±{fmt.number(multiplier * noise / math.sqrt(n), 1)} điểm với {n} lượt kiểm tra trong năm"
             for n in counts]
    # one statement: the spread of one inspection (a standard deviation) and, from it, the
    # range the year's score may stray (the band the proposal used), never two figures for one thing
    return (f"Điểm của một lượt kiểm tra thường lệch khỏi mức thật của đơn vị khoảng {fmt.number(noise, 1)} điểm "
            "(độ lệch chuẩn); từ đó, khoảng dao động của điểm cả năm (rộng hơn, vì tính cho 95% trường hợp, và hẹp "
            f"lại khi đơn vị được kiểm tra nhiều lượt) là {'; '.join(bands)}. Đơn vị có điểm cách một ngưỡng làm đổi "
            "mức ít hơn khoảng dao động đó (sát ngưỡng) được ghi \u201ccần xem xét\u201d, không tự động đổi mức. ")


def review_moves_note(proposal: pd.DataFrame, names: dict[int, str] | None = None, *, short: bool = False) -> str:
    """Where the units "to review" would go under the rule (level 1 is the best, so a higher
    number is a move down), each level with its name when ``names`` has it, e.g. ", trong đó
    2 đơn vị đang ở mức 1 (Hoàn thành xuất sắc nhiệm vụ) theo quy tắc sẽ xuống mức 2 (Hoàn
    thành tốt nhiệm vụ); các đơn vị này chưa đổi mức, chờ Ban Thường vụ quyết định"; "" when
    none would move. The counts of units moved up and down cover only the proposals, so
    without this a unit shown 1 → 2 in the table and chart would read as "0 đơn vị hạ mức".
    ``short``: the moves alone, "2 đơn vị từ mức 1 xuống mức 2" (a slide's title)."""
    names = names or {}

    def level(n: int) -> str:
        return f"mức {n} ({names[n]})" if names.get(n) else f"mức {n}"

    down: dict[tuple[int, int], int] = {}
    up: dict[tuple[int, int], int] = {}
    for r in _rows(proposal):
        a, b = _num(r.get("level_current")), _num(r.get("level_proposed"))
        if str(r.get("status")) != "review" or a is None or b is None or a == b:
            continue
        side = down if b > a else up
        side[(int(a), int(b))] = side.get((int(a), int(b)), 0) + 1
    if short:
        return "; ".join(f"{n} đơn vị từ mức {a} {word} mức {b}"
                         for side, word in ((down, "xuống"), (up, "lên")) for (a, b), n in sorted(side.items()))
    steps = [f"{n} đơn vị đang ở {level(a)} theo quy tắc sẽ {word} {level(b)}"
             for side, word in ((down, "xuống"), (up, "lên")) for (a, b), n in sorted(side.items())]
    if not steps:
        return ""
    return ", trong đó " + "; ".join(steps) + "; các đơn vị này chưa đổi mức, chờ Ban Thường vụ quyết định"


def adoption_rows(table: pd.DataFrame, levels: dict | None = None) -> list[dict]:
    """tables/adoption.csv formatted: share done per group at baseline and post, on the
    summary's basis (``levels``: ``report.levels.group_levels`` per indicator, "–" without
    one), with when the others reached 90% and how many had not done it at post."""
    levels = levels or {}

    def group(code: str, base: str, post: str) -> str:
        lv = levels.get(code)
        return (before_after(code, getattr(lv, base), getattr(lv, post))["levels"] if lv is not None
                else f"{fmt.MISSING} → {fmt.MISSING}")

    return [{"label": str(r.get("indicator_vi")),
             "pilot": group(str(r.get("indicator")), "pilot_base", "pilot_post"),
             "rest": group(str(r.get("indicator")), "rest_base", "rest_post"),
             "reached": str(r.get("rest_reached_90") or ""),
             "missing": _int(r.get("n_missing_post"))}
            for r in _rows(table)]


FULL_INDEX_VI = "(đủ thành phần, như phần tóm tắt)"


def sensitivity_rows(table: pd.DataFrame, full_did: str | None = None) -> list[dict]:
    """tables/index_sensitivity.csv formatted: the composite with one component left out.

    ``full_did``: the leaders' summary's "chênh lệch thay đổi" of the composite (the difference
    of its printed changes, ``readings.outcome_rows``). The first row (nothing left out) is
    that same statistic, and so is any row whose estimate and interval equal it (a component
    the composite does not use, whose leaving out changes nothing): they print it, never the
    estimate rounded on its own, which can differ by a rounding step (-1,3 beside -1,4)."""
    rows = _rows(table)
    keys = ("did_estimate", "did_ci_low", "did_ci_high")
    full = next((r for r in rows if not str(r.get("left_out") or "").strip() or str(r.get("left_out")) == "nan"), None)

    def same_as_full(r: dict) -> bool:
        return full is not None and all(_num(r.get(k)) == _num(full.get(k)) for k in keys)

    def cell(r: dict, method: str) -> str:
        ci = interval_text(r.get(f"{method}_ci_low"), r.get(f"{method}_ci_high"), span=span_of("oc_index"))
        estimate = (full_did if method == "did" and full_did not in (None, fmt.MISSING) and same_as_full(r)
                    else fmt.signed(_num(r.get(f"{method}_estimate")), 1))
        return ci if ci == UNBOUNDED_VI else f"{estimate} ({ci})"

    return [{"left_out": FULL_INDEX_VI if r is full else str(r.get("left_out_vi")), "did": cell(r, "did"),
             "adj": cell(r, "adj")} for r in rows]


NOT_COMPARABLE_VI = "không so sánh được"


def _same_levels(lv, row: dict) -> bool:
    """Whether level_gap.csv's group levels (``row``) are the baseline levels ``lv``
    (``report.levels.group_levels``), i.e. the gap's estimate is on the printed levels' basis."""
    pairs = ((lv.pilot_base, _num(row.get("pilot_mean"))), (lv.rest_base, _num(row.get("rest_mean"))))
    return all(b is not None and math.isfinite(a) and abs(a - b) < 0.01 for a, b in pairs)


def comparisons(tables: dict[str, pd.DataFrame], main_indicator: str, family: list[str],
                levels: dict | None = None) -> dict:
    """tables/level_gap.csv (the family's outcomes; the one-time steps have their own
    table) and the rows of tables/per_block.csv of ``main_indicator`` (the headline
    indicator, ``[report] main_indicator``), formatted. The baseline levels are the leaders'
    summary's (``levels``: ``report.levels.group_levels`` per indicator) where it has them,
    so one group and period has one value; ``gap`` is the difference of the two printed
    levels. ``gap_est`` is the estimate ``ci`` and ``p`` belong to (the CSV's ``gap``: the
    pilots against the rest of their blocks on the units with both periods, the same basis
    as ``levels``), printed beside them in the appendix: ``gap`` itself when the CSV's
    group levels are those levels (the estimate rounded on its own can differ from the
    difference of the printed levels by a rounding step); the interval is blank where the
    data cannot bound it."""
    gaps = []
    for r in _rows(tables["level_gap"]):
        code = str(r.get("indicator"))
        if code not in family:
            continue
        lv = (levels or {}).get(code)
        pilot, rest = (shown(lv.pilot_base), shown(lv.rest_base)) if lv is not None else (
            shown(r.get("pilot_mean")), shown(r.get("rest_mean")))
        ci = ci_text(r.get("ci_low"), r.get("ci_high"), span=span_of(code))
        if str(r.get("comparable", True)).lower() in ("false", "0"):  # nothing varies, or perfect separation
            ci = f"{NOT_COMPARABLE_VI}: {r.get('reason_vi')}" if r.get("reason_vi") else NOT_COMPARABLE_VI
        gaps.append({"label": str(r.get("indicator_vi")), "pilot": level_text(code, pilot),
                     "rest": level_text(code, rest),
                     "gap": fmt.signed(None if pilot is None or rest is None else shown(pilot - rest), 1),
                     # the estimate the interval and p belong to (review.level_gap: pilots vs the
                     # rest of their blocks on the units with both periods), for the appendix,
                     # where it stands beside them: one number with the table above
                     "gap_est": (fmt.signed(None if pilot is None or rest is None else shown(pilot - rest), 1)
                                 if lv is not None and _same_levels(lv, r)
                                 else fmt.signed(shown(r.get("gap")), 1)), "ci": ci,
                     "p": fmt.MISSING if ci == UNBOUNDED_VI or ci.startswith(NOT_COMPARABLE_VI)
                     else nbsp(fmt.p_value(_num(r.get("p_value"))))})
    blocks = []
    for r in _rows(tables["per_block"]):
        if str(r.get("indicator")) != main_indicator:
            continue
        pc, rc = shown(r.get("pilot_change")), shown(r.get("rest_change"))
        blocks.append({"indicator": str(r.get("indicator")), "block": str(r.get("block")),
                       "pilot": fmt.signed(pc, 1), "rest": fmt.signed(rc, 1),
                       "diff": fmt.signed(None if pc is None or rc is None else shown(pc - rc), 1),
                       "n": _int(r.get("n_rest"))})
    return {"level_gap": gaps, "per_block": blocks, "per_block_label": indicator_registry.label_vi(main_indicator)}


def index_weights(settings: Settings) -> list[dict]:
    """Weights of the composite office-culture index, as configured (``[indicators] index_weights``)."""
    weights = settings.indicators.index_weights
    total = sum(float(v) for v in weights.values()) or 1.0

    return [{"indicator": indicator_registry.label_vi(str(k)), "weight": fmt.percent(100.0 * float(v) / total, 0)}
            for k, v in weights.items()]


# how the blocks are weighted in a group's level (``[compare] block_weights``), in words
BLOCK_WEIGHTS_VI = {"equal": "mỗi khối tính như nhau", "units": "mỗi khối theo số đơn vị của khối",
                    "precision": "mỗi khối theo độ chính xác của so sánh trong khối"}
NO_NAME_VI = "chưa có tên trong danh mục"


def unit_label(unit_id, name) -> str:
    """A unit as a reader sees it: its registry name, or its id and that the name is missing."""
    if isinstance(name, str) and name.strip() and name.strip() != str(unit_id):
        return name.strip()
    return f"{unit_id} ({NO_NAME_VI})"




def change_gap_words(mine: float, rest: float, diff: float, unit: str) -> str:
    """How a pilot's change compares with its block's others' (``diff`` = ``mine`` − ``rest``,
    in ``unit``), with direction words that fit the sign of both changes: "tăng nhiều hơn / ít
    hơn …", "giảm nhiều hơn / ít hơn …", or "tăng trong khi các đơn vị khác cùng khối giảm …"
    when they go opposite ways. It compares the changes, never the levels ("thấp hơn khối"
    would misread for a unit whose level is above the others')."""
    others = "các đơn vị khác cùng khối"
    gap = f"{fmt.number(abs(diff), 1)} {unit}".strip()

    def sign(x: float) -> int:
        return (x > 0) - (x < 0)

    verb = {1: "tăng", -1: "giảm", 0: "không đổi"}
    if sign(mine) == sign(rest) != 0:
        more = abs(mine) > abs(rest)
        return f"{verb[sign(mine)]} {'nhiều' if more else 'ít'} hơn {others} {gap}"
    return f"{verb[sign(mine)]} trong khi {others} {verb[sign(rest)]} (chênh lệch {gap})"


def pilot_unit_rows(entries: list[dict], code: str) -> list[dict]:
    """``report.levels.pilot_units`` formatted: each pilot, its block, its levels and its
    block's others' levels before → after, and how much more (or less) it changed, said as
    a description of its change ("tăng nhiều hơn các đơn vị khác cùng khối 5,7 điểm"), never with a grade word: one
    pilot per block is noisy, the grades are the comparison over all blocks. ``behind``: it changed
    less than its block in the indicator's better direction."""
    out = []
    for e in entries:
        mine = before_after(code, e["base"], e["post"])
        rest = before_after(code, e["rest_base"], e["rest_post"])
        has = mine["change_value"] is not None and rest["change_value"] is not None
        diff = shown(mine["change_value"] - rest["change_value"]) if has else None
        unit = short_unit(change_unit_and_direction(code)[0])
        if diff is None:
            reading = "không đủ số liệu ở hai kỳ"
        elif diff == 0:
            reading = "như khối"
        else:
            reading = change_gap_words(shown(mine["change_value"]) or 0.0, shown(rest["change_value"]) or 0.0,
                                       diff, unit)
        out.append({"unit": unit_label(e["unit_id"], e["unit_name"]), "unit_id": str(e["unit_id"]),
                    "block": str(e["block"]) if isinstance(e["block"], str) else fmt.MISSING,
                    "levels": (f"{mine['levels']} ({mine['change']})" if mine["change_value"] is not None
                               else fmt.MISSING),
                    "rest": f"{rest['levels']} ({rest['change']})" if rest["change_value"] is not None else fmt.MISSING,
                    "change": mine["change"] if mine["change_value"] is not None else fmt.MISSING,
                    "rest_change": rest["change"] if rest["change_value"] is not None else fmt.MISSING,
                    "difference": fmt.signed(diff, 1), "reading": reading, "n_rest": _int(e["n_rest"]),
                    # changed less than its block in the indicator's better direction (the draft's hạn chế)
                    "behind": (diff is not None and diff != 0
                               and (diff > 0) != indicator_registry.higher_is_better(code))})
    return out


def _names(rows: list[dict]) -> str:
    from vhcs_analysis.verdicts import _lower_first

    return "; ".join(_lower_first(r["label"]) for r in rows)


GRADE_MEANING_VI = {
    "not_comparable": "chỉ tiêu này không so sánh mức thay đổi được, lý do luôn ghi kèm (ví dụ: việc làm một lần, "
                      "mọi đơn vị như nhau)",
}
"""The definitions box's wording of a grade where the verdicts' own meaning repeats its label."""


def pilots_answer(rows: list[dict], main_code: str, n_pilot: str) -> str:
    """Question 1 in one or two sentences, from the leaders' rows (``outcome_rows``)."""
    out = [r for r in rows if r["in_family"]]
    better = [r for r in out if r["code"] == "better"]
    worse = [r for r in out if r["code"] == "worse"]
    none = [r for r in out if r["code"] == "no_evidence"]
    skip = [r for r in rows if r["code"] in ("not_comparable", "no_data")]
    n = len(better) + len(worse) + len(none)
    parts = []
    if better:
        parts.append(f"Ở {len(better)} trong {n} chỉ tiêu kết quả, đơn vị điểm chuyển biến rõ hơn các đơn vị "
                     "cùng khối: "
                     + "; ".join(f"{r['label'][:1].lower() + r['label'][1:]} (thay đổi nhiều hơn {r['difference']})"
                                 for r in better) + ".")
    if worse:
        parts.append(f"Ở {len(worse)} chỉ tiêu, đơn vị điểm chuyển biến chậm hơn rõ rệt: {_names(worse)}.")
    if none and not (better or worse):
        # what the data show for the group, in plain words, before any grade: how many
        # indicators the pilots moved further in the better direction, how many of those
        # differences stand out taken one at a time (the figure's intervals clear of 0), and
        # why none is graded "rõ" once all of them are judged together
        ahead = [r for r in none if r.get("ahead")]
        clear = [r for r in none if r.get("clear_alone")]
        lead = (f"Đơn vị điểm tiến bộ nhiều hơn các đơn vị cùng khối ở {len(ahead)} trong {n} chỉ tiêu kết quả "
                "(cột \u201cChênh lệch thay đổi\u201d)" if ahead
                else f"Ở cả {n} chỉ tiêu kết quả, đơn vị điểm không tiến bộ nhiều hơn các đơn vị cùng khối")
        if clear:
            lead += (f"; xét riêng từng chỉ tiêu, {len(clear)} chênh lệch lớn hơn mức có thể do ngẫu nhiên "
                     "(hình \u201cHai cách so sánh\u201d theo chỉ tiêu)")
        parts.append(f"{lead}. Nhưng khi xét cùng lúc cả {n} chỉ tiêu, từng chênh lệch vẫn có thể chỉ là ngẫu nhiên, "
                     f"nên chưa chỉ tiêu nào được xếp \u201crõ\u201d: cả {n} chỉ tiêu là \u201cChưa thấy khác biệt "
                     "rõ\u201d.")
    elif none:
        parts.append(f"Chưa thấy khác biệt rõ ở: {_names(none)}.")
    detectable = [r for r in none if r["mde"] not in (UNDETECTABLE_VI, fmt.MISSING)]
    if detectable:
        example = next((r for r in detectable if r["indicator"] == main_code), detectable[0])
        parts.append(f"Với {n_pilot} đơn vị điểm chỉ thấy rõ được khác biệt lớn (ví dụ "
                     f"{example['label'][:1].lower() + example['label'][1:]}: từ khoảng {example['mde']} trở lên), "
                     "nên \u201cchưa thấy khác biệt rõ\u201d không có nghĩa là làm điểm không có tác dụng.")
    if skip:
        parts.append(f"Không so sánh được: {_names(skip)} (lý do ghi trong bảng).")
    return " ".join(parts) or "Chưa có số liệu để so sánh đơn vị điểm với các đơn vị còn lại."


def goals_answer(goals: list[dict], baseline: str, post: str) -> str:
    """Question 2 in one or two sentences: how many indicators moved, for the whole bloc."""
    shown_rows = [g for g in goals if g["reading"] != "không đủ số liệu"]
    up = [g for g in shown_rows if g["reading"] == "tiến bộ"]
    down = [g for g in shown_rows if g["reading"] == "đi xuống"]
    flat = [g for g in shown_rows if g["reading"] == "chưa thấy thay đổi rõ"]
    text = f"Toàn khối, từ {baseline} đến {post}: {len(up)} trong {len(shown_rows)} chỉ tiêu tiến bộ rõ"
    if up:
        text += " (" + _names(up) + ")"
    text += f"; {len(flat)} chỉ tiêu chưa thấy thay đổi rõ" + (f" ({_names(flat)})" if flat else "")
    text += f"; {len(down)} chỉ tiêu đi xuống" + (f" ({_names(down)})" if down else "") + "."
    return text


def comparison_basis(paths: Paths, settings: Settings, baseline: str, post: str, names: list[str],
                     main_code: str) -> dict:
    """From the processed tables, once: the pilots' and others' levels on the verdicts'
    basis (``levels``) and each pilot against its block on ``main_code`` (``pilot_units``)."""
    from vhcs_analysis import review, verdicts
    from vhcs_analysis.report import levels as lv

    data = review.load(settings, paths)
    if data.units.empty:
        return {"levels": {}, "pilot_units": []}
    work = verdicts.fixed_mix_panel(review.panel(data), [baseline, post], settings.indicators)
    weights = str(settings.compare.block_weights)
    found = {n: lv.group_levels(work, n, baseline, post, weights) for n in names}
    return {"levels": {k: v for k, v in found.items() if v is not None},
            "pilot_units": lv.pilot_units(work, data.units, main_code, baseline, post)}


def quote_difference(reason: str, own: str, summary: str) -> str:
    """A grade's reason (``verdicts``: "… (chênh lệch thay đổi +9,9, điều chỉnh theo kỳ gốc
    +9,3) …") quoting the summary's "chênh lệch thay đổi" (``summary``, the difference of the
    printed changes) instead of the estimate rounded on its own (``own``): the appendix
    printed +10,0 in its table and +9,9 in the reason beside it."""
    return reason.replace(f"hênh lệch thay đổi {own},", f"hênh lệch thay đổi {summary},")


def build_context(paths: Paths, settings: Settings, *, for_date: dt.date | None = None) -> dict[str, Any]:
    """Everything the template prints, formatted; plus the figures that exist.

    ``settings``: the settings the report is built with (the review window and naming,
    the cover, the headline indicator, the rules named in the text)."""
    kn = read_key_numbers(paths.tables)
    manifest = layout.read_manifest(paths.processed)
    tables = read_tables(paths.tables)
    review = settings.review.model_dump()
    baseline = str(kn.get("baseline") or review.get("baseline"))
    post = str(kn.get("post") or review.get("post"))
    periods = [str(p) for p in (kn.get("periods") or review.get("periods") or [])]
    when = for_date or report_date(paths.processed, post, settings.review.report_date)
    place = str(review.get("report_place") or "Hà Tĩnh")
    number = str(settings.report.document_number or "").strip()

    from vhcs_analysis.verdicts import VERDICT_MEANING_VI, VERDICT_VI, family

    fam = family(settings)
    effects = tables["pilot_effects"]
    dids = effect_rows(effects)
    main_code = str(settings.report.main_indicator)
    # levels on the bases the changes are measured on, from the processed tables (once)
    basis = comparison_basis(paths, settings, baseline, post,
                             list(dict.fromkeys([*effects.get("indicator", []), *ROLLOUT_INDICATORS.values()])),
                             main_code)
    leaders_rows = outcome_rows(effects, basis["levels"])
    # whole-bloc levels of each period on every unit with data in it, as the roll-out tables
    # print them (one value per indicator and period); the change is their difference
    goals = goal_rows(tables["indicators_by_goal"])
    for g in goals:  # each row in words, one wording for the PDF, the Word draft and the slides
        g["sentence"] = goal_sentence(g, period_vi(baseline), period_vi(post))
    figures = {name: (paths.figures / layout.figure_file(name, "svg")).is_file() for name in FIGURES}
    is_sample = bool(manifest.get("is_sample", kn.get("is_sample", False)))
    # the settings the data were cleaned with, as the manifest recorded them (their file
    # and sha256 are the report's provenance; every manifest since the record exists has one)
    recorded = manifest["settings"] if isinstance(manifest.get("settings"), dict) else {}
    n_pilot = _int(kn.get("n_pilot"))
    dq = data_quality(kn, manifest, tables)
    ins = inspections(kn, tables)
    ro = rollout(kn, tables, post, basis["levels"], goals)
    indices = public_indices(settings, when)
    main_label = next((r["label"] for r in leaders_rows if r["indicator"] == main_code), main_code)
    weighting = BLOCK_WEIGHTS_VI.get(str(settings.compare.block_weights), "")
    group_basis = (f"Đơn vị điểm và các đơn vị còn lại (cùng khối): bình quân của các khối ({weighting}), chỉ gồm "
                   f"các đơn vị có số liệu ở cả {period_vi(baseline)} và {period_vi(post)} (chỉ tiêu chưa có ở kỳ "
                   "gốc: các đơn vị có số liệu ở kỳ cuối); mọi mức của hai nhóm trong báo cáo đều tính như vậy.")
    # the appendix's first estimate is the summary's difference of the printed changes, so
    # the two never differ by a rounding step
    difference = {r["indicator"]: r["difference"] for r in leaders_rows if r["difference"] != fmt.MISSING}
    # a detectable difference the pilots cannot reach is said in words, in the appendix too
    undetectable = {r["indicator"]: r for r in leaders_rows if r["mde"] == UNDETECTABLE_VI}
    for d in dids:
        if d["indicator"] in undetectable:
            d["mde"] = UNDETECTABLE_VI
            d["reason"] = undetectable_reason(d["reason"], undetectable[d["indicator"]]["mde_room"],
                                              indicator_registry.higher_is_better(d["indicator"]))
        if d["indicator"] in difference:
            d["reason"] = quote_difference(d["reason"], d["did"], difference[d["indicator"]])
            d["did"] = difference[d["indicator"]]
            d["did_full"] = d["did_full"] if d["did_ci"] == UNBOUNDED_VI else f"{d['did']} ({d['did_ci']})"
    leaders = {
        "grades": [{"code": c, "label": VERDICT_VI[c], "meaning": GRADE_MEANING_VI.get(c, VERDICT_MEANING_VI[c])}
                   for c in VERDICT_VI],
        "two_methods": ("Mỗi chỉ tiêu được so sánh theo hai cách thông dụng nhất: so mức thay đổi của đơn vị điểm "
                        "với mức thay đổi của các đơn vị cùng khối, và so như vậy nhưng có tính đến mức xuất phát của "
                        "từng đơn vị. Ở đâu hai cách thống nhất, kết luận đứng vững với cả hai cách chọn đơn vị điểm "
                        "thường gặp (chọn đơn vị vốn mạnh, hoặc chọn đơn vị vừa có một kỳ tốt); nếu việc chọn còn "
                        "thiên về đơn vị nào vì một lý do không thấy trong số liệu, kết luận vẫn đứng đến mức nào thì "
                        "ghi ngay dưới bảng kết luận khi có."),
        "answer_pilots": pilots_answer(leaders_rows, main_code, n_pilot),
        "answer_goals": goals_answer(goals, period_vi(baseline), period_vi(post)),
        "answer_rollout": (f"Đến {period_vi(post)}, {ro['study_rate']} cán bộ, công chức, viên chức đã học tập, quán "
                           f"triệt Nghị quyết; {ro['action_programme_share']} đơn vị có chương trình hành động; "
                           f"{ro['office_layout_share']} đơn vị đã hoàn thành bài trí công sở."),
        "answer_inspections": (f"Đã có {ins['n_inspections']} lượt kiểm tra, giám sát trong {ins['n_rounds']} đợt, "
                               "điểm "
                               f"bình quân {ins['mean_total']}/100; tiêu chí yếu nhất là {ins['weakest'][:1].lower()}"
                               f"{ins['weakest'][1:]} ({ins['weakest_scores']})."),
        "answer_data": (f"{dq['headline']} {dq['reports']} Danh sách tệp, mã kiểm tra và phiên bản chương trình ở "
                        "phụ lục kỹ thuật kèm theo báo cáo."),
        "outcomes": leaders_rows,
        "outcomes_basis": (f"{group_basis} Trong ngoặc là mức thay đổi của nhóm. Chênh lệch thay đổi = thay đổi "
                           "của đơn vị điểm trừ thay đổi của các đơn vị cùng khối."),
        # one sentence for all graded indicators on the hidden bias each survives (under the table)
        "bias_notes": [text for text in [bias_sentence([r["bias_note"] for r in leaders_rows if r["bias_note"]])]
                       if text],
        # the two bases every level is printed on (groups; the whole bloc), said once each
        "group_basis": group_basis,
        # the captions that say a table's or chart's own basis (issue 21)
        "captions": dict(CAPTIONS_VI),
        "bloc_basis": ("Toàn khối: bình quân của các đơn vị có số liệu ở cả kỳ gốc và kỳ cuối (chỉ tiêu chưa có ở kỳ "
                       "gốc: các đơn vị có số liệu ở kỳ cuối); thay đổi là hiệu của hai mức và là thay đổi bình quân "
                       "của chính các đơn vị đó. \u201cSố đơn vị\u201d: số đơn vị có số liệu ở cả hai kỳ (chỉ tiêu "
                       "chưa có ở kỳ gốc: ở kỳ cuối). Vì mức "
                       "của đơn vị điểm và các đơn vị còn lại tính bình quân theo khối, mức toàn khối có thể nằm "
                       "ngoài khoảng giữa hai mức đó một chút."),
        "pilot_units": pilot_unit_rows(basis["pilot_units"], main_code),
        "pilot_units_indicator": main_label,
        # issue 28's leadership figures (personal and department plans): printed under the
        # roll-out answer when a 2018-version form carried them
        "leadership_extra": leadership_sentences(ro, period_vi(post)),
    }
    context = {
        "is_sample": is_sample,
        "sample_mark": SAMPLE_MARK,
        "review": review_naming({**review, "baseline": baseline, "post": post}),
        # printed in the methods appendix only when a settings file was used (the default
        # report stays as it was)
        "settings": {"source": str(recorded.get("source") or ""), "sha256": str(recorded.get("sha256") or "")},
        "cover": {
            "number": f"Số {number}-BC/ĐUK" if number else "Số       -BC/ĐUK",
            "place_date": fmt.long_date(when, place),
            "date": fmt.date(when),
        },
        "scope": {
            "n_units": _int(kn.get("n_units")), "n_pilot": _int(kn.get("n_pilot")), "n_rest": _int(kn.get("n_rest")),
            "n_blocks": _int(kn.get("n_blocks")), "baseline": period_vi(baseline), "post": period_vi(post),
            "periods": [period_vi(p, "short") for p in periods], "n_periods": _int(len(periods)),
        },
        "main_indicator": main_code,
        "leaders": leaders,
        "pilots": {"answer": leaders["answer_pilots"], "answer_short": leaders["answer_pilots"], "rows": dids,
                   # the summary's table: the declared family (adoption items are named in the answer)
                   "outcomes": [d for d in dids if d["indicator"] in fam],
                   "placebo": str((kn.get("pilot_checks") or {}).get("placebo") or ""),
                   "adoption": adoption_rows(tables["adoption"], basis["levels"]), "adoption_note": ADOPTION_NOTE_VI,
                   "sensitivity": sensitivity_rows(tables["index_sensitivity"], difference.get("oc_index"))},
        "goals": goals,
        "goals_note": goals_adjusted_note(tables["indicators_by_goal"]),
        "pilot_ci_note": PILOT_CI_NOTE,
        "rollout": ro,
        "inspections": ins,
        "ranking": ranking(kn, tables, settings),
        "commended": commended(tables["commended"], kn.get("n_units")),
        "comparisons": comparisons(tables, main_code, fam, basis["levels"]),
        "data_quality": dq,
        "provenance": provenance(manifest, recorded),
        "annex_name": ANNEX_NAME,
        "recipients": list(RECIPIENTS_VI),
        "public_indices": indices["rows"],
        "public_indices_note": indices["note"],
        "weights": index_weights(settings),
        "figures": figures,
    }
    # a large bloc: per-unit lists summarised (their full rows under "lists", kept out of data.json)
    context["lists"] = summarise_lists(context, int(_num(kn.get("n_units")) or 0), settings.report.list_threshold,
                                       settings.report.list_top)
    return context
