"""Annual ranking of base party organisations and the office-culture criterion.

Two category schemes meet in the review window: up to 2017 "Trong sạch, vững mạnh" …
"Yếu kém", from 2018 Quy định 132-QĐ/TW "Hoàn thành xuất sắc nhiệm vụ" … "Không hoàn
thành nhiệm vụ". Both map to one ordered scale, level 1 (best) … 4 (worst); the map is
data (``maps/ranking_categories.csv``), the rules that bring the office-culture result
into the ranking are configuration (``[ranking]`` in defaults.toml).
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from vhcs_analysis.config import MAPS_DIR, get_settings

CATEGORY_MAP_FILE = MAPS_DIR / "ranking_categories.csv"
SCHEMES = ("pre2018", "qd132")


class UnknownCategoryError(ValueError):
    """A ranking category that is not in the map (reject reason ``unknown_category``)."""

    reason_code = "unknown_category"

    def __init__(self, text, message_vi: str):
        self.text = text
        self.message_vi = message_vi
        super().__init__(message_vi)


def _to_nfc(text: str) -> str:
    try:  # the project's repair/normalisation when available
        from vhcs_analysis.text import to_nfc
    except ImportError:  # pragma: no cover - text.py is written in parallel
        return unicodedata.normalize("NFC", text)
    return to_nfc(text)


def category_key(text: str) -> str:
    """Matching key: NFC, lower case, no diacritics, đ→d, only letters and digits
    ("HTT NV", "HTTNV" and "httnv" share one key; so do "Trong sạch, vững mạnh" and
    "TRONG SẠCH VỮNG MẠNH")."""
    text = _to_nfc(str(text)).casefold().replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped if ch.isalnum())


def category_map() -> pd.DataFrame:
    """The category map as a frame: category, variants, scheme, level, note."""
    frame = pd.read_csv(CATEGORY_MAP_FILE, dtype=str, keep_default_na=False)
    frame["level"] = frame["level"].astype("Int64")
    return frame


@lru_cache(maxsize=1)
def _lookup() -> dict[str, tuple[tuple[str, int, str], ...]]:
    table: dict[str, list[tuple[str, int, str]]] = {}
    with CATEGORY_MAP_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            entry = (row["scheme"], int(row["level"]), row["category"])
            names = [row["category"], *[v for v in row["variants"].split(";") if v.strip()]]
            for name in names:
                bucket = table.setdefault(category_key(name), [])
                if entry not in bucket:
                    bucket.append(entry)
    return {key: tuple(entries) for key, entries in table.items()}


def scheme_for_year(year: int | None) -> str | None:
    """The scheme in force in a year (QĐ 132 from ``[ranking] qd132_from_year``)."""
    if year is None or pd.isna(year):
        return None
    return "qd132" if int(year) >= int(get_settings()["ranking"]["qd132_from_year"]) else "pre2018"


def classify_category(text, year=None) -> tuple[str, int, str]:
    """``(scheme, level, canonical)`` for a category as written.

    Matching ignores case, diacritics, spacing and punctuation and knows the usual
    abbreviations (TSVM, HTXSNV, HTTNV, HTNV, KHTNV). Categories named the same in both
    schemes ("Hoàn thành tốt nhiệm vụ") take the scheme of ``year``. Raises
    ``UnknownCategoryError`` (``reason_code = "unknown_category"``) otherwise.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        raise UnknownCategoryError(text, "xếp loại để trống")
    entries = _lookup().get(category_key(text))
    if not entries:
        raise UnknownCategoryError(text, f"không nhận ra xếp loại '{text}'")
    if len(entries) == 1:
        return entries[0]
    scheme = scheme_for_year(year)
    for entry in entries:
        if entry[0] == scheme:
            return entry
    raise UnknownCategoryError(text, f"xếp loại '{text}' có ở cả hai cách xếp loại; cần biết năm")


def category_name(scheme: str, level: int) -> str:
    """Canonical category of a level in a scheme (the first, non-'tiêu biểu' one)."""
    frame = category_map()
    rows = frame[(frame["scheme"] == scheme) & (frame["level"] == int(level))]
    if rows.empty:
        raise KeyError((scheme, level))
    return str(rows["category"].iloc[-1])


# ------------------------------------------------------------- office-culture result


def _year_of(period) -> int | None:
    text = str(period)
    return int(text[:4]) if text[:4].isdigit() else None


