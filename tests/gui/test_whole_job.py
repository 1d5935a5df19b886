"""The whole job in the window, from an empty workspace, through its widgets and real dialogs.

The admin adds an officer and a reviewer; the officer signs in, imports the 2023-25 report, plans the
response-attendance audit in the wizard on an extract with bad rows (left out with a reason), draws 82
cases, records every one in the case editor (Save and next), reads the score, attaches evidence,
writes and submits the self-assessment, builds and submits the pack; the reviewer signs in, approves
the self-assessment and the pack (signing it) and seals a bundle, which the inspectors' check
verifies. A modal dialog is answered the way the other GUI tests answer it: its `exec` fills the
real dialog's widgets and presses its buttons. Outcomes are read back from the database, the signed
PDF (pypdf) and the bundle's verification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, noted
from tests.gui.conftest import R2023, wait_for_workers
from tests.services.assurance_setup import fast_passphrase_hashing  # noqa: F401 (autouse)
from tests.services.audit_population import incident_rows, write_csv
from workbench.reports.bundle import verify_bundle
from workbench.services import assessments, evidence, findings, packs, scoring, signing_identity
from workbench.store.models import Audit, Finding, Response, SampledCase, User

pytestmark = [pytest.mark.gui, pytest.mark.slow]

OFFICER, OFFICER_PASS = "sam.okafor", "amber kestrel window ladder"
REVIEWER, REVIEWER_PASS = "helen.marsh", "quiet harbour violet engine"
HEADERS = ["Incident Number", "Log Opened", "Dispatched", "First Unit On Scene", "Opening Grade", "Closing Grade",
           "Urban/Rural", "District"]
REASON = "arrival times garbled by the CAD export"
AFI = "AFI 5"  # "...attend calls for service..." with the 49-of-82 baseline



def _fingerprint(uow: Any) -> str:
    info = signing_identity.certificate_info(uow, REVIEWER)
    assert info is not None, "the reviewer has no signing certificate"
    return info.fingerprint


def _press_ok(dialog: Any) -> None:
    from workbench.gui.qt import QDialogButtonBox

    box = dialog.findChild(QDialogButtonBox)
    assert box is not None, f"{type(dialog).__name__} has no button box"
    box.button(QDialogButtonBox.StandardButton.Ok).click()

def _extract(path: Path) -> Path:
    rows = incident_rows(400)
    rows[3][3] = "31/02/2024 10:00"  # row 5: no such date
    rows[8][1], rows[8][2], rows[8][3] = "14/03/2024 10:00", "14/03/2024 10:01", "14/03/2024 09:30"  # row 10
    return write_csv(path, rows, HEADERS)


def _answer(monkeypatch, cls, fill) -> None:
    """`cls.exec()` runs `fill(dialog)` on the real dialog and returns the dialog's own result."""
    from workbench.gui.qt import QDialog

    def run(dialog) -> int:
        fill(dialog)
        return int(QDialog.result(dialog))

    monkeypatch.setattr(cls, "exec", run)


@pytest.fixture
def questions(monkeypatch) -> list[str]:
    """Every message box: a confirmation is answered by pressing its action button, others with OK."""
    from workbench.gui.qt import QMessageBox, QPushButton

    asked: list[str] = []

    def run(box: QMessageBox) -> int:
        asked.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        action = box.findChild(QPushButton, "confirmAction")
        if action is not None:
            action.click()
            return box.result()
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", run)
    return asked


def _read(ws, fn):
    with ws.unit_of_work(ADMIN, write=False) as uow:
        return fn(uow)


def _sign_in(qtbot, window, monkeypatch, name: str, secret: str) -> None:
    from workbench.gui.sign_in_dialog import SignInDialog

    def fill(d: SignInDialog) -> None:
        d.name.setText(name)
        d.secret.setText(secret)
        _press_ok(d)

    _answer(monkeypatch, SignInDialog, fill)
    window.findChild(type(window.import_action), "switchUserAction").trigger()
    assert window.username == name and window.ctx.proven
    qtbot.waitUntil(lambda: window.centralWidget().isVisible())  # the new pages are shown by the event loop


