"""register, attention: every source, both status lines, two-step closure, what needs attention."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli import tracker_commands
from workbench.cli.context import CliContext, LazyChoices, LazyModule, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services.assurance_plan import PlannedAuditInfo
    from workbench.services.register import SourceInfo

# the services load when a command runs, not when the parser is built (`workbench --version`)
assurance_plan = LazyModule("workbench.services.assurance_plan")
attention = LazyModule("workbench.services.attention")
finding_status = LazyModule("workbench.services.finding_status")
register_status = LazyModule("workbench.services.register_status")
sources = LazyModule("workbench.services.register")


def _day(text: str) -> date:
    return date.fromisoformat(text)


def register(sub: Any) -> None:
    r = add_command(sub, "register", "the register of every source: reports, letters, Engage, both status lines")
    rsub = r.add_subparsers(dest="register_command", metavar="VERB")

    a = add_command(rsub, "add-source", "register a source: a thematic or national report, a CDI or joint "
                                        "inspection, a cause-of-concern or revisit letter, Engage monitoring")
    a.add_argument("--type", required=True, choices=LazyChoices("workbench.services.register", "SOURCE_TYPES"), metavar="SOURCE_TYPE", dest="source_type")
    a.add_argument("--title", required=True)
    a.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the date it was published or sent")
    a.add_argument("--deadline", type=_day, metavar="YYYY-MM-DD", help="a deadline the source states")
    a.add_argument("--programme", default="", help='a short label, e.g. "PEEL 2025-27" (default: the type)')
    a.add_argument("--force", default="", help="the force (default: the force setting)")
    a.add_argument("--improvement-plan-deadline", type=_day, metavar="YYYY-MM-DD", help="Engage monitoring")
    a.add_argument("--revisit-date", type=_day, metavar="YYYY-MM-DD", help="Engage monitoring or a letter")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_add_source)

    ls = add_command(rsub, "list", "list the sources (and with --findings, each finding's two statuses)")
    ls.add_argument("--type", choices=LazyChoices("workbench.services.register", "SOURCE_TYPES"), metavar="SOURCE_TYPE", dest="source_type")
    ls.add_argument("--findings", action="store_true")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    f = add_command(rsub, "add-finding", "register a finding of a source (a recommendation, AFI or cause of concern)")
    f.add_argument("source", help="the source's id or title (workbench register list)")
    f.add_argument("--kind", required=True, choices=LazyChoices("workbench.services.register", "KINDS"), metavar="KIND")
    f.add_argument("--ref", required=True, help='e.g. "Recommendation 3"')
    f.add_argument("--text", required=True)
    f.add_argument("--title", default="")
    f.add_argument("--all-forces", action="store_true",
                   help="addressed to all forces (a thematic or national recommendation), applying to this force")
    f.add_argument("--owner", default="")
    f.add_argument("--target-date", type=_day, metavar="YYYY-MM-DD")
    f.set_defaults(handler=cmd_add_finding)

    p = add_command(rsub, "pcc-response", "record the PCC's published response (due 56 days after publication)")
    p.add_argument("source")
    p.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--note", default="", help="where it was published: a link or reference")
    p.set_defaults(handler=cmd_pcc_response)

    m = add_command(rsub, "move", "move a finding on the inspectorate's or the force's status line")
    m.add_argument("finding", help='e.g. "AFI 7", "Source / Recommendation 3" or "#12"')
    m.add_argument("--line", required=True, choices=LazyChoices("workbench.services.finding_status", "LINES"), metavar="LINE")
    m.add_argument("--to", required=True, help="the new status (workbench register history shows the moves)")
    m.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="the date it took effect (default today)")
    m.add_argument("--comment", default="")
    m.set_defaults(handler=cmd_move)

    c = add_command(rsub, "comment", "add a dated comment to a status line")
    c.add_argument("finding")
    c.add_argument("--line", required=True, choices=LazyChoices("workbench.services.finding_status", "LINES"), metavar="LINE")
    c.add_argument("--text", required=True)
    c.add_argument("--on", type=_day, metavar="YYYY-MM-DD")
    c.set_defaults(handler=cmd_comment)

    h = add_command(rsub, "history", "a finding's two status lines, their history, closure and carry-forward")
    h.add_argument("finding")
    h.add_argument("--json", action="store_true")
    h.set_defaults(handler=cmd_history)

    pc = add_command(rsub, "propose-closure", "the force proposes closing a finding, with evidence and a "
                                              "demonstration period")
    pc.add_argument("finding")
    pc.add_argument("--rationale", required=True)
    pc.add_argument("--from", dest="period_from", type=_day, required=True, metavar="YYYY-MM-DD",
                    help="start of the demonstration period")
    pc.add_argument("--to", dest="period_to", type=_day, required=True, metavar="YYYY-MM-DD",
                    help="end of the demonstration period")
    pc.add_argument("--evidence", type=whole_number, action="append", default=[], metavar="ID",
                    help="evidence linked to the finding (default: all of it)")
    pc.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="the proposal's date (default today)")
    pc.set_defaults(handler=cmd_propose)

    au = add_command(rsub, "authorise-closure", "record that the inspectorate or the committee authorised a "
                                                "proposed closure (reviewer or admin)")
    au.add_argument("finding")
    au.add_argument("--by", required=True, choices=LazyChoices("workbench.services.finding_status", "CLOSURE_BODIES"), metavar="BODY")
    au.add_argument("--on", type=_day, required=True, metavar="YYYY-MM-DD")
    au.add_argument("--basis", required=True, help="e.g. 'committee minutes 12 March 2025, item 6'")
    au.set_defaults(handler=cmd_authorise, needs_passphrase=True)

    cl = add_command(rsub, "closures", "closure proposals awaiting authorisation")
    cl.add_argument("--all", action="store_true", help="include authorised and withdrawn ones")
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(handler=cmd_closures)

    cf = add_command(rsub, "carry-forward", "record that a later inspection carried an earlier finding forward")
    cf.add_argument("earlier")
    cf.add_argument("later")
    cf.add_argument("--on", type=_day, metavar="YYYY-MM-DD")
    cf.add_argument("--comment", default="")
    cf.set_defaults(handler=cmd_carry_forward)

    pl = add_command(sub, "plan", "the assurance plan: audits that recur and rotate, started from the plan")
    psub = pl.add_subparsers(dest="plan_command", metavar="VERB")
    pa = add_command(psub, "add", "add an audit to the year's plan")
    pa.add_argument("--year", type=whole_number, required=True)
    pa.add_argument("--title", required=True)
    pa.add_argument("--template", required=True, help="the audit template's key (workbench templates list)")
    pa.add_argument("--month", type=whole_number, required=True, help="the month its first occurrence is due (1-12)")
    pa.add_argument("--recurrence", choices=LazyChoices("workbench.services.assurance_plan", "RECURRENCES"), metavar="RECURRENCE", default="annual")
    pa.add_argument("--finding", action="append", default=[], metavar="REF")
    pa.add_argument("--owner", default="")
    pa.add_argument("--rotate", choices=["crime type", "district"], default="", help="rotate across these")
    pa.add_argument("--across", action="append", default=[], metavar="NAME", help="one crime type or district")
    pa.add_argument("--based-on", type=whole_number, metavar="AUDIT_ID", help="carry this audit's plan forward")
    pa.add_argument("--json", action="store_true")
    pa.set_defaults(handler=cmd_plan_add)
    plist = add_command(psub, "list", "the plan's audits and their occurrences")
    plist.add_argument("--year", type=whole_number)
    plist.add_argument("--today", type=_day, metavar="YYYY-MM-DD")
    plist.add_argument("--json", action="store_true")
    plist.set_defaults(handler=cmd_plan_list)
    pcal = add_command(psub, "calendar", "the plan as a calendar of the year's months")
    pcal.add_argument("year", type=whole_number)
    pcal.add_argument("--today", type=_day, metavar="YYYY-MM-DD")
    pcal.set_defaults(handler=cmd_plan_calendar)
    pst = add_command(psub, "start", "start a planned occurrence as an audit (the next round, its plan carried forward)")
    pst.add_argument("plan_id", type=whole_number)
    pst.add_argument("--occurrence", metavar="YYYY-MM", help="default: the earliest not yet started")
    pst.set_defaults(handler=cmd_plan_start)

    cr = add_command(sub, "committee-report", "the quarterly report to the committee and the force action plan, "
                                              "as Word and PDF")
    cr.add_argument("out_dir", type=Path)
    cr.add_argument("--period-end", type=_day, required=True, metavar="YYYY-MM-DD", help="the quarter's last day")
    cr.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                    help="the previous report's date: changes after it are listed (default: 3 months before)")
    cr.set_defaults(handler=cmd_committee_report)

    at = add_command(sub, "attention", "what needs attention this week: overdue actions, PCC responses due, "
                                       "deadlines, closures awaiting authorisation, audits due")
    at.add_argument("--days", type=whole_number, default=7, help="how far ahead to look (default 7)")
    at.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="count from this date instead of today")
    at.add_argument("--json", action="store_true")
    at.set_defaults(handler=cmd_attention)

    tracker_commands.add_verbs(rsub)  # import-tracker


def _source_row(s: SourceInfo) -> list[object]:
    pcc = ""
    if s.pcc_response_due is not None:
        pcc = f"responded {s.pcc_response_date}" if s.pcc_response_date else f"due {s.pcc_response_due}"
    return [s.id, s.type_label, s.title[:50], s.published or "", s.deadline or "", pcc,
            f"{s.open_findings}/{s.findings}"]


def cmd_add_source(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        s = sources.add_source(uow, a.source_type, a.title, a.date, force=a.force, programme=a.programme,
                                deadline=a.deadline, improvement_plan_deadline=a.improvement_plan_deadline,
                                revisit_date=a.revisit_date)
    if a.json:
        print_json(s)
        return 0
    print(f"source {s.id} registered: {s.type_label}, {s.title}")
    if s.pcc_response_due:
        print(f"  the PCC's response is due by {s.pcc_response_due:%d %B %Y} (56 days after publication)")
    return 0


def cmd_list(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow(write=False) as uow:
        listed = sources.list_sources(uow, a.source_type)
        rows = []
        if a.findings:
            from workbench.services import findings as finding_service

            for s in listed:
                for f in finding_service.list_findings(uow, s.id):
                    rows.append(register_status.status(uow, f.id))
    if a.json:
        print_json({"sources": listed, "findings": rows} if a.findings else listed)
        return 0
    if not listed:
        print("the register is empty; add a source with: workbench register add-source")
        return 0
    print_table(["id", "type", "title", "date", "deadline", "PCC response", "open"],
                [_source_row(s) for s in listed])
    if a.findings:
        print()
        print_table(["source", "ref", "kind", "force status", "inspectorate status", "carried"],
                    [[st.source, st.ref, st.kind, st.force_status, st.inspectorate_status or "—",
                      ("to " + ", ".join(st.carried_forward_to)) if st.carried_forward_to else
                      ("from " + ", ".join(st.carried_forward_from)) if st.carried_forward_from else ""]
                     for st in rows])
    return 0


def cmd_add_finding(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        s = sources.find_source(uow, a.source)
        sources.add_finding(uow, s.id, a.kind, a.ref, a.text, title=a.title,
                             addressed_to="all forces" if a.all_forces else "force", owner=a.owner,
                             target_date=a.target_date)
    print(f"{s.title} / {a.ref} registered" + (" (addressed to all forces; applies to this force)"
                                               if a.all_forces else ""))
    return 0


def cmd_pcc_response(ctx: CliContext) -> int:
    with ctx.uow() as uow:
        s = sources.find_source(uow, ctx.args.source)
        s = sources.record_pcc_response(uow, s.id, ctx.args.date, ctx.args.note, s.version)
    late = s.pcc_response_due is not None and s.pcc_response_date is not None and s.pcc_response_date > s.pcc_response_due
    print(f"PCC response to {s.title} recorded on {s.pcc_response_date}" + (" (after the 56 days)" if late else ""))
    return 0


def cmd_move(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fid = register_status.find_finding(uow, a.finding)
        st = register_status.move(uow, fid, a.line, a.to, on=a.on, comment=a.comment)
    print(f"{st.source} / {st.ref}: {a.line} status is now '{a.to}'")
    return 0


def cmd_comment(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fid = register_status.find_finding(uow, a.finding)
        st = register_status.add_comment(uow, fid, a.line, a.text, a.on)
    print(f"{st.source} / {st.ref}: comment added to the {a.line} line")
    return 0


def cmd_history(ctx: CliContext) -> int:
    with ctx.uow(write=False) as uow:
        st = register_status.status(uow, register_status.find_finding(uow, ctx.args.finding))
    if ctx.args.json:
        print_json(st)
        return 0
    print(f"{st.source} / {st.ref} ({st.kind}{', addressed to all forces' if st.addressed_to != 'force' else ''})")
    print(f"  force status: {st.force_status}   (may move to: {', '.join(st.force_moves) or 'nothing'})")
    print(f"  inspectorate status: {st.inspectorate_status or 'not stated'}"
          f"   (may move to: {', '.join(st.inspectorate_moves)})")
    for label, refs in (("carried forward into", st.carried_forward_to), ("carried forward from", st.carried_forward_from)):
        if refs:
            print(f"  {label}: {', '.join(refs)}")
    if st.closure is not None:
        c = st.closure
        print(f"  closure {c.state}: proposed by {c.proposed_by} on {c.proposed_on}, demonstrated "
              f"{c.demonstration_from} to {c.demonstration_to}; evidence {', '.join(c.evidence)}")
        if c.authorised_on:
            print(f"    authorised by the {c.authorised_by} on {c.authorised_on}: {c.basis}")
    if st.history:
        print()
        print_table(["date", "line", "from", "to", "comment", "by"],
                    [[h.on, h.line, h.from_status or "—", h.to_status, h.comment[:60], h.recorded_by]
                     for h in st.history])
    return 0


def cmd_propose(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fid = register_status.find_finding(uow, a.finding)
        c = register_status.propose_closure(uow, fid, a.rationale, a.period_from, a.period_to,
                                            tuple(a.evidence), on=a.on)
    print(f"closure of {c.finding_ref} proposed with {counted(len(c.evidence), 'evidence item')}; it awaits the "
          "inspectorate's or the committee's authorisation")
    return 0


def cmd_authorise(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fid = register_status.find_finding(uow, a.finding)
        c = register_status.authorise_closure(uow, fid, a.by, a.on, a.basis)
    print(f"{c.finding_ref} closed: authorised by the {c.authorised_by} on {c.authorised_on}")
    return 0


def cmd_closures(ctx: CliContext) -> int:
    with ctx.uow(write=False) as uow:
        rows = register_status.closure_proposals(uow, None if ctx.args.all else "proposed")
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no closure proposals awaiting authorisation")
        return 0
    print_table(["finding", "state", "proposed", "by", "period", "evidence", "rationale"],
                [[c.finding_ref, c.state, c.proposed_on, c.proposed_by,
                  f"{c.demonstration_from} to {c.demonstration_to}", len(c.evidence), c.rationale[:50]]
                 for c in rows])
    return 0


def cmd_carry_forward(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        earlier = register_status.find_finding(uow, a.earlier)
        later = register_status.find_finding(uow, a.later)
        st = register_status.carry_forward(uow, earlier, later, a.on, a.comment)
    print(f"{st.source} / {st.ref} carried forward into {', '.join(st.carried_forward_to)}")
    return 0


def cmd_attention(ctx: CliContext) -> int:
    with ctx.uow(write=False) as uow:
        items = attention.needs_attention(uow, ctx.args.today, ctx.args.days)
    if ctx.args.json:
        print_json(items)
        return 0
    if not items:
        print("nothing needs attention this week")
        return 0
    print_table(["", "due", "what", "detail", "record"],
                [["OVERDUE" if i.urgency == attention.OVERDUE else "due", i.due, i.title[:60], i.detail[:70],
                  f"{i.record.entity} {i.record.id}"] for i in items])
    return 0


def cmd_plan_add(ctx: CliContext) -> int:
    a = ctx.args
    with ctx.uow() as uow:
        fids = tuple(register_status.find_finding(uow, ref) for ref in a.finding)
        p = assurance_plan.add_planned_audit(uow, a.year, a.title, a.template, a.month, a.recurrence,
                                             finding_ids=fids, owner=a.owner, rotation_kind=a.rotate,
                                             rotation=tuple(a.across), based_on_audit_id=a.based_on)
    if a.json:
        print_json(p)
        return 0
    print(f"planned audit {p.id}: {p.title}, {p.recurrence} from {date(p.year, p.month_due, 1):%B %Y} "
          f"({', '.join(o.key + (' ' + o.focus if o.focus else '') for o in p.occurrences)})")
    return 0


def cmd_plan_list(ctx: CliContext) -> int:
    a = ctx.args
    today = a.today or date.today()
    with ctx.uow(write=False) as uow:
        rows = assurance_plan.list_plan(uow, a.year)
    if a.json:
        print_json([{**assurance_plan_json(p), "states": {o.key: o.state(today) for o in p.occurrences}}
                    for p in rows])
        return 0
    if not rows:
        print("the plan is empty; add an audit with: workbench plan add")
        return 0
    print_table(["id", "title", "template", "owner", "recurrence", "occurrences"],
                [[p.id, p.title[:40], p.template_key, p.owner, p.recurrence,
                  "; ".join(f"{o.key}{' ' + o.focus if o.focus else ''}: {o.state(today)}"
                            + (f" (audit {o.audit_id})" if o.audit_id else "") for o in p.occurrences)]
                 for p in rows])
    return 0


def assurance_plan_json(p: PlannedAuditInfo) -> dict[str, object]:
    from workbench.cli.context import to_plain

    return to_plain(p)


def cmd_plan_calendar(ctx: CliContext) -> int:
    today = ctx.args.today or date.today()
    with ctx.uow(write=False) as uow:
        months = assurance_plan.calendar_of(uow, ctx.args.year)
    for m, entries in months.items():
        head = f"{date(ctx.args.year, m, 1):%B %Y}"
        if not entries:
            print(f"{head}: —")
            continue
        print(f"{head}:")
        for plan, occ in entries:
            print(f"  [{occ.state(today)}] {plan.title}{' — ' + occ.focus if occ.focus else ''}"
                  f" ({plan.template_key}; {plan.owner or 'no owner'})")
    return 0


def cmd_plan_start(ctx: CliContext) -> int:
    with ctx.uow() as uow:
        made = assurance_plan.start_planned_audit(uow, ctx.args.plan_id, ctx.args.occurrence)
    print(f"audit {made.id} started: {made.title} (series {made.series}, round {made.round})")
    return 0


def cmd_committee_report(ctx: CliContext) -> int:
    from workbench.services import committee_report

    with ctx.uow() as uow:
        out = committee_report.write_committee_report(uow, ctx.args.out_dir, ctx.args.period_end, ctx.args.since)
    print(f"committee report written: {out.docx} and {out.pdf}")
    return 0
