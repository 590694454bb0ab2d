"""Section 5: the office-culture criterion in the annual ranking, and good-practice candidates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis import fmt
from vhcs_analysis.review.base import ReviewData, markdown, panel, period_vi, _with_meta


def ranking_year(data: ReviewData) -> int | None:
    """The year whose ranking the proposal rewrites.

    Args:
        data: the loaded review data.

    Returns:
        The latest year in the rankings; None without rankings.
    """
    years = data.rankings["year"].dropna()
    return int(years.max()) if len(years) else None


def ranking_proposal(data: ReviewData) -> pd.DataFrame:
    """The latest year's ranking with the office-culture criterion applied (``ranking``).

    Args:
        data: the loaded review data (``[ranking]`` rules from its settings).

    Returns:
        The contract table ``tables/ranking_proposal.csv``, one row per ranked unit:
        current and proposed level (1 best … 4) and category, the year's inspection score
        (``culture_score``, 0–100) with its noise (``culture_se``, points), the
        self-reported index beside it (0–100), the ``margin`` (points) to the nearest
        threshold that would change the proposal, ``status`` (proposed / review /
        unchanged) and the reason. Empty (with its columns) without rankings.
    """
    from vhcs_analysis import ranking

    cols = ["unit_id", "unit_name", "block", "is_pilot", "year", "level_current", "category_current",
            "culture_score", "culture_se", "n_inspections", "report_index", "culture_level", "level_proposed",
            "category_proposed", "change", "margin", "status", "reason_vi"]
    year = ranking_year(data)
    if year is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    oc = ranking.office_culture_result(data.inspections, data.unit_reports, year, data.settings, units=data.units)
    prop = ranking.propose_ranking(data.rankings, oc, year, data.settings.ranking)
    out = prop.merge(oc[["unit_id", "n_inspections", "report_index"]], on="unit_id", how="left")
    out = out.merge(data.units[["unit_id", "unit_name", "block", "is_pilot"]], on="unit_id", how="left")
    out = out.rename(columns={"current_level": "level_current", "current_category": "category_current",
                              "oc_score": "culture_score", "oc_se": "culture_se", "oc_level": "culture_level",
                              "proposed_level": "level_proposed", "proposed_category": "category_proposed"})
    out["n_inspections"] = out["n_inspections"].fillna(0).astype("Int64")
    out["change"] = (out["level_proposed"] - out["level_current"]).astype("Int64")
    return out[cols].sort_values("unit_id", kind="mergesort").reset_index(drop=True)


def ranking_rules(data: ReviewData, proposal: pd.DataFrame) -> dict:
    """The rules the proposal used, for the report.

    Args:
        data: the loaded review data.
        proposal: ``ranking_proposal``.

    Returns:
        The noise of one inspection (score points, None when it cannot be estimated) with
        its degrees of freedom, the band (``noise_band_z`` and the Student-t multiplier it
        gives on those degrees of freedom; ``noise_too_uncertain`` when they are fewer
        than ``noise_min_df``: every near-threshold unit is then reviewed), the cap on level 1 (a share,
        0–1), the base it was applied to (code and words), whether it applies this year,
        the limit and the base's count (None when it does not apply).
    """
    from vhcs_analysis import ranking

    cfg = data.settings.ranking
    noise, df = ranking.inspection_noise_sd(data.inspections)
    base = str(cfg.excellent_cap_base)
    year = ranking_year(data)
    scheme = ranking.scheme_for_year(year, cfg.qd132_from_year) if year is not None else None
    capped = scheme in cfg.excellent_cap_schemes
    limit = count = None
    if capped and len(proposal):
        levels = _rule_levels(proposal)
        limit, count = ranking.excellent_cap(levels, base, float(cfg.excellent_share_cap))
    return {
        "inspection_noise_sd": None if np.isnan(noise) else noise, "inspection_noise_df": df,
        "noise_band_z": float(cfg.noise_band_z),
        "noise_band_multiplier": None if df < 1 else ranking.band_multiplier(float(cfg.noise_band_z), df),
        "noise_min_df": int(cfg.noise_min_df), "noise_too_uncertain": bool(df < int(cfg.noise_min_df)),
        "excellent_share_cap": float(cfg.excellent_share_cap),
        "excellent_cap_base": base, "excellent_cap_base_vi": ranking.CAP_BASE_VI[base],
        "excellent_cap_applies": bool(capped), "excellent_cap_limit": limit, "excellent_cap_base_count": count,
    }


def _rule_levels(proposal: pd.DataFrame) -> np.ndarray:
    """Levels after the office-culture rule, before the cap (a capped unit was at level 1)."""
    capped = proposal["reason_vi"].astype(str).str.contains("vượt giới hạn", regex=False)
    return np.where(capped, 1, proposal["level_proposed"].astype(int).to_numpy())


def ranking_transition(proposal: pd.DataFrame) -> pd.DataFrame:
    """Counts of units per (current level, proposed level).

    Args:
        proposal: ``ranking_proposal``.

    Returns:
        level_current, level_proposed, n_units (int64), one row per pair that occurs.
    """
    if proposal.empty:
        return pd.DataFrame({"level_current": pd.Series(dtype="int64"), "level_proposed": pd.Series(dtype="int64"),
                             "n_units": pd.Series(dtype="int64")})
    out = proposal.groupby(["level_current", "level_proposed"], sort=True).size().rename("n_units").reset_index()
    return out.astype("int64")


def level_names(data: ReviewData) -> dict[int, str]:
    """Vietnamese names of levels 1–4 in the scheme of the ranking year.

    Args:
        data: the loaded review data.

    Returns:
        ``{level: category name}`` (QĐ 132 names without rankings).
    """
    from vhcs_analysis import ranking

    year = ranking_year(data)
    scheme = ranking.scheme_for_year(year, data.settings.ranking.qd132_from_year) if year is not None else "qd132"
    names = {}
    for level in (1, 2, 3, 4):
        try:
            names[level] = ranking.category_name(scheme or "qd132", level)  # a year not known: QĐ 132, as above
        except KeyError:
            names[level] = str(level)
    return names


def good_practices(data: ReviewData) -> pd.DataFrame:
    """Units whose improvement (baseline → post) is beyond chance on an outcome of
    ``[good_practices] indicators``: candidates whose practices may be worth spreading (nhân rộng).

    Args:
        data: the loaded review data.

    Returns:
        The contract table ``tables/good_practices.csv``: one row per candidate unit ×
        indicator with the values (the indicator's unit), the change and the others'
        change, the counts of the count test, p, the evidence (Benjamini–Hochberg
        q-value) and its one-line reading; no rows when there is no candidate.
    """
    from vhcs_analysis.good_practices import good_practice_candidates

    cfg = data.settings.good_practices
    cand = good_practice_candidates(panel(data), list(cfg.indicators), data.baseline, data.post,
                                    settings=cfg, reports=data.unit_reports)
    out = cand.merge(data.units[["unit_id", "unit_name"]], on="unit_id", how="left")
    out = _with_meta(out, cols=("indicator_vi",))
    cols = ["unit_id", "unit_name", "block", "is_pilot", "indicator", "indicator_vi", "baseline_value", "post_value",
            "change", "reference_change", "excess", "denominator", "baseline_count", "post_count", "p_value",
            "evidence",
            "method", "reason_vi"]
    return out[cols].sort_values(["unit_id", "indicator"], kind="mergesort").reset_index(drop=True)


def ranking_numbers(data: ReviewData, proposal: pd.DataFrame, candidates: pd.DataFrame) -> dict:
    """The ranking section of key_numbers.json.

    Args:
        data: the loaded review data.
        proposal: ``ranking_proposal``.
        candidates: ``good_practices``.

    Returns:
        The year, counts of units (moved down, up, to review, unchanged, good-practice
        candidates) and the rules used (``ranking_rules``).
    """
    change = proposal["change"].astype("Int64") if len(proposal) else pd.Series(dtype="Int64")
    status = proposal["status"].astype(str) if len(proposal) else pd.Series(dtype="str")
    moved = status == "proposed"
    return {
        "year": ranking_year(data),
        "n_units": len(proposal),
        "n_down": int((moved & (change > 0)).sum()),  # a higher level number is a worse category
        "n_up": int((moved & (change < 0)).sum()),
        "n_review": int((status == "review").sum()),
        "n_same": int((status == "unchanged").sum()),
        "n_good_practice_candidates": int(candidates["unit_id"].nunique()) if len(candidates) else 0,
        "rules": ranking_rules(data, proposal),
    }


def ranking_text(data: ReviewData, proposal: pd.DataFrame) -> Any:
    """Generated prose on what the office-culture criterion would change.

    Args:
        data: the loaded review data.
        proposal: ``ranking_proposal``.

    Returns:
        Markdown with the counts, the noise and the cap, from the data.
    """
    year = ranking_year(data)
    if year is None or proposal.empty:
        return markdown("Không có số liệu xếp loại tổ chức cơ sở đảng nên chưa thể minh họa đề xuất.")
    n = ranking_numbers(data, proposal, pd.DataFrame())
    rules = n["rules"]
    assessed = int((proposal["culture_level"] != "Chưa đánh giá").sum())
    noise = rules["inspection_noise_sd"]
    text = (
        f"Áp dụng thử tiêu chí văn hóa công sở vào kết quả xếp loại năm {year} của "
        f"{fmt.number(n['n_units'])} tổ chức ({fmt.number(assessed)} tổ chức có điểm kiểm tra, giám sát trong năm): "
        f"**{fmt.number(n['n_down'])} tổ chức đề xuất hạ mức**, **{fmt.number(n['n_review'])} tổ chức cần xem xét** "
        f"(điểm nằm sát ngưỡng, trong khoảng dao động của một năm kiểm tra), {fmt.number(n['n_same'])} tổ chức giữ "
        "nguyên. Điểm văn hóa công sở là điểm kiểm tra, giám sát bình quân trong năm; chỉ số từ báo cáo của đơn vị "
        "chỉ để tham khảo, không làm thay đổi mức. "
    )
    text += (f"Một lượt kiểm tra lệch khỏi mức của đơn vị trong năm khoảng ±{fmt.number(noise, 1)} điểm (độ lệch "
             "chuẩn ước từ các đơn vị được kiểm tra nhiều lần trong năm). " if noise is not None else
             "Số liệu không đủ để ước độ dao động của điểm kiểm tra (không đơn vị nào được kiểm tra hai lần trong "
             "năm), nên mọi thay đổi sát ngưỡng đều cần xem xét. ")
    if rules["excellent_cap_applies"]:
        text += (f"Giới hạn {fmt.percent(rules['excellent_share_cap'] * 100, 0)} tổ chức xếp mức cao nhất tính trên "
                 f"{rules['excellent_cap_base_vi']} ({fmt.number(rules['excellent_cap_base_count'])} tổ chức: tối đa "
                 f"{fmt.number(rules['excellent_cap_limit'])}). ")
    text += ("Theo quy tắc trong cấu hình, tiêu chí chỉ có thể hạ mức, không nâng mức; đây là minh họa để Ban "
             "Thường vụ cân nhắc, không phải kết quả xếp loại chính thức.")
    return markdown(text)


def good_practices_text(data: ReviewData, candidates: pd.DataFrame) -> Any:
    """Generated prose on the good-practice candidates.

    Args:
        data: the loaded review data (``[good_practices] q_max`` is named).
        candidates: ``good_practices``.

    Returns:
        Markdown: how many units (and pilots) are candidates and how to read q, or that
        there is none.
    """
    q_max = float(data.settings.good_practices.q_max)
    if candidates.empty:
        return markdown("Không đơn vị nào có mức cải thiện vượt rõ mức dao động do ngẫu nhiên (sau khi tính đến "
                        "việc xét cùng lúc nhiều đơn vị và nhiều chỉ tiêu); chưa có đề xuất nhân rộng dựa trên số "
                        "liệu.")
    n_units = candidates["unit_id"].nunique()
    n_pilot = candidates.drop_duplicates("unit_id")["is_pilot"].fillna(False).astype(bool).sum()
    return markdown(
        f"**{fmt.number(n_units)} đơn vị** có ít nhất một chỉ tiêu cải thiện vượt rõ mức chung "
        f"(trong đó {fmt.number(int(n_pilot))} đơn vị điểm). Mỗi dòng ghi từ mức nào đến mức nào, trong bao nhiêu "
        f"CBCCVC, và q: tỷ lệ phát hiện nhầm dự kiến trong danh sách (chỉ nhận q ≤ {fmt.number(q_max, 2)}). Đây là "
        "gợi ý để tìm hiểu cách làm, cần kiểm chứng thực tế trước khi nhân rộng: số liệu tự báo cáo có thể sai lệch."
    )


def commended(data: ReviewData) -> pd.DataFrame:
    """Collectives and individuals commended for good practices (Form 01, 2018 version:
    counts only, never names), added up over the reports of the review's periods, by block
    and for the whole bloc: what the proposals for commendation (đề xuất khen thưởng) rest on.

    Args:
        data: the loaded review data.

    Returns:
        block ("Toàn khối" last), n_units (units that reported either count), n_reports,
        commended_collectives, commended_individuals (sums), staff (staff_total summed over
        the same reports), commended_per_100 ((collectives + individuals) / staff × 100:
        per 100 staff and half-year; NaN without staff); blocks in the registry's order
        of names. A report with one count blank adds its other count; the rate uses the
        reports with both.
    """
    reports = data.unit_reports[data.unit_reports["period"].isin(data.periods)]
    reports = reports.merge(data.units[["unit_id", "block"]], on="unit_id", how="left")
    coll = pd.to_numeric(reports["commended_collectives"], errors="coerce").astype("float64")
    indiv = pd.to_numeric(reports["commended_individuals"], errors="coerce").astype("float64")
    staff = pd.to_numeric(reports["staff_total"], errors="coerce").astype("float64")
    frame = pd.DataFrame({"block": reports["block"].to_numpy(), "unit_id": reports["unit_id"].to_numpy(),
                          "coll": coll.to_numpy(), "indiv": indiv.to_numpy(), "staff": staff.to_numpy()})
    frame = frame[frame["coll"].notna() | frame["indiv"].notna()]
    both = frame["coll"].notna() & frame["indiv"].notna()
    rows = []
    blocks = sorted(data.units["block"].dropna().astype(str).unique())
    for block in [*blocks, None]:
        part = frame if block is None else frame[frame["block"] == block]
        part_both = part[both.reindex(part.index, fill_value=False)]
        staff_both = float(part_both["staff"].sum())
        rows.append({"block": "Toàn khối" if block is None else block, "n_units": int(part["unit_id"].nunique()),
                     "n_reports": len(part), "commended_collectives": int(part["coll"].sum()),
                     "commended_individuals": int(part["indiv"].sum()), "staff": int(part_both["staff"].sum()),
                     "commended_per_100": 100 * float((part_both["coll"] + part_both["indiv"]).sum()) / staff_both
                     if staff_both > 0 else np.nan})
    return pd.DataFrame(rows, columns=["block", "n_units", "n_reports", "commended_collectives",
                                       "commended_individuals", "staff", "commended_per_100"])


def commended_text(data: ReviewData, table: pd.DataFrame) -> Any:
    """Generated prose on the commended collectives and individuals.

    Args:
        data: the loaded review data.
        table: ``commended``.

    Returns:
        Markdown with the bloc's totals, how many units reported them and the block with
        the most, or that no report carries the counts (the 2017 form has no such rows).
    """
    total = table.iloc[-1]
    if int(total["n_reports"]) == 0:
        return markdown("Chưa có báo cáo nào ghi số tập thể, cá nhân được biểu dương, khen thưởng vì cách làm hay "
                        "(Biểu 01 mẫu 2017 không có các dòng này); chưa có số liệu cho đề xuất khen thưởng.")
    blocks = table.iloc[:-1]
    top = blocks.assign(_n=blocks["commended_collectives"] + blocks["commended_individuals"]).sort_values(
        ["_n", "block"], ascending=[False, True], kind="mergesort").iloc[0]
    return markdown(
        f"Trong các kỳ {period_vi(data.periods[0])} – {period_vi(data.periods[-1])}, "
        f"**{fmt.number(int(total['commended_collectives']))} tập thể** và "
        f"**{fmt.number(int(total['commended_individuals']))} cá nhân** được biểu dương, khen thưởng vì cách làm hay, "
        f"theo báo cáo của {fmt.number(int(total['n_units']))} đơn vị ({fmt.number(int(total['n_reports']))} báo cáo; "
        f"{fmt.number(float(total['commended_per_100']), 1)} lượt trên 100 CBCCVC mỗi kỳ). Khối có nhiều nhất: "
        f"{top['block']} ({fmt.number(int(top['commended_collectives']))} tập thể, "
        f"{fmt.number(int(top['commended_individuals']))} cá nhân). Biểu chỉ ghi số lượng, không ghi tên: danh sách "
        "đề nghị khen thưởng do đơn vị gửi kèm."
    )
