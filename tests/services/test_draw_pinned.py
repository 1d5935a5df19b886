"""The same extract and seed draw the very cases they drew before the scan and the draw were reworked.

The expected references were recorded with the earlier implementation (scan, then a second read
for the keys, then a third for the sampled rows); any change to the draw breaks these tests.
Each plan is drawn from a CSV and from an XLSX of the same rows, and fields of a sampled case
are read back.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from openpyxl import Workbook

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import HEADERS, incident_rows, write_csv
from workbench.services import audits, fieldwork, population
from workbench.services.population_exclusions import Exclusions

PLANS: dict[str, dict[str, Any]] = {  # create_audit's keyword arguments for each plan
    "simple": dict(method="simple", size=40, reserve=6),
    "stratified": dict(method="stratified", stratify_by="district", tolerable=0.05, expected=0.01),
    "systematic": dict(method="systematic", size=25, reserve=3),
    "equal": dict(method="stratified", stratify_by="area", size=30, allocation="equal"),
}
#: sha256 of "\n".join(selected) + "|" + "\n".join(reserves), recorded before the rework
PINNED = {
    "equal": "6308831af7f81ffa40b3b3f4275e8f164d4d84a1acd6220041a0dbeeacce1666",
    "simple": "b61958703a8f0d7fe14d0718ed1157e5de717af347b6f2bfc0475e5cd099dc0d",
    "stratified": "07833267b0104b65d0e40baa8bde2d0bba2aeff7204e9c3afb94b193f5ee4f59",
    "systematic": "fe6308ef988bbbd23b2db601c70befb3544435ca2238f0144d83631246c59933",
    "exclusions": "2c81e1aae208a39811f455683cdfb703c81be24dbbbcec9f8f79487f1a902101",
}
FIRST = {  # plan -> (first selected ref, its call time)
    "equal": ("INC-000574", "2024-11-26T13:52:00"),
    "simple": ("INC-001872", "2024-12-02T13:48:00"),
    "stratified": ("INC-000574", "2024-11-26T13:52:00"),
    "systematic": ("INC-000043", "2024-12-05T12:10:00"),
    "exclusions": ("INC-001300", "2024-10-31T15:39:00"),
}


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _digest(result) -> str:
    return hashlib.sha256(("\n".join(result.selected) + "|" + "\n".join(result.reserves)).encode()).hexdigest()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(PLANS))
def test_pinned_draw(workspace, tmp_path, name, kind) -> None:
    rows = incident_rows(2000, seed=5)
    path = write_csv(tmp_path / "p.csv", rows) if kind == "csv" else _xlsx(tmp_path / "p.xlsx", rows)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Pinned", **PLANS[name]).id
        result = population.draw_sample(uow, audit, path, seed=424242)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        cases = fieldwork.list_cases(uow, audit)
        same, _ = population.verify_draw(uow, audit, path)
    assert same
    assert _digest(result) == PINNED[name]
    first = next(c for c in cases if not c.reserve)
    assert (first.ref, first.fields["call_time"]) == FIRST[name]


def test_pinned_draw_with_exclusions_and_repeats(workspace, tmp_path) -> None:
    """Invalid rows and repeated references left out, two rows excluded by number."""
    rows = incident_rows(1500, seed=9)
    rows[10][1] = "31/02/2024 10:00"  # no such date
    rows[20][3] = ""  # no arrival time: still valid
    rows[30][0] = rows[31][0]  # a repeated reference: the first row stays
    rows[40][2] = "01/01/2020 10:00"  # dispatched before the call
    path = write_csv(tmp_path / "messy.csv", rows)
    leave_out = Exclusions("system test rows", exclude_invalid=True, rows={100: "test incident", 101: ""})
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Pinned", method="stratified",
                                    stratify_by="district", size=60).id
        result = population.draw_sample(uow, audit, path, seed=99, exclusions=leave_out)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        cases = fieldwork.list_cases(uow, audit)
        same, _ = population.verify_draw(uow, audit, path)
    assert same
    assert _digest(result) == PINNED["exclusions"]
    first = next(c for c in cases if not c.reserve)
    assert (first.ref, first.fields["call_time"]) == FIRST["exclusions"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_check_and_draw_read_the_extract_once(workspace, tmp_path, monkeypatch, kind) -> None:
    from workbench.importers import population_source

    rows = incident_rows(600, seed=3)
    path = write_csv(tmp_path / "p.csv", rows) if kind == "csv" else _xlsx(tmp_path / "p.xlsx", rows)
    reads = {"rows": 0, "opens": 0}
    monkeypatch.setattr(population_source, "_XLSX_HEADS", {})  # nothing kept from another test
    for name in ("_csv_batches", "_xlsx_batches"):
        real = getattr(population_source, name)

        def counted(*args, _real=real, **kwargs):
            yield from _real(*args, **kwargs)
            reads["rows"] += 1  # only a read to the end counts (the mapping suggestion samples a first block)

        monkeypatch.setattr(population_source, name, counted)
    real_open = population_source._open_workbook

    def opened(*args, **kwargs):
        reads["opens"] += 1
        return real_open(*args, **kwargs)

    monkeypatch.setattr(population_source, "_open_workbook", opened)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "response-attendance", "Once", **PLANS["stratified"]).id
        result = population.draw_sample(uow, audit, path, seed=77)
    assert len(result.selected) > 0 and all(c for c in result.selected)
    assert reads["rows"] == 1
    assert reads["opens"] == (2 if kind == "xlsx" else 0)  # the layout and first rows, then the scan
