"""Evidence requests and evidence expiry from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.register.test_register_cli import run, ws  # noqa: F401 (the fixture)
from workbench.reports.request_workbook import FILES_COL, FIRST_ROW, REPLY_COL


def test_add_list_export_import_withdraw_and_expiry(ws, tmp_path: Path, capsys) -> None:  # noqa: F811
    assert run(ws, "olly.officer", "requests", "add", "AFI 1", "--owner", "DI Patel", "--needed",
               "Training records", "--due", "2025-02-20") == 0
    assert "request 1 added: AFI 1, asked of DI Patel, due 20 February 2025" in capsys.readouterr().out
    assert run(ws, "olly.officer", "requests", "add", "AFI 2", "--owner", "FCR", "--needed", "Audit",
               "--due", "2025-04-01", "--json") == 0
    assert json.loads(capsys.readouterr().out)["id"] == 2
    assert run(ws, "olly.officer", "requests", "list", "--overdue", "--today", "2025-03-03", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [1]
    out = tmp_path / "requests.xlsx"
    assert run(ws, "olly.officer", "requests", "export", str(out), "--owner", "di patel") == 0
    assert "1 open request written" in capsys.readouterr().out
    wb = load_workbook(out)
    wb["Requests"].cell(FIRST_ROW, REPLY_COL).value = "Attached"
    wb["Requests"].cell(FIRST_ROW, FILES_COL).value = "records.pdf"
    wb.save(out)
    folder = tmp_path / "back"
    folder.mkdir()
    assert run(ws, "olly.officer", "requests", "import", str(out), "--files", str(folder), "--dry-run") == 2
    err = capsys.readouterr().out
    assert f"Requests!I{FIRST_ROW}: 'records.pdf' is named here but no file of that name came back" in err
    (folder / "records.pdf").write_bytes(b"%PDF records")
    assert run(ws, "olly.officer", "requests", "import", str(out), "--files", str(folder), "--dry-run") == 0
    assert "dry run: nothing was written" in capsys.readouterr().out
    assert run(ws, "olly.officer", "requests", "import", str(out), "--files", str(folder)) == 0
    assert "1 request returned" in capsys.readouterr().out
    assert run(ws, "olly.officer", "evidence", "list", "--json") == 0
    (stored,) = json.loads(capsys.readouterr().out)
    assert stored["filename"] == "records.pdf" and stored["finding_refs"] == ["AFI 1"]
    assert run(ws, "olly.officer", "evidence", "expiry", str(stored["id"]), "--on", "2020-01-01") == 0
    assert "expires on 01 January 2020" in capsys.readouterr().out
    assert run(ws, "olly.officer", "evidence", "list") == 0
    assert "2020-01-01 (EXPIRED)" in capsys.readouterr().out
    assert run(ws, "olly.officer", "attention", "--today", "2025-03-03", "--json") == 0
    kinds = {i["kind"] for i in json.loads(capsys.readouterr().out)}
    assert "evidence_expiry" in kinds and "request" not in kinds  # request 1 came back; request 2 is later
    assert run(ws, "olly.officer", "requests", "withdraw", "2", "--note", "not needed") == 0
    assert "is withdrawn" in capsys.readouterr().out
    assert run(ws, "olly.officer", "requests", "accept", "1") == 0
    assert run(ws, "olly.officer", "requests", "list") == 0
    listed = capsys.readouterr().out
    assert "accepted" in listed and "withdrawn" in listed
