"""Generate the large benchmark workspace and the 1M-row incident CSV.

    python -m benchmarks.large_workspace OUT.sqlite [--scale small|full]
    python -m benchmarks.large_workspace --csv OUT.csv --rows 1000000

Full scale (issue 12): 40 findings, 60 audit rounds (20 series x 3 rounds) x 400 cases x 15
criteria = 360,000 responses, 2,000 evidence files, 12 measures x 36 points, 200 actions and
50,000 change-log entries. `small` is a tenth of the cases and a fifth of the rest, for the
runner's quick mode.

Rows are inserted in bulk through the store's units of work, never behind its back: each batch is
one unit of work that writes one change-log entry, and the unit of work records the state of
every row written in that entry (store/log_audit.py), so `workbench log verify` passes on the
result. Filler entries (a review noted against a finding, no row changed) bring the log to its size.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from workbench.services import templates
from workbench.services.users import current_os_user
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location
from workbench.store.models import (
    Action,
    Audit,
    AuditTemplate,
    ChangeLogEntry,
    Evidence,
    EvidenceBlob,
    EvidenceLink,
    Finding,
    Inspection,
    Measure,
    MeasurePoint,
    Response,
    SampledCase,
)
from workbench.store.models.audits import audit_findings
from workbench.store.workspace import Workspace

#: the OS login, so that the commands run on the result act as the only (admin) user
ADMIN = current_os_user()
TEMPLATE = "response-attendance"


@dataclass(frozen=True)
class Scale:
    findings: int
    series: int
    rounds: int
    cases: int
    evidence: int
    measures: int
    points: int
    actions: int
    log_entries: int


SCALES = {
    "full": Scale(40, 20, 3, 400, 2000, 12, 36, 200, 50_000),
    "small": Scale(16, 4, 3, 40, 400, 4, 36, 40, 5_000),
}



def build(path: Path, scale: Scale, progress=print) -> Workspace:
    rng = random.Random(12)
    ws = init_workspace(sqlite_location(path), ADMIN, "Bench Admin")
    t0 = time.perf_counter()
    with ws.unit_of_work(ADMIN) as uow:
        templates.sync_builtins(uow)
        tpl_row = uow.session.scalar(select(AuditTemplate).where(AuditTemplate.key == TEMPLATE)
                                     .order_by(AuditTemplate.version.desc()).limit(1))
        assert tpl_row is not None  # a new workspace stores the built-in templates
        template = templates.get_template(uow, tpl_row.id)
        inspection = Inspection(programme="PEEL 2023-25", title="PEEL 2023-25: an inspection of Benchshire Police",
                                force_name="Benchshire Police", year=2024, published=date(2024, 9, 1))
        uow.session.add(inspection)
        uow.session.flush()
        found = []
        for n in range(scale.findings):
            kind = "afi" if n % 5 else "cause_of_concern"
            found.append(Finding(inspection_id=inspection.id, kind=kind, ref=f"AFI {n + 1}" if kind == "afi" else
                                 f"CoC {n // 5 + 1}", title=f"The force should improve area {n + 1}",
                                 text=f"The force should improve how it handles area {n + 1}. " * 3, position=n,
                                 area="Responding to the public", owner=f"DI Owner {n % 7}"))
        uow.session.add_all(found)
        uow.session.flush()
        finding_ids = [f.id for f in found]
        uow.log("inspection", inspection.id, "import", None, {"findings": len(found), "generated": True})
    progress(f"  register: {len(finding_ids)} findings ({time.perf_counter() - t0:.1f} s)")

    criteria = [c.key for c in template.criteria]
    screening = {c.key for c in template.criteria if c.screening}
    t0 = time.perf_counter()
    responses = 0
    for s in range(scale.series):
        series = f"bench-series-{s + 1}"
        for r in range(scale.rounds):
            with ws.unit_of_work(ADMIN) as uow:
                audit = Audit(title=f"Attendance audit {s + 1}", template_id=tpl_row.id, round=r + 1, series=series,
                              status="fieldwork", seed=1000 * s + r, population_size=scale.cases * 25,
                              plan={"method": "simple", "drawn_size": scale.cases}, target=0.75,
                              population_name="incidents.csv", created_by=ADMIN)
                uow.session.add(audit)
                uow.session.flush()
                uow.session.execute(insert(audit_findings), [{"audit_id": audit.id,
                                                              "finding_id": finding_ids[s % len(finding_ids)]}])
                cases = [SampledCase(audit_id=audit.id, ref=f"INC-{s:02d}{r}-{n:06d}", order=n,
                                     stratum=f"district {n % 4}",
                                     fields={"call": f"2024-03-{1 + n % 28:02d} 10:{n % 60:02d}", "grade": "E"})
                         for n in range(scale.cases)]
                uow.session.add_all(cases)
                uow.session.flush()
                good = 0.55 + 0.1 * r
                rows = []
                for c in cases:
                    ok = rng.random() < good
                    for k in criteria:
                        value = "yes" if k in screening or ok or rng.random() < 0.7 else "no"
                        rows.append(Response(case_id=c.id, criterion_key=k, value=value, answered_by=ADMIN,
                                             comment="" if value == "yes" else "not on the log"))
                uow.session.add_all(rows)
                responses += len(rows)
                uow.log("audit", audit.id, "fieldwork_import", None, {"cases": len(cases), "generated": True})
        progress(f"  audits: series {s + 1}/{scale.series}, {responses:,} responses "
                 f"({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    today = date.today()
    with ws.unit_of_work(ADMIN) as uow:
        for n in range(scale.actions):
            uow.session.add(Action(finding_id=finding_ids[n % len(finding_ids)], title=f"Action {n + 1}",
                                   owner=f"Insp {n % 9}", due_date=today + timedelta(days=n % 120 - 30),
                                   status=("done", "in progress", "not started")[n % 3]))
        for m in range(scale.measures):
            measure = Measure(finding_id=finding_ids[m % len(finding_ids)], name=f"Measure {m + 1}", unit="percent",
                              baseline=50.0, target=75.0, status="confirmed")
            uow.session.add(measure)
            uow.session.flush()
            uow.session.add_all(MeasurePoint(measure_id=measure.id, period=date(2022, 1, 1) + timedelta(days=31 * p),
                                             value=50 + p * 0.5 + rng.random()) for p in range(scale.points))
        uow.log("action", 0, "add", None, {"actions": scale.actions, "measures": scale.measures, "generated": True})
    batch = 200
    for first in range(0, scale.evidence, batch):
        with ws.unit_of_work(ADMIN) as uow:
            for n in range(first, min(first + batch, scale.evidence)):
                data = f"Evidence file {n}: minutes of the daily management meeting.\n".encode() * 20
                sha = hashlib.sha256(data).hexdigest()
                uow.session.add(EvidenceBlob(sha256=sha, size=len(data), data=data))
                uow.session.flush()  # the blob before the row that names it
                ev = Evidence(sha256=sha, title=f"Minutes {n}", filename=f"minutes-{n}.txt", media_type="text/plain",
                              size=len(data), evidence_date=today - timedelta(days=n % 400), uploaded_by=ADMIN)
                uow.session.add(ev)
                uow.session.flush()
                uow.session.add(EvidenceLink(evidence_id=ev.id, finding_id=finding_ids[n % len(finding_ids)]))
            uow.log("evidence", first, "add", None, {"files": min(batch, scale.evidence - first), "generated": True})
    progress(f"  actions, measures, evidence ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    with ws.unit_of_work(ADMIN, write=False) as uow:
        have = uow.session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
    per_uow = 1000
    while have < scale.log_entries:
        with ws.unit_of_work(ADMIN) as uow:  # filler: reviews noted in the log, no row changed
            for _ in range(min(per_uow, scale.log_entries - have)):
                fid = finding_ids[have % len(finding_ids)]
                uow.log("finding", fid, "review-noted", None, {"meeting": have})
                have += 1
        if have % 10_000 < per_uow:
            progress(f"  change log: {have:,} entries ({time.perf_counter() - t0:.1f} s)")
    return ws


def write_incidents_csv(path: Path, rows: int, seed: int = 3) -> Path:
    """An incident extract as the attendance template reads it (call, arrival, grade, district)."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Incident No", "Call Time", "Arrival Time", "Grade", "District", "Occurrence Type"])
        for n in range(rows):
            day = start + timedelta(days=n % 365)
            minute = rng.randrange(0, 1440)
            arrive = minute + rng.randrange(3, 90)
            w.writerow([f"INC-{n:08d}", f"{day} {minute // 60:02d}:{minute % 60:02d}",
                        f"{day + timedelta(days=arrive // 1440)} {(arrive % 1440) // 60:02d}:{arrive % 60:02d}",
                        "E" if n % 3 else "P", f"District {n % 5 + 1}", "Concern for safety"])
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, nargs="?")
    p.add_argument("--scale", choices=sorted(SCALES), default="small")
    p.add_argument("--csv", type=Path, help="write the incident CSV instead")
    p.add_argument("--rows", type=int, default=1_000_000)
    a = p.parse_args(argv)
    if a.csv:
        write_incidents_csv(a.csv, a.rows)
        print(f"{a.csv}: {a.rows:,} rows")
        return 0
    if a.out is None or a.out.exists():
        p.error("give a new workspace file")
    build(a.out, SCALES[a.scale]).close()
    print(f"{a.out}: {a.scale} scale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
