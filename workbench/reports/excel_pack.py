"""The Excel pack: the same PackData as the PDF, as tables an analyst can filter and pivot.

Sheets, in order: About (what the pack is: marking, version, status, sign-off, and what each
sheet holds), Summary, Findings, Baseline figures, Audit results, one case list per audit (every
case of every audit: "A1 ...", "A2 ..."), Criteria results, Strata results (when any), Trend,
Grading agreement (when any), Measures, Actions, Evidence index, Methodology. Every sheet but
About is one Excel table with its header at row 1; About is a two-column table too. Numbers and
dates are values with number formats (see ``excel_sheet``). Written in openpyxl write-only mode.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from workbench.files import atomic_output
from workbench.progress import Progress
from workbench.reports import excel_audits
from workbench.reports.excel_sheet import Column, Marking, Shown, TableSheet, setup_workbook, sheet_name
from workbench.reports.excel_values import figure_value
from workbench.reports.pack_data import PackData, PackError

READINESS_WORD = {"ready": "Ready", "partly ready": "Partly ready", "not ready": "Not ready"}
STATUS_WORD = {"draft": "Draft", "submitted": "Submitted for sign-off", "approved": "Approved",
               "superseded": "Superseded"}
SHEETS = {
    "About": "What this workbook is: the pack, its marking, version, status and sign-off, and this list",
    "Summary": "One row per finding: readiness, the latest audit's result against baseline and target",
    "Findings": "The findings in full: text, readiness reasons, self-assessment narrative, reviews",
    "Baseline figures": "The figures the inspection report cited, as numbers, with the words as cited",
    "Audit results": "One row per audit: plan, seed, compliance, the measure compared with the baseline, RAG",
    "Criteria results": "One row per audit criterion: met, applicable, rate and 95 % interval",
    "Strata results": "One row per stratum of a stratified audit",
    "Trend": "Each audit's rounds and inspection baseline, as plotted in the PDF",
    "Grading agreement": "Original against auditor's grade, one row per pair of grades",
    "Measures": "Performance measures, one row per reading",
    "Actions": "The action plans, one row per action",
    "Evidence index": "Evidence files, with their SHA-256",
    "Methodology": "How each sample was planned and drawn, so anyone can redraw it",
}
CASES_TEXT = "Every case of the audit '{}': its result and each answer; one row per case"


class _Book:
    """The workbook being written: marking, sheet and table names in use."""

    def __init__(self, wb: Workbook, mark: Marking) -> None:
        self.wb, self.mark = wb, mark
        self.tables: set[str] = set()

    def open(self, name: str, columns: list[Column]) -> TableSheet:
        return TableSheet(self.wb, name, columns, self.mark, self.tables)


def _about(book: _Book, data: PackData, contents: list[tuple[str, str]]) -> None:
    so = data.signoff
    items: list[tuple[str, object]] = [
        ("Pack", f"{data.title} \u2013 {data.force}"),
        ("Protective marking", data.marking),
        ("Force", data.force),
        ("Inspections", "; ".join(data.inspections)),
        ("Pack version", data.pack_version),
        ("Status", STATUS_WORD[data.status]),
        ("Built", data.built_at),
        ("Built by", data.built_by),
        ("Sign-off", "Not yet signed off" if so is None else
         f"{so.decision} by {so.reviewer} (prepared by {so.preparer})"),
        ("Signed off at", None if so is None else so.at),
        ("Tool version", data.tool_version),
        ("Times", "Dates and times are in UTC"),
        ("Rates", "Rates are stored as fractions shown as percentages (0.598 shows as 59.8%)"),
    ]
    if data.release_min_cell is not None:
        min_cell = data.release_min_cell
        items.append(("Release copy", "Cases are keyed pseudonyms; case notes are removed"
                      + (f"; a count of 1 to {min_cell - 1} cases, and a value held by fewer than {min_cell} "
                         f"of the listed cases, is shown as <{min_cell}" if min_cell > 1 else "")))
    items += [(f"Sheet: {name}", what) for name, what in contents]
    sheet = book.open("About", [Column("Item", 36, "wrap"), Column("Value", 100, "wrap")])
    sheet.write_rows(items)
    sheet.close()


def _summary(book: _Book, data: PackData) -> None:
    sheet = book.open("Summary", [
        Column("Ref", 14), Column("Finding", 40, "wrap"), Column("Kind", 16, "wrap"),
        Column("PEEL area", 20, "wrap"), Column("Status", 12), Column("Owner", 18),
        Column("Readiness", 12, "rag"), Column("Latest audit", 30, "wrap"),
        Column("Cases compliant", 10, "int"), Column("Cases scored", 9, "int"),
        Column("Compliance", 11, "pct"), Column("95 % low", 10, "pct"),
        Column("95 % high", 10, "pct"), Column("Weighted", 9),
        Column("Measure compared with the baseline", 30, "wrap"), Column("Measure rate", 10, "pct"),
        Column("Baseline", 10, "pct"), Column("Target", 9, "pct"), Column("Audit RAG", 10, "rag"),
        Column("Actions overdue", 10, "int"), Column("Readiness reasons", 45, "wrap"),
    ])
    rows = []
    for f in data.findings:
        a = f.audits[-1] if f.audits else None
        c = a.compliance if a else None
        rows.append([
            f.ref, f.title, f.kind, f.area, f.status, f.owner, READINESS_WORD[f.readiness],
            a.title if a else "No audit linked",
            c.successes if c else None, c.n if c else None, c.point if c else None,
            c.low if c else None, c.high if c else None, ("Yes" if a.weighted else "No") if a else None,
            (a.measure_label or ("case compliance" if a.baseline else "")) if a else None,
            (a.measure.point if a.measure else c.point if a.baseline else None) if a and c else None,
            a.baseline.point if a and a.baseline else None, a.target if a else None,
            a.rag.title() if a else None, sum(x.overdue for x in f.actions),
            "\n".join(f.readiness_reasons)])
    sheet.write_rows(rows)
    sheet.close()


def _findings(book: _Book, data: PackData) -> None:
    sheet = book.open("Findings", [
        Column("Ref", 14), Column("Kind", 16, "wrap"), Column("Title", 45, "wrap"),
        Column("Finding text", 70, "wrap"), Column("PEEL area", 22, "wrap"),
        Column("Status", 12), Column("Owner", 20), Column("Readiness", 12, "rag"),
        Column("Readiness reasons", 50, "wrap"), Column("Self-assessment narrative", 70, "wrap"),
        Column("Review comments", 40, "wrap"), Column("Linked earlier findings", 40, "wrap"),
    ])
    sheet.write_rows([f.ref, f.kind, f.title, f.text, f.area, f.status, f.owner,
                      READINESS_WORD[f.readiness], "\n".join(f.readiness_reasons), f.narrative,
                      "\n".join(f.review_comments), "\n".join(f.links)]
                     for f in data.findings)
    sheet.close()


_FIGURE_FORMAT = {"proportion": "pct", "percentage": "pct", "target percentage": "pct",
                  "ratio to 1": "number", "number": "number"}


def _baselines(book: _Book, data: PackData) -> None:
    sheet = book.open("Baseline figures", [
        Column("Finding", 14), Column("Figure", 32, "wrap"), Column("Kind of figure", 14),
        Column("Value", 12, "number"), Column("Numerator", 10, "number"),
        Column("Denominator", 12, "number"), Column("Low", 10, "number"), Column("High", 10, "number"),
        Column("Value as cited", 18, "wrap"), Column("Source sentence", 70, "wrap"),
        Column("Missing in source", 12),
    ])
    rows = []
    for f in data.findings:
        for fig in f.baseline_figures:
            v = figure_value(fig.value_text) if not fig.missing_in_source else figure_value("")
            kind = _FIGURE_FORMAT.get(v.kind, "number")
            value = None if v.value is None else Shown(v.value, "int" if isinstance(v.value, int) and kind == "number"
                                                       else kind)
            rows.append([f.ref, fig.label, v.kind or ("not stated" if fig.missing_in_source else "words"),
                         value, v.numerator, v.denominator, v.low, v.high, fig.value_text, fig.sentence,
                         "Yes - not inferred" if fig.missing_in_source else "No"])
    sheet.write_rows(rows)
    sheet.close()


def _measures(book: _Book, data: PackData) -> None:
    sheet = book.open("Measures", [
        Column("Finding", 14), Column("Measure", 36, "wrap"), Column("Unit", 10),
        Column("Better when", 12), Column("Baseline", 10, "number"),
        Column("Target", 10, "number"), Column("Date", 13, "date"),
        Column("Value", 10, "number"),
    ])
    sheet.write_rows([f.ref, m.name, m.unit, "lower" if m.direction == "down" else "higher",
                      m.baseline, m.target, p.when, getattr(p, "shown", None) or p.value]
                     for f in data.findings for m in f.measures
                     for p in sorted(m.points, key=lambda p: p.when))
    sheet.close()


def _actions(book: _Book, data: PackData) -> None:
    sheet = book.open("Actions", [
        Column("Finding", 14), Column("Action", 60, "wrap"), Column("Owner", 22),
        Column("Due", 13, "date"), Column("Status", 16), Column("Overdue", 10, "rag"),
    ])
    sheet.write_rows([f.ref, a.title, a.owner, a.due, a.status, "Overdue" if a.overdue else ""]
                     for f in data.findings for a in f.actions)
    sheet.close()


def _evidence(book: _Book, data: PackData) -> None:
    sheet = book.open("Evidence index", [
        Column("Finding", 14), Column("Evidence", 40, "wrap"), Column("File", 30, "wrap"),
        Column("Evidence date", 13, "date"), Column("Uploaded", 17, "datetime"),
        Column("Size (bytes)", 12, "int"), Column("SHA-256", 68), Column("Classification", 20),
    ])
    sheet.write_rows([f.ref, e.title, e.filename, e.evidence_date, e.uploaded, e.size, e.sha256,
                      e.classification] for f in data.findings for e in f.evidence)
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
    with_strata = any(a.strata for a in audits)
    with_agreement = any(a.agreement is not None for a in audits)
    fixed = [n for n in SHEETS if (n != "Strata results" or with_strata)
             and (n != "Grading agreement" or with_agreement)]
    used = {n.lower() for n in fixed}  # fixed names first: an audit's sheet never takes one
    case_sheets = {id(a): sheet_name(f"A{i} {a.title}", used) for i, a in enumerate(audits, 1)}
    contents = [(n, SHEETS[n]) for n in fixed[:5]]
    contents += [(case_sheets[id(a)], CASES_TEXT.format(a.title)) for a in audits]
    contents += [(n, SHEETS[n]) for n in fixed[5:]]
    total = len(contents)
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
    setup_workbook(wb)
    wb.properties.title = f"{data.title} \u2013 {data.force}"
    wb.properties.creator = data.built_by
    wb.properties.subject = data.marking
    wb.properties.keywords = data.marking
    wb.properties.created = data.built_at
    book = _Book(wb, mark)
    try:
        _about(book, data, contents)
        step()
        for writer in (_summary, _findings, _baselines):
            writer(book, data)
            step()
        excel_audits.audit_results(book.open, data, case_sheets)
        step()
        for audit in audits:
            excel_audits.case_sheet(book.open, audit, case_sheets[id(audit)], tick, data.release_min_cell)
            step()
        excel_audits.criteria(book.open, data)
        step()
        if with_strata:
            excel_audits.strata(book.open, data)
            step()
        excel_audits.trend(book.open, data)
        step()
        if with_agreement:
            excel_audits.agreement(book.open, data)
            step()
        for writer in (_measures, _actions, _evidence):
            writer(book, data)
            step()
        excel_audits.methodology(book.open, data)
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
