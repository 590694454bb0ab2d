"""What ``vhcs clean`` writes for people beside the processed tables: ``rejects.xlsx`` and
``findings.xlsx`` (the CSVs' rows for Excel), and one correction workbook per unit with
problems (phiếu yêu cầu chỉnh sửa, ``phieu-chinh-sua/``) that the office sends back.

A unit's workbook lists every problem of every rejected record of that unit (the records'
problems as the readers found them, ``RecordBatch.problems``): the file, the sheet, the
cell as Excel names it ("D14"), what was written, what is wrong and what to enter instead
(``labels.REASON_FIX_VI``), with a deadline cell left for the office. A record whose unit
could not be told (an unknown name) and a file that could not be read at all (a PDF, a
photo, a protected workbook) get a workbook named after the file, since the office knows
who sent it. Records replaced by a later report (``superseded``) ask nothing of anyone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from vhcs_analysis.io.excel_tables import frame_sheet
from vhcs_analysis.io.xlsx_write import write_cells_xlsx
from vhcs_analysis.io.xlsx_write import CellStyle
from vhcs_analysis.layout import CORRECTIONS_DIR as CORRECTIONS_DIR  # re-exported: the name is layout's
from vhcs_analysis.layout import FINDINGS_XLSX, REJECTS_XLSX
from vhcs_analysis.labels import COLUMN_LABELS_VI, FINDING_LABELS_VI, REASON_FIX_VI, REASON_LABELS_VI

if TYPE_CHECKING:
    from vhcs_analysis.results import CleanResult

NOT_ASKED = ("superseded",)  # a later report replaced the record: nothing to correct
TITLE = "PHIẾU YÊU CẦU CHỈNH SỬA SỐ LIỆU"
DEADLINE_LABEL = "Hạn gửi lại (văn phòng ghi):"
DEADLINE_CELL = (4, 5)  # E4, boxed, blank: the office writes the date
HOW_TO = ("Đề nghị đơn vị sửa đúng các ô nêu dưới đây ngay trong tệp đã gửi (theo cột «Đề nghị nhập»), "
          "lưu lại và gửi lại cả tệp trước hạn trên. Một dòng số liệu có thể có nhiều vấn đề: "
          "phiếu liệt kê tất cả.")
COLUMNS_VI = {"n": "STT", "file": "Tệp", "sheet": "Trang tính", "cell": "Ô", "value": "Giá trị đã ghi",
              "reason": "Lý do", "problem": "Vấn đề", "fix": "Đề nghị nhập", "reply": "Ý kiến của đơn vị"}
_LETTERS = re.compile(r"[A-Z]{1,3}")


def cell_address(row: int | None, column: str | None) -> str:
    """Where a problem is, as Excel names the cell ("D14"), else its row ("dòng 14")."""
    if row is not None and column and _LETTERS.fullmatch(column):
        return f"{column}{row}"
    return f"dòng {row}" if row is not None else ""


# --- rejects.xlsx, findings.xlsx ---------------------------------------------------------


def _with_label(frame: pd.DataFrame, code_col: str, label_col: str, labels: dict[str, str]) -> pd.DataFrame:
    out = frame.copy()
    out.insert(out.columns.get_loc(code_col) + 1, label_col,
               out[code_col].map(lambda c: labels.get(c, c)).astype("object"))
    return out


def write_table_workbooks(result: CleanResult, folder: Path) -> None:
    """``rejects.xlsx`` and ``findings.xlsx`` in ``folder``: the CSVs' rows, with the
    Vietnamese reason beside its code."""
    rejects = _with_label(result.rejects, "reason_code", "reason_vi", REASON_LABELS_VI)
    findings = _with_label(result.findings, "finding_code", "finding_vi", FINDING_LABELS_VI)
    write_cells_xlsx(folder / REJECTS_XLSX, [frame_sheet("Dòng bị loại", rejects, COLUMN_LABELS_VI)])
    write_cells_xlsx(folder / FINDINGS_XLSX, [frame_sheet("Phát hiện", findings, COLUMN_LABELS_VI)])


# --- correction workbooks ----------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One thing a unit is asked to correct."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    code: str
    problem: str

    def line(self) -> dict:
        """The ask as one row of a correction sheet: file, sheet, cell address, value, Vietnamese reason and fix."""
        return {"file": self.file, "sheet": self.sheet, "cell": cell_address(self.row, self.column),
                "value": self.value, "reason": REASON_LABELS_VI.get(self.code, self.code),
                "problem": self.problem, "fix": REASON_FIX_VI.get(self.code, ""), "reply": None}


def collect_asks(result: CleanResult) -> dict[tuple[str, str], list[Ask]]:
    """(kind, key) -> what to ask, where kind is "unit" (key: unit_id) or "file" (key: the
    file's path, for records without a known unit and files not read at all); every
    problem of every rejected record, in file, sheet and row order."""
    asks: dict[tuple[str, str], list[Ask]] = {}
    for entry in result.files:
        if entry.status == "unreadable":
            asks.setdefault(("file", entry.path), []).append(
                Ask(entry.path, None, None, None, None, "unreadable_file", entry.reason or ""))
        for batch in entry.batches:
            unit_ids = batch.column("unit_id")
            for i in sorted(batch.problems):
                problems = [p for p in batch.problems[i] if p.code not in NOT_ASKED]
                if not problems:
                    continue
                key = ("unit", unit_ids[i]) if unit_ids[i] is not None else ("file", batch.source_file)
                asks.setdefault(key, []).extend(
                    Ask(batch.source_file, batch.sheet, p.row, p.column, p.value, p.code, p.message) for p in problems)
    return {k: sorted(v, key=lambda a: (a.file, a.sheet or "", a.row or 0)) for k, v in sorted(asks.items())}


def workbook_name(kind: str, key: str) -> str:
    """``<unit_id>.xlsx``, or ``tep-<file path>.xlsx`` for a file without a known unit
    (folders joined by "__", dots and characters a file name cannot hold as "_")."""
    # the file's own extension stays in the name ("_docx"): a.docx and a.xlsx get two workbooks
    stem = key if kind == "unit" else "tep-" + key.replace("/", "__").replace(".", "_")
    return re.sub(r"[^\w.\-]+", "_", unicodedata.normalize("NFC", stem)) + ".xlsx"  # NFC: macOS names are NFD


def correction_sheet(who: str, asks: list[Ask]):
    """The one sheet of a correction workbook: title, unit, deadline, how to, the table."""
    lines = pd.DataFrame([{"n": n, **a.line()} for n, a in enumerate(asks, start=1)], columns=list(COLUMNS_VI))
    files = len({a.file for a in asks})
    top = [[TITLE], [f"Gửi: {who}"],
           [f"Số vấn đề cần sửa: {len(asks)}, trong {files} tệp"],
           [DEADLINE_LABEL], [HOW_TO]]
    sheet = frame_sheet("Phiếu chỉnh sửa", lines, COLUMNS_VI, top=top)
    sheet.styles[DEADLINE_CELL] = CellStyle(boxed=True, font="Arial")  # the office writes the date here
    sheet.styles[(4, 1)] = CellStyle(bold=True, font="Arial")
    sheet.merges.append((4, 1, 4, DEADLINE_CELL[1] - 1))
    sheet.widths[1] = 5.0
    sheet.widths[9] = 30.0  # the unit's reply
    sheet.merges.append((5, 1, 5, len(COLUMNS_VI)))
    sheet.styles[(5, 1)] = CellStyle(wrap=True, italic=True, font="Arial")
    sheet.heights[5] = 30.0
    return sheet


def write_correction_workbooks(result: CleanResult, folder: Path) -> list[Path]:
    """One workbook per unit (or file) with something to correct, in ``folder`` (made even
    when empty: nothing to correct)."""
    folder.mkdir(parents=True, exist_ok=True)
    units = result.tables.get("units")
    names = {} if units is None else dict(zip(units["unit_id"], units["unit_name"]))
    written = []
    for (kind, key), asks in collect_asks(result).items():
        who = f"{names.get(key, key)} (mã {key})" if kind == "unit" else f"đơn vị đã gửi tệp {key}"
        written.append(write_cells_xlsx(folder / workbook_name(kind, key), [correction_sheet(who, asks)]))
    return written
