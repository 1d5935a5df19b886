"""The evidence bundle format (version 2): plain data types, the error type, names.

A bundle is a zip holding ``manifest.json`` exactly as the approving reviewer signed it at
approval, its detached CMS signature ``manifest.json.p7s``, the signed pack PDF (its own PAdES
signature records the manifest's SHA-256), the workbook and evidence files the manifest lists
under ``evidence/<finding ref>/``, and ``README.txt``, ``index.html`` and ``SHA256SUMS`` rendered
from the signed manifest alone (so ``verify`` renders them again and compares every byte).
``seal.json`` says who sealed the bundle and when; a sealer with a signing key signs it
(``seal.json.p7s``), otherwise it is the sealer's own, unsigned statement.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "BundleError",
    "BundleSummary",
    "ManifestEntry",
    "SealInfo",
    "SEAL_SIGNATURE_NAME",
    "MANIFEST_NAME",
    "Problem",
    "VerifyReport",
    "sanitise_component",
    "sanitise_arcname",
]

BUNDLE_FORMAT = "inspection-readiness-evidence-bundle"
BUNDLE_FORMAT_VERSION = 2
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.p7s"
SEAL_NAME = "seal.json"
SEAL_SIGNATURE_NAME = "seal.json.p7s"  # the sealer's detached CMS signature over seal.json, when they sign
INDEX_NAME = "index.html"
README_NAME = "README.txt"
SUMS_NAME = "SHA256SUMS"
GENERATED_NAMES = (INDEX_NAME, README_NAME, SUMS_NAME, MANIFEST_NAME, SIGNATURE_NAME, SEAL_NAME, SEAL_SIGNATURE_NAME)

# roles of the files a signed manifest lists, in words for verify
PDF_ROLES = {"approved-pack": "approved pack (signed PDF)", "release-copy": "release copy (signed PDF, pseudonymised)"}
ROLE_WORDS = {**PDF_ROLES, "workbook": "workbook of the approved pack",
              "release-workbook": "workbook of the release copy", "evidence": "evidence file",
              "html-pack": "accessible HTML version of the approved pack",
              "release-html": "accessible HTML version of the release copy"}
ALL_ROLES: frozenset[str] = frozenset(ROLE_WORDS)
VARIANTS = ("full", "full-without-personal", "release", "release-without-personal")


class BundleError(WorkbenchError, ValueError):
    """A bundle cannot be built or read safely.

    ``entry`` is the member name inside the zip, ``file`` the source file on
    disk, when known. ``str()`` names it, says what is wrong and what to do.
    """

    def __init__(
        self, message: str, *, entry: str | None = None, file: str | None = None
    ) -> None:
        super().__init__(message)
        self.entry = entry
        self.file = file


@dataclass(frozen=True)
class ManifestEntry:
    """One file of a bundle as the signed manifest lists it. ``sha256``/``size`` are None for a
    pack PDF: it carries its own signature, which records the manifest's SHA-256."""

    path: str
    role: str
    title: str
    sha256: str | None
    size: int | None
    finding: str | None = None
    case_linked: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "role": self.role, "title": self.title, "sha256": self.sha256,
                "size": self.size, "finding": self.finding, "case_linked": self.case_linked}


@dataclass(frozen=True)
class SealInfo:
    """Who sealed the bundle and when. With ``certificate_sha256`` the sealer signs ``seal.json``
    (``seal.json.p7s``, their own signing key); without it, it is the sealer's own statement and
    `verify` says so."""

    sealed_by: str
    sealed_by_name: str
    sealed_at: dt.datetime
    tool_version: str
    certificate_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sealed_by": self.sealed_by, "sealed_by_name": self.sealed_by_name,
                               "sealed_at": self.sealed_at.isoformat(), "tool_version": self.tool_version,
                               "signed": bool(self.certificate_sha256)}
        if self.certificate_sha256:
            out["certificate_sha256"] = self.certificate_sha256
        return out


@dataclass(frozen=True)
class BundleSummary:
    """What was built: the bundle path, SHA-256 of the whole zip, its members."""

    path: Path
    sha256: str
    files: tuple[str, ...]
    manifest_sha256: str = ""
    certificate_sha256: str = ""


@dataclass(frozen=True)
class Problem:
    """One verification failure: the member (or "" for the bundle) and why."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path or '(bundle)'}: {self.what}"


VERIFIED, UNTRUSTED, BROKEN = "verified", "untrusted", "broken"
EXIT_CODES = {VERIFIED: 0, BROKEN: 1, UNTRUSTED: 3}


@dataclass(frozen=True)
class VerifyReport:
    """The verdict on a bundle. ``verdict``: verified (intact and signed by a trust anchor),
    untrusted (intact, but the signer matches no trust anchor given) or broken. Everything in
    ``manifest`` comes from the signed manifest; ``seal`` is the sealer's unsigned statement."""

    verdict: str
    checked: int
    problems: tuple[Problem, ...]
    manifest: dict[str, Any] = field(default_factory=dict)
    signer: str = ""
    certificate_sha256: str = ""
    chain: tuple[str, ...] = ()
    signed_at: dt.datetime | None = None
    notes: tuple[str, ...] = ()
    trust_problems: tuple[Problem, ...] = ()
    seal: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verdict == VERIFIED

    @property
    def intact(self) -> bool:
        return self.verdict in (VERIFIED, UNTRUSTED)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]


# --------------------------------------------------------------------------
# Member names
# --------------------------------------------------------------------------

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
MAX_COMPONENT = 100


def sanitise_component(name: str, fallback: str = "file") -> str:
    """One safe path component: no separators, controls, Windows-reserved
    characters or device names, no leading/trailing dots or spaces."""
    text = unicodedata.normalize("NFC", name or "")
    text = _BAD_CHARS.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text or set(text) <= {"_", "."}:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    base = stem if dot else text
    if base.upper() in _WINDOWS_DEVICES:
        text = "_" + text
    if len(text) > MAX_COMPONENT:
        if dot and 0 < len(ext) <= 10:
            text = text[: MAX_COMPONENT - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            text = text[:MAX_COMPONENT].rstrip(" .")
    return text


def sanitise_arcname(name: str) -> str:
    """A relative, forward-slash zip member name with safe components.

    "..", "." and empty components are dropped, so nothing can climb out of
    the folder a bundle is extracted to.
    """
    parts = [p for p in re.split(r"[\\/]+", name or "") if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    clean = [sanitise_component(p) for p in parts]
    return "/".join(clean) if clean else "file"
