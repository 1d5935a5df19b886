"""Sealed evidence bundles: seal one from a manifest signed at approval, verify one anywhere.

The public face of ``bundle_format`` (data types, verdicts, :class:`BundleError`),
``bundle_manifest`` (the signed manifests and the files rendered from them),
``bundle_build`` (:func:`build_bundle`) and ``bundle_verify`` (:func:`verify_bundle`).
"""

from __future__ import annotations

from .bundle_build import build_bundle
from .bundle_format import (
    BROKEN,
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    EXIT_CODES,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    UNTRUSTED,
    VERIFIED,
    BundleError,
    BundleSummary,
    ManifestEntry,
    Problem,
    SealInfo,
    VerifyReport,
)
from .bundle_manifest import ApprovalFacts, EvidenceFile, approval_manifests, pdf_info
from .bundle_verify import verify_bundle

__all__ = [
    "BROKEN",
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "EXIT_CODES",
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "UNTRUSTED",
    "VERIFIED",
    "ApprovalFacts",
    "BundleError",
    "BundleSummary",
    "EvidenceFile",
    "ManifestEntry",
    "Problem",
    "SealInfo",
    "VerifyReport",
    "approval_manifests",
    "build_bundle",
    "pdf_info",
    "verify_bundle",
]
