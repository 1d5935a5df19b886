"""verify: check a sealed evidence bundle anywhere, without a workspace."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, add_command, print_json
from workbench.cli.progress import progress_bar
from workbench.errors import InputError
from workbench.reports.bundle import verify_bundle

_FINGERPRINT = re.compile(r"^(sha256:)?[0-9a-fA-F:]{64,95}$")


def register(sub: Any) -> None:
    v = add_command(sub, "verify", "check a sealed evidence bundle: every hash, the manifest and the "
                    "pack's digital signature (needs no workspace)")
    v.add_argument("bundle", type=Path)
    v.add_argument("--trust", action="append", default=[], metavar="CERT|SHA256",
                   help="the signer's certificate file (PEM/DER) or its SHA-256 fingerprint, received "
                        "separately from the force; may be repeated")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=cmd_verify)


def _trust_roots(values: list[str]) -> list[bytes | str]:
    roots: list[bytes | str] = []
    for value in values:
        if _FINGERPRINT.match(value.strip()):
            roots.append(value.strip().lower().removeprefix("sha256:").replace(":", ""))
            continue
        path = Path(value)
        if not path.is_file():
            raise InputError(f"--trust {value}: neither a certificate file nor a SHA-256 fingerprint",
                             "give the .pem/.cer file or the 64-hex-digit fingerprint the force sent you")
        roots.append(path.read_bytes())
    return roots


def cmd_verify(ctx: CliContext) -> int:
    a = ctx.args
    if not a.bundle.is_file():
        raise InputError(f"no bundle at {a.bundle}", "give the path of the .zip the force sent")
    report = verify_bundle(a.bundle, _trust_roots(a.trust) or None, progress=progress_bar("verifying"))
    if a.json:
        print_json(report)
        return 0 if report.ok else 1
    meta = report.manifest_meta or {}
    print(f"bundle: {a.bundle}")
    if meta:
        print(f"  {meta.get('force', '')} — pack version {meta.get('pack_version', '?')}, "
              f"built by {meta.get('built_by', '?')}, signed by {meta.get('signed_by') or 'nobody'}")
    sig = report.signature
    if sig is not None and sig.signed:
        trust = "trusted (matches the certificate you gave)" if sig.trusted else (
            "not checked against a trusted certificate (pass --trust)" if not a.trust else "NOT TRUSTED")
        print(f"  signature: {'intact and valid' if sig.intact and sig.valid else 'BROKEN'}, signer "
              f"{sig.signer}, {trust}")
        print(f"  signer certificate SHA-256: {sig.certificate_sha256}")
    print(f"  files checked: {report.checked}")
    if report.ok:
        print("VERIFIED: every file matches the manifest and the signature holds")
        return 0
    print("VERIFICATION FAILED:", file=sys.stderr)
    for p in report.problems:
        print(f"  {p.path}: {p.what}" if p.path else f"  {p.what}", file=sys.stderr)
    return 1
