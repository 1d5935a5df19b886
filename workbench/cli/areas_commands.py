"""areas: the PEEL areas of each framework, and re-mapping findings from 2023-25 to 2025-27."""

from __future__ import annotations

from typing import Any

from workbench.cli.context import CliContext, LazyModule, add_command, print_json, print_table
from workbench.cli.numbers import whole_number

# the services load when a command runs, not when the parser is built (`workbench --version`)
area_mapping = LazyModule("workbench.services.area_mapping")
FRAMEWORK_CHOICES = ("2023-25", "2025-27")


def register(sub: Any) -> None:
    a = add_command(sub, "areas", "PEEL areas by framework, and moving findings to the 2025-27 areas")
    asub = a.add_subparsers(dest="areas_command", metavar="VERB")

    show = add_command(asub, "show", "each 2023-25 area with its 2025-27 successor and the basis for it")
    show.add_argument("--to", default="2025-27", choices=FRAMEWORK_CHOICES[1:], dest="framework")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    m = add_command(asub, "map", "give findings of the earlier framework their successor areas (logged; "
                                 "--dry-run shows what would change, --undo puts back the last run)")
    m.add_argument("--to", default="2025-27", choices=FRAMEWORK_CHOICES[1:], dest="framework")
    m.add_argument("--inspection", type=whole_number, metavar="ID", help="only this inspection's findings")
    m.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    m.add_argument("--undo", action="store_true", help="put back the areas the last mapping changed")
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=cmd_map)


def cmd_show(ctx: CliContext) -> int:
    with ctx.uow(write=False) as uow:
        rows = area_mapping.mapping_table(uow, ctx.args.framework)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(("2023-25 area", f"{ctx.args.framework} area", "basis"),
                [(r.from_area, r.to_area or "(none)", r.basis) for r in rows])
    return 0


def cmd_map(ctx: CliContext) -> int:
    a = ctx.args
    if a.undo and a.inspection is not None:
        print("--undo puts back the whole last run; it takes no --inspection")
        return 2
    with ctx.uow(write=not a.dry_run) as uow:
        if a.undo:
            result = area_mapping.preview_undo(uow) if a.dry_run else area_mapping.undo_mapping(uow)
        elif a.dry_run:
            result = area_mapping.preview_mapping(uow, a.framework, a.inspection)
        else:
            result = area_mapping.map_areas(uow, a.framework, a.inspection)
    if a.json:
        print_json(result)
        return 0
    verb = ("would put back" if a.undo else "would change") if a.dry_run else ("put back" if a.undo else "changed")
    rows = [(c.inspection, c.ref, c.old_area, c.new_area) for c in result.changes]
    if rows:
        print_table(("inspection", "finding", "area now", "area after"), rows)
    what = "the last mapping" if a.undo else f"{result.from_framework} to {result.to_framework}"
    print(f"{what}: {verb} {len(result.changes)} finding{'s' if len(result.changes) != 1 else ''}"
          + (f", {result.unchanged} left as they are" if not a.undo else "")
          + (" (nothing written: --dry-run)" if a.dry_run else f"; logged as run {result.run}"))
    for reason in result.skipped:
        print(f"  left alone: {reason}")
    if not a.dry_run and not a.undo and result.changes:
        print("  undo with: workbench areas map --undo")
    return 0
