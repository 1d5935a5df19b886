"""Checking the change log: its chain, its anchors, and the data it vouches for.

An anchor is a chain head (entry number and hash) kept outside the workspace: an anchor file
written by `export_anchor` (`workbench log anchor OUT`), or the head recorded inside an approved
pack's signed PDF. `verify_log` checks the chain link by link, then against every anchor, then
every audited row against the state the log last recorded for it. docs/reliability.md says what
this proves and what it cannot.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.errors import InputError, WorkspaceError
from workbench.limits import MAX_NESTING, nesting_depth, read_input
from workbench.services.access import require
from workbench.services.evidence import write_file_atomically
from workbench.store import changelog, log_audit
from workbench.store.changelog import Anchor
from workbench.store.damage import first_damage
from workbench.store.models import ChangeLogEntry, utcnow
from workbench.store.uow import UnitOfWork

ANCHOR_FORMAT = "workbench-change-log-anchor"
ANCHOR_VERSION = 1
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class LoggedEntry:
    seq: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str


@dataclass(frozen=True)
class AnchorResult:
    source: str
    seq: int
    hash: str
    #: holds | differs | missing | unchecked (see changelog.AnchorCheck)
    status: str


@dataclass(frozen=True)
class RowIssue:
    table: str
    row_id: str
    #: changed | unlogged | deleted | recreated | unreadable
    problem: str
    message: str
    entry: int | None


@dataclass(frozen=True)
class LogReport:
    ok: bool
    entries: int
    broken_seq: int | None
    problem: str
    broken_entry: LoggedEntry | None = None
    anchors: tuple[AnchorResult, ...] = ()
    #: the newest anchor that still holds below the first that does not
    last_good_anchor: AnchorResult | None = None
    #: False when the chain itself is broken: the data cannot be compared with it
    data_checked: bool = False
    rows_checked: int = 0
    #: rows changed, added or deleted outside the application (at most 500 listed)
    data_problems: tuple[RowIssue, ...] = ()
    data_problem_count: int = 0
    #: rows written before the log recorded row states (upgraded workspace): not vouched for
    unvouched_rows: int = 0
    #: the head the chain check reached, when the chain holds: start `verify_log_since` here
    checkpoint: LogCheckpoint | None = None


PackAnchorSource = Callable[[UnitOfWork], Sequence[Any]]


@dataclass(frozen=True)
class LogCheckpoint:
    """Entry `seq` had hash `hash` when a check found the chain intact up to it."""

    seq: int
    hash: str


@dataclass(frozen=True)
class IncrementalLogReport:
    """What `verify_log_since` found: only the entries appended since the checkpoint."""

    ok: bool
    entries: int
    #: entries whose hash and link were checked this time (those after the checkpoint)
    checked: int
    broken_seq: int | None
    problem: str
    broken_entry: LoggedEntry | None = None
    #: where the next incremental check starts (None when the chain is broken)
    checkpoint: LogCheckpoint | None = None


def verify_log(
    uow: UnitOfWork, anchor_files: Sequence[Path] = (), pack_anchors: PackAnchorSource | None = None,
    check_data: bool = True, anchors_held: Sequence[Anchor] = (),
) -> LogReport:
    """The whole check. Anchor files are read first: one that does not parse is an InputError.
    `anchors_held` are compared too (a view's checkpoint kept on this computer, services/log_watch)."""
    require(uow.actor, "read")
    _refuse_damaged(uow)
    anchors = list(anchors_held) + [a for path in anchor_files for a in read_anchor_file(path)]
    anchors += [Anchor(int(a.seq), str(a.hash), str(a.source)) for a in (pack_anchors or signed_pack_anchors)(uow)]
    recorded = log_audit.RecordedStates()
    chain = changelog.verify_chain(uow.session, anchors=anchors, visit=recorded.visit)
    broken = _logged(uow, chain.broken_seq)
    data = log_audit.check_rows(uow.session, recorded) if check_data and chain.walked else None
    results = tuple(AnchorResult(c.anchor.source, c.anchor.seq, c.anchor.hash, c.status) for c in chain.anchors)
    good = chain.last_good_anchor
    return LogReport(
        ok=chain.ok and (data is None or data.problem_count == 0),
        entries=chain.entries, broken_seq=chain.broken_seq, problem=chain.problem, broken_entry=broken,
        anchors=results,
        last_good_anchor=AnchorResult(good.source, good.seq, good.hash, "holds") if good else None,
        data_checked=data is not None,
        rows_checked=data.rows if data else 0,
        data_problems=tuple(RowIssue(p.table, p.row_id, p.problem, p.message, p.entry)
                            for p in (data.problems if data else ())),
        data_problem_count=data.problem_count if data else 0,
        unvouched_rows=data.unvouched if data else 0,
        checkpoint=LogCheckpoint(chain.head.seq, chain.head.hash) if chain.ok and chain.head else None,
    )


def _refuse_damaged(uow: UnitOfWork) -> None:
    """A damaged SQLite file is said as such before its rows are compared with the log (missing
    pages would otherwise read as rows deleted outside the application)."""
    conn = uow.session.connection()
    if conn.dialect.name != "sqlite":
        return
    damage = first_damage(lambda sql: conn.exec_driver_sql(sql).all())
    if damage is not None:
        raise WorkspaceError(f"the workspace file is damaged ({damage}): its rows cannot be checked against the log",
                             "restore it from your latest backup and run workbench log verify on that; keep the "
                             "damaged file for your IT support")


def verify_log_since(uow: UnitOfWork, checkpoint: LogCheckpoint | None) -> IncrementalLogReport:
    """The chain check from `checkpoint` on, for views that re-check after every change.

    It confirms the checkpoint entry still has the hash it had, then checks each entry appended
    since (its hash and its link) up to the head: the cost is that of the new entries, not of the
    whole log. It does not re-read older entries nor compare the data with the log: `verify_log`
    (the `workbench log verify` command) does, and gives the checkpoint to start from. With no
    checkpoint the whole chain is walked (still without the data).
    """
    require(uow.actor, "read")
    start = changelog.ChainHead(checkpoint.seq, checkpoint.hash) if checkpoint else changelog.ChainHead(
        0, changelog.GENESIS)
    chain = changelog.verify_chain_since(uow.session, start)
    return IncrementalLogReport(
        ok=chain.ok, entries=chain.entries, checked=max(0, chain.entries - start.seq),
        broken_seq=chain.broken_seq, problem=chain.problem, broken_entry=_logged(uow, chain.broken_seq),
        checkpoint=LogCheckpoint(chain.head.seq, chain.head.hash) if chain.ok and chain.head else None,
    )


def _logged(uow: UnitOfWork, seq: int | None) -> LoggedEntry | None:
    """Who wrote entry `seq`, when and what: read as plain columns, so an entry whose other values
    were made unreadable is still named (None when it is gone, or its own columns cannot be read)."""
    if seq is None:
        return None
    try:
        row = uow.session.execute(select(ChangeLogEntry.seq, ChangeLogEntry.at, ChangeLogEntry.actor,
                                         ChangeLogEntry.entity, ChangeLogEntry.entity_id, ChangeLogEntry.action)
                                  .where(ChangeLogEntry.seq == seq)).first()
    except Exception:  # noqa: BLE001 - e.g. its date made unreadable: the problem text still names it
        return None
    return LoggedEntry(*row) if row is not None else None


def signed_pack_anchors(uow: UnitOfWork) -> list[Anchor]:
    """Chain heads recorded inside approved packs' signed PDFs.

    PACK ANCHORS ARE ADDED HERE: `workbench.services.pack_anchors` reads them from the signed
    PDFs (it provides `signed_pack_anchors(uow) -> list[PackAnchor(seq, hash, source)]`); where
    that module is not present there are none.
    """
    try:
        pack_anchors = importlib.import_module("workbench.services.pack_anchors")
    except ModuleNotFoundError as exc:
        if exc.name != "workbench.services.pack_anchors":
            raise
        return []
    return [Anchor(a.seq, a.hash, a.source) for a in pack_anchors.signed_pack_anchors(uow)]


# -- anchor files ------------------------------------------------------------------------------
def anchor_document(uow: UnitOfWork) -> dict[str, Any]:
    """The anchor for the chain as it is now: its head, and its first entry (the workspace)."""
    head = changelog.head(uow.session)
    first = uow.session.get(ChangeLogEntry, 1)
    newest = uow.session.get(ChangeLogEntry, head.seq) if head.seq else None
    if first is None or newest is None:
        raise WorkspaceError("the change log is empty; there is nothing to anchor")
    return {
        "format": ANCHOR_FORMAT,
        "version": ANCHOR_VERSION,
        "workspace": {"first_entry": {"seq": 1, "hash": first.hash, "at": first.at.isoformat()}},
        "head": {"seq": head.seq, "hash": head.hash, "at": newest.at.isoformat()},
        "exported_at": utcnow().isoformat(),
        "exported_by": uow.username,
    }


def export_anchor(uow: UnitOfWork, out: Path, workspace_label: str) -> dict[str, Any]:
    """Write the anchor file `out` (never over an existing file); the export is logged."""
    require(uow.actor, "read")
    out = Path(out)
    if out.exists():
        raise InputError(f"{out} already exists; nothing was written", "choose a new file name for each anchor")
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist; nothing was written", "create it or choose another place")
    doc = anchor_document(uow)
    doc["workspace"]["label"] = workspace_label
    uow.log("change_log", doc["head"]["seq"], "anchor-export", None,
            {"to": str(out), "seq": doc["head"]["seq"], "hash": doc["head"]["hash"]})
    write_file_atomically(out, (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return doc


def read_anchor_file(path: Path) -> list[Anchor]:
    """The two anchors an anchor file holds: the workspace's first entry and the head."""
    path = Path(path)
    where = f"anchor file {path}"
    hint = "give a file written by: workbench log anchor OUT"
    try:
        raw = read_input(path, 1_000_000)
    except OSError as exc:
        raise InputError(f"cannot read {where}: {exc.strerror}", hint) from None
    try:
        text = raw.decode("utf-8")
        if nesting_depth(text) > MAX_NESTING:
            raise InputError(f"{where} nests more than {MAX_NESTING} levels deep; an anchor nests two", hint)
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{where} is not JSON ({exc})", hint) from None
    if not isinstance(doc, dict) or doc.get("format") != ANCHOR_FORMAT:
        raise InputError(f"{where} is not a change-log anchor (its \"format\" is not \"{ANCHOR_FORMAT}\")", hint)
    if doc.get("version") != ANCHOR_VERSION:
        raise InputError(f"{where} has version {doc.get('version')!r}; this workbench reads version "
                         f"{ANCHOR_VERSION}", "install the workbench version that wrote it")
    workspace = doc.get("workspace")
    first = _point(workspace.get("first_entry") if isinstance(workspace, dict) else None, f"{where}: workspace.first_entry", hint)
    head = _point(doc.get("head"), f"{where}: head", hint)
    if first[0] != 1:
        raise InputError(f"{where}: workspace.first_entry.seq is {first[0]}, not 1", hint)
    return [Anchor(1, first[1], f"{path.name} (its workspace's first entry)"), Anchor(head[0], head[1], path.name)]


def _point(value: Any, where: str, hint: str) -> tuple[int, str]:
    if not isinstance(value, dict):
        raise InputError(f"{where} is missing or not an object", hint)
    seq, digest = value.get("seq"), value.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise InputError(f"{where}.seq is {seq!r}; it must be an entry number (1 or more)", hint)
    if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _HEX:
        raise InputError(f"{where}.hash is not a SHA-256 in lowercase hex", hint)
    return seq, digest
