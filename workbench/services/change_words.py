"""The change log in words: "Sam Okafor recorded case NC-… of the response attendance audit (round 2)".

Each log entry names its record by kind and id; these functions look the record up (or read what
the entry itself kept, for something since removed) and say who did what to which finding, audit,
case or pack version, in plain sentences. Consecutive entries that say the same thing (the
answers of one case, the values of one measure) are told once, with their count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from workbench.services.access import require
from workbench.store.models import (
    Action,
    Audit,
    AuditTemplate,
    ChangeLogEntry,
    ClosureProposal,
    Evidence,
    EvidenceRequest,
    Finding,
    FindingLink,
    Inspection,
    Measure,
    PlannedAudit,
    Response,
    SampledCase,
    User,
)
from workbench.store.uow import UnitOfWork


@dataclass(frozen=True)
class ChangeInWords:
    seq: int  # the newest entry told
    at: datetime
    actor: str  # user name as logged
    who: str  # the person's name
    sentence: str  # "Sam Okafor recorded case NC-… of the … audit"
    entity: str
    entity_id: str
    action: str
    entries: int = 1  # how many consecutive log entries this sentence tells
    first_seq: int = 0

    @property
    def what(self) -> str:
        """The sentence without the person: "recorded case NC-… of the … audit"."""
        return self.sentence[len(self.who):].strip() if self.sentence.startswith(self.who) else self.sentence


#: (entity, action) -> verb; "{x}" is where the record's name goes
VERBS: dict[tuple[str, str], str] = {
    ("workspace", "create"): "created the workspace",
    ("workspace", "backup"): "backed up the workspace",
    ("user", "add"): "added user {x}",
    ("user", "set-role"): "changed the role of {x}",
    ("user", "change-passphrase"): "changed the passphrase of {x}",
    ("user", "reset-passphrase"): "reset the passphrase of {x}",
    ("user", "deactivate"): "deactivated user {x}",
    ("user", "reactivate"): "reactivated user {x}",
    ("user", "rename"): "renamed user {x}",
    ("user", "set-passphrase"): "set the passphrase of {x}",
    ("user", "sign-in-refused"): "was refused sign-in as {x}",
    ("user", "change-passphrase-refused"): "was refused a passphrase change for {x}",
    ("setting", "set"): "changed the force settings",
    ("template", "store"): "stored the audit template {x}",
    ("template", "import"): "imported the audit template {x}",
    ("inspection", "import"): "imported the report of {x}",
    ("inspection", "create"): "registered the source {x}",
    ("inspection", "update"): "changed the details of {x}",
    ("inspection", "update from report"): "brought {x} up to date from its report",
    ("inspection", "set force"): "recorded the force of {x} from a new import of its report",
    ("inspection", "import corrections"): "corrected the import of {x}",
    ("inspection", "pcc_response"): "recorded the PCC's response to {x}",
    ("finding", "import"): "registered {x}",
    ("finding", "create"): "registered {x}",
    ("finding", "force_status"): "moved the force's status of {x}",
    ("finding", "inspectorate_status"): "moved the inspectorate's status of {x}",
    ("finding", "inspectorate status"): "recorded the inspectorate's status of {x}",
    ("finding", "force_comment"): "noted the force's progress on {x}",
    ("finding", "inspectorate_comment"): "noted the inspectorate's view of {x}",
    ("finding", "update"): "changed {x}",
    ("finding", "map_area"): "moved {x} to its 2025-27 PEEL area",
    ("finding", "unmap_area"): "put back the PEEL area of {x}",
    ("areas", "map"): "moved findings to their 2025-27 PEEL areas",
    ("areas", "unmap"): "undid a move of findings to the 2025-27 PEEL areas",
    ("finding_link", "suggest"): "suggested a link between {x}",
    ("finding_link", "accepted"): "accepted the link between {x}",
    ("finding_link", "rejected"): "rejected the link between {x}",
    ("finding_link", "suggested"): "put back as a suggestion the link between {x}",
    ("finding_link", "carry_forward"): "carried forward {x}",
    ("closure_proposal", "propose"): "proposed closing {x}",
    ("closure_proposal", "authorise"): "recorded the authorised closure of {x}",
    ("closure_proposal", "withdraw"): "withdrew the proposal to close {x}",
    ("planned_audit", "create"): "added {x} to the assurance plan",
    ("planned_audit", "start"): "started {x} from the assurance plan",
    ("committee_report", "export"): "wrote the committee report {x}",
    ("tracker", "imported"): "imported the tracker {x}",
    ("tracker_row", "imported"): "imported {x}",
    ("measure", "propose"): "proposed the measure {x}",
    ("measure", "create"): "created the measure {x}",
    ("measure", "update"): "changed the measure {x}",
    ("measure", "record"): "recorded a value of {x}",
    ("measure", "update-value"): "corrected a value of {x}",
    ("measure", "remove-value"): "removed a value of {x}",
    ("action", "add"): "added the action {x}",
    ("action", "update"): "updated the action {x}",
    ("action", "remove"): "removed the action {x}",
    ("evidence", "add"): "added the evidence {x}",
    ("evidence", "link"): "linked the evidence {x}",
    ("evidence", "unlink"): "unlinked the evidence {x}",
    ("evidence", "export"): "exported the evidence {x}",
    ("evidence", "set_expiry"): "set the expiry date of the evidence {x}",
    ("evidence", "clear_expiry"): "cleared the expiry date of the evidence {x}",
    ("evidence_request", "create"): "sent the evidence request {x}",
    ("evidence_request", "return"): "took in the reply to the evidence request {x}",
    ("evidence_request", "accept"): "accepted the reply to the evidence request {x}",
    ("evidence_request", "withdraw"): "withdrew the evidence request {x}",
    ("evidence_requests", "export"): "exported evidence requests to Excel",
    ("audit", "create"): "planned {x}",
    ("audit", "population"): "loaded the population of {x}",
    ("audit", "draw"): "drew the sample of {x}",
    ("audit", "evaluate"): "evaluated the computed criteria of {x}",
    ("audit", "fieldwork_export"): "exported the fieldwork workbook of {x}",
    ("audit", "fieldwork_import"): "imported the fieldwork workbook of {x}",
    ("audit", "second_review"): "chose the cases for a second review of {x}",
    ("case", "unusable"): "set aside {x}",
    ("response", "record"): "recorded {x}",
    ("response", "clear"): "cleared an answer of {x}",
    ("assessment", "create"): "started the self-assessment for {x}",
    ("assessment", "edit"): "edited the self-assessment for {x}",
    ("assessment", "submit"): "submitted the self-assessment for {x}",
    ("assessment", "approve"): "approved the self-assessment for {x}",
    ("assessment", "return"): "returned the self-assessment for {x}",
    ("assessment", "reopen"): "reopened the self-assessment for {x}",
    ("assessment", "approve-refused"): "was refused approving the self-assessment for {x} (passphrase)",
    ("pack", "build"): "built {x}",
    ("pack", "submit"): "submitted {x} for approval",
    ("pack", "approve"): "approved and signed {x}",
    ("pack", "approve-refused"): "was refused signing {x} (passphrase)",
    ("pack", "return"): "returned {x}",
    ("pack", "supersede"): "marked {x} superseded",
    ("pack", "export-files"): "exported the files of {x}",
    ("pack", "print"): "printed {x}",
    ("bundle", "export"): "sealed an evidence bundle of {x}",
    ("certificate", "create"): "created the signing certificate of {x}",
    ("certificate", "import"): "imported the signing certificate of {x}",
    ("certificate", "export"): "exported the signing certificate of {x}",
    ("certificate", "rekey"): "re-encrypted the signing key of {x}",
    ("certificate", "sign-refused"): "was refused the signing key of {x} (passphrase)",
    ("certificate", "import-refused"): "was refused importing a signing certificate for {x} (passphrase)",
    ("force_ca", "import"): "imported the force's certificate authority",
    ("pseudonym_key", "create"): "created the pseudonymisation key",
    ("change_log", "anchor-export"): "wrote an anchor of the change log",
}


def person_name(display_name: str, username: str) -> str:
    """ "Sam Okafor (Assurance Officer)" -> "Sam Okafor"; the user name when there is no name."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", display_name or "").strip()
    return name or username


