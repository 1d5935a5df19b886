"""The finding's register form: a save refused because someone else saved first keeps what was typed and
shows what they saved; Revert asks before it drops edits; a disabled control says why in its tooltip."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, noted
from tests.gui.conftest import show, wait_settled
from workbench.gui import confirm
from workbench.services import findings, users

pytestmark = pytest.mark.gui

TYPED_OWNER = "Supt K. Rowe, Contact Management"
TYPED_NOTES = "Agreed at the June board: call handling review by September."


@pytest.fixture
def page(window):
    show(window, "Findings")
    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    wait_settled(window)
    return page


def _saved(ws, finding_id: int):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return findings.get_finding(uow, finding_id)


def test_a_conflicting_save_keeps_what_was_typed_and_shows_what_they_saved(qtbot, page, seeded_workspace,
                                                                          boxes) -> None:
    from workbench.gui.qt import Qt

    form, shown = page.detail.form, page.detail.info
    form.owner.setText(TYPED_OWNER)
    form.notes.setPlainText(TYPED_NOTES)
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:  # someone else saves first
        theirs = findings.update_finding(uow, shown.id, shown.version, owner="Ch Insp Other", notes="Their note.")
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)

    assert len(boxes) == 1 and "changed by someone else" in boxes[0].text and "nothing was saved" in boxes[0].text
    assert "make your change again" not in boxes[0].hint and "kept in the form" in boxes[0].hint
    assert _saved(seeded_workspace, shown.id).owner == "Ch Insp Other"  # nothing of ours was written
    assert (form.owner.text(), form.notes.toPlainText()) == (TYPED_OWNER, TYPED_NOTES)  # what was typed stays
    note = form.kept_note.text()
    assert form.kept_note.isVisibleTo(form)
    assert "Owner “Ch Insp Other”" in note and "Notes “Their note.”" in note  # what they saved, said
    assert form.save.isEnabled() and form.unsaved_work()  # still unsaved, so closing would ask

    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)  # on their version now: yours goes in place
    assert len(boxes) == 1
    after = _saved(seeded_workspace, shown.id)
    assert (after.owner, after.notes, after.version) == (TYPED_OWNER, TYPED_NOTES, theirs.version + 1)
    assert not form.kept_note.isVisibleTo(form) and not form.unsaved_work()


def test_revert_asks_before_it_drops_the_edits(page, seeded_workspace, monkeypatch) -> None:
    form = page.detail.form
    before = form.owner.text()
    form.owner.setText(TYPED_OWNER)
    asked: list[str] = []
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, *_a, **_k: noted(asked, question, False))
    form.revert.click()
    assert asked == ["Discard your unsaved changes to PEEL 2023-25 / AFI 5?"]
    assert form.owner.text() == TYPED_OWNER and form.is_dirty()  # No: kept as typed
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, *_a, **_k: noted(asked, question, True))
    form.revert.click()
    assert len(asked) == 2 and form.owner.text() == before and not form.is_dirty()


def test_a_read_only_form_says_why_on_every_disabled_control(qtbot, open_window, seeded_workspace) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "vi.ewer", "viewer")
    window = open_window(seeded_workspace, "vi.ewer")
    show(window, "Findings")
    page = window.findings
    assert page.select_ref("PEEL 2023-25", "AFI 5")
    form = page.detail.form
    reason = window.ctx.allowed("findings.edit").reason  # the service's words
    assert reason and "viewer role cannot change findings" in reason
    for control in (form.save, form.revert, form.status, form.owner, form.notes, form.area, form.has_target):
        assert not control.isEnabled() and control.toolTip() == reason, control.objectName()
    assert form.read_only_note.text() == reason


def test_an_editable_form_says_why_save_waits(page) -> None:
    form = page.detail.form
    assert not form.save.isEnabled() and "Nothing to save" in form.save.toolTip()
    assert not form.has_target.isChecked() and not form.target.isEnabled() and "Tick" in form.target.toolTip()
    form.owner.setText(TYPED_OWNER)
    assert form.save.isEnabled() and "Nothing to save" not in form.save.toolTip()
    form.discard_unsaved()
