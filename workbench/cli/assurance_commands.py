"""evidence, actions, assessment, certificate: assurance work on the findings, from the command line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, LazyChoices, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.errors import InputError, NotFoundError
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services import signing_identity
    from workbench.store.uow import UnitOfWork


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def _group(sub: Any, name: str, help_text: str) -> Any:
    return add_command(sub, name, help_text).add_subparsers(dest=f"{name}_command", metavar="VERB")


def register(sub: Any) -> None:
    statuses = LazyChoices("workbench.services.actions", "ACTION_STATUSES")
    ev = _group(sub, "evidence", "evidence files stored in the workspace by SHA-256")
    p = add_command(ev, "add", "store a file as evidence and link it to findings")
    p.add_argument("file", type=Path)
    p.add_argument("--title", required=True)
    p.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="when the evidence was produced")
    p.add_argument("--source", default="", help="where it came from, e.g. 'Niche extract'")
    p.add_argument("--classification", help="the marking (default OFFICIAL-SENSITIVE)")
    p.add_argument("--finding", action="append", default=[], metavar="REF", help="repeat for several findings")
    p.add_argument("--expires", type=_iso_date, metavar="YYYY-MM-DD", help="the date it no longer counts from")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_evidence_add)
    p = add_command(ev, "list", "list evidence")
    p.add_argument("--finding", metavar="REF")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_evidence_list)
    p = add_command(ev, "export", "write an evidence file out, checked against its SHA-256")
    p.add_argument("evidence_id", type=whole_number)
    p.add_argument("out", type=Path, help="a file name, or a folder to keep the stored name")
    p.set_defaults(handler=cmd_evidence_export)
    for verb in ("link", "unlink"):
        p = add_command(ev, verb, f"{verb} evidence and findings")
        p.add_argument("evidence_id", type=whole_number)
        p.add_argument("--finding", action="append", required=True, metavar="REF")
        p.set_defaults(handler=cmd_evidence_link, verb=verb)
    from workbench.cli.request_commands import add_evidence_verbs
    add_evidence_verbs(ev)  # evidence expiry

    ac = _group(sub, "actions", "the action plan for each finding")
    p = add_command(ac, "add", "add an action to a finding")
    p.add_argument("ref", help='the finding, e.g. "AFI 7"')
    p.add_argument("--title", required=True)
    p.add_argument("--owner", default="")
    p.add_argument("--due", type=_iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--status", choices=statuses, default="not started", metavar="STATUS",
                   help="one of: %(choices)s")
    p.set_defaults(handler=cmd_actions_add)
    p = add_command(ac, "list", "list actions; overdue ones are flagged")
    p.add_argument("--finding", metavar="REF")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_actions_list)
    p = add_command(ac, "update", "change an action")
    p.add_argument("action_id", type=whole_number)
    p.add_argument("--title")
    p.add_argument("--status", choices=statuses, metavar="STATUS", help="one of: %(choices)s")
    p.add_argument("--owner")
    p.add_argument("--due", type=_iso_date, metavar="YYYY-MM-DD")
    p.add_argument("--note", help="a progress note")
    p.set_defaults(handler=cmd_actions_update)

    sa = _group(sub, "assessment", "self-assessments and their review (four-eyes sign-off)")
    p = add_command(sa, "save", "write or edit the draft self-assessment of a finding")
    p.add_argument("ref")
    text = p.add_mutually_exclusive_group(required=True)
    text.add_argument("--narrative")
    text.add_argument("--narrative-file", type=Path, metavar="FILE", help="a UTF-8 text file")
    p.add_argument("--proposed-status", help="the finding status proposed (kept if not given)")
    p.add_argument("--readiness", choices=LazyChoices("workbench.reports.pack_data", "READINESS_LEVELS"),
                   metavar="LEVEL", help="one of: %(choices)s")
    p.set_defaults(handler=cmd_assessment_save)
    for verb, help_text in (("submit", "send the self-assessment to a reviewer"),
                            ("reopen", "start a new version of a signed-off self-assessment")):
        p = add_command(sa, verb, help_text)
        p.add_argument("ref")
        p.set_defaults(handler=cmd_assessment_step, verb=verb)
    p = add_command(sa, "approve", "sign off a submitted self-assessment (reviewers; never your own)")
    p.add_argument("ref")
    p.add_argument("--comment", default="")
    p.add_argument("--passphrase-stdin", action="store_true", help="read your sign-off passphrase from stdin")
    p.set_defaults(handler=cmd_assessment_approve, needs_passphrase=True)
    p = add_command(sa, "return", "send a submitted self-assessment back with a comment")
    p.add_argument("ref")
    p.add_argument("--comment", required=True)
    p.set_defaults(handler=cmd_assessment_return, needs_passphrase=True)
    p = add_command(sa, "show", "a self-assessment with its review history")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_assessment_show)
    p = add_command(sa, "list", "every self-assessment and its state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_assessment_list)

    ce = _group(sub, "certificate", "your signing certificate (reviewers)")
    p = add_command(ce, "create", "create your workspace signing certificate (if you have none)")
    p.add_argument("--passphrase-stdin", action="store_true", help="read your sign-off passphrase from stdin")
    p.set_defaults(handler=cmd_certificate_create, needs_passphrase=True)
    p = add_command(ce, "import", "import your own .p12/.pfx certificate")
    p.add_argument("file", type=Path)
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read two lines from stdin: your sign-off passphrase, then the file's passphrase")
    p.set_defaults(handler=cmd_certificate_import, needs_passphrase=True)
    p = add_command(ce, "export", "write a reviewer's public certificate (PEM) for inspectors")
    p.add_argument("out", type=Path)
    p.add_argument("--reviewer", metavar="USER", help="default: you")
    p.set_defaults(handler=cmd_certificate_export)
    p = add_command(ce, "show", "a reviewer's certificate and its SHA-256 fingerprint")
    p.add_argument("--reviewer", metavar="USER", help="default: you")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_certificate_show)
    p = add_command(ce, "import-ca", "import the force's CA certificate (admin): reviewers' certificates it "
                    "issued then chain to it in every signature")
    p.add_argument("file", type=Path, help="the CA certificate, PEM or DER")
    p.set_defaults(handler=cmd_certificate_import_ca)
    p = add_command(ce, "passphrase", "change your sign-off passphrase and re-encrypt your signing key under it")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read two lines from stdin: the current passphrase, then the new one")
    p.set_defaults(handler=cmd_certificate_passphrase)


def _finding_id(uow: UnitOfWork, ref: str) -> int:
    from workbench.services import findings
    f = findings.find_by_ref(uow, ref)
    assert f.id is not None
    return f.id


# -- evidence ---------------------------------------------------------------------------------
def _size(n: int) -> str:
    return f"{n:,} B" if n < 1024 else f"{n / 1024:,.0f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:,.1f} MB"


def cmd_evidence_add(ctx: CliContext) -> int:
    from workbench.services import evidence
    a = ctx.args
    with ctx.uow() as uow:
        ids = [_finding_id(uow, ref) for ref in a.finding]
        info = evidence.add_evidence(uow, a.file, a.title, a.date, a.source, a.classification, finding_ids=ids,
                                     expires_on=a.expires)
    if a.json:
        print_json(info)
    else:
        print(f"evidence {info.id} stored: {info.filename} ({_size(info.size)}, SHA-256 {info.sha256})"
              + (f", linked to {', '.join(info.finding_refs)}" if info.finding_refs else ""))
    return 0


def cmd_evidence_list(ctx: CliContext) -> int:
    from workbench.services import evidence
    with ctx.uow(write=False) as uow:
        fid = _finding_id(uow, ctx.args.finding) if ctx.args.finding else None
        rows = evidence.list_evidence(uow, fid)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["id", "date", "title", "file", "size", "findings", "uploaded", "by", "expires"],
                [[e.id, e.evidence_date or "", e.title[:50], e.filename[:40], _size(e.size),
                  ", ".join(e.finding_refs), f"{e.uploaded_at:%Y-%m-%d}", e.uploaded_by,
                  _expiry(e)] for e in rows])
    return 0


def _expiry(e: Any) -> str:
    if e.expires_on is None:
        return ""
    state = e.expiry()
    return f"{e.expires_on}" + (f" ({state.upper()})" if state else "")


def cmd_evidence_export(ctx: CliContext) -> int:
    from workbench.services import evidence
    with ctx.uow() as uow:
        out = evidence.export_evidence(uow, ctx.args.evidence_id, ctx.args.out)
    print(f"evidence {ctx.args.evidence_id} written to {out} (SHA-256 verified)")
    return 0


def cmd_evidence_link(ctx: CliContext) -> int:
    from workbench.services import evidence
    a = ctx.args
    with ctx.uow() as uow:
        ids = [_finding_id(uow, ref) for ref in a.finding]
        fn = evidence.link_evidence if a.verb == "link" else evidence.unlink_evidence
        info = fn(uow, a.evidence_id, finding_ids=ids)
    print(f"evidence {info.id} is linked to: {', '.join(info.finding_refs) or 'no finding'}")
    return 0


# -- actions ----------------------------------------------------------------------------------
def cmd_actions_add(ctx: CliContext) -> int:
    from workbench.services import actions
    a = ctx.args
    with ctx.uow() as uow:
        info = actions.add_action(uow, _finding_id(uow, a.ref), a.title, a.owner, a.due, a.status)
    print(f"action {info.id} added to {info.finding_ref}: {info.title}")
    return 0


def cmd_actions_list(ctx: CliContext) -> int:
    from workbench.services import actions
    with ctx.uow(write=False) as uow:
        fid = _finding_id(uow, ctx.args.finding) if ctx.args.finding else None
        rows = actions.list_actions(uow, fid)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["id", "finding", "status", "due", "owner", "title", ""],
                [[r.id, r.finding_ref, r.status, r.due_date or "", r.owner, r.title[:60],
                  "OVERDUE" if r.overdue else ""] for r in rows])
    return 0


def cmd_actions_update(ctx: CliContext) -> int:
    from workbench.services import actions
    a = ctx.args
    changes = {k: v for k, v in (("title", a.title), ("status", a.status), ("owner", a.owner),
                                 ("due_date", a.due), ("progress_note", a.note)) if v is not None}
    if not changes:
        raise InputError("nothing to change", "give --title, --status, --owner, --due or --note")
    with ctx.uow() as uow:
        info = actions.update_action(uow, a.action_id, **changes)
    print(f"action {info.id}: {info.status}" + (f", due {info.due_date}" if info.due_date else "")
          + (" (OVERDUE)" if info.overdue else ""))
    return 0


# -- self-assessments -------------------------------------------------------------------------
def _narrative(a: argparse.Namespace) -> str:
    if a.narrative is not None:
        return str(a.narrative)
    from workbench.limits import read_input
    try:
        return read_input(a.narrative_file).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the narrative from {a.narrative_file}: {exc}",
                         "give a UTF-8 text file") from None


def cmd_assessment_save(ctx: CliContext) -> int:
    from workbench.services import assessments
    a = ctx.args
    text = _narrative(a)
    with ctx.uow() as uow:
        fid = _finding_id(uow, a.ref)
        try:
            current = assessments.get_assessment(uow, fid)
        except NotFoundError:
            current = None
        status = a.proposed_status or (current.proposed_status if current else None)
        if not status:
            raise InputError("a new self-assessment needs --proposed-status",
                             "e.g. --proposed-status 'signed off'")
        readiness = a.readiness if a.readiness is not None else (current.readiness if current else "")
        info = assessments.save_assessment(uow, fid, text, status, readiness,
                                           current.version if current else None)
    print(f"self-assessment for {info.finding_ref} saved ({info.state}); submit it with: "
          f"workbench assessment submit \"{info.finding_ref}\"")
    return 0


def cmd_assessment_step(ctx: CliContext) -> int:
    from workbench.services import assessments
    fn = assessments.submit_assessment if ctx.args.verb == "submit" else assessments.reopen_assessment
    with ctx.uow() as uow:
        info = fn(uow, _finding_id(uow, ctx.args.ref))
    print(f"self-assessment for {info.finding_ref} is now {info.state}")
    return 0


def cmd_assessment_approve(ctx: CliContext) -> int:
    from workbench.services import assessments
    passphrase = ctx.passphrase("Sign-off passphrase: ")
    with ctx.uow() as uow:
        info = assessments.approve_assessment(uow, _finding_id(uow, ctx.args.ref), passphrase, ctx.args.comment)
    print(f"self-assessment for {info.finding_ref} signed off by {ctx.username} (prepared by {info.preparer})")
    return 0


def cmd_assessment_return(ctx: CliContext) -> int:
    from workbench.services import assessments
    with ctx.uow() as uow:
        info = assessments.return_assessment(uow, _finding_id(uow, ctx.args.ref), ctx.args.comment)
    print(f"self-assessment for {info.finding_ref} returned to {info.preparer}")
    return 0


def cmd_assessment_show(ctx: CliContext) -> int:
    from workbench.services import assessments
    with ctx.uow(write=False) as uow:
        info = assessments.get_assessment(uow, _finding_id(uow, ctx.args.ref))
    if ctx.args.json:
        print_json(info)
        return 0
    print(f"{info.finding_ref}: {info.finding_title}")
    print(f"state: {info.state}; prepared by {info.preparer}; proposed status: {info.proposed_status}"
          + (f"; readiness: {info.readiness}" if info.readiness else ""))
    print()
    print(info.narrative or "(no narrative yet)")
    if info.history:
        print("\nreview history:")
        for h in info.history:
            print(f"  {h.at:%Y-%m-%d %H:%M} UTC  {h.decision} by {h.reviewer}" + (f": {h.comment}" if h.comment else ""))
    return 0


def cmd_assessment_list(ctx: CliContext) -> int:
    from workbench.services import assessments
    with ctx.uow(write=False) as uow:
        rows = assessments.list_assessments(uow)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["finding", "state", "preparer", "proposed status", "readiness", "last review"],
                [[r.finding_ref, r.state, r.preparer, r.proposed_status, r.readiness,
                  f"{r.last_review.decision} by {r.last_review.reviewer}" if r.last_review else ""] for r in rows])
    return 0


# -- certificates -----------------------------------------------------------------------------
def _print_certificate(info: signing_identity.CertificateInfo) -> None:
    print(f"{info.username}: {info.source} certificate {info.subject}")
    print(f"  valid until {info.not_valid_after:%d %B %Y}")
    print(f"  SHA-256 fingerprint: {info.fingerprint}")


def cmd_certificate_create(ctx: CliContext) -> int:
    from workbench.services import signing_identity
    passphrase = ctx.passphrase("Sign-off passphrase: ")
    with ctx.uow() as uow:
        signing_identity.reviewer_signer(uow, ctx.username, passphrase)
        info = signing_identity.certificate_info(uow, ctx.username)
    assert info is not None
    _print_certificate(info)
    return 0


def cmd_certificate_import(ctx: CliContext) -> int:
    from workbench.cli.setup_commands import read_passphrase
    from workbench.services import signing_identity
    signoff = ctx.passphrase("Sign-off passphrase: ")
    file_pass = read_passphrase(ctx.args.passphrase_stdin, f"Passphrase of {ctx.args.file.name}: ")
    with ctx.uow() as uow:
        info = signing_identity.import_reviewer_certificate(uow, ctx.username, ctx.args.file, file_pass, signoff)
    _print_certificate(info)
    return 0


def cmd_certificate_export(ctx: CliContext) -> int:
    from workbench.services import signing_identity
    who = ctx.args.reviewer or ctx.username
    with ctx.uow() as uow:
        out = signing_identity.export_reviewer_certificate(uow, who, ctx.args.out)
        info = signing_identity.certificate_info(uow, who)
    assert info is not None
    print(f"{who}'s public certificate written to {out}")
    print(f"  SHA-256 fingerprint (give it to inspectors separately): {info.fingerprint}")
    return 0


def cmd_certificate_import_ca(ctx: CliContext) -> int:
    from workbench.services import signing_identity
    with ctx.uow() as uow:
        info = signing_identity.import_force_ca(uow, ctx.args.file)
    print(f"force CA certificate imported: {info.subject}")
    print(f"  valid until {info.not_valid_after:%d %B %Y}")
    print(f"  SHA-256 fingerprint (inspectors may trust it with --trust): {info.fingerprint}")
    return 0


def cmd_certificate_passphrase(ctx: CliContext) -> int:
    from workbench.cli.setup_commands import read_passphrase
    from workbench.services import signing_identity
    old = read_passphrase(ctx.args.passphrase_stdin, "Current sign-off passphrase: ")
    new = read_passphrase(ctx.args.passphrase_stdin, "New sign-off passphrase: ")
    with ctx.uow() as uow:
        count = signing_identity.change_signoff_passphrase(uow, ctx.username, old, new)
    print(f"sign-off passphrase changed for {ctx.username}; {counted(count, 'signing key store')} re-encrypted under it")
    return 0


def cmd_certificate_show(ctx: CliContext) -> int:
    from workbench.services import signing_identity
    who = ctx.args.reviewer or ctx.username
    with ctx.uow(write=False) as uow:
        info = signing_identity.certificate_info(uow, who)
    if info is None:
        raise NotFoundError(f"{who} has no signing certificate yet",
                            "create one with: workbench certificate create, or import yours")
    if ctx.args.json:
        print_json(info)
    else:
        _print_certificate(info)
    return 0
