"""Writers at the same moment: no traceback, no lost update, an intact chain.

Eight writers on PostgreSQL and two on SQLite (threads, each with its own open workspace and
connection pool, released together by a barrier) upload the same new evidence files and
build packs at once. Content-addressed blobs are inserted with ON CONFLICT DO NOTHING, pack
numbers are chosen under a lock, SQLite's write lock is retried with backoff, and a deadlock
comes back as a BusyError with a hint that a whole unit of work can be retried on.
"""

from __future__ import annotations

import sqlite3
import threading
import traceback
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.assurance_setup import (
    OFFICER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
    setup_register,
)
from workbench.files import PARTIAL_DIR
from workbench.services import evidence, packs
from workbench.services.log_check import verify_log
from workbench.store import engine as engine_module
from workbench.store import uow as uow_module
from workbench.store.models import Evidence, EvidenceBlob, Finding, PackVersion
from workbench.store.uow import BUSY_HINT, BusyError, retry_transient
from workbench.store.workspace import Workspace

ROUNDS = 3


def _run_together(count: int, work) -> list[str]:
    """Run work(i) in `count` threads started at once; the tracebacks of any that failed."""
    barrier = threading.Barrier(count)
    failures: list[str] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(i)
        except BaseException:  # noqa: BLE001 - any failure is what this test looks for
            failures.append(traceback.format_exc())

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return failures


def _writers(location) -> int:
    return 8 if location.path is None else 2


def test_simultaneous_uploads_of_the_same_file_all_succeed(workspace, location, tmp_path: Path) -> None:
    register = setup_register(workspace)
    writers = _writers(location)
    files = []
    for r in range(ROUNDS):
        path = tmp_path / f"minutes-{r}.pdf"
        path.write_bytes(b"%PDF-1.4 minutes of round " + str(r).encode() + bytes(range(256)) * 8)
        files.append(path)
    opened = [Workspace.open(location) for _ in range(writers)]
    try:
        def upload(i: int) -> None:
            for path in files:
                with opened[i].unit_of_work(OFFICER) as uow:
                    evidence.add_evidence(uow, path, f"Minutes from writer {i}", finding_ids=[register[0].stored_id])

        failures = _run_together(writers, upload)
    finally:
        for ws in opened:
            ws.close()
    assert failures == []
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Evidence)) == writers * ROUNDS  # none lost
        assert uow.session.scalar(select(func.count()).select_from(EvidenceBlob)) == ROUNDS  # stored once
        report = verify_log(uow)
    assert report.ok, report.problem or report.data_problems


def test_simultaneous_pack_builds_get_consecutive_numbers_and_their_own_files(workspace, location,
                                                                            tmp_path: Path) -> None:
    setup_register(workspace)
    builders = 3
    out = tmp_path / "packs"
    opened = [Workspace.open(location) for _ in range(builders)]
    try:
        def build(i: int) -> None:
            with opened[i].unit_of_work(OFFICER) as uow:
                packs.build_pack(uow, out)

        failures = _run_together(builders, build)
    finally:
        for ws in opened:
            ws.close()
    assert failures == []
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        numbers = sorted(uow.session.scalars(select(PackVersion.number)))
        assert verify_log(uow).ok
    assert numbers == [1, 2, 3]
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"self-assessment-pack-v{n}.{ext}" for n in numbers for ext in ("pdf", "xlsx"))
    assert not (out / PARTIAL_DIR).exists()


def test_a_failed_build_leaves_no_file(workspace, tmp_path: Path) -> None:
    setup_register(workspace)
    out = tmp_path / "packs"
    with pytest.raises(RuntimeError, match="after rendering"):
        with workspace.unit_of_work(OFFICER) as uow:
            packs.build_pack(uow, out)
            raise RuntimeError("failure after rendering, before the commit")
    assert list(out.iterdir()) == []
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(PackVersion)) == 0


def test_sqlite_write_behind_a_held_lock_is_retried_then_reported_with_a_hint(sqlite_workspace, monkeypatch) -> None:
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(uow_module, "WRITE_ATTEMPTS", 3)
    ws = Workspace.open(sqlite_workspace.location)
    holder = sqlite3.connect(sqlite_workspace.location.path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # someone else is writing and does not let go
        with pytest.raises(BusyError) as info:
            with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
                uow.log("test", 1, "write")
        assert info.value.hint == BUSY_HINT and "another user is writing" in str(info.value)
        holder.execute("ROLLBACK")
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # the lock is free again: it works
            uow.log("test", 1, "write")
    finally:
        holder.close()
        ws.close()


def test_retry_transient_runs_the_action_again_then_gives_up_with_a_hint() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise BusyError("the workspace is busy", BUSY_HINT)
        return "done"

    assert retry_transient(flaky, attempts=4, sleep=lambda _s: None) == "done" and len(calls) == 3
    with pytest.raises(BusyError, match="busy"):
        retry_transient(lambda: (_ for _ in ()).throw(BusyError("the workspace is busy", BUSY_HINT)),
                        attempts=2, sleep=lambda _s: None)


@pytest.mark.pg
def test_a_deadlock_victim_gets_a_busy_error_and_a_retry_succeeds(workspace, location) -> None:
    if location.path is not None:
        pytest.skip("deadlocks between row locks are a PostgreSQL matter; SQLite has one write lock")
    a, b = [f.stored_id for f in setup_register(workspace)[:2]]
    opened = [Workspace.open(location) for _ in range(2)]
    first_locked = threading.Barrier(2)
    errors: list[BaseException] = []
    done: list[int] = []

    def touch(ws, first: int, second: int) -> None:
        with ws.unit_of_work(OFFICER) as uow:
            uow.session.execute(text("UPDATE findings SET title = title WHERE id = :id"), {"id": first})
            first_locked.wait(timeout=30)
            uow.session.execute(text("UPDATE findings SET title = title WHERE id = :id"), {"id": second})

    def writer(i: int) -> None:
        try:
            touch(opened[i], (a, b)[i], (b, a)[i])
            done.append(i)
        except BusyError as exc:
            errors.append(exc)
            # the whole unit of work is safe to run again
            retry_transient(lambda: touch_alone(opened[i]), sleep=lambda _s: None)
            done.append(i)

    def touch_alone(ws) -> None:
        with ws.unit_of_work(OFFICER) as uow:
            uow.session.execute(text("UPDATE findings SET title = title WHERE id IN (:a, :b)"), {"a": a, "b": b})

    try:
        failures = _run_together(2, writer)
    finally:
        for ws in opened:
            ws.close()
    assert failures == []
    assert len(errors) == 1 and getattr(errors[0], "hint", None) == BUSY_HINT and "deadlock" in str(errors[0])
    assert sorted(done) == [0, 1]
    with workspace.unit_of_work(ADMIN, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Finding)) >= 2
        assert verify_log(uow).ok
