"""The accessible HTML version of a self-assessment pack, written from the same PackData as the PDF.

reportlab cannot tag a PDF for screen readers, so every bundle carries this file beside it: real
headings (h1 pack, h2 sections, h3/h4 parts), tables with ``<th scope>`` header cells and a
caption, charts as SVG with a text alternative (``role="img"`` and ``aria-label``, the figures
also given in words next to them), ``lang`` on the page, the protective marking at the top and
foot of the page. Every text from the pack data is escaped (``html.escape``); the page loads
nothing (a Content-Security-Policy forbids scripts and outside resources). The same data gives
the same bytes.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from workbench.files import write_bytes_atomically
from workbench.reports.pack_data import (
    AuditMethod,
    AuditResult,
    FindingSection,
    MeasureSeries,
    PackData,
    PackError,
    count_text,
)
from workbench.reports.pack_words import (
    METHODOLOGY,
    READINESS_WORD,
    RESULTS_NOTE,
    STATUS_WORD,
    about_audit,
    notable_intro,
    notable_shown,
)

LANG = "en-GB"
_STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60em;margin:0 auto;padding:1em 1.5em;color:#1a1a1a;
line-height:1.45}
.marking{text-align:center;font-weight:bold;color:#8b0000;border:2px solid #8b0000;padding:.3em;margin:.5em 0}
h1,h2,h3,h4{color:#1f3a5f}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid #c9ced6;padding:.3em .5em;text-align:left;vertical-align:top}
thead th{background:#e8edf3}
th[scope=row]{background:#f6f8fa;width:28%}
blockquote{border-left:4px solid #c9ced6;margin:0;padding:.2em 1em;font-style:italic}
code{word-break:break-all;font-size:90%}
.muted{color:#5a6270}
@media print{.marking{position:running(marking)}}
"""


