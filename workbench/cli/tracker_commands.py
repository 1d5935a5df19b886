"""register import-tracker: bring the force's own Excel or CSV tracker into the register.

The command prints the suggested column mapping and what will happen to every row; it writes
only with --yes (services/tracker_import.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, LazyChoices, LazyModule, add_command, print_json, print_table
from workbench.wording import counted

tracker_import = LazyModule("workbench.services.tracker_import")
tracker_columns = LazyModule("workbench.importers.tracker_columns")

ACTION_WORDS = {"create": "CREATE", "update": "UPDATE", "unchanged": "same", "skip": "SKIP", "conflict": "CONFLICT"}


def add_verbs(verbs: Any) -> None:
    """Add `import-tracker` to the verbs of the `register` command (cli/register_commands.py asks)."""
    t = add_command(verbs, "import-tracker", "import the force's own Excel or CSV tracker of HMICFRS findings: "
                                             "a preview of every row, written only with --yes")
    t.add_argument("file", type=Path, help="the tracker (.xlsx or .csv)")
    t.add_argument("--map", action="append", default=[], metavar='"COLUMN=FIELD"',
                   help="map a column to a field: reference, text, source, kind, owner, due_date, status, rag, "
                        "update, or note (kept as a note); the rest is suggested")
    t.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (default: the first with data)")
    t.add_argument("--status", action="append", default=[], metavar='"WORD=STATE"',
                   help="what one of the tracker's status words means on the force's line, "
                        'e.g. "Parked=in progress"')
    t.add_argument("--source", metavar="SOURCE", dest="default_source",
                   help="the source (id or title) for rows that name none (or when no column names sources)")
    t.add_argument("--source-type", default="thematic", dest="source_type", metavar="SOURCE_TYPE",
                   choices=LazyChoices("workbench.services.register", "SOURCE_TYPES"),
                   help="the type of a new source whose name does not say (default thematic)")
    t.add_argument("--encoding", help="the CSV's text encoding, when it is not found (e.g. cp1252)")
    t.add_argument("--yes", action="store_true", help="import it (without it nothing is written)")
    t.add_argument("--all-rows", action="store_true", help="list unchanged and skipped rows too")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_import_tracker)


def _options(a: argparse.Namespace) -> dict[str, Any]:
    return dict(mapping=tracker_columns.parse_map_options(a.map) or None, sheet=a.sheet,
                status_words=tracker_import.status_options(a.status), default_source=a.default_source,
                source_type=a.source_type, encoding=a.encoding)


def cmd_import_tracker(ctx: CliContext) -> int:
    a = ctx.args
    options = _options(a)
    with ctx.uow(write=False) as uow:
        preview = tracker_import.preview_tracker(uow, a.file, **options)
    if not a.yes:
        if a.json:
            print_json({"preview": preview, "imported": None})
        else:
            _print_preview(preview, a.all_rows)
            print()
            print("nothing was imported; check the mapping and the rows, then run again with --yes "
                  "(change a column's field with --map \"COLUMN=FIELD\")")
        return 0
    with ctx.uow() as uow:
        done = tracker_import.import_tracker(uow, a.file, expected_sha256=preview.sha256, **options)
    if a.json:
        print_json({"preview": preview, "imported": done})
        return 0
    _print_preview(preview, a.all_rows)
    print()
    print(f"imported {Path(done.path).name}: {done.created} created, {done.updated} updated, "
          f"{done.unchanged} unchanged, {done.skipped} skipped, {done.conflicts} in conflict (not imported)"
          + (f"; new sources: {', '.join(done.sources_created)}" if done.sources_created else ""))
    return 0


def _print_preview(p: Any, all_rows: bool) -> None:
    where = f", sheet '{p.sheet}'" if p.sheet else ""
    print(f"{Path(p.path).name} ({p.kind}{where}): header on row {p.header_row}, {len(p.rows)} rows")
    for note in p.notes:
        print(f"  note: {note}")
    print()
    print_table(["column", "field", "why", "e.g."],
                [[c.name[:30], tracker_columns.FIELDS.get(c.field, "kept as a note"), c.why[:30],
                  (c.samples[0].replace("\n", " ")[:40] if c.samples else "")] for c in p.columns])
    print()
    rows = [r for r in p.rows if all_rows or r.action not in ("unchanged", "skip")]
    if rows:
        print_table(["row", "action", "reference", "finding / source", "what happens"],
                    [[r.row, ACTION_WORDS[r.action], r.reference[:20], (r.finding or r.source)[:40],
                      _what(r)] for r in rows])
    hidden = len(p.rows) - len(rows)
    if hidden:
        print(f"({counted(hidden, 'unchanged or skipped row')} not listed: --all-rows lists them)")
    c = p.counts
    print()
    print(f"{c['create']} to create, {c['update']} to update, {c['unchanged']} unchanged, {c['skip']} to skip, "
          f"{c['conflict']} in conflict (not imported)")
    if p.sources_to_create:
        print(f"new sources: {', '.join(p.sources_to_create)}")


def _what(r: Any) -> str:
    parts = list(r.changes) if r.action in ("create", "update") else [r.reason]
    if r.action in ("create", "update"):
        parts.insert(0, r.reason)
    parts += [f"FLAG: {w}" for w in r.warnings]
    parts += [f"({m})" for m in r.merged if r.action != "conflict"]
    if r.kept and r.action in ("create", "update", "unchanged"):
        parts.append("kept: " + ", ".join(name for name, _v in r.kept))
    return "; ".join(p.replace("\n", " ") for p in parts)
