"""Ranking: category map, office-culture result, proposal rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import ranking, tables
from vhcs_analysis.settings import Ranking, Settings, package_defaults

QD132 = package_defaults().ranking.qd132_from_year


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Trong sạch, vững mạnh", 2017, ("pre2018", 1, "Trong sạch, vững mạnh")),
        ("TSVM", 2016, ("pre2018", 1, "Trong sạch, vững mạnh")),
        ("TRONG SẠCH VỮNG MẠNH TIÊU BIỂU", 2017, ("pre2018", 1, "Trong sạch, vững mạnh tiêu biểu")),
        ("HTT NV", 2017, ("pre2018", 2, "Hoàn thành tốt nhiệm vụ")),
        ("Hoàn thành tốt nhiệm vụ", 2018, ("qd132", 2, "Hoàn thành tốt nhiệm vụ")),
        ("htnv", 2018, ("qd132", 3, "Hoàn thành nhiệm vụ")),
        ("Yếu kém", 2017, ("pre2018", 4, "Yếu kém")),
        ("HTXSNV", 2018, ("qd132", 1, "Hoàn thành xuất sắc nhiệm vụ")),
        ("Không hoàn thành nhiệm vụ", 2018, ("qd132", 4, "Không hoàn thành nhiệm vụ")),
    ],
)
def test_classify_category__both_schemes_and_abbreviations(text, year, expected):
    assert ranking.classify_category(text, year, QD132) == expected


def test_classify_category__decomposed_unicode_matches_composed():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Hoàn thành xuất sắc nhiệm vụ")
    assert ranking.classify_category(nfd, 2018, QD132) == ("qd132", 1, "Hoàn thành xuất sắc nhiệm vụ")


def test_classify_category__shared_name_takes_scheme_of_year():
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2017, QD132)[0] == "pre2018"
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2018, QD132)[0] == "qd132"


@pytest.mark.parametrize("text", ["Xuất sắc lắm", "", None, "Hoàn thành"])
def test_classify_category__unknown_raises_with_reason_code(text):
    with pytest.raises(ranking.UnknownCategoryError) as info:
        ranking.classify_category(text, 2018, QD132)
    assert info.value.reason_code == "unknown_category"


def test_category_map__every_level_of_both_schemes_has_a_category():
    frame = ranking.category_map()
    for scheme in ranking.SCHEMES:
        assert sorted(frame.loc[frame["scheme"] == scheme, "level"].unique()) == [1, 2, 3, 4]
    assert ranking.category_name("qd132", 1) == "Hoàn thành xuất sắc nhiệm vụ"
    assert ranking.category_name("pre2018", 1) == "Trong sạch, vững mạnh"


def _inspections(rows) -> pd.DataFrame:
    unit_ids, dates, scores = zip(*rows)
    return tables.conform(pd.DataFrame({
        "unit_id": unit_ids, "round_id": [f"r{i}" for i in range(len(rows))],
        "inspection_date": pd.to_datetime(list(dates)), "kind": "Kiểm tra", "total_score": scores,
        "source_file": "b.xlsx"}), "inspections")


def test_office_culture_result__inspection_score_rated_report_index_beside_it():
    insp = _inspections([("A", "2018-03-01", 90.0), ("A", "2018-10-01", 80.0), ("B", "2018-05-01", 40.0),
                         ("C", "2017-05-01", 99.0)])
    reports = tables.conform(pd.DataFrame({
        "unit_id": ["A", "A"], "period": ["2018-H1", "2018-H2"], "form_version": "2018", "layout": "unit_form",
        "staff_total": [10, 10], "staff_studied": [10, 5], "action_programme": [True, True],
        "office_layout_done": [True, True], "dossiers_on_time": [9, 10], "dossiers_late": [1, 0],
        "complaints_conduct": [0, 0], "discipline_violations": [0, 0], "source_file": "a.xlsx"}), "unit_reports")
    out = ranking.office_culture_result(insp, reports, 2018, package_defaults(),
                                        units=pd.DataFrame({"unit_id": ["A", "B", "C"]}))
    # report index of A (outcome weights without inspections: on-time .15, complaints .15,
    # violations .15, study .10): H1 (15·90 + 15·100 + 15·100 + 10·100)/55, H2 (15·100 + 15·100 +
    # 15·100 + 10·50)/55; noise: A's two 2018 scores 90, 80 around 85 → SD √50 with 1 df; A's
    # SE √50/√2 = 5, B's √50
    report_index = ((15 * 90 + 15 * 100 + 15 * 100 + 10 * 100) / 55
                    + (15 * 100 + 15 * 100 + 15 * 100 + 10 * 50) / 55) / 2
    expected = pd.DataFrame({
        "unit_id": ["A", "B", "C"], "year": pd.array([2018] * 3, dtype="Int64"),
        "inspection_score": [85.0, 40.0, np.nan], "n_inspections": pd.array([2, 1, 0], dtype="Int64"),
        "report_index": [report_index, np.nan, np.nan], "n_reports": pd.array([2, 0, 0], dtype="Int64"),
        "oc_score": [85.0, 40.0, np.nan], "oc_se": [5.0, np.sqrt(50.0), np.nan],
        "oc_df": pd.array([1, 1, None], dtype="Int64"), "oc_level": ["Tốt", "Yếu", "Chưa đánh giá"]})
    pd.testing.assert_frame_equal(out, expected)


def test_inspection_noise_sd__pooled_within_unit_and_year():
    insp = _inspections([("A", "2018-03-01", 90.0), ("A", "2018-10-01", 80.0), ("B", "2018-05-01", 70.0),
                         ("B", "2018-11-01", 74.0), ("B", "2017-05-01", 10.0), ("C", "2018-05-01", 50.0)])
    sd, df = ranking.inspection_noise_sd(insp)
    assert df == 2 and sd == pytest.approx(np.sqrt((50.0 + 8.0) / 2))
    assert np.isnan(ranking.inspection_noise_sd(insp[insp["unit_id"] == "C"])[0])


def _rankings(categories, year=2018) -> pd.DataFrame:
    rows = []
    for uid, text in categories.items():
        scheme, level, _ = ranking.classify_category(text, year, QD132)
        rows.append({"unit_id": uid, "year": year, "category": text, "scheme": scheme, "level": level,
                     "source_file": "x.xlsx"})
    return tables.conform(pd.DataFrame(rows), "rankings")


def _oc(levels: dict[str, tuple], year=2018) -> pd.DataFrame:
    """(score, level) or (score, level, se) per unit; a small SE unless given."""
    return pd.DataFrame({"unit_id": list(levels), "year": year,
                         "oc_score": [v[0] for v in levels.values()], "oc_level": [v[1] for v in levels.values()],
                         "oc_se": [v[2] if len(v) > 2 else 0.1 for v in levels.values()]})


def test_propose_ranking__weak_office_culture_caps_the_level():
    rk = _rankings({"A": "HTXSNV", "B": "HTTNV", "C": "HTTNV", "D": "KHTNV", "E": "HTTNV"})
    oc = _oc({"A": (40.0, "Yếu"), "B": (60.0, "Trung bình"), "C": (30.0, "Yếu"), "D": (30.0, "Yếu")})
    out = ranking.propose_ranking(rk, oc, 2018, _rules())
    assert out["proposed_level"].tolist() == [3, 2, 3, 4, 2]
    assert out["changed"].tolist() == [True, False, True, False, False]
    assert out["status"].tolist() == ["proposed", "unchanged", "proposed", "unchanged", "unchanged"]
    assert out.loc[0, "proposed_category"] == "Hoàn thành nhiệm vụ"
    assert out.loc[0, "margin"] == pytest.approx(10.0)  # 40 is 10 points below "Trung bình" (50)
    assert out.loc[0, "reason_vi"].startswith("Kết quả văn hóa công sở 'Yếu' (40,0 điểm")
    assert out.loc[1, "reason_vi"] == "Giữ nguyên" and out.loc[4, "oc_level"] == "Chưa đánh giá"
    assert np.isnan(out.loc[4, "margin"])


def test_propose_ranking__just_inside_the_noise_band_is_review_far_is_proposed():
    # both units are rated HTXSNV and score "Trung bình" (< 70: at best level 2); noise SE 3 points,
    # band 1,96 × 3 = 5,9: A at 68 (2 points from 70) is within it, B at 60 (10 points from 50 and 70) outside
    rk = _rankings({"A": "HTXSNV", "B": "HTXSNV"} | {f"X{i}": "HTTNV" for i in range(10)})
    oc = _oc({"A": (68.0, "Trung bình", 3.0), "B": (60.0, "Trung bình", 3.0)})
    out = ranking.propose_ranking(rk, oc, 2018, _rules()).set_index("unit_id")
    assert out.loc["A", "status"] == "review" and out.loc["A", "margin"] == pytest.approx(2.0)
    assert "Cần xem xét" in out.loc["A", "reason_vi"]
    assert out.loc["B", "status"] == "proposed" and out.loc["B", "margin"] == pytest.approx(10.0)
    assert out.loc["B", "proposed_level"] == 2


def test_propose_ranking__unknown_noise_means_every_near_threshold_is_review():
    rk = _rankings({"A": "HTTNV", "B": "HTTNV"})
    oc = _oc({"A": (49.0, "Yếu", np.nan), "B": (90.0, "Tốt", np.nan)})
    out = ranking.propose_ranking(rk, oc, 2018, _rules()).set_index("unit_id")
    assert out.loc["A", "status"] == "review" and out.loc["B", "status"] == "review"
    assert "chưa ước được độ dao động" in out.loc["A", "reason_vi"]


def test_propose_ranking__excellent_share_capped_keeping_best_office_culture():
    units = {f"U{i}": "HTXSNV" for i in range(1, 4)} | {f"U{i}": "HTTNV" for i in range(4, 11)}
    rk = _rankings(units)
    oc = _oc({"U1": (86.0, "Tốt"), "U2": (95.0, "Tốt"), "U3": (90.0, "Tốt")})
    out = ranking.propose_ranking(rk, oc, 2018, rules=_rules(excellent_cap_base="all"))
    top = out[out["proposed_level"] == 1]["unit_id"].tolist()
    assert top == ["U2", "U3"]  # 20% of 10 units
    demoted = out.set_index("unit_id").loc["U1"]
    assert demoted["changed"] and demoted["proposed_category"] == "Hoàn thành tốt nhiệm vụ"
    assert demoted["status"] == "proposed"
    assert "20%" in demoted["reason_vi"] and "tổng số tổ chức" in demoted["reason_vi"]


def _rules(**override) -> Ranking:
    return Settings.from_values({"ranking": override}).ranking


def test_propose_ranking__cap_base_all_or_httnv_gives_different_limits():
    # 20 units: 4 HTXSNV, 6 HTTNV, 10 HTNV. Base "all": 20% of 20 = 4 stay at level 1;
    # base "httnv" (levels 1–2): 20% of 10 = 2 stay.
    units = ({f"A{i}": "HTXSNV" for i in range(4)} | {f"B{i}": "HTTNV" for i in range(6)}
             | {f"C{i:02d}": "HTNV" for i in range(10)})
    rk = _rankings(units)
    oc = _oc({f"A{i}": (95.0 - i, "Tốt") for i in range(4)})
    on_all = ranking.propose_ranking(rk, oc, 2018, rules=_rules(excellent_cap_base="all"))
    on_good = ranking.propose_ranking(rk, oc, 2018, rules=_rules(excellent_cap_base="httnv"))
    assert (on_all["proposed_level"] == 1).sum() == 4
    assert on_good[on_good["proposed_level"] == 1]["unit_id"].tolist() == ["A0", "A1"]
    reason = on_good.set_index("unit_id").loc["A3", "reason_vi"]
    assert "Hoàn thành tốt nhiệm vụ\u201d trở lên (tối đa 2 trong 10" in reason
    assert ranking.excellent_cap([1, 1, 2, 3, 3], "all", 0.2) == (1, 5)
    assert ranking.excellent_cap([1, 1, 2, 3, 3], "httnv", 0.2) == (0, 3)
    with pytest.raises(ValueError):
        ranking.excellent_cap([1], "everyone", 0.2)


def test_propose_ranking__no_share_cap_before_qd132():
    rk = _rankings({"A": "TSVM", "B": "TSVM", "C": "HTTNV"}, year=2017)
    out = ranking.propose_ranking(rk, _oc({}, 2017), 2017, _rules())
    assert out["proposed_level"].tolist() == [1, 1, 2] and not out["changed"].any()
    assert out["proposed_category"].tolist() == ["Trong sạch, vững mạnh", "Trong sạch, vững mạnh",
                                                  "Hoàn thành tốt nhiệm vụ"]


def test_propose_ranking__is_reproducible_and_sorted():
    rk = _rankings({"B": "HTXSNV", "A": "HTXSNV", "C": "HTTNV"})
    oc = _oc({"A": (90.0, "Tốt"), "B": (90.0, "Tốt")})
    first = ranking.propose_ranking(rk, oc, 2018, _rules())
    pd.testing.assert_frame_equal(first, ranking.propose_ranking(rk.iloc[::-1], oc.iloc[::-1], 2018, _rules()))
    assert first["unit_id"].tolist() == ["A", "B", "C"]
    assert first["proposed_level"].tolist() == [2, 2, 2]  # 20% of 3 units rounds down to 0


def test_office_culture_result__works_without_any_unit_reports():
    import pandas as pd

    from vhcs_analysis import tables
    from vhcs_analysis.ranking import office_culture_result

    inspections = tables.conform(pd.DataFrame({
        "unit_id": ["U1"], "round_id": ["2018-1"], "inspection_date": ["2018-05-01"], "kind": ["Kiểm tra"],
        "total_score": [80.0], "source_file": ["a.xlsx"]}), "inspections")
    out = office_culture_result(inspections, tables.empty("unit_reports"), 2018, package_defaults())
    assert out["unit_id"].tolist() == ["U1"]
    assert out["n_reports"].tolist() == [0]
    assert out["oc_score"].tolist() == [80.0]


def test_band_multiplier__student_t_on_the_noise_degrees_of_freedom():
    assert ranking.band_multiplier(1.96, 1) == pytest.approx(12.7, abs=0.05)
    assert ranking.band_multiplier(1.96, 10) == pytest.approx(2.23, abs=0.01)
    assert ranking.band_multiplier(1.96, np.inf) == 1.96
    assert np.isnan(ranking.band_multiplier(1.96, 0))


def test_propose_ranking__noise_sd_on_one_degree_of_freedom_sends_a_near_unit_to_review():
    """Issue 22's reproduction: unit A inspected twice, 0,5 apart (noise SD 0,35 on 1 df);
    unit B, inspected once, 2 points under a threshold that changes its ranking."""
    insp = pd.DataFrame({"unit_id": ["A", "A", "B"], "total_score": [80.0, 80.5, 68.0],
                         "inspection_date": pd.to_datetime(["2018-03-01", "2018-09-01", "2018-05-01"])})
    sd, df = ranking.inspection_noise_sd(insp)
    assert sd == pytest.approx(0.3536, abs=1e-3) and df == 1
    reports = pd.DataFrame({"unit_id": pd.Series(dtype=str), "period": pd.Series(dtype=str)})
    oc = ranking.office_culture_result(insp, reports, 2018, package_defaults())
    assert oc.set_index("unit_id").loc["B", "oc_df"] == 1
    rk = _rankings({"A": "HTTNV", "B": "HTXSNV"} | {f"X{i}": "HTTNV" for i in range(10)})
    out = ranking.propose_ranking(rk, oc, 2018, _rules()).set_index("unit_id")
    assert out.loc["B", "status"] == "review"
    assert "1 bậc tự do" in out.loc["B", "reason_vi"] and "cần ít nhất 10" in out.loc["B", "reason_vi"]