def e(value: object) -> str:
    """Escaped text (quotes too: safe in an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f} %"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "not recorded"
    return value.strftime("%d %b %Y %H:%M") if isinstance(value, datetime) else value.strftime("%d %b %Y")


def _table(caption: str, header: Sequence[str], rows: Iterable[Sequence[object]], row_headers: bool = True) -> str:
    """A data table: column headers (scope col); the first cell of each row a row header."""
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = [str(c) if isinstance(c, _Raw) else e(c) for c in row]
        first = f'<th scope="row">{cells[0]}</th>' if row_headers else f"<td>{cells[0]}</td>"
        body.append("<tr>" + first + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    return (f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _pairs(caption: str, pairs: Iterable[tuple[str, object]]) -> str:
    """A two-column table of facts: each label a row header."""
    rows = "".join(f'<tr><th scope="row">{e(k)}</th><td>{str(v) if isinstance(v, _Raw) else e(v)}</td></tr>'
                   for k, v in pairs)
    return f"<table><caption>{e(caption)}</caption><tbody>{rows}</tbody></table>"


class _Raw(str):
    """Markup this module built (its user parts already escaped)."""


def _list(items: Iterable[object]) -> str:
    lis = "".join(f"<li>{e(x)}</li>" for x in items)
    return f"<ul>{lis}</ul>" if lis else ""


def _para(text: object, cls: str = "") -> str:
    return f'<p{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{e(text)}</p>'


# -- charts ------------------------------------------------------------------------------------------
def interval_svg(rows: Sequence[tuple[str, float, float, float]], target: float | None, title: str) -> str:
    """Horizontal 95 % interval chart; its text alternative lists every row in words."""
    words = "; ".join(f"{label}: {_pct(p)} (95 % interval {_pct(lo)} to {_pct(hi)})" for label, p, lo, hi in rows)
    if target is not None:
        words += f"; target {_pct(target, 0)}"
    height = 20 + 22 * len(rows)
    parts = [f'<svg role="img" aria-label="{e(title + ": " + words)}" viewBox="0 0 600 {height}" width="600" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{e(title)}</title>'
             f"<desc>{e(words)}</desc>"]
    x0, w = 200, 380

    def x(v: float) -> float:
        return round(x0 + w * min(1.0, max(0.0, v)), 1)

    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{x(tick / 100)}" y1="5" x2="{x(tick / 100)}" y2="{height - 12}" stroke="#c9ced6"/>'
                     f'<text x="{x(tick / 100)}" y="{height - 1}" font-size="9" text-anchor="middle">{tick} %</text>')
    if target is not None:
        parts.append(f'<line x1="{x(target)}" y1="5" x2="{x(target)}" y2="{height - 12}" stroke="#2e7d32" '
                     'stroke-dasharray="4 3"/>')
    for i, (label, p, lo, hi) in enumerate(rows):
        y = 18 + 22 * i
        parts.append(f'<text x="0" y="{y + 4}" font-size="10">{e(label[:40])}</text>'
                     f'<line x1="{x(lo)}" y1="{y}" x2="{x(hi)}" y2="{y}" stroke="#1f3a5f" stroke-width="2"/>'
                     f'<circle cx="{x(p)}" cy="{y}" r="4" fill="#1f3a5f"/>')
    return "".join(parts) + "</svg>"


def trend_svg(m: MeasureSeries) -> str:
    points = sorted(m.points, key=lambda p: p.when)
    unit = "" if m.unit.strip() in ("", "%") else m.unit.strip() if m.unit.strip().startswith(":") else f" {m.unit}"
    pct_unit = " %" if m.unit.strip() == "%" else ""

    def val(v: float | None) -> str:
        return "not set" if v is None else f"{v:,.1f}".rstrip("0").rstrip(".") + pct_unit + unit

    words = (f"{m.name}: baseline {val(m.baseline)}, target {val(m.target)}, "
             f"{'lower' if m.direction == 'down' else 'higher'} is better; monthly values: "
             + ", ".join(f"{p.when:%b %Y} {val(p.value)}" for p in points))
    if not points:
        return _para(words)
    values = [p.value for p in points] + [v for v in (m.baseline, m.target) if v is not None]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return round(110 - 100 * (v - lo) / span, 1)

    step = 560 / max(1, len(points) - 1)
    line = " ".join(f"{round(20 + i * step, 1)},{y(p.value)}" for i, p in enumerate(points))
    target = (f'<line x1="20" y1="{y(m.target)}" x2="580" y2="{y(m.target)}" stroke="#2e7d32" '
              'stroke-dasharray="4 3"/>' if m.target is not None else "")
    return (f'<svg role="img" aria-label="{e(words)}" viewBox="0 0 600 120" width="600" height="120" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{e(m.name)}</title><desc>{e(words)}</desc>{target}'
            f'<polyline points="{line}" fill="none" stroke="#1f3a5f" stroke-width="2"/></svg>'
            f'<p class="muted">{e(words)}.</p>')


# -- sections ----------------------------------------------------------------------------------------
def _summary(data: PackData) -> str:
    counts = {level: sum(f.readiness == level for f in data.findings) for level in READINESS_WORD}
    rows = []
    for f in data.findings:
        audit = f.audits[-1] if f.audits else None
        if audit is None:
            result, rag = "No audit linked", "\u2013"
        else:
            c = audit.compliance
            result = f"{_pct(c.point)} ({c.successes}/{c.n}), 95 % interval {_pct(c.low)} to {_pct(c.high)}"
            if audit.baseline is not None:
                result += f"; baseline {_pct(audit.baseline.point)} ({audit.baseline.successes}/{audit.baseline.n})"
            rag = audit.rag.title()
        rows.append((f.ref, f.title, f.area, READINESS_WORD[f.readiness], result, rag))
    return ('<section aria-labelledby="summary"><h2 id="summary">Executive summary</h2>'
            + _para(f"This pack sets out the evidence for {len(data.findings)} finding"
                    f"{'s' if len(data.findings) != 1 else ''} from {'; '.join(data.inspections) or 'the inspection'}. "
                    f"{counts['ready']} rated ready, {counts['partly ready']} partly ready and "
                    f"{counts['not ready']} not ready.")
            + _table("Findings, readiness and the latest audit result",
                     ("Ref", "Finding", "PEEL area", "Readiness", "Latest audit result", "Audit RAG"), rows)
            + _para(RESULTS_NOTE, "muted") + "</section>")


def _audit(a: AuditResult, n: int) -> str:
    c = a.compliance
    out = [f'<h4 id="audit-{n}">Audit: {e(a.title)}</h4>', _pairs("How the audit was done", about_audit(a))]
    head = (f"{c.successes} of {c.n} sampled cases compliant; weighted by stratum population shares, the estimate is "
            f"{_pct(c.point)}" if a.weighted else
            f"{c.successes} of {c.n} cases compliant (every critical criterion met): {_pct(c.point)}")
    head += f" (95 % interval {_pct(c.low)} to {_pct(c.high)})."
    if a.target is not None:
        head += f" Force target: {_pct(a.target, 0)}."
    out.append(_para(head))
    if a.scope_text:
        out.append(_para(f"Scope: {a.scope_text}."))
    if a.baseline is not None:
        b = a.baseline
        what = f" ({a.baseline_measures})" if a.baseline_measures else ""
        if a.measure is not None:
            m = a.measure
            out.append(_para(f"Compared like with like: the inspection's {b.successes} of {b.n} ({_pct(b.point)}){what} "
                             f"is set against the criterion '{a.measure_label}' alone: {m.successes} of {m.n} "
                             f"({_pct(m.point)}, 95 % interval {_pct(m.low)} to {_pct(m.high)}); the target is rated "
                             "on this measure."))
        else:
            out.append(_para(f"Compared with the inspection's {b.successes} of {b.n} ({_pct(b.point)}){what} on the "
                             "case compliance above."))
    if a.difference_text:
        out.append(_para(a.difference_text[:1].upper() + a.difference_text[1:]))
    if a.plan_text:
        out.append(_para(f"Plan: {a.plan_text}."))
    out.append(_para(f"Rating: {a.rag.title()}. {a.rag_reason}"))
    rows = [(t.label, t.point, t.low, t.high) for t in a.trend] or (
        ([("Inspection baseline", a.baseline.point, a.baseline.low, a.baseline.high)] if a.baseline else [])
        + [("This audit", c.point, c.low, c.high)])
    title = (a.trend_label or "Compliance with 95 % interval") + (" by audit round" if a.trend else "")
    out.append(f"<figure>{interval_svg(rows, a.target, title)}<figcaption>{e(title)}</figcaption></figure>")
    if a.criteria:
        out.append(_table("Results by criterion", ("Criterion", "Critical", "Met / applicable", "Rate", "95 % interval"),
                          [(cr.question + (f" ({cr.applies_if})" if cr.applies_if else ""),
                            "Critical" if cr.critical else "", f"{count_text(cr.met)} / {count_text(cr.applicable)}",
                            _pct(cr.point), "n/a" if cr.low is None or cr.high is None
                            else f"{_pct(cr.low)} to {_pct(cr.high)}") for cr in a.criteria]))
    if a.strata:
        out.append(_table("Results by stratum",
                          ("Stratum", "Population", "Weight", "Sampled", "Compliant", "Rate", "95 % interval"),
                          [(st.stratum, count_text(st.population), _pct(st.weight), count_text(st.sample),
                            count_text(st.compliant), _pct(st.point), "n/a" if st.low is None or st.high is None
                            else f"{_pct(st.low)} to {_pct(st.high)}") for st in a.strata]))
    if a.agreement is not None:
        ag, t = a.agreement, a.agreement.totals()
        rows2 = [(cat, *map(count_text, row), count_text(total)) for cat, row, total in zip(ag.categories, ag.matrix, t.rows, strict=True)]
        rows2.append(("Total", *map(count_text, t.columns), count_text(t.total)))
        out.append(_table(f"Grading agreement: {ag.row_label} (rows) by {ag.column_label} (columns)",
                          (f"{ag.row_label} / {ag.column_label}", *ag.categories, "Total"), rows2))
        kappa = "not defined" if ag.weighted_kappa is None else f"{ag.weighted_kappa:.2f}"
        out.append(_para(f"Agreed in {count_text(t.agreed)} of {count_text(t.total)} cases; linear-weighted kappa "
                         f"{kappa}; under-graded {count_text(t.under_graded)}, over-graded {count_text(t.over_graded)}. "
                         f"{ag.risk_note}"))
    if a.limitations:
        out.append("<h5>Limitations</h5>" + _list(a.limitations))
    if a.notable_cases:
        shown, more = notable_shown(a)
        out.append("<h5>Notable cases</h5>" + _para(notable_intro(a, len(shown), more)))
        if any(case.stratum for case in shown):
            out.append(_table("Cases not compliant", ("Case", "Stratum", "Why not compliant"),
                              [(case.ref, case.stratum or "\u2013", case.notes) for case in shown]))
        else:
            out.append(_table("Cases not compliant", ("Case", "Why not compliant"),
                              [(case.ref, case.notes) for case in shown]))
    return "".join(out)


def _finding(f: FindingSection, index: int, audit_no: list[int]) -> str:
    out = [f'<section aria-labelledby="finding-{index}"><h2 id="finding-{index}">{e(f.ref)}: {e(f.title)}</h2>',
           _pairs("About this finding", (("Type", f.kind), ("PEEL area", f.area), ("Status", f.status),
                                        ("Owner", f.owner or "not assigned"),
                                        ("Readiness", READINESS_WORD[f.readiness]))),
           "<h3>What the inspectorate found</h3>", f"<blockquote><p>{e(f.text or 'No finding text recorded.')}</p>"
                                                   "</blockquote>",
           f"<h3>Readiness: {e(READINESS_WORD[f.readiness])}</h3>",
           _list(f.readiness_reasons) or _para("No reasons recorded.", "muted"),
           "<h3>Self-assessment narrative</h3>",
           _para(f.narrative) if f.narrative.strip() else _para("No narrative written yet.", "muted")]
    if f.links:
        out += ["<h3>Linked earlier findings</h3>", _list(f.links)]
    if f.baseline_figures:
        out += ["<h3>Baseline figures cited in the report</h3>",
                _table("Figures the report cites for this finding", ("Figure", "Value", "Source sentence"),
                       [(fig.label, "Not stated: the report text omits this figure; it has not been inferred"
                         if fig.missing_in_source else fig.value_text, f"\u201c{fig.sentence}\u201d")
                        for fig in f.baseline_figures])]
    if f.audits:
        out.append("<h3>Audits</h3>")
        for a in f.audits:
            audit_no[0] += 1
            out.append(_audit(a, audit_no[0]))
    if f.measures:
        out.append("<h3>Measures</h3>")
        for m in f.measures:
            out += [f"<h4>{e(m.name)}</h4>", f"<figure>{trend_svg(m)}</figure>"]
    out.append("<h3>Action plan</h3>")
    out.append(_table("Actions", ("Action", "Owner", "Due", "Status"),
                      [(a.title, a.owner, _day(a.due), a.status + (" (overdue)" if a.overdue else ""))
                       for a in f.actions]) if f.actions else _para("No actions recorded.", "muted"))
    out.append("<h3>Evidence index</h3>")
    out.append(_table("Evidence", ("Evidence", "File", "Evidence date", "Uploaded", "SHA-256"),
                      [(ev.title, ev.filename, _day(ev.evidence_date), _day(ev.uploaded),
                        _Raw(f"<code>{e(ev.sha256)}</code>")) for ev in f.evidence])
               if f.evidence else _para("No evidence attached.", "muted"))
    if f.review_comments:
        out += ["<h3>Review comments</h3>", _list(f.review_comments)]
    return "".join(out) + "</section>"


def _method(m: AuditMethod) -> str:
    pairs: list[tuple[str, object]] = [("Template", f"{m.template} (version {m.template_version})"),
                                       ("Sampling plan", m.sampling_plan), ("Selection", m.selection)]
    for label, value in (("Confidence", m.confidence), ("Tolerable deviation rate", m.tolerable_rate),
                         ("Expected deviation rate", m.expected_rate)):
        if value is not None:
            pairs.append((label, _pct(value, 0)))
    pairs += [("Population", m.population), ("Population size", f"{m.population_size:,}"),
              ("Population fingerprint", _Raw(f"<code>{e(m.population_fingerprint)}</code>")),
              ("Seed", m.seed), ("Sample size", str(m.sample_size)),
              ("Reserve cases used", count_text(m.reserve_used))]
    if m.strata:
        pairs.append(("Strata", "; ".join(m.strata)))
    if m.notes:
        pairs.append(("Notes", m.notes))
    return f"<h3>{e(m.audit_title)}</h3>" + _pairs(f"How the sample of {m.audit_title} was drawn", pairs)


def _appendix(data: PackData) -> str:
    out = ['<section aria-labelledby="methodology"><h2 id="methodology">Appendix: methodology</h2>',
           _para("Each audit sample was drawn from a fingerprinted population extract with a recorded seed, so anyone "
                 "holding the same extract can redraw exactly the same cases whatever the extract's row order, with "
                 "nothing more than the steps below.")]
    for title, text in METHODOLOGY:
        out += [f"<h3>{e(title)}</h3>", _para(text)]
    out += [_method(m) for m in data.methodology] or [_para("No audits are included in this pack.", "muted")]
    return "".join(out) + "</section>"


def _signoff(data: PackData) -> str:
    out = ['<section aria-labelledby="signoff"><h2 id="signoff">Sign-off</h2>',
           _para("Four-eyes principle: the pack is prepared by one person and signed off by another. A signed-off "
                 "pack is not changed; later changes produce a new pack version.")]
    so = data.signoff
    if so is None:
        out.append(_para("This pack has not been signed off."))
    else:
        pairs: list[tuple[str, object]] = [
            ("Prepared by", so.preparer),
            ("Signed off by", so.reviewer + (f", {so.reviewer_role}" if so.reviewer_role else "")),
            ("Decision", so.decision), ("Date and time", _day(so.at) + " UTC")]
        if so.comment.strip():
            pairs.append(("Comment", so.comment))
        if so.certificate_sha256:
            pairs.append(("Signer's certificate SHA-256", _Raw(f"<code>{e(so.certificate_sha256)}</code>")))
        if so.log_anchor:
            pairs.append(("Change-log anchor", so.log_anchor))
        out.append(_pairs("Sign-off", pairs))
    out.append("<h3>Changes to who may sign since the previous pack version</h3>")
    out.append(_list(data.signing_changes) or _para(
        "None: no reviewer was added, no role or passphrase was changed and no signing certificate was created or "
        "imported.", "muted"))
    out.append(_para("The digital signature is on the PDF of this pack; this page is its accessible version and is "
                     "covered by the bundle's signed manifest (check both with workbench verify).", "muted"))
    return "".join(out) + "</section>"


def render_html_pack(data: PackData) -> str:
    """The whole pack as one HTML page (see the module text)."""
    marking = f'<p class="marking" role="note" aria-label="Protective marking">{e(data.marking.upper())}</p>'
    signoff = ("Not yet signed off" if data.signoff is None else
               f"{data.signoff.decision} by {data.signoff.reviewer}, {_day(data.signoff.at)}")
    cover = _pairs("About this pack", (
        ("Protective marking", data.marking), ("Force", data.force),
        ("Inspections", "; ".join(data.inspections) or "none"), ("Pack version", str(data.pack_version)),
        ("Status", STATUS_WORD[data.status]), ("Built", _day(data.built_at)), ("Prepared by", data.built_by),
        ("Sign-off", signoff), ("Findings covered", str(len(data.findings)))))
    nav = "".join(f'<li><a href="#finding-{i}">{e(f.ref)}: {e(f.title)}</a></li>'
                  for i, f in enumerate(data.findings, start=1))
    audit_no = [0]
    findings = "".join(_finding(f, i, audit_no) for i, f in enumerate(data.findings, start=1))
    title = f"{data.title} \u2013 {data.force}"
    return f"""<!DOCTYPE html>
<html lang="{LANG}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(data.marking.upper())} \u2013 {e(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>{marking}</header>
<main>
<h1>{e(data.title)}</h1>
<p>{e(data.force)}</p>
{cover}
<p class="muted">This document is marked {e(data.marking)}. It contains law-enforcement data processed under Part 3
of the Data Protection Act 2018. Handle, store and share it only in line with the Government Security
Classifications and force policy.</p>
<nav aria-label="Contents"><h2>Contents</h2><ol><li><a href="#summary">Executive summary</a></li>{nav}
<li><a href="#methodology">Appendix: methodology</a></li><li><a href="#signoff">Sign-off</a></li></ol></nav>
{_summary(data)}
{findings}
{_appendix(data)}
{_signoff(data)}
</main>
<footer>{marking}</footer>
</body>
</html>
"""


def write_html_pack(data: PackData, out_path: str | os.PathLike[str]) -> Path:
    """Write the HTML pack atomically (``workbench.files``: a private partial file, then replace)."""
    out = Path(out_path)
    if not out.parent.is_dir():
        raise PackError("the folder for the HTML pack does not exist; choose an existing folder", path=str(out.parent))
    write_bytes_atomically(out, render_html_pack(data).encode("utf-8"))
    return out
