"""Blank Excel forms for units (Biểu số 01-VHCS) and inspectors (Biểu số 02-VHCS).

The layouts follow docs/domain.md exactly, so that a filled-in form is read back by the same
readers as any other raw file: title block, "Kỳ báo cáo:" / "Ngày báo cáo:" lines, the
vertical table STT | Chỉ tiêu | Đơn vị tính | Số liệu | Ghi chú with group rows, the
consolidated sheet (one row per unit, a "Tổng cộng" row), and the inspection sheet with
its two-row header. Indicator labels come from ``maps/form01_labels.csv`` (the first
2018 label of each field is the printed one); the built-in list below is the fallback
and the source of units and grouping. Files are byte-identical between runs.

The forms stop the commonest mistakes at entry: every sheet is protected without a
password (labels, headers and formulas locked, the yellow input cells and notes open, so
the office can lift it under Review › Unprotect Sheet); with a registry the unit name is
a drop-down of its official names (a hidden sheet); counts that may not exceed a total of
the same report (``tables.Column.at_most``: within staff, departments with a plan within
departments) and the dossiers are checked across cells by custom validations; Form 02's
total score is a formula (the sum of the ten criteria).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from vhcs_analysis import tables
from vhcs_analysis.config import MAPS_DIR
from vhcs_analysis.errors import VhcsError
from vhcs_analysis.periods import Period
from vhcs_analysis.forms import (
    BLOC, BLOC_COMMITTEE, CRITERIA_LABELS, FORM01_CODE, FORM01_GROUPS, FORM01_LABELS_2018, FORM02_CODE, PARTY,
)

if TYPE_CHECKING:
    from vhcs_analysis.settings import Settings

# Excel keeps an in-cell list ("a,b,c") only up to this many characters; longer period
# lists go to a hidden sheet that the drop-down refers to.
INLINE_LIST_MAX = 255
PERIODS_SHEET = "Danh sách kỳ"
UNITS_SHEET = "Danh sách đơn vị"  # hidden: the registry's names the unit drop-down lists
UNIT_ROWS = 70  # blank rows of the consolidated sheet (the bloc has 66 base organisations)
INSPECTION_ROWS = 30  # blank rows of one inspection round

FILE_UNIT = "Bieu_01-VHCS_don_vi.xlsx"
FILE_CONSOLIDATED = "Bieu_01-VHCS_tong_hop.xlsx"
FILE_INSPECTION = "Bieu_02-VHCS_kiem_tra_giam_sat.xlsx"

# the fields' rules (tables.Column: dtype, bounds, allowed, at_most) decide every validation below
FIELDS = {c.name: c for c in tables.FORM01_FIELDS}
AT_MOST = tables.AT_MOST  # count -> the total of the same report it may not exceed
_KIND = tables.column("inspections", "kind")
_CRITERION = tables.column("inspections", tables.CRITERIA[0])  # every criterion has the same range
_TOTAL_SCORE = tables.column("inspections", "total_score")
_VIOLATIONS = tables.column("inspections", "violations_found")
_UNLOCKED = Protection(locked=False)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_FONT = "Times New Roman"


def form01_printed_labels() -> dict[str, str]:
    """field -> printed label (2018 form): the first 2018 label of each field in
    ``maps/form01_labels.csv``, else the wording of docs/domain.md."""
    labels = {f: label for f, (label, _) in FORM01_LABELS_2018.items()}
    path = MAPS_DIR / "form01_labels.csv"
    if path.is_file():
        seen: set[str] = set()
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                fld, version, label = row.get("field"), row.get("version"), (row.get("label") or "").strip()
                if version == "2018" and fld in labels and fld not in seen and label:
                    labels[fld] = label
                    seen.add(fld)
    return labels


def _resolution_serial(settings: Settings) -> int:
    """Excel serial day of the resolution date (lower bound for dates on the forms)."""
    day = dt.date.fromisoformat(settings.review.resolution_date)
    return (day - dt.date(1899, 12, 30)).days


# --- small drawing helpers ------------------------------------------------------------------


def _put(ws, ref: str, value, *, bold=False, italic=False, size=12, align=None, merge_to: str | None = None):
    cell = ws[ref]
    cell.value = value
    cell.font = Font(name=_FONT, size=size, bold=bold, italic=italic)
    if align is not None:
        cell.alignment = align
    if merge_to:
        ws.merge_cells(f"{ref}:{merge_to}")
    return cell


def _box(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    for r in range(first_row, last_row + 1):
        for c in range(first_col, last_col + 1):
            ws.cell(row=r, column=c).border = _BOX


def _input(ws, ref: str, number_format: str | None = None) -> None:
    """A yellow input cell, left open when the sheet is protected."""
    cell = ws[ref]
    cell.fill = _INPUT
    cell.font = Font(name=_FONT, size=12)
    cell.protection = _UNLOCKED
    if number_format:
        cell.number_format = number_format


def _protect(ws) -> None:
    """Lock the sheet without a password: labels, headers and formulas cannot be typed
    over; the unlocked cells (inputs, notes) stay open; column widths and row heights can
    still be changed. The office lifts it under Review › Unprotect Sheet."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validation(ws, kind: str, sqref: str, *, prompt: str, error: str | None = None, **kwargs) -> None:
    """Add a data validation with a Vietnamese prompt and error message (``error``: when
    it says more than the prompt; ``errorStyle="warning"`` lets the user keep the value)."""
    dv = DataValidation(type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True, **kwargs)
    dv.promptTitle = "Hướng dẫn nhập"
    dv.prompt = prompt
    dv.errorTitle = "Giá trị không hợp lệ" if kwargs.get("errorStyle") != "warning" else "Kiểm tra lại"
    dv.error = error or prompt
    dv.add(sqref)
    ws.add_data_validation(dv)


