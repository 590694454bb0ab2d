"""Ranking: category map, office-culture result, proposal rules."""

from __future__ import annotations

import pandas as pd
import pytest

from vhcs_analysis import ranking


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
    nfd = "Hoàn thành xuất sắc nhiệm vụ".encode().decode()
    import unicodedata

    assert ranking.classify_category(unicodedata.normalize("NFD", nfd), 2018)[1] == 1


def test_classify_category__shared_name_takes_scheme_of_year():
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2017)[0] == "pre2018"
    assert ranking.classify_category("Hoàn thành nhiệm vụ", 2018)[0] == "qd132"


@pytest.mark.parametrize("text", ["Xuất sắc lắm", "", None, "Hoàn thành"])
def test_classify_category__unknown_raises_with_reason_code(text):
    with pytest.raises(ranking.UnknownCategoryError) as info:
        ranking.classify_category(text, 2018)
    assert info.value.reason_code == "unknown_category"
