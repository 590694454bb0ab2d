"""One-page scorecards for each unit's head: ``phieu-danh-gia-don-vi.pdf`` (a page per unit)
for a small bloc, or files a unit can receive in ``phieu/`` (one per block, or per unit;
``[report] scorecards_split``) with their index ``phieu/danh-muc-phieu.csv``.

Each page sets the unit against the mean of its block and of the pilot units, shows its
trend of the composite office-culture index, and names its strongest inspection criteria
and those below the mean of all units (by the criterion's number and name; a criterion that
does not apply to the unit, the one-stop desk of a unit without one, is neither:
``criteria_not_applicable``). The unit's own figures are computed here from the
processed tables with the library (``review.load``, ``indicators.build_panel``), on the
report's basis (the composite on the same components at both periods,
``verdicts.fixed_mix_panel``; a change is the difference of the two printed levels), so a
pilot's card prints the report's pilot table, and its reading of the pilot; what the review PDF says
(an indicator without enough data, the pilots' levels) is read from its context, so a
card never contradicts the report. Formatted with ``fmt``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from vhcs_analysis import fmt, indicator_registry, layout
from vhcs_analysis.config import Paths
from vhcs_analysis.io.writers import read_csv
from vhcs_analysis.periods import period_vi
from vhcs_analysis.report.context import criterion_number
from vhcs_analysis.report.readings import shown
from vhcs_analysis.settings import Settings
from vhcs_analysis.labels import PROPOSAL_STATUS_VI
from vhcs_analysis.tables import CRITERIA

# Indicators on the card, in order (codes of the indicator registry).
CARD_INDICATORS = (
    "oc_index", "inspection_score", "study_rate", "on_time_rate", "satisfaction_rate",
    "good_rating_rate", "complaints_per_100", "violations_per_100",
)
TREND_INDICATOR = "oc_index"


def _value(v, spec: indicator_registry.Indicator) -> str:
    """A level on the card, in the indicator's display format (percent or not, decimals)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return fmt.MISSING
    return fmt.percent(float(v), spec.decimals) if spec.is_percent else fmt.number(float(v), spec.decimals)


def _bar(value: float, code: str) -> float:
    """A bar's length on the card, 0–100: the share of the indicator's range the value
    reaches (the trend indicator has a finite range, e.g. the composite's 0–100)."""
    if math.isnan(value):
        return 0.0
    low, high = indicator_registry.bounds(code)
    return round(max(0.0, min(100.0, (value - low) * (100.0 / (high - low)))), 1)


def _mean(series: pd.Series) -> float:
    values = pd.to_numeric(series, errors="coerce").astype("float64").dropna()
    return float(values.mean()) if len(values) else math.nan


POSITION_EQUAL_VI = "mức kỳ cuối bằng BQ khối"


def _position(unit_value: float, block_value: float, higher_is_better: bool) -> tuple[str, bool]:
    """What the card's last column says and whether the unit is behind its block: the
    unit's last-period level against its block's mean level at that period, compared as
    printed (rounded to the card's decimals), said as what is compared ("mức kỳ cuối cao
    hơn bình quân khối"), never as a grade. Behind: on the worse side of the block's mean
    in the indicator's better direction."""
    mine, theirs = shown(unit_value), shown(block_value)
    if mine is None or theirs is None or math.isnan(mine) or math.isnan(theirs):
        return "", False
    if mine == theirs:
        return POSITION_EQUAL_VI, False
    higher = mine > theirs
    return (f"mức kỳ cuối {'cao' if higher else 'thấp'} hơn BQ khối", higher != higher_is_better)


def _criteria(inspections: pd.DataFrame, labels: dict[str, str]) -> tuple[pd.DataFrame, pd.Series]:
    """Mean score per unit and criterion (0–10) and the mean over all units."""
    present = [c for c in CRITERIA if c in inspections.columns]
    if inspections.empty or not present:
        return pd.DataFrame(columns=present), pd.Series(dtype="float64")
    scores = inspections[["unit_id", *present]].copy()
    for c in present:
        scores[c] = pd.to_numeric(scores[c], errors="coerce").astype("float64")
    by_unit = scores.groupby("unit_id", sort=True)[present].mean()
    return by_unit, scores[present].mean()


