"""Bringing in the force's own tracker: a preview of what happens to every row, then one import.

`preview_tracker` reads the file (importers/tracker_read.py), suggests the column mapping
(importers/tracker_columns.py) and says, row by row, what the import would do: create a finding
under a source, update finding X with these changes, leave it unchanged, skip it (with the reason)
or refuse it as a conflict (a reference twice in the file, a reference or text matching two
findings, a required field missing). Nothing is written by a preview.

`import_tracker` plans again inside one writing unit of work, refuses a file that changed since
the preview, and applies every row's plan through the register's own services, so each change
is checked and logged as if made by hand: the finding and its source created
(services/register.py), owner, due date (the finding's target date) and the columns mapped to
no field (the finding's notes) updated (services/findings.py), the status moved step by step on
the force's line (services/register_status.py; closure stays two steps with evidence, never an
import), the RAG rating and latest update added as a dated comment on that line. Each row's key
is remembered (`tracker_rows`), so importing the tracker again, or an updated copy, updates the
same findings. All or nothing: any failure rolls the whole import back.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypedDict

from workbench.errors import InputError
from workbench.importers.tracker_columns import FIELDS, ColumnSuggestion, suggest_mapping
from workbench.importers.tracker_read import TrackerRow as SheetRow
from workbench.importers.tracker_read import TrackerTable, merged_across, read_tracker
from workbench.importers.tracker_values import (
    STATUS_WORDS,
    DateReading,
    clean_text,
    column_convention,
    read_date,
    read_rag,
    settle_ambiguous,
    status_key,
)
from workbench.services import finding_status as fs
from workbench.services.access import require
from workbench.services.findings_matching import squash
from workbench.services.tracker_match import (
    KnownFinding,
    Register,
    kind_of,
    merge_notes,
    notes_block,
    row_key,
    source_type_of,
)
from workbench.store.models import TrackerRow, utcnow
from workbench.store.uow import UnitOfWork, writes
from workbench.wording import counted, plural

CREATE, UPDATE, UNCHANGED, SKIP, CONFLICT = "create", "update", "unchanged", "skip", "conflict"
ACTIONS = (CREATE, UPDATE, UNCHANGED, SKIP, CONFLICT)
DEFAULT_KIND = "recommendation"
DEFAULT_SOURCE_TYPE = "thematic"

Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class RowPlan:
    row: int  # the sheet row
    action: str  # create | update | unchanged | skip | conflict
    reference: str
    source: str  # the source it is (or will be) under
    finding_id: int | None  # the finding updated
    finding: str  # "PEEL 2023-25 / AFI 3"
    reason: str  # how it matched, or why it is skipped or in conflict
    changes: tuple[str, ...] = ()  # what the import does, in words
    warnings: tuple[str, ...] = ()  # values flagged and not applied
    merged: tuple[str, ...] = ()  # "Reference from merged cells A5:A7"
    kept: tuple[tuple[str, str], ...] = ()  # columns mapped to no field: (column, value), kept as notes
    # what the import needs to apply it (plain values)
    key: str = ""
    text: str = ""
    kind: str = ""
    new_source_type: str = ""  # set when the source is to be created
    source_id: int | None = None
    owner: str | None = None
    due: date | None = None
    status_steps: tuple[str, ...] = ()
    status_word: str = ""
    comment: str = ""
    notes: str | None = None  # the finding's notes after the import, when they change
    notes_block: str = ""


@dataclass(frozen=True)
class TrackerPreview:
    path: str
    kind: str
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int
    sha256: str
    columns: tuple[ColumnSuggestion, ...]
    rows: tuple[RowPlan, ...]
    notes: tuple[str, ...]
    status_words: dict[str, str]
    counts: dict[str, int] = field(default_factory=dict)
    sources_to_create: tuple[str, ...] = ()
    #: each status word the tracker uses, as written, and the force's state it means ("" = not on the line)
    statuses_seen: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TrackerImported:
    path: str
    created: int
    updated: int
    unchanged: int
    skipped: int
    conflicts: int
    sources_created: tuple[str, ...]
    finding_ids: tuple[int, ...]


def status_options(options: Sequence[str]) -> dict[str, str]:
    """"Word=state" strings (a tracker's own status word and the force's state it means)."""
    out: dict[str, str] = {}
    for option in options:
        word, sep, state = option.rpartition("=")
        state = state.strip().lower()
        if not sep or not word.strip():
            raise InputError(f"'{option}' is not WORD=STATE", "e.g. --status \"Parked=in progress\"")
        if state not in fs.FORCE_STATES:
            raise InputError(f"'{state}' is not on the force's status line",
                             f"the states are: {', '.join(fs.FORCE_STATES)}")
        out[status_key(word)] = state
    return out


def preview_tracker(uow: UnitOfWork, path: str | Path, mapping: Mapping[str, str] | None = None, *,
                    sheet: str | None = None, status_words: Mapping[str, str] | None = None,
                    default_source: str | None = None, source_type: str = DEFAULT_SOURCE_TYPE,
                    encoding: str | None = None, today: date | None = None) -> TrackerPreview:
    """What importing the tracker would do to every row. Writes nothing."""
    require(uow.actor, "read")
    table = read_tracker(path, sheet, encoding)
    return _plan(uow, table, mapping, status_words, default_source, source_type, today)


def _plan(uow: UnitOfWork, table: TrackerTable, mapping: Mapping[str, str] | None,
          status_words: Mapping[str, str] | None, default_source: str | None, source_type: str,
          today: date | None) -> TrackerPreview:
    from workbench.services.register import SOURCE_TYPES

    if source_type not in SOURCE_TYPES:
        raise InputError(f"unknown source type '{source_type}'", f"choose one of: {', '.join(SOURCE_TYPES)}")
    columns = suggest_mapping(table, mapping)
    col = {c.field: c.index for c in columns if c.field}
    words = {**STATUS_WORDS, **{status_key(k): v for k, v in (status_words or {}).items()}}
    reg = Register(uow)
    default = None
    if default_source:
        hits = reg.source_named(default_source)
        if len(hits) != 1:
            raise InputError(f"'{default_source}' names {plural(len(hits), 'source')} in the register",
                             "give a source's id or exact title (workbench register list)")
        default = hits[0]
    tracker = Path(table.path).name
    dates = _dates(table, col.get("due_date"))
    ctx = _Context(reg, col, words, default, source_type, tracker, dates, today or date.today())
    ctx.headers = list(table.headers)
    drafts = [ctx.draft(r) for r in table.rows]
    plans = _settle(drafts, ctx)
    counts = Counter(p.action for p in plans)
    new_sources = tuple(dict.fromkeys(p.source for p in plans if p.new_source_type and p.action == CREATE))
    notes = list(table.notes)
    if "due_date" in col:
        notes.append("dates like 03/04/2025 are read day first (3 April 2025), the UK convention"
                     if dates[1] == "day first" else
                     "the due dates mix day-first and month-first dates: those that could be either are flagged")
    seen: dict[str, str] = {}
    if "status" in col:
        for r, plan in zip(table.rows, plans, strict=True):
            word = r.text(col["status"])
            if plan.action != SKIP and word and status_key(word) not in {status_key(w) for w in seen}:
                seen[word] = words.get(status_key(word), "")
    return TrackerPreview(table.path, table.kind, table.sheet, table.sheets, table.header_row, table.sha256,
                          columns, tuple(plans), tuple(notes), dict(words),
                          {a: counts.get(a, 0) for a in ACTIONS}, new_sources, tuple(seen.items()))


def _dates(table: TrackerTable, index: int | None) -> tuple[dict[int, DateReading], str]:
    if index is None:
        return {}, "day first"
    readings = {r.number: read_date(r.cells[index].value) for r in table.rows}
    convention = column_convention(list(readings.values()))
    return {n: settle_ambiguous(rd, convention, clean_text(table.rows[i].cells[index].value))
            for i, (n, rd) in enumerate(readings.items())}, convention


class _RowBase(TypedDict):
    """What every plan of a row says of the row itself (RowPlan's fields of the same names)."""
    row: int
    reference: str
    merged: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]