class _Names:
    """Looks records up once per call; a record since removed is named from the entry."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.s = uow.session
        self._cache: dict[tuple[str, str], str | None] = {}
        self.people = {u.username: person_name(u.display_name, u.username) for u in self.s.scalars(select(User))}

    def _get(self, model: type, key: object) -> Any:
        try:
            return self.s.get(model, int(str(key)))
        except (TypeError, ValueError):
            return None

    def finding(self, fid: object) -> str | None:
        f = self._get(Finding, fid)
        if f is None:
            return None
        insp = self.s.get(Inspection, f.inspection_id)
        return f"{f.ref} of {insp.programme or insp.title}" if insp is not None else f.ref

    def audit(self, aid: object) -> str | None:
        a = self._get(Audit, aid)
        if a is None:
            return None
        title = a.title[:1].lower() + a.title[1:] if a.title[:2].istitle() else a.title
        words = f"the {title}" + ("" if title.lower().endswith("audit") else " audit")
        later = self.s.scalar(select(Audit.id).where(Audit.series == a.series, Audit.id != a.id)) if a.series else None
        return words + (f" (round {a.round})" if later is not None or a.round > 1 else "")

    def case(self, cid: object) -> str | None:
        c = self._get(SampledCase, cid)
        if c is None:
            return None
        audit = self.audit(c.audit_id)
        return f"case {c.ref}" + (f" of {audit}" if audit else "")

    def name(self, entity: str, entity_id: str, entry: ChangeLogEntry) -> str:
        key = (entity, entity_id)
        if key not in self._cache:
            self._cache[key] = self._lookup(entity, entity_id)
        found = self._cache[key]
        return found if found else _from_entry(entity, entity_id, entry)

    def _lookup(self, entity: str, entity_id: str) -> str | None:  # noqa: PLR0911 - one case per kind
        if entity in ("finding", "assessment"):
            return self.finding(entity_id)
        if entity == "audit":
            return self.audit(entity_id)
        if entity == "case":
            return self.case(entity_id)
        if entity == "response":
            r = self._get(Response, entity_id)
            return self.case(r.case_id) if r is not None else None
        if entity == "closure_proposal":
            p = self._get(ClosureProposal, entity_id)
            return self.finding(p.finding_id) if p is not None else None
        if entity == "committee_report":  # known by the last day of its period
            try:
                day = date.fromisoformat(entity_id)
                return f"for the period to {day.day} {day:%B %Y}"
            except ValueError:
                return None
        if entity == "tracker":
            return f"“{entity_id}”"
        if entity in ("pack", "bundle"):
            return f"pack v{entity_id}"  # a pack version is known by its number
        if entity in ("user", "certificate"):
            return self.people.get(entity_id, entity_id)
        if entity == "inspection":
            i = self._get(Inspection, entity_id)
            return (i.programme or i.title) if i is not None else None
        if entity == "finding_link":
            li = self._get(FindingLink, entity_id)
            if li is None:
                return None
            return f"{self.finding(li.finding_id)} and {self.finding(li.earlier_id)}"
        simple: dict[str, tuple[type, Callable[[Any], str]]] = {
            "measure": (Measure, lambda m: f"“{m.name}”"),
            "action": (Action, lambda a: f"“{a.title}”"),
            "evidence": (Evidence, lambda e: f"“{e.title}”"),
            "evidence_request": (EvidenceRequest, lambda r: f"“{_short(r.what_needed)}” to {r.owner}"),
            "planned_audit": (PlannedAudit, lambda p: f"“{p.title}”"),
            "template": (AuditTemplate, lambda t: f"“{t.name}”"),
        }
        if entity in simple:
            model, words = simple[entity]
            row = self._get(model, entity_id)
            return words(row) if row is not None else None
        return None


def _short(text: str, limit: int = 60) -> str:
    """The first line of `text`, cut at a word within `limit` characters."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


