"""Asking before anything is thrown away or removed, saying what will happen.

Callers use the module (``confirm.ask(...)``), so one patch of ``ask`` answers every question in tests.
"""

from __future__ import annotations

from workbench.gui.messages import APP_TITLE
from workbench.gui.qt import QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, question: str, consequence: str, action: str,
            destructive: bool = True) -> bool:
    """A Yes/Cancel question whose Yes button names the action (e.g. "Remove evidence")."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(f"{title} — {APP_TITLE}")
    box.setText(question)
    box.setInformativeText(consequence)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole if destructive
                        else QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    yes.setObjectName("confirmAction")
    result = box.exec()
    clicked = box.clickedButton()
    return clicked is yes or (clicked is None and result == int(QMessageBox.ButtonRole.DestructiveRole.value))


def discard(parent: QWidget | None, what: str) -> bool:
    return ask(parent, "Discard changes", f"Discard your unsaved {what}?",
                   "What you typed is lost; what was saved before stays as it was.", "Discard changes")
