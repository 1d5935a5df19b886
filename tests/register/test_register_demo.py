"""The demo workspace shows the register between inspections; its signed PEEL pack stays unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.services import attention, findings, packs, register, register_status
from workbench.services.demo_workspace import OFFICER, build_demo
from workbench.store.location import sqlite_location
from workbench.store.workspace import Workspace

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("register-demo"), today=TODAY).workspace


def test_demo_has_every_kind_of_source_and_what_needs_attention(demo: Path) -> None:
    ws = Workspace.open(sqlite_location(demo))
    try:
        with ws.unit_of_work(OFFICER, write=False) as uow:
            types = {s.source_type for s in register.list_sources(uow)}
            proposals = register_status.closure_proposals(uow)
            statuses = [register_status.status(uow, f.stored_id) for f in findings.list_findings(uow)]
            items = attention.needs_attention(uow, TODAY)
            pack_rows = packs.list_packs(uow)
    finally:
        ws.close()
    assert {"peel", "thematic", "cdi", "engage"} <= types
    assert [p.finding_ref for p in proposals] == ["Recommendation 3"]
    rec = next(s for s in statuses if s.ref == "Recommendation 3")
    assert rec.addressed_to == "all forces" and rec.force_status == "proposed for closure"
    causes = {s.ref: s.inspectorate_status for s in statuses if s.kind == "cause_of_concern" and s.source == "Engage"}
    assert causes == {"Cause of concern 1": "discharged", "Cause of concern 2": ""}
    kinds = {(i.kind, i.urgency) for i in items}
    assert {("action", "overdue"), ("improvement_plan", "due"), ("closure", "due"), ("audit", "due"),
            ("request", "overdue"), ("evidence_expiry", "due")} <= kinds
    request = next(i for i in items if i.kind == "request")
    cdi = next(s for s in statuses if s.ref == "AFI 1" and s.source == "CDI")
    assert request.record.entity == "finding" and request.record.id == cdi.finding_id
    report = demo.parent / "committee" / f"committee-report-{TODAY:%Y-%m-%d}.pdf"
    assert report.exists() and report.with_suffix(".docx").exists()
    assert not any(i.kind == "pcc_response" and "violence" in i.title for i in items)  # the PCC responded
    assert pack_rows and pack_rows[-1].current  # the register's sources are not the PEEL pack's scope
