"""The evidence bundle format: plain data types, the error type, names.

A bundle is a zip holding the signed pack PDF, the Excel workbook, evidence
files under ``evidence/<finding ref>/``, a readable ``index.html``, a
``README.txt``, a ``SHA256SUMS`` file (for ``sha256sum -c``) and
``manifest.json`` listing every other member with size, SHA-256 and role.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # keep this module (and safe_zip) free of the pyHanko import
    from .signing import SignatureCheck

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "BundleError",
    "BundleFile",
    "BundleMeta",
    "BundleSummary",
    "MANIFEST_NAME",
    "Problem",
    "VerifyReport",
    "sanitise_component",
    "sanitise_arcname",
]

BUNDLE_FORMAT = "inspection-readiness-evidence-bundle"
BUNDLE_FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
INDEX_NAME = "index.html"
README_NAME = "README.txt"
SUMS_NAME = "SHA256SUMS"
GENERATED_NAMES = (INDEX_NAME, README_NAME, SUMS_NAME, MANIFEST_NAME)

Role = Literal["pack-pdf", "pack-xlsx", "evidence", "index"]
CALLER_ROLES: frozenset[str] = frozenset({"pack-pdf", "pack-xlsx", "evidence", "index"})
# roles of the members the bundle writes itself
GENERATED_ROLES: frozenset[str] = frozenset({"bundle-index", "bundle-readme", "bundle-sums"})
ALL_ROLES: frozenset[str] = CALLER_ROLES | GENERATED_ROLES


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
class BundleFile:
    """One file to put in a bundle: from ``path`` on disk or in-memory ``data``.

    ``expected_sha256`` (hex), when given, is checked against the bytes
    actually written, so a file changed since it was recorded is refused.
    """

    arcname: str
    role: Role
    path: Path | None = None
    data: bytes | None = None
    finding_ref: str | None = None
    title: str = ""
    expected_sha256: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.data is None):
            raise BundleError(
                f"Bundle file {self.arcname!r} needs exactly one of path or data.",
                entry=self.arcname,
            )
        if self.role not in CALLER_ROLES:
            raise BundleError(
                f"Bundle file {self.arcname!r} has unknown role {self.role!r}; "
                f"use one of {', '.join(sorted(CALLER_ROLES))}.",
                entry=self.arcname,
            )
        if self.expected_sha256 is not None and not re.fullmatch(
            r"[0-9a-fA-F]{64}", self.expected_sha256
        ):
            raise BundleError(
                f"Bundle file {self.arcname!r}: expected_sha256 is not 64 hex digits.",
                entry=self.arcname,
            )

    @property
    def source(self) -> str:
        return str(self.path) if self.path is not None else f"<data for {self.arcname}>"


@dataclass(frozen=True)
class BundleMeta:
    """Facts about the pack recorded in the manifest and shown in the index."""

    force: str
    marking: str
    pack_version: str
    built_by: str
    built_at: dt.datetime
    signed_by: str | None
    signed_at: dt.datetime | None
    tool_version: str
    pseudonymised: bool
    personal_data_dropped: bool
    min_cell: int | None

    def to_json(self) -> dict[str, Any]:
        def when(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "force": self.force,
            "marking": self.marking,
            "pack_version": self.pack_version,
            "built_by": self.built_by,
            "built_at": when(self.built_at),
            "signed_by": self.signed_by,
            "signed_at": when(self.signed_at),
            "tool_version": self.tool_version,
            "pseudonymised": self.pseudonymised,
            "personal_data_dropped": self.personal_data_dropped,
            "min_cell": self.min_cell,
        }


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str
    role: str
    finding: str | None
    title: str
    signature: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "size": self.size,
            "sha256": self.sha256,
            "role": self.role,
            "finding": self.finding,
            "title": self.title,
        }
        if self.signature is not None:
            out["signature"] = self.signature
        return out


@dataclass(frozen=True)
class BundleSummary:
    """What was built: the bundle path, SHA-256 of the whole zip, its members."""

    path: Path
    sha256: str
    files: tuple[ManifestEntry, ...]
    manifest_sha256: str = ""


@dataclass(frozen=True)
class Problem:
    """One verification failure: the member (or "" for the bundle) and why."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path or '(bundle)'}: {self.what}"


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    problems: tuple[Problem, ...]
    manifest_meta: dict[str, Any] = field(default_factory=dict)
    signature: SignatureCheck | None = None


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
