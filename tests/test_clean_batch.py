"""clean.batch.RecordBatch: the column-wise checks give, record by record, the problems and
findings the record-by-record checks gave (the reference implementations below are the
per-record checks as they were before the batch), and a batch crosses processes small."""

from __future__ import annotations

import datetime as dt
import pickle
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis import tables
from vhcs_analysis.clean import form02
from vhcs_analysis.clean.batch import RecordBatch, name_uncalculated_formulas
from vhcs_analysis.clean.core import Problem, Record, as_date, raw_text
from vhcs_analysis.clean.form01 import FIELD_VI, check_unit_reports
from vhcs_analysis.io.locate import Grid, col_letter

RESOLUTION = dt.date(2016, 10, 10)
COUNT_FIELDS = [c.name for c in tables.FORM01_FIELDS if c.dtype == "Int64"]


# --- reference: the record-by-record checks -------------------------------------------------


def _problem_fields(rec: Record) -> list[str]:
    where = {(p.row, p.column) for p in rec.problems}
    return [f for f, (r, c, _) in rec.cells.items() if (r, c) in where]


def _check_unit_report(rec: Record) -> None:
    d = rec.data
    staff = d.get("staff_total")
    if staff is None and "staff_total" not in _problem_fields(rec):
        rec.problem("missing_required", "thiếu Tổng số cán bộ, công chức, viên chức, người lao động", "staff_total")
    for fld in COUNT_FIELDS:
        v = d.get(fld)
        if v is not None and v < 0:
            rec.problem("negative_count", f"số âm ({v}) ở chỉ tiêu '{FIELD_VI.get(fld, fld)}'", fld)
    if staff == 0:
        rec.problem("out_of_range", "tổng số cán bộ phải lớn hơn 0", "staff_total")
    rate = d.get("satisfaction_rate")
    if rate is not None and not (0 <= rate <= 100):
        rec.problem("out_of_range", f"tỷ lệ hài lòng {str(round(rate, 2)).replace('.', ',')}% nằm ngoài 0–100%",
                    "satisfaction_rate")
    for fld, of in tables.AT_MOST.items():
        total, v = d.get(of), d.get(fld)
        if v is None or total is None or v <= total or (of == "staff_total" and not total > 0) or total < 0:
            continue
        if fld == "staff_studied":
            rec.problem("studied_gt_staff", f"số đã học tập ({v}) lớn hơn tổng số cán bộ ({staff})", fld)
        elif of == "staff_total":
            rec.problem("count_gt_staff", f"'{FIELD_VI.get(fld, fld)}' ({v}) lớn hơn tổng số cán bộ ({staff})", fld)
        else:
            rec.problem("count_gt_total", f"'{FIELD_VI.get(fld, fld)}' ({v}) lớn hơn "
                        f"'{FIELD_VI.get(of, of)}' ({total})", fld)
    received, on_time = d.get("dossiers_received"), d.get("dossiers_on_time")
    if received is not None and on_time is not None and on_time > received:
        rec.problem("dossiers_inconsistent", f"số hồ sơ giải quyết đúng hạn ({on_time}) lớn hơn số hồ sơ tiếp nhận "
                    f"({received})", "dossiers_on_time")
    date = d.get("action_programme_date")
    if date is not None and as_date(date) < RESOLUTION:
        rec.problem("date_before_resolution", f"ngày ban hành chương trình hành động ({as_date(date):%d/%m/%Y}) "
                    f"trước ngày ban hành Nghị quyết ({RESOLUTION:%d/%m/%Y})", "action_programme_date")


