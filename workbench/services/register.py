"""One register for every source: PEEL, thematic and national reports, CDI and joint inspections,
cause-of-concern and revisit letters, Engage monitoring; the PCC's 56-day response.

A source is an `Inspection` row with its `source_type`; its `published` date is the source's date.
Recommendations addressed to all forces (thematic and national reports) are registered as
findings of this force with `addressed_to = "all forces"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from workbench.errors import InputError, NotFoundError
from workbench.services import finding_status as fs
from workbench.services.access import require
from workbench.store.models import Finding, Inspection, StatusChange
from workbench.store.uow import UnitOfWork, check_version, writes

SOURCE_TYPES = {
    "peel": "PEEL inspection",
    "thematic": "Thematic inspection",
    "national": "National report",
    "cdi": "Crime data integrity inspection",
    "joint": "Joint inspection",
    "cause_of_concern_letter": "Cause-of-concern letter",
    "revisit_letter": "Revisit letter",
    "engage": "Engage monitoring",
}
#: sources the PCC must respond to within 56 days of publication (Police Act 1996, s.55)
PCC_RESPONSE_SOURCES = ("peel", "thematic", "national", "cdi", "joint")
PCC_RESPONSE_DAYS = 56
KINDS = ("afi", "cause_of_concern", "recommendation")
ADDRESSED_TO = ("force", "all forces")


@dataclass(frozen=True)
class SourceInfo:
    id: int
    version: int
    source_type: str
    type_label: str
    title: str
    programme: str
    force: str
    published: date | None
    deadline: date | None
    pcc_response_due: date | None
    pcc_response_date: date | None
    pcc_response_note: str
    improvement_plan_deadline: date | None
    revisit_date: date | None
    findings: int
    open_findings: int  # not closed on the force's line


def pcc_response_due(source_type: str, published: date | None) -> date | None:
    """The PCC's response is due 56 days after publication, for the reports it must answer."""
    if source_type not in PCC_RESPONSE_SOURCES or published is None:
        return None
    return published + timedelta(days=PCC_RESPONSE_DAYS)


def _check_type(source_type: str) -> str:
    if source_type not in SOURCE_TYPES:
        raise InputError(f"unknown source type '{source_type}'", f"choose one of: {', '.join(SOURCE_TYPES)}")
    return source_type


def _info(uow: UnitOfWork, i: Inspection) -> SourceInfo:
    s = uow.session
    total = s.scalar(select(func.count()).select_from(Finding).where(Finding.inspection_id == i.id)) or 0
    still = s.scalar(select(func.count()).select_from(Finding).where(
        Finding.inspection_id == i.id, Finding.status != fs.CLOSED)) or 0
    st = i.source_type or "peel"
    return SourceInfo(i.id, i.version, st, SOURCE_TYPES.get(st, st), i.title, i.programme, i.force_name,
                      i.published, i.deadline, pcc_response_due(st, i.published), i.pcc_response_date,
                      i.pcc_response_note or "", i.improvement_plan_deadline, i.revisit_date, total, still)


def _get(uow: UnitOfWork, source_id: int) -> Inspection:
    i = uow.session.get(Inspection, source_id)
    if i is None:
        raise NotFoundError(f"no source with id {source_id}", "see workbench register list")
    return i


def find_source(uow: UnitOfWork, name: str) -> SourceInfo:
    """A source by its id ("3") or its title or programme, exactly."""
    require(uow.actor, "read")
    if name.isdigit():
        return _info(uow, _get(uow, int(name)))
    rows = list(uow.session.scalars(select(Inspection).where(
        (Inspection.title == name) | (Inspection.programme == name))))
    if not rows:
        raise NotFoundError(f"no source '{name}'", "see workbench register list for ids and titles")
    if len(rows) > 1:
        raise InputError(f"'{name}' names {len(rows)} sources", "give its id instead (workbench register list)")
    return _info(uow, rows[0])


def list_sources(uow: UnitOfWork, source_type: str | None = None) -> list[SourceInfo]:
    require(uow.actor, "read")
    q = select(Inspection).order_by(Inspection.published, Inspection.id)
    if source_type is not None:
        q = q.where(Inspection.source_type == _check_type(source_type))
    return [_info(uow, i) for i in uow.session.scalars(q)]


@writes
def add_source(uow: UnitOfWork, source_type: str, title: str, published: date | None, *,
               force: str = "", programme: str = "", deadline: date | None = None,
               improvement_plan_deadline: date | None = None, revisit_date: date | None = None) -> SourceInfo:
    """Register a source by hand (a thematic report, a letter, Engage monitoring ...)."""
    require(uow.actor, "findings.edit")
    _check_type(source_type)
    title = (title or "").strip()
    if not title:
        raise InputError("a source needs a title", "e.g. --title 'Police response to VAWG (2024)'")
    if source_type != "engage" and (improvement_plan_deadline or revisit_date) and source_type not in (
            "cause_of_concern_letter", "revisit_letter"):
        raise InputError("improvement-plan deadlines and revisit dates belong to Engage monitoring and letters",
                         "register the source as --type engage, cause_of_concern_letter or revisit_letter")
    if deadline and published and deadline < published:
        raise InputError(f"the deadline {deadline} is before the source's date {published}", "check the dates")
    if not force:
        from workbench.services.settings import get_force_settings

        force = get_force_settings(uow).force_name
    i = Inspection(programme=(programme or SOURCE_TYPES[source_type]).strip(), title=title, force_name=force,
                   year=published.year if published else None, published=published, source_name="",
                   imported_by=uow.username, source_type=source_type, deadline=deadline,
                   improvement_plan_deadline=improvement_plan_deadline, revisit_date=revisit_date)
    uow.session.add(i)
    uow.session.flush()
    uow.log("inspection", i.id, "create", None, _log_view(i))
    return _info(uow, i)


