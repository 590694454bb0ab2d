"""The row walker (clean/rows.py): one decision per row kind, the same for every reader."""

import datetime as dt
from functools import partial

import pytest
from helpers_core import limits, write_registry

from vhcs_analysis.clean import form01, form02, rankings
from vhcs_analysis.clean.core import Context
from vhcs_analysis.clean.rows import RowKind, data_rows, walk_indicators, walk_records
from vhcs_analysis.settings import load
from vhcs_analysis.io.files import Sheet
from vhcs_analysis.io.locate import prepare
from vhcs_analysis.io.recognise import find_tables
from vhcs_analysis.registry import Registry, read_units

K = RowKind

# one layout per reader: title lines, header, and the values of a unit row
LAYOUTS = {
    "form01_consolidated": (["BẢNG TỔNG HỢP 6 THÁNG CUỐI NĂM 2016"],
                            ["STT", "Tên đơn vị", "Tổng số CBCCVC", "Số đảng viên", "Ghi chú"], [80, 50]),
    "form02": (["Biểu số 02-VHCS", "KẾT QUẢ KIỂM TRA, GIÁM SÁT ĐỢT 1 NĂM 2017"],
               ["STT", "Tên đơn vị", "Ngày kiểm tra", "Hình thức", "Tổng điểm", "Ghi chú"],
               [dt.datetime(2017, 5, 10), "Kiểm tra", 90]),
    "rankings": (["KẾT QUẢ XẾP LOẠI TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2017"],
                 ["STT", "Tên đơn vị", "Xếp loại", "Ghi chú"], ["Hoàn thành tốt nhiệm vụ"]),
}
# the same odd rows around two unit rows, for every layout: (what the walker must say, row)
ODD_ROWS = [
    (K.HEADER_ECHO, lambda n: [f"({i})" for i in range(1, n + 3)]),
    (K.GROUP, lambda n: ["I.", "Khối các cơ quan Đảng", *[None] * n, None]),
    (K.DATA, None),  # Sở Nội vụ
    (K.BLANK, lambda n: [None] * (n + 3)),
    (K.NOTE, lambda n: [None, None, *[None] * n, "Số liệu tạm tính"]),
    (K.GROUP, None),  # "II." without a name, with numbers: a group's subtotal
    (K.GROUP, lambda n: [None, "Khối chính quyền", *[None] * n, None]),  # a heading without a number
    (K.DATA, None),  # Sở Tài chính
    (K.TOTAL, None),
    (K.BLANK, lambda n: [None] * (n + 3)),
]


def _grid(kind: str, extra: list[list] | None = None):
    titles, header, values = LAYOUTS[kind]
    n = len(values)
    rows = [[t, *[None] * (n + 2)] for t in titles] + [header]
    for odd, make in ODD_ROWS:
        if make is not None:
            rows.append(make(n))
        elif odd is K.TOTAL:
            rows.append([None, "Tổng cộng", *values, None])
        elif odd is K.GROUP:
            rows.append(["II.", None, *values, None])
        else:
            rows.append([len([r for r in rows if isinstance(r[0], int)]) + 1,
                         "Sở Nội vụ" if not any(r[1] == "Sở Nội vụ" for r in rows) else "Sở Tài chính", *values, None])
    rows += extra or []
    rows += [[None, "NGƯỜI LẬP BIỂU", *[None] * (n + 1)], [None, "Trần Văn Lập", *[None] * (n + 1)]]
    grid = prepare(Sheet("S", rows))
    (table,) = find_tables(grid).tables
    assert table.kind == kind
    return grid, table, len(titles)


def _value_cols(table, kind):
    if kind == "rankings":
        return [table.columns["category"]]
    return [c for f, c in table.columns.items() if f not in ("stt", "unit_name", "note")]


def _kinds(kind: str):
    grid, table, n_titles = _grid(kind)
    return [row.kind for row in walk_records(grid, table, value_cols=_value_cols(table, kind))], n_titles


EXPECTED = [K.HEADER] + [odd for odd, _ in ODD_ROWS] + [K.SIGNATURE, K.SIGNATURE]


@pytest.mark.parametrize("odd", sorted({*EXPECTED, K.TITLE} - {K.HEADER}))
def test_walk_records__each_row_kind_found_where_it_is(odd):
    kinds, n_titles = _kinds("form02")
    expected = [K.TITLE] * n_titles + EXPECTED
    assert [i for i, k in enumerate(kinds) if k is odd] == [i for i, k in enumerate(expected) if k is odd]


