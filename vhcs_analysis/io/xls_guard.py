"""Legacy .xls (BIFF in an OLE2 container), checked before the parser sees it.

The parser builds a dense grid per sheet up to its last cell: one cell at IV65536 costs
about a gigabyte. This module walks the OLE2 container just enough to find the workbook
stream and reads the cell records' coordinates (row, column) per sheet. It only ever
refuses a file whose cells provably reach beyond ``max_cells``; anything it cannot follow
(odd containers, truncated streams) is left to the parser, whose errors are caught.
"""

from __future__ import annotations

import struct

from vhcs_analysis.io.base import MB, Limits, over_limit, refuse_extent, size_vi

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
# BIFF cell records with a value: FORMULA, LABELSST, NUMBER, RK, LABEL, BOOLERR, RSTRING;
# MULRK holds several cells of one row (its last column is the record's final 2 bytes).
_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x00D6}
_MULRK = 0x00BD
_BOF, _EOF = 0x0809, 0x000A


class _Unfollowable(Exception):
    """The container is not what this walker understands: let the parser decide."""


def _u32s(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4]))


def _workbook_stream(data: bytes) -> bytes:
    """The 'Workbook' (BIFF8) or 'Book' (BIFF5) stream of an OLE2 file."""
    if len(data) < 512:
        raise _Unfollowable
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Unfollowable
    size = 1 << shift
    n_sectors = max(0, (len(data) - size) // size)
    n_fat, first_dir, _, cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<8I", data, 0x2C)

    def sector(n: int) -> bytes:
        if n >= n_sectors:
            raise _Unfollowable
        return data[(n + 1) * size : (n + 2) * size]

    fat_sectors = [s for s in _u32s(data[0x4C:0x200]) if s not in (_FREE, _END_OF_CHAIN)]
    difat, seen = first_difat, 0
    while difat not in (_FREE, _END_OF_CHAIN) and seen <= n_difat and seen < n_sectors:
        entries = _u32s(sector(difat))
        fat_sectors += [s for s in entries[:-1] if s not in (_FREE, _END_OF_CHAIN)]
        difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[: max(n_fat, 0) or len(fat_sectors)]:
        fat += _u32s(sector(s))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out: list[int] = []
        n = start
        while n not in (_FREE, _END_OF_CHAIN):
            if n >= len(table) or len(out) > limit:
                raise _Unfollowable  # broken or looping chain
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat, n_sectors))
    streams: dict[str, tuple[int, int]] = {}
    for off in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, off + 0x40)[0]
        name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", errors="replace")
        kind = directory[off + 0x42]
        start, length = struct.unpack_from("<II", directory, off + 0x74)
        streams.setdefault(name if kind != 5 else "\0root", (start, length))
    workbook = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
    if workbook is None or "\0root" not in streams:
        raise _Unfollowable
    start, length = streams[workbook]
    if length >= cutoff:
        return b"".join(sector(s) for s in chain(start, fat, n_sectors))[:length]
    # A small stream lives in the mini stream (64-byte sectors inside the root's chain).
    root_start, root_len = streams["\0root"]
    mini_stream = b"".join(sector(s) for s in chain(root_start, fat, n_sectors))[:root_len]
    minifat = b"".join(sector(s) for s in chain(first_minifat, fat, n_sectors))
    mini_table = _u32s(minifat)
    parts = [mini_stream[m * 64 : (m + 1) * 64] for m in chain(start, mini_table, len(mini_table))]
    return b"".join(parts)[:length]


def check_xls(data: bytes, limits: Limits) -> None:
    """Refuse an .xls whose workbook stream is over ``limits.max_part_mb``, or whose cells
    reach beyond ``limits.max_rows`` rows or ``limits.max_cells`` (rows × columns), from
    the BIFF records' sizes and coordinates alone."""
    from vhcs_analysis import fmt

    try:
        stream = _workbook_stream(data)
    except (_Unfollowable, struct.error, IndexError, ValueError):
        return
    if len(stream) > limits.max_part_mb * MB:
        raise over_limit(f"luồng dữ liệu Workbook dài {size_vi(len(stream))}", "max_part_mb",
                         f"{fmt.number(limits.max_part_mb)} MB")
    pos, total = 0, 0
    max_row = max_col = -1
    in_sheet = False
    end = len(stream) - 4
    while pos <= end:
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + rlen
        if rtype == _BOF:
            in_sheet, max_row, max_col = True, -1, -1
        elif rtype == _EOF and in_sheet:
            in_sheet = False
            total += (max_row + 1) * (max_col + 1)
        elif (rtype in _CELLS or rtype == _MULRK) and rlen >= 4 and pos <= len(stream):
            row, col = struct.unpack_from("<HH", stream, body)
            if rtype == _MULRK and rlen >= 6:
                col = struct.unpack_from("<H", stream, pos - 2)[0]
            max_row, max_col = max(max_row, row), max(max_col, col)
            if max_row + 1 > limits.max_rows:
                raise over_limit(f"một trang tính có dữ liệu đến dòng {fmt.number(max_row + 1)}", "max_rows",
                                 f"{fmt.number(limits.max_rows)} dòng")
            if (max_row + 1) * (max_col + 1) + total > limits.max_cells:
                refuse_extent(limits, max_row + 1, max_col + 1)
