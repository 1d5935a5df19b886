"""The packs page on the demo workspace: build, submit, approve (sign) with the passphrase, seal a bundle."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pypdf
import pytest

from tests.conftest import noted
from tests.gui.conftest import wait_for_workers
from workbench.gui import confirm
from workbench.gui.qt import QPushButton
from workbench.reports.bundle import verify_bundle
from workbench.services import assessments, findings, pack_decisions, packs, signing_identity, users
from workbench.services.demo_workspace import ADMIN, ADMIN_PASSPHRASE, OFFICER, REVIEWER, REVIEWER_PASSPHRASE

pytestmark = pytest.mark.gui


def _versions(ws) -> dict[int, packs.PackVersionInfo]:
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return {p.number: p for p in packs.list_packs(uow)}


@pytest.fixture(scope="module")
def submitted_source(demo_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace with pack version 2 built and submitted by the officer (built once per module)."""
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    folder = tmp_path_factory.mktemp("submitted")
    path = folder / "submitted.sqlite"
    shutil.copyfile(demo_source, path)
    with Workspace.open(sqlite_location(path)) as ws, ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, folder / "draft")
        packs.submit_pack(uow, built.info.number)
    return path


@pytest.fixture
def submitted_ws(submitted_source: Path, tmp_path: Path):
    """A private copy of the workspace where v2 waits for a reviewer."""
    from workbench.store.location import sqlite_location
    from workbench.store.workspace import Workspace

    copy = tmp_path / "submitted.sqlite"
    shutil.copyfile(submitted_source, copy)
    ws = Workspace.open(sqlite_location(copy))
    yield ws
    ws.close()


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """Every folder dialog answers this folder."""
    from workbench.gui.qt import QFileDialog

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    return out


def _open(qtbot, open_window, ws, user: str):
    window = open_window(ws, user)
    window.show_page("Packs")  # a page reads its data (in a worker) when first shown
    wait_for_workers(qtbot, window)
    return window


def _passphrase(monkeypatch, secret: str, comment: str = "") -> None:
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QDialog, QLineEdit

    def fill(dialog: PassphraseDialog) -> int:
        assert dialog.secret.echoMode() == QLineEdit.EchoMode.Password
        dialog.secret.setText(secret)
        dialog.note.setPlainText(comment)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(PassphraseDialog, "exec", fill)


def _controls(page) -> dict[str, QPushButton]:
    return {"build": page.build, "submit": page.submit, "approve": page.approve, "return": page.return_,
            "export": page.export, "seal": page.seal, "preview": page.preview}


def _follows_the_service(page, ws, user: str, passphrase: str | None = None) -> None:
    """For every version: each control is enabled as the service decides for this user, and a disabled
    one says the service's reason (services/pack_decisions.py)."""
    with ws.unit_of_work(user, write=False, passphrase=passphrase) as uow:
        decided = pack_decisions.every_pack_decision(uow)
    for number in [p.number for p in page.model_rows()]:
        assert page.select_version(number)
        for action, button in _controls(page).items():
            want = decided[number][action]
            assert button.isEnabled() == want.ok, (number, action, want)
            assert button.toolTip() == ("" if want.ok else want.reason), (number, action)
            assert button.isEnabled() or button.toolTip(), f"{action} is disabled without saying why"


def test_the_packs_page_lists_the_signed_demo_pack(qtbot, qtmodeltester, open_window, demo_ws) -> None:
    from workbench.gui.packs_model import COLUMNS

    page = _open(qtbot, open_window, demo_ws, OFFICER).packs
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 1
    row = [page.model.index(0, c).data() for c in range(len(COLUMNS))]
    assert row[0:3] == ["v1", "Approved and signed", "12"]
    assert row[3] == "Sam Okafor (Assurance Officer)" and row[5] == "Supt Helen Marsh" and row[7] == "Unchanged"
    assert page.selected().number == 1
    assert page.build.isEnabled() and page.seal.isEnabled() and page.export.isEnabled()
    assert not page.approve.isEnabled() and not page.return_.isEnabled()  # an officer does not review
    assert "officer role cannot review" in page.approve.toolTip()
    _follows_the_service(page, demo_ws, OFFICER)


def test_building_a_pack_in_a_worker_creates_a_version(qtbot, open_window, demo_ws, folder, boxes, monkeypatch) -> None:
    window = _open(qtbot, open_window, demo_ws, OFFICER)
    page = window.packs
    page.build.click()
    wait_for_workers(qtbot, window)
    stored = _versions(demo_ws)
    assert sorted(stored) == [1, 2] and stored[2].state == "draft" and stored[2].built_by == OFFICER
    assert (folder / "self-assessment-pack-v2.pdf").exists() and (folder / "self-assessment-pack-v2.xlsx").exists()
    assert boxes[-1].title.startswith("Pack built")
    assert page.selected().number == 2 and page.submit.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, consequence, *_a, **_k: noted(asked, question, False))
    page.submit.click()
    assert asked == ["Submit pack v2 for review?"] and _versions(demo_ws)[2].state == "draft"  # asked first
    monkeypatch.setattr(confirm, "ask", lambda *_a, **_k: True)
    page.submit.click()
    wait_for_workers(qtbot, window)
    assert _versions(demo_ws)[2].state == "submitted"
    assert page.selected().state == "submitted" and not page.approve.isEnabled()  # officers cannot sign


