"""The period an extract covers: the first and last value of its first date field, whatever the
row order, the date format or the batch size; unreadable dates do not widen it."""

from __future__ import annotations

import random
from pathlib import Path

from tests.importers.test_population_import import HEADERS, MAPPING, TEMPLATE, _rows, _write_csv
from workbench.importers.population import scan_population


def test_first_and_last_call_time_whatever_the_row_order(tmp_path: Path) -> None:
    rows = _rows(300)
    calls = sorted(r[1][6:10] + r[1][3:5] + r[1][0:2] + r[1][10:] for r in rows)  # yyyymmdd hh:mm
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    a = scan_population(_write_csv(tmp_path / "a.csv", rows), TEMPLATE, MAPPING)
    b = scan_population(_write_csv(tmp_path / "b.csv", shuffled), TEMPLATE, MAPPING, _block_size=4096)
    assert a.date_field == "call_time" and a.date_span == b.date_span
    assert a.date_span is not None
    first, last = a.date_span
    assert first.replace("-", "").replace("T", " ")[:14] == calls[0][:14]
    assert last.replace("-", "").replace("T", " ")[:14] == calls[-1][:14]


def test_an_unreadable_date_does_not_widen_the_period(tmp_path: Path) -> None:
    rows = _rows(20)
    good = scan_population(_write_csv(tmp_path / "g.csv", rows), TEMPLATE, MAPPING)
    bad = rows + [["INC999999", "99/99/2099 99:99", "", "", "Priority", "Priority", "Urban", "1 Road"]]
    scan = scan_population(_write_csv(tmp_path / "b.csv", bad, headers=HEADERS), TEMPLATE, MAPPING,
                           exclude_invalid=True)
    assert scan.date_span == good.date_span
