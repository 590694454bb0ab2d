"""Annual ranking of base party organisations and the office-culture criterion.

Two category schemes meet in the review window: up to 2017 "Trong sạch, vững mạnh" …
"Yếu kém", from 2018 Quy định 132-QĐ/TW "Hoàn thành xuất sắc nhiệm vụ" … "Không hoàn
thành nhiệm vụ". Both map to one ordered scale, level 1 (best) … 4 (worst); the map is
data (``maps/ranking_categories.csv``), the rules that bring the office-culture result
into the ranking are configuration (``[ranking]`` in defaults.toml), handed in by the
caller as the ``settings.Ranking`` section (or the whole ``Settings``) it loaded.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from vhcs_analysis import tables
from vhcs_analysis.config import MAPS_DIR
from vhcs_analysis.periods import Period
from vhcs_analysis.settings import Ranking, Settings
from vhcs_analysis.text import to_nfc

CATEGORY_MAP_FILE = MAPS_DIR / "ranking_categories.csv"
SCHEMES = tables.RANKING_SCHEMES  # "pre2018", "qd132" (rankings.scheme's allowed values)


class UnknownCategoryError(ValueError):
    """A ranking category that is not in the map (reject reason ``unknown_category``)."""

    reason_code = "unknown_category"

    def __init__(self, text, message_vi: str):
        self.text = text
        self.message_vi = message_vi
        super().__init__(message_vi)


def category_key(text: str) -> str:
    """The matching key of a category as written.

    Args:
        text: the category as written.

    Returns:
        NFC, lower case, no diacritics, đ→d, only letters and digits ("HTT NV", "HTTNV"
        and "httnv" share one key; so do "Trong sạch, vững mạnh" and "TRONG SẠCH VỮNG MẠNH").
    """
    text = to_nfc(str(text)).casefold().replace("đ", "d")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped if ch.isalnum())


def category_map() -> pd.DataFrame:
    """The category map (``maps/ranking_categories.csv``).

    Returns:
        category, variants (";"-separated), scheme, level (Int64, 1 best … 4), note.
    """
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


def scheme_for_year(year: int | None, qd132_from_year: int) -> str | None:
    """The category scheme in force in a year.

    Args:
        year: the ranking year; None or NA: unknown.
        qd132_from_year: the first year ranked under QĐ 132 (``[ranking] qd132_from_year``).

    Returns:
        "qd132" or "pre2018"; None when the year is unknown.
    """
    if year is None or pd.isna(year):
        return None
    return "qd132" if int(year) >= int(qd132_from_year) else "pre2018"


def classify_category(text: object, year: int | None, qd132_from_year: int) -> tuple[str, int, str]:
    """``(scheme, level, canonical)`` for a category as written.

    Matching ignores case, diacritics, spacing and punctuation and knows the usual
    abbreviations (TSVM, HTXSNV, HTTNV, HTNV, KHTNV). Categories named the same in both
    schemes ("Hoàn thành tốt nhiệm vụ") take the scheme of ``year``.

    Args:
        text: the category as written (any cell value).
        year: the ranking year (None: unknown, fine for unambiguous categories).
        qd132_from_year: the first year ranked under QĐ 132 (``[ranking] qd132_from_year``).

    Returns:
        The scheme ("pre2018"/"qd132"), the level (1 best … 4 worst) and the canonical name.

    Raises:
        UnknownCategoryError: blank, not in the map, or in both schemes without a year
            (``reason_code = "unknown_category"``).
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        raise UnknownCategoryError(text, "xếp loại để trống")
    entries = _lookup().get(category_key(str(text)))
    if not entries:
        raise UnknownCategoryError(text, f"không nhận ra xếp loại '{text}'")
    if len(entries) == 1:
        return entries[0]
    scheme = scheme_for_year(year, qd132_from_year)
    for entry in entries:
        if entry[0] == scheme:
            return entry
    raise UnknownCategoryError(text, f"xếp loại '{text}' có ở cả hai cách xếp loại; cần biết năm")