def test_the_reviewer_approves_with_the_right_passphrase_and_the_pdf_is_signed(
        qtbot, open_window, submitted_ws, folder, monkeypatch, boxes) -> None:
    demo_ws = submitted_ws
    window = _open(qtbot, open_window, demo_ws, REVIEWER)
    page = window.packs
    assert page.select_version(2) and page.approve.isEnabled() and page.return_.isEnabled()
    _passphrase(monkeypatch, REVIEWER_PASSPHRASE, "Signed after the re-audit")
    page.approve.click()
    wait_for_workers(qtbot, window)
    stored = _versions(demo_ws)
    assert (stored[2].state, stored[2].approved_by) == ("approved", REVIEWER)
    assert stored[1].state == "superseded" and stored[1].superseded_by == 2
    signed = folder / "self-assessment-pack-v2-signed.pdf"
    reader = pypdf.PdfReader(signed)
    sig = next(f for f in (reader.get_fields() or {}).values() if f.get("/FT") == "/Sig")
    assert sig.get("/V") is not None  # a signature value is present
    assert hashlib.sha256(signed.read_bytes()).hexdigest() == stored[2].signed_pdf_sha256
    assert boxes[-1].title.startswith("Pack signed")
    assert page.selected().number == 2 and page.model.index(0, 1).data() == "Approved and signed"
    assert page.model.index(1, 1).data() == "Superseded by v2"


def test_a_wrong_passphrase_shows_the_error_and_signs_nothing(qtbot, open_window, submitted_ws, folder,
                                                              monkeypatch, boxes) -> None:
    demo_ws = submitted_ws
    window = _open(qtbot, open_window, demo_ws, REVIEWER)
    page = window.packs
    assert page.select_version(2)
    _passphrase(monkeypatch, "not my passphrase")
    page.approve.click()
    wait_for_workers(qtbot, window)
    assert boxes[-1].title.startswith("Not allowed")
    assert "wrong sign-off passphrase" in boxes[-1].text and "logged" in boxes[-1].text
    assert _versions(demo_ws)[2].state == "submitted"
    assert not (folder / "self-assessment-pack-v2-signed.pdf").exists()


def test_the_builder_cannot_review_their_own_pack(qtbot, open_window, demo_ws, tmp_path) -> None:
    with demo_ws.unit_of_work(REVIEWER) as uow:  # the reviewer builds this one
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    page = _open(qtbot, open_window, demo_ws, REVIEWER).packs
    assert page.select_version(2)
    assert not page.approve.isEnabled() and "four-eyes" in page.approve.toolTip()
    _follows_the_service(page, demo_ws, REVIEWER, REVIEWER_PASSPHRASE)


def test_a_return_needs_a_comment(qtbot, open_window, submitted_ws, monkeypatch) -> None:
    from workbench.gui.comment_dialog import CommentDialog
    from workbench.gui.qt import QDialog

    demo_ws = submitted_ws
    page = _open(qtbot, open_window, demo_ws, REVIEWER).packs
    assert page.select_version(2)

    def comment(dialog: CommentDialog) -> int:
        assert not dialog.ok.isEnabled()
        dialog.edit.setPlainText("Add the MASH backlog figures for May")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(CommentDialog, "exec", comment)
    page.return_.click()
    assert _versions(demo_ws)[2].state == "returned"


def test_sealing_a_bundle_writes_a_zip_the_inspectors_can_verify(qtbot, open_window, demo_ws, tmp_path,
                                                                 monkeypatch) -> None:
    from workbench.gui.bundle_dialog import BundleDialog, BundleSealedDialog
    from workbench.gui.qt import QDialog, QFrame, QLineEdit

    out = tmp_path / "bundle for inspectors.zip"

    def options(dialog: BundleDialog) -> int:
        assert dialog.pseudonymise.isChecked() and dialog.drop_personal.isChecked()
        dialog.path.setText(str(out))
        return int(QDialog.DialogCode.Accepted.value)

    sealed: list[BundleSealedDialog] = []
    monkeypatch.setattr(BundleDialog, "exec", options)
    monkeypatch.setattr(BundleSealedDialog, "exec", lambda d: noted(sealed, d, 0))
    window = _open(qtbot, open_window, demo_ws, OFFICER)
    window.packs.seal.click()
    wait_for_workers(qtbot, window)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        cert = signing_identity.certificate_info(uow, REVIEWER)
        assert cert is not None
        fingerprint = cert.fingerprint
    assert verify_bundle(out, [fingerprint]).ok
    shown = sealed[0]
    assert shown.bundle_sha.text() == hashlib.sha256(out.read_bytes()).hexdigest()
    assert shown.cert_sha.text() == fingerprint
    detail = window.packs.findChild(QFrame, "packDetail")
    assert fingerprint in [f.text() for f in detail.findChildren(QLineEdit, "hashField")]  # on the page too


