"""Building a sealed evidence bundle (zip + manifest of SHA-256 hashes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import quote

from .bundle_format import (
    BUNDLE_FORMAT,
    BUNDLE_FORMAT_VERSION,
    GENERATED_NAMES,
    INDEX_NAME,
    MANIFEST_NAME,
    README_NAME,
    SUMS_NAME,
    BundleError,
    BundleFile,
    BundleMeta,
    BundleSummary,
    ManifestEntry,
    sanitise_arcname,
    sanitise_component,
)
from .signing import validate_pdf_signature

__all__ = ["build_bundle"]

Progress = Callable[[int, int | None], None]

_CHUNK = 1 << 16
# already-compressed formats are stored, not deflated again
_STORED_SUFFIXES = frozenset(
    {".pdf", ".xlsx", ".docx", ".pptx", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".mp4",
     ".mp3", ".m4a", ".webp", ".gz", ".7z"}
)


def build_bundle(
    out_path: Path,
    files: Sequence[BundleFile],
    meta: BundleMeta,
    progress: Progress | None = None,
) -> BundleSummary:
    """Write the bundle to ``out_path`` atomically and return what it holds.

    Every source is hashed while it is written; a mismatch with
    ``BundleFile.expected_sha256`` raises BundleError naming the file and
    leaves nothing behind. A signed pack PDF must still verify (intact,
    valid, not modified); its signer and certificate fingerprint go in the
    manifest. ``progress(done, total)`` may raise to cancel.
    """
    out_path = Path(out_path)
    if not files:
        raise BundleError("A bundle needs at least one file; add the pack PDF and workbook.")
    arcnames = _place(files)
    total = len(files) + len(GENERATED_NAMES)
    stamp = _zip_time(meta.built_at)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".bundle-", suffix=".tmp", dir=out_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as raw:
            entries, manifest_sha = _write_zip(raw, files, arcnames, meta, stamp, progress, total)
            raw.flush()
            os.fsync(raw.fileno())
            raw.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: raw.read(_CHUNK), b""):
                digest.update(chunk)
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BundleSummary(
        path=out_path,
        sha256=digest.hexdigest(),
        files=tuple(entries),
        manifest_sha256=manifest_sha,
    )


# --------------------------------------------------------------------------
# Placing files
# --------------------------------------------------------------------------


def _place(files: Sequence[BundleFile]) -> list[str]:
    """Final member names: sanitised, evidence under evidence/<ref>/, unique."""
    taken = {n.casefold() for n in GENERATED_NAMES}
    out: list[str] = []
    for bf in files:
        name = sanitise_arcname(bf.arcname)
        if bf.role == "evidence":
            ref = sanitise_component(bf.finding_ref or "", fallback="general")
            prefix = f"evidence/{ref}/"
            if name.casefold().startswith(prefix.casefold()):
                name = name[len(prefix):] or "file"
            elif name.casefold().startswith("evidence/"):
                name = name[len("evidence/"):]
            name = prefix + name
        elif name.casefold() in {n.casefold() for n in GENERATED_NAMES}:
            raise BundleError(
                f"{bf.source}: the name {name!r} is reserved for the bundle's own "
                "files; rename it.",
                entry=name,
                file=bf.source,
            )
        name = _unique(name, taken)
        taken.add(name.casefold())
        out.append(name)
    return out


def _unique(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    path = PurePosixPath(name)
    stem, suffix = path.stem, path.suffix
    n = 2
    while True:
        candidate = str(path.with_name(f"{stem} ({n}){suffix}"))
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _write_zip(
    raw: IO[bytes],
    files: Sequence[BundleFile],
    arcnames: list[str],
    meta: BundleMeta,
    stamp: tuple[int, int, int, int, int, int],
    progress: Progress | None,
    total: int,
) -> tuple[list[ManifestEntry], str]:
    entries: list[ManifestEntry] = []
    done = 0
    if progress is not None:
        progress(0, total)
    with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
        for bf, name in zip(files, arcnames):
            entries.append(_add_file(zf, bf, name, stamp))
            done += 1
            if progress is not None:
                progress(done, total)

        generated = [
            (INDEX_NAME, "bundle-index", "Index of this bundle", _index_html(entries, meta)),
            (README_NAME, "bundle-readme", "How to verify this bundle", _readme(meta)),
        ]
        for name, role, title, text in generated:
            entries.append(_add_bytes(zf, name, role, title, text.encode("utf-8"), stamp))
            done += 1
            if progress is not None:
                progress(done, total)
        sums = "".join(f"{e.sha256}  {e.path}\n" for e in entries).encode("utf-8")
        entries.append(
            _add_bytes(zf, SUMS_NAME, "bundle-sums", "SHA-256 of every file", sums, stamp)
        )
        done += 1
        manifest = {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "meta": meta.to_json(),
            "files": [e.to_json() for e in entries],
        }
        manifest_bytes = (
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        ).encode("utf-8")
        zf.writestr(_zinfo(MANIFEST_NAME, stamp), manifest_bytes)
        done += 1
        if progress is not None:
            progress(done, total)
    return entries, hashlib.sha256(manifest_bytes).hexdigest()


def _zinfo(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _chunks(bf: BundleFile) -> Iterator[bytes]:
    if bf.data is not None:
        yield bf.data
        return
    assert bf.path is not None
    try:
        with open(bf.path, "rb") as fh:
            yield from iter(lambda: fh.read(_CHUNK), b"")
    except OSError as exc:
        raise BundleError(
            f"Cannot read {bf.path} for the bundle ({exc.strerror or exc}); "
            "check it still exists and is readable.",
            file=str(bf.path),
        ) from exc


def _add_file(
    zf: zipfile.ZipFile, bf: BundleFile, name: str, stamp: tuple[int, int, int, int, int, int]
) -> ManifestEntry:
    signature: dict[str, Any] | None = None
    if bf.role == "pack-pdf":
        data = b"".join(_chunks(bf))
        signature = _pack_signature(bf, data)
        source: Iterator[bytes] = iter((data,))
    else:
        source = _chunks(bf)
    digest = hashlib.sha256()
    size = 0
    with zf.open(_zinfo(name, stamp), "w", force_zip64=True) as dest:
        for chunk in source:
            digest.update(chunk)
            size += len(chunk)
            dest.write(chunk)
    sha = digest.hexdigest()
    if bf.expected_sha256 is not None and sha != bf.expected_sha256.lower():
        raise BundleError(
            f"{bf.source} has changed since it was recorded: its SHA-256 is {sha} but "
            f"{bf.expected_sha256.lower()} was expected. Re-attach the evidence or "
            "rebuild the pack.",
            entry=name,
            file=bf.source,
        )
    return ManifestEntry(
        path=name,
        size=size,
        sha256=sha,
        role=bf.role,
        finding=bf.finding_ref,
        title=bf.title,
        signature=signature,
    )


def _pack_signature(bf: BundleFile, data: bytes) -> dict[str, Any] | None:
    check = validate_pdf_signature(data)
    if not check.signed:
        return None
    if not check.ok:
        raise BundleError(
            f"{bf.source}: the pack PDF's signature does not verify "
            f"({'; '.join(check.problems)}); sign the approved pack again.",
            file=bf.source,
        )
    return {
        "signer": check.signer,
        "signed_at": check.signed_at.isoformat() if check.signed_at else None,
        "certificate_sha256": check.certificate_sha256,
    }


def _add_bytes(
    zf: zipfile.ZipFile,
    name: str,
    role: str,
    title: str,
    data: bytes,
    stamp: tuple[int, int, int, int, int, int],
) -> ManifestEntry:
    zf.writestr(_zinfo(name, stamp), data)
    return ManifestEntry(
        path=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        role=role,
        finding=None,
        title=title,
    )


# --------------------------------------------------------------------------
# Readable index and README
# --------------------------------------------------------------------------


def _fmt_when(value: dt.datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else "not signed"


def _index_html(entries: list[ManifestEntry], meta: BundleMeta) -> str:
    e = html.escape
    rows = []
    for entry in entries:
        sig = ""
        if entry.signature:
            sig = (
                f"<br><small>Signed by {e(entry.signature['signer'])}; certificate "
                f"SHA-256 <code>{e(entry.signature['certificate_sha256'])}</code></small>"
            )
        rows.append(
            "<tr>"
            f"<td><a href=\"{e(quote(entry.path))}\">{e(entry.path)}</a>{sig}</td>"
            f"<td>{e(entry.title)}</td>"
            f"<td>{e(entry.finding or '')}</td>"
            f"<td>{e(entry.role)}</td>"
            f"<td class=\"n\">{entry.size:,}</td>"
            f"<td><code>{e(entry.sha256)}</code></td>"
            "</tr>"
        )
    facts = [
        ("Force", meta.force),
        ("Pack version", meta.pack_version),
        ("Built by", meta.built_by),
        ("Built at", _fmt_when(meta.built_at)),
        ("Signed by", meta.signed_by or "not signed"),
        ("Signed at", _fmt_when(meta.signed_at)),
        ("Case references pseudonymised", "yes" if meta.pseudonymised else "no"),
        ("Personal data fields dropped", "yes" if meta.personal_data_dropped else "no"),
        ("Small counts suppressed below", str(meta.min_cell) if meta.min_cell else "not suppressed"),
        ("Tool version", meta.tool_version),
    ]
    fact_rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    marking = e(meta.marking)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{marking} - Evidence bundle - {e(meta.force)}</title>
<style>
body{{font-family:sans-serif;margin:2em}} .mark{{text-align:center;font-weight:bold;color:#b00}}
table{{border-collapse:collapse}} td,th{{border:1px solid #999;padding:4px 8px;text-align:left;
vertical-align:top}} .n{{text-align:right}} code{{font-size:90%;word-break:break-all}}
</style></head>
<body>
<p class="mark">{marking}</p>
<h1>Self-assessment evidence bundle</h1>
<table>{fact_rows}</table>
<h2>Files</h2>
<table><tr><th>File</th><th>Title</th><th>Finding</th><th>Role</th><th>Bytes</th><th>SHA-256</th></tr>
{''.join(rows)}
</table>
<p>Every file above is listed with its SHA-256 in <code>{MANIFEST_NAME}</code> and
<code>{SUMS_NAME}</code>. See <code>{README_NAME}</code> for how to verify the bundle.</p>
<p class="mark">{marking}</p>
</body></html>
"""


