"""Rounds scored once per open workspace: reused by later reads until a logged change can alter them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import drawn_attendance_audit, quick_rows, write_csv
from workbench.services import fieldwork, scoring, users


@pytest.fixture
def scored(workspace, tmp_path: Path, monkeypatch):
    """A drawn audit; returns (workspace, audit id, the list of audit ids each real scoring was for)."""
    audit_id = drawn_attendance_audit(workspace, ADMIN, write_csv(tmp_path / "incidents.csv", quick_rows(200)),
                                      size=12)
    real = scoring._score_core
    calls: list[int] = []

    def counted(uow, audit):
        calls.append(audit.id)
        return real(uow, audit)

    monkeypatch.setattr(scoring, "_score_core", counted)
    return workspace, audit_id, calls


def _score(ws, audit_id: int):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return scoring.score_audit(uow, audit_id)


def test_a_later_read_reuses_the_round_and_a_change_to_an_answer_rescores_it(scored) -> None:
    ws, audit_id, calls = scored
    first = _score(ws, audit_id)
    assert _score(ws, audit_id) == first and calls == [audit_id]  # the second read scored nothing
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        case = fieldwork.list_cases(uow, audit_id, include_reserves=False)[0]
        fieldwork.record_response(uow, case.id, "thrive_recorded", "no")
    after = _score(ws, audit_id)
    assert calls == [audit_id, audit_id]  # the answer is logged, so the round is scored again
    row = next(c for c in after.cases if c.case_id == case.id)
    assert row.answers["thrive_recorded"] == "no"
    assert after.cases != first.cases


def test_a_change_that_cannot_alter_a_round_keeps_it(scored) -> None:
    ws, audit_id, calls = scored
    _score(ws, audit_id)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "new.officer", "officer")  # logged as a user: no round can change
    _score(ws, audit_id)
    assert calls == [audit_id]


def test_a_unit_of_work_that_may_write_always_scores_afresh(scored) -> None:
    ws, audit_id, calls = scored
    _score(ws, audit_id)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        scoring.score_audit(uow, audit_id)
    assert calls == [audit_id, audit_id]
