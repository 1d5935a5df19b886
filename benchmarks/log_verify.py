"""Benchmark `log verify` (chain, anchors and data check) on a large generated workspace.

    python benchmarks/log_verify.py [--cases 10000] [--criteria 10] [--keep PATH]

Builds an SQLite workspace with one audit of CASES sampled cases and CRITERIA responses each
(100,000 responses by default), written through units of work in batches so that the change log
records every row's state as the application does. Prints the time to write them (with the row
states recorded), the size of the log, and the time of `log verify` with and without the data
check, in rows per second. No assertion: figures only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from workbench.services import log_check, templates  # noqa: E402
from workbench.services.workspace import init_workspace  # noqa: E402
from workbench.store.location import sqlite_location  # noqa: E402
from workbench.store.models import Audit, AuditTemplate, ChangeLogEntry, Response, SampledCase  # noqa: E402

ADMIN = "bench.admin"
BATCH = 500  # cases per unit of work


def build(path: Path, cases: int, criteria: int) -> tuple[float, int]:
    ws = init_workspace(sqlite_location(path), ADMIN, "Bench Admin")
    try:
        with ws.unit_of_work(ADMIN) as uow:
            templates.sync_builtins(uow)
            template_id = uow.session.scalar(select(AuditTemplate.id).order_by(AuditTemplate.id))
            audit = Audit(title="Benchmark audit", template_id=template_id, status="fieldwork", plan={},
                          created_by=ADMIN)
            uow.session.add(audit)
            uow.session.flush()
            audit_id = audit.id
            uow.log("audit", audit_id, "create", None, {"title": audit.title})
        start = time.perf_counter()
        for first in range(0, cases, BATCH):
            with ws.unit_of_work(ADMIN) as uow:
                rows = []
                for n in range(first, min(first + BATCH, cases)):
                    case = SampledCase(audit_id=audit_id, ref=f"INC-{n:07d}", order=n, stratum=f"district {n % 7}",
                                       fields={"call": f"2024-03-{1 + n % 28:02d} 10:{n % 60:02d}", "grade": "E"})
                    rows.append(case)
                uow.session.add_all(rows)
                uow.session.flush()
                uow.session.add_all(
                    Response(case_id=c.id, criterion_key=f"c{k}", value="yes" if (c.order + k) % 3 else "no",
                             answered_by=ADMIN) for c in rows for k in range(criteria))
                uow.log("audit", audit_id, "fieldwork_import", None, {"cases": len(rows)})
        written = time.perf_counter() - start
        with ws.unit_of_work(ADMIN, write=False) as uow:
            size = uow.session.scalar(select(func.sum(func.length(ChangeLogEntry.states)))) or 0
        return written, size
    finally:
        ws.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--criteria", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wb-logbench-"))
    path = args.keep or folder / "bench.sqlite"
    written, size = build(path, args.cases, args.criteria)
    rows = args.cases * (1 + args.criteria)
    print(f"wrote {rows:,} rows in {written:.1f} s with row states recorded ({rows / written:,.0f} rows/s); "
          f"row states in the log: {size / 1e6:.1f} MB")
    from workbench.store.workspace import Workspace

    ws = Workspace.open(sqlite_location(path))
    try:
        for data in (False, True):
            start = time.perf_counter()
            with ws.unit_of_work(ADMIN, write=False) as uow:
                report = log_check.verify_log(uow, check_data=data)
            took = time.perf_counter() - start
            what = "chain + data" if data else "chain only  "
            rate = f" ({report.rows_checked / took:,.0f} rows/s)" if data else ""
            print(f"log verify, {what}: {took:.2f} s, {report.entries:,} entries, {report.rows_checked:,} rows "
                  f"checked{rate}, ok={report.ok}")
    finally:
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
