"""Column-wise parsing of a located table's cells: one pass per column, not per cell.

``parse_column(values, dtype, rate, fallback)`` gives, for every cell of a column, what
the per-cell parser ``fallback(dtype, rate, value) -> (parsed, error)`` gives, in fewer
Python steps:

- Excel numbers (``int``/``float`` cells, the bulk of a consolidated sheet) of count and
  amount columns are checked and converted in one numpy pass;
- text in the common shapes ("1234", "1.234", "12,5", "15/06/2017") is matched and
  converted with pyarrow string kernels (their float parsing is correctly rounded, like
  Python's ``float``);
- every other cell (blanks, "Có"/"Không", rates, legacy or odd text, an impossible date)
  goes to the per-cell parser once per distinct value (a column repeats its values), so
  messages and reason codes are exactly the per-cell parser's.

``raw_texts`` is the column-wise ``clean.core.raw_text`` (what a reject quotes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

Fallback = Callable[[str, bool, object], tuple[object, tuple[str, str] | None]]

_EXACT_INT = 2**53  # larger Python ints are not exact in float64: the per-cell parser reads them
# text shapes whose value the per-cell parser (parse._number_from_text) reads plainly
_PLAIN_DIGITS = r"[0-9]{1,15}"
_DOT_THOUSANDS = r"[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,4}"
_COMMA_DECIMAL = r"[0-9]{1,12},[0-9]{1,6}"
_DMY = r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"


def parse_column(values: Sequence, dtype: str, rate: bool, fallback: Fallback) -> tuple[list, list]:
    """(parsed values, errors) for the cells of one column: ``errors[i]`` is None or
    (reason_code, message), as ``fallback(dtype, rate, values[i])`` would give."""
    n = len(values)
    parsed: list = [None] * n
    errors: list = [None] * n
    todo = list(range(n))
    if not rate and dtype in ("Int64", "Float64"):
        todo = _numbers(values, todo, dtype, parsed, errors)
        todo = _number_texts(values, todo, dtype, parsed)
    elif dtype.startswith("datetime"):
        todo = _dmy_texts(values, todo, parsed)
    _by_distinct(values, todo, dtype, rate, fallback, parsed, errors)
    return parsed, errors


def _numbers(values: Sequence, todo: list[int], dtype: str, parsed: list, errors: list) -> list[int]:
    """Excel number cells of a count/amount column in one numpy pass; the rest is returned."""
    idx = [i for i in todo if (type(values[i]) is float or (type(values[i]) is int and -_EXACT_INT < values[i] < _EXACT_INT))]
    if not idx:
        return todo
    arr = np.array([values[i] for i in idx], dtype=np.float64)
    finite = np.isfinite(arr)
    if dtype == "Int64":
        rounded = np.rint(arr)  # round half to even, as Python's round()
        with np.errstate(invalid="ignore"):
            ok = finite & (np.abs(arr - rounded) <= 1e-6) & (np.abs(arr) < _EXACT_INT)
        out = rounded.astype(np.int64, copy=False) if ok.all() else np.where(ok, rounded, 0).astype(np.int64)
        results = out.tolist()
    else:
        ok = finite
        results = arr.tolist()
    nan = np.isnan(arr)  # a NaN cell is blank: None, no error
    done = set()
    for k, i in enumerate(idx):
        if ok[k]:
            parsed[i] = results[k]
            done.add(i)
        elif nan[k]:
            done.add(i)
    if len(done) == len(todo):
        return []
    return [i for i in todo if i not in done]


def _strings(values: Sequence, todo: list[int]) -> tuple[list[int], list[str]]:
    idx = [i for i in todo if type(values[i]) is str]
    return idx, [values[i] for i in idx]


def _number_texts(values: Sequence, todo: list[int], dtype: str, parsed: list) -> list[int]:
    """Number text in the plain shapes ("1234", "1.234.567", "12,5"); the rest is returned."""
    idx, texts = _strings(values, todo)
    if not idx:
        return todo
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts, type=pa.string())
    plain = pc.match_substring_regex(arr, f"^(?:{_PLAIN_DIGITS}|{_DOT_THOUSANDS})$")
    comma = pc.match_substring_regex(arr, f"^{_COMMA_DECIMAL}$")
    shaped = pc.or_(plain, comma)
    if not pc.any(shaped).as_py():
        return todo
    normal = pc.if_else(plain, pc.replace_substring(arr, ".", ""), pc.replace_substring(arr, ",", "."))
    numbers = pc.cast(pc.if_else(shaped, normal, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    shape = shaped.to_numpy(zero_copy_only=False)
    if dtype == "Int64":
        whole = np.rint(numbers)
        shape = shape & (np.abs(numbers - whole) <= 1e-6) & (np.abs(numbers) < _EXACT_INT)
        results = whole.tolist()
    else:
        results = numbers.tolist()
    done = set()
    for k, i in enumerate(idx):
        if shape[k]:
            parsed[i] = int(results[k]) if dtype == "Int64" else results[k]
            done.add(i)
    return [i for i in todo if i not in done] if done else todo


def _dmy_texts(values: Sequence, todo: list[int], parsed: list) -> list[int]:
    """"15/06/2017" dates that exist; the rest (other shapes, 31/02/2017) is returned."""
    idx, texts = _strings(values, todo)
    if not idx:
        return todo
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(pa.array(texts, type=pa.string()), f"^{_DMY}$")
    valid = parts.is_valid().to_numpy(zero_copy_only=False)
    if not valid.any():
        return todo
    matched = parts.filter(parts.is_valid())
    year, month, day = (pc.cast(matched.field(k), pa.int32()).to_numpy(zero_copy_only=False).tolist()
                        for k in ("y", "m", "d"))
    done = set()
    for k, i in enumerate(i for i, ok in zip(idx, valid) if ok):
        try:
            parsed[i] = dt.date(year[k], month[k], day[k])
        except ValueError:  # 31/02/2017: the per-cell parser words the error
            continue
        done.add(i)
    return [i for i in todo if i not in done] if done else todo


def _by_distinct(values: Sequence, todo: list[int], dtype: str, rate: bool, fallback: Fallback,
                 parsed: list, errors: list) -> None:
    """The per-cell parser once per distinct (type, value); 1, 1.0 and True stay apart."""
    seen: dict = {}
    for i in todo:
        v = values[i]
        try:
            key = (type(v), v)
            result = seen.get(key)
            if result is None:
                result = seen[key] = fallback(dtype, rate, v)
        except TypeError:  # an unhashable value
            result = fallback(dtype, rate, v)
        parsed[i], errors[i] = result


def raw_texts(values: Sequence, raw_text: Callable[[object], str | None]) -> list:
    """``raw_text`` of every cell: text and numbers inline (as ``raw_text`` does them: a
    whole float without ".0", NaN as None), any other cell through ``raw_text``."""
    return [(v.strip() or None) if type(v) is str else str(v) if type(v) is int
            else (str(int(v)) if v.is_integer() else None if v != v else str(v)) if type(v) is float
            else raw_text(v) for v in values]
