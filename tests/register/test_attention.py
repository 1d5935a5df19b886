"""What needs attention this week, each item pointing at its record."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.services.assurance_setup import (
    OFFICER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.services import actions, attention, evidence, findings, register, register_status

TODAY = date(2025, 3, 3)  # a Monday


def test_overdue_and_due_items_each_name_their_record(workspace, tmp_path: Path) -> None:
    afis = setup_register(workspace)
    with workspace.unit_of_work(OFFICER) as uow:
        late = actions.add_action(uow, afis[0].stored_id, "Retrain crime allocators", owner="DI Patel",
                                  due_date=date(2025, 2, 20))
        actions.add_action(uow, afis[0].stored_id, "Publish allocation policy", due_date=date(2025, 3, 6))
        actions.add_action(uow, afis[0].stored_id, "Later work", due_date=date(2025, 4, 30))
        done = actions.add_action(uow, afis[1].stored_id, "Done already", due_date=date(2025, 2, 1))
        actions.update_action(uow, done.id, status="done")
        engage = register.add_source(uow, "engage", "Engage monitoring", date(2024, 11, 1),
                                     improvement_plan_deadline=date(2025, 3, 7), revisit_date=date(2025, 9, 1))
        register.add_finding(uow, engage.id, "cause_of_concern", "CoC 1", "Calls are not answered promptly.")
        thematic = register.add_source(uow, "thematic", "Stalking thematic", date(2025, 1, 10))
        findings.update_finding(uow, afis[2].stored_id, None, target_date=date(2025, 3, 1), status="in progress")
        proof = tmp_path / "p.txt"
        proof.write_text("x", encoding="utf-8")
        evidence.add_evidence(uow, proof, "Policy", finding_ids=[afis[2].stored_id])
        register_status.propose_closure(uow, afis[2].stored_id, "Policy in force", date(2024, 9, 1), date(2025, 2, 1),
                                        on=date(2025, 2, 10))
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        items = attention.needs_attention(uow, TODAY)
    got = [(i.kind, i.urgency, i.due, i.record.entity) for i in items]
    assert got == [  # overdue first, then by date
        ("action", "overdue", date(2025, 2, 20), "action"),
        ("finding_target", "overdue", date(2025, 3, 1), "finding"),  # an open finding past its target
        ("closure", "due", date(2025, 2, 10), "finding"),  # awaiting authorisation
        ("action", "due", date(2025, 3, 6), "action"),
        ("improvement_plan", "due", date(2025, 3, 7), "source"),
        ("pcc_response", "due", date(2025, 3, 7), "source"),  # 10 January + 56 days
    ]
    assert [i.urgency for i in items][:2] == ["overdue", "overdue"]  # overdue first
    overdue_action = next(i for i in items if i.kind == "action" and i.urgency == "overdue")
    assert overdue_action.record.id == late.id and "11 days overdue" in overdue_action.detail
    assert "DI Patel" in overdue_action.detail
    pcc = next(i for i in items if i.kind == "pcc_response")
    assert pcc.record.id == thematic.id
    with workspace.unit_of_work(OFFICER, write=False) as uow:
        assert attention.needs_attention(uow, date(2024, 1, 1)) == []  # nothing due yet, nothing overdue
