"""The screenshot script's pieces: dialogs shown and captured without waiting for a person; PNGs written."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_dialogs_are_captured_then_cancelled_and_exec_is_restored(qtbot, tmp_path) -> None:
    from workbench.gui.qt import QDialog, QLabel, QVBoxLayout
    from workbench.gui.screenshots import dialogs_captured, save

    class Sample(QDialog):
        def __init__(self) -> None:
            super().__init__()
            QVBoxLayout(self).addWidget(QLabel("A dialog to capture"))
            self.resize(320, 120)

    original = QDialog.exec
    saved = []
    with dialogs_captured({"Sample": lambda d: saved.append(save(d, tmp_path / "sample.png"))}) as seen:
        dialog = Sample()
        qtbot.addWidget(dialog)
        assert dialog.exec() == int(QDialog.DialogCode.Rejected.value)
    assert seen == [dialog] and not dialog.isVisible()
    assert QDialog.exec is original
    from workbench.gui.qt import QImage

    image = QImage(str(saved[0]))
    assert (image.width(), image.height()) == (320, 120)
    assert saved[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