def period_choices(settings: Settings) -> list[str]:
    """The drop-down's periods: [review] periods of the settings, in order."""
    return [Period.parse(p).form_words for p in settings.review.periods]


def _hidden_list(wb, sheet: str, choices: list[str]) -> str:
    """A drop-down's choices in column A of a hidden sheet (written once per workbook), as
    the list formula that points to them."""
    if sheet not in wb.sheetnames:
        lists = wb.create_sheet(sheet)
        lists.sheet_state = "hidden"
        for i, choice in enumerate(choices, start=1):
            lists.cell(row=i, column=1, value=choice)
    return f"'{sheet}'!$A$1:$A${len(choices)}"


def _period_list(ws, sqref: str, settings: Settings) -> None:
    """Drop-down of the configured periods (in-cell list, or a hidden sheet when too long)."""
    choices = period_choices(settings)
    inline = '"' + ",".join(choices) + '"'
    if len(inline) - 2 <= INLINE_LIST_MAX:
        formula = inline
    else:
        formula = _hidden_list(ws.parent, PERIODS_SHEET, choices)
    example = next((c for c in choices if "đầu" in c), choices[0])  # shows the "đầu năm" wording
    _validation(ws, "list", sqref, formula1=formula,
                prompt=f"Chọn kỳ báo cáo trong danh sách hoặc gõ, ví dụ: {example}.")


def _unit_list(ws, sqref: str, names: list[str] | None) -> None:
    """With a registry, the unit name is a drop-down of its official names (kept on a
    hidden sheet: a list of 66 names is beyond an in-cell list)."""
    if not names:
        return
    _validation(ws, "list", sqref, formula1=_hidden_list(ws.parent, UNITS_SHEET, names),
                prompt="Chọn tên đơn vị trong danh sách (tên chính thức theo danh mục đơn vị của Đảng ủy Khối).",
                error="Tên đơn vị không có trong danh mục: hãy chọn trong danh sách thả xuống.")


def _limits(col: tables.Column, decimal: str = ".") -> tuple[str, str]:
    """A column's bounds as Excel formulas write them ("0", "100", "0.5"; "" for no limit),
    or as people read them with ``decimal=","``."""
    b = col.bounds
    if b is None:
        raise ValueError(f"{col.name}: no bounds to validate")
    low = tables.number_text(b.low, decimal) if b.low is not None else ""
    high = tables.number_text(b.high, decimal) if b.high is not None else ""
    return low, high


def _lower_bound(col: tables.Column, cell: str) -> str:
    """The lower bound of a count as a condition on ``cell`` ("D14>=0"; "D14>0" when open)."""
    return f"{cell}{'>' if col.bounds is not None and col.bounds.low_open else '>='}{_limits(col)[0]}"


