"""audit new|list|population|draw|verify-draw|show|evaluate|record|unusable|second-review|agreement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli.context import CliContext, LazyChoices, add_command, print_json, print_table
from workbench.cli.numbers import seed_number, whole_number
from workbench.cli.progress import progress_bar
from workbench.errors import InputError
from workbench.wording import counted

if TYPE_CHECKING:
    from workbench.services.population_exclusions import Exclusions


def _mapping(pairs: list[str] | None) -> dict[str, str | None] | None:
    if not pairs:
        return None
    out: dict[str, str | None] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip():
            raise InputError(f"--map {pair!r} is not FIELD=COLUMN", 'e.g. --map incident_ref="Incident No"')
        out[field.strip()] = column.strip() or None
    return out


def _exclusions(a: Any) -> Exclusions:
    from workbench.services.population_exclusions import Exclusions, parse_exclusions_file
    rows: dict[int, str] = {}
    if a.exclusions is not None:
        from workbench.limits import read_input
        try:
            text = read_input(a.exclusions).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {a.exclusions}: {exc}", "give a UTF-8 CSV of ROW,REASON lines") from None
        rows = parse_exclusions_file(text, str(a.exclusions))
    return Exclusions(a.reason, a.exclude_invalid, rows)


def register(sub: Any) -> None:
    from workbench.cli import fieldwork_commands
    a = add_command(sub, "audit", "plan audits, draw samples, record fieldwork")
    asub = a.add_subparsers(dest="audit_command", metavar="VERB")

    n = add_command(asub, "new", "plan an audit from a template")
    n.add_argument("--template", required=True, metavar="KEY", help="see workbench templates list")
    n.add_argument("--title", required=True)
    n.add_argument("--finding", action="append", default=[], metavar="REF", help='e.g. "AFI 2" (repeatable)')
    n.add_argument("--method", choices=LazyChoices("workbench.services.audits", "METHODS"), default="simple",
                   metavar="METHOD", help="one of: %(choices)s")
    n.add_argument("--size", type=whole_number, help="a fixed sample size (default: the template's own, where it states one)")
    n.add_argument("--confidence", type=float, help="attribute sampling confidence (default 0.95)")
    n.add_argument("--tolerable", type=float, help="tolerable deviation rate, e.g. 0.05")
    n.add_argument("--expected", type=float, help="expected deviation rate (default 0)")
    n.add_argument("--reserve", type=whole_number, help="reserve cases (default 10 %% of the sample, at least 5)")
    n.add_argument("--stratify-by", metavar="FIELD")
    n.add_argument("--allocation", choices=LazyChoices("workbench.services.audits", "ALLOCATIONS"),
                   default="proportional", metavar="ALLOCATION", help="one of: %(choices)s")
    n.add_argument("--stratum", action="append", default=[], dest="strata",
                   help="a stratum the population must have (repeatable; optional)")
    n.add_argument("--target", type=float, help="the force's target rate, e.g. 0.75")
    n.add_argument("--rag-rule", choices=("lower_bound", "point"),
                   help="lower_bound (default): green only when the sample confirms the target; point")
    n.add_argument("--baseline-measure", metavar="CRITERION",
                   help="the criterion that counts what the baseline figure counts, e.g. attended_within_target "
                        "(default: the case compliance)")
    n.add_argument("--baseline-figure", metavar="REF",
                   help="a key figure id, or a finding reference to use its 'N of M' figure")
    n.add_argument("--series", metavar="ID", help="make this the next round of a series (its name or an audit id)")
    n.set_defaults(handler=cmd_new)

    ls = add_command(asub, "list", "list audits")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    for verb, help_text, handler in (
        ("population", "check an extract against the audit's template (writes nothing)", cmd_population),
        ("draw", "draw the sample from an extract", cmd_draw),
    ):
        p = add_command(asub, verb, help_text)
        p.add_argument("audit_id", type=whole_number)
        p.add_argument("file", type=Path)
        p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="override the suggested mapping")
        p.add_argument("--stratify-by", metavar="FIELD")
        if verb == "draw":
            p.add_argument("--seed", type=seed_number, help="a recorded seed (default: a fresh random one)")
        p.add_argument("--exclude-invalid", action="store_true",
                       help="leave every row that fails a check out of the population (needs --reason)")
        p.add_argument("--reason", default="", help="why the excluded rows are left out (recorded with the audit)")
        p.add_argument("--exclusions", type=Path, metavar="FILE",
                       help="a CSV of ROW,REASON lines: further rows of this file to leave out")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)

    v = add_command(asub, "verify-draw", "redraw from an extract with the recorded seed and compare")
    v.add_argument("audit_id", type=whole_number)
    v.add_argument("file", type=Path)
    v.set_defaults(handler=cmd_verify)

    sh = add_command(asub, "show", "the plan, seed, fingerprint and cases of an audit")
    sh.add_argument("audit_id", type=whole_number)
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(handler=cmd_show)

    ev = add_command(asub, "evaluate", "answer the computed criteria from the case fields and force settings")
    ev.add_argument("audit_id", type=whole_number)
    ev.set_defaults(handler=cmd_evaluate)

    r = add_command(asub, "record", "record an answer for a case")
    r.add_argument("audit_id", type=whole_number)
    r.add_argument("case_ref")
    r.add_argument("criterion")
    r.add_argument("value", help='yes / no / n/a, a choice, a number, dd/mm/yyyy hh:mm or text ("" clears)')
    r.add_argument("--comment", default="")
    r.add_argument("--second", action="store_true", help="as the second reviewer")
    r.add_argument("--override", action="store_true", help="answer a computed criterion by hand (needs --comment)")
    r.set_defaults(handler=cmd_record)

    u = add_command(asub, "unusable", "set a case aside and bring in the next reserve")
    u.add_argument("audit_id", type=whole_number)
    u.add_argument("case_ref")
    u.add_argument("--reason", required=True)
    u.set_defaults(handler=cmd_unusable)

    sr = add_command(asub, "second-review", "add cases to the second reviewer's dip")
    sr.add_argument("audit_id", type=whole_number)
    sr.add_argument("case_refs", nargs="+", metavar="CASE_REF")
    sr.set_defaults(handler=cmd_second_review)

    ag = add_command(asub, "agreement", "agreement between reviewers and original-vs-auditor grades")
    ag.add_argument("audit_id", type=whole_number)
    ag.add_argument("--json", action="store_true")
    ag.set_defaults(handler=cmd_agreement)
    fieldwork_commands.add_audit_verbs(asub)


def cmd_new(ctx: CliContext) -> int:
    from workbench.services import audits, findings
    from workbench.services.scoring import target_text
    a = ctx.args
    with ctx.uow() as uow:
        finding_ids = [findings.find_by_ref(uow, ref).stored_id for ref in a.finding]
        figure = None
        if a.baseline_figure:
            figure = (int(a.baseline_figure) if a.baseline_figure.isdigit()
                      else audits.baseline_figure_of(uow, findings.find_by_ref(uow, a.baseline_figure).stored_id))
        info = audits.create_audit(
            uow, a.template, a.title, finding_ids, method=a.method, size=a.size, confidence=a.confidence,
            tolerable=a.tolerable, expected=a.expected, reserve=a.reserve, stratify_by=a.stratify_by,
            allocation=a.allocation, strata=a.strata, target=a.target, rag_rule=a.rag_rule,
            baseline_figure_id=figure, series=a.series, baseline_measure=a.baseline_measure)
    size = info.plan.get("size") or f"sized at the draw (about {info.plan.get('size_without_population')})"
    print(f"audit {info.id} planned: {info.title} ({info.template_key} v{info.template_version}), "
          f"round {info.round} of series {info.series}")
    print(f"  method {info.plan['method']}, sample {size}"
          + (f", target {target_text(info.target)} ({info.rag_rule})" if info.target is not None else "")
          + (f", baseline {info.baseline_label}" if info.baseline_label else "")
          + (f" compared with criterion {info.baseline_measure}" if info.baseline_measure else ""))
    print(f"next: workbench audit population {info.id} EXTRACT.csv")
    return 0


def cmd_list(ctx: CliContext) -> int:
    from workbench.services import audits
    from workbench.services.scoring import target_text
    with ctx.uow(write=False) as uow:
        rows = audits.list_audits(uow)
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows:
        print("no audits yet; plan one with: workbench audit new --template KEY --title TITLE")
        return 0
    print_table(["id", "title", "template", "round", "status", "cases", "answered", "target", "findings"],
                [[r.id, r.title[:50], f"{r.template_key} v{r.template_version}", r.round, r.status,
                  r.cases_active, r.cases_answered, "" if r.target is None else target_text(r.target),
                  ", ".join(ref for _, ref in r.findings)] for r in rows])
    return 0


def cmd_population(ctx: CliContext) -> int:
    from workbench.services import audits, population, templates
    a = ctx.args
    with ctx.uow(write=False) as uow:
        info = audits.get_audit(uow, a.audit_id)
        fields = [f.key for f in templates.get_template(uow, info.template_id).fields]
        leave_out = _exclusions(a)
        scan = population.preview_population(uow, a.audit_id, a.file, _mapping(a.map), a.stratify_by,
                                             progress=progress_bar(f"checking {a.file.name}"), exclusions=leave_out)
    if a.json:
        print_json(scan)
        return 0 if scan.ok else 1
    print(f"{a.file.name} ({scan.file_kind}, header on row {scan.header_row}): {scan.rows:,} rows, "
          f"{scan.cases:,} distinct cases")
    print(f"fingerprint: {scan.fingerprint}")
    print(f"mapping (template {info.template_key}):")
    for key in fields:
        column = scan.mapping.get(key)
        print(f"  {key:<24} {'← ' + column if column else '(not mapped)'}")
    if scan.strata:
        print("strata: " + ", ".join(f"{k} {v:,}" for k, v in scan.strata.items()))
    if scan.problem_total:
        print(f"problems ({scan.problem_total:,}):")
        for p in scan.problems[:50]:
            where = ", ".join(x for x in (f"row {p.row}" if p.row else "", f"column '{p.column}'" if p.column
                                          else f"field '{p.field}'" if p.field else "") if x)
            print(f"  {where}: {p.message}" + (f" ({p.value!r})" if p.value else ""))
        if scan.problem_total > 50:
            print(f"  … and {scan.problem_total - 50:,} more (--json lists up to 1,000)")
    if scan.duplicate_total:
        print(f"duplicate references ({scan.duplicate_total:,} repeats): "
              + "; ".join(f"{d.reference} rows {', '.join(map(str, d.rows))}" for d in scan.duplicates[:10]))
    for w in scan.warnings:
        print(f"warning: {w}")
    if scan.excluded_rows or leave_out.rows:
        print(f"left out: {counted(len(scan.excluded_rows), 'invalid row')}" + (f" ({leave_out.reason})" if scan.excluded_rows
                                                                          else "")
              + (f"; {counted(len(leave_out.rows), 'row')} from {a.exclusions.name}" if leave_out.rows else ""))
    if scan.ok:
        print("ready to draw" + (" with the same exclusions" if leave_out.any else ""))
    elif scan.blocking == 0 or not leave_out.exclude_invalid:
        print("not ready to draw: fix the problems above (or the mapping with --map), or leave the invalid rows "
              'out with --exclude-invalid --reason "…"')
    else:
        print("not ready to draw: the problems above that no row exclusion cures must be fixed (e.g. the mapping)")
    return 0 if scan.ok else 1


def cmd_draw(ctx: CliContext) -> int:
    from workbench.services import audits, fieldwork_flow
    from workbench.services.population_exclusions import methodology_text
    a = ctx.args
    with ctx.uow() as uow:
        drawn = fieldwork_flow.draw_and_evaluate(uow, a.audit_id, a.file, _mapping(a.map), a.stratify_by, a.seed,
                                                 progress=progress_bar(f"drawing from {a.file.name}"),
                                                 exclusions=_exclusions(a))
        result, evaluation = drawn.draw, drawn.evaluation
        excluded = methodology_text(audits.get_audit(uow, a.audit_id).plan)
    if a.json:
        print_json(result)
        return 0
    print(f"audit {result.audit_id}: drew {result.size} cases and {result.reserve} reserves from "
          f"{result.population_name} ({result.population_cases:,} cases) with seed {result.seed}")
    print(f"  sizing: {result.sizing_text}")
    print(f"  fingerprint: {result.fingerprint}")
    if excluded:
        print(f"  {excluded}")
    for name, counts in result.strata.items():
        print(f"  {name}: {counts['population']:,} cases, {counts['sample']} sampled, {counts['reserve']} in reserve")
    if evaluation.evaluated:
        print(f"  computed criteria answered: {evaluation.yes} yes, {evaluation.no} no, "
              f"{evaluation.not_applicable} n/a")
    print(f"next: record answers (workbench audit record {result.audit_id} CASE CRITERION VALUE)")
    return 0


def cmd_verify(ctx: CliContext) -> int:
    from workbench.services import population
    with ctx.uow(write=False) as uow:
        same, why = population.verify_draw(uow, ctx.args.audit_id, ctx.args.file,
                                           progress=progress_bar(f"redrawing from {ctx.args.file.name}"))
    print(("SAME: " if same else "DIFFERENT: ") + why)
    return 0 if same else 1


def cmd_show(ctx: CliContext) -> int:
    from workbench.services import audits, fieldwork
    from workbench.services.population_exclusions import methodology_text
    with ctx.uow(write=False) as uow:
        info = audits.get_audit(uow, ctx.args.audit_id)
        cases = fieldwork.list_cases(uow, info.id)
    if ctx.args.json:
        print_json({"audit": info, "cases": cases})
        return 0
    print(f"audit {info.id}: {info.title} — {info.template_name} v{info.template_version}, round {info.round} "
          f"of {info.series}, {info.status}")
    plan = info.plan
    print(f"  plan: {plan.get('method')} sample, " + (plan.get("sizing_text") or (
        f"fixed size {plan['size']}" if plan.get("size") else f"attribute sizing {plan.get('sizing')}")))
    if info.seed is not None:
        print(f"  seed {info.seed}; population {info.population_name} ({info.population_size:,} cases); "
              f"fingerprint {info.population_fingerprint}")
    for s in info.strata:
        print(f"  stratum {s.name}: {s.population:,} cases, {s.sample} sampled, {s.reserve} in reserve")
    if methodology_text(plan):
        print(f"  {methodology_text(plan)}")
    if info.findings:
        print("  findings: " + ", ".join(ref for _, ref in info.findings))
    if cases:
        print_table(["order", "case", "stratum", "state", "answered", "note"],
                    [[c.order, c.ref, c.stratum or "", c.state + (" (2nd review)" if c.second_review else ""),
                      c.answered, c.unusable_reason or (f"replaces {c.replaces_ref}" if c.replaces_ref else "")]
                     for c in cases])
    return 0


def cmd_evaluate(ctx: CliContext) -> int:
    from workbench.services import fieldwork
    with ctx.uow() as uow:
        s = fieldwork.evaluate_computed(uow, ctx.args.audit_id)
    print(f"evaluated {s.evaluated} computed answers on {s.cases} cases ({s.changed} changed): "
          f"{s.yes} yes, {s.no} no, {s.not_applicable} n/a; {s.overrides_kept} hand overrides kept")
    return 0


def cmd_record(ctx: CliContext) -> int:
    from workbench.services import fieldwork
    a = ctx.args
    with ctx.uow() as uow:
        case = fieldwork.find_case(uow, a.audit_id, a.case_ref)
        answer = fieldwork.record_response(uow, case.id, a.criterion, a.value, a.comment,
                                           "second" if a.second else "primary", override=a.override)
    who = " (second review)" if a.second else ""
    print(f"{case.ref} {a.criterion}{who}: " + ("cleared" if answer is None or answer.value is None else answer.value))
    return 0


def cmd_unusable(ctx: CliContext) -> int:
    from workbench.services import fieldwork
    a = ctx.args
    with ctx.uow() as uow:
        case = fieldwork.find_case(uow, a.audit_id, a.case_ref)
        replacement = fieldwork.mark_unusable(uow, case.id, a.reason, case.version)
    print(f"{case.ref} set aside ({a.reason}); replaced by {replacement.ref}"
          + (f" from stratum {replacement.stratum}" if replacement.stratum else ""))
    return 0


def cmd_second_review(ctx: CliContext) -> int:
    from workbench.services import fieldwork
    a = ctx.args
    with ctx.uow() as uow:
        ids = [fieldwork.find_case(uow, a.audit_id, ref).id for ref in a.case_refs]
        dip = fieldwork.second_review(uow, a.audit_id, ids)
    print(f"second-review dip: {counted(len(dip), 'case')}: " + ", ".join(c.ref for c in dip))
    return 0


def cmd_agreement(ctx: CliContext) -> int:
    from workbench.services import fieldwork
    from workbench.services.scoring import pct
    with ctx.uow(write=False) as uow:
        result = fieldwork.agreement(uow, ctx.args.audit_id)
    if ctx.args.json:
        print_json(result)
        return 0
    if result.pairs:
        print(f"second review: {counted(result.cases_reviewed, 'case')}, {result.agreed} of {result.pairs} answers agree "
              f"({pct(result.rate or 0)})")
        print_table(["criterion", "pairs", "agree", "rate", "kappa"],
                    [[c.key, c.pairs, c.agreed, pct(c.rate or 0), "n/a" if c.kappa is None else f"{c.kappa:.3f}"]
                     for c in result.criteria])
    else:
        print("no second-review answers yet")
    for g in result.grades:
        print(f"\n{g.criterion_key} against the original {g.field_key} ({g.n} cases; rows original, "
              f"columns auditor):")
        print_table(["original \\ auditor", *g.categories],
                    [[cat, *row] for cat, row in zip(g.categories, g.matrix, strict=True)])
        kappa = "n/a" if g.kappa is None else f"{g.kappa:.3f}"
        print(f"agree {g.agreed} of {g.n} ({pct(g.rate)}); under-graded {g.under_graded}, over-graded "
              f"{g.over_graded}; Cohen's kappa {kappa}" + (f"; {counted(g.missing, 'case')} lack a grade" if g.missing else ""))
    return 0
