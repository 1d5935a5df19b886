"""requests: evidence requests to action owners, out to Excel and back with their files; evidence expiry."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, LazyChoices, LazyModule, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.wording import counted

# the services load when a command runs, not when the parser is built (`workbench --version`)
requests = LazyModule("workbench.services.evidence_requests")
register_status = LazyModule("workbench.services.register_status")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def register(sub: Any) -> None:
    r = add_command(sub, "requests", "evidence requests to action owners: out to Excel, back with their files")
    rsub = r.add_subparsers(dest="requests_command", metavar="VERB")

    a = add_command(rsub, "add", "ask an owner for evidence for a finding, by a date")
    a.add_argument("finding", help='e.g. "AFI 7", "Source / Recommendation 3" or "#12"')
    a.add_argument("--owner", required=True, help="whom it is addressed to: a name, a role or an e-mail address")
    a.add_argument("--needed", required=True, help="what is needed")
    a.add_argument("--due", type=_day, required=True, metavar="YYYY-MM-DD")
    a.add_argument("--action", type=whole_number, metavar="ACTION_ID", help="one of the finding's actions")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_add)

    ls = add_command(rsub, "list", "the requests, soonest due first")
    ls.add_argument("--finding", metavar="REF")
    ls.add_argument("--owner")
    ls.add_argument("--status", choices=LazyChoices("workbench.services.evidence_requests", "STATUSES"),
                    metavar="STATUS")
    ls.add_argument("--overdue", action="store_true", help="only open requests past their due date")
    ls.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="count from this date instead of today")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    ex = add_command(rsub, "export", "write the open requests (for one owner, or all) to an Excel workbook")
    ex.add_argument("out", type=Path, help="the .xlsx to write (never overwritten)")
    ex.add_argument("--owner", help="only the requests addressed to this owner")
    ex.add_argument("--json", action="store_true")
    ex.set_defaults(handler=cmd_export)

    im = add_command(rsub, "import", "take in a returned workbook and the files that came back with it")
    im.add_argument("workbook", type=Path)
    im.add_argument("--files", type=Path, metavar="FOLDER_OR_ZIP", help="the returned files: a folder or a zip")
    im.add_argument("--dry-run", action="store_true", help="say what would be done; write nothing")
    im.add_argument("--json", action="store_true")
    im.set_defaults(handler=cmd_import)

    for verb, text in (("withdraw", "the evidence is no longer needed (an open or returned request)"),
                       ("accept", "what the owner returned is enough: close the request as accepted")):
        w = add_command(rsub, verb, text)
        w.add_argument("request_id", type=whole_number)
        w.add_argument("--note", default="", help="why (kept with the request)")
        w.set_defaults(handler=cmd_close, verb=verb)


def add_evidence_verbs(ev: Any) -> None:
    """`evidence expiry ID (--on DATE | --clear)`: added to the evidence command group."""
    p = add_command(ev, "expiry", "set or clear the date from which evidence no longer counts")
    p.add_argument("evidence_id", type=whole_number)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="the evidence expires on this date")
    g.add_argument("--clear", action="store_true", help="it does not expire")
    p.set_defaults(handler=cmd_evidence_expiry)


def _row(r: Any) -> list[object]:
    status = "OVERDUE" if r.overdue else r.status
    return [r.id, r.finding_ref, r.owner[:30], r.what_needed[:50], r.due_on, status,
            len(r.evidence_ids) or ""]


def cmd_add(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        info = requests.create_request(uow, register_status.find_finding(uow, a.finding), a.owner, a.needed,
                                       a.due, a.action)
    if a.json:
        print_json(info)
    else:
        print(f"request {info.id} added: {info.finding_ref}, asked of {info.owner}, due {info.due_on:%d %B %Y}")
    return 0


def cmd_list(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow(write=False) as uow:
        fid = register_status.find_finding(uow, a.finding) if a.finding else None
        rows = requests.list_requests(uow, fid, a.owner, a.overdue, a.status, a.today)
    if a.json:
        print_json(rows)
        return 0
    if not rows:
        print("no evidence requests" + (" match" if (a.finding or a.owner or a.overdue or a.status) else
                                        "; add one with: workbench requests add"))
        return 0
    print_table(["id", "finding", "asked of", "what is needed", "due", "status", "files"], [_row(r) for r in rows])
    return 0


def cmd_export(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        out = requests.export_requests(uow, a.out, a.owner)
    if a.json:
        print_json(out)
    else:
        print(f"{counted(len(out.request_ids), 'open request')} written to {out.path} (workbook {out.workbook_id})")
    return 0


def cmd_import(ctx: CliContext) -> int:
    a = ctx.args
    if a.dry_run:
        with ctx.uow(write=False) as uow:
            preview = requests.preview_return(uow, a.workbook, a.files)
    else:
        with ctx.uow() as uow:
            preview = requests.import_return(uow, a.workbook, a.files)
    if a.json:
        print_json({"ok": preview.ok, "dry_run": a.dry_run, "rows": preview.rows,
                    "problems": [{"message": p.message, "sheet": p.sheet, "row": p.row, "column": p.column}
                                 for p in preview.problems]})
        return 0 if preview.ok else 2
    for r in preview.rows:
        files = f"; files: {', '.join(r.files)}" if r.files else ""
        print(f"row {r.row}: request {r.request_id} ({r.finding_ref}, {r.owner}): {r.outcome}{files}")
    for p in preview.problems:
        print(f"problem: {p}")
    if a.dry_run:
        print("dry run: nothing was written" + ("" if preview.ok else "; correct the problems above first"))
        return 0 if preview.ok else 2
    print(f"{counted(preview.returned, 'request')} returned; their files are stored as evidence")
    return 0


def cmd_close(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fn = requests.withdraw_request if a.verb == "withdraw" else requests.accept_request
        info = fn(uow, a.request_id, a.note)
    print(f"request {info.id} ({info.finding_ref}, {info.owner}) is {info.status}")
    return 0


def cmd_evidence_expiry(ctx: CliContext) -> int:
    from workbench.services import evidence

    a = ctx.args
    with ctx.uow() as uow:
        info = evidence.set_expiry(uow, a.evidence_id, None if a.clear else a.on)
    print(f"evidence {info.id} ({info.title}) " + (f"expires on {info.expires_on:%d %B %Y}" if info.expires_on
                                                   else "does not expire"))
    return 0