def _whole_within(ws, sqref: str, cell: str, total: str, what: str, total_label: str,
                  col: tables.Column) -> None:
    """A whole count within its bounds (``col``, ≥ 0) that may not exceed the total in
    ``total`` (a cell of the same report; references relative to the first cell of
    ``sqref``); a blank total checks only the count."""
    _validation(ws, "custom", sqref,
                formula1=f'AND(ISNUMBER({cell}),{_lower_bound(col, cell)},INT({cell})={cell},'
                         f'OR({total}="",{cell}<={total}))',
                prompt=f"Nhập số nguyên không âm, không lớn hơn {total_label}.",
                error=f"{what} phải là số nguyên không âm và không lớn hơn {total_label} (ô {total.replace('$', '')}).")


def _dossier_checks(ws, received: str, on_time: str, late: str, sqref_on_time: str, sqref_late: str) -> None:
    """On time within received (the cleaner's rule); on time + late = received asked as a
    warning (dossiers carried over from the previous period make them differ legitimately)."""
    _whole_within(ws, sqref_on_time, on_time, received, "Số hồ sơ giải quyết trước hạn và đúng hạn",
                  "số hồ sơ tiếp nhận", FIELDS["dossiers_on_time"])
    _validation(ws, "custom", sqref_late,
                formula1=f'AND(ISNUMBER({late}),{_lower_bound(FIELDS["dossiers_late"], late)},INT({late})={late},'
                         f'OR({received}="",{on_time}="",{on_time}+{late}={received}))',
                errorStyle="warning", prompt="Nhập số nguyên không âm; để trống nếu không có bộ phận một cửa.",
                error="Hồ sơ đúng hạn + quá hạn khác số hồ sơ tiếp nhận. Nếu có hồ sơ kỳ trước chuyển sang thì chọn "
                      "Yes/Có để giữ số đã nhập; nếu nhập nhầm thì chọn No/Không để sửa.")


def _yes_no(ws, sqref: str) -> None:
    """Drop-down Có / Không (a boolean field)."""
    _validation(ws, "list", sqref, formula1='"Có,Không"', prompt="Chọn Có hoặc Không.")


def _whole(ws, sqref: str, col: tables.Column) -> None:
    """A whole count within the column's bounds (≥ 0; > 0 for the staff total)."""
    low, low_vi = _limits(col)[0], _limits(col, ",")[0]
    if col.bounds is not None and col.bounds.low_open:
        operator, prompt = "greaterThan", f"Nhập số nguyên lớn hơn {low_vi}."
    elif low == "0":
        operator, prompt = "greaterThanOrEqual", "Nhập số nguyên không âm; để trống nếu không áp dụng."
    else:
        operator, prompt = "greaterThanOrEqual", f"Nhập số nguyên từ {low_vi} trở lên."
    _validation(ws, "whole", sqref, operator=operator, formula1=low, prompt=prompt)


def _decimal(ws, sqref: str, col: tables.Column, prompt: str) -> None:
    """A number within the column's bounds; ``prompt`` words them ({low}, {high})."""
    low, high = _limits(col)
    words = dict(zip(("low", "high"), _limits(col, ",")))
    _validation(ws, "decimal", sqref, operator="between", formula1=low, formula2=high, prompt=prompt.format(**words))


def _choice(ws, sqref: str, col: tables.Column) -> None:
    """Drop-down of the column's allowed values ("Kiểm tra,Giám sát")."""
    allowed = col.allowed or ()
    _validation(ws, "list", sqref, formula1='"' + ",".join(allowed) + '"',
                prompt="Chọn " + " hoặc ".join(allowed) + ".")


_PERCENT_PROMPT = "Nhập tỷ lệ phần trăm từ {low} đến {high}, ví dụ 85,5."


def _form01_check(ws, sqref: str, fld: str, settings: Settings) -> None:
    """The validation of a Form 01 field that is checked on its own (not across cells),
    from its dtype and bounds."""
    col = FIELDS[fld]
    if col.dtype == "boolean":
        _yes_no(ws, sqref)
    elif col.dtype.startswith("datetime64"):
        _date(ws, sqref, settings)
    elif col.is_count:
        _whole(ws, sqref, col)
    elif col.bounds is not None:
        _decimal(ws, sqref, col, _PERCENT_PROMPT)


def _date(ws, sqref: str, settings: Settings) -> None:
    """A date not before the resolution (``[review] resolution_date``)."""
    _validation(ws, "date", sqref, operator="greaterThanOrEqual", formula1=str(_resolution_serial(settings)),
                prompt="Nhập ngày dạng dd/mm/yyyy, không trước ngày ban hành Nghị quyết (10/10/2016).")


