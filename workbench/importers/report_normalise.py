"""Normalise report text before parsing: line ends, spaces, quotes, dashes, bullets, page furniture.

Line numbers are kept: page furniture is blanked, never removed, so a finding's line number is
the line in the source text.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

BULLET = "\u2022"
PAGE_BREAK = "\ue002"  # a line of its own where a PDF page ends

_LINE_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\x85": "\n", "\x0b": "\n",
                                  "\x0c": f"\n{PAGE_BREAK}\n"})
_CHAR_MAP = str.maketrans({
    **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u202f\u205f\u3000\t", " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad\ue000\ue001", ""),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u25cf\u25aa\u25e6\u2023\u2219\u00b7\u25cb\u25a0\u25a1\u25c6\u25c7"
                    "\u27a2\u25ba\u25b8\u2043\uf0b7\uf0a7\uf076\uf0d8\x7f", BULLET),
})
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x80-\x9f]")
_BULLET_LINE = re.compile(
    r"^(?:\u2022+|[-*]|\d{1,2}[.)]|\((?:\d{1,2}|[a-z]|[ivx]{1,5})\)|[a-z]\))\s+(?=\S)")
_BARE_BULLET = re.compile(r"^\u2022(?=[^\s\u2022])")
_FURNITURE = [re.compile(p, re.IGNORECASE) for p in (
    r"skip to (main )?content",
    r"print (this )?(document|page|report|section)",
    r"view (this report )?on (the )?hmicfrs( website)?",
    r"last updated:?\s.{0,40}",
    r"published:?\s.{0,40}\bupdated\b.{0,30}",
    r"share (this )?(page|report|on \w+)",
    r"back to top",
    r"source\s*[\u2022:|-]?\s*hmicfrs",
    r"publication types?:.{0,80}",
    r"page \d+ of \d+",
    r"(download|open) (the )?(full )?(report|document|pdf)( \(pdf.*\))?",
    r"(accept|reject) (all |additional |analytics )?cookies",
    r"cookie (settings|preferences|policy)",
    r"(hide|close) (this )?(message|banner)",
)]
_COOKIE_WORDS = re.compile(r"\b(accept|reject|we use|settings|preferences|consent|essential|"
                           r"analytics)\b", re.IGNORECASE)


@dataclass(frozen=True)
class NormalisedText:
    lines: tuple[str, ...]       # cleaned lines, furniture blanked; index 0 is line 1
    header_lines: tuple[str, ...]  # cleaned lines before furniture removal (for metadata)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def clean_chars(text: str) -> str:
    """Unicode clean-up on running text (no line logic)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_SEPARATORS)
    text = text.translate(_CHAR_MAP)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_CHAR_MAP)  # NFKC can produce new spaces/quotes
    return _CONTROL.sub("", text)


def clean_line(line: str) -> str:
    line = re.sub(r" {2,}", " ", line.strip())
    line = _BARE_BULLET.sub(BULLET + " ", line)
    match = _BULLET_LINE.match(line)
    if match:
        line = f"{BULLET} {line[match.end():]}"
    return line


def is_furniture(line: str) -> bool:
    if not line or len(line) > 400:
        return False
    if any(p.fullmatch(line) for p in _FURNITURE):
        return True
    return "cookie" in line.lower() and bool(_COOKIE_WORDS.search(line)) and len(line) < 300


def normalise(text: str) -> NormalisedText:
    cleaned = [clean_line(line) for line in clean_chars(text).split("\n")]
    kept = tuple("" if is_furniture(line) else line for line in cleaned)
    return NormalisedText(lines=kept, header_lines=tuple(cleaned))
