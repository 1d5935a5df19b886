"""The score view shows a small sample as indicative, in a neutral tone, with its exact interval."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN
from tests.services.test_small_sample_rating import WORDS, _ten_files_all_compliant
from workbench.services import scoring

pytestmark = pytest.mark.gui


def test_ten_files_read_indicative_and_neutral(qtbot, sqlite_workspace, tmp_path) -> None:
    from workbench.gui.audit_score_view import AuditScoreView
    from workbench.gui.qt import QLabel

    audit_id, _ = _ten_files_all_compliant(sqlite_workspace, tmp_path)
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
    view = AuditScoreView()
    qtbot.addWidget(view)
    view.show_score(score)
    verdict = view.findChild(QLabel, "ragTag")
    assert verdict is not None
    assert verdict.text() == "Indicative" and verdict.property("tone") == "neutral"
    reason_label = view.findChild(QLabel, "ragReason")
    assert reason_label is not None
    reason = reason_label.text()
    assert reason.startswith(WORDS[:1].upper() + WORDS[1:])
    assert "Green" not in view.text() and "Amber" not in view.text()
