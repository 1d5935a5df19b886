"""Hard limits on untrusted text, checked before a parser can be driven into the ground.

Parsers written as recursive descent (tomllib, and json for very deep input) end in
``RecursionError`` on a few thousand nested brackets. :func:`nesting_depth` measures the
deepest bracket nesting of JSON or TOML text in one linear pass, outside quoted strings, so
callers refuse input deeper than :data:`MAX_NESTING` with their own typed error first (and
still catch ``RecursionError`` in case the text fools the scan). :data:`MAX_LINE_CHARS`
bounds one line of imported text.
"""

from __future__ import annotations

import errno
import os
import re
import stat

__all__ = ["MAX_LINE_CHARS", "MAX_NESTING", "MAX_SMALL_FILE", "longest_line", "nesting_depth",
           "read_input"]

#: deeper than any template, manifest or seal the workbench writes (they nest 4 levels or fewer)
MAX_NESTING = 64
#: a line of imported report text (a paragraph is a few thousand characters)
MAX_LINE_CHARS = 200_000

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_TOML_TOKENS = re.compile(
    r'"""[\s\S]*?(?:"""|$)|\'\'\'[\s\S]*?(?:\'\'\'|$)|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}]'
)


def nesting_depth(text: str, *, toml: bool = False) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (strings and TOML comments skipped)."""
    depth = deepest = 0
    for match in (_TOML_TOKENS if toml else _JSON_TOKENS).finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth = max(depth - 1, 0)
    return deepest


def longest_line(text: str) -> tuple[int, int]:
    """(1-based line number, length) of the longest line of ``text``."""
    best = (1, 0)
    start = 0
    number = 1
    for match in re.finditer(r"\n", text):
        length = match.start() - start
        if length > best[1]:
            best = (number, length)
        start = match.end()
        number += 1
    if len(text) - start > best[1]:
        best = (number, len(text) - start)
    return best


#: the most a small file the user names is read to (an anchor, a corrections or exclusions list,
#: area rules, a template, a narrative): far above any real one
MAX_SMALL_FILE = 16 * 1024 * 1024


def read_input(path: str | os.PathLike[str], limit: int = MAX_SMALL_FILE) -> bytes:
    """The bytes of a file the user named: a regular file (a pipe or a device would hang the read
    or never end it), at most `limit` bytes. Raises OSError, with `strerror` saying why."""
    # opened without waiting (a pipe with no writer would block the open itself), then checked
    # as what was opened, so nothing can be swapped in between
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file (a folder, pipe or device)", str(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"it is larger than {limit:,} bytes", str(path))
    return data
