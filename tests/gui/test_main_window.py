"""The main window: workspace, user and role on show, pages, window state, viewer role, switching."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from tests.gui.conftest import show, wait_settled
from workbench.services import users
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location

pytestmark = pytest.mark.gui


def test_main_window_shows_workspace_user_and_counts(window, seeded_workspace, qtbot) -> None:
    from workbench.gui.qt import QLabel, QListWidget

    info = window.findChild(QLabel, "overviewInfo")
    user = window.ctx.user
    assert user.display_name.split(" (")[0] in info.text() and "(admin)" in info.text()  # the person, by name
    assert seeded_workspace.location.path.name in info.text() and info.toolTip() == str(seeded_workspace.location.path)
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
    assert [nav.item(i).text() for i in range(nav.count())] == ["Overview", "Findings", "Audits", "Measures", "Packs",
                                                                 "Register"]
    nav.setCurrentRow(3)
    assert window.stack.currentWidget() is window.measures
    nav.setCurrentRow(4)
    assert window.stack.currentWidget() is window.packs
    by_status = window.overview.by_status
    assert by_status.item(0, 0).text() == "Awaiting allocation" and by_status.item(0, 1).text() == "15"


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
    show(window, "Findings")
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
    show(window, "Measures")
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
    show(window, "Findings")
    window.open_workspace()
    assert len(boxes) == 1 and "not registered" in boxes[0].text and "stranger.sqlite" in boxes[0].text
    assert window.findings.model.rowCount() == 15  # the open workspace stays

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window.open_workspace()
    wait_settled(window)
    assert window.ws.location.path == other
    assert window.findings.model.rowCount() == 0
    assert window.overview.stats["findings"].value.text() == "0"
    assert str(other) in window.status_workspace.text()


def test_new_workspace_makes_the_user_its_admin(window, tmp_path: Path, monkeypatch) -> None:
    from workbench.gui.qt import QFileDialog

    target = tmp_path / "fresh"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.new_workspace()
    wait_settled(window)
    assert window.ws.location.path == tmp_path / "fresh.sqlite"
    assert (tmp_path / "fresh.sqlite").exists()
    assert window.status_role.text() == "Role: admin"
    assert window.findings.model.rowCount() == 0


def test_a_tampered_change_log_shows_as_broken(window, seeded_workspace, qtbot) -> None:
    from sqlalchemy import update

    from workbench.store.models import ChangeLogEntry

    with seeded_workspace.engine.begin() as conn:
        conn.execute(update(ChangeLogEntry).where(ChangeLogEntry.seq == 3).values(actor="mallory"))
    window.overview.check_log_in_full()  # entry 3 is before the checkpoint: only a full check walks it
    state = window.overview.log_state
    qtbot.waitUntil(lambda: state.text() == "Broken")
    assert state.text() == "Broken" and state.property("tone") == "red"
    assert "entry 3 was altered" in window.overview.log_text.text()
    assert "mallory" in window.overview.log_text.text()
    with qtbot.waitSignal(window.overview.log_checked, timeout=10_000):
        window.refresh()  # from the checkpoint: what the full check found still shows
    assert state.text() == "Broken" and "entry 3 was altered" in window.overview.log_text.text()


def test_about_names_the_version(window, monkeypatch) -> None:
    from workbench import __version__
    from workbench.gui.qt import QAction, QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: said.append(text))
    window.findChild(QAction, "aboutAction").trigger()
    assert said and f"Version {__version__}" in said[0]


# -- menus, shortcuts, recent workspaces, a copy, dropping, bad input ---------------------------------
def _action(window, name: str):
    from workbench.gui.qt import QAction

    return window.findChild(QAction, name)


def test_pages_and_search_have_shortcuts(qtbot, window) -> None:
    from workbench.gui.qt import QApplication, QKeySequence

    for number, page in enumerate(["Overview", "Findings", "Audits", "Measures", "Packs"], start=1):
        action = _action(window, f"page{page}Action")
        assert action.shortcut() == QKeySequence(f"Ctrl+{number}")
        action.trigger()
        assert window.stack.currentIndex() == number - 1
    window.show_page("Overview")
    find = _action(window, "findAction")
    assert find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    window.activateWindow()
    find.trigger()
    assert window.stack.currentWidget() is window.findings
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.findings.search or not window.isActiveWindow())
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Workspace", "&View", "&Help"]
    for name in ("openDatabaseAction", "newDatabaseAction", "saveCopyAction", "switchUserAction",
                 "changePassphraseAction", "usersAction", "settingsAction"):
        assert _action(window, name) is not None, name


def test_save_a_copy_is_an_admins_and_writes_a_private_file(window, seeded_workspace, tmp_path: Path,
                                                            monkeypatch, boxes) -> None:
    import stat

    from workbench.gui.qt import QFileDialog
    from workbench.store.workspace import Workspace

    assert _action(window, "saveCopyAction").isEnabled()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "copy"), ""))
    window.save_copy()
    copy = tmp_path / "copy.sqlite"
    assert [b.title.split(" — ")[0] for b in boxes] == ["Copy saved"] and str(copy) in boxes[0].text
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with Workspace.open(sqlite_location(copy)) as ws, ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        from workbench.services.findings import list_findings

        assert len(list_findings(uow)) == 15
    assert window.ws.location.path == seeded_workspace.location.path  # still working in the original


def test_an_officer_cannot_save_a_copy_and_is_told_why(open_window, seeded_workspace) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    window = open_window(seeded_workspace, "off.icer")
    action = _action(window, "saveCopyAction")
    assert not action.isEnabled() and "officer role cannot save a copy" in action.toolTip()
    assert window.import_action.isEnabled() and "officer" not in window.import_action.toolTip()  # officers import reports


def test_opened_workspaces_are_remembered_and_reopened_from_the_menu(window, seeded_workspace, tmp_path: Path,
                                                                     monkeypatch, boxes) -> None:
    from workbench.gui import workspace_actions

    other = tmp_path / "other.sqlite"
    init_workspace(sqlite_location(other), ADMIN).close()
    first = seeded_workspace.location.path
    monkeypatch.setattr("workbench.gui.main_window.identify",  # as signing in does, without the dialog
                        lambda ws, name, parent=None: ws.sign_in(name, ADMIN_PASS) if ws.location.path == first
                        else name)
    assert [e.target for e in window.recent.entries()] == [str(first)]
    assert window.switch_to(lambda: __import__("workbench.store.workspace", fromlist=["Workspace"]).Workspace.open(
        sqlite_location(other)))
    assert [e.target for e in window.recent.entries()] == [str(other), str(first)]
    workspace_actions.fill_recent_menu(window)
    labels = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert labels[:2] == [f"&1 {other}", f"&2 {first}"] and "Clear the list" in labels
    window.recent_menu.actions()[1].trigger()
    assert window.ws.location.path == first
    gone = tmp_path / "gone.sqlite"
    init_workspace(sqlite_location(gone), ADMIN).close()
    window.recent.remember(sqlite_location(gone))
    gone.unlink()
    assert not workspace_actions.open_recent(window, window.recent.entries()[0])
    assert "no workspace at" in boxes[-1].text and str(gone) not in [e.target for e in window.recent.entries()]
    assert window.ws.location.path == first


def test_a_workspace_file_dropped_on_the_window_opens_it(window, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    from workbench.gui import workspace_actions

    other = tmp_path / "dropped.sqlite"
    init_workspace(sqlite_location(other), ADMIN).close()
    text = tmp_path / "notes.txt"
    text.write_text("not a workspace")

    class Drop:
        def __init__(self, path: Path) -> None:
            self.data = QMimeData()
            self.data.setUrls([QUrl.fromLocalFile(str(path))])
            self.accepted: bool | None = None

        def mimeData(self):  # noqa: N802
            return self.data

        def acceptProposedAction(self):  # noqa: N802
            self.accepted = True

        def ignore(self):
            self.accepted = False

    refused = Drop(text)
    workspace_actions.drag_enter(window, refused)
    assert refused.accepted is False
    taken = Drop(other)
    workspace_actions.drag_enter(window, taken)
    assert taken.accepted is True
    workspace_actions.drop(window, taken)
    assert window.ws.location.path == other


def test_a_workspace_file_deleted_while_open_is_said_and_nothing_is_made(window, seeded_workspace, boxes) -> None:
    path = seeded_workspace.location.path
    moved = path.with_name("moved.sqlite")
    path.rename(moved)
    window.refresh()
    assert len(boxes) == 1 and "no longer there" in boxes[0].text and str(path) in boxes[0].text
    window.findings.refresh()  # a read in a worker: its error is shown when it ends
    wait_settled(window)
    assert len(boxes) == 2 and "no longer there" in boxes[-1].text
    assert not path.exists()  # SQLite did not quietly start a new, empty workspace there
    assert window.isVisible()
    moved.rename(path)
    window.refresh()
    show(window, "Findings")
    assert len(boxes) == 2 and window.findings.model.rowCount() == 15


@pytest.mark.pg
def test_a_database_server_that_goes_away_is_said_and_the_window_lives(open_window, pg_url, boxes) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    from workbench.store.location import resolve_location

    ws = init_workspace(resolve_location(db=pg_url), ADMIN, "Admin User", ADMIN_PASS)
    try:
        window = open_window(ws)
        url = make_url(pg_url)
        with psycopg.connect(host=url.host, port=url.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:  # the server ends every session of this database
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                         (url.database,))
            conn.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false')
        window.refresh()
        wait_settled(window)
        assert boxes and all("database" in b.text for b in boxes), boxes
        assert window.isVisible()
        with psycopg.connect(host=url.host, port=url.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true')
        shown = len(boxes)
        window.refresh()
        assert len(boxes) == shown and window.findings.model.rowCount() == 0
    finally:
        ws.close()


def test_the_overview_shows_what_needs_attention_and_opens_it(qtbot, open_window, sqlite_workspace) -> None:
    from datetime import date

    from workbench.services import actions, register

    ws = sqlite_workspace
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        src = register.add_source(uow, "cdi", "Crime data integrity", date(2024, 1, 10))
        fid = register.add_finding(uow, src.id, "recommendation", "R1", "Record crimes within 24 hours.")
        actions.add_action(uow, fid, "Audit crime recording", owner="DCI Shah", due_date=date(2024, 2, 28))
    window = open_window(ws, ADMIN)
    panel = window.overview.attention
    rows = panel.table.texts()
    assert rows and rows[0][0] == "Overdue · Action" and "Audit crime recording" in rows[0][2]
    panel.open_record.emit("action", panel.items[0].record.id)  # its finding is looked up in a worker
    wait_settled(window)
    assert window.stack.currentWidget() is window.findings and window.findings.selected_id() == fid
