"""Pseudonymising case references and suppressing small counts in exports.

Case references (crime numbers, incident logs, custody records) are replaced
by a keyed HMAC-SHA256 pseudonym. The key stays in the workspace: with it the
force can link a pseudonym back to its case by recomputing; without it an
inspector (or anyone else) cannot, and cannot test guesses either, which an
unkeyed hash would allow for short, structured references.

References are normalised before hashing (surrounding whitespace removed,
inner runs of whitespace collapsed to one space, letters upper-cased) so
"cr/123/24 " and "CR/123/24" get the same pseudonym.

Small-cell suppression rule (:func:`suppress_small`): a count of 1 up to
``min_cell - 1`` is shown as ``"<min_cell"``; 0 stays 0 (a true zero
discloses nobody); ``min_cell`` and above are shown as they are. Only
primary suppression is done here: a suppressed cell that can be recovered
from a published total and its siblings must be handled by whoever lays out
the table (e.g. by suppressing a second cell or the total).

Scrubbing free text (:class:`TextScrubber`): every text that enters a release copy is scanned
for the audit's case references (in any letter case, with any run of whitespace) and for strings
*shaped* like them (:func:`reference_shapes` learns the shapes from the references themselves:
runs of letters, runs of digits and separators, so "NC-20240923-0001" teaches
``[A-Za-z]{2}[-/._ ][0-9]{7,9}[-/._ ][0-9]{3,5}``); each is replaced by its keyed pseudonym, a
look-alike that is no known reference by the pseudonym of its own text. Values of fields that
templates mark personal (names, addresses) are replaced by :data:`REDACTED`, and so are the
variants :func:`personal_variants` derives: the street of an address, the surname of a name that
only one or two cases hold ("Jane Doe" also removes "Doe").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable

from workbench.errors import WorkbenchError

__all__ = [
    "KEY_BYTES",
    "REDACTED",
    "TextScrubber",
    "personal_variants",
    "reference_shapes",
    "small_mark",
    "PseudonymError",
    "new_pseudonym_key",
    "pseudonymise_ref",
    "suppress_small",
]

KEY_BYTES = 32
MIN_KEY_BYTES = 16
PSEUDONYM_CHARS = 12  # 60 bits of the HMAC: collisions negligible for a force's cases
_PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]{0,15}-$")
_WS_RE = re.compile(r"\s+")
REDACTED = "[personal data removed]"
_RUN_RE = re.compile(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]")
_SEPARATORS = "-/._ "
_MAX_SHAPES = 40
_MIN_SHAPE_CHARS = 5  # letters + digits: shorter shapes would match ordinary numbers and words
_NAME_WORD_RE = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")
# Words that are part of many names and addresses but also of ordinary sentences.
_COMMON_WORDS = frozenset("""
mr mrs ms miss mx dr sir the and of de la van von flat house road street lane avenue close
court drive way place high low north south east west new old upper lower great little centre center
service team unit police council limited ltd company
""".split())


class PseudonymError(WorkbenchError, ValueError):
    """A pseudonymisation input is unusable; ``str()`` says what to do."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def new_pseudonym_key() -> bytes:
    """A fresh random key (32 bytes) for one workspace."""
    return secrets.token_bytes(KEY_BYTES)


def _normalise(ref: str) -> str:
    return _WS_RE.sub(" ", ref.strip()).upper()


def pseudonymise_ref(ref: str, key: bytes, prefix: str = "CASE-") -> str:
    """Stable pseudonym for a case reference, e.g. ``"CASE-K3Q7M2ZL4XAB"``.

    Same (normalised) reference and key give the same pseudonym; a different
    key gives an unrelated one.
    """
    if not isinstance(key, (bytes, bytearray)) or len(key) < MIN_KEY_BYTES:
        raise PseudonymError(
            f"The pseudonym key must be at least {MIN_KEY_BYTES} bytes; "
            "create one with new_pseudonym_key().",
            field="key",
        )
    if not isinstance(ref, str):
        raise PseudonymError(f"A case reference must be text, not {type(ref).__name__}.", field="ref")
    norm = _normalise(ref)
    if not norm:
        raise PseudonymError("The case reference is empty; nothing to pseudonymise.", field="ref")
    if not _PREFIX_RE.match(prefix):
        raise PseudonymError(
            f"Pseudonym prefix {prefix!r} must be 1-16 capital letters/digits followed by '-'.",
            field="prefix",
        )
    digest = hmac.new(bytes(key), norm.encode("utf-8"), hashlib.sha256).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:PSEUDONYM_CHARS]


def small_mark(min_cell: int) -> str:
    """What a suppressed count (or a value held by too few cases) prints as: ``"<min_cell"``."""
    return f"<{min_cell}"


def _runs(ref: str) -> list[tuple[str, str]]:
    out = []
    for run in _RUN_RE.findall(ref):
        kind = "L" if run[0].isalpha() else "D" if run[0].isdigit() else ("S" if run in _SEPARATORS else run)
        out.append((kind, run))
    return out


