"""Signing off never loses work or surprises: a wrong passphrase keeps the dialog and its comment; the
dialog says what approval does (the finding takes the proposed status); a pack changed since it was
built, or resting on incomplete audits, is said and must be confirmed before signing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.gui.conftest import show, wait_settled
from tests.gui.test_finding_progress import _finding_id, _progress
from workbench.services import assessments, findings, pack_approval, packs
from workbench.services.demo_workspace import OFFICER, REVIEWER, REVIEWER_PASSPHRASE
from workbench.store.models import ChangeLogEntry

pytestmark = pytest.mark.gui


def _text(found: Any) -> str:
    assert found is not None, "the label is on the dialog"
    return str(found.text())


def test_a_wrong_passphrase_keeps_the_dialog_and_its_comment(open_window, demo_ws, monkeypatch, boxes) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QDialog, QLabel

    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", "in progress")
        assessments.submit_assessment(uow, fid)
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    seen: dict[str, Any] = {}

    def run(dialog: PassphraseDialog) -> int:
        seen["consequence"] = _text(dialog.findChild(QLabel, "signOffConsequence"))
        dialog.note.setPlainText("Evidence is convincing")
        dialog.secret.setText("guess")
        dialog.accept()  # refused: the dialog stays, with the comment
        seen["stayed"] = dialog.result() != QDialog.DialogCode.Accepted.value
        seen["refused"] = dialog.refused.text() if dialog.refused.isVisibleTo(dialog) else ""
        seen["comment"], seen["secret"] = dialog.comment(), dialog.passphrase()
        dialog.secret.setText(REVIEWER_PASSPHRASE)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", run)
    progress.assessment.approve.click()  # the warnings are read in a worker, then the dialog
    wait_settled(progress.window())
    assert seen["stayed"] and "wrong sign-off passphrase" in seen["refused"].lower()
    assert seen["comment"] == "Evidence is convincing" and seen["secret"] == ""  # the guess is cleared
    assert "status becomes 'in progress'" in seen["consequence"]
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        sa = assessments.get_assessment(uow, fid)
        status = findings.get_finding(uow, fid).status
        refused = uow.session.scalars(select(ChangeLogEntry.seq).where(
            ChangeLogEntry.entity == "assessment", ChangeLogEntry.action == "approve-refused")).all()
    assert sa.state == "approved" and sa.history[-1].comment == "Evidence is convincing"
    assert status == "in progress" and len(refused) == 1  # as proposed; the guess is on the record
    assert not boxes  # no error box: it was said in the dialog


def test_a_changed_pack_resting_on_incomplete_audits_must_be_confirmed(open_window, demo_ws, monkeypatch,
                                                                       tmp_path) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QLabel

    with demo_ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
        f = findings.find_by_ref(uow, "PEEL 2023-25 / AFI 7")
        findings.update_finding(uow, f.stored_id, expected_version=f.version, owner="Supt K. Rowe")
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        facts = pack_approval.approval_warnings(uow, built.info.number)
    assert facts.changed_since_build and "AFI 7" in " ".join(facts.changed_findings)
    window = open_window(demo_ws, REVIEWER)
    show(window, "Packs")
    page = window.packs
    assert page.select_version(built.info.number) and page.approve.isEnabled()
    seen: dict[str, Any] = {}

    def run(dialog: PassphraseDialog) -> int:
        seen["warnings"] = _text(dialog.findChild(QLabel, "signOffWarnings"))
        dialog.secret.setText(REVIEWER_PASSPHRASE)
        seen["before"] = dialog.ok.isEnabled()
        dialog.anyway.setChecked(True)
        seen["after"] = dialog.ok.isEnabled()
        return 0  # the reviewer thinks again: nothing is signed

    monkeypatch.setattr(PassphraseDialog, "exec", run)
    page.approve.click()  # the facts are read in a worker, then the dialog
    wait_settled(window)
    assert "The register has changed since pack version" in seen["warnings"]
    assert all(m.split(" (")[0] in seen["warnings"] for m in facts.messages())
    assert seen["before"] is False and seen["after"] is True
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert packs.find_version(uow, built.info.number).state == "submitted"
