"""Gathering everything a pack shows, from the workspace, as plain PackData."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from workbench.importers.key_figures import CITED_KINDS
from workbench.reports import pack_data as pd
from workbench.reports.pack_codec import content_sha256, to_plain
from workbench.services import findings as finding_service
from workbench.services import measures as measure_service
from workbench.services import readiness, scoring
from workbench.services.audit_pack import redaction_terms
from workbench.services.findings import FigureInfo, FindingInfo
from workbench.services.settings import get_force_settings
from workbench.store.models import (
    Action,
    ChangeLogEntry,
    Evidence,
    EvidenceLink,
    Inspection,
    PackVersion,
    SelfAssessment,
    SignOff,
    utcnow,
)
from workbench.store.uow import UnitOfWork


def default_scope(uow: UnitOfWork) -> list[FindingInfo]:
    """The findings of the most recent PEEL inspection (earlier ones appear through their links);
    the register's other sources (thematic reports, letters, Engage) are not a PEEL pack's scope."""
    everything = finding_service.list_findings(uow)
    inspections = finding_service.list_inspections(uow)
    peel = set(uow.session.scalars(select(Inspection.id).where(Inspection.source_type == "peel")))
    inspections = [i for i in inspections if i.id in peel] or inspections
    if not inspections:
        return []
    latest = max(inspections, key=lambda i: (i.published or date(i.year or 1900, 1, 1), i.id or 0))
    return [f for f in everything if f.inspection == (latest.programme or latest.title)]


def figure_row(fig: FigureInfo) -> pd.FigureRow:
    if fig.missing_in_source:
        value = "Not stated in the report"
    elif fig.kind == "proportion" and fig.numerator is not None and fig.denominator:
        value = f"{fig.numerator} of {fig.denominator} ({100 * fig.numerator / fig.denominator:.1f} %)"
    elif fig.kind == "range":
        value = f"{fig.low:,g} to {fig.high:,g}"
    elif fig.kind == "period":
        value = fig.label
    elif fig.value is None:
        value = ""
    elif fig.unit == "percent":
        value = f"{fig.value:g} %" + (" (target)" if fig.kind == "target" else "")
    elif fig.kind == "ratio":
        value = f"{fig.value:g}:1"
    else:
        value = f"{fig.value:,g}"
    label = fig.label or fig.kind
    return pd.FigureRow(label[:1].upper() + label[1:], value, fig.sentence, fig.missing_in_source)


def cited_figures(figures: Sequence[FigureInfo]) -> tuple[pd.FigureRow, ...]:
    """The figures a finding cites as evidence, each once: not the periods, durations and deadlines
    it names (a period qualifies the figures of its sentence, in their labels)."""
    rows = [figure_row(fig) for fig in figures if fig.kind in CITED_KINDS]
    return tuple(dict.fromkeys(rows))


def _section(uow: UnitOfWork, f: FindingInfo, ref: str, today: date) -> pd.FindingSection:
    s = uow.session
    assert f.id is not None
    ready = readiness.assess_readiness(uow, f.id, today=today)
    series = tuple(
        pd.MeasureSeries(m.name, m.unit, m.baseline, m.target, "down" if m.direction == "lower" else "up",
                         tuple(pd.MeasurePoint(p.period, p.value) for p in m.points))
        for m in measure_service.list_measures(uow, f.id) if m.status == "confirmed"
    )
    actions = tuple(
        pd.ActionRow(a.title, a.owner, a.due_date, a.status,
                     bool(a.due_date and a.due_date < today and a.status != "done"))
        for a in s.scalars(select(Action).where(Action.finding_id == f.id).order_by(Action.due_date, Action.id))
    )
    evidence = tuple(
        pd.EvidenceRow(e.title, e.filename, e.evidence_date, e.uploaded_at, e.sha256, e.size, e.classification)
        for e in s.scalars(select(Evidence).join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
                           .where(EvidenceLink.finding_id == f.id).order_by(Evidence.evidence_date, Evidence.id)
                           .distinct())
    )
    sa = s.scalar(select(SelfAssessment).where(SelfAssessment.finding_id == f.id))
    comments: tuple[str, ...] = ()
    if sa is not None:
        comments = tuple(
            f"{so.at:%d %b %Y} {so.reviewer} ({so.decision}): {so.comment}"
            for so in s.scalars(select(SignOff).where(SignOff.self_assessment_id == sa.id).order_by(SignOff.at))
            if so.comment
        )
    links = tuple(f"{li.ref}: {li.title}" for li in f.links if li.state == "accepted")
    return pd.FindingSection(
        ref=ref, kind=finding_service.KIND_LABELS.get(f.kind, f.kind), title=f.title, text=f.text, area=f.area, status=f.status, owner=f.owner,
        readiness=ready.rating, readiness_reasons=ready.reasons,
        baseline_figures=cited_figures(f.figures),
        audits=scoring.audit_results_for_pack(uow, f.id), measures=series, actions=actions, evidence=evidence,
        narrative=sa.narrative if sa else "", review_comments=comments, links=links,
    )


@dataclass(frozen=True)
class PackContent:
    """What a pack says, as `content_sha256` counts it: the force, the findings' sections and the
    methodology (not when, by whom or under which marking it was built)."""

    scope: tuple[FindingInfo, ...]
    force: str
    findings: tuple[pd.FindingSection, ...]
    methodology: tuple[pd.AuditMethod, ...]

    def sha256(self) -> str:
        return content_sha256({"force": self.force, "findings": to_plain(self.findings),
                               "methodology": to_plain(self.methodology)})


def collect_pack_content(uow: UnitOfWork, finding_ids: Sequence[int] | None) -> PackContent:
    """The content of a pack of the findings given (None: the default scope), as of now."""
    if finding_ids:
        scope = [finding_service.get_finding(uow, i) for i in finding_ids]
    else:
        scope = default_scope(uow)
    several = len({f.inspection for f in scope}) > 1
    today = utcnow().date()
    sections = tuple(_section(uow, f, f"{f.inspection} {f.ref}" if several else f.ref, today) for f in scope)
    force = get_force_settings(uow).force_name or next(
        (i.force for i in finding_service.list_inspections(uow) if i.force), "")
    ids = [f.id for f in scope if f.id is not None]
    return PackContent(tuple(scope), force, sections, scoring.audit_methods_for_pack(uow, ids))


def collect_pack_data(uow: UnitOfWork, finding_ids: Sequence[int] | None, number: int, status: str,
                      tool_version: str) -> pd.PackData:
    content = collect_pack_content(uow, finding_ids)
    ids = [f.id for f in content.scope if f.id is not None]
    return pd.PackData(
        force=content.force, title="Self-assessment pack",
        inspections=tuple(dict.fromkeys(f.inspection for f in content.scope)), pack_version=number,
        status=status, built_at=utcnow(),
        built_by=(uow.actor.display_name if uow.actor and uow.actor.display_name else uow.username),
        findings=content.findings, methodology=content.methodology, tool_version=tool_version,
        marking=get_force_settings(uow).marking, redaction=redaction_terms(uow, ids),
        signing_changes=signing_changes(uow, number),
    )


_SIGNING_ROLES = ("reviewer", "admin")


def signing_changes(uow: UnitOfWork, number: int) -> tuple[str, ...]:
    """What changed about who may sign since pack version ``number - 1`` was built (all of it for
    the first pack), from the change log: a reader of the pack sees, for example, a reviewer created
    the day before they signed."""
    since = uow.session.scalar(select(func.max(PackVersion.built_at)).where(PackVersion.number < number))
    q = select(ChangeLogEntry).where(ChangeLogEntry.entity.in_(("user", "certificate", "force_ca")))
    if since is not None:
        q = q.where(ChangeLogEntry.at > since)
    out = []
    for e in uow.session.scalars(q.order_by(ChangeLogEntry.seq)):
        after = e.after if isinstance(e.after, dict) else {}
        before = e.before if isinstance(e.before, dict) else {}
        when = e.at.strftime("%d %b %Y %H:%M UTC")
        if e.entity == "user" and e.action == "add" and after.get("role") in _SIGNING_ROLES:
            words = f"{e.actor} added {e.entity_id} as {after['role']}"
        elif e.entity == "user" and e.action == "set-role" and (
                after.get("role") in _SIGNING_ROLES or before.get("role") in _SIGNING_ROLES):
            words = f"{e.actor} changed {e.entity_id}'s role from {before.get('role')} to {after.get('role')}"
        elif e.entity == "user" and e.action == "reset-passphrase":
            words = f"{e.actor} reset {e.entity_id}'s passphrase"
        elif e.entity == "certificate" and e.action in ("create", "import"):
            fp = str(after.get("fingerprint") or after.get("certificate_sha256") or "")
            made = "created a workspace signing certificate" if e.action == "create" else "imported a signing certificate"
            words = f"{e.entity_id} {made}" + (f" (SHA-256 {fp[:16]}…)" if fp else "")
        elif e.entity == "force_ca" and e.action == "import":
            words = f"{e.actor} imported the force CA certificate {after.get('subject', '')} (SHA-256 {e.entity_id[:16]}…)"
        else:
            continue
        out.append(f"{when}: {words}")
    return tuple(out)




def release_pack_data(uow: UnitOfWork, data: pd.PackData, min_cell: int) -> pd.PackData:
    """The release copy of a pack's data (``reports.pack_redaction.redact_pack`` with the workspace's
    pseudonymisation key): what the release PDF and workbook render, and what a pseudonymised
    bundle lists (evidence titles and file names). Same data and key, same result."""
    from workbench.reports.pack_redaction import redact_pack
    from workbench.reports.pseudonymise import pseudonymise_ref
    from workbench.services.packs import pseudonym_key  # packs imports this module

    key = pseudonym_key(uow)
    return redact_pack(data, lambda ref: pseudonymise_ref(ref, key), min_cell)
