"""Shared set-up for the evidence-request tests: a register, requests, an exported workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from tests.services.assurance_setup import OFFICER, setup_register
from workbench.reports.request_workbook import FILES_COL, FIRST_ROW, REPLY_COL
from workbench.services import actions
from workbench.services import evidence_requests as er
from workbench.store.workspace import Workspace

TODAY = date(2025, 3, 3)  # a Monday


def make_requests(ws: Workspace) -> dict[str, int]:
    """Three AFIs; two requests to DI Patel (one with an action), one to the FCR; ids by name."""
    afis = setup_register(ws)
    with ws.unit_of_work(OFFICER) as uow:
        act = actions.add_action(uow, afis[0].stored_id, "Retrain crime allocators", owner="DI Patel")
        a = er.create_request(uow, afis[0].stored_id, "DI Patel", "Training records for the allocators",
                              date(2025, 2, 20), action_id=act.id, today=TODAY)
        b = er.create_request(uow, afis[1].stored_id, "DI Patel", "=HYPERLINK(\"http://x\",\"click\")",
                              date(2025, 3, 5), today=TODAY)
        c = er.create_request(uow, afis[2].stored_id, "fcr@norfolk.police.uk", "The crime registrar's audit",
                              date(2025, 4, 30), today=TODAY)
    return {"a": a.id, "b": b.id, "c": c.id, "action": act.id, "afi0": afis[0].stored_id, "afi1": afis[1].stored_id,
            "afi2": afis[2].stored_id}


def export(ws: Workspace, out: Path, owner: str | None = None) -> er.RequestExport:
    with ws.unit_of_work(OFFICER) as uow:
        return er.export_requests(uow, out, owner, today=TODAY)


def fill(path: Path, answers: dict[int, tuple[str | None, str | None]]) -> dict[int, int]:
    """Type replies as an owner would: {request id: (reply, files)}; returns {request id: row}."""
    wb = load_workbook(path)
    ws = wb["Requests"]
    rows: dict[int, int] = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        rid = ws.cell(r, 1).value
        assert isinstance(rid, int), f"row {r} holds a request id"
        rows[rid] = r
        if rid in answers:
            reply, files = answers[rid]
            ws.cell(r, REPLY_COL).value = reply
            ws.cell(r, FILES_COL).value = files
    wb.save(path)
    return rows


def files_folder(tmp: Path, names: dict[str, bytes]) -> Path:
    folder = tmp / "returned"
    folder.mkdir(exist_ok=True)
    for name, data in names.items():
        (folder / name).write_bytes(data)
    return folder
