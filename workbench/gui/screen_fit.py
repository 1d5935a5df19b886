"""No dialog opens larger than the screen it is on.

Dialogs size themselves for a roomy screen (the case editor 860 × 740, the audit wizard 900 × 760);
on a 1366 × 768 laptop their buttons would fall off the bottom. One event filter on the
application (installed once, by the main window) shrinks a dialog that is about to show to the
screen's available area, less a margin, and moves it wholly onto that screen.
"""

from __future__ import annotations

from workbench.gui.app_filters import install_once, remove
from workbench.gui.qt import QApplication, QDialog, QEvent, QObject

#: room left around a dialog fitted to the screen (window frame, taskbar shadow)
MARGIN = 24


def fit_to_screen(dialog: QDialog) -> None:
    """Shrink `dialog` to its screen's available area (less a margin) and keep it on that screen."""
    screen = dialog.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    width, height = min(dialog.width(), area.width()), min(dialog.height(), area.height())
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)
    frame = dialog.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        dialog.move(x, y)


class ScreenFit(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(obj, QDialog) and event.type() == QEvent.Type.Show:  # the cheap test first
            fit_to_screen(obj)
        return False


def install_screen_fit(app: QApplication | None = None) -> ScreenFit:
    """Install the filter on the application once; later calls return the same filter."""
    return install_once(ScreenFit, "screenFit", app)


def remove_screen_fit() -> None:
    """Take the filter off again (the screenshots picture dialogs at their own size)."""
    remove(ScreenFit, "screenFit")