class _KeyedBase(_RowBase):
    """The row's own fields, its source's label and its key: a plan that is not a skip."""
    source: str
    key: str


@dataclass
class _Draft:
    row: SheetRow
    values: dict[str, str]
    plan: RowPlan


class _Context:
    def __init__(self, reg: Register, col: dict[str, int], words: dict[str, str], default, source_type: str,
                 tracker: str, dates: tuple[dict[int, DateReading], str], today: date) -> None:
        self.reg, self.col, self.words, self.default = reg, col, words, default
        self.source_type, self.tracker, self.dates, self.today = source_type, tracker, dates[0], today
        self.headers: list[str] = []

    def value(self, row: SheetRow, name: str) -> str:
        return row.text(self.col[name]) if name in self.col else ""

    def draft(self, row: SheetRow) -> _Draft:
        values = {name: self.value(row, name) for name in FIELDS}
        merged = tuple(f"{FIELDS[n]} from merged cells {row.cells[i].merged}"
                       for n, i in self.col.items() if row.cells[i].merged)
        kept = tuple((self._header(i), row.text(i)) for i in range(len(row.cells))
                     if i not in self.col.values() and row.text(i))
        base = _RowBase(row=row.number, reference=values["reference"], merged=merged, kept=kept)
        spans = {c.merged for c in row.cells if c.value is not None}
        heading = len(spans) == 1 and merged_across(next(iter(spans)))
        if heading or (not values["reference"] and not values["text"]):
            why = (f"a heading across the row (one merged cell, {next(iter(spans))}), not a finding" if heading
                   else "no reference and no finding text")
            return _Draft(row, values, RowPlan(action=SKIP, source="", finding_id=None, finding="", reason=why,
                                               row=base["row"], reference=base["reference"], merged=merged))
        source_name = values["source"]
        source_id, new_type, label, problem = None, "", "", ""
        if source_name:
            hits = self.reg.source_named(source_name)
            if len(hits) > 1:
                problem = (f"the source '{source_name}' names {len(hits)} sources in the register: "
                           + ", ".join(h.title for h in hits[:3]))
            elif hits:
                source_id, label = hits[0].id, hits[0].label
            else:
                label = source_name[:400]
                new_type = source_type_of(source_name) or self.source_type
        elif self.default is not None:
            source_id, label = self.default.id, self.default.label
        key = row_key(source_name or (self.default.title if self.default else ""), values["reference"],
                      values["text"])
        keyed = _KeyedBase(**base, source=label, key=key)
        if problem:
            return _Draft(row, values, RowPlan(action=CONFLICT, finding_id=None, finding="", reason=problem, **keyed))
        found, how, conflict = self._match(key, values, source_id, bool(new_type))
        if conflict:
            return _Draft(row, values, RowPlan(action=CONFLICT, finding_id=None, finding="", reason=conflict,
                                               **keyed))
        if found is None:
            missing = [FIELDS[n] for n in ("reference", "text") if not values[n]]
            if not label:
                missing.append("source (map the source column, or choose the source the tracker is about)")
            if missing:
                return _Draft(row, values, RowPlan(
                    action=CONFLICT, finding_id=None, finding="", reason="a new finding needs: " + "; ".join(missing),
                    **keyed))
            return _Draft(row, values, self._create(row, values, keyed, source_id, new_type, label))
        return _Draft(row, values, self._update(row, values, keyed, found, how))

    def _header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else f"Column {index + 1}"

    def _match(self, key: str, values: dict[str, str], source_id: int | None,
               new_source: bool) -> tuple[KnownFinding | None, str, str]:
        remembered = self.reg.keys.get(key)
        if remembered is not None and remembered[0] in self.reg.findings:
            return self.reg.findings[remembered[0]], "the same tracker row as last time", ""
        if new_source:
            return None, "", ""
        ref, text = values["reference"], values["text"]
        if ref:
            hits = self.reg.by_reference(ref, source_id)
            if len(hits) > 1:
                return None, "", (f"the reference '{ref}' matches {len(hits)} findings: "
                                  + ", ".join(h.label for h in hits[:4])
                                  + " (map the source column, or choose the source the tracker is about)")
            if hits:
                return hits[0], "its reference", ""
        if text:
            hits = self.reg.by_text(text, source_id)
            if len(hits) > 1:
                return None, "", (f"the finding text matches {len(hits)} findings: "
                                  + ", ".join(h.label for h in hits[:4]))
            if hits:
                return hits[0], "its text", ""
        return None, "", ""

    # -- the row's values ----------------------------------------------------------------------
    def _common(self, row: SheetRow, values: dict[str, str], current_status: str, warnings: list[str]
                ) -> tuple[date | None, tuple[str, ...], str]:
        due = None
        if "due_date" in self.col:
            reading = self.dates.get(row.number, DateReading(None))
            if reading.problem:
                warnings.append(f"due date {reading.problem}: not set")
            due = reading.value
        steps: tuple[str, ...] = ()
        word = values["status"]
        if word:
            state = self.words.get(status_key(word))
            if not state:  # "" is a word the user said is not on the line
                warnings.append(f"status '{word}' is not on the force's status line ({', '.join(fs.FORCE_STATES)}): "
                                f"not applied (say what it means with --status \"{word}=STATE\" on the command line)")
            else:
                steps = self._steps(current_status, state, word, warnings)
        rag, problem = ("", "")
        if "rag" in self.col:
            cell = row.cells[self.col["rag"]]
            rag, problem = read_rag(cell.value, cell.fill)
            if problem:
                warnings.append(f"RAG {problem}: not recorded")
        update = values["update"]
        comment = ""
        if rag or update:
            comment = f"Tracker update{f' (RAG {rag})' if rag else ''}" + (f": {update}" if update else "")
        return due, steps, comment

    def _steps(self, current: str, target: str, word: str, warnings: list[str]) -> tuple[str, ...]:
        if current in (fs.PROPOSED, fs.CLOSED):
            if target != current:
                warnings.append(f"the register has it '{current}'; an import does not reopen it or withdraw a "
                                f"closure proposal (the tracker says '{word}'): move it on the Register page (or with workbench register move)")
            return ()
        if target in fs.FORCE_STATES and current in fs.FORCE_STATES and \
                fs.FORCE_STATES.index(target) < fs.FORCE_STATES.index(current):
            warnings.append(f"the register has it '{current}', ahead of the tracker's '{word}' ({target}): not moved "
                            "back by an import (move it on the Register page, or with workbench register move)")
            return ()
        if target in (fs.PROPOSED, fs.CLOSED):
            warnings.append(f"the tracker says '{word}': closure is recorded in two steps (propose-closure with "
                            "its evidence, then authorise-closure), never by an import; the status goes to "
                            f"'{fs.PENDING_SIGN_OFF}'")
            target = fs.PENDING_SIGN_OFF
        return _path(current, target)

    def _create(self, row: SheetRow, values: dict[str, str], base: _KeyedBase, source_id: int | None, new_type: str,
                label: str) -> RowPlan:
        warnings: list[str] = []
        kind, how = kind_of(values["kind"], values["reference"])
        if not kind:
            kind = DEFAULT_KIND
            warnings.append(f"the kind is not stated: registered as a {DEFAULT_KIND.replace('_', ' ')}")
        due, steps, comment = self._common(row, values, fs.FORCE_START, warnings)
        changes = [f"new {kind.replace('_', ' ')} '{values['reference']}' under "
                   + (f"a new source '{label}' ({new_type})" if new_type else f"'{label}'")]
        if new_type and not source_type_of(label):
            warnings.append(f"the source's type is not in its name: registered as {new_type} "
                            "(choose another with --source-type)")
        owner = values["owner"] or None
        if owner:
            changes.append(f"owner {owner}")
        if due:
            changes.append(f"due {_day(due)}")
        if steps:
            changes.append("status " + " → ".join((fs.FORCE_START, *steps)))
        if comment:
            changes.append(f"comment: {comment[:80]}")
        block = notes_block(list(base["kept"]))
        if block:
            changes.append(f"notes: {counted(len(base['kept']), 'other column')} kept")
        return RowPlan(action=CREATE, finding_id=None, finding="", reason="not in the register", changes=tuple(changes),
                       warnings=tuple(warnings), text=values["text"], kind=kind, new_source_type=new_type,
                       source_id=source_id, owner=owner, due=due, status_steps=steps, status_word=values["status"],
                       comment=comment, notes=block or None, notes_block=block, **base)

    def _update(self, row: SheetRow, values: dict[str, str], base: _KeyedBase, f: KnownFinding, how: str) -> RowPlan:
        warnings: list[str] = []
        due, steps, comment = self._common(row, values, f.status, warnings)
        last = self.reg.keys.get(base["key"], (None, {}))[1]
        changes = []
        owner = values["owner"] if values["owner"] and values["owner"] != f.owner else None
        if owner:
            changes.append(f"owner {f.owner or '—'} → {owner}")
        if due is not None and due == f.target_date:
            due = None
        if due:
            changes.append(f"due {_day(f.target_date)} → {_day(due)}" if f.target_date else
                           f"due {_day(due)}")
        if steps:
            changes.append("status " + " → ".join((f.status, *steps)))
        if comment and comment == last.get("comment"):
            comment = ""  # the same update as last time: not added again
        if comment:
            changes.append(f"comment: {comment[:80]}")
        block = notes_block(list(base["kept"]))
        notes = merge_notes(f.notes, str(last.get("notes", "")), block)
        if notes != f.notes:
            changes.append(f"notes: {counted(len(base['kept']), 'other column')} kept")
        if values["text"] and values["text"] != f.text and not f.text.startswith(values["text"][:200]):
            warnings.append("the tracker's text differs from the register's: the register keeps its own")
        action = UPDATE if changes else UNCHANGED
        return RowPlan(action=action, source=f.source, finding_id=f.id, finding=f.label,
                       reason=f"matched by {how}", changes=tuple(changes), warnings=tuple(warnings),
                       text=values["text"], kind=f.kind, source_id=f.source_id, owner=owner, due=due,
                       status_steps=steps, status_word=values["status"], comment=comment,
                       notes=notes if notes != f.notes else None, notes_block=block,
                       row=base["row"], reference=base["reference"], merged=base["merged"], kept=base["kept"],
                       key=base["key"])


