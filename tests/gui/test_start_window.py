"""The start window: on screen at once, answering while the main window's code loads, then replaced."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from workbench.gui import app
from workbench.gui.qt import QApplication, QTimer, QWidget
from workbench.gui.start_window import StartWindow
from workbench.services.users import current_os_user
from workbench.services.workspace import init_workspace
from workbench.store.location import sqlite_location

pytestmark = pytest.mark.gui


def test_it_says_what_opens_and_that_it_is_busy(qtbot: Any) -> None:
    start = StartWindow("/data/force.sqlite")
    qtbot.addWidget(start)
    start.show()
    assert start.windowTitle() == "Inspection Readiness Workbench"
    assert start.note.text() == "Opening /data/force.sqlite…"
    assert (start.bar.minimum(), start.bar.maximum()) == (0, 0)  # busy, no made-up percentage
    assert start.bar.accessibleName() == "Loading the workbench"


def test_load_runs_in_another_thread_while_the_window_answers(qtbot: Any) -> None:
    start = StartWindow("w.sqlite")
    qtbot.addWidget(start)
    start.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    ran_in: list[threading.Thread] = []

    def work() -> None:
        ran_in.append(threading.current_thread())
        time.sleep(0.4)

    start.load(work)
    timer.stop()
    assert ran_in and ran_in[0] is not threading.main_thread()
    assert len(ticks) >= 10  # the window's timers ran all along (none would have while blocked)
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.2


def test_an_error_while_loading_is_raised_in_the_window_thread(qtbot: Any) -> None:
    start = StartWindow("w.sqlite")
    qtbot.addWidget(start)

    def work() -> None:
        raise ImportError("a library is missing")

    with pytest.raises(ImportError, match="a library is missing"):
        start.load(work)


def _shown() -> list[str]:
    return sorted(type(w).__name__ for w in QApplication.topLevelWidgets()
                  if isinstance(w, QWidget) and w.isVisible() and type(w).__name__.endswith("Window"))


def test_the_app_shows_the_start_window_first_and_the_main_window_in_its_place(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    me = current_os_user()
    location = sqlite_location(tmp_path / "w.sqlite")
    init_workspace(location, me).close()
    seen: dict[str, list[str]] = {}
    real_load = app.load_window_code

    def load() -> None:  # runs while the start window is up
        seen["loading"] = _shown()
        real_load()

    def exec_(_self: object) -> int:  # the event loop: what is on screen once the app is running
        seen["running"] = _shown()
        return 0

    monkeypatch.setattr(app, "load_window_code", load)
    monkeypatch.setattr(QApplication, "exec", exec_)
    assert app.run_gui(location, me) == 0
    assert seen["loading"] == ["StartWindow"]
    assert seen["running"] == ["MainWindow"]


def test_a_workspace_that_cannot_open_is_said_and_the_start_window_goes(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.gui.qt import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    code = app.run_gui(sqlite_location(broken), current_os_user())
    assert code != 0 and len(said) == 1
    assert said[0].startswith(f"{broken} is not a workbench workspace") and "workbench init" in said[0]
    assert "StartWindow" not in _shown()


def test_the_start_window_comes_before_the_database_code_is_loaded(tmp_path: Path) -> None:
    """As a user starts it (`workbench --workspace W`): by the time the start window is up, neither
    SQLAlchemy nor the services have been imported (they load behind it)."""
    import os
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import workbench.gui.start_window as sw\n"
        "def load(self, work):\n"
        "    print(sorted(m for m in ('sqlalchemy', 'workbench.services.users', 'workbench.store.models', 'pyarrow')\n"
        "                 if m in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "sw.StartWindow.load = load\n"
        "from workbench.cli import main\n"
        f"main(['--workspace', {str(tmp_path / 'w.sqlite')!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_closing_the_start_window_while_loading_opens_nothing(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    me = current_os_user()
    location = sqlite_location(tmp_path / "w.sqlite")
    init_workspace(location, me).close()
    opened: list[object] = []

    def close_it() -> None:  # the person closes the window while the code loads
        for w in QApplication.topLevelWidgets():
            if isinstance(w, StartWindow) and w.isVisible():
                w.close()

    closer = QTimer()
    closer.setInterval(20)
    closer.timeout.connect(close_it)
    closer.start()
    monkeypatch.setattr(app, "load_window_code", lambda: time.sleep(0.3))
    monkeypatch.setattr(app, "open_main_window", lambda *a, **k: opened.append(a))

    def exec_(_self: object) -> int:
        opened.append("event loop")
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert app.run_gui(location, me) == 0
    closer.stop()
    assert opened == [] and "StartWindow" not in _shown()


def test_messages_while_opening_sit_on_the_start_window(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.gui.qt import QMessageBox

    parents: list[object] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, _title, _text: parents.append(parent))
    monkeypatch.setattr(app, "load_window_code", lambda: None)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"x" * 200)
    app.run_gui(sqlite_location(broken), current_os_user())
    assert len(parents) == 1 and isinstance(parents[0], StartWindow)
