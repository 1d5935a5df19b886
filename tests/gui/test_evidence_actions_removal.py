"""Beside a finding: evidence unlinked and actions removed after a question that says what will happen;
refused (with the reason) while the self-assessment is signed off; evidence files dropped on the panel."""

from __future__ import annotations

import pytest

from tests.gui.conftest import wait_settled
from tests.gui.test_finding_progress import _accept_with, _finding_id, _progress
from workbench.services import actions, evidence
from workbench.services.demo_workspace import OFFICER

pytestmark = pytest.mark.gui


@pytest.fixture
def answers(monkeypatch):
    """Every confirm.ask question, answered from the list (default: yes)."""
    from workbench.gui import confirm

    asked: list[tuple[str, str, str]] = []
    replies: list[bool] = []

    def ask(_parent, _title, question, consequence, action, **_kw) -> bool:
        asked.append((question, consequence, action))
        return replies.pop(0) if replies else True

    monkeypatch.setattr(confirm, "ask", ask)
    return asked, replies


def _items(ws, fid):
    with ws.unit_of_work(OFFICER, write=False) as uow:
        return evidence.list_evidence(uow, fid), actions.list_actions(uow, fid)


def test_unlinking_evidence_says_what_happens_and_keeps_the_file(open_window, demo_ws, answers) -> None:
    from workbench.gui.qt import QPushButton

    asked, replies = answers
    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 6")
    fid = _finding_id(demo_ws, "AFI 6")
    before, _ = _items(demo_ws, fid)
    first = before[0]
    button = progress.findChild(QPushButton, f"unlinkEvidence-{first.id}")
    assert button.accessibleName() == f"Unlink evidence {first.title} from AFI 6"
    replies.append(False)
    button.click()
    question, consequence, action = asked[-1]
    assert question == f"Unlink “{first.title}” ({first.filename}) from AFI 6?" and action == "Unlink evidence"
    assert "It stays in the workspace" in consequence and "earlier packs and the change log keep it" in consequence
    assert len(_items(demo_ws, fid)[0]) == len(before)  # cancelled
    progress.findChild(QPushButton, f"unlinkEvidence-{first.id}").click()
    wait_settled(progress.window())  # the panel reads again in a worker
    after, _ = _items(demo_ws, fid)
    assert [e.id for e in after] == [e.id for e in before[1:]]
    with demo_ws.unit_of_work(OFFICER, write=False) as uow:
        assert evidence.evidence_bytes(uow, first.id)  # still stored
    assert progress.findChild(QPushButton, f"unlinkEvidence-{first.id}") is None


def test_removing_an_action_says_what_happens(open_window, demo_ws, answers) -> None:
    from workbench.gui.qt import QPushButton

    asked, _ = answers
    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 6")
    fid = _finding_id(demo_ws, "AFI 6")
    _, plan = _items(demo_ws, fid)
    progress.findChild(QPushButton, f"removeAction-{plan[0].id}").click()
    wait_settled(progress.window())  # the panel reads again in a worker
    question, consequence, action = asked[-1]
    assert question == f"Remove the action “{plan[0].title}” from AFI 6?" and action == "Remove action"
    assert "The change log keeps what it was" in consequence
    assert [a.id for a in _items(demo_ws, fid)[1]] == [a.id for a in plan[1:]]
    assert len(progress.action_plan.shown) == len(plan) - 1


def test_a_signed_off_finding_keeps_its_evidence_and_actions(open_window, demo_ws, answers, boxes) -> None:
    from workbench.gui.qt import QPushButton

    asked, _ = answers
    _, progress = _progress(open_window, demo_ws, OFFICER, "AFI 5")
    fid = _finding_id(demo_ws, "AFI 5")
    items, plan = _items(demo_ws, fid)
    progress.findChild(QPushButton, f"unlinkEvidence-{items[0].id}").click()
    assert boxes[-1].title.startswith("Evidence stays")
    assert "the self-assessment for AFI 5 is approved" in boxes[-1].text and "reopen" in boxes[-1].hint
    progress.findChild(QPushButton, f"removeAction-{plan[0].id}").click()
    assert boxes[-1].title.startswith("Action stays")
    assert asked == [] and _items(demo_ws, fid) == (items, plan)


def test_files_dropped_on_the_evidence_panel_are_added(qtbot, open_window, demo_ws, tmp_path, monkeypatch) -> None:
    from tests.gui.conftest import wait_for_workers
    from workbench.gui.evidence_dialog import EvidenceDialog
    from workbench.gui.qt import QDropEvent, QMimeData, QPointF, Qt, QUrl

    window, progress = _progress(open_window, demo_ws, OFFICER, "AFI 7")
    fid = _finding_id(demo_ws, "AFI 7")
    panel = progress.evidence
    assert panel.acceptDrops() and "drop a file here" in panel.summary.text()
    files = [tmp_path / "minutes-march.txt", tmp_path / "policy-v3.txt"]
    for i, f in enumerate(files):
        f.write_text(f"document {i}\n")
    shown: list[str] = []
    _accept_with(monkeypatch, EvidenceDialog, lambda d: shown.append(d.path.name))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files] + [QUrl("https://example.org/not-a-file")])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)
    wait_for_workers(qtbot, window)
    assert shown == ["minutes-march.txt", "policy-v3.txt"]  # one dialog per file; the web link ignored
    assert sorted(e.filename for e in _items(demo_ws, fid)[0]) == ["minutes-march.txt", "policy-v3.txt"]
    text_only = QMimeData()
    text_only.setText("just words")
    assert panel.__class__.__module__ == "workbench.gui.finding_evidence"
    from workbench.gui.finding_evidence import dropped_files

    assert dropped_files(text_only) == [] and dropped_files(mime) == files
