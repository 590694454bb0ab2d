"""Atomic, deterministic writers for every output: CSV for Excel users, Parquet, JSON.

Every writer writes a temporary file in the destination folder and then renames it over
the target (``os.replace``), so a reader never sees half a file and a crash leaves the
old file in place. Same input, same bytes: fixed line endings, no timestamps, no index.

CSV files are for people who open them in Excel, and the values in them come from raw
files anyone could have sent: a text cell like ``=HYPERLINK(…)`` or ``@SUM(…)`` would run
as a formula ("CSV injection"). Such text cells get a leading single quote, which Excel
shows as plain text; numbers (also negative ones) and plain numeric text are left alone.
``write_csv`` is the one CSV writer of the package (processed rejects and findings, the
report's ``tables/*.csv``, the figure list); ``read_csv`` reads such a file back for the
report builders with the quote taken off again, so documents show the text as written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vhcs_analysis.errors import Location, OutputLockedError

# A text cell starting with one of these is read as a formula by Excel/LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# …but text that is just a number ("-5", "+84", "-12,5%", "-") is harmless and common.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d.,\s]*)?%?")


def neutralise_formula(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text Excel would treat as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    dtype = series.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def public_mode(directory: bool = False) -> int:
    """The permission bits a normal ``open()``/``mkdir()`` would give under the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def locked_output_error(path: Path | str, *, folder: bool = False) -> OutputLockedError:
    """The one Vietnamese message for an output that cannot be replaced or created."""
    path = Path(path)
    if folder:
        return OutputLockedError(
            "không ghi được vào thư mục này: thư mục chỉ cho đọc, không có quyền ghi, hoặc một "
            "tệp trong đó đang mở trong chương trình khác (Excel, trình xem PDF, Word…). Hãy đóng "
            "các tệp đó (hoặc chọn thư mục khác bằng --out) rồi chạy lại lệnh; các tệp cũ vẫn giữ nguyên.",
            Location(file=str(path)),
        )
    return OutputLockedError(
        f"không ghi đè được: tệp đang mở trong chương trình khác (Excel, trình xem PDF, Word…) "
        f"hoặc chỉ cho đọc. Hãy đóng {path.name} (hoặc bỏ thuộc tính chỉ đọc) rồi chạy lại lệnh; "
        "tệp cũ vẫn giữ nguyên.",
        Location(file=str(path)),
    )


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path next to ``path``; on success it replaces ``path``, on error it is removed.

    This is the one place every output file goes through (tables, figures, PDF, Word,
    workbooks, notebooks): a target that cannot be replaced (on Windows: open in Excel, Word
    or a PDF viewer; anywhere: read-only) becomes ``OutputLockedError`` naming the file, and
    the previous file stays as it was."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except PermissionError:
        raise locked_output_error(path.parent, folder=True) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        # mkstemp creates 0600; outputs are meant to be shared like any file the user writes.
        os.chmod(tmp, public_mode())
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise locked_output_error(path) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(data: bytes, path: Path | str) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


UNBOUNDED_NOTE = "unbounded_note"  # column naming the cells of a row left empty for ±inf
UNBOUNDED_VI = "không chặn được"


def without_infinities(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every ±inf number made empty and, when there was one, a column
    ``unbounded_note`` that names them per row ("ci_low: không chặn được (−∞)"): a CSV
    holds no ``inf``/``-inf`` text (Excel reads ``-inf`` as a formula)."""
    out = df.copy()
    notes = pd.Series([""] * len(out), index=out.index, dtype=object)
    found = False
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        values = out[column].astype("float64")
        inf = np.isinf(values.to_numpy())
        if not inf.any():
            continue
        found = True
        signs = np.where(values.to_numpy()[inf] > 0, "+∞", "−∞")
        text = [f"{column}: {UNBOUNDED_VI} ({sign})" for sign in signs]
        idx = out.index[inf]
        notes.loc[idx] = [f"{a}; {b}" if a else b for a, b in zip(notes.loc[idx], text)]
        out[column] = values.where(~inf, np.nan)
    if found:
        out[UNBOUNDED_NOTE] = notes
    return out


def csv_bytes(df: pd.DataFrame, *, bom: bool = True, date_format: str | None = "%Y-%m-%d") -> bytes:
    """The bytes ``write_csv`` writes: UTF-8 (with a BOM unless ``bom=False``), ``\\n``
    line ends, formula-like text cells (and headers) neutralised, no index, no ``inf``
    text (``without_infinities``; NaN is an empty cell)."""
    out = without_infinities(df)
    for column in out.columns:
        if _is_text_column(out[column]):
            values = out[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                values = values.astype(object)
            out[column] = values.map(neutralise_formula, na_action="ignore")
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", date_format=date_format)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write_csv(df: pd.DataFrame, path: Path | str, *, bom: bool = True, date_format: str | None = "%Y-%m-%d") -> Path:
    """Write ``df`` atomically as a CSV that Excel opens with Vietnamese intact and no live
    formulas (see ``csv_bytes``): the one way the package writes a CSV."""
    return write_bytes_atomic(csv_bytes(df, bom=bom, date_format=date_format), path)


def csv_for_excel_bytes(df: pd.DataFrame) -> bytes:
    """The bytes of a processed CSV (``rejects.csv``, ``findings.csv``): BOM, ISO dates."""
    return csv_bytes(df)


def write_csv_for_excel(df: pd.DataFrame, path: Path | str) -> Path:
    """Write a processed CSV (``csv_for_excel_bytes``) atomically."""
    return write_csv(df, path)


def restore_formula_text(value: Any) -> Any:
    """The inverse of ``neutralise_formula``: the text as it was written in the source."""
    if isinstance(value, str) and value.startswith("'") and neutralise_formula(value[1:]) == value:
        return value[1:]
    return value


def read_csv(path: Path | str, **kwargs) -> pd.DataFrame:
    """A CSV written by ``write_csv``, read with ``pandas.read_csv(**kwargs)`` and the
    guard quote taken off text cells, for documents that show the values."""
    frame = pd.read_csv(path, **kwargs)
    for column in frame.columns:
        if _is_text_column(frame[column]):
            frame[column] = frame[column].map(restore_formula_text, na_action="ignore")
    return frame


def write_parquet_atomic(df: pd.DataFrame, path: Path | str) -> Path:
    """Write ``df`` as Parquet (no pandas index, zstd), byte-identical for the same frame."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", compression_level=3)
    return Path(path)


def _json_default(value: Any) -> Any:
    """JSON for the non-JSON values a pipeline naturally produces."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays
        return value.tolist()
    raise TypeError(f"không ghi được giá trị kiểu {type(value).__name__} vào JSON")


def json_bytes(obj: Any) -> bytes:
    """Sorted keys, indent 2, Vietnamese kept as is, trailing newline."""
    text = json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, default=_json_default, allow_nan=False)
    return (text + "\n").encode("utf-8")


def write_json_atomic(obj: Any, path: Path | str) -> Path:
    """Write ``obj`` as deterministic JSON (see ``json_bytes``) atomically."""
    return write_bytes_atomic(json_bytes(obj), path)