# A criterion that applies only to a unit with what these Form 01 fields count: the reception
# and results desk (c10) to a unit with a one-stop desk. A unit whose every report leaves the
# fields blank has none ("không áp dụng", Phụ lục B), and the criterion is never one of its
# strengths or weaknesses, whatever an inspection scored.
CRITERION_FIELDS = {"c10": ("dossiers_received", "dossiers_on_time", "dossiers_late")}
NOT_APPLICABLE_VI = {"c10": "đơn vị không có bộ phận một cửa: các ô hồ sơ TTHC để trống ở mọi kỳ"}


def criteria_not_applicable(reports: pd.DataFrame) -> dict[str, set[str]]:
    """The criteria that do not apply to each unit (``CRITERION_FIELDS``): those whose
    Form 01 fields are blank in every report the unit sent. A unit without any report is
    left out (nothing says it has no desk).

    Args:
        reports: the processed Form 01 rows (``unit_id`` and the fields).

    Returns:
        unit id → the codes of the criteria that do not apply to it (units with none left out).
    """
    out: dict[str, set[str]] = {}
    if reports.empty or "unit_id" not in reports.columns:
        return out
    for criterion, fields in CRITERION_FIELDS.items():
        present = [f for f in fields if f in reports.columns]
        if not present:
            continue
        filled = reports[present].notna().any(axis=1).groupby(reports["unit_id"].astype(str), sort=True).any()
        for uid in filled.index[~filled.to_numpy(bool)]:
            out.setdefault(str(uid), set()).add(criterion)
    return out


def _below_all(score: float, mean_all: float) -> bool:
    """A criterion a unit must fix: its score below the mean over all units, both as printed
    (one decimal); equal printed values are a tie, not below."""
    mine, theirs = shown(score), shown(mean_all)
    return mine is not None and theirs is not None and not math.isnan(theirs) and mine < theirs


NO_DATA_VI = "không đủ số liệu"  # readings.goal_rows: the report's reading of an indicator without two periods


def report_readings(report: dict | None) -> dict[str, dict]:
    """What the review PDF prints per indicator, from its context (``build_context``): the
    whole bloc's reading (``goals``) and the pilots' levels on the verdicts' basis
    (``leaders.outcomes``). A card never prints a number where the report says
    "không đủ số liệu" (``no_baseline``: the report prints the final level of an indicator
    first collected after the baseline, and so does the card), and its pilots' column is
    the report's figure."""
    out: dict[str, dict] = {}
    if not report:
        return out
    for g in report.get("goals") or []:
        entry = out.setdefault(str(g.get("indicator")), {})
        entry["reading"] = str(g.get("reading") or "")
        # an indicator first collected after the baseline: the report prints its final level
        entry["no_baseline"] = bool(g.get("no_baseline"))
    for r in (report.get("leaders") or {}).get("outcomes") or []:
        levels = str(r.get("pilot_levels") or "")
        if "→" in levels:
            out.setdefault(str(r.get("indicator")), {})["pilots_post"] = levels.split("→")[-1].strip()
    return out


def report_pilot_rows(report: dict | None) -> dict[str, dict]:
    """The report's own table of each pilot against the other units of its block
    (``leaders.pilot_units``, ``context.pilot_unit_rows``) by unit id, with the indicator
    it is about (``leaders.pilot_units_indicator``): a pilot's card repeats its reading."""
    leaders = (report or {}).get("leaders") or {}
    label = str(leaders.get("pilot_units_indicator") or "")
    return {str(r.get("unit_id")): {**r, "indicator_label": label} for r in leaders.get("pilot_units") or []}


def pilot_reading(row: dict | None) -> str:
    """One sentence for a pilot's card: the report's comparison of the unit's change with
    that of the other units of its block, in the report's words and figures."""
    if not row:
        return ""
    label = str(row.get("indicator_label") or "")
    label = label[:1].lower() + label[1:]
    return (f"Báo cáo so sánh thay đổi {label} của đơn vị ({row.get('levels')}) với các đơn vị khác cùng khối "
            f"({row.get('rest')}): thay đổi của đơn vị {row.get('reading')}. Cột cuối của bảng trên so mức kỳ "
            "cuối với bình quân cả khối, không so mức thay đổi.")


