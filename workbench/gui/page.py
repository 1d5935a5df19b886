"""A page of the main window that reads in a worker: the one rule of when it reads again.

A change that concerns the page is read at once while the page is shown; a hidden page only
notes that it is stale and reads when it is next shown (its `showEvent`). Each page's `refresh`
starts the read and clears `_stale`.
"""

from __future__ import annotations

from typing import Any

from workbench.gui.qt import QWidget


class ReadingPage(QWidget):
    _stale = True  # read when first shown

    def refresh(self) -> None:  # each page reads its data in a worker
        raise NotImplementedError

    def read_now_or_when_shown(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()
