"""Application-wide event filters, each installed once (the wheel guard, dialogs fitted to the
screen): one place that finds or makes a filter and puts it on the application."""

from __future__ import annotations

from typing import TypeVar, cast

from workbench.gui.qt import QApplication, QObject

F = TypeVar("F", bound=QObject)


def install_once(kind: type[F], name: str, app: QApplication | None = None) -> F:
    """The application's filter of `kind` named `name`, made and installed the first time."""
    app = app or cast("QApplication | None", QApplication.instance())  # the GUI's instance is a QApplication
    if app is None:
        raise RuntimeError(f"the {name} filter needs a QApplication")
    found = app.findChild(kind, name)
    if found is None:
        found = kind(app)
        found.setObjectName(name)
        app.installEventFilter(found)
    return found


def remove(kind: type[QObject], name: str) -> None:
    """Take the application's filter of `kind` named `name` off again, if it is on."""
    app = QApplication.instance()
    found = app.findChild(kind, name) if app is not None else None
    if app is not None and found is not None:
        app.removeEventFilter(found)