def reference_shapes(refs: Iterable[str]) -> tuple[str, ...]:
    """Regular expressions (case-insensitive sources) for strings shaped like ``refs``.

    References with the same sequence of letter runs, digit runs and separators form one shape;
    each run allows the lengths seen (digit runs one more or one fewer). A shape needs a digit
    run and at least five letters and digits, else it would match ordinary words and numbers.
    The most common shapes come first (at most 40).
    """
    groups: dict[tuple[str, ...], list[list[int]]] = {}
    counts: dict[tuple[str, ...], int] = {}
    for ref in refs:
        runs = _runs(_normalise(ref)) if isinstance(ref, str) else []
        if not runs or not any(k == "D" for k, _ in runs):
            continue
        sig = tuple(k for k, _ in runs)
        lengths = [len(r) for _, r in runs]
        counts[sig] = counts.get(sig, 0) + 1
        if sig not in groups:
            groups[sig] = [[n, n] for n in lengths]
        else:
            for pair, n in zip(groups[sig], lengths, strict=True):
                pair[0], pair[1] = min(pair[0], n), max(pair[1], n)
    shapes = []
    for sig in sorted(groups, key=lambda g: (-counts[g], g)):
        spans = groups[sig]
        if sum(lo for (kind, (lo, _)) in zip(sig, spans, strict=True) if kind in "LD") < _MIN_SHAPE_CHARS:
            continue
        parts = []
        for kind, (lo, hi) in zip(sig, spans, strict=True):
            if kind == "L":
                parts.append(f"[A-Za-z]{{{lo},{hi}}}")
            elif kind == "D":
                parts.append(f"[0-9]{{{max(1, lo - 1)},{hi + 1}}}")
            elif kind == "S":
                parts.append(r"[-/._ ]")
            else:
                parts.append(re.escape(kind))
        shapes.append(r"(?<![A-Za-z0-9])" + "".join(parts) + r"(?![A-Za-z0-9])")
        if len(shapes) >= _MAX_SHAPES:
            break
    return tuple(shapes)


def _loose(value: str) -> str:
    """A pattern for ``value`` in any letter case with any run of whitespace between its words."""
    return r"\s+".join(re.escape(w) for w in value.split())


def personal_variants(values: Iterable[tuple[str, int]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(values, words) to remove, from personal field values with the number of cases holding each.

    Values: each value, and for an address ("14 Specimen Close, Dereham") also the street without
    the house number and the part before the first comma. Words: the surname (last word) of a
    value that looks like a name (2-4 words, no digits) and belongs to at most two cases; a value
    many cases share ("White British", "Anonymous") is a category and removed only as a whole.
    """
    out: set[str] = set()
    words: set[str] = set()
    for raw, cases in values:
        v = _WS_RE.sub(" ", str(raw).strip())
        if len(v) < 3:
            continue
        out.add(v)
        if any(ch.isdigit() for ch in v):
            street = v.split(",", 1)[0].strip()
            for variant in (street, re.sub(r"^\d+[A-Za-z]?\s+", "", street), re.sub(r"^\d+[A-Za-z]?\s+", "", v)):
                if len(variant) >= 6 and not variant.isdigit() and " " in variant:
                    out.add(variant)
            continue
        parts = _NAME_WORD_RE.findall(v)
        if cases <= 2 and 2 <= len(v.split()) <= 4 and parts:
            last = parts[-1]
            if len(last) >= 3 and last.lower() not in _COMMON_WORDS:
                words.add(last)
    return tuple(sorted(out)), tuple(sorted(words))


class TextScrubber:
    """Replace case references, look-alikes and personal values in free text (see the module doc).

    ``pseudonym`` maps a reference to its pseudonym (keyed; it normalises the reference itself).
    ``personal_values`` are removed whole in any letter case; ``personal_words`` (surnames, see
    :func:`personal_variants`) as whole words written as given. ``refs_only(text)`` leaves people's
    names alone: for fields naming the force's own staff (builder, owner, reviewer).
    """

    def __init__(self, refs: Iterable[str], personal_values: Iterable[str], pseudonym: Callable[[str], str],
                 personal_words: Iterable[str] = (), mark: str = REDACTED) -> None:
        self._pseudonym = pseudonym
        self._mark = mark
        known = sorted({_normalise(r) for r in refs if isinstance(r, str) and r.strip()}, key=len, reverse=True)
        shapes = reference_shapes(known)
        alternatives = [r"(?<![A-Za-z0-9])" + _loose(r) + r"(?![A-Za-z0-9])" for r in known] + list(shapes)
        self._refs = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        values = sorted({_WS_RE.sub(" ", v.strip()) for v in personal_values
                         if isinstance(v, str) and len(v.strip()) >= 2}, key=len, reverse=True)
        whole = [r"(?<!\w)" + _loose(v) + r"(?!\w)" for v in values]
        self._values = re.compile("|".join(whole), re.IGNORECASE) if whole else None
        by_length = sorted({w for w in personal_words if w}, key=len, reverse=True)
        self._words = (re.compile("|".join(r"(?<!\w)" + re.escape(w) + r"(?!\w)" for w in by_length))
                       if by_length else None)

    def refs_only(self, text: str) -> str:
        if not text or self._refs is None:
            return text
        return self._refs.sub(lambda m: self._pseudonym(m.group(0)), text)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self._values is not None:
            text = self._values.sub(self._mark, text)
        if self._words is not None:
            text = self._words.sub(self._mark, text)
        return self.refs_only(text)


def suppress_small(count: int, min_cell: int) -> int | str:
    """Apply the small-cell rule: 1..min_cell-1 -> ``"<min_cell"``; 0 stays 0.

    ``min_cell`` of 0 or 1 turns suppression off.
    """
    if isinstance(count, bool) or not isinstance(count, int):
        raise PseudonymError(f"A count must be a whole number, not {count!r}.", field="count")
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 0:
        raise PseudonymError(
            f"The minimum cell size must be a whole number of 0 or more, not {min_cell!r}.",
            field="min_cell",
        )
    if count < 0:
        raise PseudonymError(f"A count cannot be negative ({count}).", field="count")
    if 0 < count < min_cell:
        return small_mark(min_cell)
    return count
