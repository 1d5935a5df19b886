"""The Excel pack: the same PackData as the PDF, as filterable tables.

Sheets: Summary, Findings, Baseline figures, Audit results, one sheet per audit with case-level
results, Criteria results, Strata results (when any), Measures, Actions, Evidence index,
Methodology. Written in openpyxl write-only mode throughout (see ``excel_sheet``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from workbench.files import atomic_output
from workbench.reports.excel_sheet import Column, Marking, TableSheet, sheet_name
from workbench.reports.pack_data import AuditResult, PackData, PackError, result_word

Progress = Callable[[int, "int | None"], None]
READINESS_WORD = {"ready": "Ready", "partly ready": "Partly ready", "not ready": "Not ready"}
STATUS_WORD = {"draft": "Draft", "submitted": "Submitted for sign-off", "approved": "Approved",
               "superseded": "Superseded"}


def _rag(word: str) -> str:
    return word.title()


def _summary(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    so = data.signoff
    titles: list[tuple[str, object]] = [
        (f"{data.title} \u2013 {data.force}", None),
        ("Protective marking", data.marking),
        ("Inspections", "; ".join(data.inspections)),
        ("Pack version", data.pack_version),
        ("Status", STATUS_WORD[data.status]),
        ("Built", data.built_at),
        ("Built by", data.built_by),
        ("Sign-off", "Not yet signed off" if so is None else
         f"{so.decision} by {so.reviewer} (prepared by {so.preparer})"),
        ("Signed off at", None if so is None else so.at),
        ("Tool version", data.tool_version),
    ]
    sheet = TableSheet(wb, sheet_name("Summary", used), (
        Column("Ref", 14), Column("Finding", 50, "wrap"), Column("Kind", 18),
        Column("PEEL area", 22, "wrap"), Column("Status", 14), Column("Owner", 20),
        Column("Readiness", 13, "rag"), Column("Latest audit", 34, "wrap"),
        Column("Compliant", 10, "int"), Column("Sample", 9, "int"),
        Column("Compliance", 11, "pct"), Column("95 % low", 10, "pct"),
        Column("95 % high", 10, "pct"), Column("Baseline", 10, "pct"),
        Column("Target", 9, "pct"), Column("Audit RAG", 10, "rag"),
        Column("Actions overdue", 10, "int"), Column("Readiness reasons", 60, "wrap"),
    ), mark, titles)
    rows = []
    for f in data.findings:
        a = f.audits[-1] if f.audits else None
        rows.append([
            f.ref, f.title, f.kind, f.area, f.status, f.owner, READINESS_WORD[f.readiness],
            a.title if a else "No audit linked",
            a.compliance.successes if a else None, a.compliance.n if a else None,
            a.compliance.point if a else None, a.compliance.low if a else None,
            a.compliance.high if a else None,
            a.baseline.point if a and a.baseline else None, a.target if a else None,
            _rag(a.rag) if a else None, sum(x.overdue for x in f.actions),
            "\n".join(f.readiness_reasons)])
    sheet.write_rows(rows)
    sheet.close()


def _findings(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Findings", used), (
        Column("Ref", 14), Column("Kind", 18), Column("Title", 45, "wrap"),
        Column("Finding text", 70, "wrap"), Column("PEEL area", 22, "wrap"),
        Column("Status", 14), Column("Owner", 20), Column("Readiness", 13, "rag"),
        Column("Readiness reasons", 50, "wrap"), Column("Self-assessment narrative", 70, "wrap"),
        Column("Review comments", 40, "wrap"), Column("Linked earlier findings", 40, "wrap"),
    ), mark)
    sheet.write_rows([f.ref, f.kind, f.title, f.text, f.area, f.status, f.owner,
                      READINESS_WORD[f.readiness], "\n".join(f.readiness_reasons), f.narrative,
                      "\n".join(f.review_comments), "\n".join(f.links)]
                     for f in data.findings)
    sheet.close()


def _baselines(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Baseline figures", used), (
        Column("Finding", 14), Column("Figure", 32, "wrap"), Column("Value", 16),
        Column("Source sentence", 70, "wrap"), Column("Missing in source", 12),
    ), mark)
    sheet.write_rows([f.ref, fig.label, fig.value_text, fig.sentence,
                      "Yes - not inferred" if fig.missing_in_source else "No"]
                     for f in data.findings for fig in f.baseline_figures)
    sheet.close()


def _audit_results(wb: Workbook, data: PackData, mark: Marking, used: set[str],
                   sheets: dict[int, str]) -> None:
    def key(a: AuditResult) -> tuple[str, int, str]:
        return (a.title, a.round, a.seed)

    refs = {id(a): [f.ref for f in data.findings if any(key(x) == key(a) for x in f.audits)]
            for a in data.audits()}
    sheet = TableSheet(wb, sheet_name("Audit results", used), (
        Column("Audit", 36, "wrap"), Column("Case sheet", 24), Column("Findings", 16, "wrap"),
        Column("Template", 28, "wrap"), Column("Version", 9), Column("Round", 7, "int"),
        Column("Method", 30, "wrap"), Column("Sample size", 9, "int"), Column("Seed", 16),
        Column("Population", 36, "wrap"), Column("Population fingerprint", 40, "wrap"),
        Column("Compliant", 10, "int"), Column("n", 7, "int"), Column("Compliance", 11, "pct"),
        Column("95 % low", 10, "pct"), Column("95 % high", 10, "pct"),
        Column("Baseline compliant", 10, "int"), Column("Baseline n", 9, "int"),
        Column("Baseline", 10, "pct"), Column("Difference", 50, "wrap"),
        Column("Target", 9, "pct"), Column("RAG", 9, "rag"), Column("RAG reason", 40, "wrap"),
        Column("Compliance counts", 36, "wrap"), Column("Scope", 40, "wrap"),
        Column("Compared with the baseline", 40, "wrap"), Column("Measure met", 9, "int"),
        Column("Measure n", 9, "int"), Column("Measure rate", 10, "pct"), Column("Plan", 40, "wrap"),
    ), mark)
    rows = []
    for a in data.audits():
        c, b = a.compliance, a.baseline
        rows.append([a.title, sheets[id(a)], ", ".join(refs[id(a)]), a.template,
                     a.template_version, a.round, a.method, a.sample_size, a.seed, a.population,
                     a.population_fingerprint, c.successes, c.n, c.point, c.low, c.high,
                     b.successes if b else None, b.n if b else None, b.point if b else None,
                     a.difference_text, a.target, _rag(a.rag), a.rag_reason,
                     a.compliance_label or ("weighted by stratum population shares" if a.weighted else ""),
                     a.scope_text, a.measure_label or ("case compliance" if b else ""),
                     a.measure.successes if a.measure else None, a.measure.n if a.measure else None,
                     a.measure.point if a.measure else None, a.plan_text])
    sheet.write_rows(rows)
    sheet.close()


def _case_sheet(wb: Workbook, audit: AuditResult, name: str, mark: Marking,
                tick: Callable[[], None], min_cell: int | None = None) -> None:
    keys = [cr.key for cr in audit.criteria]
    for case in audit.cases:
        keys += [k for k in case.answers if k not in keys]
    questions = {cr.key: cr.question for cr in audit.criteria}
    titles: list[tuple[str, object]] = [
        (audit.title, None), ("Template", f"{audit.template} (version {audit.template_version})"),
        ("Round", audit.round), ("Seed", audit.seed), ("Population", audit.population),
        ("Population fingerprint", audit.population_fingerprint),
    ]
    if min_cell is not None:
        titles.append(("Release copy", "Cases are keyed pseudonyms; case notes are removed"
                       + (f"; a value held by fewer than {min_cell} of these cases is shown as <{min_cell}"
                          if min_cell > 1 else "")))
    columns = [Column("Case", 16), Column("Stratum", 14), Column("Result", 14, "rag")]
    columns += [Column(questions.get(k, k), 18, "wrap") for k in keys]
    columns.append(Column("Auditor's notes", 50, "wrap"))
    sheet = TableSheet(wb, name, columns, mark, titles)
    sheet.write_rows(([case.ref, case.stratum,
                       result_word(case.compliant, f"<{min_cell}"),
                       *[case.answers.get(k, "") for k in keys], case.notes]
                      for case in audit.cases), tick=tick)
    sheet.close()


def _criteria(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Criteria results", used), (
        Column("Audit", 36, "wrap"), Column("Key", 18), Column("Criterion", 50, "wrap"),
        Column("Critical", 9), Column("Met", 8, "int"), Column("Applicable", 10, "int"),
        Column("Rate", 9, "pct"), Column("95 % low", 10, "pct"), Column("95 % high", 10, "pct"),
    ), mark)
    sheet.write_rows([a.title, cr.key, cr.question, "Yes" if cr.critical else "No", cr.met,
                      cr.applicable, cr.point, cr.low, cr.high]
                     for a in data.audits() for cr in a.criteria)
    sheet.close()


def _strata(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Strata results", used), (
        Column("Audit", 36, "wrap"), Column("Stratum", 18), Column("Population", 12, "int"),
        Column("Weight", 9, "pct"), Column("Sampled", 9, "int"), Column("Compliant", 10, "int"),
        Column("Rate", 9, "pct"), Column("95 % low", 10, "pct"), Column("95 % high", 10, "pct"),
    ), mark)
    sheet.write_rows([a.title, st.stratum, st.population, st.weight, st.sample, st.compliant,
                      st.point, st.low, st.high] for a in data.audits() for st in a.strata)
    sheet.close()


def _measures(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Measures", used), (
        Column("Finding", 14), Column("Measure", 36, "wrap"), Column("Unit", 10),
        Column("Better when", 11), Column("Baseline", 10, "number"),
        Column("Target", 10, "number"), Column("Date", 13, "date"),
        Column("Value", 10, "number"),
    ), mark)
    sheet.write_rows([f.ref, m.name, m.unit, "lower" if m.direction == "down" else "higher",
                      m.baseline, m.target, p.when, p.value]
                     for f in data.findings for m in f.measures
                     for p in sorted(m.points, key=lambda p: p.when))
    sheet.close()


def _actions(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Actions", used), (
        Column("Finding", 14), Column("Action", 60, "wrap"), Column("Owner", 22),
        Column("Due", 13, "date"), Column("Status", 16), Column("Overdue", 10, "rag"),
    ), mark)
    sheet.write_rows([f.ref, a.title, a.owner, a.due, a.status, "Overdue" if a.overdue else ""]
                     for f in data.findings for a in f.actions)
    sheet.close()


def _evidence(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Evidence index", used), (
        Column("Finding", 14), Column("Evidence", 40, "wrap"), Column("File", 30, "wrap"),
        Column("Evidence date", 13, "date"), Column("Uploaded", 17, "datetime"),
        Column("Size (bytes)", 12, "int"), Column("SHA-256", 68),
        Column("Classification", 20),
    ), mark)
    sheet.write_rows([f.ref, e.title, e.filename, e.evidence_date, e.uploaded, e.size, e.sha256,
                      e.classification] for f in data.findings for e in f.evidence)
    sheet.close()


def _methodology(wb: Workbook, data: PackData, mark: Marking, used: set[str]) -> None:
    sheet = TableSheet(wb, sheet_name("Methodology", used), (
        Column("Audit", 36, "wrap"), Column("Template", 28, "wrap"), Column("Version", 9),
        Column("Sampling plan", 45, "wrap"), Column("Selection", 30, "wrap"),
        Column("Confidence", 11, "pct"), Column("Tolerable rate", 10, "pct"),
        Column("Expected rate", 10, "pct"), Column("Population", 36, "wrap"),
        Column("Population size", 12, "int"), Column("Population fingerprint", 40, "wrap"),
        Column("Seed", 16), Column("Sample size", 9, "int"), Column("Strata", 36, "wrap"),
        Column("Reserve used", 9, "int"), Column("Notes", 40, "wrap"),
    ), mark)
    sheet.write_rows([m.audit_title, m.template, m.template_version, m.sampling_plan,
                      m.selection, m.confidence, m.tolerable_rate, m.expected_rate,
                      m.population, m.population_size, m.population_fingerprint, m.seed,
                      m.sample_size, "\n".join(m.strata), m.reserve_used, m.notes]
                     for m in data.methodology)
    sheet.close()


def write_excel_pack(data: PackData, out_path: str | os.PathLike[str],
                     progress: Progress | None = None) -> Path:
    """Write the workbook to ``out_path`` atomically; ``progress(done, total)`` per sheet (and
    every 5,000 case rows). If ``progress`` raises, the exception propagates, no file is left."""
    out = Path(out_path)
    if not out.parent.is_dir():
        raise PackError("the folder for the workbook does not exist; choose an existing folder",
                        path=str(out.parent))
    audits = data.audits()
    total = 10 + len(audits)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(min(done, total), total)

    def tick() -> None:
        if progress:
            progress(done, total)

    mark = Marking(data.marking, data.force,
                   f"Pack v{data.pack_version} \u00b7 {STATUS_WORD[data.status]}")
    wb = Workbook(write_only=True)
    wb.properties.title = f"{data.title} \u2013 {data.force}"
    wb.properties.creator = data.built_by
    wb.properties.subject = data.marking
    wb.properties.keywords = data.marking
    wb.properties.created = data.built_at
    used: set[str] = set()
    for name in ("Summary", "Findings", "Baseline figures", "Audit results", "Criteria results",
                 "Strata results", "Measures", "Actions", "Evidence index", "Methodology"):
        used.add(name.lower())  # reserve fixed names so audit sheets never collide with them
    case_sheets = {id(a): sheet_name(f"A{i} {a.title}", used) for i, a in enumerate(audits, 1)}
    used -= {"summary", "findings", "baseline figures", "audit results", "criteria results",
             "strata results", "measures", "actions", "evidence index", "methodology"}
    try:
        for writer in (_summary, _findings, _baselines):
            writer(wb, data, mark, used)
            step()
        _audit_results(wb, data, mark, used, case_sheets)
        step()
        for audit in audits:
            _case_sheet(wb, audit, case_sheets[id(audit)], mark, tick, data.release_min_cell)
            step()
        _criteria(wb, data, mark, used)
        step()
        if any(a.strata for a in audits):
            _strata(wb, data, mark, used)
        step()
        for writer in (_measures, _actions, _evidence, _methodology):
            writer(wb, data, mark, used)
            step()
        with atomic_output(out) as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise
    return out


def _discard(wb: Workbook) -> None:
    """Close the streamed sheets of an abandoned workbook and delete openpyxl's temp files."""
    for ws in wb.worksheets:
        try:
            if not ws.closed:
                ws.close()
            writer = getattr(ws, "_writer", None)
            if writer is not None:
                writer.cleanup()
        except Exception:  # noqa: BLE001 - best effort: the original error matters more
            continue
