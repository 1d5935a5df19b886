"""Measures edited and their series corrected: checked, logged, permission-bound (SQLite and PostgreSQL)."""

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
from workbench.errors import InputError, NotFoundError, PermissionDeniedError
from workbench.services import measures
from workbench.store.models import ChangeLogEntry


def _log(ws, action: str) -> list[tuple[str, object, object]]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return [(e.actor, e.before, e.after) for e in uow.session.scalars(select(ChangeLogEntry).where(
            ChangeLogEntry.entity == "measure", ChangeLogEntry.action == action).order_by(ChangeLogEntry.seq))]


@pytest.fixture
def measure(workspace):
    f1 = setup_register(workspace)[0]
    with workspace.unit_of_work(OFFICER) as uow:
        m = measures.create_measure(uow, "101 calls abandoned", "%", 21.9, 5.0, "lower", finding_id=f1.id)
        measures.record_point(uow, m.id, date(2025, 1, 1), 18.0)
        return measures.record_point(uow, m.id, date(2025, 2, 1), 15.5, "Feb pack")


def test_editing_the_measure_checks_and_logs_each_field(workspace, measure) -> None:
    with workspace.unit_of_work(OFFICER) as uow:
        m = measures.update_measure(uow, measure.id, measure.version, name="  101 abandonment  ", target="7.5",
                                    baseline=21.9, direction="lower")
    assert (m.name, m.target, m.version) == ("101 abandonment", 7.5, measure.version + 1)
    assert _log(workspace, "update") == [(OFFICER, {"name": "101 calls abandoned", "target": 5.0},
                                          {"name": "101 abandonment", "target": 7.5})]  # unchanged fields not logged
    for changes, message in (({"name": " "}, "needs a name"), ({"target": "lots"}, "must be a number"),
                             ({"baseline": float("nan")}, "finite"), ({"direction": "up"}, "higher or lower"),
                             ({"unit": "x" * 41}, "longer than 40")):
        with pytest.raises(InputError, match=message), workspace.unit_of_work(OFFICER) as uow:
            measures.update_measure(uow, measure.id, **changes)
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        measures.update_measure(uow, measure.id, name="viewer's name")
    with workspace.unit_of_work(OFFICER) as uow:
        cleared = measures.update_measure(uow, measure.id, target=None)
    assert cleared.target is None


def test_a_value_is_corrected_moved_or_removed(workspace, measure) -> None:
    with workspace.unit_of_work(OFFICER) as uow:
        m = measures.update_point(uow, measure.id, date(2025, 2, 1), 14.0, "Feb pack, revised")
        m = measures.update_point(uow, measure.id, date(2025, 2, 1), 14.0, "Feb pack, revised",
                                  new_period=date(2025, 3, 1))
    assert [(p.period, p.value, p.note) for p in m.points] == [
        (date(2025, 1, 1), 18.0, ""), (date(2025, 3, 1), 14.0, "Feb pack, revised")]
    with pytest.raises(InputError, match="already has a value for 01 Jan 2025"), workspace.unit_of_work(OFFICER) as uow:
        measures.update_point(uow, measure.id, date(2025, 3, 1), 14.0, new_period=date(2025, 1, 1))
    with pytest.raises(NotFoundError, match="no value for 01 Feb 2025"), workspace.unit_of_work(OFFICER) as uow:
        measures.remove_point(uow, measure.id, date(2025, 2, 1))
    with pytest.raises(InputError, match="must be a number"), workspace.unit_of_work(OFFICER) as uow:
        measures.record_point(uow, measure.id, date(2025, 4, 1), "n/a")  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work(VIEWER) as uow:
        measures.remove_point(uow, measure.id, date(2025, 1, 1))
    with workspace.unit_of_work(OFFICER) as uow:
        m = measures.remove_point(uow, measure.id, date(2025, 1, 1))
    assert [p.period for p in m.points] == [date(2025, 3, 1)]
    assert _log(workspace, "remove-value") == [(OFFICER, {"period": "2025-01-01", "value": 18.0, "note": ""}, None)]
    assert [after for _, _, after in _log(workspace, "update-value")] == [
        {"period": "2025-02-01", "value": 14.0, "note": "Feb pack, revised"},
        {"period": "2025-03-01", "value": 14.0, "note": "Feb pack, revised"}]


def test_a_proposed_measure_reads_which_way_is_better_from_the_report_s_words() -> None:
    """A count of something the force wants fewer of (a backlog, abandoned calls, crimes that should have
    been recorded) is proposed lower-is-better; a plain count is left higher, for the person to check."""
    from types import SimpleNamespace

    from workbench.services.measures import proposals

    def fig(label: str, sentence: str = "", value: float = 100.0) -> SimpleNamespace:
        return SimpleNamespace(kind="count", value=value, unit="", label=label, sentence=sentence,
                               missing_in_source=False, numerator=None, denominator=None, low=None, high=None)

    got = {p.name: p.direction for p in proposals([
        fig("Use of force incidents: fewer than we estimate should have been recorded"),
        fig("Calls abandoned", "Of 101 calls, 21.9 percent were abandoned before they were answered."),
        fig("MASH referrals waiting", "There was a backlog of 400 referrals awaiting triage."),
        fig("Victim-based crimes (year ending 31 December 2023)"),
        fig("Use of force incidents resulting in the subject being injured",
            "8.1 percent of its use of force incidents resulted in the subject being injured."),
    ])}
    assert got == {"Use of force incidents: fewer than we estimate should have been recorded": "lower",
                   "Calls abandoned": "lower", "MASH referrals waiting": "lower",
                   "Victim-based crimes (year ending 31 December 2023)": "higher",
                   "Use of force incidents resulting in the subject being injured": "lower"}
