"""Message boxes: a problem the user can fix (message + hint), or an unexpected error (details)."""

from __future__ import annotations

from workbench.errors import ConflictError, PermissionDeniedError, WorkbenchError
from workbench.gui.qt import QMessageBox, QWidget

APP_TITLE = "Inspection Readiness Workbench"


def _titled(exc: WorkbenchError) -> str:
    if isinstance(exc, ConflictError):
        return "Changed by someone else"
    if isinstance(exc, PermissionDeniedError):
        return "Not allowed"
    return "Cannot do this"


def error_texts(exc: BaseException, details: str = "") -> tuple[str, str, str, str]:
    """(window title, message, hint, details) for an error."""
    if isinstance(exc, WorkbenchError):
        return _titled(exc), exc.message, exc.hint, ""
    what = f"{type(exc).__name__}: {exc}".rstrip(": ")
    return ("Unexpected error", "Unexpected error",
            f"{what}\n\nNothing was saved by the failed action. Please report this, with the details, "
            "to whoever supports the workbench.", details)


def show_error(parent: QWidget | None, exc: BaseException, details: str = "") -> None:
    """Show an error in a modal box; never raises."""
    title, message, hint, more = error_texts(exc, details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, WorkbenchError) else QMessageBox.Icon.Critical)
    box.setWindowTitle(f"{title} — {APP_TITLE}")
    box.setText(message)
    if hint:
        box.setInformativeText(hint)
    if more:
        box.setDetailedText(more)
    box.exec()


def show_info(parent: QWidget | None, title: str, message: str, hint: str = "") -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(f"{title} — {APP_TITLE}")
    box.setText(message)
    if hint:
        box.setInformativeText(hint)
    box.exec()
