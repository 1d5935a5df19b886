"""Approving a pack, whole: read, then render and sign with no write lock, then one short write.

1. A read-only unit of work checks the pack (submitted, four-eyes, snapshot intact), the
   reviewer's sign-off passphrase, unlocks their signing key and reads everything else needed.
2. With no transaction open: the release copy is redacted, both workbooks and both PDFs are
   rendered, the four bundle manifests are made, both PDFs are signed (PAdES, visible signature on
   the sign-off page) and the manifests are signed (detached CMS). Progress is reported after each
   step, so Cancel (a progress callback that raises) stops it between any two.
3. One short write stores the files by hash, the state change, the sign-off and the log entry; it
   re-checks that nobody changed the pack meanwhile.
4. Only after that commit are the user's copies written, from the stored files.

A failure before the commit leaves the pack "submitted" and no signed file anywhere.

Before a reviewer signs, ``approval_warnings`` says what they should know: the register has changed
since the version was built (and in which findings), or the audits it reports still have cases
not complete. The window shows these and asks the reviewer to confirm; they do not block signing
(the reviewer may sign a point-in-time pack on purpose), and the facts come from here, not the GUI.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from workbench import __version__
from workbench.errors import ConflictError, InputError
from workbench.progress import Progress
from workbench.reports.bundle_manifest import ApprovalFacts, EvidenceFile, approval_manifests, pdf_info
from workbench.reports.excel_pack import write_excel_pack
from workbench.reports.html_pack import render_html_pack
from workbench.reports.pack_codec import content_sha256, pack_from_json, to_plain
from workbench.reports.pack_data import PackData, SignOffInfo
from workbench.reports.pack_redaction import redact_pack
from workbench.reports.pdf_pack import SignatureSlot, write_pdf_pack
from workbench.reports.pseudonymise import new_pseudonym_key, pseudonymise_ref
from workbench.reports.signing import Appearance, sign_pdf_bytes
from workbench.reports.signing_cms import sign_detached
from workbench.services import signing_identity, users
from workbench.services.access import require
from workbench.services.evidence import store_blob, write_file_atomically
from workbench.services.packs import (
    DEFAULT_MIN_CELL,
    PackFiles,
    _assessments_in_pack,
    _info,
    check_reviewable,
    check_snapshot,
    find_version,
    stored_bytes,
)
from workbench.services.settings import get_force_settings, get_value
from workbench.store import changelog
from workbench.store.models import (
    Audit,
    Evidence,
    EvidenceBlob,
    EvidenceLink,
    PackVersion,
    PseudonymKey,
    SignOff,
    User,
    utcnow,
)
from workbench.store.uow import UnitOfWork

UowFactory = Callable[[bool], AbstractContextManager[UnitOfWork]]
REVIEWER_ROLE = "Reviewer (approver)"
STEPS = 11


@dataclass(frozen=True)
class _Plan:
    number: int
    pv_version: int
    snapshot: PackData
    built_by: str
    built_by_name: str
    reviewer: str
    reviewer_name: str
    force_name: str
    marking: str
    min_cell: int
    pseudonym_key: bytes
    new_pseudonym_key: bool
    anchor: changelog.ChainHead
    case_linked: frozenset[str]
    sizes: dict[str, int]
    unlocked: signing_identity.Unlocked


@dataclass(frozen=True)
class _Signed:
    approved_at: datetime
    comment: str
    pdf: bytes
    xlsx: bytes
    release_pdf: bytes
    release_xlsx: bytes
    html: bytes
    release_html: bytes
    manifests: dict[str, bytes]
    signatures: dict[str, bytes]


class _Steps:
    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.done = progress, 0

    def tick(self) -> None:
        self.done += 1
        self.check()

    def check(self, *_: object) -> None:
        """Report the current step again (inside a long render): a Cancel raises here."""
        if self.progress is not None:
            self.progress(min(self.done, STEPS), STEPS)


@dataclass(frozen=True)
class IncompleteAudit:
    audit_id: int
    title: str
    round: int
    incomplete: int
    in_use: int


@dataclass(frozen=True)
class ApprovalWarnings:
    """What a reviewer should know before signing pack version ``number`` (plain data)."""

    number: int
    changed_since_build: bool
    changed_findings: tuple[str, ...] = ()  # references whose section reads differently now
    new_findings: tuple[str, ...] = ()  # in the register now, not in the pack
    incomplete_audits: tuple[IncompleteAudit, ...] = ()
    expired_evidence: tuple[str, ...] = ()  # "title (finding refs, expired on ...)" of evidence in its scope

    @property
    def any(self) -> bool:
        return self.changed_since_build or bool(self.incomplete_audits) or bool(self.expired_evidence)

    def messages(self) -> tuple[str, ...]:
        out = []
        if self.changed_since_build:
            what = []
            if self.changed_findings:
                what.append("changed since: " + ", ".join(self.changed_findings[:8])
                            + (f" and {len(self.changed_findings) - 8} more" if len(self.changed_findings) > 8 else ""))
            if self.new_findings:
                what.append("not in it: " + ", ".join(self.new_findings[:8])
                            + (f" and {len(self.new_findings) - 8} more" if len(self.new_findings) > 8 else ""))
            out.append(f"The register has changed since pack version {self.number} was built"
                       + (f" ({'; '.join(what)})" if what else "")
                       + ". Signing it signs what it said when it was built; build a new version to sign "
                       "what the register says now.")
        for a in self.incomplete_audits:
            out.append(f"{a.title} (round {a.round}) has {a.incomplete} of {a.in_use} cases not complete: "
                       "its results in the pack rest on the completed cases only.")
        if self.expired_evidence:
            out.append("Evidence the pack cites has expired: " + "; ".join(self.expired_evidence[:8])
                       + (f" and {len(self.expired_evidence) - 8} more" if len(self.expired_evidence) > 8 else "")
                       + ". It no longer shows the finding is met: renew it, or say why it still stands.")
        return tuple(out)


def approval_warnings(uow: UnitOfWork, number: int) -> ApprovalWarnings:
    """Whether pack version ``number`` has changed since it was built, and which audits it reports
    still have incomplete cases (the latest drawn round of each series mapped to its findings)."""
    require(uow.actor, "read")
    from workbench.services.audit_pack import _audits_for
    from workbench.services.pack_snapshot import collect_pack_data
    from workbench.services.scoring import score_audit

    pv = find_version(uow, number)
    current = collect_pack_data(uow, None, pv.number, "draft", __version__)
    changed = content_sha256(current) != pv.content_sha256
    changed_refs: list[str] = []
    new_refs: list[str] = []
    if changed:
        then = {f.ref: to_plain(f) for f in pack_from_json(pv.snapshot).findings}
        now = {f.ref: to_plain(f) for f in current.findings}
        changed_refs = [ref for ref in then if ref in now and now[ref] != then[ref]]
        changed_refs += [f"{ref} (no longer in the register)" for ref in then if ref not in now]
        new_refs = [ref for ref in now if ref not in then]
    finding_ids = [fid for fid, _ in _assessments_in_pack(uow, set(pv.scope or []))]
    latest: dict[str, Audit] = {}
    for audit in _audits_for(uow, finding_ids):
        if audit.seed is not None and (audit.series not in latest or audit.round > latest[audit.series].round):
            latest[audit.series] = audit
    incomplete = []
    for audit in sorted(latest.values(), key=lambda a: a.id):
        score = score_audit(uow, audit.id)
        if score.incomplete:
            incomplete.append(IncompleteAudit(audit.id, audit.title, audit.round, score.incomplete, score.cases_in_use))
    from workbench.services.evidence import expired_for_findings

    expired = tuple(f"{e.title} ({', '.join(e.finding_refs) or 'an action'}, expired {e.expires_on:%d %b %Y})"
                    for e in expired_for_findings(uow, finding_ids, date.today()))
    return ApprovalWarnings(pv.number, changed, tuple(changed_refs), tuple(new_refs), tuple(incomplete), expired)


def approve_pack(open_uow: UowFactory, number: int, passphrase: str, out_dir: Path, comment: str = "",
                 location: str = "", progress: Progress | None = None) -> PackFiles:
    """Approve and sign pack version ``number`` as the acting reviewer (see the module text).

    ``open_uow(write)`` opens a unit of work for the acting user (read-only when ``write`` is
    False). ``progress(done, total)`` is called after every step and may raise to cancel.
    """
    steps = _Steps(progress)
    steps.tick()
    plan = _read(open_uow, number, passphrase)
    steps.tick()
    signed = _sign(plan, comment, location, steps)
    _commit(open_uow, plan, signed, Path(out_dir))
    steps.tick()
    return _write_copies(open_uow, number, Path(out_dir))


# -- 1. read ----------------------------------------------------------------------------------------
def _read(open_uow: UowFactory, number: int, passphrase: str) -> _Plan:
    with open_uow(False) as uow:
        require(uow.actor, "assessment.review")
        pv = find_version(uow, number)
        check_reviewable(uow, pv)  # the checks `pack_decisions` reports: one source
        check_snapshot(pv)
        passphrase_ok = users.check_passphrase(uow, uow.username, passphrase)
        if passphrase_ok:
            check_log_intact(uow, f"pack version {number}")
        if passphrase_ok:
            plan = _plan(uow, pv, passphrase)
    if not passphrase_ok:  # log the refusal (committed) and raise
        with open_uow(True) as uow:
            signing_identity.confirm_passphrase(uow, passphrase, "pack", number, "approve")
        raise AssertionError("unreachable: the passphrase was refused")  # pragma: no cover
    return plan


def check_log_intact(uow: UnitOfWork, what: str) -> None:
    """A signature vouches for the workspace as the log records it: refused when the log's chain
    or the data it vouches for does not check out (the whole `log verify`, not the window's
    incremental check: a row edited outside the application is found only by comparing every row)."""
    from workbench.services.log_check import verify_log

    report = verify_log(uow)
    if report.ok:
        return
    first = report.problem or (report.data_problems[0].message if report.data_problems else "")
    count = report.data_problem_count
    raise InputError(
        f"{what} cannot be signed: the change log does not check out ({first}"
        + (f"; {count - 1} more" if count > 1 else "") + "); nothing was signed",
        "run workbench log verify to see every problem, then restore the workspace from a backup made "
        "before the change, or ask your admin; a signature must not vouch for data changed outside the application")


def _name(uow: UnitOfWork, username: str) -> str:
    return uow.session.scalar(select(User.display_name).where(User.username == username)) or username


def _plan(uow: UnitOfWork, pv: PackVersion, passphrase: str) -> _Plan:
    unlocked = signing_identity.unlock_signer(uow, uow.username, passphrase)
    key_row = uow.session.scalar(select(PseudonymKey).order_by(PseudonymKey.id).limit(1))
    snapshot = pack_from_json(pv.snapshot)
    shas = {ev.sha256 for f in snapshot.findings for ev in f.evidence}
    sizes = dict(uow.session.execute(select(EvidenceBlob.sha256, EvidenceBlob.size)
                                     .where(EvidenceBlob.sha256.in_(shas))).all()) if shas else {}
    missing = sorted(shas - set(sizes))
    if missing:
        raise InputError(f"evidence file {missing[0][:12]}… listed in pack version {pv.number} is not stored in "
                         "the workspace", "restore the workspace from a backup")
    case_linked = frozenset(uow.session.scalars(
        select(Evidence.sha256).join(EvidenceLink, EvidenceLink.evidence_id == Evidence.id)
        .where(EvidenceLink.case_id.is_not(None))))
    settings = get_force_settings(uow)
    return _Plan(
        number=pv.number, pv_version=pv.version, snapshot=snapshot, built_by=pv.built_by,
        built_by_name=_name(uow, pv.built_by), reviewer=uow.username, reviewer_name=_name(uow, uow.username),
        force_name=settings.force_name or snapshot.force, marking=settings.marking or snapshot.marking,
        min_cell=int(get_value(uow, "release_min_cell", DEFAULT_MIN_CELL)),
        pseudonym_key=key_row.key if key_row else new_pseudonym_key(), new_pseudonym_key=key_row is None,
        anchor=changelog.head(uow.session), case_linked=case_linked, sizes=sizes, unlocked=unlocked,
    )


# -- 2. render and sign, no transaction open ---------------------------------------------------------
def _evidence(data: PackData, plan: _Plan) -> tuple[EvidenceFile, ...]:
    return tuple(EvidenceFile(f.ref, ev.filename, ev.title, ev.sha256, plan.sizes[ev.sha256],
                              ev.sha256 in plan.case_linked)
                 for f in data.findings for ev in f.evidence)


def _render_xlsx(data: PackData, tmp: Path, name: str) -> bytes:
    return write_excel_pack(data, tmp / name).read_bytes()


def _render_pdf(data: PackData, tmp: Path, name: str, steps: _Steps) -> tuple[bytes, SignatureSlot]:
    slot = SignatureSlot()
    pdf = write_pdf_pack(data, tmp / name, progress=steps.check, signature_slot=slot).read_bytes()
    return pdf, slot


def _sign(plan: _Plan, comment: str, location: str, steps: _Steps) -> _Signed:
    now = utcnow()
    key = plan.unlocked.material
    fingerprint = plan.unlocked.fingerprint
    anchor_text = f"entry {plan.anchor.seq}, hash {plan.anchor.hash}"
    preparer = f"{plan.built_by_name} ({plan.built_by})"
    reviewer = f"{plan.reviewer_name} ({plan.reviewer})"
    signoff = SignOffInfo(preparer, reviewer, "approved", now, comment, REVIEWER_ROLE, fingerprint, anchor_text)
    approved = replace(plan.snapshot, status="approved", signoff=signoff)
    release = redact_pack(approved, lambda ref: pseudonymise_ref(ref, plan.pseudonym_key), plan.min_cell)
    steps.tick()
    stem = f"self-assessment-pack-v{plan.number}"
    with tempfile.TemporaryDirectory(prefix="workbench-approval-") as tmp_name:
        tmp = Path(tmp_name)
        xlsx = _render_xlsx(approved, tmp, f"{stem}.xlsx")
        steps.tick()
        release_xlsx = _render_xlsx(release, tmp, f"{stem}-release.xlsx")
        steps.tick()
        assert release.signoff is not None
        html = render_html_pack(approved).encode("utf-8")
        release_html = render_html_pack(replace(release, signoff=replace(
            release.signoff, certificate_sha256=fingerprint, log_anchor=anchor_text))).encode("utf-8")
        facts = ApprovalFacts(
            force=plan.force_name, marking=plan.marking, pack_version=plan.number, built_by=plan.built_by,
            built_by_name=plan.built_by_name, built_at=plan.snapshot.built_at, approved_by=plan.reviewer,
            approved_by_name=plan.reviewer_name, approved_at=now, comment=comment, tool_version=__version__,
            signer=plan.reviewer_name, certificate_sha256=fingerprint, anchor_seq=plan.anchor.seq,
            anchor_hash=plan.anchor.hash, min_cell=plan.min_cell,
            workbook_sha256=hashlib.sha256(xlsx).hexdigest(), workbook_size=len(xlsx),
            release_workbook_sha256=hashlib.sha256(release_xlsx).hexdigest(), release_workbook_size=len(release_xlsx),
            evidence=_evidence(approved, plan), release_evidence=_evidence(release, plan),
            release_comment=release.signoff.comment if release.signoff is not None else "",
            html_sha256=hashlib.sha256(html).hexdigest(), html_size=len(html),
            release_html_sha256=hashlib.sha256(release_html).hexdigest(), release_html_size=len(release_html),
        )
        manifests = approval_manifests(facts)
        shas = {v: hashlib.sha256(m).hexdigest() for v, m in manifests.items()}
        full_so = replace(signoff, manifest_sha256=(shas["full"], shas["full-without-personal"]))
        assert release.signoff is not None
        rel_so = replace(release.signoff, certificate_sha256=fingerprint, log_anchor=anchor_text,
                         manifest_sha256=(shas["release"], shas["release-without-personal"]))
        pdfs = []
        for is_release, data, so in ((False, approved, full_so), (True, release, rel_so)):
            raw, slot = _render_pdf(replace(data, signoff=so), tmp, f"{stem}{'-release' if is_release else ''}.pdf",
                                   steps)
            steps.tick()
            reason = f"Approved self-assessment pack version {plan.number}" + (" (release copy)" if is_release else "")
            pdfs.append(sign_pdf_bytes(raw, key, reason, location or plan.force_name, plan.reviewer_name,
                                       info=pdf_info(facts, is_release, manifests),
                                       appearance=Appearance(slot.page, slot.box, REVIEWER_ROLE)))
            steps.tick()
    signer = key.signer()
    signatures = {}
    for variant, manifest in manifests.items():
        signatures[variant] = sign_detached(manifest, signer)
    steps.tick()
    return _Signed(now, comment, pdfs[0], xlsx, pdfs[1], release_xlsx, html, release_html, manifests, signatures)


# -- 3. one short write --------------------------------------------------------------------------------
def _commit(open_uow: UowFactory, plan: _Plan, signed: _Signed, out_dir: Path) -> None:
    with open_uow(True) as uow:
        require(uow.actor, "assessment.review")
        pv = find_version(uow, plan.number)
        if pv.state != "submitted" or pv.version != plan.pv_version:
            raise ConflictError(f"pack version {plan.number} changed while it was being signed (now {pv.state}); "
                                "nothing was saved", "look at the pack again and approve it if it is still submitted")
        check_snapshot(pv)
        signing_identity.save_unlocked(uow, plan.unlocked)
        if plan.new_pseudonym_key:
            if uow.session.scalar(select(PseudonymKey.id).limit(1)) is not None:
                raise ConflictError("the pseudonymisation key was created while the pack was being signed; "
                                    "nothing was saved", "approve the pack again")
            row = PseudonymKey(key=plan.pseudonym_key)
            uow.session.add(row)
            uow.session.flush()
            uow.log("pseudonym_key", row.id, "create", None, {"created": True})

        def keep(data: bytes) -> str:
            sha = hashlib.sha256(data).hexdigest()
            store_blob(uow, data, sha)
            return sha

        pv.signed_pdf_sha256, pv.xlsx_sha256 = keep(signed.pdf), keep(signed.xlsx)
        pv.release_pdf_sha256, pv.release_xlsx_sha256 = keep(signed.release_pdf), keep(signed.release_xlsx)
        keep(signed.html), keep(signed.release_html)  # listed (by SHA-256) in the signed manifests
        pv.signed_manifests = {v: {"manifest": keep(m), "signature": keep(signed.signatures[v])}
                               for v, m in signed.manifests.items()}
        pv.release_min_cell, pv.state = plan.min_cell, "approved"
        pv.approved_by, pv.approved_at = plan.reviewer, signed.approved_at
        for older in uow.session.scalars(select(PackVersion).where(PackVersion.state == "approved",
                                                                   PackVersion.number != plan.number)):
            older.state, older.superseded_by = "superseded", plan.number
            uow.log("pack", older.number, "supersede", {"state": "approved"},
                    {"state": "superseded", "by": plan.number})
        uow.session.add(SignOff(pack_version_id=pv.id, reviewer=plan.reviewer, decision="approved",
                                comment=signed.comment, at=signed.approved_at))
        uow.session.flush()
        uow.log("pack", plan.number, "approve", {"state": "submitted"}, {
            "state": "approved", "signed_pdf_sha256": pv.signed_pdf_sha256,
            "release_pdf_sha256": pv.release_pdf_sha256, "comment": signed.comment,
            "certificate_sha256": plan.unlocked.fingerprint, "log_anchor": [plan.anchor.seq, plan.anchor.hash],
            "manifests": {v: x["manifest"] for v, x in pv.signed_manifests.items()}, "copies_to": str(out_dir)})


# -- 4. the user's copies, from the stored files ----------------------------------------------------------
def _write_copies(open_uow: UowFactory, number: int, out_dir: Path) -> PackFiles:
    with open_uow(False) as uow:
        pv = find_version(uow, number)
        stem = f"self-assessment-pack-v{number}"
        out_dir.mkdir(parents=True, exist_ok=True)

        def copy(sha: str | None, name: str, what: str) -> Path:
            return write_file_atomically(out_dir / name, stored_bytes(uow, sha, what))

        html = {variant: _html_sha(uow, pv, variant) for variant in ("full", "release")}
        return PackFiles(
            _info(uow, pv),
            copy(pv.signed_pdf_sha256, f"{stem}-signed.pdf", "signed pack PDF"),
            copy(pv.xlsx_sha256, f"{stem}.xlsx", "pack workbook"),
            copy(pv.release_pdf_sha256, f"{stem}-release-signed.pdf", "signed release copy"),
            copy(pv.release_xlsx_sha256, f"{stem}-release.xlsx", "release workbook"),
            copy(html["full"], f"{stem}.html", "HTML pack") if html["full"] else None,
            copy(html["release"], f"{stem}-release.html", "HTML release copy") if html["release"] else None,
        )


def _html_sha(uow: UnitOfWork, pv: PackVersion, variant: str) -> str | None:
    """The SHA-256 of the HTML pack the signed manifest of ``variant`` lists (None before HTML packs)."""
    stored = (pv.signed_manifests or {}).get(variant)
    if not stored:
        return None
    manifest = json.loads(stored_bytes(uow, stored["manifest"], "signed bundle manifest"))
    return next((e["sha256"] for e in manifest["files"] if e["role"] in ("html-pack", "release-html")), None)
