"""GUI fixtures: a workspace with the two seed reports, per-test window settings, captured message boxes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import findings
from workbench.store.workspace import Workspace

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
R2018 = SAMPLES / "peel-2018-norfolk-effectiveness.txt"
R2023 = SAMPLES / "peel-2023-25-norfolk-afis.txt"


@dataclass(frozen=True)
class Box:
    title: str
    text: str
    hint: str
    details: str


@pytest.fixture(autouse=True)
def private_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user config and state folders (recent workspaces, log checkpoints) are the test's own,
    never the real ones."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(folder / "state"))
    from workbench.services import log_checkpoints  # and on systems whose platformdirs ignore XDG

    monkeypatch.setattr(log_checkpoints, "default_path", lambda: folder / "state" / "log-checkpoints.json")
    return folder


@pytest.fixture
def seeded_workspace(sqlite_workspace: Workspace) -> Workspace:
    """The 2018 report (3 AFIs) then the 2023-25 report (12 AFIs, links to 2018 suggested)."""
    for report in (R2018, R2023):
        with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
            findings.import_report(uow, report)
    return sqlite_workspace


@pytest.fixture
def settings(tmp_path: Path):
    from workbench.gui.qt import QSettings

    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[Box]:
    """Every message box the app shows, instead of showing it."""
    from workbench.gui.qt import QMessageBox

    shown: list[Box] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(Box(box.windowTitle(), box.text(), box.informativeText(), box.detailedText()))
        return int(QMessageBox.StandardButton.Ok.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


@pytest.fixture
def open_window(qtbot, settings):
    """Opens a MainWindow on a workspace as a user; closed (and its workers drained) after the test."""
    from workbench.gui.main_window import MainWindow
    from workbench.services.demo_workspace import OFFICER, OFFICER_PASSPHRASE, REVIEWER, REVIEWER_PASSPHRASE

    known = {ADMIN: ADMIN_PASS, OFFICER: OFFICER_PASSPHRASE, REVIEWER: REVIEWER_PASSPHRASE}
    kept: list[MainWindow] = []  # alive until the test ends, whatever the test keeps

    def make(ws: Workspace, username: str = ADMIN, passphrase: str | None = None) -> MainWindow:
        """Signed in with the user's passphrase (as the sign-in dialog does) when it is known."""
        secret = passphrase or known.get(username)
        window = MainWindow(ws, ws.sign_in(username, secret) if secret else username, settings)
        qtbot.addWidget(window)
        window.show()
        kept.append(window)
        wait_for_workers(qtbot, window)  # the first page reads in a worker
        return window

    yield make


@pytest.fixture
def window(open_window, seeded_workspace: Workspace) -> Iterator[object]:
    yield open_window(seeded_workspace)


# -- a demo-like workspace: built once per session, copied for each test that uses it -------------
@pytest.fixture(scope="session")
def demo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `workbench demo` workspace (two reports, four audit rounds, actions, evidence, a signed pack)."""
    from workbench.services.demo_workspace import build_demo

    return build_demo(tmp_path_factory.mktemp("gui-demo")).workspace


@pytest.fixture
def demo_ws(demo_source: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the demo workspace, so a test may write to it."""
    import shutil

    from workbench.store.location import sqlite_location

    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_source, copy)
    ws = Workspace.open(sqlite_location(copy))
    yield ws
    ws.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """Before pytest-qt closes the test's windows: drop the edits a failed test left unsaved, so the
    close never waits on a real (modal) question box and the run goes on to the next test."""
    from workbench.gui import unsaved
    from workbench.gui.qt import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication):
        for top in app.topLevelWidgets():
            for holder in unsaved.holders(top):
                holder.discard_unsaved()  # type: ignore[attr-defined]
    yield


def settled(window) -> bool:
    """No background job or read of the window is under way, and every view is filled."""
    return not window.busy()


_QTBOT: list[object] = []


@pytest.fixture(autouse=True)
def _current_qtbot(qtbot):
    """The running test's qtbot, for helpers that wait for a window's reads (`wait_settled`)."""
    _QTBOT.append(qtbot)
    yield qtbot
    _QTBOT.remove(qtbot)


def wait_settled(window) -> None:
    """Wait (qtbot.waitUntil) until the window's reads and jobs ended and its views are filled."""
    wait_for_workers(_QTBOT[-1], window)


def show(window, page: str) -> None:
    """Show a page and wait until it has read (in a worker) and filled its views."""
    window.show_page(page)
    wait_settled(window)


def wait_for_workers(qtbot, window) -> None:
    """Let every background job and read of the window finish (and its result reach the views)."""
    qtbot.waitUntil(lambda: settled(window), timeout=180_000)  # a busy machine is slow, never wrong