def _oc_level(score: float, thresholds: dict) -> str:
    if score is None or np.isnan(score):
        return NOT_ASSESSED
    for label, floor in sorted(thresholds.items(), key=lambda kv: -kv[1]):
        if score >= floor:
            return label
    return list(thresholds)[-1]


NOT_ASSESSED = "Chưa đánh giá"


def office_culture_result(inspections: pd.DataFrame, unit_reports: pd.DataFrame, year: int,
                          units: pd.DataFrame | None = None, settings: dict | None = None) -> pd.DataFrame:
    """Each unit's office-culture result of a year: mean inspection score of the year's
    inspections and mean report-based composite index of the year's periods (the index
    without its inspection component, so inspections are not counted twice), combined
    with ``[ranking] oc_score_weights`` (re-normalised when one part is missing) into
    ``oc_score`` (0–100) and ``oc_level`` (Tốt/Khá/Trung bình/Yếu by ``oc_thresholds``;
    "Chưa đánh giá" without data). ``units`` (optional) lists every unit to report."""
    from vhcs_analysis.indicators import composite_index, compute_indicators

    all_settings = settings or get_settings()
    cfg = all_settings["ranking"]
    ins = inspections[pd.to_datetime(inspections["inspection_date"]).dt.year == int(year)]
    ins_scores = ins.assign(score=pd.to_numeric(ins["total_score"].astype("Float64")).astype(float)) \
        .groupby("unit_id", sort=True)["score"].agg(inspection_score="mean", n_inspections="count")
    # a boolean array, not a list: an empty list would select columns, not rows
    reps = unit_reports.loc[np.array([_year_of(p) == int(year) for p in unit_reports["period"]], dtype=bool)]
    ind_cfg = dict(all_settings["indicators"])
    ind_cfg["index_weights"] = {k: v for k, v in ind_cfg["index_weights"].items() if k != "inspection_score"}
    values = compute_indicators(reps)
    values["inspection_score"] = np.nan
    values["report_index"] = composite_index(values, ind_cfg)["oc_index"].to_numpy()
    rep_scores = values.groupby("unit_id", sort=True)["report_index"].agg(report_index="mean", n_reports="count")
    ids = sorted(set(ins_scores.index) | set(rep_scores.index) |
                 (set(units["unit_id"]) if units is not None else set()))
    out = pd.DataFrame({"unit_id": ids, "year": int(year)})
    out = out.merge(ins_scores, left_on="unit_id", right_index=True, how="left")
    out = out.merge(rep_scores, left_on="unit_id", right_index=True, how="left")
    w_ins, w_rep = float(cfg["oc_score_weights"]["inspection_score"]), float(cfg["oc_score_weights"]["report_index"])
    a, b = out["inspection_score"].to_numpy(float), out["report_index"].to_numpy(float)
    num = np.where(np.isnan(a), 0, w_ins * a) + np.where(np.isnan(b), 0, w_rep * b)
    den = np.where(np.isnan(a), 0, w_ins) + np.where(np.isnan(b), 0, w_rep)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["oc_score"] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    out["oc_level"] = [_oc_level(s, cfg["oc_thresholds"]) for s in out["oc_score"]]
    for col in ("n_inspections", "n_reports"):
        out[col] = out[col].fillna(0).astype("Int64")
    out["year"] = out["year"].astype("Int64")
    return out[["unit_id", "year", "inspection_score", "n_inspections", "report_index", "n_reports",
                "oc_score", "oc_level"]].reset_index(drop=True)


# ----------------------------------------------------------------- ranking proposal


