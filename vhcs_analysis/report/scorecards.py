"""One-page scorecards for each unit's head (``phieu-danh-gia-don-vi.pdf``, a page per unit).

Each page sets the unit against the mean of its block and of the pilot units, shows its
trend of the composite office-culture index, and names its strongest and weakest
inspection criteria. Computed here from the processed tables with the library
(``review.load``, ``indicators.build_panel``); formatted with ``fmt``.
"""

from __future__ import annotations

import math

import pandas as pd

from vhcs_analysis import fmt
from vhcs_analysis.config import Paths
from vhcs_analysis.io.writers import read_csv
from vhcs_analysis.periods import period_vi
from vhcs_analysis.settings import Settings
from vhcs_analysis.labels import PROPOSAL_STATUS_VI
from vhcs_analysis.tables import CRITERIA

# Indicators on the card, in order (codes of indicators.INDICATORS).
CARD_INDICATORS = (
    "oc_index", "inspection_score", "study_rate", "on_time_rate", "satisfaction_rate",
    "good_rating_rate", "complaints_per_100", "violations_per_100",
)
TREND_INDICATOR = "oc_index"


def _value(v, pct: bool) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
        return fmt.MISSING
    return fmt.percent(float(v), 1) if pct else fmt.number(float(v), 1)


def _mean(series: pd.Series) -> float:
    values = pd.to_numeric(series, errors="coerce").astype("float64").dropna()
    return float(values.mean()) if len(values) else math.nan


def _position(unit_value: float, block_value: float, higher_is_better: bool) -> str:
    if math.isnan(unit_value) or math.isnan(block_value):
        return ""
    if abs(unit_value - block_value) < 0.05:
        return "bằng khối"
    ahead = (unit_value > block_value) == higher_is_better
    return "tốt hơn khối" if ahead else "kém hơn khối"


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


def scorecard_context(paths: Paths, settings: Settings) -> dict:
    """Everything the scorecard template prints: one entry per registry unit."""
    from vhcs_analysis import indicators, review

    data = review.load(settings, paths)
    if data.units.empty:
        return {"units": []}
    periods = list(data.periods)
    baseline, post = data.baseline, data.post
    panel = review.panel(data)
    labels = dict(getattr(review, "CRITERIA_VI", {}))
    crit_by_unit, crit_all = _criteria(data.inspections, labels)

    units = data.units.sort_values("unit_id", kind="mergesort")
    pilot_ids = set(units.loc[units["is_pilot"].astype("boolean").fillna(False).astype(bool), "unit_id"])
    metas = {}
    for code in CARD_INDICATORS:
        try:
            metas[code] = indicators.indicator(code)
        except KeyError:
            continue
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

    def look(frame: pd.DataFrame, key, code: str) -> float:
        try:
            value = frame.at[key, code]
        except KeyError:
            return math.nan
        return math.nan if pd.isna(value) else float(value)

    cards = []
    for unit in units.to_dict("records"):
        uid = str(unit["unit_id"])
        block = str(unit["block"])
        mine = panel[panel["unit_id"] == uid]
        rows = []
        for code in codes:
            meta = metas[code]
            pct = meta.unit in ("%", "0/100")
            u_base, u_post = look(by_unit, (uid, baseline), code), look(by_unit, (uid, post), code)
            b_post, p_post = look(by_block, (unit["block"], post), code), look(by_pilots, post, code)
            change = u_post - u_base if not (math.isnan(u_post) or math.isnan(u_base)) else math.nan
            change = round(change, 1) + 0.0  # no "-0,0"
            rows.append({
                "label": meta.label_vi, "baseline": _value(u_base, pct), "post": _value(u_post, pct),
                "change": fmt.signed(change, 1), "block": _value(b_post, pct), "pilots": _value(p_post, pct),
                "position": _position(u_post, b_post, meta.higher_is_better),
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
                    "bar": 0.0 if math.isnan(value) else round(max(0.0, min(100.0, value)), 1),
                    "block_bar": 0.0 if math.isnan(block_value) else round(max(0.0, min(100.0, block_value)), 1),
                })
        strongest, weakest = [], []
        if uid in crit_by_unit.index:
            scores = crit_by_unit.loc[uid].dropna()
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            fmt_item = lambda kv: {  # noqa: E731
                "criterion": kv[0], "label": labels.get(kv[0], kv[0]), "score": fmt.number(kv[1], 1),
                "all": fmt.number(float(crit_all.get(kv[0], math.nan)), 1),
            }
            strongest = [fmt_item(kv) for kv in ranked[:3]]
            weakest = [fmt_item(kv) for kv in ranked[::-1][:3]] if len(ranked) > 3 else []
        reports = mine["has_report"].astype(bool) if "has_report" in mine.columns else pd.Series(dtype=bool)
        prop = proposal.get(uid, {})
        cards.append({
            "unit_id": uid, "name": str(unit["unit_name"]), "block": block,
            "pilot": uid in pilot_ids, "rows": rows, "trend": trend,
            "behind": [r["label"] for r in rows if r["position"] == "kém hơn khối"],
            "strongest": strongest, "weakest": weakest,
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