def scorecard_context(paths: Paths, settings: Settings, report: dict | None = None) -> dict:
    """Everything the scorecard template prints: one entry per registry unit. ``report``:
    the review's context (``build_context``), whose readings the cards follow
    (``report_readings``)."""
    from vhcs_analysis import review, verdicts

    data = review.load(settings, paths)
    if data.units.empty:
        return {"units": []}
    periods = list(data.periods)
    baseline, post = data.baseline, data.post
    # the report's basis (``context.comparison_basis``): the composite on the same components
    # at both periods, so a card's index is the report's
    panel = verdicts.fixed_mix_panel(review.panel(data), [baseline, post], settings.indicators)
    labels = dict(getattr(review, "CRITERIA_VI", {}))
    crit_by_unit, crit_all = _criteria(data.inspections, labels)
    not_applicable = criteria_not_applicable(data.unit_reports)

    units = data.units.sort_values("unit_id", kind="mergesort")
    pilot_ids = set(units.loc[units["is_pilot"].astype("boolean").fillna(False).astype(bool), "unit_id"])
    metas = {code: indicator_registry.indicator(code) for code in CARD_INDICATORS}
    proposal = _read_proposal(paths)
    practices = _read_good_practices(paths)

    codes = [c for c in metas if c in panel.columns]
    trend_codes = [TREND_INDICATOR] if TREND_INDICATOR in panel.columns else []
    numeric = panel[["unit_id", "block", "period", *codes]].copy()
    for code in codes:
        numeric[code] = pd.to_numeric(numeric[code], errors="coerce").astype("float64")
    by_unit = numeric.groupby(["unit_id", "period"], sort=False)[codes].mean()
    by_block = numeric.groupby(["block", "period"], sort=False)[codes].mean()
    by_pilots = numeric[numeric["unit_id"].isin(pilot_ids)].groupby("period", sort=False)[codes].mean()

    readings = report_readings(report)
    pilot_rows = report_pilot_rows(report)
    panel_by_unit = {str(uid): part for uid, part in panel.groupby("unit_id", sort=False)}
    empty_panel = panel.iloc[0:0]

    # plain dicts: one lookup per unit, indicator and period must not cost a pandas .at
    tables = {id(frame): {code: {k: (math.nan if pd.isna(v) else float(v)) for k, v in frame[code].items()}
                          for code in codes} for frame in (by_unit, by_block, by_pilots)}

    def look(frame: pd.DataFrame, key, code: str) -> float:
        return tables[id(frame)][code].get(key, math.nan)

    cards = []
    for unit in units.to_dict("records"):
        uid = str(unit["unit_id"])
        block = str(unit["block"])
        mine = panel_by_unit.get(uid, empty_panel)
        rows = []
        for code in codes:
            meta = metas[code]
            said = readings.get(code, {})
            # as the report: no figure where it has none; an indicator without a baseline keeps
            # its final level (baseline and change "–", as the report's whole-bloc tables)
            if said.get("reading") == NO_DATA_VI and not said.get("no_baseline"):
                rows.append({"label": meta.label_vi, "baseline": fmt.MISSING, "post": fmt.MISSING,
                             "change": fmt.MISSING, "block": fmt.MISSING, "pilots": fmt.MISSING,
                             "position": NO_DATA_VI, "behind": False,
                             "direction": "↑" if meta.higher_is_better else "↓"})
                continue
            u_base, u_post = look(by_unit, (uid, baseline), code), look(by_unit, (uid, post), code)
            b_post, p_post = look(by_block, (unit["block"], post), code), look(by_pilots, post, code)
            # the change of the two printed levels, as the report computes it (readings.before_after)
            shown_base, shown_post = shown(u_base, meta.decimals), shown(u_post, meta.decimals)
            change = (None if shown_base is None or shown_post is None or math.isnan(shown_base)
                      or math.isnan(shown_post) else shown(shown_post - shown_base, meta.decimals))
            position, behind = _position(u_post, b_post, meta.higher_is_better)
            rows.append({
                "label": meta.label_vi, "baseline": _value(u_base, meta), "post": _value(u_post, meta),
                "change": fmt.signed(change, meta.decimals), "block": _value(b_post, meta),
                "pilots": said.get("pilots_post") or _value(p_post, meta),
                "position": position, "behind": behind,
                "direction": "↑" if meta.higher_is_better else "↓",
            })
        trend = []
        for code in trend_codes:
            for period in periods:
                value = look(by_unit, (uid, period), code)
                block_value = look(by_block, (unit["block"], period), code)
                trend.append({
                    "period": period_vi(period, "short"),
                    "value": fmt.number(value, 1), "block": fmt.number(block_value, 1),
                    "bar": _bar(value, code), "block_bar": _bar(block_value, code),
                })
        strongest, weakest = [], []
        skipped = sorted(not_applicable.get(uid, ()))
        if uid in crit_by_unit.index:
            # a criterion that does not apply to the unit is neither a strength nor a weakness
            scores = crit_by_unit.loc[uid].dropna().drop(labels=skipped, errors="ignore")
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            fmt_item = lambda kv: {  # noqa: E731
                "criterion": criterion_number(kv[0]), "label": labels.get(kv[0], kv[0]),
                "score": fmt.number(kv[1], 1),
                "all": fmt.number(float(crit_all.get(kv[0], math.nan)), 1),
            }
            strongest = [fmt_item(kv) for kv in ranked[:3]]
            # only criteria strictly below the bloc's mean as printed (a tie is not a weakness)
            below = [kv for kv in ranked[::-1] if _below_all(kv[1], crit_all.get(kv[0], math.nan))]
            weakest = [fmt_item(kv) for kv in below[:3]]
        reports = mine["has_report"].astype(bool) if "has_report" in mine.columns else pd.Series(dtype=bool)
        prop = proposal.get(uid, {})
        cards.append({
            "unit_id": uid, "name": str(unit["unit_name"]), "block": block,
            "pilot": uid in pilot_ids, "rows": rows, "trend": trend,
            "behind": [r["label"] for r in rows if r["behind"]],
            "pilot_reading": pilot_reading(pilot_rows.get(uid)) if uid in pilot_ids else "",
            "strongest": strongest, "weakest": weakest,
            "not_applicable": [f"{criterion_number(c)}. {labels.get(c, c)} "
                               f"({NOT_APPLICABLE_VI.get(c, 'không áp dụng')})" for c in skipped],
            "n_reports": fmt.number(int(reports.sum()), 0), "n_periods": fmt.number(len(periods), 0),
            "n_inspections": fmt.number(int(pd.to_numeric(mine.get("n_inspections", pd.Series([0])),
                                                          errors="coerce").fillna(0).sum()), 0),
            "level_current": prop.get("level_current", fmt.MISSING),
            "level_proposed": prop.get("level_proposed", fmt.MISSING),
            "ranking_year": prop.get("year", ""),
            "ranking_status": prop.get("status", ""),
            "good_practices": practices.get(uid, []),
        })
    return {"units": cards, "baseline": period_vi(baseline, "short"), "post": period_vi(post, "short"),
            "pilot_verdicts": _read_verdicts(paths)}