def _check_inspection(rec: Record, tolerance, ratings, thresholds) -> None:
    d = rec.data
    bad = set(_problem_fields(rec))
    if d.get("inspection_date") is None and "inspection_date" not in bad:
        rec.problem("missing_required", "thiếu ngày kiểm tra", "inspection_date")
    if d.get("kind") is None and "kind" not in bad:
        rec.problem("missing_required", "thiếu hình thức (Kiểm tra / Giám sát)", "kind")
    for c in form02.CRITERIA:
        v = d.get(c)
        if v is not None and not (0 <= v <= 10):
            rec.problem("score_out_of_range", f"điểm tiêu chí {c} = {form02._num(v)} nằm ngoài 0–10", c)
    total = d.get("total_score")
    if total is not None and not (0 <= total <= 100):
        rec.problem("score_out_of_range", f"tổng điểm {form02._num(total)} nằm ngoài 0–100", "total_score")
    v = d.get("violations_found")
    if v is not None and v < 0:
        rec.problem("negative_count", f"số vi phạm âm ({v})", "violations_found")
    if rec.problems:
        return
    present = [d[c] for c in form02.CRITERIA if d.get(c) is not None]
    d["criteria_sum"] = float(sum(present)) if present else None
    if total is not None and len(present) == len(form02.CRITERIA) and abs(total - d["criteria_sum"]) > tolerance:
        rec.finding("total_mismatch", f"tổng điểm ghi {form02._num(total)} khác tổng các tiêu chí "
                    f"{form02._num(d['criteria_sum'])}; giữ tổng điểm như ghi", "total_score")
    if d.get("rating"):
        canonical = ratings.get(form02.fold(d["rating"]))
        if canonical is not None:
            d["rating"] = canonical
        basis = total if total is not None else d["criteria_sum"]
        expected = tables.rating_for(basis, thresholds) if basis is not None else None
        if expected is not None and canonical != expected:
            rec.finding("rating_mismatch", f"xếp loại ghi '{d['rating']}' khác xếp loại theo tổng điểm "
                        f"{form02._num(basis)}: '{expected}'", "rating")


# --- one table both ways ----------------------------------------------------------------------


def _both(columns: dict[str, list], pre: dict[int, str]):
    """A batch and the same records one by one: ``columns`` field -> values (field ``k``
    read from column ``k + 1``), ``pre`` record -> a field whose cell already has a problem
    (a parse error: its value is None)."""
    fields = list(columns)
    n = len(next(iter(columns.values()))) if columns else 0
    grid = Grid("S", False, [[None] + [columns[f][i] for f in fields] for i in range(n)], [])
    batch = RecordBatch("t", "f.xlsx", "S", np.arange(n, dtype=np.int64) + 1, grid=grid)
    records = [Record("t", "f.xlsx", "S", i + 1) for i in range(n)]
    for k, f in enumerate(fields):
        batch.cells[f] = ("column", k + 1)
        batch.data[f] = list(columns[f])
        for i, rec in enumerate(records):
            rec.cells[f] = (i + 1, col_letter(k + 1), raw_text(columns[f][i]))
            rec.data[f] = columns[f][i]
    for i, f in sorted(pre.items()):
        if f in columns:
            batch.data[f][i] = records[i].data[f] = None
            batch.problem(i, "invalid_number", "không đọc được", f)
            records[i].problem("invalid_number", "không đọc được", f)
    return batch, records


def _same(batch: RecordBatch, records: list[Record]) -> None:
    for i, rec in enumerate(records):
        assert batch.problems.get(i, []) == rec.problems
        assert batch.findings.get(i, []) == rec.findings


_count = st.one_of(st.none(), st.integers(-3, 120))
_unit_fields = st.sets(st.sampled_from([*COUNT_FIELDS, "satisfaction_rate", "action_programme_date"]))


@settings(max_examples=200, deadline=None)
@given(st.data(), _unit_fields, st.integers(0, 12))
def test_check_unit_reports__same_as_record_by_record(data, fields, n):
    columns = {}
    for f in sorted(fields):
        if f == "satisfaction_rate":
            value = st.one_of(st.none(), st.floats(-20, 130, allow_nan=False))
        elif f == "action_programme_date":
            value = st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2018, 1, 1)))
        else:
            value = _count
        columns[f] = data.draw(st.lists(value, min_size=n, max_size=n))
    pre = data.draw(st.dictionaries(st.integers(0, max(n - 1, 0)),
                                    st.sampled_from(sorted(fields) or ["x"]))) if n else {}
    batch, records = _both(columns, pre)
    if "staff_total" not in columns:  # no column: the record's row, no letter
        batch.cells["staff_total"] = ("row", None)
        for i, rec in enumerate(records):
            rec.cells["staff_total"] = (i + 1, None, None)
    check_unit_reports(batch, SimpleNamespace(resolution_date=RESOLUTION))
    for rec in records:
        _check_unit_report(rec)
    _same(batch, records)


