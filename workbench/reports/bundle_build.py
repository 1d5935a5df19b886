"""Sealing an evidence bundle from the manifest signed at approval.

The sealer adds nothing that the reviewer's signature does not cover except ``seal.json`` (who
sealed it, when), which a sealer holding a signing key signs too (``seal.json.p7s``). Every file
is checked against the signed manifest before anything is written; a mismatch raises BundleError
naming the file and leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from workbench.files import atomic_output
from workbench.progress import Progress

from .bundle_format import (
    MANIFEST_NAME,
    PDF_ROLES,
    SEAL_NAME,
    SEAL_SIGNATURE_NAME,
    SIGNATURE_NAME,
    BundleError,
    BundleSummary,
    SealInfo,
)
from .bundle_manifest import INFO_MANIFESTS, render_generated
from .bundle_verify import ManifestInvalid, parse_manifest
from .signing import signed_info, validate_pdf_signature
from .signing_cms import sign_detached

__all__ = ["build_bundle"]


_CHUNK = 1 << 16
# already-compressed formats are stored, not deflated again
_STORED_SUFFIXES = frozenset(
    {".pdf", ".xlsx", ".docx", ".pptx", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".mp4",
     ".mp3", ".m4a", ".webp", ".gz", ".7z", ".p7s"}
)


def build_bundle(
    out_path: Path,
    manifest_bytes: bytes,
    signature: bytes,
    members: Mapping[str, bytes],
    seal: SealInfo,
    progress: Progress | None = None,
    seal_signer: Any | None = None,
) -> BundleSummary:
    """Write the bundle to ``out_path`` atomically and return what it holds.

    ``members`` maps each path the signed manifest lists to its bytes. ``progress(done, total)``
    may raise to cancel. ``seal_signer`` (a pyHanko signer whose certificate is the one
    ``seal.certificate_sha256`` names) signs ``seal.json``.
    """
    out_path = Path(out_path)
    try:
        manifest = parse_manifest(manifest_bytes)
    except ManifestInvalid as exc:
        raise BundleError(f"the signed manifest {exc}; approve the pack again", entry=MANIFEST_NAME) from None
    listed = [e["path"] for e in manifest["files"]]
    extra = sorted(set(members) - set(listed))
    if extra:
        raise BundleError(f"{extra[0]} is not listed in the signed manifest; it cannot go in the bundle",
                          entry=extra[0])
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
    pdf_sha = ""
    for entry in manifest["files"]:
        name = entry["path"]
        if name not in members:
            raise BundleError(f"{name} is listed in the signed manifest but was not given", entry=name)
        data = members[name]
        if entry["role"] in PDF_ROLES:
            check = validate_pdf_signature(data)
            if not check.ok:
                raise BundleError(f"{name}: the pack PDF's signature does not verify "
                                  f"({'; '.join(check.problems)}); approve the pack again", entry=name)
            if manifest_sha not in signed_info(data).get(INFO_MANIFESTS, "").split():
                raise BundleError(f"{name} was not signed with this manifest", entry=name)
            pdf_sha = hashlib.sha256(data).hexdigest()
        elif hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            raise BundleError(f"{name} has changed since it was signed: its SHA-256 is "
                              f"{hashlib.sha256(data).hexdigest()} but the signed manifest says {entry['sha256']}; "
                              "re-attach the evidence or approve a new pack version", entry=name)
    generated = render_generated(manifest, pdf_sha)
    seal_bytes = (json.dumps(seal.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8")
    ordered: list[tuple[str, bytes]] = [(MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature)]
    ordered += [(name, members[name]) for name in listed] + list(generated.items()) + [(SEAL_NAME, seal_bytes)]
    if bool(seal_signer) != bool(seal.certificate_sha256):
        raise ValueError("a signed seal needs both its signer and its certificate fingerprint")
    if seal_signer is not None:
        ordered.append((SEAL_SIGNATURE_NAME, sign_detached(seal_bytes, seal_signer)))
    stamp = _zip_time(seal.sealed_at)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out_path) as tmp, open(tmp, "w+b") as raw:
        with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for done, (name, data) in enumerate(ordered, start=1):
                with zf.open(_zinfo(name, stamp), "w", force_zip64=True) as dest:
                    dest.write(data)
                if progress is not None:
                    progress(done, len(ordered))
        raw.flush()
        raw.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: raw.read(_CHUNK), b""):
            digest.update(chunk)
    return BundleSummary(path=out_path, sha256=digest.hexdigest(), files=tuple(n for n, _ in ordered),
                         manifest_sha256=manifest_sha,
                         certificate_sha256=manifest["signer"]["certificate_sha256"])


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _zinfo(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


