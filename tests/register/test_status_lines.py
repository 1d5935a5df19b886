"""Two status lines with a dated history, closure in two steps, carried-forward findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    RITA_PASS,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, PermissionDeniedError
from workbench.services import evidence, finding_status, findings, register, register_status
from workbench.store.models import ClosureProposal, StatusChange


def _officer(ws, write=True):
    return ws.unit_of_work(OFFICER, write=write)


def _reviewer(ws):
    return ws.unit_of_work(REVIEWER, passphrase=RITA_PASS)


def test_the_state_machine_is_the_one_rule() -> None:
    assert finding_status.direct_moves("force", "awaiting allocation") == ("in progress",)
    assert "proposed for closure" not in finding_status.direct_moves("force", "in progress")
    with pytest.raises(finding_status.MoveRefused, match="only through the closure steps"):
        finding_status.check_move("force", "in progress", "closed")
    with pytest.raises(finding_status.MoveRefused, match="cannot move from 'awaiting allocation'"):
        finding_status.check_move("force", "awaiting allocation", "pending sign-off")
    assert finding_status.inspectorate_state("Completed") == "complete"
    assert finding_status.inspectorate_state("Discharged") == "discharged"


def test_a_finding_moves_through_both_lines_to_closure(workspace, tmp_path: Path) -> None:
    f = setup_register(workspace)[0]
    with _officer(workspace) as uow:
        register_status.move(uow, f.stored_id, "force", "in progress", on=date(2024, 1, 10), comment="allocated to Supt Jones")
        register_status.move(uow, f.stored_id, "inspectorate", "being progressed", on=date(2024, 2, 1))
        register_status.move(uow, f.stored_id, "force", "pending sign-off", on=date(2024, 9, 1))
    # refused without evidence, with the reason
    with pytest.raises(InputError, match="without evidence"), _officer(workspace) as uow:
        register_status.propose_closure(uow, f.stored_id, "Re-audit shows 91 %", date(2024, 4, 1), date(2024, 9, 30),
                                        on=date(2024, 10, 5))
    proof = tmp_path / "reaudit.csv"
    proof.write_text("case,compliant\n1,yes\n", encoding="utf-8")
    with _officer(workspace) as uow:
        ev = evidence.add_evidence(uow, proof, "Re-audit, September", finding_ids=[f.stored_id])
    with pytest.raises(InputError, match="after the proposal date"), _officer(workspace) as uow:
        register_status.propose_closure(uow, f.stored_id, "Re-audit", date(2024, 4, 1), date(2024, 12, 31),
                                        on=date(2024, 10, 5))
    with pytest.raises(InputError, match="not linked to this finding"), _officer(workspace) as uow:
        register_status.propose_closure(uow, f.stored_id, "Re-audit", date(2024, 4, 1), date(2024, 9, 30),
                                        evidence_ids=(ev.id + 99,), on=date(2024, 10, 5))
    with _officer(workspace) as uow:
        proposal = register_status.propose_closure(uow, f.stored_id, "Re-audit shows 91 % within target",
                                                   date(2024, 4, 1), date(2024, 9, 30), on=date(2024, 10, 5))
    assert proposal.state == "proposed" and proposal.evidence == (f"#{ev.id} Re-audit, September",)
    # the proposer cannot record the authorisation; an officer may not at all
    with pytest.raises(PermissionDeniedError), _officer(workspace) as uow:
        register_status.authorise_closure(uow, f.stored_id, "committee", date(2024, 12, 1), "minutes item 6")
    with pytest.raises(InputError, match="needs its basis"), _reviewer(workspace) as uow:
        register_status.authorise_closure(uow, f.stored_id, "inspectorate", date(2024, 12, 1), " ")
    with _reviewer(workspace) as uow:
        done = register_status.authorise_closure(uow, f.stored_id, "inspectorate", date(2024, 12, 1),
                                                 "HMICFRS letter of 1 December 2024")
    assert (done.state, done.authorised_by, done.authorised_on) == ("authorised", "inspectorate", date(2024, 12, 1))
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        st = register_status.status(uow, f.stored_id)
        rows = uow.session.query(StatusChange).filter_by(finding_id=f.id).count()
    assert (st.force_status, st.inspectorate_status) == ("closed", "complete")
    assert [(h.line, h.to_status, h.on) for h in st.history] == [
        ("force", "in progress", date(2024, 1, 10)), ("inspectorate", "being progressed", date(2024, 2, 1)),
        ("force", "pending sign-off", date(2024, 9, 1)), ("force", "proposed for closure", date(2024, 10, 5)),
        ("force", "closed", date(2024, 12, 1)), ("inspectorate", "complete", date(2024, 12, 1))]
    assert st.history[0].comment == "allocated to Supt Jones" and rows == 6
    assert st.closure is not None and st.closure.basis == "HMICFRS letter of 1 December 2024"


def test_a_withdrawn_proposal_and_direct_moves_to_closure_are_refused(workspace, tmp_path: Path) -> None:
    f = setup_register(workspace)[1]
    with pytest.raises(InputError, match="only through the closure steps"), _officer(workspace) as uow:
        findings.update_finding(uow, f.stored_id, None, status="closed")
    with pytest.raises(InputError, match="cannot be proposed"), _officer(workspace) as uow:
        register_status.propose_closure(uow, f.stored_id, "x", date(2024, 1, 1), date(2024, 2, 1), on=date(2024, 3, 1))
    proof = tmp_path / "p.txt"
    proof.write_text("x", encoding="utf-8")
    with _officer(workspace) as uow:
        findings.update_finding(uow, f.stored_id, None, status="in progress")
        evidence.add_evidence(uow, proof, "Policy", finding_ids=[f.stored_id])
        register_status.propose_closure(uow, f.stored_id, "Policy in place", date(2024, 1, 1), date(2024, 2, 1),
                                        on=date(2024, 3, 1))
        register_status.move(uow, f.stored_id, "force", "in progress", comment="committee wants more evidence")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        st = register_status.status(uow, f.stored_id)
        states = [p.state for p in uow.session.query(ClosureProposal).filter_by(finding_id=f.id)]
    assert st.force_status == "in progress" and states == ["withdrawn"]
    assert st.force_moves == ("awaiting allocation", "pending sign-off")


def test_a_finding_carried_forward_is_linked_and_superseded(workspace) -> None:
    old = setup_register(workspace)[0]
    with _officer(workspace) as uow:
        src = register.add_source(uow, "peel", "PEEL 2025-27 Norfolk", date(2026, 5, 1), programme="PEEL 2025-27")
        new = register.add_finding(uow, src.id, "afi", "AFI 1", "The force should improve crime allocation.")
        register_status.carry_forward(uow, old.stored_id, new)
    with pytest.raises(InputError, match="published before"), _officer(workspace) as uow:
        register_status.carry_forward(uow, new, old.stored_id)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        earlier, later = register_status.status(uow, old.stored_id), register_status.status(uow, new)
        shown = findings.get_finding(uow, new)
    assert earlier.carried_forward_to == ("PEEL 2025-27 / AFI 1",) and earlier.inspectorate_status == "superseded"
    assert later.carried_forward_from and later.carried_forward_from[0].endswith(old.ref)
    assert any(li.state == "accepted" and li.direction == "earlier" for li in shown.links)
