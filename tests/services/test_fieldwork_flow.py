"""Computed criteria answered without anyone asking: on a draw, when a reserve replaces a case set
aside, and when a force setting they read changes (hand overrides kept every time)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import incident_rows, write_csv
from workbench.services import audits, fieldwork, fieldwork_flow, settings
from workbench.store.models import ChangeLogEntry, Response


def _drawn(workspace, path, size=10, reserve=3) -> int:
    with workspace.unit_of_work(ADMIN) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Attendance audit", size=size, reserve=reserve)
        drawn = fieldwork_flow.draw_and_evaluate(uow, audit.id, path, seed=4)
    assert drawn.draw.size == size and drawn.evaluation.cases == size
    assert drawn.evaluation.evaluated == size  # one computed criterion per case
    return audit.id


def _computed(uow, audit_id):
    return {cid: a["attended_within_target"] for cid, a in fieldwork.case_answers(uow, audit_id).items()}


def test_a_draw_answers_the_computed_criteria_in_the_same_unit_of_work(workspace, tmp_path) -> None:
    audit_id = _drawn(workspace, write_csv(tmp_path / "x.csv", incident_rows(120)))
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        got = _computed(uow, audit_id)
        assert len(got) == 10 and all(a.computed and a.working for a in got.values())
        assert audits.get_audit(uow, audit_id).status == "fieldwork"
        assert fieldwork_flow.stale_computed(uow, audit_id) == 0


def test_the_cli_verb_mark_unusable_evaluates_the_reserve(workspace, tmp_path) -> None:
    audit_id = _drawn(workspace, write_csv(tmp_path / "x.csv", incident_rows(120)))
    with workspace.unit_of_work(ADMIN) as uow:
        first = fieldwork.list_cases(uow, audit_id)[0]
        replacement = fieldwork.mark_unusable(uow, first.id, "log purged", first.version)
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        answer = _computed(uow, audit_id)[replacement.id]
        entry = uow.session.scalars(select(ChangeLogEntry.after).where(ChangeLogEntry.entity == "audit",
                                                                       ChangeLogEntry.action == "evaluate")
                                    .order_by(ChangeLogEntry.seq.desc())).first()
    assert answer.computed and answer.value in ("yes", "no", "n/a") and answer.working
    assert entry["why"] == "replacement" and entry["cases"] == [replacement.ref]
    assert entry["evaluated"] == 1


def test_a_settings_change_answers_again_every_drawn_audit_but_keeps_overrides(workspace, tmp_path) -> None:
    path = write_csv(tmp_path / "x.csv", incident_rows(120))
    one, two = _drawn(workspace, path), _drawn(workspace, path, size=6)
    with workspace.unit_of_work(ADMIN) as uow:
        kept_case = fieldwork.list_cases(uow, one)[0]
        fieldwork.record_response(uow, kept_case.id, "attended_within_target", "yes", override=True,
                                  comment="BWV shows arrival at 10:14")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        before = {**_computed(uow, one), **_computed(uow, two)}
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, clock_start="dispatch")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        after = {**_computed(uow, one), **_computed(uow, two)}
        assert fieldwork_flow.stale_computed(uow, one) == fieldwork_flow.stale_computed(uow, two) == 0
        refreshed = [e.entity_id for e in uow.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "audit", ChangeLogEntry.action == "evaluate")) if e.after.get("why") == "settings"]
    assert after[kept_case.id].value == "yes" and not after[kept_case.id].computed  # the override stays
    moved = [cid for cid in after if cid != kept_case.id]
    assert all(after[c].working.startswith(("Dispatch", "no dispatch")) for c in moved)
    assert all(before[c].working != after[c].working for c in moved)
    assert sorted(int(x) for x in refreshed) == [one, two]
    # a setting the rules do not read changes nothing
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        again = uow.session.scalars(select(Response.id).where(Response.computed.is_(True))).all()
        evaluations = uow.session.scalars(select(ChangeLogEntry.seq).where(
            ChangeLogEntry.entity == "audit", ChangeLogEntry.action == "evaluate")).all()
    assert len(again) == 15 and len(evaluations) == 4  # two draws, two refreshes
