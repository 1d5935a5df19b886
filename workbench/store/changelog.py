"""The tamper-evident change log: each entry hashes its content and its predecessor's hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    before: Any, after: Any, prev_hash: str,
) -> str:
    payload = json.dumps(
        {
            "seq": seq, "at": at.isoformat(), "actor": actor, "entity": entity, "entity_id": entity_id,
            "action": action, "before": before, "after": after, "prev": prev_hash,
        },
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session, actor: str, entity: str, entity_id: object, action: str,
    before: Any = None, after: Any = None,
) -> ChangeLogEntry:
    """Append one entry in the caller's transaction, locking the chain head first."""
    head = session.execute(select(ChangeLogHead).where(ChangeLogHead.id == 1).with_for_update()).scalar_one()
    before, after = to_json_safe(before), to_json_safe(after)
    at = utcnow()
    seq = head.seq + 1
    digest = entry_hash(seq, at, actor, entity, str(entity_id), action, before, after, head.hash)
    entry = ChangeLogEntry(
        seq=seq, at=at, actor=actor, entity=entity, entity_id=str(entity_id), action=action,
        before=before, after=after, prev_hash=head.hash, hash=digest,
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_seq: int | None = None
    problem: str = ""


def verify_chain(session: Session, batch: int = 2000) -> ChainCheck:
    """Walk the log in order and report the first entry whose hash or link is wrong."""
    prev = GENESIS
    count = 0
    expected_seq = 1
    last_seq = 0
    while True:
        rows = session.execute(
            select(ChangeLogEntry).where(ChangeLogEntry.seq > last_seq).order_by(ChangeLogEntry.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                return ChainCheck(False, count, expected_seq, f"entry {expected_seq} is missing")
            if e.prev_hash != prev:
                return ChainCheck(False, count, e.seq, f"entry {e.seq} does not link to entry {e.seq - 1}")
            digest = entry_hash(
                e.seq, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.prev_hash
            )
            if digest != e.hash:
                return ChainCheck(False, count, e.seq, f"entry {e.seq} was altered after it was written")
            prev = e.hash
            count += 1
            expected_seq += 1
            last_seq = e.seq
        session.expunge_all()
    head = session.get(ChangeLogHead, 1)
    if head is None:
        return ChainCheck(False, count, None, "the change-log head record is missing")
    if head.seq != count or head.hash != prev:
        return ChainCheck(
            False, count, count + 1 if head.seq > count else head.seq,
            f"the log ends at entry {count} but its head names entry {head.seq}; entries were removed",
        )
    return ChainCheck(True, count)


@dataclass(frozen=True)
class ChainHead:
    """The newest entry of the change log: what an anchor records."""

    seq: int
    hash: str


def head(session: Session) -> ChainHead:
    """The chain's current head (entry number and hash) as this transaction sees it."""
    row = session.get(ChangeLogHead, 1)
    if row is None:
        return ChainHead(0, GENESIS)
    return ChainHead(row.seq, row.hash)