def _signatures(ws, row: int, left: str, right_from: str, right_to: str, *, maker: str = "NGƯỜI LẬP BIỂU",
                on_behalf: str = "T/M ĐẢNG ỦY", signer: str = "BÍ THƯ") -> None:
    """Signature block: "Người lập biểu" left; place-date line, "T/M ĐẢNG ỦY", "BÍ THƯ" right.
    The blank place-date line shares its row with "Người lập biểu" so that every row of
    the block reads as a signature row, filled in or not."""
    center_plain = Alignment(horizontal="center", vertical="center")
    right = (
        ("Hà Tĩnh, ngày ... tháng ... năm ...", False, True),
        (on_behalf, True, False),
        (signer, True, False),
        ("(Ký tên, đóng dấu)", False, True),
    )
    for i, (text, bold, italic) in enumerate(right):
        _put(ws, f"{right_from}{row + i}", text, bold=bold, italic=italic, align=center_plain,
             merge_to=f"{right_to}{row + i}")
    _put(ws, f"{left}{row}", maker, bold=True, align=center_plain)
    _put(ws, f"{left}{row + 1}", "(Ký, ghi rõ họ tên)", italic=True, align=center_plain)


def _letterhead(ws, left_to: str, right_from: str, right_to: str, *, committee: bool = False) -> None:
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _put(ws, "A1", BLOC_COMMITTEE if committee else BLOC, bold=True, size=11, align=center, merge_to=f"{left_to}1")
    _put(ws, f"{right_from}1", PARTY, bold=True, size=12, align=center, merge_to=f"{right_to}1")
    _put(ws, "A2", "*", align=center, merge_to=f"{left_to}2")


