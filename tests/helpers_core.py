"""Tiny hand-built raw inputs for the core tests (registry, Form 01/02, rankings)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from pathlib import Path

import openpyxl

from vhcs_analysis.settings import load
from vhcs_analysis.io.base import Limits

REGISTRY = (
    "unit_id,unit_name,aliases,block,is_pilot,unit_type,staff_count\n"
    "U01,Sở Nội vụ,SNV,Hành chính – Tổng hợp,1,đảng bộ cơ sở,80\n"
    "U02,Sở Giáo dục và Đào tạo,Sở GD&ĐT;Sở GD-ĐT,Văn hóa – Xã hội,0,đảng bộ cơ sở,120\n"
    "U03,Sở Tài chính,STC,Tài chính – Ngân hàng,0,chi bộ cơ sở,60\n"
    "U04,Sở Tài nguyên và Môi trường,Sở TN&MT,Kinh tế – Kỹ thuật,0,đảng bộ cơ sở,90\n"
)

LABELS_2018 = {
    "staff_total": "Tổng số cán bộ, công chức, viên chức, người lao động",
    "party_members": "Số đảng viên",
    "staff_studied": "Số CBCCVC đã được học tập, quán triệt Nghị quyết 01",
    "action_programme": "Đã xây dựng chương trình hành động",
    "action_programme_date": "Ngày ban hành chương trình hành động",
    "dossiers_received": "Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ",
    "dossiers_on_time": "Số hồ sơ giải quyết trước hạn và đúng hạn",
    "dossiers_late": "Số hồ sơ giải quyết quá hạn",
    "satisfaction_rate": "Tỷ lệ người dân, tổ chức hài lòng",
    "staff_rated_good": "Số CBCCVC xếp loại hoàn thành tốt nhiệm vụ trở lên",
}
GOOD_VALUES = {
    "staff_total": 80, "party_members": 50, "staff_studied": "75", "action_programme": "Có",
    "action_programme_date": "20/11/2016", "dossiers_received": "1.234", "dossiers_on_time": 1200,
    "dossiers_late": 34, "satisfaction_rate": "85,5%", "staff_rated_good": 70,
}


def write_registry(raw: Path, text: str = REGISTRY) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / "units.csv"
    path.write_text(text, "utf-8")
    return path


def unit_form(path: Path, *, unit: str = "Sở Nội vụ", period: str = "6 tháng đầu năm 2018",
              date: str = "15/06/2018", values: dict | None = None, labels: dict | None = None,
              extra_rows: list | None = None, notes: dict | None = None, sheet: str = "Bieu01") -> Path:
    """A per-unit Form 01 workbook. The table header is on row 8; indicator k (0-based) on
    row 10 + k (row 9 is the group row "I."); values in column D."""
    values = GOOD_VALUES if values is None else values
    labels = labels or LABELS_2018
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH HÀ TĨNH", None, None, "ĐẢNG CỘNG SẢN VIỆT NAM"])
    ws.append([f"ĐẢNG BỘ {unit.upper()}", None, None, "Biểu số 01-VHCS"])
    ws.append(["BÁO CÁO KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK"])
    ws.append([f"Đơn vị: {unit}"])
    ws.append([f"Kỳ báo cáo: {period}"])
    ws.append([f"Ngày báo cáo: {date}"])
    ws.append([])
    ws.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"])
    ws.append(["I.", "Học tập, quán triệt Nghị quyết"])
    for i, (field, label) in enumerate(labels.items(), start=1):
        ws.append([i, label, None, values.get(field), (notes or {}).get(field)])
    for row in extra_rows or []:
        ws.append(row)
    ws.append([])
    ws.append(["NGƯỜI LẬP BIỂU", None, None, "T/M ĐẢNG ỦY"])
    ws.append([None, None, None, "BÍ THƯ"])
    ws.append(["Trần Thị Lập Biểu", None, None, "Lê Văn Ký Tên"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def form02(path: Path, rows: list[list], *, title: str = "KẾT QUẢ KIỂM TRA, GIÁM SÁT ĐỢT 1 NĂM 2017",
           sheet: str = "Dot1") -> Path:
    """Form 02 with the two-row merged header (criteria 1..10 under "Tiêu chí chấm điểm").
    Header rows 3-4; data from row 5: [name, date, kind, 10 scores, total, rating, violations, note]."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["Biểu số 02-VHCS"])
    ws.append([title])
    ws.append(["STT", "Tên đơn vị", "Ngày kiểm tra", "Hình thức", "Tiêu chí chấm điểm"] + [None] * 9
              + ["Tổng điểm", "Xếp loại", "Số vi phạm phát hiện", "Ghi chú"])
    ws.append([None] * 4 + list(range(1, 11)))
    for c in (1, 2, 3, 4, 15, 16, 17, 18):
        ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    ws.merge_cells(start_row=3, start_column=5, end_row=3, end_column=14)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    ws.append([None, "Tổng cộng"])
    ws.append([])
    ws.append([None, "NGƯỜI TỔNG HỢP", None, None, None, None, None, None, None, None, None, None, "TRƯỞNG ĐOÀN"])
    ws.append([None, "Phạm Văn Tổng Hợp"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def inspection(name: str, scores=(9,) * 10, total=90, rating="Tốt", violations=0, note=None,
               date=dt.datetime(2017, 5, 10), kind="Kiểm tra") -> list:
    return [name, date, kind, *scores, total, rating, violations, note]


def consolidated(path: Path, rows: list[list], *, title: str = "BẢNG TỔNG HỢP 6 THÁNG CUỐI NĂM 2016",
                 headers: list[str] | None = None, sheet: str = "TH") -> Path:
    """Consolidated Form 01: header on row 3, data from row 4 (STT, name, values…)."""
    headers = headers or ["Tổng số CBCCVC", "Số đảng viên", "Số cán bộ đã học tập Nghị quyết",
                          "Số hồ sơ tiếp nhận", "Số hồ sơ giải quyết đúng hạn", "Số hồ sơ giải quyết quá hạn"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append([])
    ws.append(["STT", "Tên đơn vị", *headers, "Ghi chú"])
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def rankings(path: Path, tables: list[tuple[str, list[list]]], *, with_year: bool = False) -> Path:
    """Ranking tables stacked on one sheet: (title, rows of [name, category] or [name, year, category])."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "XepLoai"
    for title, rows in tables:
        ws.append([title])
        ws.append(["STT", "Tên đơn vị", *(["Năm"] if with_year else []), "Xếp loại"])
        for i, row in enumerate(rows, start=1):
            ws.append([i, *row])
        ws.append([])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@contextlib.contextmanager
def build_lock(folder: Path):
    """Serialise a shared build between xdist workers (POSIX lock; no-op elsewhere)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: each worker builds on its own
        yield
        return
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def limits(**changes) -> Limits:
    """The input limits of the settings in use (``[cleaning]`` max_*), with ``changes``."""
    return dataclasses.replace(Limits.from_settings(load().cleaning), **changes)


def spy_parallel(monkeypatch) -> list[int]:
    """How many files the worker processes read, per call of ``pipeline._read_in_parallel``."""
    from vhcs_analysis import pipeline

    counts: list[int] = []
    real = pipeline._read_in_parallel

    def spy(*args, **kwargs):
        done = real(*args, **kwargs)
        counts.append(len(done))
        return done

    monkeypatch.setattr(pipeline, "_read_in_parallel", spy)
    return counts


def output_texts(folder: Path):
    """(path, text) of every output file under ``folder``, the correction workbooks too:
    CSV and JSON as written, Parquet as CSV, a workbook's zipped XML parts."""
    import zipfile

    import pandas as pd

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                yield path, "".join(z.read(n).decode("utf-8") for n in z.namelist())
        elif path.suffix == ".parquet":
            yield path, pd.read_parquet(path).to_csv()
        else:
            yield path, path.read_bytes().decode("utf-8-sig")


def assert_same_outputs(a: Path, b: Path) -> None:
    """Every output file of a clean in ``a`` is byte-identical to the one in ``b``."""
    from vhcs_analysis.io.outputs import OUTPUT_FILES

    for name in sorted(OUTPUT_FILES):
        if (a / name).is_dir():  # the correction workbooks
            files = sorted(p.relative_to(a).as_posix() for p in (a / name).rglob("*"))
            assert files == sorted(p.relative_to(b).as_posix() for p in (b / name).rglob("*")), name
            for rel in files:
                assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def sample_grids(raw: Path):
    """Every sheet of every readable spreadsheet or CSV under a sample's raw folder, as a
    prepared ``Grid`` (the sample has every kind of mess the recognisers meet)."""
    from vhcs_analysis.io.files import list_input_files, read_sheets
    from vhcs_analysis.io.locate import prepare

    files, _ = list_input_files(raw)
    for path in files:
        if path.suffix.lower() not in (".xlsx", ".xls", ".csv", ".ods", ".xlsm"):
            continue
        try:
            sheets = read_sheets(path, limits())
        except Exception:  # noqa: BLE001 - unreadable files are the pipeline's business
            continue
        for sheet in sheets:
            yield prepare(sheet)


IN_USE = "The process cannot access the file because it is being used by another process"


def cannot_be_moved(folder: Path, monkeypatch) -> None:
    """``folder`` cannot be renamed (``os.replace`` refuses it), as on Windows when a file
    in it is open in another program."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src) == Path(folder):
            raise PermissionError(13, IN_USE, str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
