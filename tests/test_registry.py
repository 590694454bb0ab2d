import pandas as pd
import pytest
from helpers_core import REGISTRY, limits, write_registry

from vhcs_analysis.registry import Registry, RegistryError, read_units


@pytest.fixture
def registry(tmp_path):
    return Registry.from_frame(read_units(write_registry(tmp_path), limits=limits()), fuzzy_accept=90, n_candidates=3)


def test_read_units__typed_table(tmp_path):
    units = read_units(write_registry(tmp_path), limits=limits())
    assert list(units["unit_id"]) == ["U01", "U02", "U03", "U04"]
    assert units["is_pilot"].tolist() == [True, False, False, False]
    assert units["staff_count"].dtype == "Int64"


def test_resolve__exact_name(registry):
    assert (registry.resolve("Sở Nội vụ").unit_id, registry.resolve("Sở Nội vụ").method) == ("U01", "exact")


def test_resolve__upper_case_and_party_prefix_are_normalised(registry):
    for name in ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Đảng bộ Sở Giáo dục và Đào tạo", " Sở  giáo dục và đào tạo "):
        res = registry.resolve(name)
        assert res.unit_id == "U02" and res.method in ("normalised", "exact"), name


def test_resolve__abbreviation_through_alias(registry):
    res = registry.resolve("Sở GD - ĐT")
    assert (res.unit_id, res.method) == ("U02", "alias")


def test_resolve__typo_accepted_by_fuzzy_with_score(registry):
    res = registry.resolve("Sở Tài nguyên và Môi trườg")
    assert res.unit_id == "U04" and res.method == "fuzzy" and 90 <= res.score < 100


def test_resolve__unknown_name_rejected_with_candidates(registry):
    res = registry.resolve("Hội Người mù tỉnh")
    assert res.unit_id is None and res.method == "unknown"


def test_resolve__alias_shared_by_two_units_is_ambiguous(tmp_path):
    text = REGISTRY + "U05,Sở Tư pháp,STC,Hành chính – Tổng hợp,0,chi bộ cơ sở,30\n"
    reg = Registry.from_frame(read_units(write_registry(tmp_path, text), limits=limits()), fuzzy_accept=90,
                              n_candidates=3)
    res = reg.resolve("STC")
    assert res.unit_id is None and res.method == "ambiguous"
    assert {c[0] for c in res.candidates} == {"U03", "U05"}


def test_resolve__fuzzy_threshold_comes_from_the_caller(tmp_path):
    reg = Registry.from_frame(read_units(write_registry(tmp_path), limits=limits()), fuzzy_accept=99.5, n_candidates=2)
    res = reg.resolve("Sở Tài nguyên và Môi trườg")
    assert res.unit_id is None and res.candidates[0][0] == "U04"


def test_read_units__missing_column_names_the_file(tmp_path):
    write_registry(tmp_path, "unit_id,unit_name\nU01,Sở Nội vụ\n")
    with pytest.raises(RegistryError) as err:
        read_units(tmp_path / "units.csv", limits=limits())
    assert "block" in str(err.value) and "units.csv" in str(err.value)


def test_read_units__duplicate_id_names_row_and_column(tmp_path):
    write_registry(tmp_path, REGISTRY + "U01,Sở Y tế,,Văn hóa – Xã hội,0,,10\n")
    with pytest.raises(RegistryError) as err:
        read_units(tmp_path / "units.csv", limits=limits())
    assert err.value.location.row == 6 and err.value.location.column == "A"


def test_read_units__bad_pilot_flag_names_the_cell(tmp_path):
    write_registry(tmp_path, REGISTRY.replace("Hành chính – Tổng hợp,1", "Hành chính – Tổng hợp,có lẽ"))
    with pytest.raises(RegistryError) as err:
        read_units(tmp_path / "units.csv", limits=limits())
    assert (err.value.location.row, err.value.location.column) == (2, "E")


def test_registry__units_frame_round_trips(tmp_path):
    units = read_units(write_registry(tmp_path), limits=limits())
    assert isinstance(units, pd.DataFrame) and units["aliases"].iloc[1] == "Sở GD&ĐT;Sở GD-ĐT"


def test_read_units__staff_count_with_thousands_separator(tmp_path):
    write_registry(tmp_path, REGISTRY.replace("đảng bộ cơ sở,120", 'đảng bộ cơ sở,"1.234"'))
    assert read_units(tmp_path / "units.csv", limits=limits())["staff_count"].tolist()[1] == 1234


def test_read_units__staff_count_written_as_a_dash_is_missing_not_a_crash(tmp_path):
    # parse_int reads "-" as blank (None); the negative-count check compared None with 0
    write_registry(tmp_path, REGISTRY.replace("đảng bộ cơ sở,120", "đảng bộ cơ sở,-"))
    assert pd.isna(read_units(tmp_path / "units.csv", limits=limits())["staff_count"].tolist()[1])


def test_resolve__a_registry_name_inside_a_longer_name_is_not_accepted(registry):
    res = registry.resolve("Sở Tài chính tỉnh Nghệ An")
    assert res.unit_id is None and res.method == "unknown" and res.candidates[0][0] == "U03"


def test_read_units__unit_type_is_one_of_the_two_kinds_any_case(tmp_path):
    from vhcs_analysis.registry import UNIT_TYPES

    path = tmp_path / "units.csv"
    path.write_text("unit_id,unit_name,block,is_pilot,unit_type\n"
                    "U01,Sở Nội vụ,Hành chính – Tổng hợp,1,Đảng bộ cơ sở\n"
                    "U02,Sở Tài chính,Tài chính – Ngân hàng,0,\n", encoding="utf-8")
    units = read_units(path, limits=limits())
    assert units["unit_type"].tolist()[0] == UNIT_TYPES[0] and units["unit_type"].isna().tolist()[1]


def test_read_units__other_unit_type_names_the_cell_and_the_allowed_values(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("unit_id,unit_name,block,is_pilot,unit_type\nU01,Sở Nội vụ,Khối A,1,đảng ủy\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        read_units(path, limits=limits())
    assert "dòng 2" in str(info.value) and "cột E" in str(info.value)
    assert "'đảng bộ cơ sở' hoặc 'chi bộ cơ sở'" in str(info.value) and "'đảng ủy'" in str(info.value)
