"""The evidence-requests dialog: list, add, withdraw, export, import with a preview; the evidence
panel's expiry badges and its Requests… button; the overview's attention items open the finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import noted
from tests.gui.conftest import wait_for_workers
from tests.register.request_setup import TODAY, files_folder, fill, make_requests
from tests.services.assurance_setup import (
    OFFICER,
    VIEWER,
    fast_passphrase_hashing,  # noqa: F401 (autouse)
)
from workbench.services import evidence
from workbench.store.models import EvidenceRequest

pytestmark = pytest.mark.gui
SHOTS = Path(__file__).resolve().parents[2] / ".tmp"


def _shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _status(ws, request_id: int) -> str:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return uow.session.get(EvidenceRequest, request_id).status


def _dialog(window, finding_id=None, ref=""):
    from workbench.gui.requests_dialog import RequestsDialog

    dialog = RequestsDialog(window.ctx, finding_id, ref, parent=window, today=TODAY)
    dialog.show()
    return dialog


def test_list_add_withdraw_export_and_import(qtbot, open_window, sqlite_workspace, tmp_path, monkeypatch,
                                             boxes) -> None:
    from workbench.gui import requests_dialog as rd
    from workbench.gui.qt import QDialog, QFileDialog

    ws = sqlite_workspace
    ids = make_requests(ws)
    window = open_window(ws, OFFICER)
    dialog = _dialog(window)
    texts = dialog.table.texts()
    assert [r[0] for r in texts] == [str(ids["a"]), str(ids["b"]), str(ids["c"])]
    assert texts[0][5] == "Overdue" and texts[1][5] == "Open"
    assert texts[1][3] == '=HYPERLINK("http://x","click")'  # shown as the words, never evaluated
    assert "3 requests: 3 open, 1 overdue" in dialog.summary.text()
    _shot(dialog, "requests-dialog")

    # a new request, from the form
    monkeypatch.setattr(rd.NewRequestDialog, "exec", lambda self: (
        self.owner.setText("Head of Contact"), self.needed.setPlainText("Call-handling QA results"),
        QDialog.DialogCode.Accepted.value)[-1])
    dialog.add.click()
    wait_for_workers(qtbot, window)
    (new,) = [r for r in dialog.items if r.owner == "Head of Contact"]
    assert len(dialog.items) == 4 and new.due_on == date(2025, 3, 17)  # two weeks by default
    new_id = new.id

    # withdraw it, after the question
    monkeypatch.setattr(rd.confirm, "ask", lambda *a, **k: True)
    dialog.select_request(new_id)
    assert dialog.withdraw.isEnabled() and not dialog.accept_button.isEnabled()
    dialog.withdraw.click()
    wait_for_workers(qtbot, window)
    assert _status(ws, new_id) == "withdrawn"

    # export DI Patel's open requests
    out = tmp_path / "patel.xlsx"
    monkeypatch.setattr(rd.OwnerDialog, "exec", lambda self: (self.choice.setCurrentIndex(self.choice.findData(
        "DI Patel")), QDialog.DialogCode.Accepted.value)[-1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    dialog.export.click()
    wait_for_workers(qtbot, window)
    assert [c.value for c in load_workbook(out)["Requests"]["A"][4:]] == [ids["a"], ids["b"]]
    assert boxes[-1].title.startswith("Requests exported")

    # a return naming a file that is not there: the preview says so and nothing is imported
    fill(out, {ids["a"]: ("Attached", "register.xlsx")})
    folder = files_folder(tmp_path, {})
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(rd.RequestsDialog, "choose_files", lambda self, wb: folder)
    seen = []

    def preview_exec(self) -> int:
        seen.append(self)
        _shot(self, f"requests-preview-{len(seen)}")
        return QDialog.DialogCode.Accepted.value if self.apply.isEnabled() else QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(rd.ReturnPreviewDialog, "exec", preview_exec)
    dialog.import_button.click()
    wait_for_workers(qtbot, window)
    assert not seen[-1].apply.isEnabled() and "Cannot import" in seen[-1].findChild(
        rd.QWidget, "importVerdict").text()
    assert "'register.xlsx' is named here but no file of that name came back" in seen[-1].problems.texts()[0][1]
    assert _status(ws, ids["a"]) == "open"

    # with the file there, the preview allows it and the import records the return
    (folder / "register.xlsx").write_bytes(b"training register")
    dialog.import_button.click()
    wait_for_workers(qtbot, window)
    assert seen[-1].apply.isEnabled() and seen[-1].rows.texts()[0][4] == "Returned"
    assert _status(ws, ids["a"]) == "returned"
    assert dialog.table.texts()[0][5] == "Returned" and "(1 file)" in dialog.table.texts()[0][6]
    dialog.select_request(ids["a"])
    assert dialog.accept_button.isEnabled()
    dialog.accept_button.click()
    wait_for_workers(qtbot, window)
    assert _status(ws, ids["a"]) == "accepted"


def test_a_reader_sees_the_requests_but_cannot_change_them(open_window, sqlite_workspace) -> None:
    make_requests(sqlite_workspace)
    window = open_window(sqlite_workspace, VIEWER)
    dialog = _dialog(window)
    assert len(dialog.table.texts()) == 3
    for b in (dialog.add, dialog.withdraw, dialog.accept_button, dialog.export, dialog.import_button):
        assert not b.isEnabled()
    assert "viewer role cannot" in dialog.add.toolTip()


def test_the_evidence_panel_marks_expired_and_expiring_evidence_and_opens_requests(
        qtbot, open_window, sqlite_workspace, tmp_path, monkeypatch) -> None:
    from workbench.gui import requests_dialog as rd
    from workbench.gui.evidence_dialog import ExpiryDialog
    from workbench.gui.finding_evidence import EvidencePanel
    from workbench.gui.qt import QDialog, QLabel

    ws = sqlite_workspace
    ids = make_requests(ws)
    proof = tmp_path / "policy.txt"
    proof.write_text("policy", encoding="utf-8")
    with ws.unit_of_work(OFFICER) as uow:
        old = evidence.add_evidence(uow, proof, "Allocation policy", date(2024, 1, 1), finding_ids=[ids["afi0"]],
                                    expires_on=date(2025, 3, 1))
        soon = evidence.add_evidence(uow, proof, "Training plan", finding_ids=[ids["afi0"]],
                                     expires_on=date(2025, 3, 20))
    window = open_window(ws, OFFICER)
    panel = EvidencePanel(window.ctx, window, today=lambda: TODAY)
    panel.resize(760, 300)
    with ws.unit_of_work(OFFICER, write=False) as uow:
        items = evidence.list_evidence(uow, ids["afi0"])
    panel.show_evidence(ids["afi0"], "AFI 1", items)
    panel.show()
    old_badge = panel.findChild(QLabel, f"evidenceExpiry-{old.id}")
    soon_badge = panel.findChild(QLabel, f"evidenceExpiry-{soon.id}")
    assert old_badge is not None and soon_badge is not None
    assert old_badge.text() == "Expired 1 Mar 2025"
    assert soon_badge.text() == "Expires 20 Mar 2025"
    assert "1 expired" in panel.summary.text()
    _shot(panel, "evidence-expiry")

    monkeypatch.setattr(ExpiryDialog, "exec", lambda self: (self.expiry.has.setChecked(False),
                                                             QDialog.DialogCode.Accepted.value)[-1])
    expiry_button = panel.findChild(rd.QPushButton, f"expiryEvidence-{old.id}")
    assert expiry_button is not None
    expiry_button.click()
    wait_for_workers(qtbot, window)
    with ws.unit_of_work(OFFICER, write=False) as uow:
        assert evidence.get_evidence(uow, old.id).expires_on is None

    opened: list[tuple[int | None, list[int]]] = []
    monkeypatch.setattr(rd.RequestsDialog, "exec", lambda self: noted(
        opened, (self.finding_id, [r.id for r in self.items]), 0))
    panel.requests.click()
    assert opened == [(ids["afi0"], [ids["a"]])]


def test_attention_items_for_requests_and_expiry_open_the_finding(qtbot, open_window, sqlite_workspace,
                                                                  tmp_path, monkeypatch) -> None:
    ws = sqlite_workspace
    ids = make_requests(ws)
    window = open_window(ws, OFFICER)
    panel = window.overview.attention
    panel._today = lambda: TODAY
    panel.refresh()
    texts = panel.table.texts()
    row = next(r for r, t in enumerate(texts) if t[0] == "Overdue · Evidence request")
    assert "AFI 1" in texts[row][2] and "DI Patel" in texts[row][3]
    selected = []
    monkeypatch.setattr(window.findings, "select_finding", lambda fid: selected.append(fid))
    panel._clicked(row, 2)
    assert selected == [ids["afi0"]]
    assert window.stack.currentWidget() is window.findings


def test_the_workspace_menu_opens_every_request(open_window, sqlite_workspace, monkeypatch) -> None:
    from workbench.gui import requests_dialog as rd
    from workbench.gui.qt import QAction

    make_requests(sqlite_workspace)
    window = open_window(sqlite_workspace, OFFICER)
    opened: list[tuple[int | None, int]] = []
    monkeypatch.setattr(rd.RequestsDialog, "exec", lambda self: noted(
        opened, (self.finding_id, len(self.items)), 0))
    window.findChild(QAction, "requestsAction").trigger()
    assert opened == [(None, 3)]


def test_a_long_evidence_list_shows_its_first_cards_and_the_rest_when_asked(
        qtbot, open_window, sqlite_workspace, tmp_path) -> None:
    from workbench.gui.finding_evidence import SHOWN_AT_FIRST, EvidencePanel
    from workbench.gui.layouts import shown_within
    from workbench.gui.qt import QFrame, QPushButton

    ws = sqlite_workspace
    ids = make_requests(ws)
    with ws.unit_of_work(OFFICER) as uow:
        for n in range(SHOWN_AT_FIRST + 3):
            proof = tmp_path / f"minutes-{n}.txt"
            proof.write_text(f"minutes {n}", encoding="utf-8")
            evidence.add_evidence(uow, proof, f"Board minutes {n}", finding_ids=[ids["afi0"]])
    window = open_window(ws, OFFICER)
    panel = EvidencePanel(window.ctx, window, today=lambda: TODAY)
    with ws.unit_of_work(OFFICER, write=False) as uow:
        items = evidence.list_evidence(uow, ids["afi0"])
    panel.show_evidence(ids["afi0"], "AFI 1", items)
    panel.show()

    def cards() -> list[str]:
        return [f.objectName() for f in panel.findChildren(QFrame) if f.objectName().startswith("evidence-")
                and shown_within(f, panel)]

    qtbot.waitUntil(lambda: len(cards()) == SHOWN_AT_FIRST)  # built a slice at a time
    assert panel.findChild(QPushButton, "moreEvidence") is not None
    assert cards() == [f"evidence-{e.id}" for e in items[:SHOWN_AT_FIRST]]
    assert panel.summary.text().endswith(f"; the first {SHOWN_AT_FIRST} shown")
    more = panel.findChild(QPushButton, "moreEvidence")
    assert more is not None and more.text() == f"Show the other {len(items) - SHOWN_AT_FIRST} items"
    more.click()
    qtbot.waitUntil(lambda: len(cards()) == len(items))
    assert cards() == [f"evidence-{e.id}" for e in items] and "shown" not in panel.summary.text()