def test_a_reviewer_seals_and_signs_the_seal_an_officer_cannot(qtbot, open_window, demo_ws, tmp_path,
                                                               monkeypatch) -> None:
    from workbench.gui.bundle_dialog import BundleDialog, BundleSealedDialog
    from workbench.gui.qt import QDialog

    out = tmp_path / "signed seal.zip"
    seen: list[BundleDialog] = []

    def options(dialog: BundleDialog) -> int:
        seen.append(dialog)
        assert dialog.can_sign and dialog.sign.isChecked() and not dialog.ok.isEnabled()  # the passphrase first
        dialog.path.setText(str(out))
        dialog.seal_passphrase.setText(REVIEWER_PASSPHRASE)
        assert dialog.ok.isEnabled()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(BundleDialog, "exec", options)
    monkeypatch.setattr(BundleSealedDialog, "exec", lambda d: 0)
    window = _open(qtbot, open_window, demo_ws, REVIEWER)
    window.packs.seal.click()
    wait_for_workers(qtbot, window)
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        cert = signing_identity.certificate_info(uow, REVIEWER)
        assert cert is not None
        fingerprint = cert.fingerprint
    report = verify_bundle(out, [fingerprint])
    assert report.ok and report.seal["sealed_by"] == REVIEWER and report.seal["confirmed"]
    officer_dialog = BundleDialog(1, tmp_path / "x.zip", can_sign=False)
    qtbot.addWidget(officer_dialog)
    assert officer_dialog.sign.isHidden() and officer_dialog.options().seal_passphrase is None


VIEWER = "vic.viewer"


def _with_viewer(ws) -> None:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASSPHRASE) as uow:
        users.add_user(uow, VIEWER, "viewer", "Vic Viewer")


def test_a_viewer_is_offered_nothing_they_cannot_do_and_told_why(qtbot, open_window, demo_ws) -> None:
    _with_viewer(demo_ws)
    page = _open(qtbot, open_window, demo_ws, VIEWER).packs
    assert page.selected().number == 1 and page.selected().state == "approved"
    for action in ("build", "submit", "approve", "return", "export", "seal"):
        button = _controls(page)[action]
        assert not button.isEnabled() and "viewer role cannot" in button.toolTip(), action
    assert page.preview.isEnabled()  # reading the PDF is reading
    assert "Seal an evidence bundle" not in page.hint.text()  # they cannot: the reason instead
    assert "viewer role cannot export files" in page.hint.text()
    _follows_the_service(page, demo_ws, VIEWER)


def test_submit_and_seal_say_why_they_are_disabled(qtbot, open_window, submitted_ws, tmp_path) -> None:
    with submitted_ws.unit_of_work(OFFICER) as uow:  # v3: a draft beside v2 submitted and v1 approved
        packs.build_pack(uow, tmp_path / "draft")
    page = _open(qtbot, open_window, submitted_ws, OFFICER).packs
    assert page.select_version(1)
    assert not page.submit.isEnabled() and "only a draft or returned pack can be submitted" in page.submit.toolTip()
    assert page.select_version(3)
    assert page.submit.isEnabled() and not page.seal.isEnabled()
    assert "only an approved (signed) pack is bundled" in page.seal.toolTip()
    _follows_the_service(page, submitted_ws, OFFICER)


def _draft_by_the_reviewer(ws, tmp_path: Path) -> int:
    """helen.marsh drafts a self-assessment; then the officer builds and submits the pack with it."""
    with ws.unit_of_work(REVIEWER, passphrase=REVIEWER_PASSPHRASE) as uow:
        fid = findings.find_by_ref(uow, "PEEL 2023-25 / AFI 7").stored_id
        assessments.save_assessment(uow, fid, "Helen's first draft of the narrative.", "in progress")
    with ws.unit_of_work(OFFICER) as uow:
        built = packs.build_pack(uow, tmp_path / "draft")
        packs.submit_pack(uow, built.info.number)
    return built.info.number


