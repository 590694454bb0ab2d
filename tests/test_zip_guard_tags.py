"""io/zip_guard.py: the tag counts of a worksheet chunk, each byte string counted once,
give what counting every form separately gives (the refusal and the fast-path choice)."""

from __future__ import annotations

import pytest
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


def _sheet_xml(rows: list[list[tuple[str, bool, bool]]]) -> bytes:
    """A worksheet: per row, cells (column letters, filled?, formula without result?)."""
    out = [b'<?xml version="1.0"?><worksheet><sheetData>']
    for r, cells in rows:
        out.append(b'<row r="%d">' % r)
        for letters, filled, formula in cells:
            ref = b"%s%d" % (letters.encode(), r)
            if formula:
                out.append(b'<c r="%s"><f>SUM(A1:A2)</f><v></v></c>' % ref)
            elif filled:
                out.append(b'<c r="%s" t="n"><v>1</v></c>' % ref)
            else:
                out.append(b'<c r="%s" s="1"/>' % ref)
        out.append(b"</row>")
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


def _scan(xml: bytes, limits, bounded: bool):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    tally = zip_guard._Tally(limits)
    tally.formulas = {}
    with zipfile.ZipFile(buf) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        try:
            zip_guard._scan_xlsx_sheet(zf, info, limits, tally, bounded=bounded)
            outcome = None
        except zip_guard.Refused as exc:
            outcome = str(exc)
    return outcome, tally.cells, tally.rows, tally.formulas, tally.n_formulas


_columns = st.sampled_from(["A", "B", "Z", "AA", "AB", "C"])
_sheet_rows = st.lists(st.tuples(
    st.one_of(st.integers(1, 12), st.integers(1, 120), st.integers(1, 2000)),
    st.lists(st.tuples(_columns, st.booleans(), st.booleans()), max_size=4),
), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_sheet_rows, st.integers(20, 6000), st.sampled_from([40, 200, 4096]))
def test_sheet_extent__unlisted_small_chunks_decide_as_the_full_scan(rows, max_cells, chunk):
    """Chunks of cells in A–Z and few rows are not listed; the refusal, its message, the
    tag counts and the formulas are those of listing every filled cell."""
    from helpers_core import limits

    xml = _sheet_xml(rows)
    lim = limits(max_cells=max_cells)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zip_guard, "MB", chunk // 4)  # several chunks per sheet
        assert _scan(xml, lim, bounded=True) == _scan(xml, lim, bounded=False)


@pytest.mark.parametrize("later", [[(5, [("Z", True, False)])], [(5, [("A", True, False)])]])
def test_sheet_extent__a_small_chunk_after_a_tall_one_is_still_counted(later):
    """Row 1500 in column B first (3.000 cells), then a chunk of small references: one in
    column Z makes the extent 1500 × 26 and must refuse, as the full scan does."""
    from helpers_core import limits

    xml = _sheet_xml([(1500, [("B", True, False)]), *[(r, [("A", False, False)]) for r in range(1, 30)], *later])
    lim = limits(max_cells=6000)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zip_guard, "MB", 40)  # chunks of 160 bytes: row 1500 in the first
        full = _scan(xml, lim, bounded=False)
        assert _scan(xml, lim, bounded=True) == full
    assert (full[0] is not None) == (later[0][1][0][0] == "Z")
