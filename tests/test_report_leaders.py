"""The leaders' documents: the grades, one number with one meaning, bounded intervals,
public indices by publication date, pilots named, and the HD 36 form (font, page, sizes).

Fast tests work on the context functions and the Typst sources; the end-to-end ones read
the sample's built PDF (``built`` in test_report.py, marker ``e2e``) with pypdf.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vhcs_analysis import compare, fmt
from vhcs_analysis.config import package_defaults
from vhcs_analysis.labels import REASON_LABELS_VI
from vhcs_analysis.report import context as ctx
from vhcs_analysis.report import levels, readings
from vhcs_analysis.verdicts import VERDICT_VI
from test_report import _page_texts

REPORT_DIR = Path(ctx.__file__).resolve().parent
ROOT = REPORT_DIR.parents[1]
# words that belong to the methods appendix only (and file names that belong nowhere)
TECHNICAL = ("Holm", "KTC", "ANCOVA", "bootstrap", "randomisation", ".json", "docs/")
P_VALUE = re.compile(r"(?<!\w)p\s*[(=<]")  # "p (Holm)", "p = 0,03", "p < 0,001"
LEVELS_AND_CHANGE = re.compile(r"(-?[\d.]+,\d)%? → (-?[\d.]+,\d)%? \(([+-]?[\d.]+,\d)\)")


def _value(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def test_grades__are_the_shared_five_with_no_middle_grade():
    assert VERDICT_VI == {
        "better": "Đơn vị điểm chuyển biến rõ hơn", "worse": "Đơn vị điểm chuyển biến chậm hơn rõ",
        "no_evidence": "Chưa thấy khác biệt rõ", "not_comparable": "Không so sánh được", "no_data": "Không đủ số liệu"}


@pytest.mark.parametrize("low, high", [(-math.inf, math.inf), (-2.0, math.inf), (-10_378_691.2, 8_467_770.0),
                                       (-120.0, 5.0)])
def test_interval_text__never_infinite_nor_outside_the_indicator(low, high):
    text = readings.interval_text(low, high, span=100.0)
    assert text == readings.UNBOUNDED_VI and "∞" not in text


def test_interval_text__bounded_interval_printed_and_no_negative_zero():
    assert readings.interval_text(-0.04, 3.0, span=100.0) == "0,0 đến +3,0"
    assert fmt.signed(-0.04, 1) == "0,0" and fmt.number(-0.001, 1) == "0,0"


def test_outcome_rows__change_is_the_difference_of_the_printed_levels():
    effects = pd.DataFrame([{"indicator": "oc_index", "indicator_vi": "Chỉ số", "kind": "outcome",
                             "verdict": "no_evidence", "mde": 7.88, "reason_vi": "khoảng tin cậy chứa 0 (Holm)"},
                            {"indicator": "office_layout", "indicator_vi": "Bài trí", "kind": "adoption",
                             "verdict": "not_comparable", "reason_vi": "chỉ tiêu triển khai"}])
    lv = {"oc_index": levels.GroupLevels(69.649, 79.851, 63.649, 72.451, 7, 51, 7)}
    rows = readings.outcome_rows(effects, lv)
    first = rows[0]
    assert first["pilot"] == "69,6 → 79,9 (+10,3)" and first["rest"] == "63,6 → 72,5 (+8,9)"
    assert first["difference"] == "+1,4" and first["verdict_full"] == "Chưa thấy khác biệt rõ"
    assert first["units"] == "7 đơn vị điểm và 51 đơn vị khác"
    assert rows[1]["verdict_full"].startswith("Không so sánh được: ") and rows[1]["difference"] == fmt.MISSING
    assert not any(word in str(rows) for word in ("Holm", "KTC", "đến +"))


def test_outcome_rows__sensitivity_in_plain_words_when_the_column_exists():
    effects = pd.DataFrame([{"indicator": "study_rate", "indicator_vi": "Học tập", "kind": "outcome",
                             "verdict": "better", "sensitivity_gamma": 1.8}])
    row = readings.outcome_rows(effects, {"study_rate": levels.GroupLevels(50, 80, 47, 70, 7, 51, 7)})[0]
    assert row["verdict_full"].startswith(VERDICT_VI["better"] + ": ") and "1,8 lần" in row["verdict_full"]


def _panel(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(4):
        for u in range(5):
            uid, pilot = f"U{b}{u}", u == 0
            base = rng.normal(60, 5)
            rows.append({"unit_id": uid, "block": f"K{b}", "is_pilot": pilot, "period": "A", "y": base})
            rows.append({"unit_id": uid, "block": f"K{b}", "is_pilot": pilot, "period": "B",
                         "y": base + rng.normal(4 if pilot else 2, 2)})
    return pd.DataFrame(rows)


def test_group_levels__difference_of_changes_is_the_verdicts_estimate():
    panel = _panel()
    g = levels.group_levels(panel, "y", "A", "B", "equal")
    did = compare.pilot_effect(panel, "y", baseline="A", post="B", method="did", mc_draws=200)
    assert (g.pilot_post - g.pilot_base) - (g.rest_post - g.rest_base) == pytest.approx(did.estimate, abs=1e-9)
    assert (g.n_pilot, g.n_rest, g.n_blocks) == (4, 16, 4)


def test_public_indices__only_editions_published_by_the_report_date():
    import datetime as dt

    out = ctx.public_indices(package_defaults(), dt.date(2019, 1, 18))
    values = " ".join(r["values"] for r in out["rows"])
    assert "(2018)" not in values and "33 (2017)" in values
    assert "PCI 2018 (công bố 28/03/2019)" in out["note"] and "VCCI" in out["note"]
    later = ctx.public_indices(package_defaults(), dt.date(2019, 6, 30))
    assert "23 (2018)" in str(later["rows"]) and later["note"].startswith("Chỉ dẫn")


def test_unit_label__a_pilot_without_a_registry_name_is_named_by_its_id():
    assert ctx.unit_label("U52", None) == "U52 (chưa có tên trong danh mục)"
    assert ctx.unit_label("U52", "  ") == "U52 (chưa có tên trong danh mục)"
    assert ctx.unit_label("U52", "Kho bạc Nhà nước tỉnh") == "Kho bạc Nhà nước tỉnh"


def test_form__typst_follows_hd36_with_the_shipped_font_only():
    common = (REPORT_DIR / "common.typ").read_text("utf-8")
    assert "(top: 20mm, bottom: 20mm, left: 30mm, right: 15mm)" in common
    assert '#let serif = "Liberation Serif"' in common and "#let body-size = 13pt" in common
    assert "#let table-size = 11pt" in common and "#let accent = black" in common
    assert "DejaVu" not in common + (REPORT_DIR / "template.typ").read_text("utf-8")
    fonts = sorted(p.name for p in (REPORT_DIR / "fonts").iterdir())
    assert fonts == ["LiberationSerif-Bold.ttf", "LiberationSerif-BoldItalic.ttf", "LiberationSerif-Italic.ttf",
                     "LiberationSerif-Regular.ttf", "OFL.txt"]
    assert "SIL Open Font License" in (REPORT_DIR / "fonts" / "OFL.txt").read_text("utf-8")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "report/fonts/*" in data["tool"]["setuptools"]["package-data"]["vhcs_analysis"]


# ----------------------------------------------------------------------------- the built PDF (sample)


def _leaders_text(pages: list[str]) -> str:
    """The leaders' part: everything before the methods appendix."""
    text = " ".join(pages)
    return text[: text.index("Phụ lục A.", text.index("TÓM TẮT CHO LÃNH ĐẠO"))]


