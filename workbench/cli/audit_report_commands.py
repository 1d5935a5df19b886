"""sample-size, templates, score, readiness: sizing, template versions and results from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.cli.context import CliContext, add_command, print_json, print_table
from workbench.cli.numbers import whole_number
from workbench.errors import InputError


def register(sub: Any) -> None:
    s = add_command(sub, "sample-size", "attribute sample size (AICPA tables; hypergeometric with --population)")
    s.add_argument("--confidence", type=float, default=0.95)
    s.add_argument("--tolerable", type=float, required=True, help="tolerable deviation rate, e.g. 0.05")
    s.add_argument("--expected", type=float, default=0.0, help="expected deviation rate, e.g. 0.01")
    s.add_argument("--population", type=whole_number, help="population size (small populations need fewer cases)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_sample_size)

    t = add_command(sub, "templates", "audit templates stored in the workspace")
    tsub = t.add_subparsers(dest="templates_command", metavar="VERB")
    tl = add_command(tsub, "list", "list template versions (built-in and imported)")
    tl.add_argument("--json", action="store_true")
    tl.set_defaults(handler=cmd_templates_list)
    ti = add_command(tsub, "import", "validate and store a custom template (TOML)")
    ti.add_argument("file", type=Path)
    ti.set_defaults(handler=cmd_templates_import)
    ts = add_command(tsub, "show", "a template's fields (what the extract needs) and criteria (what is asked)")
    ts.add_argument("key", help="see workbench templates list")
    ts.add_argument("--version", type=whole_number, dest="template_version", help="a stored version (default: the newest)")
    ts.add_argument("--json", action="store_true")
    ts.set_defaults(handler=cmd_templates_show)

    sc = add_command(sub, "score", "score an audit: criteria, cases, strata, baseline, RAG, trend")
    sc.add_argument("audit_id", type=whole_number)
    sc.add_argument("--json", action="store_true")
    sc.add_argument("--cases", action="store_true", help="list every case with its status")
    sc.set_defaults(handler=cmd_score)

    r = add_command(sub, "readiness", "readiness of findings for inspection, with the reasons")
    r.add_argument("ref", nargs="?", help='a finding, e.g. "AFI 2" (default: every finding)')
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_readiness)


def cmd_sample_size(ctx: CliContext) -> int:
    from workbench.services.scoring import target_text
    from workbench.stats import StatsError, attribute_sample_size
    a = ctx.args
    try:
        n = attribute_sample_size(a.confidence, a.tolerable, a.expected, a.population)
    except StatsError as exc:
        raise InputError(str(exc)) from None
    model = "binomial" if a.population is None else f"hypergeometric, population {a.population:,}"
    if a.json:
        print_json({"sample_size": n, "confidence": a.confidence, "tolerable": a.tolerable,
                    "expected": a.expected, "population": a.population, "model": model.split(",")[0]})
        return 0
    print(n)
    print(f"  {target_text(a.confidence)} confidence, tolerable deviation rate {target_text(a.tolerable)}, "
          f"expected {target_text(a.expected)} ({model})")
    return 0


def cmd_templates_list(ctx: CliContext) -> int:
    from workbench.services import templates
    with ctx.uow() as uow:  # the built-ins are stored on first use
        rows = templates.list_templates(uow)
    if ctx.args.json:
        print_json(rows)
        return 0
    print_table(["key", "version", "name", "criteria", "critical", "computed", "source"],
                [[t.key, t.version, t.name[:60], t.criteria, t.critical, t.computed, t.source] for t in rows])
    return 0


def cmd_templates_import(ctx: CliContext) -> int:
    from workbench.services import templates
    with ctx.uow() as uow:
        info, created = templates.import_template(uow, ctx.args.file)
    state = "stored" if created else "already stored, unchanged:"
    print(f"{state} {info.key} version {info.version} ({info.name}; {info.criteria} criteria, "
          f"{info.critical} critical, {info.computed} computed)")
    return 0


def cmd_templates_show(ctx: CliContext) -> int:
    from workbench.services import templates
    from workbench.templates import template_to_dict
    with ctx.uow() as uow:  # the built-ins are stored on first use
        info, template = templates.show_template(uow, ctx.args.key, ctx.args.template_version)
    if ctx.args.json:
        print_json({"template": info, **template_to_dict(template)})
        return 0
    print(f"{info.key} version {info.version}: {info.name} ({info.source})")
    if info.description:
        print(f"  {info.description}")
    print(f"\nfields ({len(template.fields)}): what the population extract should have")
    print_table(["key", "label", "type", "needed", "choices / column names it is recognised by"],
                [[f.key, f.label, f.type,
                  "reference" if f.reference else "required" if f.required else "personal" if f.personal else "",
                  ("one of: " + ", ".join(f.choices) + "; " if f.choices else "") + ", ".join(f.aliases[:4])]
                 for f in template.fields])
    print(f"\ncriteria ({len(template.criteria)}): what is answered for each case")
    print_table(["key", "answer", "critical", "how", "question"],
                [[c.key, c.answer + (" (" + ", ".join(c.choices) + ")" if c.choices else ""),
                  "yes" if c.critical else "", "computed" if c.rule is not None else "by hand", c.question]
                 for c in template.criteria])
    for c in template.criteria:
        if c.rule is not None:
            print(f"  {c.key}: {templates.rule_words(template, c.key)}")
    return 0


def _rate(i: Any) -> str:
    from workbench.services.scoring import interval_text
    return "—" if i is None else interval_text(i)


def cmd_score(ctx: CliContext) -> int:
    from workbench.services import scoring
    from workbench.services.scoring import pct, target_text
    with ctx.uow(write=False) as uow:
        s = scoring.score_audit(uow, ctx.args.audit_id)
    if ctx.args.json:
        print_json(s)
        return 0
    print(f"{s.title} — round {s.round} ({s.template_name} v{s.template_version})")
    weighted = ", weighted by stratum population shares" if s.stratified is not None else ""
    if s.estimate is None:
        print("case compliance: insufficient evidence (no case in scope is complete)")
    else:
        scope = " in scope" if s.scope else ""
        print(f"case compliance: {s.compliant} of {s.complete} complete cases{scope} compliant; "
              f"{_rate(s.estimate)}{weighted}")
    if s.stratified is not None and s.sample_rate is not None:
        print(f"  unweighted sample rate: {_rate(s.sample_rate)}")
    if s.stratified_note:
        print(f"  {s.stratified_note}")
    if s.scope_text:
        print(f"scope: {s.scope_text}")
    print(f"cases: {s.cases_in_use} in use, {s.out_of_scope} out of scope, {s.incomplete} incomplete (left out), "
          f"{s.unusable} set aside as unusable")
    m = s.measure
    if m is not None and m.key != "case":
        print(f"compared with the baseline: '{m.label}' ({m.key}): {m.successes} of {m.n}"
              + (f", {_rate(m.estimate)}" if m.estimate is not None else ""))
    print(f"baseline: {s.comparison}")
    if s.plan_text:
        print(f"plan: {s.plan_text}")
    target = "no target" if s.target is None else f"target {target_text(s.target)}"
    print(f"RAG ({target}, {scoring.RULE_WORDS.get(s.rag_rule, s.rag_rule)} rule): "
          f"{(s.rag or 'not rated').upper()} — {s.rag_reason}")
    print()
    print_table(["criterion", "critical", "met", "applicable", "n/a", "unanswered", "rate [95 %]"],
                [[c.key + (" (computed)" if c.computed else "") + (f" (only where {c.applies_if})" if c.applies_if else ""),
                  "yes" if c.critical else "", c.met, c.applicable,
                  c.not_applicable, c.unanswered, _rate(c.interval)] for c in s.criteria])
    if s.strata:
        print()
        print_table(["stratum", "population", "weight", "complete", "compliant", "rate [95 %]"],
                    [[st.name, f"{st.population:,}", pct(st.weight), st.sample, st.compliant, _rate(st.interval)]
                     for st in s.strata])
    if len(s.trend) > 1:
        print("\ntrend: " + "; ".join(f"round {t.round} {pct(t.point)} [{pct(t.low)}, {pct(t.high)}]"
                                      for t in s.trend))
    if ctx.args.cases:
        print()
        print_table(["case", "stratum", "status", "not met", "unanswered"],
                    [[c.ref, c.stratum or "", c.status, ", ".join(c.failed), ", ".join(c.missing)] for c in s.cases])
    return 0


def cmd_readiness(ctx: CliContext) -> int:
    from workbench.services import findings, readiness
    with ctx.uow(write=False) as uow:
        if ctx.args.ref:
            ids = [findings.find_by_ref(uow, ctx.args.ref).stored_id]
        else:
            ids = [f.stored_id for f in findings.list_findings(uow)]
        rows = [readiness.assess_readiness(uow, fid) for fid in ids]
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows:
        print("the register is empty; import a report with: workbench import-report FILE")
    for r in rows:
        print(f"{r.finding_ref}: {r.rating.upper()}")
        for reason in r.reasons:
            print(f"  - {reason}")
    return 0
