"""import-report, findings, links, measures: the findings register from the command line."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.cli.progress import progress_bar
from workbench.errors import InputError
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services import findings


def register(sub: Any) -> None:
    p = add_command(sub, "import-report", "register the findings of an HMICFRS report (text, HTML or PDF)")
    p.add_argument("file", type=Path)
    p.add_argument("--force", metavar="NAME", help="the force, when the report does not say")
    p.add_argument("--inspection", metavar="TITLE", help="a title for the inspection")
    p.add_argument("--dry-run", action="store_true",
                   help="show each finding beside its source text and what would be added; write nothing")
    p.add_argument("--encoding", metavar="NAME",
                   help="the text file's encoding when it is not UTF-8 (e.g. cp1252, latin-1); "
                        "otherwise detected, with a warning naming what was assumed")
    p.add_argument("--corrections", type=Path, metavar="FILE",
                   help="a JSON list of corrections to apply before importing "
                        '(e.g. [{"op": "title", "key": "#2", "value": "..."}]; keys are shown by --dry-run)')
    p.add_argument("--area-rules", type=Path, metavar="FILE",
                   help="your own PEEL-area keyword rules (TOML) instead of the shipped ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)

    f = add_command(sub, "findings", "list the findings register")
    f.add_argument("--json", action="store_true")
    f.add_argument("--full", action="store_true", help="show figures and links under each finding")
    f.set_defaults(handler=cmd_findings)

    u = add_command(sub, "finding", "change a finding's status, owner, target date, notes or area")
    u.add_argument("ref", help='e.g. "AFI 7" or "PEEL 2018 / AFI 2"')
    u.add_argument("--status")
    u.add_argument("--owner")
    u.add_argument("--target-date", type=date.fromisoformat, metavar="YYYY-MM-DD")
    u.add_argument("--notes")
    u.add_argument("--area")
    u.set_defaults(handler=cmd_finding_update)

    lk = add_command(sub, "link", "accept or reject a suggested link between findings")
    lk.add_argument("decision", choices=["accept", "reject"])
    lk.add_argument("link_id", type=whole_number, help="the link number shown by workbench findings --full")
    lk.set_defaults(handler=cmd_link)

    m = add_command(sub, "measures", "measures (KPIs) with baseline, target and values")
    msub = m.add_subparsers(dest="measures_command", metavar="VERB")
    ml = add_command(msub, "list", "list measures")
    ml.add_argument("--all", action="store_true", help="include discarded ones")
    ml.add_argument("--json", action="store_true")
    ml.set_defaults(handler=cmd_measures_list)
    for verb, status in (("confirm", "confirmed"), ("discard", "discarded")):
        mv = add_command(msub, verb, f"{verb} a proposed measure")
        mv.add_argument("measure_id", type=whole_number)
        mv.set_defaults(handler=cmd_measure_status, status=status)
    me = add_command(msub, "edit", "edit a measure")
    me.add_argument("measure_id", type=whole_number)
    me.add_argument("--name")
    me.add_argument("--baseline", type=float)
    me.add_argument("--target", type=float)
    me.add_argument("--direction", choices=["higher", "lower"])
    me.set_defaults(handler=cmd_measure_edit)
    mr = add_command(msub, "record", "record a value for a period")
    mr.add_argument("measure_id", type=whole_number)
    mr.add_argument("period", type=date.fromisoformat, help="YYYY-MM-DD (e.g. the first of the month)")
    mr.add_argument("value", type=float)
    mr.add_argument("--note", default="")
    mr.set_defaults(handler=cmd_measure_record)


def _figure_text(fig: findings.FigureInfo) -> str:
    if fig.missing_in_source:
        return f"MISSING IN SOURCE: {fig.sentence}"
    if fig.kind == "proportion":
        return f"{fig.numerator} of {fig.denominator} — {fig.label}"
    if fig.kind == "range":
        return f"{fig.low:g} to {fig.high:g} — {fig.label}"
    if fig.kind == "period":
        return f"period: {fig.label}"
    if fig.kind in ("duration", "deadline"):
        if fig.value is None:
            return f"{fig.kind}: {fig.label}"
        return f"{fig.kind}: {fig.value:g} {fig.unit or ''} — {fig.label}"
    unit = "%" if fig.unit == "percent" else (":1" if fig.kind == "ratio" else "")
    value = "" if fig.value is None else f"{fig.value:,g}{unit}"
    return f"{fig.kind} {value} — {fig.label}".strip()


def _finding_json(f: findings.FindingInfo) -> dict[str, Any]:
    return {
        "id": f.id, "inspection": f.inspection, "kind": f.kind, "ref": f.ref, "title": f.title, "text": f.text,
        "area": f.area, "area_reason": f.area_reason, "status": f.status, "owner": f.owner,
        "target_date": f.target_date, "parent_ref": f.parent_ref, "question": f.question, "line": f.source_line,
        "inspectorate_status": f.inspectorate_status, "inspectorate_status_date": f.inspectorate_status_date,
        "key": f.key, "source_text": f.source_text,
        "figures": [{k: v for k, v in fig.__dict__.items()} for fig in f.figures],
        "links": [{"id": li.id, "finding": li.ref, "finding_id": li.other_id, "title": li.title,
                   "score": li.score, "state": li.state, "direction": li.direction,
                   "shared_terms": list(li.shared_terms)} for li in f.links],
    }


def _read_corrections(path: Path | None) -> list[findings.Correction]:
    from workbench.services import findings
    if path is None:
        return []
    from workbench.limits import MAX_NESTING, nesting_depth, read_input
    try:
        text = read_input(path).decode("utf-8")
        if nesting_depth(text) > MAX_NESTING:
            raise InputError(f"{path.name}: the corrections file nests more than {MAX_NESTING} levels deep",
                             "give a JSON list of corrections, as --dry-run shows them")
        data = json.loads(text)
    except FileNotFoundError:
        raise InputError(f"{path.name}: the corrections file does not exist", "check the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path.name}: the corrections file cannot be read ({exc})",
                         "write it as a JSON list of {\"op\", \"key\", \"value\", \"other\"} objects") from None
    if not isinstance(data, list):
        raise InputError(f"{path.name}: the corrections file must hold a JSON list", "wrap the corrections in [ ]")
    return [findings.correction_from_dict(item) for item in data]


def cmd_import(ctx: CliContext) -> int:
    from workbench.services import findings
    a = ctx.args
    corrections = _read_corrections(a.corrections)
    with ctx.uow() as uow:
        result = findings.import_report(uow, a.file, a.force, a.inspection, a.dry_run,
                                        progress=progress_bar(f"reading {a.file.name}"), area_rules=a.area_rules,
                                        encoding=a.encoding, corrections=corrections)
    if a.json:
        print_json({
            "dry_run": result.dry_run, "inspection": result.inspection, "new_inspection": result.new_inspection,
            "added": [_finding_json(f) for f in result.added], "unchanged": list(result.unchanged),
            "suggested_links": [{"finding": li.ref, "score": li.score, "title": li.title}
                                for li in result.suggested_links],
            "proposed_measures": result.proposed_measures, "warnings": list(result.warnings),
            "same_publication": result.same_publication, "status_updates": list(result.status_updates),
            "corrections": list(result.corrections), "missing": list(result.missing),
        })
        return 0
    insp = result.inspection
    verb = "would add" if result.dry_run else "added"
    print(f"{insp.programme or insp.title} — {insp.force}"
          + (f", published {insp.published:%d %B %Y}" if insp.published else ""))
    if result.same_publication:
        print(f"same publication as the registered inspection ({result.same_publication}): an update, not a new one")
    print(f"{verb} {counted(len(result.added), 'finding')}; {len(result.unchanged)} already registered unchanged")
    for f in result.added:
        key = f"{f.key} " if result.dry_run and f.key else ""
        print(f"  {key}{f.ref:<10} [{f.area or 'no area'}] {f.title}")
        if f.parent_ref:
            print(f"  {'':<10}   recommendation of {f.parent_ref}")
        if f.inspectorate_status:
            when = f" ({f.inspectorate_status_date:%d %B %Y})" if f.inspectorate_status_date else ""
            print(f"  {'':<10}   inspectorate status: {f.inspectorate_status}{when}")
        for fig in f.figures:
            print(f"  {'':<10}   · {_figure_text(fig)}")
        if result.dry_run and f.source_text:
            print(f"  {'':<10}   source, line {f.source_line}:")
            for line in textwrap.wrap(f.source_text, 96):
                print(f"  {'':<10}   | {line}")
    for update in result.status_updates:
        print(f"{'would record' if result.dry_run else 'recorded'} the inspectorate's status on {update}")
    for c in result.corrections:
        print(f"correction: {c}")
    if result.proposed_measures:
        print(f"{'would propose' if result.dry_run else 'proposed'} {counted(result.proposed_measures, 'measure')} "
              "from the figures (confirm or discard: workbench measures list)")
    if result.suggested_links:
        print("suggested links to earlier findings"
              + ("" if result.dry_run else " (accept with: workbench link accept ID)") + ":")
        for f in result.added:
            for li in f.links:
                ident = f"#{li.id}" if li.id else ""
                print(f"  {ident:<5} {f.ref} → {li.ref} (score {li.score:.2f}): {li.title[:80]}")
    for w in result.warnings:
        print(f"warning: {w}")
    if result.dry_run:
        print("dry run: nothing was written")
    return 0


def cmd_findings(ctx: CliContext) -> int:
    from workbench.services import findings
    with ctx.uow(write=False) as uow:
        rows = findings.list_findings(uow)
    if ctx.args.json:
        print_json([_finding_json(f) for f in rows])
        return 0
    if not rows:
        print("the register is empty; import a report with: workbench import-report FILE")
        return 0
    print_table(["inspection", "ref", "area", "status", "owner", "title"],
                [[f.inspection, f.ref, f.area, f.status, f.owner, f.title[:70]] for f in rows])
    if ctx.args.full:
        for f in rows:
            print(f"\n{f.inspection} / {f.ref}: {f.title}")
            for fig in f.figures:
                print(f"  · {_figure_text(fig)}")
            for li in f.links:
                print(f"  ↔ link #{li.id} ({li.state}, {li.score:.2f}) {li.direction}: {li.ref} {li.title[:70]}")
    return 0


def cmd_finding_update(ctx: CliContext) -> int:
    from workbench.services import findings
    a = ctx.args
    changes = {k: v for k, v in (("status", a.status), ("owner", a.owner), ("target_date", a.target_date),
                                 ("notes", a.notes), ("area", a.area)) if v is not None}
    if not changes:
        raise InputError("nothing to change", "give --status, --owner, --target-date, --notes or --area")
    with ctx.uow() as uow:
        f = findings.find_by_ref(uow, a.ref)
        f = findings.update_finding(uow, f.id, f.version, **changes)  # type: ignore[arg-type]
    print(f"{f.inspection} / {f.ref}: " + ", ".join(f"{k} = {v}" for k, v in changes.items()))
    return 0


def cmd_link(ctx: CliContext) -> int:
    from workbench.services import findings
    with ctx.uow() as uow:
        li = findings.decide_link(uow, ctx.args.link_id, ctx.args.decision == "accept")
    print(f"link #{li.id} to {li.ref} {li.state}")
    return 0


def cmd_measures_list(ctx: CliContext) -> int:
    from workbench.services import measures
    with ctx.uow(write=False) as uow:
        rows = measures.list_measures(uow, include_discarded=ctx.args.all)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["id", "finding", "status", "name", "baseline", "target", "better", "latest"],
                [[m.id, m.finding_ref or "", m.status, m.name[:50], m.baseline_label or m.baseline,
                  m.target, m.direction, f"{m.latest.value:g} ({m.latest.period:%b %Y})" if m.latest else ""]
                 for m in rows])
    return 0


def cmd_measure_status(ctx: CliContext) -> int:
    from workbench.services import measures
    with ctx.uow() as uow:
        m = measures.update_measure(uow, ctx.args.measure_id, status=ctx.args.status)
    print(f"measure {m.id} ({m.name}) {m.status}")
    return 0


def cmd_measure_edit(ctx: CliContext) -> int:
    from workbench.services import measures
    a = ctx.args
    changes = {k: v for k, v in (("name", a.name), ("baseline", a.baseline), ("target", a.target),
                                 ("direction", a.direction)) if v is not None}
    if not changes:
        raise InputError("nothing to change", "give --name, --baseline, --target or --direction")
    with ctx.uow() as uow:
        m = measures.update_measure(uow, a.measure_id, **changes)
    print(f"measure {m.id} updated")
    return 0


def cmd_measure_record(ctx: CliContext) -> int:
    from workbench.services import measures
    a = ctx.args
    with ctx.uow() as uow:
        m = measures.record_point(uow, a.measure_id, a.period, a.value, a.note)
    print(f"measure {m.id}: {a.value:g} recorded for {a.period:%B %Y}")
    return 0
