"""Whether a sheet may be read whole into memory as one grid (python-calamine's way of reading).

python-calamine (Rust) reads a sheet in a tenth of openpyxl's time, but it first builds the sheet's
used range as one dense grid, from its first to its last cell, and ends the whole process when that
grid cannot be allocated: one stray cell at XFD1048576 would ask for half a terabyte. The used range
is made from the cells' own references, not from the sheet's ``<dimension>`` (which a hostile file
can set to anything), so :func:`fits_dense` reads the sheet's XML in blocks, without parsing it, and
says whether every cell lies within the columns and rows allowed and says where it is (a cell
without ``r`` is placed after the one before it). Anything else is streamed by openpyxl instead.
"""

from __future__ import annotations

import re
from typing import IO

__all__ = ["DENSE_CELLS", "fits_dense"]

#: the most cells a sheet may span to be read as one grid (some 32 bytes a cell: about 400 MB, a
#: million rows of 12 columns); a bigger sheet is streamed
DENSE_CELLS = 12 * 1024 * 1024
_CELL_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])"
_UNPLACED = re.compile(_CELL_TAG + rb"""(?![^>]*\br\s*=)""")  # a cell tag without its reference
# a cell tag without attributes, or with a prefix (two patterns: each starts with a literal, which
# the engine jumps to; one alternation of both is several times slower)
_BARE_CELL_TAG = re.compile(rb"<c[>/\t\n\r]")
_PREFIXED_CELL_TAG = re.compile(rb":c[\s>/]")
_BLOCK = 1 << 20
_LONGEST_TAG = 1 << 16  # a "tag" cut by a block's end that is longer than this is not waited for


def _after(limit: str, high: str) -> list[bytes]:
    """Regex alternatives for the tokens ordered after ``limit`` (longer, or as long and greater
    place by place), each place from "A"/"0" to ``high`` ("Z"/"9"; letters in either case, as
    readers take them): the column letters after "L", the row numbers after "99"."""
    def above(ch: str) -> str:  # the characters after `ch` at one place
        nxt = chr(ord(ch.upper()) + 1)
        return f"{nxt}-{high}{nxt.lower()}-{high.lower()}" if high.isalpha() else f"{nxt}-{high}"

    every = f"A-{high}a-{high.lower()}" if high.isalpha() else f"0-{high}"
    n = len(limit)
    out = [f"[{every}]{{{n + 1},}}"]
    for i, ch in enumerate(limit.upper()):
        if ch < high:
            rest = n - i - 1
            same = "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in limit[:i].upper())
            out.append(same + f"[{above(ch)}]" + (f"[{every}]{{{rest}}}" if rest else ""))
    return [a.encode("ascii") for a in out]


def fits_dense(part: IO[bytes], width: int, cells: int = DENSE_CELLS) -> bool:
    """Whether every cell of a sheet's XML lies within ``width`` columns and within the rows that
    ``cells`` allow at that width, each saying where it is. False at the first cell outside."""
    from openpyxl.utils.cell import get_column_letter

    width = max(1, min(width, 16384))
    rows = max(1, min(1_048_576, cells // width))
    column = b"|".join(_after(get_column_letter(width), "Z"))
    row = b"|".join(_after(str(rows), "9"))
    # a reference past the last column allowed, or on a row past the last: r="M1", r="A1048577"
    # (a literal start lets the engine jump from reference to reference; "sqref=" and the like can
    # only make it say no, and the sheet is then streamed)
    far = re.compile(rb"""r\s*=\s*["'](?:(?:%s)[0-9]|[A-Za-z]{1,3}(?:%s)["'])""" % (column, row))
    tail = b""
    while block := part.read(_BLOCK):
        text = tail + block
        cut = text.rfind(b"<")  # a tag cut by the block's end is looked at whole, with the next block
        if cut < 0 or len(text) - cut > _LONGEST_TAG:
            cut = len(text)
        whole, tail = text[:cut], text[cut:]
        if far.search(whole) or not _all_placed(whole):
            return False
    return far.search(tail) is None and _all_placed(tail)


def _all_placed(text: bytes) -> bool:
    """Whether every cell tag of `text` has its reference. Counted first (the writers of real files
    put it first, `<c r="A1" ...>`), tag by tag only when the counts differ or a tag is unusual."""
    if _BARE_CELL_TAG.search(text) is None and _PREFIXED_CELL_TAG.search(text) is None \
            and text.count(b"<c ") == text.count(b'<c r="'):
        return True
    return _UNPLACED.search(text) is None
