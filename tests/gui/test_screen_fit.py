"""A dialog sized for a big screen opens within the screen it is on (its buttons reachable)."""
from __future__ import annotations

from workbench.gui.qt import QApplication, QDialog
from workbench.gui.screen_fit import MARGIN, install_screen_fit


def test_a_dialog_larger_than_the_screen_is_shrunk_onto_it(qtbot) -> None:
    install_screen_fit()
    area = QApplication.primaryScreen().availableGeometry()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(area.width() + 400, area.height() + 300)
    dialog.move(area.right() - 50, area.bottom() - 50)  # off the bottom right
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.width() <= area.width() - 2 * MARGIN and dialog.height() <= area.height() - 2 * MARGIN
    frame = dialog.frameGeometry()
    assert area.contains(frame.topLeft()) and area.contains(frame.bottomRight())
    small = QDialog()
    qtbot.addWidget(small)
    small.resize(300, 200)
    small.show()
    qtbot.waitUntil(small.isVisible)
    assert (small.width(), small.height()) == (300, 200)  # one that fits is left as it is
