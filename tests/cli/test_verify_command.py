"""`workbench verify` on a sealed bundle, as an inspector would run it (no workspace)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.reports.test_bundle import META, _files, cert_der, p12, rewrite, signed_pdf_path  # noqa: F401
from workbench.cli import main
from workbench.reports.bundle import build_bundle
from workbench.reports.signing import certificate_fingerprint


@pytest.fixture()
def bundle(tmp_path: Path, signed_pdf_path: Path) -> Path:  # noqa: F811
    out = tmp_path / "out" / "bundle.zip"
    build_bundle(out, _files(tmp_path, signed_pdf_path), META)
    return out


def test_verify_passes_then_names_the_changed_evidence_file(bundle, cert_der, tmp_path, capsys) -> None:  # noqa: F811
    fingerprint = certificate_fingerprint(cert_der)
    assert main(["verify", str(bundle), "--trust", fingerprint]) == 0
    out = capsys.readouterr().out
    assert "VERIFIED" in out and "trusted" in out
    with zipfile.ZipFile(bundle) as zf:
        original = zf.read("evidence/AFI-1/audit sheet.csv")
    changed = bytes([original[0] ^ 0x01]) + original[1:]
    tampered = rewrite(bundle, tmp_path / "tampered.zip", replace={"evidence/AFI-1/audit sheet.csv": changed})
    assert main(["verify", str(tampered)]) == 1
    err = capsys.readouterr().err
    assert "VERIFICATION FAILED" in err and "evidence/AFI-1/audit sheet.csv" in err


def test_verify_json_and_bad_arguments(bundle, tmp_path, capsys) -> None:
    assert main(["verify", str(bundle), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["checked"] >= 7
    assert main(["verify", str(tmp_path / "nope.zip")]) == 2
    assert "no bundle at" in capsys.readouterr().err
    assert main(["verify", str(bundle), "--trust", "not-a-file-or-fingerprint"]) == 2
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    assert main(["verify", str(junk)]) == 1
    assert "junk.zip is not a readable zip file" in capsys.readouterr().err