def check_leaders_text(pages: list[str]) -> None:
    text = _leaders_text(pages)
    for word in TECHNICAL:
        assert word not in text, word
    assert not P_VALUE.search(text), P_VALUE.search(text)
    for code in REASON_LABELS_VI:
        assert code not in text, code
    assert "sự thật nằm giữa" not in " ".join(pages)


def check_numbers(pages: list[str]) -> None:
    text = " ".join(pages)
    assert "∞" not in text and not re.search(r"-0,0(?!\d)", text)
    found = LEVELS_AND_CHANGE.findall(text)
    assert len(found) >= 10
    for before, after, change in found:
        assert round(_value(after) - _value(before), 1) == pytest.approx(_value(change)), (before, after, change)


def check_pilots_named(pages: list[str], processed: Path) -> None:
    units = pd.read_parquet(processed / "units.parquet")
    pilots = units[units["is_pilot"].astype(bool)]
    summary = " ".join(pages[1:4])
    for unit in pilots.itertuples():
        assert ctx.unit_label(unit.unit_id, unit.unit_name) in summary
        assert str(unit.block) in summary


@pytest.mark.e2e
def test_pdf__no_technical_terms_or_codes_in_the_leaders_text(built):
    check_leaders_text(built.pages)


@pytest.mark.e2e
def test_pdf__no_infinite_interval_negative_zero_and_every_change_is_the_difference(built):
    check_numbers(built.pages)


@pytest.mark.e2e
def test_pdf__every_pilot_named_with_its_block(built):
    check_pilots_named(built.pages, built.paths.processed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 23])
def test_pdf__number_rules_hold_on_other_seeds(tmp_path, seed):
    from vhcs_analysis.config import Paths
    from vhcs_analysis.report.build import build_pdf
    from vhcs_analysis.sample import write_sample

    paths = Paths(raw=tmp_path / "raw", processed=tmp_path / "out" / "processed", reports=tmp_path / "out")
    write_sample(paths.raw, seed=seed, truth_out=tmp_path / "truth")
    pages = _page_texts(build_pdf(paths))
    check_leaders_text(pages)
    check_numbers(pages)
    check_pilots_named(pages, paths.processed)


@pytest.mark.e2e
def test_pdf__liberation_serif_only_a4_and_the_annex_beside_it(built):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(built.pdf))
    names = set()
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    assert names and all(n.startswith("LiberationSerif") for n in names), names
    annex = built.pdf.with_name(ctx.ANNEX_NAME)
    annex_text = " ".join((p.extract_text() or "") for p in pypdf.PdfReader(str(annex)).pages)
    assert "PHỤ LỤC KỸ THUẬT" in annex_text and "SHA-256" in annex_text
    manifest = __import__("json").loads((built.paths.processed / "manifest.json").read_text("utf-8"))
    first = manifest["files"][0]["sha256"]
    assert first[:16] in annex_text.replace("\n", " ")
    main = " ".join(built.pages)
    # the provenance left the leaders' document: no hash, one paragraph naming the annex
    assert not re.search(r"[0-9a-f]{12}", main) and ctx.ANNEX_NAME in main
