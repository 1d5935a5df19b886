"""Decode a report's bytes: UTF-8 (with or without BOM), UTF-16, a given encoding, else detection.

HMICFRS texts saved on Windows are often Windows-1252 (curly quotes 0x92, bullets 0x95, dashes
0x96). Detection uses charset-normalizer to tell text from noise; for English text the Western
code pages are preferred (Windows-1252, then Latin-1), and whatever was assumed is returned as a
warning so the user can give the right encoding if characters look wrong.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

ENCODING_NAMES = {"cp1252": "Windows-1252", "latin_1": "Latin-1", "iso8859_15": "Latin-9",
                  "utf_8": "UTF-8", "utf_16": "UTF-16", "cp1250": "Windows-1250", "mac_roman": "Mac Roman"}
# Choices offered to users (CLI help, import dialog): (codec name, label)
ENCODING_CHOICES = (("utf-8", "UTF-8"), ("cp1252", "Windows-1252"), ("latin-1", "Latin-1 (ISO-8859-1)"),
                    ("iso8859-15", "Latin-9 (ISO-8859-15)"), ("utf-16", "UTF-16"))


# Encodings an English report may plausibly be saved in; other guesses are refused as noise.
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "cp1250", "mac_roman", "cp850", "iso8859_2")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec name actually used
    warning: str | None = None


class DecodeProblem(Exception):
    def __init__(self, problem: str, hint: str):
        super().__init__(problem)
        self.problem, self.hint = problem, hint


def encoding_label(name: str) -> str:
    try:
        key = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return name
    return ENCODING_NAMES.get(key, name)


def decode(data: bytes, encoding: str | None, p: Path) -> Decoded:
    """Text of ``data``; raises :class:`DecodeProblem` (problem, hint) when it cannot be read."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DecodeProblem(f"unknown text encoding {encoding!r}",
                                "Use a name such as 'utf-8', 'cp1252' or 'latin-1'") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data.decode("utf-8-sig"), "utf-8")
        except UnicodeDecodeError as exc:
            if not encoding:
                raise DecodeProblem(
                    f"the file starts as UTF-8 but has an invalid byte 0x{data[exc.start + 3]:02x} at "
                    f"byte offset {exc.start + 3}",
                    "Save it again as UTF-8, or import it giving its encoding (for example cp1252)") from None
    if encoding:
        try:
            return Decoded(data.decode(encoding), codecs.lookup(encoding).name)
        except UnicodeDecodeError as exc:
            raise DecodeProblem(
                f"the file is neither UTF-8 nor {encoding} (invalid byte at offset {exc.start})",
                "Save the report as UTF-8 text, or give the encoding it was saved in") from None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    return _detect(data, first_bad)


def _detect(data: bytes, first_bad: int) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:200_000]))
    if not matches:
        raise DecodeProblem(
            f"the file is not text in any known encoding (invalid byte 0x{data[first_bad]:02x} at "
            f"byte offset {first_bad})",
            "Save the report as UTF-8 text, or give its encoding (for example cp1252)")
    guessed = matches[0].encoding
    plausible = [m.encoding for m in matches if m.encoding in _WESTERN]
    for codec in ("cp1252", "latin_1", *plausible):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "latin_1" and any("\x80" <= ch <= "\x9f" for ch in text):
            continue  # C1 controls: not Latin-1 text
        label = encoding_label(codec)
        note = f" (charset-normalizer suggested {encoding_label(guessed)})" if codec != guessed else ""
        return Decoded(text, codec, f"the file is not UTF-8; it was read as {label}{note}: if "
                                    "characters look wrong, import it again giving its encoding")
    raise DecodeProblem(
        f"the file is not valid UTF-8 text (invalid byte 0x{data[first_bad]:02x} at byte offset "
        f"{first_bad})", "Save it as UTF-8, or import it again giving its encoding (for example cp1252)")