def _from_entry(entity: str, entity_id: str, entry: ChangeLogEntry) -> str:
    """What the entry itself kept about a record no longer there (e.g. a removed action)."""
    kept = entry.before if isinstance(entry.before, dict) else {}
    kept = kept or (entry.after if isinstance(entry.after, dict) else {})
    for field in ("title", "name", "ref", "case"):
        if isinstance(kept.get(field), str) and kept[field]:
            return f"“{kept[field]}”" if field in ("title", "name") else kept[field]
    return f"{entity.replace('_', ' ')} {entity_id}"


def entry_sentence(names: _Names, e: ChangeLogEntry) -> tuple[str, str]:
    """(who, sentence) for one log entry."""
    who = names.people.get(e.actor, e.actor)
    verb = VERBS.get((e.entity, e.action))
    if verb is None:
        verb = f"{e.action.replace('_', ' ').replace('-', ' ')} {{x}}"
    if e.entity in ("user", "certificate") and e.entity_id == e.actor and " of {x}" in verb:
        verb = verb.replace("the ", "their ", 1).replace(" of {x}", "")  # "changed their passphrase"
    what = verb.format(x=names.name(e.entity, e.entity_id, e)) if "{x}" in verb else verb
    if e.entity == "finding" and e.action.endswith("_status") and isinstance(e.after, dict) and e.after.get("status"):
        what += f" to “{e.after['status']}”"
    if (e.entity, e.action) == ("finding", "update") and isinstance(e.after, dict) and e.after:
        fields = ", ".join(k.replace("_", " ") for k in e.after)
        what += f" ({fields})" if "status" not in e.after else f" (status: {e.after['status']})"
    return who, f"{who} {what}"


def in_words(uow: UnitOfWork, entries: Sequence[ChangeLogEntry]) -> list[ChangeInWords]:
    """Sentences for log entries (newest first, as given); consecutive equal sentences told once."""
    require(uow.actor, "read")
    names = _Names(uow)
    out: list[ChangeInWords] = []
    for e in entries:
        who, sentence = entry_sentence(names, e)
        if out and out[-1].sentence == sentence:
            prev = out[-1]
            out[-1] = ChangeInWords(prev.seq, prev.at, prev.actor, prev.who, sentence, prev.entity, prev.entity_id,
                                    prev.action, prev.entries + 1, e.seq)
            continue
        out.append(ChangeInWords(e.seq, e.at, e.actor, who, sentence, e.entity, e.entity_id, e.action, 1, e.seq))
    return out


def recent_in_words(uow: UnitOfWork, limit: int = 50, scan: int | None = None) -> list[ChangeInWords]:
    """The most recent changes in words: up to `limit` sentences from the newest `scan` entries
    (default 20 × limit, so one case's many answers do not push everything else out)."""
    require(uow.actor, "read")
    rows = list(uow.session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())
                                    .limit(scan or limit * 20)))
    return in_words(uow, rows)[:limit]
