"""The audit sheets of the Excel pack: audit results, one case list per audit (every case),
criteria, strata, trend, grading agreement and methodology. Each is one Excel table with its
header at row 1 (see ``excel_sheet``)."""

from __future__ import annotations

from collections.abc import Callable

from workbench.reports.excel_names import column_labels
from workbench.reports.excel_sheet import Column, TableSheet
from workbench.reports.excel_values import answer_value, whole_number
from workbench.reports.pack_data import AuditResult, PackData, result_word
from workbench.reports.safe_text import plain

Open = Callable[[str, "list[Column]"], TableSheet]


def audit_key(a: AuditResult) -> tuple[str, int, str]:
    return (a.title, a.round, a.seed)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def audit_results(open_sheet: Open, data: PackData, case_sheets: dict[int, str]) -> None:
    refs = {audit_key(a): [f.ref for f in data.findings if any(audit_key(x) == audit_key(a) for x in f.audits)]
            for a in data.audits()}
    sheet = open_sheet("Audit results", [
        Column("Audit", 36, "wrap"), Column("Case sheet", 31), Column("Findings", 16, "wrap"),
        Column("Template", 28, "wrap"), Column("Template version", 9, "whole"),
        Column("Template version as recorded", 10), Column("Round", 7, "int"),
        Column("Method", 30, "wrap"), Column("Sample size", 9, "int"), Column("Seed", 14, "whole"),
        Column("Seed as recorded", 22), Column("Population", 36, "wrap"),
        Column("Population fingerprint", 40, "wrap"),
        Column("Cases compliant", 10, "int"), Column("Cases scored", 9, "int"),
        Column("Compliance", 11, "pct"), Column("Compliance 95 % low", 10, "pct"),
        Column("Compliance 95 % high", 10, "pct"), Column("Weighted", 9),
        Column("What the compliance counts", 36, "wrap"),
        Column("Baseline compliant", 10, "int"), Column("Baseline cases", 9, "int"),
        Column("Baseline", 10, "pct"), Column("What the baseline counted", 36, "wrap"),
        Column("Measure compared with the baseline", 40, "wrap"), Column("Measure met", 9, "int"),
        Column("Measure cases", 9, "int"), Column("Measure rate", 10, "pct"),
        Column("Measure 95 % low", 10, "pct"), Column("Measure 95 % high", 10, "pct"),
        Column("Difference", 50, "wrap"), Column("Target", 9, "pct"), Column("RAG", 9, "rag"),
        Column("RAG reason", 40, "wrap"), Column("Scope", 40, "wrap"), Column("Plan", 40, "wrap"),
        Column("Kappa", 8, "number"), Column("Kappa 95 % low", 8, "number"),
        Column("Kappa 95 % high", 8, "number"), Column("Weighted kappa (linear)", 9, "number"),
        Column("Weighted kappa 95 % low", 9, "number"), Column("Weighted kappa 95 % high", 9, "number"),
        Column("Grades agreed", 10, "pct"),
    ])
    rows = []
    for a in data.audits():
        c, b, m, ag = a.compliance, a.baseline, a.measure, a.agreement
        rows.append([
            a.title, case_sheets[id(a)], ", ".join(refs[audit_key(a)]), a.template,
            whole_number(a.template_version), a.template_version,
            a.round, a.method, a.sample_size, whole_number(a.seed), a.seed, a.population,
            a.population_fingerprint, c.successes, c.n, c.point, c.low, c.high, _yes(a.weighted),
            a.compliance_label or ("weighted by stratum population shares" if a.weighted else "cases compliant"),
            b.successes if b else None, b.n if b else None, b.point if b else None, a.baseline_measures,
            a.measure_label or ("case compliance" if b else ""),
            m.successes if m else None, m.n if m else None, m.point if m else None,
            m.low if m else None, m.high if m else None,
            a.difference_text, a.target, a.rag.title(), a.rag_reason, a.scope_text, a.plan_text,
            ag.kappa if ag else None, ag.kappa_low if ag else None, ag.kappa_high if ag else None,
            ag.weighted_kappa if ag else None, ag.weighted_kappa_low if ag else None,
            ag.weighted_kappa_high if ag else None, ag.rate if ag else None])
    sheet.write_rows(rows)
    sheet.close()


def case_sheet(open_sheet: Open, audit: AuditResult, name: str, tick: Callable[[], None],
               min_cell: int | None) -> None:
    """Every case of the audit, one row each: result, each answer (columns named in words), notes."""
    keys = [cr.key for cr in audit.criteria]
    seen = set(keys)
    for case in audit.cases:
        for k in case.answers:
            if k not in seen:
                keys.append(k)
                seen.add(k)
    labels = column_labels(audit.template, keys, {cr.key: plain(cr.question) for cr in audit.criteria})
    stratified = any(case.stratum for case in audit.cases)
    columns = [Column("Case", 22)]
    if stratified:
        columns.append(Column("Stratum", 14))
    columns += [Column("Result", 14, "rag"), Column("Compliant (1 yes, 0 no)", 10, "int")]
    columns += [Column(labels[k], 20, "wrap") for k in keys]  # numbers and dates stored as values
    if min_cell is None:
        columns.append(Column("Auditor's notes", 50, "wrap"))
    withheld = f"<{min_cell}" if min_cell else "withheld"
    sheet = open_sheet(name, columns)
    values: dict[str, object] = {}

    def answer(text: object) -> object:
        if not isinstance(text, str):
            return text
        value = values.get(text)
        if value is None:
            value = answer_value(text)
            if len(values) < 5_000:
                values[text] = value
        return value

    def rows():
        for case in audit.cases:
            row: list[object] = [case.ref]
            if stratified:
                row.append(case.stratum)
            row += [result_word(case.compliant, withheld),
                    None if case.compliant is None else int(case.compliant)]
            row += [answer(case.answers.get(k, "")) for k in keys]
            if min_cell is None:
                row.append(case.notes)
            yield row

    sheet.write_rows(rows(), tick=tick)
    sheet.close()


