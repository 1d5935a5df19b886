"""Before signing, the reviewer is told when a pack has changed since it was built and when the
audits it reports still have incomplete cases (plain facts from the service)."""

from __future__ import annotations

from pathlib import Path

from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    RITA_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
)
from tests.services.audit_population import answer_cases, quick_rows, write_csv
from tests.services.test_packs import _prepare
from workbench.services import audits, fieldwork_flow, findings, pack_approval, packs


def _built(ws, tmp_path: Path) -> int:
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    return built.info.number


def _warnings(ws, number: int) -> pack_approval.ApprovalWarnings:
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        return pack_approval.approval_warnings(uow, number)


def test_a_fresh_pack_on_complete_audits_has_no_warning(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = _prepare(ws, tmp_path)
    with ws.unit_of_work(OFFICER) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Attendance audit", [added[0].stored_id], size=8)
        fieldwork_flow.draw_and_evaluate(uow, audit.id, write_csv(tmp_path / "x.csv", quick_rows(100)), seed=3)
    answer_cases(ws, OFFICER, audit.id, compliant=8)
    number = _built(ws, tmp_path)
    got = _warnings(ws, number)
    assert not got.any and got.messages() == ()


def test_changed_since_and_incomplete_audits_are_named(sqlite_workspace, tmp_path: Path) -> None:
    ws = sqlite_workspace
    added = _prepare(ws, tmp_path)
    with ws.unit_of_work(OFFICER) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Attendance audit", [added[0].stored_id], size=8)
        fieldwork_flow.draw_and_evaluate(uow, audit.id, write_csv(tmp_path / "x.csv", quick_rows(100)), seed=3)
    number = _built(ws, tmp_path)
    got = _warnings(ws, number)
    assert not got.changed_since_build
    assert [(a.title, a.round, a.incomplete, a.in_use) for a in got.incomplete_audits] == [
        ("Attendance audit", 1, 8, 8)]
    assert got.messages() == ("Attendance audit (round 1) has 8 of 8 cases not complete: its results in the "
                              "pack rest on the completed cases only.",)
    with ws.unit_of_work(OFFICER) as uow:
        f = findings.get_finding(uow, added[2].stored_id)
        findings.update_finding(uow, f.stored_id, expected_version=f.version, owner="Supt K. Rowe")
    got = _warnings(ws, number)
    assert got.changed_since_build and got.changed_findings == (added[2].ref,)
    assert got.messages()[0].startswith(f"The register has changed since pack version {number} was built "
                                        f"(changed since: {added[2].ref})")
    with ws.unit_of_work(REVIEWER, passphrase=RITA_PASS, write=False) as uow:
        listed = {p.number: p.current for p in packs.list_packs(uow)}
    assert listed[number] is False  # the same fact the packs page shows as "Changed since"
