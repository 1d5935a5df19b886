"""verify: check a sealed evidence bundle anywhere, without a workspace.

Three verdicts, each with its own exit code: VERIFIED (0) when every file is what the reviewer
signed and the signer matches a trust anchor; INTACT BUT UNTRUSTED (3) when the bundle is intact
but the signer matches no anchor given (or none was given); FAILED (1) naming every file that
fails. Unusable arguments (no bundle, a trust file that does not parse) exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, add_command, print_json
from workbench.cli.progress import progress_bar
from workbench.errors import InputError

if TYPE_CHECKING:
    from workbench.reports.bundle import VerifyReport
    from workbench.reports.signing_cms import TrustAnchors


def register(sub: Any) -> None:
    v = add_command(sub, "verify", "check a sealed evidence bundle: the signed manifest, every file, the pack's "
                    "digital signature and who signed it (needs no workspace)")
    v.add_argument("bundle", type=Path)
    v.add_argument("--trust", action="append", default=[], metavar="CERT|SHA256|LIST",
                   help="a trust anchor received separately from the force: the reviewer's or the force CA's "
                        "certificate file (PEM/DER), its SHA-256 fingerprint, or a trust list file; repeatable")
    v.add_argument("--trust-list", type=Path, action="append", default=[], metavar="FILE",
                   help="a trust list the inspector keeps: one SHA-256 fingerprint per line (# comments) and/or "
                        "PEM certificates")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=cmd_verify)


def _anchors(values: list[str], lists: list[Path]) -> TrustAnchors:
    from workbench.reports.signing_cms import TrustAnchors, load_trust_file, parse_trust_value
    anchors = TrustAnchors()
    for value in values:
        anchors = anchors + parse_trust_value(value)
    for path in lists:
        anchors = anchors + load_trust_file(path)
    return anchors


def _json(report: VerifyReport, bundle: Path) -> dict[str, Any]:
    from workbench.reports.bundle import BROKEN
    return {
        "bundle": str(bundle), "verdict": report.verdict, "exit_code": report.exit_code, "ok": report.ok,
        "intact": report.intact, "checked": report.checked,
        "problems": [{"path": p.path, "what": p.what} for p in report.problems],
        "trust_problems": [{"path": p.path, "what": p.what} for p in report.trust_problems],
        "signer": report.signer, "certificate_sha256": report.certificate_sha256, "chain": list(report.chain),
        "signed_at": report.signed_at, "notes": list(report.notes),
        "signed": _signed_facts(report.manifest) if report.manifest and report.verdict != BROKEN else None,
        "seal": report.seal or None,
    }


def _signed_facts(manifest: dict[str, Any]) -> dict[str, Any]:
    pack = manifest["pack"]
    return {
        "force": pack["force"], "pack_version": pack["version"], "variant": manifest["variant"],
        "built_by": pack["built_by"], "built_by_name": pack["built_by_name"], "built_at": pack["built_at"],
        "approved_by": pack["approved_by"], "approved_by_name": pack["approved_by_name"],
        "approved_at": pack["approved_at"], "release": manifest["release"],
        "change_log_anchor": manifest["change_log_anchor"],
        "files": [{"path": e["path"], "role": e["role"], "finding": e.get("finding"), "sha256": e["sha256"]}
                  for e in manifest["files"]],
    }


def cmd_verify(ctx: CliContext) -> int:
    from workbench.reports.bundle import BROKEN, UNTRUSTED, VERIFIED, verify_bundle
    a = ctx.args
    if not a.bundle.is_file():
        raise InputError(f"no bundle at {a.bundle}", "give the path of the .zip the force sent")
    anchors = _anchors(a.trust, a.trust_list)
    report = verify_bundle(a.bundle, anchors, progress=None if a.json else progress_bar("verifying"))
    if a.json:
        print_json(_json(report, a.bundle))
        return report.exit_code
    print(f"bundle: {a.bundle}")
    if report.verdict != BROKEN:
        _print_facts(report)
    print(f"  files checked: {report.checked}")
    for note in report.notes:
        print(f"  note: {note}")
    if report.verdict == VERIFIED:
        print(f"  signer: {report.signer}, certificate SHA-256 {report.certificate_sha256}")
        print(f"  chain: {' -> '.join(report.chain)} (a trust anchor you gave)")
        print("VERIFIED: every file is exactly what the reviewer signed, and the signer is one you trust")
        return 0
    if report.verdict == UNTRUSTED:
        print("INTACT BUT UNTRUSTED: every file is what the signer signed, but the signer is not confirmed:")
        for p in report.trust_problems:
            print(f"  {p.path}: {p.what}")
        print(f"  check the fingerprint {report.certificate_sha256}")
        print("  with the force by phone or e-mail (not from this bundle), then run again with:")
        print(f"  workbench verify {a.bundle} --trust {report.certificate_sha256}")
        return 3
    print("VERIFICATION FAILED: do not rely on this bundle. What failed:", file=sys.stderr)
    for p in report.problems:
        print(f"  {p.path}: {p.what}" if p.path else f"  {p.what}", file=sys.stderr)
    return 1


def _seal_words(seal: dict[str, Any]) -> str:
    if not seal.get("signed"):
        return "the sealer's own statement; not signed, so who sealed it is not confirmed"
    if seal.get("confirmed"):
        return f"signed by the sealer, certificate SHA-256 {seal['certificate_sha256']}, a trust anchor you gave"
    return (f"signed by the sealer, certificate SHA-256 {seal['certificate_sha256']}, which matches none of the "
            "trust anchors given, so who sealed it is not confirmed")


def _print_facts(report: VerifyReport) -> None:
    from workbench.reports.bundle_format import ROLE_WORDS
    m = report.manifest
    pack = m["pack"]
    print(f"  {pack['force']} — pack version {pack['version']} "
          f"({'release copy, case references pseudonymised' if m['release']['pseudonymised'] else 'approved pack'})")
    print(f"  built by {pack['built_by_name']} ({pack['built_by']}) at {pack['built_at']}")
    print(f"  approved and signed by {pack['approved_by_name']} ({pack['approved_by']}) at {pack['approved_at']}")
    anchor = m["change_log_anchor"]
    print(f"  change-log anchor: entry {anchor['seq']}, hash {anchor['hash']}")
    if report.seal:
        print(f"  sealed by {report.seal.get('sealed_by_name') or ''} ({report.seal.get('sealed_by')}) at "
              f"{report.seal.get('sealed_at')} ({_seal_words(report.seal)})")
    for e in m["files"]:
        print(f"    {e['path']}: {ROLE_WORDS.get(e['role'], e['role'])}"
              + (f", finding {e['finding']}" if e.get("finding") else ""))
