"""Readiness per finding: audits, measures, actions, evidence and self-assessment in words."""

from __future__ import annotations

from datetime import date

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import (
    answer_cases,
    attendance_finding,
    drawn_attendance_audit,
    quick_rows,
    write_csv,
)
from workbench.services import measures, readiness
from workbench.store.models import Action, Audit, Evidence, EvidenceBlob, EvidenceLink, SelfAssessment

TODAY = date(2025, 6, 1)


def _rate(ws, finding_id):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return readiness.assess_readiness(uow, finding_id, today=TODAY)


def test_readiness_from_nothing_to_ready(workspace, tmp_path) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    first = _rate(workspace, finding_id)
    assert first.rating == "not ready"
    assert "no audit result or measure value yet shows whether anything has changed" in first.reasons
    assert "no evidence attached" in first.reasons and "no action plan recorded" in first.reasons

    path = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    audit_id = drawn_attendance_audit(workspace, ADMIN, path, finding_ids=[finding_id], baseline_figure_id=figure_id,
                                      target=0.75, title="Attendance audit")
    answer_cases(workspace, ADMIN, audit_id, compliant=64)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        s = uow.session
        for i, (status, due) in enumerate([("done", date(2025, 1, 1)), ("in progress", date(2025, 3, 1)),
                                           ("not started", date(2025, 5, 1)), ("done", None),
                                           ("in progress", date(2025, 9, 1))]):
            s.add(Action(finding_id=finding_id, title=f"action {i}", status=status, due_date=due))
        for m in measures.list_measures(uow, finding_id):
            measures.update_measure(uow, m.id, status="discarded")
    second = _rate(workspace, finding_id)
    assert second.rating == "partly ready"
    audit_reason = next(r for r in second.reasons if r.startswith("Attendance audit round 1"))
    assert audit_reason.startswith("Attendance audit round 1: 64 of 82, 78.0 % [67.9 %, 85.6 %] vs target 75 %: "
                                   "amber: the estimate 78.0 % meets the target of 75 %, but the lower 95 % bound")
    assert "2 of 5 actions done" in second.reasons and "2 of 5 actions overdue" in second.reasons

    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        s = uow.session
        for a in s.query(Action).filter(Action.finding_id == finding_id):
            a.status = "done"
        s.add(EvidenceBlob(sha256="ab" * 32, size=3, data=b"abc"))
        s.flush()
        ev = Evidence(sha256="ab" * 32, title="Control room dip sample", filename="dip.pdf", size=3)
        s.add(ev)
        s.flush()
        s.add(EvidenceLink(evidence_id=ev.id, finding_id=finding_id))
        s.add(SelfAssessment(finding_id=finding_id, state="submitted"))
        m = measures.create_measure(uow, "Emergency attendance in target", "%", 59.8, 75, "higher", finding_id)
        measures.record_point(uow, m.id, date(2025, 4, 1), 81.0)
    third = _rate(workspace, finding_id)
    assert "1 evidence item attached" in third.reasons and "self-assessment submitted" in third.reasons
    assert ("measure 'Emergency attendance in target': latest 81 % (Apr 2025), baseline 59.8 %, target 75 %: "
            "moving the right way; target met") in third.reasons
    assert third.rating == "partly ready"  # the audit is still amber under the lower-bound rule
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        uow.session.get(Audit, audit_id).target = 0.65
    ready = _rate(workspace, finding_id)
    assert ready.rating == "ready", ready.reasons
    assert any(r.startswith("Attendance audit round 1: 64 of 82, 78.0 % [67.9 %, 85.6 %] vs target 65 %: green"
                            ": the lower 95 % bound 69.8 %") for r in ready.reasons)


def test_measure_moving_the_wrong_way_is_not_ready(workspace) -> None:
    finding_id, _ = attendance_finding(workspace, ADMIN)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        m = measures.create_measure(uow, "101 abandonment", "%", 21.9, 5, "lower", finding_id)
        measures.record_point(uow, m.id, date(2025, 3, 1), 24.0)
    r = _rate(workspace, finding_id)
    assert r.rating == "not ready"
    assert any(x.startswith("measure '101 abandonment': latest 24 % (Mar 2025)") and "wrong way" in x
               for x in r.reasons)
