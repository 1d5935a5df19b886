"""Never losing typed work: what is unsaved, and one question before the window closes.

A widget that holds edits not yet saved offers ``unsaved_work() -> list[str]`` (what, in words),
``save_unsaved() -> bool`` and ``discard_unsaved()``. Editors keep the edits of a record the user
moves away from (another finding clicked) and bring them back when it is shown again; closing the
window or quitting (Ctrl+Q) asks once: save everything, discard it, or stay.
"""

from __future__ import annotations

from workbench.gui.messages import APP_TITLE
from workbench.gui.qt import QMessageBox, QWidget


def holders(root: QWidget) -> list[QWidget]:
    """Every widget under `root` that can hold unsaved work."""
    return [w for w in root.findChildren(QWidget) if callable(getattr(w, "unsaved_work", None))]


def unsaved(root: QWidget) -> list[str]:
    return [what for w in holders(root) for what in w.unsaved_work()]  # type: ignore[attr-defined]


def settle(root: QWidget, action: str = "close the workbench") -> bool:
    """Ask what to do with unsaved work before `action`; True when it may go ahead."""
    items = [(w, w.unsaved_work()) for w in holders(root)]  # type: ignore[attr-defined]
    items = [(w, what) for w, what in items if what]
    if not items:
        return True
    listed = [x for _, what in items for x in what]
    box = QMessageBox(root)
    box.setObjectName("unsavedQuestion")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"Unsaved changes — {APP_TITLE}")
    box.setText(f"You have unsaved changes. Save them before you {action}?")
    box.setInformativeText("\n".join(f"• {x}" for x in listed[:12]) + (f"\n… and {len(listed) - 12} more"
                                                                          if len(listed) > 12 else ""))
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    choice = box.exec()
    if choice == buttons.Cancel.value or choice == int(buttons.Cancel.value):
        return False
    if choice in (buttons.Discard.value, int(buttons.Discard.value)):
        for w, _ in items:
            w.discard_unsaved()  # type: ignore[attr-defined]
        return True
    return all([w.save_unsaved() for w, _ in items])  # type: ignore[attr-defined]
