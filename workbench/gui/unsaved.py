"""Never losing typed work: what is unsaved, and one question before the window closes.

A widget that holds edits not yet saved offers ``unsaved_work() -> list[str]`` (what, in words),
``save_unsaved() -> bool`` and ``discard_unsaved()``. Editors keep the edits of a record the user
moves away from (another finding clicked) and bring them back when it is shown again; closing the
window or quitting (Ctrl+Q) asks once: save everything, discard it, or stay.

A step that may still be called off after the question (switching user or workspace: the sign-in
can be cancelled, the other workspace may not open) asks with `decide` and calls the answer's
`finish()` only once the step is certain: a Discard drops nothing before then, so a cancelled
switch keeps every edit. A save that is refused (e.g. someone else saved first) keeps its edits and
the step does not go ahead.
"""

from __future__ import annotations

from workbench.gui.messages import APP_TITLE
from workbench.gui.qt import QMessageBox, QWidget


def holders(root: QWidget) -> list[QWidget]:
    """Every widget under `root` that can hold unsaved work."""
    return [w for w in root.findChildren(QWidget) if callable(getattr(w, "unsaved_work", None))]


def unsaved(root: QWidget) -> list[str]:
    return [what for w in holders(root) for what in w.unsaved_work()]  # type: ignore[attr-defined]


class Settled:
    """The answer to the question: `finish()` drops what the user chose to discard (call it once the
    step asked about is certain; until then every edit is still there)."""

    def __init__(self, discard: list[QWidget] | None = None) -> None:
        self._discard = discard or []

    def finish(self) -> None:
        for w in self._discard:
            w.discard_unsaved()  # type: ignore[attr-defined]
        self._discard = []


def decide(root: QWidget, action: str = "close the workbench") -> Settled | None:
    """Ask what to do with unsaved work before `action`. None: stay (Cancel, or a save was refused and
    its edits kept). Save saves now; Discard is carried out by the answer's `finish()`."""
    items = [(w, w.unsaved_work()) for w in holders(root)]  # type: ignore[attr-defined]
    items = [(w, what) for w, what in items if what]
    if not items:
        return Settled()
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
        return None
    if choice in (buttons.Discard.value, int(buttons.Discard.value)):
        return Settled([w for w, _ in items])
    saved = [w.save_unsaved() for w, _ in items]  # type: ignore[attr-defined]  # every one, even after a refusal
    return Settled() if all(saved) else None


def settle(root: QWidget, action: str = "close the workbench") -> bool:
    """Ask what to do with unsaved work before `action`, and do it; True when it may go ahead."""
    settled = decide(root, action)
    if settled is None:
        return False
    settled.finish()
    return True