def category_name(scheme: str, level: int) -> str:
    """The canonical category of a level in a scheme.

    Args:
        scheme: "pre2018" or "qd132".
        level: 1 (best) … 4.

    Returns:
        The category's name (the plain one, not a "tiêu biểu" variant).

    Raises:
        KeyError: the scheme has no such level.
    """
    frame = category_map()
    rows = frame[(frame["scheme"] == scheme) & (frame["level"] == int(level))]
    if rows.empty:
        raise KeyError((scheme, level))
    return str(rows["category"].iloc[-1])


# ------------------------------------------------------------- office-culture result


def _year_of(period) -> int | None:
    found = Period.find(period)
    return found.year if found is not None else None


def _oc_level(score: float, thresholds: dict) -> str:
    if score is None or np.isnan(score):
        return NOT_ASSESSED
    for label, floor in sorted(thresholds.items(), key=lambda kv: -kv[1]):
        if score >= floor:
            return label
    return list(thresholds)[-1]


NOT_ASSESSED = "Chưa đánh giá"


def inspection_noise_sd(inspections: pd.DataFrame) -> tuple[float, int]:
    """How far one inspection's total score strays from its unit's level of that year.

    The pooled within-(unit, year) standard deviation over every unit inspected more than
    once in a year. Between-round changes within a year count as noise too, so it errs on
    the safe side.

    Args:
        inspections: the processed Form 02 table.

    Returns:
        (SD in score points on the 0–100 scale, degrees of freedom); (NaN, 0) when no unit
        was inspected twice in a year.
    """
    scores = pd.DataFrame({
        "unit_id": inspections["unit_id"].to_numpy(),
        "year": pd.to_datetime(inspections["inspection_date"]).dt.year.to_numpy(),
        "score": pd.to_numeric(inspections["total_score"].astype("Float64")).to_numpy(float, na_value=np.nan),
    }).dropna()
    groups = scores.groupby(["unit_id", "year"], sort=True)["score"]
    dev = scores["score"] - groups.transform("mean")
    df = int((groups.transform("size") > 1).sum() - (groups.size() > 1).sum())
    if df <= 0:
        return (np.nan, 0)
    return (float(np.sqrt(np.sum(dev.to_numpy() ** 2) / df)), df)


