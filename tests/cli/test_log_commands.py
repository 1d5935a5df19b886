"""`workbench log verify / anchor` on the demo workspace, tampered with as an admin with the file would."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from unittest import mock

import pytest

from workbench.cli import main
from workbench.services.demo_workspace import ADMIN_PASSPHRASE
from workbench.store import log_audit

pytestmark = pytest.mark.slow

USER = "demo.admin"

#: one direct edit in each audited table: (SQL, the column the report must name)
EDITS: dict[str, tuple[str, str]] = {
    "responses": ("update responses set value = 'yes' where id = (select min(id) from responses where value = 'no')",
                  "value is 'yes', the log last recorded 'no'"),
    "users": ("update users set role = 'admin' where username = 'sam.okafor'",
              "user 2 (sam.okafor): role is 'admin', the log last recorded 'officer'"),
    "sign_offs": ("update sign_offs set reviewer = 'mallory' where id = 1",
                  "sign-off 1: reviewer is 'mallory', the log last recorded 'helen.marsh'"),
    "findings": ("update findings set status = 'closed' where id = 1",
                 "finding 1 (AFI 1): status is 'closed', the log last recorded 'in progress'"),
    "pack_versions": ("update pack_versions set snapshot = replace(snapshot, 'Norfolk', 'Suffolk'), "
                      "state = 'draft' where id = 1", "snapshot differs from what the log last recorded"),
    "evidence": ("update evidence set title = 'Forged minutes', evidence_date = '2020-01-01' where id = 1",
                 "title is 'Forged minutes'"),
    "evidence_blobs": ("update evidence_blobs set data = x'00' where sha256 = (select sha256 from evidence where id = 1)",
                       "data differs from what the log last recorded"),
    "evidence_links": ("update evidence_links set finding_id = 2 where id = 1", "finding_id is 2"),
    "audit_templates": ("update audit_templates set name = 'Other' where id = 1", "name is 'Other'"),
    "template_criteria": ("update template_criteria set critical = 1 - critical where id = 1", "critical is"),
    "force_settings": ("update force_settings set value = replace(value, 'OFFICIAL', 'OFFICAL')",
                       "value differs"),
    "inspections": ("update inspections set force_name = 'Elsewhere' where id = 1", "force_name is 'Elsewhere'"),
    "pseudonym_keys": ("update pseudonym_keys set key = zeroblob(32)", "key differs"),
    "reviewer_certificates": ("update reviewer_certificates set certificate_sha256 = '" + "0" * 64 + "'",
                              "certificate_sha256 is '" + "0" * 64 + "'"),
    "actions": ("update actions set status = 'done' where id = (select min(id) from actions where status != 'done')",
                "status is 'done'"),
    "finding_links": ("update finding_links set state = 'rejected' where id = 1", "state is 'rejected'"),
    "key_figures": ("update key_figures set value = 9999 where id = 2", "value is 9999.0, the log last recorded 8341.0"),
    "self_assessments": ("update self_assessments set readiness = 'green', preparer = 'helen.marsh' where id = 1",
                         "preparer is 'helen.marsh'"),
    "audits": ("update audits set target = 0.1 where id = 2", "target is 0.1"),
    "audit_findings": ("delete from audit_findings where audit_id = 1", "findings is [], the log last recorded"),
    "measures": ("update measures set status = 'discarded' where id = 1", "status is 'discarded'"),
    "measure_points": ("update measure_points set value = value + 1 where id = 1", "value is"),
    "sampled_cases": ("update sampled_cases set fields = replace(fields, '0', '1') where id = 1",
                      "fields differs"),
    "status_changes": ("update status_changes set comment = 'forged' where id = 1", "comment is 'forged'"),
    "closure_proposals": ("update closure_proposals set basis = 'forged' where id = 1", "basis is 'forged'"),
    "planned_audits": ("update planned_audits set owner = 'Mallory' where id = 1", "owner is 'Mallory'"),
    "evidence_requests": ("update evidence_requests set owner = 'Mallory' where id = 1", "owner is 'Mallory'"),
    "force_ca_certificates": ("update force_ca_certificates set subject = 'CN=Mallory' where id = 1",
                              "subject is 'CN=Mallory'"),
    "tracker_rows": ("update tracker_rows set tracker = 'forged.csv' where id = 1", "tracker is 'forged.csv'"),
}


def _force_ca_pem(path: Path) -> Path:
    """A force CA certificate as an admin would import it (the demo has none)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Norfolk Constabulary CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    assert main(["demo", "--out", str(out), "--no-gui"]) == 0
    ws = out / "demo-workspace.sqlite"
    assert _run(ws, "verify") == 0
    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": ADMIN_PASSPHRASE}):
        assert main(["certificate", "import-ca", str(_force_ca_pem(out / "force-ca.pem")), "--workspace", str(ws),
                     "--user", USER]) == 0
        # the force's own tracker brought in (the demo has none)
        sample = Path(__file__).resolve().parents[2] / "samples" / "force-tracker.csv"
        assert main(["register", "import-tracker", str(sample), "--yes", "--workspace", str(ws), "--user", USER]) == 0
    return ws


