"""pack build|list|submit|approve|return|export and bundle: packs and sealed evidence bundles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.cli.progress import progress_bar

if TYPE_CHECKING:
    from workbench.services import packs


def register(sub: Any) -> None:
    register_demo(sub)
    p = add_command(sub, "pack", "self-assessment packs (PDF and Excel), their review and sign-off")
    psub = p.add_subparsers(dest="pack_command", metavar="VERB")
    b = add_command(psub, "build", "build a new draft pack version into OUT_DIR")
    b.add_argument("out_dir", type=Path)
    b.add_argument("--findings", nargs="+", metavar="REF", help="only these findings (default: the latest "
                   "inspection's)")
    b.set_defaults(handler=cmd_build)
    ls = add_command(psub, "list", "list pack versions")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    s = add_command(psub, "submit", "submit a pack version for review")
    s.add_argument("number", type=whole_number)
    s.set_defaults(handler=cmd_submit)
    a = add_command(psub, "approve", "approve and digitally sign a submitted pack (reviewer; not its builder)")
    a.add_argument("number", type=whole_number)
    a.add_argument("--out", type=Path, default=Path("."), help="folder for the signed files (default: here)")
    a.add_argument("--comment", default="")
    a.add_argument("--passphrase-stdin", action="store_true", help="read your sign-off passphrase from stdin")
    a.set_defaults(handler=cmd_approve, needs_passphrase=True)
    r = add_command(psub, "return", "return a submitted pack to its preparer with comments")
    r.add_argument("number", type=whole_number)
    r.add_argument("--comment", required=True)
    r.set_defaults(handler=cmd_return, needs_passphrase=True)
    e = add_command(psub, "export", "write a stored pack version's files (signed when approved)")
    e.add_argument("out_dir", type=Path)
    e.add_argument("--number", type=whole_number, help="default: the latest approved version")
    e.add_argument("--release", action="store_true", help="the pseudonymised release copy")
    e.set_defaults(handler=cmd_export)

    bd = add_command(sub, "bundle", "write a sealed evidence bundle (zip + manifest of SHA-256 hashes) of the "
                     "latest approved pack")
    bd.add_argument("out", type=Path, metavar="OUT.zip")
    bd.add_argument("--pack", type=whole_number, dest="number", help="pack version (default: the latest approved)")
    bd.add_argument("--pseudonymise", action="store_true",
                    help="use the signed release copy: case references as keyed pseudonyms, case notes removed")
    bd.add_argument("--drop-personal", action="store_true", help="leave out evidence attached to single cases")
    bd.add_argument("--min-cell", type=whole_number, help="small-cell threshold of the release copy (checked)")
    bd.add_argument("--replace", action="store_true", help="replace OUT.zip if it exists (otherwise refused)")
    bd.add_argument("--sign", action="store_true",
                    help="sign the seal (who sealed it, when) with your signing key, so verify can confirm who "
                         "sealed the bundle (reviewers; asks for your sign-off passphrase)")
    bd.add_argument("--passphrase-stdin", action="store_true", help="read your sign-off passphrase from stdin")
    bd.add_argument("--json", action="store_true")
    bd.set_defaults(handler=cmd_bundle)


def _show(info: packs.PackVersionInfo) -> str:
    return (f"pack version {info.number}: {info.state}" + (f", approved by {info.approved_by}" if info.approved_by
                                                           else ""))


def cmd_build(ctx: CliContext) -> int:
    from workbench.services import findings, packs
    with ctx.uow() as uow:
        ids = [findings.find_by_ref(uow, r).id for r in ctx.args.findings] if ctx.args.findings else None
        result = packs.build_pack(uow, ctx.args.out_dir, ids, progress=progress_bar("building pack"))  # type: ignore[arg-type]
    print(f"{_show(result.info)} ({result.info.findings} findings)")
    print(f"  PDF:   {result.pdf}")
    print(f"  Excel: {result.xlsx}")
    print(f"submit it for review with: workbench pack submit {result.info.number}")
    return 0


def cmd_list(ctx: CliContext) -> int:
    from workbench.services import packs
    with ctx.uow(write=False) as uow:
        rows = packs.list_packs(uow)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["version", "state", "findings", "built by", "built (UTC)", "approved by", "data since"],
                [[r.number, r.state, r.findings, r.built_by, f"{r.built_at:%Y-%m-%d %H:%M}", r.approved_by or "",
                  "unchanged" if r.current else "changed"] for r in rows])
    return 0


def cmd_submit(ctx: CliContext) -> int:
    from workbench.services import packs
    with ctx.uow() as uow:
        info = packs.submit_pack(uow, ctx.args.number)
    print(_show(info))
    return 0


def cmd_approve(ctx: CliContext) -> int:
    from workbench.services import packs
    passphrase = ctx.passphrase("Sign-off passphrase: ")
    result = packs.approve_pack(lambda write: ctx.uow(write=write), ctx.args.number, passphrase, ctx.args.out,
                                ctx.args.comment, progress=progress_bar("signing pack"))
    print(_show(result.info))
    print(f"  signed PDF:        {result.pdf}")
    print(f"  workbook:          {result.xlsx}")
    print(f"  release copy PDF:  {result.release_pdf}")
    if result.html is not None:
        print(f"  HTML version:      {result.html} (accessible; release copy: {result.release_html})")
    print("  the bundle manifests are signed too: seal a bundle with: workbench bundle OUT.zip")
    return 0


def cmd_return(ctx: CliContext) -> int:
    from workbench.services import packs
    with ctx.uow() as uow:
        info = packs.return_pack(uow, ctx.args.number, ctx.args.comment)
    print(_show(info))
    return 0


def cmd_export(ctx: CliContext) -> int:
    from workbench.services import packs
    with ctx.uow() as uow:
        pdf, xlsx = packs.export_pack_files(uow, ctx.args.number, ctx.args.out_dir, ctx.args.release)
    print(f"{pdf}\n{xlsx}")
    return 0


def cmd_bundle(ctx: CliContext) -> int:
    from workbench.services import bundles
    a = ctx.args
    seal_passphrase = ctx.passphrase("Sign-off passphrase: ") if a.sign else None
    with ctx.uow() as uow:
        summary = bundles.build_evidence_bundle(uow, a.out, a.number, a.pseudonymise, a.drop_personal, a.min_cell,
                                                progress=progress_bar("sealing bundle"),
                                                seal_passphrase=seal_passphrase, replace=a.replace)
    if a.json:
        print_json({"path": summary.path, "sha256": summary.sha256, "files": len(summary.files),
                    "manifest_sha256": summary.manifest_sha256, "certificate_sha256": summary.certificate_sha256})
        return 0
    print(f"bundle written: {summary.path}")
    print(f"  {len(summary.files)} files; SHA-256 of the bundle: {summary.sha256}")
    print(f"  signed by the certificate with SHA-256 {summary.certificate_sha256}")
    print("  the seal (who sealed it, when) is " + ("signed with your signing key" if a.sign else
                                                    "your own statement, not signed (add --sign to sign it)"))
    print("  send that fingerprint to the inspectors by a separate channel (phone, e-mail); they check with:")
    print(f"  workbench verify {summary.path.name} --trust {summary.certificate_sha256}")
    return 0


def register_demo(sub: Any) -> None:
    d = add_command(sub, "demo", "build a realistic Norfolk demo workspace, its signed packs and a "
                    "pseudonymised bundle, then open the app on it")
    d.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder (default ./demo-output)")
    d.add_argument("--no-gui", action="store_true", help="do not open the app afterwards")
    d.set_defaults(handler=cmd_demo)


def cmd_demo(ctx: CliContext) -> int:
    from workbench.services.demo_workspace import (
        OFFICER,
        OFFICER_PASSPHRASE,
        REVIEWER,
        REVIEWER_PASSPHRASE,
        build_demo,
    )

    if getattr(ctx.args, "workspace", None) is not None or getattr(ctx.args, "db", None) is not None:
        from workbench.errors import InputError

        # the demo starts from nothing in its own file: it would not build into (or wipe) another
        raise InputError("the demo builds its own workspace, in the --out folder (demo-workspace.sqlite); "
                         "it does not use --workspace or --db",
                         "leave them out, and give --out FOLDER to choose where the demo goes")
    result = build_demo(ctx.args.out, progress=progress_bar("building the demo"))
    print(f"demo workspace: {result.workspace}")
    print(f"  signed PDF pack:      {result.pdf}")
    print(f"  Excel pack:           {result.xlsx}")
    print(f"  pseudonymised bundle: {result.bundle}")
    print(f"    bundle SHA-256:           {result.bundle_sha256}")
    print(f"    signer certificate SHA-256: {result.certificate_sha256}")
    print(f"    verify: {'passed' if result.verified else 'FAILED'} "
          f"(workbench verify {result.bundle} --trust {result.certificate_sha256})")
    print(f"users: {OFFICER} (officer, passphrase '{OFFICER_PASSPHRASE}'), "
          f"{REVIEWER} (reviewer, passphrase '{REVIEWER_PASSPHRASE}')")
    if ctx.args.no_gui:
        return 0 if result.verified else 1
    from workbench.gui.app import display_problem, run_gui
    from workbench.store.location import sqlite_location

    problem = display_problem()
    if problem is not None:
        print(f"the app was not opened: {problem}; open it later with: "
              f"workbench --workspace {result.workspace} --user {OFFICER} (it asks for the passphrase)")
        return 0 if result.verified else 1
    return run_gui(sqlite_location(result.workspace), OFFICER)