def _path(current: str, target: str) -> tuple[str, ...]:
    """The direct moves on the force's line from `current` to `target` (shortest), or ()."""
    if current == target:
        return ()
    seen: dict[str, tuple[str, ...]] = {current: ()}
    queue = deque([current])
    while queue:
        at = queue.popleft()
        for nxt in fs.direct_moves(fs.FORCE, at):
            if nxt not in seen:
                seen[nxt] = (*seen[at], nxt)
                if nxt == target:
                    return seen[nxt]
                queue.append(nxt)
    return ()


def _settle(drafts: list[_Draft], ctx: _Context) -> list[RowPlan]:
    """Conflicts across rows: a key twice in the file, two rows updating one finding."""
    by_key: dict[str, list[int]] = {}
    for d in drafts:
        if d.plan.action not in (SKIP,) and d.plan.key:
            by_key.setdefault(d.plan.key, []).append(d.row.number)
    by_finding: dict[int, int] = {}
    by_new: dict[tuple[str, str], int] = {}
    out = []
    for d in drafts:
        p = d.plan
        rows = by_key.get(p.key, [])
        if p.action != SKIP and len(rows) > 1:
            what = f"the reference '{p.reference}'" if p.reference else "the same finding text"
            reason = (f"{what} appears on rows {', '.join(map(str, rows))} of the tracker (a duplicate within the "
                      "file): none of them is imported; give each row its own reference, or keep one")
            if p.merged:
                reason += "; " + "; ".join(p.merged)
            p = _conflict(p, reason)
        elif p.finding_id is not None and p.action in (UPDATE, UNCHANGED):
            fid = p.finding_id
            if fid in by_finding:
                p = _conflict(p, f"row {by_finding[fid]} already matches {p.finding}")
            else:
                by_finding[fid] = p.row
        elif p.action == CREATE:
            new = (p.source, squash(p.reference))
            if new in by_new:
                p = _conflict(p, f"row {by_new[new]} already creates '{p.reference}' under {p.source}")
            else:
                by_new[new] = p.row
        out.append(p)
    return out


