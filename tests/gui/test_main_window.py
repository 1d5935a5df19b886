"""The main window: workspace, user and role on show, pages, window state, viewer role, switching."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import users
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location

pytestmark = pytest.mark.gui


def test_main_window_shows_workspace_user_and_counts(window, seeded_workspace, qtbot) -> None:
    from workbench.gui.qt import QLabel, QListWidget

    info = window.findChild(QLabel, "overviewInfo")
    assert ADMIN in info.text() and "(admin)" in info.text()
    qtbot.waitUntil(lambda: window.findChild(QLabel, "logState").text() == "Intact")  # checked in a worker
    stat = window.overview.stats
    assert stat["inspections"].value.text() == "2"
    assert stat["findings"].value.text() == "15"
    assert stat["links"].value.text() == "5"  # 2023-25 findings that may follow up 2018 ones
    assert int(stat["measures"].value.text()) > 0
    assert str(seeded_workspace.location.path) in window.windowTitle()
    assert window.status_role.text() == "Role: admin"
    assert ADMIN in window.status_user.text()
    assert str(seeded_workspace.location.path) in window.status_workspace.text()
    nav = window.findChild(QListWidget, "navigation")
    assert [nav.item(i).text() for i in range(nav.count())] == ["Overview", "Findings", "Audits", "Measures", "Packs"]
    nav.setCurrentRow(3)
    assert window.stack.currentWidget() is window.measures
    nav.setCurrentRow(4)
    assert window.stack.currentWidget() is window.packs
    by_status = window.overview.by_status
    assert by_status.item(0, 0).text() == "Open" and by_status.item(0, 1).text() == "15"


def test_window_geometry_is_remembered(qtbot, seeded_workspace, settings) -> None:
    from workbench.gui.main_window import MainWindow

    first = MainWindow(seeded_workspace, ADMIN, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(740, 580)  # the offscreen screen is 800 x 600
    first.close()
    assert settings.contains("mainWindow/geometry")
    second = MainWindow(seeded_workspace, ADMIN, settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (740, 580)


def test_viewer_sees_everything_but_can_change_nothing(open_window, seeded_workspace) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "view.er", "viewer")
    window = open_window(seeded_workspace, "view.er")
    assert window.status_role.text() == "Role: viewer"
    assert not window.import_action.isEnabled()
    page = window.findings
    assert page.model.rowCount() == 15
    assert page.select_ref("PEEL 2023-25", "AFI 7")
    detail = page.detail
    link_id = detail.info.links[0].id
    from workbench.gui.qt import QPushButton

    accept = detail.findChild(QPushButton, f"accept-link-{link_id}")
    assert accept is not None and not accept.isEnabled()
    assert not detail.form.status.isEnabled() and not detail.form.owner.isEnabled()
    assert not detail.form.save.isEnabled()
    assert "viewer role cannot change" in detail.form.read_only_note.text()
    window.measures.table.selectRow(0)
    assert window.measures.selected() is not None
    assert not window.measures.confirm.isEnabled() and not window.measures.add_value.isEnabled()


def test_open_workspace_switches_views_and_refuses_unknown_user(
        window, tmp_path: Path, monkeypatch, boxes) -> None:
    from workbench.gui.qt import QFileDialog

    other = tmp_path / "other.sqlite"
    init_workspace(sqlite_location(other), ADMIN).close()
    stranger = tmp_path / "stranger.sqlite"
    init_workspace(sqlite_location(stranger), "someone.else").close()

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(stranger), ""))
    window.open_workspace()
    assert len(boxes) == 1 and "not registered" in boxes[0].text and "stranger.sqlite" in boxes[0].text
    assert window.findings.model.rowCount() == 15  # the open workspace stays

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window.open_workspace()
    assert window.ws.location.path == other
    assert window.findings.model.rowCount() == 0
    assert window.overview.stats["findings"].value.text() == "0"
    assert str(other) in window.status_workspace.text()


def test_new_workspace_makes_the_user_its_admin(window, tmp_path: Path, monkeypatch) -> None:
    from workbench.gui.qt import QFileDialog

    target = tmp_path / "fresh"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.new_workspace()
    assert window.ws.location.path == tmp_path / "fresh.sqlite"
    assert (tmp_path / "fresh.sqlite").exists()
    assert window.status_role.text() == "Role: admin"
    assert window.findings.model.rowCount() == 0


def test_a_tampered_change_log_shows_as_broken(window, seeded_workspace, qtbot) -> None:
    from sqlalchemy import update

    from workbench.store.models import ChangeLogEntry

    with seeded_workspace.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 3).values(actor="mallory"))
    window.refresh()
    state = window.overview.log_state
    qtbot.waitUntil(lambda: state.text() == "Broken")
    assert state.text() == "Broken" and state.property("tone") == "red"
    assert "entry 3 was altered" in window.overview.log_text.text()
    assert "mallory" in window.overview.log_text.text()


def test_about_names_the_version(window, monkeypatch) -> None:
    from workbench import __version__
    from workbench.gui.qt import QAction, QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: said.append(text))
    window.findChild(QAction, "aboutAction").trigger()
    assert said and f"Version {__version__}" in said[0]
