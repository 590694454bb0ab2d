"""The readers' checks that come from the field metadata of ``tables.py``.

A reader does not write a field's range or allowed values again: it asks the ``Column``.
Each check runs over all records of a batch at once (numpy masks; a missing value is NaN
and fails no comparison) and words its problem with the column's own message template,
so the reject says the same thing whichever form the value came from. Each reader calls
the checks in the order its problems have always come in (the first problem of a record
is its reject reason).
"""

from __future__ import annotations

from collections.abc import Iterable

from vhcs_analysis import tables
from vhcs_analysis.clean.batch import RecordBatch, flagged_indices, numbers
from vhcs_analysis.io.locate import fold


def check_negative(batch: RecordBatch, cols: Iterable[tables.Column]) -> None:
    """A negative value of a count (``Column.is_count``) is ``negative_count``, worded by
    the column (``Column.negative_message``), column by column in the order given."""
    for col in cols:
        if col.is_count and col.name in batch.data:
            values = batch.data[col.name]
            for i in flagged_indices(numbers(values) < 0):
                batch.problem(i, "negative_count", col.negative_message(values[i]), col.name)


def check_bounds(batch: RecordBatch, cols: Iterable[tables.Column]) -> None:
    """A value outside the column's ``bounds`` is its ``range_code`` with its
    ``range_message``, column by column in the order given. A negative count is left to
    ``check_negative`` (so a count whose only rule is ≥ 0 is not checked here)."""
    for col in cols:
        b = col.bounds
        if b is None or col.name not in batch.data or (col.is_count and b == tables.Bounds(0)):
            continue
        values = batch.data[col.name]
        x = numbers(values)
        outside = b.outside(x)
        if col.is_count:
            outside &= ~(x < 0)
        for i in flagged_indices(outside):
            batch.problem(i, col.range_code, col.range_message(values[i]), col.name)


def allowed_choices(col: tables.Column) -> dict[str, str]:
    """How an allowed value may be written -> the value: its ``fold`` ("kiem tra") and the
    initials of its words ("kt"), the way forms abbreviate it."""
    choices: dict[str, str] = {}
    for value in col.allowed or ():
        key = fold(value)
        choices[key] = value
        choices.setdefault("".join(word[0] for word in key.split()), value)
    return choices


def missing_message(col: tables.Column, what: str) -> str:
    """The message of a required field left blank: "thiếu ``what``", with the allowed
    values when there are some ("thiếu hình thức (Kiểm tra / Giám sát)")."""
    if col.allowed:
        return f"thiếu {what} ({' / '.join(col.allowed)})"
    return f"thiếu {what}"
