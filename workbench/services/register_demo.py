"""The demo's register between inspections: a thematic recommendation to all forces with its
closure proposed, a crime data integrity finding (with an overdue evidence request to the crime
bureau and a recording policy that expires this week), Engage monitoring with a cause discharged, a
quarterly audit in the assurance plan that is due this month.

Everything here lives in its own sources, so the signed PEEL pack of the demo stays unchanged.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from workbench.services import actions, assurance_plan, evidence, evidence_requests, register, register_status
from workbench.store.workspace import Workspace


def build_register(ws: Workspace, officer: str, evidence_dir: Path, today: date) -> dict[str, int]:
    """Add the demo's sources and findings; returns their ids by name."""
    ids: dict[str, int] = {}
    with ws.unit_of_work(officer) as uow:
        vawg = register.add_source(uow, "thematic", "Police response to violence against women and girls",
                                   today - timedelta(days=300), programme="VAWG thematic",
                                   deadline=today + timedelta(days=60))
        register.record_pcc_response(uow, vawg.id, today - timedelta(days=250),
                                     "published on the PCC's website")
        rec = register.add_finding(
            uow, vawg.id, "recommendation", "Recommendation 3",
            "Chief constables should make sure that supervisors review every domestic abuse risk assessment "
            "within 24 hours and record the review.", addressed_to="all forces", owner="DCI R. Shah",
            on=today - timedelta(days=290))
        register_status.move(uow, rec, "force", "in progress", on=today - timedelta(days=280),
                             comment="allocated to the safeguarding lead")
        register_status.move(uow, rec, "inspectorate", "being progressed", on=today - timedelta(days=200))
        note = evidence_dir / "da-supervision-dip-sample.txt"
        note.write_text("DA risk assessment supervision dip sample: 58 of 60 reviewed within 24 hours.\n",
                        encoding="utf-8")
        evidence.add_evidence(uow, note, "DA supervision dip sample", today - timedelta(days=20),
                              "Safeguarding hub", finding_ids=[rec])
        register_status.propose_closure(uow, rec, "Supervisors review every DA risk assessment within 24 hours; "
                                        "the dip sample shows 58 of 60.", today - timedelta(days=200),
                                        today - timedelta(days=20), on=today - timedelta(days=10))
        ids["thematic_recommendation"] = rec

        cdi = register.add_source(uow, "cdi", "Crime data integrity inspection", today - timedelta(days=20),
                                  programme="CDI")
        crime = register.add_finding(
            uow, cdi.id, "afi", "AFI 1", "The force should make sure that reports of violent crime are recorded "
            "within 24 hours.", owner="Force Crime Registrar", on=today - timedelta(days=20))
        register_status.move(uow, crime, "inspectorate", "awaiting review", on=today - timedelta(days=20))
        register_status.move(uow, crime, "force", "in progress", on=today - timedelta(days=15))
        audit_action = actions.add_action(uow, crime, "Audit violent crime recording in the crime bureau",
                                          owner="FCR", due_date=today - timedelta(days=3))
        ids["cdi_finding"] = crime
        request = evidence_requests.create_request(
            uow, crime, "Crime bureau manager", "Last month's violent-crime recording audit, with the records "
            "checked and the time each crime took to record", today - timedelta(days=4),
            action_id=audit_action.id, today=today)
        ids["overdue_request"] = request.id
        policy = evidence_dir / "crime-recording-policy.txt"
        policy.write_text("Crime recording policy: violent crime is recorded within 24 hours of the report. "
                          "Review due this year.\n", encoding="utf-8")
        expiring = evidence.add_evidence(uow, policy, "Crime recording policy", today - timedelta(days=360),
                                         "Force Crime Registrar", finding_ids=[crime],
                                         expires_on=today + timedelta(days=5))
        ids["expiring_evidence"] = expiring.id

        engage = register.add_source(uow, "engage", "Engage monitoring: call handling and crime recording",
                                     today - timedelta(days=240), programme="Engage",
                                     improvement_plan_deadline=today + timedelta(days=5),
                                     revisit_date=today + timedelta(days=90))
        coc1 = register.add_finding(uow, engage.id, "cause_of_concern", "Cause of concern 1",
                                    "The force does not answer emergency calls quickly enough.",
                                    on=today - timedelta(days=240))
        coc2 = register.add_finding(uow, engage.id, "cause_of_concern", "Cause of concern 2",
                                    "The force does not record crime accurately enough.",
                                    on=today - timedelta(days=240))
        register_status.move(uow, coc1, "inspectorate", "discharged", on=today - timedelta(days=30),
                             comment="revisit found sustained improvement in 999 answer times")
        register_status.move(uow, coc2, "force", "in progress", on=today - timedelta(days=230))
        ids["engage_cause"] = coc2

        plan = assurance_plan.add_planned_audit(
            uow, today.year, "Crime recording dip sample", "crime-data-integrity", today.month, "quarterly",
            finding_ids=(crime,), owner="Force Crime Registrar", rotation_kind="district",
            rotation=("Norwich", "Breckland", "King's Lynn", "North Norfolk"))
        ids["planned_audit"] = plan.id
    return ids