def _read_verdicts(paths: Paths) -> str:
    """The leaders' verdicts (pilot_effects.csv, notebook 03) as one line for pilots' pages:
    the verdicts of the report's summary table (the outcomes; the adoption items, never
    compared, are left out), about the pilots as a group."""
    frame = _table(paths, "pilot_effects")
    if frame is None:
        return ""
    return "; ".join(f"{r['indicator_vi']}: {str(r['verdict_vi']).lower()}" for r in frame.to_dict("records")
                     if r.get("kind", "outcome") == "outcome")


def _table(paths: Paths, name: str) -> pd.DataFrame | None:
    """A notebook-written table (``tables/<name>.csv``), or None when absent or unreadable
    (a scorecard then leaves that part out)."""
    path = paths.tables / f"{name}.csv"
    if not path.is_file():
        return None
    try:
        return read_csv(path, dtype={"unit_id": str})  # the Excel guard taken off, names as written
    except (OSError, ValueError):
        return None


def _read_proposal(paths: Paths) -> dict[str, dict]:
    """ranking_proposal.csv (notebook 05) by unit: current and proposed level."""
    frame = _table(paths, "ranking_proposal")
    if frame is None:
        return {}
    out = {}
    for row in frame.to_dict("records"):
        def level(v):
            return fmt.number(float(v), 0) if pd.notna(v) else fmt.MISSING
        out[str(row["unit_id"])] = {"level_current": level(row.get("level_current")),
                                    "level_proposed": level(row.get("level_proposed")),
                                    "year": str(int(row["year"])) if pd.notna(row.get("year")) else "",
                                    "status": PROPOSAL_STATUS_VI.get(str(row.get("status")), "")}
    return out