def _log_view(i: Inspection) -> dict[str, object]:
    return {"source_type": i.source_type, "title": i.title, "programme": i.programme, "published": i.published,
            "deadline": i.deadline, "improvement_plan_deadline": i.improvement_plan_deadline,
            "revisit_date": i.revisit_date, "pcc_response_date": i.pcc_response_date,
            "pcc_response_note": i.pcc_response_note}


SOURCE_EDITABLE = ("source_type", "published", "deadline", "improvement_plan_deadline", "revisit_date")


@writes
def update_source(uow: UnitOfWork, source_id: int, expected_version: int | None = None,
                  **changes: object) -> SourceInfo:
    """Change a source's type or dates (an imported PEEL report keeps its text and findings)."""
    require(uow.actor, "findings.edit")
    i = _get(uow, source_id)
    check_version(i, expected_version, f"source {i.title}")
    unknown = set(changes) - set(SOURCE_EDITABLE)
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))} of a source",
                         f"editable: {', '.join(SOURCE_EDITABLE)}")
    if "source_type" in changes:
        _check_type(str(changes["source_type"]))
    for k, v in changes.items():
        if k != "source_type" and v is not None and not isinstance(v, date):
            raise InputError(f"{k.replace('_', ' ')} must be a date")
    before = {k: getattr(i, k) for k in changes}
    for k, v in changes.items():
        setattr(i, k, v)
    if "published" in changes and i.published is not None:
        i.year = i.published.year
    uow.session.flush()
    uow.log("inspection", i.id, "update", before, dict(changes))
    return _info(uow, i)


@writes
def record_pcc_response(uow: UnitOfWork, source_id: int, responded_on: date, note: str = "",
                        expected_version: int | None = None) -> SourceInfo:
    """Record the date the PCC published their response (and where: a link or reference)."""
    require(uow.actor, "findings.edit")
    i = _get(uow, source_id)
    check_version(i, expected_version, f"source {i.title}")
    if (i.source_type or "peel") not in PCC_RESPONSE_SOURCES:
        raise InputError(f"a {SOURCE_TYPES.get(i.source_type, i.source_type)} needs no PCC response",
                         f"the PCC responds to: {', '.join(SOURCE_TYPES[t] for t in PCC_RESPONSE_SOURCES)}")
    if i.published is not None and responded_on < i.published:
        raise InputError(f"the response date {responded_on} is before the report was published ({i.published})",
                         "check the date")
    before = {"pcc_response_date": i.pcc_response_date, "pcc_response_note": i.pcc_response_note}
    i.pcc_response_date, i.pcc_response_note = responded_on, (note or "").strip()
    uow.session.flush()
    uow.log("inspection", i.id, "pcc_response", before,
            {"pcc_response_date": responded_on, "pcc_response_note": i.pcc_response_note})
    return _info(uow, i)


@writes
def add_finding(uow: UnitOfWork, source_id: int, kind: str, ref: str, text: str, *, title: str = "",
                addressed_to: str = "force", area: str = "", owner: str = "", target_date: date | None = None,
                on: date | None = None) -> int:
    """Register a finding of a source by hand; a recommendation to all forces is recorded as applying here."""
    require(uow.actor, "findings.edit")
    i = _get(uow, source_id)
    if kind not in KINDS:
        raise InputError(f"unknown kind '{kind}'", f"choose one of: {', '.join(KINDS)}")
    if addressed_to not in ADDRESSED_TO:
        raise InputError(f"unknown addressee '{addressed_to}'", "choose 'force' or 'all forces'")
    ref, text = (ref or "").strip(), (text or "").strip()
    if not ref or not text:
        raise InputError("a finding needs a reference and its text", "e.g. --ref 'Recommendation 3' --text '...'")
    if uow.session.scalar(select(Finding.id).where(Finding.inspection_id == i.id, Finding.ref == ref)):
        raise InputError(f"{i.title} already has a finding '{ref}'", "give another reference")
    import hashlib

    position = (uow.session.scalar(select(func.max(Finding.position)).where(Finding.inspection_id == i.id)) or 0) + 1
    f = Finding(inspection_id=i.id, kind=kind, ref=ref, title=(title or text.split(".")[0])[:400].strip(), text=text,
                text_sha256=hashlib.sha256(text.encode()).hexdigest(), area=area, position=position,
                status=fs.FORCE_START, owner=owner, target_date=target_date, addressed_to=addressed_to)
    uow.session.add(f)
    uow.session.flush()
    uow.session.add(StatusChange(finding_id=f.id, line=fs.FORCE, from_status="", to_status=fs.FORCE_START,
                                 on=on or date.today(), comment="registered", recorded_by=uow.username))
    uow.session.flush()
    uow.log("finding", f.id, "create", None, {"source": i.title, "kind": kind, "ref": ref, "text": text,
                                              "addressed_to": addressed_to, "status": fs.FORCE_START})
    return f.id