def criteria(open_sheet: Open, data: PackData) -> None:
    sheet = open_sheet("Criteria results", [
        Column("Audit", 36, "wrap"), Column("Round", 7, "int"), Column("Criterion key", 18),
        Column("Criterion", 50, "wrap"), Column("Critical", 9), Column("Counted only where", 36, "wrap"),
        Column("Met", 8, "int"), Column("Applicable", 10, "int"), Column("Rate", 9, "pct"),
        Column("95 % low", 10, "pct"), Column("95 % high", 10, "pct"),
    ])
    sheet.write_rows([a.title, a.round, cr.key, cr.question, _yes(cr.critical), cr.applies_if, cr.met,
                      cr.applicable, cr.point, cr.low, cr.high]
                     for a in data.audits() for cr in a.criteria)
    sheet.close()


def strata(open_sheet: Open, data: PackData) -> None:
    sheet = open_sheet("Strata results", [
        Column("Audit", 36, "wrap"), Column("Round", 7, "int"), Column("Stratum", 18),
        Column("Population", 12, "int"), Column("Weight", 9, "pct"), Column("Sampled", 9, "int"),
        Column("Compliant", 10, "int"), Column("Rate", 9, "pct"), Column("95 % low", 10, "pct"),
        Column("95 % high", 10, "pct"),
    ])
    sheet.write_rows([a.title, a.round, st.stratum, st.population, st.weight, st.sample, st.compliant,
                      st.point, st.low, st.high] for a in data.audits() for st in a.strata)
    sheet.close()


def trend(open_sheet: Open, data: PackData) -> None:
    sheet = open_sheet("Trend", [
        Column("Audit", 36, "wrap"), Column("Round", 7, "int"), Column("Point", 30, "wrap"),
        Column("What is plotted", 40, "wrap"), Column("Rate", 9, "pct"), Column("95 % low", 10, "pct"),
        Column("95 % high", 10, "pct"), Column("This round", 9),
    ])
    sheet.write_rows([a.title, a.round, t.label, a.trend_label, t.point, t.low, t.high,
                      _yes(i == len(a.trend) - 1 and t.label.startswith("Round"))]
                     for a in data.audits() for i, t in enumerate(a.trend))
    sheet.close()


def agreement(open_sheet: Open, data: PackData) -> None:
    """The grading-agreement tables in long form: one row per original and audit grade."""
    sheet = open_sheet("Grading agreement", [
        Column("Audit", 36, "wrap"), Column("Round", 7, "int"), Column("Original grade", 16),
        Column("Auditor's grade", 16), Column("Cases", 9, "int"), Column("Direction", 16),
        Column("Which direction is the risk", 60, "wrap"),
    ])
    rows = []
    for a in data.audits():
        ag = a.agreement
        if ag is None:
            continue
        for i, original in enumerate(ag.categories):
            for j, audited in enumerate(ag.categories):
                direction = "agreed" if i == j else "under-graded" if j > i else "over-graded"
                rows.append([a.title, a.round, original, audited, ag.matrix[i][j], direction, ag.risk_note])
    sheet.write_rows(rows)
    sheet.close()


def methodology(open_sheet: Open, data: PackData) -> None:
    sheet = open_sheet("Methodology", [
        Column("Audit", 36, "wrap"), Column("Template", 28, "wrap"), Column("Template version", 9, "whole"),
        Column("Template version as recorded", 10), Column("Sampling plan", 45, "wrap"), Column("Selection", 45, "wrap"),
        Column("Confidence", 11, "pct"), Column("Tolerable rate", 10, "pct"),
        Column("Expected rate", 10, "pct"), Column("Population", 36, "wrap"),
        Column("Population size", 12, "int"), Column("Population fingerprint", 40, "wrap"),
        Column("Seed", 14, "whole"), Column("Seed as recorded", 22), Column("Sample size", 9, "int"),
        Column("Strata", 36, "wrap"), Column("Reserve cases used", 9, "int"), Column("Notes", 45, "wrap"),
    ])
    sheet.write_rows([m.audit_title, m.template, whole_number(m.template_version), m.template_version,
                      m.sampling_plan, m.selection, m.confidence, m.tolerable_rate, m.expected_rate,
                      m.population, m.population_size, m.population_fingerprint, whole_number(m.seed), m.seed,
                      m.sample_size, "\n".join(m.strata), m.reserve_used, m.notes]
                     for m in data.methodology)
    sheet.close()