def test_walk_records__a_numbered_line_without_data_is_a_unit_row_unless_known_unit_says_no():
    grid, table, _ = _grid("form01_consolidated", extra=[[3, "Các đơn vị chưa gửi báo cáo", None, None, None]])
    cols = _value_cols(table, "form01_consolidated")
    last = [row.kind for row in walk_records(grid, table, value_cols=cols)][-3]
    assert last is K.DATA
    known = [row.kind for row in walk_records(grid, table, value_cols=cols, known_unit=lambda name: False)][-3]
    assert known is K.NOTE


READERS = {"form01_consolidated": form01.read_consolidated, "form02": form02.read_form02,
           "rankings": rankings.read_rankings}


@pytest.mark.parametrize("kind", sorted(READERS))
def test_every_reader_reads_exactly_the_walkers_data_rows(kind, tmp_path):
    """The same odd rows (column numbers, group heading, blank, note, a group's subtotal,
    total, signature) are skipped the same way by Form 01 consolidated, Form 02 and rankings."""
    settings = load()
    registry = Registry.from_settings(read_units(write_registry(tmp_path), limits=limits()), settings.cleaning)
    grid, table, n_titles = _grid(kind)
    batch = READERS[kind](grid, table, Context("f.xlsx", registry, settings))
    data = [i + 1 for i, (odd, _) in enumerate(ODD_ROWS) if odd is K.DATA]
    first = n_titles + 1  # 0-based row of the first odd row (after titles and header)
    assert batch.rows.tolist() == [first + i for i in data]
    assert batch.data["unit_id"] == ["U01", "U03"]


def _unit_form():
    rows = [
        ["Biểu số 01-VHCS", None, None, None, None],
        ["Đơn vị: Sở Nội vụ", None, None, None, None],
        ["Kỳ báo cáo: 6 tháng đầu năm 2018", None, None, None, None],
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["I.", "Học tập, quán triệt Nghị quyết", None, None, None],
        [1, "Tổng số cán bộ, công chức, viên chức, người lao động", "người", 80, None],
        [2, "Số đảng viên", "người", 50, None],
        [3, "Số đảng viên", "người", 51, None],
        [4, "Chỉ tiêu không có trong biểu", "người", 5, None],
        ["II.", None, None, None, None],
        [None, None, None, None, "đã đối chiếu"],
        [None, "Tổng cộng", None, 131, None],
        [None, None, None, None, None],
        ["NGƯỜI LẬP BIỂU", None, None, "T/M ĐẢNG ỦY", None],
    ]
    grid = prepare(Sheet("S", rows))
    (table,) = find_tables(grid).tables
    return grid, table


def test_walk_indicators__every_row_kind_of_a_per_unit_report():
    grid, table = _unit_form()
    cleaning = load().cleaning
    match = partial(form01.match_label, accept=cleaning.label_fuzzy_accept, margin=cleaning.label_fuzzy_margin)
    rows = list(walk_indicators(grid, table, match=match))
    assert [row.kind for row in rows] == [
        K.TITLE, K.TITLE, K.TITLE, K.HEADER, K.HEADER_ECHO, K.GROUP, K.DATA, K.DATA, K.REPEAT, K.DATA,
        K.GROUP, K.NOTE, K.TOTAL, K.BLANK, K.SIGNATURE,
    ]
    assert [row.indicator for row in data_rows(rows)] == ["staff_total", "party_members", None]


def test_read_unit_form__reads_the_walkers_data_rows(tmp_path):
    """The per-unit reader takes its indicator rows from the walker: the first of two
    "Số đảng viên" rows, the unknown label with a value rejected, headings and total ignored."""
    settings = load()
    registry = Registry.from_settings(read_units(write_registry(tmp_path), limits=limits()), settings.cleaning)
    grid, table = _unit_form()
    batch = form01.read_unit_form(grid, table, Context("a.xlsx", registry, settings))
    assert len(batch) == 1
    assert (batch.rows[0], batch.data["unit_id"][0], batch.data["staff_total"][0], batch.data["party_members"][0]) == (
        7, "U01", 80, 50)
    assert [(p.code, p.row) for p in batch.problems[0]] == [("unknown_label", 10)]


def test_row_predicates__called_only_by_the_walker():
    """Which rows are data is decided in clean/rows.py alone: no other module of the
    package classifies rows with the predicates of io/locate.py (io/ finds tables with them)."""
    import re
    from pathlib import Path

    import vhcs_analysis

    package = Path(vhcs_analysis.__file__).parent
    predicate = re.compile(r"\b(?:is_blank_row|is_colnum_row|is_group_marker|is_signature_row|total_row)\(")
    callers = sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py")
                     if path.parent.name != "io" and predicate.search(path.read_text("utf-8")))
    assert callers == ["clean/rows.py"]
