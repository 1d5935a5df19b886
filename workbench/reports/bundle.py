"""Sealed evidence bundles: build one for inspectors, verify one anywhere.

The public face of ``bundle_format`` (data types, :class:`BundleError`),
``bundle_build`` (:func:`build_bundle`) and ``bundle_verify``
(:func:`verify_bundle`).
"""

from __future__ import annotations

from .bundle_build import build_bundle
from .bundle_format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    MANIFEST_NAME,
    BundleError,
    BundleFile,
    BundleMeta,
    BundleSummary,
    ManifestEntry,
    Problem,
    VerifyReport,
)
from .bundle_verify import verify_bundle

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_FORMAT_VERSION",
    "MANIFEST_NAME",
    "BundleError",
    "BundleFile",
    "BundleMeta",
    "BundleSummary",
    "ManifestEntry",
    "Problem",
    "VerifyReport",
    "build_bundle",
    "verify_bundle",
]
