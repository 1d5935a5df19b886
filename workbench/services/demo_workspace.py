"""`workbench demo`: a realistic Norfolk workspace built from the seed reports and synthetic data,
with its PDF pack, Excel pack and a pseudonymised sealed bundle.

Everything is deterministic (fixed seeds), so two runs give the same workspace content and the
same audit results: the attendance audit's first round reproduces the inspection's 49 of 82, the
second round (a year on) 66 of 82 — an improvement the sample confirms.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from workbench.demo.actions import action_plan
from workbench.demo.afis import AFI_OWNERS, afi_key_for
from workbench.demo.documents import write_evidence_documents
from workbench.demo.domestic_abuse import write_da_csv
from workbench.demo.incidents import write_incidents_csv
from workbench.demo.measures import measure_series
from workbench.demo.use_of_force import write_uof_csv
from workbench.errors import WorkspaceError
from workbench.progress import Progress
from workbench.reports.bundle import verify_bundle
from workbench.services import (
    actions,
    assessments,
    bundles,
    committee_report,
    evidence,
    findings,
    measures,
    packs,
    register,
    settings,
    users,
)
from workbench.services.demo_audits import attendance_audits, da_audit, use_of_force_audit
from workbench.services.register_demo import build_register
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location
from workbench.store.workspace import Workspace

ADMIN, OFFICER, REVIEWER = "demo.admin", "sam.okafor", "helen.marsh"
REVIEWER_PASSPHRASE = "demo reviewer passphrase"
OFFICER_PASSPHRASE = "demo officer passphrase"
ADMIN_PASSPHRASE = "demo admin passphrase"
SAMPLES = ("peel-2018-norfolk-effectiveness.txt", "peel-2023-25-norfolk-afis.txt")
STEPS = 14


@dataclass(frozen=True)
class DemoResult:
    workspace: Path
    pdf: Path
    xlsx: Path
    bundle: Path
    bundle_sha256: str
    certificate_sha256: str
    verified: bool


def samples_dir() -> Path:
    """`samples/` beside the package in a source checkout, else the copies shipped in resources."""
    here = Path(__file__).resolve().parents[2] / "samples"
    if (here / SAMPLES[0]).exists():
        return here
    from importlib.resources import files

    return Path(str(files("workbench") / "resources" / "samples"))


def _ids_by_afi(ws: Workspace) -> tuple[dict[str, int], dict[int, findings.FindingInfo]]:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        rows = findings.list_findings(uow)
    keys = {}
    for f in rows:
        key = afi_key_for(f"{f.title} {f.text}")
        if key and f.id is not None:
            keys[key] = f.id
    return keys, {f.id: f for f in rows if f.id is not None}


def build_demo(out_dir: Path, progress: Progress | None = None, today: date | None = None) -> DemoResult:
    out_dir = Path(out_dir).absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    today = today or date.today()
    step = _stepper(progress)
    ws_path = out_dir / "demo-workspace.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ws_path}{suffix}").unlink(missing_ok=True)
    extracts, evidence_dir, pack_dir = out_dir / "extracts", out_dir / "evidence-files", out_dir / "pack"
    for folder in (extracts, evidence_dir, pack_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    shutil.rmtree(out_dir / "committee", ignore_errors=True)

    ws = init_workspace(sqlite_location(ws_path), ADMIN, "Workspace Administrator", ADMIN_PASSPHRASE)
    try:
        with ws.unit_of_work(ADMIN) as uow:  # still a single-user workspace: nobody else to be
            settings.update_force_settings(uow, force_name="Norfolk Constabulary")
            users.add_user(uow, OFFICER, "officer", "Sam Okafor (Assurance Officer)", passphrase=OFFICER_PASSPHRASE)
            users.add_user(uow, REVIEWER, "reviewer", "Supt Helen Marsh", passphrase=REVIEWER_PASSPHRASE)
        step("register the two HMICFRS reports")
        for name in SAMPLES:
            with ws.unit_of_work(OFFICER) as uow:
                findings.import_report(uow, samples_dir() / name)
        keys, by_id = _ids_by_afi(ws)
        with ws.unit_of_work(OFFICER) as uow:
            for key, finding_id in keys.items():
                # allocated to an owner, whose action plan is under way
                findings.update_finding(uow, finding_id, owner=AFI_OWNERS[key], status="in progress")
            for f in by_id.values():
                for link in f.links:
                    if link.state == "suggested" and link.direction == "earlier" and link.id is not None:
                        findings.decide_link(uow, link.id, accept=True)
            for src in register.list_sources(uow):  # the PCC answered each report within its 56 days
                if src.pcc_response_due is not None and src.published is not None:
                    register.record_pcc_response(uow, src.id, src.published + timedelta(days=49),
                                                 "published on the PCC's website")
        step("generate six months of incidents, DA and arrest extracts")
        start1 = date(today.year - 2, 4, 1)
        start2 = date(today.year - 1, 4, 1)
        write_incidents_csv(extracts / "incidents-2024-round1.csv", start1, attendance_rate=0.65, seed=2024)
        write_incidents_csv(extracts / "incidents-2025-round2.csv", start2, attendance_rate=0.85, seed=2025)
        write_da_csv(extracts / "domestic-abuse-occurrences.csv", start2, seed=2025)
        write_uof_csv(extracts / "arrests-use-of-force.csv", start2, seed=2025)
        step("attendance audit, rounds 1 and 2")
        attendance = keys["attendance"]
        baseline = next((fig for fig in by_id[attendance].figures if fig.kind == "proportion"), None)
        baseline_id = _figure_id(ws, attendance) if baseline else None
        attendance_audits(ws, OFFICER, attendance, baseline_id, extracts / "incidents-2024-round1.csv",
                          extracts / "incidents-2025-round2.csv")
        step("DA risk-grading audit")
        da_audit(ws, OFFICER, [keys["da_governance"]], extracts / "domestic-abuse-occurrences.csv")
        step("use-of-force audit")
        use_of_force_audit(ws, OFFICER, keys["use_of_force"], extracts / "arrests-use-of-force.csv")
        step("measures with monthly values")
        _measures(ws, keys, today)
        step("action plan")
        _actions(ws, keys, today)
        step("evidence files")
        for doc in write_evidence_documents(evidence_dir, today):
            with ws.unit_of_work(OFFICER) as uow:
                evidence.add_evidence(uow, doc.path, doc.title, doc.evidence_date, doc.source,
                                      finding_ids=[keys[doc.afi]] if doc.afi in keys else [])
        step("self-assessments, review and sign-off")
        _assessments(ws, keys)
        step("build and submit the pack")
        with ws.unit_of_work(OFFICER) as uow:
            built = packs.build_pack(uow, pack_dir / "draft")
            packs.submit_pack(uow, built.info.number)
        step("reviewer approves and signs the pack")
        approved = packs.approve_pack(lambda write: ws.unit_of_work(REVIEWER, write=write, passphrase=REVIEWER_PASSPHRASE), built.info.number,
                                      REVIEWER_PASSPHRASE, pack_dir,
                                      "Evidence supports the self-assessment; re-audit in six months.")
        step("seal a pseudonymised evidence bundle")
        bundle_path = out_dir / "evidence-bundle-pseudonymised.zip"
        bundle_path.unlink(missing_ok=True)
        with ws.unit_of_work(REVIEWER, passphrase=REVIEWER_PASSPHRASE) as uow:
            summary = bundles.build_evidence_bundle(uow, bundle_path, pseudonymise=True, drop_personal=True,
                                                    seal_passphrase=REVIEWER_PASSPHRASE)
        with ws.unit_of_work(REVIEWER, write=False) as uow:
            from workbench.services import signing_identity

            cert = signing_identity.certificate_info(uow, REVIEWER)
        assert cert is not None  # the reviewer signed the pack above
        report = verify_bundle(bundle_path, [cert.fingerprint])
        step("the register between inspections: a thematic recommendation, CDI, Engage")
        build_register(ws, OFFICER, evidence_dir, today)
        with ws.unit_of_work(OFFICER) as uow:
            committee_report.write_committee_report(uow, out_dir / "committee", today)
        step("done")
        return DemoResult(ws_path, approved.pdf, approved.xlsx, summary.path, summary.sha256, cert.fingerprint,
                          report.ok)
    finally:
        ws.close()


def _stepper(progress: Progress | None) -> Callable[[str], None]:
    done = [0]

    def step(_label: str) -> None:
        done[0] += 1
        if progress is not None:
            progress(min(done[0], STEPS), STEPS)

    return step


def _figure_id(ws: Workspace, finding_id: int) -> int | None:
    from sqlalchemy import select

    from workbench.store.models import KeyFigure

    with ws.unit_of_work(OFFICER, write=False) as uow:
        return uow.session.scalar(select(KeyFigure.id).where(KeyFigure.finding_id == finding_id,
                                                             KeyFigure.kind == "proportion"))


def _measures(ws: Workspace, keys: dict[str, int], today: date) -> None:
    start = date(today.year - 1, today.month, 1)
    with ws.unit_of_work(OFFICER) as uow:
        proposed = measures.list_measures(uow)
        for series in measure_series(start):
            finding_id = keys.get(series.afi)
            match = next((m for m in proposed if m.finding_id == finding_id and m.baseline == series.baseline
                          and m.status == "proposed"), None)
            if match is not None:
                m = measures.update_measure(uow, match.id, status="confirmed", name=series.name, unit=series.unit,
                                            target=series.target, direction=series.direction)
            else:
                m = measures.create_measure(uow, series.name, series.unit, series.baseline, series.target,
                                            series.direction, finding_id, series.baseline_label)
            for period, value in series.points:
                measures.record_point(uow, m.id, period, value)


def _actions(ws: Workspace, keys: dict[str, int], today: date) -> None:
    with ws.unit_of_work(OFFICER) as uow:
        for planned in action_plan(today):
            if planned.afi not in keys:
                continue
            a = actions.add_action(uow, keys[planned.afi], planned.title, planned.owner, planned.due_date)
            if planned.status != "not started" or planned.progress_note:
                actions.update_action(uow, a.id, status=planned.status, progress_note=planned.progress_note)


NARRATIVES = {
    "attendance": (
        "Since the inspection the control room has introduced a daily attendance review chaired by the duty "
        "superintendent, revised the grading and deployment policy and added rural standby patrols in "
        "Breckland and North Norfolk. A repeat of the inspectorate's method (82 randomly drawn emergency and "
        "priority incidents) found 54 of the 59 incidents with an attendance target attended within it "
        "(91.5 %), against the inspection's 49 of 82 (59.8 %); the sample confirms the improvement. "
        "Counting every call-handling criterion as well, 66 of 82 incidents were handled compliantly. "
        "Compliance remains short of the 90 % aim in rural districts.",
        "pending sign-off"),
    "abandonment": (
        "The 101 switchboard has been restructured with call-back and web chat. Abandonment has fallen each "
        "month but remains above the 5 % national aim; the force does not yet claim this AFI is addressed.",
        "in progress"),
}


def _assessments(ws: Workspace, keys: dict[str, int]) -> None:
    for key, (narrative, status) in NARRATIVES.items():
        with ws.unit_of_work(OFFICER) as uow:
            assessments.save_assessment(uow, keys[key], narrative, status)
            assessments.submit_assessment(uow, keys[key])
    helen = ws.sign_in(REVIEWER, REVIEWER_PASSPHRASE)
    with ws.unit_of_work(helen) as uow:
        assessments.approve_assessment(uow, keys["attendance"], REVIEWER_PASSPHRASE,
                                       "Agreed: the re-audit evidences a real improvement.")
    with ws.unit_of_work(helen) as uow:
        assessments.return_assessment(uow, keys["abandonment"],
                                      "Add the monthly call-back volumes and the web-chat take-up.")


def check_demo_target(out_dir: Path) -> None:
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise WorkspaceError(f"{out_dir} is a file, not a folder", "choose a folder for the demo output")


