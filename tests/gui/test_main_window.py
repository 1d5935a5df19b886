"""The main window opens on a workspace and shows who is signed in."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN

pytestmark = pytest.mark.gui


def test_main_window_shows_workspace_and_user(qtbot, sqlite_workspace) -> None:
    from workbench.gui.main_window import MainWindow
    from workbench.gui.qt import QLabel

    window = MainWindow(sqlite_workspace, ADMIN)
    qtbot.addWidget(window)
    window.show()
    info = window.findChild(QLabel, "overviewInfo")
    assert info is not None
    assert ADMIN in info.text() and "admin" in info.text()
    assert "intact" in info.text()
    assert str(sqlite_workspace.location.path) in window.windowTitle()