def test_the_whole_job_from_an_empty_workspace(qtbot, open_window, sqlite_workspace, tmp_path, monkeypatch,
                                               questions) -> None:
    from workbench.gui.audit_wizard import AuditWizard
    from workbench.gui.bundle_dialog import BundleDialog, BundleSealedDialog
    from workbench.gui.case_editor import CaseEditorDialog
    from workbench.gui.evidence_dialog import EvidenceDialog
    from workbench.gui.import_dialog import ImportReportDialog
    from workbench.gui.passphrase_dialog import PassphraseDialog
    from workbench.gui.qt import QFileDialog, Qt
    from workbench.gui.users_dialog import AddUserDialog, UsersDialog

    ws = sqlite_workspace
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    window = open_window(ws)  # the workspace's admin, signed in

    # -- the admin adds the team -------------------------------------------------------------------
    people = iter([(OFFICER, "Sam Okafor", "officer", OFFICER_PASS), (REVIEWER, "Helen Marsh", "reviewer",
                                                                     REVIEWER_PASS)])

    def add(d: AddUserDialog) -> None:
        name, shown, role, secret = next(people)
        d.username.setText(name)
        d.display_name.setText(shown)
        d.role.setCurrentIndex(d.role.findData(role))
        d.passphrase.first.setText(secret)
        d.passphrase.again.setText(secret)
        _press_ok(d)

    _answer(monkeypatch, AddUserDialog, add)
    _answer(monkeypatch, UsersDialog, lambda d: (d.add.click(), d.add.click(), d.reject()))
    window.users_action.trigger()
    assert _read(ws, lambda uow: sorted(uow.session.scalars(select(User.role)))) == ["admin", "officer", "reviewer"]

    # -- the officer signs in and imports the 2023-25 report ----------------------------------------
    _sign_in(qtbot, window, monkeypatch, OFFICER, OFFICER_PASS)

    def import_report(d: ImportReportDialog) -> None:
        d.path.setText(str(R2023))
        qtbot.mouseClick(d.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: d.task is not None and not d.task.running, timeout=30000)
        assert "Would add 12 findings" in d.summary.text()
        qtbot.mouseClick(d.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: d.imported is not None, timeout=30000)
        d.reject()

    _answer(monkeypatch, ImportReportDialog, import_report)
    window.import_action.trigger()
    assert _read(ws, lambda uow: uow.session.scalar(select(func.count()).select_from(Finding))) == 12

    # -- the audit wizard: template, finding and baseline, the extract with bad rows, 82 cases, draw -
    window.show_page("Audits")
    page = window.audits
    qtbot.mouseClick(page.plan, Qt.MouseButton.LeftButton)
    wizard: AuditWizard = page.wizard
    t = wizard.template_page
    t.choice.setCurrentIndex(t.choice.findData("response-attendance"))
    qtbot.keyClicks(t.title_edit, "Response attendance")
    wizard.next()
    f = wizard.findings_page
    item = next(f.list.item(i) for i in range(f.list.count()) if f.list.item(i).text().startswith(AFI + " "))
    item.setCheckState(Qt.CheckState.Checked)
    assert f.baseline.currentText().startswith("49 of 82")
    f.target.setValue(75)
    wizard.next()
    pop = wizard.population_page
    pop.load(_extract(tmp_path / "attendance extract.csv"))
    wait_for_workers(qtbot, window)
    assert pop.verdict.text() == "3 problems" and not pop.isComplete()
    pop.exclude.setChecked(True)
    wait_for_workers(qtbot, window)
    qtbot.keyClicks(pop.reason, REASON)
    assert pop.isComplete() and "2 rows with problems will be left out" in pop.summary.text()
    wizard.next()
    size = wizard.size_page
    size.fixed.setChecked(True)
    size.fixed_size.setValue(82)
    assert size.result.text() == "82 cases of 398"
    wizard.next()
    wizard.method_page.method.setCurrentIndex(wizard.method_page.method.findData("simple"))
    wizard.next()
    qtbot.keyClicks(wizard.draw_page.seed, "20250114")
    assert REASON in wizard.draw_page.summary.text()
    wizard.button(wizard.WizardButton.FinishButton).click()
    wait_for_workers(qtbot, window)
    assert wizard.drawn is not None and not wizard.isVisible()
    audit_id = wizard.drawn.audit.id
    seed, excluded = _read(ws, lambda uow: (uow.session.get(Audit, audit_id).seed,
                                            dict(uow.session.get(Audit, audit_id).plan["exclusions"])))
    assert seed == 20250114 and (excluded["reason"], excluded["invalid_rows"]) == (REASON, 2)
    assert _read(ws, lambda uow: uow.session.scalar(select(func.count()).select_from(SampledCase).where(
        SampledCase.audit_id == audit_id, SampledCase.reserve.is_(False)))) == 82

    # -- every case recorded in the case editor, Save and next from the first to the last ------------
    assert page.tabs.currentIndex() == 1 and page.cases.model.rowCount() >= 82
    opened: list[str] = []

    def record(d: CaseEditorDialog) -> None:
        opened.append(d.case.ref)
        for key, editor in d.editors.items():
            if editor.criterion.answer == "yes_no_na":
                editor.set_value("n/a" if key.startswith(("downgrade", "caller_updated")) else "yes")
        (d.save_next if d.save_next.isEnabled() else d.save).click()

    _answer(monkeypatch, CaseEditorDialog, record)
    first = next(page.cases.model.case(r) for r in range(page.cases.model.rowCount())
                 if not page.cases.model.case(r).case.reserve)
    assert page.cases.select_case(first.case.id)
    qtbot.mouseClick(page.cases.record, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)  # the round's score and cases are read again in workers
    assert len(opened) == 82 and len(set(opened)) == 82
    answered = _read(ws, lambda uow: uow.session.scalar(select(func.count()).select_from(Response).join(
        SampledCase, SampledCase.id == Response.case_id).where(SampledCase.audit_id == audit_id,
                                                               Response.value.is_not(None))))
    assert answered >= 82 * 7  # six yes/no/n/a answers by hand and the computed one, on every case

    # -- the score ---------------------------------------------------------------------------------
    page.tabs.setCurrentIndex(0)
    wait_for_workers(qtbot, window)
    score = _read(ws, lambda uow: scoring.score_audit(uow, audit_id))
    assert score.complete == 82 and score.incomplete == 0
    assert f"{score.compliant} of 82" in page.score.text()

    # -- evidence and the self-assessment on the finding -------------------------------------------
    window.show_page("Findings")
    wait_for_workers(qtbot, window)
    fp = window.findings
    assert fp.select_ref("PEEL 2023-25", AFI)
    fp.detail_tabs.setCurrentIndex(1)
    wait_for_workers(qtbot, window)
    progress = fp.progress
    minutes = tmp_path / "grading-policy-v2.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% revised grading and deployment policy\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(minutes), ""))

    def describe(d: EvidenceDialog) -> None:
        d.title.setText("Revised grading and deployment policy v2")
        d.source.setText("Contact and Control Room")
        d.ok.click()

    _answer(monkeypatch, EvidenceDialog, describe)
    progress.evidence.add.click()
    wait_for_workers(qtbot, window)
    fid = _read(ws, lambda uow: findings.find_by_ref(uow, f"PEEL 2023-25 / {AFI}").id)
    stored = _read(ws, lambda uow: evidence.list_evidence(uow, finding_id=fid))
    assert [e.title for e in stored] == ["Revised grading and deployment policy v2"]

    a = progress.assessment
    qtbot.keyClicks(a.narrative, "The re-audit of 82 incidents shows attendance within target.")
    proposed = a.status.currentText()
    qtbot.mouseClick(a.submit, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    assert any(q.startswith("Submit for review") for q in questions)
    assert _read(ws, lambda uow: assessments.get_assessment(uow, fid).state) == "submitted"

    # -- the pack: built, submitted ----------------------------------------------------------------
    window.show_page("Packs")
    wait_for_workers(qtbot, window)
    pp = window.packs
    qtbot.mouseClick(pp.build, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    assert pp.selected() is not None and pp.selected().number == 1
    qtbot.mouseClick(pp.submit, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    assert _read(ws, lambda uow: packs.find_version(uow, 1).state) == "submitted"

    # -- the reviewer signs in, approves the self-assessment and the pack ---------------------------
    _sign_in(qtbot, window, monkeypatch, REVIEWER, REVIEWER_PASS)

    def sign(d: PassphraseDialog) -> None:
        d.secret.setText(REVIEWER_PASS)
        d.note.setPlainText("Evidence seen; the re-audit is convincing")
        if d.anyway.isVisibleTo(d):
            d.anyway.setChecked(True)
        d.ok.click()

    _answer(monkeypatch, PassphraseDialog, sign)
    window.show_page("Findings")
    wait_for_workers(qtbot, window)
    assert window.findings.select_ref("PEEL 2023-25", AFI)
    window.findings.detail_tabs.setCurrentIndex(1)
    wait_for_workers(qtbot, window)
    assert window.findings.progress.assessment.approve.isEnabled()
    qtbot.mouseClick(window.findings.progress.assessment.approve, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    assert _read(ws, lambda uow: (assessments.get_assessment(uow, fid).state, findings.get_finding(uow, fid).status)) \
        == ("approved", assessments.status_on_approval(proposed))

    window.show_page("Packs")
    wait_for_workers(qtbot, window)
    pp = window.packs
    assert pp.select_version(1)
    wait_for_workers(qtbot, window)
    assert pp.approve.isEnabled()
    qtbot.mouseClick(pp.approve, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    version = _read(ws, lambda uow: {p.number: p for p in packs.list_packs(uow)}[1])
    assert (version.state, version.approved_by) == ("approved", REVIEWER)
    signed = out / "self-assessment-pack-v1-signed.pdf"
    reader = pypdf.PdfReader(signed)
    fields = reader.get_fields() or {}
    assert next(f for f in fields.values() if f.get("/FT") == "/Sig").get("/V") is not None
    text = " ".join(p.extract_text() for p in reader.pages)
    words = " ".join(text.split())
    assert "Response attendance" in words and REASON in words  # the exclusion in the methodology
    assert "2 rows" in words or "2 row" in words

    # -- a sealed bundle, checked as the inspectors check it ----------------------------------------
    bundle = tmp_path / "bundle for inspectors.zip"

    def seal(d: BundleDialog) -> None:
        d.path.setText(str(bundle))
        if d.can_sign and d.sign.isChecked():
            d.seal_passphrase.setText(REVIEWER_PASS)
        d.ok.click()

    sealed: list[BundleSealedDialog] = []
    _answer(monkeypatch, BundleDialog, seal)
    monkeypatch.setattr(BundleSealedDialog, "exec", lambda d: noted(sealed, d, 0))
    qtbot.mouseClick(pp.seal, Qt.MouseButton.LeftButton)
    wait_for_workers(qtbot, window)
    fingerprint = _read(ws, lambda uow: _fingerprint(uow))
    report = verify_bundle(bundle, [fingerprint])
    assert report.ok and report.seal["sealed_by"] == REVIEWER
    assert sealed and sealed[0].cert_sha.text() == fingerprint