def _conflict(p: RowPlan, reason: str) -> RowPlan:
    from dataclasses import replace

    return replace(p, action=CONFLICT, reason=reason, changes=())


# -- the import ---------------------------------------------------------------------------------
@writes
def import_tracker(uow: UnitOfWork, path: str | Path, mapping: Mapping[str, str] | None = None, *,
                   expected_sha256: str | None = None, sheet: str | None = None,
                   status_words: Mapping[str, str] | None = None, default_source: str | None = None,
                   source_type: str = DEFAULT_SOURCE_TYPE, encoding: str | None = None, today: date | None = None,
                   progress: Progress | None = None) -> TrackerImported:
    """Import the tracker as its preview says, in this one unit of work (the caller commits it)."""
    from workbench.services import findings as finding_service
    from workbench.services import register as register_service
    from workbench.services import register_status

    require(uow.actor, "findings.edit")
    table = read_tracker(path, sheet, encoding)
    if expected_sha256 is not None and table.sha256 != expected_sha256:
        raise InputError(f"{table.path} has changed since its preview; nothing was imported",
                         "preview it again, check what will happen, then import")
    preview = _plan(uow, table, mapping, status_words, default_source, source_type, today)
    day = today or date.today()
    made_sources: dict[str, int] = {}
    touched: list[int] = []
    todo = [p for p in preview.rows if p.action in (CREATE, UPDATE, UNCHANGED)]
    for done, p in enumerate(todo):
        if progress is not None:
            progress(done, len(todo))
        if p.action == CREATE:
            source_id = p.source_id
            if source_id is None:
                if p.source not in made_sources:
                    made_sources[p.source] = register_service.add_source(uow, p.new_source_type, p.source, None,
                                                                         programme=p.source[:120]).id
                source_id = made_sources[p.source]
            fid = register_service.add_finding(uow, source_id, p.kind, p.reference, p.text, owner=p.owner or "",
                                               target_date=p.due, on=day)
        else:
            assert p.finding_id is not None  # an update or unchanged row names its finding
            fid = p.finding_id
            changes: dict[str, object] = {}
            if p.owner:
                changes["owner"] = p.owner
            if p.due:
                changes["target_date"] = p.due
            if p.notes is not None:
                changes["notes"] = p.notes
            if changes:
                finding_service.update_finding(uow, fid, None, **changes)  # None: no version check
        if p.action == CREATE and p.notes is not None:
            finding_service.update_finding(uow, fid, notes=p.notes)
        for step in p.status_steps:
            register_status.move(uow, fid, fs.FORCE, step, on=day,
                                 comment=f"from the tracker {Path(table.path).name}, row {p.row}: '{p.status_word}'")
        if p.comment:
            register_status.add_comment(uow, fid, fs.FORCE, p.comment, day)
        _remember(uow, p, fid, Path(table.path).name, table.headers)
        touched.append(fid)
    if progress is not None:
        progress(len(todo), len(todo))
    c = preview.counts
    uow.log("tracker", Path(table.path).name, "imported", None,
            {"name": Path(table.path).name, "sha256": table.sha256, "sheet": table.sheet,
             "mapping": {col.name: col.field for col in preview.columns}, **c})
    return TrackerImported(table.path, c[CREATE], c[UPDATE], c[UNCHANGED], c[SKIP], c[CONFLICT],
                           tuple(made_sources), tuple(touched))


