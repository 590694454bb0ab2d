from helpers_core import rankings, write_registry

from vhcs_analysis.settings import load
from vhcs_analysis.pipeline import clean_folder


def _clean(raw):
    write_registry(raw)
    return clean_folder(raw, None, settings=load())


def test_rankings__year_from_each_title_and_one_scale(tmp_path):
    rankings(tmp_path / "r.xlsx", [("KẾT QUẢ XẾP LOẠI NĂM 2017", [["Sở Nội vụ", "Trong sạch, vững mạnh"]]),
                                   ("KẾT QUẢ XẾP LOẠI NĂM 2018", [["Sở Nội vụ", "Hoàn thành xuất sắc nhiệm vụ"],
                                                                  ["Sở Tài chính", "HTTNV"]])])
    rk = _clean(tmp_path).tables["rankings"]
    assert list(zip(rk.unit_id, rk.year, rk.scheme, rk.level)) == [
        ("U01", 2017, "pre2018", 1), ("U01", 2018, "qd132", 1), ("U03", 2018, "qd132", 2)]
    assert rk["category"].tolist()[2] == "HTTNV"


def test_rankings__year_column_wins_over_title(tmp_path):
    rankings(tmp_path / "r.xlsx", [("XẾP LOẠI", [["Sở Nội vụ", 2016, "TSVM"]])], with_year=True)
    assert _clean(tmp_path).tables["rankings"]["year"].tolist() == [2016]


def test_rankings__unknown_category_rejected_at_its_cell(tmp_path):
    rankings(tmp_path / "r.xlsx", [("XẾP LOẠI NĂM 2017", [["Sở Nội vụ", "Xuất sắc lắm"]])])
    rej = _clean(tmp_path).rejects.iloc[0]
    assert (rej.reason_code, rej.row, rej.column, rej.value) == ("unknown_category", 3, "C", "Xuất sắc lắm")


def test_rankings__no_year_anywhere_is_invalid_period(tmp_path):
    rankings(tmp_path / "r.xlsx", [("KẾT QUẢ XẾP LOẠI", [["Sở Nội vụ", "TSVM"]])])
    assert _clean(tmp_path).rejects["reason_code"].tolist() == ["invalid_period"]


def test_rankings__year_in_the_category_header(tmp_path):
    import openpyxl

    write_registry(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Tên đơn vị", "Xếp loại năm 2018", "Khối"])
    ws.append([1, "Sở Nội vụ", "HTXSNV", "Hành chính"])
    wb.save(tmp_path / "r.xlsx")
    res = clean_folder(tmp_path, None, settings=load())
    assert res.rejects.empty
    assert list(zip(res.tables["rankings"].year, res.tables["rankings"].scheme)) == [(2018, "qd132")]
