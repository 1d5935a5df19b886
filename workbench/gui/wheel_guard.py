"""The mouse wheel never changes an input the user has not clicked into.

One event filter on the application (installed once, by the main window) catches every wheel
event aimed at a combo box, spin box, date edit or slider that does not have the keyboard focus,
and scrolls the surrounding page instead, so scrolling a detail panel can never turn a finding
from "signed off" into "superseded". A focused input still takes the wheel, as people expect.
"""

from __future__ import annotations

from workbench.gui.app_filters import install_once
from workbench.gui.qt import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QEvent,
    QObject,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def _focused(widget: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        # every event of the application passes here: the cheap test first (reading the event's
        # type builds a Python enum, several times the cost of the isinstance)
        if not isinstance(obj, GUARDED) or event.type() != QEvent.Type.Wheel or _focused(obj):
            return False
        holder = obj.parentWidget() if isinstance(obj, QAbstractSlider) else None
        if holder is not None and isinstance(holder.parentWidget(), QAbstractScrollArea):
            return False  # a scroll area's own scroll bar
        area = obj.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True  # never to the unfocused input


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the guard on the application once; later calls return the same guard."""
    return install_once(WheelGuard, "wheelGuard", app)
