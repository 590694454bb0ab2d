"""review: the notebooks' glue — tables, deterministic outputs, generated prose."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from vhcs_analysis import review, tables
from vhcs_analysis.config import SAMPLE_MARK, get_paths
from vhcs_analysis.settings import package_defaults


def _data(manifest=None, **frames) -> review.ReviewData:
    parts = {name: tables.conform(frames[name], name) if name in frames else tables.empty(name)
             for name in review.PROCESSED_TABLES}
    return review.ReviewData(**parts, manifest=manifest or {}, settings=package_defaults())


@pytest.fixture
def paths(tmp_path):
    return get_paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / "reports")


def _rejects(codes):
    return pd.DataFrame({"source_file": [f"f{i % 2}.xlsx" for i in range(len(codes))], "reason_code": codes,
                         "message": "x"})


def test_dq_rejects_by_reason__counts_most_frequent_first_with_vietnamese_label():
    data = _data(rejects=_rejects(["negative_count", "unknown_unit", "unknown_unit"]))
    out = review.dq_rejects_by_reason(data)
    assert out["reason_code"].tolist() == ["unknown_unit", "negative_count"]
    assert out["n_rows"].tolist() == [2, 1]
    assert out["n_files"].tolist() == [2, 1]
    assert out["reason_vi"].iloc[0] == review.REASON_LABELS_VI["unknown_unit"]


def test_dq_files__skipped_files_counted_apart_from_used():
    manifest = {"files": [
        {"path": "a.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 5, "rows_kept": 4, "rows_rejected": 1},
        {"path": "b.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 3, "rows_kept": 3, "rows_rejected": 0},
        {"path": "notes.docx", "kind": "", "status": "skipped", "reason": "không nhận ra"},
    ]}
    out = review.dq_files(_data(manifest))
    used = out[out["status"] == "used"].iloc[0]
    assert (used["n_files"], used["rows_read"], used["rows_kept"], used["rows_rejected"]) == (2, 8, 7, 1)
    skipped = review.dq_skipped_files(_data(manifest))
    assert skipped.to_dict("records") == [{"source_file": "notes.docx", "reason": "không nhận ra"}]


def test_save_table__rounded_sorted_as_given_no_index_and_identical_twice(paths):
    df = pd.DataFrame({"indicator": ["b", "a"], "estimate": [1.23456789, -0.5], "p_value": [0.012345678, 1.0]})
    first = review.save_table(df, "did", paths).read_bytes()
    second = review.save_table(df, "did", paths).read_bytes()
    assert first == second
    assert first.decode("utf-8") == "indicator,estimate,p_value\nb,1.235,0.0123\na,-0.5,1.0\n"


def test_update_key_numbers__keeps_other_sections_and_marks_sample(paths):
    data = _data({"is_sample": True})
    review.update_key_numbers(data, "data_quality", {"rows_read": 10}, paths)
    review.update_key_numbers(data, "ranking", {"n_up": 2, "share": float("nan")}, paths)
    numbers = json.loads((paths.tables / "key_numbers.json").read_text("utf-8"))
    assert numbers["data_quality"] == {"rows_read": 10}
    assert numbers["ranking"] == {"n_up": 2, "share": None}
    assert numbers["is_sample"] is True
    assert numbers["sample_mark"] == SAMPLE_MARK


def test_update_key_numbers__spooled_updates_merge_to_the_bytes_of_updates_in_order(tmp_path, monkeypatch):
    from vhcs_analysis.review.output import KEY_NUMBERS_SPOOL_ENV, merge_key_numbers_spool

    data = _data({"is_sample": True})
    # (notebook, section, numbers), in notebook order; the later notebook overwrites "a"
    calls = [(1, "a", {"x": 1.23456}), (1, "b", {"y": float("nan")}), (2, "a", {"x": 2}), (2, "c", [1, 2])]
    serial, spooled = (get_paths(raw=tmp_path / "raw", processed=tmp_path / "processed", reports=tmp_path / name)
                       for name in ("serial", "spooled"))
    for target in (serial, spooled):  # a section left by an earlier run stays, as before
        review.write_key_numbers({"old": {"z": 0}}, target)
    for _, section, numbers in calls:
        review.update_key_numbers(data, section, numbers, serial)
    spools = [tmp_path / "spool" / f"{n:03d}" for n in (1, 2)]
    returned = []
    # the second notebook may finish first: its updates are recorded before the first's
    for number, section, numbers in sorted(calls, key=lambda c: -c[0]):
        spools[number - 1].mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(KEY_NUMBERS_SPOOL_ENV, str(spools[number - 1]))
        returned.append(review.update_key_numbers(data, section, numbers, spooled))
    monkeypatch.delenv(KEY_NUMBERS_SPOOL_ENV)
    assert json.loads((spooled.tables / "key_numbers.json").read_text("utf-8")) == {"old": {"z": 0}}
    assert merge_key_numbers_spool(spools) == [(spooled.tables / "key_numbers.json").resolve()]
    assert returned == [{"x": 2}, [1, 2], {"x": 1.2346}, {"y": None}]  # as written (rounded, NaN → null)
    written = (spooled.tables / "key_numbers.json").read_bytes()
    assert written == (serial.tables / "key_numbers.json").read_bytes()
    assert json.loads(written)["a"] == {"x": 2}


def test_save_report_figure__sample_data_gets_the_mark_real_data_does_not(paths):
    from vhcs_analysis import plots

    frame = pd.DataFrame({"reason_vi": ["Số âm"], "n_rows": [3]})
    marked = review.save_report_figure(plots.rejects_bar(frame), "a", is_sample=True, paths=paths)
    plain = review.save_report_figure(plots.rejects_bar(frame), "b", is_sample=False, paths=paths)
    assert SAMPLE_MARK in marked.read_text("utf-8")
    assert SAMPLE_MARK not in plain.read_text("utf-8")


def test_display_frame__vietnamese_headers_and_numbers():
    df = pd.DataFrame({"group": ["pilot"], "estimate": [1234.5678], "p_value": [0.0004]})
    out = review.display_frame(df)
    assert out.columns.tolist() == ["Nhóm", "Ước lượng", "p"]
    assert out.iloc[0].tolist() == ["Đơn vị điểm", "1.234,57", "< 0,001"]


def test_data_quality_text__numbers_come_from_the_manifest():
    manifest = {"files": [{"path": "a.xlsx", "kind": "form01_unit", "status": "ok", "rows_read": 1200,
                           "rows_kept": 1150, "rows_rejected": 50}]}
    text = review.data_quality_text(_data(manifest, rejects=_rejects(["negative_count"] * 50)))
    body = getattr(text, "data", text)
    assert "1.200 dòng" in body and "loại 50 dòng" in body


# ------------------------------------------------------------ a tiny processed folder

PERIODS = ["2016-H2", "2017-H1", "2017-H2", "2018-H1", "2018-H2"]


def _tiny_tables(n_blocks: int = 2, per_block: int = 4) -> dict[str, pd.DataFrame]:
    """Units in blocks (the first of each block a pilot), one report per unit and period,
    one inspection per unit and year, a ranking for 2018; pilots improve faster."""
    import numpy as np

    rng = np.random.default_rng(1)
    units, reports, inspections, rankings = [], [], [], []
    for b in range(n_blocks):
        for k in range(per_block):
            uid = f"U{b}{k}"
            pilot = k == 0
            units.append({"unit_id": uid, "unit_name": f"Đơn vị {b}{k}", "block": f"Khối {b}", "is_pilot": pilot,
                          "staff_count": 50})
            for t, period in enumerate(PERIODS):
                year, half = int(period[:4]), period[-1]
                studied = min(50, 20 + t * (8 if pilot else 5) + int(rng.integers(0, 3)))
                reports.append({
                    "unit_id": uid, "period": period, "form_version": "2017", "layout": "unit_form",
                    "report_date": pd.Timestamp(year, 6 if half == "1" else 12, 10) + pd.Timedelta(days=30 * (k == 3)),
                    "staff_total": 50, "staff_studied": studied, "action_programme": t > 0 or pilot,
                    "office_layout_done": t > 1, "dossiers_received": 100, "dossiers_on_time": 80 + t * 2 + k,
                    "dossiers_late": 20 - t * 2 - k, "complaints_conduct": 3 - (t > 2), "discipline_violations": 1,
                    "source_file": "a.xlsx"})
            for year, month in ((2017, 9), (2018, 9)):
                scores = {f"c{i:02d}": float(min(10, 6 + i % 3 + pilot + (year == 2018))) for i in range(1, 11)}
                total = sum(scores.values())
                inspections.append({"unit_id": uid, "round_id": f"{year}-1",
                                    "inspection_date": pd.Timestamp(year, month, 10), "kind": "Kiểm tra", **scores,
                                    "total_score": total, "criteria_sum": total,
                                    "rating": "Tốt" if total >= 85 else "Khá" if total >= 70 else "Trung bình",
                                    "violations_found": 0, "source_file": "b.xlsx"})
            rankings.append({"unit_id": uid, "year": 2018, "category": "Hoàn thành xuất sắc nhiệm vụ",
                             "scheme": "qd132", "level": 1, "source_file": "c.xlsx"})
    return {"units": pd.DataFrame(units), "unit_reports": pd.DataFrame(reports),
            "inspections": pd.DataFrame(inspections), "rankings": pd.DataFrame(rankings)}


@pytest.fixture(scope="module")
def tiny():
    return _data({"is_sample": False, "files": []}, **_tiny_tables())


def test_completeness__late_reports_counted_per_period(tiny):
    out = review.completeness(tiny)
    assert out["period"].tolist() == PERIODS
    # the last unit of each block reports a month late in every period
    assert out["n_late"].tolist() == [2] * 5
    assert (out["n_on_time"] + out["n_late"] + out["n_undated"] + out["n_missing"] == out["n_expected"]).all()


def test_on_time_rate__pooled_over_dossiers_not_averaged_over_units(tiny):
    out = review.on_time_rate(tiny)
    row = out[(out["period"] == "2016-H2") & (out["group"] == "all")].iloc[0]
    assert row["dossiers_on_time"] == 652 and row["dossiers_late"] == 148
    assert row["on_time_rate"] == pytest.approx(100 * 652 / 800)


def test_rollout__all_group_pools_pilots_and_rest(tiny):
    out = review.rollout(tiny)
    at = out[(out["period"] == "2016-H2") & (out["measure"] == "action_programme_share")].set_index("group")
    assert at.loc["pilot", "value"] == 100.0 and at.loc["rest", "value"] == 0.0
    assert at.loc["all", "value"] == 25.0 and at.loc["all", "n_units"] == 8


def test_pilot_effects__one_row_per_compared_indicator_with_holm_and_verdict(tiny):
    out = review.pilot_effects(tiny)
    assert out["indicator"].tolist() == review.compared_indicators(package_defaults())
    assert {"p_holm", "verdict", "reason_vi", "did_estimate", "adj_estimate"} <= set(out.columns)
    assert out["verdict"].isin(["better", "worse", "no_evidence", "not_comparable", "no_data"]).all()


def test_inspection_criteria__ten_criteria_for_each_group(tiny):
    out = review.inspection_criteria(tiny)
    assert len(out) == 20
    c01 = out[out["criterion"] == "c01"].set_index("group")["mean_score"]
    assert c01["pilot"] > c01["rest"]


def test_ranking_proposal__excellent_share_capped(tiny):
    out = review.ranking_proposal(tiny)
    assert (out["level_proposed"] == 1).sum() <= 0.2 * len(out)
    assert review.ranking_transition(out)["n_units"].sum() == len(out)


def test_ranking_proposal__contract_columns_and_status(tiny):
    out = review.ranking_proposal(tiny)
    assert {"unit_id", "year", "level_current", "level_proposed", "culture_score", "margin", "status",
            "reason_vi"} <= set(out.columns)
    assert set(out["status"]) <= {"proposed", "review", "unchanged"}
    numbers = review.ranking_numbers(tiny, out, review.good_practices(tiny))
    assert numbers["n_down"] + numbers["n_up"] + numbers["n_review"] + numbers["n_same"] == len(out)
    assert numbers["rules"]["excellent_cap_base"] in ("all", "httnv")


def test_good_practices__contract_columns_even_when_empty(tiny):
    out = review.good_practices(tiny)
    assert {"unit_id", "indicator", "baseline_value", "post_value", "change", "evidence",
            "reason_vi"} <= set(out.columns)


# ------------------------------------------------------------ the notebooks themselves

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook__thin_no_def_no_paths_at_most_one_ignore(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and not any("def " in c.source or "%pip" in c.source for c in code)
    assert sum("NBVAL_IGNORE_OUTPUT" in c.source for c in code) <= 1
    # nbval runs cells outside IPython's history, so a trailing ';' does not silence them there
    assert not any(c.source.rstrip().endswith(";") for c in code)
    outputs = json.dumps([c.get("outputs", []) for c in code], ensure_ascii=False)
    assert "/work/" not in outputs and "/tmp/" not in outputs and " at 0x" not in outputs
    assert '"name": "stderr"' not in outputs


def test_sample_notice__sample_says_so_real_data_does_not():
    sample = getattr(review.sample_notice(_data({"is_sample": True})), "data", "")
    real = getattr(review.sample_notice(_data({"is_sample": False})), "data", "")
    assert SAMPLE_MARK in sample
    assert SAMPLE_MARK not in real and "6 tháng cuối năm 2016" in real


def test_method_vi__exact_and_monte_carlo_in_vietnamese():
    assert review.method_vi("stratified DiD, exact randomisation inference (N=800)") == \
        "chênh lệch của chênh lệch theo khối; kiểm định hoán vị đủ 800 cách gán"
    assert "20.000 lần rút ngẫu nhiên trong 5.174.400" in review.method_vi(
        "stratified DiD, Monte Carlo randomisation inference (R=20000 of N=5174400)")


def test_dq_findings__counted_per_code_with_vietnamese_label():
    findings = pd.DataFrame({"source_file": ["a.xlsx", "b.xlsx", "a.xlsx"],
                             "finding_code": ["total_mismatch", "total_mismatch", "fuzzy_match"], "message": "x"})
    out = review.dq_findings(_data(findings=findings))
    assert out[["finding_code", "n_rows", "n_files"]].values.tolist() == [["total_mismatch", 2, 2],
                                                                          ["fuzzy_match", 1, 1]]
    assert out["finding_vi"].iloc[0] == review.FINDING_LABELS_VI["total_mismatch"]


def test_report_inputs_doc__lists_exactly_what_the_notebooks_write():
    import re

    import nbformat

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "report-inputs.md").read_text("utf-8")
    documented = (set(re.findall(r"`tables/(\w+)\.csv`", doc))
                  | {f"fig:{n}" for n in re.findall(r"`figures/(\w+)\.svg`", doc)})
    written = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                written |= set(re.findall(r'publish_table\(.*, "(\w+)"\)', cell.source))
                written |= {f"fig:{n}" for n in re.findall(r'publish_figure\(.*, "(\w+)", data\)', cell.source)}
    assert documented - {"NAME", "fig:NAME"} == written