def _remember(uow: UnitOfWork, p: RowPlan, finding_id: int, tracker: str, headers: tuple[str, ...]) -> None:
    """Keep the row's key and every column as imported, so a re-import finds this finding again."""
    from sqlalchemy import select

    s = uow.session
    values = {"notes": p.notes_block, "comment": p.comment or _last_comment(s, p.key)}
    t = s.scalar(select(TrackerRow).where(TrackerRow.row_key == p.key))
    if t is not None and (t.finding_id, t.tracker, t.sheet_row, t.values) == (finding_id, tracker, p.row, values):
        return  # the same row as last time: nothing to remember anew
    before = None if t is None else {"name": f"{t.tracker} row {t.sheet_row}", "finding_id": t.finding_id,
                                     "tracker": t.tracker, "sheet_row": t.sheet_row}
    if t is None:
        t = TrackerRow(row_key=p.key, finding_id=finding_id)
        s.add(t)
    t.finding_id, t.tracker, t.sheet_row, t.values = finding_id, tracker, p.row, values
    t.imported_by, t.imported_at = uow.username, utcnow()
    s.flush()
    # "imported “force-tracker.csv row 6”" in the overview's words (services/change_words.py)
    uow.log("tracker_row", t.id, "imported", before,
            {"name": f"{tracker} row {p.row}", "finding_id": finding_id, "tracker": tracker, "sheet_row": p.row,
             "key": p.key})


def _last_comment(session, key: str) -> str:
    from sqlalchemy import select

    t = session.scalar(select(TrackerRow).where(TrackerRow.row_key == key))
    return str((t.values or {}).get("comment", "")) if t is not None else ""


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"
