"""One PDF section per finding: text, readiness, baselines, audits, measures, actions, evidence,
narrative and review comments."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from workbench.reports.pack_data import AuditResult, Count, FindingSection, MeasureSeries, count_text
from workbench.reports.pack_words import (  # noqa: F401 - METHODOLOGY, RESULTS_NOTE: used by pdf_pack
    METHODOLOGY,
    READINESS_WORD,
    RESULTS_NOTE,
    about_audit,
    notable_intro,
    notable_shown,
)
from workbench.reports.pdf_blocks import Ctx, fmt_date, fmt_size
from workbench.reports.pdf_charts import IntervalRow, interval_chart, pct, trend_chart
from workbench.reports.pdf_styles import RAG_TEXT, READINESS_RAG, SANS


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
        blocks = [measure_block(ctx, measure) for measure in finding.measures]
        # the heading travels with the first measure: never left alone at a page foot
        story.append(KeepTogether([ctx.heading("Measures", 1, toc=False), blocks[0]]))
        story += blocks[1:]
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
                colWidths=[0.14 * ctx.width, 0.86 * ctx.width], hAlign="LEFT")
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
        if any(case.stratum for case in shown):
            story.append(ctx.table(
                ("Case", "Stratum", "Why not compliant"),
                [[ctx.cell(case.ref, s.cell_ref, 60), case.stratum or "\u2013", case.notes] for case in shown],
                (0.2, 0.14, 0.66)))
        else:
            story.append(ctx.table(("Case", "Why not compliant"),
                                   [[ctx.cell(case.ref, s.cell_ref, 60), case.notes] for case in shown], (0.2, 0.8)))
    return story


def agreement_block(ctx: Ctx, audit: AuditResult) -> list[Flowable]:
    ag = audit.agreement
    assert ag is not None
    header = [f"{ag.row_label} \u2193 / {ag.column_label} \u2192", *ag.categories, "Total"]
    t = ag.totals()  # a release copy's table carries its (suppressed) totals: never summed here
    rows = []
    for cat, row, total in zip(ag.categories, ag.matrix, t.rows, strict=True):
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
    unit = "" if m.unit.strip() in ("", "%") else m.unit.strip() if m.unit.strip().startswith(":") else f" {m.unit}"
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