def propose_ranking(rankings: pd.DataFrame, oc_results: pd.DataFrame, year: int,
                    rules: dict | None = None) -> pd.DataFrame:
    """How the year's ranking would look with the office-culture criterion (``[ranking]``):
    1. the office-culture level caps the best level allowed (``best_level_by_oc``: e.g.
       "Yếu" → at best 3 "Hoàn thành nhiệm vụ", "Trung bình" → at best 2); a unit not
       assessed keeps its level; the criterion only lowers, it never raises a level;
    2. in schemes listed in ``excellent_cap_schemes`` at most ``excellent_share_cap`` of
       the year's ranked units stay at level 1; those with the best oc_score (then
       unit_id) stay, the others move to level 2.
    One row per ranked unit (sorted by unit_id) with ``reason_vi`` for every change and
    "giữ nguyên" otherwise."""
    from vhcs_analysis import fmt

    rules = rules or get_settings()["ranking"]
    cur = rankings[rankings["year"].astype("Int64") == int(year)].copy()
    cur = cur.sort_values("unit_id", kind="mergesort").drop_duplicates("unit_id", keep="last")
    oc = oc_results[oc_results["year"].astype("Int64") == int(year)][["unit_id", "oc_score", "oc_level"]]
    out = cur[["unit_id", "year", "scheme", "level", "category"]].merge(oc, on="unit_id", how="left")
    out = out.rename(columns={"level": "current_level", "category": "current_category"})
    out["oc_level"] = [v if isinstance(v, str) else NOT_ASSESSED for v in out["oc_level"]]
    out["oc_score"] = pd.to_numeric(out["oc_score"], errors="coerce").astype(float)
    out["current_level"] = out["current_level"].astype(int)
    proposed, reasons = [], []
    best_by_oc = rules["best_level_by_oc"]
    for row in out.itertuples(index=False):
        level, reason = row.current_level, ""
        best = best_by_oc.get(row.oc_level)
        if best is not None and level < int(best):
            level = int(best)
            reason = (f"kết quả văn hóa công sở '{row.oc_level}' ({fmt.number(row.oc_score, 1)} điểm) "
                      f"nên không xếp cao hơn '{category_name(row.scheme, level)}'")
        proposed.append(level)
        reasons.append(reason)
    out["proposed_level"] = proposed
    out["reason_vi"] = reasons
    cap = float(rules["excellent_share_cap"])
    for scheme in rules["excellent_cap_schemes"]:
        in_scheme = out["scheme"] == scheme
        limit = int(np.floor(cap * int(in_scheme.sum()) + 1e-9))
        top = out[in_scheme & (out["proposed_level"] == 1)]
        if len(top) <= limit:
            continue
        keep_order = top.assign(_s=top["oc_score"].fillna(-np.inf)).sort_values(
            ["_s", "unit_id"], ascending=[False, True], kind="mergesort")
        for idx in keep_order.index[limit:]:
            out.loc[idx, "proposed_level"] = 2
            text = (f"vượt giới hạn {fmt.percent(cap * 100, 0)} số tổ chức xếp "
                    f"'{category_name(scheme, 1)}' (tối đa {limit} trong {int(in_scheme.sum())} tổ chức); giữ các đơn vị "
                    f"có điểm văn hóa công sở cao nhất")
            prior = out.loc[idx, "reason_vi"]
            out.loc[idx, "reason_vi"] = f"{prior}; {text}" if prior else text
    out["changed"] = out["proposed_level"] != out["current_level"]
    out["proposed_category"] = [
        _canonical(r.current_category, r.year, r.scheme, r.current_level) if not r.changed
        else category_name(r.scheme, r.proposed_level) for r in out.itertuples(index=False)]
    out.loc[~out["changed"], "reason_vi"] = "giữ nguyên"
    out["reason_vi"] = [r[:1].upper() + r[1:] for r in out["reason_vi"]]
    for col in ("year", "current_level", "proposed_level"):
        out[col] = out[col].astype("Int64")
    return out[["unit_id", "year", "scheme", "current_level", "current_category", "oc_score", "oc_level",
                "proposed_level", "proposed_category", "changed", "reason_vi"]].reset_index(drop=True)


def _canonical(category, year, scheme, level) -> str:
    try:
        return classify_category(category, year)[2]
    except UnknownCategoryError:
        return category_name(scheme, level)


# ---------------------------------------------------------------- good practices