_score = st.one_of(st.none(), st.floats(-2, 12, allow_nan=False), st.integers(0, 10).map(float))


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(0, 10), st.booleans(), st.booleans())
def test_form02_checks__same_as_record_by_record(data, n, with_total, with_violations):
    thresholds = tables.ratings_best_first({"Tốt": 80, "Khá": 65, "Trung bình": 50, "Yếu": 0})
    ratings = {form02.fold(name): name for name, _ in thresholds}
    columns = {c: data.draw(st.lists(_score, min_size=n, max_size=n)) for c in form02.CRITERIA}
    if with_total:
        columns["total_score"] = data.draw(st.lists(st.one_of(st.none(), st.floats(-5, 110, allow_nan=False)),
                                                    min_size=n, max_size=n))
    if with_violations:
        columns["violations_found"] = data.draw(st.lists(st.one_of(st.none(), st.integers(-2, 5)),
                                                         min_size=n, max_size=n))
    columns["inspection_date"] = data.draw(st.lists(st.one_of(st.none(), st.just(dt.date(2017, 5, 1))),
                                                    min_size=n, max_size=n))
    columns["kind"] = data.draw(st.lists(st.sampled_from([None, "Kiểm tra", "Giám sát"]), min_size=n, max_size=n))
    columns["rating"] = data.draw(st.lists(st.sampled_from([None, "Tốt", "khá", "Trung bình", "Yếu", "Xuất sắc"]),
                                           min_size=n, max_size=n))
    pre = data.draw(st.dictionaries(st.integers(0, max(n - 1, 0)), st.sampled_from(["inspection_date", "kind", "c01"])))
    batch, records = _both(columns, pre if n else {})
    form02._check(batch, 2.0, ratings, thresholds)
    for rec in records:
        _check_inspection(rec, 2.0, ratings, thresholds)
    _same(batch, records)
    for i in batch.kept():
        assert batch.data["criteria_sum"][i] == records[i].data["criteria_sum"]
        assert batch.data["rating"][i] == records[i].data["rating"]


# --- provenance, formulas, pickling -------------------------------------------------------------


def _sample_batch() -> RecordBatch:
    values = [[None] * 4] * 3 + [[None, "Sở A", 10, "x"], [None, "Sở B", None, None], [None, "  ", 7, "y"]]
    grid = Grid("S", False, values, [])  # rows 4-6 (Excel) hold the records
    batch = RecordBatch("unit_reports", "f.xlsx", "S", np.array([4, 5, 6], dtype=np.int64), grid=grid)
    batch.cells["period"] = ("column_else", (3, ("fixed", (2, "A", "Kỳ báo cáo: ?"))))
    batch.cells["unit_name"] = ("text", 1)
    batch.cells["staff_total"] = ("column", 2)
    batch.cells["note"] = ("row", None)
    return batch


def test_cells_of__every_kind_of_cell():
    batch = _sample_batch()
    assert batch.cells_of(0) == {"period": (4, "D", "x"), "unit_name": (4, "B", "Sở A"), "staff_total": (4, "C", "10"),
                                 "note": (4, None, None)}
    assert batch.cells_of(1)["period"] == (2, "A", "Kỳ báo cáo: ?")  # blank cell: the title line
    assert batch.cells_of(2)["unit_name"] == (6, "B", None)
    assert batch.at(1, "nowhere") == (5, None, None)


def test_name_uncalculated_formulas__maps_formula_cells_by_row_and_column():
    batch = _sample_batch()
    batch.problem(1, "missing_required", "thiếu", "staff_total")
    batch.problem(1, "unknown_unit", "không thấy", "unit_name")
    name_uncalculated_formulas(batch, {(4, 2): "=SUM(C1:C3)", (0, 2): "=1"})  # C5 of record 1; C1 is no cell
    codes = {i: [(p.code, p.row, p.column) for p in ps] for i, ps in batch.problems.items()}
    assert codes == {1: [("formula_not_calculated", 5, "C"), ("unknown_unit", 5, "B")]}
    assert "=SUM(C1:C3)" in batch.problems[1][0].message


def test_batch__pickles_without_its_grid():
    batch = _sample_batch()
    batch.data["staff_total"] = [10, None, 7]
    batch.problem(1, "missing_required", "thiếu", "staff_total")
    assert pickle.loads(pickle.dumps(batch)).grid is None and batch.grid is not None  # never pickled
    batch.detach()
    back = pickle.loads(pickle.dumps(batch))
    assert back.grid is None and back.rows.tolist() == [4, 5, 6]
    assert (back.data, back.cells, back.sheet) == (batch.data, batch.cells, "S")
    assert back.problems == {1: [Problem("missing_required", "thiếu", 5, "C", None)]}
    assert (len(back), back.n_rejected, back.kept(), back.flagged()) == (3, 1, [0, 2], [1])


def test_to_frames__a_field_no_record_of_a_batch_has_is_missing():
    from vhcs_analysis.clean.batch import to_frames

    a = RecordBatch("rankings", "a.xlsx", "S", np.array([3], dtype=np.int64),
                    {"unit_id": ["U01"], "year": [2017], "category": ["Tốt"], "scheme": ["x"], "level": [1]})
    b = RecordBatch("rankings", "b.xlsx", "S", np.array([4], dtype=np.int64), {"unit_id": ["U02"], "year": [2018]})
    frames = to_frames([a, b])
    ranks = frames["rankings"]
    assert ranks["unit_id"].tolist() == ["U01", "U02"] and ranks["source_row"].tolist() == [3, 4]
    assert ranks["category"].isna().tolist() == [False, True]
    assert list(ranks.columns) == list(tables.columns("rankings"))


