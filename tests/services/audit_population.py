"""Generated incident and DA populations for the audit tests (UK dates, grades, areas, districts)."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HEADERS = ["Incident Number", "Call Date Time", "Dispatched", "Arrived", "Opening Grade", "Closing Grade",
           "Urban/Rural", "District"]
DISTRICTS = ("Breckland", "Broadland", "Norwich")


def incident_rows(count: int = 3000, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    start = datetime(2024, 10, 1)
    rows = []
    for i in range(count):
        call = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        dispatch = call + timedelta(minutes=rng.randrange(0, 8))
        arrive = dispatch + timedelta(minutes=rng.randrange(3, 70))
        grade = rng.choice(("Emergency", "Priority"))
        rows.append([
            f"INC-{i + 1:06d}", call.strftime("%d/%m/%Y %H:%M"), dispatch.strftime("%d/%m/%Y %H:%M"),
            arrive.strftime("%d/%m/%Y %H:%M"), grade, grade, rng.choice(("Urban", "Rural")),
            DISTRICTS[i % 3] if i % 10 else DISTRICTS[0],
        ])
    return rows


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def incidents_csv(path: Path, count: int = 3000, seed: int = 7, shuffle: int | None = None) -> Path:
    rows = incident_rows(count, seed)
    if shuffle is not None:
        random.Random(shuffle).shuffle(rows)
    return write_csv(path, rows)


def quick_rows(count: int, seed: int = 11) -> list[list[str]]:
    """Incidents all attended within 10 minutes of the call (so attendance is always met)."""
    rows = incident_rows(count, seed)
    for row in rows:
        call = datetime.strptime(row[1], "%d/%m/%Y %H:%M")
        row[2] = (call + timedelta(minutes=1)).strftime("%d/%m/%Y %H:%M")
        row[3] = (call + timedelta(minutes=9)).strftime("%d/%m/%Y %H:%M")
    return rows


SAMPLES = Path(__file__).resolve().parents[2] / "samples"
R2023 = SAMPLES / "peel-2023-25-norfolk-afis.txt"


def attendance_finding(ws, user: str):
    """Import the 2023-25 seed report; (attendance finding id, its 49-of-82 figure id)."""
    from sqlalchemy import select

    from workbench.services import findings
    from workbench.store.models import KeyFigure

    with ws.unit_of_work(user) as uow:
        result = findings.import_report(uow, R2023)
        finding = next(f for f in result.added if "attend calls" in f.title)
        fig = uow.session.scalar(select(KeyFigure).where(KeyFigure.finding_id == finding.id,
                                                         KeyFigure.numerator == 49, KeyFigure.denominator == 82))
        return finding.id, fig.id


def drawn_attendance_audit(ws, user: str, path: Path, *, size: int = 82, seed: int = 5, **plan) -> int:
    """Plan an attendance audit with a fixed size, draw it from ``path`` and evaluate computed criteria."""
    from workbench.services import audits, fieldwork, population

    with ws.unit_of_work(user) as uow:
        audit = audits.create_audit(uow, "response-attendance", plan.pop("title", "Attendance audit"),
                                    size=size, **plan)
        population.draw_sample(uow, audit.id, path, seed=seed)
        fieldwork.evaluate_computed(uow, audit.id)
    return audit.id


def answer_cases(ws, user: str, audit_id: int, compliant: int) -> None:
    """Answer the hand-answered critical criteria: the first ``compliant`` cases in use pass,
    the rest fail THRIVE+ (attendance is computed and met for quick_rows populations)."""
    from workbench.services import fieldwork

    with ws.unit_of_work(user) as uow:
        cases = [c for c in fieldwork.list_cases(uow, audit_id) if c.state in ("active", "replacement")]
        for i, case in enumerate(cases):
            ok = i < compliant
            fieldwork.record_response(uow, case.id, "thrive_recorded", "yes" if ok else "no",
                                      comment="" if ok else "no THRIVE+ entry on the log")
            fieldwork.record_response(uow, case.id, "initial_grade_correct", "yes")
            fieldwork.record_response(uow, case.id, "vulnerability_checks", "Yes")
