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
