"""io/zip_guard.py: the tag counts of a worksheet chunk, each byte string counted once,
give what counting every form separately gives (the refusal and the fast-path choice)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vhcs_analysis.io import zip_guard

_pieces = st.sampled_from([
    b'<row r="1">', b"<row>", b'<row spans="1:3">', b"</row>", b'<x:row r="2">', b"<x:row>", b'<c r="A1">',
    b'<c r="B2" s="1"/>', b"<c>", b"<c s='1' r='C3'>", b'<c s="1" r="D4">', b'<x:c r="A1">', b"<x:c>",
    b"</c>", b"<v>1</v>", b"<f>SUM(A1:A2)</f>", b'<f t="shared"/>', b"text :c and :row", b" r=\"", b" r='",
    b'<c t="s" r="E5">', b"<is><t>x</t></is>", b"<sheetData>", b":c", b":row", b"<f", b"<font>",
])


def _old_counts(chunk: bytes) -> tuple[int, int]:
    cells = chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b":c ") + chunk.count(b":c>")
    rows = chunk.count(b"<row ") + chunk.count(b"<row>") + chunk.count(b":row ") + chunk.count(b":row>")
    return cells, rows


def _old_fast_path(chunk: bytes) -> bool:
    if b":c " in chunk or b":c>" in chunk or b"<c>" in chunk:
        return False
    return chunk.count(b"<c ") <= chunk.count(b' r="') + chunk.count(b" r='") - chunk.count(b"<row ")


@settings(max_examples=500, deadline=None)
@given(st.lists(_pieces, max_size=30).map(b"".join))
def test_sheet_tags__same_as_counting_each_form(chunk):
    tags = zip_guard._SheetTags.of(chunk)
    assert (tags.cells, tags.rows) == _old_counts(chunk)
    assert tags.plain_cells == chunk.count(b"<c ")
    assert zip_guard._fast_path_applies(chunk, tags) == _old_fast_path(chunk)
    assert zip_guard._fast_path_applies(chunk) == _old_fast_path(chunk)
