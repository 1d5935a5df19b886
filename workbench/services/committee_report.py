"""The quarterly report to the audit or scrutiny committee, and the force action plan, as Word and PDF.

Counts by source, status and RAG; the moves on both status lines since the last report; overdue
actions and audits; closures awaiting authorisation; PCC responses due. The action plan is in the
columns forces publish: finding, action, owner, deadline, status, % complete, on/off track.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from workbench.errors import InputError
from workbench.files import FileWriteError, discard, publish, staging_folder
from workbench.reports import committee_docx, committee_pdf
from workbench.reports.committee_data import ActionPlanRow, ChangeRow, ClosureRow, CommitteeReport, DueRow
from workbench.services import assurance_plan, finding_status, register
from workbench.services.access import require
from workbench.services.register_status import current_inspectorate
from workbench.services.settings import get_force_settings
from workbench.store.models import Action, ClosureProposal, Finding, Inspection, StatusChange
from workbench.store.uow import AfterCommit, UnitOfWork, writes

#: % complete of an action, from its status (the action plan keeps no percentage of its own)
PERCENT = {"not started": 0, "in progress": 50, "blocked": 25, "done": 100}
#: how far ahead the report lists PCC responses falling due
PCC_AHEAD_DAYS = 56


@dataclass(frozen=True)
class WrittenReport:
    docx: Path
    pdf: Path
    data: CommitteeReport


def _label(f: Finding, i: Inspection) -> str:
    return f"{i.programme or i.title} / {f.ref}"


def _rag(f: Finding, acts: list[Action], today: date) -> str:
    """Red: an action overdue or blocked; green: closed, proposed for closure or every action done; else amber."""
    if any(a.status != "done" and ((a.due_date and a.due_date < today) or a.status == "blocked") for a in acts):
        return "red"
    if f.status in (finding_status.CLOSED, finding_status.PROPOSED) or (acts and all(a.status == "done" for a in acts)):
        return "green"
    return "amber"


def committee_report_data(uow: UnitOfWork, period_end: date, since: date | None = None) -> CommitteeReport:
    """The report's content as of `period_end`; changes are those after `since` (default: 3 months)."""
    require(uow.actor, "read")
    start = since or (period_end - timedelta(days=91))
    if start >= period_end:
        raise InputError(f"the previous report ({start}) is not before this one ({period_end})", "check the dates")
    s = uow.session
    rows = s.execute(select(Finding, Inspection).join(Inspection, Inspection.id == Finding.inspection_id)
                     .order_by(Inspection.published, Inspection.id, Finding.position)).all()
    acts_of: dict[int, list[Action]] = {}
    for a in s.scalars(select(Action).order_by(Action.due_date, Action.id)):
        acts_of.setdefault(a.finding_id, []).append(a)
    by_source: Counter[str] = Counter()
    open_by_source: Counter[str] = Counter()
    status: Counter[str] = Counter()
    insp: Counter[str] = Counter()
    rag: Counter[str] = Counter()
    plan_rows: list[ActionPlanRow] = []
    overdue: list[DueRow] = []
    labels: dict[int, str] = {}
    for f, i in rows:
        label = labels[f.id] = _label(f, i)
        kind = register.SOURCE_TYPES.get(i.source_type or "peel", i.source_type)
        by_source[kind] += 1
        open_by_source[kind] += f.status != finding_status.CLOSED
        status[f.status] += 1
        insp[current_inspectorate(f) or "not stated"] += 1
        acts = acts_of.get(f.id, [])
        rag[_rag(f, acts, period_end)] += 1
        for a in acts:
            late = a.status != "done" and a.due_date is not None and a.due_date < period_end
            plan_rows.append(ActionPlanRow(label, a.title, a.owner, a.due_date, a.status, PERCENT.get(a.status, 0),
                                           not late and a.status != "blocked"))
            if late:
                assert a.due_date is not None
                overdue.append(DueRow(a.due_date, f"{label}: {a.title}",
                                      f"owner {a.owner or 'not named'}; {(period_end - a.due_date).days} days overdue",
                                      True))
    changes = tuple(
        ChangeRow(h.on, labels.get(h.finding_id, f"#{h.finding_id}"), h.line, h.from_status, h.to_status, h.comment)
        for h in s.scalars(select(StatusChange).where(StatusChange.on > start, StatusChange.on <= period_end,
                                                      StatusChange.from_status != StatusChange.to_status)
                           .order_by(StatusChange.on, StatusChange.id)))
    audits = []
    for p, occ in assurance_plan.all_occurrences(uow):
        if occ.audit_id is None and occ.month <= period_end + timedelta(days=91):
            audits.append(DueRow(occ.due, f"{p.title}{' — ' + occ.focus if occ.focus else ''} ({occ.month:%b %Y})",
                                 f"owner {p.owner or 'not named'}", occ.due < period_end))
    closures = tuple(
        ClosureRow(labels.get(p.finding_id, f"#{p.finding_id}"), p.proposed_on, p.proposed_by,
                   f"{p.demonstration_from:%d %b %Y} to {p.demonstration_to:%d %b %Y}", len(p.evidence_ids or ()),
                   p.rationale)
        for p in s.scalars(select(ClosureProposal).where(ClosureProposal.state == "proposed",
                                                         ClosureProposal.proposed_on <= period_end)))
    pcc = []
    for src in register.list_sources(uow):
        due = src.pcc_response_due
        if due is not None and src.pcc_response_date is None and due <= period_end + timedelta(days=PCC_AHEAD_DAYS):
            pcc.append(DueRow(due, src.title, f"published {src.published:%d %b %Y}", due < period_end))
    settings = get_force_settings(uow)
    order = {st: n for n, st in enumerate(finding_status.FORCE_STATES)}
    return CommitteeReport(
        settings.force_name or (rows[0][1].force_name if rows else ""), settings.marking, start, period_end,
        uow.username, tuple((k, n, open_by_source[k]) for k, n in by_source.items()),
        tuple(sorted(status.items(), key=lambda kv: order.get(kv[0], 99))), tuple(sorted(insp.items())),
        tuple((r, rag[r]) for r in ("red", "amber", "green") if rag[r]), changes, tuple(overdue),
        tuple(sorted(audits, key=lambda d: d.due)), closures, tuple(sorted(pcc, key=lambda d: d.due)),
        tuple(plan_rows))


