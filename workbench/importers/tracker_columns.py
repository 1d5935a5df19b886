"""Which tracker column holds which field of the register, suggested from names and contents.

Every column is mapped to one field or to none; a column mapped to none is kept as a note on the
finding, never dropped. The suggestion is only a suggestion: the user can change every mapping
(`--map "Column=field"` on the command line, one combo per column in the app).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.importers.tracker_read import TrackerError, TrackerTable
from workbench.importers.tracker_values import STATUS_WORDS, read_date, read_rag, status_key

#: the register's fields a tracker column can fill, and their words for people
FIELDS = {
    "reference": "Reference",
    "text": "Finding text",
    "source": "Source (report or inspection)",
    "kind": "Kind (AFI, recommendation, cause of concern)",
    "owner": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "rag": "RAG",
    "update": "Latest update",
}
NOTE = ""  # a column kept as a note

#: header words for each field, most specific first
_NAMES: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "rec no", "rec number", "recommendation number", "afi number", "number",
                  "no", "id", "hmicfrs ref", "item"),
    "text": ("recommendation", "finding", "area for improvement", "afi", "cause of concern", "description",
             "recommendation text", "finding text", "detail", "issue"),
    "source": ("source", "report", "inspection", "report title", "inspection report", "publication"),
    "kind": ("type", "kind", "category", "finding type"),
    "owner": ("owner", "lead", "responsible officer", "action owner", "accountable", "responsible", "slt lead",
              "chief officer lead", "lead officer"),
    "due_date": ("due date", "due", "target date", "deadline", "completion date", "target", "date due",
                 "target completion"),
    "status": ("status", "progress status", "current status", "state"),
    "rag": ("rag", "rag status", "rag rating", "brag", "rating"),
    "update": ("latest update", "update", "progress update", "progress", "comments", "commentary",
               "latest position", "current position", "notes"),
}
_REF_PATTERN = re.compile(r"^(?:[a-z]{1,8}[\s\-_/.]*)?\d{1,3}(?:[.\-/]\d{1,3})*[a-z]?$|^(?:afi|rec|r|coc)\s*\d+",
                          re.IGNORECASE)


@dataclass(frozen=True)
class ColumnSuggestion:
    index: int
    name: str
    field: str  # a key of FIELDS, or "" (kept as a note)
    why: str  # "named 'Owner'", "its values are dates" ...
    samples: tuple[str, ...]


def _norm(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def _name_score(field: str, header: str) -> int:
    h = _norm(header)
    best = 0
    for rank, word in enumerate(_NAMES[field]):
        score = 0
        if h == word:
            score = 100 - rank
        elif re.search(rf"\b{re.escape(word)}\b", h):
            score = 60 - rank
        best = max(best, score)
    return best


def _content_field(values: Sequence[object], fills: Sequence[str]) -> tuple[str, str]:
    """A field the column's values look like, with why (for columns whose names say nothing)."""
    texts = [v for v in values if v is not None and str(v).strip()]
    if not texts:
        if fills and sum(1 for f in fills if f) * 2 >= len(fills):
            return "rag", "its cells are coloured"
        return "", ""
    n = len(texts)
    if sum(1 for v in texts if read_date(v).value is not None) * 4 >= n * 3:
        return "due_date", "its values are dates"
    if sum(1 for v in texts if status_key(str(v)) in STATUS_WORDS) * 4 >= n * 3:
        return "status", "its values are statuses"
    if sum(1 for v in texts if read_rag(v)[0] and not read_rag(v)[1]) * 4 >= n * 3 and \
            all(len(str(v)) <= 12 for v in texts):
        return "rag", "its values are RAG ratings"
    if sum(1 for v in texts if _REF_PATTERN.match(str(v).strip())) * 4 >= n * 3:
        return "reference", "its values look like references"
    if sum(len(str(v)) for v in texts) / n >= 50:
        return "text", "its values are long texts"
    return "", ""


def suggest_mapping(table: TrackerTable, given: Mapping[str, str] | None = None) -> tuple[ColumnSuggestion, ...]:
    """One suggestion per column. `given` ("Column name" -> field or "" for a note) overrides it;
    a field goes to one column at most."""
    given = dict(given or {})
    check_mapping(table, given)
    columns = list(table.headers)
    samples = {i: tuple(dict.fromkeys(t for t in (r.text(i) for r in table.rows) if t))[:3]
               for i in range(len(columns))}
    chosen: dict[int, tuple[str, str]] = {}
    taken: set[str] = set()
    for i, name in enumerate(columns):
        if name in given:
            chosen[i] = (given[name], "chosen by you")
            if given[name]:
                taken.add(given[name])
    # by name: the best-scoring column for each field
    scores = sorted(((_name_score(f, name), i, f) for i, name in enumerate(columns) if i not in chosen
                     for f in FIELDS), reverse=True)
    for score, i, f in scores:
        if score <= 0 or i in chosen or f in taken:
            continue
        chosen[i] = (f, f"named '{columns[i]}'")
        taken.add(f)
    # by content, for columns whose names said nothing
    for i, _name in enumerate(columns):
        if i in chosen:
            continue
        values = [r.cells[i].value for r in table.rows[:200]]
        fills = [r.cells[i].fill for r in table.rows[:200]]
        f, why = _content_field(values, fills)
        if f and f not in taken:
            chosen[i] = (f, why)
            taken.add(f)
    out = []
    for i, name in enumerate(columns):
        f, why = chosen.get(i, (NOTE, "kept as a note"))
        out.append(ColumnSuggestion(i, name, f, why if f else (why if why == "chosen by you" else "kept as a note"),
                                    samples[i]))
    return tuple(out)


def check_mapping(table: TrackerTable, given: Mapping[str, str]) -> None:
    """Refuse a mapping naming a column the tracker lacks, a field that does not exist, or one field twice."""
    seen: dict[str, str] = {}
    for column, field in given.items():
        if column not in table.headers:
            raise TrackerError(f"the tracker has no column '{column}'", table.path, row=table.header_row,
                               hint="its columns are: " + ", ".join(f"'{h}'" for h in table.headers))
        if field and field not in FIELDS:
            raise TrackerError(f"'{field}' is not a field of the register", table.path, column=column,
                               hint=f"map a column to one of: {', '.join(FIELDS)}, or to 'note' to keep it as a note")
        if field and field in seen:
            raise TrackerError(f"both '{seen[field]}' and '{column}' are mapped to {field}", table.path,
                               hint="map one column to each field")
        if field:
            seen[field] = column


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """"Column name=field" strings (field 'note' or empty keeps the column as a note)."""
    out: dict[str, str] = {}
    for option in options:
        column, sep, field = option.rpartition("=")
        if not sep or not column.strip():
            raise TrackerError(f"'{option}' is not COLUMN=FIELD", hint='e.g. --map "Rec No=reference"')
        field = field.strip().lower().replace(" ", "_").replace("-", "_")
        out[column.strip()] = "" if field in ("", "note", "notes", "none") else field
    return out
