"""One register for every source: types, dates, the PCC's 56-day response, findings to all forces."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.errors import InputError, PermissionDeniedError
from workbench.services import register, register_status
from workbench.store.models import ChangeLogEntry, Finding, Inspection


def _as(ws, user=OFFICER, write=True):
    return ws.unit_of_work(user, write=write, passphrase=ADMIN_PASS if user == ADMIN else None)


def test_a_thematic_recommendation_to_all_forces_is_registered_for_this_force(workspace) -> None:
    setup_register(workspace)
    with _as(workspace) as uow:
        src = register.add_source(uow, "thematic", "Police response to violence against women and girls",
                                  date(2024, 3, 12), force="Norfolk Constabulary", deadline=date(2025, 3, 31))
        fid = register.add_finding(uow, src.id, "recommendation", "Recommendation 3",
                                   "By March 2025, chief constables should ensure that DA risk assessments are "
                                   "reviewed by a supervisor within 24 hours.", addressed_to="all forces",
                                   on=date(2024, 3, 20))
    with _as(workspace, write=False) as uow:
        listed = register.list_sources(uow)
        st = register_status.status(uow, fid)
        row = uow.session.get(Finding, fid)
        row_view = (row.addressed_to, row.status, row.inspection.force_name)
        entry = uow.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "inspection", ChangeLogEntry.actor == OFFICER)).one().after
    thematic = next(s for s in listed if s.id == src.id)
    assert (thematic.source_type, thematic.type_label, thematic.deadline) == (
        "thematic", "Thematic inspection", date(2025, 3, 31))
    assert thematic.pcc_response_due == date(2024, 5, 7)  # 12 March + 56 days
    assert thematic.findings == 1 and thematic.open_findings == 1
    assert next(s for s in listed if s.id != src.id).source_type == "peel"  # the imported report
    assert row_view == ("all forces", "awaiting allocation", "Norfolk Constabulary")
    assert st.addressed_to == "all forces" and [(h.to_status, h.on) for h in st.history] == [
        ("awaiting allocation", date(2024, 3, 20))]
    assert entry["source_type"] == "thematic" and entry["deadline"] == "2025-03-31"


def test_pcc_response_is_recorded_and_only_where_one_is_owed(workspace) -> None:
    setup_register(workspace)
    with _as(workspace) as uow:
        cdi = register.add_source(uow, "cdi", "Crime data integrity inspection 2024", date(2024, 9, 1))
        letter = register.add_source(uow, "revisit_letter", "Revisit letter: crime recording", date(2025, 1, 10),
                                     revisit_date=date(2025, 6, 1))
    assert cdi.pcc_response_due == date(2024, 10, 27) and letter.pcc_response_due is None
    with _as(workspace) as uow:
        done = register.record_pcc_response(uow, cdi.id, date(2024, 10, 20), "pcc.example/response-cdi")
    assert (done.pcc_response_date, done.pcc_response_note) == (date(2024, 10, 20), "pcc.example/response-cdi")
    with pytest.raises(InputError, match="needs no PCC response"), _as(workspace) as uow:
        register.record_pcc_response(uow, letter.id, date(2025, 2, 1))
    with pytest.raises(InputError, match="before the report was published"), _as(workspace) as uow:
        register.record_pcc_response(uow, cdi.id, date(2024, 8, 1))
    with _as(workspace, write=False) as uow:
        assert uow.session.get(Inspection, cdi.id).pcc_response_date == date(2024, 10, 20)
        assert uow.session.get(Inspection, letter.id).revisit_date == date(2025, 6, 1)


def test_engage_causes_are_discharged_one_by_one(workspace) -> None:
    setup_register(workspace)
    with _as(workspace) as uow:
        engage = register.add_source(uow, "engage", "Engage: accelerated causes of concern", date(2024, 6, 1),
                                     improvement_plan_deadline=date(2024, 7, 15), revisit_date=date(2025, 2, 1))
        c1 = register.add_finding(uow, engage.id, "cause_of_concern", "CoC 1", "The force does not answer 999 calls "
                                  "promptly enough.")
        c2 = register.add_finding(uow, engage.id, "cause_of_concern", "CoC 2", "Crimes are not recorded accurately.")
        register_status.move(uow, c1, "inspectorate", "discharged", on=date(2025, 2, 20),
                             comment="revisit found sustained improvement")
    with _as(workspace, write=False) as uow:
        one, two = register_status.status(uow, c1), register_status.status(uow, c2)
        listed = register.find_source(uow, str(engage.id))
    assert (one.inspectorate_status, two.inspectorate_status) == ("discharged", "")
    assert one.history[-1].comment == "revisit found sustained improvement" and one.history[-1].on == date(2025, 2, 20)
    assert (listed.improvement_plan_deadline, listed.revisit_date) == (date(2024, 7, 15), date(2025, 2, 1))


def test_bad_sources_and_permissions_are_refused(workspace) -> None:
    setup_register(workspace)
    with pytest.raises(InputError, match="unknown source type"), _as(workspace) as uow:
        register.add_source(uow, "rumour", "X", date(2024, 1, 1))
    with pytest.raises(InputError, match="before the source's date"), _as(workspace) as uow:
        register.add_source(uow, "thematic", "X", date(2024, 5, 1), deadline=date(2024, 1, 1))
    with pytest.raises(InputError, match="belong to Engage"), _as(workspace) as uow:
        register.add_source(uow, "thematic", "X", date(2024, 5, 1), revisit_date=date(2025, 1, 1))
    with pytest.raises(PermissionDeniedError), _as(workspace, VIEWER) as uow:
        register.add_source(uow, "thematic", "X", date(2024, 5, 1))
    with _as(workspace) as uow:
        src = register.add_source(uow, "national", "State of Policing 2024", date(2025, 2, 1))
        register.add_finding(uow, src.id, "recommendation", "R1", "Do better.", addressed_to="all forces")
    with pytest.raises(InputError, match="already has a finding 'R1'"), _as(workspace) as uow:
        register.add_finding(uow, src.id, "recommendation", "R1", "Again.")
    with _as(workspace, write=False) as uow:
        assert len(register.list_sources(uow, "national")) == 1