def test_a_reviewer_who_wrote_a_self_assessment_in_the_pack_is_not_offered_its_sign_off(
        qtbot, open_window, demo_ws, tmp_path, monkeypatch) -> None:
    """The reviewer's own case: before, 'Approve and sign…' was enabled, and the refusal came only after
    the passphrase, the comment and the folder."""
    from workbench.gui.passphrase_dialog import PassphraseDialog

    number = _draft_by_the_reviewer(demo_ws, tmp_path)
    page = _open(qtbot, open_window, demo_ws, REVIEWER).packs
    assert page.select_version(number)
    for button in (page.approve, page.return_):
        assert not button.isEnabled()
        assert "wrote or edited the self-assessment of" in button.toolTip() and "four-eyes" in button.toolTip()
    assert "wrote or edited the self-assessment of" in page.hint.text()
    asked: list[object] = []
    monkeypatch.setattr(PassphraseDialog, "exec", lambda d: noted(asked, d, 0))
    page.approve.click()
    assert asked == []  # nothing to type in vain
    _follows_the_service(page, demo_ws, REVIEWER, REVIEWER_PASSPHRASE)


def test_a_refusal_at_the_sign_off_keeps_the_dialog_and_its_comment(qtbot, open_window, submitted_ws, folder,
                                                                    monkeypatch, boxes) -> None:
    """The page read v2 as signable; meanwhile helen's own draft of a self-assessment in it is saved
    (another window of hers). The dialog checks with the service before it closes: it stays open,
    says why, and keeps the comment."""
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QDialog

    window = _open(qtbot, open_window, submitted_ws, REVIEWER)
    page = window.packs
    assert page.select_version(2) and page.approve.isEnabled()
    seen: dict[str, object] = {}

    def run(dialog: PassphraseDialog) -> int:
        with submitted_ws.unit_of_work(REVIEWER, passphrase=REVIEWER_PASSPHRASE) as uow:
            fid = findings.find_by_ref(uow, "PEEL 2023-25 / AFI 7").stored_id
            assessments.save_assessment(uow, fid, "Helen's draft, written in her other window.", "in progress")
        dialog.secret.setText(REVIEWER_PASSPHRASE)
        dialog.note.setPlainText("Signed after the re-audit")
        dialog.accept()
        seen["stayed"] = dialog.result() != QDialog.DialogCode.Accepted.value
        seen["refused"] = dialog.refused.text() if dialog.refused.isVisibleTo(dialog) else ""
        seen["comment"] = dialog.comment()
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(PassphraseDialog, "exec", run)
    page.approve.click()
    wait_for_workers(qtbot, window)
    assert seen["stayed"] and "wrote or edited the self-assessment of" in str(seen["refused"])
    assert seen["comment"] == "Signed after the re-audit" and not boxes
    assert _versions(submitted_ws)[2].state == "submitted"


def test_a_sign_off_refused_after_the_dialog_closed_offers_the_comment_again(qtbot, open_window, submitted_ws,
                                                                             tmp_path, monkeypatch, boxes) -> None:
    """Refused once the dialog has closed (another reviewer returned the pack while the folder was
    chosen): the error is shown, and the next sign-off dialog has the comment filled in."""
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QDialog, QFileDialog, QLabel

    with submitted_ws.unit_of_work(ADMIN, passphrase=ADMIN_PASSPHRASE) as uow:
        users.add_user(uow, "rob.reviewer", "reviewer", "Rob Reviewer", "rob's other passphrase")
    out = tmp_path / "signed"
    out.mkdir()

    def choose(*_a, **_k) -> str:
        with submitted_ws.unit_of_work("rob.reviewer", passphrase="rob's other passphrase") as uow:
            packs.return_pack(uow, 2, "Wait for the May figures")
        return str(out)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    window = _open(qtbot, open_window, submitted_ws, REVIEWER)
    page = window.packs
    assert page.select_version(2)
    _passphrase(monkeypatch, REVIEWER_PASSPHRASE, "Signed after the re-audit")
    page.approve.click()
    wait_for_workers(qtbot, window)
    assert boxes and "only a submitted pack can be reviewed" in boxes[-1].text
    assert _versions(submitted_ws)[2].state == "returned"
    with submitted_ws.unit_of_work(OFFICER) as uow:
        packs.submit_pack(uow, 2)
    page.refresh()
    wait_for_workers(qtbot, window)
    assert page.select_version(2) and page.approve.isEnabled()
    offered: dict[str, str] = {}

    def look(dialog: PassphraseDialog) -> int:
        offered["comment"] = dialog.comment()
        kept = dialog.findChild(QLabel, "commentKept")
        offered["said"] = kept.text() if kept is not None else ""
        return int(QDialog.DialogCode.Rejected.value)

    monkeypatch.setattr(PassphraseDialog, "exec", look)
    page.approve.click()
    wait_for_workers(qtbot, window)
    assert offered["comment"] == "Signed after the re-audit" and "comment" in offered["said"]
