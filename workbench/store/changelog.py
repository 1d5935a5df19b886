"""The tamper-evident change log: each entry hashes its content and its predecessor's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError

from workbench.store.models import ChangeLogEntry, ChangeLogHead, utcnow

GENESIS = "0" * 64


def to_json_safe(value: Any) -> Any:
    """What the log stores: plain JSON (dates as ISO text, sets as sorted lists)."""
    return json.loads(json.dumps(value, default=_default, sort_keys=True))


def _default(obj: Any) -> Any:
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, bytes):
        return hashlib.sha256(obj).hexdigest()
    return str(obj) if not hasattr(obj, "isoformat") else obj.isoformat()


def entry_hash(
    seq: int, at: datetime, actor: str, entity: str, entity_id: str, action: str,
    before: Any, after: Any, prev_hash: str, states: Any = None,
) -> str:
    """The entry's SHA-256 over its canonical JSON; `states` counts only when recorded.

    Entries written before row states were recorded have none, and keep their old hash.
    """
    content = {
        "seq": seq, "at": at.isoformat(), "actor": actor, "entity": entity, "entity_id": entity_id,
        "action": action, "before": before, "after": after, "prev": prev_hash,
    }
    if states is not None:
        content["states"] = states
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_of(e: ChangeLogEntry) -> str:
    return entry_hash(e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash,
                      e.states)


def append(
    session: Session, actor: str, entity: str, entity_id: object, action: str,
    before: Any = None, after: Any = None, states: dict[str, Any] | None = None,
) -> ChangeLogEntry:
    """Append one entry in the caller's transaction, locking the chain head first.

    `states` are the rows the entry vouches for (see `store/log_audit.py`); more may be added
    to the newest entry with `add_states` before the transaction commits.
    """
    head = session.execute(select(ChangeLogHead).where(ChangeLogHead.id == 1).with_for_update()).scalar_one()
    _refuse_broken_head(session, head)
    before, after = to_json_safe(before), to_json_safe(after)
    at = utcnow()
    seq = head.seq + 1
    states = to_json_safe(states or {})
    digest = entry_hash(seq, at, actor, entity, str(entity_id), action, before, after, head.hash, states)
    entry = ChangeLogEntry(
        seq=seq, at=at, actor=actor, entity=entity, entity_id=str(entity_id), action=action,
        before=before, after=after, prev_hash=head.hash, hash=digest, states=states,
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def _refuse_broken_head(session: Session, head: ChangeLogHead) -> None:
    """Nothing is chained onto a head that is not the newest entry: the log was changed outside
    the application, and a new entry would hide where (its link would be the one that breaks)."""
    from workbench.errors import WorkspaceError

    newest = session.execute(select(ChangeLogEntry.seq, ChangeLogEntry.hash)
                             .order_by(ChangeLogEntry.seq.desc()).limit(1)).first()
    if newest is None and head.seq == 0:
        return
    if newest is not None and newest.seq == head.seq and newest.hash == head.hash and _newest_intact(session, head.seq):
        return
    if newest is None:
        what = f"the change log's head says entry {head.seq}, but the log holds no entry"
    elif newest.seq != head.seq:
        what = f"the change log's head says entry {head.seq}, but its newest entry is {newest.seq}"
    elif newest.hash != head.hash:
        what = f"the change log's head names another hash than its newest entry ({newest.seq})"
    else:
        what = f"the newest change-log entry ({newest.seq}) no longer has the hash of its own content"
    raise WorkspaceError(
        what + ": the log was changed outside the application, so nothing more is written to it; nothing was saved",
        "run workbench log verify to see what changed, then restore the workspace from a backup made before it")


def _newest_intact(session: Session, seq: int) -> bool:
    """Whether the newest entry still has the hash of its own content (a forged entry whose hash
    and the head's were both set to a made-up value does not). Checked once per transaction."""
    checked = session.info.setdefault("workbench.changelog.intact", set())
    if seq in checked:
        return True
    try:
        entry = session.get(ChangeLogEntry, seq)
        intact = entry is not None and _hash_of(entry) == entry.hash
    except Exception:  # noqa: BLE001 - an entry that cannot be read is not intact
        return False
    if intact:
        checked.add(seq)
    return intact


def is_head(session: Session, entry: ChangeLogEntry) -> bool:
    """Is `entry` (appended in this transaction) still the newest entry of the chain?"""
    state = inspect(entry)
    if state.deleted or state.detached or state.was_deleted:
        return False
    head_row = session.get(ChangeLogHead, 1)
    try:
        return head_row is not None and head_row.seq == entry.seq and head_row.hash == entry.hash
    except ObjectDeletedError:  # its row went with a rolled-back savepoint
        return False


def add_states(session: Session, entry: ChangeLogEntry, states: dict[str, Any]) -> None:
    """Record more row states on `entry`, which must still be the head of this transaction.

    The entry is rehashed and the head follows; nothing links to it yet, so no chain breaks.
    """
    head = session.execute(select(ChangeLogHead).where(ChangeLogHead.id == 1).with_for_update()).scalar_one()
    if head.seq != entry.seq or head.hash != entry.hash:
        raise RuntimeError(f"change-log entry {entry.seq} is no longer the head; cannot add row states")
    merged = {table: dict(rows) for table, rows in (entry.states or {}).items()}
    for table, rows in to_json_safe(states).items():
        merged.setdefault(table, {}).update(rows)
    entry.states = merged
    entry.hash = _hash_of(entry)
    head.hash = entry.hash
    session.flush()


@dataclass(frozen=True)
class Anchor:
    """A chain head kept outside the workspace: entry `seq` had hash `hash` (from `source`)."""

    seq: int
    hash: str
    source: str


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    #: "holds": the entry still has that hash; "differs": it was rewritten; "missing": the log
    #: no longer reaches that entry (entries were removed); "unchecked": the walk stopped earlier
    status: str
    found_hash: str | None = None


@dataclass(frozen=True)
class ChainHead:
    """The newest entry of the change log: what an anchor records."""

    seq: int
    hash: str


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_seq: int | None = None
    problem: str = ""
    anchors: tuple[AnchorCheck, ...] = ()
    #: the newest anchor that still holds below the first one that does not (None: none held)
    last_good_anchor: Anchor | None = None
    #: every entry links to the one before and the head names the last: the log is whole
    walked: bool = False
    #: the head the check reached (when it holds): a checkpoint for `verify_chain_since`
    head: ChainHead | None = None


def verify_chain(
    session: Session, batch: int = 2000, anchors: Sequence[Anchor] = (),
    visit: Callable[[ChangeLogEntry], None] | None = None,
) -> ChainCheck:
    """Walk the log in order and report the first entry whose hash or link is wrong.

    Each anchor is compared with the entry it names: a chain rewritten from any entry on (even
    with every hash recomputed) differs from every anchor taken after that entry. `visit` sees
    each entry once its hash has been checked.
    """
    by_seq: dict[int, list[Anchor]] = {}
    for a in anchors:
        by_seq.setdefault(a.seq, []).append(a)
    seen: dict[int, str] = {}
    count, prev, broken = _walk(session, 0, GENESIS, batch, by_seq, seen, visit)
    checks = tuple(_check_anchor(a, seen, count, broken is None) for a in sorted(anchors, key=lambda a: a.seq))
    bad = [c for c in checks if c.status in ("differs", "missing")]
    last_good = None
    if bad:
        first_bad = bad[0].anchor.seq
        good = [c.anchor for c in checks if c.status == "holds" and c.anchor.seq < first_bad]
        last_good = good[-1] if good else None
    if broken is not None:
        return ChainCheck(False, count, broken[0], broken[1], checks, last_good)
    if bad:
        return ChainCheck(False, count, (last_good.seq if last_good else 0) + 1, _anchor_problem(bad[0], last_good),
                          checks, last_good, walked=True)
    return ChainCheck(True, count, anchors=checks, walked=True, head=ChainHead(count, prev))


def _walk(
    session: Session, last_seq: int, prev: str, batch: int, by_seq: dict[int, list[Anchor]],
    seen: dict[int, str], visit: Callable[[ChangeLogEntry], None] | None,
) -> tuple[int, str, tuple[int | None, str] | None]:
    """Check every entry after `last_seq` (whose hash is `prev`) up to the head: (entries in the
    log as far as it holds, the last good hash, the first problem or None)."""
    count = last_seq
    expected_seq = last_seq + 1
    broken: tuple[int | None, str] | None = None
    while broken is None:
        try:
            rows = session.execute(
                select(ChangeLogEntry).where(ChangeLogEntry.seq > last_seq).order_by(ChangeLogEntry.seq).limit(batch)
            ).scalars().all()
        except Exception:  # a value no column type reads (broken JSON, text for a date): find which entry
            bad = _unreadable_entry(session, last_seq, batch)
            broken = bad or (last_seq + 1, f"an entry after {last_seq} cannot be read: it was altered outside "
                                           "the application")
            break
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                broken = (expected_seq, f"entry {expected_seq} is missing")
            elif e.prev_hash != prev:
                broken = (e.seq, f"entry {e.seq} does not link to entry {e.seq - 1}")
            elif _hash_of(e) != e.hash:
                broken = (e.seq, f"entry {e.seq} was altered after it was written")
            if broken is not None:
                break
            if e.seq in by_seq:
                seen[e.seq] = e.hash
            if visit is not None:
                visit(e)
            prev = e.hash
            count += 1
            expected_seq += 1
            last_seq = e.seq
        session.expunge_all()
    if broken is None:
        head_row = session.get(ChangeLogHead, 1)
        if head_row is None:
            broken = (None, "the change-log head record is missing")
        elif head_row.seq > count:
            broken = (count + 1, f"the log ends at entry {count} but its head names entry {head_row.seq}; "
                                 "entries were removed")
        elif head_row.seq < count:
            broken = (head_row.seq + 1, f"the log goes on to entry {count} but its head names entry {head_row.seq}; "
                                        "the head was set back or entries were added outside the application")
        elif head_row.hash != prev:
            broken = (count, f"the change-log head's hash was altered: it no longer matches entry {count}, "
                             "the last entry")
    return count, prev, broken


def _unreadable_entry(session: Session, last_seq: int, batch: int) -> tuple[int, str] | None:
    """The first entry after `last_seq` (within a batch) whose stored values cannot be read."""
    seqs = session.execute(select(ChangeLogEntry.seq).where(ChangeLogEntry.seq > last_seq)
                           .order_by(ChangeLogEntry.seq).limit(batch)).scalars().all()
    for seq in seqs:
        try:
            session.execute(select(ChangeLogEntry).where(ChangeLogEntry.seq == seq)).scalars().all()
        except Exception as exc:  # noqa: BLE001 - its reason is reported
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
            return seq, f"entry {seq} cannot be read ({reason}): it was altered outside the application"
    return None


def verify_chain_since(session: Session, checkpoint: ChainHead, batch: int = 2000) -> ChainCheck:
    """Check only what was appended after `checkpoint` (the head of an earlier full check): that
    entry still has the hash it had then, and every later entry its own hash and its link, up to
    the head. Cheap enough to run after every change; it cannot see an entry before the checkpoint
    being rewritten (the full `verify_chain` does), only that the checkpoint itself still holds.
    """
    if checkpoint.seq < 0 or (checkpoint.seq == 0 and checkpoint.hash != GENESIS):
        raise ValueError(f"not a checkpoint: {checkpoint}")
    if checkpoint.seq > 0:
        e = session.get(ChangeLogEntry, checkpoint.seq)
        if e is None:
            return ChainCheck(False, 0, checkpoint.seq,
                              f"entry {checkpoint.seq}, intact at the last check, is missing; entries were removed")
        if e.hash != checkpoint.hash or _hash_of(e) != e.hash:
            return ChainCheck(False, 0, checkpoint.seq,
                              f"entry {checkpoint.seq} was altered after the last check found it intact")
        session.expunge(e)
    count, prev, broken = _walk(session, checkpoint.seq, checkpoint.hash, batch, {}, {}, None)
    if broken is not None:
        return ChainCheck(False, count, broken[0], broken[1])
    return ChainCheck(True, count, walked=True, head=ChainHead(count, prev))


def _check_anchor(a: Anchor, seen: dict[int, str], count: int, complete: bool) -> AnchorCheck:
    if a.seq in seen:
        return AnchorCheck(a, "holds" if seen[a.seq] == a.hash else "differs", seen[a.seq])
    if a.seq == 0:
        return AnchorCheck(a, "holds" if a.hash == GENESIS else "differs", GENESIS)
    return AnchorCheck(a, "missing" if complete and a.seq > count else "unchecked")


def _anchor_problem(bad: AnchorCheck, last_good: Anchor | None) -> str:
    a = bad.anchor
    since = (f"the last anchor that holds is entry {last_good.seq} ({last_good.source}), so entry "
             f"{last_good.seq + 1} is the first that cannot be trusted") if last_good else (
             "no earlier anchor holds, so entry 1 is the first that cannot be trusted")
    if bad.status == "missing":
        return f"entries were removed: {a.source} records entry {a.seq} but the log now ends before it; {since}"
    return (f"the log was rewritten: {a.source} records entry {a.seq} with hash {a.hash[:16]}…, the log now has "
            f"{(bad.found_hash or '')[:16]}…; {since}")


def head(session: Session) -> ChainHead:
    """The chain's current head (entry number and hash) as this transaction sees it."""
    row = session.get(ChangeLogHead, 1)
    if row is None:
        return ChainHead(0, GENESIS)
    return ChainHead(row.seq, row.hash)