@writes
def write_committee_report(uow: UnitOfWork, out_dir: Path, period_end: date, since: date | None = None
                           ) -> WrittenReport:
    """Write the report as an editable Word document and as PDF (the marking on every page); logged."""
    require(uow.actor, "exports.create")
    data = committee_report_data(uow, period_end, since)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"committee-report-{period_end:%Y-%m-%d}"
    docx_path, pdf_path = out_dir / f"{stem}.docx", out_dir / f"{stem}.pdf"
    for target in (docx_path, pdf_path):
        if target.exists() or target.is_symlink():
            raise InputError(f"{target} already exists", "choose another folder or move the old report")
    # written into a private (0700) staging folder, 0600; the final files appear only once the
    # export is logged and committed, and nothing is left behind on failure
    staging = staging_folder(out_dir)
    try:
        staged_docx, staged_pdf = staging / docx_path.name, staging / pdf_path.name
        committee_docx.write_docx(data, staged_docx)
        committee_pdf.write_pdf(data, staged_pdf)
        for staged in (staged_docx, staged_pdf):
            os.chmod(staged, 0o600)  # OFFICIAL-SENSITIVE: the user's own, like every export
    except OSError as exc:
        discard(staging)
        raise FileWriteError(f"cannot write the committee report in {out_dir}: {exc.strerror or exc}; nothing was "
                             "written", "check the folder has space and you may write to it") from None
    except BaseException:
        discard(staging)
        raise

    def _publish() -> None:
        publish(staged_docx, docx_path)
        publish(staged_pdf, pdf_path)
        discard(staging)

    AfterCommit(uow).add(_publish, lambda: discard(staging))
    uow.log("committee_report", f"{period_end:%Y-%m-%d}", "export", None,
            {"period_start": data.period_start, "period_end": period_end, "docx": docx_path.name,
             "pdf": pdf_path.name, "findings": sum(n for _, n, _ in data.by_source),
             "actions": len(data.action_plan)})
    return WrittenReport(docx_path, pdf_path, data)
