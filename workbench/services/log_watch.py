"""The change-log check a view runs: from where this computer last found the log intact, or in full.

`check_for_view` is what the Overview asks for when it is first shown, after every change, on
View ▸ Refresh (all "since") and on its "Check in full" button ("full"):

* **since**: with a checkpoint remembered on this computer (`log_checkpoints`) for this workspace,
  only the entries appended after it are walked (`log_check.verify_log_since`): milliseconds. It
  cannot see an older entry rewritten, so with no checkpoint here (never checked on this
  computer, or another workspace at that location now), or when the last full check here is more
  than `FULL_AGAIN_AFTER` old, a full check runs instead.
* **full**: every link, every anchor in signed packs and every row against the log
  (`log_check.verify_log`, what `workbench log verify` runs), and the checkpoint this computer
  keeps as one more anchor: a log rewritten from before it, hashes and all, is found. A checkpoint
  that no longer holds is kept (and the log shown broken) until the user starts **afresh**: a full
  check without it, after restoring a backup or replacing the workspace on purpose. Another log
  at the same location (its first entry differs) is checked in full and said so.

A check that would walk more than `WALK_HERE_AT_MOST` entries runs through `run_apart` when the
caller gives one (the window passes `gui/child_process.run_in_child`: another process, so its
seconds of hashing never hold the interpreter lock the window needs); otherwise here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from workbench.services.log_check import (
    IncrementalLogReport,
    LogCheckpoint,
    LogReport,
    verify_log,
    verify_log_since,
)
from workbench.services.log_checkpoints import FullCheck, LastCheck, LogCheckpoints
from workbench.store import changelog
from workbench.store.changelog import Anchor
from workbench.store.location import WorkspaceLocation
from workbench.store.models import ChangeLogEntry, utcnow
from workbench.store.uow import Actor
from workbench.store.workspace import Workspace

#: a "since" check after this long without a full check here is a full check
FULL_AGAIN_AFTER = timedelta(days=1)
#: the most entries a check walks in the caller's process (about 0.2 s chain only, 0.6 s in full)
WALK_HERE_AT_MOST = 3000

RunApart = Callable[..., Any]


@dataclass(frozen=True)
class ViewCheck:
    report: LogReport | IncrementalLogReport
    #: what this computer remembers after the check (with the last full check's finding), if anything
    last: LastCheck | None
    #: said beside the result: this computer last checked another log at this location
    note: str = ""

    @property
    def chain_broken(self) -> bool:
        """The chain does not hold, as this check or the last full check found it (the view then
        offers to start afresh when this computer holds a checkpoint)."""
        if not self.report.ok:
            return not isinstance(self.report, LogReport) or self.report.checkpoint is None
        return self.last is not None and self.last.full is not None and bool(self.last.full.chain_problem)


def check_for_view(ws: Workspace, actor: str | Actor, kind: str, memory: LogCheckpoints | None = None,
                   run_apart: RunApart | None = None) -> ViewCheck:
    """Check the log as a view does and remember it: `kind` "since" or "full" (see the module
    text), or "afresh": a full check that does not hold the log to this computer's checkpoint,
    for a workspace restored from a backup or replaced on purpose."""
    if kind not in ("since", "full", "afresh"):
        raise ValueError(f"kind must be 'since', 'full' or 'afresh', not {kind!r}")
    memory = memory if memory is not None else LogCheckpoints()
    report: LogReport | None = None
    with ws.unit_of_work(actor, write=False) as uow:
        first = uow.session.execute(select(ChangeLogEntry.hash).where(ChangeLogEntry.seq == 1)).scalar()
        first = first or changelog.GENESIS
        head = changelog.head(uow.session).seq
        recorded = memory.recorded(ws.location)
        note = ""
        if recorded is not None and recorded.first != first and kind != "afresh":
            note = (f"This computer last checked a different change log here (its first entry differed), "
                    f"{_when_checked(recorded)}. If this workspace was not replaced or restored on purpose, its "
                    "whole log may have been rewritten: compare it with an anchor kept apart (workbench log "
                    "verify --anchor FILE).")
        last = recorded if recorded is not None and recorded.first == first else None
        held = [Anchor(last.seq, last.hash, f"this computer's check {_when_checked(last)}")] \
            if last is not None and last.seq > 0 and kind != "afresh" else []
        if kind == "since" and last is not None and not _full_is_old(last) and head - last.seq <= WALK_HERE_AT_MOST:
            since = verify_log_since(uow, LogCheckpoint(last.seq, last.hash))
            if since.checkpoint is not None:  # moved on; the full check's finding stays
                last = replace(last, seq=since.checkpoint.seq, hash=since.checkpoint.hash)
                memory.remember(ws.location, last)
            return ViewCheck(since, last)
        if head <= WALK_HERE_AT_MOST or run_apart is None:
            report = verify_log(uow, anchors_held=held)
    if report is None:
        assert run_apart is not None
        username = actor.username if isinstance(actor, Actor) else actor
        report = run_apart(verify_workspace_log, ws.location, username, held)
    previous = last if kind != "afresh" else None
    return ViewCheck(report, _remember_full(memory, ws.location, first, report, previous), note)


def _when_checked(last: LastCheck) -> str:
    return f"on {last.full.at[:16].replace('T', ' ')} UTC" if last.full is not None else "earlier"


def _full_is_old(last: LastCheck) -> bool:
    if last.full is None:
        return True
    try:
        at = datetime.fromisoformat(last.full.at)
    except ValueError:
        return True
    now = utcnow()
    if (at.tzinfo is None) != (now.tzinfo is None):
        return True
    return not (timedelta(0) <= now - at <= FULL_AGAIN_AFTER)


def verify_workspace_log(location: WorkspaceLocation, username: str,
                         anchors_held: Sequence[Anchor] = ()) -> LogReport:
    """The full check of the workspace at `location`, opened here (what another process runs)."""
    ws = Workspace.open(location)
    try:
        with ws.unit_of_work(username, write=False) as uow:
            return verify_log(uow, anchors_held=anchors_held)
    finally:
        ws.close()


def _remember_full(memory: LogCheckpoints, location: WorkspaceLocation, first: str,
                   report: LogReport, previous: LastCheck | None) -> LastCheck | None:
    full = FullCheck(
        at=utcnow().isoformat(), entries=report.entries, rows_checked=report.rows_checked,
        unvouched_rows=report.unvouched_rows, data_problems=report.data_problem_count,
        first_problem=report.data_problems[0].message if report.data_problems else "",
        chain_problem="" if report.checkpoint is not None else (report.problem or "the chain does not hold"))
    if report.checkpoint is not None:
        last = LastCheck(first, report.checkpoint.seq, report.checkpoint.hash, full)
    elif previous is not None:  # broken: the checkpoint stays where the log last held, and the finding is kept
        last = replace(previous, full=full)
    else:
        return None  # nothing held here yet: the next check is a full one again
    memory.remember(location, last)
    return last
