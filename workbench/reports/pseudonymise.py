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
"""

from __future__ import annotations

from workbench.errors import WorkbenchError

import base64
import hashlib
import hmac
import re
import secrets

__all__ = [
    "KEY_BYTES",
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
        return f"<{min_cell}"
    return count
