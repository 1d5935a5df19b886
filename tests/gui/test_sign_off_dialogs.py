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


@pytest.mark.parametrize(("proposed", "applied"), [("proposed for closure", "pending sign-off"),
                                                   ("closed", "pending sign-off"),
                                                   ("awaiting allocation", "in progress")])
def test_the_approve_dialog_names_the_status_the_service_will_set(open_window, demo_ws, monkeypatch,
                                                                  proposed: str, applied: str) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QLabel

    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", proposed, "ready")
        assessments.submit_assessment(uow, fid)
    with demo_ws.unit_of_work(REVIEWER, passphrase=REVIEWER_PASSPHRASE, write=False) as uow:
        outcome = assessments.approval_outcome(uow, fid)
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    seen: dict[str, str] = {}

    def run(dialog: PassphraseDialog) -> int:
        seen["consequence"] = _text(dialog.findChild(QLabel, "signOffConsequence"))
        warned = dialog.findChild(QLabel, "signOffWarnings")
        seen["warnings"] = warned.text() if warned is not None else ""
        dialog.secret.setText(REVIEWER_PASSPHRASE)
        dialog.anyway.setChecked(True)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PassphraseDialog, "exec", run)
    progress.assessment.approve.click()
    wait_settled(progress.window())
    assert outcome.status == applied and outcome.consequence in seen["consequence"]
    assert f"status becomes '{proposed}'" not in seen["consequence"] and f"'{applied}'" in seen["consequence"]
    assert f"The status '{proposed}'" not in seen["warnings"]  # the proposal, not the status it gets
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert findings.get_finding(uow, fid).status == applied  # what the dialog said


def test_submitting_with_no_active_reviewer_says_nobody_can_review_it(open_window, demo_ws, monkeypatch) -> None:
    from workbench.gui import confirm
    from workbench.services import users
    from workbench.services.demo_workspace import ADMIN, ADMIN_PASSPHRASE

    with demo_ws.unit_of_work(ADMIN, passphrase=ADMIN_PASSPHRASE) as uow:
        users.set_active(uow, REVIEWER, False)
    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 7")
    panel = progress.assessment
    panel.narrative.setPlainText("Allocation now within a day; the May dip sample agrees.")
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, _q, consequence, *_a, **_k: asked.append(consequence))
    panel.submit.click()
    wait_settled(progress.window())
    assert asked and "It goes to a reviewer" not in asked[0]
    assert "nobody can review it yet: this workspace has no active reviewer" in asked[0]
    assert asked[0].startswith("Your unsaved text is saved first.")


def test_the_panel_names_the_preparer_as_people_read_them(open_window, demo_ws) -> None:
    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", "in progress")
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    assert progress.assessment.preparer.text().startswith("Prepared by Sam Okafor")
    assert OFFICER not in progress.assessment.preparer.text()


def test_a_passphrase_with_a_space_at_its_end_is_said_in_the_sign_off_dialog(open_window, demo_ws,
                                                                            monkeypatch) -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog

    fid = _finding_id(demo_ws, "AFI 7")
    with demo_ws.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, fid, "Allocation now within a day.", "in progress")
        assessments.submit_assessment(uow, fid)
    _, progress = _progress(open_window, demo_ws, REVIEWER, "AFI 7")
    seen: dict[str, str] = {}

    def run(dialog: PassphraseDialog) -> int:
        dialog.secret.setText(REVIEWER_PASSPHRASE + " ")
        dialog.accept()
        seen["refused"] = dialog.refused.text()
        return 0

    monkeypatch.setattr(PassphraseDialog, "exec", run)
    progress.assessment.approve.click()
    wait_settled(progress.window())
    assert "Wrong sign-off passphrase" in seen["refused"] and "(the attempt was logged). Re-enter it" in seen["refused"]
    assert seen["refused"].endswith("Note: what you typed has a space at its end; passphrases have none there.")
