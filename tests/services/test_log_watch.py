"""The log check a view runs (services/log_watch): from this computer's checkpoint, or in full."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    fast_passphrase_hashing,
    setup_register,
)
from workbench.errors import WorkspaceError
from workbench.services import findings, log_watch
from workbench.services.log_check import IncrementalLogReport, LogReport
from workbench.services.log_checkpoints import LogCheckpoints
from workbench.store.models import ChangeLogEntry


@pytest.fixture
def memory(tmp_path) -> LogCheckpoints:
    return LogCheckpoints(tmp_path / "state" / "log-checkpoints.json")


def _check(ws, memory, kind="since", run_apart=None) -> Any:  # the fields tested without narrowing each
    return log_watch.check_for_view(ws, OFFICER, kind, memory, run_apart)


def _edit_owner(ws, owner: str) -> None:
    with ws.unit_of_work(OFFICER) as uow:
        findings.update_finding(uow, findings.list_findings(uow)[0].stored_id, None, owner=owner)


def test_first_check_is_full_and_remembered_then_only_new_entries_are_walked(sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    first = _check(ws, memory)
    assert isinstance(first.report, LogReport) and first.report.ok
    assert first.last is not None and first.last.full is not None
    assert first.last.full.rows_checked == first.report.rows_checked > 0
    assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600
    _edit_owner(ws, "DI One")
    _edit_owner(ws, "DI Two")
    later = _check(ws, memory)
    assert isinstance(later.report, IncrementalLogReport) and later.report.ok
    assert later.report.checked == 2 and later.last.seq == first.last.seq + 2
    assert later.last.full == first.last.full  # the full check's finding is kept
    assert memory.get(ws.location, first.last.first).seq == later.last.seq


def test_an_entry_rewritten_before_the_checkpoint_waits_for_the_full_check(sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    _check(ws, memory)
    with ws.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 2).values(actor="mallory"))
    assert _check(ws, memory).report.ok  # as documented: the walk starts after the checkpoint
    full = _check(ws, memory, "full").report
    assert not full.ok and full.broken_seq == 2
    # the checkpoint stays where the log last held, and the checks that follow still say broken
    after = _check(ws, memory)
    assert after.report.ok and after.last.full.chain_problem == "entry 2 was altered after it was written"


def test_the_checkpoint_entry_altered_is_broken_and_not_moved(sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    last = _check(ws, memory).last
    with ws.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == last.seq).values(actor="mallory"))
    with pytest.raises(WorkspaceError, match="no longer has the hash of its own content"):
        _edit_owner(ws, "DI One")  # nothing is written onto an altered newest entry
    again = _check(ws, memory)
    assert isinstance(again.report, IncrementalLogReport) and not again.report.ok
    assert "altered after the last check found it intact" in again.report.problem
    assert memory.get(ws.location, last.first).seq == last.seq


def test_another_workspace_at_the_same_place_or_a_damaged_record_means_a_full_check(
        sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    last = _check(ws, memory).last
    record = json.loads(memory.path.read_text())
    record["workspaces"][ws.location.label]["first"] = "f" * 64  # what another workspace's entry 1 would be
    memory.path.write_text(json.dumps(record))
    assert isinstance(_check(ws, memory).report, LogReport)
    for damage in ("{not json", json.dumps({"workspaces": {ws.location.label: {"first": last.first, "seq": "9"}}}),
                   json.dumps([1, 2]), ""):
        memory.path.write_text(damage)
        assert isinstance(_check(ws, memory).report, LogReport), damage
        assert memory.get(ws.location, last.first) is not None  # written again whole


def test_a_full_check_older_than_a_day_runs_again(sqlite_workspace, memory, monkeypatch) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    _check(ws, memory)
    assert isinstance(_check(ws, memory).report, IncrementalLogReport)
    monkeypatch.setattr(log_watch, "FULL_AGAIN_AFTER", timedelta(0))
    assert isinstance(_check(ws, memory).report, LogReport)


def test_data_changed_outside_stays_reported_by_the_checks_that_follow(sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    _check(ws, memory)
    with ws.engine.begin() as conn:
        conn.exec_driver_sql("update findings set owner = 'Mallory' where id = 1")
    full = _check(ws, memory, "full")
    assert not full.report.ok and full.report.data_problem_count == 1
    since = _check(ws, memory)
    assert since.report.ok and since.last.full.data_problems == 1  # what the view shows as "Data changed"
    assert "finding 1" in since.last.full.first_problem


def test_a_long_walk_goes_to_run_apart_with_a_function_another_process_can_run(sqlite_workspace, memory,
                                                                               monkeypatch) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    monkeypatch.setattr(log_watch, "WALK_HERE_AT_MOST", 0)
    calls: list[tuple[Any, ...]] = []

    def apart(fn, *args):
        calls.append((fn, *args))
        return fn(*args)

    check = _check(ws, memory, run_apart=apart)
    assert calls == [(log_watch.verify_workspace_log, ws.location, OFFICER, [])]  # no checkpoint to hold it to
    assert isinstance(check.report, LogReport) and check.report.ok and check.last.full is not None
    _edit_owner(ws, "DI One")
    assert isinstance(_check(ws, memory, run_apart=apart).report, LogReport)  # beyond the limit: apart, in full
    assert len(calls) == 2 and [a.seq for a in calls[1][3]] == [check.last.seq]  # held to the checkpoint
    with pytest.raises(ValueError):
        _check(ws, memory, "all")


def _rewrite_from(ws, seq: int) -> None:
    """What someone with the database does: entries from `seq` on altered, every hash recomputed."""
    from workbench.store import changelog
    from workbench.store.models import ChangeLogHead

    with ws.engine.begin() as conn:
        from sqlalchemy.orm import Session

        session = Session(bind=conn)
        before = session.get(ChangeLogEntry, seq - 1)
        prev = before.hash if before is not None else changelog.GENESIS
        for e in session.query(ChangeLogEntry).filter(ChangeLogEntry.seq >= seq).order_by(ChangeLogEntry.seq):
            e.actor = "mallory"
            e.prev_hash = prev
            e.hash = changelog.entry_hash(e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after,
                                          prev, e.states)
            prev = e.hash
            session.flush()
        head = session.get(ChangeLogHead, 1)
        assert head is not None
        head.hash = prev
        session.flush()


def test_a_log_rewritten_with_fresh_hashes_fails_against_the_checkpoint_until_started_afresh(
        sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    last = _check(ws, memory).last
    _rewrite_from(ws, 2)
    full = _check(ws, memory, "full").report
    assert not full.ok and "this computer's check" in full.problem  # the chain alone would hold
    assert memory.get(ws.location, last.first).seq == last.seq  # the checkpoint is kept
    assert _check(ws, memory).last.full.chain_problem  # and the views go on saying broken
    afresh = _check(ws, memory, "afresh")
    assert afresh.report.ok and memory.get(ws.location, last.first).hash != last.hash


def test_another_first_entry_is_said(sqlite_workspace, memory) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    _check(ws, memory)
    _rewrite_from(ws, 1)
    check = _check(ws, memory)
    assert isinstance(check.report, LogReport) and "a different change log here" in check.note


def test_a_record_that_cannot_be_written_leaves_the_check_answered(sqlite_workspace, tmp_path) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    memory = LogCheckpoints(blocked / "log-checkpoints.json")  # its folder cannot be made
    assert _check(ws, memory).report.ok
    assert _check(ws, memory).report.ok  # and again in full, nothing remembered


def test_the_key_of_a_database_holds_no_password() -> None:
    from workbench.services.log_checkpoints import key_of
    from workbench.store.location import resolve_location

    location = resolve_location(db="postgresql://u:secret@h/db?password=also&sslmode=require")
    assert "secret" not in key_of(location) and "also" not in key_of(location)
    assert "sslmode=require" in key_of(location)