@pytest.fixture
def copy(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "w.sqlite"
    shutil.copy(demo, target)
    return target


def _run(ws: Path, *args: str) -> int:
    """`workbench log ARGS` as the demo's admin, with the admin's passphrase (as a script gives it)."""
    with mock.patch.dict(os.environ, {"WORKBENCH_PASSPHRASE": ADMIN_PASSPHRASE}):
        return main(["log", *args, "--workspace", str(ws), "--user", USER])


def _sql(ws: Path, *statements: str) -> None:
    con = sqlite3.connect(ws)
    for s in statements:
        assert con.execute(s).rowcount >= 1, s
    con.commit()
    con.close()


def test_the_demo_workspace_verifies(copy: Path, capsys) -> None:
    assert _run(copy, "verify") == 0
    out = capsys.readouterr().out
    assert "change log intact" in out and "every link verified" in out
    assert "data matches the log" in out
    assert _run(copy, "verify", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["data_checked"] and report["data_problems"] == []
    assert report["rows_checked"] > 2000 and report["unvouched_rows"] == 0


def test_every_audited_table_has_an_edit_below() -> None:
    children = {c[1].name for c in log_audit.CHILD_LISTS.values()}
    assert set(EDITS) == set(log_audit.audited_tables()) | children


def test_one_direct_edit_in_each_audited_table_is_named(copy: Path, capsys) -> None:
    _sql(copy, *(sql for sql, _ in EDITS.values()))
    assert _run(copy, "verify") == 1
    err = capsys.readouterr().err
    assert "change log intact" in err, "the chain itself still verifies: only the data check sees the edits"
    assert f"DATA CHANGED OUTSIDE THE APPLICATION: {len(EDITS)} rows" in err
    for table, (_, says) in EDITS.items():
        assert says in err, f"{table}: {says!r} not in the report"
    assert _run(copy, "verify", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and report["data_problem_count"] == len(EDITS)
    named = {p["table"] for p in report["data_problems"]}
    assert named == (set(EDITS) - {"audit_findings"}) | {"audits"}
    assert all(p["problem"] == "changed" for p in report["data_problems"])


def test_rows_added_and_deleted_outside_are_named(copy: Path, capsys) -> None:
    _sql(copy, "insert into users (username, display_name, role, active, created_at, version) "
               "values ('mallory', '', 'admin', 1, '2026-01-01 00:00:00', 1)",
         "delete from measure_points where id = 1")
    assert _run(copy, "verify") == 1
    err = capsys.readouterr().err
    assert "(mallory): has no log entry; it was added outside the application" in err
    assert "measure point 1: was deleted outside the application" in err


def test_anchor_then_verify_against_it_then_rewrite(copy: Path, tmp_path: Path, capsys) -> None:
    anchor = tmp_path / "anchor.json"
    assert _run(copy, "anchor", str(anchor)) == 0
    assert "anchor written to" in capsys.readouterr().out
    assert _run(copy, "verify", "--anchor", str(anchor)) == 0
    assert f"anchor {anchor.name}: entry" in capsys.readouterr().out
    con = sqlite3.connect(copy)  # rewrite the last entry before the anchor and its successors
    seq = json.loads(anchor.read_text())["head"]["seq"]
    con.execute("update change_log set actor = 'mallory' where seq = ?", (seq,))
    con.commit()
    con.close()
    assert _run(copy, "verify", "--anchor", str(anchor)) == 1
    assert "CHANGE LOG BROKEN" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert _run(copy, "verify", "--anchor", str(tmp_path / "bad.json")) == 2
    assert "bad.json is not JSON" in capsys.readouterr().err
