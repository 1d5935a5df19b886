"""Make user text safe for the pack writers.

PDF: reportlab's Paragraph parses a small XML dialect, so ``<`` and ``&`` must be escaped,
control characters dropped, characters the embedded font lacks replaced by a visible box, and
very long words broken so layout never fails. Excel: text that a spreadsheet would evaluate
(``=``, ``+``, ``-``, ``@``, tab, CR at the start) is flagged so the writer stores it as a plain
string with the quote-prefix style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from xml.sax.saxutils import escape

# Control characters except tab / newline (which we translate) are not valid in XML or PDF text.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767
MISSING_GLYPH = "\u25a1"  # WHITE SQUARE, present in DejaVu Sans
ELLIPSIS = "\u2026"


def plain(value: object) -> str:
    """Any value as clean text: None -> "", CRLF/CR -> LF, invalid control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis when cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def utf16_units(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF, an emoji, counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def shorten_utf16(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units (Excel's measure), with an ellipsis when cut;
    a character is never split."""
    if limit <= 0 or len(text) <= limit // 2 or utf16_units(text) <= limit:
        return text
    head = text.encode("utf-16-le")[: 2 * max(0, limit - 1)].decode("utf-16-le", errors="ignore")
    return head.rstrip() + ELLIPSIS


def break_long_words(text: str, max_run: int = 40) -> str:
    """Insert zero-width spaces into runs of more than ``max_run`` non-space characters so a
    line breaker can split them (10,000-character 'words', hashes, URLs)."""
    if max_run <= 0:
        return text

    def _split(match: re.Match[str]) -> str:
        word = match.group(0)
        return "\u200b".join(word[i:i + max_run] for i in range(0, len(word), max_run))

    return re.sub(rf"\S{{{max_run + 1},}}", _split, text)


def replace_missing_glyphs(text: str, covered: Container[int] | None) -> str:
    """Replace characters the font cannot draw (e.g. emoji) with a visible box."""
    if covered is None:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code in covered or ch in "\n\t\u200b":
            out.append(ch)
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue  # combining marks / format characters (variation selectors, ZWJ...)
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


def pdf_markup(value: object, *, covered: Container[int] | None = None, limit: int = 0,
               max_run: int = 0) -> str:
    """User text as reportlab Paragraph markup: escaped, glyph-safe, optionally cut.

    Long words are split by the Paragraph itself (``splitLongWords``); ``max_run`` > 0 also
    inserts zero-width break points."""
    text = shorten(plain(value), limit)
    text = replace_missing_glyphs(text, covered)
    text = break_long_words(text, max_run)
    return escape(text).replace("\n", "<br/>").replace("\t", " ")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could evaluate ``text`` if typed into a cell."""
    return text.startswith(FORMULA_PREFIXES)


def excel_text(value: object) -> tuple[str, bool]:
    """User text for a cell: (clean text within Excel's cell limit, needs_quote_prefix).

    Leading tab / CR are kept out (CR is normalised by ``plain``); the flag tells the writer to
    store the value as a string with ``quotePrefix`` so no application evaluates it.
    """
    raw = "" if value is None else str(value)
    guard = raw.startswith(FORMULA_PREFIXES)
    if raw.isprintable() and len(raw) <= EXCEL_CELL_LIMIT // 2:  # most text: nothing to clean or cut
        return raw, guard
    text = _CONTROL_RE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = shorten_utf16(text, EXCEL_CELL_LIMIT)
    return text, guard or is_formula_like(text)


def header_footer_text(value: object, limit: int = 80) -> str:
    """Text for an Excel header/footer section: '&' doubled (it starts a control code), at most
    ``limit`` UTF-16 units as written (Excel refuses a header over 255 in all)."""
    text = shorten(plain(value).replace("\n", " "), limit)
    if utf16_units(text.replace("&", "&&")) <= limit:
        return text.replace("&", "&&")
    kept, used = [], 1  # room for the ellipsis
    for ch in text:
        cost = 2 if ch == "&" else utf16_units(ch)
        if used + cost > limit:
            break
        kept.append(ch)
        used += cost
    return "".join(kept).rstrip().replace("&", "&&") + ELLIPSIS
