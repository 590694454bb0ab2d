"""Section 5: the office-culture criterion in the annual ranking, and good-practice candidates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vhcs_analysis import verdicts, fmt
from vhcs_analysis.review.base import ReviewData, markdown, panel, plot_setting, _with_meta


def ranking_year(data: ReviewData) -> int | None:
    """The year whose ranking the proposal rewrites: the latest year in the rankings."""
    years = data.rankings["year"].dropna()
    return int(years.max()) if len(years) else None


def ranking_proposal(data: ReviewData) -> pd.DataFrame:
    """The latest year's ranking with the office-culture criterion applied (``ranking``):
    current and proposed level and category, office-culture score and level, the reason."""
    from vhcs_analysis import ranking

    cols = ["unit_id", "unit_name", "block", "is_pilot", "year", "level_current", "category_current",
            "culture_score", "culture_level", "level_proposed", "category_proposed", "change", "reason_vi"]
    year = ranking_year(data)
    if year is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    oc = ranking.office_culture_result(data.inspections, data.unit_reports, year, units=data.units)
    prop = ranking.propose_ranking(data.rankings, oc, year)
    out = prop.merge(data.units[["unit_id", "unit_name", "block", "is_pilot"]], on="unit_id", how="left")
    out = out.rename(columns={"current_level": "level_current", "current_category": "category_current",
                              "oc_score": "culture_score", "oc_level": "culture_level",
                              "proposed_level": "level_proposed", "proposed_category": "category_proposed"})
    out["change"] = (out["level_proposed"] - out["level_current"]).astype("Int64")
    return out[cols].sort_values("unit_id", kind="mergesort").reset_index(drop=True)


def ranking_transition(proposal: pd.DataFrame) -> pd.DataFrame:
    """Counts of units per (current level, proposed level)."""
    if proposal.empty:
        return pd.DataFrame({"level_current": pd.Series(dtype="int64"), "level_proposed": pd.Series(dtype="int64"),
                             "n_units": pd.Series(dtype="int64")})
    out = proposal.groupby(["level_current", "level_proposed"], sort=True).size().rename("n_units").reset_index()
    return out.astype("int64")


def level_names(data: ReviewData) -> dict[int, str]:
    """Vietnamese names of levels 1–4 in the scheme of the ranking year."""
    from vhcs_analysis import ranking

    year = ranking_year(data)
    scheme = ranking.scheme_for_year(year) if year is not None else "qd132"
    names = {}
    for level in (1, 2, 3, 4):
        try:
            names[level] = ranking.category_name(scheme, level)
        except KeyError:
            names[level] = str(level)
    return names


def good_practices(data: ReviewData) -> pd.DataFrame:
    """Units whose improvement (baseline → post) stands out beyond noise, per indicator of
    the family: candidates whose practices may be worth spreading (nhân rộng)."""
    from vhcs_analysis import ranking

    cand = ranking.good_practice_candidates(panel(data), list(verdicts.family()), data.baseline,
                                            data.post)
    out = cand.rename(columns={"outcome": "indicator"}).merge(data.units[["unit_id", "unit_name"]], on="unit_id",
                                                              how="left")
    out = _with_meta(out[["indicator", "unit_id", "unit_name", "block", "is_pilot", "baseline_value", "post_value",
                          "change", "excess", "reason_vi"]], cols=("indicator_vi",))
    cols = ["unit_id", "unit_name", "block", "is_pilot", "indicator", "indicator_vi", "baseline_value", "post_value",
            "change", "excess", "reason_vi"]
    return out[cols].sort_values(["unit_id", "indicator"], kind="mergesort").reset_index(drop=True)


def ranking_numbers(data: ReviewData, proposal: pd.DataFrame, candidates: pd.DataFrame) -> dict:
    """The ranking section of key_numbers.json."""
    change = proposal["change"].astype("Int64") if len(proposal) else pd.Series(dtype="Int64")
    return {
        "year": ranking_year(data),
        "n_units": len(proposal),
        "n_down": int((change > 0).sum()),  # a higher level number is a worse category
        "n_up": int((change < 0).sum()),
        "n_same": int((change == 0).sum()),
        "n_good_practice_candidates": int(candidates["unit_id"].nunique()) if len(candidates) else 0,
    }


def ranking_text(data: ReviewData, proposal: pd.DataFrame) -> Any:
    """Generated prose on what the office-culture criterion would change."""
    year = ranking_year(data)
    if year is None or proposal.empty:
        return markdown("Không có số liệu xếp loại tổ chức cơ sở đảng nên chưa thể minh họa đề xuất.")
    n = ranking_numbers(data, proposal, pd.DataFrame())
    assessed = int((proposal["culture_level"] != "Chưa đánh giá").sum())
    return markdown(
        f"Áp dụng thử tiêu chí văn hóa công sở vào kết quả xếp loại năm {year} của "
        f"{fmt.number(n['n_units'])} tổ chức ({fmt.number(assessed)} tổ chức có đủ số liệu để đánh giá văn hóa "
        f"công sở): **{fmt.number(n['n_down'])} tổ chức bị hạ mức**, {fmt.number(n['n_same'])} tổ chức giữ nguyên. "
        "Theo quy tắc trong cấu hình, tiêu chí chỉ có thể hạ mức, không nâng mức; đây là minh họa để Ban "
        "Thường vụ cân nhắc, không phải kết quả xếp loại chính thức."
    )


def good_practices_text(candidates: pd.DataFrame) -> Any:
    """Generated prose on the good-practice candidates."""
    if candidates.empty:
        return markdown("Không đơn vị nào có mức cải thiện vượt rõ mức dao động thông thường; chưa có đề xuất "
                        "nhân rộng dựa trên số liệu.")
    n_units = candidates["unit_id"].nunique()
    n_pilot = candidates.drop_duplicates("unit_id")["is_pilot"].fillna(False).astype(bool).sum()
    return markdown(
        f"**{fmt.number(n_units)} đơn vị** có ít nhất một chỉ tiêu cải thiện vượt rõ mức chung "
        f"(trong đó {fmt.number(int(n_pilot))} đơn vị điểm). Đây là gợi ý để tìm hiểu cách làm, cần kiểm chứng "
        "thực tế trước khi nhân rộng: số liệu tự báo cáo có thể sai lệch."
    )
