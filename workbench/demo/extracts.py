"""Writing a synthetic extract as a command-and-control or records system would: a CSV with a
header row and UK date-times ('dd/mm/yyyy hh:mm'), written atomically (temp file, then rename).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from workbench.demo.errors import DemoError
from workbench.files import atomic_output, write_bytes_atomically
from workbench.progress import Progress

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def uk_datetime(moment: datetime | None) -> str:
    """'05/03/2025 14:07'; blank for None."""
    return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")


def safe_cell(value: object) -> str:
    """Text for a cell: never starts a spreadsheet formula (a leading quote is added)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def check_period(start: object, months: object) -> None:
    if not isinstance(start, date):
        raise DemoError(f"expected a date, got {start!r}", field="start")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 60:
        raise DemoError(f"expected a whole number of months from 1 to 60, got {months!r}", field="months")


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later (clamped to 28 so it always exists)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]],
              total: int | None = None, progress: Progress | None = None) -> int:
    """Write ``rows`` under ``header``; returns the number of data rows.

    The file appears whole or not at all.  ``progress(done, total)`` is called every 1,000
    rows; an exception it raises (e.g. cancellation) removes the temporary file and propagates.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise DemoError(f"folder {target.parent} does not exist; create it first", field="path")
    count = 0
    with atomic_output(target) as temp, open(temp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count, total)
    if progress is not None:
        progress(count, count)
    return count


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (temp file in the same folder, then rename)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise DemoError(f"folder {target.parent} does not exist; create it first", field="path")
    write_bytes_atomically(target, data)
