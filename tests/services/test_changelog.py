"""The hash-chained change log: every write is logged; tampering is found; no fork."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from sqlalchemy import select, text, update

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import users
from workbench.services import workspace as workspace_service
from workbench.store.models import ChangeLogEntry
from workbench.templates.loading import builtin_templates

#: a new workspace stores the built-in audit templates as it is created, one log entry each
TEMPLATES = len(builtin_templates())


def _verify(ws):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return workspace_service.verify_log(uow)


def test_writes_are_logged_and_chain_verifies(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer", "Officer One")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        every = uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).all()
        assert [e.entity for e in every[2:2 + TEMPLATES]] == ["template"] * TEMPLATES
        assert all(b.prev_hash == a.hash for a, b in pairwise(every))
        entries = [e for e in every if e.entity != "template"]
        assert [(e.actor, e.entity, e.entity_id, e.action) for e in entries] == [
            ("system", "workspace", workspace.location.label, "create"),
            (ADMIN, "user", ADMIN, "add"),
            (ADMIN, "user", "officer.one", "add"),
        ]
        assert entries[2].after == {"role": "officer", "display_name": "Officer One", "passphrase_set": False}
    report = _verify(workspace)
    assert report.ok and report.entries == 3 + TEMPLATES


def test_a_failed_action_logs_nothing(workspace) -> None:
    with pytest.raises(RuntimeError), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.two", "officer")
        raise RuntimeError("boom")
    report = _verify(workspace)
    assert report.ok and report.entries == 2 + TEMPLATES


@pytest.mark.parametrize("column, value", [("actor", "mallory"), ("action", "remove"), ("after", None)])
def test_tampering_names_the_entry(workspace, column, value) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
        users.add_user(uow, "officer.two", "officer")
    with workspace.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 3).values({column: value}))
    report = _verify(workspace)
    assert not report.ok
    assert report.broken_seq == 3
    assert "entry 3" in report.problem


def test_deleting_the_last_entry_is_found(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "officer.one", "officer")
    with workspace.engine.begin() as conn:
        conn.execute(text("delete from change_log where seq = (select max(seq) from change_log)"))
    report = _verify(workspace)
    assert not report.ok and "removed" in report.problem


def test_concurrent_writers_do_not_fork_the_chain(workspace) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
                    users.add_user(uow, f"user{n}.{i}", "viewer")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = _verify(workspace)
    assert report.ok and report.entries == 2 + TEMPLATES + 20
