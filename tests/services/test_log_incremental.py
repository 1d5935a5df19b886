"""The incremental change-log check the GUI runs after each change: from a checkpoint to the head."""

from __future__ import annotations

from sqlalchemy import delete, update

from tests.services.assurance_setup import (  # noqa: F401 - fixture
    OFFICER,
    fast_passphrase_hashing,
    setup_register,
)
from workbench.services import findings, log_check
from workbench.services.log_check import LogCheckpoint
from workbench.store.models import ChangeLogEntry, ChangeLogHead


def _full(ws) -> log_check.LogReport:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return log_check.verify_log(uow)


def _checkpoint(ws) -> LogCheckpoint:
    checkpoint = _checkpoint(ws)
    assert checkpoint is not None, "a full check that passes gives a checkpoint"
    return checkpoint


def _since(ws, checkpoint) -> log_check.IncrementalLogReport:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return log_check.verify_log_since(uow, checkpoint)


def _edit_owners(ws, owners: list[str]) -> None:
    with ws.unit_of_work(OFFICER) as uow:
        first = findings.list_findings(uow)[0]
        for owner in owners:
            first = findings.update_finding(uow, first.stored_id, None, owner=owner)


def test_incremental_check_walks_only_the_new_entries(sqlite_workspace) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    full = _full(ws)
    assert full.ok and full.checkpoint is not None and full.checkpoint.seq == full.entries
    nothing_new = _since(ws, full.checkpoint)
    assert nothing_new.ok and nothing_new.checked == 0 and nothing_new.checkpoint == full.checkpoint
    _edit_owners(ws, ["DI One", "DI Two", "DI Three"])
    later = _since(ws, full.checkpoint)
    assert later.ok and later.checked == 3 and later.entries == full.entries + 3
    assert later.checkpoint is not None and later.checkpoint.seq == full.entries + 3
    assert _since(ws, None).ok and _since(ws, None).checked == later.entries  # no checkpoint: the whole chain


def test_an_entry_altered_after_the_checkpoint_is_found(sqlite_workspace) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    checkpoint = _checkpoint(ws)
    _edit_owners(ws, ["DI One", "DI Two"])
    altered = checkpoint.seq + 1
    with ws.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == altered).values(actor="mallory"))
    report = _since(ws, checkpoint)
    assert not report.ok and report.broken_seq == altered and report.checkpoint is None
    assert f"entry {altered} was altered" in report.problem
    assert report.broken_entry is not None and report.broken_entry.actor == "mallory"


def test_an_entry_altered_before_the_checkpoint_is_left_to_the_full_check(sqlite_workspace) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    checkpoint = _checkpoint(ws)
    with ws.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 3).values(actor="mallory"))
    assert _since(ws, checkpoint).ok  # the incremental check does not re-read old entries ...
    full = _full(ws)  # ... the command does
    assert not full.ok and full.broken_seq == 3 and "entry 3 was altered" in full.problem


def test_the_checkpoint_entry_itself_rewritten_or_removed_is_found(sqlite_workspace) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    checkpoint = _checkpoint(ws)
    with ws.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == checkpoint.seq).values(actor="mallory"))
    report = _since(ws, checkpoint)
    assert not report.ok and f"entry {checkpoint.seq} was altered after the last check" in report.problem


def test_entries_removed_after_the_checkpoint_are_found(sqlite_workspace) -> None:
    ws = sqlite_workspace
    setup_register(ws)
    checkpoint = _checkpoint(ws)
    _edit_owners(ws, ["DI One", "DI Two"])
    with ws.engine.begin() as conn:  # drop the newest entry and point the head back, as a careless forger would
        conn.execute(delete(ChangeLogEntry).where(ChangeLogEntry.seq == checkpoint.seq + 2))
    report = _since(ws, checkpoint)
    assert not report.ok and "entries were removed" in report.problem
    with ws.engine.begin() as conn:
        conn.execute(delete(ChangeLogEntry).where(ChangeLogEntry.seq > checkpoint.seq - 1))
        conn.execute(update(ChangeLogHead).values(seq=checkpoint.seq - 1))
    gone = _since(ws, checkpoint)
    assert not gone.ok and f"entry {checkpoint.seq}, intact at the last check, is missing" in gone.problem
