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

from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np

Fallback = Callable[[str, bool, object], tuple[object, tuple[str, str] | None]]

_EXACT_INT = 2**53  # larger Python ints are not exact in float64: the per-cell parser reads them
# text shapes whose value the per-cell parser (parse._number_from_text) reads plainly
_PLAIN_DIGITS = r"[0-9]{1,15}"
_DOT_THOUSANDS = r"[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,4}"
_COMMA_DECIMAL = r"[0-9]{1,12},[0-9]{1,6}"
_DMY = r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"


_NONE, _STR, _INT, _FLOAT = 1, 2, 3, 4
_KIND_CODES = {type(None): _NONE, str: _STR, int: _INT, float: _FLOAT}


def parse_column(values: Sequence, dtype: str, rate: bool, fallback: Fallback) -> tuple[list, list]:
    """(parsed values, errors) for the cells of one column: ``errors[i]`` is None or
    (reason_code, message), as ``fallback(dtype, rate, values[i])`` would give."""
    n = len(values)
    cells = np.fromiter(values, dtype=object, count=n)  # each cell as it is (no conversion)
    # each cell's exact type as a small code (1, 1.0 and True apart; other types 0)
    kinds = np.fromiter(map(_KIND_CODES.get, map(type, values), repeat(0)), dtype=np.int8, count=n)
    out = np.full(n, None, dtype=object)  # what the fast paths parse (Python int, float, date)
    todo = np.ones(n, dtype=bool)  # the cells no fast path has settled
    if not rate and dtype in ("Int64", "Float64"):
        _numbers(cells, kinds, todo, dtype, out)
        _number_texts(cells, kinds, todo, dtype, out)
    elif dtype.startswith("datetime"):
        _dmy_texts(cells, kinds, todo, out)
    errs = np.full(n, None, dtype=object)
    _blank_and_text(cells, kinds, todo, dtype, rate, fallback, out, errs)
    parsed, errors = out.tolist(), errs.tolist()
    _by_distinct(values, np.flatnonzero(todo).tolist(), dtype, rate, fallback, parsed, errors)
    return parsed, errors


def _numbers(cells: np.ndarray, kinds: np.ndarray, todo: np.ndarray, dtype: str, out: np.ndarray) -> None:
    """Excel number cells of a count/amount column (floats, ints that float64 holds
    exactly) in one numpy pass: parsed into ``out``, taken off ``todo`` (a NaN cell is
    blank: None, no error)."""
    idx = np.flatnonzero(todo & ((kinds == _FLOAT) | (kinds == _INT)))
    if not idx.size:
        return
    try:
        arr = cells[idx].astype(np.float64)
    except OverflowError:  # an int beyond float64: keep only the ints float64 holds exactly
        held = cells[idx]
        with np.errstate(invalid="ignore"):  # a NaN cell compares False (it is a float: kept anyway)
            exact = (held > -_EXACT_INT) & (held < _EXACT_INT)
        idx = idx[(kinds[idx] == _FLOAT) | exact]
        arr = cells[idx].astype(np.float64)
    else:
        # an int is exact in float64 when |int| < 2**53, and then so is its float (the
        # conversion is exact up to 2**53 and rounds monotonically beyond)
        exact = (kinds[idx] == _FLOAT) | (np.abs(arr) < _EXACT_INT)
        if not exact.all():
            idx, arr = idx[exact], arr[exact]
    finite = np.isfinite(arr)
    if dtype == "Int64":
        rounded = np.rint(arr)  # round half to even, as Python's round()
        with np.errstate(invalid="ignore"):
            ok = finite & (np.abs(arr - rounded) <= 1e-6) & (np.abs(arr) < _EXACT_INT)
        out[idx[ok]] = rounded[ok].astype(np.int64)  # stored as Python ints
    else:
        ok = finite
        out[idx[ok]] = arr[ok]  # stored as Python floats
    todo[idx[ok | np.isnan(arr)]] = False


