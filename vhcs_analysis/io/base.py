"""Shared pieces of the raw-file readers: the ``Sheet`` grid, ``Limits``, and the
internal refusal that ``files.read_sheets`` turns into ``UnreadableFileError``."""

from __future__ import annotations

from dataclasses import dataclass, field

Cell = object  # None | str | int | float | bool | datetime.datetime | datetime.date | datetime.time


@dataclass
class Sheet:
    """One sheet (or CSV file, or HTML table) as a grid: ``rows[i]`` is Excel row ``i+1``,
    ``rows[i][j]`` is column ``j+1``; merged ranges are 0-based inclusive
    ``(first_row, first_col, last_row, last_col)``."""

    name: str
    rows: list[list[Cell]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # cells holding a formula with no stored result (the cell reads as blank): (row0, col0) -> "=…"
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    """Hard limits for one input file: ``[cleaning]`` max_* of the settings (derived from
    the national roll-up with a ×10 margin: docs/cleaning.md, "Giới hạn kích thước")."""

    max_file_mb: float
    max_cells: int
    max_cell_chars: int
    max_unzipped_mb: float
    max_zip_ratio: float
    max_rows: int  # rows holding a cell, per sheet (empty styled rows are not counted)
    max_part_mb: float  # uncompressed bytes of one part: a sheet's XML, content.xml, a CSV, an .xls stream

    @classmethod
    def from_settings(cls, cleaning) -> Limits:
        """The limits of a ``settings.Cleaning`` section."""
        return cls(cleaning.max_file_mb, cleaning.max_cells, cleaning.max_cell_chars, cleaning.max_unzipped_mb,
                   cleaning.max_zip_ratio, cleaning.max_rows, cleaning.max_part_mb)


MB = 1024 * 1024


class Refused(Exception):
    """Internal to the readers: a reason (Vietnamese) and optional sheet/row/column, turned into the
    public error by ``read_sheets`` once the file's display name is known."""

    def __init__(self, reason: str, sheet: str | None = None, row: int | None = None, column: str | None = None):
        super().__init__(reason)
        self.reason, self.sheet, self.row, self.column = reason, sheet, row, column


def col_letters(index0: int) -> str:
    """Excel column letters of a 0-based column index (0 -> A, 26 -> AA)."""
    n, letters = index0 + 1, ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def over_limit(measured: str, setting: str, limit: str, *, sheet: str | None = None) -> Refused:
    """The one wording of a file refused on a ``[cleaning]`` limit before it is parsed:
    what was measured, the limit, and the setting that raises it."""
    return Refused(
        f"bảng tính quá lớn để đọc an toàn: {measured}, vượt giới hạn {setting} = {limit} "
        f"(mục [cleaning] của tệp cài đặt; tăng {setting} nếu khối thật sự cần tệp lớn như vậy)",
        sheet=sheet,
    )


def size_vi(n_bytes: float) -> str:
    """A size in MB the Vietnamese way (``fmt.number``: 485,3 MB)."""
    from vhcs_analysis import fmt

    return f"{fmt.number(n_bytes / MB, 1)} MB"


def check_text_size(data: bytes, limits: Limits) -> None:
    """A text table (CSV) is one part: refuse it on its bytes (``max_part_mb``) or its
    lines (``max_rows``, counted as bytes before decoding) before it is parsed."""
    from vhcs_analysis import fmt

    if len(data) > limits.max_part_mb * MB:
        raise over_limit(f"tệp văn bản dài {size_vi(len(data))}", "max_part_mb", f"{fmt.number(limits.max_part_mb)} MB")
    lines = data.count(b"\n") or data.count(b"\r")
    if lines > limits.max_rows:
        raise over_limit(f"tệp văn bản có {fmt.number(lines)} dòng", "max_rows", f"{fmt.number(limits.max_rows)} dòng")


def refuse_extent(limits: Limits, rows: int, cols: int, sheet: str | None = None) -> None:
    """Refuse a sheet whose used range (``rows`` × ``cols``) is over ``limits.max_cells``, naming both."""
    raise Refused(
        f"bảng tính quá lớn: vùng dữ liệu {rows:,} dòng × {cols:,} cột vượt giới hạn {limits.max_cells:,} ô"
        .replace(",", "."),
        sheet=sheet,
    )


def decode_text(data: bytes) -> str:
    """Bytes of a text file -> text (BOMs, UTF-8, UTF-16, Windows-1258, TCVN3, VNI): ``text.decode_bytes``."""
    from vhcs_analysis.text import decode_bytes

    return decode_bytes(data)
