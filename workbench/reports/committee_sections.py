"""The committee report's sections as (heading, intro, headers, rows): one source for Word and PDF."""

from __future__ import annotations

from workbench.reports.committee_data import CommitteeReport


def _d(value) -> str:  # noqa: ANN001 - a date or None
    return value.strftime("%d %b %Y") if value else ""


def summary_lines(r: CommitteeReport) -> list[str]:
    findings = sum(n for _, n, _ in r.by_source)
    still = sum(o for _, _, o in r.by_source)
    since = f"since {_d(r.period_start)}" if r.period_start else "this quarter"
    return [
        f"The register holds {findings} findings from {len(r.by_source)} kinds of source; {still} are not yet closed.",
        f"{len(r.changes)} status changes {since}; {len(r.overdue_actions)} actions overdue; "
        f"{sum(a.overdue for a in r.audits)} planned audits overdue; {len(r.closures)} closures awaiting "
        f"authorisation; {len(r.pcc_responses)} PCC responses due.",
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


ACTION_PLAN_HEADERS = ["Finding", "Action", "Owner", "Deadline", "Status", "% complete", "On track"]


def action_plan_rows(r: CommitteeReport) -> list[list[str]]:
    return [[a.finding, a.action, a.owner, _d(a.deadline), a.status, f"{a.percent_complete} %",
             "on track" if a.on_track else "off track"] for a in r.action_plan]