def _read_good_practices(paths: Paths) -> dict[str, list[str]]:
    """good_practices.csv (notebook 05) by unit: "indicator: evidence" lines, the same rows
    as the PDF's table."""
    frame = _table(paths, "good_practices")
    if frame is None:
        return {}
    out: dict[str, list[str]] = {}
    for row in frame.to_dict("records"):
        out.setdefault(str(row["unit_id"]), []).append(f"{row.get('indicator_vi')}: {row.get('reason_vi')}")
    return out


SCORECARDS_DIR = layout.SCORECARDS_DIR
SCORECARDS_INDEX = layout.SCORECARDS_INDEX
SCORECARDS_INDEX_XLSX = layout.SCORECARDS_INDEX_XLSX
INDEX_HEADERS_VI = {"unit_id": "Mã đơn vị", "unit_name": "Tên đơn vị", "block": "Khối", "file": "Tệp phiếu",
                    "page": "Trang"}
CARDS_PER_FILE = 150  # a block's file is cut into parts of at most this many units (bounded memory)


def split_mode(setting: str, n_units: int, threshold: int) -> str:
    """``single``, ``block`` or ``unit`` from ``[report] scorecards_split`` ("auto": one file
    up to ``threshold`` units, one per block above it)."""
    if setting == "auto":
        return "single" if n_units <= threshold else "block"
    return setting


def scorecard_files(cards: list[dict], mode: str, per_file: int = CARDS_PER_FILE) -> list[tuple[str, list[dict]]]:
    """The split files: ``(file name inside phieu/, its cards)`` in order. ``block``: one file
    per block (``khoi-<block>.pdf``, cut into ``-phan-<k>`` parts of ``per_file`` units when
    larger); ``unit``: one file per unit (``<unit id>.pdf``)."""
    if mode == "unit":
        return [(f"{_slug(str(c['unit_id'])) or 'don-vi'}.pdf", [c]) for c in cards]
    by_block: dict[str, list[dict]] = {}
    for card in cards:
        by_block.setdefault(str(card["block"]), []).append(card)
    out, taken = [], set()
    for block in sorted(by_block):
        group = by_block[block]
        stem = "khoi-" + (_slug(block) or "khac")
        while stem in taken:
            stem += "-x"
        taken.add(stem)
        parts = [group[i:i + per_file] for i in range(0, len(group), per_file)]
        for k, part in enumerate(parts, start=1):
            out.append((f"{stem}.pdf" if len(parts) == 1 else f"{stem}-phan-{k}.pdf", part))
    return out


def _slug(text: str) -> str:
    """A file-name part: lower case, no diacritics, runs of other characters as "-"."""
    import re

    from vhcs_analysis.text import strip_diacritics

    return re.sub(r"[^0-9a-z]+", "-", strip_diacritics(text).lower()).strip("-")


def scorecard_index(files: list[tuple[str, list[dict]]]) -> pd.DataFrame:
    """``phieu/danh-muc-phieu.csv``: one row per unit, the file that holds its card and the page."""
    rows = [{"unit_id": c["unit_id"], "unit_name": c["name"], "block": c["block"],
             "file": f"{SCORECARDS_DIR}/{name}", "page": page}
            for name, part in files for page, c in enumerate(part, start=1)]
    return pd.DataFrame(rows, columns=["unit_id", "unit_name", "block", "file", "page"])


def write_scorecard_index_xlsx(index: pd.DataFrame, target: Path) -> Path:
    """``phieu/danh-muc-phieu.xlsx``: ``scorecard_index`` as one sheet with Vietnamese
    headers, written by the project's deterministic xlsx writer (same input, same bytes)."""
    from vhcs_analysis.io.excel_tables import frame_sheet
    from vhcs_analysis.io.xlsx_write import write_cells_xlsx

    return write_cells_xlsx(target, [frame_sheet("Danh mục phiếu", index, INDEX_HEADERS_VI)])
