"""audit fieldwork-export / fieldwork-import: the offline Excel fieldwork workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, add_command, print_json, print_table, to_plain
from workbench.cli.numbers import whole_number
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services.fieldwork_io import FieldworkImportResult


def add_audit_verbs(audit_subparsers: Any) -> None:
    """Add the fieldwork workbook verbs to the `audit` command's subparsers."""
    e = add_command(audit_subparsers, "fieldwork-export",
                    "write an Excel workbook of the audit's cases to answer offline")
    e.add_argument("audit_id", type=whole_number, metavar="ID")
    e.add_argument("out", type=Path, metavar="OUT.xlsx")
    e.set_defaults(handler=cmd_fieldwork_export)

    i = add_command(audit_subparsers, "fieldwork-import",
                    "record the answers of a filled-in fieldwork workbook (all or nothing)")
    i.add_argument("audit_id", type=whole_number, metavar="ID")
    i.add_argument("file", type=Path, metavar="FILE.xlsx")
    i.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=cmd_fieldwork_import)


def cmd_fieldwork_export(ctx: CliContext) -> int:
    from workbench.services.fieldwork_io import export_fieldwork
    with ctx.uow() as uow:
        out = export_fieldwork(uow, ctx.args.audit_id, ctx.args.out)
    print(f"fieldwork workbook for audit {ctx.args.audit_id} written to {out}")
    print("answer in the white cells; grey columns are locked; import it with "
          f"'workbench audit fieldwork-import {ctx.args.audit_id} {out.name}'")
    return 0


def print_import_result(result: FieldworkImportResult) -> None:
    action = "would change" if result.dry_run else ("changed" if result.written else "would have changed")
    print(f"audit {result.audit_id}: {counted(result.changed, 'answer')} {action}, {result.unchanged} unchanged"
          + (f", {result.kept_database} changed in the workbench since the export and kept"
             if result.kept_database else ""))
    if result.changes and (result.dry_run or not result.ok):
        print_table(["Cell", "Case", "Criterion", "Was", "Now", "Comment"],
                    [(c.cell, c.case_ref, c.criterion, c.before or "", c.after or "",
                      "" if c.comment is None else c.comment) for c in result.changes])
    if result.conflicts:
        print(f"\n{counted(len(result.conflicts), 'conflict')}: changed in the workbench since the export and "
              "differently in the workbook; nothing was written")
        print_table(["Cell", "Case", "Criterion", "Workbench value", "Changed by", "Changed at", "Workbook value"],
                    [(c.cell, c.case_ref, c.criterion, c.database_value or "(blank)", c.changed_by,
                      f"{c.changed_at:%d/%m/%Y %H:%M}" if c.changed_at else "", c.workbook_value or "(blank)")
                     for c in result.conflicts])
        print("put the workbench value in the workbook (or agree the answer and change it in the workbench), "
              "then import again")
    if result.problems:
        print(f"\n{counted(result.problem_total, 'problem')}; nothing was written:")
        for p in result.problems:
            print(f"  {p}")
        if result.problem_total > len(result.problems):
            print(f"  ... and {result.problem_total - len(result.problems)} more")


def cmd_fieldwork_import(ctx: CliContext) -> int:
    from workbench.services.fieldwork_io import import_fieldwork
    with ctx.uow() as uow:
        result = import_fieldwork(uow, ctx.args.audit_id, ctx.args.file, dry_run=ctx.args.dry_run)
    if ctx.args.json:
        print_json({**_plain(result), "ok": result.ok})
    else:
        print_import_result(result)
    return 0 if result.ok else 1


def _plain(result: FieldworkImportResult) -> dict[str, Any]:
    plain = to_plain(result)
    plain["problems"] = [{"cell": p.cell, "message": p.message} for p in result.problems]
    return plain