def _strings(cells: np.ndarray, kinds: np.ndarray, todo: np.ndarray) -> tuple[np.ndarray, list[str]]:
    idx = np.flatnonzero(todo & (kinds == _STR))
    return idx, cells[idx].tolist()


def _number_texts(cells: np.ndarray, kinds: np.ndarray, todo: np.ndarray, dtype: str, out: np.ndarray) -> None:
    """Number text in the plain shapes ("1234", "1.234.567", "12,5"): parsed into ``out``,
    taken off ``todo``."""
    idx, texts = _strings(cells, kinds, todo)
    if not idx.size:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts, type=pa.string())
    plain = pc.match_substring_regex(arr, f"^(?:{_PLAIN_DIGITS}|{_DOT_THOUSANDS})$")
    comma = pc.match_substring_regex(arr, f"^{_COMMA_DECIMAL}$")
    shaped = pc.or_(plain, comma)
    if not pc.any(shaped).as_py():
        return
    normal = pc.if_else(plain, pc.replace_substring(arr, ".", ""), pc.replace_substring(arr, ",", "."))
    numbers = pc.cast(pc.if_else(shaped, normal, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    shape = shaped.to_numpy(zero_copy_only=False)
    if dtype == "Int64":
        whole = np.rint(numbers)
        shape = shape & (np.abs(numbers - whole) <= 1e-6) & (np.abs(numbers) < _EXACT_INT)
        results = whole[shape].astype(np.int64)
    else:
        results = numbers[shape]
    out[idx[shape]] = results
    todo[idx[shape]] = False


def _dmy_texts(cells: np.ndarray, kinds: np.ndarray, todo: np.ndarray, out: np.ndarray) -> None:
    """"15/06/2017" dates that exist, into ``out`` as ``datetime.date`` and off ``todo``;
    the rest (other shapes, 31/02/2017, year 0000) is left to the per-cell parser."""
    idx, texts = _strings(cells, kinds, todo)
    if not idx.size:
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.extract_regex(pa.array(texts, type=pa.string()), f"^{_DMY}$")
    valid = parts.is_valid().to_numpy(zero_copy_only=False)
    if not valid.any():
        return
    matched = parts.filter(parts.is_valid())
    year, month, day = (pc.cast(matched.field(k), pa.int64()).to_numpy(zero_copy_only=False)
                        for k in ("y", "m", "d"))
    # the date exists (``datetime.date`` would accept it): year from 1, month 1–12, day
    # within its month (leap years by numpy's calendar, the proleptic Gregorian one)
    months = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(np.int64)
    exists = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)
    where = idx[valid][exists]
    out[where] = (first[exists] + (day[exists] - 1)).astype(object)  # datetime.date objects
    todo[where] = False


def _blank_and_text(cells: np.ndarray, kinds: np.ndarray, todo: np.ndarray, dtype: str, rate: bool,
                    fallback: Fallback, out: np.ndarray, errs: np.ndarray) -> None:
    """The empty cells (None: one call of the per-cell parser for all of them) and the
    text cells left (the per-cell parser once per distinct text, ``pandas.factorize``
    finding them: "Có"/"Không" columns repeat a few texts) into ``out``/``errs``, off ``todo``."""
    for kind in (_NONE, _STR):
        idx = np.flatnonzero(todo & (kinds == kind))
        if not idx.size:
            continue
        if kind == _STR:
            import pandas as pd

            codes, distinct = pd.factorize(cells[idx])
            distinct = distinct.tolist()
        else:
            codes, distinct = np.zeros(idx.size, dtype=np.intp), [None]
        results = [fallback(dtype, rate, v) for v in distinct]
        out[idx] = np.fromiter((p for p, _ in results), dtype=object, count=len(results))[codes]
        errs[idx] = np.fromiter((e for _, e in results), dtype=object, count=len(results))[codes]
        todo[idx] = False


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