def good_practice_candidates(panel: pd.DataFrame, outcomes, baseline: str, post: str, *,
                             min_gain: float | None = None, z: float | None = None,
                             include_all: bool = False, unit_col: str = "unit_id",
                             period_col: str = "period", pilot_col: str = "is_pilot",
                             block_col: str = "block") -> pd.DataFrame:
    """Units whose improvement from ``baseline`` to ``post`` is large and beyond noise:
    candidates for spreading (nhân rộng cách làm hay).

    For each outcome (sign turned so that + is better): excess = the unit's change − the
    median change of all other units. Noise: the robust SD (1,4826 × MAD) of the
    non-pilot units' period-to-period changes over consecutive periods, each centred
    on that step's median (common trends removed); a stable unit's change over any two
    periods has about that SD. A unit is a candidate when excess > max(min_gain, z × SD)
    (``[good_practices]``) and its ``post`` value is better than the median of the others
    (``ends_better``: a big gain from an unusually bad baseline is mostly regression to
    the mean). Evidence columns are returned with a Vietnamese reason."""
    from vhcs_analysis import fmt
    from vhcs_analysis.compare import unit_table
    from vhcs_analysis.indicators import INDICATORS, sort_periods

    cfg = get_settings()["good_practices"]
    z = float(z if z is not None else cfg["z"])
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    periods = sort_periods(panel[period_col].dropna()) if period_col in panel.columns else [baseline, post]
    direction = dict(zip(INDICATORS["name"], np.where(INDICATORS["higher_is_better"], 1.0, -1.0)))
    units_vi = dict(zip(INDICATORS["name"], INDICATORS["diff_unit_vi"]))
    frames = []
    for outcome in outcomes:
        table = unit_table(panel, outcome, periods, unit_col=unit_col, period_col=period_col,
                           pilot_col=pilot_col, block_col=block_col)
        sign = direction.get(outcome, 1.0)
        gain = float(min_gain if min_gain is not None else cfg["min_gain_by_indicator"].get(outcome, cfg["min_gain"]))
        rest = table[~table["is_pilot"].fillna(False).astype(bool)]
        steps = []
        for a, b in zip(periods[:-1], periods[1:]):
            d = (rest[b] - rest[a]).dropna()
            if len(d) >= 3:
                steps.append((d - d.median()).to_numpy())
        steps = np.concatenate(steps) if steps else np.array([])
        noise = 1.4826 * float(np.median(np.abs(steps))) if len(steps) else np.nan
        change = sign * (table[post] - table[baseline])
        values = change.to_numpy(float)
        reference = np.array([np.nanmedian(np.delete(values, i)) if np.sum(~np.isnan(np.delete(values, i))) else np.nan
                              for i in range(len(values))])
        threshold = max(gain, z * noise) if not np.isnan(noise) else np.nan
        excess = values - reference
        post_values = sign * table[post].to_numpy(float)
        reference_post = np.array([np.nanmedian(np.delete(post_values, i))
                                   if np.sum(~np.isnan(np.delete(post_values, i))) else np.nan
                                   for i in range(len(post_values))])
        frame = pd.DataFrame({
            "outcome": outcome, "unit_id": table.index, "block": table["block"].to_numpy(),
            "is_pilot": table["is_pilot"].to_numpy(), "baseline_value": table[baseline].to_numpy(),
            "post_value": table[post].to_numpy(), "change": values * sign, "reference_change": reference * sign,
            "excess": excess, "noise_sd": noise, "n_noise": len(steps), "threshold": threshold,
            "reference_post": reference_post * sign,
        })
        # A big gain from an unusually bad baseline is mostly a return to normal
        # (regression to the mean): a candidate must also end better than most others.
        frame["ends_better"] = post_values > reference_post
        frame["is_candidate"] = ((frame["excess"] > frame["threshold"]) & frame["ends_better"]).fillna(False).astype(bool)
        unit = " " + units_vi[outcome] if outcome in units_vi else ""
        frame["reason_vi"] = [
            (f"Cải thiện hơn mức chung của các đơn vị khác {fmt.number(e, 1)}{unit}, vượt ngưỡng "
             f"{fmt.number(threshold, 1)} (= lớn hơn {fmt.number(gain, 1)} và {fmt.number(z, 1)} lần độ dao động "
             f"{fmt.number(noise, 1)}) và cuối kỳ tốt hơn mức giữa của các đơn vị khác; "
             "đề xuất xem xét nhân rộng") if c else ""
            for e, c in zip(frame["excess"], frame["is_candidate"])]
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["is_pilot"] = out["is_pilot"].astype("boolean")
    out["n_noise"] = out["n_noise"].astype("Int64")
    if not include_all:
        out = out[out["is_candidate"]]
    order = {o: i for i, o in enumerate(outcomes)}
    out = out.assign(_o=out["outcome"].map(order), _e=-out["excess"].fillna(-np.inf))
    out = out.sort_values(["_o", "_e", "unit_id"], kind="mergesort").drop(columns=["_o", "_e"])
    return out.reset_index(drop=True)
