"""The committee report's sections as (heading, intro, headers, rows): one source for Word and PDF."""

from __future__ import annotations

from datetime import timedelta

from workbench.reports.committee_data import CommitteeReport
from workbench.wording import plural


def _d(value) -> str:  # noqa: ANN001 - a date or None
    return value.strftime("%d %b %Y") if value else ""


def period_words(r: CommitteeReport) -> str:
    """The period the report covers: from the day after the previous report to the quarter's end."""
    def long(d) -> str:  # noqa: ANN001 - a date
        return f"{d.day} {d:%B %Y}"

    if r.period_start is None:
        return f"to {long(r.period_end)}"
    return f"{long(r.period_start + timedelta(days=1))} to {long(r.period_end)}"


def summary_lines(r: CommitteeReport) -> list[str]:
    findings = sum(n for _, n, _ in r.by_source)
    still = sum(o for _, _, o in r.by_source)
    since = f"since the last report ({_d(r.period_start)})" if r.period_start else "this quarter"
    changes = plural(len(r.changes), "status change")
    return [
        f"The register holds {plural(findings, 'finding')} from {plural(len(r.by_source), 'kind')} of source; "
        f"{still} {'is' if still == 1 else 'are'} not yet closed.",
        f"{changes[:1].upper() + changes[1:]} {since}; {plural(len(r.overdue_actions), 'action')} overdue; "
        f"{plural(sum(a.overdue for a in r.audits), 'planned audit')} overdue; "
        f"{plural(len(r.closures), 'closure')} awaiting authorisation; "
        f"{plural(len(r.pcc_responses), 'PCC response')} due.",
        "RAG: red where an action is overdue or blocked; green where the finding is closed, proposed for "
        "closure or every action is done; amber otherwise.",
    ]


def sections(r: CommitteeReport) -> list[tuple[str, str, list[str], list[list[str]]]]:
    """The report's tables in order; an empty table is shown with its 'none' line."""
    return [
        ("Findings by source", "", ["Source", "Findings", "Not closed"],
         [[k, str(n), str(o)] for k, n, o in r.by_source]),
        ("Findings by status", "The force's status line.", ["Status", "Findings"],
         [[k, str(n)] for k, n in r.by_status]),
        ("The inspectorate's status", "", ["Status", "Findings"], [[k, str(n)] for k, n in r.by_inspectorate]),
        ("Findings by RAG", "", ["RAG", "Findings"], [[k.capitalize(), str(n)] for k, n in r.by_rag]),
        ("Changes since the last report", "Every move on either status line in the period.",
         ["Date", "Finding", "Line", "From", "To", "Comment"],
         [[_d(c.on), c.finding, c.line, c.from_status or "—", c.to_status, c.comment] for c in r.changes]),
        ("Overdue actions", "", ["Due", "Action", "Detail"],
         [[_d(a.due), a.what, a.detail] for a in r.overdue_actions]),
        ("Audits due and overdue", "From the assurance plan: not yet started, due by the next quarter's end.",
         ["Due", "Audit", "State", "Detail"],
         [[_d(a.due), a.what, "overdue" if a.overdue else "due", a.detail] for a in r.audits]),
        ("Closures awaiting authorisation", "Proposed by the force with evidence and a demonstration period.",
         ["Finding", "Proposed", "By", "Demonstrated", "Evidence", "Rationale"],
         [[c.finding, _d(c.proposed_on), c.proposed_by, c.period, str(c.evidence), c.rationale] for c in r.closures]),
        ("PCC responses due", "The PCC publishes a response within 56 days of each report.",
         ["Due", "Report", "Detail"],
         [[_d(p.due) + (" (overdue)" if p.overdue else ""), p.what, p.detail] for p in r.pcc_responses]),
    ]


#: the share of the page's width each column of a wide table takes (Word and PDF alike)
WIDTHS = {
    "Changes since the last report": [0.09, 0.22, 0.08, 0.12, 0.12, 0.37],
    "Closures awaiting authorisation": [0.18, 0.09, 0.1, 0.17, 0.07, 0.39],
    "Overdue actions": [0.1, 0.55, 0.35],
}

ACTION_PLAN_HEADERS = ["Finding", "Action", "Owner", "Deadline", "Status", "% complete", "On track"]


def action_plan_rows(r: CommitteeReport) -> list[list[str]]:
    return [[a.finding, a.action, a.owner, _d(a.deadline), a.status, f"{a.percent_complete} %",
             "on track" if a.on_track else "off track"] for a in r.action_plan]
