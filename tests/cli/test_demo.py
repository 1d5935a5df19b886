"""`workbench demo` end to end: the workspace, the signed packs and the sealed bundle, read back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.cli.passphrases import main_as as main  # with the --user's passphrase
from tests.reports.signed_bundles import forge
from workbench.reports.signing import validate_pdf_signature

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    assert main(["demo", "--out", str(out), "--no-gui"]) == 0
    return out


def _pack(demo: Path) -> Path:
    return demo / "pack" / "self-assessment-pack-v1-signed.pdf"


def test_pdf_pack_carries_the_marking_and_the_attendance_results(demo: Path) -> None:
    pages = [p.extract_text() for p in PdfReader(_pack(demo)).pages]
    assert len(pages) > 10
    for number, text in enumerate(pages, 1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in text
    everything = "\n".join(pages)
    assert "Executive summary" in everything
    assert "49 of 82" in everything and "59.8" in everything  # the inspection's baseline, reproduced
    assert "66 of 82" in everything and "80.5" in everything  # round 2
    assert "the sample confirms an improvement" in everything
    assert "Norfolk Constabulary" in pages[0] and "Approved" in pages[0]


def test_the_pack_signature_validates(demo: Path) -> None:
    check = validate_pdf_signature(_pack(demo))
    assert check.signed and check.intact and check.valid and not check.modified
    assert "Helen Marsh" in check.signer


def test_excel_pack_reads_back_without_formulas(demo: Path) -> None:
    wb = load_workbook(demo / "pack" / "self-assessment-pack-v1.xlsx")
    assert {"Summary", "Findings", "Criteria results", "Measures", "Actions", "Evidence index",
            "Methodology"} <= set(wb.sheetnames)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    values = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("Response attendance" in v for v in values)
    assert any("The constabulary needs to attend calls" in v for v in values)


def test_workspace_holds_the_scripted_audits(demo: Path, capsys) -> None:
    ws = ["--workspace", str(demo / "demo-workspace.sqlite"), "--user", "sam.okafor"]
    capsys.readouterr()
    assert main(["score", "1", "--json", *ws]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["score", "2", "--json", *ws]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["compliant"], first["complete"]) == (49, 82)
    assert (second["compliant"], second["complete"]) == (66, 82)
    assert main(["log", "verify", *ws]) == 0


def test_bundle_verifies_then_fails_naming_a_changed_evidence_file(demo: Path, tmp_path: Path, capsys) -> None:
    bundle = demo / "evidence-bundle-pseudonymised.zip"
    assert main(["verify", str(bundle)]) == 3  # intact, but no trust anchor given
    fingerprint = capsys.readouterr().out.split("check the fingerprint ")[1].split()[0]
    assert main(["verify", str(bundle), "--trust", fingerprint]) == 0
    assert f"signed by the sealer, certificate SHA-256 {fingerprint}, a trust anchor you gave" in capsys.readouterr().out
    with zipfile.ZipFile(bundle) as zf:
        target = next(n for n in zf.namelist() if n.startswith("evidence/"))
        original = zf.read(target)
    tampered = forge(bundle, tmp_path / "tampered.zip",
                     replace={target: bytes([original[0] ^ 0x01]) + original[1:]}, fix_hashes=False)
    capsys.readouterr()
    assert main(["verify", str(tampered), "--trust", fingerprint]) == 1
    assert target in capsys.readouterr().err


def test_the_demo_refuses_a_workspace_it_would_not_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.sqlite"
    for option in (["--workspace", str(mine)], ["--db", "postgresql+psycopg://u@h/db"]):
        assert main(["demo", "--no-gui", "--out", str(tmp_path / "out"), *option]) != 0
        err = capsys.readouterr().err
        assert "demo builds its own workspace" in err and "--out" in err
    assert not mine.exists() and not (tmp_path / "out").exists()
