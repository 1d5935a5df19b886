"""`workbench verify` on a sealed bundle, as an inspector would run it (no workspace): three verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.reports.signed_bundles import approve, forge, members_of, new_key, seal
from workbench.cli import main
from workbench.reports.signing import certificate_fingerprint

EV = "evidence/AFI-1/minutes.txt"


@pytest.fixture(scope="module")
def key():
    return new_key()


@pytest.fixture(scope="module")
def approval(key):
    return approve(key)


@pytest.fixture()
def bundle(tmp_path: Path, approval) -> Path:
    return seal(approval, "full", tmp_path / "bundle.zip")


def test_verified_untrusted_and_failed_have_their_own_exit_codes(bundle, key, tmp_path, capsys) -> None:
    fingerprint = certificate_fingerprint(key.certificate)
    assert main(["verify", str(bundle)]) == 3
    out = capsys.readouterr().out
    assert "INTACT BUT UNTRUSTED" in out and fingerprint in out and f"--trust {fingerprint}" in out
    assert "built by Olly Officer (olly.officer)" in out and "approved and signed by Rita Reviewer" in out
    assert "sealed by Olly Officer (olly.officer)" in out and "not signed, so who sealed it is not confirmed" in out
    assert main(["verify", str(bundle), "--trust", fingerprint]) == 0
    assert "VERIFIED" in capsys.readouterr().out
    pem = tmp_path / "rita.pem"
    pem.write_bytes(key.certificate.public_bytes(serialization.Encoding.PEM))
    assert main(["verify", str(bundle), "--trust", str(pem)]) == 0
    capsys.readouterr()
    tampered = forge(bundle, tmp_path / "tampered.zip", replace={EV: b"changed"}, fix_hashes=False)
    assert main(["verify", str(tampered), "--trust", fingerprint]) == 1
    err = capsys.readouterr().err
    assert "VERIFICATION FAILED" in err and EV in err


def test_trust_list_file_and_json_verdicts(bundle, key, tmp_path, capsys) -> None:
    fingerprint = certificate_fingerprint(key.certificate)
    trust = tmp_path / "trusted.txt"
    trust.write_text(f"# Norfolk reviewers, checked by phone 30 Nov\n{fingerprint}  Rita Reviewer\n")
    assert main(["verify", str(bundle), "--trust-list", str(trust), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["verdict"], report["ok"], report["exit_code"]) == ("verified", True, 0)
    assert report["signed"]["built_by"] == "olly.officer" and report["seal"]["signed"] is False
    assert main(["verify", str(bundle), "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert (report["verdict"], report["ok"], report["intact"]) == ("untrusted", False, True)
    broken = forge(bundle, tmp_path / "b.zip", replace={EV: b"changed"})
    assert main(["verify", str(broken), "--json", "--trust", fingerprint]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "broken" and report["ok"] is False and report["signed"] is None


def test_bad_arguments_and_bad_trust_files_name_the_file(bundle, tmp_path, capsys) -> None:
    assert main(["verify", str(tmp_path / "nope.zip")]) == 2
    assert "no bundle at" in capsys.readouterr().err
    assert main(["verify", str(bundle), "--trust", "not-a-file-or-fingerprint"]) == 2
    capsys.readouterr()
    bad = tmp_path / "trust.txt"
    bad.write_text("this line is no fingerprint\n")
    assert main(["verify", str(bundle), "--trust-list", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "trust.txt, line 1" in err and "Traceback" not in err
    broken_pem = tmp_path / "broken.pem"
    broken_pem.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert main(["verify", str(bundle), "--trust", str(broken_pem)]) == 2
    assert "broken.pem" in capsys.readouterr().err
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    assert main(["verify", str(junk)]) == 1
    assert "junk.zip is not a readable zip file" in capsys.readouterr().err
    assert members_of(bundle)  # the bundle itself was never touched
