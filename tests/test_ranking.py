"""Ranking: category map, office-culture result, proposal rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import ranking, tables


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
    assert ranking.classify_category(text, year) == expected


def test_classify_category__decomposed_unicode_matches_composed():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Hoàn thành xuất sắc nhiệm vụ")
    assert ranking.classify_category(nfd, 2018) == ("qd132", 1, "Hoàn thành xuất sắc nhiệm vụ")


def test_classify_category__shared_name_takes_scheme_of_year():
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2017)[0] == "pre2018"
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2018)[0] == "qd132"


@pytest.mark.parametrize("text", ["Xuất sắc lắm", "", None, "Hoàn thành"])
def test_classify_category__unknown_raises_with_reason_code(text):
    with pytest.raises(ranking.UnknownCategoryError) as info:
        ranking.classify_category(text, 2018)
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


def test_office_culture_result__combines_inspections_and_reports_of_the_year():
    insp = _inspections([("A", "2018-03-01", 90.0), ("A", "2018-10-01", 80.0), ("B", "2018-05-01", 40.0),
                         ("C", "2017-05-01", 99.0)])
    reports = tables.conform(pd.DataFrame({
        "unit_id": ["A", "A"], "period": ["2018-H1", "2018-H2"], "form_version": "2018", "layout": "unit_form",
        "staff_total": [10, 10], "staff_studied": [10, 5], "action_programme": [True, True],
        "office_layout_done": [True, True], "dossiers_on_time": [9, 10], "dossiers_late": [1, 0],
        "complaints_conduct": [0, 0], "discipline_violations": [0, 0], "source_file": "a.xlsx"}), "unit_reports")
    out = ranking.office_culture_result(insp, reports, 2018, units=pd.DataFrame({"unit_id": ["A", "B", "C"]}))
    # report index of A (weights without inspections: on-time .15, complaints .15, violations .15,
    # study .10): H1 (15·90 + 15·100 + 15·100 + 10·100)/55; H2 (15·100 + 15·100 + 15·100 + 10·50)/55
    report_index = ((15 * 90 + 15 * 100 + 15 * 100 + 10 * 100) / 55 + (15 * 100 + 15 * 100 + 15 * 100 + 10 * 50) / 55) / 2
    expected = pd.DataFrame({
        "unit_id": ["A", "B", "C"], "year": pd.array([2018] * 3, dtype="Int64"),
        "inspection_score": [85.0, 40.0, np.nan], "n_inspections": pd.array([2, 1, 0], dtype="Int64"),
        "report_index": [report_index, np.nan, np.nan], "n_reports": pd.array([2, 0, 0], dtype="Int64"),
        "oc_score": [(85.0 + report_index) / 2, 40.0, np.nan], "oc_level": ["Tốt", "Yếu", "Chưa đánh giá"]})
    pd.testing.assert_frame_equal(out, expected)


def _rankings(categories, year=2018) -> pd.DataFrame:
    rows = []
    for uid, text in categories.items():
        scheme, level, _ = ranking.classify_category(text, year)
        rows.append({"unit_id": uid, "year": year, "category": text, "scheme": scheme, "level": level,
                     "source_file": "x.xlsx"})
    return tables.conform(pd.DataFrame(rows), "rankings")


def _oc(levels: dict[str, tuple[float, str]], year=2018) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": list(levels), "year": year,
                         "oc_score": [v[0] for v in levels.values()], "oc_level": [v[1] for v in levels.values()]})


def test_propose_ranking__weak_office_culture_caps_the_level():
    rk = _rankings({"A": "HTXSNV", "B": "HTTNV", "C": "HTTNV", "D": "KHTNV", "E": "HTTNV"})
    oc = _oc({"A": (40.0, "Yếu"), "B": (60.0, "Trung bình"), "C": (30.0, "Yếu"), "D": (30.0, "Yếu")})
    out = ranking.propose_ranking(rk, oc, 2018)
    assert out["proposed_level"].tolist() == [3, 2, 3, 4, 2]
    assert out["changed"].tolist() == [True, False, True, False, False]
    assert out.loc[0, "proposed_category"] == "Hoàn thành nhiệm vụ"
    assert out.loc[0, "reason_vi"].startswith("Kết quả văn hóa công sở 'Yếu' (40,0 điểm)")
    assert out.loc[1, "reason_vi"] == "Giữ nguyên" and out.loc[4, "oc_level"] == "Chưa đánh giá"


def test_propose_ranking__excellent_share_capped_keeping_best_office_culture():
    units = {f"U{i}": "HTXSNV" for i in range(1, 4)} | {f"U{i}": "HTTNV" for i in range(4, 11)}
    rk = _rankings(units)
    oc = _oc({"U1": (86.0, "Tốt"), "U2": (95.0, "Tốt"), "U3": (90.0, "Tốt")})
    out = ranking.propose_ranking(rk, oc, 2018)
    top = out[out["proposed_level"] == 1]["unit_id"].tolist()
    assert top == ["U2", "U3"]  # 20% of 10 units
    demoted = out.set_index("unit_id").loc["U1"]
    assert demoted["changed"] and demoted["proposed_category"] == "Hoàn thành tốt nhiệm vụ"
    assert "20%" in demoted["reason_vi"]


def test_propose_ranking__no_share_cap_before_qd132():
    rk = _rankings({"A": "TSVM", "B": "TSVM", "C": "HTTNV"}, year=2017)
    out = ranking.propose_ranking(rk, _oc({}, 2017), 2017)
    assert out["proposed_level"].tolist() == [1, 1, 2] and not out["changed"].any()
    assert out["proposed_category"].tolist() == ["Trong sạch, vững mạnh", "Trong sạch, vững mạnh",
                                                  "Hoàn thành tốt nhiệm vụ"]


def test_propose_ranking__is_reproducible_and_sorted():
    rk = _rankings({"B": "HTXSNV", "A": "HTXSNV", "C": "HTTNV"})
    oc = _oc({"A": (90.0, "Tốt"), "B": (90.0, "Tốt")})
    first = ranking.propose_ranking(rk, oc, 2018)
    pd.testing.assert_frame_equal(first, ranking.propose_ranking(rk.iloc[::-1], oc.iloc[::-1], 2018))
    assert first["unit_id"].tolist() == ["A", "B", "C"]
    assert first["proposed_level"].tolist() == [2, 2, 2]  # 20% of 3 units rounds down to 0


def test_good_practice_candidates__flags_a_large_improvement_beyond_noise_only():
    from vhcs_analysis import compare

    periods = ("2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2")
    panel = compare.simulate_panel(0, periods=periods, heteroskedastic=False)
    panel.loc[(panel["unit_id"] == "U020") & (panel["period"] == "2018-H2"), "y"] += 40.0
    out = ranking.good_practice_candidates(panel, "y", "2016-H2", "2018-H2")
    assert out["unit_id"].tolist() == ["U020"]
    row = out.iloc[0]
    assert row["excess"] > row["threshold"] >= 3.0 * row["noise_sd"]
    assert "nhân rộng" in row["reason_vi"]
    everyone = ranking.good_practice_candidates(panel, "y", "2016-H2", "2018-H2", include_all=True)
    assert len(everyone) == 66 and everyone["is_candidate"].sum() == 1


def test_good_practice_candidates__lower_is_better_indicator_counts_a_fall_as_improvement():
    from vhcs_analysis import compare

    periods = ("2016-H2", "2017-H1", "2018-H2")
    panel = compare.simulate_panel(1, periods=periods, heteroskedastic=False, noise_sd=0.2, unit_sd=1.0,
                                   block_sd=0.5, block_period_sd=0.1).rename(columns={"y": "complaints_per_100"})
    panel["complaints_per_100"] -= 55.0
    panel.loc[(panel["unit_id"] == "U003") & (panel["period"] == "2018-H2"), "complaints_per_100"] -= 4.0
    out = ranking.good_practice_candidates(panel, "complaints_per_100", "2016-H2", "2018-H2")
    assert out["unit_id"].tolist() == ["U003"] and out.iloc[0]["change"] < out.iloc[0]["reference_change"]


def test_good_practice_candidates__return_from_a_bad_baseline_is_not_a_candidate():
    from vhcs_analysis import compare

    periods = ("2016-H2", "2017-H1", "2018-H2")
    panel = compare.simulate_panel(2, periods=periods, heteroskedastic=False)
    bad_start = (panel["unit_id"] == "U030") & (panel["period"] == "2016-H2")
    post = (panel["unit_id"] == "U030") & (panel["period"] == "2018-H2")
    panel.loc[bad_start, "y"] -= 60.0  # far below everyone at baseline …
    panel.loc[post, "y"] = panel.loc[panel["period"] == "2018-H2", "y"].min()  # … and still the lowest
    out = ranking.good_practice_candidates(panel, "y", "2016-H2", "2018-H2", include_all=True)
    row = out.set_index("unit_id").loc["U030"]
    assert row["excess"] > row["threshold"] and not row["ends_better"] and not row["is_candidate"]


def test_office_culture_result__works_without_any_unit_reports():
    import pandas as pd

    from vhcs_analysis import tables
    from vhcs_analysis.ranking import office_culture_result

    inspections = tables.conform(pd.DataFrame({
        "unit_id": ["U1"], "round_id": ["2018-1"], "inspection_date": ["2018-05-01"], "kind": ["Kiểm tra"],
        "total_score": [80.0], "source_file": ["a.xlsx"]}), "inspections")
    out = office_culture_result(inspections, tables.empty("unit_reports"), 2018)
    assert out["unit_id"].tolist() == ["U1"]
    assert out["n_reports"].tolist() == [0]
    assert out["oc_score"].tolist() == [80.0]
