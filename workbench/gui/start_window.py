"""The first window: shown as soon as Qt is up, while the rest of the app loads.

Loading the main window's code (the pages, the services, SQLAlchemy's models, the libraries they
use) takes a couple of seconds on a modest machine, and nothing would be on screen meanwhile. This
window says which workspace is being opened and shows that something is happening; `load` runs
the loading in a thread while the window keeps answering (it can be moved, it repaints), and the
main window takes its place. It imports nothing but Qt and the house style.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from workbench.gui.qt import (
    QApplication,
    QCloseEvent,
    QLabel,
    QMainWindow,
    QProgressBar,
    Qt,
    QVBoxLayout,
    QWidget,
    named,
)
from workbench.gui.style import STYLESHEET

TITLE = "Inspection Readiness Workbench"


class StartWindow(QMainWindow):
    def __init__(self, opening: str) -> None:
        super().__init__()
        self.setObjectName("startWindow")
        self.setWindowTitle(TITLE)
        self.setStyleSheet(STYLESHEET)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addStretch(2)
        title = named(QLabel(TITLE), "startTitle")
        title.setProperty("role", "pageTitle")
        self.note = named(QLabel(f"Opening {opening}…"), "startNote")
        self.note.setProperty("role", "muted")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # a path can be copied
        self.bar = named(QProgressBar(), "startProgress")
        self.bar.setRange(0, 0)  # busy: how long is not known
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(320)
        self.bar.setAccessibleName("Loading the workbench")
        for w in (title, self.note, self.bar):
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(3)
        self.setCentralWidget(body)
        self.given_up = False  # the person closed this window before the main window was ready
        self._finished = False
        room = self.screen().availableGeometry()  # the main window's first size (main_window.py)
        self.resize(min(1280, int(room.width() * 0.92)), min(820, int(room.height() * 0.92)))

    def load(self, work: Callable[[], object]) -> None:
        """Run `work` in a thread while this window keeps answering; its error is raised here."""
        failed: list[BaseException] = []

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # handed to the window's thread, raised there
                failed.append(exc)

        thread = threading.Thread(target=run, name="workbench start", daemon=True)
        thread.start()
        app = QApplication.instance()
        while thread.is_alive():  # also when the window was closed: the loading in hand is let finish
            if app is not None:
                app.processEvents()
            thread.join(0.02)
        if failed and not self.given_up:
            raise failed[0]

    def finish(self) -> None:
        """Close this window because the main window (or an error) takes over."""
        self._finished = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._finished:
            self.given_up = True  # closed by the person: the start stops after the loading in hand
        super().closeEvent(event)

    def say(self, text: str) -> None:
        """Change what the window says it is doing (painted at once)."""
        self.note.setText(text)
        app = QApplication.instance()
        if app is not None:
            app.processEvents()