def _print_setup(ws, landscape: bool, header_rows: str | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = header_rows


# --- the three forms ------------------------------------------------------------------


def build_form01_unit(wb: Workbook, settings: Settings, names: list[str] | None = None) -> None:
    """Per-unit Form 01 (2018 version): one workbook per unit and period; ``names``: the
    registry's unit names for the drop-down (None: typed freehand)."""
    ws = wb.create_sheet("Biểu 01-VHCS")
    labels = form01_printed_labels()
    _letterhead(ws, "B", "C", "E")
    _put(ws, "E2", FORM01_CODE, italic=True, size=11, align=Alignment(horizontal="right"))
    _put(ws, "A4", "BÁO CÁO KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK", bold=True, size=14, align=_CENTER,
         merge_to="E4")
    _put(ws, "A5", "về tăng cường sự lãnh đạo xây dựng văn hóa công sở", italic=True, align=_CENTER, merge_to="E5")
    for row, label in ((7, "Đơn vị báo cáo:"), (8, "Kỳ báo cáo:"), (9, "Ngày báo cáo:")):
        _put(ws, f"B{row}", label, bold=True, align=Alignment(horizontal="right", vertical="center"))
        ws.merge_cells(f"C{row}:E{row}")
        _input(ws, f"C{row}", "DD/MM/YYYY" if row == 9 else None)
    _unit_list(ws, "C7", names)
    _period_list(ws, "C8", settings)
    _date(ws, "C9", settings)

    header = 11
    for col, text in zip("ABCDE", ("STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú")):
        _put(ws, f"{col}{header}", text, bold=True, align=_CENTER)
    for col, text in zip("ABCDE", ("(1)", "(2)", "(3)", "(4)", "(5)")):
        _put(ws, f"{col}{header + 1}", text, italic=True, size=10, align=_CENTER)
    row, number = header + 2, 0
    row_of: dict[str, int] = {}
    for marker, group, fields in FORM01_GROUPS:
        _put(ws, f"A{row}", marker, bold=True, align=_CENTER)
        _put(ws, f"B{row}", group, bold=True, align=_WRAP)
        row += 1
        for fld in fields:
            number += 1
            unit = FORM01_LABELS_2018[fld][1]
            _put(ws, f"A{row}", number, align=_CENTER)
            _put(ws, f"B{row}", labels[fld], align=_WRAP)
            _put(ws, f"C{row}", unit, align=_CENTER)
            _input(ws, f"D{row}", "DD/MM/YYYY" if unit == "dd/mm/yyyy" else ("0.0" if unit == "%" else "#,##0"))
            ws[f"D{row}"].alignment = Alignment(horizontal="right", vertical="center")
            ws[f"E{row}"].alignment = _WRAP
            ws[f"E{row}"].protection = _UNLOCKED  # notes
            row_of[fld] = row
            if fld in AT_MOST or fld in ("dossiers_on_time", "dossiers_late"):
                pass  # checked across cells below
            else:
                _form01_check(ws, f"D{row}", fld, settings)
                if FIELDS[fld].dtype == "boolean":
                    ws[f"D{row}"].alignment = _CENTER
            row += 1
    for fld, total in AT_MOST.items():
        if fld in row_of and total in row_of:
            _whole_within(ws, f"D{row_of[fld]}", f"D{row_of[fld]}", f"$D${row_of[total]}", labels[fld],
                          labels[total].lower(), FIELDS[fld])
    on_time, late, received = (f"D{row_of[f]}" for f in ("dossiers_on_time", "dossiers_late", "dossiers_received"))
    _dossier_checks(ws, f"${received[0]}${received[1:]}", on_time, late, on_time, late)
    _box(ws, header, 1, row - 1, 5)
    _signatures(ws, row + 1, "B", "C", "E")
    for col, width in zip("ABCDE", (7, 58, 13, 14, 22)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = f"A{header + 2}"
    _print_setup(ws, landscape=False, header_rows=f"{header}:{header + 1}")
    _protect(ws)


def build_form01_consolidated(wb: Workbook, settings: Settings, names: list[str] | None = None) -> None:
    """Form 01 consolidated by the bloc's office: one row per unit, one column per indicator
    (``names``: the registry's unit names for the drop-down of the name column)."""
    ws = wb.create_sheet("Tổng hợp 01-VHCS")
    labels = form01_printed_labels()
    fields = [f for _, _, fs in FORM01_GROUPS for f in fs]
    last = 2 + len(fields) + 1  # STT, Tên đơn vị, indicators, Ghi chú
    last_col = get_column_letter(last)
    _letterhead(ws, "C", get_column_letter(last - 4), last_col)
    _put(ws, f"{last_col}2", FORM01_CODE, italic=True, size=11, align=Alignment(horizontal="right"))
    _put(ws, "A4", "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT 01-NQ/ĐUK VỀ VĂN HÓA CÔNG SỞ", bold=True,
         size=14, align=_CENTER, merge_to=f"{last_col}4")
    _put(ws, "B6", "Kỳ báo cáo:", bold=True, align=Alignment(horizontal="right", vertical="center"))
    ws.merge_cells("C6:F6")
    _input(ws, "C6")
    _period_list(ws, "C6", settings)

    header = 8
    heads = ["STT", "Tên đơn vị"] + [labels[f] for f in fields]
    heads.append("Ghi chú")
    for c, text in enumerate(heads, start=1):
        _put(ws, f"{get_column_letter(c)}{header}", text, bold=True, size=11, align=_CENTER)
        _put(ws, f"{get_column_letter(c)}{header + 1}", f"({c})", italic=True, size=10, align=_CENTER)
    first, last_row = header + 2, header + 1 + UNIT_ROWS
    col_of = {fld: get_column_letter(c) for c, fld in enumerate(fields, start=3)}
    _unit_list(ws, f"B{first}:B{last_row}", names)
    for c, fld in enumerate(fields, start=3):
        letter, unit = get_column_letter(c), FORM01_LABELS_2018[fld][1]
        rng = f"{letter}{first}:{letter}{last_row}"
        if fld in AT_MOST and AT_MOST[fld] in col_of:
            _whole_within(ws, rng, f"{letter}{first}", f"${col_of[AT_MOST[fld]]}{first}", labels[fld],
                          labels[AT_MOST[fld]].lower(), FIELDS[fld])
        elif fld == "dossiers_on_time":
            rec, late = col_of["dossiers_received"], col_of["dossiers_late"]
            _dossier_checks(ws, f"${rec}{first}", f"{letter}{first}", f"{late}{first}", rng,
                            f"{late}{first}:{late}{last_row}")
        elif fld == "dossiers_late":
            pass  # with dossiers_on_time
        else:
            _form01_check(ws, rng, fld, settings)
        for r in range(first, last_row + 1):
            ws[f"{letter}{r}"].number_format = (
                "DD/MM/YYYY" if unit == "dd/mm/yyyy" else ("0.0" if unit == "%" else "#,##0")
            )
    for r in range(first, last_row + 1):
        for c in range(1, last + 1):
            ws.cell(row=r, column=c).fill = _INPUT
            ws.cell(row=r, column=c).protection = _UNLOCKED
    total = last_row + 1
    _put(ws, f"B{total}", "Tổng cộng", bold=True, align=_CENTER)
    for c, fld in enumerate(fields, start=3):
        if FIELDS[fld].is_count:
            letter = get_column_letter(c)
            _put(ws, f"{letter}{total}", f"=SUM({letter}{first}:{letter}{last_row})", bold=True)
            ws[f"{letter}{total}"].number_format = "#,##0"
    _box(ws, header, 1, total, last)
    _signatures(ws, total + 2, "B", get_column_letter(last - 4), last_col)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, last):
        ws.column_dimensions[get_column_letter(c)].width = 16
    ws.column_dimensions[last_col].width = 20
    ws.row_dimensions[header].height = 105
    ws.freeze_panes = f"C{first}"
    _print_setup(ws, landscape=True, header_rows=f"{header}:{header + 1}")
    _protect(ws)


def build_form02(wb: Workbook, settings: Settings, names: list[str] | None = None) -> None:
    """Form 02: one inspection/supervision round, one row per inspected unit; the total
    score is a formula, the sum of the ten criteria (blank while no criterion is scored).
    ``names``: the registry's unit names for the drop-down of the name column."""
    ws = wb.create_sheet("Biểu 02-VHCS")
    # columns: STT, Tên đơn vị, Ngày kiểm tra, Hình thức, c01..c10, Tổng điểm, Xếp loại, Số vi phạm, Ghi chú
    first_crit, last_crit = 5, 14
    total_col, rating_col, viol_col, note_col = 15, 16, 17, 18
    L = get_column_letter
    _letterhead(ws, "C", L(note_col - 4), L(note_col), committee=True)
    _put(ws, "A2", "ĐOÀN KIỂM TRA, GIÁM SÁT", bold=True, size=11, align=_CENTER, merge_to="C2")
    _put(ws, f"{L(note_col)}3", FORM02_CODE, italic=True, size=11, align=Alignment(horizontal="right"))
    _put(ws, "A4", "KẾT QUẢ KIỂM TRA, GIÁM SÁT VĂN HÓA CÔNG SỞ", bold=True, size=14, align=_CENTER,
         merge_to=f"{L(note_col)}4")
    _put(ws, "B6", "Đợt kiểm tra, giám sát:", bold=True, align=Alignment(horizontal="right", vertical="center"))
    ws.merge_cells("C6:F6")
    _input(ws, "C6")
    _validation(ws, "textLength", "C6", operator="lessThanOrEqual", formula1="200",
                prompt="Ghi đợt và năm, ví dụ: Đợt 1 năm 2017.")

    top = 8
    for c, text in ((1, "STT"), (2, "Tên đơn vị"), (3, "Ngày kiểm tra"), (4, "Hình thức"),
                    (total_col, "Tổng điểm"), (rating_col, "Xếp loại"), (viol_col, "Số vi phạm phát hiện"),
                    (note_col, "Ghi chú")):
        _put(ws, f"{L(c)}{top}", text, bold=True, size=11, align=_CENTER, merge_to=f"{L(c)}{top + 1}")
    _put(ws, f"{L(first_crit)}{top}", "Tiêu chí chấm điểm", bold=True, size=11, align=_CENTER,
         merge_to=f"{L(last_crit)}{top}")
    for i, name in enumerate(CRITERIA_LABELS):
        _put(ws, f"{L(first_crit + i)}{top + 1}", name, bold=True, size=10, align=_CENTER)
    for c in range(1, note_col + 1):
        _put(ws, f"{L(c)}{top + 2}", f"({c})", italic=True, size=10, align=_CENTER)
    first, last_row = top + 3, top + 2 + INSPECTION_ROWS
    span = lambda c: f"{L(c)}{first}:{L(c)}{last_row}"  # noqa: E731
    _unit_list(ws, span(2), names)
    _date(ws, span(3), settings)
    _choice(ws, span(4), _KIND)
    _decimal(ws, f"{L(first_crit)}{first}:{L(last_crit)}{last_row}", _CRITERION,
             "Điểm mỗi tiêu chí từ {low} đến {high}.")
    ratings = list(settings.inspection.rating_thresholds)
    _validation(ws, "list", span(rating_col), formula1='"' + ",".join(ratings) + '"',
                prompt="Chọn xếp loại: " + ", ".join(ratings) + ".")
    _whole(ws, span(viol_col), _VIOLATIONS)
    for r in range(first, last_row + 1):
        for c in range(1, note_col + 1):
            cell = ws.cell(row=r, column=c)
            if c != total_col:
                cell.fill = _INPUT
                cell.protection = _UNLOCKED
            if c == 3:
                cell.number_format = "DD/MM/YYYY"
            elif first_crit <= c <= total_col:
                cell.number_format = "0.0"
        criteria = f"{L(first_crit)}{r}:{L(last_crit)}{r}"
        ws.cell(row=r, column=total_col, value=f'=IF(COUNT({criteria})=0,"",SUM({criteria}))')
    total = last_row + 1
    _put(ws, f"B{total}", "Tổng cộng", bold=True, align=_CENTER)
    _put(ws, f"{L(viol_col)}{total}", f"=SUM({L(viol_col)}{first}:{L(viol_col)}{last_row})", bold=True)
    _box(ws, top, 1, total, note_col)
    _signatures(ws, total + 2, "B", L(note_col - 4), L(note_col), maker="NGƯỜI TỔNG HỢP",
                on_behalf="T/M ĐOÀN KIỂM TRA", signer="TRƯỞNG ĐOÀN")
    for c, width in ((1, 6), (2, 34), (3, 13), (4, 11), (total_col, 9), (rating_col, 11), (viol_col, 10),
                     (note_col, 24)):
        ws.column_dimensions[L(c)].width = width
    for c in range(first_crit, last_crit + 1):
        ws.column_dimensions[L(c)].width = 12
    ws.row_dimensions[top + 1].height = 90
    ws.freeze_panes = f"C{first}"
    _print_setup(ws, landscape=True, header_rows=f"{top}:{top + 2}")
    _protect(ws)


_PROTECTION_NOTE = ("Tên chỉ tiêu, tiêu đề và công thức được khóa để tránh sửa nhầm (không đặt mật khẩu): nếu thật "
                    "cần sửa, chọn Xem lại (Review) › Bỏ bảo vệ trang tính (Unprotect Sheet). Khi có danh mục đơn vị, "
                    "tên đơn vị chọn trong danh sách thả xuống.")

_GUIDE: dict[str, tuple[str, ...]] = {
    FILE_UNIT: (
        "Mỗi đơn vị lập một tệp cho mỗi kỳ; không đổi tên trang, không thêm hay xóa dòng, cột của bảng.",
        "Ghi đầy đủ tên đơn vị (tên chính thức, không viết tắt), kỳ báo cáo và ngày báo cáo ở phần đầu biểu.",
        "Chỉ nhập vào các ô nền vàng. Số nhập dạng số (không kèm chữ), ví dụ 1234 hoặc 85,5.",
        "Các chỉ tiêu Có/Không: chọn trong danh sách thả xuống.",
        "Ngày ghi dạng dd/mm/yyyy, ví dụ 15/06/2017.",
        "Đơn vị không có bộ phận một cửa để trống các chỉ tiêu về hồ sơ thủ tục hành chính "
        "(để trống là không áp dụng, khác với số 0).",
        "Tỷ lệ hài lòng ghi theo phần trăm từ {} đến {}.".format(*_limits(FIELDS["satisfaction_rate"], ",")),
        "Nếu cần gửi lại số liệu đã sửa, ghi ngày báo cáo mới: bản có ngày báo cáo muộn hơn sẽ thay thế bản trước.",
        "Các số người (đã học tập, có kế hoạch cá nhân, vi phạm, xếp loại) không lớn hơn tổng số CBCCVC; số phòng, "
        "ban có kế hoạch không lớn hơn tổng số phòng, ban. Biểu báo ngay khi nhập sai.",
        "Số tập thể, cá nhân được biểu dương, khen thưởng chỉ ghi số lượng; danh sách (nếu cần) gửi kèm riêng.",
        _PROTECTION_NOTE,
    ),
    FILE_CONSOLIDATED: (
        "Văn phòng Đảng ủy Khối dùng bảng này để tổng hợp số liệu các đơn vị, mỗi kỳ một trang hoặc một tệp.",
        "Ghi kỳ báo cáo ở phần đầu bảng; mỗi đơn vị một dòng, ghi đúng tên đơn vị như trong danh mục.",
        "Chỉ nhập vào các ô nền vàng; dòng tổng cộng tự tính, không sửa.",
        "Để trống ô không áp dụng (khác với số 0); chỉ tiêu Có/Không chọn trong danh sách thả xuống.",
        _PROTECTION_NOTE,
    ),
    FILE_INSPECTION: (
        "Mỗi đợt kiểm tra, giám sát lập một tệp; ghi đợt và năm ở phần đầu biểu, ví dụ: Đợt 1 năm 2017.",
        "Mỗi đơn vị được kiểm tra, giám sát ghi một dòng; ngày ghi dạng dd/mm/yyyy.",
        "Mười tiêu chí theo Quyết định 129/2007/QĐ-TTg, mỗi tiêu chí chấm từ {} đến {}; tổng điểm từ {} đến {}."
        .format(*_limits(_CRITERION, ","), *_limits(_TOTAL_SCORE, ",")),
        "Xếp loại chọn trong danh sách thả xuống; hình thức chọn Kiểm tra hoặc Giám sát.",
        "Cột ghi chú không ghi họ tên cá nhân (số liệu có thể được công bố).",
        "Cột tổng điểm tự cộng mười tiêu chí, không nhập tay.",
        _PROTECTION_NOTE,
    ),
}


def _guide_sheet(wb: Workbook, file_name: str) -> None:
    ws = wb.create_sheet("Hướng dẫn")
    _put(ws, "A1", "HƯỚNG DẪN ĐIỀN BIỂU", bold=True, size=14)
    for i, line in enumerate(_GUIDE[file_name], start=1):
        _put(ws, f"A{i + 2}", f"{i}. {line}", align=Alignment(wrap_text=True, vertical="top"))
    ws.column_dimensions["A"].width = 110


_BUILDERS = {FILE_UNIT: build_form01_unit, FILE_CONSOLIDATED: build_form01_consolidated, FILE_INSPECTION: build_form02}


def write_templates(out: Path, *, settings: Settings, unit_names: list[str] | None = None) -> list[Path]:
    """Write the three blank forms into ``out`` (periods, dates and ratings from ``settings``;
    ``unit_names``: the registry's official names for the unit drop-downs, None: typed
    freehand); return their paths (byte-identical each run)."""
    from vhcs_analysis.io.xlsx_write import write_workbook_deterministic

    out = Path(out)
    paths = []
    for file_name, build in _BUILDERS.items():
        wb = Workbook()
        wb.remove(wb.active)
        build(wb, settings, unit_names)
        _guide_sheet(wb, file_name)
        wb.properties.title = file_name.removesuffix(".xlsx").replace("_", " ")
        wb.properties.creator = "vhcs-analysis"
        paths.append(write_workbook_deterministic(wb, out / file_name))
    return paths


def registry_names(units: Path | None, settings: Settings) -> tuple[list[str] | None, Path | None]:
    """The official unit names for the drop-downs, and the registry they come from: ``units``
    when given, else the default registry (``units.csv`` of the raw data folder, as
    ``vhcs validate`` finds it); (None, None) without one. A registry that cannot be read
    is an error (``VhcsError``) naming it."""
    from vhcs_analysis.config import get_paths
    from vhcs_analysis.io.base import Limits
    from vhcs_analysis.registry import find_registry
    from vhcs_analysis.registry import RegistryError, read_units

    found = Path(units) if units is not None else find_registry([get_paths().raw])
    if found is None:
        return None, None
    path = found
    try:
        frame = read_units(path, path.name, limits=Limits.from_settings(settings.cleaning))
    except (RegistryError, OSError) as exc:
        raise VhcsError(f"danh mục đơn vị {path} không dùng được: {exc}") from None
    return [str(n) for n in frame["unit_name"]], path


def cli_template(out: Path, console, *, settings: Settings, units: Path | None = None) -> int:
    """``vhcs template --out DIR [--units units.csv]``: write the blank forms and list them."""
    names, source = registry_names(units, settings)
    try:
        paths = write_templates(out, settings=settings, unit_names=names)
    except OSError as exc:
        raise VhcsError(f"không ghi được biểu mẫu vào thư mục {out}: {exc.strerror or exc}") from None
    if names:
        console.print(f"Tên đơn vị chọn trong danh sách {len(names)} đơn vị của danh mục {source}.", soft_wrap=True)
    else:
        console.print("Không có danh mục đơn vị (--units hoặc units.csv trong thư mục dữ liệu thô): tên đơn vị "
                      "để gõ tay.", soft_wrap=True)
    console.print(f"Đã ghi {len(paths)} biểu mẫu trống vào {out}:")
    for path in paths:
        console.print(f"  • {path.name}")
    return 0
