"""The findings register: importing reports, key figures, links across inspections, edits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from workbench.errors import InputError, NotFoundError
from workbench.importers.finding_links import LinkCandidate, LinkSuggestion, suggest_links
from workbench.importers.key_figures import KeyFigure as ParsedFigure
from workbench.importers.peel_areas import load_area_rules
from workbench.importers.report_corrections import KINDS as KINDS  # re-exported for the GUI
from workbench.importers.report_corrections import Correction, CorrectionError, apply_corrections
from workbench.importers.report_decode import ENCODING_CHOICES as ENCODING_CHOICES
from workbench.importers.report_source import read_report
from workbench.importers.report_text import ParsedFinding, ParsedReport, parse_report
from workbench.progress import Progress
from workbench.services import finding_status, register_status
from workbench.services import measures as measure_service
from workbench.services.access import require
from workbench.services.findings_matching import _closed_elsewhere, _match, _record_status, same_publication
from workbench.store.models import Finding, FindingLink, Inspection, KeyFigure, utcnow
from workbench.store.uow import UnitOfWork, check_version

KIND_LABELS = {"afi": "Area for improvement", "cause_of_concern": "Cause of concern",
               "recommendation": "Recommendation"}


@dataclass(frozen=True)
class FigureInfo:
    kind: str
    value: float | None
    numerator: int | None
    denominator: int | None
    unit: str | None
    low: float | None
    high: float | None
    label: str
    sentence: str
    missing_in_source: bool


@dataclass(frozen=True)
class LinkInfo:
    id: int | None
    ref: str  # the other finding, as "PEEL 2018 / AFI 2"
    other_id: int | None
    title: str
    score: float
    state: str
    direction: str  # "earlier" (this finding follows up that one) or "later"
    shared_terms: tuple[str, ...]


@dataclass(frozen=True)
class FindingInfo:
    id: int | None
    version: int
    inspection: str
    kind: str
    ref: str
    title: str
    text: str
    area: str
    area_reason: str
    question: str | None
    status: str
    owner: str
    target_date: date | None
    notes: str
    parent_ref: str | None
    source_line: int | None
    figures: tuple[FigureInfo, ...]
    links: tuple[LinkInfo, ...] = ()
    inspectorate_status: str = ""  # what HMICFRS printed or wrote, apart from `status` (the force's)
    inspectorate_status_date: date | None = None
    inspectorate_status_note: str = ""
    key: str = ""  # in a preview: the name corrections use ("#3")
    source_text: str = ""  # in a preview: the source text the finding was read from

    @property
    def stored_id(self) -> int:
        """The id of a finding held in the workspace (a dry run's preview has none)."""
        if self.id is None:
            raise ValueError(f"finding {self.ref} is a preview of an import: it is not stored")
        return self.id


@dataclass(frozen=True)
class InspectionInfo:
    id: int | None
    programme: str
    title: str
    force: str
    year: int | None
    published: date | None
    source_name: str


@dataclass(frozen=True)
class ImportResult:
    inspection: InspectionInfo
    dry_run: bool
    new_inspection: bool
    added: tuple[FindingInfo, ...]
    unchanged: tuple[str, ...]  # refs already in the register with the same text
    suggested_links: tuple[LinkInfo, ...]
    proposed_measures: int
    warnings: tuple[str, ...]
    changed: frozenset[str] = field(default_factory=frozenset)
    parsed: tuple[ParsedFinding, ...] = ()  # every finding read (after corrections), for previews
    unchanged_keys: frozenset[str] = field(default_factory=frozenset)
    same_publication: str | None = None  # why this is taken as an inspection already registered
    status_updates: tuple[str, ...] = ()  # "CoC 1: Closed" recorded on registered findings
    corrections: tuple[str, ...] = ()  # the corrections applied, described
    missing: tuple[str, ...] = ()  # metadata the report did not give: force, programme, published


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _figure_info(f: ParsedFigure | KeyFigure) -> FigureInfo:
    return FigureInfo(f.kind, f.value, f.numerator, f.denominator, getattr(f, "unit", None),
                      getattr(f, "low", None), getattr(f, "high", None), f.label, f.sentence,
                      f.missing_in_source)


def _label(insp: Inspection | InspectionInfo) -> str:
    return insp.programme or insp.title


# -- import ----------------------------------------------------------------------------------
def read_and_parse(path: Path, force: str | None = None, inspection: str | None = None,
                   progress: Progress | None = None,
                   area_rules: Path | None = None, encoding: str | None = None) -> ParsedReport:
    """Read a report file (text, HTML or PDF) into findings. Pure: writes nothing.

    `area_rules` is a TOML file of PEEL-area keyword rules that overrides the shipped ones;
    `encoding` is the text file's encoding when it is not UTF-8 (otherwise detected)."""
    rules = load_area_rules(area_rules) if area_rules is not None else None
    return parse_report(read_report(path, progress=progress, encoding=encoding or None), force=force,
                        inspection=inspection, area_rules=rules)


def finding_body(f: FindingInfo) -> str:
    """The finding's whole statement (title and text) as corrections split it."""
    squash = "".join(ch for ch in f.text.lower() if ch.isalnum())
    head = "".join(ch for ch in f.title.lower() if ch.isalnum())
    return f.text if squash.startswith(head) else f"{f.title}. {f.text}".strip()


def correction_from_dict(data: dict) -> Correction:
    """A correction read from JSON (CLI ``--corrections FILE``); :class:`InputError` if malformed."""
    try:
        return Correction.from_dict(data)
    except CorrectionError as exc:
        raise InputError(str(exc), "see docs/findings-import.md for the correction format") from None


def corrected_preview(result: ImportResult, corrections: Sequence[Correction]) -> ImportResult:
    """The dry-run ``result`` as it would be after ``corrections``: pure, nothing written."""
    try:
        fixed = apply_corrections(result.parsed, tuple(corrections)) if corrections else result.parsed
    except CorrectionError as exc:
        raise InputError(str(exc), "check the correction against the preview") from None
    added = tuple(_parsed_info(pf, result.inspection) for pf in fixed if pf.key not in result.unchanged_keys)
    return replace(result, added=added, parsed=fixed,
                   corrections=tuple(c.describe() for c in corrections))


def import_report(
    uow: UnitOfWork, path: Path, force: str | None = None, inspection: str | None = None,
    dry_run: bool = False, progress: Progress | None = None,
    area_rules: Path | None = None, encoding: str | None = None,
    corrections: Sequence[Correction] = (),
) -> ImportResult:
    """Register a report's findings; re-importing the same report adds nothing.

    The inspection is matched by the fingerprint of its normalised text, else as the same
    publication in another format or copy (same title and date, or findings that match): then
    the import is an update of that inspection, never a second one. Findings are matched by kind
    and normalised title. `corrections` (split, merge, kind, title, figure, attach) are applied
    to the parsed findings first and logged. With `dry_run` nothing is written.
    """
    require(uow.actor, "findings.edit")
    parsed = read_and_parse(Path(path), force, inspection, progress, area_rules, encoding)
    try:
        found = apply_corrections(parsed.findings, tuple(corrections)) if corrections else parsed.findings
    except CorrectionError as exc:
        raise InputError(f"{parsed.source_name}: {exc}", "preview the report again and check its keys") from None
    s = uow.session
    existing, same_reason = same_publication(uow, parsed, found)
    known = list(existing.findings) if existing is not None else []
    matched: dict[str, Finding] = {}
    for pf in found:
        hit = _match(pf, known)
        if hit is not None:
            matched[pf.key] = hit
    to_add = [pf for pf in found if pf.key not in matched]
    taken = {f.ref for f in known}
    clashes = [pf.ref for pf in to_add if pf.ref in taken]
    if clashes:
        raise InputError(
            f"{parsed.source_name}: findings {', '.join(clashes)} are already registered for this "
            "inspection with different text",
            "edit them in the register instead of importing the report again",
        )
    status_updates = [(pf, matched[pf.key]) for pf in found if pf.key in matched and pf.inspectorate_status
                      and matched[pf.key].inspectorate_status != pf.inspectorate_status]
    # A letter closing or discharging a cause of concern already registered (from the report
    # that raised it) records the status on that finding; it is not a new finding.
    if existing is None:
        for pf in list(to_add):
            closed = _closed_elsewhere(uow, pf, parsed.force)
            if closed is not None:
                to_add.remove(pf)
                status_updates.append((pf, closed))
                for rec in [r for r in to_add if r.parent_ref == pf.ref]:
                    to_add.remove(rec)
                    hit = _match(rec, list(closed.inspection.findings))
                    if hit is not None:
                        status_updates.append((rec, hit))
    unchanged = tuple(pf.ref for pf in found if pf.key in matched)
    adding = {id(pf) for pf in to_add}  # by identity: comparing parsed findings field by field is slow
    unchanged_keys = frozenset(pf.key for pf in found if id(pf) not in adding)
    insp_info = InspectionInfo(
        None, parsed.programme or "", inspection or parsed.title or parsed.source_name,
        force or parsed.force or "", parsed.year, parsed.published, parsed.source_name,
    ) if existing is None else _inspection_info(existing)
    warnings = list(parsed.warnings)
    if same_reason and existing is not None and existing.text_fingerprint != parsed.text_fingerprint:
        warnings.insert(0, f"this is the same publication as {_label(existing)} ({same_reason}): "
                           "it is imported as an update of that inspection, not a new one")
    named = (force or "").strip()
    fill_force = existing is not None and bool(named) and not (existing.force_name or "").strip()
    if existing is not None and named and not fill_force and existing.force_name != named:
        warnings.append(f"the registered inspection names the force {existing.force_name}, so the force given "
                        f"({named}) was not applied; import into a new inspection with --inspection if it is "
                        "another force's report")
    elif fill_force:
        warnings.append(f"the registered inspection named no force: {named} "
                        + ("would be recorded as its force" if dry_run else "is now recorded as its force"))
    if existing is None and parsed.source_type not in (None, "peel"):
        from workbench.services.register import SOURCE_TYPES

        warnings.append(f"{'would be' if dry_run else 'registered as'} a {SOURCE_TYPES[parsed.source_type].lower()}, "
                        "as its title says (so no PCC response is due unless the register is told otherwise); "
                        "change its source type in the register if that is wrong")
    described = tuple(c.describe() for c in corrections)
    earlier = _link_pool(uow, exclude_inspection=existing.id if existing else None)
    if dry_run:
        added = tuple(_parsed_info(pf, insp_info) for pf in to_add)
        suggestions = _suggest(added, earlier)
        added = tuple(
            replace(f, links=tuple(_link_info(None, o, i, sug.score, "suggested", "earlier", sug.shared_terms)
                                   for n, o, i, sug in suggestions if n == index))
            for index, f in enumerate(added)
        )
        links = tuple(li for f in added for li in f.links)
        return ImportResult(insp_info, True, existing is None, added, unchanged, links,
                            sum(len(measure_service.proposals(pf.figures)) for pf in to_add), tuple(warnings),
                            parsed=found, unchanged_keys=unchanged_keys, same_publication=same_reason,
                            status_updates=tuple(f"{f.ref}: {pf.inspectorate_status}" for pf, f in status_updates),
                            corrections=described, missing=parsed.missing)
    for pf, f in status_updates:
        _record_status(uow, f, pf)
    if fill_force and existing is not None:  # the force the user gave, on an inspection that named none
        existing.force_name = named
        s.flush()
        uow.log("inspection", existing.id, "set force", {"force": ""}, {"force": named, "source": parsed.source_name})
        insp_info = _inspection_info(existing)
    if not to_add and existing is None:
        return ImportResult(insp_info, False, False, (), unchanged, (), 0, tuple(warnings), frozenset(uow.changed),
                            parsed=found, unchanged_keys=unchanged_keys,
                            status_updates=tuple(f"{f.ref}: {pf.inspectorate_status}" for pf, f in status_updates),
                            corrections=described, missing=parsed.missing)
    new_inspection = existing is None
    if existing is None:
        existing = Inspection(
            source_type=parsed.source_type or "peel",
            programme=insp_info.programme, title=insp_info.title, force_name=insp_info.force,
            year=parsed.year, published=parsed.published, source_name=parsed.source_name,
            source_sha256=parsed.source_sha256, text_fingerprint=parsed.text_fingerprint,
            imported_by=uow.username,
        )
        s.add(existing)
        s.flush()
        uow.log("inspection", existing.id, "import", None,
                {"title": existing.title, "programme": existing.programme, "source": parsed.source_name,
                 "source_sha256": parsed.source_sha256})
        insp_info = _inspection_info(existing)
    elif to_add:
        uow.log("inspection", existing.id, "update from report", None,
                {"source": parsed.source_name, "source_sha256": parsed.source_sha256,
                 "same_publication": same_reason, "added": [pf.ref for pf in to_add]})
    if corrections:
        uow.log("inspection", existing.id, "import corrections", None,
                {"source": parsed.source_name, "corrections": [c.as_dict() for c in corrections],
                 "described": list(described)})
    position = max((f.position for f in known), default=0)
    created: list[Finding] = []
    by_ref = {f.ref: f for f in known}
    for pf in found:
        if pf.key in matched:
            by_ref.setdefault(pf.ref, matched[pf.key])
    proposed = 0
    for pf in to_add:
        position += 1
        finding = Finding(
            inspection_id=existing.id, kind=pf.kind, ref=pf.ref, title=pf.title, text=pf.text,
            text_sha256=_sha(pf.text), area=pf.area or "", area_reason=pf.area_reason, question=pf.question,
            position=position, source_line=pf.line,
            parent_id=by_ref[pf.parent_ref].id if pf.parent_ref and pf.parent_ref in by_ref else None,
            inspectorate_status=pf.inspectorate_status or "", inspectorate_status_date=pf.inspectorate_status_date,
            inspectorate_status_note=pf.inspectorate_status_note,
        )
        s.add(finding)
        s.flush()
        by_ref[pf.ref] = finding
        for i, fig in enumerate(pf.figures):
            s.add(KeyFigure(
                finding_id=finding.id, position=i, kind=fig.kind, value=fig.value, numerator=fig.numerator,
                denominator=fig.denominator, unit=fig.unit, low=fig.low, high=fig.high, label=fig.label,
                sentence=fig.sentence, missing_in_source=fig.missing_in_source,
            ))
        s.flush()
        proposed += measure_service.propose_from_figures(uow, finding)
        uow.log("finding", finding.id, "import", None,
                {"ref": finding.ref, "kind": finding.kind, "title": finding.title, "area": finding.area,
                 "figures": len(pf.figures), "inspectorate_status": finding.inspectorate_status})
        created.append(finding)
    for index, other, _, sug in _suggest(tuple(_info(uow, f) for f in created), earlier):
        row = FindingLink(finding_id=created[index].id, earlier_id=other.id, score=sug.score,
                          shared_terms=list(sug.shared_terms))
        s.add(row)
        s.flush()
        uow.log("finding_link", row.id, "suggest", None,
                {"finding": row.finding_id, "earlier": row.earlier_id, "score": row.score})
    added = tuple(_info(uow, f) for f in created)
    return ImportResult(insp_info, False, new_inspection, added, unchanged,
                        tuple(li for f in added for li in f.links), proposed, tuple(warnings),
                        frozenset(uow.changed), parsed=found, unchanged_keys=unchanged_keys,
                        same_publication=same_reason,
                        status_updates=tuple(f"{f.ref}: {pf.inspectorate_status}" for pf, f in status_updates),
                        corrections=described, missing=parsed.missing)


def _parsed_info(pf: ParsedFinding, insp: InspectionInfo) -> FindingInfo:
    return FindingInfo(None, 0, _label(insp), pf.kind, pf.ref, pf.title, pf.text, pf.area or "",
                       pf.area_reason, pf.question, finding_status.FORCE_START, "", None, "", pf.parent_ref, pf.line,
                       tuple(_figure_info(f) for f in pf.figures), (), pf.inspectorate_status or "",
                       pf.inspectorate_status_date, pf.inspectorate_status_note, pf.key, pf.source_text)


def _link_pool(uow: UnitOfWork, exclude_inspection: int | None) -> list[tuple[Finding, Inspection]]:
    q = select(Finding, Inspection).join(Inspection, Finding.inspection_id == Inspection.id)
    if exclude_inspection is not None:
        q = q.where(Inspection.id != exclude_inspection)
    return [(f, i) for f, i in uow.session.execute(q).all()]


def _suggest(new: tuple[FindingInfo, ...], pool: list[tuple[Finding, Inspection]]
             ) -> list[tuple[int, Finding, Inspection, LinkSuggestion]]:
    """(index of the new finding, earlier finding, its inspection, suggestion), best first."""
    if not new or not pool:
        return []
    cands = [LinkCandidate(str(i), f.title, f.text, f.area or None) for i, f in enumerate(new)]
    olds = [LinkCandidate(str(f.id), f.title, f.text, f.area or None) for f, _ in pool]
    by_id = {str(f.id): (f, i) for f, i in pool}
    return [(int(sug.new_key), *by_id[sug.earlier_key], sug) for sug in suggest_links(cands, olds)]


def _link_info(link_id: int | None, other: Finding, insp: Inspection, score: float, state: str,
               direction: str, terms: object) -> LinkInfo:
    return LinkInfo(link_id, f"{_label(insp)} / {other.ref}", other.id, other.title, score, state, direction,
                    tuple(terms or ()))  # type: ignore[arg-type]


# -- reading ---------------------------------------------------------------------------------
def _inspection_info(i: Inspection) -> InspectionInfo:
    return InspectionInfo(i.id, i.programme, i.title, i.force_name, i.year, i.published, i.source_name)


def _info(uow: UnitOfWork, f: Finding) -> FindingInfo:
    s = uow.session
    parent = s.get(Finding, f.parent_id) if f.parent_id else None
    links: list[LinkInfo] = []
    rows = s.scalars(select(FindingLink).where(
        (FindingLink.finding_id == f.id) | (FindingLink.earlier_id == f.id)).order_by(FindingLink.score.desc()))
    for link in rows:
        later = link.finding_id == f.id
        other = s.get(Finding, link.earlier_id if later else link.finding_id)
        assert other is not None
        links.append(_link_info(link.id, other, other.inspection, link.score, link.state,
                                "earlier" if later else "later", link.shared_terms))
    figures = s.scalars(select(KeyFigure).where(KeyFigure.finding_id == f.id).order_by(KeyFigure.position))
    return FindingInfo(
        f.id, f.version, _label(f.inspection), f.kind, f.ref, f.title, f.text, f.area, f.area_reason,
        f.question, f.status, f.owner, f.target_date, f.notes, parent.ref if parent else None, f.source_line,
        tuple(_figure_info(k) for k in figures), tuple(links), f.inspectorate_status or "",
        f.inspectorate_status_date, f.inspectorate_status_note or "",
    )


def list_inspections(uow: UnitOfWork) -> list[InspectionInfo]:
    require(uow.actor, "read")
    rows = uow.session.scalars(select(Inspection).order_by(Inspection.year, Inspection.id))
    return [_inspection_info(i) for i in rows]


def list_findings(uow: UnitOfWork, inspection_id: int | None = None) -> list[FindingInfo]:
    require(uow.actor, "read")
    q = select(Finding).join(Inspection).order_by(Inspection.year, Inspection.id, Finding.position)
    if inspection_id is not None:
        q = q.where(Finding.inspection_id == inspection_id)
    return [_info(uow, f) for f in uow.session.scalars(q)]


def get_finding(uow: UnitOfWork, finding_id: int) -> FindingInfo:
    require(uow.actor, "read")
    return _info(uow, _get(uow, finding_id))


def find_by_ref(uow: UnitOfWork, ref: str) -> FindingInfo:
    """A finding by its reference, e.g. "AFI 7" or "PEEL 2018 / AFI 2" when several inspections have one."""
    require(uow.actor, "read")
    matches = [f for f in list_findings(uow) if ref in (f.ref, f"{f.inspection} / {f.ref}")]
    if not matches:
        raise NotFoundError(f"no finding '{ref}'", "see workbench findings for the references")
    if len(matches) > 1:
        raise InputError(f"'{ref}' names findings in several inspections",
                         "prefix the inspection, e.g. " + " or ".join(f"'{m.inspection} / {m.ref}'" for m in matches))
    return matches[0]


def _get(uow: UnitOfWork, finding_id: int) -> Finding:
    f = uow.session.get(Finding, finding_id)
    if f is None:
        raise NotFoundError(f"no finding with id {finding_id}")
    return f


# -- editing ---------------------------------------------------------------------------------
EDITABLE = ("status", "owner", "target_date", "notes", "area")


def update_finding(uow: UnitOfWork, finding_id: int, expected_version: int | None = None,
                   **changes: object) -> FindingInfo:
    """Change the register fields of a finding (status, owner, target date, notes, area)."""
    require(uow.actor, "findings.edit")
    f = _get(uow, finding_id)
    check_version(f, expected_version, f"finding {f.ref}")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))} of a finding",
                         f"editable fields: {', '.join(EDITABLE)}")
    new_status = changes.pop("status", None)
    if new_status is not None and new_status != f.status:
        try:  # the force's status line: the state machine decides (services/finding_status.py)
            finding_status.check_move(finding_status.FORCE, f.status, str(new_status))
        except finding_status.MoveRefused as exc:
            raise InputError(f"{f.ref}: {exc.message}", exc.hint) from None
    if "target_date" in changes and changes["target_date"] is not None and not isinstance(changes["target_date"], date):
        raise InputError("the target date must be a date")
    moved = new_status is not None and new_status != f.status
    before = {"status": f.status} if moved else {}
    before.update({k: getattr(f, k) for k in changes})
    for k, v in changes.items():
        setattr(f, k, v)
    if "area" in changes:
        f.area_overridden = True
        f.area_reason = f"set by {uow.username}"
    if moved:  # the status and its history entry (one flush, one version); logged below with the rest
        register_status.record(uow, f, finding_status.FORCE, str(new_status), None, "", log=False)
    uow.session.flush()
    after = ({"status": new_status} if moved else {}) | dict(changes)
    uow.log("finding", f.id, "update", before, after)
    return _info(uow, f)


def decide_link(uow: UnitOfWork, link_id: int, accept: bool) -> LinkInfo:
    require(uow.actor, "findings.edit")
    link = uow.session.get(FindingLink, link_id)
    if link is None:
        raise NotFoundError(f"no suggested link with id {link_id}")
    before = link.state
    link.state = "accepted" if accept else "rejected"
    link.decided_by, link.decided_at = uow.username, utcnow()
    uow.session.flush()
    uow.log("finding_link", link.id, link.state, {"state": before}, {"state": link.state})
    f = _get(uow, link.finding_id)
    return next(li for li in _info(uow, f).links if li.id == link.id)
