"""One PDF section per finding: text, readiness, baselines, audits, measures, actions, evidence,
narrative and review comments."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from workbench.reports.pack_data import AuditResult, Count, FindingSection, MeasureSeries, count_text
from workbench.reports.pdf_blocks import Ctx, fmt_date, fmt_size
from workbench.reports.pdf_charts import IntervalRow, interval_chart, pct, trend_chart
from workbench.reports.pdf_styles import RAG_TEXT, READINESS_RAG, SANS

READINESS_WORD = {"ready": "Ready", "partly ready": "Partly ready", "not ready": "Not ready"}


def readiness_badge(ctx: Ctx, readiness: str) -> Table:
    return ctx.badge(READINESS_RAG[readiness], READINESS_WORD[readiness])


def rate_text(successes: int, n: int, point: float, low: float, high: float) -> str:
    return f"{successes} of {n} ({pct(point)}; 95 % interval {pct(low)} to {pct(high)})"


def finding_section(ctx: Ctx, finding: FindingSection) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = [
        ctx.heading(finding.title, 0, prefix_markup=f"<b>{ctx.text(finding.ref, 40)}</b>  "),
    ]
    meta = Table(
        [[ctx.head(h) for h in ("Type", "PEEL area", "Status", "Owner", "Readiness")],
         [ctx.cell(finding.kind, limit=120), ctx.cell(finding.area, limit=120),
          ctx.cell(finding.status, limit=80), ctx.cell(finding.owner, limit=120),
          readiness_badge(ctx, finding.readiness)]],
        colWidths=[w * ctx.width for w in (0.2, 0.24, 0.14, 0.24, 0.18)], hAlign="LEFT")
    meta.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    story += [meta, Spacer(1, 6)]
    if len(finding.title) > 180:
        story.append(ctx.para(finding.title, s.small))
    story += [ctx.heading("What the inspectorate found", 1, toc=False),
              ctx.para(finding.text or "No finding text recorded.", s.quote)]
    story.append(ctx.heading(f"Readiness: {READINESS_WORD[finding.readiness]}", 1, toc=False))
    story += ctx.bullets(finding.readiness_reasons) or [ctx.para("No reasons recorded.", s.muted)]
    story.append(ctx.heading("Self-assessment narrative", 1, toc=False))
    story.append(ctx.para(finding.narrative) if finding.narrative.strip()
                 else ctx.para("No narrative written yet.", s.muted))
    if finding.links:
        story.append(ctx.heading("Linked earlier findings", 1, toc=False))
        story += ctx.bullets(finding.links)
    if finding.baseline_figures:
        story.append(ctx.heading("Baseline figures cited in the report", 1, toc=False))
        rows = []
        for fig in finding.baseline_figures:
            value = (ctx.markup("<i>Not stated</i> \u2013 the report text omits this figure; "
                                "it has not been inferred", s.cell)
                     if fig.missing_in_source else ctx.cell(fig.value_text, s.cell_bold, 120))
            rows.append([fig.label, value, ctx.cell(f"\u201c{fig.sentence}\u201d")])
        story.append(ctx.table(("Figure", "Value", "Source sentence"), rows, (0.26, 0.2, 0.54)))
    for audit in finding.audits:
        story += audit_block(ctx, audit)
    if finding.measures:
        story.append(ctx.heading("Measures", 1, toc=False))
        for measure in finding.measures:
            story.append(measure_block(ctx, measure))
    story += actions_block(ctx, finding)
    story += evidence_block(ctx, finding)
    if finding.review_comments:
        story.append(ctx.heading("Review comments", 1, toc=False))
        story += ctx.bullets(finding.review_comments)
    return story


def audit_block(ctx: Ctx, audit: AuditResult) -> list[Flowable]:
    s = ctx.styles
    c = audit.compliance
    story: list[Flowable] = [CondPageBreak(120),
                             ctx.heading(f"Audit: {audit.title}", 1)]
    story.append(ctx.key_values(tuple(
        (k, ctx.cell(v, s.cell_mono, 200) if k in ("Seed", "Population fingerprint") else v)
        for k, v in about_audit(audit))))
    story.append(Spacer(1, 6))
    if audit.weighted:
        result = (f"<b>{c.successes} of {c.n}</b> sampled cases compliant; weighted by stratum population "
                  f"shares, the estimate is <b>{pct(c.point)}</b> (95 % interval {pct(c.low)} to {pct(c.high)}).")
    else:
        result = (f"<b>{c.successes} of {c.n}</b> cases compliant (every critical criterion met): "
                  f"<b>{pct(c.point)}</b> (95 % interval {pct(c.low)} to {pct(c.high)}).")
    if audit.target is not None:
        result += f" Force target: {pct(audit.target, 0)}."
    story.append(ctx.markup(result))
    if audit.scope_text:
        story.append(ctx.para("Scope: " + audit.scope_text + ".", s.small))
    if audit.baseline is not None:
        b = audit.baseline
        what = f" ({ctx.text(audit.baseline_measures)})" if audit.baseline_measures else ""
        if audit.measure is not None:
            m = audit.measure
            compared = (f"Compared like with like: the inspection's {b.successes} of {b.n} ({pct(b.point)}){what} "
                        f"is set against the criterion '{ctx.text(audit.measure_label)}' alone: "
                        f"<b>{m.successes} of {m.n}</b> ({pct(m.point)}, 95 % interval {pct(m.low)} to "
                        f"{pct(m.high)}); the target is rated on this measure.")
        else:
            compared = (f"Compared with the inspection's {b.successes} of {b.n} ({pct(b.point)}){what} on the "
                        "case compliance above.")
        story.append(ctx.markup(compared))
    if audit.difference_text:
        story.append(ctx.para(audit.difference_text[:1].upper() + audit.difference_text[1:]))
    if audit.plan_text:
        story.append(ctx.para("Plan: " + audit.plan_text + ".", s.small))
    rag = Table([[ctx.badge(audit.rag), ctx.cell(audit.rag_reason, s.small)]],
                colWidths=[0.12 * ctx.width, 0.88 * ctx.width], hAlign="LEFT")
    rag.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [rag, Spacer(1, 4)]
    rows: list[IntervalRow] = []
    if audit.trend:
        rows = [IntervalRow(t.label, t.point, t.low, t.high) for t in audit.trend]
        rows[-1] = IntervalRow(rows[-1].label, rows[-1].point, rows[-1].low, rows[-1].high, True)
    else:
        if audit.baseline is not None:
            b = audit.baseline
            rows.append(IntervalRow(f"Inspection baseline ({b.successes}/{b.n})", b.point,
                                    b.low, b.high))
        rows.append(IntervalRow(f"This audit ({c.successes}/{c.n})", c.point, c.low, c.high,
                                True))
    story.append(KeepTogether([
        ctx.para((audit.trend_label or "Compliance with 95 % interval") + (" by audit round" if audit.trend else ""),
                 s.muted),
        interval_chart(rows, audit.target, ctx.width, ctx.covered)]))
    if audit.criteria:
        story.append(ctx.heading("Results by criterion", 2, toc=False))
        crit_rows = []
        for cr in audit.criteria:
            crit_rows.append([
                cr.question + (f" ({cr.applies_if})" if cr.applies_if else ""), "Critical" if cr.critical else "", f"{cr.met} / {cr.applicable}",
                pct(cr.point), "n/a" if cr.low is None or cr.high is None
                else f"{pct(cr.low)} to {pct(cr.high)}"])
        story.append(ctx.table(("Criterion", "Critical", "Met / applicable", "Rate",
                                "95 % interval"), crit_rows, (0.44, 0.1, 0.14, 0.1, 0.22)))
    if audit.strata:
        story.append(ctx.heading("Results by stratum", 2, toc=False))
        story.append(ctx.table(
            ("Stratum", "Population", "Weight", "Sampled", "Compliant", "Rate", "95 % interval"),
            [[st.stratum, count_text(st.population), pct(st.weight), count_text(st.sample),
              count_text(st.compliant), pct(st.point),
              "n/a" if st.low is None or st.high is None else f"{pct(st.low)} to {pct(st.high)}"]
             for st in audit.strata], (0.2, 0.12, 0.1, 0.1, 0.12, 0.12, 0.24)))
    if audit.agreement is not None:
        story += agreement_block(ctx, audit)
    if audit.limitations:
        story.append(ctx.heading("Limitations", 2, toc=False))
        story += ctx.bullets(audit.limitations)
    if audit.notable_cases:
        shown, more = notable_shown(audit)
        story.append(ctx.heading("Notable cases", 2, toc=False))
        story.append(ctx.para(notable_intro(audit, len(shown), more), s.small))
        story.append(ctx.table(
            ("Case", "Stratum", "Why not compliant"),
            [[ctx.cell(case.ref, s.cell_ref, 60), case.stratum or "\u2013", case.notes] for case in shown],
            (0.2, 0.14, 0.66)))
    return story


NOTABLE_LIMIT = 10  # not-compliant cases listed in a pack; the workbook lists every case


def notable_shown(audit: AuditResult) -> tuple[tuple, int]:
    """The notable cases a pack lists (the first ``NOTABLE_LIMIT``) and how many more there are."""
    shown = audit.notable_cases[:NOTABLE_LIMIT]
    return shown, len(audit.notable_cases) - len(shown)


def notable_intro(audit: AuditResult, shown: int, more: int) -> str:
    total = len(audit.notable_cases)
    if more:
        return (f"{total:,} cases not compliant; the first {shown} are listed here and the other {more:,} in the "
                "workbook that goes with this pack, which lists every case with its answers.")
    return f"{total} case{'s' if total != 1 else ''} not compliant:"


def about_audit(audit: AuditResult) -> tuple[tuple[str, str], ...]:
    """How the audit was done, as label and words (the PDF and HTML packs print the same)."""
    rows = [("Template", f"{audit.template} (version {audit.template_version})"),
            ("Round", str(audit.round)),
            ("Extract period", audit.extract_period or "not recorded"),
            ("Inclusion criteria", audit.inclusion or "not recorded"),
            ("Population", audit.population),
            ("Population size", f"{audit.population_size:,} cases" if audit.population_size else "not recorded"),
            ("Sampling method", audit.method),
            ("Sample size", f"{audit.sample_size} cases"),
            ("Fieldwork", audit.fieldwork or "not recorded"),
            ("Auditors", audit.auditors or "not recorded"),
            ("Second review", audit.second_review or "not recorded"),
            ("Seed", audit.seed),
            ("Population fingerprint", audit.population_fingerprint)]
    return tuple(rows)


def agreement_block(ctx: Ctx, audit: AuditResult) -> list[Flowable]:
    ag = audit.agreement
    assert ag is not None
    header = [f"{ag.row_label} \u2193 / {ag.column_label} \u2192", *ag.categories, "Total"]
    t = ag.totals()  # a release copy's table carries its (suppressed) totals: never summed here
    rows = []
    for cat, row, total in zip(ag.categories, ag.matrix, t.rows):
        rows.append([ctx.cell(cat, ctx.styles.cell_bold, 60), *map(count_text, row), count_text(total)])
    rows.append([ctx.cell("Total", ctx.styles.cell_bold), *map(count_text, t.columns), count_text(t.total)])
    k = len(ag.categories)
    widths = [0.34] + [0.66 / (k + 1)] * (k + 1)
    diag = [("BACKGROUND", (i + 1, i + 1), (i + 1, i + 1), "#E3EAF2") for i in range(k)]
    def kappa(value: float | None, low: float | None, high: float | None) -> str:
        if value is None:
            return "not defined (one grade throughout)"
        return f"{value:.2f}" + ("" if low is None or high is None else f" (95 % interval {low:.2f} to {high:.2f})")

    def share(count: Count, low: float | None, high: float | None) -> str:
        if isinstance(count, str) or isinstance(t.total, str):  # a release copy's suppressed count
            return count_text(count)
        text = f"{count} of {t.total} ({pct(count / t.total) if t.total else 'n/a'}"
        return text + ("" if low is None or high is None else f", 95 % interval {pct(low)} to {pct(high)}") + ")"

    rate = "rate withheld" if ag.rate is None else pct(ag.rate)
    words = (f"The auditor agreed with the original grade in {count_text(t.agreed)} of {count_text(t.total)} "
             f"cases ({rate}). The grades are ordered, so the linear-weighted kappa, which counts a grade "
             f"one step out as a partial agreement, is "
             f"{kappa(ag.weighted_kappa, ag.weighted_kappa_low, ag.weighted_kappa_high)}; "
             f"unweighted Cohen's kappa {kappa(ag.kappa, ag.kappa_low, ag.kappa_high)}. "
             f"<b>Under-graded</b> (the original grade lower than the auditor's): "
             f"{share(t.under_graded, ag.under_low, ag.under_high)}; over-graded: "
             f"{share(t.over_graded, ag.over_low, ag.over_high)}.")
    if ag.risk_note:
        words += " " + ctx.text(ag.risk_note)
    return [ctx.heading("Grading agreement", 2, toc=False),
            ctx.table(header, rows, widths, diag),
            Spacer(1, 4),
            ctx.markup(words, ctx.styles.small)]


def measure_block(ctx: Ctx, m: MeasureSeries) -> Flowable:
    unit = "" if m.unit.strip() in ("", "%") else f" {m.unit}"
    pct_unit = " %" if m.unit.strip() == "%" else ""

    def val(v: float | None) -> str:
        return "not set" if v is None else f"{v:,.1f}".rstrip("0").rstrip(".") + pct_unit + unit

    latest = sorted(m.points, key=lambda p: p.when)[-1] if m.points else None
    bits = [f"Baseline {ctx.text(val(m.baseline))}", f"target {ctx.text(val(m.target))}"]
    if latest is not None:
        bits.append(f"latest <b>{ctx.text(val(latest.value))}</b> ({latest.when:%b %Y})")
    bits.append("lower is better" if m.direction == "down" else "higher is better")
    return KeepTogether([
        ctx.heading(m.name, 2, toc=False),
        ctx.markup("; ".join(bits) + ".", ctx.styles.small),
        trend_chart(m, ctx.width, covered=ctx.covered),
        Spacer(1, 6),
    ])


def actions_block(ctx: Ctx, finding: FindingSection) -> list[Flowable]:
    story: list[Flowable] = [ctx.heading("Action plan", 1, toc=False)]
    if not finding.actions:
        return story + [ctx.para("No actions recorded.", ctx.styles.muted)]
    overdue = sum(a.overdue for a in finding.actions)
    done = sum(a.status.strip().lower() in ("complete", "completed", "done")
               for a in finding.actions)
    story.append(ctx.para(f"{done} of {len(finding.actions)} actions complete; "
                          f"{overdue} overdue.", ctx.styles.small))
    rows = []
    for a in finding.actions:
        status = (ctx.markup(f'{ctx.text(a.status, 60)}<br/><font color="'
                             f'{RAG_TEXT["red"].hexval()}"><b>Overdue</b></font>',
                             ctx.styles.cell) if a.overdue else ctx.cell(a.status, limit=60))
        rows.append([a.title, a.owner, fmt_date(a.due), status])
    return story + [ctx.table(("Action", "Owner", "Due", "Status"), rows,
                              (0.5, 0.2, 0.14, 0.16))]


def evidence_block(ctx: Ctx, finding: FindingSection) -> list[Flowable]:
    story: list[Flowable] = [ctx.heading("Evidence index", 1, toc=False)]
    if not finding.evidence:
        return story + [ctx.para("No evidence attached.", ctx.styles.muted)]
    rows = []
    for e in finding.evidence:
        title = ctx.markup(f"<b>{ctx.text(e.title, 300)}</b><br/>{ctx.text(e.filename, 200)}"
                           f" \u00b7 {fmt_size(e.size)} \u00b7 {ctx.text(e.classification, 60)}",
                           ctx.styles.cell)
        rows.append([title, fmt_date(e.evidence_date), fmt_date(e.uploaded),
                     ctx.cell(e.sha256, ctx.styles.cell_mono, 128)])
    return story + [ctx.table(("Evidence", "Evidence date", "Uploaded", "SHA-256"), rows,
                              (0.38, 0.13, 0.17, 0.32))]


RESULTS_NOTE = (
    "Readiness and RAG ratings are written in words as well as shown in colour. A sample rate is "
    "shown with its Wilson 95 % interval and a weighted (stratified) estimate with its Korn–Graubard "
    "95 % interval, and says that it is weighted. A target is rated green only when the one-sided exact "
    "lower bound at the plan's confidence reaches it: the same test that sized the sample, so a sample "
    "that meets its plan meets its target. A change from the inspection baseline is called confirmed "
    "only when the 95 % Newcombe interval of the difference excludes zero; \u201ccannot confirm\u201d means "
    "that interval still includes no change, not that nothing changed.")

METHODOLOGY = (
    ("Scope and compliance",
     "Screening questions decide whether a case is in an audit's scope; a case out of scope (for example an "
     "arrest in which no force was used) is counted as out of scope, never as compliant, and the screening "
     "question itself is not scored. A case in scope is compliant when every critical criterion is met. "
     "Not-applicable answers are excluded from a criterion's rate, and a criterion that depends on another "
     "(for example \u201csubmitted within 24 hours\u201d where a form exists) counts only where that other "
     "criterion applies."),
    ("Comparison with the inspection",
     "An inspection figure is compared with the measure that counts the same thing: a single criterion "
     "(for example attendance within the required time) or, when none is chosen, the case compliance. "
     "The difference has Newcombe's hybrid score 95 % interval (method 10, 1998)."),
    ("Rating against the target",
     "Attribute sampling sizes a sample as the smallest n for which seeing no more than the expected "
     "deviations shows, at the stated confidence, that the deviation rate is below the tolerable rate. "
     "Ratings use the dual of that test: the one-sided exact (Clopper\u2013Pearson) lower bound on the "
     "compliance rate, hypergeometric when every case is in scope and the population size is known, "
     "the Korn\u2013Graubard bound for a stratified sample. Green: the lower bound reaches the target; "
     "amber: only the estimate does; red: the estimate is below it. A sample too small to confirm the "
     "target even if every case complied is reported as insufficient evidence. Checking every case (a "
     "census) has no sampling error."),
    ("Stratified estimates",
     "Each stratum's rate is weighted by its share of the population (in scope). The variance uses the "
     "unbiased within-stratum variance (n\u2095 \u2212 1), and the interval is Clopper\u2013Pearson on an "
     "effective sample size adjusted for the degrees of freedom and never larger than the cases sampled "
     "(Korn & Graubard 1998)."),
    ("Grading agreement",
     "Grades are ordered, so agreement is given as the linear-weighted kappa with its 95 % interval beside "
     "the unweighted Cohen's kappa (Fleiss, Cohen & Everitt 1969 variance); under- and over-grading are "
     "given as shares of the cases with Wilson 95 % intervals. Under-grading a high-risk victim is the risk."),
    ("Redrawing a sample",
     "Every case reference, after trimming spaces (and, for whole-number spreadsheet cells, written without "
     "a decimal point), gets the priority HMAC-SHA256(key = the seed in decimal digits, message = the "
     "reference in UTF-8), compared as a 256-bit number. Simple random: the smallest priorities are the "
     "sample, the next ones the reserves. Stratified: the sample, then the reserves, are shared between "
     "strata (names compared exactly, case-sensitive, in code-point order) by the largest-remainder method "
     "in proportion to stratum size, every stratum getting at least one when there are enough, and each "
     "stratum's smallest priorities are drawn. Systematic: the references in UTF-8 byte order, every "
     "(N/n)-th from a start derived from HMAC-SHA256(seed, empty message); reserves by priority. When the "
     "plan does not give the number of reserves it is 10 % of the sample rounded up, at least 5 (for a "
     "stratified plan at least two per stratum), and never more than the cases left."),
    ("Population fingerprint",
     "Each row's mapped values, in the template's field order, are normalised as for the draw and joined "
     "with the unit separator (U+001F); the SHA-256 of each row is taken, the row hashes are sorted, and "
     "the fingerprint is SHA-256 over \u201cpopulation-v2\u201d, the field list, the row count and the sorted "
     "hashes. It names the rows in the mapped columns whatever their order; the SHA-256 of the file itself "
     "is recorded separately."),
)