def office_culture_result(inspections: pd.DataFrame, unit_reports: pd.DataFrame, year: int,
                          settings: Settings, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each unit's office-culture result of a year.

    ``oc_score`` is the mean Form 02 total score of the year's inspections (0–100), the one
    external, criteria-based measure, rated with ``[ranking] oc_thresholds`` (the Form 02
    scale it was made for) into ``oc_level``. ``oc_se`` is its noise:
    ``inspection_noise_sd`` / √n_inspections. The self-reported index of the year's Form 01
    reports (the composite without its inspection part, ``report_index``) is shown beside
    it but does not move the level: its items sit near 100 for almost every unit and are
    not on the inspection scale.

    Args:
        inspections, unit_reports: the processed tables.
        year: the ranking year.
        settings: the settings in use (``[ranking] oc_thresholds``, ``[indicators]`` for
            the self-reported index).
        units: every unit to report (None: those with an inspection or a report that year).

    Returns:
        One row per unit: unit_id, year, inspection_score (0–100, NaN without an
        inspection), n_inspections, report_index (0–100), n_reports, oc_score, oc_se
        (score points; NaN when not assessed or the noise cannot be estimated) and
        oc_level ("Chưa đánh giá" without an inspection).
    """
    from vhcs_analysis.indicators import composite_index, compute_indicators

    cfg = settings.ranking
    ins = inspections[pd.to_datetime(inspections["inspection_date"]).dt.year == int(year)]
    ins_scores = ins.assign(score=pd.to_numeric(ins["total_score"].astype("Float64")).astype(float)) \
        .groupby("unit_id", sort=True)["score"].agg(inspection_score="mean", n_inspections="count")
    # a boolean array, not a list: an empty list would select columns, not rows
    reps = unit_reports.loc[np.array([_year_of(p) == int(year) for p in unit_reports["period"]], dtype=bool)]
    weights = {k: v for k, v in settings.indicators.index_weights.items() if k != "inspection_score"}
    ind_cfg = settings.indicators.model_copy(update={"index_weights": weights})
    values = compute_indicators(reps)
    values["inspection_score"] = np.nan
    values["report_index"] = composite_index(values, ind_cfg)["oc_index"].to_numpy()
    rep_scores = values.groupby("unit_id", sort=True)["report_index"].agg(report_index="mean", n_reports="count")
    ids = sorted(set(ins_scores.index) | set(rep_scores.index) |
                 (set(units["unit_id"]) if units is not None else set()))
    out = pd.DataFrame({"unit_id": ids, "year": int(year)})
    out = out.merge(ins_scores, left_on="unit_id", right_index=True, how="left")
    out = out.merge(rep_scores, left_on="unit_id", right_index=True, how="left")
    noise, noise_df = inspection_noise_sd(inspections)
    out["oc_score"] = out["inspection_score"].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["oc_se"] = noise / np.sqrt(out["n_inspections"].to_numpy(float))
    out.loc[out["oc_score"].isna(), "oc_se"] = np.nan
    out["oc_df"] = pd.array([noise_df if np.isfinite(se) else pd.NA for se in out["oc_se"]], dtype="Int64")
    out["oc_level"] = [_oc_level(s, cfg.oc_thresholds) for s in out["oc_score"]]
    for col in ("n_inspections", "n_reports"):
        out[col] = out[col].fillna(0).astype("Int64")
    out["year"] = out["year"].astype("Int64")
    return out[["unit_id", "year", "inspection_score", "n_inspections", "report_index", "n_reports",
                "oc_score", "oc_se", "oc_df", "oc_level"]].reset_index(drop=True)


# ----------------------------------------------------------------- ranking proposal

CAP_BASES = ("all", "httnv")
CAP_BASE_VI = {"all": "tổng số tổ chức cơ sở đảng được xếp loại",
               "httnv": "số tổ chức được xếp loại \u201cHoàn thành tốt nhiệm vụ\u201d trở lên"}


def _allowed_level(current: int, oc_level: str, best_by_oc: dict) -> int:
    best = best_by_oc.get(oc_level)
    return max(current, int(best)) if best is not None else current


def _margin(score: float, current: int, allowed: int, thresholds: dict, best_by_oc: dict) -> float:
    """Distance (score points) from ``score`` to the nearest threshold whose crossing
    would change the level the office-culture rule allows (NaN when none would)."""
    if score is None or np.isnan(score):
        return np.nan
    distances = []
    for floor in sorted(set(float(v) for v in thresholds.values())):
        if floor <= 0:
            continue
        other = floor - 1e-6 if score >= floor else floor
        if _allowed_level(current, _oc_level(other, thresholds), best_by_oc) != allowed:
            distances.append(abs(score - floor))
    return min(distances) if distances else np.nan


def band_multiplier(z: float, df: float) -> float:
    """The noise band's multiplier: Student's t on ``df`` degrees of freedom at the
    two-sided level the normal ``z`` gives (1,96 → 95%: 12,7 on 1 df, 2,23 on 10, 1,96
    with the SD known exactly, ``df`` = inf); NaN without degrees of freedom.

    Args:
        z: ``[ranking] noise_band_z``.
        df: the noise SD's degrees of freedom (inf: known exactly).

    Returns:
        The multiplier of ``oc_se``.
    """
    from scipy import stats

    if not df >= 1:
        return np.nan
    if np.isinf(df):
        return float(z)
    return float(stats.t.ppf(stats.norm.cdf(z), df))


def excellent_cap(proposed_levels: Iterable[int], base: str, share: float) -> tuple[int, int]:
    """How many units may stay at level 1 under the QĐ 132 cap.

    Args:
        proposed_levels: the year's levels (1 best … 4) of the scheme's units.
        base: "all" (every ranked unit) or "httnv" (those at level 1–2, "Hoàn thành tốt
            nhiệm vụ" or better).
        share: the cap, a share of the base (0–1).

    Returns:
        (limit, base_count): the limit rounded down, and the size of the base.

    Raises:
        ValueError: an unknown base.
    """
    levels = np.asarray(proposed_levels, int)
    if base not in CAP_BASES:
        raise ValueError(f"[ranking] excellent_cap_base must be one of {CAP_BASES}, not {base!r}")
    count = len(levels) if base == "all" else int((levels <= 2).sum())
    return int(np.floor(share * count + 1e-9)), count


def propose_ranking(rankings: pd.DataFrame, oc_results: pd.DataFrame, year: int,
                    rules: Ranking) -> pd.DataFrame:
    """How the year's ranking would look with the office-culture criterion (``[ranking]``):
    1. the office-culture level caps the best level allowed (``best_level_by_oc``: e.g.
       "Yếu" → at best 3 "Hoàn thành nhiệm vụ", "Trung bình" → at best 2); a unit not
       assessed keeps its level; the criterion only lowers, it never raises a level;
    2. ``margin`` is the distance from the unit's score to the nearest threshold that
       would change that outcome; within ``band_multiplier(noise_band_z, oc_df)`` ×
       ``oc_se`` (the noise of one year's inspection score, with Student's t on the noise
       SD's degrees of freedom) the unit is ``review`` ("cần xem xét"), never moved
       automatically; when that SD rests on fewer than ``noise_min_df`` degrees of
       freedom (or cannot be estimated) every unit with such a threshold is ``review``;
       a move beyond the band is ``proposed``; otherwise ``unchanged``;
    3. in schemes listed in ``excellent_cap_schemes`` at most ``excellent_share_cap`` of
       the base ``excellent_cap_base`` ("all" ranked units or those rated "httnv" or
       better) stay at level 1; those with the best oc_score (then unit_id) stay, the
       others move to level 2 (``proposed``).

    Args:
        rankings: the processed rankings (unit_id, year, scheme, level, category).
        oc_results: ``office_culture_result`` of the year (without ``oc_df``, ``oc_se``
            is taken as known exactly: the normal ``noise_band_z``).
        year: the ranking year.
        rules: the ``[ranking]`` section.

    Returns:
        One row per ranked unit (sorted by unit_id): unit_id, year, scheme, current_level,
        current_category, oc_score, oc_se, oc_level, proposed_level, proposed_category,
        changed, margin (score points to the nearest threshold that would change the
        proposal; NaN when none would), status (proposed / review / unchanged) and
        reason_vi (never empty).
    """
    from vhcs_analysis import fmt

    z = float(rules.noise_band_z)
    thresholds, best_by_oc = rules.oc_thresholds, rules.best_level_by_oc
    cur = rankings[rankings["year"].astype("Int64") == int(year)].copy()
    cur = cur.sort_values("unit_id", kind="mergesort").drop_duplicates("unit_id", keep="last")
    oc = oc_results[oc_results["year"].astype("Int64") == int(year)]
    oc = oc.reindex(columns=["unit_id", "oc_score", "oc_se", "oc_df", "oc_level"])
    out = cur[["unit_id", "year", "scheme", "level", "category"]].merge(oc, on="unit_id", how="left")
    out = out.rename(columns={"level": "current_level", "category": "current_category"})
    out["oc_level"] = [v if isinstance(v, str) else NOT_ASSESSED for v in out["oc_level"]]
    out["oc_score"] = pd.to_numeric(out["oc_score"], errors="coerce").astype(float)
    out["oc_se"] = pd.to_numeric(out["oc_se"], errors="coerce").astype(float)
    known = "oc_df" in oc_results.columns
    out["oc_df"] = pd.to_numeric(out["oc_df"], errors="coerce").astype(float) if known else np.inf
    min_df = int(rules.noise_min_df)
    out["current_level"] = out["current_level"].astype(int)
    proposed, margins, statuses, reasons = [], [], [], []
    for row in out.itertuples(index=False):
        level = _allowed_level(row.current_level, row.oc_level, best_by_oc)
        margin = _margin(row.oc_score, row.current_level, level, thresholds, best_by_oc)
        few_df = np.isfinite(row.oc_se) and not (row.oc_df >= min_df)
        band = band_multiplier(z, row.oc_df) * row.oc_se
        # NaN noise or noise on too few degrees of freedom: every near move is reviewed
        near = not np.isnan(margin) and (few_df or not (margin > band))
        score = f"{fmt.number(row.oc_score, 1)} điểm"
        if near:
            status = "review"
            reason = f"cần xem xét: điểm kiểm tra {score} chỉ cách ngưỡng gần nhất {fmt.number(margin, 1)} điểm, "
            if few_df:
                reason += (f"mà độ dao động của điểm kiểm tra mới ước từ {int(row.oc_df)} bậc tự do (cần ít nhất "
                           f"{min_df}: quá ít đơn vị được kiểm tra lại trong cùng năm), chưa đủ căn cứ để tự động "
                           "chuyển mức")
            elif not np.isnan(band):
                reason += f"trong khoảng dao động ±{fmt.number(band, 1)} điểm của một năm kiểm tra"
            else:
                reason += ("chưa ước được độ dao động của điểm kiểm tra (không đơn vị nào được kiểm tra hai lần "
                           "trong năm)")
            if level != row.current_level:
                reason += f"; theo quy tắc sẽ không xếp cao hơn '{category_name(row.scheme, level)}'"
        elif level != row.current_level:
            status = "proposed"
            reason = (f"kết quả văn hóa công sở '{row.oc_level}' ({score}, cách ngưỡng {fmt.number(margin, 1)} "
                      f"điểm, vượt khoảng dao động ±{fmt.number(band, 1)}) nên không xếp cao hơn "
                      f"'{category_name(row.scheme, level)}'")
        else:
            status, reason = "unchanged", ""
        proposed.append(level)
        margins.append(margin)
        statuses.append(status)
        reasons.append(reason)
    out["proposed_level"] = proposed
    out["margin"] = margins
    out["status"] = statuses
    out["reason_vi"] = reasons
    cap, base = float(rules.excellent_share_cap), str(rules.excellent_cap_base)
    for scheme in rules.excellent_cap_schemes:
        in_scheme = out["scheme"] == scheme
        limit, count = excellent_cap(out.loc[in_scheme, "proposed_level"], base, cap)
        top = out[in_scheme & (out["proposed_level"] == 1)]
        if len(top) <= limit:
            continue
        keep_order = top.assign(_s=top["oc_score"].fillna(-np.inf)).sort_values(
            ["_s", "unit_id"], ascending=[False, True], kind="mergesort")
        for idx in keep_order.index[limit:]:
            out.loc[idx, "proposed_level"] = 2
            text = (f"vượt giới hạn {fmt.percent(cap * 100, 0)} số tổ chức xếp '{category_name(scheme, 1)}' "
                    f"tính trên {CAP_BASE_VI[base]} (tối đa {limit} trong {count} tổ chức); giữ các đơn vị "
                    f"có điểm văn hóa công sở cao nhất")
            prior = out.loc[idx, "reason_vi"]
            out.loc[idx, "reason_vi"] = f"{prior}; {text}" if prior else text
            if out.loc[idx, "status"] == "unchanged":
                out.loc[idx, "status"] = "proposed"
    out["changed"] = out["proposed_level"] != out["current_level"]
    out["proposed_category"] = [
        _canonical(r.current_category, r.year, r.scheme, r.current_level, rules.qd132_from_year) if not r.changed
        else category_name(r.scheme, r.proposed_level) for r in out.itertuples(index=False)]
    out.loc[out["status"] == "unchanged", "reason_vi"] = "giữ nguyên"
    out["reason_vi"] = [r[:1].upper() + r[1:] for r in out["reason_vi"]]
    for col in ("year", "current_level", "proposed_level"):
        out[col] = out[col].astype("Int64")
    return out[["unit_id", "year", "scheme", "current_level", "current_category", "oc_score", "oc_se", "oc_level",
                "proposed_level", "proposed_category", "changed", "margin", "status",
                "reason_vi"]].reset_index(drop=True)


def _canonical(category, year, scheme, level, qd132_from_year: int) -> str:
    try:
        return classify_category(category, year, qd132_from_year)[2]
    except UnknownCategoryError:
        return category_name(scheme, level)
