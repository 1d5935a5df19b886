"""Verifying an evidence bundle with nothing but the bundle and the inspector's trust anchors.

Nothing is extracted to disk. The verdict is one of three (see :class:`VerifyReport`):
*verified* when every check holds and the signer chains to a trust anchor; *untrusted* when the
bundle is intact but the signer matches no anchor; *broken* otherwise, with each failure named
by the file it concerns. Every fact reported comes from the signed manifest, except who sealed the
bundle: ``seal.json`` is signed by the sealer (``seal.json.p7s``) when they hold a signing key, and is
reported as the sealer's own, unsigned statement otherwise.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from workbench.limits import MAX_NESTING, nesting_depth
from workbench.progress import Progress

from .bundle_format import (
    ALL_ROLES,
    BROKEN,
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    MANIFEST_NAME,
    PDF_ROLES,
    SEAL_NAME,
    SEAL_SIGNATURE_NAME,
    SIGNATURE_NAME,
    SUMS_NAME,
    UNTRUSTED,
    VARIANTS,
    VERIFIED,
    BundleError,
    Problem,
    VerifyReport,
)
from .safe_zip import DEFAULT_LIMITS, ZipLimits, entry_problems, iter_member, open_zip, read_member

__all__ = ["ManifestInvalid", "parse_manifest", "verify_bundle"]


MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_PDF_BYTES = 512 * 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class ManifestInvalid(Exception):
    pass


# --------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ManifestInvalid(f"has the key {key!r} twice: it was edited by hand")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise ManifestInvalid(f"holds the non-JSON value {name}")


def _need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ManifestInvalid(f"has no valid {where}{key!r}")
    return value


def parse_manifest(raw: bytes) -> dict[str, Any]:
    """The manifest as a dict, checked for shape; ManifestInvalid says what is wrong."""
    try:
        text = raw.decode("utf-8")
        if nesting_depth(text) > MAX_NESTING:
            raise ManifestInvalid(f"nests arrays or objects more than {MAX_NESTING} deep: this tool never writes that")
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError:
        raise ManifestInvalid(f"nests arrays or objects more than {MAX_NESTING} deep: this tool never writes that") from None
    except UnicodeDecodeError as exc:
        raise ManifestInvalid(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ManifestInvalid(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise ManifestInvalid("is not a JSON object")
    if data.get("format") != BUNDLE_FORMAT:
        raise ManifestInvalid(f"does not describe an evidence bundle (format {data.get('format')!r})")
    if data.get("format_version") == 1:
        raise ManifestInvalid("is of bundle format 1, whose manifest nobody signed: it cannot be verified; "
                              "ask the force to seal the pack again with a current Workbench")
    if data.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise ManifestInvalid(f"has format version {data.get('format_version')!r}; this tool reads version "
                              f"{BUNDLE_FORMAT_VERSION}: use a matching version of the Workbench")
    if data.get("variant") not in VARIANTS:
        raise ManifestInvalid(f"names an unknown kind of bundle {data.get('variant')!r}")
    pack = _need(data, "pack", dict, "")
    for key in ("force", "marking", "built_by", "built_by_name", "built_at", "approved_by", "approved_by_name",
                "approved_at", "comment", "tool_version"):
        _need(pack, key, str, "pack ")
    _need(pack, "version", int, "pack ")
    release = _need(data, "release", dict, "")
    _need(release, "pseudonymised", bool, "release ")
    _need(release, "personal_data_dropped", bool, "release ")
    signer = _need(data, "signer", dict, "")
    if not _HEX64.match(str(signer.get("certificate_sha256", ""))):
        raise ManifestInvalid("has no valid signer certificate fingerprint")
    anchor = _need(data, "change_log_anchor", dict, "")
    _need(anchor, "seq", int, "change-log anchor ")
    if not _HEX64.match(str(anchor.get("hash", ""))):
        raise ManifestInvalid("has no valid change-log anchor hash")
    files = _need(data, "files", list, "")
    seen: set[str] = set()
    pdfs = 0
    for index, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise ManifestInvalid(f"files[{index}] is not an object")
        name = entry.get("path")
        if not isinstance(name, str) or not name:
            raise ManifestInvalid(f"files[{index}] has no path")
        if name in seen or PurePosixPath(name).name in (MANIFEST_NAME, SIGNATURE_NAME, SEAL_NAME):
            raise ManifestInvalid(f"lists {name!r} more than once or lists a manifest")
        seen.add(name)
        role = entry.get("role")
        if role not in ALL_ROLES:
            raise ManifestInvalid(f"entry {name!r} has an unknown role {role!r}")
        if role in PDF_ROLES:
            pdfs += 1
            if entry.get("sha256") is not None:
                raise ManifestInvalid(f"entry {name!r} gives a hash for the signed PDF")
            continue
        if not isinstance(entry.get("sha256"), str) or not _HEX64.match(entry["sha256"]):
            raise ManifestInvalid(f"entry {name!r} has an invalid SHA-256 {entry.get('sha256')!r}")
        size = entry.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ManifestInvalid(f"entry {name!r} has an invalid size {size!r}")
    if pdfs != 1:
        raise ManifestInvalid(f"lists {pdfs} pack PDFs; a bundle holds exactly one")
    want = "release-copy" if release["pseudonymised"] else "approved-pack"
    if not any(e["role"] == want for e in files):
        raise ManifestInvalid(f"is for a {'pseudonymised' if release['pseudonymised'] else 'full'} bundle but "
                              "lists the other pack PDF")
    return data


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def verify_bundle(
    path: Path,
    trust_roots: Any = None,
    progress: Progress | None = None,
    *,
    limits: ZipLimits = DEFAULT_LIMITS,
) -> VerifyReport:
    """Check a bundle against its signed manifest and the trust anchors given.

    ``trust_roots``: a :class:`~workbench.reports.signing_cms.TrustAnchors`, or certificates
    (DER/PEM bytes) and SHA-256 fingerprints. Bad bundles are reported, never raised.
    """
    from .signing import as_anchors

    anchors = as_anchors(trust_roots)
    try:
        zf = open_zip(path)
    except BundleError as exc:
        return _broken(Problem("", str(exc)))
    with zf:
        return _Verifier(zf, anchors, progress, limits).run()


def _broken(*problems: Problem, **kw: Any) -> VerifyReport:
    return VerifyReport(verdict=BROKEN, checked=kw.pop("checked", 0), problems=tuple(problems), **kw)


class _Verifier:
    def __init__(self, zf: zipfile.ZipFile, anchors: Any, progress: Progress | None, limits: ZipLimits) -> None:
        self.zf, self.anchors, self.progress, self.limits = zf, anchors, progress, limits
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.checked = 0

    def read(self, info: zipfile.ZipInfo, cap: int) -> bytes | None:
        try:
            return read_member(self.zf, info, self.limits, max_size=cap)
        except BundleError as exc:
            self.problems.append(Problem(info.filename, str(exc)))
            return None

    def run(self) -> VerifyReport:
        from .signing_cms import verify_detached

        unsafe = entry_problems(self.zf, self.limits)
        if unsafe:
            return _broken(*(Problem(e.entry or "", str(e)) for e in unsafe))
        members = {i.filename: i for i in self.zf.infolist() if not i.is_dir()}
        extra_manifests = sorted(n for n in members if n not in (MANIFEST_NAME, SIGNATURE_NAME) and (
            PurePosixPath(n).name.casefold() in (MANIFEST_NAME, SIGNATURE_NAME) or n.lower().endswith(".p7s"))
            and n != SEAL_SIGNATURE_NAME)
        if extra_manifests:
            return _broken(*(Problem(n, "is a second manifest or manifest signature: a bundle holds exactly one "
                                        f"{MANIFEST_NAME} and one {SIGNATURE_NAME}, so this bundle was altered")
                             for n in extra_manifests))
        if MANIFEST_NAME not in members:
            return _broken(Problem(MANIFEST_NAME, "is missing: this is not an evidence bundle, or it was altered"))
        raw = self.read(members[MANIFEST_NAME], MAX_MANIFEST_BYTES)
        if raw is None:
            return _broken(*self.problems)
        if SIGNATURE_NAME not in members:
            try:
                parse_manifest(raw)
            except ManifestInvalid as exc:
                return _broken(Problem(MANIFEST_NAME, str(exc)))
            return _broken(Problem(SIGNATURE_NAME, "is missing: the manifest is not signed, so nothing in this "
                                                   "bundle can be vouched for"))
        signature = self.read(members[SIGNATURE_NAME], MAX_SIGNATURE_BYTES)
        if signature is None:
            return _broken(*self.problems)
        cms = verify_detached(raw, signature, self.anchors)
        self.notes.extend(cms.notes)
        self.problems.extend(Problem(SIGNATURE_NAME, p) for p in cms.problems)
        try:
            manifest = parse_manifest(raw)
        except ManifestInvalid as exc:
            return _broken(*self.problems, Problem(MANIFEST_NAME, str(exc)))
        recorded = manifest["signer"]["certificate_sha256"]
        if cms.certificate_sha256 and cms.certificate_sha256 != recorded:
            self.problems.append(Problem(SIGNATURE_NAME, f"was made with certificate {cms.certificate_sha256}, not "
                                                         f"the certificate {recorded} the manifest names"))
        pdf_trusted = self.check_files(members, manifest, raw, cms.certificate_sha256)
        seal = self.check_seal(members)
        trust_problems: list[Problem] = []
        if not (cms.trusted and pdf_trusted):
            what = (f"is signed by {cms.signer} (certificate SHA-256 {cms.certificate_sha256}), which matches none "
                    "of the trust anchors given" if self.anchors else
                    f"is signed by {cms.signer} (certificate SHA-256 {cms.certificate_sha256}); no trust anchor was "
                    "given, so who signed it is not confirmed")
            trust_problems.append(Problem(SIGNATURE_NAME, what))
        verdict = BROKEN if self.problems else (VERIFIED if not trust_problems else UNTRUSTED)
        return VerifyReport(verdict=verdict, checked=self.checked, problems=tuple(self.problems), manifest=manifest,
                            signer=cms.signer, certificate_sha256=cms.certificate_sha256, chain=cms.chain,
                            signed_at=cms.signed_at, notes=tuple(self.notes),
                            trust_problems=tuple(trust_problems) if verdict != BROKEN else (), seal=seal)

    # -- the files the manifest lists ---------------------------------------------------------
    def check_files(self, members: dict[str, zipfile.ZipInfo], manifest: dict[str, Any], raw: bytes,
                    cms_print: str) -> bool:
        from .bundle_manifest import render_generated

        entries = manifest["files"]
        total = len(entries)
        self.checked = 0
        if self.progress is not None:
            self.progress(0, total)
        pdf_sha, pdf_trusted, pdf_faulted = "", False, False
        for n, entry in enumerate(entries, start=1):
            name = entry["path"]
            info = members.get(name)
            if info is None:
                self.problems.append(Problem(name, "is listed in the signed manifest but missing from the bundle"))
            elif entry["role"] in PDF_ROLES:
                self.checked += 1
                before = len(self.problems)
                pdf_sha, pdf_trusted = self.check_pdf(info, entry, manifest, raw, cms_print)
                pdf_faulted = pdf_faulted or len(self.problems) > before
            else:
                self.checked += 1
                self.check_hash(info, entry)
            if self.progress is not None:
                self.progress(n, total)
        listed = {e["path"] for e in entries} | {MANIFEST_NAME, SIGNATURE_NAME, SEAL_NAME, SEAL_SIGNATURE_NAME}
        # the listing files name the signed PDF's hash, which the manifest cannot hold: they are
        # rendered with the PDF's hash as the bundle holds it; when they differ, they are rendered
        # again with the hash the bundle's SHA256SUMS lists, and if they then match, the listings
        # agree with each other: the PDF is named (alone when its own check failed; otherwise with
        # the listings, as one of the two was changed and nothing signed says which)
        rendered = render_generated(manifest, pdf_sha or "0" * 64)
        got = {name: self.read(members[name], MAX_MANIFEST_BYTES) if name in members else None for name in rendered}
        listed_sha = self.listed_pdf_sha(members, entries) if pdf_sha else None
        if pdf_sha and listed_sha and listed_sha != pdf_sha and any(
                got[n] is not None and got[n] != d for n, d in rendered.items()):
            as_sealed = render_generated(manifest, listed_sha)
            if all(got[n] is None or got[n] == d for n, d in as_sealed.items()):
                rendered = as_sealed
                if not pdf_faulted:  # its signature holds: the PDF changed outside it, or the listings were rewritten
                    pdf_name = next(e["path"] for e in entries if e["role"] in PDF_ROLES and e["path"] in members)
                    self.problems.append(Problem(pdf_name, f"SHA-256 is {pdf_sha}, but {SUMS_NAME} and index.html list "
                                                           f"{listed_sha}: either this PDF (outside what its signature "
                                                           "covers) or those listings were changed after sealing"))
        for name, data in rendered.items():
            listed.add(name)
            if name not in members:
                self.problems.append(Problem(name, "is missing from the bundle"))
                continue
            if got[name] is not None and pdf_sha and got[name] != data:
                self.problems.append(Problem(name, "differs from the one rendered from the signed manifest: it was "
                                                   "changed after signing"))
            self.checked += 1
        for name in sorted(set(members) - listed):
            self.problems.append(Problem(name, "is in the bundle but not listed in the signed manifest"))
        return pdf_trusted

    def listed_pdf_sha(self, members: dict[str, zipfile.ZipInfo], entries: list[dict[str, Any]]) -> str | None:
        """The PDF's SHA-256 as the bundle's SHA256SUMS lists it (None when it lists none)."""
        info = members.get(SUMS_NAME)
        text = self.read(info, MAX_MANIFEST_BYTES) if info is not None else None
        pdfs = {e["path"] for e in entries if e["role"] in PDF_ROLES}
        for line in (text or b"").decode("utf-8", "replace").splitlines():
            sha, _, path = line.partition("  ")
            if path in pdfs and len(sha) == 64:
                return sha
        return None

    def check_hash(self, info: zipfile.ZipInfo, entry: dict[str, Any]) -> None:
        digest, size = hashlib.sha256(), 0
        try:
            for chunk in iter_member(self.zf, info, self.limits):
                digest.update(chunk)
                size += len(chunk)
        except BundleError as exc:
            self.problems.append(Problem(info.filename, str(exc)))
            return
        if digest.hexdigest() != entry["sha256"] or size != entry["size"]:
            self.problems.append(Problem(info.filename, f"SHA-256 is {digest.hexdigest()} ({size} bytes) but the "
                                                        f"signed manifest says {entry['sha256']} ({entry['size']} "
                                                        "bytes): the file was replaced or changed"))

    def check_pdf(self, info: zipfile.ZipInfo, entry: dict[str, Any], manifest: dict[str, Any], raw: bytes,
                  cms_print: str) -> tuple[str, bool]:
        from .bundle_manifest import INFO_ANCHOR, INFO_EVIDENCE, INFO_MANIFESTS, INFO_ROLE, INFO_VERSION
        from .signing import signed_info, validate_pdf_signature

        name = info.filename
        data = self.read(info, MAX_PDF_BYTES)
        if data is None:
            return "", False
        check = validate_pdf_signature(data, self.anchors)
        if not check.signed:
            self.problems.append(Problem(name, "is not signed: the signed manifest lists the reviewer's signed "
                                               f"{PDF_ROLES[entry['role']]} here"))
            return hashlib.sha256(data).hexdigest(), False
        self.problems.extend(Problem(name, f"signature: {p}") for p in check.problems
                             if "not one of the trusted" not in p)
        if cms_print and check.certificate_sha256 != cms_print:
            self.problems.append(Problem(name, f"is signed with certificate {check.certificate_sha256}, not the "
                                               f"certificate {cms_print} that signed the manifest"))
        info_map = signed_info(data) if check.ok else {}
        manifest_sha = hashlib.sha256(raw).hexdigest()
        if check.ok:
            role = info_map.get(INFO_ROLE, "")
            if role != entry["role"]:
                self.problems.append(Problem(name, f"is the {PDF_ROLES.get(role, 'an unknown PDF')}, but the signed "
                                                   f"manifest lists the {PDF_ROLES[entry['role']]} here: the file "
                                                   "was swapped"))
            elif manifest_sha not in info_map.get(INFO_MANIFESTS, "").split():
                self.problems.append(Problem(name, "was not signed together with this manifest: it comes from another "
                                                   "approval or another kind of bundle"))
            if info_map.get(INFO_VERSION) != str(manifest["pack"]["version"]):
                self.problems.append(Problem(name, f"is pack version {info_map.get(INFO_VERSION, '?')}, not version "
                                                   f"{manifest['pack']['version']} as the manifest says"))
            anchor = manifest["change_log_anchor"]
            if info_map.get(INFO_ANCHOR) != f"{anchor['seq']}:{anchor['hash']}":
                self.problems.append(Problem(name, "records a different change-log anchor than the manifest"))
            self.check_evidence_index(name, info_map.get(INFO_EVIDENCE, ""), data, manifest)
        return hashlib.sha256(data).hexdigest(), check.trusted

    def check_evidence_index(self, pdf_name: str, index_json: str, pdf: bytes, manifest: dict[str, Any]) -> None:
        try:
            index = {tuple(x) for x in json.loads(index_json or "[]")}
        except (ValueError, TypeError, RecursionError):
            self.problems.append(Problem(pdf_name, "carries an unreadable evidence index"))
            return
        printed = _printed_text(pdf)
        for entry in manifest["files"]:
            if entry["role"] != "evidence":
                continue
            if (entry.get("finding"), entry["sha256"]) not in index:
                self.problems.append(Problem(entry["path"], f"is not in the evidence index of the signed {pdf_name}"))
            elif printed is not None and entry["sha256"] not in printed:
                self.problems.append(Problem(entry["path"], f"is not in the evidence index printed in {pdf_name}"))

    def check_seal(self, members: dict[str, zipfile.ZipInfo]) -> dict[str, Any]:
        """The sealer's statement, and whether the sealer signed it (``seal.json.p7s``)."""
        info, sig_info = members.get(SEAL_NAME), members.get(SEAL_SIGNATURE_NAME)
        if info is None:
            if sig_info is not None:
                self.problems.append(Problem(SEAL_SIGNATURE_NAME, f"is present but {SEAL_NAME} is missing: the "
                                                                  "sealer's statement was removed"))
            return {}
        raw = self.read(info, 64 * 1024)
        try:
            seal = json.loads(raw or b"")
            if not isinstance(seal, dict) or not all(isinstance(seal.get(k), str) for k in ("sealed_by", "sealed_at")):
                raise ValueError
        except (ValueError, RecursionError):
            self.problems.append(Problem(SEAL_NAME, "cannot be read (it should say who sealed the bundle and when)"))
            return {}
        out: dict[str, Any] = {k: seal[k] for k in ("sealed_by", "sealed_by_name", "sealed_at")
                               if isinstance(seal.get(k), str)}
        out.update(signed=False, confirmed=False)
        claimed = seal.get("certificate_sha256") if isinstance(seal.get("certificate_sha256"), str) else ""
        if sig_info is None:
            if seal.get("signed") is True or claimed:
                self.problems.append(Problem(SEAL_SIGNATURE_NAME, f"is missing although {SEAL_NAME} says the sealer "
                                                                  "signed it: the signature was removed"))
            return out
        signature = self.read(sig_info, MAX_SIGNATURE_BYTES)
        if signature is None or raw is None:
            return out
        from .signing_cms import verify_detached

        check = verify_detached(raw, signature, self.anchors)
        self.problems.extend(Problem(SEAL_SIGNATURE_NAME, p) for p in check.problems)
        if check.ok and check.certificate_sha256 != claimed:
            self.problems.append(Problem(SEAL_SIGNATURE_NAME, f"was made with certificate {check.certificate_sha256}, "
                                                              f"not the certificate {claimed or '(none)'} "
                                                              f"{SEAL_NAME} names"))
        if check.ok and not check.problems and check.certificate_sha256 == claimed:
            out.update(signed=True, confirmed=check.trusted, signer=check.signer,
                       certificate_sha256=check.certificate_sha256)
        return out


def _printed_text(pdf: bytes) -> str | None:
    """The PDF's text without white space (hashes wrap across lines), or None if unreadable."""
    try:
        from pypdf import PdfReader

        text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 - the signature check already vouches for the bytes
        return None
    return re.sub(r"\s+", "", text)