def _readme(meta: BundleMeta) -> str:
    return f"""{meta.marking}

Self-assessment evidence bundle - {meta.force} - pack version {meta.pack_version}
Built by {meta.built_by} at {_fmt_when(meta.built_at)}; signed by {meta.signed_by or "(not signed)"}
at {_fmt_when(meta.signed_at)}.

Handle this bundle according to its marking ({meta.marking}).

WHAT IS IN IT
  {MANIFEST_NAME}  every file in the bundle with its size, SHA-256 hash, role and finding
  {SUMS_NAME}      the same hashes in the format of the sha256sum tool
  {INDEX_NAME}     a readable list of the files (open it in a web browser)
  evidence/       evidence files, one folder per finding reference
  the pack PDF (digitally signed by the approving reviewer) and the Excel workbook

HOW TO VERIFY IT
1. Ask the force, by a separate channel (e.g. phone or e-mail), for the SHA-256 of the
   bundle zip file itself and for the SHA-256 fingerprint of the reviewer's signing
   certificate. A bundle cannot carry a trustworthy hash of itself.
2. Check the zip:  sha256sum <bundle>.zip   (Windows: certutil -hashfile <bundle>.zip SHA256)
   and compare it with the hash the force gave you.
3. With the Inspection Readiness Workbench (no force systems needed):
       workbench verify <bundle>.zip
   giving it the certificate fingerprint from step 1 as the trusted signer.
   It checks every file's size and SHA-256 against {MANIFEST_NAME}, refuses unlisted
   or unsafe entries, and checks the pack PDF's signature; it names any file that fails.
4. Without the Workbench: extract the zip into an empty folder and run
       sha256sum -c {SUMS_NAME}
   then open the pack PDF in a PDF reader and look at its signature panel: the signature
   must be valid, the document unchanged since signing, and the certificate fingerprint
   must match the one the force gave you.

Case references pseudonymised: {"yes" if meta.pseudonymised else "no"}.
Personal data fields dropped: {"yes" if meta.personal_data_dropped else "no"}.
Small counts: {f"1 to {meta.min_cell - 1} shown as <{meta.min_cell}" if meta.min_cell and meta.min_cell > 1 else "not suppressed"}.
Written by Inspection Readiness Workbench {meta.tool_version}.

{meta.marking}
"""

