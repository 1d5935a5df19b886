"""Verifying an evidence bundle with nothing but the bundle (and trust roots).

Nothing is extracted to disk: members are streamed out of the zip and
hashed. Every failure is reported as a :class:`Problem` naming the member.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .bundle_format import (
    ALL_ROLES,
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    MANIFEST_NAME,
    BundleError,
    Problem,
    VerifyReport,
)
from .safe_zip import DEFAULT_LIMITS, ZipLimits, entry_problems, iter_member, open_zip, read_member
from .signing import SignatureCheck, SigningError, TrustRoot, validate_pdf_signature

__all__ = ["verify_bundle"]

Progress = Callable[[int, int | None], None]

MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_PDF_BYTES = 512 * 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class _ManifestInvalid(Exception):
    pass


def verify_bundle(
    path: Path,
    trust_roots: Sequence[TrustRoot] | None = None,
    progress: Progress | None = None,
    *,
    limits: ZipLimits = DEFAULT_LIMITS,
) -> VerifyReport:
    """Check a bundle: safe zip, manifest, every file's size and SHA-256, no
    unlisted files, and the pack PDF's signature.

    ``trust_roots`` are certificates (DER/PEM) or SHA-256 fingerprints of the
    signer's certificate, received out of band; when given, an untrusted
    signer is a problem. Bad bundles are reported, not raised.
    """
    try:
        zf = open_zip(path)
    except BundleError as exc:
        return VerifyReport(ok=False, checked=0, problems=(Problem("", str(exc)),))
    with zf:
        return _verify_open(zf, trust_roots, progress, limits)


def _verify_open(
    zf: zipfile.ZipFile,
    trust_roots: Sequence[TrustRoot] | None,
    progress: Progress | None,
    limits: ZipLimits,
) -> VerifyReport:
    unsafe = entry_problems(zf, limits)
    if unsafe:
        problems = tuple(Problem(e.entry or "", str(e)) for e in unsafe)
        return VerifyReport(ok=False, checked=0, problems=problems)

    members = {i.filename: i for i in zf.infolist() if not i.is_dir()}
    if MANIFEST_NAME not in members:
        return _fail(MANIFEST_NAME, "is missing: this is not an evidence bundle, or it was altered")
    try:
        raw = read_member(zf, members[MANIFEST_NAME], limits, max_size=MAX_MANIFEST_BYTES)
        manifest = _parse_manifest(raw)
    except BundleError as exc:
        return _fail(MANIFEST_NAME, str(exc))
    except _ManifestInvalid as exc:
        return _fail(MANIFEST_NAME, str(exc))

    meta: dict[str, Any] = manifest["meta"]
    entries: list[dict[str, Any]] = manifest["files"]
    problems: list[Problem] = []
    checked = 0
    total = len(entries)
    if progress is not None:
        progress(0, total)
    listed: set[str] = set()
    pdfs: list[dict[str, Any]] = []
    for n, entry in enumerate(entries, start=1):
        name = entry["path"]
        listed.add(name)
        info = members.get(name)
        if info is None:
            problems.append(Problem(name, "is listed in the manifest but missing from the bundle"))
        else:
            checked += 1
            problems.extend(_check_member(zf, info, entry, limits))
            if entry["role"] == "pack-pdf":
                pdfs.append(entry)
        if progress is not None:
            progress(n, total)

    for name in members:
        if name != MANIFEST_NAME and name not in listed:
            problems.append(Problem(name, "is in the bundle but not listed in the manifest"))

    signature: SignatureCheck | None = None
    for entry in pdfs:
        check, sig_problems = _check_signature(zf, members[entry["path"]], entry, trust_roots, limits)
        signature = signature or check
        problems.extend(sig_problems)
    if not pdfs and meta.get("signed_by"):
        problems.append(
            Problem("", "the manifest says the pack was signed but there is no pack PDF to check")
        )
    return VerifyReport(
        ok=not problems,
        checked=checked,
        problems=tuple(problems),
        manifest_meta=meta,
        signature=signature,
    )


def _fail(name: str, what: str) -> VerifyReport:
    return VerifyReport(ok=False, checked=0, problems=(Problem(name, what),))


# --------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _ManifestInvalid(f"has the key {key!r} twice: it was edited by hand")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _ManifestInvalid(f"holds the non-JSON value {name}")


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise _ManifestInvalid(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise _ManifestInvalid(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise _ManifestInvalid("is not a JSON object")
    if data.get("format") != BUNDLE_FORMAT:
        raise _ManifestInvalid(f"does not describe an evidence bundle (format {data.get('format')!r})")
    if data.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise _ManifestInvalid(
            f"has format version {data.get('format_version')!r}; this tool reads version "
            f"{BUNDLE_FORMAT_VERSION}: use a matching version of the Workbench"
        )
    if not isinstance(data.get("meta"), dict):
        raise _ManifestInvalid("has no 'meta' object")
    files = data.get("files")
    if not isinstance(files, list):
        raise _ManifestInvalid("has no 'files' list")
    seen: set[str] = set()
    for index, entry in enumerate(files):
        where = f"files[{index}]"
        if not isinstance(entry, dict):
            raise _ManifestInvalid(f"{where} is not an object")
        name = entry.get("path")
        if not isinstance(name, str) or not name:
            raise _ManifestInvalid(f"{where} has no path")
        where = f"entry {name!r}"
        if name == MANIFEST_NAME or name in seen:
            raise _ManifestInvalid(f"lists {name!r} more than once or lists itself")
        seen.add(name)
        size = entry.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _ManifestInvalid(f"{where} has an invalid size {size!r}")
        if not isinstance(entry.get("sha256"), str) or not _HEX64.match(entry["sha256"]):
            raise _ManifestInvalid(f"{where} has an invalid SHA-256 {entry.get('sha256')!r}")
        if entry.get("role") not in ALL_ROLES:
            raise _ManifestInvalid(f"{where} has an unknown role {entry.get('role')!r}")
    return data


# --------------------------------------------------------------------------
# Members and signature
# --------------------------------------------------------------------------


def _check_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], limits: ZipLimits
) -> list[Problem]:
    name = info.filename
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in iter_member(zf, info, limits):
            digest.update(chunk)
            size += len(chunk)
    except BundleError as exc:
        return [Problem(name, str(exc))]
    out: list[Problem] = []
    if size != entry["size"]:
        out.append(
            Problem(name, f"is {size} bytes but the manifest says {entry['size']}: it was changed")
        )
    sha = digest.hexdigest()
    if sha != entry["sha256"]:
        out.append(
            Problem(
                name,
                f"SHA-256 is {sha} but the manifest says {entry['sha256']}: the file was changed",
            )
        )
    return out


def _check_signature(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    entry: dict[str, Any],
    trust_roots: Sequence[TrustRoot] | None,
    limits: ZipLimits,
) -> tuple[SignatureCheck | None, list[Problem]]:
    name = info.filename
    try:
        data = read_member(zf, info, limits, max_size=MAX_PDF_BYTES)
    except BundleError as exc:
        return None, [Problem(name, f"signature not checked: {exc}")]
    try:
        check = validate_pdf_signature(data, trust_roots)
    except SigningError as exc:  # a malformed trust root given by the caller
        return None, [Problem(name, f"signature not checked: {exc}")]
    out = [Problem(name, f"signature: {p}") for p in check.problems]
    recorded = entry.get("signature")
    if isinstance(recorded, dict) and check.signed:
        want = recorded.get("certificate_sha256")
        if want and want != check.certificate_sha256:
            out.append(
                Problem(
                    name,
                    f"signature: signed with certificate {check.certificate_sha256}, not the "
                    f"certificate {want} recorded when the bundle was built",
                )
            )
    elif isinstance(recorded, dict) and not check.signed:
        out.append(Problem(name, "signature: the manifest records a signature but the PDF has none"))
    return check, out
