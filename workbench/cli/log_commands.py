"""log verify, log anchor, log show: the tamper-evident change log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.wording import counted

#: problems printed before "… and N more" (all are in --json, up to 500)
SHOWN = 50


def register(sub: Any) -> None:
    lg = add_command(sub, "log", "the tamper-evident change log")
    lsub = lg.add_subparsers(dest="log_command", metavar="VERB")
    lv = add_command(lsub, "verify", "check the hash chain, its anchors, and that the data matches the log")
    lv.add_argument("--anchor", action="append", type=Path, default=[], metavar="FILE",
                    help="an anchor file written by `log anchor` (repeatable); anchors in signed packs are "
                         "checked too")
    lv.add_argument("--json", action="store_true")
    lv.set_defaults(handler=cmd_log_verify)
    la = add_command(lsub, "anchor", "write the log's head to OUT, to keep outside the workspace")
    la.add_argument("out", type=Path)
    la.set_defaults(handler=cmd_log_anchor)
    ls = add_command(lsub, "show", "the most recent changes")
    ls.add_argument("--limit", type=whole_number, default=30)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_log_show)


def cmd_log_verify(ctx: CliContext) -> int:
    from workbench.services import log_check
    with ctx.uow(write=False) as uow:
        report = log_check.verify_log(uow, ctx.args.anchor)
    if ctx.args.json:
        print_json(report)
        return 0 if report.ok else 1
    out = sys.stdout if report.ok else sys.stderr
    if report.problem:
        print(f"CHANGE LOG BROKEN: {report.problem}", file=out)
        if report.broken_entry:
            e = report.broken_entry
            print(f"  entry {e.seq}: {e.at:%Y-%m-%d %H:%M:%S} UTC by {e.actor}: {e.entity} {e.entity_id} {e.action}",
                  file=out)
        print(f"  {report.entries} entries verified link by link", file=out)
    else:
        print(f"change log intact: {report.entries} entries, every link verified", file=out)
    for a in report.anchors:
        print(f"  anchor {a.source}: entry {a.seq} {_ANCHOR_WORDS[a.status]}", file=out)
    if not report.anchors:
        print("  no anchors given or held in signed packs: a rewrite of the whole log would not show "
              "(keep one with: workbench log anchor FILE)", file=out)
    if not report.data_checked:
        print("data not checked: the log it is compared with is broken", file=out)
    elif report.data_problem_count:
        print(f"DATA CHANGED OUTSIDE THE APPLICATION: {counted(report.data_problem_count, 'row')} differ from the log "
              f"({report.rows_checked} checked)", file=out)
        for p in report.data_problems[:SHOWN]:
            print(f"  {p.message}", file=out)
        if report.data_problem_count > SHOWN:
            print(f"  … and {report.data_problem_count - SHOWN} more (all listed with --json)", file=out)
    else:
        print(f"data matches the log: {report.rows_checked} rows as last logged", file=out)
    if report.unvouched_rows:
        print(f"  {report.unvouched_rows} rows were written before this version recorded row states and "
              "cannot be vouched for until they are next changed", file=out)
    return 0 if report.ok else 1


_ANCHOR_WORDS = {
    "holds": "holds",
    "differs": "DIFFERS (the log was rewritten from an earlier entry)",
    "missing": "is MISSING (entries were removed)",
    "unchecked": "not checked (the log is broken before it)",
}


def cmd_log_anchor(ctx: CliContext) -> int:
    from workbench.services import log_check
    ws = ctx.workspace()
    with ctx.uow() as uow:
        doc = log_check.export_anchor(uow, ctx.args.out, ws.location.label)
    head = doc["head"]
    print(f"anchor written to {ctx.args.out}: entry {head['seq']}, hash {head['hash']}")
    print("keep it outside the workspace; check with: workbench log verify --anchor " + str(ctx.args.out))
    return 0


def cmd_log_show(ctx: CliContext) -> int:
    from workbench.services import workspace
    with ctx.uow(write=False) as uow:
        rows = workspace.recent_changes(uow, ctx.args.limit)
    if ctx.args.json:
        print_json(rows)
    else:
        print_table(["#", "when (UTC)", "who", "what", "id", "action"],
                    [[r.seq, f"{r.at:%Y-%m-%d %H:%M}", r.actor, r.entity, r.entity_id, r.action] for r in rows])
    return 0