def test_too_large__numpy_screen_and_python_check_agree():
    from vhcs_analysis.clean.batch import _too_large

    values = [1, None, 1e13, float("nan"), -float("inf"), 10**400, -5, 10**12, True]
    assert _too_large(values, "Int64") == [2, 3, 4, 5]  # 10**400: no float64, every value looked at
    assert _too_large(values[:5] + values[6:], "Float64") == [2, 3, 4]
    assert _too_large([dt.date(2017, 1, 1), None, 1e13], "datetime64[ms]") == [2]


# --- to_frames: the kept tables built column by column, as DataFrame.from_records built them ---


def _reference_kept_frames(batches: list[RecordBatch]) -> dict:
    """The kept tables as to_frames built them before: one tuple per record, pandas
    inferring each column (``DataFrame.from_records``), then ``tables.conform``."""
    import pandas as pd

    kept: dict[str, list] = {"unit_reports": [], "inspections": [], "rankings": []}
    for batch in batches:
        index = batch.kept()
        if not index:
            continue
        n = len(index)
        columns = []
        for name in tables.columns(batch.table):
            if name == "source_file":
                columns.append([batch.source_file] * n)
            elif name == "source_sheet":
                columns.append([batch.sheet] * n)
            elif name == "source_row":
                columns.append([batch.rows.tolist()[i] for i in index])
            elif name in batch.data:
                columns.append([batch.data[name][i] for i in index])
            else:
                columns.append([np.nan] * n)
        kept[batch.table].extend(zip(*columns))
    return {name: tables.conform(pd.DataFrame.from_records(rows, columns=tables.columns(name)), name)
            for name, rows in kept.items()}


_FRAME_VALUES = {
    "Int64": st.one_of(st.none(), st.integers(-10**12, 10**12)),
    "Float64": st.one_of(st.none(), st.floats(-1e12, 1e12), st.sampled_from([-0.0, 0.0, 0.5, 100.0])),
    "boolean": st.one_of(st.none(), st.booleans()),
    "datetime64[ms]": st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
                                st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1))),
    "str": st.one_of(st.none(), st.text(max_size=5), st.sampled_from(["U01", "2017-H1", "Tốt", "nan", "1", ""])),
}
_META = {"source_file", "source_sheet", "source_row"}


@st.composite
def _frame_batches(draw) -> list[RecordBatch]:
    batches = []
    for b in range(draw(st.integers(0, 4))):
        table = draw(st.sampled_from(["unit_reports", "inspections", "rankings"]))
        dtypes = {name: dtype for name, dtype in tables.dtypes(table).items() if name not in _META}
        n = draw(st.integers(0, 6))
        fields = draw(st.lists(st.sampled_from(sorted(dtypes)), unique=True))
        data = {}
        for name in fields:
            kind = draw(st.sampled_from(["values", "all missing", "one value"]))
            if kind == "all missing":
                data[name] = [None] * n
            elif kind == "one value":
                data[name] = [draw(_FRAME_VALUES[dtypes[name]])] * n
            else:
                data[name] = draw(st.lists(_FRAME_VALUES[dtypes[name]], min_size=n, max_size=n))
        rows = np.array(sorted(draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))),
                        dtype=np.int64)
        batch = RecordBatch(table, f"f{b}.xlsx", draw(st.sampled_from(["S", None])), rows, data)
        for i in draw(st.lists(st.integers(0, max(n - 1, 0)), unique=True)) if n else []:
            batch.problem(i, "missing_required", "thiếu")
        batches.append(batch)
    return batches


@settings(max_examples=150, deadline=None)
@given(_frame_batches())
def test_to_frames__kept_tables_as_from_records_built_them(batches):
    """Values, missing values and dtypes of the kept tables are those of the row-wise build
    (so the parquet files keep their bytes): every dtype, missing fields, all-missing
    columns, rejected records, batches with nothing kept, no batch at all."""
    import pandas as pd

    from vhcs_analysis.clean.batch import to_frames

    got = to_frames(batches)
    for name, want in _reference_kept_frames(batches).items():
        assert list(got[name].dtypes) == list(want.dtypes)
        pd.testing.assert_frame_equal(got[name], want, check_exact=True)
