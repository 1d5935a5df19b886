"""What the change log vouches for: the canonical state of every audited row.

Every row a unit of work writes (added, changed or deleted, through the ORM or an ORM bulk
UPDATE/DELETE) is read back from the database at commit and its canonical state is recorded in
that action's newest change-log entry (`ChangeLogEntry.states`, covered by the entry's hash).
`log verify` streams every audited table and compares each row with the state the log last
recorded for it, so a row edited, added or deleted outside the application is named.

One source of truth: `read_states` (used when logging) and `check_rows` (used when verifying)
both canonicalise rows with `row_state`, from the same SELECT of the same audited columns.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, LargeBinary, String, Table, event, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

from workbench.store.models import Base, ChangeLogEntry, audit_findings

#: tables the log itself is made of: the hash chain vouches for them
NOT_AUDITED = frozenset({"change_log", "change_log_head"})
#: strings longer than this are recorded by their SHA-256, not in full
SHORT = 200
#: what people call a row of each table, in messages
KINDS = {
    "users": "user", "force_settings": "setting", "responses": "response", "sampled_cases": "case",
    "sign_offs": "sign-off", "pack_versions": "pack version", "self_assessments": "self-assessment",
    "evidence": "evidence", "evidence_blobs": "evidence file", "evidence_links": "evidence link",
    "findings": "finding", "inspections": "inspection", "key_figures": "key figure",
    "finding_links": "finding link", "measures": "measure", "measure_points": "measure point",
    "actions": "action", "audits": "audit", "audit_templates": "template",
    "template_criteria": "template criterion", "pseudonym_keys": "pseudonym key",
    "reviewer_certificates": "reviewer certificate",
}
#: a column that names the row for people, beside its id
LABELS = {"users": "username", "pack_versions": "number", "findings": "ref", "sampled_cases": "ref",
          "audit_templates": "key", "responses": "criterion_key"}
#: tables with no row id of their own, recorded as a sorted list on their parent's row:
#: {parent table: (state key, child table, parent column, value column)}
CHILD_LISTS: dict[str, tuple[str, Table, str, str]] = {
    "audits": ("findings", audit_findings, "audit_id", "finding_id"),
}
#: rows per SELECT while verifying (evidence files are large)
BATCH = {"evidence_blobs": 8}
#: the key of an entry's states under which it records, for each row it changed or deleted, the
#: digest of the row as it found it (not a table name: tables never start with "#")
BEFORE = "#before"


@functools.cache
def audited_tables() -> dict[str, Table]:
    """Every table whose rows the log vouches for, by name (do not modify the answer)."""
    children = {c[1].name for c in CHILD_LISTS.values()}
    return {name: t for name, t in Base.metadata.tables.items() if name not in NOT_AUDITED | children}


def kind(table: str) -> str:
    return KINDS.get(table, table.replace("_", " "))


def _pk(table: Table) -> Any:
    (col,) = table.primary_key.columns  # every audited table has a one-column id
    return col


def _value(column: Any, value: Any) -> tuple[str, Any]:
    """(key, canonical value): short values as themselves, long ones as `name#sha256`."""
    name = column.name
    if value is None:
        return name, None
    if isinstance(column.type, JSON):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        return (name, json.loads(text)) if len(text) <= SHORT else (f"{name}#sha256", _sha(text.encode()))
    if isinstance(column.type, LargeBinary) or isinstance(value, (bytes, bytearray, memoryview)):
        return f"{name}#sha256", _sha(bytes(value))
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return name, value.isoformat()
    if isinstance(value, dt.date):
        return name, value.isoformat()
    if isinstance(value, str) and len(value) > SHORT:
        return f"{name}#sha256", _sha(value.encode("utf-8"))
    if isinstance(value, (bool, int, float, str)):
        return name, value
    return name, str(value)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_PLAIN = (int, float, bool)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _converter(column: Any) -> Callable[[Any], tuple[str, Any]]:
    """A fast canonicaliser for one column; anything unexpected falls back to `_value`."""
    name = column.name
    impl = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(impl, (Integer, Float, Boolean)):
        return lambda v: (name, v) if v is None or type(v) in _PLAIN else _value(column, v)
    if isinstance(impl, String) and not isinstance(impl, JSON):
        return lambda v: (name, v) if v is None or (type(v) is str and len(v) <= SHORT) else _value(column, v)
    return lambda v: _value(column, v)


@functools.cache
def _converters(table: Table) -> tuple[Callable[[Any], tuple[str, Any]], ...]:
    return tuple(_converter(c) for c in table.columns)


def row_state(table: Table, row: Sequence[Any], children: list[Any] | None = None) -> dict[str, Any]:
    """The canonical record of one row (its values in column order), plus its child list if any."""
    state = dict(conv(v) for conv, v in zip(_converters(table), row, strict=True))
    child = CHILD_LISTS.get(table.name)
    if child is not None:
        state[child[0]] = sorted(children or [])
    return state


def state_digest(state: dict[str, Any] | None) -> str | None:
    if state is None:
        return None
    return _sha(_CANONICAL.encode(state).encode("utf-8"))


def _fetch(session: Session, table: Table, ids: Sequence[Any], lock: bool = False) -> list[Any]:
    pk = _pk(table)
    stmt = select(*table.columns).where(pk.in_(ids)).order_by(pk)
    return list(session.execute(stmt.with_for_update() if lock else stmt).all())


def _select_rows(session: Session, table: Table, ids: Sequence[Any], tolerant: bool = False,
                 lock: bool = False) -> Iterator[tuple[str, dict[str, Any] | None, str]]:
    """(row id, canonical state, "") for the rows of `table` with these ids, in id order.

    `tolerant`: a row whose stored value cannot be read (text in a date column, broken JSON)
    comes back as (row id, None, why) instead of stopping the whole check. `lock`: the rows are
    locked for this transaction as they are read (PostgreSQL's FOR UPDATE: a row another writer
    holds is read once that writer has committed, as it committed it).
    """
    unreadable: dict[Any, str] = {}
    try:
        rows = _fetch(session, table, ids, lock)
    except Exception:
        if not tolerant:
            raise
        rows = []
        for i in ids:
            try:
                rows.extend(_fetch(session, table, [i], lock))
            except Exception as exc:  # the database holds a value no column type accepts
                unreadable[i] = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    index = list(table.columns).index(_pk(table))
    child = CHILD_LISTS.get(table.name)
    lists: dict[Any, list[Any]] = defaultdict(list)
    if child is not None and rows:
        _, ctable, parent_col, value_col = child
        for parent, value in session.execute(select(ctable.c[parent_col], ctable.c[value_col])
                                             .where(ctable.c[parent_col].in_([r[index] for r in rows]))):
            lists[parent].append(value)
    for r in rows:
        yield str(r[index]), row_state(table, r, lists.get(r[index])), ""
    for i, why in unreadable.items():
        yield str(i), None, why


def read_states(session: Session, touched: dict[str, set[Any]]) -> dict[str, dict[str, Any]]:
    """The canonical state now in the database of each touched row (None: it is gone)."""
    tables = audited_tables()
    out: dict[str, dict[str, Any]] = {}
    for name, ids in touched.items():
        table = tables[name]
        found: dict[str, Any] = {str(i): None for i in ids}
        id_list = sorted(ids, key=str)
        for i in range(0, len(id_list), 500):
            found.update((row_id, state) for row_id, state, _ in _select_rows(session, table, id_list[i:i + 500]))
        out[name] = found
    return out


# -- recording: which rows did this unit of work write? -------------------------------------
@dataclass
class RowTracker:
    """Collects the id of every audited row a session writes, until `take` hands them over, and
    the digest of each changed or deleted row as the session found it (`take_before`): the log
    records both, so a row edited outside the application and then changed by it still shows."""

    session: Session
    touched: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    #: {table: {row id: digest of the row before this transaction first wrote it}}
    before: dict[str, dict[str, str | None]] = field(default_factory=lambda: defaultdict(dict))

    def __post_init__(self) -> None:
        event.listen(self.session, "before_flush", self._before_flush)
        event.listen(self.session, "after_flush", self._after_flush)
        event.listen(self.session, "do_orm_execute", self._on_execute)

    def _found(self, session: Session, table: Table, ids: Iterable[Any]) -> None:
        """The rows as the database holds them now, for those not yet written in this transaction:
        locked as they are read, so a row another writer is changing is read as that writer
        committed it (and logged it), not as it was before (which would read as changed outside)."""
        fresh = [i for i in ids if i not in self.touched.get(table.name, ()) and str(i) not in
                 self.before.get(table.name, {})]
        if not fresh:
            return
        found = self.before[table.name]
        for i in range(0, len(fresh), 500):
            for row_id, state, _why in _select_rows(session, table, fresh[i:i + 500], tolerant=True, lock=True):
                found[row_id] = state_digest(state)

    def _before_flush(self, session: Session, _context: object, _instances: object) -> None:
        tables = audited_tables()
        ids: dict[str, list[Any]] = defaultdict(list)
        for obj in (*session.dirty, *session.deleted):
            mapper = getattr(obj, "__mapper__", None)
            if mapper is None or mapper.local_table.name not in tables:
                continue
            (ident,) = mapper.primary_key_from_instance(obj)
            if ident is not None:
                ids[mapper.local_table.name].append(ident)
        for name, found in ids.items():
            self._found(session, tables[name], found)

    def _after_flush(self, session: Session, _context: object) -> None:
        tables = audited_tables()
        for obj in (*session.new, *session.dirty, *session.deleted):
            mapper = getattr(obj, "__mapper__", None)
            if mapper is None or mapper.local_table.name not in tables:
                continue
            (ident,) = mapper.primary_key_from_instance(obj)
            if ident is not None:
                self.touched[mapper.local_table.name].add(ident)

    def _on_execute(self, state: ORMExecuteState) -> Result[Any] | None:
        """An ORM bulk UPDATE or DELETE: note the rows it is about to touch; an ORM bulk INSERT:
        the rows it made, from the ids it must return."""
        if not (state.is_update or state.is_delete or state.is_insert):
            return None
        table = getattr(state.statement, "table", None)
        if not isinstance(table, Table) or table.name not in audited_tables():
            return None
        if state.is_insert:
            return self._inserted(state, table)
        where = getattr(state.statement, "whereclause", None)  # an UPDATE's or DELETE's WHERE
        stmt = select(_pk(table)) if where is None else select(_pk(table)).where(where)
        ids = list(state.session.execute(stmt.with_for_update()).scalars())  # see `_found`
        self._found(state.session, table, ids)
        self.touched[table.name].update(ids)
        return None

    def _inserted(self, state: ORMExecuteState, table: Table) -> Result[Any]:
        key = _pk(table).name
        statement = state.statement
        assert isinstance(statement, Insert)
        if key not in statement.exported_columns.keys():  # its RETURNING columns
            raise RuntimeError(f"a bulk insert into {table.name} must return its {key} (.returning(...)): the "
                               "change log records the state of every row written")
        done = state.invoke_statement().freeze()
        self.touched[table.name].update(row._mapping[key] for row in done())
        return done()  # the statement's result, for its caller

    def take(self) -> dict[str, set[Any]]:
        touched, self.touched = self.touched, defaultdict(set)
        return {k: v for k, v in touched.items() if v}

    def take_before(self) -> dict[str, dict[str, str | None]]:
        before, self.before = self.before, defaultdict(dict)
        return {k: v for k, v in before.items() if v}

    def clear(self) -> None:
        self.touched = defaultdict(set)
        self.before = defaultdict(dict)


# -- checking: does every row match what the log last recorded? -----------------------------
@dataclass
class RecordedStates:
    """Walks the log (as `changelog.verify_chain`'s visitor) keeping each row's last record."""

    #: {table: {row id: (entry seq, digest of the recorded state, or None if recorded deleted)}}
    last: dict[str, dict[str, tuple[int, str | None]]] = field(default_factory=lambda: defaultdict(dict))
    #: some entries predate row states: rows they wrote cannot be vouched for
    legacy_entries: int = 0
    #: rows an entry found other than the log last recorded them: changed outside the application
    #: before the application wrote them again (which alone would leave the data matching the log)
    found_changed: list[RowProblem] = field(default_factory=list)

    def visit(self, entry: ChangeLogEntry) -> None:
        if entry.states is None:
            self.legacy_entries += 1
            return
        for table, rows in (entry.states.get(BEFORE) or {}).items():
            bucket = self.last.get(table, {})
            for row_id, digest in rows.items():
                last = bucket.get(row_id)
                if last is None and self.legacy_entries:
                    continue  # written before the log recorded row states: not vouched for
                if last is None or last[1] != digest:
                    was = ("the log held no record of it" if last is None else
                           f"the log had recorded its deletion in entry {last[0]}" if last[1] is None else
                           f"it no longer matched the log's record of entry {last[0]}")
                    self.found_changed.append(RowProblem(
                        table, row_id, "changed before",
                        f"{kind(table)} {row_id}: was changed outside the application before entry {entry.seq} "
                        f"wrote it again: {was}, and that entry took the altered row as it found it",
                        last[0] if last else None))
        for table, rows in entry.states.items():
            if table == BEFORE:
                continue
            bucket = self.last[table]
            for row_id, state in rows.items():
                bucket[row_id] = (entry.seq, state_digest(state))


@dataclass(frozen=True)
class RowProblem:
    table: str
    row_id: str
    #: "changed" | "unlogged" | "deleted" | "recreated" | "unreadable" | "changed before"
    problem: str
    message: str
    #: the entry that last recorded this row, if any
    entry: int | None = None


@dataclass(frozen=True)
class DataCheck:
    rows: int
    problems: tuple[RowProblem, ...]
    #: rows written before the log recorded row states (an upgraded workspace): not vouched for
    unvouched: int = 0
    #: how many problems there were in all (`problems` lists at most `limit`)
    problem_count: int = 0


def check_rows(session: Session, recorded: RecordedStates, limit: int = 500) -> DataCheck:
    """Stream every audited table in id order and compare each row with its last logged state."""
    problems: list[RowProblem] = []
    count = rows = unvouched = 0

    def add(p: RowProblem) -> None:
        nonlocal count
        count += 1
        if len(problems) < limit:
            problems.append(p)

    for found in recorded.found_changed:
        add(found)
    for name, table in sorted(audited_tables().items()):
        logged = dict(recorded.last.get(name, {}))
        for row_id, state, unreadable in _stream(session, table):
            rows += 1
            last = logged.pop(row_id, None)
            if state is None:
                add(RowProblem(name, row_id, "unreadable", f"{kind(name)} {row_id}: holds a value the application "
                               f"cannot read, written outside it ({unreadable})", last[0] if last else None))
                continue
            label = _label(name, row_id, state)
            if last is None:
                if recorded.legacy_entries:
                    unvouched += 1
                else:
                    add(RowProblem(name, row_id, "unlogged",
                                   f"{label}: has no log entry; it was added outside the application"))
            elif last[1] is None:
                add(RowProblem(name, row_id, "recreated",
                               f"{label}: exists, but the log last recorded its deletion (entry {last[0]})", last[0]))
            elif last[1] != state_digest(state):
                add(RowProblem(name, row_id, "changed", _changed(session, name, row_id, label, state, last[0]),
                               last[0]))
        for row_id, (seq, digest) in sorted(logged.items()):
            if digest is not None:
                add(RowProblem(name, row_id, "deleted",
                               f"{kind(name)} {row_id}: was deleted outside the application; the log last "
                               f"recorded it in entry {seq}", seq))
        session.expunge_all()
    return DataCheck(rows, tuple(problems), unvouched, count)


def _stream(session: Session, table: Table) -> Iterable[tuple[str, dict[str, Any] | None, str]]:
    """Keyset pages in id order, so memory stays flat however big the table."""
    pk = _pk(table)
    size = BATCH.get(table.name, 1000)
    last: Any = None
    while True:
        page = select(pk).order_by(pk).limit(size)
        if last is not None:
            page = page.where(pk > last)
        ids = list(session.execute(page).scalars())
        if not ids:
            return
        yield from _select_rows(session, table, ids, tolerant=True)
        last = ids[-1]


def _label(table: str, row_id: str, state: dict[str, Any]) -> str:
    col = LABELS.get(table)
    name = state.get(col) if col else None
    return f"{kind(table)} {row_id}" + (f" ({name})" if name not in (None, "") and str(name) != row_id else "")


def _changed(session: Session, table: str, row_id: str, label: str, state: dict[str, Any], seq: int) -> str:
    entry = session.get(ChangeLogEntry, seq)
    logged = (((entry.states or {}).get(table) or {}).get(row_id) or {}) if entry is not None else {}
    parts = []
    for column in sorted({k.removesuffix("#sha256") for k in (*state, *logged)}):
        now, then = _form(state, column), _form(logged, column)
        if now == then:
            continue
        if now[0] and then[0]:
            parts.append(f"{column} is {_show(now[1])}, the log last recorded {_show(then[1])}")
        else:
            parts.append(f"{column} differs from what the log last recorded")
    detail = "; ".join(parts) or "it differs from what the log last recorded"
    return f"{label}: {detail} (entry {seq})"


def _form(state: dict[str, Any], column: str) -> tuple[bool, Any]:
    """(recorded in full?, value or digest) of one column of a recorded state."""
    if column in state:
        return True, state[column]
    return False, state.get(f"{column}#sha256")


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)
